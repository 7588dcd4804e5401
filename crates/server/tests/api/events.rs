//! The live stream: tickets that open it once, changes as they happen, and the replay a
//! reconnect gets from the event log.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{header, StatusCode};
use social_api::events::{Change, EventTicket};
use social_api::{ConversationId, Delivery, DemoConsumerMessage, Message, Role, Space};

use crate::helpers::{json, problem, text_in, Options, TestApp, HOUR_MS};

/// One server-sent event as the stream wrote it.
#[derive(Debug, Clone, PartialEq)]
struct Sse {
    id: Option<String>,
    event: String,
    data: String,
}

/// An open stream, read event by event.
struct Stream {
    body: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>,
    >,
    buffer: String,
}

impl Stream {
    /// The next event (comments and keep-alives skipped), within two seconds.
    async fn next(&mut self) -> Sse {
        tokio::time::timeout(Duration::from_secs(2), self.next_event())
            .await
            .expect("an event within 2 s")
    }

    /// No event within 300 ms.
    async fn quiet(&mut self) {
        assert!(
            tokio::time::timeout(Duration::from_millis(300), self.next_event())
                .await
                .is_err(),
            "no event expected"
        );
    }

    async fn next_event(&mut self) -> Sse {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Sse {
                    id: None,
                    event: "message".into(),
                    data: String::new(),
                };
                let mut fields = 0;
                for line in block.lines() {
                    if let Some((field, value)) = line.split_once(':') {
                        let value = value.strip_prefix(' ').unwrap_or(value);
                        match field {
                            "id" => event.id = Some(value.into()),
                            "event" => event.event = value.into(),
                            "data" => event.data.push_str(value),
                            _ => continue,
                        }
                        fields += 1;
                    }
                }
                if fields > 0 {
                    return event;
                }
                continue;
            }
            let chunk = self
                .body
                .next()
                .await
                .expect("the stream stays open")
                .expect("bytes");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The body ends within two seconds (what it still sends before is skipped).
    async fn ends(&mut self) {
        let end = async {
            while let Some(chunk) = self.body.next().await {
                chunk.expect("bytes");
            }
        };
        tokio::time::timeout(Duration::from_secs(2), end)
            .await
            .expect("the stream ends within 2 s");
    }

    fn change(event: &Sse) -> Change {
        assert_eq!(event.event, "change");
        serde_json::from_str(&event.data).expect("a change")
    }
}

impl TestApp {
    async fn ticket(&self, token: &str) -> String {
        let response = self
            .client
            .post(format!("{}/api/events/ticket", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::OK);
        json::<EventTicket>(response).await.ticket
    }

    async fn open_stream(
        &self,
        ticket: &str,
        conversation: ConversationId,
        after: Option<i64>,
        last_event_id: Option<&str>,
    ) -> reqwest::Response {
        let mut url = format!(
            "{}/api/conversations/{conversation}/events?ticket={ticket}",
            self.base
        );
        if let Some(after) = after {
            url.push_str(&format!("&after={after}"));
        }
        let mut request = self
            .client
            .get(url)
            .header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        request.send().await.expect("GET")
    }

    async fn stream(
        &self,
        token: &str,
        conversation: ConversationId,
        after: Option<i64>,
        last_event_id: Option<&str>,
    ) -> Stream {
        let ticket = self.ticket(token).await;
        let response = self
            .open_stream(&ticket, conversation, after, last_event_id)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream")
        );
        Stream {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    async fn play_consumer(
        &self,
        token: &str,
        conversation: ConversationId,
        space: Space,
        text: &str,
    ) -> reqwest::Response {
        self.client
            .post(format!(
                "{}/api/demo/conversations/{conversation}/consumer-messages",
                self.base
            ))
            .bearer_auth(token)
            .json(&DemoConsumerMessage {
                text: text.into(),
                space,
            })
            .send()
            .await
            .expect("POST")
    }
}

#[tokio::test]
async fn a_ticket_opens_one_stream_once_and_only_for_a_minute() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;

    let ticket = app.ticket(&dana).await;
    assert_ne!(ticket, dana, "a ticket is not the session token");
    assert_eq!(
        app.open_stream(&ticket, james, None, None).await.status(),
        StatusCode::OK
    );
    problem(
        app.open_stream(&ticket, james, None, None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // The session token in the URL opens nothing.
    problem(
        app.open_stream(&dana, james, None, None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let late = app.ticket(&dana).await;
    app.advance(60_001);
    problem(
        app.open_stream(&late, james, None, None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Another account's conversation is not there.
    let gus = app.token("other", Role::Agent).await;
    let ticket = app.ticket(&gus).await;
    problem(
        app.open_stream(&ticket, james, None, None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_send_shows_on_the_stream_as_pending_then_sent() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let mut stream = app.stream(&dana, james, None, None).await;

    let sent = app
        .send_message(&dana, james, &text_in(Space::Private, "On its way."))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let pending = stream.next().await;
    let Change::Message(first) = Stream::change(&pending) else {
        panic!("a message")
    };
    assert_eq!(
        (first.text.as_str(), &first.delivery),
        ("On its way.", &Delivery::Pending)
    );
    let done = stream.next().await;
    let Change::Message(second) = Stream::change(&done) else {
        panic!("a message")
    };
    assert_eq!((second.id, &second.delivery), (first.id, &Delivery::Sent));
    let (a, b): (i64, i64) = (
        pending.id.expect("an id").parse().expect("a number"),
        done.id.expect("an id").parse().expect("a number"),
    );
    assert!(b > a, "ids grow");

    // Another conversation's changes are not on this stream.
    let maria = app.conversation_id(&dana, "Maria").await;
    app.play_consumer(&dana, maria, Space::Public, "Hello?")
        .await;
    stream.quiet().await;
}

#[tokio::test]
async fn a_consumer_writing_privately_arrives_live() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let mut stream = app.stream(&dana, maria, None, None).await;
    let response = app
        .play_consumer(&dana, maria, Space::Private, "Can we talk in private?")
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Message = json(response).await;
    let Change::Message(live) = Stream::change(&stream.next().await) else {
        panic!("a message")
    };
    assert_eq!(live, stored);
    assert!(live.author.is_consumer());
    assert_eq!(live.space, Space::Private);

    for (space, text) in [(Space::Internal, "note"), (Space::Private, " ")] {
        let refused = app.play_consumer(&dana, maria, space, text).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_reconnect_replays_exactly_what_it_missed() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let mut stream = app.stream(&dana, kenji, None, None).await;
    app.play_consumer(&dana, kenji, Space::Private, "one").await;
    let seen = stream.next().await.id.expect("an id");
    drop(stream);

    app.play_consumer(&dana, kenji, Space::Private, "two").await;
    app.play_consumer(&dana, kenji, Space::Public, "three")
        .await;
    let mut again = app.stream(&dana, kenji, None, Some(&seen)).await;
    let texts: Vec<String> = [again.next().await, again.next().await]
        .iter()
        .map(|e| match Stream::change(e) {
            Change::Message(m) => m.text,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["two", "three"]);
    again.quiet().await;
    // Then live, as before.
    app.play_consumer(&dana, kenji, Space::Private, "four")
        .await;
    assert!(matches!(Stream::change(&again.next().await), Change::Message(m) if m.text == "four"));
}

#[tokio::test]
async fn a_stream_opened_after_a_reading_replays_what_came_between() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let read = app.read(&dana, kenji).await;
    app.play_consumer(
        &dana,
        kenji,
        Space::Private,
        "written while the widget opened",
    )
    .await;
    let mut stream = app
        .stream(&dana, kenji, Some(read.event_cursor), None)
        .await;
    assert!(matches!(
        Stream::change(&stream.next().await),
        Change::Message(m) if m.text == "written while the widget opened"
    ));
    let reread = app.read(&dana, kenji).await;
    assert!(reread.event_cursor > read.event_cursor);
}

#[tokio::test]
async fn an_id_the_log_never_gave_asks_the_widget_to_read_again() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    for bad in ["999999999", "not-an-id", "-4"] {
        let mut stream = app.stream(&dana, kenji, None, Some(bad)).await;
        let first = stream.next().await;
        assert_eq!(first.event, "reset", "{bad}");
    }
}

#[tokio::test]
async fn likes_show_on_the_stream_of_their_conversation() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let first = app.read(&dana, mallory).await.messages[0].id;
    let mut stream = app.stream(&dana, mallory, None, None).await;
    assert_eq!(app.like(&dana, first).await.status(), StatusCode::OK);
    assert!(
        matches!(Stream::change(&stream.next().await), Change::Message(m) if m.id == first && m.liked_by_brand)
    );
    assert_eq!(app.like_post(&dana, mallory).await.status(), StatusCode::OK);
    assert!(matches!(Stream::change(&stream.next().await), Change::Post(p) if p.liked_by_brand));
}

#[tokio::test]
async fn stopping_the_server_ends_open_streams() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let mut stream = app.stream(&dana, james, Some(0), None).await;
    stream.quiet().await;

    app.state.events.stop();
    let end = tokio::time::timeout(Duration::from_secs(2), stream.body.next())
        .await
        .expect("the stream ends within 2 s, so a graceful shutdown does not wait on it");
    assert!(
        end.is_none(),
        "the body ended rather than sent more: {end:?}"
    );
}

#[tokio::test]
async fn signing_out_ends_the_sessions_open_streams_and_no_other() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let other_tab = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let mut signed_out = app.stream(&dana, james, None, None).await;
    let mut going_on = app.stream(&other_tab, james, None, None).await;
    signed_out.quiet().await;

    assert_eq!(app.logout(&dana).await.status(), StatusCode::NO_CONTENT);

    // At once: the periodic check (a minute here) is not what ends it.
    signed_out.ends().await;
    app.play_consumer(&other_tab, james, Space::Private, "still here?")
        .await;
    assert!(matches!(
        Stream::change(&going_on.next().await),
        Change::Message(m) if m.text == "still here?"
    ));
}

/// A server whose streams check their session every 100 ms, as the test moves its clock.
async fn checking_often() -> TestApp {
    TestApp::spawn_with(Options {
        session_recheck: Some(Duration::from_millis(100)),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_stream_ends_once_its_session_has_gone_unused_for_the_idle_time() {
    let app = checking_often().await;
    let unused = app.token("demo", Role::Agent).await;
    let used = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&unused, "James").await;
    let mut ending = app.stream(&unused, james, None, None).await;
    let mut going_on = app.stream(&used, james, None, None).await;

    app.advance(7 * HOUR_MS);
    assert_eq!(app.me(Some(&used)).await.status(), StatusCode::OK);
    app.advance(HOUR_MS - 1);
    ending.quiet().await;
    app.advance(1);

    ending.ends().await;
    app.play_consumer(&used, james, Space::Private, "hello")
        .await;
    assert!(
        matches!(Stream::change(&going_on.next().await), Change::Message(m) if m.text == "hello")
    );
}

#[tokio::test]
async fn a_stream_ends_once_its_session_is_past_its_cap_however_busy() {
    let app = checking_often().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let mut stream = app.stream(&dana, james, None, None).await;
    for _ in 0..5 {
        app.advance(2 * HOUR_MS);
        assert_eq!(app.me(Some(&dana)).await.status(), StatusCode::OK);
    }
    stream.quiet().await;

    app.advance(2 * HOUR_MS);
    stream.ends().await;
}

#[tokio::test]
async fn a_disconnected_source_arrives_live_in_its_conversations_and_its_return_too() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let admin = app.token("demo", Role::Admin).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let mut on_the_page = app.stream(&dana, maria, None, None).await;
    let mut on_x = app.stream(&dana, kenji, None, None).await;
    let sources: Vec<social_api::admin::SourceView> =
        json(app.get("/api/admin/sources", Some(&admin)).await).await;
    let page = sources
        .iter()
        .find(|s| s.platform == social_api::Source::Facebook)
        .expect("the demo Page");
    let gone = app
        .client
        .delete(format!("{}/api/admin/sources/{}", app.base, page.id.0))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(gone.status(), StatusCode::OK);
    let Change::Brand(brand) = Stream::change(&on_the_page.next().await) else {
        panic!("the brand channel")
    };
    assert!(brand.disconnected);
    assert_eq!(brand.platform_id, page.platform_id);
    on_x.quiet().await;

    let back = app
        .client
        .post(format!("{}/api/admin/sources", app.base))
        .bearer_auth(&admin)
        .json(&serde_json::json!({
            "platform": "facebook", "platform_id": page.platform_id, "name": "Acme Outdoor EU"
        }))
        .send()
        .await
        .expect("POST");
    assert_eq!(back.status(), StatusCode::CREATED);
    let Change::Brand(brand) = Stream::change(&on_the_page.next().await) else {
        panic!("the brand channel")
    };
    assert!(!brand.disconnected);
    assert_eq!(brand.name, "Acme Outdoor EU");
    // A stream opened later replays it from the log.
    let read = app.read(&dana, maria).await;
    assert_eq!(read.brand, brand);
}
