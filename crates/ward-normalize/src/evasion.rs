//! Names written to slip past screening: words run together in camel case ("`KimJongUn`") and
//! letters spaced out ("S e r g e y  L a v r o v"). [`evasion_reading`] gives the name as it
//! reads; the scorer matches it beside the name as written, so that an ordinary name that only
//! looks like an evasion ("`McDonald`", "J R R Tolkien") loses nothing.

use crate::fold::is_format_char;
use crate::script::{char_script, Script};

/// The fewest bare single letters in a row that are read as a word spelled out rather than as
/// initials: "J R Tolkien" keeps its initials, "K i m" is read "Kim". Three initials ("J R R")
/// are also read joined, beside the name as written.
pub const MIN_SPACED_LETTERS: usize = 3;

/// The fewest letters on each side of a change from lower to upper case for the change to mark
/// a word break: "`KimJongUn`" breaks, "iPhone", "`GmbH`" and "`MiG`" do not.
const MIN_CAMEL_PIECE: usize = 2;

/// Name prefixes written with a capital inside one word ("`McDonald`", "`MacArthur`", "`DeLaRosa`",
/// "VanDyke"): no break after them.
const CAMEL_PREFIXES: &[&str] = &[
    "mc", "mac", "fitz", "de", "da", "di", "du", "del", "della", "des", "la", "le", "van", "von", "der",
    "den", "ten", "ter", "st",
];

/// The name as it reads once spacing evasions are undone, when that differs from `text`:
/// runs of at least [`MIN_SPACED_LETTERS`] single letters separated by spaces are joined (a gap
/// wider than one space between them stays a word break), and a word whose case changes from
/// lower to upper is split there (after [`CAMEL_PREFIXES`]: no break). A zero-width space reads
/// as a word break here; folding drops it from the name as written.
pub fn evasion_reading(text: &str) -> Option<String> {
    // Most names show none of the signs: no allocation for them.
    let camel = text.chars().zip(text.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    if !camel && !text.chars().any(is_format_char) && !text.split_whitespace().any(is_single_letter) {
        return None;
    }
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\u{200B}' => Some(' '),
            c if is_format_char(c) => None,
            c => Some(c),
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    let mut pending: Vec<(&str, bool)> = Vec::new();
    for (word, wide_gap) in words_with_gaps(&cleaned) {
        if is_single_letter(word) {
            pending.push((word, wide_gap));
        } else {
            flush_letters(&mut pending, &mut words);
            words.push(word.to_string());
        }
    }
    flush_letters(&mut pending, &mut words);
    let reading: Vec<String> = words.iter().map(|w| split_camel_case(w)).collect();
    let reading = reading.join(" ");
    // Folding drops format characters from the name as written: a reading that differs only
    // by them adds nothing.
    let stripped: String = text.chars().filter(|c| !is_format_char(*c)).collect();
    let as_written: Vec<&str> = stripped.split_whitespace().collect();
    (reading != as_written.join(" ")).then_some(reading)
}

/// The words of `text` and whether the gap before each is wider than one space.
fn words_with_gaps(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start();
        let gap = &rest[..rest.len() - trimmed.len()];
        if trimmed.is_empty() {
            return None;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        rest = &trimmed[end..];
        Some((&trimmed[..end], gap != " "))
    })
}

/// A letter of a cased script (Latin, Cyrillic, Greek), possibly with combining marks.
fn is_single_letter(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return false };
    is_cased_letter(first) && chars.all(|c| matches!(c as u32, 0x0300..=0x036F))
}

fn is_cased_letter(c: char) -> bool {
    (c.is_lowercase() || c.is_uppercase())
        && matches!(char_script(c), Script::Latin | Script::Cyrillic | Script::Greek)
}

/// Moves a run of single letters to `words`: joined when it is long enough, a wide gap
/// starting a new word; letter by letter otherwise.
fn flush_letters(pending: &mut Vec<(&str, bool)>, words: &mut Vec<String>) {
    if pending.len() >= MIN_SPACED_LETTERS {
        for (k, (letter, wide_gap)) in pending.iter().enumerate() {
            match words.last_mut() {
                Some(word) if k > 0 && !wide_gap => word.push_str(letter),
                _ => words.push(letter.to_string()),
            }
        }
    } else {
        words.extend(pending.iter().map(|(letter, _)| letter.to_string()));
    }
    pending.clear();
}

/// Splits a word where its case changes from lower to upper, with at least
/// [`MIN_CAMEL_PIECE`] letters on each side and no name prefix before the change.
fn split_camel_case(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let is_break = |i: usize| {
        i > 0
            && chars[i].is_uppercase()
            && chars[i - 1].is_lowercase()
            && char_script(chars[i]) == char_script(chars[i - 1])
            && is_cased_letter(chars[i])
    };
    let breaks: Vec<usize> = (1..chars.len()).filter(|&i| is_break(i)).collect();
    let mut chosen = Vec::new();
    let mut piece_start = 0;
    for (k, &at) in breaks.iter().enumerate() {
        let next = breaks.get(k + 1).copied().unwrap_or(chars.len());
        let before: String = chars[piece_start..at].iter().flat_map(|c| c.to_lowercase()).collect();
        let letters_before = chars[piece_start..at].iter().rev().take_while(|c| c.is_alphabetic()).count();
        let letters_after = chars[at..next].iter().take_while(|c| c.is_alphabetic()).count();
        if letters_before >= MIN_CAMEL_PIECE
            && letters_after >= MIN_CAMEL_PIECE
            && !CAMEL_PREFIXES.contains(&before.as_str())
        {
            chosen.push(at);
        }
        piece_start = at;
    }
    let mut out = String::with_capacity(word.len() + chosen.len());
    for (i, c) in chars.iter().enumerate() {
        if chosen.contains(&i) {
            out.push(' ');
        }
        out.push(*c);
    }
    out
}
