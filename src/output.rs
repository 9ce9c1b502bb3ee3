//! The one output layer: human text or JSON Lines (`--json`), colour decided once.
//!
//! Subcommands hand records to [`Printer`]; nothing else writes to stdout. JSON Lines format:
//! one object per line, each tagged with `"event"` (its [`Record::EVENT`]), snake_case keys with
//! the unit in the name (`rtt_ms`, `bytes_in`). Keys may be added; renaming one breaks users.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{self, IsTerminal, Write};

use clap::{Args, ValueEnum};
use owo_colors::OwoColorize;
use serde::Serialize;

#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// One JSON object per line on stdout (JSON Lines), each with an "event" field
    #[arg(long, global = true)]
    pub json: bool,
    /// Colour: auto (only on a terminal, off when NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only results and summaries
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more (repeat for even more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// How much a record matters: `-q` keeps only `Result`, `-v` adds `Detail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Result,
    Normal,
    Detail,
}

/// Something a subcommand reports. `human` writes the text line(s) without a newline.
pub trait Record: Serialize {
    const EVENT: &'static str;
    fn human(&self, out: &mut String, paint: Paint);
}

/// Colour for human text; a no-op when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub fn good(self, text: impl fmt::Display) -> String {
        self.apply(text, |t| t.green().to_string())
    }
    pub fn bad(self, text: impl fmt::Display) -> String {
        self.apply(text, |t| t.red().to_string())
    }
    pub fn warn(self, text: impl fmt::Display) -> String {
        self.apply(text, |t| t.yellow().to_string())
    }
    pub fn dim(self, text: impl fmt::Display) -> String {
        self.apply(text, |t| t.dimmed().to_string())
    }
    pub fn bold(self, text: impl fmt::Display) -> String {
        self.apply(text, |t| t.bold().to_string())
    }
    fn apply(self, text: impl fmt::Display, style: impl Fn(&str) -> String) -> String {
        let text = text.to_string();
        if self.enabled { style(&text) } else { text }
    }
}

/// The error that ends a run quietly with exit 0: stdout was closed (`sockkit ... | head`).
#[derive(Debug)]
pub struct StdoutClosed;

impl fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stdout closed")
    }
}

impl std::error::Error for StdoutClosed {}

pub struct Printer {
    json: bool,
    paint: Paint,
    /// Colour for lines that go to stderr (status next to payload, warnings).
    paint_stderr: Paint,
    threshold: Level,
    /// Set while stdout carries payload bytes (echo client): human lines then go to stderr.
    data_on_stdout: bool,
    /// Payload on a terminal that did not end its line: the next status line starts a new one.
    data_mid_line: bool,
    stdout_tty: bool,
    /// `progress` bytes sit in stdout's buffer, not yet written.
    progress_unflushed: bool,
    line: String,
}

#[derive(Serialize)]
struct Tagged<'a, R> {
    event: &'static str,
    #[serde(flatten)]
    record: &'a R,
}

impl Printer {
    pub fn new(args: &OutputArgs) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // Decided per stream: `sockkit ... 2>log` on a terminal keeps escape codes out of log.
        let color_for = |is_terminal: bool| match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && is_terminal,
        };
        let color = color_for(io::stdout().is_terminal());
        let color_stderr = color_for(io::stderr().is_terminal());
        let threshold = match (args.quiet, args.verbose) {
            (true, _) => Level::Result,
            (false, 0) => Level::Normal,
            _ => Level::Detail,
        };
        Printer {
            json: args.json,
            paint: Paint { enabled: color && !args.json },
            paint_stderr: Paint { enabled: color_stderr && !args.json },
            threshold,
            data_on_stdout: false,
            data_mid_line: false,
            stdout_tty: io::stdout().is_terminal(),
            progress_unflushed: false,
            line: String::new(),
        }
    }

    /// True in `--json` mode, for subcommands whose human and JSON output differ in shape
    /// (a table versus one object per row, a record only with --timing).
    pub fn is_json(&self) -> bool {
        self.json
    }

    pub fn shows(&self, level: Level) -> bool {
        level <= self.threshold
    }

    /// Stdout is about to carry payload bytes; human lines move to stderr meanwhile.
    pub fn set_data_on_stdout(&mut self, yes: bool) {
        self.data_on_stdout = yes && !self.json;
    }

    /// Prints a record that always shows (results, summaries, the ready line).
    pub fn result<R: Record>(&mut self, record: &R) -> anyhow::Result<()> {
        self.emit(Level::Result, record)
    }

    /// Prints a progress record (per client, per datagram), hidden by `-q`.
    pub fn normal<R: Record>(&mut self, record: &R) -> anyhow::Result<()> {
        self.emit(Level::Normal, record)
    }

    /// Prints a detail record, shown with `-v`.
    pub fn detail<R: Record>(&mut self, record: &R) -> anyhow::Result<()> {
        self.emit(Level::Detail, record)
    }

    pub fn emit<R: Record>(&mut self, level: Level, record: &R) -> anyhow::Result<()> {
        if !self.shows(level) {
            return Ok(());
        }
        self.line.clear();
        if self.json {
            let tagged = Tagged { event: R::EVENT, record };
            self.line = serde_json::to_string(&tagged)?;
        } else {
            let paint = if self.data_on_stdout { self.paint_stderr } else { self.paint };
            record.human(&mut self.line, paint);
        }
        self.line.push('\n');
        if self.data_on_stdout {
            let _ = self.flush();
            // Status next to payload goes to stderr, so `> file` keeps only the payload.
            if std::mem::take(&mut self.data_mid_line) {
                let _ = io::stderr().write_all(b"\n");
            }
            let _ = io::stderr().write_all(self.line.as_bytes());
            return Ok(());
        }
        // write_stdout flushes, progress marks included.
        self.progress_unflushed = false;
        write_stdout(self.line.as_bytes())
    }

    /// Raw payload bytes for stdout (the echo); not shown in JSON mode.
    pub fn data(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        if self.json || bytes.is_empty() {
            return Ok(());
        }
        self.data_mid_line = self.stdout_tty && !bytes.ends_with(b"\n");
        self.progress_unflushed = false;
        write_stdout(bytes)
    }

    /// Progress marks for stdout (ping's flood dots and backspaces), like `data` but left in
    /// stdout's buffer: a flood draws two marks per probe, and a write(2) for each cost more
    /// than the probe. Any other output, a warning, or [`Printer::flush`] writes them first, so
    /// the bytes and their order are what `data` would give. Not shown in JSON mode.
    pub fn progress(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        if self.json || bytes.is_empty() {
            return Ok(());
        }
        self.data_mid_line = self.stdout_tty && !bytes.ends_with(b"\n");
        self.progress_unflushed = true;
        match io::stdout().lock().write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
            Err(e) => Err(anyhow::Error::from(e).context("write stdout")),
        }
    }

    /// Writes out buffered progress marks (before the caller sleeps, so a terminal shows them).
    pub fn flush(&mut self) -> anyhow::Result<()> {
        if std::mem::take(&mut self.progress_unflushed) { write_stdout(b"") } else { Ok(()) }
    }

    /// An error: one line on stderr, and an `error` event on stdout in JSON mode. Usually the
    /// one that ends the run (main); `http get` also reports each URL that failed while it goes
    /// on to the next.
    pub fn error(&mut self, err: &anyhow::Error, exit_code: u8) {
        let message = format!("{err:#}");
        // Progress marks before the error, in the order they were made.
        let _ = self.flush();
        eprintln!("sockkit: {message}");
        if self.json {
            #[derive(Serialize)]
            struct ErrorEvent<'a> {
                event: &'static str,
                message: &'a str,
                exit_code: u8,
            }
            if let Ok(line) =
                serde_json::to_string(&ErrorEvent { event: "error", message: &message, exit_code })
            {
                let _ = write_stdout(format!("{line}\n").as_bytes());
            }
        }
    }

    /// A warning that is not the end of the run (`accept: Too many open files`), on stderr.
    pub fn warn(&mut self, message: impl fmt::Display) {
        let text = format!("sockkit: {message}");
        let _ = self.flush();
        eprintln!("{}", self.paint_stderr.warn(&text));
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(e) => Err(anyhow::Error::from(e).context("write stdout")),
    }
}

/// A server's ready line: `listening on 127.0.0.1:40123`, flushed at once so scripts can wait
/// for it. Shared by every server.
#[derive(Serialize)]
pub struct Listening {
    pub addr: String,
}

impl Record for Listening {
    const EVENT: &'static str = "listening";
    fn human(&self, out: &mut String, paint: Paint) {
        out.push_str(&format!("listening on {}", paint.bold(&self.addr)));
    }
}

/// A datagram or seqpacket message longer than the server's buffer: MSG_TRUNC told its real
/// length, and it is reported rather than echoed cut short. Shared by the message servers.
#[derive(Serialize)]
pub struct TruncatedIn<'a> {
    /// "datagram" or "message", for the human line.
    #[serde(skip)]
    pub kind: &'static str,
    pub peer: &'a str,
    pub bytes: usize,
    pub buffer_bytes: usize,
}

impl Record for TruncatedIn<'_> {
    const EVENT: &'static str = "truncated";
    fn human(&self, out: &mut String, paint: Paint) {
        out.push_str(&format!(
            "{} {} of {} bytes from {} is longer than the {}-byte buffer (MSG_TRUNC); \
             not echoed (raise --buffer)",
            paint.warn("truncated:"),
            self.kind,
            self.bytes,
            self.peer,
            self.buffer_bytes
        ));
    }
}

#[derive(Default)]
/// Round-trip statistics as ping prints them (min/avg/max/mdev), shared by ping and udp.
pub struct RttStats {
    pub count: u64,
    pub min: f64,
    pub max: f64,
    sum: f64,
    sum_sq: f64,
}

impl RttStats {
    pub fn add(&mut self, ms: f64) {
        if self.count == 0 || ms < self.min {
            self.min = ms;
        }
        self.max = self.max.max(ms);
        self.count += 1;
        self.sum += ms;
        self.sum_sq += ms * ms;
    }
    pub fn avg(&self) -> f64 {
        self.sum / self.count.max(1) as f64
    }
    /// iputils' mdev: sqrt(E[rtt²] - E[rtt]²).
    pub fn mdev(&self) -> f64 {
        let n = self.count.max(1) as f64;
        (self.sum_sq / n - self.avg() * self.avg()).max(0.0).sqrt()
    }
}

/// A percentage as C's `%g` prints it (iputils' loss figure): `0`, `33.3333`, `0.5`.
pub fn percent_g(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return "0".to_string();
    }
    // The decimal exponent by steps of ten rather than log10: that one call was all this
    // program took from libm, and loading libm costs every run, ping or not.
    let (mut exponent, mut magnitude) = (0i32, value.abs());
    while magnitude >= 10.0 {
        magnitude /= 10.0;
        exponent += 1;
    }
    while magnitude < 1.0 {
        magnitude *= 10.0;
        exponent -= 1;
    }
    let digits = exponent + 1;
    let decimals = (6 - digits).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// Milliseconds with the precision ping users expect: 3 decimals under 1, 2 under 10, 1 under
/// 100, then whole numbers.
pub fn ms(duration: std::time::Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    match ms {
        m if m < 1.0 => format!("{m:.3}"),
        m if m < 10.0 => format!("{m:.2}"),
        m if m < 100.0 => format!("{m:.1}"),
        m => format!("{m:.0}"),
    }
}

/// A byte count for people: `512 B`, `1.5 KiB`, `64.0 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn json_lines_carry_the_event_tag_first() {
        let tagged = Tagged { event: Listening::EVENT, record: &Listening { addr: "127.0.0.1:1".into() } };
        assert_eq!(serde_json::to_string(&tagged).unwrap(), r#"{"event":"listening","addr":"127.0.0.1:1"}"#);
    }

    #[test]
    fn loss_is_printed_like_c_percent_g() {
        assert_eq!(percent_g(0.0), "0");
        assert_eq!(percent_g(100.0), "100");
        assert_eq!(percent_g(100.0 / 3.0), "33.3333");
        assert_eq!(percent_g(200.0 / 3.0), "66.6667");
        assert_eq!(percent_g(50.0), "50");
        assert_eq!(percent_g(0.05), "0.05");
        assert_eq!(percent_g(0.001), "0.001");
        assert_eq!(percent_g(99.999999), "100");
        assert_eq!(percent_g(10.0), "10");
        assert_eq!(percent_g(1.0), "1");
        assert_eq!(percent_g(0.5), "0.5");
        assert_eq!(percent_g(2.5), "2.5");
        assert_eq!(percent_g(0.1), "0.1");
    }

    #[test]
    fn mdev_is_the_standard_deviation_iputils_prints() {
        let mut stats = RttStats::default();
        for ms in [1.0, 2.0, 3.0] {
            stats.add(ms);
        }
        assert_eq!((stats.min, stats.max), (1.0, 3.0));
        assert!((stats.avg() - 2.0).abs() < 1e-9);
        assert!((stats.mdev() - (2.0f64 / 3.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn milliseconds_round_like_ping() {
        assert_eq!(ms(Duration::from_micros(45)), "0.045");
        assert_eq!(ms(Duration::from_micros(4_567)), "4.57");
        assert_eq!(ms(Duration::from_micros(45_678)), "45.7");
        assert_eq!(ms(Duration::from_micros(456_789)), "457");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(64 << 20), "64.0 MiB");
    }

    #[test]
    fn colour_is_off_when_asked_and_in_json() {
        let p = Printer::new(&OutputArgs { color: ColorChoice::Never, ..OutputArgs::default() });
        assert!(!p.paint.enabled);
        let p = Printer::new(&OutputArgs { color: ColorChoice::Always, json: true, ..OutputArgs::default() });
        assert!(!p.paint.enabled);
        let p = Printer::new(&OutputArgs { color: ColorChoice::Always, ..OutputArgs::default() });
        assert!(p.paint.enabled);
        assert_eq!(p.paint.good("x"), "x".green().to_string());
    }
}
