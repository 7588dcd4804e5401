//! Every platform fixture through the endpoints, and what the known shapes become.

use super::*;

/// A fixture as the platform would POST it, and the brand channel it belongs to.
struct Delivery {
    name: String,
    source: &'static str,
    brand: Option<String>,
    body: Vec<u8>,
    /// The signature header's value when the fixture comes with its real one.
    signature: Option<String>,
}

/// Meta's fixtures: full bodies as they are; one `messaging[]` or `changes[]` element
/// wrapped in the envelope Meta puts around it (see SOURCES.md), for the Page it names.
fn facebook_deliveries() -> Vec<Delivery> {
    let folder = fixtures("facebook");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the Facebook fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json") && !path.ends_with("vectors.json")
        })
        .collect();
    files.sort();
    let elements: Vec<(PathBuf, Value)> = files
        .iter()
        .map(|path| (path.clone(), json_of(path)))
        .filter(|(_, json)| json.get("entry").is_none())
        .collect();
    // The Pages of the element fixtures: whom consumers write to, who echoes.
    let pages: Vec<String> = elements
        .iter()
        .filter_map(|(_, element)| {
            let message = element.get("message")?;
            let page = if message["is_echo"] == json!(true) {
                &element["sender"]["id"]
            } else {
                &element["recipient"]["id"]
            };
            page.as_str().map(str::to_owned)
        })
        .collect();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let json = json_of(&path);
            if let Some(entries) = json["entry"].as_array() {
                let brand = entries
                    .first()
                    .map(|entry| entry["id"].to_string().replace('"', ""));
                return Delivery {
                    name,
                    source: "facebook",
                    brand,
                    body: bytes_of(&path),
                    signature: None,
                };
            }
            let (page, key) = if json.get("field").is_some() {
                // A feed change: its post id is `{page id}_{post id}`.
                let page = json["value"]["post_id"]
                    .as_str()
                    .and_then(|post| post.split('_').next())
                    .unwrap_or(PAGE)
                    .to_owned();
                (page, "changes")
            } else {
                let ids = [&json["sender"]["id"], &json["recipient"]["id"]];
                let page = ids
                    .iter()
                    .filter_map(|id| id.as_str())
                    .find(|id| pages.iter().any(|page| page == id))
                    .or_else(|| json["recipient"]["id"].as_str())
                    .unwrap_or(PAGE)
                    .to_owned();
                (page, "messaging")
            };
            let time = json["timestamp"].as_i64().unwrap_or(1_700_000_000_000);
            let body =
                json!({"object": "page", "entry": [{"id": page, "time": time, key: [json]}]});
            Delivery {
                name,
                source: "facebook",
                brand: Some(page),
                body: body.to_string().into_bytes(),
                signature: None,
            }
        })
        .collect()
}

/// X's fixtures: every body as it is; the vector bodies with their real signatures.
fn x_deliveries(vectors: &Value) -> Vec<Delivery> {
    let folder = fixtures("x");
    let mut deliveries = Vec::new();
    for vector in vectors["full_payload_signature_vectors"]
        .as_array()
        .expect("vectors")
    {
        let file = text(&vector["body_file"], "body_file");
        let path = folder.join(&file);
        deliveries.push(Delivery {
            name: file,
            source: "x",
            brand: json_of(&path)["for_user_id"].as_str().map(str::to_owned),
            body: bytes_of(&path),
            signature: Some(text(&vector["expected"], "expected")),
        });
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the X fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json") && !path.ends_with("vectors.json")
        })
        .collect();
    files.sort();
    for path in files {
        deliveries.push(Delivery {
            name: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            source: "x",
            brand: json_of(&path)["for_user_id"].as_str().map(str::to_owned),
            body: bytes_of(&path),
            signature: None,
        });
    }
    deliveries
}

/// Rows of what a delivery can change.
async fn footprint(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "webhook_events",
        "consumers",
        "conversations",
        "messages",
        "events",
    ] {
        counts.push((table, app.count(table).await));
    }
    counts
}

#[tokio::test]
async fn every_platform_fixture_is_taken_without_a_5xx_and_replaying_them_changes_nothing() {
    let x_vectors = vectors("x");
    let x_secret = leak(text(
        &x_vectors["full_payload_signature_vectors"][0]["consumer_secret"],
        "consumer_secret",
    ));
    let app = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        x_consumer_secret: Some(x_secret),
        ..Options::default()
    })
    .await;
    let deliveries: Vec<Delivery> = facebook_deliveries()
        .into_iter()
        .chain(x_deliveries(&x_vectors))
        .collect();
    assert!(
        deliveries.len() > 60,
        "every fixture is read: {}",
        deliveries.len()
    );
    for delivery in &deliveries {
        if let Some(brand) = &delivery.brand {
            connect(&app, delivery.source, brand).await;
        }
    }
    let before = footprint(&app).await;
    let send = |delivery: &Delivery| {
        let (path, header, signature) = match delivery.source {
            "facebook" => (
                "/webhooks/facebook",
                META_SIGNATURE,
                meta_signature(FB_SECRET, &delivery.body),
            ),
            _ => (
                "/webhooks/x",
                X_SIGNATURE,
                x_signature(x_secret, &delivery.body),
            ),
        };
        let signature = delivery.signature.clone().unwrap_or(signature);
        post(&app, path, Some((header, signature)), delivery.body.clone())
    };

    for delivery in &deliveries {
        let status = send(delivery).await.status();
        assert_eq!(status, StatusCode::OK, "{}", delivery.name);
    }
    settled(&app).await;
    let once = footprint(&app).await;
    for (table, (_, count)) in ["webhook_events", "consumers", "conversations", "messages"]
        .iter()
        .zip(&once)
    {
        let was = before
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n);
        assert!(
            *count > was,
            "the fixtures added no {table}: {before:?} -> {once:?}"
        );
    }

    for delivery in &deliveries {
        let status = send(delivery).await.status();
        assert_eq!(status, StatusCode::OK, "{} again", delivery.name);
    }
    settled(&app).await;
    assert_eq!(
        footprint(&app).await,
        once,
        "replaying every fixture changed something"
    );
}

/// Every message of every conversation the account's admin can read, with its source.
async fn everything_read(app: &TestApp, token: &str) -> Vec<(Source, Message)> {
    let mut all = Vec::new();
    for summary in app.list(token, Some("all")).await {
        let conversation = app.read(token, summary.id).await;
        all.extend(
            conversation
                .messages
                .into_iter()
                .map(|m| (conversation.source, m)),
        );
    }
    all
}

#[tokio::test]
async fn known_shapes_become_the_messages_agents_read() {
    let app = spawn().await;
    // The fixtures' Pages and X account, connected to the demo brand so its admin reads them.
    for (source, id) in [
        ("facebook", "404217156637689"),
        ("facebook", "137542570280222"),
        ("x", "2975699229"),
    ] {
        connect_to(&app, "demo", source, id).await;
    }
    let facebook = facebook_deliveries();
    for name in [
        "messenger_event_message_text.bottender.json",
        "messenger_event_message_echo_text.bottender.json",
        "feed_change_comment_add.bottender-facebook.json",
    ] {
        let delivery = facebook.iter().find(|d| d.name == name).expect(name);
        assert_eq!(
            post_facebook(&app, FB_SECRET, &delivery.body)
                .await
                .status(),
            StatusCode::OK,
            "{name}"
        );
    }
    let folder = fixtures("x");
    for name in [
        "tweet_create_events_mention.zammad.json",
        "direct_message_events_incoming.zammad.json",
    ] {
        let body = bytes_of(&folder.join(name));
        assert_eq!(
            post_x(&app, X_SECRET, &body).await.status(),
            StatusCode::OK,
            "{name}"
        );
    }
    settled(&app).await;

    let token = app.token("demo", Role::Admin).await;
    let read = everything_read(&app, &token).await;
    let expected = [
        (
            Source::Facebook,
            "Sharp tools make good work.",
            Space::Private,
            "consumer",
        ),
        (
            Source::Facebook,
            "Difficult the first time, easy the second.",
            Space::Private,
            "brand",
        ),
        (Source::Facebook, "Good", Space::Public, "consumer"),
        (
            Source::X,
            "@ScruffyMcG This is a test of Twitter API webhooks.",
            Space::Public,
            "consumer",
        ),
        (Source::X, "Yes, you are!", Space::Private, "consumer"),
    ];
    for (source, text, space, author) in expected {
        let found: Vec<&Message> = read
            .iter()
            .filter(|(s, m)| *s == source && m.text == text)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(found.len(), 1, "{source:?} {text:?} once in {read:#?}");
        let message = found[0];
        assert_eq!(message.space, space, "{text}");
        let by = match message.author {
            Author::Consumer => "consumer",
            Author::Brand { .. } => "brand",
            _ => "someone else",
        };
        assert_eq!(by, author, "{text}");
        assert!(
            message.platform_id.is_some(),
            "{text} keeps its platform id"
        );
    }
}
