//! Complaint intake and triage: every channel ends here.
//!
//! Complainant identities (信访工作条例第三十条, 个人信息保护法第五十一条) are sealed with SM4-GCM
//! on the way in, shown masked to staff, revealed in full only to roles allowed to contact the
//! complainant (each reveal audited), and never part of any view a company user or the public
//! can reach: the public and company views are separate types that carry no identity fields.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::photos::process_photos;
use super::rule_code::RuleCode;
use super::scope::JurisdictionTree;
use super::{Ctx, Deps, Page, ServiceError};
use crate::db;
use crate::db::complaints::InboxFilter;
use crate::db::complaints::{NewEvent, NewProblem, ProblemLink, Triaged};
use crate::db::entities::complaint;
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, Actor, Denied, Object, authorize, role_may};
use crate::domain::case::CaseStatus;
use crate::domain::complaint::{
    self as rule, Channel, ComplaintStatus, Due, ProblemStatus, Triage, mask_email, mask_name, mask_phone,
};
use crate::domain::registry::FieldErrors;
use crate::domain::registry::JurisdictionLevel;
use crate::domain::role::Scope;
use crate::domain::timeline::{EventKind, public_status};
use crate::domain::tracking;

/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 2000;

/// What a complainant (or an operator, or a partner system) submits.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ComplaintForm {
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub community_id: Option<i64>,
    /// A catalog item code such as `A1.1`.
    #[serde(default)]
    pub catalog_code: String,
    #[serde(default)]
    pub description: String,
    /// "on"/"true": stay anonymous (name, phone and email are then not stored).
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// "on"/"true": the complainant has read the personal-data notice.
    #[serde(default)]
    pub consent: Option<String>,
}

fn truthy(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("on" | "true" | "1" | "yes"))
}

/// A clue as parsed from a form.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    community_id: Option<i64>,
    catalog_code: Option<String>,
    description: String,
    anonymous: bool,
    name: String,
    phone: String,
    email: String,
}

fn parse(form: ComplaintForm, require_consent: bool, require_community: bool) -> Result<NewComplaint, FieldErrors> {
    let mut e = FieldErrors::new();
    if require_community && form.community_id.is_none() {
        e.insert("community_id".into(), "请选择问题所在的小区".into());
    }
    let description = form.description.trim().to_string();
    let len = description.chars().count();
    if len < 5 {
        e.insert("description".into(), "请描述问题（至少5个字）".into());
    } else if len > MAX_DESCRIPTION {
        e.insert("description".into(), format!("问题描述不能超过{MAX_DESCRIPTION}字"));
    }
    let anonymous = truthy(&form.anonymous);
    let (name, phone, email) = if anonymous {
        (String::new(), String::new(), String::new())
    } else {
        (form.name.trim().to_string(), form.phone.trim().to_string(), form.email.trim().to_string())
    };
    if name.chars().count() > 50 {
        e.insert("name".into(), "姓名不能超过50字".into());
    }
    if !phone.is_empty() && !(7..=20).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        e.insert("phone".into(), "请填写正确的电话号码（7至20位数字）".into());
    }
    if !email.is_empty() && (email.len() > 200 || !email.contains('@') || email.contains(char::is_whitespace)) {
        e.insert("email".into(), "请填写正确的电子邮箱".into());
    }
    if require_consent && !truthy(&form.consent) {
        e.insert("consent".into(), "请阅读并同意个人信息处理说明".into());
    }
    let catalog_code = Some(form.catalog_code.trim().to_string()).filter(|s| !s.is_empty());
    if e.is_empty() {
        Ok(NewComplaint { community_id: form.community_id, catalog_code, description, anonymous, name, phone, email })
    } else {
        Err(e)
    }
}

/// The receipt given to the complainant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub tracking_code: String,
    pub acceptance_due: DateTime<Utc>,
}

/// Files a clue without photos; see [`submit_with_photos`].
pub async fn submit(
    deps: &Deps,
    ctx: &Ctx,
    channel: Channel,
    form: ComplaintForm,
    external_ref: Option<String>,
) -> Result<Receipt, ServiceError> {
    submit_with_photos(deps, ctx, channel, form, external_ref, Vec::new()).await
}

/// Files a clue from any channel, with up to six photos (raw uploads; checked and re-encoded
/// here). Phone calls record the staff member taking them. `external_ref`: the channel's own id
/// (Message-ID, partner request id); a second submission with the same reference returns the
/// first receipt instead of a duplicate.
pub async fn submit_with_photos(
    deps: &Deps,
    ctx: &Ctx,
    channel: Channel,
    form: ComplaintForm,
    external_ref: Option<String>,
    photos: Vec<Vec<u8>>,
) -> Result<Receipt, ServiceError> {
    submit_inner(deps, ctx, channel, form, photos, Origin { external_ref, ..Default::default() }).await
}

/// Files a clue that came by email; `receipt` queues the reply with the tracking code in the
/// same transaction as the clue.
pub async fn submit_email(
    deps: &Deps,
    ctx: &Ctx,
    form: ComplaintForm,
    message_ref: String,
    photos: Vec<Vec<u8>>,
    receipt: Option<super::outbox::ReceiptMail>,
) -> Result<Receipt, ServiceError> {
    let origin = Origin { external_ref: Some(message_ref), partner_id: None, receipt_mail: receipt };
    submit_inner(deps, ctx, Channel::Email, form, photos, origin).await
}

/// Files a clue posted by an Open311 partner system (its own request id as the reference).
pub async fn submit_from_partner(
    deps: &Deps,
    ctx: &Ctx,
    partner_id: i64,
    form: ComplaintForm,
    external_ref: Option<String>,
) -> Result<Receipt, ServiceError> {
    let origin = Origin { external_ref, partner_id: Some(partner_id), receipt_mail: None };
    submit_inner(deps, ctx, Channel::Open311, form, Vec::new(), origin).await
}

/// Files a problem the system's own checks found (late disclosure, public revenue,
/// satisfaction) into the staff inbox as a clue in triage, with its evidence as the description
/// and the catalog item proposed; once per `key` (the check and its period). Returns whether it
/// is new. No complainant: nobody's identity is involved.
pub async fn submit_finding(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
    catalog_code: &str,
    evidence: &str,
    key: &str,
) -> Result<bool, ServiceError> {
    if db::complaints::by_external_ref(&deps.db, Channel::System.as_str(), key).await?.is_some() {
        return Ok(false);
    }
    let form = ComplaintForm {
        community_id: Some(community_id),
        catalog_code: catalog_code.into(),
        description: evidence.chars().take(MAX_DESCRIPTION).collect(),
        anonymous: Some("on".into()),
        ..Default::default()
    };
    let origin = Origin { external_ref: Some(key.into()), ..Default::default() };
    submit_inner(deps, ctx, Channel::System, form, Vec::new(), origin).await?;
    Ok(true)
}

/// Where a submission came from, beyond its channel.
#[derive(Debug, Default)]
struct Origin {
    /// The sender's own reference (email Message-ID, partner request id): makes it idempotent.
    external_ref: Option<String>,
    partner_id: Option<i64>,
    /// The reply to queue with the tracking code.
    receipt_mail: Option<super::outbox::ReceiptMail>,
}

async fn submit_inner(
    deps: &Deps,
    ctx: &Ctx,
    channel: Channel,
    form: ComplaintForm,
    photos: Vec<Vec<u8>>,
    origin: Origin,
) -> Result<Receipt, ServiceError> {
    let Origin { external_ref, partner_id, receipt_mail } = origin;
    let operator = match channel {
        Channel::Phone => {
            let actor = ctx.actor()?;
            if !role_may(actor.role, Action::TriageComplaint) {
                return Err(ServiceError::Forbidden(Denied::Role));
            }
            Some(actor.user_id)
        }
        _ => None,
    };
    // The reference column is bounded: a long reference is kept as its digest.
    let external_ref =
        external_ref.map(|r| if r.len() > 150 { format!("sm3:{}", crate::crypto::sm3_hex(r.as_bytes())) } else { r });
    let require_consent = matches!(channel, Channel::Web | Channel::Qr | Channel::Api);
    let require_community = matches!(channel, Channel::Web | Channel::Qr);
    let parsed = parse(form, require_consent, require_community);
    let processed = process_photos(photos).await;
    let (new, processed) = match (parsed, processed) {
        (Ok(n), Ok(p)) => (n, p),
        (parsed, processed) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(e) = processed {
                errors.insert("photos".into(), e);
            }
            return Err(ServiceError::Invalid(errors));
        }
    };
    let seal = |v: &str| (!v.is_empty()).then(|| deps.cipher.seal(v));
    let prepared = Prepared {
        ctx: ctx.clone(),
        channel,
        name_sealed: seal(&new.name),
        phone_sealed: seal(&new.phone),
        email_sealed: seal(&new.email),
        phone_index: (!new.phone.is_empty()).then(|| deps.cipher.blind_index(&new.phone)),
        description_words: crate::search::segment(&new.description),
        new,
        photos: processed,
        external_ref,
        partner_id,
        operator,
        receipt_mail,
    };
    deps.intake.submit(prepared).await
}

/// A submission checked and sealed, waiting for the intake writer.
#[derive(Debug)]
pub struct Prepared {
    ctx: Ctx,
    channel: Channel,
    new: NewComplaint,
    name_sealed: Option<String>,
    phone_sealed: Option<String>,
    email_sealed: Option<String>,
    phone_index: Option<String>,
    /// jieba's words of the description, segmented before queueing (the writer is serial).
    description_words: String,
    /// The photos, checked and re-encoded; the writer stores them with the clue.
    photos: Vec<super::photos::Processed>,
    external_ref: Option<String>,
    partner_id: Option<i64>,
    operator: Option<i64>,
    /// The reply to queue with the tracking code (email clues, when SMTP is configured).
    receipt_mail: Option<super::outbox::ReceiptMail>,
}

/// What the intake writer answers for one submission: its receipt and the audit record to
/// chain (none when it repeats an earlier submission), or why it was refused.
pub(crate) type Written = Result<(Receipt, Option<crate::domain::audit::AuditRecord>), ServiceError>;

/// Writes a group of prepared submissions inside the writer's transaction with a fixed number
/// of statements (lookups, one multi-row insert per table), whatever the group's size.
/// Submissions that fail validation get their error; an `Err` means the group must be retried
/// one by one (a unique index refused something).
pub(crate) async fn insert_batch<C: ConnectionTrait>(tx: &C, jobs: &[&Prepared]) -> Result<Vec<Written>, ServiceError> {
    let ids: Vec<i64> = jobs.iter().filter_map(|p| p.new.community_id).collect();
    let communities: HashMap<i64, crate::db::entities::community::Model> =
        db::communities::communities_by_ids(tx, ids).await?.into_iter().map(|c| (c.id, c)).collect();
    let catalog: HashMap<String, String> =
        db::catalog::catalog(tx).await?.into_iter().filter(|i| i.active).map(|i| (i.code, i.title)).collect();
    let cal = super::holidays::calendar(tx).await?;
    let mut out: Vec<Option<Written>> = Vec::with_capacity(jobs.len());
    let mut name_words: HashMap<(Option<i64>, Option<String>), String> = HashMap::new();
    let mut rows = Vec::new();
    // Per new row: (index in jobs, tracking code).
    let mut fresh: Vec<(usize, String)> = Vec::new();
    for (i, p) in jobs.iter().enumerate() {
        let new = &p.new;
        if let Some(r) = &p.external_ref
            && let Some(existing) = db::complaints::by_external_ref(tx, p.channel.as_str(), r).await?
        {
            let receipt = Receipt {
                id: existing.id,
                tracking_code: existing.tracking_code,
                acceptance_due: existing.acceptance_due,
            };
            out.push(Some(Ok((receipt, None))));
            continue;
        }
        let mut errors = FieldErrors::new();
        let community = new.community_id.and_then(|id| communities.get(&id));
        if new.community_id.is_some() && community.is_none() {
            errors.insert("community_id".into(), "所选小区不存在".into());
        }
        let catalog_title = match &new.catalog_code {
            Some(code) => match catalog.get(code) {
                Some(t) => t.clone(),
                None => {
                    errors.insert("catalog_code".into(), "所选问题类别不存在".into());
                    String::new()
                }
            },
            None => String::new(),
        };
        if !errors.is_empty() {
            out.push(Some(Err(ServiceError::Invalid(errors))));
            continue;
        }
        let now = p.ctx.now;
        // 60 random bits: a collision is practically impossible; the unique index would refuse
        // it and the group would be retried one by one with new codes.
        let code = tracking::generate();
        rows.push(db::complaints::NewComplaint {
            tracking_code: code.clone(),
            channel: p.channel.as_str(),
            community_id: community.map(|c| c.id),
            company_id: community.and_then(|c| c.company_id),
            township_id: community.map(|c| c.township_id),
            catalog_code: new.catalog_code.clone(),
            description: new.description.clone(),
            anonymous: new.anonymous,
            name_sealed: p.name_sealed.clone(),
            phone_sealed: p.phone_sealed.clone(),
            email_sealed: p.email_sealed.clone(),
            phone_index: p.phone_index.clone(),
            operator_user_id: p.operator,
            partner_id: p.partner_id,
            external_ref: p.external_ref.clone(),
            // The description was segmented by the submitting request; only the (few, short)
            // place and item names are segmented here, once per group.
            search_text: {
                let key = (new.community_id, new.catalog_code.clone());
                let names = name_words.entry(key).or_insert_with(|| {
                    crate::search::segment(&format!(
                        "{} {catalog_title}",
                        community.map(|c| c.name.as_str()).unwrap_or("")
                    ))
                });
                format!("{} {names}", p.description_words)
            },
            received_at: now,
            acceptance_due: rule::acceptance_due(now, &cal),
        });
        fresh.push((i, code));
        out.push(None);
    }
    if !rows.is_empty() {
        // RETURNING gives back the ids (one round trip per chunk, no reading back).
        let stored: HashMap<String, complaint::Model> = db::complaints::insert_received(tx, rows)
            .await?
            .into_iter()
            .map(|m| (m.tracking_code.clone(), m))
            .collect();
        let mut events = Vec::with_capacity(fresh.len());
        let mut photos = Vec::new();
        let mut blobs = Vec::new();
        let mut outbox = Vec::new();
        for (i, code) in &fresh {
            let p = jobs[*i];
            let m = stored.get(code).ok_or_else(|| anyhow::anyhow!("inserted clue {code} not found"))?;
            events.push(NewEvent {
                complaint_id: m.id,
                kind: EventKind::Received.as_str().into(),
                public_text: format!(
                    "已收到您通过{}提交的投诉举报，将在{}日内告知是否受理。",
                    p.channel.label(),
                    rule::ACCEPTANCE_DAYS
                ),
                internal_note: String::new(),
                actor_user_id: p.operator,
                created_at: p.ctx.now,
            });
            for photo in &p.photos {
                blobs.push((photo, p.ctx.now));
                photos.push(db::complaints::NewPhoto {
                    complaint_id: m.id,
                    digest: photo.digest.clone(),
                    byte_size: photo.jpeg.len() as i64,
                    width: photo.width as i32,
                    height: photo.height as i32,
                    created_at: p.ctx.now,
                });
            }
            // The audit summary names the channel and place, never the complainant.
            let summary = json!({"channel": p.channel.as_str(), "community_id": m.community_id, "catalog_code": m.catalog_code, "anonymous": m.anonymous, "photos": p.photos.len()});
            let record =
                super::audit::entry(&p.ctx, AuditAction::ComplaintCreate, "complaint", m.id, SUCCESS, &summary)?;
            if let (Some(mail), Some(to)) = (&p.receipt_mail, &p.email_sealed) {
                let (subject, body) = mail.compose(code, m.acceptance_due);
                outbox.push(db::mail::NewMessage {
                    dedupe_key: format!("complaint_receipt:{}", m.id),
                    channel: "email",
                    kind: "complaint_receipt".into(),
                    recipient_sealed: to.clone(),
                    subject,
                    body,
                    in_reply_to: mail.in_reply_to.clone(),
                    complaint_id: Some(m.id),
                    at: p.ctx.now,
                });
            }
            let receipt = Receipt { id: m.id, tracking_code: code.clone(), acceptance_due: m.acceptance_due };
            out[*i] = Some(Ok((receipt, Some(record))));
        }
        db::complaints::insert_events(tx, events).await?;
        // The photos' bytes in the same transaction as the rows that name them.
        for (photo, at) in blobs {
            super::photos::store(tx, photo, at).await?;
        }
        db::complaints::insert_photos(tx, photos).await?;
        db::mail::enqueue(tx, outbox).await?;
    }
    Ok(out.into_iter().map(|o| o.expect("every submission answered")).collect())
}

/// The segmented text a clue is found by: its description, community and catalog item.
fn searchable(description: &str, community: &str, catalog_title: &str) -> String {
    crate::search::segment(&format!("{description} {community} {catalog_title}"))
}

async fn event<C: ConnectionTrait>(
    tx: &C,
    complaint_id: i64,
    kind: &str,
    public_text: &str,
    internal_note: &str,
    actor: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // Every kind written has its label in the one table (a page never shows a code).
    debug_assert!(EventKind::parse(kind).is_some(), "timeline kind {kind} has no label in domain::timeline");
    let line = NewEvent {
        complaint_id,
        kind: kind.into(),
        public_text: public_text.into(),
        internal_note: internal_note.into(),
        actor_user_id: actor,
        created_at: now,
    };
    db::complaints::insert_event(tx, line).await?;
    Ok(())
}

/// One line of the public timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicEvent {
    pub at: DateTime<Utc>,
    pub at_display: String,
    pub text: String,
}

/// What anyone holding the tracking code may read: no identities, no internal notes, no staff
/// names.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub tracking_code: String,
    /// The clue's own status (accepted, merged, …).
    pub status: ComplaintStatus,
    /// What the complainant reads: the public state of the case that absorbed the clue once
    /// there is one (已办结 when it is closed), else the clue's status.
    pub status_label: String,
    /// The state of the case that absorbed the clue, if any.
    pub case_status: Option<CaseStatus>,
    /// The case's latest public line: its result once the case is over, else where it stands.
    pub progress: String,
    /// Whether the matter is over for the complainant (the case closed, or the clue answered
    /// for good).
    pub finished: bool,
    pub received_at: DateTime<Utc>,
    pub community_name: String,
    pub catalog_title: String,
    pub answer: String,
    pub timeline: Vec<PublicEvent>,
}

/// The public status of a clue, by tracking code (typos in case, hyphens, I/L/O forgiven).
pub async fn track(deps: &Deps, code: &str) -> Result<PublicStatus, ServiceError> {
    let code =
        tracking::parse(code).ok_or_else(|| ServiceError::field("code", "查询码格式不正确，请核对后重新输入"))?;
    let c =
        db::complaints::by_tracking_code(&deps.db, &code).await?.ok_or(ServiceError::NotFound("该查询码对应的投诉"))?;
    let community_name = match c.community_id {
        Some(id) => db::communities::community(&deps.db, id).await?.map(|m| m.name).unwrap_or_default(),
        None => String::new(),
    };
    let catalog_title =
        catalog_titles(deps).await?.get(c.catalog_code.as_deref().unwrap_or("")).cloned().unwrap_or_default();
    let status = ComplaintStatus::parse(&c.status).unwrap_or(ComplaintStatus::Received);
    let timeline = db::complaints::events(&deps.db, c.id)
        .await?
        .into_iter()
        .filter(|e| !e.public_text.is_empty())
        .map(|e| PublicEvent { at: e.created_at, at_display: crate::clock::display(e.created_at), text: e.public_text })
        .collect();
    // A clue accepted or merged into a problem follows the problem's case, whenever the clue
    // joined it: the complainant reads the case's state and its latest public line.
    let case = match c.problem_id {
        Some(pid) => db::cases::case_of_problem(&deps.db, pid).await?,
        None => None,
    };
    let case_status = case.as_ref().and_then(|k| CaseStatus::parse(&k.status));
    let progress = match &case {
        Some(k) => db::cases::events(&deps.db, k.id)
            .await?
            .into_iter()
            .rev()
            .find(|e| !e.public_text.is_empty())
            .map(|e| e.public_text)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(PublicStatus {
        tracking_code: c.tracking_code,
        status,
        status_label: case_status.map(public_status).unwrap_or(status.label()).into(),
        case_status,
        progress,
        finished: case_status.map_or(status.finished(), CaseStatus::is_final),
        received_at: c.received_at,
        community_name,
        catalog_title,
        answer: c.public_answer,
        timeline,
    })
}

async fn catalog_titles(deps: &Deps) -> Result<HashMap<String, String>, ServiceError> {
    Ok(db::catalog::catalog(&deps.db).await?.into_iter().map(|i| (i.code, i.title)).collect())
}

/// A clue as staff see it in the inbox: identity masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintRow {
    pub id: i64,
    pub tracking_code: String,
    pub channel: Channel,
    pub channel_label: String,
    pub status: ComplaintStatus,
    pub status_label: String,
    pub community_id: Option<i64>,
    pub community_name: String,
    pub township_name: String,
    pub company_name: String,
    pub catalog_code: String,
    pub catalog_title: String,
    pub description: String,
    pub anonymous: bool,
    /// Masked: 张*
    pub name_masked: String,
    /// Masked: 138****1234
    pub phone_masked: String,
    /// Masked: z***@example.com
    pub email_masked: String,
    pub received_at: DateTime<Utc>,
    pub received_display: String,
    pub acceptance_due: DateTime<Utc>,
    pub closure_due: Option<DateTime<Utc>>,
    pub due: Due,
    pub due_label: String,
    /// The running deadline as people read it: `受理期限 2024-06-18 24:00` / `办理期限 …`.
    pub due_display: String,
    pub problem_id: Option<i64>,
    pub answer: String,
}

/// The rows the actor may read: county-wide for bureau roles, the township for township
/// officers; company users, committees and departments never read clues (their identities).
fn inbox_reach(tree: &JurisdictionTree, actor: &Actor) -> Result<Option<Vec<i64>>, ServiceError> {
    if !role_may(actor.role, Action::ReadCaseContent) {
        return Err(ServiceError::Forbidden(Denied::Role));
    }
    match actor.scope {
        Scope::Jurisdiction(j) => Ok(tree.reach_of(j)),
        _ => Err(ServiceError::Forbidden(Denied::OutOfScope)),
    }
}

struct Names {
    tree: JurisdictionTree,
    communities: HashMap<i64, String>,
    companies: HashMap<i64, String>,
    catalog: HashMap<String, String>,
}

async fn names(deps: &Deps, rows: &[complaint::Model]) -> Result<Names, ServiceError> {
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut communities = HashMap::new();
    for id in rows.iter().filter_map(|r| r.community_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = communities.entry(id)
            && let Some(c) = db::communities::community(&deps.db, id).await?
        {
            v.insert(c.name);
        }
    }
    let company_ids: Vec<i64> = rows.iter().filter_map(|r| r.company_id).collect();
    let companies =
        db::companies::companies_by_ids(&deps.db, company_ids).await?.into_iter().map(|c| (c.id, c.name)).collect();
    Ok(Names { tree, communities, companies, catalog: catalog_titles(deps).await? })
}

fn row(deps: &Deps, n: &Names, now: DateTime<Utc>, c: complaint::Model) -> ComplaintRow {
    let status = ComplaintStatus::parse(&c.status).unwrap_or(ComplaintStatus::Received);
    let channel = Channel::parse(&c.channel).unwrap_or(Channel::Web);
    let open = |s: &Option<String>| s.as_deref().and_then(|v| deps.cipher.open(v).ok()).unwrap_or_default();
    let due = rule::due_state(now, status, c.acceptance_due, c.closure_due);
    ComplaintRow {
        id: c.id,
        channel,
        channel_label: channel.label().into(),
        status,
        status_label: status.label().into(),
        community_id: c.community_id,
        community_name: c.community_id.and_then(|id| n.communities.get(&id).cloned()).unwrap_or_default(),
        township_name: c.township_id.map(|t| n.tree.name(t)).unwrap_or_default(),
        company_name: c.company_id.and_then(|id| n.companies.get(&id).cloned()).unwrap_or_default(),
        catalog_title: c.catalog_code.as_ref().and_then(|k| n.catalog.get(k).cloned()).unwrap_or_default(),
        catalog_code: c.catalog_code.unwrap_or_default(),
        description: c.description,
        anonymous: c.anonymous,
        name_masked: mask_name(&open(&c.name_sealed)),
        phone_masked: {
            let p = open(&c.phone_sealed);
            if p.is_empty() { p } else { mask_phone(&p) }
        },
        email_masked: {
            let e = open(&c.email_sealed);
            if e.is_empty() { e } else { mask_email(&e) }
        },
        received_display: crate::clock::display(c.received_at),
        received_at: c.received_at,
        acceptance_due: c.acceptance_due,
        closure_due: c.closure_due,
        due,
        due_label: due.label().into(),
        due_display: match (status.finished(), status == ComplaintStatus::Received, c.closure_due) {
            (true, _, _) => String::new(),
            (false, true, _) => format!("受理期限 {}", crate::clock::display_deadline(c.acceptance_due)),
            (false, false, Some(d)) => format!("办理期限 {}", crate::clock::display_deadline(d)),
            (false, false, None) => String::new(),
        },
        problem_id: c.problem_id,
        answer: c.public_answer,
        tracking_code: c.tracking_code,
    }
}

/// Inbox filters as people give them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct InboxQuery {
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub township_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub community_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub company_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub catalog_code: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub channel: Option<String>,
    /// "1": only overdue clues.
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub overdue: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_string")]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub page: Option<i64>,
}

/// The staff inbox.
pub async fn inbox(deps: &Deps, ctx: &Ctx, q: &InboxQuery, per_page: u64) -> Result<Page<ComplaintRow>, ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let mut township_ids = inbox_reach(&tree, actor)?;
    if let Some(t) = q.township_id {
        let sub = tree.subtree(t);
        township_ids = Some(match township_ids {
            Some(allowed) => allowed.into_iter().filter(|x| sub.contains(x)).collect(),
            None => sub,
        });
    }
    let filter = InboxFilter {
        township_ids,
        status: q.status.clone(),
        community_id: q.community_id,
        company_id: q.company_id,
        catalog_code: q.catalog_code.clone(),
        channel: q.channel.clone(),
        overdue_at: q.overdue.as_ref().map(|_| ctx.now),
        q: q.q.clone(),
    };
    let page = q.page.unwrap_or(1).max(1) as u64;
    let (rows, total) = db::complaints::inbox(&deps.db, &filter, page, per_page).await?;
    let n = names(deps, &rows).await?;
    let items = rows.into_iter().map(|c| row(deps, &n, ctx.now, c)).collect();
    Ok(Page { items, total, page, per_page })
}

/// One line of the staff timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffEvent {
    pub at_display: String,
    pub kind: String,
    /// The kind's Chinese label.
    pub label: String,
    pub public_text: String,
    pub internal_note: String,
}

/// A possible problem to merge into.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MergeCandidate {
    pub problem_id: i64,
    pub title: String,
    pub catalog_code: String,
    /// Same catalog item and created within 90 days: suggested first.
    pub suggested: bool,
    pub clues: usize,
}

/// A clue with its timeline and merge candidates, for staff.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintDetail {
    pub row: ComplaintRow,
    /// Ids of the clue's photos (served to staff at /inbox/{id}/photos/{photo_id}).
    pub photo_ids: Vec<i64>,
    pub timeline: Vec<StaffEvent>,
    pub candidates: Vec<MergeCandidate>,
    pub can_triage: bool,
    pub can_reveal: bool,
    pub extended: bool,
}

async fn load_in_scope(
    deps: &Deps,
    ctx: &Ctx,
    id: i64,
    action: Action,
) -> Result<(complaint::Model, JurisdictionTree), ServiceError> {
    let actor = ctx.actor()?;
    let tree = JurisdictionTree::load(&deps.db).await?;
    let c = db::complaints::complaint(&deps.db, id).await?.ok_or(ServiceError::NotFound("投诉线索"))?;
    let reach = inbox_reach(&tree, actor)?;
    let path = match c.township_id {
        Some(t) => tree.path(t),
        None => actor.jurisdiction_path.iter().take(1).copied().collect(),
    };
    if let Some(allowed) = reach
        && !c.township_id.is_some_and(|t| allowed.contains(&t))
    {
        return Err(ServiceError::Forbidden(Denied::OutOfScope));
    }
    authorize(actor, action, &Object::Jurisdiction { path })?;
    Ok((c, tree))
}

/// One clue for staff.
pub async fn detail(deps: &Deps, ctx: &Ctx, id: i64) -> Result<ComplaintDetail, ServiceError> {
    let (c, _) = load_in_scope(deps, ctx, id, Action::ReadCaseContent).await?;
    let actor = ctx.actor()?;
    let timeline = db::complaints::events(&deps.db, id)
        .await?
        .into_iter()
        .map(|e| StaffEvent {
            at_display: crate::clock::display(e.created_at),
            label: crate::domain::timeline::label_of(&e.kind).to_string(),
            kind: e.kind,
            public_text: e.public_text,
            internal_note: e.internal_note,
        })
        .collect();
    let mut candidates = Vec::new();
    if let Some(community) = c.community_id {
        for p in db::complaints::open_problems_of(&deps.db, community).await? {
            let clues = db::complaints::complaints_of_problem(&deps.db, p.id).await?.len();
            let suggested = Some(&p.catalog_code) == c.catalog_code.as_ref()
                && ctx.now - p.created_at <= chrono::Duration::days(90);
            candidates.push(MergeCandidate {
                problem_id: p.id,
                title: p.title,
                catalog_code: p.catalog_code,
                suggested,
                clues,
            });
        }
        candidates.sort_by_key(|m| !m.suggested);
    }
    let extended = c.extended;
    let n = names(deps, std::slice::from_ref(&c)).await?;
    let photo_ids = db::complaints::photos(&deps.db, id).await?.into_iter().map(|p| p.id).collect();
    Ok(ComplaintDetail {
        row: row(deps, &n, ctx.now, c),
        photo_ids,
        timeline,
        candidates,
        can_triage: role_may(actor.role, Action::TriageComplaint),
        can_reveal: role_may(actor.role, Action::RevealComplainant),
        extended,
    })
}

/// A clue's photo (JPEG bytes) for staff who may read the clue.
pub async fn photo(deps: &Deps, ctx: &Ctx, id: i64, photo_id: i64) -> Result<super::blobs::Download, ServiceError> {
    load_in_scope(deps, ctx, id, Action::ReadCaseContent).await?;
    let p = db::complaints::photos(&deps.db, id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id)
        .ok_or(ServiceError::NotFound("照片"))?;
    super::photos::open(&deps.read, &p.digest).await
}

/// A complainant's identity in full.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Identity {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub anonymous: bool,
}

/// Reveals the complainant's identity to a role allowed to contact them; audited.
pub async fn reveal(deps: &Deps, ctx: &Ctx, id: i64) -> Result<Identity, ServiceError> {
    let (c, _) = load_in_scope(deps, ctx, id, Action::RevealComplainant).await?;
    let open = |s: &Option<String>| s.as_deref().map(|v| deps.cipher.open(v)).transpose();
    let identity = Identity {
        name: open(&c.name_sealed)?.unwrap_or_default(),
        phone: open(&c.phone_sealed)?.unwrap_or_default(),
        email: open(&c.email_sealed)?.unwrap_or_default(),
        anonymous: c.anonymous,
    };
    let tx = deps.db.begin().await?;
    record(
        &tx,
        ctx,
        AuditAction::ComplaintRevealIdentity,
        "complaint",
        id,
        SUCCESS,
        json!({"fields": ["name", "phone", "email"]}),
    )
    .await?;
    tx.commit().await?;
    Ok(identity)
}

/// A triage decision as staff give it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TriageForm {
    /// accept / merge / reject / forward
    #[serde(default)]
    pub decision: String,
    /// For accept: the problem's title (defaults to the catalog item).
    #[serde(default)]
    pub title: String,
    /// For accept: the catalog item (defaults to the clue's).
    #[serde(default)]
    pub catalog_code: String,
    /// For accept: the community (defaults to the clue's).
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub community_id: Option<i64>,
    /// For merge.
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub problem_id: Option<i64>,
    /// For forward.
    #[serde(default, deserialize_with = "crate::form_util::opt_i64")]
    pub department_id: Option<i64>,
    /// The answer the complainant reads (required for reject and forward).
    #[serde(default)]
    pub answer: String,
    /// Staff-only note.
    #[serde(default)]
    pub note: String,
}

/// Applies a triage decision.
pub async fn triage(deps: &Deps, ctx: &Ctx, id: i64, form: TriageForm) -> Result<ComplaintRow, ServiceError> {
    let (c, tree) = load_in_scope(deps, ctx, id, Action::TriageComplaint).await?;
    let actor = ctx.actor()?.clone();
    let Some(decision) = Triage::parse(&form.decision) else {
        return Err(ServiceError::field("decision", "请选择处理方式"));
    };
    let from = ComplaintStatus::parse(&c.status).unwrap_or(ComplaintStatus::Received);
    let to = rule::triage(from, decision).map_err(|e| ServiceError::from(RuleCode::InvalidTransition(e.0)))?;
    let answer = form.answer.trim().to_string();
    let note = form.note.trim().to_string();
    let tx = deps.db.begin().await?;
    let cal = super::holidays::calendar(&tx).await?;
    // Claim the clue: a concurrent triage waits on the row and then finds it taken.
    if !db::complaints::claim_if_received(&tx, id, ctx.now).await? {
        return Err(RuleCode::ClueTriagedMeanwhile.into());
    }
    let mut change = Triaged {
        status: to,
        problem: None,
        search_text: None,
        department_id: None,
        closure_due: None,
        public_answer: None,
        closed_at: None,
    };
    let now = ctx.now;
    let mut summary = json!({"from": from.as_str(), "to": to.as_str()});
    let public_text = match decision {
        Triage::Accept => {
            let community_id = form
                .community_id
                .or(c.community_id)
                .ok_or_else(|| ServiceError::field("community_id", "受理为问题须指明小区"))?;
            let community = db::communities::community(&tx, community_id)
                .await?
                .ok_or_else(|| ServiceError::field("community_id", "所选小区不存在"))?;
            let code = Some(form.catalog_code.trim().to_string()).filter(|s| !s.is_empty()).or(c.catalog_code.clone());
            let code = code.ok_or_else(|| ServiceError::field("catalog_code", "受理为问题须选择问题类别"))?;
            let item = db::catalog::catalog(&tx).await?.into_iter().find(|i| i.code == code && i.active);
            let item = item.ok_or_else(|| ServiceError::field("catalog_code", "所选问题类别不存在"))?;
            let title = Some(form.title.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("{}：{}", community.name, item.title));
            let new = NewProblem {
                community_id: community.id,
                company_id: community.company_id,
                township_id: community.township_id,
                catalog_code: code.clone(),
                title: title.chars().take(200).collect(),
                description: c.description.clone(),
                source: if c.channel == Channel::System.as_str() { "system" } else { "complaint" },
                created_by: Some(actor.user_id),
            };
            let p = db::complaints::insert_problem(&tx, new, now).await?;
            authorize(
                &actor,
                Action::TriageComplaint,
                &Object::Jurisdiction { path: tree.path(community.township_id) },
            )?;
            record(
                &tx,
                ctx,
                AuditAction::ProblemCreate,
                "problem",
                p.id,
                SUCCESS,
                json!({"community_id": community.id, "catalog_code": code, "from_complaint": id}),
            )
            .await?;
            change.search_text = Some(searchable(&c.description, &community.name, &item.title));
            change.problem = Some(ProblemLink {
                problem_id: p.id,
                community_id: community.id,
                company_id: community.company_id,
                township_id: community.township_id,
                catalog_code: code,
            });
            change.closure_due = Some(rule::closure_due(now, &cal));
            summary["problem_id"] = json!(p.id);
            format!(
                "您反映的问题已受理，列入问题清单督促整改，办理期限至{}。",
                crate::clock::display_deadline(rule::closure_due(now, &cal))
            )
        }
        Triage::Merge => {
            let pid = form.problem_id.ok_or_else(|| ServiceError::field("problem_id", "请选择要并入的问题"))?;
            let p = db::complaints::problem(&tx, pid)
                .await?
                .ok_or_else(|| ServiceError::field("problem_id", "所选问题不存在"))?;
            authorize(&actor, Action::TriageComplaint, &Object::Jurisdiction { path: tree.path(p.township_id) })?;
            if p.status != ProblemStatus::Open.as_str() {
                return Err(ServiceError::field("problem_id", "所选问题已办结，不能并入"));
            }
            change.problem = Some(ProblemLink {
                problem_id: p.id,
                community_id: p.community_id,
                company_id: p.company_id,
                township_id: p.township_id,
                catalog_code: p.catalog_code.clone(),
            });
            change.closure_due = Some(rule::closure_due(now, &cal));
            summary["problem_id"] = json!(p.id);
            "您反映的问题已受理，与其他群众反映的同一问题合并办理。".to_string()
        }
        Triage::Reject => {
            if answer.chars().count() < 4 {
                return Err(ServiceError::field("answer", "请填写不予受理的理由（投诉人可见）"));
            }
            change.public_answer = Some(answer.clone());
            change.closed_at = Some(now);
            format!("不予受理：{answer}")
        }
        Triage::Forward => {
            let did = form.department_id.ok_or_else(|| ServiceError::field("department_id", "请选择转办部门"))?;
            let d = db::departments::department(&tx, did)
                .await?
                .ok_or_else(|| ServiceError::field("department_id", "所选部门不存在"))?;
            change.department_id = Some(d.id);
            change.closure_due = Some(rule::closure_due(now, &cal));
            if !answer.is_empty() {
                change.public_answer = Some(answer.clone());
            }
            summary["department_id"] = json!(d.id);
            format!("您反映的问题属于{}职责范围，已转该部门办理。{answer}", d.name)
        }
    };
    let m = db::complaints::record_triage(&tx, id, change, now).await?;
    let kind = match decision {
        Triage::Accept => EventKind::Accepted,
        Triage::Merge => EventKind::Merged,
        Triage::Reject => EventKind::Rejected,
        Triage::Forward => EventKind::Forwarded,
    };
    event(&tx, id, kind.as_str(), &public_text, &note, Some(actor.user_id), now).await?;
    record(&tx, ctx, AuditAction::ComplaintTriage(decision), "complaint", id, SUCCESS, summary).await?;
    tx.commit().await?;
    let n = names(deps, std::slice::from_ref(&m)).await?;
    Ok(row(deps, &n, now, m))
}

/// Extends the closure deadline once by up to 30 days, telling the complainant why.
pub async fn extend(deps: &Deps, ctx: &Ctx, id: i64, days: i64, reason: &str) -> Result<ComplaintRow, ServiceError> {
    let (c, _) = load_in_scope(deps, ctx, id, Action::TriageComplaint).await?;
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(ServiceError::field("reason", "请填写延期理由（投诉人可见）"));
    }
    let due = c.closure_due.ok_or_else(|| ServiceError::from(RuleCode::ClueNotAccepted))?;
    let tx = deps.db.begin().await?;
    let cal = super::holidays::calendar(&tx).await?;
    let new_due = rule::extend(due, c.extended, days, &cal).map_err(|e| ServiceError::field("days", e.0))?;
    if !db::complaints::claim_if_not_extended(&tx, id, ctx.now).await? {
        return Err(RuleCode::ClueAlreadyExtended.into());
    }
    let m = db::complaints::extend_closure(&tx, c.id, new_due, ctx.now).await?;
    let actor = ctx.actor()?;
    event(
        &tx,
        id,
        "extend",
        &format!("办理期限延长至{}，理由：{reason}", crate::clock::display_deadline(new_due)),
        "",
        Some(actor.user_id),
        ctx.now,
    )
    .await?;
    record(
        &tx,
        ctx,
        AuditAction::ComplaintExtend,
        "complaint",
        id,
        SUCCESS,
        json!({"days": days, "closure_due": new_due}),
    )
    .await?;
    tx.commit().await?;
    let n = names(deps, std::slice::from_ref(&m)).await?;
    Ok(row(deps, &n, ctx.now, m))
}

/// Communities for the public form, grouped by township: (township, [(id, name)]).
pub async fn public_communities(deps: &Deps) -> Result<Vec<(String, Vec<(i64, String)>)>, ServiceError> {
    let tree = JurisdictionTree::load(&deps.db).await?;
    let (rows, _) = db::communities::communities(&deps.db, &Default::default(), 1, 100_000).await?;
    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for township in tree.of_level(JurisdictionLevel::Township, None) {
        let items: Vec<(i64, String)> =
            rows.iter().filter(|c| c.township_id == township.id).map(|c| (c.id, c.name.clone())).collect();
        if !items.is_empty() {
            groups.push((township.name.clone(), items));
        }
    }
    Ok(groups)
}

/// Catalog items people can pick (leaves), as (code, plain title, the full text of the notice).
pub async fn public_catalog(deps: &Deps) -> Result<Vec<(String, String, String)>, ServiceError> {
    let items = db::catalog::catalog(&deps.db).await?;
    Ok(items
        .iter()
        .filter(|i| i.active && !items.iter().any(|o| o.parent_code.as_deref() == Some(i.code.as_str())))
        .map(|i| (i.code.clone(), i.title.clone(), i.description.clone()))
        .collect())
}
