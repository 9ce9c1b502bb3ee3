//! `sockkit http get` against real servers on loopback: the project's own test server (each
//! framing and each broken one), python3 -m http.server, and curl as the byte-for-byte reference.

mod common;
#[path = "support/http_server.rs"]
mod http_server;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::sockkit;

/// `sockkit http get ARGS...`: (exit code, stdout, stderr).
fn get(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = sockkit().args(["http", "get"]).args(args).output().expect("run sockkit");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// curl's body for the same URL, the reference.
fn curl(url: &str) -> Vec<u8> {
    let out = Command::new("curl").args(["-s", url]).output().expect("curl is installed");
    assert!(out.status.success(), "curl {url}: {:?}", out.status);
    out.stdout
}

#[test]
fn every_framing_gives_the_same_bytes_as_curl() {
    let server = http_server::spawn("127.0.0.1:0");
    for (path, len) in [
        ("/len/100000", 100_000),
        ("/len/0", 0),
        ("/chunked/100000/1000", 100_000),
        ("/chunked/300001/7", 300_001),
        ("/chunked/0/5", 0),
        ("/close/100000", 100_000),
        ("/drip/300", 300),
    ] {
        let url = server.url(path);
        let (code, body, stderr) = get(&[&url]);
        assert_eq!(code, 0, "{path}: {stderr}");
        assert_eq!(body.len(), len, "{path}");
        assert!(body == http_server::body(len), "{path}: body differs from what was served");
        let reference = curl(&url);
        assert!(body == reference, "{path}: differs from curl");
    }
    for (path, expected) in [("/interim", &b"ok"[..]), ("/conflict", b"abc")] {
        let (code, body, stderr) = get(&[&server.url(path)]);
        assert_eq!((code, body.as_slice()), (0, expected), "{path}: {stderr}");
        assert_eq!(body, curl(&server.url(path)), "{path}");
    }
}

/// Runs sockkit to the end and returns its exit code and peak RSS in KiB (wait4's rusage of
/// exactly this child, unlike RUSAGE_CHILDREN which other tests' children would share).
// The child is reaped by wait4 below, which std cannot see.
#[allow(clippy::zombie_processes)]
fn run_measuring_rss(args: &[&str]) -> (i32, i64) {
    let child = common::sockkit_std()
        .args(["http", "get"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, once; `child` is not waited for again.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[test]
fn a_100_mib_body_streams_through_a_few_mib_of_memory() {
    let server = http_server::spawn("127.0.0.1:0");
    for path in ["/len/104857600", "/chunked/104857600/1024"] {
        let (code, max_rss_kib) = run_measuring_rss(&[&server.url(path)]);
        assert_eq!(code, 0, "{path}");
        // A buffered body alone would be 100 MiB.
        assert!(max_rss_kib < 16 * 1024, "{path}: peak RSS {max_rss_kib} KiB");
    }
}

#[test]
fn hundred_mib_binary_bodies_match_curl_byte_for_byte() {
    let server = http_server::spawn("127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    for path in ["/len/104857600", "/chunked/104857600/65536"] {
        let url = server.url(path);
        let ours = dir.path().join("ours");
        let theirs = dir.path().join("theirs");
        let (code, stdout, stderr) = get(&["-o", ours.to_str().unwrap(), &url]);
        assert_eq!(code, 0, "{path}: {stderr}");
        assert!(stdout.is_empty());
        let status =
            Command::new("curl").args(["-s", "-o", theirs.to_str().unwrap(), &url]).status().unwrap();
        assert!(status.success());
        let ours = std::fs::read(&ours).unwrap();
        assert_eq!(ours.len(), 100 << 20, "{path}");
        assert!(ours == std::fs::read(&theirs).unwrap(), "{path}: differs from curl");
        assert!(ours == http_server::body(100 << 20), "{path}: differs from what was served");
    }
}

/// python3 -m http.server on a temp folder, port 0; killed on drop.
struct Python {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Python {
    fn serve(files: &[(&str, &[u8])], bind: &str) -> Python {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "0", "--bind", bind, "--directory"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is installed");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        while !line.contains(" port ") && Instant::now() < deadline {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
        }
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("no port from python: {line:?}"));
        Python { child, port, _dir: dir }
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn python_http_server_files_come_back_byte_for_byte_over_ipv4_and_ipv6() {
    let binary = common::random_bytes(7, 3 << 20);
    let python = Python::serve(&[("blob.bin", &binary), ("hello.txt", b"hello\n")], "127.0.0.1");
    let url = format!("http://127.0.0.1:{}/blob.bin", python.port);
    let (code, body, stderr) = get(&[&url]);
    assert_eq!(code, 0, "{stderr}");
    assert!(body == binary, "body differs from the file");
    assert!(body == curl(&url), "body differs from curl");
    // Two URLs: python answers HTTP/1.0 and closes, so the second needs a new connection.
    let hello = format!("http://127.0.0.1:{}/hello.txt", python.port);
    let (code, body, stderr) = get(&[&hello, &hello]);
    assert_eq!((code, body.as_slice()), (0, &b"hello\nhello\n"[..]), "{stderr}");
    let (code, _, stderr) = get(&["--fail", &format!("http://127.0.0.1:{}/missing", python.port)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("answered 404"), "{stderr}");

    // -4 picks the IPv4 address of a name that may also resolve to ::1.
    let (code, body, stderr) = get(&["-4", &format!("http://localhost:{}/hello.txt", python.port)]);
    assert_eq!((code, body.as_slice()), (0, &b"hello\n"[..]), "{stderr}");

    let python6 = Python::serve(&[("hello.txt", b"hello\n")], "::1");
    let (code, body, stderr) = get(&[&format!("http://[::1]:{}/hello.txt", python6.port)]);
    assert_eq!((code, body.as_slice()), (0, &b"hello\n"[..]), "{stderr}");
}

#[test]
fn broken_responses_exit_4_naming_what_was_wrong_and_the_bytes_that_arrived() {
    let server = http_server::spawn("127.0.0.1:0");
    for (path, expected) in [
        (
            "/short/1000",
            "body ended after 500 of 1000 bytes (Content-Length), 500 missing (541 bytes had arrived)",
        ),
        ("/bad-chunk", "bad chunk size line 'zz' for chunk 2: expected a hexadecimal size ("),
        ("/endless-headers", "response head did not end within 65536 bytes ("),
        ("/early-close", "connection closed before the response head ended (27 bytes had arrived)"),
        ("/empty", "closed the connection without a response (0 bytes had arrived)"),
        ("/obs-fold", "bad header line 3 '  folded': obsolete line folding"),
        ("/dup-length", "conflicting Content-Length values: 5, 6 ("),
    ] {
        let (code, _, stderr) = get(&[&server.url(path)]);
        assert_eq!(code, 4, "{path}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{path}: {stderr}");
        assert!(stderr.starts_with(&format!("sockkit: {}: ", server.url(path))), "{path}: {stderr}");
        assert!(stderr.contains(expected), "{path}: expected {expected:?} in {stderr}");
    }
}

#[test]
fn a_reset_connection_is_a_network_error_exit_3() {
    let server = http_server::spawn("127.0.0.1:0");
    let url = server.url("/reset/100000");
    let (code, _, stderr) = get(&[&url]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.starts_with(&format!("sockkit: {url}: recv from {}", server.addr)), "{stderr}");
    assert!(stderr.contains("bytes had arrived): Connection reset by peer"), "{stderr}");
}

#[test]
fn a_stalled_response_ends_at_the_timeout_with_exit_3() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, body, stderr) = get(&["--timeout", "0.3", &server.url("/stall")]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(body, b"ab");
    assert!(stderr.contains(&format!("sockkit: {}: no progress from", server.url("/stall"))), "{stderr}");
    assert!(stderr.contains("(--timeout); 41 bytes of the response had arrived"), "{stderr}");
}

#[test]
fn several_urls_on_one_host_share_one_keep_alive_connection() {
    let server = http_server::spawn("127.0.0.1:0");
    let urls = [
        server.url("/len/10"),
        server.url("/chunked/100/7"),
        server.url("/status/204"),
        server.url("/len/5"),
    ];
    let args: Vec<&str> = urls.iter().map(String::as_str).collect();
    let (code, body, stderr) = get(&args);
    assert_eq!(code, 0, "{stderr}");
    let mut expected = http_server::body(10);
    expected.extend(http_server::body(100));
    expected.extend(http_server::body(5));
    assert!(body == expected);
    assert_eq!(server.connections(), 1);

    let out = sockkit().args(["--json", "http", "get"]).args(&args).output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "one response object per URL: {lines:?}");
    let reused: Vec<bool> = lines.iter().map(|l| l["reused"].as_bool().unwrap()).collect();
    assert_eq!(reused, [false, true, true, true]);
    let framings: Vec<&str> = lines.iter().map(|l| l["framing"].as_str().unwrap()).collect();
    assert_eq!(framings, ["content-length", "chunked", "none", "content-length"]);
    assert_eq!(lines[1]["body_bytes"], 100);
    assert_eq!(lines[1]["trailers"][0]["name"], "X-Checksum");
    assert_eq!(lines[0]["event"], "response");
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_connection_the_server_closed_is_opened_again() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, body, stderr) = get(&[
        &server.url("/idle-close/10"),
        &server.url("/len/5"),
        &server.url("/conflict"),
        &server.url("/len/3"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut expected = http_server::body(10);
    expected.extend(http_server::body(5));
    expected.extend(b"abc");
    expected.extend(http_server::body(3));
    assert!(body == expected);
    // Chunked with Content-Length beside it is read as chunked, then not reused (RFC 9112 6.3).
    assert_eq!(server.connections(), 3);

    // The server takes the second request and closes: the client sends it again on a new one.
    let server = http_server::spawn("127.0.0.1:0");
    let (code, body, stderr) = get(&["-v", &server.url("/then-drop/7"), &server.url("/len/4")]);
    assert_eq!(code, 0, "{stderr}");
    let mut expected = http_server::body(7);
    expected.extend(http_server::body(4));
    assert!(body == expected);
    assert_eq!(server.connections(), 2);
    assert!(stderr.contains("closed the kept connection; connecting again"), "{stderr}");
}

#[test]
fn head_and_include_print_the_head_and_no_body_is_read_for_head_204_304() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) = get(&["-I", &server.url("/len/100"), &server.url("/status/304")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 304 Status 304\r\nContent-Length: 5\r\n\r\n"
    );
    let (code, out, stderr) = get(&["-i", &server.url("/status/204"), &server.url("/len/2")]);
    assert_eq!(code, 0, "{stderr}");
    let mut expected =
        b"HTTP/1.1 204 Status 204\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
            .to_vec();
    expected.extend(http_server::body(2));
    assert_eq!(out, expected);
    assert_eq!(server.connections(), 2);
}

#[test]
fn verbose_shows_both_heads_on_stderr_and_timing_the_phases() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) = get(&["-v", "--timing", &server.url("/len/4")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out, http_server::body(4));
    for needle in [
        "> GET /len/4 HTTP/1.1",
        "> Host: 127.0.0.1:",
        "< HTTP/1.1 200 OK",
        "< Content-Length: 4",
        "resolve ",
        "connect ",
        "first byte ",
        "total ",
    ] {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
}

#[test]
fn redirects_are_followed_relative_and_absolute_within_max_redirs() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) = get(&["-L", &server.url("/redirect/3")]);
    assert_eq!((code, out.as_slice()), (0, &b"done\n"[..]), "{stderr}");
    let (code, out, stderr) = get(&["-L", &server.url("/absolute-redirect")]);
    assert_eq!((code, out), (0, http_server::body(3)), "{stderr}");
    let (code, out, stderr) = get(&["-L", "--max-redirs", "2", &server.url("/redirect/3")]);
    assert_eq!(code, 4, "a server that never gives a final answer broke the protocol: {stderr}");
    assert_eq!(
        stderr,
        format!(
            "sockkit: {}: still redirected after 2 redirects (--max-redirs)\n",
            server.url("/redirect/1")
        )
    );
    assert!(out.is_empty(), "no redirect body is printed");
    let (code, out, stderr) =
        get(&["-L", "--max-redirs", "0", &server.url("/redirect/1"), &server.url("/len/2")]);
    assert_eq!((code, out), (4, http_server::body(2)), "{stderr}");
    assert!(stderr.contains("still redirected after 0 redirects"), "{stderr}");
    let (code, out, stderr) = get(&[&server.url("/redirect/1")]);
    assert_eq!(
        (code, out.as_slice()),
        (0, &b"moved\n"[..]),
        "without -L the redirect itself is shown: {stderr}"
    );
}

#[test]
fn redirects_to_another_host_or_port_drop_authorization_and_cookie_unless_location_trusted() {
    let first = http_server::spawn("127.0.0.1:0");
    let other = http_server::spawn("127.0.0.1:0");
    // The request head each echo-headers answer carried, after following `path` on `first`.
    let sent = |extra: &[&str], path: String| {
        let url = first.url(&path);
        let mut args = vec!["-H", "Authorization: Bearer secret", "-H", "cookie: a=b", "-H", "X-Keep: yes"];
        args.extend(extra);
        args.push(&url);
        let (code, out, stderr) = get(&args);
        assert_eq!(code, 0, "{path}: {stderr}");
        String::from_utf8(out).unwrap()
    };
    let credentials = |head: &str| (head.contains("\r\nAuthorization: "), head.contains("\r\ncookie: "));

    let to_other = format!("/redirect-to/{}/echo-headers", other.addr);
    let head = sent(&["-L"], to_other.clone());
    assert!(head.starts_with("GET /echo-headers HTTP/1.1\r\n"), "{head}");
    assert!(head.contains(&format!("\r\nHost: {}\r\n", other.addr)), "{head}");
    assert!(head.contains("\r\nX-Keep: yes\r\n"), "other headers still go: {head}");
    assert_eq!(credentials(&head), (false, false), "another port: {head}");
    assert_eq!(other.connections(), 1);
    // --location-trusted follows too, and sends them everywhere.
    assert_eq!(credentials(&sent(&["--location-trusted"], to_other)), (true, true));

    // Same host and port: they go along.
    let head = sent(&["-L"], format!("/redirect-to/{}/echo-headers", first.addr));
    assert_eq!(credentials(&head), (true, true), "{head}");
    // Another host name for the same port is another host (localhost is in /etc/hosts).
    let head = sent(&["-L"], format!("/redirect-to/localhost:{}/echo-headers", first.addr.port()));
    assert_eq!(credentials(&head), (false, false), "{head}");
    // As in curl, the comparison is with the URL given: back there, they go again.
    let back = format!("/redirect-to/{}/redirect-to/{}/echo-headers", other.addr, first.addr);
    assert_eq!(credentials(&sent(&["-L"], back)), (true, true));

    // A user Host header goes to the host of the URL given (another port of it too), never to
    // another host: that one gets its own name, as in curl.
    let host_sent = |path: String| sent(&["-L", "-H", "Host: named.example"], path);
    let head = host_sent(format!("/redirect-to/localhost:{}/echo-headers", first.addr.port()));
    assert!(head.contains(&format!("\r\nHost: localhost:{}\r\n", first.addr.port())), "{head}");
    assert!(!head.contains("named.example"), "{head}");
    let head = host_sent(format!("/redirect-to/{}/echo-headers", other.addr));
    assert!(head.contains("\r\nHost: named.example\r\n"), "same host, other port: {head}");
    assert_eq!(head.matches("\r\nHost: ").count(), 1, "{head}");
}

#[test]
fn fail_exits_1_without_printing_the_error_body() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) = get(&["--fail", &server.url("/status/503")]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        stderr,
        format!("sockkit: {}: the server answered 503 Status 503 (--fail)\n", server.url("/status/503"))
    );
    let (code, out, _) = get(&[&server.url("/status/503")]);
    assert_eq!((code, out.as_slice()), (0, &b"status body\n"[..]));
}

/// A URL on a loopback port nobody listens on (a connect there is refused).
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}/", listener.local_addr().unwrap())
}

#[test]
fn a_failing_url_is_reported_and_the_next_urls_are_still_fetched_as_curl_does() {
    let server = http_server::spawn("127.0.0.1:0");
    let refused = refused_url();
    let (code, out, stderr) = get(&[
        "--fail",
        &server.url("/status/503"),
        &server.url("/obs-fold"),
        &server.url("/len/5"),
        &refused,
    ]);
    assert_eq!(code, 1, "the first failure's code: {stderr}");
    assert_eq!(out, http_server::body(5));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "one line per failed URL: {stderr}");
    assert_eq!(
        lines[0],
        format!("sockkit: {}: the server answered 503 Status 503 (--fail)", server.url("/status/503"))
    );
    assert!(lines[1].starts_with(&format!("sockkit: {}: bad header line 3", server.url("/obs-fold"))));
    let refused_addr = refused.trim_start_matches("http://").trim_end_matches('/');
    assert!(lines[2].starts_with(&format!("sockkit: connect {refused_addr}: ")), "{stderr}");
    assert!(lines[2].ends_with("Connection refused (os error 111)"), "{stderr}");
    // The 503 left its connection fit for /obs-fold; the server keeps that one open after the
    // bad head, but a connection broken by a protocol error is not used again for /len/5.
    assert_eq!(server.connections(), 2);

    // Without --fail a 4xx/5xx is no failure; a network error first gives 3, a protocol one 4.
    let (code, out, stderr) = get(&[&refused, &server.url("/status/404"), &server.url("/len/3")]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(out, [&b"status body\n"[..], &http_server::body(3)].concat());
    let (code, out, stderr) = get(&[&server.url("/bad-chunk"), &refused, &server.url("/len/3")]);
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(out, [&b"hello"[..], &http_server::body(3)].concat());
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn fail_early_stops_at_the_first_failing_url() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) =
        get(&["--fail", "--fail-early", &server.url("/status/503"), &server.url("/len/5")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(out.is_empty(), "the second URL was not fetched");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, out, stderr) = get(&["--fail-early", &refused_url(), &server.url("/len/5")]);
    assert_eq!(code, 3, "{stderr}");
    assert!(out.is_empty(), "the second URL was not fetched");
    assert_eq!(server.connections(), 1);
}

#[test]
fn each_failing_url_is_an_error_object_between_the_responses_in_json() {
    let server = http_server::spawn("127.0.0.1:0");
    let out = sockkit()
        .args(["--json", "http", "get", "--fail", &server.url("/status/503"), &server.url("/len/5")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["response", "error", "response"], "{lines:?}");
    assert_eq!((lines[0]["status"].as_u64(), lines[2]["status"].as_u64()), (Some(503), Some(200)));
    assert_eq!(lines[1]["exit_code"], 1);
    let message = lines[1]["message"].as_str().unwrap();
    assert!(message.ends_with("the server answered 503 Status 503 (--fail)"), "{message}");
}

#[test]
fn a_bad_url_among_several_stops_the_run_before_anything_is_fetched() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) = get(&[&server.url("/len/5"), "ftp://x/", &server.url("/len/5")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(out.is_empty());
    assert_eq!(stderr, "sockkit: invalid URL 'ftp://x/': scheme 'ftp' is not http\n");
    assert_eq!(server.connections(), 0);
}

#[test]
fn requests_carry_host_user_agent_and_user_headers() {
    let server = http_server::spawn("127.0.0.1:0");
    let (code, out, stderr) =
        get(&["-H", "X-Test: one two", "-H", "Accept:", &server.url("/echo-headers?q=%20")]);
    assert_eq!(code, 0, "{stderr}");
    let request = String::from_utf8_lossy(&out);
    assert!(request.starts_with("GET /echo-headers?q=%20 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains(&format!("\r\nHost: {}\r\n", server.addr)), "{request}");
    assert!(request.contains("\r\nUser-Agent: sockkit/"), "{request}");
    assert!(request.contains("\r\nX-Test: one two\r\n"), "{request}");
    assert!(!request.contains("Accept"), "'Accept:' removes the default: {request}");
}

#[test]
fn https_and_bad_urls_exit_2_and_a_refused_connect_exits_3() {
    for (url, expected) in [
        (
            "https://127.0.0.1/",
            "sockkit: invalid URL 'https://127.0.0.1/': https:// is not supported (no TLS yet); use http://\n",
        ),
        (
            "http://127.0.0.1:99999/",
            "sockkit: invalid URL 'http://127.0.0.1:99999/': port '99999' is not a number 0-65535\n",
        ),
        ("ftp://x/", "sockkit: invalid URL 'ftp://x/': scheme 'ftp' is not http\n"),
        (
            "http://bad host/",
            "sockkit: invalid URL 'http://bad host/': 0x20 in URL (spaces, control and non-ASCII characters must be percent-encoded)\n",
        ),
        ("http://1.2.3.999/", "sockkit: invalid address '1.2.3.999:80': not a valid IPv4 address\n"),
    ] {
        let (code, _, stderr) = get(&[url]);
        assert_eq!((code, stderr.as_str()), (2, expected), "{url}");
    }
    let (code, _, stderr) = get(&["-H", "bad header", "http://127.0.0.1/"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("sockkit: --header 'bad header': expected 'Name: value'"), "{stderr}");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (code, _, stderr) = get(&["--connect-timeout", "2s", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("Connection refused"), "{stderr}");
    let (code, _, stderr) = get(&["-6", "http://127.0.0.1:1/"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn connect_timeout_bounds_a_handshake_that_never_completes() {
    // A listener with backlog 0 and one client already queued: the kernel drops further SYNs,
    // so a connect to it hangs until the client gives up.
    let listener = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    listener.bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let _queued = std::net::TcpStream::connect(addr).unwrap();
    let (code, _, stderr) = get(&["--connect-timeout", "0.3", &format!("http://{addr}/")]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stderr, format!("sockkit: connect {addr}: timed out\n"));
}

#[test]
fn json_mode_keeps_the_body_off_stdout_and_dash_o_dash_is_stdout() {
    let server = http_server::spawn("127.0.0.1:0");
    let out = sockkit().args(["--json", "http", "get", "-i", &server.url("/len/300")]).output().unwrap();
    let text = String::from_utf8(out.stdout).expect("only JSON on stdout");
    let record: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert_eq!((record["status"].as_u64(), record["body_bytes"].as_u64()), (Some(200), Some(300)));
    for key in ["resolve_ms", "connect_ms", "first_byte_ms", "total_ms"] {
        assert!(record[key].as_f64().is_some_and(|ms| ms >= 0.0), "{key} in {record}");
    }
    let (code, out, _) = get(&["-o", "-", &server.url("/len/30")]);
    assert_eq!((code, out), (0, http_server::body(30)));
}
