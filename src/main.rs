//! Entry point: parses the command line and runs the command.

use std::process::ExitCode;

use clap::Parser;

use shoulashou::cli::Arguments;

// Records are decoded and pages rendered on all cores into many small
// strings; mimalloc's per-thread heaps avoid the lock contention that the
// system allocator showed in profiles of large builds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(shoulashou::run::run(Arguments::parse()))
}
