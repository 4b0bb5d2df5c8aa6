//! The command line: `protocol-server [serve options]` and `protocol-server token ...`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use rusqlite::params;

use crate::error::ApiError;
use crate::faults::{validate_rate, FaultSettings, Latency};
use crate::ids::{new_id, now, random_string};
use crate::state::{AppState, CorsOrigins, Settings};
use crate::store::conversations;

/// The reference server of the Protocol messages API.
#[derive(Debug, Parser)]
#[command(
    name = "protocol-server",
    version,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A maintenance command instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the server.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Maintenance commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a contact with a new random token (and 1:1 conversations), print the token.
    Token(TokenArgs),
}

/// Which data to load into an empty database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Seed {
    /// Nothing.
    #[default]
    None,
    /// The docs' people, ids and demo tokens (API.md "Demo data").
    Demo,
}

/// Options of the server.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file (created with its directory when missing).
    #[arg(long, default_value = "./data/protocol.db")]
    pub db: PathBuf,
    /// Data to load into an empty database.
    #[arg(long, value_enum, default_value_t = Seed::None)]
    pub seed: Seed,
    /// Directory served at `/` (the built app), if any.
    #[arg(long = "static")]
    pub static_dir: Option<PathBuf>,
    /// Directory of uploaded files (created when missing).
    #[arg(long, default_value = "./data/files")]
    pub files: PathBuf,
    /// A browser origin allowed to call the API (repeatable); any origin in demo mode.
    #[arg(long = "cors-origin")]
    pub cors_origins: Vec<String>,
    /// Requests per caller and minute before 429 (requests without a known token count
    /// per peer address); 0 is no limit.
    #[arg(long, default_value_t = 0)]
    pub rate_limit_per_minute: u32,
    /// An origin allowed to show the app (`--static`) in a frame, or `*` (repeatable);
    /// without it no site may, except in demo mode, where any may.
    #[arg(long = "frame-ancestor", value_parser = parse_frame_ancestor)]
    pub frame_ancestors: Vec<String>,
    /// Attachment files served at the same time; more at once are answered 429.
    #[arg(long, default_value_t = crate::state::DEFAULT_MAX_DOWNLOADS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_downloads: u32,
    /// TEST ONLY: delay added to every API answer, N or MIN..MAX milliseconds.
    #[arg(long, default_value = "0")]
    pub latency_ms: Latency,
    /// TEST ONLY: share (0..1) of /v1 requests failing with 503.
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// TEST ONLY: share (0..1) of /v1 writes that commit, then drop the connection unanswered.
    #[arg(long, default_value_t = 0.0)]
    pub fail_after_commit_rate: f64,
    /// TEST ONLY: serve GET/PUT /_test/faults to loopback clients.
    #[arg(long)]
    pub test_control: bool,
}

/// Options of `token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// SQLite database file.
    #[arg(long, default_value = "./data/protocol.db")]
    pub db: PathBuf,
    /// The new contact's username.
    #[arg(long)]
    pub username: String,
    /// The name shown instead of the username.
    #[arg(long)]
    pub display_name: Option<String>,
    /// Usernames of existing contacts to open a 1:1 conversation with (repeatable).
    #[arg(long = "with")]
    pub with: Vec<String>,
}

/// Failures of the command line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad option value.
    #[error("{0}")]
    Usage(String),
    /// The server could not start or stopped with an error.
    #[error("{0}")]
    Server(String),
}

impl From<ApiError> for CliError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Internal(detail) => Self::Server(detail),
            other => Self::Usage(other.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::Server(error.to_string())
    }
}

/// Creates a contact with a random token and 1:1 conversations with `with`; the token.
pub fn create_token(args: &TokenArgs) -> Result<String, CliError> {
    let state = AppState::open(
        &args.db,
        &args.db.with_file_name("files"),
        Settings::default(),
        FaultSettings::default(),
    )?;
    let username = args.username.trim().to_owned();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return Err(CliError::Usage("--username must be one word".to_owned()));
    }
    let token = random_string(40);
    let (display_name, with, secret) =
        (args.display_name.clone(), args.with.clone(), token.clone());
    state.db.write_blocking(move |tx| {
        let taken: bool = tx
            .prepare("SELECT 1 FROM contacts WHERE username = ?1")?
            .exists([&username])?;
        if taken {
            return Err(ApiError::invalid(format!("username {username} is taken")));
        }
        let id = new_id();
        let at = now();
        tx.execute(
            "INSERT INTO contacts (id, username, display_name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, username, display_name, at],
        )?;
        tx.execute(
            "INSERT INTO tokens (token, contact_id) VALUES (?1, ?2)",
            params![secret, id],
        )?;
        for other in &with {
            let other_id: String = tx
                .query_row(
                    "SELECT id FROM contacts WHERE username = ?1",
                    [other],
                    |r| r.get(0),
                )
                .map_err(|_| ApiError::invalid(format!("no contact named {other}")))?;
            conversations::create(tx, &new_id(), None, &[id.as_str(), other_id.as_str()], at)?;
        }
        Ok(())
    })?;
    Ok(token)
}

/// Checks a `--frame-ancestor`: `*`, `'self'`, or an `http(s)://host[:port]` origin.
fn parse_frame_ancestor(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text == "*" || text == "'self'" {
        return Ok(text.to_owned());
    }
    match crate::statics::origin_of(text) {
        Some(origin) if origin == text.trim_end_matches('/') => Ok(origin),
        _ => Err(format!(
            "{text:?} is not an origin like https://parent.example.com (or * or 'self')"
        )),
    }
}

fn settings(args: &ServeArgs) -> Settings {
    let cors = if args.seed == Seed::Demo {
        CorsOrigins::Any
    } else if args.cors_origins.is_empty() {
        CorsOrigins::None
    } else {
        CorsOrigins::List(args.cors_origins.clone())
    };
    let frame_ancestors = if args.frame_ancestors.is_empty() && args.seed == Seed::Demo {
        vec!["*".to_owned()]
    } else {
        args.frame_ancestors.clone()
    };
    Settings {
        cors,
        test_control: args.test_control,
        rate_limit_per_minute: args.rate_limit_per_minute,
        static_dir: args.static_dir.clone(),
        frame_ancestors,
        max_downloads: args.max_downloads as usize,
        ..Settings::default()
    }
}

fn check_static(dir: &Path) -> Result<(), CliError> {
    if dir.join("index.html").is_file() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "--static {}: no index.html there",
            dir.display()
        )))
    }
}

/// Opens the state as `args` say: with `--seed demo` the demo data is loaded (or its
/// tokens restored); without it the demo tokens are removed, so they never outlive a demo.
pub async fn open(args: &ServeArgs) -> Result<AppState, CliError> {
    let faults = fault_settings(args)?;
    if let Some(dir) = &args.static_dir {
        check_static(dir)?;
    }
    let state = AppState::open(&args.db, &args.files, settings(args), faults)?;
    let seeder = state.clone();
    let seed = args.seed;
    let outcome = tokio::task::spawn_blocking(move || match seed {
        Seed::Demo => crate::seed::demo(&seeder).map(|seeded| (seeded, 0)),
        Seed::None => crate::seed::remove_demo_tokens(&seeder.db).map(|removed| (false, removed)),
    })
    .await
    .map_err(|e| CliError::Server(e.to_string()))??;
    match outcome {
        (seeded, _) if seed == Seed::Demo => tracing::info!(seeded, "demo seed checked"),
        (_, 0) => {}
        (_, removed) => tracing::warn!(
            removed,
            "this database was seeded with --seed demo: its demo tokens no longer work; \
             start with --seed demo to use them again, or create real tokens with \
             `protocol-server token`"
        ),
    }
    Ok(state)
}

fn fault_settings(args: &ServeArgs) -> Result<FaultSettings, CliError> {
    Ok(FaultSettings {
        latency_ms: args.latency_ms,
        fail_rate: validate_rate("--fail-rate", args.fail_rate)?,
        fail_after_commit_rate: validate_rate(
            "--fail-after-commit-rate",
            args.fail_after_commit_rate,
        )?,
    })
}

/// Opens the state, seeds it, and serves until Ctrl-C, expiring old rows as it goes.
pub async fn serve(args: ServeArgs) -> Result<(), CliError> {
    let faults = fault_settings(&args)?;
    let state = open(&args).await?;
    crate::janitor::spawn(state.db.clone(), state.files.clone());
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    if faults.any() {
        tracing::warn!(
            latency_ms = %faults.latency_ms,
            fail_rate = faults.fail_rate,
            fail_after_commit_rate = faults.fail_after_commit_rate,
            "FAULT INJECTION IS ON: answers are delayed, failed or dropped on purpose"
        );
    }
    if args.test_control {
        tracing::warn!("TEST CONTROL IS ON: loopback clients may change faults at /_test/faults");
    }
    println!("Protocol server listening on http://{addr} (API at http://{addr}/v1)");
    if args.static_dir.is_some() {
        println!("Open http://{addr}/");
    }
    if args.seed == Seed::Demo {
        println!("**************************************************************");
        println!("  DEMO MODE: demo tokens are active (demo-kevin, demo-frank,");
        println!("  demo-kate, demo-linnie). Anyone who can reach this server");
        println!("  can use them. Sign in at: http://{addr}/#token=demo-kevin");
        println!("**************************************************************");
    }
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(interrupted());
    // Event streams never end by themselves: give open connections a moment, then stop.
    let deadline = async {
        interrupted().await;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::info!("stopped with connections still open"),
    }
    Ok(())
}

/// Resolves on Ctrl-C (never, if the signal cannot be watched).
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
