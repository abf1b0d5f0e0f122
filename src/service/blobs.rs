//! Evidence files inside the database (`blobs`): photos, notice and letter PDFs, litigation
//! papers and disclosure attachments, each stored once by its SM3 digest in the transaction of
//! the record that refers to it, so a use case commits its evidence atomically, a backup or
//! `pg_dump` holds every file, and any number of app servers share them. Read back in chunks
//! (a stream), each chunk a query, with the digest as the `ETag`.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::Stream;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::ServiceError;
use crate::db;

pub use crate::db::blobs::BlobMeta;

/// JPEG photos (every photo is re-encoded to JPEG).
pub const JPEG: &str = "image/jpeg";
/// PDF documents, notices and letters.
pub const PDF: &str = "application/pdf";

/// Bytes per chunk read while serving.
const CHUNK: i64 = 256 * 1024;

/// Stores `bytes` under their SM3 digest inside `tx` (the caller's use case) and returns the
/// digest. Storing the same bytes twice keeps one row.
pub async fn put<C: ConnectionTrait>(
    tx: &C,
    media_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let digest = crate::crypto::sm3_hex(&bytes);
    db::blobs::insert_if_absent(tx, &digest, media_type, bytes, now).await?;
    Ok(digest)
}

/// Like [`put`] when the digest is already known (computed when the bytes were prepared).
pub async fn put_with_digest<C: ConnectionTrait>(
    tx: &C,
    digest: &str,
    media_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    debug_assert_eq!(crate::crypto::sm3_hex(&bytes), digest);
    db::blobs::insert_if_absent(tx, digest, media_type, bytes, now).await?;
    Ok(())
}

/// The whole blob, checked against its digest (for typesetting and mail attachments).
pub async fn read<C: ConnectionTrait>(db: &C, digest: &str) -> Result<Vec<u8>, ServiceError> {
    let bytes = db::blobs::bytes(db, digest).await?.ok_or_else(|| anyhow::anyhow!("blob {digest} is missing"))?;
    if crate::crypto::sm3_hex(&bytes) != digest {
        return Err(anyhow::anyhow!("blob {digest} does not match its SM3 digest").into());
    }
    Ok(bytes)
}

/// A stored file ready to serve: what it is and its bytes as a stream of chunks.
pub struct Download {
    pub meta: BlobMeta,
    db: DatabaseConnection,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download").field("meta", &self.meta).finish()
    }
}

impl Download {
    /// The bytes, chunk by chunk (each chunk one query on the read pool), checked against the
    /// digest as they go: a blob that does not match ends the stream with an error instead of
    /// its last chunk, so a client never receives a complete wrong file.
    pub fn stream(self) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        use sm3::Digest;
        let Download { meta, db } = self;
        futures_util::stream::try_unfold((0i64, sm3::Sm3::new()), move |(offset, mut hasher)| {
            let db = db.clone();
            let digest = meta.digest.clone();
            let size = meta.size;
            async move {
                if offset >= size {
                    return Ok(None);
                }
                let part = db::blobs::chunk(&db, &digest, offset, CHUNK)
                    .await
                    .map_err(std::io::Error::other)?
                    .ok_or_else(|| std::io::Error::other(format!("blob {digest} vanished")))?;
                if part.is_empty() {
                    return Err(std::io::Error::other(format!("blob {digest} is shorter than its size")));
                }
                hasher.update(&part);
                let next = offset + part.len() as i64;
                if next >= size && hex::encode(hasher.clone().finalize()) != digest {
                    return Err(std::io::Error::other(format!("blob {digest} does not match its SM3 digest")));
                }
                Ok(Some((Bytes::from(part), (next, hasher))))
            }
        })
    }

    /// The whole file in memory (tests, exports).
    pub async fn into_bytes(self) -> Result<Vec<u8>, ServiceError> {
        read(&self.db, &self.meta.digest).await
    }
}

/// Opens a stored file for serving; `NotFound` names what is missing.
pub async fn open(db: &DatabaseConnection, digest: &str, what: &'static str) -> Result<Download, ServiceError> {
    let meta = db::blobs::meta(db, digest).await?.ok_or(ServiceError::NotFound(what))?;
    Ok(Download { meta, db: db.clone() })
}
