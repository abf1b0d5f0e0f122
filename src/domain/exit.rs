//! Exit and handover (退出与移交): from the end of a property-service contract to the new manager
//! in charge.
//!
//! - 民法典第949条: when the contract ends, the company leaves within the agreed or a reasonable
//!   period, returns the service premises, facilities and necessary records, cooperates with the
//!   handover and truthfully reports the property's state.
//! - 第950条: until the takeover it keeps serving (the exit shows 继续服务; cases opened meanwhile
//!   still go to it).
//! - 物业管理条例第29条 and local rules: what is handed over (the checklist below; counties add
//!   items). The handover deadline is configurable per county (北京 30 days, 杭州 15), counted
//!   as the law counts periods (第201条、第203条): from the day after the contract's end, moved to
//!   the next working day when it lands on a rest day or holiday.
//!
//! The receiver confirms each item; the leaving company can only declare it delivered. Once
//! every item is handed over (or does not apply), the leaving company, the receiver and the
//! township as witness sign the handover record (移交清单), and the exit is complete.

use chrono::NaiveDate;

use super::workdays::Calendar;

super::labelled_enum! {
    /// Why the contract ends.
    pub enum ExitReason {
        /// The owners dismissed the company (a dismissal track whose notice was served).
        Dismissal => ("dismissal", "业主大会解聘"),
        /// The contract expired and was not renewed.
        Expiry => ("expiry", "合同期满不再续聘"),
        /// The company gave notice itself (不再续约或提前解约).
        Resignation => ("resignation", "企业提出退出"),
    }
}

super::labelled_enum! {
    /// Who takes the property over.
    pub enum ReceiverKind {
        /// 业主委员会.
        Committee => ("committee", "业主委员会"),
        /// 物业管理委员会 (where no committee was elected).
        ManagementCommittee => ("management_committee", "物业管理委员会"),
        /// A manager the owners designated (自行管理或委托的管理人).
        Designated => ("designated", "业主指定的管理人"),
        /// The incoming property-service company.
        IncomingCompany => ("incoming_company", "新物业服务企业"),
    }
}

super::labelled_enum! {
    /// Where an exit stands.
    pub enum ExitStatus {
        /// Handing over; the leaving company keeps serving (第950条).
        Open => ("open", "移交中"),
        /// Every item handed over and the record signed by all three parties.
        Completed => ("completed", "交接完成"),
        /// Withdrawn (opened by mistake, or the owners kept the company after all).
        Cancelled => ("cancelled", "已撤销"),
    }
}

super::labelled_enum! {
    /// The state of one checklist item, as the receiver confirms it.
    pub enum ItemState {
        /// Nothing confirmed yet.
        Pending => ("pending", "待移交"),
        /// Received in full.
        HandedOver => ("handed_over", "已移交"),
        /// Part of it received; the note says what is missing.
        Partial => ("partial", "部分移交"),
        /// The company refuses to hand it over.
        Refused => ("refused", "拒不移交"),
        /// Does not exist for this community (the note says why).
        NotApplicable => ("not_applicable", "不适用"),
    }
}

impl ItemState {
    /// Whether the item is settled: received in full or not applicable.
    pub fn is_settled(self) -> bool {
        matches!(self, ItemState::HandedOver | ItemState::NotApplicable)
    }

    /// The states a receiver may confirm (pending is where items start).
    pub const CONFIRMABLE: [ItemState; 4] =
        [ItemState::HandedOver, ItemState::Partial, ItemState::Refused, ItemState::NotApplicable];
}

super::labelled_enum! {
    /// The three signatures on the handover record.
    pub enum Party {
        /// 移交方: the leaving company.
        Leaving => ("leaving", "移交方"),
        /// 接收方: the receiver.
        Receiver => ("receiver", "接收方"),
        /// 见证方: the township (街道、乡镇).
        Witness => ("witness", "见证方"),
    }
}

/// What an item needs when confirmed beyond its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// The service premises: handed over with its area.
    Premises,
    /// The public-revenue balance and records: the balance is computed from the revenue ledger.
    Revenue,
    /// Anything else.
    Plain,
}

/// One item of the standard checklist: (code, label, basis, kind).
pub struct StandardItem {
    pub code: &'static str,
    pub label: &'static str,
    pub basis: &'static str,
    pub kind: ItemKind,
}

/// The handover checklist from 物业管理条例第29条 and local practice, in the order printed.
pub const CHECKLIST: [StandardItem; 9] = [
    StandardItem {
        code: "premises",
        label: "物业服务用房",
        basis: "民法典第949条；物业管理条例第37条",
        kind: ItemKind::Premises,
    },
    StandardItem {
        code: "facilities",
        label: "共用设施设备及钥匙、门禁卡",
        basis: "民法典第949条",
        kind: ItemKind::Plain,
    },
    StandardItem {
        code: "drawings",
        label: "竣工总平面图，单体建筑、结构、设备竣工图，配套设施、地下管网工程竣工图等竣工验收资料",
        basis: "物业管理条例第29条第1项",
        kind: ItemKind::Plain,
    },
    StandardItem {
        code: "equipment_records",
        label: "设施设备的安装、使用和维护保养等技术资料",
        basis: "物业管理条例第29条第2项",
        kind: ItemKind::Plain,
    },
    StandardItem {
        code: "warranty",
        label: "物业质量保修文件和物业使用说明文件",
        basis: "物业管理条例第29条第3项",
        kind: ItemKind::Plain,
    },
    StandardItem { code: "roster", label: "业主名册", basis: "地方物业管理条例", kind: ItemKind::Plain },
    StandardItem {
        code: "revenue",
        label: "共有部分经营收益结余及收支账目",
        basis: "民法典第282条；地方物业管理条例",
        kind: ItemKind::Revenue,
    },
    StandardItem {
        code: "prepaid",
        label: "预收的物业费、押金等代收代管款项",
        basis: "地方物业管理条例",
        kind: ItemKind::Plain,
    },
    StandardItem {
        code: "other_records",
        label: "物业管理所必需的其他资料",
        basis: "物业管理条例第29条第4项",
        kind: ItemKind::Plain,
    },
];

/// The kind of an item by its code (a county's added items are plain).
pub fn kind_of(code: &str) -> ItemKind {
    CHECKLIST.iter().find(|i| i.code == code).map(|i| i.kind).unwrap_or(ItemKind::Plain)
}

/// The county's added items from the setting (`;`- or newline-separated labels), each with its
/// code `county_N`; empty and repeated labels are dropped.
pub fn county_items(setting: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for label in setting.split([';', '；', '\n']).map(str::trim).filter(|l| !l.is_empty()) {
        if out.iter().any(|(_, l)| l == label) || CHECKLIST.iter().any(|i| i.label == label) {
            continue;
        }
        out.push((format!("county_{}", out.len() + 1), label.chars().take(200).collect()));
    }
    out
}

/// The handover deadline: `days` calendar days after the contract's end, counted from the day
/// after it (第201条) and moved to the next working day when the last day is a rest day or a
/// holiday (第203条).
pub fn handover_deadline(contract_ends_on: NaiveDate, days: u32, cal: &Calendar) -> NaiveDate {
    cal.calendar_period_end(contract_ends_on, i64::from(days))
}

/// What an exit shows about its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The contract still runs; the company serves under it.
    UnderContract,
    /// The contract ended; the company keeps serving until the takeover (第950条), deadline ahead.
    KeepsServing,
    /// The deadline passed with items not handed over.
    Overdue,
    /// Every item settled, waiting for the signatures.
    AwaitingSignatures,
    /// Taken over.
    Completed,
    /// Withdrawn.
    Cancelled,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::UnderContract => "合同期内，继续服务",
            Stage::KeepsServing => "合同已终止，交接完成前继续服务（民法典第950条）",
            Stage::Overdue => "逾期未完成移交",
            Stage::AwaitingSignatures => "资料已移交，待三方签署移交清单",
            Stage::Completed => "交接完成",
            Stage::Cancelled => "已撤销",
        }
    }

    /// Whether the leaving company still serves the community (every stage before completion).
    pub fn keeps_serving(self) -> bool {
        matches!(self, Stage::UnderContract | Stage::KeepsServing | Stage::Overdue | Stage::AwaitingSignatures)
    }
}

/// The stage of an exit on `today`.
pub fn stage(
    status: ExitStatus,
    contract_ends_on: NaiveDate,
    deadline: NaiveDate,
    settled: bool,
    today: NaiveDate,
) -> Stage {
    match status {
        ExitStatus::Completed => Stage::Completed,
        ExitStatus::Cancelled => Stage::Cancelled,
        ExitStatus::Open if settled => Stage::AwaitingSignatures,
        ExitStatus::Open if today > deadline => Stage::Overdue,
        ExitStatus::Open if today > contract_ends_on => Stage::KeepsServing,
        ExitStatus::Open => Stage::UnderContract,
    }
}

/// An item as the completeness rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub label: String,
    pub state: ItemState,
}

/// The labels of the items not handed over yet (pending, partial or refused), in order.
pub fn withheld(items: &[ItemFacts]) -> Vec<String> {
    items.iter().filter(|i| !i.state.is_settled()).map(|i| format!("{}（{}）", i.label, i.state.label())).collect()
}

/// Whether the checklist is complete: there is at least one item and every item is handed over
/// or does not apply. Not applicable never covers the whole list: a handover with nothing
/// handed over is no handover.
pub fn complete(items: &[ItemFacts]) -> bool {
    !items.is_empty()
        && items.iter().all(|i| i.state.is_settled())
        && items.iter().any(|i| i.state == ItemState::HandedOver)
}

/// A receiver's confirmation of one item, checked before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub state: ItemState,
    pub on: NaiveDate,
    /// The premises' area in hundredths of a square metre (as the roster keeps areas).
    pub area_centi: Option<i64>,
    pub note: String,
}

/// Checks a confirmation against the item's kind and the dates; returns the refusal (field, message).
pub fn check_confirmation(
    kind: ItemKind,
    c: &Confirmation,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), (&'static str, String)> {
    if c.state == ItemState::Pending {
        return Err(("state", "请选择移交情况".into()));
    }
    if c.on > today {
        return Err(("on", "日期不能晚于今天".into()));
    }
    if c.on < opened_on {
        return Err(("on", format!("日期不能早于启动退出交接的日期（{opened_on}）")));
    }
    let note = c.note.trim().chars().count();
    match c.state {
        ItemState::Partial if note < 2 => return Err(("note", "部分移交的，请写明尚未移交的内容".into())),
        ItemState::Refused if note < 2 => return Err(("note", "拒不移交的，请写明企业拒绝的情况".into())),
        ItemState::NotApplicable if note < 2 => return Err(("note", "不适用的，请说明理由".into())),
        _ => {}
    }
    if note > 2000 {
        return Err(("note", "说明不超过2000字".into()));
    }
    if kind == ItemKind::Premises && c.state == ItemState::HandedOver && c.area_centi.is_none_or(|a| a <= 0) {
        return Err(("area", "移交物业服务用房时请填写其建筑面积（平方米）".into()));
    }
    Ok(())
}

/// Checks a signature: only once every item is settled, each party once.
pub fn check_signature(items: &[ItemFacts], signed: &[Party], party: Party) -> Result<(), String> {
    if !complete(items) {
        let w = withheld(items);
        return Err(if w.is_empty() {
            "清单中至少应有一项已移交".into()
        } else {
            format!("以下事项尚未移交完毕，不能签署移交清单：{}", w.join("、"))
        });
    }
    if signed.contains(&party) {
        return Err(format!("{}已签署移交清单", party.label()));
    }
    Ok(())
}

/// Whether all three parties signed.
pub fn all_signed(signed: &[Party]) -> bool {
    Party::ALL.iter().all(|p| signed.contains(p))
}

/// The catalog items of the case the scanner opens past the deadline: A4.1 (未按期退出、未交还
/// 用房设施资料) always; A4.2 (未配合新企业交接) as well when an item was refused or the receiver
/// is the incoming company.
pub fn overdue_codes(items: &[ItemFacts], receiver: ReceiverKind) -> Vec<&'static str> {
    let mut codes = vec!["A4.1"];
    if receiver == ReceiverKind::IncomingCompany || items.iter().any(|i| i.state == ItemState::Refused) {
        codes.push("A4.2");
    }
    codes
}

super::labelled_enum! {
    /// A contract period on a community.
    pub enum ContractStatus {
        /// Registered, not yet in force (waiting for the takeover or its start day).
        Registered => ("registered", "待生效"),
        /// The company manages the community under it.
        InForce => ("in_force", "履行中"),
        /// Ended (replaced, or its exit completed).
        Ended => ("ended", "已终止"),
    }
}

/// Checks a new contract's dates and fee: returns the refusal (field, message).
pub fn check_contract(
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    fee_fen: Option<i64>,
) -> Result<NaiveDate, (&'static str, String)> {
    let start = starts_on.ok_or(("starts_on", "请填写合同开始日期".to_string()))?;
    if let Some(e) = ends_on
        && e <= start
    {
        return Err(("ends_on", format!("合同终止日期应晚于开始日期（{start}）")));
    }
    for (field, d) in [("starts_on", Some(start)), ("ends_on", ends_on)] {
        if d.is_some_and(|d| !(2000..=2100).contains(&chrono::Datelike::year(&d))) {
            return Err((field, "日期应在2000年至2100年之间".into()));
        }
    }
    if fee_fen.is_some_and(|f| !(0..=100_000).contains(&f)) {
        return Err(("fee", "物业费标准应在0至1000元/平方米·月之间".into()));
    }
    Ok(start)
}

/// Whether a registered contract comes into force on `today`: its start day has come and no
/// exit of the community is still open (the leaving company serves until the takeover).
pub fn contract_takes_effect(starts_on: NaiveDate, exit_open: bool, today: NaiveDate) -> bool {
    !exit_open && starts_on <= today
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workdays::{Calendar, DayKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn items(states: &[ItemState]) -> Vec<ItemFacts> {
        states.iter().enumerate().map(|(i, s)| ItemFacts { label: format!("第{}项", i + 1), state: *s }).collect()
    }

    #[test]
    fn string_forms_round_trip() {
        for s in ExitStatus::ALL {
            assert_eq!(ExitStatus::parse(s.as_str()), Some(s));
        }
        for s in ItemState::ALL {
            assert_eq!(ItemState::parse(s.as_str()), Some(s));
        }
        for r in ExitReason::ALL {
            assert_eq!(ExitReason::parse(r.as_str()), Some(r));
        }
        for r in ReceiverKind::ALL {
            assert_eq!(ReceiverKind::parse(r.as_str()), Some(r));
        }
        for p in Party::ALL {
            assert_eq!(Party::parse(p.as_str()), Some(p));
        }
        assert_eq!(ItemState::parse("received"), None);
    }

    #[test]
    fn the_deadline_counts_from_the_day_after_the_end_and_skips_rest_days() {
        let cal = Calendar::new([]);
        // 2024-06-30 (Sunday) + 30 days = 2024-07-30 (Tuesday).
        assert_eq!(handover_deadline(d("2024-06-30"), 30, &cal), d("2024-07-30"));
        // 杭州 15 days: 2024-06-30 + 15 = 2024-07-15 (Monday).
        assert_eq!(handover_deadline(d("2024-06-30"), 15, &cal), d("2024-07-15"));
        // Ending on a Saturday moves to Monday: 2024-06-01 + 15 = 2024-06-16 (Sunday) → 06-17.
        assert_eq!(handover_deadline(d("2024-06-01"), 15, &cal), d("2024-06-17"));
        // A statutory holiday moves it past the holiday: 2024-09-15 + 15 = 10-01 (国庆) → 10-08.
        let holidays =
            Calendar::new((1..=7).map(|day| (NaiveDate::from_ymd_opt(2024, 10, day).unwrap(), DayKind::Holiday)));
        assert_eq!(handover_deadline(d("2024-09-15"), 16, &holidays), d("2024-10-08"));
    }

    #[test]
    fn stages_follow_status_dates_and_settlement() {
        let (end, deadline) = (d("2024-06-30"), d("2024-07-30"));
        let table = [
            (ExitStatus::Open, false, "2024-06-30", Stage::UnderContract),
            (ExitStatus::Open, false, "2024-07-01", Stage::KeepsServing),
            (ExitStatus::Open, false, "2024-07-30", Stage::KeepsServing),
            (ExitStatus::Open, false, "2024-07-31", Stage::Overdue),
            (ExitStatus::Open, true, "2024-07-31", Stage::AwaitingSignatures),
            (ExitStatus::Completed, true, "2024-07-31", Stage::Completed),
            (ExitStatus::Cancelled, false, "2024-07-31", Stage::Cancelled),
        ];
        for (status, settled, today, want) in table {
            assert_eq!(stage(status, end, deadline, settled, d(today)), want, "{status:?} {settled} {today}");
        }
        assert!(Stage::Overdue.keeps_serving());
        assert!(Stage::KeepsServing.keeps_serving());
        assert!(!Stage::Completed.keeps_serving());
        assert!(Stage::KeepsServing.label().contains("继续服务"));
    }

    #[test]
    fn the_checklist_is_complete_only_when_every_item_is_settled() {
        use ItemState::*;
        assert!(complete(&items(&[HandedOver, NotApplicable, HandedOver])));
        assert!(!complete(&items(&[HandedOver, Partial])));
        assert!(!complete(&items(&[HandedOver, Refused])));
        assert!(!complete(&items(&[HandedOver, Pending])));
        assert!(!complete(&items(&[NotApplicable, NotApplicable])), "nothing handed over is no handover");
        assert!(!complete(&[]));
        assert_eq!(
            withheld(&items(&[HandedOver, Partial, Refused, NotApplicable, Pending])),
            vec!["第2项（部分移交）".to_string(), "第3项（拒不移交）".into(), "第5项（待移交）".into()]
        );
    }

    #[test]
    fn confirmations_need_what_their_state_and_kind_need() {
        let (opened, today) = (d("2024-07-01"), d("2024-07-10"));
        let ok = |kind, state, area, note: &str| {
            check_confirmation(
                kind,
                &Confirmation { state, on: d("2024-07-05"), area_centi: area, note: note.into() },
                opened,
                today,
            )
        };
        assert!(ok(ItemKind::Plain, ItemState::HandedOver, None, "").is_ok());
        assert_eq!(ok(ItemKind::Plain, ItemState::Pending, None, "").unwrap_err().0, "state");
        assert_eq!(ok(ItemKind::Plain, ItemState::Partial, None, "").unwrap_err().0, "note");
        assert_eq!(ok(ItemKind::Plain, ItemState::Refused, None, " ").unwrap_err().0, "note");
        assert_eq!(ok(ItemKind::Plain, ItemState::NotApplicable, None, "").unwrap_err().0, "note");
        assert!(ok(ItemKind::Plain, ItemState::NotApplicable, None, "无地下管网").is_ok());
        assert_eq!(ok(ItemKind::Premises, ItemState::HandedOver, None, "").unwrap_err().0, "area");
        assert_eq!(ok(ItemKind::Premises, ItemState::HandedOver, Some(0), "").unwrap_err().0, "area");
        assert!(ok(ItemKind::Premises, ItemState::HandedOver, Some(8_650), "").is_ok());
        assert!(ok(ItemKind::Premises, ItemState::Partial, None, "仅交还一间").is_ok());
        let late =
            Confirmation { state: ItemState::HandedOver, on: d("2024-07-11"), area_centi: None, note: String::new() };
        assert_eq!(check_confirmation(ItemKind::Plain, &late, opened, today).unwrap_err().0, "on");
        let early = Confirmation { on: d("2024-06-30"), ..late };
        assert_eq!(check_confirmation(ItemKind::Plain, &early, opened, today).unwrap_err().0, "on");
    }

    #[test]
    fn signatures_wait_for_a_complete_list_and_each_party_signs_once() {
        use ItemState::*;
        let partial = items(&[HandedOver, Partial]);
        assert!(check_signature(&partial, &[], Party::Receiver).unwrap_err().contains("第2项（部分移交）"));
        let done = items(&[HandedOver, NotApplicable]);
        assert!(check_signature(&done, &[], Party::Leaving).is_ok());
        assert!(check_signature(&done, &[Party::Leaving], Party::Leaving).is_err());
        assert!(!all_signed(&[Party::Leaving, Party::Receiver]));
        assert!(all_signed(&[Party::Witness, Party::Leaving, Party::Receiver]));
    }

    #[test]
    fn the_overdue_case_names_a4_2_when_the_company_refuses_or_a_company_takes_over() {
        use ItemState::*;
        assert_eq!(overdue_codes(&items(&[Pending]), ReceiverKind::Committee), vec!["A4.1"]);
        assert_eq!(overdue_codes(&items(&[Refused]), ReceiverKind::Committee), vec!["A4.1", "A4.2"]);
        assert_eq!(overdue_codes(&items(&[Partial]), ReceiverKind::IncomingCompany), vec!["A4.1", "A4.2"]);
    }

    #[test]
    fn county_items_are_numbered_and_deduplicated() {
        assert_eq!(county_items(""), Vec::<(String, String)>::new());
        assert_eq!(
            county_items("电梯使用登记证；二次供水卫生许可\n电梯使用登记证;业主名册"),
            vec![
                ("county_1".to_string(), "电梯使用登记证".to_string()),
                ("county_2".into(), "二次供水卫生许可".into()),
            ]
        );
        assert_eq!(kind_of("premises"), ItemKind::Premises);
        assert_eq!(kind_of("revenue"), ItemKind::Revenue);
        assert_eq!(kind_of("county_1"), ItemKind::Plain);
    }

    #[test]
    fn contracts_check_their_dates_and_take_effect_after_the_takeover() {
        assert_eq!(check_contract(None, None, None).unwrap_err().0, "starts_on");
        assert_eq!(check_contract(Some(d("2024-08-01")), Some(d("2024-08-01")), None).unwrap_err().0, "ends_on");
        assert_eq!(check_contract(Some(d("2024-08-01")), None, Some(-1)).unwrap_err().0, "fee");
        assert_eq!(check_contract(Some(d("1999-12-31")), None, None).unwrap_err().0, "starts_on");
        assert_eq!(check_contract(Some(d("2024-08-01")), Some(d("2101-01-01")), None).unwrap_err().0, "ends_on");
        assert_eq!(check_contract(Some(d("2024-08-01")), Some(d("2027-07-31")), Some(150)), Ok(d("2024-08-01")));
        assert!(!contract_takes_effect(d("2024-08-01"), true, d("2024-09-01")));
        assert!(!contract_takes_effect(d("2024-08-01"), false, d("2024-07-31")));
        assert!(contract_takes_effect(d("2024-08-01"), false, d("2024-08-01")));
    }
}
