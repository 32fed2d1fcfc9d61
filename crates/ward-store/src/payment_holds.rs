//! Payments held by screening, as cases of the review desk. A held message is stored once, by
//! its message key (message id and UETR), with the raw message, its decision and the list
//! versions it was screened against, and with one alert in book [`PAYMENTS_BOOK`] that the desk
//! works like any other: one alert per message, because the payment is released or kept as a
//! whole and the four-eyes flow allows one pending decision per alert.
//!
//! Decisions on a held payment: a release is a dismissal and always waits for a second person
//! (a hold follows a hit); a confirmation keeps the payment blocked; an escalation leaves it
//! held. When a release or confirmation takes effect, the hold's status changes and an outbox
//! event ([`TOPIC_PAYMENT_RELEASED`], [`TOPIC_PAYMENT_BLOCKED`]) tells the payment system, in
//! the decision's transaction.

use crate::book::{parse_stored, text_enum};
use crate::review::{read_alert, write_event, Actor, AlertEventKind, Decision, DecisionKind, NewEvent};
use crate::sql::{Sql, SqlRow};
use crate::{Alert, AlertReason, AlertStatus, Error, Result, UserError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The book whose alerts are held payments. No customer book may take this name, and the
/// monitor does not screen it (it has no customers).
pub const PAYMENTS_BOOK: &str = "payments";

/// The outbox topic of a held payment released by an approved decision: the payment system
/// may let it go.
pub const TOPIC_PAYMENT_RELEASED: &str = "ward.payments.released";

/// The outbox topic of a held payment whose hit was confirmed: the payment stays blocked (and
/// is reported).
pub const TOPIC_PAYMENT_BLOCKED: &str = "ward.payments.blocked";

text_enum! {
    /// Where a held payment stands.
    PaymentHoldStatus {
        /// Waiting for the desk.
        Held = "held",
        /// Released after an approved false-positive decision.
        Released = "released",
        /// Kept blocked after an approved confirmation of the hit.
        Blocked = "blocked",
    }
}

text_enum! {
    /// How a held message is written, so that the desk can find its fields in the raw text.
    MessageSyntax {
        /// ISO 20022 XML.
        Iso20022 = "iso20022",
        /// SWIFT MT (FIN blocks and `:TAG:` fields).
        SwiftMt = "mt",
    }
}

/// One hit of a held message, as payment screening reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldHit {
    /// The field path (`CdtTrfTxInf[0]/Cdtr/Nm`, `59`).
    pub field: String,
    /// The value found.
    pub value: String,
    /// The kind of hit (`name`, `bic`, `country`, `city`, `text`, `stripping`).
    pub kind: String,
    /// The listed subject's id, or `geography:<place id>`.
    pub subject_id: String,
    /// The records of the subject, or `AUTHORITY:programme` of a place.
    #[serde(default)]
    pub referents: Vec<String>,
    /// Score in [0, 1].
    pub score: f64,
    /// The reasons, in words.
    #[serde(default)]
    pub explanations: Vec<String>,
}

/// A held message to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPaymentHold {
    /// ISO `MsgId`, MT field 20.
    pub message_id: Option<String>,
    /// The UETR, where present.
    pub uetr: Option<String>,
    /// `pacs.008.001.08`, `MT103`.
    pub format: String,
    /// How `raw` is written: the desk finds each hit's field in it.
    pub syntax: MessageSyntax,
    /// The message as received (the whole body or NATS message it came in).
    pub raw: String,
    /// The decision as screening answered it (JSON with a `hits` array of [`HoldHit`]s).
    pub decision: serde_json::Value,
    /// The list versions (ids) it was screened against.
    pub list_versions: Vec<i64>,
    /// Who screened it (`http /screen/payment`, `nats:STREAM`).
    pub source: String,
}

impl NewPaymentHold {
    /// The key a redelivered message has too: `MSGID|UETR`, or a hash of the raw message when
    /// it has neither.
    pub fn message_key(&self) -> String {
        message_key(self.message_id.as_deref(), self.uetr.as_deref(), &self.raw)
    }
}

/// The key of a message: `MSGID|UETR`, or `sha256:HEX` of the raw message when it has neither.
pub fn message_key(message_id: Option<&str>, uetr: Option<&str>, raw: &str) -> String {
    match (message_id, uetr) {
        (None, None) => format!("sha256:{}", hex::encode(Sha256::digest(raw.as_bytes()))),
        (message_id, uetr) => format!("{}|{}", message_id.unwrap_or_default(), uetr.unwrap_or_default()),
    }
}

/// A held payment as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentHold {
    /// Its id.
    pub id: i64,
    /// [`NewPaymentHold::message_key`].
    pub message_key: String,
    /// ISO `MsgId`, MT field 20.
    pub message_id: Option<String>,
    /// The UETR.
    pub uetr: Option<String>,
    /// `pacs.008.001.08`, `MT103`.
    pub format: String,
    /// How `raw` is written.
    pub syntax: MessageSyntax,
    /// The message as received.
    pub raw: String,
    /// The decision as screening answered it.
    pub decision: serde_json::Value,
    /// Its hits, read from `decision`.
    pub hits: Vec<HoldHit>,
    /// The list versions (ids) it was screened against.
    pub list_versions: Vec<i64>,
    /// Who screened it.
    pub source: String,
    /// The desk's alert for it.
    pub alert_id: i64,
    /// Where it stands.
    pub status: PaymentHoldStatus,
    /// When it was held.
    pub created_at: String,
    /// When its status last changed.
    pub updated_at: String,
}

/// What storing a hold did.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedHold {
    /// The hold: the new one, or the one stored earlier under the same message key.
    pub hold: PaymentHold,
    /// Whether this call stored it (false for a redelivered message).
    pub created: bool,
}

fn hits_of(decision: &serde_json::Value) -> Result<Vec<HoldHit>> {
    let hits = decision.get("hits").cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value(hits).map_err(|e| {
        UserError::BadPaymentHold {
            message: format!("the decision's \"hits\" are not a list of payment hits: {e}"),
        }
        .into()
    })
}

const HOLD_SELECT: &str = "SELECT id, message_key, message_id, uetr, format, syntax, raw, decision,
    list_versions, source, alert_id, status, created_at, updated_at FROM payment_holds";

fn hold_of(row: &SqlRow) -> Result<PaymentHold> {
    let decision: serde_json::Value = serde_json::from_str(&row.text(7)?)?;
    let id = row.int(0)?;
    Ok(PaymentHold {
        id,
        message_key: row.text(1)?,
        message_id: row.opt_text(2)?,
        uetr: row.opt_text(3)?,
        format: row.text(4)?,
        syntax: parse_stored(&row.text(5)?)?,
        raw: row.text(6)?,
        hits: hits_of(&decision)?,
        decision,
        list_versions: serde_json::from_str(&row.text(8)?)?,
        source: row.text(9)?,
        alert_id: row
            .opt_int(10)?
            .ok_or_else(|| Error::missing(format!("the alert of payment hold {id}")))?,
        status: parse_stored(&row.text(11)?)?,
        created_at: row.text(12)?,
        updated_at: row.text(13)?,
    })
}

fn holds_where(sql: &mut dyn Sql, clause: &str, args: &[crate::sql::Arg]) -> Result<Vec<PaymentHold>> {
    let rows = sql.query(&format!("{HOLD_SELECT} {clause} ORDER BY id"), args)?;
    rows.iter().map(hold_of).collect()
}

/// The hold of alert `alert_id`, if it is one.
pub(crate) fn hold_of_alert(sql: &mut dyn Sql, alert_id: i64) -> Result<Option<PaymentHold>> {
    Ok(holds_where(sql, "WHERE alert_id = $1", &[alert_id.into()])?.into_iter().next())
}

/// The hold stored under `message_key`, if any.
pub(crate) fn hold_by_key(sql: &mut dyn Sql, message_key: &str) -> Result<Option<PaymentHold>> {
    Ok(holds_where(sql, "WHERE message_key = $1", &[message_key.into()])?.into_iter().next())
}

/// The alert of a held message: the best hit's subject, every hit's referents and one
/// explanation line per hit naming its field.
fn hold_alert(new: &NewPaymentHold, key: &str, hits: &[HoldHit], at: &str) -> Alert {
    let best = hits.iter().max_by(|a, b| a.score.total_cmp(&b.score));
    let mut referents: Vec<String> = Vec::new();
    for referent in hits.iter().flat_map(|hit| &hit.referents) {
        if !referents.contains(referent) {
            referents.push(referent.clone());
        }
    }
    let explanations = hits
        .iter()
        .map(|hit| {
            format!(
                "{} ({}): {:?} matches {} at {:.2}. {}",
                hit.field,
                hit.kind,
                hit.value,
                hit.subject_id,
                hit.score,
                hit.explanations.join(" ")
            )
        })
        .collect();
    let label = match &new.message_id {
        Some(message_id) => format!("{} {message_id}", new.format),
        None => new.format.clone(),
    };
    Alert {
        id: 0,
        book: PAYMENTS_BOOK.to_string(),
        customer_id: key.to_string(),
        customer_name: match best {
            Some(hit) => format!("{label}: {}", hit.value),
            None => label,
        },
        subject_id: best.map(|hit| hit.subject_id.clone()).unwrap_or_default(),
        referents,
        score: best.map_or(0.0, |hit| hit.score),
        explanations,
        reason: AlertReason::PaymentHeld,
        status: AlertStatus::Open,
        close_reason: None,
        list_versions: new.list_versions.clone(),
        created_at: at.to_string(),
        updated_at: at.to_string(),
    }
}

/// The hits of a hold the desk can take: one with hits (a held message) and no NUL character
/// in its texts; else a user error.
pub(crate) fn check(new: &NewPaymentHold) -> Result<Vec<HoldHit>> {
    let hits = hits_of(&new.decision)?;
    check_texts(new, &hits)?;
    Ok(hits)
}

fn check_texts(new: &NewPaymentHold, hits: &[HoldHit]) -> Result<()> {
    let bad = |message: String| Err(UserError::BadPaymentHold { message }.into());
    if hits.is_empty() {
        return bad(format!(
            "message {} has no hit: only a held message (one with hits) is stored as a case",
            new.message_key()
        ));
    }
    let texts = [Some(new.raw.as_str()), new.message_id.as_deref(), new.uetr.as_deref(), Some(&new.format)];
    if texts.iter().flatten().any(|text| text.contains('\0')) {
        return bad(format!(
            "message {} holds a NUL character, which no database column can hold",
            new.message_key()
        ));
    }
    Ok(())
}

/// Stores a held message with its alert and the alert's first history event, unless a hold
/// with its key exists; then returns that one. A second writer with the same key waits on the
/// key's unique index and finds the first one's hold.
pub(crate) fn record(sql: &mut dyn Sql, new: &NewPaymentHold, at: &str) -> Result<RecordedHold> {
    let created = insert(sql, new, at)?;
    let key = new.message_key();
    let hold = hold_by_key(sql, &key)?
        .ok_or_else(|| Error::missing(format!("the payment hold of message {key}")))?;
    Ok(RecordedHold { hold, created })
}

/// Stores a held message as [`record`] does, without reading it back; returns whether it was
/// new (false: a hold with its key exists).
pub(crate) fn insert(sql: &mut dyn Sql, new: &NewPaymentHold, at: &str) -> Result<bool> {
    let hits = check(new)?;
    let key = new.message_key();
    let inserted = sql.query(
        "INSERT INTO payment_holds (message_key, message_id, uetr, format, syntax, raw, decision, list_versions,
             source, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'held', $10, $10)
         ON CONFLICT (message_key) DO NOTHING RETURNING id",
        &[
            key.as_str().into(),
            new.message_id.clone().into(),
            new.uetr.clone().into(),
            new.format.as_str().into(),
            new.syntax.as_str().into(),
            new.raw.as_str().into(),
            new.decision.to_string().into(),
            serde_json::to_string(&new.list_versions)?.into(),
            new.source.as_str().into(),
            at.into(),
        ],
    )?;
    let Some(row) = inserted.first() else {
        return Ok(false);
    };
    let hold_id = row.int(0)?;
    let mut alert = hold_alert(new, &key, &hits, at);
    let rows = sql.query(
        "INSERT INTO alerts (book, customer_id, customer_name, subject_id, referents, score, explanations, reason,
             status, list_versions, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        &[
            alert.book.as_str().into(),
            alert.customer_id.as_str().into(),
            alert.customer_name.as_str().into(),
            alert.subject_id.as_str().into(),
            serde_json::to_string(&alert.referents)?.into(),
            alert.score.into(),
            serde_json::to_string(&alert.explanations)?.into(),
            alert.reason.as_str().into(),
            alert.status.as_str().into(),
            serde_json::to_string(&alert.list_versions)?.into(),
            at.into(),
        ],
    )?;
    alert.id =
        rows.first().ok_or_else(|| Error::missing("the held payment's alert id".to_string()))?.int(0)?;
    sql.execute("UPDATE payment_holds SET alert_id = $2 WHERE id = $1", &[hold_id.into(), alert.id.into()])?;
    let detail = serde_json::json!({
        "reason": alert.reason,
        "score": alert.score,
        "message_key": key,
        "format": new.format,
        "source": new.source,
        "hits": hits.len(),
    });
    write_event(
        sql,
        NewEvent {
            alert: &alert,
            kind: AlertEventKind::Raised,
            actor: None,
            decision_id: None,
            suppression_id: None,
            detail,
        },
        at,
    )?;
    Ok(true)
}

/// Whether `alert` is a held payment.
pub(crate) fn is_payment(alert: &Alert) -> bool {
    alert.book == PAYMENTS_BOOK
}

/// Refuses what a held payment's decision cannot ask: a suppression (each message is its own
/// case, so there is no pair to suppress).
pub(crate) fn check_payment_request(alert: &Alert, request: &crate::DecisionRequest) -> Result<()> {
    if is_payment(alert) && request.suppress.is_some() {
        return Err(UserError::BadDecision {
            message: format!(
                "alert {} is a held payment: a release cannot suppress anything; leave out suppress",
                alert.id
            ),
        }
        .into());
    }
    Ok(())
}

/// Whether a decision on `alert` waits for a second person because it releases a held payment.
pub(crate) fn release_needs_approval(alert: &Alert, kind: DecisionKind) -> bool {
    is_payment(alert) && kind == DecisionKind::Dismiss
}

/// Applies an effective decision to the hold of its alert, if the alert is one: a release or a
/// confirmation changes the hold's status and writes its outbox event; an escalation leaves it
/// held.
pub(crate) fn take_effect(sql: &mut dyn Sql, decision: &Decision, actor: &Actor, at: &str) -> Result<()> {
    let alert = read_alert(sql, decision.alert_id)?;
    if !is_payment(&alert) {
        return Ok(());
    }
    let (status, topic) = match decision.kind {
        DecisionKind::Dismiss => (PaymentHoldStatus::Released, TOPIC_PAYMENT_RELEASED),
        DecisionKind::Confirm => (PaymentHoldStatus::Blocked, TOPIC_PAYMENT_BLOCKED),
        DecisionKind::Escalate => return Ok(()),
    };
    let hold = hold_of_alert(sql, alert.id)?
        .ok_or_else(|| Error::missing(format!("the payment hold of alert {}", alert.id)))?;
    sql.execute(
        "UPDATE payment_holds SET status = $2, updated_at = $3 WHERE id = $1",
        &[hold.id.into(), status.as_str().into(), at.into()],
    )?;
    let payload = serde_json::json!({
        "hold_id": hold.id,
        "alert_id": alert.id,
        "message_key": hold.message_key,
        "message_id": hold.message_id,
        "uetr": hold.uetr,
        "format": hold.format,
        "status": status,
        "decision": {
            "id": decision.id,
            "kind": decision.kind,
            "reason": decision.reason,
            "remark": decision.remark,
            "requested_by": decision.requested_by,
            "approved_by": decision.reviewed_by,
            "decided_by": actor.name,
        },
        "list_versions": hold.list_versions,
        "at": at,
    });
    sql.execute(
        "INSERT INTO outbox (created_at, topic, key, payload) VALUES ($1, $2, $3, $4)",
        &[at.into(), topic.into(), hold.message_key.as_str().into(), payload.to_string().into()],
    )?;
    Ok(())
}
