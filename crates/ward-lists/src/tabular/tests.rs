//! Tests of the shared helpers for tabular lists.

use super::*;

fn check_split(text: &str, expect: &[&str]) {
    assert_eq!(split_list(text), expect, "split_list({text:?})");
}

#[test]
fn numbered_lists() {
    check_split("(1) Saudi Arabia. (2) Pakistan", &["Saudi Arabia", "Pakistan"]);
    check_split("1) Saudi Arabia 2) Qatar", &["Saudi Arabia", "Qatar"]);
    check_split("(1) Uganda (2) Uganda (3)Uganda", &["Uganda", "Uganda", "Uganda"]);
    check_split("a)1994 b)1993", &["1994", "1993"]);
    check_split("a) 06/07/1991;                     b) 06/07/1993", &["06/07/1991", "06/07/1993"]);
    check_split("Somalia;\nKenya", &["Somalia", "Kenya"]);
    check_split(
        "Listed pursuant to paragraph 26(b) of resolution 2662 (2022)",
        &["Listed pursuant to paragraph 26(b) of resolution 2662 (2022)"],
    );
    check_split(
        "Jordanian passport numbers (1) K048787 (2) 486298",
        &["Jordanian passport numbers", "K048787", "486298"],
    );
    check_split(" - ", &[]);
}

#[test]
fn labelled_values() {
    let text = "Passport no: 563110024 (issued by the DPRK). Afghan passport number D 000933 issued in Kabul";
    assert_eq!(values_after(text, "passport no"), vec!["563110024"]);
    assert_eq!(values_after(text, "passport number"), vec!["D 000933"]);
    assert_eq!(values_after("Passport No. 753863914, expiry 2026", "passport no"), vec!["753863914"]);
    assert_eq!(values_after("Пасп passport no", "passport no"), Vec::<String>::new());
}

#[test]
fn grouping_keeps_first_appearance() {
    let groups = group_by([("b".to_string(), 1), ("a".to_string(), 2), ("b".to_string(), 3)]);
    assert_eq!(groups, vec![("b".to_string(), vec![1, 3]), ("a".to_string(), vec![2])]);
}

#[test]
fn iso_dates() {
    assert_eq!(iso_date("14/04/2025").as_deref(), Some("2025-04-14"));
    assert_eq!(iso_date("2024-11-11").as_deref(), Some("2024-11-11"));
    assert_eq!(iso_date("soon"), None);
}

/// Parses `bytes` cut short at many points and with bytes flipped, and checks that nothing
/// panics (results may be errors). Used by the tests of every tabular reader.
pub(crate) fn never_panics(name: &str, bytes: &[u8]) {
    let step = (bytes.len() / 97).max(1);
    let mut cuts: Vec<usize> = (0..bytes.len()).step_by(step).collect();
    cuts.extend([1, 2, 3, 10, bytes.len().saturating_sub(1), bytes.len().saturating_sub(2)]);
    for cut in cuts {
        let _ = crate::parse_bytes(name, bytes[..cut.min(bytes.len())].to_vec());
    }
    for (k, at) in (0..bytes.len()).step_by(step).enumerate() {
        let mut mutated = bytes.to_vec();
        // Vary the damage: flipped bits, a quote, a separator, a line break.
        mutated[at] = match k % 4 {
            0 => mutated[at] ^ 0xff,
            1 => b'"',
            2 => b',',
            _ => b'\n',
        };
        let _ = crate::parse_bytes(name, mutated);
    }
}

/// Issue 9: a real CSV list (`bytes`, named `name`) cut in the middle, inside a quoted field,
/// after the first field of a row, or without its last line break is refused, naming the file
/// and the line; the whole file is read.
pub(crate) fn cuts_are_refused(name: &str, bytes: &[u8]) {
    assert!(crate::parse_bytes(name, bytes.to_vec()).is_ok(), "{name} whole");
    let cuts = crate::testing::CsvCuts::of(bytes);
    let no_line_break = bytes.strip_suffix(b"\n").expect("a last line break").to_vec();
    for (cut, expect) in [
        (cuts.half, "the file is cut"),
        (cuts.open_quote, "a quoted field opens here and is not closed"),
        (cuts.short_row, "the last row has 1 of the"),
        (no_line_break, "the last line has no line break"),
    ] {
        let err = crate::parse_bytes(name, cut).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{name}: not a valid ")) && err.contains(": line "), "{err}");
        assert!(err.contains(expect), "{err}");
    }
}
