//! `/v1/events`: Server-Sent Events of message changes, resumable with `Last-Event-ID`.
//! At most 8 streams per caller; a stream whose reader falls more than
//! `Settings::stream_queue_bytes` behind is closed (the reader resumes with `Last-Event-ID`).

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures_util::{Stream, StreamExt};
use tokio::sync::{broadcast, mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::ReceiverStream;

use crate::auth::bearer_token;
use crate::body::Query;
use crate::db::{Db, StoredEvent};
use crate::error::ApiError;
use crate::limits::StreamSlot;
use crate::state::AppState;
use crate::store::contacts::Caller;
use crate::store::{conversations, events};

/// Events read from the database at a time while catching up.
const REPLAY_BATCH: i64 = 100;

/// Most events one stream may have queued, whatever their size.
const MAX_QUEUED_EVENTS: usize = 256;

/// Seconds a caller with all its streams open is told to wait.
const STREAMS_RETRY_AFTER: u64 = 10;

/// The event routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(stream))
}

/// A queued event with its share of the stream's byte budget, given back once sent.
type Queued = (SseEvent, OwnedSemaphorePermit);

/// The sending side of one stream: a bounded queue and a budget of bytes.
struct Outbox {
    sender: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
    budget_bytes: usize,
}

impl Outbox {
    fn cost(&self, event: &StoredEvent) -> u32 {
        u32::try_from(event.json.len().clamp(1, self.budget_bytes)).unwrap_or(u32::MAX)
    }

    fn frame(event: &StoredEvent) -> SseEvent {
        SseEvent::default()
            .id(event.id.to_string())
            .data(event.json.as_str())
    }

    /// Queues a stored event, waiting for room (catching up goes at the reader's pace);
    /// false when the reader is gone.
    async fn send(&self, event: &StoredEvent) -> bool {
        let Ok(permit) = Arc::clone(&self.budget)
            .acquire_many_owned(self.cost(event))
            .await
        else {
            return false;
        };
        self.sender.send((Self::frame(event), permit)).await.is_ok()
    }

    /// Queues a live event if there is room; false when the reader is gone or too far
    /// behind, which ends the stream.
    fn offer(&self, event: &StoredEvent) -> bool {
        let Ok(permit) = Arc::clone(&self.budget).try_acquire_many_owned(self.cost(event)) else {
            tracing::info!("closing an event stream whose reader fell behind");
            return false;
        };
        self.sender.try_send((Self::frame(event), permit)).is_ok()
    }
}

/// What one stream may see.
struct Scope {
    caller: Caller,
    conversation_id: Option<String>,
    visible: HashSet<String>,
}

impl Scope {
    fn shows(&self, event: &StoredEvent) -> bool {
        self.visible.contains(&event.conversation_id)
            && self
                .conversation_id
                .as_ref()
                .is_none_or(|id| *id == event.conversation_id)
    }
}

async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Query,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let token = bearer_token(&headers).or_else(|| query.get("access_token"));
    let caller = state.auth.authenticate(token).await?;
    let slot = state
        .streams
        .try_open(&caller.id)
        .ok_or(ApiError::RateLimited {
            retry_after: STREAMS_RETRY_AFTER,
            message: "at most 8 event streams may be open per caller",
        })?;
    let last_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .or_else(|| query.get("last_event_id"))
        .map(|text| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::param("Last-Event-ID", "Last-Event-ID must be an event id"))
        })
        .transpose()?;
    let conversation_id = query.get("conversation_id").map(str::to_owned);
    let reader = caller.clone();
    let visible: HashSet<String> = state
        .db
        .read(move |conn| conversations::ids_of(conn, &reader))
        .await?
        .into_iter()
        .collect();
    if conversation_id
        .as_ref()
        .is_some_and(|id| !visible.contains(id))
    {
        return Err(ApiError::NotFound("no such conversation"));
    }
    let start = match last_id {
        Some(id) => id,
        None => state.db.read(events::max_id).await?,
    };
    let live = state.db.subscribe();
    let (sender, receiver) = mpsc::channel(MAX_QUEUED_EVENTS);
    let budget_bytes = state.settings.stream_queue_bytes.max(1);
    let outbox = Outbox {
        sender,
        budget: Arc::new(Semaphore::new(budget_bytes)),
        budget_bytes,
    };
    let scope = Scope {
        caller,
        conversation_id,
        visible,
    };
    tokio::spawn(pump(state.db.clone(), scope, start, live, outbox, slot));
    // Taking an event off the queue gives its bytes back to the budget.
    let events = ReceiverStream::new(receiver).map(|(event, _permit)| Ok(event));
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Sends the stored events after `last`; the id of the last one sent, or `None` when the
/// client is gone or the database failed.
async fn replay(db: &Db, scope: &Arc<Scope>, mut last: i64, outbox: &Outbox) -> Option<i64> {
    loop {
        let reader = Arc::clone(scope);
        let batch = db
            .read(move |conn| {
                events::after(
                    conn,
                    &reader.caller,
                    last,
                    reader.conversation_id.as_deref(),
                    REPLAY_BATCH,
                )
            })
            .await;
        let batch = match batch {
            Ok(batch) => batch,
            Err(error) => {
                tracing::error!(%error, "event replay failed");
                return None;
            }
        };
        for event in &batch {
            if !outbox.send(event).await {
                return None;
            }
            last = event.id;
        }
        if (batch.len() as i64) < REPLAY_BATCH {
            return Some(last);
        }
    }
}

/// Replays what the client missed since event `start`, then forwards live events, each
/// exactly once; holds the caller's stream slot until the stream ends.
async fn pump(
    db: Db,
    scope: Scope,
    start: i64,
    mut live: broadcast::Receiver<Arc<StoredEvent>>,
    outbox: Outbox,
    _slot: StreamSlot,
) {
    let scope = Arc::new(scope);
    let Some(mut last) = replay(&db, &scope, start, &outbox).await else {
        return;
    };
    loop {
        let received = tokio::select! {
            () = outbox.sender.closed() => return,
            received = live.recv() => received,
        };
        match received {
            Ok(event) if event.id > last => {
                last = event.id;
                if scope.shows(&event) && !outbox.offer(&event) {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                match replay(&db, &scope, last, &outbox).await {
                    Some(sent) => last = sent,
                    None => return,
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}
