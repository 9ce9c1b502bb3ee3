//! `sockkit echo serve|client` over real sockets on loopback.

mod common;

use std::time::Duration;

use common::{Server, sockkit};

#[test]
fn echo_client_gets_its_message_back_over_ipv4_and_ipv6() {
    for listen in ["127.0.0.1:0", "[::1]:0"] {
        let server = Server::spawn(&["echo", "serve", listen]);
        let out = sockkit().args(["echo", "client", &server.addr, "hello, sockets"]).assert().success();
        let out = out.get_output();
        assert_eq!(out.stdout, b"hello, sockets");
        let status = String::from_utf8_lossy(&out.stderr);
        assert!(status.contains("14 bytes echoed by") && status.contains("every byte verified"), "{status}");
    }
}

#[test]
fn bad_addresses_and_flags_exit_2_with_one_line() {
    for (args, expected) in [
        (vec!["echo", "client", "x:y"], "sockkit: invalid address 'x:y': port must be a number 0-65535\n"),
        (
            vec!["echo", "client", "1.2.3.4:70000"],
            "sockkit: invalid address '1.2.3.4:70000': port must be 0-65535\n",
        ),
        (
            vec!["echo", "serve", "--idle-timeout", "soon"],
            "sockkit: --idle-timeout 'soon': expected a duration such as 0.2, 500ms, 2s or 1m\n",
        ),
    ] {
        let out = sockkit().args(&args).assert().code(2);
        assert_eq!(String::from_utf8_lossy(&out.get_output().stderr), expected, "{args:?}");
    }
    let out = sockkit().args(["echo", "serve", "--frobnicate"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--frobnicate"), "{stderr}");
    let _ = Duration::ZERO;
}
