//! Acronyms of organisation names: "Islamic Revolutionary Guard Corps" is also known as IRGC.
//! Only the listed name gets this reading, and only as a weak alias: generated on both sides,
//! acronyms meet by chance.

use crate::fold::fold;
use crate::tables;

/// The fewest words an organisation's name needs for its acronym to be a reading of it.
pub const MIN_ACRONYM_WORDS: usize = 3;

/// The most letters of a generated acronym.
const MAX_ACRONYM_LETTERS: usize = 8;

/// The acronym of an organisation's name: the first letters of its words, particles and legal
/// forms left out ("Islamic Revolutionary Guard Corps" -> "IRGC"), for names of
/// [`MIN_ACRONYM_WORDS`] to `MAX_ACRONYM_LETTERS` Latin words; `None` otherwise.
pub fn acronym_reading(name: &str) -> Option<String> {
    let folded = fold(name);
    let mut letters = String::new();
    for word in folded.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()) {
        if !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        if tables::contains(tables::PARTICLES, word) || tables::contains(tables::LEGAL_FORMS, word) {
            continue;
        }
        letters.push(word.chars().next()?.to_ascii_uppercase());
    }
    (MIN_ACRONYM_WORDS..=MAX_ACRONYM_LETTERS).contains(&letters.len()).then_some(letters)
}
