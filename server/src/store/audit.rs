//! The audit log: who did what and when, written in the transaction of the change itself, so
//! a change is never without its entry nor an entry without its change.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use giliran_core::wire::{AuditEntry, AuditPage};
use serde_json::Value;
use uuid::Uuid;

use super::{Principal, Store};
use crate::db::{AuditLine, Deferred, Tx, args};
use crate::error::StoreError;

/// Who is acting, as the audit log records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub ip: Option<IpAddr>,
}

impl Actor {
    pub fn user(principal: &Principal, ip: Option<IpAddr>) -> Actor {
        Actor {
            user_id: Some(principal.user_id),
            username: Some(principal.username.clone()),
            ip,
        }
    }

    /// Somebody not (yet) known: a failed login records the username they typed.
    pub fn anonymous(typed_username: Option<&str>, ip: Option<IpAddr>) -> Actor {
        Actor {
            user_id: None,
            username: typed_username.map(|u| u.chars().take(64).collect()),
            ip,
        }
    }
}

/// One entry, before it is written.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub action: &'static str,
    pub target: Option<String>,
    pub detail: Option<Value>,
    pub actor: &'a Actor,
}

impl<'a> Audit<'a> {
    pub fn new(actor: &'a Actor, action: &'static str) -> Audit<'a> {
        Audit {
            action,
            target: None,
            detail: None,
            actor,
        }
    }

    pub fn target(mut self, target: impl Into<String>) -> Audit<'a> {
        self.target = Some(target.into());
        self
    }

    pub fn detail(mut self, detail: Value) -> Audit<'a> {
        self.detail = Some(detail);
        self
    }

    /// Adds the entry to `tx`: it is written when the change it describes commits, and not
    /// at all if that change rolls back.
    pub fn record(self, tx: &mut Tx, now: DateTime<Utc>) -> Result<(), StoreError> {
        tx.defer(Deferred::Audit(AuditLine {
            at: now,
            user_id: self.actor.user_id,
            username: self.actor.username.clone(),
            ip: self.actor.ip.map(|ip| ip.to_string()),
            action: self.action.to_owned(),
            target: self.target,
            detail: self.detail.map(|d| d.to_string()),
        }))?;
        Ok(())
    }
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub before: Option<i64>,
    pub user_id: Option<Uuid>,
    pub action: Option<String>,
    pub limit: u32,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    #[sqlx(flatten)]
    line: AuditLine,
}

impl From<AuditRow> for AuditEntry {
    fn from(AuditRow { id, line }: AuditRow) -> AuditEntry {
        AuditEntry {
            id,
            at: line.at,
            user_id: line.user_id,
            username: line.username,
            ip: line.ip,
            action: line.action,
            target: line.target,
            detail: line.detail.and_then(|d| serde_json::from_str(&d).ok()),
        }
    }
}

impl Store {
    /// Records an action that changes nothing else, such as a login or a failed one.
    pub async fn audit_alone(
        &self,
        audit: Audit<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        audit.record(&mut tx, now)?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of entries, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<AuditPage, StoreError> {
        let limit = filter.limit.clamp(1, 500);
        let rows: Vec<AuditRow> = self
            .db
            .fetch_all(
                "SELECT id, at, user_id, username, ip, action, target, detail FROM audit_log \
                 WHERE ($1 IS NULL OR id < $1) AND ($2 IS NULL OR user_id = $2) \
                   AND ($3 IS NULL OR action = $3) \
                 ORDER BY id DESC LIMIT $4",
                args![
                    filter.before,
                    filter.user_id,
                    filter.action.clone(),
                    i64::from(limit) + 1
                ],
            )
            .await?;
        let more = rows.len() > limit as usize;
        let entries: Vec<AuditEntry> = rows
            .into_iter()
            .take(limit as usize)
            .map(AuditEntry::from)
            .collect();
        let next_before = if more {
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }
}
