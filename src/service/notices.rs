//! Rectification notices (整改通知书): issuing one for one or several filed cases of a company
//! (numbered per year and issuing jurisdiction, rendered once to PDF and kept immutably with
//! its SM3 digest), the company signing for it (签收), lists and the PDF itself.

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::blobs::Download;
use super::cases::{StepInput, write_step};
use super::notifications::{to_company, to_user};
use super::rule_code::RuleCode;
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, Page, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::notice;
use crate::db::notifications::NewNotification;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize, role_may};
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::notice::NoticeStatus;
use crate::domain::role::{Role, Scope};
use crate::domain::timeline::EventKind;

/// Issuing a notice.
#[derive(Debug, Clone, Default)]
pub struct NewNotice {
    pub case_ids: Vec<i64>,
    pub deadline: Option<NaiveDate>,
    /// Contact person and phone printed on the notice.
    pub contact: String,
    /// Extra requirements (optional).
    pub requirements: String,
}

/// What a new notice's 联系人及电话 starts as: the issuing staff member's name and the phone of
/// their account, or the office hotline (settings) when the account has none. Bureau staff only.
pub async fn default_contact(deps: &Deps, ctx: &Ctx) -> Result<String, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let user = db::accounts::user(&deps.read, actor.user_id).await?.ok_or(ServiceError::Unauthenticated)?;
    // An unreadable phone (a retired key) falls back like a missing one.
    let phone = user
        .phone_sealed
        .as_deref()
        .and_then(|sealed| deps.cipher.open(sealed).ok())
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| deps.settings.hotline.trim().to_string());
    let contact = format!("{} {phone}", user.display_name.trim());
    Ok(contact.trim().chars().take(100).collect())
}

/// Issues a notice for filed cases of one company. Returns the notice id.
pub async fn issue_notice(deps: &Deps, ctx: &Ctx, new: NewNotice) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let Scope::Jurisdiction(issuer_jurisdiction) = actor.scope else {
        return Err(ServiceError::Forbidden(Denied::OutOfScope));
    };
    let mut ids = new.case_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(ServiceError::field("case_ids", "请选择要下发整改通知的案件"));
    }
    let today = today(ctx.now);
    let deadline = new
        .deadline
        .filter(|d| *d > today)
        .ok_or_else(|| ServiceError::field("deadline", "请填写晚于今天的整改完成时限"))?;
    let contact = new.contact.trim().to_string();
    if contact.chars().count() < 2 || contact.chars().count() > 100 {
        return Err(ServiceError::field("contact", "请填写联系人及电话（不超过100字）"));
    }
    let tx = deps.db.begin().await?;
    let tree = JurisdictionTree::load(&tx).await?;
    let cases = db::cases::cases_by_ids(&tx, ids.clone()).await?;
    if cases.len() != ids.len() {
        return Err(ServiceError::NotFound("案件"));
    }
    let company_id = cases[0]
        .company_id
        .ok_or_else(|| ServiceError::field("case_ids", "该小区没有物业服务企业，无法下发整改通知"))?;
    for c in &cases {
        authorize(
            &actor,
            Action::ManageCase,
            &Object::Community { id: c.community_id, company_id: c.company_id, path: tree.path(c.township_id) },
        )?;
        if c.company_id != Some(company_id) {
            return Err(ServiceError::field("case_ids", "一份整改通知书只能发给同一家物业服务企业"));
        }
        if c.status != CaseStatus::Filed.as_str() {
            return Err(RuleCode::NoticeForUnfiledCase {
                title: c.title.clone(),
                status_label: CaseStatus::parse(&c.status).map(CaseStatus::label).unwrap_or(""),
            }
            .into());
        }
    }
    let company = db::companies::company(&tx, company_id).await?.ok_or(ServiceError::NotFound("物业服务企业"))?;
    let catalog: std::collections::HashMap<String, (String, String, String)> = db::catalog::catalog(&tx)
        .await?
        .into_iter()
        .map(|i| (i.code, (i.title, i.description, i.legal_basis)))
        .collect();
    let mut items = Vec::new();
    let mut body_lines = Vec::new();
    for c in &cases {
        let community = db::communities::community(&tx, c.community_id).await?.map(|x| x.name).unwrap_or_default();
        for code in db::cases::items(&tx, c.id).await? {
            let (title, text, basis) = catalog.get(&code).cloned().unwrap_or_default();
            body_lines.push(format!("{community}：{title}（{code}）。{}", c.facts));
            items.push(propwatch_pdf::NoticeItem {
                community: community.clone(),
                item: title,
                text,
                facts: c.facts.clone(),
                legal_basis: basis,
            });
        }
    }
    let year = ctx.now.with_timezone(&crate::clock::shanghai()).year();
    let seq = db::cases::next_notice_seq(&tx, issuer_jurisdiction, year, ctx.now).await?;
    let number = crate::domain::notice::number(&deps.settings.notice_number_pattern, year, seq);
    let issuer = deps.settings.office_name.clone();
    let authority = tree.get(issuer_jurisdiction).map(|j| j.name.clone()).unwrap_or_default();
    let date_text = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    let requirements = if new.requirements.trim().is_empty() {
        "请你单位接到本通知后立即组织整改，并于整改完成时限前将整改情况（附整改前后照片）通过物业服务监管平台报送我单位。逾期未整改或整改不到位的，我单位将依法依规重新核定小区物业服务等级、移送相关部门处理，并记入企业信用档案。".to_string()
    } else {
        new.requirements.trim().to_string()
    };
    let doc = propwatch_pdf::NoticeDoc {
        issuer: issuer.clone(),
        title: "物业服务整改通知书".into(),
        number: number.clone(),
        addressee: company.name.clone(),
        intro: format!(
            "经核查，你单位服务的下列小区存在物业服务不履约、不到位问题。根据《物业管理条例》及{}物业服务领域专项整治工作要求，现通知如下：",
            authority
        ),
        items,
        deadline: date_text(deadline),
        requirements: requirements.clone(),
        contact: contact.clone(),
        date: date_text(today),
    };
    // Typesetting is CPU work: off the async threads. The notice's number is reserved in this
    // transaction, so the PDF carries the number the row will have.
    let pdf = tokio::task::spawn_blocking(move || propwatch_pdf::render_notice(&doc))
        .await
        .map_err(|e| anyhow::anyhow!("typesetting task: {e}"))?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pdf_len = pdf.len() as i64;
    let digest = super::documents::store_pdf(&tx, pdf, ctx.now).await?;
    let notice_id = db::notices::insert_issued(
        &tx,
        db::notices::NewNotice {
            number: number.clone(),
            jurisdiction_id: issuer_jurisdiction,
            year,
            seq,
            company_id,
            deadline,
            body: format!("{}\n{}", body_lines.join("\n"), requirements),
            contact,
            issued_by: actor.user_id,
            pdf_digest: digest.clone(),
            pdf_bytes: pdf_len,
            case_ids: cases.iter().map(|c| c.id).collect(),
        },
        ctx.now,
    )
    .await?;
    let d = date_text(deadline);
    for c in &cases {
        let input =
            StepInput { note: format!("整改通知书 {number}"), deadline: Some(deadline), ..Default::default() };
        let public = format!("已向物业服务企业下发整改通知书，要求于{d}前完成整改。");
        write_step(&tx, ctx, c, CaseEvent::IssueNotice, CaseStatus::NoticeIssued, &input, &public, false).await?;
    }
    let note = to_company(
        company_id,
        "notice_issued",
        format!("新的整改通知书：{number}"),
        format!("请于{d}前完成整改并报送整改情况。请先签收。"),
        Some(cases[0].id),
        format!("notice_issued:{notice_id}"),
        ctx.now,
    );
    db::notifications::notify(&tx, vec![NewNotification { notice_id: Some(notice_id), ..note }]).await?;
    record(
        &tx,
        ctx,
        AuditAction::NoticeIssue,
        "notice",
        notice_id,
        SUCCESS,
        json!({"number": number, "company_id": company_id, "cases": ids, "deadline": deadline, "pdf_sm3": digest}),
    )
    .await?;
    tx.commit().await?;
    Ok(notice_id)
}

/// A company signs for a notice (签收); the time is recorded.
pub async fn sign_notice(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    let tx = deps.db.begin().await?;
    let n = db::cases::notice(&tx, id).await?.ok_or(ServiceError::NotFound("整改通知书"))?;
    authorize(&actor, Action::AnswerNotice, &Object::Company { id: n.company_id, path: Vec::new() })?;
    // Only an issued notice is signed for; the compare-and-set catches a concurrent signature.
    let signs = NoticeStatus::parse(&n.status).and_then(NoticeStatus::sign).is_some();
    if !signs || !db::notices::sign_if_issued(&tx, n.id, ctx.now, actor.user_id).await? {
        return Err(ServiceError::from(RuleCode::NoticeSigned));
    }
    for c in db::cases::cases_by_ids(&tx, db::cases::notice_case_ids(&tx, n.id).await?).await? {
        super::timeline::timeline_note(
            &tx,
            ctx,
            &c,
            EventKind::NoticeSigned.as_str(),
            &format!("签收整改通知书 {}", n.number),
        )
        .await?;
    }
    db::notifications::notify(
        &tx,
        vec![to_user(
            n.issued_by,
            "notice_signed",
            format!("企业已签收整改通知书 {}", n.number),
            format!("签收人：{}，签收时间：{}", ctx.actor_name, crate::clock::display(ctx.now)),
            None,
            format!("notice_signed:{}", n.id),
            ctx.now,
        )],
    )
    .await?;
    record(&tx, ctx, AuditAction::NoticeSign, "notice", n.id, SUCCESS, json!({"number": n.number})).await?;
    tx.commit().await?;
    Ok(())
}

/// A notice as listed and shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: i64,
    pub number: String,
    pub company_id: i64,
    pub company: String,
    pub deadline: NaiveDate,
    pub status: String,
    pub status_label: String,
    pub issued_at: String,
    pub signed_at: String,
    pub overdue_unsigned: bool,
    pub body: String,
    pub contact: String,
    pub pdf_sm3: String,
    pub case_ids: Vec<i64>,
    /// Cases of the notice whose deadline in force is no longer the notice's (extended, or set
    /// anew after a failed re-inspection): (case id, deadline now). The notice stays as issued;
    /// the case page says from what and why.
    pub changed_deadlines: Vec<(i64, NaiveDate)>,
}

async fn view(deps: &Deps, n: notice::Model) -> Result<NoticeView, ServiceError> {
    let company = db::companies::company(&deps.db, n.company_id).await?.map(|c| c.name).unwrap_or_default();
    let case_ids = db::cases::notice_case_ids(&deps.db, n.id).await?;
    Ok(NoticeView {
        id: n.id,
        number: n.number,
        company_id: n.company_id,
        company,
        deadline: n.deadline,
        status_label: NoticeStatus::label_of(&n.status).into(),
        status: n.status,
        issued_at: crate::clock::display(n.issued_at),
        signed_at: n.signed_at.map(crate::clock::display).unwrap_or_default(),
        overdue_unsigned: n.unsigned_flagged_at.is_some() && n.signed_at.is_none(),
        body: n.body,
        contact: n.contact,
        pdf_sm3: n.pdf_digest,
        changed_deadlines: db::cases::cases_by_ids(&deps.db, case_ids.clone())
            .await?
            .into_iter()
            .filter(|c| CaseStatus::parse(&c.status).is_some_and(|s| !s.is_final()))
            .filter_map(|c| c.deadline.filter(|d| *d != n.deadline).map(|d| (c.id, d)))
            .collect(),
        case_ids,
    })
}

/// Loads a notice the actor may read: bureau readers within scope, or the company it is for.
async fn load(deps: &Deps, ctx: &Ctx, id: i64) -> Result<notice::Model, ServiceError> {
    let actor = ctx.actor()?;
    let n = db::cases::notice(&deps.db, id).await?.ok_or(ServiceError::NotFound("整改通知书"))?;
    if actor.role == Role::CompanyUser {
        authorize(actor, Action::ReadCompanyCases, &Object::Company { id: n.company_id, path: Vec::new() })?;
    } else {
        let tree = JurisdictionTree::load(&deps.db).await?;
        authorize(actor, Action::ReadCaseContent, &Object::Jurisdiction { path: tree.path(n.jurisdiction_id) })?;
    }
    Ok(n)
}

/// One notice.
pub async fn get_notice(deps: &Deps, ctx: &Ctx, id: i64) -> Result<NoticeView, ServiceError> {
    let n = load(deps, ctx, id).await?;
    view(deps, n).await
}

/// A notice's PDF, exactly as issued (checked against its SM3 digest).
pub async fn notice_pdf(deps: &Deps, ctx: &Ctx, id: i64) -> Result<(String, Download), ServiceError> {
    let n = load(deps, ctx, id).await?;
    Ok((n.number, super::documents::open_pdf(&deps.read, &n.pdf_digest).await?))
}

/// Notices within the actor's reach, newest first.
pub async fn list_notices(deps: &Deps, ctx: &Ctx, page: u64, per_page: u64) -> Result<Page<NoticeView>, ServiceError> {
    let actor = ctx.actor()?;
    let company = match (actor.role, actor.scope) {
        (Role::CompanyUser, Scope::Company(c)) => Some(c),
        _ if role_may(actor.role, Action::ReadCaseContent) => None,
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    };
    let (rows, total) = db::cases::notices(&deps.db, company, page.max(1), per_page).await?;
    let mut items = Vec::with_capacity(rows.len());
    let tree = JurisdictionTree::load(&deps.db).await?;
    for n in rows {
        if company.is_none()
            && authorize(actor, Action::ReadCaseContent, &Object::Jurisdiction { path: tree.path(n.jurisdiction_id) })
                .is_err()
        {
            continue;
        }
        items.push(view(deps, n).await?);
    }
    Ok(Page { items, total, page: page.max(1), per_page })
}

/// Filed cases of one company that a notice can be issued for (for the issuing form).
pub async fn issuable_cases(
    deps: &Deps,
    ctx: &Ctx,
    company_id: i64,
) -> Result<Vec<super::cases::CaseRow>, ServiceError> {
    let q = super::cases::LedgerQuery {
        company_id: Some(company_id),
        status: Some(CaseStatus::Filed.as_str().into()),
        ..Default::default()
    };
    Ok(super::cases::ledger(deps, ctx, &q, 200).await?.rows.items)
}

/// The latest notices to one company that the actor may read (a company user: only its own).
pub async fn notices_of_company(
    deps: &Deps,
    ctx: &Ctx,
    company_id: i64,
    limit: u64,
) -> Result<Vec<NoticeView>, ServiceError> {
    let actor = ctx.actor()?;
    match (actor.role, actor.scope) {
        (Role::CompanyUser, Scope::Company(c)) if c == company_id => {}
        _ if role_may(actor.role, Action::ReadCaseContent) => {}
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let (rows, _) = db::cases::notices(&deps.db, Some(company_id), 1, limit).await?;
    let mut out = Vec::new();
    for n in rows {
        if actor.role != Role::CompanyUser
            && authorize(actor, Action::ReadCaseContent, &Object::Jurisdiction { path: tree.path(n.jurisdiction_id) })
                .is_err()
        {
            continue;
        }
        out.push(view(deps, n).await?);
    }
    Ok(out)
}
