//! Signing in and out, the session cookie, the CSRF check on every form that changes state,
//! and the audit record of each action with the person who took it.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
//! sends it), `Secure` unless [`crate::DeskConfig::secure_cookies`] is off, scoped to the
//! desk's path, and lasts as long as the session ([`ward_store::SESSION_LIFETIME`]).

use crate::layout::{self, page};
use crate::{Desk, PREFIX};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use ward_store::{AuditRecord, Role, Session, SignIn, SESSION_LIFETIME};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ward_session";

/// A request from a signed-in person: their session, and the cookie token that opened it.
pub(crate) struct Signed {
    pub(crate) session: Session,
    pub(crate) token: String,
}

impl Signed {
    /// The session's role reaches `role`, or the 403 page.
    pub(crate) fn require(&self, role: Role) -> Result<(), Response> {
        if self.session.role >= role {
            Ok(())
        } else {
            Err(layout::forbidden())
        }
    }

    /// The form's CSRF token is this session's, or the 403 page.
    pub(crate) fn check_csrf(&self, token: &str) -> Result<(), Response> {
        if constant_time_eq(token.as_bytes(), self.session.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(layout::problem(
                StatusCode::FORBIDDEN,
                "Form refused",
                "The form did not carry this session's token: reload the page and try again.",
            ))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// A cookie's value from the `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn to_sign_in() -> Response {
    Redirect::to(&format!("{PREFIX}/sign-in")).into_response()
}

impl FromRequestParts<Desk> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, desk: &Desk) -> Result<Signed, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|token| !token.is_empty()) else {
            return Err(to_sign_in());
        };
        let lookup = token.clone();
        match desk.blocking(move |store| store.session(&lookup)).await? {
            Some(session) => Ok(Signed { session, token }),
            None => Err(to_sign_in()),
        }
    }
}

/// Writes an audit record of a desk action by `user` and waits until it is durable: an
/// action that cannot be recorded fails.
pub(crate) async fn audit(
    desk: &Desk,
    user: &str,
    action: &str,
    query: serde_json::Value,
    results: serde_json::Value,
) -> Result<(), Response> {
    let record = AuditRecord {
        request_id: request_id(),
        key_id: Some(format!("user:{user}")),
        time: String::new(),
        source: format!("desk {action}"),
        dataset: String::new(),
        query,
        query_names: Vec::new(),
        list_versions: desk.host.versions().iter().map(|version| version.id).collect(),
        results,
        top_score: 0.0,
        matched: false,
    };
    audit_record(desk, record).await
}

/// Writes a prepared audit record and waits until it is durable.
pub(crate) async fn audit_record(desk: &Desk, record: AuditRecord) -> Result<(), Response> {
    desk.host.audit(record).wait_async().await.map_err(|e| layout::internal(&e))
}

/// A random request id for the audit trail.
pub(crate) fn request_id() -> String {
    let mut bytes = [0u8; 12];
    // Without randomness the id is zeros: still a valid record, only not unique.
    let _ = getrandom::fill(&mut bytes);
    format!("desk-{}", hex::encode(bytes))
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    name: String,
    password: String,
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn sign_in_form(message: Option<&str>) -> Response {
    page(
        "Sign in",
        None,
        html! {
            @if let Some(message) = message {
                p.error role="alert" { (message) }
            }
            form.stack method="post" action={ (PREFIX) "/sign-in" } {
                label { "Name" input name="name" autocomplete="username" required autofocus; }
                label { "Password" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// `GET /sign-in`.
pub(crate) async fn sign_in_page() -> Response {
    sign_in_form(None)
}

/// `POST /sign-in`: opens a session and sets its cookie, or shows the form again. Without a
/// session there is no CSRF token to check; the SameSite=Strict cookie of an existing session
/// is not sent by another site's form, and a forged sign-in only opens a session for the
/// forger's own account.
pub(crate) async fn sign_in(State(desk): State<Desk>, Form(form): Form<SignInForm>) -> Response {
    let name = form.name.trim().to_string();
    let attempt = name.clone();
    let outcome = match desk.blocking(move |store| store.sign_in(&attempt, &form.password)).await {
        Ok(outcome) => outcome,
        Err(response) => return response,
    };
    let (verdict, response) = match outcome {
        SignIn::Accepted(opened) => {
            let mut cookie = format!(
                "{SESSION_COOKIE}={}; Path={PREFIX}; HttpOnly; SameSite=Strict; Max-Age={}",
                opened.token,
                SESSION_LIFETIME.as_secs()
            );
            if desk.config.secure_cookies {
                cookie.push_str("; Secure");
            }
            let mut response = Redirect::to(&format!("{PREFIX}/alerts")).into_response();
            match HeaderValue::from_str(&cookie) {
                Ok(value) => response.headers_mut().insert(header::SET_COOKIE, value),
                Err(e) => return layout::internal(&e),
            };
            ("accepted".to_string(), response)
        }
        SignIn::Refused => {
            let mut response = sign_in_form(Some("Wrong name or password."));
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            ("refused".to_string(), response)
        }
        SignIn::Locked { until } => {
            let text = format!("Too many failed attempts: the account is locked until {until}.");
            let mut response = sign_in_form(Some(&text));
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            (format!("locked until {until}"), response)
        }
    };
    if let Err(failed) =
        audit(&desk, &name, "sign-in", serde_json::json!({}), serde_json::json!({ "outcome": verdict })).await
    {
        return failed;
    }
    response
}

/// `POST /sign-out`: ends the session and clears its cookie.
pub(crate) async fn sign_out(
    State(desk): State<Desk>,
    signed: Signed,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&form.csrf) {
        return refused;
    }
    let token = signed.token.clone();
    if let Err(failed) = desk.blocking(move |store| store.sign_out(&token)).await {
        return failed;
    }
    if let Err(failed) =
        audit(&desk, &signed.session.user, "sign-out", serde_json::json!({}), serde_json::json!({})).await
    {
        return failed;
    }
    let mut response = Redirect::to(&format!("{PREFIX}/sign-in")).into_response();
    let expired = format!("{SESSION_COOKIE}=; Path={PREFIX}; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
