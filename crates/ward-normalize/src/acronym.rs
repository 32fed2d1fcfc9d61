//! Acronyms of organisation names: "Islamic Revolutionary Guard Corps" is also known as IRGC.
//! Only the listed name gets this reading (generated on both sides, acronyms of names that
//! share most words meet by chance): as an alias when it has `MIN_STRONG_ACRONYM_LETTERS` or
//! more, as a weak alias otherwise.

use crate::fold::fold;
use crate::tables;

/// The fewest words an organisation's name needs for its acronym to be a reading of it.
pub const MIN_ACRONYM_WORDS: usize = 3;

/// The fewest letters of an acronym read as a strong name of the organisation (IRGC, CETC):
/// shorter ones (DML, PTI) meet other parties by chance and stay weak aliases.
pub const MIN_STRONG_ACRONYM_LETTERS: usize = 4;

/// The most letters of a generated acronym.
const MAX_ACRONYM_LETTERS: usize = 8;

/// The acronym of an organisation's name: the first letters of its words, particles and legal
/// forms (and the words of legal phrases: joint, stock, company) left out ("Islamic Revolutionary Guard Corps" -> "IRGC"), for names of
/// [`MIN_ACRONYM_WORDS`] to `MAX_ACRONYM_LETTERS` Latin words; `None` otherwise.
pub fn acronym_reading(name: &str) -> Option<String> {
    let folded = fold(name);
    let mut letters = String::new();
    for word in folded.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()) {
        if !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let legal_phrase_word = tables::LEGAL_PHRASES.iter().any(|p| p.contains(&word));
        if tables::contains(tables::PARTICLES, word)
            || tables::contains(tables::LEGAL_FORMS, word)
            || legal_phrase_word
        {
            continue;
        }
        letters.push(word.chars().next()?.to_ascii_uppercase());
    }
    (MIN_ACRONYM_WORDS..=MAX_ACRONYM_LETTERS).contains(&letters.len()).then_some(letters)
}
