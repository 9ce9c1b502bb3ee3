//! Test support: run the binary, start a server and wait for its ready line (never a sleep).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The sockkit binary under test, as an assert_cmd command.
pub fn sockkit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("sockkit").expect("binary built");
    cmd.env("NO_COLOR", "1").timeout(Duration::from_secs(120));
    cmd
}

/// The binary as a plain std Command, for processes a test drives itself.
pub fn sockkit_std() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("sockkit"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A server process, killed on drop. `addr` is what its `listening on` line said.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// Every further stdout line, as it comes.
    pub lines: mpsc::Receiver<String>,
    stderr: Option<ChildStderr>,
}

impl Server {
    /// Starts `sockkit ARGS...` and waits (up to 20 s) for its `listening on ADDR` line.
    pub fn spawn(args: &[&str]) -> Server {
        Server::spawn_cmd(sockkit_std().args(args))
    }

    pub fn spawn_cmd(cmd: &mut Command) -> Server {
        let mut child =
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let stdout: ChildStdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr = child.stderr.take();
        let mut server = Server { child, addr: String::new(), lines, stderr };
        let first = server.next_line(Duration::from_secs(20));
        let addr = first
            .as_deref()
            .and_then(|l| l.strip_prefix("listening on "))
            .or_else(|| {
                first.as_deref().and_then(|l| l.split("\"addr\":\"").nth(1)).and_then(|r| r.split('"').next())
            })
            .unwrap_or_else(|| panic!("no ready line; got {first:?}; stderr: {}", server.stderr_text()))
            .to_string();
        server.addr = addr;
        server
    }

    /// The next stdout line, or None after `within`.
    pub fn next_line(&mut self, within: Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok()
    }

    /// Waits for a stdout line containing `needle`; panics with what came instead.
    pub fn wait_for(&mut self, needle: &str, within: Duration) -> String {
        let deadline = std::time::Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no line with {needle:?} within {within:?}; saw {seen:?}");
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends a signal to this server (by its PID, never by name).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.pid(), signal);
        }
    }

    /// Waits for the process to exit; its status code, or panics after `within`.
    pub fn wait_exit(&mut self, within: Duration) -> i32 {
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code().unwrap_or(-1);
            }
            assert!(std::time::Instant::now() < deadline, "server did not exit within {within:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything the server wrote to stderr (call after it exited or was killed).
    pub fn stderr_text(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.stderr.take() {
            let _ = self.child.kill();
            let _ = stderr.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Root-only tests call this first: false (skip, with a note) when not root, unless CI is set,
/// where a skip would hide a failure.
pub fn have_root(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{test} needs root, and CI runs as root");
    eprintln!("skipping {test}: needs root");
    false
}

/// Distinct pseudo-random bytes for test payloads (seeded, so failures reproduce).
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

pub mod icmp_responder;
pub mod netns;
