//! The browser pages the server serves itself: the patient page at `/`, the staff console at
//! `/staff` and the admin panel at `/admin`. Pages are rendered here from askama templates
//! (`server/templates`); their small scripts (`server/static`) make changes through the same
//! JSON API the apps use and refresh the live parts over the event stream.

pub mod admin;
pub mod assets;
pub mod bpjs;
pub mod history;
pub mod i18n;
pub mod login;
pub mod patient;
pub mod session;
pub mod staff;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use giliran_core::wire::Role;
use serde::Deserialize;

use crate::api::AppState;
use crate::error::AppError;
use crate::store::Principal;
use i18n::{LANG_COOKIE, Language, Texts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lang/{code}", get(switch_language))
        .merge(assets::router())
        .merge(login::router())
        .merge(patient::router())
        .merge(staff::router())
        .merge(admin::router())
        .merge(bpjs::router())
        .merge(history::router())
}

/// What every page's frame shows: language, title, who is logged in.
#[derive(Debug)]
pub struct Chrome {
    pub lang: Language,
    pub t: &'static Texts,
    pub title: String,
    /// The hospital's name from the settings, for the header.
    pub hospital: String,
    pub user: Option<ChromeUser>,
    /// Which navigation entry is the current page.
    pub section: &'static str,
    /// The page's own path, for the language switch to come back to.
    pub path: String,
}

/// The logged-in account as the frame shows it.
#[derive(Debug)]
pub struct ChromeUser {
    pub username: String,
    pub admin: bool,
    /// Sent back with every change the page makes.
    pub csrf: String,
}

impl Chrome {
    pub async fn new(
        state: &AppState,
        lang: Language,
        title: impl Into<String>,
        section: &'static str,
        path: impl Into<String>,
        user: Option<&SignedIn>,
    ) -> Result<Chrome, AppError> {
        let hospital = state.store.display_settings().await?.hospital_name;
        Ok(Chrome {
            lang,
            t: lang.texts(),
            title: title.into(),
            hospital,
            user: user.map(|u| ChromeUser {
                username: u.principal.username.clone(),
                admin: u.principal.role == Role::Admin,
                csrf: u.csrf.clone(),
            }),
            section,
            path: path.into(),
        })
    }

    /// The link that switches to the other language and comes back here.
    pub fn switch_href(&self) -> String {
        let next: String = url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/lang/{}?next={next}", self.lang.other().as_str())
    }

    pub fn css(&self) -> &'static str {
        assets::url("giliran.css")
    }

    pub fn script(&self, name: &str) -> &'static str {
        assets::url(name)
    }
}

/// A rendered page; a template that fails to render is a fault of ours (500).
pub struct Page<T>(pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.0.render() {
            Ok(html) => Html(html).into_response(),
            Err(err) => AppError::Internal(anyhow::anyhow!("template: {err}")).into_response(),
        }
    }
}

/// A page with a status other than 200 (a refused login, a missing right).
pub fn page_with_status<T: Template>(status: StatusCode, page: T) -> Response {
    let mut response = Page(page).into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// A logged-in browser: the cookie's session, its account and the CSRF token its pages carry.
#[derive(Debug)]
pub struct SignedIn {
    pub principal: Principal,
    pub token: String,
    pub csrf: String,
}

/// Where a page goes when its visitor must log in first: the login page, which comes back.
fn to_login(parts: &Parts) -> Response {
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map(|u| u.0.path().to_owned())
        .unwrap_or_else(|| parts.uri.path().to_owned());
    Redirect::to(&login_href(&path)).into_response()
}

/// The login page that returns to `next` afterwards.
pub fn login_href(next: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/login?next={next}")
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = session::session_token(&parts.headers) else {
            return Err(to_login(parts));
        };
        match state.store.authenticate(&token, state.now()).await {
            Ok(Some(principal)) => Ok(SignedIn {
                csrf: session::csrf_token(&token),
                principal,
                token,
            }),
            Ok(None) => Err(to_login(parts)),
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

/// A logged-in admin; anyone else logged in is shown a refusal.
#[derive(Debug)]
pub struct SignedInAdmin(pub SignedIn);

impl FromRequestParts<AppState> for SignedInAdmin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let signed = SignedIn::from_request_parts(parts, state).await?;
        if signed.principal.role != Role::Admin {
            let Ok(lang) = Language::from_request_parts(parts, state).await;
            return Err(refusal(state, lang, &signed).await);
        }
        Ok(SignedInAdmin(signed))
    }
}

#[derive(Template)]
#[template(path = "refused.html")]
struct Refused {
    c: Chrome,
    t: &'static Texts,
}

async fn refusal(state: &AppState, lang: Language, signed: &SignedIn) -> Response {
    let t = lang.texts();
    match Chrome::new(state, lang, t.admin_title, "", "/admin", Some(signed)).await {
        Ok(c) => page_with_status(StatusCode::FORBIDDEN, Refused { c, t }),
        Err(err) => err.into_response(),
    }
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only a path on this server, so a crafted link cannot send a user elsewhere after a login
/// or a language switch.
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
}

async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = Language::parse(&code).unwrap_or_default();
    let next = local_path(q.next.as_deref()).unwrap_or("/");
    let cookie = cookie::Cookie::build((LANG_COOKIE, lang.as_str()))
        .path("/")
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build();
    let mut response = Redirect::to(next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/admin")), Some("/admin"));
        for away in ["//evil.example", "https://evil.example", "/\\evil", "admin"] {
            assert_eq!(local_path(Some(away)), None, "{away}");
        }
        assert_eq!(local_path(None), None);
    }
}
