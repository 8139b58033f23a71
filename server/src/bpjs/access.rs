//! Who may call the hospital's antrean web service: BPJS, with the username and password the
//! hospital gave it. It trades them for a token (`x-token`), sent with `x-username` on every
//! call, as BPJS's documentation of the hospital's side describes.
//!
//! The token carries its own expiry and an HMAC of it keyed with the password, so every replica
//! checks it without a shared table, and changing the password ends every token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How long a token lasts.
pub const TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(1);

/// The credentials the hospital gave BPJS for its web service.
#[derive(Clone)]
pub struct WsAccess {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for WsAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsAccess")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl WsAccess {
    /// A token for these credentials, or `None` when they are wrong.
    pub fn token(&self, username: &str, password: &str, now: DateTime<Utc>) -> Option<String> {
        let right = equal(username, &self.username) & equal(password, &self.password);
        right.then(|| {
            let expires = (now + TOKEN_LIFETIME).timestamp();
            format!("{expires}.{}", self.seal(expires))
        })
    }

    /// Whether a call's `x-username` and `x-token` let it in.
    pub fn admits(&self, username: &str, token: &str, now: DateTime<Utc>) -> bool {
        let Some((expires, seal)) = token.split_once('.') else {
            return false;
        };
        let Ok(expires) = expires.parse::<i64>() else {
            return false;
        };
        equal(username, &self.username)
            && expires > now.timestamp()
            && equal(seal, &self.seal(expires))
    }

    fn seal(&self, expires: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.password.as_bytes())
            .expect("HMAC accepts any key length");
        mac.update(self.username.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_admit_their_user_until_they_expire() {
        let access = WsAccess {
            username: "bpjs".into(),
            password: "kata-sandi-ws".into(),
        };
        let now = Utc::now();
        assert!(access.token("bpjs", "salah", now).is_none());
        assert!(access.token("lain", "kata-sandi-ws", now).is_none());
        let token = access.token("bpjs", "kata-sandi-ws", now).unwrap();
        assert!(access.admits("bpjs", &token, now));
        assert!(!access.admits("lain", &token, now));
        assert!(!access.admits("bpjs", &token, now + TOKEN_LIFETIME));
        let (expires, _) = token.split_once('.').unwrap();
        assert!(!access.admits("bpjs", &format!("{expires}.forged"), now));
        let later = format!(
            "{}.{}",
            expires.parse::<i64>().unwrap() + 3600,
            token.split_once('.').unwrap().1
        );
        assert!(!access.admits("bpjs", &later, now), "the expiry is sealed");
        let moved = WsAccess {
            password: "baru".into(),
            ..access
        };
        assert!(
            !moved.admits("bpjs", &token, now),
            "a new password ends old tokens"
        );
    }
}
