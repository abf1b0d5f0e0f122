//! Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) and the FixMyStreet-style
//! `servicerequestupdates` extension, so hotline systems (12345) and existing clients can hand
//! clues over and follow them.
//!
//! Privacy: posting and listing need a partner `api_key`, and a partner lists only the requests
//! it posted. Anyone holding a request id (the tracking code) may read that one request's public
//! status. No response ever carries the complainant's name, phone or email, staff names or
//! internal notes.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::complaints::{ComplaintForm, submit_from_partner};
use super::{Ctx, Deps, ServiceError};
use crate::crypto::sm3_hex;
use crate::db;
use crate::db::entities::{complaint, open311_partner};
use crate::domain::audit_action::AuditAction;
use crate::domain::complaint::ComplaintStatus;
use crate::domain::tracking;

/// An Open311 error: HTTP status and description.
#[derive(Debug, Clone)]
pub struct O311Error {
    pub code: u16,
    pub description: String,
}

impl O311Error {
    fn new(code: u16, d: impl Into<String>) -> Self {
        O311Error { code, description: d.into() }
    }
}

impl From<ServiceError> for O311Error {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(f) => O311Error::new(400, f.values().cloned().collect::<Vec<_>>().join("；")),
            ServiceError::NotFound(_) => O311Error::new(404, e.message()),
            ServiceError::Internal(ref inner) => {
                tracing::error!(error = ?inner, "open311 internal error");
                O311Error::new(500, e.message())
            }
            other => O311Error::new(400, other.message()),
        }
    }
}

impl From<sea_orm::DbErr> for O311Error {
    fn from(e: sea_orm::DbErr) -> Self {
        ServiceError::from(e).into()
    }
}

fn datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::clock::shanghai()).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// One service (a catalog item people can report).
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

/// The services: the catalog's active leaf items, with their stable ASCII codes (A1.1 …).
pub async fn services(deps: &Deps) -> Result<Vec<Service>, O311Error> {
    let items = db::catalog::catalog(&deps.db).await?;
    let titles: HashMap<&str, &str> = items.iter().map(|i| (i.code.as_str(), i.title.as_str())).collect();
    Ok(items
        .iter()
        .filter(|i| i.active && !items.iter().any(|o| o.parent_code.as_deref() == Some(i.code.as_str())))
        .map(|i| Service {
            service_code: i.code.clone(),
            service_name: i.title.clone(),
            // The full text of the bureau's notice, then the legal basis.
            description: match (i.description.is_empty(), i.legal_basis.is_empty()) {
                (false, false) => format!("{}（依据：{}）", i.description, i.legal_basis),
                (false, true) => i.description.clone(),
                (true, _) => i.legal_basis.clone(),
            },
            metadata: false,
            kind: "realtime".into(),
            keywords: String::new(),
            group: titles.get(&i.category.as_str()).map(|t| t.to_string()).unwrap_or_default(),
        })
        .collect())
}

/// A service definition (no extra attributes are asked for).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<String>,
}

/// The definition of one service.
pub async fn service_definition(deps: &Deps, code: &str) -> Result<ServiceDefinition, O311Error> {
    if !services(deps).await?.iter().any(|s| s.service_code == code) {
        return Err(O311Error::new(404, format!("service_code {code} 不存在")));
    }
    Ok(ServiceDefinition { service_code: code.to_string(), attributes: Vec::new() })
}

/// The partner holding this key.
pub async fn partner(deps: &Deps, api_key: Option<&str>) -> Result<open311_partner::Model, O311Error> {
    let key = api_key.map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| O311Error::new(403, "缺少 api_key"))?;
    db::open311::active_partner_by_key_hash(&deps.db, &sm3_hex(key.as_bytes()))
        .await?
        .ok_or_else(|| O311Error::new(403, "api_key 无效"))
}

/// Creates a partner; returns its key (shown once).
pub async fn create_partner(deps: &Deps, name: &str) -> Result<String, ServiceError> {
    use rand::RngCore;
    use sea_orm::TransactionTrait;
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    let key = format!("o311_{}", hex::encode(b));
    let now = deps.clock.now();
    let tx = deps.db.begin().await?;
    let p = db::open311::insert_partner(&tx, name.trim(), &sm3_hex(key.as_bytes()), now).await?;
    super::audit::record(
        &tx,
        &Ctx::system(now, "partner create"),
        AuditAction::Open311PartnerCreate,
        "open311_partner",
        p.id,
        super::audit::SUCCESS,
        serde_json::json!({"name": p.name}),
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// The answer to a POST: the request id (our tracking code) right away, so no token is needed.
#[derive(Debug, Clone, Serialize)]
pub struct Posted {
    pub service_request_id: String,
    pub service_notice: String,
    pub account_id: String,
}

/// Posts a request for a partner. Parameters as in the specification.
pub async fn post_request(deps: &Deps, ctx: &Ctx, p: &HashMap<String, String>) -> Result<Vec<Posted>, O311Error> {
    let partner = partner(deps, p.get("api_key").map(String::as_str)).await?;
    let get = |k: &str| p.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let code = get("service_code").ok_or_else(|| O311Error::new(400, "缺少 service_code"))?;
    service_definition(deps, &code).await.map_err(|_| O311Error::new(400, format!("service_code {code} 不存在")))?;
    let (lat, long, address, address_id) = (get("lat"), get("long"), get("address_string"), get("address_id"));
    if lat.is_none() && long.is_none() && address.is_none() && address_id.is_none() {
        return Err(O311Error::new(400, "须提供位置：lat/long、address_string 或 address_id 之一"));
    }
    // address_id is a community code; an address_string naming a community is matched too.
    let mut community = None;
    if let Some(id) = &address_id {
        community = db::communities::community_by_code(&deps.db, id).await?;
        if community.is_none() {
            return Err(O311Error::new(400, format!("address_id {id} 不是已登记的小区编码")));
        }
    } else if let Some(a) = &address {
        let (rows, _) = db::communities::communities(
            &deps.db,
            &db::communities::CommunityFilter { q: Some(a.clone()), ..Default::default() },
            1,
            2,
        )
        .await?;
        if rows.len() == 1 {
            community = rows.into_iter().next();
        }
    }
    let mut description = get("description").unwrap_or_default();
    if community.is_none() {
        let place = address
            .clone()
            .or_else(|| lat.as_ref().map(|la| format!("{la},{}", long.clone().unwrap_or_default())))
            .unwrap_or_default();
        description = format!("{description}\n【位置】{place}");
    }
    let name = [get("last_name"), get("first_name")].into_iter().flatten().collect::<Vec<_>>().join("");
    let form = ComplaintForm {
        community_id: community.as_ref().map(|c| c.id),
        catalog_code: code,
        description,
        name,
        phone: get("phone").unwrap_or_default(),
        email: get("email").unwrap_or_default(),
        ..Default::default()
    };
    let external_ref = get("service_request_id").or_else(|| get("device_id").map(|d| format!("device:{d}")));
    let ctx = Ctx { actor_name: format!("Open311：{}", partner.name), ..ctx.clone() };
    let receipt =
        submit_from_partner(deps, &ctx, partner.id, form, external_ref.map(|r| format!("{}:{r}", partner.id))).await?;
    Ok(vec![Posted {
        service_request_id: receipt.tracking_code,
        service_notice: format!("已收到，将在15日内告知是否受理（截止 {}）", datetime(receipt.acceptance_due)),
        account_id: String::new(),
    }])
}

/// A request as the specification shows it (public information only).
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub service_request_id: String,
    pub status: String,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: String,
    pub service_notice: String,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: String,
    pub address: String,
    pub address_id: String,
    pub zipcode: String,
    pub media_url: String,
}

fn open_or_closed(status: &str) -> &'static str {
    match ComplaintStatus::parse(status) {
        Some(s) if s.finished() => "closed",
        _ => "open",
    }
}

async fn request_view(deps: &Deps, c: complaint::Model, with_description: bool) -> Result<Request, O311Error> {
    let status = ComplaintStatus::parse(&c.status).unwrap_or(ComplaintStatus::Received);
    let services: HashMap<String, String> =
        services(deps).await?.into_iter().map(|s| (s.service_code, s.service_name)).collect();
    let community = match c.community_id {
        Some(id) => db::communities::community(&deps.db, id).await?,
        None => None,
    };
    let code = c.catalog_code.clone().unwrap_or_default();
    let notes = if c.public_answer.is_empty() {
        status.label().to_string()
    } else {
        format!("{}：{}", status.label(), c.public_answer)
    };
    Ok(Request {
        service_request_id: c.tracking_code,
        status: open_or_closed(&c.status).into(),
        status_notes: notes,
        service_name: services.get(&code).cloned().unwrap_or_default(),
        service_code: code,
        description: if with_description { c.description } else { String::new() },
        agency_responsible: deps.settings.office_name.clone(),
        service_notice: String::new(),
        requested_datetime: datetime(c.received_at),
        updated_datetime: datetime(c.updated_at),
        expected_datetime: datetime(c.closure_due.unwrap_or(c.acceptance_due)),
        address: community.as_ref().map(|m| format!("{} {}", m.name, m.address)).unwrap_or_default(),
        address_id: community.map(|m| m.code).unwrap_or_default(),
        zipcode: String::new(),
        media_url: String::new(),
    })
}

/// One request by id (the tracking code), for anyone holding it; the description only for the
/// partner that posted it.
pub async fn get_request(deps: &Deps, id: &str, api_key: Option<&str>) -> Result<Vec<Request>, O311Error> {
    let code = tracking::parse(id).ok_or_else(|| O311Error::new(404, "service_request_id 不存在"))?;
    let c = db::complaints::by_tracking_code(&deps.db, &code)
        .await?
        .ok_or_else(|| O311Error::new(404, "service_request_id 不存在"))?;
    let own = match api_key {
        Some(k) => partner(deps, Some(k)).await.ok().is_some_and(|p| Some(p.id) == c.partner_id),
        None => false,
    };
    Ok(vec![request_view(deps, c, own).await?])
}

fn parse_time(v: Option<&String>, name: &str) -> Result<Option<DateTime<Utc>>, O311Error> {
    v.map(|s| DateTime::parse_from_rfc3339(s.trim()).map(|t| t.to_utc()))
        .transpose()
        .map_err(|_| O311Error::new(400, format!("{name} 应为 W3C 日期时间，如 2024-06-01T00:00:00+08:00")))
}

/// The partner's requests, filtered as the specification says (default: the last 90 days, at
/// most 1000).
pub async fn list_requests(deps: &Deps, p: &HashMap<String, String>) -> Result<Vec<Request>, O311Error> {
    let partner = partner(deps, p.get("api_key").map(String::as_str)).await?;
    let rows = if let Some(ids) = p.get("service_request_id").filter(|s| !s.is_empty()) {
        let codes: Vec<String> = ids.split(',').filter_map(tracking::parse).collect();
        db::complaints::of_partner_with_codes(&deps.db, partner.id, codes).await?
    } else {
        let end = parse_time(p.get("end_date"), "end_date")?.unwrap_or_else(|| deps.clock.now());
        let start = parse_time(p.get("start_date"), "start_date")?.unwrap_or(end - chrono::Duration::days(90));
        let codes = p.get("service_code").filter(|s| !s.is_empty()).map(|c| c.split(',').map(str::to_string).collect());
        db::complaints::of_partner_received_between(&deps.db, partner.id, start, end, codes).await?
    };
    let status = p.get("status").map(String::as_str).filter(|s| !s.is_empty());
    if status.is_some_and(|s| s != "open" && s != "closed") {
        return Err(O311Error::new(400, "status 只能是 open 或 closed"));
    }
    let mut out = Vec::new();
    for c in rows.into_iter().filter(|c| status.is_none_or(|s| open_or_closed(&c.status) == s)).take(1000) {
        out.push(request_view(deps, c, true).await?);
    }
    Ok(out)
}

/// token → request id. Requests get their id at once, so the token is the id.
#[derive(Debug, Clone, Serialize)]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

/// Looks up a token.
pub async fn token(deps: &Deps, token: &str) -> Result<Vec<TokenAnswer>, O311Error> {
    let r = get_request(deps, token, None).await?;
    Ok(r.into_iter()
        .map(|r| TokenAnswer { token: token.to_string(), service_request_id: r.service_request_id })
        .collect())
}

/// One update of the servicerequestupdates extension.
#[derive(Debug, Clone, Serialize)]
pub struct RequestUpdate {
    pub update_id: String,
    pub service_request_id: String,
    pub status: String,
    pub updated_datetime: String,
    pub description: String,
    pub media_url: String,
}

/// The public timeline lines of the partner's requests in a time window.
pub async fn updates(deps: &Deps, p: &HashMap<String, String>) -> Result<Vec<RequestUpdate>, O311Error> {
    let partner = partner(deps, p.get("api_key").map(String::as_str)).await?;
    let end = parse_time(p.get("end_date"), "end_date")?.unwrap_or_else(|| deps.clock.now());
    let start = parse_time(p.get("start_date"), "start_date")?.unwrap_or(end - chrono::Duration::days(1));
    let mine: HashMap<i64, complaint::Model> =
        db::complaints::of_partner(&deps.db, partner.id).await?.into_iter().map(|c| (c.id, c)).collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let events = db::complaints::public_events_between(&deps.db, mine.keys().copied().collect(), start, end).await?;
    Ok(events
        .into_iter()
        .filter_map(|e| {
            let c = mine.get(&e.complaint_id)?;
            Some(RequestUpdate {
                update_id: e.id.to_string(),
                service_request_id: c.tracking_code.clone(),
                status: open_or_closed(&c.status).into(),
                updated_datetime: datetime(e.created_at),
                description: e.public_text,
                media_url: String::new(),
            })
        })
        .collect())
}
