//! Queries of notices (placeholder: filled by the query-layer move).

// Queries used by jobs::scanner.

/// Flags an issued notice as not signed for in time, once (compare-and-set): false when it was
/// flagged already or is no longer `issued`.
pub async fn flag_unsigned_if_issued<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, sea_orm::DbErr> {
    use super::entities::notice;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let r = notice::Entity::update_many()
        .col_expr(notice::Column::UnsignedFlaggedAt, Expr::value(at))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::UnsignedFlaggedAt.is_null())
        .filter(notice::Column::Status.eq("issued"))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
