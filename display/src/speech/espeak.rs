//! espeak-ng: small, fast on a Pi, with an Indonesian voice (`id`) that reads the core's
//! number words clearly.

use super::{SpeechError, Voice, run};
use crate::audio::Clip;

pub struct Espeak {
    voice: String,
}

/// Words per minute: a little slower than espeak's 175, for a hall full of people.
const WORDS_PER_MINUTE: &str = "150";

impl Espeak {
    pub fn new(voice: &str) -> Espeak {
        Espeak {
            voice: voice.to_owned(),
        }
    }
}

impl Voice for Espeak {
    fn speak(&self, text: &str) -> Result<Option<Clip>, SpeechError> {
        let wav = run(
            "espeak-ng",
            &[
                "-v",
                &self.voice,
                "-s",
                WORDS_PER_MINUTE,
                "--stdin",
                "--stdout",
            ],
            text,
        )?;
        Clip::read_wav(&wav[..])
            .map(Some)
            .map_err(|source| SpeechError::Sound {
                program: "espeak-ng".into(),
                source,
            })
    }

    fn describe(&self) -> String {
        format!("espeak-ng, voice {}", self.voice)
    }
}
