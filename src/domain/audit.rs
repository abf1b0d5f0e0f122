//! The audit trail's hash chain (等保2.0 安全审计; 商用密码: SM3 for integrity).
//!
//! Each entry stores `hash = SM3(previous hash ‖ canonical bytes of the entry)`. Changing,
//! deleting or reordering any entry breaks the chain from that point; the chain head (last
//! sequence number and hash, kept beside the entries) also catches a deleted tail.

use chrono::{DateTime, SecondsFormat, Utc};
use sm3::{Digest, Sm3};

/// The predecessor hash of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of one audit entry, as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub outcome: String,
    pub summary: String,
    pub request_id: String,
    pub client_addr: String,
}

impl AuditRecord {
    /// The canonical byte form: a JSON array of the fields in a fixed order, the instant in
    /// RFC 3339 with microseconds (the precision both databases keep).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let value = serde_json::json!([
            self.seq,
            self.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.actor_user_id,
            self.actor_name,
            self.actor_role,
            self.action,
            self.object_type,
            self.object_id,
            self.outcome,
            self.summary,
            self.request_id,
            self.client_addr,
        ]);
        serde_json::to_vec(&value).expect("a JSON array of plain values serializes")
    }

    /// The chain hash of this entry after the entry with hash `prev_hash` (lower-case hex).
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sm3::new();
        hasher.update(hex::decode(prev_hash).unwrap_or_default());
        hasher.update(self.canonical_bytes());
        hex::encode(hasher.finalize())
    }
}

/// A stored entry: its content and the hashes stored with it.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first entry that does not verify (or the one missing).
    pub seq: i64,
    /// Chinese explanation.
    pub reason: String,
}

/// Verifies entries in sequence order against each other and against the stored head
/// (`head_seq`, `head_hash`). Returns the number of verified entries.
pub fn verify<I>(entries: I, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak>
where
    I: IntoIterator<Item = StoredEntry>,
{
    let mut expected_seq = 1;
    let mut prev = GENESIS_HASH.to_string();
    for entry in entries {
        let seq = entry.record.seq;
        if seq != expected_seq {
            return Err(ChainBreak {
                seq: expected_seq,
                reason: format!("第{expected_seq}条记录缺失或顺序被改动（实际读到第{seq}条）"),
            });
        }
        if entry.prev_hash != prev {
            return Err(ChainBreak { seq, reason: format!("第{seq}条记录的前序哈希与上一条不符") });
        }
        if entry.record.chain_hash(&prev) != entry.hash {
            return Err(ChainBreak {
                seq, reason: format!("第{seq}条记录内容与其哈希不符，已被篡改")
            });
        }
        prev = entry.hash;
        expected_seq += 1;
    }
    let verified = expected_seq - 1;
    if verified != head_seq || prev != head_hash {
        return Err(ChainBreak {
            seq: verified + 1,
            reason: format!("链尾记录缺失：链头记录为第{head_seq}条，实际只有{verified}条"),
        });
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn record(seq: i64, action: &str) -> AuditRecord {
        AuditRecord {
            seq,
            occurred_at: Utc.with_ymd_and_hms(2024, 5, 30, 8, 0, seq as u32).unwrap(),
            actor_user_id: Some(1),
            actor_name: "张凯东".into(),
            actor_role: "bureau_staff".into(),
            action: action.into(),
            object_type: "company".into(),
            object_id: seq.to_string(),
            outcome: "success".into(),
            summary: "{}".into(),
            request_id: "r".into(),
            client_addr: "127.0.0.1".into(),
        }
    }

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = record(seq, "company.update");
                let hash = record.chain_hash(&prev);
                let entry = StoredEntry { record, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        let head = entries.last().unwrap().hash.clone();
        assert_eq!(verify(entries, 5, &head), Ok(5));
        assert_eq!(verify(Vec::new(), 0, GENESIS_HASH), Ok(0));
    }

    #[test]
    fn a_changed_entry_is_reported_at_its_sequence_number() {
        let mut entries = chain(5);
        let head = entries.last().unwrap().hash.clone();
        entries[2].record.action = "company.delete".into();
        assert_eq!(verify(entries, 5, &head).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_or_reordered_entry_is_reported() {
        let mut entries = chain(5);
        let head = entries.last().unwrap().hash.clone();
        entries.remove(1);
        assert_eq!(verify(entries, 5, &head).unwrap_err().seq, 2);

        let mut entries = chain(5);
        entries.swap(3, 4);
        assert_eq!(verify(entries, 5, &head).unwrap_err().seq, 4);

        let mut entries = chain(5);
        entries.pop();
        assert_eq!(verify(entries, 5, &head).unwrap_err().seq, 5);
    }

    #[test]
    fn sm3_of_abc_matches_the_standard_vector() {
        // GB/T 32905-2016 example 1.
        assert_eq!(
            hex::encode(Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
