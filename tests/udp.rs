//! `sockkit udp serve|client` over real sockets: loopback, an impairment relay, socat, and
//! (as root) nftables loss in network namespaces the test creates.

mod common;
#[path = "support/relay.rs"]
mod relay;

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, have_root, sockkit};
use relay::{Relay, Schedule};
use serde_json::Value;

const WITHIN: Duration = Duration::from_secs(20);

fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

/// The `summary` event of a `--json` run.
fn json_summary(stdout: &str) -> Value {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["event"] == "summary")
        .unwrap_or_else(|| panic!("no summary in {stdout}"))
}

#[test]
fn udp_client_matches_every_reply_over_ipv4_and_ipv6() {
    for listen in ["127.0.0.1:0", "[::1]:0"] {
        let server = Server::spawn(&["udp", "serve", listen]);
        let out =
            sockkit().args(["udp", "client", &server.addr, "hello", "-c", "3", "-i", "0"]).assert().success();
        let stdout = stdout_of(&out);
        for seq in 1..=3 {
            assert!(stdout.contains(&format!("21 bytes from {}: seq={seq} time=", server.addr)), "{stdout}");
        }
        assert!(stdout.contains("3 datagrams transmitted, 3 received, 0% loss"), "{stdout}");
        assert!(stdout.contains("rtt min/avg/max/mdev = "), "{stdout}");
    }
}

#[test]
fn a_dual_stack_server_answers_ipv4_clients() {
    let server = Server::spawn(&["udp", "serve", "[::]:0"]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let v4 = format!("127.0.0.1:{port}");
    let out = sockkit().args(["udp", "client", &v4, "-c", "2", "-i", "0"]).assert().success();
    assert!(stdout_of(&out).contains("2 received, 0% loss"), "{}", stdout_of(&out));
}

#[test]
fn the_server_counts_datagrams_and_stops_cleanly_on_sigterm() {
    let mut server = Server::spawn(&["-v", "udp", "serve", "127.0.0.1:0"]);
    sockkit().args(["udp", "client", &server.addr, "-c", "4", "-i", "0", "--size", "100"]).assert().success();
    let line = server.wait_for("< 100 bytes from 127.0.0.1:", WITHIN);
    assert!(line.ends_with("echoed"), "{line}");
    server.signal(libc::SIGTERM);
    let summary = server.wait_for("summary:", WITHIN);
    assert!(summary.contains("4 datagrams in (400 B) from 1 peers, 4 echoed (400 B)"), "{summary}");
    assert!(summary.contains("stopped by SIGTERM"), "{summary}");
    assert_eq!(server.wait_exit(WITHIN), 0);
}

#[test]
fn nothing_listening_is_reported_as_icmp_port_unreachable_and_exits_1() {
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let out = sockkit()
        .args(["udp", "client", &closed, "-c", "2", "-i", "0.05", "--timeout", "0.5"])
        .assert()
        .code(1);
    let stdout = stdout_of(&out);
    assert!(stdout.contains(&format!("From {closed}: ICMP port unreachable (ECONNREFUSED)")), "{stdout}");
    assert!(stdout.contains("2 datagrams transmitted, 0 received, 100% loss"), "{stdout}");
    assert!(stderr_of(&out).starts_with(&format!("sockkit: no reply from {closed}")), "{}", stderr_of(&out));
}

#[test]
fn sizes_past_the_udp_limit_exit_2_naming_the_limit_and_the_limit_itself_works() {
    let v4 = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let v6 = Server::spawn(&["udp", "serve", "[::1]:0"]);
    for (server, limit, family) in [(&v4, 65507, "IPv4"), (&v6, 65527, "IPv6")] {
        let over = (limit + 1).to_string();
        let out = sockkit().args(["udp", "client", &server.addr, "--size", &over]).assert().code(2);
        assert_eq!(
            stderr_of(&out),
            format!("sockkit: --size {over}: a UDP datagram over {family} carries at most {limit} bytes\n")
        );
        let out = sockkit()
            .args(["udp", "client", &server.addr, "--size", &limit.to_string(), "-c", "2", "-i", "0"])
            .assert()
            .success();
        assert!(stdout_of(&out).contains(&format!("{limit} bytes from {}: seq=2", server.addr)));
    }
    let out = sockkit().args(["udp", "client", &v4.addr, "--size", "15"]).assert().code(2);
    assert!(stderr_of(&out).contains("at least 16 bytes"), "{}", stderr_of(&out));
    let out = sockkit().args(["udp", "client", &v4.addr, "--count", "0"]).assert().code(2);
    assert!(stderr_of(&out).starts_with("sockkit: --count"), "{}", stderr_of(&out));
}

#[test]
fn a_reply_longer_than_the_client_buffer_is_reported_truncated_with_exit_1() {
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let out = sockkit()
        .args(["udp", "client", &server.addr, "--size", "100", "--buffer", "32", "-c", "2", "-i", "0"])
        .assert()
        .code(1);
    let stdout = stdout_of(&out);
    assert!(stdout.contains("100 bytes from"), "the real length is reported: {stdout}");
    assert!(stdout.contains("(TRUNCATED by the receive buffer"), "{stdout}");
    assert!(stdout.contains("2 received, 0% loss, +2 truncated"), "{stdout}");
    assert!(stderr_of(&out).contains("2 truncated"), "{}", stderr_of(&out));
}

#[test]
fn a_datagram_longer_than_the_server_buffer_is_reported_and_not_echoed_cut_short() {
    let mut server = Server::spawn(&["udp", "serve", "127.0.0.1:0", "--buffer", "50"]);
    let out =
        sockkit().args(["udp", "client", &server.addr, "--size", "80", "--timeout", "0.3"]).assert().code(1);
    assert!(stdout_of(&out).contains("0 received, 100% loss"), "{}", stdout_of(&out));
    let line = server.wait_for("truncated:", WITHIN);
    assert!(line.contains("datagram of 80 bytes from 127.0.0.1:"), "{line}");
    assert!(line.contains("50-byte buffer"), "{line}");
}

#[test]
fn trace_shows_that_every_recv_returns_one_whole_datagram() {
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let out = sockkit()
        .args(["udp", "client", &server.addr, "--trace", "--size", "700", "-c", "3", "-i", "0"])
        .assert()
        .success();
    let stdout = stdout_of(&out);
    let sends: Vec<&str> = stdout.lines().filter(|l| l.starts_with("send(")).collect();
    let recvs: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with("recv(") && !l.contains("EAGAIN")).collect();
    assert_eq!(sends.len(), 3, "{stdout}");
    assert!(sends.iter().all(|l| l.ends_with(", 700 bytes) = 700")), "{stdout}");
    assert_eq!(recvs.len(), 3, "{stdout}");
    assert!(recvs.iter().all(|l| l.ends_with("buf of 65536) = 700")), "{stdout}");
}

#[test]
fn json_mode_prints_one_reply_event_per_datagram_and_a_summary() {
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let out =
        sockkit().args(["--json", "udp", "client", &server.addr, "-c", "3", "-i", "0"]).assert().success();
    let stdout = stdout_of(&out);
    let events: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    let seqs: Vec<u64> =
        events.iter().filter(|e| e["event"] == "reply").map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    let summary = json_summary(&stdout);
    assert_eq!((summary["sent"].as_u64(), summary["received"].as_u64()), (Some(3), Some(3)));
    assert!(summary["rtt_min_ms"].as_f64().unwrap() <= summary["rtt_max_ms"].as_f64().unwrap());
}

#[test]
fn loss_duplication_and_reordering_from_the_relay_are_reported_exactly() {
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let schedule = Schedule {
        seed: 7,
        drop_percent: 10,
        duplicate_percent: 10,
        swap_percent: 10,
        ..Schedule::default()
    };
    let relay = Relay::start(server.addr.parse().unwrap(), schedule);
    let out = sockkit()
        .args(["--json", "udp", "client", &relay.addr.to_string(), "-c", "200", "-i", "0.002"])
        .args(["--timeout", "1"])
        .assert()
        .success();
    let summary = json_summary(&stdout_of(&out));
    let log = relay.log();
    assert_eq!(log.received, 200, "{log:?}");
    assert!(
        log.dropped > 5 && log.duplicated > 5 && log.swapped > 5,
        "the schedule impaired too little: {log:?}"
    );
    assert_eq!(summary["sent"].as_u64(), Some(200));
    assert_eq!(summary["received"].as_u64(), Some(200 - log.dropped), "{summary} {log:?}");
    assert_eq!(summary["duplicates"].as_u64(), Some(log.duplicated), "{summary} {log:?}");
    assert_eq!(summary["reordered"].as_u64(), Some(log.swapped), "{summary} {log:?}");
    let loss = summary["loss_percent"].as_f64().unwrap();
    assert!((loss - log.dropped as f64 / 2.0).abs() < 1e-9, "{loss} vs {log:?}");
}

#[test]
fn delay_from_the_relay_shows_in_every_round_trip() {
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let delay = Duration::from_millis(40);
    let relay = Relay::start(server.addr.parse().unwrap(), Schedule { delay, ..Schedule::default() });
    let out = sockkit()
        .args(["--json", "udp", "client", &relay.addr.to_string(), "-c", "5", "-i", "0.01"])
        .assert()
        .success();
    let summary = json_summary(&stdout_of(&out));
    assert_eq!(summary["received"].as_u64(), Some(5), "{summary}");
    // The relay holds each datagram at least this long, so no round trip can be shorter.
    let min = summary["rtt_min_ms"].as_f64().unwrap();
    assert!(min >= delay.as_secs_f64() * 1000.0, "rtt min {min} ms under the relay's delay");
}

#[test]
fn socat_as_client_gets_its_datagram_back() {
    let mut server = Server::spawn(&["-v", "udp", "serve", "127.0.0.1:0"]);
    let out = Command::new("socat")
        .args(["-t", "5", "-", &format!("UDP:{}", server.addr)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"hello from socat\n")?;
            child.wait_with_output()
        })
        .expect("run socat");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from socat\n");
    server.wait_for("< 17 bytes from 127.0.0.1:", WITHIN);
}

#[test]
fn socat_as_server_echoes_what_the_client_verifies() {
    let mut socat = Command::new("socat")
        .args(["UDP-RECVFROM:0,bind=127.0.0.1,fork", "EXEC:cat"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn socat");
    let port = udp_port_of(socat.id());
    let out = sockkit()
        .args(["udp", "client", &format!("127.0.0.1:{port}"), "via socat", "-c", "2", "-i", "0.05"])
        .assert();
    let _ = socat.kill();
    let _ = socat.wait();
    let out = out.success();
    assert!(stdout_of(&out).contains("2 datagrams transmitted, 2 received, 0% loss"), "{}", stdout_of(&out));
}

/// The UDP port a process has bound, from /proc (socat has no way to print it).
fn udp_port_of(pid: u32) -> u16 {
    let deadline = Instant::now() + WITHIN;
    loop {
        let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']').map(str::to_string))
            .collect();
        let table = std::fs::read_to_string("/proc/net/udp").unwrap_or_default();
        for line in table.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() > 9 && inodes.iter().any(|i| i == cols[9]) {
                let port = cols[1].rsplit(':').next().unwrap();
                return u16::from_str_radix(port, 16).unwrap();
            }
        }
        assert!(Instant::now() < deadline, "socat (pid {pid}) never bound a UDP socket");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Two network namespaces joined by a veth pair (10.99.0.1 client side, 10.99.0.2 server
/// side), removed on drop.
struct NetnsPair {
    client: String,
    server: String,
}

impl NetnsPair {
    fn create(tag: &str) -> NetnsPair {
        let id = std::process::id();
        let pair = NetnsPair { client: format!("skudp-{tag}-c-{id}"), server: format!("skudp-{tag}-s-{id}") };
        let (c, s) = (pair.client.as_str(), pair.server.as_str());
        for args in [
            vec!["netns", "add", c],
            vec!["netns", "add", s],
            vec!["link", "add", "veth0", "netns", c, "type", "veth", "peer", "name", "veth0", "netns", s],
            vec!["-n", c, "addr", "add", "10.99.0.1/24", "dev", "veth0"],
            vec!["-n", s, "addr", "add", "10.99.0.2/24", "dev", "veth0"],
            vec!["-n", c, "link", "set", "veth0", "up"],
            vec!["-n", s, "link", "set", "veth0", "up"],
            vec!["-n", c, "link", "set", "lo", "up"],
            vec!["-n", s, "link", "set", "lo", "up"],
        ] {
            run("ip", &args);
        }
        pair
    }
}

impl Drop for NetnsPair {
    fn drop(&mut self) {
        for ns in [&self.client, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().expect(program);
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn nftables_dropping_30_percent_shows_as_about_30_percent_loss_as_root() {
    if !have_root("nftables_dropping_30_percent_shows_as_about_30_percent_loss_as_root") {
        return;
    }
    let net = NetnsPair::create("loss");
    let bin = assert_cmd::cargo::cargo_bin("sockkit");
    let mut server =
        Server::spawn_cmd(Command::new("ip").args(["netns", "exec", &net.server]).arg(&bin).args([
            "udp",
            "serve",
            "10.99.0.2:0",
        ]));
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let ns = net.server.as_str();
    run("ip", &["netns", "exec", ns, "nft", "add", "table", "inet", "skudp"]);
    run(
        "ip",
        &[
            "netns",
            "exec",
            ns,
            "nft",
            "add chain inet skudp input { type filter hook input priority 0; policy accept; }",
        ],
    );
    run(
        "ip",
        &[
            "netns",
            "exec",
            ns,
            "nft",
            &format!("add rule inet skudp input udp dport {port} numgen random mod 100 < 30 drop"),
        ],
    );
    let sent = 400;
    let out = Command::new("ip")
        .args(["netns", "exec", &net.client])
        .arg(&bin)
        .args(["--json", "udp", "client", &server.addr, "-c", &sent.to_string(), "-i", "0.001"])
        .args(["--timeout", "1"])
        .output()
        .expect("run client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    let summary = json_summary(&stdout);
    assert_eq!(summary["sent"].as_u64(), Some(sent));
    let loss = summary["loss_percent"].as_f64().unwrap();
    // 400 trials at p = 0.3: the standard deviation is 2.3 points; 20..40 is over 4 of them.
    assert!((20.0..=40.0).contains(&loss), "loss {loss}% for a 30% drop rule: {summary}");
    // Only datagrams to the server are dropped, so what the server saw is what came back.
    server.signal(libc::SIGTERM);
    let line = server.wait_for("summary:", WITHIN);
    let received = summary["received"].as_u64().unwrap();
    assert!(line.contains(&format!(" {received} datagrams in ")), "{line} vs {summary}");
}

#[test]
fn the_server_stops_after_exit_after_datagrams_with_a_summary() {
    let mut server = Server::spawn(&["udp", "serve", "127.0.0.1:0", "--exit-after", "3"]);
    sockkit().args(["udp", "client", &server.addr, "-c", "3", "-i", "0"]).assert().success();
    let summary = server.wait_for("summary:", WITHIN);
    assert!(summary.contains("3 datagrams in") && summary.contains("stopped by --exit-after"), "{summary}");
    assert_eq!(server.wait_exit(WITHIN), 0);
}

#[test]
fn exit_after_counts_a_datagram_too_long_to_echo() {
    let mut server = Server::spawn(&["udp", "serve", "127.0.0.1:0", "--buffer", "50", "--exit-after", "1"]);
    sockkit().args(["udp", "client", &server.addr, "--size", "80", "--timeout", "0.3"]).assert().code(1);
    let summary = server.wait_for("summary:", WITHIN);
    assert!(summary.contains("1 datagrams in") && summary.contains("1 truncated"), "{summary}");
    assert!(summary.contains("stopped by --exit-after"), "{summary}");
    assert_eq!(server.wait_exit(WITHIN), 0);
}

#[test]
fn sigint_stops_the_client_with_its_summary_like_ping() {
    use std::io::{BufRead, BufReader};
    let server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let mut client = common::sockkit_std()
        .args(["udp", "client", &server.addr, "-c", "1000", "-i", "0.05"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn client");
    let mut lines = BufReader::new(client.stdout.take().unwrap()).lines();
    let second = lines.by_ref().map_while(Result::ok).find(|l| l.contains("seq=2 "));
    assert!(second.is_some(), "no reply to seq 2");
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(client.id() as i32, libc::SIGINT) };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = client.wait().unwrap();
    let summary = rest.iter().find(|l| l.contains("datagrams transmitted")).expect("summary after SIGINT");
    let sent: u64 = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert!((2..1000).contains(&sent), "{summary}");
    assert_eq!(status.code(), Some(0), "{rest:?}");
}

#[test]
fn several_clients_at_once_each_get_every_reply_and_the_server_counts_them_apart() {
    let mut server = Server::spawn(&["udp", "serve", "127.0.0.1:0"]);
    let clients: Vec<_> = (0..4)
        .map(|_| {
            common::sockkit_std()
                .args(["udp", "client", &server.addr, "-c", "50", "-i", "0.001", "--size", "300"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn client")
        })
        .collect();
    for client in clients {
        let out = client.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains("50 datagrams transmitted, 50 received, 0% loss"), "{stdout}");
    }
    server.signal(libc::SIGTERM);
    let summary = server.wait_for("summary:", WITHIN);
    assert!(summary.contains("200 datagrams in (58.6 KiB) from 4 peers, 200 echoed"), "{summary}");
}
