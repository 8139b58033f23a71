//! The board drawn by Slint's software renderer (the renderer the Pi uses) for the four screens
//! a waiting room may have, kept in `target/screenshots/display/` for people to look at. What
//! the board says is read back from the pixels by an OCR engine (tesseract), so a text that is
//! set but not drawn, clipped or drawn off screen fails the test.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use giliran_display::board::Board;
use giliran_display::clock::{self, WallClock};
use giliran_display::headless::Picture;
use giliran_display::selftest::{ACCENT, ROOM};
use giliran_display::{sample, ui};
use giliran_tests::ocr;

/// The offline banner's colour.
const ALARM: (u8, u8, u8) = (0xc0, 0x39, 0x2b);

fn folder() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots/display");
    std::fs::create_dir_all(&dir).expect("target/screenshots/display");
    dir
}

fn board(online: bool) -> Board {
    let mut screen = sample::morning();
    screen.online = online;
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 2, 15, 0).unwrap();
    Board::of(&screen, &WallClock::at(at, clock::DEFAULT_ZONE))
}

fn draw(board: &Board, width: u32, height: u32, name: &str) -> (Picture, String) {
    let picture = ui::picture(board, width, height).expect("the board draws");
    assert_eq!((picture.width(), picture.height()), (width, height));
    let png = folder().join(format!("{name}.png"));
    picture.write_png(&png).expect("PNG written");
    let text = ocr::read(&png);
    println!("{name}: {}\n  reads: {text}", png.display());
    (picture, text)
}

#[test]
fn every_screen_shape_shows_the_whole_board() {
    let board = board(true);
    for (width, height) in [(1920, 1080), (1280, 720), (1080, 1920), (720, 1280)] {
        let name = format!("board-{width}x{height}");
        let (picture, text) = draw(&board, width, height, &name);
        for expected in [
            "RSUD Sehat Sentosa",
            "09.15",
            "23 November 2026",
            "Nomor antrean",
            "A-123",
            "Silakan menuju Loket 2",
            "Panggilan terakhir",
            "Poli Anak",
            "B-045",
            "Istirahat",
            "Jam besuk",
        ] {
            // Small strokes at 720p come back from OCR in either case now and then.
            assert!(
                text.to_lowercase().contains(&expected.to_lowercase()),
                "{name} lacks {expected:?}: {text}"
            );
        }
        // The featured number is large: its accent colour covers a good share of the screen
        // (the share at 1920x1080 is about 2%).
        let area = (width * height) as usize;
        let accent = picture.count(ACCENT);
        assert!(accent * 200 > area, "{name}: only {accent} accent pixels");
        assert!(
            picture.count(ROOM) * 10 > area,
            "{name}: no room background"
        );
        assert_eq!(picture.count(ALARM), 0, "{name}: an alarm while online");
    }
}

#[test]
fn while_offline_a_banner_says_so_over_the_last_board() {
    let (picture, text) = draw(&board(false), 1920, 1080, "board-offline-1920x1080");
    assert!(text.contains("Tidak terhubung ke server"), "{text}");
    assert!(text.contains("A-123"), "the last board stays: {text}");
    assert!(picture.count(ALARM) > 100_000, "the banner is not drawn");
}

#[test]
fn a_display_that_has_not_connected_yet_says_so() {
    let board = Board::of(
        &giliran_display::live::Screen::default(),
        &WallClock::at(Utc::now(), clock::DEFAULT_ZONE),
    );
    let (_, text) = draw(&board, 1280, 720, "board-connecting-1280x720");
    assert!(text.contains("Menghubungkan ke server"), "{text}");
    assert!(text.contains("Belum ada panggilan"), "{text}");
}

/// Lets Slint's timers and animations run for `time`, drawing as a screen would.
fn run_for(screen: &giliran_display::headless::Screen, time: std::time::Duration) {
    let until = std::time::Instant::now() + time;
    while std::time::Instant::now() < until {
        screen.draw();
        std::thread::sleep(std::time::Duration::from_millis(16));
    }
}

#[test]
fn a_new_call_flashes_the_featured_panel_then_settles() {
    use std::time::Duration;
    let screen = giliran_display::headless::pictures(1280, 720).expect("a picture screen");
    let window = ui::BoardWindow::new().expect("the board");
    let mut board = board(true);
    ui::draw(&window, &board);
    giliran_display::slint::ComponentHandle::show(&window).expect("shown");
    // Whatever the first state set off has ended.
    run_for(&screen, Duration::from_secs(3));
    let calm = screen.picture().count(ACCENT);

    board.serial += 1;
    ui::draw(&window, &board);
    // The panel lights up 450 ms after the call and fades in over 200 ms.
    run_for(&screen, Duration::from_millis(750));
    let lit = screen.picture();
    lit.write_png(&folder().join("board-flash-1280x720.png"))
        .expect("PNG written");
    assert!(
        lit.count(ACCENT) > calm * 3,
        "the featured panel flashes: {} accent pixels lit, {calm} calm",
        lit.count(ACCENT)
    );
    // Three flashes in 2.7 s, then the board is as before.
    run_for(&screen, Duration::from_secs(3));
    assert_eq!(screen.picture().count(ACCENT), calm, "the flashing stops");
    giliran_display::slint::ComponentHandle::hide(&window).expect("hidden");
}
