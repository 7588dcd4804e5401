//! Code point sets as the generated emoji tables store them: sorted runs packed into one
//! `u32` each, four bytes a run in the wasm, searched by bisection.

/// Packs the run `first..=last` of a code point set into one `u32` (the run length in the
/// low 11 bits), so the tables cost four bytes a run in the wasm and stay sorted.
pub(super) const fn span(first: u32, last: u32) -> u32 {
    (first << 11) | (last - first)
}

/// Whether `cp` is in a set of sorted `span`s.
pub(super) fn contains(set: &[u32], cp: u32) -> bool {
    // Most text is outside a set's bounds: say so before searching.
    let (Some(&first), Some(&last)) = (set.first(), set.last()) else {
        return false;
    };
    if cp < first >> 11 || cp > (last >> 11) + (last & 0x7FF) {
        return false;
    }
    let after = set.partition_point(|&s| s >> 11 <= cp);
    after
        .checked_sub(1)
        .and_then(|i| set.get(i))
        .is_some_and(|&s| cp - (s >> 11) <= s & 0x7FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_spans_contain_exactly_their_runs() {
        let set = [span(0x23, 0x23), span(0x30, 0x39), span(0x1F1E6, 0x1F1FF)];
        for (cp, inside) in [(0x22, false), (0x23, true), (0x24, false), (0x2F, false)] {
            assert_eq!(contains(&set, cp), inside, "{cp:#x}");
        }
        for (cp, inside) in [(0x30, true), (0x39, true), (0x3A, false), (0x1F1FF, true)] {
            assert_eq!(contains(&set, cp), inside, "{cp:#x}");
        }
        assert!(!contains(&set, 0x1F200));
        assert!(!contains(&[], 0x23));
    }
}
