//! Rewrites the Contoso demo fixtures: `cargo run --example gen_contoso`.
//!
//! Paths are relative to the package root (not the working directory) so the command works from
//! anywhere in the tree.

// The generator lives with the tests that check its output; the library does not ship it.
#[path = "../tests/common/contoso.rs"]
mod contoso;

use std::path::Path;
use std::process::ExitCode;

fn write(path: &Path, value: &serde_json::Value) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| format!("cannot serialize {}: {e}", path.display()))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let result = std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))
        .and_then(|()| write(&dir.join("contoso.json"), &contoso::contoso()))
        .and_then(|()| write(&dir.join("contoso-empty.json"), &contoso::contoso_empty()));
    match result {
        Ok(()) => {
            println!(
                "wrote {}/contoso.json and contoso-empty.json",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_contoso: {e}");
            ExitCode::FAILURE
        }
    }
}
