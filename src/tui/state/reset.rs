//! Password resets: the synced user's password typed twice against the on-premises policy, and
//! the cloud-only user's temporary password, shown once.

use crate::model::Tenant;
use crate::model::UserId;
use crate::password;
use crate::permissions::{Action, Target};
use crate::tui::keymap::{self, Cmd, Ctx};
use crate::tui::view::{DialogView, Tone, VLine, VSpan};

use super::{ConfirmKind, Dialog, Effect, ResetResult, Secret, State, StatusKind, TextField};

#[derive(Debug)]
pub struct SetPassword {
    pub target: UserId,
    pub input: TextField,
    pub confirm: TextField,
    /// 0: the password, 1: its confirmation.
    pub field: usize,
    /// Show what is typed instead of dots.
    pub reveal: bool,
}

impl SetPassword {
    pub fn new(target: UserId) -> SetPassword {
        SetPassword {
            target,
            input: TextField::default(),
            confirm: TextField::default(),
            field: 0,
            reveal: false,
        }
    }

    /// The policy's checks, then "both fields match".
    fn checks(&self, t: &Tenant) -> Vec<password::RuleCheck> {
        let user = t.user(self.target);
        let mut checks = password::check_on_prem(
            self.input.as_str(),
            &t.settings.password_policy.on_premises,
            user.sam_account_name(),
            user.display_name(),
        );
        checks.push(password::RuleCheck {
            rule: "Typed the same twice".to_string(),
            ok: !self.input.is_empty() && self.input.as_str() == self.confirm.as_str(),
        });
        checks
    }
}

#[derive(Debug)]
pub struct TempPassword {
    pub target: UserId,
    pub password: Secret,
    pub force_change: bool,
    /// The phonetic spelling is shown (for reading it out over the phone).
    pub spell: bool,
}

impl State {
    pub(super) fn open_reset(&mut self, t: &Tenant) {
        let Some(u) = self.profile_user() else {
            return;
        };
        if self
            .permitted(t, Action::ResetPassword, Target::User(u))
            .is_none()
        {
            return;
        }
        self.clear_status();
        self.push_confirm(ConfirmKind::Reset { target: u });
    }
}

pub(super) fn on_password_key(
    s: &mut State,
    t: &Tenant,
    cmd: Option<Cmd>,
    typed: Option<char>,
) -> Vec<Effect> {
    let Some(actor) = s.actor else {
        return Vec::new();
    };
    let Some(Dialog::SetPassword(p)) = s.dialogs.last_mut() else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::Back) => s.close_dialog(),
        Some(Cmd::NextField | Cmd::PrevField) => p.field = 1 - p.field,
        Some(Cmd::Reveal) => p.reveal = !p.reveal,
        Some(Cmd::Submit) => {
            let failing: Vec<String> = p
                .checks(t)
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| c.rule)
                .collect();
            if p.input.is_empty() {
                s.info(StatusKind::Error, "Type the new password first.");
                return Vec::new();
            }
            if !failing.is_empty() {
                s.info(
                    StatusKind::Error,
                    format!("Not yet: {}.", failing.join("; ")),
                );
                return Vec::new();
            }
            let target = p.target;
            if s.permitted(t, Action::ResetPassword, Target::User(target))
                .is_none()
            {
                s.close_dialog();
                return Vec::new();
            }
            let Some(Dialog::SetPassword(p)) = s.dialogs.last_mut() else {
                return Vec::new();
            };
            let password = p.input.take();
            return vec![Effect::ResetPassword {
                actor,
                target,
                password: Some(password),
            }];
        }
        c => {
            let f = if p.field == 0 {
                &mut p.input
            } else {
                &mut p.confirm
            };
            if f.edit(c, typed) {
                s.status = None;
            }
        }
    }
    Vec::new()
}

pub(super) fn on_notice_key(s: &mut State, cmd: Option<Cmd>) {
    match cmd {
        Some(Cmd::Back) => s.close_dialog(),
        Some(Cmd::Spell) => {
            if let Some(Dialog::TempPassword(p)) = s.dialogs.last_mut() {
                p.spell = !p.spell;
            }
        }
        _ => {}
    }
}

pub(super) fn done(s: &mut State, t: &Tenant, target: UserId, result: Result<ResetResult, String>) {
    s.dialogs.retain(|d| {
        !matches!(d, Dialog::SetPassword(_))
            && !matches!(d, Dialog::Confirm(c) if matches!(c.kind, ConfirmKind::Reset { .. }))
    });
    let name = t.user(target).display_name().to_string();
    match result {
        Ok(r) => match r.temporary_password {
            Some(password) => {
                s.info(StatusKind::Ok, format!("Password reset for {name}."));
                s.dialogs.push(Dialog::TempPassword(TempPassword {
                    target,
                    password,
                    force_change: r.force_change_next_sign_in,
                    spell: false,
                }))
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
}

pub(super) fn password_view(p: &SetPassword, t: &Tenant, keys: &keymap::Keymap) -> DialogView {
    let u = t.user(p.target);
    let checks = p.checks(t);
    let all_ok = checks.iter().all(|c| c.ok);
    let mut lines = vec![
        VLine::text(
            format!("New password for {} (synced account)", u.display_name()),
            Tone::Text,
        ),
        VLine::blank(),
        VLine::new(p.input.spans("Password:", !p.reveal, p.field == 0)),
        VLine::new(p.confirm.spans("Again:   ", !p.reveal, p.field == 1)),
        VLine::blank(),
        VLine::text("On-premises password policy:", Tone::Dim),
    ];
    for c in &checks {
        let (mark, tone) = if c.ok {
            ("✓", Tone::Ok)
        } else {
            ("✗", Tone::Error)
        };
        lines.push(
            // A no-break space keeps the mark with the rule's last word when it wraps.
            VLine::new(vec![
                VSpan::new(format!("  {}\u{a0}", c.rule), Tone::Text),
                VSpan::new(mark, tone),
            ])
            .indented(4),
        );
    }
    lines.push(VLine::blank());
    let key = |c| keys.key_text(Ctx::Password, c);
    lines.push(if all_ok {
        VLine::text(
            format!(
                "Every rule passes: {} resets the password.",
                key(Cmd::Submit)
            ),
            Tone::Ok,
        )
    } else {
        VLine::text(
            format!(
                "{} resets once every rule passes. {} shows what you typed.",
                key(Cmd::Submit),
                key(Cmd::Reveal)
            ),
            Tone::Dim,
        )
    });
    DialogView {
        title: "Reset password — synced account".to_string(),
        lines,
        list: None,
        buttons: None,
    }
}

pub(super) fn notice_view(p: &TempPassword, t: &Tenant, keys: &keymap::Keymap) -> DialogView {
    let u = t.user(p.target);
    // Grouped the way it is read out; the Secret tone draws it reversed, in large contrast.
    let grouped = zeroize::Zeroizing::new(password::grouped(p.password.as_str()));
    let mut lines = vec![
        VLine::text(
            format!("Temporary password for {}", u.display_name()),
            Tone::Text,
        ),
        VLine::text(u.upn(), Tone::Dim),
        VLine::blank(),
        VLine::text(format!("  {}  ", grouped.as_str()), Tone::Secret).centered(),
        VLine::blank(),
        VLine::text(
            "Shown once: give it to the user now. It is not stored and cannot be shown again.",
            Tone::Warning,
        ),
    ];
    if p.force_change {
        lines.push(VLine::text(
            "The user must change it at next sign-in.",
            Tone::Text,
        ));
    }
    if p.spell {
        let spelled = zeroize::Zeroizing::new(password::phonetic(p.password.as_str()));
        lines.push(VLine::blank());
        lines.push(VLine::text(format!("Spelled: {}", spelled.as_str()), Tone::Text).indented(9));
    }
    lines.push(VLine::blank());
    let key = |c| keys.key_text(Ctx::Notice, c);
    let spell = if p.spell {
        " hide the spelling    "
    } else {
        " spell it out    "
    };
    lines.push(
        VLine::new(vec![
            VSpan::new(key(Cmd::Spell), Tone::Key),
            VSpan::new(spell, Tone::Text),
            VSpan::new(key(Cmd::Back), Tone::Key),
            VSpan::new(" close", Tone::Text),
        ])
        .centered(),
    );
    DialogView {
        title: "Password reset".to_string(),
        lines,
        list: None,
        buttons: None,
    }
}
