// TEMPORARY STUB — replaced by helper's module.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CloudPolicy {
    pub min_length: usize,
    pub max_length: usize,
    pub required_categories: usize,
}
impl Default for CloudPolicy {
    fn default() -> Self {
        CloudPolicy {
            min_length: 8,
            max_length: 256,
            required_categories: 3,
        }
    }
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct OnPremPolicy {
    pub min_length: usize,
    pub required_categories: usize,
    pub reject_account_name_tokens: bool,
}
impl Default for OnPremPolicy {
    fn default() -> Self {
        OnPremPolicy {
            min_length: 7,
            required_categories: 3,
            reject_account_name_tokens: true,
        }
    }
}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PasswordPolicy {
    pub cloud: CloudPolicy,
    pub on_premises: OnPremPolicy,
}
pub struct RuleCheck {
    pub rule: String,
    pub ok: bool,
}
pub fn generate_temporary<R: rand::CryptoRng + rand::RngCore + ?Sized>(
    _p: &CloudPolicy,
    rng: &mut R,
) -> String {
    format!("Tmp-{}aA1", rng.next_u32())
}
pub fn check_on_prem(
    password: &str,
    policy: &OnPremPolicy,
    _sam: Option<&str>,
    _dn: &str,
) -> Vec<RuleCheck> {
    vec![RuleCheck {
        rule: format!("At least {} characters", policy.min_length),
        ok: password.chars().count() >= policy.min_length,
    }]
}
pub fn check_cloud(password: &str, policy: &CloudPolicy) -> Vec<RuleCheck> {
    vec![RuleCheck {
        rule: "len".into(),
        ok: password.len() >= policy.min_length,
    }]
}
pub fn failures(checks: &[RuleCheck]) -> Vec<&str> {
    checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.rule.as_str())
        .collect()
}
pub fn hash<R: rand::CryptoRng + rand::RngCore + ?Sized>(
    _password: &str,
    _rng: &mut R,
) -> Result<String, String> {
    Ok("$argon2id$stub".into())
}
pub fn verify(_password: &str, _phc: &str) -> bool {
    false
}
