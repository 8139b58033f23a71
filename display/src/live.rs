//! The display's link to the server: subscribes with the device token through the core's
//! client (snapshot, resume, reconnect), applies every message to the core's display view,
//! queues each new call for the announcer, and publishes what the screen should show.

use std::time::Duration;

use giliran_core::client::{ApiClient, StreamOptions, StreamUpdate};
use giliran_core::view::{DisplayView, Reduce};
use giliran_core::wire::DisplaySettings;
use tokio::sync::watch;

use crate::announcer::Announcements;
use crate::script::Script;
use crate::speech::Engine;

/// Settings have no event of their own: they are read at each connection and this often while
/// connected, so a new running text reaches the room within a minute.
pub const SETTINGS_REFRESH: Duration = Duration::from_secs(60);

/// Everything the screen draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Screen {
    pub view: DisplayView,
    pub settings: Option<DisplaySettings>,
    /// Connected to the server now; while not, the last state stays with an offline banner.
    pub online: bool,
    /// The server refused the device's token (revoked or unknown): nothing more will come.
    pub refused: Option<String>,
    /// Calls (and recalls) heard live since the display started: each one flashes the board.
    pub calls_heard: u64,
}

/// Runs until the server refuses the token for good. `screen` gets every change. With
/// `follow_server_voice`, the espeak-ng voice named in the server's settings speaks the calls.
pub async fn run(
    client: ApiClient,
    announcements: Announcements,
    screen: watch::Sender<Screen>,
    follow_server_voice: bool,
) {
    let mut link = Link {
        client,
        announcements,
        screen,
        script: Script::default(),
        voice: None,
        follow_server_voice,
    };
    let mut subscription = match link.client.subscribe(StreamOptions::default()) {
        Ok(subscription) => subscription,
        Err(error) => {
            link.screen
                .send_modify(|s| s.refused = Some(error.to_string()));
            return;
        }
    };
    let first_refresh = tokio::time::Instant::now() + SETTINGS_REFRESH;
    let mut refresh = tokio::time::interval_at(first_refresh, SETTINGS_REFRESH);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            update = subscription.recv() => match update {
                Some(update) => {
                    if !link.apply(update).await {
                        return;
                    }
                }
                None => return,
            },
            _ = refresh.tick(), if link.screen.borrow().online => link.refresh_settings().await,
        }
    }
}

struct Link {
    client: ApiClient,
    announcements: Announcements,
    screen: watch::Sender<Screen>,
    script: Script,
    /// The server's voice now in use, when following it.
    voice: Option<String>,
    follow_server_voice: bool,
}

impl Link {
    /// False once the server has refused the display for good.
    async fn apply(&mut self, update: StreamUpdate) -> bool {
        match update {
            StreamUpdate::Connected => {
                // Settings may have changed while away.
                self.refresh_settings().await;
                self.screen.send_modify(|s| s.online = true);
                tracing::info!("connected to the server");
            }
            StreamUpdate::Message(message) => {
                let (announcements, script) = (&self.announcements, &self.script);
                self.screen.send_modify(|s| {
                    s.view.apply(&message);
                    for call in s.view.take_announcements() {
                        announcements.say(script.line(&call));
                        s.calls_heard += 1;
                    }
                });
            }
            StreamUpdate::Disconnected { reason, retry_in } => {
                tracing::warn!(%reason, ?retry_in, "server unreachable");
                self.screen.send_modify(|s| s.online = false);
            }
            StreamUpdate::Ended(error) => {
                tracing::error!(%error, "the server refused this display");
                self.screen.send_modify(|s| {
                    s.online = false;
                    s.refused = Some(error.to_string());
                });
                return false;
            }
        }
        true
    }

    /// A failure keeps the last settings.
    async fn refresh_settings(&mut self) {
        let settings = match self.client.display_settings().await {
            Ok(settings) => settings,
            Err(error) => {
                tracing::warn!(%error, "display settings unavailable");
                return;
            }
        };
        self.script = Script::from_settings(&settings);
        if self.follow_server_voice && self.voice.as_ref() != Some(&settings.voice) {
            let engine = Engine::Espeak {
                voice: settings.voice.clone(),
            };
            self.announcements.use_voice(engine.voice());
            self.voice = Some(settings.voice.clone());
        }
        self.screen.send_if_modified(|s| {
            let changed = s.settings.as_ref() != Some(&settings);
            s.settings = Some(settings);
            changed
        });
    }
}
