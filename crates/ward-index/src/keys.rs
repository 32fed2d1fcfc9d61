//! Keys: what a listed or query token is looked up by. Each key is a hash tagged with its
//! family (text, synonym group, phonetic skeleton, one-deletion typo, consonants), weighted by
//! how much a hit on that family says.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use ward_normalize::{
    abd_compound_tail, consonant_strength, has_spelling_fold, skeleton_strength, spelling_fold, Token,
    TokenKind, MIN_CONSONANT_CLASSES,
};

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
    /// Whether the scorer may waive part of this listed token's penalty when it goes unmatched
    /// (see [`Penalties::spared_share`](crate::Penalties::spared_share)): a listed given name
    /// against a query naming the person by the family name alone.
    pub spared: bool,
}

impl<'a> KeyToken<'a> {
    /// A key token from a normalised token and its weight, its whole weight counted in
    /// coverage and never spared.
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
            spared: false,
        }
    }

    pub(crate) fn keyed(&self) -> bool {
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
    /// A word's [`spelling_fold`] (Phillip / Filipp, Afeef / Afif).
    Folded = 7,
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
const W_ABD_TAIL: f32 = 0.75;
const W_FOLD: f32 = 0.9;

/// The consonant side of a token: its keys, and whether they are abjad ones.
#[derive(Clone, Copy)]
pub(crate) struct Consonants<'a> {
    pub(crate) keys: &'a str,
    pub(crate) abjad: bool,
    /// Looking up (a query) rather than storing (a listed name): a query token looks in the
    /// other script family's keys.
    pub(crate) lookup: bool,
}

/// Calls `f` with every key of a token (or joined pair) and the key's weight, strongest first.
/// Words of `typo_min_len` letters and more get their full key and their one-deletion keys in
/// the deletion family (one substitution: a shared deletion; one insertion: the longer word's
/// deletion is the shorter word's full key). Joined
/// pairs (`typo_min_len` `None`) have no typo keys: the scorer meets a joined pair only
/// exactly, by the dictionary, by the phonetic skeleton or (abjad pairs) by consonants, and the
/// one-deletion keys of every joined pair would be the largest part of a big index.
pub(crate) fn for_each_key(
    text: &str,
    phonetic: &str,
    groups: &[u32],
    cons: Consonants<'_>,
    typo_min_len: Option<usize>,
    mut f: impl FnMut(u64, f32),
) {
    f(key_str(Family::Text, text), W_TEXT);
    if let Some(tail) = abd_compound_tail(text) {
        // "abdrahim" meets "rahim" (both sides key this way, so either may be the compound).
        f(key_str(Family::Text, tail), W_ABD_TAIL);
    }
    for &g in groups {
        f(key_group(g), W_GROUP);
    }
    if has_spelling_fold(text) {
        f(key_str(Family::Folded, &spelling_fold(text)), W_FOLD);
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
pub(crate) const KEY_BITS: u32 = 40;

pub(crate) fn short_key(key: u64) -> u64 {
    key >> (64 - KEY_BITS)
}
