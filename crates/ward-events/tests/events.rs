//! The dispatcher against a local webhook receiver that fails at first, and against the real
//! NATS server on 127.0.0.1:4222 (skipped with a printed reason when it is not running).

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ward_events::{Dispatcher, Nats, Sink, Webhook, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use ward_store::{Alert, AlertChange, AlertReason, AlertStatus, Store};

const SECRET: &[u8] = b"test secret";

/// A store with one book and `n` alert changes (raise, then update, per customer).
fn store_with_events(customers: usize) -> Arc<Store> {
    let store = Store::open_in_memory().unwrap();
    let book = store.create_book("retail").unwrap();
    for i in 0..customers {
        let alert = Alert {
            id: 0,
            book: "retail".into(),
            customer_id: format!("c{i}"),
            customer_name: format!("Customer {i}"),
            subject_id: "us_ofac_sdn:1".into(),
            referents: vec!["us_ofac_sdn:1".into()],
            score: 0.9,
            explanations: vec![],
            reason: AlertReason::NewDesignation,
            status: AlertStatus::Open,
            close_reason: None,
            list_versions: vec![1],
            created_at: String::new(),
            updated_at: String::new(),
        };
        let ids = store.commit_screening(&book, &[AlertChange::Raise(alert.clone())]).unwrap();
        // A screening writes back the alert as it read it (its `updated_at` included).
        let stored = store.alert(ids[0]).unwrap().unwrap();
        let closed = Alert { status: AlertStatus::Closed, ..stored };
        store.commit_screening(&book, &[AlertChange::Update(closed)]).unwrap();
    }
    Arc::new(store)
}

/// What the receiver got: headers and body of each request, and how many to refuse first.
#[derive(Default)]
struct Received {
    requests: Vec<(HeaderMap, Bytes)>,
    refuse: usize,
}

async fn receiver(received: Arc<Mutex<Received>>) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let received = Arc::clone(&received);
            async move {
                let mut received = received.lock().unwrap();
                received.requests.push((headers, body));
                if received.refuse > 0 {
                    received.refuse -= 1;
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/hook")
}

#[tokio::test]
async fn webhooks_get_every_event_signed_in_order_after_failures() {
    let store = store_with_events(3);
    let received = Arc::new(Mutex::new(Received { refuse: 2, ..Received::default() }));
    let url = receiver(Arc::clone(&received)).await;
    let dispatcher =
        Dispatcher::new(Arc::clone(&store), vec![Sink::Webhook(Webhook::new(&url, SECRET).unwrap())]);
    // The receiver is down at first: nothing is lost, nothing is skipped.
    assert!(dispatcher.deliver_waiting().await.is_err());
    assert_eq!(store.outbox(100).unwrap().len(), 6);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        dispatcher
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    for _ in 0..100 {
        if store.outbox(1).unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(store.outbox(1).unwrap().is_empty(), "every event delivered and deleted");
    stop.send(()).unwrap();
    running.await.unwrap();

    let received = received.lock().unwrap();
    assert_eq!(received.requests.len(), 8, "two refused attempts, then six events");
    // The refused event is sent again with the same idempotency key.
    let key = |i: usize| received.requests[i].0[IDEMPOTENCY_HEADER].to_str().unwrap().to_string();
    assert_eq!(key(0), key(1));
    assert_eq!(key(1), key(2));
    let delivered = &received.requests[2..];
    let mut keys: Vec<String> = (2..8).map(key).collect();
    keys.dedup();
    assert_eq!(keys.len(), 6);
    for (headers, body) in delivered {
        let timestamp: u64 = headers[TIMESTAMP_HEADER].to_str().unwrap().parse().unwrap();
        assert_eq!(
            headers[SIGNATURE_HEADER].to_str().unwrap(),
            ward_events::signature(SECRET, timestamp, body)
        );
        assert_ne!(
            headers[SIGNATURE_HEADER].to_str().unwrap(),
            ward_events::signature(b"other", timestamp, body)
        );
    }
    // In order per customer: raised, then closed.
    let events: Vec<(String, String)> = delivered
        .iter()
        .map(|(_, body)| {
            let alert: serde_json::Value = serde_json::from_slice(body).unwrap();
            (
                alert["customer_id"].as_str().unwrap().to_string(),
                alert["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for customer in ["c0", "c1", "c2"] {
        let statuses: Vec<&str> =
            events.iter().filter(|(c, _)| c == customer).map(|(_, status)| status.as_str()).collect();
        assert_eq!(statuses, ["open", "closed"], "{customer}");
    }
}

#[tokio::test]
async fn nats_jetstream_gets_every_event_once() {
    let Ok(nats) = Nats::connect("nats://127.0.0.1:4222").await else {
        let _ = writeln!(std::io::stderr(), "skipped: no NATS server on 127.0.0.1:4222");
        return;
    };
    // Connecting made sure a stream holds each topic.
    let jetstream = nats.jetstream().clone();
    for topic in ward_events::TOPICS {
        assert!(jetstream.stream_by_subject(topic).await.is_ok(), "no stream holds {topic}");
    }
    let store = store_with_events(1);
    let events = store.outbox(10).unwrap();
    let dispatcher = Dispatcher::new(Arc::clone(&store), vec![Sink::Nats(nats)]);
    assert_eq!(dispatcher.deliver_waiting().await.unwrap(), 2);
    assert!(store.outbox(1).unwrap().is_empty());
    // JetStream holds both events (each payload names this store's alert and its times), each in
    // the stream that holds its topic (one per topic unless an operator made one for several).
    for event in &events {
        let stream_name = jetstream.stream_by_subject(&event.topic).await.unwrap();
        let stream = jetstream.get_stream(stream_name).await.unwrap();
        let stored = stream.get_last_raw_message_by_subject(&event.topic).await.unwrap();
        assert_eq!(stored.payload.as_ref(), event.payload.as_bytes());
    }
    // The same event again is recognised as a duplicate by its Nats-Msg-Id.
    let client = async_nats::connect("nats://127.0.0.1:4222").await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let again = async_nats::jetstream::context::Publish::build()
        .payload(events[0].payload.clone().into_bytes().into())
        .message_id(ward_events::idempotency_key(&events[0]));
    let ack = jetstream.send_publish(events[0].topic.clone(), again).await.unwrap().await.unwrap();
    assert!(ack.duplicate, "{ack:?}");
}

const CRASH_CHILD: &str = "WARD_EVENTS_CRASH_CHILD";

/// The child of `events_committed_before_a_kill_9_are_delivered`: commits alerts one after
/// another, saying so after each commit, until it is killed. Does nothing when run as a test.
#[test]
fn events_crash_child() {
    let Some(dir) = std::env::var_os(CRASH_CHILD) else { return };
    let store = Store::open(std::path::Path::new(&dir)).unwrap();
    let book = store.create_book("retail").unwrap();
    for i in 0.. {
        let alert = Alert {
            id: 0,
            book: "retail".into(),
            customer_id: format!("c{i}"),
            customer_name: format!("Customer {i}"),
            subject_id: "us_ofac_sdn:1".into(),
            referents: vec![],
            score: 0.9,
            explanations: vec![],
            reason: AlertReason::NewDesignation,
            status: AlertStatus::Open,
            close_reason: None,
            list_versions: vec![],
            created_at: String::new(),
            updated_at: String::new(),
        };
        store.commit_screening(&book, &[AlertChange::Raise(alert)]).unwrap();
        // Straight to the process's stdout: the harness captures only print! macros.
        let mut out = std::io::stdout().lock();
        writeln!(out, "committed c{i}").unwrap();
        out.flush().unwrap();
    }
}

/// Alerts committed by a process killed with SIGKILL before any delivery are all delivered by
/// the next dispatcher: the outbox row is part of the alert's transaction.
#[tokio::test]
async fn events_committed_before_a_kill_9_are_delivered() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "events_crash_child", "--nocapture", "--test-threads=1"])
        .env(CRASH_CHILD, dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut committed = Vec::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        // The harness may print its own text before the child's first line.
        let line = line.unwrap();
        if let Some((_, customer)) = line.split_once("committed ") {
            committed.push(customer.to_string());
        }
        if committed.len() >= 20 {
            break;
        }
    }
    // SIGKILL: no destructor, no flush, no rollback runs in the child.
    child.kill().unwrap();
    child.wait().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let received = Arc::new(Mutex::new(Received::default()));
    let url = receiver(Arc::clone(&received)).await;
    let dispatcher =
        Dispatcher::new(Arc::clone(&store), vec![Sink::Webhook(Webhook::new(&url, SECRET).unwrap())]);
    dispatcher.deliver_waiting().await.unwrap();
    let delivered: Vec<String> = received
        .lock()
        .unwrap()
        .requests
        .iter()
        .map(|(_, body)| {
            let alert: serde_json::Value = serde_json::from_slice(body).unwrap();
            alert["customer_id"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(
        delivered.len() >= committed.len(),
        "{} delivered, {} committed",
        delivered.len(),
        committed.len()
    );
    assert_eq!(delivered[..committed.len()], committed[..], "every acknowledged commit, in order");
    assert!(store.outbox(1).unwrap().is_empty());
}
