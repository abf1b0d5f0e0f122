//! Personal data at rest: SM4-GCM (商用密码, 个人信息保护法第51条), and SM3 helpers.
//!
//! A sealed value reads `sm4gcm:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`; the key id (the
//! first 8 hex digits of SM3(key)) lets a later key rotation tell which key sealed a value.

use std::path::Path;

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sm3::{Digest, Sm3};

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// Hex SM3 digest of some bytes.
pub fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// Seals and opens personal data with one SM4 key.
#[derive(Clone)]
pub struct PersonalDataCipher {
    key: [u8; 16],
    key_id: String,
}

impl std::fmt::Debug for PersonalDataCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonalDataCipher({})", self.key_id)
    }
}

impl PersonalDataCipher {
    /// A cipher from a 16-byte key.
    pub fn new(key: [u8; 16]) -> Self {
        let key_id = sm3_hex(&key)[..8].to_string();
        PersonalDataCipher { key, key_id }
    }

    /// A cipher from 32 hex digits.
    pub fn from_hex(hex_key: &str) -> anyhow::Result<Self> {
        let bytes = hex::decode(hex_key.trim())?;
        let key: [u8; 16] = bytes.try_into().map_err(|_| anyhow::anyhow!("SM4 密钥应为32位十六进制"))?;
        Ok(Self::new(key))
    }

    /// The configured key, or the one in `<data_dir>/keys/personal-data.key`, generated there
    /// (readable by the owner only) on first run.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(k) = configured {
            return Self::from_hex(k);
        }
        let dir = data_dir.join("keys");
        let path = dir.join("personal-data.key");
        if path.exists() {
            return Self::from_hex(&std::fs::read_to_string(&path)?);
        }
        std::fs::create_dir_all(&dir)?;
        let mut key = [0u8; 16];
        rand::rng().fill_bytes(&mut key);
        std::fs::write(&path, hex::encode(key))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(Self::new(key))
    }

    /// The key id stored with every sealed value.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts a value.
    pub fn seal(&self, plaintext: &str) -> String {
        let cipher = Sm4Gcm::new(&self.key.into());
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher.encrypt(&nonce.into(), plaintext.as_bytes()).expect("SM4-GCM encrypts any short message");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("sm4gcm:{}:{}", self.key_id, STANDARD.encode(out))
    }

    /// Decrypts a value sealed with this key.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let mut parts = sealed.splitn(3, ':');
        let (Some("sm4gcm"), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            anyhow::bail!("不是加密存储的数据");
        };
        anyhow::ensure!(key_id == self.key_id, "数据由另一把密钥（{key_id}）加密");
        let bytes = STANDARD.decode(body)?;
        anyhow::ensure!(bytes.len() > 12, "密文过短");
        let (nonce, ct) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into()?;
        let cipher = Sm4Gcm::new(&self.key.into());
        let plain = cipher.decrypt(&nonce.into(), ct).map_err(|_| anyhow::anyhow!("密文校验失败"))?;
        Ok(String::from_utf8(plain)?)
    }

    /// A keyed SM3 digest (HMAC-SM3) for looking up a sealed value without decrypting it.
    pub fn blind_index(&self, value: &str) -> String {
        use hmac::{KeyInit as _, Mac};
        let mut mac = hmac::Hmac::<Sm3>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(value.trim().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_and_hide_the_plaintext() {
        let c = PersonalDataCipher::new([7; 16]);
        let sealed = c.seal("13800138000");
        assert!(!sealed.contains("13800138000"));
        assert_ne!(sealed, c.seal("13800138000"), "a fresh nonce every time");
        assert_eq!(c.open(&sealed).unwrap(), "13800138000");
        let other = PersonalDataCipher::new([8; 16]);
        assert!(other.open(&sealed).is_err());
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let mut bytes = STANDARD.decode(body).unwrap();
        bytes[14] ^= 1;
        let tampered = format!("{head}:{}", STANDARD.encode(bytes));
        assert!(c.open(&tampered).is_err(), "a changed ciphertext fails authentication");
    }

    #[test]
    fn blind_index_is_stable_and_keyed() {
        let c = PersonalDataCipher::new([7; 16]);
        assert_eq!(c.blind_index("13800138000"), c.blind_index(" 13800138000 "));
        assert_ne!(c.blind_index("13800138000"), PersonalDataCipher::new([8; 16]).blind_index("13800138000"));
    }
}
