//! The admin's ticket history as a file to download: an Excel workbook or a CSV file, one
//! ticket a row, times in the hospital's own time zone, headings and words in the admin's
//! language.

mod csv;
mod xlsx;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use giliran_core::wire::HistoryEntry;
use serde::Deserialize;

use crate::words::Language;

/// Most tickets one export may hold: a year of a busy clinic, and still a file a spreadsheet
/// opens comfortably on an office PC.
pub const MAX_ROWS: u32 = 100_000;

/// The kind of file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// An Excel workbook, with real dates and numbers.
    #[default]
    Xlsx,
    /// Comma-separated text in UTF-8 with a byte order mark, for other tools.
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The name the browser saves the file as, such as `giliran-riwayat-2026-11-01_2026-11-30.xlsx`.
    pub fn file_name(self, from: NaiveDate, to: NaiveDate) -> String {
        format!("giliran-riwayat-{from}_{to}.{}", self.as_str())
    }
}

/// The history of `entries` as a file. CPU-bound for large exports: call it off the async
/// runtime.
pub fn build(
    entries: &[HistoryEntry],
    format: Format,
    lang: Language,
    tz: Tz,
) -> anyhow::Result<Vec<u8>> {
    let rows = entries.iter().map(|entry| row(entry, lang, tz));
    match format {
        Format::Xlsx => xlsx::build(lang, rows),
        Format::Csv => csv::build(lang, rows),
    }
}

/// One cell's value, before a file format writes it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    /// A phone number as stored (E.164 after the patient's input was normalised).
    Phone(String),
    Day(NaiveDate),
    /// A local time in the hospital's zone.
    Time(NaiveDateTime),
    Minutes(f64),
    Empty,
}

/// Widths of the columns in characters, in the order of `Language::history_headings`.
const WIDTHS: [f64; 13] = [
    11.0, 9.0, 18.0, 12.0, 13.0, 12.0, 26.0, 16.0, 17.0, 17.0, 17.0, 15.0, 17.0,
];

/// A ticket's row, in the order of `Language::history_headings`.
fn row(entry: &HistoryEntry, lang: Language, tz: Tz) -> [Cell; 13] {
    let text = |value: &Option<String>| value.clone().map_or(Cell::Empty, Cell::Text);
    let time = |at: Option<DateTime<Utc>>| {
        at.map_or(Cell::Empty, |at| {
            Cell::Time(at.with_timezone(&tz).naive_local())
        })
    };
    let minutes = |seconds: Option<u32>| {
        // One decimal: a tenth of a minute is finer than anyone reads a queue.
        seconds.map_or(Cell::Empty, |s| {
            Cell::Minutes((f64::from(s) / 6.0).round() / 10.0)
        })
    };
    [
        Cell::Day(entry.business_day),
        Cell::Text(entry.number.clone()),
        Cell::Text(entry.service_name.clone()),
        text(&entry.counter_name),
        Cell::Text(lang.status(entry.status).to_owned()),
        Cell::Text(lang.priority(entry.priority).to_owned()),
        text(&entry.name),
        entry.phone.clone().map_or(Cell::Empty, Cell::Phone),
        time(Some(entry.issued_at)),
        time(entry.called_at),
        time(entry.finished_at),
        minutes(entry.wait_seconds),
        minutes(entry.service_seconds),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use giliran_core::call_order::Priority;
    use giliran_core::status::TicketStatus;
    use uuid::Uuid;

    /// A ticket done at Loket 1: taken 08:00 WIB, called 08:10:30, done 08:25.
    pub(super) fn done_ticket() -> HistoryEntry {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        HistoryEntry {
            id: Uuid::nil(),
            number: "A-001".into(),
            business_day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            service_id: Uuid::nil(),
            service_code: "A".into(),
            service_name: "Poli Umum".into(),
            counter_id: Some(Uuid::nil()),
            counter_name: Some("Loket 1".into()),
            status: TicketStatus::Done,
            priority: Priority::Elderly,
            name: Some("Siti Rahayu".into()),
            phone: Some("+6281211112222".into()),
            issued_at: at("2026-11-23T01:00:00Z"),
            called_at: Some(at("2026-11-23T01:10:30Z")),
            finished_at: Some(at("2026-11-23T01:25:00Z")),
            recalls: 0,
            wait_seconds: Some(630),
            service_seconds: Some(870),
        }
    }

    #[test]
    fn a_row_shows_local_times_words_and_minutes() {
        let cells = row(&done_ticket(), Language::Id, Tz::Asia__Jakarta);
        let local = |h, m, s| {
            Cell::Time(
                NaiveDate::from_ymd_opt(2026, 11, 23)
                    .unwrap()
                    .and_hms_opt(h, m, s)
                    .unwrap(),
            )
        };
        assert_eq!(cells[4], Cell::Text("selesai".into()));
        assert_eq!(cells[5], Cell::Text("lansia".into()));
        assert_eq!(cells[8], local(8, 0, 0));
        assert_eq!(cells[9], local(8, 10, 30));
        assert_eq!(cells[11], Cell::Minutes(10.5));
        assert_eq!(cells[12], Cell::Minutes(14.5));
        let wit = row(&done_ticket(), Language::En, Tz::Asia__Jayapura);
        assert_eq!(wit[4], Cell::Text("done".into()));
        assert_eq!(wit[8], local(10, 0, 0));
    }

    #[test]
    fn file_names_carry_the_range() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(
            Format::Csv.file_name(day(1), day(30)),
            "giliran-riwayat-2026-11-01_2026-11-30.csv"
        );
    }
}
