//! `ward payments screen FILE...`: screen ISO 20022 and SWIFT MT payment messages field by
//! field against the current lists and the geography table; one decision (hold or release) per
//! message with every hit, recorded in the audit trail before it is printed. A file that is
//! not a payment message is reported on stderr and makes the exit status 1; the other files
//! are still screened. A cover payment (pacs.009 COV, MT202COV) is also held when its
//! underlying customers differ from the customer transfer of its UETR read earlier in the run.

use crate::args::DatabaseArgs;
use crate::audit::Trail;
use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use ward_payments::{
    CustomerTransfers, Geography, MessageDecision, PaymentScreener, DEFAULT_REMEMBERED_TRANSFERS,
};

/// `ward payments ...`
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Screen payment message files: hold or release each message, with every hit.
    Screen(PaymentsScreenArgs),
    /// Screen payment messages from a NATS `JetStream` stream, shared with other Ward processes,
    /// publishing each decision to `ward.payments.decisions`.
    Consume(crate::payments_consume::PaymentsConsumeArgs),
}

/// `ward payments screen`
#[derive(Debug, clap::Args)]
pub struct PaymentsScreenArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Message files: ISO 20022 XML (pacs.008, pacs.009, pacs.004, pain.001, camt.056,
    /// camt.029; with or without header envelope) or SWIFT MT (MT101, MT103, MT202, MT205; RJE
    /// files and ACK-wrapped messages too).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per message instead of text.
    #[arg(long)]
    pub json: bool,
    /// Score from which a name hit holds the payment.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// The geography table and its switches.
    #[command(flatten)]
    pub geography: GeographyArgs,
    /// Write no audit record per message, only one saying that N messages ran unaudited.
    #[arg(long)]
    pub no_audit: bool,
}

/// The geography table's flags, shared by `ward payments screen`, `ward payments consume` and
/// `ward serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GeographyArgs {
    /// An operator's geography table instead of the one shipped (TOML, versioned, each entry
    /// tagged with programme and authorities; see `crates/ward-payments/data/geography.toml`).
    #[arg(long, value_name = "FILE")]
    pub geography: Option<PathBuf>,
    /// Switch geography entries off: a programme (`cuba`), an authority (`US`) or an entry id.
    /// Repeatable.
    #[arg(long, value_name = "PROGRAMME|AUTHORITY|ID")]
    pub geography_off: Vec<String>,
    /// Switch geography entries on (`syria` is off out of the box). Repeatable; applied before
    /// `--geography-off`.
    #[arg(long, value_name = "PROGRAMME|AUTHORITY|ID")]
    pub geography_on: Vec<String>,
}

impl GeographyArgs {
    /// Loads the table as the flags say: a file that cannot be read or holds a bad entry is an
    /// error naming the file and line; a switch naming nothing in the table is an error too.
    pub(crate) fn load(&self) -> anyhow::Result<Geography> {
        let mut geography = match &self.geography {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the geography table {}", path.display()))?;
                Geography::parse(&text, &path.display().to_string())?
            }
            None => Geography::embedded(),
        };
        for selector in &self.geography_on {
            geography.switch_on(selector).context("--geography-on")?;
        }
        for selector in &self.geography_off {
            geography.switch_off(selector).context("--geography-off")?;
        }
        Ok(geography)
    }
}

pub(crate) fn run(data_dir: &Path, command: &PaymentsCommand) -> anyhow::Result<ExitCode> {
    let args = match command {
        PaymentsCommand::Screen(args) => args,
        PaymentsCommand::Consume(args) => return crate::payments_consume::run(data_dir, args),
    };
    let geography = args.geography.load()?;
    let (store, screener) = crate::matching::load_screener(data_dir, &args.db)?;
    let options = crate::matching::options(args.threshold, 10, &[]);
    let payments = PaymentScreener::new(Arc::new(screener), geography, options);
    let mut trail = Trail::start(&store, "cli:payments", !args.no_audit)?;
    // A cover is compared with the customer transfer of its UETR read earlier in this run.
    let mut transfers = CustomerTransfers::new(DEFAULT_REMEMBERED_TRANSFERS);
    let mut results = Vec::new();
    let mut failed = 0;
    for path in &args.files {
        let file = path.display().to_string();
        let messages = std::fs::read(path)
            .with_context(|| format!("reading {file}"))
            .and_then(|bytes| ward_payments::read_messages(&bytes).map_err(anyhow::Error::new));
        let messages = match messages {
            Ok(messages) => messages,
            Err(e) => {
                eprintln!("error: {file}: {e:#}");
                failed += 1;
                continue;
            }
        };
        for message in messages {
            let mut screening = payments.screen(&message);
            transfers.check(&message, &mut screening);
            let decision = MessageDecision::new(Some(file.clone()), &message, screening);
            let audited_query = payments.audited_query(Some(&file), &message);
            let summary = json!({"decision": decision.decision, "hits": decision.hits});
            trail.record(
                audited_query,
                message.names(),
                summary,
                f64::from(decision.top_score()),
                decision.is_hold(),
            );
            results.push(decision);
        }
    }
    // The decisions are written only once the audit trail holds them.
    trail.finish()?;
    let held = results.iter().filter(|d| d.is_hold()).count();
    for decision in &results {
        if args.json {
            out!("{}", serde_json::to_string(decision)?)?;
            continue;
        }
        out!(
            "{}  {}  id {}  uetr {}  {}",
            decision.file.as_deref().unwrap_or_default(),
            decision.format,
            decision.message_id.as_deref().unwrap_or("-"),
            decision.uetr.as_deref().unwrap_or("-"),
            if decision.is_hold() { "HOLD" } else { "release" },
        )?;
        for hit in &decision.hits {
            out!(
                "    {:?} {} {:?} -> {} ({:.2}): {}",
                hit.kind,
                hit.field,
                hit.value,
                hit.subject_id,
                hit.score,
                hit.explanations.join("; ")
            )?;
        }
    }
    eprintln!(
        "{} messages from {} files: {held} held, {} released; {failed} files not read",
        results.len(),
        args.files.len() - failed,
        results.len() - held
    );
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
