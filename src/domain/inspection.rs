//! Full inspection (全面排查): the answers a checklist item takes, plan scopes, and the rules for
//! submitting an inspection and counting coverage.

use chrono::NaiveDate;
use serde::Serialize;

/// The answer to one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 符合
    Compliant,
    /// 存在问题: becomes a case when the inspection is submitted.
    Problem,
    /// 不适用
    NotApplicable,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Compliant, Answer::Problem, Answer::NotApplicable];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Compliant => "compliant",
            Answer::Problem => "problem",
            Answer::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Compliant => "符合",
            Answer::Problem => "存在问题",
            Answer::NotApplicable => "不适用",
        }
    }
}

super::labelled_enum! {
    /// Where one community's inspection stands.
    pub enum InspectionStatus {
        /// 待排查: the form is open to its inspector.
        Assigned => ("assigned", "待排查"),
        /// 已提交: final; its problems are cases in the ledger.
        Submitted => ("submitted", "已提交"),
    }
}

/// Which communities a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanScope {
    /// Every community of the county.
    County,
    /// Every community of one township.
    Township(i64),
    /// Every community one company manages.
    Company(i64),
}

impl PlanScope {
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<PlanScope> {
        match (kind, id) {
            ("county", _) => Some(PlanScope::County),
            ("township", Some(id)) => Some(PlanScope::Township(id)),
            ("company", Some(id)) => Some(PlanScope::Company(id)),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            PlanScope::County => "county",
            PlanScope::Township(_) => "township",
            PlanScope::Company(_) => "company",
        }
    }

    pub fn id(self) -> Option<i64> {
        match self {
            PlanScope::County => None,
            PlanScope::Township(id) | PlanScope::Company(id) => Some(id),
        }
    }
}

/// Why an inspection cannot be submitted yet: the checklist items still unanswered, and the
/// problem items without a note (a case needs its facts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incomplete {
    pub unanswered: Vec<String>,
    pub problems_without_note: Vec<String>,
}

impl Incomplete {
    pub fn is_empty(&self) -> bool {
        self.unanswered.is_empty() && self.problems_without_note.is_empty()
    }

    /// The refusal in Chinese.
    pub fn message(&self) -> String {
        let mut parts = Vec::new();
        if !self.unanswered.is_empty() {
            parts.push(format!("尚有 {} 项未作答（{}）", self.unanswered.len(), self.unanswered.join("、")));
        }
        if !self.problems_without_note.is_empty() {
            parts.push(format!("存在问题的项目须写明情况（{}）", self.problems_without_note.join("、")));
        }
        format!("排查表不能提交：{}", parts.join("；"))
    }
}

/// Checks that every checklist item is answered and every problem described.
/// `answers`: (code, answer, note) as stored.
pub fn check_complete(checklist: &[String], answers: &[(String, Answer, String)]) -> Incomplete {
    let mut out = Incomplete::default();
    for code in checklist {
        match answers.iter().find(|(c, _, _)| c == code) {
            None => out.unanswered.push(code.clone()),
            Some((_, Answer::Problem, note)) if note.trim().chars().count() < 2 => {
                out.problems_without_note.push(code.clone())
            }
            Some(_) => {}
        }
    }
    out
}

/// Coverage of a set of inspections: communities due, inspected, overdue (due date passed and
/// not inspected).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub due: u64,
    pub inspected: u64,
    pub overdue: u64,
}

impl Coverage {
    /// Adds one inspection of a plan due on `due_on`, as of `today`.
    pub fn add(&mut self, submitted: bool, due_on: NaiveDate, today: NaiveDate) {
        self.due += 1;
        if submitted {
            self.inspected += 1;
        } else if due_on < today {
            self.overdue += 1;
        }
    }

    /// The inspected share as shown: "33.3%" ([`super::rate::format_rate`]; "—" with nothing due).
    pub fn rate(&self) -> String {
        super::rate::format_rate(self.inspected, self.due)
    }

    /// The inspected share per mille rounded half up, for a meter (0 with nothing due).
    pub fn permille(&self) -> u64 {
        super::rate::permille(self.inspected, self.due).unwrap_or(0)
    }
}

/// Parses a checklist ("A1.1,A1.2") into its codes, in order, without duplicates or blanks.
pub fn parse_checklist(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in text.split([',', '，', ' ', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        if !out.iter().any(|c| c == code) {
            out.push(code.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn inspection_statuses_read_back() {
        assert_eq!(InspectionStatus::ALL.len(), 2);
        for s in InspectionStatus::ALL {
            assert_eq!(InspectionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(InspectionStatus::Submitted.as_str(), "submitted");
        assert_eq!(InspectionStatus::parse("done"), None);
    }
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_inspection_is_complete_when_every_item_is_answered_and_problems_described() {
        let list = vec!["A1.1".to_string(), "A1.2".to_string(), "A3.1".to_string()];
        let mut answers = vec![("A1.1".to_string(), Answer::Compliant, String::new())];
        let r = check_complete(&list, &answers);
        assert_eq!(r.unanswered, vec!["A1.2", "A3.1"]);
        assert!(r.message().contains("尚有 2 项未作答"));
        answers.push(("A1.2".into(), Answer::Problem, " ".into()));
        answers.push(("A3.1".into(), Answer::NotApplicable, String::new()));
        let r = check_complete(&list, &answers);
        assert!(r.unanswered.is_empty());
        assert_eq!(r.problems_without_note, vec!["A1.2"]);
        assert!(r.message().contains("存在问题的项目须写明情况"));
        answers[1].2 = "消防栓无水".into();
        assert!(check_complete(&list, &answers).is_empty());
    }

    #[test]
    fn coverage_counts_inspected_and_overdue_as_of_a_day() {
        let mut c = Coverage::default();
        c.add(true, d("2024-06-30"), d("2024-07-01"));
        c.add(false, d("2024-06-30"), d("2024-07-01"));
        c.add(false, d("2024-07-01"), d("2024-07-01"));
        assert_eq!(c, Coverage { due: 3, inspected: 1, overdue: 1 });
        assert_eq!((c.rate(), c.permille()), ("33.3%".to_string(), 333));
        c.add(true, d("2024-06-30"), d("2024-07-01"));
        assert_eq!(c.rate(), "50.0%");
        let two_of_three = Coverage { due: 3, inspected: 2, overdue: 0 };
        assert_eq!((two_of_three.rate(), two_of_three.permille()), ("66.7%".to_string(), 667));
        assert_eq!((Coverage::default().rate(), Coverage::default().permille()), ("—".to_string(), 0));
    }

    #[test]
    fn scopes_and_checklists_parse() {
        assert_eq!(PlanScope::from_parts("township", Some(4)), Some(PlanScope::Township(4)));
        assert_eq!(PlanScope::from_parts("company", None), None);
        assert_eq!(PlanScope::from_parts("county", Some(9)), Some(PlanScope::County));
        assert_eq!(parse_checklist("A1.1, A1.2，A1.1\nB1"), vec!["A1.1", "A1.2", "B1"]);
        assert_eq!(Answer::parse("problem"), Some(Answer::Problem));
        assert_eq!(Answer::parse("x"), None);
    }
}
