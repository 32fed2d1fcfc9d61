//! The crate's one error type and its stable, documented error codes.
//!
//! Every failure a client can see is an [`Error`]: an [`ErrorCode`] (which fixes the HTTP status
//! and the machine-readable `code`) plus a message. Its JSON body is
//! `{"code": "invalid_query", "message": "...", "status": 400, "detail": "..."}`; `detail`
//! repeats the message because yente clients read errors from there. An `invalid_name` error
//! adds `reason`, the stable code of [`NotScreenedReason`].

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;
use ward_engine::{NotScreened, NotScreenedReason, MAX_NAME_CHARS};
use ward_store::UserErrorKind;

/// A stable error code. Codes are part of the API: add new ones, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The body is not JSON, or not JSON of the expected shape.
    MalformedJson,
    /// The query is well-formed JSON but cannot be screened (unknown schema or property, no
    /// name, bad parameter).
    InvalidQuery,
    /// The batch holds no queries or more than the batch limit.
    InvalidBatch,
    /// A name of the query cannot be screened (empty, without letters, too long); the error's
    /// `reason` says which. Never answered as a screening without hits.
    InvalidName,
    /// An uploaded list could not be read.
    InvalidList,
    /// A payment message body could not be read: not ISO 20022 or SWIFT MT, unreadable XML, a
    /// broken MT block, a message type Ward does not screen, or a syntax other than the
    /// `Content-Type` declared.
    InvalidPayment,
    /// The body is over the configured size limit.
    PayloadTooLarge,
    /// The body's `Content-Type` is not one the route reads (JSON; for payments XML or plain
    /// text).
    UnsupportedMediaType,
    /// No API key was given.
    MissingKey,
    /// The API key is unknown or revoked.
    InvalidKey,
    /// The key lacks the scope the route needs.
    Forbidden,
    /// No such dataset.
    DatasetNotFound,
    /// No such entity.
    EntityNotFound,
    /// No API key with this id.
    KeyNotFound,
    /// No alert with this id.
    AlertNotFound,
    /// The list has no version with this number.
    VersionNotFound,
    /// A rollback with nothing to do: no earlier content, or the content named is current.
    InvalidRollback,
    /// No such route.
    RouteNotFound,
    /// The route does not take this method.
    MethodNotAllowed,
    /// The key's rate limit is exhausted.
    RateLimited,
    /// The server has no list loaded yet.
    NotReady,
    /// The server is at its connection limit and serves only `/healthz` and `/readyz`.
    Overloaded,
    /// The request body did not arrive within the body timeout.
    BodyTimeout,
    /// A fault on Ward's side (the store failed, the audit trail could not be written).
    Internal,
    /// No decision with this id.
    DecisionNotFound,
    /// A decision that does not hold together (reason "other" without a remark, a suppression
    /// on a confirmation, a good-guy date not in the future), or a bad queue cursor.
    InvalidDecision,
    /// The alert or decision is not in a state that allows this: the alert is not open, a
    /// decision is pending, the decision is no longer pending.
    ReviewConflict,
    /// Four eyes: the caller requested the decision it tries to approve or reject, or its role
    /// may not approve.
    NotPermitted,
    /// No monitored book with this name.
    BookNotFound,
}

impl ErrorCode {
    /// The code as sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::InvalidBatch => "invalid_batch",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidList => "invalid_list",
            ErrorCode::InvalidPayment => "invalid_payment",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MissingKey => "missing_key",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::DatasetNotFound => "dataset_not_found",
            ErrorCode::EntityNotFound => "entity_not_found",
            ErrorCode::KeyNotFound => "key_not_found",
            ErrorCode::AlertNotFound => "alert_not_found",
            ErrorCode::VersionNotFound => "version_not_found",
            ErrorCode::InvalidRollback => "invalid_rollback",
            ErrorCode::RouteNotFound => "route_not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::NotReady => "not_ready",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::BodyTimeout => "body_timeout",
            ErrorCode::Internal => "internal",
            ErrorCode::DecisionNotFound => "decision_not_found",
            ErrorCode::InvalidDecision => "invalid_decision",
            ErrorCode::ReviewConflict => "review_conflict",
            ErrorCode::NotPermitted => "not_permitted",
            ErrorCode::BookNotFound => "book_not_found",
        }
    }

    /// The HTTP status the code is sent with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson
            | ErrorCode::InvalidQuery
            | ErrorCode::InvalidBatch
            | ErrorCode::InvalidName
            | ErrorCode::InvalidList
            | ErrorCode::InvalidPayment
            | ErrorCode::InvalidDecision => StatusCode::BAD_REQUEST,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::MissingKey | ErrorCode::InvalidKey => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::NotPermitted => StatusCode::FORBIDDEN,
            ErrorCode::DatasetNotFound
            | ErrorCode::EntityNotFound
            | ErrorCode::KeyNotFound
            | ErrorCode::AlertNotFound
            | ErrorCode::DecisionNotFound
            | ErrorCode::BookNotFound
            | ErrorCode::VersionNotFound
            | ErrorCode::RouteNotFound => StatusCode::NOT_FOUND,
            ErrorCode::InvalidRollback | ErrorCode::ReviewConflict => StatusCode::CONFLICT,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::NotReady | ErrorCode::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Every code, for the `OpenAPI` document.
    pub const ALL: [ErrorCode; 29] = [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidQuery,
        ErrorCode::InvalidBatch,
        ErrorCode::InvalidName,
        ErrorCode::InvalidList,
        ErrorCode::InvalidPayment,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MissingKey,
        ErrorCode::InvalidKey,
        ErrorCode::Forbidden,
        ErrorCode::DatasetNotFound,
        ErrorCode::EntityNotFound,
        ErrorCode::KeyNotFound,
        ErrorCode::AlertNotFound,
        ErrorCode::VersionNotFound,
        ErrorCode::InvalidRollback,
        ErrorCode::RouteNotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::RateLimited,
        ErrorCode::NotReady,
        ErrorCode::Overloaded,
        ErrorCode::BodyTimeout,
        ErrorCode::Internal,
        ErrorCode::DecisionNotFound,
        ErrorCode::InvalidDecision,
        ErrorCode::ReviewConflict,
        ErrorCode::NotPermitted,
        ErrorCode::BookNotFound,
    ];
}

/// An error as the client sees it. User errors carry a message meant for the client; internal
/// errors carry the cause for the log and a generic message for the client.
#[derive(Debug, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct Error {
    code: ErrorCode,
    message: String,
    /// Seconds to wait, for [`ErrorCode::RateLimited`] and [`ErrorCode::Overloaded`].
    retry_after: Option<u64>,
    /// Why a name is not screened, for [`ErrorCode::InvalidName`].
    reason: Option<NotScreenedReason>,
}

impl Error {
    /// An error with a code and a message for the client.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error { code, message: message.into(), retry_after: None, reason: None }
    }

    /// A query that cannot be screened, as [`ErrorCode::InvalidName`] with its reason;
    /// `context` names the query (`query "q1"`).
    pub fn not_screened(context: &str, refusal: &NotScreened) -> Error {
        Error {
            code: ErrorCode::InvalidName,
            message: format!("{context}: {refusal}"),
            retry_after: None,
            reason: Some(refusal.reason()),
        }
    }

    /// A rate-limit error telling the client when to retry.
    pub fn rate_limited(retry_after: u64) -> Error {
        Error {
            code: ErrorCode::RateLimited,
            message: format!("rate limit exceeded; retry in {retry_after} s"),
            retry_after: Some(retry_after),
            reason: None,
        }
    }

    /// The connection limit is reached: only health checks are served for now.
    pub fn overloaded(retry_after: u64) -> Error {
        Error {
            code: ErrorCode::Overloaded,
            message: format!(
                "the server is at its connection limit and answers only /healthz and /readyz; retry in {retry_after} s"
            ),
            retry_after: Some(retry_after),
            reason: None,
        }
    }

    /// A fault on Ward's side: logged in full, answered with a generic message so no internals
    /// (paths, connection strings) reach the client.
    pub fn internal(cause: impl std::fmt::Display) -> Error {
        tracing::error!(error = %cause, "Internal error");
        Error::new(ErrorCode::Internal, "internal error; see the server log")
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message for the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error as JSON: `{"code", "message", "status", "detail"}`, and `reason` for
    /// [`ErrorCode::InvalidName`]. Also the `error` of one refused query in a batch.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.as_str(),
            message: self.message.clone(),
            status: self.code.status().as_u16(),
            detail: self.message.clone(),
            reason: self.reason.map(NotScreenedReason::code),
        }
    }
}

/// The body of every error answer, and the `error` of a query of a batch that is not screened.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// The stable error code; it fixes the HTTP status.
    #[schema(schema_with = error_code_schema)]
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
    /// The message again, where yente clients look.
    pub detail: String,
    /// With `invalid_name` only: why the name is not screened (empty or missing, no letters in
    /// any script, or too long).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = not_screened_reason_schema)]
    pub reason: Option<&'static str>,
}

/// `code`: one of [`ErrorCode::ALL`].
fn error_code_schema() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.as_str())))
}

/// `reason`: the code of one of [`NotScreenedReason::ALL`].
fn not_screened_reason_schema() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(NotScreenedReason::ALL.iter().map(|reason| reason.code())))
        .description(Some(format!(
            "With `invalid_name` only: why the name is not screened (empty or missing, no letters \
             in any script, longer than {MAX_NAME_CHARS} characters)."
        )))
}

impl From<ward_store::Error> for Error {
    fn from(e: ward_store::Error) -> Error {
        match e {
            ward_store::Error::User(e) => Error::new(user_error_code(e.kind()), e.to_string()),
            ward_store::Error::Internal(e) => Error::internal(e),
        }
    }
}

/// The code of a store error the caller caused: always a client error (4xx), never a 500. The
/// match has no catch-all, so a new kind of store error does not compile until it has a code.
fn user_error_code(kind: UserErrorKind) -> ErrorCode {
    match kind {
        UserErrorKind::UnknownKey => ErrorCode::KeyNotFound,
        UserErrorKind::NoList => ErrorCode::DatasetNotFound,
        UserErrorKind::NoVersion | UserErrorKind::NoEarlierVersion => ErrorCode::VersionNotFound,
        UserErrorKind::NothingToRollBack | UserErrorKind::AlreadyCurrent => ErrorCode::InvalidRollback,
        UserErrorKind::EmptyList | UserErrorKind::Shrink => ErrorCode::InvalidList,
        UserErrorKind::UnknownAlert => ErrorCode::AlertNotFound,
        UserErrorKind::UnknownDecision => ErrorCode::DecisionNotFound,
        UserErrorKind::AlertNotOpen
        | UserErrorKind::AlertChanged
        | UserErrorKind::DecisionPending
        | UserErrorKind::NotPending => ErrorCode::ReviewConflict,
        UserErrorKind::NotSupervisor | UserErrorKind::OwnDecision => ErrorCode::NotPermitted,
        UserErrorKind::BadDecision => ErrorCode::InvalidDecision,
        UserErrorKind::BadTime
        | UserErrorKind::BadCursor
        | UserErrorKind::UserExists
        | UserErrorKind::BadUserName
        | UserErrorKind::ShortPassword
        | UserErrorKind::ReservedBook => ErrorCode::InvalidQuery,
        UserErrorKind::BadPaymentHold => ErrorCode::InvalidPayment,
        // No request reaches these (they come from opening the store and creating keys, which
        // the API does not offer); they keep the code of an upload's errors.
        UserErrorKind::TooNew | UserErrorKind::BadSchemaName | UserErrorKind::NoScope => {
            ErrorCode::InvalidList
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_store_user_error_is_a_client_error() {
        for &kind in UserErrorKind::ALL {
            let status = user_error_code(kind).status();
            assert!(status.is_client_error(), "{kind:?} is answered with {status}");
        }
    }
}
