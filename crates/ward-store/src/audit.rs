//! The audit trail: what was screened, by whom, against which list versions, and what Ward
//! answered; written durably with group commit before each request is answered.
//!
//! Committing one transaction per request would cap throughput at the disk's fsync rate (a few
//! hundred per second). Instead one writer thread owns its own connection, takes whatever is
//! queued (up to [`MAX_BATCH`] rows), writes it in one transaction, commits, and only then
//! completes every ticket of the batch. While one commit is in flight the next batch
//! accumulates; when idle a lone request is written at once (no timer), so latency stays one
//! commit. A request that holds payments hands its cases ([`NewPaymentHold`]) to the same
//! transaction: its answer waits for one commit, not two, and no second writer competes for the
//! database's write lock.

use crate::payment_holds::{self, NewPaymentHold};
use crate::{Error, InternalError, Result, UserError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The most rows (audit records and held payments) written in one transaction; a single
/// submission larger than this is still one transaction of its own.
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

/// What one transaction writes: the audit records of the requests in it and the payments they
/// hold.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub records: Vec<AuditRecord>,
    pub holds: Vec<NewPaymentHold>,
}

impl Batch {
    /// Rows to write, for [`MAX_BATCH`].
    fn rows(&self) -> usize {
        self.records.len() + self.holds.len()
    }

    fn add(&mut self, other: Batch) {
        self.records.extend(other.records);
        self.holds.extend(other.holds);
    }

    fn clear(&mut self) {
        self.records.clear();
        self.holds.clear();
    }
}

/// Where the writer thread writes: one backend connection of its own.
pub(crate) trait AuditSink: Send {
    /// Writes every record and hold of `batch` in one transaction (holds stored at time `at`)
    /// and commits durably; on any error nothing of it is stored.
    fn write(&mut self, batch: &Batch, at: &str) -> Result<()>;
}

type Outcome = std::result::Result<(), Arc<Error>>;

/// Rows that commit together, in one transaction, and whoever waits for them.
struct Job {
    batch: Batch,
    done: oneshot::Sender<Outcome>,
}

/// Counts of the writer's work, for metrics and tests.
#[derive(Debug, Default)]
struct Counters {
    commits: AtomicU64,
    failed_commits: AtomicU64,
}

/// What the audit writer has done since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditStats {
    /// Transactions committed.
    pub commits: u64,
    /// Transactions that failed (every request in them was told).
    pub failed_commits: u64,
}

/// The audit writer: a thread with its own connection that commits records in groups.
///
/// Share it behind an `Arc`; dropping the last handle (or [`AuditLog::shutdown`]) writes what is
/// queued, then stops the thread.
pub struct AuditLog {
    queue: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
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
        let counters = Arc::new(Counters::default());
        let writer_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("ward-audit".into())
            .spawn(move || write_loop(sink, &jobs, &writer_counters))
            .map_err(|source| Error::from(InternalError::Io { path: "ward-audit thread".into(), source }))?;
        Ok(AuditLog { queue: Some(queue), thread: Some(thread), counters })
    }

    /// Queues a record. The returned ticket completes once the record is committed (or failed
    /// to be); answer the request only then.
    pub fn submit(&self, record: AuditRecord) -> AuditTicket {
        self.submit_all(vec![record])
    }

    /// Queues records that are written in one transaction: the returned ticket completes once
    /// all of them are committed, or none is (a record with a bad time fails them all).
    pub fn submit_all(&self, records: Vec<AuditRecord>) -> AuditTicket {
        self.submit_with_holds(records, Vec::new())
    }

    /// Queues records and the held payments they answered, written in one transaction (with
    /// other requests' rows): the ticket completes once all of them are committed, or fails
    /// when none is. A hold is stored as [`crate::Store::record_payment_hold`] stores it (once
    /// per message key). A record with a bad time or a hold the desk cannot take fails this
    /// ticket at once with its user error, and never the other requests of the batch.
    pub fn submit_with_holds(
        &self,
        mut records: Vec<AuditRecord>,
        holds: Vec<NewPaymentHold>,
    ) -> AuditTicket {
        let checked = records
            .iter_mut()
            .try_for_each(normalize)
            .and_then(|()| holds.iter().try_for_each(|hold| payment_holds::check(hold).map(|_| ())));
        if let Err(e) = checked {
            return AuditTicket { state: TicketState::Refused(e) };
        }
        let (done, rx) = oneshot::channel();
        let queue = self.queue.as_ref().expect("the queue lives until drop");
        if let Err(mpsc::SendError(job)) = queue.send(Job { batch: Batch { records, holds }, done }) {
            // The writer thread is gone; dropping the job's sender tells the ticket.
            drop(job);
        }
        AuditTicket { state: TicketState::Queued(rx) }
    }

    /// What the writer has done so far.
    pub fn stats(&self) -> AuditStats {
        AuditStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            failed_commits: self.counters.failed_commits.load(Ordering::Relaxed),
        }
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

fn write_loop(mut sink: Box<dyn AuditSink>, jobs: &mpsc::Receiver<Job>, counters: &Counters) {
    let mut batch = Batch::default();
    let mut waiters = Vec::with_capacity(MAX_BATCH);
    while let Ok(first) = jobs.recv() {
        let mut next = Some(first);
        // A job is never split: one larger than `MAX_BATCH` is one transaction of its own.
        while let Some(job) = next {
            batch.add(job.batch);
            waiters.push(job.done);
            next = if batch.rows() < MAX_BATCH { jobs.try_recv().ok() } else { None };
        }
        let outcome: Outcome = sink.write(&batch, &crate::now()).map_err(Arc::new);
        let counter = if outcome.is_ok() { &counters.commits } else { &counters.failed_commits };
        counter.fetch_add(1, Ordering::Relaxed);
        for done in waiters.drain(..) {
            // A waiter that gave up (client gone) is no reason to stop.
            let _ = done.send(outcome.clone());
        }
        batch.clear();
    }
}

/// Completes when the record is durably written.
#[derive(Debug)]
#[must_use = "answer the request only after the audit record is written"]
pub struct AuditTicket {
    state: TicketState,
}

#[derive(Debug)]
enum TicketState {
    /// Waiting for the writer's commit.
    Queued(oneshot::Receiver<Outcome>),
    /// Refused before it was queued: the submitter's rows were bad.
    Refused(Error),
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
        match self.state {
            TicketState::Queued(rx) => AuditTicket::outcome(rx.blocking_recv()),
            TicketState::Refused(e) => Err(e),
        }
    }

    /// Waits without blocking the thread, for async servers. Works on any executor.
    pub async fn wait_async(self) -> Result<()> {
        match self.state {
            TicketState::Queued(rx) => AuditTicket::outcome(rx.await),
            TicketState::Refused(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, Sender};

    /// The request id whose transaction [`GatedSink`] refuses.
    const REFUSED: &str = "refused";

    /// A sink that tells the test the rows of each transaction it starts, then waits for the
    /// test's go before it commits; it refuses a transaction holding request [`REFUSED`].
    struct GatedSink {
        started: Sender<usize>,
        go: Receiver<()>,
    }

    impl AuditSink for GatedSink {
        fn write(&mut self, batch: &Batch, _at: &str) -> Result<()> {
            self.started.send(batch.rows()).expect("the test listens");
            self.go.recv().expect("the test lets it go");
            if batch.records.iter().any(|record| record.request_id == REFUSED) {
                return Err(Error::missing("a commit the test refuses".to_string()));
            }
            Ok(())
        }
    }

    fn record(request_id: &str) -> AuditRecord {
        AuditRecord {
            request_id: request_id.to_string(),
            key_id: None,
            time: String::new(),
            source: "http /screen/payment".to_string(),
            dataset: "default".to_string(),
            query: serde_json::json!({}),
            query_names: vec!["LISTED PERSON".to_string()],
            list_versions: vec![1],
            results: serde_json::json!({"decision": "hold"}),
            top_score: 0.97,
            matched: true,
        }
    }

    fn hold(message_id: &str) -> NewPaymentHold {
        NewPaymentHold {
            message_id: Some(message_id.to_string()),
            uetr: None,
            format: "MT103".to_string(),
            syntax: crate::MessageSyntax::SwiftMt,
            raw: ":20:REF\n:59:LISTED PERSON".to_string(),
            decision: serde_json::json!({"decision": "hold", "hits": [{
                "field": "59", "value": "LISTED PERSON", "kind": "name", "subject_id": "un:1",
                "referents": ["un:1"], "score": 0.97, "explanations": ["all name words agree"],
            }]}),
            list_versions: vec![1],
            source: "test".to_string(),
        }
    }

    /// A log over a gated sink: the receiver of started transactions' rows and the sender of gos.
    fn gated_log() -> (AuditLog, Receiver<usize>, Sender<()>) {
        let (started, started_rx) = mpsc::channel();
        let (go_tx, go) = mpsc::channel();
        let log = AuditLog::start(Box::new(GatedSink { started, go })).unwrap();
        (log, started_rx, go_tx)
    }

    /// Submits one request while a commit is in flight: the first job's transaction, then the
    /// given jobs, which queue behind it; returns the first ticket and the queued ones.
    fn behind_a_commit(
        log: &AuditLog,
        started: &Receiver<usize>,
        jobs: Vec<(Vec<AuditRecord>, Vec<NewPaymentHold>)>,
    ) -> (AuditTicket, Vec<AuditTicket>) {
        let first = log.submit(record("first"));
        assert_eq!(started.recv().unwrap(), 1, "a lone request is written at once");
        let queued = jobs.into_iter().map(|(records, holds)| log.submit_with_holds(records, holds)).collect();
        (first, queued)
    }

    #[test]
    fn requests_queued_behind_a_commit_share_the_next_one() {
        let (log, started, go) = gated_log();
        let jobs = vec![
            (vec![record("a")], vec![hold("A")]),
            (vec![record("b")], Vec::new()),
            (vec![record("c"), record("d")], vec![hold("C"), hold("D")]),
        ];
        let (first, queued) = behind_a_commit(&log, &started, jobs);
        go.send(()).unwrap();
        assert_eq!(started.recv().unwrap(), 7, "every queued record and hold in one transaction");
        go.send(()).unwrap();
        first.wait().unwrap();
        for ticket in queued {
            ticket.wait().unwrap();
        }
        assert_eq!(log.stats(), AuditStats { commits: 2, failed_commits: 0 });
    }

    #[test]
    fn a_failed_commit_fails_every_request_in_it() {
        let (log, started, go) = gated_log();
        let jobs = vec![
            (vec![record("a")], vec![hold("A")]),
            (vec![record(REFUSED)], Vec::new()),
            (vec![record("c")], Vec::new()),
        ];
        let (first, queued) = behind_a_commit(&log, &started, jobs);
        go.send(()).unwrap();
        assert_eq!(started.recv().unwrap(), 4);
        go.send(()).unwrap();
        first.wait().unwrap();
        for ticket in queued {
            let err = ticket.wait().unwrap_err();
            assert!(!err.is_user_error(), "{err}");
            let text = err.to_string();
            assert!(text.contains("not committed") && text.contains("a commit the test refuses"), "{text}");
        }
        // The writer goes on: the next request commits.
        let next = log.submit(record("next"));
        assert_eq!(started.recv().unwrap(), 1);
        go.send(()).unwrap();
        next.wait().unwrap();
        assert_eq!(log.stats(), AuditStats { commits: 2, failed_commits: 1 });
    }

    #[test]
    fn a_bad_request_is_refused_alone_before_it_is_queued() {
        let (log, started, go) = gated_log();
        let mut no_hits = hold("N");
        no_hits.decision = serde_json::json!({"decision": "hold", "hits": []});
        let mut bad_time = record("t");
        bad_time.time = "yesterday".to_string();
        let jobs = vec![
            (vec![record("a")], vec![no_hits]),
            (vec![bad_time], Vec::new()),
            (vec![record("b")], Vec::new()),
        ];
        let (first, mut queued) = behind_a_commit(&log, &started, jobs);
        go.send(()).unwrap();
        assert_eq!(started.recv().unwrap(), 1, "only the good request is queued");
        go.send(()).unwrap();
        first.wait().unwrap();
        queued.pop().unwrap().wait().unwrap();
        for ticket in queued {
            assert!(ticket.wait().unwrap_err().is_user_error());
        }
    }
}
