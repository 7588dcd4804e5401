//! What server processes sharing one database need from it: a lease so that a periodic job
//! runs in one process at a time, and a feed of the changes every process logs, so that a
//! stream open on one process sees what another did. A store used by one process alone
//! (SQLite) grants every lease and has no feed: its own broadcast sees everything.

use async_trait::async_trait;
use std::future::Future;

use crate::events::Logged;
use crate::store::{Store, StoreError};

/// A periodic job that must not run in two processes at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Settles messages left pending ([`crate::sweeper`]): two sweepers would ask the
    /// platform twice about the same message.
    Sweeper,
    /// Deletes expired keys, sessions and tickets ([`crate::purge`]).
    Purge,
}

impl Job {
    /// The job's number, for a database lock.
    pub fn number(self) -> i32 {
        match self {
            Job::Sweeper => 1,
            Job::Purge => 2,
        }
    }
}

/// Held while a job runs. [`JobLease::release`] frees it; a lease dropped instead (a
/// panic, the process killed) is freed by the database when its connection closes.
pub struct JobLease(Option<Box<dyn LeaseHolder>>);

impl JobLease {
    /// The lease of a store no other process shares: nothing to hold.
    pub fn alone() -> Self {
        Self(None)
    }

    pub fn held(holder: Box<dyn LeaseHolder>) -> Self {
        Self(Some(holder))
    }

    pub async fn release(self) {
        if let Some(holder) = self.0 {
            holder.release().await;
        }
    }
}

impl std::fmt::Debug for JobLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "JobLease(held)"
        } else {
            "JobLease(alone)"
        })
    }
}

/// What a store keeps while a lease is held (for PostgreSQL, the connection holding the
/// lock).
#[async_trait]
pub trait LeaseHolder: Send {
    async fn release(self: Box<Self>);
}

/// What a feed brings next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fed {
    /// Changes logged by some process (this one included), in the order their
    /// transactions committed within each account.
    Changes(Vec<Logged>),
    /// The feed lost its connection and is back: changes logged meanwhile were not seen,
    /// so every open stream must read its conversation again.
    Missed,
}

/// The changes every process sharing the store logs.
#[async_trait]
pub trait EventFeed: Send {
    async fn next(&mut self) -> Result<Fed, StoreError>;
}

/// Runs `work` when this process gets `job`'s lease, then frees it; `None` when another
/// process holds it (that one does the work).
pub async fn alone<T>(
    store: &dyn Store,
    job: Job,
    work: impl Future<Output = Result<T, StoreError>>,
) -> Result<Option<T>, StoreError> {
    let Some(lease) = store.job_lease(job).await? else {
        return Ok(None);
    };
    let outcome = work.await;
    lease.release().await;
    outcome.map(Some)
}
