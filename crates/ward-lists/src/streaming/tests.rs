//! `read_unit_streaming` against `read_unit`: the same list, entities, order, meta, diagnostics
//! and sources on every excerpt, every shared list, and on `FtM` files written to show the cases
//! the passes handle (repeated ids, relations, facts before and after their things, gzip).

use crate::testing::{repo_root, shared_list};
use std::io::Write;
use std::path::Path;
use ward_model::ParsedList;

/// Reads `path` both ways and asserts the same result (or the same error); returns how many
/// entities the sink received.
fn check(path: &Path) -> usize {
    let whole = crate::read_unit(path);
    let mut handed_over = Vec::new();
    let streamed = crate::read_unit_streaming(path, &mut |entity| handed_over.push(entity));
    match (whole, streamed) {
        (Ok(whole), Ok(mut streamed)) => {
            if streamed.meta.delta {
                assert!(handed_over.is_empty(), "{}: a delta list went to the sink", path.display());
            } else {
                assert!(streamed.entities.is_empty(), "{}: entities kept in the list", path.display());
                streamed.entities = std::mem::take(&mut handed_over);
            }
            assert_same(path, &whole, &streamed);
            streamed.entities.len()
        }
        (Err(whole), Err(streamed)) => {
            assert_eq!(whole.to_string(), streamed.to_string(), "{}", path.display());
            0
        }
        (whole, streamed) => panic!(
            "{}: read_unit gave {:?}, read_unit_streaming {:?}",
            path.display(),
            whole.map(|l| l.entities.len()),
            streamed.map(|l| l.entities.len())
        ),
    }
}

fn assert_same(path: &Path, whole: &ParsedList, streamed: &ParsedList) {
    let json = |list: &ParsedList| serde_json::to_string_pretty(list).unwrap();
    if whole != streamed {
        let (a, b) = (json(whole), json(streamed));
        let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        panic!(
            "{}: streaming differs from read_unit at JSON line {line:?}:\n{}\n---\n{}",
            path.display(),
            line.and_then(|l| a.lines().nth(l)).unwrap_or("(length)"),
            line.and_then(|l| b.lines().nth(l)).unwrap_or("(length)"),
        );
    }
}

fn units(dir: &Path) -> Vec<std::path::PathBuf> {
    crate::list_units(dir)
        .unwrap()
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
        .collect()
}

#[test]
fn every_excerpt_reads_the_same_streaming() {
    let units = units(&repo_root().join("testdata/lists"));
    assert!(units.len() >= 15, "{units:?}");
    let total: usize = units.iter().map(|unit| check(unit)).sum();
    assert!(total > 100, "{total}");
}

#[test]
fn every_shared_list_reads_the_same_streaming() {
    let Some(dir) = shared_list("") else {
        return;
    };
    for unit in units(&dir) {
        check(&unit);
    }
}

/// Writes `lines` as a file named `name` in a temporary folder and checks it; gzipped when the
/// name ends in `.gz`.
fn check_lines(name: &str, lines: &[&str]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let text = lines.join("\n");
    if name.ends_with(".gz") {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        std::fs::write(&path, encoder.finish().unwrap()).unwrap();
    } else {
        std::fs::write(&path, text).unwrap();
    }
    check(&path)
}

const PERSON_A: &str = r#"{"id":"a","schema":"Person","caption":"Anna","datasets":["ds"],"properties":{"name":["Anna"],"addressEntity":["addr"],"country":["xx"],"topics":["sanction"]}}"#;
const PERSON_A_AGAIN: &str = r#"{"id":"a","schema":"Person","caption":"Anna B","datasets":["ds"],"properties":{"name":["Anna B"],"nationality":["yy"]}}"#;
const COMPANY_B: &str = r#"{"id":"ds:b","schema":"Company","datasets":["ds"],"properties":{"name":["Boris Ltd"],"addressEntity":["gone"]}}"#;
const NAMELESS_C: &str = r#"{"id":"c","schema":"Organization","datasets":["ds"],"properties":{}}"#;
const ADDRESS: &str = r#"{"id":"addr","schema":"Address","datasets":["ds"],"properties":{"full":["1 Main St"],"country":["de"]}}"#;
const SANCTION: &str = r#"{"id":"s1","schema":"Sanction","datasets":["ds"],"properties":{"entity":["a","ds:b","a"],"program":["P1"],"sourceUrl":["https://example.org"]}}"#;
const OWNERSHIP: &str = r#"{"id":"o1","schema":"Ownership","datasets":["ds"],"properties":{"asset":["ds:b"],"owner":["a","c","elsewhere"],"percentage":["50"]}}"#;
const FAMILY: &str =
    r#"{"id":"f1","schema":"Family","datasets":["ds"],"properties":{"person":["a"],"relative":["a"]}}"#;
const POSITION: &str =
    r#"{"id":"p1","schema":"Position","datasets":["ds"],"properties":{"name":["Minister"]}}"#;
const OCCUPANCY: &str =
    r#"{"id":"oc1","schema":"Occupancy","datasets":["ds"],"properties":{"holder":["a"],"post":["p1"]}}"#;
const PASSPORT: &str = r#"{"id":"d1","schema":"Passport","datasets":["ds"],"properties":{"holder":["c"],"number":["X123"],"country":["fr"]}}"#;
const VEHICLE: &str = r#"{"id":"v1","schema":"Vehicle","datasets":["ds"],"properties":{}}"#;

#[test]
fn facts_before_and_after_their_things() {
    let things = [PERSON_A, COMPANY_B, NAMELESS_C];
    let facts = [ADDRESS, SANCTION, OWNERSHIP, FAMILY, POSITION, OCCUPANCY, PASSPORT, VEHICLE];
    let after: Vec<&str> = things.iter().chain(&facts).copied().collect();
    let before: Vec<&str> = facts.iter().chain(&things).copied().collect();
    assert_eq!(check_lines("after.json", &after), 3);
    assert_eq!(check_lines("before.json", &before), 3);
}

#[test]
fn a_repeated_id_keeps_its_first_place_and_last_content() {
    let lines =
        [PERSON_A, COMPANY_B, OWNERSHIP, "not json", PERSON_A, NAMELESS_C, "", PERSON_A_AGAIN, SANCTION];
    assert_eq!(check_lines("repeated.json", &lines), 3);
}

#[test]
fn gzip_byte_order_mark_mixed_datasets_and_broken_files() {
    let bom = format!("\u{feff}{PERSON_A}");
    assert_eq!(check_lines("bom.json", &[&bom, ADDRESS, SANCTION]), 1);
    assert_eq!(check_lines("list.json.gz", &[PERSON_A, ADDRESS, OWNERSHIP, COMPANY_B, PERSON_A]), 2);
    let other = r#"{"id":"x","schema":"Person","datasets":["other"],"properties":{"name":["Xi"]}}"#;
    assert_eq!(check_lines("mixed.json", &[PERSON_A, other, SANCTION]), 2);
    // Truncated, and without a single entity: errors both ways.
    assert_eq!(check_lines("truncated.json", &[PERSON_A, &COMPANY_B[..40]]), 0);
    assert_eq!(check_lines("none.json", &[r#"{"schema":"Person"}"#, "[1]"]), 0);
    // A delta file keeps its entities in the list.
    let delta = format!(r#"{{"op":"ADD","entity":{PERSON_A}}}"#);
    assert_eq!(check_lines("delta.json", &[&delta, r#"{"op":"DEL","entity":{"id":"b"}}"#]), 1);
}

/// The XML formats read record by record hand entities over before the file ends: a file cut at
/// three quarters is still an error, after some entities went to the sink (read whole, none
/// would have).
#[test]
fn xml_records_leave_before_the_file_ends() {
    for rel in [
        "un-sc/un_excerpt_2026-02-27.xml",
        "eu-fsf/eu_excerpt.xml",
        "uk-fcdo/uk_sample.xml",
        "ca-sema/sema-lmes_2025-05_excerpt.xml",
    ] {
        let bytes = crate::testing::fixture(rel);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.xml");
        std::fs::write(&path, &bytes[..bytes.len() * 3 / 4]).unwrap();
        let mut handed_over = 0;
        let result = crate::read_unit_streaming(&path, &mut |_| handed_over += 1);
        assert!(result.is_err(), "{rel}: a cut file was read");
        assert!(handed_over > 0, "{rel}: no entity left before the end");
        check(&path);
    }
}
