//! Failures to run, as opposed to problems in records: I/O, templates and
//! workbooks. Each maps to exit status 2.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A failure that stops the tool before or while writing output.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    Io { path: PathBuf, source: io::Error },
    /// A template failed to parse or render.
    Template { name: String, message: String },
    /// A workbook could not be written.
    Workbook { path: PathBuf, message: String },
    /// The command line or the environment is unusable.
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(formatter, "{}: {source}", path.display()),
            Error::Template { name, message } => {
                write!(formatter, "template `{name}` failed: {message}")
            }
            Error::Workbook { path, message } => {
                write!(
                    formatter,
                    "workbook {} could not be written: {message}",
                    path.display()
                )
            }
            Error::Usage(message) => formatter.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
