//! The patient page at `/`: choose a service, take a ticket, then follow it live. The page's
//! script talks to the public ticket API exactly as the apps do and keeps the ticket's
//! tracking token in the browser, so a reload or a closed tab finds the ticket again.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giliran_core::visit::Station;
use giliran_core::wire::Service;

use super::i18n::{Language, ScriptTexts, Texts};
use super::{Chrome, Page};
use crate::api::AppState;
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(patient_page))
}

#[derive(Template)]
#[template(path = "patient.html")]
struct PatientPage {
    c: Chrome,
    t: &'static Texts,
    services: Vec<Service>,
    texts_json: String,
}

impl PatientPage {
    fn any_open(&self) -> bool {
        self.services.iter().any(|s| s.accepting)
    }

    fn has_registration(&self) -> bool {
        self.services
            .iter()
            .any(|s| s.station == Station::Registration && s.accepting)
    }

    /// What a patient registering may say they came for: any station but registration.
    fn destinations(&self) -> Vec<&Service> {
        self.services
            .iter()
            .filter(|s| s.station != Station::Registration)
            .collect()
    }
}

async fn patient_page(
    State(state): State<AppState>,
    lang: Language,
) -> Result<Page<PatientPage>, AppError> {
    let t = lang.texts();
    let services = state.store.services(state.now()).await?;
    Ok(Page(PatientPage {
        c: Chrome::new(&state, lang, t.take_title, "patient", "/", None).await?,
        t,
        services,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}
