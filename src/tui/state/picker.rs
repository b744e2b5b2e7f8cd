//! Pickers: a role to scope to a location, then who gets it; or a user or group to let into My
//! Staff. Each ends in a confirmation.

use crate::model::AuId;
use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::natural::natural_key;
use crate::permissions;
use crate::roles::Role;
use crate::tui::keymap::Cmd;
use crate::tui::layout::{self, Areas};
use crate::tui::text;
use crate::tui::view::{Col, DialogView, ListView, Row, Tone, VLine};

use super::fuzzy::fuzzy;
use super::list::{ListSel, is_move};
use super::{ConfirmKind, Dialog, Effect, SEARCH_LIMIT, State, TextField};

/// What a principal picker chooses for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    /// The principal of a new role assignment scoped to an AU.
    AuRole { au: AuId, role: Role },
    /// A user or group to add to the My Staff access selection.
    MyStaff,
}

#[derive(Debug)]
pub struct PickRole {
    pub au: AuId,
    pub filter: TextField,
    pub shown: Vec<(Role, Vec<usize>)>,
    pub list: ListSel,
}

#[derive(Debug)]
pub struct PickPrincipal {
    pub purpose: PickFor,
    pub filter: TextField,
    pub shown: Vec<(Principal, String, Vec<usize>)>,
    pub list: ListSel,
}

fn roles(filter: &str) -> Vec<(Role, Vec<usize>)> {
    let roles: Vec<Role> = Role::au_scopable().collect();
    fuzzy(roles.iter().map(|r| (*r, r.name())), filter, |r| {
        vec![r.name()]
    })
}

/// The principal picker's list: users, then groups (then service principals for role
/// assignments), each by name. Role assignments take only role-assignable groups; My Staff
/// access offers users and groups not selected yet.
fn candidates(t: &Tenant, purpose: PickFor, filter: &str) -> Vec<(Principal, String, Vec<usize>)> {
    let skip: &[Principal] = match purpose {
        PickFor::MyStaff if t.settings.my_staff.access == MyStaffAccess::Selected => {
            &t.settings.my_staff.selected
        }
        _ => &[],
    };
    let role = matches!(purpose, PickFor::AuRole { .. });
    let mut candidates: Vec<Principal> = t.live_users().map(Principal::User).collect();
    candidates.extend(t.group_ids().map(Principal::Group));
    candidates.extend(t.service_principal_ids().map(Principal::ServicePrincipal));
    // Who can be offered is the domain's rule: role holders, or who My Staff access may name.
    candidates.retain(|&p| {
        if role {
            permissions::may_hold_role(t, p)
        } else {
            crate::access::may_be_selected(p)
        }
    });
    candidates.retain(|p| !skip.contains(p));
    let kind_order = |p: &Principal| match p {
        Principal::User(_) => 0,
        Principal::Group(_) => 1,
        Principal::ServicePrincipal(_) => 2,
    };
    candidates.sort_by_cached_key(|p| (kind_order(p), natural_key(super::display_name(t, *p)), *p));
    let labels: Vec<(Principal, String)> = candidates
        .into_iter()
        .map(|p| {
            let label = match p {
                Principal::User(u) => {
                    let user = t.user(u);
                    format!("user · {} · {}", user.display_name(), user.upn())
                }
                Principal::Group(g) => {
                    let g = &t.group(g);
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
                    t.service_principal(i).display_name
                ),
            };
            (p, label)
        })
        .collect();
    let mut hits = fuzzy(
        labels.iter().enumerate().map(|(i, (_, l))| (i, l.as_str())),
        filter,
        |i| {
            let p = labels[i].0;
            match p {
                Principal::User(u) => vec![t.user(u).display_name(), t.user(u).upn()],
                _ => vec![super::display_name(t, p)],
            }
        },
    );
    hits.truncate(SEARCH_LIMIT);
    hits.into_iter()
        .map(|(i, idx)| (labels[i].0, labels[i].1.clone(), idx))
        .collect()
}

impl State {
    pub(super) fn open_assign(&mut self, t: &Tenant) {
        let Some(au) = self.roles_change_allowed(t) else {
            return;
        };
        self.clear_status();
        self.dialogs.push(Dialog::PickRole(PickRole {
            au,
            filter: TextField::default(),
            shown: roles(""),
            list: ListSel::default(),
        }));
    }

    pub(super) fn open_principal_picker(&mut self, t: &Tenant, purpose: PickFor) {
        self.dialogs.push(Dialog::PickPrincipal(PickPrincipal {
            purpose,
            filter: TextField::default(),
            shown: candidates(t, purpose, ""),
            list: ListSel::default(),
        }));
    }
}

pub(super) fn on_key(
    s: &mut State,
    t: &Tenant,
    cmd: Option<Cmd>,
    typed: Option<char>,
    page: usize,
) -> Vec<Effect> {
    let mut next: Option<(PickFor, Option<Principal>)> = None;
    match s.dialogs.last_mut() {
        Some(Dialog::PickRole(p)) => match cmd {
            Some(Cmd::Back) => s.close_dialog(),
            Some(c) if is_move(c) => {
                p.list.step(c, p.shown.len(), page);
            }
            Some(Cmd::Open) => {
                if let Some((role, _)) = p.shown.get(p.list.sel) {
                    next = Some((
                        PickFor::AuRole {
                            au: p.au,
                            role: *role,
                        },
                        None,
                    ));
                }
            }
            c => {
                if p.filter.edit(c, typed) {
                    p.shown = roles(p.filter.as_str());
                    p.list.reset();
                }
            }
        },
        Some(Dialog::PickPrincipal(p)) => match cmd {
            Some(Cmd::Back) => s.close_dialog(),
            Some(c) if is_move(c) => {
                p.list.step(c, p.shown.len(), page);
            }
            Some(Cmd::Open) => {
                if let Some((principal, _, _)) = p.shown.get(p.list.sel) {
                    next = Some((p.purpose, Some(*principal)));
                }
            }
            c => {
                if p.filter.edit(c, typed) {
                    p.shown = candidates(t, p.purpose, p.filter.as_str());
                    p.list.reset();
                }
            }
        },
        _ => {}
    }
    match next {
        Some((purpose, None)) => s.open_principal_picker(t, purpose),
        Some((PickFor::AuRole { au, role }, Some(principal))) => {
            if s.roles_change_allowed(t).is_some() {
                s.push_confirm(ConfirmKind::Assign {
                    au,
                    role,
                    principal,
                });
            } else {
                s.dialogs.clear();
            }
        }
        Some((PickFor::MyStaff, Some(principal))) => {
            let current = &t.settings.my_staff;
            let mut selected = match current.access {
                MyStaffAccess::Selected => current.selected.clone(),
                _ => Vec::new(),
            };
            if !selected.contains(&principal) {
                selected.push(principal);
            }
            s.open_access_confirm(t, MyStaffAccess::Selected, selected);
        }
        None => {}
    }
    Vec::new()
}

fn picker(
    title: String,
    field: VLine,
    note: &str,
    list: &ListSel,
    rows: Vec<(String, &[usize])>,
    a: &Areas,
    depth: usize,
) -> DialogView {
    let h = layout::picker_rows(a.full, depth).height as usize;
    let len = rows.len();
    let window = list.window(h, len);
    let rows = rows[window.clone()]
        .iter()
        .map(|(label, idx)| {
            Row::new(vec![
                Col::new(text::highlighted(label, idx, Tone::Text))
                    .middle()
                    .shrink(1),
            ])
        })
        .collect();
    DialogView {
        title,
        lines: vec![field, VLine::text(note, Tone::Dim)],
        list: Some(ListView {
            rows,
            offset: window.start,
            sel: list.sel,
            len,
            focused: true,
            empty: Some("Nothing matches.".to_string()),
        }),
        buttons: None,
    }
}

pub(super) fn role_view(p: &PickRole, t: &Tenant, a: &Areas, depth: usize) -> DialogView {
    picker(
        format!("Assign a role scoped to {}", t.au(p.au).display_name),
        VLine::new(p.filter.spans("Role:", false, true)),
        "Only roles that can be scoped to an administrative unit.",
        &p.list,
        p.shown
            .iter()
            .map(|(r, idx)| (r.name().to_string(), idx.as_slice()))
            .collect(),
        a,
        depth,
    )
}

pub(super) fn principal_view(p: &PickPrincipal, t: &Tenant, a: &Areas, depth: usize) -> DialogView {
    let (title, note) = match p.purpose {
        PickFor::AuRole { au, role } => (
            format!("{} in {}: who?", role.name(), t.au(au).display_name),
            "Users, role-assignable groups and service principals.",
        ),
        PickFor::MyStaff => (
            "Who can access My Staff? Add a user or group".to_string(),
            "Users and groups not selected yet; a group gives access to its members.",
        ),
    };
    picker(
        title,
        VLine::new(p.filter.spans("Principal:", false, true)),
        note,
        &p.list,
        p.shown
            .iter()
            .map(|(_, l, idx)| (l.clone(), idx.as_slice()))
            .collect(),
        a,
        depth,
    )
}
