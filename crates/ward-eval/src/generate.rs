//! Building the dev set from linked subjects: which names become queries, and how.
//!
//! Every category draws candidates from all subjects, keeps one per subject, and samples them
//! round-robin across strata (dataset and kind, or script), so that no list or kind swamps the
//! others. Each category has its own random stream derived from the seed, so changing one does
//! not reshuffle the rest.

use crate::{detect_script, DevCase, DevQuery, Rng};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;
use ward_lists::link::name_key;
use ward_model::{NameKind, Schema, Subject};

/// How many cases each category may contribute, in output order.
const CAPS: [(&str, usize); 13] = [
    ("alias", 500),
    ("original-script", 500),
    ("cross-list", 400),
    ("perturbation:order", 200),
    ("perturbation:typo", 300),
    ("perturbation:middle-dropped", 200),
    ("perturbation:case-diacritics", 200),
    ("perturbation:join-split", 200),
    ("negative:person", 600),
    ("negative:given-name", 60),
    ("negative:organization", 450),
    ("negative:vessel", 100),
    ("weak-alias", 300),
];

/// The folded tokens of a name, sorted and without repeats: what "the same name" means for the
/// dev set's checks (case, diacritics, punctuation and word order do not count).
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens: Vec<String> =
        name_key(name).split(' ').filter(|t| !t.is_empty()).map(String::from).collect();
    tokens.dedup();
    tokens
}

fn key_of(tokens: &[String]) -> String {
    tokens.join(" ")
}

/// An index of every listed name's token set, to prove that a made-up name is not listed and
/// that a positive query is not another subject's name.
pub struct NameIndex {
    /// For each distinct token set: whether some subject bears it as a strong name, and which.
    keys: HashMap<String, Vec<usize>>,
    /// Token sets (distinct), with whether any bearer is strong.
    sets: Vec<(Vec<String>, bool)>,
    /// Token -> indexes into `sets`.
    postings: HashMap<String, Vec<u32>>,
}

impl NameIndex {
    /// Indexes the names (of every kind) of `subjects`.
    pub fn new(subjects: &[Subject]) -> NameIndex {
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        let mut set_ids: HashMap<String, usize> = HashMap::new();
        let mut sets: Vec<(Vec<String>, bool)> = Vec::new();
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (idx, subject) in subjects.iter().enumerate() {
            for name in subject.names() {
                let tokens = name_tokens(&name.full);
                if tokens.is_empty() {
                    continue;
                }
                let key = key_of(&tokens);
                let strong = name.kind != NameKind::Weak;
                let owners = keys.entry(key.clone()).or_default();
                if strong && !owners.contains(&idx) {
                    owners.push(idx);
                }
                let id = *set_ids.entry(key).or_insert_with(|| {
                    for t in &tokens {
                        postings.entry(t.clone()).or_default().push(sets.len() as u32);
                    }
                    sets.push((tokens, false));
                    sets.len() - 1
                });
                sets[id].1 |= strong;
            }
        }
        NameIndex { keys, sets, postings }
    }

    /// The subjects that bear a strong name with exactly these tokens.
    pub fn strong_owners(&self, tokens: &[String]) -> &[usize] {
        self.keys.get(&key_of(tokens)).map_or(&[], Vec::as_slice)
    }

    /// Whether any listed name, of any kind, has exactly these tokens.
    pub fn is_listed(&self, tokens: &[String]) -> bool {
        self.keys.contains_key(&key_of(tokens))
    }

    /// Whether a made-up name with these tokens could be a listed party's: some listed name (any
    /// kind) contains all of them, or some strong listed name has all its tokens among them
    /// ("Bank Sepah Trading" contains the listed "Bank Sepah").
    pub fn covered(&self, tokens: &[String]) -> bool {
        if tokens.is_empty() {
            return true;
        }
        // Some listed name contains every token: intersect the postings, rarest first.
        let mut lists: Vec<&[u32]> = Vec::new();
        for t in tokens {
            match self.postings.get(t) {
                Some(list) => lists.push(list),
                None => {
                    lists.clear();
                    break;
                }
            }
        }
        lists.sort_by_key(|l| l.len());
        if let Some((first, rest)) = lists.split_first() {
            // Postings are in increasing id order, so membership is a binary search.
            if first.iter().any(|id| rest.iter().all(|l| l.binary_search(id).is_ok())) {
                return true;
            }
        }
        // Some strong listed name is made of tokens of the query only: try every subset of the
        // query's tokens (names are short; a long one falls back to a scan).
        if tokens.len() <= 12 {
            (1u32..1 << tokens.len()).any(|mask| {
                let subset: Vec<String> =
                    (0..tokens.len()).filter(|i| mask & (1 << i) != 0).map(|i| tokens[i].clone()).collect();
                !self.strong_owners(&subset).is_empty()
            })
        } else {
            self.sets.iter().any(|(set, strong)| *strong && set.iter().all(|t| tokens.contains(t)))
        }
    }
}

/// A case before it has an id, with what sampling needs.
struct Cand {
    subject: usize,
    stratum: String,
    query: DevQuery,
    expect: Vec<String>,
    kind: String,
    owner: Vec<String>,
}

impl Cand {
    /// A query that must find `subject` (index `idx`), sampled within `stratum`.
    fn finding(idx: usize, subject: &Subject, stratum: String, query: DevQuery) -> Cand {
        let kind = subject.schema().kind().to_string();
        Cand { subject: idx, stratum, query, expect: expect_of(subject), kind, owner: Vec::new() }
    }

    /// A query of a party not listed, which must not alert.
    fn not_listed(query: DevQuery, kind: &str) -> Cand {
        Cand {
            subject: 0,
            stratum: String::new(),
            query,
            expect: Vec::new(),
            kind: kind.into(),
            owner: Vec::new(),
        }
    }
}

/// Keeps one random candidate per subject, then takes up to `cap` round-robin across strata
/// (strata in name order, candidates within a stratum in random order).
fn sample(cands: Vec<Cand>, cap: usize, rng: &mut Rng) -> Vec<Cand> {
    let mut per_subject: BTreeMap<usize, Vec<Cand>> = BTreeMap::new();
    for cand in cands {
        per_subject.entry(cand.subject).or_default().push(cand);
    }
    let mut strata: BTreeMap<String, Vec<Cand>> = BTreeMap::new();
    for (_, mut group) in per_subject {
        let cand = group.swap_remove(rng.below(group.len()));
        strata.entry(cand.stratum.clone()).or_default().push(cand);
    }
    round_robin(strata, cap, rng)
}

/// Shuffles each stratum, then takes up to `cap` items round-robin across strata (in key order).
pub(crate) fn round_robin<T>(strata: BTreeMap<String, Vec<T>>, cap: usize, rng: &mut Rng) -> Vec<T> {
    let mut queues: Vec<std::vec::IntoIter<T>> = strata
        .into_values()
        .map(|mut group| {
            rng.shuffle(&mut group);
            group.into_iter()
        })
        .collect();
    let mut out = Vec::new();
    while out.len() < cap {
        let before = out.len();
        for queue in &mut queues {
            if out.len() < cap {
                out.extend(queue.next());
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}

/// Facts about a subject a query may carry.
struct Facts {
    birth_year: Option<String>,
    country: Option<String>,
}

fn facts(subject: &Subject) -> Facts {
    let records = &subject.records;
    let birth_year =
        records.iter().flat_map(|r| r.birth_dates.iter()).next().map(|d| format!("{:04}", d.from.year));
    let country = records
        .iter()
        .flat_map(|r| r.nationalities.iter().chain(&r.citizenships))
        .chain(records.iter().flat_map(|r| r.countries.iter()))
        .chain(records.iter().flat_map(|r| r.addresses.iter().filter_map(|a| a.country.as_ref())))
        .next()
        .cloned();
    Facts { birth_year, country }
}

fn expect_of(subject: &Subject) -> Vec<String> {
    subject.referents().map(String::from).collect()
}

fn query(name: &str, schema: Schema) -> DevQuery {
    DevQuery { name: name.to_string(), schema: Some(schema.ftm_name().to_string()), ..DevQuery::default() }
}

/// Builds the dev set from `subjects` (the linked records of a list snapshot) with `seed`. The
/// same subjects and seed give the same cases in the same order.
pub fn generate(subjects: &[Subject], seed: u64) -> Vec<DevCase> {
    let index = NameIndex::new(subjects);
    let mut out = Vec::new();
    for (category, cap) in CAPS {
        let mut rng = Rng::derive(seed, category);
        let cands = match category {
            "alias" => alias(subjects, &index),
            "original-script" => original_script(subjects, &index),
            "cross-list" => cross_list(subjects, &index),
            "negative:person" => negative_person(subjects, &index, cap, &mut rng),
            "negative:given-name" => negative_given(subjects, &index, &mut rng),
            "negative:organization" => negative_replace(subjects, &index, cap, "organization", &mut rng),
            "negative:vessel" => negative_replace(subjects, &index, cap, "vessel", &mut rng),
            "weak-alias" => weak_alias(subjects, &index),
            _ => {
                let kind = category.trim_start_matches("perturbation:");
                perturbation(subjects, &index, kind, &mut rng)
            }
        };
        let negative = category.starts_with("negative:");
        // Negatives are already drawn to their cap in a balanced way; sampling them again by
        // "subject" would only drop made-up names that borrow from the same listed party.
        let chosen =
            if negative { cands.into_iter().take(cap).collect() } else { sample(cands, cap, &mut rng) };
        for (n, cand) in chosen.into_iter().enumerate() {
            out.push(DevCase {
                id: format!("{category}/{n:04}"),
                script: detect_script(&cand.query.name).to_string(),
                query: cand.query,
                expect: cand.expect,
                category: category.to_string(),
                kind: cand.kind,
                owner: cand.owner,
            });
        }
    }
    out
}

/// Whether `tokens` names `subject` alone among strong names (or no listed party at all), so
/// that a positive case has one right answer.
fn unambiguous(index: &NameIndex, tokens: &[String], subject: usize) -> bool {
    !tokens.is_empty() && index.strong_owners(tokens).iter().all(|&s| s == subject)
}

fn primary_keys(subject: &Subject) -> BTreeSet<String> {
    subject.names().filter(|n| n.kind == NameKind::Primary).map(|n| key_of(&name_tokens(&n.full))).collect()
}

fn alias(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let mut cands = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        let primaries = primary_keys(subject);
        for record in &subject.records {
            for name in &record.names {
                let strong_alias = matches!(name.kind, NameKind::Alias | NameKind::Previous);
                let tokens = name_tokens(&name.full);
                if !strong_alias
                    || detect_script(&name.full) != "latin"
                    || primaries.contains(&key_of(&tokens))
                    || !unambiguous(index, &tokens, idx)
                {
                    continue;
                }
                let stratum = format!("{}/{}", record.dataset, subject.schema().kind());
                cands.push(Cand::finding(idx, subject, stratum, query(&name.full, subject.schema())));
            }
        }
    }
    cands
}

fn original_script(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let mut cands = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        for name in subject.names() {
            let script = detect_script(&name.full);
            let tokens = name_tokens(&name.full);
            if name.kind == NameKind::Weak || script == "latin" || !unambiguous(index, &tokens, idx) {
                continue;
            }
            // Balance scripts first: Cyrillic alone would fill the category.
            let stratum = format!("{script}/{}", subject.schema().kind());
            cands.push(Cand::finding(idx, subject, stratum, query(&name.full, subject.schema())));
        }
    }
    cands
}

fn cross_list(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let mut cands = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        if subject.datasets().len() < 2 {
            continue;
        }
        let captions: BTreeSet<String> =
            subject.records.iter().map(|r| key_of(&name_tokens(r.caption()))).collect();
        if captions.len() < 2 {
            continue;
        }
        for record in &subject.records {
            let tokens = name_tokens(record.caption());
            if !unambiguous(index, &tokens, idx) {
                continue;
            }
            let stratum = format!("{}/{}", record.dataset, subject.schema().kind());
            cands.push(Cand::finding(idx, subject, stratum, query(record.caption(), subject.schema())));
        }
    }
    cands
}

fn weak_alias(subjects: &[Subject], index: &NameIndex) -> Vec<Cand> {
    let mut cands = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        for record in &subject.records {
            for name in record.names.iter().filter(|n| n.kind == NameKind::Weak) {
                let tokens = name_tokens(&name.full);
                // A weak alias that is also anyone's strong name may rightly alert.
                if tokens.is_empty() || !index.strong_owners(&tokens).is_empty() {
                    continue;
                }
                // Must not alert, except on its owner through the owner's strong names.
                let stratum = format!("{}/{}", record.dataset, subject.schema().kind());
                let mut cand = Cand::finding(idx, subject, stratum, query(&name.full, subject.schema()));
                cand.owner = std::mem::take(&mut cand.expect);
                cands.push(cand);
            }
        }
    }
    cands
}

// ---------------------------------------------------------------------------------------------
// Perturbations of primary names.

fn is_upper(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

fn is_lower(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_uppercase)
}

/// Capitalises each run of letters: "AL-ASSAD" -> "Al-Assad", "O'BRIEN" -> "O'Brien", but
/// "SA'D" -> "Sa'd" (an apostrophe after more than one letter marks a sound, not a new word).
fn title_case(text: &str) -> String {
    let mut out = String::new();
    let mut run = 0;
    let mut start = true;
    for c in text.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
            run += 1;
        } else {
            out.push(c);
            start = !matches!(c, '\'' | '’') || run <= 1;
            run = 0;
        }
    }
    out
}

/// `word` written in the case style of `like`.
fn restyle(word: &str, like: &str) -> String {
    if is_upper(like) {
        word.to_uppercase()
    } else if is_lower(like) {
        word.to_lowercase()
    } else {
        title_case(word)
    }
}

fn strip_diacritics(text: &str) -> String {
    text.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).nfc().collect()
}

/// Reorders a person's name: "LAST, First" becomes "First LAST"; "First Last" becomes "Last
/// First"; longer names move the last token to the front.
fn reorder(name: &str) -> Option<String> {
    if let Some((last, first)) = name.split_once(',') {
        let (last, first) = (last.trim(), first.trim());
        return (!last.is_empty() && !first.is_empty()).then(|| format!("{first} {last}"));
    }
    let mut tokens: Vec<&str> = name.split_whitespace().collect();
    if tokens.len() < 2 {
        return None;
    }
    let last = tokens.pop()?;
    tokens.insert(0, last);
    Some(tokens.join(" "))
}

/// One keyboard-style slip in a word of at least five letters: a letter replaced, dropped, or
/// swapped with its neighbour.
fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().filter(|c| c.is_ascii_alphabetic()).count() >= 5)
        .collect();
    let &w = rng.pick(&long)?;
    let mut chars: Vec<char> = words[w].chars().collect();
    let letters: Vec<usize> = (0..chars.len()).filter(|&i| chars[i].is_ascii_alphabetic()).collect();
    match rng.below(3) {
        0 => {
            let &i = rng.pick(&letters)?;
            let old = chars[i].to_ascii_lowercase();
            let mut new = old;
            while new == old {
                new = (b'a' + rng.below(26) as u8) as char;
            }
            chars[i] = if chars[i].is_ascii_uppercase() { new.to_ascii_uppercase() } else { new };
        }
        1 => {
            let &i = rng.pick(&letters)?;
            chars.remove(i);
        }
        _ => {
            let pairs: Vec<usize> = (0..chars.len().saturating_sub(1))
                .filter(|&i| {
                    chars[i].is_ascii_alphabetic()
                        && chars[i + 1].is_ascii_alphabetic()
                        && !chars[i].eq_ignore_ascii_case(&chars[i + 1])
                })
                .collect();
            let &i = rng.pick(&pairs)?;
            chars.swap(i, i + 1);
        }
    }
    let mut words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
    words[w] = chars.into_iter().collect();
    Some(words.join(" "))
}

/// Drops a middle name: the last given name after "LAST, First Middle", or an inner token of
/// "First Middle Last".
fn drop_middle(name: &str, rng: &mut Rng) -> Option<String> {
    if let Some((last, given)) = name.split_once(',') {
        let mut given: Vec<&str> = given.split_whitespace().collect();
        if given.len() < 2 {
            return None;
        }
        given.pop();
        return Some(format!("{}, {}", last.trim(), given.join(" ")));
    }
    let mut tokens: Vec<&str> = name.split_whitespace().collect();
    if tokens.len() < 3 {
        return None;
    }
    tokens.remove(1 + rng.below(tokens.len() - 2));
    Some(tokens.join(" "))
}

/// Strips diacritics and changes case: upper-case names become title case, others upper or
/// lower case.
fn recase(name: &str, rng: &mut Rng) -> Option<String> {
    let plain = strip_diacritics(name);
    let recased = if is_upper(&plain) {
        title_case(&plain)
    } else if rng.chance(0.5) {
        plain.to_lowercase()
    } else {
        plain.to_uppercase()
    };
    (recased != name).then_some(recased)
}

/// Arabic name elements that are written both joined to and apart from the next word.
const JOINABLE: [&str; 9] = ["abdul", "abdel", "abdal", "abdol", "abd", "abu", "bin", "ibn", "nur"];

/// Joins or splits tokens: a hyphen dropped or made a space, "Abdul Rahman" <-> "Abdulrahman",
/// else two neighbouring words run together.
fn join_split(name: &str, rng: &mut Rng) -> Option<String> {
    let mut tokens: Vec<String> = name.split_whitespace().map(String::from).collect();
    if let Some(i) = tokens.iter().position(|t| t.contains('-') && t.len() > 3) {
        let token = tokens[i].clone();
        tokens[i] = if rng.chance(0.5) { token.replace('-', " ") } else { token.replace('-', "") };
        return Some(tokens.join(" "));
    }
    let folded = |t: &str| t.to_lowercase();
    if let Some(i) = (0..tokens.len().saturating_sub(1)).find(|&i| {
        JOINABLE.contains(&folded(&tokens[i]).as_str()) && tokens[i + 1].chars().all(char::is_alphabetic)
    }) {
        let next = tokens.remove(i + 1);
        let joined = if is_upper(&tokens[i]) { next } else { next.to_lowercase() };
        tokens[i].push_str(&joined);
        return Some(tokens.join(" "));
    }
    for (i, token) in tokens.iter().enumerate() {
        let lower = folded(token);
        if let Some(prefix) = ["abdul", "abdel", "abu"].into_iter().find(|p| lower.starts_with(p)) {
            let rest: String = token.chars().skip(prefix.len()).collect();
            // "Abdullah" is "Abd Allah", not "Abdul Lah": only a longer rest is a name of its own.
            if rest.chars().count() >= 4 && rest.chars().all(char::is_alphabetic) {
                let head: String = token.chars().take(prefix.len()).collect();
                let rest = if is_upper(token) { rest } else { title_case(&rest) };
                let mut tokens = tokens.clone();
                tokens[i] = format!("{head} {rest}");
                return Some(tokens.join(" "));
            }
        }
    }
    // Run together only two short distinguishing words, as people write "Longxing" for "Long
    // Xing" or "Jongun" for "Jong Un"; "Limitedliability" is no one's spelling.
    let pairs: Vec<usize> = (0..tokens.len().saturating_sub(1))
        .filter(|&i| {
            let pair = [&tokens[i], &tokens[i + 1]];
            pair.iter()
                .all(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic) && !is_generic(t))
                && pair.iter().map(|t| t.chars().count()).sum::<usize>() <= 12
        })
        .collect();
    let &i = rng.pick(&pairs)?;
    let next = tokens.remove(i + 1);
    let joined = if is_upper(&tokens[i]) { next } else { next.to_lowercase() };
    tokens[i].push_str(&joined);
    Some(tokens.join(" "))
}

fn perturbation(subjects: &[Subject], index: &NameIndex, kind: &str, rng: &mut Rng) -> Vec<Cand> {
    let person_only = matches!(kind, "order" | "middle-dropped");
    let mut cands = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        let schema = subject.schema();
        if person_only && schema != Schema::Person {
            continue;
        }
        // One record per subject, so that every subject gets one random draw whatever its size.
        let record = &subject.records[rng.below(subject.records.len())];
        let base = record.caption();
        if detect_script(base) != "latin" || base.split_whitespace().count() < 2 {
            continue;
        }
        let perturbed = match kind {
            "order" => reorder(base),
            "typo" => typo(base, rng),
            "middle-dropped" => drop_middle(base, rng),
            "case-diacritics" => recase(base, rng),
            "join-split" => join_split(base, rng),
            _ => None,
        };
        let Some(name) = perturbed.filter(|p| p != base) else { continue };
        let tokens = name_tokens(&name);
        if !unambiguous(index, &tokens, idx) {
            continue;
        }
        let mut q = query(&name, schema);
        // Half the cases carry the true birth year and country, half the name alone.
        if rng.chance(0.5) {
            let facts = facts(subject);
            q.birth_date = facts.birth_year.filter(|_| schema == Schema::Person);
            q.country = facts.country;
        }
        cands.push(Cand::finding(idx, subject, format!("{}/{}", record.dataset, schema.kind()), q));
    }
    cands
}

// ---------------------------------------------------------------------------------------------
// Negatives: plausible names that no list holds.

/// Given name and family name of a listed person, where the list makes the split clear: name
/// parts, or "FAMILY, Given" (only the first given name is kept).
pub(crate) fn given_family(subject: &Subject) -> Option<(String, String)> {
    for record in &subject.records {
        for name in record.names.iter().filter(|n| n.kind == NameKind::Primary) {
            if detect_script(&name.full) != "latin" {
                continue;
            }
            if let (Some(first), Some(last)) = (&name.parts.first, &name.parts.last) {
                let given = first.split_whitespace().next()?;
                return Some((given.to_string(), last.trim().to_string()));
            }
            if let Some((last, given)) = name.full.split_once(',') {
                let given = given.split_whitespace().next()?;
                if !last.trim().is_empty() {
                    return Some((given.to_string(), last.trim().to_string()));
                }
            }
        }
    }
    None
}

fn nationality(subject: &Subject) -> Option<String> {
    subject.records.iter().flat_map(|r| r.nationalities.iter().chain(&r.citizenships)).next().cloned()
}

/// Names of one country, each with the subject it came from, without repeats.
#[derive(Default)]
struct Pool {
    values: Vec<(String, usize)>,
    seen: BTreeSet<String>,
}

/// Pools of names per country.
type Pools = BTreeMap<String, Pool>;

fn push_pool(pools: &mut Pools, country: &str, value: String, subject: usize) {
    let pool = pools.entry(country.to_string()).or_default();
    let folded = name_key(&value);
    if !folded.is_empty() && pool.seen.insert(folded) {
        pool.values.push((value, subject));
    }
}

fn random_birth_year(rng: &mut Rng) -> String {
    format!("{}", 1945 + rng.below(56))
}

fn negative_person(subjects: &[Subject], index: &NameIndex, cap: usize, rng: &mut Rng) -> Vec<Cand> {
    let mut givens = Pools::new();
    let mut families = Pools::new();
    for (idx, subject) in subjects.iter().enumerate() {
        if subject.schema() != Schema::Person {
            continue;
        }
        let (Some(country), Some((given, family))) = (nationality(subject), given_family(subject)) else {
            continue;
        };
        // One-letter initials and numerals make poor names.
        if given.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            push_pool(&mut givens, &country, title_case(&given), idx);
        }
        if family.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            push_pool(&mut families, &country, title_case(&family), idx);
        }
    }
    let countries: Vec<&String> = givens
        .keys()
        .filter(|c| givens[*c].values.len() >= 3 && families.get(*c).is_some_and(|f| f.values.len() >= 3))
        .collect();
    let mut out: Vec<Cand> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut attempts = 0;
    // Round-robin over countries so that the few with many listed people do not take it all.
    while out.len() < cap && attempts < cap * 50 && !countries.is_empty() {
        let country = countries[attempts % countries.len()];
        attempts += 1;
        let (Some((given, gs)), Some((family, fs))) =
            (rng.pick(&givens[country].values), rng.pick(&families[country].values))
        else {
            continue;
        };
        let tokens = name_tokens(&format!("{given} {family}"));
        if gs == fs || tokens.len() < 2 || index.covered(&tokens) || !seen.insert(key_of(&tokens)) {
            continue;
        }
        let name = match rng.below(3) {
            0 => format!("{given} {family}"),
            1 => format!("{}, {given}", family.to_uppercase()),
            _ => format!("{given} {family}").to_uppercase(),
        };
        let mut q = query(&name, Schema::Person);
        if rng.chance(0.5) {
            q.country = Some(country.clone());
        }
        if rng.chance(0.4) {
            q.birth_date = Some(random_birth_year(rng));
        }
        out.push(Cand::not_listed(q, "person"));
    }
    out
}

fn negative_given(subjects: &[Subject], index: &NameIndex, rng: &mut Rng) -> Vec<Cand> {
    // Given names counted per nationality, so that the common names of every region appear
    // ("Sergei" and "Mohammed" alike), not only those of the longest list.
    let mut counts: BTreeMap<String, BTreeMap<String, (usize, String)>> = BTreeMap::new();
    for subject in subjects.iter().filter(|s| s.schema() == Schema::Person) {
        if let (Some((given, _)), Some(country)) = (given_family(subject), nationality(subject)) {
            // "Abd" and "Abu" are parts of names, not given names.
            let particle = JOINABLE.contains(&name_key(&given).as_str());
            if given.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !particle {
                let entry = counts
                    .entry(country)
                    .or_default()
                    .entry(name_key(&given))
                    .or_insert((0, title_case(&given)));
                entry.0 += 1;
            }
        }
    }
    let mut by_country: Vec<(usize, Vec<String>)> = counts
        .into_values()
        .map(|names| {
            let total = names.values().map(|(n, _)| n).sum();
            let mut names: Vec<(usize, String)> = names.into_values().collect();
            names.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            (total, names.into_iter().filter(|(n, _)| *n >= 2).map(|(_, name)| name).collect())
        })
        .collect();
    by_country.sort_by_key(|c| std::cmp::Reverse(c.0));
    // The top names of the twelve nationalities with most listed people, taken rank by rank.
    by_country.truncate(12);
    let mut common: Vec<(usize, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for rank in 0..20 {
        for (_, names) in &by_country {
            if let Some(name) = names.get(rank) {
                if seen.insert(name_key(name)) {
                    common.push((rank, name.clone()));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (_, given) in common {
        if !index.strong_owners(&name_tokens(&given)).is_empty() {
            continue;
        }
        let mut q = query(&given, Schema::Person);
        if rng.chance(0.3) {
            q.birth_date = Some(random_birth_year(rng));
        }
        out.push(Cand::not_listed(q, "person"));
    }
    out
}

/// Words that do not tell one company or vessel from another: legal forms, trades, particles.
const GENERIC: &[&str] = &[
    "ab",
    "academy",
    "ag",
    "agency",
    "air",
    "airlines",
    "al",
    "and",
    "ao",
    "as",
    "association",
    "aviation",
    "bank",
    "bhd",
    "branch",
    "bureau",
    "bv",
    "capital",
    "center",
    "centre",
    "chemical",
    "chemicals",
    "cjsc",
    "co",
    "commercial",
    "company",
    "construction",
    "consulting",
    "corp",
    "corporation",
    "cv",
    "de",
    "del",
    "der",
    "des",
    "design",
    "development",
    "dmcc",
    "do",
    "du",
    "el",
    "electronic",
    "electronics",
    "energy",
    "engineering",
    "enterprise",
    "enterprises",
    "equipment",
    "est",
    "establishment",
    "et",
    "exchange",
    "export",
    "factory",
    "federal",
    "finance",
    "financial",
    "for",
    "foundation",
    "fz",
    "fzc",
    "fzco",
    "fze",
    "gas",
    "general",
    "global",
    "gmbh",
    "group",
    "holding",
    "holdings",
    "import",
    "inc",
    "incorporated",
    "industrial",
    "industries",
    "industry",
    "institute",
    "international",
    "intl",
    "investment",
    "investments",
    "jsc",
    "joint",
    "kg",
    "la",
    "le",
    "liability",
    "limited",
    "llc",
    "llp",
    "logistics",
    "lp",
    "ltd",
    "ltda",
    "machinery",
    "management",
    "manufacturing",
    "marine",
    "maritime",
    "medical",
    "metal",
    "metals",
    "mining",
    "national",
    "nv",
    "oao",
    "of",
    "oil",
    "ojsc",
    "ooo",
    "open",
    "organization",
    "pao",
    "partners",
    "petroleum",
    "pjsc",
    "plant",
    "plc",
    "private",
    "production",
    "products",
    "pt",
    "pte",
    "public",
    "pvt",
    "research",
    "sa",
    "sarl",
    "sas",
    "scientific",
    "sdn",
    "security",
    "service",
    "services",
    "shipping",
    "solutions",
    "spa",
    "srl",
    "state",
    "steel",
    "stock",
    "supply",
    "system",
    "systems",
    "tech",
    "technical",
    "technologies",
    "technology",
    "the",
    "tov",
    "trade",
    "trading",
    "transport",
    "unitary",
    "university",
    "works",
    "zao",
];

pub(crate) fn is_generic(word: &str) -> bool {
    GENERIC.contains(&name_key(word).as_str())
}

fn distinguishing(word: &str) -> bool {
    let folded = name_key(word);
    folded.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !folded.contains(' ') && !is_generic(word)
}

fn country_of(subject: &Subject) -> Option<String> {
    facts(subject).country
}

/// Made-up company or vessel names: a listed name with its distinguishing word replaced by a
/// distinguishing word of another listed party of the same country, legal form and generic words
/// kept ("Volga Trading LLC" -> "Kama Trading LLC").
fn negative_replace(
    subjects: &[Subject],
    index: &NameIndex,
    cap: usize,
    kind: &str,
    rng: &mut Rng,
) -> Vec<Cand> {
    let mut words = Pools::new();
    let mut bases: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (idx, subject) in subjects.iter().enumerate() {
        if subject.schema().kind() != kind || detect_script(subject.caption()) != "latin" {
            continue;
        }
        // Vessels often carry no country; they share one pool.
        let country = country_of(subject).unwrap_or_else(|| "-".into());
        if kind == "organization" && country == "-" {
            continue;
        }
        for word in subject.caption().split_whitespace().filter(|w| distinguishing(w)) {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            push_pool(&mut words, &country, word.to_string(), idx);
        }
        bases.entry(country).or_default().push(idx);
    }
    let countries: Vec<&String> =
        bases.keys().filter(|c| words.get(*c).is_some_and(|w| w.values.len() >= 3)).collect();
    let mut out: Vec<Cand> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut attempts = 0;
    while out.len() < cap && attempts < cap * 50 && !countries.is_empty() {
        let country = countries[attempts % countries.len()];
        attempts += 1;
        let Some(&base_idx) = rng.pick(&bases[country]) else { continue };
        let base = subjects[base_idx].caption();
        let tokens: Vec<&str> = base.split_whitespace().collect();
        let slots: Vec<usize> = (0..tokens.len()).filter(|&i| distinguishing(tokens[i])).collect();
        let (Some(&slot), Some((word, from))) = (rng.pick(&slots), rng.pick(&words[country].values)) else {
            continue;
        };
        if *from == base_idx || tokens.iter().any(|t| name_key(t) == name_key(word)) {
            continue;
        }
        let old = tokens[slot];
        // Keep the punctuation around the replaced word ("(Kama)", "Kama,").
        let core = old.trim_matches(|c: char| !c.is_alphanumeric());
        let replaced = old.replacen(core, &restyle(word, core), 1);
        let mut new_tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        new_tokens[slot] = replaced;
        let name = new_tokens.join(" ");
        let folded = name_tokens(&name);
        if index.covered(&folded) || !seen.insert(key_of(&folded)) {
            continue;
        }
        let schema = match subjects[base_idx].schema() {
            Schema::LegalEntity => Schema::Organization,
            s => s,
        };
        let mut q = query(&name, schema);
        if country != "-" && rng.chance(0.5) {
            q.country = Some(country.clone());
        }
        out.push(Cand::not_listed(q, kind));
    }
    out
}
