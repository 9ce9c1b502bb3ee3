//! A small HTTP/1.1 test server of the project's own, std only: it serves each body framing and
//! each way of breaking one, chosen by the path. The HTTP tests run it on a thread in the test
//! process; `examples/http_testd.rs` runs it as a program for bench/http.sh.
//!
//! Paths:
//! - `/len/N`: N bytes with Content-Length. `/close/N`: N bytes until close.
//! - `/chunked/N/C`: N bytes in chunks of C, hex in alternating case, an extension on every
//!   other chunk, and a trailer.
//! - `/short/N`: Content-Length N, then half of it and close. `/bad-chunk`: a chunk size 'zz'.
//! - `/endless-headers`: header lines until the client goes. `/early-close`: half a head, close.
//! - `/empty`: close without a byte. `/reset/N`: Content-Length N, half of it, then RST.
//!   `/drip/N`: head and N body bytes one byte per write, paced.
//! - `/stall`: a head, 2 of 10 body bytes, then nothing for a long time.
//! - `/obs-fold`, `/dup-length`: bad heads. `/conflict`: Content-Length and chunked at once.
//! - `/interim`: 100 and 103 before the 200. `/status/CODE`: that status, with a
//!   Content-Length header but no body for 204 and 304.
//! - `/redirect/N`: N relative redirects to `/redirect/0` ("done"). `/absolute-redirect`.
//! - `/idle-close/N`: N bytes with Content-Length, then close without saying so.
//! - `/then-drop/N`: as `/len/N`, then the next request on the connection is read and the
//!   connection closed without an answer.
//! - `/echo-headers`: the request head as the body.
//! - `/redirect-to/HOST:PORT/REST`: a 302 to `http://HOST:PORT/REST` (another server, say).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::Duration;

/// The running server: its address and how many connections it has accepted.
pub struct TestServer {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Starts the server on `bind` (port 0 picks one) in background threads.
pub fn spawn(bind: &str) -> TestServer {
    let listener = TcpListener::bind(bind).expect("bind test server");
    let addr = listener.local_addr().expect("local addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || {
                let _ = serve(stream, addr);
            });
        }
    });
    TestServer { addr, connections }
}

/// Body byte `i` of every generated body: pseudo-random, binary, the same wherever it is cut.
pub fn body(len: usize) -> Vec<u8> {
    let pattern = pattern();
    (0..len).map(|i| pattern[i % pattern.len()]).collect()
}

/// 1 MiB + 7 bytes, so the pattern never lines up with a power-of-two buffer.
fn pattern() -> &'static [u8] {
    static PATTERN: OnceLock<Vec<u8>> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..(1 << 20) + 7)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    })
}

fn serve(stream: TcpStream, addr: SocketAddr) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    let mut drop_next = false;
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            head.push_str(&line);
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        let mut words = head.split_whitespace();
        let method = words.next().unwrap_or_default().to_string();
        let path = words.next().unwrap_or_default().to_string();
        if drop_next {
            // Read the request, then close without a word: what a server whose keep-alive
            // timer fires just as the request arrives looks like to the client.
            return Ok(());
        }
        drop_next = path.starts_with("/then-drop/");
        if !respond(&mut out, &method, &path, &head, addr)? {
            return Ok(());
        }
    }
}

/// Writes the response; false when the connection is to close after it.
fn respond(
    out: &mut TcpStream,
    method: &str,
    path: &str,
    request: &str,
    addr: SocketAddr,
) -> std::io::Result<bool> {
    let path = path.split('?').next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok()).unwrap_or(0);
    let head_only = method == "HEAD";
    match parts[0] {
        "len" | "then-drop" => {
            let n = number(1);
            out.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").as_bytes())?;
            if !head_only {
                write_pattern(out, n)?;
            }
        }
        "close" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            write_pattern(out, number(1))?;
            return Ok(false);
        }
        "chunked" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n")?;
            write_chunked(out, number(1), number(2).max(1))?;
        }
        "short" => {
            let n = number(1);
            out.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").as_bytes())?;
            write_pattern(out, n / 2)?;
            return Ok(false);
        }
        "bad-chunk" => {
            out.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n",
            )?;
            return Ok(false);
        }
        "endless-headers" => {
            out.write_all(b"HTTP/1.1 200 OK\r\n")?;
            // Bounded all the same: 64 MiB, far past any client's head limit.
            for i in 0..1_000_000 {
                out.write_all(format!("X-Filler-{i}: {}\r\n", "a".repeat(40)).as_bytes())?;
            }
            return Ok(false);
        }
        "early-close" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Le")?;
            return Ok(false);
        }
        "empty" => return Ok(false),
        "reset" => {
            let n = number(1);
            out.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").as_bytes())?;
            write_pattern(out, n / 2)?;
            // SO_LINGER 0: close() sends RST instead of FIN.
            socket2::SockRef::from(&*out).set_linger(Some(Duration::ZERO))?;
            return Ok(false);
        }
        "drip" => {
            out.set_nodelay(true)?;
            let n = number(1);
            let mut wire = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").into_bytes();
            wire.extend(body(n));
            for byte in wire {
                out.write_all(&[byte])?;
                thread::sleep(Duration::from_micros(300));
            }
        }
        "stall" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")?;
            thread::sleep(Duration::from_secs(30));
            return Ok(false);
        }
        "obs-fold" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nX-Long: first\r\n  folded\r\nContent-Length: 0\r\n\r\n")?;
        }
        "dup-length" => {
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")?;
            return Ok(false);
        }
        "conflict" => {
            out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            )?;
        }
        "interim" => {
            out.write_all(
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n\
                  HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            )?;
        }
        "status" => {
            let code = number(1);
            let body = if code == 204 || code == 304 || head_only { "" } else { "status body\n" };
            out.write_all(
                format!(
                    "HTTP/1.1 {code} Status {code}\r\nContent-Length: {}\r\n\r\n{body}",
                    if body.is_empty() { 5 } else { body.len() }
                )
                .as_bytes(),
            )?;
        }
        "redirect" => {
            let n = number(1);
            if n == 0 {
                out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\ndone\n")?;
            } else {
                let body = "moved\n";
                out.write_all(
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: {}\r\n\r\n{body}",
                        n - 1,
                        body.len()
                    )
                    .as_bytes(),
                )?;
            }
        }
        "absolute-redirect" => {
            out.write_all(
                format!("HTTP/1.1 301 Moved\r\nLocation: http://{addr}/len/3\r\nContent-Length: 0\r\n\r\n")
                    .as_bytes(),
            )?;
        }
        "redirect-to" => {
            let target = parts[1..].join("/");
            out.write_all(
                format!("HTTP/1.1 302 Found\r\nLocation: http://{target}\r\nContent-Length: 0\r\n\r\n")
                    .as_bytes(),
            )?;
        }
        "idle-close" => {
            let n = number(1);
            out.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n").as_bytes())?;
            write_pattern(out, n)?;
            return Ok(false);
        }
        "echo-headers" => {
            out.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{request}", request.len()).as_bytes(),
            )?;
        }
        _ => {
            out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n")?;
        }
    }
    Ok(true)
}

/// `n` pattern bytes in large writes (the bench serves GiBs this way).
fn write_pattern(out: &mut TcpStream, n: usize) -> std::io::Result<()> {
    let pattern = pattern();
    let mut sent = 0;
    while sent < n {
        let at = sent % pattern.len();
        let take = (n - sent).min(pattern.len() - at);
        out.write_all(&pattern[at..at + take])?;
        sent += take;
    }
    Ok(())
}

/// `n` pattern bytes in chunks of `size`, framed into ~1 MiB writes.
fn write_chunked(out: &mut TcpStream, n: usize, size: usize) -> std::io::Result<()> {
    let pattern = pattern();
    let mut wire = Vec::with_capacity((1 << 20) + size + 64);
    let mut sent = 0;
    let mut index = 0usize;
    while sent < n {
        let take = (n - sent).min(size);
        if index.is_multiple_of(2) {
            wire.extend_from_slice(format!("{take:x}\r\n").as_bytes());
        } else {
            wire.extend_from_slice(format!("{take:X};chunk={index}\r\n").as_bytes());
        }
        let mut copied = 0;
        while copied < take {
            let at = (sent + copied) % pattern.len();
            let part = (take - copied).min(pattern.len() - at);
            wire.extend_from_slice(&pattern[at..at + part]);
            copied += part;
        }
        wire.extend_from_slice(b"\r\n");
        sent += take;
        index += 1;
        if wire.len() >= 1 << 20 {
            out.write_all(&wire)?;
            wire.clear();
        }
    }
    wire.extend_from_slice(format!("0\r\nX-Checksum: {n}\r\n\r\n").as_bytes());
    out.write_all(&wire)
}
