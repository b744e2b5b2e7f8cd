//! Phone authentication methods: types, number format, masking, and the rules on which changes
//! can be made.
//!
//! Pure: no I/O.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::PhoneMethod;
use crate::phone_plan::{self, Plan};
use crate::sanitize;
use std::borrow::Cow;

/// The three phone method types Graph knows, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    pub const ALL: [PhoneType; 3] = [
        PhoneType::Mobile,
        PhoneType::AlternateMobile,
        PhoneType::Office,
    ];

    /// The Graph `phoneType` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::AlternateMobile => "alternateMobile",
            PhoneType::Office => "office",
        }
    }

    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            PhoneType::Mobile => "Mobile",
            PhoneType::AlternateMobile => "Alternate mobile",
            PhoneType::Office => "Office",
        }
    }
}

impl fmt::Display for PhoneType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PhoneType {
    type Err = String;

    /// Case-insensitive; `alternate-mobile` and `alternate_mobile` are accepted for typing on a
    /// command line.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mobile" => Ok(PhoneType::Mobile),
            "alternatemobile" | "alternate-mobile" | "alternate_mobile" => {
                Ok(PhoneType::AlternateMobile)
            }
            "office" => Ok(PhoneType::Office),
            _ => Err(format!(
                "unknown phone type `{}`: expected one of mobile, alternateMobile, office",
                shown(s)
            )),
        }
    }
}

/// The expected format, quoted in every validation error.
pub const FORMAT_HINT: &str =
    "expected +{country code} {number}[x{extension}], e.g. +1 2065555555 or +1 2065550100x123";

/// E.164 allows at most 15 digits for country code plus subscriber number.
const MAX_E164_DIGITS: usize = 15;
const MAX_EXTENSION_DIGITS: usize = 10;
const MIN_SUBSCRIBER_DIGITS: usize = 4;

/// The parts of a valid number.
struct Parts<'a> {
    country: &'a str,
    subscriber: &'a str,
    extension: Option<&'a str>,
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a trimmed number into its parts, or says what is wrong with it: its shape, then the
/// numbering plan ([`phone_plan`]), so a number split in the wrong place (`+12 065550101` for
/// `+1 2065550101`) or of a length no number under its code has is refused. Calling codes are
/// prefix-free, so a number that passes has one stored form: comparing stored forms is comparing
/// E.164 numbers.
fn parse(s: &str) -> Result<Parts<'_>, Cow<'static, str>> {
    let p = parse_shape(s)?;
    match phone_plan::check(p.country, p.subscriber.len()) {
        Plan::Possible => Ok(p),
        Plan::UnassignedCode => {
            let digits = format!("{}{}", p.country, p.subscriber);
            let split = (1..=3).find(|&k| {
                k < digits.len()
                    && phone_plan::check(&digits[..k], digits.len() - k) == Plan::Possible
            });
            Err(match split {
                Some(k) => format!(
                    "+{} is not a country calling code; did you mean +{} {}?",
                    p.country,
                    &digits[..k],
                    &digits[k..]
                ),
                None => format!("+{} is not a country calling code", p.country),
            }
            .into())
        }
        Plan::ImpossibleLength(l) => Err(format!(
            "numbers under +{} have {} digits after the country code, not {}",
            p.country,
            phone_plan::lengths_text(l),
            p.subscriber.len()
        )
        .into()),
    }
}

/// Only an office phone may have an extension (Graph's rule): a mobile or alternate mobile number
/// reaches one handset.
pub fn check_extension(kind: PhoneType, number: &str) -> Result<(), String> {
    if kind != PhoneType::Office && number.contains(['x', 'X']) {
        return Err(format!(
            "`{}`: only an office phone can have an extension (x…), not the {} phone",
            shown(number),
            kind.label().to_lowercase()
        ));
    }
    Ok(())
}

/// The shape of a stored number, with nothing looked up.
fn parse_shape(s: &str) -> Result<Parts<'_>, &'static str> {
    if s.is_empty() {
        return Err("it is empty");
    }
    let Some(rest) = s.strip_prefix('+') else {
        return Err("it must start with + and the country code");
    };
    let Some((country, rest)) = rest.split_once(' ') else {
        return Err("put one space between the country code and the number");
    };
    if country.is_empty() {
        return Err("the country code is missing");
    }
    if !is_digits(country) {
        return Err("the country code may contain only digits");
    }
    if country.len() > 3 {
        return Err("the country code must be 1 to 3 digits");
    }
    if country.starts_with('0') {
        return Err("the country code cannot start with 0");
    }
    if rest.starts_with(char::is_whitespace) {
        return Err("use a single space between the country code and the number");
    }
    let (subscriber, extension) = match rest.split_once(['x', 'X']) {
        Some((sub, ext)) => (sub, Some(ext)),
        None => (rest, None),
    };
    if subscriber.is_empty() {
        return Err("the number is missing");
    }
    if !is_digits(subscriber) {
        return Err("the number may contain only digits (no spaces, dashes, dots or brackets)");
    }
    if subscriber.len() < MIN_SUBSCRIBER_DIGITS || subscriber.len() > MAX_E164_DIGITS {
        return Err("the number must be 4 to 15 digits");
    }
    if country.len() + subscriber.len() > MAX_E164_DIGITS {
        return Err("the country code and number together may have at most 15 digits");
    }
    if let Some(ext) = extension
        && (!is_digits(ext) || ext.len() > MAX_EXTENSION_DIGITS)
    {
        return Err("the extension after x must be 1 to 10 digits");
    }
    Ok(Parts {
        country,
        subscriber,
        extension,
    })
}

/// Echoes user input in a message: escaped and cut (see [`sanitize::cut_to`]).
fn shown(s: &str) -> String {
    sanitize::cut_to(s, 40)
}

/// A number as people type it (`+13035550199`, `+1 303-555-0199`, `+1 (303) 555-0199`,
/// `+44 20 7946 0958`, `+44 (0)20 7946 0958`, an extension after `x` or `ext`), normalized to
/// Graph's `+{country code} {number}[x{extension}]`, e.g. `+1 3035550199`. The number must exist
/// in its country's numbering plan (a digit too few is caught here, not by the person called).
/// The error says in plain words what to type, with an example. Pure.
pub fn validate_number(s: &str) -> Result<String, String> {
    let trimmed = s.trim();
    typed(trimmed).map_err(|reason| {
        if trimmed.is_empty() {
            format!("{reason}: {FORMAT_HINT}")
        } else {
            format!(
                "`{}` is not a valid phone number ({reason}): {FORMAT_HINT}",
                shown(trimmed)
            )
        }
    })
}

/// Loads the numbering-plan data [`validate_number`] reads (about 70 ms in a release build, once
/// per process), so a driver can do it off the UI thread before the first keystroke needs it.
pub fn prepare() {
    let _ = phonenumber::parse(None, "+1 2065550100");
}

/// A number in Graph's stored form only (`+1 2065555555`), as a fixture must hold it: trimmed,
/// extension marker lowercased, nothing else changed.
pub fn validate_stored(s: &str) -> Result<String, String> {
    let trimmed = s.trim();
    match parse(trimmed) {
        Ok(p) => Ok(graph_form(p.country, p.subscriber, p.extension)),
        Err(reason) => Err(format!(
            "`{}` is not a valid phone number ({reason}): {FORMAT_HINT}",
            shown(trimmed)
        )),
    }
}

fn graph_form(country: &str, subscriber: &str, extension: Option<&str>) -> String {
    let mut out = format!("+{country} {subscriber}");
    if let Some(ext) = extension {
        out.push('x');
        out.push_str(ext);
    }
    out
}

/// Characters people put between digits; anything else is not part of a number.
const SEPARATORS: &str = " -.()/";

/// The lenient path: splits off an extension, checks the characters, and lets libphonenumber's
/// data find where the country code ends (`+1` of `+13035550199`, `+44` of `+442079460958`) and
/// drop a national prefix written after it (`+44 (0)20…`).
fn typed(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("type the number with + and its country code, e.g. +1 303 555 0199".into());
    }
    let lower = s.to_ascii_lowercase();
    let (main, ext) = match lower.find("ext").or_else(|| lower.find('x')) {
        Some(i) => {
            let marker = if lower[i..].starts_with("ext") { 3 } else { 1 };
            let ext = s[i + marker..].trim_start_matches(['.', '=', ':']).trim();
            (s[..i].trim_end().trim_end_matches([',', ';']), Some(ext))
        }
        None => (s, None),
    };
    if let Some(ext) = ext
        && (!is_digits(ext) || ext.len() > MAX_EXTENSION_DIGITS)
    {
        return Err(
            "the extension after x must be 1 to 10 digits, e.g. +1 303 555 0199 x123".into(),
        );
    }
    let Some(rest) = main.strip_prefix('+') else {
        return Err("it must start with + and the country code".into());
    };
    if let Some(c) = rest
        .chars()
        .find(|&c| !c.is_ascii_digit() && !SEPARATORS.contains(c))
    {
        return Err(format!(
            "`{}` is not part of a phone number: type digits, with spaces, dashes or brackets if you like",
            shown(&c.to_string())
        ));
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(
            "the number is missing: type it after the country code, e.g. +1 303 555 0199".into(),
        );
    }
    if digits.starts_with('0') {
        return Err(
            "a country code never starts with 0: type + then the country code, e.g. +1 for the US"
                .into(),
        );
    }
    use phonenumber::ParseError;
    let n = phonenumber::parse(None, main).map_err(|e| match e {
        ParseError::InvalidCountryCode => {
            "the digits after + do not start with a country code, e.g. +1 (US, Canada) or +44 (UK)"
                .to_string()
        }
        ParseError::TooLong => {
            "it has too many digits: at most 15 with the country code".to_string()
        }
        _ => "it is too short: type the whole number after the country code, e.g. +1 303 555 0199"
            .to_string(),
    })?;
    let country = n.code().value().to_string();
    let national = n.national().to_string();
    if !n.is_valid() {
        return Err(format!(
            "no phone number {national} exists under country code +{country}: check the digits after it"
        ));
    }
    // Graph's own limits, whatever the numbering plan allows.
    match parse(&graph_form(&country, &national, None)) {
        Ok(p) => Ok(graph_form(p.country, p.subscriber, ext)),
        Err(reason) => Err(reason.to_string()),
    }
}

/// Masks a number for someone who may not manage it: the country code stays, the subscriber
/// number is bullets except its last digits, the extension is dropped, e.g. `+1 2065555555` →
/// `+1 ••••••5555`. At most 4 digits, and never more than half the subscriber digits, are shown.
/// Input that is not a valid number shows no country code and at most that many of its digits.
pub fn mask(number: &str) -> String {
    fn tail(digits: &str) -> String {
        let n = digits.len();
        let shown = (n / 2).min(4);
        let mut out = "•".repeat(n - shown);
        out.push_str(&digits[n - shown..]);
        out
    }
    match parse(number.trim()) {
        Ok(p) => format!("+{} {}", p.country, tail(p.subscriber)),
        Err(_) => {
            // Only the part before an extension marker, and only ASCII digits, so slicing is safe.
            let before_ext = number.split(['x', 'X']).next().unwrap_or_default();
            let digits: String = before_ext.chars().filter(char::is_ascii_digit).collect();
            tail(&digits)
        }
    }
}

/// True if both are valid numbers and are identical once normalized — extension included, so
/// `+1 2065550200x101` and `+1 2065550200x102` (two desks on one switchboard) are different.
/// Invalid input is never the same as anything.
pub fn same_number(a: &str, b: &str) -> bool {
    match (validate_number(a), validate_number(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// What a manager wants to do to a user's phone methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneChange {
    Add,
    Edit,
    Remove,
}

/// Why a phone change cannot be made, whoever asks: the rules on the user's registered
/// methods. The engine decides who may make the change; these decide whether it can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneRule {
    /// Add, with every type registered already.
    NoFreeType,
    /// Edit or remove, with no number at all.
    NoNumber,
    /// Add a type that is registered already.
    AlreadyRegistered(PhoneType),
    /// Edit or remove a type that is not registered.
    NotRegistered(PhoneType),
    /// An alternate mobile without a mobile: adding one first, or removing the mobile under one.
    AlternateNeedsMobile(PhoneChange),
}

impl PhoneRule {
    /// A rule of the tenant's phone policy rather than a request that names nothing to act on:
    /// refused (exit 1) rather than bad input (exit 2).
    pub fn is_policy(self) -> bool {
        matches!(self, PhoneRule::AlternateNeedsMobile(_))
    }

    /// The sentence for a manager, about the user `who` (a name or sign-in name).
    pub fn sentence(self, who: &str) -> String {
        match self {
            PhoneRule::NoFreeType => format!(
                "{who} has every phone type (mobile, alternate mobile, office) registered already; edit one instead"
            ),
            PhoneRule::NoNumber => format!("{who} has no phone number registered"),
            PhoneRule::AlreadyRegistered(kind) => format!(
                "{who} already has {} {} number; update it instead",
                article(kind),
                kind.label().to_lowercase()
            ),
            PhoneRule::NotRegistered(kind) => {
                format!("{who} has no {} number", kind.label().to_lowercase())
            }
            PhoneRule::AlternateNeedsMobile(PhoneChange::Remove) => {
                format!("{who} has an alternate mobile number: remove it before the mobile number")
            }
            PhoneRule::AlternateNeedsMobile(_) => {
                format!("{who} needs a mobile number before an alternate mobile number")
            }
        }
    }
}

fn article(kind: PhoneType) -> &'static str {
    if kind == PhoneType::Office { "an" } else { "a" }
}

fn has(phones: &[PhoneMethod], kind: PhoneType) -> bool {
    phones.iter().any(|p| p.phone_type == kind)
}

/// The state rule behind [`PhoneRule::AlternateNeedsMobile`]: true when the methods hold an
/// alternate mobile but no mobile (a fixture may not, a change may not lead there).
pub fn alternate_without_mobile(phones: &[PhoneMethod]) -> bool {
    has(phones, PhoneType::AlternateMobile) && !has(phones, PhoneType::Mobile)
}

/// The phone types a change can act on, in display order: free types to add, registered ones
/// to edit or remove.
pub fn types_for(phones: &[PhoneMethod], change: PhoneChange) -> Vec<PhoneType> {
    PhoneType::ALL
        .into_iter()
        .filter(|&k| has(phones, k) != (change == PhoneChange::Add))
        .collect()
}

/// Can the change be made at all (before a type is chosen)? Add needs a free type; edit and
/// remove need a registered number.
pub fn change_available(phones: &[PhoneMethod], change: PhoneChange) -> Result<(), PhoneRule> {
    match change {
        _ if !types_for(phones, change).is_empty() => Ok(()),
        PhoneChange::Add => Err(PhoneRule::NoFreeType),
        PhoneChange::Edit | PhoneChange::Remove => Err(PhoneRule::NoNumber),
    }
}

/// Can the change be made to this type? Add needs the type free, edit and remove need it
/// registered, and no change may leave an alternate mobile without a mobile.
pub fn check_change(
    phones: &[PhoneMethod],
    kind: PhoneType,
    change: PhoneChange,
) -> Result<(), PhoneRule> {
    match (change, has(phones, kind)) {
        (PhoneChange::Add, true) => return Err(PhoneRule::AlreadyRegistered(kind)),
        (PhoneChange::Edit | PhoneChange::Remove, false) => {
            return Err(PhoneRule::NotRegistered(kind));
        }
        _ => {}
    }
    let after = |k: PhoneType| match change {
        PhoneChange::Remove if k == kind => false,
        PhoneChange::Add if k == kind => true,
        _ => has(phones, k),
    };
    if after(PhoneType::AlternateMobile) && !after(PhoneType::Mobile) {
        return Err(PhoneRule::AlternateNeedsMobile(change));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(kinds: &[PhoneType]) -> Vec<PhoneMethod> {
        kinds
            .iter()
            .map(|&k| PhoneMethod {
                phone_type: k,
                phone_number: "+1 2065550100".into(),
            })
            .collect()
    }

    #[test]
    fn phone_change_rules() {
        use PhoneChange::*;
        use PhoneType::*;
        let none = methods(&[]);
        let mobile = methods(&[Mobile]);
        let both = methods(&[Mobile, AlternateMobile]);
        let all = methods(&[Mobile, AlternateMobile, Office]);
        assert_eq!(types_for(&mobile, Add), [AlternateMobile, Office]);
        assert_eq!(types_for(&mobile, Edit), [Mobile]);
        assert_eq!(change_available(&all, Add), Err(PhoneRule::NoFreeType));
        assert_eq!(change_available(&none, Edit), Err(PhoneRule::NoNumber));
        assert_eq!(change_available(&none, Remove), Err(PhoneRule::NoNumber));
        assert_eq!(change_available(&none, Add), Ok(()));
        assert_eq!(
            check_change(&mobile, Mobile, Add),
            Err(PhoneRule::AlreadyRegistered(Mobile))
        );
        assert_eq!(
            check_change(&mobile, Office, Edit),
            Err(PhoneRule::NotRegistered(Office))
        );
        assert_eq!(
            check_change(&none, AlternateMobile, Add),
            Err(PhoneRule::AlternateNeedsMobile(Add))
        );
        assert_eq!(check_change(&mobile, AlternateMobile, Add), Ok(()));
        assert_eq!(
            check_change(&both, Mobile, Remove),
            Err(PhoneRule::AlternateNeedsMobile(Remove))
        );
        assert_eq!(check_change(&both, AlternateMobile, Remove), Ok(()));
        assert_eq!(check_change(&both, Mobile, Edit), Ok(()));
        assert!(alternate_without_mobile(&methods(&[
            AlternateMobile,
            Office
        ])));
        assert!(!alternate_without_mobile(&both));
        assert_eq!(
            PhoneRule::AlreadyRegistered(Office).sentence("Ann"),
            "Ann already has an office number; update it instead"
        );
        assert!(PhoneRule::AlternateNeedsMobile(Add).is_policy());
        assert!(!PhoneRule::NotRegistered(Mobile).is_policy());
    }

    #[test]
    fn phone_type_names() {
        assert_eq!(
            PhoneType::ALL.map(PhoneType::as_str),
            ["mobile", "alternateMobile", "office"]
        );
        assert_eq!(
            PhoneType::ALL.map(PhoneType::label),
            ["Mobile", "Alternate mobile", "Office"]
        );
        assert_eq!(PhoneType::AlternateMobile.to_string(), "alternateMobile");
        for t in PhoneType::ALL {
            let json = serde_json::to_string(&t).expect("serializes");
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<PhoneType>(&json).expect("parses"), t);
        }
        assert!(serde_json::from_str::<PhoneType>("\"Mobile\"").is_err());
    }

    #[test]
    fn phone_type_from_str() {
        assert_eq!("mobile".parse(), Ok(PhoneType::Mobile));
        assert_eq!("MOBILE".parse(), Ok(PhoneType::Mobile));
        assert_eq!("alternateMobile".parse(), Ok(PhoneType::AlternateMobile));
        assert_eq!("alternate-mobile".parse(), Ok(PhoneType::AlternateMobile));
        assert_eq!("Alternate_Mobile".parse(), Ok(PhoneType::AlternateMobile));
        assert_eq!(" Office ".parse(), Ok(PhoneType::Office));
        let err = "fax".parse::<PhoneType>().unwrap_err();
        assert_eq!(
            err,
            "unknown phone type `fax`: expected one of mobile, alternateMobile, office"
        );
        assert!("".parse::<PhoneType>().is_err());
    }

    #[test]
    fn valid_numbers_normalize() {
        assert_eq!(
            validate_number("+1 2065555555").as_deref(),
            Ok("+1 2065555555")
        );
        assert_eq!(
            validate_number("  +1 2065551234x123\n").as_deref(),
            Ok("+1 2065551234x123")
        );
        assert_eq!(
            validate_number("+1 2065551234X9").as_deref(),
            Ok("+1 2065551234x9")
        );
        assert_eq!(
            validate_number("+44 2079460000").as_deref(),
            Ok("+44 2079460000")
        );
        assert!(validate_number("+1 2065550100x1234567890").is_ok());
    }

    #[test]
    fn numbers_as_people_type_them() {
        for (typed, graph) in [
            ("+13035550199", "+1 3035550199"),
            ("+1 303-555-0199", "+1 3035550199"),
            ("+1 (303) 555-0199", "+1 3035550199"),
            ("+1 303 555 0199", "+1 3035550199"),
            ("+1.303.555.0199", "+1 3035550199"),
            ("+44 20 7946 0958", "+44 2079460958"),
            ("+442079460958", "+44 2079460958"),
            ("+44 (0)20 7946 0958", "+44 2079460958"),
            ("+49 30 901820", "+49 30901820"),
            ("+39 06 6982 0000", "+39 0669820000"),
            ("+1 303 555 0199 x123", "+1 3035550199x123"),
            ("+1 303-555-0199 ext. 42", "+1 3035550199x42"),
            ("  +1 2065550100  ", "+1 2065550100"),
        ] {
            assert_eq!(validate_number(typed).as_deref(), Ok(graph), "{typed}");
        }
    }

    #[test]
    fn the_format_hint_examples_are_valid_numbers() {
        let examples: Vec<&str> = FORMAT_HINT
            .split("e.g. ")
            .nth(1)
            .unwrap()
            .split(" or ")
            .collect();
        assert_eq!(examples.len(), 2);
        for e in examples {
            assert_eq!(validate_number(e).as_deref(), Ok(e));
        }
    }

    fn reason(s: &str) -> String {
        let err = validate_number(s).expect_err(s);
        assert!(err.ends_with(FORMAT_HINT), "{err}");
        err
    }

    #[test]
    fn invalid_numbers_say_what_is_wrong_and_the_format() {
        assert_eq!(
            reason("206-555-0100"),
            "`206-555-0100` is not a valid phone number (it must start with + and the country code): \
             expected +{country code} {number}[x{extension}], e.g. +1 2065555555 or +1 2065550100x123"
        );
        assert!(reason("").starts_with("type the number with + and its country code, e.g."));
        assert!(reason("   ").starts_with("type the number"));
        assert!(reason("+ ").contains("the number is missing"));
        assert!(reason("+01 2065555555").contains("never starts with 0"));
        assert!(reason("+1a 2065555555").contains("`a` is not part of a phone number"));
        assert!(reason("+1 ２０６5555555").contains("is not part of a phone number"));
        assert!(
            reason("+1 206 555 555")
                .contains("no phone number 206555555 exists under country code +1")
        );
        assert!(reason("+1 5555551234").contains("exists under country code +1"));
        assert!(reason("+9992065555555").contains("do not start with a country code"));
        assert!(reason("+1 123").contains("exists under country code +1"));
        assert!(reason("+1 2065555555x").contains("extension"));
        assert!(reason("+1 2065555555x12345678901").contains("extension"));
        assert!(reason("+1 2065555555x12x3").contains("extension"));
        assert!(reason("+1 303 555 0199 ext").contains("extension"));
        assert!(reason("+1 303 555 0199 0199 0199").contains("too many digits"));
        assert!(reason("+1 x123").contains("too short"));
    }

    #[test]
    fn stored_numbers_must_be_in_graph_form() {
        assert_eq!(
            validate_stored(" +1 2065550100X12 ").as_deref(),
            Ok("+1 2065550100x12")
        );
        assert!(
            validate_stored("+12065550100")
                .unwrap_err()
                .contains("put one space")
        );
        assert!(
            validate_stored("+1 206-555-0100")
                .unwrap_err()
                .contains("only digits")
        );
    }

    #[test]
    fn stored_look_alikes_of_one_number_are_refused() {
        // Every way of writing +1 2065550101 but its own is refused, so stored forms compare as
        // E.164 numbers do.
        let err = |s: &str| validate_stored(s).unwrap_err();
        assert!(
            err("+12 065550101")
                .contains("+12 is not a country calling code; did you mean +1 2065550101?")
        );
        assert!(err("+120 65550101").contains("did you mean +1 2065550101?"));
        assert!(
            err("+1 02065550101")
                .contains("numbers under +1 have 7 or 10 digits after the country code, not 11")
        );
        assert!(err("+999 12345678").contains("+999 is not a country calling code)"));
        assert!(err("+44 207946095812").contains("numbers under +44 have 7, 9 or 10 digits"));
        assert_eq!(
            validate_stored("+1 2065550101").as_deref(),
            Ok("+1 2065550101")
        );
        assert_eq!(
            validate_stored("+44 2079460958").as_deref(),
            Ok("+44 2079460958")
        );
        assert_eq!(
            validate_stored("+39 0612345678").as_deref(),
            Ok("+39 0612345678")
        );
        assert_eq!(validate_stored("+47 12345").as_deref(), Ok("+47 12345"));
    }

    #[test]
    fn only_office_phones_have_extensions() {
        assert!(check_extension(PhoneType::Office, "+1 2065550101x1").is_ok());
        assert!(check_extension(PhoneType::Mobile, "+1 2065550101").is_ok());
        let e = check_extension(PhoneType::Mobile, "+1 2065550101x1").unwrap_err();
        assert!(
            e.contains("only an office phone can have an extension"),
            "{e}"
        );
        assert!(check_extension(PhoneType::AlternateMobile, "+1 2065550101x1").is_err());
    }

    #[test]
    fn error_echo_is_safe() {
        let err = reason("\u{1b}[2J+1");
        assert!(!err.contains('\u{1b}'));
        let long = "9".repeat(500);
        assert!(reason(&long).len() < 300);
    }

    #[test]
    fn mask_keeps_country_code_and_last_four() {
        assert_eq!(mask("+1 2065555555"), "+1 ••••••5555");
        assert_eq!(mask("+1 2065550200x101"), "+1 ••••••0200");
        assert_eq!(mask(" +44 2079460123 "), "+44 ••••••0123");
        // Short subscriber numbers reveal at most half their digits.
        assert_eq!(mask("+47 12345"), "+47 •••45");
        assert_eq!(mask("+7 1234567890"), "+7 ••••••7890");
    }

    #[test]
    fn mask_odd_input_reveals_little() {
        assert_eq!(mask("206-555-0100"), "••••••0100");
        assert_eq!(mask("5555"), "••55");
        assert_eq!(mask("x12345678"), "");
        assert_eq!(mask(""), "");
        assert_eq!(mask("call me"), "");
        assert_eq!(mask("+1 206 555 0100x99"), "•••••••0100");
        let masked = mask("+1 ２０６５５５０１００");
        assert!(
            !masked.chars().any(|c| c.is_numeric() && c != '•'),
            "{masked}"
        );
    }

    #[test]
    fn same_number_compares_normalized_forms() {
        assert!(same_number("+1 2065555555", " +1 2065555555 "));
        assert!(same_number("+1 2065550200X101", "+1 2065550200x101"));
        assert!(!same_number("+1 2065550200x101", "+1 2065550200x102"));
        assert!(!same_number("+1 2065550200x101", "+1 2065550200"));
        assert!(!same_number("+1 2065555555", "+44 2065555555"));
        assert!(!same_number("206-555-5555", "206-555-5555"));
    }
}
