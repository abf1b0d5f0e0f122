//! Uploaded photos: checked by content (not by file name), size-limited, decoded with limits,
//! turned upright, shrunk to at most 2560 px, and re-encoded as JPEG — which drops EXIF and
//! with it the location — then stored content-addressed under `<data_dir>/photos/`.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

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

/// Where a photo with this digest lives.
pub fn path_of(data_dir: &Path, digest: &str) -> PathBuf {
    let digest: String = digest.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let prefix: String = digest.chars().take(2).collect();
    data_dir.join("photos").join(prefix).join(format!("{digest}.jpg"))
}

/// Writes a photo durably (temp file, fsync, rename); an existing identical file is kept.
pub fn store(data_dir: &Path, p: &Processed) -> std::io::Result<PathBuf> {
    let path = path_of(data_dir, &p.digest);
    if path.exists() {
        return Ok(path);
    }
    let dir = path.parent().expect("photo path has a parent");
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.{}.tmp", p.digest, uuid::Uuid::now_v7().simple()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&p.jpeg)?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
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
