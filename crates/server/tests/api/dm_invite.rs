//! "Link to DM": the public invitation and, on Facebook, one private reply per comment.

use crate::helpers::{json, new_key, problem, TestApp};
use crate::messages::denied;
use reqwest::StatusCode;
use social_api::DmInviteSent;
use social_api::{Author, Delivery, Role, Space};
use social_server::platforms::Call;

async fn invited(response: reqwest::Response) -> DmInviteSent {
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await
}

#[tokio::test]
async fn on_x_the_public_reply_carries_the_compose_link_of_the_brand_account() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Mallory").await;
    let last_tweet = app
        .read(&dana, id)
        .await
        .messages
        .last()
        .cloned()
        .expect("messages");

    let sent = invited(app.dm_invite(&dana, id).await).await;

    let link = "https://twitter.com/messages/compose?recipient_id=1500000000000000001";
    assert!(sent.public_reply.text.contains(link));
    assert_eq!(sent.public_reply.space, Space::Public);
    assert_eq!(sent.public_reply.delivery, Delivery::Sent);
    assert_eq!(sent.public_reply.reply_to, Some(last_tweet.id));
    assert_eq!(sent.private_reply, None);
    let calls = app.platform.calls();
    let [Call::ReplyPublic(call)] = calls.as_slice() else {
        panic!("one public reply: {calls:?}");
    };
    assert_eq!(call.target_id, last_tweet.platform_id);
    assert!(call.text.contains(link));
}

#[tokio::test]
async fn on_facebook_the_m_me_link_goes_with_exactly_one_private_reply() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, id).await.messages[4].clone();
    let comment_id = comment.platform_id.clone().expect("on the platform");

    let first = invited(app.dm_invite(&dana, id).await).await;

    assert!(first.public_reply.text.contains("https://m.me/acmeoutdoor"));
    assert_eq!(first.public_reply.reply_to, Some(comment.id));
    let private = first.private_reply.clone().expect("a private reply");
    assert_eq!(private.space, Space::Private);
    assert_eq!(private.reply_to, Some(comment.id));
    assert_eq!(private.delivery, Delivery::Sent);
    assert!(matches!(private.author, Author::Agent { .. }));
    let calls = app.platform.calls();
    let [Call::ReplyPublic(public), Call::PrivateReply(reply)] = calls.as_slice() else {
        panic!("a public and a private reply: {calls:?}");
    };
    assert_eq!(public.target_id.as_deref(), Some(comment_id.as_str()));
    assert_eq!(reply.target_id.as_deref(), Some(comment_id.as_str()));
    assert_eq!(reply.consumer_id, "6234567890123451");
    let stored = app.read(&dana, id).await;
    assert!(stored.messages.contains(&private));

    let second = invited(app.dm_invite(&dana, id).await).await;

    assert_eq!(second.private_reply, None, "one private reply per comment");
    let calls = app.platform.calls();
    assert_eq!(calls.len(), 3);
    assert!(matches!(calls[2], Call::ReplyPublic(_)));
}

#[tokio::test]
async fn no_invitation_once_the_consumer_wrote_privately_or_from_a_bot() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let bot = app.bot_token("demo").await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let maria = app.conversation_id(&dana, "Maria").await;

    let p = denied(app.dm_invite(&dana, kenji).await, "already-in-private").await;
    assert_eq!(
        p.title,
        "The consumer is already in a private conversation."
    );
    app.assign(maria, "Acme Assistant").await;
    denied(app.dm_invite(&bot, maria).await, "bot-in-public").await;
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn the_body_is_empty_or_an_invitation_request() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Mallory").await;
    let path = format!("/api/conversations/{id}/dm-invite");

    for (body, status) in [
        ("{", StatusCode::BAD_REQUEST),
        ("[1]", StatusCode::UNPROCESSABLE_ENTITY),
        (r#"{"replyTo": 1}"#, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        problem(
            app.post_action(&dana, &path, Some(&new_key()), Some(body.into()))
                .await,
            status,
        )
        .await;
    }
    assert!(app.platform.calls().is_empty());
    invited(
        app.post_action(&dana, &path, Some(&new_key()), Some("{}".into()))
            .await,
    )
    .await;
}

#[tokio::test]
async fn the_invitation_goes_out_as_the_agent_edited_it_and_must_keep_its_link() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let first = app.read(&dana, maria).await.messages[0].id;
    let public_text =
        "Maria, let's sort this out in Messenger: https://m.me/acmeoutdoor".to_owned();
    let without_link = social_api::DmInviteRequest {
        reply_to: Some(first),
        public_text: Some("Let's talk in Messenger".into()),
        private_text: None,
    };
    denied(
        app.dm_invite_with(&dana, maria, &without_link).await,
        "invite-without-link",
    )
    .await;
    assert!(app.platform.calls().is_empty());

    let edited = social_api::DmInviteRequest {
        reply_to: Some(first),
        public_text: Some(public_text.clone()),
        private_text: Some("Hi Maria, here we are.".into()),
    };
    let sent = invited(app.dm_invite_with(&dana, maria, &edited).await).await;
    assert_eq!(sent.public_reply.text, public_text);
    assert_eq!(
        sent.public_reply.reply_to,
        Some(first),
        "the chosen comment, not the latest"
    );
    let private = sent.private_reply.expect("a private reply");
    assert_eq!(private.text, "Hi Maria, here we are.");
    assert_eq!(private.reply_to, Some(first));
}
