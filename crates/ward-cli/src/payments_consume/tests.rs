//! The consumer against the local NATS server (`WARD_TEST_NATS`, else `nats://127.0.0.1:4222`;
//! skipped when none answers): many messages in flight are each decided once, and a message
//! whose decision `JetStream` refuses is not acknowledged.

use super::{consume, DecisionTarget, PaymentsConsumeArgs};
use async_nats::jetstream::{self, stream::DiscardPolicy, stream::RetentionPolicy};
use futures_util::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use ward_payments::{Geography, PaymentScreener};
use ward_store::{AuditFilter, Store};

/// The NATS server when `WARD_TEST_NATS` does not name one.
const DEFAULT_NATS: &str = "nats://127.0.0.1:4222";

/// What one test publishes to and reads from, named after the test and this process.
struct Names {
    input: String,
    input_subject: String,
    decisions: String,
    decisions_subject: String,
}

impl Names {
    fn new(test: &str) -> Names {
        let token = format!("{test}_{}", std::process::id());
        Names {
            input: format!("WARD_TEST_CONSUME_{token}"),
            input_subject: format!("ward.test.consume.{token}"),
            decisions: format!("WARD_TEST_CONSUME_DECISIONS_{token}"),
            decisions_subject: format!("ward.test.consume.{token}.decisions"),
        }
    }
}

/// An MT103 with its own reference and UETR.
fn mt103(i: usize) -> String {
    format!(
        "{{1:F01BANKBEBBAXXX0000000000}}{{2:I103BANKDEFFXXXXN}}{{3:{{121:00000000-0000-4000-8000-{i:012}}}}}{{4:\n\
         :20:REF{i}\n:23B:CRED\n:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n\
         :59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n-}}"
    )
}

/// Everything one consume run needs.
struct Setup {
    nats: String,
    context: jetstream::Context,
    names: Names,
    payments: Arc<PaymentScreener>,
    _store_dir: tempfile::TempDir,
    store: Store,
    audit: Arc<ward_store::AuditLog>,
}

impl Setup {
    /// Publishes `n_messages` MT103s to a fresh work-queue stream and makes the decisions
    /// stream with `decisions` (its name and subject are filled in); `None` without a server.
    async fn new(test: &str, n_messages: usize, decisions: jetstream::stream::Config) -> Option<Setup> {
        let nats = std::env::var("WARD_TEST_NATS").unwrap_or_else(|_| DEFAULT_NATS.to_string());
        let Ok(Ok(client)) = tokio::time::timeout(Duration::from_secs(3), async_nats::connect(&nats)).await
        else {
            eprintln!("skipped: no NATS server at {nats}");
            return None;
        };
        let context = jetstream::new(client);
        let names = Names::new(test);
        for name in [&names.input, &names.decisions] {
            let _ = context.delete_stream(name).await;
        }
        context
            .create_stream(jetstream::stream::Config {
                name: names.input.clone(),
                subjects: vec![names.input_subject.clone()],
                retention: RetentionPolicy::WorkQueue,
                ..Default::default()
            })
            .await
            .unwrap();
        context
            .create_stream(jetstream::stream::Config {
                name: names.decisions.clone(),
                subjects: vec![names.decisions_subject.clone()],
                ..decisions
            })
            .await
            .unwrap();
        let mut confirmations = Vec::new();
        for i in 0..n_messages {
            confirmations.push(context.publish(names.input_subject.clone(), mt103(i).into()).await.unwrap());
        }
        for confirmation in confirmations {
            confirmation.await.unwrap();
        }
        let screener = Arc::new(ward_engine::Screener::build(Vec::new()));
        let payments = Arc::new(PaymentScreener::new(
            screener,
            Geography::embedded(),
            ward_engine::MatchOptions::default(),
        ));
        let store_dir = tempfile::tempdir().unwrap();
        let store = Store::open(store_dir.path()).unwrap();
        let audit = Arc::new(store.audit_log().unwrap());
        Some(Setup { nats, context, names, payments, _store_dir: store_dir, store, audit })
    }

    /// Runs the consumer until it has taken `max_messages`; returns how many it acknowledged.
    async fn consume(&self, max_messages: u64, in_flight: u32) -> u64 {
        let args = PaymentsConsumeArgs {
            db: crate::args::DatabaseArgs { database: None },
            nats: self.nats.clone(),
            stream: self.names.input.clone(),
            consumer: "ward-test".to_string(),
            ack_wait: 30,
            max_messages: Some(max_messages),
            in_flight,
            geography: crate::payments::GeographyArgs::default(),
        };
        let target = DecisionTarget { subject: &self.names.decisions_subject, stream: &self.names.decisions };
        let mut reported = 0;
        let acknowledged =
            consume(&args, &self.payments, &self.audit, false, &[], target, |latencies: &[Duration]| {
                reported += latencies.len() as u64;
            })
            .await
            .unwrap();
        assert_eq!(reported, acknowledged);
        acknowledged
    }

    /// Messages left in the input stream (a work queue drops what is acknowledged).
    async fn unacknowledged(&self) -> u64 {
        self.context.get_stream(&self.names.input).await.unwrap().info().await.unwrap().state.messages
    }

    /// The message ids (MT field 20) of the decisions kept in the decisions stream.
    async fn kept_decisions(&self) -> Vec<String> {
        let mut stream = self.context.get_stream(&self.names.decisions).await.unwrap();
        let kept = stream.info().await.unwrap().state.messages;
        let consumer =
            stream.create_consumer(jetstream::consumer::pull::OrderedConfig::default()).await.unwrap();
        let mut messages = consumer.messages().await.unwrap().take(usize::try_from(kept).unwrap());
        let mut ids = Vec::new();
        while let Some(message) = messages.next().await {
            let decision: serde_json::Value = serde_json::from_slice(&message.unwrap().payload).unwrap();
            ids.push(decision["message_id"].as_str().unwrap().to_string());
        }
        ids
    }

    async fn delete(self) {
        for name in [&self.names.input, &self.names.decisions] {
            self.context.delete_stream(name).await.unwrap();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Far more messages than fit in flight: each is decided, audited and published once, and the
/// work queue is left empty.
#[test]
fn messages_in_flight_are_each_decided_once() {
    const N_MESSAGES: usize = 300;
    const IN_FLIGHT: u32 = 16;
    runtime().block_on(async {
        let Some(setup) = Setup::new("in_flight", N_MESSAGES, Default::default()).await else { return };
        assert_eq!(setup.consume(N_MESSAGES as u64, IN_FLIGHT).await, N_MESSAGES as u64);
        assert_eq!(setup.unacknowledged().await, 0);
        let kept = setup.kept_decisions().await;
        let unique: HashSet<&String> = kept.iter().collect();
        let expect: HashSet<String> = (0..N_MESSAGES).map(|i| format!("REF{i}")).collect();
        assert_eq!((kept.len(), unique.into_iter().cloned().collect::<HashSet<_>>()), (N_MESSAGES, expect));
        assert_eq!(setup.store.audit(&AuditFilter::default()).unwrap().len(), N_MESSAGES);
        setup.delete().await;
    });
}

/// The decisions stream takes only `ACCEPTED` decisions and refuses the rest: exactly the
/// messages whose decision it kept are acknowledged; the others stay in the work queue.
#[test]
fn a_refused_publication_is_not_acknowledged() {
    const N_MESSAGES: usize = 6;
    const ACCEPTED: i64 = 2;
    runtime().block_on(async {
        let full_after_two = jetstream::stream::Config {
            max_messages: ACCEPTED,
            discard: DiscardPolicy::New,
            ..Default::default()
        };
        let Some(setup) = Setup::new("refused", N_MESSAGES, full_after_two).await else { return };
        assert_eq!(setup.consume(N_MESSAGES as u64, 4).await, ACCEPTED as u64);
        assert_eq!(setup.unacknowledged().await, (N_MESSAGES as u64) - ACCEPTED as u64);
        assert_eq!(setup.kept_decisions().await.len(), usize::try_from(ACCEPTED).unwrap());
        // Every message was screened and audited, acknowledged or not.
        assert_eq!(setup.store.audit(&AuditFilter::default()).unwrap().len(), N_MESSAGES);
        setup.delete().await;
    });
}
