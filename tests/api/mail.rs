//! Complaints by email: Chinese encodings, HTML-only messages, photo attachments, idempotence.

use std::process::Command;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use propwatch::domain::role::Role;
use propwatch::service::Ctx;

use crate::helpers::TestApp;

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

/// A message with a GBK encoded-word subject and a GB18030 base64 body.
pub(crate) fn gbk_message(id: &str) -> Vec<u8> {
    let subject = format!("=?GBK?B?{}?=", STANDARD.encode(gbk("凤城花园楼道垃圾无人清理")));
    let from = format!("=?GB2312?B?{}?= <liming@example.com>", STANDARD.encode(gbk("李明")));
    let body = encoding_rs::GB18030
        .encode("物业公司已经两周没有清运垃圾，业主多次反映无果。\r\n请住建局督促整改。")
        .0
        .into_owned();
    let mut m = format!(
        "From: {from}\r\nTo: wyzx20212021@163.com\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.com>\r\nDate: Mon, 3 Jun 2024 09:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"GB18030\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    m.extend_from_slice(STANDARD.encode(body).as_bytes());
    m.extend_from_slice(b"\r\n");
    m
}

fn html_message_with_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(20, 10, |x, _| image::Rgb([x as u8 * 10, 30, 60]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let subject =
        format!("=?UTF-8?Q?{}?=", "电梯广告收入未公示".bytes().map(|b| format!("={b:02X}")).collect::<String>());
    format!(
        "From: zhang@example.org\r\nSubject: {subject}\r\nMessage-ID: <html-1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>阳城新苑的<b>电梯广告</b>收入从来没有公示。</p></body></html>\r\n--b1\r\nContent-Type: image/png; name=\"ad.png\"\r\nContent-Disposition: attachment; filename=\"ad.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        STANDARD.encode(png)
    )
    .into_bytes()
}

fn mail_ctx(app: &TestApp) -> Ctx {
    Ctx { actor_name: "电子邮件".into(), ..Ctx::system(app.deps.clock.now(), "test") }
}

#[tokio::test]
async fn a_gbk_email_becomes_a_clue_with_its_chinese_intact_and_only_once() {
    let app = TestApp::new().await;
    let raw = gbk_message("gbk-1");
    let first = propwatch::service::mail::ingest(&app.deps, &mail_ctx(&app), &raw).await.unwrap();
    assert_eq!(first.subject, "凤城花园楼道垃圾无人清理");
    assert_eq!(first.reply_to.as_deref(), Some("liming@example.com"));
    let again = propwatch::service::mail::ingest(&app.deps, &mail_ctx(&app), &raw).await.unwrap();
    assert_eq!(again.receipt.tracking_code, first.receipt.tracking_code, "the same message is not imported twice");
    let row =
        propwatch::db::complaints::by_tracking_code(&app.deps.db, &first.receipt.tracking_code).await.unwrap().unwrap();
    assert_eq!(row.channel, "email");
    assert!(row.description.contains("物业公司已经两周没有清运垃圾"), "{}", row.description);
    assert!(row.description.contains("凤城花园楼道垃圾无人清理"));
    assert_eq!(app.deps.cipher.open(row.name_sealed.as_ref().unwrap()).unwrap(), "李明");
    assert_eq!(app.deps.cipher.open(row.email_sealed.as_ref().unwrap()).unwrap(), "liming@example.com");
    // Staff assign the community when they accept it.
    let mut staff = app.login_as(Role::BureauStaff).await;
    let page = staff.get(&format!("/inbox/{}", row.id)).await;
    assert_eq!(page.select(".identity")[0].split_whitespace().next(), Some("李*"));
    let community =
        propwatch::db::communities::community_by_code(&app.deps.db, "YC-FC-001").await.unwrap().unwrap().id.to_string();
    let r = staff.post(&format!("/inbox/{}/triage", row.id), &[("decision", "accept"), ("catalog_code", "A1.1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("p.err").iter().any(|e| e.contains("须指明小区")));
    let r = staff
        .post(
            &format!("/inbox/{}/triage", row.id),
            &[("decision", "accept"), ("catalog_code", "A1.1"), ("community_id", &community)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn an_html_only_email_with_a_photo_is_read_as_text_with_the_photo_attached() {
    let app = TestApp::new().await;
    let i = propwatch::service::mail::ingest(&app.deps, &mail_ctx(&app), &html_message_with_photo()).await.unwrap();
    assert_eq!(i.subject, "电梯广告收入未公示");
    let row =
        propwatch::db::complaints::by_tracking_code(&app.deps.db, &i.receipt.tracking_code).await.unwrap().unwrap();
    assert!(row.description.contains("阳城新苑的电梯广告收入从来没有公示"), "{}", row.description);
    assert!(!row.description.contains("<b>"));
    let photos = propwatch::db::complaints::photos(&app.deps.db, row.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!((photos[0].width, photos[0].height), (20, 10));
}

#[tokio::test]
async fn the_ingest_mail_command_imports_eml_files() {
    let app = TestApp::new().await;
    let file = app.data_dir().join("complaint.eml");
    std::fs::write(&file, gbk_message("cli-1")).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_propwatch"))
            .args(["ingest-mail", file.to_str().unwrap()])
            .env("PROPWATCH_DATABASE_URL", &app.database_url)
            .env("PROPWATCH_DATA_DIR", app.data_dir())
            .env("PROPWATCH_CONFIG", "/nonexistent.toml")
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("查询码") && stdout.contains("凤城花园楼道垃圾无人清理"), "{stdout}");
    let again = String::from_utf8_lossy(&run().stdout).to_string();
    let code = |s: &str| s.split("查询码 ").nth(1).unwrap().split('（').next().unwrap().to_string();
    assert_eq!(code(&stdout), code(&again));
    let bad = app.data_dir().join("empty.eml");
    std::fs::write(&bad, b"").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_propwatch"))
        .args(["ingest-mail", bad.to_str().unwrap()])
        .env("PROPWATCH_DATABASE_URL", &app.database_url)
        .env("PROPWATCH_DATA_DIR", app.data_dir())
        .env("PROPWATCH_CONFIG", "/nonexistent.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("未导入"));
}
