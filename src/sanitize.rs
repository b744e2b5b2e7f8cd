//! Text from a fixture, a journal, a tenant or an argument, made safe to show. This is the one
//! place that decides which characters may reach a terminal: the CLI's text and JSON output, its
//! error messages and the TUI all go through it.
//!
//! A control character (C0, DEL, C1) could move the cursor, rewrite the screen, set the window
//! title or write the clipboard (OSC 52); a line break could forge a line of output (a fake audit
//! record); a bidi override or isolate could make text read differently from what it is. Each is
//! shown escaped (`\e`, `\n`, `\u{202e}`), never emitted.

use std::borrow::Cow;

/// Whether `c` is never shown as itself: C0 and C1 controls, DEL, and the bidi overrides
/// (U+202A–U+202E) and isolates (U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// How an unsafe character is shown.
pub fn escape(c: char) -> String {
    match c {
        '\n' => "\\n".to_string(),
        '\t' => "\\t".to_string(),
        '\r' => "\\r".to_string(),
        '\u{1b}' => "\\e".to_string(),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// The first unsafe character of `s` and its position (in characters). Plain printable ASCII,
/// which is nearly every name, is ruled out a byte at a time.
pub fn first_unsafe(s: &str) -> Option<(usize, char)> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    s.chars().enumerate().find(|&(_, c)| is_unsafe(c))
}

/// `s` with every unsafe character escaped, line breaks and tabs included: one line of text.
pub fn clean(s: &str) -> Cow<'_, str> {
    if first_unsafe(s).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message of several lines (an error with its hint, a list of problems): each line
/// [`clean`]ed, the line breaks between them kept. Values inside such a message are put there
/// with [`cut`], so a line break in a value is escaped before it gets here.
pub fn clean_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(|l| clean(l))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// How a value read from a file or given as an argument is echoed in a message: escaped, and
/// cut to its first 80 characters with `…`, so a huge hostile string cannot flood the terminal
/// or a log.
pub fn cut(s: &str) -> String {
    cut_to(s, 80)
}

/// [`cut`] to `max` characters: for text that is longer by nature, such as a parser's message.
pub fn cut_to(s: &str, max: usize) -> String {
    let s = match s.char_indices().nth(max) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    };
    clean(&s).into_owned()
}

/// Serialized JSON with DEL, C1 and the bidi controls written as `\u` escapes, as the C0 controls
/// already are: serde_json emits them raw, and a terminal acts on C1 (U+009B is CSI). They can
/// only occur inside JSON strings, where the escape means the same character.
pub fn json(s: String) -> String {
    let raw = |c: char| is_unsafe(c) && c > '\u{1f}';
    if s.is_ascii() && !s.contains('\u{7f}') || !s.chars().any(raw) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_drive_a_terminal() {
        assert_eq!(
            clean("Bo\u{1b}]52;c;ZXZpbA==\u{7}ise"),
            "Bo\\e]52;c;ZXZpbA==\\u{7}ise"
        );
        assert_eq!(clean("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert_eq!(clean("x\u{7f}\u{9b}2J"), "x\\u{7f}\\u{9b}2J");
        assert_eq!(clean("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(clean("\u{2066}iso\u{2069}"), "\\u{2066}iso\\u{2069}");
        assert!(matches!(clean("Zoë Ørsted 山田"), Cow::Borrowed(_)));
    }

    #[test]
    fn keeps_the_lines_of_a_message() {
        assert_eq!(clean_lines("one\ntwo"), "one\ntwo");
        assert_eq!(clean_lines("one\u{1b}[2J\ntwo\t"), "one\\e[2J\ntwo\\t");
    }

    #[test]
    fn cuts_and_escapes_an_echoed_value() {
        let long = "é".repeat(100);
        let c = cut(&long);
        assert_eq!(c.chars().count(), 81);
        assert!(c.ends_with('…'));
        assert_eq!(cut("a\nfake line"), "a\\nfake line");
    }

    #[test]
    fn json_escapes_del_c1_and_bidi() {
        let raw = serde_json::to_string(&"a\u{7f}b\u{85}c\u{202e}d\u{1b}").unwrap();
        assert_eq!(json(raw), r#""a\u007fb\u0085c\u202ed\u001b""#);
        let v: String =
            serde_json::from_str(&json(serde_json::to_string(&"\u{9b}x").unwrap())).unwrap();
        assert_eq!(v, "\u{9b}x");
    }
}
