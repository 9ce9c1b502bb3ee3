//! IPv6 link-local addresses with a zone (`[fe80::b%skzn0]:7`), through the shared parser, in
//! every subcommand that takes an address: two network namespaces this test creates, joined by
//! a veth pair that carries only link-local addresses. Root-only tests end in `_as_root`.

mod common;
#[path = "support/http_server.rs"]
mod http_server;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::netns::{Netns, veth};
use common::{Server, have_root, sockkit};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("sockkit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Namespace `a` (fe80::a on skzn0) and `b` (fe80::b on skzn1), joined by one veth pair and
/// nothing else: fe80::b is reachable from `a` only through skzn0. Deleted on Drop.
struct Link {
    a: Netns,
    b: Netns,
}

impl Link {
    fn new() -> Link {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let tag = format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let a = Netns::new(&format!("skzn-a-{tag}"));
        let b = Netns::new(&format!("skzn-b-{tag}"));
        veth(&a, "skzn0", &b, "skzn1");
        a.ip(&["addr", "add", "fe80::a/64", "dev", "skzn0", "nodad"]);
        b.ip(&["addr", "add", "fe80::b/64", "dev", "skzn1", "nodad"]);
        let link = Link { a, b };
        link.wait_for_carrier();
        link
    }

    /// A veth end says LOWER_UP once its peer is up; before that the first packets would be
    /// dropped.
    fn wait_for_carrier(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        for (ns, dev) in [(&self.a, "skzn0"), (&self.b, "skzn1")] {
            loop {
                let out =
                    Command::new("ip").args(["-n", &ns.name, "-o", "link", "show", dev]).output().unwrap();
                if text(&out.stdout).contains("LOWER_UP") {
                    break;
                }
                assert!(Instant::now() < deadline, "{dev} in {} has no carrier", ns.name);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// The interface index of skzn0 in `a`, for the numeric zone form.
    fn index_a(&self) -> String {
        let out =
            Command::new("ip").args(["-n", &self.a.name, "-o", "link", "show", "skzn0"]).output().unwrap();
        text(&out.stdout).split(':').next().unwrap().trim().to_string()
    }

    /// `sockkit ARGS` inside `a`.
    fn run_a(&self, args: &[&str]) -> Output {
        self.a.command(&bin()).env("NO_COLOR", "1").args(args).output().expect("run sockkit")
    }

    /// A sockkit server inside `b`.
    fn serve_b(&self, args: &[&str]) -> Server {
        Server::spawn_cmd(self.b.command(&bin()).env("NO_COLOR", "1").args(args))
    }
}

fn port_of(addr: &str) -> &str {
    addr.rsplit(':').next().unwrap()
}

fn both(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
fn echo_client_reaches_a_link_local_server_by_zone_name_and_by_index_as_root() {
    if !have_root("echo_client_reaches_a_link_local_server_by_zone_name_and_by_index_as_root") {
        return;
    }
    let link = Link::new();
    let mut server = link.serve_b(&["echo", "serve", "[::]:0"]);
    let port = port_of(&server.addr).to_string();
    for zone in ["skzn0".to_string(), link.index_a()] {
        let target = format!("[fe80::b%{zone}]:{port}");
        let out = link.run_a(&["-v", "echo", "client", &target, "hello"]);
        let all = both(&out);
        assert!(out.status.success(), "{target}: {all}");
        assert!(text(&out.stdout).contains("hello"), "{target}: {all}");
        // What the kernel reports (a scope id) is shown as the interface's name.
        assert!(all.contains(&format!("connected to [fe80::b%skzn0]:{port} from [fe80::a%skzn0]:")), "{all}");
        // The server sees the client's link-local address on its own interface.
        server.wait_for("+ [fe80::a%skzn1]:", Duration::from_secs(10));
    }
}

#[test]
fn a_zoned_bind_address_picks_the_interface_for_a_peer_without_one_as_root() {
    if !have_root("a_zoned_bind_address_picks_the_interface_for_a_peer_without_one_as_root") {
        return;
    }
    let link = Link::new();
    let server = link.serve_b(&["echo", "serve", "[fe80::b%skzn1]:0"]);
    assert!(server.addr.starts_with("[fe80::b%skzn1]:"), "{}", server.addr);
    let target = format!("[fe80::b]:{}", port_of(&server.addr));
    let out = link.run_a(&["-v", "echo", "client", "--bind", "fe80::a%skzn0", &target, "hi"]);
    let all = both(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("from [fe80::a%skzn0]:"), "{all}");
}

#[test]
fn a_link_local_peer_without_a_zone_is_einval_in_one_line_and_exit_3_as_root() {
    if !have_root("a_link_local_peer_without_a_zone_is_einval_in_one_line_and_exit_3_as_root") {
        return;
    }
    let link = Link::new();
    let tcp = link.serve_b(&["echo", "serve", "[::]:0"]);
    let udp = link.serve_b(&["udp", "serve", "[::]:0"]);
    for (sub, server) in [("echo", &tcp), ("udp", &udp)] {
        let target = format!("[fe80::b]:{}", port_of(&server.addr));
        let out = link.run_a(&[sub, "client", &target, "hi"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{sub}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{sub}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!(
                "sockkit: connect {target} (a link-local address needs its interface as a zone, e.g. \
                 fe80::1%eth0): Invalid argument (os error 22)"
            ),
            "{sub}"
        );
    }
    // A server cannot bind one either.
    let out = Command::new("ip")
        .args(["netns", "exec", &link.b.name])
        .arg(bin())
        .args(["echo", "serve", "[fe80::b]:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("bind [fe80::b]:0 (a link-local address needs"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn udp_client_reaches_a_server_bound_to_a_zoned_link_local_address_as_root() {
    if !have_root("udp_client_reaches_a_server_bound_to_a_zoned_link_local_address_as_root") {
        return;
    }
    let link = Link::new();
    let mut server = link.serve_b(&["udp", "serve", "[fe80::b%skzn1]:0"]);
    assert!(server.addr.starts_with("[fe80::b%skzn1]:"), "{}", server.addr);
    let port = port_of(&server.addr).to_string();
    for zone in ["skzn0".to_string(), link.index_a()] {
        let out =
            link.run_a(&["udp", "client", "-c", "2", "-i", "0.05", &format!("[fe80::b%{zone}]:{port}")]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{}", both(&out));
        assert!(stdout.contains(&format!("64 bytes from [fe80::b%skzn0]:{port}: seq=2 ")), "{stdout}");
        assert!(stdout.contains("2 datagrams transmitted, 2 received"), "{stdout}");
    }
    // The default port applies to a bare zoned address: nothing listens there, so the ICMP
    // port unreachable comes back over the same link.
    let out = link.run_a(&["udp", "client", "-c", "1", "fe80::b%skzn0"]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(text(&out.stdout).contains("From [fe80::b%skzn0]:5500: ICMP port unreachable"), "{}", both(&out));
    server.signal(libc::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(10)), 0);
}

#[test]
fn http_urls_take_a_zone_as_percent_25_and_keep_it_out_of_the_host_header_as_root() {
    if !have_root("http_urls_take_a_zone_as_percent_25_and_keep_it_out_of_the_host_header_as_root") {
        return;
    }
    let link = Link::new();
    // The project's test server, on a thread that stepped into `b` to open its listener.
    let name = link.b.name.clone();
    let server = std::thread::spawn(move || {
        common::netns::enter(&name);
        http_server::spawn("[::]:0")
    })
    .join()
    .unwrap();
    let port = server.addr.port();
    let base = format!("http://[fe80::b%25skzn0]:{port}");
    let out = link.run_a(&["http", "get", &format!("{base}/echo-headers")]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", both(&out));
    // As curl sends it: the zone names an interface of this machine, not of the server.
    assert!(stdout.contains(&format!("Host: [fe80::b]:{port}\r\n")), "{stdout}");
    // A relative redirect stays on the same interface.
    let out = link.run_a(&["-v", "http", "get", "-L", &format!("{base}/redirect/2")]);
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(text(&out.stdout), "done\n");
    assert!(both(&out).contains(&format!("from [fe80::b%skzn0]:{port}")), "{}", both(&out));
    let out = link.run_a(&["http", "get", &format!("http://[fe80::b%skzn0]:{port}/")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("a zone in a URL is written %25ZONE (RFC 6874)"), "{}", both(&out));
    let out = link.run_a(&["http", "get", &format!("http://[fe80::b%25nope]:{port}/")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("sockkit: invalid address '[fe80::b%nope]:{port}': no network interface 'nope'\n")
    );
}

/// A ping run's lines with the times taken out, which differ from run to run.
fn timeless(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("rtt "))
        .map(|l| l.split(" time").next().unwrap().trim_end_matches(',').to_string())
        .collect()
}

#[test]
fn ping_of_a_zoned_link_local_address_prints_what_iputils_prints_as_root() {
    if !have_root("ping_of_a_zoned_link_local_address_prints_what_iputils_prints_as_root") {
        return;
    }
    let link = Link::new();
    // Without a zone a raw socket still reaches fe80::b (the only fe80::/64 route is skzn0's),
    // and iputils names the interface the replies came in on. (iputils runs raw here: root's
    // group is outside ping_group_range yet.)
    let theirs =
        link.a.command(std::path::Path::new("ping")).args(["-c", "2", "-i", "0.2", "fe80::b"]).output();
    let theirs = theirs.expect("iputils ping");
    assert!(theirs.status.success(), "iputils: {}", both(&theirs));
    let out = link.run_a(&["ping", "--raw", "-c", "2", "-i", "0.2", "fe80::b"]);
    assert!(out.status.success(), "{}", both(&out));
    let (ours, theirs) = (text(&out.stdout), text(&theirs.stdout));
    assert_eq!(timeless(&ours), timeless(&theirs), "sockkit:\n{ours}\niputils:\n{theirs}");
    assert!(ours.contains("64 bytes from fe80::b%skzn0: icmp_seq=2 "), "{ours}");
    // The unprivileged kind too: root's group may open ping sockets in this namespace only.
    link.a.sysctl("net.ipv4.ping_group_range", "0 0");
    // A ping socket needs the zone (EINVAL); each failed probe says so.
    let out = link.run_a(&["ping", "--dgram", "-c", "1", "fe80::b"]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert_eq!(
        text(&out.stderr),
        "sockkit: sendto fe80::b icmp_seq=1: Invalid argument (errno 22) (a link-local address needs its \
         interface as a zone, e.g. fe80::1%eth0)\n"
    );
    for host in ["fe80::b%skzn0".to_string(), format!("fe80::b%{}", link.index_a())] {
        let args = ["-c", "2", "-i", "0.2", host.as_str()];
        let theirs = link.a.command(std::path::Path::new("ping")).args(args).output().expect("iputils ping");
        assert!(theirs.status.success(), "iputils: {}", both(&theirs));
        let theirs = text(&theirs.stdout);
        for kind in ["--raw", "--dgram"] {
            let out = link.run_a(&[&["ping", kind][..], &args].concat());
            let ours = text(&out.stdout);
            assert!(out.status.success(), "{kind}: {}", both(&out));
            assert_eq!(timeless(&ours), timeless(&theirs), "{kind}\nsockkit:\n{ours}\niputils:\n{theirs}");
        }
        // e.g. `PING fe80::b%2(fe80::b%skzn0) 56 data bytes`: as typed, then the interface name.
        assert_eq!(theirs.lines().next().unwrap(), format!("PING {host}(fe80::b%skzn0) 56 data bytes"));
    }
    // -I with a zoned link-local source binds it on its interface; without the zone the
    // kernel cannot tell which fe80::a is meant (EINVAL), as iputils finds too.
    let out = link.run_a(&["ping", "-c", "1", "-I", "fe80::a%skzn0", "fe80::b"]);
    assert!(out.status.success(), "{}", both(&out));
    assert!(text(&out.stdout).contains("1 packets transmitted, 1 received"), "{}", both(&out));
    let out = link.run_a(&["ping", "-c", "1", "-I", "fe80::a", "fe80::b"]);
    assert_eq!(out.status.code(), Some(3), "{}", both(&out));
    assert_eq!(
        text(&out.stderr),
        "sockkit: bind fe80::a (a link-local address needs its interface as a zone, e.g. fe80::1%eth0): \
         Invalid argument (os error 22)\n"
    );
}

#[test]
fn bad_zones_exit_2_with_one_line_naming_the_address() {
    for (args, line) in [
        (
            vec!["echo", "client", "fe80::1%nope"],
            "invalid address 'fe80::1%nope': no network interface 'nope'",
        ),
        (vec!["ping", "fe80::1%nope"], "invalid address 'fe80::1%nope': no network interface 'nope'"),
        (
            vec!["udp", "client", "[fe80::1%nope]:7"],
            "invalid address '[fe80::1%nope]:7': no network interface 'nope'",
        ),
        (
            vec!["echo", "client", "[fe80::1%4000000000]:7"],
            "invalid address '[fe80::1%4000000000]:7': no network interface with index 4000000000",
        ),
        (
            vec!["ping", "1.2.3.4%lo"],
            "invalid address '1.2.3.4%lo': a zone (%IFACE) applies only to link-local IPv6 addresses \
             (fe80::/10, multicast ff01::, ff02::)",
        ),
        (
            vec!["echo", "client", "fe80::1%lo:7"],
            "invalid address 'fe80::1%lo:7': IPv6 address with a port must be in brackets, e.g. [::1]:7",
        ),
        (vec!["ping", "-4", "fe80::1%lo"], "host fe80::1%lo is not IPv4 (-4)"),
        (vec!["ping", "-I", "fe80::1%nope", "::1"], "-I 'fe80::1%nope': no network interface 'nope'"),
    ] {
        let out = sockkit().args(&args).assert().code(2);
        let stderr = text(&out.get_output().stderr);
        assert_eq!(stderr, format!("sockkit: {line}\n"), "{args:?}");
    }
    // --bind goes through the same parser.
    let out = sockkit().args(["echo", "client", "--bind", "fe80::1%nope", "[::1]:7"]).assert().code(2);
    let stderr = text(&out.get_output().stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("invalid address 'fe80::1%nope': no network interface 'nope'"), "{stderr}");
}
