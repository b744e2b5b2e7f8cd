//! Password policies, temporary-password generation, rule checklists and hashing.
//!
//! Pure: no I/O. The rule checks return every rule with its status, in a stable order, because the
//! TUI shows them as a live checklist while the manager types.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Cloud (Entra ID) password policy. Container-level `serde(default)` so a fixture may omit any
/// field and still get the real default (a field-level default would give 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CloudPolicy {
    pub min_length: usize,
    pub max_length: usize,
    pub required_categories: usize,
}

impl Default for CloudPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 256,
            required_categories: 3,
        }
    }
}

/// On-premises (Windows AD) complexity policy used for synced users with password writeback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct OnPremPolicy {
    pub min_length: usize,
    pub required_categories: usize,
    pub reject_account_name_tokens: bool,
}

impl Default for OnPremPolicy {
    fn default() -> Self {
        Self {
            min_length: 7,
            required_categories: 3,
            reject_account_name_tokens: true,
        }
    }
}

/// Both policies, as stored in the tenant settings (`cloud`, `onPremises`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PasswordPolicy {
    pub cloud: CloudPolicy,
    pub on_premises: OnPremPolicy,
}

/// One line of a password checklist: a human sentence and whether the password meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    pub rule: String,
    pub ok: bool,
}

impl RuleCheck {
    fn new(rule: impl Into<String>, ok: bool) -> Self {
        Self {
            rule: rule.into(),
            ok,
        }
    }
}

/// Symbols the cloud policy accepts (space is accepted too and counts as a symbol).
const CLOUD_SYMBOLS: &str = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";

/// Windows AD's non-alphanumeric characters.
const ON_PREM_SYMBOLS: &str = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/";

/// The on-premises maximum length is fixed by AD, not configurable.
const ON_PREM_MAX_LENGTH: usize = 256;

/// Hard ceiling for generated passwords so an absurd policy value cannot exhaust memory.
const GENERATE_CEILING: usize = 1024;

// Temporary passwords read aloud over a phone line, like Entra's own ("Cuyo5459"): units of a
// capitalised two-syllable word and four digits. Each position has one case, so "capital" is said
// only where it is always true. Left out: l (l/I/1), q (needs a u), x and y (said like words or
// vowels), 0 and 1 (O, I and l).
const CONSONANTS: &[u8] = b"bcdfghjkmnprstvwz";
const VOWELS: &[u8] = b"aeiou";
const DIGITS: &[u8] = b"23456789";
/// Between units when the policy asks for a symbol too; said "dash".
const UNIT_SYMBOL: char = '-';
/// Units are at least this long in all (two units, about 49.6 bits).
const MIN_GENERATED: usize = 16;

/// The alphabet of each position of a unit, in order.
const UNIT: [&[u8]; 8] = [
    CONSONANTS, VOWELS, CONSONANTS, VOWELS, DIGITS, DIGITS, DIGITS, DIGITS,
];

/// Generates a temporary password for a cloud-only user: units like `Cuyo5459` (an uppercase
/// consonant, then lowercase vowel, consonant, vowel, then four digits) until it is at least
/// `max(policy.min_length, 16)` long, cut at `policy.max_length`; units are joined with `-`
/// when the policy needs four character categories. Built inside a [`Secret`], so no copy of it
/// is left in freed memory.
pub fn generate_temporary<R: CryptoRng + RngCore + ?Sized>(
    policy: &CloudPolicy,
    rng: &mut R,
) -> Secret {
    let (len, symbol) = generated_shape(policy);
    let mut out = Secret::default();
    let mut units = 0;
    while out.chars() < len {
        if units > 0 && symbol {
            out.push(UNIT_SYMBOL);
        }
        for (i, set) in UNIT.iter().enumerate() {
            if out.chars() == len {
                break;
            }
            let c = char::from(pick(set, rng));
            out.push(if i == 0 { c.to_ascii_uppercase() } else { c });
        }
        units += 1;
    }
    out
}

/// The length of a generated password and whether units are joined with a symbol.
fn generated_shape(policy: &CloudPolicy) -> (usize, bool) {
    let len = policy
        .min_length
        .max(MIN_GENERATED)
        .min(policy.max_length)
        .min(GENERATE_CEILING);
    (len, policy.required_categories >= 4)
}

/// The entropy of a password from [`generate_temporary`] under `policy`, in bits: the sum of
/// log2 of each position's alphabet size (a fixed symbol adds nothing).
pub fn temporary_entropy_bits(policy: &CloudPolicy) -> f64 {
    let (len, symbol) = generated_shape(policy);
    let mut bits = 0.0;
    let mut n = 0;
    'units: for unit in 0.. {
        if unit > 0 && symbol {
            n += 1;
        }
        for set in UNIT {
            if n >= len {
                break 'units;
            }
            bits += (set.len() as f64).log2();
            n += 1;
        }
    }
    bits
}

fn pick<R: RngCore + ?Sized>(set: &[u8], rng: &mut R) -> u8 {
    // The alphabets are non-empty constants, so the index is always in range.
    set[rng.random_range(0..set.len())]
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_alphabetic() {
        Class::Letter
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// The password cut where letters turn into digits or symbols, and every 4 characters within a
/// run, then joined by spaces: `Cuyo5459Bema2873` → `Cuyo 5459 Bema 2873`. For display only.
pub fn grouped(password: &str) -> String {
    groups(password).join(" ")
}

fn groups(password: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<Class> = None;
    for c in password.chars() {
        let k = class(c);
        let fresh = match out.last() {
            None => true,
            Some(g) => last != Some(k) || g.chars().count() == 4,
        };
        if fresh {
            out.push(String::new());
        }
        if let Some(g) = out.last_mut() {
            g.push(c);
        }
        last = Some(k);
    }
    out
}

const NATO: [&str; 26] = [
    "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "x-ray", "yankee", "zulu",
];
const DIGIT_WORDS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

fn say(c: char) -> String {
    if c.is_ascii_alphabetic() {
        let word = NATO[usize::from(c.to_ascii_lowercase() as u8 - b'a')];
        if c.is_ascii_uppercase() {
            let mut w = word.to_string();
            w[..1].make_ascii_uppercase();
            format!("capital {w}")
        } else {
            word.to_string()
        }
    } else if let Some(d) = c.to_digit(10) {
        DIGIT_WORDS[d as usize].to_string()
    } else {
        let name = match c {
            '-' => "dash",
            '_' => "underscore",
            ' ' => "space",
            '.' => "dot",
            ',' => "comma",
            '!' => "exclamation mark",
            '?' => "question mark",
            '@' => "at sign",
            '#' => "hash",
            '$' => "dollar sign",
            '%' => "percent sign",
            '&' => "ampersand",
            '*' => "asterisk",
            '+' => "plus",
            '=' => "equals",
            '/' => "slash",
            ':' => "colon",
            ';' => "semicolon",
            _ => return format!("the symbol {c}"),
        };
        name.to_string()
    }
}

/// How to spell the password over the phone, group by group: `Cuyo5459` → `capital Charlie,
/// uniform, yankee, oscar / five, four, five, nine`.
pub fn phonetic(password: &str) -> String {
    groups(password)
        .iter()
        .map(|g| g.chars().map(say).collect::<Vec<_>>().join(", "))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Checks a password against the cloud policy. Rules, in order: minimum length, maximum length,
/// categories, allowed characters.
pub fn check_cloud(password: &str, policy: &CloudPolicy) -> Vec<RuleCheck> {
    let len = password.chars().count();
    let (mut lower, mut upper, mut digit, mut symbol, mut other) =
        (false, false, false, false, false);
    for c in password.chars() {
        if c.is_ascii_lowercase() {
            lower = true;
        } else if c.is_ascii_uppercase() {
            upper = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else if CLOUD_SYMBOLS.contains(c) {
            symbol = true;
        } else {
            other = true;
        }
    }
    let found = [lower, upper, digit, symbol].iter().filter(|b| **b).count();
    vec![
        RuleCheck::new(
            format!("At least {} characters", policy.min_length),
            len >= policy.min_length,
        ),
        RuleCheck::new(
            format!("At most {} characters", policy.max_length),
            len <= policy.max_length,
        ),
        RuleCheck::new(
            format!(
                "Characters from at least {} of: uppercase, lowercase, digits, symbols",
                policy.required_categories
            ),
            found >= policy.required_categories,
        ),
        RuleCheck::new(
            format!(
                "Only letters A-Z, digits, spaces and the symbols {}",
                CLOUD_SYMBOLS.trim_end()
            ),
            !other,
        ),
    ]
}

/// Checks a password against the on-premises (Windows AD) policy. Rules, in order: minimum
/// length, maximum length (256), categories, then — only if `reject_account_name_tokens` — the
/// account name and the display-name parts. A name rule that does not apply (account name shorter
/// than 3 characters or absent, no display-name part of 3+ characters) is listed as met.
pub fn check_on_prem(
    password: &str,
    policy: &OnPremPolicy,
    sam_account_name: Option<&str>,
    display_name: &str,
) -> Vec<RuleCheck> {
    let len = password.chars().count();
    let (mut upper, mut lower, mut digit, mut symbol, mut other) =
        (false, false, false, false, false);
    for c in password.chars() {
        // Windows counts accented, Greek and Cyrillic letters by case, so Unicode case is used.
        if c.is_uppercase() {
            upper = true;
        } else if c.is_lowercase() {
            lower = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else if ON_PREM_SYMBOLS.contains(c) {
            symbol = true;
        } else if c.is_alphabetic() {
            other = true;
        }
    }
    let found = [upper, lower, digit, symbol, other]
        .iter()
        .filter(|b| **b)
        .count();
    let mut checks = vec![
        RuleCheck::new(
            format!("At least {} characters", policy.min_length),
            len >= policy.min_length,
        ),
        RuleCheck::new(
            format!("At most {ON_PREM_MAX_LENGTH} characters"),
            len <= ON_PREM_MAX_LENGTH,
        ),
        RuleCheck::new(
            format!(
                "Characters from at least {} of: uppercase, lowercase, digits, symbols, other letters",
                policy.required_categories
            ),
            found >= policy.required_categories,
        ),
    ];
    if policy.reject_account_name_tokens {
        let lowered = password.to_lowercase();
        let sam_ok = match sam_account_name.map(str::trim) {
            Some(sam) if sam.chars().count() >= 3 => !lowered.contains(&sam.to_lowercase()),
            _ => true,
        };
        checks.push(RuleCheck::new("Does not contain the account name", sam_ok));

        let tokens = display_name_tokens(display_name);
        let tokens_ok = tokens.iter().all(|t| !lowered.contains(&t.to_lowercase()));
        let rule = if tokens.is_empty() {
            "Does not contain a part of the display name".to_string()
        } else {
            format!(
                "Does not contain a part of the display name ({})",
                tokens.join(", ")
            )
        };
        checks.push(RuleCheck::new(rule, tokens_ok));
    }
    checks
}

/// Display-name parts of 3+ characters, split as Windows does, without case-insensitive repeats.
fn display_name_tokens(display_name: &str) -> Vec<&str> {
    let mut tokens: Vec<&str> = Vec::new();
    for token in display_name.split([',', '.', '-', '_', ' ', '#', '\t']) {
        if token.chars().count() >= 3
            && !tokens
                .iter()
                .any(|t| t.to_lowercase() == token.to_lowercase())
        {
            tokens.push(token);
        }
    }
    tokens
}

/// The sentences of the rules that are not met, in checklist order.
pub fn failures(checks: &[RuleCheck]) -> Vec<&str> {
    checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.rule.as_str())
        .collect()
}

/// Whether `s` is an argon2id PHC string, the only form a password is kept in.
pub fn is_hash(s: &str) -> bool {
    PasswordHash::new(s).is_ok_and(|h| h.algorithm.as_str() == "argon2id")
}

/// Hashes a password with argon2id (default parameters) and a 16-byte random salt; returns the
/// PHC string. Used only where a password must be remembered — plaintext is never stored.
pub fn hash<R: CryptoRng + RngCore + ?Sized>(
    password: &str,
    rng: &mut R,
) -> Result<String, String> {
    let mut salt_bytes = [0u8; 16];
    rng.fill_bytes(&mut salt_bytes);
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| format!("cannot encode salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash password: {e}"))
}

/// True if `password` matches the PHC string; a malformed PHC string is simply a mismatch.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    // Lowercase o stays: letters and digits never share a position, and 0 is not used.
    const AMBIGUOUS: &str = "0O1lI|`'\"., ";

    fn rng() -> StdRng {
        StdRng::seed_from_u64(7)
    }

    #[test]
    fn defaults_match_spec() {
        let p = PasswordPolicy::default();
        assert_eq!(
            (
                p.cloud.min_length,
                p.cloud.max_length,
                p.cloud.required_categories
            ),
            (8, 256, 3)
        );
        assert_eq!(
            (
                p.on_premises.min_length,
                p.on_premises.required_categories,
                p.on_premises.reject_account_name_tokens
            ),
            (7, 3, true)
        );
    }

    #[test]
    fn serde_uses_camel_case_and_defaults_missing_fields() {
        let p: PasswordPolicy = serde_json::from_str(
            r#"{"cloud":{"minLength":10},"onPremises":{"rejectAccountNameTokens":false}}"#,
        )
        .expect("valid policy");
        assert_eq!(p.cloud.min_length, 10);
        assert_eq!(p.cloud.max_length, 256);
        assert_eq!(p.on_premises.min_length, 7);
        assert!(!p.on_premises.reject_account_name_tokens);
        let empty: PasswordPolicy = serde_json::from_str("{}").expect("empty policy");
        assert_eq!(empty, PasswordPolicy::default());
        let json = serde_json::to_value(PasswordPolicy::default()).expect("serializes");
        assert_eq!(json["onPremises"]["requiredCategories"], 3);
        assert_eq!(json["cloud"]["maxLength"], 256);
    }

    #[test]
    fn serde_rejects_unknown_fields() {
        assert!(serde_json::from_str::<PasswordPolicy>(r#"{"cloud":{"minLen":8}}"#).is_err());
        assert!(serde_json::from_str::<PasswordPolicy>(r#"{"other":{}}"#).is_err());
    }

    #[test]
    fn thousand_generated_passwords_pass_cloud_policy_and_read_aloud_one_way() {
        let policy = CloudPolicy::default();
        let mut rng = rng();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let p = generate_temporary(&policy, &mut rng);
            let p = p.as_str();
            assert_eq!(p.chars().count(), 16);
            assert!(failures(&check_cloud(p, &policy)).is_empty(), "{p}");
            assert!(!p.chars().any(|c| AMBIGUOUS.contains(c)), "{p}");
            // Every unit: capital consonant, vowel, consonant, vowel, four digits.
            for unit in p.as_bytes().chunks(8) {
                assert!(CONSONANTS.contains(&unit[0].to_ascii_lowercase()), "{p}");
                assert!(unit[0].is_ascii_uppercase(), "{p}");
                assert!(
                    VOWELS.contains(&unit[1]) && VOWELS.contains(&unit[3]),
                    "{p}"
                );
                assert!(CONSONANTS.contains(&unit[2]), "{p}");
                assert!(unit[4..].iter().all(|d| DIGITS.contains(d)), "{p}");
            }
            seen.insert(p.to_string());
        }
        assert_eq!(seen.len(), 1000, "generator should not repeat itself");
    }

    #[test]
    fn each_position_has_one_case_so_reading_it_aloud_is_unambiguous() {
        let mut rng = rng();
        let policy = CloudPolicy::default();
        let samples: Vec<String> = (0..200)
            .map(|_| generate_temporary(&policy, &mut rng).as_str().to_string())
            .collect();
        for pos in 0..16 {
            let cases: std::collections::HashSet<_> = samples
                .iter()
                .map(|p| class_and_case(p.as_bytes()[pos]))
                .collect();
            assert_eq!(cases.len(), 1, "position {pos} mixes {cases:?}");
        }
    }

    fn class_and_case(b: u8) -> &'static str {
        if b.is_ascii_uppercase() {
            "upper"
        } else if b.is_ascii_lowercase() {
            "lower"
        } else if b.is_ascii_digit() {
            "digit"
        } else {
            "symbol"
        }
    }

    #[test]
    fn entropy_is_at_least_40_bits_from_the_alphabet_sizes() {
        let unit = 2.0 * (CONSONANTS.len() as f64).log2()
            + 2.0 * (VOWELS.len() as f64).log2()
            + 4.0 * (DIGITS.len() as f64).log2();
        let default = temporary_entropy_bits(&CloudPolicy::default());
        assert!((default - 2.0 * unit).abs() < 1e-9, "{default} vs {unit}");
        assert!(default >= 40.0, "{default}");
        // 17 consonants, 5 vowels, 8 digits: 49.6 bits.
        assert!((default - 49.64).abs() < 0.01, "{default}");
        let four = CloudPolicy {
            required_categories: 4,
            ..CloudPolicy::default()
        };
        assert!(temporary_entropy_bits(&four) >= 40.0);
    }

    #[test]
    fn generated_length_follows_policy() {
        let mut rng = rng();
        let long = CloudPolicy {
            min_length: 20,
            ..CloudPolicy::default()
        };
        let p = generate_temporary(&long, &mut rng);
        assert_eq!(p.chars(), 20);
        assert!(failures(&check_cloud(p.as_str(), &long)).is_empty());
        let four = CloudPolicy {
            required_categories: 4,
            ..CloudPolicy::default()
        };
        let p = generate_temporary(&four, &mut rng);
        assert_eq!(p.as_str().chars().nth(8), Some('-'), "{p:?}");
        assert!(failures(&check_cloud(p.as_str(), &four)).is_empty());
        let capped = CloudPolicy {
            min_length: 8,
            max_length: 10,
            required_categories: 3,
        };
        let p = generate_temporary(&capped, &mut rng);
        assert_eq!(p.chars(), 10);
        assert!(failures(&check_cloud(p.as_str(), &capped)).is_empty());
        // Nonsense policies must not panic or allocate without bound.
        let tiny = CloudPolicy {
            min_length: 0,
            max_length: 2,
            required_categories: 3,
        };
        assert_eq!(generate_temporary(&tiny, &mut rng).chars(), 2);
        let huge = CloudPolicy {
            min_length: usize::MAX,
            max_length: usize::MAX,
            required_categories: 3,
        };
        assert_eq!(
            generate_temporary(&huge, &mut rng).chars(),
            GENERATE_CEILING
        );
    }

    #[test]
    fn grouped_and_phonetic_spelling() {
        assert_eq!(grouped("Cuyo5459Bema2873"), "Cuyo 5459 Bema 2873");
        assert_eq!(grouped("Cuyo5459-Bema2873"), "Cuyo 5459 - Bema 2873");
        assert_eq!(grouped("abcdefghij12"), "abcd efgh ij 12");
        assert_eq!(grouped(""), "");
        assert_eq!(
            phonetic("Cuyo5459"),
            "capital Charlie, uniform, yankee, oscar / five, four, five, nine"
        );
        assert_eq!(phonetic("Zw-0"), "capital Zulu, whiskey / dash / zero");
        assert_eq!(phonetic("é"), "the symbol é");
    }

    #[test]
    fn cloud_rules_in_stable_order() {
        let policy = CloudPolicy::default();
        let checks = check_cloud("short", &policy);
        assert_eq!(checks.len(), 4);
        assert_eq!(checks[0].rule, "At least 8 characters");
        assert!(!checks[0].ok);
        assert_eq!(checks[1].rule, "At most 256 characters");
        assert!(checks[1].ok);
        assert!(checks[2].rule.starts_with("Characters from at least 3 of"));
        assert!(!checks[2].ok);
        assert!(checks[3].ok);
        let same_rules: Vec<_> = check_cloud("Another1!", &policy)
            .into_iter()
            .map(|c| c.rule)
            .collect();
        assert_eq!(
            same_rules,
            checks.iter().map(|c| c.rule.clone()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn cloud_categories_and_characters() {
        let policy = CloudPolicy::default();
        assert!(failures(&check_cloud("abcdEFGH12", &policy)).is_empty());
        assert!(
            failures(&check_cloud("abcd efgh 12", &policy)).is_empty(),
            "space is a symbol"
        );
        assert_eq!(failures(&check_cloud("abcdefgh12", &policy)).len(), 1);
        // Accented letters and emoji are outside the cloud alphabet.
        let bad = check_cloud("Abcdéfgh12", &policy);
        assert!(!bad[3].ok);
        assert!(!check_cloud("Abcdefgh12🙂", &policy)[3].ok);
        let long = "Aa1!".repeat(65);
        assert!(!check_cloud(&long, &policy)[1].ok);
        assert!(check_cloud(&long[..256], &policy)[1].ok);
    }

    #[test]
    fn on_prem_rules_for_synced_user() {
        let policy = OnPremPolicy::default();
        let checks = check_on_prem(
            "Spring2025!",
            &policy,
            Some("seattleu4"),
            "Contoso Seattle User 4",
        );
        let rules: Vec<&str> = checks.iter().map(|c| c.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "At least 7 characters",
                "At most 256 characters",
                "Characters from at least 3 of: uppercase, lowercase, digits, symbols, other letters",
                "Does not contain the account name",
                "Does not contain a part of the display name (Contoso, Seattle, User)",
            ]
        );
        assert!(checks.iter().all(|c| c.ok));
    }

    #[test]
    fn on_prem_rejects_account_name_and_display_tokens_case_insensitively() {
        let policy = OnPremPolicy::default();
        let f = |pw: &str| {
            check_on_prem(pw, &policy, Some("seattleu4"), "Contoso Seattle User 4")
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| c.rule)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            f("xxSEATTLEU4xx!").len(),
            2,
            "contains sam and the Seattle token"
        );
        assert_eq!(
            f("Xuser99!"),
            ["Does not contain a part of the display name (Contoso, Seattle, User)"]
        );
        assert_eq!(f("Conto5o!x"), Vec::<String>::new());
        // Tokens split on the Windows separators; short tokens are ignored.
        let checks = check_on_prem(
            "Abc-Doe1!",
            &policy,
            Some("ab"),
            "Al_O'Neil,Mary-Jo#Li\tSmith.Jr",
        );
        assert_eq!(
            checks[4].rule,
            "Does not contain a part of the display name (O'Neil, Mary, Smith)"
        );
        assert!(
            checks[3].ok,
            "account names under 3 characters are not checked"
        );
        assert!(checks[4].ok);
        assert!(
            !check_on_prem(
                "ilovesmith1A",
                &policy,
                None,
                "Al_O'Neil,Mary-Jo#Li\tSmith.Jr"
            )[4]
            .ok
        );
    }

    #[test]
    fn on_prem_token_rules_only_when_enabled() {
        let policy = OnPremPolicy {
            reject_account_name_tokens: false,
            ..OnPremPolicy::default()
        };
        let checks = check_on_prem("seattleu4A!", &policy, Some("seattleu4"), "Contoso Seattle");
        assert_eq!(checks.len(), 3);
        assert!(failures(&checks).is_empty());
        let none = check_on_prem("x", &OnPremPolicy::default(), None, "A B");
        assert_eq!(none[4].rule, "Does not contain a part of the display name");
        assert!(none[3].ok && none[4].ok);
    }

    #[test]
    fn on_prem_categories_include_other_letters() {
        let policy = OnPremPolicy::default();
        // Kana counts as "other letters"; with lowercase and digits that makes three categories.
        assert!(check_on_prem("abcd12カナ", &policy, None, "")[2].ok);
        assert!(!check_on_prem("abcd1234", &policy, None, "")[2].ok);
        // Greek capitals are uppercase; a space is not a Windows symbol.
        assert!(check_on_prem("ΣΩabc123", &policy, None, "")[2].ok);
        assert!(!check_on_prem("abc 1234", &policy, None, "")[2].ok);
        assert!(!check_on_prem("Ab1!", &policy, None, "")[0].ok);
        assert!(!check_on_prem(&"Ab1!".repeat(65), &policy, None, "")[1].ok);
    }

    #[test]
    fn rules_read_as_the_rule_itself_met_or_not() {
        // A checklist shows each sentence with ✓ or ✗, so the sentence must be the rule, the same
        // whether it is met, and never a complaint ("too short", "must…").
        let cloud = CloudPolicy::default();
        let on_prem = OnPremPolicy::default();
        let pairs = [
            (
                check_cloud("x", &cloud),
                check_cloud("Long-Enough-1", &cloud),
            ),
            (
                check_on_prem("ann", &on_prem, Some("ann"), "Ann Lee"),
                check_on_prem("Blue-Harbor-42", &on_prem, Some("ann"), "Ann Lee"),
            ),
        ];
        for (failing, passing) in pairs {
            assert!(failing.iter().any(|c| !c.ok) && passing.iter().all(|c| c.ok));
            let rules = |v: &[RuleCheck]| v.iter().map(|c| c.rule.clone()).collect::<Vec<_>>();
            assert_eq!(rules(&failing), rules(&passing));
            for r in rules(&failing) {
                let lower = r.to_lowercase();
                assert!(
                    r.starts_with(|c: char| c.is_uppercase())
                        && !["too ", "must", "failed", "missing", "not met", "invalid"]
                            .iter()
                            .any(|w| lower.contains(w)),
                    "{r}"
                );
            }
        }
    }

    #[test]
    fn failures_lists_unmet_rules_in_order() {
        let checks = vec![
            RuleCheck::new("a", false),
            RuleCheck::new("b", true),
            RuleCheck::new("c", false),
        ];
        assert_eq!(failures(&checks), ["a", "c"]);
        assert!(failures(&[]).is_empty());
    }

    #[test]
    fn hash_and_verify_round_trip() {
        let mut rng = rng();
        let phc = hash("Tr0ub4dor&3", &mut rng).expect("hash");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(!phc.contains("Tr0ub4dor"));
        assert!(verify("Tr0ub4dor&3", &phc));
        assert!(!verify("tr0ub4dor&3", &phc));
        let again = hash("Tr0ub4dor&3", &mut rng).expect("hash");
        assert_ne!(phc, again, "salts differ");
        assert!(verify("Tr0ub4dor&3", &again));
    }

    #[test]
    fn verify_rejects_malformed_phc() {
        assert!(!verify("x", ""));
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", "$argon2id$v=19$m=19456,t=2,p=1$bad"));
    }
}
