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

/// Declares [`AuditAction`] from one table: a plain action `Variant => ("stored.string", "标签")`,
/// or a step kind `Variant(Kind) => ("noun", "标签前缀")` stored as `noun.<the kind's string>`.
/// Every method is an exhaustive `match` built from the table, so no variant can lack its string.
macro_rules! audit_actions {
    (
        plain {
            $( $(#[$pm:meta])* $plain:ident => ($string:literal, $label:literal), )*
        }
        steps {
            $( $(#[$sm:meta])* $step:ident($kind:ty) => ($noun:literal, $prefix:literal), )*
        }
    ) => {
        /// An audited action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction {
            $( $(#[$pm])* $plain, )*
            $( $(#[$sm])* $step($kind), )*
        }

        impl AuditAction {
            /// The actions without a sub-kind.
            pub const PLAIN: &'static [AuditAction] = &[$(AuditAction::$plain),*];

            /// The string stored in the trail.
            pub fn as_str(self) -> Cow<'static, str> {
                match self {
                    $( AuditAction::$plain => Cow::Borrowed($string), )*
                    $( AuditAction::$step(k) => Cow::Owned(format!("{}.{}", $noun, k.as_str())), )*
                }
            }

            /// The action a stored string names, if any.
            pub fn parse(s: &str) -> Option<AuditAction> {
                if let Some(a) = match s {
                    $( $string => Some(AuditAction::$plain), )*
                    _ => None,
                } {
                    return Some(a);
                }
                let (noun, verb) = s.split_once('.')?;
                $( if noun == $noun { return <$kind>::parse(verb).map(AuditAction::$step); } )*
                None
            }

            /// The Chinese label shown on the audit page.
            pub fn label(self) -> Cow<'static, str> {
                match self {
                    $( AuditAction::$plain => Cow::Borrowed($label), )*
                    $( AuditAction::$step(k) => Cow::Owned(format!("{}：{}", $prefix, k.label())), )*
                }
            }
        }
    };
}

audit_actions! {
    plain {
        // accounts and sessions
        /// 登录（成功或失败，结果见 outcome）
        Login => ("auth.login", "登录"),
        /// 退出登录
        Logout => ("auth.logout", "退出登录"),
        /// 签发接口令牌
        ApiTokenIssue => ("api_token.issue", "签发接口令牌"),
        /// 吊销接口令牌
        ApiTokenRevoke => ("api_token.revoke", "吊销接口令牌"),
        /// 新建账号
        UserCreate => ("user.create", "新建账号"),
        /// 修改账号
        UserUpdate => ("user.update", "修改账号"),
        /// 账号锁定（登录失败次数过多）
        UserLock => ("user.lock", "锁定账号"),
        /// 修改本人密码
        UserChangePassword => ("user.change_password", "修改密码"),
        // registry
        JurisdictionCreate => ("jurisdiction.create", "新建辖区"),
        JurisdictionUpdate => ("jurisdiction.update", "修改辖区"),
        CompanyCreate => ("company.create", "新建物业服务企业"),
        CompanyUpdate => ("company.update", "修改物业服务企业"),
        CommunityCreate => ("community.create", "新建小区"),
        CommunityUpdate => ("community.update", "修改小区"),
        DepartmentCreate => ("department.create", "新建相关部门"),
        DepartmentUpdate => ("department.update", "修改相关部门"),
        CatalogItemCreate => ("catalog_item.create", "新建问题清单事项"),
        CatalogItemUpdate => ("catalog_item.update", "修改问题清单事项"),
        /// 问题清单初始化（种子数据）
        CatalogSeed => ("catalog.seed", "初始化问题清单"),
        CampaignCreate => ("campaign.create", "新建专项行动"),
        ServiceGradeUpdate => ("service_grade.update", "修改服务等级标准"),
        HolidaySave => ("holiday.save", "保存节假日"),
        HolidayDelete => ("holiday.delete", "删除节假日"),
        /// 节假日表初始化
        HolidaysSeed => ("holidays.seed", "初始化节假日表"),
        /// 演示数据初始化
        DemoSeed => ("demo.seed", "初始化演示数据"),
        /// Open311 对接方
        Open311PartnerCreate => ("open311_partner.create", "新建 Open311 对接方"),
        // complaints
        /// 线索登记（任一渠道）
        ComplaintCreate => ("complaint.create", "登记线索"),
        /// 办理期限延长
        ComplaintExtend => ("complaint.extend", "延长办理期限"),
        /// 查看投诉人完整身份信息
        ComplaintRevealIdentity => ("complaint.reveal_identity", "查看投诉人身份"),
        /// 受理的问题
        ProblemCreate => ("problem.create", "受理为问题"),
        // the ledger
        /// 立案（建立台账）
        CaseOpen => ("case.open", "立案"),
        CaseRequestExtension => ("case.request_extension", "申请延期"),
        CaseRefuseExtension => ("case.refuse_extension", "不予延期"),
        CaseProposeEscalation => ("case.propose_escalation", "提请升级处理"),
        CaseDeclineEscalation => ("case.decline_escalation", "不予升级"),
        /// 导出台账
        LedgerExport => ("ledger.export", "导出台账"),
        NoticeIssue => ("notice.issue", "下发整改通知书"),
        NoticeSign => ("notice.sign", "签收整改通知书"),
        /// 通知书逾期未签收（系统）
        NoticeFlagUnsigned => ("notice.flag_unsigned", "通知书逾期未签收"),
        /// 定时扫描（系统）
        ScannerTick => ("scanner.tick", "定时扫描"),
        // inspections
        InspectionPlanCreate => ("inspection_plan.create", "新建排查计划"),
        InspectionAssign => ("inspection.assign", "分派排查任务"),
        InspectionAnswer => ("inspection.answer", "填写排查事项"),
        InspectionPhotos => ("inspection.photos", "上传排查照片"),
        InspectionSubmit => ("inspection.submit", "提交排查"),
        // the escalation ladder
        ReassessmentPropose => ("reassessment.propose", "提请重新核定"),
        ReassessmentApprove => ("reassessment.approve", "批准重新核定"),
        ReassessmentReject => ("reassessment.reject", "不予重新核定"),
        ReferralPropose => ("referral.propose", "提请移送"),
        ReferralApprove => ("referral.approve", "批准移送"),
        ReferralReject => ("referral.reject", "不予移送"),
        ReferralAcknowledge => ("referral.acknowledge", "签收移送"),
        ReferralResult => ("referral.result", "反馈移送处理结果"),
        ReferralRemind => ("referral.remind", "催办移送反馈"),
        DismissalOpen => ("dismissal.open", "启动引导解聘"),
        // publication
        DisclosureConfigure => ("disclosure.configure", "配置公开事项"),
        DisclosurePublish => ("disclosure.publish", "公开信息"),
        DisclosureCorrect => ("disclosure.correct", "更正公开信息"),
        RevenueEntry => ("revenue.entry", "登记公共收益收支"),
        RevenueReverse => ("revenue.reverse", "冲销公共收益记录"),
        RevenueResolution => ("revenue.resolution", "登记业主大会决议"),
        RevenuePublishStatement => ("revenue.publish_statement", "公示季度报表"),
        RevenueReviewStatement => ("revenue.review_statement", "审核季度报表"),
        SurveyQuestionnaire => ("survey.questionnaire", "保存测评问卷"),
        SurveyOpen => ("survey.open", "发起满意度测评"),
        SurveyIssueCodes => ("survey.issue_codes", "生成测评码"),
        SurveyPrintCodes => ("survey.print_codes", "打印测评码"),
        SurveyAnswer => ("survey.answer", "提交测评答卷"),
        // the owner roster
        /// 导入业主名册（替换该小区的名册）
        RosterImport => ("roster.import", "导入业主名册"),
        /// 新增或修改名册中的专有部分及其业主
        RosterUnitSave => ("roster.unit_save", "保存业主名册房屋"),
        /// 删除名册中的专有部分
        RosterUnitDelete => ("roster.unit_delete", "删除业主名册房屋"),
        /// 导出业主名册（含个人信息时）
        RosterExport => ("roster.export", "导出业主名册"),
        /// 登记议事规则中“未参与表决的计入多数票”的条款
        RosterDeemClause => ("roster.deem_clause", "登记议事规则表决条款"),
        // owners' joint decisions
        DecisionConvene => ("decision.convene", "召集业主共同决定"),
        DecisionCancel => ("decision.cancel", "撤销业主共同决定"),
        DecisionIssueCodes => ("decision.issue_codes", "生成表决码"),
        DecisionPrintCodes => ("decision.print_codes", "打印表决码"),
        DecisionHandOver => ("decision.hand_over", "签收表决码"),
        DecisionBallot => ("decision.ballot", "电子表决"),
        DecisionPaperBallot => ("decision.paper_ballot", "录入纸质表决票"),
        DecisionBallotRefused => ("decision.ballot_refused", "重复表决被拒绝"),
        DecisionExtensionRequest => ("decision.extension_request", "申请延长投票期"),
        DecisionExtensionDecide => ("decision.extension_decide", "审批延长投票期"),
        DecisionClose => ("decision.close", "计票并公示初步结果"),
        DecisionObjection => ("decision.objection", "对表决结果提出异议"),
        DecisionObjectionDecide => ("decision.objection_decide", "处理表决异议"),
        DecisionFinalize => ("decision.finalize", "公告最终表决结果"),
        DecisionReadBallots => ("decision.read_ballots", "查阅表决明细"),
        // exit and handover
        ExitOpen => ("exit.open", "启动退出交接"),
        ExitCancel => ("exit.cancel", "撤销退出交接"),
        ExitDeclare => ("exit.declare", "企业申报移交事项"),
        ExitConfirm => ("exit.confirm", "确认移交事项"),
        ExitSign => ("exit.sign", "签署移交清单"),
        ExitComplete => ("exit.complete", "交接完成"),
        ExitOverdue => ("exit.overdue", "逾期未移交立案"),
        ContractRegister => ("contract.register", "登记物业服务合同"),
        ContractInForce => ("contract.in_force", "物业服务合同生效"),
        ContractTakeover => ("contract.takeover_inspection", "记录承接查验"),
        // outgoing mail and messages
        OutboxSent => ("outbox.sent", "消息已发送"),
        OutboxFailed => ("outbox.failed", "消息发送失败"),
    }
    // step kinds, stored as `noun.<kind>`
    steps {
        /// 线索分办：受理、合并、不予受理或转办
        ComplaintTriage(Triage) => ("complaint", "线索分办"),
        /// 案件办理步骤（核实、下发通知、反馈、复查、销号、逾期、升级……）
        CaseStep(CaseEvent) => ("case", "案件办理"),
        DismissalStep(Step) => ("dismissal", "引导解聘"),
        LitigationStep(Litigation) => ("litigation", "诉讼与信用"),
    }
}

impl AuditAction {
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
    use super::AuditAction as A;
    use super::*;
    use crate::domain::case::CaseEvent;

    fn every() -> Vec<AuditAction> {
        let mut all: Vec<AuditAction> = AuditAction::PLAIN.to_vec();
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
