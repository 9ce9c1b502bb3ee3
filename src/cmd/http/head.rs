//! Pure HTTP/1.1 response head parsing (RFC 9112 sections 2-6): where the head ends, the
//! status line, header fields, and how the body that follows is framed.
//!
//! Strict where leniency lets a response be read two ways (obs-fold, whitespace before the
//! colon, conflicting Content-Length), tolerant where real servers differ harmlessly (case of
//! names, bare LF line ends, an empty reason phrase).
//! Depends only on std and `body`, so the fuzz crate can include it.

use super::body::{Framing, parse_field_line, quote, strip_cr};

/// A head that has not ended after this many bytes is refused (curl allows 100 KiB, nginx's
/// default buffers 8 KiB to 32 KiB): it bounds memory against a server that never stops.
pub const HEAD_LIMIT: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

/// Where the head in `buf` ends (the index just past its empty line), if it has. `from` is
/// where to resume looking after a previous call that found nothing, so a slow drip does
/// not rescan.
pub fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(2);
    let mut at = start;
    while let Some(lf) = buf[at..].iter().position(|&b| b == b'\n') {
        let lf = at + lf;
        // The line that ends here is empty (LF alone or CRLF) and follows another line end.
        let empty =
            (lf >= 1 && buf[lf - 1] == b'\n') || (lf >= 2 && buf[lf - 1] == b'\r' && buf[lf - 2] == b'\n');
        if empty {
            return Some(lf + 1);
        }
        at = lf + 1;
    }
    None
}

/// Checks the first bytes as soon as they come, so a server that speaks something else is
/// named at once rather than after the head limit.
pub fn check_start(buf: &[u8]) -> Result<(), String> {
    let n = buf.len().min(5);
    if buf[..n] != b"HTTP/"[..n] {
        let line = buf.split(|&b| b == b'\n').next().unwrap_or(buf);
        return Err(format!("response does not start with 'HTTP/' (got {})", quote(strip_cr(line))));
    }
    Ok(())
}

/// Parses a complete head (as delimited by `head_end`).
pub fn parse_head(bytes: &[u8]) -> Result<Head, String> {
    let mut lines = bytes.split(|&b| b == b'\n').map(strip_cr);
    let status_line = lines.next().unwrap_or_default();
    let (minor, status, reason) = parse_status_line(status_line)
        .map_err(|why| format!("bad status line {}: {why}", quote(status_line)))?;
    let mut headers = Vec::new();
    for (index, line) in lines.enumerate() {
        if line.is_empty() {
            break;
        }
        let field = parse_field_line(line)
            .map_err(|why| format!("bad header line {} {}: {why}", index + 2, quote(line)))?;
        headers.push(field);
    }
    Ok(Head { minor, status, reason, headers })
}

fn parse_status_line(line: &[u8]) -> Result<(u8, u16, String), String> {
    let rest = line.strip_prefix(b"HTTP/").ok_or("expected 'HTTP/1.x CODE REASON'")?;
    let minor = match rest {
        [b'1', b'.', minor @ b'0'..=b'9', ..] => minor - b'0',
        [major @ b'0'..=b'9', ..] => return Err(format!("HTTP major version {} is not 1", *major as char)),
        _ => return Err("expected 'HTTP/1.x CODE REASON'".into()),
    };
    let rest = &rest[3..];
    let rest = rest.strip_prefix(b" ").ok_or("expected a space after the version")?;
    let code =
        rest.get(..3).filter(|c| c.iter().all(u8::is_ascii_digit)).ok_or("expected a 3-digit status")?;
    let status = code.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    if !(100..=599).contains(&status) {
        return Err(format!("status {status} is outside 100-599"));
    }
    let reason = match &rest[3..] {
        [] => &[][..],
        [b' ', reason @ ..] => reason,
        _ => return Err("expected a space after the status".into()),
    };
    if reason.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err("control character in reason phrase".into());
    }
    Ok((minor, status, String::from_utf8_lossy(reason).into_owned()))
}

/// How a response's body is framed, and whether the connection must close after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyPlan {
    pub framing: Framing,
    /// The connection cannot carry another request after this response.
    pub close_after: bool,
}

impl Head {
    /// Every value of the header `name` (any case), split at commas.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|item| item.trim().to_ascii_lowercase())
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// The first value of the header `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }

    pub fn version(&self) -> String {
        format!("HTTP/1.{}", self.minor)
    }

    /// RFC 9112 section 6.3, in its order: no body for HEAD, 1xx, 204 and 304; then
    /// Transfer-Encoding (chunked if it is the final coding, else read until close), which
    /// overrides Content-Length (and then the connection closes after, as the RFC requires of
    /// a message that may be an attempt at smuggling); then Content-Length, whose repeated
    /// values must agree; else until close.
    pub fn body_plan(&self, head_request: bool) -> Result<BodyPlan, String> {
        let connection = self.list("connection");
        let persistent = if self.minor >= 1 {
            !connection.iter().any(|c| c == "close")
        } else {
            connection.iter().any(|c| c == "keep-alive")
        };
        let plan = |framing, persistent: bool| BodyPlan { framing, close_after: !persistent };
        if head_request || (100..200).contains(&self.status) || self.status == 204 || self.status == 304 {
            return Ok(plan(Framing::Empty, persistent));
        }
        let codings = self.list("transfer-encoding");
        let lengths: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .collect();
        if !codings.is_empty() {
            let conflicted = !lengths.is_empty() || self.minor == 0;
            return Ok(match codings.last().map(String::as_str) {
                Some("chunked") => plan(Framing::Chunked, persistent && !conflicted),
                _ => plan(Framing::Close, false),
            });
        }
        let Some(first) = lengths.first() else {
            return Ok(plan(Framing::Close, false));
        };
        let parse = |text: &str| -> Result<u64, String> {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("Content-Length '{text}' is not a number"));
            }
            text.parse::<u64>().map_err(|_| format!("Content-Length '{text}' is too large"))
        };
        let length = parse(first)?;
        for other in &lengths[1..] {
            if parse(other)? != length {
                return Err(format!("conflicting Content-Length values: {}", lengths.join(", ")));
            }
        }
        Ok(plan(Framing::Length(length), persistent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        let bytes = text.as_bytes();
        let end = head_end(bytes, 0).expect("head ends");
        parse_head(&bytes[..end]).unwrap()
    }

    #[test]
    fn the_head_end_is_found_one_byte_at_a_time_with_crlf_or_lf() {
        for text in [&b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"[..], b"HTTP/1.1 200 OK\nA: b\n\nbody"] {
            let expected = text.len() - 4;
            let mut found = None;
            for len in 1..=text.len() {
                found = head_end(&text[..len], len - 1);
                if found.is_some() {
                    break;
                }
            }
            assert_eq!(found, Some(expected));
            assert_eq!(head_end(text, 0), Some(expected));
        }
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n", 0), None);
    }

    #[test]
    fn status_lines_parse_and_bad_ones_are_named() {
        let h = head("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assert_eq!((h.minor, h.status, h.reason.as_str()), (1, 404, "Not Found"));
        assert_eq!(head("HTTP/1.0 200\r\n\r\n").reason, "");
        for (line, why) in [
            ("HTTP/2 200 OK", "HTTP major version 2 is not 1"),
            ("HTTP/1.1 20 OK", "expected a 3-digit status"),
            ("HTTP/1.1 999 Nope", "status 999 is outside 100-599"),
            ("HTTP/1.1  200 OK", "expected a 3-digit status"),
            ("HTTP/1.1 2000", "expected a space after the status"),
            ("ICY 200 OK", "expected 'HTTP/1.x CODE REASON'"),
        ] {
            let err = parse_head(format!("{line}\r\n\r\n").as_bytes()).unwrap_err();
            assert_eq!(err, format!("bad status line '{line}': {why}"));
        }
    }

    #[test]
    fn obs_fold_and_bad_header_lines_are_refused() {
        let err = parse_head(b"HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\n\r\n").unwrap_err();
        assert!(err.starts_with("bad header line 3 '  b': obsolete line folding"), "{err}");
        let err = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n").unwrap_err();
        assert!(err.contains("whitespace between header name and colon"), "{err}");
    }

    #[test]
    fn check_start_names_a_server_that_speaks_something_else() {
        assert!(check_start(b"HT").is_ok());
        assert!(check_start(b"HTTP/1.1 2").is_ok());
        let err = check_start(b"SSH-2.0-OpenSSH\r\n").unwrap_err();
        assert_eq!(err, "response does not start with 'HTTP/' (got 'SSH-2.0-OpenSSH')");
    }

    #[test]
    fn framing_follows_rfc_9112_section_6_3() {
        let plan = |text: &str, head_request| head(text).body_plan(head_request);
        let ok = |text: &str| plan(text, false).unwrap();
        assert_eq!(ok("HTTP/1.1 200 OK\r\ncontent-LENGTH: 12\r\n\r\n").framing, Framing::Length(12));
        assert!(!ok("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n").close_after);
        assert_eq!(
            ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").framing,
            Framing::Chunked
        );
        assert_eq!(ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").framing, Framing::Close);
        assert_eq!(ok("HTTP/1.1 200 OK\r\n\r\n"), BodyPlan { framing: Framing::Close, close_after: true });
        for status in ["204 No Content", "304 Not Modified", "100 Continue"] {
            let text = format!("HTTP/1.1 {status}\r\nContent-Length: 5\r\n\r\n");
            assert_eq!(ok(&text).framing, Framing::Empty);
        }
        assert_eq!(
            plan("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).unwrap().framing,
            Framing::Empty
        );
        // Chunked wins over Content-Length, and the connection is not reused after.
        let both = ok("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert_eq!(both, BodyPlan { framing: Framing::Chunked, close_after: true });
        assert_eq!(
            ok("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n").framing,
            Framing::Length(5)
        );
        let err =
            plan("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", false).unwrap_err();
        assert_eq!(err, "conflicting Content-Length values: 5, 6");
        assert!(
            plan("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false)
                .unwrap_err()
                .contains("not a number")
        );
        assert!(plan("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", false).is_err());
        // Persistence: 1.1 unless close, 1.0 only with keep-alive.
        assert!(ok("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n").close_after);
        assert!(ok("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").close_after);
        assert!(!ok("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").close_after);
    }
}
