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

/// Where a unit's counted area comes from (第8条), in the order the law takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaSource {
    /// 不动产登记簿记载的面积
    Register,
    /// 测绘机构的实测面积
    Surveyed,
    /// 房屋买卖合同记载的面积
    Contract,
}

impl AreaSource {
    /// The one string form.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaSource::Register => "register",
            AreaSource::Surveyed => "surveyed",
            AreaSource::Contract => "contract",
        }
    }

    /// The Chinese name shown beside the figure.
    pub fn label(self) -> &'static str {
        match self {
            AreaSource::Register => "登记面积",
            AreaSource::Surveyed => "实测面积",
            AreaSource::Contract => "合同面积",
        }
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
/// one owner together, each distinct holder once.
pub fn totals(units: &[CountedUnit]) -> RosterTotals {
    let holders: BTreeSet<&Holder> = units.iter().map(|u| &u.holder).collect();
    RosterTotals {
        units: units.len() as u64,
        area_centi: units.iter().map(|u| u.area_centi).sum(),
        owners: holders.len() as u64,
    }
}

/// Formats an area in 0.01 m² as square metres with two decimals (`12345` → `123.45`).
pub fn format_area(centi: i64) -> String {
    let sign = if centi < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", centi.abs() / 100, centi.abs() % 100)
}

/// Parses a written area in square metres (`89.5`, `89.50`, `89`) into 0.01 m²: at most two
/// decimals, positive; anything else is refused in Chinese.
pub fn parse_area(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches("㎡").trim_end_matches("m²").trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 2
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
    }

    #[test]
    fn areas_are_written_and_read_in_hundredths_of_a_square_metre() {
        for (text, centi) in [("89.5", 8950), ("89.50", 8950), ("89", 8900), ("0.01", 1), (" 120.07㎡ ", 12007)] {
            assert_eq!(parse_area(text), Ok(centi), "{text}");
        }
        for bad in ["", "89.505", "-3", "八十", "1,000", "0", "0.00", "1e3"] {
            assert!(parse_area(bad).is_err(), "{bad}");
        }
        assert_eq!(format_area(8950), "89.50");
        assert_eq!(format_area(1), "0.01");
    }
}
