//! Jurisdiction scope: the jurisdiction tree, the community an actor may act on, which companies
//! and communities a list shows (the reach of the actor's scope), and the id lists records keep.
//! A leaf module: every service may use it, it uses none.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::communities::CommunityFilter;
use crate::db::companies::CompanyFilter;
use crate::db::entities::{community, company, jurisdiction};
use crate::domain::authz::{Action, Actor, Denied, Object, authorize};
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::Scope;

/// The jurisdiction hierarchy, loaded whole (a county has a few dozen rows).
#[derive(Debug, Clone, Default)]
pub struct JurisdictionTree {
    rows: BTreeMap<i64, jurisdiction::Model>,
}

/// The name of the signed-in actor's scope (the home page's heading): their jurisdiction, or for
/// a company or a committee the last jurisdiction of their path.
pub async fn scope_name(deps: &Deps, ctx: &Ctx) -> Result<String, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    Ok(match actor.scope {
        Scope::Jurisdiction(j) => tree.name(j),
        _ => actor.jurisdiction_path.last().map(|j| tree.name(*j)).unwrap_or_default(),
    })
}

impl JurisdictionTree {
    /// Loads every jurisdiction.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Self, ServiceError> {
        let rows = db::jurisdictions::jurisdictions(db).await?.into_iter().map(|j| (j.id, j)).collect();
        Ok(JurisdictionTree { rows })
    }

    /// Ids from the root down to `id` (empty when unknown).
    pub fn path(&self, id: i64) -> Vec<i64> {
        let mut path = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let Some(row) = self.rows.get(&c) else { break };
            if path.contains(&c) {
                break;
            }
            path.push(c);
            cur = row.parent_id;
        }
        path.reverse();
        path
    }

    /// `id` and every jurisdiction below it.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        self.rows.keys().copied().filter(|&j| self.path(j).contains(&id)).collect()
    }

    /// The level of a jurisdiction.
    pub fn level_of(&self, id: i64) -> Option<JurisdictionLevel> {
        self.rows.get(&id).and_then(|j| JurisdictionLevel::parse(&j.level))
    }

    /// What a reader scoped to jurisdiction `id` sees: everything (`None`) from the county, else
    /// the jurisdiction and what lies below it.
    pub fn reach_of(&self, id: i64) -> Option<Vec<i64>> {
        if self.level_of(id) == Some(JurisdictionLevel::County) { None } else { Some(self.subtree(id)) }
    }

    /// One row.
    pub fn get(&self, id: i64) -> Option<&jurisdiction::Model> {
        self.rows.get(&id)
    }

    /// The name, or "" when unknown.
    pub fn name(&self, id: i64) -> String {
        self.rows.get(&id).map(|j| j.name.clone()).unwrap_or_default()
    }

    /// Rows of a level within `within` (all when `None`), by code.
    pub fn of_level(&self, level: JurisdictionLevel, within: Option<i64>) -> Vec<&jurisdiction::Model> {
        self.rows
            .values()
            .filter(|j| j.level == level.as_str() && within.is_none_or(|w| self.path(j.id).contains(&w)))
            .collect()
    }

    /// Every row, by code.
    pub fn all(&self) -> Vec<&jurisdiction::Model> {
        let mut v: Vec<_> = self.rows.values().collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// The township (or the jurisdiction itself) by name.
    pub fn by_name(&self, name: &str) -> Option<&jurisdiction::Model> {
        self.rows.values().find(|j| j.name == name.trim())
    }
}

/// A community the actor may perform `action` on, with the jurisdiction tree it was checked
/// against.
pub async fn community_in_reach(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<(community::Model, JurisdictionTree), ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::communities::community(&deps.db, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(actor, action, &community_object(&tree, &c))?;
    Ok((c, tree))
}

/// A company as the authorization table sees it: its id and its jurisdiction's path.
pub fn company_object(tree: &JurisdictionTree, c: &company::Model) -> Object {
    Object::Company { id: c.id, path: tree.path(c.jurisdiction_id) }
}

/// A community as the authorization table sees it: its id, its company and its township's path.
pub fn community_object(tree: &JurisdictionTree, c: &community::Model) -> Object {
    Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) }
}

/// The filter on companies that the actor's scope allows.
pub async fn company_reach<C: ConnectionTrait>(
    db: &C,
    tree: &JurisdictionTree,
    actor: &Actor,
) -> Result<CompanyFilter, ServiceError> {
    if !crate::domain::authz::role_may(actor.role, Action::ViewRegistry) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok(match actor.scope {
        Scope::Jurisdiction(j) => {
            let mut ids = tree.subtree(j);
            ids.extend(actor.jurisdiction_path.iter().copied());
            CompanyFilter { jurisdiction_ids: Some(ids), ..Default::default() }
        }
        Scope::Company(c) => CompanyFilter { ids: Some(vec![c]), ..Default::default() },
        Scope::Community(m) => {
            let company = db::communities::community(db, m).await?.and_then(|c| c.company_id);
            CompanyFilter { ids: Some(company.into_iter().collect()), ..Default::default() }
        }
        Scope::Department(_) => return Err(ServiceError::Forbidden(Denied::OutOfScope)),
    })
}

/// The filter on communities that the actor's scope allows.
pub fn community_reach(tree: &JurisdictionTree, actor: &Actor) -> Result<CommunityFilter, ServiceError> {
    if !crate::domain::authz::role_may(actor.role, Action::ViewRegistry) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    Ok(match actor.scope {
        Scope::Jurisdiction(j) => CommunityFilter { township_ids: Some(tree.subtree(j)), ..Default::default() },
        Scope::Company(c) => CommunityFilter { company_id: Some(c), ..Default::default() },
        Scope::Community(m) => CommunityFilter { community_id: Some(m), ..Default::default() },
        Scope::Department(_) => return Err(ServiceError::Forbidden(Denied::OutOfScope)),
    })
}

/// Ids kept as comma-separated text ("3,17,42"): the cases a proposal, a referral or a track
/// rests on.
pub fn parse_ids(text: &str) -> Vec<i64> {
    text.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

/// The text form of [`parse_ids`].
pub fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
