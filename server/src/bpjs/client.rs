//! Calls to BPJS's antrean service: signed requests, and answers read from its `metadata`
//! code, with the `response` decrypted.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::crypto::Credentials;

/// BPJS's antrean service for one hospital.
#[derive(Clone, Debug)]
pub struct BpjsClient {
    http: reqwest::Client,
    /// Such as `https://apijkn.bpjs-kesehatan.go.id/antreanrs`, without the trailing slash.
    base: String,
    credentials: Credentials,
}

/// What BPJS answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `metadata.code` 200, with the decrypted `response` when there was one.
    Done(Option<Value>),
    /// 208: it already holds this (a booking code added before, a task id already reported).
    AlreadyThere(String),
    /// Any other code: BPJS looked at the request and refused it; sending it again as it is
    /// would be refused again.
    Refused { code: i64, message: String },
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The request never reached BPJS (no connection): sending it again is safe.
    #[error("BPJS unreachable: {0}")]
    Unreachable(String),
    /// It may have reached BPJS and been done there, but no answer said so (a timeout, a
    /// gateway error, a cut connection): check before sending it again.
    #[error("no answer from BPJS: {0}")]
    NoAnswer(String),
    /// BPJS refused our credentials or signature: every request will fail until an admin
    /// fixes the configuration (or the server's clock).
    #[error("BPJS refused the credentials: {0}")]
    Credentials(String),
}

#[derive(Deserialize)]
struct Envelope {
    // BPJS spells it `metadata` on antrean and `metaData` on its other services.
    #[serde(alias = "metaData")]
    metadata: Metadata,
    #[serde(default)]
    response: Option<Value>,
}

#[derive(Deserialize)]
struct Metadata {
    code: Code,
    #[serde(default)]
    message: String,
}

/// BPJS sends the code as a number or as a string, depending on the endpoint.
#[derive(Deserialize)]
#[serde(untagged)]
enum Code {
    Number(i64),
    Text(String),
}

impl Code {
    fn value(&self) -> i64 {
        match self {
            Code::Number(n) => *n,
            Code::Text(s) => s.trim().parse().unwrap_or(0),
        }
    }
}

/// A task as BPJS holds it (`antrean/getlisttask`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct HeldTask {
    pub taskid: u16,
    #[serde(default)]
    pub taskname: String,
    /// The reported time, as BPJS shows it (`DD-MM-YYYY HH:MM:SS WIB`).
    #[serde(default)]
    pub waktu: String,
    /// When BPJS received it.
    #[serde(default)]
    pub wakturs: String,
}

impl BpjsClient {
    pub fn new(base: &str, credentials: Credentials, timeout: Duration) -> BpjsClient {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("giliran/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a client with rustls and no proxy settings builds");
        BpjsClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            credentials,
        }
    }

    /// Sends one report of the outbox: `antrean/add` (rank 0) or `antrean/updatewaktu`.
    pub async fn report(&self, rank: i64, body: &Value) -> Result<Answer, CallError> {
        let path = if rank == 0 {
            "antrean/add"
        } else {
            "antrean/updatewaktu"
        };
        self.post(path, body).await
    }

    /// `antrean/getlisttask`: the tasks BPJS holds for a visit, or `None` when it does not know
    /// the booking code.
    pub async fn held_tasks(&self, booking_code: &str) -> Result<Option<Vec<HeldTask>>, CallError> {
        let body = json!({"kodebooking": booking_code});
        match self.post("antrean/getlisttask", &body).await? {
            Answer::Done(Some(list)) => serde_json::from_value(list)
                .map(Some)
                .map_err(|e| CallError::NoAnswer(format!("an unreadable task list: {e}"))),
            Answer::Done(None) => Ok(Some(Vec::new())),
            Answer::AlreadyThere(_) | Answer::Refused { .. } => Ok(None),
        }
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Answer, CallError> {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let sent = self
            .http
            .post(format!("{}/{path}", self.base))
            .header("X-cons-id", &self.credentials.cons_id)
            .header("X-timestamp", &timestamp)
            .header("X-signature", self.credentials.signature(&timestamp))
            .header("user_key", &self.credentials.user_key)
            .json(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) if err.is_connect() => return Err(CallError::Unreachable(err.to_string())),
            Err(err) => return Err(CallError::NoAnswer(err.to_string())),
        };
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| CallError::NoAnswer(e.to_string()))?;
        let envelope: Envelope = match serde_json::from_str(&text) {
            Ok(envelope) => envelope,
            Err(_) if status.as_u16() == 401 || status.as_u16() == 403 => {
                return Err(CallError::Credentials(format!("HTTP {status}")));
            }
            // "Unavailable" and "too many requests" say the request was not taken up.
            Err(_) if status.as_u16() == 503 || status.as_u16() == 429 => {
                return Err(CallError::Unreachable(format!("HTTP {status}")));
            }
            Err(_) => {
                return Err(CallError::NoAnswer(format!(
                    "HTTP {status} without BPJS's answer: {}",
                    snippet(&text)
                )));
            }
        };
        let code = envelope.metadata.code.value();
        let message = envelope.metadata.message;
        match code {
            200 => {
                let response = match envelope.response {
                    Some(Value::String(sealed)) if !sealed.is_empty() => {
                        let json = self
                            .credentials
                            .decrypt(&timestamp, &sealed)
                            .map_err(|e| CallError::NoAnswer(e.to_string()))?;
                        Some(serde_json::from_str(&json).map_err(|e| {
                            CallError::NoAnswer(format!("the decrypted response is not JSON: {e}"))
                        })?)
                    }
                    Some(Value::Null) | None => None,
                    Some(other) => Some(other),
                };
                Ok(Answer::Done(response))
            }
            208 => Ok(Answer::AlreadyThere(message)),
            401 | 403 => Err(CallError::Credentials(format!("{code} {message}"))),
            _ => Ok(Answer::Refused { code, message }),
        }
    }
}

/// The start of an unexpected body, for an error message.
fn snippet(text: &str) -> String {
    text.chars().take(120).collect()
}
