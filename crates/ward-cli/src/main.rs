//! `ward`: the command line of the Ward sanctions-screening engine.
//!
//! Flags parse into plain data (`args.rs`), each command lives in its own module, and `main`
//! prints the error chain and sets the exit code.

/// Writes a line to standard output like `println!`, but hands back the error instead of
/// panicking, so that a closed pipe (`ward export | head`) ends the command through its error
/// chain (see [`is_closed_pipe`]).
macro_rules! out {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod args;
mod audit;
mod bench;
mod bench_alerts;
mod bench_desk;
mod bench_import;
mod bench_match;
mod bench_monitor;
mod bench_payments;
mod bench_payments_load;
mod book;
mod compare;
mod decisions;
mod entity;
mod eval;
mod eval_pairs;
mod export;
mod input;
mod keys;
mod lists;
mod lists_diff;
mod matching;
mod ownership;
mod payments;
mod payments_consume;
mod query;
mod screen;
mod serve;
mod users;

use clap::Parser;

/// mimalloc rather than the system allocator: parsing and building a snapshot on every core
/// leaves glibc's per-thread arenas holding a third more memory than the snapshot needs
/// (resident 617 MB against 391 MB with one arena on the bundled lists), and a server keeps it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = args::Args::parse();
    let code = match run(args) {
        Ok(code) => code,
        // The reader closed the pipe early (`ward export | head`): its choice, not an error.
        Err(err) if is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    };
    report_peak_memory();
    code
}

/// Set (to anything), `ward` prints its peak resident memory on stderr as it exits, as
/// [`PEAK_MEMORY_PREFIX`] and a number of KiB: how `ward bench import --synthetic-mb` measures the
/// processes it starts.
pub(crate) const PEAK_MEMORY_ENV: &str = "WARD_REPORT_PEAK_MEMORY";

/// The start of the line [`report_peak_memory`] prints.
pub(crate) const PEAK_MEMORY_PREFIX: &str = "peak memory: ";

/// Prints the kernel's high-water mark of this process's resident memory (`VmHWM` in
/// `/proc/self/status`, Linux only) when [`PEAK_MEMORY_ENV`] is set.
fn report_peak_memory() {
    if std::env::var_os(PEAK_MEMORY_ENV).is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    match peak_kib {
        Some(kib) => eprintln!("{PEAK_MEMORY_PREFIX}{kib} KiB"),
        None => eprintln!("{PEAK_MEMORY_PREFIX}unknown (no VmHWM in /proc/self/status)"),
    }
}

fn run(args: args::Args) -> anyhow::Result<ExitCode> {
    let data_dir = args.data_dir.clone();
    // Commands that only read must not create an empty store where none is: that would screen
    // against no lists, or show an empty audit trail, instead of naming the mistake.
    let reads = match &args.command {
        args::Command::Lists(args::ListsCommand::Show(a)) => Some(&a.db),
        args::Command::Lists(args::ListsCommand::Diff(a)) => Some(&a.db),
        args::Command::Entity(a) => Some(&a.db),
        args::Command::Export(a) if a.paths.is_empty() => Some(&a.db),
        args::Command::Match(a) => Some(&a.db),
        args::Command::Screen(a) => Some(&a.db),
        args::Command::Audit(a) => Some(&a.db),
        args::Command::Book(args::BookCommand::Rescreen(a)) => Some(&a.db),
        args::Command::Alerts(args::AlertsCommand::List(a)) => Some(&a.db),
        args::Command::Decisions(decisions::DecisionsCommand::Export(a)) => Some(&a.db),
        args::Command::Payments(payments::PaymentsCommand::Screen(a)) => Some(&a.db),
        args::Command::Payments(payments::PaymentsCommand::Consume(a)) => Some(&a.db),
        args::Command::Ownership(
            ownership::OwnershipCommand::Blocked(ownership::BlockedArgs { edges, .. })
            | ownership::OwnershipCommand::Explain(ownership::ExplainArgs { edges, .. }),
        ) => Some(&edges.db),
        args::Command::Ownership(ownership::OwnershipCommand::Import(a)) => Some(&a.db),
        _ => None,
    };
    if let Some(db) = reads {
        require_store(&data_dir, db)?;
    }
    match args.command {
        args::Command::Lists(args::ListsCommand::Import(import)) => lists::import(&data_dir, &import),
        args::Command::Lists(args::ListsCommand::Show(show)) => lists::show(&data_dir, &show),
        args::Command::Lists(args::ListsCommand::Rollback(rollback)) => lists::rollback(&data_dir, &rollback),
        args::Command::Lists(args::ListsCommand::Diff(diff)) => lists_diff::run(&data_dir, &diff),
        args::Command::Lists(args::ListsCommand::Update(update)) => lists::update(&data_dir, &update),
        args::Command::Entity(entity) => entity::run(&data_dir, &entity),
        args::Command::Export(export) => export::run(&data_dir, &export),
        args::Command::Match(m) => matching::run(&data_dir, &m),
        args::Command::Compare(c) => compare::run(&c),
        args::Command::Screen(s) => screen::run(&data_dir, &s),
        args::Command::Eval(e) => match &e.command {
            Some(args::EvalCommand::Pairs(pairs)) => eval_pairs::run(pairs),
            Some(args::EvalCommand::Calibrate(calibrate)) => eval_pairs::calibrate(calibrate),
            None => eval::run(&e),
        },
        args::Command::Bench(bench) => bench::run(&bench),
        args::Command::Serve(serve) => serve::run(&data_dir, &serve),
        args::Command::Keys(keys) => keys::run(&data_dir, &keys),
        args::Command::Audit(audit) => audit::run(&data_dir, &audit),
        args::Command::Payments(command) => payments::run(&data_dir, &command),
        args::Command::Book(args::BookCommand::Import(import)) => book::import(&data_dir, &import),
        args::Command::Book(args::BookCommand::Rescreen(rescreen)) => book::rescreen(&data_dir, &rescreen),
        args::Command::Alerts(args::AlertsCommand::List(list)) => book::list_alerts(&data_dir, &list),
        args::Command::Ownership(command) => ownership::run(&data_dir, &command),
        args::Command::Users(command) => users::run(&data_dir, &command),
        args::Command::Decisions(command) => decisions::run(&data_dir, &command),
    }
}

/// Fails unless the `SQLite` store a read-only command would open exists (a `PostgreSQL` store is
/// checked when connecting).
fn require_store(data_dir: &std::path::Path, db: &args::DatabaseArgs) -> anyhow::Result<()> {
    let dir = match db.database.as_deref().map(ward_store::Location::parse) {
        Some(ward_store::Location::Postgres { .. }) => return Ok(()),
        Some(ward_store::Location::Sqlite { data_dir: dir }) => dir,
        None => data_dir.to_path_buf(),
    };
    anyhow::ensure!(
        dir.join(ward_store::DB_FILE).is_file(),
        "no Ward store in {}: run `ward lists import` first",
        dir.display()
    );
    Ok(())
}

/// Whether the error, or any error it was caused by, is a write to a pipe whose reader has gone
/// (as ripgrep tells it, by the I/O error's kind, not by its message).
fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
