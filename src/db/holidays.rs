//! The holiday table: public holidays and the weekend days worked in exchange (调休上班日).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::holiday;

/// The entry of one date.
pub async fn find_by_day<C: ConnectionTrait>(db: &C, day: NaiveDate) -> Result<Option<holiday::Model>, DbErr> {
    holiday::Entity::find().filter(holiday::Column::Day.eq(day)).one(db).await
}

/// Changes what an entry's date is (`kind` in its string form) and its name.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i64,
    kind: &str,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    holiday::Entity::update_many()
        .col_expr(holiday::Column::Kind, Expr::value(kind))
        .col_expr(holiday::Column::Name, Expr::value(name))
        .col_expr(holiday::Column::UpdatedAt, Expr::value(at))
        .filter(holiday::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts the entry of one date (`kind` in its string form).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    day: NaiveDate,
    kind: &str,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    holiday::Entity::insert(holiday::ActiveModel {
        day: Set(day),
        kind: Set(kind.into()),
        name: Set(name.into()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Inserts the entries `(day, kind, name)`, 64 rows per statement at most.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    days: Vec<(NaiveDate, &str, &str)>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows: Vec<_> = days
        .into_iter()
        .map(|(day, kind, name)| holiday::ActiveModel {
            day: Set(day),
            kind: Set(kind.into()),
            name: Set(name.into()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    for chunk in super::pow2_chunks(rows) {
        holiday::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Deletes the entry of one date; returns how many rows went (0 or 1).
pub async fn delete_by_day<C: ConnectionTrait>(db: &C, day: NaiveDate) -> Result<u64, DbErr> {
    Ok(holiday::Entity::delete_many().filter(holiday::Column::Day.eq(day)).exec(db).await?.rows_affected)
}
