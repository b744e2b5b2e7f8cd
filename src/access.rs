//! The "Administrators can access My Staff" setting in words, its rules, and the command that
//! undoes a change to it. Pure: the CLI, the TUI and the fixture check all call these, so the
//! setting reads and behaves the same everywhere.

use std::path::Path;

use crate::model::{MyStaffAccess, Principal, Tenant};

/// The setting as a phrase: "all administrators", "selected users and groups (A, B)", "no one".
pub fn summary(t: &Tenant, access: MyStaffAccess, selected: &[Principal]) -> String {
    match access {
        MyStaffAccess::All => "all administrators".to_string(),
        MyStaffAccess::None => "no one".to_string(),
        MyStaffAccess::Selected => {
            let names: Vec<&str> = selected.iter().map(|&p| t.principal_name(p)).collect();
            format!("selected users and groups ({})", names.join(", "))
        }
    }
}

/// The name of each choice, as a list of options shows it.
pub fn choice(access: MyStaffAccess) -> &'static str {
    match access {
        MyStaffAccess::All => "All: every administrator",
        MyStaffAccess::Selected => "Selected users and groups",
        MyStaffAccess::None => "None: nobody",
    }
}

/// What choosing it does, in one or two sentences.
pub fn effect(access: MyStaffAccess) -> &'static str {
    match access {
        MyStaffAccess::All => "Every administrator can open My Staff, within their roles.",
        MyStaffAccess::Selected => {
            "Only these users, and members of these groups, can open My Staff; every other administrator sees the access-denied screen."
        }
        MyStaffAccess::None => "Nobody can open My Staff, you included.",
    }
}

/// Why a setting cannot be saved as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionRule {
    /// `selected` with nobody selected.
    NeedsOne,
    /// Users or groups given with `all` or `none`, which select nobody.
    OnlyWithSelected(MyStaffAccess),
}

impl SelectionRule {
    pub fn sentence(self) -> String {
        match self {
            SelectionRule::NeedsOne => {
                "access for selected users and groups needs at least one user or group".to_string()
            }
            SelectionRule::OnlyWithSelected(a) => format!(
                "users and groups can be selected only with access `selected`, not `{}`",
                a.as_str()
            ),
        }
    }
}

/// `selected` needs at least one user or group; `all` and `none` take none.
pub fn check_selection(access: MyStaffAccess, selected: usize) -> Result<(), SelectionRule> {
    match access {
        MyStaffAccess::Selected if selected == 0 => Err(SelectionRule::NeedsOne),
        MyStaffAccess::All | MyStaffAccess::None if selected > 0 => {
            Err(SelectionRule::OnlyWithSelected(access))
        }
        _ => Ok(()),
    }
}

/// Only users and groups can be given My Staff access (a service principal cannot sign in).
pub fn may_be_selected(p: Principal) -> bool {
    matches!(p, Principal::User(_) | Principal::Group(_))
}

/// Where the running mystaff keeps its tenant and state, for commands shown to the user: the
/// flags are repeated only when they are not the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Invocation<'a> {
    pub tenant: Option<&'a Path>,
    pub state: Option<&'a Path>,
    pub ephemeral: bool,
}

/// The command (as arguments, `mystaff` first) that sets My Staff access back to `previous`, run
/// as `actor_upn`. None for an ephemeral run: nothing it changes outlives it, so there is nothing
/// to undo from another command.
pub fn undo_args(
    t: &Tenant,
    inv: Invocation,
    actor_upn: &str,
    previous: MyStaffAccess,
    previous_selected: &[Principal],
) -> Option<Vec<String>> {
    if inv.ephemeral {
        return None;
    }
    let mut args = vec!["mystaff".to_string()];
    if let Some(f) = inv.tenant {
        args.extend(["--tenant".to_string(), f.display().to_string()]);
    }
    if let Some(d) = inv.state {
        args.extend(["--state".to_string(), d.display().to_string()]);
    }
    args.extend(
        ["settings", "my-staff", "--as", actor_upn, "--access"]
            .iter()
            .map(|s| s.to_string()),
    );
    args.push(previous.as_str().to_string());
    if previous == MyStaffAccess::Selected {
        for &p in previous_selected {
            // A user by sign-in name (readable, unique); groups by id, as names may repeat.
            let key = match p {
                Principal::User(u) => t.user(u).upn(),
                _ => t.principal_id(p),
            };
            args.extend(["--principal".to_string(), key.to_string()]);
        }
    }
    Some(args)
}

/// [`undo_args`] as one line to type into a POSIX shell.
pub fn undo_command(
    t: &Tenant,
    inv: Invocation,
    actor_upn: &str,
    previous: MyStaffAccess,
    previous_selected: &[Principal],
) -> Option<String> {
    undo_args(t, inv, actor_upn, previous, previous_selected).map(|a| shell_line(&a))
}

/// Arguments as a POSIX shell line: a word of plain characters as it is, anything else in single
/// quotes (a guest's `#EXT#` sign-in name, a path with spaces).
pub fn shell_line(args: &[String]) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    args.iter()
        .map(|a| {
            if !a.is_empty() && a.chars().all(plain) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_rules() {
        use MyStaffAccess::*;
        assert_eq!(check_selection(Selected, 0), Err(SelectionRule::NeedsOne));
        assert_eq!(check_selection(Selected, 2), Ok(()));
        assert_eq!(check_selection(All, 0), Ok(()));
        assert_eq!(
            check_selection(None, 1),
            Err(SelectionRule::OnlyWithSelected(None))
        );
        assert!(SelectionRule::NeedsOne.sentence().contains("at least one"));
        assert!(!may_be_selected(Principal::ServicePrincipal(
            crate::model::SpId(0)
        )));
        assert!(may_be_selected(Principal::Group(crate::model::GroupId(0))));
    }

    #[test]
    fn shell_line_quotes_what_a_shell_would_change() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shell_line(&a(&["mystaff", "--as", "ContosoAdmin@contoso.com"])),
            "mystaff --as ContosoAdmin@contoso.com"
        );
        assert_eq!(
            shell_line(&a(&["--as", "ava_fabrikam.com#EXT#@contoso.com"])),
            "--as 'ava_fabrikam.com#EXT#@contoso.com'"
        );
        assert_eq!(
            shell_line(&a(&["--state", "/tmp/my state", "it's", ""])),
            r"--state '/tmp/my state' 'it'\''s' ''"
        );
    }
}
