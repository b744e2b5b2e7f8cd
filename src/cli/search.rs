//! `search`: fuzzy search over locations and users. Reading is not scoped, so `--as` only checks
//! that the person may open My Staff.

use crate::permissions::Action;
use crate::search::{HitKind, SearchIndex};
use crate::session::Session;

use super::output::{HitOut, Out, location_names, print, print_json};
use super::{CliError, resolve};

pub fn run(
    s: &Session,
    actor: Option<&str>,
    query: &str,
    limit: usize,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    resolve::gate(t, actor, Action::OpenMyStaff)?;
    let hits = SearchIndex::new(t).search(query, limit);
    if json {
        let v: Vec<HitOut> = hits.iter().map(|h| HitOut::new(t, h)).collect();
        print_json(out, &v)?;
    } else if hits.is_empty() {
        print(out, format!("no match for '{query}'"))?;
    } else {
        for h in &hits {
            let line = match h.kind {
                HitKind::Au(a) => format!("location  {}", t.au(a).display_name),
                HitKind::User(u) => {
                    let user = t.user(u);
                    format!(
                        "user      {}  <{}>  {}",
                        user.display_name(),
                        user.upn(),
                        location_names(t, u).join(", ")
                    )
                }
            };
            print(out, line)?;
        }
    }
    Ok(0)
}
