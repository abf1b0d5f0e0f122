//! What the public page of a community reads beyond the registry: its case counts and its
//! approved re-assessments.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::entities::{case, reassessment};

/// Cases of a community in any of `statuses`.
pub async fn case_count<C: ConnectionTrait>(db: &C, community_id: i64, statuses: Vec<String>) -> Result<u64, DbErr> {
    case::Entity::find()
        .filter(case::Column::CommunityId.eq(community_id))
        .filter(case::Column::Status.is_in(statuses))
        .count(db)
        .await
}

/// A community's re-assessments with this status, the latest effective first.
pub async fn reassessments_with_status<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    status: crate::domain::reassessment::ReassessmentStatus,
) -> Result<Vec<reassessment::Model>, DbErr> {
    reassessment::Entity::find()
        .filter(reassessment::Column::CommunityId.eq(community_id))
        .filter(reassessment::Column::Status.eq(status.as_str()))
        .order_by_desc(reassessment::Column::EffectiveOn)
        .all(db)
        .await
}
