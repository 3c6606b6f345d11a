//! Baselines for the benchmark: the time to read every record file of a
//! campaign, and the time to read and parse them with serde_yaml on all
//! cores, measured the same way the tool's own runs are.
//!
//! ```text
//! cargo run --release --example bench_baseline -- read|parse RECORDS_DIR
//! ```
//!
//! Prints the number of files and bytes; wall time, CPU time and peak memory
//! are measured from outside, by the benchmark script.

use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [mode, records] = arguments.as_slice() else {
        eprintln!("usage: bench_baseline read|parse RECORDS_DIR");
        return ExitCode::from(2);
    };
    let files: Vec<PathBuf> = WalkDir::new(records)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    let parse = match mode.as_str() {
        "read" => false,
        "parse" => true,
        _ => {
            eprintln!("unknown mode {mode:?}: use read or parse");
            return ExitCode::from(2);
        }
    };
    let bytes: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if parse {
                let value: Result<serde_yaml::Value, _> = serde_yaml::from_str(&text);
                std::hint::black_box(value.is_ok());
            }
            text.len()
        })
        .sum();
    println!("{} files, {bytes} bytes", files.len());
    ExitCode::SUCCESS
}
