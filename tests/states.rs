//! `sockkit states` against `ss -tan` on sockets each test puts into a known state on loopback.
//!
//! Other tests (and other programs) open sockets on this machine at the same time, so every
//! comparison is restricted to the port of a listener the test itself bound: sockkit with
//! `--port P`, ss with `( sport = :P or dport = :P )`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{have_root, sockkit, sockkit_std};
use socket2::{Domain, SockRef, Socket, TcpKeepalive, Type};

/// (state, local, peer) as ss prints them.
type Row = (String, String, String);

/// ss's rows for `ss -tan [state S] ( sport = :P or dport = :P )`, in a namespace when given.
fn ss_rows(netns: Option<&str>, state: Option<&str>, port: Option<u16>) -> BTreeSet<Row> {
    let mut args: Vec<String> = vec!["-tan".into()];
    if let Some(state) = state {
        args.extend(["state".into(), state.into()]);
    }
    if let Some(port) = port {
        args.push(format!("( sport = :{port} or dport = :{port} )"));
    }
    let text = run_in(netns, "ss", &args);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    // ss drops the State column when the filter is one state.
    let has_state = header.starts_with("State");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let (state, rest) = if has_state {
                (cells[0].to_string(), &cells[3..])
            } else {
                (ss_state_name(state.expect("one state")), &cells[2..])
            };
            (state, normalize(rest[0]), normalize(rest[1]))
        })
        .collect()
}

/// The column name ss prints for a `state` filter word.
fn ss_state_name(filter: &str) -> String {
    match filter {
        "established" => "ESTAB",
        "syn-sent" => "SYN-SENT",
        "time-wait" => "TIME-WAIT",
        "close-wait" => "CLOSE-WAIT",
        "fin-wait-2" => "FIN-WAIT-2",
        "listening" => "LISTEN",
        "syn-recv" => "SYN-RECV",
        "fin-wait-1" => "FIN-WAIT-1",
        "last-ack" => "LAST-ACK",
        "closing" => "CLOSING",
        other => panic!("no column name for {other}"),
    }
    .to_string()
}

/// ss prints a dual-stack `[::]` as `*` (it knows IPV6_V6ONLY from netlink; /proc does not say),
/// so both sides compare as `[::]`.
fn normalize(end: &str) -> String {
    match end.strip_prefix("*:") {
        Some(port) => format!("[::]:{port}"),
        None => end.to_string(),
    }
}

/// sockkit's rows for `sockkit states ARGS`, parsed from its human table.
fn sockkit_rows(netns: Option<&str>, args: &[&str]) -> BTreeSet<Row> {
    let bin = assert_cmd::cargo::cargo_bin("sockkit");
    let mut all = vec!["states".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let text = match netns {
        Some(_) => run_in(netns, bin.to_str().unwrap(), &all),
        None => {
            let out = sockkit().args(&all).assert().success();
            String::from_utf8_lossy(&out.get_output().stdout).to_string()
        }
    };
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("State"), "{header}");
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            (cells[0].to_string(), cells[3].to_string(), cells[4].to_string())
        })
        .collect()
}

fn run_in(netns: Option<&str>, program: &str, args: &[String]) -> String {
    let mut cmd = match netns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, program]);
            c
        }
        None => Command::new(program),
    };
    let out = cmd.args(args).env("NO_COLOR", "1").output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Polls (with a deadline, never a fixed sleep) until `done` holds.
fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn row(state: &str, local: &TcpStream, peer_side: bool) -> Row {
    let (a, b) = (local.local_addr().unwrap(), local.peer_addr().unwrap());
    let (l, p) = if peer_side { (b, a) } else { (a, b) };
    (state.to_string(), l.to_string(), p.to_string())
}

/// A listener (made by `bind`) on a port no other socket on this machine uses yet.
fn fresh_listener(bind: impl Fn() -> TcpListener) -> (TcpListener, u16) {
    // TIME_WAIT remnants of earlier tests (they last 60 s) can carry the port number the
    // kernel hands out now; a test on such a port would see sockets it did not make.
    (0..50)
        .map(|_| {
            let listener = bind();
            let port = listener.local_addr().unwrap().port();
            (listener, port)
        })
        .find(|(_, port)| ss_rows(None, None, Some(*port)).len() == 1)
        .expect("a port no other socket uses")
}

/// Sockets in LISTEN, ESTABLISHED (both ends), TIME_WAIT (after an active close), CLOSE_WAIT
/// (the server never closes) and FIN_WAIT2 (its client), all on one listener's port.
struct Lab {
    listener: TcpListener,
    port: u16,
    kept: Vec<TcpStream>,
    expected: BTreeSet<Row>,
}

impl Lab {
    fn new(bind: &str, connect: &str) -> Lab {
        let (listener, port) = fresh_listener(|| TcpListener::bind(bind).unwrap());
        let target = format!("{connect}:{port}");
        let mut expected = BTreeSet::new();
        let listen_local = listener.local_addr().unwrap();
        let wildcard_peer = if listen_local.is_ipv4() { "0.0.0.0:*" } else { "[::]:*" };
        expected.insert(("LISTEN".to_string(), listen_local.to_string(), wildcard_peer.to_string()));

        // ESTABLISHED, both ends.
        let client = TcpStream::connect(&target).unwrap();
        let (server, _) = listener.accept().unwrap();
        expected.insert(row("ESTAB", &client, false));
        expected.insert(row("ESTAB", &server, false));

        // TIME_WAIT: the client closes first (active close), then the server closes.
        let closer = TcpStream::connect(&target).unwrap();
        let (mut closed_server, _) = listener.accept().unwrap();
        expected.insert(row("TIME-WAIT", &closer, false));
        drop(closer);
        let mut rest = Vec::new();
        closed_server.read_to_end(&mut rest).unwrap();
        drop(closed_server);

        // CLOSE_WAIT and FIN_WAIT2: the client shuts down its side; the server never closes.
        let half = TcpStream::connect(&target).unwrap();
        let (forgetful, _) = listener.accept().unwrap();
        expected.insert(row("FIN-WAIT-2", &half, false));
        expected.insert(row("CLOSE-WAIT", &forgetful, false));
        half.shutdown(Shutdown::Write).unwrap();

        let lab = Lab { listener, port, kept: vec![client, server, half, forgetful], expected };
        wait_until("every state visible to ss", Duration::from_secs(20), || {
            ss_rows(None, None, Some(port)) == lab.expected
        });
        lab
    }
}

#[test]
fn every_state_a_test_creates_is_listed_exactly_as_ss_lists_it() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    assert_eq!(sockkit_rows(None, &["--port", &port]), lab.expected);
    for (ours, theirs) in [
        ("established", "established"),
        ("time-wait", "time-wait"),
        ("TIME_WAIT", "time-wait"),
        ("close-wait", "close-wait"),
        ("fin-wait-2", "fin-wait-2"),
        ("listening", "listening"),
        ("connected", "connected"),
        ("synchronized", "synchronized"),
        ("bucket", "bucket"),
        ("big", "big"),
        ("all", "all"),
    ] {
        let ss = ss_rows(None, Some(theirs), Some(lab.port));
        assert_eq!(sockkit_rows(None, &["--filter", ours, "--port", &port]), ss, "--filter {ours}");
    }
    drop(lab.kept);
    drop(lab.listener);
}

// ss with a group filter keeps its State column; with one state it drops it. Both shapes are
// parsed above; this checks the group shape really carries several states.
#[test]
fn a_group_filter_selects_several_states_at_once() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let rows = sockkit_rows(None, &["--filter", "connected", "--port", &port]);
    let states: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(states, BTreeSet::from(["CLOSE-WAIT", "ESTAB", "FIN-WAIT-2", "TIME-WAIT"]));
    let rows = sockkit_rows(None, &["--filter", "listening", "--filter", "time-wait", "--port", &port]);
    let states: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(states, BTreeSet::from(["LISTEN", "TIME-WAIT"]));
}

#[test]
fn ipv6_and_v4_mapped_sockets_match_ss() {
    for (bind, connect) in [("[::1]:0", "[::1]"), ("[::]:0", "127.0.0.1")] {
        let lab = Lab::new(bind, connect);
        let port = lab.port.to_string();
        assert_eq!(sockkit_rows(None, &["--port", &port]), lab.expected, "{bind}");
        let (v6, v4): (BTreeSet<Row>, BTreeSet<Row>) =
            lab.expected.iter().cloned().partition(|r| r.1.starts_with('['));
        assert_eq!(sockkit_rows(None, &["-6", "--port", &port]), v6, "{bind}");
        assert_eq!(sockkit_rows(None, &["-4", "--port", &port]), v4, "{bind}");
        if connect == "127.0.0.1" {
            // The dual-stack listener's own sockets are IPv6 ones with mapped addresses; its
            // clients are plain IPv4 sockets.
            assert!(lab.expected.iter().any(|r| r.1.starts_with("[::ffff:127.0.0.1]:")));
            assert!(!v4.is_empty());
            let by_v4 = sockkit_rows(None, &["--address", "127.0.0.1", "--port", &port]);
            assert_eq!(by_v4.len(), lab.expected.len() - 1, "all but the [::] listener");
        }
    }
}

#[test]
fn address_filter_keeps_only_sockets_with_that_end() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let listen = format!("127.0.0.1:{port}");
    let rows = sockkit_rows(None, &["--address", &listen]);
    assert_eq!(rows, lab.expected, "every socket has the listener's address:port on one end");
    let client_end = lab.kept[0].local_addr().unwrap().to_string();
    // Ephemeral ports are shared across destinations, so other tests' sockets may carry the
    // same client port: --port keeps this to our listener's.
    let rows = sockkit_rows(None, &["--address", &client_end, "--port", &port]);
    let states: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(states, ["ESTAB", "ESTAB"], "the client and the server end of one connection");
    assert!(sockkit_rows(None, &["--address", "10.0.0.0/8", "--port", &port]).is_empty());
}

#[test]
fn timers_show_like_ss_dash_o() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let out = sockkit().args(["states", "-o", "--filter", "time-wait", "--port", &port]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let line = text.lines().nth(1).unwrap_or_else(|| panic!("no TIME-WAIT row: {text}"));
    let timer = line.split_whitespace().last().unwrap();
    let inner = timer.strip_prefix("timer:(timewait,").and_then(|t| t.strip_suffix(",0)"));
    let secs = inner.and_then(|t| t.strip_suffix("sec")).and_then(|s| s.parse::<u32>().ok());
    assert!(secs.is_some_and(|s| s <= 60), "{line}");
    let ss = run_in(
        None,
        "ss",
        &["-tano".into(), "state".into(), "time-wait".into(), format!("sport = :{port} or dport = :{port}")],
    );
    assert!(ss.contains("timer:(timewait,"), "{ss}");
}

#[test]
fn processes_are_the_owning_pid_and_fd() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let out = sockkit().args(["states", "-p", "--filter", "listening", "--port", &port]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let pid = format!(",pid={},fd=", std::process::id());
    assert!(text.lines().nth(1).is_some_and(|l| l.contains("users:((\"") && l.contains(&pid)), "{text}");
    let out = sockkit()
        .args(["--json", "states", "-p", "--filter", "listening", "--port", &port])
        .assert()
        .success();
    let socket: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(socket["processes"][0]["pid"], std::process::id(), "{socket}");
}

#[test]
fn json_has_one_socket_object_per_line_with_every_field() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let out = sockkit().args(["--json", "states", "--port", &port]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let objects: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    assert_eq!(objects.len(), lab.expected.len(), "{text}");
    for o in &objects {
        assert_eq!(o["event"], "socket");
        for key in [
            "family",
            "state",
            "kernel_state",
            "local_addr",
            "local_port",
            "peer_addr",
            "peer_port",
            "recv_q",
            "send_q",
            "timer",
            "retransmits",
            "uid",
            "inode",
            "refcount",
        ] {
            assert!(o.get(key).is_some(), "{key} missing in {o}");
        }
    }
    let time_wait = objects.iter().find(|o| o["state"] == "TIME-WAIT").expect("a TIME-WAIT socket");
    assert_eq!(
        (&time_wait["kernel_state"], &time_wait["timer"], &time_wait["inode"]),
        (&"TIME_WAIT".into(), &"timewait".into(), &0.into())
    );
    let listen = objects.iter().find(|o| o["state"] == "LISTEN").unwrap();
    assert!(listen["inode"].as_u64().is_some_and(|i| i > 0));
    assert!(listen["cwnd"].as_u64().is_some());
}

#[test]
fn summary_counts_each_state() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let out = sockkit().args(["states", "--summary", "--port", &port]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.starts_with("TCP: 6 sockets (IPv4 6, IPv6 0)"), "{text}");
    let count = |state: &str| {
        text.lines()
            .find(|l| l.starts_with(state))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(String::from)
    };
    assert_eq!(count("ESTAB").as_deref(), Some("2"), "{text}");
    assert_eq!(count("TIME-WAIT").as_deref(), Some("1"), "{text}");
    assert_eq!(count("LISTEN").as_deref(), Some("1"), "{text}");
    // In JSON, --summary is the summary object alone, as in text.
    let out = sockkit().args(["--json", "states", "--summary", "--port", &port]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let events: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events.len(), 1, "{stdout}");
    assert_eq!(events[0]["event"], "summary");
    assert_eq!(events[0]["total"], 6, "{stdout}");
}

#[test]
fn explain_says_what_each_present_state_means() {
    let lab = Lab::new("127.0.0.1:0", "127.0.0.1");
    let port = lab.port.to_string();
    let out = sockkit().args(["states", "--explain", "--port", &port]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let explained: Vec<&str> = text.lines().filter(|l| l.contains("): ")).collect();
    assert_eq!(explained.len(), 5, "{text}");
    assert!(text.contains("TIME-WAIT (1): ") && text.contains("2*MSL"), "{text}");
    assert!(text.contains("CLOSE-WAIT (1): ") && text.contains("forgets to close"), "{text}");
}

#[test]
fn watch_marks_sockets_that_appear_change_state_or_leave_and_stops_on_ctrl_c() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut child = sockkit_std()
        .args(["states", "--watch", "50ms", "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match lines.recv_timeout(left) {
                Ok(line) if needle.split('|').any(|n| line.contains(n)) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no line with {needle:?}; saw {:?}", &seen[seen.len().saturating_sub(20)..]);
    };
    wait_for("-- frame 1:");
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let appeared = wait_for("+ ESTAB");
    // Either end of the new connection may be listed first; both name the client's port.
    assert!(appeared.contains(&client.local_addr().unwrap().to_string()), "{appeared}");
    client.write_all(b"bye").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let changed = wait_for("~ ESTAB->");
    assert!(
        changed.contains("FIN-WAIT-2") || changed.contains("CLOSE-WAIT") || changed.contains("FIN-WAIT-1"),
        "{changed}"
    );
    // The server closes too: its socket goes (LAST_ACK lasts one loopback round trip), the
    // client's moves on to TIME_WAIT.
    let server_end = server.local_addr().unwrap().to_string();
    drop(server);
    let left = wait_for("- CLOSE-WAIT|- LAST-ACK");
    assert!(left.contains(&server_end), "{left}");
    drop(client);
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "--watch did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn garbage_lines_are_reported_once_and_skipped() {
    let root = tempfile::Builder::new().prefix("skstates-").tempdir().unwrap();
    std::fs::create_dir(root.path().join("net")).unwrap();
    let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n\
   1: this is not a socket\n\
   2: 0100007F:ZZZZ 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0\n\
   3: 0100007F:C350 0100007F:1F90 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 0000000000000000\n";
    std::fs::write(root.path().join("net/tcp"), table).unwrap();
    std::fs::write(root.path().join("net/tcp6"), "\u{0}\u{1}garbage\n").unwrap();
    let out =
        sockkit().args(["states", "-o", "--proc-root", root.path().to_str().unwrap()]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("LISTEN") && stdout.contains("127.0.0.1:8080"), "{stdout}");
    assert!(stdout.contains("timer:(timewait,38sec,0)"), "{stdout}");
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "one line per file: {stderr}");
    assert!(warnings[0].contains("net/tcp: skipped 2 lines not understood; first, line 3"), "{stderr}");
    assert!(warnings[1].contains("net/tcp6: skipped 1 line"), "{stderr}");
}

#[test]
fn the_plain_table_reads_only_the_columns_it_shows() {
    // A line whose columns after `retrnsmt` are garbage: the plain table shows its socket (it
    // reads no further), while -o and --json, which show those columns, skip and report it.
    let root = tempfile::Builder::new().prefix("skstates-").tempdir().unwrap();
    std::fs::create_dir(root.path().join("net")).unwrap();
    let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n\
   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 02:000AFC7E 00000000  uid?  probes? inode?\n";
    std::fs::write(root.path().join("net/tcp"), table).unwrap();
    std::fs::write(root.path().join("net/tcp6"), "").unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--proc-root", root.path().to_str().unwrap()]);
        let out = sockkit().args(&all).assert().success();
        let output = out.get_output();
        (
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (plain, warnings) = run(&["states"]);
    assert_eq!(plain.lines().count(), 3, "{plain}");
    assert!(plain.contains("127.0.0.1:50000"), "{plain}");
    assert_eq!(warnings, "");
    for args in [&["states", "-o"][..], &["--json", "states"][..]] {
        let (shown, warnings) = run(args);
        assert!(!shown.contains("50000"), "{args:?}: {shown}");
        assert!(
            warnings.contains("net/tcp: skipped 1 line not understood; first, line 3"),
            "{args:?}: {warnings}"
        );
    }
}

#[test]
fn a_table_of_many_reads_comes_out_whole_and_in_order() {
    // Far more than one 64 KiB read buffer, so lines are cut at read ends and carried over, and
    // tcp6 (read on its own thread) must still follow tcp.
    let root = tempfile::Builder::new().prefix("skstates-").tempdir().unwrap();
    std::fs::create_dir(root.path().join("net")).unwrap();
    let (v4_rows, v6_rows) = (20_000u32, 3_000u32);
    let mut tcp = String::from(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
    );
    for i in 0..v4_rows {
        let line = format!(
            "{i:4}: 0100007F:{:04X} 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 {} 1 0000000000000000 20 4 30 10 -1",
            i % 60_000 + 1,
            100_000 + i
        );
        tcp.push_str(&format!("{line:<149}\n"));
        if i == v4_rows / 2 {
            tcp.push_str("garbage in the middle of the table\n");
        }
    }
    let mut tcp6 = String::from(
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
    );
    for i in 0..v6_rows {
        tcp6.push_str(&format!(
            "{i:4}: 00000000000000000000000001000000:{:04X} 00000000000000000000000001000000:01BB 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 0000000000000000\n",
            i + 1
        ));
    }
    assert!(tcp.len() > 40 * 64 * 1024, "the table must span many reads");
    std::fs::write(root.path().join("net/tcp"), tcp).unwrap();
    std::fs::write(root.path().join("net/tcp6"), tcp6).unwrap();
    let out =
        sockkit().args(["--json", "states", "--proc-root", root.path().to_str().unwrap()]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let ports: Vec<(bool, u64)> = stdout
        .lines()
        .map(|line| {
            let socket: serde_json::Value = serde_json::from_str(line).unwrap();
            (socket["family"] == "ipv6", socket["local_port"].as_u64().unwrap())
        })
        .collect();
    let expected: Vec<(bool, u64)> = (0..v4_rows)
        .map(|i| (false, u64::from(i % 60_000 + 1)))
        .chain((0..v6_rows).map(|i| (true, u64::from(i + 1))))
        .collect();
    assert_eq!(ports.len(), expected.len());
    assert!(ports == expected, "sockets out of order or changed");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("net/tcp: skipped 1 line not understood; first, line {}", v4_rows / 2 + 3)),
        "{stderr}"
    );
}

#[test]
fn bad_filters_exit_2_with_one_line() {
    for (args, expected) in [
        (
            vec!["states", "--filter", "waiting"],
            "sockkit: --filter 'waiting': expected a TCP state: established",
        ),
        (
            vec!["states", "--address", "unix:/tmp/x"],
            "sockkit: invalid address 'unix:/tmp/x': expected an IP",
        ),
        (vec!["states", "--address", "10.0.0.0/40"], "sockkit: invalid address '10.0.0.0/40': prefix length"),
        (vec!["states", "--port", "70000"], "sockkit: --port"),
        (vec!["states", "--watch", "0"], "sockkit: --watch '0': expected an interval of at least 10ms"),
    ] {
        let out = sockkit().args(&args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
    }
}

/// A network namespace of our own, deleted on drop, with its child processes.
struct Netns {
    name: String,
    children: Vec<std::process::Child>,
}

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("skstates-{tag}-{}", std::process::id());
        let ok = Command::new("ip").args(["netns", "add", &name]).status().unwrap().success();
        assert!(ok, "ip netns add {name}");
        let ns = Netns { name, children: Vec::new() };
        run_in(Some(&ns.name), "ip", &["link".into(), "set".into(), "lo".into(), "up".into()]);
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

#[test]
fn syn_sent_to_a_host_that_drops_syns_matches_ss_as_root() {
    if !have_root("syn_sent_to_a_host_that_drops_syns_matches_ss_as_root") {
        return;
    }
    let mut ns = Netns::new("syn");
    // The namespace's host drops every SYN it receives, so a connect stays in SYN_SENT.
    let rules = "table inet skstates-drop-syn {\n chain input {\n type filter hook input priority 0;\n \
                 tcp flags & (syn | ack) == syn tcp dport 9 drop\n }\n}\n";
    let mut nft = Command::new("ip")
        .args(["netns", "exec", &ns.name, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    nft.stdin.take().unwrap().write_all(rules.as_bytes()).unwrap();
    assert!(nft.wait().unwrap().success(), "nft rules");
    let bin = assert_cmd::cargo::cargo_bin("sockkit");
    let client = Command::new("ip")
        .args(["netns", "exec", &ns.name])
        .arg(&bin)
        .args(["echo", "client", "127.0.0.1:9", "hello", "--timeout", "60s"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    ns.children.push(client);
    let ns_name = ns.name.clone();
    wait_until("a SYN-SENT socket in the namespace", Duration::from_secs(20), || {
        ss_rows(Some(&ns_name), Some("syn-sent"), None).len() == 1
    });
    let ss = ss_rows(Some(&ns.name), Some("syn-sent"), None);
    let ours = sockkit_rows(Some(&ns.name), &["--filter", "syn-sent"]);
    assert_eq!(ours, ss);
    let (state, _, peer) = ours.iter().next().unwrap();
    assert_eq!((state.as_str(), peer.as_str()), ("SYN-SENT", "127.0.0.1:9"));
    // The whole namespace, every state, agrees too.
    assert_eq!(sockkit_rows(Some(&ns.name), &[]), ss_rows(Some(&ns.name), None, None));
    let timers = run_in(Some(&ns.name), bin.to_str().unwrap(), &["states".into(), "-o".into()]);
    assert!(timers.contains("timer:(on,"), "a SYN_SENT socket has its retransmit timer on: {timers}");
}

#[test]
fn a_captured_table_prints_exactly_these_bytes() {
    // Pins the table text byte for byte (widths, alignment, zero compression, v4-mapped
    // hosts, the timer column's padding), so work on the formatting cannot change it unseen.
    let root = tempfile::Builder::new().prefix("skstates-").tempdir().unwrap();
    std::fs::create_dir(root.path().join("net")).unwrap();
    let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1 0000000075a50d12 100 0 0 10 0
   1: 0A01A8C0:C350 0100007F:1F90 01 0001E240:00000020 02:000AFC7E 00000000  1000        0 551234 2 00000000a1b2c3d4 20 4 30 10 -1
   2: 0100007F:E244 FE01A8C0:0016 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 00000000d00dfeed
   3: 0100007F:1F90 0100007F:C000 03 00000000:00000000 01:00000064 00000002     0        0 0 0 0000000000000000
";
    let tcp6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000080 00:00000000 00000000     0        0 20511 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 08 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000012345678 20 4 1 10 -1
   2: B80D0120000000000000000001000000:01BB B80D0120000000000000000002000000:9C40 04 00001000:00000000 04:00000190 00000003     0        3 88 2 0000000000000000 20 4 0 10 7
   3: 000080FE00000000FF0000020000FE00:A5A5 B80D01200000AB00CD00000000000100:0050 01 00000000:00000000 01:00000015 00000001     0        0 99 2 0000000000000000 20 4 0 10 7
";
    std::fs::write(root.path().join("net/tcp"), tcp).unwrap();
    std::fs::write(root.path().join("net/tcp6"), tcp6).unwrap();
    let table = |extra: &[&str]| {
        let mut args = vec!["states", "--proc-root", root.path().to_str().unwrap()];
        args.extend(extra);
        let out = sockkit().args(&args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let plain = "\
State      Recv-Q Send-Q       Local-Address:Port           Peer-Address:Port
LISTEN     3      0                127.0.0.1:8080                0.0.0.0:*
ESTAB      32     123456        192.168.1.10:50000             127.0.0.1:8080
TIME-WAIT  0      0                127.0.0.1:57924         192.168.1.254:22
SYN-RECV   0      0                127.0.0.1:8080              127.0.0.1:49152
LISTEN     128    0                    [::1]:22                     [::]:*
CLOSE-WAIT 0      0       [::ffff:127.0.0.1]:8080     [::ffff:127.0.0.1]:54321
FIN-WAIT-1 0      4096         [2001:db8::1]:443           [2001:db8::2]:40000
ESTAB      0      0      [fe80::200:ff:fe:0]:42405 [2001:db8:ab::cd:1:0]:80
";
    assert_eq!(table(&[]), plain);
    // When the kernel's counters say the table is big, tcp6 is read on a second thread from
    // the start (on a machine with two CPUs or more): the same table, in the same order.
    std::fs::write(
        root.path().join("net/sockstat"),
        "sockets: used 9000\nTCP: inuse 5000 orphan 0 tw 3000 alloc 8000 mem 1\nUDP: inuse 0 mem 0\n",
    )
    .unwrap();
    assert_eq!(table(&[]), plain);
    std::fs::remove_file(root.path().join("net/sockstat")).unwrap();
    assert_eq!(
        table(&["-o"]),
        "\
State      Recv-Q Send-Q       Local-Address:Port           Peer-Address:Port  Timer
LISTEN     3      0                127.0.0.1:8080                0.0.0.0:*
ESTAB      32     123456        192.168.1.10:50000             127.0.0.1:8080  timer:(keepalive,119min,0)
TIME-WAIT  0      0                127.0.0.1:57924         192.168.1.254:22    timer:(timewait,38sec,0)
SYN-RECV   0      0                127.0.0.1:8080              127.0.0.1:49152 timer:(on,1sec,2)
LISTEN     128    0                    [::1]:22                     [::]:*
CLOSE-WAIT 0      0       [::ffff:127.0.0.1]:8080     [::ffff:127.0.0.1]:54321
FIN-WAIT-1 0      4096         [2001:db8::1]:443           [2001:db8::2]:40000 timer:(persist,4sec,3)
ESTAB      0      0      [fe80::200:ff:fe:0]:42405 [2001:db8:ab::cd:1:0]:80    timer:(on,210ms,1)
"
    );
}

// States and timers the tests above cannot reach: SYN_SENT across a link, SYN_RECV, LAST_ACK
// and CLOSING need a packet dropped (nftables, in namespaces the test creates and deletes);
// keepalive and persist timers need socket options and a peer that never reads.

/// `sockkit states ARGS` (with `--json` first when `json`), inside `netns` when given.
fn sockkit_text(netns: Option<&str>, json: bool, args: &[&str]) -> String {
    let mut all: Vec<String> = Vec::new();
    if json {
        all.push("--json".into());
    }
    all.push("states".into());
    all.extend(args.iter().map(|a| a.to_string()));
    match netns {
        Some(_) => run_in(netns, assert_cmd::cargo::cargo_bin("sockkit").to_str().unwrap(), &all),
        None => {
            let out = sockkit().args(&all).assert().success();
            String::from_utf8_lossy(&out.get_output().stdout).to_string()
        }
    }
}

/// sockkit's `--json` socket objects for `sockkit --json states ARGS`.
fn sockkit_json(netns: Option<&str>, args: &[&str]) -> Vec<serde_json::Value> {
    let text = sockkit_text(netns, true, args);
    let objects: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert!(objects.iter().all(|o| o["event"] == "socket"), "{text}");
    objects
}

/// One end as ss prints it, from a JSON object's `{side}_addr` and `{side}_port`.
fn json_end(o: &serde_json::Value, side: &str) -> String {
    let addr = o[format!("{side}_addr")].as_str().unwrap_or_else(|| panic!("{side}_addr in {o}"));
    let port = o[format!("{side}_port")].as_u64().unwrap_or_else(|| panic!("{side}_port in {o}"));
    let host = if addr.contains(':') { format!("[{addr}]") } else { addr.to_string() };
    if port == 0 { format!("{host}:*") } else { format!("{host}:{port}") }
}

fn json_row(o: &serde_json::Value) -> Row {
    (o["state"].as_str().unwrap().to_string(), json_end(o, "local"), json_end(o, "peer"))
}

/// Asserts that sockkit, both its table and its `--json` lines, lists exactly the sockets
/// `ss -tan [state S] [( sport = :P or dport = :P )]` lists, and returns them.
fn assert_lists_like_ss(netns: Option<&str>, state: Option<&str>, port: Option<u16>) -> BTreeSet<Row> {
    let port_text = port.map(|p| p.to_string());
    let mut args: Vec<&str> = Vec::new();
    if let Some(state) = state {
        args.extend(["--filter", state]);
    }
    if let Some(port) = &port_text {
        args.extend(["--port", port]);
    }
    let ss = ss_rows(netns, state, port);
    assert_eq!(sockkit_rows(netns, &args), ss, "sockkit states {args:?} against ss");
    let json: BTreeSet<Row> = sockkit_json(netns, &args).iter().map(json_row).collect();
    assert_eq!(json, ss, "sockkit --json states {args:?} against ss");
    ss
}

/// A `timer:(name,time,count)` cell, the time in milliseconds.
#[derive(Clone, Debug, PartialEq)]
struct TimerCell {
    name: String,
    ms: u64,
    count: u32,
}

fn parse_timer_cell(cell: &str) -> TimerCell {
    let parts: Vec<&str> = cell
        .strip_prefix("timer:(")
        .and_then(|t| t.strip_suffix(')'))
        .map(|t| t.split(',').collect())
        .unwrap_or_default();
    let (Some(ms), Some(count)) =
        (parts.get(1).and_then(|t| timer_ms(t)), parts.get(2).and_then(|c| c.parse().ok()))
    else {
        panic!("not a timer cell: {cell}");
    };
    TimerCell { name: parts[0].to_string(), ms, count }
}

/// Milliseconds in ss's `print_ms_timer` text: `1min10sec`, `12min`, `58sec`, `1.090sec`,
/// `340ms`, and this ss's older forms `1.090ms` (one second and 90 ms) and `004ms`.
fn timer_ms(text: &str) -> Option<u64> {
    let seconds = |s: &str| -> Option<u64> {
        let (whole, frac) = s.split_once('.').unwrap_or((s, "000"));
        (frac.len() == 3).then_some(())?;
        Some(whole.parse::<u64>().ok()? * 1000 + frac.parse::<u64>().ok()?)
    };
    let (minutes, rest) = match text.split_once("min") {
        Some((m, rest)) => (m.parse::<u64>().ok()?, rest),
        None => (0, text),
    };
    let rest_ms = if rest.is_empty() {
        0
    } else if let Some(s) = rest.strip_suffix("sec") {
        seconds(s)?
    } else if let Some(s) = rest.strip_suffix("ms") {
        if s.contains('.') { seconds(s)? } else { s.parse().ok()? }
    } else {
        return None;
    };
    Some(minutes * 60_000 + rest_ms)
}

/// (local, peer) -> timer, from an `ss -tano` or `sockkit states -o` table (timer last).
fn timer_cells(text: &str) -> BTreeMap<(String, String), TimerCell> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let last = cells.last().filter(|c| c.starts_with("timer:("))?;
            Some(((normalize(cells[3]), normalize(cells[4])), parse_timer_cell(last)))
        })
        .collect()
}

fn ss_timers(netns: Option<&str>, port: Option<u16>) -> BTreeMap<(String, String), TimerCell> {
    let mut args: Vec<String> = vec!["-tano".into()];
    if let Some(port) = port {
        args.push(format!("( sport = :{port} or dport = :{port} )"));
    }
    timer_cells(&run_in(netns, "ss", &args))
}

fn port_args(port: &Option<String>) -> Vec<&str> {
    port.as_deref().map(|p| vec!["--port", p]).unwrap_or_default()
}

/// Asserts that the socket `local`-`peer` has the timer `name`, and that `sockkit states -o`
/// and `--json` show it as `ss -tano` does: same name and count, the time within a second.
///
/// Retransmit and persist timers are re-armed as they fire, so one reading of ss and one of
/// sockkit may straddle a re-arm. Readings go ss, sockkit, sockkit --json, ss; they are
/// compared only when the two ss readings show no re-arm in between (same count, time not
/// grown), and retried otherwise (a bounded number of times).
fn assert_timer_like_ss(netns: Option<&str>, port: Option<u16>, local: &str, peer: &str, name: &str) {
    let key = (local.to_string(), peer.to_string());
    let port_text = port.map(|p| p.to_string());
    let mut human_args = vec!["-o"];
    human_args.extend(port_args(&port_text));
    let mut unsettled = Vec::new();
    for _ in 0..50 {
        let before = ss_timers(netns, port).remove(&key);
        let human = timer_cells(&sockkit_text(netns, false, &human_args)).remove(&key);
        let json = sockkit_json(netns, &port_args(&port_text))
            .into_iter()
            .find(|o| (json_end(o, "local"), json_end(o, "peer")) == key);
        let after = ss_timers(netns, port).remove(&key);
        let (Some(before), Some(after)) = (before, after) else {
            panic!("ss shows no timer for {key:?}");
        };
        assert_eq!(before.name, name, "ss's timer for {key:?}");
        if after.name != before.name || after.count != before.count || after.ms > before.ms {
            unsettled.push((before, after));
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let within = |ms: u64| ms + 1000 >= after.ms && ms <= before.ms + 1000;
        let human = human.unwrap_or_else(|| panic!("sockkit -o shows no timer for {key:?}; ss: {before:?}"));
        assert_eq!((&human.name, human.count), (&before.name, before.count), "sockkit -o for {key:?}");
        assert!(within(human.ms), "sockkit -o {human:?}, ss {before:?} then {after:?}");
        let json = json.unwrap_or_else(|| panic!("no --json object for {key:?}"));
        assert_eq!(json["timer"], name, "{json}");
        let json_ms = json["timer_ms"].as_u64().unwrap_or_else(|| panic!("timer_ms in {json}"));
        assert!(within(json_ms), "--json timer_ms {json_ms}, ss {before:?} then {after:?}");
        let json_count = match name {
            "on" => &json["retransmits"],
            "keepalive" | "persist" => &json["probes"],
            _ => &serde_json::Value::from(0),
        };
        assert_eq!(json_count, &serde_json::Value::from(before.count), "{json}");
        return;
    }
    panic!("the timer of {key:?} never held still between two ss readings: {unsettled:?}");
}

/// Applies an nftables ruleset inside the namespace (its tables go when the namespace does).
fn nft(netns: &str, rules: &str) {
    let mut nft = Command::new("ip")
        .args(["netns", "exec", netns, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nft");
    nft.stdin.take().unwrap().write_all(rules.as_bytes()).unwrap();
    let out = nft.wait_with_output().unwrap();
    assert!(out.status.success(), "nft -f: {}\n{rules}", String::from_utf8_lossy(&out.stderr));
}

/// The packets the first `counter` of table `table` has seen.
fn nft_counted(netns: &str, table: &str) -> u64 {
    let text = run_in(Some(netns), "nft", &["list".into(), "table".into(), "inet".into(), table.into()]);
    text.split("counter packets ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no counter in {text}"))
}

/// Runs `f` on a thread that has moved into the namespace `netns`: the sockets it opens live
/// there (and work from any thread afterwards).
fn inside<T: Send>(netns: &str, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            common::netns::enter(netns);
            f()
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The state's sockets as `ss -tan state S` shows them, once there are `n` of them.
fn wait_for_state(netns: Option<&str>, state: &str, port: Option<u16>, n: usize) {
    wait_until(&format!("{n} {state} socket(s)"), Duration::from_secs(20), || {
        ss_rows(netns, Some(state), port).len() == n
    });
}

fn ends(stream: &TcpStream) -> (String, String) {
    (stream.local_addr().unwrap().to_string(), stream.peer_addr().unwrap().to_string())
}

/// The two ends of a [`VethPair`], per family (addresses that exist only inside its namespaces).
const PAIR_V4: (&str, &str) = ("10.213.7.1", "10.213.7.2");
const PAIR_V6: (&str, &str) = ("fd53:6b73::1", "fd53:6b73::2");

/// Two namespaces of this test's own, `a` and `b`, joined by a veth pair (`skst0` in a,
/// `skst1` in b) with both ends of [`PAIR_V4`] and [`PAIR_V6`]. Dropping it deletes both
/// namespaces, with their nft tables.
struct VethPair {
    a: common::netns::Netns,
    b: common::netns::Netns,
}

impl VethPair {
    fn new(tag: &str) -> VethPair {
        let pid = std::process::id();
        let a = common::netns::Netns::new(&format!("skst-{tag}a-{pid}"));
        let b = common::netns::Netns::new(&format!("skst-{tag}b-{pid}"));
        common::netns::veth(&a, "skst0", &b, "skst1");
        for (ns, dev, v4, v6) in [(&a, "skst0", PAIR_V4.0, PAIR_V6.0), (&b, "skst1", PAIR_V4.1, PAIR_V6.1)] {
            ns.ip(&["addr", "add", &format!("{v4}/24"), "dev", dev]);
            ns.ip(&["addr", "add", &format!("{v6}/64"), "dev", dev, "nodad"]);
        }
        VethPair { a, b }
    }
}

/// A host (IPv4 or IPv6 text) and a port as a socket address.
fn sock_addr(host: &str, port: u16) -> std::net::SocketAddr {
    (host.parse::<std::net::IpAddr>().unwrap(), port).into()
}

/// ss's peer column for a listener of this family.
fn wildcard_peer(addr: &std::net::SocketAddr) -> String {
    if addr.is_ipv4() { "0.0.0.0:*" } else { "[::]:*" }.to_string()
}

/// A namespace of this test's own with only `lo`, and a connection inside it on 127.0.0.1:
/// (listener, client, the server's accepted end).
fn loopback_connection(tag: &str) -> (common::netns::Netns, TcpListener, TcpStream, TcpStream) {
    let ns = common::netns::Netns::new(&format!("skst-{tag}-{}", std::process::id()));
    let (listener, client, server) = inside(&ns.name, || {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (listener, client, server)
    });
    (ns, listener, client, server)
}

#[test]
fn syn_sent_across_a_veth_pair_to_a_peer_that_drops_syns_matches_ss_as_root() {
    if !have_root("syn_sent_across_a_veth_pair_to_a_peer_that_drops_syns_matches_ss_as_root") {
        return;
    }
    for (family, b_host) in [("4", PAIR_V4.1), ("6", PAIR_V6.1)] {
        let pair = VethPair::new(&format!("ss{family}"));
        let (a, b) = (pair.a.name.as_str(), pair.b.name.as_str());
        // b drops the SYNs that come in over the link (not on its loopback).
        nft(
            b,
            "table inet skst-drop {\n chain input {\n type filter hook input priority 0;\n \
             iifname \"skst1\" tcp dport 9 tcp flags & (syn | ack) == syn counter drop\n }\n}\n",
        );
        let target = sock_addr(b_host, 9);
        let client = inside(a, || {
            let socket = Socket::new(Domain::for_address(target), Type::STREAM, None).unwrap();
            socket.set_nonblocking(true).unwrap();
            match socket.connect(&target.into()) {
                Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => socket,
                other => panic!("a connect to a host that drops SYNs: {other:?}"),
            }
        });
        let local = client.local_addr().unwrap().as_socket().unwrap().to_string();
        wait_for_state(Some(a), "syn-sent", None, 1);
        wait_until("b's rule drops a SYN", Duration::from_secs(20), || nft_counted(b, "skst-drop") > 0);

        let rows = assert_lists_like_ss(Some(a), Some("syn-sent"), None);
        assert_eq!(rows, BTreeSet::from([("SYN-SENT".to_string(), local.clone(), target.to_string())]));
        assert_eq!(assert_lists_like_ss(Some(a), None, None), rows);
        // The SYN never got past b's input hook, so b has no socket for it.
        assert!(assert_lists_like_ss(Some(b), None, None).is_empty());
        assert_timer_like_ss(Some(a), None, &local, &target.to_string(), "on");
        drop(client);
    }
}

#[test]
fn syn_recv_when_the_handshakes_last_ack_is_dropped_matches_ss_as_root() {
    if !have_root("syn_recv_when_the_handshakes_last_ack_is_dropped_matches_ss_as_root") {
        return;
    }
    for (family, b_host) in [("4", PAIR_V4.1), ("6", PAIR_V6.1)] {
        let pair = VethPair::new(&format!("sr{family}"));
        let (a, b) = (pair.a.name.as_str(), pair.b.name.as_str());
        let listener = inside(b, || TcpListener::bind(sock_addr(b_host, 0)).unwrap());
        let server = listener.local_addr().unwrap();
        // b drops the client's ACK of its SYN-ACK (and every later ACK): the connection is
        // established for the client, a request socket in SYN_RECV for the server.
        nft(
            b,
            &format!(
                "table inet skst-drop {{\n chain input {{\n type filter hook input priority 0;\n \
                 iifname \"skst1\" tcp dport {} tcp flags & (syn | ack) == ack counter drop\n }}\n}}\n",
                server.port()
            ),
        );
        let client = inside(a, || TcpStream::connect_timeout(&server, Duration::from_secs(20)).unwrap());
        let client_end = client.local_addr().unwrap().to_string();
        wait_for_state(Some(b), "syn-recv", None, 1);

        let request = ("SYN-RECV".to_string(), server.to_string(), client_end.clone());
        assert_eq!(assert_lists_like_ss(Some(b), Some("syn-recv"), None), BTreeSet::from([request.clone()]));
        assert_eq!(
            assert_lists_like_ss(Some(b), None, None),
            BTreeSet::from([request, ("LISTEN".to_string(), server.to_string(), wildcard_peer(&server))])
        );
        assert_eq!(
            assert_lists_like_ss(Some(a), None, None),
            BTreeSet::from([("ESTAB".to_string(), client_end.clone(), server.to_string())])
        );
        assert!(nft_counted(b, "skst-drop") > 0);
        // A request socket is no full socket: no inode (ss -e says ino:0 too).
        let ss_e = run_in(Some(b), "ss", &["-tane".into(), "state".into(), "syn-recv".into()]);
        assert!(ss_e.lines().nth(1).is_some_and(|l| l.contains(" ino:0 ")), "{ss_e}");
        let json = sockkit_json(Some(b), &["--filter", "syn-recv"]);
        assert_eq!(json.len(), 1, "{json:?}");
        let (kernel_state, inode, state_code) =
            (&json[0]["kernel_state"], &json[0]["inode"], &json[0]["state_code"]);
        assert_eq!(
            (kernel_state.as_str(), inode.as_u64(), state_code.as_u64()),
            (Some("SYN_RECV"), Some(0), Some(3)),
            "{}",
            json[0]
        );
        assert_eq!(json[0]["family"], if server.is_ipv4() { "ipv4" } else { "ipv6" });
        assert_timer_like_ss(Some(b), None, &server.to_string(), &client_end, "on");
        drop(client);
        drop(listener);
    }
}

#[test]
fn last_ack_when_the_peers_last_ack_is_dropped_matches_ss_as_root() {
    if !have_root("last_ack_when_the_peers_last_ack_is_dropped_matches_ss_as_root") {
        return;
    }
    let (ns, listener, client, server) = loopback_connection("la");
    let (client_port, port) = (client.local_addr().unwrap().port(), listener.local_addr().unwrap().port());
    // (The client's socket has no peer address any more once it is in TIME_WAIT.)
    let (ours, theirs) = (ends(&server), ends(&client));
    // Pure ACKs from the client to the server are dropped from now on.
    nft(
        &ns.name,
        &format!(
            "table inet skst-drop {{\n chain input {{\n type filter hook input priority 0;\n \
             tcp sport {client_port} tcp dport {port} tcp flags & (fin | syn | rst | ack) == ack counter drop\n }}\n}}\n"
        ),
    );
    // The peer (client) closes first: its FIN gets through, we (server) are in CLOSE_WAIT.
    client.shutdown(Shutdown::Write).unwrap();
    wait_for_state(Some(&ns.name), "close-wait", None, 1);
    // We close too: the client acknowledges our FIN and goes to TIME_WAIT, but that ACK is
    // dropped, so we wait in LAST_ACK, retransmitting the FIN.
    server.shutdown(Shutdown::Write).unwrap();
    wait_for_state(Some(&ns.name), "last-ack", None, 1);
    wait_for_state(Some(&ns.name), "time-wait", None, 1);

    let last_ack = ("LAST-ACK".to_string(), ours.0.clone(), ours.1.clone());
    assert_eq!(
        assert_lists_like_ss(Some(&ns.name), Some("last-ack"), None),
        BTreeSet::from([last_ack.clone()])
    );
    assert_eq!(
        assert_lists_like_ss(Some(&ns.name), None, None),
        BTreeSet::from([
            last_ack,
            ("TIME-WAIT".to_string(), theirs.0.clone(), theirs.1.clone()),
            ("LISTEN".to_string(), format!("127.0.0.1:{port}"), "0.0.0.0:*".to_string()),
        ])
    );
    assert!(nft_counted(&ns.name, "skst-drop") > 0);
    assert_timer_like_ss(Some(&ns.name), None, &ours.0, &ours.1, "on");
    assert_timer_like_ss(Some(&ns.name), None, &theirs.0, &theirs.1, "timewait");
    drop((client, server, listener));
}

#[test]
fn closing_when_both_ends_send_fin_before_either_is_acknowledged_matches_ss_as_root() {
    if !have_root("closing_when_both_ends_send_fin_before_either_is_acknowledged_matches_ss_as_root") {
        return;
    }
    let (ns, listener, client, server) = loopback_connection("cl");
    let (client_port, port) = (client.local_addr().unwrap().port(), listener.local_addr().unwrap().port());
    // Nothing from the server's end reaches the client's from now on.
    nft(
        &ns.name,
        &format!(
            "table inet skst-drop {{\n chain input {{\n type filter hook input priority 0;\n \
             tcp sport {port} tcp dport {client_port} counter drop\n }}\n}}\n"
        ),
    );
    // The server closes: its FIN is lost, it waits in FIN_WAIT1.
    server.shutdown(Shutdown::Write).unwrap();
    wait_for_state(Some(&ns.name), "fin-wait-1", None, 1);
    // The client closes before it has seen the server's FIN: its FIN reaches the server,
    // which has sent its own FIN and has no ACK for it: a simultaneous close, CLOSING. The
    // client's FIN is never acknowledged either (FIN_WAIT1).
    client.shutdown(Shutdown::Write).unwrap();
    wait_for_state(Some(&ns.name), "closing", None, 1);

    let (ours, theirs) = (ends(&server), ends(&client));
    let closing = ("CLOSING".to_string(), ours.0.clone(), ours.1.clone());
    assert_eq!(
        assert_lists_like_ss(Some(&ns.name), Some("closing"), None),
        BTreeSet::from([closing.clone()])
    );
    assert_eq!(
        assert_lists_like_ss(Some(&ns.name), None, None),
        BTreeSet::from([
            closing,
            ("FIN-WAIT-1".to_string(), theirs.0.clone(), theirs.1.clone()),
            ("LISTEN".to_string(), format!("127.0.0.1:{port}"), "0.0.0.0:*".to_string()),
        ])
    );
    assert_timer_like_ss(Some(&ns.name), None, &ours.0, &ours.1, "on");
    assert_timer_like_ss(Some(&ns.name), None, &theirs.0, &theirs.1, "on");
    drop((client, server, listener));
}

#[test]
fn a_keepalive_timer_shows_like_ss_dash_o() {
    let (listener, port) = fresh_listener(|| TcpListener::bind("127.0.0.1:0").unwrap());
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    SockRef::from(&client)
        .set_tcp_keepalive(&TcpKeepalive::new().with_time(Duration::from_secs(60)))
        .unwrap();
    let (with, without) = (ends(&client), ends(&server));
    wait_until("ss shows the keepalive timer", Duration::from_secs(20), || {
        ss_timers(None, Some(port)).get(&with).is_some_and(|t| t.name == "keepalive")
    });

    assert_eq!(
        assert_lists_like_ss(None, None, Some(port)),
        BTreeSet::from([
            ("ESTAB".to_string(), with.0.clone(), with.1.clone()),
            ("ESTAB".to_string(), without.0.clone(), without.1.clone()),
            ("LISTEN".to_string(), format!("127.0.0.1:{port}"), "0.0.0.0:*".to_string()),
        ])
    );
    assert_timer_like_ss(None, Some(port), &with.0, &with.1, "keepalive");
    // The other end has no keepalive and nothing in flight: no timer, in both.
    assert!(!ss_timers(None, Some(port)).contains_key(&without));
    let ours = timer_cells(&sockkit_text(None, false, &["-o", "--port", &port.to_string()]));
    assert!(!ours.contains_key(&without), "{ours:?}");
    drop((client, server, listener));
}

#[test]
fn a_persist_timer_shows_like_ss_dash_o() {
    // The receiver's buffer is small and it never reads, so its window closes; the sender,
    // with data left to send, probes the zero window on the persist timer.
    let (listener, port) = fresh_listener(|| {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
        socket.listen(1).unwrap();
        socket.into()
    });
    let sender = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    sender.set_send_buffer_size(64 * 1024).unwrap();
    sender.connect(&listener.local_addr().unwrap().into()).unwrap();
    let (receiver, _) = listener.accept().unwrap();
    let mut sender: TcpStream = sender.into();
    sender.set_nonblocking(true).unwrap();
    let chunk = [0x5a_u8; 16 * 1024];
    let full = (0..1000).any(|_| match sender.write(&chunk) {
        Ok(_) => false,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => true,
        Err(e) => panic!("write: {e}"),
    });
    assert!(full, "the send buffer never filled");
    let (probing, idle) = (ends(&sender), ends(&receiver));
    wait_until("ss shows the persist timer", Duration::from_secs(20), || {
        ss_timers(None, Some(port)).get(&probing).is_some_and(|t| t.name == "persist")
    });

    assert_eq!(
        assert_lists_like_ss(None, None, Some(port)),
        BTreeSet::from([
            ("ESTAB".to_string(), probing.0.clone(), probing.1.clone()),
            ("ESTAB".to_string(), idle.0.clone(), idle.1.clone()),
            ("LISTEN".to_string(), format!("127.0.0.1:{port}"), "0.0.0.0:*".to_string()),
        ])
    );
    assert_timer_like_ss(None, Some(port), &probing.0, &probing.1, "persist");
    drop((sender, receiver, listener));
}
