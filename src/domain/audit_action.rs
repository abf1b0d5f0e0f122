//! What an audit entry records (等保2.0 安全审计): one variant per state change, access to personal
//! data or login attempt, with the one string form stored in `audit_entries.action` and the
//! Chinese label the audit page shows.
//!
//! The string forms are those the trail has always held (`case.verify`, `notice.issue`, …): a
//! stored entry never changes (the hash chain covers it), so a string form, once written, is kept.

use std::borrow::Cow;

use super::case::CaseEvent;
use super::complaint::Triage;
use super::dismissal::{Litigation, Step};

/// An audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    // accounts and sessions
    /// 登录（成功或失败，结果见 outcome）
    Login,
    /// 退出登录
    Logout,
    /// 签发接口令牌
    ApiTokenIssue,
    /// 吊销接口令牌
    ApiTokenRevoke,
    /// 新建账号
    UserCreate,
    /// 修改账号
    UserUpdate,
    /// 账号锁定（登录失败次数过多）
    UserLock,
    /// 修改本人密码
    UserChangePassword,
    // registry
    JurisdictionCreate,
    JurisdictionUpdate,
    CompanyCreate,
    CompanyUpdate,
    CommunityCreate,
    CommunityUpdate,
    DepartmentCreate,
    DepartmentUpdate,
    CatalogItemCreate,
    CatalogItemUpdate,
    /// 问题清单初始化（种子数据）
    CatalogSeed,
    CampaignCreate,
    ServiceGradeUpdate,
    HolidaySave,
    HolidayDelete,
    /// 节假日表初始化
    HolidaysSeed,
    /// 演示数据初始化
    DemoSeed,
    /// Open311 对接方
    Open311PartnerCreate,
    // complaints
    /// 线索登记（任一渠道）
    ComplaintCreate,
    /// 线索分办：受理、合并、不予受理或转办
    ComplaintTriage(Triage),
    /// 办理期限延长
    ComplaintExtend,
    /// 查看投诉人完整身份信息
    ComplaintRevealIdentity,
    /// 受理的问题
    ProblemCreate,
    // the ledger
    /// 立案（建立台账）
    CaseOpen,
    /// 案件办理步骤（核实、下发通知、反馈、复查、销号、逾期、升级……）
    CaseStep(CaseEvent),
    CaseRequestExtension,
    CaseRefuseExtension,
    CaseProposeEscalation,
    CaseDeclineEscalation,
    /// 导出台账
    LedgerExport,
    NoticeIssue,
    NoticeSign,
    /// 通知书逾期未签收（系统）
    NoticeFlagUnsigned,
    /// 定时扫描（系统）
    ScannerTick,
    // inspections
    InspectionPlanCreate,
    InspectionAssign,
    InspectionAnswer,
    InspectionPhotos,
    InspectionSubmit,
    // the escalation ladder
    ReassessmentPropose,
    ReassessmentApprove,
    ReassessmentReject,
    ReferralPropose,
    ReferralApprove,
    ReferralReject,
    ReferralAcknowledge,
    ReferralResult,
    ReferralRemind,
    DismissalOpen,
    DismissalStep(Step),
    LitigationStep(Litigation),
    // publication
    DisclosureConfigure,
    DisclosurePublish,
    DisclosureCorrect,
    RevenueEntry,
    RevenueReverse,
    RevenueResolution,
    RevenuePublishStatement,
    RevenueReviewStatement,
    SurveyQuestionnaire,
    SurveyOpen,
    SurveyIssueCodes,
    SurveyPrintCodes,
    SurveyAnswer,
    // the owner roster
    /// 导入业主名册（替换该小区的名册）
    RosterImport,
    /// 新增或修改名册中的专有部分及其业主
    RosterUnitSave,
    /// 删除名册中的专有部分
    RosterUnitDelete,
    /// 导出业主名册（含个人信息时）
    RosterExport,
    // outgoing mail and messages
    OutboxSent,
    OutboxFailed,
}

use AuditAction as A;

/// The variants without a sub-kind, with their string form and label: the one table.
const PLAIN: &[(AuditAction, &str, &str)] = &[
    (A::Login, "auth.login", "登录"),
    (A::Logout, "auth.logout", "退出登录"),
    (A::ApiTokenIssue, "api_token.issue", "签发接口令牌"),
    (A::ApiTokenRevoke, "api_token.revoke", "吊销接口令牌"),
    (A::UserCreate, "user.create", "新建账号"),
    (A::UserUpdate, "user.update", "修改账号"),
    (A::UserLock, "user.lock", "锁定账号"),
    (A::UserChangePassword, "user.change_password", "修改密码"),
    (A::JurisdictionCreate, "jurisdiction.create", "新建辖区"),
    (A::JurisdictionUpdate, "jurisdiction.update", "修改辖区"),
    (A::CompanyCreate, "company.create", "新建物业服务企业"),
    (A::CompanyUpdate, "company.update", "修改物业服务企业"),
    (A::CommunityCreate, "community.create", "新建小区"),
    (A::CommunityUpdate, "community.update", "修改小区"),
    (A::DepartmentCreate, "department.create", "新建相关部门"),
    (A::DepartmentUpdate, "department.update", "修改相关部门"),
    (A::CatalogItemCreate, "catalog_item.create", "新建问题清单事项"),
    (A::CatalogItemUpdate, "catalog_item.update", "修改问题清单事项"),
    (A::CatalogSeed, "catalog.seed", "初始化问题清单"),
    (A::CampaignCreate, "campaign.create", "新建专项行动"),
    (A::ServiceGradeUpdate, "service_grade.update", "修改服务等级标准"),
    (A::HolidaySave, "holiday.save", "保存节假日"),
    (A::HolidayDelete, "holiday.delete", "删除节假日"),
    (A::HolidaysSeed, "holidays.seed", "初始化节假日表"),
    (A::DemoSeed, "demo.seed", "初始化演示数据"),
    (A::Open311PartnerCreate, "open311_partner.create", "新建 Open311 对接方"),
    (A::ComplaintCreate, "complaint.create", "登记线索"),
    (A::ComplaintExtend, "complaint.extend", "延长办理期限"),
    (A::ComplaintRevealIdentity, "complaint.reveal_identity", "查看投诉人身份"),
    (A::ProblemCreate, "problem.create", "受理为问题"),
    (A::CaseOpen, "case.open", "立案"),
    (A::CaseRequestExtension, "case.request_extension", "申请延期"),
    (A::CaseRefuseExtension, "case.refuse_extension", "不予延期"),
    (A::CaseProposeEscalation, "case.propose_escalation", "提请升级处理"),
    (A::CaseDeclineEscalation, "case.decline_escalation", "不予升级"),
    (A::LedgerExport, "ledger.export", "导出台账"),
    (A::NoticeIssue, "notice.issue", "下发整改通知书"),
    (A::NoticeSign, "notice.sign", "签收整改通知书"),
    (A::NoticeFlagUnsigned, "notice.flag_unsigned", "通知书逾期未签收"),
    (A::ScannerTick, "scanner.tick", "定时扫描"),
    (A::InspectionPlanCreate, "inspection_plan.create", "新建排查计划"),
    (A::InspectionAssign, "inspection.assign", "分派排查任务"),
    (A::InspectionAnswer, "inspection.answer", "填写排查事项"),
    (A::InspectionPhotos, "inspection.photos", "上传排查照片"),
    (A::InspectionSubmit, "inspection.submit", "提交排查"),
    (A::ReassessmentPropose, "reassessment.propose", "提请重新核定"),
    (A::ReassessmentApprove, "reassessment.approve", "批准重新核定"),
    (A::ReassessmentReject, "reassessment.reject", "不予重新核定"),
    (A::ReferralPropose, "referral.propose", "提请移送"),
    (A::ReferralApprove, "referral.approve", "批准移送"),
    (A::ReferralReject, "referral.reject", "不予移送"),
    (A::ReferralAcknowledge, "referral.acknowledge", "签收移送"),
    (A::ReferralResult, "referral.result", "反馈移送处理结果"),
    (A::ReferralRemind, "referral.remind", "催办移送反馈"),
    (A::DismissalOpen, "dismissal.open", "启动引导解聘"),
    (A::DisclosureConfigure, "disclosure.configure", "配置公开事项"),
    (A::DisclosurePublish, "disclosure.publish", "公开信息"),
    (A::DisclosureCorrect, "disclosure.correct", "更正公开信息"),
    (A::RevenueEntry, "revenue.entry", "登记公共收益收支"),
    (A::RevenueReverse, "revenue.reverse", "冲销公共收益记录"),
    (A::RevenueResolution, "revenue.resolution", "登记业主大会决议"),
    (A::RevenuePublishStatement, "revenue.publish_statement", "公示季度报表"),
    (A::RevenueReviewStatement, "revenue.review_statement", "审核季度报表"),
    (A::SurveyQuestionnaire, "survey.questionnaire", "保存测评问卷"),
    (A::SurveyOpen, "survey.open", "发起满意度测评"),
    (A::SurveyIssueCodes, "survey.issue_codes", "生成测评码"),
    (A::SurveyPrintCodes, "survey.print_codes", "打印测评码"),
    (A::SurveyAnswer, "survey.answer", "提交测评答卷"),
    (A::RosterImport, "roster.import", "导入业主名册"),
    (A::RosterUnitSave, "roster.unit_save", "保存业主名册房屋"),
    (A::RosterUnitDelete, "roster.unit_delete", "删除业主名册房屋"),
    (A::RosterExport, "roster.export", "导出业主名册"),
    (A::OutboxSent, "outbox.sent", "消息已发送"),
    (A::OutboxFailed, "outbox.failed", "消息发送失败"),
];

impl AuditAction {
    /// The string stored in the trail.
    pub fn as_str(self) -> Cow<'static, str> {
        match self {
            A::ComplaintTriage(t) => Cow::Owned(format!("complaint.{}", t.as_str())),
            A::CaseStep(e) => Cow::Owned(format!("case.{}", e.as_str())),
            A::DismissalStep(s) => Cow::Owned(format!("dismissal.{}", s.as_str())),
            A::LitigationStep(l) => Cow::Owned(format!("litigation.{}", l.as_str())),
            plain => Cow::Borrowed(PLAIN.iter().find(|(a, ..)| *a == plain).map(|(_, s, _)| *s).unwrap_or("")),
        }
    }

    /// The action a stored string names, if any.
    pub fn parse(s: &str) -> Option<AuditAction> {
        if let Some((_, a)) = PLAIN.iter().map(|(a, code, _)| (*code, *a)).find(|(code, _)| *code == s) {
            return Some(a);
        }
        let (noun, verb) = s.split_once('.')?;
        match noun {
            "complaint" => Triage::parse(verb).map(A::ComplaintTriage),
            "case" => CaseEvent::parse(verb).map(A::CaseStep),
            "dismissal" => Step::parse(verb).map(A::DismissalStep),
            "litigation" => Litigation::parse(verb).map(A::LitigationStep),
            _ => None,
        }
    }

    /// The Chinese label shown on the audit page.
    pub fn label(self) -> Cow<'static, str> {
        match self {
            A::ComplaintTriage(t) => Cow::Owned(format!("线索分办：{}", t.label())),
            A::CaseStep(e) => Cow::Owned(format!("案件办理：{}", e.label())),
            A::DismissalStep(s) => Cow::Owned(format!("引导解聘：{}", s.label())),
            A::LitigationStep(l) => Cow::Owned(format!("诉讼与信用：{}", l.label())),
            plain => Cow::Borrowed(PLAIN.iter().find(|(a, ..)| *a == plain).map(|(.., l)| *l).unwrap_or("")),
        }
    }

    /// The label of a stored string: the action's, or the string itself when no action names it.
    pub fn label_of(stored: &str) -> Cow<'_, str> {
        match AuditAction::parse(stored) {
            Some(a) => a.label(),
            None => Cow::Borrowed(stored),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::CaseEvent;

    fn every() -> Vec<AuditAction> {
        let mut all: Vec<AuditAction> = PLAIN.iter().map(|(a, ..)| *a).collect();
        all.extend(Triage::ALL.map(A::ComplaintTriage));
        all.extend(CaseEvent::ALL.map(A::CaseStep));
        all.extend(Step::ALL.map(A::DismissalStep));
        all.extend(Litigation::ALL.map(A::LitigationStep));
        all
    }

    #[test]
    fn every_action_has_one_string_and_a_label_and_reads_back() {
        let all = every();
        let mut seen = std::collections::HashSet::new();
        for a in &all {
            let s = a.as_str();
            assert!(!s.is_empty(), "{a:?} has no string form");
            assert!(!a.label().is_empty(), "{a:?} has no label");
            assert!(seen.insert(s.to_string()), "{s} names two actions");
            assert_eq!(AuditAction::parse(&s), Some(*a), "{s}");
        }
    }

    #[test]
    fn the_stored_strings_are_those_the_trail_always_held() {
        for (a, s) in [
            (A::Login, "auth.login"),
            (A::CaseStep(CaseEvent::Verify), "case.verify"),
            (A::CaseStep(CaseEvent::MarkOverdue), "case.mark_overdue"),
            (A::ComplaintTriage(Triage::Reject), "complaint.reject"),
            (A::DismissalStep(Step::NoticeServed), "dismissal.notice_served"),
            (A::LitigationStep(Litigation::Filed), "litigation.filed"),
            (A::NoticeIssue, "notice.issue"),
        ] {
            assert_eq!(a.as_str(), s);
        }
        assert_eq!(AuditAction::parse("case.no_such_step"), None);
        assert_eq!(AuditAction::label_of("legacy.action"), "legacy.action");
        assert_eq!(AuditAction::label_of("notice.sign"), "签收整改通知书");
    }
}
