//! The shared state of every request, made of substates: each handler, extractor and
//! middleware takes (through [`FromRef`]) only the parts it uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::Auth;
use crate::db::Db;
use crate::error::ApiError;
use crate::faults::{FaultSettings, Faults};
use crate::files::Files;
use crate::limits::{Limits, RateLimiter, StreamSlots};

/// Open event streams allowed per caller (API.md "Limits").
pub const MAX_STREAMS_PER_CALLER: usize = 8;
/// Files served at the same time by default (`--max-downloads`).
pub const DEFAULT_MAX_DOWNLOADS: u32 = 64;
/// Bytes of events one stream may have queued for a slow reader before it is dropped.
pub const DEFAULT_STREAM_QUEUE_BYTES: usize = 1024 * 1024;

/// Which browser origins may call the API.
#[derive(Clone, Debug, Default)]
pub enum CorsOrigins {
    /// Any origin (`*`), as in demo mode.
    Any,
    /// Only these origins.
    List(Vec<String>),
    /// No cross-origin access.
    #[default]
    None,
}

/// Server options that do not change at run time.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Allowed browser origins.
    pub cors: CorsOrigins,
    /// Serve `/_test/faults` to loopback clients.
    pub test_control: bool,
    /// Requests allowed per caller and minute; 0 means no limit.
    pub rate_limit_per_minute: u32,
    /// A directory served at `/` (the app), if any.
    pub static_dir: Option<PathBuf>,
    /// Origins allowed to show the app's pages in a frame (CSP `frame-ancestors`; `*` for
    /// any); none: no site may.
    pub frame_ancestors: Vec<String>,
    /// Files served at the same time; more downloads at once are a 429.
    pub max_downloads: usize,
    /// Bytes of events one stream may have queued for a reader that does not keep up.
    pub stream_queue_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cors: CorsOrigins::None,
            test_control: false,
            rate_limit_per_minute: 0,
            static_dir: None,
            frame_ancestors: Vec::new(),
            max_downloads: DEFAULT_MAX_DOWNLOADS as usize,
            stream_queue_bytes: DEFAULT_STREAM_QUEUE_BYTES,
        }
    }
}

/// Everything a handler may need; cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Uploaded files on disk.
    pub files: Files,
    /// Injected faults (tests only).
    pub faults: Arc<Faults>,
    /// Fixed options.
    pub settings: Arc<Settings>,
    /// Per-caller request counting.
    pub limiter: Arc<RateLimiter>,
    /// Tokens to callers.
    pub auth: Auth,
    /// Open event streams per caller.
    pub streams: Arc<StreamSlots>,
}

impl FromRef<AppState> for Limits {
    fn from_ref(state: &AppState) -> Self {
        Self {
            limiter: Arc::clone(&state.limiter),
            auth: state.auth.clone(),
        }
    }
}

impl AppState {
    /// Opens the database at `db_path` (migrating it) and creates `files_dir` if missing.
    pub fn open(
        db_path: &Path,
        files_dir: &Path,
        settings: Settings,
        faults: FaultSettings,
    ) -> Result<Self, ApiError> {
        if let Some(parent) = db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let files = Files::open(files_dir, settings.max_downloads)?;
        let db = Db::open(db_path)?;
        Ok(Self {
            auth: Auth::new(db.clone()),
            db,
            files,
            faults: Arc::new(Faults::new(faults)),
            limiter: Arc::new(RateLimiter::new(settings.rate_limit_per_minute)),
            settings: Arc::new(settings),
            streams: StreamSlots::new(MAX_STREAMS_PER_CALLER),
        })
    }
}
