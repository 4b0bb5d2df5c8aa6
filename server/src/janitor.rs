//! Expiry of what would otherwise only grow, every few minutes: `Idempotency-Key` answers
//! after 24 hours (API.md), events older than 24 hours (a reader gone longer reloads its
//! pages anyway; the newest event is always kept so ids keep rising), and uploads never
//! sent with a message within 24 hours (row and file). Each batch is its own short
//! transaction, so the writer is never held for long.

use std::time::Duration;

use crate::db::Db;
use crate::error::ApiError;
use crate::files::Files;
use crate::ids::now;
use crate::store::{attachments, events, idempotency};

/// How long each kind of row is kept, in seconds.
pub const KEEP_SECONDS: i64 = idempotency::KEEP_SECONDS;

/// How often the janitor runs.
pub const EVERY: Duration = Duration::from_secs(10 * 60);

/// Rows removed per transaction.
const BATCH: i64 = 1000;

/// What one sweep removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Forgotten idempotency keys.
    pub idempotency_keys: usize,
    /// Deleted events.
    pub events: usize,
    /// Deleted unlinked uploads.
    pub uploads: usize,
}

/// Runs `batch` in writer transactions until it removes less than a full batch; the total.
async fn drain<F>(db: &Db, batch: F) -> Result<usize, ApiError>
where
    F: Fn(&rusqlite::Connection) -> Result<usize, ApiError> + Clone + Send + 'static,
{
    let mut total = 0;
    loop {
        let step = batch.clone();
        let removed = db.write(move |tx| step(tx)).await?;
        total += removed;
        if (removed as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Removes everything older than [`KEEP_SECONDS`] before `now` (Unix seconds; the clock
/// is a parameter so tests can sweep "tomorrow").
pub async fn sweep(db: &Db, files: &Files, now: i64) -> Result<Swept, ApiError> {
    let cutoff = now - KEEP_SECONDS;
    let idempotency_keys = drain(db, move |conn| idempotency::expire(conn, cutoff, BATCH)).await?;
    let events = drain(db, move |conn| events::expire(conn, cutoff, BATCH)).await?;
    let mut uploads = 0;
    loop {
        let ids = db
            .write(move |tx| {
                let ids = attachments::stale_uploads(tx, cutoff, BATCH)?;
                attachments::delete(tx, &ids)?;
                Ok(ids)
            })
            .await?;
        for id in &ids {
            files.remove(id).await;
        }
        uploads += ids.len();
        if (ids.len() as i64) < BATCH {
            break;
        }
    }
    Ok(Swept {
        idempotency_keys,
        events,
        uploads,
    })
}

/// Sweeps now and then every [`EVERY`], for as long as the server runs.
pub fn spawn(db: Db, files: Files) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            match sweep(&db, &files, now()).await {
                Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "expired"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "expiry sweep failed"),
            }
        }
    })
}
