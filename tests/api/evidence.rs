//! Evidence inside the database: every photo and PDF of the demo survives a backup restored
//! into an empty data directory byte for byte, and two app servers on one database serve each
//! other's uploads.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use propwatch::config::Settings;
use propwatch::db::entities::{
    case_photo, complaint_photo, disclosure_file, exit, exit_item_file, inspection_photo, litigation_event, notice,
    reassessment, referral,
};
use propwatch::domain::role::Role;
use sea_orm::{ConnectionTrait, Database, EntityTrait};
use tower::ServiceExt;

use crate::helpers::{Client, PASSWORD, TestApp, username};

/// Every URL that serves a stored file of the demo, with the digest it must match.
async fn evidence_urls(app: &TestApp) -> Vec<(String, String)> {
    let db = &app.deps.db;
    let mut out = Vec::new();
    for p in complaint_photo::Entity::find().all(db).await.unwrap() {
        out.push((format!("/inbox/{}/photos/{}", p.complaint_id, p.id), p.digest));
    }
    for p in case_photo::Entity::find().all(db).await.unwrap() {
        out.push((format!("/cases/{}/photos/{}", p.case_id, p.id), p.digest));
    }
    for p in inspection_photo::Entity::find().all(db).await.unwrap() {
        out.push((format!("/inspections/{}/photos/{}", p.inspection_id, p.id), p.digest));
    }
    for n in notice::Entity::find().all(db).await.unwrap() {
        out.push((format!("/notices/{}/pdf", n.id), n.pdf_digest));
    }
    for r in reassessment::Entity::find().all(db).await.unwrap() {
        if let Some(d) = r.company_letter_sm3 {
            out.push((format!("/reassessments/{}/letters/company", r.id), d));
        }
        if let Some(d) = r.department_letter_sm3 {
            out.push((format!("/reassessments/{}/letters/departments", r.id), d));
        }
    }
    for r in referral::Entity::find().all(db).await.unwrap() {
        if let Some(d) = r.letter_sm3 {
            out.push((format!("/referrals/{}/letter", r.id), d));
        }
    }
    for e in litigation_event::Entity::find().all(db).await.unwrap() {
        if let Some(d) = e.doc_sm3 {
            let url = match (e.track_id, e.exit_id) {
                (Some(t), _) => format!("/dismissals/{t}/documents/{}", e.id),
                (None, Some(x)) => format!("/exits/{x}/documents/{}", e.id),
                (None, None) => panic!("a litigation step attached to nothing: {}", e.id),
            };
            out.push((url, d));
        }
    }
    for f in exit_item_file::Entity::find().all(db).await.unwrap() {
        out.push((format!("/exits/{}/files/{}", f.exit_id, f.id), f.digest));
    }
    for x in exit::Entity::find().all(db).await.unwrap() {
        if let Some(d) = x.record_sm3 {
            out.push((format!("/exits/{}/record.pdf", x.id), d));
        }
    }
    for f in disclosure_file::Entity::find().all(db).await.unwrap() {
        out.push((format!("/disclosures/{}/files/{}", f.disclosure_id, f.id), f.doc_sm3));
    }
    out
}

/// GET with the client's session; the body as bytes.
async fn fetch(c: &Client, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut b = Request::builder().uri(path);
    if let Some(cookie) = &c.cookie {
        b = b.header(header::COOKIE, cookie.clone());
    }
    let res = c.router().oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// Signs in on a router that is not a TestApp's own.
async fn login_on(router: axum::Router, role: Role) -> Client {
    let mut c = Client::on(router);
    let r = c.try_login(username(role), PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c.get("/").await;
    c
}

/// A second app server on `database_url` with its own, empty data directory.
async fn second_server(
    database_url: &str,
    key: &str,
    clock: std::sync::Arc<propwatch::clock::ManualClock>,
) -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database_url: database_url.to_string(),
        data_dir: dir.path().to_path_buf(),
        personal_data_key: Some(key.to_string()),
        public_rate_per_minute: 0,
        ..Settings::default()
    };
    let deps = propwatch::app::prepare(settings, clock).await.expect("the second server prepares");
    (propwatch::web::build(deps), dir)
}

fn key_of(app: &TestApp) -> String {
    std::fs::read_to_string(app.data_dir().join("keys/personal-data.key")).unwrap().trim().to_string()
}

#[tokio::test]
async fn a_backup_restored_into_an_empty_data_directory_serves_every_photo_and_pdf_byte_identical() {
    let app = TestApp::new().await;
    propwatch::service::demo::seed_activity(&app.deps).await.unwrap();
    let urls = evidence_urls(&app).await;
    for prefix in ["/inbox/", "/cases/", "/inspections/", "/notices/", "/reassessments/", "/referrals/", "/exits/"] {
        assert!(urls.iter().any(|(u, _)| u.starts_with(prefix)), "the demo has evidence under {prefix}: {urls:?}");
    }
    // What the running server serves.
    let before = login_on(app.router.clone(), Role::BureauStaff).await;
    let mut served = Vec::new();
    for (url, digest) in &urls {
        let (status, headers, bytes) = fetch(&before, url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(propwatch::crypto::sm3_hex(&bytes), *digest, "{url} is the stored file");
        assert_eq!(headers.get(header::ETAG).unwrap().to_str().unwrap(), format!("\"{digest}\""));
        served.push(bytes);
    }
    // Nothing lives beside the database any more.
    for d in ["photos", "documents", "notices"] {
        assert!(!app.data_dir().join(d).exists(), "no {d}/ directory in the data directory");
    }

    // The backup, restored into a new, empty data directory.
    let restored_url = if app.is_postgres() {
        let target = format!("{}_restored", app.database_url.rsplit('/').next().unwrap());
        let base = app.database_url.rsplit_once('/').unwrap().0.to_string();
        let admin = Database::connect(format!("{base}/postgres")).await.unwrap();
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{target}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            ))
            .await
            .unwrap();
        let dump = std::process::Command::new("pg_dump").args(["--no-owner", &app.database_url]).output().unwrap();
        assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
        let mut psql = std::process::Command::new("psql")
            .args(["-q", "-v", "ON_ERROR_STOP=1", &format!("{base}/{target}")])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::io::Write::write_all(psql.stdin.as_mut().unwrap(), &dump.stdout).unwrap();
        assert!(psql.wait().unwrap().success(), "the dump restores");
        format!("{base}/{target}")
    } else {
        let backup_dir = tempfile::tempdir().unwrap();
        let dest = backup_dir.path().join("backup.db");
        propwatch::db::backup_sqlite(&app.deps.db, &dest).await.unwrap();
        let empty = tempfile::tempdir().unwrap().keep();
        std::fs::copy(&dest, empty.join("propwatch.db")).unwrap();
        format!("sqlite://{}/propwatch.db", empty.display())
    };
    let (router, dir) = second_server(&restored_url, &key_of(&app), app.clock.clone()).await;
    let after = login_on(router, Role::BureauStaff).await;
    for ((url, _), bytes) in urls.iter().zip(&served) {
        let (status, _, restored) = fetch(&after, url).await;
        assert_eq!(status, StatusCode::OK, "{url} after the restore");
        assert!(restored == *bytes, "{url} is byte-identical after the restore");
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| e.unwrap().file_name() != "photos"));
    drop(after);
    if app.is_postgres() {
        let base = app.database_url.rsplit_once('/').unwrap().0.to_string();
        let admin = Database::connect(format!("{base}/postgres")).await.unwrap();
        let target = restored_url.rsplit('/').next().unwrap().to_string();
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{target}\" WITH (FORCE)")).await;
    }
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([(x * 5) as u8, (y * 7) as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

#[tokio::test]
async fn two_app_servers_on_one_database_serve_each_others_photos() {
    let app = TestApp::new().await;
    let (other, _dir) = second_server(&app.database_url, &key_of(&app), app.clock.clone()).await;
    // A resident files a clue with a photo through the first server.
    let community = propwatch::db::communities::community_by_code(&app.deps.db, "YC-FC-001").await.unwrap().unwrap();
    let id = community.id.to_string();
    let mut resident = app.client();
    resident.get("/complaints/new").await;
    let fields =
        [("community_id", id.as_str()), ("description", "地下车库积水，照明损坏两周无人修"), ("consent", "on")];
    let r = resident.multipart("/complaints", &fields, &[("photos", "garage.jpg", jpeg())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let photo = complaint_photo::Entity::find().all(&app.deps.db).await.unwrap().into_iter().last().unwrap();

    // Staff read it through the second server, which has never seen the upload.
    let staff = login_on(other, Role::BureauStaff).await;
    let url = format!("/inbox/{}/photos/{}", photo.complaint_id, photo.id);
    let (status, headers, bytes) = fetch(&staff, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "image/jpeg");
    assert_eq!(propwatch::crypto::sm3_hex(&bytes), photo.digest);
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    // The browser's copy is still good: 304 by digest, no body.
    let mut req = Request::builder().uri(&url).header(header::IF_NONE_MATCH, format!("\"{}\"", photo.digest));
    req = req.header(header::COOKIE, staff.cookie.clone().unwrap());
    let res = staff.router().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.into_body().collect().await.unwrap().to_bytes().is_empty());
}
