//! The main screen's three panes: locations, their members, and the selected member's profile
//! (drawn by [`super::profile`]). Also where a search result lands, and the mouse.

use crate::model::{AuId, UserId};
use crate::model::{Principal, Tenant};
use crate::natural::natural_key;
use crate::permissions::{self, Action, Target};
use crate::roles::Role;
use crate::tui::keymap::{Cmd, Ctx};
use crate::tui::layout::{self, Areas};
use crate::tui::text::{self, Cut};
use crate::tui::view::{Body, Col, Frame, ListScreen, ListView, PanesView, Row, Tone, VLine};

use super::fuzzy::fuzzy;
use super::list::{ListSel, is_move};
use super::{Effect, HitKind, MouseKind, Pane, Screen, State, StatusKind, TextField, View};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub au: AuId,
    /// The person's roles there; empty for a location visited from search (read-only).
    pub roles: Vec<Role>,
}

#[derive(Debug)]
pub struct Main {
    pub pane: Pane,
    pub locations: Vec<Location>,
    pub loc: ListSel,
    /// User members of the selected location, sorted by name.
    pub members: Vec<UserId>,
    pub filter: TextField,
    pub filtering: bool,
    /// Members passing the filter, with matched char positions of their display name.
    pub shown: Vec<(UserId, Vec<usize>)>,
    pub mem: ListSel,
    pub profile_scroll: usize,
    /// A profile opened from search for a user outside every listed location.
    pub pinned: Option<UserId>,
}

impl Default for Main {
    fn default() -> Main {
        Main {
            pane: Pane::Locations,
            locations: Vec::new(),
            loc: ListSel::default(),
            members: Vec::new(),
            filter: TextField::default(),
            filtering: false,
            shown: Vec::new(),
            mem: ListSel::default(),
            profile_scroll: 0,
            pinned: None,
        }
    }
}

/// The locations the actor manages (the engine's list), in natural order of their names.
pub(super) fn my_locations(t: &Tenant, actor: UserId) -> Vec<Location> {
    let mut v: Vec<Location> = permissions::locations(t, Principal::User(actor))
        .into_iter()
        .map(|(au, roles)| Location { au, roles })
        .collect();
    v.sort_by_cached_key(|l| (natural_key(&t.au(l.au).display_name), l.au));
    v
}

/// The names of a user's locations, in natural order.
pub fn user_locations(t: &Tenant, u: UserId) -> Vec<&str> {
    let mut aus: Vec<&str> = t
        .user_aus(u)
        .iter()
        .map(|&a| t.au(a).display_name.as_str())
        .collect();
    aus.sort_by_cached_key(|a| natural_key(a));
    aus
}

/// How many user members an AU has (what `au_users(t, au).len()` says, without sorting them:
/// the view asks for every visible location on every frame).
pub fn au_user_count(t: &Tenant, au: AuId) -> usize {
    t.au(au)
        .members
        .iter()
        .filter(|m| matches!(**m, Principal::User(u) if !t.user(u).deleted))
        .count()
}

/// User members of an AU sorted by display name (groups are not expanded).
pub fn au_users(t: &Tenant, au: AuId) -> Vec<UserId> {
    let mut v: Vec<UserId> = t
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

/// Marks a member you may not change (the selected row shows why, in the profile).
pub const READ_ONLY_MARK: &str = "⊘ ";

/// "Helpdesk", "Authentication, Helpdesk", "read-only": the person's roles in a location.
fn location_roles(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "read-only".to_string();
    }
    roles
        .iter()
        .map(|r| r.name().strip_suffix(" Administrator").unwrap_or(r.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl State {
    pub(super) fn load_members(&mut self, t: &Tenant) {
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
            self.main.filter.as_str(),
            |u| vec![t.user(u).display_name()],
        );
        self.main.mem.sel = keep
            .and_then(|k| self.main.shown.iter().position(|(u, _)| *u == k))
            .unwrap_or(0);
        if self.main.filtering {
            self.main.mem.reset();
        }
        self.main.mem.clamp(self.main.shown.len());
    }

    fn select_location(&mut self, t: &Tenant, au: AuId) {
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

    pub(super) fn jump_to(&mut self, t: &Tenant, hit: HitKind) -> Vec<Effect> {
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
                let mut sorted: Vec<AuId> = aus.to_vec();
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
                self.read_only_note(t, u);
            }
        }
        save_location(self, t).into_iter().collect()
    }

    /// When the actor can change nothing about `u`, says why (a message of this selection).
    fn read_only_note(&mut self, t: &Tenant, u: UserId) {
        if let Some(actor) = self.actor
            && !super::profile_actions(t, actor, u)
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

pub(super) fn save_location(s: &State, t: &Tenant) -> Option<Effect> {
    let actor = s.actor?;
    if s.screen != Screen::Main {
        return None;
    }
    let l = s.location()?;
    if l.roles.is_empty() {
        return None;
    }
    Some(Effect::SavePref {
        key: super::pref_key(t, actor),
        value: t.au(l.au).id.clone(),
    })
}

pub(super) fn pref_loaded(s: &mut State, t: &Tenant, key: String, value: Option<String>) {
    if let (Some(actor), Some(v)) = (s.actor, value)
        && key == super::pref_key(t, actor)
        && s.screen == Screen::Main
        && let Ok(au) = t.find_au(&v)
        && let Some(p) = s.main.locations.iter().position(|l| l.au == au)
    {
        s.main.loc.sel = p;
        s.load_members(t);
    }
}

/// After the tenant changed: recompute lists, keeping selections by identity.
pub(super) fn reload(s: &mut State, t: &Tenant) {
    let Some(actor) = s.actor else {
        return;
    };
    if s.screen != Screen::Main {
        return;
    }
    // A changed setting can shut the person out: the engine decides, at once.
    let d = permissions::decide(t, Principal::User(actor), Action::OpenMyStaff, Target::None);
    if !d.allowed {
        s.deny(t, &d);
        // A temporary password on screen is still the manager's to read.
        s.dialogs
            .retain(|d| matches!(d, super::Dialog::TempPassword(_)));
        return;
    }
    let n = super::settings_rows(t).len();
    s.settings.list.clamp(n);
    let keep_au = s.location().map(|l| l.au);
    let keep_user = s.main.shown.get(s.main.mem.sel).map(|(u, _)| *u);
    let visiting: Vec<Location> = s
        .main
        .locations
        .iter()
        .filter(|l| l.roles.is_empty() && !t.au(l.au).deleted)
        .cloned()
        .collect();
    let mut locs = my_locations(t, actor);
    for v in visiting {
        if !locs.iter().any(|l| l.au == v.au) {
            locs.push(v);
        }
    }
    s.main.locations = locs;
    s.main.loc.sel = keep_au
        .and_then(|a| s.main.locations.iter().position(|l| l.au == a))
        .unwrap_or(0);
    s.main.loc.clamp(s.main.locations.len());
    s.main.members = match s.location() {
        Some(l) => au_users(t, l.au),
        None => Vec::new(),
    };
    s.refilter_members(t);
    if let Some(u) = keep_user
        && let Some(p) = s.main.shown.iter().position(|(x, _)| *x == u)
    {
        s.main.mem.sel = p;
    }
    if let Some(au) = s.roles.au {
        let n = super::au_assignments(t, au).len();
        s.roles.list.clamp(n);
    }
}

pub(super) fn on_key(
    s: &mut State,
    t: &Tenant,
    ctx: Ctx,
    cmd: Option<Cmd>,
    typed: Option<char>,
    page: usize,
) -> Vec<Effect> {
    let mut fx = Vec::new();
    if ctx == Ctx::MemberFilter {
        match cmd {
            Some(Cmd::Open) => s.main.filtering = false,
            Some(Cmd::Back) => {
                s.main.filtering = false;
                s.main.filter.clear();
                s.refilter_members(t);
            }
            Some(c) if is_move(c) => {
                if s.main.mem.step(c, s.main.shown.len(), page) {
                    s.main.profile_scroll = 0;
                }
            }
            c => {
                if s.main.filter.edit(c, typed) {
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
        c if is_move(c) => match s.main.pane {
            Pane::Locations => {
                if s.main.loc.step(c, s.main.locations.len(), page) {
                    s.main.filter.clear();
                    s.main.pinned = None;
                    s.load_members(t);
                }
            }
            Pane::Members => {
                if s.main.mem.step(c, s.main.shown.len(), page) {
                    s.main.profile_scroll = 0;
                    s.main.pinned = None;
                    if let Some(u) = s.profile_user() {
                        s.read_only_note(t, u);
                    }
                }
            }
            Pane::Profile => {
                let max = super::profile::max_scroll(s, t);
                s.main.profile_scroll = super::list::scrolled(s.main.profile_scroll, c, page, max);
            }
        },
        Cmd::NextPane | Cmd::Open => {
            s.main.pane = match s.main.pane {
                Pane::Locations => {
                    fx.extend(save_location(s, t));
                    Pane::Members
                }
                Pane::Members | Pane::Profile if s.profile_user().is_some() => Pane::Profile,
                p => p,
            }
        }
        // Esc in the members clears a kept filter before it leaves the pane.
        Cmd::Back if s.main.pane == Pane::Members && !s.main.filter.is_empty() => {
            s.main.filter.clear();
            s.refilter_members(t);
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
        Cmd::GlobalSearch => s.view = View::Search,
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
        Cmd::AddPhone => s.open_phone(t, super::PhoneMode::Add),
        Cmd::EditPhone => s.open_phone(t, super::PhoneMode::Edit),
        Cmd::RemovePhone => s.open_phone(t, super::PhoneMode::Remove),
        Cmd::UserAudit => {
            if let Some(u) = s.profile_user() {
                fx.push(s.open_audit(Some(t.user(u).upn())));
            }
        }
        Cmd::Audit => fx.push(s.open_audit(None)),
        Cmd::Activate => s.open_activate(t),
        Cmd::Report => fx.extend(s.open_report()),
        Cmd::SignOut => {
            fx.extend(save_location(s, t));
            s.open_sign_in(t);
        }
        Cmd::Help => s.help = Some(Default::default()),
        Cmd::Quit => {
            s.quit_now();
        }
        _ => {}
    }
    fx
}

pub(super) fn on_mouse(
    s: &mut State,
    t: &Tenant,
    kind: MouseKind,
    col: u16,
    row: u16,
) -> Vec<Effect> {
    if layout::areas(s.size, crate::tui::layout::Mode::Text).too_small {
        return Vec::new();
    }
    let wheel = match kind {
        MouseKind::ScrollUp => Some(Cmd::Up),
        MouseKind::ScrollDown => Some(Cmd::Down),
        MouseKind::Click => None,
    };
    if s.screen != Screen::Main
        || s.view != View::Panes
        || !s.dialogs.is_empty()
        || s.help.is_some()
    {
        // The wheel still scrolls the list of the current view.
        let ctx = s.ctx();
        if let Some(cmd) = wheel
            && matches!(
                ctx,
                Ctx::SignIn
                    | Ctx::Search
                    | Ctx::Audit
                    | Ctx::Roles
                    | Ctx::Settings
                    | Ctx::Report
                    | Ctx::Help
            )
            && let Some(key) = s.keys.key_for(ctx, cmd)
        {
            return super::update(s, t, super::Event::Key(key));
        }
        return Vec::new();
    }
    let a = s.areas(t, s.size).panes;
    let pane = if layout::contains(a.locations, col, row) {
        Pane::Locations
    } else if layout::contains(a.members, col, row) {
        Pane::Members
    } else if layout::contains(a.profile, col, row) {
        Pane::Profile
    } else {
        return Vec::new();
    };
    if let Some(cmd) = wheel {
        let old = s.main.pane;
        let was_filtering = s.main.filtering;
        s.main.pane = pane;
        s.main.filtering = false;
        let page = s.page(t);
        let fx = on_key(s, t, s.ctx(), Some(cmd), None, page);
        s.main.pane = old;
        s.main.filtering = was_filtering;
        return fx;
    }
    s.main.pane = pane;
    s.main.filtering = false;
    match pane {
        Pane::Locations if layout::contains(a.location_rows, col, row) => {
            let i = s.main.loc.offset + (row - a.location_rows.y) as usize;
            if i < s.main.locations.len() && i != s.main.loc.sel {
                s.main.loc.sel = i;
                s.main.filter.clear();
                s.main.pinned = None;
                s.load_members(t);
            }
        }
        Pane::Members if layout::contains(a.member_rows, col, row) => {
            let i = s.main.mem.offset + (row - a.member_rows.y) as usize;
            if i < s.main.shown.len() {
                s.main.mem.sel = i;
                s.main.pinned = None;
                s.main.profile_scroll = 0;
            }
        }
        _ => {}
    }
    Vec::new()
}

/// "Locations (12)", or "(1 + 1 visited)" once search opened one you do not manage; just
/// "Locations" when the count does not fit (the list's position note has it then).
fn locations_title(s: &State, width: usize) -> String {
    let managed = s
        .main
        .locations
        .iter()
        .filter(|l| !l.roles.is_empty())
        .count();
    let visited = s.main.locations.len() - managed;
    let full = if visited > 0 {
        format!("Locations ({managed} + {visited} visited)")
    } else {
        format!("Locations ({managed})")
    };
    if text::width(&full) < width.saturating_sub(2) {
        full
    } else {
        "Locations".to_string()
    }
}

/// A pane title that fits: `name · roles · count`, the roles cut first.
fn pane_title(name: &str, roles: &str, count: usize, width: usize) -> String {
    let count = count.to_string();
    let full = format!("{name} · {roles} · {count}");
    if text::width(&full) <= width {
        return full;
    }
    let fixed = text::width(name) + text::width(&count) + 6;
    if fixed + 2 <= width {
        return format!(
            "{name} · {} · {count}",
            text::truncate(roles, width - fixed, Cut::End)
        );
    }
    let name_w = width.saturating_sub(text::width(&count) + 3);
    format!("{} · {count}", text::truncate(name, name_w, Cut::Middle))
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> Body {
    let p = &a.panes;
    let pane = s.main.pane;

    let h = p.location_rows.height as usize;
    let window = s.main.loc.window(h, s.main.locations.len());
    let rows: Vec<Row> = window
        .clone()
        .map(|i| {
            let l = &s.main.locations[i];
            Row::new(vec![
                Col::text(&t.au(l.au).display_name, Tone::Text)
                    .middle()
                    .shrink(1)
                    .min(6),
                Col::text(au_user_count(t, l.au).to_string(), Tone::Dim)
                    .right()
                    .shrink(2)
                    .min(0),
                Col::text(location_roles(&l.roles), Tone::Dim)
                    .shrink(3)
                    .min(0),
            ])
        })
        .collect();
    let locations = ListScreen {
        frame: Frame {
            title: locations_title(s, p.locations.width as usize),
            focused: pane == Pane::Locations,
            footer: None,
        },
        head: Vec::new(),
        list: ListView {
            rows,
            offset: window.start,
            sel: s.main.loc.sel,
            len: s.main.locations.len(),
            focused: pane == Pane::Locations,
            empty: Some(
                s.actor
                    .and_then(|a| permissions::no_locations_reason(t, Principal::User(a)))
                    .unwrap_or_else(|| "You manage no location.".to_string()),
            ),
        },
    };

    let title_w = (p.members.width as usize).saturating_sub(4);
    let title = match s.location() {
        Some(l) => pane_title(
            &t.au(l.au).display_name,
            &location_roles(&l.roles),
            s.main.shown.len(),
            title_w,
        ),
        None => "Members".to_string(),
    };
    let h = p.member_rows.height as usize;
    let window = s.main.mem.window(h, s.main.shown.len());
    let rows: Vec<Row> = window
        .clone()
        .map(|i| {
            let (u, idx) = &s.main.shown[i];
            let user = t.user(*u);
            let can = s.actor.is_some_and(|actor| {
                super::profile_actions(t, actor, *u)
                    .iter()
                    .any(|a| a.allowed && a.cmd != Cmd::UserAudit)
            });
            let mut cols = vec![
                Col::new(text::highlighted(user.display_name(), idx, Tone::Text))
                    .middle()
                    .shrink(1)
                    .min(6),
            ];
            if !user.account_enabled {
                cols.push(Col::text("(disabled)", Tone::Dim).shrink(2).min(0));
            }
            Row::new(cols).marked((!can).then_some(READ_ONLY_MARK))
        })
        .collect();
    let head = if s.main.filtering || !s.main.filter.is_empty() {
        vec![VLine::new(s.main.filter.spans(
            "Filter:",
            false,
            s.main.filtering,
        ))]
    } else {
        Vec::new()
    };
    let members = ListScreen {
        frame: Frame {
            title,
            focused: pane == Pane::Members,
            footer: None,
        },
        head,
        list: ListView {
            rows,
            offset: window.start,
            sel: s.main.mem.sel,
            len: s.main.shown.len(),
            focused: pane == Pane::Members,
            empty: s.location().map(|_| {
                if s.main.filter.is_empty() {
                    "No user members.".to_string()
                } else {
                    "No member matches the filter.".to_string()
                }
            }),
        },
    };
    Body::Panes(Box::new(PanesView {
        locations,
        members,
        profile: super::profile::view(s, t, a),
    }))
}
