//! Waiting-room display devices and the settings they show.

use chrono::{DateTime, Duration, Utc};
use giliran_core::announce::{Language as AnnounceLanguage, Template};
use giliran_core::wire::{DEFAULT_VOICE, DisplayDevice, DisplaySettings, SettingsUpdate};
use serde_json::json;
use uuid::Uuid;

use super::audit::{Actor, Audit};
use super::revocations::{Revoked, announce};
use super::{Store, tidy_label};
use crate::db::args;
use crate::error::{Entity, StoreError};
use crate::tokens::{hash_token, new_token};

/// A display's `last_seen_at` is written at most this often, so a room full of reconnecting
/// displays does not turn into a stream of writes.
pub const LAST_SEEN_EVERY: Duration = Duration::minutes(1);

const MAX_MARQUEE_CHARS: usize = 500;

#[derive(sqlx::FromRow)]
struct DisplayRow {
    id: Uuid,
    name: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    last_seen_at: Option<DateTime<Utc>>,
}

impl From<DisplayRow> for DisplayDevice {
    fn from(row: DisplayRow) -> DisplayDevice {
        DisplayDevice {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
            last_seen_at: row.last_seen_at,
        }
    }
}

macro_rules! display_select {
    () => {
        "SELECT id, name, created_at, revoked_at, last_seen_at FROM display_devices "
    };
}

/// Marquee text is shown, not typed on: collapse whitespace, refuse control characters.
fn check_marquee(raw: &str) -> Result<String, StoreError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_MARQUEE_CHARS || text.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field: "marquee",
            message: format!("marquee must be at most {MAX_MARQUEE_CHARS} printable characters"),
        });
    }
    Ok(text)
}

/// A speech engine's voice name, such as espeak-ng's `id` or `mb-id1`.
fn check_voice(raw: &str) -> Result<String, StoreError> {
    let voice = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.');
    if voice.is_empty() || voice.len() > 40 || !voice.chars().all(allowed) {
        return Err(StoreError::Invalid {
            field: "voice",
            message: "voice must be 1 to 40 letters, digits, '-', '_', '+' or '.'".into(),
        });
    }
    Ok(voice.to_owned())
}

impl Store {
    pub async fn displays(&self) -> Result<Vec<DisplayDevice>, StoreError> {
        let rows: Vec<DisplayRow> = self
            .db
            .fetch_all(
                concat!(display_select!(), "ORDER BY created_at, id"),
                args![],
            )
            .await?;
        Ok(rows.into_iter().map(DisplayDevice::from).collect())
    }

    async fn display(&self, id: Uuid) -> Result<DisplayDevice, StoreError> {
        let row: Option<DisplayRow> = self
            .db
            .fetch_optional(concat!(display_select!(), "WHERE id = $1"), args![id])
            .await?;
        row.map(DisplayDevice::from)
            .ok_or(StoreError::NotFound(Entity::Display))
    }

    /// A new display and its token, which is never stored and so cannot be shown again.
    pub async fn create_display(
        &self,
        name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(DisplayDevice, String), StoreError> {
        let name = tidy_label("name", name, 80)?;
        let id = Uuid::new_v4();
        let token = new_token();
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO display_devices (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            args![id, name.clone(), hash_token(&token), now],
        )
        .await?;
        Audit::new(actor, "create_display")
            .target(name)
            .detail(json!({ "display_id": id }))
            .record(&mut tx, now)?;
        tx.commit().await?;
        Ok((self.display(id).await?, token))
    }

    /// Revokes a display: its token stops opening anything, and its open stream is closed.
    /// Revoking twice keeps the first time.
    pub async fn revoke_display(
        &self,
        id: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<DisplayDevice, StoreError> {
        let mut tx = self.db.begin().await?;
        let name: Option<String> = tx
            .scalar_optional("SELECT name FROM display_devices WHERE id = $1", args![id])
            .await?;
        let name = name.ok_or(StoreError::NotFound(Entity::Display))?;
        let changed = tx
            .execute(
                "UPDATE display_devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                args![now, id],
            )
            .await?;
        if changed > 0 {
            Audit::new(actor, "revoke_display")
                .target(name)
                .detail(json!({ "display_id": id }))
                .record(&mut tx, now)?;
        }
        let revoked = Revoked::Display { id };
        announce(&mut tx, &revoked).await?;
        self.commit_revocation(tx, revoked).await?;
        self.display(id).await
    }

    /// The display behind a token, unless unknown or revoked; notes that it was seen.
    pub async fn authenticate_display(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>, StoreError> {
        let row: Option<DisplayRow> = self
            .db
            .fetch_optional(
                concat!(
                    display_select!(),
                    "WHERE token_hash = $1 AND revoked_at IS NULL"
                ),
                args![hash_token(token)],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        // Only a stale sighting takes the write lock: a room of displays reconnecting after a
        // restart should not queue behind each other, or behind a call.
        if row
            .last_seen_at
            .is_none_or(|seen| seen < now - LAST_SEEN_EVERY)
        {
            self.display_seen(row.id, now).await?;
        }
        Ok(Some(row.id))
    }

    /// Records that display `id` is alive, at most once per [`LAST_SEEN_EVERY`].
    pub async fn display_seen(&self, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE display_devices SET last_seen_at = $1 \
             WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)",
            args![now, id, now - LAST_SEEN_EVERY],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether display `id` may still stream.
    pub async fn display_active(&self, id: Uuid) -> Result<bool, StoreError> {
        let live: Option<Uuid> = self
            .db
            .scalar_optional(
                "SELECT id FROM display_devices WHERE id = $1 AND revoked_at IS NULL",
                args![id],
            )
            .await?;
        Ok(live.is_some())
    }

    /// Every page and every display connection reads these: one query, not one per key.
    pub async fn display_settings(&self) -> Result<DisplaySettings, StoreError> {
        let rows: Vec<(String, String)> = self
            .db
            .fetch_all(
                "SELECT key, value FROM settings WHERE key IN \
                 ('hospital_name', 'marquee', 'announcement_template', 'announcement_language', 'voice')",
                args![],
            )
            .await?;
        let mut stored: std::collections::HashMap<String, String> = rows.into_iter().collect();
        let mut setting = |key: &str| stored.remove(key);
        Ok(DisplaySettings {
            hospital_name: setting("hospital_name").unwrap_or_default(),
            marquee: setting("marquee").unwrap_or_default(),
            time_zone: self.calendar.time_zone().name().to_owned(),
            announcement_template: setting("announcement_template")
                .unwrap_or_else(|| Template::default().as_str().to_owned()),
            announcement_language: setting("announcement_language")
                .unwrap_or_else(|| AnnounceLanguage::default().as_str().to_owned()),
            voice: setting("voice").unwrap_or_else(|| DEFAULT_VOICE.to_owned()),
        })
    }

    pub async fn update_settings(
        &self,
        update: &SettingsUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<DisplaySettings, StoreError> {
        let hospital_name = match update.hospital_name.as_deref() {
            // An empty name clears it; anything else is a label.
            Some(name) if name.trim().is_empty() => Some(String::new()),
            Some(name) => Some(tidy_label("hospital_name", name, 120)?),
            None => None,
        };
        let marquee = update.marquee.as_deref().map(check_marquee).transpose()?;
        let template = update
            .announcement_template
            .as_deref()
            .map(|raw| {
                Template::parse(raw.trim())
                    .map(|t| t.as_str().to_owned())
                    .map_err(|e| StoreError::Invalid {
                        field: "announcement_template",
                        message: e.to_string(),
                    })
            })
            .transpose()?;
        let language = update
            .announcement_language
            .as_deref()
            .map(|raw| {
                AnnounceLanguage::parse(raw)
                    .map(|l| l.as_str().to_owned())
                    .map_err(|_| StoreError::Invalid {
                        field: "announcement_language",
                        message: "announcement_language must be id or en".into(),
                    })
            })
            .transpose()?;
        let voice = update.voice.as_deref().map(check_voice).transpose()?;
        let mut tx = self.db.begin().await?;
        for (key, value) in [
            ("hospital_name", &hospital_name),
            ("marquee", &marquee),
            ("announcement_template", &template),
            ("announcement_language", &language),
            ("voice", &voice),
        ] {
            if let Some(value) = value {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    args![key, value.clone()],
                )
                .await?;
            }
        }
        Audit::new(actor, "update_settings")
            .detail(json!({
                "hospital_name": hospital_name,
                "marquee": marquee,
                "announcement_template": template,
                "announcement_language": language,
                "voice": voice,
            }))
            .record(&mut tx, now)?;
        tx.commit().await?;
        self.display_settings().await
    }
}
