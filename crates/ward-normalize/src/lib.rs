//! Ward's name normalisation: everything that turns a name as written into comparable tokens.
//!
//! - [`fold`]: NFKC, lower case, diacritics and apostrophes removed, script kept.
//! - [`char_script`] / [`Script`]: which writing system a character is in.
//! - [`to_latin`]: transliteration (`any_ascii`, plus McCune-Reischauer Hangul and Arabic rules).
//! - [`han_simplified`]: Han characters in their simplified form, to compare Han names in
//!   their own script.
//! - [`skeleton`]: a phonetic consonant-class key (Qadhafi, Gaddafi, Kadhafi -> `KTF`).
//! - [`latin_consonants`] / [`abjad_consonants`]: vowel-free keys that let Arabic, Persian and
//!   Hebrew spellings meet Latin ones (واحدی, Vahedi -> `PT`).
//! - [`evasion_reading`]: a name run together in camel case or spaced out letter by letter,
//!   as it reads ("`KimJongUn`" -> "Kim Jong Un").
//! - [`acronym_reading`]: the acronym of an organisation's name, a weak reading of listed names.
//! - [`Synonyms`]: the embedded multi-script name dictionary (сергей = sergei = serguei).
//! - [`Normalizer`] / [`NormalizedName`] / [`Token`]: a name as tokens with kinds and roles.
//!
//! Nothing here does I/O or can fail.
//!
//! ```
//! use ward_normalize::{normalize_name, NameHint, Role};
//! let name = normalize_name("LAVROV, Sergei Viktorovich", NameHint::Person);
//! let texts: Vec<&str> = name.tokens.iter().map(|t| t.text.as_str()).collect();
//! assert_eq!(texts, ["lavrov", "sergei", "viktorovich"]);
//! assert_eq!(name.tokens[0].role, Role::Family);
//! assert_eq!(name.tokens[2].role, Role::Patronymic);
//! let cyr = normalize_name("Сергей Лавров", NameHint::Person);
//! assert!(ward_normalize::share_group(&cyr.tokens[0].groups, &name.tokens[1].groups));
//! ```

mod acronym;
mod consonant;
mod evasion;
mod fold;
mod han;
mod legal_typo;
mod name;
mod phonetic;
mod script;
mod synonyms;
pub mod tables;
mod translit;

#[cfg(test)]
mod tests;

pub use acronym::{acronym_reading, MIN_ACRONYM_WORDS, MIN_STRONG_ACRONYM_LETTERS};
pub use consonant::{abjad_consonants, consonant_strength, latin_consonants, MIN_CONSONANT_CLASSES};
pub use evasion::{evasion_reading, MIN_SPACED_LETTERS};
pub use fold::{fold, is_apostrophe, is_format_char};
pub use han::han_simplified;
pub use name::{abd_compound_tail, canon_abd, NameHint, NormalizedName, Normalizer, Role, Token, TokenKind};
pub use phonetic::{
    has_spelling_fold, same_spelling_fold, skeleton, skeleton_strength, spelling_fold, SPELLING_FOLD_MIN_LEN,
};
pub use script::{char_script, text_script, Script};
pub use synonyms::{share_group, Synonyms};
pub use translit::{hangul_foreign, hangul_syllable, to_latin};

/// Normalises a name with the embedded synonym dictionary.
pub fn normalize_name(text: &str, hint: NameHint) -> NormalizedName {
    Normalizer::embedded().normalize(text, hint)
}
