//! The page frame (navigation, who is signed in, the sign-out form), error pages and the
//! stylesheet.

use crate::session::Signed;
use crate::PREFIX;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use ward_store::Role;

/// The stylesheet: system fonts, high-contrast colours (text at least 7:1 on its
/// background), visible focus rings.
const STYLESHEET: &str = include_str!("desk.css");

/// One page in the desk's frame. `signed` is `None` on the sign-in page.
pub(crate) fn page(title: &str, signed: Option<&Signed>, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Ward desk" }
                link rel="stylesheet" href={ (PREFIX) "/desk.css" };
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header {
                    nav aria-label="Desk" {
                        span.brand { "Ward desk" }
                        @if let Some(signed) = signed {
                            a href={ (PREFIX) "/alerts" } { "Alerts" }
                            a href={ (PREFIX) "/search" } { "Search" }
                            a href={ (PREFIX) "/changes" } { "List changes" }
                            @if signed.session.role >= Role::Supervisor {
                                a href={ (PREFIX) "/approvals" } { "Approvals" }
                                a href={ (PREFIX) "/export" } { "Export" }
                            }
                            @if signed.session.role >= Role::Admin {
                                a href={ (PREFIX) "/users" } { "Users" }
                            }
                            span.who { (signed.session.user) " (" (signed.session.role) ")" }
                            form.inline method="post" action={ (PREFIX) "/sign-out" } {
                                input type="hidden" name="csrf" value=(signed.session.csrf_token);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// A page telling what went wrong, with a status.
pub(crate) fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    let mut response =
        page(title, None, html! { p { (detail) } p { a href={ (PREFIX) "/" } { "Back to the desk" } } });
    *response.status_mut() = status;
    response
}

/// A server fault: logged with its cause, shown without it.
pub(crate) fn internal(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %error, "Desk request failed");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The desk could not answer; the error is logged.",
    )
}

/// 403 for a signed-in person whose role does not allow the page.
pub(crate) fn forbidden() -> Response {
    problem(StatusCode::FORBIDDEN, "Not allowed", "Your role does not allow this page.")
}

pub(crate) async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "Not found", "There is no such page on the desk.")
}

pub(crate) async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], STYLESHEET)
        .into_response()
}
