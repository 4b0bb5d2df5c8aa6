//! The one error type of the API: every failure becomes the API.md error envelope.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol_api::{ErrorBody, ErrorType};

/// Longest request URI (path and query) answered; a longer one is a 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Everything a request can fail with; internals are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a malformed body or a bad parameter (`param` names it when one is to blame).
    #[error("{message}")]
    InvalidRequest {
        /// The human sentence sent to the client.
        message: String,
        /// The parameter to blame, if one is.
        param: Option<String>,
    },
    /// 401: no token or an unknown one.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 403: not the caller's to change.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: unknown, or not visible to the caller.
    #[error("{0}")]
    NotFound(&'static str),
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: an idempotency key reused with other parameters.
    #[error("this Idempotency-Key was already used with different parameters")]
    Idempotency,
    /// 412: `If-Match` does not match the current `ETag`.
    #[error("the message changed since the given If-Match ETag")]
    Conflict,
    /// 413: body or upload over its limit.
    #[error("{0}")]
    TooLarge(&'static str),
    /// 414: a request URI over [`MAX_URI_BYTES`].
    #[error("the request URI is over 8 KiB")]
    UriTooLong,
    /// 429: too many requests (or open streams, or downloads); retry after that many seconds.
    #[error("{message}")]
    RateLimited {
        /// Seconds to wait, sent as `Retry-After`.
        retry_after: u64,
        /// The human sentence sent to the client.
        message: &'static str,
    },
    /// 503: an injected fault (`--fail-rate`).
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// 500: the server's fault; the detail is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 blaming no single parameter.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            param: None,
        }
    }

    /// A 400 blaming `param`.
    pub fn param(param: &str, message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            param: Some(param.to_owned()),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Idempotency => StatusCode::CONFLICT,
            Self::Conflict => StatusCode::PRECONDITION_FAILED,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> ErrorType {
        match self {
            Self::InvalidRequest { .. }
            | Self::TooLarge(_)
            | Self::MethodNotAllowed
            | Self::UriTooLong => ErrorType::InvalidRequest,
            Self::Unauthenticated(_) => ErrorType::AuthenticationError,
            Self::Forbidden(_) => ErrorType::PermissionError,
            Self::NotFound(_) => ErrorType::NotFoundError,
            Self::Idempotency => ErrorType::IdempotencyError,
            Self::Conflict => ErrorType::ConflictError,
            Self::RateLimited { .. } => ErrorType::RateLimitError,
            Self::Unavailable | Self::Internal(_) => ErrorType::ApiError,
        }
    }

    /// The envelope sent to the client.
    pub fn body(&self) -> ErrorBody {
        let (message, param) = match self {
            Self::InvalidRequest { message, param } => (message.clone(), param.clone()),
            Self::Internal(_) => ("something went wrong on our side".to_owned(), None),
            other => (other.to_string(), None),
        };
        ErrorBody::new(self.kind(), message, param)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Self::RateLimited { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Internal(format!("database: {error}"))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(error: std::io::Error) -> Self {
        Self::Internal(format!("io: {error}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(format!("json: {error}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task: {error}"))
    }
}

/// The fallback for unknown routes: 404 in the envelope.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such route")
}

/// The fallback for known routes with a wrong method: 405 in the envelope.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
