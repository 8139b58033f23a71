//! Reading an exported workbook back, as the tests that download one compare it with the API.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// The rows of the workbook's only sheet, after checking its name.
pub fn sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a valid xlsx file");
    assert_eq!(workbook.sheet_names(), [name]);
    let range = workbook.worksheet_range(name).expect("the sheet reads");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A text cell's text; an empty cell is "". Anything else fails the test.
pub fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => panic!("expected text, got {other:?}"),
    }
}
