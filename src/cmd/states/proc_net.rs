//! Pure parser of /proc/net/tcp and /proc/net/tcp6 lines (see REFERENCE.md "/proc/net/tcp").
//!
//! The kernel writes three shapes of line: full sockets (with rto, ato, cwnd, ssthresh after the
//! inode), TIME_WAIT mini-sockets and SYN_RECV request sockets (both stop after the kernel
//! pointer). Everything up to the inode is common and required; the rest is optional. The hot
//! path works on the line's bytes and returns `Copy` structs: no allocation per line, so a
//! 100,000-line table costs one read and one pass.
//!
//! A line is two parts: the fixed-width columns up to `retrnsmt` ([`TcpEntry`]: addresses,
//! state, queues, timer), which every view shows, and the rest ([`TcpTail`]: uid, inode,
//! refcount, pointer, rto...), which only `-o`, `-p` and `--json` show. [`parse_head`] reads
//! and checks the first part alone, for the plain table: the tail is two fifths of a line's
//! parsing, and storing it more than doubled the memory a row takes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The kernel's TCP states, numbered as in include/net/tcp_states.h (the `st` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TcpState {
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Close = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
    NewSynRecv = 12,
}

impl TcpState {
    pub const ALL: [TcpState; 12] = [
        TcpState::Established,
        TcpState::SynSent,
        TcpState::SynRecv,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::TimeWait,
        TcpState::Close,
        TcpState::CloseWait,
        TcpState::LastAck,
        TcpState::Listen,
        TcpState::Closing,
        TcpState::NewSynRecv,
    ];

    pub fn from_code(code: u8) -> Option<TcpState> {
        TcpState::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The bit of this state in a [`StateSet`]-style mask.
    pub fn bit(self) -> u16 {
        1 << self.code()
    }

    /// The name `ss` prints (ESTAB, TIME-WAIT, ...). NEW_SYN_RECV never reaches /proc (request
    /// sockets are shown as SYN_RECV) but has a name in case a kernel starts printing it.
    pub const fn ss_name(self) -> &'static str {
        match self {
            TcpState::Established => "ESTAB",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynRecv | TcpState::NewSynRecv => "SYN-RECV",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::Close => "UNCONN",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::LastAck => "LAST-ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
        }
    }

    /// The kernel's own name (TCP_TIME_WAIT without the prefix), as people search for it.
    pub fn kernel_name(self) -> &'static str {
        match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::NewSynRecv => "NEW_SYN_RECV",
        }
    }
}

/// The `tr` column: which timer is pending. ss names them `on`, `keepalive`, `timewait`,
/// `persist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    None,
    Retransmit,
    Keepalive,
    TimeWait,
    ZeroWindowProbe,
    /// A code this parser does not know (the kernel prints 0-4 today).
    Other(u8),
}

impl Timer {
    fn from_code(code: u8) -> Timer {
        match code {
            0 => Timer::None,
            1 => Timer::Retransmit,
            2 => Timer::Keepalive,
            3 => Timer::TimeWait,
            4 => Timer::ZeroWindowProbe,
            other => Timer::Other(other),
        }
    }

    /// ss's name for the timer, None when no timer is pending.
    pub fn ss_name(self) -> Option<&'static str> {
        match self {
            Timer::None => None,
            Timer::Retransmit => Some("on"),
            Timer::Keepalive => Some("keepalive"),
            Timer::TimeWait => Some("timewait"),
            Timer::ZeroWindowProbe => Some("persist"),
            Timer::Other(_) => Some("unknown"),
        }
    }
}

/// Fields only full sockets have (not TIME_WAIT or SYN_RECV request sockets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FullSock {
    /// Retransmission timeout, in clock ticks (USER_HZ).
    pub rto_ticks: u64,
    /// Delayed-ACK timeout, in clock ticks.
    pub ato_ticks: u64,
    /// `(icsk_ack.quick << 1) | pingpong`: quick ACKs left and interactive mode.
    pub quick_ack: u32,
    pub cwnd: u32,
    /// -1 while still in the initial slow start.
    pub ssthresh: i32,
}

/// One line of /proc/net/tcp or tcp6: the fixed-width columns up to `retrnsmt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpEntry {
    pub slot: u32,
    pub local: SocketAddr,
    pub peer: SocketAddr,
    pub state: TcpState,
    /// tx_queue: bytes sent and not yet acknowledged (ss's Send-Q).
    pub send_q: u32,
    /// rx_queue: bytes received and not yet read; on LISTEN, connections waiting in accept.
    pub recv_q: u32,
    pub timer: Timer,
    /// Time until the timer fires, in clock ticks (USER_HZ, 1/100 s on Linux).
    pub timer_ticks: u64,
    /// Unanswered retransmissions (icsk_retransmits).
    pub retransmits: u32,
}

/// The rest of a line, after `retrnsmt`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpTail {
    pub uid: u32,
    /// Unanswered zero-window or keepalive probes (icsk_probes_out).
    pub probes: u32,
    /// Socket inode, the key into /proc/PID/fd; 0 for TIME_WAIT and request sockets.
    pub inode: u64,
    pub refcount: Option<u32>,
    /// The kernel's socket pointer, hashed or zeroed by kptr_restrict.
    pub kernel_ptr: Option<u64>,
    pub full: Option<FullSock>,
}

/// Why a line was not understood: a fixed text, so failing lines cost nothing either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError(pub &'static str);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// True for the column header line (`  sl  local_address ...`), which is not data.
pub fn is_header(line: &[u8]) -> bool {
    trim_start(line).starts_with(b"sl ")
}

/// True for a line with nothing in it (the file ends with a newline).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Parses one data line (without its newline).
#[inline]
/// A whole line: the kernel's format by [`kernel_line`], anything else by [`general_line`].
pub fn parse_line(line: &[u8]) -> Result<(TcpEntry, TcpTail), ParseError> {
    match kernel_line(line) {
        Some(parsed) => Ok(parsed),
        None => general_line(line),
    }
}

/// The columns up to `retrnsmt` alone, for a view that shows nothing after them: what follows
/// is not read, so a line is only skipped for an error in these columns.
pub fn parse_head(line: &[u8]) -> Result<TcpEntry, ParseError> {
    match kernel_head(line) {
        Some(entry) => Ok(entry),
        None => general_head(line).map(|(entry, _)| entry),
    }
}

/// Where the fixed-width columns sit after the `%4d:` slot: the kernel prints
/// `%08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X ` (32 hex digits per IPv6 address).
/// Both fast paths read them here, so the layout is written once.
struct Columns {
    addr_len: usize,
    end_len: usize,
    peer_at: usize,
    st_at: usize,
    q_at: usize,
    tr_at: usize,
    retr_at: usize,
    rest_at: usize,
}

impl Columns {
    /// The layout of `r`, or None when a separator is not where the kernel puts it.
    fn locate(r: &[u8]) -> Option<Columns> {
        let columns = match r.get(9) {
            Some(b':') => Columns::of(8),
            _ => Columns::of(32),
        };
        columns.fit(r).then_some(columns)
    }

    /// The offsets for addresses of `addr_len` hex digits (8 or 32). A `const fn`, so that
    /// with a constant length every offset is a constant in the code that uses it.
    const fn of(addr_len: usize) -> Columns {
        let end_len = addr_len + 5;
        let peer_at = 2 + end_len;
        let st_at = peer_at + end_len + 1;
        let q_at = st_at + 3;
        let tr_at = q_at + 18;
        let retr_at = tr_at + 12;
        let rest_at = retr_at + 9;
        Columns { addr_len, end_len, peer_at, st_at, q_at, tr_at, retr_at, rest_at }
    }

    /// True when `r` is long enough and has the separators where this layout puts them.
    #[inline(always)]
    fn fit(&self, r: &[u8]) -> bool {
        let Columns { addr_len, peer_at, st_at, q_at, tr_at, retr_at, rest_at, .. } = *self;
        let separators = [0, peer_at - 1, st_at - 1, q_at - 1, tr_at - 1, retr_at - 1, rest_at - 1];
        r.len() >= rest_at
            && separators.iter().all(|&i| r[i] == b' ')
            && r[1 + addr_len] == b':'
            && r[peer_at + addr_len] == b':'
            && r[q_at + 8] == b':'
            && r[tr_at + 2] == b':'
    }
}

/// The hot path, for lines exactly as the kernel prints them (net/ipv4/tcp_ipv4.c):
/// `%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK`, then for
/// full sockets ` %lu %lu %u %u %d`, and on IPv4 spaces up to 149 columns. Every column is
/// read where that format puts it, so no byte is looked at twice: the fixed-width ones at
/// known offsets ([`Columns`]), the `%5u %8d` pair as right-aligned fields ([`padded_decimal`]),
/// the others one after the other with exactly one space between them. A table of 100,000
/// lines spends most of its parsing time here. Any surprise (a second space, a tab, a sign,
/// lowercase hex in the addresses...) returns None and the line goes through
/// [`general_line`], which gives the same answer for every line this accepts and says what is
/// wrong with the others. Always inlined, so the entry is built where the caller keeps it
/// instead of being returned through memory and copied.
#[inline(always)]
pub fn kernel_line(line: &[u8]) -> Option<(TcpEntry, TcpTail)> {
    kernel_parts::<true>(line)
}

/// [`kernel_line`]'s columns up to `retrnsmt` alone. The rest is only checked to hold no
/// newline, so that, as with `kernel_line`, a line accepted here is one line.
#[inline(always)]
pub fn kernel_head(line: &[u8]) -> Option<TcpEntry> {
    kernel_parts::<false>(line).map(|(entry, _)| entry)
}

/// [`kernel_line`], or with `TAIL` false [`kernel_head`] (and a default tail).
#[inline(always)]
fn kernel_parts<const TAIL: bool>(line: &[u8]) -> Option<(TcpEntry, TcpTail)> {
    // `%4d:`: the slot, right-aligned before the first ':' (further right from slot 10000 on).
    let head = eight_bytes(line, 0)?;
    let colon = first_byte(head, b':').filter(|&c| c > 0)?;
    let slot = padded_decimal(head << (8 * (8 - colon)), colon)? as u32;
    let r = &line[colon + 1..];
    // One copy of the rest for each address length, so that every column offset below is a
    // constant and most bounds checks fold into the one length check in `fit`.
    match r.get(9) {
        Some(b':') => kernel_columns::<8, TAIL>(slot, r),
        _ => kernel_columns::<32, TAIL>(slot, r),
    }
}

/// [`kernel_parts`] after the slot, for addresses of `ADDR` hex digits.
#[inline(always)]
fn kernel_columns<const ADDR: usize, const TAIL: bool>(slot: u32, r: &[u8]) -> Option<(TcpEntry, TcpTail)> {
    let columns = const { Columns::of(ADDR) };
    if !columns.fit(r) {
        return None;
    }
    let Columns { addr_len, end_len, peer_at, st_at, q_at, tr_at, retr_at, rest_at } = columns;
    let local = fixed_endpoint(&r[1..1 + end_len], addr_len)?;
    let peer = fixed_endpoint(&r[peer_at..peer_at + end_len], addr_len)?;
    let state = TcpState::from_code(hex_digits::<2>(&r[st_at..])? as u8)?;
    let tail = match TAIL {
        true => kernel_tail(r, rest_at)?,
        false if has_newline(&r[rest_at..]) => return None,
        false => TcpTail::default(),
    };
    let entry = TcpEntry {
        slot,
        local,
        peer,
        state,
        send_q: hex8(&r[q_at..], b'A')?,
        recv_q: hex8(&r[q_at + 9..], b'A')?,
        timer: Timer::from_code(hex_digits::<2>(&r[tr_at..])? as u8),
        timer_ticks: u64::from(hex8(&r[tr_at + 3..], b'A')?),
        retransmits: hex8(&r[retr_at..], b'A')?,
    };
    Some((entry, tail))
}

/// The columns after `retrnsmt` (which starts `r` at `rest_at`), as the kernel prints them.
#[inline(always)]
fn kernel_tail(r: &[u8], rest_at: usize) -> Option<TcpTail> {
    // `%5u %8d `: the uid fills five columns or more (uids past 99999, as user namespaces
    // hand out), so it ends at the first space from the fifth column on; the probe count
    // is right-aligned in the eight after it.
    let mut uid_end = rest_at + 5;
    while r.get(uid_end)?.is_ascii_digit() && uid_end < rest_at + 8 {
        uid_end += 1;
    }
    let uid = padded_decimal(eight_bytes(r, uid_end - 8)?, uid_end - rest_at)? as u32;
    let probes_end = uid_end + 9;
    let probes = padded_decimal(eight_bytes(r, probes_end - 8)?, 8)? as u32;
    if r[uid_end] != b' ' || r.get(probes_end) != Some(&b' ') {
        return None;
    }
    // `%lu %d %pK`: inode, refcount and the socket pointer, one space apart.
    let (inode, end) = decimal_at(r, probes_end + 1)?;
    let (refcount, end) = decimal_at(r, end + 1)?;
    let kernel_ptr = pointer_at(r, end + 1)?;
    let mut end = end + 17;
    // Full sockets go on with ` %lu %lu %u %u %d`; the others stop (and IPv4 lines are
    // padded with spaces either way).
    let full = match r.get(end + 1) {
        Some(b'0'..=b'9') if r[end] == b' ' => {
            let (rto_ticks, rto_end) = decimal_at(r, end + 1)?;
            let (ato_ticks, ato_end) = decimal_at(r, rto_end + 1)?;
            let (quick_ack, quick_end) = decimal_at(r, ato_end + 1)?;
            let (cwnd, cwnd_end) = decimal_at(r, quick_end + 1)?;
            let (ssthresh, ssthresh_end) = signed_at(r, cwnd_end + 1)?;
            end = ssthresh_end;
            Some(FullSock {
                rto_ticks,
                ato_ticks,
                quick_ack: quick_ack as u32,
                cwnd: cwnd as u32,
                ssthresh: ssthresh as i32,
            })
        }
        _ => None,
    };
    if !only_spaces(&r[end..]) {
        return None;
    }
    Some(TcpTail { uid, probes, inode, refcount: Some(refcount as u32), kernel_ptr: Some(kernel_ptr), full })
}

/// `0100007F:1F90`, or 32 hex digits and a port, with the ':' already checked. Inlined: as a
/// call it spent a third of its instructions saving registers and returning the address
/// through memory.
#[inline(always)]
fn fixed_endpoint(field: &[u8], addr_len: usize) -> Option<SocketAddr> {
    let port = hex_digits::<4>(&field[addr_len + 1..])? as u16;
    let ip = match addr_len {
        8 => IpAddr::V4(Ipv4Addr::from(hex8(field, b'A')?.to_ne_bytes())),
        _ => {
            let mut bytes = [0u8; 16];
            for (i, word) in bytes.chunks_exact_mut(4).enumerate() {
                word.copy_from_slice(&hex8(&field[i * 8..], b'A')?.to_ne_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
    };
    Some(SocketAddr::new(ip, port))
}

/// Eight hex digits at once (SWAR: the eight bytes as one u64), None unless all eight are
/// 0-9 or letters in the case of `a` (`b'A'` for the kernel's `%08X` columns, `b'a'` for the
/// `%pK` pointer; a line in the other case goes the general way). A per-digit loop costs about
/// twice the instructions, and a v4 line has eight such words, a v6 line fourteen.
#[inline(always)]
fn hex8(text: &[u8], a: u8) -> Option<u32> {
    const HIGH: u64 = ONES * 0x80;
    let x = u64::from_be_bytes(text.get(..8)?.try_into().ok()?);
    // A digit's value is its low nibble, plus 9 for a letter (bit 0x40 set): right for every
    // hex digit, garbage for other bytes. Rather than range-testing every byte first, the
    // values are turned back into text and compared: only hex digits survive the round trip.
    // (No sum below carries out of its byte: values are at most 24.)
    let nibbles = (x & (ONES * 0x0f)) + ((x >> 6) & ONES) * 9;
    let letters = ((nibbles + ONES * (0x80 - 10)) & HIGH) >> 7;
    let text = nibbles + ONES * u64::from(b'0') + letters * u64::from(a - b'0' - 10);
    if nibbles & (ONES * 0xf0) != 0 || text != x {
        return None;
    }
    // Gather the nibbles: pairs into bytes, bytes into 16-bit halves, halves into 32 bits.
    let bytes = (nibbles | nibbles >> 4) & 0x00ff_00ff_00ff_00ff;
    let halves = (bytes | bytes >> 8) & 0x0000_ffff_0000_ffff;
    Some((halves | halves >> 16) as u32)
}

/// `N` hex digits (the 2-digit state and timer, the 4-digit port) by table lookup, unrolled
/// because `N` is a constant: about four instructions a digit, where the general [`hex`]
/// loop also pays for its length checks and loop control. A non-digit is 0xff in the table,
/// so OR-ing all the entries shows whether any was one.
#[inline(always)]
fn hex_digits<const N: usize>(text: &[u8]) -> Option<u32> {
    let digits: &[u8; N] = text.get(..N)?.try_into().ok()?;
    let (mut value, mut seen) = (0u32, 0u8);
    for &b in digits {
        let digit = HEX_DIGITS[usize::from(b)];
        seen |= digit;
        value = value << 4 | u32::from(digit);
    }
    (seen < 0x10).then_some(value)
}

/// Eight bytes at `at` as one u64, the first in the lowest byte (so "the first byte that..."
/// is the lowest set byte of a mask, found with `trailing_zeros`).
#[inline(always)]
fn eight_bytes(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

/// Where the first `byte` is in `x` (from [`eight_bytes`]), if anywhere: the classic exact
/// zero-byte test on `x ^ byte`s (adding 0x7f to a byte's low seven bits sets its high bit
/// unless all were zero, and never carries into the next byte).
#[inline(always)]
fn first_byte(x: u64, byte: u8) -> Option<usize> {
    let v = x ^ (ONES * u64::from(byte));
    let low7 = ONES * 0x7f;
    let zero = !(((v & low7) + low7) | v | low7);
    (zero != 0).then(|| (zero.trailing_zeros() / 8) as usize)
}

/// Each byte of `x` that is not '0'-'9' comes out nonzero. A digit is 0x30-0x39: high nibble
/// 3, still 3 after adding 6. The sum can carry into the next byte only out of a byte from
/// 0xfa up, which the first test flags already, so the lowest nonzero byte is always the
/// first non-digit.
#[inline(always)]
fn non_digits(x: u64) -> u64 {
    let (high, threes) = (ONES * 0xf0, ONES * 0x30);
    ((x & high) ^ threes) | ((x.wrapping_add(ONES * 6) & high) ^ threes)
}

/// The value of eight decimal digits, the first in the lowest byte (only their low nibbles
/// count, so zero bytes read as '0'): three multiplications combine neighbours into pairs,
/// pairs into fours, fours into the eight (Lemire's method), where a digit loop needs eight.
#[inline(always)]
fn eight_digits(x: u64) -> u64 {
    let pairs = (x & (ONES * 0x0f)).wrapping_mul(10 << 8 | 1) >> 8;
    let fours = (pairs & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 << 16 | 1) >> 16;
    (fours & 0x0000_ffff_0000_ffff).wrapping_mul(10000 << 32 | 1) >> 32
}

/// A right-aligned column such as `%5u` or `%8d`, `width` (1-8) bytes: spaces, then at least
/// one digit up to its end. `x` holds the eight bytes ending where the column ends (from
/// [`eight_bytes`]); the bytes before the column are read as spaces. Branch-free apart from
/// the answer: a byte loop would pay per padding space, and `%8d` is mostly seven of them.
#[inline(always)]
fn padded_decimal(x: u64, width: usize) -> Option<u64> {
    if !(1..=8).contains(&width) {
        return None;
    }
    let column = u64::MAX << (8 * (8 - width));
    let x = (x & column) | (SPACES & !column);
    // One digit after spaces (`%8d` probes are nearly always 0, as is a TIME-WAIT's uid).
    let last = (x >> 56) as u8;
    if x << 8 == SPACES << 8 && last.is_ascii_digit() {
        return Some(u64::from(last - b'0'));
    }
    let first_digit = (x ^ SPACES).trailing_zeros() & !7;
    if first_digit == 64 {
        return None; // all spaces
    }
    // ' ' | 0x10 is '0': the padding becomes leading zeros, and all eight bytes must be digits.
    let x = x | ((ONES * 0x10) & !(u64::MAX << first_digit));
    (non_digits(x) == 0).then(|| eight_digits(x))
}

/// A `%lu`-style column at `at`: 1-19 digits, then a space or the line's end. Returns the value
/// and where the digits end. Most of these columns hold one or two digits (refcount, ato,
/// quick ack, cwnd, rto in ticks; inode 0 on TIME-WAIT), so those two shapes are matched
/// first, for a handful of instructions where the eight-at-once path below costs about 25.
/// Up to seven digits are read at once when eight bytes are there (IPv4 lines are padded, so
/// always); otherwise, or for longer numbers, one at a time.
#[inline(always)]
fn decimal_at(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    if let Some(&[digit @ b'0'..=b'9', b' ']) = bytes.get(at..at + 2) {
        return Some((u64::from(digit - b'0'), at + 1));
    }
    if let Some(&[tens @ b'0'..=b'9', ones @ b'0'..=b'9', b' ']) = bytes.get(at..at + 3) {
        return Some((u64::from(tens - b'0') * 10 + u64::from(ones - b'0'), at + 2));
    }
    if let Some(x) = eight_bytes(bytes, at) {
        let len = non_digits(x).trailing_zeros() / 8;
        if (1..8).contains(&len) {
            let end = at + len as usize;
            // Shifting the digits to the top leaves zero bytes below, read as leading zeros.
            return (bytes[end] == b' ').then(|| (eight_digits(x << (64 - 8 * len)), end));
        }
    }
    let (mut value, mut end) = (0u64, at);
    while let Some(digit) = bytes.get(end).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        end += 1;
    }
    let ok = (1..=19).contains(&(end - at)) && bytes.get(end).is_none_or(|&b| b == b' ');
    ok.then_some((value, end))
}

/// `%d`: [`decimal_at`] with an optional '-' directly before the digits.
#[inline(always)]
fn signed_at(bytes: &[u8], at: usize) -> Option<(i64, usize)> {
    let negative = bytes.get(at) == Some(&b'-');
    let (value, end) = decimal_at(bytes, at + usize::from(negative))?;
    let value = value as i64; // at most 19 digits: no overflow
    Some((if negative { -value } else { value }, end))
}

/// The `%pK` socket pointer at `at`: 16 hex digits on 64-bit kernels, then a space or the end.
#[inline(always)]
fn pointer_at(bytes: &[u8], at: usize) -> Option<u64> {
    let digits = bytes.get(at..at.checked_add(16)?)?;
    let value = u64::from(hex8(digits, b'a')?) << 32 | u64::from(hex8(&digits[8..], b'a')?);
    bytes.get(at + 16).is_none_or(|&b| b == b' ').then_some(value)
}

/// True when `bytes` is all spaces (an IPv4 line's padding), eight at a time: the XORs with
/// spaces are OR-ed up without a branch per chunk, and the last chunk overlaps the one before
/// rather than going byte by byte.
#[inline(always)]
fn only_spaces(bytes: &[u8]) -> bool {
    let Some(last) = bytes.len().checked_sub(8) else {
        return bytes.iter().all(|&b| b == b' ');
    };
    let mut others = eight_bytes(bytes, last).map_or(!0, |x| x ^ SPACES);
    let mut at = 0;
    while at < last {
        others |= eight_bytes(bytes, at).map_or(!0, |x| x ^ SPACES);
        at += 8;
    }
    others == 0
}

/// True when `bytes` holds a newline.
#[inline(always)]
fn has_newline(bytes: &[u8]) -> bool {
    find_newline(bytes).is_some()
}

/// Where the first newline in `bytes` is, 16 bytes at a time. Not the memchr crate: its first
/// search asks the CPU which vector instructions it has (CPUID), which under a hypervisor cost
/// this machine about 50 microseconds, as much as searching a 10,000-line table. SSE2, which
/// every x86-64 has, needs no asking. The last 16 bytes are read as one block overlapping the
/// one before (whose bytes held no newline), rather than byte by byte.
#[inline]
pub fn find_newline(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 16 {
        return bytes.iter().position(|&b| b == b'\n');
    }
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let found = newline_mask(&bytes[at..at + 16]);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize);
        }
        at += 16;
    }
    let last = bytes.len() - 16;
    let found = newline_mask(&bytes[last..]);
    (found != 0).then(|| last + found.trailing_zeros() as usize)
}

/// Where the last newline in `bytes` is, 16 bytes at a time from the end (the first 16 as one
/// overlapping block, like [`find_newline`]'s last).
pub fn rfind_newline(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 16 {
        return bytes.iter().rposition(|&b| b == b'\n');
    }
    let mut end = bytes.len();
    while end >= 16 {
        let found = newline_mask(&bytes[end - 16..end]);
        if found != 0 {
            return Some(end - 16 + 31 - found.leading_zeros() as usize);
        }
        end -= 16;
    }
    let found = newline_mask(&bytes[..16]);
    (found != 0).then(|| 31 - found.leading_zeros() as usize)
}

/// Bit i set where byte i of a 16-byte `chunk` is a newline.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn newline_mask(chunk: &[u8]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8};
    let half = |at: usize| i64::from_le_bytes(chunk[at..at + 8].try_into().unwrap_or_default());
    // SAFETY: these only need SSE2, which this build targets (the cfg above); none of them
    // touches memory.
    unsafe {
        let bytes = _mm_set_epi64x(half(8), half(0));
        _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8))) as u32
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn newline_mask(chunk: &[u8]) -> u32 {
    chunk.iter().enumerate().fold(0, |mask, (i, &b)| mask | u32::from(b == b'\n') << i)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const SPACES: u64 = ONES * b' ' as u64;

/// The columns up to `retrnsmt` of any line, and the text after them: the fixed-width ones if
/// they fit, else whitespace-separated columns, each checked.
fn general_head(line: &[u8]) -> Result<(TcpEntry, &[u8]), ParseError> {
    match fixed_head(line) {
        Some(parsed) => Ok(parsed),
        None => token_head(line),
    }
}

/// Any line, every column checked.
fn general_line(line: &[u8]) -> Result<(TcpEntry, TcpTail), ParseError> {
    let (entry, rest) = general_head(line)?;
    let mut fields = Fields { rest };
    let missing = ParseError("line ends before the inode column");
    let uid = dec(fields.next(missing)?).ok_or(ParseError("uid is not decimal"))?;
    let probes = signed_dec(fields.next(missing)?).ok_or(ParseError("timeout is not decimal"))?;
    let inode = dec(fields.next(missing)?).ok_or(ParseError("inode is not decimal"))?;
    let refcount = match fields.next_optional() {
        Some(text) => Some(dec(text).ok_or(ParseError("refcount is not decimal"))? as u32),
        None => None,
    };
    let kernel_ptr = match fields.next_optional() {
        Some(text) => Some(hex(text).ok_or(ParseError("socket pointer is not hex"))?),
        None => None,
    };
    let full = match fields.next_optional() {
        None => None,
        Some(rto) => {
            let number = |text: Option<&[u8]>, what| text.and_then(dec).ok_or(ParseError(what));
            Some(FullSock {
                rto_ticks: dec(rto).ok_or(ParseError("rto is not decimal"))?,
                ato_ticks: number(fields.next_optional(), "ato missing or not decimal")?,
                quick_ack: number(fields.next_optional(), "quick ack missing or not decimal")? as u32,
                cwnd: number(fields.next_optional(), "cwnd missing or not decimal")? as u32,
                ssthresh: fields
                    .next_optional()
                    .and_then(signed_dec)
                    .ok_or(ParseError("ssthresh missing or not decimal"))? as i32,
            })
        }
    };
    if fields.next_optional().is_some() {
        return Err(ParseError("more fields than the kernel writes"));
    }
    let tail = TcpTail { uid: uid as u32, probes: probes.max(0) as u32, inode, refcount, kernel_ptr, full };
    Ok((entry, tail))
}

/// The fast path: after `%4d:` the kernel prints `%08X:%04X %08X:%04X %02X %08X:%08X
/// %02X:%08lX %08X ` (32 hex digits per IPv6 address), so the columns sit at known offsets.
/// Any surprise returns None and the line goes through [`token_head`], which says what is wrong.
fn fixed_head(line: &[u8]) -> Option<(TcpEntry, &[u8])> {
    let start = line.iter().position(|&b| b != b' ')?;
    let colon = start + line[start..].iter().take(11).position(|&b| b == b':')?;
    let slot = dec(&line[start..colon])? as u32;
    let r = line.get(colon + 1..)?;
    let Columns { end_len, peer_at, st_at, q_at, tr_at, retr_at, rest_at, .. } = Columns::locate(r)?;
    let local = endpoint(&r[1..1 + end_len]).ok()?;
    let peer = endpoint(&r[peer_at..peer_at + end_len]).ok()?;
    if local.is_ipv4() != peer.is_ipv4() {
        return None;
    }
    let state = TcpState::from_code(hex(&r[st_at..st_at + 2])? as u8)?;
    let head = TcpEntry {
        slot,
        local,
        peer,
        state,
        send_q: hex(&r[q_at..q_at + 8])? as u32,
        recv_q: hex(&r[q_at + 9..q_at + 17])? as u32,
        timer: Timer::from_code(hex(&r[tr_at..tr_at + 2])? as u8),
        timer_ticks: hex(&r[tr_at + 3..tr_at + 11])?,
        retransmits: hex(&r[retr_at..retr_at + 8])? as u32,
    };
    Some((head, &r[rest_at..]))
}

/// The general path: whitespace-separated columns, each checked, for any line the fast path
/// did not take (wider numbers than the kernel prints today, or garbage).
fn token_head(line: &[u8]) -> Result<(TcpEntry, &[u8]), ParseError> {
    let mut fields = Fields { rest: line };
    let slot = fields.next(ParseError("empty line"))?;
    let slot = slot.strip_suffix(b":").ok_or(ParseError("slot number must end with ':'"))?;
    let slot = dec(slot).ok_or(ParseError("slot number is not decimal"))? as u32;
    let local = endpoint(fields.next(ParseError("line ends before the local address"))?)?;
    let peer = endpoint(fields.next(ParseError("line ends before the remote address"))?)?;
    if local.is_ipv4() != peer.is_ipv4() {
        return Err(ParseError("local and remote addresses are of different families"));
    }
    let st =
        hex(fields.next(ParseError("line ends before the state"))?).ok_or(ParseError("state is not hex"))?;
    let state =
        u8::try_from(st).ok().and_then(TcpState::from_code).ok_or(ParseError("unknown state code"))?;
    let missing = ParseError("line ends before the inode column");
    let (send_q, recv_q) = hex_pair(fields.next(missing)?, "queues are not hex tx:rx")?;
    let (timer, timer_ticks) = hex_pair(fields.next(missing)?, "timer is not hex tr:when")?;
    let timer = Timer::from_code(u8::try_from(timer).map_err(|_| ParseError("timer code out of range"))?);
    let retransmits = hex(fields.next(missing)?).ok_or(ParseError("retrnsmt is not hex"))?;
    let head = TcpEntry {
        slot,
        local,
        peer,
        state,
        send_q: send_q as u32,
        recv_q: recv_q as u32,
        timer,
        timer_ticks,
        retransmits: retransmits as u32,
    };
    Ok((head, fields.rest))
}

/// Whitespace-separated fields of one line, borrowed.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn next(&mut self, missing: ParseError) -> Result<&'a [u8], ParseError> {
        self.next_optional().ok_or(missing)
    }

    fn next_optional(&mut self) -> Option<&'a [u8]> {
        let start = trim_start(self.rest);
        if start.is_empty() {
            self.rest = start;
            return None;
        }
        let end = start.iter().position(u8::is_ascii_whitespace).unwrap_or(start.len());
        let (field, rest) = start.split_at(end);
        self.rest = rest;
        Some(field)
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[skip..]
}

/// `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6). The address words are the
/// kernel's in-memory u32s printed as numbers, so native byte order turns them back into bytes.
fn endpoint(field: &[u8]) -> Result<SocketAddr, ParseError> {
    let colon = field.iter().position(|&b| b == b':').ok_or(ParseError("address has no ':PORT'"))?;
    let (addr, port) = (&field[..colon], &field[colon + 1..]);
    if port.len() != 4 {
        return Err(ParseError("port is not 4 hex digits"));
    }
    let port = hex(port).ok_or(ParseError("port is not hex"))? as u16;
    let word = |i: usize| hex(&addr[i * 8..i * 8 + 8]).map(|w| (w as u32).to_ne_bytes());
    let ip = match addr.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0).ok_or(ParseError("IPv4 address is not hex"))?)),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4]
                    .copy_from_slice(&word(i).ok_or(ParseError("IPv6 address is not hex"))?);
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return Err(ParseError("address is neither 8 (IPv4) nor 32 (IPv6) hex digits")),
    };
    Ok(SocketAddr::new(ip, port))
}

fn hex_pair(field: &[u8], reason: &'static str) -> Result<(u64, u64), ParseError> {
    let colon = field.iter().position(|&b| b == b':').ok_or(ParseError(reason))?;
    match (hex(&field[..colon]), hex(&field[colon + 1..])) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(ParseError(reason)),
    }
}

/// Each byte's hex digit value, 0xff for a non-digit.
const HEX_DIGITS: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = match i as u8 {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => 0xff,
        };
        i += 1;
    }
    table
};

fn hex(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    let mut value = 0u64;
    for &b in text {
        let digit = HEX_DIGITS[usize::from(b)];
        if digit == 0xff {
            return None;
        }
        value = (value << 4) | u64::from(digit);
    }
    Some(value)
}

fn dec(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 20 {
        return None;
    }
    let mut value = 0u64;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(value)
}

fn signed_dec(text: &[u8]) -> Option<i64> {
    match text.strip_prefix(b"-") {
        Some(digits) => dec(digits).and_then(|v| i64::try_from(v).ok()).map(|v| -v),
        None => dec(text).and_then(|v| i64::try_from(v).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on this machine (kernel 6.18) and from the kernel's format strings.
    const LISTEN_V4: &str = "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10911 1 0000000075a50d12 100 0 0 10 0                     ";
    const ESTAB_V4: &str = "   7: 0100007F:B2DA 0100007F:1F90 01 00000000:00000020 02:000AFC7E 00000000  1000        0 551234 2 00000000a1b2c3d4 20 4 30 10 -1";
    const TIME_WAIT_V4: &str = "  12: 0100007F:E244 0100007F:1E61 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 00000000d00dfeed";
    const SYN_RECV_V4: &str = "   3: 0100007F:1F90 0100007F:C000 03 00000000:00000000 01:00000064 00000002     0        0 0 0 0000000000000000";
    const LISTEN_V6: &str = "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 20511 1 0000000000000000 100 0 0 10 0";
    const MAPPED_V6: &str = "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 08 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000012345678 20 4 1 10 -1";
    const GLOBAL_V6: &str = "   2: B80D0120000000000000000001000000:01BB B80D0120000000000000000002000000:9C40 04 00001000:00000000 04:00000190 00000000     0        3 88 2 0 20 4 0 10 7";

    fn parse(line: &str) -> (TcpEntry, TcpTail) {
        let parsed = parse_line(line.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e}"));
        // The head alone reads the same columns.
        assert_eq!(parse_head(line.as_bytes()), Ok(parsed.0), "{line}");
        parsed
    }

    #[test]
    fn a_listening_ipv4_socket_reads_in_kernel_byte_order() {
        let (e, t) = parse(LISTEN_V4);
        assert_eq!(e.local, "127.0.0.1:44865".parse().unwrap());
        assert_eq!(e.peer, "0.0.0.0:0".parse().unwrap());
        assert_eq!(e.state, TcpState::Listen);
        assert_eq!((t.inode, t.refcount, e.timer), (10911, Some(1), Timer::None));
        assert_eq!(
            t.full,
            Some(FullSock { rto_ticks: 100, ato_ticks: 0, quick_ack: 0, cwnd: 10, ssthresh: 0 })
        );
    }

    #[test]
    fn an_established_socket_keeps_queues_timer_uid_and_ssthresh() {
        let (e, t) = parse(ESTAB_V4);
        assert_eq!(e.local.to_string(), "127.0.0.1:45786");
        assert_eq!(e.peer.to_string(), "127.0.0.1:8080");
        assert_eq!((e.state, e.send_q, e.recv_q, t.uid), (TcpState::Established, 0, 32, 1000));
        assert_eq!((e.timer, e.timer_ticks), (Timer::Keepalive, 0xAFC7E));
        assert_eq!(t.full.unwrap().ssthresh, -1);
        assert_eq!(e.slot, 7);
    }

    #[test]
    fn time_wait_and_request_sockets_stop_after_the_pointer() {
        let (tw, tail) = parse(TIME_WAIT_V4);
        assert_eq!(tw.state, TcpState::TimeWait);
        assert_eq!((tw.timer, tw.timer_ticks), (Timer::TimeWait, 3802)); // 38.02 s
        assert_eq!((tail.inode, tail.full, tail.kernel_ptr), (0, None, Some(0xd00dfeed)));
        let (syn, _) = parse(SYN_RECV_V4);
        assert_eq!((syn.state, syn.timer, syn.retransmits), (TcpState::SynRecv, Timer::Retransmit, 2));
    }

    #[test]
    fn ipv6_words_are_host_order_and_v4_mapped_addresses_survive() {
        let (l, _) = parse(LISTEN_V6);
        assert_eq!(l.local.to_string(), "[::1]:22");
        assert_eq!(l.peer.to_string(), "[::]:0");
        assert_eq!(l.recv_q, 3);
        let (m, _) = parse(MAPPED_V6);
        assert_eq!(m.local.to_string(), "[::ffff:127.0.0.1]:8080");
        assert_eq!(m.peer.port(), 0xD431);
        assert_eq!(m.state, TcpState::CloseWait);
        let (g, g_tail) = parse(GLOBAL_V6);
        assert_eq!(g.local.to_string(), "[2001:db8::1]:443");
        assert_eq!(g.peer.to_string(), "[2001:db8::2]:40000");
        assert_eq!(
            (g.state, g.send_q, g.timer, g_tail.probes),
            (TcpState::FinWait1, 4096, Timer::ZeroWindowProbe, 3)
        );
    }

    #[test]
    fn the_fixed_width_fast_path_agrees_with_the_general_one() {
        for line in [LISTEN_V4, ESTAB_V4, TIME_WAIT_V4, SYN_RECV_V4, LISTEN_V6, MAPPED_V6, GLOBAL_V6] {
            let (fast, fast_rest) =
                fixed_head(line.as_bytes()).unwrap_or_else(|| panic!("fast path: {line}"));
            let (slow, slow_rest) = token_head(line.as_bytes()).unwrap();
            assert_eq!(
                (fast.slot, fast.local, fast.peer, fast.state, fast.send_q, fast.recv_q),
                (slow.slot, slow.local, slow.peer, slow.state, slow.send_q, slow.recv_q)
            );
            assert_eq!(
                (fast.timer, fast.timer_ticks, fast.retransmits),
                (slow.timer, slow.timer_ticks, slow.retransmits)
            );
            assert_eq!(fast_rest.trim_ascii(), slow_rest.trim_ascii());
        }
        // Columns narrower or wider than the kernel's widths still parse, by the general path.
        let wide = "123456: 0100007F:0016 00000000:0000 0A 0:0 00:1234567890 0 0 0 7";
        assert!(fixed_head(wide.as_bytes()).is_none());
        assert_eq!(parse(wide).0.timer_ticks, 0x1234567890);
    }

    #[test]
    fn the_kernel_format_path_takes_kernel_lines_and_agrees_with_the_general_one() {
        let padded = format!("{ESTAB_V4:<149}");
        let lines = [LISTEN_V4, ESTAB_V4, TIME_WAIT_V4, SYN_RECV_V4, LISTEN_V6, MAPPED_V6, padded.as_str()];
        for line in lines {
            let fast = kernel_line(line.as_bytes()).unwrap_or_else(|| panic!("not taken: {line}"));
            assert_eq!(Ok(fast), general_line(line.as_bytes()), "{line}");
            assert_eq!(kernel_head(line.as_bytes()), Some(fast.0), "{line}");
        }
        // Lines it leaves to the general path: a 32-bit kernel's short pointer, tabs, a sign
        // without digits, 20-digit numbers; whatever it returns must match.
        let others = [
            GLOBAL_V6,
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 75a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000\t0 0 1 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 - 1 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12345678901234567890 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0000000075a50d12 1 2 3 4",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 0000000g 0 0 1 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0C 00000000:00000000 00:00000000 00000000 0 0 1 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 -9223372036854775808 1 1 0000000075a50d12",
            "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 -12 1 1 0000000075a50d12 1 2 3 4 -5",
        ];
        for line in others {
            if let Some(fast) = kernel_line(line.as_bytes()) {
                assert_eq!(Ok(fast), general_line(line.as_bytes()), "{line}");
            }
        }
        // Every prefix too: the fast path never accepts what the general one rejects.
        for line in lines {
            for end in 0..line.len() {
                if let Some(fast) = kernel_line(&line.as_bytes()[..end]) {
                    assert_eq!(Ok(fast), general_line(&line.as_bytes()[..end]), "{end}: {line}");
                }
            }
        }
    }

    /// Lines as the kernel writes them at scale: five-digit slots, uids past 99999 (user
    /// namespaces), long inodes, padding to 149 columns, the largest values each column holds.
    fn kernel_lines_at_scale() -> Vec<String> {
        let mut lines: Vec<String> = [LISTEN_V4, ESTAB_V4, TIME_WAIT_V4, SYN_RECV_V4, LISTEN_V6, MAPPED_V6]
            .iter()
            .map(|l| l.to_string())
            .collect();
        lines.extend([
            format!("{ESTAB_V4:<149}"),
            format!("{TIME_WAIT_V4:<149}"),
            format!("{:<149}", "12345: 0100007F:E244 0100007F:1E61 06 00000000:00000000 03:00000EDA 00000000     0        0 0 3 00000000d00dfeed"),
            format!("{:<149}", "99999: 0101017F:9132 0100007F:9000 01 00000040:00000000 02:000AFC7E 0000000A 165534        9 12345678901 2 ffffffffffffffff 12345678 99999999 3 2147483647 -2147483648"),
            "1234567: 0101017F:9132 0100007F:9000 01 FFFFFFFF:FFFFFFFF 04:FFFFFFFF FFFFFFFF 12345678 99999999 1234567890123456789 4294967295 0123456789abcdef 1 1 1 1 1".to_string(),
            "   5: B80D0120000000000000000001000000:01BB B80D0120000000000000000002000000:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 123456 1 00000000a1b2c3d4 20 4 30 10 -1".to_string(),
        ]);
        lines
    }

    #[test]
    fn the_kernel_format_path_takes_lines_at_scale_as_the_general_one_reads_them() {
        for line in kernel_lines_at_scale() {
            let fast = kernel_line(line.as_bytes()).unwrap_or_else(|| panic!("not taken: {line}"));
            assert_eq!(Ok(fast), general_line(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn every_byte_changed_dropped_or_doubled_is_read_by_the_general_rules_or_left_to_them() {
        // The fast path reads columns at fixed places, right-aligned fields eight bytes at a
        // time and numbers up to seven digits at once: each edit below moves or breaks one of
        // them. Whatever it still accepts must be exactly what the general parser reads.
        let check = |line: &[u8]| {
            if let Some(fast) = kernel_line(line) {
                assert_eq!(Ok(fast), general_line(line), "{:?}", String::from_utf8_lossy(line));
            }
            // The head alone: what it accepts, the general rules read the same way.
            if let Some(head) = kernel_head(line) {
                let general = general_head(line).map(|(entry, _)| entry);
                assert_eq!(Ok(head), general, "{:?}", String::from_utf8_lossy(line));
            }
        };
        for line in kernel_lines_at_scale() {
            let line = line.as_bytes();
            for at in 0..line.len() {
                for byte in 0..=255u8 {
                    let mut changed = line.to_vec();
                    changed[at] = byte;
                    check(&changed);
                    // The table reader relies on this: a newline anywhere is never accepted.
                    if byte == b'\n' {
                        assert_eq!(kernel_line(&changed), None, "{at}");
                        assert_eq!(kernel_head(&changed), None, "{at}");
                    }
                }
                let mut dropped = line.to_vec();
                dropped.remove(at);
                check(&dropped);
                let mut doubled = line.to_vec();
                doubled.insert(at, line[at]);
                check(&doubled);
                let mut spaced = line.to_vec();
                spaced.insert(at, b' ');
                check(&spaced);
            }
        }
    }

    #[test]
    fn right_aligned_and_forward_decimals_match_the_digit_loop() {
        // Every column of width 1-8 made of spaces, digits and a stray byte or two.
        let alphabet = [b' ', b'0', b'5', b'9', b'/', b':', b'-', 0xff, 0x00, b'\t'];
        for width in 1..=4usize {
            let mut column = vec![0u8; width];
            for n in 0..alphabet.len().pow(width as u32) {
                let mut k = n;
                for b in column.iter_mut() {
                    *b = alphabet[k % alphabet.len()];
                    k /= alphabet.len();
                }
                let expected = match column.trim_ascii_start() {
                    digits if digits.len() == column.iter().skip_while(|&&b| b == b' ').count() => {
                        dec(digits)
                    }
                    _ => None,
                };
                // The column at the end of an eight-byte window that starts with other text.
                let mut window = b"AB:CD:EF".to_vec();
                window[8 - width..].copy_from_slice(&column);
                let x = u64::from_le_bytes(window.try_into().unwrap());
                assert_eq!(padded_decimal(x, width), expected, "{:?}", String::from_utf8_lossy(&column));
                // The same bytes as a forward column, followed by a space and padding.
                // The digit loop's answer: leading digits, then a space or the end.
                let forward = |bytes: &[u8]| {
                    let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                    let ends = bytes.get(len).is_none_or(|&b| b == b' ');
                    dec(&bytes[..len]).filter(|_| ends).map(|v| (v, len))
                };
                let mut line = column.clone();
                line.extend_from_slice(b" 1234567");
                assert_eq!(decimal_at(&line, 0), forward(&line), "{:?}", String::from_utf8_lossy(&column));
                assert_eq!(
                    decimal_at(&column, 0),
                    forward(&column),
                    "{:?}",
                    String::from_utf8_lossy(&column)
                );
            }
        }
        for digits in ["1", "12", "1234567", "12345678", "1234567890123456789"] {
            let padded = format!("{digits} 00000000");
            let value = digits.parse().unwrap();
            assert_eq!(decimal_at(padded.as_bytes(), 0), Some((value, digits.len())));
            assert_eq!(decimal_at(digits.as_bytes(), 0), Some((value, digits.len())));
        }
        assert_eq!(decimal_at(b"12345678901234567890 ", 0), None);
        assert_eq!(padded_decimal(SPACES, 8), None);
        assert_eq!(padded_decimal(u64::from_le_bytes(*b"12345678"), 8), Some(12345678));
    }

    #[test]
    fn eight_hex_digits_at_once_match_the_digit_loop() {
        let mut cases: Vec<Vec<u8>> =
            ["0100007F", "FFFFFFFF", "00000000", "deadBEEF", "0123abcd", "9aF0fA09"]
                .iter()
                .map(|t| t.as_bytes().to_vec())
                .collect();
        // Every byte value in every position of a valid word, so each edge of the ranges
        // (/ 0 9 : @ A F G ` a f g, and bytes above 0x7f) is tried.
        for position in 0..8 {
            for byte in 0..=255u8 {
                let mut word = b"12AB34cd".to_vec();
                word[position] = byte;
                cases.push(word);
            }
        }
        for case in cases {
            // Each case only in its own letters; the other goes the general way.
            for (a, other) in [(b'A', b'a'..=b'f'), (b'a', b'A'..=b'F')] {
                let expected = hex(&case).filter(|_| !case.iter().any(|b| other.contains(b)));
                assert_eq!(hex8(&case, a).map(u64::from), expected, "{:?}", String::from_utf8_lossy(&case));
            }
        }
        assert_eq!(hex8(b"1234567", b'A'), None);
    }

    #[test]
    fn newline_searches_match_the_byte_loops() {
        for len in 0..50usize {
            for newlines in [vec![], vec![0], vec![len / 2], vec![len.saturating_sub(1)], vec![3, 17, 33]] {
                let mut bytes = vec![b'x'; len];
                for &at in newlines.iter().filter(|&&at| at < len) {
                    bytes[at] = b'\n';
                }
                assert_eq!(
                    find_newline(&bytes),
                    bytes.iter().position(|&b| b == b'\n'),
                    "{len} {newlines:?}"
                );
                assert_eq!(
                    rfind_newline(&bytes),
                    bytes.iter().rposition(|&b| b == b'\n'),
                    "{len} {newlines:?}"
                );
            }
        }
    }

    #[test]
    fn the_header_and_blank_lines_are_recognised() {
        assert!(is_header(b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"));
        assert!(is_blank(b"   "));
        assert!(!is_header(LISTEN_V4.as_bytes()));
    }

    #[test]
    fn garbage_lines_are_errors_never_panics() {
        let cases = [
            ("", "empty line"),
            ("   0 0100007F:AF41", "slot number must end with ':'"),
            ("   0: 0100007F", "address has no ':PORT'"),
            ("   0: 0100007F:AF4", "port is not 4 hex digits"),
            ("   0: 0100G07F:AF41 00000000:0000 0A", "IPv4 address is not hex"),
            ("   0: 01007F:AF41 00000000:0000 0A", "address is neither 8 (IPv4) nor 32 (IPv6) hex digits"),
            (
                "   0: 0100007F:AF41 00000000000000000000000000000000:0000 0A",
                "local and remote addresses are of different families",
            ),
            ("   0: 0100007F:AF41 00000000:0000 0F 0:0 0:0 0 0 0 1", "unknown state code"),
            (
                "   0: 0100007F:AF41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0",
                "line ends before the inode column",
            ),
            (
                "   0: 0100007F:AF41 00000000:0000 0A 0:0 0:0 0 0 0 1 1 0 100 0",
                "quick ack missing or not decimal",
            ),
            (
                "   0: 0100007F:AF41 00000000:0000 0A 0:0 0:0 0 0 0 1 1 0 100 0 0 10 0 extra",
                "more fields than the kernel writes",
            ),
            (
                "   0: 0100007F:AF41 00000000:0000 0A 0:0 0:0 0 0 0 99999999999999999999999 1 0",
                "inode is not decimal",
            ),
            ("\u{0}\u{1}\u{ff}", "slot number must end with ':'"),
        ];
        for (line, reason) in cases {
            assert_eq!(parse_line(line.as_bytes()), Err(ParseError(reason)), "{line:?}");
        }
        // Every prefix of a good line fails cleanly or parses: no slicing panics.
        for line in [LISTEN_V4, ESTAB_V4, LISTEN_V6, MAPPED_V6] {
            for end in 0..line.len() {
                let _ = parse_line(&line.as_bytes()[..end]);
                let _ = parse_head(&line.as_bytes()[..end]);
            }
        }
        // The head alone is checked as strictly, and what follows it is not read.
        assert_eq!(
            parse_head(b"   0: 0100G07F:AF41 00000000:0000 0A"),
            Err(ParseError("IPv4 address is not hex"))
        );
        let bad_inode = "   0: 0100007F:AF41 00000000:0000 0A 0:0 0:0 0 0 0 99999999999999999999999 1 0";
        assert_eq!(parse_head(bad_inode.as_bytes()).map(|e| e.state), Ok(TcpState::Listen));
    }
}
