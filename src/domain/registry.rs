//! Registry records: companies and communities, parsed from people's input (forms, Excel
//! rows, JSON) into typed values. Money is integer fen, area integer square centimetres: these
//! are compared with legal thresholds later (民法典第278条), so never floats.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::credit_code;

super::labelled_enum! {
    /// The level of a jurisdiction (行政区划层级): the county's bureau reads everything below it.
    pub enum JurisdictionLevel {
        /// 县(市、区)
        County => ("county", "县(市、区)"),
        /// 乡镇(街道)
        Township => ("township", "乡镇(街道)"),
        /// 社区(村)
        Neighbourhood => ("neighbourhood", "社区(村)"),
    }
}

/// Field name → Chinese message, for every field that failed to parse.
pub type FieldErrors = BTreeMap<String, String>;

/// A company's registration status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompanyStatus {
    /// 正常
    Active,
    /// 暂停
    Suspended,
    /// 已退出
    Exited,
}

impl CompanyStatus {
    pub const ALL: [CompanyStatus; 3] = [CompanyStatus::Active, CompanyStatus::Suspended, CompanyStatus::Exited];

    /// Stable string form.
    pub fn as_str(self) -> &'static str {
        match self {
            CompanyStatus::Active => "active",
            CompanyStatus::Suspended => "suspended",
            CompanyStatus::Exited => "exited",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            CompanyStatus::Active => "正常",
            CompanyStatus::Suspended => "暂停",
            CompanyStatus::Exited => "已退出",
        }
    }

    /// Parses the string form or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s)
    }
}

/// Whether a community has an owners' committee or a property-management committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeKind {
    /// 无
    None,
    /// 业主委员会
    OwnersCommittee,
    /// 物业管理委员会
    ManagementCommittee,
}

impl CommitteeKind {
    pub const ALL: [CommitteeKind; 3] =
        [CommitteeKind::None, CommitteeKind::OwnersCommittee, CommitteeKind::ManagementCommittee];

    /// Stable string form.
    pub fn as_str(self) -> &'static str {
        match self {
            CommitteeKind::None => "none",
            CommitteeKind::OwnersCommittee => "owners_committee",
            CommitteeKind::ManagementCommittee => "management_committee",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            CommitteeKind::None => "无",
            CommitteeKind::OwnersCommittee => "业主委员会",
            CommitteeKind::ManagementCommittee => "物业管理委员会",
        }
    }

    /// Parses the string form or the Chinese label (also 业委会 / 物管会).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "业委会" => Some(CommitteeKind::OwnersCommittee),
            "物管会" => Some(CommitteeKind::ManagementCommittee),
            "" => Some(CommitteeKind::None),
            s => Self::ALL.into_iter().find(|v| v.as_str() == s || v.label() == s),
        }
    }
}

/// Parses a non-negative decimal with at most `scale_digits` fractional digits into an
/// integer count of 10^-scale_digits units ("1.2" with 2 → 120). No floats involved.
pub fn parse_decimal(input: &str, scale_digits: u32) -> Option<i64> {
    let s = input.trim().replace(',', "");
    if s.is_empty() {
        return None;
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac_part.trim_end_matches('0');
    if frac.len() > scale_digits as usize {
        return None;
    }
    let scale = 10i64.checked_pow(scale_digits)?;
    let int: i64 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
    let mut frac_value: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    frac_value *= 10i64.pow(scale_digits - frac.len() as u32);
    int.checked_mul(scale)?.checked_add(frac_value)
}

/// Formats an integer count of 10^-scale units as a decimal ("120", 2 → "1.20").
pub fn format_decimal(value: i64, scale_digits: u32) -> String {
    let scale = 10i64.pow(scale_digits);
    let sign = if value < 0 { "-" } else { "" };
    let v = value.unsigned_abs();
    format!("{sign}{}.{:0width$}", v / scale as u64, v % scale as u64, width = scale_digits as usize)
}

/// Like [`format_decimal`] without trailing fractional zeros ("132000.0000" → "132000").
pub fn format_decimal_trim(value: i64, scale_digits: u32) -> String {
    let s = format_decimal(value, scale_digits);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Square centimetres in one square metre.
pub const CM2_PER_M2: u32 = 4; // 10^4, used as a decimal scale

/// Raw company fields as people type them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CompanyDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub legal_representative: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub status: String,
}

/// A company record ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCompany {
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub status: CompanyStatus,
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, label: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.insert(field.into(), format!("请填写{label}"));
    } else if v.chars().count() > max {
        errors.insert(field.into(), format!("{label}不能超过{max}个字"));
    }
    v.to_string()
}

fn optional(errors: &mut FieldErrors, field: &str, value: &str, label: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        errors.insert(field.into(), format!("{label}不能超过{max}个字"));
    }
    v.to_string()
}

fn phone(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    let v = value.trim();
    let ok = v.is_empty() || (v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b' '));
    if !ok {
        errors.insert(field.into(), "联系电话只能包含数字和连字符，最长20位".into());
    }
    v.to_string()
}

impl TryFrom<CompanyDraft> for NewCompany {
    type Error = FieldErrors;

    fn try_from(d: CompanyDraft) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", &d.name, "企业名称", 100);
        let credit_code = match credit_code::parse(&d.credit_code) {
            Ok(c) => c,
            Err(err) => {
                e.insert("credit_code".into(), err.message().into());
                String::new()
            }
        };
        let legal_representative = optional(&mut e, "legal_representative", &d.legal_representative, "法定代表人", 50);
        let contact_person = optional(&mut e, "contact_person", &d.contact_person, "联系人", 50);
        let contact_phone = phone(&mut e, "contact_phone", &d.contact_phone);
        let address = optional(&mut e, "address", &d.address, "地址", 200);
        let status = if d.status.trim().is_empty() {
            CompanyStatus::Active
        } else {
            CompanyStatus::parse(&d.status).unwrap_or_else(|| {
                e.insert("status".into(), "状态应为：正常、暂停或已退出".into());
                CompanyStatus::Active
            })
        };
        if e.is_empty() {
            Ok(NewCompany { name, credit_code, legal_representative, contact_person, contact_phone, address, status })
        } else {
            Err(e)
        }
    }
}

/// Raw community fields as people type them. The township and company are already resolved
/// to ids by the caller (a form's select, or an Excel row's names looked up by the service).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CommunityDraft {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub company_id: Option<i64>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub contract_start: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub contract_end: String,
    #[serde(default)]
    pub service_grade: String,
    /// 元/㎡·月, e.g. "1.20"
    #[serde(default)]
    pub fee_yuan: String,
    /// ㎡, up to 4 decimals
    #[serde(default)]
    pub building_area_m2: String,
    #[serde(default)]
    pub unit_count: String,
    /// none / owners_committee / management_committee (or the Chinese labels)
    #[serde(default)]
    pub committee: String,
}

/// A community record ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommunity {
    pub code: String,
    pub name: String,
    pub address: String,
    pub township_id: i64,
    pub company_id: Option<i64>,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub service_grade: String,
    pub fee_fen: Option<i64>,
    pub building_area_cm2: Option<i64>,
    pub unit_count: Option<i32>,
    pub committee: CommitteeKind,
}

fn date(errors: &mut FieldErrors, field: &str, value: &str, label: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y年%m月%d日"));
    match parsed {
        Ok(d) => Some(d),
        Err(_) => {
            errors.insert(field.into(), format!("{label}应为日期，如 2024-05-30"));
            None
        }
    }
}

impl TryFrom<CommunityDraft> for NewCommunity {
    type Error = FieldErrors;

    fn try_from(d: CommunityDraft) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = required(&mut e, "code", &d.code, "小区编码", 32);
        if !code.is_empty() && !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            e.insert("code".into(), "小区编码只能包含字母、数字、-和_".into());
        }
        let name = required(&mut e, "name", &d.name, "小区名称", 100);
        let address = optional(&mut e, "address", &d.address, "地址", 200);
        let township_id = d.township_id.unwrap_or_else(|| {
            e.insert("township_id".into(), "请选择所属乡镇(街道)".into());
            0
        });
        let contract_start = date(&mut e, "contract_start", &d.contract_start, "合同开始日期");
        let contract_end = date(&mut e, "contract_end", &d.contract_end, "合同结束日期");
        if let (Some(s), Some(t)) = (contract_start, contract_end)
            && t < s
        {
            e.insert("contract_end".into(), "合同结束日期不能早于开始日期".into());
        }
        let service_grade = optional(&mut e, "service_grade", &d.service_grade, "服务等级", 20);
        let fee_fen = if d.fee_yuan.trim().is_empty() {
            None
        } else {
            let fee = parse_decimal(&d.fee_yuan, 2);
            if fee.is_none() {
                e.insert("fee_yuan".into(), "收费标准应为不超过两位小数的金额（元/㎡·月）".into());
            }
            fee
        };
        let building_area_cm2 = if d.building_area_m2.trim().is_empty() {
            None
        } else {
            let area = parse_decimal(&d.building_area_m2, CM2_PER_M2);
            if area.is_none() {
                e.insert("building_area_m2".into(), "建筑面积应为不超过四位小数的数字（㎡）".into());
            }
            area
        };
        let unit_count = if d.unit_count.trim().is_empty() {
            None
        } else {
            match d.unit_count.trim().parse::<i32>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    e.insert("unit_count".into(), "户数应为非负整数".into());
                    None
                }
            }
        };
        let committee = CommitteeKind::parse(&d.committee).unwrap_or_else(|| {
            e.insert("committee".into(), "业主组织应为：无、业主委员会或物业管理委员会".into());
            CommitteeKind::None
        });
        if e.is_empty() {
            Ok(NewCommunity {
                code,
                name,
                address,
                township_id,
                company_id: d.company_id,
                contract_start,
                contract_end,
                service_grade,
                fee_fen,
                building_area_cm2,
                unit_count,
                committee,
            })
        } else {
            Err(e)
        }
    }
}

/// Whether a community's service contract has run out as of `today`: its end date, the
/// contract's last day, lies before today. A community without an end date has none to run out.
pub fn contract_expired(contract_end: Option<NaiveDate>, today: NaiveDate) -> bool {
    contract_end.is_some_and(|end| end < today)
}

/// The flag shown on a community's pages when its contract has run out: `合同已到期（2024-05-31）`.
pub fn contract_expired_flag(contract_end: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
    contract_end.filter(|_| contract_expired(contract_end, today)).map(|end| format!("合同已到期（{end}）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        let cases = [
            ("1.2", 2, Some(120)),
            ("1.20", 2, Some(120)),
            ("0.85", 2, Some(85)),
            (".5", 2, Some(50)),
            ("3", 2, Some(300)),
            ("1.234", 2, None),
            ("1.230", 2, Some(123)),
            ("-1", 2, None),
            ("abc", 2, None),
            ("", 2, None),
            ("12,345.6789", 4, Some(123_456_789)),
        ];
        for (input, scale, want) in cases {
            assert_eq!(parse_decimal(input, scale), want, "{input}");
        }
        assert_eq!(format_decimal(120, 2), "1.20");
        assert_eq!(format_decimal(123_456_789, 4), "12345.6789");
        assert_eq!(format_decimal_trim(1_320_000_000, 4), "132000");
        assert_eq!(format_decimal_trim(520_005_000, 4), "52000.5");
        assert_eq!(format_decimal_trim(0, 4), "0");
    }

    #[test]
    fn a_company_with_a_bad_credit_code_names_the_field() {
        let draft =
            CompanyDraft { name: "某物业".into(), credit_code: "91350100M000100Y44".into(), ..Default::default() };
        let errors = NewCompany::try_from(draft).unwrap_err();
        assert_eq!(errors.get("credit_code").map(String::as_str), Some("统一社会信用代码校验位不正确"));
    }

    #[test]
    fn a_community_parses_money_and_area_as_integers() {
        let draft = CommunityDraft {
            code: "YC-001".into(),
            name: "凤城花园".into(),
            township_id: Some(2),
            fee_yuan: "1.25".into(),
            building_area_m2: "86000.5".into(),
            unit_count: "820".into(),
            committee: "业委会".into(),
            contract_start: "2022-01-01".into(),
            contract_end: "2024-12-31".into(),
            ..Default::default()
        };
        let c = NewCommunity::try_from(draft).unwrap();
        assert_eq!(c.fee_fen, Some(125));
        assert_eq!(c.building_area_cm2, Some(860_005_000));
        assert_eq!(c.committee, CommitteeKind::OwnersCommittee);
    }

    #[test]
    fn a_community_reports_every_bad_field() {
        let draft = CommunityDraft {
            code: "bad code!".into(),
            fee_yuan: "1.234".into(),
            unit_count: "-3".into(),
            contract_start: "2024-05-01".into(),
            contract_end: "2024-04-01".into(),
            ..Default::default()
        };
        let errors = NewCommunity::try_from(draft).unwrap_err();
        for field in ["code", "name", "township_id", "fee_yuan", "unit_count", "contract_end"] {
            assert!(errors.contains_key(field), "{field} in {errors:?}");
        }
    }

    #[test]
    fn a_contract_runs_out_after_its_last_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(!contract_expired(None, d("2024-06-01")));
        assert!(!contract_expired(Some(d("2024-06-01")), d("2024-06-01")), "the end date is the last day");
        assert!(contract_expired(Some(d("2024-05-31")), d("2024-06-01")));
        assert!(!contract_expired(Some(d("2024-06-02")), d("2024-06-01")));
        assert_eq!(
            contract_expired_flag(Some(d("2024-05-31")), d("2024-06-01")).as_deref(),
            Some("合同已到期（2024-05-31）")
        );
        assert_eq!(contract_expired_flag(Some(d("2024-06-01")), d("2024-06-01")), None);
    }
}
