//! The one keymap. The state machine dispatches keys through [`Keymap::lookup`], the status bar
//! shows [`Keymap::hints`] and the `?` overlay lists [`Keymap::help_sections`]: all three read
//! the keymap in force ([`BINDINGS`] with the config file's changes), so help can never drift
//! from what the keys really do. Keys themselves are in [`super::key`].

use crossterm::event::{KeyCode, KeyModifiers};

pub use super::key::Key;

/// Where the keyboard is: one context per screen, pane, view and dialog kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// Everywhere (lowest priority).
    Global,
    SignIn,
    Denied,
    Locations,
    Members,
    /// Typing the in-location filter of the members pane.
    MemberFilter,
    Profile,
    Search,
    Audit,
    /// Typing the audit filter.
    AuditFilter,
    /// One audit record in full.
    AuditDetail,
    Roles,
    /// The tenant settings view.
    Settings,
    /// The delegation report.
    Report,
    /// A yes/no dialog (Cancel focused first).
    Confirm,
    /// A dialog with a text field and a choice (adding or editing a phone number).
    Input,
    /// A dialog with a choice and nothing to type (which phone number to remove).
    Choice,
    /// A dialog with a masked password field and nothing to choose.
    Password,
    /// A dialog picking from a filtered list.
    Picker,
    /// A message shown until dismissed (the temporary password).
    Notice,
    Help,
}

impl Ctx {
    /// Contexts where unbound printable characters are typed into a field.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Ctx::SignIn
                | Ctx::MemberFilter
                | Ctx::Search
                | Ctx::AuditFilter
                | Ctx::Input
                | Ctx::Password
                | Ctx::Picker
        )
    }

    /// The status bar's hint for typing, in text-entry contexts.
    pub fn typing_hint(self) -> Option<&'static str> {
        match self {
            Ctx::Input | Ctx::Password => Some("to edit"),
            c if c.is_text_entry() => Some("to filter"),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::SignIn => "Sign-in screen",
            Ctx::Denied => "Access denied",
            Ctx::Locations => "Locations pane",
            Ctx::Members => "Members pane",
            Ctx::MemberFilter => "Filtering members",
            Ctx::Profile => "Profile pane",
            Ctx::Search => "Global search",
            Ctx::Audit => "Audit view",
            Ctx::AuditFilter => "Filtering the audit",
            Ctx::AuditDetail => "Audit record",
            Ctx::Roles => "Scoped roles view",
            Ctx::Settings => "Tenant settings view",
            Ctx::Report => "Delegation report",
            Ctx::Confirm => "Confirmation",
            Ctx::Input => "Input dialogs",
            Ctx::Choice => "Choice dialogs",
            Ctx::Password => "Password dialog",
            Ctx::Picker => "Pickers",
            Ctx::Notice => "Notices",
            Ctx::Help => "Help",
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    /// Enter: open, go in, choose.
    Open,
    /// Esc: go back, close.
    Back,
    Quit,
    ForceQuit,
    Help,
    GlobalSearch,
    FilterMembers,
    ResetPassword,
    AddPhone,
    EditPhone,
    RemovePhone,
    UserAudit,
    Audit,
    ScopedRoles,
    SignOut,
    AddAssignment,
    RemoveAssignment,
    /// The tenant settings view.
    Settings,
    /// Settings: remove the highlighted user or group from the My Staff selection.
    RemoveSelected,
    FilterAudit,
    /// Move focus between the buttons or fields of a dialog.
    NextField,
    PrevField,
    /// Dialogs: activate the focused button or submit.
    Submit,
    Backspace,
    ClearInput,
    /// Text fields: delete the character under the cursor.
    DeleteForward,
    CursorLeft,
    CursorRight,
    LineStart,
    LineEnd,
    WordLeft,
    WordRight,
    /// The password dialog: show or hide what is typed.
    Reveal,
    /// The temporary password: show or hide its phonetic spelling.
    Spell,
    /// PIM: activate a role one is eligible for, or end an activation.
    Activate,
    /// The delegation report view.
    Report,
}

pub struct Binding {
    /// Its name in the config file's `[keys]` table.
    pub name: &'static str,
    pub cmd: Cmd,
    pub keys: &'static [Key],
    pub ctx: &'static [Ctx],
    /// The help overlay's section.
    pub section: &'static str,
    /// The help overlay's line.
    pub label: &'static str,
    /// A short label for the status bar, if the binding is hinted there.
    pub hint: Option<&'static str>,
}

const fn b(
    name: &'static str,
    cmd: Cmd,
    keys: &'static [Key],
    ctx: &'static [Ctx],
    section: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        name,
        cmd,
        keys,
        ctx,
        section,
        label,
        hint,
    }
}

const S_GENERAL: &str = "General";
const S_SIGN_IN: &str = "Sign-in";
const S_MOVE: &str = "Moving around";
const S_FIND: &str = "Finding people";
const S_ACT: &str = "Actions on the selected user";
const S_VIEWS: &str = "Audit log, scoped roles and settings";
const S_DIALOGS: &str = "Dialogs";
const S_TEXT: &str = "Text fields";

const UP: Key = Key::code(KeyCode::Up);
const DOWN: Key = Key::code(KeyCode::Down);
const LEFT: Key = Key::code(KeyCode::Left);
const RIGHT: Key = Key::code(KeyCode::Right);
const ENTER: Key = Key::code(KeyCode::Enter);
const ESC: Key = Key::code(KeyCode::Esc);
const TAB: Key = Key::code(KeyCode::Tab);
const BACKTAB: Key = Key::code(KeyCode::BackTab);

use Ctx as C;

const PANES: &[Ctx] = &[C::Locations, C::Members, C::Profile];
const USER: &[Ctx] = &[C::Members, C::Profile];
/// Lists moved with letters as well as arrows (nothing is typed there).
const LISTS: &[Ctx] = &[
    C::Locations,
    C::Members,
    C::Profile,
    C::Audit,
    C::AuditDetail,
    C::Roles,
    C::Settings,
    C::Report,
    C::Help,
];
/// Lists under a text field: letters are typed, so only arrows and chords move.
const TYPED_LISTS: &[Ctx] = &[
    C::SignIn,
    C::Search,
    C::Picker,
    C::MemberFilter,
    C::AuditFilter,
];
/// Every text field.
const FIELDS: &[Ctx] = &[
    C::SignIn,
    C::Search,
    C::Picker,
    C::MemberFilter,
    C::AuditFilter,
    C::Input,
    C::Password,
];

const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::ALT,
    }
}
const fn ctrl_code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::CONTROL,
    }
}
const HOME: Key = Key::code(KeyCode::Home);
const END: Key = Key::code(KeyCode::End);
const PGUP: Key = Key::code(KeyCode::PageUp);
const PGDN: Key = Key::code(KeyCode::PageDown);

/// Every binding. Context-specific bindings come before wider ones for the same key.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // Moving around
    b("up", Cmd::Up, &[Key::ch('k'), UP], LISTS, S_MOVE, "move up", None),
    b("down", Cmd::Down, &[Key::ch('j'), DOWN], LISTS, S_MOVE, "move down", None),
    b("page-up", Cmd::PageUp, &[PGUP, Key::ctrl('u')], LISTS, S_MOVE, "page up", None),
    b("page-down", Cmd::PageDown, &[PGDN, Key::ctrl('d')], LISTS, S_MOVE, "page down", None),
    b("first", Cmd::Top, &[Key::ch('g'), HOME], LISTS, S_MOVE, "first row", None),
    b("last", Cmd::Bottom, &[Key::ch('G'), END], LISTS, S_MOVE, "last row", None),
    b("up-typing", Cmd::Up, &[UP], TYPED_LISTS, S_MOVE, "move up", None),
    b("down-typing", Cmd::Down, &[DOWN], TYPED_LISTS, S_MOVE, "move down", None),
    b("page-up-typing", Cmd::PageUp, &[PGUP, Key::ctrl('u')], TYPED_LISTS, S_MOVE, "page up", None),
    b("page-down-typing", Cmd::PageDown, &[PGDN, Key::ctrl('d')], TYPED_LISTS, S_MOVE, "page down", None),
    b("first-typing", Cmd::Top, &[ctrl_code(KeyCode::Home)], TYPED_LISTS, S_MOVE, "first row", None),
    b("last-typing", Cmd::Bottom, &[ctrl_code(KeyCode::End)], TYPED_LISTS, S_MOVE, "last row", None),
    b("next-pane", Cmd::NextPane, &[TAB, Key::ch('l'), RIGHT], PANES, S_MOVE, "next pane", None),
    b("previous-pane", Cmd::PrevPane, &[BACKTAB, Key::ch('h'), LEFT], PANES, S_MOVE, "previous pane", None),
    b("open", Cmd::Open, &[ENTER], &[C::Locations, C::Members], S_MOVE, "open the selected location or user", Some("open")),
    b("back-pane", Cmd::Back, &[ESC], &[C::Members, C::Profile], S_MOVE, "back to the previous pane", None),
    // Finding people
    b("search", Cmd::GlobalSearch, &[Key::ch('/')], PANES, S_FIND, "search every location and user", Some("search")),
    b("filter-members", Cmd::FilterMembers, &[Key::ch('f')], &[C::Locations, C::Members], S_FIND, "filter the members of this location", Some("filter")),
    b("choose", Cmd::Open, &[ENTER], &[C::Search, C::Picker], S_FIND, "go to the result / choose", Some("choose")),
    b("keep-filter", Cmd::Open, &[ENTER], &[C::MemberFilter, C::AuditFilter], S_FIND, "keep the filter and go to the list", Some("keep")),
    b("close-search", Cmd::Back, &[ESC], &[C::Search, C::Picker, C::MemberFilter, C::AuditFilter], S_FIND, "close the search, or clear the filter", Some("close")),
    // Text fields
    b("cursor-left", Cmd::CursorLeft, &[LEFT], FIELDS, S_TEXT, "cursor left / right", None),
    b("cursor-right", Cmd::CursorRight, &[RIGHT], FIELDS, S_TEXT, "cursor left / right", None),
    b("line-start", Cmd::LineStart, &[HOME, Key::ctrl('a')], FIELDS, S_TEXT, "start / end of the field", None),
    b("line-end", Cmd::LineEnd, &[END, Key::ctrl('e')], FIELDS, S_TEXT, "start / end of the field", None),
    b("word-left", Cmd::WordLeft, &[alt(KeyCode::Left), Key { code: KeyCode::Char('b'), mods: KeyModifiers::ALT }], FIELDS, S_TEXT, "a word left / right", None),
    b("word-right", Cmd::WordRight, &[alt(KeyCode::Right), Key { code: KeyCode::Char('f'), mods: KeyModifiers::ALT }], FIELDS, S_TEXT, "a word left / right", None),
    b("backspace", Cmd::Backspace, &[Key::code(KeyCode::Backspace)], FIELDS, S_TEXT, "delete the character before the cursor", None),
    b("delete", Cmd::DeleteForward, &[Key::code(KeyCode::Delete)], FIELDS, S_TEXT, "delete the character under the cursor", None),
    b("clear-field", Cmd::ClearInput, &[Key::ctrl('w')], FIELDS, S_TEXT, "clear the field", None),
    // Actions on the selected user
    b("reset-password", Cmd::ResetPassword, &[Key::ch('r')], USER, S_ACT, "reset password", Some("reset password")),
    b("add-phone", Cmd::AddPhone, &[Key::ch('a')], USER, S_ACT, "add a phone number", Some("add phone")),
    b("edit-phone", Cmd::EditPhone, &[Key::ch('e')], USER, S_ACT, "edit a phone number", Some("edit phone")),
    b("remove-phone", Cmd::RemovePhone, &[Key::ch('d')], USER, S_ACT, "remove a phone number", Some("remove phone")),
    b("user-audit", Cmd::UserAudit, &[Key::ch('u')], USER, S_ACT, "audit records of this user", Some("user audit")),
    // Views
    b("audit", Cmd::Audit, &[Key::ch('A')], PANES, S_VIEWS, "audit log of the tenant", Some("audit")),
    b("scoped-roles", Cmd::ScopedRoles, &[Key::ch('o')], &[C::Locations, C::Members], S_VIEWS, "scoped role members of this location", Some("roles")),
    b("filter-audit", Cmd::FilterAudit, &[Key::ch('/'), Key::ch('f')], &[C::Audit], S_VIEWS, "audit log: filter", Some("filter")),
    b("audit-details", Cmd::Open, &[ENTER], &[C::Audit], S_VIEWS, "audit log: the record in full", Some("details")),
    b("assign-role", Cmd::AddAssignment, &[Key::ch('a')], &[C::Roles], S_VIEWS, "scoped roles: assign a role", Some("assign")),
    b("remove-assignment", Cmd::RemoveAssignment, &[Key::ch('d')], &[C::Roles], S_VIEWS, "scoped roles: remove the assignment", Some("remove")),
    b("settings", Cmd::Settings, &[Key::ch('t')], PANES, S_VIEWS, "tenant settings: who can access My Staff, phone sign-in, writeback", None),
    b("change-setting", Cmd::Open, &[ENTER], &[C::Settings], S_VIEWS, "settings: set My Staff access to the highlighted value (Selected: add a user or group)", Some("change")),
    b("remove-selected", Cmd::RemoveSelected, &[Key::ch('d')], &[C::Settings], S_VIEWS, "settings: remove the highlighted user or group from the selection", Some("remove")),
    b("delegation-report", Cmd::Report, &[Key::ch('D')], PANES, S_VIEWS, "delegation report: who can help whom in every location", None),
    b("back", Cmd::Back, &[ESC], &[C::Audit, C::AuditDetail, C::Roles, C::Settings, C::Report], S_VIEWS, "back", Some("back")),
    // Dialogs
    b("confirm-left", Cmd::PrevField, &[LEFT, BACKTAB, Key::ch('h')], &[C::Confirm], S_DIALOGS, "confirmations: choose a button (Cancel is focused first)", Some("choose")),
    b("confirm-right", Cmd::NextField, &[RIGHT, TAB, Key::ch('l')], &[C::Confirm], S_DIALOGS, "confirmations: choose a button (Cancel is focused first)", Some("choose")),
    b("confirm-select", Cmd::Submit, &[ENTER], &[C::Confirm], S_DIALOGS, "press the focused button", Some("select")),
    b("next-choice", Cmd::NextField, &[TAB, DOWN], &[C::Input, C::Choice], S_DIALOGS, "next / previous choice", Some("next choice")),
    b("previous-choice", Cmd::PrevField, &[BACKTAB, UP], &[C::Input, C::Choice], S_DIALOGS, "next / previous choice", None),
    b("next-field", Cmd::NextField, &[TAB, DOWN], &[C::Password], S_DIALOGS, "password: the other field", Some("other field")),
    b("previous-field", Cmd::PrevField, &[BACKTAB, UP], &[C::Password], S_DIALOGS, "password: the other field", None),
    b("reveal", Cmd::Reveal, &[Key::ctrl('r')], &[C::Password], S_DIALOGS, "password: show or hide what you typed", Some("show/hide")),
    b("submit", Cmd::Submit, &[ENTER], &[C::Input, C::Choice, C::Password], S_DIALOGS, "submit", Some("submit")),
    b("cancel", Cmd::Back, &[ESC], &[C::Confirm, C::Input, C::Choice, C::Password], S_DIALOGS, "cancel", Some("cancel")),
    b("spell", Cmd::Spell, &[Key::ch('p')], &[C::Notice], S_DIALOGS, "temporary password: spell it out (phonetic alphabet)", Some("spell out")),
    b("close-notice", Cmd::Back, &[ENTER, ESC], &[C::Notice], S_DIALOGS, "close the notice (a temporary password is then gone)", Some("close")),
    // General
    b("force-quit", Cmd::ForceQuit, &[Key::ctrl('c')], &[C::Global], S_GENERAL, "quit at once (anywhere)", None),
    b("help", Cmd::Help, &[Key::ch('?')], &[C::Locations, C::Members, C::Profile, C::Denied, C::Audit, C::AuditDetail, C::Roles, C::Settings, C::Report], S_GENERAL, "this help", Some("help")),
    b("close-help", Cmd::Back, &[ESC, Key::ch('?'), Key::ch('q')], &[C::Help], S_GENERAL, "close the help", Some("close")),
    b("quit", Cmd::Quit, &[Key::ch('q')], &[C::Locations, C::Members, C::Profile, C::Audit, C::AuditDetail, C::Roles, C::Settings, C::Report, C::Confirm, C::Notice], S_GENERAL, "quit (asks first if a dialog is open)", Some("quit")),
    b("sign-out", Cmd::SignOut, &[Key::ch('S')], PANES, S_GENERAL, "sign in as someone else", None),
    b("activate-role", Cmd::Activate, &[Key::ch('P')], &[C::Locations, C::Members, C::Profile, C::Denied], S_GENERAL, "activate a role you are eligible for (PIM), or end an activation", Some("activate role")),
    // Sign-in and access denied
    b("sign-in", Cmd::Open, &[ENTER], &[C::SignIn], S_SIGN_IN, "sign in as the selected account", Some("sign in")),
    b("sign-in-back", Cmd::Back, &[ESC], &[C::SignIn], S_SIGN_IN, "back to your account (quit if nobody is signed in)", Some("back")),
    b("denied-sign-in", Cmd::SignOut, &[Key::ch('s'), ENTER], &[C::Denied], S_SIGN_IN, "access denied: sign in as someone else", Some("sign in as someone else")),
    b("denied-quit", Cmd::Quit, &[Key::ch('q'), ESC], &[C::Denied], S_SIGN_IN, "access denied: quit", Some("quit")),
];

/// A key bound twice where both bindings apply, or one that typing would swallow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub name: &'static str,
    pub other: Option<&'static str>,
    pub why: String,
}

/// One binding as configured: the default's keys, or the config file's.
#[derive(Debug, Clone)]
pub struct Bound {
    pub name: &'static str,
    pub cmd: Cmd,
    pub keys: Vec<Key>,
    pub ctx: &'static [Ctx],
    pub section: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
}

impl Bound {
    fn applies(&self, ctx: Ctx) -> bool {
        self.ctx.contains(&ctx)
    }
}

/// The keymap in force: [`BINDINGS`] with the config file's changes. Dispatch, hints and help
/// all read it, so they show the keys as configured.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: BINDINGS
                .iter()
                .map(|b| Bound {
                    name: b.name,
                    cmd: b.cmd,
                    keys: b.keys.to_vec(),
                    ctx: b.ctx,
                    section: b.section,
                    label: b.label,
                    hint: b.hint,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The command a key runs in a context (falling back to the global bindings).
    pub fn lookup(&self, ctx: Ctx, key: Key) -> Option<Cmd> {
        let find = |c: Ctx| {
            self.bindings
                .iter()
                .find(|b| b.applies(c) && b.keys.contains(&key))
                .map(|b| b.cmd)
        };
        find(ctx).or_else(|| find(Ctx::Global))
    }

    /// The first key bound to a command in a context (`None` when it is unbound there).
    pub fn key_for(&self, ctx: Ctx, cmd: Cmd) -> Option<Key> {
        self.bindings
            .iter()
            .filter(|b| b.cmd == cmd && (b.applies(ctx) || b.applies(Ctx::Global)))
            .find_map(|b| b.keys.first().copied())
    }

    /// [`Keymap::key_for`] as text, "(unbound)" when there is none.
    pub fn key_text(&self, ctx: Ctx, cmd: Cmd) -> String {
        self.key_for(ctx, cmd)
            .map_or_else(|| "(unbound)".to_string(), |k| k.to_string())
    }

    /// Two bindings of one context sharing a key, or a printable key where typing goes to a
    /// field: the first one found.
    pub fn conflict(&self) -> Option<Conflict> {
        for (i, b) in self.bindings.iter().enumerate() {
            for k in &b.keys {
                for ctx in b.ctx {
                    if ctx.is_text_entry() && k.typed_char().is_some() {
                        return Some(Conflict {
                            name: b.name,
                            other: None,
                            why: format!(
                                "`{}` would be typed into the field ({}), not run",
                                k.config_name(),
                                ctx.title()
                            ),
                        });
                    }
                    if let Some(other) = self.bindings[..i]
                        .iter()
                        .find(|o| o.applies(*ctx) && o.keys.contains(k))
                    {
                        return Some(Conflict {
                            name: b.name,
                            other: Some(other.name),
                            why: format!(
                                "`{}` is bound to `{}` already ({})",
                                k.config_name(),
                                other.name,
                                ctx.title()
                            ),
                        });
                    }
                }
            }
        }
        None
    }
    fn keys_text(keys: &[Key]) -> String {
        keys.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Status-bar hints for a context: `(keys, short label)` for each hinted binding whose command
    /// is currently enabled. Bindings with the same hint share one entry ("←/→ choose").
    pub fn hints(&self, ctx: Ctx, enabled: impl Fn(Cmd) -> bool) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for b in self
            .bindings
            .iter()
            .filter(|b| b.applies(ctx) && enabled(b.cmd))
        {
            let (Some(key), Some(hint)) = (b.keys.first(), b.hint) else {
                continue;
            };
            match out.iter_mut().find(|(_, h)| *h == hint) {
                Some((k, _)) => {
                    k.push('/');
                    k.push_str(&key.to_string());
                }
                None => out.push((key.to_string(), hint)),
            }
        }
        out
    }

    /// The help overlay: one section per `section`, in keymap order. Bindings with the same label
    /// share a row (their keys merged), and rows with the same keys share a row (their labels
    /// joined), so each key is listed once per section.
    pub fn help_sections(&self) -> Vec<(&'static str, Vec<(String, String)>)> {
        type Rows = Vec<(Vec<Key>, Vec<&'static str>)>;
        let mut sections: Vec<(&'static str, Rows)> = Vec::new();
        for b in &self.bindings {
            if b.keys.is_empty() {
                continue;
            }
            let pos = match sections.iter().position(|(s, _)| *s == b.section) {
                Some(p) => p,
                None => {
                    sections.push((b.section, Vec::new()));
                    sections.len() - 1
                }
            };
            let rows = &mut sections[pos].1;
            match rows
                .iter_mut()
                .find(|(_, labels)| labels.contains(&b.label))
            {
                Some((keys, _)) => {
                    for k in &b.keys {
                        if !keys.contains(k) {
                            keys.push(*k);
                        }
                    }
                }
                None => rows.push((b.keys.clone(), vec![b.label])),
            }
        }
        let mut out = Vec::new();
        for (title, rows) in sections {
            let mut merged: Vec<(Vec<Key>, Vec<&'static str>)> = Vec::new();
            for (keys, labels) in rows {
                match merged.iter_mut().find(|(k, _)| *k == keys) {
                    Some((_, l)) => l.extend(labels),
                    None => merged.push((keys, labels)),
                }
            }
            let mut lines: Vec<(String, String)> = merged
                .into_iter()
                .map(|(keys, labels)| (Self::keys_text(&keys), labels.join("; ")))
                .collect();
            if title == S_TEXT {
                lines.push((
                    "(type)".to_string(),
                    "typing edits the search, filter or field; in a list under a field, move with the arrows, PgUp/PgDn and Ctrl-Home/Ctrl-End".to_string(),
                ));
            }
            out.push((title, lines));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_have_no_conflict_and_unique_names() {
        let km = Keymap::default();
        assert_eq!(km.conflict(), None);
        let mut names: Vec<&str> = BINDINGS.iter().map(|b| b.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "two bindings share a name");
    }

    #[test]
    fn conflicts_are_found() {
        let mut km = Keymap::default();
        let i = km
            .bindings
            .iter()
            .position(|b| b.name == "reset-password")
            .unwrap();
        km.bindings[i].keys = vec![Key::ch('a')];
        let c = km.conflict().unwrap();
        assert_eq!((c.name, c.other), ("add-phone", Some("reset-password")));
        let mut km = Keymap::default();
        let i = km.bindings.iter().position(|b| b.name == "choose").unwrap();
        km.bindings[i].keys = vec![Key::ch('x')];
        let c = km.conflict().unwrap();
        assert_eq!(c.name, "choose");
        assert!(c.why.contains("typed"), "{}", c.why);
    }

    #[test]
    fn the_password_dialog_offers_no_choice() {
        let km = Keymap::default();
        let hints = km.hints(Ctx::Password, |_| true);
        assert!(hints.iter().all(|(_, l)| *l != "next choice"), "{hints:?}");
        assert_eq!(km.lookup(Ctx::Password, TAB), Some(Cmd::NextField));
        assert_eq!(km.lookup(Ctx::Password, ENTER), Some(Cmd::Submit));
        assert_eq!(Ctx::Password.typing_hint(), Some("to edit"));
        assert_eq!(Ctx::Search.typing_hint(), Some("to filter"));
        assert_eq!(Ctx::Audit.typing_hint(), None);
    }

    #[test]
    fn keys_normalise() {
        use crossterm::event::KeyModifiers as M;
        assert_eq!(Key::normalise(KeyCode::Char('G'), M::SHIFT), Key::ch('G'));
        assert_eq!(Key::normalise(KeyCode::BackTab, M::SHIFT), BACKTAB);
        assert_eq!(
            Key::normalise(KeyCode::Char('C'), M::CONTROL | M::SHIFT),
            Key::ctrl('c')
        );
        assert_eq!(Key::ctrl('c').to_string(), "Ctrl-C");
        let km = Keymap::default();
        assert_eq!(
            km.lookup(Ctx::Profile, Key::ctrl('c')),
            Some(Cmd::ForceQuit)
        );
        assert_eq!(
            km.key_for(Ctx::Profile, Cmd::ResetPassword),
            Some(Key::ch('r'))
        );
    }
}
