//! Sets a server up for a run the way an admin would, over the admin API: counters that call
//! from every service, a staff account logged in at each, and display devices.

use anyhow::{Context, bail};
use giliran_core::client::ApiClient;
use giliran_core::wire::{Counter, CreatedDisplayDevice, LoginResponse, Service};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

/// The staff password of every account a run creates.
const STAFF_PASSWORD: &str = "loket-beban-uji";

/// One counter and the logged-in staff client working at it.
#[derive(Clone, Debug)]
pub struct Desk {
    pub counter: Uuid,
    pub number: u32,
    pub staff: ApiClient,
}

/// A server made ready for a run.
pub struct Hospital {
    /// Where clients connect: the server, or its replicas (clients are spread over them), or
    /// relays in front of them.
    pub bases: Vec<String>,
    pub services: Vec<Service>,
    pub desks: Vec<Desk>,
    /// Tokens of the display devices registered for this run.
    pub display_tokens: Vec<String>,
}

impl Hospital {
    /// Uses the seeded services; adds counters until there are `counters`, each calling from
    /// every service (the preference rotated, so counters lean on different services); creates
    /// a staff account per counter and `displays` display devices.
    pub async fn prepare(
        base: &str,
        admin_password: &str,
        counters: usize,
        displays: usize,
    ) -> anyhow::Result<Hospital> {
        let admin = Admin::login(base, admin_password).await?;
        let services: Vec<Service> = admin.get("/api/v1/services").await?;
        if services.is_empty() {
            bail!("the server has no services");
        }
        let service_ids: Vec<Uuid> = services.iter().map(|s| s.id).collect();
        let existing: Vec<Counter> = admin.get("/api/v1/admin/counters").await?;
        let mut all = Vec::with_capacity(counters);
        for number in 1..=u32::try_from(counters).unwrap_or(u32::MAX) {
            let mut preference = service_ids.clone();
            preference.rotate_left(number as usize % service_ids.len());
            let counter: Counter = match existing.iter().find(|c| c.number == number) {
                Some(found) => {
                    admin
                        .send(
                            reqwest::Method::PATCH,
                            &format!("/api/v1/admin/counters/{}", found.id),
                            json!({"service_ids": preference}),
                        )
                        .await?
                }
                None => {
                    admin
                        .send(
                            reqwest::Method::POST,
                            "/api/v1/admin/counters",
                            json!({"number": number, "name": format!("Loket {number}"),
                                   "service_ids": preference}),
                        )
                        .await?
                }
            };
            all.push(counter);
        }
        let run = Uuid::new_v4().simple().to_string();
        let mut desks = Vec::with_capacity(all.len());
        for counter in all {
            let username = format!("loket{}-{}", counter.number, &run[..8]);
            let _: Value = admin
                .send(
                    reqwest::Method::POST,
                    "/api/v1/admin/users",
                    json!({"username": username, "password": STAFF_PASSWORD, "role": "staff",
                           "counters": [counter.id]}),
                )
                .await?;
            let staff = ApiClient::new(base).context("staff client")?;
            staff
                .login(&username, STAFF_PASSWORD)
                .await
                .with_context(|| format!("logging in {username}"))?;
            desks.push(Desk {
                counter: counter.id,
                number: counter.number,
                staff,
            });
        }
        let mut display_tokens = Vec::with_capacity(displays);
        for i in 0..displays {
            let created: CreatedDisplayDevice = admin
                .send(
                    reqwest::Method::POST,
                    "/api/v1/admin/displays",
                    json!({"name": format!("Layar uji {}", i + 1)}),
                )
                .await?;
            display_tokens.push(created.token);
        }
        Ok(Hospital {
            bases: vec![base.to_owned()],
            services,
            desks,
            display_tokens,
        })
    }

    /// Sends clients to `bases` instead, spread evenly: the replicas of one database, or relays.
    /// Staff keep their sessions, which live in the database.
    pub fn spread_over(&mut self, bases: &[String]) -> anyhow::Result<()> {
        if bases.is_empty() {
            bail!("no server to send clients to");
        }
        for (i, desk) in self.desks.iter_mut().enumerate() {
            let token = desk.staff.token().context("a logged-in desk")?;
            desk.staff = ApiClient::new(&bases[i % bases.len()])?.with_token(token);
        }
        self.bases = bases.to_vec();
        Ok(())
    }

    /// The address the `i`-th client of a kind uses.
    pub fn base_for(&self, i: usize) -> &str {
        &self.bases[i % self.bases.len()]
    }
}

/// The admin's side of the API, which the core's client does not cover.
pub struct Admin {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Admin {
    pub async fn login(base: &str, password: &str) -> anyhow::Result<Admin> {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": password}))
            .send()
            .await
            .context("logging in as admin")?;
        let login: LoginResponse = read(response).await.context("logging in as admin")?;
        Ok(Admin {
            http,
            base: base.to_owned(),
            token: login.token,
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        read(response).await.with_context(|| format!("GET {path}"))
    }

    pub async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<T> {
        let response = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        read(response)
            .await
            .with_context(|| format!("{method} {path}"))
    }
}

async fn read<T: DeserializeOwned>(response: reqwest::Response) -> anyhow::Result<T> {
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("{status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("reading {text}"))
}
