//! The registry as a whole: Excel import and export of companies and communities (the workbook
//! format is `registry_xlsx`).
//!
//! Import validates every row of both sheets and imports nothing when any row is bad; every
//! bad row is reported with its sheet, row number and a Chinese reason. Records are matched by
//! their natural keys (credit code, community code), so re-importing the same file changes
//! nothing. Export writes the same sheets and headers, so an export can be edited and
//! re-imported.

use std::collections::HashSet;

use sea_orm::TransactionTrait;

use super::changes::Change;
use super::communities::{list_communities, save_community};
use super::companies::{list_companies, save_company};
use super::registry_xlsx::{COMMUNITY_SHEET, COMPANY_SHEET, ImportReport, RowError, read_workbook, write_workbook};
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::domain::authz::{Action, Object, authorize};
use crate::domain::registry::JurisdictionLevel;
use crate::domain::registry::{CommunityDraft, CompanyDraft, NewCommunity, NewCompany};
use crate::domain::role::Scope;

fn describe(fields: &crate::domain::registry::FieldErrors) -> String {
    fields.values().cloned().collect::<Vec<_>>().join("；")
}

/// Imports companies and communities from an .xlsx file: all or nothing.
pub async fn import_registry(deps: &Deps, ctx: &Ctx, bytes: Vec<u8>) -> Result<ImportReport, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let county = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role)),
    };
    authorize(actor, Action::ImportRegistry, &Object::Jurisdiction { path: tree.path(county) })?;

    let mut report = ImportReport::default();
    let (companies, communities) = read_workbook(bytes, &mut report.errors)?;
    if companies.is_none() && communities.is_none() {
        return Err(ServiceError::field("file", "文件中没有名为“企业”或“小区”的工作表"));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }

    // Parse every row first.
    let mut parsed_companies: Vec<(usize, NewCompany)> = Vec::new();
    let mut codes_in_file = HashSet::new();
    if let Some(sheet) = &companies {
        for (row, cells) in &sheet.rows {
            let draft = CompanyDraft {
                name: sheet.get(cells, "企业名称"),
                credit_code: sheet.get(cells, "统一社会信用代码"),
                legal_representative: sheet.get(cells, "法定代表人"),
                contact_person: sheet.get(cells, "联系人"),
                contact_phone: sheet.get(cells, "联系电话"),
                address: sheet.get(cells, "地址"),
                status: sheet.get(cells, "状态"),
            };
            match NewCompany::try_from(draft) {
                Ok(c) => {
                    if !codes_in_file.insert(c.credit_code.clone()) {
                        report.errors.push(RowError {
                            sheet: COMPANY_SHEET.into(),
                            row: *row,
                            message: format!("统一社会信用代码 {} 在文件中重复", c.credit_code),
                        });
                    }
                    parsed_companies.push((*row, c));
                }
                Err(f) => {
                    report.errors.push(RowError { sheet: COMPANY_SHEET.into(), row: *row, message: describe(&f) })
                }
            }
        }
    }
    let mut parsed_communities: Vec<(usize, NewCommunity, Option<String>)> = Vec::new();
    let mut community_codes = HashSet::new();
    if let Some(sheet) = &communities {
        for (row, cells) in &sheet.rows {
            let township_name = sheet.get(cells, "所属乡镇(街道)");
            let township = tree
                .by_name(&township_name)
                .filter(|j| j.level == JurisdictionLevel::Township.as_str() && tree.path(j.id).contains(&county));
            let company_code =
                Some(sheet.get(cells, "物业服务企业统一社会信用代码").to_ascii_uppercase()).filter(|s| !s.is_empty());
            let draft = CommunityDraft {
                code: sheet.get(cells, "小区编码"),
                name: sheet.get(cells, "小区名称"),
                address: sheet.get(cells, "地址"),
                township_id: township.map(|t| t.id),
                company_id: None,
                contract_start: sheet.get(cells, "合同开始日期"),
                contract_end: sheet.get(cells, "合同结束日期"),
                service_grade: sheet.get(cells, "服务等级"),
                fee_yuan: sheet.get(cells, "收费标准(元/㎡·月)"),
                building_area_m2: sheet.get(cells, "建筑面积(㎡)"),
                unit_count: sheet.get(cells, "户数"),
                committee: sheet.get(cells, "业主组织"),
            };
            let mut messages = Vec::new();
            if township.is_none() && !township_name.is_empty() {
                messages.push(format!("所属乡镇(街道)“{township_name}”不在本辖区"));
            }
            if let Some(code) = &company_code
                && !codes_in_file.contains(code)
                && db::companies::company_by_credit_code(&deps.db, code).await?.is_none()
            {
                messages.push(format!("物业服务企业 {code} 未登记，请先在“企业”表中列出"));
            }
            match NewCommunity::try_from(draft) {
                Ok(c) if messages.is_empty() => {
                    if !community_codes.insert(c.code.clone()) {
                        report.errors.push(RowError {
                            sheet: COMMUNITY_SHEET.into(),
                            row: *row,
                            message: format!("小区编码 {} 在文件中重复", c.code),
                        });
                    }
                    parsed_communities.push((*row, c, company_code));
                }
                Ok(_) => report.errors.push(RowError {
                    sheet: COMMUNITY_SHEET.into(),
                    row: *row,
                    message: messages.join("；"),
                }),
                Err(f) => {
                    let mut all: Vec<String> = messages;
                    // The township message above replaces the generic "please choose".
                    all.extend(
                        f.iter()
                            .filter(|(k, _)| {
                                !(k.as_str() == "township_id" && township.is_none() && !township_name.is_empty())
                            })
                            .map(|(_, v)| v.clone()),
                    );
                    report.errors.push(RowError { sheet: COMMUNITY_SHEET.into(), row: *row, message: all.join("；") });
                }
            }
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }

    // Then write everything in one transaction; any failure rolls all of it back.
    let tx = deps.db.begin().await?;
    let mut row_error = None;
    for (row, c) in parsed_companies {
        let existing = db::companies::company_by_credit_code(&tx, &c.credit_code).await?;
        match save_company(&tx, ctx, &tree, existing, c).await {
            Ok((_, Change::Created)) => report.companies_created += 1,
            Ok((_, Change::Updated)) => report.companies_updated += 1,
            Ok((_, Change::Unchanged)) => report.companies_unchanged += 1,
            Err(e) => {
                row_error = Some(RowError { sheet: COMPANY_SHEET.into(), row, message: error_text(&e) });
                break;
            }
        }
    }
    if row_error.is_none() {
        for (row, mut c, company_code) in parsed_communities {
            if let Some(code) = company_code {
                c.company_id = db::companies::company_by_credit_code(&tx, &code).await?.map(|m| m.id);
            }
            let existing = db::communities::community_by_code(&tx, &c.code).await?;
            match save_community(&tx, ctx, &tree, existing, c).await {
                Ok((_, Change::Created)) => report.communities_created += 1,
                Ok((_, Change::Updated)) => report.communities_updated += 1,
                Ok((_, Change::Unchanged)) => report.communities_unchanged += 1,
                Err(e) => {
                    row_error = Some(RowError { sheet: COMMUNITY_SHEET.into(), row, message: error_text(&e) });
                    break;
                }
            }
        }
    }
    if let Some(e) = row_error {
        tx.rollback().await?;
        let mut failed = ImportReport::default();
        failed.errors.push(e);
        return Ok(failed);
    }
    tx.commit().await?;
    Ok(report)
}

fn error_text(e: &ServiceError) -> String {
    match e {
        ServiceError::Invalid(f) => describe(f),
        other => other.message(),
    }
}

/// Writes the companies and communities the actor may see to an .xlsx workbook.
pub async fn export_registry(deps: &Deps, ctx: &Ctx) -> Result<Vec<u8>, ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ExportRegistry, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    let companies = list_companies(deps, ctx, None, 1, 100_000).await?.items;
    let communities = list_communities(deps, ctx, None, None, None, 1, 100_000).await?.items;
    write_workbook(&companies, &communities)
}
