//! The violation catalog (整治内容) in the words of the bureau's notice (阳住建发〔2024〕118号,
//! section 三), verbatim: each item's full text, beside the short name tables use. The catalog is
//! data (seeded, editable); these are the texts it is seeded with, and the texts the migration that
//! added the column filled into catalogs seeded before it.

/// (code, full text) for every item of the seed, verbatim from section 三 of the notice. Group
/// rows (A, A1, …, B) carry the heading as written there.
pub const SEED_TEXTS: [(&str, &str); 21] = [
    ("A", "物业服务不履约不到位行为"),
    ("A1", "未按照合同约定提供质价对等的物业服务。"),
    ("A1.1", "物业服务企业未按照合同约定维修、养护、清洁、绿化和管理物业服务区域内的业主共有部分（设施）。"),
    ("A1.2", "共有公共部分（设施）更新改造不及时。"),
    ("A1.3", "房地产开发企业互相推诿扯皮造成报修未及时处理的。"),
    ("A1.4", "所提供服务等级与物业收费标准不符的。"),
    (
        "A1.5",
        "物业服务不到位，从业人员没有服务意识或服务态度较差，与业主矛盾纠纷高发、投诉居高不下的，业主对物业服务满意度低于标准要求的。",
    ),
    ("A2", "未履行信息公开和报告义务。"),
    (
        "A2.1",
        "未履行信息公开和报告义务，未按规定公开服务事项、质量要求、收费项目、收费标准、履行情况以及住宅专项维修资金使用情况。",
    ),
    ("A2.2", "未及时公开公示业主关心的热点问题，如物业费收支情况、停车位管理等。"),
    ("A2.3", "未向业主大会、业主委员会（物管会）报告履职情况。"),
    ("A3", "未按照合同约定提供安全防范工作。"),
    (
        "A3.1",
        "未按合同约定或者法律规定提供消防安全防范服务，对共用消防设施和疏散通道、安全出口、消防通道进行维护管理。",
    ),
    (
        "A3.2",
        "未及时劝阻和制止占用、堵塞、封闭疏散通道、安全出口、消防车通道等行为，劝阻和制止无效未及时向乡镇、消防救援大队报告。",
    ),
    ("A4", "未履行物业服务企业的移交义务。"),
    (
        "A4.1",
        "物业服务合同终止，原物业服务企业未在约定期限或者合理期限内退出物业服务区域，未将物业服务用房、相关设施、物业服务所必需的相关资料等交还给业主委员会(物业管理委员会)或者其指定的管理人。",
    ),
    ("A4.2", "未配合新物业服务企业做好交接工作，未如实告知物业的使用和管理状况等。"),
    ("B", "物业服务企业侵害业主利益行为"),
    (
        "B1",
        "擅自利用小区公共部位经营。未征得相关业主、业主大会同意，擅自利用小区共用部位、共用设施设备经营，擅自占用业主共有的道路或者其他场地进行经营收益，擅自利用小区电梯投放经营性广告，擅自改变或利用物业管理用房进行经营收益等。",
    ),
    (
        "B2",
        "未公示公共收益收支情况未及时将小区共有部位、共有设施设备经营所产生的公共收益收支明细在物业服务区域内醒目位置公开公示。",
    ),
    (
        "B3",
        "违规侵占小区公共收益。侵占利用小区业主共有部位、共有设施设备经营所产生的公共收益；未按合同约定或业主大会决议分配使用公共收益。",
    ),
];

/// The seed's full text of an item, if the seed has the code.
pub fn seed_text(code: &str) -> Option<&'static str> {
    SEED_TEXTS.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed itself, read from `../shared/seed/` when it is beside the repository: every text
    /// must stand in it word for word (spaces and the seed's mixed brackets as written).
    #[test]
    fn every_text_stands_in_the_seed_word_for_word() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed");
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let seed: String = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect::<Vec<_>>()
            .join("\n");
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let seed = squash(&seed);
        for (code, text) in SEED_TEXTS {
            let t = squash(text.trim_end_matches('。'));
            assert!(seed.contains(&t), "{code}: {text}");
        }
    }

    #[test]
    fn the_elements_the_short_names_lost_are_in_the_full_texts() {
        assert!(seed_text("B1").unwrap().contains("未征得相关业主、业主大会同意"));
        let a41 = seed_text("A4.1").unwrap();
        assert!(a41.contains("未在约定期限或者合理期限内"));
        assert!(a41.contains("业主委员会(物业管理委员会)或者其指定的管理人"));
        assert!(seed_text("A3.1").unwrap().contains("未按合同约定或者法律规定提供消防安全防范服务"));
        assert!(seed_text("A1.5").unwrap().contains("从业人员没有服务意识"));
        assert_eq!(seed_text("Z9"), None);
    }
}
