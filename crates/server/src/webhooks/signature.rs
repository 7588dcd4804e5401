//! Webhook signatures: Meta's `X-Hub-Signature-256` (hex HMAC-SHA256 of the raw body with
//! the app secret) and X's `x-twitter-webhooks-signature` (base64 HMAC-SHA256 with the
//! consumer secret), checked in constant time; X's CRC answer.

/// Whether `header` (`sha256=<hex>`) signs `body` with `secret`.
pub fn meta_valid(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let _ = (secret, body, header);
    false
}

/// Whether `header` (`sha256=<base64>`) signs `body` with `secret`.
pub fn x_valid(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let _ = (secret, body, header);
    false
}

/// X's CRC answer: `sha256=` + base64 of HMAC-SHA256(secret, crc_token).
pub fn x_crc_response(secret: &[u8], crc_token: &str) -> String {
    let _ = (secret, crc_token);
    String::new()
}
