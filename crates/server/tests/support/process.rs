//! `social-server` as a real process for the tests that need one (SIGKILL, two instances,
//! what the process writes on stdout): a free port, and the start that waits until
//! `/healthz` answers.

use std::process::{Child, Command};
use std::time::Duration;

/// A port nothing listens on now (the process binds it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The built `social-server`, to be given its arguments.
pub fn server_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_social-server"))
}

/// Spawns `command` and waits up to 30 s until `{base}/healthz` answers 2xx; `None` if it
/// never does (the caller says why, with its log). The child is returned either way.
pub async fn start_and_wait(mut command: Command, base: &str) -> (Child, bool) {
    let child = command.spawn().expect("social-server starts");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        let up = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if up {
            return (child, true);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, false)
}

/// SIGKILL (what `Child::kill` sends on Unix), then reaps it.
pub fn kill(child: &mut Option<Child>) {
    if let Some(mut child) = child.take() {
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }
}
