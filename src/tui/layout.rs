//! Where everything goes, as a pure function of the terminal size and what is on screen. Drawing,
//! mouse hit-testing and paging all read the same [`Areas`], so a click lands on the row that is
//! drawn there and PgDn moves by the rows that are really visible.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the UI draws in; below it a "too small" screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

/// What the body shows, as far as the layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One bordered list with `head` lines above it (a field, notes).
    List { head: u16 },
    /// The three panes; the members pane has a filter line while filtering.
    Panes { filter_line: bool },
    /// A bordered paragraph.
    Text,
    /// A centred box.
    Boxed,
    /// Settings: `top` lines, a list of `rows`, then `bottom` lines.
    Sections { top: u16, rows: u16, bottom: u16 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaneAreas {
    /// Whole panes, borders included.
    pub locations: Rect,
    pub members: Rect,
    pub profile: Rect,
    /// Their lists' rows (inside the border, below the filter line).
    pub location_rows: Rect,
    pub member_filter: Rect,
    pub member_rows: Rect,
    pub profile_text: Rect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub full: Rect,
    pub too_small: bool,
    pub header: Rect,
    pub body: Rect,
    pub message: Rect,
    pub roles: Rect,
    pub hints: Rect,
    /// The bordered box of a single-list, text or sections screen.
    pub frame: Rect,
    /// The lines above the list, inside the frame.
    pub head: Rect,
    /// The rows of the screen's list (or the text of a text screen).
    pub list: Rect,
    /// Lines below the list (sections).
    pub tail: Rect,
    pub panes: PaneAreas,
    /// The help overlay (inside the body, so the status lines never draw over it).
    pub help: Rect,
}

pub fn areas(size: (u16, u16), mode: Mode) -> Areas {
    let full = Rect::new(0, 0, size.0, size.1);
    let mut a = Areas {
        full,
        ..Areas::default()
    };
    if size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT {
        a.too_small = true;
        return a;
    }
    let [header, body, message, roles, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(full);
    a.header = header;
    a.body = body;
    a.message = message;
    a.roles = roles;
    a.hints = hints;
    a.help = centered(body, body.width.saturating_sub(4).min(92), body.height);
    match mode {
        Mode::List { head } => {
            a.frame = body;
            let inner = inner(body);
            let [h, l] =
                Layout::vertical([Constraint::Length(head), Constraint::Min(0)]).areas(inner);
            a.head = h;
            a.list = l;
        }
        Mode::Text => {
            a.frame = body;
            a.list = inner(body);
        }
        Mode::Boxed => {
            let w = body.width.saturating_sub(4).min(76);
            a.frame = centered(body, w, 12.min(body.height));
            a.list = inner(a.frame);
        }
        Mode::Sections { top, rows, bottom } => {
            a.frame = body;
            let inner = inner(body);
            let list_h = rows.min(inner.height.saturating_sub(top + bottom).max(1));
            let [h, l, t] = Layout::vertical([
                Constraint::Length(top),
                Constraint::Length(list_h),
                Constraint::Min(0),
            ])
            .areas(inner);
            a.head = h;
            a.list = l;
            a.tail = t;
        }
        Mode::Panes { filter_line } => {
            let w = body.width;
            let loc_w = (w / 5).clamp(16, 30);
            let mem_w = (w * 36 / 100).clamp(24, 46);
            let [loc, mem, prof] = Layout::horizontal([
                Constraint::Length(loc_w),
                Constraint::Length(mem_w),
                Constraint::Min(10),
            ])
            .areas(body);
            let mem_inner = inner(mem);
            let (filter, rows) = if filter_line {
                let [f, r] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(mem_inner);
                (f, r)
            } else {
                (
                    Rect::new(mem_inner.x, mem_inner.y, mem_inner.width, 0),
                    mem_inner,
                )
            };
            a.panes = PaneAreas {
                locations: loc,
                members: mem,
                profile: prof,
                location_rows: inner(loc),
                member_filter: filter,
                member_rows: rows,
                profile_text: inner(prof),
            };
        }
    }
    a
}

/// Inside a one-cell border.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The outer width of dialogs on a screen this wide.
pub fn dialog_width(full: Rect) -> u16 {
    full.width
        .saturating_sub(8)
        .clamp(40, 72)
        .min(full.width.saturating_sub(2))
}

/// The outer height of a picker dialog (a field, a note and a list).
pub fn picker_height(full: Rect) -> u16 {
    full.height.saturating_sub(4).min(22)
}

/// A dialog `h` rows high (borders included), centred on the screen. A dialog stacked on another
/// (`depth` > 0) sits lower, so the one below keeps its title in sight.
pub fn dialog(full: Rect, h: u16, depth: usize) -> Rect {
    let w = dialog_width(full);
    let shift = depth as u16;
    // Above the three status lines, one row lower per dialog below it.
    let room = full.height.saturating_sub(4);
    let h = h.min(room.saturating_sub(shift)).max(3);
    let mut r = centered(Rect::new(0, 1, full.width, room), w, h);
    r.y = (r.y + shift).min((1 + room).saturating_sub(h));
    r.x = (r.x + shift).min(full.width.saturating_sub(w + 1));
    r
}

/// The rows of a picker's list inside its dialog: below the field and the note.
pub fn picker_rows(full: Rect, depth: usize) -> Rect {
    let d = inner(dialog(full, picker_height(full), depth));
    Rect::new(d.x, d.y + 2, d.width, d.height.saturating_sub(2))
}

pub fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_small_below_the_minimum() {
        assert!(areas((59, 24), Mode::Text).too_small);
        assert!(areas((80, 19), Mode::Text).too_small);
        assert!(!areas((60, 20), Mode::Text).too_small);
    }

    #[test]
    fn the_member_rows_start_below_the_filter_line() {
        let plain = areas((80, 24), Mode::Panes { filter_line: false }).panes;
        let filtering = areas((80, 24), Mode::Panes { filter_line: true }).panes;
        assert_eq!(filtering.member_rows.y, plain.member_rows.y + 1);
        assert_eq!(filtering.member_rows.height + 1, plain.member_rows.height);
        assert_eq!(plain.member_rows.height, 18);
    }

    #[test]
    fn stacked_dialogs_leave_the_title_below_visible() {
        let full = Rect::new(0, 0, 80, 24);
        let a = dialog(full, 10, 0);
        let b = dialog(full, 10, 1);
        assert!(b.y > a.y);
        // However tall, a dialog stays clear of the message, roles and hints lines.
        for depth in 0..3 {
            let d = dialog(full, 40, depth);
            assert!(d.y >= 1 && d.y + d.height <= 21, "{d:?}");
        }
    }
}
