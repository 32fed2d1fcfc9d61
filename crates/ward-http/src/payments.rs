//! `POST /screen/payment`: payment messages screened field by field with the snapshot's
//! payment screener. The body is the raw message (ISO 20022 XML as `application/xml`, SWIFT MT
//! as `text/plain`); the answer holds one decision per message, the same JSON as `ward
//! payments screen --json`; the request is recorded in the audit trail before it is answered.
//! A cover payment is also compared with the customer transfer of its UETR seen earlier by this
//! server ([`crate::AppState`] remembers the last
//! [`ward_payments::DEFAULT_REMEMBERED_TRANSFERS`]; replicas do not share them).
//!
//! Every held message is stored as a case of the review desk (as [`Store::record_payment_hold`]
//! stores it) in the transaction of the request's audit record, with other requests' records
//! (group commit), before the answer is sent: a hold that is answered is durable. A message sent
//! again (same message id and UETR) does not make a second case.

use crate::error::{Error, ErrorCode, Result};
use crate::extract::ScreenAccess;
use crate::response::PaymentResponse;
use crate::routes::audit_with_holds_and_wait;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde_json::json;
use std::sync::Arc;
use ward_payments::{Decision, Message, MessageDecision, Screening, Syntax};
use ward_store::{AuditRecord, MessageSyntax, NewPaymentHold};

/// The `Content-Type` of an ISO 20022 body.
pub(crate) const XML_CONTENT_TYPE: &str = "application/xml";

/// The `Content-Type` of a SWIFT MT body.
pub(crate) const MT_CONTENT_TYPE: &str = "text/plain";

/// Messages screened inline on the async thread; more go to a blocking thread (a message takes
/// a fraction of a millisecond).
const INLINE_MESSAGES: usize = 1;

/// The audit record's dataset: payments are screened against every list.
const AUDIT_DATASET: &str = "default";

/// The source the desk shows for holds of this route.
const HOLD_SOURCE: &str = "http /screen/payment";

/// The case to store for a held message (`None` when it is released): the raw text it came in,
/// its decision and the list versions it was screened against. Shared with `ward payments
/// consume`, so that both store the same cases.
pub fn payment_hold(
    message: &Message,
    decision: &MessageDecision,
    raw: &str,
    list_versions: &[i64],
    source: &str,
) -> Option<NewPaymentHold> {
    if !decision.is_hold() {
        return None;
    }
    Some(NewPaymentHold {
        message_id: decision.message_id.clone(),
        uetr: decision.uetr.clone(),
        format: decision.format.clone(),
        syntax: match message.syntax {
            Syntax::Iso20022 => MessageSyntax::Iso20022,
            Syntax::SwiftMt => MessageSyntax::SwiftMt,
        },
        raw: raw.to_string(),
        // Serializing a decision cannot fail: it holds strings, numbers and enums.
        decision: serde_json::to_value(decision).unwrap_or_default(),
        list_versions: list_versions.to_vec(),
        source: source.to_string(),
    })
}

/// The raw body of a payment request and the syntax its `Content-Type` declares.
pub(crate) struct PaymentBody {
    syntax: Syntax,
    content_type: &'static str,
    bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for PaymentBody {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<PaymentBody> {
        let (syntax, content_type) = declared_syntax(request.headers())?;
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::new(ErrorCode::PayloadTooLarge, "the request body is over the size limit")
            } else {
                Error::new(ErrorCode::InvalidPayment, rejection.body_text())
            }
        })?;
        Ok(PaymentBody { syntax, content_type, bytes })
    }
}

/// The syntax a `Content-Type` declares: XML types (`application/xml`, `text/xml`,
/// `application/*+xml`) are ISO 20022, `text/plain` is SWIFT MT; parameters (`charset`) are
/// allowed. Anything else, or none, is `unsupported_media_type`.
fn declared_syntax(headers: &HeaderMap) -> Result<(Syntax, &'static str)> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase());
    let is_xml = |essence: &str| {
        essence == XML_CONTENT_TYPE
            || essence == "text/xml"
            || essence.strip_prefix("application/").is_some_and(|subtype| subtype.ends_with("+xml"))
    };
    match essence.as_deref() {
        Some(essence) if is_xml(essence) => Ok((Syntax::Iso20022, XML_CONTENT_TYPE)),
        Some(MT_CONTENT_TYPE) => Ok((Syntax::SwiftMt, MT_CONTENT_TYPE)),
        _ => Err(Error::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "send the raw payment message with Content-Type: {XML_CONTENT_TYPE} (ISO 20022) or \
                 {MT_CONTENT_TYPE} (SWIFT MT)"
            ),
        )),
    }
}

/// Reads the messages of the body and checks that they are of the declared syntax.
fn read(body: &PaymentBody) -> Result<Vec<Message>> {
    let messages = ward_payments::read_messages(&body.bytes)
        .map_err(|e| Error::new(ErrorCode::InvalidPayment, format!("the body: {e}")))?;
    if let Some(message) = messages.iter().find(|m| m.syntax != body.syntax) {
        let (found, content_type) = match message.syntax {
            Syntax::Iso20022 => ("ISO 20022 XML", XML_CONTENT_TYPE),
            Syntax::SwiftMt => ("SWIFT MT", MT_CONTENT_TYPE),
        };
        return Err(Error::new(
            ErrorCode::InvalidPayment,
            format!(
                "the body is {found} but was sent as {}; send it with Content-Type: {content_type}",
                body.content_type
            ),
        ));
    }
    Ok(messages)
}

/// `POST /screen/payment`: hold or release each message of the body, with every hit by field.
pub(crate) async fn screen_payment(
    State(state): State<AppState>,
    ScreenAccess(audit): ScreenAccess,
    body: PaymentBody,
) -> Result<Json<PaymentResponse>> {
    let messages = read(&body)?;
    let snapshot = state.snapshot();
    let screen = |snapshot: &crate::Snapshot, messages: Vec<Message>| -> Vec<(Message, Screening)> {
        messages
            .into_iter()
            .map(|message| {
                let screening = snapshot.payments.screen(&message);
                (message, screening)
            })
            .collect()
    };
    let screened = if messages.len() <= INLINE_MESSAGES {
        screen(&snapshot, messages)
    } else {
        let snapshot = Arc::clone(&snapshot);
        tokio::task::spawn_blocking(move || screen(&snapshot, messages)).await.map_err(Error::internal)?
    };
    // Covers are compared with the customer transfers of their UETR seen before, in the order
    // of the body; the lock is held for map look-ups only.
    let screened: Vec<(Message, MessageDecision)> = {
        let mut transfers = state.inner.transfers.lock().unwrap_or_else(|e| e.into_inner());
        screened
            .into_iter()
            .map(|(message, mut screening)| {
                transfers.check(&message, &mut screening);
                let decision = MessageDecision::new(None, &message, screening);
                (message, decision)
            })
            .collect()
    };

    let payments = &snapshot.payments;
    let version_ids = snapshot.version_ids();
    let decision = if screened.iter().any(|(_, d)| d.is_hold()) { Decision::Hold } else { Decision::Release };
    let query = json!({
        "content_type": body.content_type,
        "size": body.bytes.len(),
        "messages": screened.iter().map(|(m, _)| payments.audited_query(None, m)).collect::<Vec<_>>(),
    });
    let results = json!({
        "decision": decision,
        "messages": screened.iter().map(|(_, d)| json!({"decision": d.decision, "hits": d.hits})).collect::<Vec<_>>(),
    });
    let record = AuditRecord {
        query_names: screened.iter().flat_map(|(m, _)| m.names()).collect(),
        list_versions: version_ids.clone(),
        results,
        top_score: screened.iter().map(|(_, d)| f64::from(d.top_score())).fold(0.0, f64::max),
        matched: decision == Decision::Hold,
        ..audit.record(AUDIT_DATASET, query)
    };
    // The body was read as UTF-8 text above.
    let raw = String::from_utf8_lossy(&body.bytes);
    let holds: Vec<NewPaymentHold> = screened
        .iter()
        .filter_map(|(message, decision)| payment_hold(message, decision, &raw, &version_ids, HOLD_SOURCE))
        .collect();
    // The held messages' cases commit in the audit record's transaction: answered only once
    // both are durable.
    audit_with_holds_and_wait(&state, record, holds).await?;
    Ok(Json(PaymentResponse {
        decision,
        messages: screened.into_iter().map(|(_, d)| d).collect(),
        list_versions: version_ids,
        geography: payments.geography().version(),
    }))
}
