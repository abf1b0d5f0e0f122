//! Rates shown to people (satisfaction, response, inspection coverage): one formatting rule.
//!
//! A rate is shown in per cent with exactly one decimal, rounded half up ("6.7%" for 1/15,
//! "66.7%" for 2/3, "100.0%", "0.0%"), and "—" when there is nothing to divide by. The
//! arithmetic is integer only. Rounding is for display: a comparison against a legal or
//! configured threshold (e.g. the satisfaction standard, A1.5) never goes through this and
//! stays exact (`numerator × 100 < standard × denominator`).

/// The rate in tenths of a per cent (per mille), rounded half up; `None` without a denominator.
pub fn permille(numerator: u64, denominator: u64) -> Option<u64> {
    if denominator == 0 {
        return None;
    }
    // 2·n·1000 + d over 2·d: half up, exact in u128.
    let (n, d) = (u128::from(numerator), u128::from(denominator));
    Some(((2 * n * 1000 + d) / (2 * d)) as u64)
}

/// The rate as shown: "66.7%", or "—" without a denominator.
pub fn format_rate(numerator: u64, denominator: u64) -> String {
    match permille(numerator, denominator) {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_to_one_decimal() {
        for (n, d, want) in [
            (1, 15, "6.7%"),
            (2, 3, "66.7%"),
            (1, 3, "33.3%"),
            (1, 6, "16.7%"),
            (5, 6, "83.3%"),
            (1, 8, "12.5%"),
            (1, 16, "6.3%"),   // 6.25 → 6.3: half up
            (1, 2000, "0.1%"), // 0.05 → 0.1
            (1, 2001, "0.0%"),
            (4, 5, "80.0%"),
            (0, 7, "0.0%"),
            (7, 7, "100.0%"),
            (1999, 2000, "100.0%"), // 99.95 → 100.0
            (3, 2, "150.0%"),
            (0, 0, "—"),
            (5, 0, "—"),
            (u64::MAX, u64::MAX, "100.0%"),
        ] {
            assert_eq!(format_rate(n, d), want, "{n}/{d}");
        }
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(1, 0), None);
    }
}
