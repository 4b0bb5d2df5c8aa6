//! Messages: pagination, validation, permissions, updates, reactions, ETags, idempotency.

mod common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::*;
use protocol_server::seed;
use serde_json::{json, Value};

const DOCS: &str = "/v1/messages/SIuAFUNKdSYHZF2w";

fn page_uri(conversation: &str, limit: u32, cursor: &str) -> String {
    format!("/v1/messages?conversation_id={conversation}&limit={limit}{cursor}")
}

#[tokio::test]
async fn limit_and_cursor_parameters_are_checked() {
    let h = Harness::demo();
    assert_eq!(
        h.get(&format!("/v1/messages?conversation_id={MAIN}"), KEVIN)
            .await
            .ids()
            .len(),
        10
    );
    for bad in ["0", "101", "-1", "ten", "1e2", ""] {
        let reply = h
            .get(
                &format!("/v1/messages?conversation_id={MAIN}&limit={bad}"),
                KEVIN,
            )
            .await;
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), "limit");
    }
    assert_eq!(h.get(&page_uri(MAIN, 1, ""), KEVIN).await.ids().len(), 1);
    assert_eq!(
        h.get(&page_uri(MAIN, 100, ""), KEVIN).await.ids().len(),
        100
    );
    let both = h
        .get(
            &page_uri(
                MAIN,
                10,
                "&starting_after=SIuAFUNKdSYHZF2w&ending_before=SIuAFUNKdSYHZF2w",
            ),
            KEVIN,
        )
        .await;
    both.assert_error(400, "invalid_request");
    for param in ["starting_after", "ending_before"] {
        let reply = h
            .get(
                &page_uri(MAIN, 10, &format!("&{param}=unknownUnknown00")),
                KEVIN,
            )
            .await;
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), param);
    }
    // A cursor from another conversation is unknown here.
    let family = h
        .get(&page_uri(seed::FAMILY_CONVERSATION, 1, ""), KEVIN)
        .await
        .ids();
    let reply = h
        .get(
            &page_uri(MAIN, 10, &format!("&starting_after={}", family[0])),
            KEVIN,
        )
        .await;
    assert_eq!(reply.param(), "starting_after");
    // A conversation the caller is not in does not exist for it.
    h.get(&page_uri(seed::FRANK_KATE, 10, ""), KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get(&page_uri("nosuchconversat1", 10, ""), KEVIN)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn the_docs_curl_list_example_works() {
    let h = Harness::demo();
    // curl -G .../v1/messages -d conversation_id=xgQQXg3hrtjh7AvZ -d limit=10
    let reply = h
        .get(
            "/v1/messages?conversation_id=xgQQXg3hrtjh7AvZ&limit=10",
            KEVIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.json["has_more"], true);
    assert_eq!(reply.ids().len(), 10);
    assert!(reply.ids().contains(&"SIuAFUNKdSYHZF2w".to_owned()));
}

#[tokio::test]
async fn paging_walks_a_whole_conversation_both_ways_without_gaps() {
    let h = Harness::demo();
    // 37 new messages sent within the same second or two: ties broken by insertion order.
    let mut sent = Vec::new();
    for i in 0..37 {
        let m = h
            .post_message(KATE, seed::KEVIN_KATE, &format!("tie {i}"))
            .await;
        sent.push(m["id"].as_str().unwrap().to_owned());
    }
    let total = 6 + sent.len();
    let mut older = Vec::new();
    let mut cursor = String::new();
    loop {
        let reply = h.get(&page_uri(seed::KEVIN_KATE, 7, &cursor), KEVIN).await;
        let ids = reply.ids();
        older.extend(ids.clone());
        let more = reply.json["has_more"].as_bool().unwrap();
        assert_eq!(more, older.len() < total, "after {} items", older.len());
        if !more {
            break;
        }
        cursor = format!("&starting_after={}", ids.last().unwrap());
    }
    assert_eq!(older.len(), total);
    assert_eq!(older.iter().collect::<HashSet<_>>().len(), total);
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    assert_eq!(older[..sent.len()], newest_first[..]);

    // Now walk back up from the oldest with ending_before: pages closest to the cursor,
    // each newest first.
    let mut newer: Vec<String> = Vec::new();
    let mut cursor = older.last().unwrap().clone();
    loop {
        let reply = h
            .get(
                &page_uri(seed::KEVIN_KATE, 5, &format!("&ending_before={cursor}")),
                KEVIN,
            )
            .await;
        let ids = reply.ids();
        let position = older.iter().position(|id| *id == cursor).unwrap();
        let expected: Vec<String> = older[position.saturating_sub(5)..position].to_vec();
        assert_eq!(ids, expected);
        let more = reply.json["has_more"].as_bool().unwrap();
        assert_eq!(more, position > 5);
        newer.splice(0..0, ids.clone());
        if !more {
            break;
        }
        cursor = ids[0].clone();
    }
    assert_eq!(newer, older[..total - 1]);
    let top = h
        .get(
            &page_uri(seed::KEVIN_KATE, 5, &format!("&ending_before={}", older[0])),
            KEVIN,
        )
        .await;
    assert_eq!(top.ids().len(), 0);
    assert_eq!(top.json["has_more"], false);
}

#[tokio::test]
async fn list_without_conversation_covers_only_the_callers_conversations() {
    let h = Harness::demo();
    let reply = h.get("/v1/messages?limit=100", LINNIE).await;
    let allowed = [seed::KEVIN_LINNIE, seed::FAMILY_CONVERSATION];
    let data = reply.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 4 + seed::FAMILY_MESSAGES);
    assert!(data
        .iter()
        .all(|m| allowed.contains(&m["conversation_id"].as_str().unwrap())));
    let times: Vec<i64> = data
        .iter()
        .map(|m| m["created_at"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn send_validates_text_and_membership() {
    let h = Harness::demo();
    let post = |body: Value| h.json(Method::POST, "/v1/messages", KEVIN, body);
    for text in ["", "   ", "\n\t "] {
        let reply = post(json!({ "conversation_id": MAIN, "message": text })).await;
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), "message");
    }
    let missing = post(json!({ "message": "hi" })).await;
    missing.assert_error(400, "invalid_request");
    assert_eq!(missing.param(), "conversation_id");
    let at_limit: String = "\u{1f600}".repeat(10_000);
    let reply = post(json!({ "conversation_id": MAIN, "message": at_limit })).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        reply.json["message"].as_str().unwrap().chars().count(),
        10_000
    );
    let over = post(json!({ "conversation_id": MAIN, "message": "é".repeat(10_001) })).await;
    over.assert_error(400, "invalid_request");
    assert_eq!(over.param(), "message");
    post(json!({ "conversation_id": seed::FRANK_KATE, "message": "hi" }))
        .await
        .assert_error(404, "not_found_error");
    let odd = "<script>alert(1)</script> \u{202e}\u{0} \u{1f9d1}\u{200d}\u{1f680}";
    let sent = post(json!({ "conversation_id": MAIN, "message": odd })).await;
    assert_eq!(sent.status, StatusCode::CREATED);
    assert_eq!(sent.json["message"], odd);
    assert_eq!(sent.json["contact"]["id"], seed::KEVIN);
    assert_eq!(sent.json["read_at"], Value::Null);
    assert_eq!(sent.json["edited_at"], Value::Null);
    assert!(sent.header("etag").starts_with('"'));
    let id = sent.json["id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    let fetched = h.get(&format!("/v1/messages/{id}"), FRANK).await;
    assert_eq!(fetched.json, sent.json);
    h.get(&format!("/v1/messages/{id}"), KATE)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn form_encoded_send_works() {
    let h = Harness::demo();
    let reply = h
        .form(
            Method::POST,
            "/v1/messages",
            KEVIN,
            "conversation_id=xgQQXg3hrtjh7AvZ&message=Hello+%E2%9C%93",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json["message"], "Hello \u{2713}");
}

#[tokio::test]
async fn only_the_sender_edits_and_deletes() {
    let h = Harness::demo();
    let edit = json!({ "message": "changed" });
    h.json(Method::PUT, DOCS, FRANK, edit.clone())
        .await
        .assert_error(403, "permission_error");
    h.json(Method::PUT, DOCS, KATE, edit.clone())
        .await
        .assert_error(404, "not_found_error");
    let files = json!({ "attachments": [] });
    h.json(Method::PUT, DOCS, FRANK, files)
        .await
        .assert_error(403, "permission_error");
    let del = h
        .call(Method::DELETE, DOCS, Some(FRANK), &[], None, Body::empty())
        .await;
    del.assert_error(403, "permission_error");
    let del = h
        .call(Method::DELETE, DOCS, Some(KATE), &[], None, Body::empty())
        .await;
    del.assert_error(404, "not_found_error");

    let edited = h.json(Method::PUT, DOCS, KEVIN, edit).await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(edited.json["message"], "changed");
    assert!(edited.json["edited_at"].is_i64());
    assert!(edited.json["updated_at"].is_i64());
    h.json(Method::PUT, DOCS, KEVIN, json!({ "message": "  " }))
        .await
        .assert_error(400, "invalid_request");

    let deleted = h
        .call(Method::DELETE, DOCS, Some(KEVIN), &[], None, Body::empty())
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        deleted.json,
        json!({ "id": "SIuAFUNKdSYHZF2w", "deleted": true })
    );
    let again = h
        .call(Method::DELETE, DOCS, Some(KEVIN), &[], None, Body::empty())
        .await;
    again.assert_error(404, "not_found_error");
    h.get(DOCS, KEVIN)
        .await
        .assert_error(404, "not_found_error");
    let unknown = h
        .call(
            Method::DELETE,
            "/v1/messages/zzzzzzzzzzzzzzzz",
            Some(KEVIN),
            &[],
            None,
            Body::empty(),
        )
        .await;
    unknown.assert_error(404, "not_found_error");
}

#[tokio::test]
async fn etag_changes_on_update_and_if_match_guards_edits() {
    let h = Harness::demo();
    let first = h.get(DOCS, KEVIN).await;
    let tag = first.header("etag").to_owned();
    assert!(!tag.is_empty());
    let edited = h
        .call(
            Method::PUT,
            DOCS,
            Some(KEVIN),
            &[("if-match", &tag)],
            Some("application/json"),
            r#"{"message":"v2"}"#,
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    let new_tag = edited.header("etag").to_owned();
    assert_ne!(new_tag, tag);
    assert_eq!(h.get(DOCS, FRANK).await.header("etag"), new_tag);
    let stale = h
        .call(
            Method::PUT,
            DOCS,
            Some(KEVIN),
            &[("if-match", &tag)],
            Some("application/json"),
            r#"{"message":"v3"}"#,
        )
        .await;
    stale.assert_error(412, "conflict_error");
    assert_eq!(h.get(DOCS, KEVIN).await.json["message"], "v2");
    // Reactions change the ETag too.
    let reacted = h
        .form(
            Method::PUT,
            DOCS,
            FRANK,
            "reactions[heart][]=FrankMcCallister",
        )
        .await;
    assert_ne!(reacted.header("etag"), new_tag);
}

#[tokio::test]
async fn reactions_merge_per_caller() {
    let h = Harness::demo();
    // The docs' form example, names other than the caller's ignored.
    let reply = h
        .form(
            Method::PUT,
            DOCS,
            FRANK,
            "reactions[thumbs_up][]=FrankMcCallister&reactions[thumbs_up][]=KateMcCallister",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reactions = reply.json["reactions"].clone();
    assert_eq!(
        reactions,
        json!([{ "red_angry_face": ["FrankMcCallister"] }, { "thumbs_up": ["FrankMcCallister"] }])
    );
    let tag = reply.header("etag").to_owned();
    // Repeating changes nothing.
    let again = h
        .form(
            Method::PUT,
            DOCS,
            FRANK,
            "reactions[thumbs_up][]=FrankMcCallister",
        )
        .await;
    assert_eq!(again.json["reactions"], reactions);
    assert_eq!(again.header("etag"), tag);
    // Kevin adds his; names not in the map stay; someone else's name in a list is ignored.
    let kevin = h
        .json(Method::PUT, DOCS, KEVIN, json!({ "reactions": { "thumbs_up": ["KevinMcCallister"], "joy": ["FrankMcCallister"] } }))
        .await;
    assert_eq!(
        kevin.json["reactions"],
        json!([{ "red_angry_face": ["FrankMcCallister"] }, { "thumbs_up": ["FrankMcCallister", "KevinMcCallister"] }])
    );
    // Removing: the caller's name absent from the list.
    let removed = h
        .json(
            Method::PUT,
            DOCS,
            FRANK,
            json!({ "reactions": { "red_angry_face": [] } }),
        )
        .await;
    assert_eq!(
        removed.json["reactions"],
        json!([{ "thumbs_up": ["FrankMcCallister", "KevinMcCallister"] }])
    );
    // The docs' array shape is accepted too.
    let array = h
        .json(
            Method::PUT,
            DOCS,
            KEVIN,
            json!({ "reactions": [{ "heart": ["KevinMcCallister"] }] }),
        )
        .await;
    assert_eq!(array.json["reactions"].as_array().unwrap().len(), 2);
    let bad = h
        .json(
            Method::PUT,
            DOCS,
            KEVIN,
            json!({ "reactions": { "Not OK": ["KevinMcCallister"] } }),
        )
        .await;
    bad.assert_error(400, "invalid_request");
    assert_eq!(bad.param(), "reactions");
    h.json(
        Method::PUT,
        DOCS,
        KATE,
        json!({ "reactions": { "joy": ["KateMcCallister"] } }),
    )
    .await
    .assert_error(404, "not_found_error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reactions_never_overwrite_each_other() {
    let h = std::sync::Arc::new(Harness::demo());
    let group = seed::FAMILY_CONVERSATION;
    let message = h.post_message(KATE, group, "react to me").await;
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    let mut tasks = Vec::new();
    for (token, user) in [
        (KEVIN, "KevinMcCallister"),
        (FRANK, "FrankMcCallister"),
        (LINNIE, "LinnieMcCallister"),
        (KATE, "KateMcCallister"),
    ] {
        for name in ["heart", "joy", "thumbs_up"] {
            let (h, uri) = (h.clone(), uri.clone());
            tasks.push(tokio::spawn(async move {
                h.form(
                    Method::PUT,
                    &uri,
                    token,
                    &format!("reactions[{name}][]={user}"),
                )
                .await
                .status
            }));
        }
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let reply = h.get(&uri, KEVIN).await;
    let reactions = reply.json["reactions"].as_array().unwrap();
    assert_eq!(reactions.len(), 3);
    for entry in reactions {
        let users = entry
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_array()
            .unwrap();
        assert_eq!(users.len(), 4, "{entry}");
    }
}

#[tokio::test]
async fn read_at_is_set_once_by_a_recipient() {
    let h = Harness::demo();
    let message = h.post_message(KEVIN, MAIN, "read me").await;
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    h.json(Method::PUT, &uri, KEVIN, json!({ "read_at": 1 }))
        .await
        .assert_error(403, "permission_error");
    let before = protocol_server::ids::now();
    let read = h.form(Method::PUT, &uri, FRANK, "read_at=5").await;
    assert_eq!(read.status, StatusCode::OK);
    let read_at = read.json["read_at"].as_i64().unwrap();
    assert!(read_at >= before, "server clock, not the client's 5");
    assert!(read.json["updated_at"].as_i64().unwrap() >= read_at);
    assert_eq!(read.json["edited_at"], Value::Null);
    let again = h
        .json(
            Method::PUT,
            &uri,
            FRANK,
            json!({ "read_at": 999_999_999_999i64 }),
        )
        .await;
    assert_eq!(again.json["read_at"].as_i64().unwrap(), read_at);
    let null = h
        .json(Method::PUT, &uri, FRANK, json!({ "read_at": null }))
        .await;
    assert_eq!(null.json["read_at"].as_i64().unwrap(), read_at);
}

#[tokio::test]
async fn idempotency_replays_and_rejects_changed_parameters() {
    let h = Harness::demo();
    let send = |key: &'static str, token: &'static str, text: &'static str| {
        let body = json!({ "conversation_id": MAIN, "message": text }).to_string();
        let h = &h;
        async move {
            h.call(
                Method::POST,
                "/v1/messages",
                Some(token),
                &[("idempotency-key", key)],
                Some("application/json"),
                body,
            )
            .await
        }
    };
    let first = send("key-1", KEVIN, "once").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = send("key-1", KEVIN, "once").await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("etag"), first.header("etag"));
    send("key-1", KEVIN, "other text")
        .await
        .assert_error(409, "idempotency_error");
    // Keys are per caller.
    let frank = send("key-1", FRANK, "once").await;
    assert_eq!(frank.status, StatusCode::CREATED);
    assert_ne!(frank.json["id"], first.json["id"]);
    let listed = h.get(&page_uri(MAIN, 5, ""), KEVIN).await;
    assert_eq!(
        listed
            .ids()
            .iter()
            .filter(|id| **id == first.json["id"])
            .count(),
        1
    );
    assert_eq!(
        listed.json["data"][2]["message"],
        "Headed out now, back in twenty minutes."
    );
    let long = "k".repeat(256);
    for bad in ["", long.as_str(), "tab\there"] {
        let body = json!({ "conversation_id": MAIN, "message": "x" }).to_string();
        let reply = h
            .call(
                Method::POST,
                "/v1/messages",
                Some(KEVIN),
                &[("idempotency-key", bad)],
                Some("application/json"),
                body,
            )
            .await;
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), "Idempotency-Key");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_posts_with_one_key_make_one_message() {
    let h = std::sync::Arc::new(Harness::demo());
    let before = h.get(&page_uri(MAIN, 1, ""), KEVIN).await.ids();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({ "conversation_id": MAIN, "message": "exactly once" }).to_string();
            h.call(
                Method::POST,
                "/v1/messages",
                Some(KEVIN),
                &[("idempotency-key", "same-key")],
                Some("application/json"),
                body,
            )
            .await
        }));
    }
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.unwrap());
    }
    for reply in &replies {
        assert_eq!(reply.status, StatusCode::CREATED);
        assert_eq!(reply.body, replies[0].body);
    }
    let page = h.get(&page_uri(MAIN, 3, ""), KEVIN).await;
    assert_eq!(page.ids()[0], replies[0].json["id"].as_str().unwrap());
    assert_eq!(page.ids()[1], before[0]);
}
