//! Playing announcements on the sound card through ALSA (HDMI to the TV on a Raspberry Pi).
//! The device is opened for each announcement and closed after it, so a TV switched off and on
//! again, or another program's sound, does not leave the display mute.

use alsa::pcm::{Access, Format, HwParams, PCM};
use alsa::{Direction, ValueOr};

use crate::announcer::Speaker;
use crate::audio::{AudioError, Clip};

pub struct SoundCard {
    device: String,
}

impl SoundCard {
    /// `device` as ALSA names it: `default`, `hdmi:CARD=vc4hdmi0`, `plughw:1,0`…
    pub fn new(device: impl Into<String>) -> SoundCard {
        SoundCard {
            device: device.into(),
        }
    }

    fn open(&self, rate: u32) -> alsa::Result<PCM> {
        let pcm = PCM::new(&self.device, Direction::Playback, false)?;
        {
            let params = HwParams::any(&pcm)?;
            params.set_channels(1)?;
            // Exact: ALSA's plug layer (in "default") converts for cards that cannot.
            params.set_rate(rate, ValueOr::Nearest)?;
            params.set_format(Format::s16())?;
            params.set_access(Access::RWInterleaved)?;
            pcm.hw_params(&params)?;
        }
        Ok(pcm)
    }

    fn write(&self, clip: &Clip) -> Result<(), AudioError> {
        let pcm = self.open(clip.rate).map_err(|e| self.error(e))?;
        let rate = pcm
            .hw_params_current()
            .and_then(|p| p.get_rate())
            .map_err(|e| self.error(e))?;
        if rate != clip.rate {
            // A bare hw: device that cannot take the voice's rate would play it at the wrong
            // pitch; plughw: or default converts.
            return Err(self.error(format!(
                "it plays at {rate} Hz, not {} Hz; use plughw: or default",
                clip.rate
            )));
        }
        self.play_on(&pcm, clip).map_err(|e| self.error(e))
    }

    fn play_on(&self, pcm: &PCM, clip: &Clip) -> alsa::Result<()> {
        let io = pcm.io_i16()?;
        let mut rest = &clip.samples[..];
        while !rest.is_empty() {
            match io.writei(rest) {
                Ok(written) => rest = &rest[written..],
                // An underrun (the card ran dry while a slow moment held us up): carry on.
                Err(error) => pcm.try_recover(error, true)?,
            }
        }
        pcm.drain()
    }

    fn error(&self, reason: impl ToString) -> AudioError {
        AudioError::Device {
            device: self.device.clone(),
            reason: reason.to_string(),
        }
    }
}

impl Speaker for SoundCard {
    fn play(&mut self, clip: &Clip) -> Result<(), AudioError> {
        self.write(clip)
    }
}
