use std::process::ExitCode;

use clap::Parser;
use mystaff::cli::{self, Cli};

fn main() -> ExitCode {
    let parsed = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version (exit 0) and usage errors (exit 2) itself.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match parsed.command {
        Some(cmd) => {
            let mut stdout = std::io::stdout().lock();
            match cli::run(cmd, &parsed.global, &mut stdout) {
                Ok(code) => code,
                Err(e) => {
                    cli::report("", &e.message);
                    e.code
                }
            }
        }
        None => cli::run_tui(&parsed),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}
