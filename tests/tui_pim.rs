//! PIM in the terminal UI on Contoso: the eligibility in the header, the refusal that names it
//! with its key, the "Activate a role" dialog and its confirmation, getting in from the
//! access-denied screen, ending an activation, and an activation lapsing when the clock passes
//! its end. Frames are `insta` snapshots at 80×24 and 120×40.

use std::sync::atomic::{AtomicI64, Ordering};

use mystaff::model::{Principal, Tenant};
use mystaff::permissions::{self, Action, Target};
use mystaff::session::Session;
use mystaff::tui::keymap::{Cmd, Key};
use mystaff::tui::state::{Pane, Screen, StatusKind};
use mystaff::tui::theme::{Theme, ThemeKind};
use mystaff::tui::{App, buffer_text};

/// Helpdesk Administrator (Portland), eligible for Authentication Administrator (Portland).
const MANAGER: &str = "ContosoPortlandManager2@contoso.com";
/// Only an eligible member of Contoso Regional Helpdesk: shut out until they activate.
const ELIGIBLE_MEMBER: &str = "ContosoSeattleUser15@contoso.com";

/// 2026-01-02T03:04:05Z.
fn clock() -> String {
    "2026-01-02T03:04:05Z".to_string()
}

/// The lapse test's clock, which it moves (no other test reads it).
static NOW: AtomicI64 = AtomicI64::new(1_767_323_045);

fn moving_clock() -> String {
    mystaff::when::rfc3339(NOW.load(Ordering::SeqCst))
}

fn app_as(upn: &str, size: (u16, u16)) -> App<Session> {
    app_with_clock(upn, size, clock)
}

fn app_with_clock(upn: &str, size: (u16, u16), clock: fn() -> String) -> App<Session> {
    let t: Tenant =
        mystaff::fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json"))
            .expect("contoso fixture");
    let s = Session::in_memory(t, "tui-test").with_test_clock(clock, 7);
    let u = s.tenant().find_user(upn).unwrap();
    App::new(s, Some(u), size)
}

fn frame(app: &App<Session>, w: u16, h: u16) -> String {
    buffer_text(&app.render_to(w, h, &Theme::new(ThemeKind::NoColor)))
}

fn status(app: &App<Session>) -> (StatusKind, String) {
    let s = app.state.status.clone().expect("a status line");
    (s.kind, s.text)
}

fn may_manage_phones(app: &App<Session>, target: &str) -> bool {
    let t = app.tenant();
    let (a, u) = (app.state.actor.unwrap(), t.find_user(target).unwrap());
    permissions::decide(t, Principal::User(a), Action::ManagePhone, Target::User(u)).allowed
}

/// The manager on Portland User 2's profile.
fn on_profile() -> App<Session> {
    on_profile_with(clock)
}

fn on_profile_with(clock: fn() -> String) -> App<Session> {
    let mut app = app_with_clock(MANAGER, (80, 24), clock);
    app.cmd(Cmd::NextPane);
    app.cmd(Cmd::Down);
    app.cmd(Cmd::NextPane);
    assert_eq!(app.state.main.pane, Pane::Profile);
    app
}

fn activate(app: &mut App<Session>, why: &str) {
    app.cmd(Cmd::Activate);
    app.cmd(Cmd::NextField); // duration
    app.cmd(Cmd::NextField); // justification
    app.type_str(why);
    app.cmd(Cmd::Submit);
}

#[test]
fn the_refusal_names_the_eligibility_and_its_key() {
    let mut app = on_profile();
    let f = frame(&app, 80, 24);
    assert!(f.contains("P  Activate Authentication"), "{f}");
    assert!(f.contains("P activates: Authent"), "{f}");
    insta::assert_snapshot!("pim_profile_refused_80x24", f);
    app.cmd(Cmd::AddPhone);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(
        text.starts_with(
            "Press P to activate Authentication Administrator (scoped to Portland), which you are eligible for. (Managing phone numbers takes"
        ),
        "{text}"
    );
    insta::assert_snapshot!("pim_profile_refused_120x40", frame(&app, 120, 40));
}

#[test]
fn the_activation_dialog_asks_then_activates() {
    let mut app = on_profile();
    app.cmd(Cmd::Activate);
    insta::assert_snapshot!("pim_dialog_80x24", frame(&app, 80, 24));
    insta::assert_snapshot!("pim_dialog_120x40", frame(&app, 120, 40));
    // Enter without a justification says what is missing and goes to it.
    app.cmd(Cmd::Submit);
    let f = frame(&app, 80, 24);
    assert!(f.contains("Say why you need it"), "{f}");
    app.type_str("Store opening: phones");
    // A duration PIM does not allow.
    app.cmd(Cmd::PrevField);
    app.cmd(Cmd::ClearInput);
    app.type_str("9h");
    app.cmd(Cmd::Submit);
    let f = frame(&app, 80, 24);
    assert!(f.contains("from 30 minutes to 8 hours"), "{f}");
    app.cmd(Cmd::ClearInput);
    app.type_str("90m");
    app.cmd(Cmd::Submit);
    insta::assert_snapshot!("pim_confirm_80x24", frame(&app, 80, 24));
    assert!(!may_manage_phones(&app, "ContosoPortlandUser2@contoso.com"));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert_eq!(
        status(&app),
        (
            StatusKind::Ok,
            "Authentication Administrator (scoped to Portland) is active until today 04:34."
                .to_string()
        )
    );
    assert!(may_manage_phones(&app, "ContosoPortlandUser2@contoso.com"));
    let f = frame(&app, 120, 40);
    assert!(
        f.contains(
            "Your roles: Authentication Administrator (scoped to Portland) until today 04:34"
        ),
        "{f}"
    );
    assert!(f.contains("a  Add phone number"), "{f}");
    insta::assert_snapshot!("pim_active_120x40", f);
    let audit = app.backend.audit();
    let last = audit.last().unwrap();
    assert_eq!(
        last.activity_display_name,
        "Add member to role completed (PIM activation)"
    );
    assert!(
        last.additional_details
            .iter()
            .any(|kv| kv.key == "Justification" && kv.value == "Store opening: phones")
    );

    // The dialog now offers to end it.
    app.cmd(Cmd::Activate);
    let f = frame(&app, 80, 24);
    assert!(f.contains("active until"), "{f}");
    assert!(f.contains("Enter ends this activation now"), "{f}");
    app.cmd(Cmd::Submit);
    let f = frame(&app, 80, 24);
    assert!(
        f.contains("End Authentication Administrator (scoped to Portland) now?"),
        "{f}"
    );
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert_eq!(
        status(&app).1,
        "Authentication Administrator (scoped to Portland) is no longer active."
    );
    assert!(!may_manage_phones(&app, "ContosoPortlandUser2@contoso.com"));
}

#[test]
fn an_eligible_member_gets_in_by_activating() {
    let mut app = app_as(ELIGIBLE_MEMBER, (80, 24));
    assert_eq!(app.state.screen, Screen::Denied);
    let f = frame(&app, 80, 24);
    assert!(f.contains("P activate it"), "{f}");
    insta::assert_snapshot!("pim_denied_80x24", f);
    activate(&mut app, "covering the lead");
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert_eq!(app.state.screen, Screen::Main);
    assert_eq!(
        status(&app).1,
        "Member of Contoso Regional Helpdesk is active until today 04:04."
    );
    let names: Vec<String> = app
        .state
        .main
        .locations
        .iter()
        .map(|l| app.tenant().au(l.au).display_name.clone())
        .collect();
    assert_eq!(names, ["Seattle"]);
}

#[test]
fn an_activation_lapses_when_the_clock_passes_its_end() {
    let mut app = on_profile_with(moving_clock);
    activate(&mut app, "an hour");
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(may_manage_phones(&app, "ContosoPortlandUser2@contoso.com"));
    let start = NOW.load(Ordering::SeqCst);
    NOW.store(start + 3600, Ordering::SeqCst);
    app.tick();
    assert!(!may_manage_phones(&app, "ContosoPortlandUser2@contoso.com"));
    let f = frame(&app, 80, 24);
    assert!(f.contains("P  Activate Authentication"), "{f}");
    assert!(!f.contains(" until "), "{f}");
    assert_eq!(
        status(&app),
        (
            StatusKind::Info,
            "Your activation of Authentication Administrator (scoped to Portland) has ended."
                .to_string()
        )
    );
    // The key does what the hint says.
    app.press(Key::ch('P'));
    assert!(frame(&app, 80, 24).contains("Activate a role"));
}
