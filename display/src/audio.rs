//! Sound as the display handles it: mono 16-bit clips at one sample rate, made louder or
//! softer, measured, and written as WAV (the `--audio-out` file, and what tests listen to).

use std::io::{Read, Seek, Write};
use std::time::Duration;

/// Mono 16-bit samples at `rate` per second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    pub rate: u32,
    pub samples: Vec<i16>,
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("not a WAV file the display can play: {0}")]
    Wav(#[from] hound::Error),
    #[error("only mono 16-bit WAV is supported, not {channels} channels of {bits} bits")]
    Format { channels: u16, bits: u16 },
    #[error("cannot join sound at {0} Hz to sound at {1} Hz")]
    Rates(u32, u32),
    #[error("cannot play on the sound card {device}: {reason}")]
    Device { device: String, reason: String },
}

impl Clip {
    pub fn silence(rate: u32, length: Duration) -> Clip {
        let n = (u128::from(rate) * length.as_millis() / 1000) as usize;
        Clip {
            rate,
            samples: vec![0; n],
        }
    }

    pub fn duration(&self) -> Duration {
        if self.rate == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.rate))
    }

    /// Louder or softer: `volume` from 0.0 (silent) to 1.0 (as it is); clipped, never wrapped.
    pub fn with_volume(mut self, volume: f32) -> Clip {
        let volume = volume.clamp(0.0, 1.0);
        for s in &mut self.samples {
            *s = (f32::from(*s) * volume).round() as i16;
        }
        self
    }

    /// Root-mean-square level of the samples from `from` to `to`, 0.0 to 1.0 of full scale.
    pub fn level(&self, from: Duration, to: Duration) -> f64 {
        let index = |t: Duration| {
            ((t.as_secs_f64() * f64::from(self.rate)) as usize).min(self.samples.len())
        };
        let part = &self.samples[index(from)..index(to).max(index(from))];
        if part.is_empty() {
            return 0.0;
        }
        let sum: f64 = part.iter().map(|&s| (f64::from(s) / 32768.0).powi(2)).sum();
        (sum / part.len() as f64).sqrt()
    }

    /// Reads a mono 16-bit WAV. A stream whose header promises more data than follows (as
    /// `espeak-ng --stdout` writes it) ends at the last whole sample.
    pub fn read_wav(reader: impl Read) -> Result<Clip, AudioError> {
        let mut wav = hound::WavReader::new(reader)?;
        let spec = wav.spec();
        if spec.channels != 1 || spec.bits_per_sample != 16 {
            return Err(AudioError::Format {
                channels: spec.channels,
                bits: spec.bits_per_sample,
            });
        }
        let samples = wav.samples::<i16>().map_while(Result::ok).collect();
        Ok(Clip {
            rate: spec.sample_rate,
            samples,
        })
    }

    pub fn write_wav(&self, out: impl Write + Seek) -> Result<(), AudioError> {
        let mut wav = hound::WavWriter::new(out, spec(self.rate))?;
        for &s in &self.samples {
            wav.write_sample(s)?;
        }
        wav.finalize()?;
        Ok(())
    }
}

pub fn spec(rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, n: usize) -> Clip {
        Clip {
            rate,
            samples: (0..n)
                .map(|i| if i % 2 == 0 { 16000 } else { -16000 })
                .collect(),
        }
    }

    #[test]
    fn silence_lasts_as_asked_and_levels_tell_sound_from_silence() {
        let mut clip = tone(8000, 8000);
        clip.samples
            .extend(Clip::silence(8000, Duration::from_millis(500)).samples);
        assert_eq!(clip.duration(), Duration::from_millis(1500));
        assert!(clip.level(Duration::ZERO, Duration::from_secs(1)) > 0.4);
        assert_eq!(
            clip.level(Duration::from_secs(1), Duration::from_secs(2)),
            0.0
        );
    }

    #[test]
    fn volume_scales_and_never_wraps() {
        let soft = tone(8000, 100).with_volume(0.5);
        assert_eq!(soft.samples[0], 8000);
        let loud = tone(8000, 100).with_volume(7.0);
        assert_eq!(loud.samples[0], 16000, "more than 1.0 is 1.0");
    }

    #[test]
    fn a_wav_round_trips_and_a_truncated_stream_still_reads() {
        let clip = tone(22050, 2205);
        let mut file = std::io::Cursor::new(Vec::new());
        clip.write_wav(&mut file).unwrap();
        let bytes = file.into_inner();
        assert_eq!(Clip::read_wav(&bytes[..]).unwrap(), clip);
        // Cut the stream short, as a pipe from a TTS engine can be.
        let cut = Clip::read_wav(&bytes[..bytes.len() - 101]).unwrap();
        assert_eq!(cut.samples.len(), 2205 - 51);
    }
}
