//! The audit log: newest first, filtered as you type (matches highlighted), and one record in
//! full on Enter.

use crate::audit::{AuditRecord, AuditResult};
use crate::tui::keymap::{Cmd, Ctx};
use crate::tui::layout::Areas;
use crate::tui::text;
use crate::tui::view::{
    Body, Col, Frame, ListScreen, ListView, Row, TextPane, Tone, VLine, VSpan, wrap_lines,
};

use super::list::{ListSel, is_move};
use super::{Effect, State, TextField, View};

/// One audit record, as the audit view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub record: AuditRecord,
}

impl AuditRow {
    pub fn success(&self) -> bool {
        self.record.result == AuditResult::Success
    }

    fn initiated_by(&self) -> &str {
        &self.record.initiated_by.user.user_principal_name
    }

    fn result_word(&self) -> &'static str {
        if self.success() { "success" } else { "failure" }
    }

    fn matches(&self, needle: &str) -> bool {
        let n = needle.to_lowercase();
        let r = &self.record;
        [
            r.activity_date_time.as_str(),
            &r.activity_display_name,
            &r.result_reason,
            self.initiated_by(),
            r.target_name(),
            self.result_word(),
        ]
        .iter()
        .any(|f| f.to_lowercase().contains(&n))
    }
}

#[derive(Debug, Default)]
pub struct AuditState {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    pub loaded: bool,
    pub filter: TextField,
    pub filtering: bool,
    pub shown: Vec<usize>,
    pub list: ListSel,
    /// The selected record is open in full.
    pub detail: bool,
    pub detail_scroll: usize,
}

impl State {
    /// Opens the audit view, filtered to `filter` when given (a user's records).
    pub(super) fn open_audit(&mut self, filter: Option<&str>) -> Effect {
        self.audit.filter.set(filter.unwrap_or(""));
        self.audit.filtering = false;
        self.audit.detail = false;
        self.audit.list.reset();
        self.view = View::Audit;
        Effect::LoadAudit
    }
}

fn refilter(s: &mut State) {
    let f = s.audit.filter.as_str().trim().to_string();
    s.audit.shown = (0..s.audit.rows.len())
        .filter(|&i| f.is_empty() || s.audit.rows[i].matches(&f))
        .collect();
    s.audit.list.clamp(s.audit.shown.len());
}

pub(super) fn loaded(s: &mut State, mut rows: Vec<AuditRow>) {
    rows.reverse();
    s.audit.rows = rows;
    s.audit.loaded = true;
    refilter(s);
}

pub(super) fn on_key(
    s: &mut State,
    t: &crate::model::Tenant,
    ctx: Ctx,
    cmd: Option<Cmd>,
    typed: Option<char>,
    page: usize,
) -> Vec<Effect> {
    match (ctx, cmd) {
        (Ctx::AuditDetail, Some(Cmd::Back)) => s.audit.detail = false,
        (Ctx::AuditDetail, Some(c)) if is_move(c) => {
            let a = s.areas(t, s.size);
            let max = match s.audit.shown.get(s.audit.list.sel) {
                Some(&i) => detail(&s.audit.rows[i], "", &a, 0)
                    .lines
                    .len()
                    .saturating_sub(a.list.height as usize),
                None => 0,
            };
            s.audit.detail_scroll = super::list::scrolled(s.audit.detail_scroll, c, page, max);
        }
        (Ctx::AuditDetail, Some(Cmd::Help)) => s.help = Some(Default::default()),
        (Ctx::AuditDetail, Some(Cmd::Quit)) => return s.quit_now(),
        (Ctx::AuditDetail, _) => {}
        (Ctx::AuditFilter, Some(Cmd::Open)) => s.audit.filtering = false,
        (Ctx::AuditFilter, Some(Cmd::Back)) => {
            s.audit.filtering = false;
            s.audit.filter.clear();
            refilter(s);
        }
        (_, Some(c)) if is_move(c) => {
            s.audit.list.step(c, s.audit.shown.len(), page);
        }
        (Ctx::Audit, Some(Cmd::Open)) if !s.audit.shown.is_empty() => {
            s.audit.detail = true;
            s.audit.detail_scroll = 0;
        }
        (Ctx::Audit, Some(Cmd::FilterAudit)) => s.audit.filtering = true,
        (Ctx::Audit, Some(Cmd::Back)) => s.view = View::Panes,
        (Ctx::Audit, Some(Cmd::Help)) => s.help = Some(Default::default()),
        (Ctx::Audit, Some(Cmd::Quit)) => return s.quit_now(),
        (Ctx::AuditFilter, c) if s.audit.filter.edit(c, typed) => {
            s.audit.list.reset();
            refilter(s);
        }
        _ => {}
    }
    Vec::new()
}

fn hl(text_: &str, filter: &str, tone: Tone) -> Vec<VSpan> {
    text::highlighted(text_, &text::find_all(text_, filter), tone)
}

pub(super) fn view(s: &State, a: &Areas) -> Body {
    let au = &s.audit;
    if au.detail
        && let Some(&i) = au.shown.get(au.list.sel)
    {
        let when = format!(
            "{} ({})",
            s.when(&au.rows[i].record.activity_date_time),
            crate::when::exact_utc(&au.rows[i].record.activity_date_time)
        );
        return Body::Text(detail(&au.rows[i], &when, a, au.detail_scroll));
    }
    let f = au.filter.as_str().trim();
    let window = au.list.window(a.list.height as usize, au.shown.len());
    let rows = window
        .clone()
        .map(|i| {
            let row = &au.rows[au.shown[i]];
            let r = &row.record;
            let (mark, tone) = if row.success() {
                ("✓ success", Tone::Ok)
            } else {
                ("✗ failure", Tone::Error)
            };
            let when = s.when(&r.activity_date_time);
            let mut who = hl(row.initiated_by(), f, Tone::Dim);
            who.push(VSpan::new(" → ", Tone::Dim));
            who.extend(hl(r.target_name(), f, Tone::Dim));
            Row::new(vec![
                Col::new(hl(&when, f, Tone::Dim)).min(crate::when::HUMAN_WIDTH),
                Col::new(hl(mark, f, tone)).min(9),
                Col::new(hl(&r.activity_display_name, f, Tone::Text))
                    .shrink(1)
                    .min(12),
                Col::new(who).middle().shrink(2).min(10),
                Col::new(hl(&r.result_reason, f, Tone::Dim))
                    .shrink(3)
                    .min(0),
            ])
        })
        .collect();
    let empty = if !au.loaded {
        "Loading…"
    } else if au.rows.is_empty() {
        "No audit records yet."
    } else {
        "No record matches the filter."
    };
    Body::List(ListScreen {
        frame: Frame {
            title: format!(
                "Audit log ({} of {}) — newest first",
                au.shown.len(),
                au.rows.len()
            ),
            focused: true,
            footer: None,
        },
        head: vec![VLine::new(au.filter.spans("Filter:", false, au.filtering))],
        list: ListView {
            rows,
            offset: window.start,
            sel: au.list.sel,
            len: au.shown.len(),
            focused: true,
            empty: Some(empty.to_string()),
        },
    })
}

fn detail(row: &AuditRow, when: &str, a: &Areas, scroll: usize) -> TextPane {
    let r = &row.record;
    let field = |label: &str, value: &str| {
        VLine::new(vec![
            VSpan::new(format!("{label:<16}"), Tone::Dim),
            VSpan::new(value, Tone::Text),
        ])
        .indented(16)
    };
    let mut lines = vec![
        VLine::text(&r.activity_display_name, Tone::Title),
        VLine::blank(),
        field("When", when),
        field("Result", row.result_word()),
        field(
            "Reason",
            if r.result_reason.is_empty() {
                "—"
            } else {
                &r.result_reason
            },
        ),
        field("Initiated by", row.initiated_by()),
        field("Initiator id", &r.initiated_by.user.id),
        field("Category", &r.category),
        field("Operation", &r.operation_type),
        field("Logged by", &r.logged_by_service),
        field("Record id", &r.id),
        VLine::blank(),
        VLine::text("Target resources", Tone::Title),
    ];
    for t in &r.target_resources {
        let name = t
            .user_principal_name
            .as_deref()
            .or(t.display_name.as_deref())
            .unwrap_or("—");
        lines.push(VLine::text(format!("  {} · {name}", t.kind), Tone::Text).indented(4));
        lines.push(VLine::text(format!("    id {}", t.id), Tone::Dim).indented(4));
        for p in &t.modified_properties {
            lines.push(
                VLine::text(
                    format!(
                        "    {}: {} → {}",
                        p.display_name,
                        p.old_value.as_deref().unwrap_or("—"),
                        p.new_value.as_deref().unwrap_or("—")
                    ),
                    Tone::Dim,
                )
                .indented(6),
            );
        }
    }
    if !r.additional_details.is_empty() {
        lines.push(VLine::blank());
        lines.push(VLine::text("Additional details", Tone::Title));
        for kv in &r.additional_details {
            lines.push(field(&format!("  {}", kv.key), &kv.value));
        }
    }
    let lines = wrap_lines(&lines, a.list.width as usize);
    let h = a.list.height as usize;
    let scroll = scroll.min(lines.len().saturating_sub(h));
    let below = lines.len().saturating_sub(scroll + h);
    TextPane {
        frame: Frame {
            title: "Audit record".to_string(),
            focused: true,
            footer: crate::tui::view::scroll_note(scroll, below),
        },
        lines,
        scroll,
    }
}
