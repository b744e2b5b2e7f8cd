//! The one keymap. The state machine dispatches keys through [`lookup`], the status bar shows
//! [`hints`] and the `?` overlay lists [`help_sections`]: all three read [`BINDINGS`], so help can
//! never drift from what the keys really do.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key press, normalised: for characters the case is in the character and SHIFT is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
        }
    }
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }
    pub const fn code(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    /// From a crossterm event; `None` for releases and repeats we do not want (Windows reports
    /// both press and release).
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        Some(Key::normalise(ev.code, ev.modifiers))
    }

    pub fn normalise(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            c => c,
        };
        Key { code, mods }
    }

    /// A printable character typed without Ctrl/Alt: goes into text inputs.
    pub fn typed_char(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control() =>
            {
                Some(c)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Bksp"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

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
    Roles,
    /// A yes/no dialog (Cancel focused first).
    Confirm,
    /// A dialog with a text field.
    Input,
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
            Ctx::SignIn | Ctx::MemberFilter | Ctx::Search | Ctx::AuditFilter | Ctx::Input | Ctx::Picker
        )
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
            Ctx::Roles => "Scoped roles view",
            Ctx::Confirm => "Confirmation",
            Ctx::Input => "Input dialogs",
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
    FilterAudit,
    /// Move focus between the buttons or fields of a dialog.
    NextField,
    PrevField,
    /// Dialogs: activate the focused button or submit.
    Submit,
    Backspace,
    ClearInput,
}

pub struct Binding {
    pub cmd: Cmd,
    pub keys: &'static [Key],
    pub ctx: &'static [Ctx],
    /// Shown in the help overlay and, when `hint`, in the status bar.
    pub label: &'static str,
    pub hint: bool,
}

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
const LISTS: &[Ctx] = &[C::Locations, C::Members, C::Profile, C::Audit, C::Roles, C::Help];
const TYPED_LISTS: &[Ctx] = &[C::SignIn, C::Search, C::Picker, C::MemberFilter, C::AuditFilter];

/// Every binding. Context-specific bindings come before wider ones for the same key.
pub static BINDINGS: &[Binding] = &[
    // Global
    Binding { cmd: Cmd::ForceQuit, keys: &[Key::ctrl('c')], ctx: &[C::Global], label: "quit now", hint: false },
    // Help overlay
    Binding { cmd: Cmd::Back, keys: &[ESC, Key::ch('?'), Key::ch('q')], ctx: &[C::Help], label: "close help", hint: true },
    // Sign-in
    Binding { cmd: Cmd::Up, keys: &[UP], ctx: TYPED_LISTS, label: "previous", hint: false },
    Binding { cmd: Cmd::Down, keys: &[DOWN], ctx: TYPED_LISTS, label: "next", hint: false },
    Binding { cmd: Cmd::Open, keys: &[ENTER], ctx: &[C::SignIn], label: "sign in as the selected account", hint: true },
    Binding { cmd: Cmd::Quit, keys: &[ESC], ctx: &[C::SignIn], label: "quit", hint: true },
    // Access denied
    Binding { cmd: Cmd::SignOut, keys: &[Key::ch('s'), ENTER], ctx: &[C::Denied], label: "sign in as someone else", hint: true },
    Binding { cmd: Cmd::Quit, keys: &[Key::ch('q'), ESC], ctx: &[C::Denied], label: "quit", hint: true },
    // Lists everywhere
    Binding { cmd: Cmd::Up, keys: &[Key::ch('k'), UP], ctx: LISTS, label: "move up", hint: false },
    Binding { cmd: Cmd::Down, keys: &[Key::ch('j'), DOWN], ctx: LISTS, label: "move down", hint: false },
    Binding { cmd: Cmd::PageUp, keys: &[Key::code(KeyCode::PageUp), Key::ctrl('u')], ctx: LISTS, label: "page up", hint: false },
    Binding { cmd: Cmd::PageDown, keys: &[Key::code(KeyCode::PageDown), Key::ctrl('d')], ctx: LISTS, label: "page down", hint: false },
    Binding { cmd: Cmd::Top, keys: &[Key::ch('g'), Key::code(KeyCode::Home)], ctx: LISTS, label: "first", hint: false },
    Binding { cmd: Cmd::Bottom, keys: &[Key::ch('G'), Key::code(KeyCode::End)], ctx: LISTS, label: "last", hint: false },
    // Main panes
    Binding { cmd: Cmd::NextPane, keys: &[TAB, Key::ch('l'), RIGHT], ctx: PANES, label: "next pane", hint: false },
    Binding { cmd: Cmd::PrevPane, keys: &[BACKTAB, Key::ch('h'), LEFT], ctx: PANES, label: "previous pane", hint: false },
    Binding { cmd: Cmd::Open, keys: &[ENTER], ctx: &[C::Locations, C::Members], label: "open", hint: true },
    Binding { cmd: Cmd::Back, keys: &[ESC], ctx: &[C::Members, C::Profile], label: "back", hint: false },
    Binding { cmd: Cmd::GlobalSearch, keys: &[Key::ch('/')], ctx: PANES, label: "search everything", hint: true },
    Binding { cmd: Cmd::FilterMembers, keys: &[Key::ch('f')], ctx: &[C::Locations, C::Members], label: "filter this location", hint: true },
    Binding { cmd: Cmd::ScopedRoles, keys: &[Key::ch('o')], ctx: &[C::Locations, C::Members], label: "scoped roles of this location", hint: true },
    Binding { cmd: Cmd::ResetPassword, keys: &[Key::ch('r')], ctx: &[C::Members, C::Profile], label: "reset password", hint: true },
    Binding { cmd: Cmd::AddPhone, keys: &[Key::ch('a')], ctx: &[C::Profile], label: "add phone", hint: true },
    Binding { cmd: Cmd::EditPhone, keys: &[Key::ch('e')], ctx: &[C::Profile], label: "edit phone", hint: true },
    Binding { cmd: Cmd::RemovePhone, keys: &[Key::ch('d')], ctx: &[C::Profile], label: "remove phone", hint: true },
    Binding { cmd: Cmd::UserAudit, keys: &[Key::ch('u')], ctx: &[C::Profile], label: "this user's audit records", hint: true },
    Binding { cmd: Cmd::Audit, keys: &[Key::ch('A')], ctx: PANES, label: "audit log", hint: true },
    Binding { cmd: Cmd::SignOut, keys: &[Key::ch('S')], ctx: PANES, label: "sign in as someone else", hint: false },
    Binding { cmd: Cmd::Help, keys: &[Key::ch('?')], ctx: &[C::Locations, C::Members, C::Profile, C::Denied, C::Audit, C::Roles], label: "help", hint: true },
    Binding { cmd: Cmd::Quit, keys: &[Key::ch('q')], ctx: &[C::Locations, C::Members, C::Profile, C::Audit, C::Roles, C::Confirm, C::Notice], label: "quit", hint: true },
    // Member filter, search, audit filter, pickers
    Binding { cmd: Cmd::Open, keys: &[ENTER], ctx: &[C::Search, C::Picker], label: "go there / choose", hint: true },
    Binding { cmd: Cmd::Open, keys: &[ENTER], ctx: &[C::MemberFilter, C::AuditFilter], label: "keep the filter", hint: true },
    Binding { cmd: Cmd::Back, keys: &[ESC], ctx: &[C::Search, C::Picker, C::MemberFilter, C::AuditFilter], label: "close", hint: true },
    Binding { cmd: Cmd::Backspace, keys: &[Key::code(KeyCode::Backspace)], ctx: &[C::SignIn, C::Search, C::Picker, C::MemberFilter, C::AuditFilter, C::Input], label: "delete a character", hint: false },
    Binding { cmd: Cmd::ClearInput, keys: &[Key::ctrl('w')], ctx: &[C::SignIn, C::Search, C::Picker, C::MemberFilter, C::AuditFilter, C::Input], label: "clear the field", hint: false },
    // Audit view
    Binding { cmd: Cmd::FilterAudit, keys: &[Key::ch('/'), Key::ch('f')], ctx: &[C::Audit], label: "filter", hint: true },
    Binding { cmd: Cmd::Back, keys: &[ESC], ctx: &[C::Audit, C::Roles], label: "back", hint: true },
    // Scoped roles view
    Binding { cmd: Cmd::AddAssignment, keys: &[Key::ch('a')], ctx: &[C::Roles], label: "assign a role", hint: true },
    Binding { cmd: Cmd::RemoveAssignment, keys: &[Key::ch('d')], ctx: &[C::Roles], label: "remove the assignment", hint: true },
    // Dialogs
    Binding { cmd: Cmd::NextField, keys: &[TAB, RIGHT, Key::ch('l')], ctx: &[C::Confirm], label: "switch button", hint: false },
    Binding { cmd: Cmd::PrevField, keys: &[BACKTAB, LEFT, Key::ch('h')], ctx: &[C::Confirm], label: "switch button", hint: false },
    Binding { cmd: Cmd::NextField, keys: &[TAB, DOWN], ctx: &[C::Input], label: "next choice", hint: true },
    Binding { cmd: Cmd::PrevField, keys: &[BACKTAB, UP], ctx: &[C::Input], label: "previous choice", hint: false },
    Binding { cmd: Cmd::Submit, keys: &[ENTER], ctx: &[C::Confirm, C::Input], label: "confirm the focused choice", hint: true },
    Binding { cmd: Cmd::Back, keys: &[ESC], ctx: &[C::Confirm, C::Input], label: "cancel", hint: true },
    Binding { cmd: Cmd::Back, keys: &[ENTER, ESC], ctx: &[C::Notice], label: "close (the password is then gone)", hint: true },
];

fn applies(b: &Binding, ctx: Ctx) -> bool {
    b.ctx.contains(&ctx)
}

/// The command a key runs in a context (falling back to the global bindings).
pub fn lookup(ctx: Ctx, key: Key) -> Option<Cmd> {
    let find = |c: Ctx| {
        BINDINGS
            .iter()
            .find(|b| applies(b, c) && b.keys.contains(&key))
            .map(|b| b.cmd)
    };
    find(ctx).or_else(|| find(Ctx::Global))
}

/// The first key bound to a command in a context: tests press keys through this, never literals.
pub fn key_for(ctx: Ctx, cmd: Cmd) -> Key {
    BINDINGS
        .iter()
        .find(|b| b.cmd == cmd && (applies(b, ctx) || applies(b, Ctx::Global)))
        .and_then(|b| b.keys.first().copied())
        .unwrap_or_else(|| panic!("no key for {cmd:?} in {ctx:?}"))
}

fn keys_text(keys: &[Key]) -> String {
    keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join("/")
}

/// Status-bar hints for a context: `(keys, label)` for each hinted binding whose command is
/// currently enabled.
pub fn hints(ctx: Ctx, enabled: impl Fn(Cmd) -> bool) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.hint && applies(b, ctx) && enabled(b.cmd))
        .map(|b| (b.keys.first().map(|k| k.to_string()).unwrap_or_default(), b.label))
        .collect()
}

/// The help overlay: one section per context, each line `keys  label`.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    const ORDER: &[Ctx] = &[
        Ctx::Global,
        Ctx::Locations,
        Ctx::Members,
        Ctx::Profile,
        Ctx::MemberFilter,
        Ctx::Search,
        Ctx::Audit,
        Ctx::Roles,
        Ctx::Confirm,
        Ctx::Input,
        Ctx::Picker,
        Ctx::Notice,
        Ctx::SignIn,
        Ctx::Denied,
        Ctx::Help,
    ];
    let mut out = Vec::new();
    for &ctx in ORDER {
        let mut lines: Vec<(String, &'static str)> = Vec::new();
        for b in BINDINGS.iter().filter(|b| applies(b, ctx)) {
            // One line per label: merge bindings that say the same thing.
            let keys = keys_text(b.keys);
            match lines.iter_mut().find(|(_, l)| *l == b.label) {
                Some((k, _)) => {
                    k.push('/');
                    k.push_str(&keys)
                }
                None => lines.push((keys, b.label)),
            }
        }
        if ctx.is_text_entry() {
            lines.push(("type".to_string(), "edit the field"));
        }
        if !lines.is_empty() {
            out.push((ctx.title(), lines));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let all = [
            Ctx::Global,
            Ctx::SignIn,
            Ctx::Denied,
            Ctx::Locations,
            Ctx::Members,
            Ctx::MemberFilter,
            Ctx::Profile,
            Ctx::Search,
            Ctx::Audit,
            Ctx::AuditFilter,
            Ctx::Roles,
            Ctx::Confirm,
            Ctx::Input,
            Ctx::Picker,
            Ctx::Notice,
            Ctx::Help,
        ];
        for ctx in all {
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS.iter().filter(|b| applies(b, ctx)) {
                for k in b.keys {
                    assert!(seen.insert(*k), "{k} bound twice in {ctx:?}");
                }
            }
        }
    }

    #[test]
    fn text_entry_contexts_bind_no_printable_keys() {
        for b in BINDINGS {
            for ctx in b.ctx {
                if ctx.is_text_entry() {
                    for k in b.keys {
                        assert!(k.typed_char().is_none(), "{k} would steal typing in {ctx:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn keys_normalise() {
        use crossterm::event::KeyModifiers as M;
        assert_eq!(Key::normalise(KeyCode::Char('G'), M::SHIFT), Key::ch('G'));
        assert_eq!(Key::normalise(KeyCode::BackTab, M::SHIFT), BACKTAB);
        assert_eq!(Key::normalise(KeyCode::Char('C'), M::CONTROL | M::SHIFT), Key::ctrl('c'));
        assert_eq!(Key::ctrl('c').to_string(), "Ctrl-C");
        assert_eq!(lookup(Ctx::Profile, Key::ctrl('c')), Some(Cmd::ForceQuit));
        assert_eq!(key_for(Ctx::Profile, Cmd::ResetPassword), Key::ch('r'));
    }
}
