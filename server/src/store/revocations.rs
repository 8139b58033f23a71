//! Revoked credentials, announced so open event streams that rely on them close at once: on
//! this server directly, on other replicas through PostgreSQL NOTIFY.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Store;
use crate::db::{Dialect, Tx, args};
use crate::error::StoreError;

/// The PostgreSQL channel revocations travel on; the payload is a [`Revoked`] as JSON.
pub const REVOKE_CHANNEL: &str = "giliran_revoke";

/// A credential that no longer opens anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Revoked {
    Display {
        id: Uuid,
    },
    /// Every session of this user (disabled, or a new password).
    User {
        id: Uuid,
    },
    /// One session (logout), by the hex of its token hash.
    Session {
        token_hash: String,
    },
}

impl Revoked {
    pub fn session(token_hash: &[u8]) -> Revoked {
        Revoked::Session {
            token_hash: token_hash.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// Queues the announcement in `tx`: PostgreSQL delivers it to every replica at commit.
pub(crate) async fn announce(tx: &mut Tx, revoked: &Revoked) -> Result<(), StoreError> {
    if tx.dialect() == Dialect::Postgres {
        let payload =
            serde_json::to_string(revoked).map_err(|e| StoreError::Internal(e.to_string()))?;
        tx.execute("SELECT pg_notify('giliran_revoke', $1)", args![payload])
            .await?;
    }
    Ok(())
}

impl Store {
    /// Commits a transaction that revoked `revoked` and tells this server's streams.
    pub(crate) async fn commit_revocation(
        &self,
        tx: Tx,
        revoked: Revoked,
    ) -> Result<(), StoreError> {
        tx.commit().await?;
        // Nobody listening is fine: no stream uses the credential.
        let _ = self.revocations.send(revoked);
        Ok(())
    }
}
