//! Documents attached to records (litigation papers, disclosure attachments) and the PDFs the
//! platform typesets (notices, letters): a PDF is kept as it is, anything else must be a photo
//! and is re-encoded (EXIF gone). Checked before the use case's transaction ([`prepare`]),
//! stored inside it ([`store`]) as a content-addressed blob, read back checked against the
//! digest.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::ServiceError;
use super::blobs::{self, Download};

/// Largest document.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A document checked and ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The name it was uploaded with (at most 200 characters).
    pub name: String,
    /// `pdf` or `jpeg`.
    pub kind: &'static str,
    pub digest: String,
    pub len: usize,
    bytes: Vec<u8>,
}

/// A stored document.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The name it was uploaded with (at most 200 characters).
    pub name: String,
    /// `pdf` or `jpeg`.
    pub kind: &'static str,
    pub digest: String,
    pub len: usize,
}

fn media_type(kind: &str) -> &'static str {
    if kind == "pdf" { blobs::PDF } else { blobs::JPEG }
}

/// Checks an uploaded document (outside any transaction: photos are re-encoded here); `field`
/// names the form field errors point at.
pub fn prepare(field: &str, name: &str, bytes: Vec<u8>) -> Result<Prepared, ServiceError> {
    if bytes.len() > MAX_BYTES {
        return Err(ServiceError::field(field, "文件不超过20MB"));
    }
    let (kind, bytes) = if bytes.starts_with(b"%PDF-") {
        ("pdf", bytes)
    } else {
        let p = super::photos::process(&bytes).map_err(|_| ServiceError::field(field, "只能上传PDF文件或照片"))?;
        ("jpeg", p.jpeg)
    };
    let digest = crate::crypto::sm3_hex(&bytes);
    Ok(Prepared { name: name.trim().chars().take(200).collect(), kind, digest, len: bytes.len(), bytes })
}

/// Stores a prepared document inside the use case's transaction.
pub async fn store<C: ConnectionTrait>(tx: &C, p: Prepared, now: DateTime<Utc>) -> Result<Stored, ServiceError> {
    blobs::put_with_digest(tx, &p.digest, media_type(p.kind), p.bytes, now).await?;
    Ok(Stored { name: p.name, kind: p.kind, digest: p.digest, len: p.len })
}

/// Opens a stored document for serving.
pub async fn open(db: &DatabaseConnection, digest: &str) -> Result<Download, ServiceError> {
    blobs::open(db, digest, "文件").await
}

/// Stores a PDF the platform typeset (a notice, a letter) inside the use case's transaction;
/// returns its SM3 digest.
pub async fn store_pdf<C: ConnectionTrait>(tx: &C, bytes: Vec<u8>, now: DateTime<Utc>) -> Result<String, ServiceError> {
    blobs::put(tx, blobs::PDF, bytes, now).await
}

/// Opens a typeset PDF for serving.
pub async fn open_pdf(db: &DatabaseConnection, digest: &str) -> Result<Download, ServiceError> {
    blobs::open(db, digest, "文书").await
}
