//! The history as CSV (RFC 4180: commas, CRLF, quotes where needed) in UTF-8 with a byte order
//! mark, without which Excel reads Indonesian names as Windows-1252. Spreadsheets run text that
//! starts with `=`, `+`, `-` or `@` as a formula, so such text gets a leading `'` — except a
//! phone number that is `+` and digits only: the store normalises every phone to that, it can
//! only ever be a number, and a quote would spoil it for every tool the file is loaded into.

use std::borrow::Cow;

use super::Cell;
use crate::words::Language;

const BYTE_ORDER_MARK: &str = "\u{feff}";

pub fn build(lang: Language, rows: impl Iterator<Item = [Cell; 13]>) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * 1024);
    out.extend_from_slice(BYTE_ORDER_MARK.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(lang.history_headings())?;
    for cells in rows {
        let fields: [Cow<'_, str>; 13] = cells.each_ref().map(text);
        writer.write_record(fields.iter().map(|field| field.as_bytes()))?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Text(text) => inert(text),
        Cell::Phone(phone) if is_plain_phone(phone) => Cow::Borrowed(phone),
        Cell::Phone(phone) => inert(phone),
        Cell::Day(day) => Cow::Owned(day.format("%Y-%m-%d").to_string()),
        Cell::Time(at) => Cow::Owned(at.format("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Minutes(minutes) => Cow::Owned(format!("{minutes:.1}")),
        Cell::Empty => Cow::Borrowed(""),
    }
}

/// Text a spreadsheet will not run as a formula.
fn inert(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn is_plain_phone(phone: &str) -> bool {
    phone
        .strip_prefix('+')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::done_ticket;
    use crate::export::{Format, build as build_file};

    #[test]
    fn text_that_a_spreadsheet_would_run_gets_a_quote() {
        for risky in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(inert(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["Siti Rahayu", "A-001", "1+1", " =1", "'=1"] {
            assert_eq!(inert(plain), plain);
        }
    }

    #[test]
    fn normalised_phones_stay_as_they_are_and_anything_else_is_quoted() {
        let phone = |p: &str| text(&Cell::Phone(p.into())).into_owned();
        assert_eq!(phone("+6281211112222"), "+6281211112222");
        assert_eq!(phone("+62=1+1"), "'+62=1+1");
        assert_eq!(phone("+"), "'+");
        assert_eq!(phone("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    }

    #[test]
    fn a_file_starts_with_the_byte_order_mark_and_uses_crlf() {
        let mut ticket = done_ticket();
        ticket.name = Some("=1+1".into());
        let bytes = build_file(
            &[ticket],
            Format::Csv,
            Language::Id,
            chrono_tz::Tz::Asia__Jakarta,
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(
            lines[0].starts_with("Tanggal,Nomor,Layanan,Loket,Status"),
            "{text}"
        );
        assert_eq!(
            lines[1],
            "2026-11-23,A-001,Poli Umum,Loket 1,selesai,lansia,'=1+1,+6281211112222,\
             2026-11-23 08:00:00,2026-11-23 08:10:30,2026-11-23 08:25:00,10.5,14.5"
        );
        assert_eq!(lines[2], "", "the last row ends with CRLF too");
    }
}
