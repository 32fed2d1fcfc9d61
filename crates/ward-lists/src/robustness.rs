//! Mutation fuzzing of every parser: the real excerpts in `testdata/lists/`, truncated, with
//! bytes flipped, chunks dropped or repeated, must never make a parser panic. A result may be an
//! error (a broken file) or a list with diagnostics; it must be one of the two. Inputs that ever
//! panicked are kept in `testdata/lists/regressions/` and replayed by `regressions`.

use crate::testing::repo_root;
use proptest::prelude::*;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The files under `dir`, recursively, but those whose name ends in `skip`.
fn files_under(dir: &Path, skip: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, skip, out);
        } else if !path.to_string_lossy().ends_with(skip) {
            out.push(path);
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&repo_root().join("testdata/lists"), ".expected.json", &mut out);
    out.sort();
    out
}

/// Parses `bytes` as if read from `name`; the only requirement is not to panic.
fn check(name: &str, bytes: Vec<u8>) {
    let _ = crate::parse_bytes(name, bytes);
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Drop(usize, usize),
    Repeat(usize, usize),
}

fn mutate(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let n = bytes.len().max(1);
    match *mutation {
        Mutation::Truncate(at) => bytes[..at % n.min(bytes.len() + 1)].to_vec(),
        Mutation::Flip(at, value) => {
            let mut out = bytes.to_vec();
            if !out.is_empty() {
                out[at % n] ^= value.max(1);
            }
            out
        }
        Mutation::Drop(at, len) => {
            let at = at % n.min(bytes.len() + 1);
            let end = (at + len % 512).min(bytes.len());
            [&bytes[..at], &bytes[end..]].concat()
        }
        Mutation::Repeat(at, len) => {
            let at = at % n.min(bytes.len() + 1);
            let end = (at + len % 512).min(bytes.len());
            [&bytes[..end], &bytes[at..]].concat()
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(a, v)| Mutation::Flip(a, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::Drop(a, l)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::Repeat(a, l)),
    ]
}

#[test]
fn fixtures_exist() {
    assert!(
        fixtures().len() >= 10,
        "expected the list excerpts under testdata/lists, found {:?}",
        fixtures()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(mutations in proptest::collection::vec(mutation(), 1..4)) {
        for path in fixtures() {
            let original = std::fs::read(&path).unwrap();
            let mut bytes = original.clone();
            for m in &mutations {
                bytes = mutate(&bytes, m);
            }
            check(&path.display().to_string(), bytes);
        }
    }
}

#[test]
fn every_fixture_truncated_at_many_points() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let step = (bytes.len() / 40).max(1);
        for at in (0..bytes.len()).step_by(step) {
            check(&path.display().to_string(), bytes[..at].to_vec());
        }
    }
}

#[test]
fn empty_and_garbage_inputs_are_errors() {
    for (name, bytes) in [
        ("empty.xml", Vec::new()),
        ("garbage.bin", vec![0xff, 0x00, 0x13, 0x37]),
        ("broken.zip", b"PK\x03\x04garbage".to_vec()),
        ("broken.gz", vec![0x1f, 0x8b, 0x08, 0x00, 0x01]),
        ("cut.xml", b"<?xml version=\"1.0\"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>".to_vec()),
    ] {
        let err = crate::parse_bytes(name, bytes).expect_err(name);
        assert!(err.to_string().contains(name), "error for {name} does not name the file: {err}");
    }
}

/// Issue 9: every readable file of the bundled and the shared lists, cut at half its bytes (of
/// its content, for a gzip file), is refused. Files that are not a list on their own (OFAC side
/// files) or are refused whole are left out, and printed.
#[test]
fn every_real_list_cut_at_half_is_refused() {
    let mut files = Vec::new();
    files_under(&repo_root().join("data/lists"), ".md", &mut files);
    if let Some(shared) = crate::testing::shared_list("") {
        files_under(&shared, ".md", &mut files);
    }
    files.sort();
    let mut accepted = Vec::new();
    let mut checked = 0;
    for path in &files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).unwrap();
        let (name, bytes) = match crate::detect::unwrap(crate::Source { name, bytes }) {
            Ok(source) => (source.name, source.bytes),
            Err(e) => panic!("{e}"),
        };
        if let Err(e) = crate::parse_bytes(&name, bytes.clone()) {
            let _ = writeln!(std::io::stderr(), "left out, refused whole: {e}");
            continue;
        }
        checked += 1;
        if let Ok(list) = crate::parse_bytes(&name, bytes[..bytes.len() / 2].to_vec()) {
            accepted.push(format!("{name}: {} entities", list.entities.len()));
        }
    }
    assert!(checked >= 10, "{checked} files checked");
    assert!(accepted.is_empty(), "cut at half and still read: {accepted:?}");
}
