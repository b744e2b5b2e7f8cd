//! A list's selection and its first visible row. The state machine keeps both: the layout says
//! how many rows are visible, so nothing is left for the renderer to remember.

use crate::tui::keymap::Cmd;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ListSel {
    pub sel: usize,
    pub offset: usize,
}

impl ListSel {
    pub fn clamp(&mut self, len: usize) {
        self.sel = self.sel.min(len.saturating_sub(1));
    }

    pub fn reset(&mut self) {
        self.sel = 0;
        self.offset = 0;
    }

    /// Moves for a movement command; `page` is the visible height. True when the selection moved.
    pub fn step(&mut self, cmd: Cmd, len: usize, page: usize) -> bool {
        if len == 0 {
            self.sel = 0;
            return false;
        }
        let old = self.sel;
        let page = page.max(1);
        self.sel = match cmd {
            Cmd::Up => self.sel.saturating_sub(1),
            Cmd::Down => (self.sel + 1).min(len - 1),
            Cmd::PageUp => self.sel.saturating_sub(page),
            Cmd::PageDown => (self.sel + page).min(len - 1),
            Cmd::Top => 0,
            Cmd::Bottom => len - 1,
            _ => self.sel,
        };
        self.scroll(page, len);
        self.sel != old
    }

    /// Keeps the selection inside a window of `height` rows, moving it as little as possible.
    pub fn scroll(&mut self, height: usize, len: usize) {
        self.offset = scroll_offset(self.offset, self.sel, height, len);
    }

    /// The window this list shows in `height` rows (without changing the kept offset).
    pub fn window(&self, height: usize, len: usize) -> std::ops::Range<usize> {
        let off = scroll_offset(self.offset, self.sel, height, len);
        off..len.min(off + height)
    }
}

/// The first visible row that keeps `sel` in a window of `height` rows, moving as little as
/// possible from `prev`.
pub fn scroll_offset(prev: usize, sel: usize, height: usize, len: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let max = len.saturating_sub(height);
    let off = if sel < prev {
        sel
    } else if sel >= prev + height {
        sel + 1 - height
    } else {
        prev
    };
    off.min(max)
}

/// A scrolled text's first line after a movement command, at most `max` (the lines that do not
/// fit): the profile, an audit record and the help move alike.
pub fn scrolled(pos: usize, cmd: Cmd, page: usize, max: usize) -> usize {
    let next = match cmd {
        Cmd::Up => pos.saturating_sub(1),
        Cmd::Down => pos + 1,
        Cmd::PageUp => pos.saturating_sub(page.max(1)),
        Cmd::PageDown => pos + page.max(1),
        Cmd::Top => 0,
        Cmd::Bottom => max,
        _ => pos,
    };
    next.min(max)
}

/// Is this command a movement in a list?
pub fn is_move(cmd: Cmd) -> bool {
    matches!(
        cmd,
        Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scroll_offset_keeps_the_selection_visible() {
        assert_eq!(scroll_offset(0, 0, 5, 100), 0);
        assert_eq!(scroll_offset(0, 4, 5, 100), 0);
        assert_eq!(scroll_offset(0, 5, 5, 100), 1);
        assert_eq!(scroll_offset(10, 3, 5, 100), 3);
        assert_eq!(scroll_offset(90, 99, 5, 100), 95);
        assert_eq!(scroll_offset(50, 2, 5, 3), 0);
        assert_eq!(scroll_offset(3, 3, 0, 10), 0);
    }

    #[test]
    fn paging_moves_by_the_visible_height() {
        let mut l = ListSel::default();
        assert!(l.step(Cmd::PageDown, 100, 18));
        assert_eq!((l.sel, l.offset), (18, 1));
        l.step(Cmd::Bottom, 100, 18);
        assert_eq!((l.sel, l.offset), (99, 82));
        l.step(Cmd::PageUp, 100, 18);
        assert_eq!(l.sel, 81);
        l.step(Cmd::Top, 100, 18);
        assert_eq!((l.sel, l.offset), (0, 0));
        assert!(!l.step(Cmd::Up, 100, 18));
    }
}
