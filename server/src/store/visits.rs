//! Visits: a patient's tickets at several stations under one booking code, seen whole.

use chrono::{DateTime, Utc};
use giliran_core::visit::{Station, normalize_booking_code, planned_route};
use giliran_core::wire::{StationRef, Visit, VisitStep};
use uuid::Uuid;

use super::{Standing, Store, TicketRow, ticket_select};
use crate::db::args;
use crate::error::{Entity, StoreError};
use crate::tokens::token_matches;

#[derive(sqlx::FromRow)]
struct StationRow {
    id: Uuid,
    code: String,
    name: String,
    #[sqlx(try_from = "String")]
    station: Station,
    next_service_id: Option<Uuid>,
}

impl StationRow {
    fn to_ref(&self) -> StationRef {
        StationRef {
            service_id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            station: self.station,
        }
    }
}

/// Who asks for a visit.
#[derive(Debug, Clone, Copy)]
pub enum VisitReader<'a> {
    /// Any staff member or admin: where is this patient now?
    Staff,
    /// The patient, with the tracking token their tickets share.
    Patient { tracking_token: &'a str },
}

const VISIT_TICKETS: &str = concat!(
    ticket_select!(),
    "WHERE t.booking_code = $1 ORDER BY t.issued_at, t.sequence"
);

impl Store {
    /// The visit with this booking code: every station so far, the ones planned ahead, and one
    /// wait estimate. A patient's wrong token looks the same as an unknown code.
    pub async fn visit(
        &self,
        code: &str,
        reader: VisitReader<'_>,
        now: DateTime<Utc>,
    ) -> Result<Visit, StoreError> {
        let code = normalize_booking_code(code).ok_or(StoreError::NotFound(Entity::Visit))?;
        let rows: Vec<TicketRow> = self
            .db
            .fetch_all(VISIT_TICKETS, args![code.clone()])
            .await?;
        let first = rows.first().ok_or(StoreError::NotFound(Entity::Visit))?;
        if let VisitReader::Patient { tracking_token } = reader
            && !token_matches(tracking_token, &first.tracking_token_hash)
        {
            return Err(StoreError::NotFound(Entity::Visit));
        }
        let (visit_id, business_day) = (first.visit_id, first.business_day);
        let stations: Vec<StationRow> = self
            .db
            .fetch_all(
                "SELECT id, code, name, station, next_service_id FROM services",
                args![],
            )
            .await?;
        let station = |id: Uuid| stations.iter().find(|s| s.id == id);
        let today = self.today(now);

        let planned = match rows.last() {
            Some(last) if last.status.as_of(last.business_day, today).is_active() => {
                // A registration ticket goes to the patient's poli, and on from there.
                let mut ahead = Vec::new();
                let from = match (station(last.service_id), last.destination_service_id) {
                    (Some(s), Some(poli)) if s.station == Station::Registration => {
                        ahead.push(poli);
                        poli
                    }
                    _ => last.service_id,
                };
                ahead.extend(planned_route(from, |s| {
                    station(s).and_then(|s| s.next_service_id)
                }));
                ahead
                    .into_iter()
                    .filter_map(|id| station(id).map(StationRow::to_ref))
                    .collect()
            }
            _ => Vec::new(),
        };

        let mut steps = Vec::with_capacity(rows.len());
        let mut eta_seconds = None;
        let mut finished = true;
        for row in rows {
            let Some(at) = station(row.service_id).map(StationRow::to_ref) else {
                return Err(StoreError::Internal(format!(
                    "ticket {} names a service that does not exist",
                    row.id
                )));
            };
            let active = row.status.as_of(row.business_day, today).is_active();
            let ticket = if active {
                finished = false;
                let ticket = self.with_standing(row, now, true).await?;
                eta_seconds = eta_seconds.or(ticket.eta_seconds);
                ticket
            } else {
                row.into_ticket(today, Standing::default(), true)
            };
            steps.push(VisitStep {
                station: at,
                ticket,
            });
        }
        Ok(Visit {
            booking_code: code,
            visit_id,
            business_day,
            steps,
            planned,
            finished,
            eta_seconds,
        })
    }
}
