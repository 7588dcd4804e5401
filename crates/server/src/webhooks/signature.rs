//! Webhook signatures: Meta's `X-Hub-Signature-256` (hex HMAC-SHA256 of the raw body with
//! the app secret) and X's `x-twitter-webhooks-signature` (base64 HMAC-SHA256 with the
//! consumer secret), checked in constant time; X's CRC answer.
//!
//! Header tolerance, decided once for both platforms: surrounding whitespace is ignored,
//! the `sha256=` prefix matches in any letter case (it names the algorithm and is not
//! secret), Meta's hex may be lower or upper case, X's base64 must be the standard padded
//! alphabet. A missing, truncated or undecodable header is simply not valid. An empty
//! secret never validates anything: it means the secret was not configured, and an HMAC
//! under an empty key is one anybody can compute.
//!
//! Only the SHA-256 header is trusted. Meta also sends the older `X-Hub-Signature`
//! (HMAC-SHA1) with the same secret; accepting it would add a weaker second way in and
//! nothing else. The SHA-1 vectors Meta's libraries publish are still checked, through
//! [`hex_hmac_valid`] instantiated with SHA-1 in the tests, so the real deliveries prove the
//! hex and raw-body handling.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const SHA256_PREFIX: &str = "sha256=";

/// Whether `header` (`sha256=<hex>`) signs `body` with `secret`.
pub fn meta_valid(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    hex_hmac_valid::<HmacSha256>(SHA256_PREFIX, secret, body, header)
}

/// Whether `header` (`sha256=<base64>`) signs `body` with `secret`.
pub fn x_valid(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let tag = header
        .and_then(|header| strip_prefix(header, SHA256_PREFIX))
        .and_then(|encoded| STANDARD.decode(encoded).ok());
    tag.is_some_and(|tag| verify::<HmacSha256>(secret, body, &tag))
}

/// X's CRC answer: `sha256=` + base64 of HMAC-SHA256(secret, crc_token).
pub fn x_crc_response(secret: &[u8], crc_token: &str) -> String {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail; an empty answer (X
    // then refuses the webhook) is what the impossible branch would give.
    let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(crc_token.as_bytes());
    format!(
        "{SHA256_PREFIX}{}",
        STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// Whether `header` is `prefix` + the hex HMAC of `body` under `secret`, with the MAC `M`.
/// Generic so that the SHA-1 vectors of Meta's older header exercise the same code.
pub(crate) fn hex_hmac_valid<M: Mac + KeyInit>(
    prefix: &str,
    secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> bool {
    let tag = header
        .and_then(|header| strip_prefix(header, prefix))
        .and_then(|encoded| hex::decode(encoded).ok());
    tag.is_some_and(|tag| verify::<M>(secret, body, &tag))
}

/// The value after `prefix` (any letter case), whitespace around the header ignored.
fn strip_prefix<'a>(header: &'a str, prefix: &str) -> Option<&'a str> {
    let header = header.trim();
    let head = header.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| header.get(prefix.len()..))
        .flatten()
}

/// The constant-time check; a tag of the wrong length fails inside `verify_slice`.
fn verify<M: Mac + KeyInit>(secret: &[u8], body: &[u8], tag: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(tag).is_ok()
}

#[cfg(test)]
#[path = "../../tests/support/fixtures.rs"]
mod test_fixtures;

#[cfg(test)]
mod tests {
    use super::test_fixtures::platform_fixtures as fixtures;
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn read(platform: &str, name: &str) -> Vec<u8> {
        let path = fixtures(platform).join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()))
    }

    fn vectors(platform: &str) -> Value {
        serde_json::from_slice(&read(platform, "vectors.json")).expect("vectors.json is JSON")
    }

    /// The vector's signed bytes: its `body`, else the file `body_file` names.
    fn body(platform: &str, vector: &Value) -> Vec<u8> {
        match (vector["body"].as_str(), vector["body_file"].as_str()) {
            (Some(body), _) => body.as_bytes().to_vec(),
            (None, Some(file)) => read(platform, file),
            _ => panic!("vector without body: {vector}"),
        }
    }

    fn meta_sha1_valid(secret: &[u8], body: &[u8], header: &str) -> bool {
        hex_hmac_valid::<Hmac<sha1::Sha1>>("sha1=", secret, body, Some(header))
    }

    #[test]
    fn every_meta_vector_gives_its_expected_answer() {
        let mut checked = 0;
        for vector in vectors("facebook")["signature_vectors"]
            .as_array()
            .expect("signature_vectors")
        {
            let secret = vector["app_secret"]
                .as_str()
                .expect("app_secret")
                .as_bytes();
            let body = body("facebook", vector);
            let expected = vector["expected"].as_str().expect("expected");
            let want = vector["expected_valid"].as_bool().expect("expected_valid");
            let got = match vector["header"].as_str() {
                Some("X-Hub-Signature") => meta_sha1_valid(secret, &body, expected),
                Some("X-Hub-Signature-256") => meta_valid(secret, &body, Some(expected)),
                other => panic!("unknown header {other:?}"),
            };
            assert_eq!(got, want, "vector {}", vector["id"]);
            checked += 1;
            if let Some(derived) = vector["derived_by_collector"]["X-Hub-Signature-256"].as_str() {
                assert!(
                    meta_valid(secret, &body, Some(derived)),
                    "derived sha256 of {}",
                    vector["id"]
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} Meta vectors checked");
    }

    #[test]
    fn a_body_reserialised_by_serde_json_fails_the_check() {
        let facebook = vectors("facebook");
        let vector = facebook["signature_vectors"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|v| v["id"] == "maciekmm-real-delivery-2016-unicode-escapes")
            })
            .expect("the unicode-escapes vector");
        let secret = vector["app_secret"]
            .as_str()
            .expect("app_secret")
            .as_bytes();
        let header = vector["derived_by_collector"]["X-Hub-Signature-256"]
            .as_str()
            .expect("sha256");
        let raw = body("facebook", vector);
        let parsed: Value = serde_json::from_slice(&raw).expect("JSON");
        let reserialised = serde_json::to_vec(&parsed).expect("serialises");
        assert_ne!(raw, reserialised, "the escapes make the bytes differ");
        assert!(meta_valid(secret, &raw, Some(header)));
        assert!(!meta_valid(secret, &reserialised, Some(header)));
    }

    #[test]
    fn every_x_vector_gives_its_expected_answer() {
        let x = vectors("x");
        let mut checked = 0;
        for vector in x["crc_vectors"].as_array().expect("crc_vectors") {
            let secret = vector["consumer_secret"]
                .as_str()
                .expect("secret")
                .as_bytes();
            let token = vector["crc_token"].as_str().expect("crc_token");
            let expected = &vector["expected_response"]["response_token"];
            assert_eq!(x_crc_response(secret, token), *expected);
            checked += 1;
        }
        for group in ["signature_vectors", "full_payload_signature_vectors"] {
            for vector in x[group].as_array().expect(group) {
                let secret = vector["consumer_secret"]
                    .as_str()
                    .expect("secret")
                    .as_bytes();
                let header = vector["expected"].as_str().expect("expected");
                let want = vector["expected_valid"].as_bool().expect("expected_valid");
                assert_eq!(
                    x_valid(secret, &body("x", vector), Some(header)),
                    want,
                    "{vector}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 9, "only {checked} X vectors checked");
    }

    /// GitHub's documented vector (same header format as Meta's).
    const SECRET: &[u8] = b"It's a Secret to Everybody";
    const BODY: &[u8] = b"Hello, World!";
    const HEX: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn meta_headers_that_are_wrong_in_any_way_fail() {
        let good = format!("sha256={HEX}");
        assert!(meta_valid(SECRET, BODY, Some(&good)));
        assert!(
            !meta_valid(b"another secret", BODY, Some(&good)),
            "wrong secret"
        );
        assert!(
            !meta_valid(SECRET, b"Hello, World?", Some(&good)),
            "other body"
        );
        assert!(
            !meta_valid(SECRET, BODY, Some(&good[..good.len() - 2])),
            "truncated"
        );
        assert!(
            !meta_valid(SECRET, BODY, Some(&good[..good.len() - 1])),
            "odd length"
        );
        assert!(
            !meta_valid(SECRET, BODY, Some(&format!("{good}00"))),
            "too long"
        );
        assert!(
            !meta_valid(SECRET, BODY, Some(&good.replace('e', "g"))),
            "not hex"
        );
        assert!(!meta_valid(SECRET, BODY, Some(HEX)), "no prefix");
        assert!(
            !meta_valid(SECRET, BODY, Some(&format!("sha1={HEX}"))),
            "other algorithm"
        );
        assert!(!meta_valid(SECRET, BODY, Some("sha256=")), "empty");
        assert!(!meta_valid(SECRET, BODY, None), "missing");
    }

    #[test]
    fn meta_prefix_and_hex_case_and_surrounding_space_are_tolerated() {
        assert!(meta_valid(
            SECRET,
            BODY,
            Some(&format!("SHA256={}", HEX.to_uppercase()))
        ));
        assert!(meta_valid(SECRET, BODY, Some(&format!("  sha256={HEX}\t"))));
    }

    #[test]
    fn an_empty_secret_validates_nothing_not_even_its_own_signature() {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(b"").expect("any key length");
        mac.update(BODY);
        let tag = mac.finalize().into_bytes();
        assert!(!meta_valid(
            b"",
            BODY,
            Some(&format!("sha256={}", hex::encode(tag)))
        ));
        assert!(!x_valid(
            b"",
            BODY,
            Some(&format!("sha256={}", STANDARD.encode(tag)))
        ));
    }

    #[test]
    fn x_headers_that_are_wrong_in_any_way_fail() {
        let good = x_crc_response(b"test", "test=1&other_test=2");
        let encoded = &good["sha256=".len()..];
        assert!(
            encoded.ends_with('='),
            "32 bytes take one padding character"
        );
        assert!(x_valid(b"test", b"test=1&other_test=2", Some(&good)));
        assert!(
            !x_valid(b"tesT", b"test=1&other_test=2", Some(&good)),
            "wrong secret"
        );
        assert!(
            !x_valid(b"test", b"test=1&other_test=3", Some(&good)),
            "other body"
        );
        assert!(
            !x_valid(
                b"test",
                b"test=1&other_test=2",
                Some(&good[..good.len() - 4])
            ),
            "truncated"
        );
        assert!(
            !x_valid(
                b"test",
                b"test=1&other_test=2",
                Some(&format!("sha256={}", encoded.trim_end_matches('=')))
            ),
            "no padding"
        );
        assert!(
            !x_valid(
                b"test",
                b"test=1&other_test=2",
                Some(&format!("sha256=*{}", &encoded[1..]))
            ),
            "not base64"
        );
        assert!(
            !x_valid(b"test", b"test=1&other_test=2", Some(encoded)),
            "no prefix"
        );
        assert!(!x_valid(b"test", b"test=1&other_test=2", None), "missing");
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic_and_never_validate(
            header in ".{0,120}",
            body in proptest::collection::vec(any::<u8>(), 0..64),
            secret in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            for header in [header.clone(), format!("sha256={header}")] {
                prop_assert!(!meta_valid(&secret, &body, Some(&header)));
                prop_assert!(!x_valid(&secret, &body, Some(&header)));
            }
            let _ = x_crc_response(&secret, &header);
        }
    }
}
