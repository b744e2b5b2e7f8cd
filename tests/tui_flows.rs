//! Whole tasks through the terminal UI's state machine, driven by keymap commands over the
//! Contoso tenant in an in-memory session: search, filter, password resets, phone numbers, the
//! audit log, scoped roles. Frames are snapshotted along the way.

use mystaff::audit::AuditResult;
use mystaff::model::MyStaffAccess;
use mystaff::model::Tenant;
use mystaff::phone::PhoneType;
use mystaff::session::Session;
use mystaff::tui::keymap::{Cmd, Key};
use mystaff::tui::state::{Dialog, Pane, Screen, StatusKind, View, name_tier};
use mystaff::tui::theme::{Theme, ThemeKind};
use mystaff::tui::{App, buffer_text};

fn tenant() -> Tenant {
    mystaff::fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json"))
        .expect("contoso fixture")
}

fn app_as(upn: &str, size: (u16, u16)) -> App<Session> {
    let s = Session::in_memory(tenant(), "tui-test")
        .with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7);
    let u = s
        .tenant()
        .find_user(upn)
        .unwrap_or_else(|| panic!("no user {upn}"));
    App::new(s, Some(u), size)
}

fn frame(app: &App<Session>, w: u16, h: u16) -> String {
    buffer_text(&app.render_to(w, h, &Theme::new(ThemeKind::NoColor)))
}

fn user(app: &App<Session>, upn: &str) -> mystaff::model::UserId {
    app.tenant().find_user(upn).unwrap()
}

/// Opens a member's profile via the in-location filter.
fn open_member(app: &mut App<Session>, name: &str) {
    if app.state.main.pane == Pane::Profile {
        app.cmd(Cmd::Back);
    }
    app.cmd(Cmd::FilterMembers);
    app.cmd(Cmd::ClearInput);
    app.type_str(name);
    app.cmd(Cmd::Open);
    let pos = app
        .state
        .main
        .shown
        .iter()
        .position(|(u, _)| app.tenant().user(*u).display_name() == name)
        .unwrap_or_else(|| panic!("{name} not shown"));
    app.cmd(Cmd::Top);
    for _ in 0..pos {
        app.cmd(Cmd::Down);
    }
    app.cmd(Cmd::NextPane);
    assert_eq!(app.state.main.pane, Pane::Profile);
}

fn pick_location(app: &mut App<Session>, name: &str) {
    app.cmd(Cmd::Top);
    for _ in 0..app.state.main.locations.len() {
        if app
            .tenant()
            .au(app.state.location().unwrap().au)
            .display_name
            == name
        {
            return;
        }
        app.cmd(Cmd::Down);
    }
    panic!("no location {name}");
}

fn status(app: &App<Session>) -> (StatusKind, String) {
    let s = app.state.status.clone().expect("a status line");
    (s.kind, s.text)
}

#[test]
fn global_search_jumps_to_a_user() {
    let mut app = app_as("ContosoOrlandoManager1@contoso.com", (120, 40));
    app.cmd(Cmd::GlobalSearch);
    assert_eq!(app.state.view, View::Search);
    app.type_str("seattle user 1");
    insta::assert_snapshot!("search_results_120x40", frame(&app, 120, 40));
    insta::assert_snapshot!("search_results_80x24", frame(&app, 80, 24));
    let first = app.state.search.hits[0].clone();
    app.cmd(Cmd::Open);
    assert_eq!(app.state.view, View::Panes);
    assert_eq!(app.state.main.pane, Pane::Profile);
    let shown = app.state.profile_user().unwrap();
    assert_eq!(mystaff::tui::state::HitKind::User(shown), first.kind);
}

#[test]
fn search_out_of_scope_opens_read_only() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::GlobalSearch);
    app.type_str("ContosoSeattleUser3@");
    app.cmd(Cmd::Open);
    assert_eq!(
        app.state.profile_user(),
        Some(user(&app, "ContosoSeattleUser3@contoso.com"))
    );
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Info);
    assert!(text.starts_with("Read-only: "), "{text}");
    insta::assert_snapshot!("search_out_of_scope_80x24", frame(&app, 80, 24));
}

#[test]
fn stale_search_results_are_ignored() {
    let mut app = app_as("ContosoAdmin@contoso.com", (80, 24));
    app.cmd(Cmd::GlobalSearch);
    app.type_str("denver");
    let seq = app.state.search.seq;
    app.handle(mystaff::tui::Event::SearchResults {
        seq: seq - 1,
        hits: Vec::new(),
    });
    assert!(
        !app.state.search.hits.is_empty(),
        "an older answer must not replace the newest"
    );
}

#[test]
fn filter_within_a_location() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::FilterMembers);
    app.type_str("user 1");
    insta::assert_snapshot!("member_filter_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Back); // clears the filter
    assert_eq!(app.state.main.shown.len(), app.state.main.members.len());
}

#[test]
fn reset_cloud_password_shows_it_once() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 1");
    app.cmd(Cmd::ResetPassword);
    insta::assert_snapshot!("reset_confirm_cloud_80x24", frame(&app, 80, 24));
    // Cancel has the focus: Enter cancels.
    app.cmd(Cmd::Submit);
    assert!(app.state.dialogs.is_empty());
    assert!(app.backend.audit().is_empty());
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    let Some(Dialog::TempPassword(notice)) = app.state.dialogs.last() else {
        panic!("no temporary password dialog: {:?}", app.state.dialogs)
    };
    let shown = notice.password.as_str().to_string();
    assert!(shown.len() >= 8);
    // Shown grouped as it is read out ("Cuyo 5459 Bema 2873"), masked in the snapshots.
    let grouped = mystaff::password::grouped(&shown);
    let masked = |f: String| f.replace(&grouped, &grouped.replace(|c: char| c != ' ', "X"));
    let f80 = frame(&app, 80, 24);
    assert!(f80.contains(&grouped), "{f80}");
    insta::assert_snapshot!("reset_temp_password_80x24", masked(f80));
    insta::assert_snapshot!("reset_temp_password_120x40", masked(frame(&app, 120, 40)));
    // Spelled out on request, for reading it over the phone.
    app.cmd(Cmd::Spell);
    let spelled = mystaff::password::phonetic(&shown);
    let first = spelled.split(" / ").next().unwrap();
    assert!(frame(&app, 120, 40).contains(first), "no spelling line");
    app.cmd(Cmd::Back);
    assert!(app.state.dialogs.is_empty());
    let after = frame(&app, 120, 40);
    assert!(
        !after.contains(&grouped) && !after.contains(&shown) && !after.contains(first),
        "the password stays on screen"
    );
    assert!(
        !format!("{:?}", app.state).contains(&shown),
        "the password stays in the state"
    );
    let audit = app.backend.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].result, AuditResult::Success);
    assert_eq!(audit[0].activity_display_name, "Reset password (by admin)");
}

#[test]
fn reset_synced_password_with_live_checklist() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 4");
    app.cmd(Cmd::ResetPassword);
    insta::assert_snapshot!("reset_confirm_synced_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::SetPassword { .. })
    ));
    app.type_str("denver");
    insta::assert_snapshot!("reset_synced_failing_80x24", frame(&app, 80, 24));
    // Submitting a failing password does nothing but explain.
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::SetPassword { .. })
    ));
    assert_eq!(status(&app).0, StatusKind::Error);
    app.cmd(Cmd::ClearInput);
    app.type_str("Tr4il-Blazer!");
    // One field is not enough: the password must be typed twice.
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::SetPassword { .. })
    ));
    assert!(
        status(&app).1.contains("Typed the same twice"),
        "{:?}",
        status(&app)
    );
    assert!(app.backend.audit().is_empty());
    app.cmd(Cmd::NextField);
    app.type_str("Tr4il-Blazer!");
    // Typed blind, and revealed on request.
    assert!(!frame(&app, 120, 40).contains("Tr4il-Blazer!"));
    app.cmd(Cmd::Reveal);
    assert!(frame(&app, 120, 40).contains("Tr4il-Blazer!"));
    app.cmd(Cmd::Reveal);
    insta::assert_snapshot!("reset_synced_passing_120x40", frame(&app, 120, 40));
    app.cmd(Cmd::Submit);
    assert!(app.state.dialogs.is_empty());
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Ok, "{text}");
    assert_eq!(app.backend.audit().len(), 1);
}

#[test]
fn phone_add_with_validation_edit_and_remove() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 2");
    let target = user(&app, "ContosoDenverUser2@contoso.com");
    assert!(app.tenant().user(target).phones.is_empty());
    app.cmd(Cmd::AddPhone);
    app.type_str("303-555-0199");
    insta::assert_snapshot!("phone_add_invalid_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Phone(p)) if p.error.is_some()
    ));
    app.cmd(Cmd::ClearInput);
    app.type_str("+1 3035550199");
    insta::assert_snapshot!("phone_add_valid_120x40", frame(&app, 120, 40));
    // Adding asks first, like every change, with Cancel focused: Enter goes back to the dialog.
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Confirm { .. })
    ));
    insta::assert_snapshot!("phone_add_confirm_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Phone { .. })
    ));
    assert!(app.tenant().user(target).phones.is_empty());
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(app.state.dialogs.is_empty(), "{:?}", app.state.dialogs);
    assert_eq!(
        app.tenant()
            .user(target)
            .phone(PhoneType::Mobile)
            .unwrap()
            .phone_number,
        "+1 3035550199"
    );
    // A number someone else has is refused by the operation; the dialog stays with the reason.
    app.cmd(Cmd::EditPhone);
    app.cmd(Cmd::ClearInput);
    app.type_str("+1 3035550101");
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Phone(p)) if p.error.is_some()
    ));
    insta::assert_snapshot!("phone_edit_refused_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Back);
    // Remove: one number, so straight to the confirmation (Cancel focused).
    app.cmd(Cmd::RemovePhone);
    insta::assert_snapshot!("phone_remove_confirm_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(app.tenant().user(target).phones.is_empty());
    let acts: Vec<_> = app
        .backend
        .audit()
        .iter()
        .map(|r| (r.activity_display_name.clone(), r.result))
        .collect();
    assert_eq!(
        acts,
        [
            (
                "Admin registered security info".to_string(),
                AuditResult::Success
            ),
            (
                "Admin updated security info".to_string(),
                AuditResult::Failure
            ),
            (
                "Admin deleted security info".to_string(),
                AuditResult::Success
            ),
        ]
    );
}

#[test]
fn phone_remove_with_two_numbers_is_a_choice_without_typing() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 2");
    let target = user(&app, "ContosoDenverUser2@contoso.com");
    // A mobile number (first on offer), then an office one (second on offer once the mobile is
    // there).
    for (number, next) in [("+1 3035550199", 0), ("+1 3035550198", 1)] {
        app.cmd(Cmd::AddPhone);
        for _ in 0..next {
            app.cmd(Cmd::NextField);
        }
        app.type_str(number);
        app.cmd(Cmd::Submit);
        app.cmd(Cmd::NextField);
        app.cmd(Cmd::Submit);
        assert!(app.state.dialogs.is_empty(), "{:?}", app.state.dialogs);
    }
    let kinds: Vec<_> = app
        .tenant()
        .user(target)
        .phones
        .iter()
        .map(|p| p.phone_type)
        .collect();
    assert_eq!(kinds.len(), 2);
    app.cmd(Cmd::RemovePhone);
    let before = frame(&app, 80, 24);
    insta::assert_snapshot!("phone_remove_choice_80x24", before);
    // Nothing to type here, and the status bar does not offer it.
    assert!(!before.contains("to edit"), "{before}");
    app.type_str("x");
    assert_eq!(frame(&app, 80, 24), before);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Confirm { .. })
    ));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    let left: Vec<_> = app
        .tenant()
        .user(target)
        .phones
        .iter()
        .map(|p| p.phone_type)
        .collect();
    assert_eq!(left, [kinds[0]]);
}

#[test]
fn phone_keys_absent_where_not_allowed() {
    // Portland managers (Helpdesk) cannot manage phones: numbers masked, keys do nothing.
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Portland User 1");
    app.press(Key::ch('a'));
    assert!(app.state.dialogs.is_empty());
    assert_eq!(status(&app).0, StatusKind::Error);
    assert!(!frame(&app, 80, 24).contains("2065550101"));
}

#[test]
fn audit_view_newest_first_and_per_user() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (120, 40));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 1");
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::Back);
    open_member(&mut app, "Contoso Denver User 3");
    app.cmd(Cmd::AddPhone);
    app.type_str("+1 3035550777");
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::Audit);
    assert_eq!(app.state.view, View::Audit);
    insta::assert_snapshot!("audit_120x40", frame(&app, 120, 40));
    app.cmd(Cmd::FilterAudit);
    app.type_str("security");
    app.cmd(Cmd::Open);
    assert_eq!(app.state.audit.shown.len(), 1);
    insta::assert_snapshot!("audit_filtered_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Back);
    // From the profile: this user's records only.
    app.cmd(Cmd::UserAudit);
    assert_eq!(app.state.audit.shown.len(), 1);
    assert!(
        app.state
            .audit
            .filter
            .as_str()
            .contains("ContosoDenverUser3")
    );
}

#[test]
fn scoped_roles_view_assign_and_remove() {
    let mut app = app_as("ContosoRoleAdmin@contoso.com", (120, 40));
    pick_location(&mut app, "Chicago");
    app.cmd(Cmd::ScopedRoles);
    assert_eq!(app.state.view, View::Roles);
    insta::assert_snapshot!("roles_chicago_120x40", frame(&app, 120, 40));
    let before =
        mystaff::tui::state::au_assignments(app.tenant(), app.state.roles.au.unwrap()).len();
    app.cmd(Cmd::AddAssignment);
    app.type_str("helpdesk");
    insta::assert_snapshot!("roles_pick_role_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Open);
    app.type_str("ContosoChicagoManager2");
    insta::assert_snapshot!("roles_pick_principal_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Open);
    // Assigning asks first, like every change, with Cancel focused: Enter now changes nothing.
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Confirm { .. })
    ));
    insta::assert_snapshot!("roles_assign_confirm_80x24", frame(&app, 80, 24));
    assert_eq!(
        mystaff::tui::state::au_assignments(app.tenant(), app.state.roles.au.unwrap()).len(),
        before
    );
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Ok, "{text}");
    let au = app.state.roles.au.unwrap();
    assert_eq!(
        mystaff::tui::state::au_assignments(app.tenant(), au).len(),
        before + 1
    );
    app.cmd(Cmd::Top);
    app.cmd(Cmd::RemoveAssignment);
    insta::assert_snapshot!("roles_remove_confirm_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert_eq!(
        mystaff::tui::state::au_assignments(app.tenant(), au).len(),
        before
    );
}

#[test]
fn scoped_roles_read_only_for_managers() {
    let mut app = app_as("ContosoSeattleManager1@contoso.com", (80, 24));
    app.cmd(Cmd::ScopedRoles);
    app.press(Key::ch('a'));
    assert!(app.state.dialogs.is_empty());
    insta::assert_snapshot!("roles_read_only_80x24", frame(&app, 80, 24));
}

#[test]
fn quit_asks_when_a_dialog_is_open() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    open_member(&mut app, "Contoso Denver User 1");
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::Quit);
    assert!(!app.state.quit);
    insta::assert_snapshot!("quit_confirm_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(app.state.quit);
}

#[test]
fn styled_frames_per_theme() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    for kind in [ThemeKind::Dark, ThemeKind::Light, ThemeKind::NoColor] {
        let buf = app.render_to(80, 24, &Theme::new(kind));
        insta::assert_debug_snapshot!(format!("styled_main_{kind:?}_80x24").to_lowercase(), buf);
    }
}

#[test]
fn settings_view_sets_my_staff_access_to_none() {
    let mut app = app_as("ContosoAdmin@contoso.com", (120, 40));
    app.cmd(Cmd::Settings);
    assert_eq!(app.state.view, View::Settings);
    insta::assert_snapshot!("settings_admin_120x40", frame(&app, 120, 40));
    insta::assert_snapshot!("settings_admin_80x24", frame(&app, 80, 24));
    // "None" is the last row; Enter asks first, with Cancel focused.
    app.cmd(Cmd::Bottom);
    app.cmd(Cmd::Open);
    insta::assert_snapshot!("settings_confirm_none_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Submit);
    assert!(app.state.dialogs.is_empty());
    assert_eq!(app.tenant().settings.my_staff.access, MyStaffAccess::All);
    assert!(app.backend.audit().is_empty());
    app.cmd(Cmd::Open);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert_eq!(app.tenant().settings.my_staff.access, MyStaffAccess::None);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Ok, "{text}");
    assert!(text.contains("no one"), "{text}");
    // The engine now refuses everyone, the admin included: their screen says so at once.
    assert_eq!(app.state.screen, Screen::Denied);
    let audit = app.backend.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].activity_display_name,
        "Update MyStaff feature value"
    );
    assert_eq!(audit[0].result, AuditResult::Success);
    // A manager starting the UI on the same session gets the "Oops…" screen.
    let session = app.backend;
    let manager = session
        .tenant()
        .find_user("ContosoPortlandManager1@contoso.com")
        .unwrap();
    let next = App::new(session, Some(manager), (80, 24));
    assert_eq!(next.state.screen, Screen::Denied);
    assert!(
        next.state.denied_reason.starts_with("Oops"),
        "{}",
        next.state.denied_reason
    );
    assert!(frame(&next, 80, 24).contains("Oops"));
}

#[test]
fn settings_view_selects_users_through_the_picker() {
    let mut app = app_as("ContosoOrlandoManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Settings);
    app.cmd(Cmd::Down); // "Selected users and groups"
    app.cmd(Cmd::Open);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::PickPrincipal { .. })
    ));
    app.type_str("portland manager 1");
    insta::assert_snapshot!("settings_pick_principal_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::Open);
    insta::assert_snapshot!("settings_confirm_selected_80x24", frame(&app, 80, 24));
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(app.state.dialogs.is_empty(), "{:?}", app.state.dialogs);
    let pm1 = user(&app, "ContosoPortlandManager1@contoso.com");
    let ms = &app.tenant().settings.my_staff;
    assert_eq!(ms.access, MyStaffAccess::Selected);
    assert_eq!(ms.selected, [mystaff::model::Principal::User(pm1)]);
    // The actor is not selected: shut out, with the engine's reason.
    assert_eq!(app.state.screen, Screen::Denied);
    assert!(app.state.denied_reason.contains("selected"));
    // The selected manager still gets in; another is refused.
    let session = app.backend;
    let next = App::new(session, Some(pm1), (80, 24));
    assert_eq!(next.state.screen, Screen::Main);
    let session = next.backend;
    let other = session
        .tenant()
        .find_user("ContosoSeattleManager1@contoso.com")
        .unwrap();
    assert_eq!(
        App::new(session, Some(other), (80, 24)).state.screen,
        Screen::Denied
    );
}

#[test]
fn settings_view_removes_a_selected_user() {
    let mut app = app_as("ContosoAdmin@contoso.com", (80, 24));
    let admin = app.state.actor.unwrap();
    let pm1 = user(&app, "ContosoPortlandManager1@contoso.com");
    app.backend
        .set_my_staff_access(
            admin,
            MyStaffAccess::Selected,
            &[
                mystaff::model::Principal::User(admin),
                mystaff::model::Principal::User(pm1),
            ],
        )
        .unwrap();
    app.tenant_changed();
    app.cmd(Cmd::Settings);
    insta::assert_snapshot!("settings_selected_80x24", frame(&app, 80, 24));
    // Rows: All, Selected, ContosoAdmin, Contoso Portland Manager 1, None.
    app.cmd(Cmd::Down);
    app.cmd(Cmd::Down);
    app.cmd(Cmd::Down);
    app.cmd(Cmd::RemoveSelected);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    let ms = &app.tenant().settings.my_staff;
    assert_eq!(ms.selected, [mystaff::model::Principal::User(admin)]);
    assert_eq!(app.state.screen, Screen::Main);
    // The last one cannot be removed: All or None say what is meant.
    app.cmd(Cmd::Top);
    app.cmd(Cmd::Down);
    app.cmd(Cmd::Down);
    app.cmd(Cmd::RemoveSelected);
    assert!(app.state.dialogs.is_empty());
    assert_eq!(status(&app).0, StatusKind::Error);
}

#[test]
fn settings_view_is_read_only_for_managers() {
    // The key is listed in help, under the views.
    let km = mystaff::tui::keymap::Keymap::default();
    let key = km
        .key_for(mystaff::tui::keymap::Ctx::Locations, Cmd::Settings)
        .unwrap();
    assert!(
        km.help_sections()
            .iter()
            .flat_map(|(_, lines)| lines)
            .any(|(k, label)| *k == key.to_string() && label.contains("settings")),
        "{key} is not in help"
    );
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Settings);
    assert_eq!(app.state.view, View::Settings);
    let f = frame(&app, 80, 24);
    assert!(f.contains("Read-only: "), "{f}");
    insta::assert_snapshot!("settings_read_only_80x24", f);
    app.cmd(Cmd::Bottom);
    app.cmd(Cmd::Open);
    assert!(app.state.dialogs.is_empty());
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(text.contains("User Administrator"), "{text}");
    assert_eq!(app.tenant().settings.my_staff.access, MyStaffAccess::All);
    app.cmd(Cmd::Back);
    assert_eq!(app.state.view, View::Panes);
}

/// A tenant from `mystaff generate`, loaded.
fn generated(locations: u32, users_per_location: u32, seed: u64) -> Tenant {
    use mystaff::generate::{Spec, write_tenant};
    let mut json = Vec::new();
    let spec = Spec {
        locations,
        users_per_location,
        seed,
    };
    write_tenant(spec, &mut json).unwrap();
    mystaff::fixture::load("generated.json", &json).unwrap()
}

/// Above `SIGN_IN_LIST_ALL_MAX` users the sign-in screen lists the role holders only; anyone
/// else is found by their exact sign-in name (or id), and a plain user still gets the Oops page.
#[test]
fn sign_in_at_scale_lists_role_holders_and_finds_others_by_name() {
    use mystaff::tui::state::SIGN_IN_LIST_ALL_MAX;
    let t = generated(110, 200, 3);
    let total = t.live_users().count();
    assert!(total > SIGN_IN_LIST_ALL_MAX, "{total}");
    let holders = t.role_holders();
    let plain = t
        .live_users()
        .find(|u| holders.binary_search(u).is_err())
        .unwrap();
    let plain_upn = t.user(plain).upn().to_string();
    let s = Session::in_memory(t, "tui-test");
    let mut app = App::new(s, None, (100, 30));
    assert_eq!(app.state.signin.listed, holders.len());
    assert_eq!(app.state.signin.shown.len(), holders.len());
    assert_eq!(app.state.signin.total, total);
    assert!(
        app.state
            .signin
            .accounts
            .iter()
            .all(|a| holders.binary_search(&a.user).is_ok())
    );
    // A fuzzy filter only looks through the listed accounts.
    app.type_str(&plain_upn[..plain_upn.len() - 3]);
    assert!(
        app.state
            .signin
            .shown
            .iter()
            .all(|(i, _)| *i < app.state.signin.listed)
    );
    // The full sign-in name finds the account, first.
    app.type_str(&plain_upn[plain_upn.len() - 3..]);
    let (first, _) = app.state.signin.shown[0];
    assert_eq!(app.state.signin.accounts[first].user, plain);
    let f = frame(&app, 100, 30);
    assert!(f.contains("1 named + "), "{f}");
    app.cmd(Cmd::Open);
    assert_eq!(app.state.screen, Screen::Denied);
    // Back on the sign-in screen, the named account is gone again.
    app.cmd(Cmd::SignOut);
    app.cmd(Cmd::ClearInput);
    assert_eq!(app.state.signin.accounts.len(), holders.len());
}

/// The sign-in filter narrows the previous matches while the user types on; whatever the path
/// (typing, deleting, retyping), the list is what scoring every listed account gives.
#[test]
fn sign_in_filter_narrowing_matches_a_fresh_scan() {
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    // 4,500 accounts: above the size from which the filter scores on every core.
    let t = generated(30, 150, 5);
    let mut app = App::new(Session::in_memory(t, "tui-test"), None, (100, 30));
    let expected = |app: &App<Session>| -> Vec<usize> {
        let s = &app.state.signin;
        let pattern = s.filter.as_str().trim();
        let m = SkimMatcherV2::default().ignore_case();
        let query: String = pattern
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let mut scored: Vec<(u8, i64, usize)> = (0..s.listed)
            .filter_map(|i| {
                let u = app.tenant().user(s.accounts[i].user);
                let upn = u.upn();
                let local = upn.split('@').next().unwrap();
                let tier = [u.display_name(), upn, local]
                    .iter()
                    .map(|n| name_tier(&query, n))
                    .min()
                    .unwrap();
                m.fuzzy_indices(&s.accounts[i].label, pattern)
                    .map(|(sc, _)| (tier, sc, i))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored.into_iter().map(|(_, _, i)| i).collect()
    };
    let backspace = Key::code(crossterm::event::KeyCode::Backspace);
    let mut checked = 0;
    for step in [
        "s", "e", "a", "<", "<", "t", "o", "r", "e", " ", "m", "<", "<", "<", "<", "<", "<", "h",
        "e", "l", "p", "<", "<", "<", "<", "x", "q",
    ] {
        if step == "<" {
            app.press(backspace);
        } else {
            app.type_str(step);
        }
        let shown: Vec<usize> = app.state.signin.shown.iter().map(|(i, _)| *i).collect();
        if app.state.signin.filter.as_str().trim().is_empty() {
            assert_eq!(shown.len(), app.state.signin.listed);
            continue;
        }
        let want = expected(&app);
        assert_eq!(shown, want, "filter {:?}", app.state.signin.filter);
        checked += usize::from(!want.is_empty());
    }
    assert!(checked >= 10, "{checked} filters with matches");
}

// ---- the rough edges a new user hit, one test each -------------------------------------------

fn sign_in_app(size: (u16, u16)) -> App<Session> {
    let s = Session::in_memory(tenant(), "tui-test")
        .with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7);
    App::new(s, None, size)
}

fn signed_in_as(app: &App<Session>) -> String {
    let s = &app.state.signin;
    let (i, _) = s.shown[s.list.sel];
    app.tenant().user(s.accounts[i].user).upn().to_string()
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::ResetPassword);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Confirm { .. })
    ));
    app.handle(mystaff::tui::Event::Resize(59, 19));
    assert!(frame(&app, 59, 19).contains("Terminal too small"));
    // → then Enter would press "Reset password" in a dialog nobody can see.
    app.press(Key::code(crossterm::event::KeyCode::Right));
    app.press(Key::code(crossterm::event::KeyCode::Enter));
    assert!(app.backend.audit().is_empty(), "a reset happened unseen");
    app.handle(mystaff::tui::Event::Resize(80, 24));
    assert!(matches!(app.state.dialogs.last(), Some(Dialog::Confirm(c)) if !c.ok_focused));
    // Ctrl-C still quits.
    app.handle(mystaff::tui::Event::Resize(59, 19));
    app.press(Key::ctrl('c'));
    assert!(app.state.quit);
}

#[test]
fn sign_in_puts_exact_and_prefix_matches_first() {
    for (typed, want) in [
        ("contosoadmin", "ContosoAdmin@contoso.com"),
        ("seattle user 1", "ContosoSeattleUser1@contoso.com"),
        ("Contoso Role Admin", "ContosoRoleAdmin@contoso.com"),
        ("portland manager 1", "ContosoPortlandManager1@contoso.com"),
    ] {
        let mut app = sign_in_app((80, 24));
        app.type_str(typed);
        assert_eq!(signed_in_as(&app), want, "typed {typed:?}");
        app.cmd(Cmd::Open);
        assert_eq!(
            app.state
                .actor
                .map(|a| app.tenant().user(a).upn().to_string()),
            Some(want.to_string())
        );
    }
}

#[test]
fn actions_work_from_the_members_pane() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    assert_eq!(app.state.main.pane, Pane::Members);
    app.cmd(Cmd::Down); // Contoso Denver User 2, who has no phone number
    app.cmd(Cmd::AddPhone);
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Phone { .. })
    ));
    app.cmd(Cmd::Back);
    app.cmd(Cmd::UserAudit);
    assert_eq!(app.state.view, View::Audit);
    // Refused from the Members pane too, with the reason.
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::EditPhone);
    assert!(app.state.dialogs.is_empty());
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(text.contains("Authentication Administrator"), "{text}");
}

#[test]
fn narrow_lists_keep_the_part_that_tells_rows_apart() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (70, 22));
    app.cmd(Cmd::Open);
    let text = frame(&app, 70, 22);
    for n in [1, 2, 10, 11, 16] {
        assert!(
            text.contains(&format!("User {n}┃")) || text.contains(&format!("User {n} ")),
            "User {n} cut away:\n{text}"
        );
    }
    // Cut text always says so.
    assert!(!text.contains("Contoso Portland Use┃"), "{text}");
    insta::assert_snapshot!("members_70x22", text);
}

#[test]
fn switching_account_starts_empty_and_esc_goes_back() {
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::Down);
    let before = app.state.profile_user();
    app.cmd(Cmd::SignOut);
    assert_eq!(app.state.screen, Screen::SignIn);
    assert!(app.state.signin.filter.is_empty());
    app.type_str("portland");
    app.cmd(Cmd::Back);
    assert!(!app.state.quit, "Esc quit the program");
    assert_eq!(app.state.screen, Screen::Main);
    assert_eq!(app.state.profile_user(), before);
    app.cmd(Cmd::SignOut);
    assert!(
        app.state.signin.filter.is_empty(),
        "the old filter came back"
    );
    // With nobody signed in, Esc on the sign-in screen quits.
    let mut fresh = sign_in_app((80, 24));
    fresh.cmd(Cmd::Back);
    assert!(fresh.state.quit);
}

#[test]
fn every_list_pages() {
    use crossterm::event::{KeyCode, KeyModifiers};
    let page_down = Key::code(KeyCode::PageDown);
    // Sign-in: 211 accounts, 17 visible rows at 80×24.
    let mut app = sign_in_app((80, 24));
    app.press(page_down);
    assert_eq!(app.state.signin.list.sel, 16);
    app.press(Key {
        code: KeyCode::End,
        mods: KeyModifiers::CONTROL,
    });
    assert_eq!(app.state.signin.list.sel, app.state.signin.shown.len() - 1);
    // Home and End move in the field there; letters are typed.
    app.type_str("ab");
    app.press(Key::code(KeyCode::Home));
    app.type_str("x");
    assert_eq!(app.state.signin.filter.as_str(), "xab");
    // Search results.
    let mut app = app_as("ContosoOrlandoManager1@contoso.com", (80, 24));
    app.cmd(Cmd::GlobalSearch);
    app.type_str("contoso");
    app.press(page_down);
    assert!(
        app.state.search.list.sel >= 10,
        "{}",
        app.state.search.list.sel
    );
    app.press(Key::ctrl('u'));
    assert_eq!(app.state.search.list.sel, 0);
    // Help.
    app.cmd(Cmd::Back);
    app.cmd(Cmd::Help);
    app.press(page_down);
    assert!(app.state.help.as_ref().unwrap().scroll > 0);
    assert!(frame(&app, 80, 24).contains('↑'));
}

#[test]
fn messages_belong_to_their_selection_and_the_roles_line_stays() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    for _ in 0..4 {
        app.cmd(Cmd::Down);
    }
    // Contoso Portland User 5: a tenant-wide User Administrator.
    app.cmd(Cmd::ResetPassword);
    assert_eq!(status(&app).0, StatusKind::Error);
    app.cmd(Cmd::Up);
    assert!(
        app.state.status.is_none(),
        "stale message: {:?}",
        app.state.status
    );
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::Back);
    let text = frame(&app, 80, 24);
    assert!(
        text.contains("Your roles: Helpdesk Administrator"),
        "{text}"
    );
}

#[test]
fn confirmations_say_how_to_choose() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::ResetPassword);
    let text = frame(&app, 80, 24);
    assert!(
        text.contains("←/→ choose") && text.contains("Enter select"),
        "{text}"
    );
    assert!(!text.contains("Enter confirm"), "{text}");
}

#[test]
fn the_profile_scrolls_and_says_so() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::NextPane);
    let top = frame(&app, 80, 24);
    assert!(top.contains("more ┛"), "{top}");
    // Short of room, the actions come before the details.
    let actions = top.find("Actions").expect("actions on screen");
    assert!(top.find("Job title").is_none_or(|j| j > actions), "{top}");
    app.press(Key::code(crossterm::event::KeyCode::PageDown));
    let scrolled = frame(&app, 80, 24);
    assert!(scrolled.contains("↑ "), "{scrolled}");
    assert!(scrolled.contains("Job title"), "{scrolled}");
}

#[test]
fn the_undo_hint_for_none_runs_as_shown() {
    let mut app = app_as("ContosoAdmin@contoso.com", (120, 40));
    app.cmd(Cmd::Settings);
    app.cmd(Cmd::Bottom);
    app.cmd(Cmd::Open);
    let vm = app.state.view(app.tenant(), (120, 40));
    let text: String = vm
        .dialogs
        .last()
        .expect("the confirmation")
        .lines
        .iter()
        .map(|l| l.plain() + " ")
        .collect();
    let at = text.find("To undo it: ").expect("undo hint") + "To undo it: ".len();
    let words: Vec<&str> = text[at..].split_whitespace().take(7).collect();
    assert_eq!(words[0], "mystaff");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mystaff"))
        .arg("--ephemeral")
        .args(&words[1..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{words:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn audit_records_open_in_full() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (100, 30));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    app.cmd(Cmd::Back);
    app.cmd(Cmd::Audit);
    // Local and human in the list (the test clock is 2026-01-02T03:04:05Z, read in UTC)...
    assert!(frame(&app, 100, 30).contains("today 03:04"));
    app.cmd(Cmd::FilterAudit);
    app.type_str("reset");
    app.cmd(Cmd::Open);
    app.cmd(Cmd::Open);
    let text = frame(&app, 100, 30);
    // ...and exact, in UTC to the second, in the record.
    assert!(
        text.contains("today 03:04 (2026-01-02 03:04:05 UTC)"),
        "{text}"
    );
    let record = &app.backend.audit()[0];
    assert!(text.contains(&record.id), "{text}");
    assert!(text.contains("Target resources"), "{text}");
    // In a short window the record scrolls, and End then Up moves one line back from the end.
    app.handle(mystaff::tui::Event::Resize(60, 20));
    app.cmd(Cmd::Bottom);
    let end = app.state.audit.detail_scroll;
    assert!(end > 0);
    app.cmd(Cmd::Up);
    assert_eq!(app.state.audit.detail_scroll, end - 1);
    app.cmd(Cmd::Back);
    assert_eq!(app.state.view, View::Audit);
}

#[test]
fn a_capped_search_says_so() {
    let t = generated(40, 20, 3);
    let admin = t.find_user("roleadmin@nwtraders.com").unwrap();
    let mut app = App::new(Session::in_memory(t, "tui-test"), Some(admin), (100, 30));
    app.cmd(Cmd::GlobalSearch);
    app.type_str("a");
    assert_eq!(app.state.search.hits.len(), 200);
    assert!(frame(&app, 100, 30).contains("200+ results"));
}

#[test]
fn a_quit_confirmation_stacks_on_the_dialog() {
    let mut app = app_as("ContosoPortlandManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::ResetPassword);
    app.press(Key::ch('q'));
    assert_eq!(app.state.dialogs.len(), 2);
    let text = frame(&app, 80, 24);
    assert!(
        text.contains("Reset password") && text.contains("Quit mystaff"),
        "{text}"
    );
}

#[test]
fn a_config_file_rebinds_and_unbinds_and_help_shows_it() {
    let cfg =
        mystaff::tui::config::parse("[keys]\nreset-password = [\"R\"]\nsign-out = []\n").unwrap();
    let s = Session::in_memory(tenant(), "tui-test")
        .with_test_clock(|| "2026-01-02T03:04:05Z".to_string(), 7);
    let u = s
        .tenant()
        .find_user("ContosoPortlandManager1@contoso.com")
        .unwrap();
    let mut app = App::with_keys(s, Some(u), (100, 30), cfg.keys);
    app.cmd(Cmd::Open);
    // The hint bar and the profile show the configured key...
    let text = frame(&app, 100, 30);
    assert!(text.contains("R reset password"), "{text}");
    // ...the old key does nothing, the new one opens the reset.
    app.press(Key::ch('r'));
    assert!(app.state.dialogs.is_empty());
    app.press(Key::ch('R'));
    assert!(matches!(
        app.state.dialogs.last(),
        Some(Dialog::Confirm { .. })
    ));
    app.cmd(Cmd::Back);
    // Unbound: S no longer signs out.
    app.press(Key::ch('S'));
    assert_eq!(app.state.screen, Screen::Main);
    // Help lists the rebound key and not the old one.
    app.cmd(Cmd::Help);
    let mut help = String::new();
    for _ in 0..6 {
        help.push_str(&frame(&app, 100, 30));
        app.press(Key::code(crossterm::event::KeyCode::PageDown));
    }
    let row = |k: &str| {
        help.lines()
            .any(|l| l.contains("reset password") && l.contains(&format!("║  {k} ")))
    };
    assert!(row("R") && !row("r"), "{help}");
}

#[test]
fn the_undo_hint_names_the_tenant_and_state_in_use() {
    let mut app = app_as("ContosoAdmin@contoso.com", (120, 40));
    app.handle(mystaff::tui::Event::Invocation(mystaff::tui::Invocation {
        tenant: Some("/tmp/big.json".into()),
        state: Some("/tmp/st".into()),
        ephemeral: false,
    }));
    app.cmd(Cmd::Settings);
    app.cmd(Cmd::Bottom);
    app.cmd(Cmd::Open);
    let vm = app.state.view(app.tenant(), (120, 40));
    let text: String = vm.dialogs[0]
        .lines
        .iter()
        .map(|l| l.plain() + " ")
        .collect();
    assert!(
        text.contains("mystaff --tenant /tmp/big.json --state /tmp/st settings my-staff"),
        "{text}"
    );
}

#[test]
fn walkthrough_rough_edges() {
    // A guest without Directory Readers is told why no location is listed.
    let mut app = app_as("ava.fabrikam.com#EXT#@contoso.com", (100, 30));
    let text = frame(&app, 100, 30);
    assert!(text.contains("guest"), "{text}");
    // A location opened from search is counted apart from the managed ones.
    app.cmd(Cmd::GlobalSearch);
    app.type_str("orlando user 1");
    app.cmd(Cmd::Open);
    assert!(frame(&app, 160, 40).contains("Locations (0 + 1 visited)"));

    // Another person's profile starts at its top; Esc in Members clears a kept filter first.
    let mut app = app_as("ContosoDenverManager1@contoso.com", (80, 24));
    app.cmd(Cmd::Open);
    app.cmd(Cmd::Down); // Contoso Denver User 2; the filter below selects User 1
    app.cmd(Cmd::NextPane);
    for _ in 0..3 {
        app.cmd(Cmd::Down);
    }
    assert!(app.state.main.profile_scroll > 0);
    app.cmd(Cmd::Back);
    app.cmd(Cmd::FilterMembers);
    app.type_str("user 1");
    assert_eq!(app.state.main.profile_scroll, 0);
    app.cmd(Cmd::Open);
    app.cmd(Cmd::Back);
    assert!(app.state.main.filter.is_empty());
    assert_eq!(app.state.main.pane, Pane::Members);

    // The hint for spelling the password follows what `p` does next.
    app.cmd(Cmd::ResetPassword);
    app.cmd(Cmd::NextField);
    app.cmd(Cmd::Submit);
    assert!(frame(&app, 80, 24).contains("p spell out"));
    app.cmd(Cmd::Spell);
    assert!(frame(&app, 80, 24).contains("p hide spelling"));
}
