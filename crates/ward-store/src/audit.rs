//! The audit trail: what was screened, by whom, against which list versions, and what Ward
//! answered; written durably with group commit before each request is answered.
//!
//! Committing one transaction per request would cap throughput at the disk's fsync rate (a few
//! hundred per second). Instead one writer thread owns its own connection, takes whatever is
//! queued (up to [`MAX_BATCH`]), writes it in one transaction, commits, and only then completes
//! every ticket of the batch. Under load each fsync covers many requests; when idle a lone
//! request is written at once, so latency stays one commit.

use crate::{Error, InternalError, Result, UserError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The most records written in one transaction.
pub const MAX_BATCH: usize = 512;

/// One screening request and Ward's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    /// The request id (also returned to the client).
    pub request_id: String,
    /// The API key used, by public id; `None` for the CLI or an open server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// When (RFC 3339); stored in UTC with millisecond precision. Empty means now.
    pub time: String,
    /// Where the request came from: `http /match/default`, `cli screen`.
    pub source: String,
    /// The dataset (or collection) screened against.
    pub dataset: String,
    /// The query as received.
    pub query: serde_json::Value,
    /// The names queried, for name search in the audit.
    pub query_names: Vec<String>,
    /// The list versions the answer was computed from.
    pub list_versions: Vec<i64>,
    /// The answer: results and their scores.
    pub results: serde_json::Value,
    /// The best score in the answer (0 when nothing was returned).
    pub top_score: f64,
    /// Whether the answer reported a match.
    pub matched: bool,
}

/// Which audit records to return. The default returns all of them, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Case-insensitive substring of any queried name.
    pub name: Option<String>,
    /// From this time on (RFC 3339, or a date meaning its start), inclusive.
    pub from: Option<String>,
    /// Up to this time (RFC 3339, or a date meaning its end), inclusive.
    pub to: Option<String>,
    /// Only requests made with this key id.
    pub key_id: Option<String>,
    /// Only this request.
    pub request_id: Option<String>,
    /// Only requests answered with a match.
    pub matched_only: bool,
    /// At most this many records.
    pub limit: Option<u64>,
}

/// A filter with its times resolved: `from` inclusive, `until` exclusive, `name` lowercased.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResolvedFilter {
    pub name: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub key_id: Option<String>,
    pub request_id: Option<String>,
    pub matched_only: bool,
    pub limit: Option<i64>,
}

impl AuditFilter {
    pub(crate) fn resolve(&self) -> Result<ResolvedFilter> {
        Ok(ResolvedFilter {
            name: self.name.as_deref().map(str::to_lowercase),
            from: self.from.as_deref().map(|t| time_bound(t, false)).transpose()?,
            until: self.to.as_deref().map(|t| time_bound(t, true)).transpose()?,
            key_id: self.key_id.clone(),
            request_id: self.request_id.clone(),
            matched_only: self.matched_only,
            limit: self.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
        })
    }
}

/// A time as stored: UTC, milliseconds, `Z`. Fixed width, so text order is time order (`SQLite`
/// compares the text).
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    let time = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| Error::from(UserError::BadTime { value: text.to_string() }))?
        .with_timezone(&Utc);
    // Stored times have millisecond precision; truncate so a time compares equal to its stored
    // form.
    let text = format_time(time);
    Ok(DateTime::parse_from_rfc3339(&text).expect("own format").with_timezone(&Utc))
}

/// A filter bound: an RFC 3339 time, or a date (its start for `from`, the next day's start for
/// an exclusive `until`). A time as `until` is made exclusive by adding one millisecond.
pub(crate) fn time_bound(text: &str, until: bool) -> Result<DateTime<Utc>> {
    if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let date = if until { date.succ_opt().unwrap_or(date) } else { date };
        return Ok(date.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    let time = parse_time(text)?;
    Ok(if until { time + chrono::Duration::milliseconds(1) } else { time })
}

/// Fills in and canonicalizes the time.
fn normalize(record: &mut AuditRecord) -> Result<()> {
    record.time = if record.time.trim().is_empty() {
        format_time(Utc::now())
    } else {
        format_time(parse_time(&record.time)?)
    };
    Ok(())
}

/// The queried names, lowercased, one per line: what name search looks in.
pub(crate) fn names_lower(record: &AuditRecord) -> String {
    record.query_names.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>().join("\n")
}

/// Where the writer thread writes: one backend connection of its own.
pub(crate) trait AuditSink: Send {
    /// Writes every record in one transaction and commits durably.
    fn write(&mut self, records: &[AuditRecord]) -> Result<()>;
}

type Outcome = std::result::Result<(), Arc<Error>>;

/// Records that commit together, in one transaction, and whoever waits for them.
struct Job {
    records: Vec<AuditRecord>,
    done: oneshot::Sender<Outcome>,
}

/// The audit writer: a thread with its own connection that commits records in groups.
///
/// Share it behind an `Arc`; dropping the last handle (or [`AuditLog::shutdown`]) writes what is
/// queued, then stops the thread.
pub struct AuditLog {
    queue: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog").field("open", &self.queue.is_some()).finish()
    }
}

impl AuditLog {
    pub(crate) fn start(sink: Box<dyn AuditSink>) -> Result<AuditLog> {
        // Unbounded: every submitter waits for its ticket, so the queue never holds more than
        // the requests in flight.
        let (queue, jobs) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("ward-audit".into())
            .spawn(move || write_loop(sink, jobs))
            .map_err(|source| Error::from(InternalError::Io { path: "ward-audit thread".into(), source }))?;
        Ok(AuditLog { queue: Some(queue), thread: Some(thread) })
    }

    /// Queues a record. The returned ticket completes once the record is committed (or failed
    /// to be); answer the request only then.
    pub fn submit(&self, record: AuditRecord) -> AuditTicket {
        self.submit_all(vec![record])
    }

    /// Queues records that are written in one transaction: the returned ticket completes once
    /// all of them are committed, or none is (a record with a bad time fails them all).
    pub fn submit_all(&self, mut records: Vec<AuditRecord>) -> AuditTicket {
        let (done, rx) = oneshot::channel();
        let ticket = AuditTicket { rx };
        if let Err(e) = records.iter_mut().try_for_each(normalize) {
            let _ = done.send(Err(Arc::new(e)));
            return ticket;
        }
        let queue = self.queue.as_ref().expect("the queue lives until drop");
        if let Err(mpsc::SendError(job)) = queue.send(Job { records, done }) {
            // The writer thread is gone; dropping the job's sender tells the ticket.
            drop(job);
        }
        ticket
    }

    /// Writes what is queued and stops the writer thread.
    pub fn shutdown(mut self) -> Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> Result<()> {
        // Closing the queue ends the writer's loop once it has drained it.
        self.queue.take();
        match self.thread.take().map(JoinHandle::join) {
            Some(Err(_)) => Err(InternalError::AuditClosed.into()),
            _ => Ok(()),
        }
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn write_loop(mut sink: Box<dyn AuditSink>, jobs: mpsc::Receiver<Job>) {
    let mut records = Vec::with_capacity(MAX_BATCH);
    let mut waiters = Vec::with_capacity(MAX_BATCH);
    while let Ok(first) = jobs.recv() {
        let mut next = Some(first);
        // A job is never split: one larger than `MAX_BATCH` is one transaction of its own.
        while let Some(job) = next {
            records.extend(job.records);
            waiters.push(job.done);
            next = if records.len() < MAX_BATCH { jobs.try_recv().ok() } else { None };
        }
        let outcome: Outcome = sink.write(&records).map_err(Arc::new);
        for done in waiters.drain(..) {
            // A waiter that gave up (client gone) is no reason to stop.
            let _ = done.send(outcome.clone());
        }
        records.clear();
    }
}

/// Completes when the record is durably written.
#[derive(Debug)]
#[must_use = "answer the request only after the audit record is written"]
pub struct AuditTicket {
    rx: oneshot::Receiver<Outcome>,
}

impl AuditTicket {
    fn outcome(received: std::result::Result<Outcome, oneshot::error::RecvError>) -> Result<()> {
        match received {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(InternalError::AuditWrite(e).into()),
            Err(_) => Err(InternalError::AuditClosed.into()),
        }
    }

    /// Blocks until the record is written. Do not call on an async runtime's thread (tokio
    /// panics there): use [`AuditTicket::wait_async`].
    pub fn wait(self) -> Result<()> {
        AuditTicket::outcome(self.rx.blocking_recv())
    }

    /// Waits without blocking the thread, for async servers. Works on any executor.
    pub async fn wait_async(self) -> Result<()> {
        AuditTicket::outcome(self.rx.await)
    }
}
