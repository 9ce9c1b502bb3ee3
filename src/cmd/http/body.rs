//! Pure HTTP/1.1 body framing (RFC 9112 sections 6 and 7.1): a decoder that is fed whatever
//! bytes the socket gave, in any pieces, and hands back the body bytes among them without
//! copying, so a body of any size streams through a fixed buffer.
//!
//! Depends on nothing but std, so the fuzz crate (fuzz/) can include this file as it is.

use std::fmt;

/// How the end of a response body is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body: HEAD, 1xx, 204, 304.
    Empty,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// Chunked transfer coding, with extensions and trailers.
    Chunked,
    /// Everything until the server closes the connection.
    Close,
}

impl Framing {
    /// The name used in output and JSON (`"framing":"chunked"`).
    pub fn name(self) -> &'static str {
        match self {
            Framing::Empty => "none",
            Framing::Length(_) => "content-length",
            Framing::Chunked => "chunked",
            Framing::Close => "close",
        }
    }
}

/// A chunk-size line longer than this (size and extensions) is refused: a real server's are
/// a few bytes, and an endless one must not grow memory.
pub const CHUNK_LINE_LIMIT: usize = 4096;
/// The trailer section is refused past this many bytes, like an oversized head.
pub const TRAILER_LIMIT: usize = 64 * 1024;

/// What was wrong with a body, in words that go after the URL in the error line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyError(pub String);

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BodyError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// Bytes of a Content-Length body still to come.
    Length {
        left: u64,
    },
    /// Collecting a chunk-size line (size, extensions) in `line` until its LF.
    ChunkSize,
    /// Bytes of the current chunk still to come.
    ChunkData {
        left: u64,
    },
    /// The CRLF after a chunk's data; `seen_cr` once its CR came.
    ChunkEnd {
        seen_cr: bool,
    },
    /// Collecting trailer lines in `line`; an empty line ends the body.
    Trailers,
    /// Until the server closes.
    Close,
    Done,
}

pub struct BodyDecoder {
    framing: Framing,
    state: State,
    /// Body bytes handed out so far (after chunked decoding).
    body_bytes: u64,
    /// Chunks seen so far (chunked only), for error messages.
    chunks: u64,
    /// The chunk-size or trailer line being collected.
    line: Vec<u8>,
    trailer_bytes: usize,
    pub trailers: Vec<(String, String)>,
}

impl BodyDecoder {
    pub fn new(framing: Framing) -> BodyDecoder {
        let state = match framing {
            Framing::Empty | Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length { left: n },
            Framing::Chunked => State::ChunkSize,
            Framing::Close => State::Close,
        };
        BodyDecoder {
            framing,
            state,
            body_bytes: 0,
            chunks: 0,
            line: Vec::new(),
            trailer_bytes: 0,
            trailers: Vec::new(),
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// True once the body's end has been seen (never for close-delimited bodies: the close is
    /// the end, see `finish`).
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Body bytes handed out so far.
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes
    }

    /// Consumes a prefix of `input` and returns how many bytes it took and the body bytes
    /// among them (a slice of `input`, possibly empty). Call again with the rest of `input`
    /// until all of it is taken or `is_done()`; bytes after the end are not taken.
    pub fn feed<'a>(&mut self, input: &'a [u8]) -> Result<(usize, &'a [u8]), BodyError> {
        let mut at = 0;
        while at < input.len() {
            match &mut self.state {
                State::Done => break,
                State::Close => {
                    self.body_bytes += (input.len() - at) as u64;
                    return Ok((input.len(), &input[at..]));
                }
                State::Length { left } => {
                    let take = take_up_to(*left, input.len() - at);
                    *left -= take as u64;
                    if *left == 0 {
                        self.state = State::Done;
                    }
                    self.body_bytes += take as u64;
                    return Ok((at + take, &input[at..at + take]));
                }
                State::ChunkData { left } => {
                    let take = take_up_to(*left, input.len() - at);
                    *left -= take as u64;
                    if *left == 0 {
                        self.state = State::ChunkEnd { seen_cr: false };
                    }
                    self.body_bytes += take as u64;
                    return Ok((at + take, &input[at..at + take]));
                }
                State::ChunkEnd { seen_cr } => {
                    match (input[at], *seen_cr) {
                        (b'\r', false) => *seen_cr = true,
                        // A bare LF is accepted as a line end, as RFC 9112 section 2.2 allows.
                        (b'\n', _) => self.state = State::ChunkSize,
                        (byte, _) => {
                            return Err(BodyError(format!(
                                "chunk {} is longer than its size line said (expected CRLF after \
                                 its data, got {})",
                                self.chunks,
                                show_byte(byte)
                            )));
                        }
                    }
                    at += 1;
                }
                State::ChunkSize => {
                    let Some(lf) = input[at..].iter().position(|&b| b == b'\n') else {
                        self.collect_line(&input[at..], CHUNK_LINE_LIMIT, "chunk size line")?;
                        return Ok((input.len(), &[]));
                    };
                    self.collect_line(&input[at..at + lf], CHUNK_LINE_LIMIT, "chunk size line")?;
                    at += lf + 1;
                    let size = parse_chunk_line(strip_cr(&self.line)).map_err(|why| {
                        BodyError(format!(
                            "bad chunk size line {} for chunk {}: {why}",
                            quote(strip_cr(&self.line)),
                            self.chunks + 1
                        ))
                    })?;
                    self.line.clear();
                    self.chunks += 1;
                    self.state = if size == 0 { State::Trailers } else { State::ChunkData { left: size } };
                }
                State::Trailers => {
                    let Some(lf) = input[at..].iter().position(|&b| b == b'\n') else {
                        self.collect_trailer(&input[at..])?;
                        return Ok((input.len(), &[]));
                    };
                    self.collect_trailer(&input[at..at + lf])?;
                    at += lf + 1;
                    let line = std::mem::take(&mut self.line);
                    let line = strip_cr(&line);
                    if line.is_empty() {
                        self.state = State::Done;
                    } else {
                        let (name, value) = parse_field_line(line)
                            .map_err(|why| BodyError(format!("bad trailer line {}: {why}", quote(line))))?;
                        self.trailers.push((name, value));
                    }
                }
            }
        }
        Ok((at, &[]))
    }

    /// The connection closed: fine for a close-delimited body or one already complete; for
    /// any other, says how far it got.
    pub fn finish(&self) -> Result<(), BodyError> {
        match &self.state {
            State::Done | State::Close => Ok(()),
            State::Length { left } => Err(BodyError(format!(
                "body ended after {} of {} bytes (Content-Length), {left} missing",
                self.body_bytes,
                self.body_bytes + left
            ))),
            State::ChunkData { left } => Err(BodyError(format!(
                "chunked body ended inside chunk {} with {left} of its bytes missing ({} body bytes \
                 decoded)",
                self.chunks, self.body_bytes
            ))),
            State::ChunkEnd { .. } | State::ChunkSize => Err(BodyError(format!(
                "chunked body ended before its last chunk ({} chunks, {} body bytes decoded)",
                self.chunks, self.body_bytes
            ))),
            State::Trailers => Err(BodyError(format!(
                "chunked body ended inside its trailers ({} body bytes decoded)",
                self.body_bytes
            ))),
        }
    }

    fn collect_line(&mut self, bytes: &[u8], limit: usize, what: &str) -> Result<(), BodyError> {
        if self.line.len() + bytes.len() > limit {
            return Err(BodyError(format!(
                "{what} for chunk {} is longer than {limit} bytes",
                self.chunks + 1
            )));
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn collect_trailer(&mut self, bytes: &[u8]) -> Result<(), BodyError> {
        self.trailer_bytes += bytes.len() + 1;
        if self.trailer_bytes > TRAILER_LIMIT {
            return Err(BodyError(format!("trailer section is longer than {TRAILER_LIMIT} bytes")));
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }
}

fn take_up_to(left: u64, available: usize) -> usize {
    usize::try_from(left).map_or(available, |left| left.min(available))
}

/// `1a3f`, `1A3F;name=value;flag`, `10 ; ext` (whitespace before `;` is tolerated, RFC 9112
/// section 7.1.1 calls it BWS). Returns the chunk size.
fn parse_chunk_line(line: &[u8]) -> Result<u64, String> {
    let (size, extensions) = match line.iter().position(|&b| b == b';') {
        Some(semi) => (&line[..semi], Some(&line[semi + 1..])),
        None => (line, None),
    };
    let size = trim_end_ws(size);
    if size.is_empty() {
        return Err("expected a hexadecimal size".into());
    }
    if size.len() > 16 {
        return Err("size does not fit in 64 bits".into());
    }
    let mut value: u64 = 0;
    for &b in size {
        let digit = (b as char).to_digit(16).ok_or("expected a hexadecimal size")?;
        value = (value << 4) | u64::from(digit);
    }
    if let Some(ext) = extensions
        && ext.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Err("control character in chunk extension".into());
    }
    Ok(value)
}

/// `Name: value` with RFC 9110 token names and no whitespace before the colon. Shared with the
/// head parser.
pub fn parse_field_line(line: &[u8]) -> Result<(String, String), String> {
    if line[0] == b' ' || line[0] == b'\t' {
        return Err("obsolete line folding (a line starting with whitespace continues no header \
                    in HTTP/1.1; RFC 9112 section 5.2)"
            .into());
    }
    let colon = line.iter().position(|&b| b == b':').ok_or("expected 'Name: value'")?;
    let name = &line[..colon];
    if name.is_empty() {
        return Err("empty header name".into());
    }
    if let Some(&bad) = name.iter().find(|&&b| !is_tchar(b)) {
        return Err(if bad == b' ' || bad == b'\t' {
            "whitespace between header name and colon".into()
        } else {
            format!("{} in header name", show_byte(bad))
        });
    }
    let value = trim_ws(&line[colon + 1..]);
    if let Some(&bad) = value.iter().find(|&&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(format!("{} in header value", show_byte(bad)));
    }
    Ok((String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(value).into_owned()))
}

/// RFC 9110 section 5.6.2 token characters.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_end_ws(mut bytes: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

fn trim_ws(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    trim_end_ws(bytes)
}

/// A byte for an error line: `'x'` or `0x0d`.
pub fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() { format!("'{}'", b as char) } else { format!("0x{b:02x}") }
}

/// Peer bytes for an error line: quoted, escaped, at most 60 characters.
pub fn quote(bytes: &[u8]) -> String {
    let cut = bytes.len() > 60;
    let text: String = bytes[..bytes.len().min(60)].escape_ascii().to_string();
    format!("'{text}{}'", if cut { "..." } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `wire` fed in pieces of `step` bytes: (body, bytes taken, done).
    fn decode(framing: Framing, wire: &[u8], step: usize) -> Result<(Vec<u8>, usize, bool), BodyError> {
        let mut decoder = BodyDecoder::new(framing);
        let mut body = Vec::new();
        let mut taken = 0;
        'pieces: for piece in wire.chunks(step) {
            let mut rest = piece;
            while !rest.is_empty() {
                let (n, data) = decoder.feed(rest)?;
                body.extend_from_slice(data);
                taken += n;
                rest = &rest[n..];
                if decoder.is_done() {
                    break 'pieces;
                }
                assert!(n > 0, "no progress");
            }
        }
        Ok((body, taken, decoder.is_done()))
    }

    /// The same result whether the bytes come all at once or one at a time.
    fn both_ways(framing: Framing, wire: &[u8]) -> Result<(Vec<u8>, usize, bool), BodyError> {
        let whole = decode(framing, wire, wire.len().max(1));
        let bytewise = decode(framing, wire, 1);
        assert_eq!(whole, bytewise, "{:?}", String::from_utf8_lossy(wire));
        whole
    }

    #[test]
    fn content_length_takes_exactly_its_bytes_one_at_a_time() {
        let (body, taken, done) = both_ways(Framing::Length(5), b"helloHTTP/1.1 200").unwrap();
        assert_eq!((body.as_slice(), taken, done), (&b"hello"[..], 5, true));
        assert!(BodyDecoder::new(Framing::Length(0)).is_done());
        assert!(BodyDecoder::new(Framing::Empty).is_done());
    }

    #[test]
    fn a_short_content_length_body_says_how_much_came() {
        let mut decoder = BodyDecoder::new(Framing::Length(10));
        decoder.feed(b"abc").unwrap();
        assert_eq!(
            decoder.finish().unwrap_err().0,
            "body ended after 3 of 10 bytes (Content-Length), 7 missing"
        );
    }

    #[test]
    fn chunked_bodies_decode_with_extensions_trailers_and_either_case_hex() {
        let wire =
            b"4;name=value\r\nWiki\r\n5 ; flag\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\na\r\n0123456789\r\n\
                     0\r\nExpires: never\r\nX-Sum:  abc \r\n\r\nNEXT";
        let (body, taken, done) = both_ways(Framing::Chunked, wire).unwrap();
        assert_eq!(body, b"Wikipedia in\r\n\r\nchunks.0123456789");
        assert_eq!(taken, wire.len() - 4);
        assert!(done);
        let mut decoder = BodyDecoder::new(Framing::Chunked);
        let mut rest: &[u8] = b"0\r\nExpires: never\r\nX-Sum:  abc \r\n\r\n";
        while !rest.is_empty() {
            let (n, _) = decoder.feed(rest).unwrap();
            rest = &rest[n..];
        }
        assert!(decoder.is_done());
        assert_eq!(
            decoder.trailers,
            vec![("Expires".to_string(), "never".to_string()), ("X-Sum".to_string(), "abc".to_string())]
        );
    }

    #[test]
    fn chunked_accepts_bare_lf_line_ends() {
        let (body, _, done) = both_ways(Framing::Chunked, b"3\nabc\n0\n\n").unwrap();
        assert_eq!((body.as_slice(), done), (&b"abc"[..], true));
    }

    #[test]
    fn bad_chunk_sizes_are_named() {
        for (wire, expected) in [
            (&b"zz\r\n"[..], "bad chunk size line 'zz' for chunk 1: expected a hexadecimal size"),
            (b"\r\n", "bad chunk size line '' for chunk 1: expected a hexadecimal size"),
            (b"0x10\r\n", "bad chunk size line '0x10' for chunk 1: expected a hexadecimal size"),
            (b"-1\r\n", "bad chunk size line '-1' for chunk 1: expected a hexadecimal size"),
            (
                b"11111111111111111\r\n",
                "bad chunk size line '11111111111111111' for chunk 1: size does not fit in 64 bits",
            ),
            (
                b"3\r\nabcX",
                "chunk 1 is longer than its size line said (expected CRLF after its data, got 'X')",
            ),
            (
                b"1;a\x01\r\n",
                "bad chunk size line '1;a\\x01' for chunk 1: control character in chunk extension",
            ),
        ] {
            let err = both_ways(Framing::Chunked, wire).unwrap_err();
            assert_eq!(err.0, expected, "{wire:?}");
        }
    }

    #[test]
    fn endless_chunk_lines_and_trailers_are_cut_off() {
        let long = vec![b'1'; CHUNK_LINE_LIMIT + 1];
        assert!(both_ways(Framing::Chunked, &long).unwrap_err().0.contains("longer than 4096 bytes"));
        let mut wire = b"0\r\n".to_vec();
        wire.extend(std::iter::repeat_n(b"X-A: b\r\n".as_slice(), TRAILER_LIMIT / 8 + 1).flatten());
        assert!(both_ways(Framing::Chunked, &wire).unwrap_err().0.contains("trailer section"));
        let err = both_ways(Framing::Chunked, b"0\r\n folded\r\n\r\n").unwrap_err();
        assert!(err.0.contains("obsolete line folding"), "{err}");
    }

    #[test]
    fn a_chunked_body_cut_short_says_where() {
        for (wire, expected) in [
            (
                &b"5\r\nab"[..],
                "chunked body ended inside chunk 1 with 3 of its bytes missing (2 body bytes decoded)",
            ),
            (b"2\r\nab\r\n", "chunked body ended before its last chunk (1 chunks, 2 body bytes decoded)"),
            (b"2\r\nab\r\n0\r\nX: y\r\n", "chunked body ended inside its trailers (2 body bytes decoded)"),
        ] {
            let mut decoder = BodyDecoder::new(Framing::Chunked);
            let mut rest = wire;
            while !rest.is_empty() {
                let (n, _) = decoder.feed(rest).unwrap();
                rest = &rest[n..];
            }
            assert_eq!(decoder.finish().unwrap_err().0, expected);
        }
    }

    #[test]
    fn close_delimited_bodies_take_everything_and_end_at_close() {
        let (body, taken, done) = both_ways(Framing::Close, b"all of it").unwrap();
        assert_eq!((body.as_slice(), taken, done), (&b"all of it"[..], 9, false));
        assert!(BodyDecoder::new(Framing::Close).finish().is_ok());
    }

    #[test]
    fn header_lines_are_parsed_strictly() {
        assert_eq!(parse_field_line(b"Content-Type:text/html ").unwrap().1, "text/html");
        assert!(parse_field_line(b"Bad Name: x").unwrap_err().contains("whitespace"));
        assert!(parse_field_line(b"Name : x").unwrap_err().contains("whitespace between"));
        assert!(parse_field_line(b"NoColon").unwrap_err().contains("expected 'Name: value'"));
        assert!(parse_field_line(b": x").unwrap_err().contains("empty header name"));
        assert!(parse_field_line(b"A: b\x00c").unwrap_err().contains("0x00"));
        assert_eq!(parse_field_line(b"A: caf\xc3\xa9").unwrap().1, "caf\u{e9}");
    }
}
