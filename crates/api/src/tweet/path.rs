//! Where a link's path and query end, as twitter-text 3.1.0's `validUrlPath` and
//! `validUrlQuery*` regexes decide.
//!
//! A path is `/` then repeated segments. A segment is a run of path characters with
//! balanced parentheses in it, cut back to its last allowed ending character (so `/foo.`
//! leaves the period), or to its last parenthesised group. That is where the regex's
//! backtracking lands, computed directly: parentheses are not path characters, so each
//! greedy run has only one way to end. Its other alternative, `@chars/`, can never match
//! where this one failed, since `/` is an ending character.

use super::chars::{is_path_char, is_path_ending_char, is_query_char, is_query_ending_char};

const OPEN: u16 = b'(' as u16;
const CLOSE: u16 = b')' as u16;

/// The end of the run of path characters starting at `at`.
fn run_end(text: &[u16], at: usize) -> usize {
    at + text.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|&&u| is_path_char(u)).count()
    })
}

/// `validUrlBalancedParens` at `at`: `(chars)` or `(chars(chars)chars)`.
fn balanced_parens(text: &[u16], at: usize) -> Option<usize> {
    if text.get(at) != Some(&OPEN) {
        return None;
    }
    let first = run_end(text, at + 1);
    if first > at + 1 && text.get(first) == Some(&CLOSE) {
        return Some(first + 1);
    }
    // One nested level: the run before it may be empty, the one inside may not.
    if text.get(first) != Some(&OPEN) {
        return None;
    }
    let inner = run_end(text, first + 1);
    if inner == first + 1 || text.get(inner) != Some(&CLOSE) {
        return None;
    }
    let after = run_end(text, inner + 1);
    (text.get(after) == Some(&CLOSE)).then_some(after + 1)
}

/// One `validUrlPath` segment at `at`, if one matches.
fn segment(text: &[u16], at: usize) -> Option<usize> {
    let mut run_start = at;
    let mut run_stop = run_end(text, at);
    let mut last_parens = None;
    while let Some(end) = balanced_parens(text, run_stop) {
        last_parens = Some(end);
        run_start = end;
        run_stop = run_end(text, end);
    }
    let last_ending = (run_start..run_stop)
        .rev()
        .find(|&i| text.get(i).is_some_and(|&u| is_path_ending_char(u)));
    last_ending.map(|i| i + 1).or(last_parens)
}

/// The end of a path whose `/` is just before `at`.
pub(super) fn path_end(text: &[u16], at: usize) -> usize {
    let mut end = at;
    while let Some(next) = segment(text, end) {
        end = next;
    }
    end
}

/// The end of a query whose `?` is just before `at`: its run of query characters, cut back
/// to the last allowed ending character. `None` when there is none (no query, then).
pub(super) fn query_end(text: &[u16], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    let run = rest.iter().take_while(|&&u| is_query_char(u)).count();
    let rest = rest.get(..run)?;
    rest.iter()
        .rposition(|&u| is_query_ending_char(u))
        .map(|i| at + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path matched after a leading `/`.
    fn path(text: &str) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16_lossy(&units[..path_end(&units, 0)])
    }

    fn query(text: &str) -> Option<String> {
        let units: Vec<u16> = text.encode_utf16().collect();
        query_end(&units, 0).map(|end| String::from_utf16_lossy(&units[..end]))
    }

    #[test]
    fn a_path_leaves_trailing_punctuation_out() {
        assert_eq!(path("help."), "help");
        assert_eq!(path("a/b.html, then"), "a/b.html");
        assert_eq!(path("a!!"), "a");
        assert_eq!(path("!!"), "");
    }

    #[test]
    fn a_path_keeps_balanced_parentheses_and_drops_a_lone_one() {
        assert_eq!(path("wiki/Primer_(film))"), "wiki/Primer_(film)");
        assert_eq!(
            path("We_Up_(Album_Version_(Edited))/x"),
            "We_Up_(Album_Version_(Edited))/x"
        );
        assert_eq!(path("a(b"), "a");
        assert_eq!(path("a(b)."), "a(b)");
        assert_eq!(path("a(())"), "a");
    }

    #[test]
    fn a_path_stops_at_characters_it_cannot_hold() {
        assert_eq!(path("über/straße?q"), "über/straße");
        assert_eq!(path("путь/日本"), "путь/");
        assert_eq!(
            path("a—b"),
            "a",
            "an em dash is not a path character, an en dash is"
        );
        assert_eq!(path("a–b"), "a–b");
    }

    #[test]
    fn a_query_ends_on_its_last_allowed_ending_character() {
        assert_eq!(query("a=1&b=2."), Some("a=1&b=2".into()));
        assert_eq!(query("a=(1)"), Some("a=(1".into()));
        assert_eq!(query("!!"), None);
    }
}
