//! Logging in and out of the panel and the console: a plain form that sets the session cookie,
//! with the same lockout as the API's login.

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, http::HeaderMap};
use giliran_core::wire::{LoginRequest, Role};
use serde::Deserialize;

use super::i18n::{Language, Texts};
use super::{Chrome, Page, local_path, login_href, page_with_status, session};
use crate::api::AppState;
use crate::api::accounts::sign_in;
use crate::api::extract::Peer;
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    t: &'static Texts,
    next: String,
    username: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn page(
    state: &AppState,
    lang: Language,
    next: Option<&str>,
    username: String,
    error: Option<&'static str>,
) -> Result<LoginPage, AppError> {
    let t = lang.texts();
    let next = local_path(next).unwrap_or("").to_owned();
    let path = if next.is_empty() {
        "/login".to_owned()
    } else {
        login_href(&next)
    };
    Ok(LoginPage {
        c: Chrome::new(state, lang, t.login_title, "login", path, None).await?,
        t,
        next,
        username,
        error,
    })
}

async fn form(
    State(state): State<AppState>,
    lang: Language,
    Query(query): Query<NextQuery>,
) -> Result<Page<LoginPage>, AppError> {
    Ok(Page(
        page(&state, lang, query.next.as_deref(), String::new(), None).await?,
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    lang: Language,
    Peer(ip): Peer,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, AppError> {
    let t = lang.texts();
    let Ok(Form(form)) = form else {
        let again = page(&state, lang, None, String::new(), Some(t.wrong_credentials)).await?;
        return Ok(page_with_status(StatusCode::BAD_REQUEST, again));
    };
    let request = LoginRequest {
        username: form.username.trim().to_owned(),
        password: form.password,
    };
    let (status, message) = match sign_in(&state, &request, ip).await {
        Ok(welcome) => {
            let home = match welcome.user.role {
                Role::Admin => "/admin",
                Role::Staff => "/staff",
            };
            let to = local_path(form.next.as_deref()).unwrap_or(home);
            let mut response = Redirect::to(to).into_response();
            let (name, value) = session::set_cookie(&welcome.token, state.secure_cookies);
            response.headers_mut().append(name, value);
            return Ok(response);
        }
        Err(AppError::InvalidCredentials) => (StatusCode::UNAUTHORIZED, t.wrong_credentials),
        Err(AppError::Forbidden(_)) => (StatusCode::FORBIDDEN, t.account_disabled),
        Err(AppError::RateLimited { .. }) => (StatusCode::TOO_MANY_REQUESTS, t.too_many_attempts),
        Err(other) => return Err(other),
    };
    let again = page(
        &state,
        lang,
        form.next.as_deref(),
        request.username,
        Some(message),
    )
    .await?;
    Ok(page_with_status(status, again))
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Ends the cookie's session. The form must carry the page's CSRF token: otherwise any site
/// could log a nurse out in the middle of a call.
async fn logout(
    State(state): State<AppState>,
    Peer(ip): Peer,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Some(token) = session::session_token(&headers) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let submitted = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    if !session::csrf_matches(&token, &submitted) {
        return Err(AppError::Forbidden(
            "the form's security token is missing or stale; reload the page",
        ));
    }
    state.store.logout(&token, ip, state.now()).await?;
    let mut response = Redirect::to("/login").into_response();
    let (name, value) = session::clear_cookie(state.secure_cookies);
    response.headers_mut().append(name, value);
    Ok(response)
}
