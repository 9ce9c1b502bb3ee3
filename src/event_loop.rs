//! The one event loop: a mio `Poll`, tokens from a slab, deadlines, SIGINT/SIGTERM as a source,
//! and the stream connection type every stream subcommand uses.
//!
//! Sockets are registered edge-triggered for both directions once and never re-registered; a
//! connection therefore reads and writes until `WouldBlock` each time it is woken, and one that
//! stops early (its budget ran out) is put on the `again` list to be served next turn.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use mio::event::Source;
use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;
use socket2::Socket;

/// The token of the SIGINT/SIGTERM source.
pub const SIGNAL_TOKEN: Token = Token(usize::MAX);
/// The token of the waker other threads use (stdin reader).
pub const WAKER_TOKEN: Token = Token(usize::MAX - 1);

pub struct EventLoop {
    poll: Poll,
    events: Events,
    signals: Option<Signals>,
    stop_signal: Option<i32>,
    stop_signals: u32,
}

impl EventLoop {
    pub fn new() -> anyhow::Result<EventLoop> {
        Ok(EventLoop {
            poll: Poll::new().context("epoll_create")?,
            events: Events::with_capacity(1024),
            signals: None,
            stop_signal: None,
            stop_signals: 0,
        })
    }

    /// A loop for a server: SIGINT and SIGTERM are caught from now on (see `catch_signals`).
    pub fn stopped_by_signals() -> anyhow::Result<EventLoop> {
        let mut lp = EventLoop::new()?;
        lp.catch_signals()?;
        Ok(lp)
    }

    /// Turns SIGINT and SIGTERM into events, so a server can stop cleanly (see `stop_signal`).
    pub fn catch_signals(&mut self) -> anyhow::Result<()> {
        let mut signals = Signals::new([SIGINT, SIGTERM]).context("install signal handlers")?;
        self.poll.registry().register(&mut signals, SIGNAL_TOKEN, Interest::READABLE)?;
        self.signals = Some(signals);
        Ok(())
    }

    pub fn waker(&self) -> anyhow::Result<Arc<Waker>> {
        Ok(Arc::new(Waker::new(self.poll.registry(), WAKER_TOKEN)?))
    }

    /// Registers a source for both directions, edge-triggered (see the module comment).
    pub fn register(&self, source: &mut impl Source, token: Token) -> io::Result<()> {
        self.poll.registry().register(source, token, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers a source for reading only (listeners, datagram sockets, pipes).
    pub fn register_readable(&self, source: &mut impl Source, token: Token) -> io::Result<()> {
        self.poll.registry().register(source, token, Interest::READABLE)
    }

    /// Waits until something is ready, a signal arrives, or `deadline` passes, and fills
    /// `ready` with the tokens that woke (copied out so handlers may borrow the loop again;
    /// empty on timeout). EINTR just waits again.
    pub fn wait(&mut self, deadline: Option<Instant>, ready: &mut Vec<Token>) -> io::Result<()> {
        ready.clear();
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        }
        for event in self.events.iter() {
            if event.token() == SIGNAL_TOKEN {
                if let Some(signals) = &mut self.signals {
                    for signal in signals.pending() {
                        self.stop_signal = Some(signal);
                        self.stop_signals += 1;
                    }
                }
                continue;
            }
            ready.push(event.token());
        }
        Ok(())
    }

    /// The SIGINT or SIGTERM that asked us to stop, if one came.
    pub fn stop_signal(&self) -> Option<i32> {
        self.stop_signal
    }

    /// The stop signal's name for a summary line: `SIGINT`, `SIGTERM`.
    pub fn stop_signal_name(&self) -> &'static str {
        match self.stop_signal {
            Some(libc::SIGINT) => "SIGINT",
            Some(libc::SIGTERM) => "SIGTERM",
            _ => "a signal",
        }
    }

    /// How many stop signals have come (a second one means "stop now").
    pub fn stop_signals(&self) -> u32 {
        self.stop_signals
    }
}

/// The epoll fd: poll(2) reports it readable while an event is pending (a signal, a ready
/// source), so a caller that waits in poll(2) on fds it keeps out of epoll (ping's flood) can
/// still see signals, then collect them with a zero-timeout `wait`.
impl AsRawFd for EventLoop {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.poll.as_raw_fd()
    }
}

/// The earliest of some optional deadlines.
pub fn earliest(deadlines: impl IntoIterator<Item = Option<Instant>>) -> Option<Instant> {
    deadlines.into_iter().flatten().min()
}

/// Connections by token: the token is the index, freed slots are reused.
pub struct Slab<T> {
    slots: Vec<Option<T>>,
    free: Vec<usize>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: Vec::new(), len: 0 }
    }
}

impl<T> Slab<T> {
    pub fn vacant_token(&self) -> Token {
        Token(self.free.last().copied().unwrap_or(self.slots.len()))
    }

    pub fn insert(&mut self, item: T) -> Token {
        self.len += 1;
        match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(item);
                Token(i)
            }
            None => {
                self.slots.push(Some(item));
                Token(self.slots.len() - 1)
            }
        }
    }

    pub fn get_mut(&mut self, token: Token) -> Option<&mut T> {
        self.slots.get_mut(token.0).and_then(Option::as_mut)
    }

    pub fn remove(&mut self, token: Token) -> Option<T> {
        let item = self.slots.get_mut(token.0)?.take()?;
        self.free.push(token.0);
        self.len -= 1;
        Some(item)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn tokens(&self) -> Vec<Token> {
        (0..self.slots.len()).filter(|&i| self.slots[i].is_some()).map(Token).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Token, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|t| (Token(i), t)))
    }
}

/// A connected stream socket of either family.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    /// Wraps a connected (or connecting) non-blocking socket from `sockopt`.
    pub fn from_socket(sock: Socket) -> Stream {
        let unix = sock.domain().is_ok_and(|d| d == socket2::Domain::UNIX);
        let fd = OwnedFd::from(sock);
        if unix {
            Stream::Unix(UnixStream::from_std(fd.into()))
        } else {
            Stream::Tcp(TcpStream::from_std(fd.into()))
        }
    }

    pub fn shutdown_write(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(Shutdown::Write),
            Stream::Unix(s) => s.shutdown(Shutdown::Write),
        }
    }

    /// The error a non-blocking connect ended with, if any (SO_ERROR).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Unix(s) => s.take_error(),
        }
    }

    /// True once a non-blocking connect has completed.
    pub fn is_connected(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.peer_addr().is_ok(),
            Stream::Unix(s) => s.peer_addr().is_ok(),
        }
    }
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }
}

impl std::os::fd::AsFd for Stream {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self` and lives as long as the borrow.
        unsafe { std::os::fd::BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            Stream::Unix(s) => s.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            Stream::Unix(s) => s.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            Stream::Unix(s) => s.deregister(r),
        }
    }
}

/// A listening stream socket of either family.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    pub fn from_socket(sock: Socket) -> Listener {
        let unix = sock.domain().is_ok_and(|d| d == socket2::Domain::UNIX);
        let fd = OwnedFd::from(sock);
        if unix {
            Listener::Unix(UnixListener::from_std(fd.into()))
        } else {
            Listener::Tcp(TcpListener::from_std(fd.into()))
        }
    }

    /// Accepts one client: the stream (non-blocking) and the peer's address as users write it.
    pub fn accept(&self) -> io::Result<(Stream, String)> {
        match self {
            Listener::Tcp(l) => {
                l.accept().map(|(s, peer)| (Stream::Tcp(s), crate::sockopt::show_inet(&peer)))
            }
            Listener::Unix(l) => l.accept().map(|(s, peer)| {
                let name = match peer.as_pathname() {
                    Some(path) => path.display().to_string(),
                    None => format!("fd {}", s.as_raw_fd()),
                };
                (Stream::Unix(s), name)
            }),
        }
    }
}

impl Source for Listener {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.register(r, t, i),
            Listener::Unix(l) => l.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.reregister(r, t, i),
            Listener::Unix(l) => l.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.deregister(r),
            Listener::Unix(l) => l.deregister(r),
        }
    }
}

/// One send or recv as `--trace` shows it: the call, the bytes offered, and what came back.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Syscall {
    pub call: &'static str,
    pub fd: i32,
    /// Bytes offered to send, or room given to recv.
    pub len: usize,
    /// Bytes moved (0 from recv is end of stream); absent when the call failed.
    pub returned: Option<usize>,
    /// `EAGAIN`, `ECONNRESET`, ... when the call failed.
    pub errno: Option<String>,
}

/// What a `pump_echo` turn ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pump {
    /// Waiting for the socket: it will wake us.
    Waiting,
    /// The turn's budget ran out with the socket still ready: serve again next turn.
    Again,
    /// The peer half-closed and everything owed was written; our side is shut down too.
    Finished,
}

/// Reads per wake-up before a busy connection yields to the others.
const READS_PER_TURN: usize = 16;

/// A stream connection with the bookkeeping every subcommand needs: partial writes (the unsent
/// tail is kept and sent when the socket turns writable), WouldBlock, EINTR, half-close, and
/// backpressure (while a tail is owed, nothing more is read, so memory stays bounded).
pub struct Conn {
    pub stream: Stream,
    /// Bytes read but not yet written back; empty unless the peer reads slower than it sends.
    unsent: Vec<u8>,
    unsent_from: usize,
    /// The peer shut down its write side (read returned 0).
    pub peer_eof: bool,
    /// We shut down our write side.
    pub write_shut: bool,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// `--trace`: every send/recv is logged here for the caller to print.
    pub trace: Option<Vec<Syscall>>,
    /// Seqpacket: every recv is one whole message and every send one message.
    messages: bool,
    /// Messages longer than the read buffer, dropped whole rather than echoed cut short.
    pub oversized: u64,
    pub last_oversized_len: usize,
}

impl Conn {
    pub fn new(stream: Stream, trace: bool) -> Conn {
        Conn {
            stream,
            unsent: Vec::new(),
            unsent_from: 0,
            peer_eof: false,
            write_shut: false,
            bytes_in: 0,
            bytes_out: 0,
            trace: trace.then(Vec::new),
            messages: false,
            oversized: 0,
            last_oversized_len: 0,
        }
    }

    /// For a seqpacket socket: recv returns one whole message (one longer than the buffer is
    /// counted in `oversized` and skipped, never cut short), and `send_or_keep` sends one
    /// message, which the kernel takes whole or not at all.
    pub fn for_messages(mut self) -> Conn {
        self.messages = true;
        self
    }

    /// Reads once: `Some(n)` bytes (0 is end of stream), `None` on WouldBlock.
    pub fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        loop {
            let result = if self.messages { self.recv_message(buf) } else { self.stream.read(buf) };
            self.log("recv", buf.len(), &result);
            match result {
                // On seqpacket an empty message reads as 0 too; Linux cannot tell them apart.
                Ok(0) => {
                    self.peer_eof = true;
                    return Ok(Some(0));
                }
                Ok(n) if n > buf.len() => {
                    self.bytes_in += n as u64;
                    self.oversized += 1;
                    self.last_oversized_len = n;
                }
                Ok(n) => {
                    self.bytes_in += n as u64;
                    return Ok(Some(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// One message with its real length, even when longer than `buf` (MSG_TRUNC).
    fn recv_message(&self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: `buf` is valid for writes of its length; the descriptor is open.
        let n = unsafe {
            libc::recv(self.stream.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), libc::MSG_TRUNC)
        };
        if n < 0 { Err(io::Error::last_os_error()) } else { Ok(n as usize) }
    }

    /// Writes once: the bytes the kernel took (maybe fewer than offered), 0 on WouldBlock.
    pub fn send(&mut self, data: &[u8]) -> io::Result<usize> {
        loop {
            let result = self.stream.write(data);
            self.log("send", data.len(), &result);
            match result {
                Ok(n) => {
                    self.bytes_out += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(0),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// True while bytes are owed to the peer.
    pub fn owes(&self) -> bool {
        self.unsent_from < self.unsent.len()
    }

    /// Sends `data`, keeping whatever the socket did not take to send later.
    pub fn send_or_keep(&mut self, data: &[u8]) -> io::Result<()> {
        if self.owes() {
            self.unsent.extend_from_slice(data);
            return Ok(());
        }
        let mut sent = 0;
        while sent < data.len() {
            match self.send(&data[sent..])? {
                0 => break,
                n => sent += n,
            }
        }
        if sent < data.len() {
            self.unsent.clear();
            self.unsent_from = 0;
            self.unsent.extend_from_slice(&data[sent..]);
        }
        Ok(())
    }

    /// Sends what is owed; true when nothing is owed any more.
    pub fn flush_owed(&mut self) -> io::Result<bool> {
        while self.owes() {
            let tail = std::mem::take(&mut self.unsent);
            let result = self.send(&tail[self.unsent_from..]);
            self.unsent = tail;
            match result? {
                0 => return Ok(false),
                n => self.unsent_from += n,
            }
        }
        // Give the tail's memory back: a thousand clients that were each slow once must not
        // keep a read's worth apiece while idle.
        self.unsent = Vec::new();
        self.unsent_from = 0;
        Ok(true)
    }

    /// Shuts our write side (FIN after every byte already sent), once.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        if !self.write_shut {
            self.write_shut = true;
            if let Some(trace) = &mut self.trace {
                trace.push(Syscall {
                    call: "shutdown",
                    fd: self.stream.as_raw_fd(),
                    len: 0,
                    returned: Some(0),
                    errno: None,
                });
            }
            match self.stream.shutdown_write() {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// One echo turn: write what is owed, then read and write back until the socket would
    /// block, the budget runs out, or the peer half-closes and everything is written back.
    pub fn pump_echo(&mut self, scratch: &mut [u8]) -> io::Result<Pump> {
        for _ in 0..READS_PER_TURN {
            if !self.flush_owed()? {
                // The peer is not reading its echo: stop reading from it until it does.
                return Ok(Pump::Waiting);
            }
            if self.peer_eof {
                self.shutdown_write()?;
                return Ok(Pump::Finished);
            }
            match self.recv(scratch)? {
                None => return Ok(Pump::Waiting),
                Some(0) => continue,
                Some(n) => self.send_or_keep(&scratch[..n])?,
            }
        }
        Ok(Pump::Again)
    }

    /// Reads and drops whatever arrives (a server that is shutting down); true at end of stream.
    pub fn discard_input(&mut self, scratch: &mut [u8]) -> io::Result<bool> {
        loop {
            match self.recv(scratch)? {
                None => return Ok(false),
                Some(0) => return Ok(true),
                Some(_) => {}
            }
        }
    }

    pub fn take_trace(&mut self) -> Vec<Syscall> {
        self.trace.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn log(&mut self, call: &'static str, len: usize, result: &io::Result<usize>) {
        if let Some(trace) = &mut self.trace {
            let (returned, errno) = match result {
                Ok(n) => (Some(*n), None),
                Err(e) => (None, Some(errno_name(e))),
            };
            trace.push(Syscall { call, fd: self.stream.as_raw_fd(), len, returned, errno });
        }
    }
}

/// `EAGAIN`, `ECONNRESET`, ...: the name a reader looks up in man pages.
pub fn errno_name(e: &io::Error) -> String {
    let name = match e.raw_os_error() {
        Some(libc::EAGAIN) => "EAGAIN",
        Some(libc::EINTR) => "EINTR",
        Some(libc::ECONNRESET) => "ECONNRESET",
        Some(libc::EPIPE) => "EPIPE",
        Some(libc::ECONNREFUSED) => "ECONNREFUSED",
        Some(libc::ETIMEDOUT) => "ETIMEDOUT",
        Some(libc::ENOTCONN) => "ENOTCONN",
        Some(libc::EMFILE) => "EMFILE",
        Some(libc::ENFILE) => "ENFILE",
        Some(libc::EHOSTUNREACH) => "EHOSTUNREACH",
        Some(libc::ENETUNREACH) => "ENETUNREACH",
        Some(libc::EMSGSIZE) => "EMSGSIZE",
        Some(n) => return format!("errno {n}"),
        None => return e.kind().to_string(),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::Endpoint;
    use crate::sockopt::{self, SockOpts};
    use socket2::Type;
    use std::time::Duration;

    fn pair(opts: &SockOpts) -> (std::net::TcpStream, Conn) {
        let ep = Endpoint::parse("127.0.0.1:0", None).unwrap();
        let listener = sockopt::listen(&ep, Type::STREAM, opts).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        let client = std::net::TcpStream::connect(addr).unwrap();
        let listener = Listener::from_socket(listener);
        let (stream, _) = loop {
            match listener.accept() {
                Ok(s) => break s,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => panic!("{e}"),
            }
        };
        (client, Conn::new(stream, true))
    }

    #[test]
    fn echo_keeps_the_unsent_tail_and_stops_reading_until_it_drains() {
        let opts = SockOpts { sndbuf: Some(4096), rcvbuf: Some(4096), backlog: 8, ..SockOpts::default() };
        let (mut client, mut conn) = pair(&opts);
        client.set_nonblocking(true).unwrap();
        let payload: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut scratch = vec![0u8; 65536];
        let (mut sent, mut echoed) = (0usize, Vec::new());
        let mut buf = vec![0u8; 65536];
        let write_some = |client: &mut std::net::TcpStream, sent: &mut usize| {
            if *sent < payload.len() {
                match client.write(&payload[*sent..]) {
                    Ok(n) => *sent += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
            }
        };
        // The client sends and never reads: the server's echo must back up into a kept tail.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !conn.owes() {
            assert!(Instant::now() < deadline, "tiny buffers never produced a partial write");
            write_some(&mut client, &mut sent);
            conn.pump_echo(&mut scratch).unwrap();
        }
        while echoed.len() < payload.len() {
            write_some(&mut client, &mut sent);
            conn.pump_echo(&mut scratch).unwrap();
            // Memory per connection stays bounded by one read.
            assert!(conn.unsent.len() <= scratch.len());
            match client.read(&mut buf) {
                Ok(n) => echoed.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert!(echoed == payload, "echo differs");
        // Once nothing is owed, the tail's memory is given back.
        assert!(!conn.owes());
        assert_eq!(conn.unsent.capacity(), 0);
        // Backpressure, from the syscalls themselves: a recv is only ever issued when every
        // byte read before it has been written back.
        let mut owed = 0usize;
        for call in conn.take_trace() {
            match (call.call, call.returned) {
                ("recv", returned) => {
                    assert_eq!(owed, 0, "read while {owed} bytes were owed");
                    owed += returned.unwrap_or(0);
                }
                ("send", Some(n)) => owed -= n,
                _ => {}
            }
        }
    }

    #[test]
    fn half_close_is_answered_after_everything_owed_is_written() {
        let (mut client, mut conn) = pair(&SockOpts { backlog: 8, ..SockOpts::default() });
        client.write_all(b"hello").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut scratch = vec![0u8; 1024];
        let deadline = Instant::now() + Duration::from_secs(5);
        while conn.pump_echo(&mut scratch).unwrap() != Pump::Finished {
            assert!(Instant::now() < deadline, "never saw EOF");
            std::thread::yield_now();
        }
        let mut back = Vec::new();
        client.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"hello");
        assert_eq!((conn.bytes_in, conn.bytes_out), (5, 5));
    }

    #[test]
    fn slab_reuses_freed_tokens() {
        let mut slab = Slab::default();
        let a = slab.insert("a");
        let b = slab.insert("b");
        assert_eq!(slab.remove(a), Some("a"));
        assert_eq!(slab.vacant_token(), a);
        assert_eq!(slab.insert("c"), a);
        assert_eq!(slab.len(), 2);
        assert_eq!(slab.tokens(), vec![a, b]);
        assert!(slab.remove(Token(99)).is_none());
    }
}
