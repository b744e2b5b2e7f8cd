//! Frames of the terminal UI, rendered into ratatui's `TestBackend` and compared with accepted
//! snapshots. Every frame is reached through real key presses, taken from the keymap
//! (`App::cmd`), over the Contoso demo tenant.

use mystaff::model::Tenant;
use mystaff::session::Session;
use mystaff::tui::keymap::{Cmd, Key};
use mystaff::tui::state::{Pane, Screen, View};
use mystaff::tui::theme::{Theme, ThemeKind};
use mystaff::tui::{App, Event, buffer_text};

fn tenant() -> Tenant {
    mystaff::fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json"))
        .expect("contoso fixture")
}

fn session() -> Session {
    Session::in_memory(tenant(), "tui-test")
        .with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7)
}

fn app_as(upn: &str, size: (u16, u16)) -> App<Session> {
    let s = session();
    let u = s
        .tenant()
        .find_user(upn)
        .unwrap_or_else(|| panic!("no user {upn}"));
    App::new(s, Some(u), size)
}

fn sign_in_app(size: (u16, u16)) -> App<Session> {
    App::new(session(), None, size)
}

fn frame(app: &App<Session>, w: u16, h: u16) -> String {
    buffer_text(&app.render_to(w, h, &Theme::new(ThemeKind::NoColor)))
}

/// Selects a member of the current location through the in-location filter, then opens the
/// profile pane.
fn open_member(app: &mut App<Session>, name: &str) {
    app.cmd(Cmd::FilterMembers);
    app.cmd(Cmd::ClearInput);
    app.type_str(name);
    app.cmd(Cmd::Open); // keep the filter
    let shown: Vec<String> = app
        .state
        .main
        .shown
        .iter()
        .map(|(u, _)| app.tenant().user(*u).display_name().to_string())
        .collect();
    let pos = shown
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} not in {shown:?}"));
    for _ in 0..pos {
        app.cmd(Cmd::Down);
    }
    app.cmd(Cmd::NextPane);
    assert_eq!(app.state.main.pane, Pane::Profile);
}

/// Moves the locations pane to a named location.
fn pick_location(app: &mut App<Session>, name: &str) {
    app.cmd(Cmd::Top);
    for _ in 0..app.state.main.locations.len() {
        let au = app.state.location().expect("a location").au;
        if app.tenant().au(au).display_name == name {
            return;
        }
        app.cmd(Cmd::Down);
    }
    panic!("no location {name}");
}

#[test]
fn sign_in_screen() {
    let mut app = sign_in_app((80, 24));
    insta::assert_snapshot!("sign_in_80x24", frame(&app, 80, 24));
    app.type_str("portland help");
    insta::assert_snapshot!("sign_in_filtered_120x40", frame(&app, 120, 40));
    // Enter signs in as the best match.
    app.cmd(Cmd::Open);
    assert_eq!(app.state.screen, Screen::Main);
}

#[test]
fn access_denied_for_a_plain_user() {
    let mut app = sign_in_app((80, 24));
    app.type_str("ContosoSeattleUser1@");
    app.cmd(Cmd::Open);
    assert_eq!(app.state.screen, Screen::Denied);
    insta::assert_snapshot!("denied_80x24", frame(&app, 80, 24));
    insta::assert_snapshot!("denied_120x40", frame(&app, 120, 40));
    // "Sign in as someone else" goes back to the list.
    app.cmd(Cmd::SignOut);
    assert_eq!(app.state.screen, Screen::SignIn);
}

#[test]
fn main_screen_portland_helpdesk() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    insta::assert_snapshot!("main_portland_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Portland User 7");
    insta::assert_snapshot!("main_portland_profile_80x24", frame(&app, 80, 24));
    insta::assert_snapshot!("main_portland_profile_120x40", frame(&app, 120, 40));
}

#[test]
fn main_screen_seattle_authentication_admin() {
    let mut app = app_as("ContosoSeattleManager1@contoso.com", (120, 40));
    app.cmd(Cmd::Open);
    // Allowed: a non-admin with phones (shown in full).
    open_member(&mut app, "Contoso Seattle User 1");
    insta::assert_snapshot!("main_seattle_profile_enabled_120x40", frame(&app, 120, 40));
    // Refused: a member of the restricted Executive Office unit.
    app.cmd(Cmd::Back);
    app.cmd(Cmd::Back);
    open_member(&mut app, "Contoso Seattle User 2");
    insta::assert_snapshot!("main_seattle_profile_disabled_120x40", frame(&app, 120, 40));
}

#[test]
fn main_screen_orlando_tenant_user_admin() {
    let mut app = app_as("ContosoOrlandoManager1@contoso.com", (120, 40));
    pick_location(&mut app, "Orlando");
    insta::assert_snapshot!("main_orlando_120x40", frame(&app, 120, 40));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Orlando User 3");
    insta::assert_snapshot!("main_orlando_profile_80x24", frame(&app, 80, 24));
}

#[test]
fn help_overlay_comes_from_the_keymap() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Help);
    insta::assert_snapshot!("help_80x24", frame(&app, 80, 24));
    insta::assert_snapshot!("help_120x40", frame(&app, 120, 40));
    app.cmd(Cmd::Back);
    assert!(app.state.help.is_none());
}

#[test]
fn too_small_screen() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (59, 19));
    app.handle(Event::Resize(59, 19));
    insta::assert_snapshot!("too_small_59x19", frame(&app, 59, 19));
    // Tiny sizes never panic.
    for (w, h) in [(0, 0), (1, 1), (10, 3), (60, 20), (61, 21), (200, 60)] {
        let _ = frame(&app, w, h);
    }
    let _ = Key::ch('x');
    assert_eq!(app.state.view, View::Panes);
}

/// `upn` renamed (display name and job title), everything else kept: a name no fixture could
/// hold (the loader refuses control characters and names over 256 characters), to show that the
/// screen escapes and cuts whatever it is given.
fn rename(t: &mut Tenant, upn: &str, name: &str, job: &str) {
    use mystaff::model::{User, UserTexts};
    let u = t.find_user(upn).expect("user");
    let old = t.user(u).clone();
    let mut new = User::new(UserTexts {
        id: old.id(),
        upn: old.upn(),
        display_name: name,
        job_title: Some(job),
        department: old.department(),
        office_location: old.office_location(),
        sam_account_name: old.sam_account_name(),
    });
    new.user_type = old.user_type;
    new.account_enabled = old.account_enabled;
    new.synced = old.synced;
    new.licenses = old.licenses.clone();
    new.phones = old.phones.clone();
    t.users[u.index()] = new;
}

#[test]
fn hostile_names_are_escaped_and_cut_where_they_are_drawn() {
    let huge = |head: &str, fill: &str| format!("{head}{}\nforged line", fill.repeat(100_000));
    let mut t = tenant();
    rename(
        &mut t,
        "ContosoDenverManager1@contoso.com",
        &huge("Mgr\u{1b}[2J\u{1b}]0;title\u{7}", "M"),
        "Boss\u{202e}",
    );
    rename(
        &mut t,
        "ContosoDenverUser1@contoso.com",
        &huge("Bo\u{1b}]52;c;ZXZpbA==\u{7}ise", "W"),
        &huge("\u{9b}2J", "J"),
    );
    let denver = t.find_au("Denver").expect("Denver");
    t.aus[denver.index()].display_name = huge("Denver\u{7f}\u{85}", "D");
    let s =
        Session::in_memory(t, "tui-test").with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7);
    let me = s
        .tenant()
        .find_user("ContosoDenverManager1@contoso.com")
        .unwrap();
    let target = s
        .tenant()
        .find_user("ContosoDenverUser1@contoso.com")
        .unwrap();
    let mut app = App::new(s, Some(me), (80, 24));
    insta::assert_snapshot!("hostile_main_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Open);
    let pos = app
        .state
        .main
        .shown
        .iter()
        .position(|(u, _)| *u == target)
        .expect("the renamed member is listed");
    for _ in 0..pos {
        app.cmd(Cmd::Down);
    }
    app.cmd(Cmd::NextPane);
    insta::assert_snapshot!("hostile_profile_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::ResetPassword);
    let f = frame(&app, 80, 24);
    insta::assert_snapshot!("hostile_reset_confirm_80x24", f);
    // The dialog's buttons and the signed-in account stay on screen.
    assert!(f.contains("Cancel") && f.contains("Reset"), "{f}");
    for f in [frame(&app, 80, 24), frame(&app, 200, 60)] {
        assert!(
            !f.lines()
                .any(|l| l.chars().any(mystaff::sanitize::is_unsafe)),
            "{f}"
        );
        // The line break in the names is shown as `\n`: nothing starts a line of its own.
        assert_eq!(
            f.matches("forged line").count(),
            f.matches("\\nforged line").count() + f.matches("…forged line").count(),
            "{f}"
        );
    }
}
