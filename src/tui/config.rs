//! The config file (TOML): the theme, colour adjustments and key bindings. Parsing is pure: the
//! text comes from `storage.rs`, and every mistake is an error that names its line.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::Color;
use serde::Deserialize;
use toml::Spanned;

use super::keymap::{BINDINGS, Key, Keymap};
use super::theme::{Theme, ThemeKind};

/// What the config file says.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub keys: Keymap,
    /// `theme = "…"`: below `NO_COLOR` and `MYSTAFF_THEME`, above the terminal's hint.
    pub theme: Option<ThemeKind>,
    /// `[colors]`: foreground colours per style.
    pub colors: Vec<(&'static str, Color)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    theme: Option<Spanned<String>>,
    #[serde(default)]
    colors: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<Vec<String>>>,
}

/// The styles `[colors]` may adjust, with what each colours.
const COLOR_FIELDS: &[(&str, &str)] = &[
    ("text", "ordinary text"),
    ("dim", "labels, counts and hints"),
    ("title", "titles and the breadcrumb"),
    ("border", "the borders of panes without the focus"),
    ("focus_border", "the border of the focused pane"),
    ("key", "key names in hints and actions"),
    ("matched", "matched characters of a search or filter"),
    ("ok", "success"),
    ("error", "errors and refusals"),
    ("warning", "warnings"),
    ("disabled", "actions you cannot take"),
    ("secret", "the temporary password"),
];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let file: File = toml::from_str(text).map_err(|e| ConfigError {
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().to_string(),
    })?;
    let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
    let mut cfg = Config::default();
    if let Some(t) = &file.theme {
        cfg.theme = Some(match t.get_ref().to_ascii_lowercase().as_str() {
            "dark" => ThemeKind::Dark,
            "light" => ThemeKind::Light,
            "none" | "no-color" => ThemeKind::NoColor,
            other => {
                return Err(ConfigError {
                    line: at(t.span()),
                    message: format!("theme `{other}` is not one of: dark, light, none"),
                });
            }
        });
    }
    for (name, value) in &file.colors {
        let Some((field, _)) = COLOR_FIELDS.iter().find(|(f, _)| f == name) else {
            let known: Vec<&str> = COLOR_FIELDS.iter().map(|(f, _)| *f).collect();
            return Err(ConfigError {
                line: at(value.span()),
                message: format!("[colors] has no `{name}`; it has: {}", known.join(", ")),
            });
        };
        let color = Color::from_str(value.get_ref()).map_err(|_| ConfigError {
            line: at(value.span()),
            message: format!(
                "`{}` is not a colour: use a name (red, lightblue, darkgray, …), an index 0-255 or #rrggbb",
                value.get_ref()
            ),
        })?;
        cfg.colors.push((field, color));
    }
    let mut lines: Vec<(&'static str, usize, bool)> = Vec::new();
    for (name, keys) in &file.keys {
        let line = line_of(text, keys.span().start);
        let Some(b) = cfg.keys.bindings.iter_mut().find(|b| b.name == name) else {
            return Err(ConfigError {
                line: Some(line),
                message: format!(
                    "[keys] has no binding `{name}` (`mystaff config default` lists them all)"
                ),
            });
        };
        let mut parsed = Vec::new();
        for k in keys.get_ref() {
            let key = Key::parse(k).map_err(|message| ConfigError {
                line: Some(line),
                message,
            })?;
            if !parsed.contains(&key) {
                parsed.push(key);
            }
        }
        // Lines that change a default come first when a conflict is reported.
        let changed = parsed != b.keys;
        b.keys = parsed;
        lines.push((b.name, line, changed));
    }
    if let Some(c) = cfg.keys.conflict() {
        // Name the configured line: the binding changed, or the one it now collides with.
        let named = |n: &str| lines.iter().find(|(m, _, _)| *m == n);
        let mine = named(c.name);
        let theirs = c.other.and_then(named);
        let line = match (mine, theirs) {
            (Some(a), Some(b)) if !a.2 && b.2 => Some(b.1),
            (Some(a), _) => Some(a.1),
            (None, Some(b)) => Some(b.1),
            (None, None) => None,
        };
        return Err(ConfigError {
            line,
            message: format!("`{}`: {}", c.name, c.why),
        });
    }
    Ok(cfg)
}

impl Config {
    /// The theme with `[colors]` applied.
    pub fn apply(&self, theme: &mut Theme) {
        for &(field, color) in &self.colors {
            let style = match field {
                "text" => &mut theme.text,
                "dim" => &mut theme.dim,
                "title" => &mut theme.title,
                "border" => &mut theme.border,
                "focus_border" => &mut theme.focus_border,
                "key" => &mut theme.key,
                "matched" => &mut theme.matched,
                "ok" => &mut theme.ok,
                "error" => &mut theme.error,
                "warning" => &mut theme.warning,
                "disabled" => &mut theme.disabled,
                _ => &mut theme.secret,
            };
            *style = style.fg(color);
        }
    }
}

/// The defaults as a config file, every setting explained: `mystaff config default`.
pub fn default_text() -> String {
    let mut out = String::from(
        "# mystaff configuration. The settings below are the defaults (colours are the theme's\n\
         # own until set); change what you want and delete the rest. `mystaff config path` says\n\
         # where this file is read from, `mystaff config check` checks it.\n\
         \n\
         # dark, light or none (no colour). NO_COLOR and MYSTAFF_THEME in the environment win.\n\
         theme = \"dark\"\n\
         \n\
         [colors]\n\
         # Foreground colours: a name (red, lightblue, darkgray, …), an index 0-255 or #rrggbb.\n",
    );
    for (field, what) in COLOR_FIELDS {
        out.push_str(&format!("# {field} = \"<colour>\"    # {what}\n"));
    }
    out.push_str(
        "\n[keys]\n\
         # name = [\"key\", …]; [] unbinds. Keys: a character (r, G, /) or Enter, Esc, Tab, BackTab,\n\
         # Backspace, Delete, Up, Down, Left, Right, Home, End, PageUp, PageDown, Space, F1-F12,\n\
         # after Ctrl-, Alt- or Shift- if wanted. A key bound twice where both apply, or a\n\
         # character where typing goes to a field, is refused with its line.\n",
    );
    let mut section = "";
    for b in BINDINGS {
        if b.section != section {
            section = b.section;
            out.push_str(&format!("\n# {section}\n"));
        }
        let keys: Vec<String> = b
            .keys
            .iter()
            .map(|k| format!("{:?}", k.config_name()))
            .collect();
        out.push_str(&format!(
            "{} = [{}]    # {}\n",
            b.name,
            keys.join(", "),
            b.label
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{Cmd, Ctx};

    #[test]
    fn the_default_file_reads_back_as_the_defaults() {
        let cfg = parse(&default_text()).unwrap();
        let d = Keymap::default();
        for (a, b) in cfg.keys.bindings.iter().zip(&d.bindings) {
            assert_eq!((a.name, &a.keys), (b.name, &b.keys));
        }
        assert_eq!(cfg.theme, Some(ThemeKind::Dark));
    }

    #[test]
    fn rebinding_and_unbinding() {
        let cfg = parse("[keys]\nreset-password = [\"R\", \"Ctrl-p\"]\nsign-out = []\n").unwrap();
        assert_eq!(
            cfg.keys.lookup(Ctx::Profile, Key::ch('R')),
            Some(Cmd::ResetPassword)
        );
        assert_eq!(
            cfg.keys.lookup(Ctx::Profile, Key::ctrl('p')),
            Some(Cmd::ResetPassword)
        );
        assert_eq!(cfg.keys.lookup(Ctx::Profile, Key::ch('r')), None);
        assert_eq!(cfg.keys.lookup(Ctx::Locations, Key::ch('S')), None);
        assert_eq!(cfg.keys.key_for(Ctx::Locations, Cmd::SignOut), None);
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = parse("theme = \"dark\"\n\n[keys]\nreset-password = [\"a\"]\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("add-phone"), "{e}");
        let e = parse("[keys]\nchoose = [\"x\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("typed"), "{e}");
        let e = parse("[keys]\n\nreset = [\"r\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = parse("[keys]\nhelp = [\"Ctrl-\"]\n").unwrap_err();
        assert!(e.message.contains("not a key"), "{e}");
        let e = parse("theme = \"pink\"\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = parse("[colors]\nborder = \"grey-ish\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = parse("[keys\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        let e = parse("font = 3\n").unwrap_err();
        assert!(e.message.contains("font"), "{e}");
    }

    #[test]
    fn in_a_full_file_the_edited_line_is_named() {
        let text = default_text().replace("reset-password = [\"r\"]", "reset-password = [\"a\"]");
        let line = text
            .lines()
            .position(|l| l.starts_with("reset-password"))
            .unwrap()
            + 1;
        let e = parse(&text).unwrap_err();
        assert_eq!(e.line, Some(line), "{e}");
    }

    #[test]
    fn colours_adjust_the_theme() {
        let cfg = parse("theme = \"light\"\n[colors]\nborder = \"black\"\n").unwrap();
        let mut t = Theme::new(cfg.theme.unwrap());
        cfg.apply(&mut t);
        assert_eq!(t.border.fg, Some(Color::Black));
    }
}
