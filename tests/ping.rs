//! `sockkit ping` over real ICMP: loopback, and hosts in network namespaces this test creates
//! (client -- router -- target, joined by veth), impaired with nftables and the project's own
//! ICMP responder. Root-only tests end in `_as_root`.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::icmp_responder::{CORRUPT_OFFSET, Impairment, Responder};
use common::netns::{Netns, veth};
use common::{have_root, sockkit};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("sockkit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Runs `sockkit ping ARGS` inside `ns`.
fn ping_in(ns: &Netns, args: &[&str]) -> Output {
    ns.command(&bin()).env("NO_COLOR", "1").arg("ping").args(args).output().expect("run sockkit")
}

/// One host's statistics, read from the summary the way ping parsers read it.
#[derive(Debug, Default)]
struct Stats {
    transmitted: u64,
    received: u64,
    duplicates: u64,
    corrupted: u64,
    errors: u64,
    loss: f64,
    /// min, avg, max, mdev in ms.
    rtt: Option<[f64; 4]>,
}

fn summaries(stdout: &str) -> HashMap<String, Stats> {
    let mut found = HashMap::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let Some(host) = line.strip_prefix("--- ").and_then(|l| l.strip_suffix(" ping statistics ---"))
        else {
            continue;
        };
        let mut stats = Stats::default();
        let counts = lines.next().expect("counts line");
        for part in counts.split(", ") {
            let number = |suffix: &str| part.strip_suffix(suffix).map(|n| n.trim_start_matches('+'));
            if let Some(n) = number(" packets transmitted") {
                stats.transmitted = n.parse().unwrap();
            } else if let Some(n) = number(" received") {
                stats.received = n.parse().unwrap();
            } else if let Some(n) = number(" duplicates") {
                stats.duplicates = n.parse().unwrap();
            } else if let Some(n) = number(" corrupted") {
                stats.corrupted = n.parse().unwrap();
            } else if let Some(n) = number(" errors") {
                stats.errors = n.parse().unwrap();
            } else if let Some(n) = number("% packet loss") {
                stats.loss = n.parse().unwrap();
            }
        }
        if let Some(rtt) = lines.clone().next().and_then(|l| l.strip_prefix("rtt min/avg/max/mdev = ")) {
            let values: Vec<f64> =
                // As the usual regex: four numbers, then " ms" (", pipe N" or ", ipg/ewma" may follow).
                rtt.split(" ms").next().unwrap().split('/').map(|v| v.parse().expect("rtt number")).collect();
            stats.rtt = Some([values[0], values[1], values[2], values[3]]);
        }
        found.insert(host.to_string(), stats);
    }
    found
}

/// A line with every number (and dotted address) replaced by `N`: what a parser's regex sees.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(|n| n.is_ascii_digit() || *n == '.') {
                chars.next();
            }
            out.push('N');
        } else {
            out.push(c);
        }
    }
    out
}

/// The reply lines (icmp_seq=N) of one run.
fn reply_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.contains(" bytes from ")).collect()
}

// ---------------------------------------------------------------------------------------------
// Loopback

#[test]
fn ping_answers_from_loopback_over_ipv4_and_ipv6_as_root() {
    if !have_root("ping_answers_from_loopback_over_ipv4_and_ipv6_as_root") {
        return;
    }
    for host in ["127.0.0.1", "::1"] {
        let out = sockkit().args(["ping", "-c", "3", "-i", "0.05", host]).assert().success();
        let stdout = text(&out.get_output().stdout);
        assert_eq!(reply_lines(&stdout).len(), 3, "{stdout}");
        for (i, line) in reply_lines(&stdout).iter().enumerate() {
            assert!(
                line.starts_with(&format!("64 bytes from {host}: icmp_seq={} ttl=64 time=", i + 1)),
                "{line}"
            );
        }
        let stats = &summaries(&stdout)[host];
        assert_eq!((stats.transmitted, stats.received, stats.loss), (3, 3, 0.0), "{stdout}");
        let [min, avg, max, _] = stats.rtt.expect("rtt line");
        assert!(min <= avg && avg <= max, "{stdout}");
    }
}

/// A name /etc/hosts maps to addresses of one family only, and the flag asking for the other
/// (`-6` for `localhost` when it is 127.0.0.1 alone, `-4` for Debian's `ip6-localhost`):
/// resolving it fails in the files lookup, with no DNS query.
fn name_without_family() -> (String, &'static str) {
    let hosts = std::fs::read_to_string("/etc/hosts").expect("read /etc/hosts");
    let mut families: HashMap<String, (bool, bool)> = HashMap::new();
    for line in hosts.lines() {
        let mut words = line.split('#').next().unwrap_or_default().split_whitespace();
        let Some(Ok(ip)) = words.next().map(str::parse::<std::net::IpAddr>) else { continue };
        for name in words {
            let entry = families.entry(name.to_ascii_lowercase()).or_default();
            if ip.is_ipv4() { entry.0 = true } else { entry.1 = true }
        }
    }
    let mut names: Vec<_> = families.into_iter().filter(|(_, (v4, v6))| v4 != v6).collect();
    names.sort();
    let (name, (v4, _)) =
        names.into_iter().next().expect("/etc/hosts names a host with addresses of one family only");
    (name, if v4 { "-6" } else { "-4" })
}

#[test]
fn a_name_with_no_address_to_use_exits_3_as_in_the_other_clients() {
    let (name, flag) = name_without_family();
    let out = sockkit().args(["ping", flag, "-c", "1", &name]).assert().code(3);
    let stderr = text(&out.get_output().stderr);
    let family = if flag == "-6" { "V6" } else { "V4" };
    assert_eq!(stderr, format!("sockkit: resolve '{name}': no {family} address\n"));
    // The same name and flag, the same code and line from echo, udp and http.
    let target = format!("{name}:9");
    let url = format!("http://{name}:9/");
    for args in [
        vec!["echo", "client", flag, &target, "x"],
        vec!["udp", "client", flag, "-c", "1", &target],
        vec!["http", "get", flag, &url],
    ] {
        let out = sockkit().args(&args).assert().code(3);
        assert_eq!(text(&out.get_output().stderr), stderr, "{args:?}");
    }
}

#[test]
fn source_address_interface_names_and_deadlines_work_as_root() {
    if !have_root("source_address_interface_names_and_deadlines_work_as_root") {
        return;
    }
    for source in ["127.0.0.1", "lo"] {
        let out = sockkit().args(["ping", "-c", "1", "-I", source, "127.0.0.1"]).assert().success();
        assert_eq!(reply_lines(&text(&out.get_output().stdout)).len(), 1);
    }
    let out = sockkit().args(["ping", "-c", "1", "-I", "::1", "127.0.0.1"]).assert().code(2);
    assert!(text(&out.get_output().stderr).contains("-I ::1 is IPv6, the hosts are not"));
    let out = sockkit().args(["ping", "-c", "1", "-I", "no-such-if0", "127.0.0.1"]).assert().code(3);
    assert!(text(&out.get_output().stderr).contains("-I no-such-if0: SO_BINDTODEVICE"));
    // A name is shown as iputils shows it.
    let out = sockkit().args(["ping", "-4", "-c", "1", "localhost"]).assert().success();
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.starts_with("PING localhost (127.0.0.1) 56(84) bytes of data.\n"), "{stdout}");
    assert!(
        reply_lines(&stdout)[0].starts_with("64 bytes from localhost (127.0.0.1): icmp_seq=1 "),
        "{stdout}"
    );
    // -w alone pings until the deadline; with -c it stops at COUNT replies.
    let out = sockkit().args(["ping", "-w", "0.35", "-i", "0.1", "127.0.0.1"]).assert().success();
    let stats = &summaries(&text(&out.get_output().stdout))["127.0.0.1"];
    assert!((3..=5).contains(&stats.transmitted), "{stats:?}");
    let out = sockkit().args(["ping", "-w", "5", "-c", "2", "-i", "0.05", "127.0.0.1"]).assert().success();
    let stats = &summaries(&text(&out.get_output().stdout))["127.0.0.1"];
    assert_eq!((stats.transmitted, stats.received), (2, 2));
}

#[test]
fn output_has_the_line_shapes_of_iputils_ping_as_root() {
    if !have_root("output_has_the_line_shapes_of_iputils_ping_as_root") {
        return;
    }
    // -D prefixes each reply with the time of day; -n is accepted (sockkit never looks names up).
    for args in [
        &["127.0.0.1", "-c", "3"][..],
        &["::1", "-c", "3"],
        &["127.0.0.1", "-c", "2", "-s", "8"],
        &["127.0.0.1", "-c", "2", "-D", "-n"],
    ] {
        let mut full = args.to_vec();
        full.extend(["-i", "0.2"]);
        let ours = sockkit().arg("ping").args(&full).assert().success();
        let ours = text(&ours.get_output().stdout);
        let theirs = Command::new("ping").args(&full).output().expect("iputils ping is installed");
        assert!(theirs.status.success(), "iputils ping failed: {}", text(&theirs.stderr));
        let theirs = text(&theirs.stdout);
        let shapes = |out: &str| -> Vec<String> {
            // iputils adds ", pipe N" when replies overlap; a blank tail when there is no rtt.
            out.lines().map(|l| shape(l.split(", pipe").next().unwrap_or(l))).collect::<Vec<_>>()
        };
        let (mut a, mut b) = (shapes(&ours), shapes(&theirs));
        while a.last().is_some_and(String::is_empty) {
            a.pop();
        }
        while b.last().is_some_and(String::is_empty) {
            b.pop();
        }
        assert_eq!(a, b, "sockkit:\n{ours}\niputils:\n{theirs}");
        // The fields parsers pull out with the usual regexes.
        let header = ours.lines().next().unwrap();
        assert!(header.starts_with(&format!("PING {}", args[0])), "{header}");
        let stats = &summaries(&ours)[args[0]];
        assert_eq!(stats.received, args[2].parse::<u64>().unwrap());
        if args.contains(&"-D") {
            let now =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
            for line in reply_lines(&ours) {
                let stamp = line.strip_prefix('[').and_then(|l| l.split_once("] ")).map(|(t, _)| t);
                let stamp: f64 = stamp.and_then(|t| t.parse().ok()).unwrap_or_else(|| panic!("{line}"));
                assert!((now - stamp).abs() < 60.0, "{line} at {now}");
            }
        }
    }
}

#[test]
fn bad_hosts_and_flags_exit_2_with_one_line() {
    for (args, needle) in [
        (vec!["ping", "127.0.0.1:7"], "invalid address '127.0.0.1:7': expected a host without a port"),
        (vec!["ping", "1.2.3.999"], "invalid address '1.2.3.999': not a valid IPv4 address"),
        (vec!["ping", "-c", "0", "127.0.0.1"], "-c"),
        (vec!["ping", "-s", "70000", "127.0.0.1"], "-s"),
        (vec!["ping", "-t", "0", "127.0.0.1"], "-t"),
        (vec!["ping", "-i", "soon", "127.0.0.1"], "'soon': expected a duration"),
        (vec!["ping", "-4", "::1"], "host ::1 is not IPv4 (-4)"),
        (vec!["ping", "-I", "no/such", "127.0.0.1"], "-I 'no/such'"),
        (vec!["ping", "-M", "probe", "127.0.0.1"], "--pmtudisc 'probe': expected do, want or dont"),
        (vec!["ping", "-Q", "256", "127.0.0.1"], "--tos '256': expected a TOS byte, 0-255 or 0x00-0xff"),
        (vec!["ping", "-Q", "0x100", "::1"], "--tos '0x100': expected a TOS byte"),
        (vec!["ping", "-Q", "abc", "127.0.0.1"], "--tos 'abc': expected a TOS byte"),
        (vec!["ping", "-p", "xyz", "127.0.0.1"], "--pattern 'xyz': expected 1 to 16 bytes in hex digits"),
        (
            vec!["ping", "-p", "000102030405060708090a0b0c0d0e0f10", "127.0.0.1"],
            "--pattern '000102030405060708090a0b0c0d0e0f10': expected 1 to 16 bytes",
        ),
        (vec!["ping"], "HOST"),
    ] {
        let out = sockkit().args(&args).assert().code(2);
        let stderr = text(&out.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn json_gives_one_object_per_reply_and_a_summary_per_host_as_root() {
    if !have_root("json_gives_one_object_per_reply_and_a_summary_per_host_as_root") {
        return;
    }
    let out =
        sockkit().args(["--json", "ping", "-c", "2", "-i", "0.05", "127.0.0.1", "::1"]).assert().success();
    let stdout = text(&out.get_output().stdout);
    let events: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    let of = |kind: &str| events.iter().filter(|e| e["event"] == kind).collect::<Vec<_>>();
    assert_eq!(of("start").len(), 2, "{stdout}");
    assert_eq!(of("reply").len(), 4, "{stdout}");
    assert_eq!(of("summary").len(), 2, "{stdout}");
    for reply in of("reply") {
        assert!(reply["rtt_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{reply}");
        assert_eq!(reply["ttl"], 64);
        assert_eq!(reply["dup"], false);
    }
    for summary in of("summary") {
        assert_eq!((summary["transmitted"].as_u64(), summary["received"].as_u64()), (Some(2), Some(2)));
        assert_eq!(summary["loss_percent"], 0.0);
    }
    // The time of day only with -D, in seconds since 1970.
    assert!(of("reply").iter().all(|r| r.get("unix_time").is_none()), "{stdout}");
    let out = sockkit().args(["--json", "ping", "-D", "-c", "1", "127.0.0.1"]).assert().success();
    let stdout = text(&out.get_output().stdout);
    let reply = stdout.lines().find(|l| l.contains(r#""event":"reply""#)).expect("a reply");
    let reply: serde_json::Value = serde_json::from_str(reply).unwrap();
    assert!(reply["unix_time"].as_f64().is_some_and(|t| t > 1.7e9), "{reply}");
}

#[test]
fn sigint_prints_the_summary_so_far_as_root() {
    if !have_root("sigint_prints_the_summary_so_far_as_root") {
        return;
    }
    let mut child = common::sockkit_std()
        .args(["ping", "-i", "0.05", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut replies = 0;
    while replies < 3 {
        let line = lines.next().expect("a line before EOF").expect("read");
        replies += usize::from(line.contains("icmp_seq="));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{rest:?}");
    let stats = &summaries(&rest.join("\n"))["127.0.0.1"];
    assert!(stats.received >= 3 && stats.transmitted >= stats.received, "{rest:?}");
}

#[test]
fn flood_sends_as_fast_as_replies_come_and_loses_nothing_on_loopback_as_root() {
    if !have_root("flood_sends_as_fast_as_replies_come_and_loses_nothing_on_loopback_as_root") {
        return;
    }
    let out = sockkit().args(["ping", "-f", "-c", "500", "127.0.0.1"]).assert().success();
    let stdout = text(&out.get_output().stdout);
    let stats = &summaries(&stdout)["127.0.0.1"];
    assert_eq!((stats.transmitted, stats.received), (500, 500), "{stdout}");
    // Dots for probes, backspaces for replies, as iputils draws a flood.
    assert!(stdout.starts_with("PING 127.0.0.1") && stdout.contains('.') && stdout.contains('\x08'));
    assert!(reply_lines(&stdout).is_empty());
    // iputils' flood summary tail: mean gap between probes and the smoothed rtt.
    assert!(stdout.lines().any(|l| l.starts_with("rtt min/avg/max/mdev = ") && l.contains(" ms, ipg/ewma ")));
}

#[test]
fn a_flood_without_a_count_stops_on_sigint_with_its_summary_as_root() {
    if !have_root("a_flood_without_a_count_stops_on_sigint_with_its_summary_as_root") {
        return;
    }
    let mut child = common::sockkit_std()
        .args(["ping", "-f", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().unwrap();
    // The flood's marks come in buffered chunks: wait until 100 replies (two backspaces
    // each) have been drawn.
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    while seen.iter().filter(|&&b| b == 0x08).count() < 200 {
        let n = stdout.read(&mut chunk).expect("read");
        assert!(n > 0, "EOF before 100 replies: {:?}", text(&seen));
        seen.extend_from_slice(&chunk[..n]);
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    stdout.read_to_end(&mut seen).expect("read");
    let status = child.wait().expect("wait");
    let stdout = text(&seen);
    assert_eq!(status.code(), Some(0), "{stdout}");
    let stats = &summaries(&stdout)["127.0.0.1"];
    assert!(stats.received >= 100 && stats.transmitted >= stats.received, "{stdout}");
}

#[test]
fn a_concurrent_second_ping_sees_no_cross_talk_as_root() {
    if !have_root("a_concurrent_second_ping_sees_no_cross_talk_as_root") {
        return;
    }
    let args = ["ping", "-c", "40", "-i", "0.01", "127.0.0.1"];
    let first = common::sockkit_std().args(args).stdout(Stdio::piped()).spawn().expect("spawn");
    let second = common::sockkit_std().args(args).stdout(Stdio::piped()).spawn().expect("spawn");
    // iputils too, on the same raw traffic.
    let third = Command::new("ping").args(&args[1..]).stdout(Stdio::null()).spawn().expect("spawn ping");
    for child in [first, second] {
        let out = child.wait_with_output().expect("wait");
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        let stats = &summaries(&stdout)["127.0.0.1"];
        assert_eq!((stats.transmitted, stats.received, stats.duplicates), (40, 40, 0), "{stdout}");
        assert!(!stdout.contains("DUP"), "{stdout}");
        let seqs: Vec<&str> =
            reply_lines(&stdout).iter().map(|l| l.split("icmp_seq=").nth(1).unwrap()).collect();
        assert_eq!(seqs.len(), 40, "{stdout}");
    }
    let mut third = third;
    let _ = third.wait();
}

// ---------------------------------------------------------------------------------------------
// Namespaces: client (10.77.1.2, fd77:1::2) -- router (.1.1/.2.1) -- target (10.77.2.2, fd77:2::2)

struct Lab {
    client: Netns,
    router: Netns,
    target: Netns,
}

const TARGET_V4: &str = "10.77.2.2";
const TARGET_V6: &str = "fd77:2::2";
const ROUTER_V4: &str = "10.77.1.1";
const ROUTER_V6: &str = "fd77:1::1";

impl Lab {
    fn new(tag: &str) -> Lab {
        let pid = std::process::id();
        let name = |role: &str| format!("skping-{tag}-{role}-{pid}");
        let lab = Lab {
            client: Netns::new(&name("c")),
            router: Netns::new(&name("r")),
            target: Netns::new(&name("t")),
        };
        veth(&lab.client, "c0", &lab.router, "r0");
        veth(&lab.router, "r1", &lab.target, "t0");
        for (ns, dev, v4, v6) in [
            (&lab.client, "c0", "10.77.1.2/24", "fd77:1::2/64"),
            (&lab.router, "r0", "10.77.1.1/24", "fd77:1::1/64"),
            (&lab.router, "r1", "10.77.2.1/24", "fd77:2::1/64"),
            (&lab.target, "t0", "10.77.2.2/24", "fd77:2::2/64"),
        ] {
            ns.ip(&["addr", "add", v4, "dev", dev]);
            ns.ip(&["-6", "addr", "add", v6, "dev", dev, "nodad"]);
        }
        lab.client.ip(&["route", "add", "default", "via", ROUTER_V4]);
        lab.client.ip(&["-6", "route", "add", "default", "via", ROUTER_V6]);
        lab.target.ip(&["route", "add", "default", "via", "10.77.2.1"]);
        lab.target.ip(&["-6", "route", "add", "default", "via", "fd77:2::1"]);
        lab.router.sysctl("net.ipv4.ip_forward", "1");
        lab.router.sysctl("net.ipv6.conf.all.forwarding", "1");
        // Every probe gets its ICMP error, so counts can be asserted exactly.
        lab.router.sysctl("net.ipv4.icmp_ratelimit", "0");
        lab.router.sysctl("net.ipv6.icmp.ratelimit", "0");
        // ... and none goes through the host-wide ICMP budget (icmp_msgs_per_sec), which
        // other tests on this machine share: only masked types are counted against it.
        lab.router.sysctl("net.ipv4.icmp_ratemask", "0");
        lab.router.sysctl("net.ipv6.icmp.ratemask", "127");
        // 10.77.9.0/24 and fd77:9::/64 lie "behind" the target, and the router refuses to
        // forward to them with host unreachable / no route. (An `unreachable` route would do
        // it too, but its errors are rate-limited per source by net.ipv4.route.error_cost,
        // which is not per namespace.)
        lab.router.ip(&["route", "add", "10.77.9.0/24", "via", "10.77.2.2"]);
        lab.router.ip(&["-6", "route", "add", "fd77:9::/64", "via", "fd77:2::2"]);
        let table = "skping-unreach";
        lab.router.run(&["nft", "add", "table", "inet", table]);
        lab.router.run(&[
            "nft",
            "add",
            "chain",
            "inet",
            table,
            "forward",
            "{ type filter hook forward priority 0; }",
        ]);
        lab.router.run(&[
            "nft",
            "add",
            "rule",
            "inet",
            table,
            "forward",
            "ip",
            "daddr",
            "10.77.9.0/24",
            "reject",
            "with",
            "icmp",
            "type",
            "host-unreachable",
        ]);
        lab.router.run(&[
            "nft",
            "add",
            "rule",
            "inet",
            table,
            "forward",
            "ip6",
            "daddr",
            "fd77:9::/64",
            "reject",
            "with",
            "icmpv6",
            "type",
            "no-route",
        ]);
        lab
    }

    /// Turns the target's kernel echo replies off and answers with the test responder.
    fn responder(&self, impairment: Impairment) -> Responder {
        self.target.sysctl("net.ipv4.icmp_echo_ignore_all", "1");
        self.target.sysctl("net.ipv6.icmp.echo_ignore_all", "1");
        Responder::start(&self.target, impairment)
    }
}

#[test]
fn hosts_behind_a_router_answer_with_ttl_63_as_root() {
    if !have_root("hosts_behind_a_router_answer_with_ttl_63_as_root") {
        return;
    }
    let lab = Lab::new("route");
    let out = ping_in(&lab.client, &["-c", "2", "-i", "0.05", TARGET_V4, TARGET_V6]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(reply_lines(&stdout).len(), 4, "{stdout}");
    assert!(reply_lines(&stdout).iter().all(|l| l.contains(" ttl=63 ")), "{stdout}");
    // Several hosts: every reply line names its host first.
    assert!(reply_lines(&stdout).iter().all(|l| l.starts_with(TARGET_V4) || l.starts_with(TARGET_V6)));
}

#[test]
fn nftables_loss_is_reported_within_bounds_as_root() {
    if !have_root("nftables_loss_is_reported_within_bounds_as_root") {
        return;
    }
    let lab = Lab::new("loss");
    let table = "skping-loss";
    lab.target.run(&["nft", "add", "table", "inet", table]);
    lab.target.run(&[
        "nft",
        "add",
        "chain",
        "inet",
        table,
        "input",
        "{ type filter hook input priority 0; }",
    ]);
    for proto in ["icmp", "icmpv6"] {
        lab.target.run(&[
            "nft",
            "add",
            "rule",
            "inet",
            table,
            "input",
            proto,
            "type",
            "echo-request",
            "numgen",
            "random",
            "mod",
            "100",
            "<",
            "30",
            "drop",
        ]);
    }
    let out = ping_in(&lab.client, &["-q", "-c", "300", "-i", "0.005", "-W", "1", TARGET_V4, TARGET_V6]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(reply_lines(&stdout).is_empty(), "-q prints no reply lines: {stdout}");
    let all = summaries(&stdout);
    for host in [TARGET_V4, TARGET_V6] {
        let stats = &all[host];
        assert_eq!(stats.transmitted, 300, "{stdout}");
        // 30% told; a binomial of 300 stays within 15..45% far beyond 5 sigma.
        assert!((15.0..=45.0).contains(&stats.loss), "{host}: {stdout}");
        let expected = (300 - stats.received) as f64 * 100.0 / 300.0;
        assert!((stats.loss - expected).abs() < 0.001, "{stdout}");
        assert_eq!(stats.duplicates, 0);
    }
}

#[test]
fn responder_delay_duplicates_corruption_and_foreign_ids_are_reported_as_root() {
    if !have_root("responder_delay_duplicates_corruption_and_foreign_ids_are_reported_as_root") {
        return;
    }
    let lab = Lab::new("imp");
    let responder = lab.responder(Impairment {
        delay: Duration::from_millis(40),
        duplicate: vec![1, 3],
        corrupt: vec![2],
        foreign_id_first: true,
        ..Impairment::default()
    });
    let out = ping_in(&lab.client, &["-c", "4", "-i", "0.1", TARGET_V4, TARGET_V6]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(responder.requests(), 8, "{stdout}");
    let all = summaries(&stdout);
    for host in [TARGET_V4, TARGET_V6] {
        let stats = &all[host];
        // Foreign-id replies are never counted; duplicates are, separately.
        assert_eq!((stats.transmitted, stats.received, stats.duplicates), (4, 4, 2), "{stdout}");
        let [min, _, _, _] = stats.rtt.unwrap();
        assert!(min >= 40.0, "rtt below the responder's delay: {stdout}");
        let dups: Vec<_> = reply_lines(&stdout)
            .into_iter()
            .filter(|l| l.starts_with(&format!("{host}: ")) && l.ends_with("(DUP!)"))
            .collect();
        assert_eq!(dups.len(), 2, "{stdout}");
        assert!(dups.iter().all(|l| l.contains("icmp_seq=1 ") || l.contains("icmp_seq=3 ")), "{stdout}");
    }
    let wrong = format!(
        "wrong data byte #{CORRUPT_OFFSET} should be 0x{CORRUPT_OFFSET:x} but was 0x{:x}",
        CORRUPT_OFFSET ^ 0xff
    );
    assert_eq!(stdout.matches(&wrong).count(), 2, "{stdout}");
}

#[test]
fn a_bad_checksum_is_counted_as_corrupted_not_received_as_root() {
    if !have_root("a_bad_checksum_is_counted_as_corrupted_not_received_as_root") {
        return;
    }
    let lab = Lab::new("csum");
    let _responder = lab.responder(Impairment { bad_checksum: vec![2], ..Impairment::default() });
    let out = ping_in(&lab.client, &["-c", "3", "-i", "0.05", "-W", "1", TARGET_V4]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let stats = &summaries(&stdout)[TARGET_V4];
    assert_eq!((stats.transmitted, stats.received, stats.corrupted), (3, 2, 1), "{stdout}");
    assert!(stdout.contains("icmp_seq=2 ttl=63") && stdout.contains("(BAD CHECKSUM!)"), "{stdout}");
}

#[test]
fn late_replies_count_until_ping_stops_waiting_as_iputils_does_as_root() {
    if !have_root("late_replies_count_until_ping_stops_waiting_as_iputils_does_as_root") {
        return;
    }
    let lab = Lab::new("late");
    let late = HashMap::from([(1, Duration::from_millis(450))]);
    let responder = lab.responder(Impairment { late, ..Impairment::default() });
    // Probes at 0, 0.3, 0.6 s; after the last, iputils waits max(2 * max rtt, interval) =
    // 0.3 s when something was answered, so seq 1's reply at 0.45 s still counts.
    let out = ping_in(&lab.client, &["-c", "3", "-i", "0.3", "-W", "0.2", TARGET_V4]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let seqs: Vec<&str> = reply_lines(&stdout)
        .iter()
        .map(|l| l.split("icmp_seq=").nth(1).unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(seqs, ["2", "1", "3"], "{stdout}");
    let stats = &summaries(&stdout)[TARGET_V4];
    assert_eq!(stats.received, 3);
    assert!(stats.rtt.unwrap()[2] >= 450.0, "{stdout}");

    // Nothing answered within -W after the last probe: ping gives up, exit 1.
    drop(responder);
    let _all_late = lab.responder(Impairment { delay: Duration::from_secs(2), ..Impairment::default() });
    let out = ping_in(&lab.client, &["-c", "1", "-W", "0.3", TARGET_V6]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stats = &summaries(&text(&out.stdout))[TARGET_V6];
    assert_eq!((stats.transmitted, stats.received, stats.loss), (1, 0, 100.0));
}

#[test]
fn unreachable_destinations_and_ttl_expiry_name_the_router_on_both_socket_kinds_as_root() {
    if !have_root("unreachable_destinations_and_ttl_expiry_name_the_router_on_both_socket_kinds_as_root") {
        return;
    }
    let lab = Lab::new("unr");
    // Root's group may open ping sockets in this namespace, so --dgram reads the error queue.
    lab.client.sysctl("net.ipv4.ping_group_range", "0 0");
    for kind in ["--raw", "--dgram"] {
        let out = ping_in(&lab.client, &[kind, "-c", "2", "-i", "0.05", "10.77.9.9", "fd77:9::9"]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{kind}: {stdout}{}", text(&out.stderr));
        for seq in [1, 2] {
            let v4 = format!("10.77.9.9: From {ROUTER_V4} icmp_seq={seq} Destination Host Unreachable");
            let v6 = format!("fd77:9::9: From {ROUTER_V6} icmp_seq={seq} Destination unreachable: No route");
            assert!(stdout.contains(&v4) && stdout.contains(&v6), "{kind}: {stdout}");
        }
        let all = summaries(&stdout);
        for host in ["10.77.9.9", "fd77:9::9"] {
            assert_eq!((all[host].transmitted, all[host].received, all[host].errors), (2, 0, 2), "{stdout}");
        }

        let out = ping_in(&lab.client, &[kind, "-c", "1", "-t", "1", TARGET_V4, TARGET_V6]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{kind}: {stdout}");
        assert!(stdout.contains(&format!("From {ROUTER_V4} icmp_seq=1 Time to live exceeded")), "{stdout}");
        assert!(
            stdout.contains(&format!("From {ROUTER_V6} icmp_seq=1 Time exceeded: Hop limit")),
            "{stdout}"
        );
    }
}

#[test]
fn the_unprivileged_path_needs_ping_group_range_and_says_so_as_root() {
    if !have_root("the_unprivileged_path_needs_ping_group_range_and_says_so_as_root") {
        return;
    }
    // ping_group_range is per namespace: set it in one of our own, never on the host.
    let lab = Lab::new("dgram");
    let as_nobody = |args: &[&str]| -> Output {
        Command::new("ip")
            .args([
                "netns",
                "exec",
                &lab.client.name,
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
            ])
            .arg(bin())
            .args(["-v", "ping"])
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("setpriv")
    };
    lab.client.sysctl("net.ipv4.ping_group_range", "65534 65534");
    let out = as_nobody(&["-c", "2", "-i", "0.2", TARGET_V4, TARGET_V6]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("ipv4 icmp socket: datagram") && stdout.contains("ipv6 icmp socket: datagram"));
    // The TTL comes from IP_RECVTTL / IPV6_RECVHOPLIMIT on this path.
    assert_eq!(reply_lines(&stdout).iter().filter(|l| l.contains(" ttl=63 ")).count(), 4, "{stdout}");
    // Users may not go below 2 ms (iputils 20221126 says the same; older ones said 200 ms),
    // nor flood.
    for args in [&["-c", "1", "-i", "0.001", TARGET_V4][..], &["-c", "1", "-f", TARGET_V4]] {
        let out = as_nobody(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("minimal interval allowed for user is 2ms"), "{args:?}");
    }
    let out = as_nobody(&["-c", "3", "-i", "0.01", TARGET_V4]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    lab.client.sysctl("net.ipv4.ping_group_range", "1 0");
    let out = as_nobody(&["-c", "1", TARGET_V4]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("CAP_NET_RAW") && stderr.contains("net.ipv4.ping_group_range (now '1 0'"),
        "{stderr}"
    );
    // As root, raw still works there.
    let out = ping_in(&lab.client, &["-v", "-c", "1", TARGET_V4]);
    assert!(out.status.success() && text(&out.stdout).contains("ipv4 icmp socket: raw"));
}

// ---------------------------------------------------------------------------------------------
// iputils flags: -M, -Q, -p, -O

/// A namespace of our own whose loopback has the smallest MTU IPv6 allows, so that `-s 1400`
/// is over the path MTU for 127.0.0.1 and ::1 alike.
fn small_mtu_netns(tag: &str) -> Netns {
    let ns = Netns::new(&format!("skpf-{tag}-{}", std::process::id()));
    ns.ip(&["link", "set", "lo", "mtu", "1280"]);
    // Lets the --dgram runs below open ping sockets (as root, group 0).
    ns.sysctl("net.ipv4.ping_group_range", "0 0");
    ns
}

#[test]
fn pmtudisc_do_fails_locally_over_the_path_mtu_as_iputils_says_and_want_fragments_as_root() {
    if !have_root("pmtudisc_do_fails_locally_over_the_path_mtu_as_iputils_says_and_want_fragments_as_root") {
        return;
    }
    let ns = small_mtu_netns("mtu");
    for kind in ["--raw", "--dgram"] {
        for (host, mtu_text, spelling) in [("127.0.0.1", "mtu=1280", "do"), ("::1", "mtu: 1280", "DO")] {
            let what = format!("{kind} {host}");
            // Over the MTU with DF: every probe fails at send, in iputils' words, and nothing
            // was answered: exit 1 as iputils (CLI.md: the check came out negative).
            let out = ping_in(&ns, &[kind, "-c", "2", "-i", "0.05", "-M", spelling, "-s", "1400", host]);
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            assert_eq!(out.status.code(), Some(1), "{what}: {stdout}{stderr}");
            let line = format!("sockkit: local error: message too long, {mtu_text}");
            assert_eq!(stderr.lines().collect::<Vec<_>>(), [&line[..], &line[..]], "{what}: {stderr}");
            let stats = &summaries(&stdout)[host];
            assert_eq!((stats.transmitted, stats.received, stats.errors), (2, 0, 2), "{what}: {stdout}");
            // The same size with local fragmentation allowed (want), or without DF (dont),
            // is answered; and under the MTU, do is answered too.
            for (policy, size) in [("want", "1400"), ("dont", "1400"), ("do", "1200")] {
                let out = ping_in(&ns, &[kind, "-c", "2", "-i", "0.05", "-M", policy, "-s", size, host]);
                let stdout = text(&out.stdout);
                assert!(out.status.success(), "{what} -M {policy}: {stdout}{}", text(&out.stderr));
                let bytes = format!("{} bytes from {host}:", size.parse::<usize>().unwrap() + 8);
                let lines = reply_lines(&stdout);
                assert_eq!(lines.len(), 2, "{what} -M {policy}: {stdout}");
                assert!(lines.iter().all(|l| l.starts_with(&bytes)), "{what} -M {policy}: {stdout}");
            }
        }
    }
}

/// A raw ICMP (or ICMPv6) socket opened inside `ns` (from a thread that enters it), which sees
/// every ICMP packet of that namespace, our probes included. IPv6 ones report each packet's
/// traffic class (IPV6_RECVTCLASS), since no IPv6 header reaches a raw ICMPv6 socket.
fn icmp_sniffer_in(ns: &Netns, v6: bool) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    let name = ns.name.clone();
    std::thread::spawn(move || {
        common::netns::enter(&name);
        let (family, protocol) =
            if v6 { (libc::AF_INET6, libc::IPPROTO_ICMPV6) } else { (libc::AF_INET, libc::IPPROTO_ICMP) };
        // SAFETY: plain socket(2); the fd is owned at once.
        let fd = unsafe {
            libc::socket(family, libc::SOCK_RAW | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, protocol)
        };
        assert!(fd >= 0, "raw socket: {}", std::io::Error::last_os_error());
        // SAFETY: fd is a fresh descriptor nobody else owns.
        let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        if v6 {
            let on: libc::c_int = 1;
            // SAFETY: a live c_int and its size.
            let rc = unsafe {
                libc::setsockopt(
                    std::os::fd::AsRawFd::as_raw_fd(&fd),
                    libc::SOL_IPV6,
                    libc::IPV6_RECVTCLASS,
                    (&on as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            assert_eq!(rc, 0, "IPV6_RECVTCLASS: {}", std::io::Error::last_os_error());
        }
        fd
    })
    .join()
    .expect("sniffer thread")
}

/// An echo request the sniffer saw: its TOS / traffic class byte and its ICMP payload.
struct SniffedRequest {
    class: u8,
    payload: Vec<u8>,
}

/// The echo requests the sniffer has queued, emptying its queue.
fn sniffed_requests(sniffer: &std::os::fd::OwnedFd, v6: bool) -> Vec<SniffedRequest> {
    use std::os::fd::AsRawFd;
    let mut classes = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let mut control = [0u8; 128];
    loop {
        let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
        // SAFETY: all-zero is a valid msghdr.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = control.len();
        // SAFETY: msg points into live buffers with their sizes.
        let n = unsafe { libc::recvmsg(sniffer.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock, "recvmsg: {e}");
            return classes;
        }
        let packet = &buf[..n as usize];
        if !v6 {
            // The IPv4 header comes first; its second byte is the TOS.
            let ihl = usize::from(packet[0] & 0x0f) * 4;
            if packet.get(ihl) == Some(&8) && packet.len() >= ihl + 8 {
                classes.push(SniffedRequest { class: packet[1], payload: packet[ihl + 8..].to_vec() });
            }
            continue;
        }
        if packet.first() != Some(&128) || packet.len() < 8 {
            continue;
        }
        // SAFETY: CMSG_* walk the control buffer the kernel filled, within msg_controllen.
        unsafe {
            let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
            while !cmsg.is_null() {
                if (*cmsg).cmsg_level == libc::SOL_IPV6 && (*cmsg).cmsg_type == libc::IPV6_TCLASS {
                    let class = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg) as *const libc::c_int);
                    classes.push(SniffedRequest { class: class as u8, payload: packet[8..].to_vec() });
                }
                cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
            }
        }
    }
}

#[test]
fn probes_carry_the_tos_byte_given_in_decimal_or_hex_on_ipv4_and_ipv6_as_root() {
    if !have_root("probes_carry_the_tos_byte_given_in_decimal_or_hex_on_ipv4_and_ipv6_as_root") {
        return;
    }
    let ns = Netns::new(&format!("skpf-tos-{}", std::process::id()));
    ns.sysctl("net.ipv4.ping_group_range", "0 0");
    let sniffers = [icmp_sniffer_in(&ns, false), icmp_sniffer_in(&ns, true)];
    for kind in ["--raw", "--dgram"] {
        for (tos, want) in [(None, 0u8), (Some("0xb8"), 0xb8), (Some("40"), 40), (Some("0x03"), 3)] {
            let mut args = vec![kind, "-c", "2", "-i", "0.05"];
            if let Some(tos) = tos {
                args.extend(["-Q", tos]);
            }
            args.extend(["127.0.0.1", "::1"]);
            let out = ping_in(&ns, &args);
            assert!(out.status.success(), "{args:?}: {}{}", text(&out.stdout), text(&out.stderr));
            // ping has exited after its replies, so its requests sit in the sniffers' queues.
            for (v6, sniffer) in [(false, &sniffers[0]), (true, &sniffers[1])] {
                let classes: Vec<u8> = sniffed_requests(sniffer, v6).iter().map(|r| r.class).collect();
                assert_eq!(classes, [want, want], "{args:?} v6 {v6}");
            }
        }
    }
}

#[test]
fn a_pattern_fills_the_payload_on_the_wire_and_comes_back_as_iputils_prints_it_as_root() {
    if !have_root("a_pattern_fills_the_payload_on_the_wire_and_comes_back_as_iputils_prints_it_as_root") {
        return;
    }
    let ns = Netns::new(&format!("skpf-pat-{}", std::process::id()));
    let sniffers = [icmp_sniffer_in(&ns, false), icmp_sniffer_in(&ns, true)];
    // fff is ff 0f, as iputils reads an odd last digit.
    for (pattern, bytes, shown) in [("ff00", &[0xffu8, 0x00][..], "0xff00"), ("fff", &[0xff, 0x0f], "0xff0f")]
    {
        let out = ping_in(&ns, &["-c", "2", "-i", "0.05", "-s", "40", "-p", pattern, "127.0.0.1", "::1"]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
        assert_eq!(stdout.lines().next(), Some(&format!("PATTERN: {shown}")[..]), "{stdout}");
        assert_eq!(reply_lines(&stdout).len(), 4, "{stdout}");
        assert!(!stdout.contains("wrong data byte"), "{stdout}");
        for (v6, sniffer) in [(false, &sniffers[0]), (true, &sniffers[1])] {
            let requests = sniffed_requests(sniffer, v6);
            assert_eq!(requests.len(), 2, "v6 {v6}");
            for request in requests {
                // The 8-byte send stamp, then the pattern repeated from payload byte 8 on.
                assert_eq!(request.payload.len(), 40);
                let want: Vec<u8> = (8..40).map(|i| bytes[i % bytes.len()]).collect();
                assert_eq!(request.payload[8..], want[..], "{pattern} v6 {v6}");
            }
        }
    }
    // -q hides the PATTERN line, as in iputils; --json gives it as an event.
    let out = ping_in(&ns, &["-q", "-c", "1", "-p", "ab", "127.0.0.1"]);
    assert!(out.status.success() && !text(&out.stdout).contains("PATTERN"), "{}", text(&out.stdout));
    let out = ns
        .command(&bin())
        .args(["--json", "ping", "-c", "1", "-p", "AB01", "127.0.0.1"])
        .output()
        .expect("run sockkit");
    let first = text(&out.stdout).lines().next().map(str::to_string).unwrap_or_default();
    let first: serde_json::Value = serde_json::from_str(&first).expect("json line");
    assert_eq!(first, serde_json::json!({"event": "pattern", "pattern_hex": "ab01"}));
}

#[test]
fn a_reply_that_differs_from_the_pattern_names_the_byte_as_iputils_does_as_root() {
    if !have_root("a_reply_that_differs_from_the_pattern_names_the_byte_as_iputils_does_as_root") {
        return;
    }
    let lab = Lab::new("pfpat");
    let _responder = lab.responder(Impairment { corrupt: vec![2], ..Impairment::default() });
    let out = ping_in(&lab.client, &["-c", "3", "-i", "0.05", "-p", "ff00", TARGET_V4, TARGET_V6]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    // The responder flips every bit of one byte: the wire carried the pattern's byte there, and
    // ping compared the reply against the pattern, not its counting bytes.
    let expected = [0xffu8, 0x00][CORRUPT_OFFSET % 2];
    let line =
        format!("wrong data byte #{CORRUPT_OFFSET} should be 0x{expected:x} but was 0x{:x}", expected ^ 0xff);
    assert_eq!(stdout.matches(&line).count(), 2, "{line}: {stdout}");
    assert_eq!(stdout.matches("wrong data byte").count(), 2, "{stdout}");
}

#[test]
fn report_outstanding_names_the_unanswered_probe_as_the_next_one_leaves_as_root() {
    if !have_root("report_outstanding_names_the_unanswered_probe_as_the_next_one_leaves_as_root") {
        return;
    }
    let ns = Netns::new(&format!("skpf-out-{}", std::process::id()));
    ns.sysctl("net.ipv4.ping_group_range", "0 0");
    // The kernel's echo replies to probes 2 and 4 are dropped on their way out.
    let table = "skpf-drop";
    ns.run(&["nft", "add", "table", "inet", table]);
    ns.run(&["nft", "add", "chain", "inet", table, "output", "{ type filter hook output priority 0; }"]);
    for proto in ["icmp", "icmpv6"] {
        let rule = format!("{proto} type echo-reply {proto} sequence {{ 2, 4 }} drop");
        let mut args = vec!["nft", "add", "rule", "inet", table, "output"];
        args.extend(rule.split(' '));
        ns.run(&args);
    }
    let what_lines = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.contains("icmp_seq="))
            .map(|l| {
                let seq = l.split("icmp_seq=").nth(1).unwrap().split(' ').next().unwrap();
                if l.contains("no answer yet") { format!("none {seq}") } else { format!("reply {seq}") }
            })
            .collect()
    };
    for kind in ["--raw", "--dgram"] {
        for host in ["127.0.0.1", "::1"] {
            let out = ping_in(&ns, &[kind, "-O", "-c", "4", "-i", "0.1", host]);
            let stdout = text(&out.stdout);
            assert!(out.status.success(), "{kind} {host}: {stdout}{}", text(&out.stderr));
            // As iputils: the line comes as probe 3 leaves, before its reply; the last probe
            // has no next one, so nothing is said about 4.
            assert_eq!(what_lines(&stdout), ["reply 1", "none 2", "reply 3"], "{kind} {host}: {stdout}");
            assert!(stdout.contains("\nno answer yet for icmp_seq=2\n"), "{stdout}");
            let stats = &summaries(&stdout)[host];
            assert_eq!((stats.transmitted, stats.received), (4, 2), "{stdout}");
        }
    }
    // Without -O nothing is said; with -q it still is (as iputils), and the replies are not.
    let out = ping_in(&ns, &["-c", "3", "-i", "0.05", "127.0.0.1"]);
    assert_eq!(what_lines(&text(&out.stdout)), ["reply 1", "reply 3"], "{}", text(&out.stdout));
    let out = ping_in(&ns, &["-q", "-O", "-c", "3", "-i", "0.05", "127.0.0.1", "::1"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let mut lines: Vec<&str> = stdout.lines().filter(|l| l.contains("icmp_seq")).collect();
    lines.sort();
    assert_eq!(lines, ["127.0.0.1: no answer yet for icmp_seq=2", "::1: no answer yet for icmp_seq=2"]);
    // --json: one event per unanswered probe, named as the others are.
    let out = ns
        .command(&bin())
        .args(["--json", "ping", "-O", "-c", "3", "-i", "0.05", "::1"])
        .output()
        .expect("run sockkit");
    let events: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start", "reply", "no_answer_yet", "reply", "summary"], "{events:?}");
    assert_eq!(events[2], serde_json::json!({"event": "no_answer_yet", "host": "::1", "seq": 2}));
}

#[test]
fn pmtudisc_do_reports_the_routers_mtu_then_fails_locally_as_iputils_as_root() {
    if !have_root("pmtudisc_do_reports_the_routers_mtu_then_fails_locally_as_iputils_as_root") {
        return;
    }
    let lab = Lab::new("pfmtu");
    lab.client.sysctl("net.ipv4.ping_group_range", "0 0");
    // The router's link to the target is the narrow one: the first probe gets as far as the
    // router, which answers with the MTU; the client's kernel remembers it, so the next probes
    // fail at send.
    lab.router.ip(&["link", "set", "r1", "mtu", "1280"]);
    lab.target.ip(&["link", "set", "t0", "mtu", "1280"]);
    for kind in ["--raw", "--dgram"] {
        // Forget what the last run learnt.
        lab.client.ip(&["route", "flush", "cache"]);
        lab.client.ip(&["-6", "route", "flush", "cache"]);
        for (host, router, from_router, local) in [
            (TARGET_V4, ROUTER_V4, "Frag needed and DF set (mtu = 1280)", "mtu=1280"),
            (TARGET_V6, ROUTER_V6, "Packet too big: mtu=1280", "mtu: 1280"),
        ] {
            let out = ping_in(&lab.client, &[kind, "-M", "do", "-s", "1400", "-c", "3", "-i", "0.05", host]);
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            assert_eq!(out.status.code(), Some(1), "{kind} {host}: {stdout}{stderr}");
            let from = format!("From {router} icmp_seq=1 {from_router}");
            assert_eq!(
                stdout.lines().filter(|l| l.starts_with("From ")).collect::<Vec<_>>(),
                [from],
                "{stdout}"
            );
            let line = format!("sockkit: local error: message too long, {local}");
            assert_eq!(stderr.lines().collect::<Vec<_>>(), [&line[..], &line[..]], "{kind} {host}: {stderr}");
            // Each probe is one error: the router's message is not counted twice on a raw
            // socket, which then also keeps an error queue.
            let stats = &summaries(&stdout)[host];
            assert_eq!((stats.transmitted, stats.received, stats.errors), (3, 0, 3), "{stdout}");
            // Without DF the same size is fragmented and answered.
            let out =
                ping_in(&lab.client, &[kind, "-M", "dont", "-s", "1400", "-c", "2", "-i", "0.05", host]);
            let stdout = text(&out.stdout);
            assert!(out.status.success(), "{kind} {host}: {stdout}{}", text(&out.stderr));
            assert_eq!(reply_lines(&stdout).len(), 2, "{stdout}");
        }
    }
}
