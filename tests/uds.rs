//! `sockkit uds serve|client` over real Unix sockets: files and abstract names, stream,
//! datagram and seqpacket, socket-file hygiene, peer credentials, and socat as a peer.

mod common;

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, sockkit, sockkit_std};

const WITHIN: Duration = Duration::from_secs(20);

fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

/// A temporary directory named with our prefix, removed on drop.
fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("skudp-").tempdir().expect("tempdir")
}

fn abstract_name(tag: &str) -> String {
    format!("@skudp-{tag}-{}", std::process::id())
}

fn socket_path(dir: &tempfile::TempDir) -> String {
    dir.path().join("echo.sock").display().to_string()
}

#[test]
fn stream_echo_works_on_a_path_and_an_abstract_name() {
    let dir = temp_dir();
    for addr in [socket_path(&dir), abstract_name("stream")] {
        let server = Server::spawn(&["uds", "serve", &addr]);
        assert_eq!(server.addr, addr);
        let out = sockkit().args(["uds", "client", &addr, "hello, unix"]).assert().success();
        assert_eq!(out.get_output().stdout, b"hello, unix");
        assert!(stderr_of(&out).contains("11 bytes echoed by"), "{}", stderr_of(&out));
    }
}

#[test]
fn the_server_names_each_peer_pid_uid_and_gid_for_every_socket_type() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    for kind in [None, Some("--seqpacket"), Some("--dgram")] {
        let mut args = vec!["uds", "serve", &path];
        args.extend(kind);
        let mut server = Server::spawn(&args);
        let mut client_args = vec!["uds", "client", &path, "who am i"];
        client_args.extend(kind);
        let client = sockkit_std().args(&client_args).output_pid();
        let line = server.wait_for(&format!("(pid {client} "), WITHIN);
        assert!(line.contains(&format!("(pid {client} uid {uid} gid {gid})")), "{kind:?}: {line}");
        server.signal(libc::SIGTERM);
        assert_eq!(server.wait_exit(WITHIN), 0);
    }
    let mut server = Server::spawn(&["--json", "uds", "serve", &path]);
    let client = sockkit_std().args(["uds", "client", &path, "json"]).output_pid();
    let line = server.wait_for("\"event\":\"connected\"", WITHIN);
    assert!(line.contains(&format!("\"pid\":{client},\"uid\":{uid},\"gid\":{gid}")), "{line}");
}

trait OutputPid {
    /// Runs the command to completion (it must succeed) and returns the pid it ran as.
    fn output_pid(&mut self) -> u32;
}

impl OutputPid for Command {
    fn output_pid(&mut self) -> u32 {
        let child = self.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let pid = child.id();
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        pid
    }
}

#[test]
fn datagrams_are_echoed_on_a_path_and_an_abstract_name() {
    let dir = temp_dir();
    for addr in [socket_path(&dir), abstract_name("dgram")] {
        let mut server = Server::spawn(&["-v", "uds", "serve", "--dgram", &addr]);
        let out = sockkit()
            .args(["uds", "client", "--dgram", &addr, "--count", "3", "--size", "2000", "-i", "0"])
            .assert()
            .success();
        let stdout = stdout_of(&out);
        assert!(stdout.contains(&format!("2000 bytes from {addr}: seq=3")), "{stdout}");
        assert!(stdout.contains("3 datagrams transmitted, 3 received, 0% loss"), "{stdout}");
        // The client autobinds an abstract name so the server can answer it.
        let line = server.wait_for("< 2000 bytes from @", WITHIN);
        assert!(line.ends_with("echoed"), "{line}");
    }
}

#[test]
fn seqpacket_messages_larger_than_one_read_come_back_whole_or_are_reported() {
    let addr = abstract_name("bigseq");
    let _server = Server::spawn(&["uds", "serve", "--seqpacket", &addr]);
    let out = sockkit()
        .args(["uds", "client", "--seqpacket", &addr, "--size", "150000", "--count", "2", "-i", "0"])
        .assert()
        .success();
    assert!(stdout_of(&out).contains("150000 bytes from"), "{}", stdout_of(&out));
    assert!(stdout_of(&out).contains("2 received, 0% loss"), "{}", stdout_of(&out));
    let small = abstract_name("smallseq");
    let mut server = Server::spawn(&["uds", "serve", "--seqpacket", &small, "--buffer", "1000"]);
    sockkit()
        .args(["uds", "client", "--seqpacket", &small, "--size", "2000", "--timeout", "0.3"])
        .assert()
        .code(1);
    let line = server.wait_for("truncated:", WITHIN);
    assert!(line.contains("of 2000 bytes") && line.contains("1000-byte buffer"), "{line}");
}

#[test]
fn a_unix_datagram_beyond_the_server_buffer_is_reported_truncated() {
    let addr = abstract_name("trunc");
    let mut server = Server::spawn(&["uds", "serve", "--dgram", &addr, "--buffer", "100"]);
    let out = sockkit()
        .args(["uds", "client", "--dgram", &addr, "--size", "300", "--timeout", "0.3"])
        .assert()
        .code(1);
    assert!(stdout_of(&out).contains("0 received, 100% loss"), "{}", stdout_of(&out));
    let line = server.wait_for("truncated:", WITHIN);
    assert!(line.contains("datagram of 300 bytes") && line.contains("100-byte buffer"), "{line}");
}

#[test]
fn seqpacket_keeps_message_boundaries_on_a_path_and_an_abstract_name() {
    let dir = temp_dir();
    for addr in [socket_path(&dir), abstract_name("seqpacket")] {
        let _server = Server::spawn(&["uds", "serve", "--seqpacket", &addr]);
        let out = sockkit()
            .args(["uds", "client", "--seqpacket", &addr, "--count", "3", "--size", "5000", "-i", "0"])
            .args(["--trace"])
            .assert()
            .success();
        let stdout = stdout_of(&out);
        assert!(stdout.contains("3 datagrams transmitted, 3 received, 0% loss"), "{stdout}");
        let recvs: Vec<&str> =
            stdout.lines().filter(|l| l.starts_with("recv(") && !l.contains("EAGAIN")).collect();
        assert_eq!(recvs.len(), 3, "{stdout}");
        assert!(recvs.iter().all(|l| l.ends_with(") = 5000")), "one message per recv: {stdout}");
    }
}

#[test]
fn connection_load_runs_over_stream_and_seqpacket_but_not_datagrams() {
    for kind in [None, Some("--seqpacket")] {
        let addr = abstract_name(&format!("load{}", kind.is_some()));
        let mut serve = vec!["uds", "serve", &addr];
        serve.extend(kind);
        let _server = Server::spawn(&serve);
        let mut args = vec!["uds", "client", &addr, "--connections", "8", "--count", "5", "--size", "512"];
        args.extend(kind);
        let out = sockkit().args(&args).assert().success();
        assert!(stdout_of(&out).contains("8 completed, 0 failed"), "{}", stdout_of(&out));
    }
    let out = sockkit()
        .args(["uds", "client", "--seqpacket", "@x", "--connections", "2", "--size", "65537"])
        .assert()
        .code(2);
    assert!(stderr_of(&out).contains("at most 65536 bytes"), "{}", stderr_of(&out));
    let out = sockkit().args(["uds", "client", "--dgram", "@x", "--connections", "2"]).assert().code(2);
    assert!(stderr_of(&out).contains("--connections"), "{}", stderr_of(&out));
}

#[test]
fn mode_sets_the_socket_file_permissions_whatever_the_umask() {
    let dir = temp_dir();
    for (mode, expected) in [("0600", 0o600), ("666", 0o666)] {
        let path = dir.path().join(format!("mode-{mode}.sock")).display().to_string();
        let _server = Server::spawn(&["uds", "serve", &path, "--mode", mode]);
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.file_type().is_socket());
        assert_eq!(meta.permissions().mode() & 0o777, expected, "--mode {mode}");
    }
    let out = sockkit().args(["uds", "serve", "./x.sock", "--mode", "0800"]).assert().code(2);
    assert!(stderr_of(&out).starts_with("sockkit: --mode '0800': expected octal"), "{}", stderr_of(&out));
}

#[test]
fn the_server_removes_its_socket_file_when_stopped() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    for kind in [None, Some("--dgram"), Some("--seqpacket")] {
        let mut args = vec!["uds", "serve", &path];
        args.extend(kind);
        let mut server = Server::spawn(&args);
        assert!(Path::new(&path).exists());
        server.signal(libc::SIGTERM);
        assert_eq!(server.wait_exit(WITHIN), 0, "{kind:?}");
        assert!(!Path::new(&path).exists(), "{kind:?} left its socket file behind");
    }
}

/// A socket file with nobody behind it, as a killed server leaves.
fn stale_socket(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("stale.sock");
    drop(UnixListener::bind(&path).unwrap());
    assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_socket());
    path
}

#[test]
fn a_stale_socket_file_is_refused_without_unlink_and_replaced_with_it() {
    let dir = temp_dir();
    let path = stale_socket(&dir);
    let path = path.to_str().unwrap();
    let out = sockkit().args(["uds", "serve", path]).assert().code(3);
    assert_eq!(
        stderr_of(&out),
        format!(
            "sockkit: bind {path}: address in use by a stale socket file (no server answers); \
             --unlink replaces it\n"
        )
    );
    let _server = Server::spawn(&["uds", "serve", path, "--unlink"]);
    sockkit().args(["uds", "client", path, "fresh"]).assert().success();
}

#[test]
fn unlink_never_removes_a_file_that_is_not_a_socket() {
    let dir = temp_dir();
    let path = dir.path().join("precious.txt");
    std::fs::write(&path, "keep me").unwrap();
    let path_text = path.to_str().unwrap();
    let out = sockkit().args(["uds", "serve", path_text, "--unlink"]).assert().code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "sockkit: bind {path_text}: the path exists and is a regular file, not a socket; \
             refusing to remove it\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn a_live_server_is_detected_and_left_alone_even_with_unlink() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    let _live = Server::spawn(&["uds", "serve", &path]);
    for kind in [None, Some("--dgram")] {
        let mut args = vec!["uds", "serve", &path, "--unlink"];
        args.extend(kind);
        let out = sockkit().args(&args).assert().code(3);
        assert!(
            stderr_of(&out).contains("address in use: a server is listening on it"),
            "{}",
            stderr_of(&out)
        );
    }
    sockkit().args(["uds", "client", &path, "still here"]).assert().success();
    let abstract_addr = abstract_name("live");
    let _live = Server::spawn(&["uds", "serve", &abstract_addr]);
    let out = sockkit().args(["uds", "serve", &abstract_addr]).assert().code(3);
    assert!(stderr_of(&out).contains("Address already in use"), "{}", stderr_of(&out));
}

#[test]
fn a_path_longer_than_sun_path_exits_2_naming_the_limit() {
    let long = format!("/tmp/skudp-{}", "x".repeat(120));
    let out = sockkit().args(["uds", "serve", &long]).assert().code(2);
    assert!(stderr_of(&out).contains("the limit is 107 (sun_path)"), "{}", stderr_of(&out));
    let out = sockkit().args(["uds", "client", &long, "hi"]).assert().code(2);
    assert!(stderr_of(&out).contains("the limit is 107 (sun_path)"), "{}", stderr_of(&out));
}

#[test]
fn an_ip_address_given_to_uds_is_refused_rather_than_made_a_file() {
    let dir = temp_dir();
    let out = sockkit().current_dir(dir.path()).args(["uds", "serve", "127.0.0.1:5500"]).assert().code(2);
    assert!(stderr_of(&out).contains("an IP address, not a Unix socket"), "{}", stderr_of(&out));
    assert!(!dir.path().join("127.0.0.1:5500").exists());
}

#[test]
fn socat_as_client_gets_its_bytes_back() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    let _server = Server::spawn(&["uds", "serve", &path]);
    let mut socat = Command::new("socat")
        .args(["-t", "5", "-", &format!("UNIX-CONNECT:{path}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn socat");
    socat.stdin.take().unwrap().write_all(b"hello from socat\n").unwrap();
    let out = socat.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from socat\n");
}

#[test]
fn socat_as_server_echoes_what_the_client_verifies() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    let mut socat = Command::new("socat")
        .args([&format!("UNIX-LISTEN:{path},fork"), "EXEC:cat"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn socat");
    let deadline = Instant::now() + WITHIN;
    // The file appears at bind, a moment before listen: wait until /proc shows it listening.
    while !unix_listening(&path) {
        assert!(Instant::now() < deadline, "socat never listened on {path}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = sockkit().args(["uds", "client", &path, "--size", "100000"]).assert();
    let _ = socat.kill();
    let _ = socat.wait();
    let out = out.success();
    assert!(stdout_of(&out).contains("100000 bytes echoed"), "{}", stdout_of(&out));
}

/// True once /proc/net/unix lists a listening socket (flag __SO_ACCEPTCON) at `path`.
fn unix_listening(path: &str) -> bool {
    std::fs::read_to_string("/proc/net/unix").unwrap_or_default().lines().any(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        cols.len() > 7 && cols[3] == "00010000" && cols[7] == path
    })
}

#[test]
fn a_seqpacket_client_that_sends_nothing_is_closed_after_idle_timeout() {
    let dir = temp_dir();
    let path = socket_path(&dir);
    let mut server = Server::spawn(&["uds", "serve", "--seqpacket", &path, "--idle-timeout", "0.2"]);
    let sock = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::SEQPACKET, None).unwrap();
    sock.connect(&socket2::SockAddr::unix(&path).unwrap()).unwrap();
    server.wait_for("connected", WITHIN);
    let line = server.wait_for("idle timeout", WITHIN);
    assert!(line.contains("0 bytes in"), "{line}");
    let mut buf = [std::mem::MaybeUninit::new(0u8); 16];
    assert_eq!(sock.recv(&mut buf).unwrap(), 0, "the server closed the connection");
}
