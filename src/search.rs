//! Fuzzy search over every administrative unit and user of the tenant (fuzzy-matcher's skim
//! algorithm). Each whitespace-separated word of the query must match; scores add up.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::Tenant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitKind {
    User(u32),
    Au(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: HitKind,
    pub score: i64,
    /// The text that was matched: an AU's name, or a user's "Display Name  upn".
    pub text: String,
    /// Char positions in `text` that matched, for highlighting.
    pub indices: Vec<usize>,
}

/// The haystacks, prepared once per tenant state.
pub struct SearchIndex {
    entries: Vec<(HitKind, String)>,
}

impl SearchIndex {
    pub fn new(t: &Tenant) -> SearchIndex {
        let mut entries = Vec::with_capacity(t.users.len() + t.aus.len());
        for a in t.live_aus() {
            entries.push((HitKind::Au(a), t.au(a).display_name.clone()));
        }
        for u in t.live_users() {
            let user = t.user(u);
            entries.push((
                HitKind::User(u),
                format!("{}  {}", user.display_name, user.upn),
            ));
        }
        SearchIndex { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Best `limit` hits, best first; ties keep tenant order (AUs before users).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut hits: Vec<Hit> = Vec::new();
        'entries: for (kind, text) in &self.entries {
            let mut score = 0;
            let mut indices = Vec::new();
            for w in &words {
                match matcher.fuzzy_indices(text, w) {
                    Some((s, idx)) => {
                        score += s;
                        indices.extend(idx);
                    }
                    None => continue 'entries,
                }
            }
            indices.sort_unstable();
            indices.dedup();
            hits.push(Hit {
                kind: *kind,
                score,
                text: text.clone(),
                indices,
            });
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        hits.truncate(limit);
        hits
    }
}
