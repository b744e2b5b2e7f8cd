//! How a value read from a file is echoed in a message: cut, so a huge hostile string cannot
//! flood the terminal or a log.

/// `s` cut to its first 80 characters, with `…` when something was taken out.
pub fn cut(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
