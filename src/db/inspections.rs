//! Inspection storage: plans, one inspection per community and plan, answers and photos.

use crate::domain::inspection::InspectionStatus;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{inspection, inspection_answer, inspection_photo, inspection_plan};

/// One plan.
pub async fn plan<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<inspection_plan::Model>, DbErr> {
    inspection_plan::Entity::find_by_id(id).one(db).await
}

/// Every plan, newest first.
pub async fn plans<C: ConnectionTrait>(db: &C) -> Result<Vec<inspection_plan::Model>, DbErr> {
    inspection_plan::Entity::find().order_by_desc(inspection_plan::Column::Id).all(db).await
}

/// One inspection.
pub async fn inspection<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<inspection::Model>, DbErr> {
    inspection::Entity::find_by_id(id).one(db).await
}

/// The inspections of a plan, optionally within some townships, by id.
pub async fn of_plan<C: ConnectionTrait>(
    db: &C,
    plan_id: i64,
    townships: Option<&[i64]>,
) -> Result<Vec<inspection::Model>, DbErr> {
    let mut q = inspection::Entity::find().filter(inspection::Column::PlanId.eq(plan_id));
    if let Some(t) = townships {
        q = q.filter(inspection::Column::TownshipId.is_in(t.to_vec()));
    }
    q.order_by_asc(inspection::Column::Id).all(db).await
}

/// Inspections still to do that are assigned to the user, or unassigned within the townships
/// (`None`: anywhere), oldest plan first.
pub async fn to_do<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    townships: Option<&[i64]>,
    limit: u64,
) -> Result<Vec<inspection::Model>, DbErr> {
    use sea_orm::Condition;
    let mut unassigned = Condition::all().add(inspection::Column::AssigneeUserId.is_null());
    if let Some(t) = townships {
        unassigned = unassigned.add(inspection::Column::TownshipId.is_in(t.to_vec()));
    }
    inspection::Entity::find()
        .filter(inspection::Column::Status.eq(InspectionStatus::Assigned.as_str()))
        .filter(Condition::any().add(inspection::Column::AssigneeUserId.eq(user_id)).add(unassigned))
        .order_by_asc(inspection::Column::PlanId)
        .order_by_asc(inspection::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Counts per plan, township and status.
#[derive(Debug, FromQueryResult)]
pub struct CoverageRow {
    pub plan_id: i64,
    pub township_id: i64,
    pub status: String,
    pub n: i64,
}

/// Inspections counted per plan (one plan, or all), township and status.
pub async fn coverage<C: ConnectionTrait>(db: &C, plan_id: Option<i64>) -> Result<Vec<CoverageRow>, DbErr> {
    let mut q = inspection::Entity::find()
        .select_only()
        .column(inspection::Column::PlanId)
        .column(inspection::Column::TownshipId)
        .column(inspection::Column::Status)
        .column_as(inspection::Column::Id.count(), "n")
        .group_by(inspection::Column::PlanId)
        .group_by(inspection::Column::TownshipId)
        .group_by(inspection::Column::Status);
    if let Some(id) = plan_id {
        q = q.filter(inspection::Column::PlanId.eq(id));
    }
    q.into_model::<CoverageRow>().all(db).await
}

/// An inspection's answers, in the order given.
pub async fn answers<C: ConnectionTrait>(db: &C, inspection_id: i64) -> Result<Vec<inspection_answer::Model>, DbErr> {
    inspection_answer::Entity::find()
        .filter(inspection_answer::Column::InspectionId.eq(inspection_id))
        .order_by_asc(inspection_answer::Column::Id)
        .all(db)
        .await
}

/// An inspection's photos, in the order taken.
pub async fn photos<C: ConnectionTrait>(db: &C, inspection_id: i64) -> Result<Vec<inspection_photo::Model>, DbErr> {
    inspection_photo::Entity::find()
        .filter(inspection_photo::Column::InspectionId.eq(inspection_id))
        .order_by_asc(inspection_photo::Column::Id)
        .all(db)
        .await
}

/// An answer to one checklist item.
#[derive(Debug, Clone)]
pub struct NewAnswer<'a> {
    pub inspection_id: i64,
    pub catalog_code: &'a str,
    pub answer: crate::domain::inspection::Answer,
    pub note: &'a str,
    pub answered_by: i64,
}

/// Writes an answer, replacing an earlier answer to the same item (one row per item).
pub async fn upsert_answer<C: ConnectionTrait>(
    db: &C,
    new: NewAnswer<'_>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    let row = inspection_answer::ActiveModel {
        inspection_id: Set(new.inspection_id),
        catalog_code: Set(new.catalog_code.into()),
        answer: Set(new.answer.as_str().into()),
        note: Set(new.note.into()),
        answered_by: Set(new.answered_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    inspection_answer::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([inspection_answer::Column::InspectionId, inspection_answer::Column::CatalogCode])
                .update_columns([
                    inspection_answer::Column::Answer,
                    inspection_answer::Column::Note,
                    inspection_answer::Column::AnsweredBy,
                    inspection_answer::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Moves an inspection from `assigned` to `submitted` (compare-and-set): false when it was
/// submitted meanwhile.
pub async fn mark_submitted<C: ConnectionTrait>(
    db: &C,
    id: i64,
    by: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    let r = inspection::Entity::update_many()
        .col_expr(inspection::Column::Status, sea_orm::sea_query::Expr::value(InspectionStatus::Submitted.as_str()))
        .col_expr(inspection::Column::SubmittedAt, sea_orm::sea_query::Expr::value(at))
        .col_expr(inspection::Column::SubmittedBy, sea_orm::sea_query::Expr::value(by))
        .col_expr(inspection::Column::UpdatedAt, sea_orm::sea_query::Expr::value(at))
        .filter(inspection::Column::Id.eq(id))
        .filter(inspection::Column::Status.eq(InspectionStatus::Assigned.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Assigns an inspection still to do.
pub async fn assign<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    let r = inspection::Entity::update_many()
        .col_expr(inspection::Column::AssigneeUserId, sea_orm::sea_query::Expr::value(user))
        .col_expr(inspection::Column::UpdatedAt, sea_orm::sea_query::Expr::value(at))
        .filter(inspection::Column::Id.eq(id))
        .filter(inspection::Column::Status.eq(InspectionStatus::Assigned.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A new inspection row.
fn new_inspection(
    plan_id: i64,
    community: &super::entities::community::Model,
    assignee: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> inspection::ActiveModel {
    inspection::ActiveModel {
        plan_id: Set(plan_id),
        community_id: Set(community.id),
        company_id: Set(community.company_id),
        township_id: Set(community.township_id),
        assignee_user_id: Set(assignee),
        status: Set(InspectionStatus::Assigned.as_str().into()),
        submitted_at: Set(None),
        submitted_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

/// A company's inspections (with their plans' due dates), optionally within some townships.
pub async fn of_company<C: ConnectionTrait>(
    db: &C,
    company_id: i64,
    townships: Option<&[i64]>,
) -> Result<Vec<(inspection::Model, chrono::NaiveDate)>, DbErr> {
    let mut q = inspection::Entity::find().filter(inspection::Column::CompanyId.eq(company_id));
    if let Some(t) = townships {
        q = q.filter(inspection::Column::TownshipId.is_in(t.to_vec()));
    }
    let rows = q.all(db).await?;
    let plans: std::collections::HashMap<i64, chrono::NaiveDate> =
        plans(db).await?.into_iter().map(|p| (p.id, p.due_on)).collect();
    Ok(rows.into_iter().filter_map(|i| plans.get(&i.plan_id).copied().map(|d| (i, d))).collect())
}

/// A new plan.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub campaign_phase_id: i64,
    pub name: String,
    /// `county`, `township` or `company`.
    pub scope: String,
    pub scope_id: Option<i64>,
    /// Catalog codes, comma-separated.
    pub checklist: String,
    pub due_on: chrono::NaiveDate,
    pub responsible_user_id: i64,
    pub created_by: i64,
}

/// Inserts a plan and returns it.
pub async fn insert_plan<C: ConnectionTrait>(
    db: &C,
    new: NewPlan,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<inspection_plan::Model, DbErr> {
    use sea_orm::ActiveModelTrait;
    inspection_plan::ActiveModel {
        campaign_phase_id: Set(new.campaign_phase_id),
        name: Set(new.name),
        scope: Set(new.scope),
        scope_id: Set(new.scope_id),
        checklist: Set(new.checklist),
        due_on: Set(new.due_on),
        responsible_user_id: Set(new.responsible_user_id),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Inserts one inspection to do per community of a plan (bulk).
pub async fn insert_for_plan<C: ConnectionTrait>(
    db: &C,
    plan_id: i64,
    communities: &[super::entities::community::Model],
    assignee: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = communities.iter().map(|c| new_inspection(plan_id, c, assignee, at)).collect();
    super::insert_bulk(db, rows, None).await
}

/// A stored photo to attach to a checklist item.
#[derive(Debug, Clone)]
pub struct NewPhoto<'a> {
    /// The SM3 digest of the blob.
    pub digest: &'a str,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
}

/// Attaches photos to one checklist item of an inspection (bulk).
pub async fn insert_photos<C: ConnectionTrait>(
    db: &C,
    inspection_id: i64,
    catalog_code: &str,
    photos: &[NewPhoto<'_>],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let rows: Vec<_> = photos
        .iter()
        .map(|p| inspection_photo::ActiveModel {
            inspection_id: Set(inspection_id),
            catalog_code: Set(catalog_code.into()),
            digest: Set(p.digest.into()),
            byte_size: Set(p.byte_size),
            width: Set(p.width),
            height: Set(p.height),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    super::insert_bulk(db, rows, None).await
}
