//! Global search over every location and user; the driver's worker computes the hits.

use crate::model::Tenant;
use crate::tui::keymap::Cmd;
use crate::tui::layout::Areas;
use crate::tui::text;
use crate::tui::view::{Col, Frame, ListScreen, ListView, Row, Tone, VLine};

use super::list::{ListSel, is_move};
use super::{Effect, State, TextField, View};

/// How many results global search asks for.
pub const SEARCH_LIMIT: usize = 200;

/// One global search result: the search index's own type.
pub use crate::search::{Hit as SearchHit, HitKind};

#[derive(Debug, Default)]
pub struct SearchState {
    pub query: TextField,
    pub seq: u64,
    pub hits: Vec<SearchHit>,
    pub list: ListSel,
    /// A search is running for `seq`.
    pub pending: bool,
}

pub(super) fn results(s: &mut State, seq: u64, hits: Vec<SearchHit>) {
    if seq == s.search.seq {
        s.search.hits = hits;
        s.search.pending = false;
        s.search.list.reset();
    }
}

pub(super) fn on_key(
    s: &mut State,
    t: &Tenant,
    cmd: Option<Cmd>,
    typed: Option<char>,
    page: usize,
) -> Vec<Effect> {
    match cmd {
        Some(Cmd::Back) => {
            s.view = View::Panes;
            Vec::new()
        }
        Some(Cmd::Open) => match s.search.hits.get(s.search.list.sel) {
            Some(h) => {
                let kind = h.kind;
                s.jump_to(t, kind)
            }
            None => Vec::new(),
        },
        Some(c) if is_move(c) => {
            s.search.list.step(c, s.search.hits.len(), page);
            Vec::new()
        }
        c => {
            if !s.search.query.edit(c, typed) {
                return Vec::new();
            }
            s.search.seq += 1;
            s.search.list.reset();
            if s.search.query.as_str().trim().is_empty() {
                s.search.hits.clear();
                s.search.pending = false;
                return Vec::new();
            }
            s.search.pending = true;
            vec![Effect::Search {
                seq: s.search.seq,
                query: s.search.query.as_str().to_string(),
            }]
        }
    }
}

pub(super) fn view(s: &State, t: &Tenant, a: &Areas) -> ListScreen {
    let q = &s.search;
    let note = if q.query.as_str().trim().is_empty() {
        "Type a name, a sign-in name or a location.".to_string()
    } else if q.pending {
        "searching…".to_string()
    } else if q.hits.len() >= SEARCH_LIMIT {
        format!("{SEARCH_LIMIT}+ results: the best {SEARCH_LIMIT} are shown; type more to narrow")
    } else if q.hits.len() == 1 {
        "1 result".to_string()
    } else {
        format!("{} results", q.hits.len())
    };
    let window = q.list.window(a.list.height as usize, q.hits.len());
    let rows = window
        .clone()
        .map(|i| {
            let h = &q.hits[i];
            let (kind, context) = match h.kind {
                HitKind::User(u) => {
                    let aus = super::panes::user_locations(t, u);
                    (
                        "user",
                        if aus.is_empty() {
                            "no location".to_string()
                        } else {
                            aus.join(", ")
                        },
                    )
                }
                HitKind::Au(a) => (
                    "location",
                    format!("{} members", super::au_user_count(t, a)),
                ),
            };
            Row::new(vec![
                Col::text(format!("{kind:<8}"), Tone::Dim).min(8),
                Col::new(text::highlighted(&h.text, &h.indices, Tone::Text))
                    .middle()
                    .shrink(1)
                    .min(12),
                Col::text(format!("· {context}"), Tone::Dim)
                    .shrink(2)
                    .min(0),
            ])
        })
        .collect();
    ListScreen {
        frame: Frame {
            title: "Search all locations and users".to_string(),
            focused: true,
            footer: None,
        },
        head: vec![
            VLine::new(q.query.spans("Search:", false, true)),
            VLine::text(note, Tone::Dim),
        ],
        list: ListView {
            rows,
            offset: window.start,
            sel: q.list.sel,
            len: q.hits.len(),
            focused: true,
            empty: None,
        },
    }
}
