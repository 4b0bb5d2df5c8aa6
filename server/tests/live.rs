//! Real sockets: SSE with Last-Event-ID resume, fault injection, `/_test/faults`.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::*;
use protocol_server::faults::{FaultSettings, Latency};
use protocol_server::{app, seed, CorsOrigins, Settings};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tower::ServiceExt;

async fn serve(h: &Harness) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app(h.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    addr
}

/// Opens an SSE stream and returns a reader positioned after the response head.
async fn open_events(
    addr: SocketAddr,
    path: &str,
    headers: &str,
) -> (String, BufReader<TcpStream>) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        head.push_str(&line);
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    (head, reader)
}

/// Reads SSE events (id, data) until `count` arrived.
async fn next_events(reader: &mut BufReader<TcpStream>, count: usize) -> Vec<(String, Value)> {
    let mut events = Vec::new();
    let mut id = String::new();
    let read = async {
        while events.len() < count {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            let line = line.trim_end();
            if let Some(value) = line.strip_prefix("id:") {
                id = value.trim().to_owned();
            } else if let Some(data) = line.strip_prefix("data:") {
                events.push((id.clone(), serde_json::from_str(data.trim()).unwrap()));
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap();
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stream_live_and_resume_after_last_event_id() {
    let h = Harness::demo();
    let addr = serve(&h).await;
    let (head, mut frank) = open_events(
        addr,
        &format!("/v1/events?conversation_id={MAIN}"),
        "Authorization: Bearer demo-frank\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head
        .to_lowercase()
        .contains("content-type: text/event-stream"));
    tokio::time::sleep(Duration::from_millis(100)).await;

    let first = h.post_message(KEVIN, MAIN, "first live").await;
    h.post_message(KATE, seed::FRANK_KATE, "elsewhere").await;
    let uri = format!("/v1/messages/{}", first["id"].as_str().unwrap());
    h.form(
        Method::PUT,
        &uri,
        FRANK,
        "reactions[joy][]=FrankMcCallister",
    )
    .await;
    h.call(Method::DELETE, &uri, Some(KEVIN), &[], None, Body::empty())
        .await;
    let events = next_events(&mut frank, 3).await;
    let kinds: Vec<&str> = events
        .iter()
        .map(|(_, e)| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["message.created", "message.updated", "message.deleted"]
    );
    for (id, event) in &events {
        assert_eq!(event["id"].as_str().unwrap(), id);
        assert_eq!(event["payload"]["id"], first["id"]);
    }
    assert_eq!(
        events[1].1["payload"]["reactions"],
        json!([{ "joy": ["FrankMcCallister"] }])
    );
    let created_id = events[0].0.clone();

    // Kate never sees Kevin and Frank's conversation; she sees her own.
    let (_, mut kate) = open_events(
        addr,
        "/v1/events?access_token=demo-kate&last_event_id=0",
        "",
    )
    .await;
    let kate_events = next_events(&mut kate, 1).await;
    assert_eq!(kate_events[0].1["payload"]["message"], "elsewhere");

    // Resume after the first event: replay of the rest, then live ones, no duplicates.
    let (_, mut resumed) = open_events(
        addr,
        "/v1/events",
        &format!("Authorization: Bearer demo-kevin\r\nLast-Event-ID: {created_id}\r\n"),
    )
    .await;
    let live = h.post_message(FRANK, MAIN, "after resume").await;
    let replayed = next_events(&mut resumed, 3).await;
    let kinds: Vec<&str> = replayed
        .iter()
        .map(|(_, e)| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["message.updated", "message.deleted", "message.created"]
    );
    assert_eq!(replayed[2].1["payload"]["id"], live["id"]);
    let ids: Vec<i64> = replayed.iter().map(|(id, _)| id.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    // The query parameter works as the header does.
    let (_, mut by_query) = open_events(
        addr,
        &format!("/v1/events?access_token=demo-kevin&last_event_id={created_id}"),
        "",
    )
    .await;
    assert_eq!(next_events(&mut by_query, 3).await, replayed);
}

#[tokio::test]
async fn events_require_auth_and_membership() {
    let h = Harness::demo();
    h.get("/v1/events?access_token=nope", "")
        .await
        .assert_error(401, "authentication_error");
    h.get(
        &format!("/v1/events?conversation_id={}", seed::FRANK_KATE),
        KEVIN,
    )
    .await
    .assert_error(404, "not_found_error");
    let bad = h.get("/v1/events?last_event_id=abc", KEVIN).await;
    bad.assert_error(400, "invalid_request");
}

#[tokio::test]
async fn fail_rate_one_answers_503_and_writes_nothing() {
    let faults = FaultSettings {
        fail_rate: 1.0,
        ..FaultSettings::default()
    };
    let h = Harness::with(Settings::default(), faults);
    let reply = h
        .json(
            Method::POST,
            "/v1/messages",
            KEVIN,
            json!({ "conversation_id": MAIN, "message": "never" }),
        )
        .await;
    reply.assert_error(503, "api_error");
    h.get("/v1/messages", KEVIN)
        .await
        .assert_error(503, "api_error");
    h.state
        .faults
        .apply(protocol_server::faults::FaultChange {
            fail_rate: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    let page = h
        .get(
            &format!("/v1/messages?conversation_id={MAIN}&limit=1"),
            KEVIN,
        )
        .await;
    assert_ne!(page.json["data"][0]["message"], "never");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_after_commit_drops_the_connection_but_keeps_the_write() {
    let faults = FaultSettings {
        fail_after_commit_rate: 1.0,
        ..FaultSettings::default()
    };
    let h = Harness::with(Settings::default(), faults);
    let addr = serve(&h).await;
    let body =
        json!({ "conversation_id": MAIN, "message": "committed but unanswered" }).to_string();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /v1/messages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer demo-kevin\r\n\
         Idempotency-Key: retry-me\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server must close the connection");
    assert!(
        answer.is_empty(),
        "no status line expected, got {:?}",
        String::from_utf8_lossy(&answer)
    );

    // GETs are answered; the write exists.
    let page = h
        .get(
            &format!("/v1/messages?conversation_id={MAIN}&limit=1"),
            KEVIN,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.json["data"][0]["message"], "committed but unanswered");
    // The client's retry with the same key replays it instead of duplicating.
    h.state
        .faults
        .apply(protocol_server::faults::FaultChange {
            fail_after_commit_rate: Some(0.0),
            ..Default::default()
        })
        .unwrap();
    let retry = h
        .call(
            Method::POST,
            "/v1/messages",
            Some(KEVIN),
            &[("idempotency-key", "retry-me")],
            Some("application/json"),
            body,
        )
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.json["id"], page.json["data"][0]["id"]);
    let after = h
        .get(
            &format!("/v1/messages?conversation_id={MAIN}&limit=2"),
            KEVIN,
        )
        .await;
    assert_ne!(after.json["data"][1]["message"], "committed but unanswered");
}

#[tokio::test]
async fn test_control_answers_loopback_only_and_is_never_faulted() {
    let settings = Settings {
        test_control: true,
        cors: CorsOrigins::None,
        ..Settings::default()
    };
    let h = Harness::with(settings, FaultSettings::default());
    let request = |method: Method, body: &str, from: [u8; 4]| {
        let request = Request::builder()
            .method(method)
            .uri("/_test/faults")
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let addr = SocketAddr::from((from, 40000));
        app(h.state.clone())
            .layer(MockConnectInfo(addr))
            .oneshot(request)
    };
    let remote = request(Method::GET, "", [10, 0, 0, 7]).await.unwrap();
    assert_eq!(remote.status(), StatusCode::NOT_FOUND);
    // Without connection info (in-process) it is not loopback either.
    h.get("/_test/faults", KEVIN)
        .await
        .assert_error(404, "not_found_error");

    let local = request(Method::GET, "", [127, 0, 0, 1]).await.unwrap();
    assert_eq!(local.status(), StatusCode::OK);
    let body = r#"{"latency_ms":"0..3","fail_rate":1.0,"fail_after_commit_rate":0.5}"#;
    let changed = request(Method::PUT, body, [127, 0, 0, 1]).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let settings = h.state.faults.get();
    assert_eq!(
        settings.latency_ms,
        Latency {
            min_ms: 0,
            max_ms: 3
        }
    );
    assert_eq!(settings.fail_rate, 1.0);
    // With fail_rate 1 the API fails, /_test/faults does not.
    h.get("/v1/contacts/me", KEVIN)
        .await
        .assert_error(503, "api_error");
    let reset = request(
        Method::PUT,
        r#"{"latency_ms":0,"fail_rate":0,"fail_after_commit_rate":0}"#,
        [127, 0, 0, 1],
    )
    .await
    .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    let body = axum::body::to_bytes(reset.into_body(), 1024).await.unwrap();
    let shown: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        shown,
        json!({ "latency_ms": 0, "fail_rate": 0.0, "fail_after_commit_rate": 0.0 })
    );
    assert_eq!(h.get("/v1/contacts/me", KEVIN).await.status, StatusCode::OK);
    let invalid = request(Method::PUT, r#"{"fail_rate":2}"#, [127, 0, 0, 1])
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let settings = Settings {
        rate_limit_per_minute: 3,
        ..Settings::default()
    };
    let h = Harness::with(settings, FaultSettings::default());
    for _ in 0..3 {
        assert_eq!(h.get("/v1/contacts/me", KEVIN).await.status, StatusCode::OK);
    }
    let limited = h.get("/v1/contacts/me", KEVIN).await;
    limited.assert_error(429, "rate_limit_error");
    let seconds: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&seconds));
    assert_eq!(h.get("/v1/contacts/me", FRANK).await.status, StatusCode::OK);
}
