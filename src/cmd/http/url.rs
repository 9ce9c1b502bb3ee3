//! `http://host[:port]/path?query` URLs: parsed without decoding (percent-escapes are sent as
//! written), and Location values resolved against them (RFC 3986 section 5).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// As written, without brackets for an IPv6 literal and lower-cased; an IPv6 zone
    /// (RFC 6874's `%25eth0`) follows as the address parser takes it (`fe80::1%eth0`), in its
    /// own case, as interface names have one.
    pub host: String,
    pub port: u16,
    /// The request target: path and query, never empty (`/` at least).
    pub target: String,
}

/// Why a URL was refused; `https` separately, since it is a missing feature, not a typo.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlError {
    Https,
    Bad(String),
}

impl Url {
    pub fn parse(text: &str) -> Result<Url, UrlError> {
        let bad = |why: &str| UrlError::Bad(why.to_string());
        if let Some(&c) = text.as_bytes().iter().find(|&&b| b <= b' ' || b == 0x7f || b >= 0x80) {
            return Err(UrlError::Bad(format!(
                "0x{c:02x} in URL (spaces, control and non-ASCII characters must be percent-encoded)"
            )));
        }
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => return Err(UrlError::Https),
            Some((scheme, _)) => return Err(UrlError::Bad(format!("scheme '{scheme}' is not http"))),
            // Like curl, a URL without a scheme is taken as http.
            None => text,
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(split);
        if authority.contains('@') {
            return Err(bad("user names and passwords in URLs are not supported"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("missing ']' after IPv6 address"))?;
            // RFC 6874: `[fe80::1%25eth0]`, the '%' of the zone itself percent-encoded.
            let (address, zone) = match host.split_once('%') {
                Some((address, zone)) => match zone.strip_prefix("25") {
                    Some(zone) if !zone.is_empty() => (address, Some(zone)),
                    _ => {
                        return Err(UrlError::Bad(format!(
                            "a zone in a URL is written %25ZONE (RFC 6874), e.g. http://[{address}%25eth0]/"
                        )));
                    }
                },
                None => (host, None),
            };
            if !host.is_empty() && address.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(UrlError::Bad(format!("'{address}' in brackets is not an IPv6 address")));
            }
            if let Some(zone) = zone {
                let host = format!("{}%{zone}", address.to_ascii_lowercase());
                let port = match after {
                    "" => None,
                    _ => Some(after.strip_prefix(':').ok_or_else(|| bad("expected ':PORT' after ']'"))?),
                };
                return Url::finish(host, port, target);
            }
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or_else(|| bad("expected ':PORT' after ']'"))?)),
            }
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Url::finish(host.to_ascii_lowercase(), port, target)
    }

    /// The port and request target of a URL whose host is known.
    fn finish(host: String, port: Option<&str>, target: &str) -> Result<Url, UrlError> {
        let port = match port {
            None | Some("") => 80,
            Some(port) => port
                .parse::<u16>()
                .ok()
                .filter(|_| port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| UrlError::Bad(format!("port '{port}' is not a number 0-65535")))?,
        };
        let target = match target {
            "" => "/".to_string(),
            t if t.starts_with('?') => format!("/{t}"),
            t => t.to_string(),
        };
        Ok(Url { host, port, target })
    }

    /// The host as it goes into an address or a Host header: brackets around IPv6.
    pub fn host_text(&self) -> String {
        if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() }
    }

    /// `host:port` for the address parser (and as the key of a reusable connection).
    pub fn endpoint_text(&self) -> String {
        format!("{}:{}", self.host_text(), self.port)
    }

    /// Same scheme (only http here), host and port: where credentials given for one URL may
    /// also go (curl's rule for redirects).
    pub fn same_origin(&self, other: &Url) -> bool {
        self.host == other.host && self.port == other.port
    }

    /// The Host header: the port only when it is not 80. A zone is left out: it names an
    /// interface of this machine, nothing the server could use (as curl leaves it out).
    pub fn authority(&self) -> String {
        let host = match self.host.split_once('%') {
            Some((address, _)) => format!("[{address}]"),
            None => self.host_text(),
        };
        Self::with_port(host, self.port)
    }

    /// The authority as written in a URL, with a zone as RFC 6874's `%25ZONE`.
    fn url_authority(&self) -> String {
        Self::with_port(self.host_text().replacen('%', "%25", 1), self.port)
    }

    fn with_port(host: String, port: u16) -> String {
        match port {
            80 => host,
            port => format!("{host}:{port}"),
        }
    }

    /// Resolves a Location value against this URL: absolute, scheme-relative (`//host/p`),
    /// absolute path, query only, or a relative path with `.` and `..` segments.
    pub fn join(&self, location: &str) -> Result<Url, UrlError> {
        let location = location.trim();
        // An absolute URL starts with a scheme (RFC 3986: a letter, then letters, digits, + - .)
        // and ':' before any '/', '?' or '#'; `/login?next=http://x/` is a path, not a URL.
        let head = location.split(['/', '?', '#']).next().unwrap_or_default();
        let is_scheme = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        };
        if head.split_once(':').is_some_and(|(scheme, _)| is_scheme(scheme)) {
            return Url::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("http://{rest}"));
        }
        let location = location.split('#').next().unwrap_or_default();
        let base_path = self.target.split('?').next().unwrap_or("/");
        let target = if location.is_empty() {
            self.target.clone()
        } else if location.starts_with('/') {
            location.to_string()
        } else if location.starts_with('?') {
            format!("{base_path}{location}")
        } else {
            let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q)),
            None => (target.clone(), None),
        };
        let path = remove_dot_segments(&path);
        let target = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        Url::parse(&format!("http://{}{target}", self.url_authority()))
    }
}

/// RFC 3986 section 5.2.4, on a path that starts with `/`.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." if last => out.push(""),
            "." => {}
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.url_authority(), self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn same_origin_means_same_host_and_port() {
        let first = url("http://Example.com/a");
        assert!(first.same_origin(&url("http://example.COM:80/b?c")));
        assert!(!first.same_origin(&url("http://example.com:8080/a")));
        assert!(!first.same_origin(&url("http://other.example.com/a")));
        assert!(!url("http://127.0.0.1/").same_origin(&url("http://localhost/")));
    }

    #[test]
    fn urls_parse_with_ports_ipv6_and_escapes_kept() {
        assert_eq!(
            url("http://Example.com"),
            Url { host: "example.com".into(), port: 80, target: "/".into() }
        );
        let u = url("http://[::1]:8080/a%20b?q=%2F#frag");
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("::1", 8080, "/a%20b?q=%2F"));
        assert_eq!(u.authority(), "[::1]:8080");
        assert_eq!(u.endpoint_text(), "[::1]:8080");
        assert_eq!(url("127.0.0.1:81?x").target, "/?x");
        assert_eq!(url("HTTP://h:80/p").to_string(), "http://h/p");
    }

    #[test]
    fn an_ipv6_zone_is_written_as_percent_25_and_left_out_of_the_host_header() {
        let u = url("http://[FE80::1%25Eth0]:8080/a");
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("fe80::1%Eth0", 8080, "/a"));
        assert_eq!(u.endpoint_text(), "[fe80::1%Eth0]:8080");
        assert_eq!(u.authority(), "[fe80::1]:8080");
        assert_eq!(u.to_string(), "http://[fe80::1%25Eth0]:8080/a");
        assert_eq!(u.join("b").unwrap(), url("http://[fe80::1%25Eth0]:8080/b"));
        assert_eq!(url("http://[fe80::1%253]").endpoint_text(), "[fe80::1%3]:80");
        for text in ["http://[fe80::1%eth0]/", "http://[fe80::1%25]/", "http://[fe80::1%]/"] {
            let Err(UrlError::Bad(why)) = Url::parse(text) else { panic!("{text}") };
            assert!(why.starts_with("a zone in a URL is written %25ZONE (RFC 6874)"), "{text}: {why}");
        }
        assert_eq!(
            Url::parse("http://[zz%25eth0]/"),
            Err(UrlError::Bad("'zz' in brackets is not an IPv6 address".into()))
        );
    }

    #[test]
    fn bad_urls_say_why_and_https_is_its_own_error() {
        assert_eq!(Url::parse("https://example.com/"), Err(UrlError::Https));
        for (text, why) in [
            ("ftp://h/", "scheme 'ftp' is not http"),
            ("http://h:99999/", "port '99999' is not a number 0-65535"),
            ("http://h:+1/", "port '+1' is not a number 0-65535"),
            ("http:///p", "no host"),
            ("http://[::1/", "missing ']' after IPv6 address"),
            ("http://u:p@h/", "user names and passwords in URLs are not supported"),
            (
                "http://h/a b",
                "0x20 in URL (spaces, control and non-ASCII characters must be percent-encoded)",
            ),
            ("http://[zz]/", "'zz' in brackets is not an IPv6 address"),
        ] {
            assert_eq!(Url::parse(text), Err(UrlError::Bad(why.into())), "{text}");
        }
    }

    #[test]
    fn locations_resolve_like_rfc_3986() {
        let base = url("http://a:8000/b/c/d?q");
        for (location, expected) in [
            ("http://x/y", "http://x/y"),
            ("//x:81/y", "http://x:81/y"),
            ("/g", "http://a:8000/g"),
            ("g", "http://a:8000/b/c/g"),
            ("./g/", "http://a:8000/b/c/g/"),
            ("../g", "http://a:8000/b/g"),
            ("../../../g", "http://a:8000/g"),
            ("?y", "http://a:8000/b/c/d?y"),
            ("g?y#f", "http://a:8000/b/c/g?y"),
            ("..", "http://a:8000/b/"),
            ("/login?next=http://x/", "http://a:8000/login?next=http://x/"),
            ("g?u=a://b", "http://a:8000/b/c/g?u=a://b"),
        ] {
            assert_eq!(base.join(location).unwrap().to_string(), expected, "{location}");
        }
        assert_eq!(base.join("https://x/"), Err(UrlError::Https));
    }
}
