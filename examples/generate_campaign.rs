//! Writes a synthetic campaign for benchmarks and demos:
//!
//! ```text
//! cargo run --release --example generate_campaign -- --families N --seed S --out DIR [--errors K]
//! ```
//!
//! `--errors K` puts one known error into each of K families and prints one
//! line per error to stdout: `<path relative to DIR>\t<key path>\t<description>`.

use std::path::PathBuf;
use std::process::ExitCode;

use shoulashou::generate::{GenerateOptions, generate};

const USAGE: &str = "usage: generate_campaign --families N --seed S --out DIR [--errors K]";

fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--help" || arg == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&options) {
        Ok(injected) => {
            for error in injected {
                println!("{}\t{}\t{}", error.file, error.key_path, error.description);
            }
            eprintln!(
                "wrote {} families to {}",
                options.families,
                options.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<GenerateOptions, String> {
    let (mut families, mut seed, mut out, mut errors) = (None, None, None, 0);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("missing value for {flag}"))?;
        let number = || {
            let message = format!("invalid {flag} {value:?}: expected a whole number");
            value.parse::<u64>().map_err(|_| message)
        };
        match flag.as_str() {
            "--families" => families = Some(number()? as usize),
            "--seed" => seed = Some(number()?),
            "--errors" => errors = number()? as usize,
            "--out" => out = Some(PathBuf::from(&value)),
            _ => return Err(format!("unknown option {flag:?}")),
        }
    }
    Ok(GenerateOptions {
        families: families
            .filter(|&n| n > 0)
            .ok_or("--families N (at least 1) is required")?,
        seed: seed.ok_or("--seed S is required")?,
        out: out.ok_or("--out DIR is required")?,
        errors,
    })
}
