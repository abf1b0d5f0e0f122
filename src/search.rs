//! Chinese full-text search: jieba segments text into words, stored space-separated beside the
//! row; SQLite's FTS5 and PostgreSQL's `to_tsvector('simple', …)` index those words.

use std::sync::LazyLock;

use jieba_rs::Jieba;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the dictionary now (start-up) rather than on the first request.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// The words of `text` in search mode (long words also yield their shorter parts), lower-case,
/// punctuation and spaces dropped, joined by single spaces.
pub fn segment(text: &str) -> String {
    words(text).join(" ")
}

/// The distinct words of a query.
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in JIEBA.cut_for_search(text, true) {
        let w = w.word.trim().to_lowercase();
        if w.is_empty() || !w.chars().any(char::is_alphanumeric) {
            continue;
        }
        let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_split_into_words() {
        let s = segment("三号楼楼道垃圾一周无人清理！");
        for w in ["楼道", "垃圾", "清理"] {
            assert!(s.split(' ').any(|x| x == w), "{w} in {s}");
        }
        assert!(!s.contains('！'));
        assert_eq!(words("电梯 广告，电梯"), vec!["电梯", "广告"]);
    }
}
