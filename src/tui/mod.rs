//! The terminal UI: three panes (locations, members, profile), global fuzzy search, every My Staff
//! task at the keyboard.
//!
//! Shape: keys become [`keymap::Cmd`]s through the one [`keymap`]; a pure state machine
//! ([`state::update`]) turns events into [`state::Effect`]s and computes the [`view`] model of each
//! frame; [`App`] carries effects out through a [`Backend`] (the [`Session`] in production) and
//! feeds the results back as events; [`ui`] draws the view model where [`layout`] says; [`run`]
//! is the crossterm driver. See docs/ARCHITECTURE.md.

pub mod config;
pub mod key;
pub mod keymap;
pub mod layout;

pub mod run;
pub mod state;
pub mod text;
pub mod theme;
pub mod ui;
pub mod view;

use crate::model::{AssignmentId, AuId, UserId};
use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::phone::PhoneType;
use crate::roles::Role;
use crate::search::SearchIndex;
use crate::session::Session;

pub use run::{TuiOptions, run};
pub use state::Invocation;
pub use state::{Effect, Event, State};

use keymap::{Cmd, Key};
use state::{AuditRow, OpKind, ResetResult, SearchHit, Secret};

/// What the UI needs from the application service. [`Session`] is the real one; tests may wrap
/// it (e.g. to check that every change reaching it was allowed).
pub trait Backend {
    fn tenant(&self) -> &Tenant;
    /// Oldest first.
    fn audit_rows(&self) -> Vec<AuditRow>;
    fn reset_password(
        &mut self,
        actor: UserId,
        target: UserId,
        password: Option<&str>,
    ) -> Result<ResetResult, String>;
    fn set_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: &str,
    ) -> Result<(), String>;
    fn remove_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
    ) -> Result<(), String>;
    fn assign_scoped_role(
        &mut self,
        actor: UserId,
        au: AuId,
        role: Role,
        principal: Principal,
    ) -> Result<Vec<String>, String>;
    fn unassign(&mut self, actor: UserId, assignment: AssignmentId) -> Result<(), String>;
    /// Changes "Administrators can access My Staff" (`selected` only with `Selected`).
    fn set_my_staff_access(
        &mut self,
        actor: UserId,
        access: MyStaffAccess,
        selected: &[Principal],
    ) -> Result<(), String>;
    /// Now, as an RFC 3339 UTC timestamp (the session's clock, fixed in tests).
    fn now(&self) -> String;
    fn pref(&self, key: &str) -> Option<String>;
    fn set_pref(&mut self, key: &str, value: &str);
    /// Catches up on other processes' changes; how many were applied.
    fn refresh(&mut self) -> Result<usize, String>;
    /// Brings the tenant's clock to now, so activations that ended lapse. True when one did (or
    /// one began).
    fn tick(&mut self) -> bool;
    /// PIM: activates `what`.
    fn pim_activate(
        &mut self,
        actor: UserId,
        what: crate::pim::Request,
        seconds: i64,
        justification: &str,
    ) -> Result<crate::pim::Activation, String>;
    fn pim_deactivate(&mut self, actor: UserId, what: crate::pim::Request) -> Result<(), String>;
}

impl Backend for Session {
    fn tenant(&self) -> &Tenant {
        Session::tenant(self)
    }
    fn audit_rows(&self) -> Vec<AuditRow> {
        self.audit()
            .iter()
            .map(|r| AuditRow { record: r.clone() })
            .collect()
    }
    fn reset_password(
        &mut self,
        actor: UserId,
        target: UserId,
        password: Option<&str>,
    ) -> Result<ResetResult, String> {
        Session::reset_password(self, actor, target, password)
            .map(|o| ResetResult {
                temporary_password: o.temporary_password,
                force_change_next_sign_in: o.force_change_next_sign_in,
            })
            .map_err(|e| e.to_string())
    }
    fn set_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: &str,
    ) -> Result<(), String> {
        Session::set_phone(self, actor, target, kind, number).map_err(|e| e.to_string())
    }
    fn remove_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
    ) -> Result<(), String> {
        Session::remove_phone(self, actor, target, kind).map_err(|e| e.to_string())
    }
    fn assign_scoped_role(
        &mut self,
        actor: UserId,
        au: AuId,
        role: Role,
        principal: Principal,
    ) -> Result<Vec<String>, String> {
        Session::assign_scoped_role(self, actor, au, role, principal)
            .map(|(_, warnings)| warnings)
            .map_err(|e| e.to_string())
    }
    fn unassign(&mut self, actor: UserId, assignment: AssignmentId) -> Result<(), String> {
        Session::unassign(self, actor, assignment).map_err(|e| e.to_string())
    }
    fn set_my_staff_access(
        &mut self,
        actor: UserId,
        access: MyStaffAccess,
        selected: &[Principal],
    ) -> Result<(), String> {
        Session::set_my_staff_access(self, actor, access, selected).map_err(|e| e.to_string())
    }
    fn now(&self) -> String {
        Session::now(self)
    }
    fn pref(&self, key: &str) -> Option<String> {
        Session::pref(self, key)
    }
    fn set_pref(&mut self, key: &str, value: &str) {
        Session::set_pref(self, key, value)
    }
    fn refresh(&mut self) -> Result<usize, String> {
        Session::refresh(self).map_err(|e| e.to_string())
    }
    fn tick(&mut self) -> bool {
        Session::tick(self)
    }
    fn pim_activate(
        &mut self,
        actor: UserId,
        what: crate::pim::Request,
        seconds: i64,
        justification: &str,
    ) -> Result<crate::pim::Activation, String> {
        Session::pim_activate(self, actor, what, seconds, justification).map_err(|e| e.to_string())
    }
    fn pim_deactivate(&mut self, actor: UserId, what: crate::pim::Request) -> Result<(), String> {
        Session::pim_deactivate(self, actor, what).map_err(|e| e.to_string())
    }
}

/// The state machine wired to a backend. Effects run synchronously, except searches when
/// `deferred_search` is set (they queue in `searches` for a worker: the terminal driver), and
/// changes when `deferred_changes` is set (they wait in `pending` until the driver has drawn the
/// "Saving…" frame and calls [`App::run_pending`]).
pub struct App<B: Backend> {
    pub state: State,
    pub backend: B,
    pub deferred_search: bool,
    pub deferred_changes: bool,
    /// Queued `(seq, query)` when searches are deferred.
    pub searches: Vec<(u64, String)>,
    pending: std::collections::VecDeque<Effect>,
    index: Option<SearchIndex>,
}

impl<B: Backend> App<B> {
    pub fn new(backend: B, as_user: Option<UserId>, size: (u16, u16)) -> App<B> {
        App::with_keys(backend, as_user, size, keymap::Keymap::default())
    }

    /// [`App::new`] with the keys as configured.
    pub fn with_keys(
        backend: B,
        as_user: Option<UserId>,
        size: (u16, u16),
        keys: keymap::Keymap,
    ) -> App<B> {
        let (state, effects) = State::start(backend.tenant(), as_user, size, keys);
        let mut app = App {
            state,
            backend,
            deferred_search: false,
            deferred_changes: false,
            searches: Vec::new(),
            pending: Default::default(),
            index: None,
        };
        app.run_effects(effects);
        // Times read in UTC until the driver gives the wall clock's zone (tests keep UTC).
        if let Some(now) = crate::when::parse(&app.backend.now()) {
            let utc = crate::when::Clock::fixed(now, time::UtcOffset::UTC);
            app.handle(Event::Clock(utc));
        }
        app
    }

    /// Tells the tenant and the state the time, read in the system's time zone.
    pub fn tick(&mut self) {
        let before = self.my_activations();
        if self.backend.tick() {
            let after = self.my_activations();
            let ended = before.into_iter().filter(|a| !after.contains(a)).collect();
            self.handle(Event::ActivationsEnded(ended));
        }
        if let Some(now) = crate::when::parse(&self.backend.now()) {
            self.handle(Event::Clock(crate::when::Clock::system(now)));
        }
    }

    pub fn tenant(&self) -> &Tenant {
        self.backend.tenant()
    }

    /// The signed-in person's activations in force, by name (to say which ones ended).
    fn my_activations(&self) -> Vec<String> {
        let Some(u) = self.state.actor else {
            return Vec::new();
        };
        let t = self.backend.tenant();
        let mut v: Vec<String> = crate::permissions::grants_of(t, Principal::User(u))
            .iter()
            .filter(|g| !t.assignment(g.assignment).window.is_always())
            .map(|g| crate::permissions::describe_grant(t, g))
            .collect();
        v.extend(t.group_activations_of(u).map(|(_, a)| {
            crate::pim::request_name(
                t,
                crate::pim::Request::Group(
                    a.group,
                    if a.owner {
                        crate::ops::GroupAccess::Owner
                    } else {
                        crate::ops::GroupAccess::Member
                    },
                ),
            )
        }));
        v
    }

    /// Feeds one event and everything it leads to.
    pub fn handle(&mut self, ev: Event) {
        let effects = state::update(&mut self.state, self.backend.tenant(), ev);
        self.run_effects(effects);
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        self.pending.extend(effects);
        while let Some(e) = self.pending.pop_front() {
            if self.deferred_changes && e.is_slow() {
                self.pending.push_front(e);
                return;
            }
            if let Some(ev) = self.execute(e) {
                let more = state::update(&mut self.state, self.backend.tenant(), ev);
                self.pending.extend(more);
            }
        }
    }

    /// Changes wait here while the "Saving…" frame is drawn.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Carries out the waiting changes (and whatever they lead to).
    pub fn run_pending(&mut self) {
        let deferred = std::mem::replace(&mut self.deferred_changes, false);
        self.run_effects(Vec::new());
        self.deferred_changes = deferred;
    }

    /// The tenant changed underneath (refresh): rebuild what depends on it.
    pub fn tenant_changed(&mut self) {
        self.index = None;
        self.handle(Event::TenantChanged);
    }

    /// Runs a search now, against an index built on first use.
    pub fn search_now(&mut self, query: &str) -> Vec<SearchHit> {
        let t = self.backend.tenant();
        let index = self.index.get_or_insert_with(|| SearchIndex::new(t));
        index
            .search(query, state::SEARCH_LIMIT)
            .into_iter()
            .collect()
    }

    fn execute(&mut self, e: Effect) -> Option<Event> {
        match e {
            Effect::Search { seq, query } => {
                if self.deferred_search {
                    self.searches.push((seq, query));
                    None
                } else {
                    let hits = self.search_now(&query);
                    Some(Event::SearchResults { seq, hits })
                }
            }
            Effect::LoadAudit => Some(Event::AuditLoaded(self.backend.audit_rows())),
            Effect::LoadPref { key } => {
                let value = self.backend.pref(&key);
                Some(Event::PrefLoaded { key, value })
            }
            Effect::SavePref { key, value } => {
                self.backend.set_pref(&key, &value);
                None
            }
            Effect::ResetPassword {
                actor,
                target,
                password,
            } => {
                let result = self.backend.reset_password(
                    actor,
                    target,
                    password.as_ref().map(Secret::as_str),
                );
                drop(password);
                Some(Event::ResetDone { target, result })
            }
            Effect::SetPhone {
                actor,
                target,
                kind,
                number,
            } => Some(Event::OpDone {
                op: OpKind::Phone,
                result: self
                    .backend
                    .set_phone(actor, target, kind, &number)
                    .map(|_| Vec::new()),
            }),
            Effect::PimActivate {
                actor,
                what,
                seconds,
                justification,
            } => Some(Event::PimDone {
                what,
                result: self
                    .backend
                    .pim_activate(actor, what, seconds, &justification)
                    .map(Some),
            }),
            Effect::DelegationReport => Some(Event::DelegationReport(Box::new(
                crate::delegation::report(self.backend.tenant()),
            ))),
            Effect::PimDeactivate { actor, what } => Some(Event::PimDone {
                what,
                result: self.backend.pim_deactivate(actor, what).map(|()| None),
            }),
            Effect::RemovePhone {
                actor,
                target,
                kind,
            } => Some(Event::OpDone {
                op: OpKind::RemovePhone,
                result: self
                    .backend
                    .remove_phone(actor, target, kind)
                    .map(|_| Vec::new()),
            }),
            Effect::AssignScopedRole {
                actor,
                au,
                role,
                principal,
            } => Some(Event::OpDone {
                op: OpKind::Assign,
                result: self.backend.assign_scoped_role(actor, au, role, principal),
            }),
            Effect::Unassign { actor, assignment } => Some(Event::OpDone {
                op: OpKind::Unassign,
                result: self.backend.unassign(actor, assignment).map(|_| Vec::new()),
            }),
            Effect::SetMyStaffAccess {
                actor,
                access,
                selected,
            } => Some(Event::OpDone {
                op: OpKind::MyStaffAccess,
                result: self
                    .backend
                    .set_my_staff_access(actor, access, &selected)
                    .map(|_| Vec::new()),
            }),
        }
    }

    // ---- conveniences for tests and scripted demos ----

    pub fn press(&mut self, key: Key) {
        self.handle(Event::Key(key));
    }

    /// Presses the key the keymap binds to `cmd` in the current context.
    pub fn cmd(&mut self, cmd: Cmd) {
        let ctx = self.state.ctx();
        let key = self
            .state
            .keys
            .key_for(ctx, cmd)
            .unwrap_or_else(|| panic!("no key for {cmd:?} in {ctx:?}"));
        self.press(key);
    }

    /// Types text into the focused field.
    pub fn type_str(&mut self, text: &str) {
        for c in text.chars() {
            self.press(Key::ch(c));
        }
    }

    /// Renders into a buffer of the given size (for tests and the README).
    pub fn render_to(
        &self,
        width: u16,
        height: u16,
        theme: &theme::Theme,
    ) -> ratatui::buffer::Buffer {
        let backend = ratatui::backend::TestBackend::new(width, height);
        let mut terminal = ratatui::Terminal::new(backend).expect("test backend");
        let vm = self.state.view(self.backend.tenant(), (width, height));
        terminal.draw(|f| ui::draw(f, &vm, theme)).expect("draw");
        terminal.backend().buffer().clone()
    }
}

/// A buffer as plain text lines (trailing spaces trimmed), for snapshots.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(area.x + x, area.y + y)];
            let sym = cell.symbol();
            line.push_str(sym);
            skip = unicode_width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn unicode_width(s: &str) -> usize {
    ratatui::text::Span::raw(s).width()
}
