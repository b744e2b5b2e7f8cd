//! Shared drawing: tones to styles, bordered frames with a title and a footer, lists with
//! columns that shrink in order and cut with `…`, and paragraphs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use crate::tui::text::{self, Cut};
use crate::tui::theme::{MARKER, NO_MARKER, Theme};
use crate::tui::view::{Frame, ListView, Tone, VLine, VSpan, wrap_lines};

pub fn style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Text => theme.text,
        Tone::Dim => theme.dim,
        Tone::Title => theme.title,
        Tone::Key => theme.key,
        Tone::Ok => theme.ok,
        Tone::Error => theme.error,
        Tone::Warning => theme.warning,
        Tone::Disabled => theme.disabled,
        Tone::Matched => theme.matched,
        Tone::Secret => theme
            .secret
            .add_modifier(ratatui::style::Modifier::REVERSED),
        Tone::Cursor => theme.text.add_modifier(ratatui::style::Modifier::REVERSED),
        Tone::Selected => theme.selected,
    }
}

pub fn spans<'a>(theme: &Theme, spans: &[VSpan]) -> Line<'a> {
    Line::from(
        spans
            .iter()
            .map(|s| Span::styled(s.text.clone(), style(theme, s.tone)))
            .collect::<Vec<_>>(),
    )
}

/// Draws one line of spans at `(x, y)`, cut with `…` to `width`.
pub fn put(buf: &mut Buffer, x: u16, y: u16, width: u16, line: &[VSpan], theme: &Theme) {
    let fitted = text::fit(line, width as usize, Cut::End);
    buf.set_line(x, y, &spans(theme, &fitted), width);
}

/// A bordered box: the title cut to fit the top border, the footer in the bottom-right corner.
pub fn frame(buf: &mut Buffer, area: Rect, f: &Frame, theme: &Theme, double: bool) -> Rect {
    // The title sits between the corners, a space either side when there is room.
    let room = (area.width as usize).saturating_sub(2);
    let clean = text::clean(&f.title);
    let title = if text::width(&clean) + 2 <= room {
        format!(" {clean} ")
    } else {
        format!(
            " {}",
            text::truncate(&clean, room.saturating_sub(1), Cut::End)
        )
    };
    let w = room.saturating_sub(2);
    let border = if double {
        BorderType::Double
    } else if f.focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    };
    let mut b = Block::default()
        .borders(Borders::ALL)
        .border_type(border)
        .border_style(if f.focused {
            theme.focus_border
        } else {
            theme.border
        })
        .title(Span::styled(
            title,
            if double {
                theme.title
            } else {
                Style::default()
            },
        ));
    if let Some(foot) = &f.footer {
        let foot = text::truncate(foot, w, Cut::End);
        b = b.title_bottom(Line::styled(format!(" {foot} "), theme.dim).right_aligned());
    }
    let inner = b.inner(area);
    b.render(area, buf);
    inner
}

/// Paragraph lines (already wrapped) from `scroll` on.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[VLine], scroll: usize, theme: &Theme) {
    for (i, l) in lines
        .iter()
        .skip(scroll)
        .take(area.height as usize)
        .enumerate()
    {
        let y = area.y + i as u16;
        let w = text::spans_width(&l.spans).min(area.width as usize) as u16;
        let x = if l.center {
            area.x + (area.width - w) / 2
        } else {
            area.x
        };
        put(buf, x, y, area.width - (x - area.x), &l.spans, theme);
    }
}

/// Lines wrapped to `area` and drawn; how many rows they took.
pub fn paragraph(buf: &mut Buffer, area: Rect, ls: &[VLine], theme: &Theme) -> u16 {
    let wrapped = wrap_lines(ls, area.width as usize);
    lines(buf, area, &wrapped, 0, theme);
    wrapped.len().min(area.height as usize) as u16
}

/// Column widths for `rows` in `width`: natural widths, then the columns with the highest
/// shrink order give way first, down to their minimum (a minimum of 0 hides the column).
fn column_widths(list: &ListView, width: usize) -> Vec<usize> {
    let n = list.rows.iter().map(|r| r.cols.len()).max().unwrap_or(0);
    let mut natural = vec![0usize; n];
    let mut min = vec![0usize; n];
    let mut shrink = vec![0u8; n];
    for r in &list.rows {
        for (i, c) in r.cols.iter().enumerate() {
            natural[i] = natural[i].max(text::spans_width(&c.spans));
            min[i] = min[i].max(c.min);
            shrink[i] = shrink[i].max(c.shrink);
        }
    }
    for i in 0..n {
        min[i] = min[i].min(natural[i]);
    }
    let total = |w: &[usize]| {
        let shown = w.iter().filter(|&&x| x > 0).count();
        w.iter().sum::<usize>() + shown.saturating_sub(1)
    };
    let mut w = natural.clone();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(shrink[i]));
    for &i in &order {
        let excess = total(&w).saturating_sub(width);
        if excess == 0 {
            break;
        }
        // A column given down to 0 is gone, its separator with it (`total` counts only shown ones).
        w[i] -= excess.min(w[i] - min[i]);
    }
    // A column that may disappear goes rather than show a stub ("A…").
    for i in 0..n {
        if min[i] == 0 && w[i] > 0 && w[i] < 4 && w[i] < natural[i] {
            w[i] = 0;
        }
    }
    // Still too wide: cut from the last column.
    for i in (0..n).rev() {
        let excess = total(&w).saturating_sub(width);
        if excess == 0 {
            break;
        }
        w[i] -= excess.min(w[i]);
    }
    w
}

/// The visible rows of a list, the selected one marked and reversed; a position note
/// ("37/1200") in the border below when the list is longer than the area.
pub fn list(buf: &mut Buffer, area: Rect, l: &ListView, theme: &Theme, footer: bool) {
    if l.len == 0 {
        if let Some(e) = &l.empty {
            paragraph(buf, area, &[VLine::text(e, Tone::Dim)], theme);
        }
        return;
    }
    let marker_w = text::width(MARKER);
    let inner_w = (area.width as usize).saturating_sub(marker_w);
    let widths = column_widths(l, inner_w);
    for (row_no, row) in l.rows.iter().take(area.height as usize).enumerate() {
        let y = area.y + row_no as u16;
        let selected = l.offset + row_no == l.sel;
        let marker = match (selected, row.mark) {
            // The mark stays on the selected row too, beside the marker.
            (true, Some(m)) => {
                VSpan::new(format!("{}{}", MARKER.trim_end(), m.trim_end()), Tone::Text)
            }
            (true, None) => VSpan::new(MARKER, Tone::Text),
            (false, Some(m)) => VSpan::new(m, Tone::Dim),
            (false, None) => VSpan::new(NO_MARKER, Tone::Text),
        };
        let mut line: Vec<VSpan> = vec![marker];
        let mut first = true;
        for (i, c) in row.cols.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if w == 0 {
                continue;
            }
            if !first {
                line.push(VSpan::new(" ", Tone::Text));
            }
            first = false;
            let mut cell = text::fit(&c.spans, w, c.cut);
            let pad = w.saturating_sub(text::spans_width(&cell));
            let last = i + 1 == row.cols.len();
            if c.right {
                cell.insert(0, VSpan::new(" ".repeat(pad), Tone::Text));
            } else if !last {
                cell.push(VSpan::new(" ".repeat(pad), Tone::Text));
            }
            line.extend(cell);
        }
        put(buf, area.x, y, area.width, &line, theme);
        if selected {
            let st = if l.focused {
                theme.selected
            } else {
                theme.selected_unfocused
            };
            buf.set_style(Rect::new(area.x, y, area.width, 1), st);
        }
    }
    if footer && l.len > area.height as usize && area.width > 2 {
        let pos = format!(" {}/{} ", l.sel + 1, l.len);
        let w = text::width(&pos) as u16;
        if w < area.width {
            buf.set_string(
                area.x + area.width - w,
                area.y + area.height,
                pos,
                theme.dim,
            );
        }
    }
}
