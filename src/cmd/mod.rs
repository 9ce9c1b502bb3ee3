//! One module per subcommand; each reads top to bottom from its `run`.

pub mod echo;
pub mod generate;
pub mod udp;
pub mod uds;

use crate::cli::{Command, EchoCommand, UdpCommand, UdsCommand};
use crate::exit::{self, Exit};
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
        Command::Http(_) => Err(exit::usage("'http' is not built yet")),
        Command::Ping(_) => Err(exit::usage("'ping' is not built yet")),
        Command::States(_) => Err(exit::usage("'states' is not built yet")),
    }
}
