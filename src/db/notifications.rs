//! Queries of notifications (placeholder: filled by the query-layer move).

// Queries used by jobs::scanner.

/// Inserts a notification about a notice (the row naming it); skipped when its dedupe key
/// exists. Returns how many were new.
pub async fn notify_about_notice<C: sea_orm::ConnectionTrait>(
    db: &C,
    row: super::entities::notification::ActiveModel,
    notice_id: i64,
) -> Result<u64, sea_orm::DbErr> {
    use super::entities::notification;
    use sea_orm::ActiveValue::Set;
    super::cases::notify(db, vec![notification::ActiveModel { notice_id: Set(Some(notice_id)), ..row }]).await
}
