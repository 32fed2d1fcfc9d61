//! The real-name corpus (testdata/names/corpus.tsv): listed names of a few thousand UN, OFAC
//! and UK subjects, grouped into `Subject`s.

use std::sync::OnceLock;

use ward_engine::Screener;
use ward_model::{Entity, Name, NameKind, Schema, Subject};

/// Root of the repository.
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The corpus as subjects, in file order.
pub fn corpus_subjects() -> Vec<Subject> {
    let text = std::fs::read_to_string(repo_root().join("testdata/names/corpus.tsv"))
        .expect("testdata/names/corpus.tsv");
    let mut subjects: Vec<Subject> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, dataset, schema, kind, name] = cols[..] else {
            continue;
        };
        let kind = match kind {
            "primary" => NameKind::Primary,
            "weak" => NameKind::Weak,
            "previous" => NameKind::Previous,
            _ => NameKind::Alias,
        };
        if subjects.last().is_none_or(|s| s.id != id) {
            let schema = Schema::from_name(schema).unwrap_or(Schema::LegalEntity);
            let entity = Entity::new(dataset, id.split(':').nth(1).unwrap_or(id), schema);
            subjects.push(Subject { id: id.to_string(), records: vec![entity] });
        }
        let record = &mut subjects.last_mut().expect("pushed above").records[0];
        let mut n = Name::new(name, kind);
        if name.chars().any(|c| c.is_alphabetic() && !c.is_ascii() && (c as u32) > 0x24F) {
            n = n.in_original_script();
        }
        record.add_name(n);
    }
    subjects
}

/// A screener over the corpus alone, built once per test binary.
pub fn corpus_screener() -> &'static Screener {
    static SCREENER: OnceLock<Screener> = OnceLock::new();
    SCREENER.get_or_init(|| Screener::build(corpus_subjects()))
}
