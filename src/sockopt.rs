//! The one set of socket options (CLI.md "Socket options") and the only caller of setsockopt.
//!
//! Every subcommand creates its sockets here, so an option means the same thing everywhere and
//! is applied at the right moment (SO_REUSEADDR before bind, TTL before connect, ...).

use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use socket2::{Domain, Protocol, SockAddr, Socket, TcpKeepalive, Type};

use crate::addr::{Endpoint, Family};
use crate::units::{parse_duration, parse_nonzero_bytes};

/// How long a client waits for a TCP handshake when `--timeout` is not given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = "Socket options")]
pub struct SockOpts {
    /// SO_REUSEADDR: bind even while old connections on the port sit in TIME_WAIT
    #[arg(long)]
    pub reuseaddr: bool,
    /// SO_REUSEPORT: let several sockets bind the same port (the kernel spreads clients)
    #[arg(long)]
    pub reuseport: bool,
    /// TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle)
    #[arg(long)]
    pub nodelay: bool,
    /// SO_KEEPALIVE, with the idle time before the first probe when given (--keepalive=30s)
    #[arg(long, value_name = "IDLE", num_args = 0..=1, require_equals = true, value_parser = parse_duration)]
    pub keepalive: Option<Option<Duration>>,
    /// SO_LINGER in seconds; 0 makes close() send RST and drop unsent data
    #[arg(long, value_name = "SECS")]
    pub linger: Option<u32>,
    /// SO_RCVBUF (the kernel doubles it and enforces a minimum)
    #[arg(long, value_name = "BYTES", value_parser = parse_nonzero_bytes)]
    pub rcvbuf: Option<usize>,
    /// SO_SNDBUF (the kernel doubles it and enforces a minimum)
    #[arg(long, value_name = "BYTES", value_parser = parse_nonzero_bytes)]
    pub sndbuf: Option<usize>,
    /// IP_TTL / IPV6_UNICAST_HOPS of packets sent
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=255))]
    pub ttl: Option<u32>,
    /// Source address of a client (HOST or HOST:PORT)
    #[arg(long, value_name = "ADDR", value_parser = crate::addr::parser(Some(0)))]
    pub bind: Option<Endpoint>,
    /// listen() backlog: connections the kernel completes before they are accepted
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(i32).range(0..=65535))]
    pub backlog: i32,
    /// IPV6_V6ONLY: an IPv6 listener does not also accept IPv4 clients
    #[arg(long)]
    pub v6only: bool,
    /// Give up after this long without progress (500ms, 2s, 0.2)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Resolve names to IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Resolve names to IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
}

/// What a socket is for, which decides the options that fit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Listener,
    Client,
}

impl SockOpts {
    pub fn family(&self) -> Family {
        match (self.ipv4, self.ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        }
    }

    /// Applies every option that fits this socket, before it is bound or connected.
    pub fn apply(&self, sock: &Socket, role: Role) -> io::Result<()> {
        let domain = sock.domain()?;
        let inet = domain == Domain::IPV4 || domain == Domain::IPV6;
        let tcp = inet && sock.r#type()? == Type::STREAM;
        if self.reuseaddr {
            // Lets a restarted server bind while its old connections sit in TIME_WAIT; two
            // live listeners still cannot share the port without --reuseport. Off unless
            // asked, so the article's lesson (EADDRINUSE after a restart) can be seen live.
            sock.set_reuse_address(true)?;
        }
        if self.reuseport {
            sock.set_reuse_port(true)?;
        }
        if tcp && self.nodelay {
            sock.set_tcp_nodelay(true)?;
        }
        if let Some(idle) = self.keepalive {
            sock.set_keepalive(true)?;
            if let (true, Some(idle)) = (tcp, idle) {
                sock.set_tcp_keepalive(&TcpKeepalive::new().with_time(idle))?;
            }
        }
        if let Some(secs) = self.linger {
            sock.set_linger(Some(Duration::from_secs(secs.into())))?;
        }
        if let Some(bytes) = self.rcvbuf {
            sock.set_recv_buffer_size(bytes)?;
        }
        if let Some(bytes) = self.sndbuf {
            sock.set_send_buffer_size(bytes)?;
        }
        if let Some(ttl) = self.ttl {
            match domain {
                Domain::IPV4 => sock.set_ttl_v4(ttl)?,
                Domain::IPV6 => sock.set_unicast_hops_v6(ttl)?,
                _ => {}
            }
        }
        if domain == Domain::IPV6 && role == Role::Listener {
            // Linux defaults to dual-stack ([::] also takes IPv4 clients); say it explicitly so
            // a changed sysctl (net.ipv6.bindv6only) does not change what we do.
            sock.set_only_v6(self.v6only)?;
        }
        Ok(())
    }

    /// The `--timeout` for a connect, or the default.
    pub fn connect_timeout(&self) -> Duration {
        self.timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT)
    }
}

/// The socket addresses an endpoint stands for, in the order to try them.
pub fn sock_addrs(ep: &Endpoint, family: Family) -> anyhow::Result<Vec<SockAddr>> {
    Ok(match ep {
        Endpoint::Inet { .. } => ep.resolve(family)?.into_iter().map(SockAddr::from).collect(),
        Endpoint::Unix(path) => vec![SockAddr::unix(path).with_context(|| format!("address {ep}"))?],
        Endpoint::Abstract(name) => {
            // Linux abstract names are a sun_path that starts with a NUL byte.
            let mut bytes = vec![0u8];
            bytes.extend_from_slice(name);
            let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&bytes);
            vec![SockAddr::unix(path).with_context(|| format!("address {ep}"))?]
        }
    })
}

/// A non-blocking socket bound to `ep` and, for stream and seqpacket sockets, listening.
pub fn listen(ep: &Endpoint, ty: Type, opts: &SockOpts) -> anyhow::Result<Socket> {
    let addrs = sock_addrs(ep, opts.family())?;
    let mut last_err = None;
    for addr in &addrs {
        match listen_on(addr, ty, opts) {
            Ok(sock) => return Ok(sock),
            Err(e) => {
                let in_use =
                    e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::AddrInUse);
                let hint = match addr.as_socket() {
                    Some(sa) if in_use && !opts.reuseaddr && ty == Type::STREAM => format!(
                        " (a live server, or connections in TIME_WAIT: see `sockkit states --port {}`; \
                         --reuseaddr binds past TIME_WAIT when the old server set it too)",
                        sa.port()
                    ),
                    _ => zone_hint(addr, &e).to_string(),
                };
                last_err = Some(e.context(format!("bind {}{hint}", show(addr))))
            }
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("bind {ep}: no address")))
}

fn listen_on(addr: &SockAddr, ty: Type, opts: &SockOpts) -> anyhow::Result<Socket> {
    let sock = Socket::new(addr.domain(), ty.nonblocking().cloexec(), protocol_for(addr, ty))?;
    opts.apply(&sock, Role::Listener)?;
    sock.bind(addr)?;
    if ty != Type::DGRAM {
        sock.listen(opts.backlog)?;
    }
    Ok(sock)
}

/// A socket connected to `ep` (the first address that answers), then made non-blocking.
///
/// The handshake is waited for here, bounded by `--timeout`, so a refused or unreachable peer
/// is reported as the connect error it is.
pub fn connect(ep: &Endpoint, ty: Type, opts: &SockOpts) -> anyhow::Result<Socket> {
    let addrs = sock_addrs(ep, opts.family())?;
    if addrs.is_empty() {
        anyhow::bail!("connect {ep}: no address");
    }
    Ok(connect_any(&addrs, ty, opts)?.0)
}

/// `connect` on addresses already resolved (`sock_addrs`), so a caller can time the two
/// apart: tries each in order and returns the first socket that connects, with its address.
/// When none does, the error is the last one's, naming its address.
pub fn connect_any(addrs: &[SockAddr], ty: Type, opts: &SockOpts) -> anyhow::Result<(Socket, SockAddr)> {
    let mut last_err = None;
    for addr in addrs {
        match connect_to(addr, ty, opts) {
            Ok(sock) => return Ok((sock, addr.clone())),
            Err(e) => {
                let hint = zone_hint(addr, &e);
                last_err = Some(e.context(format!("connect {}{hint}", show(addr))))
            }
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("connect: no address")))
}

fn connect_to(addr: &SockAddr, ty: Type, opts: &SockOpts) -> anyhow::Result<Socket> {
    let sock = Socket::new(addr.domain(), ty.cloexec(), protocol_for(addr, ty))?;
    opts.apply(&sock, Role::Client)?;
    bind_source(&sock, addr, opts)?;
    if addr.is_unix() && ty == Type::DGRAM && opts.bind.is_none() {
        // A Unix datagram socket needs a name of its own, or the server has nowhere to send
        // its reply; an empty address asks the kernel for a fresh abstract one (autobind).
        sock.bind(&SockAddr::unix("")?).context("bind (autobind)")?;
    }
    if addr.is_unix() {
        sock.connect(addr)?;
    } else {
        sock.connect_timeout(addr, opts.connect_timeout()).map_err(name_timeout)?;
    }
    sock.set_nonblocking(true)?;
    Ok(sock)
}

/// Starts a non-blocking TCP connect and returns at once; the socket turns writable when the
/// handshake ends (then `take_error` tells how). Unix sockets connect at once or fail.
pub fn start_connect(addr: &SockAddr, ty: Type, opts: &SockOpts) -> anyhow::Result<Socket> {
    let sock =
        Socket::new(addr.domain(), ty.nonblocking().cloexec(), protocol_for(addr, ty)).context("socket")?;
    opts.apply(&sock, Role::Client)?;
    bind_source(&sock, addr, opts)?;
    match sock.connect(addr) {
        Ok(()) => Ok(sock),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(sock),
        Err(e) => {
            let e = anyhow::Error::from(e);
            let hint = zone_hint(addr, &e);
            Err(e.context(format!("connect {}{hint}", show(addr))))
        }
    }
}

/// Linux refuses a link-local peer without a scope id (EINVAL: which link?); say how to
/// give one, unless `--bind` already chose the interface.
fn zone_hint(addr: &SockAddr, err: &anyhow::Error) -> &'static str {
    err.downcast_ref::<io::Error>().map_or("", |e| zone_hint_io(addr, e))
}

/// `zone_hint` for an io::Error (ping's sendto).
pub fn zone_hint_io(addr: &SockAddr, err: &io::Error) -> &'static str {
    match addr.as_socket() {
        Some(std::net::SocketAddr::V6(sa))
            if err.raw_os_error() == Some(libc::EINVAL)
                && sa.scope_id() == 0
                && crate::addr::needs_scope(sa.ip()) =>
        {
            " (a link-local address needs its interface as a zone, e.g. fe80::1%eth0)"
        }
        _ => "",
    }
}

fn bind_source(sock: &Socket, peer: &SockAddr, opts: &SockOpts) -> anyhow::Result<()> {
    let Some(source) = &opts.bind else { return Ok(()) };
    let family = if peer.is_ipv6() { Family::V6 } else { Family::V4 };
    let local = sock_addrs(source, family)?;
    let local = local.first().context("--bind: no address")?;
    sock.bind(local).map_err(|e| {
        let e = anyhow::Error::from(e);
        let hint = zone_hint(local, &e);
        e.context(format!("bind {}{hint}", show(local)))
    })
}

fn protocol_for(addr: &SockAddr, ty: Type) -> Option<Protocol> {
    match (addr.is_unix(), ty) {
        (true, _) => None,
        (false, Type::STREAM) => Some(Protocol::TCP),
        (false, Type::DGRAM) => Some(Protocol::UDP),
        _ => None,
    }
}

fn name_timeout(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut {
        io::Error::new(io::ErrorKind::TimedOut, "timed out")
    } else {
        e
    }
}

/// Which kind of ICMP socket `icmp_socket` opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpKind {
    /// SOCK_RAW: we see every ICMP packet of the host (IPv4 with its IP header) and filter by id.
    Raw,
    /// SOCK_DGRAM "ping socket": the kernel sets the id, fills the checksum and only hands us
    /// replies to our id; ICMP errors come through the error queue (IP_RECVERR).
    Dgram,
}

/// What `ping` asks of its ICMP sockets.
#[derive(Clone, Debug, Default)]
pub struct IcmpOpts {
    pub ttl: Option<u32>,
    /// Source address to bind.
    pub source: Option<std::net::IpAddr>,
    /// Interface to bind to (SO_BINDTODEVICE).
    pub device: Option<String>,
    /// Only this kind (`--raw` / `--dgram`); otherwise raw when allowed, else datagram.
    pub only: Option<IcmpKind>,
    /// Path MTU discovery policy (`ping -M`); the kernel's default (`ip_no_pmtu_disc`) if None.
    pub pmtudisc: Option<Pmtudisc>,
    /// IP_TOS / IPV6_TCLASS of probes (`ping -Q`).
    pub tos: Option<u8>,
}

/// A path MTU discovery policy: IP_MTU_DISCOVER / IPV6_MTU_DISCOVER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pmtudisc {
    /// DF set; a datagram over the path MTU fails at send with EMSGSIZE.
    Do,
    /// DF set, but what is over the path MTU is fragmented locally.
    Want,
    /// No DF: routers may fragment.
    Dont,
}

impl Pmtudisc {
    /// The option value: the IPv4 and IPv6 constants are the same numbers (0, 1, 2).
    fn value(self) -> libc::c_int {
        match self {
            Pmtudisc::Do => libc::IP_PMTUDISC_DO,
            Pmtudisc::Want => libc::IP_PMTUDISC_WANT,
            Pmtudisc::Dont => libc::IP_PMTUDISC_DONT,
        }
    }
}

/// The (level, name) of the path MTU discovery option for IPv4 (`v6` false) or IPv6.
fn pmtudisc_option(v6: bool) -> (libc::c_int, libc::c_int) {
    if v6 { (libc::SOL_IPV6, libc::IPV6_MTU_DISCOVER) } else { (libc::SOL_IP, libc::IP_MTU_DISCOVER) }
}

/// The (level, name) of the TOS byte (IPv4) or traffic class (IPv6).
fn tos_option(v6: bool) -> (libc::c_int, libc::c_int) {
    if v6 { (libc::SOL_IPV6, libc::IPV6_TCLASS) } else { (libc::SOL_IP, libc::IP_TOS) }
}

/// Sets the path MTU discovery policy of an IPv4 (`v6` false) or IPv6 socket.
pub fn set_pmtudisc(sock: &Socket, v6: bool, policy: Pmtudisc) -> io::Result<()> {
    let (level, name) = pmtudisc_option(v6);
    setsockopt(sock.as_raw_fd(), level, name, &policy.value())
}

/// The socket's path MTU discovery option as the kernel holds it (the raw number, since the
/// kernel has more policies than `Pmtudisc` names). Tests read options back through it.
#[cfg(test)]
pub fn pmtudisc(sock: &Socket, v6: bool) -> io::Result<libc::c_int> {
    let (level, name) = pmtudisc_option(v6);
    getsockopt_int(sock.as_raw_fd(), level, name)
}

/// Sets the type of service (IPv4, IP_TOS) or traffic class (IPv6, IPV6_TCLASS) byte of what the
/// socket sends.
pub fn set_tos(sock: &Socket, v6: bool, tos: u8) -> io::Result<()> {
    let (level, name) = tos_option(v6);
    setsockopt(sock.as_raw_fd(), level, name, &libc::c_int::from(tos))
}

/// The socket's IP_TOS / IPV6_TCLASS.
#[cfg(test)]
pub fn tos(sock: &Socket, v6: bool) -> io::Result<libc::c_int> {
    let (level, name) = tos_option(v6);
    getsockopt_int(sock.as_raw_fd(), level, name)
}

/// Whether an ICMP socket of this kind, opened with these options, keeps an error queue:
/// ping sockets always (IP_RECVERR is how their ICMP errors arrive), raw ones only with
/// `-M do`, to learn the path MTU after a send fails with EMSGSIZE.
pub fn icmp_error_queue(kind: IcmpKind, opts: &IcmpOpts) -> bool {
    kind == IcmpKind::Dgram || opts.pmtudisc == Some(Pmtudisc::Do)
}

/// Opens a non-blocking ICMP (`v6` false) or ICMPv6 socket: raw when the process may, else an
/// unprivileged datagram one, else an exit-3 error saying what to change.
pub fn icmp_socket(v6: bool, opts: &IcmpOpts) -> anyhow::Result<(Socket, IcmpKind)> {
    let (domain, protocol) =
        if v6 { (Domain::IPV6, Protocol::ICMPV6) } else { (Domain::IPV4, Protocol::ICMPV4) };
    let open = |ty: Type| Socket::new(domain, ty.nonblocking().cloexec(), Some(protocol));
    let raw_err = match opts.only {
        Some(IcmpKind::Dgram) => None,
        _ => match open(Type::RAW) {
            Ok(sock) => return setup_icmp(sock, IcmpKind::Raw, v6, opts),
            // EPERM: no CAP_NET_RAW (the usual case for a user); EACCES: an LSM said no. Both
            // mean "try the unprivileged ping socket" as iputils' create_socket does.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => Some(e),
            // EAFNOSUPPORT: no IPv6 in this kernel or namespace; nothing else would work either.
            Err(e) => return Err(anyhow::Error::from(e).context(format!("socket(raw, {protocol:?})"))),
        },
    };
    if opts.only == Some(IcmpKind::Raw) {
        let e = raw_err.map_or_else(|| anyhow::anyhow!("raw socket refused"), anyhow::Error::from);
        return Err(crate::exit::system(format!(
            "--raw: cannot open a raw ICMP socket ({e}); it needs CAP_NET_RAW (run as root, or \
             setcap cap_net_raw+ep on the binary)"
        )));
    }
    match open(Type::DGRAM) {
        Ok(sock) => setup_icmp(sock, IcmpKind::Dgram, v6, opts),
        // EACCES: our group is outside net.ipv4.ping_group_range (which also governs ICMPv6).
        // EPROTONOSUPPORT/ESOCKTNOSUPPORT: a kernel without ping sockets (before 3.0, or built
        // without them). Either way raw was refused too, so say what would make one work.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EACCES | libc::EPERM | libc::EPROTONOSUPPORT | libc::ESOCKTNOSUPPORT)
            ) =>
        {
            let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
                .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|_| "?".to_string());
            // SAFETY: getegid has no preconditions.
            let gid = unsafe { libc::getegid() };
            Err(crate::exit::system(format!(
                "cannot open an ICMP socket: a raw one needs CAP_NET_RAW (run as root, or setcap \
                 cap_net_raw+ep on the binary), an unprivileged one needs group {gid} inside \
                 net.ipv4.ping_group_range (now '{range}'; e.g. sysctl -w \
                 net.ipv4.ping_group_range='0 2147483647') ({e})"
            )))
        }
        Err(e) => Err(anyhow::Error::from(e).context(format!("socket(dgram, {protocol:?})"))),
    }
}

fn setup_icmp(sock: Socket, kind: IcmpKind, v6: bool, opts: &IcmpOpts) -> anyhow::Result<(Socket, IcmpKind)> {
    let fd = std::os::fd::AsRawFd::as_raw_fd(&sock);
    let on: libc::c_int = 1;
    match (v6, kind) {
        (false, IcmpKind::Raw) => {
            // A raw socket gets every ICMP packet the host receives; let the kernel drop all
            // but echo replies and the errors that can quote a probe (ICMP_FILTER: set bit =
            // blocked type).
            let pass = [0u32, 3, 4, 5, 11, 12].iter().fold(0u32, |m, t| m | (1 << t));
            setsockopt(fd, libc::SOL_RAW, 1 /* ICMP_FILTER */, &!pass).context("setsockopt ICMP_FILTER")?;
        }
        (false, IcmpKind::Dgram) => {
            // Ping sockets hand ICMP errors only to the error queue, and the TTL only as a cmsg.
            setsockopt(fd, libc::SOL_IP, libc::IP_RECVERR, &on).context("setsockopt IP_RECVERR")?;
            setsockopt(fd, libc::SOL_IP, libc::IP_RECVTTL, &on).context("setsockopt IP_RECVTTL")?;
        }
        (true, kind) => {
            if kind == IcmpKind::Raw {
                // ICMP6_FILTER: a set bit lets the type through; keep echo replies (129) and
                // errors (1-4), drop neighbour discovery and our own looped-back requests.
                let mut filter = [0u32; 8];
                for t in [1u32, 2, 3, 4, 129] {
                    filter[(t >> 5) as usize] |= 1 << (t & 31);
                }
                let blocked = filter.map(|w| !w);
                setsockopt(fd, libc::IPPROTO_ICMPV6, 1 /* ICMP6_FILTER */, &blocked)
                    .context("setsockopt ICMP6_FILTER")?;
            } else {
                setsockopt(fd, libc::SOL_IPV6, libc::IPV6_RECVERR, &on).context("setsockopt IPV6_RECVERR")?;
            }
            // No IPv6 header reaches us on either kind: the hop limit comes as a cmsg.
            setsockopt(fd, libc::SOL_IPV6, libc::IPV6_RECVHOPLIMIT, &on)
                .context("setsockopt IPV6_RECVHOPLIMIT")?;
        }
    }
    if let Some(policy) = opts.pmtudisc {
        set_pmtudisc(&sock, v6, policy).context("setsockopt IP_MTU_DISCOVER")?;
        if kind == IcmpKind::Raw && icmp_error_queue(kind, opts) {
            // A send over the path MTU fails with EMSGSIZE; the queued error carries the MTU
            // that iputils prints ("local error: message too long, mtu=1280").
            let (level, name) =
                if v6 { (libc::SOL_IPV6, libc::IPV6_RECVERR) } else { (libc::SOL_IP, libc::IP_RECVERR) };
            setsockopt(fd, level, name, &on).context("setsockopt IP_RECVERR")?;
        }
    }
    if let Some(tos) = opts.tos {
        set_tos(&sock, v6, tos).context(if v6 { "setsockopt IPV6_TCLASS" } else { "setsockopt IP_TOS" })?;
    }
    // The kernel's receive time of each reply, so an rtt leaves out our own wake-up.
    setsockopt(fd, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &on).context("setsockopt SO_TIMESTAMPNS")?;
    // Many hosts or a flood put many replies in flight at once; a small buffer would drop them.
    let _ = sock.set_recv_buffer_size(1 << 20);
    if let Some(ttl) = opts.ttl {
        if v6 { sock.set_unicast_hops_v6(ttl)? } else { sock.set_ttl_v4(ttl)? }
    }
    if let Some(device) = &opts.device {
        sock.bind_device(Some(device.as_bytes())).with_context(|| format!("-I {device}: SO_BINDTODEVICE"))?;
    }
    if let Some(source) = opts.source
        && source.is_ipv6() == v6
    {
        let addr = SockAddr::from(std::net::SocketAddr::new(source, 0));
        sock.bind(&addr).map_err(|e| {
            let e = anyhow::Error::from(e);
            let hint = zone_hint(&addr, &e);
            e.context(format!("bind {source}{hint}"))
        })?;
    }
    Ok((sock, kind))
}

fn setsockopt<T>(fd: libc::c_int, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    // SAFETY: `value` is a live T and we pass its exact size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(test)]
fn getsockopt_int(fd: libc::c_int, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `value` is a live c_int and `len` its size; the kernel writes at most `len` bytes.
    let rc = unsafe { libc::getsockopt(fd, level, name, (&mut value as *mut libc::c_int).cast(), &mut len) };
    if rc == 0 { Ok(value) } else { Err(io::Error::last_os_error()) }
}

/// Whether a server answers on the socket file at `path`: a connect that succeeds, or that
/// finds a socket of another type (EPROTOTYPE), means yes; ECONNREFUSED means the file is
/// stale (nobody has it bound any more).
pub fn unix_socket_alive(path: &std::path::Path, ty: Type) -> io::Result<bool> {
    let sock = Socket::new(Domain::UNIX, ty.cloexec(), None)?;
    if ty == Type::DGRAM {
        sock.bind(&SockAddr::unix("")?)?;
    }
    match sock.connect(&SockAddr::unix(path)?) {
        Ok(()) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EPROTOTYPE) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => Ok(false),
        Err(e) => Err(e),
    }
}

/// SO_PASSCRED: every datagram arrives with its sender's pid/uid/gid (SCM_CREDENTIALS), the
/// datagram counterpart of SO_PEERCRED.
pub fn pass_credentials(sock: &Socket) -> io::Result<()> {
    setsockopt(sock.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PASSCRED, &(1 as libc::c_int))
}

/// The process at the other end of a connected Unix socket, as the kernel saw it at connect().
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PeerCred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

/// SO_PEERCRED of a connected Unix stream or seqpacket socket.
pub fn peer_cred(fd: &impl std::os::fd::AsRawFd) -> io::Result<PeerCred> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes and sized for SO_PEERCRED's struct ucred.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(PeerCred { pid: cred.pid, uid: cred.uid, gid: cred.gid })
}

/// An address as users write it: `127.0.0.1:7`, `[::1]:7`, `[fe80::1%eth0]:7`, `/path`, `@name`.
pub fn show(addr: &SockAddr) -> String {
    if let Some(sa) = addr.as_socket() {
        return show_inet(&sa);
    }
    if let Some(name) = addr.as_abstract_namespace() {
        return format!("@{}", String::from_utf8_lossy(name));
    }
    match addr.as_pathname() {
        Some(path) => path.display().to_string(),
        None => "(unnamed)".to_string(),
    }
}

/// An IP socket address as users write it; a scope id (which the kernel gives every
/// link-local peer) as its interface's name, the form the parser takes back.
pub fn show_inet(sa: &std::net::SocketAddr) -> String {
    match sa {
        std::net::SocketAddr::V6(v6) if v6.scope_id() != 0 => {
            format!("[{}]:{}", crate::addr::scoped_text(v6.ip(), v6.scope_id()), v6.port())
        }
        sa => sa.to_string(),
    }
}

/// The address a socket is bound to, as users write it.
pub fn local_name(sock: &Socket) -> String {
    sock.local_addr().map(|a| show(&a)).unwrap_or_else(|_| "?".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SockOpts {
        SockOpts { backlog: 16, ..SockOpts::default() }
    }

    #[test]
    fn options_reach_the_socket() {
        let o = SockOpts {
            nodelay: true,
            keepalive: Some(Some(Duration::from_secs(30))),
            linger: Some(0),
            rcvbuf: Some(8192),
            sndbuf: Some(8192),
            ttl: Some(7),
            ..opts()
        };
        let sock = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        o.apply(&sock, Role::Client).unwrap();
        assert!(sock.tcp_nodelay().unwrap());
        assert!(sock.keepalive().unwrap());
        assert_eq!(sock.tcp_keepalive_time().unwrap(), Duration::from_secs(30));
        assert_eq!(sock.linger().unwrap(), Some(Duration::ZERO));
        // The kernel doubles the asked size to leave room for its bookkeeping.
        assert_eq!(sock.recv_buffer_size().unwrap(), 16384);
        assert_eq!(sock.send_buffer_size().unwrap(), 16384);
        assert_eq!(sock.ttl_v4().unwrap(), 7);
        assert!(!sock.reuse_address().unwrap());
    }

    #[test]
    fn each_pmtudisc_policy_reaches_ipv4_and_ipv6_sockets() {
        for (v6, domain) in [(false, Domain::IPV4), (true, Domain::IPV6)] {
            let sock = Socket::new(domain, Type::DGRAM, None).unwrap();
            for (policy, want) in [
                (Pmtudisc::Do, libc::IP_PMTUDISC_DO),
                (Pmtudisc::Dont, libc::IP_PMTUDISC_DONT),
                (Pmtudisc::Want, libc::IP_PMTUDISC_WANT),
            ] {
                set_pmtudisc(&sock, v6, policy).unwrap();
                assert_eq!(pmtudisc(&sock, v6).unwrap(), want, "v6 {v6} {policy:?}");
            }
        }
    }

    #[test]
    fn the_tos_byte_reaches_ipv4_and_ipv6_sockets_whole() {
        for (v6, domain) in [(false, Domain::IPV4), (true, Domain::IPV6)] {
            let sock = Socket::new(domain, Type::DGRAM, None).unwrap();
            assert_eq!(tos(&sock, v6).unwrap(), 0);
            // DSCP EF (0xb8), then with both ECN bits, which datagram sockets keep.
            for value in [0xb8u8, 0x1f, 0xff, 0] {
                set_tos(&sock, v6, value).unwrap();
                assert_eq!(tos(&sock, v6).unwrap(), libc::c_int::from(value), "v6 {v6}");
            }
        }
    }

    #[test]
    fn listeners_get_reuseaddr_and_v6only_as_asked() {
        let sock = Socket::new(Domain::IPV6, Type::STREAM, Some(Protocol::TCP)).unwrap();
        SockOpts { v6only: true, reuseaddr: true, ..opts() }.apply(&sock, Role::Listener).unwrap();
        assert!(sock.reuse_address().unwrap());
        assert!(sock.only_v6().unwrap());
        let sock = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        SockOpts { reuseport: true, ..opts() }.apply(&sock, Role::Listener).unwrap();
        assert!(sock.reuse_port().unwrap());
        assert!(!sock.reuse_address().unwrap());
    }

    #[test]
    fn listen_on_port_zero_picks_a_port_and_connect_reaches_it() {
        let ep = Endpoint::parse("127.0.0.1:0", None).unwrap();
        let listener = listen(&ep, Type::STREAM, &opts()).unwrap();
        let bound = local_name(&listener);
        assert!(bound.starts_with("127.0.0.1:") && !bound.ends_with(":0"), "{bound}");
        let client = connect(&Endpoint::parse(&bound, None).unwrap(), Type::STREAM, &opts()).unwrap();
        assert_eq!(show(&client.peer_addr().unwrap()), bound);
    }

    #[test]
    fn abstract_and_path_endpoints_bind() {
        let name = format!("@sockkit-test-{}", std::process::id());
        let ep = Endpoint::parse(&name, None).unwrap();
        let sock = listen(&ep, Type::STREAM, &opts()).unwrap();
        assert_eq!(local_name(&sock), name);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let ep = Endpoint::Unix(path.clone());
        let sock = listen(&ep, Type::STREAM, &opts()).unwrap();
        assert_eq!(local_name(&sock), path.display().to_string());
    }

    #[test]
    fn a_scope_id_shows_as_its_interface_name() {
        let scoped = std::net::SocketAddrV6::new("fe80::1".parse().unwrap(), 7, 0, 1);
        assert_eq!(show(&SockAddr::from(scoped)), "[fe80::1%lo]:7");
        let unscoped = std::net::SocketAddrV6::new("fe80::1".parse().unwrap(), 7, 0, 0);
        assert_eq!(show(&SockAddr::from(unscoped)), "[fe80::1]:7");
    }

    #[test]
    fn a_link_local_connect_without_a_zone_says_to_give_one() {
        let ep = Endpoint::parse("[fe80::1]:7", None).unwrap();
        let err = format!("{:#}", connect(&ep, Type::STREAM, &opts()).unwrap_err());
        assert!(
            err.starts_with("connect [fe80::1]:7 (a link-local address needs its interface as a zone"),
            "{err}"
        );
        assert!(err.contains("Invalid argument"), "{err}");
    }

    #[test]
    fn a_refused_connect_names_the_address() {
        let ep = Endpoint::parse("127.0.0.1:0", None).unwrap();
        let listener = listen(&ep, Type::STREAM, &opts()).unwrap();
        let bound = local_name(&listener);
        drop(listener);
        let err = connect(&Endpoint::parse(&bound, None).unwrap(), Type::STREAM, &opts()).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.starts_with(&format!("connect {bound}: ")), "{text}");
        assert!(text.contains("refused"), "{text}");
    }

    #[test]
    fn connect_any_goes_past_a_refused_address_and_says_which_one_answered() {
        let ep = Endpoint::parse("127.0.0.1:0", None).unwrap();
        let closed = listen(&ep, Type::STREAM, &opts()).unwrap().local_addr().unwrap();
        let listener = listen(&ep, Type::STREAM, &opts()).unwrap();
        let open = listener.local_addr().unwrap();
        let (sock, addr) = connect_any(&[closed.clone(), open.clone()], Type::STREAM, &opts()).unwrap();
        assert_eq!(show(&addr), show(&open));
        assert_eq!(show(&sock.peer_addr().unwrap()), show(&open));
        let (_, first) = connect_any(&[open.clone(), closed.clone()], Type::STREAM, &opts()).unwrap();
        assert_eq!(show(&first), show(&open), "the first address that answers is taken");
        let err = connect_any(std::slice::from_ref(&closed), Type::STREAM, &opts()).unwrap_err();
        assert!(format!("{err:#}").starts_with(&format!("connect {}: ", show(&closed))), "{err:#}");
    }
}
