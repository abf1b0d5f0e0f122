//! Excel import and export of companies and communities.
//!
//! Import validates every row of both sheets and imports nothing when any row is bad; every
//! bad row is reported with its sheet, row number and a Chinese reason. Records are matched by
//! their natural keys (credit code, community code), so re-importing the same file changes
//! nothing. Export writes the same sheets and headers, so an export can be edited and
//! re-imported.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, Workbook};
use sea_orm::TransactionTrait;
use serde::Serialize;

use super::registry::{Change, list_communities, list_companies, save_community, save_company};

use super::scope::JurisdictionTree;
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::domain::authz::{Action, Object, authorize};
use crate::domain::registry::{CommunityDraft, CompanyDraft, NewCommunity, NewCompany};
use crate::domain::role::Scope;

/// Sheet of companies.
pub const COMPANY_SHEET: &str = "企业";
/// Sheet of communities.
pub const COMMUNITY_SHEET: &str = "小区";

const COMPANY_HEADERS: [&str; 7] = ["企业名称", "统一社会信用代码", "法定代表人", "联系人", "联系电话", "地址", "状态"];
const COMMUNITY_HEADERS: [&str; 13] = [
    "小区编码",
    "小区名称",
    "地址",
    "所属乡镇(街道)",
    "物业服务企业统一社会信用代码",
    "物业服务企业名称",
    "合同开始日期",
    "合同结束日期",
    "服务等级",
    "收费标准(元/㎡·月)",
    "建筑面积(㎡)",
    "户数",
    "业主组织",
];

/// One bad row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RowError {
    pub sheet: String,
    /// Row number as Excel shows it (the header is row 1).
    pub row: usize,
    pub message: String,
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub companies_created: usize,
    pub companies_updated: usize,
    pub companies_unchanged: usize,
    pub communities_created: usize,
    pub communities_updated: usize,
    pub communities_unchanged: usize,
    /// Non-empty means nothing was imported.
    pub errors: Vec<RowError>,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        // Decimal numbers are read through their shortest exact representation.
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A sheet as header → column index and the data rows with their Excel row numbers.
struct Sheet {
    columns: HashMap<String, usize>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn get(&self, row: &[String], header: &str) -> String {
        self.columns.get(header).and_then(|&i| row.get(i)).cloned().unwrap_or_default()
    }
}

fn read_sheet(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    required: &[&str],
    errors: &mut Vec<RowError>,
) -> Option<Sheet> {
    if !wb.sheet_names().iter().any(|s| s == name) {
        return None;
    }
    let range = match wb.worksheet_range(name) {
        Ok(r) => r,
        Err(e) => {
            errors.push(RowError { sheet: name.into(), row: 0, message: format!("无法读取工作表：{e}") });
            return None;
        }
    };
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut rows = range.rows().enumerate();
    let (_, header) = rows.next()?;
    let columns: HashMap<String, usize> = header.iter().enumerate().map(|(i, c)| (cell_text(c), i)).collect();
    for h in required {
        if !columns.contains_key(*h) {
            errors.push(RowError { sheet: name.into(), row: start_row + 1, message: format!("缺少列“{h}”") });
        }
    }
    let rows = rows
        .map(|(i, r)| (start_row + i + 1, r.iter().map(cell_text).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Some(Sheet { columns, rows })
}

fn describe(fields: &crate::domain::registry::FieldErrors) -> String {
    fields.values().cloned().collect::<Vec<_>>().join("；")
}

/// Imports companies and communities from an .xlsx file: all or nothing.
pub async fn import(deps: &Deps, ctx: &Ctx, bytes: Vec<u8>) -> Result<ImportReport, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let county = match actor.scope {
        Scope::Jurisdiction(j) => j,
        _ => return Err(ServiceError::Forbidden(crate::domain::authz::Denied::Role)),
    };
    authorize(actor, Action::ImportRegistry, &Object::Jurisdiction { path: tree.path(county) })?;

    let mut report = ImportReport::default();
    let mut wb: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(_) => {
            return Err(ServiceError::field("file", "无法读取文件，请上传 .xlsx 格式的 Excel 文件"));
        }
    };
    let companies = read_sheet(&mut wb, COMPANY_SHEET, &COMPANY_HEADERS[..2], &mut report.errors);
    let communities =
        read_sheet(&mut wb, COMMUNITY_SHEET, &["小区编码", "小区名称", "所属乡镇(街道)"], &mut report.errors);
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
            let township =
                tree.by_name(&township_name).filter(|j| j.level == "township" && tree.path(j.id).contains(&county));
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
                && db::registry::company_by_credit_code(&deps.db, code).await?.is_none()
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
        let existing = db::registry::company_by_credit_code(&tx, &c.credit_code).await?;
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
                c.company_id = db::registry::company_by_credit_code(&tx, &code).await?.map(|m| m.id);
            }
            let existing = db::registry::community_by_code(&tx, &c.code).await?;
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
pub async fn export(deps: &Deps, ctx: &Ctx) -> Result<Vec<u8>, ServiceError> {
    let actor = ctx.actor()?;
    authorize(actor, Action::ExportRegistry, &Object::Jurisdiction { path: actor.jurisdiction_path.clone() })?;
    let companies = list_companies(deps, ctx, None, 1, 100_000).await?.items;
    let communities = list_communities(deps, ctx, None, None, None, 1, 100_000).await?.items;
    let codes: HashMap<i64, String> = companies.iter().map(|c| (c.id, c.credit_code.clone())).collect();
    let xlsx = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name(COMPANY_SHEET).map_err(xlsx)?;
    for (i, h) in COMPANY_HEADERS.iter().enumerate() {
        ws.write_with_format(0, i as u16, *h, &bold).map_err(xlsx)?;
    }
    for (r, c) in companies.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            &c.name,
            &c.credit_code,
            &c.legal_representative,
            &c.contact_person,
            &c.contact_phone,
            &c.address,
            &c.status_label,
        ];
        for (i, v) in cells.iter().enumerate() {
            ws.write(row, i as u16, v.as_str()).map_err(xlsx)?;
        }
    }
    ws.autofit();
    let ws = wb.add_worksheet().set_name(COMMUNITY_SHEET).map_err(xlsx)?;
    for (i, h) in COMMUNITY_HEADERS.iter().enumerate() {
        ws.write_with_format(0, i as u16, *h, &bold).map_err(xlsx)?;
    }
    for (r, c) in communities.iter().enumerate() {
        let row = r as u32 + 1;
        let company_code = c.company_id.and_then(|id| codes.get(&id).cloned()).unwrap_or_default();
        let cells = [
            c.code.clone(),
            c.name.clone(),
            c.address.clone(),
            c.township_name.clone(),
            company_code,
            c.company_name.clone(),
            c.contract_start.map(|d| d.to_string()).unwrap_or_default(),
            c.contract_end.map(|d| d.to_string()).unwrap_or_default(),
            c.service_grade.clone(),
            c.fee_yuan.clone(),
            c.building_area_m2.clone(),
            c.unit_count.map(|n| n.to_string()).unwrap_or_default(),
            c.committee_label.clone(),
        ];
        // Every cell is text, so codes, money and areas survive a round trip exactly.
        for (i, v) in cells.iter().enumerate() {
            ws.write(row, i as u16, v.as_str()).map_err(xlsx)?;
        }
    }
    ws.autofit();
    wb.save_to_buffer().map_err(xlsx)
}
