//! Ward's candidate index: the first of two matching stages. It maps keys (Latin token,
//! synonym-dictionary groups, phonetic skeleton, one-deletion typo keys, consonant keys) to the
//! distinct spellings ("lexemes": tokens and joined neighbour words) of every listed name, each
//! lexeme to the names using it, identifiers to subjects, and turns a query into a bounded list of candidate
//! subjects ranked by the rarity of the keys they share. It must never lose a subject the scorer
//! would put above the threshold; the property tests in ward-engine check that against a
//! brute-force scan.
//!
//! ```
//! use ward_index::{Bounds, IndexBuilder, KeyName, KeyToken, Scratch};
//! use ward_normalize::{normalize_name, NameHint};
//! let name = normalize_name("LAVROV, Sergei Viktorovich", NameHint::Person);
//! let tokens: Vec<KeyToken> = name.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let mut builder = IndexBuilder::new(5);
//! builder.add_name(0, &KeyName { tokens, pairs: Vec::new() });
//! let index = builder.build();
//! let query = normalize_name("Sergey Lavrov", NameHint::Unknown);
//! let qkeys = KeyName { tokens: query.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect(), pairs: Vec::new() };
//! let bounds = Bounds { limit: 10, min_share: 1.0, min_covered: 0.0, penalties: None };
//! let found = index.candidates(&[qkeys], &[], bounds, |_| true, &mut Scratch::default());
//! assert_eq!(found.list[0].subject, 0);
//! ```

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use ward_normalize::{consonant_strength, skeleton_strength, Token, TokenKind, MIN_CONSONANT_CLASSES};

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

/// What the index needs of two joined words of a name (see `ward_score::PreparedPair`).
#[derive(Debug, Clone, Copy)]
pub struct KeyPair<'a> {
    /// Index of the first token.
    pub first: usize,
    /// Index of the second token.
    pub second: usize,
    /// Joined Latin form.
    pub text: &'a str,
    /// Phonetic skeleton of the joined form.
    pub phonetic: &'a str,
    /// Synonym groups of the joined form.
    pub groups: &'a [u32],
    /// Consonant keys of the joined form ("" for none).
    pub consonants: &'a str,
    /// Whether the two words are from an abjad script (their consonant keys meet Latin ones).
    pub abjad: bool,
}

/// A name as the index sees it: its tokens and joined pairs.
#[derive(Debug, Clone, Default)]
pub struct KeyName<'a> {
    /// Tokens.
    pub tokens: Vec<KeyToken<'a>>,
    /// Joined pairs.
    pub pairs: Vec<KeyPair<'a>>,
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

/// The consonant side of a token: its keys, and whether they are abjad ones.
#[derive(Clone, Copy)]
struct Consonants<'a> {
    keys: &'a str,
    abjad: bool,
    /// Looking up (a query) rather than storing (a listed name): a query token looks in the
    /// other script family's keys.
    lookup: bool,
}

/// Calls `f` with every key of a token (or joined pair) and the key's weight, strongest first.
/// Words of `typo_min_len` letters and more get their full key and their one-deletion keys in
/// the deletion family (one substitution: a shared deletion; one insertion: the longer word's
/// deletion is the shorter word's full key). Joined
/// pairs (`typo_min_len` `None`) have no typo keys: the scorer meets a joined pair only
/// exactly, by the dictionary, by the phonetic skeleton or (abjad pairs) by consonants, and the
/// one-deletion keys of every joined pair would be the largest part of a big index.
fn for_each_key(
    text: &str,
    phonetic: &str,
    groups: &[u32],
    cons: Consonants<'_>,
    typo_min_len: Option<usize>,
    mut f: impl FnMut(u64, f32),
) {
    f(key_str(Family::Text, text), W_TEXT);
    for &g in groups {
        f(key_group(g), W_GROUP);
    }
    if skeleton_strength(phonetic) >= 2 {
        f(key_str(Family::Phonetic, phonetic), W_PHON);
    }
    let typo_min_len = typo_min_len.filter(|_| text.is_ascii()).unwrap_or(usize::MAX);
    if text.len() >= typo_min_len {
        f(key_str(Family::Deletion, text), W_DEL);
        let mut buf = String::with_capacity(text.len());
        for skip in 0..text.len() {
            buf.clear();
            buf.push_str(&text[..skip]);
            buf.push_str(&text[skip + 1..]);
            f(key_str(Family::Deletion, &buf), W_DEL);
        }
    }
    let family = if cons.abjad != cons.lookup { Family::ConsonantAbjad } else { Family::ConsonantLatin };
    for key in cons.keys.split(' ').filter(|k| consonant_strength(k) >= MIN_CONSONANT_CLASSES) {
        f(key_str(family, key), W_CONS);
    }
}

/// Bits of a key hash kept in the index. A collision of two keys only adds candidates, never
/// loses one.
const KEY_BITS: u32 = 40;
/// Most names an index holds.
pub const MAX_NAMES: usize = u32::MAX as usize;

fn short_key(key: u64) -> u64 {
    key >> (64 - KEY_BITS)
}

/// A distinct spelling the index keys ("lexeme"): a token (text, phonetic key, groups,
/// consonant keys) or two joined neighbours. Names share lexemes ("Mohammad" is one lexeme for
/// every name that has it), so the typo, phonetic and dictionary keys are stored once per
/// spelling rather than once per name, and a query token reaches each listed spelling once
/// however many of its keys lead there. While the index is built a lexeme is kept only as its
/// identity bytes (see [`IndexBuilder::lexeme`]), the key of the id table: a second copy, as
/// a struct of four strings, was the largest part of a big build's peak memory.
struct Lexeme<'a> {
    text: &'a str,
    phonetic: &'a str,
    groups: Vec<u32>,
    consonants: &'a str,
    abjad: bool,
    single: bool,
}

impl<'a> Lexeme<'a> {
    /// Reads identity bytes back: flags, then text, phonetic key and consonant keys each
    /// ended by a zero byte, then the groups (4 bytes each, little-endian).
    fn decode(bytes: &'a [u8]) -> Lexeme<'a> {
        let flags = bytes[0];
        let mut parts = bytes[1..].splitn(4, |&b| b == 0);
        let mut text = || std::str::from_utf8(parts.next().unwrap_or_default()).unwrap_or_default();
        let (text, phonetic, consonants) = (text(), text(), text());
        let rest = parts.next().unwrap_or_default();
        Lexeme {
            text,
            phonetic,
            groups: rest.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            consonants,
            abjad: flags & 1 != 0,
            single: flags & 2 != 0,
        }
    }
}

/// Builds an [`Index`].
pub struct IndexBuilder {
    /// Shortest word with one-deletion typo keys: the scorer's shortest fuzzily matched word.
    typo_min_len: usize,
    /// Lexeme ids by their identity bytes (see [`IndexBuilder::lexeme`]).
    lexeme_ids: FxHashMap<Box<[u8]>, u32>,
    /// (lexeme, name) pairs, packed `lexeme << 32 | name`.
    uses: Vec<u64>,
    names: Vec<NameInfo>,
    /// Per lexeme id, the most coverage weight it stands for in one name (see
    /// [`Index::lexeme_cover`]).
    lexeme_cover: Vec<f32>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
    buf: Vec<u8>,
    /// This name's (lexeme, coverage) pairs while it is added.
    name_lexemes: Vec<(u32, f32)>,
}

impl IndexBuilder {
    /// A builder for an index whose words of `typo_min_len` letters and more meet their
    /// one-edit variants (`ward_score::Weights::typo_key_min_len`).
    pub fn new(typo_min_len: usize) -> IndexBuilder {
        IndexBuilder {
            typo_min_len,
            lexeme_ids: FxHashMap::default(),
            uses: Vec::new(),
            names: Vec::new(),
            lexeme_cover: Vec::new(),
            identifiers: FxHashMap::default(),
            buf: Vec::new(),
            name_lexemes: Vec::new(),
        }
    }

    /// Adds a name of `subject`; returns its name id (names are numbered in insertion order).
    /// Joined pairs make "Abdul Rahman" found by "Abdulrahman" and "jongun" (김정은) by "Jong Un".
    pub fn add_name(&mut self, subject: u32, name: &KeyName<'_>) -> u32 {
        let id = self.names.len() as u32;
        let weight = name.tokens.iter().filter(|t| t.keyed()).map(|t| t.weight).sum();
        self.names.push(NameInfo {
            subject,
            weight,
            cover: name.tokens.iter().map(|t| t.cover).sum(),
            unkeyed: name.tokens.iter().filter(|t| !t.keyed()).map(|t| t.cover).sum(),
        });
        let mut name_lexemes = std::mem::take(&mut self.name_lexemes);
        name_lexemes.clear();
        for t in name.tokens.iter().filter(|t| t.keyed()) {
            let lex = self.lexeme(t.text, t.phonetic, t.groups, t.consonants, t.abjad, true);
            name_lexemes.push((lex, t.cover));
        }
        for p in &name.pairs {
            let lex = self.lexeme(p.text, p.phonetic, p.groups, p.consonants, p.abjad, false);
            name_lexemes.push((lex, name.tokens[p.first].cover + name.tokens[p.second].cover));
        }
        // A lexeme used twice in a name ("Mohammed Mohammed") stands for both uses' coverage.
        name_lexemes.sort_unstable_by_key(|&(lex, _)| lex);
        for run in name_lexemes.chunk_by(|a, b| a.0 == b.0) {
            let lex = run[0].0;
            self.uses.push(u64::from(lex) << 32 | u64::from(id));
            let cover: f32 = run.iter().map(|r| r.1).sum();
            let max = &mut self.lexeme_cover[lex as usize];
            *max = max.max(cover);
        }
        self.name_lexemes = name_lexemes;
        id
    }

    /// The id of a token's or pair's lexeme, added if new. Its identity bytes hold all it
    /// is (see [`Lexeme::decode`]); normalised text never holds a zero byte.
    fn lexeme(
        &mut self,
        text: &str,
        phonetic: &str,
        groups: &[u32],
        consonants: &str,
        abjad: bool,
        single: bool,
    ) -> u32 {
        debug_assert!(![text, phonetic, consonants].iter().any(|s| s.contains('\0')));
        self.buf.clear();
        self.buf.push(u8::from(abjad) | u8::from(single) << 1);
        for part in [text, phonetic, consonants] {
            self.buf.extend_from_slice(part.as_bytes());
            self.buf.push(0);
        }
        for g in groups {
            self.buf.extend_from_slice(&g.to_le_bytes());
        }
        if let Some(&id) = self.lexeme_ids.get(self.buf.as_slice()) {
            return id;
        }
        let id = self.lexeme_ids.len() as u32;
        self.lexeme_ids.insert(self.buf.as_slice().into(), id);
        self.lexeme_cover.push(0.0);
        id
    }

    /// Number of names added so far (the next name's id).
    pub fn n_names(&self) -> usize {
        self.names.len()
    }

    /// Adds an identifier (already folded) of `subject`.
    pub fn add_identifier(&mut self, subject: u32, folded: &str) {
        let list = self.identifiers.entry(folded.into()).or_default();
        if list.last() != Some(&subject) {
            list.push(subject);
        }
    }

    /// Freezes the index: the keys of every lexeme, then two sorts: (key, lexeme) entries into
    /// key postings, (lexeme, name) uses into lexeme postings.
    pub fn build(self) -> Index {
        let IndexBuilder { typo_min_len, lexeme_ids, mut uses, names, lexeme_cover, identifiers, .. } = self;
        // (key, lexeme) entries, packed in one u64 when lexeme ids fit in the bits a key leaves:
        // the sort is the build's largest transient, and 8-byte entries halve it.
        let n_lexemes = lexeme_ids.len();
        let lex_bits = 64 - KEY_BITS;
        let mut packed: Vec<u64> = Vec::new();
        let mut wide: Vec<(u64, u32)> = Vec::new();
        for (bytes, &id) in &lexeme_ids {
            let lex = Lexeme::decode(bytes);
            let cons = Consonants { keys: lex.consonants, abjad: lex.abjad, lookup: false };
            let typo = lex.single.then_some(typo_min_len);
            for_each_key(lex.text, lex.phonetic, &lex.groups, cons, typo, |key, _| {
                if n_lexemes < 1 << lex_bits {
                    packed.push(short_key(key) << lex_bits | id as u64);
                } else {
                    wide.push((short_key(key), id));
                }
            });
        }
        drop(lexeme_ids);
        packed.sort_unstable();
        packed.dedup();
        wide.sort_unstable();
        wide.dedup();
        let entries = packed
            .iter()
            .map(|&e| (e >> lex_bits, (e & ((1 << lex_bits) - 1)) as u32))
            .chain(wide.iter().copied());
        let mut keys: Vec<u64> = Vec::new();
        let mut key_offsets = Vec::new();
        let mut key_lexemes = Vec::with_capacity(packed.len() + wide.len());
        for (key, lex) in entries {
            if keys.last() != Some(&key) {
                keys.push(key);
                key_offsets.push(key_lexemes.len() as u32);
            }
            key_lexemes.push(lex);
        }
        key_offsets.push(key_lexemes.len() as u32);
        drop((packed, wide));
        // About two keys a bucket: a lookup is one directory read and a short scan, instead of
        // a binary search whose every step misses the cache. The bucket holds the top
        // `dir_bits` bits of a key, so only the low 32 are stored.
        let dir_bits = (usize::BITS - (keys.len() / 2).max(1).leading_zeros()).clamp(KEY_BITS - 32, KEY_BITS);
        let mut dir = Vec::with_capacity((1 << dir_bits) + 1);
        let mut k = 0;
        for bucket in 0..1u64 << dir_bits {
            while k < keys.len() && keys[k] >> (KEY_BITS - dir_bits) < bucket {
                k += 1;
            }
            dir.push(k as u32);
        }
        dir.push(keys.len() as u32);
        uses.sort_unstable();
        uses.dedup();
        let mut lexeme_offsets = Vec::with_capacity(n_lexemes + 1);
        let mut lexeme_names = Vec::with_capacity(uses.len());
        for u in uses {
            let lex = (u >> 32) as usize;
            while lexeme_offsets.len() <= lex {
                lexeme_offsets.push(lexeme_names.len() as u32);
            }
            lexeme_names.push(u as u32);
        }
        while lexeme_offsets.len() <= n_lexemes {
            lexeme_offsets.push(lexeme_names.len() as u32);
        }
        Index {
            typo_min_len,
            keys: keys.into_iter().map(|k| k as u32).collect(),
            dir,
            dir_bits,
            key_offsets,
            key_lexemes,
            lexeme_offsets,
            lexeme_names,
            lexeme_cover,
            names,
            identifiers,
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
    /// The scorer's coverage penalties, to drop names that cannot reach the cutoff once the
    /// listed side is counted too (`None`: no such test).
    pub penalties: Option<Penalties>,
}

/// The scorer's coverage penalties, as the index bounds them: a name score is at most
/// `1 - query_miss * (query share unmatched) - listed_miss * (listed share unmatched)`, and a
/// name can reach the cutoff only if the two penalties together stay within `max_total`. The
/// index overstates both matched shares (every key shared counts as a match, every lexeme at
/// the most coverage it has in any name), so the test only drops names that cannot reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalties {
    /// Penalty for the whole query unmatched.
    pub query_miss: f32,
    /// Penalty for the whole listed name unmatched.
    pub listed_miss: f32,
    /// The most the two may take off.
    pub max_total: f32,
}

/// The name lists of the lexemes a query token reaches, each with the weight of the
/// strongest key that reached it, and the lexeme's coverage weight (see
/// [`Index::lexeme_cover`]).
type Lists<'i> = Vec<(&'i [u32], f32, f32)>;

/// One query token's posting lists and what it weighs.
struct Plan<'i> {
    lists: Lists<'i>,
    total: usize,
    cover: f32,
    weight: f32,
}

/// The frozen candidate index.
pub struct Index {
    /// Shortest word with one-deletion typo keys (see [`IndexBuilder::new`]).
    typo_min_len: usize,
    /// Low 32 bits of each key, sorted.
    keys: Vec<u32>,
    /// `keys[dir[b]..dir[b + 1]]` are the keys whose top `dir_bits` bits are `b`.
    dir: Vec<u32>,
    dir_bits: u32,
    /// `key_lexemes[key_offsets[k]..key_offsets[k + 1]]` are the lexemes of key `k`.
    key_offsets: Vec<u32>,
    key_lexemes: Vec<u32>,
    /// `lexeme_names[lexeme_offsets[l]..lexeme_offsets[l + 1]]` are the names using lexeme `l`.
    lexeme_offsets: Vec<u32>,
    lexeme_names: Vec<u32>,
    /// Per lexeme, the most coverage weight (the scorer's token weight times role factor) it
    /// stands for in any one name: what a listed name can have matched through it.
    lexeme_cover: Vec<f32>,
    names: Vec<NameInfo>,
    identifiers: FxHashMap<Box<str>, Vec<u32>>,
}

/// What the index keeps of a name, side by side as all is read for every name a query keeps.
#[derive(Debug, Clone, Copy)]
struct NameInfo {
    subject: u32,
    /// Summed weight of its keyed tokens (ranks names).
    weight: f32,
    /// Its coverage weight as the scorer counts it.
    cover: f32,
    /// The part of `cover` in tokens without keys (initials), which the index cannot see
    /// matched and so credits to every name.
    unkeyed: f32,
}

/// A name's accumulators during one query, side by side in 8 bytes (fixed point): a posting
/// costs one cache miss, and a million names' slots stay within the cache more often.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// Summed key weight, in units of `1 / ACC_SCALE` (ranks names only; never 0 once the name
    /// is touched).
    acc: u16,
    /// Summed coverage weight of the name's lexemes, added each time a query token's list
    /// reaches one (an overstatement, as the bound needs), in units of `1 / COV_SCALE`, rounded
    /// up.
    listed: u16,
    /// Summed coverage weight of the query in units of `1 / COV_SCALE`, each addition rounded
    /// up: it only ever overstates coverage, so the `min_covered` filter keeps a superset.
    cov: u16,
    /// Generation of the last token that counted this name.
    stamp: u16,
}

/// Fixed-point scale of [`Slot::cov`] and [`Slot::listed`] (token weights are at most 1).
const COV_SCALE: f32 = 256.0;
/// Fixed-point scale of [`Slot::acc`].
const ACC_SCALE: f32 = 512.0;

/// Reusable per-thread buffers for [`Index::candidates`], so queries allocate little.
#[derive(Default)]
pub struct Scratch {
    slots: Vec<Slot>,
    touched: Vec<u32>,
    generation: u16,
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
    /// Where its names lie in [`Candidates::names`].
    names: std::ops::Range<usize>,
}

/// The candidates of one query, best rank first, with the ids of their names that shared at
/// least one key with the query (names that share none cannot match: every similarity the
/// scorer uses has a key). The name ids of all candidates share one vector, so that a query
/// allocates once for them rather than once per candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// Candidate subjects, best rank first.
    pub list: Vec<Candidate>,
    /// (subject, name id) pairs, sorted.
    names: Vec<(u32, u32)>,
}

impl Candidates {
    /// The name ids of a candidate that shared a key with the query (none for a candidate
    /// found by identifier alone).
    pub fn names<'a>(&'a self, candidate: &Candidate) -> impl ExactSizeIterator<Item = u32> + 'a {
        self.names[candidate.names.clone()].iter().map(|&(_, id)| id)
    }
}

impl Index {
    /// Number of names indexed.
    pub fn n_names(&self) -> usize {
        self.names.len()
    }

    /// Number of distinct keys.
    pub fn n_keys(&self) -> usize {
        self.keys.len()
    }

    /// The names of a lexeme.
    fn lexeme_postings(&self, lexeme: u32) -> &[u32] {
        let l = lexeme as usize;
        &self.lexeme_names[self.lexeme_offsets[l] as usize..self.lexeme_offsets[l + 1] as usize]
    }

    /// Number of distinct spellings (tokens and joined pairs) indexed.
    pub fn n_lexemes(&self) -> usize {
        self.lexeme_offsets.len().saturating_sub(1)
    }

    /// Number of entries in all posting lists: key to lexeme, and lexeme to name.
    pub fn n_postings(&self) -> usize {
        self.key_lexemes.len() + self.lexeme_names.len()
    }

    /// Bytes the index holds (its arrays; the identifier map estimated).
    pub fn heap_bytes(&self) -> usize {
        self.keys.len() * 4
            + self.dir.len() * 4
            + (self.key_offsets.len() + self.key_lexemes.len()) * 4
            + (self.lexeme_offsets.len() + self.lexeme_names.len()) * 4
            + self.lexeme_cover.len() * 4
            + self.names.len() * std::mem::size_of::<NameInfo>()
            + self.identifiers.iter().map(|(k, v)| k.len() + v.len() * 4 + 48).sum::<usize>()
    }

    /// The subject of a name id.
    pub fn subject_of(&self, name: u32) -> u32 {
        self.names[name as usize].subject
    }

    /// Candidate subjects for a query: for each query name, the `bounds.limit` best names by
    /// shared key weight, then their subjects (each once, best rank kept), plus every subject
    /// that shares an identifier. `allow` filters subjects (datasets).
    pub fn candidates(
        &self,
        query_names: &[KeyName<'_>],
        identifiers: &[String],
        bounds: Bounds,
        allow: impl Fn(u32) -> bool,
        scratch: &mut Scratch,
    ) -> Candidates {
        let Bounds { limit, min_share, min_covered, penalties } = bounds;
        let n = self.names.len();
        if scratch.slots.len() != n {
            scratch.slots = vec![Slot::default(); n];
            scratch.generation = 0;
        }
        let mut out: Vec<Candidate> = Vec::new();
        let mut names: Vec<(u32, u32)> = Vec::new();
        for name in query_names {
            let tokens = &name.tokens;
            scratch.touched.clear();
            // Tokens with short posting lists first. Once the tokens that add names cover
            // `min_share` of the query, the long lists of the remaining (common) tokens only
            // update names already found: a name matching none of the adding tokens leaves
            // that share unmatched and cannot reach the threshold.
            let keyed: Vec<&KeyToken<'_>> = tokens.iter().filter(|t| t.keyed()).collect();
            let mut keys: Vec<(u64, f32, u32)> = Vec::new();
            for (owner, t) in keyed.iter().enumerate() {
                let cons = Consonants { keys: t.consonants, abjad: t.abjad, lookup: true };
                for_each_key(t.text, t.phonetic, t.groups, cons, Some(self.typo_min_len), |k, w| {
                    keys.push((k, w, owner as u32));
                });
            }
            for (owner, p) in name.pairs.iter().enumerate() {
                let cons = Consonants { keys: p.consonants, abjad: p.abjad, lookup: true };
                let owner = (keyed.len() + owner) as u32;
                for_each_key(p.text, p.phonetic, p.groups, cons, None, |k, w| keys.push((k, w, owner)));
            }
            let mut lists = self.owner_lists(&keys, keyed.len() + name.pairs.len()).into_iter();
            let mut plan: Vec<Plan<'_>> = Vec::new();
            for (t, (lists, total)) in keyed.iter().zip(lists.by_ref()) {
                plan.push(Plan { lists, total, cover: t.cover, weight: t.weight });
            }
            // The scorer's coverage total counts initials too (they have no keys).
            let initials_cover: f32 =
                tokens.iter().filter(|t| t.kind == TokenKind::Initial).map(|t| t.cover).sum();
            let total_cover: f32 = plan.iter().map(|p| p.cover).sum::<f32>() + initials_cover;
            plan.sort_by_key(|p| p.total);
            let mut added = 0.0f32;
            for p in &plan {
                let add = p.total <= LONG_LIST || added < min_share * total_cover;
                if add {
                    added += p.cover;
                }
                self.accumulate(&p.lists, p.weight, p.cover, add, scratch);
            }
            // Joined pairs always add (their lists are short).
            for (p, (lists, _)) in name.pairs.iter().zip(lists) {
                let (a, b) = (&tokens[p.first], &tokens[p.second]);
                self.accumulate(&lists, a.weight.max(b.weight), a.cover + b.cover, true, scratch);
            }
            // One pass over the touched names: keep those that cover enough of the query, with
            // their rank and subject, and clear every slot for the next query name. Rank: shared
            // weight, and among equals the shorter name (a listed "Mohammed Ali" before
            // "Mohammed Ali Hassan Al-Majid" for the query "Mohammed Ali").
            // Initials have no keys, so no name's coverage counts them; any name may still match
            // them ("M. D. S. Import Export" / "M.D.S. Import Export"), so they are credited to all.
            let floor = (min_covered * total_cover - initials_cover).max(0.0) * COV_SCALE;
            // A query initial may half match a listed word that shares no key with it, so with
            // initials in the query the listed side is not bounded.
            let penalties = penalties.filter(|_| initials_cover == 0.0 && total_cover > 0.0);
            let mut kept: Vec<(f32, u32, u32)> = Vec::new();
            for &id in &scratch.touched {
                let slot = &mut scratch.slots[id as usize];
                let (acc, cov, listed) = (f32::from(slot.acc) / ACC_SCALE, slot.cov, slot.listed);
                (slot.acc, slot.cov, slot.listed) = (0, 0, 0);
                if f32::from(cov) < floor {
                    continue;
                }
                let name = self.names[id as usize];
                if let Some(p) = penalties {
                    let query_share = (f32::from(cov) / COV_SCALE / total_cover).min(1.0);
                    let listed = f32::from(listed) / COV_SCALE;
                    let listed_share =
                        if name.cover > 0.0 { ((listed + name.unkeyed) / name.cover).min(1.0) } else { 1.0 };
                    if p.query_miss * (1.0 - query_share) + p.listed_miss * (1.0 - listed_share) > p.max_total
                    {
                        continue;
                    }
                }
                if allow(name.subject) {
                    kept.push((acc - 0.25 * (name.weight - acc).max(0.0), id, name.subject));
                }
            }
            let k = limit.min(kept.len());
            if k > 0 && k < kept.len() {
                kept.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
            }
            // Each subject once, with the best rank of its names (over all query names).
            out.extend(kept[..k].iter().map(|&(rank, _, subject)| Candidate {
                subject,
                rank,
                by_identifier: false,
                names: 0..0,
            }));
            out.sort_unstable_by(|a, b| a.subject.cmp(&b.subject).then(b.rank.total_cmp(&a.rank)));
            out.dedup_by_key(|c| c.subject);
            // Every name of a candidate that shared a key goes to the scorer, ranked or not.
            for (_, id, subject) in kept {
                if out.binary_search_by_key(&subject, |c| c.subject).is_ok() {
                    names.push((subject, id));
                }
            }
        }
        for ident in identifiers {
            if let Some(subjects) = self.identifiers.get(ident.as_str()) {
                for &subject in subjects.iter().filter(|&&s| allow(s)) {
                    match out.iter_mut().find(|c| c.subject == subject) {
                        Some(c) => c.by_identifier = true,
                        None => {
                            out.push(Candidate { subject, rank: f32::MAX, by_identifier: true, names: 0..0 });
                        }
                    }
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        for c in &mut out {
            let start = names.partition_point(|&(s, _)| s < c.subject);
            let end = start + names[start..].partition_point(|&(s, _)| s == c.subject);
            c.names = start..end;
        }
        out.sort_by(|a, b| b.rank.total_cmp(&a.rank));
        Candidates { list: out, names }
    }

    /// For each of `owners` query tokens (or joined pairs), the name lists of every lexeme
    /// its keys reach, each lexeme once with the weight of the strongest key that reached it,
    /// and their total length. `keys` holds (key, weight, owner), grouped by owner.
    ///
    /// The lookups go in sweeps over all keys (directory, key, offsets): each step of one
    /// lookup waits on the last and misses the cache, while the same step of different keys
    /// does not, so a sweep keeps many reads in flight.
    fn owner_lists(&self, keys: &[(u64, f32, u32)], owners: usize) -> Vec<(Lists<'_>, usize)> {
        let shift = KEY_BITS - self.dir_bits;
        let spans: Vec<(u32, u32)> = keys
            .iter()
            .map(|&(k, _, _)| {
                let b = (short_key(k) >> shift) as usize;
                (self.dir[b], self.dir[b + 1])
            })
            .collect();
        let found: Vec<Option<usize>> = keys
            .iter()
            .zip(&spans)
            .map(|(&(k, _, _), &(lo, hi))| {
                let (lo, hi) = (lo as usize, hi as usize);
                self.keys[lo..hi].iter().position(|&x| x == short_key(k) as u32).map(|i| lo + i)
            })
            .collect();
        let postings: Vec<&[u32]> = found
            .iter()
            .map(|f| match *f {
                Some(i) => &self.key_lexemes[self.key_offsets[i] as usize..self.key_offsets[i + 1] as usize],
                None => &[],
            })
            .collect();
        let mut out = Vec::with_capacity(owners);
        let mut reached: Vec<(u32, f32)> = Vec::new();
        let mut at = 0;
        for owner in 0..owners as u32 {
            reached.clear();
            while at < keys.len() && keys[at].2 == owner {
                reached.extend(postings[at].iter().map(|&lex| (lex, keys[at].1)));
                at += 1;
            }
            // Each lexeme once, with its strongest key; strongest lexemes first, so that a name
            // holding two of them counts the better one.
            reached.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            reached.dedup_by_key(|r| r.0);
            reached.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut total = 0;
            let lists = reached
                .iter()
                .map(|&(lex, w)| {
                    let list = self.lexeme_postings(lex);
                    total += list.len();
                    (list, w, self.lexeme_cover[lex as usize])
                })
                .collect();
            out.push((lists, total));
        }
        out
    }

    /// Adds `weight` times the strongest key weight to every name in the lists of one query
    /// token (each name counted once per token), and each list's lexeme coverage to its names'
    /// listed sum. With `add` false, only names already touched by other tokens are updated.
    fn accumulate(
        &self,
        lists: &[(&[u32], f32, f32)],
        weight: f32,
        cover: f32,
        add: bool,
        scratch: &mut Scratch,
    ) {
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.slots.iter_mut().for_each(|s| s.stamp = 0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let Scratch { slots, touched, .. } = scratch;
        let cover = (cover * COV_SCALE).ceil() as u16;
        for &(list, w, listed) in lists {
            let acc = ((weight.max(0.01) * w * ACC_SCALE) as u16).max(1);
            let listed = (listed * COV_SCALE).ceil() as u16;
            for &id in list {
                let slot = &mut slots[id as usize];
                if slot.stamp != generation {
                    slot.stamp = generation;
                    if slot.acc == 0 {
                        if !add {
                            continue;
                        }
                        touched.push(id);
                    }
                    slot.acc = slot.acc.saturating_add(acc);
                    slot.cov = slot.cov.saturating_add(cover);
                } else if slot.acc == 0 {
                    // Passed over by this token (update-only).
                    continue;
                }
                slot.listed = slot.listed.saturating_add(listed);
            }
        }
    }
}
