//! A password held in memory: never printed by `Debug`, zeroed when dropped.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(Zeroizing::new(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} chars>)", self.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("Hunter2!".to_string());
        assert_eq!(s.as_str(), "Hunter2!");
        assert_eq!(format!("{s:?}"), "Secret(<8 chars>)");
    }
}
