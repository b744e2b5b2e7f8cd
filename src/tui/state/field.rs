//! A one-line text field with a cursor: typing inserts at the cursor, ←/→, Home/End, Ctrl-A/E and
//! Alt-←/→ move, Backspace and Delete remove. Its text is zeroed when it is replaced or dropped,
//! so the same field serves for passwords.

use zeroize::Zeroize;

use crate::tui::keymap::Cmd;
use crate::tui::view::{Tone, VSpan};

#[derive(Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// In chars.
    cursor: usize,
}

impl std::fmt::Debug for TextField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never printed: the field may hold a password.
        write!(f, "TextField(<{} chars>)", self.text.chars().count())
    }
}

impl Drop for TextField {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl TextField {
    pub fn with(text: &str) -> TextField {
        let mut f = TextField::default();
        f.set(text);
        f
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text (zeroing the old one), cursor at the end.
    pub fn set(&mut self, text: &str) {
        self.replace(text.chars().collect());
        self.cursor = self.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Moves the text out (the field is left empty).
    pub fn take(&mut self) -> crate::tui::state::Secret {
        self.cursor = 0;
        crate::tui::state::Secret::new(std::mem::take(&mut self.text))
    }

    fn replace(&mut self, chars: Vec<char>) {
        // A new buffer every edit: the old one is zeroed, so no copy of a password is left
        // behind by a reallocation or by bytes shifted past the end.
        let mut next = String::with_capacity(self.text.capacity().max(32));
        next.extend(chars.iter());
        let mut chars = chars;
        chars.zeroize();
        self.text.zeroize();
        self.text = next;
    }

    /// Applies an editing command or a typed character; true when the text changed.
    pub fn edit(&mut self, cmd: Option<Cmd>, typed: Option<char>) -> bool {
        let mut chars: Vec<char> = self.text.chars().collect();
        let n = chars.len();
        let c = self.cursor.min(n);
        let changed = match (cmd, typed) {
            (None, Some(ch)) => {
                chars.insert(c, ch);
                self.cursor = c + 1;
                true
            }
            (Some(Cmd::Backspace), _) if c > 0 => {
                chars.remove(c - 1);
                self.cursor = c - 1;
                true
            }
            (Some(Cmd::DeleteForward), _) if c < n => {
                chars.remove(c);
                true
            }
            (Some(Cmd::ClearInput), _) if n > 0 => {
                chars.clear();
                self.cursor = 0;
                true
            }
            (Some(Cmd::CursorLeft), _) => {
                self.cursor = c.saturating_sub(1);
                false
            }
            (Some(Cmd::CursorRight), _) => {
                self.cursor = (c + 1).min(n);
                false
            }
            (Some(Cmd::LineStart), _) => {
                self.cursor = 0;
                false
            }
            (Some(Cmd::LineEnd), _) => {
                self.cursor = n;
                false
            }
            (Some(Cmd::WordLeft), _) => {
                let mut i = c;
                while i > 0 && chars[i - 1] == ' ' {
                    i -= 1;
                }
                while i > 0 && chars[i - 1] != ' ' {
                    i -= 1;
                }
                self.cursor = i;
                false
            }
            (Some(Cmd::WordRight), _) => {
                let mut i = c;
                while i < n && chars[i] == ' ' {
                    i += 1;
                }
                while i < n && chars[i] != ' ' {
                    i += 1;
                }
                self.cursor = i;
                false
            }
            _ => false,
        };
        if changed {
            self.replace(chars);
        } else {
            chars.zeroize();
        }
        changed
    }

    /// The field as spans: `label`, the text (or `•` per char when `masked`), and the cursor
    /// when `focused`.
    pub fn spans(&self, label: &str, masked: bool, focused: bool) -> Vec<VSpan> {
        let shown: Vec<char> = if masked {
            vec!['•'; self.len()]
        } else {
            self.text.chars().collect()
        };
        let mut out = vec![VSpan::new(format!("{label} "), Tone::Dim)];
        let c = self.cursor.min(shown.len());
        let before: String = shown[..c].iter().collect();
        out.push(VSpan::new(before, Tone::Text));
        if focused {
            let at: String = shown.get(c).map_or(" ".to_string(), |ch| ch.to_string());
            out.push(VSpan::new(at, Tone::Cursor));
            let after: String = shown.get(c + 1..).unwrap_or(&[]).iter().collect();
            out.push(VSpan::new(after, Tone::Text));
        } else {
            let after: String = shown[c..].iter().collect();
            out.push(VSpan::new(after, Tone::Text));
        }
        out.retain(|s| !s.text.is_empty() || s.tone == Tone::Cursor);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(f: &mut TextField, s: &str) {
        for c in s.chars() {
            f.edit(None, Some(c));
        }
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut f = TextField::default();
        typed(&mut f, "+1 3035550199");
        f.edit(Some(Cmd::LineStart), None);
        f.edit(Some(Cmd::DeleteForward), None);
        assert_eq!(f.as_str(), "1 3035550199");
        typed(&mut f, "+");
        f.edit(Some(Cmd::WordRight), None);
        assert_eq!(f.cursor(), 2);
        f.edit(Some(Cmd::WordRight), None);
        assert_eq!(f.cursor(), 13);
        f.edit(Some(Cmd::WordLeft), None);
        assert_eq!(f.cursor(), 3);
        f.edit(Some(Cmd::Backspace), None);
        assert_eq!(f.as_str(), "+13035550199");
        f.edit(Some(Cmd::LineEnd), None);
        f.edit(Some(Cmd::CursorLeft), None);
        typed(&mut f, "x");
        assert_eq!(f.as_str(), "+1303555019x9");
        assert!(!f.edit(Some(Cmd::CursorRight), None));
        assert!(f.edit(Some(Cmd::ClearInput), None));
        assert!(f.is_empty());
        assert_eq!(format!("{f:?}"), "TextField(<0 chars>)");
    }

    #[test]
    fn masked_fields_show_dots_and_the_cursor() {
        let f = TextField::with("ab");
        let text: String = f
            .spans("Password:", true, true)
            .iter()
            .map(|s| s.text.clone())
            .collect();
        assert_eq!(text, "Password: •• ");
    }
}
