//! Filtering lists as the person types: exact and prefix matches of a name first, then skim's
//! fuzzy order. The same ranking serves the sign-in list, the members filter and the pickers.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Are `want`'s bytes (ASCII-lowercased) in `hay` in order, ignoring ASCII case? skim folds ASCII
/// case only, so it matches nothing this rejects: a cheap first test before skim.
pub fn ascii_folded_subsequence(want: &[u8], hay: &[u8]) -> bool {
    let mut w = want.iter();
    let Some(mut next) = w.next() else {
        return true;
    };
    for b in hay {
        if b.to_ascii_lowercase() == *next {
            match w.next() {
                Some(n) => next = n,
                None => return true,
            }
        }
    }
    false
}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

/// From this many candidates on, [`fuzzy`] scores on every core: the sign-in list of a large
/// tenant holds tens of thousands of long labels.
const FUZZY_PARALLEL_MIN: usize = 4096;

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Does `query` (squashed) spell `name` from its start, ignoring whitespace and case?
/// `Some(true)` when both end together, `Some(false)` when the query ends first.
fn spells(query: &str, name: &str) -> Option<bool> {
    let mut q = query.chars();
    let mut n = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase);
    loop {
        match (q.next(), n.next()) {
            (None, None) => return Some(true),
            (None, Some(_)) => return Some(false),
            (Some(a), Some(b)) if a == b => {}
            _ => return None,
        }
    }
}

/// How well `query` (already squashed) names `name`, lower is better: 0 the whole name, 1 its
/// last words ("seattle user 1" names "Contoso Seattle User 1"), 2 its start, 3 the start of one
/// of its words, 4 none of these. Case and spaces are ignored. It runs for every match of every
/// keystroke, so it compares in place rather than building the squashed words.
pub fn tier(query: &str, name: &str) -> u8 {
    if query.is_empty() {
        return 4;
    }
    let mut best = 4;
    let mut after_space = true;
    let mut first = true;
    for (i, c) in name.char_indices() {
        let starts_word = after_space && !c.is_whitespace();
        after_space = c.is_whitespace();
        if !starts_word {
            continue;
        }
        let t = match (first, spells(query, &name[i..])) {
            (true, Some(true)) => return 0,
            (false, Some(true)) => 1,
            (true, Some(false)) => 2,
            (false, Some(false)) => 3,
            (_, None) => 4,
        };
        first = false;
        best = best.min(t);
    }
    best
}

/// Fuzzy-filters `items` by `pattern`: all of them in their order when the pattern is empty,
/// otherwise the matching ones, those whose `names` the pattern names best (see [`tier`]) first,
/// then by skim's score, then in their order; each with the matched char positions of its label.
pub fn fuzzy<'a, T, N>(
    items: impl Iterator<Item = (T, &'a str)>,
    pattern: &str,
    names: N,
) -> Vec<(T, Vec<usize>)>
where
    T: Copy + Send + Sync,
    N: Fn(T) -> Vec<&'a str> + Sync,
{
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return items.map(|(t, _)| (t, Vec::new())).collect();
    }
    let want = pattern.as_bytes().to_ascii_lowercase();
    let query = squash(pattern);
    let candidates: Vec<(usize, T, &str)> = items
        .enumerate()
        .filter(|(_, (_, s))| ascii_folded_subsequence(&want, s.as_bytes()))
        .map(|(i, (t, s))| (i, t, s))
        .collect();
    let score = |part: &[(usize, T, &str)]| -> Vec<(u8, i64, usize, T, Vec<usize>)> {
        let m = matcher();
        part.iter()
            .filter_map(|&(i, t, s)| {
                m.fuzzy_indices(s, pattern).map(|(score, idx)| {
                    let best = names(t).iter().map(|n| tier(&query, n)).min().unwrap_or(4);
                    (best, score, i, t, idx)
                })
            })
            .collect()
    };
    let threads = crate::search::threads();
    let mut out = if threads < 2 || candidates.len() < FUZZY_PARALLEL_MIN {
        score(&candidates)
    } else {
        std::thread::scope(|sc| {
            let score = &score;
            let workers: Vec<_> = candidates
                .chunks(candidates.len().div_ceil(threads))
                .map(|part| sc.spawn(move || score(part)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    out.into_iter().map(|(_, _, _, t, idx)| (t, idx)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(tier("contosoadmin", "Contoso Admin"), 0);
        assert_eq!(tier("contosoadmin", "ContosoAdmin@contoso.com"), 2);
        assert_eq!(tier("contosoadmin", "Contoso Role Admin"), 4);
        assert_eq!(tier("seattleuser1", "Contoso Seattle User 1"), 1);
        assert_eq!(tier("seattleuser1", "Contoso Seattle User 19"), 3);
        // Runs of spaces, and spaces around the name, change nothing.
        assert_eq!(tier("portlanduser1", "  Contoso  Portland User 1 "), 1);
        assert_eq!(tier("élodie", "Élodie Martin"), 2);
        assert_eq!(tier("x", ""), 4);
    }

    #[test]
    fn exact_names_rank_first() {
        let names = [
            "Contoso Role Admin",
            "Contoso Admin",
            "Contoso Seattle User 19",
            "Contoso Seattle User 1",
        ];
        let hits = fuzzy(names.iter().map(|n| (*n, *n)), "contosoadmin", |n| vec![n]);
        assert_eq!(hits[0].0, "Contoso Admin");
        let hits = fuzzy(names.iter().map(|n| (*n, *n)), "seattle user 1", |n| {
            vec![n]
        });
        assert_eq!(hits[0].0, "Contoso Seattle User 1");
        assert_eq!(hits[1].0, "Contoso Seattle User 19");
    }
}
