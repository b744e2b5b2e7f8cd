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
//! - skim runs only on entries that can still enter that heap: one-character words are scored
//!   exactly without it ([`score_one_char`]), longer ASCII words get an upper bound first
//!   ([`coarse_bound`], then [`score_bound`]);
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

/// skim's character classes (`fuzzy_matcher::skim::CharType`) for one byte of UTF-8 text: a
/// byte of a multi-byte character stands for that character, which skim classes as lower case.
#[derive(Clone, Copy, PartialEq)]
enum CharClass {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

#[inline]
fn char_class(b: u8) -> CharClass {
    match b {
        0 => CharClass::Empty,
        b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => CharClass::HardSep,
        b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => CharClass::SoftSep,
        b'0'..=b'9' => CharClass::Number,
        b'A'..=b'Z' => CharClass::Upper,
        _ => CharClass::Lower,
    }
}

/// skim's in-place bonus (`SkimMatcherV2::in_place_bonus` with the default score config).
#[inline]
fn in_place_bonus(prev: CharClass, cur: CharClass) -> i64 {
    match (prev, cur) {
        (CharClass::Empty, _) | (CharClass::HardSep, _) => 8, // head
        (CharClass::SoftSep, _) => 7,                         // break
        (CharClass::Lower, CharClass::Upper) | (CharClass::Number, CharClass::Upper) => 6, // camel
        _ => 0,                                               // tail
    }
}

/// skim's `fuzzy_indices` score (ignoring case) for a one-character ASCII pattern `p`, or `None`
/// when `p` does not occur. `text` is the entry, `lower` its ASCII-lowercased copy.
///
/// With one pattern character skim's score matrix has one row after the reset row, and each
/// matching column scores `P[0] (-1) + in-place bonus + match (16, or 14 when the case differs)`,
/// the first column's bonus doubled; the score is the best column. Nothing in that row reads the
/// matrix cells skim leaves over from earlier calls, so this is exact (a test checks it against
/// skim on every entry of the test tenants).
#[inline]
fn score_one_char(p: u8, text: &[u8], lower: &[u8]) -> Option<i64> {
    let pl = p.to_ascii_lowercase();
    let mut best: Option<i64> = None;
    for (k, &b) in lower.iter().enumerate() {
        if b != pl {
            continue;
        }
        let c = text[k];
        let prev = if k == 0 { 0 } else { text[k - 1] };
        let mut bonus = in_place_bonus(char_class(prev), char_class(c));
        if k == 0 {
            bonus *= 2;
        }
        let score = -1 + bonus + if c == p { 16 } else { 14 };
        best = Some(best.map_or(score, |b| b.max(score)));
    }
    best
}

/// Longest entry [`score_bound`] handles (a stack buffer); longer ones are scored by skim.
const BOUND_MAX_LEN: usize = 255;
const NEG: i32 = i16::MIN as i32;

/// An upper bound on skim's `fuzzy_indices` score (ignoring case) for an ASCII pattern word `p`
/// against an ASCII `text` (`lower` its lowercased copy), or `None` when `p` does not occur.
///
/// It runs skim's own score matrix (affine gaps, in-place and consecutive bonuses, the first
/// column's doubled bonus, the same reset cells), with one change: where skim reads a matrix
/// cell's bonus that this call never wrote (skim keeps the matrix between calls, so that value is
/// left over from an earlier entry), it takes 16, the largest bonus there is. The scores are
/// max-plus sums, so a larger bonus can only raise them: the result is never below skim's, and
/// equal to it when no left-over cell is read. `text` must be ASCII and at most
/// [`BOUND_MAX_LEN`] bytes, so columns are bytes as skim's are chars.
fn score_bound(p: &[u8], text: &[u8], lower: &[u8], rows: &mut BoundRows) -> Option<i64> {
    let n = text.len();
    debug_assert!(n <= BOUND_MAX_LEN && text.is_ascii() && !p.is_empty());
    // skim's cheap_matches: the first (greedy) position of each pattern character.
    let mut fmi = [0usize; 64];
    if p.len() > fmi.len() {
        return Some(i64::MAX);
    }
    let mut k = 0;
    for (j, &b) in lower.iter().enumerate() {
        if k < p.len() && b == p[k].to_ascii_lowercase() {
            fmi[k] = j;
            k += 1;
        }
    }
    if k < p.len() {
        return None;
    }
    let BoundRows {
        bonus_at,
        m_prev,
        p_prev,
        m_cur,
        p_cur,
    } = rows;
    for v in [
        &mut *bonus_at,
        &mut *m_prev,
        &mut *p_prev,
        &mut *m_cur,
        &mut *p_cur,
    ] {
        v.clear();
        v.resize(n + 1, NEG);
    }
    // Row 0: no match, and skipping costs the gap extension.
    p_prev.fill(-1);
    let mut prev_class = CharClass::Empty;
    for (j, &c) in text.iter().enumerate() {
        let class = char_class(c);
        bonus_at[j + 1] = in_place_bonus(prev_class, class) as i32;
        prev_class = class;
    }
    if n > 0 {
        bonus_at[1] *= 2;
    }
    for (i, &pc) in p.iter().enumerate() {
        let pl = pc.to_ascii_lowercase();
        let to_skip = fmi[i];
        m_cur[to_skip] = NEG;
        p_cur[to_skip] = NEG;
        // The bonus of cell (row, col - 1) as skim reads it: 0 after a reset or a mismatch;
        // after a match skim reads a cell it did not write in this call (left over): 16 at most.
        let mut last_matched = false;
        for col in to_skip + 1..=n {
            let c = text[col - 1];
            if lower[col - 1] == pl {
                let match_score = if c == pc { 16 } else { 14 };
                let prev_bonus = if last_matched { 16 } else { 0 };
                let in_place = bonus_at[col];
                let consecutive = prev_bonus.max(in_place.max(4));
                let score_match = m_prev[col - 1] + consecutive;
                let score_skip = p_prev[col - 1] + in_place;
                m_cur[col] = score_match.max(score_skip) + match_score;
                last_matched = true;
            } else {
                m_cur[col] = NEG;
                last_matched = false;
            }
            p_cur[col] = (-4 + m_cur[col - 1]).max(-1 + p_cur[col - 1]);
        }
        std::mem::swap(m_prev, m_cur);
        std::mem::swap(p_prev, p_cur);
    }
    let last = fmi[p.len() - 1];
    m_prev[last..=n].iter().max().map(|&s| s as i64)
}

/// A coarser, cheaper upper bound than [`score_bound`] (same conditions), from one pass over the
/// text: each pattern character is credited with the best it could get at any position that
/// holds it, wherever the others are. In skim's matrix the first character scores at most
/// `-1 + in-place bonus + 16`; each later one at most `16 + max(consecutive bonus, in-place bonus
/// minus the gap's cost)`, and the consecutive bonus is `max(left-over or 0, in-place, 4)`, where a
/// left-over (at most 16) can only be read when the previous character matches too.
fn coarse_bound(p: &[u8], text: &[u8], lower: &[u8]) -> i64 {
    let mut first = [i32::MIN; 128];
    let mut later = [i32::MIN; 128];
    let mut wanted = [false; 128];
    for &c in p {
        wanted[c.to_ascii_lowercase() as usize & 127] = true;
    }
    let mut prev_class = CharClass::Empty;
    for (k, &b) in lower.iter().enumerate() {
        let class = char_class(text[k]);
        if b < 128 && wanted[b as usize] {
            let in_place = in_place_bonus(prev_class, class) as i32;
            let f = if k == 0 { in_place * 2 } else { in_place };
            let g = if k > 0 && lower[k - 1] == b {
                16
            } else {
                in_place.max(4)
            };
            first[b as usize] = first[b as usize].max(f);
            later[b as usize] = later[b as usize].max(g);
        }
        prev_class = class;
    }
    let mut bound = 15 + first[p[0].to_ascii_lowercase() as usize & 127] as i64;
    for &c in &p[1..] {
        bound += 16 + later[c.to_ascii_lowercase() as usize & 127] as i64;
    }
    bound
}

/// Scratch rows for [`score_bound`], reused from entry to entry.
#[derive(Default)]
struct BoundRows {
    bonus_at: Vec<i32>,
    m_prev: Vec<i32>,
    p_prev: Vec<i32>,
    m_cur: Vec<i32>,
    p_cur: Vec<i32>,
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
            text.push_str(user.display_name());
            text.push_str("  ");
            text.push_str(user.upn());
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
        // A query of one-character ASCII words (the first keystroke) is scored exactly without
        // skim; skim then runs only on entries whose score can still enter the best `limit`.
        let one_char: Option<Vec<u8>> = words
            .iter()
            .all(|w| w.len() == 1 && w.is_ascii())
            .then(|| words.iter().map(|w| w.as_bytes()[0]).collect());
        // Longer ASCII words: an upper bound from skim's own matrix ([`score_bound`]) decides
        // whether skim needs to run at all.
        let ascii_words = one_char.is_none() && words.iter().all(|w| w.is_ascii());
        let total = candidates.map_or(self.len(), <[u32]>::len);

        let score_range = |from: usize, to: usize| -> Option<Part> {
            let mut part = Part {
                matches: Vec::new(),
                best: BinaryHeap::with_capacity(limit + 1),
            };
            let mut rows = BoundRows::default();
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
                let text = &self.text[s..e];
                if let Some(ps) = &one_char {
                    let mut bound = 0;
                    let mut all = true;
                    for &p in ps {
                        match score_one_char(p, text.as_bytes(), hay) {
                            Some(sc) => bound += sc,
                            None => {
                                all = false;
                                break;
                            }
                        }
                    }
                    if !all {
                        continue;
                    }
                    if part.best.len() >= limit
                        && part.best.peek().is_some_and(|top| bound <= top.0.0)
                    {
                        // Ascending order within a worker: an equal score loses the tie.
                        part.matches.push(i as u32);
                        continue;
                    }
                } else if !lower.iter().all(|w| subsequence(w, hay)) {
                    continue;
                } else if ascii_words
                    && part.best.len() >= limit
                    && hay.len() <= BOUND_MAX_LEN
                    && text.is_ascii()
                {
                    // Every word is a subsequence of this ASCII text: skim matches it.
                    let top = part.best.peek().map_or(i64::MAX, |t| t.0.0);
                    let coarse: i64 = words
                        .iter()
                        .map(|w| coarse_bound(w.as_bytes(), text.as_bytes(), hay))
                        .sum();
                    if coarse <= top {
                        part.matches.push(i as u32);
                        continue;
                    }
                    let mut bound = 0i64;
                    for w in &words {
                        bound = bound.saturating_add(
                            score_bound(w.as_bytes(), text.as_bytes(), hay, &mut rows)
                                .unwrap_or(i64::MAX),
                        );
                    }
                    if bound <= top {
                        part.matches.push(i as u32);
                        continue;
                    }
                }
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
                format!("{}  {}", user.display_name(), user.upn()),
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
        "S",
        "a",
        "r",
        "e a",
        ".",
        "1",
    ];

    #[test]
    fn one_char_score_is_skims() {
        let matcher = SkimMatcherV2::default().ignore_case();
        for t in tenants() {
            let index = SearchIndex::new(&t);
            for i in 0..index.len() {
                let (s, e) = index.span(i);
                let text = index.entry_text(i);
                for p in b"saeirSAE@. 1-x" {
                    let want = matcher
                        .fuzzy_indices(text, std::str::from_utf8(&[*p]).unwrap())
                        .map(|(sc, _)| sc);
                    let got = score_one_char(*p, text.as_bytes(), &index.lower[s..e]);
                    assert_eq!(got, want, "{:?} in {text:?}", *p as char);
                }
            }
        }
    }

    #[test]
    fn score_bound_is_never_below_skims() {
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut rows = BoundRows::default();
        let mut exact = 0;
        let mut total = 0;
        for t in tenants() {
            let index = SearchIndex::new(&t);
            for i in 0..index.len() {
                let (s, e) = index.span(i);
                let text = index.entry_text(i);
                if !text.is_ascii() || text.len() > BOUND_MAX_LEN {
                    continue;
                }
                for p in [
                    "se", "sea", "seatt", "Ava", "smi", "ryan.", "ss", "tt", "lle", "@nw",
                ] {
                    let want = matcher.fuzzy_indices(text, p).map(|(sc, _)| sc);
                    let got =
                        score_bound(p.as_bytes(), text.as_bytes(), &index.lower[s..e], &mut rows);
                    assert_eq!(got.is_some(), want.is_some(), "{p:?} in {text:?}");
                    if let (Some(g), Some(w)) = (got, want) {
                        assert!(g >= w, "{p:?} in {text:?}: bound {g} < skim {w}");
                        let c = coarse_bound(p.as_bytes(), text.as_bytes(), &index.lower[s..e]);
                        assert!(c >= g, "{p:?} in {text:?}: coarse {c} < bound {g}");
                        exact += usize::from(g == w);
                        total += 1;
                    }
                }
            }
        }
        // Tight, too: mostly exact.
        assert!(exact * 10 >= total * 9, "{exact} exact of {total}");
    }

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
