//! A small ICMP echo responder for tests: it runs on a thread inside a target namespace whose
//! kernel echo replies are turned off (`net.ipv4.icmp_echo_ignore_all=1`,
//! `net.ipv6.icmp.echo_ignore_all=1`) and answers echo requests itself, impaired as told:
//! delayed, late, duplicated, corrupted (right checksum, wrong bytes), with a bad checksum, or
//! preceded by a reply carrying a foreign identifier. netem does not exist on these kernels.

use std::collections::HashMap;
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::netns::Netns;

/// What the responder does to each echo request (by its sequence number).
#[derive(Clone, Debug, Default)]
pub struct Impairment {
    /// Every reply waits this long.
    pub delay: Duration,
    /// Extra wait for some sequence numbers (late replies).
    pub late: HashMap<u16, Duration>,
    /// These are answered twice.
    pub duplicate: Vec<u16>,
    /// These are answered with one payload byte changed (checksum recomputed).
    pub corrupt: Vec<u16>,
    /// These are answered with a checksum that does not match (IPv4 only: the kernel computes
    /// ICMPv6 checksums itself).
    pub bad_checksum: Vec<u16>,
    /// Before every real reply, send one with another identifier (another process's reply).
    pub foreign_id_first: bool,
    /// These are not answered at all.
    pub ignore: Vec<u16>,
}

/// The running responder; stops and joins on Drop.
pub struct Responder {
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

/// Byte of the payload the corruption flips (past the 8-byte stamp, inside a 56-byte payload).
pub const CORRUPT_OFFSET: usize = 12;

struct Pending {
    due: Instant,
    v6: bool,
    to: IpAddr,
    packet: Vec<u8>,
}

impl Responder {
    /// Starts answering inside `ns`; returns once its sockets are open (no sleeps).
    pub fn start(ns: &Netns, impairment: Impairment) -> Responder {
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicU64::new(0));
        let (ready_tx, ready_rx) = mpsc::channel();
        let name = ns.name.clone();
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            super::netns::enter(&name);
            let v4 = raw_socket(libc::AF_INET, libc::IPPROTO_ICMP);
            let v6 = raw_socket(libc::AF_INET6, libc::IPPROTO_ICMPV6);
            ready_tx.send(()).expect("ready");
            serve(&v4, &v6, &impairment, &stop2, &requests2);
        });
        ready_rx.recv_timeout(Duration::from_secs(10)).expect("responder did not start");
        Responder { stop, requests, thread: Some(thread) }
    }

    /// Echo requests seen so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn raw_socket(family: libc::c_int, protocol: libc::c_int) -> OwnedFd {
    // SAFETY: plain socket(2); the fd is owned at once.
    let fd =
        unsafe { libc::socket(family, libc::SOCK_RAW | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, protocol) };
    assert!(fd >= 0, "raw socket: {}", std::io::Error::last_os_error());
    // SAFETY: fd is a fresh descriptor nobody else owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn serve(v4: &OwnedFd, v6: &OwnedFd, how: &Impairment, stop: &AtomicBool, requests: &AtomicU64) {
    let mut pending: Vec<Pending> = Vec::new();
    let mut buf = vec![0u8; 65_536];
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        pending.sort_by_key(|p| p.due);
        while pending.first().is_some_and(|p| p.due <= now) {
            let p = pending.remove(0);
            send(if p.v6 { v6 } else { v4 }, p.to, &p.packet);
        }
        let wait =
            pending.first().map_or(Duration::from_millis(20), |p| p.due.saturating_duration_since(now));
        let mut fds = [
            libc::pollfd { fd: v4.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: v6.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        let timeout = wait.as_millis().min(20) as libc::c_int;
        // SAFETY: fds is a live array of two pollfd.
        unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout) };
        for (fd, v6) in [(v4, false), (v6, true)] {
            while let Some((from, len)) = recv(fd, &mut buf) {
                let Some((id, seq, payload)) = echo_request(v6, &buf[..len]) else { continue };
                requests.fetch_add(1, Ordering::SeqCst);
                if how.ignore.contains(&seq) {
                    continue;
                }
                let due = Instant::now() + how.delay + how.late.get(&seq).copied().unwrap_or_default();
                let mut body = payload.to_vec();
                if how.corrupt.contains(&seq) && body.len() > CORRUPT_OFFSET {
                    body[CORRUPT_OFFSET] ^= 0xff;
                }
                if how.foreign_id_first {
                    let packet = echo_reply(v6, id ^ 0x5a5a, seq, &body, false);
                    pending.push(Pending { due, v6, to: from, packet });
                }
                let bad = how.bad_checksum.contains(&seq) && !v6;
                let packet = echo_reply(v6, id, seq, &body, bad);
                if how.duplicate.contains(&seq) {
                    pending.push(Pending { due, v6, to: from, packet: packet.clone() });
                }
                pending.push(Pending { due, v6, to: from, packet });
            }
        }
    }
}

/// (id, seq, payload) of an echo request; IPv4 raw packets start with the IP header.
fn echo_request(v6: bool, packet: &[u8]) -> Option<(u16, u16, &[u8])> {
    let icmp = if v6 {
        packet
    } else {
        let ihl = usize::from(packet.first()? & 0x0f) * 4;
        packet.get(ihl..)?
    };
    let request = if v6 { 128 } else { 8 };
    if icmp.len() < 8 || icmp[0] != request {
        return None;
    }
    Some((u16::from_be_bytes([icmp[4], icmp[5]]), u16::from_be_bytes([icmp[6], icmp[7]]), &icmp[8..]))
}

fn echo_reply(v6: bool, id: u16, seq: u16, payload: &[u8], bad_checksum: bool) -> Vec<u8> {
    let mut packet = vec![if v6 { 129 } else { 0 }, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    if !v6 {
        let mut sum = checksum(&packet);
        if bad_checksum {
            sum ^= 0x0101;
        }
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

/// The Internet checksum (RFC 1071).
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 =
        bytes.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn recv(fd: &OwnedFd, buf: &mut [u8]) -> Option<(IpAddr, usize)> {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut from: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: buf and from are live and sized as passed.
    let n = unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT,
            (&mut from as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    };
    if n < 0 {
        return None;
    }
    let ip = match libc::c_int::from(from.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says it is a sockaddr_in.
            let sin = unsafe { *(&from as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes())
        }
        _ => {
            // SAFETY: the family says it is a sockaddr_in6.
            let sin6 = unsafe { *(&from as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            IpAddr::from(sin6.sin6_addr.s6_addr)
        }
    };
    Some((ip, n as usize))
}

fn send(fd: &OwnedFd, to: IpAddr, packet: &[u8]) {
    // SAFETY: all-zero is a valid sockaddr_storage; we fill the variant we send to.
    let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match to {
        IpAddr::V4(ip) => {
            let sin = (&mut addr as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>();
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in.
            unsafe {
                (*sin).sin_family = libc::AF_INET as libc::sa_family_t;
                (*sin).sin_addr.s_addr = u32::from_ne_bytes(ip.octets());
            }
            std::mem::size_of::<libc::sockaddr_in>()
        }
        IpAddr::V6(ip) => {
            let sin6 = (&mut addr as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>();
            // SAFETY: as above, for sockaddr_in6.
            unsafe {
                (*sin6).sin6_family = libc::AF_INET6 as libc::sa_family_t;
                (*sin6).sin6_addr.s6_addr = ip.octets();
            }
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    // SAFETY: packet and addr are live and sized as passed.
    unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            packet.as_ptr().cast(),
            packet.len(),
            0,
            (&addr as *const libc::sockaddr_storage).cast(),
            len as libc::socklen_t,
        );
    }
}
