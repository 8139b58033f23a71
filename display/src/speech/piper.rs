//! Piper: a neural voice that sounds more natural than espeak-ng, for a display whose owner has
//! installed `piper` and downloaded an Indonesian voice model. Not installed on the machines the
//! tests run on; its use is the same pipe as espeak-ng's, with a WAV file as output.

use std::path::PathBuf;

use super::{SpeechError, Voice, run};
use crate::audio::Clip;

pub struct Piper {
    model: PathBuf,
}

impl Piper {
    pub fn new(model: PathBuf) -> Piper {
        Piper { model }
    }
}

impl Voice for Piper {
    fn speak(&self, text: &str) -> Result<Option<Clip>, SpeechError> {
        let out = tempfile::Builder::new().suffix(".wav").tempfile()?;
        let model = self.model.to_string_lossy();
        let file = out.path().to_string_lossy();
        run("piper", &["--model", &model, "--output_file", &file], text)?;
        let wav = std::fs::read(out.path())?;
        Clip::read_wav(&wav[..])
            .map(Some)
            .map_err(|source| SpeechError::Sound {
                program: "piper".into(),
                source,
            })
    }

    fn describe(&self) -> String {
        format!("Piper, model {}", self.model.display())
    }
}
