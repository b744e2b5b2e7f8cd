//! The view model: everything a frame shows, computed by the state machine
//! ([`super::state::State::view`]) and drawn by [`super::ui`]. Decisions (allowed or refused,
//! masked or full, which rows are visible) are made before this point; the renderer only maps
//! tones to styles and puts text where the layout says.

use super::layout::Areas;
use super::text::{self, Cut};

/// What a piece of text is; the theme gives each tone its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Text,
    Dim,
    Title,
    Key,
    Ok,
    Error,
    Warning,
    Disabled,
    Matched,
    Secret,
    /// The text cursor of a focused field.
    Cursor,
    /// A chosen button or option (reversed, so it shows without colour).
    Selected,
}

/// A run of text in one tone. Built through [`VSpan::new`], which shows control characters
/// escaped, so nothing read from a tenant can drive the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VSpan {
    pub text: String,
    pub tone: Tone,
}

impl VSpan {
    pub fn new(text: impl AsRef<str>, tone: Tone) -> VSpan {
        VSpan {
            text: text::clean(text.as_ref()).into_owned(),
            tone,
        }
    }
}

/// One line of a paragraph. Lines wider than their area wrap, continuation lines indented by
/// `indent` columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VLine {
    pub spans: Vec<VSpan>,
    pub indent: usize,
    pub center: bool,
}

impl VLine {
    pub fn new(spans: Vec<VSpan>) -> VLine {
        VLine {
            spans,
            indent: 0,
            center: false,
        }
    }
    pub fn text(text: impl AsRef<str>, tone: Tone) -> VLine {
        VLine::new(vec![VSpan::new(text, tone)])
    }
    pub fn blank() -> VLine {
        VLine::default()
    }
    pub fn indented(mut self, indent: usize) -> VLine {
        self.indent = indent;
        self
    }
    pub fn centered(mut self) -> VLine {
        self.center = true;
        self
    }
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Lines wrapped to `width`: what a paragraph of that width shows, row by row.
pub fn wrap_lines(lines: &[VLine], width: usize) -> Vec<VLine> {
    lines
        .iter()
        .flat_map(|l| {
            text::wrap(&l.spans, width, l.indent)
                .into_iter()
                .map(move |spans| VLine {
                    spans,
                    indent: 0,
                    center: l.center,
                })
        })
        .collect()
}

/// One column of a list row. When a row is too wide, columns with the highest `shrink` give up
/// their width first (down to `min`), so the text that tells rows apart is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Col {
    pub spans: Vec<VSpan>,
    pub min: usize,
    pub shrink: u8,
    pub cut: Cut,
    pub right: bool,
}

impl Col {
    pub fn new(spans: Vec<VSpan>) -> Col {
        Col {
            spans,
            min: 4,
            shrink: 0,
            cut: Cut::End,
            right: false,
        }
    }
    pub fn text(text: impl AsRef<str>, tone: Tone) -> Col {
        Col::new(vec![VSpan::new(text, tone)])
    }
    pub fn shrink(mut self, order: u8) -> Col {
        self.shrink = order;
        self
    }
    pub fn min(mut self, min: usize) -> Col {
        self.min = min;
        self
    }
    pub fn middle(mut self) -> Col {
        self.cut = Cut::Middle;
        self
    }
    pub fn right(mut self) -> Col {
        self.right = true;
        self
    }
}

/// A list row: columns separated by one space, and a mark shown where the selection marker
/// goes when the row is not selected (a user you may not change, say).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub cols: Vec<Col>,
    pub mark: Option<&'static str>,
}

impl Row {
    pub fn new(cols: Vec<Col>) -> Row {
        Row { cols, mark: None }
    }
    pub fn marked(mut self, mark: Option<&'static str>) -> Row {
        self.mark = mark;
        self
    }
}

/// The note in a scrolled box's bottom border: "↓ 5 more", "↑ 3 · ↓ 2", "↑ 3 above".
pub fn scroll_note(above: usize, below: usize) -> Option<String> {
    match (above, below) {
        (0, 0) => None,
        (0, b) => Some(format!("↓ {b} more")),
        (u, 0) => Some(format!("↑ {u} above")),
        (u, b) => Some(format!("↑ {u} · ↓ {b}")),
    }
}

/// The visible window of a list: `rows[i]` is item `offset + i`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListView {
    pub rows: Vec<Row>,
    pub offset: usize,
    pub sel: usize,
    pub len: usize,
    pub focused: bool,
    /// Shown when the list is empty.
    pub empty: Option<String>,
}

/// A bordered box with a title and an optional position or scroll note in its bottom border.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frame {
    pub title: String,
    pub focused: bool,
    pub footer: Option<String>,
}

/// A screen of one bordered list, with lines above it (a field, notes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListScreen {
    pub frame: Frame,
    pub head: Vec<VLine>,
    pub list: ListView,
}

/// A bordered paragraph that scrolls.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextPane {
    pub frame: Frame,
    /// Already wrapped to the pane's width; `lines[scroll..]` is shown.
    pub lines: Vec<VLine>,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanesView {
    pub locations: ListScreen,
    pub members: ListScreen,
    pub profile: TextPane,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    List(ListScreen),
    Text(TextPane),
    Panes(Box<PanesView>),
    /// A centred box (the access-denied screen).
    Boxed(TextPane),
    /// A paragraph over a list (settings): `top` then `list` then `bottom`.
    Sections {
        frame: Frame,
        top: Vec<VLine>,
        list: ListView,
        bottom: Vec<VLine>,
    },
}

/// A dialog: lines, then an optional list (pickers), then buttons.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DialogView {
    pub title: String,
    pub lines: Vec<VLine>,
    pub list: Option<ListView>,
    /// `(cancel, ok, ok_focused)`.
    pub buttons: Option<(String, String, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub tone: Tone,
    pub text: String,
}

/// A whole frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewModel {
    pub areas: Areas,
    /// Below the minimum size: nothing else is drawn, and keys do nothing but quit.
    pub too_small: Option<Vec<VLine>>,
    /// Breadcrumbs, left to right.
    pub crumbs: Vec<String>,
    pub who: String,
    pub body: Body,
    /// Bottom first.
    pub dialogs: Vec<DialogView>,
    pub help: Option<TextPane>,
    pub message: Option<Message>,
    /// "Your roles: …", always shown once signed in.
    pub roles: String,
    /// `(keys, label)`.
    pub hints: Vec<(String, String)>,
}
