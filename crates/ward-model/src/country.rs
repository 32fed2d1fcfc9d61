//! Country names and codes: every list spells countries its own way, Ward stores ISO 3166-1
//! alpha-2 codes in lower case (as `FtM` does).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::country_table::COUNTRIES;

/// Folds a country name to a lookup key: lower case, letters and digits only, "&" read as "and",
/// a leading "the" dropped. "Korea, North" and "korea north" meet on the same key.
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.replace('&', " and ").chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    let trimmed = out.trim();
    let trimmed = trimmed.strip_prefix("the ").unwrap_or(trimmed);
    trimmed.replace(' ', "")
}

fn index() -> &'static HashMap<String, &'static str> {
    static INDEX: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for (alpha2, alpha3, names) in COUNTRIES {
            for name in *names {
                map.entry(key(name)).or_insert(*alpha2);
            }
            map.entry(alpha3.to_string()).or_insert(*alpha2);
        }
        for (alpha2, _, _) in COUNTRIES {
            map.insert(alpha2.to_string(), *alpha2);
        }
        map
    })
}

/// Returns the ISO 3166-1 alpha-2 code (lower case) for a country name, alpha-2 or alpha-3 code
/// as the lists write them, or `None` when the text names no country Ward knows.
///
/// Bilingual Canadian values ("Belarus / Bélarus") are resolved by their first half.
pub fn country_code(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Some(code) = index().get(&key(name)) {
        return Some(code);
    }
    // "Belarus / Bélarus", "Iran (Islamic Republic of)": try the first part.
    for sep in [" / ", "/", " ("] {
        if let Some((head, _)) = name.split_once(sep) {
            if let Some(code) = index().get(&key(head)) {
                return Some(code);
            }
        }
    }
    None
}

/// Whether `code` is a known lower-case alpha-2 code.
pub fn is_country_code(code: &str) -> bool {
    COUNTRIES.iter().any(|(alpha2, _, _)| *alpha2 == code)
}

/// The display name of a lower-case alpha-2 code.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(alpha2, _, _)| *alpha2 == code).map(|(_, _, names)| names[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, expect: Option<&str>) {
        assert_eq!(country_code(name), expect, "country_code({name:?})");
    }

    #[test]
    fn list_spellings() {
        check("Russia", Some("ru"));
        check("RUSSIAN FEDERATION", Some("ru"));
        check("Korea, North", Some("kp"));
        check("Democratic People's Republic of Korea", Some("kp"));
        check("Iran (Islamic Republic of)", Some("ir"));
        check("Belarus / Bélarus", Some("by"));
        check("Democratic Republic of the Congo", Some("cd"));
        check("Burma", Some("mm"));
        check("Türkiye", Some("tr"));
        check("SY", Some("sy"));
        check("IRN", Some("ir"));
        check("the Bahamas", Some("bs"));
        check("Atlantis", None);
        check("", None);
    }
}
