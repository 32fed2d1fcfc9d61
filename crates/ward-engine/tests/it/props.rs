//! Property test: on random queries made from real listed names (perturbed), one word of them
//! after a title (a person named by the family name alone) and random words, every subject the
//! brute-force scorer puts at or above the threshold is among the index's candidates.

use proptest::prelude::*;
use ward_engine::{MatchOptions, Query};

use crate::corpus::{corpus_screener, corpus_subjects};

fn all_names() -> &'static Vec<String> {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| corpus_subjects().iter().flat_map(|s| s.names().map(|n| n.full.clone())).collect())
}

/// One perturbation of a name's words.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    DropWord(usize),
    SwapWords(usize, usize),
    Typo(usize, usize, char),
    DeleteChar(usize, usize),
    AddWord(String),
    /// Two neighbouring words written as one ("Abdul Rahman" -> "`AbdulRahman`").
    JoinWords(usize),
    Lowercase,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::Keep),
        (0usize..8).prop_map(Edit::DropWord),
        (0usize..8, 0usize..8).prop_map(|(a, b)| Edit::SwapWords(a, b)),
        (0usize..8, 0usize..12, proptest::char::range('a', 'z')).prop_map(|(w, i, c)| Edit::Typo(w, i, c)),
        (0usize..8, 0usize..12).prop_map(|(w, i)| Edit::DeleteChar(w, i)),
        "[a-z]{2,9}".prop_map(Edit::AddWord),
        (0usize..8).prop_map(Edit::JoinWords),
        Just(Edit::Lowercase),
    ]
}

fn apply(name: &str, edits: &[Edit]) -> String {
    let mut words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
    for e in edits {
        let n = words.len();
        match e {
            Edit::DropWord(i) if n > 1 => {
                words.remove(i % n);
            }
            Edit::SwapWords(a, b) if n > 1 => words.swap(a % n, b % n),
            Edit::Typo(w, i, c) if n > 0 => {
                let word: Vec<char> = words[w % n].chars().collect();
                if !word.is_empty() {
                    let mut word = word;
                    let k = i % word.len();
                    word[k] = *c;
                    words[w % n] = word.into_iter().collect();
                }
            }
            Edit::DeleteChar(w, i) if n > 0 => {
                let mut word: Vec<char> = words[w % n].chars().collect();
                if word.len() > 1 {
                    word.remove(i % word.len());
                    words[w % n] = word.into_iter().collect();
                }
            }
            Edit::AddWord(word) => words.push(word.clone()),
            Edit::JoinWords(i) if n > 1 => {
                let i = i % (n - 1);
                let next = words.remove(i + 1);
                words[i].push_str(&next);
            }
            Edit::Lowercase => words.iter_mut().for_each(|w| *w = w.to_lowercase()),
            _ => {}
        }
    }
    words.join(" ")
}

/// Titles that make a one-word query name a person by the family name alone, so that the
/// scorer leaves the listed given names mostly uncharged (`PreparedName::by_family_name`).
const TITLES: [&str; 4] = ["President", "General", "Dr.", "Генерал"];

fn recall_holds(q: &str) -> Result<(), TestCaseError> {
    let screener = corpus_screener();
    let options = MatchOptions { limit: usize::MAX, cutoff: 0.0, ..MatchOptions::default() };
    let query = Query::from_name(q);
    let candidates = screener.candidates(&query, &options);
    let at_threshold = MatchOptions { cutoff: options.threshold, ..options.clone() };
    let brute = screener.match_brute_force(&query, &at_threshold);
    for hit in &brute {
        prop_assert!(
            candidates.contains(&hit.subject),
            "query {q:?}: brute force matches {} ({:.3}: {}) but the index does not propose it",
            hit.subject_id,
            hit.score,
            hit.comparison.explanations[0]
        );
    }
    // The indexed path with the cutoff at the threshold (the index then also drops names that
    // cannot reach the cutoff) finds the same matches with the same scores.
    let indexed = screener.match_query(&query, &at_threshold);
    let key = |hits: &[ward_engine::Hit]| -> Vec<(usize, u32)> {
        let mut v: Vec<(usize, u32)> = hits.iter().map(|h| (h.subject, (h.score * 1e4) as u32)).collect();
        v.sort_unstable();
        v
    };
    prop_assert_eq!(key(&indexed), key(&brute), "query {:?}", q);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn index_recall_covers_brute_force(pick in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 0..3)) {
        let names = all_names();
        let q = apply(&names[pick.index(names.len())], &edits);
        recall_holds(&q)?;
    }

    #[test]
    fn index_recall_on_random_words(words in prop::collection::vec("[a-z]{2,8}", 1..4)) {
        recall_holds(&words.join(" "))?;
    }

    #[test]
    fn index_recall_on_family_names_alone(
        pick in any::<prop::sample::Index>(),
        word in any::<prop::sample::Index>(),
        title in 0..TITLES.len(),
        edits in prop::collection::vec(edit(), 0..2),
    ) {
        let names = all_names();
        let words: Vec<&str> = names[pick.index(names.len())].split_whitespace().collect();
        prop_assume!(!words.is_empty());
        let family = apply(words[word.index(words.len())], &edits);
        recall_holds(&format!("{} {family}", TITLES[title]))?;
    }
}
