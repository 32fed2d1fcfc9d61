//! Command-line flags, parsed by clap into plain data; commands resolve them further.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Ward: sanctions screening from the official lists.
#[derive(Debug, Parser)]
#[command(name = "ward", version, about)]
pub struct Args {
    /// The data directory holding the store.
    #[arg(long, global = true, env = "WARD_DATA_DIR", default_value = "ward-data")]
    pub data_dir: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Ward's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import and inspect sanctions lists.
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Show one subject (by its id or any of its referents) with all its designations.
    Entity(EntityArgs),
    /// Write the subjects as FollowTheMoney JSON lines to stdout.
    Export(ExportArgs),
    /// Screen names against the current lists: one from the command line, or a JSONL file.
    Match(MatchArgs),
    /// Score query/candidate entity pairs from a JSONL file, with explanations.
    Compare(CompareArgs),
    /// Screen a CSV file of customers.
    Screen(ScreenArgs),
    /// Measure import and matching speed on real lists (medians, with a baseline).
    Bench(BenchArgs),
    /// Score matching on the labelled dev set: recall, precision, F1, threshold sweep.
    Eval(EvalArgs),
}

/// `ward match`
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// The name to screen (any script, any order).
    pub name: Option<String>,
    /// Date of birth (or build date): 1950, 1950-03, 1950-03-21, 21/03/1950.
    #[arg(long)]
    pub dob: Option<String>,
    /// Nationality or country: code or name (repeatable).
    #[arg(long)]
    pub country: Vec<String>,
    /// Entity kind: person, organization, company, vessel, aircraft.
    #[arg(long)]
    pub kind: Option<String>,
    /// Gender: male or female.
    #[arg(long)]
    pub gender: Option<String>,
    /// An identifier: passport, national id, IMO, BIC, LEI, crypto address (repeatable).
    #[arg(long)]
    pub id: Vec<String>,
    /// Only subjects listed in this dataset (repeatable), e.g. us_ofac_sdn.
    #[arg(long)]
    pub dataset: Vec<String>,
    /// Score from which a hit is a match (default: the engine's, see `ward eval`).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Most results per query.
    #[arg(long, default_value = "5")]
    pub limit: usize,
    /// JSON lines of yente-shaped query entities ({"id", "schema", "properties": {...}}).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Where to write the results of --input (default stdout).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ward compare`
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// JSON lines of {"query": entity, "candidate": entity}.
    #[arg(long)]
    pub input: PathBuf,
    /// Score from which a pair is a match.
    #[arg(long)]
    pub threshold: Option<f32>,
}

/// Output formats of `ward screen`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScreenFormat {
    /// One CSV row per customer with the best hit.
    Csv,
    /// One JSON line per customer with up to three hits.
    Jsonl,
}

/// `ward screen`
#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    /// The customers: a CSV file with a header row.
    pub input: PathBuf,
    /// The column holding the name.
    #[arg(long)]
    pub name_column: String,
    /// The column holding the date of birth.
    #[arg(long)]
    pub dob_column: Option<String>,
    /// The column holding the nationality or country.
    #[arg(long)]
    pub country_column: Option<String>,
    /// The column holding the customer's own id, copied to the output.
    #[arg(long)]
    pub id_column: Option<String>,
    /// Entity kind of every row: person, organization, vessel, aircraft.
    #[arg(long)]
    pub kind: Option<String>,
    /// Score from which a hit is a match.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ScreenFormat,
    /// Output file (default stdout).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `ward lists ...`
#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Import list files or folders into the store; each becomes a new version of its list.
    Import(ImportArgs),
    /// Show the lists in the store, their versions and counts.
    Show(ShowArgs),
}

/// `ward lists import`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders (a folder holding sdn.csv and its siblings is one OFAC list).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print every diagnostic, not only the first few of each list.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `ward lists show`
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Show every version, not only the current ones.
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ward entity`
#[derive(Debug, clap::Args)]
pub struct EntityArgs {
    /// Subject id or referent, e.g. `us_ofac_sdn:31492` or `un_sc_sanctions:QDi.001`.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// FollowTheMoney entity JSON lines.
    Ftm,
}

/// `ward export`
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "ftm")]
    pub format: ExportFormat,
    /// List files or folders to export; without any, the store's current versions.
    pub paths: Vec<PathBuf>,
}

/// `ward bench`
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum)]
    pub what: BenchTarget,
    /// List files or folders (default: the bundled snapshot in data/lists).
    pub paths: Vec<PathBuf>,
    /// Repetitions; the median is reported.
    #[arg(long, default_value = "5")]
    pub runs: usize,
    /// Queries to time (match, scale).
    #[arg(long, default_value = "5000")]
    pub queries: usize,
    /// Synthetic subjects (scale).
    #[arg(long, default_value = "1000000")]
    pub subjects: usize,
}

/// `ward eval`
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// List files or folders (default: the bundled snapshot in data/lists, which the dev set
    /// was generated from).
    pub paths: Vec<PathBuf>,
    /// The dev set (JSON lines of `ward_eval::DevCase`).
    #[arg(long, default_value = "testdata/eval/dev.jsonl")]
    pub dev: PathBuf,
    /// Threshold to report at (default: the engine's).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Also print recall, precision and F1 at thresholds from 0.55 to 0.95.
    #[arg(long)]
    pub sweep: bool,
    /// Print the cases that fail at the threshold (missed positives, alerting negatives).
    #[arg(long)]
    pub show_misses: Option<usize>,
    /// Instead of the dev set, screen these names (repeatable) and print the hits explained.
    #[arg(long)]
    pub query: Vec<String>,
}

/// Benchmarks.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BenchTarget {
    /// Parse, link and store every given list.
    Import,
    /// Build the screening snapshot and run queries: latency, throughput, memory, brute-force baseline.
    Match,
    /// The same on a seeded synthetic corpus of `--subjects` subjects drawn from real names.
    Scale,
}
