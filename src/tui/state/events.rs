//! What the state machine and the driver exchange: events in, effects out.

use crate::model::{AssignmentId, AuId, UserId};
use crate::model::{MyStaffAccess, Principal};
use crate::phone::PhoneType;
use crate::roles::Role;
use crate::tui::keymap::Key;

use super::{AuditRow, SearchHit, Secret};

#[derive(Debug)]
pub struct ResetResult {
    pub temporary_password: Option<Secret>,
    pub force_change_next_sign_in: bool,
}

/// Which operation an [`Event::OpDone`] reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Phone,
    RemovePhone,
    Assign,
    Unassign,
    MyStaffAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    ScrollUp,
    ScrollDown,
}

#[derive(Debug)]
pub enum Event {
    Key(Key),
    Resize(u16, u16),
    Mouse {
        kind: MouseKind,
        col: u16,
        row: u16,
    },
    SearchResults {
        seq: u64,
        hits: Vec<SearchHit>,
    },
    ResetDone {
        target: UserId,
        result: Result<ResetResult, String>,
    },
    OpDone {
        op: OpKind,
        result: Result<Vec<String>, String>,
    },
    /// A PIM activation (its end) or deactivation (None) of `what`.
    PimDone {
        what: crate::pim::Request,
        result: Result<Option<crate::pim::Activation>, String>,
    },
    AuditLoaded(Vec<AuditRow>),
    PrefLoaded {
        key: String,
        value: Option<String>,
    },
    /// The tenant changed underneath (another process's journal entries were applied).
    TenantChanged,
    /// The delegation report, worked out.
    DelegationReport(Box<crate::delegation::Report>),
    /// The clock moved past the end of activations (PIM): these, by name, ended.
    ActivationsEnded(Vec<String>),
    /// Catching up on other processes' changes failed.
    RefreshFailed(String),
    /// The command-line flags the UI was opened with.
    Invocation(super::Invocation),
    /// The time, and the time zone to show it in.
    Clock(crate::when::Clock),
    /// Something the session wants the person to know (a torn journal tail, a lost preference).
    Warning(String),
}

/// Work for the driver. Every change carries the actor; the state machine emits one only after
/// the engine allowed it.
#[derive(Debug, PartialEq)]
pub enum Effect {
    Search {
        seq: u64,
        query: String,
    },
    LoadAudit,
    LoadPref {
        key: String,
    },
    SavePref {
        key: String,
        value: String,
    },
    ResetPassword {
        actor: UserId,
        target: UserId,
        password: Option<Secret>,
    },
    SetPhone {
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: String,
    },
    RemovePhone {
        actor: UserId,
        target: UserId,
        kind: PhoneType,
    },
    AssignScopedRole {
        actor: UserId,
        au: AuId,
        role: Role,
        principal: Principal,
    },
    Unassign {
        actor: UserId,
        assignment: AssignmentId,
    },
    SetMyStaffAccess {
        actor: UserId,
        access: MyStaffAccess,
        selected: Vec<Principal>,
    },
    PimActivate {
        actor: UserId,
        what: crate::pim::Request,
        seconds: i64,
        justification: String,
    },
    PimDeactivate {
        actor: UserId,
        what: crate::pim::Request,
    },
    /// Work out the delegation report (seconds at millions of users).
    DelegationReport,
}

impl Effect {
    /// Work the driver shows a frame before (a change, or the delegation report), so the
    /// person sees it is under way.
    pub fn is_slow(&self) -> bool {
        self.is_change() || matches!(self, Effect::DelegationReport)
    }

    /// A change to the tenant: journaled and fsynced, so the driver shows "Saving…" first.
    pub fn is_change(&self) -> bool {
        !matches!(
            self,
            Effect::Search { .. }
                | Effect::LoadAudit
                | Effect::DelegationReport
                | Effect::LoadPref { .. }
                | Effect::SavePref { .. }
        )
    }
}
