//! Who may call the hospital's antrean web service: BPJS, with the username and password the
//! hospital gave it. It trades them for a token (`x-token`), sent with `x-username` on every
//! call, as BPJS's documentation of the hospital's side describes.
//!
//! The token carries its own expiry and an HMAC of it keyed with the password, so every replica
//! checks it without a shared table, and changing the password ends every token.
//!
//! With the bridge's credentials set, BPJS may instead sign each call as it signs its own
//! service's (`X-cons-id`, `X-timestamp`, `X-signature`); those calls get their `response`
//! encrypted and compressed the way BPJS's own answers are.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::Credentials;

/// How long a token lasts.
pub const TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(1);

/// How far a signed call's `X-timestamp` may be from our clock: a replayed call is refused
/// after this, and two honest clocks are rarely further apart.
pub const SIGNATURE_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The credentials the hospital gave BPJS for its web service.
#[derive(Clone)]
pub struct WsAccess {
    pub username: String,
    pub password: String,
    /// The consumer id and secret BPJS gave the hospital, when the bridge is set up: BPJS may
    /// sign its calls with them.
    pub signing: Option<Credentials>,
}

/// How a call got in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// `x-username` and `x-token`: answered in plain JSON.
    Token,
    /// BPJS's signature headers: answered encrypted, for the call's timestamp.
    Signed { timestamp: String },
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

    /// Whether a call signed with BPJS's headers lets it in: the right consumer id and
    /// signature, at a timestamp (Unix seconds) close to `now`.
    pub fn admits_signed(
        &self,
        cons_id: &str,
        timestamp: &str,
        signature: &str,
        now: DateTime<Utc>,
    ) -> Option<Caller> {
        let credentials = self.signing.as_ref()?;
        let at = timestamp.parse::<i64>().ok()?;
        let fresh = (now.timestamp() - at).abs() <= SIGNATURE_SKEW.num_seconds();
        (fresh && credentials.signed(cons_id, timestamp, signature)).then(|| Caller::Signed {
            timestamp: timestamp.to_owned(),
        })
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
            signing: None,
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

    #[test]
    fn signed_calls_get_in_with_the_bridge_credentials_near_their_time() {
        let credentials = Credentials {
            cons_id: "12345".into(),
            secret_key: "s3cr3t#Key".into(),
            user_key: "user-key".into(),
        };
        let mut access = WsAccess {
            username: "bpjs".into(),
            password: "kata-sandi-ws".into(),
            signing: Some(credentials.clone()),
        };
        let now = DateTime::from_timestamp(1_733_400_000, 0).unwrap();
        let signature = credentials.signature("1733400000");
        assert_eq!(
            access.admits_signed("12345", "1733400000", &signature, now),
            Some(Caller::Signed {
                timestamp: "1733400000".into()
            })
        );
        let later = now + SIGNATURE_SKEW + chrono::Duration::seconds(1);
        assert_eq!(
            access.admits_signed("12345", "1733400000", &signature, later),
            None,
            "a replay after the skew is refused"
        );
        assert_eq!(access.admits_signed("12345", "x", &signature, now), None);
        access.signing = None;
        assert_eq!(
            access.admits_signed("12345", "1733400000", &signature, now),
            None,
            "no signed calls without the bridge's credentials"
        );
    }
}
