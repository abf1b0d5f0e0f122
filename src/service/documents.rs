//! Documents attached to records (litigation papers, disclosure attachments): a PDF is kept as
//! it is, anything else must be a photo and is re-encoded (EXIF gone). Files are stored once by
//! their SM3 digest under `data/documents/`, written to a temporary name, synced and renamed, so
//! a row never points at a half-written file; reading checks the digest.

use std::path::{Path, PathBuf};

use super::ServiceError;

/// Largest document.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

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

fn path(data_dir: &Path, digest: &str, kind: &str) -> PathBuf {
    let digest: String = digest.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    data_dir.join("documents").join(format!("{digest}.{}", if kind == "pdf" { "pdf" } else { "jpg" }))
}

/// Checks and stores an uploaded document; `field` names the form field errors point at.
pub fn store(data_dir: &Path, field: &str, name: &str, bytes: Vec<u8>) -> Result<Stored, ServiceError> {
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
    let target = path(data_dir, &digest, kind);
    if !target.exists() {
        std::fs::create_dir_all(target.parent().expect("has a parent"))
            .and_then(|_| {
                let tmp = target.with_extension(format!("tmp-{}", uuid::Uuid::now_v7().simple()));
                std::fs::write(&tmp, &bytes)?;
                std::fs::File::open(&tmp)?.sync_all()?;
                std::fs::rename(&tmp, &target)
            })
            .map_err(|e| anyhow::anyhow!("storing document: {e}"))?;
    }
    Ok(Stored { name: name.trim().chars().take(200).collect(), kind, digest, len: bytes.len() })
}

/// Reads a stored document, checked against its digest: (content type, bytes).
pub fn read(data_dir: &Path, digest: &str, kind: &str) -> Result<(&'static str, Vec<u8>), ServiceError> {
    let bytes = std::fs::read(path(data_dir, digest, kind)).map_err(|e| anyhow::anyhow!("reading document: {e}"))?;
    if crate::crypto::sm3_hex(&bytes) != digest {
        return Err(anyhow::anyhow!("document {digest} does not match its SM3 digest").into());
    }
    Ok((if kind == "pdf" { "application/pdf" } else { "image/jpeg" }, bytes))
}
