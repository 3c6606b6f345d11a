//! Entry point: parses the command line and runs the command.

use std::process::ExitCode;

use clap::Parser;

use shoulashou::cli::Arguments;

// Records are decoded and pages rendered on all cores into many small
// strings. glibc's malloc and free took about a fifth of the CPU time in a
// `perf` profile of checking 100,000 families, and mimalloc's per-thread
// heaps are made for this pattern.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(shoulashou::run::run(Arguments::parse()))
}
