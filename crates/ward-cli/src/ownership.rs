//! `ward ownership import FILE`: ownership and control edges stored as a new version beside the
//! lists, each party tied to a listed subject where it is one; `ward ownership blocked|explain`:
//! the parties that the current lists reach by ownership and control under the OFAC 50% rule,
//! the EU or the UK test (ward-ownership), with the path that proves each, from the stored
//! current version (or from `--edges FILE`). The listed persons and entities of the rule set's
//! lists are the seeds.
//!
//! Parties are tied by referent (`dataset:record`, a subject id, an `FtM` referent), by
//! identifier, or by exact name (`ward_ownership::tie`); at import, a party named but not tied
//! so is tied by the matcher where one subject scores at or above the threshold and no other
//! scores as high (the score is stored with the tie; equal best scores are reported, not
//! guessed).

use crate::args::DatabaseArgs;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use ward_engine::{MatchOptions, Query, Screener};
use ward_model::{PartialDate, Subject};
use ward_ownership::read::{read_csv, read_ftm, EdgeFile};
use ward_ownership::tie::{
    fold_name, has_lists, parties_of, tie_graph, PartyRecord, PartyTie, TieMethod, TiedGraph, Ties,
};
use ward_ownership::{compute, Edge, Outcome, PartyId, RuleSet, Status};
use ward_store::{OwnershipImportStatus, Store};

/// `ward ownership ...`
#[derive(Debug, Subcommand)]
pub enum OwnershipCommand {
    /// Store an edge file as the current ownership version, its parties tied to listed subjects.
    Import(ImportArgs),
    /// List the parties blocked (or for review) by ownership or control, with their reasons.
    Blocked(BlockedArgs),
    /// Show why one party is blocked, for review or not, with its paths, under each rule set
    /// (exit status 1 where a rule set's lists are not in the store).
    Explain(ExplainArgs),
}

/// `ward ownership import`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The ownership edges: a CSV (owner, owned, percentage, `start_date`, `end_date`, source,
    /// control, `joint_arrangement`) or `FtM` JSON lines with `Ownership` entities. A bad row
    /// refuses the whole file.
    pub file: PathBuf,
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Score from which the matcher ties a named party to a subject (default: the screening
    /// threshold).
    #[arg(long)]
    pub threshold: Option<f32>,
}

/// What both commands read.
#[derive(Debug, clap::Args)]
pub struct EdgesArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Read the edges from this file (CSV or `FtM` JSON lines) instead of the stored current
    /// version.
    #[arg(long)]
    pub edges: Option<PathBuf>,
    /// The date the holdings are taken on (YYYY-MM-DD; default: today, UTC).
    #[arg(long)]
    pub as_of: Option<String>,
}

/// `ward ownership blocked`
#[derive(Debug, clap::Args)]
pub struct BlockedArgs {
    /// The edges and the store.
    #[command(flatten)]
    pub edges: EdgesArgs,
    /// Which test.
    #[arg(long, value_enum, default_value = "ofac")]
    pub rules: RulesArg,
    /// One JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `ward ownership explain`
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The party: its key in the edges, a subject id or referent, or its name.
    pub entity: String,
    /// The edges and the store.
    #[command(flatten)]
    pub edges: EdgesArgs,
    /// Which test (default: all three).
    #[arg(long, value_enum)]
    pub rules: Option<RulesArg>,
}

/// A rule set on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesArg {
    /// US OFAC 50% rule.
    Ofac,
    /// EU: 50% in the aggregate, plus control.
    Eu,
    /// UK: more than 50% by one designated person or a joint arrangement, plus control.
    Uk,
}

impl RulesArg {
    fn rule_set(self) -> RuleSet {
        match self {
            RulesArg::Ofac => RuleSet::Ofac,
            RulesArg::Eu => RuleSet::Eu,
            RulesArg::Uk => RuleSet::Uk,
        }
    }
}

pub(crate) fn run(data_dir: &Path, command: &OwnershipCommand) -> anyhow::Result<ExitCode> {
    match command {
        OwnershipCommand::Import(args) => import(data_dir, args),
        OwnershipCommand::Blocked(args) => blocked(data_dir, args),
        OwnershipCommand::Explain(args) => explain(data_dir, args),
    }
}

/// Reads an edge file: `FtM` JSON lines when it starts with `{`, else CSV.
fn read_edges(path: &Path) -> anyhow::Result<EdgeFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let origin =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let file = if text.trim_start().starts_with('{') {
        read_ftm(BufReader::new(text.as_bytes()), &origin)?
    } else {
        read_csv(text.as_bytes(), &origin)?
    };
    anyhow::ensure!(!file.edges.is_empty(), "{}: no ownership or control edges", path.display());
    Ok(file)
}

fn as_of(text: Option<&str>) -> anyhow::Result<PartialDate> {
    let text = match text {
        Some(text) => text.to_string(),
        None => chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string(),
    };
    PartialDate::parse_iso(&text)
        .filter(|d| d.day.is_some())
        .with_context(|| format!("--as-of {text:?}: expected a date YYYY-MM-DD"))
}

/// The name the matcher is asked about for a party: the name the file gives, else a key that is
/// written as a name (with a space and no digit), never a registry number.
fn name_to_match(party: &PartyRecord) -> Option<&str> {
    party.name.as_deref().or_else(|| {
        let key = party.key.as_str();
        (key.contains(' ') && !key.bytes().any(|b| b.is_ascii_digit())).then_some(key)
    })
}

/// What the matcher made of one party's name.
enum MatcherTie {
    /// One subject scored best, at or above the threshold.
    Tied(PartyTie),
    /// Several subjects scored the same best score at or above the threshold.
    Ambiguous { score: f32, subjects: Vec<String> },
    /// None reached the threshold.
    None,
}

fn match_party(screener: &Screener, subjects: &[Subject], name: &str, threshold: f32) -> MatcherTie {
    let options = MatchOptions { threshold, limit: 10, cutoff: threshold, datasets: None };
    let hits = screener.match_query(&Query::from_name(name), &options);
    let Some(best) = hits.first().filter(|hit| hit.is_match) else { return MatcherTie::None };
    let equal: Vec<String> =
        hits.iter().filter(|hit| hit.score == best.score).map(|hit| hit.subject_id.clone()).collect();
    if equal.len() > 1 {
        return MatcherTie::Ambiguous { score: best.score, subjects: equal };
    }
    let subject = &subjects[best.subject];
    let referent = subject.records.first().map_or_else(|| subject.id.clone(), |r| r.id.clone());
    MatcherTie::Tied(PartyTie { referent, method: TieMethod::Matcher, score: Some(best.score) })
}

fn import(data_dir: &Path, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let file = read_edges(&args.file)?;
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let subjects = listed_subjects(&store)?;
    let threshold = args.threshold.unwrap_or(ward_engine::DEFAULT_THRESHOLD);
    let ties = Ties::new(&subjects);
    let mut parties = parties_of(&file);
    let mut screener: Option<Screener> = None;
    let (mut n_tied, mut n_matched) = (0, 0);
    for party in &mut parties {
        if let Some((subject, method)) = ties.tie(party) {
            let subject = &subjects[subject];
            let referent = subject.records.first().map_or_else(|| subject.id.clone(), |r| r.id.clone());
            party.tie = Some(PartyTie { referent, method, score: None });
            n_tied += 1;
            continue;
        }
        let Some(name) = name_to_match(party).map(str::to_string) else { continue };
        let screener = screener.get_or_insert_with(|| Screener::build(subjects.clone()));
        match match_party(screener, &subjects, &name, threshold) {
            MatcherTie::Tied(tie) => {
                out!(
                    "tied {} to {} by the matcher, score {:.2}",
                    party.key,
                    tie.referent,
                    tie.score.unwrap_or_default()
                )?;
                party.tie = Some(tie);
                n_matched += 1;
            }
            MatcherTie::Ambiguous { score, subjects } => out!(
                "not tied: {} ({name:?}) scores {score:.2} against {} subjects alike: {}",
                party.key,
                subjects.len(),
                subjects.join(", ")
            )?,
            MatcherTie::None => {}
        }
    }
    let origin = args.file.display().to_string();
    let (version, status) = store.import_ownership(&origin, &file.edges, &parties)?;
    let what = match status {
        OwnershipImportStatus::Current => "stored as ownership version",
        OwnershipImportStatus::Unchanged => "unchanged: the current ownership version is",
    };
    out!(
        "{origin}: {} edges, {} parties ({n_tied} tied by referent, identifier or exact name, {n_matched} by the \
         matcher at {threshold}); {what} {}",
        version.n_edges,
        version.n_parties,
        version.id
    )?;
    if status == OwnershipImportStatus::Current {
        // The derived designations that appeared or went raise or close alerts now.
        crate::book::rescreen_books(&store)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The store's current subjects without the derived designations stored as a list
/// ([`ward_ownership::derived::DERIVED_DATASET`]): parties are tied to listed subjects, and
/// the derived ones are what is computed here.
fn listed_subjects(store: &Store) -> anyhow::Result<Vec<ward_model::Subject>> {
    let entities = store.current_entities()?;
    let listed =
        entities.into_iter().filter(|e| e.dataset != ward_ownership::derived::DERIVED_DATASET).collect();
    Ok(ward_lists::link::link(listed))
}

/// The edges to compute on, with their parties, and what they came from.
struct Loaded {
    edges: Vec<Edge>,
    parties: Vec<PartyRecord>,
    origin: String,
}

fn load(store: &Store, args: &EdgesArgs) -> anyhow::Result<Loaded> {
    if let Some(path) = &args.edges {
        let file = read_edges(path)?;
        let parties = parties_of(&file);
        return Ok(Loaded { edges: file.edges, parties, origin: path.display().to_string() });
    }
    let stored = store.ownership(None)?.context(
        "no ownership edges in the store: import them with `ward ownership import FILE`, or give --edges FILE",
    )?;
    Ok(Loaded {
        edges: stored.edges,
        parties: stored.parties,
        origin: format!("ownership version {} ({})", stored.version.id, stored.version.origin),
    })
}

/// The graph of the edges with their parties tied to subjects.
struct Tied {
    tied: TiedGraph,
    subjects: Vec<Subject>,
    origin: String,
}

fn tie(data_dir: &Path, args: &EdgesArgs) -> anyhow::Result<Tied> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let loaded = load(&store, args)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let subjects = listed_subjects(&store)?;
    let tied = tie_graph(&loaded.edges, &loaded.parties, &subjects, as_of);
    Ok(Tied { tied, subjects, origin: loaded.origin })
}

impl Tied {
    fn graph(&self) -> &ward_ownership::OwnershipGraph {
        &self.tied.graph
    }

    fn seeds(&self, rules: RuleSet) -> Vec<PartyId> {
        self.tied.seeds(&self.subjects, rules)
    }

    fn has_lists(&self, rules: RuleSet) -> bool {
        has_lists(&self.subjects, rules)
    }

    /// The error for a rule set whose lists are not in the store.
    fn missing_lists(rules: RuleSet) -> String {
        format!(
            "not computed: the store holds no current version of {} (the seeds of {}); import it with `ward lists \
             import`",
            rules.seed_datasets().join(" or "),
            rules.title()
        )
    }

    fn find(&self, entity: &str) -> Option<PartyId> {
        let graph = self.graph();
        if let Some(party) = graph.find(entity) {
            return Some(party);
        }
        if let Some((&party, _)) =
            self.tied.subject_of.iter().find(|&(_, &s)| self.subjects[s].referents().any(|r| r == entity))
        {
            return Some(party);
        }
        let folded = fold_name(entity);
        (0..graph.parties().len() as PartyId)
            .find(|&p| graph.party(p).name.as_deref().map(fold_name) == Some(folded.clone()))
    }

    fn summary(&self, rules: RuleSet, n_seeds: usize) -> String {
        let counts = &self.tied.counts;
        let ties: Vec<String> = counts.iter().map(|(how, n)| format!("{n} by {}", how.describe())).collect();
        format!(
            "as of {}: {} parties in {}, {} tied to current subjects ({}); {} listed seeds from {}",
            self.graph().as_of(),
            self.tied.n_file_parties,
            self.origin,
            counts.values().sum::<usize>(),
            if ties.is_empty() { "none".to_string() } else { ties.join(", ") },
            n_seeds,
            rules.seed_datasets().join(", ")
        )
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Listed => "listed",
        Status::Blocked => "blocked",
        Status::Review => "review",
        Status::NotBlocked => "not blocked",
    }
}

/// One derived result as JSON: the party, status, explanation, contributions and paths.
fn finding_json(outcome: &Outcome<'_>, party: PartyId) -> Value {
    let graph = outcome.graph();
    let finding = outcome.finding(party);
    let named = |p: PartyId| json!({"id": graph.party(p).key, "name": graph.party(p).name});
    json!({
        "party": named(party),
        "status": status_word(outcome.status(party)),
        "derived": true,
        "rules": outcome.rules().to_string(),
        "explanation": finding.as_ref().map(|f| f.explanation.clone()),
        "basis": finding.as_ref().map(|f| json!(f.basis)),
        "total": finding.as_ref().and_then(|f| f.total).map(|t| t.to_string()),
        "contributions": finding.as_ref().map(|f| f.contributions.iter().map(|c| json!({
            "owner": named(c.owner),
            "owner_status": status_word(c.owner_status),
            "stake": c.stake.map(|s| s.to_string()),
            "control": c.control,
            "sources": c.sources,
        })).collect::<Vec<_>>()),
        "paths": outcome.paths(party).iter().map(|path| path.iter().map(|step| json!({
            "party": named(step.party),
            "stake": step.stake.map(|s| s.to_string()),
            "control": step.control,
        })).collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

fn blocked(data_dir: &Path, args: &BlockedArgs) -> anyhow::Result<ExitCode> {
    let tied = tie(data_dir, &args.edges)?;
    let rules = args.rules.rule_set();
    anyhow::ensure!(tied.has_lists(rules), "{}", Tied::missing_lists(rules));
    let seeds = tied.seeds(rules);
    let outcome = compute(tied.graph(), &seeds, rules);
    let derived = outcome.derived();
    if args.json {
        let document = json!({
            "rules": rules.to_string(),
            "as_of": tied.graph().as_of().to_string(),
            "summary": tied.summary(rules, seeds.len()),
            "results": derived.iter().map(|&p| finding_json(&outcome, p)).collect::<Vec<_>>(),
        });
        out!("{}", serde_json::to_string_pretty(&document)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!("{}", tied.summary(rules, seeds.len()))?;
    let n_blocked = derived.iter().filter(|&&p| outcome.status(p) == Status::Blocked).count();
    out!("{n_blocked} blocked and {} for review under {}", derived.len() - n_blocked, rules.title())?;
    for party in derived {
        let finding = outcome.finding(party).expect("a derived party has a finding");
        out!(
            "{:<8} {}: {}",
            status_word(finding.status),
            tied.graph().party(party).label(),
            finding.explanation
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(data_dir: &Path, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let tied = tie(data_dir, &args.edges)?;
    let Some(party) = tied.find(&args.entity) else {
        eprintln!("no party {:?} in {} (by key, subject id, referent or name)", args.entity, tied.origin);
        return Ok(ExitCode::from(1));
    };
    out!("{}", tied.graph().party(party).label())?;
    let rule_sets = match args.rules {
        Some(rules) => vec![rules.rule_set()],
        None => RuleSet::ALL.to_vec(),
    };
    let mut exit = ExitCode::SUCCESS;
    for rules in rule_sets {
        if !tied.has_lists(rules) {
            out!("\n{}: {}", rules.title(), Tied::missing_lists(rules))?;
            exit = ExitCode::from(1);
            continue;
        }
        let seeds = tied.seeds(rules);
        let outcome = compute(tied.graph(), &seeds, rules);
        let status = outcome.status(party);
        out!("\n{}: {}", rules.title(), status_word(status))?;
        out!("  {}", tied.summary(rules, seeds.len()))?;
        if let Some(finding) = outcome.finding(party) {
            out!("  {}", finding.explanation)?;
            for path in outcome.paths(party) {
                out!("  path: {}", outcome.describe_path(&path))?;
            }
        }
    }
    Ok(exit)
}

/// `ward bench ownership`: the full fixed point of each rule set over a seeded synthetic
/// power-law registry of `--subjects` (`--companies`) parties and 1.5 holdings per party, 0.2% of
/// them listed; then one list change ([`LIST_CHANGE_ADDED`] parties listed,
/// [`LIST_CHANGE_REMOVED`] delisted) applied incrementally, checked against a full recompute,
/// with the full fixed point of the same run as the baseline. Medians over `--runs`, the ratio,
/// and the process's peak memory.
pub(crate) fn bench(args: &crate::args::BenchArgs) -> anyhow::Result<ExitCode> {
    use std::time::{Duration, Instant};
    use ward_ownership::synthetic::{power_law_registry, RegistryShape};
    /// Holdings per party (as in the 10 million companies and 15 million edges).
    const HOLDINGS_PER_TWO_PARTIES: u32 = 3;
    /// One listed party in this many.
    const PARTIES_PER_SEED: u32 = 500;
    const RANDOM_SEED: u64 = 15;
    let parties = u32::try_from(args.subjects).context("--subjects: at most 4 billion parties")?;
    anyhow::ensure!(parties > 0, "--subjects: at least one party");
    let shape = RegistryShape {
        parties,
        holdings: parties / 2 * HOLDINGS_PER_TWO_PARTIES,
        seeds: (parties / PARTIES_PER_SEED).max(1),
        random_seed: RANDOM_SEED,
    };
    let start = Instant::now();
    let (graph, seeds) = power_law_registry(shape);
    let built = start.elapsed();
    out!(
        "ownership benchmark: {} parties, {} holdings ({} merged holdings), {} listed seeds, random seed {}",
        shape.parties,
        shape.holdings,
        graph.holdings().len(),
        seeds.len(),
        shape.random_seed
    )?;
    out!("graph generated and compiled in {:.1} ms", built.as_secs_f64() * 1000.0)?;
    let changed_seeds = list_change(&seeds, parties);
    for rules in RuleSet::ALL {
        let mut times: Vec<Duration> = Vec::new();
        let mut counts: Option<(usize, usize)> = None;
        for _ in 0..args.runs.max(1) {
            let start = Instant::now();
            let outcome = compute(&graph, &seeds, rules);
            let derived = outcome.derived();
            times.push(start.elapsed());
            let blocked = derived.iter().filter(|&&p| outcome.status(p) == Status::Blocked).count();
            let these = (blocked, derived.len() - blocked);
            // Every run must find the same sets.
            assert!(counts.is_none_or(|c| c == these), "runs disagree: {counts:?} then {these:?}");
            counts = Some(these);
        }
        times.sort();
        let (blocked, review) = counts.expect("at least one run");
        let full = times[times.len() / 2];
        out!(
            "{rules}: median full fixed point {:.1} ms over {} runs; {blocked} derived blocked, {review} for review",
            full.as_secs_f64() * 1000.0,
            times.len()
        )?;
        // The list change and its reversal, each applied incrementally; the changed fixed
        // point must give every party the status a full computation gives.
        let mut fixed = ward_ownership::FixedPoint::compute(&graph, &seeds, rules);
        let reference = ward_ownership::FixedPoint::compute(&graph, &changed_seeds, rules);
        let mut incremental: Vec<Duration> = Vec::new();
        let mut n_changes = 0;
        for _ in 0..args.runs.max(1) {
            let start = Instant::now();
            n_changes = fixed.change_seeds(&graph, &changed_seeds).len();
            incremental.push(start.elapsed());
            let disagreeing = (0..parties).filter(|&p| fixed.status(p) != reference.status(p)).count();
            anyhow::ensure!(
                disagreeing == 0,
                "{rules}: the incremental update differs from a full recompute on {disagreeing} parties"
            );
            fixed.change_seeds(&graph, &seeds);
        }
        incremental.sort();
        let median = incremental[incremental.len() / 2];
        out!(
            "{rules}: list change (+{LIST_CHANGE_ADDED} listed, -{LIST_CHANGE_REMOVED} delisted, {n_changes} statuses changed): median incremental {:.1} ms over {} runs, {:.4}x the full fixed point",
            median.as_secs_f64() * 1000.0,
            incremental.len(),
            median.as_secs_f64() / full.as_secs_f64()
        )?;
    }
    out!("peak resident memory: {:.0} MB", crate::bench_match::memory_mb("VmHWM:"))?;
    Ok(ExitCode::SUCCESS)
}

/// Parties listed by the benchmark's list change: about a day's additions to the SDN list.
const LIST_CHANGE_ADDED: u32 = 10;
/// Parties delisted by the benchmark's list change.
const LIST_CHANGE_REMOVED: u32 = 5;

/// The seeds after one list change: the last [`LIST_CHANGE_REMOVED`] seeds delisted, and
/// [`LIST_CHANGE_ADDED`] parties spread over the registry (from its most connected to its least)
/// listed.
fn list_change(seeds: &[ward_ownership::PartyId], parties: u32) -> Vec<ward_ownership::PartyId> {
    let kept = seeds.len().saturating_sub(LIST_CHANGE_REMOVED as usize);
    let mut changed: Vec<ward_ownership::PartyId> = seeds[..kept].to_vec();
    let first_unlisted = seeds.len() as u32;
    let spacing = (parties.saturating_sub(first_unlisted) / LIST_CHANGE_ADDED).max(1);
    changed.extend(
        (0..LIST_CHANGE_ADDED).map(|i| first_unlisted + i * spacing).filter(|&party| party < parties),
    );
    changed
}

#[cfg(test)]
mod tests {
    #[test]
    fn opensanctions_sdn_referents_map_to_ward_referents() {
        use ward_ownership::tie::{fold_name, opensanctions_referent};
        assert_eq!(opensanctions_referent("ofac-45937").as_deref(), Some("us_ofac_sdn:45937"));
        assert_eq!(opensanctions_referent("ofac-pr-f7b4c3fefb6d"), None);
        assert_eq!(opensanctions_referent("gb-hmt-15734"), None);
        assert_eq!(fold_name("WANG,  Junzheng"), fold_name("wang junzheng"));
    }
}
