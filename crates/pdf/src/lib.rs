//! Official documents typeset to PDF with typst, in their own crate so the rest of propwatch
//! rebuilds fast.
//!
//! typst runs as a library in a minimal [`World`] of our own: the template (`notice.typ`, built in)
//! is the only source file, the notice's data is served as the virtual file `/data.json`, and the
//! fonts come from the system or from the crate. Nothing is read from the network: no typst
//! packages, no font downloads.
//!
//! Fonts: Noto Serif CJK SC (Regular and Bold) from the system when installed (Debian's
//! fonts-noto-cjk and the usual places on other distributions); otherwise the subset of it that
//! ships in `fonts/` ("Noto Serif CJK SC Tongyong", SIL OFL 1.1: the 8105 characters of the
//! 通用规范汉字表 and all of GB 2312), so a fresh machine renders too, names with 堃 or 喆 included.
//! Fonts are loaded once per process.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde_json::json;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontWeight};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// One item of a rectification notice.
#[derive(Debug, Clone, Default)]
pub struct NoticeItem {
    /// The community (小区) concerned.
    pub community: String,
    /// The catalog item's title, e.g. 未按合同约定提供保洁服务.
    pub item: String,
    /// The catalog item's full text in the words of the bureau's notice, verbatim; empty when
    /// unknown.
    pub text: String,
    /// The facts found.
    pub facts: String,
    /// The legal basis, e.g. 《物业管理条例》第三十五条.
    pub legal_basis: String,
}

/// A rectification notice (整改通知书) as printed.
#[derive(Debug, Clone, Default)]
pub struct NoticeDoc {
    /// The issuing authority, printed red above the red line: 阳城县住房和城乡建设管理局.
    pub issuer: String,
    /// The document title: 物业服务整改通知书.
    pub title: String,
    /// The document number: 阳住建物整〔2024〕17号.
    pub number: String,
    /// The addressee (the company's full name), followed by a full-width colon in print.
    pub addressee: String,
    /// The opening paragraph.
    pub intro: String,
    /// The items to rectify.
    pub items: Vec<NoticeItem>,
    /// The deadline as printed: 2024年6月30日.
    pub deadline: String,
    /// The closing paragraph (what to do by the deadline, what happens otherwise).
    pub requirements: String,
    /// Contact person and phone.
    pub contact: String,
    /// The date of issue as printed: 2024年6月3日.
    pub date: String,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("排版失败：{0}")]
    Typeset(String),
}

/// Renders a notice to PDF bytes.
pub fn render_notice(doc: &NoticeDoc) -> Result<Vec<u8>, PdfError> {
    render_notice_with(doc, FontSource::Auto)
}

/// The CJK font families that [`render_notice`] typesets with, body font first: "Noto Serif CJK
/// SC" when the system has it, else the bundled subset "Noto Serif CJK SC Tongyong". For
/// diagnostics; loads the fonts if they are not loaded yet.
pub fn font_families() -> Vec<String> {
    FontSource::Auto.fonts().families.clone()
}

/// Where the fonts come from. Not part of the stable interface: for tests and diagnostics.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSource {
    /// Noto Serif CJK SC from the system when both its Regular and Bold are installed, otherwise
    /// the bundled subset.
    Auto,
    /// Only the bundled subset, as on a machine without CJK fonts.
    BundledOnly,
}

impl FontSource {
    fn fonts(self) -> &'static Fonts {
        static AUTO: LazyLock<Fonts> = LazyLock::new(|| Fonts::system().unwrap_or_else(Fonts::bundled));
        static BUNDLED: LazyLock<Fonts> = LazyLock::new(Fonts::bundled);
        match self {
            FontSource::Auto => &AUTO,
            FontSource::BundledOnly => &BUNDLED,
        }
    }
}

/// [`render_notice`] with a choice of fonts. Not part of the stable interface: lets tests render
/// with the bundled fonts only.
#[doc(hidden)]
pub fn render_notice_with(doc: &NoticeDoc, fonts: FontSource) -> Result<Vec<u8>, PdfError> {
    render(doc, fonts).map(|(pdf, _warnings)| pdf)
}

/// Renders a notice; returns the PDF and typst's warnings (a missing glyph is not one: typst prints
/// tofu without a word).
fn render(doc: &NoticeDoc, fonts: FontSource) -> Result<(Vec<u8>, Vec<String>), PdfError> {
    let world = NoticeWorld::new(doc, fonts.fonts())?;
    let compiled = typst::compile::<PagedDocument>(&world);
    // Drop memoized results not used in the last few renders, so a long-running server's
    // memory stays bounded.
    typst::comemo::evict(10);
    let document = compiled.output.map_err(|diags| PdfError::Typeset(messages(&diags)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|diags| PdfError::Typeset(messages(&diags)))?;
    Ok((pdf, compiled.warnings.iter().map(|w| messages(std::slice::from_ref(w))).collect()))
}

fn messages(diags: &[SourceDiagnostic]) -> String {
    let mut out: Vec<String> = Vec::new();
    for diag in diags {
        let mut msg = diag.message.to_string();
        for hint in &diag.hints {
            msg.push('（');
            msg.push_str(&hint.v);
            msg.push('）');
        }
        out.push(msg);
    }
    out.join("；")
}

/// The template, the only source file.
const TEMPLATE: &str = include_str!("notice.typ");

/// The bundled fallback fonts: a subset of Noto Serif CJK SC covering the 通用规范汉字表 and GB 2312
/// (see fonts/make-subset.sh).
static BUNDLED_REGULAR: &[u8] = include_bytes!("../fonts/NotoSerifCJKscTY-Regular.otf");
static BUNDLED_BOLD: &[u8] = include_bytes!("../fonts/NotoSerifCJKscTY-Bold.otf");

/// The family looked for on the system.
const SYSTEM_FAMILY: &str = "Noto Serif CJK SC";

/// Where distributions install Noto Serif CJK (Debian/Ubuntu first), and its file names there.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-serif-cjk-fonts",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/local/share/fonts",
];
const SYSTEM_FILES: [[&str; 2]; 2] =
    [["NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf"], ["NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf"]];

/// A loaded set of fonts (Regular and Bold of one family) and their book. The system's fonts are
/// whole collections (.ttc, about 26 MB each) mapped read-only from their files: typst reads glyphs
/// as it needs them, so only the pages it touches are resident, and they are the file's pages,
/// which the kernel may drop and read again (reading them whole cost 52 MB of heap per process);
/// the bundled ones are used in place, from the binary.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Family names, in the order the template tries them.
    families: Vec<String>,
}

impl Fonts {
    fn new(fonts: Vec<Font>) -> Self {
        let mut families: Vec<String> = Vec::new();
        for font in &fonts {
            if !families.contains(&font.info().family) {
                families.push(font.info().family.clone());
            }
        }
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts, families }
    }

    fn bundled() -> Self {
        let fonts = [BUNDLED_REGULAR, BUNDLED_BOLD]
            .into_iter()
            .map(|data| Font::new(Bytes::new(data), 0).expect("the bundled fonts parse"))
            .collect();
        Fonts::new(fonts)
    }

    /// Noto Serif CJK SC Regular and Bold from the system, if both are installed.
    fn system() -> Option<Self> {
        let regular = find_system_font(&SYSTEM_FILES[0], FontWeight::REGULAR)?;
        let bold = find_system_font(&SYSTEM_FILES[1], FontWeight::BOLD)?;
        Some(Fonts::new(vec![regular, bold]))
    }
}

fn find_system_font(names: &[&str], weight: FontWeight) -> Option<Font> {
    SYSTEM_DIRS
        .iter()
        .flat_map(|dir| names.iter().map(move |name| Path::new(dir).join(name)))
        .filter(|path| path.is_file())
        .find_map(|path| load_face(&path, weight))
}

/// The face of `SYSTEM_FAMILY` with the given weight in a font file or collection, mapped from
/// the file (see [`Fonts`]).
fn load_face(path: &Path, weight: FontWeight) -> Option<Font> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the mapping is read-only and lives as long as the font. The files are the
    // distribution's, which package upgrades replace by renaming a new file into place (the
    // mapped inode stays intact); nothing in this process writes them.
    #[expect(unsafe_code, reason = "mapping a system font file read-only")]
    let data = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Font::iter(Bytes::new(data))
        .find(|font| font.info().family == SYSTEM_FAMILY && font.info().variant.weight == weight)
}

/// The standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")).intern()
}

/// The world one notice is compiled in: the template, the notice's data and the fonts.
struct NoticeWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    fonts: &'static Fonts,
}

impl NoticeWorld {
    fn new(doc: &NoticeDoc, fonts: &'static Fonts) -> Result<Self, PdfError> {
        // Line breaks as typed in a browser's textarea (\r\n) become plain newlines.
        let text = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
        let items: Vec<_> = doc
            .items
            .iter()
            .map(|it| {
                json!({
                    "community": text(&it.community),
                    "item": text(&it.item),
                    "text": text(&it.text),
                    "facts": text(&it.facts),
                    "legal_basis": text(&it.legal_basis),
                })
            })
            .collect();
        let data = json!({
            "issuer": text(&doc.issuer),
            "title": text(&doc.title),
            "number": text(&doc.number),
            "addressee": text(&doc.addressee),
            "intro": text(&doc.intro),
            "items": items,
            "deadline": text(&doc.deadline),
            "requirements": text(&doc.requirements),
            "contact": text(&doc.contact),
            "date": text(&doc.date),
            "fonts": fonts.families,
        });
        let data = serde_json::to_vec(&data).map_err(|e| PdfError::Typeset(e.to_string()))?;
        Ok(NoticeWorld {
            main: Source::new(file_id("/notice.typ"), TEMPLATE.to_owned()),
            data_id: file_id("/data.json"),
            data: Bytes::new(data),
            fonts,
        })
    }
}

impl World for NoticeWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NoticeDoc {
        NoticeDoc {
            issuer: "阳城县住房和城乡建设管理局".into(),
            title: "物业服务整改通知书".into(),
            number: "阳住建物整〔2024〕17号".into(),
            addressee: "阳城县安居物业服务有限公司".into(),
            intro: "根据《物业管理条例》《山西省物业管理条例》等有关规定，我局于2024年5月对你公司服务的项目进行了检查，发现存在以下问题："
                .into(),
            items: vec![
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
            ],
            deadline: "2024年6月30日".into(),
            requirements: "整改完成后将整改情况书面报送我局物业管理科。逾期未整改或整改不到位的，我局将依法依规予以处理，并记入企业信用档案。"
                .into(),
            contact: "王明  0356-4221234".into(),
            date: "2024年6月3日".into(),
        }
    }

    /// The PDF's text with all whitespace removed (extractors split CJK runs oddly).
    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts");
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The pages' sizes (MediaBox width and height, in pt); parsing the PDF with lopdf.
    fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
        let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
        doc.get_pages()
            .into_values()
            .map(|mut id| {
                loop {
                    // MediaBox is on the page or inherited from its parents.
                    let dict = doc.get_dictionary(id).expect("a page dictionary");
                    if let Ok(mediabox) = dict.get(b"MediaBox") {
                        let mediabox = doc.dereference(mediabox).unwrap().1.as_array().expect("MediaBox is an array");
                        let n: Vec<f32> = mediabox.iter().map(|v| v.as_float().expect("a number")).collect();
                        break (n[2] - n[0], n[3] - n[1]);
                    }
                    id = dict.get(b"Parent").and_then(|p| p.as_reference()).expect("a MediaBox or a parent");
                }
            })
            .collect()
    }

    /// A4 in pt.
    fn is_a4((w, h): (f32, f32)) -> bool {
        (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn renders_a_pdf() {
        let pdf = render_notice(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let pages = page_sizes(&pdf);
        // The GB/T 9704 head takes a third of the first page: the signature goes to the second.
        assert!(matches!(pages.len(), 1 | 2), "{pages:?}");
        assert!(pages.iter().copied().all(is_a4), "{pages:?}");
        assert!(!text_of(&pdf).is_empty());
    }

    #[test]
    fn the_text_is_in_the_pdf() {
        let doc = sample();
        let start = std::time::Instant::now();
        let pdf = render_notice(&doc).unwrap();
        println!("rendered one notice in {:?} ({} bytes, fonts {:?})", start.elapsed(), pdf.len(), font_families());
        let text = text_of(&pdf);
        for wanted in [
            "阳住建物整〔2024〕17号",
            "阳城县安居物业服务有限公司：",
            "阳城县住房和城乡建设管理局",
            "物业服务整改通知书",
            "请于2024年6月30日前完成整改",
            "依据：《物业管理条例》第三十五条",
            "联系人及电话：王明0356-4221234",
            "2024年6月3日",
            "一、凤城花园小区",
            "二、东关新村",
        ] {
            assert!(text.contains(&squash(wanted)), "{wanted} is missing from {text}");
        }
        for item in &doc.items {
            for part in [&item.community, &item.item, &item.text, &item.facts, &item.legal_basis] {
                assert!(text.contains(&squash(part)), "{part} is missing from {text}");
            }
        }
    }

    #[test]
    fn an_items_full_text_prints_below_its_name_and_before_the_facts() {
        let doc = sample();
        let text = text_of(&render_notice(&doc).unwrap());
        for item in &doc.items {
            let at = |part: &str| text.find(&squash(part)).unwrap_or_else(|| panic!("{part} is missing from {text}"));
            assert!(at(&item.item) < at(&item.text), "{text}");
            assert!(at(&item.text) < at(&item.facts), "{text}");
        }
        // Without a full text the item prints as before: heading, then facts.
        let mut without = doc.clone();
        for item in &mut without.items {
            item.text.clear();
        }
        let text = text_of(&render_notice(&without).unwrap());
        assert!(!text.contains(&squash(&doc.items[0].text)), "{text}");
        assert!(text.contains(&squash("未按合同约定提供保洁服务3号楼、5号楼")), "{text}");
    }

    #[test]
    fn markup_in_the_data_prints_literally() {
        let nasty = r#"#set page(width: 1cm) *x* $y$ [z] \ @w"#;
        let mut doc = sample();
        doc.items[0].facts = nasty.into();
        doc.addressee = "#panic(\"boom\")".into();
        doc.title = "]}) #{ \"".into();
        doc.items[1].community = "<label> = 标题 - 列表 + 一 / 术语: `代码` _强调_ // 注释".into();
        let pdf = render_notice(&doc).unwrap();
        let text = text_of(&pdf);
        for wanted in [nasty, "#panic(\"boom\")：", "]})#{\"", "<label>=标题-列表+一/术语:`代码`_强调_//注释"]
        {
            assert!(text.contains(&squash(wanted)), "{wanted} is missing from {text}");
        }
        // `#set page(width: 1cm)` did not take effect: the pages are A4, as many as without it.
        let pages = page_sizes(&pdf);
        assert!(pages.iter().copied().all(is_a4), "{pages:?}");
        assert_eq!(pages.len(), page_sizes(&render_notice(&sample()).unwrap()).len());
    }

    #[test]
    fn renders_with_the_bundled_fonts_only() {
        let pdf = render_notice_with(&sample(), FontSource::BundledOnly).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        for wanted in ["阳住建物整〔2024〕17号", "阳城县安居物业服务有限公司：", "物业服务整改通知书", "凤城花园小区"]
        {
            assert!(text.contains(wanted), "{wanted} is missing from {text}");
        }
        assert_eq!(FontSource::BundledOnly.fonts().families, ["Noto Serif CJK SC Tongyong"]);
    }

    /// The characters of `s` (whitespace aside) that the bundled Regular or Bold has no glyph for,
    /// by their cmap (typst's coverage of a font is read from it).
    fn not_in_the_bundled_fonts(s: &str) -> Vec<char> {
        let fonts = &FontSource::BundledOnly.fonts().fonts;
        assert_eq!(fonts.len(), 2);
        s.chars()
            .filter(|c| !c.is_whitespace())
            .filter(|&c| fonts.iter().any(|font| !font.info().coverage.contains(c.into())))
            .collect()
    }

    /// The characters that typst laid out as tofu (glyph 0, .notdef: no font had them), in order.
    fn tofu(doc: &NoticeDoc, fonts: FontSource) -> Vec<char> {
        fn walk(frame: &typst::layout::Frame, out: &mut Vec<char>) {
            for (_, item) in frame.items() {
                match item {
                    typst::layout::FrameItem::Group(group) => walk(&group.frame, out),
                    typst::layout::FrameItem::Text(text) => {
                        for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                            out.extend(text.text[glyph.range()].chars());
                        }
                    }
                    _ => {}
                }
            }
        }
        let world = NoticeWorld::new(doc, fonts.fonts()).unwrap();
        let document = typst::compile::<PagedDocument>(&world).output.expect("the notice compiles");
        let mut out = Vec::new();
        for page in document.pages() {
            walk(&page.frame, &mut out);
        }
        out
    }

    #[test]
    fn bundled_fonts_print_names_beyond_gb2312() {
        // 堃 and 喆 are in the 通用规范汉字表 but not in GB 2312.
        let company = "山西堃喆物业服务有限公司";
        let contact = "张堃 13800000000";
        let mut doc = sample();
        doc.addressee = company.into();
        doc.items[0].community = "堃喆苑小区".into();
        doc.contact = contact.into();
        // At least the 8105 hanzi of the table (GB 2312 has 6763).
        for font in &FontSource::BundledOnly.fonts().fonts {
            let hanzi = font
                .info()
                .coverage
                .iter()
                .filter(|c| matches!(c, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF))
                .count();
            assert!(hanzi >= 8105, "{}: {hanzi} hanzi", font.info().family);
        }
        for s in [company, contact, "堃喆苑小区"] {
            assert_eq!(not_in_the_bundled_fonts(s), [] as [char; 0], "{s}");
        }
        assert_eq!(tofu(&doc, FontSource::BundledOnly), [] as [char; 0]);
        let text = text_of(&render_notice_with(&doc, FontSource::BundledOnly).unwrap());
        for wanted in [format!("{company}："), format!("联系人及电话：{contact}"), "一、堃喆苑小区".into()]
        {
            assert!(text.contains(&squash(&wanted)), "{wanted} is missing from {text}");
        }

        // Both checks catch a character outside the subset: 龘 is in Noto Serif CJK SC but in
        // neither table.
        assert_eq!(not_in_the_bundled_fonts("山西龘喆物业"), ['龘']);
        doc.addressee = "山西龘喆物业服务有限公司".into();
        doc.items[0].community = "龘苑".into();
        assert_eq!(tofu(&doc, FontSource::BundledOnly), ['龘', '龘']);
    }

    #[test]
    fn the_signature_and_date_never_stand_alone_on_the_last_page() {
        // One-line items move the end of the text down line by line, past the ends of pages one
        // and two, so the signature block meets every position a page break can take.
        let mut doc = sample();
        let mut page_counts = Vec::new();
        for n in 1..=40 {
            doc.items = (1..=n)
                .map(|i| NoticeItem {
                    community: format!("第{i}号小区"),
                    item: "未公示物业服务收费标准".into(),
                    ..Default::default()
                })
                .collect();
            let pdf = render_notice(&doc).unwrap();
            let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).expect("the PDF's text extracts");
            assert_eq!(pages.len(), page_sizes(&pdf).len());
            page_counts.push(pages.len());
            let last = squash(pages.last().unwrap());
            assert!(last.contains(&squash(&doc.date)), "{n} items: the date is not on the last page: {last}");
            // What the last page holds besides the signature, the date and its page number.
            let number = format!("—{}—", pages.len());
            let rest = last.replace(&squash(&doc.issuer), "").replace(&squash(&doc.date), "").replace(&number, "");
            assert!(
                rest.contains("联系人及电话：") && rest.contains("记入企业信用档案。"),
                "{n} items: the last page has no text before the signature: {last}"
            );
        }
        assert!(page_counts.contains(&1) && page_counts.contains(&3), "{page_counts:?}");
    }

    #[test]
    fn font_families_are_cjk() {
        let families = font_families();
        assert!(families.len() == 1 && families[0].starts_with("Noto Serif CJK SC"), "{families:?}");
        if Path::new("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc").is_file() {
            assert_eq!(families, [SYSTEM_FAMILY]);
        }
    }

    #[test]
    fn many_items_span_pages() {
        let mut doc = sample();
        let template = doc.items[0].clone();
        doc.items = (1..=30).map(|i| NoticeItem { community: format!("第{i}号小区"), ..template.clone() }).collect();
        let pdf = render_notice(&doc).unwrap();
        let pages = page_sizes(&pdf);
        assert!(pages.len() >= 3, "{pages:?}");
        assert!(pages.iter().copied().all(is_a4), "{pages:?}");
        let text = text_of(&pdf);
        for wanted in ["一、第1号小区", "三十、第30号小区", "请于2024年6月30日前完成整改", "2024年6月3日"]
        {
            assert!(text.contains(wanted), "{wanted} is missing from {text}");
        }
    }

    #[test]
    fn no_warnings() {
        for fonts in [FontSource::Auto, FontSource::BundledOnly] {
            let (_, warnings) = render(&sample(), fonts).unwrap();
            assert!(warnings.is_empty(), "{fonts:?}: {warnings:?}");
        }
    }

    #[test]
    fn empty_notice_renders() {
        let pdf = render_notice(&NoticeDoc::default()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
