//! One module per subcommand; each reads top to bottom from its `run`.

pub mod echo;
pub mod generate;
pub mod http;
pub mod ping;
pub mod states;
pub mod udp;
pub mod uds;

use crate::cli::{Command, EchoCommand, HttpCommand, UdpCommand, UdsCommand};
use crate::exit::Exit;
use crate::output::Printer;

pub fn run(command: Command, out: &mut Printer) -> anyhow::Result<Exit> {
    match command {
        Command::Echo(EchoCommand::Serve(args)) => echo::serve(args, out),
        Command::Echo(EchoCommand::Client(args)) => echo::client(args, out),
        Command::Generate(args) => generate::run(args),
        Command::Udp(UdpCommand::Serve(args)) => udp::serve(args, out),
        Command::Udp(UdpCommand::Client(args)) => udp::client(args, out),
        Command::Uds(UdsCommand::Serve(args)) => uds::serve(args, out),
        Command::Uds(UdsCommand::Client(args)) => uds::client(args, out),
        Command::Http(HttpCommand::Get(args)) => http::get(args, out),
        Command::Ping(args) => ping::run(args, out),
        Command::States(args) => states::run(args, out),
    }
}
