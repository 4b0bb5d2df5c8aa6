//! Issue 11: small requests from one token holder neither crash nor stall the server.
//! Every attack runs while another caller keeps sending and reading ([`while_probed`]), and
//! each over-limit request is refused within a second.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::*;
use protocol_server::faults::FaultSettings;
use protocol_server::{app, janitor, seed, CorsOrigins, Settings};
use serde_json::{json, Map, Value};
use tower::ServiceExt;

/// Runs `f` and asserts it answered within [`ANSWER_WITHIN`].
async fn quickly<F: std::future::Future>(f: F) -> F::Output {
    let started = Instant::now();
    let output = tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("no answer within 10 s");
    let took = started.elapsed();
    assert!(took < ANSWER_WITHIN, "the refusal took {took:?}");
    output
}

fn reactions_body(names: impl Iterator<Item = String>, username: &str) -> Value {
    let map: Map<String, Value> = names.map(|name| (name, json!([username]))).collect();
    json!({ "reactions": map })
}

// 1. A form key of 20,000 segments overflowed the stack in `body.rs` and aborted the process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_key_of_20000_segments_is_a_400_not_a_crash() {
    let h = Harness::demo();
    let deep = format!(
        "conversation_id={MAIN}&message=hi&a{}=x",
        "[b]".repeat(20_000)
    );
    let reply = while_probed(
        &h,
        quickly(h.form(Method::POST, "/v1/messages", KEVIN, &deep)),
    )
    .await;
    reply.assert_error(400, "invalid_request");
    assert_eq!(reply.param(), "a");
    assert!(reply.json["message"].as_str().unwrap().contains('8'));
    let with = |segments: usize| {
        format!(
            "conversation_id={MAIN}&message=hi&a{}=x",
            "[b]".repeat(segments)
        )
    };
    // Eight segments are fine (the unknown field is ignored), nine are not.
    let eight = h.form(Method::POST, "/v1/messages", KEVIN, &with(8)).await;
    assert_eq!(eight.status, StatusCode::CREATED, "{}", eight.json);
    h.form(Method::POST, "/v1/messages", KEVIN, &with(9))
        .await
        .assert_error(400, "invalid_request");
}

// 2a. 150,000 attachment ids took ~40 s to refuse, inside the writer transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_with_120000_attachment_ids_is_refused_at_once() {
    let h = Harness::demo();
    let ids: Vec<String> = (0..120_000).map(|n| format!("{n:x}")).collect();
    let body = json!({ "conversation_id": MAIN, "message": "hi", "attachments": ids });
    assert!(body.to_string().len() < 1024 * 1024);
    let reply = while_probed(
        &h,
        quickly(h.json(Method::POST, "/v1/messages", KEVIN, body)),
    )
    .await;
    reply.assert_error(400, "invalid_request");
    assert_eq!(reply.param(), "attachments");
    assert!(reply.json["message"].as_str().unwrap().contains("10"));
    // The form twin and an update are refused the same way.
    let form = format!(
        "conversation_id={MAIN}&message=hi{}",
        (0..11)
            .map(|n| format!("&attachments[]={n}"))
            .collect::<String>()
    );
    let reply = quickly(h.form(Method::POST, "/v1/messages", KEVIN, &form)).await;
    assert_eq!(reply.param(), "attachments");
    let message = h.post_message(KEVIN, MAIN, "mine").await;
    let eleven: Vec<String> = (0..11).map(|n| n.to_string()).collect();
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    let reply = h
        .json(Method::PUT, &uri, KEVIN, json!({ "attachments": eleven }))
        .await;
    reply.assert_error(400, "invalid_request");
    assert_eq!(reply.param(), "attachments");
}

// 2b. Two PUTs of 85,000 reaction names each blocked both workers for 18-28 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_puts_with_80000_reaction_names_are_refused_at_once() {
    let h = Harness::demo();
    let body = || {
        let names: Map<String, Value> = (0..80_000)
            .map(|n| (format!("r{n:x}"), json!([])))
            .collect();
        json!({ "reactions": names })
    };
    assert!(body().to_string().len() < 1024 * 1024);
    let (a, b) = while_probed(&h, async {
        tokio::join!(
            quickly(h.json(Method::PUT, "/v1/messages/NoSuchMessage000", KEVIN, body())),
            quickly(h.json(Method::PUT, "/v1/messages/NoSuchMessage001", FRANK, body())),
        )
    })
    .await;
    for reply in [a, b] {
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), "reactions");
        assert!(reply.json["message"].as_str().unwrap().contains("64"));
    }
}

// 3. Three PUTs put 27,000 names on one message (2 MB, fanned out on every change).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_per_message_and_per_person_are_bounded() {
    let h = Harness::demo();
    let message = h
        .post_message(KEVIN, seed::FAMILY_CONVERSATION, "react away")
        .await;
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    let put = |token: &'static str, username: &'static str, names: Vec<String>| {
        let uri = uri.clone();
        let h = &h;
        async move {
            h.json(
                Method::PUT,
                &uri,
                token,
                reactions_body(names.into_iter(), username),
            )
            .await
        }
    };
    let names = |prefix: &str, range: std::ops::Range<usize>| -> Vec<String> {
        range.map(|n| format!("{prefix}{n}")).collect()
    };
    // The attack: 3 x 9,000 names, each refused at once.
    while_probed(&h, async {
        for round in 0..3 {
            let reply = quickly(put(
                KEVIN,
                "KevinMcCallister",
                names(&format!("x{round}_"), 0..9000),
            ))
            .await;
            reply.assert_error(400, "invalid_request");
            assert_eq!(reply.param(), "reactions");
        }
    })
    .await;
    // 20 per person.
    assert_eq!(
        put(KEVIN, "KevinMcCallister", names("k", 0..20))
            .await
            .status,
        StatusCode::OK
    );
    let over = put(KEVIN, "KevinMcCallister", names("k", 20..21)).await;
    over.assert_error(400, "invalid_request");
    assert!(over.json["message"].as_str().unwrap().contains("20"));
    // 64 names per request, whatever they do.
    put(KEVIN, "KevinMcCallister", names("k", 0..65))
        .await
        .assert_error(400, "invalid_request");
    // 64 distinct names per message: 20 + 20 + 20 + 4.
    assert_eq!(
        put(FRANK, "FrankMcCallister", names("f", 0..20))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        put(KATE, "KateMcCallister", names("t", 0..20)).await.status,
        StatusCode::OK
    );
    let full = put(LINNIE, "LinnieMcCallister", names("l", 0..4)).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.json["reactions"].as_array().unwrap().len(), 64);
    let over = put(LINNIE, "LinnieMcCallister", names("l", 4..5)).await;
    over.assert_error(400, "invalid_request");
    assert!(over.json["message"].as_str().unwrap().contains("64"));
    // Joining a name already there adds no name; freeing one makes room again.
    assert_eq!(
        put(LINNIE, "LinnieMcCallister", names("k", 0..1))
            .await
            .status,
        StatusCode::OK
    );
    let freed = h
        .json(
            Method::PUT,
            &uri,
            KEVIN,
            json!({ "reactions": { "k1": [] } }),
        )
        .await;
    assert_eq!(freed.status, StatusCode::OK);
    assert_eq!(
        put(LINNIE, "LinnieMcCallister", names("l", 4..5))
            .await
            .status,
        StatusCode::OK
    );
}

// 5. Distinct unknown 200 KB tokens were each stored by the rate limiter (~60 MiB for 300).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limiter_counts_unknown_tokens_per_peer_and_stays_small() {
    let settings = Settings {
        rate_limit_per_minute: 400,
        ..Settings::default()
    };
    let h = Harness::with(settings, FaultSettings::default());
    let peer = SocketAddr::from(([10, 1, 2, 3], 5555));
    let router = app(h.state.clone()).layer(MockConnectInfo(peer));
    let call = |token: String| {
        let router = router.clone();
        async move {
            let request = Request::builder()
                .uri("/v1/contacts/me")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            router.oneshot(request).await.unwrap().status()
        }
    };
    let statuses = while_probed(&h, async {
        let long = "x".repeat(200 * 1024);
        for n in 0..300 {
            let status = quickly(call(format!("{n}-{long}"))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let mut statuses = Vec::new();
        for n in 0..500 {
            statuses.push(call(format!("made-up-{n}")).await);
        }
        statuses
    })
    .await;
    // Made-up tokens from one peer share one count: a burst of 400, then 6.7 a second.
    assert!(statuses[..390]
        .iter()
        .all(|s| *s == StatusCode::UNAUTHORIZED));
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        limited >= 50,
        "{limited} of 200 made-up tokens were limited"
    );
    // Known callers have their own counts: Kevin, and Linnie (the probe).
    assert_eq!(h.get("/v1/contacts/me", KEVIN).await.status, StatusCode::OK);
    assert!(
        h.state.limiter.tracked() <= 3,
        "{}",
        h.state.limiter.tracked()
    );
}

// 6. Demo tokens outlived the demo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_tokens_work_only_with_seed_demo() {
    use clap::Parser;
    use protocol_server::cli::{self, create_token, Cli, TokenArgs};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let files = dir.path().join("files");
    let args = |extra: &[&str]| {
        let mut argv = vec![
            "protocol-server".to_owned(),
            "--db".to_owned(),
            db.display().to_string(),
            "--files".to_owned(),
            files.display().to_string(),
        ];
        argv.extend(extra.iter().map(|a| (*a).to_owned()));
        Cli::try_parse_from(argv).unwrap().serve
    };
    let me = |state: protocol_server::AppState, token: String| async move {
        let request = Request::builder()
            .uri("/v1/contacts/me")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        quickly(app(state).oneshot(request)).await.unwrap().status()
    };
    let demo = cli::open(&args(&["--seed", "demo"])).await.unwrap();
    assert_eq!(me(demo, KEVIN.to_owned()).await, StatusCode::OK);
    let real = create_token(&TokenArgs {
        db: db.clone(),
        username: "Buzz".to_owned(),
        display_name: None,
        with: vec!["KevinMcCallister".to_owned()],
    })
    .unwrap();
    let plain = cli::open(&args(&[])).await.unwrap();
    assert_eq!(
        me(plain.clone(), KEVIN.to_owned()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me(plain.clone(), FRANK.to_owned()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(plain, real.clone()).await, StatusCode::OK);
    let again = cli::open(&args(&["--seed", "demo"])).await.unwrap();
    assert_eq!(me(again.clone(), KEVIN.to_owned()).await, StatusCode::OK);
    assert_eq!(me(again, real).await, StatusCode::OK);
}

// 7. `/_test/faults` answered a preflight from any origin with `*`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_control_answers_no_web_page() {
    let h = Harness::demo();
    let loopback = SocketAddr::from(([127, 0, 0, 1], 40000));
    let call = |method: Method, uri: &str, headers: &[(&str, &str)], body: &str| {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body.to_owned())).unwrap();
        app(h.state.clone())
            .layer(MockConnectInfo(loopback))
            .oneshot(request)
    };
    let evil = ("origin", "https://evil.example");
    while_probed(&h, async {
        let preflight = quickly(call(
            Method::OPTIONS,
            "/_test/faults",
            &[evil, ("access-control-request-method", "PUT")],
            "",
        ))
        .await
        .unwrap();
        assert!(preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        assert!(!preflight.status().is_success());
        let put = quickly(call(
            Method::PUT,
            "/_test/faults",
            &[evil, ("content-type", "application/json")],
            r#"{"fail_rate":1}"#,
        ))
        .await
        .unwrap();
        assert_eq!(put.status(), StatusCode::FORBIDDEN);
        assert!(put.headers().get("access-control-allow-origin").is_none());
        let get = call(Method::GET, "/_test/faults", &[evil], "")
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::FORBIDDEN);
    })
    .await;
    assert_eq!(h.state.faults.get().fail_rate, 0.0);
    // A program on loopback (no Origin) still may; the API keeps its CORS.
    let get = call(Method::GET, "/_test/faults", &[], "").await.unwrap();
    assert_eq!(get.status(), StatusCode::OK);
    let api = call(
        Method::OPTIONS,
        "/v1/messages",
        &[evil, ("access-control-request-method", "POST")],
        "",
    )
    .await
    .unwrap();
    assert_eq!(api.headers()["access-control-allow-origin"], "*");
}

// 8. Idempotency rows, events and unlinked uploads were kept forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_keys_events_and_unlinked_uploads_expire() {
    let h = Harness::demo();
    let send = |key: &'static str, text: &'static str| {
        let h = &h;
        async move {
            h.call(
                Method::POST,
                "/v1/messages",
                Some(KEVIN),
                &[("idempotency-key", key)],
                Some("application/json"),
                json!({ "conversation_id": MAIN, "message": text }).to_string(),
            )
            .await
        }
    };
    assert_eq!(send("key-1", "first").await.status, StatusCode::CREATED);
    send("key-1", "other")
        .await
        .assert_error(409, "idempotency_error");
    let uploaded = upload(&h, KEVIN, "a.txt", "text/plain", b"hello", None).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.json);
    let upload_id = uploaded.json["id"].as_str().unwrap().to_owned();
    let on_disk = h.dir.path().join("files").join(&upload_id);
    assert!(on_disk.exists());
    let events = |h: &Harness| {
        h.state.db.read_blocking(|conn| {
            Ok(
                conn.query_row("SELECT COUNT(*), MAX(id) FROM events", [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?,
            )
        })
    };
    let (count, newest) = events(&h).unwrap();
    assert!(count >= 1);
    let now = protocol_server::ids::now();
    // Nothing is young enough to go today.
    let swept = while_probed(
        &h,
        quickly(janitor::sweep(&h.state.db, &h.state.files, now)),
    )
    .await
    .unwrap();
    assert_eq!(swept, janitor::Swept::default());
    // A day and an hour later, everything old goes but the newest event.
    let tomorrow = now + janitor::KEEP_SECONDS + 3600;
    let swept = while_probed(
        &h,
        quickly(janitor::sweep(&h.state.db, &h.state.files, tomorrow)),
    )
    .await
    .unwrap();
    assert_eq!(swept.idempotency_keys, 1);
    assert_eq!(swept.uploads, 1);
    // (The probe sent messages too: their events are as old.)
    assert!(swept.events as i64 >= count - 1);
    let old_left: i64 = h
        .state
        .db
        .read_blocking(move |conn| {
            Ok(conn.query_row(
                "SELECT COUNT(*) FROM events WHERE id <= ?1",
                [newest],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(old_left <= 1, "{old_left} old events left");
    let (left, still_newest) = events(&h).unwrap();
    assert!(left >= 1, "the newest event stays, so ids keep rising");
    assert!(still_newest >= newest);
    assert!(!on_disk.exists());
    h.get(&format!("/v1/attachments/{upload_id}"), KEVIN)
        .await
        .assert_error(404, "not_found_error");
    // The key is forgotten: the same key with new parameters is a new message.
    assert_eq!(send("key-1", "other").await.status, StatusCode::CREATED);
}

// 9. Event streams per caller were unbounded (200 of 200 accepted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_may_open_8_event_streams() {
    let h = Harness::demo();
    let addr = serve_tcp(&h).await;
    let auth = |token: &str| format!("Authorization: Bearer {token}\r\n");
    let mut open = Vec::new();
    let refused = while_probed(&h, async {
        for _ in 0..8 {
            let (status, head, reader) = open_raw(addr, "/v1/events", &auth(KEVIN)).await;
            assert_eq!(status, 200, "{head}");
            open.push(reader);
        }
        let close = format!("{}Connection: close\r\n", auth(KEVIN));
        quickly(open_raw(addr, "/v1/events", &close)).await
    })
    .await;
    let (status, head, mut reader) = refused;
    assert_eq!(status, 429, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: "),
        "{head}"
    );
    let mut body = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut reader, &mut body)
        .await
        .ok();
    assert!(body.contains("rate_limit_error"), "{body}");
    assert!(body.contains("at most 8"), "{body}");
    // Others are not affected; a closed stream frees its place.
    let (status, _, _frank) = open_raw(addr, "/v1/events", &auth(FRANK)).await;
    assert_eq!(status, 200);
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let (status, _, reader) = open_raw(addr, "/v1/events", &auth(KEVIN)).await;
        if status == 200 {
            open.push(reader);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed stream's place came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn static_site(config: Option<&str>) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>Protocol Chat</h1>").unwrap();
    std::fs::write(site.path().join("embed.js"), "export {}").unwrap();
    if let Some(config) = config {
        std::fs::write(site.path().join("config.json"), config).unwrap();
    }
    site
}

// 10. The app's own pages carried no security headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_pages_carry_security_headers() {
    let site = static_site(None);
    let h = Harness::with(
        Settings {
            static_dir: Some(site.path().to_owned()),
            ..Settings::default()
        },
        FaultSettings::default(),
    );
    for path in ["/", "/index.html", "/embed.js"] {
        let page = while_probed(&h, quickly(h.get(path, KEVIN))).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let csp = page.header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "connect-src 'self';",
            "img-src 'self' data:;",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert_eq!(page.header("referrer-policy"), "no-referrer");
    }
    // The API origin of config.json and the allowed parents are named.
    let site = static_site(Some(r#"{"api_base":"https://api.example.com/v1/"}"#));
    let h = Harness::with(
        Settings {
            static_dir: Some(site.path().to_owned()),
            frame_ancestors: vec!["https://parent.example.com".to_owned()],
            cors: CorsOrigins::Any,
            ..Settings::default()
        },
        FaultSettings::default(),
    );
    let page = h.get("/", KEVIN).await;
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("connect-src 'self' https://api.example.com;"),
        "{csp}"
    );
    assert!(
        csp.contains("img-src 'self' data: https://api.example.com;"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors https://parent.example.com"),
        "{csp}"
    );
    // The API itself is not a page and keeps its own headers.
    let me = h.get("/v1/contacts/me", KEVIN).await;
    assert!(me.header("content-security-policy").is_empty());
}

// 11. A 414 and static 404s answered with empty bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_long_uris_and_missing_files_answer_with_a_body() {
    let site = static_site(None);
    let h = Harness::with(
        Settings {
            static_dir: Some(site.path().to_owned()),
            ..Settings::default()
        },
        FaultSettings::default(),
    );
    let long = "x".repeat(9000);
    let addr = serve_tcp(&h).await;
    let api = while_probed(
        &h,
        quickly(h.get(&format!("/v1/messages?conversation_id={long}"), KEVIN)),
    )
    .await;
    api.assert_error(414, "invalid_request");
    // Also over a real socket, and for pages.
    let (status, _, mut reader) = open_raw(
        addr,
        &format!("/v1/messages?q={long}"),
        "Authorization: Bearer demo-kevin\r\nConnection: close\r\n",
    )
    .await;
    assert_eq!(status, 414);
    let mut body = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut reader, &mut body)
        .await
        .unwrap();
    assert!(body.contains("invalid_request"), "{body}");
    let page = h.get(&format!("/{long}"), KEVIN).await;
    assert_eq!(page.status, StatusCode::URI_TOO_LONG);
    assert!(!page.body.is_empty());
    let missing = h.get("/no-such-file.js", KEVIN).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header("content-type").starts_with("text/plain"));
    assert!(!missing.body.is_empty());
    assert_eq!(missing.header("x-content-type-options"), "nosniff");
    let post = h
        .call(Method::POST, "/index.html", None, &[], None, Body::empty())
        .await;
    assert!(!post.body.is_empty(), "{}", post.status);
}
