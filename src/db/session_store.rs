//! tower-sessions store on our own database. Expiry is checked against the application clock,
//! so tests can move time past the idle timeout.

use async_trait::async_trait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::entities::session;
use crate::clock::SharedClock;

/// How long an unchanged session goes without its expiry being moved.
const TOUCH_SECONDS: i64 = 60;

/// Sessions in the `sessions` table.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    /// Where sessions are looked up (`db::connect_reader`).
    read: DatabaseConnection,
    clock: SharedClock,
    idle: chrono::Duration,
}

impl DbSessionStore {
    /// A store on `db`: every save extends the session to `clock.now() + idle`, and a load
    /// after that instant finds nothing (the idle timeout).
    pub fn new(db: DatabaseConnection, read: DatabaseConnection, clock: SharedClock, idle: chrono::Duration) -> Self {
        DbSessionStore { db, read, clock, idle }
    }

    /// Deletes sessions that expired before now.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let r = session::Entity::delete_many()
            .filter(session::Column::ExpiryDate.lt(self.clock.now()))
            .exec(&self.db)
            .await?;
        Ok(r.rows_affected)
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let row = session::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            // The idle timeout runs on the application clock, not on the cookie's.
            expiry_date: Set(self.clock.now() + self.idle),
            updated_at: Set(self.clock.now()),
        };
        // A request that changes nothing in the session only moves its expiry, and that at most
        // once a minute: otherwise every page view would be a durable write (an fsync on SQLite),
        // and reads would queue behind it. The idle timeout is exact to within that minute.
        let now = self.clock.now();
        let unchanged = Expr::col((session::Entity, session::Column::Data))
            .eq(Expr::col((Alias::new("excluded"), session::Column::Data)))
            .and(
                Expr::col((session::Entity, session::Column::UpdatedAt))
                    .gt(now - chrono::Duration::seconds(TOUCH_SECONDS)),
            )
            .and(Expr::col((session::Entity, session::Column::ExpiryDate)).gt(now));
        session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiryDate, session::Column::UpdatedAt])
                    .action_and_where(unchanged.not())
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(session_id.to_string()).one(&self.read).await.map_err(backend)?
        else {
            return Ok(None);
        };
        if row.expiry_date <= self.clock.now() {
            return Ok(None);
        }
        let data = serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expiry_date.timestamp()).map_err(backend)?;
        Ok(Some(Record { id: *session_id, data, expiry_date }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(session_id.to_string()).exec(&self.db).await.map_err(backend)?;
        Ok(())
    }
}
