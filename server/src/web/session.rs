//! Sessions of the browser pages (admin panel, staff console): the same server-side session as
//! an API bearer token, carried in a cookie that scripts cannot read (HttpOnly), that other
//! sites cannot send along (SameSite=Strict), and that travels only over HTTPS when the server
//! speaks it (Secure); every form also carries a CSRF token tied to the session.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::SESSION_LIFETIME;

/// The cookie's name.
pub const COOKIE_NAME: &str = "giliran_session";

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The header that carries the CSRF token on the pages' API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

fn build(value: &str, max_age: cookie::time::Duration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE_NAME, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(max_age)
        .build();
    // Session tokens are URL-safe base64, so the header is always valid.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session; `secure` when served over TLS.
pub fn set_cookie(token: &str, secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    let lifetime = cookie::time::Duration::seconds(SESSION_LIFETIME.num_seconds());
    (SET_COOKIE, build(token, lifetime, secure))
}

/// `Set-Cookie` that removes the session cookie (at logout).
pub fn clear_cookie(secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    (SET_COOKIE, build("", cookie::time::Duration::ZERO, secure))
}

/// The session token of the request's cookie, if it has one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE_NAME)
}

/// The value of the request's cookie `name`, when it is there and not empty.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// The CSRF token of a session: derived from the session's secret token, so only a page the
/// server rendered for that session knows it, and it dies with the session. Nothing to store.
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"giliran csrf v1\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

/// Whether a submitted form's token belongs to the session, compared in constant time.
pub fn csrf_matches(session_token: &str, submitted: &str) -> bool {
    csrf_token(session_token)
        .as_bytes()
        .ct_eq(submitted.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::new_token;

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_tls() {
        let token = new_token();
        let (name, value) = set_cookie(&token, true);
        assert_eq!(name, SET_COOKIE);
        let text = value.to_str().unwrap();
        assert!(
            text.starts_with(&format!("{COOKIE_NAME}={token}")),
            "{text}"
        );
        for attribute in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(text.contains(attribute), "{attribute} in {text}");
        }
        let (_, plain) = set_cookie(&token, false);
        assert!(!plain.to_str().unwrap().contains("Secure"));
        let (_, cleared) = clear_cookie(false);
        assert!(cleared.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn the_session_is_read_back_from_the_cookie_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(session_token(&headers), None);
        headers.insert(
            COOKIE,
            HeaderValue::from_static("lang=id; giliran_session=abc_DEF-123; other=1"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc_DEF-123"));
        headers.insert(COOKIE, HeaderValue::from_static("giliran_session="));
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let (a, b) = (new_token(), new_token());
        let token = csrf_token(&a);
        assert_eq!(token.len(), 43);
        assert!(csrf_matches(&a, &token));
        assert!(!csrf_matches(&b, &token));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_matches(&a, &token[..42]));
        assert_ne!(token, a, "the CSRF token does not reveal the session");
    }
}
