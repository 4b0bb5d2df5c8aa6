//! SQLite access: one writer connection behind a mutex (every write is one transaction)
//! and a small pool of reader connections, both used from blocking threads.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::broadcast;

use crate::error::ApiError;

/// The migrations, applied in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_expiry.sql"),
];

/// Most idle reader connections kept for reuse.
const MAX_IDLE_READERS: usize = 8;

/// A committed event, as the SSE stream sends it.
#[derive(Debug)]
pub struct StoredEvent {
    /// The event id (SSE `id:`).
    pub id: i64,
    /// The conversation of the message concerned.
    pub conversation_id: String,
    /// The `protocol_api::Event` JSON.
    pub json: String,
}

/// The shared database handle.
#[derive(Clone)]
pub struct Db {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: Arc<PathBuf>,
    events: broadcast::Sender<Arc<StoredEvent>>,
}

/// A write transaction that also collects the events to broadcast once it commits.
pub struct Tx<'a> {
    tx: Transaction<'a>,
    events: RefCell<Vec<Arc<StoredEvent>>>,
}

impl Tx<'_> {
    /// Queues an event (already inserted in `events`) for broadcast after commit.
    pub fn publish(&self, event: StoredEvent) {
        self.events.borrow_mut().push(Arc::new(event));
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (version, sql) in (1_i64..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(applied).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path`, in WAL mode, and migrates it.
    pub fn open(path: &Path) -> Result<Self, ApiError> {
        let mut writer = Connection::open(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrate(&mut writer)?;
        // Shared by every stream; one that falls behind catches up from the table.
        let (events, _) = broadcast::channel(256);
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(Mutex::new(Vec::new())),
            path: Arc::new(path.to_owned()),
            events,
        })
    }

    /// A new receiver of committed events.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.events.subscribe()
    }

    fn reader(&self) -> Result<Connection, ApiError> {
        if let Some(conn) = lock(&self.readers).pop() {
            return Ok(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(self.path.as_path(), flags)?;
        configure(&conn)?;
        Ok(conn)
    }

    /// Runs `f` on a reader connection; blocking, for threads that may block.
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let conn = self.reader()?;
        let result = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` on a reader connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f)).await?
    }

    /// Runs `f` in one immediate transaction of the writer, commits when it returns `Ok`,
    /// then broadcasts the events it queued (still holding the writer, so in id order).
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = lock(&self.writer);
        let tx = Tx {
            tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
            events: RefCell::new(Vec::new()),
        };
        let value = f(&tx)?;
        let events = tx.events.take();
        tx.tx.commit()?;
        for event in events {
            // No receiver (nobody listening) is fine.
            let _ = self.events.send(event);
        }
        Ok(value)
    }

    /// Runs `f` in one writer transaction on the blocking pool.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f)).await?
    }

    /// Moves the write-ahead log into the database file and empties it (after bulk loads).
    pub fn checkpoint(&self) -> Result<(), ApiError> {
        let conn = lock(&self.writer);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
