//! The one address parser (CLI.md "Addresses").
//!
//! `1.2.3.4:7`, `[::1]:7`, `[fe80::1%eth0]:7`, `:7`, `7`, `host:7`, `host` (where a default
//! port exists), `unix:/path`, anything with a `/`, and `@name` for a Linux abstract socket.
//! Parsing is pure but for a zone's interface name, looked up at once so a typo is exit 2;
//! name resolution happens later in [`Endpoint::resolve`], with the family the user picked.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6, ToSocketAddrs};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use anyhow::Context;

/// `sun_path` is 108 bytes on Linux; a path needs one of them for its terminating NUL, an
/// abstract name does not (its leading NUL takes the place).
pub const SUN_PATH_MAX: usize = 108;

/// Where a socket lives: an internet host and port, a Unix path, or a Linux abstract name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Inet { host: Host, port: u16 },
    Unix(PathBuf),
    Abstract(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// No host given (`:7`, `7`): all interfaces for a server.
    Any,
    Ip(IpAddr),
    /// An IPv6 address with a zone: `fe80::1%eth0`.
    Scoped(Scoped),
    /// A name for the system resolver.
    Name(String),
}

/// An IPv6 address with a zone (RFC 4007): `fe80::1%eth0` or `fe80::1%3`. A link-local address
/// is ambiguous without the interface it is on; the kernel refuses to connect to one without
/// a scope id (EINVAL), so the zone becomes `sin6_scope_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped {
    pub ip: Ipv6Addr,
    /// The interface index (`if_nametoindex` of a name, or the number itself).
    pub scope_id: u32,
    /// The zone as written: an interface name or a number.
    pub zone: String,
}

impl Scoped {
    /// `None` when `text` has no zone; otherwise the address or why it is refused. Names are
    /// looked up in this network namespace's interface table.
    pub fn parse(text: &str) -> Option<Result<Scoped, String>> {
        let (ip, zone) = text.split_once('%')?;
        let ip = match ip.parse::<IpAddr>() {
            Ok(IpAddr::V6(ip)) => ip,
            // `1.2.3.4%eth0`: an IPv4 address has no zones.
            Ok(IpAddr::V4(_)) => return Some(Err(ZONE_SCOPE.to_string())),
            Err(_) => return Some(Err("expected an IPv6 address before '%' (fe80::1%eth0)".to_string())),
        };
        Some(Self::with_zone(ip, zone))
    }

    fn with_zone(ip: Ipv6Addr, zone: &str) -> Result<Scoped, String> {
        if zone.is_empty() {
            return Err("empty zone after '%' (expected an interface name or index)".to_string());
        }
        // Linux uses a scope id only for these (`__ipv6_addr_needs_scope_id`) and ignores it
        // on any other address, so a zone elsewhere is refused rather than silently dropped.
        if !needs_scope(&ip) {
            return Err(ZONE_SCOPE.to_string());
        }
        let scope_id = if zone.bytes().all(|b| b.is_ascii_digit()) {
            let index = zone.parse::<u32>().ok().filter(|&i| i > 0 && interface_name(i).is_some());
            index.ok_or_else(|| format!("no network interface with index {zone}"))?
        } else {
            interface_index(zone).ok_or_else(|| format!("no network interface '{zone}'"))?
        };
        Ok(Scoped { ip, scope_id, zone: zone.to_string() })
    }
}

const ZONE_SCOPE: &str =
    "a zone (%IFACE) applies only to link-local IPv6 addresses (fe80::/10, multicast ff01::, ff02::)";

/// Link-local unicast (fe80::/10), or multicast of interface- or link-local scope: the
/// addresses whose meaning depends on the interface.
pub fn needs_scope(ip: &Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    first & 0xffc0 == 0xfe80 || (first >> 8 == 0xff && matches!(first & 0xf, 1 | 2))
}

/// `if_nametoindex`: the index of the interface called `name` in this network namespace.
pub fn interface_index(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: `name` is a NUL-terminated string that outlives the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

/// `if_indextoname`: the name of interface `index`, if there is one.
pub fn interface_name(index: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `buf` holds IF_NAMESIZE bytes, as if_indextoname requires.
    let name = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if name.is_null() {
        return None;
    }
    // SAFETY: on success the buffer holds a NUL-terminated name.
    let name = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    Some(name.to_string_lossy().into_owned())
}

/// An IPv6 address with the interface its scope id names, as iputils prints one
/// (`fe80::1%eth0`); the bare address when the scope id is 0.
pub fn scoped_text(ip: &Ipv6Addr, scope_id: u32) -> String {
    match scope_id {
        0 => ip.to_string(),
        id => format!("{ip}%{}", interface_name(id).unwrap_or_else(|| id.to_string())),
    }
}

/// `-4` / `-6`: which address family a name may resolve to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    pub fn admits(self, ip: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => ip.is_ipv4(),
            Family::V6 => ip.is_ipv6(),
        }
    }
}

/// A parse failure; displays as CLI.md's one line: `invalid address 'x:y': port must be 0-65535`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid address '{}': {}", self.input, self.reason)
    }
}

impl std::error::Error for AddrError {}

impl Endpoint {
    /// Parses `text`; `default_port` is used when only a host is given (None: a port is required).
    pub fn parse(text: &str, default_port: Option<u16>) -> Result<Endpoint, AddrError> {
        let fail = |reason: &str| AddrError { input: text.to_string(), reason: reason.to_string() };
        if text.is_empty() {
            return Err(fail("empty address"));
        }
        if let Some(name) = text.strip_prefix('@') {
            if name.is_empty() {
                return Err(fail("abstract socket name after '@' is empty"));
            }
            // One byte of sun_path holds the leading NUL that marks the name abstract.
            if name.len() > SUN_PATH_MAX - 1 {
                return Err(fail(&format!(
                    "abstract name is {} bytes; the limit is {} (sun_path)",
                    name.len(),
                    SUN_PATH_MAX - 1
                )));
            }
            return Ok(Endpoint::Abstract(name.as_bytes().to_vec()));
        }
        if let Some(path) = text.strip_prefix("unix:").or(text.contains('/').then_some(text)) {
            if path.is_empty() {
                return Err(fail("unix socket path after 'unix:' is empty"));
            }
            let path = PathBuf::from(path);
            let len = path.as_os_str().as_bytes().len();
            if len > SUN_PATH_MAX - 1 {
                return Err(fail(&format!(
                    "unix socket path is {len} bytes; the limit is {} (sun_path)",
                    SUN_PATH_MAX - 1
                )));
            }
            return Ok(Endpoint::Unix(path));
        }

        let (host_text, port_text) = split_host_port(text).map_err(&fail)?;
        let host = parse_host(host_text).map_err(|reason| fail(&reason))?;
        let port = match port_text {
            Some(p) => parse_port(p).map_err(&fail)?,
            None => default_port.ok_or_else(|| fail("missing port (expected HOST:PORT)"))?,
        };
        Ok(Endpoint::Inet { host, port })
    }

    /// The socket addresses to try, in order. `Host::Any` is the wildcard of the family asked
    /// for (IPv4 unless `-6`).
    pub fn resolve(&self, family: Family) -> anyhow::Result<Vec<SocketAddr>> {
        let Endpoint::Inet { host, port } = self else {
            anyhow::bail!("{self} is a Unix socket address, not an IP one");
        };
        let port = *port;
        let addrs: Vec<SocketAddr> = match host {
            Host::Any if family == Family::V6 => vec![(Ipv6Addr::UNSPECIFIED, port).into()],
            Host::Any => vec![(Ipv4Addr::UNSPECIFIED, port).into()],
            Host::Ip(ip) if !family.admits(ip) => {
                return Err(crate::exit::usage(format!(
                    "address {self} is not {}",
                    if family == Family::V4 { "IPv4 (-4)" } else { "IPv6 (-6)" }
                )));
            }
            Host::Ip(ip) => vec![SocketAddr::new(*ip, port)],
            Host::Scoped(_) if family == Family::V4 => {
                return Err(crate::exit::usage(format!("address {self} is not IPv4 (-4)")));
            }
            Host::Scoped(scoped) => vec![SocketAddrV6::new(scoped.ip, port, 0, scoped.scope_id).into()],
            Host::Name(name) => (name.as_str(), port)
                .to_socket_addrs()
                .with_context(|| format!("resolve '{name}'"))?
                .filter(|a| family.admits(&a.ip()))
                .collect(),
        };
        if addrs.is_empty() {
            anyhow::bail!("resolve '{host}': no {family:?} address");
        }
        Ok(addrs)
    }
}

/// A clap value parser for an address, with the subcommand's default port.
pub fn parser(default_port: Option<u16>) -> impl Fn(&str) -> Result<Endpoint, AddrError> + Clone {
    move |text| Endpoint::parse(text, default_port)
}

/// A clap value parser for a host without a port (ping): an IP address, `[V6]`, or a name.
pub fn host_parser(text: &str) -> Result<Host, AddrError> {
    let fail = |reason: &str| AddrError { input: text.to_string(), reason: reason.to_string() };
    let inner = match text.strip_prefix('[') {
        Some(rest) => rest.strip_suffix(']').ok_or_else(|| fail("missing ']' after IPv6 address"))?,
        None => text,
    };
    if inner.is_empty() {
        return Err(fail("empty host"));
    }
    let address = inner.split_once('%').map_or(inner, |(ip, _)| ip);
    if address.parse::<Ipv6Addr>().is_err() && inner.contains(':') {
        return Err(fail("expected a host without a port (an IP address or a name)"));
    }
    match parse_host(inner) {
        Ok(Host::Any) => Err(fail("expected an IP address or a host name")),
        Ok(host) => Ok(host),
        Err(reason) => Err(fail(&reason)),
    }
}

impl Host {
    /// The addresses of the host in `family` (port 0), in resolver order (names go to the
    /// system resolver); an IPv6 zone becomes the scope id.
    pub fn resolve(&self, family: Family) -> anyhow::Result<Vec<SocketAddr>> {
        Endpoint::Inet { host: self.clone(), port: 0 }.resolve(family)
    }
}

fn split_host_port(text: &str) -> Result<(&str, Option<&str>), &'static str> {
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or("missing ']' after IPv6 address")?;
        if inside.is_empty() {
            return Err("empty IPv6 address in []");
        }
        return match after {
            "" => Ok((inside, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((inside, Some(port))),
                None => Err("expected ':PORT' after ']'"),
            },
        };
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(("", Some(text)));
    }
    // A bare IPv6 literal such as `::1` has colons but no port.
    if text.parse::<Ipv6Addr>().is_ok() {
        return Ok((text, None));
    }
    // So does one with a zone, `fe80::1%eth0` (a zone never holds a ':').
    if let Some((ip, zone)) = text.split_once('%')
        && ip.parse::<Ipv6Addr>().is_ok()
        && !zone.contains(':')
    {
        return Ok((text, None));
    }
    match text.rsplit_once(':') {
        Some((host, _)) if host.contains(':') => {
            Err("IPv6 address with a port must be in brackets, e.g. [::1]:7")
        }
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((text, None)),
    }
}

fn parse_port(text: &str) -> Result<u16, &'static str> {
    if text.is_empty() {
        return Err("missing port after ':'");
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("port must be a number 0-65535");
    }
    text.parse::<u16>().map_err(|_| "port must be 0-65535")
}

fn parse_host(text: &str) -> Result<Host, String> {
    if text.is_empty() || text == "*" {
        return Ok(Host::Any);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    if let Some(scoped) = Scoped::parse(text) {
        return scoped.map(Host::Scoped);
    }
    // Names: RFC 1123 labels, plus '_' which real resolvers accept.
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.len() > 253 || !name.split('.').all(valid_label) {
        return Err("expected an IP address or a host name".to_string());
    }
    // All-numeric dotted text that is not an IPv4 address (1.2.3.999) is a typo, not a name.
    if name.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err("not a valid IPv4 address".to_string());
    }
    Ok(Host::Name(text.to_string()))
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Inet { host: Host::Ip(ip), port } => write!(f, "{}", SocketAddr::new(*ip, *port)),
            Endpoint::Inet { host, port } => write!(f, "{host}:{port}"),
            Endpoint::Unix(path) => write!(f, "{}", path.display()),
            Endpoint::Abstract(name) => write!(f, "@{}", String::from_utf8_lossy(name)),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Any => f.write_str("*"),
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
            // In brackets, as the parser takes it back.
            Host::Scoped(scoped) => write!(f, "[{}%{}]", scoped.ip, scoped.zone),
            Host::Name(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Endpoint {
        Endpoint::parse(text, Some(5500)).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn bad(text: &str, default_port: Option<u16>) -> String {
        Endpoint::parse(text, default_port).expect_err(text).to_string()
    }

    fn inet(host: Host, port: u16) -> Endpoint {
        Endpoint::Inet { host, port }
    }

    #[test]
    fn every_good_form_parses() {
        let v4 = Host::Ip("1.2.3.4".parse().unwrap());
        let v6 = Host::Ip("::1".parse().unwrap());
        assert_eq!(ok("1.2.3.4:7"), inet(v4.clone(), 7));
        assert_eq!(ok("1.2.3.4"), inet(v4, 5500));
        assert_eq!(ok("[::1]:7"), inet(v6.clone(), 7));
        assert_eq!(ok("[::1]"), inet(v6.clone(), 5500));
        assert_eq!(ok("::1"), inet(v6, 5500));
        assert_eq!(ok(":7"), inet(Host::Any, 7));
        assert_eq!(ok("7"), inet(Host::Any, 7));
        assert_eq!(ok("0"), inet(Host::Any, 0));
        assert_eq!(ok("*:80"), inet(Host::Any, 80));
        assert_eq!(ok("localhost:80"), inet(Host::Name("localhost".into()), 80));
        assert_eq!(ok("example.com"), inet(Host::Name("example.com".into()), 5500));
        assert_eq!(ok("unix:/tmp/s"), Endpoint::Unix("/tmp/s".into()));
        assert_eq!(ok("unix:relative"), Endpoint::Unix("relative".into()));
        assert_eq!(ok("./sock"), Endpoint::Unix("./sock".into()));
        assert_eq!(ok("/run/x.sock"), Endpoint::Unix("/run/x.sock".into()));
        assert_eq!(ok("@name"), Endpoint::Abstract(b"name".to_vec()));
    }

    #[test]
    fn every_bad_form_says_what_was_expected() {
        assert_eq!(bad("x:y", None), "invalid address 'x:y': port must be a number 0-65535");
        assert_eq!(bad("1.2.3.4:99999", None), "invalid address '1.2.3.4:99999': port must be 0-65535");
        assert!(bad("1.2.3.4:", None).contains("missing port"));
        assert!(bad("host", None).contains("missing port"));
        assert!(bad("", None).contains("empty"));
        assert!(bad("[::1", None).contains("missing ']'"));
        assert!(bad("[]:7", None).contains("empty IPv6"));
        assert!(bad("[::1]x", None).contains("expected ':PORT'"));
        // `::1:7` is itself a valid IPv6 address, so only a non-address can be told apart.
        assert_eq!(ok("::1:7"), inet(Host::Ip("::1:7".parse().unwrap()), 5500));
        assert!(bad("fe80::zz:7", None).contains("brackets"));
        assert!(bad("1.2.3.999:7", None).contains("IPv4"));
        assert!(bad("bad host:7", None).contains("host name"));
        assert!(bad("-bad-:7", None).contains("host name"));
        assert!(bad("a..b:7", None).contains("host name"));
        assert!(bad("@", None).contains("empty"));
        assert!(bad("unix:", None).contains("empty"));
        let long = format!("/{}", "x".repeat(200));
        assert!(bad(&long, None).contains("limit is 107"));
        let long_abstract = format!("@{}", "x".repeat(108));
        assert!(bad(&long_abstract, None).contains("limit is 107"));
        assert!(Endpoint::parse(&format!("/{}", "x".repeat(106)), None).is_ok());
    }

    #[test]
    fn display_round_trips_through_the_parser() {
        for text in ["127.0.0.1:7", "[::1]:7", "/tmp/s", "@abs"] {
            assert_eq!(ok(text).to_string(), text);
            assert_eq!(ok(&ok(text).to_string()), ok(text));
        }
    }

    #[test]
    fn hosts_without_ports_parse_and_ports_are_refused() {
        assert_eq!(host_parser("127.0.0.1"), Ok(Host::Ip("127.0.0.1".parse().unwrap())));
        assert_eq!(host_parser("::1"), Ok(Host::Ip("::1".parse().unwrap())));
        assert_eq!(host_parser("[::1]"), Ok(Host::Ip("::1".parse().unwrap())));
        assert_eq!(host_parser("localhost"), Ok(Host::Name("localhost".into())));
        assert!(host_parser("127.0.0.1:7").unwrap_err().to_string().contains("without a port"));
        assert!(host_parser("").unwrap_err().to_string().contains("empty"));
        assert!(host_parser("1.2.3.999").unwrap_err().to_string().contains("IPv4"));
        assert!(host_parser("bad host").unwrap_err().to_string().contains("host name"));
        assert!(host_parser("*").is_err());
        assert!(host_parser("[::1").is_err());
    }

    #[test]
    fn zoned_link_local_addresses_parse_by_interface_name_or_index() {
        // `lo` is index 1 in every network namespace.
        let zoned = |text: &str| Host::Scoped(Scoped::parse(text).unwrap().unwrap());
        let lo = || zoned("fe80::1%lo");
        assert_eq!(ok("[fe80::1%lo]:8080"), inet(lo(), 8080));
        assert_eq!(ok("[fe80::1%lo]"), inet(lo(), 5500));
        assert_eq!(ok("fe80::1%lo"), inet(lo(), 5500));
        assert_eq!(ok("[fe80::1%1]:7"), inet(zoned("fe80::1%1"), 7));
        assert_eq!(ok("[ff02::1%lo]:7"), inet(zoned("ff02::1%lo"), 7));
        assert_eq!(host_parser("fe80::1%lo"), Ok(lo()));
        assert_eq!(host_parser("[fe80::1%lo]"), Ok(lo()));
        let scoped = Scoped::parse("fe80::1%lo").unwrap().unwrap();
        assert_eq!((scoped.ip, scoped.scope_id, scoped.zone.as_str()), ("fe80::1".parse().unwrap(), 1, "lo"));
        assert_eq!(Scoped::parse("fe80::1"), None);
    }

    #[test]
    fn a_zone_reaches_the_socket_address_as_its_scope_id() {
        for text in ["[fe80::1%lo]:7", "[fe80::1%1]:7"] {
            let addrs = ok(text).resolve(Family::Any).unwrap();
            let [SocketAddr::V6(v6)] = addrs.as_slice() else { panic!("{text}: {addrs:?}") };
            assert_eq!((v6.ip().to_string(), v6.port(), v6.scope_id()), ("fe80::1".into(), 7, 1));
        }
        assert_eq!(
            host_parser("fe80::1%lo").unwrap().resolve(Family::V6).unwrap()[0].to_string(),
            "[fe80::1%1]:0"
        );
        assert!(ok("[fe80::1%lo]:7").resolve(Family::V4).unwrap_err().to_string().contains("not IPv4"));
        assert_eq!(scoped_text(&"fe80::1".parse().unwrap(), 1), "fe80::1%lo");
        assert_eq!(scoped_text(&"fe80::1".parse().unwrap(), 0), "fe80::1");
    }

    #[test]
    fn bad_zones_say_what_is_wrong() {
        assert_eq!(
            bad("fe80::1%nope", Some(7)),
            "invalid address 'fe80::1%nope': no network interface 'nope'"
        );
        assert_eq!(
            bad("[fe80::1%nope]:7", None),
            "invalid address '[fe80::1%nope]:7': no network interface 'nope'"
        );
        assert!(
            host_parser("fe80::1%nope").unwrap_err().to_string().ends_with("no network interface 'nope'")
        );
        assert!(bad("[fe80::1%4000000000]:7", None).contains("no network interface with index 4000000000"));
        assert!(bad("[fe80::1%0]:7", None).contains("no network interface with index 0"));
        assert!(bad("[fe80::1%99999999999]:7", None).contains("index 99999999999"));
        assert!(bad("[fe80::1%]:7", None).contains("empty zone"));
        assert!(bad("1.2.3.4%lo", Some(7)).contains("applies only to link-local IPv6"));
        assert!(bad("[::1%lo]:7", None).contains("applies only to link-local IPv6"));
        assert!(bad("[2001:db8::1%lo]:7", None).contains("applies only to link-local IPv6"));
        assert!(bad("[zz%lo]:7", None).contains("IPv6 address before '%'"));
        // Without brackets the port would be read as part of the zone.
        assert!(bad("fe80::1%lo:7", None).contains("brackets"));
        assert!(host_parser("1.2.3.4%lo").is_err());
    }

    #[test]
    fn zones_display_as_written_and_round_trip() {
        for text in ["[fe80::1%lo]:8080", "[fe80::1%1]:8080"] {
            assert_eq!(ok(text).to_string(), text);
            assert_eq!(ok(&ok(text).to_string()), ok(text));
        }
        assert_eq!(host_parser("fe80::1%lo").unwrap().to_string(), "[fe80::1%lo]");
    }

    #[test]
    fn resolve_honours_the_family() {
        let any = ok(":7");
        assert_eq!(any.resolve(Family::Any).unwrap()[0].to_string(), "0.0.0.0:7");
        assert_eq!(any.resolve(Family::V6).unwrap()[0].to_string(), "[::]:7");
        assert!(ok("127.0.0.1:7").resolve(Family::V6).is_err());
        let local = ok("localhost:7").resolve(Family::V4).unwrap();
        assert!(local.iter().all(|a| a.is_ipv4()));
    }
}
