//! The roles of DOMAIN.md §1 and the scope each account is bound to.

use serde::{Deserialize, Serialize};

/// A platform role. The string form (`as_str`) is shared by database, API and templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 物业服务企业 user: sees only its own company.
    CompanyUser,
    /// 业主委员会 / 物管会 member: sees only its own community.
    CommitteeMember,
    /// 乡镇、街道、居(村)委会 officer: sees its own jurisdiction.
    TownshipOfficer,
    /// 住建局物业管理中心 staff.
    BureauStaff,
    /// 工作小组组长、副组长.
    BureauLeader,
    /// 纪检监察: reads everything in the county, changes nothing.
    DisciplineInspector,
    /// 执法、发改、市场监管、消防救援 and other departments.
    DepartmentUser,
    /// 系统管理员: accounts and configuration, never case content.
    SystemAdmin,
}

impl Role {
    /// Every role an account can hold (residents need no account).
    pub const ALL: [Role; 8] = [
        Role::CompanyUser,
        Role::CommitteeMember,
        Role::TownshipOfficer,
        Role::BureauStaff,
        Role::BureauLeader,
        Role::DisciplineInspector,
        Role::DepartmentUser,
        Role::SystemAdmin,
    ];

    /// Stable string form stored in the database and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CompanyUser => "company_user",
            Role::CommitteeMember => "committee_member",
            Role::TownshipOfficer => "township_officer",
            Role::BureauStaff => "bureau_staff",
            Role::BureauLeader => "bureau_leader",
            Role::DisciplineInspector => "discipline_inspector",
            Role::DepartmentUser => "department_user",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// Parses the stable string form.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Chinese name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::CompanyUser => "物业服务企业",
            Role::CommitteeMember => "业主委员会(物管会)成员",
            Role::TownshipOfficer => "乡镇(街道)工作人员",
            Role::BureauStaff => "住建局工作人员",
            Role::BureauLeader => "工作小组领导",
            Role::DisciplineInspector => "纪检监察",
            Role::DepartmentUser => "相关部门",
            Role::SystemAdmin => "系统管理员",
        }
    }

    /// Which kind of scope an account of this role must carry.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::CompanyUser => ScopeKind::Company,
            Role::CommitteeMember => ScopeKind::Community,
            Role::DepartmentUser => ScopeKind::Department,
            Role::TownshipOfficer
            | Role::BureauStaff
            | Role::BureauLeader
            | Role::DisciplineInspector
            | Role::SystemAdmin => ScopeKind::Jurisdiction,
        }
    }
}

/// The kind of object an account is scoped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Jurisdiction,
    Company,
    Community,
    Department,
}

/// The object an account is bound to: it only ever sees and acts within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// A county or township (and everything below it).
    Jurisdiction(i64),
    /// One property-management company.
    Company(i64),
    /// One community (owners' committee).
    Community(i64),
    /// One department.
    Department(i64),
}

impl Scope {
    /// The kind of this scope.
    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::Jurisdiction(_) => ScopeKind::Jurisdiction,
            Scope::Company(_) => ScopeKind::Company,
            Scope::Community(_) => ScopeKind::Community,
            Scope::Department(_) => ScopeKind::Department,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_string_form() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("resident"), None);
    }
}
