//! Adding, editing and removing a user's phone numbers.

use crate::model::UserId;
use crate::model::{Principal, Tenant};
use crate::permissions::{self, Action, Target};
use crate::phone::{self, PhoneType};
use crate::tui::keymap::Cmd;
use crate::tui::theme::{MARKER, NO_MARKER};
use crate::tui::view::{DialogView, Tone, VLine, VSpan};

use super::{ConfirmKind, Dialog, Effect, State, StatusKind, TextField};

/// Add, edit or remove (removing: choose which number, then confirm). The domain's own type, so
/// the phone rules are asked in the same words the CLI uses.
pub use crate::phone::PhoneChange as PhoneMode;

#[derive(Debug)]
pub struct PhoneDialog {
    pub target: UserId,
    pub mode: PhoneMode,
    pub kinds: Vec<PhoneType>,
    pub kind_idx: usize,
    pub input: TextField,
    /// The last refusal from the operation, shown until the input changes.
    pub error: Option<String>,
    pub busy: bool,
}

impl State {
    pub(super) fn open_phone(&mut self, t: &Tenant, mode: PhoneMode) {
        let (Some(actor), Some(u)) = (self.actor, self.profile_user()) else {
            return;
        };
        let cmd = match mode {
            PhoneMode::Add => Cmd::AddPhone,
            PhoneMode::Edit => Cmd::EditPhone,
            PhoneMode::Remove => Cmd::RemovePhone,
        };
        let Some(a) = super::profile_actions(t, actor, u)
            .into_iter()
            .find(|a| a.cmd == cmd)
        else {
            return;
        };
        if !a.allowed {
            self.info(StatusKind::Error, a.shown_reason(&self.keys));
            return;
        }
        self.clear_status();
        let user = t.user(u);
        let kinds = phone::types_for(&user.phones, mode);
        if mode == PhoneMode::Remove && kinds.len() == 1 {
            self.confirm_remove(t, actor, u, kinds[0]);
            return;
        }
        let input = match mode {
            PhoneMode::Edit => user
                .phone(kinds[0])
                .map(|p| TextField::with(&p.phone_number))
                .unwrap_or_default(),
            _ => TextField::default(),
        };
        self.dialogs.push(Dialog::Phone(PhoneDialog {
            target: u,
            mode,
            kinds,
            kind_idx: 0,
            input,
            error: None,
            busy: false,
        }));
    }

    fn confirm_remove(&mut self, t: &Tenant, actor: UserId, target: UserId, kind: PhoneType) {
        let number = t
            .user(target)
            .phone(kind)
            .map(|p| super::shown_number(t, actor, target, &p.phone_number))
            .unwrap_or_default();
        self.push_confirm(ConfirmKind::RemovePhone {
            target,
            kind,
            number,
        });
    }
}

pub(super) fn on_key(
    s: &mut State,
    t: &Tenant,
    cmd: Option<Cmd>,
    typed: Option<char>,
) -> Vec<Effect> {
    let Some(actor) = s.actor else {
        return Vec::new();
    };
    let Some(Dialog::Phone(p)) = s.dialogs.last_mut() else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::Back) => s.close_dialog(),
        Some(c @ (Cmd::NextField | Cmd::PrevField)) => {
            let n = p.kinds.len().max(1);
            p.kind_idx = if c == Cmd::NextField {
                (p.kind_idx + 1) % n
            } else {
                (p.kind_idx + n - 1) % n
            };
            if p.mode == PhoneMode::Edit
                && let Some(m) = t.user(p.target).phone(p.kinds[p.kind_idx])
            {
                p.input.set(&m.phone_number);
            }
            p.error = None;
        }
        Some(Cmd::Submit) => {
            if p.busy {
                return Vec::new();
            }
            let (target, kind) = (p.target, p.kinds[p.kind_idx]);
            let user = t.user(target);
            if let Err(rule) = phone::check_change(&user.phones, kind, p.mode) {
                let why = rule.sentence(user.display_name());
                p.error = Some(format!("{}{}.", why[..1].to_uppercase(), &why[1..]));
                return Vec::new();
            }
            if p.mode == PhoneMode::Remove {
                s.confirm_remove(t, actor, target, kind);
                return Vec::new();
            }
            match phone::validate_number(p.input.as_str()) {
                Err(e) => p.error = Some(e),
                Ok(number) => {
                    let d = permissions::decide(
                        t,
                        Principal::User(actor),
                        Action::ManagePhone,
                        Target::User(target),
                    );
                    if !d.allowed {
                        let why = s.refusal(t, &d);
                        if let Some(Dialog::Phone(p)) = s.dialogs.last_mut() {
                            p.error = Some(why);
                        }
                        return Vec::new();
                    }
                    let add = p.mode == PhoneMode::Add;
                    s.push_confirm(ConfirmKind::SetPhone {
                        target,
                        kind,
                        number,
                        add,
                    });
                }
            }
        }
        c if p.mode != PhoneMode::Remove && p.input.edit(c, typed) => p.error = None,
        _ => {}
    }
    Vec::new()
}

pub(super) fn done(s: &mut State, t: &Tenant, result: Result<Vec<String>, String>) {
    match result {
        Ok(_) => {
            let msg = match s.dialogs.last() {
                Some(Dialog::Phone(p)) => format!(
                    "{} number {} for {}.",
                    p.kinds[p.kind_idx].label(),
                    if p.mode == PhoneMode::Add {
                        "added"
                    } else {
                        "updated"
                    },
                    t.user(p.target).display_name()
                ),
                _ => "Phone number saved.".to_string(),
            };
            s.dialogs.retain(|d| !matches!(d, Dialog::Phone(_)));
            s.info(StatusKind::Ok, msg);
        }
        Err(e) => {
            if let Some(Dialog::Phone(p)) = s.dialogs.last_mut() {
                p.error = Some(e.clone());
                p.busy = false;
            }
            s.info(StatusKind::Error, e);
        }
    }
}

pub(super) fn view(p: &PhoneDialog, t: &Tenant, actor: Option<UserId>) -> DialogView {
    let u = t.user(p.target);
    let title = match p.mode {
        PhoneMode::Add => "Add phone number",
        PhoneMode::Edit => "Edit phone number",
        PhoneMode::Remove => "Remove phone number",
    };
    let mut choice = vec![VSpan::new("Type:     ", Tone::Dim)];
    for (i, k) in p.kinds.iter().enumerate() {
        let label = k.label();
        if i == p.kind_idx {
            choice.push(VSpan::new(format!("{MARKER}{label} "), Tone::Selected));
        } else {
            choice.push(VSpan::new(format!("{NO_MARKER}{label} "), Tone::Text));
        }
        choice.push(VSpan::new(" ", Tone::Text));
    }
    let mut lines = vec![
        VLine::text(format!("{} — {}", u.display_name(), u.upn()), Tone::Text),
        VLine::blank(),
        VLine::new(choice).indented(10),
    ];
    if p.mode == PhoneMode::Remove {
        for k in &p.kinds {
            if let (Some(m), Some(a)) = (u.phone(*k), actor) {
                lines.push(VLine::text(
                    format!(
                        "  {:<17}{}",
                        k.label(),
                        super::shown_number(t, a, p.target, &m.phone_number)
                    ),
                    Tone::Dim,
                ));
            }
        }
        lines.push(VLine::blank());
        lines.push(VLine::text(
            "Enter asks for confirmation; Esc cancels.",
            Tone::Dim,
        ));
    } else {
        lines.push(VLine::new(p.input.spans("Number:  ", false, true)));
        lines.push(VLine::blank());
        let validation = phone::validate_number(p.input.as_str());
        let line = match (&p.error, &validation, p.input.is_empty()) {
            (Some(e), _, _) => VLine::text(format!("✗ {e}"), Tone::Error),
            (None, _, true) => VLine::text("Type the number.", Tone::Dim),
            (None, Ok(n), false) => VLine::text(format!("✓ valid: {n}"), Tone::Ok),
            // Still typing: what is missing, without an alarm.
            (None, Err(e), false) => VLine::text(format!("Not yet: {e}"), Tone::Dim),
        };
        lines.push(line.indented(2));
        let said = p
            .error
            .as_deref()
            .or(validation.as_ref().err().map(String::as_str));
        if validation.is_err() && !said.is_some_and(|e| e.contains(phone::FORMAT_HINT)) {
            lines.push(
                VLine::text(format!("Format: {}", phone::FORMAT_HINT), Tone::Dim).indented(8),
            );
        }
        if p.busy {
            lines.push(VLine::text("Saving…", Tone::Dim));
        }
    }
    DialogView {
        title: title.to_string(),
        lines,
        list: None,
        buttons: None,
    }
}
