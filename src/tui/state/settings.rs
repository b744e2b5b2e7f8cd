//! The tenant settings view: who can access My Staff (changed by User and Global
//! Administrators, each change confirmed), and the read-only phone sign-in and writeback settings.

use crate::model::UserId;
use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::natural::natural_key;
use crate::tui::keymap::{Cmd, Ctx};
use crate::tui::layout::{Areas, Mode};
use crate::tui::view::{Body, Col, Frame, ListView, Row, Tone, VLine, VSpan, wrap_lines};

use super::list::{ListSel, is_move};
use super::{ConfirmKind, Effect, PickFor, State, StatusKind, View, manage_settings};

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

/// "all administrators", "selected users and groups (A, B)", "no one": the domain's wording.
pub use crate::access::summary as access_summary;

/// The note (up to three lines), a blank and the heading; the access rows; a blank and the
/// seven read-only lines.
const TOP: u16 = 5;
const BOTTOM: u16 = 8;

pub(super) fn mode(t: &Tenant) -> Mode {
    Mode::Sections {
        top: TOP,
        rows: settings_rows(t).len() as u16,
        bottom: BOTTOM,
    }
}

impl State {
    /// The signed-in person, when the engine lets them change the settings; otherwise its
    /// reason goes to the status line.
    fn settings_actor(&mut self, t: &Tenant) -> Option<UserId> {
        self.permitted(
            t,
            crate::permissions::Action::ManageSettings,
            crate::permissions::Target::None,
        )
    }

    /// Enter: `All`/`None` ask for confirmation; `Selected` (or a selected principal) opens the
    /// picker to add a user or group.
    fn choose_access(&mut self, t: &Tenant) {
        if self.settings_actor(t).is_none() {
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
                self.clear_status();
                self.open_principal_picker(t, PickFor::MyStaff);
            }
            None => {}
        }
    }

    /// `d`: take the highlighted user or group out of the selection.
    fn remove_selected(&mut self, t: &Tenant) {
        if self.settings_actor(t).is_none() {
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

    pub(super) fn open_access_confirm(
        &mut self,
        t: &Tenant,
        access: MyStaffAccess,
        selected: Vec<Principal>,
    ) {
        if self.settings_actor(t).is_none() {
            self.dialogs.clear();
            return;
        }
        self.clear_status();
        self.push_confirm(ConfirmKind::MyStaffAccess { access, selected });
    }
}

pub(super) fn on_key(s: &mut State, t: &Tenant, cmd: Option<Cmd>, page: usize) -> Vec<Effect> {
    let n = settings_rows(t).len();
    match cmd {
        Some(c) if is_move(c) => {
            s.settings.list.step(c, n, page);
        }
        Some(Cmd::Back) => s.view = View::Panes,
        Some(Cmd::Open) => s.choose_access(t),
        Some(Cmd::RemoveSelected) => s.remove_selected(t),
        Some(Cmd::Help) => s.help = Some(Default::default()),
        Some(Cmd::Quit) => return s.quit_now(),
        _ => {}
    }
    Vec::new()
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> Body {
    let st = &t.settings;
    let may_change = s.actor.map(|a| manage_settings(t, a));
    let note = match &may_change {
        Some(d) if d.allowed => VLine::text(
            format!("You can change who can access My Staff: {}", d.reason),
            Tone::Ok,
        ),
        Some(d) => VLine::text(format!("Read-only: {}", d.reason), Tone::Dim),
        None => VLine::blank(),
    };
    let mut top = wrap_lines(&[note], a.head.width as usize);
    top.truncate(TOP as usize - 2);
    while top.len() < TOP as usize - 2 {
        top.push(VLine::blank());
    }
    top.push(VLine::blank());
    top.push(VLine::text(
        "Administrators can access My Staff",
        Tone::Title,
    ));
    let on = |b: bool| if b { "on" } else { "off" };
    let ps = &st.phone_sign_in;
    let row = |label: &str, value: &str| {
        VLine::new(vec![
            VSpan::new(format!("  {label:<32}"), Tone::Dim),
            VSpan::new(value, Tone::Text),
        ])
    };
    let bottom = vec![
        VLine::blank(),
        VLine::text("Phone numbers can be used for (read-only)", Tone::Title),
        row("SMS sign-in", on(ps.sms_sign_in)),
        row("Multi-factor authentication", on(ps.mfa)),
        row(
            "Self-service password reset",
            on(ps.self_service_password_reset),
        ),
        VLine::blank(),
        VLine::new(vec![
            VSpan::new(
                format!("{:<34}", "Password writeback (read-only)"),
                Tone::Title,
            ),
            VSpan::new(on(st.password_writeback), Tone::Text),
        ]),
    ];
    let rows = settings_rows(t);
    let current = st.my_staff.access;
    let adds = may_change.as_ref().is_some_and(|d| d.allowed);
    let window = s.settings.list.window(a.list.height as usize, rows.len());
    let list_rows = rows[window.clone()]
        .iter()
        .map(|r| match *r {
            SettingsRow::Access(acc) => {
                let mark = if acc == current { "(•)" } else { "( )" };
                let label = crate::access::choice(acc);
                let mut cols = vec![
                    Col::text(mark, Tone::Key).min(3),
                    Col::text(label, Tone::Text).shrink(1),
                ];
                if adds && acc == MyStaffAccess::Selected {
                    cols.push(
                        Col::text(
                            format!(
                                "({} adds a user or group)",
                                s.keys.key_text(Ctx::Settings, Cmd::Open)
                            ),
                            Tone::Dim,
                        )
                        .shrink(2)
                        .min(0),
                    );
                }
                Row::new(cols)
            }
            SettingsRow::Selected(p) => {
                let mut spans = vec![VSpan::new(display_name(t, p), Tone::Text)];
                if let Principal::User(u) = p {
                    spans.push(VSpan::new(format!(" · {}", t.user(u).upn()), Tone::Dim));
                }
                Row::new(vec![
                    Col::text(format!("    {:<6}", t.principal_kind(p)), Tone::Dim).min(10),
                    Col::new(spans).middle().shrink(1),
                ])
            }
        })
        .collect();
    Body::Sections {
        frame: Frame {
            title: "Tenant settings".to_string(),
            focused: true,
            footer: None,
        },
        top,
        list: ListView {
            rows: list_rows,
            offset: window.start,
            sel: s.settings.list.sel,
            len: rows.len(),
            focused: true,
            empty: None,
        },
        bottom,
    }
}
