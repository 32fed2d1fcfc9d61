//! Text helpers shared by the parsers: decoding files that are not UTF-8, and the many ways
//! lists write "nothing".

use std::borrow::Cow;

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
