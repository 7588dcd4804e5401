//! Applies a stored webhook event to conversations and messages, in one transaction that
//! also marks the stored event and logs the live changes: applied exactly once whenever
//! the process dies, and a second call for the same event changes nothing.
//!
//! Conversations are joined so that one consumer has one conversation per brand channel
//! where the platforms allow it (the Public/Private toggle needs both spaces in one):
//! a private message joins the consumer's latest conversation with the channel; a public
//! one joins the conversation on its post, else the latest one without a post (which then
//! gets it), else starts one. A new conversation gets its skill from the account's routing.

use super::rows::{message_select, name, post_of, MessageRow, RuleRow};
use crate::events::Logged;
use crate::store::{AppliedInbound, InboundOutcome, StoreError};
use crate::webhooks::{Inbound, InboundEvent, InboundMessage, InboundPerson};
use social_api::events::Change;
use social_api::routing::{Arrival, Route, Routing};
use social_api::{AuthorKind, ConversationId, Source, Space, Timestamp};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// How the stored event ends up, with the line its `outcome` column keeps.
enum Done {
    Applied(String),
    Deferred(String),
    Skipped(&'static str),
}

pub(super) async fn apply(
    pool: &SqlitePool,
    id: i64,
    event: &Inbound,
    now: Timestamp,
) -> Result<AppliedInbound, StoreError> {
    let mut tx = pool.begin().await?;
    // A write first: the transaction holds the write lock from here, so a concurrent apply
    // of the same event waits for this one to commit and then finds it done.
    let state: Option<(String,)> =
        sqlx::query_as("UPDATE webhook_events SET state = state WHERE id = ? RETURNING state")
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
    let done = applier.event(event).await?;
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
        "UPDATE webhook_events SET state = ?, waiting_for = ?, outcome = ?, applied_at = ?
         WHERE id = ?",
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
    conn: &'c mut SqliteConnection,
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
        let channel: Option<Channel> = sqlx::query_as(
            "SELECT id, account_id, platform_id, name,
                    disconnected_at IS NOT NULL AS disconnected, public_enabled, private_enabled
             FROM brand_channels WHERE source = ? AND platform_id = ?",
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
                    "SELECT id FROM messages WHERE conversation_id = ? AND platform_id = ?",
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
        let id = sqlx::query(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, author_name,
                space, text, reply_to, sent_at, delivery)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent')",
        )
        .bind(target.conversation)
        .bind(&message.platform_id)
        .bind(name(&kind))
        .bind(author_name)
        .bind(name(&message.space))
        .bind(&message.text)
        .bind(reply_to.map(|(id,)| id))
        .bind(self.at.0)
        .execute(&mut *self.conn)
        .await?
        .last_insert_rowid();
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
        let stored: Option<StoredConsumer> = sqlx::query_as(
            "SELECT id, display_name, handle, picture_url, withheld_reason FROM consumers
             WHERE account_id = ? AND source = ? AND platform_id = ?",
        )
        .bind(channel.account_id)
        .bind(name(&self.source))
        .bind(&person.platform_id)
        .fetch_optional(&mut *self.conn)
        .await?;
        let Some(stored) = stored else {
            // Nothing to show at all: the platform gave no profile.
            let withheld = display_name.is_none().then_some("no_profile_available");
            let id = sqlx::query(
                "INSERT INTO consumers (account_id, source, platform_id, display_name, handle,
                    picture_url, withheld_reason)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(channel.account_id)
            .bind(name(&self.source))
            .bind(&person.platform_id)
            .bind(&display_name)
            .bind(&handle)
            .bind(&picture_url)
            .bind(withheld)
            .execute(&mut *self.conn)
            .await?
            .last_insert_rowid();
            return Ok((id, false));
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
            "UPDATE consumers SET display_name = ?, handle = ?, picture_url = ?,
                withheld_reason = ?
             WHERE id = ?",
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

    /// The conversation a message of `consumer` joins, created (and routed) if none fits.
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
                "SELECT id FROM conversations WHERE consumer_id = ? AND brand_channel_id = ? {filter}
                 ORDER BY id DESC LIMIT 1"
            )
        };
        if let Some(post) = post {
            let on_post: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, post_text FROM conversations
                 WHERE consumer_id = ? AND brand_channel_id = ? AND post_platform_id = ?
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
                    sqlx::query("UPDATE conversations SET post_text = ? WHERE id = ?")
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
                    "UPDATE conversations SET post_platform_id = ?, post_text = ?,
                        post_author = ?, post_posted_at = ?, post_permalink = ?,
                        post_by_brand = ?
                     WHERE id = ? AND post_platform_id IS NULL",
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
        let id = sqlx::query(
            "INSERT INTO conversations (account_id, brand_channel_id, consumer_id, skill,
                engagement, post_platform_id, post_text, post_author, post_posted_at,
                post_permalink, post_by_brand)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .execute(&mut *self.conn)
        .await?
        .last_insert_rowid();
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
             WHERE c.brand_channel_id = ? AND co.platform_id = ? AND m.space = ?
               AND m.delivery = 'pending' AND m.author_kind IN ('agent', 'bot')",
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
            sqlx::query("UPDATE messages SET text = ?, edited = 1 WHERE id = ?")
                .bind(text)
                .bind(found.id)
                .execute(&mut *self.conn)
                .await?;
            self.log_message(channel, found.conversation_id, found.id)
                .await?;
        }
        let on_post = self.conversations_on_post(channel, platform_id).await?;
        for &conversation in &on_post {
            sqlx::query("UPDATE conversations SET post_text = ? WHERE id = ?")
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
            sqlx::query("UPDATE messages SET deleted = 1 WHERE id = ?")
                .bind(found.id)
                .execute(&mut *self.conn)
                .await?;
            self.log_message(channel, found.conversation_id, found.id)
                .await?;
            marked += 1;
        }
        let on_post = self.conversations_on_post(channel, platform_id).await?;
        for &conversation in &on_post {
            let done = sqlx::query(
                "UPDATE conversations SET post_deleted = 1 WHERE id = ? AND post_deleted = 0",
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
        let changed = match reaction.filter(|r| !r.is_empty()) {
            Some(reaction) => sqlx::query(
                "INSERT INTO message_reactions (message_id, reactor_platform_id, reaction, at)
                 VALUES (?, ?, ?, ?)
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
                 WHERE message_id = ? AND reactor_platform_id = ? AND at <= ?",
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
             WHERE m.platform_id = ? AND c.brand_channel_id = ?
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
            "SELECT id FROM conversations WHERE brand_channel_id = ? AND post_platform_id = ?
             ORDER BY id",
        )
        .bind(channel.id)
        .bind(platform_id)
        .fetch_all(&mut *self.conn)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Events deferred until the message (or post) `platform_id` arrived: applied next.
    async fn requeue(&mut self, platform_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE webhook_events SET state = 'received', waiting_for = NULL
             WHERE source = ? AND waiting_for = ? AND state = 'deferred'",
        )
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
        let row: MessageRow = sqlx::query_as(concat!(message_select!(), " WHERE m.id = ?"))
            .bind(id)
            .fetch_one(&mut *self.conn)
            .await?;
        let change = Change::Message(row.into_message()?);
        self.log(channel, conversation, &change).await
    }

    async fn log_post(&mut self, channel: &Channel, conversation: i64) -> Result<(), StoreError> {
        let row: super::rows::ConversationRow = sqlx::query_as(CONVERSATION_ROW)
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
        let row: super::rows::ConversationRow = sqlx::query_as(CONVERSATION_ROW)
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

    /// Appends a change to the event log, as `events::publish` would after the fact.
    async fn log(
        &mut self,
        channel: &Channel,
        conversation: i64,
        change: &Change,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(change)
            .map_err(|_| StoreError::Corrupt("a change that does not serialise"))?;
        let id = sqlx::query(
            "INSERT INTO events (account_id, conversation_id, change, created_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(channel.account_id)
        .bind(conversation)
        .bind(&json)
        .bind(self.now.0)
        .execute(&mut *self.conn)
        .await?
        .last_insert_rowid();
        self.logged.push(Logged {
            account_id: channel.account_id,
            conversation: ConversationId(conversation),
            id,
            change: json.into(),
        });
        Ok(())
    }
}

/// A conversation as [`super::rows::ConversationRow`] reads it, by id.
const CONVERSATION_ROW: &str = "SELECT c.id, bc.source, bc.platform_id AS brand_platform_id,
        bc.name AS brand_name, bc.handle AS brand_handle,
        bc.disconnected_at IS NOT NULL AS brand_disconnected,
        co.platform_id AS consumer_platform_id, co.display_name, co.handle, co.picture_url,
        co.profile_url, co.locale, co.timezone, co.follower_count, co.withheld_reason,
        c.post_platform_id, c.post_text, c.post_author, c.post_posted_at,
        c.post_attachment_url, c.post_permalink, c.post_liked_by_brand, c.post_by_brand,
        c.post_deleted, NULL AS assignee_id, NULL AS assignee_name, c.skill, c.engagement
    FROM conversations c
    JOIN brand_channels bc ON bc.id = c.brand_channel_id
    JOIN consumers co ON co.id = c.consumer_id
    WHERE c.id = ?";

/// An account's routing as stored: its rules in order and its default skill.
pub(super) async fn routing(
    conn: &mut SqliteConnection,
    account_id: i64,
) -> Result<Routing, StoreError> {
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT source, brand_platform_id, space, skill, engagement FROM routing_rules
         WHERE account_id = ? ORDER BY position",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let (default_skill,): (Option<String>,) =
        sqlx::query_as("SELECT default_skill FROM accounts WHERE id = ?")
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

/// Writes an account's routing, replacing what it had.
pub(super) async fn set_routing(
    conn: &mut SqliteConnection,
    account_id: i64,
    routing: &Routing,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM routing_rules WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    for (position, rule) in routing.rules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO routing_rules (account_id, position, source, brand_platform_id, space,
                skill, engagement)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    sqlx::query("UPDATE accounts SET default_skill = ? WHERE id = ?")
        .bind(&routing.default_skill)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use social_api::routing::{RoutingRule, RuleMatch};

    #[tokio::test]
    async fn messages_keep_their_rows_ids_and_checks_through_the_rebuild() {
        let pool = super::super::tests::migrated_before(
            "20250903000000",
            "INSERT INTO accounts (id, slug, name) VALUES (1, 'demo', 'Acme Outdoor');
             INSERT INTO brand_channels (id, account_id, source, platform_id, name)
                VALUES (1, 1, 'facebook', 'page', 'Acme');
             INSERT INTO consumers (id, account_id, source, platform_id, display_name)
                VALUES (1, 1, 'facebook', 'psid', 'Maria');
             INSERT INTO agents (id, account_id, name, kind, role) VALUES (1, 1, 'Dana', 'human', 'agent');
             INSERT INTO conversations (id, account_id, brand_channel_id, consumer_id)
                VALUES (7, 1, 1, 1), (8, 1, 1, 1);
             INSERT INTO messages (id, conversation_id, platform_id, author_kind, space, text, sent_at)
                VALUES (40, 7, 'c1', 'consumer', 'public', 'Hi', 1);
             INSERT INTO messages (id, conversation_id, platform_id, author_kind, author_agent_id,
                author_name, space, text, reply_to, sent_at, delivery, failure_reason, attempts,
                mention, private_reply)
                VALUES (41, 7, NULL, 'agent', 1, 'Dana', 'private', 'DM', 40, 2, 'failed', 'no', 2,
                1, 1);",
        )
        .await;
        // Flags: mention, private reply, edited, deleted.
        let kept: Vec<(i64, i64, Option<i64>, String, i64, String)> = sqlx::query_as(
            "SELECT id, conversation_id, reply_to, delivery, attempts,
                    mention || private_reply || edited || deleted
             FROM messages ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .expect("rows");
        assert_eq!(
            kept,
            [
                (40, 7, None, "sent".into(), 0, "0000".into()),
                (41, 7, Some(40), "failed".into(), 2, "1100".into()),
            ]
        );
        let insert = |sql: &'static str| sqlx::query(sql).execute(&pool);
        // The brand may write now, by name and on the platform only.
        insert(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, author_name, space,
                text, sent_at) VALUES (7, 'c2', 'brand', 'Acme', 'public', 'Thanks', 3)",
        )
        .await
        .expect("a brand message");
        assert!(insert(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
             VALUES (7, 'c3', 'brand', 'public', 'Nameless', 3)"
        )
        .await
        .is_err());
        // The old checks came along: one private reply per comment, replies in the same
        // conversation, one platform id per conversation.
        assert!(insert(
            "INSERT INTO messages (conversation_id, author_kind, author_agent_id, author_name,
                space, text, reply_to, sent_at, private_reply)
             VALUES (7, 'agent', 1, 'Dana', 'private', 'Again', 40, 4, 1)"
        )
        .await
        .is_err());
        assert!(insert(
            "INSERT INTO messages (conversation_id, author_kind, space, text, reply_to, sent_at)
             VALUES (8, 'consumer', 'public', 'Elsewhere', 40, 4)"
        )
        .await
        .is_err());
        assert!(insert(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
             VALUES (7, 'c1', 'consumer', 'public', 'Twice', 4)"
        )
        .await
        .is_err());
        // A message's reactions go with it.
        insert("INSERT INTO message_reactions VALUES (40, 'psid', 'like', 5)")
            .await
            .expect("a reaction");
        insert("DELETE FROM messages WHERE id = 41")
            .await
            .expect("the reply goes");
        insert("DELETE FROM messages WHERE id = 40")
            .await
            .expect("the comment goes");
        let (reactions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM message_reactions")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(reactions, 0);
    }

    #[tokio::test]
    async fn routing_is_stored_in_its_order_and_replaced_whole() {
        let store = super::super::SqliteStore::connect("sqlite::memory:")
            .await
            .expect("opens");
        let mut conn = store.pool().acquire().await.expect("a connection");
        sqlx::query("INSERT INTO accounts (id, slug, name) VALUES (1, 'a', 'A')")
            .execute(&mut *conn)
            .await
            .expect("account");
        assert_eq!(
            routing(&mut conn, 1).await.expect("reads"),
            Routing::default()
        );
        let rule = |source, brand: Option<&str>, space, skill: &str, engagement: Option<&str>| {
            RoutingRule {
                when: RuleMatch {
                    source,
                    brand: brand.map(Into::into),
                    space,
                },
                skill: skill.into(),
                engagement: engagement.map(Into::into),
            }
        };
        let routing_a = Routing {
            rules: vec![
                rule(Some(Source::X), Some("42"), None, "x", Some("care")),
                rule(None, None, Some(Space::Private), "dm", None),
                rule(
                    Some(Source::Facebook),
                    None,
                    Some(Space::Public),
                    "fb",
                    None,
                ),
            ],
            default_skill: Some("general".into()),
        };
        set_routing(&mut conn, 1, &routing_a).await.expect("writes");
        assert_eq!(routing(&mut conn, 1).await.expect("reads"), routing_a);
        let routing_b = Routing {
            rules: vec![rule(None, None, None, "only", None)],
            default_skill: None,
        };
        set_routing(&mut conn, 1, &routing_b).await.expect("writes");
        assert_eq!(routing(&mut conn, 1).await.expect("reads"), routing_b);
    }
}
