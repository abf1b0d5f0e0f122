//! The owner roster (业主名册) of a community: its exclusive units with the three areas of
//! 第8条 and their owners, the denominators of the owners' joint decisions (民法典第278条).
//!
//! Kept by the community's owners' committee and by the township; read by the bureau; never shown
//! to the company or the public. Owners' names, phones and ID numbers are sealed (SM4-GCM) and
//! masked in every list; only those who keep the roster get them in clear, in its export (and
//! that export is audited). The totals are `domain::roster::totals` over the units with an area,
//! owners keyed by the blind index of their ID number (第9条).

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;

use calamine::{Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, Workbook};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{SUCCESS, record};
use super::registry_xlsx::{RowError, read_sheet};
use super::rule_code::RuleCode;
use super::scope::{community_in_reach, community_object};
use super::{Ctx, Deps, ServiceError};
use crate::db;
use crate::db::entities::{community, roster_owner, roster_unit};
use crate::domain::audit_action::AuditAction;
use crate::domain::authz::{Action, authorize};
use crate::domain::complaint::{mask_name, mask_phone};
use crate::domain::registry::FieldErrors;
use crate::domain::roster::{
    CountedUnit, Field, Holder, OwnerDraft, Refusals, RosterUnit, UnitDraft, area_in_force, format_area,
    mask_id_number, merge_rows, natural_key, parse_flag, parse_unit, totals, unit_label,
};

/// The workbook's one sheet.
pub const SHEET: &str = "业主名册";

/// An owner as listed: masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnerView {
    /// 张*明
    pub name: String,
    /// 138****8000, or empty
    pub phone: String,
    /// **************002X, or empty
    pub id_number: String,
}

/// A unit as listed, with the area in force and where it comes from (第8条).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
    /// `3号楼-2单元-301`
    pub label: String,
    /// Square metres with two decimals, empty when not recorded.
    pub register_area: String,
    pub surveyed_area: String,
    pub contract_area: String,
    /// The area that counts (m²), empty when the unit has none and cannot be counted.
    pub area: String,
    /// `register`, `surveyed` or `contract`; empty when none.
    pub area_source: String,
    /// 登记面积 / 实测面积 / 合同面积, or 未登记面积.
    pub area_source_label: String,
    /// The developer's unsold or undelivered unit (第9条: all of them one owner).
    pub developer_held: bool,
    /// Co-owners in the order entered; empty for the developer's units.
    pub owners: Vec<OwnerView>,
}

/// The roster's totals (第9条), the quorum's denominators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TotalsView {
    /// Units counted (those with an area).
    pub units: u64,
    /// Their total area, m² with two decimals.
    pub area: String,
    /// The same in 0.01 m².
    pub area_centi: i64,
    /// Owners by number: the developer's units one, each holder once, co-owners once.
    pub owners: u64,
}

/// A community's roster as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterView {
    pub community_id: i64,
    pub community: String,
    pub totals: TotalsView,
    pub units: Vec<UnitView>,
    /// The units that cannot be counted: no area of any source is recorded.
    pub uncounted: Vec<String>,
    /// Whether the reader may keep it (edit, import, export with personal data).
    pub can_edit: bool,
}

/// An owner as given by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OwnerInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub id_number: String,
}

/// A unit to add or change. `owners`: `None` keeps the owners recorded (an edit of the areas),
/// `Some` replaces them; the developer's units have none.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    #[serde(default)]
    pub building: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub room: String,
    /// m², at most two decimals; empty when not recorded.
    #[serde(default)]
    pub register_area: String,
    #[serde(default)]
    pub surveyed_area: String,
    #[serde(default)]
    pub contract_area: String,
    #[serde(default)]
    pub developer_held: bool,
    #[serde(default)]
    pub owners: Option<Vec<OwnerInput>>,
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RosterImportReport {
    /// Units now on the roster.
    pub units: usize,
    /// Owner rows now on the roster (co-owners each).
    pub owners: usize,
    /// Units of the roster the import replaced.
    pub replaced: u64,
    /// Non-empty means nothing was imported.
    pub errors: Vec<RowError>,
}

fn open_sealed(deps: &Deps, sealed: Option<&str>) -> Result<String, ServiceError> {
    match sealed {
        Some(s) => Ok(deps.cipher.open(s)?),
        None => Ok(String::new()),
    }
}

fn area_text(centi: Option<i64>) -> String {
    centi.map(format_area).unwrap_or_default()
}

/// The units of a community with their owners (still sealed), in the order of their address
/// (building, unit, room; numbers by value: 2号楼 before 10号楼).
pub(super) async fn load(
    deps: &Deps,
    community_id: i64,
) -> Result<Vec<(roster_unit::Model, Vec<roster_owner::Model>)>, ServiceError> {
    let mut units = db::roster::units(&deps.read, community_id).await?;
    units.sort_by_cached_key(|u| (natural_key(&u.building), natural_key(&u.unit), natural_key(&u.room), u.id));
    let mut owners: HashMap<i64, Vec<roster_owner::Model>> = HashMap::new();
    for o in db::roster::owners(&deps.read, community_id).await? {
        owners.entry(o.roster_unit_id).or_default().push(o);
    }
    Ok(units.into_iter().map(|u| (u.clone(), owners.remove(&u.id).unwrap_or_default())).collect())
}

/// Who holds a unit for the 第9条 count: the developer, or the set of its owners' keys.
pub(super) fn holder_of(u: &roster_unit::Model, owners: &[roster_owner::Model]) -> Holder {
    if u.developer_held {
        Holder::Developer
    } else {
        Holder::Owners(owners.iter().map(|o| o.holder_index.clone()).collect::<BTreeSet<_>>())
    }
}

fn may_edit(ctx: &Ctx, c: &community::Model, tree: &super::scope::JurisdictionTree) -> bool {
    ctx.actor.as_ref().is_some_and(|a| authorize(a, Action::EditRoster, &community_object(tree, c)).is_ok())
}

/// A community's roster: its units (owners masked), the totals by 第9条, and the units that
/// cannot be counted.
pub async fn roster(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<RosterView, ServiceError> {
    let (c, tree) = community_in_reach(deps, ctx, community_id, Action::ReadRoster).await?;
    let mut counted = Vec::new();
    let mut uncounted = Vec::new();
    let mut units = Vec::new();
    for (u, owners) in load(deps, c.id).await? {
        let label = unit_label(&u.building, &u.unit, &u.room);
        let in_force = area_in_force(u.register_area_centi, u.surveyed_area_centi, u.contract_area_centi);
        match in_force {
            Some((area_centi, _)) => {
                counted.push(CountedUnit { unit_id: u.id, area_centi, holder: holder_of(&u, &owners) })
            }
            None => uncounted.push(label.clone()),
        }
        let mut owner_views = Vec::new();
        for o in &owners {
            let phone = open_sealed(deps, o.phone_sealed.as_deref())?;
            let id_number = open_sealed(deps, o.id_number_sealed.as_deref())?;
            owner_views.push(OwnerView {
                name: mask_name(&deps.cipher.open(&o.name_sealed)?),
                phone: if phone.is_empty() { phone } else { mask_phone(&phone) },
                id_number: if id_number.is_empty() { id_number } else { mask_id_number(&id_number) },
            });
        }
        units.push(UnitView {
            id: u.id,
            label,
            register_area: area_text(u.register_area_centi),
            surveyed_area: area_text(u.surveyed_area_centi),
            contract_area: area_text(u.contract_area_centi),
            area: area_text(in_force.map(|(a, _)| a)),
            area_source: in_force.map(|(_, s)| s.as_str()).unwrap_or_default().into(),
            area_source_label: in_force.map(|(_, s)| s.label()).unwrap_or("未登记面积").into(),
            developer_held: u.developer_held,
            owners: owner_views,
            building: u.building,
            unit: u.unit,
            room: u.room,
        });
    }
    let t = totals(&counted);
    Ok(RosterView {
        community_id: c.id,
        can_edit: may_edit(ctx, &c, &tree),
        community: c.name,
        totals: TotalsView {
            units: t.units,
            area: format_area(t.area_centi),
            area_centi: t.area_centi,
            owners: t.owners,
        },
        units,
        uncounted,
    })
}

fn field_errors(errors: Refusals) -> FieldErrors {
    let mut f = FieldErrors::new();
    for (column, message) in errors {
        f.entry(column.as_str().into()).or_insert(format!("“{}”{message}", column.label()));
    }
    f
}

fn sealed_owners(deps: &Deps, unit_id: i64, u: &RosterUnit) -> Vec<db::roster::NewRosterOwner> {
    let seal = |v: &str| (!v.is_empty()).then(|| deps.cipher.seal(v));
    u.owners
        .iter()
        .map(|o| db::roster::NewRosterOwner {
            roster_unit_id: unit_id,
            name_sealed: deps.cipher.seal(&o.name),
            phone_sealed: seal(&o.phone),
            id_number_sealed: seal(&o.id_number),
            holder_index: deps.cipher.blind_index(&o.holder_key()),
        })
        .collect()
}

fn new_unit(community_id: i64, u: &RosterUnit) -> db::roster::NewRosterUnit {
    db::roster::NewRosterUnit {
        community_id,
        building: u.building.clone(),
        unit: u.unit.clone(),
        room: u.room.clone(),
        register_area_centi: u.register_centi,
        surveyed_area_centi: u.surveyed_centi,
        contract_area_centi: u.contract_centi,
        developer_held: u.developer_held,
    }
}

/// Adds a unit (`unit_id` `None`) or changes one, with its owners. Returns the unit's id.
pub async fn save_unit(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
    unit_id: Option<i64>,
    input: UnitInput,
) -> Result<i64, ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::EditRoster).await?;
    let existing = match unit_id {
        Some(id) => Some(
            db::roster::unit(&deps.db, id)
                .await?
                .filter(|u| u.community_id == c.id)
                .ok_or(ServiceError::NotFound("名册中的房屋"))?,
        ),
        None => None,
    };
    // New owners are needed for a new unit, and for one the developer no longer holds.
    let owners_required = input.owners.is_some() || existing.as_ref().is_none_or(|e| e.developer_held);
    let draft = UnitDraft {
        building: input.building,
        unit: input.unit,
        room: input.room,
        register_area: input.register_area,
        surveyed_area: input.surveyed_area,
        contract_area: input.contract_area,
        developer_held: input.developer_held,
        owners: input
            .owners
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|o| OwnerDraft { name: o.name, phone: o.phone, id_number: o.id_number })
            .collect(),
    };
    let u = parse_unit(&draft, owners_required).map_err(|e| ServiceError::Invalid(field_errors(e)))?;
    let taken = || ServiceError::field(Field::Room.as_str(), "该房屋已在本小区的业主名册中");
    let tx = deps.db.begin().await?;
    let id = match &existing {
        None => {
            db::roster::insert_unit(&tx, new_unit(c.id, &u), ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_roster_units_room"], taken))?
                .id
        }
        Some(e) => {
            let updated = db::roster::update_unit(&tx, e.id, new_unit(c.id, &u), ctx.now)
                .await
                .map_err(ServiceError::unique_or(&["uq_roster_units_room"], taken))?;
            if !updated {
                return Err(RuleCode::RosterUnitGone.into());
            }
            e.id
        }
    };
    let replace_owners = u.developer_held || input.owners.is_some() || existing.is_none();
    if replace_owners {
        db::roster::delete_owners_of_unit(&tx, id).await?;
        db::roster::insert_owners(&tx, sealed_owners(deps, id, &u), ctx.now).await?;
    }
    let source = area_in_force(u.register_centi, u.surveyed_centi, u.contract_centi).map(|(_, s)| s.as_str());
    record(
        &tx,
        ctx,
        AuditAction::RosterUnitSave,
        "roster_unit",
        id,
        SUCCESS,
        json!({
            "community_id": c.id,
            "unit": unit_label(&u.building, &u.unit, &u.room),
            "created": existing.is_none(),
            "register_area_centi": u.register_centi,
            "surveyed_area_centi": u.surveyed_centi,
            "contract_area_centi": u.contract_centi,
            "area_source": source,
            "developer_held": u.developer_held,
            "owners_replaced": replace_owners,
            "owners": u.owners.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a unit and its owners from the roster.
pub async fn delete_unit(deps: &Deps, ctx: &Ctx, community_id: i64, unit_id: i64) -> Result<(), ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::EditRoster).await?;
    let u = db::roster::unit(&deps.db, unit_id)
        .await?
        .filter(|u| u.community_id == c.id)
        .ok_or(ServiceError::NotFound("名册中的房屋"))?;
    if db::decisions::units_with_codes(&deps.db, c.id).await?.contains(&u.id) {
        return Err(ServiceError::field(
            "unit",
            "该房屋已在业主表决中发放表决码，表决记录引用它，不能删除；房屋转让的，请修改其业主",
        ));
    }
    let tx = deps.db.begin().await?;
    if !db::roster::delete_unit(&tx, c.id, u.id).await? {
        return Err(RuleCode::RosterUnitGone.into());
    }
    record(
        &tx,
        ctx,
        AuditAction::RosterUnitDelete,
        "roster_unit",
        u.id,
        SUCCESS,
        json!({"community_id": c.id, "unit": unit_label(&u.building, &u.unit, &u.room)}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn row_message(errors: Refusals) -> String {
    errors.into_iter().map(|(column, m)| format!("“{}”{m}", column.label())).collect::<Vec<_>>().join("；")
}

/// Replaces a community's roster with the one in an .xlsx workbook (sheet 业主名册, one row per
/// owner, co-owners of a unit on several rows): all or nothing, every bad row listed in Chinese
/// with its row number and column.
pub async fn import_roster(
    deps: &Deps,
    ctx: &Ctx,
    community_id: i64,
    bytes: Vec<u8>,
) -> Result<RosterImportReport, ServiceError> {
    let (c, _) = community_in_reach(deps, ctx, community_id, Action::EditRoster).await?;
    if !db::decisions::units_with_codes(&deps.db, c.id).await?.is_empty() {
        return Err(ServiceError::field(
            "file",
            "该小区已有业主表决使用本名册（已发放表决码），不能整体导入替换；请逐户修改名册",
        ));
    }
    let mut report = RosterImportReport::default();
    let Ok(mut wb) = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) else {
        return Err(ServiceError::field("file", "无法读取文件，请上传 .xlsx 格式的 Excel 文件"));
    };
    let required = [Field::Building.label(), Field::Room.label(), Field::OwnerName.label()];
    let Some(sheet) = read_sheet(&mut wb, SHEET, &required, &mut report.errors) else {
        return Err(ServiceError::field("file", format!("文件中没有名为“{SHEET}”的工作表")));
    };
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let mut rows = Vec::new();
    for (row, cells) in &sheet.rows {
        let get = |field: Field| sheet.get(cells, field.label());
        let mut errors = Refusals::new();
        let developer_held =
            parse_flag(&get(Field::DeveloperHeld)).map_err(|e| errors.push((Field::DeveloperHeld, e))).unwrap_or(false);
        let draft = UnitDraft {
            building: get(Field::Building),
            unit: get(Field::Unit),
            room: get(Field::Room),
            register_area: get(Field::RegisterArea),
            surveyed_area: get(Field::SurveyedArea),
            contract_area: get(Field::ContractArea),
            developer_held,
            owners: vec![OwnerDraft {
                name: get(Field::OwnerName),
                phone: get(Field::OwnerPhone),
                id_number: get(Field::OwnerIdNumber),
            }],
        };
        match parse_unit(&draft, true) {
            Ok(u) if errors.is_empty() => rows.push((*row, u)),
            Ok(_) => report.errors.push(RowError { sheet: SHEET.into(), row: *row, message: row_message(errors) }),
            Err(more) => {
                errors.extend(more);
                report.errors.push(RowError { sheet: SHEET.into(), row: *row, message: row_message(errors) });
            }
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let units = match merge_rows(rows) {
        Ok(units) => units,
        Err(errors) => {
            report.errors =
                errors.into_iter().map(|(row, message)| RowError { sheet: SHEET.into(), row, message }).collect();
            return Ok(report);
        }
    };
    if units.is_empty() {
        return Err(ServiceError::field("file", format!("工作表“{SHEET}”中没有房屋")));
    }

    let tx = deps.db.begin().await?;
    // Two imports of one community at once: the second waits for the first and replaces it.
    db::communities::lock_community(&tx, c.id).await?;
    report.replaced = db::roster::delete_roster(&tx, c.id).await?;
    let mut owners = Vec::new();
    for u in &units {
        let row = db::roster::insert_unit(&tx, new_unit(c.id, u), ctx.now).await?;
        owners.extend(sealed_owners(deps, row.id, u));
    }
    report.units = units.len();
    report.owners = owners.len();
    db::roster::insert_owners(&tx, owners, ctx.now).await?;
    record(
        &tx,
        ctx,
        AuditAction::RosterImport,
        "community",
        c.id,
        SUCCESS,
        json!({"units": report.units, "owners": report.owners, "replaced": report.replaced}),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The roster as an .xlsx workbook in the import's format. Those who keep the roster get the
/// owners' personal data in clear (and the export is audited); other readers get it masked.
pub async fn export_roster(deps: &Deps, ctx: &Ctx, community_id: i64) -> Result<Vec<u8>, ServiceError> {
    let (c, tree) = community_in_reach(deps, ctx, community_id, Action::ReadRoster).await?;
    let clear = may_edit(ctx, &c, &tree);
    let units = load(deps, c.id).await?;
    let xlsx = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name(SHEET).map_err(xlsx)?;
    for (i, column) in Field::ALL.iter().enumerate() {
        ws.write_with_format(0, i as u16, column.label(), &bold).map_err(xlsx)?;
    }
    let mut row = 0u32;
    let mut people = 0usize;
    for (u, owners) in &units {
        let mut persons = Vec::new();
        for o in owners {
            let name = deps.cipher.open(&o.name_sealed)?;
            let phone = open_sealed(deps, o.phone_sealed.as_deref())?;
            let id = open_sealed(deps, o.id_number_sealed.as_deref())?;
            persons.push(if clear {
                [name, phone, id]
            } else {
                [
                    mask_name(&name),
                    if phone.is_empty() { phone } else { mask_phone(&phone) },
                    if id.is_empty() { id } else { mask_id_number(&id) },
                ]
            });
        }
        people += persons.len();
        if persons.is_empty() {
            persons.push(Default::default());
        }
        for [name, phone, id] in persons {
            row += 1;
            let cells = [
                u.building.clone(),
                u.unit.clone(),
                u.room.clone(),
                area_text(u.register_area_centi),
                area_text(u.surveyed_area_centi),
                area_text(u.contract_area_centi),
                if u.developer_held { "是" } else { "否" }.to_string(),
                name,
                phone,
                id,
            ];
            // Every cell is text, so areas, phones and ID numbers survive a round trip exactly.
            for (i, v) in cells.iter().enumerate() {
                ws.write(row, i as u16, v.as_str()).map_err(xlsx)?;
            }
        }
    }
    ws.autofit();
    let bytes = wb.save_to_buffer().map_err(xlsx)?;
    if clear {
        // Personal data in clear leaves the platform: who took it, and how much, is recorded.
        let tx = deps.db.begin().await?;
        record(
            &tx,
            ctx,
            AuditAction::RosterExport,
            "community",
            c.id,
            SUCCESS,
            json!({"units": units.len(), "owners": people}),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(bytes)
}
