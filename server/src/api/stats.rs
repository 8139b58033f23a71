//! `GET /api/v1/admin/stats`: the numbers of a business day behind the admin's dashboard.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use giliran_core::wire::{DayStats, ErrorBody};
use serde::{Deserialize, Deserializer};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::Admin;
use crate::error::AppResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(day_stats))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// The business day as `YYYY-MM-DD`; today's (in the hospital's time zone) when left out.
    /// Any day may be asked for: one without tickets answers with zeros.
    #[serde(default, deserialize_with = "calendar_day")]
    #[param(value_type = Option<String>, format = Date, example = "2026-11-23")]
    day: Option<NaiveDate>,
}

/// The numbers of one business day: per service, per counter, in total and per local hour.
/// Counts waiting and called tickets, and counters' current tickets, for today only. Reads the
/// day with five queries however many tickets it has.
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin",
    params(StatsQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = DayStats),
        (status = 400, description = "`invalid_parameter`: `day` is not a `YYYY-MM-DD` date",
            body = ErrorBody),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn day_stats(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> AppResult<Json<DayStats>> {
    let Query(query) = query?;
    let now = state.now();
    let day = query
        .day
        .unwrap_or_else(|| state.store.calendar.day_of(now));
    Ok(Json(state.store.day_stats(day, now).await?))
}

fn calendar_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let raw = String::deserialize(d)?;
    parse_day(&raw).map(Some).map_err(serde::de::Error::custom)
}

/// A date as RFC 3339 writes it, four-digit year and all. chrono alone would also take signed
/// and five-digit years, which PostgreSQL cannot store and would refuse with a 500.
fn parse_day(raw: &str) -> Result<NaiveDate, String> {
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            format!("day must be a date written YYYY-MM-DD, such as 2026-11-23; got {raw:?}")
        })
}

#[cfg(test)]
mod tests {
    use super::parse_day;

    #[test]
    fn days_are_four_digit_year_dates_and_nothing_else() {
        assert_eq!(parse_day("2026-11-23").unwrap().to_string(), "2026-11-23");
        assert_eq!(parse_day("0001-01-01").unwrap().to_string(), "0001-01-01");
        for bad in [
            "",
            "2026-11-31",
            "2026-02-29",
            "2026-1-23",
            "23-11-2026",
            "+2026-11-23",
            "-0001-01-01",
            "12026-11-23",
            "2026-11-23T00:00:00Z",
            " 2026-11-23",
            "2026/11/23",
            "２０２６-11-23",
        ] {
            assert!(parse_day(bad).is_err(), "{bad:?} was taken");
        }
    }
}
