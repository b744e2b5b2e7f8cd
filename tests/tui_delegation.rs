//! "Who can help" in the profile, the refusal that names whom to ask, and the delegation report
//! view, on Contoso: frames as `insta` snapshots at 80×24 and 120×40.

use mystaff::session::Session;
use mystaff::tui::keymap::{Cmd, Key};
use mystaff::tui::state::{Pane, View};
use mystaff::tui::theme::{Theme, ThemeKind};
use mystaff::tui::{App, buffer_text};

fn app_as(upn: &str, size: (u16, u16)) -> App<Session> {
    let t = mystaff::fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json"))
        .expect("contoso fixture");
    let s =
        Session::in_memory(t, "tui-test").with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7);
    let u = s.tenant().find_user(upn).unwrap();
    App::new(s, Some(u), size)
}

fn frame(app: &App<Session>, w: u16, h: u16) -> String {
    buffer_text(&app.render_to(w, h, &Theme::new(ThemeKind::NoColor)))
}

/// The Portland manager on the profile of Portland User 5, a tenant-wide User Administrator
/// they may not reset; scrolled until "Who can help" is on screen.
fn on_protected_profile(size: (u16, u16)) -> App<Session> {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", size);
    app.cmd(Cmd::NextPane);
    for _ in 0..4 {
        app.cmd(Cmd::Down);
    }
    app.cmd(Cmd::NextPane);
    assert_eq!(app.state.main.pane, Pane::Profile);
    for _ in 0..40 {
        if frame(&app, size.0, size.1).contains("  Phones") {
            break;
        }
        app.cmd(Cmd::Down);
    }
    app
}

#[test]
fn who_can_help_names_whom_to_ask() {
    let app = on_protected_profile((80, 24));
    let f = frame(&app, 80, 24);
    assert!(f.contains("Who can help"), "{f}");
    insta::assert_snapshot!("who_can_help_80x24", f);
    let app = on_protected_profile((120, 40));
    let f = frame(&app, 120, 40);
    // The refusal names someone who can, and the section lists the first few.
    assert!(f.contains("Ask Contoso Global Admin"), "{f}");
    assert!(f.contains("Passwords Contoso Global Admin, "), "{f}");
    insta::assert_snapshot!("who_can_help_120x40", f);
}

#[test]
fn the_report_view_shows_coverage_per_location() {
    let mut app = app_as("ContosoAdmin@contoso.com", (80, 24));
    app.press(Key::ch('D'));
    assert_eq!(app.state.view, View::Report);
    let f = frame(&app, 80, 24);
    assert!(
        f.contains("Only central IT can manage phones in 3 locations: Chicago, Orlando, Portland."),
        "{f}"
    );
    assert!(
        f.contains("Portland     20 members passwords 19/20 (21 admins)"),
        "{f}"
    );
    insta::assert_snapshot!("report_80x24", f);
    insta::assert_snapshot!("report_120x40", frame(&app, 120, 40));
    app.cmd(Cmd::Bottom);
    let f = frame(&app, 80, 24);
    assert!(f.contains("▶ Seattle"), "{f}");
    app.cmd(Cmd::Back);
    assert_eq!(app.state.view, View::Panes);
}
