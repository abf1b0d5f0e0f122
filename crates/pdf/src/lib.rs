//! Official documents typeset to PDF with typst, in their own crate so the rest of propwatch
//! rebuilds fast. (Skeleton: the typesetting is being written.)

/// One item of a rectification notice.
#[derive(Debug, Clone, Default)]
pub struct NoticeItem {
    /// The community (小区) concerned.
    pub community: String,
    /// The catalog item's title, e.g. 未按合同约定提供保洁服务.
    pub item: String,
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
pub fn render_notice(_doc: &NoticeDoc) -> Result<Vec<u8>, PdfError> {
    Err(PdfError::Typeset("PDF 排版尚未接入".into()))
}
