//! Renders a sample rectification notice and reports how long it took.
//!
//! `cargo run -p propwatch-pdf --example notice -- /tmp/notice.pdf [items] [bundled]`
//! (items: how many items to list, default 2; `bundled`: use only the bundled fonts).

use std::time::Instant;

use propwatch_pdf::{FontSource, NoticeDoc, NoticeItem, font_families, render_notice_with};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "notice.pdf".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2);
    let fonts = if args.next().as_deref() == Some("bundled") { FontSource::BundledOnly } else { FontSource::Auto };
    let examples = [
        NoticeItem {
            community: "凤城花园小区".into(),
            item: "未按合同约定提供保洁服务".into(),
            text: "物业服务企业应当按照物业服务合同的约定，提供相应的服务。".into(),
            facts: "3号楼、5号楼楼道内垃圾堆放超过三日未清理，地下车库积水未及时排除。".into(),
            legal_basis: "《物业管理条例》第三十五条".into(),
        },
        NoticeItem {
            community: "东关新村".into(),
            item: "未公示物业服务收费标准".into(),
            text: "物业管理企业应当按照政府价格主管部门的规定实行明码标价，在物业管理区域内的显著位置，将服务内容、服务标准以及收费项目、收费标准等有关情况进行公示。"
                .into(),
            facts: "小区出入口及物业服务中心均未公示收费项目、标准及依据。".into(),
            legal_basis: "《物业服务收费管理办法》第八条".into(),
        },
    ];
    let doc = NoticeDoc {
        issuer: "阳城县住房和城乡建设管理局".into(),
        title: "物业服务整改通知书".into(),
        number: "阳住建物整〔2024〕17号".into(),
        addressee: "阳城县安居物业服务有限公司".into(),
        intro: "根据《物业管理条例》《山西省物业管理条例》等有关规定，我局于2024年5月对你公司服务的项目进行了检查，发现存在以下问题："
            .into(),
        items: (0..count).map(|i| examples[i % examples.len()].clone()).collect(),
        deadline: "2024年6月30日".into(),
        requirements: "整改完成后将整改情况书面报送我局物业管理科。逾期未整改或整改不到位的，我局将依法依规予以处理，并记入企业信用档案。"
            .into(),
        contact: "王明  0356-4221234".into(),
        date: "2024年6月3日".into(),
    };
    // The first render loads the fonts; later ones change the data so that typst cannot reuse
    // all of its memoized work.
    for round in 1..=3 {
        let mut doc = doc.clone();
        doc.number = format!("阳住建物整〔2024〕{}号", 16 + round);
        doc.addressee = format!("{}（第{round}次）", doc.addressee);
        let start = Instant::now();
        let pdf = render_notice_with(&doc, fonts).expect("the notice renders");
        println!("render {round}: {:?}, {} bytes", start.elapsed(), pdf.len());
        std::fs::write(&out, pdf).expect("the PDF is written");
    }
    println!("fonts (auto): {:?}; wrote {out}", font_families());
}
