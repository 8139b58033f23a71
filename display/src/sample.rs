//! A known morning at a clinic: the state the self-test and the picture tests draw, so a person
//! looking at the PNGs knows what each one must show.

use chrono::{NaiveDate, TimeZone, Utc};
use giliran_core::events::Call;
use giliran_core::view::{DisplayCounter, DisplayView};
use giliran_core::wire::DisplaySettings;
use uuid::Uuid;

use crate::live::Screen;

/// Counters 1 to 5; Loket 3 is paused and Poli Gigi has not called anyone yet. The latest call
/// is A-123 to Loket 2.
pub fn morning() -> Screen {
    let mut counters: Vec<DisplayCounter> =
        ["Loket 1", "Loket 2", "Loket 3", "Poli Anak", "Poli Gigi"]
            .iter()
            .zip(1..)
            .map(|(name, number)| DisplayCounter {
                id: Uuid::from_u128(number as u128),
                number,
                name: (*name).into(),
                paused: number == 3,
                current: None,
            })
            .collect();
    let calls = [
        ("A-119", 1, 0),
        ("B-045", 4, 3),
        ("A-120", 3, 6),
        ("A-121", 1, 9),
        ("A-122", 1, 12),
        ("A-123", 2, 15),
    ];
    let mut recent = Vec::new();
    for (number, counter, minute) in calls {
        let at = &counters[counter - 1];
        let call = Call {
            ticket_id: Uuid::from_u128(1000 + minute as u128),
            number: number.into(),
            service_id: Uuid::nil(),
            counter_id: at.id,
            counter_number: at.number,
            counter_name: at.name.clone(),
            called_at: Utc.with_ymd_and_hms(2026, 11, 23, 1, minute, 0).unwrap(),
            recalls: 0,
        };
        counters[counter - 1].current = Some(call.clone());
        recent.insert(0, call);
    }
    let mut view = DisplayView::new();
    view.business_day = NaiveDate::from_ymd_opt(2026, 11, 23);
    view.featured = recent.first().cloned();
    view.recent_calls = recent;
    view.counters = counters;
    Screen {
        view,
        settings: Some(settings()),
        online: true,
        refused: None,
        calls_heard: 1,
    }
}

pub fn settings() -> DisplaySettings {
    DisplaySettings {
        hospital_name: "RSUD Sehat Sentosa".into(),
        marquee: "Jam besuk pukul 16.00–18.00 · Mohon siapkan kartu BPJS Anda".into(),
        time_zone: "Asia/Jakarta".into(),
        announcement_template: giliran_core::announce::DEFAULT_TEMPLATE_ID.into(),
        announcement_language: "id".into(),
        voice: "id".into(),
    }
}
