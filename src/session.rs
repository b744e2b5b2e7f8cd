//! A session: the tenant (fixture + replayed journal), the audit log, and the durable state behind
//! them. The CLI and the TUI both make every change through here, so a change is journaled
//! (fsynced) before it is applied in memory or reported as done.

use crate::model::{AssignmentId, AuId, UserId};
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::audit::AuditRecord;
use crate::fixture::{self, FixtureError};
use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::ops::{self, Change, Ctx, OpError, PhoneMode, Planned};
use crate::phone::PhoneType;
use crate::pim;
use crate::replay;
use crate::roles::Role;
use crate::storage::{self, Journal, StorageError};

pub use crate::ops::{CreatedUser, DeletedUser, ResetOutcome, UserRequest};

/// The demo tenant, embedded so `mystaff` runs with no files at all.
pub const CONTOSO_JSON: &[u8] = include_bytes!("../fixtures/contoso.json");
pub const CONTOSO_NAME: &str = "contoso.json (embedded)";

#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// None: the embedded Contoso tenant.
    pub tenant_file: Option<PathBuf>,
    /// None: the platform's per-user data directory under `mystaff/<tenant id>/`.
    pub state_dir: Option<PathBuf>,
    /// Keep nothing: no state directory is read or written.
    pub ephemeral: bool,
    /// Replay the journal onto a fixture that changed since the journal was started.
    pub rebase: bool,
    /// Move a journal line that cannot be replayed, and everything after it, aside (into a dated
    /// file in the state directory) instead of refusing to open.
    pub repair: bool,
    /// The largest fixture file read; None: [`storage::DEFAULT_MAX_FIXTURE_BYTES`].
    pub max_fixture_bytes: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The fixture cannot be read or is invalid (exit 2).
    #[error("{0}")]
    Fixture(FixtureError),
    /// The state directory cannot be used (exit 3).
    #[error("{0}")]
    Storage(#[from] StorageError),
    /// No state directory could be chosen (exit 3).
    #[error("{0}")]
    NoStateDir(String),
    /// A journal line cannot be replayed: it is not what mystaff writes, breaks the chain, or is
    /// a change its actor could not have made (exit 3). Nothing after it is trusted.
    #[error("journal {}, line {line}: {}. {hint}", .path.display(), .reason.trim_end_matches('.'))]
    Journal {
        path: PathBuf,
        line: usize,
        reason: String,
        hint: String,
    },
}

impl SessionError {
    pub fn exit_code(&self) -> i32 {
        match self {
            SessionError::Fixture(_) => 2,
            SessionError::Storage(_)
            | SessionError::NoStateDir(_)
            | SessionError::Journal { .. } => 3,
        }
    }
}

/// Reads and validates a fixture file (or the embedded one). Returns the tenant, the fixture's
/// digest ([`storage::fixture_digest`], which binds a journal to it) and the fixture's name.
pub fn load_fixture(
    path: Option<&Path>,
    max_bytes: u64,
) -> Result<(Tenant, String, String), FixtureError> {
    match path {
        None => {
            let t = fixture::load(CONTOSO_NAME, CONTOSO_JSON)?;
            let digest = storage::fixture_digest(CONTOSO_JSON);
            Ok((t, digest, CONTOSO_NAME.to_string()))
        }
        Some(p) => {
            let name = p.display().to_string();
            let bytes = storage::FixtureBytes::open(p, max_bytes).map_err(|e| FixtureError {
                file: name.clone(),
                problems: vec![format!("cannot read the file: {e}")],
            })?;
            let (t, digest) = fixture::load_mapped(&name, &bytes)?;
            Ok((t, digest, name))
        }
    }
}

pub struct Session {
    tenant: Tenant,
    journal: Option<Journal>,
    state_dir: Option<PathBuf>,
    audit: Vec<AuditRecord>,
    ctx: Ctx,
    clock: fn() -> String,
    prefs: serde_json::Map<String, Value>,
    /// Set when another process appended a line that cannot be replayed: this session's history
    /// is no longer the journal's, so it makes no more changes.
    poisoned: Option<(PathBuf, usize, String)>,
    /// Things the user should know about the loaded state (torn journal tail, rebase, …).
    pub warnings: Vec<String>,
    /// Live mode: where changes are made (Microsoft Graph), after the engine allowed them.
    remote: Option<Box<dyn Remote>>,
    /// Live mode: the local audit file of what was done from this machine.
    audit_file: Option<PathBuf>,
    /// Live mode: a change whose outcome is unknown; no other change is made until what it
    /// touched was read again.
    unknown: Option<String>,
}

/// Where a change is made in live mode. The session asks the engine first; a refusal never
/// reaches the remote.
pub trait Remote {
    /// Makes `change`. `password`: the password to set (a synced user's typed one, or the
    /// temporary one the plan generated, for the `passwordProfile` fallback); `fallback_patch`:
    /// whether the actor holds a role documented for that fallback.
    fn make(
        &mut self,
        tenant: &Tenant,
        change: &Change,
        password: Option<&crate::secret::Secret>,
        fallback_patch: bool,
    ) -> Result<Made, RemoteError>;
    /// The tenant as now read (after a change, or after an unknown outcome was read again).
    fn reread(&mut self) -> Result<Tenant, String>;
}

/// What the remote did.
#[derive(Default)]
pub struct Made {
    /// The temporary password Graph generated (or set), shown once.
    pub temporary_password: Option<crate::secret::Secret>,
    /// Something worth saying about how it was done.
    pub note: Option<String>,
}

pub enum RemoteError {
    /// Graph said no: nothing changed.
    Refused(String),
    /// No answer, or a 5xx: the change may have been made.
    Unknown(String),
}

/// The environment variable that fixes the clock (RFC 3339), for demos and tests.
pub const NOW_VAR: &str = "MYSTAFF_NOW";

/// Now: `MYSTAFF_NOW` when it is set, else the system clock. Err when `MYSTAFF_NOW` is set but
/// is not an RFC 3339 time.
pub fn clock_now() -> Result<time::OffsetDateTime, String> {
    match std::env::var_os(NOW_VAR) {
        None => Ok(time::OffsetDateTime::now_utc()),
        Some(v) => {
            let v = v.to_string_lossy();
            crate::when::parse(&v).ok_or_else(|| {
                format!(
                    "{NOW_VAR} is `{}`, which is not an RFC 3339 time (like 2026-12-02T06:00:00Z)",
                    crate::sanitize::cut(&v)
                )
            })
        }
    }
}

/// Now (see [`clock_now`]; a bad `MYSTAFF_NOW` is refused at start-up, so here it falls back to
/// the system clock), UTC, RFC 3339.
pub fn now_utc() -> String {
    let now = clock_now()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .to_offset(time::UtcOffset::UTC);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// Sets the tenant's clock to `at` (RFC 3339); text that is not a time leaves it as it is.
/// True when an activation lapsed or began.
fn set_clock(t: &mut Tenant, at: &str) -> bool {
    match crate::when::parse(at) {
        Some(at) => t.set_now(at.unix_timestamp()),
        None => false,
    }
}

impl Session {
    pub fn open(opts: &OpenOptions, client: &'static str) -> Result<Session, SessionError> {
        let (tenant, digest, _name) = load_fixture(
            opts.tenant_file.as_deref(),
            opts.max_fixture_bytes
                .unwrap_or(storage::DEFAULT_MAX_FIXTURE_BYTES),
        )
        .map_err(SessionError::Fixture)?;
        let mut s = Session::in_memory(tenant, client);
        if opts.ephemeral {
            s.tick();
            return Ok(s);
        }
        let dir = match &opts.state_dir {
            Some(d) => d.clone(),
            None => storage::default_state_dir(&s.tenant.info.id).ok_or_else(|| {
                SessionError::NoStateDir(
                    "cannot find a per-user data directory on this system: pass --state DIR or --ephemeral"
                        .to_string(),
                )
            })?,
        };
        let opened = Journal::open(&dir, &s.tenant.info.id, &digest, opts.rebase)?;
        s.warnings.extend(opened.warnings);
        if opened.rebased {
            s.warnings.push(format!(
                "the fixture changed since this state was started; the journal in {} was replayed onto it (--rebase)",
                dir.display()
            ));
        }
        let mut journal = opened.journal;
        let mut bad = opened.bad;
        for entry in &opened.entries {
            if bad.as_ref().is_some_and(|b| entry.line() >= b.line) {
                break;
            }
            if let Err(reason) = s.replay(entry) {
                bad = Some(storage::BadLine {
                    line: entry.line(),
                    offset: entry.offset(),
                    reason,
                });
                break;
            }
        }
        if let Some(b) = bad {
            if b.line == 1 {
                return Err(StorageError::NotAJournal {
                    path: journal.path().to_path_buf(),
                    reason: b.reason,
                }
                .into());
            }
            let (lines, changes) = journal.count_from(b.offset)?;
            let what = format!(
                "line {} and everything after it ({lines} {} holding {changes} {})",
                b.line,
                plural(lines, "line", "lines"),
                plural(changes, "change", "changes")
            );
            if !opts.repair {
                return Err(SessionError::Journal {
                    path: journal.path().to_path_buf(),
                    line: b.line,
                    reason: b.reason,
                    hint: format!(
                        "Nothing was opened. --repair moves {what} aside into a dated file in {}; \
                         nothing is deleted",
                        dir.display()
                    ),
                });
            }
            let side = journal.set_aside(b.line, b.offset)?;
            s.warnings.push(format!(
                "journal {}, line {}: {}; --repair moved {what} aside to {}, dropping them",
                journal.path().display(),
                b.line,
                b.reason,
                side.display()
            ));
        }
        s.prefs = match storage::load_prefs(&dir) {
            Ok(p) => p,
            Err(e) => {
                s.warnings
                    .push(format!("{e}; starting with default preferences"));
                Default::default()
            }
        };
        s.journal = Some(journal);
        s.state_dir = Some(dir);
        s.tick();
        Ok(s)
    }

    /// Brings the tenant's clock to now: activations that ended lapse. Drivers call it before
    /// they ask the engine anything (the TUI on each event).
    pub fn tick(&mut self) -> bool {
        let now = self.now();
        set_clock(&mut self.tenant, &now)
    }

    /// A session over a tenant with no storage (ephemeral; also for tests).
    pub fn in_memory(tenant: Tenant, client: &'static str) -> Session {
        Session {
            tenant,
            journal: None,
            state_dir: None,
            audit: Vec::new(),
            ctx: Ctx {
                now: String::new(),
                rng: StdRng::from_os_rng(),
                client,
                replay: false,
            },
            poisoned: None,
            clock: now_utc,
            prefs: Default::default(),
            warnings: Vec::new(),
            remote: None,
            audit_file: None,
            unknown: None,
        }
    }

    /// A live session: the tenant as read from Graph, changes made through `remote`, and the
    /// local audit kept in `audit_file` (appended and fsynced; never a password or a token).
    pub fn live(
        tenant: Tenant,
        remote: Box<dyn Remote>,
        audit_file: Option<PathBuf>,
        client: &'static str,
    ) -> Session {
        let mut s = Session::in_memory(tenant, client);
        s.remote = Some(remote);
        s.audit_file = audit_file;
        s.tick();
        s
    }

    /// A change in live mode: decided by the engine on what was read, then made in Graph, then
    /// recorded in the local audit (a refusal, Graph's too, as a failed record).
    fn run_live<T>(
        &mut self,
        actor: UserId,
        plan: impl FnOnce(&Tenant, &mut Ctx) -> Planned<T>,
        password: impl FnOnce(&T) -> Option<crate::secret::Secret>,
        merge: impl FnOnce(&mut T, Made),
    ) -> Result<T, OpError> {
        if let Some(what) = &self.unknown {
            return Err(OpError::Unknown(format!(
                "an earlier change's outcome is unknown ({what}); check it in the Entra admin center before making another"
            )));
        }
        self.ctx.now = (self.clock)();
        set_clock(&mut self.tenant, &self.ctx.now);
        let planned = plan(&self.tenant, &mut self.ctx);
        let (Some(change), Ok(value)) = (planned.change.clone(), planned.result.as_ref()) else {
            if let Some(a) = planned.audit {
                self.record(a);
            }
            return planned.result;
        };
        let secret = password(value);
        let fallback = patch_fallback_allowed(&self.tenant, actor, &change);
        let remote = self.remote.as_mut().expect("a live session has a remote");
        let made = remote.make(&self.tenant, &change, secret.as_ref(), fallback);
        let result = match made {
            Ok(m) => {
                let note = m.note.clone();
                let mut v = planned.result.expect("checked above");
                merge(&mut v, m);
                match remote.reread() {
                    Ok(t) => self.tenant = t,
                    Err(e) => self.warnings.push(e),
                }
                if let Some(n) = note {
                    self.warnings.push(n);
                }
                Ok(v)
            }
            Err(RemoteError::Refused(why)) => Err(OpError::Graph(why)),
            Err(RemoteError::Unknown(why)) => {
                if let Ok(t) = remote.reread() {
                    self.tenant = t;
                }
                self.unknown = Some(why.clone());
                Err(OpError::Unknown(format!(
                    "{why}. mystaff did not try again; check in the Entra admin center whether it was made"
                )))
            }
        };
        if let Some(mut a) = planned.audit {
            if let Err(e) = &result {
                a.result = crate::audit::AuditResult::Failure;
                a.result_reason = e.to_string();
                for t in &mut a.target_resources {
                    t.modified_properties.clear();
                }
            }
            self.record(a);
        }
        result
    }

    /// Keeps an audit record, in the local audit file too in live mode.
    fn record(&mut self, a: AuditRecord) {
        if let Some(path) = &self.audit_file
            && let Err(e) = storage::append_audit(path, &a)
        {
            self.warnings.push(e.to_string());
        }
        self.audit.push(a);
    }

    /// Now, from the session's clock (RFC 3339 UTC).
    pub fn now(&self) -> String {
        (self.clock)()
    }

    /// Fixed clock and seeded randomness, for reproducible tests.
    pub fn with_test_clock(mut self, clock: fn() -> String, seed: u64) -> Session {
        self.clock = clock;
        self.ctx.rng = StdRng::seed_from_u64(seed);
        self.tick();
        self
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }
    pub fn state_dir(&self) -> Option<&Path> {
        self.state_dir.as_deref()
    }
    /// Oldest first.
    pub fn audit(&self) -> &[AuditRecord] {
        &self.audit
    }

    /// Replays one journal entry opening the state; `Err` says why it cannot be.
    fn replay(&mut self, entry: &storage::RawEntry) -> Result<(), String> {
        apply_entry(&mut self.tenant, &mut self.audit, &mut self.warnings, entry)
    }

    /// Catches up on entries other processes appended. Returns how many were applied.
    pub fn refresh(&mut self) -> Result<usize, SessionError> {
        if let Some((path, line, reason)) = &self.poisoned {
            return Err(running_journal_error(path.clone(), *line, reason.clone()));
        }
        let Some(j) = self.journal.as_mut() else {
            return Ok(0);
        };
        let entries = j.refresh()?;
        let path = j.path().to_path_buf();
        let n = entries.len();
        for e in &entries {
            if let Err(reason) =
                apply_entry(&mut self.tenant, &mut self.audit, &mut self.warnings, e)
            {
                self.poisoned = Some((path.clone(), e.line(), reason.clone()));
                return Err(running_journal_error(path, e.line(), reason));
            }
        }
        self.tick();
        Ok(n)
    }

    /// Runs one planned operation: under the journal lock, catch up, plan against the fresh state,
    /// append + fsync, then apply in memory.
    fn run<T>(&mut self, plan: impl FnOnce(&Tenant, &mut Ctx) -> Planned<T>) -> Result<T, OpError> {
        if self.remote.is_some() {
            return Err(OpError::Invalid(
                "live mode makes password resets and phone changes; this change is made on a fixture (graph pull makes one)".to_string(),
            ));
        }
        self.ctx.now = (self.clock)();
        if let Some((path, line, reason)) = &self.poisoned {
            let e = running_journal_error(path.clone(), *line, reason.clone());
            return Err(OpError::Storage(e.to_string()));
        }
        let Session {
            tenant,
            journal,
            audit,
            ctx,
            warnings,
            poisoned,
            ..
        } = self;
        let planned = match journal.as_mut() {
            None => {
                set_clock(tenant, &ctx.now);
                plan(tenant, ctx)
            }
            Some(j) => {
                let path = j.path().to_path_buf();
                let mut tx = j
                    .transaction()
                    .map_err(|e| OpError::Storage(e.to_string()))?;
                warnings.extend(tx.take_warnings());
                for e in &tx.take_new_entries() {
                    if let Err(reason) = apply_entry(tenant, audit, warnings, e) {
                        *poisoned = Some((path.clone(), e.line(), reason.clone()));
                        let e = running_journal_error(path, e.line(), reason);
                        return Err(OpError::Storage(e.to_string()));
                    }
                }
                set_clock(tenant, &ctx.now);
                let planned = plan(tenant, ctx);
                if let Some(record) = &planned.audit {
                    tx.append(&json!({"change": planned.change, "audit": record}))
                        .map_err(|e| OpError::Storage(e.to_string()))?;
                }
                planned
            }
        };
        if let Some(c) = &planned.change {
            c.apply(tenant).map_err(|e| {
                OpError::Storage(format!(
                    "the change was recorded but could not be applied: {e}"
                ))
            })?;
        }
        if let Some(a) = planned.audit {
            audit.push(a);
        }
        planned.result
    }

    pub fn reset_password(
        &mut self,
        actor: UserId,
        target: UserId,
        password: Option<&str>,
    ) -> Result<ResetOutcome, OpError> {
        if self.remote.is_some() {
            let typed = password.map(crate::secret::Secret::copy_of);
            return self.run_live(
                actor,
                |t, c| ops::reset_password(t, c, actor, target, password),
                |o: &ResetOutcome| typed.clone().or_else(|| o.temporary_password.clone()),
                |o, m| {
                    if !o.force_change_next_sign_in {
                        return;
                    }
                    o.temporary_password = m.temporary_password;
                },
            );
        }
        self.run(|t, c| ops::reset_password(t, c, actor, target, password))
    }

    pub fn phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: &str,
        mode: PhoneMode,
    ) -> Result<(), OpError> {
        if self.remote.is_some() {
            return self.run_live(
                actor,
                |t, c| ops::set_phone(t, c, actor, target, kind, number, mode),
                |_| None,
                |_, _| {},
            );
        }
        self.run(|t, c| ops::set_phone(t, c, actor, target, kind, number, mode))
    }

    /// Add or update, whichever applies.
    pub fn set_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: &str,
    ) -> Result<(), OpError> {
        self.phone(actor, target, kind, number, PhoneMode::Set)
    }

    pub fn remove_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
    ) -> Result<(), OpError> {
        if self.remote.is_some() {
            return self.run_live(
                actor,
                |t, c| ops::remove_phone(t, c, actor, target, kind),
                |_| None,
                |_, _| {},
            );
        }
        self.run(|t, c| ops::remove_phone(t, c, actor, target, kind))
    }

    pub fn create_au(
        &mut self,
        actor: UserId,
        name: &str,
        description: Option<&str>,
        restricted: bool,
    ) -> Result<String, OpError> {
        self.run(|t, c| ops::create_au(t, c, actor, name, description, restricted))
    }

    pub fn delete_au(&mut self, actor: UserId, au: AuId) -> Result<(), OpError> {
        self.run(|t, c| ops::delete_au(t, c, actor, au))
    }

    pub fn add_au_member(&mut self, actor: UserId, au: AuId, m: Principal) -> Result<(), OpError> {
        self.run(|t, c| ops::add_au_member(t, c, actor, au, m))
    }

    pub fn remove_au_member(
        &mut self,
        actor: UserId,
        au: AuId,
        m: Principal,
    ) -> Result<(), OpError> {
        self.run(|t, c| ops::remove_au_member(t, c, actor, au, m))
    }

    /// Returns the new assignment's id and any warnings (missing licence).
    pub fn assign_scoped_role(
        &mut self,
        actor: UserId,
        au: AuId,
        role: Role,
        principal: Principal,
    ) -> Result<(String, Vec<String>), OpError> {
        self.run(|t, c| ops::assign_scoped_role(t, c, actor, au, role, principal))
    }

    pub fn unassign(&mut self, actor: UserId, assignment: AssignmentId) -> Result<(), OpError> {
        self.run(|t, c| ops::unassign(t, c, actor, assignment))
    }

    /// Assigns a role at tenant scope; returns the new assignment's id.
    pub fn assign_tenant_role(
        &mut self,
        actor: UserId,
        role: Role,
        principal: Principal,
    ) -> Result<String, OpError> {
        self.run(|t, c| ops::assign_tenant_role(t, c, actor, role, principal))
    }

    pub fn unassign_tenant_role(
        &mut self,
        actor: UserId,
        assignment: AssignmentId,
    ) -> Result<(), OpError> {
        self.run(|t, c| ops::unassign_tenant_role(t, c, actor, assignment))
    }

    /// PIM: activates an eligible role or group access for `seconds`.
    pub fn pim_activate(
        &mut self,
        actor: UserId,
        what: pim::Request,
        seconds: i64,
        justification: &str,
    ) -> Result<pim::Activation, OpError> {
        self.run(|t, c| pim::activate(t, c, actor, what, seconds, justification))
    }

    /// PIM: ends an activation before its end time.
    pub fn pim_deactivate(&mut self, actor: UserId, what: pim::Request) -> Result<(), OpError> {
        self.run(|t, c| pim::deactivate(t, c, actor, what))
    }

    /// Changes "Administrators can access My Staff"; later decisions see it at once.
    pub fn set_my_staff_access(
        &mut self,
        actor: UserId,
        access: MyStaffAccess,
        selected: &[Principal],
    ) -> Result<(), OpError> {
        self.run(|t, c| ops::set_my_staff_access(t, c, actor, access, selected))
    }

    pub fn create_user(
        &mut self,
        actor: UserId,
        req: &UserRequest,
    ) -> Result<CreatedUser, OpError> {
        self.run(|t, c| ops::create_user(t, c, actor, req))
    }

    /// Deletes a user with their memberships and role assignments.
    pub fn delete_user(&mut self, actor: UserId, target: UserId) -> Result<DeletedUser, OpError> {
        self.run(|t, c| ops::delete_user(t, c, actor, target))
    }

    /// A per-person preference (e.g. the last location), kept in the state directory.
    pub fn pref(&self, key: &str) -> Option<String> {
        self.prefs
            .get(key)
            .and_then(|v| v.as_str())
            .map(String::from)
    }

    /// Best effort: a preference that cannot be saved is not worth failing an action for.
    pub fn set_pref(&mut self, key: &str, value: &str) {
        self.prefs
            .insert(key.to_string(), Value::String(value.to_string()));
        if let Some(dir) = &self.state_dir
            && let Err(e) = storage::save_prefs(dir, &self.prefs)
        {
            self.warnings.push(e.to_string());
        }
    }
}

/// Whether the `passwordProfile` fallback may be used: a cloud-only user, and an actor holding
/// Helpdesk, Password or User Administrator over them (the roles documented for that call).
fn patch_fallback_allowed(t: &Tenant, actor: UserId, change: &Change) -> bool {
    let Change::PasswordReset { user_id, .. } = change else {
        return false;
    };
    let Some(target) = t.find_user(user_id) else {
        return false;
    };
    !t.user(target).synced
        && crate::permissions::holds_role_over(
            t,
            actor,
            target,
            &[
                Role::HELPDESK_ADMINISTRATOR,
                Role::PASSWORD_ADMINISTRATOR,
                Role::USER_ADMINISTRATOR,
            ],
        )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A bad line another process appended while this one runs.
fn running_journal_error(path: PathBuf, line: usize, reason: String) -> SessionError {
    SessionError::Journal {
        path,
        line,
        reason,
        hint: "Another process wrote it while mystaff was running; no more changes are made here. \
               Quit, and open again with --repair to set it aside"
            .to_string(),
    }
}

/// Replays one journal entry: read it ([`replay::read`]), re-decide its change for its actor
/// ([`replay::verify`]), apply it, and keep its audit record. An entry written on an earlier
/// fixture (before a rebase) that no longer fits is skipped with a warning; any other problem is
/// the `Err`, and nothing of the entry is applied.
fn apply_entry(
    tenant: &mut Tenant,
    audit: &mut Vec<AuditRecord>,
    warnings: &mut Vec<String>,
    entry: &storage::RawEntry,
) -> Result<(), String> {
    let (change, record) = replay::read(entry.bytes())?;
    // Decided again at the moment it was made: activations then in force, and no others.
    set_clock(tenant, &record.activity_date_time);
    let checked = replay::actor(tenant, &record).and_then(|actor| match &change {
        Some(c) => replay::verify(tenant, actor, c, &record),
        None => Ok(()),
    });
    let applied = checked.and_then(|()| match &change {
        Some(c) => c.apply(tenant),
        None => Ok(()),
    });
    match applied {
        Ok(()) => {}
        Err(why) if entry.earlier_fixture() => {
            warnings.push(format!(
                "journal line {} was written on an earlier fixture and was skipped: {why}",
                entry.line()
            ));
        }
        Err(why) => return Err(why),
    }
    audit.push(record);
    Ok(())
}
