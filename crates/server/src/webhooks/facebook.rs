//! Meta's Page webhook deliveries (`object: "page"`): `entry[].changes[]` of the `feed`
//! field and `entry[].messaging[]` of Messenger, in the current and the older formats.

use super::{ParseError, Parsed};

/// The events of a delivery body whose signature was checked.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let _ = body;
    Ok(Parsed::default())
}
