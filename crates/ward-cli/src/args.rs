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
    /// Measure import speed (and, later, matching speed) on real lists.
    Bench(BenchArgs),
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
}

/// Benchmarks.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BenchTarget {
    /// Parse, link and store every given list.
    Import,
}
