//! `giliran-display --self-test FOLDER`: proves a build works on the machine it runs on (the
//! aarch64 build under qemu-user, a Pi after installing) without a server or a TV: it draws the
//! known morning board, sounds the chime, checks both and leaves them in FOLDER to look at.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, ensure};
use chrono::{TimeZone, Utc};

use crate::announcer::{Speaker, WavFile};
use crate::audio::Clip;
use crate::board::Board;
use crate::chime::chime;
use crate::clock::{self, WallClock};
use crate::sample;
use crate::ui;

/// The board's accent (the featured number) and room colours, as drawn.
pub const ACCENT: (u8, u8, u8) = (0xff, 0xd2, 0x3f);
pub const ROOM: (u8, u8, u8) = (0x0b, 0x25, 0x45);

pub fn run(folder: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(folder).with_context(|| format!("cannot make {}", folder.display()))?;
    let morning = sample::morning();
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 2, 15, 0).unwrap();
    let board = Board::of(&morning, &WallClock::at(at, clock::DEFAULT_ZONE));
    let picture = ui::picture(&board, 1920, 1080)?;
    let png = folder.join("board.png");
    picture.write_png(&png)?;
    let accent = picture.count(ACCENT);
    let room = picture.count(ROOM);
    ensure!(
        accent > 5_000,
        "the featured number is missing ({accent} accent pixels)"
    );
    ensure!(
        room > 100_000,
        "the board's background is missing ({room} pixels)"
    );

    let wav = folder.join("chime.wav");
    let sound = chime(22_050);
    WavFile::create(&wav).play(&sound)?;
    let heard = Clip::read_wav(std::fs::File::open(&wav)?)?;
    let level = heard.level(Duration::ZERO, heard.duration());
    ensure!(level > 0.1, "the chime is silent (level {level:.3})");
    Ok(format!(
        "board drawn ({accent} accent, {room} background pixels) into {}, chime ({:.2} s, level {level:.2}) into {}",
        png.display(),
        sound.duration().as_secs_f32(),
        wav.display()
    ))
}
