//! The outbox (outgoing email and text messages): a row is written in the transaction that
//! causes it and sent afterwards, with retries and back-off, until sent or given up.

super::labelled_enum! {
    /// Where an outgoing message stands.
    pub enum OutboxStatus {
        /// 待发送 (first attempt, or a retry at `next_attempt_at`).
        Pending => ("pending", "待发送"),
        /// 已发送.
        Sent => ("sent", "已发送"),
        /// 发送失败: given up after the last attempt.
        Failed => ("failed", "发送失败"),
    }
}

impl OutboxStatus {
    /// After a failed attempt: pending again while a retry is due, failed when none is.
    pub fn after_failure(retry: bool) -> OutboxStatus {
        if retry { OutboxStatus::Pending } else { OutboxStatus::Failed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_statuses_read_back_and_a_failure_retries_or_gives_up() {
        for s in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OutboxStatus::after_failure(true), OutboxStatus::Pending);
        assert_eq!(OutboxStatus::after_failure(false), OutboxStatus::Failed);
    }
}
