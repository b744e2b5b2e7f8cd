//! "Activate a role": the PIM eligibilities of the signed-in person, activated for a while with
//! a justification (or an activation ended early), each after a confirmation. Whether it may
//! happen is `pim.rs`'s to say when the session carries it out.

use crate::model::Tenant;
use crate::pim::{self, EligibleItem, Standing};
use crate::tui::keymap::Cmd;
use crate::tui::theme::{MARKER, NO_MARKER};
use crate::tui::view::{DialogView, Tone, VLine, VSpan};

use super::{ConfirmKind, Dialog, Effect, Screen, State, StatusKind, TextField};

/// Where the keyboard is in the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Items,
    Duration,
    Justification,
}

#[derive(Debug)]
pub struct ActivateDialog {
    pub items: Vec<EligibleItem>,
    pub sel: usize,
    pub field: Field,
    pub duration: TextField,
    pub justification: TextField,
    /// The last problem, shown until something changes.
    pub error: Option<String>,
    pub busy: bool,
}

/// The tenant's clock (set by the driver), for when an activation would end.
fn now(t: &Tenant) -> i64 {
    t.now().unwrap_or(0)
}

impl State {
    pub(super) fn open_activate(&mut self, t: &Tenant) {
        let Some(actor) = self.actor else {
            return;
        };
        let items = pim::eligible_items(t, actor);
        if items.is_empty() {
            self.info(
                StatusKind::Error,
                "You are eligible for no role (no PIM eligibilities): nothing to activate.",
            );
            return;
        }
        self.clear_status();
        let sel = items
            .iter()
            .position(|i| i.standing == Standing::Ready)
            .unwrap_or(0);
        self.dialogs.push(Dialog::Activate(ActivateDialog {
            items,
            sel,
            field: Field::Items,
            duration: TextField::with("1h"),
            justification: TextField::default(),
            error: None,
            busy: false,
        }));
    }
}

fn standing_text(s: &State, st: Standing) -> String {
    st.describe(|unix| s.when(&crate::when::rfc3339(unix)))
}

pub(super) fn on_key(
    s: &mut State,
    t: &Tenant,
    cmd: Option<Cmd>,
    typed: Option<char>,
) -> Vec<Effect> {
    let Some(Dialog::Activate(d)) = s.dialogs.last_mut() else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::Back) => s.close_dialog(),
        Some(Cmd::NextField) => {
            d.field = match d.field {
                Field::Items if d.sel + 1 < d.items.len() => {
                    d.sel += 1;
                    Field::Items
                }
                Field::Items => Field::Duration,
                Field::Duration => Field::Justification,
                Field::Justification => {
                    d.sel = 0;
                    Field::Items
                }
            };
            d.error = None;
        }
        Some(Cmd::PrevField) => {
            d.field = match d.field {
                Field::Items if d.sel > 0 => {
                    d.sel -= 1;
                    Field::Items
                }
                Field::Items => Field::Justification,
                Field::Duration => {
                    d.sel = d.items.len().saturating_sub(1);
                    Field::Items
                }
                Field::Justification => Field::Duration,
            };
            d.error = None;
        }
        Some(Cmd::Submit) => {
            if d.busy {
                return Vec::new();
            }
            let Some(item) = d.items.get(d.sel).cloned() else {
                return Vec::new();
            };
            let what = item.what.request(t);
            let kind = match item.standing {
                Standing::Active(Some(end)) => ConfirmKind::Deactivate {
                    what,
                    name: item.name,
                    end,
                },
                Standing::Ready => {
                    let seconds = match pim::parse_duration(d.duration.as_str()) {
                        Ok(x) => x,
                        Err(e) => {
                            d.error = Some(e);
                            d.field = Field::Duration;
                            return Vec::new();
                        }
                    };
                    let why = d.justification.as_str().trim().to_string();
                    if why.is_empty() {
                        d.error = Some("Say why you need it: PIM requires a justification.".into());
                        d.field = Field::Justification;
                        return Vec::new();
                    }
                    let end = now(t) + seconds;
                    ConfirmKind::Activate {
                        what,
                        name: item.name,
                        seconds,
                        justification: why,
                        end: item.window.end.map_or(end, |e| e.min(end)),
                    }
                }
                other => {
                    let text = format!("{}: {}.", item.name, standing_text(s, other));
                    if let Some(Dialog::Activate(d)) = s.dialogs.last_mut() {
                        d.error = Some(text);
                    }
                    return Vec::new();
                }
            };
            s.push_confirm(kind);
        }
        c => {
            let field = match d.field {
                Field::Duration => &mut d.duration,
                Field::Justification => &mut d.justification,
                Field::Items => return Vec::new(),
            };
            if field.edit(c, typed) {
                d.error = None;
            }
        }
    }
    Vec::new()
}

/// The session's answer to an activation (with its window) or a deactivation.
pub(super) fn done(
    s: &mut State,
    t: &Tenant,
    what: pim::Request,
    result: Result<Option<pim::Activation>, String>,
) -> Vec<Effect> {
    let name = pim::request_name(t, what);
    match result {
        Ok(a) => {
            let said = match a {
                Some(a) => {
                    let mut m = format!(
                        "{name} is active until {}.",
                        s.when(&crate::when::rfc3339(a.end))
                    );
                    if a.cut_by_eligibility {
                        m.push_str(" (Your eligibility ends then.)");
                    }
                    m
                }
                None => format!("{name} is no longer active."),
            };
            s.dialogs.retain(|d| !matches!(d, Dialog::Activate(_)));
            s.info(StatusKind::Ok, said.clone());
            // Someone shut out until they activated comes in now.
            if s.screen == Screen::Denied
                && let Some(actor) = s.actor
            {
                let d = crate::permissions::decide(
                    t,
                    crate::model::Principal::User(actor),
                    crate::permissions::Action::OpenMyStaff,
                    crate::permissions::Target::None,
                );
                if d.allowed {
                    let fx = s.sign_in(t, actor);
                    s.info(StatusKind::Ok, said);
                    return fx;
                }
            }
        }
        Err(e) => {
            if let Some(Dialog::Activate(d)) = s.dialogs.last_mut() {
                d.error = Some(e.clone());
                d.busy = false;
            }
            s.info(StatusKind::Error, e);
        }
    }
    Vec::new()
}

pub(super) fn view(d: &ActivateDialog, s: &State) -> DialogView {
    let mut lines = vec![VLine::text(
        "Roles you are eligible for (PIM). Activate one for a while, or end an activation:",
        Tone::Dim,
    )];
    lines.push(VLine::blank());
    for (i, item) in d.items.iter().enumerate() {
        let chosen = i == d.sel;
        let focused = chosen && d.field == Field::Items;
        // ▶ marks where the keyboard is; • the choice while it is in a field below.
        let marker = match (chosen, focused) {
            (true, true) => MARKER,
            (true, false) => "• ",
            _ => NO_MARKER,
        };
        let tone = match (focused, item.standing) {
            (true, _) => Tone::Selected,
            (false, Standing::Ready | Standing::Active(Some(_))) => Tone::Text,
            _ => Tone::Disabled,
        };
        lines.push(
            VLine::new(vec![
                VSpan::new(format!("{marker}{}", item.name), tone),
                VSpan::new(format!("  {}", standing_text(s, item.standing)), Tone::Dim),
            ])
            .indented(2),
        );
    }
    lines.push(VLine::blank());
    let label = |name: &str, f: Field| {
        let m = if d.field == f { MARKER } else { NO_MARKER };
        format!("{m}{name:<15}")
    };
    lines.push(VLine::new(d.duration.spans(
        &label("Duration:", Field::Duration),
        false,
        d.field == Field::Duration,
    )));
    lines.push(
        VLine::text(
            format!("{:17}30 minutes to 8 hours: 30m, 1h, 2h30m…", ""),
            Tone::Dim,
        )
        .indented(17),
    );
    lines.push(VLine::new(d.justification.spans(
        &label("Justification:", Field::Justification),
        false,
        d.field == Field::Justification,
    )));
    lines.push(VLine::blank());
    let hint = match (&d.error, d.items.get(d.sel).map(|i| i.standing)) {
        (Some(e), _) => VLine::text(format!("✗ {e}"), Tone::Error),
        (None, Some(Standing::Active(Some(_)))) => {
            VLine::text("Enter ends this activation now (asks first).", Tone::Dim)
        }
        (None, _) => VLine::text(
            "Enter asks for confirmation, then activates; Esc cancels.",
            Tone::Dim,
        ),
    };
    lines.push(hint.indented(2));
    if d.busy {
        lines.push(VLine::text("Saving…", Tone::Dim));
    }
    DialogView {
        title: "Activate a role".to_string(),
        lines,
        list: None,
        buttons: None,
    }
}
