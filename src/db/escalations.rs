//! Queries of escalations (placeholder: filled by the query-layer move).

// Queries used by jobs::scanner.

/// Every escalation proposal (of any status) of these cases (ids in lists of up to 1024).
pub async fn of_cases<C: sea_orm::ConnectionTrait>(
    db: &C,
    case_ids: Vec<i64>,
) -> Result<Vec<super::entities::escalation_proposal::Model>, sea_orm::DbErr> {
    use super::entities::escalation_proposal;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut out = Vec::new();
    for chunk in super::bulk_chunks(case_ids) {
        out.extend(
            escalation_proposal::Entity::find()
                .filter(escalation_proposal::Column::CaseId.is_in(chunk))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// A pending escalation proposal written in bulk.
#[derive(Debug, Clone)]
pub struct BulkProposal {
    pub case_id: i64,
    pub reason: String,
    pub note: String,
}

/// Inserts pending proposals in multi-row statements (as `insert_bulk` says).
pub async fn insert_pending_bulk<C: sea_orm::ConnectionTrait>(
    db: &C,
    proposals: Vec<BulkProposal>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sea_orm::DbErr> {
    use super::entities::escalation_proposal;
    use sea_orm::ActiveValue::Set;
    let rows: Vec<_> = proposals
        .into_iter()
        .map(|p| escalation_proposal::ActiveModel {
            case_id: Set(p.case_id),
            reason: Set(p.reason),
            note: Set(p.note),
            status: Set("pending".into()),
            decided_by: Set(None),
            decided_at: Set(None),
            decision_note: Set(String::new()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}
