//! Queries of rectification notices (整改通知书): writing an issued notice with the cases it
//! covers, and its status moves (signed for; flagged as not signed for in time), each a
//! compare-and-set on its status.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::{notice, notice_case};
use crate::domain::notice::NoticeStatus;

/// An issued notice: its number (reserved with `db::cases::next_notice_seq`), the stored PDF's
/// digest, and the cases it covers.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub number: String,
    pub jurisdiction_id: i64,
    pub year: i32,
    pub seq: i32,
    pub company_id: i64,
    pub deadline: NaiveDate,
    pub body: String,
    pub contact: String,
    pub issued_by: i64,
    /// The SM3 digest of the PDF blob.
    pub pdf_digest: String,
    pub pdf_bytes: i64,
    pub case_ids: Vec<i64>,
}

/// Inserts an issued notice and its links to the cases it covers. Returns its id.
pub async fn insert_issued<C: ConnectionTrait>(db: &C, new: NewNotice, at: DateTime<Utc>) -> Result<i64, DbErr> {
    let n = notice::ActiveModel {
        number: Set(new.number),
        jurisdiction_id: Set(new.jurisdiction_id),
        year: Set(new.year),
        seq: Set(new.seq),
        company_id: Set(new.company_id),
        deadline: Set(new.deadline),
        body: Set(new.body),
        contact: Set(new.contact),
        status: Set(NoticeStatus::Issued.as_str().into()),
        issued_by: Set(new.issued_by),
        issued_at: Set(at),
        signed_at: Set(None),
        signed_by: Set(None),
        unsigned_flagged_at: Set(None),
        pdf_digest: Set(new.pdf_digest),
        pdf_bytes: Set(new.pdf_bytes),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let links: Vec<_> = new
        .case_ids
        .into_iter()
        .map(|case_id| notice_case::ActiveModel {
            notice_id: Set(n.id),
            case_id: Set(case_id),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .collect();
    notice_case::Entity::insert_many(links).exec_without_returning(db).await?;
    Ok(n.id)
}

/// Records the company's signature on an issued notice, once (compare-and-set): false when it
/// was signed for already.
pub async fn sign_if_issued<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>, by: i64) -> Result<bool, DbErr> {
    let r = notice::Entity::update_many()
        .col_expr(notice::Column::Status, Expr::value(NoticeStatus::Signed.as_str()))
        .col_expr(notice::Column::SignedAt, Expr::value(at))
        .col_expr(notice::Column::SignedBy, Expr::value(by))
        .col_expr(notice::Column::UpdatedAt, Expr::value(at))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::Status.eq(NoticeStatus::Issued.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Flags an issued notice as not signed for in time, once (compare-and-set): false when it was
/// flagged already or is no longer issued.
pub async fn flag_unsigned_if_issued<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = notice::Entity::update_many()
        .col_expr(notice::Column::UnsignedFlaggedAt, Expr::value(at))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::UnsignedFlaggedAt.is_null())
        .filter(notice::Column::Status.eq(NoticeStatus::Issued.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
