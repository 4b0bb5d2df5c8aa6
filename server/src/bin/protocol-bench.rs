//! `protocol-bench`: seeds a conversation of N messages (default 1,000,000) into a temp
//! database, then measures page latency at depth 0 and deep in it, and list/send
//! throughput over loopback. Prints a table and writes `bench-results/server.json`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use protocol_server::faults::FaultSettings;
use protocol_server::{app, seed, AppState, Settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

const CONVERSATION: &str = "BenchConversat01";
const TOKEN: &str = "bench-a";

/// Benchmark options.
struct Options {
    messages: usize,
    samples: usize,
    run: Duration,
    concurrency: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        messages: 1_000_000,
        samples: 1000,
        run: Duration::from_secs(5),
        concurrency: 16,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                options.messages = 100_000;
                options.run = Duration::from_secs(2);
            }
            "--messages" => {
                options.messages = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n >= 100)
                    .ok_or("--messages needs a number of at least 100")?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other}; use --messages N or --quick"
                ))
            }
        }
    }
    Ok(options)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(0.0)
}

/// Server-side latency of one GET, in milliseconds, measured over `samples` requests
/// straight into the router (no socket).
async fn latency(state: &AppState, uri: &str, samples: usize) -> Result<(f64, f64), String> {
    let router = app(state.clone());
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples + 10 {
        let request = Request::get(uri)
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        let response = router
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| e.to_string())?;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if bytes.len() < 1000 {
            return Err(format!(
                "unexpected page: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
    }
    let mut times = times.split_off(10);
    times.sort_by(f64::total_cmp);
    Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
}

/// One keep-alive HTTP/1.1 connection that sends a request and reads a whole answer.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buffer: Vec::with_capacity(16 * 1024),
        })
    }

    async fn call(&mut self, request: &[u8]) -> std::io::Result<u16> {
        self.stream.write_all(request).await?;
        self.buffer.clear();
        let mut chunk = [0_u8; 16 * 1024];
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).to_ascii_lowercase();
                let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(0);
                while self.buffer.len() < end + 4 + length {
                    let n = self.stream.read(&mut chunk).await?;
                    if n == 0 {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                    self.buffer.extend_from_slice(&chunk[..n]);
                }
                return Ok(status);
            }
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Requests per second of `request` from `concurrency` connections for `run`.
async fn throughput(addr: SocketAddr, request: Vec<u8>, options: &Options) -> Result<f64, String> {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let request = Arc::new(request);
    let deadline = Instant::now() + options.run;
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..options.concurrency {
        let (done, failed, request) = (done.clone(), failed.clone(), request.clone());
        workers.push(tokio::spawn(async move {
            let Ok(mut connection) = Connection::open(addr).await else {
                failed.fetch_add(1, Ordering::Relaxed);
                return;
            };
            while Instant::now() < deadline {
                match connection.call(&request).await {
                    Ok(status) if status < 400 => done.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| e.to_string())?;
    }
    let failures = failed.load(Ordering::Relaxed);
    if failures > 0 {
        return Err(format!("{failures} requests failed"));
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

fn get_request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
        .into_bytes()
}

fn post_request() -> Vec<u8> {
    let body = format!(r#"{{"conversation_id":"{CONVERSATION}","message":"load test message"}}"#);
    format!(
        "POST /v1/messages HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn run(options: Options, dir: &std::path::Path) -> Result<serde_json::Value, String> {
    let state = AppState::open(
        &dir.join("bench.db"),
        &dir.join("files"),
        Settings::default(),
        FaultSettings::default(),
    )
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let seeder = state.clone();
    let count = options.messages;
    tokio::task::spawn_blocking(move || seed::bulk(&seeder, CONVERSATION, count))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let seed_seconds = started.elapsed().as_secs_f64();
    println!("seeded {count} messages in {seed_seconds:.1} s");

    let depth = (count * 9 / 10) as i64;
    let cursor: String = state
        .db
        .read(move |conn| {
            Ok(conn.query_row(
                "SELECT id FROM messages WHERE conversation_id = ?1 \
                 ORDER BY created_at DESC, seq DESC LIMIT 1 OFFSET ?2",
                rusqlite::params![CONVERSATION, depth],
                |row| row.get(0),
            )?)
        })
        .await
        .map_err(|e| e.to_string())?;
    let first = format!("/v1/messages?conversation_id={CONVERSATION}&limit=100");
    let deep = format!("{first}&starting_after={cursor}");
    let (first_p50, first_p99) = latency(&state, &first, options.samples).await?;
    let (deep_p50, deep_p99) = latency(&state, &deep, options.samples).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = tokio::spawn(std::future::IntoFuture::into_future(axum::serve(
        listener,
        app(state.clone()),
    )));
    let list_path = format!("/v1/messages?conversation_id={CONVERSATION}&limit=10");
    let list_rps = throughput(addr, get_request(&list_path), &options).await?;
    let send_rps = throughput(addr, post_request(), &options).await?;
    server.abort();

    println!();
    println!("{:<44} {:>10} {:>10}", "measure", "p50 (ms)", "p99 (ms)");
    println!(
        "{:<44} {first_p50:>10.3} {first_p99:>10.3}",
        "first page, limit=100"
    );
    println!(
        "{:<44} {deep_p50:>10.3} {deep_p99:>10.3}",
        format!("page {depth} deep, limit=100")
    );
    println!();
    println!("{:<44} {:>10}", "loopback load (16 connections)", "req/s");
    println!("{:<44} {list_rps:>10.0}", "GET /v1/messages limit=10");
    println!("{:<44} {send_rps:>10.0}", "POST /v1/messages");
    Ok(serde_json::json!({
        "messages": count,
        "seed_seconds": seed_seconds,
        "samples": options.samples,
        "first_page_ms": { "p50": first_p50, "p99": first_p99 },
        "deep_page_ms": { "depth": depth, "p50": deep_p50, "p99": deep_p99 },
        "concurrency": options.concurrency,
        "run_seconds": options.run.as_secs_f64(),
        "list_requests_per_second": list_rps,
        "send_requests_per_second": send_rps,
    }))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("protocol-bench: {message}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let dir: PathBuf = std::env::temp_dir().join(format!("protocol-bench-{}", std::process::id()));
    let result = run(options, &dir).await;
    if let Err(error) = std::fs::remove_dir_all(&dir) {
        eprintln!(
            "protocol-bench: could not remove {}: {error}",
            dir.display()
        );
    }
    let written = result.and_then(|json| {
        std::fs::create_dir_all("bench-results").map_err(|e| e.to_string())?;
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        std::fs::write("bench-results/server.json", text + "\n").map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => {
            println!("\nwrote bench-results/server.json");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("protocol-bench: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
