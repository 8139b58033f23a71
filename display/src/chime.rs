//! The chime before each call: a two-note "ding-dong" made in code, so the display needs no
//! sound file and the chime is the same on every screen.

use std::f64::consts::TAU;
use std::time::Duration;

use crate::audio::Clip;

/// The notes (Hz) and how long each rings.
const NOTES: [(f64, f64); 2] = [(659.25, 0.45), (523.25, 0.65)];

/// The chime at `rate` samples per second: two bell-like notes, each with a soft attack and an
/// exponential decay, at about half of full scale.
pub fn chime(rate: u32) -> Clip {
    let rate_f = f64::from(rate);
    let mut samples = Vec::new();
    for (frequency, seconds) in NOTES {
        let n = (seconds * rate_f) as usize;
        for i in 0..n {
            let t = i as f64 / rate_f;
            let attack = (t / 0.01).min(1.0);
            // A note that stopped mid-swing would click; the last 30 ms fade to nothing.
            let release = ((n - i) as f64 / (0.03 * rate_f)).min(1.0);
            let decay = (-t * 4.0).exp() * release;
            // The octave above gives the note a bell's brightness.
            let wave = (TAU * frequency * t).sin() + 0.3 * (TAU * 2.0 * frequency * t).sin();
            samples.push((wave / 1.3 * attack * decay * 0.5 * 32767.0) as i16);
        }
    }
    Clip { rate, samples }
}

/// How long the chime lasts.
pub fn length() -> Duration {
    Duration::from_secs_f64(NOTES.iter().map(|(_, s)| s).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_rings_then_fades() {
        let clip = chime(22050);
        assert!(clip.duration().abs_diff(length()) < Duration::from_millis(2));
        let start = clip.level(Duration::ZERO, Duration::from_millis(200));
        let end = clip.level(Duration::from_millis(1000), Duration::from_millis(1100));
        assert!(start > 0.1, "audible: {start}");
        assert!(end < start / 3.0, "fades: {start} then {end}");
        let peak = clip.samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak < 20000, "leaves room for the voice: {peak}");
    }
}
