//! Fuzzy search over every administrative unit and user of the tenant (fuzzy-matcher's skim
//! algorithm). Each whitespace-separated word of the query must match; scores add up.
//!
//! Built for two million users on two cores. The results are exactly those of scoring
//! every entry with `SkimMatcherV2` and sorting, but the work is cut down:
//! - haystacks are prepared once, in one buffer, with an ASCII-lowercased copy and a 16-byte
//!   [`Summary`] per entry (which characters occur, which at a word head, the first byte);
//! - pass 1 bounds every candidate's score from its summary alone ([`Summary::bound`]); where
//!   that bound can still make the result, it decides whether the entry matches (exactly: the
//!   summary's bits, then a subsequence test on the lowercased bytes; skim folds ASCII case only)
//!   and puts matches into buckets by bound;
//! - pass 2 scores buckets from the highest bound down and stops as soon as no entry left can
//!   enter the best `limit` (scores tie-break on entry order); before scoring an entry it bounds
//!   its score again from the text, cheaply ([`Summary::pair_bound`]: which pattern characters
//!   follow each other somewhere) and then more tightly ([`text_bound`]: gap lengths too), as
//!   the summary's bound assumes every character follows the previous one and is far too high
//!   where the best `limit` score low;
//! - scores come from a copy of skim's score matrix ([`score_ascii`]) where that copy is provably
//!   exact, else from skim itself;
//! - [`SearchIndex::search_incremental`] keeps what the previous query may have matched in a
//!   [`SearchCache`]: a query that only adds characters (the user typing on) scans those only, and
//!   the previous best hits are scored first so that pass 1 can already leave most entries'
//!   texts unread;
//! - both passes run on every core (`std::thread::scope`, each worker on its share of the
//!   candidates), sharing the threshold of the best `limit` found so far;
//! - a cancellation flag stops a search that a newer keystroke made stale.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::{AuId, Tenant, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitKind {
    User(UserId),
    Au(AuId),
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
    summaries: Vec<Summary>,
}

/// How much work a search did, for benchmarks and tuning.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SearchStats {
    /// Whether the previous query's candidates were the ones scanned (typing on).
    pub narrowed: bool,
    /// Entries pass 1 looked at.
    pub scanned: usize,
    /// Entries kept for the next keystroke: the matches, and the entries whose bound could not
    /// make the result (not checked).
    pub kept: usize,
    /// Matches put into a bucket (checked, as their bound could make the result).
    pub bucketed: usize,
    /// Non-empty buckets pass 2 opened.
    pub buckets_visited: usize,
    /// Entries whose score pass 2 first bounded from their text ([`Summary::pair_bound`], then
    /// [`text_bound`]); those that could not make the result were not scored.
    pub text_bounded: usize,
    /// Entries scored exactly (previous best hits included).
    pub scored: usize,
    /// Calls of skim itself (for the score or the match; not counting the hits' positions).
    pub skim_calls: usize,
}

impl SearchStats {
    fn add(&mut self, o: &SearchStats) {
        self.scanned += o.scanned;
        self.kept += o.kept;
        self.bucketed += o.bucketed;
        self.buckets_visited += o.buckets_visited;
        self.text_bounded += o.text_bounded;
        self.scored += o.scored;
        self.skim_calls += o.skim_calls;
    }
}

/// What the previous query may have matched, so the next keystroke can narrow instead of
/// rescanning. One per search box; reuse it for every keystroke.
#[derive(Debug, Default, Clone)]
pub struct SearchCache {
    index_id: u64,
    /// Lowercased words of the query `candidates` belongs to; empty when nothing is cached.
    words: Vec<Vec<u8>>,
    /// Entries (ascending): every one that matches `words`, and some that may not (narrowing
    /// needs no more than that, and checking costs reading the text).
    candidates: Vec<u32>,
    /// The entries of the previous result: scored first, they make a good first threshold.
    top: Vec<u32>,
    stats: SearchStats,
}

impl SearchCache {
    /// Forgets the cached candidates.
    pub fn clear(&mut self) {
        self.words.clear();
        self.candidates = Vec::new();
        self.top.clear();
    }

    /// The work done by the last search that completed with this cache.
    pub fn stats(&self) -> SearchStats {
        self.stats
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Below this many candidates, one thread does the work (spawning costs more than it saves).
const PARALLEL_MIN: usize = 2048;
/// How many entries a worker looks at between looks at the cancellation flag.
const CANCEL_EVERY: usize = 1024;

/// Is `needle` a subsequence of `hay`? (`memchr` finds each byte a few times faster than a
/// plain loop, and this runs on up to every entry per keystroke.)
#[inline]
fn subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut rest = hay;
    for &b in needle {
        match memchr::memchr(b, rest) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
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
const fn char_class(b: u8) -> CharClass {
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
const fn in_place_bonus(prev: CharClass, cur: CharClass) -> i32 {
    match (prev, cur) {
        (CharClass::Empty, _) | (CharClass::HardSep, _) => 8, // head
        (CharClass::SoftSep, _) => 7,                         // break
        (CharClass::Lower, CharClass::Upper) | (CharClass::Number, CharClass::Upper) => 6, // camel
        _ => 0,                                               // tail
    }
}

/// The summary bit of a lowercased ASCII byte: letters and digits have their own, the rest share
/// 27 (a shared bit only makes the pre-filter let more through).
#[inline]
const fn char_bit(b: u8) -> u32 {
    match b {
        b'a'..=b'z' => (b - b'a') as u32,
        b'0'..=b'9' => 26 + (b - b'0') as u32,
        _ => 36 + (b % 27) as u32,
    }
}

/// The bit in [`Summary::head`] that says a lowercased ASCII byte occurs twice in a row (20 bits
/// shared by all characters).
#[inline]
const fn doubled_bit(b: u8) -> u64 {
    1 << (36 + char_bit(b) % 20)
}

/// Does [`char_bit`] give `b` a bit of its own (so that the bit alone says whether it occurs)?
#[inline]
const fn own_bit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// In [`Summary::has`]: the text is not all ASCII, so skim scores it (its columns are chars).
const NON_ASCII: u64 = 1 << 63;
/// Where [`Summary::head`] keeps the text's first byte.
const FIRST_SHIFT: u32 = 56;

/// What [`Summary::of`] adds for one byte of text (a table: the index is built for two million
/// entries, and per-byte matching was most of its time).
#[derive(Clone, Copy)]
struct ByteInfo {
    has: u64,
    /// [`SEP`], [`LOWER_OR_DIGIT`], [`UPPER`]: skim gives a letter or digit an in-place bonus
    /// after a separator, and an upper-case letter one after a lower-case letter or a digit;
    /// above those, the shift of its [`doubled_bit`].
    kind: u64,
}

/// The [`Summary::has`] bits of letters and digits (the ones [`Summary::head`] has too).
const OWN_BITS: u64 = (1 << 36) - 1;

const SEP: u64 = 1;
const LOWER_OR_DIGIT: u64 = 2;
const UPPER: u64 = 4;

const BYTE_INFO: [ByteInfo; 256] = {
    // Non-ASCII bytes: a shift of 0 (equal ones side by side set the head bit of `a`, which
    // only loosens the bound).
    let mut t = [ByteInfo {
        has: NON_ASCII,
        kind: LOWER_OR_DIGIT,
    }; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let l = c.to_ascii_lowercase();
        let kind = match char_class(c) {
            CharClass::Empty | CharClass::HardSep | CharClass::SoftSep => SEP,
            CharClass::Lower | CharClass::Number => LOWER_OR_DIGIT,
            CharClass::Upper => UPPER,
        };
        t[b] = ByteInfo {
            has: 1 << char_bit(l),
            kind: kind | (doubled_bit(l).trailing_zeros() as u64) << 8,
        };
        b += 1;
    }
    t
};

/// What pass 1 reads instead of the text to bound an entry's score.
#[derive(Debug, Clone, Copy, Default)]
struct Summary {
    /// [`char_bit`]s of the (lowercased) ASCII bytes that occur, and [`NON_ASCII`].
    has: u64,
    /// [`char_bit`]s of the letters and digits that occur after the first byte with an in-place
    /// bonus (word head, break or camel hump); [`doubled_bit`]s; the text's first byte at
    /// [`FIRST_SHIFT`].
    head: u64,
}

impl Summary {
    fn of(text: &[u8]) -> Summary {
        let Some(&c0) = text.first() else {
            return Summary::default();
        };
        let mut prev = &BYTE_INFO[usize::from(c0)];
        let mut has = prev.has;
        let mut head = u64::from(c0) << FIRST_SHIFT;
        for w in text.windows(2) {
            let cur = &BYTE_INFO[usize::from(w[1])];
            has |= cur.has;
            let bonus = prev.kind & SEP | (prev.kind >> 1) & (cur.kind >> 2);
            head |= cur.has & OWN_BITS & (bonus & 1).wrapping_neg();
            // Equal but for ASCII case (a few punctuation pairs too: more doubled bits only
            // loosen the bound).
            let doubled = u64::from((w[0] ^ w[1]) & !0x20 == 0);
            head |= doubled << (cur.kind >> 8);
            prev = cur;
        }
        Summary { has, head }
    }

    /// An upper bound on the query's score (the words' skim scores added), from the summary
    /// alone. In skim's matrix (see [`score_ascii`]) the first pattern character scores
    /// `-1 + in-place bonus + 16 or 14 (case differs)`, the bonus doubled at the text's first
    /// character; each later one adds at most `16 + max(consecutive bonus, in-place bonus - 4)`
    /// (the `- 4` is the least a gap costs), where the consecutive bonus is `max(in-place, 4)`, or
    /// a matrix cell left over from an earlier call (at most 16) when the text has the same
    /// character twice in a row and the pattern does too. In-place bonuses other than the doubled
    /// first one are at most 8. Characters this summary knows nothing of get the largest values.
    #[inline]
    fn bound(self, words: &[Word]) -> i64 {
        words.iter().map(|w| self.word_bound(w)).sum()
    }

    /// [`bound`](Self::bound) for one word.
    #[inline]
    fn word_bound(self, w: &Word) -> i64 {
        (w.chars.iter().enumerate())
            .map(|(k, c)| i64::from(self.char_bound(k, c)))
            .sum()
    }

    /// [`bound`](Self::bound)'s share of character `c`, the `k`th of its word.
    #[inline]
    fn char_bound(self, k: usize, c: &PatChar) -> i32 {
        let headed = !own_bit(c.lower) || self.head & (1 << char_bit(c.lower)) != 0;
        if c.lower == 0 {
            if k == 0 { 31 } else { 32 }
        } else if k == 0 {
            let first = (self.head >> FIRST_SHIFT) as u8;
            if first.to_ascii_lowercase() == c.lower {
                if first == c.exact { 31 } else { 29 }
            } else if headed {
                23
            } else {
                15
            }
        } else if c.same_as_prev && self.head & doubled_bit(c.lower) != 0 {
            32
        } else if headed {
            24
        } else {
            20
        }
    }

    /// [`char_bound`](Self::char_bound) for each character of the ASCII word `w` (at most
    /// [`MAX_PATTERN`] long) into `out`, tightened by one branch-free pass over the entry's
    /// lowercased ASCII text: a character gets a consecutive bonus only if the text has the
    /// previous one right before it somewhere; else it follows a gap, which costs at least 4.
    /// Their sum.
    ///
    /// A consecutive bonus is `max(in-place, 4)` (a left-over only with a doubled character,
    /// which `char_bound` already allows for): the in-place bonus after a letter or digit is
    /// a camel hump's 6 if any (the head bit), after anything else at most 8.
    fn pair_bound(self, w: &Word, lower: &[u8], out: &mut [i32]) -> i64 {
        let mut adjacent = 0u64;
        let mut prev = 0u64;
        for &b in lower {
            let cur = w.at[usize::from(b & 127)];
            adjacent |= (prev << 1) & cur;
            prev = cur;
        }
        let mut total = 0;
        for (k, (c, o)) in w.chars.iter().zip(out).enumerate() {
            let most = self.char_bound(k, c);
            *o = if k == 0 || most == 32 {
                most
            } else {
                let headed = !own_bit(c.lower) || self.head & (1 << char_bit(c.lower)) != 0;
                let consecutive = if adjacent >> k & 1 == 0 {
                    NEG
                } else if !own_bit(w.chars[k - 1].lower) {
                    24
                } else if headed {
                    22
                } else {
                    20
                };
                let gap = if headed { 20 } else { 12 };
                most.min(consecutive.max(gap))
            };
            total += i64::from(*o);
        }
        total
    }
}

/// One character of a query word, as [`Summary::bound`] needs it.
struct PatChar {
    /// Lowercased; 0 for a non-ASCII character (and NUL), which bounds as the largest score.
    lower: u8,
    exact: u8,
    /// The previous character of the word is the same (case folded).
    same_as_prev: bool,
}

/// A query word, prepared.
struct Word<'q> {
    text: &'q str,
    lower: Vec<u8>,
    chars: Vec<PatChar>,
    /// [`Summary::has`] bits every match has.
    need: u64,
    /// The bits alone decide the match (one letter or digit).
    by_bits: bool,
    /// By lowercased ASCII byte: the bit `k` of each of the first [`MAX_PATTERN`] characters `k`
    /// that it is.
    at: [u64; 128],
}

impl<'q> Word<'q> {
    fn new(text: &'q str) -> Word<'q> {
        let lower = text.as_bytes().to_ascii_lowercase();
        let mut need = if text.is_ascii() { 0 } else { NON_ASCII };
        let mut chars = Vec::new();
        let mut prev = None;
        for ch in text.chars() {
            let (l, e) = if ch.is_ascii() {
                let b = ch as u8;
                need |= 1 << char_bit(b.to_ascii_lowercase());
                (b.to_ascii_lowercase(), b)
            } else {
                (0, 0)
            };
            chars.push(PatChar {
                lower: l,
                exact: e,
                same_as_prev: l != 0 && prev == Some(l),
            });
            prev = Some(l);
        }
        let by_bits = lower.len() == 1 && own_bit(lower[0]);
        let mut at = [0; 128];
        for (k, &b) in lower.iter().enumerate().take(MAX_PATTERN) {
            at[usize::from(b & 127)] |= 1 << k;
        }
        Word {
            text,
            lower,
            chars,
            need,
            by_bits,
            at,
        }
    }
}

/// Largest pattern word [`score_ascii`] takes (its first-match table is on the stack).
const MAX_PATTERN: usize = 64;
const NEG: i32 = i16::MIN as i32;

/// The result of [`score_ascii`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exact {
    Score(i64),
    NoMatch,
    /// Depends on what skim's matrix holds from earlier calls: ask skim.
    Unsure,
    /// Below the floor it was given (see [`Prune`]).
    Below,
}

/// Lets [`score_ascii`] stop early on a text that cannot reach `floor`: after row `k` of the
/// matrix, the best cell plus `later[k + 1]` (an upper bound on what pattern characters `k + 1..`
/// can add, from [`Summary::char_bound`], 0 at the end) is all it can still reach.
struct Prune<'a> {
    later: &'a [i32],
    floor: i32,
}

/// skim's `cheap_matches`: the first (greedy) position in `lower` of each character of the
/// ASCII pattern `p` (at most [`MAX_PATTERN`] long) into `out`; false when `p` does not match.
fn first_matches(p: &[u8], lower: &[u8], out: &mut [usize; MAX_PATTERN]) -> bool {
    let mut k = 0;
    for (j, &b) in lower.iter().enumerate() {
        if b == p[k].to_ascii_lowercase() {
            out[k] = j;
            k += 1;
            if k == p.len() {
                return true;
            }
        }
    }
    false
}

/// skim's `fuzzy_indices` score (ignoring case) for an ASCII pattern word `p` against an ASCII
/// `text` (`lower` its lowercased copy), when this can be known without skim.
///
/// It runs skim's own score matrix (affine gaps, in-place and consecutive bonuses, the first
/// column's doubled bonus, the same reset cells, the same `i32` arithmetic). One thing skim does
/// cannot be copied: where two text characters in a row match the same pattern character, skim
/// reads the second one's consecutive bonus from a matrix cell that this call never wrote (skim
/// keeps its matrix between calls), so that value is left over from an earlier entry: 0, or a
/// bonus between 4 and 16. The scores are max-plus sums, so they only grow with that value: when
/// taking 0 and taking 16 give the same score, that is skim's score; otherwise `Unsure`.
///
/// `rows` must be [prepared](ScoreRows::prepare) for `text`.
fn score_ascii(
    p: &[u8],
    text: &[u8],
    lower: &[u8],
    rows: &mut ScoreRows,
    prune: Option<Prune>,
) -> Exact {
    debug_assert!(text.is_ascii() && p.is_ascii() && !p.is_empty());
    if p.len() > MAX_PATTERN {
        return Exact::Unsure;
    }
    let mut fmi = [0usize; MAX_PATTERN];
    if !first_matches(p, lower, &mut fmi) {
        return Exact::NoMatch;
    }
    let fmi = &fmi[..p.len()];
    match rows.run(p, text, lower, fmi, None, prune) {
        Ok(score) => Exact::Score(score),
        Err(Stop::Below) => Exact::Below,
        Err(Stop::LeftOver) => {
            let low = rows.run(p, text, lower, fmi, Some(0), None);
            let high = rows.run(p, text, lower, fmi, Some(16), None);
            match (low, high) {
                (Ok(l), Ok(h)) if l == h => Exact::Score(l),
                _ => Exact::Unsure,
            }
        }
    }
}

/// An upper bound on what each character of the ASCII pattern word `p` can add to skim's score
/// (ignoring case) in the ASCII `text` (`lower` its lowercased copy), into `out`; their sum, or
/// `None` when `p` does not match. One look at each text position per pattern character: far
/// cheaper than [`score_ascii`], and far tighter than [`Summary::bound`], which assumes every
/// character follows the previous one.
///
/// In skim's matrix (see [`ScoreRows::run`]) character `k` matched at position `j` adds the match
/// score (16, or 14 when case differs) and either the consecutive bonus, when character `k - 1`
/// is matched at `j - 1` (`max(in-place, 4)`, or a left-over of at most 16 when both characters
/// are the same), or the in-place bonus less the gap after the previous character's match (4,
/// and 1 more per skipped character beyond the first: at least the distance to the nearest
/// earlier occurrence of character `k - 1`). The first character adds its in-place bonus,
/// doubled at the text's start, less 1. The best over every position where `k` can be on a match
/// (from its first greedy position to its last one matching from the end) bounds what `k` adds.
fn text_bound(p: &[u8], text: &[u8], lower: &[u8], out: &mut [i32]) -> Option<i32> {
    let m = p.len();
    debug_assert!(m <= MAX_PATTERN && out.len() == m && !p.is_empty());
    let mut first = [0usize; MAX_PATTERN];
    if !first_matches(p, lower, &mut first) {
        return None;
    }
    let mut k = m;
    let mut last = [0usize; MAX_PATTERN];
    for (j, &b) in lower.iter().enumerate().rev() {
        if b == p[k - 1].to_ascii_lowercase() {
            k -= 1;
            last[k] = j;
            if k == 0 {
                break;
            }
        }
    }
    let bonus = |j: usize| {
        let prev = if j == 0 {
            CharClass::Empty
        } else {
            char_class(text[j - 1])
        };
        in_place_bonus(prev, char_class(text[j]))
    };
    let mut total = 0;
    for (k, (&pc, o)) in p.iter().zip(out.iter_mut()).enumerate() {
        let pl = pc.to_ascii_lowercase();
        let (from, to) = (first[k], last[k]);
        let mut best = NEG;
        for at in memchr::memchr_iter(pl, &lower[from..=to]) {
            let j = from + at;
            let add = if k == 0 {
                // The in-place bonus is doubled at the text's start.
                bonus(j) * if j == 0 { 2 } else { 1 } - 1
            } else {
                let ql = p[k - 1].to_ascii_lowercase();
                let consecutive = if lower[j - 1] != ql {
                    NEG
                } else if pl == ql {
                    16
                } else {
                    bonus(j).max(4)
                };
                // Character `k - 1` at `j - 2` or before (`first[k - 1]` is its earliest).
                let gap = memchr::memrchr(ql, &lower[first[k - 1]..j - 1])
                    .map_or(NEG, |g| bonus(j) - 4 - (j - 2 - (first[k - 1] + g)) as i32);
                consecutive.max(gap)
            };
            best = best.max(add + if text[j] == pc { 16 } else { 14 });
        }
        *o = best;
        total += best;
    }
    Some(total)
}

/// Why [`ScoreRows::run`] stopped early.
#[derive(Debug, PartialEq)]
enum Stop {
    LeftOver,
    Below,
}

/// Scratch rows for [`score_ascii`], reused from entry to entry.
#[derive(Default)]
struct ScoreRows {
    /// What each pattern character can add at most ([`SearchIndex::score`]'s bounds).
    bounds: Vec<i32>,
    bonus_at: Vec<i32>,
    m_prev: Vec<i32>,
    p_prev: Vec<i32>,
    m_cur: Vec<i32>,
    p_cur: Vec<i32>,
}

impl ScoreRows {
    /// Sizes the rows for `text` and computes its in-place bonuses (shared by the words).
    fn prepare(&mut self, text: &[u8]) {
        let n = text.len();
        if self.m_prev.len() <= n {
            for v in [
                &mut self.bonus_at,
                &mut self.m_prev,
                &mut self.p_prev,
                &mut self.m_cur,
                &mut self.p_cur,
            ] {
                v.resize(n + 1, NEG);
            }
        }
        let mut prev_class = CharClass::Empty;
        for (j, &c) in text.iter().enumerate() {
            let class = char_class(c);
            self.bonus_at[j + 1] = in_place_bonus(prev_class, class);
            prev_class = class;
        }
        if n > 0 {
            self.bonus_at[1] *= 2;
        }
    }

    /// skim's matrix with the left-over bonus taken as `left_over`; with `None`, gives up at the
    /// first cell where a left-over could change the cell's value. Rows are exact until then,
    /// which is what lets `prune` stop early.
    fn run(
        &mut self,
        p: &[u8],
        text: &[u8],
        lower: &[u8],
        fmi: &[usize],
        left_over: Option<i32>,
        prune: Option<Prune>,
    ) -> Result<i64, Stop> {
        let n = text.len();
        let ScoreRows {
            bounds: _,
            bonus_at,
            m_prev,
            p_prev,
            m_cur,
            p_cur,
        } = self;
        // Row 0: no match, and skipping costs the gap extension. Each row reads the one before
        // from its own first-match column on, and writes its cells from there on before that.
        m_prev[fmi[0]..=n].fill(NEG);
        p_prev[fmi[0]..=n].fill(-1);
        for (i, &pc) in p.iter().enumerate() {
            let pl = pc.to_ascii_lowercase();
            let to_skip = fmi[i];
            m_cur[to_skip] = NEG;
            p_cur[to_skip] = NEG;
            // Whether skim reads the bonus of cell (row, col - 1) from a left-over: after a match
            // in this row (a reset or a mismatch leaves 0 there).
            let mut last_matched = false;
            let mut row_best = NEG;
            for col in to_skip + 1..=n {
                let c = text[col - 1];
                if lower[col - 1] == pl {
                    let match_score = if c == pc { 16 } else { 14 };
                    let in_place = bonus_at[col];
                    let score_skip = p_prev[col - 1] + in_place;
                    let base = in_place.max(4);
                    let consecutive = match (last_matched, left_over) {
                        (false, _) => base,
                        (true, Some(l)) => l.max(base),
                        (true, None) => {
                            // A left-over of 16 at most: it matters only if it can beat both.
                            if m_prev[col - 1] + 16 > (m_prev[col - 1] + base).max(score_skip) {
                                return Err(Stop::LeftOver);
                            }
                            base
                        }
                    };
                    let score_match = m_prev[col - 1] + consecutive;
                    m_cur[col] = score_match.max(score_skip) + match_score;
                    row_best = row_best.max(m_cur[col]);
                    last_matched = true;
                } else {
                    m_cur[col] = NEG;
                    last_matched = false;
                }
                p_cur[col] = (-4 + m_cur[col - 1]).max(-1 + p_cur[col - 1]);
            }
            if let Some(pr) = &prune
                && row_best.saturating_add(pr.later[i + 1]) < pr.floor
            {
                return Err(Stop::Below);
            }
            std::mem::swap(m_prev, m_cur);
            std::mem::swap(p_prev, p_cur);
        }
        let last = fmi[p.len() - 1];
        Ok(m_prev[last..=n]
            .iter()
            .max()
            .map_or(i64::from(NEG), |&s| i64::from(s)))
    }
}

/// One worker's result: its candidates for the next keystroke (ascending) and its best `limit`.
struct Part {
    kept: Vec<u32>,
    best: Vec<(Reverse<i64>, u32)>,
    stats: SearchStats,
}

/// The best `limit` so far; the top of the heap is the worst kept (lowest score, then the
/// latest entry).
struct Best {
    heap: BinaryHeap<(Reverse<i64>, u32)>,
    limit: usize,
}

impl Best {
    fn push(&mut self, score: i64, i: u32) {
        let key = (Reverse(score), i);
        if self.heap.len() < self.limit {
            self.heap.push(key);
        } else if self.heap.peek().is_some_and(|top| key < *top) {
            self.heap.pop();
            self.heap.push(key);
        }
    }

    /// The worst kept entry (score, entry) once `limit` are kept.
    fn worst(&self) -> Option<(i64, u32)> {
        if self.heap.len() < self.limit {
            return None;
        }
        self.heap.peek().map(|&(Reverse(s), i)| (s, i))
    }

    /// The least score entry `i` needs to get in.
    fn need(&self, i: u32) -> i64 {
        match self.worst() {
            Some((s, j)) if i < j => s,
            Some((s, _)) => s + 1,
            None => i64::MIN,
        }
    }
}

/// A threshold (the worst of a best `limit`: score, entry) as one number that grows as the
/// threshold gets stricter: a higher score, or the same score on an earlier entry. 0 is none.
/// Scores beyond `i32` (skim's own type) never occur; were one to, this stays on the safe side.
fn threshold_code(score: i64, i: u32) -> u64 {
    if score < i64::from(i32::MIN) {
        return 0;
    }
    if score > i64::from(i32::MAX) {
        return u64::from(u32::MAX) << 32;
    }
    (((score - i64::from(i32::MIN)) as u64) << 32) | u64::from(u32::MAX - i)
}

/// The least score entry `i` needs to beat the threshold in `shared` ([`threshold_code`]).
fn shared_need(shared: &AtomicU64, i: u32) -> i64 {
    let code = shared.load(Ordering::Relaxed);
    if code == 0 {
        return i64::MIN;
    }
    let score = (code >> 32) as i64 + i64::from(i32::MIN);
    let entry = u32::MAX - code as u32;
    if i < entry { score } else { score + 1 }
}

/// Everything a search needs besides the index.
struct Query<'q> {
    words: Vec<Word<'q>>,
    need: u64,
    /// Some word is not decided by the summary bits alone.
    need_text: bool,
    matcher: SkimMatcherV2,
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
        SearchIndex::from_parts(kinds, text, ends)
    }

    /// The index of entries whose texts are laid out back to back in `text`, ending at `ends`.
    fn from_parts(kinds: Vec<HitKind>, text: String, ends: Vec<usize>) -> SearchIndex {
        let mut lower = text.as_bytes().to_vec();
        lower.make_ascii_lowercase();
        let mut index = SearchIndex {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            kinds,
            text,
            lower,
            ends,
            summaries: Vec::new(),
        };
        index.summaries = index.build_summaries();
        index
    }

    /// Every entry's [`Summary`], computed on every core.
    fn build_summaries(&self) -> Vec<Summary> {
        let n = self.len();
        let mut out = vec![Summary::default(); n];
        let threads = threads();
        if threads < 2 || n < PARALLEL_MIN {
            self.summarise(0, &mut out);
            return out;
        }
        std::thread::scope(|sc| {
            for (t, chunk) in out.chunks_mut(n.div_ceil(threads)).enumerate() {
                let from = t * n.div_ceil(threads);
                sc.spawn(move || self.summarise(from, chunk));
            }
        });
        out
    }

    fn summarise(&self, from: usize, out: &mut [Summary]) {
        for (k, s) in out.iter_mut().enumerate() {
            let (a, b) = self.span(from + k);
            *s = Summary::of(&self.text.as_bytes()[a..b]);
        }
    }

    /// The memory the index holds (capacities, in bytes).
    pub fn heap_bytes(&self) -> usize {
        self.kinds.capacity() * size_of::<HitKind>()
            + self.text.capacity()
            + self.lower.capacity()
            + self.ends.capacity() * size_of::<usize>()
            + self.summaries.capacity() * size_of::<Summary>()
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    #[inline]
    fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }

    /// The text of entry `i` (as in [`Hit::text`]).
    pub fn entry_text(&self, i: usize) -> &str {
        let (s, e) = self.span(i);
        &self.text[s..e]
    }

    /// Does entry `i` match every word? Exact: the summary bits and the subsequence test are
    /// what skim's own first step (`cheap_matches`) decides for ASCII words; a word with other
    /// characters is left to skim.
    fn matches(&self, i: usize, q: &Query, stats: &mut SearchStats) -> bool {
        self.summaries[i].has & q.need == q.need && self.matches_text(i, q, stats)
    }

    /// [`matches`](Self::matches) for an entry whose summary has every bit the query needs.
    #[inline]
    fn matches_text(&self, i: usize, q: &Query, stats: &mut SearchStats) -> bool {
        if !q.need_text {
            return true;
        }
        let (s, e) = self.span(i);
        let hay = &self.lower[s..e];
        for w in &q.words {
            if w.by_bits {
                continue;
            }
            if !subsequence(&w.lower, hay) {
                return false;
            }
            if !w.text.is_ascii() {
                stats.skim_calls += 1;
                if q.matcher.fuzzy_indices(&self.text[s..e], w.text).is_none() {
                    return false;
                }
            }
        }
        true
    }

    /// The query's score on entry `i`; `None` when it does not match, or when it cannot reach
    /// `need` (that is found out early where it can, from bounds first).
    fn score(
        &self,
        i: usize,
        q: &Query,
        rows: &mut ScoreRows,
        stats: &mut SearchStats,
        need: i64,
    ) -> Option<i64> {
        let (s, e) = self.span(i);
        let lower = &self.lower[s..e];
        let summary = self.summaries[i];
        let ascii_text = summary.has & NON_ASCII == 0;
        let prune = need > i64::MIN;
        // Words whose characters are bounded from the text (else from the summary).
        let from_text = |w: &Word| ascii_text && w.text.is_ascii() && w.chars.len() <= MAX_PATTERN;
        let read_text = prune && q.words.iter().any(from_text);
        // What each character of each word can add at most (the words back to back), from the
        // cheapest bound up: most entries pass 2 looks at are left here, unscored.
        let mut bound = 0;
        if prune {
            rows.bounds.clear();
            for w in &q.words {
                let at = rows.bounds.len();
                rows.bounds.resize(at + w.chars.len(), 0);
                let out = &mut rows.bounds[at..];
                if from_text(w) {
                    bound += summary.pair_bound(w, lower, out);
                } else {
                    for (k, (c, o)) in w.chars.iter().zip(out).enumerate() {
                        *o = summary.char_bound(k, c);
                        bound += i64::from(*o);
                    }
                }
            }
            stats.text_bounded += usize::from(read_text);
            if bound < need {
                return None;
            }
        }
        // Read only now: another cache miss, which most entries are spared.
        let text = &self.text[s..e];
        if read_text {
            bound = 0;
            let mut at = 0;
            for w in &q.words {
                let out = &mut rows.bounds[at..at + w.chars.len()];
                at += w.chars.len();
                bound += i64::from(if from_text(w) {
                    text_bound(w.text.as_bytes(), text.as_bytes(), lower, out)?
                } else {
                    out.iter().sum()
                });
            }
            if bound < need {
                return None;
            }
        }
        stats.scored += 1;
        if ascii_text {
            rows.prepare(text.as_bytes());
        }
        // The most the words after the current one can add.
        let mut rest = bound;
        let mut chars = 0;
        let mut total = 0;
        for w in &q.words {
            let mut later = [0i32; MAX_PATTERN + 1];
            let word = chars..chars + w.chars.len();
            chars = word.end;
            if prune {
                rest -= rows.bounds[word.clone()]
                    .iter()
                    .map(|&b| i64::from(b))
                    .sum::<i64>();
            }
            let exact = if ascii_text && w.text.is_ascii() {
                let pr = (prune && w.chars.len() <= MAX_PATTERN).then(|| {
                    let bounds = &rows.bounds[word];
                    for k in (1..bounds.len()).rev() {
                        later[k] = later[k + 1] + bounds[k];
                    }
                    // Clamped towards pruning less.
                    let floor = (need - total - rest).clamp(i32::MIN.into(), i32::MAX.into());
                    Prune {
                        later: &later,
                        floor: floor as i32,
                    }
                });
                score_ascii(w.text.as_bytes(), text.as_bytes(), lower, rows, pr)
            } else {
                Exact::Unsure
            };
            total += match exact {
                Exact::Score(sc) => sc,
                Exact::NoMatch | Exact::Below => return None,
                Exact::Unsure => {
                    stats.skim_calls += 1;
                    // Scored as `fuzzy_indices` scores: skim's score-only mode (`fuzzy_match`)
                    // gives different scores for some texts.
                    q.matcher.fuzzy_indices(text, w.text)?.0
                }
            };
        }
        Some(total)
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
        let words: Vec<Word> = query.split_whitespace().map(Word::new).collect();
        if words.is_empty() || limit == 0 {
            return Some(Vec::new());
        }
        let lower: Vec<Vec<u8>> = words.iter().map(|w| w.lower.clone()).collect();
        let q = Query {
            need: words.iter().fold(0, |n, w| n | w.need),
            need_text: words.iter().any(|w| !w.by_bits),
            words,
            matcher: SkimMatcherV2::default().ignore_case(),
        };
        let same_index = cache.index_id == self.id;
        let narrow = same_index && narrows(&cache.words, &lower);
        let candidates: Option<&[u32]> = narrow.then_some(cache.candidates.as_slice());
        let total = candidates.map_or(self.len(), <[u32]>::len);
        let mut stats = SearchStats {
            narrowed: narrow,
            ..SearchStats::default()
        };

        // The previous result first: its entries often score high on this query too, and the
        // threshold they set lets pass 1 leave most entries unchecked and out of the buckets.
        let mut best = Best {
            heap: BinaryHeap::with_capacity(limit + 1),
            limit,
        };
        let mut rows = ScoreRows::default();
        let mut seeds: Vec<u32> = if same_index {
            cache.top.clone()
        } else {
            Vec::new()
        };
        seeds.sort_unstable();
        for &i in &seeds {
            if self.matches(i as usize, &q, &mut stats)
                && let Some(sc) = self.score(i as usize, &q, &mut rows, &mut stats, i64::MIN)
            {
                best.push(sc, i);
            }
        }
        // The worst of the best `limit` found so far by anyone (seeds, either worker): no entry
        // that cannot beat it can make the result, as it only gets stricter.
        let shared = AtomicU64::new(best.worst().map_or(0, |(s, i)| threshold_code(s, i)));
        let max_bound = q
            .words
            .iter()
            .map(|w| 32 * w.chars.len() as i64)
            .sum::<i64>();
        let buckets = max_bound as usize + 1;

        let work = |from: usize, to: usize| -> Option<Part> {
            let mut stats = SearchStats {
                scanned: to - from,
                ..SearchStats::default()
            };
            // Pass 1: the candidates for the next keystroke, and by bound the matches that may
            // still make the result.
            let mut kept = Vec::new();
            let mut by_bound = vec![Vec::new(); buckets];
            for k in from..to {
                if (k - from).is_multiple_of(CANCEL_EVERY) && cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let i = match candidates {
                    Some(c) => c[k] as usize,
                    None => k,
                };
                let summary = self.summaries[i];
                if summary.has & q.need != q.need {
                    continue;
                }
                let bound = summary.bound(&q.words).clamp(0, max_bound);
                if bound < shared_need(&shared, i as u32) {
                    // Cannot make the result, match or not: kept unchecked.
                    kept.push(i as u32);
                    continue;
                }
                if !self.matches_text(i, &q, &mut stats) {
                    continue;
                }
                kept.push(i as u32);
                by_bound[bound as usize].push(i as u32);
                stats.bucketed += 1;
            }
            stats.kept = kept.len();
            // Pass 2: highest bound first. Within a bucket entries ascend, so once an entry
            // cannot beat the threshold (not even on the tie), no later one can.
            let mut best = Best {
                heap: BinaryHeap::with_capacity(limit + 1),
                limit,
            };
            let mut rows = ScoreRows::default();
            let mut looked = 0usize;
            'buckets: for (b, entries) in by_bound.iter().enumerate().rev() {
                let bound = b as i64;
                for (n, &i) in entries.iter().enumerate() {
                    let need = best.need(i).max(shared_need(&shared, i));
                    if bound < need {
                        break 'buckets;
                    }
                    looked += 1;
                    if looked.is_multiple_of(CANCEL_EVERY) && cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    stats.buckets_visited += usize::from(n == 0);
                    if seeds.binary_search(&i).is_ok() {
                        continue;
                    }
                    if let Some(sc) = self.score(i as usize, &q, &mut rows, &mut stats, need) {
                        best.push(sc, i);
                        // Only after a push (else the threshold is unchanged): spares each
                        // rejected entry an atomic write to a line both workers share.
                        if let Some((s, j)) = best.worst() {
                            shared.fetch_max(threshold_code(s, j), Ordering::Relaxed);
                        }
                    }
                }
            }
            Some(Part {
                kept,
                best: best.heap.into_vec(),
                stats,
            })
        };

        let threads = threads();
        let parts: Vec<Option<Part>> = if threads < 2 || total < PARALLEL_MIN {
            vec![work(0, total)]
        } else {
            let chunk = total.div_ceil(threads);
            std::thread::scope(|sc| {
                let work = &work;
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (from, to) = ((t * chunk).min(total), ((t + 1) * chunk).min(total));
                        sc.spawn(move || work(from, to))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("search worker panicked"))
                    .collect()
            })
        };
        let parts: Vec<Part> = parts.into_iter().collect::<Option<_>>()?;
        for p in &parts {
            stats.add(&p.stats);
        }

        let mut best = best.heap.into_vec();
        for p in &parts {
            best.extend_from_slice(&p.best);
        }
        best.sort_unstable();
        best.truncate(limit);
        let mut kept = Vec::with_capacity(parts.iter().map(|p| p.kept.len()).sum());
        for p in &parts {
            kept.extend_from_slice(&p.kept);
        }
        cache.index_id = self.id;
        cache.words = lower;
        cache.candidates = kept;
        cache.top = best.iter().map(|&(_, i)| i).collect();
        cache.stats = stats;

        Some(
            best.into_iter()
                .map(|(Reverse(score), i)| {
                    let text = self.entry_text(i as usize);
                    let mut indices = Vec::new();
                    for w in &q.words {
                        if let Some((_, idx)) = q.matcher.fuzzy_indices(text, w.text) {
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

/// How many workers a search (or any scan of every entry) splits into.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
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

    /// The index of `texts` (as AUs), for tests on texts of their own.
    fn index_of(texts: &[String]) -> SearchIndex {
        let mut text = String::new();
        let mut ends = Vec::new();
        for t in texts {
            text.push_str(t);
            ends.push(text.len());
        }
        SearchIndex::from_parts(
            (0..texts.len())
                .map(|i| HitKind::Au(AuId::from_index(i)))
                .collect(),
            text,
            ends,
        )
    }

    /// Checks entry `i` of `index` against skim for `query`: the match decision is skim's, the
    /// bound is never below skim's score, and a score is skim's. Returns whether skim had to be
    /// asked for the score.
    fn check_entry(index: &SearchIndex, i: usize, query: &str) -> bool {
        let words: Vec<Word> = query.split_whitespace().map(Word::new).collect();
        let q = Query {
            need: words.iter().fold(0, |n, w| n | w.need),
            need_text: words.iter().any(|w| !w.by_bits),
            words,
            matcher: SkimMatcherV2::default().ignore_case(),
        };
        let skim = SkimMatcherV2::default().ignore_case();
        let text = index.entry_text(i);
        let want: Option<i64> = q
            .words
            .iter()
            .map(|w| skim.fuzzy_indices(text, w.text).map(|(s, _)| s))
            .sum();
        let mut stats = SearchStats::default();
        let matched = index.matches(i, &q, &mut stats);
        assert_eq!(matched, want.is_some(), "{query:?} in {text:?}");
        let mut rows = ScoreRows::default();
        let before = stats.skim_calls;
        let got = index.score(i, &q, &mut rows, &mut stats, i64::MIN);
        assert_eq!(got, want, "{query:?} in {text:?}");
        let (s, e) = index.span(i);
        for w in &q.words {
            if !text.is_ascii() || !w.text.is_ascii() || w.chars.len() > MAX_PATTERN {
                continue;
            }
            let lower = &index.lower[s..e];
            let mut each = vec![0; w.chars.len()];
            let bound = text_bound(w.text.as_bytes(), text.as_bytes(), lower, &mut each);
            match (bound, skim.fuzzy_indices(text, w.text)) {
                (None, None) => {}
                (Some(b), Some((sc, _))) => {
                    assert!(
                        i64::from(b) >= sc,
                        "{:?} in {text:?}: text bound {b} < skim {sc}",
                        w.text
                    );
                    assert_eq!(b, each.iter().sum::<i32>());
                    let pair = index.summaries[i].pair_bound(w, lower, &mut each);
                    assert!(
                        pair >= sc,
                        "{:?} in {text:?}: pair bound {pair} < skim {sc}",
                        w.text
                    );
                    assert_eq!(pair, each.iter().map(|&b| i64::from(b)).sum::<i64>());
                }
                (b, sk) => panic!("{:?} in {text:?}: text bound {b:?}, skim {sk:?}", w.text),
            }
        }
        if let Some(w) = want {
            let bound = index.summaries[i].bound(&q.words);
            assert!(
                bound >= w,
                "{query:?} in {text:?}: bound {bound} < skim {w}"
            );
            // Scoring that may stop early below a floor.
            let at = index.score(i, &q, &mut rows, &mut stats, w);
            assert_eq!(at, Some(w), "{query:?} in {text:?} needing {w}");
            let above = index.score(i, &q, &mut rows, &mut stats, w + 1);
            assert!(above.is_none() || above == Some(w), "{query:?} in {text:?}");
        }
        stats.skim_calls > before
    }

    #[test]
    fn one_char_score_is_skims() {
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut rows = ScoreRows::default();
        for t in tenants() {
            let index = SearchIndex::new(&t);
            for i in 0..index.len() {
                let (s, e) = index.span(i);
                let text = index.entry_text(i);
                if !text.is_ascii() {
                    continue;
                }
                rows.prepare(text.as_bytes());
                for p in b"saeirSAE@. 1-x" {
                    let want = matcher
                        .fuzzy_indices(text, std::str::from_utf8(&[*p]).unwrap())
                        .map_or(Exact::NoMatch, |(sc, _)| Exact::Score(sc));
                    let got =
                        score_ascii(&[*p], text.as_bytes(), &index.lower[s..e], &mut rows, None);
                    assert_eq!(got, want, "{:?} in {text:?}", *p as char);
                }
            }
        }
    }

    #[test]
    fn score_bound_is_never_below_skims() {
        let mut skim_asked = 0;
        let mut total = 0;
        for t in tenants() {
            let index = SearchIndex::new(&t);
            for i in 0..index.len() {
                for q in [
                    "se", "sea", "seatt", "Ava", "smi", "ryan.", "ss", "tt", "lle", "@nw", "é",
                    "ava smi", "S e a", "o 1",
                ] {
                    let asked = check_entry(&index, i, q);
                    if q.is_ascii() {
                        skim_asked += usize::from(asked);
                        total += 1;
                    }
                }
            }
        }
        // ASCII queries rarely need skim itself.
        assert!(
            skim_asked * 50 <= total,
            "skim asked {skim_asked} of {total}"
        );
    }

    /// Texts like the tenant's, with doubled letters, case changes, separators, digits and a
    /// few non-ASCII characters.
    fn text_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[A-Za-z0-9 .@_\\-(é]{0,40}").unwrap()
    }

    fn query_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[a-zA-Z0-9 .@é]{1,10}").unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(512))]

        #[test]
        fn bound_and_match_agree_with_skim(
            texts in proptest::collection::vec(text_strategy(), 1..8),
            query in query_strategy(),
        ) {
            let index = index_of(&texts);
            for i in 0..index.len() {
                check_entry(&index, i, &query);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(512))]

        /// Few characters: most queries match, often in several ways, with doubled characters,
        /// case changes and gaps of every length.
        #[test]
        fn text_bound_and_pruning_agree_with_skim(
            texts in proptest::collection::vec("[aAbB .1-]{0,30}", 1..8),
            query in "[abAB.1]{1,6}( [abB]{1,3})?",
        ) {
            let index = index_of(&texts);
            for i in 0..index.len() {
                check_entry(&index, i, &query);
            }
        }
    }

    /// Random queries over the test tenants, whole and typed key by key.
    #[test]
    fn random_queries_give_the_same_results() {
        use proptest::strategy::{Strategy, ValueTree};
        let ts = tenants();
        let indexes: Vec<SearchIndex> = ts.iter().map(SearchIndex::new).collect();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = proptest::string::string_regex(
            "([a-z]{1,4}|[A-Z][a-z]{0,3}|[.@1-]|é|contoso|sea|ava|ryan)( ?([a-z]{1,5}|[.@2]|é)){0,2}",
        )
        .unwrap();
        let never = AtomicBool::new(false);
        for _ in 0..40 {
            let query = strategy.new_tree(&mut runner).unwrap().current();
            for (t, index) in ts.iter().zip(&indexes) {
                assert_eq!(
                    index.search(&query, 50),
                    reference(t, &query, 50),
                    "query {query:?}"
                );
                let mut cache = SearchCache::default();
                for (n, _) in query.char_indices().skip(1).chain([(query.len(), ' ')]) {
                    let key = &query[..n];
                    let got = index
                        .search_incremental(&mut cache, key, 50, &never)
                        .unwrap();
                    assert_eq!(got, reference(t, key, 50), "typed {key:?} of {query:?}");
                }
            }
        }
    }

    #[test]
    fn stats_show_narrowing_and_little_scoring() {
        let t = &tenants()[1];
        let index = SearchIndex::new(t);
        let never = AtomicBool::new(false);
        let mut cache = SearchCache::default();
        index
            .search_incremental(&mut cache, "s", 20, &never)
            .unwrap();
        let first = cache.stats();
        assert!(!first.narrowed);
        assert_eq!(first.scanned, index.len());
        index
            .search_incremental(&mut cache, "se", 20, &never)
            .unwrap();
        let second = cache.stats();
        assert!(second.narrowed);
        assert_eq!(second.scanned, first.kept);
        assert!(second.scored < second.kept / 10, "{second:?}");
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
