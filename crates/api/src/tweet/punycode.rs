//! The length of a domain label once punycode-encoded, as twitter-text's `idna.toAscii`
//! measures it with punycode.js `toASCII` (RFC 3492).
//!
//! Only the length is needed (a label must encode to 1..=63 characters), so nothing is
//! built. Written here rather than taken from a crate because it must read UTF-16 the way
//! punycode.js does (a lone surrogate is a code point of its own), fail where its 31-bit
//! arithmetic overflows, and add nothing else to the widget's wasm.

/// punycode.js `toASCII(label).length`: parts split at `.` and the ideographic full stops,
/// each holding non-ASCII becoming `xn--` + its encoding. `None` where punycode.js throws
/// an overflow error.
pub(super) fn to_ascii_len(label: &[u16]) -> Option<usize> {
    let mut len = 0;
    for (i, part) in label
        .split(|&unit| matches!(unit, 0x2E | 0x3002 | 0xFF0E | 0xFF61))
        .enumerate()
    {
        len += usize::from(i > 0);
        len += if part.iter().any(|&unit| unit > 0x7F) {
            "xn--".len() + encoded_len(&code_points(part))?
        } else {
            part.len()
        };
    }
    Some(len)
}

/// punycode.js `ucs2.decode`: surrogate pairs joined, lone surrogates kept as they are.
fn code_points(units: &[u16]) -> Vec<u32> {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.map_or_else(|e| u32::from(e.unpaired_surrogate()), u32::from))
        .collect()
}

const BASE: u64 = 36;
const T_MIN: u64 = 1;
const T_MAX: u64 = 26;
const SKEW: u64 = 38;
const DAMP: u64 = 700;
const MAX_INT: u64 = 0x7FFF_FFFF;

/// The length of punycode.js `encode(input)` (RFC 3492 section 6.3), `None` on overflow.
fn encoded_len(input: &[u32]) -> Option<usize> {
    let basic = input.iter().filter(|&&cp| cp < 0x80).count();
    let mut len = basic + usize::from(basic > 0);
    let mut handled = basic;
    let (mut n, mut delta, mut bias) = (0x80_u64, 0_u64, 72_u64);
    while handled < input.len() {
        let m = input
            .iter()
            .map(|&cp| u64::from(cp))
            .filter(|&cp| cp >= n)
            .min()?;
        // punycode.js computes this once per round, and adapts with it even after `handled`
        // grows within the round; followed as written.
        let handled_plus_one = handled as u64 + 1;
        // JavaScript's numbers go negative here where u64 cannot: both mean overflow.
        if m - n > MAX_INT.checked_sub(delta)? / handled_plus_one {
            return None;
        }
        delta += (m - n) * handled_plus_one;
        n = m;
        for cp in input.iter().map(|&cp| u64::from(cp)) {
            if cp < n {
                delta += 1;
                if delta > MAX_INT {
                    return None;
                }
            }
            if cp == n {
                len += digits(delta, bias);
                bias = adapt(delta, handled_plus_one, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(len)
}

/// How many base-36 digits the variable-length integer `q` takes with this `bias`.
fn digits(mut q: u64, bias: u64) -> usize {
    let mut count = 1;
    let mut k = BASE;
    loop {
        let t = if k <= bias {
            T_MIN
        } else if k >= bias + T_MAX {
            T_MAX
        } else {
            k - bias
        };
        if q < t {
            return count;
        }
        count += 1;
        q = (q - t) / (BASE - t);
        k += BASE;
    }
}

fn adapt(delta: u64, points: u64, first: bool) -> u64 {
    let mut delta = if first { delta / DAMP } else { delta >> 1 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) >> 1 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(label: &str) -> Option<usize> {
        to_ascii_len(&label.encode_utf16().collect::<Vec<_>>())
    }

    #[test]
    fn ascii_labels_keep_their_length() {
        assert_eq!(len("example"), Some(7));
        assert_eq!(len(""), Some(0));
    }

    #[test]
    fn non_ascii_labels_measure_as_their_rfc_3492_encoding_with_xn_prefix() {
        // Expected encodings from RFC 3492 section 7.1 and common IDNs.
        assert_eq!(len("münchen"), Some("xn--mnchen-3ya".len()));
        assert_eq!(len("中国"), Some("xn--fiqs8s".len()));
        let arabic = "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}";
        assert_eq!(len(arabic), Some("xn--egbpdaj6bu4bxfgehfvwxn".len()));
        let mixed = "3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}";
        assert_eq!(len(mixed), Some("xn--3B-ww4c5e180e575a65lsy2b".len()));
    }

    #[test]
    fn control_characters_and_delete_are_ascii_and_left_alone() {
        assert_eq!(len("a\u{1}\u{7F}"), Some(3));
        assert_eq!(len("\u{80}"), Some("xn--a".len()));
    }

    #[test]
    fn ideographic_full_stops_split_a_label() {
        assert_eq!(len("a\u{3002}b"), Some(3));
        assert_eq!(len("\u{FF61}"), Some(1));
    }

    #[test]
    fn a_lone_surrogate_is_encoded_as_a_code_point() {
        // What a domain starting just after an emoji's high surrogate holds.
        assert!(to_ascii_len(&[0xDE00, 0x61]).is_some_and(|n| n > 4));
    }

    #[test]
    fn a_huge_label_overflows_as_in_punycode_js() {
        let label = format!("{}\u{10FFFF}", "a".repeat(3000));
        assert_eq!(len(&label), None);
    }
}
