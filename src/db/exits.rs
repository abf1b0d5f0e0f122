//! Exit queries: exits, their checklist items (each confirmed with a compare-and-set on its
//! state), evidence files, the signatures of the handover record, and the contract periods of a
//! community.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{community, contract, exit, exit_item, exit_item_file, exit_signature, user};
use crate::domain::exit::{ContractStatus, ExitStatus};
use crate::domain::role::Role;

/// An exit as it is opened.
#[derive(Debug, Clone)]
pub struct NewExit {
    pub community_id: i64,
    pub company_id: i64,
    pub township_id: i64,
    pub reason: String,
    pub track_id: Option<i64>,
    pub receiver_kind: String,
    pub receiver_name: String,
    pub incoming_company_id: Option<i64>,
    pub notice_on: Option<NaiveDate>,
    pub opened_on: NaiveDate,
    pub contract_ends_on: NaiveDate,
    pub deadline_days: i32,
    pub handover_deadline: NaiveDate,
    pub note: String,
    pub opened_by: i64,
}

/// Inserts an open exit and returns it.
pub async fn insert_exit<C: ConnectionTrait>(db: &C, new: NewExit, now: DateTime<Utc>) -> Result<exit::Model, DbErr> {
    exit::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        township_id: Set(new.township_id),
        reason: Set(new.reason),
        track_id: Set(new.track_id),
        receiver_kind: Set(new.receiver_kind),
        receiver_name: Set(new.receiver_name),
        incoming_company_id: Set(new.incoming_company_id),
        notice_on: Set(new.notice_on),
        opened_on: Set(new.opened_on),
        contract_ends_on: Set(new.contract_ends_on),
        deadline_days: Set(new.deadline_days),
        handover_deadline: Set(new.handover_deadline),
        status: Set(ExitStatus::Open.as_str().into()),
        note: Set(new.note),
        opened_by: Set(new.opened_by),
        case_id: Set(None),
        completed_on: Set(None),
        record_number: Set(String::new()),
        record_sm3: Set(None),
        cancel_reason: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One exit.
pub async fn exit<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<exit::Model>, DbErr> {
    exit::Entity::find_by_id(id).one(db).await
}

/// The open exit of a community, if any.
pub async fn open_of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Option<exit::Model>, DbErr> {
    exit::Entity::find()
        .filter(exit::Column::CommunityId.eq(community_id))
        .filter(exit::Column::Status.eq(ExitStatus::Open.as_str()))
        .one(db)
        .await
}

/// A community's exits, newest first.
pub async fn of_community<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<exit::Model>, DbErr> {
    exit::Entity::find()
        .filter(exit::Column::CommunityId.eq(community_id))
        .order_by_desc(exit::Column::Id)
        .all(db)
        .await
}

/// Every exit, newest first (the list filters by reach).
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<exit::Model>, DbErr> {
    exit::Entity::find().order_by_desc(exit::Column::Id).all(db).await
}

/// The exits a company leaves or takes over, newest first.
pub async fn of_company<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<Vec<exit::Model>, DbErr> {
    exit::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(exit::Column::CompanyId.eq(company_id))
                .add(exit::Column::IncomingCompanyId.eq(company_id)),
        )
        .order_by_desc(exit::Column::Id)
        .all(db)
        .await
}

/// Open exits whose handover deadline passed before `today` and that have no overdue case yet.
pub async fn overdue_without_case<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<Vec<exit::Model>, DbErr> {
    exit::Entity::find()
        .filter(exit::Column::Status.eq(ExitStatus::Open.as_str()))
        .filter(exit::Column::HandoverDeadline.lt(today))
        .filter(exit::Column::CaseId.is_null())
        .order_by_asc(exit::Column::Id)
        .all(db)
        .await
}

/// Records the overdue case of an exit, once: false when one was recorded meanwhile.
pub async fn set_case_if_none<C: ConnectionTrait>(
    db: &C,
    id: i64,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = exit::Entity::update_many()
        .col_expr(exit::Column::CaseId, Expr::value(case_id))
        .col_expr(exit::Column::UpdatedAt, Expr::value(now))
        .filter(exit::Column::Id.eq(id))
        .filter(exit::Column::CaseId.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Ends an open exit (completed or cancelled): false when it was no longer open.
pub async fn finish_if_open<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: ExitStatus,
    completed_on: Option<NaiveDate>,
    record: Option<(String, String)>,
    cancel_reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = exit::Entity::update_many()
        .col_expr(exit::Column::Status, Expr::value(status.as_str()))
        .col_expr(exit::Column::CompletedOn, Expr::value(completed_on))
        .col_expr(exit::Column::CancelReason, Expr::value(cancel_reason))
        .col_expr(exit::Column::UpdatedAt, Expr::value(now));
    if let Some((number, digest)) = record {
        q = q
            .col_expr(exit::Column::RecordNumber, Expr::value(number))
            .col_expr(exit::Column::RecordSm3, Expr::value(Some(digest)));
    }
    let r =
        q.filter(exit::Column::Id.eq(id)).filter(exit::Column::Status.eq(ExitStatus::Open.as_str())).exec(db).await?;
    Ok(r.rows_affected == 1)
}

/// Bumps an exit's `updated_at` only if it is unchanged since `seen` (the compare-and-set every
/// change to its checklist or signatures goes through): false when someone else changed it.
pub async fn touch_if_unchanged<C: ConnectionTrait>(
    db: &C,
    id: i64,
    seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = exit::Entity::update_many()
        .col_expr(exit::Column::UpdatedAt, Expr::value(now))
        .filter(exit::Column::Id.eq(id))
        .filter(exit::Column::UpdatedAt.eq(seen))
        .filter(exit::Column::Status.eq(ExitStatus::Open.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A checklist line as created.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub position: i32,
    pub code: String,
    pub label: String,
    pub basis: String,
}

/// Inserts an exit's checklist (every item pending).
pub async fn insert_items<C: ConnectionTrait>(
    db: &C,
    exit_id: i64,
    items: Vec<NewItem>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if items.is_empty() {
        return Ok(());
    }
    exit_item::Entity::insert_many(items.into_iter().map(|i| exit_item::ActiveModel {
        exit_id: Set(exit_id),
        position: Set(i.position),
        code: Set(i.code),
        label: Set(i.label),
        basis: Set(i.basis),
        state: Set(crate::domain::exit::ItemState::Pending.as_str().into()),
        confirmed_on: Set(None),
        confirmed_by: Set(None),
        confirmer_name: Set(String::new()),
        area_centi: Set(None),
        amount_fen: Set(None),
        note: Set(String::new()),
        declared_at: Set(None),
        declared_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// An exit's checklist in print order.
pub async fn items<C: ConnectionTrait>(db: &C, exit_id: i64) -> Result<Vec<exit_item::Model>, DbErr> {
    exit_item::Entity::find()
        .filter(exit_item::Column::ExitId.eq(exit_id))
        .order_by_asc(exit_item::Column::Position)
        .order_by_asc(exit_item::Column::Id)
        .all(db)
        .await
}

/// The receiver's confirmation of an item.
#[derive(Debug, Clone)]
pub struct ItemConfirmation {
    pub state: String,
    pub on: NaiveDate,
    pub by: i64,
    pub name: String,
    pub area_centi: Option<i64>,
    pub amount_fen: Option<i64>,
    pub note: String,
}

/// Writes a confirmation on an item of the exit.
pub async fn confirm_item<C: ConnectionTrait>(
    db: &C,
    exit_id: i64,
    item_id: i64,
    c: ItemConfirmation,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = exit_item::Entity::update_many()
        .col_expr(exit_item::Column::State, Expr::value(c.state))
        .col_expr(exit_item::Column::ConfirmedOn, Expr::value(Some(c.on)))
        .col_expr(exit_item::Column::ConfirmedBy, Expr::value(Some(c.by)))
        .col_expr(exit_item::Column::ConfirmerName, Expr::value(c.name))
        .col_expr(exit_item::Column::AreaCenti, Expr::value(c.area_centi))
        .col_expr(exit_item::Column::AmountFen, Expr::value(c.amount_fen))
        .col_expr(exit_item::Column::Note, Expr::value(c.note))
        .col_expr(exit_item::Column::UpdatedAt, Expr::value(now))
        .filter(exit_item::Column::Id.eq(item_id))
        .filter(exit_item::Column::ExitId.eq(exit_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Writes the leaving company's declaration on an item of the exit.
pub async fn declare_item<C: ConnectionTrait>(
    db: &C,
    exit_id: i64,
    item_id: i64,
    note: String,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = exit_item::Entity::update_many()
        .col_expr(exit_item::Column::DeclaredAt, Expr::value(Some(now)))
        .col_expr(exit_item::Column::DeclaredNote, Expr::value(note))
        .col_expr(exit_item::Column::UpdatedAt, Expr::value(now))
        .filter(exit_item::Column::Id.eq(item_id))
        .filter(exit_item::Column::ExitId.eq(exit_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// An evidence file as stored.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub exit_id: i64,
    pub item_id: i64,
    pub party: String,
    pub digest: String,
    pub kind: String,
    pub name: String,
    pub uploaded_by: i64,
}

/// Inserts evidence files.
pub async fn insert_files<C: ConnectionTrait>(db: &C, files: Vec<NewFile>, now: DateTime<Utc>) -> Result<(), DbErr> {
    if files.is_empty() {
        return Ok(());
    }
    exit_item_file::Entity::insert_many(files.into_iter().map(|f| exit_item_file::ActiveModel {
        exit_id: Set(f.exit_id),
        item_id: Set(f.item_id),
        party: Set(f.party),
        digest: Set(f.digest),
        kind: Set(f.kind),
        name: Set(f.name),
        uploaded_by: Set(f.uploaded_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// An exit's evidence files in the order added.
pub async fn files<C: ConnectionTrait>(db: &C, exit_id: i64) -> Result<Vec<exit_item_file::Model>, DbErr> {
    exit_item_file::Entity::find()
        .filter(exit_item_file::Column::ExitId.eq(exit_id))
        .order_by_asc(exit_item_file::Column::Id)
        .all(db)
        .await
}

/// One evidence file.
pub async fn file<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<exit_item_file::Model>, DbErr> {
    exit_item_file::Entity::find_by_id(id).one(db).await
}

/// A signature as written.
#[derive(Debug, Clone)]
pub struct NewSignature {
    pub exit_id: i64,
    pub party: String,
    pub user_id: i64,
    pub signer_name: String,
    pub organisation: String,
}

/// Inserts a signature (the unique index keeps one per party).
pub async fn insert_signature<C: ConnectionTrait>(db: &C, s: NewSignature, now: DateTime<Utc>) -> Result<(), DbErr> {
    exit_signature::ActiveModel {
        exit_id: Set(s.exit_id),
        party: Set(s.party),
        user_id: Set(s.user_id),
        signer_name: Set(s.signer_name),
        organisation: Set(s.organisation),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An exit's signatures in the order signed.
pub async fn signatures<C: ConnectionTrait>(db: &C, exit_id: i64) -> Result<Vec<exit_signature::Model>, DbErr> {
    exit_signature::Entity::find()
        .filter(exit_signature::Column::ExitId.eq(exit_id))
        .order_by_asc(exit_signature::Column::Id)
        .all(db)
        .await
}

/// Active users of a company (who hears about its exit).
pub async fn company_users<C: ConnectionTrait>(db: &C, company_id: i64) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::CompanyId.eq(company_id))
        .filter(user::Column::Role.eq(Role::CompanyUser.as_str()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await
}

/// Active bureau leaders (who decide the litigation proposal).
pub async fn leaders<C: ConnectionTrait>(db: &C) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::BureauLeader.as_str()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await
}

/// A contract period as registered.
#[derive(Debug, Clone)]
pub struct NewContract {
    pub community_id: i64,
    pub company_id: i64,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub service_grade: String,
    pub fee_fen: Option<i64>,
    pub status: ContractStatus,
    pub exit_id: Option<i64>,
    pub registered_by: Option<i64>,
    pub in_force_on: Option<NaiveDate>,
}

/// Inserts a contract period and returns it.
pub async fn insert_contract<C: ConnectionTrait>(
    db: &C,
    new: NewContract,
    now: DateTime<Utc>,
) -> Result<contract::Model, DbErr> {
    contract::ActiveModel {
        community_id: Set(new.community_id),
        company_id: Set(new.company_id),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        service_grade: Set(new.service_grade),
        fee_fen: Set(new.fee_fen),
        status: Set(new.status.as_str().into()),
        exit_id: Set(new.exit_id),
        registered_by: Set(new.registered_by),
        in_force_on: Set(new.in_force_on),
        ended_on: Set(None),
        takeover_inspected_on: Set(None),
        takeover_findings: Set(String::new()),
        takeover_inspector: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One contract.
pub async fn contract<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<contract::Model>, DbErr> {
    contract::Entity::find_by_id(id).one(db).await
}

/// A community's contract periods, newest first.
pub async fn contracts_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::CommunityId.eq(community_id))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await
}

/// Registered contracts (not yet in force), oldest first.
pub async fn registered_contracts<C: ConnectionTrait>(db: &C) -> Result<Vec<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::Status.eq(ContractStatus::Registered.as_str()))
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await
}

/// Ends the contracts in force of a community (a new one takes over), except `keep` (the one
/// that just did).
pub async fn end_in_force<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    keep: Option<i64>,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = contract::Entity::update_many()
        .col_expr(contract::Column::Status, Expr::value(ContractStatus::Ended.as_str()))
        .col_expr(contract::Column::EndedOn, Expr::value(Some(on)))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::CommunityId.eq(community_id))
        .filter(contract::Column::Status.eq(ContractStatus::InForce.as_str()));
    if let Some(k) = keep {
        q = q.filter(contract::Column::Id.ne(k));
    }
    q.exec(db).await?;
    Ok(())
}

/// Puts a registered contract in force: false when it was not registered any more.
pub async fn put_in_force_if_registered<C: ConnectionTrait>(
    db: &C,
    id: i64,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = contract::Entity::update_many()
        .col_expr(contract::Column::Status, Expr::value(ContractStatus::InForce.as_str()))
        .col_expr(contract::Column::InForceOn, Expr::value(Some(on)))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::Id.eq(id))
        .filter(contract::Column::Status.eq(ContractStatus::Registered.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records the takeover inspection (承接查验) of a contract.
pub async fn record_takeover<C: ConnectionTrait>(
    db: &C,
    id: i64,
    on: NaiveDate,
    findings: String,
    inspector: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    contract::Entity::update_many()
        .col_expr(contract::Column::TakeoverInspectedOn, Expr::value(Some(on)))
        .col_expr(contract::Column::TakeoverFindings, Expr::value(findings))
        .col_expr(contract::Column::TakeoverInspector, Expr::value(inspector))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes a contract the community's current one: its company, dates, grade and fee on the
/// community row (where cases, disclosures and the public page read them).
pub async fn set_current_contract<C: ConnectionTrait>(
    db: &C,
    k: &contract::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = community::Entity::update_many()
        .col_expr(community::Column::CompanyId, Expr::value(Some(k.company_id)))
        .col_expr(community::Column::ContractStart, Expr::value(k.starts_on))
        .col_expr(community::Column::ContractEnd, Expr::value(k.ends_on))
        .col_expr(community::Column::FeeFen, Expr::value(k.fee_fen))
        .col_expr(community::Column::UpdatedAt, Expr::value(now));
    if !k.service_grade.is_empty() {
        q = q.col_expr(community::Column::ServiceGrade, Expr::value(k.service_grade.clone()));
    }
    q.filter(community::Column::Id.eq(k.community_id)).exec(db).await?;
    Ok(())
}

/// The community has no company (the owners took it over themselves, or the next contract has
/// not started yet).
pub async fn clear_company<C: ConnectionTrait>(db: &C, community_id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    community::Entity::update_many()
        .col_expr(community::Column::CompanyId, Expr::value(Option::<i64>::None))
        .col_expr(community::Column::UpdatedAt, Expr::value(now))
        .filter(community::Column::Id.eq(community_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The contract in force of a community, if any.
pub async fn in_force_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Option<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::CommunityId.eq(community_id))
        .filter(contract::Column::Status.eq(ContractStatus::InForce.as_str()))
        .order_by_desc(contract::Column::Id)
        .one(db)
        .await
}

/// Rewrites the terms of a contract in force (the registry's form corrected its dates, grade
/// or fee).
pub async fn update_terms<C: ConnectionTrait>(
    db: &C,
    id: i64,
    c: &community::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    contract::Entity::update_many()
        .col_expr(contract::Column::StartsOn, Expr::value(c.contract_start))
        .col_expr(contract::Column::EndsOn, Expr::value(c.contract_end))
        .col_expr(contract::Column::ServiceGrade, Expr::value(c.service_grade.clone()))
        .col_expr(contract::Column::FeeFen, Expr::value(c.fee_fen))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends the contracts registered to follow a withdrawn exit; returns how many.
pub async fn void_registered_of_exit<C: ConnectionTrait>(
    db: &C,
    exit_id: i64,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let r = contract::Entity::update_many()
        .col_expr(contract::Column::Status, Expr::value(ContractStatus::Ended.as_str()))
        .col_expr(contract::Column::EndedOn, Expr::value(Some(on)))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::ExitId.eq(exit_id))
        .filter(contract::Column::Status.eq(ContractStatus::Registered.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// Puts on record the contract in force of every community with a company and no contract
/// period yet (communities registered before periods were kept, or seeded directly).
pub async fn backfill_contracts<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let have: std::collections::HashSet<i64> =
        contract::Entity::find().all(db).await?.into_iter().map(|k| k.community_id).collect();
    let mut n = 0;
    for c in community::Entity::find().order_by_asc(community::Column::Id).all(db).await? {
        let Some(company_id) = c.company_id else { continue };
        if have.contains(&c.id) {
            continue;
        }
        insert_contract(
            db,
            NewContract {
                community_id: c.id,
                company_id,
                starts_on: c.contract_start,
                ends_on: c.contract_end,
                service_grade: c.service_grade.clone(),
                fee_fen: c.fee_fen,
                status: ContractStatus::InForce,
                exit_id: None,
                registered_by: None,
                in_force_on: c.contract_start,
            },
            now,
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

/// Sets the end of a community's contract in force, on the community and on the period.
pub async fn set_contract_end<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    community::Entity::update_many()
        .col_expr(community::Column::ContractEnd, Expr::value(Some(end)))
        .col_expr(community::Column::UpdatedAt, Expr::value(now))
        .filter(community::Column::Id.eq(community_id))
        .exec(db)
        .await?;
    contract::Entity::update_many()
        .col_expr(contract::Column::EndsOn, Expr::value(Some(end)))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::CommunityId.eq(community_id))
        .filter(contract::Column::Status.eq(ContractStatus::InForce.as_str()))
        .exec(db)
        .await?;
    Ok(())
}
