//! Confirmations: every change asks first, the same way, with Cancel focused.

use crate::model::{AssignmentId, AuId, UserId};
use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::permissions::{Action, Target};
use crate::phone::PhoneType;
use crate::roles::Role;
use crate::tui::keymap::Cmd;

use crate::tui::view::{DialogView, Tone, VLine};

use super::{Dialog, Effect, State, access_summary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmKind {
    Reset {
        target: UserId,
    },
    /// Add or change a number (from the phone dialog, which stays below).
    SetPhone {
        target: UserId,
        kind: PhoneType,
        number: String,
        add: bool,
    },
    RemovePhone {
        target: UserId,
        kind: PhoneType,
        /// The number as the actor may see it.
        number: String,
    },
    Assign {
        au: AuId,
        role: Role,
        principal: Principal,
    },
    Unassign {
        assignment: AssignmentId,
    },
    /// Change "Administrators can access My Staff" to this value.
    MyStaffAccess {
        access: MyStaffAccess,
        selected: Vec<Principal>,
    },
    /// PIM: activate an eligibility (from the "Activate a role" dialog, which stays below).
    Activate {
        what: crate::pim::Request,
        name: String,
        seconds: i64,
        justification: String,
        /// When it would end (Unix seconds), for the question.
        end: i64,
    },
    /// PIM: end an activation now.
    Deactivate {
        what: crate::pim::Request,
        name: String,
        end: i64,
    },
    Quit,
}

#[derive(Debug)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub ok_focused: bool,
}

pub(super) fn on_key(s: &mut State, t: &Tenant, cmd: Option<Cmd>) -> Vec<Effect> {
    let Some(actor) = s.actor else {
        s.dialogs.clear();
        return Vec::new();
    };
    let Some(Dialog::Confirm(c)) = s.dialogs.last_mut() else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::NextField) => c.ok_focused = true,
        Some(Cmd::PrevField) => c.ok_focused = false,
        Some(Cmd::Back) => s.close_dialog(),
        Some(Cmd::Submit) if !c.ok_focused => s.close_dialog(),
        Some(Cmd::Submit) => {
            let kind = c.kind.clone();
            s.close_dialog();
            return confirmed(s, t, actor, kind);
        }
        _ => {}
    }
    Vec::new()
}

/// The person chose OK. The engine is asked again: the tenant may have changed meanwhile.
fn confirmed(s: &mut State, t: &Tenant, actor: UserId, kind: ConfirmKind) -> Vec<Effect> {
    let (action, target) = match &kind {
        ConfirmKind::Quit => return s.quit_now(),
        // Not a My Staff action: PIM decides when the session carries it out.
        ConfirmKind::Activate {
            what,
            seconds,
            justification,
            ..
        } => {
            if let Some(Dialog::Activate(d)) = s.dialogs.last_mut() {
                d.busy = true;
            }
            return vec![Effect::PimActivate {
                actor,
                what: *what,
                seconds: *seconds,
                justification: justification.clone(),
            }];
        }
        ConfirmKind::Deactivate { what, .. } => {
            if let Some(Dialog::Activate(d)) = s.dialogs.last_mut() {
                d.busy = true;
            }
            return vec![Effect::PimDeactivate { actor, what: *what }];
        }
        ConfirmKind::Reset { target } => (Action::ResetPassword, Target::User(*target)),
        ConfirmKind::RemovePhone { target, .. } | ConfirmKind::SetPhone { target, .. } => {
            (Action::ManagePhone, Target::User(*target))
        }
        ConfirmKind::Assign { au, .. } => (Action::ManageAuRoles, Target::Au(*au)),
        ConfirmKind::Unassign { .. } => (Action::ManageAuRoles, Target::None),
        ConfirmKind::MyStaffAccess { .. } => (Action::ManageSettings, Target::None),
    };
    if s.permitted(t, action, target).is_none() {
        s.dialogs.clear();
        return Vec::new();
    }
    match kind {
        ConfirmKind::Quit | ConfirmKind::Activate { .. } | ConfirmKind::Deactivate { .. } => {
            Vec::new()
        }
        ConfirmKind::Reset { target } => {
            if t.user(target).synced {
                s.dialogs
                    .push(Dialog::SetPassword(super::reset::SetPassword::new(target)));
                Vec::new()
            } else {
                vec![Effect::ResetPassword {
                    actor,
                    target,
                    password: None,
                }]
            }
        }
        ConfirmKind::SetPhone {
            target,
            kind,
            number,
            ..
        } => {
            if let Some(Dialog::Phone(p)) = s.dialogs.last_mut() {
                p.busy = true;
            }
            vec![Effect::SetPhone {
                actor,
                target,
                kind,
                number,
            }]
        }
        ConfirmKind::RemovePhone { target, kind, .. } => vec![Effect::RemovePhone {
            actor,
            target,
            kind,
        }],
        ConfirmKind::Assign {
            au,
            role,
            principal,
        } => vec![Effect::AssignScopedRole {
            actor,
            au,
            role,
            principal,
        }],
        ConfirmKind::Unassign { assignment } => vec![Effect::Unassign { actor, assignment }],
        ConfirmKind::MyStaffAccess { access, selected } => vec![Effect::SetMyStaffAccess {
            actor,
            access,
            selected,
        }],
    }
}

pub(super) fn view(
    c: &Confirm,
    t: &Tenant,
    actor: Option<UserId>,
    inv: &super::Invocation,
    when: &dyn Fn(i64) -> String,
) -> DialogView {
    let (title, body, ok): (&str, Vec<VLine>, &str) = match &c.kind {
        &ConfirmKind::Reset { target } => {
            let u = t.user(target);
            let how = if u.synced {
                "This account is synced from on-premises: you will type the new password, which must meet the on-premises policy."
            } else {
                "This account is cloud-only: a temporary password is generated and shown to you once. The user must change it at next sign-in."
            };
            (
                "Reset password",
                vec![
                    VLine::text(
                        format!("Reset the password of {}?", u.display_name()),
                        Tone::Text,
                    ),
                    VLine::text(u.upn(), Tone::Dim),
                    VLine::blank(),
                    VLine::text(how, Tone::Text),
                ],
                "Reset password",
            )
        }
        ConfirmKind::SetPhone {
            target,
            kind,
            number,
            add,
        } => phone_body(t, *target, *kind, number, *add),
        ConfirmKind::RemovePhone {
            target,
            kind,
            number,
        } => (
            "Remove phone number",
            vec![
                VLine::text(
                    format!(
                        "Remove the {} number {number} of {}?",
                        kind.label().to_lowercase(),
                        t.user(*target).display_name()
                    ),
                    Tone::Text,
                ),
                VLine::blank(),
                VLine::text("They can no longer use it to sign in or verify.", Tone::Dim),
            ],
            "Remove",
        ),
        &ConfirmKind::Assign {
            au,
            role,
            principal,
        } => (
            "Assign a scoped role",
            vec![
                VLine::text(
                    format!(
                        "Give {} ({}) the role {}, scoped to {}?",
                        super::display_name(t, principal),
                        t.principal_kind(principal),
                        role.name(),
                        t.au(au).display_name
                    ),
                    Tone::Text,
                ),
                VLine::blank(),
                VLine::text(
                    "They can then act on this location's members within that role.",
                    Tone::Dim,
                ),
            ],
            "Assign",
        ),
        &ConfirmKind::Unassign { assignment } => {
            let asg = t.assignment(assignment);
            (
                "Remove role assignment",
                vec![VLine::text(
                    format!(
                        "Remove {} from {} ({})?",
                        asg.role.name(),
                        t.principal_name(asg.principal),
                        t.scope_phrase(asg.scope)
                    ),
                    Tone::Text,
                )],
                "Remove",
            )
        }
        ConfirmKind::MyStaffAccess { access, selected } => {
            access_body(t, actor, inv, *access, selected)
        }
        ConfirmKind::Activate {
            name,
            seconds,
            justification,
            end,
            ..
        } => (
            "Confirm activation",
            vec![
                VLine::text(
                    format!(
                        "Activate {name} for {}, until {}?",
                        crate::pim::human_duration(*seconds),
                        when(*end)
                    ),
                    Tone::Text,
                ),
                VLine::text(format!("Justification: {justification}"), Tone::Dim),
                VLine::blank(),
                VLine::text(
                    "It is recorded in the audit log, and ends by itself at that time.",
                    Tone::Dim,
                ),
            ],
            "Activate",
        ),
        ConfirmKind::Deactivate { name, end, .. } => (
            "End an activation",
            vec![
                VLine::text(format!("End {name} now?"), Tone::Text),
                VLine::text(
                    format!("It would otherwise last until {}.", when(*end)),
                    Tone::Dim,
                ),
            ],
            "End it",
        ),
        ConfirmKind::Quit => (
            "Quit mystaff",
            vec![
                VLine::text("A dialog is still open.", Tone::Text),
                VLine::text("Quit anyway? Nothing in the dialog is saved.", Tone::Text),
            ],
            "Quit",
        ),
    };
    DialogView {
        title: title.to_string(),
        lines: body,
        list: None,
        buttons: Some(("Cancel".to_string(), ok.to_string(), c.ok_focused)),
    }
}

/// The My Staff access confirmation: now, new, and what it does (with the exact undo command
/// when it shuts everyone out).
fn access_body(
    t: &Tenant,
    actor: Option<UserId>,
    inv: &super::Invocation,
    access: MyStaffAccess,
    selected: &[Principal],
) -> (&'static str, Vec<VLine>, &'static str) {
    let access = &access;
    let ms = &t.settings.my_staff;
    let mut effect = crate::access::effect(*access).to_string();
    if *access == MyStaffAccess::None
        && let Some(a) = actor
        && let Some(undo) = crate::access::undo_command(
            t,
            inv.as_access(),
            t.user(a).upn(),
            ms.access,
            &ms.selected,
        )
    {
        effect.push_str(&format!(" To undo it: {undo}"));
    }
    (
        "Change My Staff access",
        vec![
            VLine::text("Administrators can access My Staff:", Tone::Text),
            VLine::text(
                format!("  now: {}", access_summary(t, ms.access, &ms.selected)),
                Tone::Dim,
            )
            .indented(7),
            VLine::text(
                format!("  new: {}", access_summary(t, *access, selected)),
                Tone::Text,
            )
            .indented(7),
            VLine::blank(),
            VLine::text(effect, Tone::Warning),
        ],
        "Change",
    )
}

/// Adding or changing a phone number: which, for whom, and what it is for.
fn phone_body(
    t: &Tenant,
    target: UserId,
    kind: PhoneType,
    number: &str,
    add: bool,
) -> (&'static str, Vec<VLine>, &'static str) {
    let (target, add) = (&target, &add);
    (
        if *add {
            "Add phone number"
        } else {
            "Change phone number"
        },
        vec![
            VLine::text(
                format!(
                    "{} the {} number {number} for {}?",
                    if *add { "Add" } else { "Set" },
                    kind.label().to_lowercase(),
                    t.user(*target).display_name()
                ),
                Tone::Text,
            ),
            VLine::blank(),
            VLine::text(
                "They can then use it to sign in and verify, as the tenant allows.",
                Tone::Dim,
            ),
        ],
        if *add { "Add" } else { "Change" },
    )
}
