//! Queries of escalation proposals (提请升级处理): written by staff and by the scanner, decided
//! by leaders with a compare-and-set on their status.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::escalation_proposal;
use crate::domain::escalation::{EscalationReason, EscalationStatus};

/// One escalation proposal.
pub async fn proposal<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<escalation_proposal::Model>, DbErr> {
    escalation_proposal::Entity::find_by_id(id).one(db).await
}

/// Every escalation proposal (of any status) of these cases (ids in lists of up to 1024).
pub async fn of_cases<C: ConnectionTrait>(
    db: &C,
    case_ids: Vec<i64>,
) -> Result<Vec<escalation_proposal::Model>, DbErr> {
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

/// A proposal to escalate a case, written pending.
#[derive(Debug, Clone)]
pub struct NewProposal {
    pub case_id: i64,
    pub reason: EscalationReason,
    pub note: String,
}

fn pending_row(p: NewProposal, at: DateTime<Utc>) -> escalation_proposal::ActiveModel {
    escalation_proposal::ActiveModel {
        case_id: Set(p.case_id),
        reason: Set(p.reason.as_str().into()),
        note: Set(p.note),
        status: Set(EscalationStatus::Pending.as_str().into()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

/// Inserts one pending proposal. Returns its id.
pub async fn insert_pending<C: ConnectionTrait>(db: &C, p: NewProposal, at: DateTime<Utc>) -> Result<i64, DbErr> {
    Ok(pending_row(p, at).insert(db).await?.id)
}

/// Inserts pending proposals in multi-row statements (as `insert_bulk` says).
pub async fn insert_pending_bulk<C: ConnectionTrait>(
    db: &C,
    proposals: Vec<NewProposal>,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = proposals.into_iter().map(|p| pending_row(p, at)).collect();
    super::insert_bulk(db, rows, None).await
}

/// Decides a proposal, only if it is still pending (compare-and-set: a second leader's decision
/// at the same time fails instead of overwriting the first). Returns whether this call decided it.
pub async fn decide_if_pending<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: EscalationStatus,
    at: DateTime<Utc>,
    by: i64,
    note: &str,
) -> Result<bool, DbErr> {
    let r = escalation_proposal::Entity::update_many()
        .col_expr(escalation_proposal::Column::Status, Expr::value(status.as_str()))
        .col_expr(escalation_proposal::Column::DecidedBy, Expr::value(by))
        .col_expr(escalation_proposal::Column::DecidedAt, Expr::value(at))
        .col_expr(escalation_proposal::Column::DecisionNote, Expr::value(note))
        .col_expr(escalation_proposal::Column::UpdatedAt, Expr::value(at))
        .filter(escalation_proposal::Column::Id.eq(id))
        .filter(escalation_proposal::Column::Status.eq(EscalationStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
