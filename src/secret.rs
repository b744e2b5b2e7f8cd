//! A password in memory: never printed by `Debug`, and its bytes overwritten (with `zeroize`,
//! which the optimizer cannot remove) when it is dropped, cleared or shortened, and before any
//! reallocation could leave a copy behind.

use std::fmt;

use zeroize::Zeroize;

#[derive(Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Takes the text over; the caller's `String` is this one now, so no copy is left behind.
    pub fn new(s: String) -> Secret {
        Secret(s)
    }

    /// Copies `s` in (for text the caller cannot give up, such as a borrowed slice it will
    /// wipe itself).
    pub fn copy_of(s: &str) -> Secret {
        let mut out = Secret(String::with_capacity(s.len()));
        out.0.push_str(s);
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in characters (what a password rule counts).
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }

    pub fn push(&mut self, c: char) {
        // Grow by hand, so a reallocation never leaves an unwiped copy in freed memory.
        if self.0.len() + c.len_utf8() > self.0.capacity() {
            let mut bigger = String::with_capacity((self.0.capacity() * 2).max(32));
            bigger.push_str(&self.0);
            self.0.zeroize();
            self.0 = bigger;
        }
        self.0.push(c);
    }

    pub fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    /// Removes the last character and overwrites its bytes.
    pub fn pop(&mut self) -> Option<char> {
        let c = self.0.pop()?;
        // SAFETY: only the spare capacity (past the string's end) is written, so the string
        // stays valid UTF-8.
        unsafe { self.0.as_mut_vec() }.spare_capacity_mut()[..c.len_utf8()].zeroize();
        Some(c)
    }

    /// Overwrites the whole buffer with zeros and empties it.
    pub fn wipe(&mut self) {
        self.0.zeroize();
    }

    /// Moves the text out, leaving this one empty.
    pub fn take(&mut self) -> Secret {
        Secret(std::mem::take(&mut self.0))
    }

    /// Hands the text to code that keeps its own wiped buffer. Nothing is copied.
    pub fn into_inner(mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} chars>)", self.chars())
    }
}

impl Clone for Secret {
    fn clone(&self) -> Secret {
        Secret::copy_of(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_text() {
        let s = Secret::copy_of("Cuyo5459");
        assert_eq!(format!("{s:?}"), "Secret(<8 chars>)");
    }

    #[test]
    fn push_pop_take_and_wipe() {
        let mut s = Secret::default();
        for c in "pässword".chars() {
            s.push(c);
        }
        assert_eq!(s.as_str(), "pässword");
        assert_eq!(s.chars(), 8);
        assert_eq!(s.pop(), Some('d'));
        assert_eq!(s.as_str(), "pässwor");
        let t = s.take();
        assert!(s.is_empty());
        assert_eq!(t.as_str(), "pässwor");
        let mut u = t.clone();
        u.wipe();
        assert!(u.is_empty());
        assert_eq!(t.into_inner(), "pässwor");
    }

    #[test]
    fn growing_keeps_the_text() {
        let mut s = Secret::default();
        let long = "x".repeat(100);
        s.push_str(&long);
        assert_eq!(s.as_str(), long);
    }
}
