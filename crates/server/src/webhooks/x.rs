//! X's Account Activity deliveries: `for_user_id` and `tweet_create_events`,
//! `direct_message_events` (with the `users` map), `favorite_events`,
//! `tweet_delete_events`.

use super::{ParseError, Parsed};

/// The events of a delivery body whose signature was checked.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let _ = body;
    Ok(Parsed::default())
}
