//! An impairment relay for UDP tests: it sits between a client and a server on 127.0.0.1 and,
//! on a seeded schedule, drops, duplicates, reorders (swaps with the next forwarded datagram)
//! and delays what the client sends. It logs exactly what it did, so a test can compare the
//! client's report with the truth. (These kernels have no netem qdisc.)
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What happens to each client datagram, by percentage (at most one per datagram), plus a
/// delay for every datagram forwarded.
#[derive(Clone, Copy, Debug, Default)]
pub struct Schedule {
    pub seed: u64,
    pub drop_percent: u64,
    pub duplicate_percent: u64,
    pub swap_percent: u64,
    pub delay: Duration,
}

/// What the relay did to the client's datagrams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RelayLog {
    pub received: u64,
    pub dropped: u64,
    pub duplicated: u64,
    /// Datagrams held back and forwarded after a later one.
    pub swapped: u64,
    pub replies: u64,
}

pub struct Relay {
    pub addr: SocketAddr,
    log: Arc<Mutex<RelayLog>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// How long a held datagram waits for a later one before it is forwarded in order.
const HOLD_LIMIT: Duration = Duration::from_millis(200);
/// Poll period of the relay threads, so delayed datagrams go out close to their time.
const TICK: Duration = Duration::from_millis(1);

impl Relay {
    pub fn start(upstream: SocketAddr, schedule: Schedule) -> Relay {
        let front = UdpSocket::bind("127.0.0.1:0").expect("bind relay front");
        let back = UdpSocket::bind("127.0.0.1:0").expect("bind relay back");
        back.connect(upstream).expect("connect relay back");
        front.set_read_timeout(Some(TICK)).unwrap();
        back.set_read_timeout(Some(TICK)).unwrap();
        let addr = front.local_addr().unwrap();
        let log = Arc::new(Mutex::new(RelayLog::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let client: Arc<Mutex<Option<SocketAddr>>> = Arc::default();

        let forward = {
            let (front, back) = (front.try_clone().unwrap(), back.try_clone().unwrap());
            let (log, stop, client) = (log.clone(), stop.clone(), client.clone());
            std::thread::spawn(move || forward_loop(&front, &back, schedule, &log, &stop, &client))
        };
        let replies = {
            let (log, stop) = (log.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                while !stop.load(Ordering::Relaxed) {
                    match back.recv(&mut buf) {
                        Ok(n) => {
                            if let Some(to) = *client.lock().unwrap() {
                                let _ = front.send_to(&buf[..n], to);
                                log.lock().unwrap().replies += 1;
                            }
                        }
                        Err(e) if is_timeout(&e) => {}
                        Err(_) => {}
                    }
                }
            })
        };
        Relay { addr, log, stop, threads: vec![forward, replies] }
    }

    pub fn log(&self) -> RelayLog {
        *self.log.lock().unwrap()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted)
}

fn forward_loop(
    front: &UdpSocket,
    back: &UdpSocket,
    schedule: Schedule,
    log: &Mutex<RelayLog>,
    stop: &AtomicBool,
    client: &Mutex<Option<SocketAddr>>,
) {
    let mut rng = schedule.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut roll = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % 100
    };
    let mut delayed: VecDeque<(Instant, Vec<u8>)> = VecDeque::new();
    let mut held: Option<(Instant, Vec<u8>)> = None;
    let mut buf = vec![0u8; 65536];
    let send = |delayed: &mut VecDeque<(Instant, Vec<u8>)>, bytes: Vec<u8>| {
        if schedule.delay.is_zero() {
            let _ = back.send(&bytes);
        } else {
            delayed.push_back((Instant::now() + schedule.delay, bytes));
        }
    };
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        while delayed.front().is_some_and(|(at, _)| *at <= now) {
            let (_, bytes) = delayed.pop_front().unwrap();
            let _ = back.send(&bytes);
        }
        if held.as_ref().is_some_and(|(since, _)| now.duration_since(*since) > HOLD_LIMIT) {
            let (_, bytes) = held.take().unwrap();
            send(&mut delayed, bytes);
        }
        let (n, from) = match front.recv_from(&mut buf) {
            Ok(got) => got,
            Err(_) => continue,
        };
        *client.lock().unwrap() = Some(from);
        let bytes = buf[..n].to_vec();
        let mut log = log.lock().unwrap();
        log.received += 1;
        let r = roll();
        let (d, u, s) = (schedule.drop_percent, schedule.duplicate_percent, schedule.swap_percent);
        if r < d {
            log.dropped += 1;
            continue;
        }
        if r < d + s && held.is_none() {
            held = Some((Instant::now(), bytes));
            continue;
        }
        send(&mut delayed, bytes.clone());
        if r >= d + s && r < d + s + u {
            log.duplicated += 1;
            send(&mut delayed, bytes);
        }
        if let Some((_, earlier)) = held.take() {
            log.swapped += 1;
            send(&mut delayed, earlier);
        }
    }
}
