//! Property: random key sequences (plus resizes, mouse events and renders at random sizes) never
//! panic, and every change that reaches the session was allowed by the permission engine at the
//! moment it was made.

use mystaff::model::{AssignmentId, AuId, MyStaffAccess, Principal, Tenant, UserId};
use mystaff::permissions::{self, Action, Target};
use mystaff::phone::PhoneType;
use mystaff::roles::Role;
use mystaff::session::Session;
use mystaff::tui::keymap::{BINDINGS, Key};
use mystaff::tui::state::{AuditRow, MouseKind, ResetResult};
use mystaff::tui::theme::{Theme, ThemeKind};
use mystaff::tui::{App, Backend, Event};
use proptest::prelude::*;

struct Checked {
    inner: Session,
    changes: usize,
    violations: Vec<String>,
}

impl Checked {
    fn check(&mut self, actor: UserId, action: Action, target: Target) {
        let d = permissions::decide(self.inner.tenant(), Principal::User(actor), action, target);
        self.changes += 1;
        if !d.allowed {
            self.violations
                .push(format!("{action} by {actor} on {target:?}: {}", d.reason));
        }
    }
}

impl Backend for Checked {
    fn tenant(&self) -> &Tenant {
        self.inner.tenant()
    }
    fn audit_rows(&self) -> Vec<AuditRow> {
        Backend::audit_rows(&self.inner)
    }
    fn reset_password(
        &mut self,
        actor: UserId,
        target: UserId,
        password: Option<&str>,
    ) -> Result<ResetResult, String> {
        self.check(actor, Action::ResetPassword, Target::User(target));
        Backend::reset_password(&mut self.inner, actor, target, password)
    }
    fn set_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
        number: &str,
    ) -> Result<(), String> {
        self.check(actor, Action::ManagePhone, Target::User(target));
        Backend::set_phone(&mut self.inner, actor, target, kind, number)
    }
    fn remove_phone(
        &mut self,
        actor: UserId,
        target: UserId,
        kind: PhoneType,
    ) -> Result<(), String> {
        self.check(actor, Action::ManagePhone, Target::User(target));
        Backend::remove_phone(&mut self.inner, actor, target, kind)
    }
    fn assign_scoped_role(
        &mut self,
        actor: UserId,
        au: AuId,
        role: Role,
        principal: Principal,
    ) -> Result<Vec<String>, String> {
        self.check(actor, Action::ManageAuRoles, Target::Au(au));
        Backend::assign_scoped_role(&mut self.inner, actor, au, role, principal)
    }
    fn unassign(&mut self, actor: UserId, assignment: AssignmentId) -> Result<(), String> {
        self.check(actor, Action::ManageAuRoles, Target::None);
        Backend::unassign(&mut self.inner, actor, assignment)
    }
    fn set_my_staff_access(
        &mut self,
        actor: UserId,
        access: MyStaffAccess,
        selected: &[Principal],
    ) -> Result<(), String> {
        self.check(actor, Action::ManageSettings, Target::None);
        Backend::set_my_staff_access(&mut self.inner, actor, access, selected)
    }
    fn now(&self) -> String {
        Backend::now(&self.inner)
    }
    fn pref(&self, key: &str) -> Option<String> {
        Backend::pref(&self.inner, key)
    }
    fn set_pref(&mut self, key: &str, value: &str) {
        Backend::set_pref(&mut self.inner, key, value)
    }
    fn refresh(&mut self) -> Result<usize, String> {
        Backend::refresh(&mut self.inner)
    }
    fn tick(&mut self) -> bool {
        Backend::tick(&mut self.inner)
    }
    fn pim_activate(
        &mut self,
        actor: UserId,
        what: mystaff::pim::Request,
        seconds: i64,
        justification: &str,
    ) -> Result<mystaff::pim::Activation, String> {
        Backend::pim_activate(&mut self.inner, actor, what, seconds, justification)
    }
    fn pim_deactivate(&mut self, actor: UserId, what: mystaff::pim::Request) -> Result<(), String> {
        Backend::pim_deactivate(&mut self.inner, actor, what)
    }
}

const PERSONAS: &[Option<&str>] = &[
    None,
    Some("ContosoPortlandManager1@contoso.com"),
    Some("ContosoSeattleManager1@contoso.com"),
    Some("ContosoOrlandoManager1@contoso.com"),
    Some("ContosoDenverManager1@contoso.com"),
    Some("ContosoAdmin@contoso.com"),
    Some("ContosoRoleAdmin@contoso.com"),
    Some("ContosoAuditor@contoso.com"),
    Some("ContosoSeattleUser1@contoso.com"),
    Some("ava.fabrikam.com#EXT#@contoso.com"),
];

#[derive(Debug, Clone)]
enum Step {
    Key(Key),
    Keys(Vec<Key>),
    Resize(u16, u16),
    Mouse(MouseKind, u16, u16),
    Render(u16, u16),
}

fn all_keys() -> Vec<Key> {
    let mut keys: Vec<Key> = BINDINGS
        .iter()
        .flat_map(|b| b.keys.iter().copied())
        .collect();
    // Characters for inputs: phone numbers, passwords, filters.
    keys.extend("+1 303555x0Ab!zq".chars().map(Key::ch));
    keys.sort_by_key(|k| format!("{k:?}"));
    keys.dedup();
    keys
}

fn keys(spec: &str) -> Vec<Key> {
    use crossterm::event::KeyCode;
    spec.split(' ')
        .flat_map(|w| match w {
            "<Enter>" => vec![Key::code(KeyCode::Enter)],
            "<Esc>" => vec![Key::code(KeyCode::Esc)],
            "<Tab>" => vec![Key::code(KeyCode::Tab)],
            "<Down>" => vec![Key::code(KeyCode::Down)],
            "<Sp>" => vec![Key::ch(' ')],
            "<ClearW>" => vec![Key::ctrl('w')],
            w => w.chars().map(Key::ch).collect(),
        })
        .collect()
}

/// Fragments that do something (reset, phones, roles), so random runs reach the session.
const FRAGMENTS: &[&str] = &[
    "<Enter> <Tab> r l <Enter>",
    "<Enter> <Tab> r l <Enter> Tr4il-Blazer! <Tab> Tr4il-Blazer! <Enter>",
    "<Enter> <Tab> a +1<Sp>3035550 9 9 <Enter> l <Enter>",
    "<Enter> <Tab> e <ClearW> +1<Sp>3035550 8 8 <Enter> l <Enter>",
    "<Enter> <Tab> d l <Enter>",
    "<Enter> <Tab> d <Enter> l <Enter>",
    "o a <Enter> <Enter>",
    "o a hel <Enter> con <Enter> l <Enter>",
    "o j d l <Enter>",
    "/ user <Sp> 4 <Enter>",
    "/ executive <Enter> r l <Enter>",
    "f 5 <Enter> <Tab> r l <Enter>",
    "<Esc> <Esc> j",
    "t j j <Enter> l <Enter>",
    "t j <Enter> con <Enter> l <Enter>",
    "t j j d l <Enter>",
    "<Enter>",
    "S",
];

fn step() -> impl Strategy<Value = Step> {
    let keys = all_keys();
    let fragments: Vec<Vec<Key>> = FRAGMENTS.iter().map(|f| self::keys(f)).collect();
    prop_oneof![
        6 => proptest::sample::select(fragments).prop_map(Step::Keys),
        12 => proptest::sample::select(keys).prop_map(Step::Key),
        1 => (0u16..200, 0u16..70).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => (prop_oneof![Just(MouseKind::Click), Just(MouseKind::ScrollUp), Just(MouseKind::ScrollDown)], 0u16..130, 0u16..45)
            .prop_map(|(k, c, r)| Step::Mouse(k, c, r)),
        1 => (0u16..160, 0u16..50).prop_map(|(w, h)| Step::Render(w, h)),
    ]
}

fn tenant() -> Tenant {
    mystaff::fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_never_panic_and_only_allowed_changes_happen(
        persona in proptest::sample::select(PERSONAS),
        steps in proptest::collection::vec(step(), 1..120),
    ) {
        let session = Session::in_memory(tenant(), "tui-prop").with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 1);
        let actor = persona.map(|upn| session.tenant().find_user(upn).expect("persona"));
        let backend = Checked { inner: session, changes: 0, violations: Vec::new() };
        let mut app = App::new(backend, actor, (100, 30));
        let theme = Theme::new(ThemeKind::Dark);
        for s in steps {
            if app.state.quit {
                break;
            }
            match s {
                Step::Key(k) => app.press(k),
                Step::Keys(ks) => ks.into_iter().for_each(|k| app.press(k)),
                Step::Resize(w, h) => app.handle(Event::Resize(w, h)),
                Step::Mouse(kind, col, row) => app.handle(Event::Mouse { kind, col, row }),
                Step::Render(w, h) => { let _ = app.render_to(w, h, &theme); }
            }
        }
        let _ = app.render_to(80, 24, &theme);
        if std::env::var("TUI_PROP_DEBUG").is_ok() { eprintln!("changes={}", app.backend.changes); }
        prop_assert!(app.backend.violations.is_empty(), "refused changes reached the session: {:?}", app.backend.violations);
    }
}
