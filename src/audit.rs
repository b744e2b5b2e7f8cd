//! Audit records in Microsoft Graph's `directoryAudit` shape. Never a password.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditResult {
    Success,
    Failure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditUser {
    pub id: String,
    pub user_principal_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiatedBy {
    pub user: AuditUser,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifiedProperty {
    pub display_name: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetResource {
    pub id: String,
    /// "User", "Group", "ServicePrincipal", "AdministrativeUnit", "Role", "Policy".
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_principal_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub modified_properties: Vec<ModifiedProperty>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditRecord {
    pub id: String,
    pub activity_date_time: String,
    pub activity_display_name: String,
    pub category: String,
    pub logged_by_service: String,
    pub operation_type: String,
    pub result: AuditResult,
    pub result_reason: String,
    pub initiated_by: InitiatedBy,
    pub target_resources: Vec<TargetResource>,
    pub additional_details: Vec<KeyValue>,
}

impl AuditRecord {
    /// The first target's UPN or display name, for one-line listings.
    pub fn target_name(&self) -> &str {
        self.target_resources
            .first()
            .and_then(|t| {
                t.user_principal_name
                    .as_deref()
                    .or(t.display_name.as_deref())
            })
            .unwrap_or("")
    }

    /// Does the record concern this object id (as any of its targets)?
    pub fn concerns(&self, id: &str) -> bool {
        self.target_resources
            .iter()
            .any(|t| t.id.eq_ignore_ascii_case(id))
    }
}

/// The kinds of audited activity, with their Graph names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    ResetPassword,
    PhoneAdded,
    PhoneUpdated,
    PhoneDeleted,
    ScopedMemberAdded,
    ScopedMemberRemoved,
    /// A role assigned or removed at tenant scope.
    RoleMemberAdded,
    RoleMemberRemoved,
    AuMemberAdded,
    AuMemberRemoved,
    AuCreated,
    AuDeleted,
    MyStaffSetting,
    UserAdded,
    UserDeleted,
    PimRoleActivated,
    PimRoleDeactivated,
    PimGroupMemberActivated,
    PimGroupOwnerActivated,
    PimGroupMemberDeactivated,
    PimGroupOwnerDeactivated,
}

impl Activity {
    /// (activityDisplayName, category, loggedByService, operationType)
    pub fn names(self) -> (&'static str, &'static str, &'static str, &'static str) {
        use Activity::*;
        match self {
            ResetPassword => (
                "Reset password (by admin)",
                "UserManagement",
                "Self-service Password Management",
                "Update",
            ),
            PhoneAdded => (
                "Admin registered security info",
                "UserManagement",
                "Authentication Methods",
                "Add",
            ),
            PhoneUpdated => (
                "Admin updated security info",
                "UserManagement",
                "Authentication Methods",
                "Update",
            ),
            PhoneDeleted => (
                "Admin deleted security info",
                "UserManagement",
                "Authentication Methods",
                "Delete",
            ),
            ScopedMemberAdded => (
                "Add scoped member to role",
                "RoleManagement",
                "Core Directory",
                "Add",
            ),
            ScopedMemberRemoved => (
                "Remove scoped member from role",
                "RoleManagement",
                "Core Directory",
                "Delete",
            ),
            RoleMemberAdded => (
                "Add member to role",
                "RoleManagement",
                "Core Directory",
                "Add",
            ),
            RoleMemberRemoved => (
                "Remove member from role",
                "RoleManagement",
                "Core Directory",
                "Delete",
            ),
            AuMemberAdded => (
                "Add member to administrative unit",
                "AdministrativeUnit",
                "Core Directory",
                "Add",
            ),
            AuMemberRemoved => (
                "Remove member from administrative unit",
                "AdministrativeUnit",
                "Core Directory",
                "Delete",
            ),
            AuCreated => (
                "Add administrative unit",
                "AdministrativeUnit",
                "Core Directory",
                "Add",
            ),
            AuDeleted => (
                "Delete administrative unit",
                "AdministrativeUnit",
                "Core Directory",
                "Delete",
            ),
            MyStaffSetting => (
                "Update MyStaff feature value",
                "UserManagement",
                "Self-service group management",
                "Update",
            ),
            UserAdded => ("Add user", "UserManagement", "Core Directory", "Add"),
            UserDeleted => ("Delete user", "UserManagement", "Core Directory", "Delete"),
            PimRoleActivated => (
                "Add member to role completed (PIM activation)",
                "RoleManagement",
                "PIM",
                "ActivateRole",
            ),
            PimRoleDeactivated => (
                "Remove member from role completed (PIM deactivate)",
                "RoleManagement",
                "PIM",
                "DeactivateRole",
            ),
            PimGroupMemberActivated => (
                "Add member to group completed (PIM activation)",
                "GroupManagement",
                "PIM",
                "ActivateRole",
            ),
            PimGroupOwnerActivated => (
                "Add owner to group completed (PIM activation)",
                "GroupManagement",
                "PIM",
                "ActivateRole",
            ),
            PimGroupMemberDeactivated => (
                "Remove member from group completed (PIM deactivate)",
                "GroupManagement",
                "PIM",
                "DeactivateRole",
            ),
            PimGroupOwnerDeactivated => (
                "Remove owner from group completed (PIM deactivate)",
                "GroupManagement",
                "PIM",
                "DeactivateRole",
            ),
        }
    }
}
