//! Authorization: one function decides whether an actor may perform an action on an object.
//!
//! Every page and API route goes through [`authorize`]; no route decides on its own.
//! Principles (等保2.0 二级): least privilege and separation of duties. The system
//! administrator manages accounts and configuration but reads no case content and no audit
//! trail; the discipline inspector reads everything in the county and changes nothing.

use super::role::{Role, Scope};

/// Who is acting: the account, its role and the object it is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub scope: Scope,
    /// For jurisdiction-scoped accounts: the ids from the root (county or above) down to the
    /// account's own jurisdiction. For other accounts: the jurisdiction path of the scoped
    /// object's county.
    pub jurisdiction_path: Vec<i64>,
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read registry data: jurisdictions, companies, communities, departments, catalog, campaigns.
    ViewRegistry,
    /// Create or change a company record.
    EditCompany,
    /// Create or change a community record.
    EditCommunity,
    /// Import companies and communities from Excel.
    ImportRegistry,
    /// Export companies and communities to Excel.
    ExportRegistry,
    /// Create or change jurisdictions.
    EditJurisdiction,
    /// Create or change departments.
    EditDepartment,
    /// Change the violation catalog.
    EditCatalog,
    /// Create or change campaigns and their phases.
    EditCampaign,
    /// Create accounts, assign roles, reset passwords, lock and unlock.
    ManageAccounts,
    /// Read the audit trail and its verification verdict.
    ReadAudit,
    /// Read complaint and case content (clues, problems, cases), without complainant identities.
    ReadCaseContent,
    /// Triage clues: accept as a problem, merge, reject, forward, extend; take hotline calls.
    TriageComplaint,
    /// See a complainant's name, phone and email in full (each reveal is audited).
    RevealComplainant,
    /// Run cases: open, verify, issue notices, re-inspect, close, decide extensions.
    ManageCase,
    /// Read the cases and notices of one's own company (never who complained).
    ReadCompanyCases,
    /// Answer notices: sign for them, report rectification, ask for more time.
    AnswerNotice,
    /// Decide whether a case is escalated.
    DecideEscalation,
    /// Edit the holiday table (statutory holidays, make-up workdays) deadlines are counted on.
    EditHolidays,
    /// Plan full inspections (排查计划): scope, checklist, due date, assignments.
    PlanInspection,
    /// Carry out an inspection: answer its checklist, add photos, submit it.
    Inspect,
    /// Answer a referral to one's own department: acknowledge it, record handling and result.
    AnswerReferral,
    /// Record the steps of a guided dismissal track (the bureau, and the assigned township).
    TrackDismissal,
    /// Keep the public-revenue ledger of one's own communities (the company).
    KeepRevenueLedger,
    /// Publish and correct the disclosures of one's own communities (the company).
    PublishDisclosure,
    /// Configure what is disclosed and how often, and the satisfaction questionnaires.
    ConfigureChecks,
    /// Record an owners' assembly resolution on common-part business and its income.
    RecordResolution,
    /// Confirm or dispute a published public-revenue statement (the owners' committee).
    ReviewRevenue,
    /// Open satisfaction surveys and read their results.
    RunSurvey,
    /// Register a community's units in a survey and hand out their single-use codes.
    IssueSurveyCodes,
    /// Read a community's owner roster (业主名册), owners masked, and export it.
    ReadRoster,
    /// Keep a community's owner roster: add, change and delete units and owners, import it.
    EditRoster,
    /// Read a community's owners' votes: participation while voting (never a choice), the
    /// result and, after the count, the ballots.
    ReadDecision,
    /// Convene an owners' vote (the committee; the township where there is none).
    ConveneDecision,
    /// Run a vote one convened: hand out codes, enter paper ballots, count, decide objections,
    /// publish the result, ask for an extension.
    RunDecision,
    /// Approve or refuse an extension of a voting period (the township).
    ApproveDecisionExtension,
    /// Read exits and handovers: the bureau and the township within reach, the community's
    /// committee, the leaving and the incoming company.
    ReadExit,
    /// Open and withdraw exits, register contracts, witness the handover record (staff, township).
    ManageExit,
    /// Confirm the receipt of handover items and sign as receiver (the committee; the township
    /// where the community has no committee account; the incoming company when it receives).
    ConfirmHandover,
    /// Declare handover items delivered and sign as the leaving company (never confirm them).
    DeclareHandover,
}

impl Action {
    /// Whether the action changes state (discipline inspectors never may).
    pub fn is_mutation(self) -> bool {
        !matches!(
            self,
            Action::ViewRegistry
                | Action::ExportRegistry
                | Action::ReadAudit
                | Action::ReadCaseContent
                | Action::RevealComplainant
                | Action::ReadRoster
                | Action::ReadDecision
                | Action::ReadExit
        )
    }
}

/// The object acted upon, with what the rule needs to know about where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// A jurisdiction, or everything within it (lists, county-wide pages).
    /// `path`: ids from the root down to the jurisdiction itself.
    Jurisdiction { path: Vec<i64> },
    /// A company registered in the jurisdiction at the end of `path`.
    Company { id: i64, path: Vec<i64> },
    /// A community in the jurisdiction at the end of `path`, managed by `company_id`.
    Community { id: i64, company_id: Option<i64>, path: Vec<i64> },
    /// A department of the jurisdiction at the end of `path`.
    Department { id: i64, path: Vec<i64> },
    /// An account whose scope lies in the jurisdiction at the end of `path`.
    Account { id: i64, path: Vec<i64> },
    /// The violation catalog (public data).
    Catalog,
}

/// Why an action was refused; rendered to people in Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The role never performs this action.
    Role,
    /// The role may, but not on an object outside its scope.
    OutOfScope,
}

/// Decides whether `actor` may perform `action` on `object`.
pub fn authorize(actor: &Actor, action: Action, object: &Object) -> Result<(), Denied> {
    if actor.role == Role::DisciplineInspector && action.is_mutation() {
        return Err(Denied::Role);
    }
    if !role_may(actor.role, action) {
        return Err(Denied::Role);
    }
    if in_scope(actor, action, object) { Ok(()) } else { Err(Denied::OutOfScope) }
}

/// The role × action table, independent of the object (used alone for lists, whose rows are
/// then filtered by scope).
pub fn role_may(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::SystemAdmin => {
            matches!(
                action,
                ViewRegistry | EditJurisdiction | EditDepartment | EditCatalog | ManageAccounts | EditHolidays
            )
        }
        Role::BureauStaff => matches!(
            action,
            ViewRegistry
                | EditCompany
                | EditCommunity
                | ImportRegistry
                | ExportRegistry
                | EditCampaign
                | ReadCaseContent
                | TriageComplaint
                | RevealComplainant
                | ManageCase
                | EditHolidays
                | PlanInspection
                | Inspect
                | TrackDismissal
                | ConfigureChecks
                | RecordResolution
                | RunSurvey
                | IssueSurveyCodes
                | ReadRoster
                | ReadDecision
                | ReadExit
                | ManageExit
        ),
        Role::BureauLeader => {
            matches!(
                action,
                ViewRegistry
                    | ExportRegistry
                    | EditCampaign
                    | ReadAudit
                    | ReadCaseContent
                    | RevealComplainant
                    | DecideEscalation
                    | ReadRoster
                    | ReadDecision
                    | ReadExit
            )
        }
        Role::DisciplineInspector => {
            matches!(
                action,
                ViewRegistry
                    | ExportRegistry
                    | ReadAudit
                    | ReadCaseContent
                    | RevealComplainant
                    | ReadRoster
                    | ReadDecision
                    | ReadExit
            )
        }
        Role::TownshipOfficer => {
            matches!(
                action,
                ViewRegistry
                    | ReadCaseContent
                    | Inspect
                    | TrackDismissal
                    | RunSurvey
                    | IssueSurveyCodes
                    | ReadRoster
                    | EditRoster
                    | ReadDecision
                    | ConveneDecision
                    | RunDecision
                    | ApproveDecisionExtension
                    | ReadExit
                    | ManageExit
                    | ConfirmHandover
            )
        }
        Role::CompanyUser => {
            matches!(
                action,
                ViewRegistry
                    | ReadCompanyCases
                    | AnswerNotice
                    | KeepRevenueLedger
                    | PublishDisclosure
                    | ReadExit
                    | DeclareHandover
                    | ConfirmHandover
            )
        }
        Role::CommitteeMember => {
            matches!(
                action,
                ViewRegistry
                    | RecordResolution
                    | ReviewRevenue
                    | IssueSurveyCodes
                    | ReadRoster
                    | EditRoster
                    | ReadDecision
                    | ConveneDecision
                    | RunDecision
                    | ReadExit
                    | ConfirmHandover
            )
        }
        Role::DepartmentUser => matches!(action, ViewRegistry | AnswerReferral),
    }
}

/// Whether the object lies within the actor's scope.
fn in_scope(actor: &Actor, action: Action, object: &Object) -> bool {
    if matches!(object, Object::Catalog) {
        // The catalog is public; only its editing is restricted, by role.
        return true;
    }
    match actor.scope {
        Scope::Jurisdiction(own) => {
            let path = object_path(object);
            // Within the actor's jurisdiction, or (read only) a county-level object above a
            // township officer, such as a company registered in the county.
            path.contains(&own)
                || (!action.is_mutation()
                    && matches!(object, Object::Company { .. } | Object::Department { .. })
                    && actor.jurisdiction_path.starts_with(path))
        }
        Scope::Company(own) => match object {
            Object::Company { id, .. } => *id == own,
            Object::Community { company_id, .. } => *company_id == Some(own),
            _ => false,
        },
        Scope::Community(own) => matches!(object, Object::Community { id, .. } if *id == own),
        Scope::Department(own) => matches!(object, Object::Department { id, .. } if *id == own),
    }
}

fn object_path(object: &Object) -> &[i64] {
    match object {
        Object::Jurisdiction { path }
        | Object::Company { path, .. }
        | Object::Community { path, .. }
        | Object::Department { path, .. }
        | Object::Account { path, .. } => path,
        Object::Catalog => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    const COUNTY: i64 = 1;
    const TOWN_A: i64 = 2;
    const TOWN_B: i64 = 3;

    fn actor(role: Role, scope: Scope) -> Actor {
        let jurisdiction_path = match scope {
            Scope::Jurisdiction(TOWN_A) => vec![COUNTY, TOWN_A],
            Scope::Jurisdiction(TOWN_B) => vec![COUNTY, TOWN_B],
            _ => vec![COUNTY],
        };
        Actor { user_id: 1, role, scope, jurisdiction_path }
    }

    fn community_in_a() -> Object {
        Object::Community { id: 10, company_id: Some(20), path: vec![COUNTY, TOWN_A] }
    }

    fn company() -> Object {
        Object::Company { id: 20, path: vec![COUNTY] }
    }

    #[test]
    fn role_action_table() {
        let county = Scope::Jurisdiction(COUNTY);
        let cases: Vec<(Role, Scope, Action, Object, bool)> = vec![
            (Role::BureauStaff, county, EditCommunity, community_in_a(), true),
            (Role::BureauStaff, county, PlanInspection, community_in_a(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), Inspect, community_in_a(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B), Inspect, community_in_a(), false),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), PlanInspection, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), Inspect, community_in_a(), false),
            (Role::DisciplineInspector, county, Inspect, community_in_a(), false),
            (Role::DepartmentUser, Scope::Department(7), AnswerReferral, community_in_a(), false),
            (Role::BureauStaff, county, AnswerReferral, community_in_a(), false),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), TrackDismissal, community_in_a(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B), TrackDismissal, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), TrackDismissal, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), KeepRevenueLedger, community_in_a(), true),
            (Role::CompanyUser, Scope::Company(21), KeepRevenueLedger, community_in_a(), false),
            (Role::BureauStaff, county, KeepRevenueLedger, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), PublishDisclosure, community_in_a(), true),
            (Role::CompanyUser, Scope::Company(21), PublishDisclosure, community_in_a(), false),
            (Role::CommitteeMember, Scope::Community(10), PublishDisclosure, community_in_a(), false),
            (Role::CommitteeMember, Scope::Community(10), ReviewRevenue, community_in_a(), true),
            (Role::CommitteeMember, Scope::Community(11), ReviewRevenue, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), ReviewRevenue, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), RecordResolution, community_in_a(), false),
            (Role::CommitteeMember, Scope::Community(10), IssueSurveyCodes, community_in_a(), true),
            (Role::CommitteeMember, Scope::Community(10), RunSurvey, community_in_a(), false),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), RunSurvey, community_in_a(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B), IssueSurveyCodes, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), IssueSurveyCodes, community_in_a(), false),
            (Role::DisciplineInspector, county, RunSurvey, community_in_a(), false),
            (Role::BureauStaff, county, EditCompany, company(), true),
            (Role::BureauStaff, county, ManageAccounts, Object::Account { id: 5, path: vec![COUNTY] }, false),
            (Role::BureauStaff, county, ReadAudit, Object::Jurisdiction { path: vec![COUNTY] }, false),
            (Role::BureauLeader, county, ReadAudit, Object::Jurisdiction { path: vec![COUNTY] }, true),
            (Role::BureauLeader, county, EditCompany, company(), false),
            (Role::DisciplineInspector, county, ReadAudit, Object::Jurisdiction { path: vec![COUNTY] }, true),
            (Role::DisciplineInspector, county, ViewRegistry, community_in_a(), true),
            (Role::DisciplineInspector, county, EditCommunity, community_in_a(), false),
            (Role::DisciplineInspector, county, ManageAccounts, Object::Account { id: 5, path: vec![COUNTY] }, false),
            (Role::SystemAdmin, county, ManageAccounts, Object::Account { id: 5, path: vec![COUNTY] }, true),
            (Role::SystemAdmin, county, EditCatalog, Object::Catalog, true),
            (Role::SystemAdmin, county, ReadCaseContent, Object::Jurisdiction { path: vec![COUNTY] }, false),
            (Role::SystemAdmin, county, ReadAudit, Object::Jurisdiction { path: vec![COUNTY] }, false),
            (Role::SystemAdmin, county, EditCompany, company(), false),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), ViewRegistry, community_in_a(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B), ViewRegistry, community_in_a(), false),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), ViewRegistry, company(), true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_A), EditCommunity, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), ViewRegistry, community_in_a(), true),
            (Role::CompanyUser, Scope::Company(21), ViewRegistry, community_in_a(), false),
            (Role::CompanyUser, Scope::Company(20), ViewRegistry, company(), true),
            (Role::CompanyUser, Scope::Company(20), EditCompany, company(), false),
            (Role::CommitteeMember, Scope::Community(10), ViewRegistry, community_in_a(), true),
            (Role::CommitteeMember, Scope::Community(11), ViewRegistry, community_in_a(), false),
            (
                Role::DepartmentUser,
                Scope::Department(7),
                ViewRegistry,
                Object::Department { id: 7, path: vec![COUNTY] },
                true,
            ),
            (Role::DepartmentUser, Scope::Department(7), ViewRegistry, company(), false),
            (Role::CompanyUser, Scope::Company(20), ViewRegistry, Object::Catalog, true),
            (Role::CompanyUser, Scope::Company(20), EditCatalog, Object::Catalog, false),
        ];
        for (role, scope, action, object, allowed) in cases {
            let got = authorize(&actor(role, scope), action, &object).is_ok();
            assert_eq!(got, allowed, "{role:?} {scope:?} {action:?} {object:?}");
        }
    }

    #[test]
    fn the_roster_is_kept_by_the_committee_and_the_township_and_read_by_the_bureau() {
        let county = Scope::Jurisdiction(COUNTY);
        let town_a = Scope::Jurisdiction(TOWN_A);
        let town_b = Scope::Jurisdiction(TOWN_B);
        for (role, scope, action, allowed) in [
            (Role::CommitteeMember, Scope::Community(10), EditRoster, true),
            (Role::CommitteeMember, Scope::Community(10), ReadRoster, true),
            (Role::CommitteeMember, Scope::Community(11), ReadRoster, false),
            (Role::CommitteeMember, Scope::Community(11), EditRoster, false),
            (Role::TownshipOfficer, town_a, EditRoster, true),
            (Role::TownshipOfficer, town_a, ReadRoster, true),
            (Role::TownshipOfficer, town_b, ReadRoster, false),
            (Role::TownshipOfficer, town_b, EditRoster, false),
            (Role::BureauStaff, county, ReadRoster, true),
            (Role::BureauStaff, county, EditRoster, false),
            (Role::BureauLeader, county, ReadRoster, true),
            (Role::BureauLeader, county, EditRoster, false),
            (Role::DisciplineInspector, county, ReadRoster, true),
            (Role::DisciplineInspector, county, EditRoster, false),
            // the company managing the community never sees its owners
            (Role::CompanyUser, Scope::Company(20), ReadRoster, false),
            (Role::CompanyUser, Scope::Company(20), EditRoster, false),
            (Role::DepartmentUser, Scope::Department(7), ReadRoster, false),
            (Role::SystemAdmin, county, ReadRoster, false),
        ] {
            let got = authorize(&actor(role, scope), action, &community_in_a()).is_ok();
            assert_eq!(got, allowed, "{role:?} {scope:?} {action:?}");
        }
    }

    #[test]
    fn votes_are_run_by_the_committee_or_the_township_read_by_the_bureau_and_never_by_the_company() {
        let county = Scope::Jurisdiction(COUNTY);
        let town_a = Scope::Jurisdiction(TOWN_A);
        for (role, scope, action, allowed) in [
            (Role::CommitteeMember, Scope::Community(10), ConveneDecision, true),
            (Role::CommitteeMember, Scope::Community(10), RunDecision, true),
            (Role::CommitteeMember, Scope::Community(11), ReadDecision, false),
            (Role::CommitteeMember, Scope::Community(10), ApproveDecisionExtension, false),
            (Role::TownshipOfficer, town_a, ConveneDecision, true),
            (Role::TownshipOfficer, town_a, ApproveDecisionExtension, true),
            (Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B), ReadDecision, false),
            // the bureau guides and reads, never convenes
            (Role::BureauStaff, county, ReadDecision, true),
            (Role::BureauStaff, county, ConveneDecision, false),
            (Role::BureauStaff, county, RunDecision, false),
            (Role::BureauLeader, county, ConveneDecision, false),
            (Role::DisciplineInspector, county, ReadDecision, true),
            (Role::DisciplineInspector, county, RunDecision, false),
            (Role::CompanyUser, Scope::Company(20), ReadDecision, false),
            (Role::CompanyUser, Scope::Company(20), RunDecision, false),
            (Role::DepartmentUser, Scope::Department(7), ReadDecision, false),
            (Role::SystemAdmin, county, ReadDecision, false),
        ] {
            let got = authorize(&actor(role, scope), action, &community_in_a()).is_ok();
            assert_eq!(got, allowed, "{role:?} {scope:?} {action:?}");
        }
    }

    #[test]
    fn a_county_actor_cannot_reach_another_county() {
        let other = Object::Community { id: 99, company_id: None, path: vec![42, 43] };
        let staff = actor(Role::BureauStaff, Scope::Jurisdiction(COUNTY));
        assert_eq!(authorize(&staff, EditCommunity, &other), Err(Denied::OutOfScope));
    }

    #[test]
    fn a_township_officer_reads_county_companies_but_not_sibling_townships() {
        let officer = actor(Role::TownshipOfficer, Scope::Jurisdiction(TOWN_B));
        assert!(authorize(&officer, ViewRegistry, &company()).is_ok());
        assert!(authorize(&officer, ViewRegistry, &Object::Jurisdiction { path: vec![COUNTY, TOWN_A] }).is_err());
    }
}
