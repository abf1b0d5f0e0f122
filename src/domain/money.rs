//! Money as the platform keeps it: integer fen, shown as yuan.

/// Fen as yuan with two decimals, negative amounts with a minus sign: 135 → "1.35",
/// -1205 → "-12.05".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::yuan;

    #[test]
    fn yuan_prints_fen_with_two_decimals_and_a_sign() {
        assert_eq!(yuan(135), "1.35");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(-1205), "-12.05");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(i64::MIN), "-92233720368547758.08");
    }
}
