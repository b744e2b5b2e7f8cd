//! Dialogs: a double-bordered box over the screen, sized to its wrapped text, with a picker's
//! list or a row of buttons at the bottom.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

use crate::tui::layout;
use crate::tui::theme::{MARKER, NO_MARKER, Theme};
use crate::tui::view::{DialogView, Frame, Tone, VLine, VSpan, wrap_lines};

use super::widgets;

fn buttons(cancel: &str, ok: &str, ok_focused: bool) -> VLine {
    let b = |label: &str, focused: bool| {
        if focused {
            VSpan::new(format!("{MARKER}{label} "), Tone::Selected)
        } else {
            VSpan::new(format!("{NO_MARKER}{label} "), Tone::Text)
        }
    };
    VLine::new(vec![
        b(cancel, !ok_focused),
        VSpan::new("    ", Tone::Text),
        b(ok, ok_focused),
    ])
    .centered()
}

pub fn draw(buf: &mut Buffer, full: Rect, d: &DialogView, depth: usize, theme: &Theme) {
    let w = layout::dialog_width(full);
    let inner_w = w.saturating_sub(2) as usize;
    let mut lines = d.lines.clone();
    if let Some((cancel, ok, focused)) = &d.buttons {
        lines.push(VLine::blank());
        lines.push(buttons(cancel, ok, *focused));
    }
    let mut wrapped = wrap_lines(&lines, inner_w);
    let h = if d.list.is_some() {
        layout::picker_height(full)
    } else {
        wrapped.len() as u16 + 2
    };
    let r = layout::dialog(full, h, depth);
    Clear.render(r, buf);
    let inner = widgets::frame(
        buf,
        r,
        &Frame {
            title: d.title.clone(),
            focused: true,
            footer: None,
        },
        theme,
        true,
    );
    let room = inner.height as usize;
    if d.list.is_none() && wrapped.len() > room && room >= 3 {
        // Too tall for the screen: the last line (the keys or the buttons) stays in sight, and
        // a marker says that lines were left out above it.
        let last = wrapped.pop().unwrap_or_default();
        wrapped.truncate(room - 2);
        wrapped.push(VLine::text(
            "… (enlarge the terminal to see all of it)",
            Tone::Dim,
        ));
        wrapped.push(last);
    }
    widgets::lines(buf, inner, &wrapped, 0, theme);
    if let Some(list) = &d.list {
        let rows = layout::picker_rows(full, depth);
        widgets::list(buf, rows, list, theme, true);
    }
}
