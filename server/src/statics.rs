//! The app's own files (`--static`), served with security headers: a
//! Content-Security-Policy for the server's own origin (README "Deploy"; plus the API
//! origin a `config.json` there names), `X-Content-Type-Options: nosniff`, no referrer, and
//! framing only by the origins `--frame-ancestor` allows; a file's precompressed copy where
//! the build made one and the browser accepts it. A missing file is a small text 404.

use std::path::Path;

use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The origin (`scheme://host[:port]`) of an absolute URL, if it has one.
pub fn origin_of(url: &str) -> Option<String> {
    let uri: Uri = url.trim().parse().ok()?;
    let scheme = uri
        .scheme_str()
        .filter(|s| matches!(*s, "http" | "https"))?;
    let authority = uri.authority()?;
    Some(format!("{scheme}://{authority}"))
}

/// The API origin the app in `dir` is configured with (`config.json`'s `api_base`), when it
/// is not the page's own.
fn configured_api_origin(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_str(&text).ok()?;
    origin_of(config.get("api_base")?.as_str()?)
}

/// The Content-Security-Policy of the app's pages.
pub fn content_security_policy(api_origin: Option<&str>, frame_ancestors: &[String]) -> String {
    let api = api_origin
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        frame_ancestors.join(" ")
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:{api}; connect-src 'self'{api}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "Not found\n")
}

/// The files of `dir` with the headers above; anything else is a text 404.
pub fn router(dir: &Path, frame_ancestors: &[String]) -> Router {
    let policy = content_security_policy(configured_api_origin(dir).as_deref(), frame_ancestors);
    let policy = HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"));
    // The build's brotli and gzip copies (`x.br`, `x.gz`) go to browsers that accept them.
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found.into_service());
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}
