//! One module per subcommand; each reads top to bottom from its `run`.

pub mod echo;
pub mod generate;
pub mod http;
pub mod ping;
pub mod states;

use crate::cli::{Command, EchoCommand, HttpCommand};
use crate::exit::{self, Exit};
use crate::output::Printer;

pub fn run(command: Command, out: &mut Printer) -> anyhow::Result<Exit> {
    match command {
        Command::Echo(EchoCommand::Serve(args)) => echo::serve(args, out),
        Command::Echo(EchoCommand::Client(args)) => echo::client(args, out),
        Command::Generate(args) => generate::run(args),
        Command::Udp(_) => Err(exit::usage("'udp' is not built yet")),
        Command::Uds(_) => Err(exit::usage("'uds' is not built yet")),
        Command::Http(HttpCommand::Get(args)) => http::get(args, out),
        Command::Ping(args) => ping::run(args, out),
        Command::States(args) => states::run(args, out),
    }
}
