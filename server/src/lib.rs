//! The reference server of the Protocol messages API (`/work/shared/API.md`): axum over
//! SQLite. [`app`] builds the whole HTTP surface so tests can drive it without a socket.

pub mod auth;
pub mod body;
pub mod cli;
pub mod db;
pub mod error;
pub mod faults;
pub mod files;
pub mod ids;
pub mod janitor;
pub mod limits;
pub mod routes;
pub mod seed;
pub mod state;
pub mod statics;
pub mod store;

use std::any::Any;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use error::ApiError;
pub use state::{AppState, CorsOrigins, Settings};

fn cors(origins: &CorsOrigins) -> Option<CorsLayer> {
    let allow = match origins {
        CorsOrigins::None => return None,
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok())
                .collect::<Vec<_>>(),
        ),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("last-event-id"),
            ])
            .expose_headers([header::ETAG])
            .max_age(Duration::from_secs(600)),
    )
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::Internal("a handler panicked".to_owned()).into_response()
}

/// Answers a request URI over [`error::MAX_URI_BYTES`] with 414: the API's envelope under
/// `/v1`, a short text elsewhere. (hyper itself refuses URIs over 64 KiB, with no body.)
async fn limit_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if length <= error::MAX_URI_BYTES {
        return next.run(request).await;
    }
    if uri.path().starts_with("/v1") {
        ApiError::UriTooLong.into_response()
    } else {
        (StatusCode::URI_TOO_LONG, "The request URI is too long\n").into_response()
    }
}

/// The whole server: `/v1` (with faults and rate limits), `/files`, the static app at `/`
/// when configured (with its security headers), all with CORS as configured; and
/// `/_test/faults` when enabled, outside CORS.
pub fn app(state: AppState) -> Router {
    let v1 = routes::v1()
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            limits::Limits::from_ref(&state),
            limits::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.faults.clone(),
            faults::middleware,
        ));
    let mut router = Router::new()
        .nest("/v1", v1)
        .merge(routes::files::router())
        .method_not_allowed_fallback(error::method_not_allowed);
    router = match &state.settings.static_dir {
        Some(dir) => router.fallback_service(statics::router(dir, &state.settings.frame_ancestors)),
        None => router.fallback(error::not_found),
    };
    if let Some(layer) = cors(&state.settings.cors) {
        router = router.layer(layer);
    }
    if state.settings.test_control {
        router = router.merge(routes::test_control::router());
    }
    router
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(limit_uri))
        .with_state(state)
}
