//! The pure state machine: `update(&mut State, &Tenant, Event) -> Vec<Effect>`.
//!
//! No terminal, no I/O, no clock. Keys are turned into [`Cmd`]s by the keymap; every enabled or
//! disabled change is the permission engine's decision ([`permissions::decide`]), never a rule of
//! its own. Changes leave as [`Effect`]s that the driver carries out through the session; their
//! results come back as [`Event`]s. The tenant is read-only input.

use std::cell::Cell;
use std::fmt;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use ratatui::layout::Rect;

use crate::model::{MyStaffAccess, Principal, Scope, Tenant};
use crate::password;
use crate::permissions::{self, Action, Decision, Target};
use crate::phone::{self, PhoneType};
use crate::roles::Role;

use super::keymap::{self, Cmd, Ctx, Key};
use super::natural::natural_key;

// ---- secrets ----------------------------------------------------------------------------------

/// A password in memory: never printed by `Debug`, overwritten when dropped or cleared.
#[derive(Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
    pub fn push(&mut self, c: char) {
        // Grow by hand so that a reallocation never leaves an unwiped copy behind.
        if self.0.len() + c.len_utf8() > self.0.capacity() {
            let mut bigger = String::with_capacity((self.0.capacity() * 2).max(32));
            bigger.push_str(&self.0);
            self.wipe();
            self.0 = bigger;
        }
        self.0.push(c);
    }
    pub fn pop(&mut self) {
        if let Some(c) = self.0.pop() {
            // Overwrite the bytes that were just released.
            let len = self.0.len();
            self.0.push_str(&"\0".repeat(c.len_utf8()));
            self.0.truncate(len);
        }
    }
    /// Overwrites the text with zero bytes, then empties it.
    pub fn wipe(&mut self) {
        let n = self.0.len();
        self.0.replace_range(.., &"\0".repeat(n));
        std::hint::black_box(&self.0);
        self.0.clear();
    }
    /// Moves the text out, leaving this one empty.
    pub fn take(&mut self) -> Secret {
        Secret(std::mem::take(&mut self.0))
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} chars>)", self.chars())
    }
}

// ---- data exchanged with the driver ---------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    User(u32),
    Au(u32),
}

/// One global search result (from the session's search index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: HitKind,
    pub text: String,
    /// Char positions of `text` that matched.
    pub indices: Vec<usize>,
    pub score: i64,
}

/// One audit record, as the audit view shows it (converted from the session's records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: String,
    pub when: String,
    pub activity: String,
    pub success: bool,
    pub reason: String,
    pub initiated_by: String,
    pub target: String,
}

impl AuditRow {
    fn matches(&self, needle: &str) -> bool {
        let n = needle.to_lowercase();
        [
            &self.when,
            &self.activity,
            &self.reason,
            &self.initiated_by,
            &self.target,
        ]
        .iter()
        .any(|f| f.to_lowercase().contains(&n))
            || (if self.success { "success" } else { "failure" }).contains(&n)
    }
}

#[derive(Debug)]
pub struct ResetResult {
    pub temporary_password: Option<Secret>,
    pub force_change_next_sign_in: bool,
}

/// Which operation an [`Event::OpDone`] reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Phone,
    RemovePhone,
    Assign,
    Unassign,
    MyStaffAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    ScrollUp,
    ScrollDown,
}

#[derive(Debug)]
pub enum Event {
    Key(Key),
    Resize(u16, u16),
    Mouse {
        kind: MouseKind,
        col: u16,
        row: u16,
    },
    SearchResults {
        seq: u64,
        hits: Vec<SearchHit>,
    },
    ResetDone {
        target: u32,
        result: Result<ResetResult, String>,
    },
    OpDone {
        op: OpKind,
        result: Result<Vec<String>, String>,
    },
    AuditLoaded(Vec<AuditRow>),
    PrefLoaded {
        key: String,
        value: Option<String>,
    },
    /// The tenant changed underneath (another process's journal entries were applied).
    TenantChanged,
}

/// Work for the driver. Every change carries the actor; the state machine emits one only after
/// the engine allowed it.
#[derive(Debug, PartialEq)]
pub enum Effect {
    Quit,
    Search {
        seq: u64,
        query: String,
    },
    LoadAudit,
    LoadPref {
        key: String,
    },
    SavePref {
        key: String,
        value: String,
    },
    ResetPassword {
        actor: u32,
        target: u32,
        password: Option<Secret>,
    },
    SetPhone {
        actor: u32,
        target: u32,
        kind: PhoneType,
        number: String,
    },
    RemovePhone {
        actor: u32,
        target: u32,
        kind: PhoneType,
    },
    AssignScopedRole {
        actor: u32,
        au: u32,
        role: Role,
        principal: Principal,
    },
    Unassign {
        actor: u32,
        assignment: u32,
    },
    SetMyStaffAccess {
        actor: u32,
        access: MyStaffAccess,
        selected: Vec<Principal>,
    },
}

// ---- state ------------------------------------------------------------------------------------

/// A list selection. `offset` (the first visible row) is kept by the renderer, which alone knows
/// the height; the state machine only moves `sel`.
#[derive(Debug, Default)]
pub struct ListSel {
    pub sel: usize,
    pub offset: Cell<usize>,
}

impl ListSel {
    fn clamp(&mut self, len: usize) {
        self.sel = self.sel.min(len.saturating_sub(1));
    }
    fn reset(&mut self) {
        self.sel = 0;
        self.offset.set(0);
    }
    fn step(&mut self, cmd: Cmd, len: usize, page: usize) -> bool {
        if len == 0 {
            self.sel = 0;
            return false;
        }
        let old = self.sel;
        self.sel = match cmd {
            Cmd::Up => self.sel.saturating_sub(1),
            Cmd::Down => (self.sel + 1).min(len - 1),
            Cmd::PageUp => self.sel.saturating_sub(page.max(1)),
            Cmd::PageDown => (self.sel + page.max(1)).min(len - 1),
            Cmd::Top => 0,
            Cmd::Bottom => len - 1,
            _ => self.sel,
        };
        self.sel != old
    }
}

/// The first visible row that keeps `sel` in a window of `height` rows, moving as little as
/// possible from `prev`.
pub fn scroll_offset(prev: usize, sel: usize, height: usize, len: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let max = len.saturating_sub(height);
    let off = if sel < prev {
        sel
    } else if sel >= prev + height {
        sel + 1 - height
    } else {
        prev
    };
    off.min(max)
}

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
pub struct Account {
    pub user: u32,
    /// "Name · roles · upn": what is shown and matched.
    pub label: String,
}

#[derive(Debug, Default)]
pub struct SignIn {
    pub filter: String,
    /// The listed accounts (`listed` of them), then the one the filter names exactly when it is
    /// not listed.
    pub accounts: Vec<Account>,
    pub listed: usize,
    /// Live users in the tenant. Above [`SIGN_IN_LIST_ALL_MAX`] only those holding a role are
    /// listed; anyone else is found by typing their full sign-in name (or id).
    pub total: usize,
    /// Indices into `accounts` with the matched char positions of their label.
    pub shown: Vec<(usize, Vec<usize>)>,
    pub list: ListSel,
    /// The last non-empty filter (trimmed, lowercased) and the listed accounts it matched, in
    /// ascending order: a filter that only adds letters matches a subset of them, so typing on
    /// rescans those instead of every listed account.
    narrowed: Option<(String, Vec<usize>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub au: u32,
    /// The person's roles there; empty for a location visited from search (read-only).
    pub roles: Vec<Role>,
}

#[derive(Debug)]
pub struct Main {
    pub pane: Pane,
    pub locations: Vec<Location>,
    pub loc: ListSel,
    /// User members of the selected location, sorted by name.
    pub members: Vec<u32>,
    pub filter: String,
    pub filtering: bool,
    /// Members passing the filter, with matched char positions of their display name.
    pub shown: Vec<(u32, Vec<usize>)>,
    pub mem: ListSel,
    pub profile_scroll: u16,
    /// A profile opened from search for a user outside every listed location.
    pub pinned: Option<u32>,
}

#[derive(Debug, Default)]
pub struct SearchState {
    pub query: String,
    pub seq: u64,
    pub hits: Vec<SearchHit>,
    pub list: ListSel,
    /// A search is running for `seq`.
    pub pending: bool,
}

#[derive(Debug, Default)]
pub struct AuditState {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    pub loaded: bool,
    pub filter: String,
    pub filtering: bool,
    pub shown: Vec<usize>,
    pub list: ListSel,
}

#[derive(Debug, Default)]
pub struct RolesState {
    pub au: Option<u32>,
    pub list: ListSel,
}

#[derive(Debug, Default)]
pub struct SettingsState {
    pub list: ListSel,
}

/// One row of the settings view's "Administrators can access My Staff" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsRow {
    Access(MyStaffAccess),
    /// A selected user or group (listed under `Selected`).
    Selected(Principal),
}

/// The settings view's rows: the three access values, the selected users and groups (sorted by
/// name) under `Selected`.
pub fn settings_rows(t: &Tenant) -> Vec<SettingsRow> {
    let mut selected = t.settings.my_staff.selected.clone();
    selected.sort_by_cached_key(|&p| (natural_key(display_name(t, p)), p));
    let mut rows = vec![
        SettingsRow::Access(MyStaffAccess::All),
        SettingsRow::Access(MyStaffAccess::Selected),
    ];
    rows.extend(selected.into_iter().map(SettingsRow::Selected));
    rows.push(SettingsRow::Access(MyStaffAccess::None));
    rows
}

/// A principal's display name (`principal_name` gives a user's UPN).
pub fn display_name(t: &Tenant, p: Principal) -> &str {
    match p {
        Principal::User(u) => t.user(u).display_name(),
        _ => t.principal_name(p),
    }
}

/// "all administrators", "selected users and groups (A, B)", "no one".
pub fn access_summary(t: &Tenant, access: MyStaffAccess, selected: &[Principal]) -> String {
    match access {
        MyStaffAccess::All => "all administrators".to_string(),
        MyStaffAccess::None => "no one".to_string(),
        MyStaffAccess::Selected => {
            let names: Vec<&str> = selected.iter().map(|&p| t.principal_name(p)).collect();
            format!("selected users and groups ({})", names.join(", "))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmKind {
    Reset {
        target: u32,
    },
    RemovePhone {
        target: u32,
        kind: PhoneType,
    },
    Unassign {
        assignment: u32,
    },
    /// Change "Administrators can access My Staff" to this value.
    MyStaffAccess {
        access: MyStaffAccess,
        selected: Vec<Principal>,
    },
    Quit,
}

/// What a principal picker chooses for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    /// The principal of a new role assignment scoped to an AU.
    AuRole { au: u32, role: Role },
    /// A user or group to add to the My Staff access selection.
    MyStaff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneMode {
    Add,
    Edit,
    /// Choosing which number to remove (then a confirmation).
    Remove,
}

#[derive(Debug)]
pub enum Dialog {
    Confirm {
        kind: ConfirmKind,
        ok_focused: bool,
    },
    /// Synced user: the manager types the new password (masked) against the live checklist.
    SetPassword {
        target: u32,
        input: Secret,
    },
    /// Cloud-only user: the generated password, shown once.
    TempPassword {
        target: u32,
        password: Secret,
        force_change: bool,
    },
    Phone {
        target: u32,
        mode: PhoneMode,
        kinds: Vec<PhoneType>,
        kind_idx: usize,
        input: String,
        /// The last refusal from the operation, shown until the input changes.
        error: Option<String>,
        busy: bool,
    },
    PickRole {
        au: u32,
        filter: String,
        shown: Vec<(Role, Vec<usize>)>,
        list: ListSel,
    },
    PickPrincipal {
        purpose: PickFor,
        filter: String,
        shown: Vec<(Principal, String, Vec<usize>)>,
        list: ListSel,
    },
}

/// Screen areas the renderer last used, for mouse hit-testing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub locations: Rect,
    pub members: Rect,
    pub profile: Rect,
    pub list: Rect,
}

#[derive(Debug)]
pub struct State {
    pub screen: Screen,
    pub actor: Option<u32>,
    /// The engine's refusal on the access-denied screen.
    pub denied_reason: String,
    pub signin: SignIn,
    pub main: Main,
    pub view: View,
    pub search: SearchState,
    pub audit: AuditState,
    pub roles: RolesState,
    pub settings: SettingsState,
    /// Topmost last.
    pub dialogs: Vec<Dialog>,
    pub help: bool,
    pub help_scroll: u16,
    pub status: Option<Status>,
    pub size: (u16, u16),
    pub areas: Cell<Areas>,
    pub quit: bool,
}

/// The smallest terminal the UI draws in; below it a "too small" screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

/// How many results global search asks for.
pub const SEARCH_LIMIT: usize = 200;

pub fn pref_key(t: &Tenant, actor: u32) -> String {
    format!("last-location/{}", t.user(actor).upn().to_lowercase())
}

/// Are `want`'s bytes (ASCII-lowercased) in `hay` in order, ignoring ASCII case? skim folds ASCII
/// case only, so it matches nothing this rejects: a cheap first test before skim.
fn ascii_folded_subsequence(want: &[u8], hay: &[u8]) -> bool {
    let mut w = want.iter();
    let Some(mut next) = w.next() else {
        return true;
    };
    for b in hay {
        if b.to_ascii_lowercase() == *next {
            match w.next() {
                Some(n) => next = n,
                None => return true,
            }
        }
    }
    false
}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

/// From this many candidates on, [`fuzzy`] scores on every core: the sign-in list of a large
/// tenant holds tens of thousands of long labels.
const FUZZY_PARALLEL_MIN: usize = 4096;

/// Fuzzy-filters `items` by `pattern`: all of them in their order when the pattern is empty,
/// otherwise the matching ones best first, each with its matched char positions.
fn fuzzy<'a, T: Copy + Send + Sync>(
    items: impl Iterator<Item = (T, &'a str)>,
    pattern: &str,
) -> Vec<(T, Vec<usize>)> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return items.map(|(t, _)| (t, Vec::new())).collect();
    }
    let want = pattern.as_bytes().to_ascii_lowercase();
    let candidates: Vec<(usize, T, &str)> = items
        .enumerate()
        .filter(|(_, (_, s))| ascii_folded_subsequence(&want, s.as_bytes()))
        .map(|(i, (t, s))| (i, t, s))
        .collect();
    let score = |part: &[(usize, T, &str)]| -> Vec<(i64, usize, T, Vec<usize>)> {
        let m = matcher();
        part.iter()
            .filter_map(|&(i, t, s)| {
                m.fuzzy_indices(s, pattern)
                    .map(|(score, idx)| (score, i, t, idx))
            })
            .collect()
    };
    let threads = crate::search::threads();
    let mut out = if threads < 2 || candidates.len() < FUZZY_PARALLEL_MIN {
        score(&candidates)
    } else {
        std::thread::scope(|sc| {
            let score = &score;
            let workers: Vec<_> = candidates
                .chunks(candidates.len().div_ceil(threads))
                .map(|part| sc.spawn(move || score(part)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(_, _, t, idx)| (t, idx)).collect()
}

/// Above this many live users the sign-in screen lists only those holding a role: labelling,
/// sorting and filtering millions of accounts on every keystroke would stall the UI.
pub const SIGN_IN_LIST_ALL_MAX: usize = 20_000;

fn account(t: &Tenant, u: u32) -> Account {
    let user = t.user(u);
    Account {
        user: u,
        label: format!(
            "{} · {} · {}",
            user.display_name(),
            roles_summary(t, u),
            user.upn()
        ),
    }
}

/// "Helpdesk Administrator (scoped to Portland)" for each role a user holds, or "no admin role".
pub fn roles_summary(t: &Tenant, u: u32) -> String {
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

/// One action of the profile, with the engine's decision.
#[derive(Debug, Clone)]
pub struct ActionView {
    pub cmd: Cmd,
    pub label: &'static str,
    pub allowed: bool,
    pub reason: String,
}

/// The profile's actions for `target`, each asked of the engine (phone edit/remove also need a
/// number to act on, add a free phone type).
pub fn profile_actions(t: &Tenant, actor: u32, target: u32) -> Vec<ActionView> {
    let who = Principal::User(actor);
    let reset = permissions::decide(t, who, Action::ResetPassword, Target::User(target));
    let phone = permissions::decide(t, who, Action::ManagePhone, Target::User(target));
    let user = t.user(target);
    let free = PhoneType::ALL.iter().any(|k| user.phone(*k).is_none());
    let has = !user.phones.is_empty();
    let view = |cmd, label, d: &Decision, extra: Option<&str>| {
        let (allowed, reason) = match (d.allowed, extra) {
            (true, Some(why)) => (false, why.to_string()),
            _ => (d.allowed, d.reason.clone()),
        };
        ActionView {
            cmd,
            label,
            allowed,
            reason,
        }
    };
    vec![
        view(Cmd::ResetPassword, "Reset password", &reset, None),
        view(
            Cmd::AddPhone,
            "Add phone number",
            &phone,
            (!free).then_some(
                "Every phone type (mobile, alternate mobile, office) is registered already.",
            ),
        ),
        view(
            Cmd::EditPhone,
            "Edit phone number",
            &phone,
            (!has).then_some("No phone number to edit."),
        ),
        view(
            Cmd::RemovePhone,
            "Remove phone number",
            &phone,
            (!has).then_some("No phone number to remove."),
        ),
        ActionView {
            cmd: Cmd::UserAudit,
            label: "Audit records of this user",
            allowed: true,
            reason: String::new(),
        },
    ]
}

/// May the actor see this user's phone numbers in full? (Only who may manage them.)
pub fn phones_visible(t: &Tenant, actor: u32, target: u32) -> bool {
    permissions::decide(
        t,
        Principal::User(actor),
        Action::ManagePhone,
        Target::User(target),
    )
    .allowed
}

/// May the actor change the tenant settings? (The engine's answer, with its reason.)
pub fn manage_settings(t: &Tenant, actor: u32) -> Decision {
    permissions::decide(
        t,
        Principal::User(actor),
        Action::ManageSettings,
        Target::None,
    )
}

/// A phone number as the actor may see it.
pub fn shown_number(t: &Tenant, actor: u32, target: u32, number: &str) -> String {
    if phones_visible(t, actor, target) {
        number.to_string()
    } else {
        phone::mask(number)
    }
}

/// Live assignments scoped to an AU, in display order.
pub fn au_assignments(t: &Tenant, au: u32) -> Vec<u32> {
    let mut v: Vec<u32> = t.assignments_at(Scope::Au(au)).to_vec();
    v.sort_by_cached_key(|&a| {
        let asg = t.assignment(a);
        (
            asg.role.name(),
            natural_key(t.principal_name(asg.principal)),
            a,
        )
    });
    v
}

/// How many user members an AU has (what `au_users(t, au).len()` says, without sorting them:
/// the renderer asks for every visible location on every frame).
pub fn au_user_count(t: &Tenant, au: u32) -> usize {
    t.au(au)
        .members
        .iter()
        .filter(|m| matches!(**m, Principal::User(u) if !t.user(u).deleted))
        .count()
}

/// User members of an AU sorted by display name (groups are not expanded: spec 3).
pub fn au_users(t: &Tenant, au: u32) -> Vec<u32> {
    let mut v: Vec<u32> = t
        .au(au)
        .members
        .iter()
        .filter_map(|m| match *m {
            Principal::User(u) if !t.user(u).deleted => Some(u),
            _ => None,
        })
        .collect();
    v.sort_by_cached_key(|&u| (natural_key(t.user(u).display_name()), u));
    v
}

impl State {
    /// A new session: the sign-in screen, or straight in as `as_user`.
    pub fn start(t: &Tenant, as_user: Option<u32>, size: (u16, u16)) -> (State, Vec<Effect>) {
        let mut s = State {
            screen: Screen::SignIn,
            actor: None,
            denied_reason: String::new(),
            signin: SignIn::default(),
            main: Main {
                pane: Pane::Locations,
                locations: Vec::new(),
                loc: ListSel::default(),
                members: Vec::new(),
                filter: String::new(),
                filtering: false,
                shown: Vec::new(),
                mem: ListSel::default(),
                profile_scroll: 0,
                pinned: None,
            },
            view: View::Panes,
            search: SearchState::default(),
            audit: AuditState::default(),
            roles: RolesState::default(),
            settings: SettingsState::default(),
            dialogs: Vec::new(),
            help: false,
            help_scroll: 0,
            status: None,
            size,
            areas: Cell::new(Areas::default()),
            quit: false,
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

    // ---- queries used by the renderer and tests ----

    /// The keyboard context: the topmost layer wins (help › dialog › view › pane).
    pub fn ctx(&self) -> Ctx {
        if self.help {
            return Ctx::Help;
        }
        if let Some(d) = self.dialogs.last() {
            return match d {
                Dialog::Confirm { .. } => Ctx::Confirm,
                Dialog::SetPassword { .. } => Ctx::Password,
                Dialog::Phone {
                    mode: PhoneMode::Remove,
                    ..
                } => Ctx::Choice,
                Dialog::Phone { .. } => Ctx::Input,
                Dialog::TempPassword { .. } => Ctx::Notice,
                Dialog::PickRole { .. } | Dialog::PickPrincipal { .. } => Ctx::Picker,
            };
        }
        match self.screen {
            Screen::SignIn => Ctx::SignIn,
            Screen::Denied => Ctx::Denied,
            Screen::Main => match self.view {
                View::Search => Ctx::Search,
                View::Audit if self.audit.filtering => Ctx::AuditFilter,
                View::Audit => Ctx::Audit,
                View::Roles => Ctx::Roles,
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
    pub fn profile_user(&self) -> Option<u32> {
        self.main
            .pinned
            .or_else(|| self.main.shown.get(self.main.mem.sel).map(|(u, _)| *u))
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
            Cmd::ScopedRoles | Cmd::FilterMembers => self.location().is_some(),
            Cmd::Open if self.ctx() == Ctx::Settings => manage_settings(t, actor).allowed,
            Cmd::RemoveSelected => {
                manage_settings(t, actor).allowed
                    && matches!(
                        settings_rows(t).get(self.settings.list.sel),
                        Some(SettingsRow::Selected(_))
                    )
            }
            Cmd::AddAssignment | Cmd::RemoveAssignment => {
                let d = permissions::decide(
                    t,
                    Principal::User(actor),
                    Action::ManageAuRoles,
                    Target::None,
                );
                d.allowed
                    && (cmd == Cmd::AddAssignment
                        || self
                            .roles
                            .au
                            .is_some_and(|au| !au_assignments(t, au).is_empty()))
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

    fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(8).max(1)
    }

    fn info(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            kind,
            text: text.into(),
        });
    }

    // ---- sign-in ----

    fn open_sign_in(&mut self, t: &Tenant) {
        self.screen = Screen::SignIn;
        self.actor = None;
        self.view = View::Panes;
        self.dialogs.clear();
        let holders = t.role_holders();
        let total = t.live_users().count();
        let listed: Vec<u32> = if total <= SIGN_IN_LIST_ALL_MAX {
            t.live_users().collect()
        } else {
            holders.clone()
        };
        let mut accounts: Vec<(bool, Vec<u8>, Account)> = listed
            .into_iter()
            .map(|u| {
                let user = t.user(u);
                let admin = holders.binary_search(&u).is_ok();
                (!admin, natural_key(user.display_name()), account(t, u))
            })
            .collect();
        accounts.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        self.signin.accounts = accounts.into_iter().map(|(_, _, a)| a).collect();
        self.signin.listed = self.signin.accounts.len();
        self.signin.total = total;
        self.signin.narrowed = None;
        self.refilter_sign_in(t);
    }

    fn refilter_sign_in(&mut self, t: &Tenant) {
        let s = &mut self.signin;
        s.accounts.truncate(s.listed);
        let pattern = s.filter.trim().to_ascii_lowercase();
        // The matcher folds case, so an old filter that is a subsequence of the new one matched
        // everything the new one matches. Only ASCII is narrowed: skim folds other letters its
        // own way.
        let pool = match s.narrowed.take() {
            Some((old, matched))
                if pattern.is_ascii()
                    && ascii_folded_subsequence(old.as_bytes(), pattern.as_bytes()) =>
            {
                matched
            }
            _ => (0..s.listed).collect(),
        };
        let accounts = &s.accounts;
        s.shown = fuzzy(
            pool.iter().map(|&i| (i, accounts[i].label.as_str())),
            &s.filter,
        );
        if !pattern.is_empty() && pattern.is_ascii() {
            let mut matched: Vec<usize> = s.shown.iter().map(|(i, _)| *i).collect();
            matched.sort_unstable();
            s.narrowed = Some((pattern, matched));
        }
        // Someone not listed, named exactly: first.
        if s.listed < s.total
            && let Some(u) = t.find_user(&s.filter)
            && !s.accounts.iter().any(|a| a.user == u)
        {
            s.accounts.push(account(t, u));
            s.shown.insert(0, (s.listed, Vec::new()));
        }
        s.list.reset();
    }

    fn sign_in(&mut self, t: &Tenant, actor: u32) -> Vec<Effect> {
        self.actor = Some(actor);
        self.dialogs.clear();
        self.view = View::Panes;
        self.status = None;
        let d = permissions::decide(t, Principal::User(actor), Action::OpenMyStaff, Target::None);
        if !d.allowed {
            self.screen = Screen::Denied;
            self.denied_reason = d.reason;
            return Vec::new();
        }
        self.screen = Screen::Main;
        self.main.pane = Pane::Locations;
        self.main.pinned = None;
        self.main.filter.clear();
        self.main.filtering = false;
        self.main.loc.reset();
        self.main.locations = permissions::locations(t, Principal::User(actor))
            .into_iter()
            .map(|(au, roles)| Location { au, roles })
            .collect();
        self.load_members(t);
        self.audit = AuditState::default();
        self.search = SearchState::default();
        self.info(
            StatusKind::Info,
            format!("Your roles: {}", roles_summary(t, actor)),
        );
        vec![Effect::LoadPref {
            key: pref_key(t, actor),
        }]
    }

    fn save_location(&self, t: &Tenant) -> Option<Effect> {
        let actor = self.actor?;
        if self.screen != Screen::Main {
            return None;
        }
        let l = self.location()?;
        if l.roles.is_empty() {
            return None;
        }
        Some(Effect::SavePref {
            key: pref_key(t, actor),
            value: t.au(l.au).id.clone(),
        })
    }

    // ---- members ----

    fn load_members(&mut self, t: &Tenant) {
        self.main.members = match self.location() {
            Some(l) => au_users(t, l.au),
            None => Vec::new(),
        };
        self.main.mem.reset();
        self.main.profile_scroll = 0;
        self.refilter_members(t);
    }

    fn refilter_members(&mut self, t: &Tenant) {
        let keep = self.main.shown.get(self.main.mem.sel).map(|(u, _)| *u);
        self.main.shown = fuzzy(
            self.main
                .members
                .iter()
                .map(|&u| (u, t.user(u).display_name())),
            &self.main.filter,
        );
        self.main.mem.sel = keep
            .and_then(|k| self.main.shown.iter().position(|(u, _)| *u == k))
            .unwrap_or(0);
        if self.main.filtering {
            self.main.mem.sel = 0;
        }
        self.main.mem.clamp(self.main.shown.len());
    }

    /// After the tenant changed: recompute lists, keeping selections by identity.
    fn reload(&mut self, t: &Tenant) {
        let Some(actor) = self.actor else {
            return;
        };
        if self.screen != Screen::Main {
            return;
        }
        // A changed setting can shut the person out: the engine decides, at once.
        let d = permissions::decide(t, Principal::User(actor), Action::OpenMyStaff, Target::None);
        if !d.allowed {
            self.screen = Screen::Denied;
            self.denied_reason = d.reason;
            self.view = View::Panes;
            // A temporary password on screen is still the manager's to read.
            self.dialogs
                .retain(|d| matches!(d, Dialog::TempPassword { .. }));
            return;
        }
        let n = settings_rows(t).len();
        self.settings.list.clamp(n);
        let keep_au = self.location().map(|l| l.au);
        let keep_user = self.main.shown.get(self.main.mem.sel).map(|(u, _)| *u);
        let visiting: Vec<Location> = self
            .main
            .locations
            .iter()
            .filter(|l| l.roles.is_empty() && !t.au(l.au).deleted)
            .cloned()
            .collect();
        let mut locs: Vec<Location> = permissions::locations(t, Principal::User(actor))
            .into_iter()
            .map(|(au, roles)| Location { au, roles })
            .collect();
        for v in visiting {
            if !locs.iter().any(|l| l.au == v.au) {
                locs.push(v);
            }
        }
        self.main.locations = locs;
        self.main.loc.sel = keep_au
            .and_then(|a| self.main.locations.iter().position(|l| l.au == a))
            .unwrap_or(0);
        self.main.loc.clamp(self.main.locations.len());
        self.main.members = match self.location() {
            Some(l) => au_users(t, l.au),
            None => Vec::new(),
        };
        self.refilter_members(t);
        if let Some(u) = keep_user
            && let Some(p) = self.main.shown.iter().position(|(x, _)| *x == u)
        {
            self.main.mem.sel = p;
        }
        if let Some(au) = self.roles.au {
            let n = au_assignments(t, au).len();
            self.roles.list.clamp(n);
        }
    }

    fn select_location(&mut self, t: &Tenant, au: u32) {
        let pos = match self.main.locations.iter().position(|l| l.au == au) {
            Some(p) => p,
            None => {
                self.main.locations.push(Location {
                    au,
                    roles: Vec::new(),
                });
                self.main.locations.len() - 1
            }
        };
        if pos != self.main.loc.sel || self.main.members.is_empty() {
            self.main.loc.sel = pos;
            self.main.filter.clear();
            self.main.filtering = false;
            self.load_members(t);
        }
    }

    fn jump_to(&mut self, t: &Tenant, hit: HitKind) -> Vec<Effect> {
        self.view = View::Panes;
        self.main.pinned = None;
        match hit {
            HitKind::Au(a) => {
                self.select_location(t, a);
                self.main.pane = Pane::Members;
                if self.location().is_some_and(|l| l.roles.is_empty()) {
                    self.info(
                        StatusKind::Info,
                        format!(
                            "{} is not one of your locations: read-only.",
                            t.au(a).display_name
                        ),
                    );
                }
            }
            HitKind::User(u) => {
                let aus = t.user_aus(u);
                let managed = self
                    .main
                    .locations
                    .iter()
                    .find(|l| !l.roles.is_empty() && aus.contains(&l.au))
                    .or_else(|| self.main.locations.iter().find(|l| aus.contains(&l.au)))
                    .map(|l| l.au);
                let mut sorted: Vec<u32> = aus.to_vec();
                sorted.sort_by_cached_key(|&a| natural_key(&t.au(a).display_name));
                match managed.or_else(|| sorted.first().copied()) {
                    Some(a) => {
                        self.select_location(t, a);
                        self.main.filter.clear();
                        self.refilter_members(t);
                        if let Some(p) = self.main.shown.iter().position(|(x, _)| *x == u) {
                            self.main.mem.sel = p;
                        }
                    }
                    None => self.main.pinned = Some(u),
                }
                self.main.pane = Pane::Profile;
                self.main.profile_scroll = 0;
                if let Some(actor) = self.actor
                    && !profile_actions(t, actor, u)
                        .iter()
                        .any(|a| a.allowed && a.cmd != Cmd::UserAudit)
                {
                    let d = permissions::decide(
                        t,
                        Principal::User(actor),
                        Action::ResetPassword,
                        Target::User(u),
                    );
                    self.info(StatusKind::Info, format!("Read-only: {}", d.reason));
                }
            }
        }
        self.save_location(t).into_iter().collect()
    }

    // ---- dialogs ----

    fn open_reset(&mut self, t: &Tenant) {
        let (Some(actor), Some(u)) = (self.actor, self.profile_user()) else {
            return;
        };
        let d = permissions::decide(
            t,
            Principal::User(actor),
            Action::ResetPassword,
            Target::User(u),
        );
        if !d.allowed {
            self.info(StatusKind::Error, d.reason);
            return;
        }
        self.status = None;
        self.dialogs.push(Dialog::Confirm {
            kind: ConfirmKind::Reset { target: u },
            ok_focused: false,
        });
    }

    fn open_phone(&mut self, t: &Tenant, mode: PhoneMode) {
        let (Some(actor), Some(u)) = (self.actor, self.profile_user()) else {
            return;
        };
        let cmd = match mode {
            PhoneMode::Add => Cmd::AddPhone,
            PhoneMode::Edit => Cmd::EditPhone,
            PhoneMode::Remove => Cmd::RemovePhone,
        };
        let Some(a) = profile_actions(t, actor, u)
            .into_iter()
            .find(|a| a.cmd == cmd)
        else {
            return;
        };
        if !a.allowed {
            self.info(StatusKind::Error, a.reason);
            return;
        }
        self.status = None;
        let user = t.user(u);
        let kinds: Vec<PhoneType> = PhoneType::ALL
            .into_iter()
            .filter(|k| (user.phone(*k).is_some()) != (mode == PhoneMode::Add))
            .collect();
        if mode == PhoneMode::Remove && kinds.len() == 1 {
            self.dialogs.push(Dialog::Confirm {
                kind: ConfirmKind::RemovePhone {
                    target: u,
                    kind: kinds[0],
                },
                ok_focused: false,
            });
            return;
        }
        let input = match mode {
            PhoneMode::Edit => user
                .phone(kinds[0])
                .map(|p| p.phone_number.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
        self.dialogs.push(Dialog::Phone {
            target: u,
            mode,
            kinds,
            kind_idx: 0,
            input,
            error: None,
            busy: false,
        });
    }

    fn open_roles(&mut self, t: &Tenant) {
        let Some(l) = self.location() else {
            return;
        };
        let au = l.au;
        if let Some(actor) = self.actor {
            let d = permissions::decide(
                t,
                Principal::User(actor),
                Action::ListAuRoles,
                Target::Au(au),
            );
            if !d.allowed {
                self.info(StatusKind::Error, d.reason);
                return;
            }
        }
        self.roles.au = Some(au);
        self.roles.list.reset();
        self.view = View::Roles;
    }

    fn refilter_roles(filter: &str) -> Vec<(Role, Vec<usize>)> {
        let roles: Vec<Role> = Role::au_scopable().collect();
        fuzzy(roles.iter().map(|r| (*r, r.name())), filter)
    }

    /// The principal picker's list: users, then groups (then service principals for role
    /// assignments), each by name; My Staff access offers users and groups not selected yet.
    fn principal_candidates(
        t: &Tenant,
        purpose: PickFor,
        filter: &str,
    ) -> Vec<(Principal, String, Vec<usize>)> {
        let skip: &[Principal] = match purpose {
            PickFor::MyStaff if t.settings.my_staff.access == MyStaffAccess::Selected => {
                &t.settings.my_staff.selected
            }
            _ => &[],
        };
        let mut candidates: Vec<Principal> = t.live_users().map(Principal::User).collect();
        candidates.extend((0..t.groups.len() as u32).map(Principal::Group));
        if let PickFor::AuRole { .. } = purpose {
            candidates
                .extend((0..t.service_principals.len() as u32).map(Principal::ServicePrincipal));
        }
        candidates.retain(|p| !skip.contains(p));
        let kind_order = |p: &Principal| match p {
            Principal::User(_) => 0,
            Principal::Group(_) => 1,
            Principal::ServicePrincipal(_) => 2,
        };
        candidates.sort_by_cached_key(|p| (kind_order(p), natural_key(display_name(t, *p)), *p));
        let labels: Vec<(Principal, String)> = candidates
            .into_iter()
            .map(|p| {
                let label = match p {
                    Principal::User(u) => {
                        let user = t.user(u);
                        format!("user · {} · {}", user.display_name(), user.upn())
                    }
                    Principal::Group(g) => {
                        let g = &t.groups[g as usize];
                        format!(
                            "group · {}{}",
                            g.display_name,
                            if g.role_assignable {
                                " (role-assignable)"
                            } else {
                                ""
                            }
                        )
                    }
                    Principal::ServicePrincipal(i) => format!(
                        "service principal · {}",
                        t.service_principals[i as usize].display_name
                    ),
                };
                (p, label)
            })
            .collect();
        let mut hits = fuzzy(
            labels.iter().enumerate().map(|(i, (_, l))| (i, l.as_str())),
            filter,
        );
        hits.truncate(SEARCH_LIMIT);
        hits.into_iter()
            .map(|(i, idx)| (labels[i].0, labels[i].1.clone(), idx))
            .collect()
    }

    /// The roles view's location, when the engine lets the signed-in person change its roles;
    /// otherwise the engine's reason goes to the status line.
    fn roles_change_allowed(&mut self, t: &Tenant) -> Option<u32> {
        let (Some(actor), Some(au)) = (self.actor, self.roles.au) else {
            return None;
        };
        let d = permissions::decide(
            t,
            Principal::User(actor),
            Action::ManageAuRoles,
            Target::Au(au),
        );
        if !d.allowed {
            self.info(StatusKind::Error, d.reason);
            return None;
        }
        Some(au)
    }

    fn open_assign(&mut self, t: &Tenant) {
        let Some(au) = self.roles_change_allowed(t) else {
            return;
        };
        self.dialogs.push(Dialog::PickRole {
            au,
            filter: String::new(),
            shown: Self::refilter_roles(""),
            list: ListSel::default(),
        });
    }

    fn open_unassign(&mut self, t: &Tenant) {
        let Some(au) = self.roles_change_allowed(t) else {
            return;
        };
        let rows = au_assignments(t, au);
        if let Some(&a) = rows.get(self.roles.list.sel) {
            self.dialogs.push(Dialog::Confirm {
                kind: ConfirmKind::Unassign { assignment: a },
                ok_focused: false,
            });
        }
    }

    /// Settings view, Enter: `All`/`None` ask for confirmation; `Selected` (or a selected
    /// principal) opens the picker to add a user or group.
    fn choose_access(&mut self, t: &Tenant) {
        let Some(actor) = self.actor else {
            return;
        };
        let d = manage_settings(t, actor);
        if !d.allowed {
            self.info(StatusKind::Error, d.reason);
            return;
        }
        let current = t.settings.my_staff.access;
        match settings_rows(t).get(self.settings.list.sel) {
            Some(&SettingsRow::Access(access)) if access != MyStaffAccess::Selected => {
                if access == current {
                    self.info(
                        StatusKind::Info,
                        format!(
                            "Administrators can access My Staff is already: {}.",
                            access_summary(t, access, &[])
                        ),
                    );
                    return;
                }
                self.open_access_confirm(t, access, Vec::new());
            }
            Some(_) => {
                self.status = None;
                let purpose = PickFor::MyStaff;
                self.dialogs.push(Dialog::PickPrincipal {
                    purpose,
                    filter: String::new(),
                    shown: State::principal_candidates(t, purpose, ""),
                    list: ListSel::default(),
                });
            }
            None => {}
        }
    }

    /// Settings view, `d`: take the highlighted user or group out of the selection.
    fn remove_selected(&mut self, t: &Tenant) {
        let Some(actor) = self.actor else {
            return;
        };
        let d = manage_settings(t, actor);
        if !d.allowed {
            self.info(StatusKind::Error, d.reason);
            return;
        }
        let Some(&SettingsRow::Selected(p)) = settings_rows(t).get(self.settings.list.sel) else {
            return;
        };
        let selected: Vec<Principal> = t
            .settings
            .my_staff
            .selected
            .iter()
            .copied()
            .filter(|&x| x != p)
            .collect();
        if selected.is_empty() {
            self.info(
                StatusKind::Error,
                format!(
                    "{} is the only one selected: choose All or None instead.",
                    t.principal_name(p)
                ),
            );
            return;
        }
        self.open_access_confirm(t, MyStaffAccess::Selected, selected);
    }

    fn open_access_confirm(&mut self, t: &Tenant, access: MyStaffAccess, selected: Vec<Principal>) {
        let Some(actor) = self.actor else {
            return;
        };
        let d = manage_settings(t, actor);
        if !d.allowed {
            self.dialogs.clear();
            self.info(StatusKind::Error, d.reason);
            return;
        }
        self.status = None;
        self.dialogs.push(Dialog::Confirm {
            kind: ConfirmKind::MyStaffAccess { access, selected },
            ok_focused: false,
        });
    }

    fn confirm_quit(&mut self) -> Vec<Effect> {
        if matches!(
            self.dialogs.last(),
            Some(Dialog::Confirm {
                kind: ConfirmKind::Quit,
                ..
            })
        ) {
            return self.quit_now();
        }
        self.dialogs.push(Dialog::Confirm {
            kind: ConfirmKind::Quit,
            ok_focused: false,
        });
        Vec::new()
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        // Close every dialog now: a temporary password is wiped as it drops.
        self.dialogs.clear();
        Vec::new()
    }

    fn close_dialog(&mut self) {
        // Dropping wipes any secret the dialog held.
        self.dialogs.pop();
    }
}

/// The state machine. Returns the work for the driver.
pub fn update(s: &mut State, t: &Tenant, ev: Event) -> Vec<Effect> {
    let mut fx = match ev {
        Event::Key(k) => on_key(s, t, k),
        Event::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Event::Mouse { kind, col, row } => on_mouse(s, t, kind, col, row),
        Event::SearchResults { seq, hits } => {
            if seq == s.search.seq {
                s.search.hits = hits;
                s.search.pending = false;
                s.search.list.reset();
            }
            Vec::new()
        }
        Event::ResetDone { target, result } => {
            s.dialogs.retain(|d| {
                !matches!(
                    d,
                    Dialog::SetPassword { .. }
                        | Dialog::Confirm {
                            kind: ConfirmKind::Reset { .. },
                            ..
                        }
                )
            });
            let name = t.user(target).display_name().to_string();
            match result {
                Ok(r) => match r.temporary_password {
                    Some(password) => {
                        s.info(StatusKind::Ok, format!("Password reset for {name}."));
                        s.dialogs.push(Dialog::TempPassword {
                            target,
                            password,
                            force_change: r.force_change_next_sign_in,
                        })
                    }
                    None => s.info(
                        StatusKind::Ok,
                        format!(
                            "Password reset for {name}{}.",
                            if r.force_change_next_sign_in {
                                "; they must change it at next sign-in"
                            } else {
                                ""
                            }
                        ),
                    ),
                },
                Err(e) => s.info(
                    StatusKind::Error,
                    format!("Password reset for {name} failed: {e}"),
                ),
            }
            Vec::new()
        }
        Event::OpDone { op, result } => {
            on_op_done(s, t, op, result);
            Vec::new()
        }
        Event::AuditLoaded(mut rows) => {
            rows.reverse();
            s.audit.rows = rows;
            s.audit.loaded = true;
            refilter_audit(s);
            Vec::new()
        }
        Event::PrefLoaded { key, value } => {
            if let (Some(actor), Some(v)) = (s.actor, value)
                && key == pref_key(t, actor)
                && s.screen == Screen::Main
                && let Ok(au) = t.find_au(&v)
                && let Some(p) = s.main.locations.iter().position(|l| l.au == au)
            {
                s.main.loc.sel = p;
                s.load_members(t);
            }
            Vec::new()
        }
        Event::TenantChanged => {
            s.reload(t);
            Vec::new()
        }
    };
    if s.quit && !fx.contains(&Effect::Quit) {
        if let Some(e) = s.save_location(t) {
            fx.push(e);
        }
        fx.push(Effect::Quit);
    }
    fx
}

fn on_op_done(s: &mut State, t: &Tenant, op: OpKind, result: Result<Vec<String>, String>) {
    match (op, result) {
        (OpKind::Phone, Ok(_)) => {
            let msg = match s.dialogs.last() {
                Some(Dialog::Phone {
                    target,
                    mode,
                    kinds,
                    kind_idx,
                    ..
                }) => format!(
                    "{} number {} for {}.",
                    kinds[*kind_idx].label(),
                    if *mode == PhoneMode::Add {
                        "added"
                    } else {
                        "updated"
                    },
                    t.user(*target).display_name()
                ),
                _ => "Phone number saved.".to_string(),
            };
            s.dialogs.retain(|d| !matches!(d, Dialog::Phone { .. }));
            s.info(StatusKind::Ok, msg);
        }
        (OpKind::Phone, Err(e)) => {
            if let Some(Dialog::Phone { error, busy, .. }) = s.dialogs.last_mut() {
                *error = Some(e.clone());
                *busy = false;
            }
            s.info(StatusKind::Error, e);
        }
        (OpKind::RemovePhone, Ok(_)) => {
            s.dialogs.retain(|d| !matches!(d, Dialog::Phone { .. }));
            s.info(StatusKind::Ok, "Phone number removed.");
        }
        (OpKind::Assign, Ok(warnings)) => {
            s.dialogs
                .retain(|d| !matches!(d, Dialog::PickRole { .. } | Dialog::PickPrincipal { .. }));
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
            s.dialogs
                .retain(|d| !matches!(d, Dialog::PickPrincipal { .. }));
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
    s.reload(t);
}

fn refilter_audit(s: &mut State) {
    let f = s.audit.filter.trim().to_string();
    s.audit.shown = (0..s.audit.rows.len())
        .filter(|&i| f.is_empty() || s.audit.rows[i].matches(&f))
        .collect();
    s.audit.list.clamp(s.audit.shown.len());
}

fn edit(field: &mut String, cmd: Option<Cmd>, typed: Option<char>) -> bool {
    match (cmd, typed) {
        (Some(Cmd::Backspace), _) => field.pop().is_some(),
        (Some(Cmd::ClearInput), _) => {
            let had = !field.is_empty();
            field.clear();
            had
        }
        (None, Some(c)) => {
            field.push(c);
            true
        }
        _ => false,
    }
}

fn on_key(s: &mut State, t: &Tenant, key: Key) -> Vec<Effect> {
    let ctx = s.ctx();
    let cmd = keymap::lookup(ctx, key);
    let typed = if ctx.is_text_entry() {
        key.typed_char()
    } else {
        None
    };
    if cmd.is_none() && typed.is_none() {
        return Vec::new();
    }
    if cmd == Some(Cmd::ForceQuit) {
        return s.quit_now();
    }
    match ctx {
        Ctx::Help => {
            match cmd {
                Some(Cmd::Back) => {
                    s.help = false;
                    s.help_scroll = 0;
                }
                Some(Cmd::Up) => s.help_scroll = s.help_scroll.saturating_sub(1),
                Some(Cmd::Down) => s.help_scroll = s.help_scroll.saturating_add(1),
                Some(Cmd::PageUp) => s.help_scroll = s.help_scroll.saturating_sub(10),
                Some(Cmd::PageDown) => s.help_scroll = s.help_scroll.saturating_add(10),
                Some(Cmd::Top) => s.help_scroll = 0,
                _ => {}
            }
            Vec::new()
        }
        Ctx::Confirm | Ctx::Input | Ctx::Choice | Ctx::Password | Ctx::Notice | Ctx::Picker => {
            on_dialog_key(s, t, cmd, typed)
        }
        Ctx::SignIn => {
            match cmd {
                Some(Cmd::Open) => {
                    if let Some((i, _)) = s.signin.shown.get(s.signin.list.sel) {
                        let u = s.signin.accounts[*i].user;
                        return s.sign_in(t, u);
                    }
                }
                Some(Cmd::Quit) => return s.quit_now(),
                Some(c @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown)) => {
                    let page = s.page();
                    s.signin.list.step(c, s.signin.shown.len(), page);
                }
                c => {
                    if edit(&mut s.signin.filter, c, typed) {
                        s.refilter_sign_in(t);
                    }
                }
            }
            Vec::new()
        }
        Ctx::Denied => {
            match cmd {
                Some(Cmd::SignOut) => s.open_sign_in(t),
                Some(Cmd::Quit) => return s.quit_now(),
                Some(Cmd::Help) => s.help = true,
                _ => {}
            }
            Vec::new()
        }
        Ctx::Search => on_search_key(s, t, cmd, typed),
        Ctx::Audit | Ctx::AuditFilter => {
            let page = s.page();
            match (ctx, cmd) {
                (Ctx::AuditFilter, Some(Cmd::Open)) => s.audit.filtering = false,
                (Ctx::AuditFilter, Some(Cmd::Back)) => {
                    s.audit.filtering = false;
                    s.audit.filter.clear();
                    refilter_audit(s);
                }
                (
                    _,
                    Some(
                        c @ (Cmd::Up
                        | Cmd::Down
                        | Cmd::PageUp
                        | Cmd::PageDown
                        | Cmd::Top
                        | Cmd::Bottom),
                    ),
                ) => {
                    s.audit.list.step(c, s.audit.shown.len(), page);
                }
                (Ctx::Audit, Some(Cmd::FilterAudit)) => s.audit.filtering = true,
                (Ctx::Audit, Some(Cmd::Back)) => s.view = View::Panes,
                (Ctx::Audit, Some(Cmd::Help)) => s.help = true,
                (Ctx::Audit, Some(Cmd::Quit)) => return s.quit_now(),
                (Ctx::AuditFilter, c) if edit(&mut s.audit.filter, c, typed) => {
                    s.audit.list.reset();
                    refilter_audit(s);
                }
                _ => {}
            }
            Vec::new()
        }
        Ctx::Roles => {
            let page = s.page();
            let n = s.roles.au.map_or(0, |au| au_assignments(t, au).len());
            match cmd {
                Some(
                    c
                    @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom),
                ) => {
                    s.roles.list.step(c, n, page);
                }
                Some(Cmd::Back) => s.view = View::Panes,
                Some(Cmd::AddAssignment) => s.open_assign(t),
                Some(Cmd::RemoveAssignment) => s.open_unassign(t),
                Some(Cmd::Help) => s.help = true,
                Some(Cmd::Quit) => return s.quit_now(),
                _ => {}
            }
            Vec::new()
        }
        Ctx::Settings => {
            let page = s.page();
            let n = settings_rows(t).len();
            match cmd {
                Some(
                    c
                    @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom),
                ) => {
                    s.settings.list.step(c, n, page);
                }
                Some(Cmd::Back) => s.view = View::Panes,
                Some(Cmd::Open) => s.choose_access(t),
                Some(Cmd::RemoveSelected) => s.remove_selected(t),
                Some(Cmd::Help) => s.help = true,
                Some(Cmd::Quit) => return s.quit_now(),
                _ => {}
            }
            Vec::new()
        }
        Ctx::Locations | Ctx::Members | Ctx::MemberFilter | Ctx::Profile => {
            on_pane_key(s, t, ctx, cmd, typed)
        }
        Ctx::Global => Vec::new(),
    }
}

fn on_pane_key(
    s: &mut State,
    t: &Tenant,
    ctx: Ctx,
    cmd: Option<Cmd>,
    typed: Option<char>,
) -> Vec<Effect> {
    let page = s.page();
    let mut fx = Vec::new();
    if ctx == Ctx::MemberFilter {
        match cmd {
            Some(Cmd::Open) => s.main.filtering = false,
            Some(Cmd::Back) => {
                s.main.filtering = false;
                s.main.filter.clear();
                s.refilter_members(t);
            }
            Some(c @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown)) => {
                if s.main.mem.step(c, s.main.shown.len(), page) {
                    s.main.profile_scroll = 0;
                }
            }
            c => {
                if edit(&mut s.main.filter, c, typed) {
                    s.refilter_members(t);
                }
            }
        }
        return fx;
    }
    let Some(cmd) = cmd else {
        return fx;
    };
    match cmd {
        Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
            match s.main.pane {
                Pane::Locations => {
                    if s.main.loc.step(cmd, s.main.locations.len(), page) {
                        s.main.filter.clear();
                        s.main.pinned = None;
                        s.load_members(t);
                    }
                }
                Pane::Members => {
                    if s.main.mem.step(cmd, s.main.shown.len(), page) {
                        s.main.profile_scroll = 0;
                        s.main.pinned = None;
                    }
                }
                Pane::Profile => {
                    s.main.profile_scroll = match cmd {
                        Cmd::Up => s.main.profile_scroll.saturating_sub(1),
                        Cmd::Down => s.main.profile_scroll.saturating_add(1).min(200),
                        Cmd::PageUp => s.main.profile_scroll.saturating_sub(10),
                        Cmd::PageDown => s.main.profile_scroll.saturating_add(10).min(200),
                        Cmd::Top => 0,
                        _ => s.main.profile_scroll,
                    }
                }
            }
        }
        Cmd::NextPane | Cmd::Open => {
            s.main.pane = match s.main.pane {
                Pane::Locations => {
                    fx.extend(s.save_location(t));
                    Pane::Members
                }
                Pane::Members | Pane::Profile if s.profile_user().is_some() => Pane::Profile,
                p => p,
            }
        }
        Cmd::PrevPane | Cmd::Back => {
            s.main.pane = match s.main.pane {
                Pane::Profile if s.main.pinned.is_some() => {
                    s.main.pinned = None;
                    Pane::Members
                }
                Pane::Profile => Pane::Members,
                _ => Pane::Locations,
            }
        }
        Cmd::GlobalSearch => {
            s.view = View::Search;
        }
        Cmd::FilterMembers if s.location().is_some() => {
            s.main.pane = Pane::Members;
            s.main.pinned = None;
            s.main.filtering = true;
        }
        Cmd::ScopedRoles => s.open_roles(t),
        Cmd::Settings => {
            s.settings.list.reset();
            s.view = View::Settings;
        }
        Cmd::ResetPassword => s.open_reset(t),
        Cmd::AddPhone => s.open_phone(t, PhoneMode::Add),
        Cmd::EditPhone => s.open_phone(t, PhoneMode::Edit),
        Cmd::RemovePhone => s.open_phone(t, PhoneMode::Remove),
        Cmd::UserAudit => {
            if let Some(u) = s.profile_user() {
                s.audit.filter = t.user(u).upn().to_string();
                s.audit.filtering = false;
                s.audit.list.reset();
                s.view = View::Audit;
                fx.push(Effect::LoadAudit);
            }
        }
        Cmd::Audit => {
            s.audit.filter.clear();
            s.audit.filtering = false;
            s.audit.list.reset();
            s.view = View::Audit;
            fx.push(Effect::LoadAudit);
        }
        Cmd::SignOut => {
            fx.extend(s.save_location(t));
            s.signin.filter.clear();
            s.open_sign_in(t);
        }
        Cmd::Help => s.help = true,
        Cmd::Quit => {
            s.quit_now();
        }
        _ => {}
    }
    fx
}

fn on_search_key(s: &mut State, t: &Tenant, cmd: Option<Cmd>, typed: Option<char>) -> Vec<Effect> {
    let page = s.page();
    match cmd {
        Some(Cmd::Back) => {
            s.view = View::Panes;
            Vec::new()
        }
        Some(Cmd::Open) => match s.search.hits.get(s.search.list.sel) {
            Some(h) => {
                let kind = h.kind;
                s.jump_to(t, kind)
            }
            None => Vec::new(),
        },
        Some(c @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown)) => {
            s.search.list.step(c, s.search.hits.len(), page);
            Vec::new()
        }
        c => {
            if !edit(&mut s.search.query, c, typed) {
                return Vec::new();
            }
            s.search.seq += 1;
            s.search.list.reset();
            if s.search.query.trim().is_empty() {
                s.search.hits.clear();
                s.search.pending = false;
                return Vec::new();
            }
            s.search.pending = true;
            vec![Effect::Search {
                seq: s.search.seq,
                query: s.search.query.clone(),
            }]
        }
    }
}

fn on_dialog_key(s: &mut State, t: &Tenant, cmd: Option<Cmd>, typed: Option<char>) -> Vec<Effect> {
    let Some(actor) = s.actor else {
        s.dialogs.clear();
        return Vec::new();
    };
    if cmd == Some(Cmd::Quit) {
        return s.confirm_quit();
    }
    let page = s.page();
    let Some(top) = s.dialogs.last_mut() else {
        return Vec::new();
    };
    match top {
        Dialog::Confirm { kind, ok_focused } => match cmd {
            Some(Cmd::NextField | Cmd::PrevField) => *ok_focused = !*ok_focused,
            Some(Cmd::Back) => s.close_dialog(),
            Some(Cmd::Submit) if !*ok_focused => s.close_dialog(),
            Some(Cmd::Submit) => {
                let kind = kind.clone();
                s.close_dialog();
                return confirmed(s, t, actor, kind);
            }
            _ => {}
        },
        Dialog::TempPassword { .. } => {
            if cmd == Some(Cmd::Back) {
                s.close_dialog();
            }
        }
        Dialog::SetPassword { target, input } => match (cmd, typed) {
            (Some(Cmd::Back), _) => s.close_dialog(),
            (Some(Cmd::Backspace), _) => input.pop(),
            (Some(Cmd::ClearInput), _) => input.wipe(),
            (None, Some(c)) => {
                input.push(c);
                s.status = None;
            }
            (Some(Cmd::Submit), _) => {
                let target = *target;
                let user = t.user(target);
                let checks = password::check_on_prem(
                    input.as_str(),
                    &t.settings.password_policy.on_premises,
                    user.sam_account_name(),
                    user.display_name(),
                );
                let failing = password::failures(&checks);
                if input.is_empty() || !failing.is_empty() {
                    let text = if input.is_empty() {
                        "Type the new password first.".to_string()
                    } else {
                        format!(
                            "The password does not meet the policy yet: {}.",
                            failing.join("; ")
                        )
                    };
                    s.info(StatusKind::Error, text);
                    return Vec::new();
                }
                let d = permissions::decide(
                    t,
                    Principal::User(actor),
                    Action::ResetPassword,
                    Target::User(target),
                );
                if !d.allowed {
                    s.close_dialog();
                    s.info(StatusKind::Error, d.reason);
                    return Vec::new();
                }
                let password = input.take();
                s.close_dialog();
                return vec![Effect::ResetPassword {
                    actor,
                    target,
                    password: Some(password),
                }];
            }
            _ => {}
        },
        Dialog::Phone {
            target,
            mode,
            kinds,
            kind_idx,
            input,
            error,
            busy,
        } => match cmd {
            Some(Cmd::Back) => s.close_dialog(),
            Some(c @ (Cmd::NextField | Cmd::PrevField)) => {
                let n = kinds.len().max(1);
                *kind_idx = if c == Cmd::NextField {
                    (*kind_idx + 1) % n
                } else {
                    (*kind_idx + n - 1) % n
                };
                if *mode == PhoneMode::Edit
                    && let Some(p) = t.user(*target).phone(kinds[*kind_idx])
                {
                    *input = p.phone_number.clone();
                }
                *error = None;
            }
            Some(Cmd::Submit) => {
                if *busy {
                    return Vec::new();
                }
                let (target, kind) = (*target, kinds[*kind_idx]);
                if *mode == PhoneMode::Remove {
                    s.dialogs.push(Dialog::Confirm {
                        kind: ConfirmKind::RemovePhone { target, kind },
                        ok_focused: false,
                    });
                    return Vec::new();
                }
                match phone::validate_number(input) {
                    Err(e) => *error = Some(e),
                    Ok(number) => {
                        let d = permissions::decide(
                            t,
                            Principal::User(actor),
                            Action::ManagePhone,
                            Target::User(target),
                        );
                        if !d.allowed {
                            *error = Some(d.reason);
                            return Vec::new();
                        }
                        *busy = true;
                        return vec![Effect::SetPhone {
                            actor,
                            target,
                            kind,
                            number,
                        }];
                    }
                }
            }
            c if *mode != PhoneMode::Remove && edit(input, c, typed) => *error = None,
            _ => {}
        },
        Dialog::PickRole {
            au,
            filter,
            shown,
            list,
        } => match cmd {
            Some(Cmd::Back) => s.close_dialog(),
            Some(c @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown)) => {
                list.step(c, shown.len(), page);
            }
            Some(Cmd::Open) => {
                if let Some((role, _)) = shown.get(list.sel) {
                    let (au, role) = (*au, *role);
                    let purpose = PickFor::AuRole { au, role };
                    s.dialogs.push(Dialog::PickPrincipal {
                        purpose,
                        filter: String::new(),
                        shown: State::principal_candidates(t, purpose, ""),
                        list: ListSel::default(),
                    });
                }
            }
            c => {
                if edit(filter, c, typed) {
                    *shown = State::refilter_roles(filter);
                    list.reset();
                }
            }
        },
        Dialog::PickPrincipal {
            purpose,
            filter,
            shown,
            list,
        } => match cmd {
            Some(Cmd::Back) => s.close_dialog(),
            Some(c @ (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown)) => {
                list.step(c, shown.len(), page);
            }
            Some(Cmd::Open) => {
                if let Some((p, _, _)) = shown.get(list.sel) {
                    let principal = *p;
                    let (au, role) = match *purpose {
                        PickFor::AuRole { au, role } => (au, role),
                        PickFor::MyStaff => {
                            let current = &t.settings.my_staff;
                            let mut selected = match current.access {
                                MyStaffAccess::Selected => current.selected.clone(),
                                _ => Vec::new(),
                            };
                            if !selected.contains(&principal) {
                                selected.push(principal);
                            }
                            s.open_access_confirm(t, MyStaffAccess::Selected, selected);
                            return Vec::new();
                        }
                    };
                    let d = permissions::decide(
                        t,
                        Principal::User(actor),
                        Action::ManageAuRoles,
                        Target::Au(au),
                    );
                    if !d.allowed {
                        s.dialogs.clear();
                        s.info(StatusKind::Error, d.reason);
                        return Vec::new();
                    }
                    return vec![Effect::AssignScopedRole {
                        actor,
                        au,
                        role,
                        principal,
                    }];
                }
            }
            c => {
                if edit(filter, c, typed) {
                    *shown = State::principal_candidates(t, *purpose, filter);
                    list.reset();
                }
            }
        },
    }
    Vec::new()
}

/// The user chose OK in a confirmation.
fn confirmed(s: &mut State, t: &Tenant, actor: u32, kind: ConfirmKind) -> Vec<Effect> {
    let who = Principal::User(actor);
    match kind {
        ConfirmKind::Quit => s.quit_now(),
        ConfirmKind::Reset { target } => {
            let d = permissions::decide(t, who, Action::ResetPassword, Target::User(target));
            if !d.allowed {
                s.info(StatusKind::Error, d.reason);
                return Vec::new();
            }
            if t.user(target).synced {
                s.dialogs.push(Dialog::SetPassword {
                    target,
                    input: Secret::default(),
                });
                Vec::new()
            } else {
                vec![Effect::ResetPassword {
                    actor,
                    target,
                    password: None,
                }]
            }
        }
        ConfirmKind::RemovePhone { target, kind } => {
            let d = permissions::decide(t, who, Action::ManagePhone, Target::User(target));
            if !d.allowed {
                s.info(StatusKind::Error, d.reason);
                return Vec::new();
            }
            vec![Effect::RemovePhone {
                actor,
                target,
                kind,
            }]
        }
        ConfirmKind::Unassign { assignment } => {
            let d = permissions::decide(t, who, Action::ManageAuRoles, Target::None);
            if !d.allowed {
                s.info(StatusKind::Error, d.reason);
                return Vec::new();
            }
            vec![Effect::Unassign { actor, assignment }]
        }
        ConfirmKind::MyStaffAccess { access, selected } => {
            let d = manage_settings(t, actor);
            if !d.allowed {
                s.info(StatusKind::Error, d.reason);
                return Vec::new();
            }
            vec![Effect::SetMyStaffAccess {
                actor,
                access,
                selected,
            }]
        }
    }
}

fn on_mouse(s: &mut State, t: &Tenant, kind: MouseKind, col: u16, row: u16) -> Vec<Effect> {
    if s.screen != Screen::Main || s.view != View::Panes || !s.dialogs.is_empty() || s.help {
        // Wheel still scrolls the list of the current view.
        let cmd = match kind {
            MouseKind::ScrollUp => Cmd::Up,
            MouseKind::ScrollDown => Cmd::Down,
            MouseKind::Click => return Vec::new(),
        };
        let ctx = s.ctx();
        if matches!(
            ctx,
            Ctx::SignIn | Ctx::Search | Ctx::Audit | Ctx::Roles | Ctx::Settings | Ctx::Help
        ) {
            return on_key(s, t, keymap::key_for(ctx, cmd));
        }
        return Vec::new();
    }
    let a = s.areas.get();
    let inside = |r: Rect| col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height;
    let pane = if inside(a.locations) {
        Pane::Locations
    } else if inside(a.members) {
        Pane::Members
    } else if inside(a.profile) {
        Pane::Profile
    } else {
        return Vec::new();
    };
    match kind {
        MouseKind::ScrollUp | MouseKind::ScrollDown => {
            let old = s.main.pane;
            let was_filtering = s.main.filtering;
            s.main.pane = pane;
            s.main.filtering = false;
            let cmd = if kind == MouseKind::ScrollUp {
                Cmd::Up
            } else {
                Cmd::Down
            };
            let fx = on_pane_key(s, t, s.ctx(), Some(cmd), None);
            s.main.pane = old;
            s.main.filtering = was_filtering;
            fx
        }
        MouseKind::Click => {
            s.main.pane = pane;
            s.main.filtering = false;
            let r = match pane {
                Pane::Locations => a.locations,
                Pane::Members => a.members,
                Pane::Profile => return Vec::new(),
            };
            // Row 0 is the border; rows start one below.
            let line = row.saturating_sub(r.y + 1) as usize;
            match pane {
                Pane::Locations => {
                    let i = s.main.loc.offset.get() + line;
                    if i < s.main.locations.len() && i != s.main.loc.sel {
                        s.main.loc.sel = i;
                        s.main.filter.clear();
                        s.main.pinned = None;
                        s.load_members(t);
                    }
                }
                _ => {
                    // The members pane has a filter line first when filtering.
                    let i = s.main.mem.offset.get() + line;
                    if i < s.main.shown.len() {
                        s.main.mem.sel = i;
                        s.main.pinned = None;
                        s.main.profile_scroll = 0;
                    }
                }
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_wiped_and_never_printed() {
        let mut s = Secret::default();
        for c in "Hunter2!".chars() {
            s.push(c);
        }
        assert_eq!(s.as_str(), "Hunter2!");
        assert_eq!(format!("{s:?}"), "Secret(<8 chars>)");
        s.pop();
        assert_eq!(s.as_str(), "Hunter2");
        let mut moved = s.take();
        assert!(s.is_empty());
        moved.wipe();
        assert!(moved.is_empty());
    }

    #[test]
    fn scroll_offset_keeps_the_selection_visible() {
        assert_eq!(scroll_offset(0, 0, 5, 100), 0);
        assert_eq!(scroll_offset(0, 4, 5, 100), 0);
        assert_eq!(scroll_offset(0, 5, 5, 100), 1);
        assert_eq!(scroll_offset(10, 3, 5, 100), 3);
        assert_eq!(scroll_offset(90, 99, 5, 100), 95);
        assert_eq!(scroll_offset(50, 2, 5, 3), 0);
        assert_eq!(scroll_offset(3, 3, 0, 10), 0);
    }
}
