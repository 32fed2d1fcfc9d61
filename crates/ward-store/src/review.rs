//! The review desk's decisions on alerts: who decided what, why, and who approved it; the
//! suppressions that dismissals create; every event of an alert in order; and the export of a
//! period's decisions for an examiner.
//!
//! Four eyes: a confirmation, every suppression and the release of a held payment
//! ([`crate::payment_holds`]) take effect only when a second person with
//! a role that may approve ([`Role::can_approve`]) approves them; nobody approves their own. An
//! alert's status changes only when its decision takes effect, in the transaction that writes
//! the alert's outbox event ([`TOPIC_ALERT_UPDATED`]) and its history event naming the person
//! and the list versions. The history table is append-only: it is the audit trail of the desk.

use crate::book::{parse_stored, text_enum};
use crate::sql::{Arg, Sql, SqlRow};
use crate::{Alert, AlertChange, AlertStatus, Error, Result, UserError, TOPIC_ALERT_UPDATED};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use ward_model::Entity;

text_enum! {
    /// What a person may do at the desk.
    Role {
        /// Works alerts: decides, escalates; cannot approve.
        Analyst = "analyst",
        /// Also approves or rejects the decisions of others.
        Supervisor = "supervisor",
        /// Everything a supervisor may do, and administration.
        Admin = "admin",
    }
}

impl Role {
    /// Whether this role may approve or reject another person's decision.
    pub fn can_approve(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

/// Who acts: a person's user name or an API key's name, with the role it acts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user or key name, as recorded in the history.
    pub name: String,
    /// The role it acts in.
    pub role: Role,
}

impl Actor {
    /// An actor.
    pub fn new(name: &str, role: Role) -> Actor {
        Actor { name: name.to_string(), role }
    }
}

text_enum! {
    /// What a decision says about an alert.
    DecisionKind {
        /// True match: the customer is the listed party. Needs approval.
        Confirm = "confirm",
        /// False positive: the customer is not the listed party. Needs approval when it
        /// suppresses the pair.
        Dismiss = "dismiss",
        /// Handed to a supervisor; takes effect at once.
        Escalate = "escalate",
    }
}

text_enum! {
    /// Why: the controlled vocabulary of decision reasons.
    DecisionReason {
        /// The birth dates differ.
        DifferentBirthDate = "different-birth-date",
        /// The nationalities differ.
        DifferentNationality = "different-nationality",
        /// The countries of residence or registration differ.
        DifferentCountry = "different-country",
        /// A common name, and nothing else matches.
        CommonName = "common-name",
        /// A person against an organization, a vessel against a person, ...
        DifferentEntityKind = "different-entity-kind",
        /// Passport, registration or other numbers differ.
        DifferentIdentifiers = "different-identifiers",
        /// Only part of the name matches.
        PartialNameMatch = "partial-name-match",
        /// Identifiers agree.
        SameIdentifiers = "same-identifiers",
        /// Name and birth date agree.
        SameNameAndBirthDate = "same-name-and-birth-date",
        /// The customer's identity was verified against documents.
        IdentityVerified = "identity-verified",
        /// More information is needed before deciding.
        NeedsInformation = "needs-information",
        /// Anything else: the remark says what.
        Other = "other",
    }
}

text_enum! {
    /// Where a decision stands.
    DecisionStatus {
        /// Waiting for a second person's approval; the alert is unchanged.
        Pending = "pending",
        /// Took effect (at once, or when approved).
        Effective = "effective",
        /// Refused by a second person; the alert is unchanged.
        Rejected = "rejected",
    }
}

text_enum! {
    /// The two kinds of suppression.
    SuppressionKind {
        /// Holds until a date, whatever changes.
        GoodGuy = "good-guy",
        /// Holds while the listed record and the customer record are unchanged.
        Pinned = "pinned",
    }
}

text_enum! {
    /// Where a suppression stands.
    SuppressionStatus {
        /// Holds.
        Active = "active",
        /// A good-guy entry that reached its date.
        Expired = "expired",
        /// A pinned entry whose listed or customer record changed.
        Broken = "broken",
        /// Replaced by a later suppression of the same pair.
        Replaced = "replaced",
    }
}

text_enum! {
    /// What happened to an alert.
    AlertEventKind {
        /// Screening raised it.
        Raised = "raised",
        /// Screening changed it (score, explanation, amended designation, re-opened).
        Updated = "updated",
        /// Screening closed it (delisted, no longer matches, customer removed).
        Closed = "closed",
        /// Screening re-opened it because its suppression no longer holds.
        Reopened = "reopened",
        /// A decision that needs approval was requested.
        DecisionRequested = "decision-requested",
        /// A decision took effect at once.
        Decided = "decided",
        /// A second person approved a decision, which took effect.
        DecisionApproved = "decision-approved",
        /// A second person rejected a decision.
        DecisionRejected = "decision-rejected",
        /// Someone took or gave the alert.
        Assigned = "assigned",
        /// An approved dismissal suppressed the pair.
        SuppressionCreated = "suppression-created",
        /// A suppression of the pair stopped holding.
        SuppressionEnded = "suppression-ended",
    }
}

/// What a dismissal asks to suppress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SuppressionRequest {
    /// A good-guy entry, holding before `expires` (a date, `YYYY-MM-DD`, UTC).
    GoodGuy {
        /// The first day it no longer holds.
        expires: String,
    },
    /// Holds while the listed record and the customer record are unchanged.
    Pinned,
}

impl SuppressionRequest {
    /// The kind.
    pub fn kind(&self) -> SuppressionKind {
        match self {
            SuppressionRequest::GoodGuy { .. } => SuppressionKind::GoodGuy,
            SuppressionRequest::Pinned => SuppressionKind::Pinned,
        }
    }
}

/// What a person decides on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    /// Confirm, dismiss or escalate.
    pub kind: DecisionKind,
    /// Why, from the vocabulary.
    pub reason: DecisionReason,
    /// Free text; required with [`DecisionReason::Other`].
    #[serde(default)]
    pub remark: String,
    /// With a dismissal: suppress the pair.
    #[serde(default)]
    pub suppress: Option<SuppressionRequest>,
}

impl DecisionRequest {
    /// Whether a second person must approve it before it takes effect.
    pub fn needs_approval(&self) -> bool {
        self.kind == DecisionKind::Confirm || self.suppress.is_some()
    }
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Its id.
    pub id: i64,
    /// The alert decided.
    pub alert_id: i64,
    /// The alert's book.
    pub book: String,
    /// The customer's id in the book.
    pub customer_id: String,
    /// The listed subject's id.
    pub subject_id: String,
    /// Confirm, dismiss or escalate.
    pub kind: DecisionKind,
    /// Why.
    pub reason: DecisionReason,
    /// The remark.
    pub remark: String,
    /// The suppression asked for.
    pub suppress: Option<SuppressionRequest>,
    /// Where it stands.
    pub status: DecisionStatus,
    /// Whether it needs (or needed) a second person.
    pub needs_approval: bool,
    /// Who requested it.
    pub requested_by: String,
    /// In which role.
    pub requested_role: Role,
    /// When.
    pub requested_at: String,
    /// The alert's score when it was requested.
    pub score: f64,
    /// The list versions (ids) the alert stood on when it was requested.
    pub list_versions: Vec<i64>,
    /// Who approved or rejected it.
    pub reviewed_by: Option<String>,
    /// In which role.
    pub reviewed_role: Option<Role>,
    /// When.
    pub reviewed_at: Option<String>,
    /// Their remark.
    pub review_remark: Option<String>,
    /// When it took effect.
    pub effective_at: Option<String>,
}

/// A suppressed pair of a book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Its id.
    pub id: i64,
    /// The book.
    pub book: String,
    /// The customer's id in the book.
    pub customer_id: String,
    /// The listed subject's id.
    pub subject_id: String,
    /// Good-guy or pinned.
    pub kind: SuppressionKind,
    /// A good-guy entry's first day without effect (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// A pinned entry's customer fingerprint ([`crate::Customer::fingerprint`]).
    pub customer_fingerprint: Option<String>,
    /// A pinned entry's listed-record fingerprint ([`subject_fingerprint`]).
    pub subject_fingerprint: Option<String>,
    /// The decision that created it.
    pub decision_id: i64,
    /// The alert it was decided on.
    pub alert_id: i64,
    /// When it took effect.
    pub created_at: String,
    /// Who approved it.
    pub approved_by: String,
    /// Where it stands.
    pub status: SuppressionStatus,
    /// When it stopped holding.
    pub ended_at: Option<String>,
    /// Why it stopped holding.
    pub end_reason: Option<String>,
}

impl Suppression {
    /// Whether a good-guy entry still holds on `today` (`YYYY-MM-DD`); a pinned entry always
    /// does by date.
    pub fn holds_on(&self, today: &str) -> bool {
        self.expires.as_deref().is_none_or(|expires| today < expires)
    }
}

/// Why a suppression no longer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionLapse {
    /// A good-guy entry reached its date.
    Expired,
    /// A pinned entry's listed record changed.
    ListedRecordChanged,
    /// A pinned entry's customer record changed.
    CustomerChanged,
}

impl Suppression {
    /// Why the suppression no longer holds on `today` (`YYYY-MM-DD`) for the customer whose
    /// stored fingerprint is `customer_fingerprint` and the listed subject made of
    /// `subject_records`; `None` while it holds. The one judgement of screening and of the
    /// screening API.
    pub fn lapse(
        &self,
        today: &str,
        customer_fingerprint: &str,
        subject_records: &[Entity],
    ) -> Option<SuppressionLapse> {
        match self.kind {
            SuppressionKind::GoodGuy if !self.holds_on(today) => Some(SuppressionLapse::Expired),
            SuppressionKind::GoodGuy => None,
            SuppressionKind::Pinned => {
                if self.subject_fingerprint.as_deref() != Some(subject_fingerprint(subject_records).as_str())
                {
                    Some(SuppressionLapse::ListedRecordChanged)
                } else if self.customer_fingerprint.as_deref() != Some(customer_fingerprint) {
                    Some(SuppressionLapse::CustomerChanged)
                } else {
                    None
                }
            }
        }
    }
}

/// An active suppression of a customer, with the customer's stored fingerprint: what
/// [`Suppression::lapse`] needs to judge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSuppression {
    /// The suppression.
    pub suppression: Suppression,
    /// The customer's [`crate::Customer::fingerprint`] as stored in the book now.
    pub customer_fingerprint: String,
}

/// The active suppressions of `customer_ids` in `book` whose customer is still in the book,
/// by id.
pub(crate) fn customer_suppressions(
    sql: &mut dyn Sql,
    book: &str,
    customer_ids: &[&str],
) -> Result<Vec<CustomerSuppression>> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Arg> = vec![book.into()];
    let mut placeholders = Vec::with_capacity(customer_ids.len());
    for id in customer_ids {
        args.push((*id).into());
        placeholders.push(format!("${}", args.len()));
    }
    let rows = sql.query(
        &format!(
            "SELECT s.*, c.fingerprint FROM ({SUPPRESSION_SELECT}
                 WHERE book = $1 AND status = 'active' AND customer_id IN ({})) s
             JOIN customers c ON c.book = s.book AND c.id = s.customer_id
             ORDER BY s.id",
            placeholders.join(", ")
        ),
        &args,
    )?;
    rows.iter()
        .map(|row| {
            Ok(CustomerSuppression {
                suppression: suppression_of(row)?,
                customer_fingerprint: row.text(SUPPRESSION_COLUMNS)?,
            })
        })
        .collect()
}

/// A suppression that stops holding, written with the screening that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionEnd {
    /// The suppression.
    pub suppression_id: i64,
    /// [`SuppressionStatus::Expired`] or [`SuppressionStatus::Broken`].
    pub status: SuppressionStatus,
    /// Why, in a sentence ("the listed record changed").
    pub reason: String,
}

/// One event of an alert's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertEvent {
    /// Its position: events are in this order.
    pub id: i64,
    /// The alert.
    pub alert_id: i64,
    /// When.
    pub at: String,
    /// What happened.
    pub kind: AlertEventKind,
    /// Who (none for screening).
    pub actor: Option<String>,
    /// In which role.
    pub role: Option<Role>,
    /// The alert's status after the event.
    pub status: AlertStatus,
    /// The list versions (ids) the alert stood on.
    pub list_versions: Vec<i64>,
    /// The decision it concerns.
    pub decision_id: Option<i64>,
    /// The suppression it concerns.
    pub suppression_id: Option<i64>,
    /// Details: the alert's reason and score, a decision's reason and remark, ...
    pub detail: serde_json::Value,
}

/// A fingerprint of a listed subject's records: equal fingerprints, equal records. Records go
/// in `dataset:record-id` order, so the order they are given in does not matter.
pub fn subject_fingerprint(records: &[Entity]) -> String {
    let mut sorted: Vec<&Entity> = records.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut hasher = Sha256::new();
    for record in sorted {
        // Serializing an entity cannot fail: it holds strings, numbers and enums.
        hasher.update(serde_json::to_vec(record).unwrap_or_default());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

pub(crate) const ALERT_SELECT: &str =
    "SELECT id, book, customer_id, customer_name, subject_id, referents, score,
    explanations, reason, status, close_reason, list_versions, created_at, updated_at FROM alerts";

/// Reads an alert from the 14 columns of [`ALERT_SELECT`], from column `at`.
pub(crate) fn alert_of(row: &SqlRow, at: usize) -> Result<Alert> {
    Ok(Alert {
        id: row.int(at)?,
        book: row.text(at + 1)?,
        customer_id: row.text(at + 2)?,
        customer_name: row.text(at + 3)?,
        subject_id: row.text(at + 4)?,
        referents: serde_json::from_str(&row.text(at + 5)?)?,
        score: row.real(at + 6)?,
        explanations: serde_json::from_str(&row.text(at + 7)?)?,
        reason: parse_stored(&row.text(at + 8)?)?,
        status: parse_stored(&row.text(at + 9)?)?,
        close_reason: row.opt_text(at + 10)?.map(|text| parse_stored(&text)).transpose()?,
        list_versions: serde_json::from_str(&row.text(at + 11)?)?,
        created_at: row.text(at + 12)?,
        updated_at: row.text(at + 13)?,
    })
}

/// The error of an update that matched no row: the alert changed after it was read as of
/// `read_at` (or, for an id that was never stored, is missing; either way nothing is written).
pub(crate) fn stale_or_missing(id: i64, read_at: String) -> Error {
    UserError::AlertChanged { id, read_at }.into()
}

pub(crate) fn read_alert(sql: &mut dyn Sql, id: i64) -> Result<Alert> {
    let rows = sql.query(&format!("{ALERT_SELECT} WHERE id = $1"), &[id.into()])?;
    match rows.first() {
        Some(row) => alert_of(row, 0),
        None => Err(UserError::UnknownAlert { id }.into()),
    }
}

const DECISION_SELECT: &str = "SELECT d.id, d.alert_id, a.book, a.customer_id, a.subject_id, d.kind, d.reason,
    d.remark, d.suppress, d.status, d.needs_approval, d.requested_by, d.requested_role, d.requested_at, d.score,
    d.list_versions, d.reviewed_by, d.reviewed_role, d.reviewed_at, d.review_remark, d.effective_at
    FROM decisions d JOIN alerts a ON a.id = d.alert_id";

fn decision_of(row: &SqlRow) -> Result<Decision> {
    Ok(Decision {
        id: row.int(0)?,
        alert_id: row.int(1)?,
        book: row.text(2)?,
        customer_id: row.text(3)?,
        subject_id: row.text(4)?,
        kind: parse_stored(&row.text(5)?)?,
        reason: parse_stored(&row.text(6)?)?,
        remark: row.text(7)?,
        suppress: row.opt_text(8)?.map(|text| serde_json::from_str(&text)).transpose()?,
        status: parse_stored(&row.text(9)?)?,
        needs_approval: row.int(10)? != 0,
        requested_by: row.text(11)?,
        requested_role: parse_stored(&row.text(12)?)?,
        requested_at: row.text(13)?,
        score: row.real(14)?,
        list_versions: serde_json::from_str(&row.text(15)?)?,
        reviewed_by: row.opt_text(16)?,
        reviewed_role: row.opt_text(17)?.map(|text| parse_stored(&text)).transpose()?,
        reviewed_at: row.opt_text(18)?,
        review_remark: row.opt_text(19)?,
        effective_at: row.opt_text(20)?,
    })
}

pub(crate) fn read_decision(sql: &mut dyn Sql, id: i64) -> Result<Decision> {
    let rows = sql.query(&format!("{DECISION_SELECT} WHERE d.id = $1"), &[id.into()])?;
    match rows.first() {
        Some(row) => decision_of(row),
        None => Err(UserError::UnknownDecision { id }.into()),
    }
}

pub(crate) fn decisions_where(sql: &mut dyn Sql, clause: &str, args: &[Arg]) -> Result<Vec<Decision>> {
    let rows = sql.query(&format!("{DECISION_SELECT} {clause} ORDER BY d.id"), args)?;
    rows.iter().map(decision_of).collect()
}

/// The number of columns of [`SUPPRESSION_SELECT`].
const SUPPRESSION_COLUMNS: usize = 15;

const SUPPRESSION_SELECT: &str =
    "SELECT id, book, customer_id, subject_id, kind, expires, customer_fingerprint,
    subject_fingerprint, decision_id, alert_id, created_at, approved_by, status, ended_at, end_reason
    FROM suppressions";

fn suppression_of(row: &SqlRow) -> Result<Suppression> {
    Ok(Suppression {
        id: row.int(0)?,
        book: row.text(1)?,
        customer_id: row.text(2)?,
        subject_id: row.text(3)?,
        kind: parse_stored(&row.text(4)?)?,
        expires: row.opt_text(5)?,
        customer_fingerprint: row.opt_text(6)?,
        subject_fingerprint: row.opt_text(7)?,
        decision_id: row.int(8)?,
        alert_id: row.int(9)?,
        created_at: row.text(10)?,
        approved_by: row.text(11)?,
        status: parse_stored(&row.text(12)?)?,
        ended_at: row.opt_text(13)?,
        end_reason: row.opt_text(14)?,
    })
}

pub(crate) fn suppressions_where(sql: &mut dyn Sql, clause: &str, args: &[Arg]) -> Result<Vec<Suppression>> {
    let rows = sql.query(&format!("{SUPPRESSION_SELECT} {clause} ORDER BY id"), args)?;
    rows.iter().map(suppression_of).collect()
}

const EVENT_SELECT: &str =
    "SELECT id, alert_id, at, kind, actor, role, status, list_versions, decision_id, suppression_id, detail
    FROM alert_events";

fn event_of_row(row: &SqlRow) -> Result<AlertEvent> {
    Ok(AlertEvent {
        id: row.int(0)?,
        alert_id: row.int(1)?,
        at: row.text(2)?,
        kind: parse_stored(&row.text(3)?)?,
        actor: row.opt_text(4)?,
        role: row.opt_text(5)?.map(|text| parse_stored(&text)).transpose()?,
        status: parse_stored(&row.text(6)?)?,
        list_versions: serde_json::from_str(&row.text(7)?)?,
        decision_id: row.opt_int(8)?,
        suppression_id: row.opt_int(9)?,
        detail: serde_json::from_str(&row.text(10)?)?,
    })
}

pub(crate) fn history(sql: &mut dyn Sql, alert_id: i64) -> Result<Vec<AlertEvent>> {
    read_alert(sql, alert_id)?;
    let rows = sql.query(&format!("{EVENT_SELECT} WHERE alert_id = $1 ORDER BY id"), &[alert_id.into()])?;
    rows.iter().map(event_of_row).collect()
}

/// One history event to write.
pub(crate) struct NewEvent<'a> {
    pub(crate) alert: &'a Alert,
    pub(crate) kind: AlertEventKind,
    pub(crate) actor: Option<&'a Actor>,
    pub(crate) decision_id: Option<i64>,
    pub(crate) suppression_id: Option<i64>,
    pub(crate) detail: serde_json::Value,
}

pub(crate) fn write_event(sql: &mut dyn Sql, event: NewEvent<'_>, at: &str) -> Result<()> {
    sql.execute(
        "INSERT INTO alert_events (alert_id, at, kind, actor, role, status, list_versions, decision_id,
             suppression_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            event.alert.id.into(),
            at.into(),
            event.kind.as_str().into(),
            event.actor.map(|a| a.name.as_str()).into(),
            event.actor.map(|a| a.role.as_str()).into(),
            event.alert.status.as_str().into(),
            serde_json::to_string(&event.alert.list_versions)?.into(),
            event.decision_id.into(),
            event.suppression_id.into(),
            event.detail.to_string().into(),
        ],
    )?;
    Ok(())
}

/// Writes the history events of a screening's alert changes and ends the suppressions it found
/// no longer holding, inside the screening's transaction. `stored` holds the alerts as written
/// (with their ids), in the order of `changes`.
/// The designation programmes of listed records, read from the stored entities: only the
/// part of an entity's JSON the queue needs.
#[derive(Deserialize)]
struct ListedProgrammes {
    #[serde(default)]
    designations: Vec<DesignationProgrammes>,
}

#[derive(Deserialize)]
struct DesignationProgrammes {
    #[serde(default)]
    programs: Vec<String>,
}

/// Programmes by (record referent, list versions), so that a screening step reads each listed
/// record once however many of its alerts it writes.
#[derive(Default)]
struct ProgrammeCache {
    by_record: std::collections::HashMap<(String, Vec<i64>), Vec<String>>,
}

impl ProgrammeCache {
    /// The programmes of `referent` (`dataset:record-id`) in the first of `versions` that holds it.
    fn of(&mut self, sql: &mut dyn Sql, referent: &str, versions: &[i64]) -> Result<&[String]> {
        let key = (referent.to_string(), versions.to_vec());
        if !self.by_record.contains_key(&key) {
            let (dataset, record_id) = referent.split_once(':').unwrap_or(("", referent));
            let mut programmes = Vec::new();
            for version in versions {
                let rows = sql.query(
                    "SELECT e.data FROM entities e JOIN list_versions v ON e.version_id = COALESCE(v.content_version, v.id)
                     WHERE v.id = $1 AND v.dataset = $2 AND e.record_id = $3",
                    &[(*version).into(), dataset.into(), record_id.into()],
                )?;
                if let Some(row) = rows.first() {
                    let listed: ListedProgrammes = serde_json::from_str(&row.text(0)?)?;
                    programmes = listed.designations.into_iter().flat_map(|d| d.programs).collect();
                    break;
                }
            }
            self.by_record.insert(key.clone(), programmes);
        }
        Ok(&self.by_record[&key])
    }

    /// Replaces the stored programmes of `alert` with those of its listed records.
    fn write(&mut self, sql: &mut dyn Sql, alert: &Alert) -> Result<()> {
        let mut programmes: Vec<String> = Vec::new();
        for referent in &alert.referents {
            programmes.extend(self.of(sql, referent, &alert.list_versions)?.iter().cloned());
        }
        programmes.sort_unstable();
        programmes.dedup();
        sql.execute("DELETE FROM alert_programmes WHERE alert_id = $1", &[alert.id.into()])?;
        for programme in programmes {
            sql.execute(
                "INSERT INTO alert_programmes (alert_id, programme) VALUES ($1, $2)",
                &[alert.id.into(), programme.into()],
            )?;
        }
        Ok(())
    }
}

/// The programmes the queue may be filtered by: every programme of an alert, by name.
pub(crate) fn alert_programmes(sql: &mut dyn Sql) -> Result<Vec<String>> {
    let rows = sql.query("SELECT DISTINCT programme FROM alert_programmes ORDER BY programme", &[])?;
    rows.iter().map(|row| row.text(0)).collect()
}

/// The programmes of one alert, by name.
pub(crate) fn programmes_of(sql: &mut dyn Sql, alert_id: i64) -> Result<Vec<String>> {
    let rows = sql.query(
        "SELECT programme FROM alert_programmes WHERE alert_id = $1 ORDER BY programme",
        &[alert_id.into()],
    )?;
    rows.iter().map(|row| row.text(0)).collect()
}

pub(crate) fn record_screening(
    sql: &mut dyn Sql,
    changes: &[AlertChange],
    stored: &[Alert],
    ended: &[SuppressionEnd],
    at: &str,
) -> Result<()> {
    let mut ended_pairs: Vec<(String, String, String, i64, &SuppressionEnd)> = Vec::new();
    for end in ended {
        let found = suppressions_where(sql, "WHERE id = $1", &[end.suppression_id.into()])?;
        let suppression = found
            .into_iter()
            .next()
            .ok_or_else(|| Error::missing(format!("suppression {}", end.suppression_id)))?;
        sql.execute(
            "UPDATE suppressions SET status = $2, ended_at = $3, end_reason = $4 WHERE id = $1 AND status = 'active'",
            &[end.suppression_id.into(), end.status.as_str().into(), at.into(), end.reason.as_str().into()],
        )?;
        ended_pairs.push((
            suppression.book,
            suppression.customer_id,
            suppression.subject_id,
            suppression.id,
            end,
        ));
    }
    let mut programmes = ProgrammeCache::default();
    for (change, alert) in changes.iter().zip(stored) {
        programmes.write(sql, alert)?;
        let reopened = ended_pairs.iter().any(|(book, customer, subject, _, _)| {
            *book == alert.book && *customer == alert.customer_id && *subject == alert.subject_id
        });
        let kind = match change {
            AlertChange::Raise(_) => AlertEventKind::Raised,
            AlertChange::Update(_) if alert.status == AlertStatus::Closed => AlertEventKind::Closed,
            AlertChange::Update(_) if reopened && alert.status == AlertStatus::Open => {
                AlertEventKind::Reopened
            }
            AlertChange::Update(_) => AlertEventKind::Updated,
        };
        let detail = serde_json::json!({
            "reason": alert.reason,
            "score": alert.score,
            "close_reason": alert.close_reason,
            "referents": alert.referents,
        });
        write_event(
            sql,
            NewEvent { alert, kind, actor: None, decision_id: None, suppression_id: None, detail },
            at,
        )?;
    }
    for (book, customer, subject, suppression_id, end) in ended_pairs {
        let rows = sql.query(
            &format!("{ALERT_SELECT} WHERE book = $1 AND customer_id = $2 AND subject_id = $3 ORDER BY id DESC LIMIT 1"),
            &[book.into(), customer.into(), subject.into()],
        )?;
        if let Some(row) = rows.first() {
            let alert = alert_of(row, 0)?;
            let detail = serde_json::json!({ "status": end.status, "reason": end.reason });
            write_event(
                sql,
                NewEvent {
                    alert: &alert,
                    kind: AlertEventKind::SuppressionEnded,
                    actor: None,
                    decision_id: None,
                    suppression_id: Some(suppression_id),
                    detail,
                },
                at,
            )?;
        }
    }
    Ok(())
}

/// Refuses text no database column can hold (`PostgreSQL` text has no NUL).
fn check_text(field: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        Err(UserError::BadDecision { message: format!("the {field} holds a NUL character: remove it") }
            .into())
    } else {
        Ok(())
    }
}

fn check_request(request: &DecisionRequest, today: &str) -> Result<()> {
    check_text("remark", &request.remark)?;
    let bad = |message: &str| Err(UserError::BadDecision { message: message.to_string() }.into());
    if request.reason == DecisionReason::Other && request.remark.trim().is_empty() {
        return bad("the reason \"other\" needs a remark saying why");
    }
    match &request.suppress {
        Some(_) if request.kind != DecisionKind::Dismiss => {
            bad("only a dismissal can suppress the pair: use kind \"dismiss\", or leave out suppress")
        }
        Some(SuppressionRequest::GoodGuy { expires }) => {
            if chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").is_err() {
                return bad(&format!("good-guy expiry {expires:?} is not a date: write YYYY-MM-DD"));
            }
            if expires.as_str() <= today {
                return bad(&format!(
                    "good-guy expiry {expires} is not after today ({today}): choose a later date"
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn decidable(alert: &Alert, kind: DecisionKind) -> Result<()> {
    let ok = match kind {
        DecisionKind::Escalate => alert.status == AlertStatus::Open,
        DecisionKind::Confirm | DecisionKind::Dismiss => {
            matches!(alert.status, AlertStatus::Open | AlertStatus::Escalated)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(UserError::AlertNotOpen { id: alert.id, status: alert.status.as_str().to_string() }.into())
    }
}

/// Records a decision; one that needs no approval takes effect at once.
pub(crate) fn request(
    sql: &mut dyn Sql,
    alert_id: i64,
    actor: &Actor,
    request: &DecisionRequest,
    at: &str,
    today: &str,
) -> Result<Decision> {
    check_request(request, today)?;
    let alert = read_alert(sql, alert_id)?;
    decidable(&alert, request.kind)?;
    crate::payment_holds::check_payment_request(&alert, request)?;
    let pending =
        sql.query("SELECT id FROM decisions WHERE alert_id = $1 AND status = 'pending'", &[alert_id.into()])?;
    if let Some(row) = pending.first() {
        return Err(UserError::DecisionPending { alert: alert_id, decision: row.int(0)? }.into());
    }
    let needs_approval =
        request.needs_approval() || crate::payment_holds::release_needs_approval(&alert, request.kind);
    let suppress = request.suppress.as_ref().map(serde_json::to_string).transpose()?;
    let rows = sql.query(
        "INSERT INTO decisions (alert_id, kind, reason, remark, suppress, status, needs_approval, requested_by,
             requested_role, requested_at, score, list_versions)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            alert_id.into(),
            request.kind.as_str().into(),
            request.reason.as_str().into(),
            request.remark.as_str().into(),
            suppress.into(),
            i64::from(needs_approval).into(),
            actor.name.as_str().into(),
            actor.role.as_str().into(),
            at.into(),
            alert.score.into(),
            serde_json::to_string(&alert.list_versions)?.into(),
        ],
    )?;
    let id = rows.first().ok_or_else(|| Error::missing("the new decision's id".to_string()))?.int(0)?;
    if needs_approval {
        let detail = decision_detail(request);
        write_event(
            sql,
            NewEvent {
                alert: &alert,
                kind: AlertEventKind::DecisionRequested,
                actor: Some(actor),
                decision_id: Some(id),
                suppression_id: None,
                detail,
            },
            at,
        )?;
    } else {
        take_effect(sql, id, actor, AlertEventKind::Decided, at)?;
    }
    read_decision(sql, id)
}

fn decision_detail(request: &DecisionRequest) -> serde_json::Value {
    serde_json::json!({
        "kind": request.kind,
        "reason": request.reason,
        "remark": request.remark,
        "suppress": request.suppress,
    })
}

fn check_reviewer(decision: &Decision, actor: &Actor) -> Result<()> {
    if decision.requested_by == actor.name {
        return Err(UserError::OwnDecision { decision: decision.id, actor: actor.name.clone() }.into());
    }
    if !actor.role.can_approve() {
        return Err(UserError::NotSupervisor {
            actor: actor.name.clone(),
            role: actor.role.as_str().to_string(),
        }
        .into());
    }
    if decision.status != DecisionStatus::Pending {
        return Err(UserError::NotPending {
            decision: decision.id,
            status: decision.status.as_str().to_string(),
        }
        .into());
    }
    Ok(())
}

/// Marks a pending decision reviewed; refused when another reviewer got there first.
fn mark_reviewed(
    sql: &mut dyn Sql,
    decision: &Decision,
    actor: &Actor,
    status: DecisionStatus,
    remark: &str,
    at: &str,
) -> Result<()> {
    let changed = sql.execute(
        "UPDATE decisions SET status = $2, reviewed_by = $3, reviewed_role = $4, reviewed_at = $5, review_remark = $6
         WHERE id = $1 AND status = 'pending'",
        &[
            decision.id.into(),
            status.as_str().into(),
            actor.name.as_str().into(),
            actor.role.as_str().into(),
            at.into(),
            remark.into(),
        ],
    )?;
    if changed == 1 {
        Ok(())
    } else {
        let now = read_decision(sql, decision.id)?;
        Err(UserError::NotPending { decision: decision.id, status: now.status.as_str().to_string() }.into())
    }
}

/// A second person approves a pending decision, which takes effect.
pub(crate) fn approve(
    sql: &mut dyn Sql,
    decision_id: i64,
    actor: &Actor,
    remark: &str,
    at: &str,
    today: &str,
) -> Result<Decision> {
    check_text("remark", remark)?;
    let decision = read_decision(sql, decision_id)?;
    check_reviewer(&decision, actor)?;
    let alert = read_alert(sql, decision.alert_id)?;
    decidable(&alert, decision.kind)?;
    if let Some(SuppressionRequest::GoodGuy { expires }) = &decision.suppress {
        if expires.as_str() <= today {
            return Err(UserError::BadDecision {
                message: format!("the good-guy entry would expire on {expires}, which has passed: reject this decision and decide again"),
            }
            .into());
        }
    }
    mark_reviewed(sql, &decision, actor, DecisionStatus::Effective, remark, at)?;
    take_effect(sql, decision_id, actor, AlertEventKind::DecisionApproved, at)?;
    read_decision(sql, decision_id)
}

/// A second person rejects a pending decision; the alert stays as it is.
pub(crate) fn reject(
    sql: &mut dyn Sql,
    decision_id: i64,
    actor: &Actor,
    remark: &str,
    at: &str,
) -> Result<Decision> {
    check_text("remark", remark)?;
    let decision = read_decision(sql, decision_id)?;
    check_reviewer(&decision, actor)?;
    mark_reviewed(sql, &decision, actor, DecisionStatus::Rejected, remark, at)?;
    let alert = read_alert(sql, decision.alert_id)?;
    write_event(
        sql,
        NewEvent {
            alert: &alert,
            kind: AlertEventKind::DecisionRejected,
            actor: Some(actor),
            decision_id: Some(decision_id),
            suppression_id: None,
            detail: serde_json::json!({ "remark": remark }),
        },
        at,
    )?;
    read_decision(sql, decision_id)
}

/// The fingerprint of the listed records behind an alert, in the list versions it stands on.
fn alert_subject_fingerprint(sql: &mut dyn Sql, alert: &Alert) -> Result<String> {
    let mut records = Vec::with_capacity(alert.referents.len());
    for referent in &alert.referents {
        let (dataset, record_id) = referent.split_once(':').unwrap_or(("", referent));
        let mut found = None;
        for version in &alert.list_versions {
            let rows = sql.query(
                "SELECT e.data FROM entities e JOIN list_versions v ON e.version_id = COALESCE(v.content_version, v.id)
                 WHERE v.id = $1 AND v.dataset = $2 AND e.record_id = $3",
                &[(*version).into(), dataset.into(), record_id.into()],
            )?;
            if let Some(row) = rows.first() {
                found = Some(serde_json::from_str::<Entity>(&row.text(0)?)?);
                break;
            }
        }
        records.push(found.ok_or_else(|| {
            Error::missing(format!(
                "listed record {referent} of alert {} in list versions {:?}",
                alert.id, alert.list_versions
            ))
        })?);
    }
    Ok(subject_fingerprint(&records))
}

/// Makes a decision effective: its status, the alert's status, a suppression if asked, the
/// outbox event and the history events, in the caller's transaction.
fn take_effect(
    sql: &mut dyn Sql,
    decision_id: i64,
    actor: &Actor,
    kind: AlertEventKind,
    at: &str,
) -> Result<()> {
    // Lock the alert's row before reading it (PostgreSQL; a SQLite write transaction holds the
    // database), so that a screening committing meanwhile waits for this transaction and then
    // finds the alert changed instead of being overwritten by the status read here.
    sql.execute(
        "UPDATE alerts SET updated_at = updated_at WHERE id = (SELECT alert_id FROM decisions WHERE id = $1)",
        &[decision_id.into()],
    )?;
    sql.execute(
        "UPDATE decisions SET status = 'effective', effective_at = $2 WHERE id = $1",
        &[decision_id.into(), at.into()],
    )?;
    let decision = read_decision(sql, decision_id)?;
    let mut alert = read_alert(sql, decision.alert_id)?;
    alert.status = match decision.kind {
        DecisionKind::Confirm => AlertStatus::Confirmed,
        DecisionKind::Dismiss => AlertStatus::Dismissed,
        DecisionKind::Escalate => AlertStatus::Escalated,
    };
    alert.updated_at = at.to_string();
    sql.execute(
        "UPDATE alerts SET status = $2, updated_at = $3 WHERE id = $1",
        &[alert.id.into(), alert.status.as_str().into(), at.into()],
    )?;
    let mut payload = serde_json::to_value(&alert)?;
    payload["decision"] = serde_json::json!({
        "id": decision.id,
        "kind": decision.kind,
        "reason": decision.reason,
        "requested_by": decision.requested_by,
        "approved_by": decision.reviewed_by,
    });
    sql.execute(
        "INSERT INTO outbox (created_at, topic, key, payload) VALUES ($1, $2, $3, $4)",
        &[
            at.into(),
            TOPIC_ALERT_UPDATED.into(),
            format!("{}/{}", alert.book, alert.customer_id).into(),
            payload.to_string().into(),
        ],
    )?;
    crate::payment_holds::take_effect(sql, &decision, actor, at)?;
    let detail = serde_json::json!({
        "kind": decision.kind,
        "reason": decision.reason,
        "remark": decision.remark,
        "requested_by": decision.requested_by,
        "suppress": decision.suppress,
    });
    write_event(
        sql,
        NewEvent {
            alert: &alert,
            kind,
            actor: Some(actor),
            decision_id: Some(decision_id),
            suppression_id: None,
            detail,
        },
        at,
    )?;
    if let Some(suppress) = &decision.suppress {
        suppress_pair(sql, &decision, &alert, suppress, actor, at)?;
    }
    Ok(())
}

fn suppress_pair(
    sql: &mut dyn Sql,
    decision: &Decision,
    alert: &Alert,
    suppress: &SuppressionRequest,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let (expires, customer_fingerprint, subject_fingerprint) = match suppress {
        SuppressionRequest::GoodGuy { expires } => (Some(expires.clone()), None, None),
        SuppressionRequest::Pinned => {
            let rows = sql.query(
                "SELECT fingerprint FROM customers WHERE book = $1 AND id = $2",
                &[alert.book.as_str().into(), alert.customer_id.as_str().into()],
            )?;
            let customer = match rows.first() {
                Some(row) => row.text(0)?,
                None => {
                    return Err(UserError::BadDecision {
                        message: format!(
                            "customer {} is no longer in book {}: a pinned suppression needs the customer's record",
                            alert.customer_id, alert.book
                        ),
                    }
                    .into())
                }
            };
            (None, Some(customer), Some(alert_subject_fingerprint(sql, alert)?))
        }
    };
    sql.execute(
        "UPDATE suppressions SET status = 'replaced', ended_at = $4, end_reason = $5
         WHERE book = $1 AND customer_id = $2 AND subject_id = $3 AND status = 'active'",
        &[
            alert.book.as_str().into(),
            alert.customer_id.as_str().into(),
            alert.subject_id.as_str().into(),
            at.into(),
            format!("replaced by the suppression of decision {}", decision.id).into(),
        ],
    )?;
    let rows = sql.query(
        "INSERT INTO suppressions (book, customer_id, subject_id, kind, expires, customer_fingerprint,
             subject_fingerprint, decision_id, alert_id, created_at, approved_by, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active') RETURNING id",
        &[
            alert.book.as_str().into(),
            alert.customer_id.as_str().into(),
            alert.subject_id.as_str().into(),
            suppress.kind().as_str().into(),
            expires.clone().into(),
            customer_fingerprint.into(),
            subject_fingerprint.into(),
            decision.id.into(),
            alert.id.into(),
            at.into(),
            actor.name.as_str().into(),
        ],
    )?;
    let id = rows.first().ok_or_else(|| Error::missing("the new suppression's id".to_string()))?.int(0)?;
    write_event(
        sql,
        NewEvent {
            alert,
            kind: AlertEventKind::SuppressionCreated,
            actor: Some(actor),
            decision_id: Some(decision.id),
            suppression_id: Some(id),
            detail: serde_json::json!({ "kind": suppress.kind(), "expires": expires }),
        },
        at,
    )
}

/// Takes an alert (`assignee` the actor's own name), gives it to someone (supervisors), or
/// frees it (`None`).
pub(crate) fn assign(
    sql: &mut dyn Sql,
    alert_id: i64,
    actor: &Actor,
    assignee: Option<&str>,
    at: &str,
) -> Result<Alert> {
    let alert = read_alert(sql, alert_id)?;
    if let Some(name) = assignee {
        check_text("assignee", name)?;
        if name != actor.name && !actor.role.can_approve() {
            return Err(UserError::NotSupervisor {
                actor: actor.name.clone(),
                role: actor.role.as_str().to_string(),
            }
            .into());
        }
        if name.trim().is_empty() {
            return Err(UserError::BadDecision { message: "an assignee needs a name".to_string() }.into());
        }
    }
    sql.execute("UPDATE alerts SET assignee = $2 WHERE id = $1", &[alert_id.into(), assignee.into()])?;
    write_event(
        sql,
        NewEvent {
            alert: &alert,
            kind: AlertEventKind::Assigned,
            actor: Some(actor),
            decision_id: None,
            suppression_id: None,
            detail: serde_json::json!({ "assignee": assignee }),
        },
        at,
    )?;
    Ok(alert)
}

/// One decision as an examiner reads it: what was screened, against which list versions, who
/// decided, when, why. One row of the CSV export, one object of the JSON export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRecord {
    /// The decision's id.
    pub decision_id: i64,
    /// The alert's id.
    pub alert_id: i64,
    /// The book.
    pub book: String,
    /// The customer's id.
    pub customer_id: String,
    /// The customer's name as screened.
    pub customer_name: String,
    /// The listed subject's id.
    pub subject_id: String,
    /// Its records (`dataset:record-id`), `;`-separated in CSV.
    pub referents: Vec<String>,
    /// The alert's score when the decision was requested.
    pub score: f64,
    /// The list versions screened against, as `dataset#number (published)`.
    pub list_versions: Vec<String>,
    /// Confirm, dismiss, escalate.
    pub kind: DecisionKind,
    /// Why.
    pub reason: DecisionReason,
    /// The remark.
    pub remark: String,
    /// The suppression asked for: `good-guy until DATE`, `pinned`, or empty.
    pub suppression: String,
    /// Pending, effective, rejected.
    pub status: DecisionStatus,
    /// Who decided.
    pub requested_by: String,
    /// In which role.
    pub requested_role: Role,
    /// When.
    pub requested_at: String,
    /// Who approved or rejected.
    pub reviewed_by: Option<String>,
    /// In which role.
    pub reviewed_role: Option<Role>,
    /// When.
    pub reviewed_at: Option<String>,
    /// Their remark.
    pub review_remark: Option<String>,
    /// When it took effect.
    pub effective_at: Option<String>,
}

/// The columns of the CSV export, in order.
pub const EXPORT_COLUMNS: &[&str] = &[
    "decision_id",
    "alert_id",
    "book",
    "customer_id",
    "customer_name",
    "subject_id",
    "referents",
    "score",
    "list_versions",
    "kind",
    "reason",
    "remark",
    "suppression",
    "status",
    "requested_by",
    "requested_role",
    "requested_at",
    "reviewed_by",
    "reviewed_role",
    "reviewed_at",
    "review_remark",
    "effective_at",
];

impl DecisionRecord {
    /// The record's CSV fields, in [`EXPORT_COLUMNS`] order.
    pub fn csv_fields(&self) -> Vec<String> {
        let opt = |value: &Option<String>| value.clone().unwrap_or_default();
        vec![
            self.decision_id.to_string(),
            self.alert_id.to_string(),
            self.book.clone(),
            self.customer_id.clone(),
            self.customer_name.clone(),
            self.subject_id.clone(),
            self.referents.join(";"),
            self.score.to_string(),
            self.list_versions.join(";"),
            self.kind.to_string(),
            self.reason.to_string(),
            self.remark.clone(),
            self.suppression.clone(),
            self.status.to_string(),
            self.requested_by.clone(),
            self.requested_role.to_string(),
            self.requested_at.clone(),
            opt(&self.reviewed_by),
            self.reviewed_role.map(|r| r.to_string()).unwrap_or_default(),
            opt(&self.reviewed_at),
            opt(&self.review_remark),
            opt(&self.effective_at),
        ]
    }
}

/// Describes a suppression request as the export writes it.
pub fn describe_suppression(suppress: Option<&SuppressionRequest>) -> String {
    match suppress {
        Some(SuppressionRequest::GoodGuy { expires }) => format!("good-guy until {expires}"),
        Some(SuppressionRequest::Pinned) => "pinned".to_string(),
        None => String::new(),
    }
}

/// The decisions requested in `[from, until)`, as the examiner's records.
pub(crate) fn export(sql: &mut dyn Sql, from: &str, until: &str) -> Result<Vec<DecisionRecord>> {
    let decisions = decisions_where(
        sql,
        "WHERE d.requested_at >= $1 AND d.requested_at < $2",
        &[from.into(), until.into()],
    )?;
    let mut labels: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(decisions.len());
    for decision in decisions {
        let alert = read_alert(sql, decision.alert_id)?;
        let mut list_versions = Vec::with_capacity(decision.list_versions.len());
        for id in &decision.list_versions {
            if !labels.contains_key(id) {
                let rows = sql.query(
                    "SELECT dataset, number, published FROM list_versions WHERE id = $1",
                    &[(*id).into()],
                )?;
                let label = match rows.first() {
                    Some(row) => match row.opt_text(2)? {
                        Some(published) => format!("{}#{} ({published})", row.text(0)?, row.int(1)?),
                        None => format!("{}#{}", row.text(0)?, row.int(1)?),
                    },
                    None => format!("version {id}"),
                };
                labels.insert(*id, label);
            }
            list_versions.push(labels[id].clone());
        }
        out.push(DecisionRecord {
            decision_id: decision.id,
            alert_id: decision.alert_id,
            book: decision.book,
            customer_id: decision.customer_id,
            customer_name: alert.customer_name,
            subject_id: decision.subject_id,
            referents: alert.referents,
            score: decision.score,
            list_versions,
            kind: decision.kind,
            reason: decision.reason,
            remark: decision.remark,
            suppression: describe_suppression(decision.suppress.as_ref()),
            status: decision.status,
            requested_by: decision.requested_by,
            requested_role: decision.requested_role,
            requested_at: decision.requested_at,
            reviewed_by: decision.reviewed_by,
            reviewed_role: decision.reviewed_role,
            reviewed_at: decision.reviewed_at,
            review_remark: decision.review_remark,
            effective_at: decision.effective_at,
        });
    }
    Ok(out)
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.role)
    }
}

/// The records as CSV: a header of [`EXPORT_COLUMNS`], then one line per record (RFC 4180:
/// fields holding a comma, quote or line break are quoted, quotes doubled).
pub fn decisions_csv(records: &[DecisionRecord]) -> String {
    fn field(text: &str) -> String {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    }
    let mut out = EXPORT_COLUMNS.join(",");
    out.push_str("\r\n");
    for record in records {
        let fields: Vec<String> = record.csv_fields().iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}
