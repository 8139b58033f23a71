//! Ticket numbers: a service code, a dash and the day's sequence, zero-padded to three digits.

use serde::{Deserialize, Serialize};

/// Longest service code; codes are read aloud letter by letter, so they stay short.
pub const MAX_CODE_LEN: usize = 3;

/// A service's ticket prefix: one to three capital letters (`A`, `B`, `UGD`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);

/// Why a service code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a service code is 1 to {MAX_CODE_LEN} capital letters A–Z, such as \"A\" or \"UGD\"")]
pub struct InvalidServiceCode;

impl ServiceCode {
    /// Accepts `a`, ` A ` as `A`: staff type codes by hand.
    pub fn parse(raw: &str) -> Result<ServiceCode, InvalidServiceCode> {
        let code = raw.trim().to_ascii_uppercase();
        let valid = !code.is_empty()
            && code.len() <= MAX_CODE_LEN
            && code.bytes().all(|b| b.is_ascii_uppercase());
        if valid {
            Ok(ServiceCode(code))
        } else {
            Err(InvalidServiceCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ServiceCode {
    type Error = InvalidServiceCode;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        ServiceCode::parse(&raw)
    }
}

impl From<ServiceCode> for String {
    fn from(code: ServiceCode) -> String {
        code.0
    }
}

impl std::fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `A-001`, `A-999`, `A-1000`: at least three digits, never truncated.
pub fn format_ticket_number(code: &str, sequence: u32) -> String {
    format!("{code}-{sequence:03}")
}

/// Splits a ticket number back into its code and sequence.
pub fn parse_ticket_number(number: &str) -> Option<(ServiceCode, u32)> {
    let (code, digits) = number.split_once('-')?;
    if digits.len() < 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sequence: u32 = digits.parse().ok()?;
    // Only the canonical spelling: `A-0001` is not a number we ever issue.
    if digits.len() > 3 && digits.starts_with('0') {
        return None;
    }
    let parsed = ServiceCode::parse(code)
        .ok()
        .filter(|c| c.as_str() == code)?;
    Some((parsed, sequence))
}

/// A ticket number as an admin types it to find a ticket in the history.
///
/// Three spellings, trimmed and in any case: the number as printed (`A-012`), the same without
/// the padding or the dash (`a-12`, `A12`), which all mean `A-012` of that service; or the digits
/// alone (`12`, `012`), which mean number 12 of every service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberSearch {
    /// The number as printed on the ticket, such as `A-012`.
    Exact(String),
    /// The day's sequence in any service.
    Sequence(u32),
}

/// What the history search cannot read as a ticket number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a ticket number looks like A-012 (also a-12 or A12), or just 12 for number 12 of every \
     service"
)]
pub struct InvalidNumberSearch;

impl NumberSearch {
    pub fn parse(raw: &str) -> Result<NumberSearch, InvalidNumberSearch> {
        let raw = raw.trim();
        let digits_at = raw
            .find(|c: char| c.is_ascii_digit())
            .ok_or(InvalidNumberSearch)?;
        let (prefix, digits) = raw.split_at(digits_at);
        // Nine digits always fit a u32; no day has that many tickets anyway.
        if digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidNumberSearch);
        }
        let sequence: u32 = digits.parse().map_err(|_| InvalidNumberSearch)?;
        if prefix.is_empty() {
            return Ok(NumberSearch::Sequence(sequence));
        }
        let code = prefix.strip_suffix('-').unwrap_or(prefix);
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(InvalidNumberSearch);
        }
        let code = ServiceCode::parse(code).map_err(|_| InvalidNumberSearch)?;
        Ok(NumberSearch::Exact(format_ticket_number(
            code.as_str(),
            sequence,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_are_padded_to_three_digits_and_grow_past_them() {
        assert_eq!(format_ticket_number("A", 1), "A-001");
        assert_eq!(format_ticket_number("A", 42), "A-042");
        assert_eq!(format_ticket_number("A", 999), "A-999");
        assert_eq!(format_ticket_number("A", 1000), "A-1000");
        assert_eq!(format_ticket_number("UGD", 12345), "UGD-12345");
    }

    #[test]
    fn service_codes_are_short_capital_letters() {
        assert_eq!(ServiceCode::parse(" b ").unwrap().as_str(), "B");
        assert_eq!(ServiceCode::parse("ugd").unwrap().as_str(), "UGD");
        for bad in ["", "  ", "ABCD", "A1", "A-", "É", "1"] {
            assert!(ServiceCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn non_canonical_numbers_do_not_parse() {
        for bad in [
            "A-01", "A-0001", "a-001", "A001", "A-00x", "-001", "ABCD-001",
        ] {
            assert_eq!(parse_ticket_number(bad), None, "{bad:?} parsed");
        }
    }

    #[test]
    fn admins_find_a_number_however_they_type_it() {
        let exact = |n: &str| NumberSearch::Exact(n.to_owned());
        for typed in ["A-012", " a-012 ", "a-12", "A12", "a012"] {
            assert_eq!(NumberSearch::parse(typed), Ok(exact("A-012")), "{typed:?}");
        }
        assert_eq!(NumberSearch::parse("ugd-1000"), Ok(exact("UGD-1000")));
        assert_eq!(NumberSearch::parse("12"), Ok(NumberSearch::Sequence(12)));
        assert_eq!(NumberSearch::parse(" 012 "), Ok(NumberSearch::Sequence(12)));
        for bad in [
            "",
            "  ",
            "A",
            "A-",
            "-12",
            "A--12",
            "A 12",
            "A-12x",
            "ABCD-1",
            "É-1",
            "1-2",
            "A-1234567890",
            "=1+1",
        ] {
            assert_eq!(
                NumberSearch::parse(bad),
                Err(InvalidNumberSearch),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn formatted_numbers_parse_back(code in "[A-Z]{1,3}", sequence in 1u32..10_000_000) {
            let number = format_ticket_number(&code, sequence);
            let (parsed_code, parsed_seq) = parse_ticket_number(&number).expect("parses");
            prop_assert_eq!(parsed_code.as_str(), code.as_str());
            prop_assert_eq!(parsed_seq, sequence);
        }

        #[test]
        fn numbers_of_one_service_sort_by_sequence_within_a_digit_width(
            code in "[A-Z]{1,3}", a in 1u32..1000, b in 1u32..1000,
        ) {
            // Displays list numbers as text; up to 999 the padding keeps text order = call order.
            let (na, nb) = (format_ticket_number(&code, a), format_ticket_number(&code, b));
            prop_assert_eq!(na.cmp(&nb), a.cmp(&b));
        }

        #[test]
        fn distinct_sequences_give_distinct_numbers(code in "[A-Z]{1,3}", a in 0u32..100_000, b in 0u32..100_000) {
            prop_assume!(a != b);
            prop_assert_ne!(format_ticket_number(&code, a), format_ticket_number(&code, b));
        }
    }
}
