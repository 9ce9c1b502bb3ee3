//! Pure ICMP: echo requests built, and echo replies and the errors that quote a probe parsed,
//! with etherparse. No sockets here, so every case is unit-tested below.
//!
//! Payload layout (as iputils, but a 64-bit stamp): bytes 0..8 carry the probe's send stamp
//! (nanoseconds since the run began, big-endian) when the payload has room for them; every
//! other byte `i` is `i as u8`, or with a pattern (`-p ff00`) `pattern[i % len]`, as iputils
//! fills it. A reply must carry the same bytes back.

use std::net::IpAddr;

use etherparse::{
    IcmpEchoHeader, Icmpv4Header, Icmpv4Slice, Icmpv4Type, Icmpv6Header, Icmpv6Slice, Icmpv6Type,
    Ipv4HeaderSlice, Ipv6HeaderSlice,
};

/// Bytes of the send stamp at the start of the payload.
pub const STAMP_BYTES: usize = 8;
/// Bytes of an ICMP echo header.
pub const ECHO_HEADER_BYTES: usize = 8;
/// IPv4 header without options, for iputils' `56(84) bytes` header line.
pub const IPV4_HEADER_BYTES: usize = 20;

const ICMP_PROTOCOL: u8 = 1;
const ICMPV6_NEXT_HEADER: u8 = 58;
const ECHO_REQUEST_V4: u8 = 8;
const ECHO_REQUEST_V6: u8 = 128;

/// Payload byte `i` outside the stamp: iputils' counting bytes, or the pattern repeated from
/// the payload's start (so the stamp covers its first bytes, as iputils' timeval does).
fn pad_byte(pattern: &[u8], i: usize) -> u8 {
    if pattern.is_empty() { i as u8 } else { pattern[i % pattern.len()] }
}

/// The payload of probe `stamp`, `size` bytes long (the plain reference that
/// `write_echo_request` and `check_payload_of` are tested against).
#[cfg(test)]
pub fn payload(size: usize, stamp: u64, pattern: &[u8]) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..size).map(|i| pad_byte(pattern, i)).collect();
    if size >= STAMP_BYTES {
        bytes[..STAMP_BYTES].copy_from_slice(&stamp.to_be_bytes());
    }
    bytes
}

/// The echo request being sent, rebuilt in place for each probe so a flood allocates nothing.
/// Only `write_echo_request` writes it, which is what lets it keep the pattern bytes; one
/// buffer serves one pattern (a run's `-p`).
#[derive(Default)]
pub struct RequestBuf(Vec<u8>);

impl RequestBuf {
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Writes the echo request for probe `stamp` into `buf`: the same bytes as
/// `echo_request(v6, id, seq, &payload(size, stamp, pattern))`.
pub fn write_echo_request(
    buf: &mut RequestBuf,
    v6: bool,
    id: u16,
    seq: u16,
    size: usize,
    stamp: u64,
    pattern: &[u8],
) {
    let packet = &mut buf.0;
    // The pattern bytes are the same for every probe of a size: write them only when the size
    // changes (the first probe); the header and the stamp are rewritten below.
    if packet.len() != ECHO_HEADER_BYTES + size {
        packet.clear();
        packet.resize(ECHO_HEADER_BYTES, 0);
        packet.extend((0..size).map(|i| pad_byte(pattern, i)));
    }
    if size >= STAMP_BYTES {
        packet[ECHO_HEADER_BYTES..ECHO_HEADER_BYTES + STAMP_BYTES].copy_from_slice(&stamp.to_be_bytes());
    }
    let echo = IcmpEchoHeader { id, seq };
    if v6 {
        packet[..ECHO_HEADER_BYTES]
            .copy_from_slice(&Icmpv6Header::new(Icmpv6Type::EchoRequest(echo)).to_bytes());
    } else {
        let header = Icmpv4Header::with_checksum(Icmpv4Type::EchoRequest(echo), &packet[ECHO_HEADER_BYTES..]);
        packet[..ECHO_HEADER_BYTES].copy_from_slice(&header.to_bytes());
    }
}

/// An echo request: ICMP header and payload (the plain reference for `write_echo_request`). The IPv4 checksum is ours to compute; for ICMPv6
/// the kernel always computes it (it covers a pseudo-header with addresses we do not choose),
/// so it is left 0, as it is for either family on a datagram ping socket, which rewrites it.
#[cfg(test)]
pub fn echo_request(v6: bool, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let echo = IcmpEchoHeader { id, seq };
    let mut packet = Vec::with_capacity(ECHO_HEADER_BYTES + payload.len());
    if v6 {
        packet.extend_from_slice(&Icmpv6Header::new(Icmpv6Type::EchoRequest(echo)).to_bytes());
    } else {
        packet.extend_from_slice(
            &Icmpv4Header::with_checksum(Icmpv4Type::EchoRequest(echo), payload).to_bytes(),
        );
    }
    packet.extend_from_slice(payload);
    packet
}

/// What arrived, as far as ping cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    Reply {
        id: u16,
        seq: u16,
        payload: &'a [u8],
        /// False only for IPv4 packets whose checksum we could check and which failed it.
        checksum_ok: bool,
        /// From the IPv4 header, when the packet came with one.
        ttl: Option<u8>,
    },
    /// An ICMP error quoting one of our echo requests (`id`, `seq`) sent to `to`.
    Error { error: IcmpError, to: IpAddr, id: u16, seq: u16 },
    /// Anything else (other types, errors about other packets, garbage).
    Other,
}

/// An ICMP error's type, code and the 32 bits after the checksum (MTU, pointer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpError {
    pub v6: bool,
    pub icmp_type: u8,
    pub code: u8,
    pub info: u32,
}

/// Parses what a raw IPv4 socket received: an IP header (of any length), then ICMP.
/// Returns the message and the packet's source address.
pub fn parse_ipv4_packet(packet: &[u8]) -> (Message<'_>, Option<IpAddr>) {
    let Ok(ip) = Ipv4HeaderSlice::from_slice(packet) else { return (Message::Other, None) };
    let source = IpAddr::V4(ip.source_addr());
    let ttl = ip.ttl();
    let message = match parse_icmp(false, &packet[ip.slice().len()..]) {
        Message::Reply { id, seq, payload, checksum_ok, .. } => {
            Message::Reply { id, seq, payload, checksum_ok, ttl: Some(ttl) }
        }
        other => other,
    };
    (message, Some(source))
}

/// Parses an ICMP or ICMPv6 message with no IP header in front (ping sockets, raw IPv6).
pub fn parse_icmp(v6: bool, message: &[u8]) -> Message<'_> {
    if v6 { parse_icmpv6(message) } else { parse_icmpv4(message) }
}

fn parse_icmpv4(message: &[u8]) -> Message<'_> {
    let Ok(icmp) = Icmpv4Slice::from_slice(message) else { return Message::Other };
    match icmp.icmp_type() {
        Icmpv4Type::EchoReply(echo) => {
            let expected = Icmpv4Header::with_checksum(icmp.icmp_type(), icmp.payload()).checksum;
            Message::Reply {
                id: echo.id,
                seq: echo.seq,
                payload: icmp.payload(),
                checksum_ok: expected == icmp.checksum(),
                ttl: None,
            }
        }
        Icmpv4Type::DestinationUnreachable(_)
        | Icmpv4Type::TimeExceeded(_)
        | Icmpv4Type::ParameterProblem(_)
        | Icmpv4Type::Redirect(_)
        | Icmpv4Type::Unknown { type_u8: 4, .. } => {
            let error = IcmpError {
                v6: false,
                icmp_type: icmp.type_u8(),
                code: icmp.code_u8(),
                info: u32::from_be_bytes(icmp.bytes5to8()),
            };
            match quoted_ipv4_probe(icmp.payload()) {
                Some((to, id, seq)) => Message::Error { error, to, id, seq },
                None => Message::Other,
            }
        }
        _ => Message::Other,
    }
}

fn parse_icmpv6(message: &[u8]) -> Message<'_> {
    let Ok(icmp) = Icmpv6Slice::from_slice(message) else { return Message::Other };
    match icmp.icmp_type() {
        // The kernel verified the ICMPv6 checksum (it needs the pseudo-header we never see).
        Icmpv6Type::EchoReply(echo) => Message::Reply {
            id: echo.id,
            seq: echo.seq,
            payload: icmp.payload(),
            checksum_ok: true,
            ttl: None,
        },
        Icmpv6Type::DestinationUnreachable(_)
        | Icmpv6Type::PacketTooBig { .. }
        | Icmpv6Type::TimeExceeded(_)
        | Icmpv6Type::ParameterProblem(_) => {
            let error = IcmpError {
                v6: true,
                icmp_type: icmp.type_u8(),
                code: icmp.code_u8(),
                info: u32::from_be_bytes(icmp.bytes5to8()),
            };
            match quoted_ipv6_probe(icmp.payload()) {
                Some((to, id, seq)) => Message::Error { error, to, id, seq },
                None => Message::Other,
            }
        }
        _ => Message::Other,
    }
}

/// The destination, id and seq of the echo request an ICMPv4 error quotes (its IP header and
/// at least the 8 bytes of our ICMP header).
fn quoted_ipv4_probe(quoted: &[u8]) -> Option<(IpAddr, u16, u16)> {
    let ip = Ipv4HeaderSlice::from_slice(quoted).ok()?;
    if ip.protocol().0 != ICMP_PROTOCOL {
        return None;
    }
    let (id, seq) = quoted_echo(false, &quoted[ip.slice().len()..])?;
    Some((IpAddr::V4(ip.destination_addr()), id, seq))
}

fn quoted_ipv6_probe(quoted: &[u8]) -> Option<(IpAddr, u16, u16)> {
    let ip = Ipv6HeaderSlice::from_slice(quoted).ok()?;
    if ip.next_header().0 != ICMPV6_NEXT_HEADER {
        return None;
    }
    let (id, seq) = quoted_echo(true, &quoted[ip.slice().len()..])?;
    Some((IpAddr::V6(ip.destination_addr()), id, seq))
}

/// The id and seq of a quoted echo request (the first 8 bytes of our probe). Ping sockets hand
/// exactly this to the error queue.
pub fn quoted_echo(v6: bool, header: &[u8]) -> Option<(u16, u16)> {
    let request = if v6 { ECHO_REQUEST_V6 } else { ECHO_REQUEST_V4 };
    if header.len() < ECHO_HEADER_BYTES || header[0] != request {
        return None;
    }
    Some((u16::from_be_bytes([header[4], header[5]]), u16::from_be_bytes([header[6], header[7]])))
}

/// How a reply's payload compares with what was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadCheck {
    Same,
    /// Shorter than sent (the rest matched).
    Truncated,
    /// The first byte that differs.
    Wrong {
        offset: usize,
        expected: u8,
        got: u8,
    },
}

#[cfg(test)]
pub fn check_payload(sent: &[u8], got: &[u8]) -> PayloadCheck {
    if let Some(offset) = sent.iter().zip(got).position(|(a, b)| a != b) {
        return PayloadCheck::Wrong { offset, expected: sent[offset], got: got[offset] };
    }
    if got.len() < sent.len() { PayloadCheck::Truncated } else { PayloadCheck::Same }
}

/// `check_payload` against `payload(size, stamp, pattern)`, without building it (the flood path).
pub fn check_payload_of(size: usize, stamp: u64, pattern: &[u8], got: &[u8]) -> PayloadCheck {
    let stamp_bytes = stamp.to_be_bytes();
    let expected =
        |i: usize| if size >= STAMP_BYTES && i < STAMP_BYTES { stamp_bytes[i] } else { pad_byte(pattern, i) };
    if let Some(offset) = (0..size.min(got.len())).find(|&i| got[i] != expected(i)) {
        return PayloadCheck::Wrong { offset, expected: expected(offset), got: got[offset] };
    }
    if got.len() < size { PayloadCheck::Truncated } else { PayloadCheck::Same }
}

/// iputils' words for an ICMP error (`Destination Host Unreachable`, `Time to live exceeded`),
/// so scripts that grep for them keep working.
pub fn error_text(e: IcmpError) -> String {
    if e.v6 {
        return match (e.icmp_type, e.code) {
            (1, code) => format!(
                "Destination unreachable: {}",
                match code {
                    0 => "No route".to_string(),
                    1 => "Administratively prohibited".to_string(),
                    2 => "Beyond scope".to_string(),
                    3 => "Address unreachable".to_string(),
                    4 => "Port unreachable".to_string(),
                    c => format!("Unknown code {c}"),
                }
            ),
            (2, _) => format!("Packet too big: mtu={}", e.info),
            (3, 0) => "Time exceeded: Hop limit".to_string(),
            (3, 1) => "Time exceeded: Defragmentation failure".to_string(),
            (3, c) => format!("Time exceeded: code {c}"),
            (4, c) => format!(
                "Parameter problem: {}at {}",
                match c {
                    0 => "Erroneous header field ",
                    1 => "Unknown header ",
                    2 => "Unknown option ",
                    _ => "",
                },
                e.info
            ),
            (t, c) => format!("ICMPv6 type {t} code {c}"),
        };
    }
    match (e.icmp_type, e.code) {
        (3, code) => match code {
            0 => "Destination Net Unreachable".to_string(),
            1 => "Destination Host Unreachable".to_string(),
            2 => "Destination Protocol Unreachable".to_string(),
            3 => "Destination Port Unreachable".to_string(),
            4 => format!("Frag needed and DF set (mtu = {})", e.info & 0xffff),
            5 => "Source Route Failed".to_string(),
            6 => "Destination Net Unknown".to_string(),
            7 => "Destination Host Unknown".to_string(),
            8 => "Source Host Isolated".to_string(),
            9 => "Destination Net Prohibited".to_string(),
            10 => "Destination Host Prohibited".to_string(),
            11 => "Destination Net Unreachable for Type of Service".to_string(),
            12 => "Destination Host Unreachable for Type of Service".to_string(),
            13 => "Packet filtered".to_string(),
            14 => "Precedence Violation".to_string(),
            15 => "Precedence Cutoff".to_string(),
            c => format!("Dest Unreachable, Bad Code: {c}"),
        },
        (4, _) => "Source Quench".to_string(),
        (5, 0) => "Redirect Network".to_string(),
        (5, 1) => "Redirect Host".to_string(),
        (5, c) => format!("Redirect, Bad Code: {c}"),
        (11, 0) => "Time to live exceeded".to_string(),
        (11, 1) => "Frag reassembly time exceeded".to_string(),
        (11, c) => format!("Time exceeded, Bad Code: {c}"),
        (12, _) => format!("Parameter problem: pointer = {}", e.info >> 24),
        (t, c) => format!("Bad ICMP type: {t} code {c}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{IpNumber, Ipv4Header, Ipv6Header};
    use std::net::Ipv6Addr;

    fn ipv4(protocol: u8, src: [u8; 4], dst: [u8; 4], ttl: u8, body: &[u8]) -> Vec<u8> {
        let header = Ipv4Header::new(body.len() as u16, ttl, IpNumber(protocol), src, dst).unwrap();
        let mut packet = header.to_bytes().to_vec();
        packet.extend_from_slice(body);
        packet
    }

    fn reply_of(request: &[u8]) -> Vec<u8> {
        let (id, seq) = quoted_echo(false, request).unwrap();
        let header =
            Icmpv4Header::with_checksum(Icmpv4Type::EchoReply(IcmpEchoHeader { id, seq }), &request[8..]);
        let mut reply = header.to_bytes().to_vec();
        reply.extend_from_slice(&request[8..]);
        reply
    }

    #[test]
    fn payload_carries_the_stamp_then_iputils_pattern() {
        let p = payload(20, 0x0102_0304_0506_0708, &[]);
        assert_eq!(&p[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&p[8..], &[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
        assert_eq!(payload(4, 99, &[]), vec![0, 1, 2, 3]);
        assert!(payload(0, 1, &[]).is_empty());
    }

    #[test]
    fn a_pattern_repeats_from_the_payload_start_under_the_stamp() {
        let p = payload(20, 0x0102_0304_0506_0708, &[0xff, 0x00, 0xab]);
        assert_eq!(&p[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        // Byte i is pattern[i % 3], as iputils fills it before the stamp goes on top.
        assert_eq!(&p[8..], &[0xab, 0xff, 0x00, 0xab, 0xff, 0x00, 0xab, 0xff, 0x00, 0xab, 0xff, 0x00]);
        assert_eq!(payload(4, 1, &[0xee]), vec![0xee; 4]);
        let mut packet = RequestBuf::default();
        for (v6, seq) in [(false, 1), (true, 2), (false, 3)] {
            write_echo_request(&mut packet, v6, 7, seq, 56, 99, &[0xff, 0x00]);
            assert_eq!(packet.bytes(), echo_request(v6, 7, seq, &payload(56, 99, &[0xff, 0x00])));
        }
        let sent = payload(56, 99, &[0xff, 0x00]);
        assert_eq!(check_payload_of(56, 99, &[0xff, 0x00], &sent), PayloadCheck::Same);
        // The counting bytes are wrong when a pattern was sent: the check follows the pattern.
        let counting = payload(56, 99, &[]);
        assert_eq!(
            check_payload_of(56, 99, &[0xff, 0x00], &counting),
            PayloadCheck::Wrong { offset: 8, expected: 0xff, got: 8 }
        );
    }

    #[test]
    fn an_ipv4_request_has_a_valid_checksum_and_its_reply_parses() {
        let data = payload(56, 42, &[]);
        let request = echo_request(false, 0x1234, 7, &data);
        assert_eq!(request.len(), 64);
        assert_eq!(request[0], 8);
        let header = Icmpv4Header::with_checksum(
            Icmpv4Type::EchoRequest(IcmpEchoHeader { id: 0x1234, seq: 7 }),
            &data,
        );
        assert_eq!(&request[..8], &header.to_bytes()[..]);
        let packet = ipv4(1, [127, 0, 0, 1], [127, 0, 0, 1], 64, &reply_of(&request));
        let (message, from) = parse_ipv4_packet(&packet);
        assert_eq!(from, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(
            message,
            Message::Reply { id: 0x1234, seq: 7, payload: &data[..], checksum_ok: true, ttl: Some(64) }
        );
    }

    #[test]
    fn a_corrupted_ipv4_reply_fails_its_checksum() {
        let request = echo_request(false, 1, 1, &payload(16, 5, &[]));
        let mut reply = reply_of(&request);
        reply[20] ^= 0xff;
        match parse_icmp(false, &reply) {
            Message::Reply { checksum_ok, .. } => assert!(!checksum_ok),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_reused_buffer_builds_the_same_requests() {
        let mut packet = RequestBuf::default();
        for (v6, seq, size, stamp) in [
            (false, 1, 56, 7),
            (false, 2, 56, u64::MAX),
            (true, 3, 56, 8),
            (false, 4, 4, 9),
            (false, 5, 4, 10),
            (true, 6, 0, 1),
            (false, 7, 1000, 2),
            (false, 8, 56, 3),
        ] {
            write_echo_request(&mut packet, v6, 0x1234, seq, size, stamp, &[]);
            let want = echo_request(v6, 0x1234, seq, &payload(size, stamp, &[]));
            assert_eq!(packet.bytes(), want, "{v6} {seq} {size}");
        }
    }

    #[test]
    fn an_ipv4_header_with_options_is_skipped() {
        let request = echo_request(false, 9, 3, &payload(8, 1, &[]));
        let mut packet = ipv4(1, [10, 0, 0, 1], [10, 0, 0, 2], 5, &reply_of(&request));
        // IHL 6: one 4-byte option word (NOPs) after the fixed header; fix the checksum.
        packet.splice(20..20, [1, 1, 1, 0]);
        packet[0] = 0x46;
        let total = packet.len() as u16;
        packet[2..4].copy_from_slice(&total.to_be_bytes());
        packet[10..12].copy_from_slice(&[0, 0]);
        let sum = Ipv4HeaderSlice::from_slice(&packet).unwrap().to_header().calc_header_checksum();
        packet[10..12].copy_from_slice(&sum.to_be_bytes());
        match parse_ipv4_packet(&packet).0 {
            Message::Reply { id: 9, seq: 3, ttl: Some(5), .. } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_ipv4_error_names_the_probe_it_quotes() {
        let request = echo_request(false, 77, 12, &payload(56, 3, &[]));
        let quoted = ipv4(1, [10, 0, 0, 2], [10, 9, 9, 9], 64, &request);
        let mut error = vec![3, 1, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&quoted[..28]);
        let packet = ipv4(1, [10, 0, 0, 1], [10, 0, 0, 2], 64, &error);
        let (message, from) = parse_ipv4_packet(&packet);
        assert_eq!(from, Some("10.0.0.1".parse().unwrap()));
        let Message::Error { error, to, id, seq } = message else { panic!("{message:?}") };
        assert_eq!((to, id, seq), ("10.9.9.9".parse().unwrap(), 77, 12));
        assert_eq!(error_text(error), "Destination Host Unreachable");
        // An error about a UDP packet is not ours.
        let udp = ipv4(17, [10, 0, 0, 2], [10, 9, 9, 9], 64, &[0; 8]);
        let mut other = vec![3, 3, 0, 0, 0, 0, 0, 0];
        other.extend_from_slice(&udp);
        assert_eq!(parse_icmp(false, &other), Message::Other);
    }

    #[test]
    fn ipv6_requests_leave_the_checksum_to_the_kernel_and_replies_parse() {
        let data = payload(56, 8, &[]);
        let request = echo_request(true, 5, 6, &data);
        assert_eq!((request[0], request[2], request[3]), (128, 0, 0));
        let mut reply = request.clone();
        reply[0] = 129;
        match parse_icmp(true, &reply) {
            Message::Reply { id: 5, seq: 6, payload, checksum_ok: true, ttl: None } => {
                assert_eq!(payload, &data[..])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_ipv6_error_names_the_probe_it_quotes() {
        let request = echo_request(true, 3, 4, &payload(16, 1, &[]));
        let inner = Ipv6Header {
            payload_length: request.len() as u16,
            next_header: IpNumber(58),
            hop_limit: 1,
            source: "fd00::2".parse::<Ipv6Addr>().unwrap().octets(),
            destination: "fd00::9".parse::<Ipv6Addr>().unwrap().octets(),
            ..Ipv6Header::default()
        };
        let mut error = vec![3, 0, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&inner.to_bytes());
        error.extend_from_slice(&request);
        let Message::Error { error, to, id, seq } = parse_icmp(true, &error) else { panic!() };
        assert_eq!((to, id, seq), ("fd00::9".parse().unwrap(), 3, 4));
        assert_eq!(error_text(error), "Time exceeded: Hop limit");
        let too_big = IcmpError { v6: true, icmp_type: 2, code: 0, info: 1280 };
        assert_eq!(error_text(too_big), "Packet too big: mtu=1280");
    }

    #[test]
    fn payload_checks_find_the_first_wrong_byte() {
        let sent = payload(16, 1, &[]);
        assert_eq!(check_payload(&sent, &sent), PayloadCheck::Same);
        assert_eq!(check_payload(&sent, &sent[..10]), PayloadCheck::Truncated);
        let mut got = sent.clone();
        got[12] = 0;
        assert_eq!(check_payload(&sent, &got), PayloadCheck::Wrong { offset: 12, expected: 12, got: 0 });
        for (size, stamp) in [(16, 1), (4, 9), (0, 3), (56, u64::MAX)] {
            let sent = payload(size, stamp, &[]);
            assert_eq!(check_payload_of(size, stamp, &[], &sent), PayloadCheck::Same);
            if size > 2 {
                let mut got = sent.clone();
                got[2] ^= 1;
                assert_eq!(check_payload_of(size, stamp, &[], &got), check_payload(&sent, &got));
                assert_eq!(check_payload_of(size, stamp, &[], &sent[..2]), PayloadCheck::Truncated);
            }
        }
    }

    #[test]
    fn garbage_is_other_never_a_panic() {
        for len in 0..40 {
            let junk = vec![0xa5u8; len];
            let _ = parse_ipv4_packet(&junk);
            let _ = parse_icmp(false, &junk);
            let _ = parse_icmp(true, &junk);
        }
        assert_eq!(quoted_echo(false, &[8, 0, 0, 0, 0, 1, 0, 2]), Some((1, 2)));
        assert_eq!(quoted_echo(true, &[8, 0, 0, 0, 0, 1, 0, 2]), None);
    }
}
