//! The pure state machine: `update(&mut State, &Tenant, Event) -> Vec<Effect>`.
//!
//! No terminal, no I/O, no clock. Keys are turned into [`Cmd`]s by the keymap; every enabled or
//! refused change is the permission engine's decision, never a rule of its own. Changes leave as
//! [`Effect`]s that the driver carries out through the session; their results come back as
//! [`Event`]s. The tenant is read-only input. Each screen and dialog has its own file here, with
//! its state, its keys and the part of the view model it shows; [`State::view`] puts a frame
//! together.

mod audit;
mod confirm;
mod events;
mod field;
mod frame;
mod fuzzy;
mod help;
mod list;
mod panes;
mod phone;
mod picker;
mod pim;
mod profile;
mod report;
mod reset;
mod roles;
mod search;

mod settings;
mod signin;

pub use crate::secret::Secret;
pub use audit::{AuditRow, AuditState};
pub use confirm::ConfirmKind;
pub use events::{Effect, Event, MouseKind, OpKind, ResetResult};
pub use field::TextField;
pub use fuzzy::tier as name_tier;
pub use list::{ListSel, scroll_offset};
pub use panes::{Location, Main, au_user_count, au_users};
pub use phone::PhoneMode;
pub use picker::PickFor;
pub use profile::{ActionView, phones_visible, profile_actions, shown_number};
pub use roles::{RolesState, au_assignments};
pub use search::{HitKind, SEARCH_LIMIT, SearchHit, SearchState};
pub use settings::{SettingsRow, SettingsState, access_summary, display_name, settings_rows};
pub use signin::{Account, SIGN_IN_LIST_ALL_MAX, SignIn};

use crate::model::{AuId, UserId};
use crate::model::{Principal, Tenant};
use crate::permissions::{self, Action, Decision, Target};

use super::keymap::{self, Cmd, Ctx, Key};
use super::layout::{self, Areas, Mode};

pub use super::layout::{MIN_HEIGHT, MIN_WIDTH};

// ---- state ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Denied,
    Main,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Locations,
    Members,
    Profile,
}

/// Full-screen views over the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Panes,
    Search,
    Audit,
    Roles,
    Settings,
    /// The delegation report.
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

#[derive(Debug)]
pub enum Dialog {
    Confirm(confirm::Confirm),
    /// Synced user: the manager types the new password twice against the live checklist.
    SetPassword(reset::SetPassword),
    /// Cloud-only user: the generated password, shown once.
    TempPassword(reset::TempPassword),
    Phone(phone::PhoneDialog),
    PickRole(picker::PickRole),
    PickPrincipal(picker::PickPrincipal),
    /// PIM: activate an eligible role, or end an activation.
    Activate(pim::ActivateDialog),
}

#[derive(Debug)]
pub struct State {
    pub screen: Screen,
    pub actor: Option<UserId>,
    /// The engine's refusal on the access-denied screen.
    pub denied_reason: String,
    /// The eligibility that would let them in once activated (PIM), by name.
    pub denied_activate: Option<String>,
    pub signin: SignIn,
    pub main: Main,
    pub view: View,
    pub search: SearchState,
    pub audit: AuditState,
    pub roles: RolesState,
    pub settings: SettingsState,
    /// Topmost last.
    pub dialogs: Vec<Dialog>,
    pub help: Option<help::Help>,
    pub status: Option<Status>,
    /// Bumped whenever a message is set, so `update` can tell a fresh message from a stale one.
    status_gen: u64,
    /// A change is being saved (its effect is with the driver).
    pub saving: bool,
    /// What the frame says while slow work is with the driver.
    pub saving_note: &'static str,
    pub report: report::ReportState,
    /// Now, and the wall clock's time zone, from the driver: times are shown local and human.
    pub clock: Option<crate::when::Clock>,
    pub size: (u16, u16),
    pub quit: bool,
    /// The keys as configured.
    pub keys: keymap::Keymap,
    pub invocation: Invocation,
}

/// The flags the UI was opened with: a command it shows must name the same tenant and state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    pub tenant: Option<std::path::PathBuf>,
    pub state: Option<std::path::PathBuf>,
    pub ephemeral: bool,
}

impl Invocation {
    pub fn as_access(&self) -> crate::access::Invocation<'_> {
        crate::access::Invocation {
            tenant: self.tenant.as_deref(),
            state: self.state.as_deref(),
            ephemeral: self.ephemeral,
        }
    }
}

pub fn pref_key(t: &Tenant, actor: UserId) -> String {
    format!("last-location/{}", t.user(actor).upn().to_lowercase())
}

/// "Helpdesk Administrator (scoped to Portland)" for each role a user holds, or "no admin role".
impl State {
    /// The header's "Your roles: …": each active role (an activation with its end), then what
    /// the person could activate, with the key that does it.
    fn roles_line(&self, t: &Tenant, u: UserId) -> String {
        let grants = permissions::grants_of(t, Principal::User(u));
        let eligible = crate::pim::eligible_items(t, u);
        let mut line = if grants.is_empty() && eligible.is_empty() {
            "Your roles: no admin role".to_string()
        } else if grants.is_empty() {
            "Your roles: no active admin role".to_string()
        } else {
            let v: Vec<String> = grants
                .iter()
                .map(|g| {
                    let name = permissions::describe_grant(t, g);
                    match t.assignment(g.assignment).window.end {
                        Some(end) => {
                            format!("{name} until {}", self.when(&crate::when::rfc3339(end)))
                        }
                        None => name,
                    }
                })
                .collect();
            format!("Your roles: {}", v.join(", "))
        };
        let ready: Vec<String> = eligible
            .into_iter()
            .filter(|i| i.standing == crate::pim::Standing::Ready)
            .map(|i| i.name)
            .collect();
        if !ready.is_empty() {
            line.push_str(&format!(
                " · {} activates: {}",
                self.keys.key_text(Ctx::Profile, Cmd::Activate),
                ready.join(", ")
            ));
        }
        line
    }

    /// Shuts the person out with the engine's refusal, and what they could activate to get in.
    pub(super) fn deny(&mut self, t: &Tenant, d: &Decision) {
        self.screen = Screen::Denied;
        self.view = View::Panes;
        self.denied_reason = d.reason_alone(t).to_string();
        self.denied_activate = d.after_activating.map(|a| a.describe(t));
    }

    /// A refusal as the person reads it: with the key that activates the eligibility which
    /// would allow it, when there is one.
    pub(super) fn refusal(&self, t: &Tenant, d: &Decision) -> String {
        match &d.after_activating {
            // The key first: a status line is one row and is cut at its end.
            Some(a) => format!(
                "Press {} to activate {}, which you are eligible for. ({})",
                self.keys.key_text(Ctx::Profile, Cmd::Activate),
                a.describe(t),
                d.reason_alone(t)
            ),
            None => d.reason.clone(),
        }
    }
}

pub fn roles_summary(t: &Tenant, u: UserId) -> String {
    let grants = permissions::grants_of(t, Principal::User(u));
    if grants.is_empty() {
        return "no admin role".to_string();
    }
    grants
        .iter()
        .map(|g| permissions::describe_grant(t, g))
        .collect::<Vec<_>>()
        .join(", ")
}

/// May the actor change the tenant settings? (The engine's answer, with its reason.)
pub fn manage_settings(t: &Tenant, actor: UserId) -> Decision {
    permissions::decide(
        t,
        Principal::User(actor),
        Action::ManageSettings,
        Target::None,
    )
}

/// The frame's word while a change is with the driver.
pub(super) const SAVING: &str = "Saving…";

/// What the selection is; a message set for one selection goes when it changes.
#[derive(Debug, PartialEq, Eq)]
struct Focus {
    screen: Screen,
    view: View,
    pane: Pane,
    location: Option<AuId>,
    user: Option<UserId>,
    rows: [usize; 4],
}

impl State {
    /// A new session: the sign-in screen, or straight in as `as_user`.
    pub fn start(
        t: &Tenant,
        as_user: Option<UserId>,
        size: (u16, u16),
        keys: keymap::Keymap,
    ) -> (State, Vec<Effect>) {
        let mut s = State {
            screen: Screen::SignIn,
            actor: None,
            denied_reason: String::new(),
            denied_activate: None,
            signin: SignIn::default(),
            main: Main::default(),
            view: View::Panes,
            search: SearchState::default(),
            audit: AuditState::default(),
            roles: RolesState::default(),
            settings: SettingsState::default(),
            dialogs: Vec::new(),
            help: None,
            status: None,
            status_gen: 0,
            saving: false,
            saving_note: SAVING,
            report: Default::default(),
            clock: None,
            size,
            quit: false,
            keys,
            invocation: Invocation::default(),
        };
        let effects = match as_user {
            Some(u) => s.sign_in(t, u),
            None => {
                s.open_sign_in(t);
                Vec::new()
            }
        };
        (s, effects)
    }

    /// The keyboard context: the topmost layer wins (help › dialog › view › pane).
    pub fn ctx(&self) -> Ctx {
        if self.help.is_some() {
            return Ctx::Help;
        }
        if let Some(d) = self.dialogs.last() {
            return match d {
                Dialog::Confirm(_) => Ctx::Confirm,
                Dialog::SetPassword(_) => Ctx::Password,
                Dialog::Phone(p) if p.mode == PhoneMode::Remove => Ctx::Choice,
                Dialog::Phone(_) | Dialog::Activate(_) => Ctx::Input,
                Dialog::TempPassword(_) => Ctx::Notice,
                Dialog::PickRole(_) | Dialog::PickPrincipal(_) => Ctx::Picker,
            };
        }
        match self.screen {
            Screen::SignIn => Ctx::SignIn,
            Screen::Denied => Ctx::Denied,
            Screen::Main => match self.view {
                View::Search => Ctx::Search,
                View::Audit if self.audit.detail => Ctx::AuditDetail,
                View::Audit if self.audit.filtering => Ctx::AuditFilter,
                View::Audit => Ctx::Audit,
                View::Roles => Ctx::Roles,
                View::Report => Ctx::Report,
                View::Settings => Ctx::Settings,
                View::Panes => match self.main.pane {
                    Pane::Locations => Ctx::Locations,
                    Pane::Members if self.main.filtering => Ctx::MemberFilter,
                    Pane::Members => Ctx::Members,
                    Pane::Profile => Ctx::Profile,
                },
            },
        }
    }

    pub fn location(&self) -> Option<&Location> {
        self.main.locations.get(self.main.loc.sel)
    }

    /// The user whose profile is shown.
    pub fn profile_user(&self) -> Option<UserId> {
        self.main
            .pinned
            .or_else(|| self.main.shown.get(self.main.mem.sel).map(|(u, _)| *u))
    }

    /// What the body shows, for the layout.
    fn mode(&self, t: &Tenant) -> Mode {
        match self.screen {
            Screen::SignIn => Mode::List { head: 2 },
            Screen::Denied => Mode::Boxed,
            Screen::Main => match self.view {
                View::Panes => Mode::Panes {
                    filter_line: self.main.filtering || !self.main.filter.is_empty(),
                },
                View::Search => Mode::List { head: 2 },
                View::Audit if self.audit.detail => Mode::Text,
                View::Audit => Mode::List { head: 1 },
                View::Roles => Mode::List {
                    head: roles::HEAD_LINES,
                },
                View::Settings => settings::mode(t),
                View::Report => Mode::List {
                    head: report::HEAD_LINES,
                },
            },
        }
    }

    /// The areas of a frame of this size (the state's own size unless a test renders another).
    pub fn areas(&self, t: &Tenant, size: (u16, u16)) -> Areas {
        layout::areas(size, self.mode(t))
    }

    /// The visible height of the list the keyboard is in: what PgDn moves by.
    fn page(&self, t: &Tenant) -> usize {
        let a = self.areas(t, self.size);
        let h = match self.ctx() {
            Ctx::Picker => layout::picker_rows(a.full, self.dialogs.len() - 1).height,
            Ctx::Locations => a.panes.location_rows.height,
            Ctx::Members | Ctx::MemberFilter => a.panes.member_rows.height,
            Ctx::Profile => a.panes.profile_text.height,
            Ctx::Help => a.help.height.saturating_sub(2),
            _ => a.list.height,
        };
        (h as usize).max(1)
    }

    /// Keeps every list's selection within its visible window.
    fn sync_scroll(&mut self, t: &Tenant) {
        let a = self.areas(t, self.size);
        let h = |r: ratatui::layout::Rect| r.height as usize;
        self.main
            .loc
            .scroll(h(a.panes.location_rows), self.main.locations.len());
        self.main
            .mem
            .scroll(h(a.panes.member_rows), self.main.shown.len());
        self.signin.list.scroll(h(a.list), self.signin.shown.len());
        self.search.list.scroll(h(a.list), self.search.hits.len());
        self.audit.list.scroll(h(a.list), self.audit.shown.len());
        let rows = self.roles.au.map_or(0, |au| au_assignments(t, au).len());
        self.roles.list.scroll(h(a.list), rows);
        self.settings.list.scroll(h(a.list), settings_rows(t).len());
        let n = self.report.report.as_ref().map_or(0, |r| r.locations.len());
        self.report.list.scroll(h(a.list), n);
        let depth = self.dialogs.len().saturating_sub(1);
        let ph = h(layout::picker_rows(a.full, depth));
        if let Some(d) = self.dialogs.last_mut() {
            match d {
                Dialog::PickRole(p) => p.list.scroll(ph, p.shown.len()),
                Dialog::PickPrincipal(p) => p.list.scroll(ph, p.shown.len()),
                _ => {}
            }
        }
    }

    fn focus(&self) -> Focus {
        Focus {
            screen: self.screen,
            view: self.view,
            pane: self.main.pane,
            location: self.location().map(|l| l.au),
            user: self.profile_user(),
            rows: [
                self.search.list.sel,
                self.audit.list.sel,
                self.roles.list.sel,
                self.settings.list.sel,
            ],
        }
    }

    /// Is a command available now? Used for hints; the engine decides every change.
    pub fn enabled(&self, t: &Tenant, cmd: Cmd) -> bool {
        let Some(actor) = self.actor else {
            return true;
        };
        match cmd {
            Cmd::ResetPassword | Cmd::AddPhone | Cmd::EditPhone | Cmd::RemovePhone => {
                match self.profile_user() {
                    Some(u) => profile_actions(t, actor, u)
                        .iter()
                        .any(|a| a.cmd == cmd && a.allowed),
                    None => false,
                }
            }
            Cmd::UserAudit => self.profile_user().is_some(),
            Cmd::Activate => !crate::pim::eligible_items(t, actor).is_empty(),
            // Choosing between phone types only when there is more than one.
            Cmd::NextField | Cmd::PrevField if matches!(self.ctx(), Ctx::Input | Ctx::Choice) => {
                match self.dialogs.last() {
                    Some(Dialog::Phone(p)) => p.kinds.len() > 1,
                    Some(Dialog::Activate(_)) => true,
                    _ => false,
                }
            }
            Cmd::ScopedRoles | Cmd::FilterMembers => self.location().is_some(),
            Cmd::Open if self.ctx() == Ctx::Settings => manage_settings(t, actor).allowed,
            Cmd::Open if self.ctx() == Ctx::Audit => !self.audit.shown.is_empty(),
            Cmd::RemoveSelected => {
                manage_settings(t, actor).allowed
                    && matches!(
                        settings_rows(t).get(self.settings.list.sel),
                        Some(SettingsRow::Selected(_))
                    )
            }
            Cmd::AddAssignment | Cmd::RemoveAssignment => {
                let Some(au) = self.roles.au else {
                    return false;
                };
                let d = permissions::decide(
                    t,
                    Principal::User(actor),
                    Action::ManageAuRoles,
                    Target::Au(au),
                );
                d.allowed && (cmd == Cmd::AddAssignment || !au_assignments(t, au).is_empty())
            }
            _ => true,
        }
    }

    /// "Contoso › Portland › Contoso Portland User 7".
    pub fn breadcrumbs(&self, t: &Tenant) -> Vec<String> {
        let mut v = vec![t.info.display_name.clone()];
        if self.screen != Screen::Main {
            return v;
        }
        match self.view {
            View::Search => v.push("Search".into()),
            View::Audit => v.push("Audit log".into()),
            View::Roles => {
                if let Some(au) = self.roles.au {
                    v.push(t.au(au).display_name.clone());
                }
                v.push("Scoped roles".into());
            }
            View::Settings => v.push("Settings".into()),
            View::Report => v.push("Delegation report".into()),
            View::Panes => {
                if self.main.pinned.is_none()
                    && let Some(l) = self.location()
                {
                    v.push(t.au(l.au).display_name.clone());
                }
                if self.main.pane != Pane::Locations
                    && let Some(u) = self.profile_user()
                {
                    v.push(t.user(u).display_name().to_string());
                }
            }
        }
        v
    }

    /// A stored timestamp as people read it: local and human once the driver has given the
    /// clock ("today 04:25"), exact UTC until then.
    pub fn when(&self, at: &str) -> String {
        match &self.clock {
            Some(c) => c.human(at),
            None => crate::when::exact_utc(at),
        }
    }

    /// The signed-in person, when the engine allows them `action` on `target`; otherwise the
    /// engine's reason goes to the status line.
    fn permitted(&mut self, t: &Tenant, action: Action, target: Target) -> Option<UserId> {
        let actor = self.actor?;
        let d = permissions::decide(t, Principal::User(actor), action, target);
        if !d.allowed {
            self.info(StatusKind::Error, self.refusal(t, &d));
            return None;
        }
        Some(actor)
    }

    fn info(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status_gen += 1;
        self.status = Some(Status {
            kind,
            text: text.into(),
        });
    }

    fn clear_status(&mut self) {
        self.status_gen += 1;
        self.status = None;
    }

    fn confirm_quit(&mut self) -> Vec<Effect> {
        if matches!(
            self.dialogs.last(),
            Some(Dialog::Confirm(c)) if c.kind == ConfirmKind::Quit
        ) {
            return self.quit_now();
        }
        self.push_confirm(ConfirmKind::Quit);
        Vec::new()
    }

    fn push_confirm(&mut self, kind: ConfirmKind) {
        self.dialogs.push(Dialog::Confirm(confirm::Confirm {
            kind,
            ok_focused: false,
        }));
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        // Close every dialog now: a temporary password is zeroed as it drops.
        self.dialogs.clear();
        Vec::new()
    }

    fn close_dialog(&mut self) {
        // Dropping zeroes any secret the dialog held.
        self.dialogs.pop();
    }
}

/// The state machine. Returns the work for the driver.
pub fn update(s: &mut State, t: &Tenant, ev: Event) -> Vec<Effect> {
    let before = s.focus();
    let generation = s.status_gen;
    let mut fx = match ev {
        Event::Key(k) => on_key(s, t, k),
        Event::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Event::Mouse { kind, col, row } => panes::on_mouse(s, t, kind, col, row),
        Event::SearchResults { seq, hits } => {
            search::results(s, seq, hits);
            Vec::new()
        }
        Event::ResetDone { target, result } => {
            s.saving = false;
            reset::done(s, t, target, result);
            Vec::new()
        }
        Event::OpDone { op, result } => {
            s.saving = false;
            on_op_done(s, t, op, result);
            Vec::new()
        }
        Event::AuditLoaded(rows) => {
            audit::loaded(s, rows);
            Vec::new()
        }
        Event::PrefLoaded { key, value } => {
            panes::pref_loaded(s, t, key, value);
            Vec::new()
        }
        Event::DelegationReport(r) => {
            s.saving = false;
            report::loaded(s, *r);
            Vec::new()
        }
        Event::PimDone { what, result } => {
            s.saving = false;
            let fx = pim::done(s, t, what, result);
            panes::reload(s, t);
            fx
        }
        Event::ActivationsEnded(names) => {
            panes::reload(s, t);
            if !names.is_empty() {
                s.info(
                    StatusKind::Info,
                    format!("Your activation of {} has ended.", names.join(", ")),
                );
            }
            Vec::new()
        }
        Event::TenantChanged => {
            panes::reload(s, t);
            Vec::new()
        }
        Event::RefreshFailed(e) => {
            s.info(
                StatusKind::Error,
                format!("Cannot read changes made elsewhere: {e}"),
            );
            Vec::new()
        }
        Event::Invocation(i) => {
            s.invocation = i;
            Vec::new()
        }
        Event::Clock(c) => {
            s.clock = Some(c);
            Vec::new()
        }
        Event::Warning(w) => {
            s.info(StatusKind::Error, format!("Warning: {w}"));
            Vec::new()
        }
    };
    if s.quit {
        fx.extend(panes::save_location(s, t));
    }
    if fx.iter().any(Effect::is_slow) {
        s.saving = true;
    }
    let after = s.focus();
    if after.user != before.user {
        // Another person's profile starts at its top.
        s.main.profile_scroll = 0;
    }
    s.sync_scroll(t);
    if s.status_gen == generation && after != before {
        s.status = None;
    }
    fx
}

fn on_op_done(s: &mut State, t: &Tenant, op: OpKind, result: Result<Vec<String>, String>) {
    match (op, result) {
        (OpKind::Phone, r) => phone::done(s, t, r),
        (OpKind::RemovePhone, Ok(_)) => {
            s.dialogs.retain(|d| !matches!(d, Dialog::Phone(_)));
            s.info(StatusKind::Ok, "Phone number removed.");
        }
        (OpKind::Assign, Ok(warnings)) => {
            s.dialogs
                .retain(|d| !matches!(d, Dialog::PickRole(_) | Dialog::PickPrincipal(_)));
            if warnings.is_empty() {
                s.info(StatusKind::Ok, "Role assigned.");
            } else {
                s.info(
                    StatusKind::Ok,
                    format!("Role assigned. Warning: {}", warnings.join(" ")),
                );
            }
        }
        (OpKind::Unassign, Ok(_)) => s.info(StatusKind::Ok, "Assignment removed."),
        (OpKind::MyStaffAccess, Ok(_)) => {
            s.dialogs.retain(|d| !matches!(d, Dialog::PickPrincipal(_)));
            let ms = &t.settings.my_staff;
            s.info(
                StatusKind::Ok,
                format!(
                    "Administrators can access My Staff: now {}.",
                    access_summary(t, ms.access, &ms.selected)
                ),
            );
        }
        (_, Err(e)) => s.info(StatusKind::Error, e),
    }
    panes::reload(s, t);
}

fn on_key(s: &mut State, t: &Tenant, key: Key) -> Vec<Effect> {
    let ctx = s.ctx();
    let cmd = s.keys.lookup(ctx, key);
    if cmd == Some(Cmd::ForceQuit) {
        return s.quit_now();
    }
    // Nothing may happen that the person cannot see.
    if layout::areas(s.size, Mode::Text).too_small {
        return Vec::new();
    }
    let typed = if ctx.is_text_entry() {
        key.typed_char()
    } else {
        None
    };
    if cmd.is_none() && typed.is_none() {
        return Vec::new();
    }
    let page = s.page(t);
    if cmd == Some(Cmd::Quit) && !s.dialogs.is_empty() {
        return s.confirm_quit();
    }
    match ctx {
        Ctx::Help => {
            help::on_key(s, cmd, page);
            Vec::new()
        }
        Ctx::Confirm => confirm::on_key(s, t, cmd),
        Ctx::Password => reset::on_password_key(s, t, cmd, typed),
        Ctx::Notice => {
            reset::on_notice_key(s, cmd);
            Vec::new()
        }
        Ctx::Input if matches!(s.dialogs.last(), Some(Dialog::Activate(_))) => {
            pim::on_key(s, t, cmd, typed)
        }
        Ctx::Input | Ctx::Choice => phone::on_key(s, t, cmd, typed),
        Ctx::Picker => picker::on_key(s, t, cmd, typed, page),
        Ctx::SignIn | Ctx::Denied => signin::on_key(s, t, ctx, cmd, typed, page),
        Ctx::Search => search::on_key(s, t, cmd, typed, page),
        Ctx::Audit | Ctx::AuditFilter | Ctx::AuditDetail => {
            audit::on_key(s, t, ctx, cmd, typed, page)
        }
        Ctx::Roles => roles::on_key(s, t, cmd, page),
        Ctx::Report => report::on_key(s, cmd, page),
        Ctx::Settings => settings::on_key(s, t, cmd, page),
        Ctx::Locations | Ctx::Members | Ctx::MemberFilter | Ctx::Profile => {
            panes::on_key(s, t, ctx, cmd, typed, page)
        }
        Ctx::Global => Vec::new(),
    }
}
