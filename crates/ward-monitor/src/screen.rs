//! Screening a book: the lists snapshot, scoring pairs, and turning matches into alert changes
//! (raise, update, close) for the customers or subjects a screening covers.

use crate::{close_reason, Monitor, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;
use ward_engine::{validate_query, Hit, MatchOptions, Query, RarityTable, Screener};
use ward_model::{Entity, ListVersion, Schema, Subject};
use ward_store::{
    Alert, AlertChange, AlertFilter, AlertReason, AlertStatus, Book, CloseReason, Customer, Suppression,
    SuppressionEnd, SuppressionLapse, SuppressionStatus,
};

/// Scores closer than this are the same score (stored scores pass through `f64`).
const SCORE_EPSILON: f64 = 1e-6;

/// The current lists as the monitor screens against them: their versions and a snapshot of
/// their linked subjects, scored with the embedded rarity table.
pub struct Lists {
    versions: Vec<ListVersion>,
    screener: Screener,
    by_referent: HashMap<String, usize>,
    ids: HashSet<String>,
}

impl Lists {
    /// The store's current lists.
    pub fn load(store: &ward_store::Store) -> Result<Lists> {
        let current = store.current_lists()?;
        Ok(Lists::new(current.versions, current.entities))
    }

    /// A snapshot of `entities`, the records of `versions`.
    pub fn new(versions: Vec<ListVersion>, entities: Vec<Entity>) -> Lists {
        let subjects = ward_lists::link::link(entities);
        let screener = Screener::build_with(subjects, RarityTable::Embedded);
        let mut by_referent = HashMap::new();
        let mut ids = HashSet::new();
        for (index, subject) in screener.subjects().iter().enumerate() {
            ids.insert(subject.id.clone());
            for referent in subject.referents() {
                by_referent.insert(referent.to_string(), index);
            }
        }
        Lists { versions, screener, by_referent, ids }
    }

    /// The ids of the versions, ascending.
    pub fn version_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.versions.iter().map(|v| v.id).collect();
        ids.sort_unstable();
        ids
    }

    /// The versions.
    pub fn versions(&self) -> &[ListVersion] {
        &self.versions
    }

    /// The screening snapshot.
    pub fn screener(&self) -> &Screener {
        &self.screener
    }

    /// The records of one dataset.
    fn records(&self, dataset: &str) -> Vec<Entity> {
        self.screener
            .subjects()
            .iter()
            .flat_map(|s| s.records.iter())
            .filter(|r| r.dataset == dataset)
            .cloned()
            .collect()
    }
}

/// Alert changes made by one screening.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Customers screened.
    pub screened: usize,
    /// Alerts raised.
    pub raised: usize,
    /// Alerts updated (score, explanation, or an amended designation).
    pub updated: usize,
    /// Alerts closed.
    pub closed: usize,
    /// Matching pairs not alerted because a suppression of the pair holds.
    pub suppressed: usize,
}

impl Summary {
    /// Adds another screening's counts.
    pub fn add(&mut self, other: &Summary) {
        self.screened += other.screened;
        self.raised += other.raised;
        self.updated += other.updated;
        self.closed += other.closed;
        self.suppressed += other.suppressed;
    }

    /// Whether no alert changed.
    pub fn no_change(&self) -> bool {
        self.raised == 0 && self.updated == 0 && self.closed == 0
    }
}

/// The query a customer is screened as.
pub(crate) fn customer_query(customer: &Customer) -> Query {
    Query {
        names: vec![customer.name.clone()],
        schema: customer.kind.as_deref().and_then(Schema::from_name),
        birth_dates: customer.birth_date.iter().cloned().collect(),
        countries: customer.country.iter().cloned().collect(),
        gender: None,
        identifiers: customer.identifiers.clone(),
    }
}

/// Options that return every pair reaching the threshold, and nothing below it.
fn options(monitor: &Monitor<'_>) -> MatchOptions {
    let threshold = monitor.config.threshold;
    MatchOptions { threshold, limit: usize::MAX, cutoff: threshold, datasets: None }
}

/// A customer with its query, when it can be screened.
struct Screenable<'c> {
    customer: &'c Customer,
    query: Query,
}

/// Splits customers into those that can be screened and the reasons the others cannot.
fn screenable<'c>(
    customers: impl Iterator<Item = &'c Customer>,
) -> (Vec<Screenable<'c>>, Vec<(String, String)>) {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    for customer in customers {
        let query = customer_query(customer);
        match validate_query(&query) {
            Ok(()) => ok.push(Screenable { customer, query }),
            Err(refusal) => refused.push((customer.id.clone(), refusal.to_string())),
        }
    }
    (ok, refused)
}

/// One pair that reaches the threshold.
struct Match<'c> {
    customer: &'c Customer,
    subject: usize,
    hit: Hit,
}

/// Screens customers against every listed subject (the lists' index finds the candidates).
fn match_forward<'c>(monitor: &Monitor<'_>, lists: &Lists, customers: &[Screenable<'c>]) -> Vec<Match<'c>> {
    let options = options(monitor);
    let screener = &lists.screener;
    customers
        .par_iter()
        .flat_map_iter(|c| {
            screener.match_query(&c.query, &options).into_iter().filter(|hit| hit.is_match).map(|hit| Match {
                customer: c.customer,
                subject: hit.subject,
                hit,
            })
        })
        .collect()
}

/// Screens customers against the listed subjects `among` (indices into the lists' snapshot)
/// only, and returns the matches with how many customers had a candidate among them.
///
/// An index of those subjects alone finds each customer's candidates: it is small, so a
/// customer costs its query's preparation and a few short posting lists, and it holds no
/// customer, so its memory does not grow with the book. It finds every pair that can reach the
/// threshold, as the lists' index does (its bounds only drop names that cannot), and the pairs
/// are scored in the lists' snapshot, where a pair's score depends on the pair alone: the
/// matches are those of a full re-screen restricted to these subjects.
fn match_forward_among<'c>(
    monitor: &Monitor<'_>,
    lists: &Lists,
    customers: &[Screenable<'c>],
    among: &[usize],
) -> (Vec<Match<'c>>, usize) {
    let options = options(monitor);
    let screener = &lists.screener;
    let subjects: Vec<Subject> = among.iter().map(|&s| screener.subjects()[s].clone()).collect();
    let among_index = Screener::build_with(subjects, RarityTable::Embedded);
    let found: Vec<(bool, Vec<Match<'c>>)> = customers
        .par_iter()
        .map(|c| {
            // Both snapshots have the embedded rarity table: the query is compiled once.
            let query = among_index.compile_query(&c.query);
            let candidates = among_index.candidates_of(&query, &options);
            if candidates.is_empty() {
                return (false, Vec::new());
            }
            let mut in_lists: Vec<usize> = candidates.into_iter().map(|s| among[s]).collect();
            in_lists.sort_unstable();
            let matches = screener
                .match_subjects_of(&query, &in_lists, &options)
                .into_iter()
                .filter(|hit| hit.is_match)
                .map(|hit| Match { customer: c.customer, subject: hit.subject, hit })
                .collect();
            (true, matches)
        })
        .collect();
    let scored = found.iter().filter(|(any, _)| *any).count();
    (found.into_iter().flat_map(|(_, matches)| matches).collect(), scored)
}

/// What a screening covers: the pairs whose alerts it may raise, change or close.
enum Scope<'a> {
    /// Every pair of these customers.
    Customers(&'a HashSet<&'a str>),
    /// Every pair of these subjects (by id).
    Subjects(&'a HashSet<String>),
}

impl Scope<'_> {
    fn covers(&self, alert: &Alert) -> bool {
        match self {
            Scope::Customers(ids) => ids.contains(alert.customer_id.as_str()),
            Scope::Subjects(ids) => ids.contains(&alert.subject_id),
        }
    }
}

/// How alert changes are worded.
struct Reasons<'a> {
    /// The reason of a raised alert, by subject.
    raise: &'a dyn Fn(&Customer, usize) -> AlertReason,
    /// Subjects with an amended record: their alerts are updated and say so, and their
    /// dismissed alerts without a suppression re-open.
    amended: &'a HashSet<usize>,
    /// Customers whose data changed: their dismissed alerts without a suppression re-open.
    changed_customers: &'a HashSet<&'a str>,
}

/// A book's active suppressions by (customer id, subject id), judged on one day.
pub(crate) struct Suppressed {
    by_pair: HashMap<(String, String), Suppression>,
    today: String,
}

impl Suppressed {
    /// The book's active suppressions.
    pub(crate) fn load(monitor: &Monitor<'_>, book: &str) -> Result<Suppressed> {
        let by_pair = monitor
            .store
            .active_suppressions(book)?
            .into_iter()
            .map(|s| ((s.customer_id.clone(), s.subject_id.clone()), s))
            .collect();
        Ok(Suppressed { by_pair, today: monitor.today() })
    }

    /// The suppression of a pair, and whether it no longer holds for the customer and subject as
    /// they are now: the reason to re-open or raise and the end to record.
    fn check(
        &self,
        customer: &Customer,
        subject: &Subject,
    ) -> Option<(&Suppression, Option<(AlertReason, SuppressionEnd)>)> {
        let suppression = self.by_pair.get(&(customer.id.clone(), subject.id.clone()))?;
        let end = |status, reason: String| SuppressionEnd { suppression_id: suppression.id, status, reason };
        let decision = suppression.decision_id;
        let broken =
            suppression.lapse(&self.today, &customer.fingerprint(), &subject.records).map(
                |lapse| match lapse {
                    SuppressionLapse::Expired => (
                        AlertReason::SuppressionExpired,
                        end(
                            SuppressionStatus::Expired,
                            format!(
                                "the good-guy entry of decision {decision} expired on {}",
                                suppression.expires.as_deref().unwrap_or("")
                            ),
                        ),
                    ),
                    SuppressionLapse::ListedRecordChanged => (
                        AlertReason::AmendedDesignation,
                        end(
                            SuppressionStatus::Broken,
                            format!(
                            "the listed record changed since the pinned suppression of decision {decision}"
                        ),
                        ),
                    ),
                    SuppressionLapse::CustomerChanged => (
                        AlertReason::CustomerChanged,
                        end(
                            SuppressionStatus::Broken,
                            format!(
                            "the customer record changed since the pinned suppression of decision {decision}"
                        ),
                        ),
                    ),
                },
            );
        Some((suppression, broken))
    }
}

/// The book's alerts that are not closed, the newest of each pair.
fn live_alerts(
    monitor: &Monitor<'_>,
    book: &str,
    scope: &Scope<'_>,
) -> Result<BTreeMap<(String, String), Alert>> {
    let alerts =
        monitor.store.alerts(&AlertFilter { book: Some(book.to_string()), ..AlertFilter::default() })?;
    let mut live = BTreeMap::new();
    for alert in alerts {
        if alert.status != AlertStatus::Closed && scope.covers(&alert) {
            // By id: a later alert of the pair replaces an earlier one.
            live.insert((alert.customer_id.clone(), alert.subject_id.clone()), alert);
        }
    }
    Ok(live)
}

/// The alert changes that make the book's alerts within `scope` say what `matches` say.
fn reconcile(
    book: &Book,
    lists: &Lists,
    mut live: BTreeMap<(String, String), Alert>,
    matches: Vec<Match<'_>>,
    reasons: &Reasons<'_>,
    suppressed: &Suppressed,
    summary: &mut Summary,
) -> (Vec<AlertChange>, Vec<SuppressionEnd>) {
    let versions = lists.version_ids();
    let mut changes = Vec::new();
    let mut ended = Vec::new();
    for m in matches {
        let subject = &lists.screener.subjects()[m.subject];
        let referents: Vec<String> = subject.referents().map(str::to_string).collect();
        let explanations: Vec<String> =
            m.hit.comparison.explanations.iter().map(|e| e.text.clone()).collect();
        let score = f64::from(m.hit.score);
        match live.remove(&(m.customer.id.clone(), subject.id.clone())) {
            Some(mut alert) => {
                let amended = reasons.amended.contains(&m.subject);
                // A dismissed alert re-opens when its suppression no longer holds, or, without
                // one, when the designation or the customer changed.
                let mut reopen = None;
                if alert.status == AlertStatus::Dismissed {
                    match suppressed.check(m.customer, subject) {
                        Some((_, Some((reason, end)))) => {
                            reopen = Some(reason);
                            ended.push(end);
                        }
                        None if amended => reopen = Some(AlertReason::AmendedDesignation),
                        None if reasons.changed_customers.contains(m.customer.id.as_str()) => {
                            reopen = Some(AlertReason::CustomerChanged);
                        }
                        Some((_, None)) | None => {}
                    }
                }
                let differs = (alert.score - score).abs() > SCORE_EPSILON
                    || alert.explanations != explanations
                    || alert.referents != referents
                    || alert.customer_name != m.customer.name;
                if amended || differs || reopen.is_some() {
                    if amended {
                        alert.reason = AlertReason::AmendedDesignation;
                    }
                    if let Some(reason) = reopen {
                        alert.status = AlertStatus::Open;
                        alert.reason = reason;
                    }
                    alert.score = score;
                    alert.explanations = explanations;
                    alert.referents = referents;
                    alert.customer_name.clone_from(&m.customer.name);
                    alert.list_versions.clone_from(&versions);
                    summary.updated += 1;
                    changes.push(AlertChange::Update(alert));
                }
            }
            None => {
                match suppressed.check(m.customer, subject) {
                    Some((_, None)) => {
                        summary.suppressed += 1;
                        continue;
                    }
                    Some((_, Some((_, end)))) => ended.push(end),
                    None => {}
                }
                summary.raised += 1;
                changes.push(AlertChange::Raise(Alert {
                    id: 0,
                    book: book.name.clone(),
                    customer_id: m.customer.id.clone(),
                    customer_name: m.customer.name.clone(),
                    subject_id: subject.id.clone(),
                    referents,
                    score,
                    explanations,
                    reason: (reasons.raise)(m.customer, m.subject),
                    status: AlertStatus::Open,
                    close_reason: None,
                    list_versions: versions.clone(),
                    created_at: String::new(),
                    updated_at: String::new(),
                }));
            }
        }
    }
    // What is left no longer matches. Reviewed alerts keep the analyst's decision.
    for (_, mut alert) in live {
        if alert.status == AlertStatus::Open {
            alert.status = AlertStatus::Closed;
            alert.close_reason = Some(close_reason(lists.ids.contains(&alert.subject_id)));
            alert.list_versions.clone_from(&versions);
            summary.closed += 1;
            changes.push(AlertChange::Update(alert));
        }
    }
    (changes, ended)
}

/// Screens new and changed customers and closes the open alerts of removed ones. Returns the
/// changes and the customers that cannot be screened.
pub(crate) fn customers(
    monitor: &Monitor<'_>,
    book: &Book,
    lists: &Lists,
    screen: &[(Customer, AlertReason)],
    removed: &[String],
) -> Result<(Summary, Vec<(String, String)>)> {
    let (ok, refused) = screenable(screen.iter().map(|(c, _)| c));
    let reason_of: HashMap<&str, AlertReason> = screen.iter().map(|(c, r)| (c.id.as_str(), *r)).collect();
    let scoped: HashSet<&str> = ok.iter().map(|c| c.customer.id.as_str()).collect();
    let mut summary = Summary { screened: ok.len(), ..Summary::default() };
    let live = live_alerts(monitor, &book.name, &Scope::Customers(&scoped))?;
    let matches = match_forward(monitor, lists, &ok);
    let raise = |customer: &Customer, _: usize| reason_of[customer.id.as_str()];
    let no_amendments = HashSet::new();
    let changed_customers: HashSet<&str> = screen
        .iter()
        .filter(|(_, reason)| *reason == AlertReason::CustomerChanged)
        .map(|(c, _)| c.id.as_str())
        .collect();
    let suppressed = Suppressed::load(monitor, &book.name)?;
    let (mut changes, ended) = reconcile(
        book,
        lists,
        live,
        matches,
        &Reasons { raise: &raise, amended: &no_amendments, changed_customers: &changed_customers },
        &suppressed,
        &mut summary,
    );
    let gone: HashSet<&str> = removed.iter().map(String::as_str).collect();
    for (_, mut alert) in live_alerts(monitor, &book.name, &Scope::Customers(&gone))? {
        if alert.status == AlertStatus::Open {
            alert.status = AlertStatus::Closed;
            alert.close_reason = Some(CloseReason::CustomerRemoved);
            summary.closed += 1;
            changes.push(AlertChange::Update(alert));
        }
    }
    monitor.store.commit_screening_ending(book, &changes, &ended)?;
    Ok((summary, refused))
}

/// The progress of a full re-screen, as stored with the book.
#[derive(serde::Serialize, serde::Deserialize, PartialEq)]
struct Progress {
    /// The list versions it screens against.
    versions: Vec<i64>,
    /// The engine settings it screens with.
    engine: String,
    /// The last customer id done.
    after: String,
}

/// Re-screens every customer, in chunks committed with their progress.
pub(crate) fn full(monitor: &Monitor<'_>, book: &Book, lists: &Lists) -> Result<Summary> {
    let versions = lists.version_ids();
    let engine = monitor.config.engine_tag();
    let resume_after = book
        .full_progress
        .as_deref()
        .and_then(|text| serde_json::from_str::<Progress>(text).ok())
        .filter(|p| p.versions == versions && p.engine == engine)
        .map(|p| p.after);
    let customers: Vec<Customer> = monitor
        .store
        .customers(&book.name)?
        .into_iter()
        .map(|stored| stored.customer)
        .filter(|c| resume_after.as_ref().is_none_or(|after| c.id > *after))
        .collect();
    let mut summary = Summary::default();
    let mut state = book.clone();
    let chunks: Vec<&[Customer]> = customers.chunks(monitor.config.chunk.max(1)).collect();
    let raise = |_: &Customer, _: usize| AlertReason::NewDesignation;
    let no_amendments = HashSet::new();
    let no_changed_customers = HashSet::new();
    let suppressed = Suppressed::load(monitor, &book.name)?;
    for (n, chunk) in chunks.iter().enumerate() {
        let (ok, _) = screenable(chunk.iter());
        summary.screened += ok.len();
        let scoped: HashSet<&str> = ok.iter().map(|c| c.customer.id.as_str()).collect();
        let live = live_alerts(monitor, &book.name, &Scope::Customers(&scoped))?;
        let matches = match_forward(monitor, lists, &ok);
        let (changes, ended) = reconcile(
            book,
            lists,
            live,
            matches,
            &Reasons { raise: &raise, amended: &no_amendments, changed_customers: &no_changed_customers },
            &suppressed,
            &mut summary,
        );
        if n + 1 < chunks.len() {
            let last = chunk.last().map(|c| c.id.clone()).unwrap_or_default();
            state.full_progress = Some(
                serde_json::to_string(&Progress {
                    versions: versions.clone(),
                    engine: engine.clone(),
                    after: last,
                })
                .map_err(ward_store::Error::from)?,
            );
        } else {
            finish(&mut state, &versions, &engine);
        }
        monitor.store.commit_screening_ending(&state, &changes, &ended)?;
    }
    if chunks.is_empty() {
        finish(&mut state, &versions, &engine);
        monitor.store.commit_screening(&state, &[])?;
    }
    keep_partition(monitor, lists)?;
    Ok(summary)
}

fn finish(state: &mut Book, versions: &[i64], engine: &str) {
    state.screened_versions = versions.to_vec();
    state.engine = Some(engine.to_string());
    state.full_progress = None;
}

/// The referents a change touches: added, removed and amended records.
struct Touched {
    added: HashSet<String>,
    amended: HashSet<String>,
    removed: HashSet<String>,
}

/// A linked subject as a partition keeps it: its id and its records' referents.
#[derive(serde::Serialize, serde::Deserialize)]
struct LinkedSubject {
    id: String,
    referents: Vec<String>,
}

impl LinkedSubject {
    fn of(subject: &Subject) -> LinkedSubject {
        LinkedSubject { id: subject.id.clone(), referents: subject.referents().map(str::to_string).collect() }
    }
}

/// Logs how long a step of a re-screen took.
fn step(what: &str, started: &mut Instant) {
    tracing::debug!(step = what, ms = started.elapsed().as_secs_f64() * 1e3, "monitor re-screen step");
    *started = Instant::now();
}

/// Keeps the linked subjects of `lists` for the next delta re-screen of the books now screened
/// against them, unless they are kept already.
fn keep_partition(monitor: &Monitor<'_>, lists: &Lists) -> Result<()> {
    let versions = lists.version_ids();
    if monitor.store.link_partition(&versions)?.is_some() {
        return Ok(());
    }
    let subjects: Vec<LinkedSubject> = lists.screener.subjects().iter().map(LinkedSubject::of).collect();
    let text = serde_json::to_string(&subjects).map_err(ward_store::Error::from)?;
    monitor.store.save_link_partition(&versions, &text)?;
    Ok(())
}

/// Re-screens what changed between the versions the book was screened against and `lists`.
pub(crate) fn delta(monitor: &Monitor<'_>, book: &Book, lists: &Lists) -> Result<Summary> {
    let versions = lists.version_ids();
    if book.screened_versions == versions {
        return Ok(Summary::default());
    }
    let mut started = Instant::now();
    let stored = monitor.store.versions()?;
    let dataset_of: HashMap<i64, &str> = stored.iter().map(|v| (v.id, v.dataset.as_str())).collect();
    let old_by_dataset: BTreeMap<&str, i64> =
        book.screened_versions.iter().filter_map(|id| Some((*dataset_of.get(id)?, *id))).collect();
    let new_by_dataset: BTreeMap<&str, i64> =
        lists.versions.iter().map(|v| (v.dataset.as_str(), v.id)).collect();
    let datasets: BTreeSet<&str> = old_by_dataset.keys().chain(new_by_dataset.keys()).copied().collect();
    let kept: Option<Vec<LinkedSubject>> = match monitor.store.link_partition(&book.screened_versions)? {
        Some(text) => Some(serde_json::from_str(&text).map_err(ward_store::Error::from)?),
        None => None,
    };
    step("old partition read", &mut started);
    let mut touched = Touched { added: HashSet::new(), amended: HashSet::new(), removed: HashSet::new() };
    // Without the kept partition, the old lists are linked again: every dataset's old records.
    let mut old_entities = Vec::new();
    for dataset in datasets {
        let changed = old_by_dataset.get(dataset) != new_by_dataset.get(dataset);
        if !changed {
            if kept.is_none() {
                old_entities.extend(lists.records(dataset));
            }
            continue;
        }
        let old = match old_by_dataset.get(dataset) {
            Some(id) => monitor.store.version_entities(*id)?,
            None => Vec::new(),
        };
        let diff = ward_model::diff(&old, &lists.records(dataset));
        touched.added.extend(diff.added);
        touched.removed.extend(diff.removed);
        touched.amended.extend(diff.amended.into_iter().map(|a| a.id));
        if kept.is_none() {
            old_entities.extend(old);
        }
    }
    step("diff", &mut started);
    let old_subjects: Vec<LinkedSubject> = match kept {
        Some(subjects) => subjects,
        None => ward_lists::link::link(old_entities).iter().map(LinkedSubject::of).collect(),
    };
    step("old subjects", &mut started);
    let (affected, affected_ids) = affected_subjects(&touched, &old_subjects, lists);
    let amended: HashSet<usize> = affected
        .iter()
        .copied()
        .filter(|&s| lists.screener.subjects()[s].referents().any(|r| touched.amended.contains(r)))
        .collect();
    let mut summary = Summary::default();
    // Only subjects of the new lists can match; without any, no customer needs reading.
    let customers: Vec<Customer> = if affected.is_empty() {
        Vec::new()
    } else {
        monitor.store.customers(&book.name)?.into_iter().map(|stored| stored.customer).collect()
    };
    let (ok, _) = screenable(customers.iter());
    step("customers read", &mut started);
    let matches: Vec<Match<'_>> = if affected.is_empty() {
        Vec::new()
    } else {
        let (matches, scored) = match_forward_among(monitor, lists, &ok, &affected);
        summary.screened = scored;
        step("pairs scored through the affected subjects' index", &mut started);
        matches
    };
    let live = live_alerts(monitor, &book.name, &Scope::Subjects(&affected_ids))?;
    let raise = |_: &Customer, subject: usize| {
        let subject = &lists.screener.subjects()[subject];
        if subject.referents().any(|r| touched.added.contains(r)) {
            AlertReason::NewDesignation
        } else if subject.referents().any(|r| touched.amended.contains(r)) {
            AlertReason::AmendedDesignation
        } else {
            AlertReason::NewDesignation
        }
    };
    let no_changed_customers = HashSet::new();
    let suppressed = Suppressed::load(monitor, &book.name)?;
    let (changes, ended) = reconcile(
        book,
        lists,
        live,
        matches,
        &Reasons { raise: &raise, amended: &amended, changed_customers: &no_changed_customers },
        &suppressed,
        &mut summary,
    );
    let mut state = book.clone();
    finish(&mut state, &versions, &monitor.config.engine_tag());
    monitor.store.commit_screening_ending(&state, &changes, &ended)?;
    step("alerts committed", &mut started);
    keep_partition(monitor, lists)?;
    step("partition kept", &mut started);
    Ok(summary)
}

/// The subjects a change can affect, as indices into the new snapshot and as ids (old and
/// new): every subject, before or after, holding a touched record, closed over linking (a
/// record's old subject and its new one are both affected, and so are their other records).
fn affected_subjects(
    touched: &Touched,
    old_subjects: &[LinkedSubject],
    lists: &Lists,
) -> (Vec<usize>, HashSet<String>) {
    let old_by_referent: HashMap<&str, usize> = old_subjects
        .iter()
        .enumerate()
        .flat_map(|(index, subject)| subject.referents.iter().map(move |r| (r.as_str(), index)))
        .collect();
    let mut referents: HashSet<String> =
        touched.added.iter().chain(&touched.amended).chain(&touched.removed).cloned().collect();
    let mut old_hit: BTreeSet<usize> = BTreeSet::new();
    let mut new_hit: BTreeSet<usize> = BTreeSet::new();
    let mut pending: Vec<String> = referents.iter().cloned().collect();
    while let Some(referent) = pending.pop() {
        let mut spread = |subject_referents: &mut dyn Iterator<Item = &str>| {
            for other in subject_referents {
                if referents.insert(other.to_string()) {
                    pending.push(other.to_string());
                }
            }
        };
        if let Some(&index) = old_by_referent.get(referent.as_str()) {
            if old_hit.insert(index) {
                spread(&mut old_subjects[index].referents.iter().map(String::as_str));
            }
        }
        if let Some(&index) = lists.by_referent.get(&referent) {
            if new_hit.insert(index) {
                spread(&mut lists.screener.subjects()[index].referents());
            }
        }
    }
    let ids = old_hit
        .iter()
        .map(|&i| old_subjects[i].id.clone())
        .chain(new_hit.iter().map(|&i| lists.screener.subjects()[i].id.clone()))
        .collect();
    (new_hit.into_iter().collect(), ids)
}

/// Ends the book's good-guy suppressions whose date has come, re-opening each dismissed alert
/// whose pair still matches (reason [`AlertReason::SuppressionExpired`]), in one transaction.
/// Run before every re-screen, delta or full, so that both see the same suppressions.
pub(crate) fn expire(monitor: &Monitor<'_>, book: &Book, lists: &Lists) -> Result<Summary> {
    let today = monitor.today();
    let expired: Vec<Suppression> =
        monitor.store.active_suppressions(&book.name)?.into_iter().filter(|s| !s.holds_on(&today)).collect();
    let mut summary = Summary::default();
    if expired.is_empty() {
        return Ok(summary);
    }
    let wanted: HashSet<&str> = expired.iter().map(|s| s.customer_id.as_str()).collect();
    let customers: HashMap<String, Customer> = monitor
        .store
        .customers(&book.name)?
        .into_iter()
        .filter(|stored| wanted.contains(stored.customer.id.as_str()))
        .map(|stored| (stored.customer.id.clone(), stored.customer))
        .collect();
    let mut live = live_alerts(monitor, &book.name, &Scope::Customers(&wanted))?;
    let options = options(monitor);
    let versions = lists.version_ids();
    let mut changes = Vec::new();
    let mut ended = Vec::new();
    for suppression in &expired {
        ended.push(SuppressionEnd {
            suppression_id: suppression.id,
            status: SuppressionStatus::Expired,
            reason: format!(
                "the good-guy entry of decision {} expired on {}",
                suppression.decision_id,
                suppression.expires.as_deref().unwrap_or("")
            ),
        });
        let key = (suppression.customer_id.clone(), suppression.subject_id.clone());
        let Some(mut alert) = live.remove(&key).filter(|a| a.status == AlertStatus::Dismissed) else {
            continue;
        };
        let Some(customer) = customers.get(&suppression.customer_id) else { continue };
        let Some(subject) = lists.screener.subjects().iter().position(|s| s.id == suppression.subject_id)
        else {
            continue;
        };
        let query = customer_query(customer);
        if validate_query(&query).is_err() {
            continue;
        }
        let hit =
            lists.screener.match_subjects(&query, &[subject], &options).into_iter().find(|hit| hit.is_match);
        if let Some(hit) = hit {
            alert.status = AlertStatus::Open;
            alert.reason = AlertReason::SuppressionExpired;
            alert.score = f64::from(hit.score);
            alert.explanations = hit.comparison.explanations.iter().map(|e| e.text.clone()).collect();
            alert.referents = lists.screener.subjects()[subject].referents().map(str::to_string).collect();
            alert.list_versions.clone_from(&versions);
            summary.updated += 1;
            changes.push(AlertChange::Update(alert));
        }
    }
    monitor.store.commit_screening_ending(book, &changes, &ended)?;
    Ok(summary)
}
