//! The tenant fixture format (Graph-shaped JSON, `schemaVersion: 1`) and its validation.
//!
//! Loading reports every problem at once, each naming the file and either the parser's line:column
//! or the entity path (`users[12].userPrincipalName`). Unknown fields are errors: a typo must never
//! silently change a permission rule.

use crate::model::{AssignmentId, AuId, GroupId, SpId, UserId};
use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::fields;
use crate::model::{
    AdminUnit, Assignment, Eligibility, FastMap, Group, IdKey, KeyIndex, MyStaffAccess,
    MyStaffSetting, Object, PasswordState, PhoneMethod, PhoneSignIn, Principal, Scope,
    ServicePrincipal, Settings, Tenant, TenantInfo, TenantMaps, User, UserTexts, UserType, Window,
    lower, mobile_is, upn_is,
};
use crate::password::PasswordPolicy;
use crate::phone;
use crate::roles::Role;
use crate::sanitize::{self, cut};
use crate::storage::{self, FixtureBytes, FixtureHasher};
use crate::when;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureFile {
    pub schema_version: u32,
    pub tenant: FxTenant,
    #[serde(default)]
    pub settings: FxSettings,
    #[serde(default)]
    pub users: Vec<FxUser>,
    #[serde(default)]
    pub groups: Vec<FxGroup>,
    #[serde(default)]
    pub service_principals: Vec<FxServicePrincipal>,
    #[serde(default)]
    pub administrative_units: Vec<FxAdminUnit>,
    #[serde(default)]
    pub role_assignments: Vec<FxRoleAssignment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_eligibilities: Vec<FxRoleEligibility>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxTenant {
    pub id: String,
    pub display_name: String,
    pub default_domain: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxSettings {
    #[serde(default)]
    pub my_staff: FxMyStaff,
    #[serde(default)]
    pub phone_sign_in: PhoneSignIn,
    #[serde(default = "yes")]
    pub password_writeback: bool,
    #[serde(default)]
    pub password_policy: PasswordPolicy,
}

fn yes() -> bool {
    true
}

impl Default for FxSettings {
    fn default() -> Self {
        FxSettings {
            my_staff: FxMyStaff::default(),
            phone_sign_in: PhoneSignIn::default(),
            password_writeback: true,
            password_policy: PasswordPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxMyStaff {
    pub access: MyStaffAccess,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selected_principal_ids: Vec<String>,
}

impl Default for FxMyStaff {
    fn default() -> Self {
        FxMyStaff {
            access: MyStaffAccess::All,
            selected_principal_ids: Vec::new(),
        }
    }
}

/// A user in the fixture. `S` is the type of its texts: `String`, or a text that borrows from the
/// fixture where it can when [`load`] reads users (one allocation per user instead of seven).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct FxUser<S = String> {
    pub id: S,
    pub user_principal_name: S,
    pub display_name: S,
    #[serde(default = "member")]
    pub user_type: UserType,
    #[serde(default)]
    pub job_title: Option<S>,
    #[serde(default)]
    pub department: Option<S>,
    #[serde(default)]
    pub office_location: Option<S>,
    #[serde(default = "yes")]
    pub account_enabled: bool,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default)]
    pub on_premises_sam_account_name: Option<S>,
    #[serde(default)]
    pub assigned_licenses: Vec<S>,
    #[serde(default)]
    pub phone_methods: Vec<PhoneMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_password_change_date_time: Option<S>,
}

fn member() -> UserType {
    UserType::Member
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxGroup {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub is_assignable_to_role: bool,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub owners: Vec<String>,
    /// PIM for Groups: users eligible to become members or owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligible_members: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligible_owners: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxServicePrincipal {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub app_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxAdminUnit {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_member_management_restricted: bool,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxRoleAssignment {
    pub id: String,
    pub role_definition_id: String,
    pub principal_id: String,
    pub directory_scope_id: String,
}

/// A PIM-eligible role, with Graph's `unifiedRoleEligibilityScheduleInstance` fields; no end date
/// means no end.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxRoleEligibility {
    pub id: String,
    pub role_definition_id: String,
    pub principal_id: String,
    pub directory_scope_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

/// Every problem found in one fixture.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.text(false))]
pub struct FixtureError {
    pub file: String,
    pub problems: Vec<String>,
}

/// How many problems a message lists unless all are asked for (`--all-errors`): enough to see
/// the pattern, and a file with 100,000 bad users does not print 200,000 lines.
pub const PROBLEMS_SHOWN: usize = 20;

impl FixtureError {
    /// "FILE: invalid tenant fixture (N problems)", then each problem on its own line, escaped and
    /// cut so that no value from the file can drive the terminal or flood it; with `all` false,
    /// the first [`PROBLEMS_SHOWN`] and how many more there are.
    pub fn text(&self, all: bool) -> String {
        let (file, n) = (sanitize::cut_to(&self.file, 400), self.problems.len());
        let mut out = format!(
            "{file}: invalid tenant fixture ({n} problem{})",
            if n == 1 { "" } else { "s" }
        );
        let shown = if all { n } else { n.min(PROBLEMS_SHOWN) };
        for p in &self.problems[..shown] {
            out.push_str(&format!("\n  {file}: {}", sanitize::cut_to(p, 400)));
        }
        if shown < n {
            out.push_str(&format!(
                "\n  … and {} more; --all-errors to see them",
                n - shown
            ));
        }
        out
    }
}

/// Parses and validates a fixture. `file` names it in messages.
pub fn load(file: &str, bytes: &[u8]) -> Result<Tenant, FixtureError> {
    let bytes = without_bom(bytes);
    USERS_HINT.set(count_users(bytes));
    match serde_json::from_slice::<LoadFile>(bytes) {
        Ok(fx) => fx.finish().map_err(|problems| FixtureError {
            file: file.to_string(),
            problems,
        }),
        // The fast path parses each user on its own, so its positions are not the file's:
        // the plain parse finds the problem again and words it.
        Err(_) => load_plain(file, bytes),
    }
}

/// [`load`] of a mapped fixture file, which also returns its digest
/// ([`storage::fixture_digest`]). The pages of the part already parsed are hashed and given back
/// while the users are parsed, so the whole file is never held next to the whole tenant.
pub fn load_mapped(file: &str, fb: &FixtureBytes) -> Result<(Tenant, String), FixtureError> {
    let bytes = fb.as_slice();
    USERS_HINT.set(count_users(bytes));
    /// Clears `PROGRESS` however the parse ends, before `fb` can go away.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            PROGRESS.take();
        }
    }
    let clear = Clear;
    PROGRESS.set(Some(Progress {
        fb: fb as *const FixtureBytes,
        hasher: FixtureHasher::default(),
        done: 0,
    }));
    let parsed = serde_json::from_slice::<LoadFile>(without_bom(bytes));
    let progress = PROGRESS.take();
    drop(clear);
    match (parsed, progress) {
        (Ok(fx), Some(mut p)) => {
            p.hasher.update(&bytes[p.done..]);
            let digest = p.hasher.finish();
            let t = fx.finish().map_err(|problems| FixtureError {
                file: file.to_string(),
                problems,
            })?;
            Ok((t, digest))
        }
        _ => {
            let t = load_plain(file, without_bom(bytes))?;
            Ok((t, storage::fixture_digest(bytes)))
        }
    }
}

/// A fixture saved with a UTF-8 byte-order mark (as some Windows editors and PowerShell do)
/// reads as the same JSON without it. The digest still covers the whole file.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Where [`load_mapped`] is: the fixture, its digest so far, and how far it got.
struct Progress {
    fb: *const FixtureBytes,
    hasher: FixtureHasher,
    done: usize,
}

/// Hashes the fixture being loaded by [`load_mapped`] up to `end` (an address inside it) and gives
/// back its pages before that. Does nothing under [`load`].
fn advance(end: usize) {
    PROGRESS.with_borrow_mut(|p| {
        let Some(p) = p else { return };
        // SAFETY: `load_mapped` sets `fb` from a reference that outlives the parse, and clears
        // `PROGRESS` before it returns or unwinds.
        let fb = unsafe { &*p.fb };
        let bytes = fb.as_slice();
        let pos = end.saturating_sub(bytes.as_ptr() as usize).min(bytes.len());
        if pos > p.done {
            p.hasher.update(&bytes[p.done..pos]);
            fb.release((p.done & !4095)..pos);
            p.done = pos;
        }
    });
}

/// Parses the fixture the plain way, into [`FixtureFile`], and words every problem.
fn load_plain(file: &str, bytes: &[u8]) -> Result<Tenant, FixtureError> {
    let err = |problems: Vec<String>| FixtureError {
        file: file.to_string(),
        problems,
    };
    match serde_json::from_slice::<FixtureFile>(bytes) {
        Ok(fx) => build(fx).map_err(err),
        Err(e) if e.is_data() => {
            // The shape is wrong somewhere: re-read entity by entity so every shape problem is
            // reported, not just the first; the parser's position is kept for the first one.
            let mut problems = vec![format!(
                "line {}, column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e)
            )];
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
                let more = shape_problems(&value);
                // The first entity problem is usually the same as the parser's; keep both views.
                problems.extend(more);
            }
            Err(err(problems))
        }
        Err(e) => Err(err(vec![format!(
            "line {}, column {}: {}",
            e.line(),
            e.column(),
            match e.classify() {
                serde_json::error::Category::Eof =>
                    "unexpected end of file (the JSON is cut off)".to_string(),
                _ => strip_position(&e),
            }
        )])),
    }
}

/// [`FixtureFile`] as [`load`] reads it: the same fields and rules, but the users are validated
/// and indexed while they are parsed, on a second thread, instead of being kept as `FxUser`s.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LoadFile<'a> {
    schema_version: u32,
    tenant: FxTenant,
    #[serde(default)]
    settings: FxSettings,
    #[serde(default)]
    users: UsersIn,
    #[serde(default)]
    groups: Vec<FxGroup>,
    #[serde(default)]
    service_principals: Vec<FxServicePrincipal>,
    #[serde(default)]
    #[serde(borrow)]
    administrative_units: Vec<LoadAu<'a>>,
    #[serde(default)]
    role_assignments: Vec<FxRoleAssignment>,
    #[serde(default)]
    role_eligibilities: Vec<FxRoleEligibility>,
}

/// [`FxAdminUnit`] as [`load`] reads it: member ids point into the fixture when they can (no
/// escapes), instead of being millions of small `String`s.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LoadAu<'a> {
    id: String,
    display_name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    is_member_management_restricted: bool,
    #[serde(default, borrow)]
    members: Vec<Text<'a>>,
}

/// A string that borrows from the fixture when it has no escapes. (serde's `Cow<str>` inside a
/// `Vec` always allocates.)
struct Text<'a>(std::borrow::Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl From<FxAdminUnit> for LoadAu<'_> {
    fn from(a: FxAdminUnit) -> Self {
        LoadAu {
            id: a.id,
            display_name: a.display_name,
            description: a.description,
            is_member_management_restricted: a.is_member_management_restricted,
            members: a
                .members
                .into_iter()
                .map(|m| Text(std::borrow::Cow::Owned(m)))
                .collect(),
        }
    }
}

impl LoadFile<'_> {
    fn finish(self) -> Result<Tenant, Vec<String>> {
        finish(
            self.schema_version,
            self.tenant,
            self.settings,
            self.users.0,
            self.groups,
            self.service_principals,
            self.administrative_units,
            self.role_assignments,
            self.role_eligibilities,
        )
    }
}

thread_local! {
    static PROGRESS: std::cell::RefCell<Option<Progress>> = const { std::cell::RefCell::new(None) };
    /// About how many users the fixture being loaded has, to size the maps once.
    static USERS_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `"userPrincipalName"` (a required field of each user): the user count, or a little
/// more if some text contains it.
fn count_users(bytes: &[u8]) -> usize {
    memchr::memmem::find_iter(bytes, b"\"userPrincipalName\"").count()
}

/// The `users` array, validated and indexed as it is parsed.
#[derive(Default)]
struct UsersIn(UserSink);

impl<'de> Deserialize<'de> for UsersIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(UsersVisitor)
    }
}

struct UsersVisitor;

impl<'de> Visitor<'de> for UsersVisitor {
    type Value = UsersIn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    /// This thread finds each user's text; a second one parses, validates and indexes them,
    /// batch by batch, in order. While the second thread is behind (its queue is full), this one
    /// parses the next batch itself, so the parse is shared by both cores. The emptied batches
    /// come back to be filled again: memory this thread allocated is not freed by the other one,
    /// which would contend for this thread's malloc arena. The fixture's pages are hashed and
    /// given back only once the other thread is done with their text.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UsersIn, A::Error> {
        const BATCH: usize = 1024;
        let hint = USERS_HINT.get();
        // Memory for the users that this thread faults in while it waits for the other one.
        let sink = UserSink::with_capacity(hint);
        let users_mem = (
            sink.users.as_ptr() as usize,
            sink.users.capacity() * std::mem::size_of::<User>(),
        );
        let mut populated = 0;
        let upn_hasher = sink.upns.same_hasher();
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch<'de>>(8);
            let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch<'de>>();
            let worker = s.spawn(move || -> Result<UserSink, serde_json::Error> {
                let mut sink = sink;
                for mut batch in rx {
                    match &mut batch.users {
                        Users::Raw(raw) => {
                            for r in raw.drain(..) {
                                let u = serde_json::from_str::<FxUser<Text<'de>>>(r)?;
                                let pu = Prepared::new(u, &sink.upns);
                                sink.add_prepared(pu);
                            }
                        }
                        Users::Ready(ready) => {
                            for u in ready.drain(..) {
                                sink.add_prepared(u);
                            }
                        }
                    }
                    let _ = back_tx.send(batch);
                }
                Ok(sink)
            });
            let mut raw_free: Vec<Vec<&'de str>> = Vec::new();
            let mut ready_free: Vec<Vec<Prepared>> = Vec::new();
            // Takes back the batches the worker is done with; their text can go.
            let take_back = |raw_free: &mut Vec<Vec<&'de str>>,
                             ready_free: &mut Vec<Vec<Prepared>>| {
                let mut done = 0;
                while let Ok(b) = back_rx.try_recv() {
                    done = done.max(b.end);
                    match b.users {
                        Users::Raw(v) => raw_free.push(v),
                        Users::Ready(v) => ready_free.push(v),
                    }
                }
                if done > 0 {
                    advance(done);
                }
            };
            let mut batch: Vec<&'de str> = Vec::with_capacity(BATCH);
            let mut end = 0;
            let parsed = loop {
                // Each user as its text first: where it ends says how far the parse got.
                match seq.next_element::<&'de serde_json::value::RawValue>() {
                    Ok(Some(raw)) => {
                        let r = raw.get();
                        end = r.as_ptr() as usize + r.len();
                        batch.push(r);
                        if batch.len() < BATCH {
                            continue;
                        }
                        take_back(&mut raw_free, &mut ready_free);
                        let empty = raw_free.pop().unwrap_or_else(|| Vec::with_capacity(BATCH));
                        let full = Batch {
                            users: Users::Raw(std::mem::replace(&mut batch, empty)),
                            end,
                        };
                        // Fault in the next 4 MB of the users' memory for the worker with each
                        // batch, until all of it is in.
                        const CHUNK: usize = 4 << 20;
                        if populated < users_mem.1 {
                            let n = CHUNK.min(users_mem.1 - populated);
                            crate::alloc::populate(users_mem.0 + populated, n);
                            populated += n;
                        }
                        let full = match tx.try_send(full) {
                            Ok(()) => continue,
                            Err(std::sync::mpsc::TrySendError::Full(b)) => b,
                            // The worker stopped: join says why.
                            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break Ok(()),
                        };
                        // The worker is behind: parse this batch here.
                        let Users::Raw(mut raw) = full.users else {
                            unreachable!("only raw batches are built here")
                        };
                        let mut ready = ready_free
                            .pop()
                            .unwrap_or_else(|| Vec::with_capacity(BATCH));
                        let mut bad = None;
                        for r in raw.drain(..) {
                            match serde_json::from_str::<FxUser<Text<'de>>>(r) {
                                Ok(u) => ready.push(Prepared::new(u, &upn_hasher)),
                                Err(e) => {
                                    bad = Some(e);
                                    break;
                                }
                            }
                        }
                        raw_free.push(raw);
                        if let Some(e) = bad {
                            break Err(serde::de::Error::custom(e));
                        }
                        let ready = Batch {
                            users: Users::Ready(ready),
                            end: full.end,
                        };
                        if tx.send(ready).is_err() {
                            break Ok(()); // the worker stopped: join says why
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            if !batch.is_empty() {
                let _ = tx.send(Batch {
                    users: Users::Raw(batch),
                    end,
                });
            }
            drop(tx);
            let sink = worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            advance(end);
            let sink = sink.map_err(serde::de::Error::custom);
            parsed.and(sink).map(UsersIn)
        })
    }
}

/// A batch of users for the worker of [`UsersVisitor`], and where the last one's text ends.
struct Batch<'de> {
    users: Users<'de>,
    end: usize,
}

enum Users<'de> {
    /// Their text, for the worker to parse.
    Raw(Vec<&'de str>),
    /// Parsed by the thread that found them.
    Ready(Vec<Prepared>),
}

/// Users validated one by one, with the id, UPN and mobile maps built as they come.
#[derive(Default)]
struct UserSink {
    ids: FastMap<IdKey, Object>,
    upns: KeyIndex,
    mobiles: KeyIndex,
    users: Vec<User>,
    problems: Vec<String>,
}

impl UserSink {
    fn with_capacity(n: usize) -> UserSink {
        UserSink {
            // Room for the other objects too (locations, assignments), which come later.
            ids: FastMap::with_capacity_and_hasher(n + n / 8 + 64, Default::default()),
            upns: KeyIndex::with_capacity(n),
            mobiles: KeyIndex::default(),
            users: Vec::with_capacity(n),
            problems: Vec::new(),
        }
    }

    fn add(&mut self, u: FxUser) {
        let prepared = Prepared::new(u, &self.upns);
        self.add_prepared(prepared);
    }

    fn add_prepared(&mut self, pu: Prepared) {
        let Prepared {
            mut user,
            id_key,
            upn_hash,
            upn_ok,
            display_empty,
            sam_missing,
            bad_phones,
            texts_fine,
        } = pu;
        let i = self.users.len();
        let p = &mut self.problems;
        match id_key {
            None => p.push(format!(
                "{}: must not be empty",
                id_path(Object::User(UserId::from_index(i)))
            )),
            Some(k) => claim_key(
                &mut self.ids,
                k,
                user.id(),
                Object::User(UserId::from_index(i)),
                p,
            ),
        }
        if !upn_ok {
            p.push(format!(
                "users[{i}].userPrincipalName: `{}` is not a user principal name (name@domain)",
                cut(user.upn())
            ));
        }
        let users = &self.users;
        if let Some(prev) = self.upns.insert_hashed(
            upn_hash,
            || lower(user.upn()).into(),
            i as u32,
            |v| upn_is(users, v, user.upn()),
        ) {
            p.push(format!(
                "users[{i}].userPrincipalName: duplicate UPN `{}` (also users[{prev}], UPNs are case-insensitive)",
                cut(user.upn())
            ));
        }
        if display_empty {
            p.push(format!("users[{i}].displayName: must not be empty"));
        }
        if !texts_fine {
            for (f, v) in user_texts(&user) {
                if let Err(e) = fields::check(f, v) {
                    p.push(format!("users[{i}].{e}"));
                }
            }
        }
        if sam_missing {
            p.push(format!(
                "users[{i}].onPremisesSamAccountName: a synced user (onPremisesSyncEnabled: true) needs one"
            ));
        }
        // The valid numbers (normalized by `Prepared::new`) move to the front, in their order.
        let mut phones = std::mem::take(&mut user.phones);
        let mut kept = 0;
        for j in 0..phones.len() {
            let path = || format!("users[{i}].phoneMethods[{j}]");
            let bad = j >= 64 || bad_phones >> j & 1 == 1;
            if bad && let Err(e) = phone::validate_stored(&phones[j].phone_number) {
                p.push(format!("{}.phoneNumber: {e}", path()));
                continue;
            }
            let (t, n) = (phones[j].phone_type, &phones[j].phone_number);
            if let Err(e) = phone::check_extension(t, n) {
                p.push(format!("{}.phoneNumber: {e}", path()));
                continue;
            }
            let before = &phones[..kept];
            if before.iter().any(|q| q.phone_type == t) {
                p.push(format!(
                    "{}.phoneType: a second `{}` phone (at most one of each type)",
                    path(),
                    t.as_str()
                ));
            }
            if t == phone::PhoneType::Mobile
                && let Some(other) = self.mobiles.insert(n, i as u32, |v| {
                    if v as usize == i {
                        before.iter().any(|q| {
                            q.phone_type == phone::PhoneType::Mobile && q.phone_number == *n
                        })
                    } else {
                        mobile_is(users, v, n)
                    }
                })
                && other != i as u32
            {
                p.push(format!(
                    "{}.phoneNumber: mobile `{n}` is already registered to users[{other}]",
                    path()
                ));
            }
            phones.swap(kept, j);
            kept += 1;
        }
        phones.truncate(kept);
        if phone::alternate_without_mobile(&phones) {
            p.push(format!(
                "users[{i}].phoneMethods: an alternateMobile needs a mobile first"
            ));
        }
        phones.sort_by_key(|m| m.phone_type);
        user.phones = phones;
        self.users.push(user);
    }
}

/// A user made from its fixture entry, with what can be worked out without the maps, worked out
/// on the parsing thread while the user's texts are still in its cache.
struct Prepared {
    /// Its phones are still in the fixture's order, the valid ones normalized.
    user: User,
    /// None: the id is empty.
    id_key: Option<IdKey>,
    upn_hash: u64,
    upn_ok: bool,
    display_empty: bool,
    sam_missing: bool,
    /// Bit j: phone j is not a valid number.
    bad_phones: u64,
    /// Every text surely passes `fields::check` (the usual case); otherwise each is checked.
    texts_fine: bool,
}

impl Prepared {
    fn new<S: std::ops::Deref<Target = str>>(u: FxUser<S>, upns: &KeyIndex) -> Prepared {
        let mut bad_phones = 0u64;
        let mut phones = u.phone_methods;
        for (j, m) in phones.iter_mut().enumerate() {
            match phone::validate_stored(&m.phone_number) {
                Ok(n) => {
                    if n != m.phone_number {
                        m.phone_number = n;
                    }
                }
                Err(_) if j < 64 => bad_phones |= 1 << j,
                Err(_) => {}
            }
        }
        let synced = u.on_premises_sync_enabled == Some(true);
        let mut user = User::new(UserTexts {
            id: &u.id,
            upn: &u.user_principal_name,
            display_name: &u.display_name,
            job_title: u.job_title.as_deref(),
            department: u.department.as_deref(),
            office_location: u.office_location.as_deref(),
            sam_account_name: u.on_premises_sam_account_name.as_deref(),
        });
        user.user_type = u.user_type;
        user.account_enabled = u.account_enabled;
        user.synced = synced;
        user.licenses = u.assigned_licenses.iter().map(|l| l.to_string()).collect();
        user.phones = phones;
        if let Some(when) = u.last_password_change_date_time.as_deref() {
            user.set_password(PasswordState {
                last_changed: Some(when.to_string()),
                ..PasswordState::default()
            });
        }
        Prepared {
            texts_fine: fields::surely_fine(user_texts(&user)),
            id_key: (!u.id.trim().is_empty()).then(|| IdKey::of(&u.id)),
            upn_hash: upns.hash(&lower(&u.user_principal_name)),
            upn_ok: valid_upn(&u.user_principal_name),
            display_empty: u.display_name.trim().is_empty(),
            sam_missing: synced
                && u.on_premises_sam_account_name
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty()),
            bad_phones,
            user,
        }
    }
}

/// A user's texts, each with the field rules it is held to.
fn user_texts(u: &User) -> impl Iterator<Item = (fields::Field, &str)> {
    [
        (fields::ID, Some(u.id())),
        (fields::USER_PRINCIPAL_NAME, Some(u.upn())),
        (fields::DISPLAY_NAME, Some(u.display_name())),
        (fields::JOB_TITLE, u.job_title()),
        (fields::DEPARTMENT, u.department()),
        (fields::OFFICE_LOCATION, u.office_location()),
        (fields::SAM_ACCOUNT_NAME, u.sam_account_name()),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.map(|v| (f, v)))
    .chain(u.licenses.iter().map(|l| (fields::LICENSE, l.as_str())))
}

/// The texts of the objects other than users, with their paths: few enough to check one by one.
fn check_other_texts(
    tenant: &FxTenant,
    groups: &[FxGroup],
    sps: &[FxServicePrincipal],
    aus: &[LoadAu<'_>],
    ras: &[FxRoleAssignment],
    res: &[FxRoleEligibility],
    p: &mut Vec<String>,
) {
    let mut one = |path: String, f: fields::Field, v: &str| {
        if let Err(e) = fields::check(f, v) {
            p.push(format!("{path}.{e}"));
        }
    };
    one("tenant".into(), fields::ID, &tenant.id);
    one("tenant".into(), fields::DISPLAY_NAME, &tenant.display_name);
    for (i, g) in groups.iter().enumerate() {
        one(format!("groups[{i}]"), fields::ID, &g.id);
        one(
            format!("groups[{i}]"),
            fields::DISPLAY_NAME,
            &g.display_name,
        );
    }
    for (i, s) in sps.iter().enumerate() {
        one(format!("servicePrincipals[{i}]"), fields::ID, &s.id);
        // Graph documents no limit for a service principal's name.
        let name = fields::Field {
            max_chars: None,
            ..fields::DISPLAY_NAME
        };
        one(format!("servicePrincipals[{i}]"), name, &s.display_name);
    }
    for (i, a) in aus.iter().enumerate() {
        let path = || format!("administrativeUnits[{i}]");
        one(path(), fields::ID, &a.id);
        one(path(), fields::DISPLAY_NAME, &a.display_name);
        if let Some(d) = &a.description {
            one(path(), fields::DESCRIPTION, d);
        }
    }
    for (i, r) in ras.iter().enumerate() {
        one(format!("roleAssignments[{i}]"), fields::ID, &r.id);
    }
    for (i, r) in res.iter().enumerate() {
        one(format!("roleEligibilities[{i}]"), fields::ID, &r.id);
    }
}

/// [`claim_id`] with the id's key worked out already.
fn claim_key(
    ids: &mut FastMap<IdKey, Object>,
    key: IdKey,
    id: &str,
    obj: Object,
    p: &mut Vec<String>,
) {
    match ids.entry(key) {
        std::collections::hash_map::Entry::Occupied(e) => p.push(format!(
            "{}: duplicate id `{}` (also {})",
            id_path(obj),
            cut(id),
            id_path(*e.get())
        )),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(obj);
        }
    }
}

/// Claims an id for an object (ids are unique across every kind of object); a path for the
/// message is made only when there is a problem.
fn claim_id(ids: &mut FastMap<IdKey, Object>, id: &str, obj: Object, p: &mut Vec<String>) {
    if id.trim().is_empty() {
        p.push(format!("{}: must not be empty", id_path(obj)));
        return;
    }
    match ids.entry(IdKey::of(id)) {
        std::collections::hash_map::Entry::Occupied(e) => p.push(format!(
            "{}: duplicate id `{}` (also {})",
            id_path(obj),
            cut(id),
            id_path(*e.get())
        )),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(obj);
        }
    }
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// Deserializes each entity on its own to name every malformed one by path.
fn shape_problems(v: &serde_json::Value) -> Vec<String> {
    fn each<T: serde::de::DeserializeOwned>(
        v: &serde_json::Value,
        key: &str,
        out: &mut Vec<String>,
    ) {
        match v.get(key) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Err(e) = serde_json::from_value::<T>(item.clone()) {
                        out.push(format!("{key}[{i}]: {e}"));
                    }
                }
            }
            Some(_) => out.push(format!("{key}: expected an array")),
        }
    }
    let mut out = Vec::new();
    let Some(obj) = v.as_object() else {
        return vec!["the top level must be a JSON object".to_string()];
    };
    const KNOWN: [&str; 9] = [
        "schemaVersion",
        "tenant",
        "settings",
        "users",
        "groups",
        "servicePrincipals",
        "administrativeUnits",
        "roleAssignments",
        "roleEligibilities",
    ];
    for k in obj.keys() {
        if !KNOWN.contains(&k.as_str()) {
            out.push(format!("unknown top-level field `{}`", cut(k)));
        }
    }
    if let Some(t) = v.get("tenant")
        && let Err(e) = serde_json::from_value::<FxTenant>(t.clone())
    {
        out.push(format!("tenant: {e}"));
    }
    if let Some(s) = v.get("settings")
        && let Err(e) = serde_json::from_value::<FxSettings>(s.clone())
    {
        out.push(format!("settings: {e}"));
    }
    each::<FxUser>(v, "users", &mut out);
    each::<FxGroup>(v, "groups", &mut out);
    each::<FxServicePrincipal>(v, "servicePrincipals", &mut out);
    each::<FxAdminUnit>(v, "administrativeUnits", &mut out);
    each::<FxRoleAssignment>(v, "roleAssignments", &mut out);
    each::<FxRoleEligibility>(v, "roleEligibilities", &mut out);
    out
}

/// The hyphenated `8-4-4-4-12` form only (Graph's), not the braced or URN forms `uuid` also reads.
pub fn is_guid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

fn valid_upn(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace())
        }
        _ => false,
    }
}

/// Validates references and rules, then builds the in-memory tenant.
pub fn build(fx: FixtureFile) -> Result<Tenant, Vec<String>> {
    let mut users = UserSink::with_capacity(fx.users.len());
    for u in fx.users {
        users.add(u);
    }
    finish(
        fx.schema_version,
        fx.tenant,
        fx.settings,
        users,
        fx.groups,
        fx.service_principals,
        fx.administrative_units
            .into_iter()
            .map(LoadAu::from)
            .collect(),
        fx.role_assignments,
        fx.role_eligibilities,
    )
}

/// [`build`] once the users are in: the rest of the objects, references and rules.
#[allow(clippy::too_many_arguments)]
fn finish(
    schema_version: u32,
    tenant: FxTenant,
    settings: FxSettings,
    users: UserSink,
    fx_groups: Vec<FxGroup>,
    fx_sps: Vec<FxServicePrincipal>,
    fx_aus: Vec<LoadAu<'_>>,
    fx_ras: Vec<FxRoleAssignment>,
    fx_res: Vec<FxRoleEligibility>,
) -> Result<Tenant, Vec<String>> {
    let mut p: Vec<String> = Vec::new();
    if schema_version != SCHEMA_VERSION {
        p.push(format!(
            "schemaVersion: {} is not supported (this mystaff reads schemaVersion {SCHEMA_VERSION})",
            schema_version
        ));
    }
    if !is_guid(&tenant.id) {
        p.push(format!("tenant.id: `{}` is not a GUID", cut(&tenant.id)));
    }
    if tenant.display_name.trim().is_empty() {
        p.push("tenant.displayName: must not be empty".to_string());
    }
    check_other_texts(
        &tenant, &fx_groups, &fx_sps, &fx_aus, &fx_ras, &fx_res, &mut p,
    );
    let UserSink {
        mut ids,
        upns,
        mobiles,
        users,
        problems,
    } = users;
    p.extend(problems);
    // Ids are unique across every kind of object (they are directory object ids). This map (by
    // lowercase id) becomes the tenant's id index.
    ids.reserve(fx_groups.len() + fx_sps.len() + fx_aus.len() + fx_ras.len());

    for (i, g) in fx_groups.iter().enumerate() {
        claim_id(
            &mut ids,
            &g.id,
            Object::Group(GroupId::from_index(i)),
            &mut p,
        );
    }
    for (i, s) in fx_sps.iter().enumerate() {
        claim_id(
            &mut ids,
            &s.id,
            Object::ServicePrincipal(SpId::from_index(i)),
            &mut p,
        );
    }
    for (i, a) in fx_aus.iter().enumerate() {
        claim_id(&mut ids, &a.id, Object::Au(AuId::from_index(i)), &mut p);
    }
    for (i, r) in fx_ras.iter().enumerate() {
        claim_id(
            &mut ids,
            &r.id,
            Object::Assignment(AssignmentId::from_index(i)),
            &mut p,
        );
    }
    let n_users = users.len();
    let mut groups = Vec::with_capacity(fx_groups.len());
    let user_ref = |id: &str| match ids.get(&IdKey::of(id)) {
        Some(Object::User(u)) => Some(*u),
        _ => None,
    };
    for (i, g) in fx_groups.into_iter().enumerate() {
        let refs = |list: &[String], what: &str, p: &mut Vec<String>| -> Vec<UserId> {
            let mut out = Vec::new();
            for (j, m) in list.iter().enumerate() {
                match user_ref(m) {
                    Some(u) if out.contains(&u) => {
                        p.push(format!("groups[{i}].{what}[{j}]: `{}` is listed twice", cut(m)))
                    }
                    Some(u) => out.push(u),
                    None => p.push(format!(
                        "groups[{i}].{what}[{j}]: no user has the id `{}` (group {what} must be users)",
                        cut(m)
                    )),
                }
            }
            out
        };
        let members = refs(&g.members, "members", &mut p);
        let owners = refs(&g.owners, "owners", &mut p);
        let eligible_members = refs(&g.eligible_members, "eligibleMembers", &mut p);
        let eligible_owners = refs(&g.eligible_owners, "eligibleOwners", &mut p);
        groups.push(Group {
            id: g.id,
            display_name: g.display_name,
            role_assignable: g.is_assignable_to_role,
            members,
            owners,
            eligible_members,
            eligible_owners,
        });
    }

    let mut sps = Vec::with_capacity(fx_sps.len());
    for s in fx_sps.into_iter() {
        sps.push(ServicePrincipal {
            id: s.id,
            display_name: s.display_name,
            app_id: s.app_id,
        });
    }

    let principal_ref = |id: &str| -> Option<Principal> {
        match ids.get(&IdKey::of(id))? {
            Object::User(u) => Some(Principal::User(*u)),
            Object::Group(g) => Some(Principal::Group(*g)),
            Object::ServicePrincipal(s) => Some(Principal::ServicePrincipal(*s)),
            _ => None,
        }
    };
    let au_ref = |id: &str| match ids.get(&IdKey::of(id)) {
        Some(Object::Au(a)) => Some(*a),
        _ => None,
    };

    // Members resolve on both cores: the second half of the AUs on another thread. Its problems
    // come after the first half's, as in one pass.
    let mut fx_aus = fx_aus;
    let second = fx_aus.split_off(fx_aus.len() / 2);
    let (n_groups, half) = (groups.len(), fx_aus.len());
    let principal_ref = &principal_ref;
    // With no problem so far, every id is unique: a member whose id is the id of the user after
    // the previous member is that user, without a lookup.
    let users_in_order = p.is_empty().then_some(users.as_slice());
    let ((mut aus, problems), (more_aus, more_problems)) = std::thread::scope(|s| {
        let other = s.spawn(move || {
            resolve_aus(
                half,
                second,
                principal_ref,
                users_in_order,
                n_users,
                n_groups,
            )
        });
        let first = resolve_aus(0, fx_aus, principal_ref, users_in_order, n_users, n_groups);
        (
            first,
            other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    aus.extend(more_aus);
    p.extend(problems);
    p.extend(more_problems);
    // What a role assignment and a role eligibility must both be: a known role, a principal
    // that may hold it, a scope that exists and that the role may have, and not a second one
    // of the same role, principal and scope in the same list (`list`, item `i`).
    let resolve_role = |list: &str,
                        i: usize,
                        role_id: &str,
                        principal_id: &str,
                        scope_id: &str,
                        seen: &mut HashMap<(Role, Principal, Scope), usize>,
                        p: &mut Vec<String>|
     -> Option<(Role, Principal, Scope)> {
        let path = format!("{list}[{i}]");
        let role = Role::lookup(role_id);
        if role.is_none() {
            p.push(format!(
                "{path}.roleDefinitionId: `{}` is not a built-in role template id or name mystaff knows",
                cut(role_id)
            ));
        }
        let principal = principal_ref(principal_id);
        match principal {
            None => p.push(format!(
                "{path}.principalId: no user, group or service principal has the id `{}`",
                cut(principal_id)
            )),
            Some(Principal::Group(g)) if !groups[g.index()].may_hold_role() => p.push(format!(
                "{path}.principalId: {}",
                crate::permissions::not_role_assignable(&format!(
                    "`{}`",
                    cut(&groups[g.index()].display_name)
                ))
            )),
            _ => {}
        }
        let scope = if scope_id == "/" {
            Some(Scope::Tenant)
        } else if let Some(au) = scope_id.strip_prefix("/administrativeUnits/") {
            match au_ref(au) {
                Some(a) => Some(Scope::Au(a)),
                None => {
                    p.push(format!(
                        "{path}.directoryScopeId: no administrative unit has the id `{}`",
                        cut(au)
                    ));
                    None
                }
            }
        } else {
            p.push(format!(
                "{path}.directoryScopeId: `{}` is not `/` or `/administrativeUnits/<id>`",
                cut(scope_id)
            ));
            None
        };
        if let (Some(role), Some(Scope::Au(_))) = (role, scope)
            && !role.def().au_scopable
        {
            p.push(format!(
                "{path}: {} cannot be assigned at administrative-unit scope (The given built-in role is not supported to be assigned to a single resource scope.)",
                role.name()
            ));
        }
        let key = (role?, principal?, scope?);
        if let Some(prev) = seen.insert(key, i) {
            p.push(format!(
                "{path}: duplicate of {list}[{prev}] (same role, principal and scope)"
            ));
        }
        Some(key)
    };
    let mut assignments = Vec::with_capacity(fx_ras.len());
    let mut seen_assignments: HashMap<(Role, Principal, Scope), usize> = HashMap::new();
    for (i, r) in fx_ras.into_iter().enumerate() {
        let Some((role, principal, scope)) = resolve_role(
            "roleAssignments",
            i,
            &r.role_definition_id,
            &r.principal_id,
            &r.directory_scope_id,
            &mut seen_assignments,
            &mut p,
        ) else {
            continue;
        };
        assignments.push(Assignment {
            id: r.id,
            role,
            principal,
            scope,
            window: Window::ALWAYS,
            deleted: false,
            lapsed: false,
        });
    }
    let mut eligibilities = Vec::with_capacity(fx_res.len());
    let mut seen_eligibilities: HashMap<(Role, Principal, Scope), usize> = HashMap::new();
    let mut eligibility_ids: HashMap<IdKey, usize> = HashMap::new();
    for (i, r) in fx_res.into_iter().enumerate() {
        let path = format!("roleEligibilities[{i}]");
        if ids.contains_key(&IdKey::of(&r.id)) {
            p.push(format!(
                "{path}.id: `{}` is the id of another object",
                cut(&r.id)
            ));
        } else {
            let first = *eligibility_ids.entry(IdKey::of(&r.id)).or_insert(i);
            if first != i {
                p.push(format!(
                    "{path}.id: `{}` is also the id of roleEligibilities[{first}]",
                    cut(&r.id)
                ));
            }
        }
        let date = |field: &str, v: &Option<String>, p: &mut Vec<String>| {
            let v = v.as_deref()?;
            let at = when::parse(v);
            if at.is_none() {
                p.push(format!(
                    "{path}.{field}: `{}` is not an RFC 3339 date and time",
                    cut(v)
                ));
            }
            at
        };
        let start = date("startDateTime", &r.start_date_time, &mut p);
        let end = date("endDateTime", &r.end_date_time, &mut p);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            p.push(format!("{path}.endDateTime: must be after startDateTime"));
        }
        let Some((role, principal, scope)) = resolve_role(
            "roleEligibilities",
            i,
            &r.role_definition_id,
            &r.principal_id,
            &r.directory_scope_id,
            &mut seen_eligibilities,
            &mut p,
        ) else {
            continue;
        };
        eligibilities.push(Eligibility {
            id: r.id,
            role,
            principal,
            scope,
            window: Window {
                start: start.map(|t| t.unix_timestamp()),
                end: end.map(|t| t.unix_timestamp()),
            },
        });
    }

    let mut selected = Vec::new();
    let ms = &settings.my_staff;
    for (j, id) in ms.selected_principal_ids.iter().enumerate() {
        match principal_ref(id) {
            Some(pr @ (Principal::User(_) | Principal::Group(_))) => selected.push(pr),
            _ => p.push(format!(
                "settings.myStaff.selectedPrincipalIds[{j}]: no user or group has the id `{}`",
                cut(id)
            )),
        }
    }
    match crate::access::check_selection(ms.access, ms.selected_principal_ids.len()) {
        Ok(()) => {}
        Err(crate::access::SelectionRule::NeedsOne) => p.push(
            "settings.myStaff: access `selected` needs at least one id in selectedPrincipalIds"
                .to_string(),
        ),
        Err(crate::access::SelectionRule::OnlyWithSelected(a)) => p.push(format!(
            "settings.myStaff.selectedPrincipalIds: only used with access `selected`, not `{}`",
            a.as_str()
        )),
    }
    let pol = &settings.password_policy;
    if pol.cloud.min_length < 1
        || pol.cloud.min_length > pol.cloud.max_length
        || pol.cloud.required_categories > 4
    {
        p.push("settings.passwordPolicy.cloud: needs 1 <= minLength <= maxLength and requiredCategories <= 4".to_string());
    }
    if pol.on_premises.required_categories > 5 || pol.on_premises.min_length > 256 {
        p.push("settings.passwordPolicy.onPremises: needs minLength <= 256 and requiredCategories <= 5".to_string());
    }

    if !p.is_empty() {
        return Err(p);
    }
    let settings = Settings {
        my_staff: MyStaffSetting {
            access: settings.my_staff.access,
            selected,
        },
        phone_sign_in: settings.phone_sign_in,
        password_writeback: settings.password_writeback,
        password_policy: settings.password_policy,
    };
    Ok(Tenant::with_maps(
        TenantInfo {
            id: tenant.id,
            display_name: tenant.display_name,
            default_domain: tenant.default_domain,
        },
        settings,
        users,
        groups,
        sps,
        aus,
        assignments,
        eligibilities,
        TenantMaps {
            by_id: ids,
            user_by_upn: upns,
            mobile_owner: mobiles,
        },
    ))
}

/// Checks and resolves the members of `fx_aus`, the AUs from index `first` on.
fn resolve_aus(
    first: usize,
    fx_aus: Vec<LoadAu<'_>>,
    principal_ref: &(dyn Fn(&str) -> Option<Principal> + Sync),
    users_in_order: Option<&[User]>,
    n_users: usize,
    n_groups: usize,
) -> (Vec<AdminUnit>, Vec<String>) {
    let mut p = Vec::new();
    // Who each AU lists already, by the index of the last AU that listed them (no set per AU).
    let mut user_seen = vec![u32::MAX; n_users];
    let mut group_seen = vec![u32::MAX; n_groups];
    let mut aus = Vec::with_capacity(fx_aus.len());
    for (i, a) in (first..).zip(fx_aus) {
        if a.display_name.trim().is_empty() {
            p.push(format!(
                "administrativeUnits[{i}].displayName: must not be empty"
            ));
        }
        let mut members = Vec::with_capacity(a.members.len());
        let mut next_user = 0usize;
        for (j, m) in a.members.iter().enumerate() {
            let m: &str = m;
            let path = || format!("administrativeUnits[{i}].members[{j}]");
            // Members are usually listed in the users' order: try the next user first (equal
            // ignoring ASCII case is what makes two ids the same id).
            let guessed = users_in_order
                .and_then(|us| us.get(next_user))
                .filter(|u| u.id().eq_ignore_ascii_case(m))
                .map(|_| Principal::User(UserId::from_index(next_user)));
            let found = guessed.or_else(|| principal_ref(m));
            if let Some(Principal::User(u)) = found {
                next_user = u.index() + 1;
            }
            match found {
                Some(Principal::ServicePrincipal(_)) => p.push(format!(
                    "{}: `{}` is a service principal; AU members are users or groups",
                    path(),
                    cut(m)
                )),
                Some(pr) => {
                    let seen = match pr {
                        Principal::User(u) => &mut user_seen[u.index()],
                        Principal::Group(g) => &mut group_seen[g.index()],
                        Principal::ServicePrincipal(_) => unreachable!("handled above"),
                    };
                    if std::mem::replace(seen, i as u32) != i as u32 {
                        members.push(pr);
                    } else {
                        p.push(format!("{}: `{}` is listed twice", path(), cut(m)));
                    }
                }
                None => p.push(format!(
                    "{}: no user or group has the id `{}`",
                    path(),
                    cut(m)
                )),
            }
        }
        aus.push(AdminUnit {
            id: a.id,
            display_name: a.display_name,
            description: a.description,
            restricted: a.is_member_management_restricted,
            members,
            deleted: false,
        });
    }
    (aus, p)
}

/// Where an object's id is, for messages.
fn id_path(o: Object) -> String {
    match o {
        Object::User(i) => format!("users[{i}].id"),
        Object::Group(i) => format!("groups[{i}].id"),
        Object::ServicePrincipal(i) => format!("servicePrincipals[{i}].id"),
        Object::Au(i) => format!("administrativeUnits[{i}].id"),
        Object::Assignment(i) => format!("roleAssignments[{i}].id"),
    }
}
