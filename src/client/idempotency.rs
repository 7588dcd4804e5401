//! The `Idempotency-Key` of action requests: a fresh random key per action, and the same
//! key again when the same request is repeated after it got no answer, so the server
//! carries it out once even if the first one did arrive.

use std::cell::RefCell;

thread_local! {
    /// Per path, the last action request that got no final answer and its key.
    static UNANSWERED: RefCell<Vec<(String, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The key for `request` to `path`: the unanswered one's for a repetition, else new.
pub(super) fn key_for(path: &str, request: &str) -> String {
    UNANSWERED
        .with_borrow(|all| {
            all.iter()
                .find(|(p, r, _)| p == path && r == request)
                .map(|(_, _, key)| key.clone())
        })
        .unwrap_or_else(random_key)
}

/// Remembers (no final answer came) or forgets (one came) the key of the last attempt.
pub(super) fn remember(path: &str, request: String, key: String, unanswered: bool) {
    UNANSWERED.with_borrow_mut(|all| {
        all.retain(|(p, _, _)| p != path);
        if unanswered {
            all.push((path.to_owned(), request, key));
        }
    });
}

/// 128 random bits from `crypto.getRandomValues`, as 32 hex digits.
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}
