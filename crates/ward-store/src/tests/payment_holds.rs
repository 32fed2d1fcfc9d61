//! Held payments on both backends: stored once per message key, worked at the desk, released
//! only with a second person's approval, the release published through the outbox.

use super::{list, open, record, Db, PgDb, SqliteDb};
use crate::*;

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $test() { super::$test(&super::SqliteDb::new()) } )*
        }
        mod postgres {
            $( #[test] fn $test() { if let Some(db) = super::PgDb::new() { super::$test(&db) } } )*
        }
    };
}

suite!(
    a_held_message_is_one_case_whatever_its_deliveries,
    a_release_waits_for_a_second_person,
    a_confirmation_blocks_and_an_escalation_keeps_it_held,
    bad_holds_and_the_reserved_book_are_refused,
    holds_commit_in_the_audit_transaction,
    a_failed_audit_commit_fails_every_request_and_stores_no_hold,
);

const RAW_MT103: &str =
    "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF1\n:59:/FR76\nLISTED PERSON 0\nPARIS\n-}";

/// A held MT103 with one name hit in field 59 against the list version `version`.
fn held(message_id: Option<&str>, uetr: Option<&str>, version: i64) -> NewPaymentHold {
    NewPaymentHold {
        message_id: message_id.map(str::to_string),
        uetr: uetr.map(str::to_string),
        format: "MT103".into(),
        syntax: MessageSyntax::SwiftMt,
        raw: RAW_MT103.into(),
        decision: serde_json::json!({
            "decision": "hold",
            "hits": [
                {
                    "field": "59",
                    "value": "LISTED PERSON 0",
                    "kind": "name",
                    "subject_id": "un_sc_sanctions:R0",
                    "referents": ["un_sc_sanctions:R0"],
                    "score": 0.97,
                    "explanations": ["all name words agree"],
                },
                {
                    "field": "59",
                    "value": "PARIS",
                    "kind": "city",
                    "subject_id": "geography:paris",
                    "referents": ["US:TEST"],
                    "score": 0.8,
                    "explanations": ["a place under a programme"],
                },
            ],
        }),
        list_versions: vec![version],
        source: "test".into(),
    }
}

fn setup(db: &dyn Db) -> (Store, i64) {
    let store = open(db);
    let version =
        store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["Listed Person 0"])).unwrap().version;
    (store, version.id)
}

fn user_error(result: Result<impl std::fmt::Debug>) -> UserErrorKind {
    match result {
        Err(Error::User(e)) => e.kind(),
        other => panic!("expected a user error, got {other:?}"),
    }
}

fn release() -> DecisionRequest {
    DecisionRequest {
        kind: DecisionKind::Dismiss,
        reason: DecisionReason::DifferentCountry,
        remark: "the creditor is a French company, the listed party a person".into(),
        suppress: None,
    }
}

fn topics(store: &Store) -> Vec<String> {
    store.outbox(100).unwrap().into_iter().map(|event| event.topic).collect()
}

fn a_held_message_is_one_case_whatever_its_deliveries(db: &dyn Db) {
    let (store, version) = setup(db);
    let new = held(Some("REF1"), Some("7a562c67-ca16-48ba-b074-65581be6f001"), version);
    let first = store.record_payment_hold(&new).unwrap();
    assert!(first.created);
    assert_eq!(first.hold.message_key, "REF1|7a562c67-ca16-48ba-b074-65581be6f001");
    assert_eq!(first.hold.status, PaymentHoldStatus::Held);
    assert_eq!(first.hold.raw, RAW_MT103);
    assert_eq!(first.hold.hits.len(), 2);
    assert_eq!(first.hold.list_versions, [version]);

    // A redelivery makes no second case.
    let again = store.record_payment_hold(&new).unwrap();
    assert!(!again.created);
    assert_eq!(again.hold, first.hold);

    let alert = store.alert(first.hold.alert_id).unwrap().unwrap();
    assert_eq!(alert.book, PAYMENTS_BOOK);
    assert_eq!(alert.customer_id, first.hold.message_key);
    assert_eq!(alert.subject_id, "un_sc_sanctions:R0");
    assert_eq!(alert.referents, ["un_sc_sanctions:R0", "US:TEST"]);
    assert!((alert.score - 0.97).abs() < 1e-9);
    assert_eq!(alert.reason, AlertReason::PaymentHeld);
    assert_eq!(alert.explanations.len(), 2);
    assert!(alert.explanations[0].starts_with("59 (name): \"LISTED PERSON 0\""), "{:?}", alert.explanations);
    let all = store.alerts(&AlertFilter::default()).unwrap();
    assert_eq!(all.len(), 1, "one alert per message: {all:?}");
    let kinds: Vec<AlertEventKind> =
        store.alert_history(alert.id).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [AlertEventKind::Raised]);
    assert_eq!(store.payment_hold(alert.id).unwrap().unwrap(), first.hold);
    assert_eq!(store.payment_hold_by_key(&first.hold.message_key).unwrap().unwrap(), first.hold);

    // The queue finds it by its book; the monitor's book list does not hold it.
    let page = store
        .alert_queue(&QueueQuery { book: Some(PAYMENTS_BOOK.to_string()), ..QueueQuery::default() })
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(store.books().unwrap().iter().all(|book| book.name != PAYMENTS_BOOK));
    assert!(store.book(PAYMENTS_BOOK).unwrap().is_none());

    // Another UETR with the same message id, and a message with neither id, are cases of their own.
    let other = store.record_payment_hold(&held(Some("REF1"), Some("other-uetr"), version)).unwrap();
    assert!(other.created);
    let anonymous = held(None, None, version);
    let first_anonymous = store.record_payment_hold(&anonymous).unwrap();
    assert!(first_anonymous.hold.message_key.starts_with("sha256:"));
    assert!(!store.record_payment_hold(&anonymous).unwrap().created);
    assert_eq!(store.alerts(&AlertFilter::default()).unwrap().len(), 3);
}

fn a_release_waits_for_a_second_person(db: &dyn Db) {
    let (store, version) = setup(db);
    let hold = store.record_payment_hold(&held(Some("REF2"), None, version)).unwrap().hold;
    let analyst = Actor::new("ana", Role::Analyst);
    let other_analyst = Actor::new("bob", Role::Analyst);
    let supervisor = Actor::new("sue", Role::Supervisor);
    let before = topics(&store);

    // A release without a suppression still waits: a held payment is a hit.
    let asked = store.request_decision(hold.alert_id, &analyst, &release()).unwrap();
    assert_eq!(asked.status, DecisionStatus::Pending);
    assert!(asked.needs_approval);
    assert_eq!(store.alert(hold.alert_id).unwrap().unwrap().status, AlertStatus::Open);
    assert_eq!(store.payment_hold(hold.alert_id).unwrap().unwrap().status, PaymentHoldStatus::Held);

    // Nobody approves their own, and an analyst approves nobody's.
    assert_eq!(user_error(store.approve_decision(asked.id, &analyst, "")), UserErrorKind::OwnDecision);
    assert_eq!(
        user_error(store.approve_decision(asked.id, &other_analyst, "")),
        UserErrorKind::NotSupervisor
    );
    assert_eq!(topics(&store), before, "nothing is published before the approval");

    let approved = store.approve_decision(asked.id, &supervisor, "documents seen").unwrap();
    assert_eq!(approved.status, DecisionStatus::Effective);
    assert_eq!(approved.reviewed_by.as_deref(), Some("sue"));
    let released = store.payment_hold(hold.alert_id).unwrap().unwrap();
    assert_eq!(released.status, PaymentHoldStatus::Released);
    assert_eq!(store.alert(hold.alert_id).unwrap().unwrap().status, AlertStatus::Dismissed);

    let events: Vec<OutboxEvent> =
        store.outbox(100).unwrap().into_iter().filter(|e| e.topic == TOPIC_PAYMENT_RELEASED).collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].key, hold.message_key);
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["message_id"], "REF2");
    assert_eq!(payload["status"], "released");
    assert_eq!(payload["decision"]["requested_by"], "ana");
    assert_eq!(payload["decision"]["approved_by"], "sue");

    let kinds: Vec<AlertEventKind> =
        store.alert_history(hold.alert_id).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [AlertEventKind::Raised, AlertEventKind::DecisionRequested, AlertEventKind::DecisionApproved]
    );
    // A released payment cannot be decided again.
    assert_eq!(
        user_error(store.request_decision(hold.alert_id, &analyst, &release())),
        UserErrorKind::AlertNotOpen
    );
}

fn a_confirmation_blocks_and_an_escalation_keeps_it_held(db: &dyn Db) {
    let (store, version) = setup(db);
    let hold = store.record_payment_hold(&held(Some("REF3"), None, version)).unwrap().hold;
    let analyst = Actor::new("ana", Role::Analyst);
    let supervisor = Actor::new("sue", Role::Supervisor);
    let escalate = DecisionRequest {
        kind: DecisionKind::Escalate,
        reason: DecisionReason::NeedsInformation,
        remark: "ask the ordering bank".into(),
        suppress: None,
    };
    let escalated = store.request_decision(hold.alert_id, &analyst, &escalate).unwrap();
    assert_eq!(escalated.status, DecisionStatus::Effective);
    assert_eq!(store.payment_hold(hold.alert_id).unwrap().unwrap().status, PaymentHoldStatus::Held);

    let confirm = DecisionRequest {
        kind: DecisionKind::Confirm,
        reason: DecisionReason::SameNameAndBirthDate,
        remark: String::new(),
        suppress: None,
    };
    let asked = store.request_decision(hold.alert_id, &analyst, &confirm).unwrap();
    assert_eq!(asked.status, DecisionStatus::Pending);
    store.approve_decision(asked.id, &supervisor, "").unwrap();
    assert_eq!(store.payment_hold(hold.alert_id).unwrap().unwrap().status, PaymentHoldStatus::Blocked);
    let blocked: Vec<String> =
        topics(&store).into_iter().filter(|t| t.starts_with("ward.payments.")).collect();
    assert_eq!(blocked, [TOPIC_PAYMENT_BLOCKED]);
}

fn bad_holds_and_the_reserved_book_are_refused(db: &dyn Db) {
    let (store, version) = setup(db);
    let mut no_hits = held(Some("REF4"), None, version);
    no_hits.decision = serde_json::json!({"decision": "release", "hits": []});
    assert_eq!(user_error(store.record_payment_hold(&no_hits)), UserErrorKind::BadPaymentHold);
    let mut bad_hits = held(Some("REF4"), None, version);
    bad_hits.decision = serde_json::json!({"hits": [{"field": 59}]});
    assert_eq!(user_error(store.record_payment_hold(&bad_hits)), UserErrorKind::BadPaymentHold);
    let mut nul = held(Some("REF4"), None, version);
    nul.raw.push('\0');
    assert_eq!(user_error(store.record_payment_hold(&nul)), UserErrorKind::BadPaymentHold);
    assert!(store.alerts(&AlertFilter::default()).unwrap().is_empty());
    assert_eq!(user_error(store.create_book(PAYMENTS_BOOK)), UserErrorKind::ReservedBook);

    // A release cannot suppress.
    let hold = store.record_payment_hold(&held(Some("REF5"), None, version)).unwrap().hold;
    let suppressing = DecisionRequest { suppress: Some(SuppressionRequest::Pinned), ..release() };
    assert_eq!(
        user_error(store.request_decision(hold.alert_id, &Actor::new("ana", Role::Analyst), &suppressing)),
        UserErrorKind::BadDecision
    );
}

/// The audit writer stores a request's holds in its record's transaction, once per message key,
/// as `record_payment_hold` does; a bad hold fails only its own request.
fn holds_commit_in_the_audit_transaction(db: &dyn Db) {
    let (store, version) = setup(db);
    let log = store.audit_log().unwrap();
    let new = held(Some("REF6"), Some("uetr-6"), version);
    let first =
        log.submit_with_holds(vec![record("p1", "", &["LISTED PERSON 0"], None, true)], vec![new.clone()]);
    let again =
        log.submit_with_holds(vec![record("p2", "", &["LISTED PERSON 0"], None, true)], vec![new.clone()]);
    let mut no_hits = held(Some("REF7"), None, version);
    no_hits.decision = serde_json::json!({"decision": "hold", "hits": []});
    let refused = log.submit_with_holds(vec![record("p3", "", &["N"], None, true)], vec![no_hits]);
    let clean = log.submit(record("p4", "", &["N"], None, false));
    first.wait().unwrap();
    again.wait().unwrap();
    assert_eq!(user_error(refused.wait()), UserErrorKind::BadPaymentHold);
    clean.wait().unwrap();

    let hold =
        store.payment_hold_by_key(&new.message_key()).unwrap().expect("stored when the ticket completes");
    assert_eq!(hold.raw, RAW_MT103);
    assert_eq!(hold.source, "test");
    let alerts =
        store.alerts(&AlertFilter { book: Some(PAYMENTS_BOOK.into()), ..Default::default() }).unwrap();
    assert_eq!(alerts.iter().map(|a| a.id).collect::<Vec<_>>(), [hold.alert_id], "one case per message");
    let kinds: Vec<AlertEventKind> =
        store.alert_history(hold.alert_id).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [AlertEventKind::Raised]);
    let mut audited: Vec<String> =
        store.audit(&AuditFilter::default()).unwrap().into_iter().map(|r| r.request_id).collect();
    audited.sort();
    assert_eq!(audited, ["p1", "p2", "p4"], "the refused request is not recorded");
}

/// When the transaction cannot commit, every request in it fails with the cause, and neither
/// their records nor their holds are stored.
fn a_failed_audit_commit_fails_every_request_and_stores_no_hold(db: &dyn Db) {
    let (store, version) = setup(db);
    let log = std::sync::Arc::new(store.audit_log().unwrap());
    store.backend.execute(db.refuse_audit_sql()).unwrap();
    let requests: Vec<_> = (0..8)
        .map(|i| {
            let log = std::sync::Arc::clone(&log);
            let hold = held(Some(&format!("REF-F{i}")), None, version);
            std::thread::spawn(move || {
                log.submit_with_holds(vec![record(&format!("f{i}"), "", &["N"], None, true)], vec![hold])
                    .wait()
            })
        })
        .collect();
    for request in requests {
        let err = request.join().unwrap().unwrap_err();
        assert!(!err.is_user_error(), "{err}");
        let text = err.to_string();
        assert!(text.contains("not committed") && text.contains("audit refused"), "{text}");
    }
    let stats = log.stats();
    assert_eq!(stats.commits, 0);
    assert!((1..=8).contains(&stats.failed_commits), "{stats:?}");
    assert!(store.alerts(&AlertFilter::default()).unwrap().is_empty());
    assert!(store.payment_hold_by_key("REF-F0|").unwrap().is_none());
    assert!(store.audit(&AuditFilter::default()).unwrap().is_empty());
}
