//! Natural order for display names: "Contoso Portland User 2" before "Contoso Portland User 10",
//! case-insensitive. Every list the UI sorts by name uses this one helper.

use std::cmp::Ordering;

/// A sort key whose byte order is the natural order of `s`: lowercased, and each run of ASCII
/// digits replaced by a `'0'` marker, the run's significant length (4 bytes, big-endian) and its
/// significant digits. Build it once per item (`sort_by_cached_key`) for long lists.
pub fn natural_key(s: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut buf = [0u8; 4];
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = vec![c as u8];
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d as u8);
                chars.next();
            }
            let zeros = digits.iter().take_while(|&&d| d == b'0').count();
            let significant = &digits[zeros.min(digits.len() - 1)..];
            key.push(b'0');
            key.extend_from_slice(&(significant.len() as u32).to_be_bytes());
            key.extend_from_slice(significant);
        } else {
            for l in c.to_lowercase() {
                key.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    key
}

/// Natural order of two names; names equal but for case or leading zeros are ordered by their
/// plain text, so the order is total and stable.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_letters_ignore_case() {
        let mut v = vec![
            "Contoso Portland User 10",
            "contoso portland user 2",
            "Contoso Portland User 1",
            "Contoso Portland Manager 1",
            "Contoso Portland User 02",
            "Contoso Portland User",
            "Contoso Portland User 100",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "Contoso Portland Manager 1",
                "Contoso Portland User",
                "Contoso Portland User 1",
                "Contoso Portland User 02",
                "contoso portland user 2",
                "Contoso Portland User 10",
                "Contoso Portland User 100",
            ]
        );
        assert_eq!(natural_cmp("a1b2", "a1b10"), Ordering::Less);
        assert_eq!(natural_key("0"), natural_key("00"));
        assert_eq!(natural_cmp("0", "00"), Ordering::Less);
        assert_eq!(natural_cmp("Zoë 9", "zoë 10"), Ordering::Less);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
        // Digits sort before letters, as in plain text.
        assert_eq!(natural_cmp("User 9", "User A"), Ordering::Less);
    }
}
