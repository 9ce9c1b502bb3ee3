//! The command line, as clap derive structs: one Args per subcommand, the shared socket options
//! and output flags flattened in. Contract: ../shared/CLI.md.

use std::error::Error as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand};

use crate::addr::{self, Endpoint};
use crate::output::OutputArgs;
use crate::sockopt::{Pmtudisc, SockOpts};
use crate::units::{parse_buffer_bytes, parse_duration, parse_nonzero_bytes};

/// The default port of echo, udp: the article's examples use 5500.
pub const DEFAULT_PORT: u16 = 5500;

/// A socket swiss-army knife: echo servers and clients over TCP, UDP and Unix sockets, a raw
/// HTTP/1.1 client, ICMP ping, and TCP socket states.
#[derive(Parser, Debug)]
#[command(name = "sockkit", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success, 1 negative result (no reply, bytes differ), \
2 usage or bad input, 3 network or system error, 4 the peer broke the protocol.")]
pub struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run, so the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// TCP echo server and verifying client
    #[command(subcommand)]
    Echo(Lazy<EchoCommand>),
    /// UDP echo server and client
    #[command(subcommand)]
    Udp(Lazy<UdpCommand>),
    /// Echo over Unix domain sockets (paths and @abstract names)
    #[command(subcommand)]
    Uds(Lazy<UdsCommand>),
    /// HTTP/1.1 client written directly on a socket
    #[command(subcommand)]
    Http(Lazy<HttpCommand>),
    /// ICMP echo (IPv4 and IPv6), many hosts at once
    Ping(Lazy<PingArgs>),
    /// TCP sockets by state, from /proc/net/tcp and tcp6
    States(Lazy<StatesArgs>),
    /// Writes completions/ and man/ from this definition (for maintainers)
    #[command(hide = true)]
    Generate(Lazy<GenerateArgs>),
}

/// A subcommand whose arguments clap defines only once the command line names it
/// ([`clap::Command::defer`]). Defining every subcommand's arguments up front was most of a
/// run's start-up: about 40% of `sockkit states`' instructions on a small table.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

/// Set by [`whole_tree`]: every subcommand is then defined at once.
static DEFINE_ALL: AtomicBool = AtomicBool::new(false);

/// The whole command tree, nothing deferred, for what describes all of it (completions, man
/// pages): clap derives the `help` subcommand's tree from the subcommands defined when it is
/// built, so deferred ones would be missing from it.
pub fn whole_tree() -> clap::Command {
    use clap::CommandFactory;
    DEFINE_ALL.store(true, Ordering::Relaxed);
    Cli::command()
}

/// `augment` now, or deferred to when clap enters the subcommand.
fn define(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    match DEFINE_ALL.load(Ordering::Relaxed) {
        true => augment(cmd),
        false => cmd.defer(augment),
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        define(cmd, T::augment_subcommands)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        define(cmd, T::augment_subcommands_for_update)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        define(cmd, T::augment_args)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        define(cmd, T::augment_args_for_update)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

#[derive(Subcommand, Debug)]
pub enum EchoCommand {
    /// Echo every byte back to every client, many at once on one event loop
    Serve(EchoServeArgs),
    /// Send bytes, read the echo to EOF and verify every byte; or generate load
    Client(EchoClientArgs),
}

#[derive(Args, Debug)]
pub struct EchoServeArgs {
    /// Address to listen on: PORT, :PORT, HOST:PORT, [V6]:PORT, unix:PATH or @NAME
    #[arg(value_name = "ADDR", default_value = ":5500", value_parser = addr::parser(Some(DEFAULT_PORT)))]
    pub addr: Endpoint,
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// Flags every server shares (echo, udp, uds).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Server")]
pub struct ServerArgs {
    /// Serve at most N clients at once; others wait in the listen backlog
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_clients: Option<u64>,
    /// Close a client that sends nothing for this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub idle_timeout: Option<Duration>,
    /// Stop after N clients have come and gone; a datagram server (uds serve --dgram) has no
    /// clients and stops after N datagrams have arrived
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub exit_after: Option<u64>,
}

#[derive(Args, Debug)]
pub struct EchoClientArgs {
    /// Server address: HOST:PORT, [V6]:PORT, HOST (port 5500), unix:PATH or @NAME
    #[arg(value_name = "ADDR", value_parser = addr::parser(Some(DEFAULT_PORT)))]
    pub addr: Endpoint,
    /// Bytes to send; '-' or absent reads stdin (when it is not a terminal)
    #[arg(value_name = "MESSAGE", conflicts_with = "size")]
    pub message: Option<String>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print every send/recv syscall and what it returned
    #[arg(long)]
    pub trace: bool,
    /// Keep the write side open and stop once every byte is back (for servers that close on
    /// EOF before echoing, such as `ncat --exec`)
    #[arg(long)]
    pub no_half_close: bool,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// Generated payloads and the load generator (echo and uds clients).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Load")]
pub struct LoadArgs {
    /// Send BYTES of generated data instead of MESSAGE (per round with --connections)
    #[arg(long, value_name = "BYTES", value_parser = parse_nonzero_bytes)]
    pub size: Option<usize>,
    /// Round trips per connection (each sends --size bytes and waits for their echo)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,
    /// Open N connections at once and report throughput and latency percentiles
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub connections: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum UdpCommand {
    /// Echo each datagram back to its sender
    Serve(UdpServeArgs),
    /// Send numbered datagrams and match their echoes
    Client(UdpClientArgs),
}

#[derive(Args, Debug)]
pub struct UdpServeArgs {
    /// Address to listen on: PORT, :PORT, HOST:PORT or [V6]:PORT ([::] also takes IPv4)
    #[arg(value_name = "ADDR", default_value = ":5500", value_parser = addr::parser(Some(DEFAULT_PORT)))]
    pub addr: Endpoint,
    #[command(flatten)]
    pub dgram: DgramServeArgs,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// Flags of a datagram echo server (udp serve, uds serve --dgram).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Server")]
pub struct DgramServeArgs {
    /// Largest datagram received whole; a longer one is reported as truncated and not echoed
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer_bytes)]
    pub buffer: Option<usize>,
    /// Stop after N datagrams have arrived (echoed or not)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub exit_after: Option<u64>,
}

#[derive(Args, Debug)]
pub struct UdpClientArgs {
    /// Server address: HOST:PORT, [V6]:PORT or HOST (port 5500)
    #[arg(value_name = "ADDR", value_parser = addr::parser(Some(DEFAULT_PORT)))]
    pub addr: Endpoint,
    /// Text carried by every datagram after its 16-byte sequence header
    #[arg(value_name = "MESSAGE", conflicts_with = "size")]
    pub message: Option<String>,
    /// Datagrams to send
    #[arg(short = 'c', long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,
    /// Bytes per datagram, sequence header included (IPv4 allows 65507, IPv6 65527)
    #[arg(short = 's', long, value_name = "BYTES", value_parser = parse_nonzero_bytes)]
    pub size: Option<usize>,
    #[command(flatten)]
    pub dgram: DgramClientArgs,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// Flags of the datagram client (udp client, uds client --dgram/--seqpacket).
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Datagrams")]
pub struct DgramClientArgs {
    /// Time between datagrams, like ping -i; 0 sends each as soon as the last is answered
    /// (or 10ms passed), like ping -f
    #[arg(short = 'i', long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub interval: Duration,
    /// Largest reply received whole; a longer one is reported as truncated
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer_bytes)]
    pub buffer: Option<usize>,
    /// Print every send/recv syscall and what it returned (datagrams keep their boundaries)
    #[arg(long)]
    pub trace: bool,
}

#[derive(Subcommand, Debug)]
pub enum UdsCommand {
    /// Echo server on a Unix socket path or @abstract name
    Serve(UdsServeArgs),
    /// Verifying client for a Unix socket
    Client(UdsClientArgs),
}

/// Which kind of Unix socket: stream (default), datagram or sequenced packets.
#[derive(Args, Debug, Clone, Copy)]
#[group(multiple = false)]
pub struct UdsKind {
    /// SOCK_DGRAM: datagrams, no connection
    #[arg(long)]
    pub dgram: bool,
    /// SOCK_SEQPACKET: a connection that keeps message boundaries
    #[arg(long)]
    pub seqpacket: bool,
}

#[derive(Args, Debug)]
pub struct UdsServeArgs {
    /// Socket file path or @NAME for a Linux abstract name
    #[arg(value_name = "PATH|@NAME", value_parser = unix_addr)]
    pub addr: Endpoint,
    #[command(flatten)]
    pub kind: UdsKind,
    /// Permissions of the socket file, in octal (0600: only this user may connect)
    #[arg(long, value_name = "OCTAL", value_parser = parse_mode)]
    pub mode: Option<u32>,
    /// Replace a stale socket file (never a live server's, never a file that is not a socket)
    #[arg(long)]
    pub unlink: bool,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Largest message received whole with --dgram/--seqpacket; longer ones are reported, not echoed
    #[arg(long, value_name = "BYTES", value_parser = parse_buffer_bytes)]
    pub buffer: Option<usize>,
    #[command(flatten)]
    pub sock: SockOpts,
}

#[derive(Args, Debug)]
pub struct UdsClientArgs {
    /// Socket file path or @NAME for a Linux abstract name
    #[arg(value_name = "PATH|@NAME", value_parser = unix_addr)]
    pub addr: Endpoint,
    /// Bytes to send; '-' or absent reads stdin (stream only, when it is not a terminal)
    #[arg(value_name = "MESSAGE", conflicts_with = "size")]
    pub message: Option<String>,
    #[command(flatten)]
    pub kind: UdsKind,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub dgram: DgramClientArgs,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// A Unix socket address: `@NAME`, `unix:PATH`, or any other text as a path (`uds serve sock`
/// means the file `sock`, not a host name).
fn unix_addr(text: &str) -> Result<Endpoint, addr::AddrError> {
    if text.starts_with('@') || text.starts_with("unix:") || text.contains('/') {
        return Endpoint::parse(text, None);
    }
    // `uds serve 127.0.0.1:5500` is a slip for `echo serve`, not a wish for a file of that name.
    if text.parse::<std::net::SocketAddr>().is_ok() {
        return Err(addr::AddrError {
            input: text.to_string(),
            reason: format!("an IP address, not a Unix socket (a file of that name: ./{text})"),
        });
    }
    Endpoint::parse(&format!("unix:{text}"), None).map_err(|mut e| {
        e.input = text.to_string();
        e
    })
}

/// `--mode`: file permissions in octal, as chmod takes them.
fn parse_mode(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    match u32::from_str_radix(digits, 8) {
        Ok(mode) if mode <= 0o777 && !digits.is_empty() => Ok(mode),
        _ => Err(format!("'{text}': expected octal permissions such as 0600 or 660")),
    }
}

#[derive(Subcommand, Debug)]
pub enum HttpCommand {
    /// GET (or HEAD with -I) one or more URLs
    Get(HttpGetArgs),
}

#[derive(Args, Debug)]
pub struct HttpGetArgs {
    /// URLs to fetch: http://HOST[:PORT]/PATH?QUERY, [V6] in brackets; several URLs on one host
    /// share one keep-alive connection
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,
    /// Print the status line and headers before the body (on stdout, as curl -i)
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Send HEAD instead of GET and print the response head
    #[arg(short = 'I', long)]
    pub head: bool,
    /// Extra request header 'Name: value' (repeatable); replaces a default header of that name,
    /// and 'Name:' with no value removes it
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Write bodies to FILE instead of stdout ('-' is stdout); with several URLs, one after another
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Follow redirects (3xx with a Location header); -H Authorization and Cookie headers go
    /// only to the host, port and scheme of the URL given
    #[arg(short = 'L', long)]
    pub location: bool,
    /// Like -L, and send -H Authorization and Cookie headers to every redirect target, whatever
    /// its host
    #[arg(long)]
    pub location_trusted: bool,
    /// With -L, give up (exit 4) when the server still redirects after N redirects
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_redirs: u32,
    /// Exit 1 without printing the body when the status is 400 or more (the other URLs are
    /// still fetched; see --fail-early)
    #[arg(short = 'f', long)]
    pub fail: bool,
    /// Stop at the first URL that fails (an error, or a status of 400 or more with --fail)
    /// instead of reporting it and going on to the next URLs
    #[arg(long)]
    pub fail_early: bool,
    /// Give up on a TCP handshake after this long (default: --timeout, else 10s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub connect_timeout: Option<Duration>,
    /// Print resolve, connect, first-byte and total times for each response (on stderr)
    #[arg(long)]
    pub timing: bool,
    #[command(flatten)]
    pub sock: SockOpts,
}

/// `-H 'Name: value'`: a token name, a colon, a value without line breaks.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let bad = || format!("'{text}': expected 'Name: value' (a name without spaces, then a colon)");
    let (name, value) = text.split_once(':').ok_or_else(bad)?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(bad());
    }
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!("'{text}': a header value cannot hold a line break"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

#[derive(Args, Debug)]
pub struct PingArgs {
    /// Hosts to ping (IP addresses or names); several are pinged at once, one summary each
    #[arg(value_name = "HOST", required = true, num_args = 1.., value_parser = addr::host_parser)]
    pub hosts: Vec<addr::Host>,
    /// Stop after COUNT probes per host (with -w: after COUNT replies)
    #[arg(short = 'c', long, value_name = "COUNT", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Time between probes: 1, 0.2, 200ms (under 2ms needs root, as in iputils 20221126)
    #[arg(short = 'i', long, value_name = "INTERVAL", value_parser = parse_duration)]
    pub interval: Option<Duration>,
    /// How long to wait for replies after the last probe when none came [default: 10s]
    #[arg(short = 'W', long = "timeout", value_name = "TIMEOUT", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Stop after DEADLINE, however many probes were sent or answered
    #[arg(short = 'w', long, value_name = "DEADLINE", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    /// Payload bytes per probe (the first 8 carry the send time when they fit)
    #[arg(short = 's', long, value_name = "SIZE", default_value_t = 56,
          value_parser = clap::value_parser!(u16).range(0..=65507))]
    pub size: u16,
    /// IP time to live / IPv6 hop limit of probes
    #[arg(short = 't', long, value_name = "TTL", value_parser = clap::value_parser!(u32).range(1..=255))]
    pub ttl: Option<u32>,
    /// Source address, or interface name (SO_BINDTODEVICE)
    #[arg(short = 'I', long, value_name = "ADDR|IFACE")]
    pub interface: Option<String>,
    /// Flood: a probe as soon as the last one is answered, or every 10 ms (root only)
    #[arg(short = 'f', long)]
    pub flood: bool,
    /// Print the time of day (seconds since 1970, as iputils' -D: `[1700000000.123456] `) before
    /// each reply and error line
    #[arg(short = 'D', long)]
    pub timestamps: bool,
    /// Numeric output only; accepted for iputils' scripts, and always so: sockkit never looks up
    /// names for addresses
    #[arg(short = 'n', long)]
    pub numeric: bool,
    /// Resolve names to IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Resolve names to IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Use a raw ICMP socket only (needs CAP_NET_RAW)
    #[arg(long, conflicts_with = "dgram")]
    pub raw: bool,
    /// Use an unprivileged ICMP datagram socket only (net.ipv4.ping_group_range)
    #[arg(long)]
    pub dgram: bool,
    /// Path MTU discovery, as iputils' -M: do (set DF; a probe over the path MTU fails here
    /// with "message too long"), want (set DF, but fragment locally what is too big), dont (no DF)
    #[arg(short = 'M', long = "pmtudisc", value_name = "do|want|dont", value_parser = parse_pmtudisc)]
    pub pmtudisc: Option<Pmtudisc>,
    /// Type of service / traffic class byte of probes, 0-255 or 0x00-0xff (IP_TOS, IPV6_TCLASS),
    /// as iputils' -Q: DSCP in the high 6 bits, ECN in the low 2
    #[arg(short = 'Q', long = "tos", value_name = "TOS", value_parser = parse_tos)]
    pub tos: Option<u8>,
    /// Up to 16 bytes in hex (ff00) that fill the payload after the send stamp, as iputils' -p;
    /// an odd last digit is a byte of its own (fff is ff 0f), as in iputils
    #[arg(short = 'p', long = "pattern", value_name = "PATTERN", value_parser = parse_pattern)]
    pub pattern: Option<Pattern>,
    /// Before each probe, report the previous one if it is still unanswered ("no answer yet for
    /// icmp_seq=N", as iputils' -O; shown even with -q, as there)
    #[arg(short = 'O', long = "report-outstanding")]
    pub report_outstanding: bool,
}

/// `-p`'s bytes (a newtype, since clap reads a bare `Vec` as a list of values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern(pub Vec<u8>);

/// iputils' `-p`: at most this many pattern bytes.
const MAX_PATTERN_BYTES: usize = 16;

/// `-p`: hex digits, two to a byte, at most 16 bytes. iputils quietly drops bytes past the
/// 16th; a pattern that long is refused here instead, so nothing typed is lost unseen.
fn parse_pattern(text: &str) -> Result<Pattern, String> {
    let expected = || format!("'{text}': expected 1 to 16 bytes in hex digits, such as ff00");
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) || text.len() > 2 * MAX_PATTERN_BYTES {
        return Err(expected());
    }
    // Every byte is an ASCII hex digit by now.
    let digit = |d: &u8| (*d as char).to_digit(16).unwrap_or(0) as u8;
    Ok(Pattern(
        text.as_bytes().chunks(2).map(|pair| pair.iter().fold(0, |byte, d| byte << 4 | digit(d))).collect(),
    ))
}

/// `-Q`: decimal or `0x` hex, one byte.
fn parse_tos(text: &str) -> Result<u8, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => text.parse::<u8>(),
    };
    parsed.map_err(|_| format!("'{text}': expected a TOS byte, 0-255 or 0x00-0xff"))
}

/// `-M`: iputils' words, in either case.
fn parse_pmtudisc(text: &str) -> Result<Pmtudisc, String> {
    match text.to_ascii_lowercase().as_str() {
        "do" => Ok(Pmtudisc::Do),
        "want" => Ok(Pmtudisc::Want),
        "dont" => Ok(Pmtudisc::Dont),
        _ => Err(format!("'{text}': expected do, want or dont")),
    }
}

#[derive(Args, Debug)]
pub struct StatesArgs {
    /// Only sockets in this state (repeatable): established, syn-sent, syn-recv, fin-wait-1,
    /// fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing; or a group: all,
    /// connected, synchronized, bucket, big. TIME_WAIT spelling works too
    #[arg(long, short = 'f', value_name = "STATE", value_parser = crate::cmd::states::parse_state_filter)]
    pub filter: Vec<crate::cmd::states::StateSet>,
    /// Only sockets with this local or peer port (repeatable)
    #[arg(long, value_name = "PORT")]
    pub port: Vec<u16>,
    /// Only sockets with this local or peer address (repeatable): IP, PREFIX/LEN, HOST, HOST:PORT
    /// or :PORT. An IPv4 address also finds its v4-mapped form on IPv6 sockets
    #[arg(long, value_name = "ADDR", value_parser = crate::cmd::states::parse_address_filter)]
    pub address: Vec<crate::cmd::states::AddressFilter>,
    /// IPv4 sockets only (/proc/net/tcp)
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// IPv6 sockets only (/proc/net/tcp6)
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Show timers, as ss -o: timer:(timewait,58sec,0), keepalive, on (retransmit), persist
    #[arg(short = 'o', long = "timers")]
    pub timers: bool,
    /// Show the owning processes, as ss -p: users:(("name",pid=1,fd=3)) (root sees them all)
    #[arg(short = 'p', long)]
    pub processes: bool,
    /// Count sockets per state and family instead of listing them
    #[arg(short = 's', long)]
    pub summary: bool,
    /// Redraw every DURATION, marking sockets that appeared (+), left (-) or changed state (~),
    /// until Ctrl-C
    #[arg(long, value_name = "DURATION", value_parser = parse_watch_interval)]
    pub watch: Option<Duration>,
    /// After the table, say what each state present means and who is waiting for what
    #[arg(long)]
    pub explain: bool,
    /// Where proc is mounted (for reading captured tables)
    #[arg(long, hide = true, value_name = "DIR", default_value = "/proc")]
    pub proc_root: std::path::PathBuf,
}

/// A redraw interval: at least 10 ms, so a typo cannot turn --watch into a busy loop.
fn parse_watch_interval(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text)?;
    if interval < Duration::from_millis(10) {
        return Err(format!("'{text}': expected an interval of at least 10ms"));
    }
    Ok(interval)
}

#[cfg(test)]
impl StatesArgs {
    /// Defaults plus the given address filters, for unit tests of the query.
    pub fn for_test(address: Vec<crate::cmd::states::AddressFilter>) -> StatesArgs {
        StatesArgs {
            filter: Vec::new(),
            port: Vec::new(),
            address,
            ipv4: false,
            ipv6: false,
            timers: false,
            processes: false,
            summary: false,
            watch: None,
            explain: false,
            proc_root: "/proc".into(),
        }
    }
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Project folder to write completions/ and man/ into
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: std::path::PathBuf,
}

/// Parses the command line, or says in one line what was wrong (exit 2). Help and version
/// go to stdout with exit 0, as users expect.
pub fn parse() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|err| match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(2)
        }
        _ => {
            let line = one_line(&err);
            #[allow(clippy::print_stderr, clippy::print_stdout)]
            {
                eprintln!("sockkit: {line}");
                // The Printer does not exist yet; --json still gets its error event on stdout.
                if std::env::args().any(|a| a == "--json") {
                    let event = serde_json::json!({"event": "error", "message": line, "exit_code": 2});
                    println!("{event}");
                }
            }
            ExitCode::from(2)
        }
    })
}

/// A clap error as one line that names the input and what was expected.
fn one_line(err: &clap::Error) -> String {
    if err.kind() == ErrorKind::ValueValidation
        && let Some(source) = err.source()
    {
        if source.downcast_ref::<addr::AddrError>().is_some() {
            return source.to_string();
        }
        let flag = match err.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(arg)) => arg.split(' ').next().unwrap_or(arg).to_string(),
            _ => String::new(),
        };
        return format!("{flag} {source}").trim().to_string();
    }
    // clap puts the missing argument's name on a second line; keep it on the one line.
    if err.kind() == ErrorKind::MissingRequiredArgument
        && let Some(ContextValue::Strings(args)) = err.get(ContextKind::InvalidArg)
    {
        return format!("missing required argument {} (try 'sockkit --help')", args.join(", "));
    }
    let rendered = err.render().to_string();
    let first = rendered.lines().next().unwrap_or("bad arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    format!("{first} (try 'sockkit --help')")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
        whole_tree().debug_assert();
    }

    #[test]
    fn tos_values_are_one_byte_in_decimal_or_hex() {
        assert_eq!(parse_tos("0"), Ok(0));
        assert_eq!(parse_tos("184"), Ok(184));
        assert_eq!(parse_tos("0xb8"), Ok(0xb8));
        assert_eq!(parse_tos("0XFF"), Ok(255));
        for bad in ["256", "0x100", "-1", "abc", "0x", "", "0xg1", " 1"] {
            let err = parse_tos(bad).unwrap_err();
            assert_eq!(err, format!("'{bad}': expected a TOS byte, 0-255 or 0x00-0xff"));
        }
    }

    #[test]
    fn patterns_are_hex_bytes_as_iputils_reads_them() {
        assert_eq!(parse_pattern("ff00"), Ok(Pattern(vec![0xff, 0x00])));
        assert_eq!(parse_pattern("f"), Ok(Pattern(vec![0x0f])));
        assert_eq!(parse_pattern("fff"), Ok(Pattern(vec![0xff, 0x0f])));
        assert_eq!(parse_pattern("DeadBeef"), Ok(Pattern(vec![0xde, 0xad, 0xbe, 0xef])));
        assert_eq!(parse_pattern(&"ab".repeat(16)), Ok(Pattern(vec![0xab; 16])));
        for bad in ["xyz", "", "0xff", "ff 00", "-1", "f\u{e9}", &"ab".repeat(17), &"a".repeat(33)] {
            let err = parse_pattern(bad).unwrap_err();
            assert_eq!(err, format!("'{bad}': expected 1 to 16 bytes in hex digits, such as ff00"));
        }
    }

    #[test]
    fn uds_addresses_are_paths_unless_they_say_otherwise() {
        assert_eq!(unix_addr("sock"), Ok(Endpoint::Unix("sock".into())));
        assert_eq!(unix_addr("./a:b"), Ok(Endpoint::Unix("./a:b".into())));
        assert_eq!(unix_addr("@name"), Ok(Endpoint::Abstract(b"name".to_vec())));
        let long = "x".repeat(120);
        assert_eq!(unix_addr(&long).unwrap_err().input, long, "the error names what was typed");
        assert_eq!(parse_mode("0600"), Ok(0o600));
        assert_eq!(parse_mode("660"), Ok(0o660));
        assert!(parse_mode("0800").is_err() && parse_mode("").is_err() && parse_mode("1777").is_err());
    }

    #[test]
    fn bad_values_become_one_line_naming_the_input() {
        let err = Cli::try_parse_from(["sockkit", "echo", "client", "x:y"]).unwrap_err();
        assert_eq!(one_line(&err), "invalid address 'x:y': port must be a number 0-65535");
        let err = Cli::try_parse_from(["sockkit", "echo", "client", "h:1", "--count", "0"]).unwrap_err();
        assert!(one_line(&err).starts_with("--count"), "{}", one_line(&err));
        let err = Cli::try_parse_from(["sockkit", "echo", "serve", "--timeout", "soon"]).unwrap_err();
        assert_eq!(one_line(&err), "--timeout 'soon': expected a duration such as 0.2, 500ms, 2s or 1m");
        let err = Cli::try_parse_from(["sockkit", "echo", "serve", "--bogus"]).unwrap_err();
        assert!(!one_line(&err).contains('\n'));
    }
}
