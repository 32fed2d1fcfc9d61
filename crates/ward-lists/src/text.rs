//! Text helpers shared by the parsers: decoding files that are not UTF-8, and the many ways
//! lists write "nothing".

use std::borrow::Cow;
use ward_model::PartialDate;

/// Decodes a text file: UTF-8 (a BOM is dropped); anything that is not valid UTF-8 is read as
/// Windows-1252, which is what older OFAC and OFSI CSV exports use.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Trims a field and returns `None` for the placeholders lists use for "empty": "", "-0-",
/// "NA", "N/A", "n/a", "None", "-".
pub(crate) fn clean(value: &str) -> Option<&str> {
    let value = value.trim();
    match value {
        "" | "-0-" | "NA" | "N/A" | "n/a" | "na" | "None" | "none" | "-" | "--" | "null" => None,
        _ => Some(value),
    }
}

/// An ISO date (`YYYY-MM-DD`) from a date or timestamp attribute.
pub(crate) fn iso_date(text: &str) -> Option<String> {
    PartialDate::parse_iso(text).map(|d| d.to_iso())
}

/// Whether `text` holds a letter outside the Latin script (Cyrillic, Arabic, Greek, CJK...).
/// Digits, punctuation and Latin letters with diacritics are common to both.
pub(crate) fn non_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic() && !is_latin(c))
}

fn is_latin(c: char) -> bool {
    matches!(c as u32,
        0x0000..=0x02FF     // ASCII, Latin-1, Latin Extended-A and -B, IPA, modifier letters (ʻ ʼ)
        | 0x0300..=0x036F   // combining diacritics
        | 0x1D00..=0x1DBF   // phonetic extensions
        | 0x1E00..=0x1EFF   // Latin Extended Additional (Vietnamese)
        | 0x2070..=0x209F   // superscripts and subscripts
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF
        | 0xAB30..=0xAB6F
        | 0xFB00..=0xFB06   // ligatures
        | 0xFF21..=0xFF3A
        | 0xFF41..=0xFF5A) // full-width Latin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_empty() {
        assert_eq!(clean(" -0- "), None);
        assert_eq!(clean("N/A"), None);
        assert_eq!(clean(" Havana "), Some("Havana"));
    }

    #[test]
    fn windows_1252_fallback() {
        assert_eq!(decode(b"Caf\xe9"), "Café");
        assert_eq!(decode("Café".as_bytes()), "Café");
        assert_eq!(decode(b"\xef\xbb\xbfA"), "A");
    }
}
