//! Text that fits: display width (wide and combining characters count as they draw), cutting with
//! `…`, and wrapping with the indent kept. Every list, title, status line, hint and dialog goes
//! through these, so no text is ever cut without a sign.

use unicode_width::UnicodeWidthChar;

use crate::sanitize;

use super::view::{Tone, VSpan};

/// The columns `c` takes on screen. Unsafe characters are never drawn as themselves: they are
/// shown escaped (see [`sanitize::clean`]), so they count as that escape.
pub fn char_width(c: char) -> usize {
    if sanitize::is_unsafe(c) {
        return sanitize::escape(c).chars().count();
    }
    c.width().unwrap_or(0)
}

pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Text from a tenant, a file or a person, made safe to draw.
pub use crate::sanitize::clean;

/// Where a cut takes the text out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cut {
    /// Keep the start: "Contoso Portland Us…".
    #[default]
    End,
    /// Keep the start and the distinguishing tail: "Albuqu…strict 0042".
    Middle,
}

/// `s` cut to at most `max` columns, with `…` where text was taken out.
pub fn truncate(s: &str, max: usize, cut: Cut) -> String {
    let spans = [VSpan::new(s, Tone::Text)];
    fit(&spans, max, cut).into_iter().map(|s| s.text).collect()
}

/// Spans cut to at most `max` columns as one run of text, each character keeping its tone.
pub fn fit(spans: &[VSpan], max: usize, cut: Cut) -> Vec<VSpan> {
    let cells: Vec<(char, Tone)> = spans
        .iter()
        .flat_map(|s| s.text.chars().map(move |c| (c, s.tone)))
        .collect();
    let total: usize = cells.iter().map(|(c, _)| char_width(*c)).sum();
    if total <= max {
        return spans.to_vec();
    }
    if max == 0 {
        return Vec::new();
    }
    let ell_tone = |t: Tone| if t == Tone::Matched { Tone::Text } else { t };
    let budget = max - 1; // one column for the ellipsis
    let (head_w, tail_w) = match cut {
        Cut::End => (budget, 0),
        Cut::Middle => {
            let head = budget * 2 / 5;
            (head, budget - head)
        }
    };
    let mut out: Vec<(char, Tone)> = Vec::new();
    let mut used = 0;
    let mut head_end = 0;
    for (i, &(c, t)) in cells.iter().enumerate() {
        let w = char_width(c);
        if used + w > head_w {
            break;
        }
        used += w;
        out.push((c, t));
        head_end = i + 1;
    }
    // Combining marks that follow a kept character stay with it.
    while head_end < cells.len() && char_width(cells[head_end].0) == 0 {
        out.push(cells[head_end]);
        head_end += 1;
    }
    let mut tail: Vec<(char, Tone)> = Vec::new();
    let mut tail_used = 0;
    for &(c, t) in cells[head_end..].iter().rev() {
        let w = char_width(c);
        if tail_used + w > tail_w {
            break;
        }
        tail_used += w;
        tail.push((c, t));
    }
    // A tail must not start with a combining mark cut from its base.
    while tail.last().is_some_and(|(c, _)| char_width(*c) == 0) {
        tail.pop();
    }
    tail.reverse();
    let ell = out
        .last()
        .map(|(_, t)| ell_tone(*t))
        .or(spans.first().map(|s| ell_tone(s.tone)))
        .unwrap_or(Tone::Text);
    out.push(('…', ell));
    out.extend(tail);
    regroup(&out)
}

fn regroup(cells: &[(char, Tone)]) -> Vec<VSpan> {
    let mut out: Vec<VSpan> = Vec::new();
    for &(c, t) in cells {
        match out.last_mut() {
            Some(s) if s.tone == t => s.text.push(c),
            _ => out.push(VSpan {
                text: c.to_string(),
                tone: t,
            }),
        }
    }
    out
}

pub fn spans_width(spans: &[VSpan]) -> usize {
    spans.iter().map(|s| width(&s.text)).sum()
}

/// Word-wraps spans to `max` columns. Continuation lines start with `indent` spaces, so a reason
/// under an action stays under it. A word longer than a line is cut with `…` rather than broken.
pub fn wrap(spans: &[VSpan], max: usize, indent: usize) -> Vec<Vec<VSpan>> {
    if max == 0 {
        return vec![Vec::new()];
    }
    if spans_width(spans) <= max {
        return vec![spans.to_vec()];
    }
    let indent = indent.min(max / 2);
    // Words keep their tones; the space before a word belongs to it.
    let cells: Vec<(char, Tone)> = spans
        .iter()
        .flat_map(|s| s.text.chars().map(move |c| (c, s.tone)))
        .collect();
    let mut words: Vec<Vec<(char, Tone)>> = Vec::new();
    let mut cur: Vec<(char, Tone)> = Vec::new();
    for &(c, t) in &cells {
        if c == ' ' && cur.iter().any(|(c, _)| *c != ' ') {
            words.push(std::mem::take(&mut cur));
        }
        cur.push((c, t));
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let w = |cs: &[(char, Tone)]| cs.iter().map(|(c, _)| char_width(*c)).sum::<usize>();
    let mut lines: Vec<Vec<(char, Tone)>> = Vec::new();
    let mut line: Vec<(char, Tone)> = Vec::new();
    for word in words {
        let lw = w(&line);
        if !line.is_empty() && lw + w(&word) > max {
            lines.push(std::mem::take(&mut line));
            line = vec![(' ', Tone::Text); indent];
            let trimmed: Vec<(char, Tone)> =
                word.into_iter().skip_while(|(c, _)| *c == ' ').collect();
            line.extend(trimmed);
        } else {
            line.extend(word);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| {
            let g = regroup(&l);
            if spans_width(&g) > max {
                fit(&g, max, Cut::End)
            } else {
                g
            }
        })
        .collect()
}

/// Text split into spans with the characters at `indices` (char positions) in the match tone.
pub fn highlighted(text: &str, indices: &[usize], base: Tone) -> Vec<VSpan> {
    let text = clean(text);
    if indices.is_empty() {
        return vec![VSpan::new(text, base)];
    }
    let cells: Vec<(char, Tone)> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            (
                c,
                if indices.contains(&i) {
                    Tone::Matched
                } else {
                    base
                },
            )
        })
        .collect();
    regroup(&cells)
}

/// The char positions of `needle` in `hay`, case-insensitive, for every occurrence.
pub fn find_all(hay: &str, needle: &str) -> Vec<usize> {
    let needle: Vec<char> = needle.trim().to_lowercase().chars().collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = hay
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            out.extend(i..i + needle.len());
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_show_an_ellipsis_and_respect_width() {
        assert_eq!(
            truncate("Contoso Portland User 12", 24, Cut::End),
            "Contoso Portland User 12"
        );
        assert_eq!(
            truncate("Contoso Portland User 12", 12, Cut::End),
            "Contoso Por…"
        );
        let m = truncate("Albuquerque District 0042", 16, Cut::Middle);
        assert_eq!(width(&m), 16);
        assert!(m.ends_with("0042") && m.contains('…'), "{m}");
        // Wide characters count two columns and are never split.
        let w = truncate("東京都新宿区店舗", 7, Cut::End);
        assert!(width(&w) <= 7, "{w}");
        assert_eq!(w, "東京都…");
        // A combining mark stays with its letter.
        assert_eq!(
            truncate("Rene\u{301}e Dupont", 6, Cut::End),
            "Rene\u{301}e…"
        );
        assert_eq!(truncate("abc", 0, Cut::End), "");
    }

    #[test]
    fn wrapping_keeps_the_indent() {
        let spans = [VSpan::new(
            "     Managing phone numbers takes Authentication Administrator",
            Tone::Dim,
        )];
        let lines = wrap(&spans, 30, 5);
        assert!(lines.len() > 1);
        for l in &lines[1..] {
            let t: String = l.iter().map(|s| s.text.as_str()).collect();
            assert!(t.starts_with("     ") && !t.starts_with("      "), "{t:?}");
        }
        assert!(lines.iter().all(|l| spans_width(l) <= 30));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(clean("Bo\u{1b}]52;c;x\u{7}ise"), "Bo\\e]52;c;x\\u{7}ise");
        assert_eq!(clean("a\nb"), "a\\nb");
        assert_eq!(clean("\u{202e}evil"), "\\u{202e}evil");
    }

    #[test]
    fn finds_every_occurrence() {
        assert_eq!(
            find_all("Reset reset", "RESET"),
            vec![0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
        );
        assert!(find_all("abc", " ").is_empty());
    }
}
