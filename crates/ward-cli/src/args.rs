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
    /// Write the subjects as `FollowTheMoney` JSON lines to stdout.
    Export(ExportArgs),
    /// Screen names against the current lists: one from the command line, or a JSONL file.
    Match(MatchArgs),
    /// Score query/candidate entity pairs from a JSONL file, with explanations.
    Compare(CompareArgs),
    /// Screen a CSV file of customers.
    Screen(ScreenArgs),
    /// Measure accuracy on the labelled dev set: recall, alert rate, precision, F1, recall@1.
    Eval(EvalArgs),
    /// Measure import and matching speed on real lists (medians, with a baseline).
    Bench(BenchArgs),
    /// Serve the yente-compatible screening API over HTTP.
    Serve(ServeArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show the audit trail of screening requests.
    Audit(AuditArgs),
    /// Monitored customer books: import customers, re-screen.
    #[command(subcommand)]
    Book(BookCommand),
    /// The alerts raised by monitored books.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Screen payment messages (ISO 20022, SWIFT MT) field by field: hold or release.
    #[command(subcommand)]
    Payments(crate::payments::PaymentsCommand),
    /// Parties blocked by ownership or control (OFAC 50% rule, EU, UK), with their paths.
    #[command(subcommand)]
    Ownership(crate::ownership::OwnershipCommand),
    /// The people who sign in to the review desk.
    #[command(subcommand)]
    Users(crate::users::UsersCommand),
    /// The review desk's decisions on alerts: export a period's for an examiner.
    #[command(subcommand)]
    Decisions(crate::decisions::DecisionsCommand),
}

/// `ward eval`
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EvalArgs {
    /// A pairwise evaluation instead of the dev set's.
    #[command(subcommand)]
    pub command: Option<EvalCommand>,
    /// The labelled dev set (JSON lines of ward-eval cases).
    #[arg(long, default_value = "testdata/eval/dev.jsonl")]
    pub dev_set: PathBuf,
    /// The lists to screen against (default: the bundled snapshot the dev set was made from).
    pub paths: Vec<PathBuf>,
    /// Threshold for the main report (default: the engine's).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Keep the queried names in the snapshot (measures indexing only, not matching).
    #[arg(long)]
    pub no_holdout: bool,
    /// Print up to N missed cases and N false alerts per category.
    #[arg(long, default_value = "0")]
    pub show_misses: usize,
}

/// `ward eval` subcommands.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Score labelled name pairs: ROC AUC, precision, recall and F1 at the threshold, and a
    /// calibration table, by category and script.
    Pairs(EvalPairsArgs),
    /// Fit the raw score -> probability calibration (isotonic regression) on the training
    /// pairs and write it where ward-score compiles it in.
    Calibrate(EvalCalibrateArgs),
}

/// `ward eval calibrate`
#[derive(Debug, clap::Args)]
pub struct EvalCalibrateArgs {
    /// The pairs to fit on.
    #[arg(long, default_value = "data/eval/pairs-train.tsv")]
    pub file: PathBuf,
    /// Where to write the table.
    #[arg(long, default_value = "crates/ward-score/data/calibration.tsv")]
    pub output: PathBuf,
}

/// `ward eval pairs`
#[derive(Debug, clap::Args)]
pub struct EvalPairsArgs {
    /// Mine the pairs from the bundled lists and write the train and held-out files instead.
    #[arg(long)]
    pub generate: bool,
    /// The lists --generate mines.
    #[arg(long, default_value = "data/lists")]
    pub lists: PathBuf,
    /// Where --generate writes pairs-train.tsv and pairs-heldout.tsv.
    #[arg(long, default_value = "data/eval")]
    pub out_dir: PathBuf,
    /// The pairs to score.
    #[arg(long, default_value = "data/eval/pairs-heldout.tsv")]
    pub file: PathBuf,
    /// Threshold for precision, recall and F1 (default: the engine's).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also report the scores read as probabilities through the compiled-in calibration.
    #[arg(long)]
    pub calibrated: bool,
    /// Instead of the report, list the pairs on the wrong side of the threshold (missed same
    /// pairs and alerting different ones) as TSV: the score, then the pair's columns.
    #[arg(long)]
    pub errors: bool,
}

/// `ward match`
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The name to screen (any script, any order).
    pub name: Option<String>,
    /// Date of birth (or build date): 1950, 1950-03, 1950-03-21, 21/03/1950.
    #[arg(long)]
    pub dob: Option<String>,
    /// Nationality or country: code or name (repeatable).
    #[arg(long)]
    pub country: Vec<String>,
    /// Entity kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Gender.
    #[arg(long, value_enum)]
    pub gender: Option<GenderArg>,
    /// An identifier: passport, national id, IMO, BIC, LEI, crypto address (repeatable).
    #[arg(long)]
    pub id: Vec<String>,
    /// Only subjects listed in this dataset (repeatable), e.g. `us_ofac_sdn`.
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
    /// Write no audit record per query, only one saying that N queries ran unaudited.
    #[arg(long)]
    pub no_audit: bool,
}

/// The entity kinds a query can name (`--kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A natural person.
    Person,
    /// An organisation not known to be a company.
    #[value(alias = "organisation")]
    Organization,
    /// A company.
    Company,
    /// A party of unknown kind.
    #[value(name = "legal-entity", alias = "legalentity")]
    LegalEntity,
    /// A ship.
    #[value(alias = "ship")]
    Vessel,
    /// An aircraft.
    #[value(alias = "airplane")]
    Aircraft,
}

impl KindArg {
    /// The schema a query of this kind has.
    pub fn schema(self) -> ward_model::Schema {
        match self {
            KindArg::Person => ward_model::Schema::Person,
            KindArg::Organization => ward_model::Schema::Organization,
            KindArg::Company => ward_model::Schema::Company,
            KindArg::LegalEntity => ward_model::Schema::LegalEntity,
            KindArg::Vessel => ward_model::Schema::Vessel,
            KindArg::Aircraft => ward_model::Schema::Airplane,
        }
    }
}

/// The genders a query can name (`--gender`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenderArg {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl GenderArg {
    /// The model's gender.
    pub fn gender(self) -> ward_model::Gender {
        match self {
            GenderArg::Male => ward_model::Gender::Male,
            GenderArg::Female => ward_model::Gender::Female,
        }
    }
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
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The customers: a CSV file with a header row, or JSON lines.
    pub input: PathBuf,
    /// Which columns (or JSON keys) hold what.
    #[command(flatten)]
    pub columns: CustomerColumns,
    /// Score from which a hit is a match.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ScreenFormat,
    /// Output file (default stdout).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Write no audit record per row, only one saying that N rows ran unaudited.
    #[arg(long)]
    pub no_audit: bool,
}

/// Where a customer file holds each field: the columns of a CSV file's header, or the keys of
/// JSON lines. Shared by `ward screen` and `ward book import`.
#[derive(Debug, clap::Args)]
pub struct CustomerColumns {
    /// The column holding the name.
    #[arg(long)]
    pub name_column: String,
    /// The column holding the date of birth.
    #[arg(long)]
    pub dob_column: Option<String>,
    /// The column holding the nationality or country.
    #[arg(long)]
    pub country_column: Option<String>,
    /// The column holding the customer's own id.
    #[arg(long)]
    pub id_column: Option<String>,
    /// The column holding identifiers (passport, registration numbers), several separated by `;`.
    #[arg(long)]
    pub identifier_column: Option<String>,
    /// Entity kind of every row.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// The field delimiter of a CSV input: one ASCII character, or `tab`.
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// The input's character encoding: `utf-8`, `latin1` (ISO-8859-1), `windows-1252` or another
    /// ASCII-compatible WHATWG label.
    #[arg(long, default_value = "utf-8")]
    pub encoding: String,
}

/// `ward book ...`
#[derive(Debug, Subcommand)]
pub enum BookCommand {
    /// Import customers into a monitored book (inserted or updated by id) and screen the new
    /// and changed ones.
    Import(BookImportArgs),
    /// Re-screen a book against the current lists.
    Rescreen(BookRescreenArgs),
}

/// `ward book import`
#[derive(Debug, clap::Args)]
pub struct BookImportArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The customers: a CSV file with a header row, or JSON lines (`.jsonl`, `.ndjson`).
    pub input: PathBuf,
    /// The book.
    #[arg(long)]
    pub book: String,
    /// Also remove the book's customers that are not in the file.
    #[arg(long)]
    pub replace: bool,
    /// Which columns (or JSON keys) hold what; `--id-column` is required.
    #[command(flatten)]
    pub columns: CustomerColumns,
}

/// `ward book rescreen`
#[derive(Debug, clap::Args)]
pub struct BookRescreenArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The book.
    #[arg(long)]
    pub book: String,
    /// Every customer against every current list, not only what changed since the last
    /// screening.
    #[arg(long)]
    pub full: bool,
}

/// `ward alerts ...`
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List the alerts of monitored books, oldest first.
    List(AlertsListArgs),
}

/// `ward alerts list`
#[derive(Debug, clap::Args)]
pub struct AlertsListArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Only this book's alerts.
    #[arg(long)]
    pub book: Option<String>,
    /// Only alerts with this status: open, confirmed, dismissed or closed.
    #[arg(long)]
    pub status: Option<String>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// `ward lists ...`
#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Import list files or folders into the store; each becomes a new version of its list.
    Import(ImportArgs),
    /// Show the lists in the store, their versions and counts.
    Show(ShowArgs),
    /// Make an earlier version of a list current again (as a new version pointing at it).
    Rollback(RollbackArgs),
    /// What changed between two versions of a list: records added, removed and amended.
    Diff(DiffArgs),
    /// Fetch the official lists from their publishers and import each new one (guarded like
    /// `lists import`); one line per source. Exit status 1 when a source failed.
    Update(UpdateArgs),
}

/// `ward lists diff`
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The list (dataset), as `ward lists show` names it.
    pub dataset: String,
    /// The older version's number (`ward lists show DATASET`); default: the version before --to.
    #[arg(long)]
    pub from: Option<i64>,
    /// The newer version's number; default: the current version.
    #[arg(long)]
    pub to: Option<i64>,
    /// Print JSON: the two versions, the counts, and every record with what changed.
    #[arg(long)]
    pub json: bool,
}

/// `ward lists update`
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The sources to update, by name (`--list-sources` names them); default: every source.
    #[arg(value_name = "SOURCE")]
    pub names: Vec<String>,
    /// A TOML or JSON file that changes the built-in source table (URLs, tokens, added or
    /// disabled sources, HTTP settings).
    #[arg(long = "sources", value_name = "FILE", env = "WARD_SOURCES")]
    pub sources_file: Option<PathBuf>,
    /// Let a new version that holds no records, or removes more than --max-shrink of the
    /// current version's records, become current (the publisher really removed them).
    /// Recorded with the version and in the audit trail.
    #[arg(long, alias = "allow-shrink")]
    pub force: bool,
    /// The largest share of the current version's records a new version may remove, as a
    /// percentage (`10`, `25%`); `DATASET=SHARE` sets it for one list. Repeatable.
    #[arg(long, value_name = "[DATASET=]PERCENT")]
    pub max_shrink: Vec<String>,
    /// Print the source table (name, dataset, URL, token variable) and exit.
    #[arg(long)]
    pub list_sources: bool,
}

/// `ward lists rollback`
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The list (dataset), as `ward lists show` names it.
    pub dataset: String,
    /// The version number to make current; default: the newest earlier version whose content
    /// differs from the current one.
    #[arg(long)]
    pub to: Option<i64>,
}

/// `ward lists import`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Files or folders (a folder holding sdn.csv and its siblings is one OFAC list).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print every diagnostic, not only the first few of each list.
    #[arg(long, short)]
    pub verbose: bool,
    /// Let a version that holds no records, or removes more than --max-shrink of the current
    /// version's records, become current (the publisher really removed them). Recorded with
    /// the version.
    #[arg(long)]
    pub allow_shrink: bool,
    /// The largest share of the current version's records a new version may remove, as a
    /// percentage (`10`, `25%`); `DATASET=SHARE` sets it for one list. Repeatable.
    #[arg(long, value_name = "[DATASET=]PERCENT")]
    pub max_shrink: Vec<String>,
}

/// `ward lists show`
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// One list: every version of it, with counts, notes and which is current.
    pub dataset: Option<String>,
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
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Subject id or referent, e.g. `us_ofac_sdn:31492` or `un_sc_sanctions:QDi.001`.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// `FollowTheMoney` entity JSON lines.
    Ftm,
}

/// `ward export`
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
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
    /// Synthetic subjects (scale), or companies of the synthetic registry (ownership).
    #[arg(long, alias = "companies", default_value = "1000000")]
    pub subjects: usize,
    /// Import: instead of the given lists, write a seeded synthetic OpenSanctions-like `FtM` file
    /// of this many MB and measure reading and importing it in child processes (time, MB/s,
    /// peak memory).
    #[arg(long)]
    pub synthetic_mb: Option<u64>,
    /// How a `read` child reads its file.
    #[arg(long, value_enum, default_value = "streaming", hide = true)]
    pub read_mode: ReadMode,
    /// Payments: serve `POST /screen/payment` on loopback and send it the real samples at
    /// `--rate` per second for `--seconds` (open loop): p50, p99, max and the achieved rate.
    #[arg(long, conflicts_with = "nats")]
    pub http: bool,
    /// Payments: time `ward payments consume` with 1 and 2 consumers on this `JetStream` server
    /// over `--queries` generated messages.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "nats://127.0.0.1:4222")]
    pub nats: Option<String>,
    /// Payments over HTTP: requests per second.
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Payments over HTTP: seconds per run.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Payments over HTTP: the sample messages (default `$WARD_SHARED_DATA/payments`, else
    /// `../shared/data/payments`).
    #[arg(long, value_name = "DIR")]
    pub samples: Option<PathBuf>,
}

/// How `ward bench read` reads a list file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadMode {
    /// `read_unit`: the whole list in memory.
    Whole,
    /// `read_unit_streaming`, counting the entities handed over.
    Streaming,
    /// Only the SHA-256 of the file: the I/O floor.
    Sha256,
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
    /// Read and screen `--queries` generated pacs.008 and MT103 messages: msgs/s per core,
    /// p50/p99, against the party names alone through the matcher. With `--http`: `POST
    /// /screen/payment` at a fixed rate; with `--nats`: `ward payments consume` through
    /// `JetStream`; both against in-process screening of the same messages.
    Payments,
    /// A monitored book of `--queries` synthetic customers screened against the first of two
    /// given list versions, then brought up to the second by the delta re-screen, against a full
    /// re-screen measured in the same run.
    Monitor,
    /// The review desk's alert queue page over a book of 100,000 alerts (keyset pages through
    /// the router), against reading, sorting and paging the alerts in memory.
    Desk,
    /// The ownership fixed point (OFAC, EU, UK) over a seeded synthetic power-law registry of
    /// `--subjects` parties: time per rule set and peak memory.
    Ownership,
    /// The review desk's alert queue with 100,000 alerts: median page time by filter, sort
    /// and depth, against reading every alert of the book and sorting in memory.
    Alerts,
    /// Read one list file as `--read-mode` says and print its entity count (the child process
    /// that `import --synthetic-mb` measures).
    #[value(hide = true)]
    Read,
}

/// Where the store is: `--database` (a `PostgreSQL` URL or a data directory), else `--data-dir`.
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
    /// Seconds a verified API key is trusted without asking the store: a key revoked with
    /// `ward keys revoke` or on another replica keeps working here for up to this long (0: ask
    /// the store on every request).
    #[arg(long, default_value_t = ward_http::DEFAULT_KEY_CACHE_TTL.as_secs())]
    pub key_cache_seconds: u64,
    /// Most connections served at once. Past it a small reserve serves only /healthz and
    /// /readyz (other routes answer 503 overloaded); past the reserve, connections are closed.
    #[arg(long, default_value_t = ward_http::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a client may take to send a request's headers (idle keep-alive included).
    #[arg(long, default_value_t = ward_http::DEFAULT_HEADER_TIMEOUT.as_secs())]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's whole body (408 after it; list uploads
    /// are exempt).
    #[arg(long, default_value_t = ward_http::DEFAULT_BODY_TIMEOUT.as_secs())]
    pub body_timeout: u64,
    /// Seconds a list upload or rollback waits for the snapshot that includes it before it
    /// answers `"snapshot": "rebuilding"` (the rebuild goes on).
    #[arg(long, default_value_t = ward_http::DEFAULT_REBUILD_WAIT.as_secs())]
    pub rebuild_wait: u64,
    /// Fetch the lists from their publishers on this interval (`1h`, `30m`, `1d`), as `ward
    /// lists update` does; a failure is logged and counted in /metrics, never stops the server.
    #[arg(long, value_name = "INTERVAL", value_parser = crate::lists::parse_interval)]
    pub update_every: Option<std::time::Duration>,
    /// The sources file of the updates (see `ward lists update --sources`); used with
    /// `--update-every`.
    #[arg(long = "update-sources", value_name = "FILE", env = "WARD_SOURCES")]
    pub update_sources: Option<PathBuf>,
    /// Post every alert event to this webhook, signed with `--webhook-secret` (repeatable).
    #[arg(long)]
    pub webhook: Vec<String>,
    /// The secret webhook events are signed with (HMAC-SHA256 over `timestamp.body`).
    #[arg(long, env = "WARD_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Publish every alert event to NATS `JetStream` at this URL (`nats://127.0.0.1:4222`), on
    /// the subjects `ward.alerts.created` and `ward.alerts.updated`.
    #[arg(long)]
    pub nats: Option<String>,
    /// The geography table `POST /screen/payment` screens places with, and its switches.
    #[command(flatten)]
    pub geography: crate::payments::GeographyArgs,
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
    /// Screen, import lists, read the audit trail and alerts.
    Admin,
    /// Read the alerts of monitored customer books.
    Review,
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
