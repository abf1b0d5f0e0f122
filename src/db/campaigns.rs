//! Campaign queries: campaigns (专项行动) and their phases.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{campaign, campaign_phase};

/// Campaigns of the given jurisdictions, newest first.
pub async fn campaigns<C: ConnectionTrait>(
    db: &C,
    jurisdiction_ids: Option<Vec<i64>>,
) -> Result<Vec<campaign::Model>, DbErr> {
    let mut q = campaign::Entity::find();
    if let Some(ids) = jurisdiction_ids {
        q = q.filter(campaign::Column::JurisdictionId.is_in(ids));
    }
    q.order_by_desc(campaign::Column::StartsOn).all(db).await
}

/// One campaign.
pub async fn campaign<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<campaign::Model>, DbErr> {
    campaign::Entity::find_by_id(id).one(db).await
}

/// One campaign phase.
pub async fn campaign_phase<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<campaign_phase::Model>, DbErr> {
    campaign_phase::Entity::find_by_id(id).one(db).await
}

/// A campaign's phases in order.
pub async fn campaign_phases<C: ConnectionTrait>(
    db: &C,
    campaign_id: i64,
) -> Result<Vec<campaign_phase::Model>, DbErr> {
    campaign_phase::Entity::find()
        .filter(campaign_phase::Column::CampaignId.eq(campaign_id))
        .order_by_asc(campaign_phase::Column::Position)
        .all(db)
        .await
}

/// A new campaign (its phases are inserted after it).
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub jurisdiction_id: i64,
    pub name: String,
    pub document_no: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Inserts a campaign and returns it.
pub async fn insert_campaign<C: ConnectionTrait>(
    db: &C,
    new: NewCampaign,
    now: DateTime<Utc>,
) -> Result<campaign::Model, DbErr> {
    campaign::ActiveModel {
        jurisdiction_id: Set(new.jurisdiction_id),
        name: Set(new.name),
        document_no: Set(new.document_no),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Inserts a campaign's phase at `position` (1 for the first).
pub async fn insert_campaign_phase<C: ConnectionTrait>(
    db: &C,
    campaign_id: i64,
    position: i32,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<campaign_phase::Model, DbErr> {
    campaign_phase::ActiveModel {
        campaign_id: Set(campaign_id),
        position: Set(position),
        name: Set(name.into()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}
