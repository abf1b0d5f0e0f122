//! Rectification notices (整改通知书): numbering and who may do what with them.
//!
//! Official documents carry a number of the form 机关代字〔年份〕序号号 (GB/T 9704-2012 §7.2.4:
//! the year in 六角括号 〔〕, the sequence without leading zeros or 第). The pattern is
//! configuration (each bureau has its own 代字); the sequence runs per year and issuing
//! jurisdiction and is never reused.

/// The default pattern, the seed's bureau (阳城县住房和城乡建设管理局).
pub const DEFAULT_PATTERN: &str = "阳住建物整〔{year}〕{seq}号";

/// The number of the `seq`-th notice of `year`.
pub fn number(pattern: &str, year: i32, seq: i32) -> String {
    let pattern = if pattern.contains("{year}") && pattern.contains("{seq}") { pattern } else { DEFAULT_PATTERN };
    pattern.replace("{year}", &year.to_string()).replace("{seq}", &seq.to_string())
}

super::labelled_enum! {
    /// A notice's state.
    pub enum NoticeStatus {
        /// 已下发，待签收
        Issued => ("issued", "待签收"),
        /// 已签收
        Signed => ("signed", "已签收"),
    }
}

impl NoticeStatus {
    /// The Chinese name of a stored form ("未知" for a form this build does not know).
    pub fn label_of(s: &str) -> &'static str {
        Self::parse(s).map(Self::label).unwrap_or("未知")
    }

    /// The company signs for the notice: only an issued notice is signed for, once.
    pub fn sign(self) -> Option<Self> {
        (self == Self::Issued).then_some(Self::Signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_pattern() {
        assert_eq!(number(DEFAULT_PATTERN, 2024, 17), "阳住建物整〔2024〕17号");
        assert_eq!(number("X住建〔{year}〕第{seq}号", 2025, 1), "X住建〔2025〕第1号");
        assert_eq!(number("broken", 2024, 3), "阳住建物整〔2024〕3号", "a pattern without placeholders falls back");
    }

    #[test]
    fn statuses_round_trip_and_only_an_issued_notice_is_signed() {
        let table = [
            (NoticeStatus::Issued, "issued", "待签收", Some(NoticeStatus::Signed)),
            (NoticeStatus::Signed, "signed", "已签收", None),
        ];
        for (status, form, label, signed) in table {
            assert_eq!(status.as_str(), form);
            assert_eq!(NoticeStatus::parse(form), Some(status));
            assert_eq!(status.label(), label);
            assert_eq!(NoticeStatus::label_of(form), label);
            assert_eq!(status.sign(), signed, "{status:?} signed");
        }
        assert_eq!(NoticeStatus::parse("withdrawn"), None);
        assert_eq!(NoticeStatus::label_of("withdrawn"), "未知");
    }
}
