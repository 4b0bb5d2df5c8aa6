//! Issue 11 points 3, 4 and 5 with the memory they used to cost, measured as this test
//! process's resident memory (the server runs in it) and bounded. One test at a time, so
//! each measures only itself.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::*;
use protocol_server::faults::FaultSettings;
use protocol_server::{app, seed, Settings};
use serde_json::{json, Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tower::ServiceExt;

/// The tests of this file run one after the other.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const MIB: u64 = 1024;

fn growth_mib(before_kib: u64) -> u64 {
    rss_kib().saturating_sub(before_kib) / MIB
}

// 4. 30-40 slow readers of one 20-25 MiB file grew the server by 600-1,000 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_downloads_are_streamed_and_capped() {
    let _serial = SERIAL.lock().await;
    let h = Harness::with(
        Settings {
            max_downloads: 16,
            ..Settings::default()
        },
        FaultSettings::default(),
    );
    let big = vec![b'x'; 20 * 1024 * 1024];
    let uploaded = upload(&h, KEVIN, "big.bin", "application/octet-stream", &big, None).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.json);
    let url = uploaded.json["file_url"].as_str().unwrap().to_owned();
    let addr = serve_tcp(&h).await;

    let before = rss_kib();
    let (statuses, readers) = while_probed(&h, async {
        let mut statuses = Vec::new();
        let mut readers = Vec::new();
        for _ in 0..24 {
            let (status, _, reader) = open_raw(addr, &url, "").await;
            statuses.push(status);
            readers.push(reader);
        }
        // The readers read nothing more; give the server time to fill what it would.
        tokio::time::sleep(Duration::from_millis(500)).await;
        (statuses, readers)
    })
    .await;
    let grown = growth_mib(before);
    let served = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    println!("24 slow readers of a 20 MiB file: {served} served, {refused} refused, +{grown} MiB");
    assert_eq!((served, refused), (16, 8), "{statuses:?}");
    assert!(
        grown < 48,
        "24 slow downloads grew the server by {grown} MiB"
    );

    // The places come back when the readers go; ranges come for free.
    drop(readers);
    let deadline = Instant::now() + Duration::from_secs(3);
    let (status, head, mut reader) = loop {
        let answer = open_raw(addr, &url, "Range: bytes=0-9\r\nConnection: close\r\n").await;
        if answer.0 != 429 || Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status, 206, "{head}");
    let mut body = Vec::new();
    reader.read_to_end(&mut body).await.unwrap();
    assert_eq!(body, b"xxxxxxxxxx");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-security-policy: sandbox"), "{head}");
    assert!(lower.contains("x-content-type-options: nosniff"), "{head}");
}

/// Reads an event stream until the server ends it (`Connection: close`), at most 10 s;
/// the ids of the events read.
async fn read_until_closed(reader: &mut tokio::io::BufReader<tokio::net::TcpStream>) -> Vec<i64> {
    let mut ids = Vec::new();
    let read = async {
        let mut line = String::new();
        while reader.read_line(&mut line).await.unwrap_or(0) > 0 {
            if let Some(id) = line.trim_end().strip_prefix("id:") {
                ids.push(id.trim().parse().unwrap());
            }
            line.clear();
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the server did not close the stream of a reader that fell behind");
    ids
}

// 3. Reactions made one message 2 MB, and every change fanned a copy out to every idle
// stream (10 idle streams + 70 toggles: ~500 MiB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_event_streams_are_dropped_and_memory_stays_bounded() {
    let _serial = SERIAL.lock().await;
    let h = Harness::with(Settings::default(), FaultSettings::default());
    let family = seed::FAMILY_CONVERSATION;
    // The largest message there may be: 10,000 four-byte characters.
    let message = h.post_message(KATE, family, &"🎄".repeat(10_000)).await;
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    for round in 0..3 {
        let names: Map<String, Value> = (0..9000)
            .map(|n| (format!("x{round}_{n}"), json!(["KevinMcCallister"])))
            .collect();
        h.json(Method::PUT, &uri, KEVIN, json!({ "reactions": names }))
            .await
            .assert_error(400, "invalid_request");
    }
    let addr = serve_tcp(&h).await;
    let path = format!("/v1/events?conversation_id={family}");
    let mut idle = Vec::new();
    for token in [KEVIN, FRANK] {
        for _ in 0..5 {
            let headers = format!("Authorization: Bearer {token}\r\nConnection: close\r\n");
            let (status, head, reader) = open_raw(addr, &path, &headers).await;
            assert_eq!(status, 200, "{head}");
            idle.push(reader);
        }
    }
    let (status, _, mut live) =
        open_raw(addr, &path, &format!("Authorization: Bearer {LINNIE}\r\n")).await;
    assert_eq!(status, 200);
    let toggles = 140;
    let reading = tokio::spawn(async move {
        let mut ids = Vec::new();
        let mut line = String::new();
        while ids.len() < toggles {
            line.clear();
            if live.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            if let Some(id) = line.trim_end().strip_prefix("id:") {
                ids.push(id.trim().parse::<i64>().unwrap());
            }
        }
        ids
    });

    let before = rss_kib();
    while_probed(&h, async {
        for n in 0..toggles {
            let users = if n % 2 == 0 {
                json!(["KateMcCallister"])
            } else {
                json!([])
            };
            let reply = h
                .json(
                    Method::PUT,
                    &uri,
                    KATE,
                    json!({ "reactions": { "tree": users } }),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK);
        }
    })
    .await;
    let live_ids = tokio::time::timeout(Duration::from_secs(10), reading)
        .await
        .expect("the live reader got every event in time")
        .unwrap();
    let grown = growth_mib(before);
    println!("10 idle streams + {toggles} changes of a 40 KB message: +{grown} MiB");
    assert_eq!(
        live_ids.len(),
        toggles,
        "a reader that keeps up gets everything"
    );
    assert!(grown < 48, "idle streams grew the server by {grown} MiB");

    // Every idle stream was closed part way; it resumes where it stopped.
    let last = *live_ids.last().unwrap();
    let mut resumed_from = None;
    for reader in &mut idle {
        let ids = read_until_closed(reader).await;
        assert!(
            ids.len() < toggles,
            "an idle stream was kept for all {toggles} events"
        );
        resumed_from = resumed_from.or(ids.last().copied());
    }
    let from = resumed_from.unwrap_or(live_ids[0] - 1);
    let headers = format!("Authorization: Bearer {KEVIN}\r\nLast-Event-ID: {from}\r\n");
    let (status, _, mut resumed) = open_raw(addr, &path, &headers).await;
    assert_eq!(status, 200);
    let mut ids = Vec::new();
    let mut line = String::new();
    let catch_up = async {
        while ids.last() != Some(&last) {
            line.clear();
            resumed.read_line(&mut line).await.unwrap();
            if let Some(id) = line.trim_end().strip_prefix("id:") {
                ids.push(id.trim().parse::<i64>().unwrap());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), catch_up)
        .await
        .expect("resuming with Last-Event-ID brings the rest");
    assert_eq!(
        ids.first().copied(),
        live_ids.iter().copied().find(|id| *id > from)
    );
}

// 5. 300 requests with distinct unknown 200 KB tokens grew the server by ~60 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_made_up_tokens_cost_the_rate_limiter_nothing() {
    let _serial = SERIAL.lock().await;
    let h = Harness::with(
        Settings {
            rate_limit_per_minute: 1000,
            ..Settings::default()
        },
        FaultSettings::default(),
    );
    let router = app(h.state.clone()).layer(MockConnectInfo(SocketAddr::from(([10, 9, 8, 7], 1))));
    let long = "y".repeat(200 * 1024);
    // Warm up the allocator with one such request.
    let request = |n: usize| {
        Request::builder()
            .uri("/v1/contacts/me")
            .header("authorization", format!("Bearer {n}{long}"))
            .body(Body::empty())
            .unwrap()
    };
    router.clone().oneshot(request(0)).await.unwrap();
    let before = rss_kib();
    while_probed(&h, async {
        for n in 1..=300 {
            let response = router.clone().oneshot(request(n)).await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
    })
    .await;
    let grown = growth_mib(before);
    println!(
        "300 made-up 200 KB tokens: +{grown} MiB, {} keys",
        h.state.limiter.tracked()
    );
    assert!(grown < 16, "made-up tokens grew the server by {grown} MiB");
    assert!(h.state.limiter.tracked() <= 2);
}
