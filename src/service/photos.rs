//! Uploaded photos: checked by content (not by file name), size-limited, decoded with limits,
//! turned upright, shrunk to at most 2560 px, and re-encoded as JPEG — which drops EXIF and
//! with it the location — then stored as a content-addressed blob inside the use case's
//! transaction.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::crypto::sm3_hex;

/// Largest upload accepted per photo.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most photos per clue.
pub const MAX_PHOTOS: usize = 6;
/// Longest side kept.
pub const MAX_SIDE: u32 = 2560;

/// A photo ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    pub jpeg: Vec<u8>,
    pub digest: String,
    pub width: u32,
    pub height: u32,
}

/// Checks and re-encodes one upload. Errors are Chinese, for the person who uploaded.
pub fn process(raw: &[u8]) -> Result<Processed, String> {
    if raw.is_empty() {
        return Err("照片文件为空".into());
    }
    if raw.len() > MAX_BYTES {
        return Err(format!("每张照片不能超过{}MB", MAX_BYTES / 1024 / 1024));
    }
    let format = image::guess_format(raw).map_err(|_| "只能上传照片（JPEG、PNG、WebP、GIF、BMP）".to_string())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif | ImageFormat::Bmp)
    {
        return Err("只能上传照片（JPEG、PNG、WebP、GIF、BMP）".into());
    }
    let mut reader = ImageReader::with_format(Cursor::new(raw), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let unreadable = |_| "照片已损坏或无法识别".to_string();
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85);
    rgb.write_with_encoder(encoder).map_err(|e| format!("照片处理失败：{e}"))?;
    Ok(Processed { digest: sm3_hex(&jpeg), width: rgb.width(), height: rgb.height(), jpeg })
}

/// Stores a processed photo inside the use case's transaction (once per digest).
pub async fn store<C: sea_orm::ConnectionTrait>(
    tx: &C,
    p: &Processed,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), super::ServiceError> {
    super::blobs::put_with_digest(tx, &p.digest, super::blobs::JPEG, p.jpeg.clone(), now).await
}

/// Opens a stored photo for serving.
pub async fn open(
    db: &sea_orm::DatabaseConnection,
    digest: &str,
) -> Result<super::blobs::Download, super::ServiceError> {
    super::blobs::open(db, digest, "照片").await
}

/// Checks and re-encodes uploads off the async threads.
pub(crate) async fn process_photos(raw: Vec<Vec<u8>>) -> Result<Vec<super::photos::Processed>, String> {
    let raw: Vec<Vec<u8>> = raw.into_iter().filter(|r| !r.is_empty()).collect();
    if raw.len() > super::photos::MAX_PHOTOS {
        return Err(format!("最多上传{}张照片", super::photos::MAX_PHOTOS));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, bytes) in raw.into_iter().enumerate() {
        let p = tokio::task::spawn_blocking(move || super::photos::process(&bytes))
            .await
            .map_err(|_| "照片处理失败".to_string())?
            .map_err(|e| format!("第{}张照片：{e}", i + 1))?;
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_png_becomes_a_jpeg_and_large_ones_shrink() {
        let p = process(&png(40, 30)).unwrap();
        assert_eq!(image::guess_format(&p.jpeg).unwrap(), ImageFormat::Jpeg);
        assert_eq!((p.width, p.height), (40, 30));
        let big = process(&png(3000, 1500)).unwrap();
        assert_eq!((big.width, big.height), (2560, 1280));
    }

    #[test]
    fn content_decides_not_the_name() {
        assert!(process(b"%PDF-1.4 not a photo").is_err());
        assert!(process(b"").is_err());
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert!(process(&broken).is_err());
    }
}
