//! Text folding: NFKC, lower case, diacritics and apostrophes removed, so that "Muʿammar",
//! "MU'AMMAR" and "Muammar" meet before any other comparison.

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is an apostrophe-like mark that lists write inside names (Mu'ammar, D’Souza,
/// the ʿayn and hamza half rings). They are dropped, never split a word.
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{00B4}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '\u{0640}'
    )
}

/// Whether `c` is an invisible format character (Unicode general category Cf): zero-width
/// space, non-joiner and joiner, word joiner, byte order mark, soft hyphen, bidirectional
/// controls. They neither show nor split a word, so folding drops them: "Ser\u{200B}gey" is
/// "sergey". In Persian the non-joiner separates the parts of one word in normal writing
/// (حسن‌زاده, Hassanzadeh); a Latin listing that writes the parts apart meets the joined word
/// through the scorer's joined pairs.
pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x180E
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
            | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// Whether `c` is a combining mark that folding removes: Latin/Greek/Cyrillic diacritics,
/// Arabic vowel signs (harakat) and Hebrew points. Kana voicing marks and Indic vowel signs are
/// kept because they change the letter, not just its accent.
fn is_removed_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x064B..=0x065F | 0x0670
            | 0x06D6..=0x06ED | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Folds text for comparison: NFKC, lower case, diacritics, apostrophes and invisible format
/// characters removed.
/// Scripts are kept (transliteration is a separate step), so "Сергей" folds to "сергеи".
/// Folding is idempotent.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        // The common case on Latin lists: no Unicode tables needed.
        return text.chars().filter(|c| !is_apostrophe(*c)).map(|c| c.to_ascii_lowercase()).collect();
    }
    let lowered: String = text.nfkc().flat_map(char::to_lowercase).collect();
    lowered
        .nfd()
        .filter(|c| !is_removed_mark(*c) && !is_apostrophe(*c) && !is_format_char(*c))
        .nfc()
        // Lower-casing after NFKC can produce new compatibility forms (rare); one more pass of
        // lower-casing after recomposition keeps the function idempotent.
        .flat_map(char::to_lowercase)
        .collect()
}
