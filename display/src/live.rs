//! The display's link to the server: subscribes with the device token through the core's
//! client (snapshot, resume, reconnect), applies every message to the core's display view,
//! queues each new call for the announcer, and publishes what the screen should show.

use giliran_core::client::{ApiClient, StreamOptions, StreamUpdate};
use giliran_core::view::{DisplayView, Reduce};
use giliran_core::wire::DisplaySettings;
use tokio::sync::watch;

use crate::announcer::Announcements;
use crate::script::Script;

/// Everything the screen draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Screen {
    pub view: DisplayView,
    pub settings: Option<DisplaySettings>,
    /// Connected to the server now; while not, the last state stays with an offline banner.
    pub online: bool,
    /// The server refused the device's token (revoked or unknown): nothing more will come.
    pub refused: Option<String>,
}

/// Runs until the server refuses the token for good. `screen` gets every change.
pub async fn run(client: ApiClient, announcements: Announcements, screen: watch::Sender<Screen>) {
    let mut script = Script::default();
    let mut subscription = match client.subscribe(StreamOptions::default()) {
        Ok(subscription) => subscription,
        Err(error) => {
            screen.send_modify(|s| s.refused = Some(error.to_string()));
            return;
        }
    };
    while let Some(update) = subscription.recv().await {
        match update {
            StreamUpdate::Connected => {
                // Settings may have changed while away; a failure keeps the last ones.
                match client.display_settings().await {
                    Ok(settings) => {
                        script = Script::from_settings(&settings);
                        screen.send_modify(|s| s.settings = Some(settings));
                    }
                    Err(error) => tracing::warn!(%error, "display settings unavailable"),
                }
                screen.send_modify(|s| s.online = true);
            }
            StreamUpdate::Message(message) => {
                screen.send_modify(|s| {
                    s.view.apply(&message);
                    for call in s.view.take_announcements() {
                        announcements.say(script.line(&call));
                    }
                });
            }
            StreamUpdate::Disconnected { reason, retry_in } => {
                tracing::warn!(%reason, ?retry_in, "server unreachable");
                screen.send_modify(|s| s.online = false);
            }
            StreamUpdate::Ended(error) => {
                tracing::error!(%error, "the server refused this display");
                screen.send_modify(|s| {
                    s.online = false;
                    s.refused = Some(error.to_string());
                });
                return;
            }
        }
    }
}
