//! `sockkit echo serve|client` over real sockets on loopback, and with socat and ncat as peers.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::{Server, random_bytes, sockkit, sockkit_std};

const WAIT: Duration = Duration::from_secs(20);

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream
}

fn echo_round_trip(addr: &str, payload: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(payload).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    stream.read_to_end(&mut back).unwrap();
    back
}

#[test]
fn echo_client_gets_its_message_back_over_ipv4_and_ipv6() {
    for listen in ["127.0.0.1:0", "[::1]:0"] {
        let server = Server::spawn(&["echo", "serve", listen]);
        let out = sockkit().args(["echo", "client", &server.addr, "hello, sockets"]).assert().success();
        let out = out.get_output();
        assert_eq!(out.stdout, b"hello, sockets");
        let status = String::from_utf8_lossy(&out.stderr);
        assert!(status.contains("14 bytes echoed by") && status.contains("every byte verified"), "{status}");
    }
}

#[test]
fn echo_client_sends_stdin_and_prints_the_echo_byte_for_byte() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let payload = random_bytes(7, 3 << 20);
    let out =
        sockkit().args(["echo", "client", &server.addr]).write_stdin(payload.clone()).assert().success();
    assert!(out.get_output().stdout == payload, "stdout differs from stdin");
}

#[test]
fn two_hundred_concurrent_clients_each_get_their_own_bytes_back() {
    let mut server = Server::spawn(&["--json", "echo", "serve", "127.0.0.1:0", "--exit-after", "200"]);
    let barrier = Arc::new(Barrier::new(200));
    let threads: Vec<_> = (0..200u64)
        .map(|i| {
            let (addr, barrier) = (server.addr.clone(), barrier.clone());
            std::thread::spawn(move || {
                let payload = random_bytes(i + 1, 20_000 + i as usize * 97);
                let mut stream = connect(&addr);
                // Every client is connected before any sends: the server holds 200 at once.
                barrier.wait();
                stream.write_all(&payload).unwrap();
                stream.shutdown(Shutdown::Write).unwrap();
                let mut back = Vec::new();
                stream.read_to_end(&mut back).unwrap();
                assert!(back == payload, "client {i}: echo differs");
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let summary = server.wait_for("\"event\":\"summary\"", WAIT);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["clients"], 200);
    assert_eq!(summary["peak_clients"], 200, "{summary}");
    assert_eq!(summary["bytes_in"], summary["bytes_out"]);
    assert_eq!(server.wait_exit(WAIT), 0);
}

#[test]
fn sixty_four_mib_pass_through_one_connection_with_tiny_buffers() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0", "--sndbuf", "4KiB", "--rcvbuf", "4KiB"]);
    let out = sockkit()
        .args(["echo", "client", &server.addr, "--size", "64MiB", "--sndbuf", "4KiB", "--rcvbuf", "4KiB"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.contains("67108864 bytes echoed"), "{stdout}");
}

#[test]
fn server_echoes_after_the_client_half_closes_then_closes_its_side() {
    let mut server = Server::spawn(&["--json", "echo", "serve", "127.0.0.1:0"]);
    let payload = random_bytes(3, 1 << 20);
    // The whole megabyte is written and the write side shut before a single byte is read.
    assert!(echo_round_trip(&server.addr, &payload) == payload);
    let gone = server.wait_for("\"event\":\"disconnected\"", WAIT);
    assert!(gone.contains("\"reason\":\"closed\"") && gone.contains("\"bytes_out\":1048576"), "{gone}");
}

#[test]
fn a_client_that_resets_mid_stream_costs_only_its_own_connection() {
    let mut server = Server::spawn(&["--json", "echo", "serve", "127.0.0.1:0"]);
    let bystander_payload = random_bytes(11, 200_000);
    let mut bystander = connect(&server.addr);
    bystander.write_all(&bystander_payload[..100_000]).unwrap();

    let rude = socket2::Socket::from(connect(&server.addr));
    // Send without reading, so the server owes this client bytes when the RST arrives.
    let mut rude_stream: TcpStream = rude.try_clone().unwrap().into();
    rude_stream.write_all(&random_bytes(12, 4 << 20)[..]).ok();
    rude.set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude_stream);
    drop(rude);
    let reset = server.wait_for("\"reason\":\"reset\"", WAIT);
    assert!(reset.contains("\"event\":\"disconnected\""), "{reset}");

    bystander.write_all(&bystander_payload[100_000..]).unwrap();
    bystander.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    bystander.read_to_end(&mut back).unwrap();
    assert!(back == bystander_payload, "bystander's echo differs");
    assert!(echo_round_trip(&server.addr, b"still here") == b"still here");
}

#[test]
fn sigterm_flushes_what_is_owed_then_prints_a_summary_and_exits_0() {
    let mut server = Server::spawn(&["--json", "echo", "serve", "127.0.0.1:0"]);
    let payload = random_bytes(5, 8 << 20);
    let mut stream = connect(&server.addr);
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        let payload = payload.clone();
        // Blocks once the server stops reading; the server's FIN then ends it with an error.
        std::thread::spawn(move || {
            let _ = stream.write_all(&payload);
        })
    };
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).unwrap();
    server.signal(libc::SIGTERM);
    let mut back = first.to_vec();
    stream.read_to_end(&mut back).unwrap();
    drop(stream);
    let gone = server.wait_for("\"event\":\"disconnected\"", WAIT);
    let gone: serde_json::Value = serde_json::from_str(&gone).unwrap();
    assert_eq!(gone["reason"], "shutdown");
    // Nothing lost: every byte the server read was echoed, and it is a prefix of what was sent.
    assert_eq!(gone["bytes_out"].as_u64().unwrap(), back.len() as u64);
    assert!(gone["bytes_in"].as_u64().unwrap() >= back.len() as u64);
    assert!(back[..] == payload[..back.len()], "echo is not a prefix of what was sent");
    let summary = server.wait_for("\"event\":\"summary\"", WAIT);
    assert!(summary.contains("\"stopped_by\":\"SIGTERM\""), "{summary}");
    assert_eq!(server.wait_exit(WAIT), 0);
    writer.join().unwrap();
}

#[test]
fn server_keeps_serving_when_accept_runs_out_of_descriptors() {
    let mut server = Server::spawn_cmd(
        Command::new("sh")
            .args(["-c", "ulimit -n 20 && exec \"$0\" echo serve 127.0.0.1:0"])
            .arg(assert_cmd::cargo::cargo_bin("sockkit")),
    );
    // More clients than descriptors: the kernel completes their handshakes in the backlog.
    let mut held: Vec<TcpStream> = (0..30).map(|_| connect(&server.addr)).collect();
    let last = held.pop().unwrap();
    server.wait_for("connected", WAIT);
    // Freeing descriptors must let the server take the clients still waiting.
    held.truncate(5);
    drop(held);
    let mut last = last;
    last.write_all(b"after EMFILE").unwrap();
    last.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    last.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"after EMFILE");
    server.signal(libc::SIGTERM);
    assert_eq!(server.wait_exit(WAIT), 0);
    let stderr = server.stderr_text();
    // Said once per shortage (not once per retry), and each shortage ends in a recovery.
    let shortages = stderr.matches("Too many open files").count();
    assert!(shortages >= 1, "{stderr}");
    assert_eq!(shortages, stderr.matches("descriptors free again").count(), "{stderr}");
}

#[test]
fn idle_clients_are_closed_after_the_idle_timeout() {
    let mut server = Server::spawn(&["echo", "serve", "127.0.0.1:0", "--idle-timeout", "200ms"]);
    let mut idle = connect(&server.addr);
    let mut buf = [0u8; 1];
    assert_eq!(idle.read(&mut buf).unwrap(), 0, "server should close the idle client");
    server.wait_for("idle timeout", WAIT);
}

#[test]
fn max_clients_holds_later_clients_in_the_backlog_until_one_leaves() {
    let mut server = Server::spawn(&["echo", "serve", "127.0.0.1:0", "--max-clients", "1"]);
    let first = connect(&server.addr);
    server.wait_for("connected (1 active)", WAIT);
    let mut second = connect(&server.addr);
    second.write_all(b"second").unwrap();
    second.shutdown(Shutdown::Write).unwrap();
    drop(first);
    let mut back = Vec::new();
    second.read_to_end(&mut back).unwrap();
    assert_eq!(back, b"second");
    let mut order = Vec::new();
    for _ in 0..3 {
        order.push(server.next_line(WAIT).unwrap());
    }
    assert!(order[0].contains("closed") && order[1].contains("connected (1 active)"), "{order:?}");
}

#[test]
fn exit_after_stops_the_server_once_n_clients_are_done() {
    let mut server = Server::spawn(&["echo", "serve", "127.0.0.1:0", "--exit-after", "2"]);
    for _ in 0..2 {
        assert_eq!(echo_round_trip(&server.addr, b"x"), b"x");
    }
    let summary = server.wait_for("summary:", WAIT);
    assert!(summary.contains("2 clients") && summary.contains("--exit-after"), "{summary}");
    assert_eq!(server.wait_exit(WAIT), 0);
}

#[test]
fn a_second_server_on_a_busy_port_exits_3_naming_the_address() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let out = sockkit().args(["echo", "serve", &server.addr]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(
        stderr,
        format!(
            "sockkit: bind {} (a live server, or connections in TIME_WAIT: see `sockkit states --port {port}`; \
             --reuseaddr binds past TIME_WAIT when the old server set it too): Address already in use (os error 98)\n",
            server.addr
        )
    );
}

/// Runs a server that closes its one client first (idle timeout), so the server's side of the
/// connection is the one left in TIME_WAIT, then exits; returns its address.
fn leave_time_wait_on_server_port(extra: &[&str]) -> String {
    let mut args = vec!["echo", "serve", "127.0.0.1:0", "--idle-timeout", "50ms", "--exit-after", "1"];
    args.extend_from_slice(extra);
    let mut server = Server::spawn(&args);
    let mut client = connect(&server.addr);
    let mut buf = [0u8; 1];
    assert_eq!(client.read(&mut buf).unwrap(), 0, "server should close first");
    drop(client);
    assert_eq!(server.wait_exit(WAIT), 0);
    server.addr.clone()
}

#[test]
fn time_wait_blocks_a_restart_unless_both_servers_set_reuseaddr() {
    // The article's lesson, as Linux really does it: SO_REUSEADDR must be on the old socket
    // (its TIME_WAIT remnant inherits it) and on the new one.
    let addr = leave_time_wait_on_server_port(&[]);
    sockkit().args(["echo", "serve", &addr, "--reuseaddr", "--exit-after", "1"]).assert().code(3);

    let addr = leave_time_wait_on_server_port(&["--reuseaddr"]);
    let out = sockkit().args(["echo", "serve", &addr]).assert().code(3);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("Address already in use"));
    let mut again = Server::spawn(&["echo", "serve", &addr, "--reuseaddr"]);
    assert_eq!(again.addr, addr);
    assert_eq!(echo_round_trip(&addr, b"restarted"), b"restarted");
    again.signal(libc::SIGINT);
    assert_eq!(again.wait_exit(WAIT), 0);
}

#[test]
fn json_output_is_one_tagged_object_per_line() {
    let mut server = Server::spawn(&["--json", "echo", "serve", "127.0.0.1:0"]);
    let out = sockkit().args(["--json", "echo", "client", &server.addr, "json please"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["event"], "summary");
    assert_eq!(lines[0]["bytes_echoed"], 11);
    assert_eq!(lines[0]["verified"], true);
    let arrival: serde_json::Value = serde_json::from_str(&server.wait_for("connected", WAIT)).unwrap();
    assert!(arrival["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
}

#[test]
fn load_generator_verifies_every_round_trip_and_reports_percentiles() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let out = sockkit()
        .args([
            "--json",
            "echo",
            "client",
            &server.addr,
            "--connections",
            "50",
            "--size",
            "4KiB",
            "--count",
            "20",
        ])
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(summary["completed"], 50);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["round_trips"], 1000);
    assert_eq!(summary["bytes_echoed"], 50 * 20 * 4096);
    for key in
        ["mb_per_s", "round_trips_per_s", "connections_per_s", "rtt_p50_ms", "rtt_p99_ms", "rtt_max_ms"]
    {
        assert!(summary[key].as_f64().unwrap() > 0.0, "{key}: {summary}");
    }
    assert!(summary["rtt_p50_ms"].as_f64() <= summary["rtt_p99_ms"].as_f64());
}

/// A deliberately broken server in the test: what it does with the bytes is up to `behave`.
fn broken_server(behave: impl FnOnce(TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            behave(stream);
        }
    });
    addr
}

#[test]
fn a_corrupted_echo_exits_1_naming_the_first_differing_offset() {
    let addr = broken_server(|mut s| {
        let mut buf = [0u8; 11];
        s.read_exact(&mut buf).unwrap();
        buf[6] = b'W';
        s.write_all(&buf).unwrap();
    });
    let out = sockkit().args(["echo", "client", &addr, "hello world"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("differs at byte offset 6: sent 0x77, got 0x57"), "{stderr}");
}

#[test]
fn a_server_that_closes_early_or_never_answers_exits_3() {
    let addr = broken_server(|mut s| {
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&buf[..2]).unwrap();
    });
    let out = sockkit().args(["echo", "client", &addr, "12345"]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("after echoing 2 of 5 bytes"), "{stderr}");

    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let addr = broken_server(move |s| {
        let _ = rx.recv();
        drop(s);
    });
    let out = sockkit().args(["echo", "client", &addr, "anyone?", "--timeout", "300ms"]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("(timeout)") && stderr.contains("0 of 7 bytes"), "{stderr}");
    drop(tx);

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let out = sockkit().args(["echo", "client", &closed, "x"]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert_eq!(stderr, format!("sockkit: connect {closed}: Connection refused (os error 111)\n"));
}

#[test]
fn trace_shows_partial_sends_and_reads_that_ignore_message_boundaries() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0", "--rcvbuf", "4KiB"]);
    let out = sockkit()
        .args(["echo", "client", &server.addr, "--size", "2MiB", "--sndbuf", "4KiB", "--trace"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.contains("(partial: "), "no partial send traced");
    assert!(stdout.contains("= -1 EAGAIN"), "no EAGAIN traced");
    assert!(stdout.contains("shutdown("), "no half-close traced");
    let recv_sizes: std::collections::BTreeSet<&str> =
        stdout.lines().filter(|l| l.starts_with("recv(")).filter_map(|l| l.rsplit("= ").next()).collect();
    // One 2 MiB send comes back in reads of many different sizes: TCP keeps no boundaries.
    assert!(recv_sizes.len() > 3, "{recv_sizes:?}");
}

#[test]
fn bad_addresses_and_flags_exit_2_with_one_line() {
    for (args, expected) in [
        (vec!["echo", "client", "x:y"], "sockkit: invalid address 'x:y': port must be a number 0-65535\n"),
        (
            vec!["echo", "client", "1.2.3.4:70000"],
            "sockkit: invalid address '1.2.3.4:70000': port must be 0-65535\n",
        ),
        (
            vec!["echo", "client", "[::1:7"],
            "sockkit: invalid address '[::1:7': missing ']' after IPv6 address\n",
        ),
        (
            vec!["echo", "serve", "--idle-timeout", "soon"],
            "sockkit: --idle-timeout 'soon': expected a duration such as 0.2, 500ms, 2s or 1m\n",
        ),
        (
            vec!["echo", "client", "h:1", "--size", "lots"],
            "sockkit: --size 'lots': expected a byte size such as 1500, 64KiB, 1MiB or 1GiB\n",
        ),
    ] {
        let out = sockkit().args(&args).assert().code(2);
        assert_eq!(String::from_utf8_lossy(&out.get_output().stderr), expected, "{args:?}");
    }
    for args in
        [vec!["echo", "serve", "--frobnicate"], vec!["echo", "client", "h:1", "--count", "0"], vec!["echo"]]
    {
        let out = sockkit().args(&args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        if args.len() > 1 {
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        }
    }
    let out = sockkit().args(["--json", "echo", "client", "x:y"]).assert().code(2);
    let event: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(event["event"], "error");
    assert_eq!(event["exit_code"], 2);
    let out = sockkit().args(["echo", "client", "h:1", "--size", "8EiB"]).assert().code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("--size"));
    let out = sockkit()
        .args(["echo", "client", "127.0.0.1:1", "--size", "4611686018427387904", "--count", "8"])
        .assert();
    let out = out.code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("more bytes than fit in 64 bits"));
}

#[test]
fn a_stdin_read_error_fails_instead_of_passing_as_an_empty_echo() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let dir = std::fs::File::open("/").unwrap();
    let out = sockkit_std().args(["echo", "client", &server.addr]).stdin(Stdio::from(dir)).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read stdin") && stderr.contains("Is a directory"), "{stderr}");
}

#[test]
fn a_pause_on_stdin_is_not_a_silent_server() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let mut client = sockkit_std()
        .args(["echo", "client", &server.addr, "--timeout", "100ms"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = client.stdin.take().unwrap();
    stdin.write_all(b"first ").unwrap();
    // Wait until the first part is echoed: then the client idles on stdin, longer than
    // --timeout, with nothing owed by the server.
    let mut stdout = client.stdout.take().unwrap();
    let mut first = [0u8; 6];
    stdout.read_exact(&mut first).unwrap();
    // The pause itself is what is tested (three times --timeout), not a synchronisation.
    std::thread::sleep(Duration::from_millis(300));
    assert!(client.try_wait().unwrap().is_none(), "client gave up while waiting on stdin");
    stdin.write_all(b"second").unwrap();
    drop(stdin);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"second");
    assert!(client.wait().unwrap().success());
}

// --- Interop with the peer tools users already know ------------------------------------------

fn stderr_line_with(child: &mut std::process::Child, needle: &str) -> String {
    let stderr = child.stderr.take().unwrap();
    let mut reader = BufReader::new(stderr);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "{needle:?} never printed");
        if line.contains(needle) {
            // Keep draining so the peer never blocks on a full stderr pipe.
            std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
            return line;
        }
    }
}

struct Peer(std::process::Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn socat_and_ncat_as_clients_of_echo_serve() {
    let server = Server::spawn(&["echo", "serve", "127.0.0.1:0"]);
    let payload = random_bytes(21, 256 * 1024);
    let socat = Command::new("socat")
        .args(["-", &format!("TCP:{}", server.addr)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("socat installed");
    let out = feed(socat, &payload);
    assert!(out == payload, "socat got a different echo");

    let (host, port) = server.addr.rsplit_once(':').unwrap();
    let ncat = Command::new("ncat")
        .args([host, port])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ncat installed");
    let out = feed(ncat, &payload);
    assert!(out == payload, "ncat got a different echo");
}

fn feed(mut child: std::process::Child, payload: &[u8]) -> Vec<u8> {
    let mut stdin = child.stdin.take().unwrap();
    let payload = payload.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out.stdout
}

#[test]
fn echo_client_verifies_socat_and_ncat_echo_servers() {
    let mut socat = Command::new("socat")
        .args(["-d", "-d", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "PIPE"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("socat installed");
    let line = stderr_line_with(&mut socat, "listening on");
    let _socat = Peer(socat);
    let addr = line.trim().rsplit(' ').next().unwrap().to_string();
    sockkit().args(["echo", "client", &addr, "--size", "8MiB"]).assert().success();
    sockkit().args(["echo", "client", &addr, "via socat"]).assert().success().stdout("via socat");

    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let mut ncat = Command::new("ncat")
        .args(["-v", "-l", "127.0.0.1", &port, "--keep-open", "--exec", "/bin/cat"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("ncat installed");
    stderr_line_with(&mut ncat, "Listening on");
    let _ncat = Peer(ncat);
    let addr = format!("127.0.0.1:{port}");
    // ncat --exec closes the connection on the client's EOF without waiting for the command's
    // output, so half-closing loses the echo; and it relays through blocking pipe writes, so
    // more than a pipe's worth in flight deadlocks it.
    let out = sockkit().args(["echo", "client", &addr, "--size", "48KiB"]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("wants --no-half-close"), "{stderr}");
    sockkit().args(["echo", "client", &addr, "--size", "48KiB", "--no-half-close"]).assert().success();
    sockkit()
        .args(["echo", "client", &addr, "via ncat", "--no-half-close"])
        .assert()
        .success()
        .stdout("via ncat");
    let _ = sockkit_std;
}
