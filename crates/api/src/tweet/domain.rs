//! Domains as twitter-text 3.1.0's `validDomain` and `validAsciiDomain` regexes match them.
//!
//! `validDomain` is `subdomain* domainName TLD`: greedy labels that each end in `.`, then a
//! top-level domain. On failure the regex backs off one label at a time, so the domain
//! found is the longest run of labels followed by a TLD. TLDs are tried in the list's
//! order, and the first that matches and is not followed by a word character wins (so
//! `嘉里大酒店` is tried before `嘉里`), then `xn--` punycode.

use super::chars::{ends_tld, is_ascii_domain_char, is_domain_char, matches_tld_unit};
use super::tlds::TLDS;

const DOT: u16 = b'.' as u16;

/// Finds TLDs in one text, remembering each position's answer: the same positions are
/// asked again from every start the regex tries.
struct Tlds<'a> {
    text: &'a [u16],
    known: Vec<Option<Option<usize>>>,
}

impl<'a> Tlds<'a> {
    /// For `text`, whose end counts as the end of input for the TLD's lookahead.
    fn new(text: &'a [u16]) -> Self {
        Self {
            text,
            known: vec![None; text.len() + 1],
        }
    }

    /// The end of the TLD starting at `at`, if one does.
    fn at(&mut self, at: usize) -> Option<usize> {
        if let Some(&Some(known)) = self.known.get(at) {
            return known;
        }
        let found = tld_at(self.text, at);
        if let Some(slot) = self.known.get_mut(at) {
            *slot = Some(found);
        }
        found
    }
}

fn tld_at(text: &[u16], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    // Case folding never crosses between ASCII and the rest, so a look at the first byte
    // passes over almost every TLD.
    let first = *rest.first()?;
    let ascii_first = u8::try_from(first)
        .ok()
        .filter(u8::is_ascii)
        .map(|b| b.to_ascii_lowercase());
    let listed = TLDS.split('|').find_map(|tld| {
        let could_match = match (ascii_first, tld.as_bytes().first()) {
            (Some(unit), Some(&byte)) => unit == byte,
            (None, Some(&byte)) => !byte.is_ascii(),
            (_, None) => false,
        };
        if !could_match {
            return None;
        }
        let mut len = 0;
        for unit in tld.encode_utf16() {
            if !rest.get(len).is_some_and(|&t| matches_tld_unit(t, unit)) {
                return None;
            }
            len += 1;
        }
        ends_tld(rest.get(len).copied()).then_some(at + len)
    });
    listed.or_else(|| punycode_tld(rest).map(|len| at + len))
}

/// `xn--[\-0-9a-z]+`, greedy and without the lookahead.
fn punycode_tld(rest: &[u16]) -> Option<usize> {
    let prefix = rest.get(..4)?;
    if !prefix
        .iter()
        .zip(b"xn--")
        .all(|(&t, &p)| matches_tld_unit(t, u16::from(p)))
    {
        return None;
    }
    let tail = rest
        .get(4..)?
        .iter()
        .take_while(|&&u| u8::try_from(u).is_ok_and(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .count();
    (tail > 0).then_some(4 + tail)
}

/// `validDomain` matches in one text, remembering each start's answer: the regex asks
/// again from every position, and a label chain answers for all its suffixes at once.
pub(super) struct Domains<'a> {
    text: &'a [u16],
    /// Where the run of subdomain-label characters (`_` allowed) from each position ends.
    subdomain_runs: Vec<usize>,
    /// The same for domain-name labels (no `_`).
    name_runs: Vec<usize>,
    known: Vec<Option<Option<usize>>>,
    tlds: Tlds<'a>,
}

impl<'a> Domains<'a> {
    pub(super) fn new(text: &'a [u16]) -> Self {
        let runs = |underscore: bool| {
            let mut ends = vec![text.len(); text.len() + 1];
            for (i, &unit) in text.iter().enumerate().rev() {
                let in_label = is_domain_char(unit)
                    || unit == u16::from(b'-')
                    || (underscore && unit == u16::from(b'_'));
                let next = ends.get(i + 1).copied().unwrap_or(text.len());
                if let Some(end) = ends.get_mut(i) {
                    *end = if in_label { next } else { i };
                }
            }
            ends
        };
        Self {
            text,
            subdomain_runs: runs(true),
            name_runs: runs(false),
            known: vec![None; text.len() + 1],
            tlds: Tlds::new(text),
        }
    }

    /// The end of the label starting at `at` (the position of its `.`): a domain character,
    /// then domain characters and `-` (and `_` in a subdomain), ending on a domain character.
    fn label_end(&self, at: usize, subdomain: bool) -> Option<usize> {
        if !is_domain_char(*self.text.get(at)?) {
            return None;
        }
        let runs = if subdomain {
            &self.subdomain_runs
        } else {
            &self.name_runs
        };
        let end = *runs.get(at)?;
        let last_ok = self.text.get(end - 1).is_some_and(|&u| is_domain_char(u));
        (self.text.get(end) == Some(&DOT) && last_ok).then_some(end)
    }

    /// `validDomain` at `at`: the end of the domain starting there, if one does.
    ///
    /// Greedy `subdomain*` takes every label in a row; the domain name is then the last of
    /// them that has no `_` and is followed by a TLD. So a chain's answer is its tail's, or
    /// failing that its first label's.
    pub(super) fn at(&mut self, at: usize) -> Option<usize> {
        let mut chain = Vec::new();
        let mut next = at;
        let mut found = loop {
            if let Some(&Some(known)) = self.known.get(next) {
                break known;
            }
            match self.label_end(next, true) {
                Some(dot) => {
                    chain.push(next);
                    next = dot + 1;
                }
                None => break None,
            }
        };
        for &label in chain.iter().rev() {
            if found.is_none() {
                found = self
                    .label_end(label, false)
                    .and_then(|dot| self.tlds.at(dot + 1));
            }
            if let Some(slot) = self.known.get_mut(label) {
                *slot = Some(found);
            }
        }
        found
    }
}

/// `validAsciiDomain`, global over `domain`: where each ASCII (and Latin) domain in it
/// starts and ends. Only these count when a link has no protocol.
pub(super) fn ascii_domains(domain: &[u16]) -> Vec<(usize, usize)> {
    let mut tlds = Tlds::new(domain);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((start, end)) = (from..domain.len())
        .find_map(|start| ascii_domain_at(domain, start, &mut tlds).map(|end| (start, end)))
    {
        found.push((start, end));
        from = end;
    }
    found
}

/// `(?:[\-a-z0-9latin]+\.)+TLD` at `at`, backing off one label at a time.
fn ascii_domain_at(domain: &[u16], at: usize, tlds: &mut Tlds) -> Option<usize> {
    let mut label_ends = Vec::new();
    let mut next = at;
    loop {
        let run = domain
            .get(next..)?
            .iter()
            .take_while(|&&u| is_ascii_domain_char(u))
            .count();
        if run == 0 || domain.get(next + run) != Some(&DOT) {
            break;
        }
        next += run + 1;
        label_ends.push(next);
    }
    label_ends.iter().rev().find_map(|&tld| tlds.at(tld))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }

    fn domain(text: &str) -> Option<String> {
        let text = units(text);
        let end = Domains::new(&text).at(0)?;
        Some(String::from_utf16_lossy(&text[..end]))
    }

    fn ascii(text: &str) -> Vec<String> {
        let text = units(text);
        ascii_domains(&text)
            .into_iter()
            .map(|(s, e)| String::from_utf16_lossy(&text[s..e]))
            .collect()
    }

    #[test]
    fn tlds_are_tried_in_the_lists_order_not_longest_first() {
        assert_eq!(domain("a.嘉里大酒店"), Some("a.嘉里大酒店".into()));
        assert_eq!(domain("a.嘉里 x"), Some("a.嘉里".into()));
        assert_eq!(
            domain("a.嘉里x"),
            None,
            "no TLD may run on into an ASCII letter"
        );
        // `co` is listed after `com`, and `com` is refused before a letter: `co` is too.
        assert_eq!(domain("a.comx"), None);
        assert_eq!(domain("a.co.uk"), Some("a.co.uk".into()));
    }

    #[test]
    fn a_tld_must_not_run_on_into_a_word() {
        assert_eq!(domain("example.com-x"), None);
        assert_eq!(domain("example.com/x"), Some("example.com".into()));
        assert_eq!(domain("EXAMPLE.COM"), Some("EXAMPLE.COM".into()));
    }

    #[test]
    fn non_ascii_tlds_match_in_either_case_too() {
        assert_eq!(
            domain("x.VERMÖGENSBERATER"),
            Some("x.VERMÖGENSBERATER".into())
        );
        assert_eq!(domain("x.МОСКВА"), Some("x.МОСКВА".into()));
        assert_eq!(
            domain("x.ᲒᲔ"),
            Some("x.ᲒᲔ".into()),
            "Georgian Mtavruli folds to გე"
        );
    }

    #[test]
    fn subdomains_are_greedy_and_back_off_to_a_tld() {
        assert_eq!(domain("a.b.example.com.x"), Some("a.b.example.com".into()));
        assert_eq!(domain("a_b.example.com"), Some("a_b.example.com".into()));
        assert_eq!(
            domain("example.a_b.com"),
            None,
            "the domain name may not hold `_`"
        );
        assert_eq!(domain("-a.com"), None);
        assert_eq!(domain("a-.com"), None);
    }

    #[test]
    fn punycode_tlds_match_without_a_lookahead() {
        assert_eq!(domain("a.xn--p1ai"), Some("a.xn--p1ai".into()));
        assert_eq!(domain("a.xn--"), None);
    }

    #[test]
    fn ascii_domains_are_found_between_other_scripts() {
        assert_eq!(ascii("a.com中b.com"), ["a.com", "b.com"]);
        assert_eq!(ascii("中国.com"), Vec::<String>::new());
        assert_eq!(ascii("café.fr"), ["café.fr"]);
    }
}
