//! Owner-roster storage: a community's exclusive units and their owners (sealed).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{roster_owner, roster_unit};

/// A unit to insert or to write over an existing one.
#[derive(Debug, Clone)]
pub struct NewRosterUnit {
    pub community_id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub register_area_centi: Option<i64>,
    pub surveyed_area_centi: Option<i64>,
    pub contract_area_centi: Option<i64>,
    pub developer_held: bool,
}

/// An owner to insert, already sealed.
#[derive(Debug, Clone)]
pub struct NewRosterOwner {
    pub roster_unit_id: i64,
    pub name_sealed: String,
    pub phone_sealed: Option<String>,
    pub id_number_sealed: Option<String>,
    pub holder_index: String,
}

/// A community's units, in the order they were entered.
pub async fn units<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<roster_unit::Model>, DbErr> {
    roster_unit::Entity::find()
        .filter(roster_unit::Column::CommunityId.eq(community_id))
        .order_by_asc(roster_unit::Column::Id)
        .all(db)
        .await
}

/// One unit.
pub async fn unit<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<roster_unit::Model>, DbErr> {
    roster_unit::Entity::find_by_id(id).one(db).await
}

/// The owners of a community's units, co-owners in the order they were entered.
pub async fn owners<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<roster_owner::Model>, DbErr> {
    let unit_ids = Query::select()
        .column(roster_unit::Column::Id)
        .from(roster_unit::Entity)
        .and_where(roster_unit::Column::CommunityId.eq(community_id))
        .to_owned();
    roster_owner::Entity::find()
        .filter(roster_owner::Column::RosterUnitId.in_subquery(unit_ids))
        .order_by_asc(roster_owner::Column::Id)
        .all(db)
        .await
}

/// The owners of one unit.
pub async fn owners_of_unit<C: ConnectionTrait>(db: &C, unit_id: i64) -> Result<Vec<roster_owner::Model>, DbErr> {
    roster_owner::Entity::find()
        .filter(roster_owner::Column::RosterUnitId.eq(unit_id))
        .order_by_asc(roster_owner::Column::Id)
        .all(db)
        .await
}

/// Inserts a unit and returns it (the unique `uq_roster_units_room` refuses a second row for
/// one building, unit and room of a community).
pub async fn insert_unit<C: ConnectionTrait>(
    db: &C,
    new: NewRosterUnit,
    at: DateTime<Utc>,
) -> Result<roster_unit::Model, DbErr> {
    roster_unit::ActiveModel {
        community_id: Set(new.community_id),
        building: Set(new.building),
        unit: Set(new.unit),
        room: Set(new.room),
        register_area_centi: Set(new.register_area_centi),
        surveyed_area_centi: Set(new.surveyed_area_centi),
        contract_area_centi: Set(new.contract_area_centi),
        developer_held: Set(new.developer_held),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Writes a unit's place, areas and developer flag over unit `id` of the same community;
/// `false` when no such unit exists (deleted meanwhile).
pub async fn update_unit<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: NewRosterUnit,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = roster_unit::Entity::update_many()
        .col_expr(roster_unit::Column::Building, new.building.into())
        .col_expr(roster_unit::Column::Unit, new.unit.into())
        .col_expr(roster_unit::Column::Room, new.room.into())
        .col_expr(roster_unit::Column::RegisterAreaCenti, new.register_area_centi.into())
        .col_expr(roster_unit::Column::SurveyedAreaCenti, new.surveyed_area_centi.into())
        .col_expr(roster_unit::Column::ContractAreaCenti, new.contract_area_centi.into())
        .col_expr(roster_unit::Column::DeveloperHeld, new.developer_held.into())
        .col_expr(roster_unit::Column::UpdatedAt, at.into())
        .filter(roster_unit::Column::Id.eq(id))
        .filter(roster_unit::Column::CommunityId.eq(new.community_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Inserts owners (several units' at once, in chunks the backends' parameter limits allow).
pub async fn insert_owners<C: ConnectionTrait>(
    db: &C,
    owners: Vec<NewRosterOwner>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in owners.chunks(500) {
        let rows = chunk.iter().cloned().map(|o| roster_owner::ActiveModel {
            roster_unit_id: Set(o.roster_unit_id),
            name_sealed: Set(o.name_sealed),
            phone_sealed: Set(o.phone_sealed),
            id_number_sealed: Set(o.id_number_sealed),
            holder_index: Set(o.holder_index),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        });
        roster_owner::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Deletes the owners of one unit (before they are replaced, or the unit deleted).
pub async fn delete_owners_of_unit<C: ConnectionTrait>(db: &C, unit_id: i64) -> Result<u64, DbErr> {
    Ok(roster_owner::Entity::delete_many()
        .filter(roster_owner::Column::RosterUnitId.eq(unit_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes a unit of a community (its owners first); `false` when it was not there.
pub async fn delete_unit<C: ConnectionTrait>(db: &C, community_id: i64, unit_id: i64) -> Result<bool, DbErr> {
    delete_owners_of_unit(db, unit_id).await?;
    let r = roster_unit::Entity::delete_many()
        .filter(roster_unit::Column::Id.eq(unit_id))
        .filter(roster_unit::Column::CommunityId.eq(community_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes a community's whole roster (before an import replaces it); returns the units deleted.
pub async fn delete_roster<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<u64, DbErr> {
    let unit_ids = Query::select()
        .column(roster_unit::Column::Id)
        .from(roster_unit::Entity)
        .and_where(roster_unit::Column::CommunityId.eq(community_id))
        .to_owned();
    roster_owner::Entity::delete_many()
        .filter(roster_owner::Column::RosterUnitId.in_subquery(unit_ids))
        .exec(db)
        .await?;
    Ok(roster_unit::Entity::delete_many()
        .filter(roster_unit::Column::CommunityId.eq(community_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// The units of a community held by any of the given owners (by their blind index), with all
/// their owners: the candidates for one holder's units (第9条).
pub async fn units_of_holders<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    keys: Vec<String>,
) -> Result<Vec<(roster_unit::Model, Vec<roster_owner::Model>)>, DbErr> {
    let unit_ids: Vec<i64> = roster_owner::Entity::find()
        .filter(roster_owner::Column::HolderIndex.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.roster_unit_id)
        .collect();
    let units = roster_unit::Entity::find()
        .filter(roster_unit::Column::Id.is_in(unit_ids.clone()))
        .filter(roster_unit::Column::CommunityId.eq(community_id))
        .order_by_asc(roster_unit::Column::Id)
        .all(db)
        .await?;
    let owners = roster_owner::Entity::find()
        .filter(roster_owner::Column::RosterUnitId.is_in(units.iter().map(|u| u.id).collect::<Vec<_>>()))
        .order_by_asc(roster_owner::Column::Id)
        .all(db)
        .await?;
    Ok(units
        .into_iter()
        .map(|u| {
            let of = owners.iter().filter(|o| o.roster_unit_id == u.id).cloned().collect();
            (u, of)
        })
        .collect())
}

/// The developer's unsold or undelivered units of a community (第9条: one owner together).
pub async fn developer_units<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<roster_unit::Model>, DbErr> {
    roster_unit::Entity::find()
        .filter(roster_unit::Column::CommunityId.eq(community_id))
        .filter(roster_unit::Column::DeveloperHeld.eq(true))
        .order_by_asc(roster_unit::Column::Id)
        .all(db)
        .await
}
