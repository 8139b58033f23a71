//! The history as an Excel workbook: a bold, frozen heading row with filters, dates and times as
//! real Excel dates, minutes as numbers. Text is always written as text, never as a formula, so
//! a name such as `=1+1` stays inert without any escaping.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::{Cell, WIDTHS};
use crate::words::Language;

struct Formats {
    heading: Format,
    day: Format,
    time: Format,
    minutes: Format,
}

pub fn build(lang: Language, rows: impl Iterator<Item = [Cell; 13]>) -> anyhow::Result<Vec<u8>> {
    let formats = Formats {
        heading: Format::new().set_bold(),
        day: Format::new().set_num_format("yyyy-mm-dd"),
        time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        minutes: Format::new().set_num_format("0.0"),
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(lang.history_sheet())?;
    for (col, (heading, width)) in (0..).zip(lang.history_headings().iter().zip(WIDTHS)) {
        sheet.write_string_with_format(0, col, *heading, &formats.heading)?;
        sheet.set_column_width(col, width)?;
    }
    let mut last: RowNum = 0;
    for (at, cells) in (1..).zip(rows) {
        for (col, cell) in (0..).zip(cells) {
            write(sheet, at, col, cell, &formats)?;
        }
        last = at;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, 12)?;
    Ok(workbook.save_to_buffer()?)
}

fn write(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cell: Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(text) | Cell::Phone(text) => {
            sheet.write_string(row, col, text)?;
        }
        // Excel's calendar covers 1900 to 9999; outside it (never a real ticket) the text
        // is still better than a failed export.
        Cell::Day(day) => match excel_day(day) {
            Some(value) => {
                sheet.write_datetime_with_format(row, col, value, &formats.day)?;
            }
            None => {
                sheet.write_string(row, col, day.to_string())?;
            }
        },
        Cell::Time(at) => match excel_time(at) {
            Some(value) => {
                sheet.write_datetime_with_format(row, col, value, &formats.time)?;
            }
            None => {
                sheet.write_string(row, col, at.to_string())?;
            }
        },
        Cell::Minutes(minutes) => {
            sheet.write_number_with_format(row, col, minutes, &formats.minutes)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

fn excel_day(day: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(day.year()).ok()?;
    let month = u8::try_from(day.month()).ok()?;
    let date = u8::try_from(day.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, date).ok()
}

fn excel_time(at: NaiveDateTime) -> Option<ExcelDateTime> {
    // A local wall-clock time read as if it were UTC is exactly the serial Excel shows.
    ExcelDateTime::from_timestamp(at.and_utc().timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::done_ticket;
    use crate::export::{Format as FileFormat, build as build_file};

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet_in_it() {
        let bytes = build_file(
            &[done_ticket()],
            FileFormat::Xlsx,
            Language::Id,
            chrono_tz::Tz::Asia__Jakarta,
        )
        .unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
    }

    #[test]
    fn dates_outside_excels_calendar_are_refused_not_wrapped() {
        let early = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
        assert!(excel_day(early).is_none());
        assert!(excel_time(early.and_hms_opt(8, 0, 0).unwrap()).is_none());
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(excel_day(day).is_some());
    }
}
