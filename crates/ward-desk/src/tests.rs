//! Desk tests through the router: sessions, CSRF, roles, escaping, and each page on a small
//! store with two versions of a list and a book with an alert.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use ward_model::{Designation, Entity, Name, NameKind, ParsedList, Schema, SourceFile};
use ward_store::{AlertChange, AlertReason, AlertStatus, AuditFilter, AuditLog, Customer, Role};

const PASSWORD: &str = "a long enough password";
const SCRIPT_NAME: &str = "<script>alert(1)</script>";

struct TestHost {
    store: Arc<Store>,
    screener: Arc<Screener>,
    versions: Vec<ListVersion>,
    audit: AuditLog,
}

impl Host for TestHost {
    fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }
    fn screener(&self) -> Arc<Screener> {
        Arc::clone(&self.screener)
    }
    fn versions(&self) -> Vec<ListVersion> {
        self.versions.clone()
    }
    fn audit(&self, record: AuditRecord) -> AuditTicket {
        self.audit.submit(record)
    }
}

fn wang(program: &str) -> Entity {
    let mut entity = Entity::new("us_ofac_sdn", "26071", Schema::Person);
    entity.add_name(Name::new("WANG, Junzheng", NameKind::Primary));
    entity.add_name(Name::new("王君正", NameKind::Alias));
    entity.designations.push(Designation {
        authority: "US Treasury Office of Foreign Assets Control".into(),
        dataset: "us_ofac_sdn".into(),
        list: Some("SDN List".into()),
        programs: vec![program.into()],
        listed_on: Some("2021-03-22".into()),
        modified_on: None,
        end_date: None,
        reason: None,
        legal_basis: None,
        record_id: "26071".into(),
        un_reference: None,
    });
    entity
}

fn list(published: &str, entities: Vec<Entity>) -> ParsedList {
    let mut list = ParsedList::new("us_ofac_sdn", "ofac_xml");
    list.meta.published = Some(published.into());
    list.sources.push(SourceFile { name: format!("sdn-{published}.xml"), sha256: published.into(), size: 1 });
    list.entities = entities;
    list
}

/// A store with two versions of a list (WANG Junzheng amended in the second), three users and
/// a book whose customer named like a script raised an alert.
struct Fixture {
    app: Router,
    store: Arc<Store>,
    alert_id: i64,
}

fn fixture() -> Fixture {
    let store = Store::open_in_memory().unwrap();
    store.import(&list("2021-03-22", vec![wang("CHINA-EO13936")])).unwrap();
    store.import(&list("2021-07-01", vec![wang("HK-EO13936")])).unwrap();
    store.create_user("ana", Role::Analyst, PASSWORD).unwrap();
    store.create_user("sue", Role::Supervisor, PASSWORD).unwrap();
    store.create_user("root", Role::Admin, PASSWORD).unwrap();
    let book = store.create_book("retail").unwrap();
    let customer = Customer { id: "c1".into(), name: SCRIPT_NAME.into(), ..Customer::default() };
    store.write_customers("retail", &[customer], &[]).unwrap();
    let lists = store.current_lists().unwrap();
    let screener = Arc::new(Screener::build(ward_lists::link::link(lists.entities)));
    let subject_id = screener.subjects()[0].id.clone();
    let raised = ward_store::Alert {
        id: 0,
        book: "retail".into(),
        customer_id: "c1".into(),
        customer_name: SCRIPT_NAME.into(),
        subject_id: subject_id.clone(),
        referents: vec![subject_id],
        score: 0.93,
        explanations: vec![format!("{SCRIPT_NAME} is the evidence")],
        reason: AlertReason::NewCustomer,
        status: AlertStatus::Open,
        close_reason: None,
        list_versions: lists.versions.iter().map(|version| version.id).collect(),
        created_at: String::new(),
        updated_at: String::new(),
    };
    let alert_id = store.commit_screening(&book, &[AlertChange::Raise(raised)]).unwrap()[0];
    let store = Arc::new(store);
    let host = TestHost {
        audit: store.audit_log().unwrap(),
        store: Arc::clone(&store),
        screener,
        versions: lists.versions,
    };
    let app = Router::new().nest_service(PREFIX, router(Arc::new(host), DeskConfig::default()));
    Fixture { app, store, alert_id }
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    cookie: Option<String>,
    body: String,
}

async fn send(app: &Router, method: &str, uri: &str, session: Option<&str>, form: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = session {
        request = request.header("cookie", format!("{SESSION_COOKIE}={token}"));
    }
    if form.is_some() {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    let request = request.body(Body::from(form.unwrap_or("").to_string())).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|value| value.to_str().unwrap().to_string());
    let (status, location, cookie) = (response.status(), header("location"), header("set-cookie"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, location, cookie, body: String::from_utf8(body.to_vec()).unwrap() }
}

/// Signs in and returns the session token and its CSRF token (read from a page's form).
async fn sign_in(app: &Router, name: &str) -> (String, String) {
    let answer =
        send(app, "POST", "/desk/sign-in", None, Some(&format!("name={name}&password={PASSWORD}"))).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer.cookie.unwrap();
    let token = cookie.split(';').next().unwrap().strip_prefix("ward_session=").unwrap().to_string();
    let page = send(app, "GET", "/desk/search", Some(&token), None).await;
    let marker = "name=\"csrf\" value=\"";
    let start = page.body.find(marker).unwrap() + marker.len();
    let csrf = page.body[start..start + 64].to_string();
    (token, csrf)
}

/// Every page the desk serves, for the checks that apply to all of them.
fn pages(alert_id: i64) -> Vec<String> {
    vec![
        "/desk".into(),
        "/desk/alerts".into(),
        format!("/desk/alerts/{alert_id}"),
        "/desk/search?name=wang".into(),
        "/desk/subjects/us_ofac_sdn%3A26071".into(),
        "/desk/changes".into(),
        "/desk/changes/us_ofac_sdn/2".into(),
        "/desk/users".into(),
        "/desk/approvals".into(),
        "/desk/export".into(),
    ]
}

#[tokio::test]
async fn no_page_or_action_without_a_session() {
    let fixture = fixture();
    for uri in pages(fixture.alert_id) {
        for session in [None, Some("forged-token")] {
            let answer = send(&fixture.app, "GET", &uri, session, None).await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{uri}");
            assert_eq!(answer.location.as_deref(), Some("/desk/sign-in"), "{uri}");
        }
    }
    let form = format!("name=eve&role=admin&password={PASSWORD}&csrf=x");
    let answer = send(&fixture.app, "POST", "/desk/users", None, Some(&form)).await;
    assert_eq!(answer.location.as_deref(), Some("/desk/sign-in"));
    assert_eq!(fixture.store.user("eve").unwrap(), None);
    let id = fixture.alert_id;
    for (uri, form) in [
        (format!("/desk/alerts/{id}/decide"), "kind=escalate&reason=other&remark=x&csrf=x".to_string()),
        (format!("/desk/alerts/{id}/assign"), "csrf=x".to_string()),
        ("/desk/decisions/1/review".to_string(), "verdict=approve&csrf=x".to_string()),
    ] {
        let answer = send(&fixture.app, "POST", &uri, None, Some(&form)).await;
        assert_eq!(answer.location.as_deref(), Some("/desk/sign-in"), "{uri}");
    }
    assert_eq!(fixture.store.alert_decisions(id).unwrap(), []);
    assert_eq!(fixture.store.alert_assignee(id).unwrap(), None);
    let answer = send(&fixture.app, "POST", "/desk/sign-out", None, Some("csrf=x")).await;
    assert_eq!(answer.location.as_deref(), Some("/desk/sign-in"));
    // The sign-in page itself and the stylesheet are open.
    assert_eq!(send(&fixture.app, "GET", "/desk/sign-in", None, None).await.status, StatusCode::OK);
    assert_eq!(send(&fixture.app, "GET", "/desk/desk.css", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_locks_out_after_failures() {
    let fixture = fixture();
    let answer =
        send(&fixture.app, "POST", "/desk/sign-in", None, Some(&format!("name=ana&password={PASSWORD}")))
            .await;
    let cookie = answer.cookie.unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/desk", "Max-Age=28800"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let wrong = "name=sue&password=wrong+password+here";
    for _ in 1..ward_store::MAX_FAILED_SIGN_INS {
        let answer = send(&fixture.app, "POST", "/desk/sign-in", None, Some(wrong)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.cookie.is_none());
    }
    let locked = send(&fixture.app, "POST", "/desk/sign-in", None, Some(wrong)).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let right =
        send(&fixture.app, "POST", "/desk/sign-in", None, Some(&format!("name=sue&password={PASSWORD}")))
            .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "locked even with the right password");
    // Each attempt is in the audit trail with the name tried.
    let records = fixture
        .store
        .audit(&AuditFilter { key_id: Some("user:sue".into()), ..AuditFilter::default() })
        .unwrap();
    assert_eq!(records.len() as u32, ward_store::MAX_FAILED_SIGN_INS + 1);
    assert!(records.iter().all(|record| record.source == "desk sign-in"));
}

#[tokio::test]
async fn every_change_needs_the_sessions_csrf_token() {
    let fixture = fixture();
    let (token, csrf) = sign_in(&fixture.app, "root").await;
    let (_, other_csrf) = sign_in(&fixture.app, "sue").await;
    for bad in ["", "&csrf=", "&csrf=0000", &format!("&csrf={other_csrf}")] {
        let form = format!("name=eve&role=analyst&password={PASSWORD}{bad}");
        let answer = send(&fixture.app, "POST", "/desk/users", Some(&token), Some(&form)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{bad}");
        assert_eq!(fixture.store.user("eve").unwrap(), None);
        let answer =
            send(&fixture.app, "POST", "/desk/sign-out", Some(&token), Some(bad.trim_start_matches('&')))
                .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{bad}");
        assert!(fixture.store.session(&token).unwrap().is_some());
    }
    let form = format!("name=eve&role=analyst&password={PASSWORD}&csrf={csrf}");
    let answer = send(&fixture.app, "POST", "/desk/users", Some(&token), Some(&form)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(fixture.store.user("eve").unwrap().unwrap().role, Role::Analyst);
    let answer =
        send(&fixture.app, "POST", "/desk/sign-out", Some(&token), Some(&format!("csrf={csrf}"))).await;
    assert_eq!(answer.location.as_deref(), Some("/desk/sign-in"));
    assert!(answer.cookie.unwrap().contains("Max-Age=0"));
    assert_eq!(fixture.store.session(&token).unwrap(), None);
    let actions: Vec<String> = fixture
        .store
        .audit(&AuditFilter { key_id: Some("user:root".into()), ..AuditFilter::default() })
        .unwrap()
        .into_iter()
        .map(|record| record.source)
        .collect();
    assert_eq!(actions, ["desk sign-out", "desk create-user", "desk sign-in"]);
}

#[tokio::test]
async fn an_analyst_cannot_reach_admin_pages() {
    let fixture = fixture();
    let (token, csrf) = sign_in(&fixture.app, "ana").await;
    assert_eq!(
        send(&fixture.app, "GET", "/desk/users", Some(&token), None).await.status,
        StatusCode::FORBIDDEN
    );
    let form = format!("name=eve&role=admin&password={PASSWORD}&csrf={csrf}");
    let answer = send(&fixture.app, "POST", "/desk/users", Some(&token), Some(&form)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(fixture.store.user("eve").unwrap(), None);
    let (token, _) = sign_in(&fixture.app, "sue").await;
    assert_eq!(
        send(&fixture.app, "GET", "/desk/users", Some(&token), None).await.status,
        StatusCode::FORBIDDEN
    );
    let (token, _) = sign_in(&fixture.app, "root").await;
    let answer = send(&fixture.app, "GET", "/desk/users", Some(&token), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("ana") && answer.body.contains("supervisor"));
}

#[tokio::test]
async fn a_script_as_a_customer_name_renders_as_text() {
    let fixture = fixture();
    let (token, _) = sign_in(&fixture.app, "ana").await;
    for uri in [
        "/desk/alerts".to_string(),
        format!("/desk/alerts/{}", fixture.alert_id),
        format!("/desk/search?name={}", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ] {
        let answer = send(&fixture.app, "GET", &uri, Some(&token), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert!(!answer.body.contains("<script"), "{uri}: {}", answer.body);
        assert!(answer.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{uri}: {}", answer.body);
    }
}

#[tokio::test]
async fn the_pages_show_hits_subjects_alerts_and_changes() {
    let fixture = fixture();
    let (token, _) = sign_in(&fixture.app, "ana").await;
    let get = |uri: String| {
        let app = fixture.app.clone();
        let token = token.clone();
        async move {
            let answer = send(&app, "GET", &uri, Some(&token), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
            assert!(answer.body.contains("Sign out"), "{uri}");
            answer.body
        }
    };
    let search = get("/desk/search?name=Wang+Junzheng&country=CN&kind=Person".into()).await;
    assert!(
        search.contains("WANG, Junzheng") && search.contains("/desk/subjects/us_ofac_sdn%3A26071"),
        "{search}"
    );
    let searches = fixture
        .store
        .audit(&AuditFilter { key_id: Some("user:ana".into()), ..AuditFilter::default() })
        .unwrap();
    assert_eq!(searches[0].source, "desk search");
    assert!(searches[0].top_score > 0.9, "{:?}", searches[0]);
    let subject = get("/desk/subjects/us_ofac_sdn%3A26071".into()).await;
    for expected in ["HK-EO13936", "Han", "王君正", "amended: programmes", "listed", "2021-03-22"] {
        assert!(subject.contains(expected), "{expected}: {subject}");
    }
    let queue =
        get("/desk/alerts?status=open&sort=score-desc&min_score=0.5&book=retail&assignee=unassigned".into())
            .await;
    assert!(queue.contains(&format!("/desk/alerts/{}", fixture.alert_id)), "{queue}");
    let empty = get("/desk/alerts?min_score=0.99".into()).await;
    assert!(empty.contains("No alert passes"), "{empty}");
    // Programme: the select offers the alerts' programmes, and filters by one.
    let programmes = fixture.store.programmes_of_alert(fixture.alert_id).unwrap();
    assert_eq!(programmes.len(), 1, "{programmes:?}");
    assert!(queue.contains(&format!("<option value=\"{}\">", programmes[0])), "{queue}");
    let by_programme = get(format!("/desk/alerts?programme={}", programmes[0])).await;
    assert!(by_programme.contains(&format!("/desk/alerts/{}", fixture.alert_id)), "{by_programme}");
    let other_programme = get("/desk/alerts?programme=IRAN".into()).await;
    assert!(other_programme.contains("No alert passes"), "{other_programme}");
    // Age: raised up to today keeps the alert, raised from tomorrow on has none; a day written
    // otherwise is refused.
    let today = chrono::Utc::now().date_naive();
    let until_today = get(format!("/desk/alerts?raised_until={today}")).await;
    assert!(until_today.contains(&format!("/desk/alerts/{}", fixture.alert_id)), "{until_today}");
    let tomorrow = today.succ_opt().unwrap();
    let from_tomorrow = get(format!("/desk/alerts?raised_from={tomorrow}")).await;
    assert!(from_tomorrow.contains("No alert passes"), "{from_tomorrow}");
    let bad_day = send(&fixture.app, "GET", "/desk/alerts?raised_from=05/12/2026", Some(&token), None).await;
    assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);
    let alert = get(format!("/desk/alerts/{}", fixture.alert_id)).await;
    assert!(alert.contains("WANG, Junzheng") && alert.contains("is the evidence"), "{alert}");
    let feed = get("/desk/changes".into()).await;
    assert!(feed.contains("/desk/changes/us_ofac_sdn/2"), "{feed}");
    let diff = get("/desk/changes/us_ofac_sdn/2".into()).await;
    assert!(diff.contains("1 amended"), "{diff}");
    let bad = send(&fixture.app, "GET", "/desk/alerts?sort=sideways", Some(&token), None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_dismissal_with_suppression_waits_for_a_supervisor() {
    let fixture = fixture();
    let id = fixture.alert_id;
    let (ana, ana_csrf) = sign_in(&fixture.app, "ana").await;
    let decide = format!("/desk/alerts/{id}/decide");
    let form = "kind=dismiss&reason=different-birth-date&remark=born+1970&suppress=pinned&expires=";
    // Without the session's token nothing is recorded.
    let answer = send(&fixture.app, "POST", &decide, Some(&ana), Some(form)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(fixture.store.alert_decisions(id).unwrap(), []);
    let answer = send(
        &fixture.app,
        "POST",
        &format!("/desk/alerts/{id}/assign"),
        Some(&ana),
        Some(&format!("csrf={ana_csrf}")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(fixture.store.alert_assignee(id).unwrap().as_deref(), Some("ana"));
    let answer =
        send(&fixture.app, "POST", &decide, Some(&ana), Some(&format!("{form}&csrf={ana_csrf}"))).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let decision = fixture.store.alert_decisions(id).unwrap().remove(0);
    assert_eq!(decision.status, ward_store::DecisionStatus::Pending);
    assert_eq!(fixture.store.alert(id).unwrap().unwrap().status, AlertStatus::Open);
    // The analyst sees it waiting, with no approve button, and cannot approve by hand.
    let page = send(&fixture.app, "GET", &format!("/desk/alerts/{id}"), Some(&ana), None).await;
    assert!(page.body.contains("Waiting for approval") && !page.body.contains(">Approve<"), "{}", page.body);
    let review = format!("/desk/decisions/{}/review", decision.id);
    let answer =
        send(&fixture.app, "POST", &review, Some(&ana), Some(&format!("verdict=approve&csrf={ana_csrf}")))
            .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        send(&fixture.app, "GET", "/desk/approvals", Some(&ana), None).await.status,
        StatusCode::FORBIDDEN
    );
    // A supervisor approves; the alert is dismissed and the pair suppressed.
    let (sue, sue_csrf) = sign_in(&fixture.app, "sue").await;
    let approvals = send(&fixture.app, "GET", "/desk/approvals", Some(&sue), None).await;
    assert!(approvals.body.contains("born 1970"), "{}", approvals.body);
    let answer = send(&fixture.app, "POST", &review, Some(&sue), Some("verdict=approve&remark=agreed")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "the review needs the token too");
    let answer = send(
        &fixture.app,
        "POST",
        &review,
        Some(&sue),
        Some(&format!("verdict=approve&remark=agreed&csrf={sue_csrf}")),
    )
    .await;
    assert_eq!(answer.location, Some(format!("/desk/alerts/{id}")), "{}", answer.body);
    assert_eq!(fixture.store.alert(id).unwrap().unwrap().status, AlertStatus::Dismissed);
    assert_eq!(fixture.store.active_suppressions("retail").unwrap().len(), 1);
    let page = send(&fixture.app, "GET", &format!("/desk/alerts/{id}"), Some(&sue), None).await;
    for expected in ["decision-requested", "decision-approved", "sue (supervisor)", "different-birth-date"] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    // The export reproduces the decision.
    let today = ward_store::today();
    let csv = send(
        &fixture.app,
        "GET",
        &format!("/desk/export?from={today}&to={today}&format=csv"),
        Some(&sue),
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<&str> = csv.body.lines().collect();
    assert_eq!(rows.len(), 2, "{}", csv.body);
    assert!(
        rows[1].contains("different-birth-date") && rows[1].contains("ana") && rows[1].contains("sue"),
        "{}",
        rows[1]
    );
    let json = send(
        &fixture.app,
        "GET",
        &format!("/desk/export?from={today}&to={today}&format=json"),
        Some(&sue),
        None,
    )
    .await;
    let records: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(records[0]["decision_id"], decision.id);
    assert_eq!(
        send(&fixture.app, "GET", "/desk/export", Some(&ana), None).await.status,
        StatusCode::FORBIDDEN
    );
}
mod payment;
