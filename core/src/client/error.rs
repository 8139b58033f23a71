//! The one error of the client layer: few variants, each something a caller can act on (show
//! the server's refusal, show "offline" and retry, report a bug, fix the settings).

use std::time::Duration;

use crate::wire::{ErrorBody, ErrorCode, Ticket};

/// Why a call to the server, or the event stream, failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server refused with the contract's error body (DESIGN §3). Branch on `code`, never
    /// on `message`.
    #[error("{message} (HTTP {status}, {code:?})")]
    Api {
        /// The HTTP status, such as 409.
        status: u16,
        /// What went wrong, for the caller to branch on.
        code: ErrorCode,
        /// For people; the server's wording may change between versions.
        message: String,
        /// The request field at fault, for forms to point at.
        field: Option<String>,
        /// With `active_ticket_exists`: the ticket the patient already holds. Boxed because a
        /// ticket is large and most errors carry none.
        existing_ticket: Option<Box<Ticket>>,
        /// With `rate_limited`: how long the server asks us to wait.
        retry_after: Option<Duration>,
    },
    /// The server could not be reached or did not answer in time: show "offline" and retry.
    #[error("the server cannot be reached: {0}")]
    Network(String),
    /// The server answered something this client cannot read: a proxy's error page, or a
    /// server of an incompatible version.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    /// The client was set up wrong, such as a server address that is not `http(s)://…`.
    #[error("the client is misconfigured: {0}")]
    Config(String),
}

impl ClientError {
    /// The contract's error code, when the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Reads a refusal: the contract's error body, or `Protocol` when the answer is not ours
    /// (a reverse proxy's HTML page, say).
    pub(crate) fn from_refusal(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(body) => ClientError::Api {
                status,
                code: body.error.code,
                message: body.error.message,
                field: body.error.field,
                existing_ticket: body.ticket.map(Box::new),
                retry_after,
            },
            Err(_) => ClientError::Protocol(format!(
                "HTTP {status} without an error body: {}",
                snippet(body)
            )),
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(err: reqwest::Error) -> Self {
        if err.is_decode() {
            ClientError::Protocol(chain(&err))
        } else if err.is_builder() {
            ClientError::Config(chain(&err))
        } else {
            // Connect, timeout, reset, a body cut short: all "the network let us down".
            ClientError::Network(chain(&err))
        }
    }
}

/// An error with its causes, since the outermost message alone ("error sending request") does
/// not tell anyone what went wrong.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The start of an unreadable body, enough to recognise it in a log.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_body_becomes_an_api_error_with_its_code() {
        let body = br#"{"error":{"code":"invalid_field","message":"Nomor HP tidak valid","field":"phone"}}"#;
        let err = ClientError::from_refusal(422, None, body);
        assert_eq!(err.code(), Some(ErrorCode::InvalidField));
        let ClientError::Api { field, status, .. } = err else {
            panic!("an api error")
        };
        assert_eq!((status, field.as_deref()), (422, Some("phone")));
    }

    #[test]
    fn a_proxy_error_page_is_a_protocol_error_not_a_guess() {
        let err = ClientError::from_refusal(502, None, b"<html>Bad Gateway</html>");
        assert!(matches!(err, ClientError::Protocol(ref m) if m.contains("502")));
    }
}
