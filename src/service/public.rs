//! The public page of a community (its QR poster's page): what anyone may read, gathered from the
//! registry, the re-assessments, public revenue, disclosures and surveys. Never personal data.

use chrono::NaiveDate;
use serde::Serialize;

use super::scope::JurisdictionTree;
use super::{Deps, ServiceError};
use crate::db;
use crate::domain::registry::contract_expired_flag;

/// What anyone may see of a community (its QR poster's page): no personal data, only the
/// company, the contract, the grade and fee in force and their history, and how many cases were
/// opened and closed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCommunity {
    pub id: i64,
    pub name: String,
    pub township: String,
    pub address: String,
    pub company: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub service_grade: String,
    /// 元/㎡·月
    pub fee_yuan: String,
    /// `合同已到期（2024-05-31）` when the contract's end date lies before today.
    pub contract_expired: Option<String>,
    /// Approved re-assessments: (effective date, grade, fee in 元/㎡·月).
    pub grade_history: Vec<(NaiveDate, String, String)>,
    pub open_cases: u64,
    pub closed_cases: u64,
    /// The public-revenue statements the company published, newest first, with the owners'
    /// committee's review.
    pub revenue: Vec<super::revenue::PublishedView>,
    /// The latest disclosures, per item its two latest periods.
    pub disclosures: Vec<super::disclosures::VersionView>,
    /// Satisfaction results of closed surveys, newest first (the trend).
    pub satisfaction: Vec<super::surveys::ResultView>,
    /// Surveys taking answers now: (id, title).
    pub open_surveys: Vec<(i64, String)>,
}

/// The public page of a community.
pub async fn public_community(deps: &Deps, id: i64) -> Result<PublicCommunity, ServiceError> {
    use crate::domain::case::CaseStatus;
    use crate::domain::reassessment::ReassessmentStatus;
    let c = db::communities::community(&deps.db, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let company = match c.company_id {
        Some(cid) => db::companies::company(&deps.db, cid).await?.map(|x| x.name).unwrap_or_default(),
        None => String::new(),
    };
    let open: Vec<String> = CaseStatus::ALL.iter().filter(|s| !s.is_final()).map(|s| s.as_str().to_string()).collect();
    let open_cases = db::public::case_count(&deps.db, id, open).await?;
    let closed_cases = db::public::case_count(&deps.db, id, vec![CaseStatus::Closed.as_str().to_string()]).await?;
    let history = db::public::reassessments_with_status(&deps.db, id, ReassessmentStatus::Approved)
        .await?
        .into_iter()
        .map(|r| (r.effective_on, r.new_grade, crate::domain::money::yuan(r.new_fee_fen)))
        .collect();
    let (satisfaction, open_surveys) = super::surveys::for_community(deps, c.id, deps.clock.now()).await?;
    Ok(PublicCommunity {
        id: c.id,
        township: tree.name(c.township_id),
        address: c.address.clone(),
        company,
        contract_start: c.contract_start,
        contract_end: c.contract_end,
        contract_expired: contract_expired_flag(c.contract_end, crate::clock::today(deps.clock.now())),
        service_grade: c.service_grade.clone(),
        fee_yuan: c.fee_fen.map(crate::domain::money::yuan).unwrap_or_default(),
        grade_history: history,
        open_cases,
        closed_cases,
        revenue: super::revenue::public_statements(deps, c.id).await?,
        disclosures: super::disclosures::public_latest(deps, c.id).await?,
        satisfaction,
        open_surveys,
        name: c.name,
    })
}

/// The grade and fee in force of a community, as the complaint form shows it
/// (`某小区：物业服务等级 二级，收费标准 1.20 元/㎡·月`); none for an unknown or ungraded community.
pub async fn grade_in_force(deps: &Deps, community_id: i64) -> Result<Option<String>, ServiceError> {
    Ok(db::communities::community(&deps.db, community_id).await?.filter(|m| !m.service_grade.is_empty()).map(|m| {
        format!(
            "{}：物业服务等级 {}{}",
            m.name,
            m.service_grade,
            m.fee_fen.map(|f| format!("，收费标准 {} 元/㎡·月", crate::domain::money::yuan(f))).unwrap_or_default()
        )
    }))
}
