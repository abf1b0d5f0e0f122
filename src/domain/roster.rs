//! The owner roster (业主名册) of a community and how it is counted for the owners' joint
//! decisions (民法典第278条; 最高人民法院《关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》
//! 第8条、第9条).
//!
//! - 第8条 — the area of an exclusive unit (专有部分面积) is the area recorded in the property
//!   register (不动产登记簿); a unit not yet registered counts with its surveyed area (测绘面积),
//!   and one not surveyed either with the area in its sale contract (合同面积). All three are kept;
//!   the one used is named beside the figure.
//! - 第9条 — the number of owners (业主人数) counts one per exclusive unit, except that the
//!   developer's units not sold or not delivered count as **one** owner together, and a person or
//!   household owning several units counts as **one** owner. Co-owners of one unit are one owner.
//!
//! Areas are integers in 0.01 m² (`area_centi`), so that every comparison of the vote is exact.

use std::collections::BTreeSet;

super::labelled_enum! {
    /// Where a unit's counted area comes from (第8条), in the order the law takes them.
    pub enum AreaSource {
        /// 不动产登记簿记载的面积
        Register => ("register", "登记面积"),
        /// 测绘机构的实测面积
        Surveyed => ("surveyed", "实测面积"),
        /// 房屋买卖合同记载的面积
        Contract => ("contract", "合同面积"),
    }
}

/// The area that counts for a unit and where it comes from: the register's, else the surveyed,
/// else the contract's (第8条). A recorded area of zero or less is no record. `None` when the
/// unit has none of the three: such a unit cannot be counted and the roster says so.
pub fn area_in_force(
    register_centi: Option<i64>,
    surveyed_centi: Option<i64>,
    contract_centi: Option<i64>,
) -> Option<(i64, AreaSource)> {
    [
        (register_centi, AreaSource::Register),
        (surveyed_centi, AreaSource::Surveyed),
        (contract_centi, AreaSource::Contract),
    ]
    .into_iter()
    .find_map(|(a, source)| a.filter(|a| *a > 0).map(|a| (a, source)))
}

/// Who owns a unit, for counting owners (第9条).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holder {
    /// The developer's unsold or undelivered units: all of them together are one owner.
    Developer,
    /// The unit's owners, by a stable key per person (the roster's blind index of the ID number,
    /// or of the name where none is known), sorted; co-owners of one unit are one owner, and the
    /// same person (or the same set of co-owners) holding several units is one owner.
    Owners(BTreeSet<String>),
}

/// One exclusive unit as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedUnit {
    pub unit_id: i64,
    /// The area in force (0.01 m²).
    pub area_centi: i64,
    pub holder: Holder,
}

/// The roster's totals: the denominators of the quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RosterTotals {
    /// Exclusive units counted.
    pub units: u64,
    /// Total exclusive area (0.01 m²).
    pub area_centi: i64,
    /// Owners by number (第9条).
    pub owners: u64,
}

/// Counts the roster (第9条): units, their total area, and owners — the developer's units as
/// one owner together, each distinct holder once. A unit whose owners are not entered yet counts
/// as an owner of its own: merging unknown owners would shrink the quorum's denominator.
pub fn totals(units: &[CountedUnit]) -> RosterTotals {
    let holders: BTreeSet<(&Holder, Option<i64>)> = units
        .iter()
        .map(|u| match &u.holder {
            Holder::Owners(keys) if keys.is_empty() => (&u.holder, Some(u.unit_id)),
            holder => (holder, None),
        })
        .collect();
    RosterTotals {
        units: units.len() as u64,
        area_centi: units.iter().map(|u| u.area_centi).sum(),
        owners: holders.len() as u64,
    }
}

/// Formats an area in 0.01 m² as square metres with two decimals (`12345` → `123.45`).
pub fn format_area(centi: i64) -> String {
    let sign = if centi < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", centi.unsigned_abs() / 100, centi.unsigned_abs() % 100)
}

/// Parses a written area in square metres (`89.5`, `89.50`, `89`) into 0.01 m²: at most two
/// decimals, positive; anything else is refused in Chinese.
pub fn parse_area(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches("㎡").trim_end_matches("m²").trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && (frac.len() <= 2 && (!frac.is_empty() || !t.ends_with('.')))
        && frac.chars().all(|c| c.is_ascii_digit());
    if !valid || whole.len() > 9 {
        return Err(format!("面积“{}”应为平方米数，最多两位小数", text.trim()));
    }
    let centi = whole.parse::<i64>().unwrap_or(0) * 100 + format!("{frac:0<2}").parse::<i64>().unwrap_or(0);
    if centi <= 0 {
        return Err("面积须大于零".into());
    }
    Ok(centi)
}

super::labelled_enum! {
    /// A field of the roster: its form field name and its Chinese column header in the workbook, in
    /// the order the workbook lists them.
    pub enum Field {
        Building => ("building", "楼栋"),
        Unit => ("unit", "单元"),
        Room => ("room", "房号"),
        RegisterArea => ("register_area", "登记面积(㎡)"),
        SurveyedArea => ("surveyed_area", "实测面积(㎡)"),
        ContractArea => ("contract_area", "合同面积(㎡)"),
        DeveloperHeld => ("developer_held", "开发建设单位未售出或未交付"),
        OwnerName => ("owner_name", "业主姓名"),
        OwnerPhone => ("owner_phone", "联系电话"),
        OwnerIdNumber => ("owner_id_number", "身份证号"),
    }
}

/// Refusals of roster fields: the field and why, in Chinese.
pub type Refusals = Vec<(Field, String)>;

/// One owner of a unit as written (a form's owner slot or one workbook row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerDraft {
    pub name: String,
    pub phone: String,
    pub id_number: String,
}

/// One exclusive unit as written, with the owners given with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitDraft {
    pub building: String,
    pub unit: String,
    pub room: String,
    pub register_area: String,
    pub surveyed_area: String,
    pub contract_area: String,
    pub developer_held: bool,
    pub owners: Vec<OwnerDraft>,
}

/// An owner, checked: the name, and the phone and ID number (empty when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub phone: String,
    /// 18 characters, the check character upper-case, or empty.
    pub id_number: String,
}

impl Owner {
    /// The text whose blind index is the owner's 第9条 holder key: the ID number, or the name
    /// where no ID number is known (two people of one name without ID numbers are then one owner,
    /// which the roster page's note asks the committee to complete).
    pub fn holder_key(&self) -> String {
        if self.id_number.is_empty() { format!("name:{}", self.name) } else { format!("id:{}", self.id_number) }
    }
}

/// An exclusive unit, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterUnit {
    pub building: String,
    /// 单元; empty where the building has none.
    pub unit: String,
    pub room: String,
    pub register_centi: Option<i64>,
    pub surveyed_centi: Option<i64>,
    pub contract_centi: Option<i64>,
    pub developer_held: bool,
    pub owners: Vec<Owner>,
}

impl RosterUnit {
    /// The unit's place, which the roster holds once per community.
    pub fn key(&self) -> (String, String, String) {
        (self.building.clone(), self.unit.clone(), self.room.clone())
    }
}

/// How a unit is named to people: `3号楼-2单元-301` (the unit left out when empty).
pub fn unit_label(building: &str, unit: &str, room: &str) -> String {
    [building, unit, room].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("-")
}

/// Reads a yes/no cell: 是/否 (also Y/N, 1/0, empty for no).
pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text.trim() {
        "是" | "Y" | "y" | "1" | "√" => Ok(true),
        "否" | "" | "N" | "n" | "0" => Ok(false),
        other => Err(format!("应填“是”或“否”，不是“{other}”")),
    }
}

/// The check character of a resident ID number's first 17 digits (GB 11643), `None` when they
/// are not 17 digits.
pub fn id_check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some(['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
}

/// Checks an 18-character resident ID number (GB 11643: the check character of the first 17
/// digits); returns it with an upper-case X.
pub fn parse_id_number(text: &str) -> Result<String, String> {
    let t = text.trim().to_ascii_uppercase();
    let chars: Vec<char> = t.chars().collect();
    let shaped = chars.len() == 18
        && chars[..17].iter().all(|c| c.is_ascii_digit())
        && (chars[17].is_ascii_digit() || chars[17] == 'X');
    if !shaped {
        return Err("应为18位居民身份证号码".into());
    }
    if Some(chars[17]) != id_check_character(&t[..17]) {
        return Err("校验位不正确，请核对".into());
    }
    Ok(t)
}

/// The ID number masked to its last four characters (`**************0011`).
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let keep = chars.len().min(4);
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{}{tail}", "*".repeat(chars.len() - keep))
}

fn text(value: &str, field: Field, max: usize, required: bool, errors: &mut Refusals) -> String {
    let t = value.trim().to_string();
    if required && t.is_empty() {
        errors.push((field, "必填".into()));
    } else if t.chars().count() > max {
        errors.push((field, format!("不超过{max}个字")));
    }
    t
}

fn area(value: &str, field: Field, errors: &mut Refusals) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    parse_area(value).map_err(|e| errors.push((field, e))).ok()
}

fn owner(d: &OwnerDraft, errors: &mut Refusals) -> Owner {
    let name = text(&d.name, Field::OwnerName, 50, true, errors);
    let phone = d.phone.trim().to_string();
    let phone_ok = phone.is_empty()
        || ((7..=20).contains(&phone.chars().count())
            && phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+')));
    if !phone_ok {
        errors.push((Field::OwnerPhone, "应为7至20位电话号码".into()));
    }
    let id_number = if d.id_number.trim().is_empty() {
        String::new()
    } else {
        parse_id_number(&d.id_number).map_err(|e| errors.push((Field::OwnerIdNumber, e))).unwrap_or_default()
    };
    Owner { name, phone, id_number }
}

/// Checks a unit and its owners. A unit without any area is accepted (it is listed as not
/// countable until one is recorded); the developer's units have no owner on the roster, and
/// every other unit needs one unless `owners_required` is false (an edit that keeps the
/// owners already recorded).
pub fn parse_unit(d: &UnitDraft, owners_required: bool) -> Result<RosterUnit, Refusals> {
    let mut errors = Refusals::new();
    let building = text(&d.building, Field::Building, 50, true, &mut errors);
    let unit = text(&d.unit, Field::Unit, 50, false, &mut errors);
    let room = text(&d.room, Field::Room, 50, true, &mut errors);
    let register_centi = area(&d.register_area, Field::RegisterArea, &mut errors);
    let surveyed_centi = area(&d.surveyed_area, Field::SurveyedArea, &mut errors);
    let contract_centi = area(&d.contract_area, Field::ContractArea, &mut errors);
    let given: Vec<&OwnerDraft> = d
        .owners
        .iter()
        .filter(|o| !(o.name.trim().is_empty() && o.phone.trim().is_empty() && o.id_number.trim().is_empty()))
        .collect();
    if d.developer_held && !given.is_empty() {
        errors.push((Field::OwnerName, "开发建设单位未售出或未交付的房屋不登记业主".into()));
    }
    if !d.developer_held && given.is_empty() && owners_required {
        errors.push((Field::OwnerName, "必填（开发建设单位未售出或未交付的房屋请注明）".into()));
    }
    let owners: Vec<Owner> = given.into_iter().map(|o| owner(o, &mut errors)).collect();
    let mut keys = BTreeSet::new();
    if owners.iter().any(|o| !keys.insert(o.holder_key())) {
        errors.push((Field::OwnerName, "同一业主登记了两次".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RosterUnit {
        building,
        unit,
        room,
        register_centi,
        surveyed_centi,
        contract_centi,
        developer_held: d.developer_held,
        owners,
    })
}

/// Joins the rows of a workbook (one row per owner: co-owners of a unit on several rows) into
/// units, in the order first seen. Rows of one unit must agree on its areas and on whether the
/// developer holds it; a row repeating an owner, or a developer's unit, is refused. Errors name
/// the row.
pub fn merge_rows(rows: Vec<(usize, RosterUnit)>) -> Result<Vec<RosterUnit>, Vec<(usize, String)>> {
    let mut units: Vec<(usize, RosterUnit)> = Vec::new();
    let mut at: std::collections::HashMap<(String, String, String), usize> = Default::default();
    let mut errors = Vec::new();
    for (row, u) in rows {
        let Some(&i) = at.get(&u.key()) else {
            at.insert(u.key(), units.len());
            units.push((row, u));
            continue;
        };
        let (first, merged) = &mut units[i];
        let same = (merged.register_centi, merged.surveyed_centi, merged.contract_centi, merged.developer_held)
            == (u.register_centi, u.surveyed_centi, u.contract_centi, u.developer_held);
        if !same {
            errors.push((row, format!("与第{first}行是同一房屋，但面积或“开发建设单位未售出或未交付”不一致")));
        } else if u.developer_held || u.owners.is_empty() {
            errors.push((row, format!("与第{first}行重复")));
        } else {
            for o in u.owners {
                if merged.owners.iter().any(|m| m.holder_key() == o.holder_key()) {
                    errors.push((row, format!("与第{first}行重复登记同一业主")));
                } else {
                    merged.owners.push(o);
                }
            }
        }
    }
    if errors.is_empty() { Ok(units.into_iter().map(|(_, u)| u).collect()) } else { Err(errors) }
}

/// A sort key that orders the numbers in an address by value (`2号楼` before `10号楼`, `301`
/// before `1201`) and the rest by character.
pub fn natural_key(text: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            key.push((0, n, String::new()));
        } else {
            let mut run = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_ascii_digit()) {
                run.push(c);
                chars.next();
            }
            key.push((1, 0, run));
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(keys: &[&str]) -> Holder {
        Holder::Owners(keys.iter().map(|k| k.to_string()).collect())
    }

    fn unit(id: i64, area: i64, holder: Holder) -> CountedUnit {
        CountedUnit { unit_id: id, area_centi: area, holder }
    }

    #[test]
    fn the_area_in_force_is_the_register_then_the_survey_then_the_contract() {
        for (register, surveyed, contract, expected) in [
            (Some(8950), Some(9000), Some(9100), Some((8950, AreaSource::Register))),
            (None, Some(9000), Some(9100), Some((9000, AreaSource::Surveyed))),
            (None, None, Some(9100), Some((9100, AreaSource::Contract))),
            (Some(0), Some(9000), None, Some((9000, AreaSource::Surveyed))),
            (None, None, None, None),
        ] {
            assert_eq!(area_in_force(register, surveyed, contract), expected, "{register:?} {surveyed:?} {contract:?}");
        }
        assert_eq!(AreaSource::Surveyed.label(), "实测面积");
    }

    #[test]
    fn owners_are_counted_as_article_9_says() {
        let units = vec![
            // three unsold units of the developer: one owner together
            unit(1, 10_000, Holder::Developer),
            unit(2, 10_000, Holder::Developer),
            unit(3, 10_000, Holder::Developer),
            // one person with two flats: one owner
            unit(4, 9_000, owners(&["张"])),
            unit(5, 9_000, owners(&["张"])),
            // a couple co-owning one flat: one owner
            unit(6, 12_000, owners(&["李", "王"])),
            // a single owner
            unit(7, 8_050, owners(&["赵"])),
        ];
        let t = totals(&units);
        assert_eq!(t.units, 7);
        assert_eq!(t.area_centi, 68_050);
        assert_eq!(t.owners, 4, "developer, 张, 李+王, 赵");
        // the same co-owners in the other order are the same holder
        assert_eq!(owners(&["王", "李"]), owners(&["李", "王"]));
        // one of the couple alone is another owner than the couple
        assert_eq!(totals(&[unit(1, 1, owners(&["李", "王"])), unit(2, 1, owners(&["李"]))]).owners, 2);
        assert_eq!(totals(&[]), RosterTotals::default());
        // units whose owners are not entered yet are not one owner together
        assert_eq!(totals(&[unit(1, 1, owners(&[])), unit(2, 1, owners(&[])), unit(3, 1, owners(&["赵"]))]).owners, 3);
    }

    #[test]
    fn areas_are_written_and_read_in_hundredths_of_a_square_metre() {
        for (text, centi) in [("89.5", 8950), ("89.50", 8950), ("89", 8900), ("0.01", 1), (" 120.07㎡ ", 12007)] {
            assert_eq!(parse_area(text), Ok(centi), "{text}");
        }
        for bad in ["", "89.505", "-3", "八十", "1,000", "0", "0.00", "1e3", "1.", ".5"] {
            assert!(parse_area(bad).is_err(), "{bad}");
        }
        assert_eq!(format_area(8950), "89.50");
        assert_eq!(format_area(1), "0.01");
    }

    fn draft(building: &str, room: &str, register: &str, owners: &[(&str, &str, &str)]) -> UnitDraft {
        UnitDraft {
            building: building.into(),
            room: room.into(),
            register_area: register.into(),
            owners: owners
                .iter()
                .map(|(n, p, i)| OwnerDraft { name: n.to_string(), phone: p.to_string(), id_number: i.to_string() })
                .collect(),
            ..Default::default()
        }
    }

    const ID: &str = "11010119900307002X";

    #[test]
    fn a_unit_is_checked_field_by_field_in_chinese() {
        let ok = parse_unit(&draft("1号楼", "101", "89.50", &[("张三", "13800138000", "11010119900307002x")]), true)
            .unwrap();
        assert_eq!(ok.register_centi, Some(8950));
        assert_eq!(ok.owners[0].id_number, ID, "the check character upper-case");
        for (d, required, column, message) in [
            (draft("", "101", "", &[("张三", "", "")]), true, Field::Building, "必填"),
            (draft("1号楼", "", "", &[("张三", "", "")]), true, Field::Room, "必填"),
            (
                draft("1号楼", "101", "八十", &[("张三", "", "")]),
                true,
                Field::RegisterArea,
                "面积“八十”应为平方米数，最多两位小数",
            ),
            (draft("1号楼", "101", "", &[]), true, Field::OwnerName, "必填（开发建设单位未售出或未交付的房屋请注明）"),
            (draft("1号楼", "101", "", &[("张三", "12", "")]), true, Field::OwnerPhone, "应为7至20位电话号码"),
            (
                draft("1号楼", "101", "", &[("张三", "", "110101199003070012")]),
                true,
                Field::OwnerIdNumber,
                "校验位不正确，请核对",
            ),
            (draft("1号楼", "101", "", &[("张三", "", "12345")]), true, Field::OwnerIdNumber, "应为18位居民身份证号码"),
            (
                draft("1号楼", "101", "", &[("张三", "", ID), ("张三", "", ID)]),
                true,
                Field::OwnerName,
                "同一业主登记了两次",
            ),
        ] {
            let errors = parse_unit(&d, required).unwrap_err();
            assert!(errors.contains(&(column, message.to_string())), "{d:?}: {errors:?}");
        }
        // An edit that keeps the recorded owners needs none; the developer's units take none.
        assert!(parse_unit(&draft("1号楼", "101", "", &[]), false).is_ok());
        let developer = UnitDraft { developer_held: true, ..draft("1号楼", "101", "", &[]) };
        assert!(parse_unit(&developer, true).is_ok());
        let with_owner = UnitDraft { developer_held: true, ..draft("1号楼", "101", "", &[("张三", "", "")]) };
        assert_eq!(
            parse_unit(&with_owner, true).unwrap_err(),
            vec![(Field::OwnerName, "开发建设单位未售出或未交付的房屋不登记业主".to_string())]
        );
    }

    #[test]
    fn flags_id_numbers_and_masks() {
        for (text, flag) in [("是", Ok(true)), ("否", Ok(false)), ("", Ok(false)), ("Y", Ok(true))] {
            assert_eq!(parse_flag(text), flag, "{text}");
        }
        assert!(parse_flag("也许").is_err());
        assert_eq!(id_check_character("11010119900307002"), Some('X'));
        assert_eq!(id_check_character("11010119900307003"), Some('8'));
        assert_eq!(id_check_character("1101011990030700"), None);
        assert_eq!(mask_id_number(ID), "**************002X");
        assert_eq!(mask_id_number("123"), "123");
        assert_eq!(unit_label("3号楼", "", "301"), "3号楼-301");
        assert_eq!(unit_label("3号楼", "2单元", "301"), "3号楼-2单元-301");
        let by_id = Owner { name: "张三".into(), phone: String::new(), id_number: ID.into() };
        let by_name = Owner { id_number: String::new(), ..by_id.clone() };
        assert_eq!(by_id.holder_key(), format!("id:{ID}"));
        assert_eq!(by_name.holder_key(), "name:张三");
    }

    #[test]
    fn rows_of_one_unit_join_as_its_co_owners() {
        let row = |room: &str, register: &str, owner: &str| {
            parse_unit(&draft("1号楼", room, register, &[(owner, "", "")]), true).unwrap()
        };
        let merged =
            merge_rows(vec![(2, row("101", "90", "李")), (3, row("101", "90", "王")), (4, row("102", "90", "赵"))])
                .unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].owners.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["李", "王"]);
        for (rows, expected) in [
            (
                vec![(2, row("101", "90", "李")), (3, row("101", "91", "王"))],
                (3, "与第2行是同一房屋，但面积或“开发建设单位未售出或未交付”不一致"),
            ),
            (vec![(2, row("101", "90", "李")), (5, row("101", "90", "李"))], (5, "与第2行重复登记同一业主")),
        ] {
            assert_eq!(merge_rows(rows).unwrap_err(), vec![(expected.0, expected.1.to_string())]);
        }
        let developer =
            parse_unit(&UnitDraft { developer_held: true, ..draft("1号楼", "103", "90", &[]) }, true).unwrap();
        assert_eq!(
            merge_rows(vec![(2, developer.clone()), (3, developer)]).unwrap_err(),
            vec![(3, "与第2行重复".to_string())]
        );
    }

    #[test]
    fn addresses_sort_with_their_numbers_by_value() {
        let mut rooms = vec!["10号楼", "2号楼", "1号楼", "B座", "A座", "2号楼"];
        rooms.sort_by_key(|r| natural_key(r));
        assert_eq!(rooms, ["1号楼", "2号楼", "2号楼", "10号楼", "A座", "B座"]);
        let mut numbers = vec!["1201", "301", "0302", "302"];
        numbers.sort_by_key(|r| natural_key(r));
        assert_eq!(numbers, ["301", "0302", "302", "1201"]);
    }
}
