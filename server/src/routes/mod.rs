//! One router per resource, merged under `/v1` by [`crate::app`].

pub mod attachments;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod files;
pub mod groups;
pub mod messages;
pub mod test_control;

use axum::Router;

use crate::state::AppState;

/// Every `/v1` route (paths relative to `/v1`).
pub fn v1() -> Router<AppState> {
    Router::new()
        .merge(messages::router())
        .merge(attachments::router())
        .merge(conversations::router())
        .merge(contacts::router())
        .merge(groups::router())
        .merge(events::router())
}
