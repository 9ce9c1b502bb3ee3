//! One module per subcommand; each reads top to bottom from its `run`.

pub mod echo;
pub mod generate;
pub mod http;
pub mod ping;
pub mod states;
pub mod udp;
pub mod uds;

use crate::cli::{Command, EchoCommand, HttpCommand, Lazy, UdpCommand, UdsCommand};
use crate::exit::Exit;
use crate::output::Printer;

pub fn run(command: Command, out: &mut Printer) -> anyhow::Result<Exit> {
    match command {
        Command::Echo(Lazy(EchoCommand::Serve(args))) => echo::serve(args, out),
        Command::Echo(Lazy(EchoCommand::Client(args))) => echo::client(args, out),
        Command::Generate(Lazy(args)) => generate::run(args),
        Command::Udp(Lazy(UdpCommand::Serve(args))) => udp::serve(args, out),
        Command::Udp(Lazy(UdpCommand::Client(args))) => udp::client(args, out),
        Command::Uds(Lazy(UdsCommand::Serve(args))) => uds::serve(args, out),
        Command::Uds(Lazy(UdsCommand::Client(args))) => uds::client(args, out),
        Command::Http(Lazy(HttpCommand::Get(args))) => http::get(args, out),
        Command::Ping(Lazy(args)) => ping::run(args, out),
        Command::States(Lazy(args)) => states::run(args, out),
    }
}
