//! `sockkit states`: TCP sockets by state from /proc/net/tcp and tcp6, in `ss -tan`'s columns,
//! with ss's state names and groups, timers (`-o`), owning processes (`-p`), a per-state
//! summary, a `--watch` mode that marks transitions, and `--explain`.
//!
//! One run reads each file once (tcp6 on a second thread beside a big tcp) and parses the lines
//! as they are read (the parsers allocate nothing), keeping only the sockets the filters admit;
//! the table is then written in 64 KiB chunks. The plain table reads each line only as far as
//! it shows ([`proc_net::parse_head`]); `-o`, `-p` and `--json` read all of it. A line the
//! parser does not understand is reported once per file and skipped.

pub mod proc_net;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use crate::addr::{Endpoint, Family, Host};
use crate::cli::StatesArgs;
use crate::event_loop::EventLoop;
use crate::exit::Exit;
use crate::output::{Paint, Printer, Record};
use proc_net::{TcpEntry, TcpState, TcpTail, Timer};

pub fn run(args: StatesArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    let query = Query::from_args(&args, out.is_json())?;
    let mut reader = Reader::new(&args.proc_root, query.family);
    match args.watch {
        Some(interval) => watch(&args, &query, &mut reader, interval, out),
        None => {
            let sockets = reader.read(&query, out)?;
            let owners = owners_if_asked(&args, &sockets);
            show_frame(&args, &Frame::still(sockets), &owners, out)?;
            Ok(Exit::Success)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Filters

/// A set of TCP states as a bit mask (bit n = state code n), from `--filter` names and groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateSet(pub u16);

impl StateSet {
    const ALL: StateSet = StateSet(0x1ffe);

    fn of(states: &[TcpState]) -> StateSet {
        StateSet(states.iter().fold(0, |mask, s| mask | s.bit()))
    }

    fn contains(self, state: TcpState) -> bool {
        self.0 & state.bit() != 0
    }
}

/// The names `--filter` takes, as ss spells them; groups as in ss(8).
const STATE_NAMES: &str = "established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, \
close-wait, last-ack, listening, closing, or a group: all, connected, synchronized, bucket, big";

/// Parses a `--filter` value: ss's names (`time-wait`), the kernel's (`TIME_WAIT`), ss's column
/// names (`ESTAB`) and ss's groups, case-insensitively.
pub fn parse_state_filter(text: &str) -> Result<StateSet, String> {
    use TcpState::*;
    let key: String =
        text.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
    let syn_recv = [SynRecv, NewSynRecv];
    // ss(8): "all the states except for listening and closed" (TIME-WAIT and SYN-RECV count).
    let connected = StateSet(StateSet::ALL.0 & !StateSet::of(&[Listen, Close]).0);
    let set = match key.as_str() {
        "established" | "estab" => StateSet::of(&[Established]),
        "synsent" => StateSet::of(&[SynSent]),
        "synrecv" | "synreceived" => StateSet::of(&syn_recv),
        "finwait1" => StateSet::of(&[FinWait1]),
        "finwait2" => StateSet::of(&[FinWait2]),
        "timewait" => StateSet::of(&[TimeWait]),
        "closed" | "close" | "unconn" | "unconnected" => StateSet::of(&[Close]),
        "closewait" => StateSet::of(&[CloseWait]),
        "lastack" => StateSet::of(&[LastAck]),
        "listening" | "listen" => StateSet::of(&[Listen]),
        "closing" => StateSet::of(&[Closing]),
        "all" => StateSet::ALL,
        "connected" => connected,
        "synchronized" => StateSet(connected.0 & !SynSent.bit()),
        "bucket" => StateSet::of(&[SynRecv, NewSynRecv, TimeWait]),
        "big" => StateSet(StateSet::ALL.0 & !StateSet::of(&[SynRecv, NewSynRecv, TimeWait]).0),
        _ => return Err(format!("'{text}': expected a TCP state: {STATE_NAMES}")),
    };
    Ok(set)
}

/// `--address`: an IP, an IP prefix (`127.0.0.0/8`), a host name, optionally with a port
/// (`[::1]:22`, `:22` for any address on that port).
#[derive(Clone, Debug)]
pub struct AddressFilter {
    text: String,
    endpoint: Endpoint,
    prefix_len: Option<u8>,
}

pub fn parse_address_filter(text: &str) -> Result<AddressFilter, crate::addr::AddrError> {
    let fail = |reason: &str| crate::addr::AddrError { input: text.to_string(), reason: reason.to_string() };
    // A prefix has a '/' that the shared parser would take for a Unix path, so split it off.
    if let Some((ip, len)) = text.split_once('/')
        && let Ok(ip) = ip.parse::<IpAddr>()
    {
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let len: u8 = len
            .parse()
            .ok()
            .filter(|l| *l <= max)
            .ok_or_else(|| fail(&format!("prefix length must be 0-{max}")))?;
        let endpoint = Endpoint::Inet { host: Host::Ip(ip), port: 0 };
        return Ok(AddressFilter { text: text.to_string(), endpoint, prefix_len: Some(len) });
    }
    // Port 0 (none given) matches any port: no TCP socket has port 0 on both ends.
    let endpoint = Endpoint::parse(text, Some(0))?;
    if !matches!(endpoint, Endpoint::Inet { .. }) {
        return Err(fail("expected an IP address, prefix or host name (TCP sockets have no Unix path)"));
    }
    Ok(AddressFilter { text: text.to_string(), endpoint, prefix_len: None })
}

/// Everything that decides whether a socket is shown, resolved once.
struct Query {
    states: StateSet,
    ports: Vec<u16>,
    /// (network, prefix length, port or 0): a socket end matches any of them.
    addresses: Vec<(IpAddr, u8, u16)>,
    family: Family,
    /// Whether the view shows the columns after `retrnsmt` (-o, -p, --json), so they are read.
    tails: bool,
}

impl Query {
    fn from_args(args: &StatesArgs, json: bool) -> anyhow::Result<Query> {
        let states = match args.filter.as_slice() {
            [] => StateSet::ALL,
            sets => StateSet(sets.iter().fold(0, |mask, s| mask | s.0)),
        };
        let family = match (args.ipv4, args.ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        };
        let mut addresses = Vec::new();
        for filter in &args.address {
            let Endpoint::Inet { host, port } = &filter.endpoint else { continue };
            match (host, filter.prefix_len) {
                (Host::Any, _) => addresses.push((IpAddr::from([0u8; 4]), 0, *port)),
                (Host::Ip(ip), len) => {
                    let full = if ip.is_ipv4() { 32 } else { 128 };
                    addresses.push((*ip, len.unwrap_or(full), *port));
                }
                // /proc/net/tcp6 has no interface column: the zone was checked, and is not
                // matched.
                (Host::Scoped(scoped), len) => {
                    addresses.push((IpAddr::V6(scoped.ip), len.unwrap_or(128), *port))
                }
                (Host::Name(_), _) => {
                    let resolved = filter
                        .endpoint
                        .resolve(Family::Any)
                        .with_context(|| format!("--address '{}'", filter.text))?;
                    for addr in resolved {
                        let full = if addr.is_ipv4() { 32 } else { 128 };
                        addresses.push((addr.ip(), full, *port));
                    }
                }
            }
        }
        let tails = json || args.timers || args.processes;
        Ok(Query { states, ports: args.port.clone(), addresses, family, tails })
    }

    fn admits(&self, entry: &TcpEntry) -> bool {
        if !self.states.contains(entry.state) {
            return false;
        }
        if !self.ports.is_empty()
            && !self.ports.iter().any(|p| *p == entry.local.port() || *p == entry.peer.port())
        {
            return false;
        }
        self.addresses.is_empty()
            || self.addresses.iter().any(|a| end_matches(a, &entry.local) || end_matches(a, &entry.peer))
    }
}

fn end_matches(&(net, len, port): &(IpAddr, u8, u16), end: &SocketAddr) -> bool {
    if port != 0 && end.port() != port {
        return false;
    }
    if len == 0 && port != 0 {
        return true; // `:PORT`: any address
    }
    // A v4 filter also finds the same address as an IPv6 socket sees it (::ffff:a.b.c.d).
    match (net, end.ip().to_canonical()) {
        (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.octets(), len),
        (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(&net.octets(), &ip.octets(), len),
        (IpAddr::V6(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.to_ipv6_mapped().octets(), len),
        _ => false,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], len: u8) -> bool {
    let (whole, bits) = (usize::from(len / 8), len % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    bits == 0 || (a[whole] ^ b[whole]) >> (8 - bits) == 0
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The sockets a read kept, in file order (tcp's, then tcp6's): each line's columns up to
/// `retrnsmt`, and, when the view shows them, the columns after it, one tail per row.
#[derive(Debug, Default)]
struct Sockets {
    rows: Vec<TcpEntry>,
    /// As long as `rows`, or empty when the query asked for no tails.
    tails: Vec<TcpTail>,
}

impl Sockets {
    /// Room for `rows` sockets before either vector grows.
    fn with_capacity(rows: usize, tails: bool) -> Sockets {
        Sockets { rows: Vec::with_capacity(rows), tails: Vec::with_capacity(if tails { rows } else { 0 }) }
    }

    fn append(&mut self, other: &mut Sockets) {
        self.rows.append(&mut other.rows);
        self.tails.append(&mut other.tails);
    }

    fn tail(&self, row: usize) -> Option<&TcpTail> {
        self.tails.get(row)
    }
}

/// Reads /proc/net/tcp and tcp6 through one reused buffer.
struct Reader {
    proc_root: PathBuf,
    files: Vec<PathBuf>,
    /// Files whose garbage lines were already reported (once per run, not once per frame).
    warned: HashSet<PathBuf>,
}

/// procfs hands out about a page per read() whatever the buffer, and the lines are parsed after
/// each read, while the kernel's copy is still in this core's cache; a bigger buffer would buy
/// nothing but fresh pages to fault in. This one holds a few pages of lines and the longest
/// line the kernel writes with room.
const READ_BUFFER: usize = 16 * 1024;
/// Sockets, by the kernel's count, from which tcp6 is read beside tcp from the start (at 1,000
/// the clock gained 15% here; at 100, nothing).
const BESIDE_FROM: usize = 1000;
/// How much of tcp shows a big table (about 7,000 sockets) where the kernel's count is not at
/// hand (a --proc-root without sockstat): tcp6 is read beside the rest.
const BIG_TABLE: usize = 1 << 20;
/// Sockets tcp6's thread can keep before its vector grows. The thread's memory comes from the
/// main thread: its own first allocation would make the C library set up a second heap (an
/// arena: 128 MiB of address space mapped and trimmed), which cost more than a small tcp6.
const TCP6_ROOM: usize = 256;

impl Reader {
    fn new(proc_root: &Path, family: Family) -> Reader {
        let mut files = Vec::new();
        if family != Family::V6 {
            files.push(proc_root.join("net/tcp"));
        }
        if family != Family::V4 {
            files.push(proc_root.join("net/tcp6"));
        }
        Reader { proc_root: proc_root.to_path_buf(), files, warned: HashSet::new() }
    }

    /// Reads the files and keeps the sockets `query` admits, tcp's before tcp6's. The kernel
    /// writes tcp6 by walking its whole TCP hash table, IPv4 sockets included, so even an
    /// empty tcp6 costs what an empty tcp costs (here about 3 ms, for 262,144 buckets): where
    /// a second CPU is there and the table is big, a second thread reads and parses tcp6
    /// beside tcp. Each thread parses what it read itself, so the text never moves to another
    /// core's cache (handing tcp's chunks to a parsing thread was tried: a little faster on
    /// the clock, 10% more CPU).
    fn read(&mut self, query: &Query, out: &mut Printer) -> anyhow::Result<Sockets> {
        let mut sockets =
            Sockets { rows: huge_vec(), tails: if query.tails { huge_vec() } else { Vec::new() } };
        let mut tables: Vec<TableParser> = self.files.iter().map(|_| TableParser::default()).collect();
        let (first_table, other_tables) = tables.split_first_mut().expect("tcp, tcp6 or both");
        let mut tcp6 = self.files.get(1).zip(other_tables.first_mut());
        // Only a big table gets tcp6 read beside it: on a small one the second thread gained
        // nothing on the clock here and cost 7-16% more CPU. Big by the kernel's count, from
        // the start; or, without the count, once tcp passes BIG_TABLE bytes.
        let beside = tcp6.is_some() && more_than_one_cpu();
        let counted_big = beside && tcp_sockets(&self.proc_root).is_some_and(|n| n >= BESIDE_FROM);
        std::thread::scope(|scope| {
            let mut reading_tcp6 = None;
            let mut start_tcp6 = || {
                if let Some((path, table)) = tcp6.take() {
                    let (mut buf, mut sockets) =
                        (vec![0; READ_BUFFER], Sockets::with_capacity(TCP6_ROOM, query.tails));
                    reading_tcp6 = Some(scope.spawn(move || {
                        read_file(path, query, table, &mut buf, &mut sockets, &mut || {}).map(|()| sockets)
                    }));
                }
            };
            if counted_big {
                start_tcp6();
            }
            let mut when_big = || {
                if beside {
                    start_tcp6();
                }
            };
            let mut buf = vec![0; READ_BUFFER];
            read_file(&self.files[0], query, first_table, &mut buf, &mut sockets, &mut when_big)?;
            match (tcp6.take(), reading_tcp6) {
                (Some((path, table)), _) => {
                    read_file(path, query, table, &mut buf, &mut sockets, &mut || {})?
                }
                (None, Some(thread)) => {
                    let mut more = thread
                        .join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("the thread reading tcp6 panicked")))?;
                    sockets.append(&mut more);
                }
                (None, None) => {}
            }
            anyhow::Ok(())
        })?;
        for (path, table) in self.files.iter().zip(tables) {
            if let Some(skipped) = table.skipped
                && self.warned.insert(path.clone())
            {
                out.warn(format!(
                    "{}: skipped {} line{} not understood; first, line {}: {}: '{}'",
                    path.display(),
                    skipped.count,
                    if skipped.count == 1 { "" } else { "s" },
                    skipped.line_number,
                    skipped.reason,
                    skipped.text,
                ));
            }
        }
        Ok(sockets)
    }
}

/// How many TCP sockets this network namespace has by the kernel's counters in
/// /proc/net/sockstat (`inuse`, the hashed sockets, and `tw`, TIME-WAIT; request sockets are
/// not counted), read before the tables to tell a big one. None where the file is missing.
fn tcp_sockets(proc_root: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(proc_root.join("net/sockstat")).ok()?;
    let counters = text.lines().find_map(|line| line.strip_prefix("TCP:"))?;
    let mut words = counters.split_whitespace();
    let mut sockets = 0;
    while let (Some(name), Some(value)) = (words.next(), words.next()) {
        if name == "inuse" || name == "tw" {
            sockets += value.parse::<usize>().ok()?;
        }
    }
    Some(sockets)
}

/// Whether this process may run on more than one CPU (its affinity mask), so that a second
/// thread can run beside the first.
fn more_than_one_cpu() -> bool {
    // SAFETY: an all-zero cpu_set_t is a valid empty set, and sched_getaffinity writes at most
    // the size it is given into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) == 0 && libc::CPU_COUNT(&set) > 1
    }
}

/// Reads one of /proc/net/tcp{,6}, parsing the complete lines after each read and keeping a
/// partial last line for the next; calls `when_big` once the file has passed [`BIG_TABLE`]
/// bytes. A tcp6 that does not exist (a kernel without IPv6) has no lines.
fn read_file(
    path: &Path,
    query: &Query,
    table: &mut TableParser,
    buf: &mut [u8],
    sockets: &mut Sockets,
    when_big: &mut dyn FnMut(),
) -> anyhow::Result<()> {
    let context = || format!("read {}", path.display());
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound && path.ends_with("tcp6") => return Ok(()),
        Err(e) => return Err(anyhow::Error::from(e).context(context())),
    };
    let (mut filled, mut total) = (0, 0);
    loop {
        let n = match file.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(anyhow::Error::from(e).context(context())),
        };
        filled += n;
        total += n;
        if total >= BIG_TABLE && total - n < BIG_TABLE {
            when_big();
        }
        let complete = match n {
            0 => filled,
            _ => proc_net::rfind_newline(&buf[..filled]).map_or(0, |i| i + 1),
        };
        table.feed(&buf[..complete], query, sockets);
        buf.copy_within(complete..filled, 0);
        filled -= complete;
        if n == 0 {
            return Ok(());
        }
        if filled == buf.len() {
            // A line longer than the buffer is garbage: it is reported, and the next line
            // starts after its end.
            table.feed(&buf[..filled], query, sockets);
            filled = 0;
        }
    }
}

/// Room for 131,072 rows (12 MB of address space for the entries, not of memory: pages are
/// only backed when written), advised to be backed by transparent huge pages. 100,000 rows
/// are 9.6 MB that the kernel would otherwise fault in and zero 4 KiB at a time, over 2,000
/// faults; with huge pages it is a handful. Only advice: where THP is off, nothing changes.
fn huge_vec<T>() -> Vec<T> {
    const HUGE_PAGE: usize = 2 << 20;
    let mut sockets = Vec::with_capacity(1 << 17);
    let spare = sockets.spare_capacity_mut();
    let start = spare.as_mut_ptr() as usize;
    let (first, last) =
        (start.next_multiple_of(HUGE_PAGE), (start + size_of_val(spare)) / HUGE_PAGE * HUGE_PAGE);
    if first < last {
        // SAFETY: the range lies inside the vector's own allocation, and MADV_HUGEPAGE only
        // changes how its pages are backed, never their contents.
        unsafe { libc::madvise(first as *mut libc::c_void, last - first, libc::MADV_HUGEPAGE) };
    }
    sockets
}

/// Lines the parser did not understand: how many, and the first one.
#[derive(Debug)]
struct Skipped {
    count: usize,
    line_number: usize,
    reason: proc_net::ParseError,
    text: String,
}

/// Parses a table fed in pieces of whole lines, keeping the sockets `query` admits (and their
/// tails if it asks for them). Allocates only for the sockets kept and for the first line not
/// understood.
#[derive(Default)]
struct TableParser {
    lines_seen: usize,
    skipped: Option<Skipped>,
}

impl TableParser {
    /// The kernel pads every IPv4 line to the same length (149 columns), so the next line most
    /// likely ends where the last one's length says. When the byte there is a newline and the
    /// kernel-format parser accepts the bytes before it, they are the line: that parser accepts
    /// only the kernel's characters, never a newline, so no shorter line hides inside. This
    /// skips searching for the newline (about 90 instructions a line, as much as formatting
    /// two numbers); any other line is found and parsed as before.
    fn feed(&mut self, lines: &[u8], query: &Query, sockets: &mut Sockets) {
        match query.tails {
            true => self.feed_lines::<true>(lines, query, sockets),
            false => self.feed_lines::<false>(lines, query, sockets),
        }
    }

    /// [`TableParser::feed`], one copy with the tails read and one without, so the choice is
    /// made once per piece rather than per line.
    fn feed_lines<const TAILS: bool>(&mut self, lines: &[u8], query: &Query, sockets: &mut Sockets) {
        let lines = lines.strip_suffix(b"\n").unwrap_or(lines);
        if lines.is_empty() {
            return;
        }
        let (mut start, mut guess) = (0, 0);
        loop {
            self.lines_seen += 1;
            let end = start + guess;
            let ends_there = match lines.get(end) {
                Some(&b) => b == b'\n',
                None => end == lines.len(),
            };
            if guess > 0 && ends_there && keep_kernel_line::<TAILS>(&lines[start..end], query, sockets) {
                if end == lines.len() {
                    return;
                }
                start = end + 1;
                continue;
            }
            let end = proc_net::find_newline(&lines[start..]).map_or(lines.len(), |i| start + i);
            guess = end - start;
            self.line::<TAILS>(&lines[start..end], query, sockets);
            if end == lines.len() {
                return;
            }
            start = end + 1;
        }
    }

    /// One line found by searching for its end: the header, a blank line, or anything the
    /// parsers make of it.
    fn line<const TAILS: bool>(&mut self, line: &[u8], query: &Query, sockets: &mut Sockets) {
        if self.lines_seen == 1 && proc_net::is_header(line) || proc_net::is_blank(line) {
            return;
        }
        let parsed = match TAILS {
            true => proc_net::parse_line(line).map(|(entry, tail)| (entry, Some(tail))),
            false => proc_net::parse_head(line).map(|entry| (entry, None)),
        };
        match parsed {
            Ok((entry, tail)) if query.admits(&entry) => {
                sockets.rows.push(entry);
                sockets.tails.extend(tail);
            }
            Ok(_) => {}
            Err(reason) => match &mut self.skipped {
                Some(s) => s.count += 1,
                None => {
                    let shown = &line[..line.len().min(120)];
                    self.skipped = Some(Skipped {
                        count: 1,
                        line_number: self.lines_seen,
                        reason,
                        text: String::from_utf8_lossy(shown).trim().to_string(),
                    });
                }
            },
        }
    }
}

/// A line in the kernel's format (see [`proc_net::kernel_line`]) into `sockets` if the query
/// admits it; false, with nothing kept, when the line is not in that format. Each part is
/// parsed straight into its vector (the parser is inlined here) and taken back if the filters
/// say no: binding an entry first and then pushing it cost a copy of it per line.
#[inline(always)]
fn keep_kernel_line<const TAILS: bool>(line: &[u8], query: &Query, sockets: &mut Sockets) -> bool {
    let before = sockets.rows.len();
    if TAILS {
        let Some((entry, tail)) = proc_net::kernel_line(line) else { return false };
        sockets.rows.push(entry);
        sockets.tails.push(tail);
    } else {
        sockets.rows.extend(proc_net::kernel_head(line));
        if sockets.rows.len() == before {
            return false;
        }
    }
    if !query.admits(&sockets.rows[before]) {
        sockets.rows.truncate(before);
        sockets.tails.truncate(before.min(sockets.tails.len()));
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Owners (-p)

/// A process holding a socket: what ss -p prints as `("name",pid=1,fd=3)`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub pid: u32,
    pub fd: u32,
}

type Owners = HashMap<u64, Vec<Owner>>;

fn owners_if_asked(args: &StatesArgs, sockets: &Sockets) -> Owners {
    if !args.processes {
        return Owners::new();
    }
    let wanted: HashSet<u64> = sockets.tails.iter().map(|s| s.inode).filter(|&i| i != 0).collect();
    find_owners(&args.proc_root, &wanted)
}

/// Maps socket inodes to processes by reading every /proc/PID/fd link once. Processes that
/// vanish mid-scan or deny access (other users' processes without root) are skipped silently,
/// as ss and netstat do.
fn find_owners(proc_root: &Path, wanted: &HashSet<u64>) -> Owners {
    let mut owners = Owners::new();
    if wanted.is_empty() {
        return owners;
    }
    let Ok(procs) = std::fs::read_dir(proc_root) else { return owners };
    for proc_entry in procs.flatten() {
        let Some(pid) = proc_entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc_entry.path().join("fd")) else { continue };
        let mut name: Option<String> = None;
        for fd_entry in fds.flatten() {
            let Some(fd) = fd_entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(target) = std::fs::read_link(fd_entry.path()) else { continue };
            let Some(inode) = socket_inode(target.as_os_str().as_encoded_bytes()) else { continue };
            if !wanted.contains(&inode) {
                continue;
            }
            let name = name
                .get_or_insert_with(|| {
                    std::fs::read_to_string(proc_entry.path().join("comm"))
                        .map(|c| c.trim_end().to_string())
                        .unwrap_or_else(|_| "?".to_string())
                })
                .clone();
            owners.entry(inode).or_default().push(Owner { name, pid, fd });
        }
    }
    for list in owners.values_mut() {
        list.sort_by_key(|o| (o.pid, o.fd));
    }
    owners
}

/// `socket:[12345]` -> 12345.
fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Watch

/// What happened to a socket since the previous frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Appeared,
    Left,
    /// The state it had before.
    Moved(TcpState),
}

/// The sockets of one frame, with their changes (none outside --watch).
struct Frame {
    sockets: Sockets,
    /// One per row in --watch mode; empty otherwise.
    changes: Vec<Option<Change>>,
    number: Option<u64>,
}

impl Frame {
    fn still(sockets: Sockets) -> Frame {
        Frame { sockets, changes: Vec::new(), number: None }
    }

    /// Each row, its tail if the query read tails, and its change.
    fn iter(&self) -> impl Iterator<Item = (&TcpEntry, Option<&TcpTail>, Option<Change>)> {
        let changes = |i: usize| self.changes.get(i).copied().flatten();
        self.sockets.rows.iter().enumerate().map(move |(i, e)| (e, self.sockets.tail(i), changes(i)))
    }

    /// Rows still present (those that left are shown once, marked).
    fn present(&self) -> impl Iterator<Item = &TcpEntry> {
        self.iter().filter(|(_, _, c)| *c != Some(Change::Left)).map(|(e, _, _)| e)
    }
}

/// A socket's identity across frames: the same four-tuple is the same connection.
type Key = (SocketAddr, SocketAddr);

/// The previous frame's sockets by identity, with their tails when the query reads them.
type Previous = HashMap<Key, (TcpEntry, Option<TcpTail>)>;

fn watch(
    args: &StatesArgs,
    query: &Query,
    reader: &mut Reader,
    interval: Duration,
    out: &mut Printer,
) -> anyhow::Result<Exit> {
    let mut lp = EventLoop::new()?;
    lp.catch_signals()?;
    let clear_screen = !out.is_json() && io::stdout().is_terminal();
    let mut previous: Option<Previous> = None;
    let mut ready = Vec::new();
    for number in 1.. {
        let sockets = reader.read(query, out)?;
        let owners = owners_if_asked(args, &sockets);
        let current: Previous = (sockets.rows.iter().enumerate())
            .map(|(i, s)| ((s.local, s.peer), (*s, sockets.tail(i).copied())))
            .collect();
        let frame = diff(previous.as_ref(), sockets, number);
        if clear_screen {
            out.data(b"\x1b[H\x1b[2J")?;
        }
        show_frame(args, &frame, &owners, out)?;
        previous = Some(current);
        // The redraw timer is the loop's deadline, so Ctrl-C ends the wait at once.
        let deadline = Instant::now() + interval;
        while Instant::now() < deadline && lp.stop_signal().is_none() {
            lp.wait(Some(deadline), &mut ready).context("wait")?;
        }
        if lp.stop_signal().is_some() {
            break;
        }
    }
    Ok(Exit::Success)
}

fn diff(previous: Option<&Previous>, mut sockets: Sockets, number: u64) -> Frame {
    let Some(previous) = previous else {
        return Frame { sockets, changes: Vec::new(), number: Some(number) };
    };
    let mut changes = Vec::with_capacity(sockets.rows.len());
    let mut present: HashSet<Key> = HashSet::with_capacity(sockets.rows.len());
    for socket in &sockets.rows {
        let key = (socket.local, socket.peer);
        present.insert(key);
        changes.push(match previous.get(&key) {
            None => Some(Change::Appeared),
            Some((before, _)) if before.state != socket.state => Some(Change::Moved(before.state)),
            Some(_) => None,
        });
    }
    let mut left: Vec<&(TcpEntry, Option<TcpTail>)> =
        previous.iter().filter(|(k, _)| !present.contains(k)).map(|(_, e)| e).collect();
    left.sort_by_key(|(e, _)| (e.local.is_ipv6(), e.slot));
    for (entry, tail) in left {
        sockets.rows.push(*entry);
        sockets.tails.extend(tail);
        changes.push(Some(Change::Left));
    }
    Frame { sockets, changes, number: Some(number) }
}

// ---------------------------------------------------------------------------------------------
// Output

fn show_frame(args: &StatesArgs, frame: &Frame, owners: &Owners, out: &mut Printer) -> anyhow::Result<()> {
    let hz = clock_ticks_per_second();
    if out.is_json() && !args.summary {
        for (entry, tail, change) in frame.iter() {
            // --json reads every tail.
            let tail = tail.copied().unwrap_or_default();
            // With -p every socket carries `processes`, empty when no owner is visible (TIME_WAIT
            // has none; other users' processes need root).
            let processes = args.processes.then(|| owners.get(&tail.inode).map_or(&[][..], Vec::as_slice));
            out.result(&SocketRecord::new(entry, &tail, change, processes, hz))?;
        }
    } else if !out.is_json() && !args.summary {
        render_table(frame, args, owners, hz, out)?;
    }
    if args.summary {
        out.result(&summarize(frame))?;
    }
    if args.explain {
        for explanation in explain(frame) {
            out.result(&explanation)?;
        }
    }
    if let Some(number) = frame.number {
        let count = |want: fn(&Change) -> bool| frame.changes.iter().flatten().filter(|c| want(c)).count();
        out.result(&FrameEnd {
            frame: number,
            sockets: frame.present().count(),
            appeared: count(|c| *c == Change::Appeared),
            left: count(|c| *c == Change::Left),
            changed: count(|c| matches!(c, Change::Moved(_))),
        })?;
    }
    Ok(())
}

/// How much table text is built before it is handed to the Printer: a pipe's capacity, and
/// 16 pages to fault in where 256 KiB were 64.
const TABLE_CHUNK: usize = 64 * 1024;

/// The widths of the table's columns (state, queues, hosts, ports) and of the header, counted
/// without writing the text: the first of the table's two passes. A number's width is that of
/// the largest, so the numbers are only compared here and counted once at the end; the states
/// present are a bit set.
fn column_widths(frame: &Frame) -> [usize; 7] {
    let (mut states, mut moved) = (StateSet(0), 0);
    let (mut recv_q, mut send_q, mut local_port, mut peer_port) = (0, 0, 0, 0);
    let (mut local_host, mut peer_host) = ("Local-Address".len(), "Peer-Address".len());
    for (entry, _, change) in frame.iter() {
        states.0 |= entry.state.bit();
        if let Some(Change::Moved(before)) = change {
            moved = moved.max(before.ss_name().len() + 2 + entry.state.ss_name().len());
        }
        recv_q = recv_q.max(entry.recv_q);
        send_q = send_q.max(entry.send_q);
        local_port = local_port.max(entry.local.port());
        peer_port = peer_port.max(entry.peer.port());
        local_host = local_host.max(host_width(entry.local.ip()));
        peer_host = peer_host.max(host_width(entry.peer.ip()));
    }
    let state_names = TcpState::ALL.iter().filter(|&&s| states.contains(s)).map(|s| s.ss_name().len());
    // A port of 0 prints as `*`, one column, as many as the digit 0.
    [
        state_names.chain([moved, "State".len()]).max().unwrap_or_default(),
        digits(u64::from(recv_q)).max("Recv-Q".len()),
        digits(u64::from(send_q)).max("Send-Q".len()),
        local_host,
        digits(u64::from(local_port)).max("Port".len()),
        peer_host,
        digits(u64::from(peer_port)).max("Port".len()),
    ]
}

/// How many decimal digits `n` has. Nearly every number here (queues, ports) fits in 32 bits,
/// where `ilog10` is a few instructions shorter than on 64.
fn digits(n: u64) -> usize {
    let log = match u32::try_from(n) {
        Ok(n) => n.checked_ilog10(),
        Err(_) => n.checked_ilog10(),
    };
    log.map_or(1, |d| d as usize + 1)
}

fn host_width(ip: IpAddr) -> usize {
    match ip {
        IpAddr::V4(ip) => v4_width(ip),
        IpAddr::V6(ip) => v6_width(ip),
    }
}

fn v4_width(ip: Ipv4Addr) -> usize {
    ip.octets().iter().map(|&o| usize::from(OCTETS[usize::from(o)][4])).sum::<usize>() - 1
}

/// `[...]`'s length, counted rather than written (the widths pass would otherwise format every
/// IPv6 host twice): the digits of the groups shown, the colons between them, and `::` in
/// place of the longest run of zero groups. Kept out of line, so the IPv4 path stays small.
#[inline(never)]
fn v6_width(ip: Ipv6Addr) -> usize {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return "[::ffff:]".len() + v4_width(v4);
    }
    let groups = ip.segments();
    let (at, len) = zero_run(&groups);
    let shown = |i: usize| len < 2 || !(at..at + len).contains(&i);
    let digits: usize = (0..8).filter(|&i| shown(i)).map(|i| hex_digits(groups[i])).sum();
    let colons = match len {
        0 | 1 => 7,
        _ => at.saturating_sub(1) + 2 + (8 - at - len).saturating_sub(1),
    };
    "[]".len() + digits + colons
}

/// The first longest run of zero groups, as (start, length); length 0 when there is none.
fn zero_run(groups: &[u16; 8]) -> (usize, usize) {
    let (mut zeros_at, mut zeros_len, mut run_at, mut run_len) = (0, 0, 0, 0);
    for (i, &group) in groups.iter().enumerate() {
        if group != 0 {
            run_len = 0;
            continue;
        }
        if run_len == 0 {
            run_at = i;
        }
        run_len += 1;
        if run_len > zeros_len {
            (zeros_at, zeros_len) = (run_at, run_len);
        }
    }
    (zeros_at, zeros_len)
}

/// How many hex digits a group prints with (no leading zeros, at least one).
fn hex_digits(group: u16) -> usize {
    (16 - group.leading_zeros() as usize).div_ceil(4).max(1)
}

/// A cell's text on the stack: the longest is `[ffff:...:ffff]` or two state names. The bytes
/// after it are spaces, so a row can store all 48 over its padding.
struct ShortText {
    bytes: [u8; 48],
    len: usize,
}

impl Default for ShortText {
    fn default() -> Self {
        ShortText { bytes: [b' '; 48], len: 0 }
    }
}

impl ShortText {
    /// Inlined, so that the short constant pieces (`[`, `::`, `->`) are a store or two each
    /// rather than a `memcpy` call. Every cell fits: the longest is 41 bytes.
    #[inline(always)]
    fn push(&mut self, text: &[u8]) {
        self.bytes[self.len..self.len + text.len()].copy_from_slice(text);
        self.len += text.len();
    }

    /// ss's host text: `127.0.0.1`, `[::1]`, `[::ffff:127.0.0.1]`. IPv4, the common case, is
    /// written by hand; IPv6's zero compression is left to std.
    fn host(ip: IpAddr) -> ShortText {
        let mut text = ShortText::default();
        match ip {
            IpAddr::V4(ip) => text.push_v4(ip),
            IpAddr::V6(ip) => {
                text.push(b"[");
                text.push_v6(ip);
                text.push(b"]");
            }
        }
        text
    }

    /// Each octet as a fixed four-byte copy from the table (digits and a dot); the last
    /// one's dot is dropped by not counting it.
    fn push_v4(&mut self, ip: Ipv4Addr) {
        for octet in ip.octets() {
            let entry = &OCTETS[usize::from(octet)];
            self.bytes[self.len..self.len + 4].copy_from_slice(&entry[..4]);
            self.len += usize::from(entry[4]);
        }
        self.len -= 1;
    }

    /// The text std's `Display` gives (RFC 5952: lowercase hex groups, the first longest run
    /// of two or more zero groups as `::`, `::ffff:a.b.c.d` for a v4-mapped address), written
    /// by hand: going through `fmt` costs over a thousand instructions per address, and a
    /// table prints each host twice (widths, then text).
    fn push_v6(&mut self, ip: Ipv6Addr) {
        if let Some(v4) = ip.to_ipv4_mapped() {
            self.push(b"::ffff:");
            self.push_v4(v4);
            return;
        }
        let groups = ip.segments();
        let (zeros_at, zeros_len) = zero_run(&groups);
        if zeros_len > 1 {
            self.push_groups(&groups[..zeros_at]);
            self.push(b"::");
            self.push_groups(&groups[zeros_at + zeros_len..]);
        } else {
            self.push_groups(&groups);
        }
    }

    /// `2001:db8:0:1`: lowercase hex without leading zeros, colon-separated.
    fn push_groups(&mut self, groups: &[u16]) {
        for (i, &group) in groups.iter().enumerate() {
            if i > 0 {
                self.push(b":");
            }
            self.push_hex(group);
        }
    }

    /// One group in lowercase hex without leading zeros. All four digits are made at once,
    /// a nibble per byte of a u32 (the first digit lowest), turned into ASCII together ('0'
    /// added to each, and 39 more to reach 'a' where the nibble is above 9: adding 0x76 sets
    /// a byte's high bit exactly then), and stored in one go with the leading zeros shifted
    /// out; digit by digit, each was a lookup and a bounds-checked one-byte copy.
    #[inline(always)]
    fn push_hex(&mut self, group: u16) {
        let digits = hex_digits(group);
        let g = u32::from(group);
        let nibbles = g >> 12 | (g >> 8 & 0xf) << 8 | (g >> 4 & 0xf) << 16 | (g & 0xf) << 24;
        let letters = ((nibbles + 0x7676_7676) >> 7) & 0x0101_0101;
        let text = (nibbles + 0x3030_3030 + letters * 39) >> (8 * (4 - digits));
        self.bytes[self.len..self.len + 4].copy_from_slice(&text.to_le_bytes());
        self.len += digits;
    }
}

/// "00" to "99", for writing numbers two digits at a time.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

/// Every octet's text and a dot in four bytes (padded with spaces), then how many of them
/// count: `7.` is `[b'7', b'.', b' ', b' ', 2]`, `127.` is `[b'1', b'2', b'7', b'.', 4]`.
const OCTETS: [[u8; 5]; 256] = {
    let mut table = [[0; 5]; 256];
    let mut i = 0;
    while i < 256 {
        let n = i as u8;
        table[i] = match n {
            0..=9 => [b'0' + n, b'.', b' ', b' ', 2],
            10..=99 => [b'0' + n / 10, b'0' + n % 10, b'.', b' ', 3],
            _ => [b'0' + n / 100, b'0' + n / 10 % 10, b'0' + n % 10, b'.', 4],
        };
        i += 1;
    }
    table
};

fn pad(text: &mut Vec<u8>, n: usize) {
    text.resize(text.len() + n, b' ');
}

/// Column widths that fit the data, ss-style: the address right-aligned against its ':', the
/// port left-aligned after it. Two passes over the rows (widths, then text), written out in
/// chunks.
fn render_table(
    frame: &Frame,
    args: &StatesArgs,
    owners: &Owners,
    hz: u64,
    out: &mut Printer,
) -> anyhow::Result<()> {
    let watching = frame.number.is_some();
    let widths = column_widths(frame);
    let mut text = TableText::new();
    if watching {
        text.push(b"  ");
    }
    let header = ["State", "Recv-Q", "Send-Q", "Local-Address", "Port", "Peer-Address", "Port"];
    let mut head = Vec::new();
    push_row(&mut head, &widths, header.map(str::as_bytes));
    if args.timers {
        head.extend_from_slice(b" Timer");
    }
    if args.processes {
        head.extend_from_slice(b" Process");
    }
    trim_line_end(&mut head);
    head.push(b'\n');
    text.push(&head);
    let layout = Layout::new(&widths, if watching { 2 } else { 0 });
    for (entry, tail, change) in frame.iter() {
        let mut row = text.line();
        row.spaces(&layout);
        if watching {
            row.mark(match change {
                None => b"  ",
                Some(Change::Appeared) => b"+ ",
                Some(Change::Left) => b"- ",
                Some(Change::Moved(_)) => b"~ ",
            });
        }
        match change {
            Some(Change::Moved(before)) => {
                let mut state = ShortText::default();
                state.push(before.ss_name().as_bytes());
                state.push(b"->");
                state.push(entry.state.ss_name().as_bytes());
                row.cell(layout.state, &state);
            }
            _ => row.state(layout.state, entry.state),
        }
        row.number(layout.recv_q, entry.recv_q);
        row.number(layout.send_q, entry.send_q);
        row.end(layout.local_colon, entry.local);
        let port_end = row.end(layout.peer_colon, entry.peer);
        // -o and -p read the tails.
        let timer = entry.timer.ss_name().filter(|_| args.timers);
        let processes = match tail.map_or(0, |t| t.inode) {
            inode if args.processes && inode != 0 => owners.get(&inode),
            _ => None,
        };
        // The last port's padding only stays when a timer or processes follow it (ss's
        // columns); otherwise the line ends at the port.
        if timer.is_none() && processes.is_none() {
            row.bytes[port_end] = b'\n';
            text.end_line(port_end + 1);
            if text.len >= TABLE_CHUNK {
                out.data(&text.bytes[..text.len])?;
                text.len = 0;
            }
            continue;
        }
        text.end_line(layout.end);
        if let Some(name) = timer {
            let timer = format!(
                " timer:({name},{},{})",
                ss_timer(ticks_to_ms(entry.timer_ticks, hz)),
                timer_count(entry, tail)
            );
            text.push(timer.as_bytes());
        }
        if let Some(list) = processes {
            let mut users = String::from(" users:(");
            for (i, owner) in list.iter().enumerate() {
                if i > 0 {
                    users.push(',');
                }
                let _ = write!(users, "(\"{}\",pid={},fd={})", owner.name, owner.pid, owner.fd);
            }
            users.push(')');
            text.push(users.as_bytes());
        }
        text.push(b"\n");
        if text.len >= TABLE_CHUNK {
            out.data(&text.bytes[..text.len])?;
            text.len = 0;
        }
    }
    out.data(&text.bytes[..text.len])
}

/// The table's text, built in one buffer and written out whenever it passes [`TABLE_CHUNK`].
struct TableText {
    bytes: Vec<u8>,
    len: usize,
}

impl TableText {
    fn new() -> TableText {
        TableText { bytes: vec![0; TABLE_CHUNK + LINE_ROOM], len: 0 }
    }

    /// Room for the next line's cells, written in place by [`Row`]; `end_line` keeps them.
    fn line(&mut self) -> Row<'_> {
        if self.len + LINE_ROOM > self.bytes.len() {
            self.bytes.resize(self.len + LINE_ROOM, 0);
        }
        let room = (&mut self.bytes[self.len..self.len + LINE_ROOM]).try_into().expect("LINE_ROOM bytes");
        Row { bytes: room }
    }

    fn end_line(&mut self, kept: usize) {
        self.len += kept;
    }

    fn push(&mut self, text: &[u8]) {
        if self.len + text.len() > self.bytes.len() {
            self.bytes.resize(self.len + text.len() + LINE_ROOM, 0);
        }
        self.bytes[self.len..self.len + text.len()].copy_from_slice(text);
        self.len += text.len();
    }
}

/// Room for one row, written in place: every column of at most 48 bytes, a watch mark, and
/// the overrun of the fixed-size stores, with margin enough that the compiler can see every
/// store fits (each offset is clamped below [`ROW_START_LIMIT`], and a store reaches at most
/// four octets of up to 255 bytes further).
const LINE_ROOM: usize = 2048;
/// Where any column may start in a row at most: seven columns of at most 48 bytes and their
/// separators, with a watch mark, end well before it.
const ROW_START_LIMIT: usize = 511;

/// Where each column of the table sits in a row. The widths are the same for every row, so
/// every cell's place is known before the rows are written: a row is its padding stored at
/// once, then each cell stored at its place (a host right-aligned against its ':'), with no
/// running length from one cell to the next and no bounds check the compiler cannot drop.
struct Layout {
    state: usize,
    recv_q: usize,
    send_q: usize,
    local_colon: usize,
    peer_colon: usize,
    /// Where the padding of the last column ends, kept when a timer or processes follow.
    end: usize,
    /// How many bytes of spaces cover a row up to `end`, in 16-byte blocks.
    fill: usize,
}

impl Layout {
    /// `State Recv-Q Send-Q Local:Port Peer:Port` for these `widths`, after a watch mark of
    /// `mark` bytes.
    fn new(widths: &[usize; 7], mark: usize) -> Layout {
        let at = |offset: usize| offset.min(ROW_START_LIMIT);
        let state = at(mark);
        let recv_q = at(state + widths[0] + 1);
        let send_q = at(recv_q + widths[1] + 1);
        let local_colon = at(send_q + widths[2] + 1 + widths[3]);
        let peer_colon = at(local_colon + 1 + widths[4] + 1 + widths[5]);
        let end = at(peer_colon + 1 + widths[6]);
        Layout { state, recv_q, send_q, local_colon, peer_colon, end, fill: end.next_multiple_of(16) }
    }
}

/// One table row, written in place by fixed-size stores that the compiler turns into a few
/// vector moves: spaces first, then each cell at its place, left to right (a store may run
/// on into the cells after it, which are written later, or into padding, with spaces).
/// Every method is `#[inline(always)]`, so the layout's offsets stay in registers.
struct Row<'a> {
    bytes: &'a mut [u8; LINE_ROOM],
}

impl Row<'_> {
    #[inline(always)]
    fn spaces(&mut self, layout: &Layout) {
        for block in self.bytes[..layout.fill].chunks_exact_mut(16) {
            block.copy_from_slice(&[b' '; 16]);
        }
    }

    #[inline(always)]
    fn mark(&mut self, mark: &[u8; 2]) {
        self.bytes[..2].copy_from_slice(mark);
    }

    /// ss's name of the state, from a table of names padded with spaces to 16 bytes.
    #[inline(always)]
    fn state(&mut self, at: usize, state: TcpState) {
        self.bytes[at..at + 16].copy_from_slice(&STATE_CELLS[usize::from(state.code())].0);
    }

    /// A cell of text (a changed state), left-aligned.
    #[inline(always)]
    fn cell(&mut self, at: usize, cell: &ShortText) {
        self.bytes[at..at + 48].copy_from_slice(&cell.bytes);
    }

    /// A number, left-aligned.
    #[inline(always)]
    fn number(&mut self, at: usize, n: u32) {
        // Queues are empty on most sockets: one digit needs neither a count nor the pair loop.
        match n {
            0..=9 => self.bytes[at] = b'0' + n as u8,
            _ => write_digits(&mut self.bytes[at..at + digits(u64::from(n))], u64::from(n)),
        }
    }

    /// A host right-aligned against the ':' at `colon`, the ':', and the port after it (`*`
    /// for none, a listener's peer). Returns where the port ends. IPv4, the common case, is
    /// written octet by octet, each with its dot (the last one's is covered by the ':').
    #[inline(always)]
    fn end(&mut self, colon: usize, end: SocketAddr) -> usize {
        match end.ip() {
            IpAddr::V4(ip) => {
                let mut at = colon.saturating_sub(v4_width(ip));
                for octet in ip.octets() {
                    let entry = &OCTETS[usize::from(octet)];
                    self.bytes[at..at + 4].copy_from_slice(&entry[..4]);
                    at += usize::from(entry[4]);
                }
            }
            ip @ IpAddr::V6(_) => {
                let cell = ShortText::host(ip);
                let at = colon.saturating_sub(cell.len);
                self.bytes[at..at + 48].copy_from_slice(&cell.bytes);
            }
        }
        self.bytes[colon] = b':';
        let at = colon + 1;
        match end.port() {
            0 => {
                self.bytes[at] = b'*';
                at + 1
            }
            port => {
                let len = digits(u64::from(port));
                write_digits(&mut self.bytes[at..at + len], u64::from(port));
                at + len
            }
        }
    }
}

/// ss's state names padded to 16 bytes, and their lengths, by state code.
const STATE_CELLS: [([u8; 16], usize); 13] = {
    let mut table = [([b' '; 16], 0); 13];
    let mut i = 0;
    while i < TcpState::ALL.len() {
        let state = TcpState::ALL[i];
        let name = state.ss_name().as_bytes();
        let mut j = 0;
        while j < name.len() {
            table[state.code() as usize].0[j] = name[j];
            j += 1;
        }
        table[state.code() as usize].1 = name.len();
        i += 1;
    }
    table
};

/// Writes `n` into exactly `digits(n)` bytes, two digits at a time from a table, last pair
/// first: no division per digit.
fn write_digits(out: &mut [u8], mut n: u64) {
    let mut end = out.len();
    while n >= 100 {
        end -= 2;
        out[end..end + 2].copy_from_slice(&DIGIT_PAIRS[(n % 100) as usize]);
        n /= 100;
    }
    if n >= 10 {
        out[end - 2..end].copy_from_slice(&DIGIT_PAIRS[n as usize]);
    } else {
        out[end - 1] = b'0' + n as u8;
    }
}

/// `State Recv-Q Send-Q Local:Port Peer:Port`, padded to `widths`: text columns left-aligned,
/// hosts right-aligned against their ':'.
fn push_row(text: &mut Vec<u8>, widths: &[usize; 7], cells: [&[u8]; 7]) {
    for (i, cell) in cells.into_iter().enumerate() {
        let gap = widths[i].saturating_sub(cell.len());
        match i {
            3 | 5 => {
                text.push(b' ');
                pad(text, gap);
                text.extend_from_slice(cell);
                text.push(b':');
            }
            _ => {
                if i > 0 && i != 4 && i != 6 {
                    text.push(b' ');
                }
                text.extend_from_slice(cell);
                pad(text, gap);
            }
        }
    }
}

fn trim_line_end(text: &mut Vec<u8>) {
    while text.last() == Some(&b' ') {
        text.pop();
    }
}

/// The third number in ss's `timer:(name,time,N)`: retransmissions for `on`, unanswered probes
/// for keepalive and persist (what netlink's idiag_retrans carries for each timer).
fn timer_count(entry: &TcpEntry, tail: Option<&TcpTail>) -> u32 {
    match entry.timer {
        Timer::Keepalive | Timer::ZeroWindowProbe => tail.map_or(0, |t| t.probes),
        Timer::TimeWait => 0,
        _ => entry.retransmits,
    }
}

/// USER_HZ, the unit of the timer column (100 on every Linux, but ask).
fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as u64 } else { 100 }
}

fn ticks_to_ms(ticks: u64, hz: u64) -> u64 {
    ticks.saturating_mul(1000) / hz
}

/// ss's timer text (`print_ms_timer`): `1min10sec`, `12min`, `58sec`, `340ms`. Under ten
/// seconds the milliseconds show as `1.090sec` (old ss printed a misleading `1.090ms`).
pub fn ss_timer(ms: u64) -> String {
    let (minutes, mut secs, mut msecs) = (ms / 60_000, (ms / 1000) % 60, ms % 1000);
    let mut text = String::new();
    if minutes > 0 {
        let _ = write!(text, "{minutes}min");
        msecs = 0;
        if minutes > 9 {
            secs = 0;
        }
    }
    if secs > 0 {
        if secs > 9 {
            msecs = 0;
        }
        match msecs {
            0 => {
                let _ = write!(text, "{secs}sec");
            }
            _ => {
                let _ = write!(text, "{secs}.{msecs:03}sec");
            }
        }
        msecs = 0;
    }
    if msecs > 0 || text.is_empty() {
        let _ = write!(text, "{msecs}ms");
    }
    text
}

/// One socket for `--json`: every field of the /proc line, with units in the key names.
#[derive(Serialize)]
struct SocketRecord<'a> {
    family: &'static str,
    state: &'static str,
    kernel_state: &'static str,
    state_code: u8,
    local_addr: String,
    local_port: u16,
    peer_addr: String,
    peer_port: u16,
    v4_mapped: bool,
    recv_q: u32,
    send_q: u32,
    timer: Option<&'static str>,
    timer_ms: Option<u64>,
    retransmits: u32,
    probes: u32,
    uid: u32,
    inode: u64,
    slot: u32,
    refcount: Option<u32>,
    rto_ms: Option<u64>,
    ato_ms: Option<u64>,
    quick_ack: Option<u32>,
    cwnd: Option<u32>,
    ssthresh: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    processes: Option<&'a [Owner]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_state: Option<&'static str>,
}

impl<'a> SocketRecord<'a> {
    fn new(
        e: &TcpEntry,
        t: &TcpTail,
        change: Option<Change>,
        processes: Option<&'a [Owner]>,
        hz: u64,
    ) -> SocketRecord<'a> {
        let is_mapped = |a: &SocketAddr| matches!(a.ip(), IpAddr::V6(ip) if ip.to_ipv4_mapped().is_some());
        SocketRecord {
            family: if e.local.is_ipv4() { "ipv4" } else { "ipv6" },
            state: e.state.ss_name(),
            kernel_state: e.state.kernel_name(),
            state_code: e.state.code(),
            local_addr: e.local.ip().to_string(),
            local_port: e.local.port(),
            peer_addr: e.peer.ip().to_string(),
            peer_port: e.peer.port(),
            v4_mapped: is_mapped(&e.local) || is_mapped(&e.peer),
            recv_q: e.recv_q,
            send_q: e.send_q,
            timer: e.timer.ss_name(),
            timer_ms: e.timer.ss_name().map(|_| ticks_to_ms(e.timer_ticks, hz)),
            retransmits: e.retransmits,
            probes: t.probes,
            uid: t.uid,
            inode: t.inode,
            slot: e.slot,
            refcount: t.refcount,
            rto_ms: t.full.map(|f| ticks_to_ms(f.rto_ticks, hz)),
            ato_ms: t.full.map(|f| ticks_to_ms(f.ato_ticks, hz)),
            quick_ack: t.full.map(|f| f.quick_ack),
            cwnd: t.full.map(|f| f.cwnd),
            ssthresh: t.full.map(|f| f.ssthresh),
            processes,
            change: change.map(|c| match c {
                Change::Appeared => "appeared",
                Change::Left => "left",
                Change::Moved(_) => "state",
            }),
            previous_state: match change {
                Some(Change::Moved(before)) => Some(before.ss_name()),
                _ => None,
            },
        }
    }
}

impl Record for SocketRecord<'_> {
    const EVENT: &'static str = "socket";
    fn human(&self, out: &mut String, _: Paint) {
        // Human output goes through the table; this is only for completeness.
        let _ = write!(
            out,
            "{} {}:{} {}:{}",
            self.state, self.local_addr, self.local_port, self.peer_addr, self.peer_port
        );
    }
}

/// `--summary`: sockets per state and family, like the TCP part of `ss -s`.
#[derive(Serialize)]
struct Summary {
    total: usize,
    ipv4: usize,
    ipv6: usize,
    /// ss state name -> [total, ipv4, ipv6]
    states: BTreeMap<&'static str, StateCount>,
}

#[derive(Serialize, Default, Clone, Copy)]
struct StateCount {
    total: usize,
    ipv4: usize,
    ipv6: usize,
}

fn summarize(frame: &Frame) -> Summary {
    let mut summary = Summary { total: 0, ipv4: 0, ipv6: 0, states: BTreeMap::new() };
    for entry in frame.present() {
        let v4 = entry.local.is_ipv4();
        let count = summary.states.entry(entry.state.ss_name()).or_default();
        count.total += 1;
        summary.total += 1;
        if v4 {
            count.ipv4 += 1;
            summary.ipv4 += 1;
        } else {
            count.ipv6 += 1;
            summary.ipv6 += 1;
        }
    }
    summary
}

impl Record for Summary {
    const EVENT: &'static str = "summary";
    fn human(&self, out: &mut String, paint: Paint) {
        let _ =
            writeln!(out, "TCP: {} sockets (IPv4 {}, IPv6 {})", paint.bold(self.total), self.ipv4, self.ipv6);
        let width = self.states.keys().map(|k| k.len()).max().unwrap_or(0).max("State".len());
        let _ = write!(out, "{:<width$} {:>6} {:>6} {:>6}", "State", "Total", "IPv4", "IPv6");
        // In the kernel's state order, as ss lists them.
        for state in TcpState::ALL {
            if let Some(count) = self.states.get(state.ss_name()).filter(|_| state != TcpState::NewSynRecv) {
                let _ = write!(
                    out,
                    "\n{:<width$} {:>6} {:>6} {:>6}",
                    state.ss_name(),
                    count.total,
                    count.ipv4,
                    count.ipv6
                );
            }
        }
    }
}

/// `--explain`: what a state means and who waits for what.
#[derive(Serialize)]
struct Explanation {
    state: &'static str,
    count: usize,
    meaning: &'static str,
}

impl Record for Explanation {
    const EVENT: &'static str = "explain";
    fn human(&self, out: &mut String, paint: Paint) {
        let _ = write!(out, "{} ({}): {}", paint.bold(self.state), self.count, self.meaning);
    }
}

fn explain(frame: &Frame) -> Vec<Explanation> {
    let mut counts: BTreeMap<TcpState, usize> = BTreeMap::new();
    for entry in frame.present() {
        *counts.entry(entry.state).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(state, count)| Explanation { state: state.ss_name(), count, meaning: meaning(state) })
        .collect()
}

fn meaning(state: TcpState) -> &'static str {
    match state {
        TcpState::Established => {
            "the handshake is done and data flows both ways; each side waits for the other's bytes or its own application"
        }
        TcpState::SynSent => {
            "we sent a SYN and wait for the peer's SYN-ACK; many of these mean the peer is down, filtered (SYNs dropped) or slow, and connect() is retrying"
        }
        TcpState::SynRecv | TcpState::NewSynRecv => {
            "a peer's SYN arrived and we answered SYN-ACK; we wait for its final ACK. A pile of them is a SYN flood or a client that vanished mid-handshake"
        }
        TcpState::FinWait1 => {
            "our application closed; our FIN is sent (or queued behind unsent data) and we wait for the peer to acknowledge it"
        }
        TcpState::FinWait2 => {
            "our FIN was acknowledged; we wait for the peer to close its side too (an orphan gives up after tcp_fin_timeout)"
        }
        TcpState::TimeWait => {
            "we closed first (active close) and both FINs are done; the socket lingers for 2*MSL (60 s on Linux) so a late duplicate segment cannot be mistaken for a new connection on the same ports, and so our last ACK can be resent if lost"
        }
        TcpState::Close => "the socket is not connected: created, or done and not yet released",
        TcpState::CloseWait => {
            "the peer closed its side (FIN received) and we have not called close(): the kernel waits for our application. Many of these mean a server that forgets to close sockets, leaking file descriptors"
        }
        TcpState::LastAck => {
            "the peer closed first, then we closed; we wait for the peer to acknowledge our FIN"
        }
        TcpState::Listen => {
            "a server socket waiting for connections; Recv-Q is the accept queue of finished handshakes the application has not accepted yet"
        }
        TcpState::Closing => "both sides sent FIN at once (simultaneous close); we wait for the ACK of ours",
    }
}

/// The line that ends a `--watch` frame.
#[derive(Serialize)]
struct FrameEnd {
    frame: u64,
    sockets: usize,
    appeared: usize,
    left: usize,
    changed: usize,
}

impl Record for FrameEnd {
    const EVENT: &'static str = "frame";
    fn human(&self, out: &mut String, paint: Paint) {
        let _ = write!(
            out,
            "-- frame {}: {} sockets, {} appeared, {} left, {} changed state (Ctrl-C stops)",
            self.frame,
            self.sockets,
            paint.good(self.appeared),
            paint.dim(self.left),
            paint.warn(self.changed),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_names_follow_ss_and_the_kernel_spelling() {
        let one = |text: &str| parse_state_filter(text).unwrap();
        assert_eq!(one("time-wait"), StateSet::of(&[TcpState::TimeWait]));
        assert_eq!(one("TIME_WAIT"), StateSet::of(&[TcpState::TimeWait]));
        assert_eq!(one("ESTAB"), StateSet::of(&[TcpState::Established]));
        assert_eq!(one("listening"), StateSet::of(&[TcpState::Listen]));
        assert_eq!(one("fin-wait-2"), one("FIN_WAIT2"));
        assert!(one("connected").contains(TcpState::SynSent));
        assert!(one("connected").contains(TcpState::TimeWait));
        assert!(!one("connected").contains(TcpState::Listen));
        assert!(!one("synchronized").contains(TcpState::SynSent));
        assert!(one("synchronized").contains(TcpState::CloseWait));
        assert!(one("bucket").contains(TcpState::TimeWait) && !one("bucket").contains(TcpState::Listen));
        assert!(one("big").contains(TcpState::Listen) && !one("big").contains(TcpState::TimeWait));
        assert!(one("all").contains(TcpState::Closing));
        let err = parse_state_filter("waiting").unwrap_err();
        assert!(err.starts_with("'waiting': expected a TCP state: established"), "{err}");
    }

    #[test]
    fn hosts_print_as_std_displays_them() {
        let mut ips: Vec<IpAddr> = [
            "::",
            "::1",
            "1::",
            "::2:0:0:3",
            "1:0:0:2:0:0:0:3",
            "1:0:0:2:0:0:3:0",
            "0:0:1:0:0:1:0:0",
            "fe80::1:0:0:0",
            "2001:db8::ff00:42:8329",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:127.0.0.1",
            "::ffff:0.0.0.0",
            "::127.0.0.1",
            "64:ff9b::10.1.2.3",
            "1:2:3:4:5:6:7:0",
            "0.0.0.0",
            "127.0.0.1",
            "255.255.255.255",
            "10.200.3.45",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        // Every pattern of zero and non-zero groups, with groups of each digit count.
        for mask in 0..=255u32 {
            let groups: Vec<u16> = (0..8)
                .map(|i| if mask >> i & 1 == 1 { [0x1, 0x2a, 0xbcd, 0xf00f][i % 4] } else { 0 })
                .collect();
            ips.push(IpAddr::from(std::array::from_fn::<u16, 8, _>(|i| groups[i])));
        }
        for ip in ips {
            let expected = match ip {
                IpAddr::V4(_) => ip.to_string(),
                IpAddr::V6(_) => format!("[{ip}]"),
            };
            let text = ShortText::host(ip);
            assert_eq!(std::str::from_utf8(&text.bytes[..text.len]).unwrap(), expected);
            assert_eq!(host_width(ip), expected.len());
        }
    }

    #[test]
    fn every_ipv6_group_prints_as_std_hex() {
        for group in 0..=u16::MAX {
            let mut text = ShortText::default();
            text.push_hex(group);
            assert_eq!(std::str::from_utf8(&text.bytes[..text.len]).unwrap(), format!("{group:x}"));
        }
    }

    #[test]
    fn timers_print_like_ss() {
        assert_eq!(ss_timer(58_000), "58sec");
        assert_eq!(ss_timer(70_000), "1min10sec");
        assert_eq!(ss_timer(720_500), "12min");
        assert_eq!(ss_timer(340), "340ms");
        assert_eq!(ss_timer(1_090), "1.090sec");
        assert_eq!(ss_timer(0), "0ms");
        assert_eq!(ticks_to_ms(3802, 100), 38_020);
    }

    #[test]
    fn address_filters_take_ips_prefixes_ports_and_mapped_addresses() {
        let query = |text: &str| {
            let args = StatesArgs::for_test(vec![parse_address_filter(text).unwrap()]);
            Query::from_args(&args, false).unwrap()
        };
        let entry = |local: &str, peer: &str| {
            let mut e = proc_net::parse_head(b"0: 0100007F:0016 00000000:0000 01 0:0 0:0 0 0 0 1").unwrap();
            e.local = local.parse().unwrap();
            e.peer = peer.parse().unwrap();
            e
        };
        let v4 = entry("127.0.0.1:22", "127.0.0.2:4000");
        let mapped = entry("[::ffff:127.0.0.1]:22", "[::ffff:10.1.2.3]:4000");
        assert!(query("127.0.0.2").admits(&v4));
        assert!(query("127.0.0.0/8").admits(&v4));
        assert!(!query("10.0.0.0/8").admits(&v4));
        assert!(query("10.0.0.0/8").admits(&mapped));
        assert!(query("127.0.0.1:22").admits(&mapped));
        assert!(!query("127.0.0.1:23").admits(&v4));
        assert!(query(":4000").admits(&v4));
        assert!(!query("[::1]").admits(&v4));
        assert!(parse_address_filter("unix:/x").is_err());
        assert!(parse_address_filter("127.0.0.1/33").unwrap_err().to_string().contains("prefix length"));
    }

    #[test]
    fn garbage_lines_are_counted_and_the_first_kept() {
        let table = b"  sl  local_address rem_address   st\n   0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 5\nnonsense here\n   1: zz\n\n";
        let args = StatesArgs::for_test(Vec::new());
        let mut sockets = Sockets::default();
        let mut parser = TableParser::default();
        let query = Query::from_args(&args, false).unwrap();
        // Fed in two pieces, as reads of whole lines arrive.
        let cut = table.windows(8).position(|w| w == b"nonsense").unwrap();
        parser.feed(&table[..cut], &query, &mut sockets);
        parser.feed(&table[cut..], &query, &mut sockets);
        let skipped = parser.skipped.unwrap();
        assert_eq!((sockets.rows.len(), sockets.tails.len()), (1, 0));
        assert_eq!((skipped.count, skipped.line_number, skipped.text.as_str()), (2, 3, "nonsense here"));
    }

    #[test]
    fn lines_found_by_the_last_ones_length_are_the_lines_a_search_finds() {
        // v4 lines padded to 149 columns, then lines that break the pattern: garbage of the
        // same length, and two lines whose newline-joined pair is 149 bytes long (where the
        // guessed end holds a newline but the line ends earlier).
        let kernel = |slot: u32| {
            format!(
                "{:<149}",
                format!(
                    "{slot:4}: 0100007F:B2DA 0100007F:1F90 01 00000000:00000020 02:000AFC7E 00000000  1000        0 551234 2 00000000a1b2c3d4 20 4 30 10 -1"
                )
            )
        };
        let tw = "  12: 0100007F:E244 0100007F:1E61 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 00000000d00dfeed";
        let short = "0: 0100007F:0016 00000000:0000 01 0:0 0:0 0 0 0 1";
        let mut lines = vec![format!("{:<149}", "  sl  local_address rem_address"), kernel(0), kernel(1)];
        lines.push(format!("{:<149}", "nonsense of the same length"));
        lines.push(kernel(3));
        // Two lines that are garbage apart but one good line (inode 5) if joined.
        let cut = short.strip_suffix(" 1").unwrap();
        lines.push(cut.to_string());
        lines.push(format!("{:<w$}", "5", w = 148 - cut.len()));
        lines.push(kernel(4));
        lines.push(String::new());
        lines.push(kernel(5));
        lines.push(format!("{tw}\n{short}"));
        lines.push(kernel(6));
        let table = lines.join("\n") + "\n";
        assert!(lines[5].len() + 1 + lines[6].len() == 149);
        // With tails (--json) and without (the plain table, which does not read past
        // `retrnsmt`: the first of the two cut lines is a good head there).
        for (json, rows, skipped_lines) in [(true, 8, 3), (false, 9, 2)] {
            let args = StatesArgs::for_test(Vec::new());
            let query = Query::from_args(&args, json).unwrap();
            let mut sockets = Sockets::default();
            let mut parser = TableParser::default();
            parser.feed(table.as_bytes(), &query, &mut sockets);
            // What parsing line by line gives.
            let parse = |line: &str| match json {
                true => proc_net::parse_line(line.as_bytes()).map(|(entry, tail)| (entry, Some(tail))),
                false => proc_net::parse_head(line.as_bytes()).map(|entry| (entry, None)),
            };
            let expected: Vec<(TcpEntry, Option<TcpTail>)> =
                table.lines().skip(1).filter_map(|l| parse(l).ok()).collect();
            assert_eq!(sockets.rows, expected.iter().map(|(e, _)| *e).collect::<Vec<_>>(), "{json}");
            assert_eq!(sockets.tails, expected.iter().filter_map(|(_, t)| *t).collect::<Vec<_>>());
            assert_eq!(sockets.rows.len(), rows);
            let skipped = parser.skipped.unwrap();
            assert_eq!((skipped.count, skipped.line_number), (skipped_lines, 4), "{json}");
            assert_eq!(parser.lines_seen, table.lines().count());
            // Filtered: what the filter turns down is dropped again, on either path.
            let mut args = StatesArgs::for_test(Vec::new());
            args.filter = vec![parse_state_filter("time-wait").unwrap()];
            let query = Query::from_args(&args, json).unwrap();
            let mut sockets = Sockets::default();
            TableParser::default().feed(table.as_bytes(), &query, &mut sockets);
            let time_wait: Vec<TcpEntry> =
                expected.iter().map(|(e, _)| *e).filter(|e| e.state == TcpState::TimeWait).collect();
            assert_eq!(sockets.rows, time_wait);
            assert_eq!((sockets.rows.len(), sockets.tails.len()), (1, usize::from(json)));
        }
    }

    #[test]
    fn the_kernels_socket_count_is_hashed_plus_time_wait_sockets() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(tcp_sockets(root.path()), None);
        std::fs::create_dir(root.path().join("net")).unwrap();
        let sockstat =
            "sockets: used 9\nTCP: inuse 5000 orphan 2 tw 3000 alloc 8000 mem 1\nUDP: inuse 0 mem 0\n";
        std::fs::write(root.path().join("net/sockstat"), sockstat).unwrap();
        assert_eq!(tcp_sockets(root.path()), Some(8000));
        std::fs::write(root.path().join("net/sockstat"), "TCP: inuse many tw 3\n").unwrap();
        assert_eq!(tcp_sockets(root.path()), None);
        // This machine's own counters parse.
        assert!(tcp_sockets(Path::new("/proc")).is_some());
    }

    #[test]
    fn watch_marks_appeared_left_and_changed_sockets() {
        let line = |st: &str, port: &str| {
            let text = format!("0: 0100007F:{port} 0100007F:1F90 {st} 0:0 0:0 0 0 0 1");
            proc_net::parse_line(text.as_bytes()).unwrap()
        };
        let before: Previous = [line("01", "0001"), line("01", "0002")]
            .into_iter()
            .map(|(e, t)| ((e.local, e.peer), (e, Some(t))))
            .collect();
        let now = [line("06", "0001"), line("01", "0003")];
        let sockets = Sockets { rows: now.map(|(e, _)| e).to_vec(), tails: now.map(|(_, t)| t).to_vec() };
        let frame = diff(Some(&before), sockets, 2);
        // The socket that left keeps its tail, for --json.
        assert_eq!(frame.sockets.tails.len(), 3);
        let changes: Vec<_> = frame.iter().map(|(e, _, c)| (e.local.port(), c)).collect();
        assert_eq!(
            changes,
            vec![
                (1, Some(Change::Moved(TcpState::Established))),
                (3, Some(Change::Appeared)),
                (2, Some(Change::Left))
            ]
        );
    }
}
