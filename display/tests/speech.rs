//! What the waiting room hears: a call rendered to WAV through the real espeak-ng (the chime
//! first, then a sentence of plausible length), kept in `target/speech/` for people to listen
//! to; and the announcer's queue speaking a burst of calls in full and in order.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use giliran_core::announce::{Language, Template};
use giliran_display::announcer::{Announcer, Speaker, WavFile};
use giliran_display::audio::{AudioError, Clip};
use giliran_display::chime;
use giliran_display::speech::{Engine, SpeechError, Voice};

fn speech_folder() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/speech");
    std::fs::create_dir_all(&dir).expect("target/speech");
    dir
}

/// The strongest frequency of a stretch of sound, from its zero crossings (enough for a
/// chime's pure notes).
fn pitch(clip: &Clip, from: Duration, to: Duration) -> f64 {
    let at = |t: Duration| (t.as_secs_f64() * f64::from(clip.rate)) as usize;
    let part = &clip.samples[at(from)..at(to)];
    let crossings = part.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
    crossings as f64 / 2.0 / (to - from).as_secs_f64()
}

#[test]
fn a_call_is_heard_as_the_chime_then_the_indonesian_sentence() {
    let text = Template::default_for(Language::Indonesian)
        .render(Language::Indonesian, "A-123", "Loket 2")
        .expect("a ticket number");
    assert_eq!(
        text,
        "Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua."
    );
    let path = speech_folder().join("a-123-loket-2.wav");
    let _ = std::fs::remove_file(&path);
    let announcer = Announcer::new(Engine::Espeak { voice: "id".into() }.voice(), 1.0);
    let asked = Instant::now();
    let announcements = announcer.start(Box::new(WavFile::create(&path)));
    announcements.say(&text);
    announcements.finish();
    let rendered = asked.elapsed();

    let clip = Clip::read_wav(std::fs::File::open(&path).expect("the WAV was written"))
        .expect("a mono 16-bit WAV");
    let length = clip.duration();
    println!(
        "{}: {:.2} s at {} Hz, rendered in {} ms",
        path.display(),
        length.as_secs_f64(),
        clip.rate,
        rendered.as_millis()
    );
    let chime_end = chime::length();
    assert!(
        length > chime_end + Duration::from_millis(2500) && length < Duration::from_secs(12),
        "a sentence of plausible length after the chime: {length:?}"
    );
    // The chime comes first: its first note, E5 (659 Hz), fills the first moments.
    let first_note = pitch(&clip, Duration::from_millis(20), Duration::from_millis(300));
    assert!(
        (600.0..720.0).contains(&first_note),
        "the first note rings at about 659 Hz, not {first_note:.0}"
    );
    assert!(clip.level(Duration::ZERO, Duration::from_millis(300)) > 0.1);
    // Then the voice: clearly louder than silence over the sentence.
    let speech = clip.level(chime_end + Duration::from_millis(200), length);
    assert!(speech > 0.03, "the sentence is audible: {speech:.3}");
}

/// A voice that makes each text a tone whose length is its number, so the order can be heard.
struct Numbered;

impl Voice for Numbered {
    fn speak(&self, text: &str) -> Result<Option<Clip>, SpeechError> {
        let n: usize = text.trim_start_matches("call ").parse().unwrap_or(0);
        Ok(Some(Clip {
            rate: 8000,
            samples: vec![1000; 100 * (n + 1)],
        }))
    }

    fn describe(&self) -> String {
        "numbered tones".into()
    }
}

struct Failing;

impl Voice for Failing {
    fn speak(&self, _: &str) -> Result<Option<Clip>, SpeechError> {
        Err(SpeechError::Io(std::io::Error::other("the engine crashed")))
    }

    fn describe(&self) -> String {
        "a broken engine".into()
    }
}

/// Keeps what it was asked to play.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Clip>>>);

impl Speaker for Recorder {
    fn play(&mut self, clip: &Clip) -> Result<(), AudioError> {
        self.0.lock().unwrap().push(clip.clone());
        Ok(())
    }
}

#[test]
fn a_burst_of_ten_calls_is_spoken_in_full_and_in_order() {
    let recorder = Recorder::default();
    let announcements = Announcer::new(Box::new(Numbered), 1.0).start(Box::new(recorder.clone()));
    for n in 0..10 {
        announcements.say(format!("call {n}"));
    }
    announcements.finish();
    let played = recorder.0.lock().unwrap();
    let chime = chime::chime(8000).samples.len();
    let pause = 8000 / 5;
    let lengths: Vec<usize> = played
        .iter()
        .map(|c| (c.samples.len() - chime - pause) / 100 - 1)
        .collect();
    assert_eq!(lengths, (0..10).collect::<Vec<_>>());
}

#[test]
fn without_a_voice_the_chime_still_rings() {
    for voice in [Box::new(Failing) as Box<dyn Voice>, Engine::None.voice()] {
        let recorder = Recorder::default();
        let announcements = Announcer::new(voice, 0.5).start(Box::new(recorder.clone()));
        announcements.say("Nomor antrean A satu");
        announcements.finish();
        let played = recorder.0.lock().unwrap();
        assert_eq!(played.len(), 1);
        let expected = chime::chime(played[0].rate).with_volume(0.5);
        assert_eq!(played[0], expected, "the chime alone, at the volume asked");
    }
}
