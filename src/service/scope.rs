//! Jurisdiction scope: the jurisdiction tree, the community an actor may act on, and the id lists
//! records keep. A leaf module: every service may use it, it uses none.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::entities::{community, jurisdiction};
use crate::domain::authz::{Action, Object, authorize};

/// The jurisdiction hierarchy, loaded whole (a county has a few dozen rows).
#[derive(Debug, Clone, Default)]
pub struct JurisdictionTree {
    rows: BTreeMap<i64, jurisdiction::Model>,
}

impl JurisdictionTree {
    /// Loads every jurisdiction.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Self, ServiceError> {
        let rows = db::registry::jurisdictions(db).await?.into_iter().map(|j| (j.id, j)).collect();
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

    /// One row.
    pub fn get(&self, id: i64) -> Option<&jurisdiction::Model> {
        self.rows.get(&id)
    }

    /// The name, or "" when unknown.
    pub fn name(&self, id: i64) -> String {
        self.rows.get(&id).map(|j| j.name.clone()).unwrap_or_default()
    }

    /// Rows of a level within `within` (all when `None`), by code.
    pub fn of_level(&self, level: &str, within: Option<i64>) -> Vec<&jurisdiction::Model> {
        self.rows.values().filter(|j| j.level == level && within.is_none_or(|w| self.path(j.id).contains(&w))).collect()
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
    let c = db::registry::community(&deps.db, id).await?.ok_or(ServiceError::NotFound("小区"))?;
    authorize(
        actor,
        action,
        &Object::Community { id: c.id, company_id: c.company_id, path: tree.path(c.township_id) },
    )?;
    Ok((c, tree))
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
