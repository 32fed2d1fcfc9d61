//! Unit tests of the index on its own (the property test against the scorer's brute-force scan
//! is in ward-engine, which owns both stages).

use ward_normalize::{normalize_name, NameHint, NormalizedName};

use crate::{Bounds, IndexBuilder, KeyName, KeyToken, NameId, Penalties, Scratch, SubjectId, MAX_NAMES};

const TYPO_MIN_LEN: usize = 5;

fn key_name(name: &NormalizedName) -> KeyName<'_> {
    KeyName { tokens: name.tokens.iter().map(|t| KeyToken::new(t, 1.0)).collect(), pairs: Vec::new() }
}

fn every_name() -> Bounds {
    Bounds { limit: usize::MAX, min_share: 1.0, min_covered: 0.0, penalties: None }
}

/// Builds an index of `(subject, name)` pairs and returns the subjects found for `query`.
fn found(listed: &[(usize, &str)], identifiers: &[(usize, &str)], query: &str) -> Vec<usize> {
    let names: Vec<(usize, NormalizedName)> =
        listed.iter().map(|&(s, n)| (s, normalize_name(n, NameHint::Unknown))).collect();
    let mut builder = IndexBuilder::new(TYPO_MIN_LEN);
    for (subject, name) in &names {
        builder.add_name(SubjectId::new(*subject).unwrap(), &key_name(name)).unwrap();
    }
    for &(subject, value) in identifiers {
        builder.add_identifier(SubjectId::new(subject).unwrap(), value);
    }
    let index = builder.build().unwrap();
    let query = normalize_name(query, NameHint::Unknown);
    let identifiers: Vec<String> = identifiers.iter().map(|(_, v)| (*v).to_owned()).collect();
    let candidates =
        index.candidates(&[key_name(&query)], &identifiers, every_name(), |_| true, &mut Scratch::default());
    let mut subjects: Vec<usize> = candidates.list.iter().map(|c| c.subject.index()).collect();
    subjects.sort_unstable();
    subjects
}

#[test]
fn names_are_numbered_in_insertion_order_and_map_to_their_subject() {
    let name = normalize_name("Viktor Bout", NameHint::Person);
    let mut builder = IndexBuilder::new(TYPO_MIN_LEN);
    let first = builder.add_name(SubjectId::new(7).unwrap(), &key_name(&name)).unwrap();
    let second = builder.add_name(SubjectId::new(3).unwrap(), &key_name(&name)).unwrap();
    assert_eq!((first.index(), second.index()), (0, 1));
    let index = builder.build().unwrap();
    assert_eq!(index.subject_of(first), SubjectId::new(7).unwrap());
    assert_eq!(index.subject_of(second), SubjectId::new(3).unwrap());
    assert_eq!(index.n_names(), 2);
}

#[test]
fn exact_words_find_their_subject_and_no_other() {
    let listed = [(0, "Sergei Lavrov"), (1, "Viktor Bout"), (2, "Gennady Timchenko")];
    assert_eq!(found(&listed, &[], "Lavrov Sergei"), vec![0]);
    assert_eq!(found(&listed, &[], "Jane Doe"), Vec::<usize>::new());
}

#[test]
fn one_edit_in_a_long_word_meets_by_deletion_keys() {
    let listed = [(0, "Gennady Timchenko"), (1, "Arkady Rotenberg")];
    // Substitution, insertion and deletion of one letter in a word of at least TYPO_MIN_LEN.
    for query in ["Timshenko", "Timchennko", "Timchnko"] {
        assert_eq!(found(&listed, &[], query), vec![0], "{query}");
    }
}

#[test]
fn identifiers_find_subjects_without_a_shared_name() {
    let listed = [(0, "Alpha Shipping"), (1, "Beta Trading")];
    assert_eq!(found(&listed, &[(1, "imo9187629")], "Unrelated Words"), vec![1]);
}

#[test]
fn the_subject_filter_drops_subjects_and_their_names() {
    let name = normalize_name("Viktor Bout", NameHint::Person);
    let mut builder = IndexBuilder::new(TYPO_MIN_LEN);
    for subject in 0..4 {
        builder.add_name(SubjectId::new(subject).unwrap(), &key_name(&name)).unwrap();
    }
    let index = builder.build().unwrap();
    let even = |s: SubjectId| s.index() % 2 == 0;
    let candidates = index.candidates(&[key_name(&name)], &[], every_name(), even, &mut Scratch::default());
    let mut subjects: Vec<usize> = candidates.list.iter().map(|c| c.subject.index()).collect();
    subjects.sort_unstable();
    assert_eq!(subjects, vec![0, 2]);
    let names: Vec<NameId> = candidates.list.iter().flat_map(|c| candidates.names(c)).collect();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|&n| index.subject_of(n).index() % 2 == 0));
}

#[test]
fn the_limit_keeps_the_best_ranked_names() {
    let listed = [(0, "Viktor Anatolyevich Bout"), (1, "Viktor Bout"), (2, "Viktor Petrov")];
    let names: Vec<NormalizedName> =
        listed.iter().map(|&(_, n)| normalize_name(n, NameHint::Unknown)).collect();
    let mut builder = IndexBuilder::new(TYPO_MIN_LEN);
    for (&(subject, _), name) in listed.iter().zip(&names) {
        builder.add_name(SubjectId::new(subject).unwrap(), &key_name(name)).unwrap();
    }
    let index = builder.build().unwrap();
    let query = normalize_name("Viktor Bout", NameHint::Unknown);
    let bounds = Bounds { limit: 1, ..every_name() };
    let candidates = index.candidates(&[key_name(&query)], &[], bounds, |_| true, &mut Scratch::default());
    // The shorter of the two names sharing both words ranks first.
    assert_eq!(candidates.list.iter().map(|c| c.subject.index()).collect::<Vec<_>>(), vec![1]);
}

#[test]
fn spared_listed_words_count_as_matched_for_the_share_waived() {
    // "Lavrov" alone against "Sergei Viktorovich Lavrov": two of three listed words unmatched,
    // both spared (a given name and a patronymic).
    let listed = normalize_name("Sergei Viktorovich Lavrov", NameHint::Person);
    let mut name = key_name(&listed);
    for token in name.tokens.iter_mut().filter(|t| t.text != "lavrov") {
        token.spared = true;
    }
    let mut builder = IndexBuilder::new(TYPO_MIN_LEN);
    builder.add_name(SubjectId::new(0).unwrap(), &name).unwrap();
    let index = builder.build().unwrap();
    let query = normalize_name("Lavrov", NameHint::Unknown);
    let found = |spared_share: f32| {
        // Charged in full, the listed side loses listed_miss * 2/3 = 0.2, over the 0.1 allowed;
        // with 90% of each spared penalty waived, 0.02.
        let penalties = Penalties { query_miss: 1.0, listed_miss: 0.3, max_total: 0.1, spared_share };
        let bounds = Bounds { penalties: Some(penalties), ..every_name() };
        index.candidates(&[key_name(&query)], &[], bounds, |_| true, &mut Scratch::default()).list.len()
    };
    assert_eq!(found(0.0), 0);
    assert_eq!(found(0.9), 1);
}

#[test]
fn ids_beyond_the_capacity_are_refused() {
    assert!(SubjectId::new(MAX_NAMES - 1).is_ok());
    let error = SubjectId::new(MAX_NAMES).unwrap_err();
    assert!(error.to_string().contains("at most"), "{error}");
    assert!(SubjectId::new(usize::MAX).is_err());
}
