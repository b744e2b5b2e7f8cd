//! The help overlay: every key, generated from the keymap that dispatches them.

use crate::tui::keymap::{self, Cmd};
use crate::tui::layout::{self, Areas};
use crate::tui::view::{Frame, TextPane, Tone, VLine, VSpan, wrap_lines};

use super::State;

#[derive(Debug, Default)]
pub struct Help {
    pub scroll: usize,
}

pub(super) fn on_key(s: &mut State, cmd: Option<Cmd>, page: usize) {
    let Some(cmd) = cmd else {
        return;
    };
    if cmd == Cmd::Back {
        s.help = None;
        return;
    }
    let max = lines(&s.keys, s.areas_for_help())
        .len()
        .saturating_sub(page);
    if let Some(h) = s.help.as_mut() {
        h.scroll = super::list::scrolled(h.scroll, cmd, page, max);
    }
}

impl State {
    fn areas_for_help(&self) -> Areas {
        layout::areas(self.size, layout::Mode::Text)
    }
}

fn lines(keys: &keymap::Keymap, a: Areas) -> Vec<VLine> {
    let width = layout::inner(a.help).width as usize;
    let sections = keys.help_sections();
    // The key column is as wide as its widest entry, up to a third of the box.
    let key_w = sections
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(k, _)| crate::tui::text::width(k)))
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut lines = Vec::new();
    for (title, entries) in sections {
        lines.push(VLine::text(title, Tone::Title));
        for (keys, label) in entries {
            let pad = key_w.saturating_sub(crate::tui::text::width(&keys));
            lines.push(
                VLine::new(vec![
                    VSpan::new(format!("  {keys}{} ", " ".repeat(pad)), Tone::Key),
                    VSpan::new(label, Tone::Text),
                ])
                .indented(key_w + 3),
            );
        }
        lines.push(VLine::blank());
    }
    wrap_lines(&lines, width)
}

pub(super) fn view(h: &Help, keys: &keymap::Keymap, a: &Areas) -> TextPane {
    let lines = lines(keys, *a);
    let height = layout::inner(a.help).height as usize;
    let scroll = h.scroll.min(lines.len().saturating_sub(height));
    let below = lines.len().saturating_sub(scroll + height);
    TextPane {
        frame: Frame {
            title: "Keys — generated from the keymap".to_string(),
            focused: true,
            footer: crate::tui::view::scroll_note(scroll, below),
        },
        lines,
        scroll,
    }
}
