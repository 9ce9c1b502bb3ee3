//! The HTTP tests' own server as a program, for bench/http.sh: `http_testd [ADDR]` prints
//! `listening on ADDR` and serves until killed. Paths are listed in tests/support/http_server.rs.
#![allow(clippy::print_stdout)]

#[path = "../tests/support/http_server.rs"]
mod http_server;

use std::io::Write;

fn main() {
    let bind = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    let server = http_server::spawn(&bind);
    println!("listening on {}", server.addr);
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
