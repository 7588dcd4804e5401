//! Applies a stored webhook event to conversations and messages, in one transaction that
//! also marks the stored event and logs the live changes: applied exactly once whenever
//! the process dies, and a second call for the same event changes nothing, on this
//! instance or another one sharing the database.
//!
//! Conversations are joined so that one consumer has one conversation per brand channel
//! where the platforms allow it (the Public/Private toggle needs both spaces in one):
//! a private message joins the consumer's latest conversation with the channel; a public
//! one joins the conversation on its post, else the latest one without a post (which then
//! gets it), else starts one. A new conversation gets its skill from the account's routing.
//!
//! SQLite lets one writer in at a time; PostgreSQL (READ COMMITTED) does not, so every
//! "read, then write on what was read" below holds a row lock or lets a unique index
//! decide. Each such place says so.

use super::rows::{message_select, name, post_of, ConversationRow, MessageRow, RuleRow};
use crate::events::Logged;
use crate::store::{AppliedInbound, InboundOutcome, StoreError};
use crate::webhooks::{Inbound, InboundEvent, InboundMessage, InboundPerson};
use social_api::events::Change;
use social_api::routing::{Arrival, Route, Routing};
use social_api::{AuthorKind, ConversationId, Source, Space, Timestamp};
use sqlx::{FromRow, PgConnection, PgPool};

/// The first key of the wake-up locks (see `Applier::requeue`); the second is a hash of
/// the awaited id. The jobs' leases and the event log use other first keys.
const WAKE_LOCKS: i32 = 0x50C1_0002;

/// At most this many ids an event waits for in turn (a reply, then its echo).
const MAX_WAKE_LOCKS: usize = 3;

/// How the stored event ends up, with the line its `outcome` column keeps.
enum Done {
    Applied(String),
    Deferred(String),
    Skipped(&'static str),
}

pub(super) async fn apply(
    pool: &PgPool,
    id: i64,
    event: &Inbound,
    now: Timestamp,
) -> Result<AppliedInbound, StoreError> {
    let mut tx = pool.begin().await?;
    // The claim: the event's row stays locked until this transaction ends. Another
    // instance applying the same event waits here (FOR UPDATE, not SKIP LOCKED), then
    // reads the committed state and answers "applied before", as SQLite's write lock
    // makes it; a process killed mid-apply frees the lock with its connection and leaves
    // the event `received` for the next applier.
    let state: Option<(String,)> =
        sqlx::query_as("SELECT state FROM webhook_events WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let done_before = match state {
        None => Some("no stored event has this id"),
        Some((state,)) if state == "applied" || state == "skipped" => Some("applied before"),
        Some(_) => None,
    };
    if let Some(why) = done_before {
        return Ok(AppliedInbound {
            outcome: InboundOutcome::Skipped { why: why.into() },
            logged: Vec::new(),
            started: None,
        });
    }

    let mut applier = Applier {
        conn: &mut tx,
        source: event.source,
        at: event.at,
        now,
        logged: Vec::new(),
        started: None,
    };
    let mut done = applier.event(event).await?;
    // A deferral commits only under the wake-up lock of what it waits for, checked again
    // under it (see `Applier::requeue`): the message may have been stored meanwhile by a
    // transaction this one could not see. A deferral writes nothing before it is decided,
    // so the event is simply applied again; that run may wait for another id (a reply
    // found its comment but is an echo), whose lock is then taken in turn.
    let mut held: Vec<String> = Vec::new();
    while let Done::Deferred(waiting_for) = &done {
        if held.contains(waiting_for) || held.len() >= MAX_WAKE_LOCKS {
            break;
        }
        let waiting_for = waiting_for.clone();
        applier.hold_wake_lock(&waiting_for).await?;
        held.push(waiting_for);
        done = applier.event(event).await?;
    }
    let logged = applier.logged;
    let started = applier.started;
    let (state, waiting_for, outcome, applied_at, result) = match done {
        Done::Applied(what) => ("applied", None, what, Some(now.0), InboundOutcome::Applied),
        Done::Deferred(waiting_for) => (
            "deferred",
            Some(waiting_for.clone()),
            format!("waiting for {waiting_for}"),
            None,
            InboundOutcome::Deferred { waiting_for },
        ),
        Done::Skipped(why) => (
            "skipped",
            None,
            why.to_owned(),
            Some(now.0),
            InboundOutcome::Skipped { why: why.into() },
        ),
    };
    sqlx::query(
        "UPDATE webhook_events SET state = $1, waiting_for = $2, outcome = $3, applied_at = $4
         WHERE id = $5",
    )
    .bind(state)
    .bind(waiting_for)
    .bind(outcome)
    .bind(applied_at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AppliedInbound {
        outcome: result,
        logged,
        started,
    })
}

/// The brand channel an event is for.
#[derive(FromRow)]
struct Channel {
    id: i64,
    account_id: i64,
    platform_id: String,
    name: String,
    disconnected: bool,
    public_enabled: bool,
    private_enabled: bool,
}

/// A consumer as stored, for merging what an event says of them.
#[derive(FromRow)]
struct StoredConsumer {
    id: i64,
    display_name: Option<String>,
    handle: Option<String>,
    picture_url: Option<String>,
    withheld_reason: Option<String>,
}

/// A message found by its platform id.
#[derive(FromRow)]
struct Found {
    id: i64,
    conversation_id: i64,
    consumer_platform_id: String,
    deleted: bool,
}

/// Who wrote a message a webhook reports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writer {
    Consumer,
    Brand,
}

/// The conversation a message goes to, and whether it was started for it.
struct Target {
    conversation: i64,
    created: bool,
}

/// One event's work inside the transaction, and the changes it logged.
struct Applier<'c> {
    conn: &'c mut PgConnection,
    source: Source,
    /// When the platform says the event happened.
    at: Timestamp,
    now: Timestamp,
    logged: Vec<Logged>,
    /// The conversation this event started, if it did.
    started: Option<(i64, ConversationId)>,
}

impl Applier<'_> {
    async fn event(&mut self, event: &Inbound) -> Result<Done, StoreError> {
        // FOR SHARE: an admin's disconnect or space toggle (an UPDATE of this row, on any
        // instance) waits for this event, or this event for it; never applied on a channel
        // state that changed under it. Appliers share the lock among themselves.
        let channel: Option<Channel> = sqlx::query_as(
            "SELECT id, account_id, platform_id, name,
                    disconnected_at IS NOT NULL AS disconnected, public_enabled, private_enabled
             FROM brand_channels WHERE source = $1 AND platform_id = $2
             FOR SHARE",
        )
        .bind(name(&event.source))
        .bind(&event.brand_id)
        .fetch_optional(&mut *self.conn)
        .await?;
        let Some(channel) = channel else {
            return Ok(Done::Skipped("not connected"));
        };
        // Kept before an admin disconnected the source: it is not applied after.
        if channel.disconnected {
            return Ok(Done::Skipped("source disconnected"));
        }
        match &event.event {
            InboundEvent::ConsumerMessage(message) => {
                self.message(&channel, message, Writer::Consumer).await
            }
            InboundEvent::BrandMessage(message) => {
                self.message(&channel, message, Writer::Brand).await
            }
            InboundEvent::Edited { platform_id, text } => {
                self.edited(&channel, platform_id, text).await
            }
            InboundEvent::Deleted { platform_id } => self.deleted(&channel, platform_id).await,
            InboundEvent::Reaction {
                target_platform_id,
                consumer,
                reaction,
            } => {
                self.reaction(&channel, target_platform_id, consumer, reaction.as_deref())
                    .await
            }
            // Nowhere to show them yet: the widget has no "seen" line.
            InboundEvent::Read { .. } => Ok(Done::Skipped("read receipts are not shown")),
        }
    }

    /// A consumer's or the brand's message: into the consumer's conversation, once.
    async fn message(
        &mut self,
        channel: &Channel,
        message: &InboundMessage,
        writer: Writer,
    ) -> Result<Done, StoreError> {
        match message.space {
            Space::Internal => {
                return Ok(Done::Skipped("internal notes never come from a platform"));
            }
            Space::Public if !channel.public_enabled => {
                return Ok(Done::Skipped("the source's public space is off"));
            }
            Space::Private if !channel.private_enabled => {
                return Ok(Done::Skipped("the source's private space is off"));
            }
            Space::Public | Space::Private => {}
        }
        if self
            .find_message(channel, &message.platform_id)
            .await?
            .is_some()
        {
            // A redelivery under another key, or (for the brand) what the widget sent.
            return Ok(Done::Skipped("already known"));
        }
        // Whom it is with: the consumer the event names, or, for the brand answering
        // without naming anyone (a Page comment), whoever wrote what it answers.
        let answered = if message.consumer.platform_id.is_empty() {
            let Some(answered) = message.in_reply_to.as_deref() else {
                return Ok(Done::Skipped("the brand wrote to no consumer"));
            };
            match self.find_message(channel, answered).await? {
                Some(found) => Some(found),
                // The reply came before what it answers.
                None => return Ok(Done::Deferred(answered.to_owned())),
            }
        } else {
            None
        };
        let consumer_id = answered
            .as_ref()
            .map_or(message.consumer.platform_id.as_str(), |found| {
                found.consumer_platform_id.as_str()
            });
        if consumer_id == channel.platform_id {
            return Ok(Done::Skipped("the brand wrote to no consumer"));
        }
        if writer == Writer::Brand
            && self
                .is_echo_of_pending(channel, consumer_id, message)
                .await?
        {
            // The platform's echo of a message the widget is still sending: the send
            // records this platform id in a moment and the event applies again then (and
            // is skipped as known). Inserting it now would show the message twice, and
            // the send could not record its id.
            return Ok(Done::Deferred(message.platform_id.clone()));
        }
        let target = match &answered {
            Some(found) => Target {
                conversation: found.conversation_id,
                created: false,
            },
            None => {
                let (consumer, profile_changed) = self.consumer(channel, &message.consumer).await?;
                let target = self.conversation(channel, consumer, message).await?;
                if profile_changed && !target.created {
                    self.log_consumer(channel, target.conversation).await?;
                }
                target
            }
        };
        let reply_to: Option<(i64,)> = match &message.in_reply_to {
            Some(answered) => {
                sqlx::query_as(
                    "SELECT id FROM messages WHERE conversation_id = $1 AND platform_id = $2",
                )
                .bind(target.conversation)
                .bind(answered)
                .fetch_optional(&mut *self.conn)
                .await?
            }
            None => None,
        };
        let (kind, author_name) = match writer {
            Writer::Consumer => (AuthorKind::Consumer, None),
            Writer::Brand => (AuthorKind::Brand, Some(channel.name.as_str())),
        };
        // The check above read before this transaction held any lock on the conversation:
        // the same message under another key, applied meanwhile on another instance, is
        // caught here by `UNIQUE (conversation_id, platform_id)` (the insert waits for
        // the other transaction, then inserts nothing).
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, author_name,
                space, text, reply_to, sent_at, delivery)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent')
             ON CONFLICT DO NOTHING
             RETURNING id",
        )
        .bind(target.conversation)
        .bind(&message.platform_id)
        .bind(name(&kind))
        .bind(author_name)
        .bind(name(&message.space))
        .bind(&message.text)
        .bind(reply_to.map(|(id,)| id))
        .bind(self.at.0)
        .fetch_optional(&mut *self.conn)
        .await?;
        let Some((id,)) = inserted else {
            return Ok(Done::Skipped("already known"));
        };
        self.log_message(channel, target.conversation, id).await?;
        self.requeue(&message.platform_id).await?;
        Ok(Done::Applied(format!(
            "message {id} in conversation {}{}",
            target.conversation,
            if target.created { " (new)" } else { "" }
        )))
    }

    /// The consumer's id, stored or updated with what the event says of them: what it
    /// leaves out stays as it was, and a withheld profile stays withheld unless the event
    /// names the person. Answers whether a stored profile changed.
    ///
    /// The consumer's row stays locked until the event is applied: events of one consumer
    /// (on any instance) choose and start their conversation one after the other, so
    /// two first messages at once start one conversation, not two.
    async fn consumer(
        &mut self,
        channel: &Channel,
        person: &InboundPerson,
    ) -> Result<(i64, bool), StoreError> {
        let given = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        let (display_name, handle, picture_url) = (
            given(&person.name),
            given(&person.handle),
            given(&person.picture_url),
        );
        let stored = match self.locked_consumer(channel, person).await? {
            Some(stored) => stored,
            None => {
                // Nothing to show at all: the platform gave no profile.
                let withheld = display_name.is_none().then_some("no_profile_available");
                // The unique key decides who creates the consumer: an instance inserting
                // the same one at once waits for this commit, then inserts nothing and
                // reads this row back (below). The new row is this transaction's alone.
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO consumers (account_id, source, platform_id, display_name,
                        handle, picture_url, withheld_reason)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (account_id, source, platform_id) DO NOTHING
                     RETURNING id",
                )
                .bind(channel.account_id)
                .bind(name(&self.source))
                .bind(&person.platform_id)
                .bind(&display_name)
                .bind(&handle)
                .bind(&picture_url)
                .bind(withheld)
                .fetch_optional(&mut *self.conn)
                .await?;
                if let Some((id,)) = inserted {
                    return Ok((id, false));
                }
                self.locked_consumer(channel, person)
                    .await?
                    .ok_or(StoreError::Corrupt("consumers: vanished after a conflict"))?
            }
        };
        let withheld_reason = match &display_name {
            Some(_) => None,
            None => stored.withheld_reason.clone(),
        };
        let merged = (
            display_name.or(stored.display_name.clone()),
            handle.or(stored.handle.clone()),
            picture_url.or(stored.picture_url.clone()),
            withheld_reason,
        );
        let before = (
            stored.display_name,
            stored.handle,
            stored.picture_url,
            stored.withheld_reason,
        );
        if merged == before {
            return Ok((stored.id, false));
        }
        sqlx::query(
            "UPDATE consumers SET display_name = $1, handle = $2, picture_url = $3,
                withheld_reason = $4
             WHERE id = $5",
        )
        .bind(&merged.0)
        .bind(&merged.1)
        .bind(&merged.2)
        .bind(&merged.3)
        .bind(stored.id)
        .execute(&mut *self.conn)
        .await?;
        Ok((stored.id, true))
    }

    /// The stored consumer, locked until the transaction ends (see [`Self::consumer`]).
    /// `FOR NO KEY UPDATE`: the profile may be rewritten, the key never, so inserts that
    /// only reference the consumer are not held up.
    async fn locked_consumer(
        &mut self,
        channel: &Channel,
        person: &InboundPerson,
    ) -> Result<Option<StoredConsumer>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, display_name, handle, picture_url, withheld_reason FROM consumers
             WHERE account_id = $1 AND source = $2 AND platform_id = $3
             FOR NO KEY UPDATE",
        )
        .bind(channel.account_id)
        .bind(name(&self.source))
        .bind(&person.platform_id)
        .fetch_optional(&mut *self.conn)
        .await?)
    }

    /// The conversation a message of `consumer` joins, created (and routed) if none fits.
    /// Runs with the consumer's row locked (see [`Self::consumer`]): what it reads of the
    /// consumer's conversations stays true until it has written.
    async fn conversation(
        &mut self,
        channel: &Channel,
        consumer: i64,
        message: &InboundMessage,
    ) -> Result<Target, StoreError> {
        let post = message
            .post
            .as_ref()
            .filter(|_| message.space == Space::Public);
        let latest = |filter: &'static str| {
            format!(
                "SELECT id FROM conversations
                 WHERE consumer_id = $1 AND brand_channel_id = $2 {filter}
                 ORDER BY id DESC LIMIT 1"
            )
        };
        if let Some(post) = post {
            let on_post: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, post_text FROM conversations
                 WHERE consumer_id = $1 AND brand_channel_id = $2 AND post_platform_id = $3
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(consumer)
            .bind(channel.id)
            .bind(&post.platform_id)
            .fetch_optional(&mut *self.conn)
            .await?;
            if let Some((id, known_text)) = on_post {
                // The post's text, when an event carries it after one that did not.
                if let Some(text) = post.text.as_ref().filter(|_| known_text.is_empty()) {
                    sqlx::query("UPDATE conversations SET post_text = $1 WHERE id = $2")
                        .bind(text)
                        .bind(id)
                        .execute(&mut *self.conn)
                        .await?;
                    self.log_post(channel, id).await?;
                }
                return Ok(Target {
                    conversation: id,
                    created: false,
                });
            }
            let without_post: Option<(i64,)> =
                sqlx::query_as(&latest("AND post_platform_id IS NULL"))
                    .bind(consumer)
                    .bind(channel.id)
                    .fetch_optional(&mut *self.conn)
                    .await?;
            if let Some((id,)) = without_post {
                let post = post_of(self.source, self.at, post);
                sqlx::query(
                    "UPDATE conversations SET post_platform_id = $1, post_text = $2,
                        post_author = $3, post_posted_at = $4, post_permalink = $5,
                        post_by_brand = $6
                     WHERE id = $7 AND post_platform_id IS NULL",
                )
                .bind(&post.platform_id)
                .bind(&post.text)
                .bind(&post.author)
                .bind(post.posted_at.0)
                .bind(&post.permalink)
                .bind(post.by_brand)
                .bind(id)
                .execute(&mut *self.conn)
                .await?;
                self.log_post(channel, id).await?;
                self.requeue(&post.platform_id).await?;
                return Ok(Target {
                    conversation: id,
                    created: false,
                });
            }
        } else {
            let any: Option<(i64,)> = sqlx::query_as(&latest(""))
                .bind(consumer)
                .bind(channel.id)
                .fetch_optional(&mut *self.conn)
                .await?;
            if let Some((id,)) = any {
                return Ok(Target {
                    conversation: id,
                    created: false,
                });
            }
        }
        let post = post.map(|post| post_of(self.source, self.at, post));
        let route = self.route(channel, message.space).await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO conversations (account_id, brand_channel_id, consumer_id, skill,
                engagement, post_platform_id, post_text, post_author, post_posted_at,
                post_permalink, post_by_brand)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING id",
        )
        .bind(channel.account_id)
        .bind(channel.id)
        .bind(consumer)
        .bind(&route.skill)
        .bind(&route.engagement)
        .bind(post.as_ref().map(|p| &p.platform_id))
        .bind(post.as_ref().map(|p| &p.text))
        .bind(post.as_ref().map(|p| &p.author))
        .bind(post.as_ref().map(|p| p.posted_at.0))
        .bind(post.as_ref().map(|p| &p.permalink))
        .bind(post.as_ref().is_some_and(|p| p.by_brand))
        .fetch_one(&mut *self.conn)
        .await?;
        if let Some(post) = &post {
            self.requeue(&post.platform_id).await?;
        }
        self.started = Some((channel.account_id, ConversationId(id)));
        Ok(Target {
            conversation: id,
            created: true,
        })
    }

    /// Where a conversation started now goes: the account's rules, else its default.
    async fn route(&mut self, channel: &Channel, space: Space) -> Result<Route, StoreError> {
        let routing = routing(&mut *self.conn, channel.account_id).await?;
        Ok(routing.route(&Arrival {
            source: self.source,
            brand: &channel.platform_id,
            space,
        }))
    }

    /// Whether a brand message is the echo of a message the widget is still sending to
    /// the same consumer in the same space: the same text, or the same text after a
    /// mention the platform wrote in front of it.
    ///
    /// `FOR SHARE OF m`: the send recording the platform id (an UPDATE of the pending
    /// row, on any instance) waits until this event is deferred and committed, so the
    /// send's requeue that follows finds it; had the send updated first, the row is no
    /// longer pending when read here and the echo is caught as known on insert.
    async fn is_echo_of_pending(
        &mut self,
        channel: &Channel,
        consumer: &str,
        message: &InboundMessage,
    ) -> Result<bool, StoreError> {
        let pending: Vec<(String,)> = sqlx::query_as(
            "SELECT m.text FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             JOIN consumers co ON co.id = c.consumer_id
             WHERE c.brand_channel_id = $1 AND co.platform_id = $2 AND m.space = $3
               AND m.delivery = 'pending' AND m.author_kind IN ('agent', 'bot')
             FOR SHARE OF m",
        )
        .bind(channel.id)
        .bind(consumer)
        .bind(name(&message.space))
        .fetch_all(&mut *self.conn)
        .await?;
        let echo = message.text.trim();
        Ok(pending.iter().any(|(text,)| {
            let text = text.trim();
            !text.is_empty() && echo.ends_with(text)
        }))
    }

    /// A message's or a post's new text (a post's id may also be its message's).
    async fn edited(
        &mut self,
        channel: &Channel,
        platform_id: &str,
        text: &str,
    ) -> Result<Done, StoreError> {
        let found = self.find_message(channel, platform_id).await?;
        if let Some(found) = &found {
            sqlx::query("UPDATE messages SET text = $1, edited = TRUE WHERE id = $2")
                .bind(text)
                .bind(found.id)
                .execute(&mut *self.conn)
                .await?;
            self.log_message(channel, found.conversation_id, found.id)
                .await?;
        }
        let on_post = self.conversations_on_post(channel, platform_id).await?;
        for &conversation in &on_post {
            sqlx::query("UPDATE conversations SET post_text = $1 WHERE id = $2")
                .bind(text)
                .bind(conversation)
                .execute(&mut *self.conn)
                .await?;
            self.log_post(channel, conversation).await?;
        }
        Ok(match (found, on_post.len()) {
            (None, 0) => Done::Deferred(platform_id.to_owned()),
            (Some(found), _) => Done::Applied(format!("message {} edited", found.id)),
            (None, posts) => Done::Applied(format!("post edited in {posts} conversations")),
        })
    }

    /// A message or a post deleted on the platform: marked, what we knew of it kept.
    async fn deleted(&mut self, channel: &Channel, platform_id: &str) -> Result<Done, StoreError> {
        let found = self.find_message(channel, platform_id).await?;
        let mut marked = 0;
        if let Some(found) = found.as_ref().filter(|found| !found.deleted) {
            // Conditional: of two deletes of one message (two keys, two instances), one
            // marks it and logs the change; the other waits for its row lock and finds
            // it marked.
            let done =
                sqlx::query("UPDATE messages SET deleted = TRUE WHERE id = $1 AND deleted = FALSE")
                    .bind(found.id)
                    .execute(&mut *self.conn)
                    .await?;
            if done.rows_affected() == 1 {
                self.log_message(channel, found.conversation_id, found.id)
                    .await?;
                marked += 1;
            }
        }
        let on_post = self.conversations_on_post(channel, platform_id).await?;
        for &conversation in &on_post {
            // Conditional for the same reason as the message's.
            let done = sqlx::query(
                "UPDATE conversations SET post_deleted = TRUE
                 WHERE id = $1 AND post_deleted = FALSE",
            )
            .bind(conversation)
            .execute(&mut *self.conn)
            .await?;
            if done.rows_affected() == 1 {
                self.log_post(channel, conversation).await?;
                marked += 1;
            }
        }
        Ok(match (found.is_some() || !on_post.is_empty(), marked) {
            (false, _) => Done::Deferred(platform_id.to_owned()),
            (true, 0) => Done::Skipped("deleted before"),
            (true, _) => Done::Applied(format!("{platform_id} deleted")),
        })
    }

    /// A person's reaction to a message, kept per message and person; an older event never
    /// replaces a newer one. The widget hears of it when the person is the conversation's
    /// consumer (the only reaction it shows).
    async fn reaction(
        &mut self,
        channel: &Channel,
        target: &str,
        person: &InboundPerson,
        reaction: Option<&str>,
    ) -> Result<Done, StoreError> {
        let Some(found) = self.find_message(channel, target).await? else {
            if !self
                .conversations_on_post(channel, target)
                .await?
                .is_empty()
            {
                return Ok(Done::Skipped("reactions to posts are not shown"));
            }
            return Ok(Done::Deferred(target.to_owned()));
        };
        // Both statements decide in the database which reaction is newest: the upsert
        // (the primary key serialises two instances' writers) and the conditional delete.
        let changed = match reaction.filter(|r| !r.is_empty()) {
            Some(reaction) => sqlx::query(
                "INSERT INTO message_reactions (message_id, reactor_platform_id, reaction, at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (message_id, reactor_platform_id) DO UPDATE
                 SET reaction = excluded.reaction, at = excluded.at
                 WHERE excluded.at >= message_reactions.at",
            )
            .bind(found.id)
            .bind(&person.platform_id)
            .bind(reaction)
            .bind(self.at.0),
            None => sqlx::query(
                "DELETE FROM message_reactions
                 WHERE message_id = $1 AND reactor_platform_id = $2 AND at <= $3",
            )
            .bind(found.id)
            .bind(&person.platform_id)
            .bind(self.at.0),
        }
        .execute(&mut *self.conn)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Done::Skipped("no newer reaction to change"));
        }
        if person.platform_id == found.consumer_platform_id {
            self.log_message(channel, found.conversation_id, found.id)
                .await?;
        }
        Ok(Done::Applied(format!("reaction on message {}", found.id)))
    }

    /// The message with this platform id in a conversation of the channel.
    async fn find_message(
        &mut self,
        channel: &Channel,
        platform_id: &str,
    ) -> Result<Option<Found>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.id, m.conversation_id, co.platform_id AS consumer_platform_id, m.deleted
             FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             JOIN consumers co ON co.id = c.consumer_id
             WHERE m.platform_id = $1 AND c.brand_channel_id = $2
             ORDER BY m.id LIMIT 1",
        )
        .bind(platform_id)
        .bind(channel.id)
        .fetch_optional(&mut *self.conn)
        .await?)
    }

    /// The channel's conversations hanging on the post with this platform id.
    async fn conversations_on_post(
        &mut self,
        channel: &Channel,
        platform_id: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM conversations WHERE brand_channel_id = $1 AND post_platform_id = $2
             ORDER BY id",
        )
        .bind(channel.id)
        .bind(platform_id)
        .fetch_all(&mut *self.conn)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Events deferred until the message (or post) `platform_id` arrived: applied next.
    ///
    /// Another instance may at this moment be deferring an event on this id, having looked
    /// before this transaction stored it: its deferral is not committed yet, so the UPDATE
    /// below would not see it, and nothing would wake it later. Both sides take the id's
    /// wake-up lock (held until commit): the deferral either commits first (and is woken
    /// here) or looks again after this commits (and finds the message).
    async fn requeue(&mut self, platform_id: &str) -> Result<(), StoreError> {
        self.hold_wake_lock(platform_id).await?;
        sqlx::query(
            "UPDATE webhook_events SET state = 'received', waiting_for = NULL
             WHERE source = $1 AND waiting_for = $2 AND state = 'deferred'",
        )
        .bind(name(&self.source))
        .bind(platform_id)
        .execute(&mut *self.conn)
        .await?;
        Ok(())
    }

    /// The wake-up lock of `platform_id` of this event's source, until the transaction
    /// ends (see [`Self::requeue`]). A hash collision only makes two ids wait for each other.
    async fn hold_wake_lock(&mut self, platform_id: &str) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2 || ':' || $3))")
            .bind(WAKE_LOCKS)
            .bind(name(&self.source))
            .bind(platform_id)
            .execute(&mut *self.conn)
            .await?;
        Ok(())
    }

    /// Logs message `id` of `conversation` as it is stored now.
    async fn log_message(
        &mut self,
        channel: &Channel,
        conversation: i64,
        id: i64,
    ) -> Result<(), StoreError> {
        let row: MessageRow = sqlx::query_as(concat!(message_select!(), " WHERE m.id = $1"))
            .bind(id)
            .fetch_one(&mut *self.conn)
            .await?;
        let change = Change::Message(row.into_message()?);
        self.log(channel, conversation, &change).await
    }

    async fn log_post(&mut self, channel: &Channel, conversation: i64) -> Result<(), StoreError> {
        let row: ConversationRow = sqlx::query_as(CONVERSATION_ROW)
            .bind(conversation)
            .fetch_one(&mut *self.conn)
            .await?;
        let Some(post) = row.post() else {
            return Ok(());
        };
        self.log(channel, conversation, &Change::Post(post)).await
    }

    async fn log_consumer(
        &mut self,
        channel: &Channel,
        conversation: i64,
    ) -> Result<(), StoreError> {
        let row: ConversationRow = sqlx::query_as(CONVERSATION_ROW)
            .bind(conversation)
            .fetch_one(&mut *self.conn)
            .await?;
        let consumer = social_api::Consumer {
            platform_id: row.consumer_platform_id.clone(),
            profile: row.profile()?,
        };
        self.log(channel, conversation, &Change::Consumer(consumer))
            .await
    }

    /// Appends a change to the event log, as `events::publish` would after the fact. The
    /// log's trigger hands out the id in commit order and notifies the other instances.
    async fn log(
        &mut self,
        channel: &Channel,
        conversation: i64,
        change: &Change,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(change)
            .map_err(|_| StoreError::Corrupt("a change that does not serialise"))?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO events (account_id, conversation_id, change, created_at)
             VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(channel.account_id)
        .bind(conversation)
        .bind(&json)
        .bind(self.now.0)
        .fetch_one(&mut *self.conn)
        .await?;
        self.logged.push(Logged {
            account_id: channel.account_id,
            conversation: ConversationId(conversation),
            id,
            change: json.into(),
        });
        Ok(())
    }
}

/// A conversation as [`ConversationRow`] reads it, by id.
const CONVERSATION_ROW: &str = "SELECT c.id, bc.source, bc.platform_id AS brand_platform_id,
        bc.name AS brand_name, bc.handle AS brand_handle,
        bc.disconnected_at IS NOT NULL AS brand_disconnected,
        co.platform_id AS consumer_platform_id, co.display_name, co.handle, co.picture_url,
        co.profile_url, co.locale, co.timezone, co.follower_count, co.withheld_reason,
        c.post_platform_id, c.post_text, c.post_author, c.post_posted_at,
        c.post_attachment_url, c.post_permalink, c.post_liked_by_brand, c.post_by_brand,
        c.post_deleted, NULL::BIGINT AS assignee_id, NULL::TEXT AS assignee_name, c.skill,
        c.engagement
    FROM conversations c
    JOIN brand_channels bc ON bc.id = c.brand_channel_id
    JOIN consumers co ON co.id = c.consumer_id
    WHERE c.id = $1";

/// An account's routing as stored: its rules in order and its default skill.
pub(super) async fn routing(
    conn: &mut PgConnection,
    account_id: i64,
) -> Result<Routing, StoreError> {
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT source, brand_platform_id, space, skill, engagement FROM routing_rules
         WHERE account_id = $1 ORDER BY position",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let (default_skill,): (Option<String>,) =
        sqlx::query_as("SELECT default_skill FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut *conn)
            .await?;
    let rules = rows
        .into_iter()
        .map(RuleRow::into_rule)
        .collect::<Result<_, StoreError>>()?;
    Ok(Routing {
        rules,
        default_skill,
    })
}

/// Writes an account's routing, replacing what it had. Callers that read the routing
/// before replacing it hold the account's row lock (see `admin::set_routing_rules`).
pub(super) async fn set_routing(
    conn: &mut PgConnection,
    account_id: i64,
    routing: &Routing,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM routing_rules WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    for (position, rule) in routing.rules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO routing_rules (account_id, position, source, brand_platform_id, space,
                skill, engagement)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(account_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(rule.when.source.as_ref().map(name))
        .bind(&rule.when.brand)
        .bind(rule.when.space.as_ref().map(name))
        .bind(&rule.skill)
        .bind(&rule.engagement)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE accounts SET default_skill = $1 WHERE id = $2")
        .bind(&routing.default_skill)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    //! Races SQLite cannot have: two appliers on one PostgreSQL. Each test holds a table
    //! lock both appliers need, waits until both are queued behind it, and lets them go
    //! at once, so the race happens every run. Needs `SOCIAL_TEST_POSTGRES`, the admin URL
    //! of a running cluster; without it each test says so and passes.

    use super::*;
    use crate::store::Store;
    use crate::webhooks::InboundPost;
    use sqlx::{Connection, Executor};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub(in crate::store::postgres) const PAGE_ID: &str = "104857600012345";

    /// A migrated store on a new database of the cluster, with account 1's Facebook
    /// page; `None` (and a line saying the test is skipped) without a cluster.
    pub(in crate::store::postgres) async fn store(
        test: &str,
    ) -> Option<super::super::PostgresStore> {
        let Ok(admin) = std::env::var("SOCIAL_TEST_POSTGRES") else {
            eprintln!("{test}: skipped, SOCIAL_TEST_POSTGRES names no PostgreSQL");
            return None;
        };
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "store_races_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .expect("the cluster");
        connection
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("a database");
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        let store = super::super::PostgresStore::connect(&format!("{base}/{name}"))
            .await
            .expect("connects and migrates");
        sqlx::raw_sql(&format!(
            "INSERT INTO accounts (slug, name) VALUES ('acme', 'Acme');
             INSERT INTO brand_channels (account_id, source, platform_id, name)
                SELECT id, 'facebook', '{PAGE_ID}', 'Acme' FROM accounts;"
        ))
        .execute(store.pool())
        .await
        .expect("an account and its page");
        Some(store)
    }

    /// Takes `lock` in a transaction, starts both `racers`, waits until both wait behind
    /// the lock, then lets them go and answers what they answered.
    pub(in crate::store::postgres) async fn race<F>(
        pool: &PgPool,
        lock: &str,
        racers: [F; 2],
    ) -> [F::Output; 2]
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut blocker = pool.begin().await.expect("a transaction");
        blocker.execute(lock).await.expect("the lock");
        let [a, b] = racers.map(tokio::spawn);
        loop {
            assert!(
                !a.is_finished() && !b.is_finished(),
                "a racer finished without waiting for the lock"
            );
            let (waiting,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(pool)
            .await
            .expect("activity");
            if waiting >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        blocker.commit().await.expect("released");
        [a.await.expect("racer a"), b.await.expect("racer b")]
    }

    /// Rosa's message `platform_id`, privately or (with a post) as a comment on it.
    fn rosa(key: &str, platform_id: &str, post: Option<&str>) -> Inbound {
        Inbound {
            source: Source::Facebook,
            key: key.into(),
            brand_id: PAGE_ID.into(),
            at: Timestamp(1_000),
            event: InboundEvent::ConsumerMessage(InboundMessage {
                platform_id: platform_id.into(),
                space: if post.is_some() {
                    Space::Public
                } else {
                    Space::Private
                },
                consumer: InboundPerson {
                    platform_id: "6234567890177777".into(),
                    name: Some("Rosa Diaz".into()),
                    handle: None,
                    picture_url: None,
                },
                text: "Hello?".into(),
                in_reply_to: post.map(Into::into),
                post: post.map(|id| InboundPost {
                    platform_id: id.into(),
                    text: None,
                    author: None,
                    by_brand: true,
                    permalink: None,
                }),
            }),
        }
    }

    fn dm(key: &str, platform_id: &str) -> Inbound {
        rosa(key, platform_id, None)
    }

    /// Stores `event`; its row id.
    async fn stored(store: &super::super::PostgresStore, event: &Inbound) -> i64 {
        store
            .store_inbound(std::slice::from_ref(event), Timestamp(1))
            .await
            .expect("stored");
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM webhook_events WHERE key = $1")
            .bind(&event.key)
            .fetch_one(store.pool())
            .await
            .expect("its id");
        id
    }

    /// Both events stored, then applied at once. The lock on `conversations` holds up
    /// whichever applier first starts a conversation; the other waits there too, or on
    /// the consumer's row behind it.
    async fn apply_both(
        store: &super::super::PostgresStore,
        events: [Inbound; 2],
    ) -> [InboundOutcome; 2] {
        let mut racers = Vec::new();
        for event in events {
            let id = stored(store, &event).await;
            let store = store.clone();
            racers.push(Box::pin(async move {
                store
                    .apply_inbound(id, &event, Timestamp(2))
                    .await
                    .expect("applies")
                    .outcome
            }));
        }
        let racers: [_; 2] = racers.try_into().ok().expect("two racers");
        race(
            store.pool(),
            "LOCK TABLE conversations IN EXCLUSIVE MODE",
            racers,
        )
        .await
    }

    async fn count(store: &super::super::PostgresStore, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .expect("a count");
        n
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_first_messages_of_a_consumer_at_once_start_one_conversation() {
        let Some(store) = store("two_first_messages_at_once").await else {
            return;
        };
        let outcomes = apply_both(&store, [dm("mid:1", "m1"), dm("mid:2", "m2")]).await;
        assert_eq!(outcomes, [InboundOutcome::Applied, InboundOutcome::Applied]);
        assert_eq!(count(&store, "consumers").await, 1);
        assert_eq!(count(&store, "conversations").await, 1);
        assert_eq!(count(&store, "messages").await, 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_message_under_two_keys_at_once_is_stored_once() {
        let Some(store) = store("one_message_under_two_keys").await else {
            return;
        };
        let mut outcomes = apply_both(&store, [dm("mid:1", "m1"), dm("mid:1:again", "m1")]).await;
        outcomes.sort_by_key(|o| matches!(o, InboundOutcome::Skipped { .. }));
        assert_eq!(
            outcomes,
            [
                InboundOutcome::Applied,
                InboundOutcome::Skipped {
                    why: "already known".into()
                }
            ]
        );
        assert_eq!(count(&store, "conversations").await, 1);
        assert_eq!(count(&store, "messages").await, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_comments_of_a_known_consumer_on_a_new_post_start_one_conversation() {
        let Some(store) = store("two_comments_on_a_new_post").await else {
            return;
        };
        let first = rosa("comment:c0", "c0", Some("post_1"));
        let id = stored(&store, &first).await;
        let applied = store
            .apply_inbound(id, &first, Timestamp(2))
            .await
            .expect("applies");
        assert_eq!(applied.outcome, InboundOutcome::Applied);
        let outcomes = apply_both(
            &store,
            [
                rosa("comment:c1", "c1", Some("post_2")),
                rosa("comment:c2", "c2", Some("post_2")),
            ],
        )
        .await;
        assert_eq!(outcomes, [InboundOutcome::Applied, InboundOutcome::Applied]);
        let (on_post,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM conversations WHERE post_platform_id = 'post_2'")
                .fetch_one(store.pool())
                .await
                .expect("a count");
        assert_eq!(on_post, 1);
        assert_eq!(count(&store, "messages").await, 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_edit_deferred_while_its_message_is_stored_is_woken_or_applied() {
        let Some(store) = store("an_edit_deferred_meanwhile").await else {
            return;
        };
        let create = dm("mid:1", "m1");
        let edit = Inbound {
            key: "edit:m1".into(),
            event: InboundEvent::Edited {
                platform_id: "m1".into(),
                text: "Hello!".into(),
            },
            ..dm("edit:m1", "m1")
        };
        let edit_id = stored(&store, &edit).await;
        let create_id = stored(&store, &create).await;
        let apply = |id: i64, event: Inbound| {
            let store = store.clone();
            async move {
                store
                    .apply_inbound(id, &event, Timestamp(2))
                    .await
                    .expect("applies")
                    .outcome
            }
        };
        // The edit looks for m1 before it is stored and waits to defer; the create stores
        // m1 and waits to wake what waits for it. Then both go on, in either order.
        let [edited, created] = race(
            store.pool(),
            &format!("SELECT pg_advisory_xact_lock({WAKE_LOCKS}, hashtext('facebook:m1'))"),
            [apply(edit_id, edit), apply(create_id, create)],
        )
        .await;
        assert_eq!(created, InboundOutcome::Applied);
        let (state,): (String,) = sqlx::query_as("SELECT state FROM webhook_events WHERE id = $1")
            .bind(edit_id)
            .fetch_one(store.pool())
            .await
            .expect("the edit's row");
        match edited {
            InboundOutcome::Applied => assert_eq!(state, "applied"),
            InboundOutcome::Deferred { .. } => assert_eq!(state, "received", "woken"),
            other => panic!("the edit: {other:?}"),
        }
    }
}
