//! Command-line arguments as typed by the user, and their resolution into
//! the options each command runs with.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::error::Error;
use crate::lang::Lang;
use crate::load::LoadOptions;

/// Turns YAML records of a volunteer pairing programme into validated HTML reports
/// and Attachment 2 workbooks.
#[derive(Debug, Parser)]
#[command(name = "shoulashou", version, about)]
pub struct Arguments {
    #[command(subcommand)]
    pub command: Command,
    /// Print only diagnostics, their count and failures
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Language of messages [default: Chinese, or English when LANG names another language]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// When to colour diagnostics; `auto` colours only on a terminal and honours NO_COLOR
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When diagnostics are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every record, then render the site and the workbooks
    Build(BuildArguments),
    /// Validate every record without writing anything
    Check(CheckArguments),
    /// Print the long explanation of a check, with a wrong and a corrected example
    Explain(ExplainArguments),
    /// Write a family or team file with every key commented, ready to fill in
    New(crate::scaffold::NewArguments),
    /// Print the JSON Schema of a format, or write all three with --out, for editors
    Schema(crate::schema::SchemaArguments),
    /// Turn a filled-in Attachment 2 workbook into one family record per row
    Import(ImportArguments),
    /// Build, serve the site on 127.0.0.1 and rebuild it whenever a record changes
    Serve(ServeArguments),
}

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArguments {
    /// Attachment 2 workbook (.xlsx, .xls or .ods) as a university filled it in
    #[arg(value_name = "WORKBOOK")]
    pub workbook: PathBuf,
    /// University whose rows are imported; rows naming another university are skipped
    #[arg(long, value_name = "NAME")]
    pub university: String,
    /// Folder of record files; the records go into its subfolder named after the university
    #[arg(long, value_name = "DIR", default_value = "records")]
    pub records: PathBuf,
}

/// Options of `serve`: those of `build` plus the port.
#[derive(Debug, Args)]
pub struct ServeArguments {
    #[command(flatten)]
    pub build: BuildArguments,
    /// TCP port to listen on at 127.0.0.1; 0 picks a free port
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArguments {
    /// Code of the check, such as E014 or W002
    pub code: String,
}

/// Options shared by `check` and `build`.
#[derive(Debug, Args)]
pub struct CommonArguments {
    /// Folder of record files
    #[arg(long, value_name = "DIR", default_value = "records")]
    pub records: PathBuf,
    /// Campaign file [default: campaign.yaml when present]
    #[arg(long, value_name = "FILE")]
    pub campaign: Option<PathBuf>,
    /// Date the follow-up checks count from, as YYYY-MM-DD
    /// [default: the campaign's `as_of`, else today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Treat warnings as errors
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArguments {
    #[command(flatten)]
    pub common: CommonArguments,
    /// Output folder, replaced as a whole after a successful build
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub out: PathBuf,
    /// Folder whose files override the built-in templates of the same name
    /// [default: templates when present]
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Show phone numbers and street addresses in full in the HTML pages
    #[arg(long)]
    pub unmasked: bool,
    /// Replace the output folder even if shoulashou did not write it
    #[arg(long)]
    pub force: bool,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArguments {
    #[command(flatten)]
    pub common: CommonArguments,
    /// Diagnostics as text for people or as one JSON document on stdout
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| {
        format!("`{text}` is not a valid date; write YYYY-MM-DD, for example 2020-03-01")
    })
}

impl CommonArguments {
    /// Resolves defaults: the campaign file when present, today's date.
    pub fn load_options(&self) -> Result<LoadOptions, Error> {
        let campaign = match &self.campaign {
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from("campaign.yaml")).filter(|path| Path::new(path).is_file()),
        };
        Ok(LoadOptions {
            records: self.records.clone(),
            campaign,
            as_of: self.as_of,
            keep_text: false,
            store: None,
        })
    }
}

impl BuildArguments {
    /// Resolves the templates folder: the one given, which must exist, else
    /// `templates` when present.
    pub fn templates_dir(&self) -> Result<Option<PathBuf>, Error> {
        match &self.templates {
            Some(dir) if dir.is_dir() => Ok(Some(dir.clone())),
            Some(dir) => Err(Error::Usage(format!(
                "the templates folder {} does not exist or is not a folder",
                dir.display()
            ))),
            None => Ok(Some(PathBuf::from("templates")).filter(|dir| dir.is_dir())),
        }
    }
}
