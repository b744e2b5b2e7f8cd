//! The sign-in screen (a filterable list of accounts) and the access-denied screen.

use crate::model::UserId;
use crate::model::{Principal, Tenant};
use crate::natural::natural_key;
use crate::permissions::{self, Action, Target};
use crate::tui::keymap::{Cmd, Ctx};
use crate::tui::layout::Areas;
use crate::tui::text;
use crate::tui::view::{
    Body, Col, Frame, ListScreen, ListView, Row, TextPane, Tone, VLine, VSpan, wrap_lines,
};

use super::fuzzy::{ascii_folded_subsequence, fuzzy};
use super::list::{ListSel, is_move};
use super::panes::Main;
use super::{AuditState, Effect, Pane, Screen, SearchState, State, TextField, View};

/// Above this many live users the sign-in screen lists only those holding a role: labelling,
/// sorting and filtering millions of accounts on every keystroke would stall the UI.
pub const SIGN_IN_LIST_ALL_MAX: usize = 20_000;

#[derive(Debug)]
pub struct Account {
    pub user: UserId,
    /// "Name · roles · upn": what is shown and matched.
    pub label: String,
}

#[derive(Debug, Default)]
pub struct SignIn {
    pub filter: TextField,
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
    /// Who was signed in when `S` opened this screen, and on which screen: `Esc` goes back.
    pub previous: Option<(UserId, Screen)>,
    /// The last non-empty filter (trimmed, lowercased) and the listed accounts it matched, in
    /// ascending order: a filter that only adds letters matches a subset of them, so typing on
    /// rescans those instead of every listed account.
    narrowed: Option<(String, Vec<usize>)>,
}

fn account(t: &Tenant, u: UserId) -> Account {
    let user = t.user(u);
    Account {
        user: u,
        label: format!(
            "{} · {} · {}",
            user.display_name(),
            super::roles_summary(t, u),
            user.upn()
        ),
    }
}

impl State {
    pub(super) fn open_sign_in(&mut self, t: &Tenant) {
        self.signin.previous = self.actor.map(|a| (a, self.screen));
        self.screen = Screen::SignIn;
        self.actor = None;
        self.dialogs.clear();
        self.signin.filter.clear();
        let holders = t.role_holders();
        let total = t.live_users().count();
        let listed: Vec<UserId> = if total <= SIGN_IN_LIST_ALL_MAX {
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
        // Switching account starts on the account in use.
        if let Some((me, _)) = self.signin.previous
            && let Some(p) = self
                .signin
                .shown
                .iter()
                .position(|(i, _)| self.signin.accounts[*i].user == me)
        {
            self.signin.list.sel = p;
        }
    }

    fn refilter_sign_in(&mut self, t: &Tenant) {
        let s = &mut self.signin;
        s.accounts.truncate(s.listed);
        let filter = s.filter.as_str().to_string();
        let pattern = filter.trim().to_ascii_lowercase();
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
            &filter,
            |i: usize| {
                let u = t.user(accounts[i].user);
                let upn = u.upn();
                vec![u.display_name(), upn, upn.split('@').next().unwrap_or(upn)]
            },
        );
        if !pattern.is_empty() && pattern.is_ascii() {
            let mut matched: Vec<usize> = s.shown.iter().map(|(i, _)| *i).collect();
            matched.sort_unstable();
            s.narrowed = Some((pattern, matched));
        }
        // Someone not listed, named exactly: first.
        if s.listed < s.total
            && let Some(u) = t.find_user(&filter)
            && !s.accounts.iter().any(|a| a.user == u)
        {
            s.accounts.push(account(t, u));
            s.shown.insert(0, (s.listed, Vec::new()));
        }
        s.list.reset();
    }

    pub(super) fn sign_in(&mut self, t: &Tenant, actor: UserId) -> Vec<Effect> {
        self.actor = Some(actor);
        self.signin.previous = None;
        self.dialogs.clear();
        self.view = View::Panes;
        self.clear_status();
        let d = permissions::decide(t, Principal::User(actor), Action::OpenMyStaff, Target::None);
        if !d.allowed {
            self.deny(t, &d);
            return Vec::new();
        }
        self.screen = Screen::Main;
        self.main = Main {
            pane: Pane::Locations,
            locations: super::panes::my_locations(t, actor),
            ..Main::default()
        };
        self.load_members(t);
        self.audit = AuditState::default();
        self.search = SearchState::default();
        vec![Effect::LoadPref {
            key: super::pref_key(t, actor),
        }]
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
    if ctx == Ctx::Denied {
        match cmd {
            Some(Cmd::SignOut) => s.open_sign_in(t),
            Some(Cmd::Activate) => s.open_activate(t),
            Some(Cmd::Quit) => return s.quit_now(),
            Some(Cmd::Help) => s.help = Some(Default::default()),
            _ => {}
        }
        return Vec::new();
    }
    match cmd {
        Some(Cmd::Open) => {
            if let Some((i, _)) = s.signin.shown.get(s.signin.list.sel) {
                let u = s.signin.accounts[*i].user;
                return s.sign_in(t, u);
            }
        }
        Some(Cmd::Back) => match s.signin.previous.take() {
            Some((actor, screen)) => {
                s.actor = Some(actor);
                s.screen = screen;
            }
            None => return s.quit_now(),
        },
        Some(c) if is_move(c) => {
            s.signin.list.step(c, s.signin.shown.len(), page);
        }
        c => {
            if s.signin.filter.edit(c, typed) {
                s.refilter_sign_in(t);
            }
        }
    }
    Vec::new()
}

/// An account's label as columns: the name kept whole, the sign-in name cut first, then the
/// roles; each keeps its matched characters.
fn label_cols(label: &str, idx: &[usize]) -> Vec<Col> {
    let mut cols = Vec::new();
    let mut start = 0;
    for (n, part) in label.splitn(3, " · ").enumerate() {
        let len = part.chars().count();
        let sep = if n == 0 { 0 } else { 3 };
        let base = start + sep;
        // Positions in the label, moved to the column's text ("· " before all but the name).
        let local: Vec<usize> = idx
            .iter()
            .filter(|&&i| i >= base && i < base + len)
            .map(|&i| i - base + if n == 0 { 0 } else { 2 })
            .collect();
        let shown = if n == 0 {
            part.to_string()
        } else {
            format!("· {part}")
        };
        let c = Col::new(text::highlighted(&shown, &local, Tone::Text));
        cols.push(match n {
            0 => c.middle().min(12),
            1 => c.shrink(1).min(12),
            _ => c.shrink(2).min(0),
        });
        start = base + len;
    }
    cols
}

pub(super) fn view(s: &State, a: &Areas) -> ListScreen {
    let si = &s.signin;
    let note = if si.listed < si.total {
        // The account named exactly, when it is not listed, comes on top of the listed ones.
        let named = si.accounts.len() - si.listed;
        format!(
            "Type a full sign-in name for anyone not listed · {}{} of {} role holders · {} accounts",
            if named > 0 { "1 named + " } else { "" },
            si.shown.len() - named,
            si.listed,
            si.total
        )
    } else {
        format!(
            "{} of {} accounts · name · roles and scopes · sign-in name",
            si.shown.len(),
            si.total
        )
    };
    let h = a.list.height as usize;
    let window = si.list.window(h, si.shown.len());
    let rows = window
        .clone()
        .map(|i| {
            let (acc, idx) = &si.shown[i];
            Row::new(label_cols(&si.accounts[*acc].label, idx))
        })
        .collect();
    ListScreen {
        frame: Frame {
            title: "Sign in to My Staff — choose an account".to_string(),
            focused: true,
            footer: None,
        },
        head: vec![
            VLine::new(si.filter.spans("Filter:", false, true)),
            VLine::text(note, Tone::Dim),
        ],
        list: ListView {
            rows,
            offset: window.start,
            sel: si.list.sel,
            len: si.shown.len(),
            focused: true,
            empty: Some(if si.filter.is_empty() {
                "No accounts.".to_string()
            } else {
                "No account matches the filter.".to_string()
            }),
        },
    }
}

pub(super) fn denied_view(s: &State, t: &Tenant, a: &Areas) -> Body {
    let who = s
        .actor
        .map(|a| t.user(a).upn().to_string())
        .unwrap_or_default();
    let key = |c| s.keys.key_text(Ctx::Denied, c);
    let mut lines = vec![
        VLine::text(format!("Signed in as {who}"), Tone::Dim),
        VLine::blank(),
        VLine::text(&s.denied_reason, Tone::Error),
        VLine::blank(),
    ];
    let mut keys = Vec::new();
    if let Some(name) = &s.denied_activate {
        lines.push(VLine::text(
            format!("You are eligible for {name}: activating it lets you in."),
            Tone::Warning,
        ));
        lines.push(VLine::blank());
        keys.push(VSpan::new(key(Cmd::Activate), Tone::Key));
        keys.push(VSpan::new(" activate it    ", Tone::Text));
    }
    keys.extend([
        VSpan::new(key(Cmd::SignOut), Tone::Key),
        VSpan::new(" sign in as someone else    ", Tone::Text),
        VSpan::new(key(Cmd::Quit), Tone::Key),
        VSpan::new(" quit", Tone::Text),
    ]);
    lines.push(VLine::new(keys));
    Body::Boxed(TextPane {
        frame: Frame {
            title: "Access denied".to_string(),
            focused: true,
            footer: None,
        },
        lines: wrap_lines(&lines, a.list.width as usize),
        scroll: 0,
    })
}
