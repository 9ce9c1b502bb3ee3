//! `sockkit uds serve|client`: echo over Unix sockets, files or Linux abstract names. Stream
//! sockets run echo's server and client; `--dgram` runs udp's datagram loops; `--seqpacket`
//! (a connection that keeps message boundaries) runs udp's message server, which echoes each
//! message whole and reports one longer than its buffer, and udp's numbered-message client
//! (or echo's load generator with --connections).

use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use socket2::Type;

use crate::addr::Endpoint;
use crate::cli::{DgramServeArgs, UdsClientArgs, UdsKind, UdsServeArgs};
use crate::cmd::{echo, udp};
use crate::event_loop::{EventLoop, Listener};
use crate::exit::{self, Exit};
use crate::output::Printer;
use crate::sockopt;

/// A Unix datagram can be as large as the send buffer (about 208 KiB by default, more with
/// --sndbuf), so the default receive buffer is larger than any the defaults allow.
const UDS_BUFFER: usize = 1 << 20;
/// The largest message echo's load generator reads whole.
const SEQPACKET_LOAD_MAX: usize = 64 * 1024;

pub fn serve(args: UdsServeArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    let ty = socket_type(args.kind);
    let path = match &args.addr {
        Endpoint::Unix(path) => Some(path.clone()),
        Endpoint::Abstract(_) if args.mode.is_some() || args.unlink => {
            return Err(exit::usage(format!(
                "{}: --mode and --unlink apply to socket files, and an abstract name has none",
                args.addr
            )));
        }
        Endpoint::Abstract(_) => None,
        Endpoint::Inet { .. } => return Err(not_unix(&args.addr)),
    };
    // Signals are caught before the socket file exists, so a stop at any moment after it is
    // created goes through the code that removes it.
    let lp = EventLoop::stopped_by_signals()?;
    if let Some(path) = &path {
        clear_the_way(path, ty, args.unlink)?;
    }
    let sock = with_mode(args.mode, || sockopt::listen(&args.addr, ty, &args.sock))?;
    // From here the file is ours: remove it however the server ends.
    let _socket_file = path.as_deref().map(SocketFile::claim).transpose()?;
    let local = sockopt::local_name(&sock);
    match ty {
        Type::DGRAM => {
            // Datagrams have no connection for SO_PEERCRED; the kernel attaches the sender's
            // credentials to each one instead.
            sockopt::pass_credentials(&sock).context("setsockopt SO_PASSCRED")?;
            let dgram = DgramServeArgs { buffer: args.buffer, exit_after: args.server.exit_after };
            udp::serve_datagrams(lp, sock, &local, &dgram, UDS_BUFFER, out)
        }
        Type::SEQPACKET => {
            let buffer = args.buffer.unwrap_or(UDS_BUFFER);
            echo::serve_listener(lp, Listener::from_socket(sock), &local, &args.server, Some(buffer), out)
        }
        _ => echo::serve_listener(lp, Listener::from_socket(sock), &local, &args.server, None, out),
    }
}

pub fn client(args: UdsClientArgs, out: &mut Printer) -> anyhow::Result<Exit> {
    if let Endpoint::Inet { .. } = args.addr {
        return Err(not_unix(&args.addr));
    }
    let ty = socket_type(args.kind);
    let connection_load = args.load.connections.is_some();
    if ty == Type::SEQPACKET && connection_load && args.load.size.is_some_and(|n| n > SEQPACKET_LOAD_MAX) {
        // echo's load generator reads 64 KiB at a time; on seqpacket a read is a whole message,
        // so a longer echo would be cut short.
        return Err(exit::usage(format!(
            "--size with --seqpacket --connections is at most {SEQPACKET_LOAD_MAX} bytes (one read)"
        )));
    }
    if ty == Type::STREAM || (ty == Type::SEQPACKET && connection_load) {
        let target = echo::ClientTarget {
            addr: &args.addr,
            ty,
            sock: &args.sock,
            trace: args.dgram.trace,
            half_close: true,
        };
        return echo::run_client(&target, args.message.as_deref(), &args.load, out);
    }
    if connection_load {
        return Err(exit::usage("--connections needs connections: use a stream or --seqpacket socket"));
    }
    if args.message.as_deref() == Some("-") {
        return Err(exit::usage("MESSAGE '-' (stdin) is read only by stream sockets"));
    }
    let plan = udp::Plan {
        message: args.message.map(String::into_bytes),
        size: args.load.size,
        count: args.load.count,
        args: args.dgram,
        default_buffer: UDS_BUFFER,
    };
    udp::run_client(&udp::Target { addr: &args.addr, ty, sock: &args.sock }, &plan, out)
}

fn socket_type(kind: UdsKind) -> Type {
    match (kind.dgram, kind.seqpacket) {
        (true, _) => Type::DGRAM,
        (_, true) => Type::SEQPACKET,
        _ => Type::STREAM,
    }
}

fn not_unix(addr: &Endpoint) -> anyhow::Error {
    exit::usage(format!("'{addr}' is not a Unix socket address: give a PATH or @NAME"))
}

/// Makes sure binding `path` will not clobber anything: nothing there is fine; a stale socket
/// file is removed with `--unlink`; a live server's socket and anything that is not a socket
/// are left alone, with a message saying which.
fn clear_the_way(path: &Path, ty: Type, unlink: bool) -> anyhow::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(anyhow::Error::from(e).context(format!("stat {}", path.display()))),
    };
    if !meta.file_type().is_socket() {
        return Err(exit::usage(format!(
            "bind {}: the path exists and is {}, not a socket; refusing to remove it",
            path.display(),
            file_kind(&meta.file_type())
        )));
    }
    let alive = sockopt::unix_socket_alive(path, ty)
        .with_context(|| format!("bind {}: is a server listening there?", path.display()))?;
    if alive {
        return Err(exit::system(format!(
            "bind {}: address in use: a server is listening on it (left alone)",
            path.display()
        )));
    }
    if !unlink {
        return Err(exit::system(format!(
            "bind {}: address in use by a stale socket file (no server answers); \
             --unlink replaces it",
            path.display()
        )));
    }
    fs::remove_file(path).with_context(|| format!("remove stale socket {}", path.display()))
}

fn file_kind(ty: &fs::FileType) -> &'static str {
    if ty.is_dir() {
        "a directory"
    } else if ty.is_symlink() {
        "a symbolic link"
    } else if ty.is_fifo() {
        "a FIFO"
    } else if ty.is_file() {
        "a regular file"
    } else {
        "a device or other special file"
    }
}

/// Runs `bind` with the umask that gives a new socket file exactly `mode`, so the file never
/// exists with wider permissions (a chmod after bind would leave a window).
fn with_mode<T>(mode: Option<u32>, bind: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let Some(mode) = mode else { return bind() };
    // SAFETY: umask has no preconditions; we are single-threaded here and restore it at once.
    let old = unsafe { libc::umask(!mode & 0o777) };
    let result = bind();
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    result
}

/// The socket file this server created; removed on drop, unless something else has replaced
/// it in the meantime (same device and inode, or it is not ours).
struct SocketFile {
    path: PathBuf,
    dev: u64,
    ino: u64,
}

impl SocketFile {
    fn claim(path: &Path) -> anyhow::Result<SocketFile> {
        let meta = fs::symlink_metadata(path).with_context(|| format!("stat {}", path.display()))?;
        Ok(SocketFile { path: path.to_path_buf(), dev: meta.dev(), ino: meta.ino() })
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Ok(meta) = fs::symlink_metadata(&self.path)
            && (meta.dev(), meta.ino()) == (self.dev, self.ino)
        {
            let _ = fs::remove_file(&self.path);
        }
    }
}
