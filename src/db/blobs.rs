//! Stored files by their SM3 digest (`blobs`): written in the transaction of the record that
//! refers to them, read in chunks so that serving a 20 MB PDF never holds it whole in memory.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::entities::blob;

/// What a blob is, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub digest: String,
    pub media_type: String,
    pub size: i64,
}

/// Writes a blob unless one with its digest exists (same digest, same bytes). Returns whether
/// a row was written.
pub async fn insert_if_absent<C: ConnectionTrait>(
    tx: &C,
    digest: &str,
    media_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let size = bytes.len() as i64;
    let am = blob::ActiveModel {
        digest: Set(digest.to_string()),
        media_type: Set(media_type.to_string()),
        size: Set(size),
        bytes: Set(bytes),
        created_at: Set(now),
    };
    let n = blob::Entity::insert(am)
        .on_conflict(OnConflict::column(blob::Column::Digest).do_nothing().to_owned())
        .exec_without_returning(tx)
        .await?;
    Ok(n > 0)
}

/// The blob's media type and size.
pub async fn meta<C: ConnectionTrait>(db: &C, digest: &str) -> Result<Option<BlobMeta>, DbErr> {
    let row: Option<(String, String, i64)> = blob::Entity::find()
        .select_only()
        .column(blob::Column::Digest)
        .column(blob::Column::MediaType)
        .column(blob::Column::Size)
        .filter(blob::Column::Digest.eq(digest))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(|(digest, media_type, size)| BlobMeta { digest, media_type, size }))
}

/// `len` bytes of the blob from `offset` (0-based); fewer at the end, none past it.
pub async fn chunk<C: ConnectionTrait>(db: &C, digest: &str, offset: i64, len: i64) -> Result<Option<Vec<u8>>, DbErr> {
    // substr(blob, start, count) is 1-based and works on BLOB (SQLite) and bytea (PostgreSQL,
    // whose substr takes integer, not bigint, positions: a file is at most 20 MB).
    let q = Query::select()
        .expr_as(
            Func::cust(Alias::new("substr"))
                .arg(Expr::col(blob::Column::Bytes))
                .arg((offset + 1) as i32)
                .arg(len as i32),
            Alias::new("part"),
        )
        .from(blob::Entity)
        .and_where(blob::Column::Digest.eq(digest))
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some(row.try_get::<Vec<u8>>("", "part")?)),
        None => Ok(None),
    }
}

/// The whole blob (for typesetting and tests; pages stream with [`chunk`]).
pub async fn bytes<C: ConnectionTrait>(db: &C, digest: &str) -> Result<Option<Vec<u8>>, DbErr> {
    let row: Option<Vec<u8>> = blob::Entity::find()
        .select_only()
        .column(blob::Column::Bytes)
        .filter(blob::Column::Digest.eq(digest))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row)
}

/// Every digest stored (for `propwatch blobs verify`).
pub async fn digests<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    blob::Entity::find().select_only().column(blob::Column::Digest).into_tuple().all(db).await
}

/// What [`adopt_files`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Adopted {
    /// Files moved into `blobs` (and removed from the data directory).
    pub moved: usize,
    pub bytes: u64,
    /// Files whose content does not match the digest in their name: left where they are.
    pub mismatched: Vec<PathBuf>,
}

/// The directories files were kept in before evidence moved into the database, and the media
/// type of each file name's extension.
const LEGACY_DIRS: [&str; 3] = ["photos", "documents", "notices"];

fn legacy_files(data_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = LEGACY_DIRS.iter().map(|d| data_dir.join(d)).filter(|d| d.is_dir()).collect();
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("jpg" | "pdf")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Moves the files of `data/photos`, `data/documents` and `data/notices` (how evidence was kept
/// before the `blobs` table) into the database: each file's SM3 must equal the digest in its
/// name; all matching files are written in one transaction, and removed only after it
/// committed. Running it again finds nothing to do.
pub async fn adopt_files(
    db: &sea_orm::DatabaseConnection,
    data_dir: &Path,
    sm3_hex: fn(&[u8]) -> String,
    now: DateTime<Utc>,
) -> anyhow::Result<Adopted> {
    use sea_orm::TransactionTrait;
    let files = legacy_files(data_dir);
    let mut report = Adopted::default();
    if files.is_empty() {
        return Ok(report);
    }
    let tx = db.begin().await?;
    let mut moved = Vec::new();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let media_type = match path.extension().and_then(|x| x.to_str()) {
            Some("pdf") => "application/pdf",
            _ => "image/jpeg",
        };
        let bytes = std::fs::read(&path)?;
        if sm3_hex(&bytes) != stem {
            report.mismatched.push(path);
            continue;
        }
        report.bytes += bytes.len() as u64;
        insert_if_absent(&tx, &stem, media_type, bytes, now).await?;
        moved.push(path);
    }
    tx.commit().await?;
    report.moved = moved.len();
    for p in &moved {
        std::fs::remove_file(p)?;
    }
    for d in LEGACY_DIRS {
        remove_empty_dirs(&data_dir.join(d));
    }
    Ok(report)
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                remove_empty_dirs(&e.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir); // fails (and keeps it) when not empty
}
