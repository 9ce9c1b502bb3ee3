//! sockkit: parse, dispatch, map the outcome to an exit code (CLI.md "Exit codes").
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod addr;
mod cli;
mod cmd;
mod event_loop;
mod exit;
mod output;
mod sockopt;
mod units;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let mut out = output::Printer::new(&cli.output);
    match cmd::run(cli.command, &mut out) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) if exit::is_stdout_closed(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let exit = exit::classify(&err);
            out.error(&err, exit.code());
            ExitCode::from(exit.code())
        }
    }
}
