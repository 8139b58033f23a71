//! The display as it runs: the board on the UI thread (Slint's event loop), the link to the
//! server on its own thread, the announcer on a third, joined by channels.

use std::rc::Rc;

use anyhow::Context;
use giliran_core::client::ApiClient;
use slint::ComponentHandle;
use tokio::sync::watch;

use crate::announcer::{Announcer, Speaker, WavFile};
use crate::config::{Config, Layout, Output, VoiceChoice};
use crate::headless;
use crate::live::{self, Screen};
use crate::sound_card::SoundCard;
use crate::speech::Engine;
use crate::ui::{BoardWindow, Presenter};

pub fn run(config: Config) -> anyhow::Result<()> {
    let headless = match config.headless {
        Some((width, height)) => Some(headless::install(width, height)?),
        None => {
            turn_for(config.layout);
            None
        }
    };
    let window = BoardWindow::new().context("cannot open the screen")?;
    if headless.is_none() {
        if config.fullscreen {
            window.window().set_fullscreen(true);
        } else {
            let (width, height) = match config.layout {
                Layout::Landscape => (1280.0, 720.0),
                Layout::Portrait => (720.0, 1280.0),
            };
            window
                .window()
                .set_size(slint::LogicalSize::new(width, height));
        }
    }
    let presenter = Presenter::new(window);
    presenter.start_clock();

    let speaker: Box<dyn Speaker> = match &config.output {
        Output::Alsa(device) => Box::new(SoundCard::new(device)),
        Output::WavFile(path) => Box::new(WavFile::create(path)),
    };
    let (engine, follow_server_voice) = match &config.voice {
        VoiceChoice::Fixed(engine) => (engine.clone(), false),
        // Until the server's settings arrive.
        VoiceChoice::Server => (
            Engine::Espeak {
                voice: giliran_core::wire::DEFAULT_VOICE.into(),
            },
            true,
        ),
    };
    let announcements = Announcer::new(engine.voice(), config.volume).start(speaker);
    let client = ApiClient::new(config.server.as_str())
        .context("cannot reach the server")?
        .with_token(config.token.clone());
    let (screen_tx, mut screen_rx) = watch::channel(Screen::default());
    std::thread::Builder::new()
        .name("link".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => runtime.block_on(live::run(
                    client,
                    announcements,
                    screen_tx,
                    follow_server_voice,
                )),
                Err(error) => tracing::error!(%error, "cannot start the link to the server"),
            }
        })
        .context("cannot start the link to the server")?;

    let shown = Rc::clone(&presenter);
    let screenshot = headless.clone().zip(config.screenshot.clone());
    slint::spawn_local(async move {
        loop {
            let now = screen_rx.borrow_and_update().clone();
            shown.show(&now);
            if let Some((screen, path)) = &screenshot {
                screen.save_next_frame(path.clone());
            }
            if screen_rx.changed().await.is_err() {
                return;
            }
        }
    })
    .context("cannot follow the server")?;
    presenter.window().run().context("the screen stopped")?;
    Ok(())
}

/// A TV turned on its side: the KMS backend turns the picture to match. The board then lays
/// itself out for the tall screen it finds.
fn turn_for(layout: Layout) {
    const ROTATION: &str = "SLINT_KMS_ROTATION";
    if layout == Layout::Portrait && std::env::var_os(ROTATION).is_none() {
        // SAFETY: called on the main thread before Slint, the link or the announcer start
        // any thread, so nothing reads the environment concurrently.
        unsafe { std::env::set_var(ROTATION, "90") };
    }
}
