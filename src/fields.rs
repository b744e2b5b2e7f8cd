//! What a text field may hold, wherever it comes from: a fixture, a command's argument, a form in
//! the TUI, or a journal entry being replayed (which plans its change again through `ops.rs`).
//! Names are shown in lists, audit records and messages, so a name cannot hold a control
//! character, a line break or a bidi control ([`sanitize::is_unsafe`]), and is held to Graph's
//! length limit for its property where Graph documents one.

use crate::sanitize;

/// A text property: its name as Graph spells it, and its documented maximum length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// In characters; None where Graph documents no limit.
    pub max_chars: Option<usize>,
}

pub const DISPLAY_NAME: Field = Field {
    name: "displayName",
    max_chars: Some(256),
};
pub const JOB_TITLE: Field = Field {
    name: "jobTitle",
    max_chars: Some(128),
};
pub const DEPARTMENT: Field = Field {
    name: "department",
    max_chars: Some(64),
};
pub const OFFICE_LOCATION: Field = Field {
    name: "officeLocation",
    max_chars: None,
};
/// 64 characters before the `@` and 48 after it.
pub const USER_PRINCIPAL_NAME: Field = Field {
    name: "userPrincipalName",
    max_chars: Some(113),
};
pub const SAM_ACCOUNT_NAME: Field = Field {
    name: "onPremisesSamAccountName",
    max_chars: Some(20),
};
pub const DESCRIPTION: Field = Field {
    name: "description",
    max_chars: None,
};
pub const ID: Field = Field {
    name: "id",
    max_chars: None,
};
/// A PIM activation's reason (PIM keeps up to 500 characters).
pub const JUSTIFICATION: Field = Field {
    name: "justification",
    max_chars: Some(500),
};
pub const LICENSE: Field = Field {
    name: "assignedLicenses",
    max_chars: None,
};

/// Whether `value` may be stored in `field`; the problem as a sentence if not.
pub fn check(field: Field, value: &str) -> Result<(), String> {
    if let Some((at, c)) = sanitize::first_unsafe(value) {
        let what = match c {
            '\n' | '\r' => "a line break",
            c if c.is_control() => "a control character",
            _ => "a bidirectional-text control",
        };
        return Err(format!(
            "{}: holds {what} ({} at character {}); names and other texts cannot hold control \
             characters, line breaks or bidi controls",
            field.name,
            sanitize::escape(c),
            at + 1
        ));
    }
    if let Some(max) = field.max_chars
        // A character is at least one byte, so only a long value needs counting.
        && value.len() > max
    {
        let n = value.chars().count();
        if n > max {
            return Err(format!(
                "{}: {n} characters, more than the {max} Graph allows",
                field.name
            ));
        }
    }
    Ok(())
}

/// A quick look at several fields, for the fast path of a big fixture: true means every one
/// passes [`check`]; false means some may not (a long value of wide characters can pass), so
/// check them one by one to word the problems.
pub fn surely_fine<'a>(fields: impl IntoIterator<Item = (Field, &'a str)>) -> bool {
    fields.into_iter().all(|(f, v)| {
        f.max_chars.is_none_or(|m| v.len() <= m) && sanitize::first_unsafe(v).is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_could_forge_or_drive_output() {
        let e = check(DISPLAY_NAME, "Bo\u{1b}]52;c;ZXZpbA==\u{7}ise").unwrap_err();
        assert!(
            e.starts_with("displayName: holds a control character (\\e at character 3)"),
            "{e}"
        );
        let e = check(DISPLAY_NAME, "Boise\n2026-12-01T09:00:00Z  success").unwrap_err();
        assert!(e.contains("a line break (\\n at character 6)"), "{e}");
        let e = check(DESCRIPTION, "abc\u{202e}fed").unwrap_err();
        assert!(e.contains("bidirectional"), "{e}");
        assert!(check(DESCRIPTION, "x\u{85}").is_err());
        assert!(check(DISPLAY_NAME, "Zoë Ørsted 山田 — Portland").is_ok());
    }

    #[test]
    fn holds_graph_limits_in_characters_not_bytes() {
        assert!(check(DISPLAY_NAME, &"é".repeat(256)).is_ok());
        let e = check(DISPLAY_NAME, &"a".repeat(257)).unwrap_err();
        assert_eq!(
            e,
            "displayName: 257 characters, more than the 256 Graph allows"
        );
        assert!(check(DEPARTMENT, &"d".repeat(65)).is_err());
        assert!(check(JOB_TITLE, &"j".repeat(128)).is_ok());
        assert!(check(OFFICE_LOCATION, &"o".repeat(5000)).is_ok());
    }

    #[test]
    fn surely_fine_never_passes_what_check_refuses() {
        for v in [
            "plain",
            "Zoë",
            "a\tb",
            &"x".repeat(300),
            &"é".repeat(200),
            "\u{2066}",
        ] {
            if surely_fine([(DISPLAY_NAME, v)]) {
                assert!(check(DISPLAY_NAME, v).is_ok(), "{v:?}");
            }
        }
        assert!(surely_fine([
            (DISPLAY_NAME, "plain"),
            (JOB_TITLE, "Cashier")
        ]));
        assert!(!surely_fine([
            (DISPLAY_NAME, "plain"),
            (JOB_TITLE, "a\u{7f}")
        ]));
    }
}
