//! Tracking codes given to every clue: short, unguessable and typo-tolerant.
//!
//! Twelve random symbols of Crockford's base-32 alphabet (60 bits) and one check symbol
//! (the value mod 37, Crockford's check alphabet), shown as `XXXX-XXXX-XXXX-C`. Reading is
//! forgiving: case and hyphens are ignored, I and L read as 1, O as 0, U is never used; the
//! check symbol catches every single mistyped symbol and every swap of two neighbours.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
const BODY: usize = 12;

fn value(c: u8) -> Option<u64> {
    let c = match c.to_ascii_uppercase() {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u64)
}

fn check_symbol(n: u64) -> u8 {
    CHECK[(n % 37) as usize]
}

/// A new random tracking code, formatted for people.
pub fn generate() -> String {
    let mut rng = rand::rng();
    let n: u64 = rng.random::<u64>() >> 4; // 60 bits
    format_code(n)
}

fn format_code(n: u64) -> String {
    let mut body = [0u8; BODY];
    for (i, slot) in body.iter_mut().enumerate() {
        *slot = ALPHABET[((n >> (5 * (BODY - 1 - i))) & 31) as usize];
    }
    let s = std::str::from_utf8(&body).expect("ASCII");
    format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], check_symbol(n) as char)
}

/// Reads a code as typed (any case, with or without hyphens and spaces, I/L/O confusions) and
/// returns its canonical form, or `None` when it is not a valid code.
pub fn parse(input: &str) -> Option<String> {
    let symbols: Vec<u8> = input.bytes().filter(|b| !matches!(b, b'-' | b' ')).collect();
    if symbols.len() != BODY + 1 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in &symbols[..BODY] {
        n = (n << 5) | value(c)?;
    }
    let check = symbols[BODY].to_ascii_uppercase();
    let check = match check {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    (check == check_symbol(n)).then(|| format_code(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_back_to_themselves() {
        for _ in 0..200 {
            let c = generate();
            assert_eq!(c.len(), 16);
            assert_eq!(parse(&c).as_deref(), Some(c.as_str()));
        }
    }

    #[test]
    fn reading_forgives_case_hyphens_and_lookalikes() {
        let c = format_code(0x0012_3456_789A_BCDE);
        let sloppy = c.replace('-', "").to_lowercase().replace('1', "l").replace('0', "o");
        assert_eq!(parse(&sloppy), Some(c.clone()));
        assert_eq!(parse(&format!(" {c} ")), Some(c));
    }

    #[test]
    fn the_check_symbol_catches_single_errors_and_neighbour_swaps() {
        let c = format_code(0x00AB_CDEF_0123_4567).replace('-', "");
        let bytes = c.as_bytes();
        for i in 0..BODY {
            for &sub in ALPHABET.iter() {
                if sub == bytes[i] {
                    continue;
                }
                let mut t = bytes.to_vec();
                t[i] = sub;
                assert_eq!(parse(std::str::from_utf8(&t).unwrap()), None, "substitution at {i}");
            }
            if i + 1 < BODY && bytes[i] != bytes[i + 1] {
                let mut t = bytes.to_vec();
                t.swap(i, i + 1);
                assert_eq!(parse(std::str::from_utf8(&t).unwrap()), None, "swap at {i}");
            }
        }
        assert_eq!(parse("ABCD"), None);
        assert_eq!(parse("ABCD-EFGH-JKMN-PU"), None, "U is not a body symbol");
    }
}
