//! Held payments at the desk: the queue's payments filter, the message with each hit's field
//! marked and every text escaped, and a release that waits for a supervisor.

use super::{fixture, send, sign_in};
use axum::http::StatusCode;
use ward_store::{AuditFilter, MessageSyntax, NewPaymentHold, PaymentHoldStatus, PAYMENTS_BOOK};

/// An MT103 whose beneficiary (field 59) is a listed name, with markup in its remittance text.
const MT103: &str = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF77\n:23B:CRED\n\
:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n:59:/FR7630001007941234567890185\nWANG JUNZHENG\nPARIS\n\
:70:<script>alert(1)</script>\n-}";

fn mt_hold() -> NewPaymentHold {
    NewPaymentHold {
        message_id: Some("REF77".into()),
        uetr: None,
        format: "MT103".into(),
        syntax: MessageSyntax::SwiftMt,
        raw: MT103.into(),
        decision: serde_json::json!({
            "decision": "hold",
            "hits": [{
                "field": "59",
                "value": "WANG JUNZHENG",
                "kind": "name",
                "subject_id": "us_ofac_sdn:26071",
                "referents": ["us_ofac_sdn:26071"],
                "score": 1.0,
                "explanations": ["every name word agrees <exactly>"],
            }],
        }),
        list_versions: vec![1],
        source: "test".into(),
    }
}

#[test]
fn the_hit_field_is_marked_in_iso_and_mt_messages() {
    let hits = |field: &str, value: &str| {
        vec![ward_store::HoldHit {
            field: field.into(),
            value: value.into(),
            kind: "name".into(),
            subject_id: "s".into(),
            referents: Vec::new(),
            score: 1.0,
            explanations: Vec::new(),
        }]
    };
    let iso = "<Dbtr><Nm>A Debtor</Nm></Dbtr><Cdtr><Nm>Wang &amp; Co</Nm><NmX>Wang &amp; Co</NmX></Cdtr>";
    let spans = crate::payment::marked_spans(
        iso,
        MessageSyntax::Iso20022,
        &hits("CdtTrfTxInf[0]/Cdtr/Nm", "WANG & CO"),
    );
    let marked: Vec<&str> = spans.iter().map(|&(start, end)| &iso[start..end]).collect();
    assert_eq!(marked, ["<Nm>Wang &amp; Co</Nm>"]);

    let spans = crate::payment::marked_spans(MT103, MessageSyntax::SwiftMt, &hits("59", "Wang Junzheng"));
    let marked: Vec<&str> = spans.iter().map(|&(start, end)| &MT103[start..end]).collect();
    assert_eq!(marked, ["WANG JUNZHENG"]);
    // A value not written as found marks its whole field.
    let spans = crate::payment::marked_spans(MT103, MessageSyntax::SwiftMt, &hits("50K", "J. DOE"));
    let marked: Vec<&str> = spans.iter().map(|&(start, end)| &MT103[start..end]).collect();
    assert_eq!(marked, [":50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n"]);
    let spans = crate::payment::marked_spans(MT103, MessageSyntax::SwiftMt, &hits("block1", "BANKBEBB"));
    let marked: Vec<&str> = spans.iter().map(|&(start, end)| &MT103[start..end]).collect();
    assert_eq!(marked, ["BANKBEBB"]);
}

#[tokio::test]
async fn a_held_payment_is_shown_marked_and_released_with_four_eyes() {
    let fixture = fixture();
    let hold = fixture.store.record_payment_hold(&mt_hold()).unwrap().hold;
    let (ana, ana_csrf) = sign_in(&fixture.app, "ana").await;

    let queue =
        send(&fixture.app, "GET", &format!("/desk/alerts?book={PAYMENTS_BOOK}"), Some(&ana), None).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("/desk/alerts/{}\"", hold.alert_id)), "{}", queue.body);
    assert!(!queue.body.contains(&format!("/desk/alerts/{}\"", fixture.alert_id)), "only payments");

    let page = send(&fixture.app, "GET", &format!("/desk/alerts/{}", hold.alert_id), Some(&ana), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<mark>WANG JUNZHENG</mark>"), "{}", page.body);
    assert!(page.body.contains(":70:&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", page.body);
    assert!(!page.body.contains("<script>"));
    assert!(page.body.contains("every name word agrees &lt;exactly&gt;"));
    assert!(page.body.contains("release: false positive"));
    assert!(!page.body.contains("name=\"suppress\""), "a release cannot suppress");

    let form = format!("kind=dismiss&reason=different-country&remark=a+French+company&csrf={ana_csrf}");
    let answer = send(
        &fixture.app,
        "POST",
        &format!("/desk/alerts/{}/decide", hold.alert_id),
        Some(&ana),
        Some(&form),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let decision = fixture.store.alert_decisions(hold.alert_id).unwrap().pop().unwrap();
    assert_eq!(fixture.store.payment_hold(hold.alert_id).unwrap().unwrap().status, PaymentHoldStatus::Held);

    // The analyst cannot approve their own release.
    let review = format!("verdict=approve&remark=&csrf={ana_csrf}");
    let answer = send(
        &fixture.app,
        "POST",
        &format!("/desk/decisions/{}/review", decision.id),
        Some(&ana),
        Some(&review),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(fixture.store.payment_hold(hold.alert_id).unwrap().unwrap().status, PaymentHoldStatus::Held);

    let (sue, sue_csrf) = sign_in(&fixture.app, "sue").await;
    let review = format!("verdict=approve&remark=seen&csrf={sue_csrf}");
    let answer = send(
        &fixture.app,
        "POST",
        &format!("/desk/decisions/{}/review", decision.id),
        Some(&sue),
        Some(&review),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        fixture.store.payment_hold(hold.alert_id).unwrap().unwrap().status,
        PaymentHoldStatus::Released
    );
    let page = send(&fixture.app, "GET", &format!("/desk/alerts/{}", hold.alert_id), Some(&sue), None).await;
    assert!(page.body.contains("<strong>released</strong>"), "{}", page.body);

    for (user, source) in [("user:ana", "desk decide"), ("user:sue", "desk review")] {
        let records = fixture
            .store
            .audit(&AuditFilter { key_id: Some(user.into()), ..AuditFilter::default() })
            .unwrap();
        assert!(records.iter().any(|record| record.source == source), "{user}: {records:?}");
    }
}
