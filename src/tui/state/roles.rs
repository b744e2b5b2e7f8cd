//! The scoped roles view: who holds a role scoped to a location; Privileged Role and Global
//! Administrators assign (through the pickers) and remove them, each after a confirmation.

use crate::model::{AssignmentId, AuId};
use crate::model::{Principal, Scope, Tenant};
use crate::natural::natural_key;
use crate::permissions::{self, Action, Target};
use crate::tui::keymap::Cmd;
use crate::tui::layout::Areas;
use crate::tui::text::{self, Cut};
use crate::tui::view::{Col, Frame, ListScreen, ListView, Row, Tone, VLine, wrap_lines};

use super::list::{ListSel, is_move};
use super::{ConfirmKind, Effect, State, View};

/// Lines above the list: the engine's word on whether you may change it.
pub(super) const HEAD_LINES: u16 = 3;

#[derive(Debug, Default)]
pub struct RolesState {
    pub au: Option<AuId>,
    pub list: ListSel,
}

/// Live assignments scoped to an AU, in display order.
pub fn au_assignments(t: &Tenant, au: AuId) -> Vec<AssignmentId> {
    let mut v: Vec<AssignmentId> = t.assignments_at(Scope::Au(au)).to_vec();
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

impl State {
    pub(super) fn open_roles(&mut self, t: &Tenant) {
        let Some(l) = self.location() else {
            return;
        };
        let au = l.au;
        if self
            .permitted(t, Action::ListAuRoles, Target::Au(au))
            .is_none()
        {
            return;
        }
        self.roles.au = Some(au);
        self.roles.list.reset();
        self.view = View::Roles;
    }

    /// The roles view's location, when the engine lets the signed-in person change its roles;
    /// otherwise the engine's reason goes to the status line.
    pub(super) fn roles_change_allowed(&mut self, t: &Tenant) -> Option<AuId> {
        let au = self.roles.au?;
        self.permitted(t, Action::ManageAuRoles, Target::Au(au))?;
        Some(au)
    }

    fn open_unassign(&mut self, t: &Tenant) {
        let Some(au) = self.roles_change_allowed(t) else {
            return;
        };
        let rows = au_assignments(t, au);
        if let Some(&a) = rows.get(self.roles.list.sel) {
            self.clear_status();
            self.push_confirm(ConfirmKind::Unassign { assignment: a });
        }
    }
}

pub(super) fn on_key(s: &mut State, t: &Tenant, cmd: Option<Cmd>, page: usize) -> Vec<Effect> {
    let n = s.roles.au.map_or(0, |au| au_assignments(t, au).len());
    match cmd {
        Some(c) if is_move(c) => {
            s.roles.list.step(c, n, page);
        }
        Some(Cmd::Back) => s.view = View::Panes,
        Some(Cmd::AddAssignment) => s.open_assign(t),
        Some(Cmd::RemoveAssignment) => s.open_unassign(t),
        Some(Cmd::Help) => s.help = Some(Default::default()),
        Some(Cmd::Quit) => return s.quit_now(),
        _ => {}
    }
    Vec::new()
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> ListScreen {
    let Some(au) = s.roles.au else {
        return ListScreen::default();
    };
    let rows = au_assignments(t, au);
    let mut head = Vec::new();
    if let Some(actor) = s.actor {
        let d = permissions::decide(
            t,
            Principal::User(actor),
            Action::ManageAuRoles,
            Target::Au(au),
        );
        let line = if d.allowed {
            VLine::text(
                format!("You can add and remove assignments: {}", d.reason),
                Tone::Ok,
            )
        } else {
            VLine::text(format!("Read-only: {}", d.reason), Tone::Dim)
        };
        head = wrap_lines(&[line], a.head.width as usize);
        if head.len() > HEAD_LINES as usize {
            head.truncate(HEAD_LINES as usize);
            if let Some(last) = head.last_mut() {
                let w = a.head.width as usize;
                let mut spans = last.spans.clone();
                spans.push(crate::tui::view::VSpan::new(
                    " …",
                    last.spans.last().map_or(Tone::Dim, |s| s.tone),
                ));
                last.spans = text::fit(&spans, w, Cut::End);
            }
        }
    }
    let window = s.roles.list.window(a.list.height as usize, rows.len());
    let list_rows = window
        .clone()
        .map(|i| {
            let asg = t.assignment(rows[i]);
            Row::new(vec![
                Col::text(asg.role.name(), Tone::Text).shrink(1).min(12),
                Col::text(t.principal_kind(asg.principal), Tone::Dim).min(5),
                Col::text(t.principal_name(asg.principal), Tone::Text)
                    .middle()
                    .shrink(2)
                    .min(10),
            ])
        })
        .collect();
    ListScreen {
        frame: Frame {
            title: format!(
                "Scoped role members of {} ({})",
                t.au(au).display_name,
                rows.len()
            ),
            focused: true,
            footer: None,
        },
        head,
        list: ListView {
            rows: list_rows,
            offset: window.start,
            sel: s.roles.list.sel,
            len: rows.len(),
            focused: true,
            empty: Some("No role is scoped to this location.".to_string()),
        },
    }
}
