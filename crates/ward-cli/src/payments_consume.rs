//! `ward payments consume --nats URL --stream NAME`: screens payment messages from a `JetStream`
//! stream through a durable pull consumer that any number of Ward processes share (each message
//! goes to one of them), publishes each decision to [`DECISIONS_SUBJECT`] and acknowledges the
//! message only once its decisions are in the audit trail and `JetStream` has confirmed them. A
//! process that dies leaves its unacknowledged messages to be redelivered to the others after
//! the ack wait; a decision published twice that way is dropped by `JetStream`, whose
//! `Nats-Msg-Id` de-duplication keys it by message id and UETR. A held message is stored as a
//! case of the review desk before its NATS message is acknowledged; a redelivered one finds its
//! case stored and makes no second one.

use crate::args::DatabaseArgs;
use anyhow::Context;
use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy, AckKind};
use futures_util::StreamExt;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use ward_payments::{CustomerTransfers, MessageDecision, PaymentScreener, DEFAULT_REMEMBERED_TRANSFERS};
use ward_store::{AuditLog, AuditRecord, Store};

/// Where decisions are published.
pub const DECISIONS_SUBJECT: &str = "ward.payments.decisions";

/// The stream that keeps the decisions (created when missing), so that publishing them is
/// confirmed and de-duplicated by `Nats-Msg-Id`.
pub const DECISIONS_STREAM: &str = "WARD_PAYMENT_DECISIONS";

/// How long `JetStream` remembers a `Nats-Msg-Id` to drop a second publication of it.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(2 * 60);

/// The audit trail's source of the decisions.
const AUDIT_SOURCE: &str = "cli:payments-consume";

/// `ward payments consume`
#[derive(Debug, clap::Args)]
pub struct PaymentsConsumeArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The NATS server.
    #[arg(long, value_name = "URL")]
    pub nats: String,
    /// The `JetStream` stream holding the payment messages (one raw message or file per NATS
    /// message); it must exist.
    #[arg(long, value_name = "NAME")]
    pub stream: String,
    /// The durable consumer shared by every Ward process reading the stream (created when
    /// missing, with explicit acknowledgement).
    #[arg(long, default_value = "ward", value_name = "NAME")]
    pub consumer: String,
    /// Seconds before a message delivered to a process that did not acknowledge it (it died)
    /// is delivered again; used only when the consumer is created.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub ack_wait: u64,
    /// Stop after deciding this many NATS messages (default: run until stopped).
    #[arg(long, value_name = "N")]
    pub max_messages: Option<u64>,
    /// The geography table and its switches.
    #[command(flatten)]
    pub geography: crate::payments::GeographyArgs,
}

/// Where decisions are published, and the stream that keeps them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecisionTarget<'a> {
    /// The subject decisions are published on.
    pub subject: &'a str,
    /// The stream over `subject`, created when missing.
    pub stream: &'a str,
}

/// What `ward payments consume` publishes to.
pub(crate) const DECISIONS: DecisionTarget<'static> =
    DecisionTarget { subject: DECISIONS_SUBJECT, stream: DECISIONS_STREAM };

pub(crate) fn run(data_dir: &Path, args: &PaymentsConsumeArgs) -> anyhow::Result<ExitCode> {
    let (store, screener) = crate::matching::load_screener(data_dir, &args.db)?;
    let list_versions: Vec<i64> = store.current_versions()?.iter().map(|v| v.id).collect();
    let audit = store.audit_log().context("starting the audit trail")?;
    let options = crate::matching::options(None, 10, &[]);
    let payments = PaymentScreener::new(Arc::new(screener), args.geography.load()?, options);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let max_messages = args.max_messages;
    let mut decided = 0u64;
    let stop_after = move || {
        decided += 1;
        max_messages.is_some_and(|max| decided >= max)
    };
    let consumed = runtime.block_on(consume(
        args,
        &payments,
        &audit,
        Some(&store),
        &list_versions,
        DECISIONS,
        stop_after,
    ))?;
    eprintln!("{consumed} NATS messages decided");
    Ok(ExitCode::SUCCESS)
}

/// The `Nats-Msg-Id` of a decision: the message id and the UETR, or the stream sequence where
/// the message has neither.
fn decision_id(decision: &MessageDecision, stream: &str, sequence: u64, index: usize) -> String {
    match (&decision.message_id, &decision.uetr) {
        (None, None) => format!("{stream}:{sequence}:{index}"),
        (message_id, uetr) => {
            format!("{}:{}", message_id.as_deref().unwrap_or_default(), uetr.as_deref().unwrap_or_default())
        }
    }
}

/// Decides the stream's messages until `decided` (called after each acknowledged NATS message)
/// says to stop; returns how many NATS messages it decided. Held messages are stored as desk
/// cases in `holds` before the acknowledgement (`None` only for benchmarks of the screening
/// path).
pub(crate) async fn consume(
    args: &PaymentsConsumeArgs,
    payments: &PaymentScreener,
    audit: &AuditLog,
    holds: Option<&Store>,
    list_versions: &[i64],
    target: DecisionTarget<'_>,
    mut decided: impl FnMut() -> bool,
) -> anyhow::Result<u64> {
    let client = async_nats::connect(&args.nats)
        .await
        .with_context(|| format!("connecting to NATS at {}", args.nats))?;
    let context = jetstream::new(client);
    context
        .get_or_create_stream(jetstream::stream::Config {
            name: target.stream.to_string(),
            subjects: vec![target.subject.to_string()],
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        })
        .await
        .with_context(|| format!("creating the decisions stream {}", target.stream))?;
    let stream =
        context.get_stream(&args.stream).await.with_context(|| format!("opening stream {}", args.stream))?;
    let consumer = stream
        .get_or_create_consumer(
            &args.consumer,
            pull::Config {
                durable_name: Some(args.consumer.clone()),
                ack_policy: AckPolicy::Explicit,
                ack_wait: Duration::from_secs(args.ack_wait.max(1)),
                ..Default::default()
            },
        )
        .await
        .with_context(|| format!("creating consumer {} on stream {}", args.consumer, args.stream))?;
    let mut messages = consumer.messages().await.context("pulling messages")?;
    let mut transfers = CustomerTransfers::new(DEFAULT_REMEMBERED_TRANSFERS);
    let mut consumed = 0u64;
    while let Some(message) = messages.next().await {
        let message = message.map_err(|e| anyhow::anyhow!("receiving a message: {e}"))?;
        let sequence = message.info().map_or(0, |info| info.stream_sequence);
        let read = match ward_payments::read_messages(&message.payload) {
            Ok(read) => read,
            Err(e) => {
                // Not a payment: never redelivered, never reported as clean.
                eprintln!("error: {} sequence {sequence}: {e}; not screened", args.stream);
                message.ack_with(AckKind::Term).await.map_err(|e| anyhow::anyhow!("terminating: {e}"))?;
                continue;
            }
        };
        let mut decisions = Vec::new();
        let mut tickets = Vec::new();
        for payment in &read {
            let mut screening = payments.screen(payment);
            transfers.check(payment, &mut screening);
            let decision = MessageDecision::new(None, payment, screening);
            let record = AuditRecord {
                request_id: format!("nats:{}:{sequence}", args.stream),
                key_id: None,
                time: String::new(),
                source: AUDIT_SOURCE.to_string(),
                dataset: "default".to_string(),
                query: payments.audited_query(None, payment),
                query_names: payment.names(),
                list_versions: list_versions.to_vec(),
                results: json!({"decision": decision.decision, "hits": decision.hits}),
                top_score: f64::from(decision.top_score()),
                matched: decision.is_hold(),
            };
            tickets.push(audit.submit(record));
            decisions.push(decision);
        }
        for ticket in tickets {
            ticket.wait_async().await.context("writing the audit trail")?;
        }
        if let Some(store) = holds {
            let raw = String::from_utf8_lossy(&message.payload);
            let source = format!("nats:{}", args.stream);
            let new_holds: Vec<_> = read
                .iter()
                .zip(&decisions)
                .filter_map(|(payment, decision)| {
                    ward_http::payment_hold(payment, decision, &raw, list_versions, &source)
                })
                .collect();
            // The store's calls block the runtime's one thread for a short transaction, which
            // is what this consumer waits on anyway before acknowledging.
            ward_http::record_payment_holds(store, &new_holds).with_context(|| {
                format!("storing the held payments of {} sequence {sequence}", args.stream)
            })?;
        }
        for (index, decision) in decisions.iter().enumerate() {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                decision_id(decision, &args.stream, sequence, index).as_str(),
            );
            let payload = serde_json::to_vec(decision)?;
            context
                .publish_with_headers(target.subject.to_string(), headers, payload.into())
                .await
                .map_err(|e| anyhow::anyhow!("publishing a decision: {e}"))?
                .await
                .map_err(|e| anyhow::anyhow!("JetStream did not confirm a decision: {e}"))?;
        }
        message.double_ack().await.map_err(|e| anyhow::anyhow!("acknowledging sequence {sequence}: {e}"))?;
        consumed += 1;
        if decided() {
            break;
        }
    }
    Ok(consumed)
}
