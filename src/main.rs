//! Entry point: parses the command line and runs the command.

use std::process::ExitCode;

use clap::Parser;

use shoulashou::cli::Arguments;

fn main() -> ExitCode {
    ExitCode::from(shoulashou::run::run(Arguments::parse()))
}
