//! The shared state of every request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::auth::Caller;
use crate::db::Db;
use crate::error::ApiError;
use crate::faults::{FaultSettings, Faults};
use crate::limits::RateLimiter;

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
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Allowed browser origins.
    pub cors: CorsOrigins,
    /// Serve `/_test/faults` to loopback clients.
    pub test_control: bool,
    /// Requests allowed per token and minute; 0 means no limit.
    pub rate_limit_per_minute: u32,
    /// A directory served at `/` (the app), if any.
    pub static_dir: Option<PathBuf>,
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Where uploaded files live.
    pub files_dir: Arc<PathBuf>,
    /// Injected faults (tests only).
    pub faults: Arc<Faults>,
    /// Fixed options.
    pub settings: Arc<Settings>,
    /// Per-token request counting.
    pub limiter: Arc<RateLimiter>,
    /// Tokens already resolved (tokens are never revoked while running).
    pub tokens: Arc<RwLock<HashMap<String, Caller>>>,
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
        std::fs::create_dir_all(files_dir)?;
        crate::files::remove_partial_uploads(files_dir)?;
        let limiter = RateLimiter::new(settings.rate_limit_per_minute);
        Ok(Self {
            db: Db::open(db_path)?,
            files_dir: Arc::new(files_dir.to_owned()),
            faults: Arc::new(Faults::new(faults)),
            settings: Arc::new(settings),
            limiter: Arc::new(limiter),
            tokens: Arc::new(RwLock::new(HashMap::new())),
        })
    }
}
