//! The display's settings: a TOML file (`/etc/giliran/display.toml` from the .deb) and flags
//! that override it, checked together at start so a mistake stops the display with a message
//! that says which setting is wrong and why, instead of a blank TV.

use std::path::{Path, PathBuf};

use clap::Parser;
use serde::Deserialize;
use url::Url;

use crate::speech::Engine;

/// Where the .deb puts the configuration file.
pub const DEFAULT_FILE: &str = "/etc/giliran/display.toml";

#[derive(Debug, Parser, Default)]
#[command(
    name = "giliran-display",
    version,
    about = "Giliran's waiting-room display: shows every call and speaks it"
)]
pub struct Flags {
    /// Configuration file [default: /etc/giliran/display.toml, if it exists].
    #[arg(long, env = "GILIRAN_DISPLAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// The Giliran server, such as http://giliran.local:8080.
    #[arg(long)]
    pub server: Option<String>,
    /// The display device's token, from the admin panel's Displays page.
    #[arg(long, env = "GILIRAN_DISPLAY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// landscape or portrait (a TV turned on its side).
    #[arg(long)]
    pub layout: Option<String>,
    /// espeak:VOICE, piper:MODEL.onnx or none [default: espeak with the server's voice].
    #[arg(long)]
    pub voice: Option<String>,
    /// Loudness, 0 to 100.
    #[arg(long)]
    pub volume: Option<u8>,
    /// Fill the screen (true or false).
    #[arg(long)]
    pub fullscreen: Option<bool>,
    /// The ALSA device to play on, such as default or hdmi:CARD=vc4hdmi0.
    #[arg(long)]
    pub alsa_device: Option<String>,
    /// Write every announcement to this WAV file instead of playing it.
    #[arg(long)]
    pub audio_out: Option<PathBuf>,
    /// Draw into memory instead of a screen (servers without a TV, tests, measurements).
    #[arg(long)]
    pub headless: bool,
    /// With --headless: the screen's size, such as 1920x1080.
    #[arg(long)]
    pub size: Option<String>,
    /// With --headless: save a PNG of the board here after each change.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Draw a known board to a PNG and sound a chime into a WAV in this folder, then exit.
    #[arg(long, value_name = "FOLDER")]
    pub self_test: Option<PathBuf>,
}

/// The file: every key optional, unknown keys refused (a typo must not be silently ignored).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    server: Option<String>,
    token: Option<String>,
    layout: Option<String>,
    voice: Option<String>,
    volume: Option<u8>,
    fullscreen: Option<bool>,
    alsa_device: Option<String>,
    audio_out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Landscape,
    Portrait,
}

/// Where announcements are heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Alsa(String),
    WavFile(PathBuf),
}

/// Which voice speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceChoice {
    /// espeak-ng with the voice the admin chose in the panel.
    Server,
    Fixed(Engine),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub server: Url,
    pub token: String,
    pub layout: Layout,
    pub voice: VoiceChoice,
    /// 0.0 to 1.0.
    pub volume: f32,
    pub fullscreen: bool,
    pub output: Output,
    /// `Some((width, height))` to draw into memory.
    pub headless: Option<(u32, u32)>,
    pub screenshot: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path} is not valid: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("{0} is not set: give --{0} or put `{0} = ...` in the configuration file")]
    Missing(&'static str),
    #[error("{setting} = {value:?}: {reason}")]
    Invalid {
        setting: &'static str,
        value: String,
        reason: String,
    },
}

fn invalid(setting: &'static str, value: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting,
        value: value.to_owned(),
        reason: reason.into(),
    }
}

impl Config {
    /// Flags over the file over the defaults, all checked.
    pub fn from_flags(flags: &Flags) -> Result<Config, ConfigError> {
        let file = read_file(flags.config.as_deref())?;
        let server = flags
            .server
            .clone()
            .or(file.server)
            .ok_or(ConfigError::Missing("server"))?;
        let token = flags
            .token
            .clone()
            .or(file.token)
            .ok_or(ConfigError::Missing("token"))?;
        let layout = flags.layout.clone().or(file.layout);
        let voice = flags.voice.clone().or(file.voice);
        let volume = flags.volume.or(file.volume).unwrap_or(100);
        let audio_out = flags.audio_out.clone().or(file.audio_out);
        let alsa_device = flags
            .alsa_device
            .clone()
            .or(file.alsa_device)
            .unwrap_or_else(|| "default".into());
        let layout = parse_layout(layout.as_deref())?;
        Ok(Config {
            server: parse_server(&server)?,
            token: parse_token(&token)?,
            voice: parse_voice(voice.as_deref())?,
            volume: parse_volume(volume)?,
            fullscreen: flags.fullscreen.or(file.fullscreen).unwrap_or(true),
            output: parse_output(audio_out, alsa_device)?,
            headless: if flags.headless {
                Some(parse_size(flags.size.as_deref(), layout)?)
            } else {
                None
            },
            layout,
            screenshot: flags.screenshot.clone(),
        })
    }
}

fn read_file(path: Option<&Path>) -> Result<File, ConfigError> {
    let (path, required) = match path {
        Some(path) => (path, true),
        None => (Path::new(DEFAULT_FILE), false),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if !required && error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(File::default());
        }
        Err(error) => {
            return Err(ConfigError::Read {
                path: path.to_owned(),
                reason: error.to_string(),
            });
        }
    };
    toml::from_str(&text).map_err(|error| ConfigError::File {
        path: path.to_owned(),
        reason: error.to_string().trim().to_owned(),
    })
}

fn parse_server(value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|error| invalid("server", value, error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(
            "server",
            value,
            "must be the server's http:// or https:// address",
        ));
    }
    Ok(url)
}

fn parse_token(value: &str) -> Result<String, ConfigError> {
    let token = value.trim();
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConfigError::Invalid {
            setting: "token",
            value: "(hidden)".into(),
            reason: "must be the token shown once on the admin panel's Displays page".into(),
        });
    }
    Ok(token.to_owned())
}

fn parse_layout(value: Option<&str>) -> Result<Layout, ConfigError> {
    match value {
        None | Some("landscape") => Ok(Layout::Landscape),
        Some("portrait") => Ok(Layout::Portrait),
        Some(other) => Err(invalid("layout", other, "must be landscape or portrait")),
    }
}

fn parse_voice(value: Option<&str>) -> Result<VoiceChoice, ConfigError> {
    let Some(value) = value else {
        return Ok(VoiceChoice::Server);
    };
    let engine = match value.split_once(':') {
        _ if value == "none" => Engine::None,
        Some(("espeak", voice)) if !voice.is_empty() => Engine::Espeak {
            voice: voice.to_owned(),
        },
        Some(("piper", model)) => {
            let model = PathBuf::from(model);
            if !model.is_file() {
                return Err(invalid(
                    "voice",
                    value,
                    "the Piper model file does not exist",
                ));
            }
            Engine::Piper { model }
        }
        _ => {
            return Err(invalid(
                "voice",
                value,
                "must be espeak:VOICE (such as espeak:id), piper:MODEL.onnx or none",
            ));
        }
    };
    Ok(VoiceChoice::Fixed(engine))
}

fn parse_volume(volume: u8) -> Result<f32, ConfigError> {
    if volume > 100 {
        return Err(invalid("volume", &volume.to_string(), "must be 0 to 100"));
    }
    Ok(f32::from(volume) / 100.0)
}

fn parse_output(audio_out: Option<PathBuf>, alsa_device: String) -> Result<Output, ConfigError> {
    let Some(path) = audio_out else {
        if alsa_device.trim().is_empty() {
            return Err(invalid(
                "alsa_device",
                &alsa_device,
                "must name an ALSA device",
            ));
        }
        return Ok(Output::Alsa(alsa_device));
    };
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(invalid(
            "audio_out",
            &path.display().to_string(),
            "its folder does not exist",
        ));
    }
    Ok(Output::WavFile(path))
}

fn parse_size(value: Option<&str>, layout: Layout) -> Result<(u32, u32), ConfigError> {
    let Some(value) = value else {
        return Ok(match layout {
            Layout::Landscape => (1920, 1080),
            Layout::Portrait => (1080, 1920),
        });
    };
    value
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .filter(|&(w, h): &(u32, u32)| (320..=7680).contains(&w) && (240..=7680).contains(&h))
        .ok_or_else(|| invalid("size", value, "must be WIDTHxHEIGHT, such as 1920x1080"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    fn flags(config: &tempfile::NamedTempFile) -> Flags {
        Flags {
            config: Some(config.path().to_owned()),
            ..Flags::default()
        }
    }

    #[test]
    fn the_file_gives_the_settings_and_flags_override_it() {
        let config = file(
            "server = \"http://giliran.local:8080\"\ntoken = \"dsp_abc\"\nlayout = \"portrait\"\n\
             voice = \"espeak:id\"\nvolume = 80\nfullscreen = false\n",
        );
        let from_file = Config::from_flags(&flags(&config)).unwrap();
        assert_eq!(from_file.server.as_str(), "http://giliran.local:8080/");
        assert_eq!(from_file.token, "dsp_abc");
        assert_eq!(from_file.layout, Layout::Portrait);
        assert_eq!(
            from_file.voice,
            VoiceChoice::Fixed(Engine::Espeak { voice: "id".into() })
        );
        assert_eq!(from_file.volume, 0.8);
        assert!(!from_file.fullscreen);
        assert_eq!(from_file.output, Output::Alsa("default".into()));
        assert_eq!(from_file.headless, None);

        let overridden = Config::from_flags(&Flags {
            volume: Some(30),
            voice: Some("none".into()),
            headless: true,
            ..flags(&config)
        })
        .unwrap();
        assert_eq!(overridden.volume, 0.3);
        assert_eq!(overridden.voice, VoiceChoice::Fixed(Engine::None));
        assert_eq!(
            overridden.headless,
            Some((1080, 1920)),
            "portrait by default"
        );
    }

    #[test]
    fn without_a_voice_the_display_follows_the_servers() {
        let config = file("server = \"https://rs.example\"\ntoken = \"t\"\n");
        let config = Config::from_flags(&flags(&config)).unwrap();
        assert_eq!(config.voice, VoiceChoice::Server);
        assert_eq!(config.layout, Layout::Landscape);
        assert_eq!(config.volume, 1.0);
        assert!(config.fullscreen);
    }

    #[test]
    fn each_mistake_is_named() {
        let cases = [
            ("token = \"t\"\n", "server is not set"),
            ("server = \"http://x\"\n", "token is not set"),
            (
                "server = \"ftp://x\"\ntoken = \"t\"\n",
                "server = \"ftp://x\"",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\nlayout = \"sideways\"\n",
                "landscape or portrait",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\nvolume = 150\n",
                "must be 0 to 100",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\nvoice = \"festival\"\n",
                "espeak:VOICE",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\nvoice = \"piper:/no/such.onnx\"\n",
                "does not exist",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\naudio_out = \"/no/such/dir/a.wav\"\n",
                "folder does not exist",
            ),
            (
                "server = \"http://x\"\ntoken = \"t\"\nvolum = 5\n",
                "unknown field `volum`",
            ),
            (
                "server = \"http://x\"\ntoken = \"two words\"\n",
                "token = \"(hidden)\"",
            ),
            ("server = http://x\n", "is not valid"),
        ];
        for (text, expected) in cases {
            let config = file(text);
            let error = Config::from_flags(&flags(&config)).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn a_named_file_must_exist_and_sizes_are_checked() {
        let missing = Flags {
            config: Some("/no/such/display.toml".into()),
            ..Flags::default()
        };
        let error = Config::from_flags(&missing).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot read /no/such/display.toml"),
            "{error}"
        );

        let config = file("server = \"http://x\"\ntoken = \"t\"\n");
        for (size, ok) in [
            ("1280x720", true),
            ("720x1280", true),
            ("1280", false),
            ("0x0", false),
        ] {
            let result = Config::from_flags(&Flags {
                headless: true,
                size: Some(size.into()),
                ..flags(&config)
            });
            assert_eq!(result.is_ok(), ok, "{size}: {result:?}");
        }
    }
}
