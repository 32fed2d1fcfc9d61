//! Screening a read message field by field: party and agent names through the normal matcher,
//! BICs against the identifiers on the lists, countries and places against the geography table,
//! free text through an automaton over the listed name words confirmed by the scorer, IMO
//! numbers against listed vessels. The decision is `hold` when any hit reaches the threshold.

use crate::geography::{Geography, PlaceKind, PlaceMatch};
use crate::model::{Field, Message, Party, PartyRole};
use crate::mt::is_bic;
use aho_corasick::{AhoCorasick, MatchKind};
use hashlink::LruCache;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::{Arc, Mutex, PoisonError};
use ward_engine::{validate_query, MatchOptions, Query, Screener};
use ward_model::{IdKind, NameKind, Schema, Subject};
use ward_normalize::{NameHint, Normalizer, TokenKind};

/// Score of a hit that is certain by construction: a listed BIC or IMO number, an embargoed
/// place.
const CERTAIN: f32 = 1.0;

/// Listed name words shorter than this are not in the text automaton: too many short words
/// are ordinary words too.
const MIN_TEXT_WORD_CHARS: usize = 3;

/// Longest run of listed words tried as one name in free text; longer runs are tried in
/// windows of this many words.
const MAX_TEXT_SPAN_WORDS: usize = 5;

/// Words that announce a vessel's name in free text (folded).
const VESSEL_CUES: [&str; 6] = ["vessel", "mv", "ship", "tanker", "mt", "vsl"];

/// How many words after a vessel cue are tried as the vessel's name.
const VESSEL_NAME_WORDS: usize = 3;

/// Digits of an IMO ship number.
const IMO_DIGITS: usize = 7;

/// Length of a BIC without branch code.
const BIC8_LEN: usize = 8;

/// The branch code of a head office.
const HEAD_OFFICE_BRANCH: &str = "XXX";

/// A person's name has at most this many words when its kind is inferred.
const MAX_PERSON_WORDS: usize = 4;

/// Matcher answers kept per screener, by exact query: the same parties, agents and remittance
/// boilerplate recur from one payment to the next. An entry is a few hundred bytes.
pub const DEFAULT_MATCH_CACHE_ENTRIES: usize = 10_000;

/// What a hit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A party's or agent's name matched a listed name.
    Name,
    /// A BIC is listed (itself, or its head office).
    Bic,
    /// A country under an embargo (address, BIC, IBAN, residence, birth).
    Country,
    /// A city or region under an embargo.
    City,
    /// A listed name, vessel, IMO number or BIC in free text.
    Text,
    /// A cover payment whose underlying customer is missing, a placeholder, or not the one of
    /// the customer transfer with the same UETR.
    Stripping,
}

/// One hit: where, what, against what, how sure, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentHit {
    /// The field path (`CdtTrfTxInf[0]/Cdtr/Nm`, `59`).
    pub field: String,
    /// The value found (the field's value, or the words of it that matched).
    pub value: String,
    /// What kind of hit.
    pub kind: HitKind,
    /// The listed subject's id, or `geography:<place id>`.
    pub subject_id: String,
    /// The records of the subject (`dataset:record-id`), or `AUTHORITY:programme` of a place.
    pub referents: Vec<String>,
    /// Score in [0, 1].
    pub score: f32,
    /// The reasons, in words.
    pub explanations: Vec<String>,
}

/// Hold the payment for review, or let it go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PaymentDecision))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// At least one hit reached the threshold.
    Hold,
    /// No hit.
    Release,
}

/// The decision on one message with every hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// Hold or release.
    pub decision: Decision,
    /// Every hit at or above the threshold.
    pub hits: Vec<PaymentHit>,
}

/// A screener for payments over one snapshot of the lists and one geography table. It shares
/// the snapshot's [`Screener`], so a server keeps it beside the screener and builds it once per
/// snapshot.
pub struct PaymentScreener {
    screener: Arc<Screener>,
    geography: Geography,
    options: MatchOptions,
    normalizer: Normalizer<'static>,
    /// Subjects by listed head-office BIC8 (a BIC8, or a BIC11 ending in `XXX`).
    head_offices: FxHashMap<String, Vec<usize>>,
    /// Subjects by listed branch BIC11.
    branches: FxHashMap<String, Vec<usize>>,
    /// Vessel subjects by IMO number (digits).
    imo_numbers: FxHashMap<String, Vec<usize>>,
    /// The listed name words, as ` word ` patterns.
    name_words: AhoCorasick,
    /// The matches of recent queries. The matcher's answer depends only on the query, the
    /// options and the snapshot, and the last two are fixed for this screener.
    match_cache: Mutex<LruCache<Query, Vec<CachedMatch>>>,
}

/// A matcher hit at or above the threshold, as a payment hit needs it.
#[derive(Clone)]
struct CachedMatch {
    subject: usize,
    subject_id: String,
    score: f32,
    explanations: Vec<String>,
}

impl PaymentScreener {
    /// Builds the BIC and IMO indexes and the text automaton from the snapshot's subjects.
    pub fn new(screener: Arc<Screener>, geography: Geography, options: MatchOptions) -> PaymentScreener {
        let normalizer = Normalizer::embedded();
        let mut head_offices: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut branches: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut imo_numbers: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut words: FxHashSet<String> = FxHashSet::default();
        for (index, subject) in screener.subjects().iter().enumerate() {
            for identifier in subject.records.iter().flat_map(|r| &r.identifiers) {
                match identifier.kind {
                    IdKind::Bic => {
                        let bic = alphanumeric_upper(&identifier.value);
                        let map = if bic.len() == BIC8_LEN || bic.ends_with(HEAD_OFFICE_BRANCH) {
                            &mut head_offices
                        } else {
                            &mut branches
                        };
                        let key = if bic.ends_with(HEAD_OFFICE_BRANCH) { &bic[..BIC8_LEN] } else { &bic };
                        if is_bic(&bic) {
                            push_unique(map.entry(key.to_string()).or_default(), index);
                        }
                    }
                    IdKind::Imo => {
                        let digits: String = identifier.value.chars().filter(char::is_ascii_digit).collect();
                        if digits.len() == IMO_DIGITS {
                            push_unique(imo_numbers.entry(digits).or_default(), index);
                        }
                    }
                    _ => {}
                }
            }
            for name in subject.names().filter(|n| n.kind != NameKind::Weak) {
                let normalized = normalizer.normalize(&name.full, hint(subject.schema()));
                for token in normalized.tokens {
                    if token.kind == TokenKind::Word && token.text.len() >= MIN_TEXT_WORD_CHARS {
                        words.insert(format!(" {} ", token.text));
                    }
                }
            }
        }
        let mut words: Vec<String> = words.into_iter().collect();
        words.sort_unstable();
        let name_words = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&words)
            .unwrap_or_else(|e| panic!("the listed name words make no automaton: {e}"));
        PaymentScreener {
            screener,
            geography,
            options,
            normalizer,
            head_offices,
            branches,
            imo_numbers,
            name_words,
            match_cache: Mutex::new(LruCache::new(DEFAULT_MATCH_CACHE_ENTRIES)),
        }
    }

    /// Keeps the matches of at most `entries` recent queries (0: none, every query goes to
    /// the matcher), forgetting the least recently used beyond that.
    pub fn set_match_cache_entries(&self, entries: usize) {
        self.cache().set_capacity(entries);
    }

    /// Forgets every cached match (benchmarks start each run cold).
    pub fn clear_match_cache(&self) {
        self.cache().clear();
    }

    /// The match cache. A panic while it was held leaves at worst a missing entry, never a
    /// wrong one (entries are inserted whole), so a poisoned lock is taken over.
    fn cache(&self) -> std::sync::MutexGuard<'_, LruCache<Query, Vec<CachedMatch>>> {
        self.match_cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The geography table in use.
    pub fn geography(&self) -> &Geography {
        &self.geography
    }

    /// What the audit trail records as the query of a screened message: where it came from
    /// (`file`, absent for a request body), what identifies it, the threshold and the geography
    /// table's version.
    pub fn audited_query(&self, file: Option<&str>, message: &Message) -> serde_json::Value {
        let mut query = serde_json::json!({
            "message_id": message.message_id,
            "uetr": message.uetr,
            "format": message.format,
            "threshold": self.options.threshold,
            "geography": self.geography.version(),
        });
        if let Some(file) = file {
            query["file"] = serde_json::json!(file);
        }
        query
    }

    /// Screens one message: every field, and a cover payment's underlying customers
    /// ([`crate::stripping::stripping_hits`]). Comparing a cover with the customer transfer
    /// of the same UETR needs the messages seen before: [`crate::CustomerTransfers`].
    pub fn screen(&self, message: &Message) -> Screening {
        let mut hits = Vec::new();
        for party in &message.parties {
            self.screen_party(party, &mut hits);
        }
        for text in &message.texts {
            self.screen_text(text, &mut hits);
            self.screen_places(text, &mut hits);
        }
        hits.extend(crate::stripping::stripping_hits(message));
        let mut seen = FxHashSet::default();
        hits.retain(|h: &PaymentHit| {
            seen.insert((h.field.clone(), h.kind, h.subject_id.clone(), h.value.clone()))
        });
        let decision = if hits.is_empty() { Decision::Release } else { Decision::Hold };
        Screening { decision, hits }
    }

    fn screen_party(&self, party: &Party, hits: &mut Vec<PaymentHit>) {
        let countries: Vec<String> =
            party.address.countries.iter().chain(&party.countries).map(|f| f.value.clone()).collect();
        let identifiers: Vec<String> =
            party.leis.iter().chain(&party.other_ids).chain(&party.bics).map(|f| f.value.clone()).collect();
        for name in &party.names {
            let query = Query {
                names: vec![name.value.clone()],
                schema: self.infer_schema(&name.value, party.role),
                birth_dates: party.birth_dates.iter().map(|f| f.value.clone()).collect(),
                countries: countries.clone(),
                gender: None,
                identifiers: identifiers.clone(),
            };
            self.screen_name(name, &query, HitKind::Name, hits);
        }
        for bic in &party.bics {
            self.screen_bic(bic, &alphanumeric_upper(&bic.value), hits);
            if let Some(code) = bic_country(&bic.value) {
                self.screen_country(bic, &code, "BIC country", hits);
            }
        }
        for account in &party.accounts {
            if let Some(code) = iban_country(&account.value) {
                self.screen_country(account, &code, "IBAN country", hits);
            }
        }
        for country in party.address.countries.iter().chain(&party.countries) {
            self.screen_country(country, &country.value, "country", hits);
        }
        let address = &party.address;
        let places = address.towns.iter().chain(&address.districts).chain(&address.subdivisions);
        for field in places.chain(&address.lines).chain(&party.birth_places) {
            self.screen_places(field, hits);
        }
    }

    /// Person or organisation from the name's words: a legal form or organisation word makes an
    /// organisation; two to four name words that the name dictionary knows make a person,
    /// except in an agent's name, which is left unknown then (a person's name where a bank's
    /// should be is still screened against listed people); anything else is left unknown.
    fn infer_schema(&self, name: &str, role: PartyRole) -> Option<Schema> {
        let normalized = self.normalizer.normalize(name, NameHint::Unknown);
        let tokens = &normalized.tokens;
        if tokens.iter().any(|t| matches!(t.kind, TokenKind::LegalForm | TokenKind::OrgWord)) {
            return Some(Schema::Organization);
        }
        let words: Vec<_> = tokens.iter().filter(|t| t.kind == TokenKind::Word).collect();
        let known = words.iter().filter(|t| !t.groups.is_empty()).count();
        let person_shaped = (2..=MAX_PERSON_WORDS).contains(&words.len()) && known * 2 >= words.len();
        let only_name_words = tokens
            .iter()
            .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Initial | TokenKind::Particle));
        (person_shaped && only_name_words && role != PartyRole::Agent).then_some(Schema::Person)
    }

    /// Runs the matcher on a name query and files its matches.
    fn screen_name(&self, field: &Field, query: &Query, kind: HitKind, hits: &mut Vec<PaymentHit>) {
        if validate_query(query).is_err() {
            return;
        }
        for hit in self.matches(query) {
            let subject = &self.screener.subjects()[hit.subject];
            hits.push(PaymentHit {
                field: field.path.clone(),
                value: query.names[0].clone(),
                kind,
                subject_id: hit.subject_id,
                referents: referents(subject),
                score: hit.score,
                explanations: hit.explanations,
            });
        }
    }

    /// The matcher's hits at or above the threshold for a query, from the cache when the same
    /// query was screened recently.
    fn matches(&self, query: &Query) -> Vec<CachedMatch> {
        // The whole query is the key: every field of it can change the matcher's answer.
        let key = (self.cache().capacity() > 0).then(|| query.clone());
        if let Some(found) = key.as_ref().and_then(|key| self.cache().get(key).cloned()) {
            return found;
        }
        let found: Vec<CachedMatch> = self
            .screener
            .match_query(query, &self.options)
            .into_iter()
            .filter(|hit| hit.is_match)
            .map(|hit| CachedMatch {
                subject: hit.subject,
                subject_id: hit.subject_id,
                score: hit.score,
                explanations: hit.comparison.explanations.into_iter().map(|e| e.text).collect(),
            })
            .collect();
        if let Some(key) = key {
            self.cache().insert(key, found.clone());
        }
        found
    }

    /// A BIC against the listed ones: a listed head office catches its branches, a listed
    /// branch only itself.
    fn screen_bic(&self, field: &Field, bic: &str, hits: &mut Vec<PaymentHit>) {
        if !is_bic(bic) {
            return;
        }
        let bic8 = &bic[..BIC8_LEN];
        let head = self.head_offices.get(bic8).into_iter().flatten().map(|s| (*s, true));
        let branch = self.branches.get(bic).into_iter().flatten().map(|s| (*s, false));
        for (index, by_head_office) in head.chain(branch) {
            let subject = &self.screener.subjects()[index];
            let why = if by_head_office {
                format!(
                    "BIC {bic} is, or is a branch of, the listed head office {bic8} of {}",
                    subject.caption()
                )
            } else {
                format!("BIC {bic} is the listed branch of {}", subject.caption())
            };
            hits.push(self.subject_hit(field, bic, HitKind::Bic, subject, why));
        }
    }

    fn subject_hit(
        &self,
        field: &Field,
        value: &str,
        kind: HitKind,
        subject: &Subject,
        why: String,
    ) -> PaymentHit {
        PaymentHit {
            field: field.path.clone(),
            value: value.to_string(),
            kind,
            subject_id: subject.id.clone(),
            referents: referents(subject),
            score: CERTAIN,
            explanations: vec![why],
        }
    }

    fn screen_country(&self, field: &Field, code: &str, what: &str, hits: &mut Vec<PaymentHit>) {
        if let Some(found) = self.geography.country(code) {
            let why = format!("{what} {}", found.matched);
            hits.push(self.place_hit(field, field.value.clone(), &found, why));
        }
    }

    fn screen_places(&self, field: &Field, hits: &mut Vec<PaymentHit>) {
        for found in self.geography.places_in(&field.value) {
            let why = format!("{:?} names {}", field.value, found.place.names[0]);
            hits.push(self.place_hit(field, found.matched.clone(), &found, why));
        }
    }

    fn place_hit(&self, field: &Field, value: String, found: &PlaceMatch<'_>, why: String) -> PaymentHit {
        let place = found.place;
        let kind = if place.kind == PlaceKind::Country { HitKind::Country } else { HitKind::City };
        PaymentHit {
            field: field.path.clone(),
            value,
            kind,
            subject_id: format!("geography:{}", place.id),
            referents: place.authorities.iter().map(|a| format!("{a}:{}", place.programme)).collect(),
            score: CERTAIN,
            explanations: vec![format!(
                "{why}: under the {} programme of {} (geography table {})",
                place.programme,
                place.authorities.join(", "),
                self.geography.version()
            )],
        }
    }

    /// Free text: listed BICs and IMO numbers in it, runs of listed name words confirmed by the
    /// scorer, and the words after a vessel cue.
    fn screen_text(&self, field: &Field, hits: &mut Vec<PaymentHit>) {
        let raw_words: Vec<&str> =
            field.value.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        for word in &raw_words {
            let upper = word.to_ascii_uppercase();
            if *word == upper && is_bic(word) {
                self.screen_bic(field, word, hits);
            }
        }
        // The matcher's own Latin reading of the text, so that words in any script meet the
        // listed words as the automaton holds them.
        let normalized = self.normalizer.normalize(&field.value, NameHint::Unknown);
        let words: Vec<&str> =
            normalized.tokens.iter().map(|t| t.text.as_str()).filter(|w| !w.is_empty()).collect();
        let words_text = format!(" {} ", words.join(" "));
        for (position, word) in words.iter().enumerate() {
            let digits = match word.strip_prefix("imo") {
                Some("") => words.get(position + 1).copied().unwrap_or_default(),
                Some(rest) => rest,
                None => continue,
            };
            if digits.len() == IMO_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
                for &index in self.imo_numbers.get(digits).into_iter().flatten() {
                    let subject = &self.screener.subjects()[index];
                    let why = format!("IMO number {digits} is listed for the vessel {}", subject.caption());
                    hits.push(self.subject_hit(field, &format!("IMO {digits}"), HitKind::Text, subject, why));
                }
            }
        }
        let listed = self.listed_words(&words_text, words.len());
        for span in listed_runs(&listed) {
            self.confirm_text(field, &words[span], None, hits);
        }
        for (position, word) in words.iter().enumerate() {
            if VESSEL_CUES.contains(word) {
                let end = (position + 1 + VESSEL_NAME_WORDS).min(words.len());
                let name_end = words[position + 1..end]
                    .iter()
                    .position(|w| w.starts_with("imo"))
                    .map_or(end, |p| position + 1 + p);
                if name_end > position + 1 {
                    self.confirm_text(field, &words[position + 1..name_end], Some(Schema::Vessel), hits);
                }
            }
        }
    }

    /// Which words of a ` word word ` text are listed name words.
    fn listed_words(&self, words_text: &str, n_words: usize) -> Vec<bool> {
        let mut listed = vec![false; n_words];
        // Word k starts after the (k+1)-th space: the offsets of the spaces, in order, map
        // match starts to word positions.
        let spaces: Vec<usize> = words_text.match_indices(' ').map(|(offset, _)| offset).collect();
        for found in self.name_words.find_overlapping_iter(words_text) {
            if let Ok(k) = spaces.binary_search(&found.start()) {
                if k < n_words {
                    listed[k] = true;
                }
            }
        }
        listed
    }

    /// Asks the scorer whether some words of free text are a listed name.
    fn confirm_text(
        &self,
        field: &Field,
        words: &[&str],
        schema: Option<Schema>,
        hits: &mut Vec<PaymentHit>,
    ) {
        let span = words.join(" ");
        let query = Query { names: vec![span.clone()], schema, ..Query::default() };
        let text_field = Field::new(field.path.clone(), span);
        self.screen_name(&text_field, &query, HitKind::Text, hits);
    }
}

/// Runs of at least two consecutive listed words, at most [`MAX_TEXT_SPAN_WORDS`] long (longer
/// runs give overlapping windows).
fn listed_runs(listed: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (position, &is_listed) in listed.iter().chain(std::iter::once(&false)).enumerate() {
        match (is_listed, start) {
            (true, None) => start = Some(position),
            (false, Some(from)) => {
                start = None;
                if position - from < 2 {
                    continue;
                }
                if position - from <= MAX_TEXT_SPAN_WORDS {
                    runs.push(from..position);
                } else {
                    runs.extend((from..=position - MAX_TEXT_SPAN_WORDS).map(|s| s..s + MAX_TEXT_SPAN_WORDS));
                }
            }
            _ => {}
        }
    }
    runs
}

fn hint(schema: Schema) -> NameHint {
    match schema {
        Schema::Person => NameHint::Person,
        Schema::LegalEntity => NameHint::Unknown,
        _ => NameHint::Organization,
    }
}

fn referents(subject: &Subject) -> Vec<String> {
    subject.referents().map(str::to_string).collect()
}

fn push_unique(list: &mut Vec<usize>, value: usize) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Upper-case letters and digits of a value.
fn alphanumeric_upper(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The country of a BIC (letters 5-6).
fn bic_country(bic: &str) -> Option<String> {
    let bic = alphanumeric_upper(bic);
    is_bic(&bic).then(|| bic[4..6].to_string())
}

/// The country of an IBAN (two letters, two check digits, then the account).
fn iban_country(account: &str) -> Option<String> {
    let account = alphanumeric_upper(account);
    let bytes = account.as_bytes();
    let shaped = bytes.len() >= 15
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit);
    shaped.then(|| account[..2].to_string())
}
