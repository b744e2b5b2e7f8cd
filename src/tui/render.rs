//! Drawing: a function of the state and the tenant, nothing else. Lists draw only their visible
//! rows, so a location with a million members costs what its window shows.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::model::{MyStaffAccess, Principal, Tenant};
use crate::password;
use crate::permissions::{self, Action, Target};
use crate::phone::PhoneType;

use super::keymap::{self, Cmd, Ctx};
use super::natural::natural_key;
use super::state::{
    self, Areas, ConfirmKind, Dialog, HitKind, ListSel, MIN_HEIGHT, MIN_WIDTH, Pane, PhoneMode,
    PickFor, Screen, SettingsRow, State, StatusKind, View,
};
use super::theme::{MARKER, NO_MARKER, Theme};

/// Draws the whole frame.
pub fn draw(f: &mut Frame, s: &State, t: &Tenant, theme: &Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area, theme);
        return;
    }
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, header, s, t, theme);
    match s.screen {
        Screen::SignIn => draw_sign_in(f, body, s, theme),
        Screen::Denied => draw_denied(f, body, s, t, theme),
        Screen::Main => match s.view {
            View::Panes => draw_panes(f, body, s, t, theme),
            View::Search => draw_search(f, body, s, t, theme),
            View::Audit => draw_audit(f, body, s, theme),
            View::Roles => draw_roles(f, body, s, t, theme),
            View::Settings => draw_settings(f, body, s, t, theme),
        },
    }
    for d in &s.dialogs {
        draw_dialog(f, area, d, s, t, theme);
    }
    if s.help {
        draw_help(f, area, s, theme);
    }
    draw_status(f, status, s, theme);
    draw_hints(f, hints, s, t, theme);
}

fn too_small(f: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Terminal too small", theme.title),
        Line::raw(format!("mystaff needs {MIN_WIDTH}×{MIN_HEIGHT};")),
        Line::raw(format!("this one is {}×{}.", area.width, area.height)),
        Line::styled("Enlarge it, or press Ctrl-C to quit.", theme.dim),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let r = Rect::new(area.x, y, area.width, h);
    f.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

fn draw_header(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let crumbs = s.breadcrumbs(t);
    let mut spans = vec![
        Span::styled(" mystaff ", theme.title.add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
    ];
    for (i, c) in crumbs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim));
        }
        let style = if i + 1 == crumbs.len() {
            theme.title
        } else {
            theme.text
        };
        spans.push(Span::styled(c.clone(), style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(actor) = s.actor {
        let who = format!("{} ", t.user(actor).upn());
        let w = who.chars().count() as u16;
        let used = Line::from(
            std::iter::once(format!(" mystaff  {}", crumbs.join(" › ")))
                .map(Span::raw)
                .collect::<Vec<_>>(),
        )
        .width() as u16;
        if used + w + 2 <= area.width {
            let r = Rect::new(area.x + area.width - w, area.y, w, 1);
            f.render_widget(Paragraph::new(Span::styled(who, theme.dim)), r);
        }
    }
}

fn draw_status(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let Some(st) = &s.status else {
        return;
    };
    let (mark, style) = match st.kind {
        StatusKind::Info => ("", theme.text),
        StatusKind::Ok => ("✓ ", theme.ok),
        StatusKind::Error => ("✗ ", theme.error),
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(" "),
            Span::styled(format!("{mark}{}", st.text), style),
        ])),
        area,
    );
}

fn draw_hints(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let ctx = s.ctx();
    let mut spans = vec![Span::raw(" ")];
    let mut hints = keymap::hints(ctx, |c| s.enabled(t, c));
    if let Some(what) = ctx.typing_hint() {
        hints.insert(0, ("type".to_string(), what));
    }
    for (i, (k, label)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", theme.dim));
        }
        spans.push(Span::styled(k.clone(), theme.key));
        spans.push(Span::styled(format!(" {label}"), theme.dim));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn block<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            theme.focus_border
        } else {
            theme.border
        })
        .title(title)
}

/// Text with the chars at `indices` in the match style.
fn highlighted<'a>(text: &str, indices: &[usize], base: Style, hl: Style) -> Vec<Span<'a>> {
    if indices.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut cur = String::new();
    let mut cur_hl = false;
    for (i, c) in text.chars().enumerate() {
        let h = indices.contains(&i);
        if h != cur_hl && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                if cur_hl { hl } else { base },
            ));
        }
        cur_hl = h;
        cur.push(c);
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, if cur_hl { hl } else { base }));
    }
    spans
}

/// Draws the visible window of a list into `area` (no border), one row per item.
fn draw_list<'a>(
    buf: &mut Buffer,
    area: Rect,
    list: &ListSel,
    len: usize,
    focused: bool,
    theme: &Theme,
    mut row: impl FnMut(usize) -> Line<'a>,
) {
    let h = area.height as usize;
    let off = state::scroll_offset(list.offset.get(), list.sel, h, len);
    list.offset.set(off);
    for (line_no, i) in (off..len.min(off + h)).enumerate() {
        let y = area.y + line_no as u16;
        let selected = i == list.sel;
        let mut line = row(i);
        line.spans
            .insert(0, Span::raw(if selected { MARKER } else { NO_MARKER }));
        buf.set_line(area.x, y, &line, area.width);
        if selected {
            let style = if focused {
                theme.selected
            } else {
                theme.selected_unfocused
            };
            buf.set_style(Rect::new(area.x, y, area.width, 1), style);
        }
    }
    if len > h && h > 0 && area.width > 2 {
        // A position hint in the bottom-right corner: "37/1200".
        let pos = format!(" {}/{} ", list.sel + 1, len);
        let w = pos.chars().count() as u16;
        if w < area.width {
            buf.set_string(
                area.x + area.width - w,
                area.y + area.height,
                pos,
                theme.dim,
            );
        }
    }
}

fn input_line<'a>(label: &str, value: &str, active: bool, theme: &Theme) -> Line<'a> {
    let mut spans = vec![
        Span::styled(format!("{label} "), theme.dim),
        Span::styled(value.to_string(), theme.text),
    ];
    if active {
        spans.push(Span::styled("▏", theme.key));
    }
    Line::from(spans)
}

// ---- screens --------------------------------------------------------------------------------

fn draw_sign_in(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let b = block(" Sign in to My Staff — choose an account ", true, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [filter, note, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(input_line("Filter:", &s.signin.filter, true, theme)),
        filter,
    );
    let si = &s.signin;
    let note_text = if si.listed < si.total {
        // The account named exactly, when it is not listed, comes on top of the listed ones.
        let named = si.accounts.len() - si.listed;
        format!(
            "{}{} of the {} accounts holding a role · {} accounts in all: type a full sign-in name for any other",
            if named > 0 { "1 named + " } else { "" },
            si.shown.len() - named,
            si.listed,
            si.total
        )
    } else {
        format!(
            "{} of {} accounts · name · roles and scopes · sign-in name",
            si.shown.len(),
            si.total
        )
    };
    f.render_widget(Paragraph::new(Line::styled(note_text, theme.dim)), note);
    s.areas.set(Areas {
        list,
        ..Areas::default()
    });
    let list_area = Rect {
        height: list.height.saturating_sub(0),
        ..list
    };
    draw_list(
        f.buffer_mut(),
        list_area,
        &s.signin.list,
        s.signin.shown.len(),
        true,
        theme,
        |i| {
            let (a, idx) = &s.signin.shown[i];
            Line::from(highlighted(
                &s.signin.accounts[*a].label,
                idx,
                theme.text,
                theme.matched,
            ))
        },
    );
}

fn draw_denied(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let w = area.width.saturating_sub(4).min(76);
    let r = centered(area, w, 12.min(area.height));
    let b = block(" Access denied ", true, theme);
    let who = s
        .actor
        .map(|a| t.user(a).upn().to_string())
        .unwrap_or_default();
    let text = vec![
        Line::styled(format!("Signed in as {who}"), theme.dim),
        Line::raw(""),
        Line::styled(s.denied_reason.clone(), theme.error),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                keymap::key_for(Ctx::Denied, Cmd::SignOut).to_string(),
                theme.key,
            ),
            Span::raw(" sign in as someone else    "),
            Span::styled(
                keymap::key_for(Ctx::Denied, Cmd::Quit).to_string(),
                theme.key,
            ),
            Span::raw(" quit"),
        ]),
    ];
    f.render_widget(Paragraph::new(text).block(b).wrap(Wrap { trim: true }), r);
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn short_role(name: &str) -> &str {
    name.strip_suffix(" Administrator").unwrap_or(name)
}

/// "Helpdesk", "Auth+1", "read-only": the person's role in a location, short.
fn location_role(roles: &[crate::roles::Role]) -> String {
    let short = |r: &crate::roles::Role| {
        let n = short_role(r.name());
        if n == "Authentication" {
            "Auth".to_string()
        } else {
            n.to_string()
        }
    };
    match roles {
        [] => "read-only".to_string(),
        [r] => short(r),
        [r, ..] => format!("{}+{}", short(r), roles.len() - 1),
    }
}

fn draw_panes(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let w = area.width;
    let loc_w = (w / 5).clamp(16, 30);
    let mem_w = (w * 36 / 100).clamp(24, 46);
    let [loc, mem, prof] = Layout::horizontal([
        Constraint::Length(loc_w),
        Constraint::Length(mem_w),
        Constraint::Min(10),
    ])
    .areas(area);
    s.areas.set(Areas {
        locations: loc,
        members: mem,
        profile: prof,
        list: Rect::default(),
    });
    let pane = s.main.pane;

    // Locations: name, user members, and (when there is room) the person's role there.
    let b = block(
        format!(" Locations ({}) ", s.main.locations.len()),
        pane == Pane::Locations,
        theme,
    );
    let inner = b.inner(loc);
    f.render_widget(b, loc);
    if s.main.locations.is_empty() {
        f.render_widget(
            Paragraph::new(Text::styled(
                "You manage no administrative unit.",
                theme.dim,
            ))
            .wrap(Wrap { trim: true }),
            inner,
        );
    }
    let iw = inner.width as usize;
    let role_w = if iw >= 24 { 10 } else { 0 };
    let name_w = iw.saturating_sub(2 + 4 + role_w).max(4);
    draw_list(
        f.buffer_mut(),
        inner,
        &s.main.loc,
        s.main.locations.len(),
        pane == Pane::Locations,
        theme,
        |i| {
            let l = &s.main.locations[i];
            let au = t.au(l.au);
            let count = state::au_user_count(t, l.au);
            let name: String = au.display_name.chars().take(name_w).collect();
            let pad = name_w.saturating_sub(name.chars().count());
            let mut spans = vec![
                Span::styled(name, theme.text),
                Span::raw(" ".repeat(pad)),
                Span::styled(format!("{count:>4}"), theme.dim),
            ];
            if role_w > 0 {
                let role: String = location_role(&l.roles).chars().take(role_w - 1).collect();
                spans.push(Span::styled(format!(" {role}"), theme.dim));
            }
            Line::from(spans)
        },
    );

    // Members
    let title = match s.location() {
        Some(l) => format!(
            " {} · {} · {} ",
            t.au(l.au).display_name,
            location_role(&l.roles),
            s.main.shown.len()
        ),
        None => " Members ".to_string(),
    };
    let b = block(title, pane == Pane::Members, theme);
    let inner = b.inner(mem);
    f.render_widget(b, mem);
    let list = if s.main.filtering || !s.main.filter.is_empty() {
        let [fl, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        f.render_widget(
            Paragraph::new(input_line(
                "Filter:",
                &s.main.filter,
                s.main.filtering,
                theme,
            )),
            fl,
        );
        rest
    } else {
        inner
    };
    if s.main.shown.is_empty() && s.location().is_some() {
        let msg = if s.main.filter.is_empty() {
            "No user members."
        } else {
            "No member matches the filter."
        };
        f.render_widget(Paragraph::new(Text::styled(msg, theme.dim)), list);
    }
    draw_list(
        f.buffer_mut(),
        list,
        &s.main.mem,
        s.main.shown.len(),
        pane == Pane::Members,
        theme,
        |i| {
            let (u, idx) = &s.main.shown[i];
            let user = t.user(*u);
            let mut spans = highlighted(user.display_name(), idx, theme.text, theme.matched);
            if !user.account_enabled {
                spans.push(Span::styled(" (disabled)", theme.dim));
            }
            Line::from(spans)
        },
    );

    // Profile
    let b = block(" Profile ", pane == Pane::Profile, theme);
    let inner = b.inner(prof);
    f.render_widget(b, prof);
    match (s.actor, s.profile_user()) {
        (Some(actor), Some(u)) => {
            let text = profile_text(t, actor, u, theme);
            f.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: false })
                    .scroll((s.main.profile_scroll, 0)),
                inner,
            );
        }
        _ => f.render_widget(
            Paragraph::new(Text::styled(
                "Select a member to see the profile.",
                theme.dim,
            ))
            .wrap(Wrap { trim: true }),
            inner,
        ),
    }
}

fn field<'a>(label: &str, value: impl Into<String>, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11}"), theme.dim),
        Span::styled(value.into(), theme.text),
    ])
}

/// Uses of a phone method the tenant allows (spec 6: depends on tenant settings).
fn phone_uses(t: &Tenant, kind: PhoneType) -> String {
    let ps = &t.settings.phone_sign_in;
    let mut v = Vec::new();
    if ps.sms_sign_in && kind == PhoneType::Mobile {
        v.push("SMS sign-in");
    }
    if ps.mfa {
        v.push("MFA");
    }
    if ps.self_service_password_reset {
        v.push("SSPR");
    }
    if v.is_empty() {
        "not usable for sign-in".to_string()
    } else {
        v.join(", ")
    }
}

fn profile_text<'a>(t: &Tenant, actor: u32, u: u32, theme: &Theme) -> Text<'a> {
    let user = t.user(u);
    let mut lines = vec![
        Line::styled(user.display_name().to_string(), theme.title),
        Line::styled(user.upn().to_string(), theme.dim),
        Line::raw(""),
        field("Job title", user.job_title().unwrap_or("—"), theme),
        field("Department", user.department().unwrap_or("—"), theme),
        field("Office", user.office_location().unwrap_or("—"), theme),
        field(
            "Account",
            if user.account_enabled {
                "enabled"
            } else {
                "disabled"
            },
            theme,
        ),
        field(
            "Source",
            if user.synced {
                match &user.sam_account_name() {
                    Some(sam) => format!("synced from on-premises ({sam})"),
                    None => "synced from on-premises".to_string(),
                }
            } else {
                "cloud-only".to_string()
            },
            theme,
        ),
        field(
            "Password",
            match (
                &user.password().last_changed,
                user.password().force_change_next_sign_in,
            ) {
                (Some(when), true) => format!("last reset {when}; must change at next sign-in"),
                (Some(when), false) => format!("last changed {when}"),
                (None, true) => "must change at next sign-in".to_string(),
                (None, false) => "never reset".to_string(),
            },
            theme,
        ),
        field("Roles", state::roles_summary(t, u), theme),
    ];
    let mut aus: Vec<&str> = t
        .user_aus(u)
        .iter()
        .map(|&a| t.au(a).display_name.as_str())
        .collect();
    aus.sort_by_cached_key(|a| natural_key(a));
    lines.push(field(
        "Locations",
        if aus.is_empty() {
            "none".to_string()
        } else {
            aus.join(", ")
        },
        theme,
    ));
    lines.push(Line::raw(""));
    let visible = state::phones_visible(t, actor, u);
    lines.push(Line::styled(
        if visible {
            "Phone numbers"
        } else {
            "Phone numbers (masked)"
        },
        theme.title,
    ));
    if user.phones.is_empty() {
        lines.push(Line::styled("  none registered", theme.dim));
    }
    for p in &user.phones {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}: ", p.phone_type.label()), theme.dim),
            Span::styled(
                state::shown_number(t, actor, u, &p.phone_number),
                theme.text,
            ),
        ]));
        lines.push(Line::styled(
            format!("    for {}", phone_uses(t, p.phone_type)),
            theme.dim,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Actions", theme.title));
    let actions = state::profile_actions(t, actor, u);
    if !actions.iter().any(|a| a.allowed && a.cmd != Cmd::UserAudit) {
        lines.push(Line::styled(
            "  Read-only: you cannot change this user.",
            theme.warning,
        ));
    }
    // Disabled actions refused for the same reason share one reason line.
    let mut i = 0;
    while i < actions.len() {
        let a = &actions[i];
        if a.allowed {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(keymap::key_for(Ctx::Profile, a.cmd).to_string(), theme.key),
                Span::raw("  "),
                Span::styled(a.label, theme.text),
            ]));
            i += 1;
            continue;
        }
        let mut j = i;
        while j < actions.len() && !actions[j].allowed && actions[j].reason == a.reason {
            lines.push(Line::from(vec![
                Span::styled("  -  ", theme.disabled),
                Span::styled(
                    format!("{} (unavailable)", actions[j].label),
                    theme.disabled,
                ),
            ]));
            j += 1;
        }
        lines.push(Line::styled(format!("     {}", a.reason), theme.dim));
        i = j;
    }
    Text::from(lines)
}

fn draw_search(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let b = block(" Search all locations and users ", true, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [input, note, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(input_line("Search:", &s.search.query, true, theme)),
        input,
    );
    let status = if s.search.query.trim().is_empty() {
        "Type a name, a sign-in name or a location.".to_string()
    } else if s.search.pending {
        "searching…".to_string()
    } else {
        format!("{} results", s.search.hits.len())
    };
    f.render_widget(Paragraph::new(Line::styled(status, theme.dim)), note);
    draw_list(
        f.buffer_mut(),
        list,
        &s.search.list,
        s.search.hits.len(),
        true,
        theme,
        |i| {
            let h = &s.search.hits[i];
            let (kind, context) = match h.kind {
                HitKind::User(u) => {
                    let mut aus: Vec<&str> = t
                        .user_aus(u)
                        .iter()
                        .map(|&a| t.au(a).display_name.as_str())
                        .collect();
                    aus.sort_by_cached_key(|a| natural_key(a));
                    (
                        "user    ",
                        if aus.is_empty() {
                            "no location".to_string()
                        } else {
                            aus.join(", ")
                        },
                    )
                }
                HitKind::Au(a) => (
                    "location",
                    format!("{} members", state::au_user_count(t, a)),
                ),
            };
            let mut spans = vec![Span::styled(format!("{kind} "), theme.dim)];
            spans.extend(highlighted(&h.text, &h.indices, theme.text, theme.matched));
            spans.push(Span::styled(format!("  · {context}"), theme.dim));
            Line::from(spans)
        },
    );
}

fn draw_audit(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let b = block(
        format!(
            " Audit log ({} of {}) — newest first ",
            s.audit.shown.len(),
            s.audit.rows.len()
        ),
        true,
        theme,
    );
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [input, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    f.render_widget(
        Paragraph::new(input_line(
            "Filter:",
            &s.audit.filter,
            s.audit.filtering,
            theme,
        )),
        input,
    );
    if s.audit.shown.is_empty() {
        let msg = if !s.audit.loaded {
            "Loading…"
        } else if s.audit.rows.is_empty() {
            "No audit records yet."
        } else {
            "No record matches the filter."
        };
        f.render_widget(Paragraph::new(Line::styled(msg, theme.dim)), list);
    }
    draw_list(
        f.buffer_mut(),
        list,
        &s.audit.list,
        s.audit.shown.len(),
        true,
        theme,
        |i| {
            let r = &s.audit.rows[s.audit.shown[i]];
            let (mark, style) = if r.success {
                ("✓ success", theme.ok)
            } else {
                ("✗ failure", theme.error)
            };
            let when: String = r.when.chars().take(19).collect();
            let mut spans = vec![
                Span::styled(format!("{when} "), theme.dim),
                Span::styled(format!("{mark} "), style),
                Span::styled(r.activity.clone(), theme.text),
                Span::styled(format!("  {} → {}", r.initiated_by, r.target), theme.dim),
            ];
            if !r.reason.is_empty() {
                spans.push(Span::styled(format!("  {}", r.reason), theme.dim));
            }
            Line::from(spans)
        },
    );
}

fn draw_roles(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let Some(au) = s.roles.au else {
        return;
    };
    let rows = state::au_assignments(t, au);
    let b = block(
        format!(
            " Scoped role members of {} ({}) ",
            t.au(au).display_name,
            rows.len()
        ),
        true,
        theme,
    );
    let inner = b.inner(area);
    f.render_widget(b, area);
    let note_h = if inner.width < 100 { 3 } else { 2 };
    let [note, list] =
        Layout::vertical([Constraint::Length(note_h), Constraint::Min(0)]).areas(inner);
    if let Some(actor) = s.actor {
        let d = permissions::decide(
            t,
            Principal::User(actor),
            Action::ManageAuRoles,
            Target::Au(au),
        );
        let line = if d.allowed {
            Line::styled(
                format!("You can add and remove assignments: {}", d.reason),
                theme.ok,
            )
        } else {
            Line::styled(format!("Read-only: {}", d.reason), theme.dim)
        };
        f.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), note);
    }
    if rows.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("No role is scoped to this unit.", theme.dim)),
            list,
        );
    }
    draw_list(
        f.buffer_mut(),
        list,
        &s.roles.list,
        rows.len(),
        true,
        theme,
        |i| {
            let asg = t.assignment(rows[i]);
            let role = format!("{:<40}", asg.role.name());
            Line::from(vec![
                Span::styled(role, theme.text),
                Span::styled(
                    format!("{:<17}", t.principal_kind(asg.principal)),
                    theme.dim,
                ),
                Span::styled(t.principal_name(asg.principal).to_string(), theme.text),
            ])
        },
    );
}

fn draw_settings(f: &mut Frame, area: Rect, s: &State, t: &Tenant, theme: &Theme) {
    let b = block(" Tenant settings ", true, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let st = &t.settings;
    let may_change = s.actor.map(|a| state::manage_settings(t, a));
    let note = match &may_change {
        Some(d) if d.allowed => Line::styled(
            format!("You can change who can access My Staff: {}", d.reason),
            theme.ok,
        ),
        Some(d) => Line::styled(format!("Read-only: {}", d.reason), theme.dim),
        None => Line::raw(""),
    };
    let note_h = if inner.width < 100 { 3 } else { 2 };
    let on = |b: bool| if b { "on" } else { "off" };
    let ps = &st.phone_sign_in;
    let row = |label: &str, value: &str| {
        Line::from(vec![
            Span::styled(format!("  {label:<32}"), theme.dim),
            Span::styled(value.to_string(), theme.text),
        ])
    };
    let read_only = vec![
        Line::styled("Phone numbers can be used for (read-only)", theme.title),
        row("SMS sign-in", on(ps.sms_sign_in)),
        row("Multi-factor authentication", on(ps.mfa)),
        row(
            "Self-service password reset",
            on(ps.self_service_password_reset),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                format!("{:<34}", "Password writeback (read-only)"),
                theme.title,
            ),
            Span::styled(on(st.password_writeback), theme.text),
        ]),
    ];
    let rows = state::settings_rows(t);
    // note, blank, heading, list, blank, read-only settings: the list gets what is left.
    let fixed = note_h + 3 + read_only.len() as u16;
    let list_h = (rows.len() as u16).min(inner.height.saturating_sub(fixed).max(1));
    let mut y = inner.y;
    let mut take = |h: u16| {
        let h = h.min((inner.y + inner.height).saturating_sub(y));
        let r = Rect::new(inner.x, y, inner.width, h);
        y += h;
        r
    };
    let note_area = take(note_h);
    take(1);
    let heading = take(1);
    let list = take(list_h);
    take(1);
    let rest = take(read_only.len() as u16);
    f.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), note_area);
    f.render_widget(
        Paragraph::new(Line::styled(
            "Administrators can access My Staff",
            theme.title,
        )),
        heading,
    );
    let current = st.my_staff.access;
    let adds = may_change.as_ref().is_some_and(|d| d.allowed);
    draw_list(
        f.buffer_mut(),
        list,
        &s.settings.list,
        rows.len(),
        true,
        theme,
        |i| match rows[i] {
            SettingsRow::Access(a) => {
                let mark = if a == current { "(•) " } else { "( ) " };
                let label = match a {
                    MyStaffAccess::All => "All: every administrator",
                    MyStaffAccess::Selected => "Selected users and groups",
                    MyStaffAccess::None => "None: nobody",
                };
                let mut spans = vec![
                    Span::styled(mark, theme.key),
                    Span::styled(label, theme.text),
                ];
                if adds && a == MyStaffAccess::Selected {
                    spans.push(Span::styled(
                        format!(
                            "  ({} adds a user or group)",
                            keymap::key_for(Ctx::Settings, Cmd::Open)
                        ),
                        theme.dim,
                    ));
                }
                Line::from(spans)
            }
            SettingsRow::Selected(p) => {
                let mut spans = vec![
                    Span::styled(format!("      {:<6}", t.principal_kind(p)), theme.dim),
                    Span::styled(state::display_name(t, p).to_string(), theme.text),
                ];
                if let Principal::User(u) = p {
                    spans.push(Span::styled(format!(" · {}", t.user(u).upn()), theme.dim));
                }
                Line::from(spans)
            }
        },
    );
    f.render_widget(Paragraph::new(read_only), rest);
}

// ---- dialogs ------------------------------------------------------------------------------

fn popup(f: &mut Frame, area: Rect, w: u16, h: u16, title: &str, theme: &Theme) -> Rect {
    let r = centered(
        area,
        w.min(area.width.saturating_sub(2)),
        h.min(area.height.saturating_sub(2)),
    );
    f.render_widget(Clear, r);
    let b = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.focus_border)
        .title(Span::styled(format!(" {title} "), theme.title));
    let inner = b.inner(r);
    f.render_widget(b, r);
    inner
}

/// The height of a popup `w` wide (borders included) that shows `lines` wrapped.
fn fit(lines: &[Line], w: u16) -> u16 {
    let iw = w.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            let lw = l.width();
            if lw <= iw { 1 } else { lw.div_ceil(iw) + 1 }
        })
        .sum();
    (rows + 2).min(u16::MAX as usize) as u16
}

fn buttons<'a>(cancel: &str, ok: &str, ok_focused: bool, theme: &Theme) -> Line<'a> {
    let b = |label: &str, focused: bool| {
        if focused {
            Span::styled(format!("{MARKER}{label} "), theme.selected)
        } else {
            Span::styled(format!("{NO_MARKER}{label} "), theme.text)
        }
    };
    Line::from(vec![
        b(cancel, !ok_focused),
        Span::raw("    "),
        b(ok, ok_focused),
    ])
    .alignment(Alignment::Center)
}

fn draw_dialog(f: &mut Frame, area: Rect, d: &Dialog, s: &State, t: &Tenant, theme: &Theme) {
    let w = area.width.saturating_sub(8).clamp(40, 72);
    match d {
        Dialog::Confirm { kind, ok_focused } => {
            let (title, body, ok): (&str, Vec<Line>, &str) = match kind {
                &ConfirmKind::Reset { target } => {
                    let u = t.user(target);
                    let how = if u.synced {
                        "This account is synced from on-premises: you will type the new password, which must meet the on-premises policy."
                    } else {
                        "This account is cloud-only: a temporary password is generated and shown to you once. The user must change it at next sign-in."
                    };
                    (
                        "Reset password",
                        vec![
                            Line::raw(format!("Reset the password of {}?", u.display_name())),
                            Line::styled(u.upn().to_string(), theme.dim),
                            Line::raw(""),
                            Line::raw(how),
                        ],
                        "Reset password",
                    )
                }
                &ConfirmKind::RemovePhone { target, kind } => {
                    let u = t.user(target);
                    let number = s
                        .actor
                        .zip(u.phone(kind))
                        .map(|(a, p)| state::shown_number(t, a, target, &p.phone_number))
                        .unwrap_or_default();
                    (
                        "Remove phone number",
                        vec![
                            Line::raw(format!(
                                "Remove the {} number {number}",
                                kind.label().to_lowercase()
                            )),
                            Line::raw(format!("of {}?", u.display_name())),
                            Line::raw(""),
                            Line::styled(
                                "They can no longer use it to sign in or verify.",
                                theme.dim,
                            ),
                        ],
                        "Remove",
                    )
                }
                &ConfirmKind::Unassign { assignment } => {
                    let a = t.assignment(assignment);
                    (
                        "Remove role assignment",
                        vec![
                            Line::raw(format!("Remove {} from", a.role.name())),
                            Line::raw(format!(
                                "{} ({})?",
                                t.principal_name(a.principal),
                                t.scope_phrase(a.scope)
                            )),
                        ],
                        "Remove",
                    )
                }
                ConfirmKind::MyStaffAccess { access, selected } => {
                    let ms = &t.settings.my_staff;
                    let effect = match access {
                        MyStaffAccess::All => {
                            "Every administrator can open My Staff, within their roles."
                        }
                        MyStaffAccess::Selected => {
                            "Only these users, and members of these groups, can open My Staff; every other administrator sees the access-denied screen."
                        }
                        MyStaffAccess::None => {
                            "Nobody can open My Staff, you included. To undo it: mystaff settings my-staff --access all"
                        }
                    };
                    (
                        "Change My Staff access",
                        vec![
                            Line::raw("Administrators can access My Staff:"),
                            Line::styled(
                                format!(
                                    "  now: {}",
                                    state::access_summary(t, ms.access, &ms.selected)
                                ),
                                theme.dim,
                            ),
                            Line::raw(format!(
                                "  new: {}",
                                state::access_summary(t, *access, selected)
                            )),
                            Line::raw(""),
                            Line::styled(effect, theme.warning),
                        ],
                        "Change",
                    )
                }
                ConfirmKind::Quit => (
                    "Quit mystaff",
                    vec![
                        Line::raw("A dialog is still open."),
                        Line::raw("Quit anyway? Nothing in the dialog is saved."),
                    ],
                    "Quit",
                ),
            };
            let mut lines = body;
            lines.push(Line::raw(""));
            lines.push(buttons("Cancel", ok, *ok_focused, theme));
            let h = fit(&lines, w);
            let inner = popup(f, area, w, h, title, theme);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Dialog::SetPassword { target, input } => {
            let u = t.user(*target);
            let checks = password::check_on_prem(
                input.as_str(),
                &t.settings.password_policy.on_premises,
                u.sam_account_name(),
                u.display_name(),
            );
            let all_ok = !input.is_empty() && checks.iter().all(|c| c.ok);
            let mut lines = vec![
                Line::raw(format!(
                    "New password for {} (synced account)",
                    u.display_name()
                )),
                Line::raw(""),
                input_line("Password:", &"•".repeat(input.chars()), true, theme),
                Line::raw(""),
                Line::styled("On-premises password policy:", theme.dim),
            ];
            for c in &checks {
                let (mark, style) = if c.ok {
                    ("✓", theme.ok)
                } else {
                    ("✗", theme.error)
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {mark} "), style),
                    Span::styled(c.rule.clone(), theme.text),
                ]));
            }
            lines.push(Line::raw(""));
            lines.push(if all_ok {
                Line::styled("Every rule passes: Enter resets the password.", theme.ok)
            } else {
                Line::styled(
                    "Enter is enabled once every rule passes. Esc cancels.",
                    theme.dim,
                )
            });
            let h = fit(&lines, w);
            let inner = popup(f, area, w, h, "Reset password — synced account", theme);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Dialog::TempPassword {
            target,
            password,
            force_change,
        } => {
            let u = t.user(*target);
            let spaced: String = password
                .as_str()
                .chars()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let mut lines = vec![
                Line::raw(format!("Temporary password for {}", u.display_name())),
                Line::styled(u.upn().to_string(), theme.dim),
                Line::raw(""),
                Line::styled(
                    format!("  {spaced}  "),
                    theme.secret.add_modifier(Modifier::REVERSED),
                )
                .alignment(Alignment::Center),
                Line::raw(""),
                Line::styled(
                    "Shown once: give it to the user now. It is not stored and cannot be shown again.",
                    theme.warning,
                ),
            ];
            if *force_change {
                lines.push(Line::raw("The user must change it at next sign-in."));
            }
            lines.push(Line::raw(""));
            lines.push(
                Line::from(vec![
                    Span::styled(
                        keymap::key_for(Ctx::Notice, Cmd::Back).to_string(),
                        theme.key,
                    ),
                    Span::raw(" close"),
                ])
                .alignment(Alignment::Center),
            );
            let h = fit(&lines, w);
            let inner = popup(f, area, w, h, "Password reset", theme);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Dialog::Phone {
            target,
            mode,
            kinds,
            kind_idx,
            input,
            error,
            busy,
        } => {
            let u = t.user(*target);
            let title = match mode {
                PhoneMode::Add => "Add phone number",
                PhoneMode::Edit => "Edit phone number",
                PhoneMode::Remove => "Remove phone number",
            };
            let mut choice = vec![Span::styled("Type:     ", theme.dim)];
            for (i, k) in kinds.iter().enumerate() {
                let label = k.label();
                if i == *kind_idx {
                    choice.push(Span::styled(format!("{MARKER}{label} "), theme.selected));
                } else {
                    choice.push(Span::styled(format!("{NO_MARKER}{label} "), theme.text));
                }
                choice.push(Span::raw(" "));
            }
            let mut lines = vec![
                Line::raw(format!("{} — {}", u.display_name(), u.upn())),
                Line::raw(""),
                Line::from(choice),
            ];
            if *mode == PhoneMode::Remove {
                for k in kinds {
                    if let (Some(p), Some(a)) = (u.phone(*k), s.actor) {
                        lines.push(Line::styled(
                            format!(
                                "  {:<17}{}",
                                k.label(),
                                state::shown_number(t, a, *target, &p.phone_number)
                            ),
                            theme.dim,
                        ));
                    }
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "Enter asks for confirmation; Esc cancels.",
                    theme.dim,
                ));
            } else {
                lines.push(input_line("Number:  ", input, true, theme));
                lines.push(Line::raw(""));
                let validation = crate::phone::validate_number(input);
                match (error, &validation, input.is_empty()) {
                    (Some(e), _, _) => lines.push(Line::styled(format!("✗ {e}"), theme.error)),
                    (None, _, true) => lines.push(Line::styled("Type the number.", theme.dim)),
                    (None, Ok(n), false) => {
                        lines.push(Line::styled(format!("✓ valid: {n}"), theme.ok))
                    }
                    (None, Err(e), false) => {
                        lines.push(Line::styled(format!("✗ {e}"), theme.error))
                    }
                }
                let said = error
                    .as_deref()
                    .or(validation.as_ref().err().map(String::as_str));
                if !said.is_some_and(|e| e.contains(crate::phone::FORMAT_HINT)) {
                    lines.push(Line::styled(
                        format!("Format: {}", crate::phone::FORMAT_HINT),
                        theme.dim,
                    ));
                }
                if *busy {
                    lines.push(Line::styled("Saving…", theme.dim));
                }
            }
            let h = fit(&lines, w);
            let inner = popup(f, area, w, h, title, theme);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Dialog::PickRole {
            au,
            filter,
            shown,
            list,
        } => {
            let h = area.height.saturating_sub(4).min(22);
            let inner = popup(
                f,
                area,
                w,
                h,
                &format!("Assign a role scoped to {}", t.au(*au).display_name),
                theme,
            );
            let [input, note, rest] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(0),
            ])
            .areas(inner);
            f.render_widget(
                Paragraph::new(input_line("Role:", filter, true, theme)),
                input,
            );
            f.render_widget(
                Paragraph::new(Line::styled(
                    "Only roles that can be scoped to an administrative unit.",
                    theme.dim,
                )),
                note,
            );
            draw_list(f.buffer_mut(), rest, list, shown.len(), true, theme, |i| {
                let (r, idx) = &shown[i];
                Line::from(highlighted(r.name(), idx, theme.text, theme.matched))
            });
        }
        Dialog::PickPrincipal {
            purpose,
            filter,
            shown,
            list,
        } => {
            let h = area.height.saturating_sub(4).min(24);
            let (title, note) = match *purpose {
                PickFor::AuRole { au, role } => (
                    format!("{} in {}: who?", role.name(), t.au(au).display_name),
                    "Users, role-assignable groups and service principals.",
                ),
                PickFor::MyStaff => (
                    "Who can access My Staff? Add a user or group".to_string(),
                    "Users and groups not selected yet; a group gives access to its members.",
                ),
            };
            let inner = popup(f, area, w, h, &title, theme);
            let [input, note_area, rest] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(0),
            ])
            .areas(inner);
            f.render_widget(
                Paragraph::new(input_line("Principal:", filter, true, theme)),
                input,
            );
            f.render_widget(Paragraph::new(Line::styled(note, theme.dim)), note_area);
            draw_list(f.buffer_mut(), rest, list, shown.len(), true, theme, |i| {
                let (_, label, idx) = &shown[i];
                Line::from(highlighted(label, idx, theme.text, theme.matched))
            });
        }
    }
}

fn draw_help(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let w = area.width.saturating_sub(4).min(90);
    let h = area.height.saturating_sub(2);
    let inner = popup(f, area, w, h, "Keys — generated from the keymap", theme);
    let mut lines = Vec::new();
    for (title, entries) in keymap::help_sections() {
        lines.push(Line::styled(title, theme.title));
        for (keys, label) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<24}"), theme.key),
                Span::styled(label, theme.text),
            ]));
        }
        lines.push(Line::raw(""));
    }
    let max = (lines.len() as u16).saturating_sub(inner.height);
    f.render_widget(
        Paragraph::new(lines).scroll((s.help_scroll.min(max), 0)),
        inner,
    );
}
