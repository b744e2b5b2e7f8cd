//! The delegation report as a view: per location, how many members its own scoped admins can
//! help (passwords, phones), how far central IT reaches, and who no one below Privileged
//! Authentication or Global Administrator can help; above it, the locations only central IT
//! covers. Computed by `delegation::report` when opened (it takes seconds at millions of users,
//! so the driver runs it after a frame that says so).

use crate::delegation::{Coverage, Report};
use crate::model::Tenant;
use crate::tui::keymap::Cmd;
use crate::tui::layout::Areas;
use crate::tui::view::{Col, Frame, ListScreen, ListView, Row, Tone, VLine, wrap_lines};

use super::list::{ListSel, is_move};
use super::{Effect, State, View};

/// Lines above the list: the two gap sentences, a blank and what the columns count.
pub(super) const HEAD_LINES: u16 = 4;

#[derive(Debug, Default)]
pub struct ReportState {
    pub report: Option<Box<Report>>,
    pub list: ListSel,
}

impl State {
    pub(super) fn open_report(&mut self) -> Vec<Effect> {
        self.view = View::Report;
        self.report.list.reset();
        self.report.report = None;
        self.saving_note = "Working out the delegation report…";
        vec![Effect::DelegationReport]
    }
}

pub(super) fn loaded(s: &mut State, r: Report) {
    s.report.report = Some(Box::new(r));
    s.saving_note = super::SAVING;
}

pub(super) fn on_key(s: &mut State, cmd: Option<Cmd>, page: usize) -> Vec<Effect> {
    let n = s.report.report.as_ref().map_or(0, |r| r.locations.len());
    match cmd {
        Some(c) if is_move(c) => {
            s.report.list.step(c, n, page);
        }
        Some(Cmd::Back) => s.view = View::Panes,
        Some(Cmd::Help) => s.help = Some(Default::default()),
        Some(Cmd::Quit) => return s.quit_now(),
        _ => {}
    }
    Vec::new()
}

/// "passwords 19/20 (21 admins)": members the store's admins reach / members, and how many
/// admins; or "central IT only".
fn coverage(what: &str, c: &Coverage, members: usize) -> (String, Tone) {
    let reach = c.scoped.iter().map(|r| r.count).max().unwrap_or(0);
    let mut people: Vec<_> = c
        .scoped
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| r.user)
        .collect();
    people.sort();
    people.dedup();
    if members == 0 {
        (format!("{what}: no members"), Tone::Dim)
    } else if people.is_empty() {
        (format!("{what}: central IT only"), Tone::Warning)
    } else {
        let tone = if reach < members {
            Tone::Text
        } else {
            Tone::Ok
        };
        let n = people.len();
        (
            format!(
                "{what} {reach}/{members} ({n} admin{})",
                if n == 1 { "" } else { "s" }
            ),
            tone,
        )
    }
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> ListScreen {
    let Some(r) = &s.report.report else {
        return ListScreen {
            frame: Frame {
                title: "Delegation report".to_string(),
                focused: true,
                footer: None,
            },
            head: vec![VLine::text(
                "Working out who can help whom in every location…",
                Tone::Dim,
            )],
            list: ListView::default(),
        };
    };
    let gap = |phone: bool, what: &str| {
        let g = r.gaps(phone);
        if g.is_empty() {
            VLine::text(
                format!("Every location has a scoped admin who can {what}."),
                Tone::Ok,
            )
        } else {
            // The first few by name: the line is one row of the screen.
            let names: Vec<&str> = g
                .iter()
                .take(3)
                .map(|&a| t.au(a).display_name.as_str())
                .collect();
            let more = match g.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            VLine::text(
                format!(
                    "Only central IT can {what} in {} location{}: {}{more}.",
                    g.len(),
                    if g.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ),
                Tone::Warning,
            )
        }
    };
    let width = a.head.width as usize;
    let mut head = wrap_lines(&[gap(false, "reset passwords")], width);
    head.truncate(1);
    let mut second = wrap_lines(&[gap(true, "manage phones")], width);
    second.truncate(1);
    head.extend(second);
    let central = r.tenant_wide.len();
    head.push(VLine::blank());
    let mut note = wrap_lines(
        &[VLine::text(
            format!(
                "Counts: members its own admins can help. Central IT: {central} {}.",
                if central == 1 { "person" } else { "people" }
            ),
            Tone::Dim,
        )],
        width,
    );
    note.truncate(1);
    head.extend(note);
    let window = s
        .report
        .list
        .window(a.list.height as usize, r.locations.len());
    let rows = window
        .clone()
        .map(|i| {
            let l = &r.locations[i];
            let (pw, pw_tone) = coverage("passwords", &l.reset, l.members);
            let (ph, ph_tone) = coverage("phones", &l.phone, l.members);
            let hard = match l.hard_to_help.len() {
                0 => String::new(),
                n => format!("{n} need a top admin"),
            };
            Row::new(vec![
                Col::text(&t.au(l.au).display_name, Tone::Text)
                    .shrink(2)
                    .min(8),
                Col::text(format!("{} members", l.members), Tone::Dim).min(4),
                Col::text(pw, pw_tone).shrink(1).min(12),
                Col::text(ph, ph_tone).shrink(1).min(12),
                Col::text(hard, Tone::Warning).shrink(3).min(0),
            ])
        })
        .collect();
    ListScreen {
        frame: Frame {
            title: format!("Delegation report ({} locations)", r.locations.len()),
            focused: true,
            footer: None,
        },
        head,
        list: ListView {
            rows,
            offset: window.start,
            sel: s.report.list.sel,
            len: r.locations.len(),
            focused: true,
            empty: Some("No locations.".to_string()),
        },
    }
}
