//! The command line as clap parses it. Every flag and argument carries a help line: a test walks
//! the whole command tree and fails on any that does not.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::MyStaffAccess;
use crate::permissions::Action;
use crate::phone::PhoneType;

#[derive(Parser, Debug)]
#[command(
    name = "mystaff",
    version,
    about = "My Staff in the terminal: firstline managers reset passwords and manage phone numbers for their own staff",
    long_about = "With no subcommand, opens the terminal UI on the tenant (the embedded Contoso demo by default).\n\nExit codes: 0 success/allowed, 1 refused (permission or policy), 2 bad input or usage, 3 storage failure."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Open the UI signed in as this user (UPN or id), skipping the sign-in screen.
    #[arg(long = "as", value_name = "UPN")]
    pub as_user: Option<String>,
    /// Let the UI capture the mouse (clicks and wheel); off by default so text stays selectable.
    #[arg(long)]
    pub mouse: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Tenant fixture (JSON); default: the embedded Contoso demo tenant.
    #[arg(long, global = true, value_name = "FILE")]
    pub tenant: Option<PathBuf>,
    /// State directory (journal, preferences; with --live, the local audit); default: the
    /// per-user data directory.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "ephemeral")]
    pub state: Option<PathBuf>,
    /// Keep nothing: changes last only for this run.
    #[arg(long, global = true)]
    pub ephemeral: bool,
    /// The UI's config file (keys, theme); default: config.toml in the platform config directory.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Replay the journal onto a fixture that changed since the journal was started.
    #[arg(long, global = true)]
    pub rebase: bool,
    /// When a journal line cannot be replayed (edited, forged, out of order), move it and every
    /// line after it aside into a dated file in the state directory, and open without them.
    #[arg(long, global = true, conflicts_with = "ephemeral")]
    pub repair: bool,
    /// The largest tenant fixture to read: bytes, or with K, M, G or T (powers of 1024); 1K to 1T.
    #[arg(long, global = true, value_name = "SIZE", default_value = "4G", value_parser = parse_size)]
    pub max_fixture_size: u64,
    /// List every problem of an invalid fixture, not only the first 20.
    #[arg(long, global = true)]
    pub all_errors: bool,
    /// Work in a real tenant over Microsoft Graph (with --tenant-id), signed in with a device
    /// code: changes are decided here first, then made in Graph. You act as yourself (no --as).
    #[arg(long, global = true, conflicts_with_all = ["tenant", "ephemeral", "rebase", "repair"], help_heading = "Live mode")]
    pub live: bool,
    #[command(flatten)]
    pub connect: Connect,
}

/// Where and how live mode signs in.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Live mode")]
pub struct Connect {
    /// With --live: the tenant, its id (GUID) or a verified domain.
    #[arg(
        long = "tenant-id",
        id = "live_tenant_id",
        value_name = "ID",
        requires = "live"
    )]
    pub tenant_id: Option<String>,
    /// With --live: read an access token for Graph from standard input instead of signing in.
    #[arg(long = "token-stdin", id = "live_token_stdin", requires = "live")]
    pub token_stdin: bool,
    /// With --live: the app registration to sign in with; default: Microsoft Graph Command
    /// Line Tools.
    #[arg(
        long = "client-id",
        id = "live_client_id",
        value_name = "ID",
        requires = "live"
    )]
    pub client_id: Option<String>,
    /// With --live: global, usgov, usgov-dod or china.
    #[arg(long = "cloud", id = "live_cloud", requires = "live")]
    pub cloud: Option<crate::graph::signin::Cloud>,
    /// With --live: override the cloud's sign-in authority (plain http:// only for loopback).
    #[arg(
        long = "authority-url",
        id = "live_authority_url",
        value_name = "URL",
        requires = "live"
    )]
    pub authority_url: Option<String>,
    /// With --live: override the cloud's Graph base URL, version included (plain http:// only
    /// for loopback).
    #[arg(
        long = "graph-url",
        id = "live_graph_url",
        value_name = "URL",
        requires = "live"
    )]
    pub graph_url: Option<String>,
    /// With --live: password writeback is off in this tenant (Graph does not say).
    #[arg(long = "no-writeback", id = "live_no_writeback", requires = "live")]
    pub no_writeback: bool,
}

/// `--max-fixture-size`: `123`, `500M`, `4G`, … between 1 KiB and 1 TiB.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("`{c}` is not a size unit (K, M, G or T)")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = num.parse().map_err(|_| {
        "expected a whole number of bytes, optionally with K, M, G or T".to_string()
    })?;
    let bytes = n
        .checked_mul(1 << shift)
        .filter(|b| (1 << 10..=1 << 40).contains(b))
        .ok_or_else(|| "must be between 1K and 1T".to_string())?;
    Ok(bytes)
}

/// `--as`, for commands that change something: who is acting.
#[derive(Args, Debug, Clone)]
pub struct Actor {
    /// Who is acting: a user's UPN or object id (not with --live: there you act as yourself).
    #[arg(long = "as", value_name = "UPN")]
    pub actor: Option<String>,
}

impl Actor {
    /// The actor's UPN or id (with --live, set to the signed-in user's id before use).
    pub fn name(&self) -> &str {
        self.actor.as_deref().unwrap_or("")
    }
}

/// `--as` where it is optional: reading is not scoped, so it only checks that the person may
/// use My Staff.
#[derive(Args, Debug, Clone)]
pub struct Viewer {
    /// Check that this user (UPN or id) may use My Staff, and answer as they would see it.
    #[arg(long = "as", value_name = "UPN")]
    pub actor: Option<String>,
}

#[derive(Args, Debug, Clone, Copy)]
pub struct Json {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a tenant fixture: a summary on success; every problem and exit 2 otherwise.
    Check,
    /// Write a large deterministic tenant fixture (for scale tests and benchmarks).
    Generate {
        /// How many locations (administrative units) to create: 1 to 100000.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        locations: u32,
        /// Users per location, its managers included: 1 to 10000, and at most 20 million users in
        /// all.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        users_per_location: u32,
        /// Seed of the generator: the same seed gives the same tenant.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// May ACTOR do ACTION to TARGET? Exit 0 allowed, 1 refused.
    Can {
        #[command(flatten)]
        actor: Actor,
        /// view-profile, reset-password, manage-phone, open-my-staff, list-au-roles, manage-au-roles,
        /// manage-au-members, create-au, delete-au, manage-settings, create-user, delete-user,
        /// manage-roles
        #[arg(long)]
        action: Action,
        /// The user acted on (UPN or id).
        #[arg(long)]
        target: Option<String>,
        /// The administrative unit acted on (id or name), for AU actions.
        #[arg(long)]
        au: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Reset a user's password (cloud-only: prints a temporary password once; synced: reads one).
    ResetPassword {
        #[command(flatten)]
        actor: Actor,
        /// The user whose password is reset (UPN or id).
        #[arg(long)]
        target: String,
        /// Read the new password from standard input (for users synced from on-premises AD).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Add, update or remove a user's phone number (authentication method).
    Phone {
        #[command(subcommand)]
        op: PhoneOp,
    },
    /// Administrative units: list, show, members, scoped roles, and their administration.
    Au {
        #[command(subcommand)]
        op: AuOp,
    },
    /// Fuzzy search over administrative units and users.
    Search {
        #[command(flatten)]
        viewer: Viewer,
        /// What to look for: part of a name, a sign-in name or a location.
        query: String,
        /// Show at most this many hits (1 to 10000).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
        #[command(flatten)]
        json: Json,
    },
    /// The audit log, newest first.
    Audit {
        #[command(flatten)]
        json: Json,
        /// Show at most this many records (1 to 1000000).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        limit: Option<u32>,
        /// Only records about this user (UPN or id) or administrative unit.
        #[arg(long)]
        target: Option<String>,
    },
    /// Users: show a profile, create, delete.
    User {
        #[command(subcommand)]
        op: UserOp,
    },
    /// The terminal UI's config file: where it is, its defaults, whether it is valid.
    Config {
        #[command(subcommand)]
        op: ConfigOp,
    },
    /// Tenant settings: show them, or change who can access My Staff.
    Settings {
        #[command(subcommand)]
        op: SettingsOp,
    },
    /// Tenant-wide (not administrative-unit) role assignments.
    Role {
        #[command(subcommand)]
        op: RoleOp,
    },
    /// Who may reset TARGET's password or manage their phones, and through which role.
    WhoCan {
        /// reset-password or manage-phone
        #[arg(long)]
        action: Action,
        /// The user acted on (UPN or id).
        #[arg(long)]
        target: String,
        /// Also list who could after activating a PIM eligibility, marked as such.
        #[arg(long)]
        include_eligible: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Every user ACTOR may reset the password of (or manage the phones of), with the granting
    /// role.
    Reach {
        #[command(flatten)]
        actor: Actor,
        /// reset-password or manage-phone
        #[arg(long)]
        action: Action,
        /// Print only how many.
        #[arg(long)]
        count: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Delegation analysis for a My Staff rollout review.
    Delegation {
        #[command(subcommand)]
        op: DelegationOp,
    },
    /// Microsoft Graph: build a fixture from a tenant's Graph responses.
    Graph {
        #[command(subcommand)]
        op: GraphOp,
    },
    /// Privileged Identity Management: list, activate and end eligible roles and group access.
    Pim {
        #[command(subcommand)]
        op: PimOp,
    },
}

#[derive(Subcommand, Debug)]
pub enum GraphOp {
    /// Read a tenant from Microsoft Graph and write a fixture `check` accepts.
    Pull {
        /// The tenant: its id (GUID) or a verified domain.
        #[arg(long)]
        tenant_id: String,
        /// Read an access token for Graph from standard input (for example from `az account
        /// get-access-token --resource-type ms-graph --query accessToken -o tsv`) instead of
        /// signing in with a device code.
        #[arg(long)]
        token_stdin: bool,
        /// The app registration to sign in with (a public client); default: Microsoft Graph
        /// Command Line Tools.
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
        /// The Microsoft cloud: global, usgov, usgov-dod or china (its sign-in authority and
        /// Graph endpoint).
        #[arg(long, default_value = "global")]
        cloud: crate::graph::signin::Cloud,
        /// Override the cloud's sign-in authority (a test server's; plain http:// only for a
        /// loopback address).
        #[arg(long, value_name = "URL")]
        authority_url: Option<String>,
        /// Override the cloud's Graph base URL, version included (a test server's; plain
        /// http:// only for a loopback address).
        #[arg(long, value_name = "URL")]
        graph_url: Option<String>,
        /// Write the fixture here (through a temporary file and a rename) instead of standard
        /// output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Also keep every response body as received, in order, in this new directory (for
        /// `graph import`).
        #[arg(long, value_name = "DIR")]
        save_raw: Option<PathBuf>,
        /// Also read every user's phone methods (one call per user, 20 per $batch).
        #[arg(long)]
        phone_methods: bool,
        /// "Administrators can access My Staff" (Graph does not expose it): all, selected, none.
        #[arg(long, default_value = "all")]
        my_staff_access: MyStaffAccess,
        /// Password writeback is off in this tenant (Graph does not say; on by default).
        #[arg(long)]
        no_writeback: bool,
    },
    /// Build a fixture, offline, from the responses `graph pull --save-raw DIR` kept.
    Import {
        /// The directory `--save-raw` wrote (manifest.json and one file per response).
        dir: PathBuf,
        /// Write the fixture here (through a temporary file and a rename) instead of standard
        /// output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// "Administrators can access My Staff", which Graph does not expose: all (the default:
        /// today's Entra follows role assignments alone), selected or none.
        #[arg(long, default_value = "all")]
        my_staff_access: MyStaffAccess,
        /// Password writeback is off in this tenant (Graph does not say; on by default).
        #[arg(long)]
        no_writeback: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DelegationOp {
    /// Per location: who can reset passwords and manage phones (its own scoped admins and the
    /// tenant-wide roles), who no one below Privileged Authentication or Global Administrator can
    /// help, assignments that grant nothing, and the locations only central IT covers.
    Report {
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Subcommand, Debug)]
pub enum PimOp {
    /// What a user is eligible to activate, and what they hold now, with end times.
    List {
        #[command(flatten)]
        actor: Actor,
        #[command(flatten)]
        json: Json,
    },
    /// Activate an eligible role (or group membership) for a while, with a justification.
    Activate {
        #[command(flatten)]
        actor: Actor,
        #[command(flatten)]
        what: PimWhat,
        /// How long: 30 minutes to 8 hours, like 1h, 90m, 1h30m or PT2H.
        #[arg(long)]
        duration: String,
        /// Why you need it (required; recorded in the audit log).
        #[arg(long)]
        justification: String,
        #[command(flatten)]
        json: Json,
    },
    /// End an activation before its end time.
    Deactivate {
        #[command(flatten)]
        actor: Actor,
        #[command(flatten)]
        what: PimWhat,
        #[command(flatten)]
        json: Json,
    },
}

/// A role (with its scope) or a group's membership or ownership.
#[derive(Args, Debug, Clone)]
#[group(skip)]
pub struct PimWhat {
    /// The eligible role (name or template id).
    #[arg(long, required_unless_present = "group", conflicts_with = "group")]
    pub role: Option<String>,
    /// With --role: the administrative unit it is scoped to (id or name); default tenant-wide.
    #[arg(long, requires = "role")]
    pub au: Option<String>,
    /// A group you are eligible to join or own (PIM for Groups): id or name.
    #[arg(long)]
    pub group: Option<String>,
    /// With --group: member (the default) or owner.
    #[arg(long, requires = "group")]
    pub access: Option<GroupAccessArg>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum GroupAccessArg {
    Member,
    Owner,
}

#[derive(Subcommand, Debug)]
pub enum SettingsOp {
    /// Every tenant setting mystaff uses.
    Show {
        #[command(flatten)]
        json: Json,
    },
    /// "Administrators can access My Staff" (User or Global Administrator at tenant scope).
    MyStaff {
        #[command(flatten)]
        actor: Actor,
        /// all, selected or none
        #[arg(long)]
        access: MyStaffAccess,
        /// With `--access selected`: a user (UPN or id) or group (id or name); repeatable.
        #[arg(long)]
        principal: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Subcommand, Debug)]
pub enum RoleOp {
    /// Tenant-wide role assignments.
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Assign a role tenant-wide (Privileged Role Administrator or Global Administrator).
    Assign {
        #[command(flatten)]
        actor: Actor,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// User (UPN or id), role-assignable group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
    /// Remove a tenant-wide role assignment.
    Unassign {
        #[command(flatten)]
        actor: Actor,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// Who holds the role: user (UPN or id), group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserOp {
    /// A user's profile as My Staff shows it to ACTOR (phones masked unless ACTOR may manage them).
    Show {
        #[command(flatten)]
        viewer: Viewer,
        /// The user to show (UPN or id).
        #[arg(long)]
        target: String,
        #[command(flatten)]
        json: Json,
    },
    /// Add a member user (User or Global Administrator at tenant scope). Cloud-only users get a
    /// temporary password, printed once. Administrative-unit membership is a separate step:
    /// `au add-member`.
    Create {
        #[command(flatten)]
        actor: Actor,
        /// name@tenant-domain
        #[arg(long)]
        upn: String,
        /// The name people see, e.g. "Ava Smith".
        #[arg(long)]
        display_name: String,
        /// The profile's job title.
        #[arg(long)]
        job_title: Option<String>,
        /// The profile's department.
        #[arg(long)]
        department: Option<String>,
        /// The profile's office location (a text field, not an administrative unit).
        #[arg(long)]
        office_location: Option<String>,
        /// Licence SKU (e.g. AAD_PREMIUM); repeatable.
        #[arg(long)]
        license: Vec<String>,
        /// Create the account disabled (accountEnabled: false).
        #[arg(long)]
        disabled: bool,
        /// Synced from on-premises AD (needs --sam).
        #[arg(long, requires = "sam")]
        synced: bool,
        /// On-premises sAMAccountName (with --synced).
        #[arg(long)]
        sam: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Delete users with their administrative-unit and group memberships and role assignments
    /// (User or Global Administrator at tenant scope).
    Delete {
        #[command(flatten)]
        actor: Actor,
        /// UPN or id; repeatable.
        #[arg(long, required = true)]
        target: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct PhoneArgs {
    #[command(flatten)]
    pub actor: Actor,
    /// The user whose phone number changes (UPN or id).
    #[arg(long)]
    pub target: String,
    /// mobile, alternateMobile or office
    #[arg(long = "type")]
    pub kind: PhoneType,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Subcommand, Debug)]
pub enum PhoneOp {
    /// Add a phone number of a type the user does not have yet.
    Add {
        #[command(flatten)]
        a: PhoneArgs,
        /// The number with its country code, e.g. "+1 303-555-0199" or +13035550199.
        #[arg(long)]
        number: String,
    },
    /// Change the user's phone number of this type.
    Update {
        #[command(flatten)]
        a: PhoneArgs,
        /// The new number with its country code, e.g. "+1 303-555-0199" or +13035550199.
        #[arg(long)]
        number: String,
    },
    /// Remove the user's phone number of this type.
    Remove {
        #[command(flatten)]
        a: PhoneArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuOp {
    /// Every administrative unit (or, with --as, the ones that person manages).
    List {
        /// List only the administrative units this user (UPN or id) manages.
        #[arg(long = "as", value_name = "UPN")]
        actor: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// One administrative unit: id, description, member count, restriction.
    Show {
        /// The administrative unit (id or name).
        au: String,
        #[command(flatten)]
        json: Json,
    },
    /// Direct members (users and groups; groups are not expanded).
    Members {
        /// The administrative unit (id or name).
        au: String,
        #[command(flatten)]
        json: Json,
    },
    /// Scoped role members of the unit.
    Roles {
        /// The administrative unit (id or name).
        au: String,
        #[command(flatten)]
        viewer: Viewer,
        #[command(flatten)]
        json: Json,
    },
    /// Create an administrative unit (Privileged Role or Global Administrator).
    Create {
        #[command(flatten)]
        actor: Actor,
        /// The new unit's display name (unique in the tenant).
        #[arg(long)]
        name: String,
        /// What the unit is for.
        #[arg(long)]
        description: Option<String>,
        /// A restricted management administrative unit.
        #[arg(long)]
        restricted: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Delete an administrative unit with its memberships and scoped role assignments.
    Delete {
        #[command(flatten)]
        actor: Actor,
        /// The administrative unit to delete (id or name).
        #[arg(long)]
        au: String,
    },
    /// Add users or groups to an administrative unit.
    AddMember {
        #[command(flatten)]
        actor: Actor,
        /// The administrative unit (id or name).
        #[arg(long)]
        au: String,
        /// User (UPN or id) or group (id or name); repeatable.
        #[arg(long, required = true)]
        member: Vec<String>,
    },
    /// Remove users or groups from an administrative unit.
    RemoveMember {
        #[command(flatten)]
        actor: Actor,
        /// The administrative unit (id or name).
        #[arg(long)]
        au: String,
        /// User (UPN or id) or group (id or name); repeatable.
        #[arg(long, required = true)]
        member: Vec<String>,
    },
    /// Add a scoped role member.
    Assign {
        #[command(flatten)]
        actor: Actor,
        /// The administrative unit the role is scoped to (id or name).
        #[arg(long)]
        au: String,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// User (UPN or id), role-assignable group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
    /// Remove a scoped role member.
    Unassign {
        #[command(flatten)]
        actor: Actor,
        /// The administrative unit the role is scoped to (id or name).
        #[arg(long)]
        au: String,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// Who holds the role: user (UPN or id), group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every argument of every subcommand, as "path --flag", that has no help text.
    fn missing_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                out.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() && sub.get_name() != "help" {
                out.push(format!("{path} {} (subcommand)", sub.get_name()));
            }
            missing_help(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_flag_and_subcommand_has_help() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        missing_help(&cmd, "mystaff", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}

#[derive(Subcommand, Debug)]
pub enum ConfigOp {
    /// Print the path the config file is read from (and whether it exists).
    Path,
    /// Print the defaults as a commented config file (`mystaff config default > FILE`).
    Default,
    /// Check the config file: exit 0 when valid, 2 with the line and the problem otherwise.
    Check,
}
