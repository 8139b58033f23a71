//! What the board says, as plain text: the screen's state turned into the words and numbers
//! drawn, with no Slint in sight, so every rule about what is shown is tested here.

use crate::clock::WallClock;
use crate::live::Screen;

/// How many recent calls the board lists (the core's view keeps more).
pub const RECENT_SHOWN: usize = 6;
/// Shown on a counter that has not called anyone today.
pub const NO_NUMBER: &str = "—";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Board {
    pub hospital: String,
    pub clock: String,
    pub date: String,
    /// The latest call: number and counter name.
    pub featured: Option<(String, String)>,
    /// Goes up by one for each call heard live: each change flashes the featured panel.
    pub serial: u64,
    pub tiles: Vec<TileText>,
    /// Newest first: number and counter name.
    pub recent: Vec<(String, String)>,
    pub marquee: String,
    /// Why the board may be out of date; `None` while connected.
    pub banner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileText {
    pub name: String,
    pub number: String,
    pub paused: bool,
    pub latest: bool,
}

impl Board {
    pub fn of(screen: &Screen, clock: &WallClock) -> Board {
        let view = &screen.view;
        let settings = screen.settings.as_ref();
        let featured = view.featured.as_ref();
        Board {
            hospital: settings
                .map(|s| s.hospital_name.trim())
                .filter(|name| !name.is_empty())
                .unwrap_or("Giliran")
                .to_owned(),
            clock: clock.time.clone(),
            date: clock.date.clone(),
            featured: featured.map(|c| (c.number.clone(), c.counter_name.clone())),
            serial: screen.calls_heard,
            tiles: view
                .counters
                .iter()
                .map(|counter| TileText {
                    name: counter.name.clone(),
                    number: counter
                        .current
                        .as_ref()
                        .map_or_else(|| NO_NUMBER.to_owned(), |c| c.number.clone()),
                    paused: counter.paused,
                    latest: featured.is_some_and(|f| f.counter_id == counter.id),
                })
                .collect(),
            recent: view
                .recent_calls
                .iter()
                .take(RECENT_SHOWN)
                .map(|c| (c.number.clone(), c.counter_name.clone()))
                .collect(),
            marquee: settings.map(|s| s.marquee.clone()).unwrap_or_default(),
            banner: banner(screen),
        }
    }
}

fn banner(screen: &Screen) -> Option<String> {
    if screen.refused.is_some() {
        return Some("Layar ini ditolak server. Minta admin membuat token layar baru.".into());
    }
    if screen.online {
        return None;
    }
    Some(if screen.view.business_day.is_none() {
        "Menghubungkan ke server…".into()
    } else {
        "Tidak terhubung ke server. Menampilkan keadaan terakhir.".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn clock() -> WallClock {
        WallClock {
            time: "09.00".into(),
            date: "Senin, 23 November 2026".into(),
        }
    }

    #[test]
    fn a_board_shows_the_latest_call_every_counter_and_the_recent_calls() {
        let board = Board::of(&sample::morning(), &clock());
        assert_eq!(board.hospital, "RSUD Sehat Sentosa");
        assert_eq!(
            (board.clock.as_str(), board.date.as_str()),
            ("09.00", "Senin, 23 November 2026")
        );
        assert_eq!(board.featured, Some(("A-123".into(), "Loket 2".into())));
        assert_eq!(board.serial, 1);
        let tiles: Vec<_> = board
            .tiles
            .iter()
            .map(|t| (t.name.as_str(), t.number.as_str(), t.paused, t.latest))
            .collect();
        assert_eq!(
            tiles,
            [
                ("Loket 1", "A-122", false, false),
                ("Loket 2", "A-123", false, true),
                ("Loket 3", "A-120", true, false),
                ("Poli Anak", "B-045", false, false),
                ("Poli Gigi", NO_NUMBER, false, false),
            ]
        );
        let recent: Vec<_> = board
            .recent
            .iter()
            .map(|(n, c)| format!("{n} {c}"))
            .collect();
        assert_eq!(
            recent,
            [
                "A-123 Loket 2",
                "A-122 Loket 1",
                "A-121 Loket 1",
                "A-120 Loket 3",
                "B-045 Poli Anak",
                "A-119 Loket 1"
            ]
        );
        assert!(board.marquee.starts_with("Jam besuk"));
        assert_eq!(board.banner, None);
    }

    #[test]
    fn the_banner_says_why_the_board_may_be_stale() {
        let mut screen = Screen::default();
        let connecting = Board::of(&screen, &clock());
        assert_eq!(
            connecting.banner.as_deref(),
            Some("Menghubungkan ke server…")
        );
        assert_eq!(connecting.hospital, "Giliran");
        assert_eq!(connecting.featured, None);

        let mut offline = sample::morning();
        offline.online = false;
        let board = Board::of(&offline, &clock());
        assert!(
            board
                .banner
                .as_deref()
                .unwrap()
                .starts_with("Tidak terhubung")
        );
        // The last state stays on screen under the banner.
        assert_eq!(board.featured, Some(("A-123".into(), "Loket 2".into())));

        screen.refused = Some("401 unauthorized".into());
        let refused = Board::of(&screen, &clock()).banner.unwrap();
        assert!(refused.contains("ditolak"), "{refused}");
    }
}
