//! The server's time. Rules depend on it (Meta's 24-hour and 7-day windows), so it is
//! part of the application state: tests set it, production reads the system clock.

use social_api::Timestamp;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Where "now" comes from.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// `None`: the system clock; `Some`: a time tests set and move.
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stays at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: Timestamp) -> Self {
        Self {
            fixed: Some(Arc::new(AtomicI64::new(at.0))),
        }
    }

    /// Moves a fixed clock (and every copy of it) to `at`; the system clock ignores it.
    pub fn set(&self, at: Timestamp) {
        if let Some(fixed) = &self.fixed {
            fixed.store(at.0, Ordering::SeqCst);
        }
    }

    pub fn now(&self) -> Timestamp {
        match &self.fixed {
            Some(fixed) => Timestamp(fixed.load(Ordering::SeqCst)),
            None => system_now(),
        }
    }
}

/// The current time as the API carries it: milliseconds since the Unix epoch.
pub fn system_now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default();
    Timestamp(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_set_and_all_its_copies_move_together() {
        let clock = Clock::fixed(Timestamp(5));
        let copy = clock.clone();
        assert_eq!(clock.now(), Timestamp(5));
        copy.set(Timestamp(9));
        assert_eq!(clock.now(), Timestamp(9));
    }

    #[test]
    fn the_system_clock_reads_the_time() {
        let before = system_now();
        let now = Clock::system().now();
        assert!(now >= before && now.0 > 1_700_000_000_000);
    }
}
