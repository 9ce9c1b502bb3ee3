//! Exit codes (CLI.md "Exit codes") and the error type that carries one.
//!
//! Every error is an `anyhow::Error`. Where the code is not the default (3, network or system
//! error), the error chain holds a [`Failure`] that says which code it is; `classify` finds it.

use std::fmt;

/// The exit codes of CLI.md, one enum with one conversion to the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Success,
    /// 1: the check came out negative (no reply, bytes differ, HTTP status with --fail).
    Negative,
    /// 2: usage error or bad input.
    Usage,
    /// 3: network or system error.
    System,
    /// 4: the peer broke the protocol.
    Protocol,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Negative => 1,
            Exit::Usage => 2,
            Exit::System => 3,
            Exit::Protocol => 4,
        }
    }
}

/// An error that knows its exit code. Its message is the whole line after `sockkit: `.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Bad input from the user: exit 2.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Failure { exit: Exit::Usage, message: message.into() }.into()
}

/// The peer broke the protocol: exit 4.
#[allow(dead_code)] // the HTTP client is its first user
pub fn protocol(message: impl Into<String>) -> anyhow::Error {
    Failure { exit: Exit::Protocol, message: message.into() }.into()
}

/// A negative result worth an error line (bytes differ): exit 1.
pub fn negative(message: impl Into<String>) -> anyhow::Error {
    Failure { exit: Exit::Negative, message: message.into() }.into()
}

/// A network or system failure with no OS error behind it (timeouts, early close): exit 3.
pub fn system(message: impl Into<String>) -> anyhow::Error {
    Failure { exit: Exit::System, message: message.into() }.into()
}

/// The exit code an error maps to: the innermost `Failure` decides, anything else is 3.
pub fn classify(err: &anyhow::Error) -> Exit {
    err.chain().find_map(|cause| cause.downcast_ref::<Failure>()).map_or(Exit::System, |f| f.exit)
}

/// True when the error is EPIPE on our own stdout (`sockkit ... | head`), which ends quietly.
pub fn is_stdout_closed(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.downcast_ref::<crate::output::StdoutClosed>().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn classify_finds_the_failure_under_context() {
        let err = Err::<(), _>(usage("bad")).context("parsing --count").unwrap_err();
        assert_eq!(classify(&err), Exit::Usage);
        let io = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(classify(&io), Exit::System);
        assert_eq!(classify(&protocol("short body")), Exit::Protocol);
        assert_eq!(Exit::Protocol.code(), 4);
    }
}
