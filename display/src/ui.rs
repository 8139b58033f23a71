//! The Slint board (`ui/board.slint`) fed from the screen's state: each change of the link's
//! state and each tick of the clock becomes a few property updates, and Slint redraws only what
//! changed.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;
use slint::platform::PlatformError;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::board::Board;
use crate::clock::{self, WallClock};
use crate::headless::{self, Picture};
use crate::live::Screen;

mod generated {
    slint::include_modules!();
}

pub use generated::BoardWindow;
use generated::{RecentCall, Tile};

/// The window, and the time zone its clock shows; lives on the UI thread.
pub struct Presenter {
    window: BoardWindow,
    /// From the last settings shown.
    zone: Cell<Tz>,
    clock: slint::Timer,
}

impl Presenter {
    pub fn new(window: BoardWindow) -> Rc<Presenter> {
        let presenter = Rc::new(Presenter {
            window,
            zone: Cell::new(clock::DEFAULT_ZONE),
            clock: slint::Timer::default(),
        });
        presenter.show(&Screen::default());
        presenter
    }

    pub fn window(&self) -> &BoardWindow {
        &self.window
    }

    /// Shows `screen` with the clock as of now.
    pub fn show(&self, screen: &Screen) {
        if let Some(settings) = &screen.settings {
            self.zone.set(clock::zone(&settings.time_zone));
        }
        draw(&self.window, &Board::of(screen, &self.wall_clock()));
    }

    /// Keeps the header's clock right: checked every second, redrawn when the minute turns.
    pub fn start_clock(self: &Rc<Presenter>) {
        let presenter = Rc::downgrade(self);
        self.clock.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(presenter) = presenter.upgrade() {
                    let now = presenter.wall_clock();
                    presenter.window.set_clock(now.time.into());
                    presenter.window.set_date(now.date.into());
                }
            },
        );
    }

    fn wall_clock(&self) -> WallClock {
        WallClock::at(Utc::now(), self.zone.get())
    }
}

/// Puts `board` on `window`.
pub fn draw(window: &BoardWindow, board: &Board) {
    window.set_hospital(board.hospital.as_str().into());
    window.set_clock(board.clock.as_str().into());
    window.set_date(board.date.as_str().into());
    let (number, counter) = board.featured.clone().unwrap_or_default();
    window.set_featured_number(number.into());
    window.set_featured_counter(counter.into());
    // Only a change matters to the board, so wrapping around is harmless.
    window.set_featured_serial((board.serial % i32::MAX as u64) as i32);
    let tiles: Vec<Tile> = board
        .tiles
        .iter()
        .map(|t| Tile {
            name: t.name.as_str().into(),
            number: t.number.as_str().into(),
            paused: t.paused,
            latest: t.latest,
        })
        .collect();
    window.set_tiles(ModelRc::new(VecModel::from(tiles)));
    let recent: Vec<RecentCall> = board
        .recent
        .iter()
        .map(|(number, counter)| RecentCall {
            number: number.as_str().into(),
            counter: counter.as_str().into(),
        })
        .collect();
    window.set_recent(ModelRc::new(VecModel::from(recent)));
    window.set_marquee(board.marquee.as_str().into());
    window.set_banner(
        board
            .banner
            .as_deref()
            .map(SharedString::from)
            .unwrap_or_default(),
    );
}

/// `board` drawn once at `width`×`height` by the software renderer, off screen.
pub fn picture(board: &Board, width: u32, height: u32) -> Result<Picture, PlatformError> {
    let screen = headless::pictures(width, height)?;
    let window = BoardWindow::new()?;
    draw(&window, board);
    window.show()?;
    screen.draw();
    let picture = screen.picture();
    window.hide()?;
    Ok(picture)
}
