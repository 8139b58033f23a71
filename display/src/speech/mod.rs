//! Speaking a call: a text-to-speech engine behind one small interface. espeak-ng with its
//! Indonesian voice is the default (in Debian and Raspberry Pi OS, light on a Pi); Piper when
//! it is installed and a voice model is configured; or none, for a silent screen.

mod espeak;
mod piper;

pub use espeak::Espeak;
pub use piper::Piper;

use std::path::PathBuf;

use crate::audio::{AudioError, Clip};

/// Turns a sentence into sound.
pub trait Voice: Send {
    /// The sentence spoken, at the engine's own sample rate; `None` for an engine that stays
    /// silent.
    fn speak(&self, text: &str) -> Result<Option<Clip>, SpeechError>;

    /// What it is, for the log.
    fn describe(&self) -> String;
}

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("cannot start {program}: {source} (is it installed?)")]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} failed ({status}): {stderr}")]
    Failed {
        program: String,
        status: std::process::ExitStatus,
        stderr: String,
    },
    #[error("{program} gave no usable sound: {source}")]
    Sound { program: String, source: AudioError },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Which engine, as the configuration names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// espeak-ng with a voice such as `id`.
    Espeak { voice: String },
    /// Piper with an `.onnx` voice model (its `.onnx.json` beside it).
    Piper { model: PathBuf },
    /// No speech; the chime still rings.
    None,
}

impl Engine {
    pub fn voice(&self) -> Box<dyn Voice> {
        match self {
            Engine::Espeak { voice } => Box::new(Espeak::new(voice)),
            Engine::Piper { model } => Box::new(Piper::new(model.clone())),
            Engine::None => Box::new(Silent),
        }
    }
}

/// The engine that says nothing.
pub struct Silent;

impl Voice for Silent {
    fn speak(&self, _: &str) -> Result<Option<Clip>, SpeechError> {
        Ok(None)
    }

    fn describe(&self) -> String {
        "no speech".into()
    }
}

/// Runs `program` with `args`, writes `input` to its stdin and returns its stdout.
fn run(program: &str, args: &[&str], input: &str) -> Result<Vec<u8>, SpeechError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| SpeechError::Start {
            program: program.into(),
            source,
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes())?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(SpeechError::Failed {
            program: program.into(),
            status: output.status,
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(output.stdout)
}
