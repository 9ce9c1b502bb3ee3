//! Fuzzes the response parser the way the client drives it: the wire bytes arrive in pieces
//! (the first input byte picks their size, and whether the request was HEAD); the head is found,
//! parsed and its framing planned, then the body is decoded. Besides not panicking, the result
//! must not depend on how the bytes were cut: the same wire fed all at once gives the same body,
//! the same trailers and the same error.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The pure parsers, included as they are in src/ (they depend only on std; head.rs's
// `super::body` is this crate's `body`).
#[path = "../../src/cmd/http/body.rs"]
#[allow(dead_code)]
mod body;
#[path = "../../src/cmd/http/head.rs"]
#[allow(dead_code)]
mod head;

use body::BodyDecoder;

#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    heads: Vec<(u16, String)>,
    body: Vec<u8>,
    trailers: Vec<(String, String)>,
    result: Result<bool, String>,
}

/// Reads one response from `wire` delivered `step` bytes at a time, as http.rs does.
fn read_response(wire: &[u8], step: usize, head_request: bool) -> Outcome {
    let mut outcome =
        Outcome { heads: Vec::new(), body: Vec::new(), trailers: Vec::new(), result: Ok(false) };
    let mut buf = Vec::new();
    let mut scanned = 0;
    let mut pieces = wire.chunks(step);
    // check_start runs on every new head's first bytes, before looking for its end, so
    // whether a response is "not HTTP" does not depend on where the reads were cut.
    let (parsed, end) = loop {
        if !buf.is_empty() && head::check_start(&buf).is_err() {
            outcome.result = Err("not HTTP".into());
            return outcome;
        }
        if let Some(end) = head::head_end(&buf, scanned) {
            assert!(end <= buf.len());
            if end > head::HEAD_LIMIT {
                outcome.result = Err("head too long".into());
                return outcome;
            }
            match head::parse_head(&buf[..end]) {
                Err(why) => {
                    outcome.result = Err(why);
                    return outcome;
                }
                Ok(parsed) if parsed.is_interim() => {
                    outcome.heads.push((parsed.status, parsed.reason));
                    buf.drain(..end);
                    scanned = 0;
                    continue;
                }
                Ok(parsed) => break (parsed, end),
            }
        }
        scanned = buf.len();
        if buf.len() > head::HEAD_LIMIT {
            outcome.result = Err("head too long".into());
            return outcome;
        }
        let Some(piece) = pieces.next() else {
            outcome.result = Err("closed in head".into());
            return outcome;
        };
        buf.extend_from_slice(piece);
    };
    outcome.heads.push((parsed.status, parsed.reason.clone()));
    let plan = match parsed.body_plan(head_request) {
        Ok(plan) => plan,
        Err(why) => {
            outcome.result = Err(why);
            return outcome;
        }
    };
    let mut decoder = BodyDecoder::new(plan.framing);
    let rest: Vec<u8> = buf[end..].iter().copied().chain(pieces.flatten().copied()).collect();
    for piece in rest.chunks(step) {
        let mut at = 0;
        while at < piece.len() && !decoder.is_done() {
            match decoder.feed(&piece[at..]) {
                Ok((taken, data)) => {
                    assert!(taken > 0 && taken <= piece.len() - at, "no progress or overrun");
                    outcome.body.extend_from_slice(data);
                    at += taken;
                }
                Err(e) => {
                    outcome.result = Err(e.0);
                    return outcome;
                }
            }
        }
        if decoder.is_done() {
            break;
        }
    }
    assert_eq!(decoder.body_bytes(), outcome.body.len() as u64);
    outcome.trailers = decoder.trailers.clone();
    outcome.result =
        if decoder.is_done() { Ok(true) } else { decoder.finish().map(|()| false).map_err(|e| e.0) };
    outcome
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, wire)) = data.split_first() else { return };
    let step = usize::from(control & 0x3f) + 1;
    let head_request = control & 0x40 != 0;
    let cut = read_response(wire, step, head_request);
    let whole = read_response(wire, wire.len().max(1), head_request);
    assert_eq!(cut, whole);
});
