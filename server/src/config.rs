//! Configuration: flags, each with an environment variable, validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use giliran_core::BusinessCalendar;
use giliran_core::call_order::CallPolicy;

use crate::api::HttpConfig;
use crate::bpjs::{BridgeConfig, Credentials, WsAccess};
use crate::db::{DatabaseUrl, PoolConfig};
use crate::limits::LimitConfig;
use crate::net::TrustedProxies;

/// Giliran queue server.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
pub struct Args {
    /// Database: a SQLite file path (created when missing) or a postgres:// URL.
    #[arg(long, env = "DATABASE_URL", default_value = "giliran.db")]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "GILIRAN_LISTEN", default_value = "0.0.0.0:8080")]
    pub listen: String,

    /// IANA time zone of the business day: Asia/Jakarta (WIB), Asia/Makassar (WITA),
    /// Asia/Jayapura (WIT).
    #[arg(long, env = "GILIRAN_TZ", default_value = giliran_core::business_day::DEFAULT_TIME_ZONE)]
    pub tz: String,

    /// Password for the `admin` user created on first start; a random one is generated and
    /// logged once when unset.
    #[arg(long, env = "GILIRAN_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Minutes a regular ticket may wait behind priority tickets before it ranks with them.
    #[arg(long, env = "GILIRAN_PRIORITY_MAX_WAIT_MINUTES", default_value_t = 30)]
    pub priority_max_wait_minutes: u32,

    /// Most database connections this server opens.
    #[arg(long, env = "GILIRAN_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Most event-stream (WebSocket) connections this server holds open.
    #[arg(long, env = "GILIRAN_MAX_STREAMS", default_value_t = 20_000)]
    pub max_streams: usize,

    /// Events a stream subscriber may fall behind before it is disconnected (to resume).
    #[arg(long, env = "GILIRAN_STREAM_BUFFER", default_value_t = crate::stream::DEFAULT_BUFFER)]
    pub stream_buffer: usize,

    /// Reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDR
    /// networks (`127.0.0.1, 10.0.0.0/8`). Without it the header is ignored.
    #[arg(long, env = "GILIRAN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,

    /// Seconds a request may take before it is abandoned with `503 timeout`.
    #[arg(long, env = "GILIRAN_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Tickets one client address may take per minute.
    #[arg(long, env = "GILIRAN_TICKETS_PER_IP_PER_MINUTE", default_value_t = LimitConfig::default().tickets_per_ip_per_minute)]
    pub tickets_per_ip_per_minute: u32,

    /// Tickets one device id may take per minute.
    #[arg(long, env = "GILIRAN_TICKETS_PER_DEVICE_PER_MINUTE", default_value_t = LimitConfig::default().tickets_per_device_per_minute)]
    pub tickets_per_device_per_minute: u32,

    /// Status lookups by phone number one client address may make per minute.
    #[arg(long, env = "GILIRAN_LOOKUPS_PER_IP_PER_MINUTE", default_value_t = LimitConfig::default().lookups_per_ip_per_minute)]
    pub lookups_per_ip_per_minute: u32,

    /// Failed logins an account may have before it waits (1 s, doubling up to 15 min); an
    /// address gets four times as many.
    #[arg(long, env = "GILIRAN_LOGIN_FAILURES_BEFORE_LOCKOUT", default_value_t = LimitConfig::default().login_failures_before_lockout)]
    pub login_failures_before_lockout: u32,

    /// Event streams one client address may hold open.
    #[arg(long, env = "GILIRAN_STREAMS_PER_IP", default_value_t = LimitConfig::default().streams_per_ip)]
    pub streams_per_ip: usize,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key). Without it the server
    /// speaks plain HTTP, for a reverse proxy in front or a closed clinic network.
    #[arg(long, env = "GILIRAN_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long, env = "GILIRAN_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// BPJS antrean service to report visits to (Mobile JKN), such as
    /// https://apijkn.bpjs-kesehatan.go.id/antreanrs. Unset: the bridge is off.
    #[arg(long, env = "GILIRAN_BPJS_URL")]
    pub bpjs_url: Option<String>,

    /// The hospital's BPJS consumer id (X-cons-id).
    #[arg(long, env = "GILIRAN_BPJS_CONS_ID", requires = "bpjs_url")]
    pub bpjs_cons_id: Option<String>,

    /// The hospital's BPJS secret key, which signs requests and decrypts answers.
    #[arg(
        long,
        env = "GILIRAN_BPJS_SECRET_KEY",
        hide_env_values = true,
        requires = "bpjs_url"
    )]
    pub bpjs_secret_key: Option<String>,

    /// The hospital's BPJS user key for the antrean service (user_key).
    #[arg(
        long,
        env = "GILIRAN_BPJS_USER_KEY",
        hide_env_values = true,
        requires = "bpjs_url"
    )]
    pub bpjs_user_key: Option<String>,

    /// Seconds to wait for one answer from BPJS before trying again later.
    #[arg(long, env = "GILIRAN_BPJS_TIMEOUT_SECS", default_value_t = 20)]
    pub bpjs_timeout_secs: u64,

    /// Username BPJS calls this hospital's antrean web service with (Mobile JKN). With
    /// --bpjs-ws-password; unset: the web service is off.
    #[arg(long, env = "GILIRAN_BPJS_WS_USERNAME", requires = "bpjs_ws_password")]
    pub bpjs_ws_username: Option<String>,

    /// Password BPJS calls this hospital's antrean web service with.
    #[arg(
        long,
        env = "GILIRAN_BPJS_WS_PASSWORD",
        hide_env_values = true,
        requires = "bpjs_ws_username"
    )]
    pub bpjs_ws_password: Option<String>,

    /// Log filter, such as `info` or `giliran_server=debug`.
    #[arg(long, env = "RUST_LOG", default_value = "info")]
    pub log: String,

    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, env = "GILIRAN_LOG_JSON")]
    pub log_json: bool,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub pool: PoolConfig,
    pub listen: SocketAddr,
    pub calendar: BusinessCalendar,
    pub admin_password: Option<String>,
    pub policy: CallPolicy,
    /// How often to look for a business day that has ended.
    pub rollover_check: Duration,
    pub max_streams: usize,
    pub stream_buffer: usize,
    pub http: HttpConfig,
    pub limits: LimitConfig,
    /// Certificate chain and key files, when this server terminates TLS itself.
    pub tls: Option<TlsFiles>,
    /// The BPJS antrean bridge, when configured.
    pub bpjs: Option<BridgeConfig>,
    /// Who may call the hospital's antrean web service, when it offers one.
    pub bpjs_ws: Option<WsAccess>,
}

/// PEM files for HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Args {
    /// Checks every setting and says what to change when one is wrong.
    pub fn validate(&self) -> Result<Config, String> {
        let listen = self.listen.parse().map_err(|_| {
            format!(
                "GILIRAN_LISTEN / --listen {:?} is not an address: use host:port such as 0.0.0.0:8080",
                self.listen
            )
        })?;
        let calendar =
            BusinessCalendar::parse(&self.tz).map_err(|e| format!("GILIRAN_TZ / --tz: {e}"))?;
        if let Some(password) = &self.admin_password {
            crate::tokens::check_password_strength(password)
                .map_err(|e| format!("GILIRAN_ADMIN_PASSWORD: {e}"))?;
        }
        if !(1..=24 * 60).contains(&self.priority_max_wait_minutes) {
            return Err("--priority-max-wait-minutes must be between 1 and 1440".into());
        }
        if !(1..=1000).contains(&self.db_max_connections) {
            return Err("--db-max-connections must be between 1 and 1000".into());
        }
        let trusted_proxies = TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| format!("GILIRAN_TRUSTED_PROXIES / --trusted-proxies: {e}"))?;
        if !(1..=3600).contains(&self.request_timeout_secs) {
            return Err("--request-timeout-secs must be between 1 and 3600".into());
        }
        let positive = [
            (
                "--tickets-per-ip-per-minute",
                self.tickets_per_ip_per_minute,
            ),
            (
                "--tickets-per-device-per-minute",
                self.tickets_per_device_per_minute,
            ),
            (
                "--lookups-per-ip-per-minute",
                self.lookups_per_ip_per_minute,
            ),
            (
                "--login-failures-before-lockout",
                self.login_failures_before_lockout,
            ),
        ];
        if let Some((flag, _)) = positive.iter().find(|(_, n)| *n == 0) {
            return Err(format!("{flag} must be at least 1"));
        }
        let bpjs = self.bridge()?;
        let bpjs_ws = self.web_service()?;
        Ok(Config {
            bpjs,
            bpjs_ws,
            database: DatabaseUrl::parse(&self.database_url),
            pool: PoolConfig {
                max_connections: self.db_max_connections,
                ..PoolConfig::default()
            },
            listen,
            calendar,
            admin_password: self.admin_password.clone(),
            policy: CallPolicy {
                priority_max_wait: chrono::Duration::minutes(i64::from(
                    self.priority_max_wait_minutes,
                )),
            },
            rollover_check: Duration::from_secs(30),
            max_streams: self.max_streams.max(1),
            stream_buffer: self.stream_buffer.clamp(1, 1 << 20),
            http: HttpConfig {
                trusted_proxies,
                request_timeout: Duration::from_secs(self.request_timeout_secs),
                tls: self.tls_cert.is_some(),
            },
            limits: LimitConfig {
                tickets_per_ip_per_minute: self.tickets_per_ip_per_minute,
                tickets_per_device_per_minute: self.tickets_per_device_per_minute,
                lookups_per_ip_per_minute: self.lookups_per_ip_per_minute,
                login_failures_before_lockout: self.login_failures_before_lockout,
                streams_per_ip: self.streams_per_ip.max(1),
            },
            tls: self
                .tls_cert
                .clone()
                .zip(self.tls_key.clone())
                .map(|(cert, key)| TlsFiles { cert, key }),
        })
    }
}

impl Args {
    fn web_service(&self) -> Result<Option<WsAccess>, String> {
        let (Some(username), Some(password)) = (&self.bpjs_ws_username, &self.bpjs_ws_password)
        else {
            return Ok(None);
        };
        if username.trim().is_empty() {
            return Err("GILIRAN_BPJS_WS_USERNAME must not be empty".into());
        }
        crate::tokens::check_password_strength(password)
            .map_err(|e| format!("GILIRAN_BPJS_WS_PASSWORD: {e}"))?;
        Ok(Some(WsAccess {
            username: username.trim().to_owned(),
            password: password.clone(),
            signing: self.bridge()?.map(|bridge| bridge.credentials),
        }))
    }

    fn bridge(&self) -> Result<Option<BridgeConfig>, String> {
        let Some(url) = &self.bpjs_url else {
            return Ok(None);
        };
        let parsed = url::Url::parse(url)
            .map_err(|e| format!("GILIRAN_BPJS_URL / --bpjs-url {url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(format!(
                "GILIRAN_BPJS_URL / --bpjs-url {url:?}: use an https:// address"
            ));
        }
        let required = |value: &Option<String>, name: &str| {
            value
                .clone()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("the BPJS bridge needs {name} as well as GILIRAN_BPJS_URL"))
        };
        let credentials = Credentials {
            cons_id: required(&self.bpjs_cons_id, "GILIRAN_BPJS_CONS_ID")?,
            secret_key: required(&self.bpjs_secret_key, "GILIRAN_BPJS_SECRET_KEY")?,
            user_key: required(&self.bpjs_user_key, "GILIRAN_BPJS_USER_KEY")?,
        };
        if !(1..=300).contains(&self.bpjs_timeout_secs) {
            return Err("--bpjs-timeout-secs must be between 1 and 300".into());
        }
        Ok(Some(BridgeConfig {
            base_url: url.clone(),
            credentials,
            timeout: Duration::from_secs(self.bpjs_timeout_secs),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec!["giliran-server"];
        argv.extend_from_slice(extra);
        Args::parse_from(argv)
    }

    #[test]
    fn defaults_run_a_clinic_on_sqlite_in_jakarta() {
        let config = args(&[]).validate().unwrap();
        assert_eq!(
            config.database,
            DatabaseUrl::Sqlite("sqlite://giliran.db".into())
        );
        assert_eq!(config.listen.to_string(), "0.0.0.0:8080");
        assert_eq!(config.calendar, BusinessCalendar::default());
    }

    #[test]
    fn bad_settings_say_what_to_change() {
        let err = args(&["--tz", "Jakarta"]).validate().unwrap_err();
        assert!(
            err.contains("GILIRAN_TZ") && err.contains("Asia/Jakarta"),
            "{err}"
        );
        let err = args(&["--listen", "8080"]).validate().unwrap_err();
        assert!(err.contains("host:port"), "{err}");
        let err = args(&["--admin-password", "short"]).validate().unwrap_err();
        assert!(err.contains("GILIRAN_ADMIN_PASSWORD"), "{err}");
    }

    #[test]
    fn the_bpjs_bridge_is_off_unless_fully_configured() {
        assert!(args(&[]).validate().unwrap().bpjs.is_none());
        let url = "https://apijkn.example/antreanrs";
        let err = args(&["--bpjs-url", url, "--bpjs-cons-id", "1"])
            .validate()
            .unwrap_err();
        assert!(err.contains("GILIRAN_BPJS_SECRET_KEY"), "{err}");
        let full = [
            "--bpjs-url",
            url,
            "--bpjs-cons-id",
            "1",
            "--bpjs-secret-key",
            "s",
            "--bpjs-user-key",
            "u",
        ];
        let bridge = args(&full).validate().unwrap().bpjs.unwrap();
        assert_eq!(bridge.base_url, url);
        assert!(
            !format!("{bridge:?}").contains("\"s\""),
            "secrets stay out of logs"
        );
    }
}
