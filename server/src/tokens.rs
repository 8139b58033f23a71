//! Secrets handed to clients (session and tracking tokens) and passwords: made with the OS's
//! random generator, stored only as hashes, compared in constant time.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 random bits, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens carry 256 bits of entropy, so a fast hash is enough to keep a database leak from
/// handing them out; slow hashing is for passwords people choose.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `token` hashes to `stored`, in time independent of where they differ.
pub fn token_matches(token: &str, stored: &[u8]) -> bool {
    hash_token(token).ct_eq(stored).into()
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum (19 MiB, 2 passes): about 30 ms on a Raspberry Pi 4 core.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An argon2id PHC string for `password`.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A password for the first admin when none was configured: 20 characters from an alphabet
/// without look-alikes, about 113 bits.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// Shortest password we accept for an account.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Refuses passwords too short to resist guessing, or too long to hash cheaply.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.len() > 1024 {
        return Err("password must be at most 1024 bytes".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_verify_only_themselves() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let stored = hash_token(&a);
        assert!(token_matches(&a, &stored));
        assert!(!token_matches(&b, &stored));
        assert!(!token_matches("", &stored));
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("kata-sandi-rahasia").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("kata-sandi-rahasia", &hash));
        assert!(!verify_password("kata-sandi-salah", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn generated_passwords_are_strong_enough() {
        let p = generate_password();
        assert_eq!(p.chars().count(), 20);
        assert!(check_password_strength(&p).is_ok());
        assert!(check_password_strength("pendek").is_err());
    }
}
