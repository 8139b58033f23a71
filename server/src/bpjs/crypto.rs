//! BPJS's request signature and response encryption, as its antrean documentation gives them.
//!
//! A request is signed with HMAC-SHA256 over `cons_id & timestamp`, keyed with the hospital's
//! secret. A response's `response` field is the JSON compressed with LZString (its
//! "encoded URI component" form), then AES-256-CBC encrypted with the SHA-256 of
//! `cons_id + secret + timestamp` as key and its first 16 bytes as IV, then base64. The
//! hospital's own web service answers signed calls the same way.

use aes::Aes256;
use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What the hospital got from BPJS to call its antrean service. Never in the repository: the
/// server reads them from its environment.
#[derive(Clone)]
pub struct Credentials {
    pub cons_id: String,
    pub secret_key: String,
    pub user_key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("cons_id", &self.cons_id)
            .finish_non_exhaustive()
    }
}

/// Why an encrypted response could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the response is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("the response does not decrypt with our key (wrong secret, or wrong timestamp)")]
    Decrypt,
    #[error("the decrypted response is not LZString-compressed text")]
    Decompress,
}

impl Credentials {
    /// `X-signature` for a request sent at `timestamp` (Unix seconds, as sent in `X-timestamp`).
    pub fn signature(&self, timestamp: &str) -> String {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret_key.as_bytes())
            .expect("HMAC accepts any key length");
        mac.update(self.cons_id.as_bytes());
        mac.update(b"&");
        mac.update(timestamp.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }

    /// The JSON text of a response to a request sent at `timestamp`.
    pub fn decrypt(&self, timestamp: &str, encrypted: &str) -> Result<String, CryptoError> {
        let (key, iv) = self.key_and_iv(timestamp);
        let mut data = STANDARD.decode(encrypted.trim())?;
        let plain = cbc::Decryptor::<Aes256>::new(&key.into(), &iv.into())
            .decrypt_padded_mut::<Pkcs7>(&mut data)
            .map_err(|_| CryptoError::Decrypt)?;
        let compressed = std::str::from_utf8(plain).map_err(|_| CryptoError::Decompress)?;
        let text = lz_str::decompress_from_encoded_uri_component(compressed)
            .ok_or(CryptoError::Decompress)?;
        String::from_utf16(&text).map_err(|_| CryptoError::Decompress)
    }

    fn key_and_iv(&self, timestamp: &str) -> ([u8; 32], [u8; 16]) {
        let digest = Sha256::new()
            .chain_update(self.cons_id.as_bytes())
            .chain_update(self.secret_key.as_bytes())
            .chain_update(timestamp.as_bytes())
            .finalize();
        let key: [u8; 32] = digest.into();
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&key[..16]);
        (key, iv)
    }

    /// Whether `signature` is this hospital's `X-signature` for `cons_id` at `timestamp`: how
    /// BPJS signs its calls to the hospital's web service, when the hospital asks it to.
    pub fn signed(&self, cons_id: &str, timestamp: &str, signature: &str) -> bool {
        use subtle::ConstantTimeEq;
        let right_id: bool = cons_id.as_bytes().ct_eq(self.cons_id.as_bytes()).into();
        let right_mac: bool = signature
            .as_bytes()
            .ct_eq(self.signature(timestamp).as_bytes())
            .into();
        right_id & right_mac
    }

    /// A `response` as BPJS's answers carry it, for a request signed at `timestamp`: the
    /// reverse of [`Credentials::decrypt`].
    pub fn encrypt(&self, timestamp: &str, json: &str) -> String {
        use aes::cipher::BlockEncryptMut;
        let (key, iv) = self.key_and_iv(timestamp);
        let compressed = lz_str::compress_to_encoded_uri_component(json);
        let data = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(compressed.as_bytes());
        STANDARD.encode(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            cons_id: "12345".into(),
            secret_key: "s3cr3t#Key".into(),
            user_key: "user-key".into(),
        }
    }

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // printf '12345&1733400000' | openssl dgst -sha256 -hmac 's3cr3t#Key' -binary | base64
        assert_eq!(
            credentials().signature("1733400000"),
            "g2FCB7ZVywwApFWd5HYucV7vVGRhl+K5a/FrD/blVh4="
        );
    }

    #[test]
    fn responses_decrypt_with_the_timestamp_of_their_request() {
        let json = r#"[{"taskid":3,"taskname":"akhir waktu layan admisi","waktu":"05-12-2026 08:00:00 WIB"}]"#;
        let sealed = credentials().encrypt("1733400000", json);
        assert_eq!(credentials().decrypt("1733400000", &sealed).unwrap(), json);
        assert!(credentials().decrypt("1733400001", &sealed).is_err());
        assert!(credentials().decrypt("1733400000", "not base64!").is_err());
    }

    #[test]
    fn a_signature_admits_its_consumer_at_its_timestamp_only() {
        let signature = "g2FCB7ZVywwApFWd5HYucV7vVGRhl+K5a/FrD/blVh4=";
        assert!(credentials().signed("12345", "1733400000", signature));
        assert!(!credentials().signed("12346", "1733400000", signature));
        assert!(!credentials().signed("12345", "1733400001", signature));
        assert!(!credentials().signed("12345", "1733400000", ""));
    }
}
