//! `ward decisions export`: the review desk's decisions of a period, for an examiner, as CSV or
//! JSON: what was screened, against which list versions, who decided, when, why.

use crate::args::DatabaseArgs;
use clap::Subcommand;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `ward decisions`
#[derive(Debug, Subcommand)]
pub enum DecisionsCommand {
    /// Export the decisions requested in a period (CSV or JSON).
    Export(DecisionsExportArgs),
}

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A header line, then one line per decision.
    Csv,
    /// One JSON document: `{"from", "to", "decisions": [...]}`, as `GET /decisions/export`.
    Json,
}

/// `ward decisions export`
#[derive(Debug, clap::Args)]
pub struct DecisionsExportArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// First day (YYYY-MM-DD) or time (RFC 3339).
    #[arg(long)]
    pub from: String,
    /// Last day, included (YYYY-MM-DD), or time (RFC 3339).
    #[arg(long)]
    pub to: String,
    /// CSV or JSON.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// The export as text in `format`.
pub(crate) fn render(
    records: &[ward_store::DecisionRecord],
    from: &str,
    to: &str,
    format: ExportFormat,
) -> anyhow::Result<String> {
    Ok(match format {
        ExportFormat::Csv => ward_store::decisions_csv(records),
        ExportFormat::Json => {
            let document = serde_json::json!({"from": from, "to": to, "decisions": records});
            format!("{}\n", serde_json::to_string_pretty(&document)?)
        }
    })
}

pub(crate) fn run(data_dir: &Path, command: &DecisionsCommand) -> anyhow::Result<ExitCode> {
    let DecisionsCommand::Export(args) = command;
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let records = store.export_decisions(&args.from, &args.to)?;
    let text = render(&records, &args.from, &args.to, args.format)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            eprintln!("{} decisions written to {}", records.len(), path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_store::{
        Actor, Alert, AlertChange, AlertReason, AlertStatus, Customer, DecisionKind, DecisionReason,
        DecisionRequest, Role, Store, SuppressionRequest, EXPORT_COLUMNS,
    };

    /// The export reproduces the decisions: parsed back from CSV (with the csv crate) and from
    /// JSON, every field equals what the store holds.
    #[test]
    fn the_export_reproduces_the_decisions() {
        let store = Store::open_in_memory().unwrap();
        let book = store.create_book("retail").unwrap();
        let customers: Vec<Customer> = (0..3)
            .map(|k| Customer {
                id: format!("c{k}"),
                name: format!("Jane \"J\" Doe, {k}"),
                ..Customer::default()
            })
            .collect();
        store.write_customers("retail", &customers, &[]).unwrap();
        let changes: Vec<AlertChange> = customers
            .iter()
            .map(|c| {
                AlertChange::Raise(Alert {
                    id: 0,
                    book: "retail".into(),
                    customer_id: c.id.clone(),
                    customer_name: c.name.clone(),
                    subject_id: format!("s-{}", c.id),
                    referents: vec![format!("un_sc_sanctions:{}", c.id), "us_ofac_sdn:1".into()],
                    score: 0.875,
                    explanations: vec![],
                    reason: AlertReason::NewDesignation,
                    status: AlertStatus::Open,
                    close_reason: None,
                    list_versions: vec![],
                    created_at: String::new(),
                    updated_at: String::new(),
                })
            })
            .collect();
        let ids = store.commit_screening(&book, &changes).unwrap();
        let ann = Actor::new("ann", Role::Analyst);
        let sue = Actor::new("sue", Role::Supervisor);
        let request = |kind, suppress| DecisionRequest {
            kind,
            reason: DecisionReason::CommonName,
            remark: "line one\nline \"two\", with a comma".into(),
            suppress,
        };
        store.request_decision(ids[0], &ann, &request(DecisionKind::Dismiss, None)).unwrap();
        let expires =
            (chrono::Utc::now().date_naive() + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
        let good_guy = store
            .request_decision(
                ids[1],
                &ann,
                &request(DecisionKind::Dismiss, Some(SuppressionRequest::GoodGuy { expires })),
            )
            .unwrap();
        store.approve_decision(good_guy.id, &sue, "seen, \"ok\"").unwrap();
        store.request_decision(ids[2], &ann, &request(DecisionKind::Confirm, None)).unwrap();

        let today = ward_store::today();
        let records = store.export_decisions(&today, &today).unwrap();
        assert_eq!(records.len(), 3);

        let csv_text = render(&records, &today, &today, ExportFormat::Csv).unwrap();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), EXPORT_COLUMNS);
        let rows: Vec<Vec<String>> =
            reader.records().map(|row| row.unwrap().iter().map(str::to_string).collect()).collect();
        assert_eq!(rows, records.iter().map(|r| r.csv_fields()).collect::<Vec<_>>());
        for (row, record) in rows.iter().zip(&records) {
            let decision = store.decision(record.decision_id).unwrap().unwrap();
            assert_eq!(row[0], decision.id.to_string());
            assert_eq!(row[9], decision.kind.as_str());
            assert_eq!(row[10], decision.reason.as_str());
            assert_eq!(row[11], decision.remark);
            assert_eq!(row[13], decision.status.as_str());
            assert_eq!(row[14], decision.requested_by);
            assert_eq!(row[17], decision.reviewed_by.clone().unwrap_or_default());
            assert_eq!(row[20], decision.review_remark.clone().unwrap_or_default());
        }
        assert_eq!(rows[1][12], records[1].suppression);
        assert!(rows[1][12].starts_with("good-guy until "));
        assert_eq!(rows[0][4], customers[0].name);

        let json_text = render(&records, &today, &today, ExportFormat::Json).unwrap();
        let document: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        let parsed: Vec<ward_store::DecisionRecord> =
            serde_json::from_value(document["decisions"].clone()).unwrap();
        assert_eq!(parsed, records);
    }
}
