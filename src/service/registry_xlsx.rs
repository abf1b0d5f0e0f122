//! The registry workbook: the sheets and headers Excel import reads and export writes, cells as
//! text. The use cases are `registry::import_registry` and `registry::export_registry`.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;

use super::ServiceError;
use super::communities::CommunityView;
use super::companies::CompanyView;

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
pub(crate) struct Sheet {
    columns: HashMap<String, usize>,
    /// Data rows with their Excel row numbers, empty rows left out.
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    /// The cell of `row` under `header`, or "" when the sheet has no such column.
    pub(crate) fn get(&self, row: &[String], header: &str) -> String {
        self.columns.get(header).and_then(|&i| row.get(i)).cloned().unwrap_or_default()
    }
}

/// The sheet `name` (`None` when absent), its missing `required` headers reported in `errors`.
pub(crate) fn read_sheet(
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

/// The company and community sheets of an uploaded workbook (each `None` when absent), with
/// missing columns reported in `errors`; a file that is no .xlsx workbook is a field error.
pub(crate) fn read_workbook(
    bytes: Vec<u8>,
    errors: &mut Vec<RowError>,
) -> Result<(Option<Sheet>, Option<Sheet>), ServiceError> {
    let mut wb: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(_) => {
            return Err(ServiceError::field("file", "无法读取文件，请上传 .xlsx 格式的 Excel 文件"));
        }
    };
    let companies = read_sheet(&mut wb, COMPANY_SHEET, &COMPANY_HEADERS[..2], errors);
    let communities = read_sheet(&mut wb, COMMUNITY_SHEET, &["小区编码", "小区名称", "所属乡镇(街道)"], errors);
    Ok((companies, communities))
}

/// The companies and communities as an .xlsx workbook with the sheets and headers import reads.
pub(crate) fn write_workbook(
    companies: &[CompanyView],
    communities: &[CommunityView],
) -> Result<Vec<u8>, ServiceError> {
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
