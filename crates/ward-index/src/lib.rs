//! Ward's candidate index: the first of two matching stages. It maps keys (Latin token,
//! synonym-dictionary groups, phonetic skeleton, one-deletion typo keys, consonant keys) to the
//! distinct spellings ("lexemes": tokens and joined neighbour words) of every listed name, each
//! lexeme to the names using it, identifiers to subjects, and turns a query into a bounded list of candidate
//! subjects ranked by the rarity of the keys they share. It must never lose a subject the scorer
//! would put above the threshold; the property tests in ward-engine check that against a
//! brute-force scan.
//!
//! ```
//! use ward_index::{Bounds, IndexBuilder, KeyName, KeyToken, Scratch, SubjectId};
//! use ward_normalize::{normalize_name, NameHint};
//! let name = normalize_name("LAVROV, Sergei Viktorovich", NameHint::Person);
//! let tokens: Vec<KeyToken> = name.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect();
//! let mut builder = IndexBuilder::new(5);
//! let subject = SubjectId::new(0)?;
//! builder.add_name(subject, &KeyName { tokens, pairs: Vec::new() })?;
//! let index = builder.build()?;
//! let query = normalize_name("Sergey Lavrov", NameHint::Unknown);
//! let qkeys = KeyName { tokens: query.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect(), pairs: Vec::new() };
//! let bounds = Bounds { limit: 10, min_share: 1.0, min_covered: 0.0, penalties: None };
//! let found = index.candidates(&[qkeys], &[], bounds, |_| true, &mut Scratch::default());
//! assert_eq!(found.list[0].subject, subject);
//! # Ok::<(), ward_index::CapacityError>(())
//! ```
//!
//! The crate reads in three parts: [`keys`](crate::KeyName) turns tokens into hashed keys of
//! several families, the builder ([`IndexBuilder`]) freezes names into sorted posting arrays,
//! and the search ([`Index::candidates`]) accumulates a query's keys over those arrays. Building
//! and searching share only the frozen [`Index`].
#![warn(clippy::cast_possible_truncation)]

mod build;
mod ids;
mod keys;
mod search;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap;

pub use build::IndexBuilder;
pub use ids::{CapacityError, NameId, SubjectId, MAX_NAMES};
pub use keys::{KeyName, KeyPair, KeyToken};
pub use search::{Bounds, Candidate, Candidates, Penalties, Scratch};

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
    /// The part of `cover` in tokens the scorer may spare (see [`KeyToken::spared`]).
    spared: f32,
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
    pub fn subject_of(&self, name: NameId) -> SubjectId {
        SubjectId::from_raw(self.names[name.index()].subject)
    }
}
