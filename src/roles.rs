//! The built-in directory roles, kept as data, and the "who can reset whose password" table.
//!
//! Everything here is transcribed from Microsoft's published tables (see docs/RULES.md); the engine in
//! `permissions.rs` reads these tables and never hard-codes a role name.

/// A role in the catalog, by index; cheap to copy and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Role(u16);

/// Which column of the password-reset table a role acts with (its power as the actor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Password,
    Helpdesk,
    Auth,
    User,
    PrivAuth,
    Global,
}

/// Which row of the password-reset table a target falls in, per role it holds (or per protection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    NoAdminRole,
    DirectoryReaders,
    GuestInviter,
    PasswordAdministrator,
    HelpdeskAdministrator,
    MessageCenterReader,
    ReportsReader,
    UsageSummaryReportsReader,
    UserExperienceSuccessManager,
    AuthenticationAdministrator,
    GroupsAdministrator,
    UserAdministrator,
    PrivilegedAuthenticationAdministrator,
    PrivilegedRoleAdministrator,
    GlobalAdministrator,
    RoleAssignableGroupMemberOrOwner,
    RoleScopedToRestrictedAu,
    OtherBuiltInRole,
}

pub struct RoleDef {
    pub template_id: &'static str,
    pub name: &'static str,
    pub au_scopable: bool,
    /// Grants directory read; a guest's AU-scoped role works only alongside one of these.
    pub reads_directory: bool,
    pub column: Option<Column>,
    pub row: Row,
}

const fn def(
    template_id: &'static str,
    name: &'static str,
    au_scopable: bool,
    column: Option<Column>,
    row: Row,
) -> RoleDef {
    RoleDef {
        template_id,
        name,
        au_scopable,
        reads_directory: false,
        column,
        row,
    }
}

use Column as C;
use Row as R;

/// The catalog. Order is stable: `Role` indexes into it. Add roles at the end.
#[rustfmt::skip]
pub static CATALOG: &[RoleDef] = &[
    def("62e90394-69f5-4237-9190-012177145e10", "Global Administrator", false, Some(C::Global), R::GlobalAdministrator),
    def("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator", false, None, R::PrivilegedRoleAdministrator),
    def("7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator", true, Some(C::PrivAuth), R::PrivilegedAuthenticationAdministrator),
    def("c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator", true, Some(C::Auth), R::AuthenticationAdministrator),
    def("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator", true, Some(C::Helpdesk), R::HelpdeskAdministrator),
    def("966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator", true, Some(C::Password), R::PasswordAdministrator),
    def("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator", true, Some(C::User), R::UserAdministrator),
    def("fdd7a751-b60b-444a-984c-02652fe8fa1c", "Groups Administrator", true, None, R::GroupsAdministrator),
    def("4d6ac14f-3453-41d0-bef9-a3e0c569773a", "License Administrator", true, None, R::OtherBuiltInRole),
    RoleDef { reads_directory: true, ..def("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers", false, None, R::DirectoryReaders) },
    def("95e79109-95c0-4d8e-aee3-d01accf2d47b", "Guest Inviter", false, None, R::GuestInviter),
    def("790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b", "Message Center Reader", false, None, R::MessageCenterReader),
    def("4a5d8f65-41da-4de4-8968-e035b65339cf", "Reports Reader", false, None, R::ReportsReader),
    def("75934031-6c7e-415a-99d7-48dbd49e875e", "Usage Summary Reports Reader", false, None, R::UsageSummaryReportsReader),
    def("27460883-1df1-4691-b032-3b79643e5e63", "User Experience Success Manager", false, None, R::UserExperienceSuccessManager),
    def("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator", false, None, R::OtherBuiltInRole),
    def("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator", false, None, R::OtherBuiltInRole),
    def("f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator", true, None, R::OtherBuiltInRole),
    def("69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator", true, None, R::OtherBuiltInRole),
    def("3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator", false, None, R::OtherBuiltInRole),
    // The remaining AU-scopable roles My Staff's documents name.
    def("58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d", "Attribute Assignment Administrator", true, None, R::OtherBuiltInRole),
    def("ffd52fa5-98dc-465c-991d-fc073eb59f8f", "Attribute Assignment Reader", true, None, R::OtherBuiltInRole),
    def("7698a772-787b-4ac8-901f-60d6b08affd2", "Cloud Device Administrator", true, None, R::OtherBuiltInRole),
    def("644ef478-e28f-4e28-b9dc-3fdde9aa0b1f", "Printer Administrator", true, None, R::OtherBuiltInRole),
    def("3d762c5a-1b6c-493f-843e-55a3b42923d4", "Teams Devices Administrator", true, None, R::OtherBuiltInRole),
    RoleDef { reads_directory: true, ..def("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader", false, None, R::OtherBuiltInRole) },
    def("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader", false, None, R::OtherBuiltInRole),
    def("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator", false, None, R::OtherBuiltInRole),
    def("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator", false, None, R::OtherBuiltInRole),
    def("b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator", false, None, R::OtherBuiltInRole),
    def("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator", false, None, R::OtherBuiltInRole),
];

impl Role {
    pub const GLOBAL_ADMINISTRATOR: Role = Role(0);
    pub const PRIVILEGED_ROLE_ADMINISTRATOR: Role = Role(1);
    pub const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR: Role = Role(2);
    pub const AUTHENTICATION_ADMINISTRATOR: Role = Role(3);
    pub const HELPDESK_ADMINISTRATOR: Role = Role(4);
    pub const PASSWORD_ADMINISTRATOR: Role = Role(5);
    pub const USER_ADMINISTRATOR: Role = Role(6);
    pub const GROUPS_ADMINISTRATOR: Role = Role(7);
    pub const LICENSE_ADMINISTRATOR: Role = Role(8);
    pub const DIRECTORY_READERS: Role = Role(9);

    pub fn def(self) -> &'static RoleDef {
        &CATALOG[self.0 as usize]
    }
    pub fn name(self) -> &'static str {
        self.def().name
    }
    pub fn template_id(self) -> &'static str {
        self.def().template_id
    }
    pub fn all() -> impl DoubleEndedIterator<Item = Role> {
        (0..CATALOG.len() as u16).map(Role)
    }
    pub fn au_scopable() -> impl Iterator<Item = Role> {
        Role::all().filter(|r| r.def().au_scopable)
    }

    /// By template id or display name, case-insensitively (hand-written fixtures use names).
    pub fn lookup(key: &str) -> Option<Role> {
        let key = key.trim();
        Role::all().find(|r| {
            r.def().template_id.eq_ignore_ascii_case(key) || r.def().name.eq_ignore_ascii_case(key)
        })
    }
}

/// Microsoft's "Who can reset passwords" table, one string per row, columns in the order
/// Password, Helpdesk, Auth, User, PrivAuth, Global. `Y` = allowed.
#[rustfmt::skip]
fn table_row(row: Row) -> &'static str {
    match row {
        R::NoAdminRole => "YYYYYY",
        R::DirectoryReaders => "YYYYYY",
        R::GuestInviter => "YYYYYY",
        R::PasswordAdministrator => "YYYYYY",
        R::HelpdeskAdministrator => "-Y-YYY",
        R::MessageCenterReader => "-YYYYY",
        R::ReportsReader => "-YYYYY",
        R::UsageSummaryReportsReader => "-YYYYY",
        R::UserExperienceSuccessManager => "-YYYYY",
        R::AuthenticationAdministrator => "--Y-YY",
        R::GroupsAdministrator => "---YYY",
        R::UserAdministrator => "---YYY",
        R::PrivilegedAuthenticationAdministrator => "----YY",
        R::PrivilegedRoleAdministrator => "----YY",
        R::GlobalAdministrator => "----YY",
        R::RoleAssignableGroupMemberOrOwner => "----YY",
        R::RoleScopedToRestrictedAu => "----YY",
        R::OtherBuiltInRole => "----YY",
    }
}

impl Column {
    pub const ALL: [Column; 6] = [
        C::Password,
        C::Helpdesk,
        C::Auth,
        C::User,
        C::PrivAuth,
        C::Global,
    ];

    /// Its place in the table (and its bit in a set of columns).
    pub fn index(self) -> usize {
        match self {
            C::Password => 0,
            C::Helpdesk => 1,
            C::Auth => 2,
            C::User => 3,
            C::PrivAuth => 4,
            C::Global => 5,
        }
    }

    /// May an actor acting with this column reset the password of a target in `row`?
    pub fn allows(self, row: Row) -> bool {
        table_row(row).as_bytes()[self.index()] == b'Y'
    }

    /// Phone methods: only Authentication Administrator (its "Auth" targets), Privileged
    /// Authentication Administrator and Global Administrator (everyone).
    pub fn manages_phones(self) -> bool {
        matches!(self, C::Auth | C::PrivAuth | C::Global)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids_and_names_are_unique_and_lookup_works() {
        let mut ids: Vec<_> = CATALOG.iter().map(|d| d.template_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CATALOG.len());
        assert_eq!(
            Role::lookup("helpdesk administrator"),
            Some(Role::HELPDESK_ADMINISTRATOR)
        );
        assert_eq!(
            Role::lookup("729827E3-9C14-49F7-BB1B-9608F156BBB8"),
            Some(Role::HELPDESK_ADMINISTRATOR)
        );
        assert_eq!(Role::lookup("Coffee Administrator"), None);
        // The named constants point at the roles they say.
        assert_eq!(Role::GLOBAL_ADMINISTRATOR.name(), "Global Administrator");
        assert_eq!(Role::DIRECTORY_READERS.name(), "Directory Readers");
        assert_eq!(Role::LICENSE_ADMINISTRATOR.name(), "License Administrator");
        assert_eq!(Role::GROUPS_ADMINISTRATOR.name(), "Groups Administrator");
    }

    #[test]
    fn au_scopable_set_matches_spec() {
        let mut names: Vec<_> = Role::au_scopable().map(|r| r.name()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Attribute Assignment Administrator",
                "Attribute Assignment Reader",
                "Authentication Administrator",
                "Cloud Device Administrator",
                "Groups Administrator",
                "Helpdesk Administrator",
                "License Administrator",
                "Password Administrator",
                "Printer Administrator",
                "Privileged Authentication Administrator",
                "SharePoint Administrator",
                "Teams Administrator",
                "Teams Devices Administrator",
                "User Administrator",
            ]
        );
    }

    #[test]
    fn only_the_six_reset_roles_have_a_column() {
        let mut with: Vec<_> = Role::all()
            .filter(|r| r.def().column.is_some())
            .map(|r| r.name())
            .collect();
        with.sort();
        assert_eq!(
            with,
            [
                "Authentication Administrator",
                "Global Administrator",
                "Helpdesk Administrator",
                "Password Administrator",
                "Privileged Authentication Administrator",
                "User Administrator"
            ]
        );
    }
}
