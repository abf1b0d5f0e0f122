//! Open311 GeoReport v2 over HTTP: one model serving `.xml` and `.json`, chosen by the suffix,
//! exactly as the specification defines them (lists are arrays in JSON; errors are
//! `[{"code","description"}]` with 400/403/404; datetimes carry a time zone).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Serialize;

use crate::service::open311::{self, O311Error};
use crate::web::AppState;
use crate::web::auth::Public;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Xml,
    Json,
}

fn split(file: &str) -> Result<(&str, Format), O311Error> {
    match file.rsplit_once('.') {
        Some((name, "xml")) => Ok((name, Format::Xml)),
        Some((name, "json")) => Ok((name, Format::Json)),
        _ => Err(O311Error { code: 404, description: "请使用 .xml 或 .json 后缀".into() }),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn xml_list<T: Serialize>(root: &str, item: &str, items: &[T]) -> Result<String, O311Error> {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{root}>");
    for i in items {
        out.push_str(
            &quick_xml::se::to_string_with_root(item, i)
                .map_err(|e| O311Error { code: 500, description: e.to_string() })?,
        );
    }
    out.push_str(&format!("</{root}>"));
    Ok(out)
}

fn xml_response(body: String, status: StatusCode) -> Response {
    (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

fn list<T: Serialize>(format: Format, root: &str, item: &str, items: Vec<T>) -> Response {
    match format {
        Format::Json => Json(items).into_response(),
        Format::Xml => match xml_list(root, item, &items) {
            Ok(x) => xml_response(x, StatusCode::OK),
            Err(e) => error(format, e),
        },
    }
}

fn error(format: Format, e: O311Error) -> Response {
    let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
    match format {
        Format::Json => {
            (status, Json(serde_json::json!([{"code": e.code, "description": e.description}]))).into_response()
        }
        Format::Xml => xml_response(
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>{}</code><description>{}</description></error></errors>",
                e.code,
                xml_escape(&e.description)
            ),
            status,
        ),
    }
}

/// GET /open311/discovery.{xml,json}
pub async fn discovery(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let (name, format) = match split(&file) {
        Ok(v) => v,
        Err(e) => return error(Format::Json, e),
    };
    if name != "discovery" {
        return error(format, O311Error { code: 404, description: "未找到".into() });
    }
    let url = format!("{}/open311/v2", s.settings.public_url.trim_end_matches('/'));
    let changeset = "2026-11-27T00:00:00+08:00";
    let contact = format!("{}，电话 {}，邮箱 {}", s.settings.office_name, s.settings.hotline, s.settings.mailbox);
    match format {
        Format::Json => Json(serde_json::json!({
            "changeset": changeset,
            "contact": contact,
            "key_service": "请向物业管理中心申请 api_key",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url, "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"]}]
        }))
        .into_response(),
        Format::Xml => xml_response(
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery><changeset>{changeset}</changeset><contact>{}</contact><key_service>请向物业管理中心申请 api_key</key_service><endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification><url>{}</url><changeset>{changeset}</changeset><type>production</type><formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints></discovery>",
                xml_escape(&contact),
                xml_escape(&url)
            ),
            StatusCode::OK,
        ),
    }
}

/// GET /open311/v2/{services|requests|servicerequestupdates}.{fmt}
pub async fn get_collection(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (name, format) = match split(&file) {
        Ok(v) => v,
        Err(e) => return error(Format::Json, e),
    };
    let result = match name {
        "services" => open311::services(&s.deps).await.map(|v| list(format, "services", "service", v)),
        "requests" => open311::list_requests(&s.deps, &q).await.map(|v| list(format, "service_requests", "request", v)),
        "servicerequestupdates" => {
            open311::updates(&s.deps, &q).await.map(|v| list(format, "service_request_updates", "request_update", v))
        }
        _ => Err(O311Error { code: 404, description: "未找到".into() }),
    };
    result.unwrap_or_else(|e| error(format, e))
}

/// POST /open311/v2/requests.{fmt} (form-encoded, with the partner's api_key)
pub async fn post_request(
    State(s): State<AppState>,
    p: Public,
    Path(file): Path<String>,
    Form(body): Form<Vec<(String, String)>>,
) -> Response {
    let (name, format) = match split(&file) {
        Ok(v) => v,
        Err(e) => return error(Format::Json, e),
    };
    if name != "requests" {
        return error(format, O311Error { code: 404, description: "未找到".into() });
    }
    let params: HashMap<String, String> = body.into_iter().collect();
    match open311::post_request(&s.deps, &p.ctx, &params).await {
        Ok(v) => {
            let mut res = list(format, "service_requests", "request", v);
            *res.status_mut() = StatusCode::CREATED;
            res
        }
        Err(e) => error(format, e),
    }
}

/// GET /open311/v2/services/{code}.{fmt}
pub async fn get_service(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let deps = s.deps.clone();
    let (code, format) = match split(&file) {
        Ok((c, f)) => (c.to_string(), f),
        Err(e) => return error(Format::Json, e),
    };
    match open311::service_definition(&deps, &code).await {
        Ok(d) => match format {
            Format::Json => Json(d).into_response(),
            Format::Xml => xml_response(
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition><service_code>{}</service_code><attributes></attributes></service_definition>",
                    xml_escape(&d.service_code)
                ),
                StatusCode::OK,
            ),
        },
        Err(e) => error(format, e),
    }
}

/// GET /open311/v2/requests/{id}.{fmt}
pub async fn get_request(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (id, format) = match split(&file) {
        Ok((i, f)) => (i.to_string(), f),
        Err(e) => return error(Format::Json, e),
    };
    match open311::get_request(&s.deps, &id, q.get("api_key").map(String::as_str)).await {
        Ok(v) => list(format, "service_requests", "request", v),
        Err(e) => error(format, e),
    }
}

/// GET /open311/v2/tokens/{token}.{fmt}
pub async fn get_token(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let (token, format) = match split(&file) {
        Ok((t, f)) => (t.to_string(), f),
        Err(e) => return error(Format::Json, e),
    };
    match open311::token(&s.deps, &token).await {
        Ok(v) => list(format, "service_requests", "request", v),
        Err(e) => error(format, e),
    }
}
