//! `ward payments consume --nats URL --stream NAME`: screens payment messages from a `JetStream`
//! stream through a durable pull consumer that any number of Ward processes share (each message
//! goes to one of them), publishes each decision to [`DECISIONS_SUBJECT`] and acknowledges the
//! message only once its decisions are in the audit trail and `JetStream` has confirmed them. A
//! process that dies leaves its unacknowledged messages to be redelivered to the others after
//! the ack wait; a decision published twice that way is dropped by `JetStream`, whose
//! `Nats-Msg-Id` de-duplication keys it by message id and UETR.
//!
//! Several messages are in flight at once (`--in-flight`): the messages that have arrived are
//! taken as one batch, read and screened in parallel, their audit records written in one
//! transaction and their decisions published without waiting one by one; a task then waits for
//! the commit and for every publish confirmation and acknowledges each message whose decisions
//! are all durable, while the next batch is screened. A message whose decision `JetStream` did
//! not confirm is not acknowledged: it is handed back for redelivery.
//!
//! A held message is stored as a case of the review desk before its NATS message is
//! acknowledged; a redelivered one finds its case stored and makes no second one.

use crate::args::DatabaseArgs;
use anyhow::Context;
use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy, AckKind};
use futures_util::StreamExt;
use rayon::prelude::*;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use ward_payments::{
    CustomerTransfers, Message, MessageDecision, PaymentScreener, ReadError, Screening,
    DEFAULT_REMEMBERED_TRANSFERS,
};
use ward_store::{AuditLog, AuditRecord, AuditTicket};

/// Where decisions are published.
pub const DECISIONS_SUBJECT: &str = "ward.payments.decisions";

/// The stream that keeps the decisions (created when missing), so that publishing them is
/// confirmed and de-duplicated by `Nats-Msg-Id`.
pub const DECISIONS_STREAM: &str = "WARD_PAYMENT_DECISIONS";

/// How long `JetStream` remembers a `Nats-Msg-Id` to drop a second publication of it.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(2 * 60);

/// The audit trail's source of the decisions.
const AUDIT_SOURCE: &str = "cli:payments-consume";

/// Messages in flight by default: enough batching that one audit commit and one round of
/// publish confirmations cover many messages, few enough that a dying process leaves little to
/// be redelivered.
pub(crate) const DEFAULT_IN_FLIGHT: u32 = 128;

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
    /// The most NATS messages this process screens or waits to confirm at once; it also pulls
    /// at most this many at a time. Keep it well below what the ack wait lets it decide.
    #[arg(long, default_value_t = DEFAULT_IN_FLIGHT, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub in_flight: u32,
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
    let payments = Arc::new(PaymentScreener::new(Arc::new(screener), args.geography.load()?, options));
    // Screening runs on rayon's threads; this runtime only moves messages.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let audit = Arc::new(audit);
    let consumed =
        runtime.block_on(consume(args, &payments, &audit, true, &list_versions, DECISIONS, |_| ()))?;
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

/// One NATS message of a batch, once read and screened.
enum Screened {
    /// Its payment messages, each with its screening.
    Payments(Vec<(Message, Screening)>),
    /// Not a payment message.
    Unreadable(ReadError),
}

/// Reads and screens every body, in parallel on rayon's threads, in the order given.
fn screen_batch<B: AsRef<[u8]> + Sync>(payments: &PaymentScreener, bodies: &[B]) -> Vec<Screened> {
    bodies
        .par_iter()
        .map(|body| match ward_payments::read_messages(body.as_ref()) {
            Ok(read) => Screened::Payments(
                read.into_iter()
                    .map(|payment| {
                        let screening = payments.screen(&payment);
                        (payment, screening)
                    })
                    .collect(),
            ),
            Err(e) => Screened::Unreadable(e),
        })
        .collect()
}

/// A NATS message whose decisions are published and audited but not yet known to be durable.
struct Unconfirmed {
    message: jetstream::Message,
    sequence: u64,
    /// When this process took the message.
    taken: Instant,
    /// Each decision's publish confirmation, or why it could not be sent.
    publications: Vec<Result<PublishAckFuture, String>>,
}

/// Publishes one decision under its `Nats-Msg-Id`, without waiting for the confirmation.
async fn publish(
    context: &jetstream::Context,
    subject: &str,
    message_id: &str,
    decision: &MessageDecision,
) -> Result<PublishAckFuture, String> {
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(async_nats::header::NATS_MESSAGE_ID, message_id);
    let payload = serde_json::to_vec(decision).map_err(|e| e.to_string())?;
    context
        .publish_with_headers(subject.to_string(), headers, payload.into())
        .await
        .map_err(|e| e.to_string())
}

/// Waits until a batch is durable and acknowledges it: once the audit commit and every publish
/// confirmation of a message are in, the message is acknowledged; a message whose decision was
/// not confirmed is handed back (redelivered after `redelivery_delay`). Returns how many messages
/// were acknowledged, each with its time from being taken to being acknowledged. A failed audit
/// commit hands the whole batch back and is an error. The permits are the batch's room in
/// flight, released when this ends.
async fn settle(
    batch: Vec<Unconfirmed>,
    audit: AuditTicket,
    permits: OwnedSemaphorePermit,
    redelivery_delay: Duration,
    stream: String,
) -> anyhow::Result<Vec<Duration>> {
    let _permits = permits;
    if let Err(e) = audit.wait_async().await {
        futures_util::future::join_all(
            batch.iter().map(|unconfirmed| unconfirmed.message.ack_with(AckKind::Nak(None))),
        )
        .await;
        return Err(anyhow::Error::new(e).context("writing the audit trail"));
    }
    let stream = &stream;
    let acknowledged = futures_util::future::join_all(batch.into_iter().map(|unconfirmed| async move {
        let Unconfirmed { message, sequence, taken, publications } = unconfirmed;
        let mut failure = None;
        for publication in publications {
            let confirmed = match publication {
                Ok(confirmation) => confirmation.await.map(drop).map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            if let Err(e) = confirmed {
                failure = Some(e);
            }
        }
        let handled = match &failure {
            None => message.double_ack().await,
            Some(_) => message.ack_with(AckKind::Nak(Some(redelivery_delay))).await,
        };
        match (failure, handled) {
            (None, Ok(())) => Some(taken.elapsed()),
            (Some(e), _) => {
                eprintln!(
                    "error: {stream} sequence {sequence}: JetStream did not confirm a decision ({e}); \
                     not acknowledged, to be redelivered"
                );
                None
            }
            // The message comes back after the ack wait; its decision is then dropped as a
            // duplicate.
            (None, Err(e)) => {
                eprintln!("error: acknowledging {stream} sequence {sequence}: {e}; to be redelivered");
                None
            }
        }
    }))
    .await;
    Ok(acknowledged.into_iter().flatten().collect())
}

/// Decides the stream's messages until the stream ends or `--max-messages` are taken, telling
/// `decided` the messages each settled batch acknowledged, as each one's time from being taken
/// to being acknowledged; returns how many NATS messages it decided (acknowledged). With
/// `keep_holds`, each held payment becomes a desk case in its batch's audit transaction.
pub(crate) async fn consume(
    args: &PaymentsConsumeArgs,
    payments: &Arc<PaymentScreener>,
    audit: &Arc<AuditLog>,
    keep_holds: bool,
    list_versions: &[i64],
    target: DecisionTarget<'_>,
    mut decided: impl FnMut(&[Duration]),
) -> anyhow::Result<u64> {
    let client = async_nats::connect(&args.nats)
        .await
        .with_context(|| format!("connecting to NATS at {}", args.nats))?;
    let context = jetstream::new(client);
    ward_events::ensure_stream(
        &context,
        jetstream::stream::Config {
            name: target.stream.to_string(),
            subjects: vec![target.subject.to_string()],
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("creating the decisions stream {}", target.stream))?;
    let stream =
        context.get_stream(&args.stream).await.with_context(|| format!("opening stream {}", args.stream))?;
    let ack_wait = Duration::from_secs(args.ack_wait.max(1));
    let consumer = stream
        .get_or_create_consumer(
            &args.consumer,
            pull::Config {
                durable_name: Some(args.consumer.clone()),
                ack_policy: AckPolicy::Explicit,
                ack_wait,
                ..Default::default()
            },
        )
        .await
        .with_context(|| format!("creating consumer {} on stream {}", args.consumer, args.stream))?;
    let in_flight = usize::try_from(args.in_flight).context("--in-flight")?.max(1);
    let room = Arc::new(Semaphore::new(in_flight));
    // Each batch is what has arrived, up to the room in flight; the pull requests ask for no
    // more than that at a time.
    let mut batches = consumer
        .stream()
        .max_messages_per_batch(in_flight)
        .messages()
        .await
        .context("pulling messages")?
        .ready_chunks(in_flight);
    let mut transfers = CustomerTransfers::new(DEFAULT_REMEMBERED_TRANSFERS);
    let mut settling: JoinSet<anyhow::Result<Vec<Duration>>> = JoinSet::new();
    let mut taken = 0u64;
    let mut consumed = 0u64;
    let mut count =
        |settled: Result<anyhow::Result<Vec<Duration>>, tokio::task::JoinError>| -> anyhow::Result<()> {
            let acknowledged = settled.context("waiting for a batch's confirmations")??;
            consumed += acknowledged.len() as u64;
            decided(&acknowledged);
            Ok(())
        };
    while args.max_messages.is_none_or(|max| taken < max) {
        let batch = tokio::select! {
            batch = batches.next() => batch,
            Some(settled) = settling.join_next() => {
                count(settled)?;
                continue;
            }
        };
        let Some(batch) = batch else { break };
        let taken_at = Instant::now();
        let mut received = Vec::with_capacity(batch.len());
        for message in batch {
            received.push(message.map_err(|e| anyhow::anyhow!("receiving a message: {e}"))?);
        }
        if let Some(max) = args.max_messages {
            let wanted = usize::try_from(max - taken).unwrap_or(usize::MAX).min(received.len());
            for surplus in received.drain(wanted..) {
                surplus
                    .ack_with(AckKind::Nak(None))
                    .await
                    .map_err(|e| anyhow::anyhow!("handing back: {e}"))?;
            }
        }
        taken += received.len() as u64;
        let permits = Arc::clone(&room)
            .acquire_many_owned(u32::try_from(received.len()).context("batch size")?)
            .await
            .context("waiting for room in flight")?;

        let bodies: Vec<_> = received.iter().map(|message| message.payload.clone()).collect();
        let screener = Arc::clone(payments);
        let screened = tokio::task::spawn_blocking(move || screen_batch(&screener, &bodies))
            .await
            .context("screening a batch")?;

        // Covers are compared with transfers in the order of the stream.
        let mut records = Vec::new();
        let mut new_holds = Vec::new();
        let source = format!("nats:{}", args.stream);
        let mut decided_batch = Vec::with_capacity(received.len());
        for (message, screened) in received.into_iter().zip(screened) {
            let sequence = message.info().map_or(0, |info| info.stream_sequence);
            let read = match screened {
                Screened::Payments(read) => read,
                Screened::Unreadable(e) => {
                    // Not a payment: never redelivered, never reported as clean.
                    eprintln!("error: {} sequence {sequence}: {e}; not screened", args.stream);
                    message.ack_with(AckKind::Term).await.map_err(|e| anyhow::anyhow!("terminating: {e}"))?;
                    continue;
                }
            };
            let mut decisions = Vec::with_capacity(read.len());
            let raw = if keep_holds {
                String::from_utf8_lossy(&message.payload).into_owned()
            } else {
                String::new()
            };
            for (payment, mut screening) in read {
                transfers.check(&payment, &mut screening);
                let decision = MessageDecision::new(None, &payment, screening);
                if keep_holds {
                    new_holds.extend(ward_http::payment_hold(
                        &payment,
                        &decision,
                        &raw,
                        list_versions,
                        &source,
                    ));
                }
                records.push(AuditRecord {
                    request_id: format!("nats:{}:{sequence}", args.stream),
                    key_id: None,
                    time: String::new(),
                    source: AUDIT_SOURCE.to_string(),
                    dataset: "default".to_string(),
                    query: payments.audited_query(None, &payment),
                    query_names: payment.names(),
                    list_versions: list_versions.to_vec(),
                    results: json!({"decision": decision.decision, "hits": decision.hits}),
                    top_score: f64::from(decision.top_score()),
                    matched: decision.is_hold(),
                });
                decisions.push(decision);
            }
            decided_batch.push((message, sequence, decisions));
        }
        // The batch's audit records and held payments (desk cases) commit in one transaction
        // while its decisions are sent; no message is acknowledged before that commit.
        let ticket = audit.submit_with_holds(records, new_holds);
        let mut unconfirmed = Vec::with_capacity(decided_batch.len());
        for (message, sequence, decisions) in decided_batch {
            let mut publications = Vec::with_capacity(decisions.len());
            for (index, decision) in decisions.iter().enumerate() {
                let message_id = decision_id(decision, &args.stream, sequence, index);
                publications.push(publish(&context, target.subject, &message_id, decision).await);
            }
            unconfirmed.push(Unconfirmed { message, sequence, taken: taken_at, publications });
        }
        settling.spawn(settle(unconfirmed, ticket, permits, ack_wait, args.stream.clone()));
    }
    while let Some(settled) = settling.join_next().await {
        count(settled)?;
    }
    Ok(consumed)
}

#[cfg(test)]
mod tests;
