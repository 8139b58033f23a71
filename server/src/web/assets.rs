//! The pages' stylesheet and scripts, built into the binary so the server needs nothing beside
//! it. Their URLs carry a hash of the content, so browsers may keep them for a year and still
//! fetch a new version the moment it changes.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::AppState;
use crate::error::AppError;

struct Asset {
    name: &'static str,
    body: &'static str,
    content_type: &'static str,
    url: String,
}

fn asset(name: &'static str, body: &'static str, content_type: &'static str) -> Asset {
    let hash = Sha256::digest(body.as_bytes());
    let version: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    Asset {
        name,
        body,
        content_type,
        url: format!("/static/{name}?v={version}"),
    }
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    const JS: &str = "text/javascript; charset=utf-8";
    vec![
        asset(
            "giliran.css",
            include_str!("../../static/giliran.css"),
            "text/css; charset=utf-8",
        ),
        asset("giliran.js", include_str!("../../static/giliran.js"), JS),
        asset("patient.js", include_str!("../../static/patient.js"), JS),
    ]
});

/// The versioned URL of an asset; `/static/missing` for a name that is not built in (a bug
/// the page tests catch as a failed load).
pub fn url(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.url.as_str())
        .unwrap_or("/static/missing")
}

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{name}", get(serve))
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

async fn serve(Path(name): Path<String>, Query(version): Query<Version>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return AppError::NoRoute.into_response();
    };
    let cache = if version.v.is_some() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}
