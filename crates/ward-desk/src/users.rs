//! The accounts page (admins only): who may sign in, with what role, and a form to add one.

use crate::layout::page;
use crate::session::{audit, Signed};
use crate::{Desk, PREFIX};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use ward_store::Role;

/// `GET /users`.
pub(crate) async fn list(State(desk): State<Desk>, signed: Signed) -> Response {
    if let Err(refused) = signed.require(Role::Admin) {
        return refused;
    }
    let users = match desk.blocking(|store| store.users()).await {
        Ok(users) => users,
        Err(response) => return response,
    };
    page(
        "Users",
        Some(&signed),
        html! {
            table {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { "Created" } th scope="col" { "Locked until" } } }
                tbody { @for user in &users { tr {
                    td { (user.name) } td { (user.role) } td { (user.created_at) } td { (user.locked_until.as_deref().unwrap_or("")) }
                } } }
            }
            h2 { "Add a user" }
            form.stack method="post" action={ (PREFIX) "/users" } {
                input type="hidden" name="csrf" value=(signed.session.csrf_token);
                label { "Name" input name="name" required autocomplete="off"; }
                label { "Role" select name="role" { @for role in Role::ALL { option value=(role.as_str()) { (role.as_str()) } } } }
                label { "Password (" (ward_store::MIN_PASSWORD_CHARS) " characters or more)" input name="password" type="password" required autocomplete="new-password"; }
                button type="submit" { "Add" }
            }
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct NewUser {
    #[serde(default)]
    csrf: String,
    name: String,
    role: String,
    password: String,
}

/// `POST /users`.
pub(crate) async fn create(State(desk): State<Desk>, signed: Signed, Form(form): Form<NewUser>) -> Response {
    if let Err(refused) = signed.require(Role::Admin).and_then(|()| signed.check_csrf(&form.csrf)) {
        return refused;
    }
    let role: Role = match form.role.parse() {
        Ok(role) => role,
        Err(message) => {
            return crate::layout::problem(axum::http::StatusCode::BAD_REQUEST, "Not added", &message)
        }
    };
    let name = form.name.trim().to_string();
    let created = name.clone();
    if let Err(failed) = desk.blocking(move |store| store.create_user(&created, role, &form.password)).await {
        return failed;
    }
    let query = serde_json::json!({ "name": name, "role": role.as_str() });
    if let Err(failed) = audit(&desk, &signed.session.user, "create-user", query, serde_json::json!({})).await
    {
        return failed;
    }
    Redirect::to(&format!("{PREFIX}/users")).into_response()
}
