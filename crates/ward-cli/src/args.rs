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
    /// Serve the yente-compatible screening API over HTTP.
    Serve(ServeArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show the audit trail of screening requests.
    Audit(AuditArgs),
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

/// Where the store is: `--database` (a PostgreSQL URL or a data directory), else `--data-dir`.
#[derive(Debug, clap::Args)]
pub struct DatabaseArgs {
    /// A `postgres://` URL (or a data directory) instead of `--data-dir`.
    #[arg(long, env = "WARD_DATABASE")]
    pub database: Option<String>,
}

/// `ward serve`
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub listen: String,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Serve without API keys: anyone who can reach the port may screen and administer.
    /// Local development only.
    #[arg(long)]
    pub no_auth: bool,
    /// Largest request body in bytes.
    #[arg(long, default_value = "1048576")]
    pub max_body: usize,
    /// Requests per second per API key.
    #[arg(long, default_value = "1000")]
    pub rate_limit: u32,
    /// Seconds between checks of the store for lists imported by others.
    #[arg(long, default_value = "5")]
    pub poll_seconds: u64,
}

/// `ward keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it (once: it cannot be shown again).
    Create(KeysCreateArgs),
    /// List the keys (never the keys themselves).
    List(KeysListArgs),
    /// Revoke a key by its id.
    Revoke(KeysRevokeArgs),
}

/// `ward keys create`
#[derive(Debug, clap::Args)]
pub struct KeysCreateArgs {
    /// What the key is for.
    #[arg(long)]
    pub name: String,
    /// What it may do.
    #[arg(long, value_enum, default_value = "screen")]
    pub scope: KeyScope,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Key scopes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyScope {
    /// Screen names.
    Screen,
    /// Screen, import lists, read the audit trail.
    Admin,
}

/// `ward keys list`
#[derive(Debug, clap::Args)]
pub struct KeysListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `ward keys revoke`
#[derive(Debug, clap::Args)]
pub struct KeysRevokeArgs {
    /// The key id (from `ward keys list`).
    pub id: String,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `ward audit`
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Only requests that queried a name containing this (case-insensitive).
    #[arg(long)]
    pub name: Option<String>,
    /// From this time (RFC 3339) or date on.
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this time (RFC 3339) or date.
    #[arg(long)]
    pub to: Option<String>,
    /// Only requests made with this key id.
    #[arg(long)]
    pub key: Option<String>,
    /// Only requests answered with a match.
    #[arg(long)]
    pub matched: bool,
    /// At most this many records, newest first.
    #[arg(long, default_value = "50")]
    pub limit: u64,
    /// Print JSON lines.
    #[arg(long)]
    pub json: bool,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}
