//! Full inspection (全面排查): plans over a set of communities, the checklist answered item by
//! item on a phone (each answer saved as it is given), photos per item, submitting an
//! inspection (its problem items become cases in the ledger, with the inspection as source and
//! evidence), and coverage per plan and township.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::rule_code::RuleCode;
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::clock::today;
use crate::db;
use crate::db::cases::NewCasePhoto;
use crate::db::complaints::NewProblem;
use crate::db::entities::{catalog_item, community, inspection};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Actor, Denied, Object, authorize, role_may};
use crate::domain::inspection::{Answer, Coverage, InspectionStatus, PlanScope, check_complete, parse_checklist};
use crate::domain::registry::FieldErrors;
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::{Role, Scope};

/// Photos per checklist item at most.
pub const MAX_PHOTOS_PER_ITEM: usize = 6;

/// A new plan, as the form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewPlan {
    pub phase_id: Option<i64>,
    pub name: String,
    /// `county`, `township` or `company`.
    pub scope: String,
    pub township_id: Option<i64>,
    pub company_id: Option<i64>,
    /// Catalog codes, comma-separated; empty: every active leaf item of the catalog.
    pub checklist: String,
    pub due_on: Option<NaiveDate>,
    pub responsible_user_id: Option<i64>,
    /// Assigned to every inspection of the plan (optional; staff can assign each later).
    pub assignee_user_id: Option<i64>,
}

/// The active leaf items of the catalog: the default checklist.
fn leaves(catalog: &[catalog_item::Model]) -> Vec<&catalog_item::Model> {
    let parents: HashSet<&str> = catalog.iter().filter_map(|i| i.parent_code.as_deref()).collect();
    catalog.iter().filter(|i| i.active && !parents.contains(i.code.as_str())).collect()
}

/// The townships a reader of inspections is limited to (`None`: the whole county).
fn reader_townships(tree: &JurisdictionTree, actor: &Actor) -> Result<Option<Vec<i64>>, ServiceError> {
    if !role_may(actor.role, Action::ReadCaseContent) && !role_may(actor.role, Action::Inspect) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    match actor.scope {
        Scope::Jurisdiction(j) => Ok(tree.reach_of(j)),
        _ => Err(ServiceError::Forbidden(Denied::Role)),
    }
}

/// Who may be assigned an inspection: active bureau staff and township officers.
async fn assignable(deps: &Deps, id: i64) -> Result<Option<crate::db::entities::user::Model>, ServiceError> {
    Ok(db::accounts::user(&deps.db, id)
        .await?
        .filter(|u| u.active && (u.role == Role::BureauStaff.as_str() || u.role == Role::TownshipOfficer.as_str())))
}

/// Creates a plan and one inspection for every community in its scope. Returns the plan id.
pub async fn create_plan(deps: &Deps, ctx: &Ctx, new: NewPlan) -> Result<i64, ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::PlanInspection) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut errors = FieldErrors::new();
    let name = new.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert("name".into(), "请填写计划名称（不超过200字）".into());
    }
    let phase = match new.phase_id {
        Some(id) => db::campaigns::campaign_phase(&deps.db, id).await?,
        None => None,
    };
    if phase.is_none() {
        errors.insert("phase_id".into(), "请选择所属的专项行动阶段".into());
    }
    let scope = match new.scope.as_str() {
        "county" => Some(PlanScope::County),
        "township" => new
            .township_id
            .filter(|id| tree.get(*id).is_some_and(|j| j.level == JurisdictionLevel::Township.as_str()))
            .map(PlanScope::Township),
        "company" => match new.company_id {
            Some(id) if db::companies::company(&deps.db, id).await?.is_some() => Some(PlanScope::Company(id)),
            _ => None,
        },
        _ => None,
    };
    if scope.is_none() {
        errors.insert("scope".into(), "请选择排查范围：全县、一个乡镇（街道）或一家企业的全部小区".into());
    }
    let catalog = db::catalog::catalog(&deps.db).await?;
    let known: HashMap<&str, &catalog_item::Model> =
        leaves(&catalog).into_iter().map(|i| (i.code.as_str(), i)).collect();
    let mut checklist = parse_checklist(&new.checklist);
    if checklist.is_empty() {
        checklist = leaves(&catalog).iter().map(|i| i.code.clone()).collect();
    }
    let unknown: Vec<&str> = checklist.iter().map(String::as_str).filter(|c| !known.contains_key(c)).collect();
    if !unknown.is_empty() {
        errors.insert(
            "checklist".into(),
            format!("排查项目须为整治内容中的具体条目，以下编号不可用：{}", unknown.join("、")),
        );
    }
    if checklist.len() > 100 {
        errors.insert("checklist".into(), "排查项目不超过100项".into());
    }
    let Some(due_on) = new.due_on else {
        errors.insert("due_on".into(), "请填写完成排查的日期".into());
        return Err(ServiceError::Invalid(errors));
    };
    if due_on < today(ctx.now) {
        errors.insert("due_on".into(), "完成日期不能早于今天".into());
    }
    let responsible = match new.responsible_user_id {
        Some(id) => {
            db::accounts::user(&deps.db, id).await?.filter(|u| u.active && u.role == Role::BureauStaff.as_str())
        }
        None => None,
    };
    if responsible.is_none() {
        errors.insert("responsible_user_id".into(), "请选择发现问题后立案的责任人（住建局工作人员）".into());
    }
    let assignee = match new.assignee_user_id {
        Some(id) => match assignable(deps, id).await? {
            Some(u) => Some(u.id),
            None => {
                errors.insert("assignee_user_id".into(), "排查人须为在岗的住建局工作人员或乡镇（街道）工作人员".into());
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (scope, responsible) = (scope.expect("checked"), responsible.expect("checked"));
    let object = match scope {
        PlanScope::County => Object::Jurisdiction { path: actor.jurisdiction_path.clone() },
        PlanScope::Township(t) => Object::Jurisdiction { path: tree.path(t) },
        PlanScope::Company(c) => Object::Company { id: c, path: actor.jurisdiction_path.clone() },
    };
    authorize(&actor, Action::PlanInspection, &object)?;
    let filter = db::communities::CommunityFilter {
        township_ids: match scope {
            PlanScope::Township(t) => Some(tree.subtree(t)),
            _ => None,
        },
        company_id: match scope {
            PlanScope::Company(c) => Some(c),
            _ => None,
        },
        ..Default::default()
    };
    let tx = deps.db.begin().await?;
    let (communities, _) = db::communities::communities(&tx, &filter, 1, 1_000_000).await?;
    if communities.is_empty() {
        return Err(ServiceError::field("scope", "该范围内没有登记的小区"));
    }
    let plan = db::inspections::NewPlan {
        campaign_phase_id: new.phase_id.expect("checked"),
        name: name.clone(),
        scope: scope.kind().into(),
        scope_id: scope.id(),
        checklist: checklist.join(","),
        due_on,
        responsible_user_id: responsible.id,
        created_by: actor.user_id,
    };
    let plan = db::inspections::insert_plan(&tx, plan, ctx.now).await?;
    db::inspections::insert_for_plan(&tx, plan.id, &communities, assignee, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::InspectionPlanCreate,
        "inspection_plan",
        plan.id,
        SUCCESS,
        json!({"name": name, "scope": scope.kind(), "scope_id": scope.id(), "communities": communities.len(),
               "checklist": checklist, "due_on": due_on, "assignee_user_id": assignee}),
    )
    .await?;
    tx.commit().await?;
    Ok(plan.id)
}

/// One plan in the list, with its coverage as the reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanRow {
    pub id: i64,
    pub name: String,
    pub phase: String,
    pub scope_label: String,
    pub due_on: NaiveDate,
    pub items: usize,
    pub coverage: Coverage,
}

/// Coverage of one township in a plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TownshipCoverage {
    pub township_id: i64,
    pub township: String,
    pub coverage: Coverage,
}

/// One community's inspection in a plan's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan: String,
    pub community: String,
    pub township: String,
    pub company: String,
    pub assignee: String,
    pub submitted: bool,
    pub submitted_at: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

/// A plan with its coverage per township and its inspections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanDetail {
    pub plan: PlanRow,
    pub townships: Vec<TownshipCoverage>,
    /// Not yet inspected first.
    pub inspections: Vec<InspectionRow>,
    pub checklist: Vec<(String, String)>,
    pub responsible: String,
    pub can_assign: bool,
}

async fn scope_label(
    deps: &Deps,
    tree: &JurisdictionTree,
    kind: &str,
    id: Option<i64>,
) -> Result<String, ServiceError> {
    Ok(match PlanScope::from_parts(kind, id) {
        Some(PlanScope::Township(t)) => format!("{}全部小区", tree.name(t)),
        Some(PlanScope::Company(c)) => format!(
            "{}在管小区",
            db::companies::company(&deps.db, c).await?.map(|c| c.name).unwrap_or_else(|| "企业".into())
        ),
        _ => "全县全部小区".into(),
    })
}

async fn plan_row(
    deps: &Deps,
    tree: &JurisdictionTree,
    plan: &crate::db::entities::inspection_plan::Model,
    counts: &[db::inspections::CoverageRow],
    townships: Option<&[i64]>,
    today: NaiveDate,
) -> Result<PlanRow, ServiceError> {
    let mut coverage = Coverage::default();
    for r in counts.iter().filter(|r| r.plan_id == plan.id && townships.is_none_or(|t| t.contains(&r.township_id))) {
        for _ in 0..r.n {
            coverage.add(r.status == InspectionStatus::Submitted.as_str(), plan.due_on, today);
        }
    }
    let phase = match db::campaigns::campaign_phase(&deps.db, plan.campaign_phase_id).await? {
        Some(p) => p.name,
        None => String::new(),
    };
    Ok(PlanRow {
        id: plan.id,
        name: plan.name.clone(),
        phase,
        scope_label: scope_label(deps, tree, &plan.scope, plan.scope_id).await?,
        due_on: plan.due_on,
        items: parse_checklist(&plan.checklist).len(),
        coverage,
    })
}

/// The plans with their coverage (township officers: their township's share).
pub async fn plans(deps: &Deps, ctx: &Ctx) -> Result<Vec<PlanRow>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let townships = reader_townships(&tree, actor)?;
    let counts = db::inspections::coverage(&deps.db, None).await?;
    let today = today(ctx.now);
    let mut out = Vec::new();
    for p in db::inspections::plans(&deps.db).await? {
        let row = plan_row(deps, &tree, &p, &counts, townships.as_deref(), today).await?;
        if row.coverage.due > 0 {
            out.push(row);
        }
    }
    Ok(out)
}

fn user_names(users: &[crate::db::entities::user::Model]) -> HashMap<i64, String> {
    users.iter().map(|u| (u.id, u.display_name.clone())).collect()
}

/// A plan's page: coverage per township, and every inspection (not yet inspected first).
pub async fn plan_detail(deps: &Deps, ctx: &Ctx, id: i64) -> Result<PlanDetail, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let townships = reader_townships(&tree, actor)?;
    let plan = db::inspections::plan(&deps.db, id).await?.ok_or(ServiceError::NotFound("排查计划"))?;
    let counts = db::inspections::coverage(&deps.db, Some(id)).await?;
    let today = today(ctx.now);
    let row = plan_row(deps, &tree, &plan, &counts, townships.as_deref(), today).await?;
    if row.coverage.due == 0 {
        return Err(ServiceError::NotFound("排查计划"));
    }
    let mut per: BTreeMap<i64, Coverage> = BTreeMap::new();
    for r in counts.iter().filter(|r| townships.as_deref().is_none_or(|t| t.contains(&r.township_id))) {
        let c = per.entry(r.township_id).or_default();
        for _ in 0..r.n {
            c.add(r.status == InspectionStatus::Submitted.as_str(), plan.due_on, today);
        }
    }
    let inspections = db::inspections::of_plan(&deps.db, id, townships.as_deref()).await?;
    let rows = inspection_rows(deps, &tree, &plan, inspections, today).await?;
    let catalog = db::catalog::catalog(&deps.db).await?;
    let titles: HashMap<&str, &str> = catalog.iter().map(|i| (i.code.as_str(), i.title.as_str())).collect();
    Ok(PlanDetail {
        townships: per
            .into_iter()
            .map(|(t, coverage)| TownshipCoverage { township_id: t, township: tree.name(t), coverage })
            .collect(),
        inspections: rows,
        checklist: parse_checklist(&plan.checklist)
            .into_iter()
            .map(|c| {
                let t = titles.get(c.as_str()).copied().unwrap_or_default().to_string();
                (c, t)
            })
            .collect(),
        responsible: db::accounts::user(&deps.db, plan.responsible_user_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        can_assign: role_may(actor.role, Action::PlanInspection),
        plan: row,
    })
}

async fn inspection_rows(
    deps: &Deps,
    tree: &JurisdictionTree,
    plan: &crate::db::entities::inspection_plan::Model,
    inspections: Vec<inspection::Model>,
    today: NaiveDate,
) -> Result<Vec<InspectionRow>, ServiceError> {
    let plans: HashMap<i64, crate::db::entities::inspection_plan::Model> = HashMap::from([(plan.id, plan.clone())]);
    rows_for(deps, tree, &plans, inspections, today).await
}

async fn rows_for(
    deps: &Deps,
    tree: &JurisdictionTree,
    plans: &HashMap<i64, crate::db::entities::inspection_plan::Model>,
    inspections: Vec<inspection::Model>,
    today: NaiveDate,
) -> Result<Vec<InspectionRow>, ServiceError> {
    let communities: HashMap<i64, community::Model> =
        db::communities::communities_by_ids(&deps.db, inspections.iter().map(|i| i.community_id).collect())
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let company_ids: Vec<i64> =
        inspections.iter().filter_map(|i| i.company_id).collect::<HashSet<_>>().into_iter().collect();
    let companies: HashMap<i64, String> =
        db::companies::companies_by_ids(&deps.db, company_ids).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let user_ids: Vec<i64> =
        inspections.iter().filter_map(|i| i.assignee_user_id).collect::<HashSet<_>>().into_iter().collect();
    let users = user_names(&db::accounts::users_by_ids(&deps.db, user_ids).await?);
    let mut rows: Vec<InspectionRow> = inspections
        .into_iter()
        .filter_map(|i| {
            let plan = plans.get(&i.plan_id)?;
            let submitted = i.status == InspectionStatus::Submitted.as_str();
            Some(InspectionRow {
                id: i.id,
                plan_id: plan.id,
                plan: plan.name.clone(),
                community: communities.get(&i.community_id).map(|c| c.name.clone()).unwrap_or_default(),
                township: tree.name(i.township_id),
                company: i
                    .company_id
                    .and_then(|c| companies.get(&c).cloned())
                    .unwrap_or_else(|| "（无物业企业）".into()),
                assignee: i.assignee_user_id.and_then(|u| users.get(&u).cloned()).unwrap_or_else(|| "未分派".into()),
                submitted,
                submitted_at: i.submitted_at.map(crate::clock::display).unwrap_or_default(),
                due_on: plan.due_on,
                overdue: !submitted && plan.due_on < today,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.submitted, !r.overdue, r.township.clone(), r.community.clone()));
    Ok(rows)
}

/// The inspections the actor is to carry out: assigned to them, or unassigned in their area.
pub async fn my_inspections(deps: &Deps, ctx: &Ctx) -> Result<Vec<InspectionRow>, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::Inspect) {
        return Ok(Vec::new());
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let townships = reader_townships(&tree, actor)?;
    let todo = db::inspections::to_do(&deps.db, actor.user_id, townships.as_deref(), 200).await?;
    let plans: HashMap<i64, crate::db::entities::inspection_plan::Model> =
        db::inspections::plans(&deps.db).await?.into_iter().map(|p| (p.id, p)).collect();
    rows_for(deps, &tree, &plans, todo, today(ctx.now)).await
}

/// One checklist item on the inspection form.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub code: String,
    pub title: String,
    pub legal_basis: String,
    /// `compliant`, `problem`, `not_applicable`, or empty when not yet answered.
    pub answer: String,
    pub note: String,
    pub saved_at: String,
    pub photo_ids: Vec<i64>,
    /// The case its problem opened (after submitting).
    pub case_id: Option<i64>,
}

/// An inspection with its checklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub row: InspectionRow,
    pub address: String,
    pub items: Vec<ChecklistItem>,
    pub answered: usize,
    pub problems: usize,
    pub can_edit: bool,
}

/// Loads an inspection the actor may read (`Inspect` for changing it).
async fn load(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<
    (inspection::Model, crate::db::entities::inspection_plan::Model, community::Model, JurisdictionTree),
    ServiceError,
> {
    let actor = ctx.actor()?;
    let i = db::inspections::inspection(&deps.db, id).await?.ok_or(ServiceError::NotFound("排查任务"))?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let community =
        db::communities::community(&deps.db, i.community_id).await?.ok_or(ServiceError::NotFound("小区"))?;
    let object = Object::Community {
        id: community.id,
        company_id: community.company_id,
        path: tree.path(community.township_id),
    };
    let check = |a: Action| authorize(actor, a, &object);
    match action {
        Action::Inspect => check(Action::Inspect)?,
        _ => check(Action::ReadCaseContent).or_else(|_| check(Action::Inspect))?,
    }
    let plan = db::inspections::plan(&deps.db, i.plan_id).await?.ok_or(ServiceError::NotFound("排查计划"))?;
    Ok((i, plan, community, tree))
}

/// The inspection form (or, once submitted, the record).
pub async fn get_inspection(deps: &Deps, ctx: &Ctx, id: i64) -> Result<InspectionView, ServiceError> {
    let actor = ctx.actor()?;
    let (i, plan, community, tree) = load(deps, ctx, id, Action::ReadCaseContent).await?;
    let answers = db::inspections::answers(&deps.db, id).await?;
    let photos = db::inspections::photos(&deps.db, id).await?;
    let catalog = db::catalog::catalog(&deps.db).await?;
    let by_code: HashMap<&str, &catalog_item::Model> = catalog.iter().map(|c| (c.code.as_str(), c)).collect();
    let cases = db::cases::cases_of_inspection(&deps.db, id).await?;
    let mut items = Vec::new();
    for code in parse_checklist(&plan.checklist) {
        let a = answers.iter().find(|a| a.catalog_code == code);
        let item = by_code.get(code.as_str());
        items.push(ChecklistItem {
            title: item.map(|i| i.title.clone()).unwrap_or_default(),
            legal_basis: item.map(|i| i.legal_basis.clone()).unwrap_or_default(),
            answer: a.map(|a| a.answer.clone()).unwrap_or_default(),
            note: a.map(|a| a.note.clone()).unwrap_or_default(),
            saved_at: a.map(|a| crate::clock::display(a.updated_at)).unwrap_or_default(),
            photo_ids: photos.iter().filter(|p| p.catalog_code == code).map(|p| p.id).collect(),
            case_id: cases.iter().find(|(c, _)| *c == code).map(|(_, id)| *id),
            code,
        });
    }
    let plans = HashMap::from([(plan.id, plan.clone())]);
    let row = rows_for(deps, &tree, &plans, vec![i.clone()], today(ctx.now))
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("排查任务"))?;
    let object = Object::Community {
        id: community.id,
        company_id: community.company_id,
        path: tree.path(community.township_id),
    };
    Ok(InspectionView {
        answered: items.iter().filter(|i| !i.answer.is_empty()).count(),
        problems: items.iter().filter(|i| i.answer == Answer::Problem.as_str()).count(),
        can_edit: i.status == InspectionStatus::Assigned.as_str() && authorize(actor, Action::Inspect, &object).is_ok(),
        address: community.address.clone(),
        row,
        items,
    })
}

fn not_open(i: &inspection::Model) -> Result<(), ServiceError> {
    if i.status != InspectionStatus::Assigned.as_str() {
        return Err(ServiceError::from(RuleCode::InspectionSubmitted));
    }
    Ok(())
}

/// Saves the answer to one checklist item (replacing an earlier one). Returns when it was saved.
pub async fn save_answer(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    code: &str,
    answer: &str,
    note: &str,
) -> Result<String, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (i, plan, _, _) = load(deps, ctx, id, Action::Inspect).await?;
    not_open(&i)?;
    if !parse_checklist(&plan.checklist).iter().any(|c| c == code) {
        return Err(ServiceError::NotFound("排查项目"));
    }
    let answer =
        Answer::parse(answer).ok_or_else(|| ServiceError::field("answer", "请选择：符合、存在问题或不适用"))?;
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(ServiceError::field("note", "情况说明不超过2000字"));
    }
    let tx = deps.db.begin().await?;
    // The status again, in the writing transaction: a submit that won the race refuses this.
    let now_open = db::inspections::inspection(&tx, id).await?.ok_or(ServiceError::NotFound("排查任务"))?;
    not_open(&now_open)?;
    let row =
        db::inspections::NewAnswer { inspection_id: id, catalog_code: code, answer, note, answered_by: actor.user_id };
    db::inspections::upsert_answer(&tx, row, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::InspectionAnswer,
        "inspection",
        id,
        SUCCESS,
        json!({"item": code, "answer": answer.as_str()}),
    )
    .await?;
    tx.commit().await?;
    Ok(crate::clock::display(ctx.now))
}

/// Adds photos to one checklist item (re-encoded without EXIF).
pub async fn add_photos(deps: &Deps, ctx: &Ctx, id: i64, code: &str, raw: Vec<Vec<u8>>) -> Result<usize, ServiceError> {
    let (i, plan, _, _) = load(deps, ctx, id, Action::Inspect).await?;
    not_open(&i)?;
    if !parse_checklist(&plan.checklist).iter().any(|c| c == code) {
        return Err(ServiceError::NotFound("排查项目"));
    }
    if raw.is_empty() {
        return Err(ServiceError::field("photos", "请选择要上传的照片"));
    }
    let existing = db::inspections::photos(&deps.db, id).await?.iter().filter(|p| p.catalog_code == code).count();
    if existing + raw.len() > MAX_PHOTOS_PER_ITEM {
        return Err(ServiceError::field("photos", format!("每个排查项目最多{MAX_PHOTOS_PER_ITEM}张照片")));
    }
    let mut processed = Vec::new();
    for r in &raw {
        processed.push(super::photos::process(r).map_err(|e| ServiceError::field("photos", e))?);
    }
    let tx = deps.db.begin().await?;
    not_open(&db::inspections::inspection(&tx, id).await?.ok_or(ServiceError::NotFound("排查任务"))?)?;
    for p in &processed {
        super::photos::store(&tx, p, ctx.now).await?;
    }
    let rows: Vec<_> = processed
        .iter()
        .map(|p| db::inspections::NewPhoto {
            digest: &p.digest,
            byte_size: p.jpeg.len() as i64,
            width: p.width as i32,
            height: p.height as i32,
        })
        .collect();
    db::inspections::insert_photos(&tx, id, code, &rows, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::InspectionPhotos,
        "inspection",
        id,
        SUCCESS,
        json!({"item": code, "photos": processed.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(processed.len())
}

/// The bytes of an inspection photo the actor may see.
pub async fn photo(deps: &Deps, ctx: &Ctx, id: i64, photo_id: i64) -> Result<super::blobs::Download, ServiceError> {
    load(deps, ctx, id, Action::ReadCaseContent).await?;
    let p = db::inspections::photos(&deps.db, id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id)
        .ok_or(ServiceError::NotFound("照片"))?;
    super::photos::open(&deps.read, &p.digest).await
}

/// Submits an inspection: every item answered, every problem described. Each problem item
/// becomes a problem and a case (待核实) in the ledger, with the inspection as its source, the
/// note as its facts and the item's photos as evidence; the plan's responsible person is
/// notified. One transaction. Returns the cases opened.
pub async fn submit(deps: &Deps, ctx: &Ctx, id: i64) -> Result<Vec<i64>, ServiceError> {
    let actor = ctx.actor()?.clone();
    let (i, plan, community, _) = load(deps, ctx, id, Action::Inspect).await?;
    not_open(&i)?;
    let checklist = parse_checklist(&plan.checklist);
    let tx = deps.db.begin().await?;
    let answers = db::inspections::answers(&tx, id).await?;
    let given: Vec<(String, Answer, String)> = answers
        .iter()
        .filter_map(|a| Answer::parse(&a.answer).map(|x| (a.catalog_code.clone(), x, a.note.clone())))
        .collect();
    let incomplete = check_complete(&checklist, &given);
    if !incomplete.is_empty() {
        return Err(RuleCode::InspectionIncomplete(incomplete.message()).into());
    }
    if !db::inspections::mark_submitted(&tx, id, actor.user_id, ctx.now).await? {
        return Err(ServiceError::from(RuleCode::InspectionSubmittedMeanwhile));
    }
    let responsible = db::accounts::user(&tx, plan.responsible_user_id)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| ServiceError::from(RuleCode::NoResponsiblePerson))?;
    let catalog_all = db::catalog::catalog(&tx).await?;
    let catalog: HashMap<String, String> = catalog_all.iter().map(|c| (c.code.clone(), c.title.clone())).collect();
    let photos = db::inspections::photos(&tx, id).await?;
    let mut opened = Vec::new();
    for (code, answer, note) in given.iter().filter(|(c, a, _)| *a == Answer::Problem && checklist.contains(c)) {
        debug_assert_eq!(*answer, Answer::Problem);
        let item_title = catalog.get(code).cloned().unwrap_or_default();
        let title: String = format!("排查发现：{}", item_title).chars().take(200).collect();
        let new = NewProblem {
            community_id: community.id,
            company_id: community.company_id,
            township_id: community.township_id,
            catalog_code: code.clone(),
            title: title.clone(),
            description: note.trim().into(),
            source: "inspection",
            created_by: Some(actor.user_id),
        };
        let p = db::complaints::insert_problem(&tx, new, ctx.now).await?;
        let facts = format!("{}（{} 排查，{}）", note.trim(), plan.name, crate::clock::display(ctx.now));
        let case_id = super::cases::insert_case(
            &tx,
            ctx,
            &p,
            &community,
            &responsible,
            &title,
            &facts,
            std::slice::from_ref(code),
            &catalog,
            Some(id),
        )
        .await?;
        let evidence: Vec<_> = photos
            .iter()
            .filter(|ph| &ph.catalog_code == code)
            .map(|ph| NewCasePhoto {
                case_id,
                case_event_id: None,
                item_code: Some(code.clone()),
                digest: ph.digest.clone(),
                byte_size: ph.byte_size,
                width: ph.width,
                height: ph.height,
            })
            .collect();
        db::cases::insert_photos(&tx, evidence, ctx.now).await?;
        opened.push(case_id);
    }
    record(
        &tx,
        ctx,
        AuditAction::InspectionSubmit,
        "inspection",
        id,
        SUCCESS,
        json!({"community_id": community.id, "problems": opened.len(), "cases": opened}),
    )
    .await?;
    tx.commit().await?;
    Ok(opened)
}

/// Assigns (or unassigns) an inspection still to do.
pub async fn assign(deps: &Deps, ctx: &Ctx, id: i64, user: Option<i64>) -> Result<(), ServiceError> {
    let actor = ctx.actor()?.clone();
    if !role_may(actor.role, Action::PlanInspection) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    let (i, _, _, _) = load(deps, ctx, id, Action::ReadCaseContent).await?;
    not_open(&i)?;
    if let Some(u) = user
        && assignable(deps, u).await?.is_none()
    {
        return Err(ServiceError::field("assignee_user_id", "排查人须为在岗的住建局工作人员或乡镇（街道）工作人员"));
    }
    let tx = deps.db.begin().await?;
    if !db::inspections::assign(&tx, id, user, ctx.now).await? {
        return Err(ServiceError::from(RuleCode::InspectionSubmittedNoAssign));
    }
    record(&tx, ctx, AuditAction::InspectionAssign, "inspection", id, SUCCESS, json!({"assignee_user_id": user}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Who may be assigned inspections: (id, "name（role）").
pub async fn assignees(deps: &Deps) -> Result<Vec<(i64, String)>, ServiceError> {
    let mut out = Vec::new();
    for role in [Role::BureauStaff, Role::TownshipOfficer] {
        let users = db::accounts::users(&deps.db, None, Some(role.as_str()), 1, 500).await?.0;
        out.extend(
            users.into_iter().filter(|u| u.active).map(|u| (u.id, format!("{}（{}）", u.display_name, role.label()))),
        );
    }
    Ok(out)
}

/// Campaign phases to plan under: (id, "campaign · phase").
pub async fn phase_choices(deps: &Deps) -> Result<Vec<(i64, String)>, ServiceError> {
    let mut out = Vec::new();
    for c in db::campaigns::campaigns(&deps.db, None).await? {
        for p in db::campaigns::campaign_phases(&deps.db, c.id).await? {
            out.push((p.id, format!("{} · {}", c.name, p.name)));
        }
    }
    Ok(out)
}

/// Inspection coverage of one company's communities across plans (bureau readers only).
pub async fn company_coverage(deps: &Deps, ctx: &Ctx, company_id: i64) -> Result<Option<Coverage>, ServiceError> {
    let actor = ctx.actor()?;
    if !role_may(actor.role, Action::ReadCaseContent) || !matches!(actor.scope, Scope::Jurisdiction(_)) {
        return Ok(None);
    }
    let tree = JurisdictionTree::load(&deps.db).await?;
    let townships = reader_townships(&tree, actor)?;
    let today = today(ctx.now);
    let mut c = Coverage::default();
    for (i, due_on) in db::inspections::of_company(&deps.db, company_id, townships.as_deref()).await? {
        c.add(i.status == InspectionStatus::Submitted.as_str(), due_on, today);
    }
    Ok(Some(c))
}
