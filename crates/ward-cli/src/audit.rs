//! `ward audit`: the audit trail of screening requests, newest first.

use crate::args::AuditArgs;
use crate::serve::open_store;
use anyhow::Context;
use serde_json::{json, Value};
use std::path::Path;
use std::process::ExitCode;
use ward_engine::Hit;
use ward_store::{AuditFilter, AuditLog, AuditRecord, Store};

pub(crate) fn run(data_dir: &Path, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(data_dir, &args.db)?;
    let filter = AuditFilter {
        name: args.name.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        key_id: args.key.clone(),
        request_id: None,
        matched_only: args.matched,
        limit: Some(args.limit),
    };
    let records = store.audit(&filter)?;
    for record in &records {
        if args.json {
            out!("{}", serde_json::to_string(record)?)?;
        } else {
            out!(
                "{}  {}  {:<28} key {:<12} {} top {:.2}  names: {}  lists {:?}",
                record.time,
                record.request_id,
                record.source,
                record.key_id.as_deref().unwrap_or("-"),
                if record.matched { "MATCH   " } else { "no match" },
                record.top_score,
                record.query_names.join("; "),
                record.list_versions,
            )?;
        }
    }
    if records.is_empty() && !args.json {
        eprintln!("no audit records match");
    }
    Ok(ExitCode::SUCCESS)
}

/// The audit trail of one CLI screening run (`ward match`, `ward screen`): one record per query,
/// as the API writes one per request, all committed before the run reports success. Without
/// auditing (`--no-audit`) one record still says that a screening of N queries ran unaudited.
pub(crate) struct Trail {
    log: AuditLog,
    /// Shared by the run's records, so `ward audit --json` groups them.
    run_id: String,
    source: &'static str,
    list_versions: Vec<i64>,
    audited: bool,
    records: Vec<AuditRecord>,
    /// Queries of an unaudited run, and whether any matched.
    unaudited: (usize, bool),
}

impl Trail {
    /// Starts the trail of a run against the store's current list versions.
    pub(crate) fn start(store: &Store, source: &'static str, audited: bool) -> anyhow::Result<Trail> {
        let list_versions = store.current_versions()?.iter().map(|v| v.id).collect();
        let log = store.audit_log().context("starting the audit trail")?;
        Ok(Trail {
            log,
            run_id: run_id(),
            source,
            list_versions,
            audited,
            records: Vec::new(),
            unaudited: (0, false),
        })
    }

    /// Records one query and its answer (`results`: ids, scores and matches, or the refusal).
    pub(crate) fn record(
        &mut self,
        query: Value,
        query_names: Vec<String>,
        results: Value,
        top_score: f64,
        matched: bool,
    ) {
        if !self.audited {
            self.unaudited = (self.unaudited.0 + 1, self.unaudited.1 || matched);
            return;
        }
        self.records.push(AuditRecord {
            request_id: self.run_id.clone(),
            key_id: None,
            time: String::new(),
            source: self.source.to_string(),
            dataset: "default".to_string(),
            query,
            query_names,
            list_versions: self.list_versions.clone(),
            results,
            top_score,
            matched,
        });
    }

    /// Writes the records and waits until they are durable.
    pub(crate) fn finish(mut self) -> anyhow::Result<()> {
        if !self.audited {
            let (queries, matched) = self.unaudited;
            self.audited = true;
            self.record(
                json!({"unaudited": true, "queries": queries}),
                Vec::new(),
                json!({"note": format!("a screening of {queries} queries ran with --no-audit")}),
                0.0,
                matched,
            );
        }
        let tickets: Vec<_> = self.records.drain(..).map(|r| self.log.submit(r)).collect();
        for ticket in tickets {
            ticket.wait().context("writing the audit trail; the screening is not recorded")?;
        }
        self.log.shutdown().context("closing the audit trail")?;
        Ok(())
    }
}

/// The request id of one CLI run: process id and time.
fn run_id() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("cli-{}-{nanos:x}", std::process::id())
}

/// Records in the audit trail an operator's change to which version of a list is current: an
/// import forced with `--allow-shrink`, or a rollback. `source` names the command, `request`
/// what was asked; waits until the record is durable.
pub(crate) fn record_list_change(
    store: &Store,
    source: &str,
    request: Value,
    outcome: &ward_store::ImportOutcome,
) -> anyhow::Result<()> {
    let version = &outcome.version;
    let log = store.audit_log().context("starting the audit trail")?;
    let record = AuditRecord {
        request_id: run_id(),
        key_id: None,
        time: String::new(),
        source: source.to_string(),
        dataset: version.dataset.clone(),
        query: request,
        query_names: Vec::new(),
        list_versions: vec![version.id],
        results: json!({
            "version": version.number,
            "restores": version.restores,
            "records": version.counts.entities,
            "removed": outcome.removed,
            "previous_records": outcome.previous_records,
            "note": version.note,
        }),
        top_score: 0.0,
        matched: false,
    };
    log.submit(record).wait().with_context(|| {
        format!(
            "writing the audit record of {} version {}; the version is stored",
            version.dataset, version.number
        )
    })?;
    log.shutdown().context("closing the audit trail")?;
    Ok(())
}

/// What the audit records of hits: ids, scores and matches, the best score, whether any matched.
pub(crate) fn hit_summary(hits: &[Hit]) -> (Value, f64, bool) {
    let results = hits
        .iter()
        .map(|h| json!({"id": h.subject_id, "score": (h.score * 1000.0).round() / 1000.0, "match": h.is_match}))
        .collect();
    (results, hits.iter().map(|h| f64::from(h.score)).fold(0.0, f64::max), hits.iter().any(|h| h.is_match))
}
