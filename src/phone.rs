// TEMPORARY STUB — replaced by helper's module.
use serde::{Deserialize, Serialize};
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
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::AlternateMobile => "alternateMobile",
            PhoneType::Office => "office",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PhoneType::Mobile => "Mobile",
            PhoneType::AlternateMobile => "Alternate mobile",
            PhoneType::Office => "Office",
        }
    }
}
impl std::str::FromStr for PhoneType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PhoneType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown phone type {s}"))
    }
}
pub fn validate_number(s: &str) -> Result<String, String> {
    if s.starts_with('+') && s.contains(' ') {
        Ok(s.trim().to_string())
    } else {
        Err(format!(
            "`{s}` is not a valid phone number: expected +{{country code}} {{number}}"
        ))
    }
}
pub fn mask(number: &str) -> String {
    let d: String = number
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("+• ••••••{d}")
}
pub fn same_number(a: &str, b: &str) -> bool {
    a == b
}
