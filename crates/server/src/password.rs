//! Agents' passwords: argon2id PHC strings (the `argon2` crate's defaults, OWASP's
//! minimum: 19 MiB, 2 passes), hashed and verified on the blocking pool, never on the
//! threads that serve requests.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore as _;
use std::sync::OnceLock;

/// Longer passwords are refused without hashing: hashing megabytes is a cheap way to
/// keep the server busy, and no one types more.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("argon2: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The PHC string of `password` with a fresh 16-byte salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(PasswordError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hash)
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// Whether `password` is the one `stored` was made from. Without a stored hash it checks
/// against a dummy one and says no: an e-mail without an agent (or an agent without a
/// password) costs the same time as a wrong password, so timing does not tell them apart.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (dummy_hash(), false),
    };
    let parsed = match PasswordHash::new(phc) {
        Ok(parsed) => parsed,
        Err(error) => {
            tracing::error!(%error, "a stored password hash is not a PHC string");
            return false;
        }
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(
    password: String,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    Ok(tokio::task::spawn_blocking(move || verify(&password, stored.as_deref())).await?)
}

/// A hash of a random password with the same parameters as real ones, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 24];
        rand::rng().fill_bytes(&mut random);
        // Hashing cannot fail for a 32-character password and a 16-byte salt; should it,
        // an unparsable hash makes every check say no, which is still safe.
        hash(&hex::encode(random)).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash("correct horse").expect("hashes");
        assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
        assert!(verify("correct horse", Some(&stored)));
        assert!(!verify("correct horse ", Some(&stored)));
        assert!(!verify("", Some(&stored)));
        assert_ne!(stored, hash("correct horse").expect("hashes"), "salted");
    }

    #[test]
    fn without_a_stored_hash_nothing_verifies() {
        assert!(!verify("", None));
        assert!(!verify("anything", None));
        assert!(!verify("correct horse", Some("not a PHC string")));
    }

    #[test]
    fn an_overlong_password_is_refused_even_if_it_matches() {
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        let stored = hash(&long).expect("hashes");
        assert!(!verify(&long, Some(&stored)));
    }
}
