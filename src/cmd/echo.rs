//! `sockkit echo serve|client`: a TCP echo server for many clients on one event loop, and a
//! client that verifies every echoed byte or generates load. Both work over any stream socket,
//! so `uds` reuses them for Unix paths and abstract names.

use std::collections::VecDeque;
use std::io::{self, IsTerminal, Read};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use mio::Token;
use serde::Serialize;
use socket2::Type;

use crate::addr::Endpoint;
use crate::cli::{EchoClientArgs, EchoServeArgs, LoadArgs, ServerArgs};
use crate::event_loop::{Conn, EventLoop, Listener, Pump, Slab, Stream, Syscall, earliest, errno_name};
use crate::exit::{self, Exit};
use crate::output::{self, Listening, Paint, Printer, Record};
use crate::sockopt::{self, SockOpts};

pub fn serve(args: EchoServeArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    let lp = EventLoop::stopped_by_signals()?;
    let sock = sockopt::listen(&args.addr, Type::STREAM, &args.sock)?;
    let local = sockopt::local_name(&sock);
    serve_listener(lp, Listener::from_socket(sock), &local, &args.server, None, out)
}

pub fn client(args: EchoClientArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    let target = ClientTarget {
        addr: &args.addr,
        ty: Type::STREAM,
        sock: &args.sock,
        trace: args.trace,
        half_close: !args.no_half_close,
    };
    run_client(&target, args.message.as_deref(), &args.load, out)
}

// ---------------------------------------------------------------------------------------------
// Server

const LISTENER: Token = Token(usize::MAX - 2);
/// One read's worth: a loopback segment (64 KiB) per syscall; more only grows what a slow
/// client can leave owed.
const SCRATCH_BYTES: usize = 64 * 1024;
/// How long to wait before retrying accept after EMFILE or another transient accept error.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// How long a stopping server waits for its clients to read what they are owed and close.
const DRAIN_GRACE: Duration = Duration::from_secs(5);

struct Client {
    conn: Conn,
    peer: String,
    since: Instant,
    last_active: Instant,
}

#[derive(Serialize)]
struct Arrival<'a> {
    peer: &'a str,
    active: usize,
    /// Unix sockets: who connected (SO_PEERCRED), as `pid`, `uid`, `gid` keys.
    #[serde(flatten)]
    cred: Option<sockopt::PeerCred>,
}

impl Record for Arrival<'_> {
    const EVENT: &'static str = "connected";
    fn human(&self, out: &mut String, paint: Paint) {
        let who = match self.cred {
            Some(c) => format!(" (pid {} uid {} gid {})", c.pid, c.uid, c.gid),
            None => String::new(),
        };
        out.push_str(&format!("{} {} connected{who} ({} active)", paint.good("+"), self.peer, self.active));
    }
}

#[derive(Serialize)]
struct Departure<'a> {
    peer: &'a str,
    reason: &'a str,
    bytes_in: u64,
    bytes_out: u64,
    duration_ms: f64,
    active: usize,
}

impl Record for Departure<'_> {
    const EVENT: &'static str = "disconnected";
    fn human(&self, out: &mut String, paint: Paint) {
        let sign = if self.reason == "closed" { paint.dim("-") } else { paint.warn("-") };
        out.push_str(&format!(
            "{sign} {} {} after {} ms, {} bytes in, {} bytes out ({} active)",
            self.peer,
            self.reason,
            output::ms(Duration::from_secs_f64(self.duration_ms / 1000.0)),
            self.bytes_in,
            self.bytes_out,
            self.active
        ));
    }
}

#[derive(Serialize)]
struct ServerSummary {
    clients: u64,
    bytes_in: u64,
    bytes_out: u64,
    peak_clients: usize,
    duration_ms: f64,
    stopped_by: &'static str,
}

impl Record for ServerSummary {
    const EVENT: &'static str = "summary";
    fn human(&self, out: &mut String, paint: Paint) {
        out.push_str(&format!(
            "{} {} clients, {} in, {} out, at most {} at once, up {:.1} s (stopped by {})",
            paint.bold("summary:"),
            self.clients,
            output::bytes(self.bytes_in),
            output::bytes(self.bytes_out),
            self.peak_clients,
            self.duration_ms / 1000.0,
            self.stopped_by
        ));
    }
}

/// Serves echo on a listening socket until SIGINT/SIGTERM or `--exit-after`. `message_max` is
/// for seqpacket sockets: each message (up to that many bytes) is echoed as one message.
pub fn serve_listener(
    mut lp: EventLoop,
    listener: Listener,
    local: &str,
    args: &ServerArgs,
    message_max: Option<usize>,
    out: &mut Printer,
) -> anyhow::Result<Exit> {
    let mut server = Server {
        listener: Some(listener),
        clients: Slab::default(),
        scratch: vec![0; message_max.unwrap_or(SCRATCH_BYTES)],
        messages: message_max.is_some(),
        args: args.clone(),
        again: Vec::new(),
        accept_retry_at: None,
        out_of_fds_since: None,
        at_capacity: false,
        idle_check_at: None,
        drain_until: None,
        started: Instant::now(),
        clients_done: 0,
        bytes_in: 0,
        bytes_out: 0,
        peak: 0,
    };
    if let Some(listener) = &mut server.listener {
        lp.register_readable(listener, LISTENER).context("register listener")?;
    }
    out.result(&Listening { addr: local.to_string() })?;
    let stopped_by = server.run(&mut lp, out)?;
    out.result(&ServerSummary {
        clients: server.clients_done,
        bytes_in: server.bytes_in,
        bytes_out: server.bytes_out,
        peak_clients: server.peak,
        duration_ms: server.started.elapsed().as_secs_f64() * 1000.0,
        stopped_by,
    })?;
    Ok(Exit::Success)
}

struct Server {
    listener: Option<Listener>,
    clients: Slab<Client>,
    scratch: Vec<u8>,
    messages: bool,
    args: ServerArgs,
    /// Clients whose turn ended with their socket still ready (see `Pump::Again`).
    again: Vec<Token>,
    accept_retry_at: Option<Instant>,
    /// Set while accept fails with EMFILE/ENFILE, so it is reported once, with its recovery.
    out_of_fds_since: Option<Instant>,
    at_capacity: bool,
    idle_check_at: Option<Instant>,
    drain_until: Option<Instant>,
    started: Instant,
    clients_done: u64,
    bytes_in: u64,
    bytes_out: u64,
    peak: usize,
}

impl Server {
    fn run(&mut self, lp: &mut EventLoop, out: &mut Printer) -> anyhow::Result<&'static str> {
        let mut ready: Vec<Token> = Vec::with_capacity(1024);
        loop {
            let deadline = if self.again.is_empty() {
                earliest([self.accept_retry_at, self.idle_check_at, self.drain_until])
            } else {
                Some(Instant::now())
            };
            lp.wait(deadline, &mut ready).context("epoll_wait")?;

            if lp.stop_signals() > 0 && self.drain_until.is_none() {
                self.start_drain(lp, out)?;
            }
            if lp.stop_signals() > 1 {
                return self.close_all(out, "shutdown").map(|()| "a second signal");
            }
            for &token in &ready {
                if token == LISTENER {
                    self.accept_clients(lp, out)?;
                } else {
                    self.serve_client(token, lp, out)?;
                }
            }
            for token in std::mem::take(&mut self.again) {
                self.serve_client(token, lp, out)?;
            }
            let now = Instant::now();
            if self.accept_retry_at.is_some_and(|at| at <= now) {
                self.accept_retry_at = None;
                self.accept_clients(lp, out)?;
            }
            if self.idle_check_at.is_some_and(|at| at <= now) {
                self.close_idle_clients(now, lp, out)?;
            }
            if let Some(until) = self.drain_until {
                if self.clients.is_empty() {
                    return Ok(lp.stop_signal_name());
                }
                if until <= now {
                    self.close_all(out, "shutdown")?;
                    return Ok(lp.stop_signal_name());
                }
            }
            if let Some(limit) = self.args.exit_after
                && self.clients_done >= limit
            {
                // Stop taking clients; those already here are served to the end.
                self.listener = None;
                if self.clients.is_empty() {
                    return Ok("--exit-after");
                }
            }
        }
    }

    fn accept_clients(&mut self, lp: &mut EventLoop, out: &mut Printer) -> anyhow::Result<()> {
        while let Some(listener) = &self.listener {
            if self.args.max_clients.is_some_and(|max| self.clients.len() as u64 >= max) {
                // Leave the rest in the listen backlog until a client leaves.
                self.at_capacity = true;
                return Ok(());
            }
            self.at_capacity = false;
            match listener.accept() {
                Ok((mut stream, peer)) => {
                    let token = self.clients.vacant_token();
                    if let Err(e) = lp.register(&mut stream, token) {
                        out.warn(format!("register {peer}: {e}"));
                        continue;
                    }
                    let now = Instant::now();
                    let cred = match &stream {
                        Stream::Unix(unix) => sockopt::peer_cred(unix).ok(),
                        Stream::Tcp(_) => None,
                    };
                    out.normal(&Arrival { peer: &peer, active: self.clients.len() + 1, cred })?;
                    self.clients.insert(Client {
                        conn: if self.messages {
                            Conn::new(stream, false).for_messages()
                        } else {
                            Conn::new(stream, false)
                        },
                        peer,
                        since: now,
                        last_active: now,
                    });
                    self.peak = self.peak.max(self.clients.len());
                    if let Some(idle) = self.args.idle_timeout {
                        self.idle_check_at.get_or_insert(now + idle);
                    }
                    // Data may already be waiting; edge-triggered epoll only reports new data.
                    self.again.push(token);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // The shortage ends when the backlog is empty, not at the first accept
                    // that a single freed descriptor allows.
                    if let Some(since) = self.out_of_fds_since.take() {
                        out.warn(format!(
                            "accept: descriptors free again; every waiting client taken after {} ms",
                            since.elapsed().as_millis()
                        ));
                    }
                    return Ok(());
                }
                Err(e)
                    if e.kind() == io::ErrorKind::Interrupted
                        || e.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) => {
                    // The client stays in the backlog. Retry when a client leaves or soon.
                    if self.out_of_fds_since.is_none() {
                        self.out_of_fds_since = Some(Instant::now());
                        out.warn(format!(
                            "accept: {e}; {} clients open, retrying as descriptors free up",
                            self.clients.len()
                        ));
                    }
                    self.accept_retry_at = Some(Instant::now() + ACCEPT_RETRY);
                    return Ok(());
                }
                Err(e) => {
                    // ENOBUFS, ENOMEM, EPERM (firewall): transient for this client, not the server.
                    out.warn(format!("accept: {e}"));
                    self.accept_retry_at = Some(Instant::now() + ACCEPT_RETRY);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn serve_client(&mut self, token: Token, lp: &mut EventLoop, out: &mut Printer) -> anyhow::Result<()> {
        let draining = self.drain_until.is_some();
        let Some(client) = self.clients.get_mut(token) else { return Ok(()) };
        // Traffic either way counts: a client slowly reading back what it is owed is not idle.
        let bytes_before = (client.conn.bytes_in, client.conn.bytes_out);
        let oversized_before = client.conn.oversized;
        let turn = if draining {
            drain_turn(&mut client.conn, &mut self.scratch)
        } else {
            client.conn.pump_echo(&mut self.scratch)
        };
        if client.conn.oversized != oversized_before {
            out.normal(&output::TruncatedIn {
                kind: "message",
                peer: &client.peer,
                bytes: client.conn.last_oversized_len,
                buffer_bytes: self.scratch.len(),
            })?;
        }
        if (client.conn.bytes_in, client.conn.bytes_out) != bytes_before {
            client.last_active = Instant::now();
        }
        match turn {
            Ok(Pump::Waiting) => Ok(()),
            Ok(Pump::Again) => {
                self.again.push(token);
                Ok(())
            }
            Ok(Pump::Finished) => self.depart(token, if draining { "shutdown" } else { "closed" }, lp, out),
            Err(e) => {
                let reason = match e.kind() {
                    io::ErrorKind::ConnectionReset => "reset".to_string(),
                    io::ErrorKind::BrokenPipe => "gone (EPIPE)".to_string(),
                    _ => format!("error {}", errno_name(&e)),
                };
                self.depart(token, &reason, lp, out)
            }
        }
    }

    fn depart(
        &mut self,
        token: Token,
        reason: &str,
        lp: &mut EventLoop,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        self.finish_client(token, reason, out)?;
        // A descriptor and a client slot just came free.
        if self.out_of_fds_since.is_some() || self.at_capacity {
            self.accept_clients(lp, out)?;
        }
        Ok(())
    }

    /// Closes one client and reports it with its totals.
    fn finish_client(&mut self, token: Token, reason: &str, out: &mut Printer) -> anyhow::Result<()> {
        let Some(client) = self.clients.remove(token) else { return Ok(()) };
        self.clients_done += 1;
        self.bytes_in += client.conn.bytes_in;
        self.bytes_out += client.conn.bytes_out;
        out.normal(&Departure {
            peer: &client.peer,
            reason,
            bytes_in: client.conn.bytes_in,
            bytes_out: client.conn.bytes_out,
            duration_ms: client.since.elapsed().as_secs_f64() * 1000.0,
            active: self.clients.len(),
        })
    }

    fn close_idle_clients(
        &mut self,
        now: Instant,
        lp: &mut EventLoop,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let Some(idle) = self.args.idle_timeout else { return Ok(()) };
        self.idle_check_at = None;
        let mut expired = Vec::new();
        for (token, client) in self.clients.iter() {
            let due = client.last_active + idle;
            if due <= now {
                expired.push(token);
            } else {
                self.idle_check_at = Some(self.idle_check_at.map_or(due, |at| at.min(due)));
            }
        }
        for token in expired {
            self.depart(token, "idle timeout", lp, out)?;
        }
        Ok(())
    }

    /// Stops accepting; every client is then drained (see `drain_turn`) within `DRAIN_GRACE`.
    fn start_drain(&mut self, lp: &mut EventLoop, out: &mut Printer) -> anyhow::Result<()> {
        self.listener = None;
        self.accept_retry_at = None;
        self.drain_until = Some(Instant::now() + DRAIN_GRACE);
        for token in self.clients.tokens() {
            self.serve_client(token, lp, out)?;
        }
        Ok(())
    }

    fn close_all(&mut self, out: &mut Printer, reason: &str) -> anyhow::Result<()> {
        for token in self.clients.tokens() {
            self.finish_client(token, reason, out)?;
        }
        Ok(())
    }
}

/// A stopping server's turn for one client: write what was read but not yet echoed, send FIN,
/// then read and drop until the client closes too. Closing with unread input would send RST,
/// and an RST can destroy echo bytes still on their way to the client.
fn drain_turn(conn: &mut Conn, scratch: &mut [u8]) -> io::Result<Pump> {
    if !conn.flush_owed()? {
        return Ok(Pump::Waiting);
    }
    conn.shutdown_write()?;
    if conn.peer_eof || conn.discard_input(scratch)? {
        return Ok(Pump::Finished);
    }
    Ok(Pump::Waiting)
}

// ---------------------------------------------------------------------------------------------
// Client

/// Where a client connects and how; `uds client` fills it with a Unix address and type.
pub struct ClientTarget<'a> {
    pub addr: &'a Endpoint,
    pub ty: Type,
    pub sock: &'a SockOpts,
    pub trace: bool,
    /// Shut down the write side after the last byte and read to the server's EOF (the normal
    /// way); without it, stop once every byte has come back.
    pub half_close: bool,
}

/// Verifies one echo (MESSAGE, stdin or `--size`) or, with `--connections`, generates load.
pub fn run_client(
    target: &ClientTarget,
    message: Option<&str>,
    load: &LoadArgs,
    out: &mut Printer,
) -> anyhow::Result<Exit> {
    if let Some(connections) = load.connections {
        return run_load(target, connections, load, out);
    }
    let payload = match (message, load.size) {
        (Some(text), _) if text != "-" => Payload::Message(text.as_bytes().to_vec()),
        (_, Some(size)) => Payload::Generated {
            pattern: Pattern::new(),
            size: (size as u64).checked_mul(load.count).ok_or_else(|| {
                exit::usage(format!(
                    "--size {size} times --count {} is more bytes than fit in 64 bits",
                    load.count
                ))
            })?,
        },
        _ if io::stdin().is_terminal() => {
            return Err(exit::usage("nothing to send: give MESSAGE, --size BYTES, or pipe data to stdin"));
        }
        _ => Payload::Stdin(StdinChunks::spawn()),
    };
    verify_echo(target, payload, out)
}

/// Round-trip payloads come from one pseudo-random block; each connection starts at its own
/// offset, so payloads differ between connections and checking them needs no copy.
struct Pattern {
    bytes: Vec<u8>,
}

/// A prime period, so offsets of different connections do not line up.
const PATTERN_PERIOD: usize = (1 << 20) + 7;
/// The longest slice `Pattern::at` hands out, kept without wrapping by a tail copy.
const PATTERN_SLICE: usize = 256 * 1024;

impl Pattern {
    fn new() -> Pattern {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut bytes = Vec::with_capacity(PATTERN_PERIOD + PATTERN_SLICE);
        while bytes.len() < PATTERN_PERIOD {
            // xorshift64*: cheap and not compressible, so it tests the path honestly.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            bytes.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        bytes.truncate(PATTERN_PERIOD);
        bytes.extend_from_within(..PATTERN_SLICE);
        Pattern { bytes }
    }

    /// Up to `len` (at most `PATTERN_SLICE`) bytes of the stream at `offset`.
    fn at(&self, offset: u64, len: usize) -> &[u8] {
        let start = (offset % PATTERN_PERIOD as u64) as usize;
        &self.bytes[start..start + len.min(PATTERN_SLICE)]
    }

    /// Where connection `index` starts in the stream.
    fn start_of(index: u64) -> u64 {
        index.wrapping_mul(1_000_003) % PATTERN_PERIOD as u64
    }
}

enum Payload {
    Message(Vec<u8>),
    Generated { size: u64, pattern: Pattern },
    Stdin(StdinChunks),
}

/// Stdin read on a thread (a file or terminal cannot join epoll), handed over in chunks
/// through a bounded channel so a fast pipe cannot fill memory.
struct StdinChunks {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    waker_slot: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<mio::Waker>>>,
    ended: bool,
    /// A read error ends the payload and the run (exit 3), never a silent success.
    error: Option<io::Error>,
}

impl StdinChunks {
    fn spawn() -> StdinChunks {
        let (tx, rx) = mpsc::sync_channel(8);
        let waker_slot: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<mio::Waker>>> = Default::default();
        let slot = waker_slot.clone();
        std::thread::spawn(move || {
            let mut stdin = io::stdin().lock();
            loop {
                let mut chunk = vec![0u8; 64 * 1024];
                let result = match stdin.read(&mut chunk) {
                    Ok(n) => {
                        chunk.truncate(n);
                        Ok(chunk)
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let last = !matches!(&result, Ok(c) if !c.is_empty());
                if tx.send(result).is_err() {
                    return;
                }
                if let Some(waker) = slot.get() {
                    let _ = waker.wake();
                }
                if last {
                    return;
                }
            }
        });
        StdinChunks { chunks: rx, waker_slot, ended: false, error: None }
    }
}

/// The bytes sent so far that the echo has not yet matched, for every kind of payload.
struct Outgoing {
    payload: Payload,
    /// Stdin bytes sent and not yet verified (message and pattern bytes are looked up instead).
    unverified: VecDeque<u8>,
    /// Stdin bytes read and not yet sent.
    unsent: Vec<u8>,
    sent: u64,
    verified: u64,
}

/// Stdin that the server has not echoed yet is held for checking; past this, stop sending.
const MAX_UNVERIFIED: usize = 64 << 20;

impl Outgoing {
    /// The next bytes to send, or None when everything has been sent.
    fn next(&mut self) -> Option<&[u8]> {
        match &mut self.payload {
            Payload::Message(bytes) => {
                let from = self.sent as usize;
                (from < bytes.len()).then(|| &bytes[from..])
            }
            Payload::Generated { size, pattern } => {
                let left = *size - self.sent;
                (left > 0).then(|| pattern.at(self.sent, left.min(PATTERN_SLICE as u64) as usize))
            }
            Payload::Stdin(stdin) => {
                if self.unsent.is_empty() && !stdin.ended && self.unverified.len() < MAX_UNVERIFIED {
                    match stdin.chunks.try_recv() {
                        Ok(Ok(chunk)) if chunk.is_empty() => stdin.ended = true,
                        Ok(Ok(chunk)) => self.unsent = chunk,
                        Ok(Err(e)) => {
                            stdin.ended = true;
                            stdin.error = Some(e);
                        }
                        Err(mpsc::TryRecvError::Disconnected) => stdin.ended = true,
                        Err(mpsc::TryRecvError::Empty) => {}
                    }
                }
                if self.unsent.is_empty() && stdin.ended { None } else { Some(&self.unsent) }
            }
        }
    }

    fn advance(&mut self, n: usize) {
        if let Payload::Stdin(_) = self.payload {
            self.unverified.extend(self.unsent.drain(..n));
        }
        self.sent += n as u64;
    }

    /// Checks echoed bytes; the offset of the first that differs, with both bytes.
    fn check(&mut self, echoed: &[u8]) -> Result<(), (u64, Option<u8>, u8)> {
        let base = self.verified;
        let expected_at = |i: usize| -> Option<u8> {
            match &self.payload {
                Payload::Message(bytes) => bytes.get(base as usize + i).copied(),
                Payload::Generated { size, pattern } => {
                    (base + (i as u64) < *size).then(|| pattern.at(base + i as u64, 1)[0])
                }
                Payload::Stdin(_) => self.unverified.get(i).copied(),
            }
        };
        let first_bad = match &self.payload {
            // Fast path: compare whole slices, fall back to bytes only to find the offset.
            Payload::Generated { size, pattern } if base + echoed.len() as u64 <= *size => {
                let mut at = 0;
                let mut bad = None;
                while at < echoed.len() {
                    let want = pattern.at(base + at as u64, echoed.len() - at);
                    let got = &echoed[at..at + want.len()];
                    if want != got {
                        bad = want.iter().zip(got).position(|(a, b)| a != b).map(|p| at + p);
                        break;
                    }
                    at += want.len();
                }
                bad
            }
            Payload::Message(bytes) if (base as usize + echoed.len()) <= bytes.len() => {
                let want = &bytes[base as usize..base as usize + echoed.len()];
                want.iter().zip(echoed).position(|(a, b)| a != b)
            }
            _ => echoed.iter().enumerate().position(|(i, b)| expected_at(i) != Some(*b)),
        };
        if let Some(i) = first_bad {
            return Err((base + i as u64, expected_at(i), echoed[i]));
        }
        if let Payload::Stdin(_) = self.payload {
            self.unverified.drain(..echoed.len());
        }
        self.verified += echoed.len() as u64;
        Ok(())
    }

    fn done_sending(&self) -> bool {
        match &self.payload {
            Payload::Message(bytes) => self.sent as usize == bytes.len(),
            Payload::Generated { size, .. } => self.sent == *size,
            Payload::Stdin(stdin) => stdin.ended && self.unsent.is_empty(),
        }
    }
}

#[derive(Serialize)]
struct EchoVerified<'a> {
    peer: &'a str,
    bytes_sent: u64,
    bytes_echoed: u64,
    rtt_ms: f64,
    verified: bool,
}

impl Record for EchoVerified<'_> {
    const EVENT: &'static str = "summary";
    fn human(&self, out: &mut String, paint: Paint) {
        out.push_str(&format!(
            "{} {} bytes echoed by {} in {} ms, every byte verified",
            paint.good("ok:"),
            self.bytes_echoed,
            self.peer,
            output::ms(Duration::from_secs_f64(self.rtt_ms / 1000.0))
        ));
    }
}

#[derive(Serialize)]
struct Connected<'a> {
    peer: &'a str,
    local: &'a str,
}

impl Record for Connected<'_> {
    const EVENT: &'static str = "connected";
    fn human(&self, out: &mut String, _: Paint) {
        out.push_str(&format!("connected to {} from {}", self.peer, self.local));
    }
}

impl Record for Syscall {
    const EVENT: &'static str = "trace";
    fn human(&self, out: &mut String, paint: Paint) {
        let args = match self.call {
            "send" => format!("({}, {} bytes)", self.fd, self.len),
            "recv" => format!("({}, buf of {})", self.fd, self.len),
            "shutdown" => format!("({}, SHUT_WR)", self.fd),
            _ => format!("({})", self.fd),
        };
        let result = match (self.returned, &self.errno) {
            (Some(0), _) if self.call == "recv" => paint.warn("0 (EOF: peer shut down its side)"),
            (Some(n), _) if n < self.len && self.call == "send" => {
                paint.warn(format!("{n} (partial: {} left to send)", self.len - n))
            }
            (Some(n), _) => n.to_string(),
            (None, Some(errno)) => paint.dim(format!("-1 {errno}")),
            (None, None) => "-1".to_string(),
        };
        out.push_str(&format!("{}{args} = {result}", self.call));
    }
}

const RECV_BYTES: usize = 64 * 1024;
const CLIENT_TOKEN: Token = Token(0);

fn verify_echo(target: &ClientTarget, payload: Payload, out: &mut Printer) -> anyhow::Result<Exit> {
    let shows_echo = !matches!(payload, Payload::Generated { .. });
    let mut lp = EventLoop::new()?;
    if let Payload::Stdin(stdin) = &payload {
        let _ = stdin.waker_slot.set(lp.waker()?);
    }
    let mut outgoing =
        Outgoing { payload, unverified: VecDeque::new(), unsent: Vec::new(), sent: 0, verified: 0 };

    let started = Instant::now();
    let sock = sockopt::connect(target.addr, target.ty, target.sock)?;
    let peer = sock.peer_addr().map(|a| sockopt::show(&a)).unwrap_or_else(|_| target.addr.to_string());
    let local = sockopt::local_name(&sock);
    let mut conn = Conn::new(Stream::from_socket(sock), target.trace);
    lp.register(&mut conn.stream, CLIENT_TOKEN).context("register")?;
    out.detail(&Connected { peer: &peer, local: &local })?;
    out.set_data_on_stdout(shows_echo);

    let idle_limit = target.sock.timeout.unwrap_or(sockopt::DEFAULT_CONNECT_TIMEOUT);
    let mut last_progress = Instant::now();
    let mut buf = vec![0u8; RECV_BYTES];
    let mut ready = Vec::new();
    let half_close = target.half_close;
    let early_close = |outgoing: &Outgoing, what: &str| {
        let hint = if half_close && outgoing.verified == 0 && outgoing.done_sending() {
            " (a server that closes on EOF before echoing wants --no-half-close)"
        } else if !outgoing.done_sending() {
            " (more were still to send)"
        } else {
            ""
        };
        exit::system(format!(
            "{what} {peer} after echoing {} of {} bytes sent{hint}",
            outgoing.verified, outgoing.sent
        ))
    };
    loop {
        let before = (outgoing.sent, outgoing.verified);
        while let Some(chunk) = outgoing.next() {
            if chunk.is_empty() {
                break;
            }
            let n = match conn.send(chunk) {
                Ok(n) => n,
                Err(e)
                    if e.kind() == io::ErrorKind::BrokenPipe
                        || e.kind() == io::ErrorKind::ConnectionReset =>
                {
                    flush_trace(&mut conn, out)?;
                    return Err(early_close(&outgoing, "connection reset by"));
                }
                Err(e) => return Err(anyhow::Error::from(e).context(format!("send to {peer}"))),
            };
            if n == 0 {
                break;
            }
            outgoing.advance(n);
        }
        if let Payload::Stdin(stdin) = &mut outgoing.payload
            && let Some(e) = stdin.error.take()
        {
            return Err(anyhow::Error::from(e).context("read stdin"));
        }
        if target.half_close && outgoing.done_sending() && !conn.write_shut {
            // Half-close: the server sees EOF, echoes the rest and closes; we read to its EOF.
            conn.shutdown_write().with_context(|| format!("shutdown {peer}"))?;
        }
        let mut peer_closed = false;
        loop {
            match conn.recv(&mut buf) {
                Ok(None) => break,
                Ok(Some(0)) => {
                    peer_closed = true;
                    break;
                }
                Ok(Some(n)) => {
                    if let Err((offset, want, got)) = outgoing.check(&buf[..n]) {
                        flush_trace(&mut conn, out)?;
                        let want = want.map_or("nothing (more bytes than were sent)".to_string(), |b| {
                            format!("0x{b:02x}")
                        });
                        return Err(exit::negative(format!(
                            "echo from {peer} differs at byte offset {offset}: sent {want}, got 0x{got:02x}"
                        )));
                    }
                    if shows_echo {
                        out.data(&buf[..n])?;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                    flush_trace(&mut conn, out)?;
                    return Err(early_close(&outgoing, "connection reset by"));
                }
                Err(e) => return Err(anyhow::Error::from(e).context(format!("recv from {peer}"))),
            }
        }
        flush_trace(&mut conn, out)?;
        let all_back = outgoing.done_sending() && outgoing.verified == outgoing.sent;
        if peer_closed {
            if all_back {
                break;
            }
            return Err(early_close(&outgoing, "closed by"));
        }
        if all_back && !target.half_close {
            break;
        }
        if (outgoing.sent, outgoing.verified) != before {
            last_progress = Instant::now();
        }
        // Waiting for stdin is not waiting for the server: --timeout counts only while bytes
        // are out with the server or the server is not taking them.
        let waiting_on_stdin = matches!(outgoing.payload, Payload::Stdin(_))
            && outgoing.sent == outgoing.verified
            && outgoing.unsent.is_empty()
            && !outgoing.done_sending();
        if waiting_on_stdin {
            last_progress = Instant::now();
            lp.wait(None, &mut ready).context("epoll_wait")?;
            continue;
        }
        let deadline = last_progress + idle_limit;
        if Instant::now() >= deadline {
            return Err(exit::system(format!(
                "no echo from {peer} for {} (timeout): {} of {} bytes sent came back",
                humantime::format_duration(idle_limit),
                outgoing.verified,
                outgoing.sent
            )));
        }
        lp.wait(Some(deadline), &mut ready).context("epoll_wait")?;
    }
    out.result(&EchoVerified {
        peer: &peer,
        bytes_sent: outgoing.sent,
        bytes_echoed: outgoing.verified,
        rtt_ms: started.elapsed().as_secs_f64() * 1000.0,
        verified: true,
    })?;
    Ok(Exit::Success)
}

fn flush_trace(conn: &mut Conn, out: &mut Printer) -> anyhow::Result<()> {
    for call in conn.take_trace() {
        out.result(&call)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Load generator

enum Phase {
    Connecting,
    /// Sending this round's bytes and reading their echo.
    Round {
        started: Instant,
        sent: usize,
        echoed: usize,
    },
    /// All rounds done, write side shut: waiting for the server's EOF.
    Closing,
    Done,
}

struct LoadConn {
    conn: Conn,
    phase: Phase,
    stream_start: u64,
    rounds_done: u64,
    opened: Instant,
}

#[derive(Default)]
struct LoadStats {
    latencies: Vec<Duration>,
    connect_times: Vec<Duration>,
    bytes_echoed: u64,
    completed: u64,
    failed: u64,
    mismatched: u64,
    first_error: Option<String>,
}

#[derive(Serialize)]
struct LoadSummary {
    peer: String,
    connections: u64,
    completed: u64,
    failed: u64,
    round_trips: u64,
    bytes_echoed: u64,
    duration_ms: f64,
    mb_per_s: f64,
    round_trips_per_s: f64,
    connections_per_s: f64,
    rtt_p50_ms: f64,
    rtt_p90_ms: f64,
    rtt_p99_ms: f64,
    rtt_max_ms: f64,
    connect_p50_ms: f64,
}

impl Record for LoadSummary {
    const EVENT: &'static str = "summary";
    fn human(&self, out: &mut String, paint: Paint) {
        let status = if self.failed == 0 { paint.good("ok:") } else { paint.bad("FAILED:") };
        out.push_str(&format!(
            "{status} {} connections to {}: {} completed, {} failed, in {:.2} s\n  \
             throughput {:.1} MB/s echoed, {:.0} round trips/s, {:.0} connections/s\n  \
             round trip p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms (connect p50 {:.3} ms)",
            self.connections,
            self.peer,
            self.completed,
            self.failed,
            self.duration_ms / 1000.0,
            self.mb_per_s,
            self.round_trips_per_s,
            self.connections_per_s,
            self.rtt_p50_ms,
            self.rtt_p90_ms,
            self.rtt_p99_ms,
            self.rtt_max_ms,
            self.connect_p50_ms
        ));
    }
}

fn run_load(
    target: &ClientTarget,
    connections: u64,
    load: &LoadArgs,
    out: &mut Printer,
) -> anyhow::Result<Exit> {
    let round_bytes = load.size.unwrap_or(1024);
    let pattern = Pattern::new();
    let mut lp = EventLoop::new()?;
    let mut conns: Slab<LoadConn> = Slab::default();
    let mut stats = LoadStats::default();
    let started = Instant::now();
    // The first connection tries every address the name has, as a single client does; the
    // rest go where it got through, without waiting for each other's handshakes.
    let first = sockopt::connect(target.addr, target.ty, target.sock)?;
    let addr = first.peer_addr().context("peer address")?;
    let peer = sockopt::show(&addr);
    let mut first = Some(first);
    for index in 0..connections {
        let started_connect = match first.take() {
            Some(sock) => Ok(sock),
            None => sockopt::start_connect(&addr, target.ty, target.sock),
        };
        let sock = match started_connect {
            Ok(sock) => sock,
            Err(e) if is_emfile(&e) => {
                return Err(e.context(format!(
                    "opening connection {} of {connections}: raise `ulimit -n`",
                    index + 1
                )));
            }
            // A refused or backlogged connect costs that connection, not the run.
            Err(e) => {
                stats.failed += 1;
                stats.first_error.get_or_insert_with(|| format!("{e:#}"));
                continue;
            }
        };
        let mut conn = Conn::new(Stream::from_socket(sock), target.trace);
        let token = conns.vacant_token();
        lp.register(&mut conn.stream, token).context("register")?;
        conns.insert(LoadConn {
            conn,
            phase: Phase::Connecting,
            stream_start: Pattern::start_of(index),
            rounds_done: 0,
            opened: Instant::now(),
        });
    }

    let idle_limit = target.sock.timeout.unwrap_or(sockopt::DEFAULT_CONNECT_TIMEOUT);
    let mut last_progress = Instant::now();
    let mut buf = vec![0u8; RECV_BYTES];
    let mut ready = Vec::with_capacity(1024);
    let mut pending: Vec<Token> = conns.tokens();
    while !conns.is_empty() {
        let progressed_before =
            stats.bytes_echoed + stats.completed + stats.failed + stats.connect_times.len() as u64;
        for token in pending.drain(..) {
            let Some(lc) = conns.get_mut(token) else { continue };
            let result = drive(lc, &pattern, round_bytes, load.count, &mut buf, &mut stats);
            for call in lc.conn.take_trace() {
                out.result(&call)?;
            }
            match result {
                Ok(()) if matches!(lc.phase, Phase::Done) => {
                    stats.completed += 1;
                    conns.remove(token);
                }
                Ok(()) => {}
                Err(e) => {
                    stats.failed += 1;
                    stats.first_error.get_or_insert_with(|| format!("{e:#}"));
                    conns.remove(token);
                }
            }
        }
        if stats.bytes_echoed + stats.completed + stats.failed + stats.connect_times.len() as u64
            != progressed_before
        {
            last_progress = Instant::now();
        }
        if conns.is_empty() {
            break;
        }
        let deadline = last_progress + idle_limit;
        if Instant::now() >= deadline {
            let stalled = conns.len() as u64;
            stats.failed += stalled;
            stats.first_error.get_or_insert_with(|| {
                format!(
                    "{stalled} connections made no progress for {} (timeout)",
                    humantime::format_duration(idle_limit)
                )
            });
            break;
        }
        lp.wait(Some(deadline), &mut ready).context("epoll_wait")?;
        pending.extend_from_slice(&ready);
    }
    let elapsed = started.elapsed();
    let summary = summarize(&peer, connections, &mut stats, elapsed);
    out.result(&summary)?;
    if let Some(error) = &stats.first_error {
        let kind = if stats.mismatched > 0 { exit::negative } else { exit::system };
        return Err(kind(format!("{} of {connections} connections failed; first: {error}", stats.failed)));
    }
    Ok(Exit::Success)
}

fn is_emfile(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.raw_os_error() == Some(libc::EMFILE)))
}

/// Moves one load connection as far as its socket allows.
fn drive(
    lc: &mut LoadConn,
    pattern: &Pattern,
    round_bytes: usize,
    rounds: u64,
    buf: &mut [u8],
    stats: &mut LoadStats,
) -> anyhow::Result<()> {
    if let Phase::Connecting = lc.phase {
        if let Some(e) = lc.conn.stream.take_error()? {
            return Err(anyhow::Error::from(e).context("connect"));
        }
        if !lc.conn.stream.is_connected() {
            return Ok(());
        }
        stats.connect_times.push(lc.opened.elapsed());
        lc.phase = Phase::Round { started: Instant::now(), sent: 0, echoed: 0 };
    }
    let mut round_is_new = matches!(lc.phase, Phase::Round { sent: 0, .. });
    loop {
        match &mut lc.phase {
            Phase::Connecting | Phase::Done => return Ok(()),
            Phase::Round { started, sent, echoed } => {
                let offset = lc.stream_start + lc.rounds_done * round_bytes as u64;
                let mut moved = false;
                while *sent < round_bytes {
                    let chunk = pattern.at(offset + *sent as u64, round_bytes - *sent);
                    let n = lc.conn.send(chunk).context("send")?;
                    if n == 0 {
                        break;
                    }
                    *sent += n;
                    moved = true;
                }
                if std::mem::take(&mut round_is_new) && *sent == round_bytes {
                    // The echo of a round sent just now cannot be here yet; skip the recv
                    // bound to fail with EAGAIN. Edge-triggered epoll wakes us when it arrives.
                    return Ok(());
                }
                match lc.conn.recv(buf).context("recv")? {
                    None if !moved => return Ok(()),
                    None => continue,
                    Some(0) => anyhow::bail!(
                        "server closed after echoing {echoed} of {sent} bytes in round {}",
                        lc.rounds_done + 1
                    ),
                    Some(n) => {
                        if *echoed + n > *sent {
                            anyhow::bail!("server sent {} bytes more than it was sent", *echoed + n - *sent);
                        }
                        let want = pattern.at(offset + *echoed as u64, n);
                        if want.len() < n || want != &buf[..n] {
                            stats.mismatched += 1;
                            let at =
                                want.iter().zip(&buf[..n]).position(|(a, b)| a != b).unwrap_or(want.len());
                            anyhow::bail!(
                                "echo differs at byte offset {}",
                                lc.rounds_done * round_bytes as u64 + (*echoed + at) as u64
                            );
                        }
                        *echoed += n;
                        stats.bytes_echoed += n as u64;
                        if *echoed == round_bytes {
                            stats.latencies.push(started.elapsed());
                            lc.rounds_done += 1;
                            if lc.rounds_done == rounds {
                                lc.conn.shutdown_write().context("shutdown")?;
                                lc.phase = Phase::Closing;
                            } else {
                                lc.phase = Phase::Round { started: Instant::now(), sent: 0, echoed: 0 };
                                round_is_new = true;
                            }
                        }
                    }
                }
            }
            Phase::Closing => match lc.conn.recv(buf).context("recv")? {
                None => return Ok(()),
                Some(0) => {
                    lc.phase = Phase::Done;
                    return Ok(());
                }
                Some(n) => anyhow::bail!("server sent {n} bytes after the last echo"),
            },
        }
    }
}

fn summarize(peer: &str, connections: u64, stats: &mut LoadStats, elapsed: Duration) -> LoadSummary {
    stats.latencies.sort_unstable();
    stats.connect_times.sort_unstable();
    let secs = elapsed.as_secs_f64().max(1e-9);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    LoadSummary {
        peer: peer.to_string(),
        connections,
        completed: stats.completed,
        failed: stats.failed,
        round_trips: stats.latencies.len() as u64,
        bytes_echoed: stats.bytes_echoed,
        duration_ms: ms(elapsed),
        mb_per_s: stats.bytes_echoed as f64 / 1e6 / secs,
        round_trips_per_s: stats.latencies.len() as f64 / secs,
        connections_per_s: stats.completed as f64 / secs,
        rtt_p50_ms: ms(percentile(&stats.latencies, 50.0)),
        rtt_p90_ms: ms(percentile(&stats.latencies, 90.0)),
        rtt_p99_ms: ms(percentile(&stats.latencies, 99.0)),
        rtt_max_ms: ms(stats.latencies.last().copied().unwrap_or_default()),
        connect_p50_ms: ms(percentile(&stats.connect_times, 50.0)),
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn pattern_slices_are_the_same_stream_wherever_they_are_cut() {
        let pattern = Pattern::new();
        let whole = pattern.at(PATTERN_PERIOD as u64 - 10, 20).to_vec();
        let mut pieces = pattern.at(PATTERN_PERIOD as u64 - 10, 10).to_vec();
        pieces.extend_from_slice(pattern.at(PATTERN_PERIOD as u64, 10));
        assert_eq!(whole, pieces);
        assert_ne!(pattern.at(Pattern::start_of(1), 64), pattern.at(Pattern::start_of(2), 64));
    }

    #[test]
    fn outgoing_names_the_first_differing_offset() {
        let mut outgoing = Outgoing {
            payload: Payload::Message(b"hello world".to_vec()),
            unverified: VecDeque::new(),
            unsent: Vec::new(),
            sent: 11,
            verified: 0,
        };
        assert!(outgoing.check(b"hello").is_ok());
        assert_eq!(outgoing.check(b" wOrld"), Err((7, Some(b'o'), b'O')));
        assert_eq!(outgoing.check(b" world!"), Err((11, None, b'!')));
    }
}
