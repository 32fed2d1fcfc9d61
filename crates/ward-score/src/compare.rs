//! Query against subject: the best pair of names, then the other evidence (identifiers, birth
//! dates, countries, gender, entity kind), the weak-alias cap, and the explanation of each step.

use std::fmt;

use ward_model::{DateSpec, NameKind, Subject};

use crate::align::{match_names, with_scratch, Detail, NameMatch, Span};
use crate::prepare::{PreparedName, PreparedQuery, PreparedSubject};
use crate::weights::WEIGHTS;

/// Which piece of evidence an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Factor {
    /// The name comparison.
    Name,
    /// An identifier.
    Identifier,
    /// Date of birth.
    BirthDate,
    /// Nationality or country.
    Country,
    /// Gender.
    Gender,
    /// Entity kind (person, organisation, vessel, aircraft).
    Schema,
    /// The weak-alias cap.
    WeakAlias,
}

/// One step of a score, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// What it is about.
    pub factor: Factor,
    /// How it moved the score (for `Name`, the name score itself).
    pub delta: f32,
    /// The analyst-readable sentence.
    pub text: String,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The outcome of comparing a query with a subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Final score in [0, 1].
    pub score: f32,
    /// Score of the best name pair alone.
    pub name_score: f32,
    /// The query name that met the listed name.
    pub query_name: String,
    /// The listed name it met, as listed.
    pub matched_name: String,
    /// The kind of the listed name.
    pub matched_name_kind: NameKind,
    /// The dataset of the record that lists the name.
    pub matched_dataset: String,
    /// Each step, in words.
    pub explanations: Vec<Explanation>,
}

/// Scoring settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreConfig {
    /// A weak alias alone never scores above this (keep it below the match threshold).
    pub weak_alias_cap: f32,
}

impl Default for ScoreConfig {
    fn default() -> ScoreConfig {
        ScoreConfig { weak_alias_cap: 0.65 }
    }
}

fn kind_word(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Primary => "primary name",
        NameKind::Alias => "alias",
        NameKind::Weak => "weak alias",
        NameKind::Previous => "former name",
    }
}

fn date_compatible(q: &DateSpec, s: &DateSpec) -> bool {
    match (q.to, q.circa) {
        (None, false) => s.compatible(&q.from),
        _ => {
            let (qa, qb) = (*q.years().start(), *q.years().end());
            let (sa, sb) = (*s.years().start(), *s.years().end());
            let slack = u16::from(q.circa || s.circa);
            qa <= sb + slack && sa <= qb + slack
        }
    }
}

fn year_gap(q: &DateSpec, s: &DateSpec) -> u16 {
    let (qa, qb) = (*q.years().start(), *q.years().end());
    let (sa, sb) = (*s.years().start(), *s.years().end());
    sa.saturating_sub(qb).max(qa.saturating_sub(sb))
}

/// Name scores closer than this rank as equal.
const SCORE_TIE: f32 = 1e-6;

/// A pair of names: a query name and a listed name (positions in `PreparedQuery::names` and
/// `PreparedSubject::names`), with its name score.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f32,
    query_name: usize,
    listed_name: usize,
}

/// The best pairs of names of a query against a subject, as [`rank_names`] found them: with
/// weak aliases as they are, and with weak aliases capped at `ScoreConfig::weak_alias_cap`.
/// The engine ranks every candidate's names once and hands the ranking of each candidate it
/// compares in full to [`compare_ranked`].
#[derive(Debug, Clone, Copy)]
pub struct Ranking {
    best: Ranked,
    capped: Ranked,
}

impl Ranking {
    /// The best name score, weak aliases not capped.
    pub fn best_score(&self) -> f32 {
        self.best.score
    }

    /// The pair a comparison explains: the best pair, or a strong name that scores a little
    /// lower when the best is a weak alias that would be capped.
    fn explained(&self, subject: &PreparedSubject, config: &ScoreConfig) -> Ranked {
        let weak = |pair: Ranked| subject.names[pair.listed_name].kind == NameKind::Weak;
        if weak(self.best)
            && self.capped.score >= self.best.score.min(config.weak_alias_cap)
            && !weak(self.capped)
        {
            self.capped
        } else {
            self.best
        }
    }
}

/// Ranks every pair of a query name and a listed name by name score alone, without other
/// evidence and without building explanations. `names` limits the listed names looked at
/// (indices into `subject.names`; all when `None`). `None` when the query has no name to
/// compare.
pub fn rank_names(
    query: &PreparedQuery,
    subject: &PreparedSubject,
    names: Option<&[usize]>,
    config: &ScoreConfig,
) -> Option<Ranking> {
    with_scratch(|scratch| {
        let mut ranking: Option<Ranking> = None;
        for (query_name, (_, qname)) in query.names.iter().enumerate() {
            if qname.is_empty() {
                continue;
            }
            let mut rank = |listed_name: usize| {
                let sname = &subject.names[listed_name];
                let score = scratch.weigh(qname, &sname.prepared, Detail::ScoreOnly);
                let capped =
                    if sname.kind == NameKind::Weak { score.min(config.weak_alias_cap) } else { score };
                let pair = |score: f32| Ranked { score, query_name, listed_name };
                // Prefer the stronger name on ties, so that explanations cite primary names.
                let r = ranking.get_or_insert(Ranking { best: pair(score), capped: pair(capped) });
                if score > r.best.score + SCORE_TIE {
                    r.best = pair(score);
                }
                if capped > r.capped.score + SCORE_TIE {
                    r.capped = pair(capped);
                }
            };
            match names {
                Some(names) => names.iter().for_each(|&si| rank(si)),
                None => (0..subject.names.len()).for_each(&mut rank),
            }
        }
        ranking
    })
}

/// The most that evidence other than the name can add to a name score for this query: a
/// strong identifier can lift any name, otherwise only what the query states can add.
pub fn max_bonus(query: &PreparedQuery) -> f32 {
    if !query.identifiers.is_empty() {
        return 1.0;
    }
    let dob = if query.birth_dates.is_empty() { 0.0 } else { WEIGHTS.max_dob_bonus() };
    let country = if query.countries.is_empty() { 0.0 } else { WEIGHTS.country_match.max(0.0) };
    dob + country
}

/// Compares a compiled query with a compiled subject; `subject` gives the listed names for the
/// explanations.
pub fn compare(
    query: &PreparedQuery,
    prepared: &PreparedSubject,
    subject: &Subject,
    config: &ScoreConfig,
) -> Comparison {
    match rank_names(query, prepared, None, config) {
        Some(ranking) => compare_ranked(query, prepared, subject, config, &ranking),
        None => Comparison {
            score: 0.0,
            name_score: 0.0,
            query_name: query.names.first().map(|n| n.0.clone()).unwrap_or_default(),
            matched_name: subject.caption().to_string(),
            matched_name_kind: NameKind::Primary,
            matched_dataset: subject.records.first().map(|r| r.dataset.clone()).unwrap_or_default(),
            explanations: vec![],
        },
    }
}

/// [`compare`] of a subject whose names are ranked already: `ranking` is what [`rank_names`]
/// gave for `query` against `prepared` with `config`. Only the pair it explains is aligned
/// again, to read its units and penalties; no other pair is.
pub fn compare_ranked(
    query: &PreparedQuery,
    prepared: &PreparedSubject,
    subject: &Subject,
    config: &ScoreConfig,
    ranking: &Ranking,
) -> Comparison {
    let pair = ranking.explained(prepared, config);
    let sname = &prepared.names[pair.listed_name];
    let record = &subject.records[sname.record as usize];
    let listed = &record.names[sname.name as usize];
    let (query_name, qprep) = &query.names[pair.query_name];
    let m = match_names(qprep, &sname.prepared);
    let mut explanations = vec![name_explanation(
        query_name,
        qprep,
        &listed.full,
        &sname.prepared,
        sname.kind,
        &record.dataset,
        &m,
    )];
    let name_score = m.score;
    let mut score = name_score;

    // Each factor moves the score and says how; `agrees` tells whether it supports the name.
    let mut agrees = Agreement::default();
    if let Some((explanation, strong)) = identifier_factor(query, prepared, score) {
        agrees.identifier = strong;
        score += explanation.delta;
        explanations.push(explanation);
    }
    if let Some((explanation, compatible)) = birth_date_factor(query, prepared) {
        agrees.birth_date = compatible;
        score += explanation.delta;
        explanations.push(explanation);
    }
    if let Some((explanation, shared)) = country_factor(query, prepared) {
        agrees.country = shared;
        score += explanation.delta;
        explanations.push(explanation);
    }
    let others = [gender_factor(query, prepared), schema_factor(query, prepared, score)];
    for explanation in others.into_iter().flatten() {
        score += explanation.delta;
        explanations.push(explanation);
    }
    if sname.kind == NameKind::Weak {
        if let Some(explanation) = weak_alias_factor(config, agrees, score) {
            score += explanation.delta;
            explanations.push(explanation);
        }
    }
    Comparison {
        score: score.clamp(0.0, 1.0),
        name_score,
        query_name: query_name.clone(),
        matched_name: listed.full.clone(),
        matched_name_kind: sname.kind,
        matched_dataset: record.dataset.clone(),
        explanations,
    }
}

fn role_word(role: ward_normalize::Role) -> &'static str {
    match role {
        ward_normalize::Role::Given => "given name",
        ward_normalize::Role::Middle => "middle name",
        ward_normalize::Role::Family => "family name",
        ward_normalize::Role::Patronymic => "patronymic",
        ward_normalize::Role::Unknown => "word",
    }
}

fn unit_text(name: &PreparedName, span: Span) -> String {
    span.indices().map(|i| name.tokens[i].text()).collect::<Vec<_>>().join("+")
}

fn name_explanation(
    qraw: &str,
    q: &PreparedName,
    craw: &str,
    c: &PreparedName,
    kind: NameKind,
    dataset: &str,
    m: &NameMatch,
) -> Explanation {
    let mut text = format!("name: \"{qraw}\" ~ \"{craw}\" ({}, {dataset}) {:.2}", kind_word(kind), m.score);
    let pairs: Vec<String> = m
        .units
        .iter()
        .filter(|u| q.tokens[usize::from(u.q.first)].kind != ward_normalize::TokenKind::Particle)
        .map(|u| format!("{}={} ({})", unit_text(q, u.q), unit_text(c, u.c), u.how.word()))
        .collect();
    if pairs.is_empty() {
        text.push_str(": no tokens in common");
    } else {
        text.push_str(": tokens ");
        text.push_str(&pairs.join(", "));
    }
    let mut notes: Vec<String> = Vec::new();
    for miss in &m.missing_in_query {
        let t = &c.tokens[miss.token as usize];
        notes.push(format!("{} {} missing in query (-{:.2})", role_word(t.role), t.text(), miss.penalty));
    }
    for miss in &m.missing_in_listing {
        let t = &q.tokens[miss.token as usize];
        notes.push(format!(
            "query {} {} not in listed name (-{:.2})",
            role_word(t.role),
            t.text(),
            miss.penalty
        ));
    }
    if m.family_alone {
        notes.push(
            "the family name alone (after a title, or transcribed) stands for the given names".to_string(),
        );
    }
    if m.common_penalty > 0.0 {
        notes.push(format!("only common name words matched (-{:.2})", m.common_penalty));
    }
    for (conflict, penalty) in &m.conflicts {
        notes.push(format!("{} (-{penalty:.2})", conflict.word()));
    }
    if let Some(cap) = m.single_word_cap {
        notes.push(format!("a single word against a longer name: capped at {cap:.2}"));
    }
    if !notes.is_empty() {
        text.push_str("; ");
        text.push_str(&notes.join("; "));
    }
    Explanation { factor: crate::Factor::Name, delta: m.score, text }
}

/// Which pieces of other evidence support a name match.
#[derive(Debug, Clone, Copy, Default)]
struct Agreement {
    /// An identical strong identifier.
    identifier: bool,
    /// A compatible birth date.
    birth_date: bool,
    /// A shared nationality or country.
    country: bool,
}

/// Identifiers: an identical strong identifier nearly decides. With whether it is strong.
fn identifier_factor(
    query: &PreparedQuery,
    prepared: &PreparedSubject,
    score: f32,
) -> Option<(Explanation, bool)> {
    query.identifiers.iter().find_map(|qid| {
        let (_, kind, raw) = prepared.identifiers.iter().find(|(v, _, _)| **v == **qid)?;
        let delta = if kind.is_strong() {
            (WEIGHTS.identifier_strong_floor.max(score + WEIGHTS.identifier_strong_lift)).min(1.0) - score
        } else {
            WEIGHTS.identifier_weak.min(1.0 - score)
        };
        let text = format!("identifier {raw} ({}): identical ({delta:+.2})", kind.ftm_property());
        Some((Explanation { factor: Factor::Identifier, delta, text }, kind.is_strong()))
    })
}

/// Birth dates, when both sides give one. With whether they are compatible.
fn birth_date_factor(query: &PreparedQuery, prepared: &PreparedSubject) -> Option<(Explanation, bool)> {
    let (q, s) = (&query.birth_dates, &prepared.birth_dates);
    if q.is_empty() || s.is_empty() {
        return None;
    }
    let compatible = q.iter().any(|qd| s.iter().any(|sd| date_compatible(qd, sd)));
    let (delta, verdict) = if compatible {
        let exact = q
            .iter()
            .any(|qd| qd.from.day.is_some() && s.iter().any(|sd| sd.to.is_none() && sd.from == qd.from));
        if exact {
            (WEIGHTS.dob_identical, "identical")
        } else {
            (WEIGHTS.dob_compatible, "compatible")
        }
    } else {
        let gap = q.iter().flat_map(|qd| s.iter().map(move |sd| year_gap(qd, sd))).min().unwrap_or(u16::MAX);
        if gap <= WEIGHTS.dob_close_years {
            (WEIGHTS.dob_close, "close but different")
        } else {
            (WEIGHTS.dob_different, "different")
        }
    };
    let listed: Vec<String> = s.iter().map(|d| d.to_string()).collect();
    let asked: Vec<String> = q.iter().map(|d| d.to_string()).collect();
    let text = format!("birth date {} vs {}: {verdict} ({delta:+.2})", asked.join(", "), listed.join(", "));
    Some((Explanation { factor: Factor::BirthDate, delta, text }, compatible))
}

/// Nationalities and countries, when both sides give one. With whether one is shared.
fn country_factor(query: &PreparedQuery, prepared: &PreparedSubject) -> Option<(Explanation, bool)> {
    if query.countries.is_empty() || prepared.countries.is_empty() {
        return None;
    }
    let hit = query.countries.iter().find(|c| prepared.countries.iter().any(|s| **s == ***c));
    let (delta, text) = match hit {
        Some(c) => {
            let delta = WEIGHTS.country_match;
            (delta, format!("nationality {c}: matches ({delta:+.2})"))
        }
        None => {
            let delta = WEIGHTS.country_different;
            let listed: Vec<&str> = prepared.countries.iter().map(|c| &**c).collect();
            let (asked, listed) = (query.countries.join(", "), listed.join(", "));
            (delta, format!("nationality {asked} vs {listed}: differs ({delta:+.2})"))
        }
    };
    Some((Explanation { factor: Factor::Country, delta, text }, hit.is_some()))
}

/// Gender, when both sides give one.
fn gender_factor(query: &PreparedQuery, prepared: &PreparedSubject) -> Option<Explanation> {
    let (qg, sg) = (query.gender?, prepared.gender?);
    let (delta, text) = if qg == sg {
        (0.0, format!("gender {}: matches", qg.as_str()))
    } else {
        let delta = WEIGHTS.gender_different;
        (delta, format!("gender {} vs {}: differs ({delta:+.2})", qg.as_str(), sg.as_str()))
    };
    Some(Explanation { factor: Factor::Gender, delta, text })
}

/// Entity kinds that cannot be one party: a penalty, and a cap whatever the name.
fn schema_factor(query: &PreparedQuery, prepared: &PreparedSubject, score: f32) -> Option<Explanation> {
    let qs = query.schema?;
    if qs.compatible(prepared.schema) {
        return None;
    }
    let cap = WEIGHTS.schema_incompatible_cap;
    let delta = WEIGHTS.schema_incompatible.min(cap - score);
    let text = format!(
        "entity kind {} vs {}: incompatible, at most {cap:.2} ({delta:+.2})",
        qs.kind(),
        prepared.schema.kind()
    );
    Some(Explanation { factor: Factor::Schema, delta, text })
}

/// A weak alias never produces a match by itself: capped unless a strong identifier, or a
/// birth date and a country, support it.
fn weak_alias_factor(config: &ScoreConfig, agrees: Agreement, score: f32) -> Option<Explanation> {
    let supported = agrees.identifier || (agrees.birth_date && agrees.country);
    let cap = config.weak_alias_cap;
    if supported || score <= cap {
        return None;
    }
    let delta = cap - score;
    let text = format!(
        "weak alias without supporting identifier, birth date and country: capped at {cap:.2} ({delta:+.2})"
    );
    Some(Explanation { factor: Factor::WeakAlias, delta, text })
}
