//! Password policy (等保2.0 二级 身份鉴别): at least 8 characters, at least three of the four
//! character classes (upper case, lower case, digits, symbols), and not containing the username.

/// Why a password was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooFewClasses,
    ContainsUsername,
}

impl PasswordError {
    /// The Chinese message shown to people.
    pub fn message(self) -> &'static str {
        match self {
            PasswordError::TooShort => "密码长度不能少于8位",
            PasswordError::TooFewClasses => "密码须包含大写字母、小写字母、数字、符号中的至少三类",
            PasswordError::ContainsUsername => "密码不能包含用户名",
        }
    }
}

/// Minimum length in characters.
pub const MIN_LENGTH: usize = 8;

/// Checks a new password against the policy.
pub fn check(username: &str, password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&c| c).count() < 3 {
        return Err(PasswordError::TooFewClasses);
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && password.to_lowercase().contains(&user) {
        return Err(PasswordError::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_table() {
        let cases = [
            ("zhang", "Abc1234", Err(PasswordError::TooShort)),
            ("zhang", "abcdefgh1", Err(PasswordError::TooFewClasses)),
            ("zhang", "ABCDEFGH!", Err(PasswordError::TooFewClasses)),
            ("zhang", "Zhang2024x", Err(PasswordError::ContainsUsername)),
            ("zhang", "Abcdefg1", Ok(())),
            ("zhang", "abcdef1!", Ok(())),
            ("zhang", "物业监管Ab1!", Ok(())),
        ];
        for (user, pw, want) in cases {
            assert_eq!(check(user, pw), want, "{pw}");
        }
    }
}
