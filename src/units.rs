//! Value parsers for durations and byte sizes, shared by every flag that takes one.
//!
//! Durations take humantime (`500ms`, `2s`, `1m`) and bare numbers as seconds (`0.2`), as ping
//! and curl users type them. Sizes take `64KiB`, `1MiB`, `1GiB`, `64k` and plain numbers.

use std::time::Duration;

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        if !(secs.is_finite() && (0.0..1e9).contains(&secs)) {
            return Err(format!("'{text}': expected a duration such as 0.2, 500ms, 2s or 1m"));
        }
        return Ok(Duration::from_secs_f64(secs));
    }
    humantime::parse_duration(text)
        .map_err(|_| format!("'{text}': expected a duration such as 0.2, 500ms, 2s or 1m"))
}

pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}': expected a byte size such as 1500, 64KiB, 1MiB or 1GiB");
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let number: u64 = digits.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    number.checked_mul(multiplier).ok_or_else(bad)
}

/// A byte count that must fit in `usize` and be at least 1 (buffer sizes, payload sizes).
pub fn parse_nonzero_bytes(text: &str) -> Result<usize, String> {
    match parse_bytes(text)? {
        0 => Err(format!("'{text}': expected a size of at least 1 byte")),
        n => usize::try_from(n).map_err(|_| format!("'{text}': too large")),
    }
}

/// A receive buffer size: at least 1 byte, at most 64 MiB (a Unix datagram can be larger than
/// a UDP one, but no socket buffer here holds more).
pub fn parse_buffer_bytes(text: &str) -> Result<usize, String> {
    match parse_nonzero_bytes(text)? {
        n if n > 64 << 20 => Err(format!("'{text}': expected at most 64MiB")),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_bare_seconds_and_humantime() {
        assert_eq!(parse_duration("0.2"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("NaN").is_err());
    }

    #[test]
    fn byte_sizes_take_binary_and_decimal_units() {
        assert_eq!(parse_bytes("1500"), Ok(1500));
        assert_eq!(parse_bytes("64KiB"), Ok(65536));
        assert_eq!(parse_bytes("1MiB"), Ok(1 << 20));
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(parse_bytes("64k"), Ok(64000));
        assert!(parse_bytes("12 parsecs").is_err());
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("99999999999999999999GiB").is_err());
        assert!(parse_nonzero_bytes("0").is_err());
        assert_eq!(parse_buffer_bytes("64MiB"), Ok(64 << 20));
        assert!(parse_buffer_bytes("100000GiB").is_err());
    }
}
