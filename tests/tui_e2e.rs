//! End to end in a real terminal (tmux): the `mystaff` binary, signed in as a Denver manager,
//! resets a Denver user's password and adds a phone number for another, quits; then
//! `mystaff audit --json` over the same state directory shows both changes. Skipped, with a note,
//! when tmux is not installed.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");

struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(
            &self
                .cmd(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
        .into_owned()
    }

    fn alive(&self) -> bool {
        self.cmd(&["has-session", "-t", &self.session])
            .status
            .success()
    }

    /// Waits until `text` is on screen (never a fixed sleep).
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_any(&[text])
    }

    fn wait_for_any(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if texts.iter().any(|t| s.contains(t)) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15)
                || !self.alive()
                || s.contains("Pane is dead")
            {
                panic!("{texts:?} never appeared; the screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends keys with tmux's key names (`Enter`, `Tab`, `C-w`, …) or literal text (`-l`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(
            self.cmd(&["send-keys", "-t", &self.session, "-l", text])
                .status
                .success()
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn audit_json(state: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(BIN)
        .arg("--state")
        .arg(state)
        .args(["audit", "--json"])
        .output()
        .expect("run mystaff audit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("audit --json is JSON")
}

#[test]
fn denver_manager_resets_a_password_and_adds_a_phone() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("note: tmux is not installed; skipping the terminal end-to-end test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let tmux = Tmux {
        socket: format!("mystaff-e2e-{}", std::process::id()),
        session: "e2e".to_string(),
    };
    // The shell records mystaff's exit status in a file: tmux does not always report it.
    let status_file = dir.path().join("exit-status");
    let command = format!(
        "env TERM=xterm-256color NO_COLOR=1 {BIN} --state '{}' --as ContosoDenverManager1@contoso.com; echo $? > '{}'",
        state.display(),
        status_file.display()
    );
    // A server of our own, a pane kept after its process exits (to read failures and the exit
    // status), then the real command in that pane.
    let started = tmux.cmd(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        &tmux.session,
        "-x",
        "120",
        "-y",
        "40",
        "sleep 600",
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    assert!(
        tmux.cmd(&["set-option", "-t", &tmux.session, "remain-on-exit", "on"])
            .status
            .success()
    );
    assert!(
        tmux.cmd(&["respawn-pane", "-k", "-t", &tmux.session, &command])
            .status
            .success()
    );

    tmux.wait_for_any(&["Locations"]);
    tmux.wait_for("Denver · Authentication, Helpdesk");

    // Reset the password of Contoso Denver User 1 (cloud-only: a temporary password, shown once).
    tmux.keys(&["Enter", "f"]);
    tmux.text("Contoso Denver User 1");
    tmux.keys(&["Enter", "Tab"]);
    tmux.wait_for("ContosoDenverUser1@contoso.com");
    tmux.keys(&["r"]);
    tmux.wait_for("Reset the password of Contoso Denver User 1?");
    tmux.keys(&["Right", "Enter"]);
    tmux.wait_for("Temporary password for Contoso Denver User 1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Password reset for Contoso Denver User 1.");

    // Add a mobile number for Contoso Denver User 2 (who has none).
    // `h` (previous pane) rather than Esc: an Esc followed at once by a letter reads as Alt-letter.
    tmux.keys(&["h", "f", "C-w"]);
    tmux.text("Contoso Denver User 2");
    tmux.keys(&["Enter", "Tab"]);
    tmux.wait_for("ContosoDenverUser2@contoso.com");
    tmux.keys(&["a"]);
    tmux.wait_for("Add phone number");
    tmux.text("+1 3035550199");
    tmux.wait_for("valid: +1 3035550199");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Add the mobile number +1 3035550199");
    tmux.keys(&["Right", "Enter"]);
    tmux.wait_for("Mobile number added for Contoso Denver User 2.");

    // Quit: the terminal is restored and the process ends.
    tmux.keys(&["q"]);
    let start = Instant::now();
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && s.ends_with('\n')
        {
            break s.trim().to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "mystaff did not quit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status, "0", "exit status; screen:\n{}", tmux.screen());

    let audit = audit_json(&state);
    let find = |activity: &str, target: &str| {
        audit.iter().find(|r| {
            r["activityDisplayName"] == activity
                && r["result"] == "success"
                && r["initiatedBy"]["user"]["userPrincipalName"]
                    == "ContosoDenverManager1@contoso.com"
                && r["targetResources"][0]["userPrincipalName"] == target
        })
    };
    assert!(
        find(
            "Reset password (by admin)",
            "ContosoDenverUser1@contoso.com"
        )
        .is_some(),
        "no reset record in {audit:#?}"
    );
    assert!(
        find(
            "Admin registered security info",
            "ContosoDenverUser2@contoso.com"
        )
        .is_some(),
        "no phone record in {audit:#?}"
    );
    let text = serde_json::to_string(&audit).unwrap();
    assert!(
        !text.to_lowercase().contains("\"password\":"),
        "a password in the audit log"
    );
}
