//! Building: names in, frozen posting arrays out.

use rustc_hash::FxHashMap;

use crate::ids::{mint, CapacityError, NameId, SubjectId};
use crate::keys::{for_each_key, short_key, Consonants, KeyName, KEY_BITS};
use crate::{Index, NameInfo};

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
    ///
    /// # Errors
    /// When the index already holds [`MAX_NAMES`](crate::MAX_NAMES) names or distinct
    /// spellings; nothing is added then.
    pub fn add_name(&mut self, subject: SubjectId, name: &KeyName<'_>) -> Result<NameId, CapacityError> {
        let id = NameId::new(self.names.len())?;
        // Every token and pair may be a new spelling: check room for all before adding any.
        mint(self.lexeme_ids.len() + name.tokens.len() + name.pairs.len(), "distinct spellings")?;
        let subject = subject.raw();
        let weight = name.tokens.iter().filter(|t| t.keyed()).map(|t| t.weight).sum();
        self.names.push(NameInfo {
            subject,
            weight,
            cover: name.tokens.iter().map(|t| t.cover).sum(),
            unkeyed: name.tokens.iter().filter(|t| !t.keyed()).map(|t| t.cover).sum(),
            spared: name.tokens.iter().filter(|t| t.spared).map(|t| t.cover).sum(),
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
            self.uses.push(u64::from(lex) << 32 | u64::from(id.raw()));
            let cover: f32 = run.iter().map(|r| r.1).sum();
            let max = &mut self.lexeme_cover[lex as usize];
            *max = max.max(cover);
        }
        self.name_lexemes = name_lexemes;
        Ok(id)
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
        // `add_name` checked that every spelling of the name fits.
        let id = mint(self.lexeme_ids.len(), "distinct spellings").unwrap_or(u32::MAX);
        self.lexeme_ids.insert(self.buf.as_slice().into(), id);
        self.lexeme_cover.push(0.0);
        id
    }

    /// Number of names added so far (the next name's id).
    pub fn n_names(&self) -> usize {
        self.names.len()
    }

    /// Adds an identifier (already folded) of `subject`.
    pub fn add_identifier(&mut self, subject: SubjectId, folded: &str) {
        let subject = subject.raw();
        let list = self.identifiers.entry(folded.into()).or_default();
        if list.last() != Some(&subject) {
            list.push(subject);
        }
    }

    /// Freezes the index: the keys of every lexeme, then two sorts: (key, lexeme) entries into
    /// key postings, (lexeme, name) uses into lexeme postings.
    ///
    /// # Errors
    /// When a posting array outgrows the `u32` offsets that address it.
    pub fn build(self) -> Result<Index, CapacityError> {
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
                    packed.push(short_key(key) << lex_bits | u64::from(id));
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
        let entries = packed.iter().map(|&e| split_entry(e, lex_bits)).chain(wide.iter().copied());
        let mut keys: Vec<u64> = Vec::new();
        let mut key_offsets = Vec::new();
        let mut key_lexemes = Vec::with_capacity(packed.len() + wide.len());
        for (key, lex) in entries {
            if keys.last() != Some(&key) {
                keys.push(key);
                key_offsets.push(offset(key_lexemes.len())?);
            }
            key_lexemes.push(lex);
        }
        key_offsets.push(offset(key_lexemes.len())?);
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
            dir.push(offset(k)?);
        }
        dir.push(offset(keys.len())?);
        uses.sort_unstable();
        uses.dedup();
        let mut lexeme_offsets = Vec::with_capacity(n_lexemes + 1);
        let mut lexeme_names = Vec::with_capacity(uses.len());
        for u in uses {
            let (lex, name) = split_use(u);
            while lexeme_offsets.len() <= lex as usize {
                lexeme_offsets.push(offset(lexeme_names.len())?);
            }
            lexeme_names.push(name);
        }
        while lexeme_offsets.len() <= n_lexemes {
            lexeme_offsets.push(offset(lexeme_names.len())?);
        }
        Ok(Index {
            typo_min_len,
            keys: keys.into_iter().map(low_32_bits).collect(),
            dir,
            dir_bits,
            key_offsets,
            key_lexemes,
            lexeme_offsets,
            lexeme_names,
            lexeme_cover,
            names,
            identifiers,
        })
    }
}

/// A position in a posting array, as the `u32` offsets store it.
fn offset(position: usize) -> Result<u32, CapacityError> {
    mint(position, "postings in one array")
}

/// A packed (key, lexeme) entry: the key above `lexeme_bits`, the lexeme id below.
#[expect(clippy::cast_possible_truncation, reason = "the low `lexeme_bits` (< 32) bits are a lexeme id")]
fn split_entry(entry: u64, lexeme_bits: u32) -> (u64, u32) {
    (entry >> lexeme_bits, (entry & ((1 << lexeme_bits) - 1)) as u32)
}

/// A packed (lexeme, name) use: the lexeme in the high half, the name in the low one.
#[expect(clippy::cast_possible_truncation, reason = "each half of the packed use is a `u32` id")]
fn split_use(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

/// The stored part of a short key: its low 32 bits (the directory bucket holds the rest).
#[expect(clippy::cast_possible_truncation, reason = "the directory holds the key's high bits")]
pub(crate) fn low_32_bits(key: u64) -> u32 {
    key as u32
}
