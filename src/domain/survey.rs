//! Satisfaction surveys (满意度测评): the questionnaire's areas, single-use unit codes, scores
//! and results.
//!
//! Every question is answered on five levels, 5 非常满意 … 1 非常不满意. A unit's answer counts
//! as satisfied when its overall rating is 4 or 5; the satisfaction rate is the satisfied share
//! of answers, compared with the configured standard in integers (never floats). Answers carry
//! no unit and no code, so results can only ever be aggregates.

use std::collections::BTreeMap;

use super::rate;

/// Fewest answers for which a community's rates and scores are shown (and compared with the
/// standard): with fewer, one household's answer could be read off the results.
pub const MIN_ANSWERS: u64 = 5;

/// The five levels, best first.
pub const LEVELS: [(i32, &str); 5] = [(5, "非常满意"), (4, "满意"), (3, "一般"), (2, "不满意"), (1, "非常不满意")];

/// The default questionnaire: `code|label` per line.
pub const DEFAULT_AREAS: &str = "cleaning|环境卫生\ngreening|绿化养护\nsecurity|秩序维护与消防安全\nrepairs|共用设施维修\nattitude|服务态度\ndisclosure|信息公开";

/// A rated area: (code, label).
pub fn parse_areas(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (code, label) = line.split_once('|').ok_or_else(|| format!("“{line}”应写作 代码|名称"))?;
        let (code, label) = (code.trim(), label.trim());
        if code.is_empty() || code.len() > 30 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("“{line}”的代码只能由字母、数字、下划线组成"));
        }
        if label.is_empty() || label.chars().count() > 30 {
            return Err(format!("“{line}”的名称应为1至30字"));
        }
        if out.iter().any(|(c, _)| c == code) {
            return Err(format!("代码“{code}”重复"));
        }
        out.push((code.to_string(), label.to_string()));
    }
    if out.is_empty() || out.len() > 20 {
        return Err("请填写1至20个测评项目".into());
    }
    Ok(out)
}

/// Code alphabet: no 0/O, 1/I/L, so codes read off paper are typed right.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A fresh code, `XXXX-XXXX` (31^8 ≈ 8.5 × 10^11 possibilities).
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let c: String = (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("{}-{}", &c[..4], &c[4..])
}

/// A code as typed (any case, spaces or dashes) in its canonical form, if it can be one.
pub fn normalize_code(typed: &str) -> Option<String> {
    let c: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (c.len() == 8 && c.bytes().all(|b| ALPHABET.contains(&b))).then(|| format!("{}-{}", &c[..4], &c[4..]))
}

/// One answer as the arithmetic sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub overall: i32,
    pub scores: BTreeMap<String, i32>,
}

/// Results of one community in one survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    /// Codes handed out (units asked).
    pub issued: u64,
    pub answered: u64,
    pub satisfied: u64,
    /// Per area: (code, sum of scores, answers scoring it).
    pub areas: Vec<(String, i64, u64)>,
    pub overall_sum: i64,
}

impl Results {
    pub fn of(issued: u64, areas: &[(String, String)], answers: &[Answer]) -> Results {
        let areas = areas
            .iter()
            .map(|(code, _)| {
                let s: Vec<i32> = answers.iter().filter_map(|a| a.scores.get(code).copied()).collect();
                (code.clone(), s.iter().map(|v| i64::from(*v)).sum(), s.len() as u64)
            })
            .collect();
        Results {
            issued,
            answered: answers.len() as u64,
            satisfied: answers.iter().filter(|a| a.overall >= 4).count() as u64,
            areas,
            overall_sum: answers.iter().map(|a| i64::from(a.overall)).sum(),
        }
    }

    /// Answers per code handed out, per mille rounded half up (for bars; never compared).
    pub fn response_permille(&self) -> Option<u64> {
        rate::permille(self.answered, self.issued)
    }

    /// Satisfied answers per answer, per mille rounded half up (for bars; the standard is
    /// compared exactly by [`Results::below`]).
    pub fn satisfaction_permille(&self) -> Option<u64> {
        rate::permille(self.satisfied, self.answered)
    }

    /// The response rate as shown: "66.7%" ([`rate::format_rate`]).
    pub fn response_rate(&self) -> String {
        rate::format_rate(self.answered, self.issued)
    }

    /// The satisfaction rate as shown: "66.7%" ([`rate::format_rate`]).
    pub fn satisfaction_rate(&self) -> String {
        rate::format_rate(self.satisfied, self.answered)
    }

    /// Whether there are enough answers to show rates and scores.
    pub fn enough(&self) -> bool {
        self.answered >= MIN_ANSWERS
    }

    /// Whether the satisfaction rate is below `standard_pct` percent (exact: satisfied × 100 <
    /// standard × answered). Without answers there is nothing to compare.
    pub fn below(&self, standard_pct: i32) -> bool {
        self.answered > 0 && (self.satisfied as i128) * 100 < i128::from(standard_pct) * self.answered as i128
    }
}

/// An average score on the five levels, two decimals rounded half up (like rates): (sum, n) →
/// "4.25", (14, 3) → "4.67". Scores are never negative.
pub fn average(sum: i64, n: u64) -> String {
    if n == 0 {
        return "—".into();
    }
    let (sum, n) = (i128::from(sum.max(0)), i128::from(n));
    let hundredths = (2 * sum * 100 + n) / (2 * n);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(overall: i32, cleaning: i32) -> Answer {
        Answer { overall, scores: BTreeMap::from([("cleaning".to_string(), cleaning)]) }
    }

    #[test]
    fn the_default_questionnaire_parses_and_bad_ones_are_refused() {
        let a = parse_areas(DEFAULT_AREAS).unwrap();
        assert_eq!(a.len(), 6);
        assert_eq!(a[0], ("cleaning".into(), "环境卫生".into()));
        assert!(parse_areas("a|甲\na|乙").unwrap_err().contains("重复"));
        assert!(parse_areas("甲乙").is_err());
        assert!(parse_areas("").is_err());
    }

    #[test]
    fn codes_are_typed_forgivingly_and_never_ambiguous() {
        let c = new_code();
        assert_eq!(normalize_code(&c), Some(c.clone()));
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', " ")), Some(c.clone()));
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalize_code("ABCD-EFG0"), None);
        assert_eq!(normalize_code("ABC"), None);
        assert_ne!(new_code(), new_code());
    }

    #[test]
    fn results_compare_with_the_standard_exactly() {
        let areas = vec![("cleaning".to_string(), "环境卫生".to_string())];
        // 4 of 5 satisfied = exactly 80%: not below an 80% standard.
        let answers = vec![answer(5, 5), answer(4, 4), answer(4, 3), answer(5, 4), answer(2, 1)];
        let r = Results::of(10, &areas, &answers);
        assert_eq!((r.answered, r.satisfied), (5, 4));
        assert_eq!(r.response_rate(), "50.0%");
        assert_eq!(r.satisfaction_rate(), "80.0%");
        assert!(!r.below(80));
        assert!(r.below(81));
        assert!(r.enough() && !Results::of(10, &areas, &answers[..4]).enough());
        assert_eq!(average(r.areas[0].1, r.areas[0].2), "3.40");
        let none = Results::of(10, &areas, &[]);
        assert!(!none.below(80), "no answers: nothing to compare");
        assert_eq!(none.satisfaction_rate(), "—");
        // 2 of 3 is shown rounded, 66.7%, and is below a 67% standard (compared exactly).
        let two_of_three = Results::of(3, &areas, &[answer(5, 5), answer(4, 4), answer(1, 1)]);
        assert_eq!(two_of_three.satisfaction_rate(), "66.7%");
        assert_eq!(two_of_three.satisfaction_permille(), Some(667));
        assert!(two_of_three.below(67) && !two_of_three.below(66));
        // 1 of 15 answers: 6.7%, not 6.6%.
        assert_eq!(Results::of(15, &areas, &[answer(5, 5)]).response_rate(), "6.7%");
        // Averages round half up too: 14/3 = 4.666… → 4.67.
        assert_eq!(average(14, 3), "4.67");
        assert_eq!(average(0, 0), "—");
    }
}
