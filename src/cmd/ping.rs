//! `sockkit ping HOST...`: ICMP echo for IPv4 and IPv6 with iputils' output, many hosts at once
//! from one event loop and one socket per family.
//!
//! Shape of iputils' `main_loop`: check the exit conditions, send what is due, wait for a reply
//! or the next deadline. Each probe's life is a [`Probe`] state keyed by its sequence number;
//! replies are matched by (source, id, seq) and checked against the payload that was sent.

mod icmp;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, SocketAddrV6};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use mio::Token;
use mio::unix::SourceFd;
use serde::Serialize;
use socket2::{SockAddr, Socket};

use crate::addr::{self, Family, Host, Scoped};
use crate::cli::PingArgs;
use crate::event_loop::{EventLoop, earliest, errno_name};
use crate::exit::{self, Exit};
use crate::output::{self, Level, Paint, Printer, Record};
use crate::sockopt::{self, IcmpKind, IcmpOpts};
use icmp::{IcmpError, Message, PayloadCheck};

/// iputils refuses intervals below this to users who are not root ("cannot flood"). Old
/// iputils said 200 ms; 20221126, the reference, says 2 ms (checked by running it as nobody).
const MIN_USER_INTERVAL: Duration = Duration::from_millis(2);
/// Flood and `-i 0`: a probe as soon as the last is answered, but at least this often.
const FLOOD_TICK: Duration = Duration::from_millis(10);
/// Flood: the longest the loop goes without waiting (where signals are seen) while replies
/// keep coming at once.
const FLOOD_LOOK: Duration = Duration::from_millis(10);
/// iputils' default -W: how long to wait after the last probe when nothing was answered.
const DEFAULT_LINGER: Duration = Duration::from_secs(10);
/// iputils prints times only when the payload can hold its 16-byte timeval; we do the same so
/// `-s 8` output keeps iputils' shape.
const TIMING_MIN_PAYLOAD: usize = 16;
/// Room for the largest IPv4 packet (raw sockets include the IP header).
const RECV_BYTES: usize = 65_536 + 512;

pub fn run(args: PingArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    let plan = Plan::from_args(&args)?;
    let targets = resolve_targets(&args, out)?;
    let icmp_opts = icmp_opts(&args)?;
    let mut lp = EventLoop::new()?;
    lp.catch_signals()?;
    let mut pinger = Pinger::open(plan, targets, &icmp_opts, &lp, out)?;
    pinger.run(&mut lp, out)?;
    pinger.finish(out)
}

// ---------------------------------------------------------------------------------------------
// Flags -> a plan

struct Plan {
    count: Option<u64>,
    interval: Duration,
    /// -f or -i 0: the next probe goes when the last is answered, or after FLOOD_TICK.
    fast: bool,
    flood: bool,
    linger: Duration,
    deadline: Option<Duration>,
    size: usize,
    timing: bool,
    /// -D: reply and error lines start with the time of day.
    timestamps: bool,
    /// -p: the bytes the payload repeats after the stamp; empty: iputils' counting bytes.
    pattern: Vec<u8>,
    /// -O: say so when the previous probe is unanswered as the next one goes.
    report_outstanding: bool,
}

impl Plan {
    fn from_args(args: &PingArgs) -> anyhow::Result<Plan> {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let interval =
            args.interval.unwrap_or(if args.flood { Duration::ZERO } else { Duration::from_secs(1) });
        if !root && (args.flood || interval < MIN_USER_INTERVAL) {
            let flag = if args.flood { "-f".to_string() } else { format!("-i {interval:?}") };
            return Err(exit::usage(format!(
                "{flag}: cannot flood; minimal interval allowed for user is 2ms (root may go lower)"
            )));
        }
        let size = usize::from(args.size);
        Ok(Plan {
            count: args.count,
            interval,
            fast: interval.is_zero(),
            flood: args.flood,
            linger: args.timeout.unwrap_or(DEFAULT_LINGER),
            deadline: args.deadline,
            size,
            timing: size >= TIMING_MIN_PAYLOAD,
            timestamps: args.timestamps,
            pattern: args.pattern.clone().map(|p| p.0).unwrap_or_default(),
            report_outstanding: args.report_outstanding,
        })
    }
}

struct Target {
    /// As typed.
    name: String,
    addr: IpAddr,
    /// The interface of a link-local IPv6 address (its zone), else 0.
    scope_id: u32,
    /// The address as iputils prints it: with `%IFACE` when it has a scope.
    shown: String,
    named: bool,
}

fn resolve_targets(args: &PingArgs, out: &mut Printer) -> anyhow::Result<Vec<Target>> {
    let family = match (args.ipv4, args.ipv6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    let mut targets: Vec<Target> = Vec::new();
    for host in &args.hosts {
        let (addr, named) = match host {
            Host::Ip(ip) if !family.admits(ip) => {
                let want = if family == Family::V4 { "IPv4 (-4)" } else { "IPv6 (-6)" };
                return Err(exit::usage(format!("host {ip} is not {want}")));
            }
            Host::Ip(ip) => (SocketAddr::new(*ip, 0), false),
            Host::Scoped(scoped) if family == Family::V4 => {
                return Err(exit::usage(format!("host {}%{} is not IPv4 (-4)", scoped.ip, scoped.zone)));
            }
            Host::Scoped(_) => (host.resolve(family)?[0], false),
            // A name that does not resolve, or has no address in the family asked for, is a
            // network error (exit 3) through the resolver echo, udp and http share; iputils
            // says 2, but CLI.md keeps 2 for input sockkit could tell was bad by itself.
            _ => (host.resolve(family)?[0], true),
        };
        let scope_id = match addr {
            SocketAddr::V6(v6) => v6.scope_id(),
            SocketAddr::V4(_) => 0,
        };
        let shown = match addr {
            SocketAddr::V6(v6) => addr::scoped_text(v6.ip(), scope_id),
            SocketAddr::V4(v4) => v4.ip().to_string(),
        };
        let addr = addr.ip();
        if targets.iter().any(|t| t.addr == addr) {
            out.warn(format!("{host} is {shown}, already being pinged; once is enough"));
            continue;
        }
        let name = match host {
            Host::Ip(ip) => ip.to_string(),
            Host::Scoped(scoped) => format!("{}%{}", scoped.ip, scoped.zone),
            Host::Name(text) => text.clone(),
            Host::Any => host.to_string(),
        };
        targets.push(Target { name, addr, scope_id, shown, named });
    }
    Ok(targets)
}

fn icmp_opts(args: &PingArgs) -> anyhow::Result<IcmpOpts> {
    let mut opts = IcmpOpts {
        ttl: args.ttl,
        only: match (args.raw, args.dgram) {
            (true, _) => Some(IcmpKind::Raw),
            (_, true) => Some(IcmpKind::Dgram),
            _ => None,
        },
        pmtudisc: args.pmtudisc,
        tos: args.tos,
        ..IcmpOpts::default()
    };
    match args.interface.as_deref() {
        None => {}
        // `-I fe80::a%eth0`: a link-local source is bound on its interface (the zone), which
        // is also where the probes then go.
        Some(text)
            if let Some(scoped) = Scoped::parse(text.trim_start_matches('[').trim_end_matches(']')) =>
        {
            let scoped = scoped.map_err(|why| exit::usage(format!("-I '{text}': {why}")))?;
            opts.source = Some(IpAddr::V6(scoped.ip));
            opts.device = Some(addr::interface_name(scoped.scope_id).unwrap_or(scoped.zone));
        }
        Some(text) => match text.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) => opts.source = Some(ip),
            Err(_) if !text.is_empty() && text.len() < libc::IFNAMSIZ && !text.contains(['/', ' ']) => {
                opts.device = Some(text.to_string())
            }
            Err(_) => {
                return Err(exit::usage(format!(
                    "-I '{text}': expected a source address or an interface name"
                )));
            }
        },
    }
    Ok(opts)
}

// ---------------------------------------------------------------------------------------------
// Sockets and hosts

struct IcmpSock {
    sock: Socket,
    kind: IcmpKind,
    v6: bool,
    /// The echo id we send (a raw socket's replies are filtered by it; a ping socket's id is
    /// the kernel's, and the kernel filters for us).
    id: u16,
    /// IP_RECVERR is on: the error queue must be read (`sockopt::icmp_error_queue`).
    error_queue: bool,
}

/// A probe's life (as trippy's `ProbeStatus`).
#[derive(Clone, Copy, Debug)]
enum Probe {
    Awaited(Sent),
    Answered(Sent),
    /// An ICMP error or a failed send; a reply may still come and is then counted.
    Failed(Sent),
}

/// When and with which payload stamp a probe left.
#[derive(Clone, Copy, Debug)]
struct Sent {
    at: Instant,
    /// Wall-clock send time, to compare with the kernel's receive timestamp (SO_TIMESTAMPNS).
    wall: SystemTime,
    stamp: u64,
}

impl Probe {
    fn sent(&self) -> Sent {
        match *self {
            Probe::Awaited(sent) | Probe::Answered(sent) | Probe::Failed(sent) => sent,
        }
    }
}

struct HostState {
    target: Target,
    /// 0: the IPv4 socket, 1: the IPv6 one.
    family: usize,
    /// The address every probe is sent to, built once.
    dest: SockAddr,
    next_seq: u16,
    probes: Probes,
    transmitted: u64,
    received: u64,
    duplicates: u64,
    corrupted: u64,
    errors: u64,
    rtt: output::RttStats,
    /// iputils' "pipe": the most probes outstanding when a reply came.
    pipe: u64,
    /// iputils' flood "ewma": rtt smoothed by 1/8 per reply, in ms.
    ewma_ms: f64,
    next_send: Option<Instant>,
    first_sent: Option<Instant>,
    last_event: Option<Instant>,
    /// Set once the last probe is sent: when to stop waiting for replies (iputils'
    /// `schedule_exit`).
    exit_at: Option<Instant>,
}

struct Pinger {
    plan: Plan,
    socks: [Option<IcmpSock>; 2],
    hosts: Vec<HostState>,
    by_addr: HashMap<IpAddr, usize>,
    epoch: Instant,
    several: bool,
    recv_buf: Vec<u8>,
    /// When read_some last took a datagram.
    read_at: Instant,
    /// The request being sent, rebuilt in place for each probe.
    packet: icmp::RequestBuf,
    control: Vec<u8>,
}

const TOKENS: [Token; 2] = [Token(0), Token(1)];

impl Pinger {
    fn open(
        plan: Plan,
        targets: Vec<Target>,
        opts: &IcmpOpts,
        lp: &EventLoop,
        out: &mut Printer,
    ) -> anyhow::Result<Pinger> {
        let mut socks: [Option<IcmpSock>; 2] = [None, None];
        for (family, v6) in [(0, false), (1, true)] {
            if !targets.iter().any(|t| t.addr.is_ipv6() == v6) {
                continue;
            }
            if let Some(source) = opts.source
                && source.is_ipv6() != v6
                && targets.iter().all(|t| t.addr.is_ipv6() == v6)
            {
                return Err(exit::usage(format!(
                    "-I {source} is {}, the hosts are not",
                    if source.is_ipv6() { "IPv6" } else { "IPv4" }
                )));
            }
            let (sock, kind) = sockopt::icmp_socket(v6, opts)?;
            let id = echo_id();
            out.detail(&SocketInfo {
                family: if v6 { "ipv6" } else { "ipv4" },
                kind: match kind {
                    IcmpKind::Raw => "raw",
                    IcmpKind::Dgram => "dgram",
                },
                // A ping socket's id is the kernel's (its local "port"), whatever we write.
                id: (kind == IcmpKind::Raw).then_some(id),
            })?;
            // Flood and -i 0 wait on their sockets in poll(2) (`wait_polled`).
            if !plan.fast {
                lp.register_readable(&mut SourceFd(&sock.as_raw_fd()), TOKENS[family])
                    .context("register socket")?;
            }
            let error_queue = sockopt::icmp_error_queue(kind, opts);
            socks[family] = Some(IcmpSock { sock, kind, v6, id, error_queue });
        }
        let several = targets.len() > 1;
        let mut by_addr = HashMap::new();
        let hosts = targets
            .into_iter()
            .enumerate()
            .map(|(i, target)| {
                by_addr.insert(target.addr, i);
                HostState {
                    family: usize::from(target.addr.is_ipv6()),
                    dest: SockAddr::from(match target.addr {
                        IpAddr::V6(ip) => SocketAddr::V6(SocketAddrV6::new(ip, 0, 0, target.scope_id)),
                        ip => SocketAddr::new(ip, 0),
                    }),
                    target,
                    next_seq: 1,
                    probes: Probes::default(),
                    transmitted: 0,
                    received: 0,
                    duplicates: 0,
                    corrupted: 0,
                    errors: 0,
                    rtt: output::RttStats::default(),
                    pipe: 0,
                    ewma_ms: 0.0,
                    next_send: None,
                    first_sent: None,
                    last_event: None,
                    exit_at: None,
                }
            })
            .collect();
        Ok(Pinger {
            plan,
            socks,
            hosts,
            by_addr,
            epoch: Instant::now(),
            several,
            recv_buf: vec![0; RECV_BYTES],
            read_at: Instant::now(),
            packet: icmp::RequestBuf::default(),
            control: vec![0; 512],
        })
    }

    fn run(&mut self, lp: &mut EventLoop, out: &mut Printer) -> anyhow::Result<()> {
        if !self.plan.pattern.is_empty() {
            out.normal(&PatternInfo {
                pattern_hex: self.plan.pattern.iter().map(|b| format!("{b:02x}")).collect(),
            })?;
        }
        for host in &self.hosts {
            out.result(&Start {
                host: host.target.name.clone(),
                addr: host.target.shown.clone(),
                payload_bytes: self.plan.size,
                named: host.target.named,
            })?;
        }
        let start = Instant::now();
        let deadline = self.plan.deadline.map(|d| start + d);
        for host in &mut self.hosts {
            host.next_send = Some(start);
        }
        let mut ready = Vec::with_capacity(16);
        // Flood: until when turns may skip the wait (and so the signals it reports).
        let mut look_by = start + FLOOD_LOOK;
        // Flood: the time the last reply was read, a microsecond or so ago, serves as the next
        // turn's clock (a clock read per probe is a visible share of a flood's user time).
        let mut read_at = None;
        loop {
            let mut now = read_at.take().unwrap_or_else(Instant::now);
            if lp.stop_signals() > 0 || deadline.is_some_and(|d| now >= d) {
                return Ok(());
            }
            let mut sent = false;
            for i in 0..self.hosts.len() {
                if self.send_due(i, now, out)? {
                    sent = true;
                    if i + 1 < self.hosts.len() {
                        // The next host's probe leaves later than this turn began.
                        now = Instant::now();
                    }
                }
            }
            if self.plan.fast && now < look_by && sent {
                // Flood: on loopback the reply is usually queued before sendto returns, so
                // read one datagram now and send the next probe without waiting, as iputils'
                // flood loop does. A turn that sent nothing (a reply is late) or read nothing
                // goes on to wait.
                //
                // Reads here need not empty the queue: in this mode the sockets wait in
                // poll(2), level-triggered (see `wait_polled`).
                let mut read = 0;
                for family in 0..self.socks.len() {
                    read += self.read_some(family, 1, out)?;
                }
                if read > 0 {
                    read_at = Some(self.read_at);
                    continue;
                }
            }
            look_by = now + FLOOD_LOOK;
            if self.hosts.iter().all(|h| self.host_done(h, now)) {
                return Ok(());
            }
            // Flood marks wait in stdout's buffer while probes fly; show them before sleeping.
            out.flush()?;
            let wake = earliest(
                self.hosts
                    .iter()
                    .filter(|h| !self.host_done(h, now))
                    // A host that may send no more waits only for its exit time (never a
                    // past send time, which would spin).
                    .flat_map(|h| [h.next_send.filter(|_| self.may_send(h)), h.exit_at])
                    .chain([deadline]),
            );
            if self.plan.fast {
                self.wait_polled(lp, wake, &mut ready, out)?;
                continue;
            }
            lp.wait(wake, &mut ready).context("epoll_wait")?;
            for &token in &ready {
                if let Some(family) = TOKENS.iter().position(|&t| t == token) {
                    self.drain(family, out)?;
                }
            }
        }
    }

    /// Flood and `-i 0`: the sockets stay out of epoll, since every reply would run epoll's
    /// wake-up callback for nothing (the fast path reads it before any wait; about 3% of a
    /// flood's CPU time, measured on a noisy VM). They wait here in poll(2), beside the event loop's fd,
    /// which turns readable when a signal is pending, as iputils' flood waits in poll(2).
    fn wait_polled(
        &mut self,
        lp: &mut EventLoop,
        wake: Option<Instant>,
        ready: &mut Vec<Token>,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let pollfd = |fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        let mut fds = [pollfd(lp.as_raw_fd()), pollfd(-1), pollfd(-1)];
        for (family, sock) in self.socks.iter().enumerate() {
            if let Some(sock) = sock {
                fds[1 + family] = pollfd(sock.sock.as_raw_fd());
            }
        }
        // Whole milliseconds, rounded up as mio does, so a wait never ends before `wake`.
        let timeout = wake.map_or(-1, |at| {
            let left = at.saturating_duration_since(Instant::now());
            left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32
        });
        // SAFETY: fds is a live array of pollfd and its length is passed; poll ignores fd -1.
        if unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) } < 0 {
            let e = io::Error::last_os_error();
            // EINTR: a signal came; the epoll fd is readable now, the next turn sees it.
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(())
            } else {
                Err(anyhow::Error::from(e).context("poll"))
            };
        }
        if fds[0].revents != 0 {
            // Collects the signals without sleeping.
            lp.wait(Some(Instant::now()), ready).context("epoll_wait")?;
        }
        for family in 0..self.socks.len() {
            // POLLERR: a ping socket's error queue holds an ICMP error.
            if fds[1 + family].revents != 0 {
                self.drain(family, out)?;
            }
        }
        Ok(())
    }

    /// iputils' exit conditions, per host.
    fn host_done(&self, host: &HostState, now: Instant) -> bool {
        let Some(count) = self.plan.count else { return false };
        if self.plan.deadline.is_some() {
            // -w with -c: stop at COUNT replies (or at the first error, as iputils does).
            return host.received >= count || host.errors > 0;
        }
        host.received + host.errors >= count || host.exit_at.is_some_and(|at| now >= at)
    }

    fn may_send(&self, host: &HostState) -> bool {
        match (self.plan.count, self.plan.deadline) {
            (None, _) => true,
            (Some(count), Some(_)) => host.received < count,
            (Some(count), None) => host.transmitted < count,
        }
    }

    /// Sends host `i` its next probe if one is due at `now` (taken right before the call); true
    /// when a probe was counted as sent.
    fn send_due(&mut self, i: usize, now: Instant, out: &mut Printer) -> anyhow::Result<bool> {
        if self.host_done(&self.hosts[i], now) || !self.may_send(&self.hosts[i]) {
            return Ok(false);
        }
        if self.hosts[i].next_send.is_none_or(|at| at > now) {
            return Ok(false);
        }
        let stamp = now.duration_since(self.epoch).as_nanos() as u64;
        let host = &mut self.hosts[i];
        let Some(sock) = &self.socks[host.family] else { return Ok(false) };
        let seq = host.next_seq;
        let packet = &mut self.packet;
        icmp::write_echo_request(packet, sock.v6, sock.id, seq, self.plan.size, stamp, &self.plan.pattern);
        let sent = Sent { at: now, wall: SystemTime::now(), stamp };
        let result = loop {
            match sock.sock.send_to(packet.bytes(), &host.dest) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match result {
            Ok(_) => {
                host.probes.insert(seq, Probe::Awaited(sent));
            }
            // A full send queue (a flood outrunning the device): try this probe again soon.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.raw_os_error() == Some(libc::ENOBUFS) => {
                host.next_send = Some(now + Duration::from_millis(1));
                return Ok(false);
            }
            // -M do: the probe is over the path MTU. iputils reads the MTU from the error queue
            // and prints it in its own words; counted as a send error.
            Err(e) if e.raw_os_error() == Some(libc::EMSGSIZE) => {
                host.errors += 1;
                host.probes.insert(seq, Probe::Failed(sent));
                let mtu = if sock.error_queue { local_error_mtu(sock.sock.as_raw_fd()) } else { None };
                let mtu = match mtu {
                    Some(mtu) if sock.v6 => format!(", mtu: {mtu}"),
                    Some(mtu) => format!(", mtu={mtu}"),
                    None => String::new(),
                };
                let prefix = if self.several { format!("{}: ", host.target.name) } else { String::new() };
                out.warn(format!("{prefix}local error: message too long{mtu}"));
            }
            Err(e) => {
                // Counted as sent and failed, as iputils counts a send error.
                host.errors += 1;
                host.probes.insert(seq, Probe::Failed(sent));
                out.warn(format!(
                    "sendto {} icmp_seq={seq}: {} ({}){}",
                    host.target.shown,
                    io_text(&e),
                    errno_name(&e),
                    sockopt::zone_hint_io(&host.dest, &e),
                ));
            }
        }
        if self.plan.report_outstanding && !self.plan.flood && host.transmitted > 0 {
            // iputils' -O looks at the probe before this one only, answered or not (an ICMP
            // error is no answer), as this one leaves.
            let previous = seq.wrapping_sub(1);
            if !matches!(host.probes.get(previous), Some(Probe::Answered(_))) {
                out.result(&NoAnswerYet {
                    host: host.target.name.clone(),
                    seq: previous,
                    several: self.several,
                    unix_time: self.plan.timestamps.then(unix_time),
                })?;
            }
        }
        host.next_seq = seq.wrapping_add(1);
        host.transmitted += 1;
        host.first_sent.get_or_insert(now);
        host.last_event = Some(now);
        if self.plan.flood && out.shows(Level::Normal) {
            out.progress(b".")?;
        }
        host.next_send = Some(if self.plan.fast {
            now + FLOOD_TICK
        } else {
            // Keep the schedule (no drift), unless we fell a whole interval behind.
            let planned = host.next_send.unwrap_or(now) + self.plan.interval;
            if planned < now { now } else { planned }
        });
        let last = match (self.plan.count, self.plan.deadline) {
            (Some(count), None) => host.transmitted >= count,
            _ => false,
        };
        if last {
            // iputils' schedule_exit: twice the slowest reply (at least one interval) once
            // something was answered, else -W.
            let wait = if host.received > 0 {
                Duration::from_secs_f64(2.0 * host.rtt.max / 1000.0).max(self.plan.interval)
            } else {
                self.plan.linger
            };
            host.exit_at = Some(now + wait);
        }
        Ok(true)
    }

    fn host_index(&self, addr: IpAddr) -> Option<usize> {
        // One host (a flood): comparing beats hashing the address for every reply.
        if let [only] = &self.hosts[..] {
            return (only.target.addr == addr).then_some(0);
        }
        self.by_addr.get(&addr).copied()
    }

    /// Reads everything the socket holds (edge-triggered): replies, ICMP errors, and for a ping
    /// socket its error queue.
    fn drain(&mut self, family: usize, out: &mut Printer) -> anyhow::Result<()> {
        self.read_some(family, usize::MAX, out).map(|_| ())
    }

    /// Reads at most `budget` datagrams from the socket's receive queue (and, once that is
    /// empty, a ping socket's error queue); returns how many it read.
    fn read_some(&mut self, family: usize, budget: usize, out: &mut Printer) -> anyhow::Result<usize> {
        let Some(sock) = &self.socks[family] else { return Ok(0) };
        let fd = sock.sock.as_raw_fd();
        let (kind, v6, error_queue) = (sock.kind, sock.v6, sock.error_queue);
        // recvmsg calls made, and datagrams they returned.
        let (mut reads, mut got_count) = (0, 0);
        for queue in [0, libc::MSG_ERRQUEUE] {
            if queue != 0 && !error_queue {
                continue;
            }
            loop {
                if reads == budget {
                    return Ok(got_count);
                }
                reads += 1;
                let mut buf = std::mem::take(&mut self.recv_buf);
                let result = recv_datagram(fd, &mut buf, &mut self.control, queue);
                let handled = match result {
                    Ok(None) => {
                        self.recv_buf = buf;
                        break;
                    }
                    Ok(Some(got)) => {
                        got_count += 1;
                        let now = Instant::now();
                        self.read_at = now;
                        if queue == 0 {
                            self.on_datagram(family, kind, v6, &buf[..got.len], &got, now, out)
                        } else {
                            self.on_queued_error(kind, v6, &buf[..got.len], &got, now, out)
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
                    // A socket also reports each ICMP error once as a pending socket error
                    // (sk_err) on the next call, consumed by that call; the error queue or the
                    // quoted packet has the details. However many came in a burst, read on.
                    Err(e) if is_icmp_report(&e) => Ok(()),
                    Err(e) => Err(anyhow::Error::from(e).context("recvmsg")),
                };
                self.recv_buf = buf;
                handled?;
            }
        }
        Ok(got_count)
    }

    #[allow(clippy::too_many_arguments)]
    fn on_datagram(
        &mut self,
        family: usize,
        kind: IcmpKind,
        v6: bool,
        bytes: &[u8],
        got: &Datagram,
        now: Instant,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let (message, from) = if !v6 && kind == IcmpKind::Raw {
            icmp::parse_ipv4_packet(bytes)
        } else {
            (icmp::parse_icmp(v6, bytes), got.from)
        };
        let Some(from) = from else { return Ok(()) };
        let our_id = self.socks[family].as_ref().map_or(0, |s| s.id);
        match message {
            Message::Reply { id, seq, payload, checksum_ok, ttl } => {
                // A raw socket sees every ping's replies: another process's are not ours.
                if kind == IcmpKind::Raw && id != our_id {
                    return Ok(());
                }
                let Some(i) = self.host_index(from) else { return Ok(()) };
                if got.scope_id != 0 && self.hosts[i].target.scope_id == 0 {
                    // A link-local host given without a zone: iputils names the interface its
                    // reply came in on, from the first reply on.
                    let target = &mut self.hosts[i].target;
                    target.scope_id = got.scope_id;
                    if let IpAddr::V6(ip) = target.addr {
                        target.shown = addr::scoped_text(&ip, got.scope_id);
                    }
                }
                self.on_reply(i, seq, payload, checksum_ok, ttl.or(got.ttl), now, got.received_wall, out)
            }
            Message::Error { error, to, id, seq } => {
                if kind == IcmpKind::Raw && id != our_id {
                    return Ok(());
                }
                let Some(i) = self.host_index(to) else { return Ok(()) };
                self.on_error(i, seq, from, icmp::error_text(error), Some(error), now, out)
            }
            Message::Other => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_queued_error(
        &mut self,
        kind: IcmpKind,
        v6: bool,
        bytes: &[u8],
        got: &Datagram,
        now: Instant,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        if kind == IcmpKind::Raw {
            // A raw socket (queueing only for -M do) also receives each ICMP error as a
            // packet, reported from there; its local errors are read where the send failed.
            return Ok(());
        }
        let (Some(to), Some(ext)) = (got.from, got.ext_err.as_ref()) else { return Ok(()) };
        let Some(i) = self.host_index(to) else { return Ok(()) };
        let Some((_, seq)) = icmp::quoted_echo(v6, bytes) else { return Ok(()) };
        let (text, error) = if ext.origin == libc::SO_EE_ORIGIN_ICMP || ext.origin == libc::SO_EE_ORIGIN_ICMP6
        {
            let error = IcmpError { v6, icmp_type: ext.icmp_type, code: ext.code, info: ext.info };
            (icmp::error_text(error), Some(error))
        } else {
            let e = io::Error::from_raw_os_error(ext.errno as i32);
            (format!("local error: {}", io_text(&e)), None)
        };
        let from = ext.offender.unwrap_or(to);
        self.on_error(i, seq, from, text, error, now, out)
    }

    #[allow(clippy::too_many_arguments)]
    fn on_reply(
        &mut self,
        i: usize,
        seq: u16,
        payload: &[u8],
        checksum_ok: bool,
        ttl: Option<u8>,
        now: Instant,
        received_wall: Option<SystemTime>,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let plan = &self.plan;
        let host = &mut self.hosts[i];
        let Some(probe) = host.probes.get_mut(seq) else { return Ok(()) };
        let before = *probe;
        let sent = before.sent();
        // The kernel's receive timestamp leaves out our own wake-up and parsing, as iputils
        // does; the monotonic clock stands in when it is missing or the wall clock stepped.
        let rtt = received_wall
            .and_then(|rx| rx.duration_since(sent.wall).ok())
            .filter(|rtt| *rtt <= now.duration_since(sent.at))
            .unwrap_or_else(|| now.duration_since(sent.at));
        let rtt_ms = rtt.as_secs_f64() * 1000.0;
        let mut dup = false;
        if !checksum_ok {
            host.corrupted += 1;
        } else if let Probe::Answered { .. } = probe {
            host.duplicates += 1;
            dup = true;
        } else {
            host.received += 1;
            *probe = Probe::Answered(sent);
            if plan.timing {
                host.rtt.add(rtt_ms);
                host.ewma_ms =
                    if host.rtt.count == 1 { rtt_ms } else { host.ewma_ms + (rtt_ms - host.ewma_ms) / 8.0 };
            }
            let outstanding = host.next_seq.wrapping_sub(1).wrapping_sub(seq);
            if outstanding <= 0x7fff {
                host.pipe = host.pipe.max(u64::from(outstanding) + 1);
            }
            if plan.fast {
                host.next_send = Some(now);
            }
        }
        host.last_event = Some(now);
        if plan.flood {
            if out.shows(Level::Normal) {
                out.progress(b"\x08 \x08")?;
            }
            return Ok(());
        }
        if !out.shows(Level::Normal) {
            // -q: do not build a line nobody will see (it showed in a flood's profile).
            return Ok(());
        }
        // Only the reply line tells of a payload that came back different (as iputils), so
        // -f and -q skip the byte-by-byte check.
        let check = icmp::check_payload_of(plan.size, sent.stamp, &plan.pattern, payload);
        let several = self.several;
        let host = &self.hosts[i];
        out.normal(&Reply {
            host: host.target.name.clone(),
            seq,
            from: host.target.shown.clone(),
            bytes: payload.len() + icmp::ECHO_HEADER_BYTES,
            ttl,
            rtt_ms: plan.timing.then_some(rtt_ms),
            dup,
            bad_checksum: !checksum_ok,
            truncated: check == PayloadCheck::Truncated,
            wrong_byte: match check {
                PayloadCheck::Wrong { offset, expected, got } => Some(WrongByte { offset, expected, got }),
                _ => None,
            },
            label: Label { several, named: host.target.named },
            unix_time: self.plan.timestamps.then(unix_time),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn on_error(
        &mut self,
        i: usize,
        seq: u16,
        from: IpAddr,
        message: String,
        error: Option<IcmpError>,
        now: Instant,
        out: &mut Printer,
    ) -> anyhow::Result<()> {
        let host = &mut self.hosts[i];
        let Some(probe) = host.probes.get(seq) else { return Ok(()) };
        if let Probe::Awaited(sent) = probe {
            host.probes.insert(seq, Probe::Failed(sent));
        }
        host.errors += 1;
        host.last_event = Some(now);
        if self.plan.flood {
            if out.shows(Level::Normal) {
                out.progress(b"E")?;
            }
            return Ok(());
        }
        let host = &self.hosts[i];
        out.normal(&ErrorReport {
            host: host.target.name.clone(),
            seq,
            from: from.to_string(),
            message,
            icmp_type: error.map(|e| e.icmp_type),
            icmp_code: error.map(|e| e.code),
            several: self.several,
            unix_time: self.plan.timestamps.then(unix_time),
        })
    }

    fn finish(&self, out: &mut Printer) -> anyhow::Result<Exit> {
        if self.plan.flood && out.shows(Level::Normal) {
            out.data(b"\n")?;
        }
        let mut all_answered = true;
        for host in &self.hosts {
            let time = match (host.first_sent, host.last_event) {
                (Some(a), Some(b)) => b.duration_since(a),
                _ => Duration::ZERO,
            };
            let loss = if host.transmitted == 0 {
                0.0
            } else {
                host.transmitted.saturating_sub(host.received) as f64 * 100.0 / host.transmitted as f64
            };
            let rtt = (host.rtt.count > 0).then(|| RttSummary {
                min: host.rtt.min,
                avg: host.rtt.avg(),
                max: host.rtt.max,
                mdev: host.rtt.mdev(),
            });
            out.result(&Summary {
                host: host.target.name.clone(),
                addr: host.target.shown.clone(),
                transmitted: host.transmitted,
                received: host.received,
                duplicates: host.duplicates,
                corrupted: host.corrupted,
                errors: host.errors,
                loss_percent: loss,
                time_ms: time.as_millis() as u64,
                rtt_min_ms: rtt.as_ref().map(|r| r.min),
                rtt_avg_ms: rtt.as_ref().map(|r| r.avg),
                rtt_max_ms: rtt.as_ref().map(|r| r.max),
                rtt_mdev_ms: rtt.as_ref().map(|r| r.mdev),
                pipe: (host.pipe > 1).then_some(host.pipe),
                // iputils adds the mean gap between probes and the smoothed rtt when it sent
                // as fast as replies came.
                ipg_ms: (self.plan.fast && host.received > 0 && host.transmitted > 1)
                    .then(|| time.as_secs_f64() * 1000.0 / (host.transmitted - 1) as f64),
                ewma_ms: (self.plan.fast && host.rtt.count > 0).then_some(host.ewma_ms),
            })?;
            // iputils: with -w and -c, fewer than COUNT replies is a failure too.
            let short = self.plan.deadline.is_some() && self.plan.count.is_some_and(|c| host.received < c);
            all_answered &= host.received > 0 && !short;
        }
        Ok(if all_answered { Exit::Success } else { Exit::Negative })
    }
}

/// A host's probes by sequence number. Seqs are handed out in order from 1 (wrapping at
/// 65536), so a Vec indexed by seq is a dense map: a flood appends at its end and looks up near
/// it, where a hash map's 20,000 scattered entries missed the cache (it showed in a profile).
/// After a wrap a seq's slot is reused, as a map insert would replace it.
#[derive(Default)]
struct Probes(Vec<Option<Probe>>);

impl Probes {
    fn insert(&mut self, seq: u16, probe: Probe) {
        let at = usize::from(seq);
        if at >= self.0.len() {
            self.0.resize(at + 1, None);
        }
        self.0[at] = Some(probe);
    }
    fn get(&self, seq: u16) -> Option<Probe> {
        self.0.get(usize::from(seq)).copied().flatten()
    }
    fn get_mut(&mut self, seq: u16) -> Option<&mut Probe> {
        self.0.get_mut(usize::from(seq))?.as_mut()
    }
}

/// An echo id for a raw socket: the pid (as iputils) mixed with the clock, so two runs that
/// happen to share the low pid bits still differ.
fn echo_id() -> u16 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos();
    (std::process::id() as u16) ^ ((nanos >> 10) as u16).rotate_left(8)
}

/// The MTU a send that failed with EMSGSIZE left in the error queue (SO_EE_ORIGIN_LOCAL,
/// ee_info), consumed so it is not read again as an ICMP error. It is the newest entry (the
/// failed sendto queued it just now); an ICMP error queued before it in the same instant is
/// passed over, which costs at most one "From ..." line.
fn local_error_mtu(fd: RawFd) -> Option<u32> {
    let mut quoted = [0u8; 64];
    let mut control = [0u8; 256];
    loop {
        let got = recv_datagram(fd, &mut quoted, &mut control, libc::MSG_ERRQUEUE).ok()??;
        if let Some(ext) = got.ext_err
            && ext.origin == libc::SO_EE_ORIGIN_LOCAL
            && ext.errno == libc::EMSGSIZE as u32
        {
            return Some(ext.info);
        }
    }
}

/// An io::Error's text without Rust's " (os error N)" tail.
fn io_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

// ---------------------------------------------------------------------------------------------
// recvmsg with its control messages

struct Datagram {
    len: usize,
    /// The sender (a reply), or the original destination (the error queue).
    from: Option<IpAddr>,
    /// Its sin6_scope_id: the interface a link-local sender is on (else 0).
    scope_id: u32,
    /// IP_TTL / IPV6_HOPLIMIT control message.
    ttl: Option<u8>,
    /// SO_TIMESTAMPNS: when the kernel received it.
    received_wall: Option<SystemTime>,
    ext_err: Option<ExtendedError>,
}

struct ExtendedError {
    errno: u32,
    origin: u8,
    icmp_type: u8,
    code: u8,
    info: u32,
    offender: Option<IpAddr>,
}

/// One non-blocking recvmsg; `Ok(None)` when the queue is empty.
fn recv_datagram(
    fd: RawFd,
    buf: &mut [u8],
    control: &mut [u8],
    flags: libc::c_int,
) -> io::Result<Option<Datagram>> {
    // SAFETY: all-zero is a valid sockaddr_storage and msghdr.
    let mut name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
    // SAFETY: as above.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = (&mut name as *mut libc::sockaddr_storage).cast();
    msg.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = control.len();
    // SAFETY: every pointer in msg points into buffers that outlive the call, with their sizes.
    let n = unsafe { libc::recvmsg(fd, &mut msg, flags | libc::MSG_DONTWAIT) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::WouldBlock { Ok(None) } else { Err(e) };
    }
    let from = storage_ip(&name, msg.msg_namelen as usize);
    let scope_id = if libc::c_int::from(name.ss_family) == libc::AF_INET6 {
        // SAFETY: the kernel wrote a sockaddr_in6 (its family says so) into the zeroed storage,
        // which is larger; read_unaligned copies it.
        unsafe {
            std::ptr::read_unaligned((&name as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>())
        }
        .sin6_scope_id
    } else {
        0
    };
    let mut got = Datagram { len: n as usize, from, scope_id, ttl: None, received_wall: None, ext_err: None };
    // SAFETY: CMSG_* walk the control buffer the kernel filled, within msg_controllen.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let header = &*cmsg;
            let data = libc::CMSG_DATA(cmsg);
            let data_len = header.cmsg_len as usize - (data as usize - cmsg as usize);
            match (header.cmsg_level, header.cmsg_type) {
                (libc::SOL_SOCKET, libc::SCM_TIMESTAMPNS)
                    if data_len >= std::mem::size_of::<libc::timespec>() =>
                {
                    let ts = std::ptr::read_unaligned(data as *const libc::timespec);
                    got.received_wall = u64::try_from(ts.tv_sec).ok().map(|secs| {
                        SystemTime::UNIX_EPOCH + Duration::new(secs, ts.tv_nsec.clamp(0, 999_999_999) as u32)
                    });
                }
                (libc::SOL_IP, libc::IP_TTL) | (libc::SOL_IPV6, libc::IPV6_HOPLIMIT) if data_len >= 4 => {
                    let value = std::ptr::read_unaligned(data as *const libc::c_int);
                    got.ttl = u8::try_from(value).ok();
                }
                (libc::SOL_IP, libc::IP_RECVERR) | (libc::SOL_IPV6, libc::IPV6_RECVERR)
                    if data_len >= std::mem::size_of::<libc::sock_extended_err>() =>
                {
                    let ee = std::ptr::read_unaligned(data as *const libc::sock_extended_err);
                    // SO_EE_OFFENDER: the reporting router's address follows the struct.
                    let at = std::mem::size_of::<libc::sock_extended_err>();
                    let offender = if data_len >= at + std::mem::size_of::<libc::sockaddr_in>() {
                        let mut storage: libc::sockaddr_storage = std::mem::zeroed();
                        let len = (data_len - at).min(std::mem::size_of::<libc::sockaddr_storage>());
                        std::ptr::copy_nonoverlapping(
                            data.add(at),
                            (&mut storage as *mut libc::sockaddr_storage).cast(),
                            len,
                        );
                        storage_ip(&storage, len)
                    } else {
                        None
                    };
                    got.ext_err = Some(ExtendedError {
                        errno: ee.ee_errno,
                        origin: ee.ee_origin,
                        icmp_type: ee.ee_type,
                        code: ee.ee_code,
                        info: ee.ee_info,
                        offender: offender.filter(|ip| !ip.is_unspecified()),
                    });
                }
                _ => {}
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    Ok(Some(got))
}

/// The IP address in a sockaddr_in / sockaddr_in6 the kernel wrote (`len` bytes of it).
fn storage_ip(storage: &libc::sockaddr_storage, len: usize) -> Option<IpAddr> {
    let ptr = (storage as *const libc::sockaddr_storage).cast::<u8>();
    match libc::c_int::from(storage.ss_family) {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family and length say a sockaddr_in is there; read_unaligned copies it.
            let sin = unsafe { std::ptr::read_unaligned(ptr.cast::<libc::sockaddr_in>()) };
            Some(IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes()))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { std::ptr::read_unaligned(ptr.cast::<libc::sockaddr_in6>()) };
            Some(IpAddr::from(sin6.sin6_addr.s6_addr))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Records: iputils' lines, and their JSON

#[derive(Serialize)]
struct SocketInfo {
    family: &'static str,
    kind: &'static str,
    id: Option<u16>,
}

impl Record for SocketInfo {
    const EVENT: &'static str = "socket";
    fn human(&self, out: &mut String, paint: Paint) {
        let why = match self.kind {
            "raw" => "raw, CAP_NET_RAW",
            _ => "datagram, net.ipv4.ping_group_range",
        };
        let id = self.id.map_or_else(|| "id chosen by the kernel".to_string(), |id| format!("id {id}"));
        out.push_str(&paint.dim(format!("{} icmp socket: {why}, {id}", self.family)));
    }
}

/// iputils' `PATTERN: 0xff00` line, before the first `PING` line (hidden by -q, as there).
#[derive(Serialize)]
struct PatternInfo {
    pattern_hex: String,
}

impl Record for PatternInfo {
    const EVENT: &'static str = "pattern";
    fn human(&self, out: &mut String, _paint: Paint) {
        out.push_str(&format!("PATTERN: 0x{}", self.pattern_hex));
    }
}

#[derive(Serialize)]
struct Start {
    host: String,
    addr: String,
    payload_bytes: usize,
    #[serde(skip)]
    named: bool,
}

impl Record for Start {
    const EVENT: &'static str = "start";
    fn human(&self, out: &mut String, _paint: Paint) {
        let v6 = self.addr.contains(':');
        let size = self.payload_bytes;
        if v6 {
            let inner = if self.named { format!("{} ({})", self.host, self.addr) } else { self.addr.clone() };
            out.push_str(&format!("PING {}({inner}) {size} data bytes", self.host));
        } else {
            let total = size + icmp::ECHO_HEADER_BYTES + icmp::IPV4_HEADER_BYTES;
            out.push_str(&format!("PING {} ({}) {size}({total}) bytes of data.", self.host, self.addr));
        }
    }
}

#[derive(Clone, Copy)]
struct Label {
    several: bool,
    named: bool,
}

#[derive(Serialize)]
struct WrongByte {
    offset: usize,
    expected: u8,
    got: u8,
}

#[derive(Serialize)]
struct Reply {
    host: String,
    seq: u16,
    from: String,
    bytes: usize,
    ttl: Option<u8>,
    rtt_ms: Option<f64>,
    dup: bool,
    bad_checksum: bool,
    truncated: bool,
    wrong_byte: Option<WrongByte>,
    #[serde(skip)]
    label: Label,
    /// -D: when the line was printed, in seconds since 1970.
    #[serde(skip_serializing_if = "Option::is_none")]
    unix_time: Option<f64>,
}

impl Record for Reply {
    const EVENT: &'static str = "reply";
    fn human(&self, out: &mut String, paint: Paint) {
        line_start(out, self.unix_time, self.label.several.then_some(&self.host));
        let from =
            if self.label.named { format!("{} ({})", self.host, self.from) } else { self.from.clone() };
        out.push_str(&format!("{} bytes from {from}: icmp_seq={}", self.bytes, self.seq));
        if let Some(ttl) = self.ttl {
            out.push_str(&format!(" ttl={ttl}"));
        }
        if let Some(ms) = self.rtt_ms {
            out.push_str(&format!(" time={} ms", output::ms(Duration::from_secs_f64(ms / 1000.0))));
        }
        if self.dup {
            out.push_str(&format!(" {}", paint.warn("(DUP!)")));
        }
        if self.bad_checksum {
            out.push_str(&format!(" {}", paint.bad("(BAD CHECKSUM!)")));
        }
        if self.truncated {
            out.push_str(" (truncated)");
        }
        if let Some(w) = &self.wrong_byte {
            out.push_str(&format!(
                "\n{}",
                paint.bad(format!(
                    "wrong data byte #{} should be 0x{:x} but was 0x{:x}",
                    w.offset, w.expected, w.got
                ))
            ));
        }
    }
}

/// Now, in seconds since 1970 (-D).
fn unix_time() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// What starts a reply or error line: with -D iputils' `[1700000000.123456] ` (seconds and
/// microseconds), and with several hosts the host's name.
fn line_start(out: &mut String, unix_time: Option<f64>, host: Option<&String>) {
    if let Some(t) = unix_time {
        let micros = (t * 1e6).round() as u64;
        out.push_str(&format!("[{}.{:06}] ", micros / 1_000_000, micros % 1_000_000));
    }
    if let Some(host) = host {
        out.push_str(&format!("{host}: "));
    }
}

#[derive(Serialize)]
struct ErrorReport {
    host: String,
    seq: u16,
    from: String,
    message: String,
    icmp_type: Option<u8>,
    icmp_code: Option<u8>,
    #[serde(skip)]
    several: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    unix_time: Option<f64>,
}

impl Record for ErrorReport {
    const EVENT: &'static str = "icmp_error";
    fn human(&self, out: &mut String, paint: Paint) {
        line_start(out, self.unix_time, self.several.then_some(&self.host));
        out.push_str(&format!("From {} icmp_seq={} {}", self.from, self.seq, paint.bad(&self.message)));
    }
}

/// -O: the previous probe is still unanswered as the next one leaves.
#[derive(Serialize)]
struct NoAnswerYet {
    host: String,
    seq: u16,
    #[serde(skip)]
    several: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    unix_time: Option<f64>,
}

impl Record for NoAnswerYet {
    const EVENT: &'static str = "no_answer_yet";
    fn human(&self, out: &mut String, _paint: Paint) {
        line_start(out, self.unix_time, self.several.then_some(&self.host));
        out.push_str(&format!("no answer yet for icmp_seq={}", self.seq));
    }
}

struct RttSummary {
    min: f64,
    avg: f64,
    max: f64,
    mdev: f64,
}

#[derive(Serialize)]
struct Summary {
    host: String,
    addr: String,
    transmitted: u64,
    received: u64,
    duplicates: u64,
    corrupted: u64,
    errors: u64,
    loss_percent: f64,
    time_ms: u64,
    rtt_min_ms: Option<f64>,
    rtt_avg_ms: Option<f64>,
    rtt_max_ms: Option<f64>,
    rtt_mdev_ms: Option<f64>,
    pipe: Option<u64>,
    ipg_ms: Option<f64>,
    ewma_ms: Option<f64>,
}

impl Record for Summary {
    const EVENT: &'static str = "summary";
    fn human(&self, out: &mut String, paint: Paint) {
        out.push_str(&format!("\n--- {} ping statistics ---\n", self.host));
        out.push_str(&format!("{} packets transmitted, {} received", self.transmitted, self.received));
        if self.duplicates > 0 {
            out.push_str(&format!(", +{} duplicates", self.duplicates));
        }
        if self.corrupted > 0 {
            out.push_str(&format!(", +{} corrupted", self.corrupted));
        }
        if self.errors > 0 {
            out.push_str(&format!(", +{} errors", self.errors));
        }
        let loss = format!("{}% packet loss", output::percent_g(self.loss_percent));
        let loss = if self.loss_percent > 0.0 { paint.bad(loss) } else { paint.good(loss) };
        out.push_str(&format!(", {loss}, time {}ms", self.time_ms));
        if let (Some(min), Some(avg), Some(max), Some(mdev)) =
            (self.rtt_min_ms, self.rtt_avg_ms, self.rtt_max_ms, self.rtt_mdev_ms)
        {
            out.push_str(&format!("\nrtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/{mdev:.3} ms"));
        }
        // iputils continues the rtt line (or starts one) with ", pipe N" and ", ipg/ewma".
        let mut extras = Vec::new();
        if let Some(pipe) = self.pipe {
            extras.push(format!("pipe {pipe}"));
        }
        if let Some(ipg) = self.ipg_ms {
            extras.push(format!("ipg/ewma {ipg:.3}/{:.3} ms", self.ewma_ms.unwrap_or(0.0)));
        }
        if !extras.is_empty() {
            out.push_str(if self.rtt_min_ms.is_some() { ", " } else { "\n" });
            out.push_str(&extras.join(", "));
        }
    }
}

/// Errors a socket reports for an ICMP message about an earlier probe (unreachable, time
/// exceeded, fragmentation needed), not for a failure of the socket itself.
fn is_icmp_report(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::ECONNREFUSED
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::EHOSTDOWN
                | libc::ENETDOWN
                | libc::EMSGSIZE
                | libc::EPROTO
                | libc::ETIMEDOUT
                | libc::ENOPROTOOPT
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_have_iputils_shape() {
        let summary = Summary {
            host: "127.0.0.1".into(),
            addr: "127.0.0.1".into(),
            transmitted: 3,
            received: 2,
            duplicates: 1,
            corrupted: 0,
            errors: 1,
            loss_percent: 100.0 / 3.0,
            time_ms: 2003,
            rtt_min_ms: Some(0.031),
            rtt_avg_ms: Some(0.04),
            rtt_max_ms: Some(0.045),
            rtt_mdev_ms: Some(0.006),
            pipe: Some(2),
            ipg_ms: None,
            ewma_ms: None,
        };
        let mut text = String::new();
        summary.human(&mut text, Paint { enabled: false });
        assert_eq!(
            text,
            "\n--- 127.0.0.1 ping statistics ---\n\
             3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet loss, time 2003ms\n\
             rtt min/avg/max/mdev = 0.031/0.040/0.045/0.006 ms, pipe 2"
        );
    }
}
