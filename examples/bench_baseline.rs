//! Baselines for the benchmark: the time to read every record file of a
//! campaign, the time to read and parse them with serde_yaml on all cores,
//! and the time to create as many files as a site has in a new folder,
//! measured the same way the tool's own runs are.
//!
//! ```text
//! cargo run --release --example bench_baseline -- read|parse RECORDS_DIR
//! cargo run --release --example bench_baseline -- create NEW_DIR FILES BYTES
//! ```
//!
//! Prints the number of files and bytes; wall time, CPU time and peak memory
//! are measured from outside, by the benchmark script.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, out, files, bytes] = arguments.as_slice()
        && mode == "create"
    {
        return match (files.parse(), bytes.parse()) {
            (Ok(files), Ok(bytes)) => create(Path::new(out), files, bytes),
            _ => {
                eprintln!("FILES and BYTES must be whole numbers");
                ExitCode::from(2)
            }
        };
    }
    let [mode, records] = arguments.as_slice() else {
        eprintln!("usage: bench_baseline read|parse RECORDS_DIR");
        eprintln!("       bench_baseline create NEW_DIR FILES BYTES");
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

/// Creates `files` files of `bytes` bytes each under `out`, spread over 150
/// folders as a site's family pages are over its universities, on all
/// cores. This is what any build into a new folder must do at least.
fn create(out: &Path, files: usize, bytes: usize) -> ExitCode {
    const FOLDERS: usize = 150;
    for folder in 0..FOLDERS {
        if let Err(error) = std::fs::create_dir_all(out.join(format!("u{folder:03}"))) {
            eprintln!("could not create a folder in {}: {error}", out.display());
            return ExitCode::FAILURE;
        }
    }
    let content = vec![b'x'; bytes];
    let failed = (0..files).into_par_iter().find_map_any(|index| {
        let path = out.join(format!("u{:03}/page-{index:06}.html", index % FOLDERS));
        std::fs::write(&path, &content)
            .err()
            .map(|error| (path, error))
    });
    if let Some((path, error)) = failed {
        eprintln!("could not write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }
    println!("{files} files of {bytes} bytes");
    ExitCode::SUCCESS
}
