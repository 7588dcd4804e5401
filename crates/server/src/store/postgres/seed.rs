//! Writes the `--demo` accounts: one transaction per account. An account whose slug exists
//! only gets what older seeds did not write (e-mails, passwords, workspace ids), so a demo
//! database from an earlier version signs in with a password and resolves workspace ids.
//! Every agent written here is marked `demo_seeded`: their password is the published demo
//! one, good only while the server runs the demo. Seeded conversations get their skill
//! from the account's routing, as if they had arrived by webhook.

use super::inbound::set_routing;
use super::rows::name;
use crate::store::{SeedAccount, SeedAuthor, StoreError};
use social_api::{AuthorKind, Consumer, Profile, Source};
use sqlx::{Postgres, Transaction};
use std::collections::HashMap;

/// Writes one account; false when its slug exists already (then it is only topped up).
pub(super) async fn seed_account(
    tx: &mut Transaction<'_, Postgres>,
    account: &SeedAccount,
) -> Result<bool, StoreError> {
    let created: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO accounts (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING
         RETURNING id",
    )
    .bind(account.slug)
    .bind(account.name)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((account_id,)) = created else {
        top_up(tx, account).await?;
        return Ok(false);
    };
    set_routing(tx, account_id, &account.routing).await?;

    let mut channels = HashMap::new();
    for channel in &account.channels {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO brand_channels (account_id, source, platform_id, name, handle)
             VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
        )
        .bind(account_id)
        .bind(name(&channel.source))
        .bind(&channel.brand.platform_id)
        .bind(&channel.brand.name)
        .bind(&channel.brand.handle)
        .fetch_one(&mut **tx)
        .await?;
        channels.insert(
            channel.key,
            (id, channel.source, channel.brand.platform_id.as_str()),
        );
    }

    let mut agents = HashMap::new();
    for agent in &account.agents {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agents (account_id, name, kind, role, email, password_hash, demo_seeded)
             VALUES ($1, $2, $3, $4, $5, $6, TRUE)
         RETURNING id",
        )
        .bind(account_id)
        .bind(agent.name)
        .bind(name(&agent.kind))
        .bind(name(&agent.role))
        .bind(&agent.email)
        .bind(&agent.password_hash)
        .fetch_one(&mut **tx)
        .await?;
        agents.insert(agent.key, (id, agent.name));
    }
    let agent = |key: &str| {
        agents
            .get(key)
            .copied()
            .ok_or(StoreError::Corrupt("seed: unknown agent key"))
    };

    for conversation in &account.conversations {
        let (channel_id, source, brand) = channels
            .get(conversation.channel)
            .copied()
            .ok_or(StoreError::Corrupt("seed: unknown channel key"))?;
        let route = conversation.route(&account.routing, source, brand);
        let consumer_id = seed_consumer(tx, account_id, source, &conversation.consumer).await?;
        let assigned = conversation
            .assigned_to
            .map(|key| agent(key).map(|(id, _)| id))
            .transpose()?;
        let post = conversation.post.as_ref();
        let conversation_id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (account_id, brand_channel_id, consumer_id,
                assigned_agent_id, post_platform_id, post_text, post_author, post_posted_at,
                post_attachment_url, post_permalink, post_liked_by_brand, post_by_brand,
                skill, engagement)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING id",
        )
        .bind(account_id)
        .bind(channel_id)
        .bind(consumer_id)
        .bind(assigned)
        .bind(post.map(|p| &p.platform_id))
        .bind(post.map(|p| &p.text))
        .bind(post.map(|p| &p.author))
        .bind(post.map(|p| p.posted_at.0))
        .bind(post.and_then(|p| p.attachment_url.as_ref()))
        .bind(post.map(|p| &p.permalink))
        .bind(post.is_some_and(|p| p.liked_by_brand))
        .bind(post.is_some_and(|p| p.by_brand))
        .bind(&route.skill)
        .bind(&route.engagement)
        .fetch_one(&mut **tx)
        .await?;
        for (workspace, workspace_id) in &conversation.workspace_ids {
            sqlx::query(
                "INSERT INTO workspace_conversations
                    (account_id, workspace, workspace_id, conversation_id)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(account_id)
            .bind(name(workspace))
            .bind(workspace_id)
            .bind(conversation_id)
            .execute(&mut **tx)
            .await?;
        }

        let mut ids: Vec<i64> = Vec::with_capacity(conversation.messages.len());
        for message in &conversation.messages {
            let (kind, agent_id, author_name) = match &message.author {
                SeedAuthor::Consumer => (AuthorKind::Consumer, None, None),
                SeedAuthor::Agent(key) => {
                    let (id, name) = agent(key)?;
                    (AuthorKind::Agent, Some(id), Some(name))
                }
                SeedAuthor::Bot(key) => {
                    let (id, name) = agent(key)?;
                    (AuthorKind::Bot, Some(id), Some(name))
                }
                SeedAuthor::System => (AuthorKind::System, None, None),
            };
            let reply_to = message
                .reply_to
                .map(|i| {
                    ids.get(i)
                        .copied()
                        .ok_or(StoreError::Corrupt("seed: reply_to"))
                })
                .transpose()?;
            let failure_reason = match &message.delivery {
                social_api::Delivery::Failed { reason } => Some(reason.as_str()),
                _ => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO messages (conversation_id, platform_id, author_kind,
                    author_agent_id, author_name, space, text, reply_to, sent_at,
                    liked_by_brand, delivery, failure_reason, private_reply)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             RETURNING id",
            )
            .bind(conversation_id)
            .bind(&message.platform_id)
            .bind(name(&kind))
            .bind(agent_id)
            .bind(author_name)
            .bind(name(&message.space))
            .bind(&message.text)
            .bind(reply_to)
            .bind(message.sent_at.0)
            .bind(message.liked_by_brand)
            .bind(name(&message.delivery.state()))
            .bind(failure_reason)
            .bind(message.private_reply)
            .fetch_one(&mut **tx)
            .await?;
            ids.push(id);
        }
    }
    Ok(true)
}

/// Gives an account seeded by an older version what it lacks: its agents' e-mails,
/// passwords and demo marks (found by name) and its conversations' workspace ids (found by consumer; a
/// demo conversation is the only one of its consumer). What is there stays.
async fn top_up(
    tx: &mut Transaction<'_, Postgres>,
    account: &SeedAccount,
) -> Result<(), StoreError> {
    let (account_id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = $1")
        .bind(account.slug)
        .fetch_one(&mut **tx)
        .await?;
    for agent in &account.agents {
        // An e-mail taken by another agent leaves this one without (SQLite's OR IGNORE).
        sqlx::query(
            "UPDATE agents SET email = $1, password_hash = $2
             WHERE account_id = $3 AND name = $4 AND email IS NULL
               AND NOT EXISTS (SELECT 1 FROM agents taken WHERE taken.email = $1)",
        )
        .bind(&agent.email)
        .bind(&agent.password_hash)
        .bind(account_id)
        .bind(agent.name)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE agents SET demo_seeded = TRUE WHERE account_id = $1 AND name = $2")
            .bind(account_id)
            .bind(agent.name)
            .execute(&mut **tx)
            .await?;
    }
    // Routing came later: an account without it gets the seed's, and its conversations
    // that have no skill get theirs.
    let (rules,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM routing_rules WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    let (default_skill,): (Option<String>,) =
        sqlx::query_as("SELECT default_skill FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    if rules == 0 && default_skill.is_none() {
        set_routing(tx, account_id, &account.routing).await?;
    }
    let channels: HashMap<_, _> = account
        .channels
        .iter()
        .map(|c| (c.key, (c.source, c.brand.platform_id.as_str())))
        .collect();
    for conversation in &account.conversations {
        let (source, brand) = channels
            .get(conversation.channel)
            .ok_or(StoreError::Corrupt("seed: unknown channel key"))?;
        let route = conversation.route(&account.routing, *source, brand);
        sqlx::query(
            "UPDATE conversations SET skill = $1, engagement = $2
             WHERE skill IS NULL AND account_id = $3 AND consumer_id IN
                (SELECT id FROM consumers WHERE account_id = $4 AND source = $5 AND platform_id = $6)",
        )
        .bind(&route.skill)
        .bind(&route.engagement)
        .bind(account_id)
        .bind(account_id)
        .bind(name(source))
        .bind(&conversation.consumer.platform_id)
        .execute(&mut **tx)
        .await?;
        for (workspace, workspace_id) in &conversation.workspace_ids {
            sqlx::query(
                "INSERT INTO workspace_conversations
                    (account_id, workspace, workspace_id, conversation_id)
                 SELECT c.account_id, $1, $2, c.id
                 FROM conversations c JOIN consumers co ON co.id = c.consumer_id
                 WHERE c.account_id = $3 AND co.source = $4 AND co.platform_id = $5
                 ORDER BY c.id LIMIT 1
                 ON CONFLICT DO NOTHING",
            )
            .bind(name(workspace))
            .bind(workspace_id)
            .bind(account_id)
            .bind(name(source))
            .bind(&conversation.consumer.platform_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The consumer's id in this account, inserting it the first time it is seen.
async fn seed_consumer(
    tx: &mut Transaction<'_, Postgres>,
    account_id: i64,
    source: Source,
    consumer: &Consumer,
) -> Result<i64, StoreError> {
    let (profile, withheld) = match &consumer.profile {
        Profile::Available(p) => (Some(p), None),
        Profile::Withheld(reason) => (None, Some(name(reason))),
    };
    let followers = profile
        .and_then(|p| p.follower_count)
        .map(i64::try_from)
        .transpose()
        .map_err(|_| StoreError::Corrupt("seed: follower_count"))?;
    sqlx::query(
        "INSERT INTO consumers (account_id, source, platform_id, display_name, handle,
            picture_url, profile_url, locale, timezone, follower_count, withheld_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (account_id, source, platform_id) DO NOTHING",
    )
    .bind(account_id)
    .bind(name(&source))
    .bind(&consumer.platform_id)
    .bind(profile.map(|p| &p.display_name))
    .bind(profile.and_then(|p| p.handle.as_ref()))
    .bind(profile.and_then(|p| p.picture_url.as_ref()))
    .bind(profile.and_then(|p| p.profile_url.as_ref()))
    .bind(profile.and_then(|p| p.locale.as_ref()))
    .bind(profile.and_then(|p| p.timezone.as_ref()))
    .bind(followers)
    .bind(withheld)
    .execute(&mut **tx)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM consumers WHERE account_id = $1 AND source = $2 AND platform_id = $3",
    )
    .bind(account_id)
    .bind(name(&source))
    .bind(&consumer.platform_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
