//! Several server processes on one PostgreSQL: job leases as advisory locks, and the
//! event feed as `LISTEN` on the channel the event log's trigger notifies (see the
//! migration `20251202000000_event_feed.sql`).

use async_trait::async_trait;
use sqlx::postgres::{PgConnection, PgListener, PgPool};
use sqlx::{ConnectOptions, Connection};

use crate::events::Logged;
use crate::store::{EventFeed, Fed, Job, JobLease, LeaseHolder, StoreError};
use social_api::ConversationId;

/// The channel the event log's trigger notifies, with the new event's id.
const CHANNEL: &str = "social_events";
/// The first key of the jobs' advisory locks (the second is the job's number); the event
/// log's trigger uses another.
const JOB_LOCKS: i32 = 0x50C1_0001;
/// Notifications read in one go before their events are read.
const BATCH: usize = 256;

/// The lease of `job`, on a connection of its own: a session-level advisory lock lives as
/// long as its connection, so a process killed mid-job frees it with its socket.
pub(super) async fn job_lease(pool: &PgPool, job: Job) -> Result<Option<JobLease>, StoreError> {
    let mut connection = pool.connect_options().connect().await?;
    let (held,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1, $2)")
        .bind(JOB_LOCKS)
        .bind(job.number())
        .fetch_one(&mut connection)
        .await?;
    if !held {
        connection.close().await?;
        return Ok(None);
    }
    Ok(Some(JobLease::held(Box::new(Held { connection, job }))))
}

struct Held {
    connection: PgConnection,
    job: Job,
}

#[async_trait]
impl LeaseHolder for Held {
    async fn release(self: Box<Self>) {
        let Held {
            mut connection,
            job,
        } = *self;
        // Closing the connection frees the lock as well; unlocking first says so plainly.
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(JOB_LOCKS)
            .bind(job.number())
            .execute(&mut connection)
            .await;
        if let Err(error) = unlocked {
            tracing::warn!(%error, ?job, "a job's lock is freed with its connection");
        }
        let _ = connection.close().await;
    }
}

/// The feed of every process's changes.
pub(super) async fn event_feed(pool: &PgPool) -> Result<Box<dyn EventFeed>, StoreError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(Box::new(Feed {
        listener,
        pool: pool.clone(),
    }))
}

struct Feed {
    listener: PgListener,
    pool: PgPool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    account_id: i64,
    conversation_id: i64,
    change: String,
}

#[async_trait]
impl EventFeed for Feed {
    async fn next(&mut self) -> Result<Fed, StoreError> {
        // `None`: the connection was lost (and is back); what was notified meanwhile is gone.
        let Some(first) = self.listener.try_recv().await? else {
            return Ok(Fed::Missed);
        };
        let mut ids = vec![first.payload().parse::<i64>()];
        while ids.len() < BATCH {
            match self.listener.next_buffered() {
                Some(next) => ids.push(next.payload().parse::<i64>()),
                None => break,
            }
        }
        let ids: Vec<i64> = ids
            .into_iter()
            .filter_map(|id| match id {
                Ok(id) => Some(id),
                Err(error) => {
                    tracing::warn!(%error, "a notification on {CHANNEL} that is not an event id");
                    None
                }
            })
            .collect();
        // Notified at commit, in commit order; read in id order, which within an account
        // is the same (the trigger hands out ids under the account's lock).
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, account_id, conversation_id, change FROM events
             WHERE id = ANY($1) ORDER BY id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        Ok(Fed::Changes(
            rows.into_iter()
                .map(|row| Logged {
                    account_id: row.account_id,
                    conversation: ConversationId(row.conversation_id),
                    id: row.id,
                    change: row.change.into(),
                })
                .collect(),
        ))
    }
}
