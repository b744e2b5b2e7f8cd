//! Drawing: a function of the view model and the theme, nothing else. The state machine has
//! already decided what is shown ([`crate::tui::view`]) and the layout where it goes
//! ([`crate::tui::layout`]); this module maps tones to styles and puts text in place.

mod dialog;
mod widgets;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Clear, Widget};

use crate::tui::text::{self, Cut};
use crate::tui::theme::Theme;
use crate::tui::view::{Body, ListScreen, Message, TextPane, Tone, VLine, VSpan, ViewModel};

/// Draws the whole frame.
pub fn draw(f: &mut Frame, vm: &ViewModel, theme: &Theme) {
    let a = vm.areas;
    let buf = f.buffer_mut();
    if let Some(lines) = &vm.too_small {
        let h = (lines.len() as u16).min(a.full.height);
        let y = a.full.y + a.full.height.saturating_sub(h) / 2;
        let centred: Vec<VLine> = lines.iter().cloned().map(VLine::centered).collect();
        widgets::paragraph(
            buf,
            Rect::new(a.full.x, y, a.full.width, h),
            &centred,
            theme,
        );
        return;
    }
    header(buf, a.header, vm, theme);
    match &vm.body {
        Body::List(l) => list_screen(buf, a.frame, a.head, a.list, l, theme),
        Body::Text(t) => text_pane(buf, a.frame, a.list, t, theme),
        Body::Boxed(t) => {
            widgets::frame(buf, a.frame, &t.frame, theme, false);
            widgets::lines(buf, a.list, &t.lines, t.scroll, theme);
        }
        Body::Panes(p) => {
            let pa = a.panes;
            list_screen(
                buf,
                pa.locations,
                Rect::default(),
                pa.location_rows,
                &p.locations,
                theme,
            );
            list_screen(
                buf,
                pa.members,
                pa.member_filter,
                pa.member_rows,
                &p.members,
                theme,
            );
            text_pane(buf, pa.profile, pa.profile_text, &p.profile, theme);
        }
        Body::Sections {
            frame,
            top,
            list,
            bottom,
        } => {
            widgets::frame(buf, a.frame, frame, theme, false);
            widgets::lines(buf, a.head, top, 0, theme);
            widgets::list(buf, a.list, list, theme, false);
            widgets::lines(buf, a.tail, bottom, 0, theme);
        }
    }
    for (depth, d) in vm.dialogs.iter().enumerate() {
        dialog::draw(buf, a.full, d, depth, theme);
    }
    if let Some(h) = &vm.help {
        Clear.render(a.help, buf);
        let inner = widgets::frame(buf, a.help, &h.frame, theme, true);
        widgets::lines(buf, inner, &h.lines, h.scroll, theme);
    }
    if let Some(Message { tone, text }) = &vm.message {
        line(buf, a.message, &[VSpan::new(text, *tone)], theme);
    }
    if !vm.roles.is_empty() {
        line(buf, a.roles, &[VSpan::new(&vm.roles, Tone::Dim)], theme);
    }
    // Hints that do not fit are left out from the end, but "? help" stays: it lists them all.
    let room = (a.hints.width as usize).saturating_sub(2);
    let mut kept: Vec<&(String, String)> = vm.hints.iter().collect();
    let width = |h: &[&(String, String)]| -> usize {
        h.iter()
            .map(|(k, l)| text::width(k) + text::width(l) + 3)
            .sum::<usize>()
    };
    while kept.len() > 1 && width(&kept) > room {
        let pos = kept
            .iter()
            .rposition(|(_, l)| l != "help")
            .unwrap_or(kept.len() - 1);
        kept.remove(pos);
    }
    let mut hints = Vec::new();
    for (i, (k, label)) in kept.iter().enumerate() {
        if i > 0 {
            hints.push(VSpan::new("  ", Tone::Dim));
        }
        hints.push(VSpan::new(k, Tone::Key));
        hints.push(VSpan::new(format!(" {label}"), Tone::Dim));
    }
    line(buf, a.hints, &hints, theme);
}

/// A status-bar line: one space in, cut with `…`.
fn line(buf: &mut ratatui::buffer::Buffer, area: Rect, spans: &[VSpan], theme: &Theme) {
    if area.width < 2 {
        return;
    }
    widgets::put(buf, area.x + 1, area.y, area.width - 1, spans, theme);
}

fn header(buf: &mut ratatui::buffer::Buffer, area: Rect, vm: &ViewModel, theme: &Theme) {
    let brand = " mystaff ";
    buf.set_string(
        area.x,
        area.y,
        brand,
        theme.title.add_modifier(Modifier::REVERSED),
    );
    let x = area.x + text::width(brand) as u16 + 1;
    let room = (area.width as usize).saturating_sub(text::width(brand) + 1);
    // The signed-in account keeps up to half the line whatever the path holds, so a huge
    // location or person name cannot push it off; on a narrow screen the path wins.
    let who = if room >= 50 {
        text::truncate(&vm.who, room / 2, Cut::Middle)
    } else {
        String::new()
    };
    let who_w = text::width(&who);
    let path_room = if who.is_empty() {
        room
    } else {
        room.saturating_sub(who_w + 3)
    };
    let mut crumbs: Vec<VSpan> = Vec::new();
    for (i, c) in fit_crumbs(&vm.crumbs, path_room).into_iter().enumerate() {
        if i > 0 {
            crumbs.push(VSpan::new(" › ", Tone::Dim));
        }
        let tone = if i + 1 == vm.crumbs.len() {
            Tone::Title
        } else {
            Tone::Text
        };
        crumbs.push(VSpan::new(c, tone));
    }
    if !who.is_empty() {
        let wx = area.x + area.width - who_w as u16 - 1;
        buf.set_string(wx, area.y, &who, theme.dim);
    }
    let fitted = text::fit(&crumbs, path_room, Cut::Middle);
    buf.set_line(x, area.y, &widgets::spans(theme, &fitted), path_room as u16);
}

/// Breadcrumbs cut to fit `room` with their separators: the widest is cut first, one column at a
/// time, so "Contoso › Denver › Contoso Denve…" keeps every level readable.
fn fit_crumbs(crumbs: &[String], room: usize) -> Vec<String> {
    let mut w: Vec<usize> = crumbs.iter().map(|c| text::width(c).min(room)).collect();
    let seps = 3 * crumbs.len().saturating_sub(1);
    while w.iter().sum::<usize>() + seps > room {
        // The last of the widest: the person before the location, the location before the tenant.
        // (`max_by_key` gives the last of equal maxima.)
        let Some((i, &widest)) = w.iter().enumerate().max_by_key(|&(_, w)| *w) else {
            break;
        };
        if widest <= 6 {
            break;
        }
        w[i] -= 1;
    }
    crumbs
        .iter()
        .zip(w)
        .map(|(c, w)| text::truncate(c, w, Cut::End))
        .collect()
}

fn list_screen(
    buf: &mut ratatui::buffer::Buffer,
    frame: Rect,
    head: Rect,
    rows: Rect,
    l: &ListScreen,
    theme: &Theme,
) {
    widgets::frame(buf, frame, &l.frame, theme, false);
    widgets::lines(buf, head, &l.head, 0, theme);
    widgets::list(buf, rows, &l.list, theme, true);
}

fn text_pane(
    buf: &mut ratatui::buffer::Buffer,
    frame: Rect,
    inner: Rect,
    t: &TextPane,
    theme: &Theme,
) {
    widgets::frame(buf, frame, &t.frame, theme, false);
    widgets::lines(buf, inner, &t.lines, t.scroll, theme);
}
