//! Staff and admin accounts, their counters, and bearer sessions.

use std::net::IpAddr;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use giliran_core::wire::{LoginResponse, NewUser, Role, User, UserUpdate};
use serde_json::json;
use uuid::Uuid;

use super::audit::{Actor, Audit};
use super::revocations::{Revoked, announce};
use super::{Store, tidy_label};
use crate::db::{Tx, args};
use crate::error::{Entity, StoreError};
use crate::tokens::{
    check_password_strength, hash_password, hash_token, new_token, verify_password,
};

/// How long a login lasts: a long hospital shift.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Who a bearer token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub counters: Vec<Uuid>,
}

impl Principal {
    /// Admins work at every counter; staff at the ones assigned to them.
    pub fn may_work_at(&self, counter_id: Uuid) -> bool {
        self.role == Role::Admin || self.counters.contains(&counter_id)
    }
}

/// How a login attempt ended.
#[derive(Debug)]
pub enum LoginOutcome {
    Welcome(LoginResponse),
    WrongCredentials,
    Disabled,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    #[sqlx(try_from = "String")]
    role: Role,
    disabled: bool,
    password_hash: String,
}

macro_rules! user_select {
    () => {
        "SELECT id, username, display_name, role, disabled, password_hash FROM users "
    };
}

/// The user of a live session: token hash `$1`, now `$2`; append further conditions.
macro_rules! live_session_user {
    () => {
        "SELECT u.id, u.username, u.display_name, u.role, u.disabled, u.password_hash \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 "
    };
}

#[derive(sqlx::FromRow)]
struct UserCounter {
    user_id: Uuid,
    counter_id: Uuid,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        message: message.into(),
    }
}

/// Usernames are typed on tablets: short, lower-case, no spaces.
fn check_username(raw: &str) -> Result<String, StoreError> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if ok {
        Ok(name)
    } else {
        Err(invalid(
            "username",
            "username must be 3 to 32 characters of a–z, 0–9, '.', '_' or '-'",
        ))
    }
}

fn check_display_name(raw: &str) -> Result<String, StoreError> {
    tidy_label("display_name", raw, 80)
}

async fn hash_off_thread(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Database(sqlx::Error::Protocol(format!("hashing task: {e}"))))?
        .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))
}

/// A hash to check passwords of unknown users against, so a login takes as long whether or not
/// the username exists.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for timing").unwrap_or_default())
}

impl Store {
    /// Checks a password and opens a session; every attempt, good or bad, is audited.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome, StoreError> {
        let username = username.trim().to_lowercase();
        let row: Option<UserRow> = self
            .db
            .fetch_optional(
                concat!(user_select!(), "WHERE username = $1"),
                args![username.clone()],
            )
            .await?;
        let stored = row
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |r| r.password_hash.clone());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .unwrap_or(false);
        let row = match row {
            Some(row) if matches => row,
            known_or_not => {
                // A wrong password is filed under the account it tried, so an admin sees who
                // is being guessed at; an unknown username under what was typed.
                let actor = Actor {
                    user_id: known_or_not.map(|r| r.id),
                    ..Actor::anonymous(Some(&username), ip)
                };
                self.audit_alone(Audit::new(&actor, "login_failed"), now)
                    .await?;
                return Ok(LoginOutcome::WrongCredentials);
            }
        };
        let actor = Actor {
            user_id: Some(row.id),
            username: Some(row.username.clone()),
            ip,
        };
        if row.disabled {
            self.audit_alone(Audit::new(&actor, "login_refused_disabled"), now)
                .await?;
            return Ok(LoginOutcome::Disabled);
        }
        let token = new_token();
        let expires_at = now + SESSION_LIFETIME;
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            args![hash_token(&token), row.id, now, expires_at],
        )
        .await?;
        // Expired sessions of this user are of no use to anyone.
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
            args![row.id, now],
        )
        .await?;
        Audit::new(&actor, "login").record(&mut tx, now)?;
        tx.commit().await?;
        let user = self.user(row.id).await?;
        Ok(LoginOutcome::Welcome(LoginResponse {
            token,
            expires_at,
            user,
        }))
    }

    /// Whether `password` is the user's own: a second proof before a change that cannot be
    /// taken back (a day reset), so a session left open on a counter's PC is not enough.
    pub async fn password_matches(
        &self,
        user_id: Uuid,
        password: &str,
    ) -> Result<bool, StoreError> {
        let row: Option<UserRow> = self
            .db
            .fetch_optional(concat!(user_select!(), "WHERE id = $1"), args![user_id])
            .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let password = password.to_owned();
        Ok(
            tokio::task::spawn_blocking(move || verify_password(&password, &row.password_hash))
                .await
                .unwrap_or(false),
        )
    }

    /// Ends the session of `token`; returns whether there was one.
    pub async fn logout(
        &self,
        token: &str,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let owner: Option<UserRow> = tx
            .fetch_optional(live_session_user!(), args![hash_token(token), now])
            .await?;
        // An expired session is already over: nobody logs out with it.
        let Some(owner) = owner else {
            return Ok(false);
        };
        tx.execute(
            "DELETE FROM sessions WHERE token_hash = $1",
            args![hash_token(token)],
        )
        .await?;
        let actor = Actor {
            user_id: Some(owner.id),
            username: Some(owner.username),
            ip,
        };
        Audit::new(&actor, "logout").record(&mut tx, now)?;
        let revoked = Revoked::session(&hash_token(token));
        announce(&mut tx, &revoked).await?;
        self.commit_revocation(tx, revoked).await?;
        Ok(true)
    }

    /// The principal behind a bearer token, if the session is live and the user enabled.
    pub async fn authenticate(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Principal>, StoreError> {
        let row: Option<UserRow> = self
            .db
            .fetch_optional(
                concat!(live_session_user!(), "AND u.disabled = FALSE"),
                args![hash_token(token), now],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let counters = self.counters_of(row.id).await?;
        Ok(Some(Principal {
            user_id: row.id,
            username: row.username,
            role: row.role,
            counters,
        }))
    }

    async fn counters_of(&self, user_id: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let links: Vec<UserCounter> = self
            .db
            .fetch_all(
                "SELECT uc.user_id, uc.counter_id FROM user_counters uc \
                 JOIN counters c ON c.id = uc.counter_id WHERE uc.user_id = $1 ORDER BY c.number",
                args![user_id],
            )
            .await?;
        Ok(links.into_iter().map(|l| l.counter_id).collect())
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = self
            .db
            .fetch_all(concat!(user_select!(), "ORDER BY username"), args![])
            .await?;
        let links: Vec<UserCounter> = self
            .db
            .fetch_all(
                "SELECT uc.user_id, uc.counter_id FROM user_counters uc \
                 JOIN counters c ON c.id = uc.counter_id ORDER BY c.number",
                args![],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let counters = links
                    .iter()
                    .filter(|l| l.user_id == row.id)
                    .map(|l| l.counter_id)
                    .collect();
                user_of(row, counters)
            })
            .collect())
    }

    pub async fn user(&self, id: Uuid) -> Result<User, StoreError> {
        let row: UserRow = self
            .db
            .fetch_optional(concat!(user_select!(), "WHERE id = $1"), args![id])
            .await?
            .ok_or(StoreError::NotFound(Entity::User))?;
        let counters = self.counters_of(id).await?;
        Ok(user_of(row, counters))
    }

    pub async fn create_user(
        &self,
        new: &NewUser,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let username = check_username(&new.username)?;
        let display_name = check_display_name(new.display_name.as_deref().unwrap_or(&username))?;
        check_password_strength(&new.password).map_err(|m| invalid("password", m))?;
        let hash = hash_off_thread(new.password.clone()).await?;
        let id = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO users (id, username, display_name, password_hash, role, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, FALSE, $6)",
            args![id, username.clone(), display_name.clone(), hash, new.role.as_str(), now],
        )
        .await
        .map_err(|e| StoreError::unique_as(e, "a user with this username"))?;
        set_counters(&mut tx, id, &new.counters).await?;
        Audit::new(actor, "create_user")
            .target(username.clone())
            .detail(json!({
                "user_id": id,
                "display_name": display_name,
                "role": new.role.as_str(),
                "counters": new.counters,
            }))
            .record(&mut tx, now)?;
        tx.commit().await?;
        self.user(id).await
    }

    /// Changes an account. A new password or disabling ends the user's sessions.
    pub async fn update_user(
        &self,
        id: Uuid,
        update: &UserUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let display_name = update
            .display_name
            .as_deref()
            .map(check_display_name)
            .transpose()?;
        // An admin who disables themself locks everyone out when they are the last one; and
        // only an enabled admin gets here, so this keeps at least one.
        if update.disabled == Some(true) && actor.user_id == Some(id) {
            return Err(invalid(
                "disabled",
                "you cannot disable your own account; another admin can",
            ));
        }
        let hash = match &update.password {
            Some(password) => {
                check_password_strength(password).map_err(|m| invalid("password", m))?;
                Some(hash_off_thread(password.clone()).await?)
            }
            None => None,
        };
        let mut tx = self.db.begin().await?;
        let exists: Option<String> = tx
            .scalar_optional("SELECT username FROM users WHERE id = $1", args![id])
            .await?;
        let username = exists.ok_or(StoreError::NotFound(Entity::User))?;
        // What changed, never the password itself.
        let detail = json!({
            "user_id": id,
            "display_name": display_name,
            "password_changed": update.password.is_some(),
            "counters": update.counters,
            "disabled": update.disabled,
        });
        if let Some(name) = display_name {
            tx.execute(
                "UPDATE users SET display_name = $1 WHERE id = $2",
                args![name, id],
            )
            .await?;
        }
        if let Some(hash) = hash {
            tx.execute(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                args![hash, id],
            )
            .await?;
        }
        if let Some(disabled) = update.disabled {
            tx.execute(
                "UPDATE users SET disabled = $1 WHERE id = $2",
                args![disabled, id],
            )
            .await?;
        }
        let ends_sessions = update.password.is_some() || update.disabled == Some(true);
        if ends_sessions {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", args![id])
                .await?;
        }
        // Open streams of the user close: for good when the sessions ended, or to reconnect
        // with the new counters' scope.
        let streams_change = ends_sessions || update.counters.is_some();
        if streams_change {
            announce(&mut tx, &Revoked::User { id }).await?;
        }
        if let Some(counters) = &update.counters {
            tx.execute("DELETE FROM user_counters WHERE user_id = $1", args![id])
                .await?;
            set_counters(&mut tx, id, counters).await?;
        }
        Audit::new(actor, "update_user")
            .target(username)
            .detail(detail)
            .record(&mut tx, now)?;
        if streams_change {
            self.commit_revocation(tx, Revoked::User { id }).await?;
        } else {
            tx.commit().await?;
        }
        self.user(id).await
    }

    /// Creates the first admin inside the seeding transaction.
    pub(super) async fn insert_admin(
        tx: &mut Tx,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let hash = hash_off_thread(password.to_owned()).await?;
        tx.execute(
            "INSERT INTO users (id, username, display_name, password_hash, role, disabled, created_at) \
             VALUES ($1, 'admin', 'Administrator', $2, 'admin', FALSE, $3)",
            args![Uuid::new_v4(), hash, now],
        )
        .await?;
        Ok(())
    }
}

fn user_of(row: UserRow, counters: Vec<Uuid>) -> User {
    User {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role: row.role,
        counters,
        disabled: row.disabled,
    }
}

async fn set_counters(tx: &mut Tx, user_id: Uuid, counters: &[Uuid]) -> Result<(), StoreError> {
    for counter_id in counters {
        let exists: Option<i64> = tx
            .scalar_optional(
                "SELECT number FROM counters WHERE id = $1",
                args![*counter_id],
            )
            .await?;
        exists.ok_or(StoreError::NotFound(Entity::Counter))?;
        tx.execute(
            "INSERT INTO user_counters (user_id, counter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            args![user_id, *counter_id],
        )
        .await?;
    }
    Ok(())
}
