//! Auth, error envelopes, hostile input, CORS, the demo seed, contacts, conversations and
//! groups.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::*;
use protocol_server::seed;
use serde_json::json;

#[tokio::test]
async fn auth_is_required_and_basic_is_refused() {
    let h = Harness::demo();
    let uri = "/v1/messages";
    let none = h
        .call(Method::GET, uri, None, &[], None, Body::empty())
        .await;
    none.assert_error(401, "authentication_error");
    let unknown = h.get(uri, "not-a-token").await;
    unknown.assert_error(401, "authentication_error");
    let basic = h
        .call(
            Method::GET,
            uri,
            None,
            &[("authorization", "Basic ZGVtby1rZXZpbjo=")],
            None,
            Body::empty(),
        )
        .await;
    basic.assert_error(401, "authentication_error");
    let empty = h
        .call(
            Method::GET,
            uri,
            None,
            &[("authorization", "Bearer ")],
            None,
            Body::empty(),
        )
        .await;
    empty.assert_error(401, "authentication_error");
    assert_eq!(h.get(uri, KEVIN).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let h = Harness::demo();
    h.get("/v1/nothing/here", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get("/nothing", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    let patch = h
        .call(
            Method::PATCH,
            "/v1/messages",
            Some(KEVIN),
            &[],
            None,
            Body::empty(),
        )
        .await;
    patch.assert_error(405, "invalid_request");
    let post = h
        .call(
            Method::POST,
            "/v1/conversations",
            Some(KEVIN),
            &[],
            None,
            Body::empty(),
        )
        .await;
    post.assert_error(405, "invalid_request");
    h.get("/files/zzzzzzzzzzzzzzzz/x.png", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get("/files/%2e%2e/etc", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get("/v1/messages/%FF%FE", KEVIN)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn hostile_inputs_never_cause_a_server_error() {
    let h = Harness::demo();
    let long_id = "a".repeat(5000);
    let paths = [
        "/v1/messages".to_owned(),
        "/v1/messages/SIuAFUNKdSYHZF2w".to_owned(),
        format!("/v1/messages/{long_id}"),
        "/v1/messages/%00%01".to_owned(),
        "/v1/attachments".to_owned(),
        "/v1/conversations".to_owned(),
        "/v1/contacts/me".to_owned(),
        "/v1/groups/%F0%9F%98%80".to_owned(),
    ];
    let bodies: Vec<(Option<&str>, Vec<u8>)> = vec![
        (Some("application/json"), b"{".to_vec()),
        (Some("application/json"), b"[]".to_vec()),
        (Some("application/json"), b"null".to_vec()),
        (Some("application/json"), b"\"text\"".to_vec()),
        (
            Some("application/json"),
            br#"{"conversation_id": 5, "message": []}"#.to_vec(),
        ),
        (
            Some("application/json"),
            br#"{"message": {"a": 1}, "reactions": 7}"#.to_vec(),
        ),
        (
            Some("application/json"),
            br#"{"reactions": {"BAD NAME": ["x"]}}"#.to_vec(),
        ),
        (
            Some("application/json"),
            br#"{"read_at": "yesterday"}"#.to_vec(),
        ),
        (
            Some("application/json"),
            "{\"message\": \"\u{202e}\u{0}\u{fffd}\"}"
                .as_bytes()
                .to_vec(),
        ),
        (Some("application/json"), vec![0xff, 0xfe, 0x00, 0x7b]),
        (
            Some("application/x-www-form-urlencoded"),
            b"a[b]=1&a[]=2".to_vec(),
        ),
        (
            Some("application/x-www-form-urlencoded"),
            b"reactions[x][][y]=1".to_vec(),
        ),
        (
            Some("application/x-www-form-urlencoded"),
            b"%%%%=%%&&&=".to_vec(),
        ),
        (
            Some("application/x-www-form-urlencoded"),
            vec![0xc3, 0x28, b'=', 0xff],
        ),
        (Some("text/plain"), b"hello".to_vec()),
        (
            Some("multipart/form-data; boundary=x"),
            b"--x\r\nbroken".to_vec(),
        ),
        (None, b"\x00\x01\x02binary".to_vec()),
    ];
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            for (content_type, body) in &bodies {
                let reply = h
                    .call(
                        method.clone(),
                        path,
                        Some(FRANK),
                        &[],
                        *content_type,
                        body.clone(),
                    )
                    .await;
                assert!(
                    reply.status.as_u16() < 500,
                    "{method} {path} {content_type:?} gave {}",
                    reply.status
                );
                assert!(
                    reply.header("content-type").starts_with("application/json"),
                    "{method} {path} answered {}",
                    reply.header("content-type")
                );
                let text = String::from_utf8_lossy(&reply.body).to_lowercase();
                assert!(
                    !text.contains("sqlite") && !text.contains("select "),
                    "{text}"
                );
            }
        }
    }
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let h = Harness::demo();
    let text = "x".repeat(1024 * 1024 + 10);
    let reply = h
        .json(
            Method::POST,
            "/v1/messages",
            KEVIN,
            json!({ "conversation_id": MAIN, "message": text }),
        )
        .await;
    reply.assert_error(413, "invalid_request");
}

#[tokio::test]
async fn cors_preflight_allows_the_api_headers() {
    let h = Harness::demo();
    let reply = h
        .call(
            Method::OPTIONS,
            "/v1/messages",
            None,
            &[
                ("origin", "https://example.com"),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,idempotency-key,if-match,last-event-id",
                ),
            ],
            None,
            Body::empty(),
        )
        .await;
    assert!(reply.status.is_success());
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let allowed = reply.header("access-control-allow-headers").to_lowercase();
    for name in [
        "authorization",
        "content-type",
        "idempotency-key",
        "if-match",
        "last-event-id",
    ] {
        assert!(allowed.contains(name), "{allowed}");
    }
    let get = h
        .call(
            Method::GET,
            "/v1/messages/SIuAFUNKdSYHZF2w",
            Some(KEVIN),
            &[("origin", "https://example.com")],
            None,
            Body::empty(),
        )
        .await;
    assert!(get
        .header("access-control-expose-headers")
        .to_lowercase()
        .contains("etag"));
}

#[tokio::test]
async fn demo_seed_matches_api_md() {
    let h = Harness::demo();
    for (token, id, username) in [
        (KEVIN, seed::KEVIN, "KevinMcCallister"),
        (FRANK, seed::FRANK, "FrankMcCallister"),
        (KATE, seed::KATE, "KateMcCallister"),
        (LINNIE, seed::LINNIE, "LinnieMcCallister"),
    ] {
        let me = h.get("/v1/contacts/me", token).await;
        assert_eq!(me.json["id"], id);
        assert_eq!(me.json["username"], username);
    }
    let docs = h.get("/v1/messages/SIuAFUNKdSYHZF2w", KEVIN).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert_eq!(
        docs.json["message"],
        "It\u{2019}s a nice night for a neck injury."
    );
    assert_eq!(docs.json["conversation_id"], MAIN);
    assert_eq!(docs.json["contact"]["username"], "KevinMcCallister");

    // Walk the whole main conversation: at least 500 messages over at least five days.
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let reply = h
            .get(
                &format!("/v1/messages?conversation_id={MAIN}&limit=100{cursor}"),
                KEVIN,
            )
            .await;
        let page = reply.json["data"].as_array().cloned().unwrap_or_default();
        all.extend(page);
        if !reply.json["has_more"].as_bool().unwrap_or(false) {
            break;
        }
        cursor = format!(
            "&starting_after={}",
            all.last().unwrap()["id"].as_str().unwrap()
        );
    }
    assert_eq!(all.len(), seed::MAIN_MESSAGES);
    assert!(all.len() >= 500);
    let newest = all[0]["created_at"].as_i64().unwrap();
    let oldest = all.last().unwrap()["created_at"].as_i64().unwrap();
    assert!(newest - oldest >= 5 * 86_400);
    let now = protocol_server::ids::now();
    assert!(now - newest < 3600 && now > newest);
    assert!(all
        .iter()
        .any(|m| m["message"].as_str().unwrap().contains('\n')));
    assert!(all
        .iter()
        .any(|m| m["message"].as_str().unwrap().contains("https://")));
    assert!(
        all.iter()
            .filter(|m| !m["reactions"].as_array().unwrap().is_empty())
            .count()
            > 20
    );
    let files: Vec<&serde_json::Value> = all
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap().iter())
        .collect();
    let types: Vec<&str> = files
        .iter()
        .map(|f| f["file_type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"image/png") && types.contains(&"application/pdf"));
    for file in files {
        let url = file["file_url"].as_str().unwrap();
        let served = h.get(url, KEVIN).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(
            served.body.len() as u64,
            file["file_size"].as_u64().unwrap()
        );
        let magic: &[u8] = if file["file_type"] == "image/png" {
            b"\x89PNG"
        } else {
            b"%PDF"
        };
        assert!(served.body.starts_with(magic));
    }

    let group = h
        .get(&format!("/v1/groups/{}", seed::FAMILY_GROUP), LINNIE)
        .await;
    assert_eq!(group.json["name"], "McCallister Family");
    assert_eq!(group.json["contacts"].as_array().unwrap().len(), 4);
    let family = h
        .get(
            &format!(
                "/v1/messages?conversation_id={}&limit=100",
                seed::FAMILY_CONVERSATION
            ),
            KATE,
        )
        .await;
    assert_eq!(
        family.json["data"].as_array().unwrap().len(),
        seed::FAMILY_MESSAGES
    );
    // Seeding again changes nothing.
    assert!(!seed::demo(&h.state).unwrap());
}

#[tokio::test]
async fn conversations_contacts_and_groups_are_scoped_to_the_caller() {
    let h = Harness::demo();
    let list = h.get("/v1/conversations?limit=100", KEVIN).await;
    let ids = list.ids();
    assert_eq!(ids.len(), 4);
    for id in [
        MAIN,
        seed::KEVIN_KATE,
        seed::KEVIN_LINNIE,
        seed::FAMILY_CONVERSATION,
    ] {
        assert!(ids.contains(&id.to_owned()), "{ids:?}");
    }
    let main = h.get(&format!("/v1/conversations/{MAIN}"), KEVIN).await;
    assert_eq!(main.json["contact_id"], seed::FRANK);
    assert_eq!(main.json["group_id"], serde_json::Value::Null);
    h.get(&format!("/v1/conversations/{}", seed::FRANK_KATE), KEVIN)
        .await
        .assert_error(404, "not_found_error");
    let groups = h
        .get(
            &format!("/v1/conversations?group_id={}", seed::FAMILY_GROUP),
            KEVIN,
        )
        .await;
    assert_eq!(groups.ids(), vec![seed::FAMILY_CONVERSATION.to_owned()]);
    assert_eq!(
        h.get("/v1/conversations?pinned=true", KEVIN)
            .await
            .ids()
            .len(),
        0
    );
    assert_eq!(
        h.get("/v1/conversations?archived=false", KEVIN)
            .await
            .ids()
            .len(),
        4
    );
    h.get("/v1/conversations?muted=maybe", KEVIN)
        .await
        .assert_error(400, "invalid_request");

    let paged = h.get("/v1/conversations?limit=3", KEVIN).await;
    assert!(paged.json["has_more"].as_bool().unwrap());
    let rest = h
        .get(
            &format!(
                "/v1/conversations?limit=3&starting_after={}",
                paged.ids()[2]
            ),
            KEVIN,
        )
        .await;
    assert_eq!(rest.ids().len(), 1);
    assert!(!rest.json["has_more"].as_bool().unwrap());

    let contacts = h.get("/v1/contacts", LINNIE).await;
    let names: Vec<&str> = contacts.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let kevin = h
        .get(&format!("/v1/contacts/{}", seed::KEVIN), LINNIE)
        .await;
    assert_eq!(kevin.json["display_name"], "Kevin McCallister");
    assert_eq!(kevin.json["conversation_id"], seed::KEVIN_LINNIE);
    let frank = h
        .get(&format!("/v1/contacts/{}", seed::FRANK), LINNIE)
        .await;
    assert_eq!(frank.json["conversation_id"], serde_json::Value::Null);
    h.get("/v1/contacts/nobodyNobody0000", LINNIE)
        .await
        .assert_error(404, "not_found_error");
    h.get(&format!("/v1/groups/{}", "nope"), KEVIN)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn static_app_is_served_without_shadowing_the_api() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>Protocol Chat</h1>").unwrap();
    std::fs::write(site.path().join("app.js"), "console.log(1)").unwrap();
    let settings = protocol_server::Settings {
        static_dir: Some(site.path().to_owned()),
        ..Default::default()
    };
    let h = Harness::with(settings, protocol_server::faults::FaultSettings::default());
    let index = h.get("/", KEVIN).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(&index.body[..], b"<h1>Protocol Chat</h1>");
    assert!(index.header("content-type").starts_with("text/html"));
    assert_eq!(h.get("/app.js", KEVIN).await.status, StatusCode::OK);
    h.get("/v1/unknown", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get("/v1", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    h.get("/files/abcdefabcdefabcd/x.png", KEVIN)
        .await
        .assert_error(404, "not_found_error");
    let anonymous = h
        .call(Method::GET, "/v1/messages", None, &[], None, Body::empty())
        .await;
    anonymous.assert_error(401, "authentication_error");
}

#[tokio::test]
async fn static_files_go_out_precompressed_to_browsers_that_accept_it() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>Protocol Chat</h1>").unwrap();
    std::fs::write(site.path().join("app.js"), "console.log(1)").unwrap();
    std::fs::write(site.path().join("app.js.gz"), b"gzip copy").unwrap();
    std::fs::write(site.path().join("app.js.br"), b"brotli copy").unwrap();
    let settings = protocol_server::Settings {
        static_dir: Some(site.path().to_owned()),
        ..Default::default()
    };
    let h = Harness::with(settings, protocol_server::faults::FaultSettings::default());
    let fetch = |path: &'static str, encoding: &'static str| {
        let h = &h;
        async move {
            h.call(
                Method::GET,
                path,
                None,
                &[("accept-encoding", encoding)],
                None,
                Body::empty(),
            )
            .await
        }
    };
    let brotli = fetch("/app.js", "gzip, deflate, br").await;
    assert_eq!(brotli.status, StatusCode::OK);
    assert_eq!(brotli.header("content-encoding"), "br");
    assert_eq!(&brotli.body[..], b"brotli copy");
    assert!(brotli.header("content-type").contains("javascript"));
    assert!(!brotli.header("content-security-policy").is_empty());
    let gzip = fetch("/app.js", "gzip").await;
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert_eq!(&gzip.body[..], b"gzip copy");
    let plain = fetch("/app.js", "identity").await;
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(&plain.body[..], b"console.log(1)");
    // No copy beside it: the file as it is, whatever the browser accepts.
    let index = fetch("/", "gzip, br").await;
    assert_eq!(index.header("content-encoding"), "");
    assert_eq!(&index.body[..], b"<h1>Protocol Chat</h1>");
}

#[tokio::test]
async fn token_command_creates_a_contact_with_conversations() {
    use protocol_server::cli::{create_token, TokenArgs};
    let h = Harness::demo();
    let args = |username: &str, with: &[&str]| TokenArgs {
        db: h.dir.path().join("data/protocol.db"),
        username: username.to_owned(),
        display_name: Some("Buzz McCallister".to_owned()),
        with: with.iter().map(|w| (*w).to_owned()).collect(),
    };
    let token = create_token(&args("BuzzMcCallister", &["KevinMcCallister"])).unwrap();
    assert!(token.len() >= 32);
    let me = h.get("/v1/contacts/me", &token).await;
    assert_eq!(me.json["username"], "BuzzMcCallister");
    assert_eq!(me.json["display_name"], "Buzz McCallister");
    let conversations = h.get("/v1/conversations", &token).await;
    assert_eq!(conversations.ids().len(), 1);
    assert_eq!(conversations.json["data"][0]["contact_id"], seed::KEVIN);
    let id = conversations.ids()[0].clone();
    h.post_message(&token, &id, "hi Kevin").await;
    assert_eq!(
        h.get(&format!("/v1/messages?conversation_id={id}"), KEVIN)
            .await
            .json["data"][0]["message"],
        "hi Kevin"
    );
    assert!(create_token(&args("BuzzMcCallister", &[])).is_err());
    assert!(create_token(&args("Fuller", &["NoSuchPerson"])).is_err());
    h.get("/v1/contacts/me", "demo-fuller")
        .await
        .assert_error(401, "authentication_error");
}
