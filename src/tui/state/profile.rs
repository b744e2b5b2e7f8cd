//! The profile pane: the selected user's details, phone numbers (masked unless the actor may
//! manage them) and the actions, each with the engine's decision.

use crate::model::UserId;
use crate::model::{Principal, Tenant};
use crate::permissions::{self, Action, Decision, Target};
use crate::phone::{self, PhoneType};
use crate::tui::keymap::{Cmd, Ctx};
use crate::tui::layout::Areas;
use crate::tui::view::{Frame, TextPane, Tone, VLine, VSpan, wrap_lines};

use super::{Pane, State};

/// One action of the profile, with the engine's decision.
#[derive(Debug, Clone)]
pub struct ActionView {
    pub cmd: Cmd,
    pub label: &'static str,
    pub allowed: bool,
    pub reason: String,
    /// Refused, but allowed once the person activates this eligibility (PIM): its name. The
    /// reason then leaves that part out.
    pub after_activating: Option<String>,
}

impl ActionView {
    /// The reason as one sentence for the status line, with the key that activates the
    /// eligibility which would allow it.
    pub fn shown_reason(&self, keys: &crate::tui::keymap::Keymap) -> String {
        match &self.after_activating {
            // The key first: a status line is one row and is cut at its end.
            Some(name) => format!(
                "Press {} to activate {name}, which you are eligible for. ({})",
                keys.key_text(Ctx::Profile, Cmd::Activate),
                self.reason
            ),
            None => self.reason.clone(),
        }
    }
}

/// The profile's actions for `target`, each asked of the engine (phone edit/remove also need a
/// number to act on, add a free phone type).
pub fn profile_actions(t: &Tenant, actor: UserId, target: UserId) -> Vec<ActionView> {
    let who = Principal::User(actor);
    let reset = permissions::decide(t, who, Action::ResetPassword, Target::User(target));
    let phone = permissions::decide(t, who, Action::ManagePhone, Target::User(target));
    let user = t.user(target);
    // The domain's rules on the registered numbers, in its words.
    let rule = |change| {
        phone::change_available(&user.phones, change)
            .err()
            .map(|r| {
                let why = r.sentence(user.display_name());
                format!("{}{}.", why[..1].to_uppercase(), &why[1..])
            })
    };
    let (add, edit, remove) = (
        rule(phone::PhoneChange::Add),
        rule(phone::PhoneChange::Edit),
        rule(phone::PhoneChange::Remove),
    );
    let view = |cmd, label, d: &Decision, extra: Option<&str>| {
        let (allowed, reason, after) = match (d.allowed, extra) {
            (true, Some(why)) => (false, why.to_string(), None),
            _ => (
                d.allowed,
                d.reason_alone(t).to_string(),
                d.after_activating.map(|a| a.describe(t)),
            ),
        };
        ActionView {
            cmd,
            label,
            allowed,
            reason,
            after_activating: after,
        }
    };
    vec![
        view(Cmd::ResetPassword, "Reset password", &reset, None),
        view(Cmd::AddPhone, "Add phone number", &phone, add.as_deref()),
        view(Cmd::EditPhone, "Edit phone number", &phone, edit.as_deref()),
        view(
            Cmd::RemovePhone,
            "Remove phone number",
            &phone,
            remove.as_deref(),
        ),
        ActionView {
            cmd: Cmd::UserAudit,
            label: "Audit records of this user",
            allowed: true,
            reason: String::new(),
            after_activating: None,
        },
    ]
}

/// May the actor see this user's phone numbers in full? (Only who may manage them.)
pub fn phones_visible(t: &Tenant, actor: UserId, target: UserId) -> bool {
    permissions::may_see_phone_numbers(t, Principal::User(actor), target)
}

/// A phone number as the actor may see it.
pub fn shown_number(t: &Tenant, actor: UserId, target: UserId, number: &str) -> String {
    if phones_visible(t, actor, target) {
        number.to_string()
    } else {
        phone::mask(number)
    }
}

fn field(label: &str, value: impl AsRef<str>) -> VLine {
    VLine::new(vec![
        VSpan::new(format!("{label:<11}"), Tone::Dim),
        VSpan::new(value, Tone::Text),
    ])
    .indented(11)
}

/// Uses of a phone method the tenant allows (they depend on the tenant's settings).
fn phone_uses(t: &Tenant, kind: PhoneType) -> String {
    let ps = &t.settings.phone_sign_in;
    let mut v = Vec::new();
    if ps.sms_sign_in && kind == PhoneType::Mobile {
        v.push("SMS sign-in");
    }
    if ps.mfa {
        v.push("MFA");
    }
    if ps.self_service_password_reset {
        v.push("SSPR");
    }
    if v.is_empty() {
        "not usable for sign-in".to_string()
    } else {
        v.join(", ")
    }
}

fn details(s: &State, t: &Tenant, u: UserId) -> Vec<VLine> {
    let user = t.user(u);
    let mut lines = vec![
        field("Job title", user.job_title().unwrap_or("—")),
        field("Department", user.department().unwrap_or("—")),
        field("Office", user.office_location().unwrap_or("—")),
        field(
            "Account",
            if user.account_enabled {
                "enabled"
            } else {
                "disabled"
            },
        ),
        field(
            "Source",
            if user.synced {
                match &user.sam_account_name() {
                    Some(sam) => format!("synced from on-premises ({sam})"),
                    None => "synced from on-premises".to_string(),
                }
            } else {
                "cloud-only".to_string()
            },
        ),
        field(
            "Password",
            match (
                &user.password().last_changed,
                user.password().force_change_next_sign_in,
            ) {
                (Some(at), true) => {
                    format!("last reset {}; must change at next sign-in", s.when(at))
                }
                (Some(at), false) => format!("last changed {}", s.when(at)),
                (None, true) => "must change at next sign-in".to_string(),
                (None, false) => "never reset".to_string(),
            },
        ),
        field("Roles", super::roles_summary(t, u)),
    ];
    let aus = super::panes::user_locations(t, u);
    lines.push(field(
        "Locations",
        if aus.is_empty() {
            "none".to_string()
        } else {
            aus.join(", ")
        },
    ));
    lines
}

fn phones(t: &Tenant, actor: UserId, u: UserId) -> Vec<VLine> {
    let user = t.user(u);
    let visible = phones_visible(t, actor, u);
    let mut lines = vec![VLine::text(
        if visible {
            "Phone numbers"
        } else {
            "Phone numbers (masked)"
        },
        Tone::Title,
    )];
    if user.phones.is_empty() {
        lines.push(VLine::text("  none registered", Tone::Dim));
    }
    for p in &user.phones {
        lines.push(VLine::new(vec![
            VSpan::new(format!("  {}: ", p.phone_type.label()), Tone::Dim),
            VSpan::new(shown_number(t, actor, u, &p.phone_number), Tone::Text),
        ]));
        lines.push(
            VLine::text(
                format!("    for {}", phone_uses(t, p.phone_type)),
                Tone::Dim,
            )
            .indented(8),
        );
    }
    lines
}

/// How many helpers "Who can help" names per action before "and N more".
const HELPERS_SHOWN: usize = 3;

/// The people other than `actor` who may do `action` to `u`: the location's own admins first
/// (closest to the store), then tenant-wide ones; each once.
fn helpers(t: &Tenant, actor: UserId, u: UserId, action: Action) -> Vec<UserId> {
    let mut hs = crate::delegation::who_can(t, action, u, false);
    hs.retain(|h| h.user != actor);
    hs.sort_by_key(|h| h.scope == crate::model::Scope::Tenant);
    let mut out: Vec<UserId> = Vec::new();
    for h in hs {
        if !out.contains(&h.user) {
            out.push(h.user);
        }
    }
    out
}

/// For one action on the profile's user: whether the engine refuses it to the actor, and who
/// else may do it ([`helpers`]). Worked out once per frame, for the actions' "Ask …" and for
/// "Who can help".
struct Help {
    action: Action,
    refused: bool,
    helpers: Vec<UserId>,
}

fn help_for(t: &Tenant, actor: UserId, u: UserId) -> [Help; 2] {
    [Action::ResetPassword, Action::ManagePhone].map(|action| Help {
        action,
        refused: !permissions::decide(t, Principal::User(actor), action, Target::User(u)).allowed,
        helpers: helpers(t, actor, u, action),
    })
}

/// "Who can help": whom to ask for what the actor may not do themselves.
fn who_can_help(t: &Tenant, help: &[Help; 2]) -> Vec<VLine> {
    let mut lines = vec![VLine::text("Who can help", Tone::Title)];
    for (label, h) in ["Passwords", "Phones"].iter().zip(help) {
        let hs = &h.helpers;
        let names: Vec<&str> = hs
            .iter()
            .take(HELPERS_SHOWN)
            .map(|&h| t.user(h).display_name())
            .collect();
        let text = match hs.len() {
            0 => "no one else".to_string(),
            n if n > HELPERS_SHOWN => {
                format!("{}, and {} more", names.join(", "), n - HELPERS_SHOWN)
            }
            _ => names.join(", "),
        };
        lines.push(
            VLine::new(vec![
                VSpan::new(format!("  {label:<10}"), Tone::Dim),
                VSpan::new(text, Tone::Text),
            ])
            .indented(12),
        );
    }
    lines
}

fn actions(
    keys: &crate::tui::keymap::Keymap,
    t: &Tenant,
    actor: UserId,
    u: UserId,
    help: &[Help; 2],
) -> Vec<VLine> {
    let mut lines = vec![VLine::text("Actions", Tone::Title)];
    let actions = profile_actions(t, actor, u);
    if !actions.iter().any(|a| a.allowed && a.cmd != Cmd::UserAudit) {
        lines.push(
            VLine::text("  Read-only: you cannot change this user.", Tone::Warning).indented(2),
        );
    }
    // Disabled actions refused for the same reason share one reason line.
    let mut i = 0;
    while i < actions.len() {
        let a = &actions[i];
        if a.allowed {
            lines.push(
                VLine::new(vec![
                    VSpan::new("  ", Tone::Text),
                    VSpan::new(keys.key_text(Ctx::Profile, a.cmd), Tone::Key),
                    VSpan::new("  ", Tone::Text),
                    VSpan::new(a.label, Tone::Text),
                ])
                .indented(5),
            );
            i += 1;
            continue;
        }
        let mut j = i;
        while j < actions.len() && !actions[j].allowed && actions[j].reason == a.reason {
            lines.push(
                VLine::new(vec![
                    VSpan::new("  -  ", Tone::Disabled),
                    VSpan::new(actions[j].label, Tone::Disabled),
                ])
                .indented(5),
            );
            j += 1;
        }
        if let Some(name) = &a.after_activating {
            lines.push(
                VLine::new(vec![
                    VSpan::new("  ", Tone::Text),
                    VSpan::new(keys.key_text(Ctx::Profile, Cmd::Activate), Tone::Key),
                    VSpan::new("  ", Tone::Text),
                    VSpan::new(format!("Activate {name} to do this"), Tone::Text),
                ])
                .indented(5),
            );
        }
        // Whom to ask instead, when the engine refused (not a rule about the numbers).
        let action = match a.cmd {
            Cmd::ResetPassword => Some(Action::ResetPassword),
            Cmd::AddPhone | Cmd::EditPhone | Cmd::RemovePhone => Some(Action::ManagePhone),
            _ => None,
        };
        let ask = action
            .and_then(|act| help.iter().find(|h| h.action == act && h.refused))
            .and_then(|h| h.helpers.first().copied())
            .map(|h| {
                let h = t.user(h);
                format!(" Ask {} ({}).", h.display_name(), h.upn())
            })
            .unwrap_or_default();
        lines.push(VLine::text(format!("     {}{ask}", a.reason), Tone::Dim).indented(5));
        i = j;
    }
    lines
}

/// From this many rows the profile shows its details before the actions.
const TALL_PROFILE: u16 = 30;

/// The profile's lines wrapped to the pane. In a short pane the actions come right after the
/// name, before the long tail of details.
fn lines(s: &State, t: &Tenant, a: &Areas) -> Vec<VLine> {
    let (Some(actor), Some(u)) = (s.actor, s.profile_user()) else {
        return vec![VLine::text(
            if s.location().is_some() {
                "Select a member to see the profile."
            } else {
                "No location selected."
            },
            Tone::Dim,
        )];
    };
    let user = t.user(u);
    let top = vec![
        VLine::text(user.display_name(), Tone::Title),
        VLine::text(user.upn(), Tone::Dim),
        VLine::blank(),
    ];
    let help = help_for(t, actor, u);
    let refused = help.iter().any(|h| h.refused);
    let (details, phones, actions, help) = (
        details(s, t, u),
        phones(t, actor, u),
        actions(&s.keys, t, actor, u, &help),
        who_can_help(t, &help),
    );
    let width = a.panes.profile_text.width as usize;
    let join = |parts: [&Vec<VLine>; 4]| {
        let mut v = top.clone();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                v.push(VLine::blank());
            }
            v.extend(p.iter().cloned());
        }
        wrap_lines(&v, width)
    };
    let natural = join([&details, &phones, &actions, &help]);
    // By the pane's height, not by this user's lines, so the actions stay where they were as
    // the selection moves. Whom to ask matters most when the person may not do something
    // themselves: then it comes right after the actions; otherwise last.
    if a.panes.profile_text.height >= TALL_PROFILE {
        natural
    } else if refused {
        join([&actions, &help, &phones, &details])
    } else {
        join([&actions, &phones, &details, &help])
    }
}

/// How far the profile can scroll: its lines beyond the pane's height.
pub(super) fn max_scroll(s: &State, t: &Tenant) -> usize {
    let a = s.areas(t, s.size);
    lines(s, t, &a)
        .len()
        .saturating_sub(a.panes.profile_text.height as usize)
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> TextPane {
    let lines = lines(s, t, a);
    let h = a.panes.profile_text.height as usize;
    let max = lines.len().saturating_sub(h);
    let scroll = s.main.profile_scroll.min(max);
    let below = lines.len().saturating_sub(scroll + h);
    let footer = crate::tui::view::scroll_note(scroll, below);
    TextPane {
        frame: Frame {
            title: "Profile".to_string(),
            focused: s.main.pane == Pane::Profile,
            footer,
        },
        lines,
        scroll,
    }
}
