//! Script detection: which writing system a character belongs to, so each word is
//! transliterated and split by the rules of its script (Han family-first names, Arabic article).

/// A writing system Ward distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin, with or without diacritics.
    Latin,
    /// Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Kazakh...).
    Cyrillic,
    /// Greek.
    Greek,
    /// Arabic and Persian.
    Arabic,
    /// Hebrew.
    Hebrew,
    /// Chinese characters (also Japanese kanji).
    Han,
    /// Korean Hangul.
    Hangul,
    /// Japanese hiragana and katakana.
    Kana,
    /// Georgian.
    Georgian,
    /// Armenian.
    Armenian,
    /// Digits and other characters that belong to no particular script.
    Common,
    /// Any other script (Thai, Devanagari...): transliterated by `any_ascii` alone.
    Other,
}

impl Script {
    /// Whether names in this script are usually written without short vowels, so that their
    /// Latin transliteration is a consonant skeleton ("mhmd") and phonetic keys must carry them.
    pub fn is_abjad(self) -> bool {
        matches!(self, Script::Arabic | Script::Hebrew)
    }

    /// Lower-case name of the script, for explanations.
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
            Script::Greek => "greek",
            Script::Arabic => "arabic",
            Script::Hebrew => "hebrew",
            Script::Han => "han",
            Script::Hangul => "hangul",
            Script::Kana => "kana",
            Script::Georgian => "georgian",
            Script::Armenian => "armenian",
            Script::Common => "common",
            Script::Other => "other",
        }
    }
}

/// The script of one character.
pub fn char_script(c: char) -> Script {
    if c.is_ascii_alphabetic() {
        return Script::Latin;
    }
    if c.is_ascii() {
        return Script::Common;
    }
    match c as u32 {
        0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F | 0xFB13..=0xFB17 => Script::Armenian,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF => {
            Script::Hangul
        }
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Han,
        _ if c.is_numeric() => Script::Common,
        _ => Script::Other,
    }
}

/// The dominant script of a text: the script of most of its letters, `Common` if it has none.
pub fn text_script(text: &str) -> Script {
    let mut counts: [(Script, usize); 12] = [
        (Script::Latin, 0),
        (Script::Cyrillic, 0),
        (Script::Greek, 0),
        (Script::Arabic, 0),
        (Script::Hebrew, 0),
        (Script::Han, 0),
        (Script::Hangul, 0),
        (Script::Kana, 0),
        (Script::Georgian, 0),
        (Script::Armenian, 0),
        (Script::Common, 0),
        (Script::Other, 0),
    ];
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let script = char_script(c);
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == script) {
            slot.1 += 1;
        }
    }
    counts
        .iter()
        .filter(|(s, n)| *n > 0 && *s != Script::Common)
        .max_by_key(|(_, n)| *n)
        .map_or(Script::Common, |(s, _)| *s)
}
