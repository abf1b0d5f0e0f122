//! The first rung of the escalation ladder: re-assessing a community's service grade and with
//! it the fee standard (重新核定小区物业服务等级). Staff propose it with the reasons and the
//! cases it rests on; a bureau leader approves or rejects it. Approval changes the community's
//! grade and fee from the effective date, numbers two letters (to the company; to the price and
//! market-supervision departments), typesets them once to PDF with their SM3 digests, writes a
//! line on every linked case's timeline and tells the company. The approved re-assessments are
//! the community's grade and fee history.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::notifications::to_company;
use super::rule_code::RuleCode;
use super::scope::{JurisdictionTree, community_in_reach, join_ids, parse_ids};
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::entities::{community, reassessment, service_grade};
use crate::db::reassessments::{Decision, GradeChange, Letters, NewGrade};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Denied, Object, authorize, role_may};
use crate::domain::money::yuan;
use crate::domain::reassessment::ReassessmentStatus;
use crate::domain::registry::FieldErrors;
use crate::domain::role::Scope;
use crate::domain::timeline::EventKind;

/// The default grade table (fen per m² per month), seeded when the table is empty.
const GRADES: [(&str, &str, i64, i64); 5] = [
    ("一级", "24小时秩序维护，每日两次以上保洁，设施设备日常巡检，报修30分钟内响应", 120, 200),
    ("二级", "24小时秩序维护，每日保洁，设施设备每周巡检，报修1小时内响应", 90, 140),
    ("三级", "门岗值守，每日保洁，设施设备每月巡检，报修2小时内响应", 60, 100),
    ("四级", "门岗值守，隔日保洁，设施设备季度巡检，报修4小时内响应", 40, 70),
    ("五级", "基本保洁和秩序维护，报修当日响应", 20, 45),
];

/// Seeds the grade table when it is empty.
pub async fn ensure_grades(deps: &Deps) -> Result<(), ServiceError> {
    if db::reassessments::has_grades(&deps.db).await? {
        return Ok(());
    }
    let rows = GRADES
        .iter()
        .enumerate()
        .map(|(i, (name, standard, min, max))| NewGrade {
            name: (*name).into(),
            standard: (*standard).into(),
            fee_min_fen: *min,
            fee_max_fen: *max,
            position: i as i32 + 1,
        })
        .collect();
    db::reassessments::insert_grades(&deps.db, rows, deps.clock.now()).await?;
    Ok(())
}

/// The grade table, best first.
pub async fn grades(deps: &Deps) -> Result<Vec<service_grade::Model>, ServiceError> {
    Ok(db::reassessments::grades(&deps.db).await?)
}

/// A grade's changes, as the form gives them (yuan per m² per month as typed).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct GradeForm {
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub fee_min: String,
    #[serde(default)]
    pub fee_max: String,
}

/// Changes a grade's service standard and fee range (the grade table is demo data until the
/// county's price department's figures are entered: each county sets its own).
pub async fn save_grade(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    form: GradeForm,
) -> Result<service_grade::Model, ServiceError> {
    authorize(ctx.actor()?, Action::EditCatalog, &Object::Catalog)?;
    let mut errors = FieldErrors::new();
    let standard = form.standard.trim().to_string();
    if standard.is_empty() || standard.chars().count() > 500 {
        errors.insert("standard".into(), "请填写服务标准（不超过500字）".into());
    }
    let min = parse_fee(&form.fee_min);
    let max = parse_fee(&form.fee_max);
    if min.is_none() {
        errors.insert("fee_min".into(), "请填写收费下限，如 1.20（元/平方米·月）".into());
    }
    if max.is_none() {
        errors.insert("fee_max".into(), "请填写收费上限，如 2.00（元/平方米·月）".into());
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        errors.insert("fee_max".into(), "收费上限不能低于下限".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (min, max) = (min.unwrap_or_default(), max.unwrap_or_default());
    let tx = deps.db.begin().await?;
    let g = db::reassessments::grade(&tx, id).await?.ok_or(ServiceError::NotFound("服务等级"))?;
    let before = json!({"standard": g.standard, "fee_min_fen": g.fee_min_fen, "fee_max_fen": g.fee_max_fen});
    let after = json!({"standard": standard, "fee_min_fen": min, "fee_max_fen": max});
    let change = GradeChange { standard, fee_min_fen: min, fee_max_fen: max };
    let m = db::reassessments::update_grade(&tx, g, change, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::ServiceGradeUpdate,
        "service_grade",
        id,
        SUCCESS,
        json!({"before": before, "after": after}),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A proposal, as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewReassessment {
    pub new_grade: String,
    /// Yuan per m² per month as typed ("1.20").
    pub new_fee: String,
    pub effective_on: Option<NaiveDate>,
    pub reasons: String,
    pub case_ids: Vec<i64>,
}

/// Parses yuan with up to two decimals into fen.
pub fn parse_fee(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 4 || frac.len() > 2 || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(int.parse::<i64>().ok()? * 100 + frac)
}

/// Staff propose a re-assessment. Returns its id.
pub async fn propose(deps: &Deps, ctx: &Ctx, community_id: i64, new: NewReassessment) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::ManageCase).await?;
    let mut errors = FieldErrors::new();
    let grades = grades(deps).await?;
    let grade = grades.iter().find(|g| g.name == new.new_grade.trim());
    let fee = parse_fee(&new.new_fee);
    match (grade, fee) {
        (None, _) => {
            errors.insert("new_grade".into(), "请选择服务等级".into());
        }
        (_, None) => {
            errors.insert("new_fee".into(), "请填写收费标准（元/平方米·月，最多两位小数）".into());
        }
        (Some(g), Some(f)) if f < g.fee_min_fen || f > g.fee_max_fen => {
            errors.insert(
                "new_fee".into(),
                format!("{}的收费标准应在 {}–{} 元/平方米·月 之间", g.name, yuan(g.fee_min_fen), yuan(g.fee_max_fen)),
            );
        }
        _ => {}
    }
    if grade.is_some_and(|g| g.name == c.service_grade) && fee == c.fee_fen {
        errors.insert("new_grade".into(), "新的等级和收费标准与现行的相同".into());
    }
    match new.effective_on {
        Some(d) if d >= today(ctx.now) => {}
        _ => {
            errors.insert("effective_on".into(), "请填写生效日期（不早于今天）".into());
        }
    }
    let reasons = new.reasons.trim().to_string();
    if reasons.chars().count() < 4 || reasons.chars().count() > 2000 {
        errors.insert("reasons".into(), "请写明重新核定的理由（4至2000字）".into());
    }
    let wanted: HashSet<i64> = new.case_ids.iter().copied().collect();
    let cases = db::cases::cases_by_ids(&deps.db, wanted.iter().copied().collect()).await?;
    if wanted.is_empty() || cases.len() != wanted.len() || cases.iter().any(|k| k.community_id != c.id) {
        errors.insert("case_ids".into(), "请选择作为依据的本小区案件".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tx = deps.db.begin().await?;
    if db::reassessments::proposed_of_community(&tx, c.id).await?.is_some() {
        return Err(ServiceError::from(RuleCode::ReassessmentPending));
    }
    let mut ids: Vec<i64> = wanted.into_iter().collect();
    ids.sort_unstable();
    let grade = grade.expect("checked");
    let r = db::reassessments::insert(
        &tx,
        db::reassessments::NewReassessment {
            community_id: c.id,
            company_id: c.company_id,
            old_grade: c.service_grade.clone(),
            new_grade: grade.name.clone(),
            old_fee_fen: c.fee_fen,
            new_fee_fen: fee.expect("checked"),
            effective_on: new.effective_on.expect("checked"),
            reasons: reasons.clone(),
            case_ids: join_ids(&ids),
            proposed_by: actor.user_id,
        },
        ctx.now,
    )
    .await?;
    for k in &cases {
        super::timeline::timeline_note(
            &tx,
            ctx,
            k,
            EventKind::ReassessmentProposed.as_str(),
            &format!("提请重新核定小区物业服务等级：{} → {}（待领导审批）", c.service_grade, grade.name),
        )
        .await?;
    }
    record(
        &tx,
        ctx,
        AuditAction::ReassessmentPropose,
        "reassessment",
        r.id,
        SUCCESS,
        json!({"community_id": c.id, "old_grade": c.service_grade, "new_grade": grade.name,
               "old_fee_fen": c.fee_fen, "new_fee_fen": r.new_fee_fen, "cases": ids}),
    )
    .await?;
    tx.commit().await?;
    Ok(r.id)
}

/// A leader approves or rejects a proposal.
pub async fn decide(deps: &Deps, ctx: &Ctx, id: i64, approve: bool, note: &str) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::DecideEscalation) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let r = db::reassessments::reassessment(&deps.db, id).await?.ok_or(ServiceError::NotFound("重新核定"))?;
    let (c, tree) = community_in_reach(deps, ctx, r.community_id, Action::DecideEscalation).await?;
    let Some(status) = ReassessmentStatus::parse(&r.status).and_then(|s| s.decide(approve)) else {
        return Err(ServiceError::from(RuleCode::ReassessmentDecided));
    };
    let note = note.trim().to_string();
    if !approve && note.chars().count() < 2 {
        return Err(ServiceError::field("note", "不同意时请写明理由"));
    }
    let case_ids: Vec<i64> = parse_ids(&r.case_ids);
    let tx = deps.db.begin().await?;
    let cases = db::cases::cases_by_ids(&tx, case_ids.clone()).await?;
    let mut letters = json!(null);
    let mut issued = None;
    if approve {
        let (company, departments) = letters_for(deps, ctx, &tx, &r, &c, &tree).await?;
        letters = json!({"company": company.0, "departments": departments.0});
        issued = Some(Letters { company, departments });
    }
    let decision = Decision { status, by: actor.user_id, at: ctx.now, note: note.clone(), letters: issued };
    // Compare-and-set: a second leader deciding at the same time changes nothing.
    if !db::reassessments::decide_if_proposed(&tx, id, decision).await? {
        return Err(ServiceError::from(RuleCode::ReassessmentDecided));
    }
    if approve {
        db::reassessments::set_community_grade(&tx, c.id, &r.new_grade, r.new_fee_fen, ctx.now).await?;
    }
    let line = if approve {
        format!(
            "重新核定服务等级：{} → {}，收费标准 {} 元/平方米·月，自 {} 起执行",
            r.old_grade,
            r.new_grade,
            yuan(r.new_fee_fen),
            r.effective_on
        )
    } else {
        format!("领导未同意重新核定服务等级：{note}")
    };
    for k in &cases {
        super::timeline::timeline_note(
            &tx,
            ctx,
            k,
            if approve { EventKind::Reassessed } else { EventKind::ReassessmentRejected }.as_str(),
            &line,
        )
        .await?;
    }
    if approve && let Some(company) = r.company_id {
        db::notifications::notify(
            &tx,
            vec![to_company(
                company,
                "reassessment",
                format!("{}物业服务等级重新核定为{}", c.name, r.new_grade),
                line.clone(),
                None,
                format!("reassessment:{id}:company"),
                ctx.now,
            )],
        )
        .await?;
    }
    record(
        &tx,
        ctx,
        if approve { AuditAction::ReassessmentApprove } else { AuditAction::ReassessmentReject },
        "reassessment",
        id,
        SUCCESS,
        json!({"community_id": c.id, "new_grade": r.new_grade, "new_fee_fen": r.new_fee_fen, "letters": letters, "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Numbers and typesets the two letters of an approved re-assessment: (number, SM3) each.
async fn letters_for<C: sea_orm::ConnectionTrait>(
    deps: &Deps,
    ctx: &Ctx,
    tx: &C,
    r: &reassessment::Model,
    c: &community::Model,
    tree: &JurisdictionTree,
) -> Result<((String, String), (String, String)), ServiceError> {
    let actor = ctx.actor()?;
    let issuer_jurisdiction = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => return Err(ServiceError::Forbidden(Denied::Role)),
    };
    let local = ctx.now.with_timezone(&crate::clock::shanghai());
    let year = local.year();
    let date_text = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    let company = match r.company_id {
        Some(id) => db::companies::company(tx, id).await?.map(|c| c.name).unwrap_or_default(),
        None => String::new(),
    };
    let cases = db::cases::cases_by_ids(tx, parse_ids(&r.case_ids)).await?;
    let items: Vec<propwatch_pdf::NoticeItem> = cases
        .iter()
        .map(|k| propwatch_pdf::NoticeItem {
            community: c.name.clone(),
            // The letter prints the community before the item: the title without it.
            item: crate::domain::title::without_community(&c.name, &k.title).to_string(),
            text: String::new(),
            facts: k.facts.clone(),
            legal_basis: String::new(),
        })
        .collect();
    let old_fee = r.old_fee_fen.map(|f| format!("{} 元/平方米·月", yuan(f))).unwrap_or_else(|| "未登记".into());
    let decision = format!(
        "{}（{}）物业服务等级由{}（收费标准 {}）重新核定为{}，收费标准 {} 元/平方米·月，自{}起执行。",
        c.name,
        tree.name(c.township_id),
        if r.old_grade.is_empty() { "未核定" } else { r.old_grade.as_str() },
        old_fee,
        r.new_grade,
        yuan(r.new_fee_fen),
        date_text(r.effective_on)
    );
    let mut out = Vec::new();
    for (addressee, intro, requirements) in [
        (
            company.clone(),
            format!(
                "你单位在管的{}存在下列物业服务不履约、不到位问题，经督促仍未整改到位。理由：{}",
                c.name, r.reasons
            ),
            format!(
                "根据《物业管理条例》和专项整治工作要求，经研究决定：{decision}请你单位按新的服务等级提供服务、按新的收费标准收费，并向全体业主公示。"
            ),
        ),
        (
            "县发展和改革局、县市场监督管理局".to_string(),
            format!("{}的物业服务企业{}存在下列问题，经督促仍未整改到位。理由：{}", c.name, company, r.reasons),
            format!("经研究决定：{decision}特此函告，请在物业服务收费监管和价格监督检查中予以关注。"),
        ),
    ] {
        let seq = db::cases::next_seq(tx, "reassessment", issuer_jurisdiction, year, ctx.now).await?;
        let number = crate::domain::notice::number(&deps.settings.reassessment_number_pattern, year, seq);
        let doc = propwatch_pdf::NoticeDoc {
            issuer: deps.settings.office_name.clone(),
            title: "关于重新核定小区物业服务等级的通知".into(),
            number: number.clone(),
            addressee,
            intro,
            items: items.clone(),
            deadline: String::new(),
            requirements,
            contact: String::new(),
            date: date_text(today(ctx.now)),
        };
        let pdf = tokio::task::spawn_blocking(move || propwatch_pdf::render_notice(&doc))
            .await
            .map_err(|e| anyhow::anyhow!("typesetting task: {e}"))?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let digest = super::documents::store_pdf(tx, pdf, ctx.now).await?;
        out.push((number, digest));
    }
    let department = out.pop().expect("two letters");
    let company_letter = out.pop().expect("two letters");
    Ok((company_letter, department))
}

/// One re-assessment as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReassessmentView {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub old_grade: String,
    pub new_grade: String,
    pub old_fee: String,
    pub new_fee: String,
    pub effective_on: NaiveDate,
    pub reasons: String,
    pub case_ids: Vec<i64>,
    pub status: String,
    pub status_label: String,
    pub decision_note: String,
    pub company_letter_number: String,
    pub department_letter_number: String,
    pub proposed_at: String,
}

fn view(r: reassessment::Model, community: String) -> ReassessmentView {
    ReassessmentView {
        id: r.id,
        community_id: r.community_id,
        community,
        old_grade: r.old_grade,
        new_grade: r.new_grade,
        old_fee: r.old_fee_fen.map(yuan).unwrap_or_default(),
        new_fee: yuan(r.new_fee_fen),
        effective_on: r.effective_on,
        reasons: r.reasons,
        case_ids: parse_ids(&r.case_ids),
        status_label: ReassessmentStatus::label_of(&r.status).into(),
        status: r.status,
        decision_note: r.decision_note,
        company_letter_number: r.company_letter_number.unwrap_or_default(),
        department_letter_number: r.department_letter_number.unwrap_or_default(),
        proposed_at: crate::clock::display(r.created_at),
    }
}

/// A community's re-assessments, newest first (its grade and fee history).
pub async fn of_community(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<Vec<ReassessmentView>, ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::ViewRegistry).await?;
    Ok(db::reassessments::of_community(&deps.db, community_id)
        .await?
        .into_iter()
        .map(|r| view(r, c.name.clone()))
        .collect())
}

/// Proposals waiting for a leader, within the actor's reach.
pub async fn pending(deps: &Deps, ctx: &Ctx) -> Result<Vec<ReassessmentView>, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::DecideEscalation) && !role_may(actor.role, Action::ManageCase) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut out = Vec::new();
    for r in db::reassessments::with_status(&deps.db, ReassessmentStatus::Proposed).await? {
        let Some(c) = db::communities::community(&deps.db, r.community_id).await? else { continue };
        if authorize(
            actor,
            Action::ReadCaseContent,
            &Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) },
        )
        .is_ok()
        {
            out.push(view(r, c.name));
        }
    }
    Ok(out)
}

/// A letter's PDF, checked against its digest: `company` for the company's, `departments` for
/// the price and market-supervision departments'. Bureau readers see both; the company its own;
/// accounts of those two departments theirs.
pub async fn letter_pdf(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    which: &str,
) -> Result<(String, super::blobs::Download), ServiceError> {
    let actor = ctx.actor()?;
    let r = db::reassessments::reassessment(&deps.db, id).await?.ok_or(ServiceError::NotFound("重新核定"))?;
    let (number, digest) = match which {
        "company" => (r.company_letter_number.clone(), r.company_letter_sm3.clone()),
        "departments" => (r.department_letter_number.clone(), r.department_letter_sm3.clone()),
        _ => (None, None),
    };
    let (Some(number), Some(digest)) = (number, digest) else { return Err(ServiceError::NotFound("函件")) };
    let allowed = match actor.scope {
        Scope::Company(c) => {
            which == "company" && r.company_id == Some(c) && role_may(actor.role, Action::ReadCompanyCases)
        }
        Scope::Department(d) => {
            which == "departments"
                && db::departments::department(&deps.db, d)
                    .await?
                    .is_some_and(|d| matches!(d.kind.as_str(), "development_reform" | "market_supervision"))
        }
        Scope::Jurisdiction(_) => community_in_reach(deps, ctx, r.community_id, Action::ReadCaseContent).await.is_ok(),
        _ => false,
    };
    if !allowed {
        return Err(ServiceError::Forbidden(Denied::OutOfScope));
    }
    Ok((number, super::documents::open_pdf(&deps.read, &digest).await?))
}

/// A company's re-assessments, newest first: all of them for bureau readers, the approved ones
/// (with their letters) for the company itself.
pub async fn of_company(deps: &Deps, ctx: &Ctx, company_id: i64) -> Result<Vec<ReassessmentView>, ServiceError> {
    let actor = ctx.actor()?;
    let approved_only = match actor.scope {
        Scope::Company(c) if c == company_id && role_may(actor.role, Action::ReadCompanyCases) => true,
        Scope::Jurisdiction(_) if role_may(actor.role, Action::ReadCaseContent) => false,
        _ => return Ok(Vec::new()),
    };
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut out = Vec::new();
    for r in db::reassessments::of_company(&deps.db, company_id).await? {
        if approved_only && ReassessmentStatus::parse(&r.status) != Some(ReassessmentStatus::Approved) {
            continue;
        }
        let Some(c) = db::communities::community(&deps.db, r.community_id).await? else { continue };
        if !approved_only
            && authorize(
                actor,
                Action::ReadCaseContent,
                &Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) },
            )
            .is_err()
        {
            continue;
        }
        out.push(view(r, c.name));
    }
    Ok(out)
}
