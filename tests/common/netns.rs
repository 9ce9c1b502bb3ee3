//! Network namespaces a test creates (and deletes on Drop), veth links between them, and a
//! way for one thread to step inside one. Root only; names carry the caller's prefix.

use std::os::fd::AsRawFd;
use std::process::Command;

/// Runs a command and panics, with its stderr, unless it succeeds.
pub fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A named network namespace (`ip netns add NAME`), deleted on Drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    /// Creates `NAME` (callers put their prefix and the pid in it) with `lo` up and IPv6
    /// duplicate address detection off, so addresses work at once.
    pub fn new(name: &str) -> Netns {
        let _ = Command::new("ip").args(["netns", "del", name]).output();
        sh(&["ip", "netns", "add", name]);
        let ns = Netns { name: name.to_string() };
        ns.ip(&["link", "set", "lo", "up"]);
        ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
        ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
        ns
    }

    /// `ip ARGS...` inside the namespace.
    pub fn ip(&self, args: &[&str]) {
        let mut full = vec!["ip", "-n", &self.name];
        full.extend_from_slice(args);
        sh(&full);
    }

    pub fn sysctl(&self, key: &str, value: &str) {
        let setting = format!("{key}={value}");
        self.run(&["sysctl", "-qw", &setting]);
    }

    /// Runs a command inside the namespace, asserting success.
    pub fn run(&self, args: &[&str]) {
        let mut full = vec!["ip", "netns", "exec", &self.name];
        full.extend_from_slice(args);
        sh(&full);
    }

    /// A std Command that runs `program` inside the namespace.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }

    /// Moves the calling thread (only it) into the namespace: sockets it opens afterwards
    /// live there.
    pub fn enter_this_thread(&self) {
        enter(&self.name);
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).output();
    }
}

/// Moves the calling thread into the namespace called `name`.
pub fn enter(name: &str) {
    let file = std::fs::File::open(format!("/var/run/netns/{name}")).expect("open netns");
    // SAFETY: setns on a namespace fd we hold open; it only affects the calling thread.
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns {name}: {}", std::io::Error::last_os_error());
}

/// A veth pair: `a_if` in `a`, `b_if` in `b`, both up.
pub fn veth(a: &Netns, a_if: &str, b: &Netns, b_if: &str) {
    a.ip(&["link", "add", a_if, "type", "veth", "peer", "name", b_if, "netns", &b.name]);
    a.ip(&["link", "set", a_if, "up"]);
    b.ip(&["link", "set", b_if, "up"]);
}
