//! Mining labelled name pairs from linked subjects: positives are names of one subject (and
//! perturbations of them), hard negatives are names of different subjects that look alike.
//!
//! Negatives only pair subjects that share a dataset: an authority never lists one party twice
//! in one list, so two subjects with records in one dataset are two parties, whatever their names
//! (linking across lists is conservative and may leave one party as two subjects otherwise).
//!
//! Every subject falls on one side of the train/held-out split by a hash of its id and the seed;
//! a pair whose subjects fall on different sides is dropped, so no subject is in both files.

use crate::generate::{given_family, is_generic, round_robin};
use crate::{detect_script, name_tokens, NameIndex, NamePair, PairCategory, Rng};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use ward_lists::link::name_key;
use ward_model::{NameKind, Schema, Subject};

/// The seed the committed pair files were mined with.
pub const PAIRS_SEED: u64 = 20261205;

/// How many pairs each category may contribute to each split. Sized so that each file holds a
/// few thousand pairs, half of them positives, and stays well under a megabyte.
const CAPS: [(PairCategory, usize); 10] = [
    (PairCategory::Alias, 350),
    (PairCategory::CrossScript, 400),
    (PairCategory::CrossList, 300),
    (PairCategory::Typo, 350),
    (PairCategory::Reorder, 250),
    (PairCategory::Initials, 250),
    (PairCategory::Relatives, 500),
    (PairCategory::Organizations, 500),
    (PairCategory::SameGivenName, 450),
    (PairCategory::ShortOneLetter, 450),
];

/// Pairs mined from one family name or one given name at most, so that "Kim" or "Mohammed"
/// does not fill a category.
const PAIRS_PER_GROUP: usize = 3;

/// Pairs tried within one group before moving on to the next.
const MAX_TRIES_PER_GROUP: usize = 200;

/// A posting list longer than this (a word such as "company") is not followed when looking for
/// organisations that share most words: the rarer words they share find them.
const MAX_SHARED_WORD_POSTINGS: usize = 400;

/// The least share of words (intersection over union) two organisation names must have in
/// common to be a hard negative.
const MIN_SHARED_WORDS: f64 = 0.5;

/// The length range, in letters of the folded name, of a "short name".
const SHORT_NAME_LETTERS: std::ops::RangeInclusive<usize> = 4..=12;

/// The least letters a word needs before a typo is put into it.
const MIN_TYPO_WORD_LETTERS: usize = 3;

/// The most given names a person's name may have to be abbreviated or reordered: longer
/// chains (Arabic nasab) have no one family name to keep.
const MAX_GIVEN_NAMES: usize = 3;

/// Which file a pair goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    Train,
    Heldout,
}

/// The mined pairs, split by subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinedPairs {
    /// For fitting (`data/eval/pairs-train.tsv`).
    pub train: Vec<NamePair>,
    /// For measuring (`data/eval/pairs-heldout.tsv`).
    pub heldout: Vec<NamePair>,
}

/// A pair before sampling: the subjects it came from and the stratum it is balanced within.
struct Cand {
    subjects: [usize; 2],
    stratum: String,
    pair: NamePair,
}

fn script_of(left: &str, right: &str) -> String {
    let mut scripts = [detect_script(left), detect_script(right)];
    scripts.sort_unstable();
    if scripts[0] == scripts[1] {
        scripts[0].to_string()
    } else {
        scripts.join("+")
    }
}

fn cand(category: PairCategory, subjects: [&Subject; 2], idx: [usize; 2], names: [&str; 2]) -> Cand {
    Cand {
        subjects: idx,
        stratum: String::new(),
        pair: NamePair {
            label: category.label(),
            category,
            script: script_of(names[0], names[1]),
            left: names[0].to_string(),
            right: names[1].to_string(),
            left_schema: subjects[0].schema().ftm_name().to_string(),
            right_schema: subjects[1].schema().ftm_name().to_string(),
        },
    }
}

/// Mines the pairs from `subjects` (the linked records of a list snapshot) with `seed`. The same
/// subjects and seed give the same pairs in the same order.
pub fn mine_pairs(subjects: &[Subject], seed: u64) -> MinedPairs {
    let index = NameIndex::new(subjects);
    let sides: Vec<Split> = subjects
        .iter()
        .map(|s| if Rng::derive(seed, &s.id).next_u64() % 2 == 0 { Split::Train } else { Split::Heldout })
        .collect();
    let mut mined = MinedPairs { train: Vec::new(), heldout: Vec::new() };
    for (category, cap) in CAPS {
        let mut rng = Rng::derive(seed, category.as_str());
        let cands = match category {
            PairCategory::Alias | PairCategory::CrossScript => aliases(subjects, category, &mut rng),
            PairCategory::CrossList => cross_list(subjects, &mut rng),
            PairCategory::Typo | PairCategory::Reorder | PairCategory::Initials => {
                perturbed(subjects, &index, category, &mut rng)
            }
            PairCategory::Relatives | PairCategory::SameGivenName => {
                shared_part(subjects, &index, category, &mut rng)
            }
            PairCategory::Organizations => organizations(subjects, &index),
            PairCategory::ShortOneLetter => short_one_letter(subjects, &index),
        };
        let mut taken = [0usize; 2];
        let mut seen = BTreeSet::new();
        for cand in interleave(cands, &mut rng) {
            let side = sides[cand.subjects[0]];
            if sides[cand.subjects[1]] != side {
                continue;
            }
            let slot = usize::from(side == Split::Heldout);
            let key = (cand.pair.left.clone(), cand.pair.right.clone());
            if taken[slot] >= cap || key.0 == key.1 || !seen.insert(key) {
                continue;
            }
            taken[slot] += 1;
            match side {
                Split::Train => mined.train.push(cand.pair),
                Split::Heldout => mined.heldout.push(cand.pair),
            }
        }
    }
    mined
}

/// Candidates shuffled within their strata, then taken round-robin across strata (in name
/// order), so that no stratum swamps the others.
fn interleave(cands: Vec<Cand>, rng: &mut Rng) -> Vec<Cand> {
    let mut strata: BTreeMap<String, Vec<Cand>> = BTreeMap::new();
    for cand in cands {
        strata.entry(cand.stratum.clone()).or_default().push(cand);
    }
    round_robin(strata, usize::MAX, rng)
}

fn strong_names(subject: &Subject) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    subject
        .names()
        .filter(|n| n.kind != NameKind::Weak)
        .map(|n| n.full.as_str())
        .filter(|full| {
            let tokens = name_tokens(full);
            !tokens.is_empty() && seen.insert(tokens)
        })
        .collect()
}

/// One random pair of strong names per subject: in one script for `Alias`, across scripts for
/// `CrossScript` (balanced by script pair).
fn aliases(subjects: &[Subject], category: PairCategory, rng: &mut Rng) -> Vec<Cand> {
    let mut out = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        let names = strong_names(subject);
        let mut pairs = Vec::new();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let same_script = detect_script(a) == detect_script(b);
                if same_script == (category == PairCategory::Alias) {
                    pairs.push([*a, *b]);
                }
            }
        }
        let Some(&[a, b]) = rng.pick(&pairs) else { continue };
        let names = if rng.chance(0.5) { [a, b] } else { [b, a] };
        let mut cand = cand(category, [subject, subject], [idx, idx], names);
        if category == PairCategory::CrossScript {
            cand.stratum = cand.pair.script.clone();
        }
        out.push(cand);
    }
    out
}

/// One pair of captions of records of one subject from different datasets, per subject.
fn cross_list(subjects: &[Subject], rng: &mut Rng) -> Vec<Cand> {
    let mut out = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        let mut pairs = Vec::new();
        for (i, a) in subject.records.iter().enumerate() {
            for b in &subject.records[i + 1..] {
                if a.dataset != b.dataset && name_tokens(a.caption()) != name_tokens(b.caption()) {
                    pairs.push([a.caption(), b.caption()]);
                }
            }
        }
        if let Some(&names) = rng.pick(&pairs) {
            out.push(cand(PairCategory::CrossList, [subject, subject], [idx, idx], names));
        }
    }
    out
}

/// A listed Latin name with one perturbation, against the name itself.
fn perturbed(subjects: &[Subject], index: &NameIndex, category: PairCategory, rng: &mut Rng) -> Vec<Cand> {
    let mut out = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        let person = subject.schema() == Schema::Person;
        if category != PairCategory::Typo && !person {
            continue;
        }
        let record = &subject.records[rng.below(subject.records.len())];
        let base = record.caption();
        if detect_script(base) != "latin" {
            continue;
        }
        let changed = match category {
            PairCategory::Typo => typo(base, rng),
            PairCategory::Reorder => reorder(base),
            _ => initials(base, rng),
        };
        let Some(changed) = changed else { continue };
        // The perturbed name must not be another party's name.
        let tokens = name_tokens(&changed);
        if tokens.is_empty() || index.strong_owners(&tokens).iter().any(|&owner| owner != idx) {
            continue;
        }
        let mut cand = cand(category, [subject, subject], [idx, idx], [&changed, base]);
        cand.stratum = record.dataset.clone();
        out.push(cand);
    }
    out
}

fn letters(word: &str) -> usize {
    word.chars().filter(char::is_ascii_alphabetic).count()
}

/// One slip in a word of at least [`MIN_TYPO_WORD_LETTERS`] letters: a letter replaced,
/// dropped, doubled or swapped with its neighbour.
fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let mut words: Vec<String> = name.split(' ').map(String::from).collect();
    let fit: Vec<usize> = (0..words.len()).filter(|&i| letters(&words[i]) >= MIN_TYPO_WORD_LETTERS).collect();
    let &w = rng.pick(&fit)?;
    let mut chars: Vec<char> = words[w].chars().collect();
    let positions: Vec<usize> = (0..chars.len()).filter(|&i| chars[i].is_ascii_alphabetic()).collect();
    let &i = rng.pick(&positions)?;
    match rng.below(4) {
        0 => {
            let old = chars[i].to_ascii_lowercase();
            let mut new = old;
            while new == old {
                new = char::from(b'a' + rng.below(26) as u8);
            }
            chars[i] = if chars[i].is_ascii_uppercase() { new.to_ascii_uppercase() } else { new };
        }
        1 => {
            chars.remove(i);
        }
        2 => chars.insert(i, chars[i]),
        _ => {
            let next = i + 1;
            if next >= chars.len()
                || !chars[next].is_ascii_alphabetic()
                || chars[i].eq_ignore_ascii_case(&chars[next])
            {
                return None;
            }
            chars.swap(i, next);
        }
    }
    words[w] = chars.into_iter().collect();
    let changed = words.join(" ");
    (changed != name).then_some(changed)
}

/// Family name and given names of a person's name: "LAST, First Middle" or "First Middle Last".
fn family_and_given(name: &str) -> Option<(String, Vec<String>)> {
    let (family, given) = match name.split_once(',') {
        Some((family, given)) => {
            (family.trim().to_string(), given.split_whitespace().map(String::from).collect())
        }
        None => {
            let mut words: Vec<String> = name.split_whitespace().map(String::from).collect();
            let family = words.pop()?;
            (family, words)
        }
    };
    let plain = |w: &str| w.chars().all(|c| c.is_alphabetic() || c == '-');
    let usable = !family.is_empty()
        && (1..=MAX_GIVEN_NAMES).contains(&given.len())
        && given.iter().all(|g| plain(g) && letters(g) >= 2);
    usable.then_some((family, given))
}

/// "First Middle Last" as "Last, First Middle"; "LAST, First" as "First LAST".
fn reorder(name: &str) -> Option<String> {
    if let Some((family, given)) = name.split_once(',') {
        let (family, given) = (family.trim(), given.trim());
        return (!family.is_empty() && !given.is_empty()).then(|| format!("{given} {family}"));
    }
    let (family, given) = family_and_given(name)?;
    Some(format!("{family}, {}", given.join(" ")))
}

/// The given names as initials: "A. Lukashenko", "A. G. Lukashenko" or "Lukashenko A.G.".
fn initials(name: &str, rng: &mut Rng) -> Option<String> {
    let (family, given) = family_and_given(name)?;
    let initial = |g: &String| g.chars().next().map(|c| c.to_uppercase().collect::<String>());
    let all: Vec<String> = given.iter().filter_map(initial).collect();
    Some(match rng.below(3) {
        0 => format!("{}. {family}", all[0]),
        1 => format!("{}. {family}", all.join(". ")),
        _ => format!("{family} {}.", all.join(".")),
    })
}

/// Whether two subjects are two parties: some authority lists both (see the module docs), and
/// neither bears a strong name of the other.
fn distinct(a: &Subject, b: &Subject, index: &NameIndex, idx: [usize; 2]) -> bool {
    let datasets = a.datasets();
    let shares_dataset = b.datasets().iter().any(|d| datasets.contains(d));
    let names_other = |s: &Subject, other: usize| {
        strong_names(s).iter().any(|n| index.strong_owners(&name_tokens(n)).contains(&other))
    };
    // A caption whose words all occur in the other's may be a shorter listing of one party.
    let (words_a, words_b) = (name_tokens(a.caption()), name_tokens(b.caption()));
    let nested = words_a.iter().all(|w| words_b.contains(w)) || words_b.iter().all(|w| words_a.contains(w));
    idx[0] != idx[1] && shares_dataset && !nested && !names_other(a, idx[1]) && !names_other(b, idx[0])
}

/// Persons sharing one part of their name and differing in the other: the family name for
/// `Relatives`, the first given name for `SameGivenName`.
fn shared_part(subjects: &[Subject], index: &NameIndex, category: PairCategory, rng: &mut Rng) -> Vec<Cand> {
    let mut groups: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (idx, subject) in subjects.iter().enumerate() {
        if subject.schema() != Schema::Person || detect_script(subject.caption()) != "latin" {
            continue;
        }
        let Some((given, family)) = given_family(subject) else { continue };
        let (shared, other) = match category {
            PairCategory::Relatives => (name_key(&family), name_key(&given)),
            _ => (name_key(&given), name_key(&family)),
        };
        // Initials and particles ("Abu", "Al") do not make a name part worth sharing.
        if letters(&shared) < MIN_TYPO_WORD_LETTERS || is_generic(&shared) || other.is_empty() {
            continue;
        }
        groups.entry(shared).or_default().push((idx, other));
    }
    let mut out = Vec::new();
    for members in groups.values_mut() {
        // Random pairs of the group until enough are found: a common name's group is too large
        // to try every pair.
        rng.shuffle(members);
        let mut found = 0;
        let mut tried = 0;
        'group: for (i, (a, a_other)) in members.iter().enumerate() {
            for (b, b_other) in &members[i + 1..] {
                if found == PAIRS_PER_GROUP || tried == MAX_TRIES_PER_GROUP {
                    break 'group;
                }
                tried += 1;
                let (sa, sb) = (&subjects[*a], &subjects[*b]);
                if a_other != b_other && distinct(sa, sb, index, [*a, *b]) {
                    found += 1;
                    out.push(cand(category, [sa, sb], [*a, *b], [sa.caption(), sb.caption()]));
                }
            }
        }
    }
    out
}

fn is_organization(subject: &Subject) -> bool {
    matches!(subject.schema(), Schema::Organization | Schema::Company | Schema::LegalEntity)
}

/// Organisations whose Latin names share at least [`MIN_SHARED_WORDS`] of their words, one
/// pair per organisation.
fn organizations(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let tokens: Vec<Option<Vec<String>>> = subjects
        .iter()
        .map(|s| {
            let fit = is_organization(s) && detect_script(s.caption()) == "latin";
            Some(name_tokens(s.caption())).filter(|t| fit && t.len() >= 2)
        })
        .collect();
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (idx, words) in tokens.iter().enumerate() {
        for word in words.iter().flatten() {
            postings.entry(word).or_default().push(idx);
        }
    }
    let mut out = Vec::new();
    for (a, words) in tokens.iter().enumerate() {
        let Some(words) = words else { continue };
        let mut others = BTreeSet::new();
        for word in words {
            let list = &postings[word.as_str()];
            if list.len() <= MAX_SHARED_WORD_POSTINGS {
                others.extend(list.iter().copied().filter(|&b| b > a));
            }
        }
        let partner = others.into_iter().find(|&b| {
            let other = tokens[b].as_deref().unwrap_or_default();
            let shared = words.iter().filter(|w| other.contains(w)).count();
            let union = words.len() + other.len() - shared;
            let share = shared as f64 / union as f64;
            let distinctive = words.iter().any(|w| other.contains(w) && !is_generic(w));
            share >= MIN_SHARED_WORDS && distinctive && distinct(&subjects[a], &subjects[b], index, [a, b])
        });
        if let Some(b) = partner {
            let (sa, sb) = (&subjects[a], &subjects[b]);
            out.push(cand(PairCategory::Organizations, [sa, sb], [a, b], [sa.caption(), sb.caption()]));
        }
    }
    out
}

/// Short Latin strong names of different subjects one letter apart (one letter replaced,
/// dropped or added), one pair per subject. Found through one-deletion keys: two strings one
/// edit apart share a key made by deleting one letter from one or both.
fn short_one_letter(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let mut names: Vec<(usize, &str, Vec<char>)> = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        for name in strong_names(subject) {
            let key: Vec<char> = name_key(name).chars().collect();
            let n_letters = key.iter().filter(|c| c.is_alphabetic()).count();
            if detect_script(name) == "latin" && SHORT_NAME_LETTERS.contains(&n_letters) {
                names.push((idx, name, key));
            }
        }
    }
    let mut buckets: BTreeMap<Vec<char>, Vec<usize>> = BTreeMap::new();
    for (n, (_, _, key)) in names.iter().enumerate() {
        buckets.entry(key.clone()).or_default().push(n);
        for i in 0..key.len() {
            let mut deleted = key.clone();
            deleted.remove(i);
            buckets.entry(deleted).or_default().push(n);
        }
    }
    let mut paired = BTreeSet::new();
    let mut out = Vec::new();
    for members in buckets.values() {
        for (i, &x) in members.iter().enumerate() {
            for &y in &members[i + 1..] {
                let ((a, name_a, key_a), (b, name_b, key_b)) = (&names[x], &names[y]);
                if paired.contains(a)
                    || paired.contains(b)
                    || strsim::generic_levenshtein(key_a, key_b) != 1
                    || !distinct(&subjects[*a], &subjects[*b], index, [*a, *b])
                {
                    continue;
                }
                paired.insert(*a);
                paired.insert(*b);
                let (sa, sb) = (&subjects[*a], &subjects[*b]);
                out.push(cand(PairCategory::ShortOneLetter, [sa, sb], [*a, *b], [name_a, name_b]));
            }
        }
    }
    out
}
