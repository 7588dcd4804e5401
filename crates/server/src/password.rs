//! Agents' passwords: argon2id PHC strings (the `argon2` crate's defaults, OWASP's
//! minimum: 19 MiB, 2 passes), hashed and verified on the blocking pool, never on the
//! threads that serve requests, and verified a few at a time ([`Verifier`]).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore as _;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

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
    #[error("password checks have been shut down")]
    Closed,
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

/// Runs [`verify`] on the blocking pool, at most as many at once as the machine has cores.
/// Each check costs 19 MiB and a core for a while, and any e-mail, known or not, costs a
/// full check: unbounded, a burst of sign-ins would take all memory and every blocking
/// thread. Clones share the bound.
#[derive(Debug, Clone)]
pub struct Verifier {
    permits: Arc<Semaphore>,
}

impl Verifier {
    /// At most `permits` checks at once (at least one).
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// One check per core the process may use.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// How many more checks could start now.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// [`verify`], once a check may start.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        self.run(move || verify(&password, stored.as_deref())).await
    }

    /// Runs `work` on the blocking pool holding a permit. Waiting for one is fine: a
    /// sign-in answers a little later under load rather than the server falling over, and
    /// the failure count per e-mail already stops anyone guessing fast. The permit goes
    /// with the work, not with the request: a client that hangs up does not free it while
    /// its check still runs.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| PasswordError::Closed)?;
        Ok(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await?)
    }
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

    #[test]
    fn checks_run_one_per_core_and_never_none_at_all() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(Verifier::per_core().available(), cores);
        assert_eq!(Verifier::new(0).available(), 1);
    }

    #[tokio::test]
    async fn a_check_holds_a_permit_while_it_runs_and_returns_it_after() {
        let verifier = Verifier::new(3);
        let seen = verifier.clone();
        let during = verifier.run(move || seen.available()).await.expect("runs");
        assert_eq!(during, 2);
        assert_eq!(verifier.available(), 3);
        assert!(!verifier
            .verify("guess".into(), None)
            .await
            .expect("verifies"));
        assert_eq!(verifier.available(), 3);
    }

    #[tokio::test]
    async fn a_check_whose_caller_hung_up_keeps_its_permit_until_the_work_ends() {
        let verifier = Verifier::new(1);
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (finish, finish_rx) = std::sync::mpsc::channel::<()>();
        let (done_tx, done) = tokio::sync::oneshot::channel();
        let check = verifier.run(move || {
            let _ = started_tx.send(());
            let _ = finish_rx.recv();
            // Sent while the permit is still held: the test waits for `done` and then
            // for the permit.
            let _ = done_tx.send(());
        });
        let mut check = Box::pin(check);
        tokio::select! {
            biased;
            _ = &mut check => panic!("the work is blocked"),
            _ = started => {}
        }
        drop(check);
        assert_eq!(verifier.available(), 0, "the work still runs");
        finish.send(()).expect("the work waits");
        done.await.expect("the work ends");
        let returned = async {
            while verifier.available() == 0 {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), returned)
            .await
            .expect("the permit comes back once the work ends");
    }

    // Paused time moves on by itself only when nothing runs, blocking work included: the
    // hour passes at once if the second check waits for a permit, never if it runs.
    #[tokio::test(start_paused = true)]
    async fn with_one_permit_a_second_check_waits_until_the_first_is_done() {
        let verifier = Verifier::new(1);
        let first = Arc::clone(&verifier.permits)
            .acquire_owned()
            .await
            .expect("a permit");
        let mut second = Box::pin(verifier.verify("guess".into(), None));
        let waited = tokio::time::timeout(std::time::Duration::from_secs(3600), &mut second).await;
        assert!(waited.is_err(), "the second check ran alongside the first");
        drop(first);
        assert!(!second.await.expect("verifies"));
    }
}
