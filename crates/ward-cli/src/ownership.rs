//! `ward ownership blocked|explain --edges FILE`: the parties that the current lists reach by
//! ownership and control under the OFAC 50% rule, the EU or the UK test (ward-ownership), with
//! the path that proves each. The listed persons and entities of the rule set's lists are the
//! seeds. Parties of the edge file are tied to listed subjects by referent (`dataset:record`,
//! a subject id, an FtM referent), by identifier, or by exact name (case, punctuation and spacing
//! folded; a name shared by two subjects ties to neither): no fuzzy matching in this version.

use crate::args::DatabaseArgs;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use ward_model::{normalize_identifier, PartialDate, Subject};
use ward_ownership::read::{read_csv, read_ftm, EdgeFile};
use ward_ownership::{compute, GraphBuilder, Outcome, OwnershipGraph, PartyId, RuleSet, Status};

/// `ward ownership ...`
#[derive(Debug, Subcommand)]
pub enum OwnershipCommand {
    /// List the parties blocked (or for review) by ownership or control, with their reasons.
    Blocked(BlockedArgs),
    /// Show why one party is blocked, for review or not, with its paths, under each rule set
    /// (exit status 1 where a rule set's lists are not in the store).
    Explain(ExplainArgs),
}

/// What both commands read.
#[derive(Debug, clap::Args)]
pub struct EdgesArgs {
    /// Where the store is.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The ownership edges: a CSV (owner, owned, percentage, start_date, end_date, source,
    /// control, joint_arrangement) or FtM JSON lines with `Ownership` entities.
    #[arg(long)]
    pub edges: PathBuf,
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
    /// The party: its key in the edge file, a subject id or referent, or its name.
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

/// The lists whose persons and entities are a rule set's seeds. OFAC's 50% rule extends
/// blocking, so its seeds are the SDN list's; the non-SDN lists carry other restrictions.
fn seed_datasets(rules: RuleSet) -> &'static [&'static str] {
    match rules {
        RuleSet::Ofac => &["us_ofac_sdn"],
        RuleSet::Eu => &["eu_fsf"],
        RuleSet::Uk => &["gb_hmt_sanctions", "gb_fcdo_sanctions"],
    }
}

pub(crate) fn run(data_dir: &Path, command: &OwnershipCommand) -> anyhow::Result<ExitCode> {
    match command {
        OwnershipCommand::Blocked(args) => blocked(data_dir, args),
        OwnershipCommand::Explain(args) => explain(data_dir, args),
    }
}

/// Reads an edge file: FtM JSON lines when it starts with `{`, else CSV.
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

/// Folds a name for the exact comparison: lower case, letters and digits, single spaces.
fn fold_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Ward referent of an OpenSanctions referent where the two name the same record:
/// `ofac-<ent_num>` is SDN entry `us_ofac_sdn:<ent_num>` (other `ofac-` referents, such as press
/// releases, are not).
fn opensanctions_referent(referent: &str) -> Option<String> {
    let number = referent.strip_prefix("ofac-")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("us_ofac_sdn:{number}"))
}

/// How a party of the edge file was tied to a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tie {
    Referent,
    Identifier,
    Name,
}

/// Lookups from referents, identifiers and folded names to subjects; a key shared by two
/// subjects maps to none.
struct Ties {
    referents: HashMap<String, usize>,
    identifiers: HashMap<String, Option<usize>>,
    names: HashMap<String, Option<usize>>,
}

impl Ties {
    fn new(subjects: &[Subject]) -> Ties {
        let mut ties = Ties { referents: HashMap::new(), identifiers: HashMap::new(), names: HashMap::new() };
        let claim = |map: &mut HashMap<String, Option<usize>>, key: String, subject: usize| {
            if key.is_empty() {
                return;
            }
            let slot = map.entry(key).or_insert(Some(subject));
            if *slot != Some(subject) {
                *slot = None;
            }
        };
        for (index, subject) in subjects.iter().enumerate() {
            ties.referents.insert(subject.id.clone(), index);
            for record in &subject.records {
                ties.referents.insert(record.id.clone(), index);
                for referent in record.properties.get("referents").into_iter().flatten() {
                    ties.referents.insert(referent.clone(), index);
                }
                for identifier in &record.identifiers {
                    claim(&mut ties.identifiers, identifier.normalized(), index);
                }
            }
            for name in subject.names() {
                claim(&mut ties.names, fold_name(&name.full), index);
            }
        }
        ties
    }

    /// The subject a party is, from its keys (its own and the file's other keys for it) and its
    /// name in the file.
    fn tie(&self, keys: &[&str], name: Option<&str>) -> Option<(usize, Tie)> {
        let by_referent = keys.iter().find_map(|k| self.referents.get(*k).copied());
        if let Some(subject) = by_referent {
            return Some((subject, Tie::Referent));
        }
        let by_identifier =
            keys.iter().find_map(|k| self.identifiers.get(&normalize_identifier(k)).copied().flatten());
        if let Some(subject) = by_identifier {
            return Some((subject, Tie::Identifier));
        }
        keys.iter()
            .copied()
            .chain(name)
            .find_map(|n| self.names.get(&fold_name(n)).copied().flatten())
            .map(|subject| (subject, Tie::Name))
    }
}

/// The graph of an edge file with its parties tied to subjects.
struct Tied {
    graph: OwnershipGraph,
    subjects: Vec<Subject>,
    /// The subject each party is, where tied.
    subject_of: HashMap<PartyId, usize>,
    counts: HashMap<&'static str, usize>,
    n_file_parties: usize,
}

fn tie_graph(data_dir: &Path, args: &EdgesArgs) -> anyhow::Result<Tied> {
    let file = read_edges(&args.edges)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let subjects = crate::entity::current_subjects(&crate::serve::open_store(data_dir, &args.db)?)?;
    let ties = Ties::new(&subjects);
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (key, name) in &file.names {
        names.entry(key).or_insert(name);
    }
    let mut other_keys: HashMap<&str, Vec<&str>> = HashMap::new();
    for (key, other) in &file.other_keys {
        other_keys.entry(key).or_default().push(other);
    }
    let mut keys_seen: Vec<&str> =
        file.edges.iter().flat_map(|e| [e.owner.as_str(), e.owned.as_str()]).collect();
    keys_seen.sort_unstable();
    keys_seen.dedup();
    // Each party of the file becomes its subject's id where tied, else keeps its own key.
    let mut resolved: HashMap<&str, String> = HashMap::new();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut builder = GraphBuilder::new();
    for &key in &keys_seen {
        let mut keys: Vec<String> = vec![key.to_string()];
        for other in other_keys.get(key).into_iter().flatten() {
            keys.push((*other).to_string());
            keys.extend(opensanctions_referent(other));
        }
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        match ties.tie(&keys, names.get(key).copied()) {
            Some((subject, tie)) => {
                let subject = &subjects[subject];
                *counts
                    .entry(match tie {
                        Tie::Referent => "referent",
                        Tie::Identifier => "identifier",
                        Tie::Name => "exact name",
                    })
                    .or_default() += 1;
                builder.name(&subject.id, subject.caption());
                resolved.insert(key, subject.id.clone());
            }
            None => {
                if let Some(name) = names.get(key) {
                    builder.name(key, name);
                }
                resolved.insert(key, key.to_string());
            }
        }
    }
    for edge in &file.edges {
        let mut edge = edge.clone();
        edge.owner = resolved[edge.owner.as_str()].clone();
        edge.owned = resolved[edge.owned.as_str()].clone();
        builder.add(&edge);
    }
    // Listed subjects that no edge names are parties too, so that they are seeds.
    let subject_index: HashMap<&str, usize> =
        subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let graph = builder.build(as_of);
    let subject_of = graph
        .parties()
        .iter()
        .enumerate()
        .filter_map(|(party, p)| subject_index.get(p.key.as_str()).map(|&s| (party as PartyId, s)))
        .collect();
    Ok(Tied { graph, subjects, subject_of, counts, n_file_parties: keys_seen.len() })
}

impl Tied {
    /// The parties that are listed persons or entities of the rule set's lists.
    fn seeds(&self, rules: RuleSet) -> Vec<PartyId> {
        let datasets = seed_datasets(rules);
        let mut seeds: Vec<PartyId> = self
            .subject_of
            .iter()
            .filter(|&(_, &s)| {
                let subject = &self.subjects[s];
                matches!(subject.schema().kind(), "person" | "organization")
                    && subject.records.iter().any(|r| datasets.contains(&r.dataset.as_str()))
            })
            .map(|(&party, _)| party)
            .collect();
        seeds.sort_unstable();
        seeds
    }

    /// Whether the store holds a current version of any of the rule set's lists: without one,
    /// nothing can be derived, and "none blocked" would be a result that was never computed.
    fn has_lists(&self, rules: RuleSet) -> bool {
        let datasets = seed_datasets(rules);
        self.subjects.iter().flat_map(|s| &s.records).any(|r| datasets.contains(&r.dataset.as_str()))
    }

    /// The error for a rule set whose lists are not in the store.
    fn missing_lists(rules: RuleSet) -> String {
        format!(
            "not computed: the store holds no current version of {} (the seeds of {}); import it with `ward lists \
             import`",
            seed_datasets(rules).join(" or "),
            rules.title()
        )
    }

    fn find(&self, entity: &str) -> Option<PartyId> {
        if let Some(party) = self.graph.find(entity) {
            return Some(party);
        }
        if let Some((&party, _)) =
            self.subject_of.iter().find(|&(_, &s)| self.subjects[s].referents().any(|r| r == entity))
        {
            return Some(party);
        }
        let folded = fold_name(entity);
        let graph = &self.graph;
        (0..graph.parties().len() as PartyId)
            .find(|&p| graph.party(p).name.as_deref().map(fold_name) == Some(folded.clone()))
    }

    fn summary(&self, rules: RuleSet, n_seeds: usize) -> String {
        let mut ties: Vec<String> = self.counts.iter().map(|(how, n)| format!("{n} by {how}")).collect();
        ties.sort();
        format!(
            "as of {}: {} parties in the edge file, {} tied to current subjects ({}); {} listed seeds from {}",
            self.graph.as_of(),
            self.n_file_parties,
            self.counts.values().sum::<usize>(),
            if ties.is_empty() { "none".to_string() } else { ties.join(", ") },
            n_seeds,
            seed_datasets(rules).join(", ")
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
    let tied = tie_graph(data_dir, &args.edges)?;
    let rules = args.rules.rule_set();
    anyhow::ensure!(tied.has_lists(rules), "{}", Tied::missing_lists(rules));
    let seeds = tied.seeds(rules);
    let outcome = compute(&tied.graph, &seeds, rules);
    let derived = outcome.derived();
    if args.json {
        let document = json!({
            "rules": rules.to_string(),
            "as_of": tied.graph.as_of().to_string(),
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
            tied.graph.party(party).label(),
            finding.explanation
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(data_dir: &Path, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let tied = tie_graph(data_dir, &args.edges)?;
    let Some(party) = tied.find(&args.entity) else {
        eprintln!(
            "no party {:?} in {} (by key, subject id, referent or name)",
            args.entity,
            args.edges.edges.display()
        );
        return Ok(ExitCode::from(1));
    };
    out!("{}", tied.graph.party(party).label())?;
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
        let outcome = compute(&tied.graph, &seeds, rules);
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
/// power-law registry of `--subjects` parties and 1.5 holdings per party, 0.2% of them listed;
/// median over `--runs`, and the process's peak memory.
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
        out!(
            "{rules}: median full fixed point {:.1} ms over {} runs; {blocked} derived blocked, {review} for review",
            times[times.len() / 2].as_secs_f64() * 1000.0,
            times.len()
        )?;
    }
    out!("peak resident memory: {:.0} MB", crate::bench_match::memory_mb("VmHWM:"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn opensanctions_sdn_referents_map_to_ward_referents() {
        assert_eq!(super::opensanctions_referent("ofac-45937").as_deref(), Some("us_ofac_sdn:45937"));
        assert_eq!(super::opensanctions_referent("ofac-pr-f7b4c3fefb6d"), None);
        assert_eq!(super::opensanctions_referent("gb-hmt-15734"), None);
        assert_eq!(super::fold_name("WANG,  Junzheng"), super::fold_name("wang junzheng"));
    }
}
