//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capital letters without I, O, Z, S,
//! V); the last one is a check character: C18 = 31 − (Σ Ci·Wi mod 31), with 31 written as 0.

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a code was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not exactly 18 characters.
    Length,
    /// A character outside the GB 32100 alphabet (I, O, Z, S, V, lower case, punctuation…).
    Character,
    /// The check character does not match the first 17.
    CheckCharacter,
}

impl CreditCodeError {
    /// The Chinese message shown to people.
    pub fn message(self) -> &'static str {
        match self {
            CreditCodeError::Length => "统一社会信用代码应为18位",
            CreditCodeError::Character => "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
            CreditCodeError::CheckCharacter => "统一社会信用代码校验位不正确",
        }
    }
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code.
pub fn check_character(first17: &str) -> Result<char, CreditCodeError> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return Err(CreditCodeError::Length);
    }
    let mut sum = 0;
    for (i, &b) in bytes.iter().enumerate() {
        sum += value(b).ok_or(CreditCodeError::Character)? * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Ok(ALPHABET[check as usize] as char)
}

/// Validates a code, accepting surrounding spaces and lower-case letters, and returns it in
/// canonical (trimmed, upper-case) form.
pub fn parse(input: &str) -> Result<String, CreditCodeError> {
    let code = input.trim().to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(CreditCodeError::Length);
    }
    if !code.bytes().all(|b| value(b).is_some()) {
        return Err(CreditCodeError::Character);
    }
    let expected = check_character(&code[..17])?;
    if code.as_bytes()[17] as char != expected {
        return Err(CreditCodeError::CheckCharacter);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_codes() {
        // Codes published on public business registers.
        for code in ["91350100M000100Y43", "91110000802100433B", "911100001000079554"] {
            assert_eq!(parse(code), Ok(code.to_string()), "{code}");
        }
        assert_eq!(parse(" 91350100m000100y43 "), Ok("91350100M000100Y43".to_string()));
    }

    #[test]
    fn rejects_a_wrong_check_character() {
        assert_eq!(parse("91350100M000100Y44"), Err(CreditCodeError::CheckCharacter));
        assert_eq!(parse("91110000802100433C"), Err(CreditCodeError::CheckCharacter));
    }

    #[test]
    fn rejects_bad_length_and_characters() {
        assert_eq!(parse("9135010"), Err(CreditCodeError::Length));
        assert_eq!(parse("91350100M000100I43"), Err(CreditCodeError::Character));
        assert_eq!(parse("9135010０M000100Y4"), Err(CreditCodeError::Length));
    }

    #[test]
    fn check_character_maps_31_to_zero() {
        // Whatever the first 17, the check is a member of the alphabet.
        let c = check_character("91140522MA0K00000").unwrap();
        assert!(ALPHABET.contains(&(c as u8)));
    }
}
