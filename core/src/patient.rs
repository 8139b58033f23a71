//! What a patient may type when taking a ticket: an optional name and phone, and the app's
//! device id. Each is cleaned up the same way everywhere, or refused with a reason.

/// Longest accepted name, in characters; long enough for full Indonesian names with titles.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest accepted device id, in bytes.
pub const MAX_DEVICE_ID_LEN: usize = 128;

/// Which field of the patient's input was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatientInputError {
    #[error("name must not be empty; leave it out to take a ticket without a name")]
    EmptyName,
    #[error("name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("name must not contain control characters")]
    NameHasControlCharacters,
    #[error("phone {0:?} is not a phone number; write it as 0812… or +62812…")]
    InvalidPhone(String),
    #[error(
        "device_id must be 1 to {MAX_DEVICE_ID_LEN} characters of letters, digits, '-', '_', '.' or ':'"
    )]
    InvalidDeviceId,
}

impl PatientInputError {
    /// The request field this error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PatientInputError::EmptyName
            | PatientInputError::NameTooLong
            | PatientInputError::NameHasControlCharacters => "name",
            PatientInputError::InvalidPhone(_) => "phone",
            PatientInputError::InvalidDeviceId => "device_id",
        }
    }
}

/// Characters that reorder the text around them (bidirectional embeddings, overrides and
/// isolates): in a name they could make a staff screen show something other than what was typed.
fn reorders_text(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims and collapses inner runs of whitespace; refuses empty, overlong or control characters.
/// Names in any script, right-to-left ones included, are kept as typed.
pub fn normalize_name(raw: &str) -> Result<String, PatientInputError> {
    if raw
        .chars()
        .any(|c| (c.is_control() && !c.is_whitespace()) || reorders_text(c))
    {
        return Err(PatientInputError::NameHasControlCharacters);
    }
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(PatientInputError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(PatientInputError::NameTooLong);
    }
    Ok(name)
}

/// Brings a phone number to E.164 (`+628123456789`) so one patient is recognised however they
/// typed it: `0812-3456-789`, `62 812 3456 789` and `+62 (812) 3456789` are the same person.
/// Numbers without a country code are taken as Indonesian.
pub fn normalize_phone(raw: &str) -> Result<String, PatientInputError> {
    let invalid = || PatientInputError::InvalidPhone(raw.chars().take(40).collect());
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let (international, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let e164_digits = if international || digits.starts_with("62") {
        digits.to_owned()
    } else if let Some(national) = digits.strip_prefix('0') {
        format!("62{national}")
    } else {
        return Err(invalid());
    };
    // E.164 allows at most 15 digits; the shortest Indonesian numbers have 9 with the code.
    if !(9..=15).contains(&e164_digits.len()) || e164_digits.starts_with('0') {
        return Err(invalid());
    }
    Ok(format!("+{e164_digits}"))
}

/// Device ids come from our own apps (a UUID, an Android id); anything else is refused rather
/// than stored.
pub fn validate_device_id(raw: &str) -> Result<String, PatientInputError> {
    let ok = !raw.is_empty()
        && raw.len() <= MAX_DEVICE_ID_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(PatientInputError::InvalidDeviceId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_stay_but_text_reordering_controls_do_not() {
        assert_eq!(normalize_name("مريم الحسن").unwrap(), "مريم الحسن");
        assert_eq!(normalize_name("Ni Made  Ayu").unwrap(), "Ni Made Ayu");
        assert_eq!(
            normalize_name("O'Brien'); DROP TABLE tickets;--").unwrap(),
            "O'Brien'); DROP TABLE tickets;--"
        );
        for spoof in [
            "Siti\u{202E}nimda",
            "\u{2066}Budi\u{2069}",
            "A\u{0000}B",
            "\u{1b}[31mX",
        ] {
            assert_eq!(
                normalize_name(spoof),
                Err(PatientInputError::NameHasControlCharacters),
                "{spoof:?}"
            );
        }
    }
    use proptest::prelude::*;

    #[test]
    fn indonesian_phone_spellings_become_one_number() {
        for raw in [
            "081234567890",
            "0812-3456-7890",
            "62 812 3456 7890",
            "+62 (812) 3456.7890",
            "+6281234567890",
        ] {
            assert_eq!(normalize_phone(raw).unwrap(), "+6281234567890", "{raw:?}");
        }
        assert_eq!(normalize_phone("+65 6123 4567").unwrap(), "+6561234567");
    }

    #[test]
    fn things_that_are_not_phone_numbers_are_refused() {
        for raw in [
            "",
            "+",
            "0",
            "12345678",
            "0812abc",
            "++62812",
            "08123",
            "+0812345678",
            "0812345678901234567",
        ] {
            let err = normalize_phone(raw).unwrap_err();
            assert_eq!(err.field(), "phone", "{raw:?}");
        }
    }

    #[test]
    fn names_are_tidied_or_refused() {
        assert_eq!(normalize_name("  Siti   Rahayu ").unwrap(), "Siti Rahayu");
        assert_eq!(
            normalize_name("Ni Luh Putu Ayu").unwrap(),
            "Ni Luh Putu Ayu"
        );
        assert_eq!(normalize_name("   "), Err(PatientInputError::EmptyName));
        assert_eq!(normalize_name(""), Err(PatientInputError::EmptyName));
        assert_eq!(
            normalize_name(&"a".repeat(10_000)),
            Err(PatientInputError::NameTooLong)
        );
        assert_eq!(
            normalize_name("Budi\u{0}"),
            Err(PatientInputError::NameHasControlCharacters)
        );
        // Exactly the limit, in characters not bytes.
        assert!(normalize_name(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(normalize_name(&"é".repeat(MAX_NAME_CHARS + 1)).is_err());
    }

    #[test]
    fn device_ids_are_plain_tokens() {
        assert!(validate_device_id("3f2b6c1e-9a7d-4b1e-8f00-1234567890ab").is_ok());
        for bad in ["", "a b", "x;drop", &"a".repeat(129)] {
            assert!(validate_device_id(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn a_normalized_phone_is_a_fixed_point(raw in "[+]?[0-9 ()-.]{0,20}") {
            if let Ok(phone) = normalize_phone(&raw) {
                prop_assert!(phone.starts_with('+'));
                prop_assert_eq!(normalize_phone(&phone), Ok(phone.clone()));
            }
        }

        #[test]
        fn a_normalized_name_is_a_fixed_point(raw in "\\PC{0,120}") {
            if let Ok(name) = normalize_name(&raw) {
                prop_assert_eq!(normalize_name(&name), Ok(name.clone()));
                prop_assert!(name.chars().count() <= MAX_NAME_CHARS);
            }
        }
    }
}
