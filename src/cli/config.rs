//! `mystaff config path|default|check`, and loading the config file for the terminal UI.

use crate::storage;
use crate::tui::config::{self, Config};

use super::output::{print, print_lines};
use super::{CliError, ConfigOp, Global, Out};

/// The config file in force: `--config FILE` (which must exist), else the default path (which
/// may not); its problems are usage errors that name the file and the line.
pub fn load(g: &Global) -> Result<Config, CliError> {
    let Some(path) = storage::config_path(g.config.as_deref()) else {
        return Ok(Config::default());
    };
    let text = storage::read_config(&path, g.config.is_some()).map_err(CliError::usage)?;
    match text {
        None => Ok(Config::default()),
        Some(t) => {
            config::parse(&t).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
        }
    }
}

pub fn run(g: &Global, op: ConfigOp, out: Out) -> Result<i32, CliError> {
    match op {
        ConfigOp::Path => {
            let path = storage::config_path(g.config.as_deref()).ok_or_else(|| {
                CliError::usage("this system has no config directory; use --config FILE")
            })?;
            let exists = path.exists();
            print(
                out,
                format!(
                    "{}{}",
                    path.display(),
                    if exists {
                        ""
                    } else {
                        " (does not exist: the defaults apply)"
                    }
                ),
            )?;
        }
        ConfigOp::Default => print_lines(out, config::default_text().trim_end())?,
        ConfigOp::Check => {
            load(g)?;
            print(out, "The config file is valid.")?;
        }
    }
    Ok(0)
}
