//! `sockkit http get URL...`: HTTP/1.1 written directly on a socket. The request is written
//! fully (partial writes wait for the socket), the head is read until its empty line however
//! the bytes arrive, and the body streams through one fixed buffer to stdout or a file, framed
//! by Content-Length, chunked coding or the connection's close (`body.rs`). URLs to the same
//! host reuse one keep-alive connection, opening a new one when the server has closed it.

mod body;
mod head;
mod url;

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use mio::Token;
use serde::Serialize;
use socket2::Type;

use crate::addr::Endpoint;
use crate::cli::HttpGetArgs;
use crate::event_loop::{Conn, EventLoop, Stream};
use crate::exit::{self, Exit};
use crate::output::{self, Level, Paint, Printer, Record};
use crate::sockopt::{self, SockOpts};
use body::{BodyDecoder, Framing};
use head::HEAD_LIMIT;
use url::{Url, UrlError};

pub fn get(args: HttpGetArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    // A bad URL argument stops the run before anything is fetched.
    let urls = args.urls.iter().map(|text| parse_url(text)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut sink = Sink::open(args.output.as_deref())?;
    // Stdout carries the body; -v and --timing lines go to stderr beside it (not in --json).
    out.set_data_on_stdout(true);
    let mut client = Client::new(&args)?;
    // curl's way: a URL that fails (an error, or a status >= 400 with --fail) gets its error
    // line and the next URLs are still fetched; the exit code is the first failure's.
    // --fail-early stops at the first one instead.
    let mut first_failure = None;
    for url in urls {
        let Err(err) = fetch_following(&mut client, &args, url, out, &mut sink) else { continue };
        if args.fail_early || exit::is_stdout_closed(&err) {
            return Err(err);
        }
        let failure = exit::classify(&err);
        out.error(&err, failure.code());
        first_failure.get_or_insert(failure);
    }
    sink.finish()?;
    Ok(first_failure.unwrap_or(Exit::Success))
}

/// One URL from the command line, and with -L the redirects it leads to.
fn fetch_following(
    client: &mut Client,
    args: &HttpGetArgs,
    first: Url,
    out: &mut Printer,
    sink: &mut Sink,
) -> anyhow::Result<()> {
    let follow = args.location || args.location_trusted;
    let mut url = first.clone();
    let mut redirects = 0;
    loop {
        // User Authorization and Cookie headers go to the URL given, and on redirects only to
        // that same host, port and scheme, unless --location-trusted (curl's rule).
        client.credentials = args.location_trusted || url.same_origin(&first);
        // A user Host header names the host of the URL given; a redirect to another host gets
        // that host's own name (curl's rule, with or without --location-trusted).
        client.user_host = url.host == first.host;
        // With -L no redirect's body is printed, not even the one past --max-redirs (curl's way).
        let fetched = client.fetch(&url, follow, out, sink)?;
        if args.fail && fetched.status >= 400 {
            return Err(exit::negative(format!(
                "{url}: the server answered {} {} (--fail)",
                fetched.status, fetched.reason
            )));
        }
        let Some(location) = fetched.location.filter(|_| follow && is_redirect(fetched.status)) else {
            return Ok(());
        };
        if redirects >= args.max_redirs {
            // A server that keeps redirecting never gave a final answer: the peer's fault, as
            // curl's own code for it (47) says; not a negative result.
            return Err(exit::protocol(format!(
                "{url}: still redirected after {redirects} redirects (--max-redirs)"
            )));
        }
        url = url.join(&location).map_err(|e| match e {
            UrlError::Https => exit::usage(format!(
                "{url} redirects to '{location}': https:// is not supported (no TLS yet)"
            )),
            UrlError::Bad(why) => exit::protocol(format!("{url}: bad Location '{location}': {why}")),
        })?;
        redirects += 1;
    }
}

fn parse_url(text: &str) -> anyhow::Result<Url> {
    let url = Url::parse(text).map_err(|e| match e {
        UrlError::Https => {
            exit::usage(format!("invalid URL '{text}': https:// is not supported (no TLS yet); use http://"))
        }
        UrlError::Bad(why) => exit::usage(format!("invalid URL '{text}': {why}")),
    })?;
    // The host must be one the shared address parser takes: an IP literal or a valid name.
    Endpoint::parse(&url.endpoint_text(), None).map_err(|e| exit::usage(e.to_string()))?;
    Ok(url)
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Where bodies go: stdout through the Printer (skipped in --json), or a file (`-o`).
enum Sink {
    Stdout,
    File(File, PathBuf),
}

impl Sink {
    fn open(path: Option<&Path>) -> anyhow::Result<Sink> {
        Ok(match path {
            None => Sink::Stdout,
            Some(path) if path.as_os_str() == "-" => Sink::Stdout,
            Some(path) => Sink::File(
                File::create(path).with_context(|| format!("create {}", path.display()))?,
                path.to_path_buf(),
            ),
        })
    }

    fn write(&mut self, out: &mut Printer, bytes: &[u8]) -> anyhow::Result<()> {
        match self {
            Sink::Stdout => out.data(bytes),
            Sink::File(file, path) => {
                file.write_all(bytes).with_context(|| format!("write {}", path.display()))
            }
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout => Ok(()),
            Sink::File(file, path) => file.flush().with_context(|| format!("write {}", path.display())),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One request and its response

const CONN_TOKEN: Token = Token(0);
/// One recv's worth. Bigger is not faster: on a 1 GiB body from a local server, 256 KiB reads
/// took 1.17x as long as 64 KiB ones (curl reads 100 KiB). A long copy out holds the socket
/// lock, so the sender's segments wait in the backlog and its window opens later.
const RECV_BYTES: usize = 64 * 1024;
/// User headers not sent to another origin on a redirect without --location-trusted.
const CREDENTIALS: [&str; 2] = ["authorization", "cookie"];
/// 1xx responses skipped before the final one; a server that sends them forever is broken.
const MAX_INTERIM: u32 = 100;

struct Client {
    lp: EventLoop,
    /// The options for connect, with --connect-timeout in place of --timeout.
    connect_opts: SockOpts,
    /// No progress for this long ends the request (--timeout); None waits as long as it takes.
    idle_limit: Option<Duration>,
    include: bool,
    head_only: bool,
    fail: bool,
    timing: bool,
    request_headers: Vec<(String, String)>,
    /// False drops user Authorization and Cookie headers from the next request (a redirect to
    /// another origin).
    credentials: bool,
    /// False replaces a user Host header with the URL's own (a redirect to another host).
    user_host: bool,
    /// The connection kept open after a response that allows another request on it.
    live: Option<Live>,
    scratch: Vec<u8>,
    /// Decoded body bytes gathered from one recv before they are written (see `feed`).
    pending: Vec<u8>,
}

struct Live {
    conn: Conn,
    /// `host:port` of the URL it was opened for: the URLs it may serve.
    key: String,
    peer: String,
}

/// What the caller needs from a response once its body has gone to the sink.
struct Fetched {
    status: u16,
    reason: String,
    location: Option<String>,
}

/// Why an exchange on a reused connection should be tried again on a new one: the server
/// closed the idle connection before (or while) our request reached it.
enum Attempt {
    Done(Fetched),
    Stale,
}

struct Timings {
    resolve: Duration,
    connect: Duration,
    started: Instant,
}

impl Client {
    fn new(args: &HttpGetArgs) -> anyhow::Result<Client> {
        let mut connect_opts = args.sock.clone();
        connect_opts.timeout = args.connect_timeout.or(args.sock.timeout);
        let mut request_headers = vec![
            ("User-Agent".to_string(), format!("sockkit/{}", env!("CARGO_PKG_VERSION"))),
            ("Accept".to_string(), "*/*".to_string()),
        ];
        for (name, value) in &args.headers {
            request_headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if !value.is_empty() || name.eq_ignore_ascii_case("host") {
                request_headers.push((name.clone(), value.clone()));
            }
        }
        Ok(Client {
            lp: EventLoop::new()?,
            connect_opts,
            idle_limit: args.sock.timeout,
            include: args.include || args.head,
            head_only: args.head,
            fail: args.fail,
            timing: args.timing,
            request_headers,
            credentials: true,
            user_host: true,
            live: None,
            scratch: vec![0; RECV_BYTES],
            pending: Vec::with_capacity(RECV_BYTES),
        })
    }

    /// GETs (or HEADs) `url`, on the kept connection when it goes to the same place, once
    /// more on a new connection if that one turns out to have been closed by the server.
    fn fetch(
        &mut self,
        url: &Url,
        follow: bool,
        out: &mut Printer,
        sink: &mut Sink,
    ) -> anyhow::Result<Fetched> {
        let key = url.endpoint_text();
        loop {
            let started = Instant::now();
            let reused = match self.live.take().filter(|live| live.key == key) {
                Some(mut live) => {
                    if still_open(&mut live.conn) {
                        Some(live)
                    } else {
                        out.detail(&Connected {
                            peer: &live.peer,
                            local: "",
                            connection: "closed-by-server",
                        })?;
                        None
                    }
                }
                None => None,
            };
            let (live, timings, was_reused) = match reused {
                Some(live) => {
                    out.detail(&Connected { peer: &live.peer, local: "", connection: "reused" })?;
                    (live, Timings { resolve: Duration::ZERO, connect: Duration::ZERO, started }, true)
                }
                None => {
                    let (live, timings) = self.open(&key, started, out)?;
                    (live, timings, false)
                }
            };
            match self.exchange(live, url, was_reused, follow, &timings, out, sink)? {
                Attempt::Done(fetched) => return Ok(fetched),
                Attempt::Stale => {
                    out.detail(&Connected { peer: &key, local: "", connection: "closed-by-server" })?;
                    continue;
                }
            }
        }
    }

    fn open(&mut self, key: &str, started: Instant, out: &mut Printer) -> anyhow::Result<(Live, Timings)> {
        let endpoint = Endpoint::parse(key, None).map_err(|e| exit::usage(e.to_string()))?;
        let addrs = sockopt::sock_addrs(&endpoint, self.connect_opts.family())?;
        let resolve = started.elapsed();
        // Resolved once above, so the two phases are timed apart.
        let (sock, addr) = sockopt::connect_any(&addrs, Type::STREAM, &self.connect_opts)?;
        let connect = started.elapsed() - resolve;
        let peer = sockopt::show(&addr);
        let local = sockopt::local_name(&sock);
        let mut conn = Conn::new(Stream::from_socket(sock), false);
        self.lp.register(&mut conn.stream, CONN_TOKEN).context("register")?;
        out.detail(&Connected { peer: &peer, local: &local, connection: "new" })?;
        let live = Live { conn, key: key.to_string(), peer };
        Ok((live, Timings { resolve, connect, started }))
    }

    /// Sends the request and reads the response on `live`; keeps the connection for the next
    /// request when the response allows it.
    #[allow(clippy::too_many_arguments)]
    fn exchange(
        &mut self,
        mut live: Live,
        url: &Url,
        reused: bool,
        follow: bool,
        timings: &Timings,
        out: &mut Printer,
        sink: &mut Sink,
    ) -> anyhow::Result<Attempt> {
        let request = self.request(url);
        // Nothing of a response that failed part way is left to be written with the next one.
        self.pending.clear();
        if out.shows(Level::Detail) {
            out.detail(&HeadLines { direction: "sent", lines: head_lines(&request) })?;
        }
        let peer = live.peer.clone();
        let stalled = format!("{url}: no progress from {peer}");
        let bytes_in_before = live.conn.bytes_in;
        let arrived = |conn: &Conn| conn.bytes_in - bytes_in_before;
        let broken = |e: &io::Error| {
            matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
            )
        };

        // The request, all of it: a short write leaves the rest for when the socket drains.
        let mut sent = 0;
        let mut last_progress = Instant::now();
        while sent < request.len() {
            match live.conn.send(&request[sent..]) {
                Ok(0) => self.wait(last_progress, &stalled, 0)?,
                Ok(n) => {
                    sent += n;
                    last_progress = Instant::now();
                }
                Err(e) if reused && broken(&e) => return Ok(Attempt::Stale),
                Err(e) => return Err(anyhow::Error::from(e).context(format!("{url}: send to {peer}"))),
            }
        }

        // The head, skipping interim 1xx responses.
        let mut buf: Vec<u8> = Vec::new();
        let mut scanned = 0;
        let mut first_byte = None;
        let mut interim = 0;
        let (head, head_len) = loop {
            // Every head's first bytes (interim ones' too), before looking for its end, so a
            // server that speaks something else is named the same way however reads were cut.
            if !buf.is_empty() {
                head::check_start(&buf).map_err(|why| {
                    exit::protocol(format!("{url}: {why} ({} bytes had arrived)", arrived(&live.conn)))
                })?;
            }
            if let Some(end) = head::head_end(&buf, scanned).filter(|&end| end <= HEAD_LIMIT) {
                let parsed = head::parse_head(&buf[..end]).map_err(|why| {
                    exit::protocol(format!("{url}: {why} ({} bytes had arrived)", arrived(&live.conn)))
                })?;
                if out.shows(Level::Detail) {
                    out.detail(&HeadLines { direction: "received", lines: head_lines(&buf[..end]) })?;
                }
                if parsed.is_interim() {
                    interim += 1;
                    if interim > MAX_INTERIM {
                        return Err(exit::protocol(format!(
                            "{url}: more than {MAX_INTERIM} interim (1xx) responses ({} bytes had arrived)",
                            arrived(&live.conn)
                        )));
                    }
                    buf.drain(..end);
                    scanned = 0;
                    continue;
                }
                break (parsed, end);
            }
            scanned = buf.len();
            // Also when the end has come but past the limit: the verdict must not depend on
            // how the bytes were cut into reads.
            if buf.len() > HEAD_LIMIT {
                return Err(exit::protocol(format!(
                    "{url}: response head did not end within {HEAD_LIMIT} bytes ({} bytes had arrived)",
                    arrived(&live.conn)
                )));
            }
            match live.conn.recv(&mut self.scratch) {
                Ok(Some(0)) if reused && arrived(&live.conn) == 0 => return Ok(Attempt::Stale),
                Ok(Some(0)) => {
                    let got = arrived(&live.conn);
                    return Err(exit::protocol(if got == 0 {
                        format!(
                            "{url}: {peer} closed the connection without a response (0 bytes had arrived)"
                        )
                    } else {
                        format!(
                            "{url}: connection closed before the response head ended ({got} bytes had arrived)"
                        )
                    }));
                }
                Ok(Some(n)) => {
                    first_byte.get_or_insert_with(|| timings.started.elapsed());
                    buf.extend_from_slice(&self.scratch[..n]);
                    last_progress = Instant::now();
                }
                Ok(None) => self.wait(last_progress, &stalled, arrived(&live.conn))?,
                Err(e) if reused && arrived(&live.conn) == 0 && broken(&e) => return Ok(Attempt::Stale),
                Err(e) => {
                    return Err(anyhow::Error::from(e).context(format!(
                        "{url}: recv from {peer} ({} bytes had arrived)",
                        arrived(&live.conn)
                    )));
                }
            }
        };

        let plan = head.body_plan(self.head_only).map_err(|why| {
            exit::protocol(format!("{url}: {why} ({} bytes had arrived)", arrived(&live.conn)))
        })?;
        let location = head.get("location").map(str::to_string);
        // --fail prints nothing of an error response, -L nothing of a redirect's body (curl's way).
        let failing = self.fail && head.status >= 400;
        let redirecting = follow && is_redirect(head.status) && location.is_some();
        let keep_body = !failing && !redirecting;
        if self.include && !failing {
            sink.write(out, &buf[..head_len])?;
        }

        // The body: what came with the head, then the socket until the framing says it ended.
        let mut decoder = BodyDecoder::new(plan.framing);
        let mut extra = false;
        let leftover = &buf[head_len..];
        let taken = feed(&mut decoder, leftover, sink, keep_body, &mut self.pending, out)
            .map_err(|e| body_error(e, url, arrived(&live.conn)))?;
        extra |= taken < leftover.len();
        while !decoder.is_done() && !extra {
            match live.conn.recv(&mut self.scratch) {
                Ok(Some(0)) => {
                    decoder.finish().map_err(|why| {
                        exit::protocol(format!("{url}: {why} ({} bytes had arrived)", arrived(&live.conn)))
                    })?;
                    break;
                }
                Ok(Some(n)) => {
                    let chunk = &self.scratch[..n];
                    let taken = feed(&mut decoder, chunk, sink, keep_body, &mut self.pending, out)
                        .map_err(|e| body_error(e, url, arrived(&live.conn)))?;
                    extra |= taken < n;
                    last_progress = Instant::now();
                }
                Ok(None) => self.wait(last_progress, &stalled, arrived(&live.conn))?,
                Err(e) => {
                    return Err(anyhow::Error::from(e).context(format!(
                        "{url}: recv from {peer} ({} bytes had arrived)",
                        arrived(&live.conn)
                    )));
                }
            }
        }

        let framing = decoder.framing();
        let response = Response {
            url: url.to_string(),
            status: head.status,
            reason: &head.reason,
            version: head.version(),
            headers: head.headers.iter().map(|(n, v)| Header { name: n, value: v }).collect(),
            trailers: decoder.trailers.iter().map(|(n, v)| Header { name: n, value: v }).collect(),
            body_bytes: decoder.body_bytes(),
            response_bytes: arrived(&live.conn),
            framing: framing.name(),
            peer: &peer,
            reused,
            resolve_ms: millis(timings.resolve),
            connect_ms: millis(timings.connect),
            first_byte_ms: millis(first_byte.unwrap_or_default()),
            total_ms: millis(timings.started.elapsed()),
        };
        out.emit(self.response_level(out), &response)?;
        // A byte after the end of the response is one the server should not have sent: the
        // connection is out of step, so it is not used again.
        if !plan.close_after && framing != Framing::Close && !extra {
            self.live = Some(live);
        }
        Ok(Attempt::Done(Fetched { status: head.status, reason: head.reason.clone(), location }))
    }

    fn request(&self, url: &Url) -> Vec<u8> {
        let method = if self.head_only { "HEAD" } else { "GET" };
        let mut text = format!("{method} {} HTTP/1.1\r\n", url.target);
        let is_host = |name: &str| name.eq_ignore_ascii_case("host");
        if !self.user_host || !self.request_headers.iter().any(|(n, _)| is_host(n)) {
            text.push_str(&format!("Host: {}\r\n", url.authority()));
        }
        for (name, value) in &self.request_headers {
            if !self.credentials && CREDENTIALS.iter().any(|c| name.eq_ignore_ascii_case(c))
                || !self.user_host && is_host(name)
            {
                continue;
            }
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.into_bytes()
    }

    /// Waits for the socket, or fails when nothing has moved for --timeout.
    fn wait(&mut self, last_progress: Instant, stalled: &str, arrived: u64) -> anyhow::Result<()> {
        let deadline = self.idle_limit.map(|limit| last_progress + limit);
        if let (Some(deadline), Some(limit)) = (deadline, self.idle_limit)
            && Instant::now() >= deadline
        {
            return Err(exit::system(format!(
                "{stalled} for {} (--timeout); {arrived} bytes of the response had arrived",
                humantime::format_duration(limit)
            )));
        }
        let mut ready = Vec::new();
        self.lp.wait(deadline, &mut ready).context("epoll_wait")
    }

    /// JSON always has the response object; human text shows it with --timing, or with -v.
    fn response_level(&self, out: &Printer) -> Level {
        if self.timing || out.is_json() { Level::Result } else { Level::Detail }
    }
}

/// A kept connection is used again only if the server has not closed it (nor sent anything
/// unasked) while it sat idle: a peek that would block says it is still open.
fn still_open(conn: &mut Conn) -> bool {
    let mut probe = [0u8; 1];
    matches!(conn.recv(&mut probe), Ok(None))
}

/// Feeds `bytes` (one recv's worth) to the decoder until they are used up or the body ends,
/// writing the body bytes to the sink when they are wanted. Small chunks are gathered in
/// `pending` and written once per recv, so a body of many 1 KiB chunks does not cost a write
/// per chunk; large pieces go straight from the receive buffer. Returns how many bytes
/// belonged to the body.
fn feed(
    decoder: &mut BodyDecoder,
    bytes: &[u8],
    sink: &mut Sink,
    keep_body: bool,
    pending: &mut Vec<u8>,
    out: &mut Printer,
) -> anyhow::Result<usize> {
    let mut at = 0;
    let mut result = Ok(());
    while at < bytes.len() && !decoder.is_done() {
        let (taken, data) = match decoder.feed(&bytes[at..]) {
            Ok(step) => step,
            Err(e) => {
                // What decoded fine before the fault is still written, as curl does.
                result = Err(e.into());
                break;
            }
        };
        at += taken;
        if !keep_body || data.is_empty() {
            continue;
        }
        if data.len() >= DIRECT_WRITE_BYTES {
            flush_pending(pending, sink, out)?;
            sink.write(out, data)?;
        } else {
            pending.extend_from_slice(data);
        }
    }
    flush_pending(pending, sink, out)?;
    result.map(|()| at)
}

/// A decoded piece at least this big is written as it is rather than gathered.
const DIRECT_WRITE_BYTES: usize = 16 * 1024;

fn flush_pending(pending: &mut Vec<u8>, sink: &mut Sink, out: &mut Printer) -> anyhow::Result<()> {
    if !pending.is_empty() {
        sink.write(out, pending)?;
        pending.clear();
    }
    Ok(())
}

/// A framing error becomes exit 4 with the byte count; a sink error stays what it was.
fn body_error(err: anyhow::Error, url: &Url, arrived: u64) -> anyhow::Error {
    match err.downcast::<body::BodyError>() {
        Ok(why) => exit::protocol(format!("{url}: {why} ({arrived} bytes had arrived)")),
        Err(other) => other,
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// A head as text lines for -v, without their line ends.
fn head_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .split('\n')
        .map(|line| line.trim_end_matches('\r').to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Records

/// -v: the connection a request goes on: `new`, `reused`, or `closed-by-server` (the kept
/// one was found closed, so a new one follows).
#[derive(Serialize)]
struct Connected<'a> {
    peer: &'a str,
    local: &'a str,
    connection: &'static str,
}

impl Record for Connected<'_> {
    const EVENT: &'static str = "connected";
    fn human(&self, out: &mut String, paint: Paint) {
        let line = match self.connection {
            "reused" => format!("* reusing the connection to {}", self.peer),
            "closed-by-server" => format!("* {} closed the kept connection; connecting again", self.peer),
            _ => format!("* connected to {} from {}", self.peer, self.local),
        };
        out.push_str(&paint.dim(line));
    }
}

/// -v: a request or response head, line by line, marked as curl -v marks them.
#[derive(Serialize)]
struct HeadLines {
    direction: &'static str,
    lines: Vec<String>,
}

impl Record for HeadLines {
    const EVENT: &'static str = "head";
    fn human(&self, out: &mut String, _: Paint) {
        let mark = if self.direction == "sent" { "> " } else { "< " };
        let text: Vec<String> = self.lines.iter().map(|line| format!("{mark}{line}")).collect();
        out.push_str(&text.join("\n"));
    }
}

#[derive(Serialize)]
struct Header<'a> {
    name: &'a str,
    value: &'a str,
}

/// One per URL fetched (each redirect too): in --json always, in text with --timing or -v.
#[derive(Serialize)]
struct Response<'a> {
    url: String,
    status: u16,
    reason: &'a str,
    version: String,
    headers: Vec<Header<'a>>,
    trailers: Vec<Header<'a>>,
    body_bytes: u64,
    /// Everything read for this response: heads (interim ones too), framing, body.
    response_bytes: u64,
    framing: &'static str,
    peer: &'a str,
    reused: bool,
    resolve_ms: f64,
    connect_ms: f64,
    first_byte_ms: f64,
    total_ms: f64,
}

impl Record for Response<'_> {
    const EVENT: &'static str = "response";
    fn human(&self, out: &mut String, paint: Paint) {
        let status = format!("{} {}", self.status, self.reason);
        let status = if self.status >= 400 { paint.bad(status) } else { paint.good(status) };
        let ms = |v: f64| output::ms(Duration::from_secs_f64(v / 1000.0));
        out.push_str(&format!(
            "{status} from {} ({}): {} body, {}; resolve {} ms, connect {} ms, first byte {} ms, total {} ms",
            self.peer,
            if self.reused { "reused connection" } else { "new connection" },
            output::bytes(self.body_bytes),
            self.framing,
            ms(self.resolve_ms),
            ms(self.connect_ms),
            ms(self.first_byte_ms),
            ms(self.total_ms),
        ));
    }
}
