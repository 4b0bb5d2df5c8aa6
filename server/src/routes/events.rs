//! `/v1/events`: Server-Sent Events of message changes, resumable with `Last-Event-ID`.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures_util::Stream;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use crate::auth::{authenticate, bearer_token, Caller};
use crate::body::Query;
use crate::db::{Db, StoredEvent};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{conversations, events};

/// Events read from the database at a time while catching up.
const REPLAY_BATCH: i64 = 500;

/// The event routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(stream))
}

type Sender = mpsc::Sender<Result<SseEvent, Infallible>>;

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
    let caller = authenticate(&state, token).await?;
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
    let (sender, receiver) = mpsc::channel(64);
    let scope = Scope {
        caller,
        conversation_id,
        visible,
    };
    tokio::spawn(pump(state.db.clone(), scope, start, live, sender));
    Ok(Sse::new(ReceiverStream::new(receiver))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

async fn deliver(sender: &Sender, event: &StoredEvent) -> bool {
    let sse = SseEvent::default()
        .id(event.id.to_string())
        .data(event.json.as_str());
    sender.send(Ok(sse)).await.is_ok()
}

/// Sends the stored events after `last`; the id of the last one sent, or `None` when the
/// client is gone or the database failed.
async fn replay(db: &Db, scope: &Arc<Scope>, mut last: i64, sender: &Sender) -> Option<i64> {
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
            if !deliver(sender, event).await {
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
/// exactly once.
async fn pump(
    db: Db,
    scope: Scope,
    start: i64,
    mut live: broadcast::Receiver<Arc<StoredEvent>>,
    sender: Sender,
) {
    let scope = Arc::new(scope);
    let Some(mut last) = replay(&db, &scope, start, &sender).await else {
        return;
    };
    loop {
        let received = tokio::select! {
            () = sender.closed() => return,
            received = live.recv() => received,
        };
        match received {
            Ok(event) if event.id > last => {
                last = event.id;
                if scope.shows(&event) && !deliver(&sender, &event).await {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                match replay(&db, &scope, last, &sender).await {
                    Some(sent) => last = sent,
                    None => return,
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}
