//! Ward's candidate index: the first of two matching stages. It maps keys of every listed name
//! (Latin token, synonym-dictionary groups, phonetic skeleton, one-deletion typo keys, joined
//! neighbour words, identifiers) to name ids, and turns a query into a bounded list of candidate
//! subjects ranked by the rarity of the keys they share. It must never lose a subject the scorer
//! would put above the threshold; the property tests in ward-engine check that against a
//! brute-force scan.
//!
//! ```
//! use ward_index::{Bounds, IndexBuilder, KeyToken, Scratch};
//! use ward_normalize::{normalize_name, NameHint, Synonyms};
//! let name = normalize_name("LAVROV, Sergei Viktorovich", NameHint::Person);
//! let keys: Vec<KeyToken> = name.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let mut builder = IndexBuilder::default();
//! builder.add_name(0, &keys, Synonyms::embedded());
//! let index = builder.build();
//! let query = normalize_name("Sergey Lavrov", NameHint::Unknown);
//! let qkeys: Vec<KeyToken> = query.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let bounds = Bounds { limit: 10, min_share: 1.0, min_covered: 0.0 };
//! let found = index.candidates(&[qkeys], &[], bounds, |_| true, &mut Scratch::default(), Synonyms::embedded());
//! assert_eq!(found[0].subject, 0);
//! ```

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use ward_normalize::{consonant_strength, skeleton, skeleton_strength, Synonyms, Token, TokenKind};

/// What the index needs of a token.
#[derive(Debug, Clone, Copy)]
pub struct KeyToken<'a> {
    /// Latin form.
    pub text: &'a str,
    /// Phonetic skeleton.
    pub phonetic: &'a str,
    /// Synonym groups.
    pub groups: &'a [u32],
    /// Consonant keys (`Token::consonants`: one for a Latin token, alternatives separated by
    /// spaces for an Arabic or Hebrew one).
    pub consonants: &'a str,
    /// From a script written without short vowels (Arabic, Hebrew).
    pub abjad: bool,
    /// Matching weight (rarity); ranks candidates.
    pub weight: f32,
    /// Kind: titles, legal forms, particles and initials make no keys.
    pub kind: TokenKind,
    /// The token's share in the scorer's query coverage (weight times role factor): lets the
    /// index skip long posting lists of tokens that cannot decide a match on their own.
    pub cover: f32,
}

impl<'a> KeyToken<'a> {
    /// A key token from a normalised token and its weight.
    pub fn new(token: &'a Token, weight: f32) -> KeyToken<'a> {
        KeyToken {
            text: &token.text,
            phonetic: &token.phonetic,
            groups: &token.groups,
            consonants: &token.consonants,
            abjad: token.script.is_abjad(),
            weight,
            kind: token.kind,
            cover: weight,
        }
    }

    fn keyed(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::OrgWord | TokenKind::Number)
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
    /// Consonant key of a Latin token, met by an abjad query token's keys.
    ConsonantLatin = 5,
    /// Consonant key of an abjad token, met by a Latin query token's key. Two families, so
    /// that Latin tokens never meet each other by this coarse key.
    ConsonantAbjad = 6,
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
const W_CONS: f32 = 0.8;

/// Posting lists longer than this (summed over a token's keys) are read in update-only mode
/// once enough of the query is covered (see [`Index::candidates`]).
const LONG_LIST: usize = 1000;

/// Shortest token that gets one-deletion typo keys: the scorer accepts one edit when the longer
/// word has 5 letters (`ward_score::FUZZY_MIN_LEN`), so a 4-letter word needs only its full key
/// in the deletion family (met by the deletions of a 5-letter one).
const MIN_DELETION_LEN: usize = 5;

/// The consonant side of a token: its keys, and whether they are abjad ones.
#[derive(Clone, Copy)]
struct Consonants<'a> {
    keys: &'a str,
    abjad: bool,
    /// Looking up (a query) rather than storing (a listed name): a query token looks in the
    /// other script family's keys.
    lookup: bool,
}

impl Consonants<'_> {
    const NONE: Consonants<'static> = Consonants { keys: "", abjad: false, lookup: false };
}

/// Calls `f` with every key of a token (or joined pair) and the key's weight, strongest first.
fn for_each_key(
    text: &str,
    phonetic: &str,
    groups: &[u32],
    cons: Consonants<'_>,
    mut f: impl FnMut(u64, f32),
) {
    f(key_str(Family::Text, text), W_TEXT);
    for &g in groups {
        f(key_group(g), W_GROUP);
    }
    if skeleton_strength(phonetic) >= 2 {
        f(key_str(Family::Phonetic, phonetic), W_PHON);
    }
    if text.len() + 1 >= MIN_DELETION_LEN && text.is_ascii() {
        f(key_str(Family::Deletion, text), W_DEL);
    }
    if text.len() >= MIN_DELETION_LEN && text.is_ascii() {
        let mut buf = String::with_capacity(text.len());
        for skip in 0..text.len() {
            buf.clear();
            buf.push_str(&text[..skip]);
            buf.push_str(&text[skip + 1..]);
            f(key_str(Family::Deletion, &buf), W_DEL);
        }
    }
    let family = if cons.abjad != cons.lookup { Family::ConsonantAbjad } else { Family::ConsonantLatin };
    for key in cons.keys.split(' ').filter(|k| consonant_strength(k) >= MIN_CONSONANTS) {
        f(key_str(family, key), W_CONS);
    }
}

/// Fewest consonant classes a consonant key needs (one class, as in "Ali" or "Eli", would
/// join half the list).
pub const MIN_CONSONANTS: usize = 2;

/// Bits of a key hash kept in the index: keys are packed with a 24-bit name id into one u64,
/// so that building is one sort. A collision of two keys only adds candidates, never loses one.
const KEY_BITS: u32 = 40;
/// Most names an index holds (24-bit name ids).
pub const MAX_NAMES: usize = 1 << (64 - KEY_BITS);

fn short_key(key: u64) -> u64 {
    key >> (64 - KEY_BITS)
}

/// Every key of one name, hashed, in no particular order and possibly repeated: what the
/// index stores for it. Pure, so callers can compute keys for many names in parallel.
pub fn name_keys(tokens: &[KeyToken<'_>], synonyms: &Synonyms, out: &mut Vec<u64>) {
    let mut add = |key: u64, _w: f32| out.push(short_key(key));
    for t in tokens.iter().filter(|t| t.keyed()) {
        let cons = Consonants { keys: t.consonants, abjad: t.abjad, lookup: false };
        for_each_key(t.text, t.phonetic, t.groups, cons, &mut add);
    }
    // Neighbouring words joined, so "Abdul Rahman" is found by "Abdulrahman" and "jongun"
    // (김정은) by "Jong Un"; with every key family, as the scorer compares joined words like
    // single ones.
    for w in tokens.windows(2) {
        if w[0].kind == TokenKind::Word && w[1].kind == TokenKind::Word {
            let joined = format!("{}{}", w[0].text, w[1].text);
            for_each_key(&joined, &skeleton(&joined), synonyms.groups(&joined), Consonants::NONE, &mut add);
        }
    }
}

/// Builds an [`Index`].
#[derive(Default)]
pub struct IndexBuilder {
    entries: Vec<u64>,
    name_subject: Vec<u32>,
    name_weight: Vec<f32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
}

impl IndexBuilder {
    /// Adds a name of `subject`; returns its name id (names are numbered in insertion order).
    /// `synonyms` gives the groups of joined neighbour words.
    pub fn add_name(&mut self, subject: u32, tokens: &[KeyToken<'_>], synonyms: &Synonyms) -> u32 {
        let mut keys = Vec::new();
        name_keys(tokens, synonyms, &mut keys);
        let weight = tokens.iter().filter(|t| t.keyed()).map(|t| t.weight).sum();
        self.add_name_keys(subject, weight, &keys)
    }

    /// Adds a name by its keys (from [`name_keys`]) and the summed weight of its keyed tokens.
    pub fn add_name_keys(&mut self, subject: u32, weight: f32, keys: &[u64]) -> u32 {
        let id = self.name_subject.len() as u32;
        // Ids beyond 24 bits would corrupt the packing; such an index is out of scope (16M names).
        debug_assert!((id as usize) < MAX_NAMES);
        self.name_subject.push(subject);
        self.name_weight.push(weight);
        self.entries.extend(keys.iter().map(|k| (k << (64 - KEY_BITS)) | u64::from(id)));
        id
    }

    /// Number of names added so far (the next name's id).
    pub fn n_names(&self) -> usize {
        self.name_subject.len()
    }

    /// Adds an identifier (already folded) of `subject`.
    pub fn add_identifier(&mut self, subject: u32, folded: &str) {
        let list = self.identifiers.entry(folded.into()).or_default();
        if list.last() != Some(&subject) {
            list.push(subject);
        }
    }

    /// Freezes the index: one sort of all (key, name) entries into posting lists.
    pub fn build(mut self) -> Index {
        self.entries.sort_unstable();
        self.entries.dedup();
        let id_mask = (1u64 << (64 - KEY_BITS)) - 1;
        let mut keys = Vec::new();
        let mut offsets = Vec::new();
        let mut ids = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            let key = e >> (64 - KEY_BITS);
            if keys.last() != Some(&key) {
                keys.push(key);
                offsets.push(ids.len() as u32);
            }
            ids.push((e & id_mask) as u32);
        }
        offsets.push(ids.len() as u32);
        // About two keys a bucket: a lookup is one directory read and a short scan, instead of
        // a binary search whose every step misses the cache.
        let dir_bits = (usize::BITS - (keys.len() / 2).max(1).leading_zeros()).min(KEY_BITS);
        let mut dir = Vec::with_capacity((1 << dir_bits) + 1);
        let mut k = 0;
        for bucket in 0..1u64 << dir_bits {
            while k < keys.len() && keys[k] >> (KEY_BITS - dir_bits) < bucket {
                k += 1;
            }
            dir.push(k as u32);
        }
        dir.push(keys.len() as u32);
        Index {
            keys,
            dir,
            dir_bits,
            offsets,
            ids,
            name_subject: self.name_subject,
            name_weight: self.name_weight,
            identifiers: self.identifiers,
        }
    }
}

/// How far candidate generation goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Names kept per query name, best first.
    pub limit: usize,
    /// The share of the query's coverage weight that a name must match to possibly reach the
    /// threshold (1.0 finds every name that shares a key).
    pub min_share: f32,
    /// The share of the query's coverage weight a name must share keys with to be returned at
    /// all (names below cannot reach the cutoff; 0.0 returns every name found).
    pub min_covered: f32,
}

/// One query token's posting lists and what it weighs.
struct Plan<'i> {
    lists: Vec<(&'i [u32], f32)>,
    total: usize,
    cover: f32,
    weight: f32,
}

/// The frozen candidate index.
pub struct Index {
    keys: Vec<u64>,
    /// `keys[dir[b]..dir[b + 1]]` are the keys whose top `dir_bits` bits are `b`.
    dir: Vec<u32>,
    dir_bits: u32,
    offsets: Vec<u32>,
    ids: Vec<u32>,
    name_subject: Vec<u32>,
    name_weight: Vec<f32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
}

/// Reusable per-thread buffers for [`Index::candidates`], so queries allocate little.
#[derive(Default)]
pub struct Scratch {
    acc: Vec<f32>,
    cov: Vec<f32>,
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
    /// Name ids of the subject that shared at least one key with the query (names that share
    /// none cannot match: every similarity the scorer uses has a key).
    pub names: Vec<u32>,
}

impl Index {
    /// Number of names indexed.
    pub fn n_names(&self) -> usize {
        self.name_subject.len()
    }

    /// Number of distinct keys.
    pub fn n_keys(&self) -> usize {
        self.keys.len()
    }

    fn postings(&self, key: u64) -> &[u32] {
        let key = short_key(key);
        let b = (key >> (KEY_BITS - self.dir_bits)) as usize;
        let (lo, hi) = (self.dir[b] as usize, self.dir[b + 1] as usize);
        match self.keys[lo..hi].iter().position(|&k| k == key) {
            Some(i) => {
                let i = lo + i;
                &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
            }
            None => &[],
        }
    }

    /// Number of (key, name) entries in all posting lists.
    pub fn n_postings(&self) -> usize {
        self.ids.len()
    }

    /// The subject of a name id.
    pub fn subject_of(&self, name: u32) -> u32 {
        self.name_subject[name as usize]
    }

    /// Candidate subjects for a query: for each query name, the `bounds.limit` best names by
    /// shared key weight, then their subjects (each once, best rank kept), plus every subject
    /// that shares an identifier. `allow` filters subjects (datasets).
    pub fn candidates(
        &self,
        query_names: &[Vec<KeyToken<'_>>],
        identifiers: &[String],
        bounds: Bounds,
        allow: impl Fn(u32) -> bool,
        scratch: &mut Scratch,
        synonyms: &Synonyms,
    ) -> Vec<Candidate> {
        let Bounds { limit, min_share, min_covered } = bounds;
        let n = self.name_subject.len();
        if scratch.acc.len() != n {
            scratch.acc = vec![0.0; n];
            scratch.cov = vec![0.0; n];
            scratch.stamp = vec![0; n];
            scratch.generation = 0;
        }
        let mut out: Vec<Candidate> = Vec::new();
        for tokens in query_names {
            scratch.touched.clear();
            // Tokens with short posting lists first. Once the tokens that add names cover
            // `min_share` of the query, the long lists of the remaining (common) tokens only
            // update names already found: a name matching none of the adding tokens leaves
            // that share unmatched and cannot reach the threshold.
            let mut plan: Vec<Plan<'_>> = Vec::new();
            for t in tokens.iter().filter(|t| t.keyed()) {
                let cons = Consonants { keys: t.consonants, abjad: t.abjad, lookup: true };
                let (lists, total) = self.token_lists(t.text, t.phonetic, t.groups, cons);
                plan.push(Plan { lists, total, cover: t.cover, weight: t.weight });
            }
            // The scorer's coverage total counts initials too (they have no keys).
            let total_cover: f32 = plan.iter().map(|p| p.cover).sum::<f32>()
                + tokens.iter().filter(|t| t.kind == TokenKind::Initial).map(|t| t.cover).sum::<f32>();
            plan.sort_by_key(|p| p.total);
            let mut added = 0.0f32;
            for p in &plan {
                let add = p.total <= LONG_LIST || added < min_share * total_cover;
                if add {
                    added += p.cover;
                }
                self.accumulate(&p.lists, p.weight, p.cover, add, scratch);
            }
            // Joined neighbours always add (their lists are short).
            for w in tokens.windows(2) {
                if w[0].kind == TokenKind::Word && w[1].kind == TokenKind::Word {
                    let joined = format!("{}{}", w[0].text, w[1].text);
                    let (lists, _) = self.token_lists(
                        &joined,
                        &skeleton(&joined),
                        synonyms.groups(&joined),
                        Consonants::NONE,
                    );
                    self.accumulate(
                        &lists,
                        w[0].weight.max(w[1].weight),
                        w[0].cover + w[1].cover,
                        true,
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
                    (acc - 0.25 * (self.name_weight[id as usize] - acc).max(0.0), id)
                })
                .filter(|&(_, id)| {
                    scratch.cov[id as usize] >= min_covered * total_cover
                        && allow(self.name_subject[id as usize])
                })
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
                    None => out.push(Candidate { subject, rank, by_identifier: false, names: Vec::new() }),
                }
            }
            // Every name of a candidate that shared a key goes to the scorer, ranked or not.
            out[..].sort_by_key(|c| c.subject);
            for &id in &scratch.touched {
                let subject = self.name_subject[id as usize];
                if let Ok(i) = out.binary_search_by_key(&subject, |c| c.subject) {
                    if scratch.cov[id as usize] >= min_covered * total_cover && !out[i].names.contains(&id) {
                        out[i].names.push(id);
                    }
                }
                scratch.acc[id as usize] = 0.0;
                scratch.cov[id as usize] = 0.0;
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
                            names: Vec::new(),
                        }),
                    }
                }
            }
        }
        out.sort_by(|a, b| b.rank.total_cmp(&a.rank));
        out
    }

    /// The posting lists of every key of one token (or joined pair), strongest key first,
    /// and their total length.
    fn token_lists(
        &self,
        text: &str,
        phonetic: &str,
        groups: &[u32],
        cons: Consonants<'_>,
    ) -> (Vec<(&[u32], f32)>, usize) {
        let mut lists = Vec::new();
        let mut total = 0;
        for_each_key(text, phonetic, groups, cons, |key, w| {
            let list = self.postings(key);
            if !list.is_empty() {
                total += list.len();
                lists.push((list, w));
            }
        });
        (lists, total)
    }

    /// Adds `weight` times the strongest key weight to every name in the lists of one query
    /// token (each name counted once per token). With `add` false, only names already touched
    /// by other tokens are updated.
    fn accumulate(&self, lists: &[(&[u32], f32)], weight: f32, cover: f32, add: bool, scratch: &mut Scratch) {
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.stamp.iter_mut().for_each(|s| *s = 0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let Scratch { acc, cov, stamp, touched, .. } = scratch;
        for &(list, w) in lists {
            for &id in list {
                let i = id as usize;
                if stamp[i] != generation {
                    stamp[i] = generation;
                    if acc[i] == 0.0 {
                        if !add {
                            continue;
                        }
                        touched.push(id);
                    }
                    acc[i] += weight.max(0.01) * w;
                    cov[i] += cover;
                }
            }
        }
    }
}
