//! The announcer: calls to speak arrive in call order and are played one at a time, each as
//! the chime, a short pause, then the sentence. It runs on its own thread, so synthesis and
//! playback never hold up the screen or the event stream, and its queue has no limit, so a
//! burst of calls is spoken in full and in order.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::audio::{AudioError, Clip, spec};
use crate::chime::chime;
use crate::speech::{SpeechError, Voice};

/// The rate of a chime played without speech (the "none" engine, or a failed voice).
const DEFAULT_RATE: u32 = 22_050;
/// Between the chime and the voice.
const PAUSE: Duration = Duration::from_millis(200);

/// Where sound goes: the sound card, or a file. `play` returns when the clip has been played.
pub trait Speaker: Send {
    fn play(&mut self, clip: &Clip) -> Result<(), AudioError>;
}

/// `--audio-out FILE.wav`: every announcement appended to one WAV file, which is complete
/// (its header updated) after each one.
pub struct WavFile {
    path: std::path::PathBuf,
    writer: Option<hound::WavWriter<BufWriter<File>>>,
}

impl WavFile {
    pub fn create(path: &Path) -> WavFile {
        WavFile {
            path: path.to_owned(),
            writer: None,
        }
    }
}

impl Speaker for WavFile {
    fn play(&mut self, clip: &Clip) -> Result<(), AudioError> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => self
                .writer
                .insert(hound::WavWriter::create(&self.path, spec(clip.rate))?),
        };
        if writer.spec().sample_rate != clip.rate {
            return Err(AudioError::Rates(writer.spec().sample_rate, clip.rate));
        }
        for &s in &clip.samples {
            writer.write_sample(s)?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// Builds each announcement's sound.
pub struct Announcer {
    voice: Box<dyn Voice>,
    /// 0.0 to 1.0.
    volume: f32,
}

impl Announcer {
    pub fn new(voice: Box<dyn Voice>, volume: f32) -> Announcer {
        Announcer { voice, volume }
    }

    /// The chime, a pause, then `text` spoken. When the voice fails, the chime alone still
    /// turns heads to the screen; the error comes back for the log.
    pub fn sound_of(&self, text: &str) -> (Clip, Option<SpeechError>) {
        let (speech, error) = match self.voice.speak(text) {
            Ok(speech) => (speech, None),
            Err(error) => (None, Some(error)),
        };
        let rate = speech.as_ref().map_or(DEFAULT_RATE, |s| s.rate);
        let mut sound = chime(rate);
        if let Some(speech) = speech {
            sound.samples.extend(Clip::silence(rate, PAUSE).samples);
            sound.samples.extend(speech.samples);
        }
        (sound.with_volume(self.volume), error)
    }

    /// Starts the announcer's thread; it plays each queued text on `speaker`, in order.
    pub fn start(mut self, mut speaker: Box<dyn Speaker>) -> Announcements {
        let (queue, jobs) = mpsc::channel::<Job>();
        let worker = std::thread::Builder::new()
            .name("announcer".into())
            .spawn(move || {
                for job in jobs {
                    let queued = match job {
                        Job::Say(queued) => queued,
                        Job::Voice(voice) => {
                            tracing::info!(voice = %voice.describe(), "voice changed");
                            self.voice = voice;
                            continue;
                        }
                    };
                    let (sound, error) = self.sound_of(&queued.text);
                    if let Some(error) = error {
                        tracing::warn!(%error, voice = %self.voice.describe(), "speech failed; chime only");
                    }
                    let ready = queued.at.elapsed();
                    match speaker.play(&sound) {
                        Ok(()) => tracing::info!(
                            text = %queued.text,
                            first_sample_after_ms = ready.as_millis() as u64,
                            "announced"
                        ),
                        Err(error) => tracing::error!(%error, "cannot play the announcement"),
                    }
                }
            })
            .ok();
        Announcements { queue, worker }
    }
}

/// What the announcer's thread is asked to do, in order.
enum Job {
    Say(Queued),
    /// Speak what follows with another voice (the admin changed it in the panel).
    Voice(Box<dyn Voice>),
}

struct Queued {
    text: String,
    at: Instant,
}

/// The queue of texts to speak.
pub struct Announcements {
    queue: mpsc::Sender<Job>,
    worker: Option<JoinHandle<()>>,
}

impl Announcements {
    /// Queues `text` behind those already waiting.
    pub fn say(&self, text: impl Into<String>) {
        let queued = Queued {
            text: text.into(),
            at: Instant::now(),
        };
        if self.queue.send(Job::Say(queued)).is_err() {
            tracing::error!("the announcer has stopped; a call was not spoken");
        }
    }

    /// Calls queued from now on are spoken with `voice`; those already queued are not.
    pub fn use_voice(&self, voice: Box<dyn Voice>) {
        let _ = self.queue.send(Job::Voice(voice));
    }

    /// Speaks what is queued, then stops.
    pub fn finish(self) {
        let Announcements { queue, worker } = self;
        drop(queue);
        if let Some(worker) = worker {
            let _ = worker.join();
        }
    }
}
