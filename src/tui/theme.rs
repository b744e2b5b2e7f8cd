//! Colours and text attributes. Every style the renderer uses comes from here, so dark, light and
//! `NO_COLOR` terminals differ in one place only. Selection never depends on colour: it is always
//! REVERSED and carries the [`MARKER`] symbol.

use ratatui::style::{Color, Modifier, Style};

/// The selection marker drawn before the selected row of every list.
pub const MARKER: &str = "▶ ";
/// The same width as [`MARKER`], for rows that are not selected.
pub const NO_MARKER: &str = "  ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeKind {
    Dark,
    Light,
    /// `NO_COLOR` is set: attributes only (bold, reversed, underlined, dim), no colour at all.
    NoColor,
}

impl ThemeKind {
    /// Picks a theme from the environment: `NO_COLOR` (any non-empty value) wins, then
    /// `MYSTAFF_THEME=light|dark`, then the `COLORFGBG` hint some terminals export (`15;0` = light
    /// text on dark background). Dark by default.
    /// `configured` is the config file's `theme`: below the two variables, above `COLORFGBG`.
    pub fn from_env(configured: Option<ThemeKind>) -> ThemeKind {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let (no_color, theme) = (var("NO_COLOR"), var("MYSTAFF_THEME"));
        match configured {
            Some(k) if no_color.is_none() && theme.is_none() => k,
            _ => Self::from_vars(
                no_color.as_deref(),
                theme.as_deref(),
                var("COLORFGBG").as_deref(),
            ),
        }
    }

    pub fn from_vars(
        no_color: Option<&str>,
        theme: Option<&str>,
        colorfgbg: Option<&str>,
    ) -> ThemeKind {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ThemeKind::NoColor;
        }
        match theme.map(str::to_ascii_lowercase).as_deref() {
            Some("light") => return ThemeKind::Light,
            Some("dark") => return ThemeKind::Dark,
            Some("none" | "no-color" | "nocolor") => return ThemeKind::NoColor,
            _ => {}
        }
        if let Some(bg) = colorfgbg
            .and_then(|v| v.rsplit(';').next())
            .and_then(|b| b.parse::<u8>().ok())
        {
            // 7 (light grey) and 9..=15 are light backgrounds in the 16-colour palette.
            if bg == 7 || bg >= 9 {
                return ThemeKind::Light;
            }
        }
        ThemeKind::Dark
    }
}

/// The styles of one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub kind: ThemeKind,
    /// Ordinary text (the terminal's own colours).
    pub text: Style,
    /// Secondary text: labels, counts, hints.
    pub dim: Style,
    /// Titles and the breadcrumb.
    pub title: Style,
    /// The border of the focused pane.
    pub focus_border: Style,
    /// The border of other panes.
    pub border: Style,
    /// The selected row of the focused list.
    pub selected: Style,
    /// The selected row of a list that does not have the focus.
    pub selected_unfocused: Style,
    /// Matched characters of a fuzzy match.
    pub matched: Style,
    /// Key names in hints and actions.
    pub key: Style,
    pub ok: Style,
    pub error: Style,
    pub warning: Style,
    /// Disabled actions.
    pub disabled: Style,
    /// The temporary password, shown once.
    pub secret: Style,
}

impl Theme {
    pub fn new(kind: ThemeKind) -> Theme {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        let reversed = plain.add_modifier(Modifier::REVERSED);
        match kind {
            ThemeKind::NoColor => Theme {
                kind,
                text: plain,
                dim: plain.add_modifier(Modifier::DIM),
                title: bold,
                focus_border: bold,
                border: plain.add_modifier(Modifier::DIM),
                selected: reversed.add_modifier(Modifier::BOLD),
                selected_unfocused: reversed,
                matched: plain.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                key: bold,
                ok: bold,
                error: bold,
                warning: bold,
                disabled: plain.add_modifier(Modifier::DIM),
                secret: bold,
            },
            ThemeKind::Dark => Theme {
                kind,
                text: plain,
                dim: plain.fg(Color::Gray),
                title: bold.fg(Color::LightCyan),
                focus_border: plain.fg(Color::LightCyan),
                border: plain.fg(Color::DarkGray),
                selected: reversed.add_modifier(Modifier::BOLD),
                selected_unfocused: reversed,
                matched: plain
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                key: bold.fg(Color::LightCyan),
                ok: plain.fg(Color::LightGreen),
                error: bold.fg(Color::LightRed),
                warning: plain.fg(Color::LightYellow),
                disabled: plain.fg(Color::DarkGray),
                secret: bold.fg(Color::LightYellow),
            },
            ThemeKind::Light => Theme {
                kind,
                text: plain,
                dim: plain.fg(Color::DarkGray),
                title: bold.fg(Color::Blue),
                focus_border: plain.fg(Color::Blue),
                border: plain.fg(Color::DarkGray),
                selected: reversed.add_modifier(Modifier::BOLD),
                selected_unfocused: reversed,
                matched: plain
                    .fg(Color::Magenta)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                key: bold.fg(Color::Blue),
                ok: plain.fg(Color::Green),
                error: bold.fg(Color::Red),
                warning: plain.fg(Color::Rgb(0x9a, 0x60, 0x00)),
                disabled: plain.fg(Color::Gray),
                secret: bold.fg(Color::Magenta),
            },
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(ThemeKind::Dark)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_picks_the_theme() {
        assert_eq!(
            ThemeKind::from_vars(Some("1"), Some("light"), None),
            ThemeKind::NoColor
        );
        assert_eq!(ThemeKind::from_vars(Some(""), None, None), ThemeKind::Dark);
        assert_eq!(
            ThemeKind::from_vars(None, Some("LIGHT"), None),
            ThemeKind::Light
        );
        assert_eq!(
            ThemeKind::from_vars(None, None, Some("0;15")),
            ThemeKind::Light
        );
        assert_eq!(
            ThemeKind::from_vars(None, None, Some("15;0")),
            ThemeKind::Dark
        );
    }

    #[test]
    fn selection_never_depends_on_colour() {
        for k in [ThemeKind::Dark, ThemeKind::Light, ThemeKind::NoColor] {
            let t = Theme::new(k);
            assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
            assert!(
                t.selected_unfocused
                    .add_modifier
                    .contains(Modifier::REVERSED)
            );
        }
    }
}
