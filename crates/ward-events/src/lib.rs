//! Ward's event dispatcher: delivers the events of the store's outbox (alerts raised and
//! changed, written in the same transaction as the alerts) to other systems, and deletes each
//! event only once every sink has confirmed it.
//!
//! - [`Webhook`]: an HTTP POST of the event's JSON, signed with HMAC-SHA256 over
//!   `timestamp.body` ([`SIGNATURE_HEADER`], [`TIMESTAMP_HEADER`]), with the event's
//!   idempotency key ([`IDEMPOTENCY_HEADER`]); a 2xx answer confirms it.
//! - [`Nats`]: a `JetStream` publish on the event's topic as subject (`ward.alerts.created`,
//!   `ward.alerts.updated`) with `Nats-Msg-Id` set to the idempotency key; the stream's
//!   acknowledgement confirms it.
//!
//! Events are delivered one at a time in outbox order, so events of one customer arrive in the
//! order they were written. A failed delivery stops the batch; the event is tried again after a
//! backoff, and a sink that already received it gets it again with the same idempotency key
//! (delivery is at least once). A crash between the commit and the delivery loses nothing: the
//! event is still in the outbox when the dispatcher starts again.

use hmac::{Hmac, KeyInit, Mac};
use sha2_hmac::Sha256;
use std::sync::Arc;
use std::time::Duration;
use ward_store::{OutboxEvent, Store};

/// The header holding the HMAC-SHA256 signature, `v1=` and hex.
pub const SIGNATURE_HEADER: &str = "ward-signature";
/// The header holding the Unix time (seconds) the signature covers.
pub const TIMESTAMP_HEADER: &str = "ward-timestamp";
/// The header holding the event's idempotency key: the same on every retry.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The header holding the event's topic.
pub const TOPIC_HEADER: &str = "ward-topic";

/// Events read from the outbox per batch.
const BATCH: usize = 100;
/// The first wait after a failed delivery; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long an idle dispatcher waits before it looks at the outbox again.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How long one delivery may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong delivering events.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] ward_store::Error),
    /// A webhook did not confirm an event.
    #[error("webhook {url}: {message}")]
    Webhook {
        /// The webhook.
        url: String,
        /// What happened.
        message: String,
    },
    /// NATS did not confirm an event.
    #[error("NATS: {0}")]
    Nats(String),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The idempotency key of an event: stable across retries and restarts, and distinct between
/// stores (the payload names the book and carries the change's time), so that a receiver or a
/// `JetStream` de-duplication window shared by several Ward stores drops only true repeats.
pub fn idempotency_key(event: &OutboxEvent) -> String {
    use sha2_hmac::Digest;
    let digest = Sha256::digest(format!("{}\n{}", event.topic, event.payload).as_bytes());
    format!("ward-{}-{}", event.id, hex::encode(&digest[..IDEMPOTENCY_DIGEST_BYTES]))
}

/// Bytes of the payload's digest in an idempotency key.
const IDEMPOTENCY_DIGEST_BYTES: usize = 12;

/// The signature of a webhook body sent at `timestamp` (Unix seconds): `v1=` and the hex
/// HMAC-SHA256 of `timestamp.body` under `secret`. A receiver recomputes it and compares.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Where events go.
pub enum Sink {
    /// A webhook.
    Webhook(Webhook),
    /// NATS `JetStream`.
    Nats(Nats),
}

impl Sink {
    async fn deliver(&self, event: &OutboxEvent) -> Result<()> {
        match self {
            Sink::Webhook(webhook) => webhook.deliver(event).await,
            Sink::Nats(nats) => nats.deliver(event).await,
        }
    }
}

/// A webhook endpoint and the secret its events are signed with.
pub struct Webhook {
    url: String,
    secret: Vec<u8>,
    client: reqwest::Client,
}

impl Webhook {
    /// A webhook posting to `url`, signing with `secret`.
    pub fn new(url: &str, secret: &[u8]) -> Result<Webhook> {
        let client = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .build()
            .map_err(|e| Error::Webhook { url: url.to_string(), message: e.to_string() })?;
        Ok(Webhook { url: url.to_string(), secret: secret.to_vec(), client })
    }

    async fn deliver(&self, event: &OutboxEvent) -> Result<()> {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let body = event.payload.clone().into_bytes();
        let signed = signature(&self.secret, timestamp, &body);
        let failed = |message: String| Error::Webhook { url: self.url.clone(), message };
        let response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signed)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(IDEMPOTENCY_HEADER, idempotency_key(event))
            .header(TOPIC_HEADER, &event.topic)
            .body(body)
            .send()
            .await
            .map_err(|e| failed(e.to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(failed(format!("answered {}", response.status())))
        }
    }
}

/// The topics events are published on.
pub const TOPICS: [&str; 5] = [
    ward_store::TOPIC_ALERT_CREATED,
    ward_store::TOPIC_ALERT_UPDATED,
    ward_store::TOPIC_LISTS_CHANGED,
    ward_store::TOPIC_PAYMENT_RELEASED,
    ward_store::TOPIC_PAYMENT_BLOCKED,
];

/// A NATS `JetStream` connection.
pub struct Nats {
    jetstream: async_nats::jetstream::Context,
}

/// Gets the stream `config` names, creating it where missing. Processes started together race
/// to create it, and `JetStream` refuses the loser's create ("subjects overlap") although the
/// stream it wanted now exists: a refused create looks the stream up again before it fails.
pub async fn ensure_stream(
    jetstream: &async_nats::jetstream::Context,
    config: async_nats::jetstream::stream::Config,
) -> std::result::Result<
    async_nats::jetstream::stream::Stream,
    async_nats::jetstream::context::CreateStreamError,
> {
    let name = config.name.clone();
    match jetstream.get_or_create_stream(config).await {
        Ok(stream) => Ok(stream),
        Err(create_error) => jetstream.get_stream(&name).await.map_err(|_| create_error),
    }
}

impl Nats {
    /// Connects to the NATS server at `url` (`nats://127.0.0.1:4222`). A topic no stream holds
    /// gets a stream of its own (`WARD_ALERTS_CREATED` for `ward.alerts.created`), so that
    /// `JetStream` can acknowledge its events.
    pub async fn connect(url: &str) -> Result<Nats> {
        let client =
            async_nats::connect(url).await.map_err(|e| Error::Nats(format!("connecting to {url}: {e}")))?;
        let jetstream = async_nats::jetstream::new(client);
        for topic in TOPICS {
            if jetstream.stream_by_subject(topic).await.is_err() {
                let config = async_nats::jetstream::stream::Config {
                    name: topic.replace('.', "_").to_uppercase(),
                    subjects: vec![topic.to_string()],
                    ..Default::default()
                };
                ensure_stream(&jetstream, config)
                    .await
                    .map_err(|e| Error::Nats(format!("creating a stream for {topic}: {e}")))?;
            }
        }
        Ok(Nats { jetstream })
    }

    /// The `JetStream` context.
    pub fn jetstream(&self) -> &async_nats::jetstream::Context {
        &self.jetstream
    }

    async fn deliver(&self, event: &OutboxEvent) -> Result<()> {
        let publish = async_nats::jetstream::context::Publish::build()
            .payload(event.payload.clone().into_bytes().into())
            .message_id(idempotency_key(event));
        let ack = self
            .jetstream
            .send_publish(event.topic.clone(), publish)
            .await
            .map_err(|e| Error::Nats(format!("publishing on {}: {e}", event.topic)))?;
        tokio::time::timeout(DELIVERY_TIMEOUT, ack)
            .await
            .map_err(|_| {
                Error::Nats(format!("no acknowledgement on {} within {DELIVERY_TIMEOUT:?}", event.topic))
            })?
            .map_err(|e| Error::Nats(format!("acknowledgement on {}: {e}", event.topic)))?;
        Ok(())
    }
}

/// Delivers the outbox of one store to its sinks.
pub struct Dispatcher {
    store: Arc<Store>,
    sinks: Vec<Sink>,
}

impl Dispatcher {
    /// A dispatcher delivering `store`'s outbox to every sink.
    pub fn new(store: Arc<Store>, sinks: Vec<Sink>) -> Dispatcher {
        Dispatcher { store, sinks }
    }

    /// Delivers waiting events in order until the outbox is empty or a delivery fails.
    /// Returns how many events were delivered (and deleted).
    pub async fn deliver_waiting(&self) -> Result<usize> {
        let mut delivered = 0;
        loop {
            let store = Arc::clone(&self.store);
            let events = tokio::task::spawn_blocking(move || store.outbox(BATCH))
                .await
                .map_err(|e| Error::Nats(format!("the outbox reader stopped: {e}")))??;
            if events.is_empty() {
                return Ok(delivered);
            }
            for event in &events {
                for sink in &self.sinks {
                    sink.deliver(event).await?;
                }
                // Deleted one by one: an event confirmed by every sink is never sent again.
                let store = Arc::clone(&self.store);
                let id = event.id;
                tokio::task::spawn_blocking(move || store.delete_outbox(&[id]))
                    .await
                    .map_err(|e| Error::Nats(format!("the outbox writer stopped: {e}")))??;
                delivered += 1;
            }
        }
    }

    /// Delivers events as they come until `shutdown` completes, retrying failed deliveries
    /// with exponential backoff.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut backoff = FIRST_BACKOFF;
        loop {
            let wait = match self.deliver_waiting().await {
                Ok(_) => {
                    backoff = FIRST_BACKOFF;
                    IDLE_POLL
                }
                Err(e) => {
                    tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "Delivering an event failed");
                    let wait = backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    wait
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
