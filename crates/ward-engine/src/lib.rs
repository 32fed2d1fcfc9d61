//! Ward's matching engine: the facade over normalisation, the candidate index and the scorer.
//!
//! A [`Screener`] is an immutable snapshot of listed subjects (wrap it in an `Arc` and swap in
//! a new one when lists change). [`Screener::match_query`] finds the subjects a [`Query`] may
//! be, scores each in [0, 1] and explains the score; [`Screener::match_brute_force`] does the
//! same by scoring every subject (tests, benchmarks). [`compare`] scores one query against one
//! subject without a snapshot, with a default rarity table.
//!
//! ```
//! use ward_engine::{MatchOptions, Query, Screener};
//! use ward_model::{Entity, Name, NameKind, Schema, Subject};
//! let mut lavrov = Entity::new("us_ofac_sdn", "24422", Schema::Person);
//! lavrov.add_name(Name::new("LAVROV, Sergei Viktorovich", NameKind::Primary));
//! let screener = Screener::build(vec![Subject { id: lavrov.id.clone(), records: vec![lavrov] }]);
//! let hits = screener.match_query(&Query::from_name("Сергей Лавров"), &MatchOptions::default());
//! assert!(hits[0].is_match, "{:?}", hits[0].comparison.explanations);
//! ```
//!
//! Nothing here does I/O or can fail. A query that cannot be screened (no name, a name without
//! letters, a name too long) is refused by [`validate_query`] before it gets here.

use rayon::prelude::*;
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use ward_index::{Index, IndexBuilder, KeyName, KeyPair, KeyToken, Scratch, SubjectId};
use ward_model::{Entity, Subject};
use ward_normalize::{NormalizedName, Normalizer};
use ward_score::{
    normalize_subject, rank_names, Interner, PreparedName, PreparedQuery, PreparedSubject, Ranking, Rarity,
    ScoreConfig, Weights,
};

pub use validate::{validate_query, NotScreened, NotScreenedReason, MAX_NAME_CHARS};
pub use ward_score::{Comparison, Explanation, Factor, Query};

mod validate;

/// The score from which a hit is a match: on the dev set (`ward eval --sweep`) the highest
/// threshold that keeps the recall of 0.70 (96.6%), with fewer negatives alerting (6.8% vs 7.7%).
pub const DEFAULT_THRESHOLD: f32 = 0.73;

/// How many names the index hands to the scorer per query name.
const CANDIDATE_NAMES: usize = 200;
/// A snapshot's names, subjects and postings stay far below the index's `u32` ids: memory
/// runs out long before (about 400 bytes a name).
const INDEX_CAPACITY: &str = "a snapshot within the candidate index's capacity";

/// The names per query name the index hands to the scorer: [`CANDIDATE_NAMES`], or all when
/// every hit is asked for.
fn candidate_names(options: &MatchOptions) -> usize {
    if options.limit == usize::MAX {
        usize::MAX
    } else {
        CANDIDATE_NAMES
    }
}

/// Options of one screening request.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchOptions {
    /// Score from which a hit is a match.
    pub threshold: f32,
    /// Most hits returned. `usize::MAX` asks for every hit: the shortlist of
    /// [`CANDIDATE_NAMES`] best names per query name is lifted too, so that a pair's result
    /// never depends on how many other listed names resemble the query (monitoring needs that).
    pub limit: usize,
    /// Hits scoring below this are not returned at all.
    pub cutoff: f32,
    /// Only subjects listed in one of these datasets (`None`: all).
    pub datasets: Option<Vec<String>>,
}

impl Default for MatchOptions {
    fn default() -> MatchOptions {
        MatchOptions { threshold: DEFAULT_THRESHOLD, limit: 10, cutoff: 0.5, datasets: None }
    }
}

/// One listed subject the query may be.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the subject in [`Screener::subjects`].
    pub subject: usize,
    /// The subject's id.
    pub subject_id: String,
    /// Score in [0, 1].
    pub score: f32,
    /// Whether the score reaches the threshold.
    pub is_match: bool,
    /// The comparison and its explanation.
    pub comparison: Comparison,
}

/// An immutable snapshot of listed subjects, ready to screen against.
pub struct Screener {
    subjects: Vec<Subject>,
    prepared: Vec<PreparedSubject>,
    index: Index,
    /// Index name id of each subject's first prepared name (and the total at the end).
    first_name: Vec<usize>,
    /// Shared by every snapshot built with [`RarityTable::Embedded`], so that a query compiled
    /// for one is taken as it is by the others ([`ScreeningQuery`]).
    rarity: Arc<Rarity>,
    normalizer: Normalizer<'static>,
    dataset_names: Vec<String>,
    dataset_masks: Vec<u64>,
    config: ScoreConfig,
}

/// The candidates of one query as the scorer takes them: subjects with a range of `names`,
/// the positions of their names to score.
#[derive(Default)]
struct Shortlist {
    subjects: Vec<(usize, std::ops::Range<usize>)>,
    names: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Screener {
    /// Builds a snapshot: normalises every name, counts token rarity, compiles subjects and
    /// indexes their names and identifiers.
    pub fn build(subjects: Vec<Subject>) -> Screener {
        Screener::build_with(subjects, RarityTable::Counted)
    }

    /// Builds a snapshot whose token rarity comes from `table`. With
    /// [`RarityTable::Embedded`] a pair's score depends on the query and the subject alone, not
    /// on the other subjects of the snapshot: what lets a change to the lists be screened by
    /// re-scoring only the pairs it touches.
    pub fn build_with(subjects: Vec<Subject>, table: RarityTable) -> Screener {
        let normalizer = Normalizer::embedded();
        let rarity = match table {
            RarityTable::Counted => Arc::new(count_rarity(&subjects, &normalizer)),
            RarityTable::Embedded => embedded_rarity(),
        };
        Screener::compile(subjects, rarity, normalizer)
    }

    fn compile(subjects: Vec<Subject>, rarity: Arc<Rarity>, normalizer: Normalizer<'static>) -> Screener {
        // Listed names share one copy of each spelling; the interner's table goes once all are
        // compiled.
        let interner = Interner::default();
        let prepared: Vec<PreparedSubject> = subjects
            .par_iter()
            .map(|s| {
                PreparedSubject::new(
                    s,
                    &normalize_subject(s, &normalizer),
                    &rarity,
                    &normalizer,
                    Some(&interner),
                )
            })
            .collect();
        drop(interner);
        // Names are the subjects' distinct (prepared) names, numbered subject by subject.
        let mut builder = IndexBuilder::new(Weights::STANDARD.typo_key_min_len());
        let mut first_name = Vec::with_capacity(prepared.len() + 1);
        for (i, subject) in prepared.iter().enumerate() {
            first_name.push(builder.n_names());
            let id = SubjectId::new(i).expect(INDEX_CAPACITY);
            for name in &subject.names {
                builder.add_name(id, &key_name(&name.prepared)).expect(INDEX_CAPACITY);
            }
            for (value, _, _) in &subject.identifiers {
                builder.add_identifier(id, value);
            }
        }
        first_name.push(builder.n_names());
        let index = builder.build().expect(INDEX_CAPACITY);
        let mut dataset_names: Vec<String> = Vec::new();
        let dataset_masks = subjects
            .iter()
            .map(|s| {
                let mut mask = 0u64;
                for r in &s.records {
                    let pos = match dataset_names.iter().position(|d| *d == r.dataset) {
                        Some(p) => p,
                        None => {
                            dataset_names.push(r.dataset.clone());
                            dataset_names.len() - 1
                        }
                    };
                    // Beyond 64 datasets, the rest share the last bit (filtering stays a superset).
                    mask |= 1u64 << pos.min(63);
                }
                mask
            })
            .collect();
        Screener {
            subjects,
            prepared,
            index,
            first_name,
            rarity,
            normalizer,
            dataset_names,
            dataset_masks,
            config: ScoreConfig::default(),
        }
    }

    /// The subjects, in the order given to [`Screener::build`].
    pub fn subjects(&self) -> &[Subject] {
        &self.subjects
    }

    /// Number of subjects.
    pub fn len(&self) -> usize {
        self.subjects.len()
    }

    /// Whether there are no subjects.
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    /// Number of names indexed.
    pub fn n_names(&self) -> usize {
        self.index.n_names()
    }

    /// The candidate index (for its size figures).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The rarity table of this snapshot.
    pub fn rarity(&self) -> &Rarity {
        &self.rarity
    }

    fn dataset_filter(&self, options: &MatchOptions) -> u64 {
        match &options.datasets {
            None => u64::MAX,
            Some(names) => names
                .iter()
                .filter_map(|n| self.dataset_names.iter().position(|d| d == n))
                .fold(0u64, |m, p| m | (1u64 << p.min(63))),
        }
    }

    /// Compiles a query against this snapshot's rarity table.
    pub fn prepare(&self, query: &Query) -> PreparedQuery {
        PreparedQuery::new(query, &self.rarity, &self.normalizer)
    }

    /// Compiles a query for screening in this snapshot and in every other that shares its
    /// rarity table (see [`ScreeningQuery`]).
    pub fn compile_query<'q>(&self, query: &'q Query) -> ScreeningQuery<'q> {
        ScreeningQuery { query, prepared: self.prepare(query), rarity: Arc::clone(&self.rarity) }
    }

    /// Runs `f` on a compiled query as this snapshot scores it: as it is when compiled against
    /// this snapshot's rarity table, compiled again otherwise. Every snapshot has the embedded
    /// normaliser, so the table is all that may differ.
    fn with_compiled<R>(&self, query: &ScreeningQuery<'_>, f: impl FnOnce(&PreparedQuery) -> R) -> R {
        if query.fits(self) {
            f(&query.prepared)
        } else {
            f(&self.prepare(query.query))
        }
    }

    /// The subjects the index hands to the scorer for a query (candidate generation alone).
    pub fn candidates(&self, query: &Query, options: &MatchOptions) -> Vec<usize> {
        self.candidates_of(&self.compile_query(query), options)
    }

    /// [`Screener::candidates`] of a compiled query.
    pub fn candidates_of(&self, query: &ScreeningQuery<'_>, options: &MatchOptions) -> Vec<usize> {
        self.with_compiled(query, |prepared| {
            self.candidates_prepared(prepared, options).subjects.into_iter().map(|(s, _)| s).collect()
        })
    }

    /// Candidate subjects, each with the positions (in `PreparedSubject::names`) of its names
    /// to score: those that shared a key with the query, or all for a subject found by an
    /// identifier.
    fn candidates_prepared(&self, query: &PreparedQuery, options: &MatchOptions) -> Shortlist {
        let filter = self.dataset_filter(options);
        let keys: Vec<KeyName<'_>> = query.names.iter().map(|(_, name)| key_name(name)).collect();
        let found = SCRATCH.with(|scratch| {
            self.index.candidates(
                &keys,
                &query.identifiers,
                ward_index::Bounds {
                    limit: candidate_names(options),
                    min_share: min_share(options.threshold),
                    // With identifiers, evidence can lift any name score over the cutoff.
                    min_covered: if query.identifiers.is_empty() {
                        1.0 - min_share(options.cutoff)
                    } else {
                        0.0
                    },
                    // Scores are clamped at 0, so with a cutoff of 0 every name reaches it.
                    penalties: (query.identifiers.is_empty() && options.cutoff > 0.0).then_some(
                        ward_index::Penalties {
                            query_miss: Weights::STANDARD.query_miss,
                            listed_miss: Weights::STANDARD.listed_miss,
                            max_total: headroom(options.cutoff) + 0.01,
                            spared_share: spared_share(query),
                        },
                    ),
                },
                |s| filter == u64::MAX || self.dataset_masks[s.index()] & filter != 0,
                &mut scratch.borrow_mut(),
            )
        });
        let mut shortlist = Shortlist::default();
        for c in &found.list {
            let s = c.subject.index();
            let start = shortlist.names.len();
            if c.by_identifier {
                shortlist.names.extend(0..self.prepared[s].names.len());
            } else {
                let first = self.first_name[s];
                shortlist.names.extend(found.names(c).map(|id| id.index() - first));
            }
            shortlist.subjects.push((s, start..shortlist.names.len()));
        }
        shortlist
    }

    /// Screens a query: candidates from the index, each scored and explained; hits sorted by
    /// score, at most `options.limit`, none below `options.cutoff`.
    pub fn match_query(&self, query: &Query, options: &MatchOptions) -> Vec<Hit> {
        let prepared = self.prepare(query);
        let mut shortlist = self.candidates_prepared(&prepared, options);
        // In memory order: subjects were compiled in this order, so neighbours' names lie close
        // together and scoring them misses the cache less.
        shortlist.subjects.sort_unstable_by_key(|c| c.0);
        self.warm(&shortlist);
        let names = &shortlist.names;
        self.score_candidates(
            &prepared,
            shortlist.subjects.iter().map(|(s, range)| (*s, Some(&names[range.clone()]))),
            options,
        )
    }

    /// Reads the compiled names of every candidate a little ahead of scoring them, in three
    /// sweeps (subjects, their name headers, the names' tokens and first joined pair). Each read
    /// misses the cache (the candidates are spread over a few hundred megabytes), and the scorer
    /// would meet them one after another; the reads of one sweep do not depend on each other, so
    /// the processor keeps many in flight at once.
    fn warm(&self, shortlist: &Shortlist) {
        let mut sink = 0usize;
        for (s, _) in &shortlist.subjects {
            sink ^= self.prepared[*s].names.len();
        }
        for (s, range) in &shortlist.subjects {
            let listed = &self.prepared[*s].names;
            for &k in &shortlist.names[range.clone()] {
                sink ^= listed[k].prepared.tokens.len();
            }
        }
        for (s, range) in &shortlist.subjects {
            let listed = &self.prepared[*s].names;
            for &k in &shortlist.names[range.clone()] {
                let name = &listed[k].prepared;
                for t in &name.tokens {
                    sink ^= t.kind as usize;
                }
                sink ^= name.pairs.first().map_or(0, |p| p.summary.len as usize);
            }
        }
        std::hint::black_box(sink);
    }

    /// Scores a query against the given subjects, every name of each: the hits of a query
    /// whose candidates were found elsewhere (another index, or [`Screener::candidates`]).
    /// Sorted and cut as [`Screener::match_query`] does.
    pub fn match_subjects(&self, query: &Query, subjects: &[usize], options: &MatchOptions) -> Vec<Hit> {
        self.match_subjects_of(&self.compile_query(query), subjects, options)
    }

    /// [`Screener::match_subjects`] of a compiled query: candidates found in another snapshot
    /// sharing this one's rarity table are scored without compiling the query again.
    pub fn match_subjects_of(
        &self,
        query: &ScreeningQuery<'_>,
        subjects: &[usize],
        options: &MatchOptions,
    ) -> Vec<Hit> {
        let filter = self.dataset_filter(options);
        let chosen =
            subjects.iter().copied().filter(|&i| self.dataset_masks[i] & filter != 0).map(|i| (i, None));
        self.with_compiled(query, |prepared| self.score_candidates(prepared, chosen, options))
    }

    /// Screens a query by scoring every subject (no index): the reference the index is tested
    /// against, and a baseline for benchmarks.
    pub fn match_brute_force(&self, query: &Query, options: &MatchOptions) -> Vec<Hit> {
        let prepared = self.prepare(query);
        let filter = self.dataset_filter(options);
        let all =
            (0..self.subjects.len()).filter(|&i| self.dataset_masks[i] & filter != 0).map(|i| (i, None));
        self.score_candidates(&prepared, all, options)
    }

    /// Scores candidates: `(subject, names)`, where `names` limits the ranking to the names
    /// that can match (all when `None`).
    fn score_candidates<'n>(
        &self,
        query: &PreparedQuery,
        candidates: impl Iterator<Item = (usize, Option<&'n [usize]>)>,
        options: &MatchOptions,
    ) -> Vec<Hit> {
        // First pass: each candidate's names ranked once, by name score alone; with the most
        // other evidence could add, it skips the full comparison (and its explanation strings)
        // of hopeless candidates. The others' rankings are handed to the full comparison.
        let bonus = ward_score::max_bonus(query);
        let mut ranked: Vec<(Ranking, usize)> = candidates
            .filter_map(|(i, names)| {
                let ranking = rank_names(query, &self.prepared[i], names, &self.config)?;
                (ranking.best_score() + bonus >= options.cutoff).then_some((ranking, i))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.best_score().total_cmp(&a.0.best_score()).then(a.1.cmp(&b.1)));
        let mut hits: Vec<Hit> = Vec::new();
        for (ranking, i) in ranked {
            // Once `limit` hits are held, a candidate whose name score plus the largest bonus
            // cannot beat the weakest one is skipped.
            if hits.len() >= options.limit {
                let worst = hits.iter().map(|h| h.score).fold(f32::MAX, f32::min);
                if ranking.best_score() + bonus < worst {
                    break;
                }
            }
            let comparison = ward_score::compare_ranked(
                query,
                &self.prepared[i],
                &self.subjects[i],
                &self.config,
                &ranking,
            );
            if comparison.score < options.cutoff {
                continue;
            }
            hits.push(Hit {
                subject: i,
                subject_id: self.subjects[i].id.clone(),
                score: comparison.score,
                is_match: comparison.score >= options.threshold,
                comparison,
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.subject.cmp(&b.subject)));
        hits.truncate(options.limit);
        hits
    }
}

/// A query compiled for screening, with the rarity table it was compiled against: a snapshot
/// sharing that table takes it as it is (every snapshot built with [`RarityTable::Embedded`]
/// does), another compiles the query again. A query screened in two such snapshots (candidates
/// from a small one, scores in the lists') is compiled once.
pub struct ScreeningQuery<'q> {
    query: &'q Query,
    prepared: PreparedQuery,
    rarity: Arc<Rarity>,
}

impl ScreeningQuery<'_> {
    /// Whether `screener` takes the compiled query as it is (it shares the rarity table).
    pub fn fits(&self, screener: &Screener) -> bool {
        Arc::ptr_eq(&self.rarity, &screener.rarity)
    }
}

/// The embedded rarity table, one copy shared by every snapshot built with
/// [`RarityTable::Embedded`].
fn embedded_rarity() -> Arc<Rarity> {
    static EMBEDDED: OnceLock<Arc<Rarity>> = OnceLock::new();
    Arc::clone(EMBEDDED.get_or_init(|| Arc::new(Rarity::default_table().clone())))
}

/// Where a snapshot's token rarity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RarityTable {
    /// Counted over the snapshot's own names (the default: rare names weigh more).
    Counted,
    /// The embedded default table, the same for every snapshot.
    Embedded,
}

/// Counts token rarity over the subjects' names. Names are normalised twice (once to count
/// rarity, once to compile them with it) rather than held normalised between the two passes:
/// that copy of every name, token by token, was the largest transient of a build, and its freed
/// pieces stayed resident.
fn count_rarity(subjects: &[Subject], normalizer: &Normalizer<'static>) -> Rarity {
    let chunks: Vec<&[Subject]> = subjects.chunks(64).collect();
    let counts: Vec<Rarity> = chunks
        .par_iter()
        .map(|part| {
            let names: Vec<NormalizedName> =
                part.iter().flat_map(|s| normalize_subject(s, normalizer)).collect();
            Rarity::from_names(&names)
        })
        .collect();
    let mut rarity = Rarity::default();
    for part in counts {
        rarity.merge(part);
    }
    rarity
}

/// The share of a query's coverage weight that a listed name must match for its subject to
/// possibly reach `threshold`: the scorer takes `Weights::query_miss` times the unmatched share
/// off a name score of at most 1, and other evidence adds at most
/// `Weights::max_evidence_bonus`.
fn min_share(threshold: f32) -> f32 {
    (headroom(threshold) / Weights::STANDARD.query_miss + 0.01).clamp(0.0, 1.0)
}

/// What the scorer's coverage penalties may take off a name score for a subject to still reach
/// `score`: a name score is at most 1 and other evidence adds at most
/// `Weights::max_evidence_bonus`.
fn headroom(score: f32) -> f32 {
    1.0 + Weights::STANDARD.max_evidence_bonus() - score
}

/// The share of a listed given name's penalty the scorer may waive for a query: a query that
/// names a person by the family name alone charges them `Weights::family_alone_given_cover`
/// of it, any other query all of it.
fn spared_share(query: &PreparedQuery) -> f32 {
    if query.names.iter().any(|(_, name)| name.by_family_name()) {
        1.0 - Weights::STANDARD.family_alone_given_cover
    } else {
        0.0
    }
}

fn key_name(name: &PreparedName) -> KeyName<'_> {
    let tokens = name
        .tokens
        .iter()
        .map(|t| KeyToken {
            text: &t.spelling.text,
            phonetic: &t.spelling.phonetic,
            groups: &t.spelling.groups,
            consonants: &t.spelling.consonants,
            abjad: t.abjad(),
            weight: t.weight,
            kind: t.kind,
            cover: t.weight * ward_score::coverage_factor(t.kind, t.role),
            spared: ward_score::stands_for_with_family(t.kind, t.role),
        })
        .collect();
    let pairs = name
        .pairs
        .iter()
        .map(|p| KeyPair {
            first: p.first as usize,
            second: p.second as usize,
            text: &p.spelling.text,
            phonetic: &p.spelling.phonetic,
            groups: &p.spelling.groups,
            consonants: &p.spelling.consonants,
            abjad: p.summary.abjad,
        })
        .collect();
    KeyName { tokens, pairs }
}

/// Compares a query with one subject, without a snapshot: token rarity comes from the
/// embedded default table.
pub fn compare(query: &Query, subject: &Subject) -> Comparison {
    let normalizer = Normalizer::embedded();
    let rarity = Rarity::default_table();
    let names = normalize_subject(subject, &normalizer);
    let prepared = PreparedSubject::new(subject, &names, rarity, &normalizer, None);
    let query = PreparedQuery::new(query, rarity, &normalizer);
    ward_score::compare(&query, &prepared, subject, &ScoreConfig::default())
}

/// Compares a query with one list record (see [`compare`]).
pub fn compare_entity(query: &Query, entity: &Entity) -> Comparison {
    compare(query, &Subject { id: entity.id.clone(), records: vec![entity.clone()] })
}
