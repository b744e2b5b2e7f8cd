//! Fuzzy search over every administrative unit and user of the tenant (fuzzy-matcher's skim
//! algorithm). Each whitespace-separated word of the query must match; scores add up.
//!
//! Built for two million users on two cores (issue 5). The results are exactly those of scoring
//! every entry with `SkimMatcherV2` and sorting, but the work is cut down:
//! - haystacks are prepared once, in one buffer, with an ASCII-lowercased copy;
//! - a cheap pre-filter rejects an entry unless every query word's bytes occur in it in order
//!   (skim folds ASCII case only, so this never rejects an entry skim would match);
//! - [`SearchIndex::search_incremental`] keeps the entries that matched the previous query in a
//!   [`SearchCache`]: a query that only adds characters (the user typing on) scans those only;
//! - entries are scored on every core (`std::thread::scope`);
//! - a bounded heap keeps the best `limit` (no full sort); only those become `Hit`s;
//! - a cancellation flag stops a search that a newer keystroke made stale.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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
    /// Tells caches built on another index apart.
    id: u64,
    kinds: Vec<HitKind>,
    /// Every entry's text, back to back; entry `i` is `text[ends[i-1]..ends[i]]`.
    text: String,
    /// `text` with ASCII letters lowercased (same byte offsets).
    lower: Vec<u8>,
    ends: Vec<usize>,
}

/// What the previous query matched, so the next keystroke can narrow instead of rescanning.
/// One per search box; reuse it for every keystroke.
#[derive(Debug, Default, Clone)]
pub struct SearchCache {
    index_id: u64,
    /// Lowercased words of the query `matches` belongs to; empty when nothing is cached.
    words: Vec<Vec<u8>>,
    /// Every entry (ascending) that matched `words`.
    matches: Vec<u32>,
}

impl SearchCache {
    /// Forgets the cached matches.
    pub fn clear(&mut self) {
        self.words.clear();
        self.matches = Vec::new();
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Below this many candidates, one thread does the work (spawning costs more than it saves).
const PARALLEL_MIN: usize = 2048;
/// How many entries a worker scores between looks at the cancellation flag.
const CANCEL_EVERY: usize = 1024;

/// Is `needle` a subsequence of `hay`?
#[inline]
fn subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut n = needle.iter();
    let Some(mut want) = n.next() else {
        return true;
    };
    for b in hay {
        if b == want {
            match n.next() {
                Some(w) => want = w,
                None => return true,
            }
        }
    }
    false
}

/// Does the new query only narrow the old one (every old word is a subsequence of the new word
/// at its place)? Then whatever matches the new query matched the old one.
fn narrows(old: &[Vec<u8>], new: &[Vec<u8>]) -> bool {
    !old.is_empty() && old.len() <= new.len() && old.iter().zip(new).all(|(o, n)| subsequence(o, n))
}

/// One worker's result: the entries it matched (ascending) and its best `limit`.
struct Part {
    matches: Vec<u32>,
    best: BinaryHeap<(Reverse<i64>, u32)>,
}

impl SearchIndex {
    pub fn new(t: &Tenant) -> SearchIndex {
        let n = t.aus.len() + t.users.len();
        let mut kinds = Vec::with_capacity(n);
        let mut ends = Vec::with_capacity(n);
        let mut text = String::with_capacity(n * 48);
        for a in t.live_aus() {
            kinds.push(HitKind::Au(a));
            text.push_str(&t.au(a).display_name);
            ends.push(text.len());
        }
        for u in t.live_users() {
            let user = t.user(u);
            kinds.push(HitKind::User(u));
            text.push_str(&user.display_name);
            text.push_str("  ");
            text.push_str(&user.upn);
            ends.push(text.len());
        }
        let mut lower = text.as_bytes().to_vec();
        lower.make_ascii_lowercase();
        SearchIndex {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            kinds,
            text,
            lower,
            ends,
        }
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    fn span(&self, i: usize) -> (usize, usize) {
        (if i == 0 { 0 } else { self.ends[i - 1] }, self.ends[i])
    }

    /// The text of entry `i` (as in [`Hit::text`]).
    pub fn entry_text(&self, i: usize) -> &str {
        let (s, e) = self.span(i);
        &self.text[s..e]
    }

    /// Best `limit` hits, best first; ties keep tenant order (AUs before users).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let never = AtomicBool::new(false);
        self.search_incremental(&mut SearchCache::default(), query, limit, &never)
            .unwrap_or_default()
    }

    /// Like [`search`](Self::search), for a search box: `cache` carries what the previous query
    /// matched, so typing on only rescans those entries. Returns `None` as soon as `cancel` is set
    /// (a newer query made this one stale); the cache then still holds the previous query's
    /// matches. Same results as `search`, always.
    ///
    /// Meant to run off the UI thread: keep the index and cache on a search thread, send it each
    /// query, and set `cancel` (then clear it before the next search) when a newer one arrives.
    pub fn search_incremental(
        &self,
        cache: &mut SearchCache,
        query: &str,
        limit: usize,
        cancel: &AtomicBool,
    ) -> Option<Vec<Hit>> {
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() || limit == 0 {
            return Some(Vec::new());
        }
        let lower: Vec<Vec<u8>> = words
            .iter()
            .map(|w| w.as_bytes().to_ascii_lowercase())
            .collect();
        let matcher = SkimMatcherV2::default().ignore_case();
        let narrow = cache.index_id == self.id && narrows(&cache.words, &lower);
        let candidates: Option<&[u32]> = narrow.then_some(cache.matches.as_slice());
        let total = candidates.map_or(self.len(), <[u32]>::len);

        let score_range = |from: usize, to: usize| -> Option<Part> {
            let mut part = Part {
                matches: Vec::new(),
                best: BinaryHeap::with_capacity(limit + 1),
            };
            for k in from..to {
                if (k - from).is_multiple_of(CANCEL_EVERY) && cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let i = match candidates {
                    Some(c) => c[k] as usize,
                    None => k,
                };
                let (s, e) = self.span(i);
                let hay = &self.lower[s..e];
                if !lower.iter().all(|w| subsequence(w, hay)) {
                    continue;
                }
                let text = &self.text[s..e];
                let mut score = 0i64;
                let mut matched = true;
                for w in &words {
                    // Scored as `fuzzy_indices` scores: skim's score-only mode
                    // (`fuzzy_match`) gives different scores for some texts.
                    match matcher.fuzzy_indices(text, w) {
                        Some((sc, _)) => score += sc,
                        None => {
                            matched = false;
                            break;
                        }
                    }
                }
                if !matched {
                    continue;
                }
                part.matches.push(i as u32);
                let key = (Reverse(score), i as u32);
                if part.best.len() < limit {
                    part.best.push(key);
                } else if part.best.peek().is_some_and(|top| key < *top) {
                    part.best.pop();
                    part.best.push(key);
                }
            }
            Some(part)
        };

        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let parts: Vec<Option<Part>> = if threads < 2 || total < PARALLEL_MIN {
            vec![score_range(0, total)]
        } else {
            let chunk = total.div_ceil(threads);
            std::thread::scope(|sc| {
                let score_range = &score_range;
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (from, to) = ((t * chunk).min(total), ((t + 1) * chunk).min(total));
                        sc.spawn(move || score_range(from, to))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("search worker panicked"))
                    .collect()
            })
        };
        let mut matches = Vec::new();
        let mut best: Vec<(Reverse<i64>, u32)> = Vec::new();
        let n_matches: usize = parts.iter().flatten().map(|p| p.matches.len()).sum();
        matches.reserve_exact(n_matches);
        for p in parts {
            let p = p?;
            matches.extend_from_slice(&p.matches);
            best.extend(p.best);
        }
        best.sort_unstable();
        best.truncate(limit);
        cache.index_id = self.id;
        cache.words = lower;
        cache.matches = matches;

        Some(
            best.into_iter()
                .map(|(Reverse(score), i)| {
                    let text = self.entry_text(i as usize);
                    let mut indices = Vec::new();
                    for w in &words {
                        if let Some((_, idx)) = matcher.fuzzy_indices(text, w) {
                            indices.extend(idx);
                        }
                    }
                    indices.sort_unstable();
                    indices.dedup();
                    Hit {
                        kind: self.kinds[i as usize],
                        score,
                        text: text.to_string(),
                        indices,
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original implementation: score everything with positions, stable sort.
    fn reference(t: &Tenant, query: &str, limit: usize) -> Vec<Hit> {
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut entries: Vec<(HitKind, String)> = Vec::new();
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
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut hits: Vec<Hit> = Vec::new();
        'entries: for (kind, text) in &entries {
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

    fn tenants() -> Vec<Tenant> {
        let mut generated = Vec::new();
        crate::generate::write_tenant(
            crate::generate::Spec {
                locations: 30,
                users_per_location: 700,
                seed: 9,
            },
            &mut generated,
        )
        .unwrap();
        vec![
            crate::fixture::load("contoso", crate::session::CONTOSO_JSON).unwrap(),
            crate::fixture::load("generated", &generated).unwrap(),
        ]
    }

    const QUERIES: &[&str] = &[
        "s",
        "se",
        "sea",
        "seat",
        "seatt",
        "ava",
        "ava ",
        "ava s",
        "ava smi",
        "ryan.agu",
        "zqxj",
        "SEA",
        "Port",
        "contoso user 1",
        "@",
        "o",
        "é",
        "manager 2",
        "a b c",
        "store 1",
    ];

    #[test]
    fn same_results_as_scoring_everything() {
        for t in tenants() {
            let index = SearchIndex::new(&t);
            for q in QUERIES {
                for limit in [1, 20, 200, 100_000] {
                    assert_eq!(
                        index.search(q, limit),
                        reference(&t, q, limit),
                        "query {q:?} limit {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn incremental_typing_gives_the_same_results() {
        let never = AtomicBool::new(false);
        for t in tenants() {
            let index = SearchIndex::new(&t);
            let mut cache = SearchCache::default();
            for q in ["seatt", "ava smi", "ryan.agu", "contoso portland", "zqxj"] {
                // Type it, then delete it again (deleting widens: no narrowing then).
                let keys: Vec<&str> = (1..=q.len()).map(|n| &q[..n]).collect();
                for k in keys.iter().chain(keys.iter().rev()) {
                    let got = index
                        .search_incremental(&mut cache, k, 200, &never)
                        .unwrap();
                    assert_eq!(got, reference(&t, k, 200), "typed {k:?}");
                }
            }
        }
    }

    #[test]
    fn cancelled_search_returns_none_and_keeps_the_cache_usable() {
        let t = &tenants()[1];
        let index = SearchIndex::new(t);
        let mut cache = SearchCache::default();
        let never = AtomicBool::new(false);
        index
            .search_incremental(&mut cache, "se", 200, &never)
            .unwrap();
        let stop = AtomicBool::new(true);
        assert!(
            index
                .search_incremental(&mut cache, "sea", 200, &stop)
                .is_none()
        );
        assert_eq!(
            index
                .search_incremental(&mut cache, "sea", 200, &never)
                .unwrap(),
            reference(t, "sea", 200)
        );
    }

    #[test]
    fn cache_from_another_index_is_not_used() {
        let ts = tenants();
        let (a, b) = (SearchIndex::new(&ts[0]), SearchIndex::new(&ts[1]));
        let never = AtomicBool::new(false);
        let mut cache = SearchCache::default();
        a.search_incremental(&mut cache, "co", 200, &never).unwrap();
        assert_eq!(
            b.search_incremental(&mut cache, "con", 200, &never)
                .unwrap(),
            reference(&ts[1], "con", 200)
        );
    }
}
