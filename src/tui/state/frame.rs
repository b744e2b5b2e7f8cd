//! A whole frame's view model: the header, the body of the current screen, the dialogs, help,
//! the status lines and the hints, each part from the file of its screen.

use crate::model::Tenant;
use crate::tui::view::{Body, Message, Tone, VLine, ViewModel};

use super::{
    Dialog, MIN_HEIGHT, MIN_WIDTH, Screen, State, StatusKind, View, audit, confirm, help, panes,
    phone, picker, pim, report, reset, roles, search, settings, signin,
};
use crate::tui::keymap::Ctx;

impl State {
    /// The whole frame for a terminal of `size`.
    pub fn view(&self, t: &Tenant, size: (u16, u16)) -> ViewModel {
        let areas = self.areas(t, size);
        let mut vm = ViewModel {
            areas,
            too_small: None,
            crumbs: self.breadcrumbs(t),
            who: self
                .actor
                .map(|a| t.user(a).upn().to_string())
                .unwrap_or_default(),
            body: Body::Text(Default::default()),
            dialogs: Vec::new(),
            help: None,
            message: None,
            roles: String::new(),
            hints: Vec::new(),
        };
        if areas.too_small {
            vm.too_small = Some(vec![
                VLine::text("Terminal too small", Tone::Title),
                VLine::text(
                    format!("mystaff needs {MIN_WIDTH}×{MIN_HEIGHT};"),
                    Tone::Text,
                ),
                VLine::text(format!("this one is {}×{}.", size.0, size.1), Tone::Text),
                VLine::text("Enlarge it, or press Ctrl-C to quit.", Tone::Dim),
            ]);
            return vm;
        }
        vm.body = match self.screen {
            Screen::SignIn => Body::List(signin::view(self, &areas)),
            Screen::Denied => signin::denied_view(self, t, &areas),
            Screen::Main => match self.view {
                View::Panes => panes::view(self, t, &areas),
                View::Search => Body::List(search::view(self, t, &areas)),
                View::Audit => audit::view(self, &areas),
                View::Roles => Body::List(roles::view(self, t, &areas)),
                View::Report => Body::List(report::view(self, t, &areas)),
                View::Settings => settings::view(self, t, &areas),
            },
        };
        for (depth, d) in self.dialogs.iter().enumerate() {
            vm.dialogs.push(match d {
                Dialog::Confirm(c) => {
                    let when = |unix: i64| self.when(&crate::when::rfc3339(unix));
                    confirm::view(c, t, self.actor, &self.invocation, &when)
                }
                Dialog::SetPassword(p) => reset::password_view(p, t, &self.keys),
                Dialog::TempPassword(p) => reset::notice_view(p, t, &self.keys),
                Dialog::Phone(p) => phone::view(p, t, self.actor),
                Dialog::PickRole(p) => picker::role_view(p, t, &areas, depth),
                Dialog::PickPrincipal(p) => picker::principal_view(p, t, &areas, depth),
                Dialog::Activate(d) => pim::view(d, self),
            });
        }
        if let Some(h) = &self.help {
            vm.help = Some(help::view(h, &self.keys, &areas));
        }
        vm.message = if self.saving {
            Some(Message {
                tone: Tone::Dim,
                text: self.saving_note.to_string(),
            })
        } else {
            self.status.as_ref().map(|st| Message {
                tone: match st.kind {
                    StatusKind::Info => Tone::Text,
                    StatusKind::Ok => Tone::Ok,
                    StatusKind::Error => Tone::Error,
                },
                text: match st.kind {
                    StatusKind::Info => st.text.clone(),
                    StatusKind::Ok => format!("✓ {}", st.text),
                    StatusKind::Error => format!("✗ {}", st.text),
                },
            })
        };
        if let Some(a) = self.actor {
            vm.roles = self.roles_line(t, a);
        }
        let ctx = self.ctx();
        let mut hints: Vec<(String, String)> = self
            .keys
            .hints(ctx, |c| self.enabled(t, c))
            .into_iter()
            .map(|(k, l)| (k, l.to_string()))
            .collect();
        if let Some(Dialog::TempPassword(p)) = self.dialogs.last()
            && p.spell
        {
            for h in hints.iter_mut().filter(|(_, l)| l == "spell out") {
                h.1 = "hide spelling".to_string();
            }
        }
        if ctx == Ctx::SignIn && self.signin.previous.is_none() {
            // Nobody to go back to: Esc quits.
            for h in hints.iter_mut().filter(|(_, l)| l == "back") {
                h.1 = "quit".to_string();
            }
        }
        if let Some(what) = ctx.typing_hint() {
            hints.insert(0, ("type".to_string(), what.to_string()));
        }
        vm.hints = hints;
        vm
    }
}
