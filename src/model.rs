//! The tenant in memory: users, groups, service principals, administrative units, role assignments and
//! settings, with the indices the permission engine needs (assignments by principal and by scope,
//! memberships by user) so that no decision scans the whole tenant.
//!
//! Entities are addressed by dense indices, typed per kind ([`UserId`], [`AuId`], …) so that a
//! user's index cannot be passed where an AU's is expected; deleted AUs, assignments and users
//! stay as tombstones so that indices held elsewhere never shift.

use std::collections::HashMap;

/// Hash maps of the tenant's indices: foldhash instead of SipHash (millions of keys at load).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use serde::{Deserialize, Serialize};

use crate::password::PasswordPolicy;
use crate::phone::PhoneType;
use crate::roles::Role;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in the tenant's list of this kind.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
            pub fn from_index(i: usize) -> $name {
                $name(i as u32)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A user: an index into [`Tenant::users`].
    UserId
);
id!(
    /// A group: an index into [`Tenant::groups`].
    GroupId
);
id!(
    /// A service principal: an index into [`Tenant::service_principals`].
    SpId
);
id!(
    /// An administrative unit: an index into [`Tenant::aus`].
    AuId
);
id!(
    /// A role assignment: an index into [`Tenant::assignments`].
    AssignmentId
);

/// Anything that can hold a role or be an AU member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    User(UserId),
    Group(GroupId),
    ServicePrincipal(SpId),
}

/// Where a role assignment applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Tenant,
    Au(AuId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TenantInfo {
    pub id: String,
    pub display_name: String,
    pub default_domain: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MyStaffAccess {
    All,
    Selected,
    None,
}

impl MyStaffAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            MyStaffAccess::All => "all",
            MyStaffAccess::Selected => "selected",
            MyStaffAccess::None => "none",
        }
    }
}

impl std::str::FromStr for MyStaffAccess {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(MyStaffAccess::All),
            "selected" => Ok(MyStaffAccess::Selected),
            "none" => Ok(MyStaffAccess::None),
            _ => Err(format!(
                "unknown access `{}` (expected one of: all, selected, none)",
                s.trim()
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MyStaffSetting {
    pub access: MyStaffAccess,
    /// Users or groups (only meaningful with `Selected`).
    pub selected: Vec<Principal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneSignIn {
    #[serde(default = "yes")]
    pub sms_sign_in: bool,
    #[serde(default = "yes")]
    pub mfa: bool,
    #[serde(default = "yes")]
    pub self_service_password_reset: bool,
}

fn yes() -> bool {
    true
}

impl Default for PhoneSignIn {
    fn default() -> Self {
        PhoneSignIn {
            sms_sign_in: true,
            mfa: true,
            self_service_password_reset: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub my_staff: MyStaffSetting,
    pub phone_sign_in: PhoneSignIn,
    pub password_writeback: bool,
    pub password_policy: PasswordPolicy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserType {
    Member,
    Guest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneMethod {
    pub phone_type: PhoneType,
    pub phone_number: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PasswordState {
    /// UTC RFC 3339 time of the last change or admin reset, if known.
    pub last_changed: Option<String>,
    pub force_change_next_sign_in: bool,
    /// argon2id PHC string of an admin-set password; never the password itself.
    pub hash: Option<String>,
}

/// A user. Its texts (id, UPN, names, …) share one allocation, read through methods: a tenant
/// can have two million users, and one allocation instead of seven halves their memory and the
/// time to load them (docs/PERFORMANCE.md). The texts never change once a user exists.
#[derive(Clone, PartialEq)]
pub struct User {
    /// The texts of [`UserTexts`], back to back, in that order.
    text: Box<str>,
    /// Where each text ends in `text`.
    ends: [u32; TEXTS],
    /// Bit k: optional text k (job title, department, office location, SAM account name) is
    /// there, possibly empty.
    present: u8,
    pub user_type: UserType,
    pub account_enabled: bool,
    pub synced: bool,
    pub deleted: bool,
    pub licenses: Vec<String>,
    pub phones: Vec<PhoneMethod>,
    /// Most users have no password history here: kept out of line, and `None` when it is the
    /// default (see [`User::password`]).
    password: Option<Box<PasswordState>>,
}

const TEXTS: usize = 7;

/// A user's texts, to make a [`User`] from.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserTexts<'a> {
    pub id: &'a str,
    pub upn: &'a str,
    pub display_name: &'a str,
    pub job_title: Option<&'a str>,
    pub department: Option<&'a str>,
    pub office_location: Option<&'a str>,
    /// On-premises SAM account name (synced users).
    pub sam_account_name: Option<&'a str>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id())
            .field("upn", &self.upn())
            .field("display_name", &self.display_name())
            .field("user_type", &self.user_type)
            .field("job_title", &self.job_title())
            .field("department", &self.department())
            .field("office_location", &self.office_location())
            .field("account_enabled", &self.account_enabled)
            .field("synced", &self.synced)
            .field("sam_account_name", &self.sam_account_name())
            .field("licenses", &self.licenses)
            .field("phones", &self.phones)
            .field("password", self.password())
            .field("deleted", &self.deleted)
            .finish()
    }
}

impl User {
    /// A member user, enabled, not synced, with no licences, phones or password history.
    ///
    /// # Panics
    /// If the texts together are 4 GiB or longer.
    pub fn new(t: UserTexts<'_>) -> User {
        let parts = [
            Some(t.id),
            Some(t.upn),
            Some(t.display_name),
            t.job_title,
            t.department,
            t.office_location,
            t.sam_account_name,
        ];
        let len = parts.iter().flatten().map(|p| p.len()).sum();
        let mut text = String::with_capacity(len);
        let mut ends = [0u32; TEXTS];
        let mut present = 0u8;
        for (k, part) in parts.iter().enumerate() {
            if let Some(p) = part {
                text.push_str(p);
                if k >= 3 {
                    present |= 1 << (k - 3);
                }
            }
            ends[k] = u32::try_from(text.len()).expect("a user's texts are under 4 GiB");
        }
        User {
            text: text.into_boxed_str(),
            ends,
            present,
            user_type: UserType::Member,
            account_enabled: true,
            synced: false,
            deleted: false,
            licenses: Vec::new(),
            phones: Vec::new(),
            password: None,
        }
    }

    pub fn password(&self) -> &PasswordState {
        static NONE: PasswordState = PasswordState {
            last_changed: None,
            force_change_next_sign_in: false,
            hash: None,
        };
        self.password.as_deref().unwrap_or(&NONE)
    }

    pub fn set_password(&mut self, state: PasswordState) {
        self.password = (state != PasswordState::default()).then(|| Box::new(state));
    }

    fn text(&self, k: usize) -> &str {
        let from = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[from..self.ends[k] as usize]
    }

    fn optional(&self, k: usize) -> Option<&str> {
        (self.present >> (k - 3) & 1 == 1).then(|| self.text(k))
    }

    pub fn id(&self) -> &str {
        self.text(0)
    }
    pub fn upn(&self) -> &str {
        self.text(1)
    }
    pub fn display_name(&self) -> &str {
        self.text(2)
    }
    pub fn job_title(&self) -> Option<&str> {
        self.optional(3)
    }
    pub fn department(&self) -> Option<&str> {
        self.optional(4)
    }
    pub fn office_location(&self) -> Option<&str> {
        self.optional(5)
    }
    /// On-premises SAM account name (synced users).
    pub fn sam_account_name(&self) -> Option<&str> {
        self.optional(6)
    }

    pub fn phone(&self, t: PhoneType) -> Option<&PhoneMethod> {
        self.phones.iter().find(|p| p.phone_type == t)
    }
    /// Microsoft Entra ID P1 or P2, needed by AU-scoped admins.
    pub fn has_premium_license(&self) -> bool {
        self.licenses.iter().any(|l| {
            let l = l.to_ascii_uppercase();
            l.starts_with("AAD_PREMIUM") || l.starts_with("ENTRA_ID_P") || l == "EMS"
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub role_assignable: bool,
    pub members: Vec<UserId>,
    pub owners: Vec<UserId>,
    /// Users eligible (PIM for Groups) to become members or owners: not members yet, but
    /// protected as if they were.
    pub eligible_members: Vec<UserId>,
    pub eligible_owners: Vec<UserId>,
}

impl Group {
    /// Only a role-assignable group may hold a directory role, at any scope.
    pub fn may_hold_role(&self) -> bool {
        self.role_assignable
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServicePrincipal {
    pub id: String,
    pub display_name: String,
    pub app_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdminUnit {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub restricted: bool,
    /// Direct members: users or groups.
    pub members: Vec<Principal>,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub id: String,
    pub role: Role,
    pub principal: Principal,
    pub scope: Scope,
    /// When it is in force: always for an ordinary assignment, a bounded window for a PIM
    /// activation.
    pub window: Window,
    pub deleted: bool,
    /// Outside its window at the tenant's clock: kept (its id stays taken) but out of the
    /// indices, so it grants and protects nothing.
    pub lapsed: bool,
}

/// A stretch of time in Unix seconds: from `start` (None: since always) up to, not including,
/// `end` (None: no end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Window {
    pub const ALWAYS: Window = Window {
        start: None,
        end: None,
    };

    pub fn bounded(start: i64, end: i64) -> Window {
        Window {
            start: Some(start),
            end: Some(end),
        }
    }

    /// Is `now` inside? No clock (None) counts as inside every window.
    pub fn contains(self, now: Option<i64>) -> bool {
        let Some(now) = now else { return true };
        self.start.is_none_or(|s| s <= now) && self.end.is_none_or(|e| now < e)
    }

    pub fn is_always(self) -> bool {
        self == Window::ALWAYS
    }
}

/// A PIM for Groups activation: `user` is a member (or an owner) of `group` for the window.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupActivation {
    pub id: String,
    pub group: GroupId,
    pub user: UserId,
    pub owner: bool,
    pub window: Window,
    /// Deactivated.
    pub deleted: bool,
    /// Outside its window at the tenant's clock: the user is not in the group.
    pub lapsed: bool,
}

/// A PIM-eligible role (Graph `unifiedRoleEligibilityScheduleInstance`): it grants nothing until
/// activated, but protects its holder as if it were active.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    pub id: String,
    pub role: Role,
    pub principal: Principal,
    pub scope: Scope,
    /// When it can be activated, and protects its holder.
    pub window: Window,
}

/// What an id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    User(UserId),
    Group(GroupId),
    ServicePrincipal(SpId),
    Au(AuId),
    Assignment(AssignmentId),
}

/// An object id as a map key: a GUID as its 128-bit value (no key string to allocate or follow
/// on a probe), any other id as its ASCII-lowercased text. Two ids get the same key exactly when
/// they are equal ignoring ASCII case, as the lowercase `String` keys before did.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdKey {
    /// The 128 bits as two halves: 8-byte alignment keeps a map entry at 32 bytes.
    Guid([u64; 2]),
    Text(Box<str>),
}

impl IdKey {
    pub(crate) fn of(id: &str) -> IdKey {
        match parse_guid(id) {
            Some(g) => IdKey::Guid([(g >> 64) as u64, g as u64]),
            None => IdKey::Text(id.to_ascii_lowercase().into_boxed_str()),
        }
    }
}

/// `8-4-4-4-12` hex digits (either case) as a number. `uuid`'s parser is as fast here as the
/// table this replaced (a 1M-user check: 0.94 s against 0.97 s); the length test keeps out the
/// braced and URN forms it also reads, which Graph ids never use.
fn parse_guid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse_ascii(b).ok().map(|u| u.as_u128())
}

/// `str::to_lowercase`, without allocating when the text has no capital letters and is ASCII.
pub(crate) fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// A map from a text key (a lowercase UPN, a mobile number) to a user that keeps a 64-bit hash
/// of the key instead of a copy of it: the key is already in the user, and a hit is checked
/// against it (`is_key`). Two different keys with the same hash cannot share the table slot, so
/// the later one goes to `spill` with its text; that map is empty unless hashes collide.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyIndex {
    by_hash: FastMap<u64, u32>,
    /// Key → (its hash, user).
    spill: FastMap<Box<str>, (u64, u32)>,
    hasher: foldhash::fast::RandomState,
}

impl KeyIndex {
    pub(crate) fn with_capacity(n: usize) -> KeyIndex {
        KeyIndex {
            by_hash: FastMap::with_capacity_and_hasher(n, Default::default()),
            ..KeyIndex::default()
        }
    }

    /// The hash this index files `key` under.
    pub(crate) fn hash(&self, key: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(key)
    }

    /// An empty index that hashes keys as this one does (to hash keys on another thread).
    pub(crate) fn same_hasher(&self) -> KeyIndex {
        KeyIndex {
            hasher: self.hasher.clone(),
            ..KeyIndex::default()
        }
    }

    /// The user whose key is `key`; `is_key(u)` says whether user `u`'s key is `key`.
    pub(crate) fn get(&self, key: &str, is_key: impl Fn(u32) -> bool) -> Option<u32> {
        self.get_hashed(self.hash(key), key, is_key)
    }

    fn get_hashed(&self, h: u64, key: &str, is_key: impl Fn(u32) -> bool) -> Option<u32> {
        match self.by_hash.get(&h) {
            Some(&u) if is_key(u) => Some(u),
            Some(_) => self.spill.get(key).map(|&(_, v)| v),
            None => None,
        }
    }

    /// Maps `key` to `u`, and returns the user it mapped to before, like `HashMap::insert`.
    pub(crate) fn insert(
        &mut self,
        key: &str,
        u: u32,
        is_key: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        self.insert_hashed(self.hash(key), || key.into(), u, is_key)
    }

    /// [`KeyIndex::insert`] with the key's hash ([`KeyIndex::hash`]); `key` is called only if
    /// the key must be kept as text.
    pub(crate) fn insert_hashed(
        &mut self,
        h: u64,
        key: impl FnOnce() -> Box<str>,
        u: u32,
        is_key: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        match self.by_hash.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(u);
                None
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if is_key(*o.get()) {
                    Some(o.insert(u))
                } else {
                    self.spill.insert(key(), (h, u)).map(|(_, v)| v)
                }
            }
        }
    }

    /// Removes `key` if it maps to `u`.
    pub(crate) fn remove(&mut self, key: &str, u: u32) {
        self.remove_hashed(self.hash(key), key, u)
    }

    fn remove_hashed(&mut self, h: u64, key: &str, u: u32) {
        if self.by_hash.get(&h) == Some(&u) {
            self.by_hash.remove(&h);
            // A spilled key with the same hash takes the slot, so `get` finds it again.
            if let Some(k) = self.spill.iter().find(|e| e.1.0 == h).map(|e| e.0.clone())
                && let Some((_, v)) = self.spill.remove(&k)
            {
                self.by_hash.insert(h, v);
            }
        } else if self.spill.get(key) == Some(&(h, u)) {
            self.spill.remove(key);
        }
    }
}

/// Maps that fixture validation builds anyway, handed to [`Tenant::with_maps`] instead of being
/// built twice.
#[derive(Debug, Default)]
pub(crate) struct TenantMaps {
    /// Lowercase id of every object.
    pub by_id: FastMap<IdKey, Object>,
    /// Lowercase (`str::to_lowercase`) UPN of every user.
    pub user_by_upn: KeyIndex,
    /// Normalized mobile number of every user that has one.
    pub mobile_owner: KeyIndex,
}

#[derive(Debug, Clone, Default)]
struct Indices {
    by_id: FastMap<IdKey, Object>,
    /// Lowercase UPN → user.
    user_by_upn: KeyIndex,
    /// Direct AU memberships of each user (groups do not expand: My Staff scopes direct members only).
    user_aus: Lists<AuId>,
    user_groups: Lists<GroupId>,
    user_owned_groups: Lists<GroupId>,
    /// Role-assignable or not, the groups a user is an eligible member or owner of.
    user_eligible_groups: Lists<GroupId>,
    /// Eligibilities (indices into `Tenant::eligibilities`) by principal, and by scope.
    eligible_by_principal: FastMap<Principal, Vec<usize>>,
    eligible_by_scope: FastMap<Scope, Vec<usize>>,
    /// AUs a group is a direct member of.
    group_aus: Vec<Vec<AuId>>,
    by_principal: FastMap<Principal, Vec<AssignmentId>>,
    by_scope: FastMap<Scope, Vec<AssignmentId>>,
    /// Assignments with a bounded window (PIM activations), lapsed or not: the ones the clock
    /// moves, so setting it looks at these and not at every assignment.
    timed: Vec<AssignmentId>,
    /// Mobile numbers in use, for the tenant-wide uniqueness rule.
    mobile_owner: KeyIndex,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub info: TenantInfo,
    pub settings: Settings,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub service_principals: Vec<ServicePrincipal>,
    pub aus: Vec<AdminUnit>,
    pub assignments: Vec<Assignment>,
    pub eligibilities: Vec<Eligibility>,
    pub group_activations: Vec<GroupActivation>,
    /// The clock decisions are made at (Unix seconds), set by the driver: the engine reads it
    /// and never the system clock. None (a tenant no driver has set a time on): every window
    /// counts as open.
    now: Option<i64>,
    idx: Indices,
}

/// Whether user `v`'s UPN equals `upn` ignoring case (as `str::to_lowercase` folds it).
pub(crate) fn upn_is(users: &[User], v: u32, upn: &str) -> bool {
    users
        .get(v as usize)
        .is_some_and(|u| u.upn() == upn || lower(u.upn()) == lower(upn))
}

/// Whether user `v`'s mobile number is `number`.
pub(crate) fn mobile_is(users: &[User], v: u32, number: &str) -> bool {
    users.get(v as usize).is_some_and(|u| {
        u.phones
            .iter()
            .any(|p| p.phone_type == PhoneType::Mobile && p.phone_number == number)
    })
}

/// A list of indices for each user, for lists that mostly hold no item or one (AU memberships,
/// groups): a slot per user holds a single item itself, and longer lists live in `many`. At 2M
/// users this is 8 MB per kind instead of 48 MB of empty `Vec`s plus an allocation per member.
#[derive(Debug, Clone)]
struct Lists<T> {
    one: Vec<T>,
    many: FastMap<UserId, Vec<T>>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            one: Vec::new(),
            many: FastMap::default(),
        }
    }
}

/// An id that a [`Lists`] slot can hold, with two values kept as markers.
trait Slot: Copy + Eq {
    /// A slot with no item.
    const EMPTY: Self;
    /// A slot whose items are in `Lists::many`.
    const MANY: Self;
}

impl Slot for AuId {
    const EMPTY: AuId = AuId(u32::MAX);
    const MANY: AuId = AuId(u32::MAX - 1);
}

impl Slot for GroupId {
    const EMPTY: GroupId = GroupId(u32::MAX);
    const MANY: GroupId = GroupId(u32::MAX - 1);
}

impl<T: Slot> Lists<T> {
    fn new(n: usize) -> Lists<T> {
        Lists {
            one: vec![T::EMPTY; n],
            many: FastMap::default(),
        }
    }

    fn get(&self, u: UserId) -> &[T] {
        let slot = &self.one[u.index()];
        match *slot {
            s if s == T::EMPTY => &[],
            s if s == T::MANY => self.many.get(&u).map_or(&[], |v| v.as_slice()),
            _ => std::slice::from_ref(slot),
        }
    }

    fn push(&mut self, u: UserId, x: T) {
        debug_assert!(x != T::MANY && x != T::EMPTY, "index out of range");
        let slot = &mut self.one[u.index()];
        match *slot {
            s if s == T::EMPTY => *slot = x,
            s if s == T::MANY => self.many.entry(u).or_default().push(x),
            first => {
                *slot = T::MANY;
                self.many.insert(u, vec![first, x]);
            }
        }
    }

    /// Removes the first `x` from `u`'s list, keeping the order of the rest.
    fn remove(&mut self, u: UserId, x: T) {
        let slot = &mut self.one[u.index()];
        match *slot {
            s if s == T::EMPTY => {}
            s if s == T::MANY => {
                if let Some(v) = self.many.get_mut(&u) {
                    remove_value(v, &x);
                    if v.len() < 2 {
                        *slot = v.first().copied().unwrap_or(T::EMPTY);
                        self.many.remove(&u);
                    }
                }
            }
            only if only == x => *slot = T::EMPTY,
            _ => {}
        }
    }

    /// Empties `u`'s list and returns what it held.
    fn take(&mut self, u: UserId) -> Vec<T> {
        let items = self.get(u).to_vec();
        self.one[u.index()] = T::EMPTY;
        self.many.remove(&u);
        items
    }

    /// A slot for a new user.
    fn add_slot(&mut self) {
        self.one.push(T::EMPTY);
    }
}

fn remove_value<T: PartialEq>(v: &mut Vec<T>, x: &T) {
    if let Some(p) = v.iter().position(|e| e == x) {
        v.remove(p);
    }
}

impl Tenant {
    /// The tenant from validated entities (fixture loading has checked every reference) and the
    /// id, UPN and mobile maps that validation already built: keys are lowercase ids, lowercase
    /// UPNs and normalized mobile numbers. The remaining indices are built here.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn with_maps(
        info: TenantInfo,
        settings: Settings,
        users: Vec<User>,
        groups: Vec<Group>,
        service_principals: Vec<ServicePrincipal>,
        aus: Vec<AdminUnit>,
        assignments: Vec<Assignment>,
        eligibilities: Vec<Eligibility>,
        maps: TenantMaps,
    ) -> Tenant {
        let mut t = Tenant {
            info,
            settings,
            users,
            groups,
            service_principals,
            aus,
            assignments,
            eligibilities,
            group_activations: Vec::new(),
            now: None,
            idx: Indices::default(),
        };
        t.reindex(maps);
        t
    }

    fn reindex(&mut self, maps: TenantMaps) {
        let mut idx = Indices {
            by_id: maps.by_id,
            user_by_upn: maps.user_by_upn,
            mobile_owner: maps.mobile_owner,
            user_aus: Lists::new(self.users.len()),
            user_groups: Lists::new(self.users.len()),
            user_owned_groups: Lists::new(self.users.len()),
            user_eligible_groups: Lists::new(self.users.len()),
            group_aus: vec![Vec::new(); self.groups.len()],
            ..Indices::default()
        };
        for (i, g) in self.groups.iter().enumerate() {
            for &m in &g.members {
                idx.user_groups.push(m, GroupId::from_index(i));
            }
            for &o in &g.owners {
                idx.user_owned_groups.push(o, GroupId::from_index(i));
            }
            for &e in g.eligible_members.iter().chain(&g.eligible_owners) {
                idx.user_eligible_groups.push(e, GroupId::from_index(i));
            }
        }
        for (i, e) in self.eligibilities.iter().enumerate() {
            idx.eligible_by_principal
                .entry(e.principal)
                .or_default()
                .push(i);
            idx.eligible_by_scope.entry(e.scope).or_default().push(i);
        }
        for (i, a) in self.aus.iter().enumerate() {
            if a.deleted {
                continue;
            }
            for m in &a.members {
                match *m {
                    Principal::User(u) => idx.user_aus.push(u, AuId::from_index(i)),
                    Principal::Group(g) => idx.group_aus[g.index()].push(AuId::from_index(i)),
                    Principal::ServicePrincipal(_) => {}
                }
            }
        }
        for (i, a) in self.assignments.iter().enumerate() {
            if !a.deleted && !a.window.is_always() {
                idx.timed.push(AssignmentId::from_index(i));
            }
            if a.deleted || a.lapsed {
                continue;
            }
            idx.by_principal
                .entry(a.principal)
                .or_default()
                .push(AssignmentId::from_index(i));
            idx.by_scope
                .entry(a.scope)
                .or_default()
                .push(AssignmentId::from_index(i));
        }
        self.idx = idx;
    }

    // ---- lookups -------------------------------------------------------------------------------

    pub fn object(&self, id: &str) -> Option<Object> {
        self.idx.by_id.get(&IdKey::of(id.trim())).copied()
    }

    /// A user by UPN (case-insensitive) or id.
    pub fn find_user(&self, key: &str) -> Option<UserId> {
        let key = key.trim();
        if let Some(u) = self
            .idx
            .user_by_upn
            .get(&lower(key), |v| upn_is(&self.users, v, key))
        {
            return Some(UserId(u));
        }
        match self.object(key) {
            Some(Object::User(u)) => Some(u),
            _ => None,
        }
    }

    /// An AU by id or display name (case-insensitive). A name shared by several AUs is ambiguous.
    pub fn find_au(&self, key: &str) -> Result<AuId, String> {
        if let Some(Object::Au(a)) = self.object(key) {
            return Ok(a);
        }
        let want = key.trim().to_lowercase();
        let hits: Vec<AuId> = self
            .live_aus()
            .filter(|&a| self.au(a).display_name.to_lowercase() == want)
            .collect();
        match hits.as_slice() {
            [a] => Ok(*a),
            [] => Err(format!(
                "no administrative unit has the id or name '{}'",
                key.trim()
            )),
            _ => Err(format!(
                "{} administrative units are named '{}': use the id",
                hits.len(),
                key.trim()
            )),
        }
    }

    /// A principal by user UPN/id, group id/name, or service principal id/name/appId.
    pub fn find_principal(&self, key: &str) -> Result<Principal, String> {
        if let Some(u) = self.find_user(key) {
            return Ok(Principal::User(u));
        }
        match self.object(key) {
            Some(Object::Group(g)) => return Ok(Principal::Group(g)),
            Some(Object::ServicePrincipal(s)) => return Ok(Principal::ServicePrincipal(s)),
            _ => {}
        }
        let want = key.trim().to_lowercase();
        let mut hits: Vec<Principal> = Vec::new();
        for (i, g) in self.groups.iter().enumerate() {
            if g.display_name.to_lowercase() == want {
                hits.push(Principal::Group(GroupId::from_index(i)));
            }
        }
        for (i, s) in self.service_principals.iter().enumerate() {
            if s.display_name.to_lowercase() == want || s.app_id.eq_ignore_ascii_case(&want) {
                hits.push(Principal::ServicePrincipal(SpId::from_index(i)));
            }
        }
        match hits.as_slice() {
            [p] => Ok(*p),
            [] => Err(format!(
                "no user, group or service principal matches '{}'",
                key.trim()
            )),
            _ => Err(format!(
                "'{}' names more than one principal: use the id",
                key.trim()
            )),
        }
    }

    pub fn user(&self, u: UserId) -> &User {
        &self.users[u.index()]
    }
    pub fn group(&self, g: GroupId) -> &Group {
        &self.groups[g.index()]
    }
    pub fn service_principal(&self, s: SpId) -> &ServicePrincipal {
        &self.service_principals[s.index()]
    }
    pub fn au(&self, a: AuId) -> &AdminUnit {
        &self.aus[a.index()]
    }
    pub fn assignment(&self, i: AssignmentId) -> &Assignment {
        &self.assignments[i.index()]
    }

    pub fn live_users(&self) -> impl Iterator<Item = UserId> + '_ {
        (0..self.users.len())
            .filter(|&u| !self.users[u].deleted)
            .map(UserId::from_index)
    }
    pub fn live_aus(&self) -> impl Iterator<Item = AuId> + '_ {
        (0..self.aus.len())
            .filter(|&a| !self.aus[a].deleted)
            .map(AuId::from_index)
    }
    /// Every group, in order.
    pub fn group_ids(&self) -> impl Iterator<Item = GroupId> + use<> {
        (0..self.groups.len()).map(GroupId::from_index)
    }
    /// Every service principal, in order.
    pub fn service_principal_ids(&self) -> impl Iterator<Item = SpId> + use<> {
        (0..self.service_principals.len()).map(SpId::from_index)
    }

    pub fn principal_id(&self, p: Principal) -> &str {
        match p {
            Principal::User(u) => self.user(u).id(),
            Principal::Group(g) => &self.group(g).id,
            Principal::ServicePrincipal(s) => &self.service_principal(s).id,
        }
    }
    /// A human name: the UPN for users, the display name otherwise.
    pub fn principal_name(&self, p: Principal) -> &str {
        match p {
            Principal::User(u) => self.user(u).upn(),
            Principal::Group(g) => &self.group(g).display_name,
            Principal::ServicePrincipal(s) => &self.service_principal(s).display_name,
        }
    }
    pub fn principal_kind(&self, p: Principal) -> &'static str {
        match p {
            Principal::User(_) => "user",
            Principal::Group(_) => "group",
            Principal::ServicePrincipal(_) => "servicePrincipal",
        }
    }

    pub fn scope_id(&self, s: Scope) -> String {
        match s {
            Scope::Tenant => "/".to_string(),
            Scope::Au(a) => format!("/administrativeUnits/{}", self.au(a).id),
        }
    }
    /// "tenant-wide" or "scoped to Portland".
    pub fn scope_phrase(&self, s: Scope) -> String {
        match s {
            Scope::Tenant => "tenant-wide".to_string(),
            Scope::Au(a) => format!("scoped to {}", self.au(a).display_name),
        }
    }

    /// Direct AU memberships of a user.
    pub fn user_aus(&self, u: UserId) -> &[AuId] {
        self.idx.user_aus.get(u)
    }
    pub fn user_groups(&self, u: UserId) -> &[GroupId] {
        self.idx.user_groups.get(u)
    }
    pub fn user_owned_groups(&self, u: UserId) -> &[GroupId] {
        self.idx.user_owned_groups.get(u)
    }
    pub fn group_aus(&self, g: GroupId) -> &[AuId] {
        &self.idx.group_aus[g.index()]
    }
    pub fn is_direct_member(&self, u: UserId, au: AuId) -> bool {
        self.user_aus(u).contains(&au)
    }

    /// The eligibilities held by `p` itself (not through groups) that are in their window at
    /// the tenant's clock: the ones that can be activated, and protect their holder.
    pub fn eligibilities_of(&self, p: Principal) -> impl Iterator<Item = &Eligibility> {
        let now = self.now;
        self.all_eligibilities_of(p)
            .filter(move |e| e.window.contains(now))
    }

    /// Every eligibility `p` holds itself, in its window or not (to say when one opens or
    /// closed).
    pub fn all_eligibilities_of(&self, p: Principal) -> impl Iterator<Item = &Eligibility> {
        self.eligibility_indices_of(p)
            .iter()
            .map(|&i| &self.eligibilities[i])
    }

    /// The eligibilities at a scope that are in their window at the tenant's clock, with their
    /// holders still there.
    pub fn eligibilities_at(&self, s: Scope) -> impl Iterator<Item = &Eligibility> {
        let now = self.now;
        self.idx
            .eligible_by_scope
            .get(&s)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .map(|&i| &self.eligibilities[i])
            .filter(move |e| {
                e.window.contains(now)
                    && !matches!(e.principal, Principal::User(u) if self.users[u.index()].deleted)
            })
    }

    /// [`all_eligibilities_of`](Self::all_eligibilities_of) as indices into `eligibilities`.
    pub fn eligibility_indices_of(&self, p: Principal) -> &[usize] {
        self.idx
            .eligible_by_principal
            .get(&p)
            .map_or(&[][..], |v| v.as_slice())
    }

    /// A PIM for Groups activation by id, deactivated or not.
    pub fn group_activation(&self, id: &str) -> Option<usize> {
        self.group_activations
            .iter()
            .position(|a| a.id.eq_ignore_ascii_case(id))
    }

    /// The clock decisions are made at (Unix seconds); None when no driver set one.
    pub fn now(&self) -> Option<i64> {
        self.now
    }

    /// Sets the clock: time-bound assignments and group activations outside their window lapse
    /// (out of the indices), those inside it come back. Costs one pass over the assignments.
    /// True when one lapsed or came back.
    pub fn set_now(&mut self, now: i64) -> bool {
        self.now = Some(now);
        let mut changed = false;
        for k in 0..self.idx.timed.len() {
            let i = self.idx.timed[k];
            let a = &self.assignments[i.index()];
            if a.deleted {
                continue;
            }
            let lapsed = !a.window.contains(self.now);
            if lapsed != a.lapsed {
                if lapsed {
                    self.unindex_assignment(i);
                } else {
                    self.index_assignment(i);
                }
                self.assignments[i.index()].lapsed = lapsed;
                changed = true;
            }
        }
        for i in 0..self.group_activations.len() {
            let a = &self.group_activations[i];
            if a.deleted {
                continue;
            }
            let lapsed = !a.window.contains(self.now);
            if lapsed != a.lapsed {
                let (g, u, owner) = (a.group, a.user, a.owner);
                if lapsed {
                    self.leave_group(g, u, owner);
                } else {
                    self.join_group(g, u, owner);
                }
                self.group_activations[i].lapsed = lapsed;
                changed = true;
            }
        }
        changed
    }

    /// Every assignment with a bounded window (a PIM activation), lapsed or not, deactivated
    /// or not.
    pub fn timed_assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.idx.timed.iter().map(|&a| &self.assignments[a.index()])
    }

    /// The groups `u` is an eligible member or owner of.
    pub fn user_eligible_groups(&self, u: UserId) -> &[GroupId] {
        self.idx.user_eligible_groups.get(u)
    }

    /// Live assignments held directly by a principal (in force at the tenant's clock).
    pub fn assignments_of(&self, p: Principal) -> &[AssignmentId] {
        self.idx.by_principal.get(&p).map_or(&[], |v| v.as_slice())
    }
    /// Live assignments at a scope.
    pub fn assignments_at(&self, s: Scope) -> &[AssignmentId] {
        self.idx.by_scope.get(&s).map_or(&[], |v| v.as_slice())
    }

    /// The live users holding at least one role, directly or through a role-assignable group
    /// (those with [`effective_assignments`](Self::effective_assignments)), ascending. Works from
    /// the assignments, not by asking each of millions of users.
    pub fn role_holders(&self) -> Vec<UserId> {
        let mut out = Vec::new();
        for (p, asgs) in &self.idx.by_principal {
            if asgs.is_empty() {
                continue;
            }
            match *p {
                Principal::User(u) => out.push(u),
                Principal::Group(g) if self.group(g).role_assignable => {
                    out.extend_from_slice(&self.group(g).members)
                }
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&u| !self.user(u).deleted);
        out
    }

    /// Every live assignment that reaches a user: direct ones and those of the role-assignable
    /// groups the user is a member of. Returned with the group it came through, if any.
    pub fn effective_assignments(&self, u: UserId) -> Vec<(AssignmentId, Option<GroupId>)> {
        let mut out: Vec<(AssignmentId, Option<GroupId>)> = self
            .assignments_of(Principal::User(u))
            .iter()
            .map(|&a| (a, None))
            .collect();
        for &g in self.user_groups(u) {
            if self.group(g).role_assignable {
                out.extend(
                    self.assignments_of(Principal::Group(g))
                        .iter()
                        .map(|&a| (a, Some(g))),
                );
            }
        }
        out
    }

    pub fn mobile_owner(&self, number: &str) -> Option<UserId> {
        self.idx
            .mobile_owner
            .get(number, |v| mobile_is(&self.users, v, number))
            .map(UserId)
    }

    // ---- changes (validated by the operations layer before they get here) ----------------------

    pub fn set_phone(&mut self, u: UserId, method: PhoneMethod) {
        let user = &mut self.users[u.index()];
        if let Some(old) = user
            .phones
            .iter()
            .position(|p| p.phone_type == method.phone_type)
        {
            let old = user.phones.remove(old);
            if old.phone_type == PhoneType::Mobile {
                self.idx.mobile_owner.remove(&old.phone_number, u.0);
            }
        }
        if method.phone_type == PhoneType::Mobile {
            let users = &self.users;
            self.idx
                .mobile_owner
                .insert(&method.phone_number, u.0, |v| {
                    mobile_is(users, v, &method.phone_number)
                });
        }
        let user = &mut self.users[u.index()];
        user.phones.push(method);
        user.phones.sort_by_key(|p| p.phone_type);
    }

    pub fn remove_phone(&mut self, u: UserId, t: PhoneType) {
        let user = &mut self.users[u.index()];
        if let Some(p) = user.phones.iter().position(|p| p.phone_type == t) {
            let old = user.phones.remove(p);
            if t == PhoneType::Mobile {
                self.idx.mobile_owner.remove(&old.phone_number, u.0);
            }
        }
    }

    pub fn set_password_state(&mut self, u: UserId, state: PasswordState) {
        self.users[u.index()].set_password(state);
    }

    pub fn create_au(&mut self, au: AdminUnit) -> AuId {
        let i = AuId::from_index(self.aus.len());
        self.idx.by_id.insert(IdKey::of(&au.id), Object::Au(i));
        self.aus.push(au);
        i
    }

    /// Deletes an AU with its memberships and the role assignments scoped to it.
    pub fn delete_au(&mut self, a: AuId) {
        let members = std::mem::take(&mut self.aus[a.index()].members);
        for m in members {
            self.unlink_member(a, m);
        }
        for asg in self.assignments_at(Scope::Au(a)).to_vec() {
            self.remove_assignment(asg);
        }
        let au = &mut self.aus[a.index()];
        au.deleted = true;
        let id = IdKey::of(&au.id);
        self.idx.by_id.remove(&id);
    }

    pub fn add_au_member(&mut self, a: AuId, m: Principal) {
        self.aus[a.index()].members.push(m);
        match m {
            Principal::User(u) => self.idx.user_aus.push(u, a),
            Principal::Group(g) => self.idx.group_aus[g.index()].push(a),
            Principal::ServicePrincipal(_) => {}
        }
    }

    pub fn remove_au_member(&mut self, a: AuId, m: Principal) {
        remove_value(&mut self.aus[a.index()].members, &m);
        self.unlink_member(a, m);
    }

    fn unlink_member(&mut self, a: AuId, m: Principal) {
        match m {
            Principal::User(u) => self.idx.user_aus.remove(u, a),
            Principal::Group(g) => remove_value(&mut self.idx.group_aus[g.index()], &a),
            Principal::ServicePrincipal(_) => {}
        }
    }

    /// Adds an assignment; one with a window is in force only inside it, at the tenant's clock.
    pub fn add_assignment(&mut self, mut asg: Assignment) -> AssignmentId {
        let i = AssignmentId::from_index(self.assignments.len());
        self.idx
            .by_id
            .insert(IdKey::of(&asg.id), Object::Assignment(i));
        asg.lapsed = !asg.window.contains(self.now);
        let lapsed = asg.lapsed;
        if !asg.window.is_always() {
            self.idx.timed.push(i);
        }
        self.assignments.push(asg);
        if !lapsed {
            self.index_assignment(i);
        }
        i
    }

    fn index_assignment(&mut self, i: AssignmentId) {
        let asg = &self.assignments[i.index()];
        self.idx
            .by_principal
            .entry(asg.principal)
            .or_default()
            .push(i);
        self.idx.by_scope.entry(asg.scope).or_default().push(i);
    }

    fn unindex_assignment(&mut self, i: AssignmentId) {
        let asg = &self.assignments[i.index()];
        let (p, s) = (asg.principal, asg.scope);
        if let Some(v) = self.idx.by_principal.get_mut(&p) {
            remove_value(v, &i);
        }
        if let Some(v) = self.idx.by_scope.get_mut(&s) {
            remove_value(v, &i);
        }
    }

    pub fn remove_assignment(&mut self, i: AssignmentId) {
        let asg = &self.assignments[i.index()];
        if asg.deleted {
            return;
        }
        if !asg.lapsed {
            self.unindex_assignment(i);
        }
        let asg = &mut self.assignments[i.index()];
        asg.deleted = true;
        let id = IdKey::of(&asg.id);
        self.idx.by_id.remove(&id);
    }

    /// Starts a PIM for Groups activation: in force inside its window, at the tenant's clock.
    pub fn add_group_activation(&mut self, mut a: GroupActivation) -> usize {
        a.lapsed = !a.window.contains(self.now);
        if !a.lapsed {
            self.join_group(a.group, a.user, a.owner);
        }
        self.group_activations.push(a);
        self.group_activations.len() - 1
    }

    /// Ends a PIM for Groups activation before its end.
    pub fn remove_group_activation(&mut self, i: usize) {
        let a = &self.group_activations[i];
        if a.deleted {
            return;
        }
        let (g, u, owner, lapsed) = (a.group, a.user, a.owner, a.lapsed);
        if !lapsed {
            self.leave_group(g, u, owner);
        }
        self.group_activations[i].deleted = true;
    }

    /// The group activations of `u` in force now (not lapsed, not deactivated).
    pub fn group_activations_of(
        &self,
        u: UserId,
    ) -> impl Iterator<Item = (usize, &GroupActivation)> {
        self.group_activations
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.user == u && !a.deleted && !a.lapsed)
    }

    fn join_group(&mut self, g: GroupId, u: UserId, owner: bool) {
        let group = &mut self.groups[g.index()];
        if owner {
            if !group.owners.contains(&u) {
                group.owners.push(u);
                self.idx.user_owned_groups.push(u, g);
            }
        } else if !group.members.contains(&u) {
            group.members.push(u);
            self.idx.user_groups.push(u, g);
        }
    }

    fn leave_group(&mut self, g: GroupId, u: UserId, owner: bool) {
        let group = &mut self.groups[g.index()];
        if owner {
            remove_value(&mut group.owners, &u);
            self.idx.user_owned_groups.remove(u, g);
        } else {
            remove_value(&mut group.members, &u);
            self.idx.user_groups.remove(u, g);
        }
    }

    pub fn add_user(&mut self, user: User) -> UserId {
        let i = UserId::from_index(self.users.len());
        self.idx.by_id.insert(IdKey::of(user.id()), Object::User(i));
        let users = &self.users;
        self.idx
            .user_by_upn
            .insert(&lower(user.upn()), i.0, |v| upn_is(users, v, user.upn()));
        for p in &user.phones {
            if p.phone_type == PhoneType::Mobile {
                self.idx.mobile_owner.insert(&p.phone_number, i.0, |v| {
                    mobile_is(users, v, &p.phone_number)
                });
            }
        }
        self.users.push(user);
        self.idx.user_aus.add_slot();
        self.idx.user_groups.add_slot();
        self.idx.user_owned_groups.add_slot();
        self.idx.user_eligible_groups.add_slot();
        i
    }

    /// Deletes a user with their AU memberships, group memberships/ownerships and role assignments.
    pub fn delete_user(&mut self, u: UserId) {
        for a in &mut self.group_activations {
            if a.user == u {
                a.deleted = true;
            }
        }
        for a in self.user_aus(u).to_vec() {
            remove_value(&mut self.aus[a.index()].members, &Principal::User(u));
        }
        self.idx.user_aus.take(u);
        for g in self.idx.user_groups.take(u) {
            remove_value(&mut self.groups[g.index()].members, &u);
        }
        for g in self.idx.user_owned_groups.take(u) {
            remove_value(&mut self.groups[g.index()].owners, &u);
        }
        for g in self.idx.user_eligible_groups.take(u) {
            let g = &mut self.groups[g.index()];
            remove_value(&mut g.eligible_members, &u);
            remove_value(&mut g.eligible_owners, &u);
        }
        for asg in self.assignments_of(Principal::User(u)).to_vec() {
            self.remove_assignment(asg);
        }
        // A deleted user's eligibilities go with them, as their assignments do.
        self.idx.eligible_by_principal.remove(&Principal::User(u));
        let user = &mut self.users[u.index()];
        for p in &user.phones {
            if p.phone_type == PhoneType::Mobile {
                self.idx.mobile_owner.remove(&p.phone_number, u.0);
            }
        }
        user.deleted = true;
        let id = IdKey::of(user.id());
        self.idx.by_id.remove(&id);
        self.idx.user_by_upn.remove(&lower(user.upn()), u.0);
        self.settings
            .my_staff
            .selected
            .retain(|p| *p != Principal::User(u));
    }
}

#[cfg(test)]
mod tests {
    use super::{AuId, IdKey, KeyIndex, Lists, UserId, parse_guid};

    #[test]
    fn lists_behave_like_a_vec_per_user() {
        let mut l: Lists<AuId> = Lists::new(3);
        let mut v: Vec<Vec<u32>> = vec![Vec::new(); 3];
        let ops: [(u32, u32, bool); 12] = [
            (0, 5, true),
            (0, 6, true),
            (0, 7, true),
            (1, 4, true),
            (0, 6, false),
            (0, 5, false),
            (1, 4, false),
            (1, 4, false),
            (2, 1, true),
            (2, 1, true),
            (2, 1, false),
            (0, 7, false),
        ];
        for (u, x, add) in ops {
            if add {
                l.push(UserId(u), AuId(x));
                v[u as usize].push(x);
            } else {
                l.remove(UserId(u), AuId(x));
                if let Some(p) = v[u as usize].iter().position(|&e| e == x) {
                    v[u as usize].remove(p);
                }
            }
            for w in 0..3 {
                let got: Vec<u32> = l.get(UserId(w)).iter().map(|a| a.0).collect();
                assert_eq!(got, v[w as usize], "after {u} {x} {add}");
            }
        }
        l.add_slot();
        assert_eq!(l.take(UserId(2)), vec![AuId(1)]);
        assert!(l.get(UserId(2)).is_empty());
        assert!(l.get(UserId(3)).is_empty());
    }

    #[test]
    fn key_index_checks_hits_and_keeps_colliding_keys_apart() {
        // A hash that sends every key to one slot: every second key spills.
        let keys = ["a", "b", "c", "d"];
        let mut k = KeyIndex::default();
        let is = |key: &'static str| move |v: u32| keys[v as usize] == key;
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(
                k.insert_hashed(0, || (*key).into(), i as u32, is(key)),
                None
            );
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(k.get_hashed(0, key, is(key)), Some(i as u32));
        }
        assert_eq!(k.get_hashed(0, "e", |_| false), None);
        assert_eq!(k.insert_hashed(0, || "c".into(), 2, is("c")), Some(2));
        k.remove_hashed(0, "a", 0);
        assert_eq!(k.get_hashed(0, "a", is("a")), None);
        for (i, key) in keys.iter().enumerate().skip(1) {
            assert_eq!(k.get_hashed(0, key, is(key)), Some(i as u32), "{key}");
        }
        // Through the real hash.
        let mut k = KeyIndex::with_capacity(4);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(k.insert(key, i as u32, is(key)), None);
        }
        assert_eq!(k.insert("b", 1, is("b")), Some(1));
        k.remove("b", 1);
        assert_eq!(k.get("b", is("b")), None);
        assert_eq!(k.get("d", is("d")), Some(3));
    }

    #[test]
    fn id_keys_are_equal_exactly_when_ids_are_equal_ignoring_ascii_case() {
        let ids = [
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e",
            "0a1b2c3d04e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4",
            "ÀBC-not-a-guid",
            "àBC-not-a-guid",
            "abc-NOT-a-guid",
            "abc-not-a-guid",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4G",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(
                    IdKey::of(a) == IdKey::of(b),
                    a.eq_ignore_ascii_case(b),
                    "{a} / {b}"
                );
            }
        }
    }

    #[test]
    fn guids_parse_to_their_hex_value_and_nothing_else_does() {
        for g in [
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-FFFF-ffff-FFFF-ffffffffffff",
            "8db6b60e-2322-46b1-843f-9b9dfafec6d2",
        ] {
            let hex: String = g.chars().filter(|&c| c != '-').collect();
            assert_eq!(parse_guid(g), u128::from_str_radix(&hex, 16).ok(), "{g}");
        }
        for bad in [
            "8db6b60e-2322-46b1-843f-9b9dfafec6dg",
            "8db6b60e-2322-46b1-843f-9b9dfafec6d",
            "8db6b60e22322-46b1-843f-9b9dfafec6d2",
            "8db6b60e-2322-46b1-843f-9b9dfafec6d:",
            "+db6b60e-2322-46b1-843f-9b9dfafec6d2",
            "8db6b60e-2322-46b1-843f-9b9dfafec6\u{e9}",
            "",
        ] {
            assert_eq!(parse_guid(bad), None, "{bad}");
        }
    }

    #[test]
    fn user_texts_read_back_as_given() {
        use super::{User, UserTexts};
        let names = [None, Some(""), Some("Cashier"), Some("Ça va")];
        for (k, job) in names.iter().enumerate() {
            let (dept, office, sam) = (names[(k + 1) % 4], names[(k + 2) % 4], names[(k + 3) % 4]);
            let u = User::new(UserTexts {
                id: "id-1",
                upn: "",
                display_name: "Ava Smith",
                job_title: *job,
                department: dept,
                office_location: office,
                sam_account_name: sam,
            });
            assert_eq!(
                (u.id(), u.upn(), u.display_name()),
                ("id-1", "", "Ava Smith")
            );
            assert_eq!(
                (
                    u.job_title(),
                    u.department(),
                    u.office_location(),
                    u.sam_account_name()
                ),
                (*job, dept, office, sam)
            );
        }
    }
}
