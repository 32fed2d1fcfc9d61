//! Ward's candidate index: the first of two matching stages. It maps keys of every listed name
//! (Latin token, synonym-dictionary groups, phonetic skeleton, one-deletion typo keys, joined
//! neighbour words, identifiers) to name ids, and turns a query into a bounded list of candidate
//! subjects ranked by the rarity of the keys they share. It must never lose a subject the scorer
//! would put above the threshold; the property tests in ward-engine check that against a
//! brute-force scan.
//!
//! ```
//! use ward_index::{IndexBuilder, KeyToken, Scratch};
//! use ward_normalize::{normalize_name, NameHint, Synonyms};
//! let name = normalize_name("LAVROV, Sergei Viktorovich", NameHint::Person);
//! let keys: Vec<KeyToken> = name.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let mut builder = IndexBuilder::default();
//! builder.add_name(0, &keys, Synonyms::embedded());
//! let index = builder.build();
//! let query = normalize_name("Sergey Lavrov", NameHint::Unknown);
//! let qkeys: Vec<KeyToken> = query.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let found = index.candidates(&[qkeys], &[], 10, |_| true, &mut Scratch::default(), Synonyms::embedded());
//! assert_eq!(found[0].subject, 0);
//! ```

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use ward_normalize::{skeleton, skeleton_strength, Synonyms, Token, TokenKind};

/// What the index needs of a token.
#[derive(Debug, Clone, Copy)]
pub struct KeyToken<'a> {
    /// Latin form.
    pub text: &'a str,
    /// Phonetic skeleton.
    pub phonetic: &'a str,
    /// Synonym groups.
    pub groups: &'a [u32],
    /// Matching weight (rarity); ranks candidates.
    pub weight: f32,
    /// Kind: titles, legal forms, particles and initials make no keys.
    pub kind: TokenKind,
}

impl<'a> KeyToken<'a> {
    /// A key token from a normalised token and its weight.
    pub fn new(token: &'a Token, weight: f32) -> KeyToken<'a> {
        KeyToken {
            text: &token.text,
            phonetic: &token.phonetic,
            groups: &token.groups,
            weight,
            kind: token.kind,
        }
    }

    fn keyed(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Word | TokenKind::OrgWord | TokenKind::Number
        )
    }
}

/// Key families; each key is hashed with its family tag so that "kim" the token and "kim" the
/// deletion variant stay apart.
#[derive(Clone, Copy)]
enum Family {
    Text = 1,
    Group = 2,
    Phonetic = 3,
    Deletion = 4,
}

fn key_str(family: Family, s: &str) -> u64 {
    let mut h = FxHasher::default();
    (family as u8).hash(&mut h);
    s.hash(&mut h);
    h.finish()
}

fn key_group(g: u32) -> u64 {
    let mut h = FxHasher::default();
    (Family::Group as u8).hash(&mut h);
    g.hash(&mut h);
    h.finish()
}

/// Key weights: how much a hit on each family says (an exact token says most).
const W_TEXT: f32 = 1.0;
const W_GROUP: f32 = 0.95;
const W_PHON: f32 = 0.85;
const W_DEL: f32 = 0.8;

/// Shortest token that gets one-deletion typo keys (the scorer accepts one edit from 4 letters).
const MIN_DELETION_LEN: usize = 4;

/// Calls `f` with every key of a token (or joined pair) and the key's weight, strongest first.
fn for_each_key(text: &str, phonetic: &str, groups: &[u32], mut f: impl FnMut(u64, f32)) {
    f(key_str(Family::Text, text), W_TEXT);
    for &g in groups {
        f(key_group(g), W_GROUP);
    }
    if skeleton_strength(phonetic) >= 2 {
        f(key_str(Family::Phonetic, phonetic), W_PHON);
    }
    if text.len() >= MIN_DELETION_LEN && text.is_ascii() {
        f(key_str(Family::Deletion, text), W_DEL);
        let mut buf = String::with_capacity(text.len());
        for skip in 0..text.len() {
            buf.clear();
            buf.push_str(&text[..skip]);
            buf.push_str(&text[skip + 1..]);
            f(key_str(Family::Deletion, &buf), W_DEL);
        }
    }
}

/// Builds an [`Index`].
#[derive(Default)]
pub struct IndexBuilder {
    postings: FxHashMap<u64, Vec<u32>>,
    name_subject: Vec<u32>,
    name_weight: Vec<f32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
}

impl IndexBuilder {
    /// Adds a name of `subject`; returns its name id (names are numbered in insertion order).
    /// `synonyms` gives the groups of joined neighbour words.
    pub fn add_name(&mut self, subject: u32, tokens: &[KeyToken<'_>], synonyms: &Synonyms) -> u32 {
        let id = self.name_subject.len() as u32;
        self.name_subject.push(subject);
        self.name_weight
            .push(tokens.iter().filter(|t| t.keyed()).map(|t| t.weight).sum());
        let mut add = |key: u64, _w: f32| {
            let list = self.postings.entry(key).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        };
        for t in tokens.iter().filter(|t| t.keyed()) {
            for_each_key(t.text, t.phonetic, t.groups, &mut add);
        }
        // Neighbouring words joined, so "Abdul Rahman" is found by "Abdulrahman" and "jongun"
        // (김정은) by "Jong Un"; with every key family, as the scorer compares joined words
        // like single ones.
        for w in tokens.windows(2) {
            if w[0].kind == TokenKind::Word && w[1].kind == TokenKind::Word {
                let joined = format!("{}{}", w[0].text, w[1].text);
                for_each_key(
                    &joined,
                    &skeleton(&joined),
                    synonyms.groups(&joined),
                    &mut add,
                );
            }
        }
        id
    }

    /// Adds an identifier (already folded) of `subject`.
    pub fn add_identifier(&mut self, subject: u32, folded: &str) {
        let list = self.identifiers.entry(folded.into()).or_default();
        if list.last() != Some(&subject) {
            list.push(subject);
        }
    }

    /// Freezes the index.
    pub fn build(mut self) -> Index {
        for list in self.postings.values_mut() {
            list.shrink_to_fit();
        }
        Index {
            postings: self.postings,
            name_subject: self.name_subject,
            name_weight: self.name_weight,
            identifiers: self.identifiers,
        }
    }
}

/// The frozen candidate index.
pub struct Index {
    postings: FxHashMap<u64, Vec<u32>>,
    name_subject: Vec<u32>,
    name_weight: Vec<f32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
}

/// Reusable per-thread buffers for [`Index::candidates`], so queries allocate little.
#[derive(Default)]
pub struct Scratch {
    acc: Vec<f32>,
    stamp: Vec<u32>,
    touched: Vec<u32>,
    generation: u32,
}

/// A candidate subject and the names of it that shared keys with the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Subject index.
    pub subject: u32,
    /// Rank score: summed weight of shared keys of its best name.
    pub rank: f32,
    /// Whether an identifier matched.
    pub by_identifier: bool,
}

impl Index {
    /// Number of names indexed.
    pub fn n_names(&self) -> usize {
        self.name_subject.len()
    }

    /// Number of distinct keys.
    pub fn n_keys(&self) -> usize {
        self.postings.len()
    }

    /// The subject of a name id.
    pub fn subject_of(&self, name: u32) -> u32 {
        self.name_subject[name as usize]
    }

    /// Candidate subjects for a query: for each query name, the `limit` best names by shared
    /// key weight, then their subjects (each once, best rank kept), plus every subject that
    /// shares an identifier. `allow` filters subjects (datasets).
    pub fn candidates(
        &self,
        query_names: &[Vec<KeyToken<'_>>],
        identifiers: &[String],
        limit: usize,
        allow: impl Fn(u32) -> bool,
        scratch: &mut Scratch,
        synonyms: &Synonyms,
    ) -> Vec<Candidate> {
        let n = self.name_subject.len();
        if scratch.acc.len() != n {
            scratch.acc = vec![0.0; n];
            scratch.stamp = vec![0; n];
            scratch.generation = 0;
        }
        let mut out: Vec<Candidate> = Vec::new();
        for tokens in query_names {
            scratch.touched.clear();
            for t in tokens.iter().filter(|t| t.keyed()) {
                self.accumulate(t.text, t.phonetic, t.groups, t.weight, scratch);
            }
            for w in tokens.windows(2) {
                if w[0].kind == TokenKind::Word && w[1].kind == TokenKind::Word {
                    let joined = format!("{}{}", w[0].text, w[1].text);
                    let phon = skeleton(&joined);
                    self.accumulate(
                        &joined,
                        &phon,
                        synonyms.groups(&joined),
                        w[0].weight.max(w[1].weight),
                        scratch,
                    );
                }
            }
            // Rank: shared weight, and among equals the shorter name (a listed "Mohammed Ali"
            // before "Mohammed Ali Hassan Al-Majid" for the query "Mohammed Ali").
            let mut ranked: Vec<(f32, u32)> = scratch
                .touched
                .iter()
                .map(|&id| {
                    let acc = scratch.acc[id as usize];
                    (
                        acc - 0.25 * (self.name_weight[id as usize] - acc).max(0.0),
                        id,
                    )
                })
                .filter(|&(_, id)| allow(self.name_subject[id as usize]))
                .collect();
            let k = limit.min(ranked.len());
            if k > 0 && k < ranked.len() {
                ranked.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
                ranked.truncate(k);
            }
            for (rank, id) in ranked {
                let subject = self.name_subject[id as usize];
                match out.iter_mut().find(|c| c.subject == subject) {
                    Some(c) => c.rank = c.rank.max(rank),
                    None => out.push(Candidate {
                        subject,
                        rank,
                        by_identifier: false,
                    }),
                }
            }
            for &id in &scratch.touched {
                scratch.acc[id as usize] = 0.0;
            }
        }
        for ident in identifiers {
            if let Some(subjects) = self.identifiers.get(ident.as_str()) {
                for &subject in subjects.iter().filter(|&&s| allow(s)) {
                    match out.iter_mut().find(|c| c.subject == subject) {
                        Some(c) => c.by_identifier = true,
                        None => out.push(Candidate {
                            subject,
                            rank: f32::MAX,
                            by_identifier: true,
                        }),
                    }
                }
            }
        }
        out.sort_by(|a, b| b.rank.total_cmp(&a.rank));
        out
    }

    /// Adds `weight` times the strongest key weight to every name sharing a key with one query
    /// token (each name counted once per token).
    fn accumulate(
        &self,
        text: &str,
        phonetic: &str,
        groups: &[u32],
        weight: f32,
        scratch: &mut Scratch,
    ) {
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.stamp.iter_mut().for_each(|s| *s = 0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let Scratch {
            acc,
            stamp,
            touched,
            ..
        } = scratch;
        for_each_key(text, phonetic, groups, |key, w| {
            if let Some(list) = self.postings.get(&key) {
                for &id in list {
                    let i = id as usize;
                    if stamp[i] != generation {
                        stamp[i] = generation;
                        if acc[i] == 0.0 {
                            touched.push(id);
                        }
                        acc[i] += weight.max(0.01) * w;
                    }
                }
            }
        });
    }
}
