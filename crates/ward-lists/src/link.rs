//! Linking records of the same party across lists into subjects.
//!
//! Governments designate the same person on their own lists; Ward screens the person once and
//! reports every designation. Linking is conservative, because a false merge (two people shown
//! as one) is worse than a missed one:
//!
//! 1. the same UN reference number (UK, EU, Australian and other records cite the UN's);
//! 2. an explicit cross-reference: a CSL row's OFAC entity number, an FCDO record's OFSI group id;
//! 3. an equal strong identifier (IMO, BIC, LEI, crypto address, or a passport, national or tax
//!    number of at least six characters issued by the same country);
//! 4. an identical normalised name (primary or strong alias, never a weak alias) together with a
//!    compatible date of birth and, where both records state one, a shared nationality; for
//!    organisations and vessels, which have no birth date, an identical name and a shared
//!    country;
//! 5. a coordinated designation: an identical name of at least two words, a shared country
//!    (nationality, address, or a sanctions regime named after a country, as Canada's are), and
//!    listing dates within a week of each other by different authorities (the US, UK, EU and
//!    Canada designate together: Canada listed WANG Junzheng on 2021-03-21 with only his name,
//!    the UK on 2021-03-22 with his birth date). Only where neither record has a birth date that
//!    contradicts the other;
//! 6. an identical full name (two words or more, primary or strong alias) and one identical birth
//!    date known to the day, of the same schema: two records born the same day under the same
//!    full name are one person even where their nationalities differ;
//! 7. at least three identical full names (a name and its aliases: UN QDi.120 and the CSL's row of
//!    OFAC 7925, Abdul Hakim Murad, share five) of two persons with the same stated
//!    nationalities and one and the same birth year: publishers disagree on the day (the UN says
//!    1968-04-11, OFAC 1968-01-04), rarely on a man's three names, country and year together.
//!
//! Never on name alone, never on a partial date alone, and never two records of the same dataset
//! into one subject: each list already says which of its own records are distinct, so a merge
//! that would join two of them is refused (this also stops chains A~B~C from gluing unrelated
//! records together). The one exception comes first, before any other rule: an authority that
//! lists the same party under two regimes (the UK lists Alexander Bortnikov under Group IDs 13037
//! and 13972) gives both records the same primary name, the same birth dates all known to the
//! day, and the same nationalities; such records of one dataset are one party.

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;
use ward_model::{normalize_identifier, Entity, IdKind, NameKind, Schema, Subject, DATASETS};

/// Why two records were linked, for explanations and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkReason {
    /// A shared UN reference number.
    UnReference,
    /// An explicit id cross-reference between two lists.
    CrossReference,
    /// An equal strong identifier.
    Identifier,
    /// An identical name with compatible birth date and nationality (or country).
    NameAndFacts,
    /// An identical name, a shared country and listing dates within a week.
    Coordinated,
    /// Two records of one dataset with the same primary name, full birth dates and
    /// nationalities: one party listed under two regimes.
    SameParty,
    /// An identical full name and one identical birth date known to the day.
    NameAndFullDate,
    /// Several identical full names (a name and its aliases), the same nationality and the
    /// same year of birth.
    SharedNames,
}

struct UnionFind {
    parent: Vec<usize>,
    /// For each root, the datasets of the records in its component.
    datasets: Vec<Vec<u16>>,
}

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the components of `a` and `b` unless that would put two records of one dataset
    /// together. Returns whether they are (now) one component.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if self.datasets[ra].iter().any(|d| self.datasets[rb].contains(d)) {
            return false;
        }
        let moved = std::mem::take(&mut self.datasets[rb]);
        self.datasets[ra].extend(moved);
        self.parent[rb] = ra;
        true
    }

    /// Joins two components that hold records of `dataset` only, as one party listed twice by
    /// its authority; the joined component counts the dataset once, so no third record of it
    /// can join by any other rule. Returns false (joining nothing) where either component holds
    /// another dataset.
    fn union_same_party(&mut self, a: usize, b: usize, dataset: u16) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if self.datasets[ra] != [dataset] || self.datasets[rb] != [dataset] {
            return false;
        }
        self.datasets[rb].clear();
        self.parent[rb] = ra;
        true
    }
}

/// A birth date known to the day: one date, not a range, not approximate.
fn full_date(date: &ward_model::DateSpec) -> Option<ward_model::PartialDate> {
    let known_to_the_day = date.from.month.is_some() && date.from.day.is_some();
    (known_to_the_day && date.to.is_none() && !date.circa).then_some(date.from)
}

/// The record's birth dates if every one is known to the day (sorted, without repeats), else
/// `None`; also `None` where it states none.
fn all_full_dates(entity: &Entity) -> Option<Vec<ward_model::PartialDate>> {
    let mut dates: Vec<ward_model::PartialDate> =
        entity.birth_dates.iter().map(full_date).collect::<Option<_>>()?;
    dates.sort_unstable();
    dates.dedup();
    (!dates.is_empty()).then_some(dates)
}

/// Nationalities and citizenships, sorted, without repeats.
fn nationality_set(entity: &Entity) -> Vec<String> {
    let mut codes: Vec<String> = entity.nationalities.iter().chain(&entity.citizenships).cloned().collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The primary name's key, where the record has one of at least two words.
fn primary_full_name(entity: &Entity) -> Option<String> {
    let primary = entity.names.iter().find(|name| name.kind == NameKind::Primary)?;
    let key = name_key(&primary.full);
    (key.split(' ').count() >= MIN_FULL_NAME_WORDS).then_some(key)
}

/// Rule of one party listed twice by one authority (see the module docs): the same schema (a
/// person), the same primary full name, the same birth dates all known to the day, and the same
/// nationalities, stated by both.
fn same_party(a: &Entity, b: &Entity) -> bool {
    a.dataset == b.dataset
        && a.schema == Schema::Person
        && b.schema == Schema::Person
        && primary_full_name(a).is_some_and(|name| primary_full_name(b).as_ref() == Some(&name))
        && all_full_dates(a).is_some_and(|dates| all_full_dates(b).as_ref() == Some(&dates))
        && {
            let nationalities = nationality_set(a);
            !nationalities.is_empty() && nationalities == nationality_set(b)
        }
}

/// Whether two records of the same schema share one birth date known to the day.
fn share_full_date(a: &Entity, b: &Entity) -> bool {
    a.schema == b.schema
        && a.birth_dates
            .iter()
            .filter_map(full_date)
            .any(|x| b.birth_dates.iter().filter_map(full_date).any(|y| x == y))
}

/// How many full names (of two words or more) two records must share for rule 7.
const MIN_SHARED_NAMES: usize = 3;

/// How many full names (keys of two words or more) two sorted key lists share.
fn shared_names(a: &[String], b: &[String]) -> usize {
    a.iter()
        .filter(|key| key.split(' ').count() >= MIN_FULL_NAME_WORDS && b.binary_search(key).is_ok())
        .count()
}

/// Rule 7's facts beside the names: two persons with a stated nationality in common and a birth
/// year in common, with no other nationality or birth year on either side.
fn names_and_birth_year(a: &Entity, b: &Entity) -> bool {
    let years = |e: &Entity| -> Vec<u16> {
        let mut years: Vec<u16> =
            e.birth_dates.iter().filter(|d| d.to.is_none()).map(|d| d.from.year).collect();
        years.sort_unstable();
        years.dedup();
        years
    };
    let (years_a, years_b) = (years(a), years(b));
    let dated = |e: &Entity, years: &[u16]| years.len() == 1 && e.birth_dates.iter().all(|d| d.to.is_none());
    a.schema == Schema::Person
        && b.schema == Schema::Person
        && dated(a, &years_a)
        && dated(b, &years_b)
        && years_a == years_b
        && {
            let nationalities = nationality_set(a);
            !nationalities.is_empty() && nationalities == nationality_set(b)
        }
}

/// Words a name needs to count as a full name for rules 6 and same-party.
const MIN_FULL_NAME_WORDS: usize = 2;

fn dataset_rank(dataset: &str) -> usize {
    DATASETS.iter().position(|d| d.name == dataset).unwrap_or(DATASETS.len())
}

/// Folds a name for linking: NFKD without marks, lower case, letters and digits only, tokens
/// sorted ("WANG, Junzheng" and "Junzheng Wang" meet).
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut tokens: Vec<&str> = folded.split_whitespace().collect();
    tokens.sort_unstable();
    tokens.join(" ")
}

fn un_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect::<String>()
        .trim_end_matches('.')
        .to_string()
}

fn strong_id_keys(entity: &Entity) -> Vec<String> {
    entity
        .identifiers
        .iter()
        .filter_map(|id| {
            let value = normalize_identifier(&id.value);
            let value = match id.kind {
                IdKind::Imo => value.trim_start_matches("IMO").to_string(),
                _ => value,
            };
            match id.kind {
                IdKind::Imo | IdKind::Bic | IdKind::Lei | IdKind::CryptoWallet | IdKind::Mmsi
                    if value.len() >= 6 =>
                {
                    Some(format!("{:?}:{value}", id.kind))
                }
                IdKind::Passport | IdKind::NationalId | IdKind::TaxId
                    if value.len() >= 6 && id.country.is_some() =>
                {
                    Some(format!("{:?}:{}:{value}", id.kind, id.country.as_deref().unwrap_or("")))
                }
                _ => None,
            }
        })
        .collect()
}

fn facts_compatible(a: &Entity, b: &Entity) -> bool {
    if !a.schema.compatible(b.schema) {
        return false;
    }
    let countries =
        |e: &Entity| -> Vec<String> { e.nationalities.iter().chain(&e.citizenships).cloned().collect() };
    if a.schema == Schema::Person || b.schema == Schema::Person {
        let dob_ok = a
            .birth_dates
            .iter()
            .any(|da| b.birth_dates.iter().any(|db| da.compatible(&db.from) || db.compatible(&da.from)));
        if !dob_ok {
            return false;
        }
        let (ca, cb) = (countries(a), countries(b));
        ca.is_empty() || cb.is_empty() || ca.iter().any(|c| cb.contains(c))
    } else {
        let all = |e: &Entity| -> Vec<String> {
            let mut v = countries(e);
            v.extend(e.countries.iter().cloned());
            v.extend(e.addresses.iter().filter_map(|a| a.country.clone()));
            v
        };
        let (ca, cb) = (all(a), all(b));
        !ca.is_empty() && ca.iter().any(|c| cb.contains(c))
    }
}

/// Every country a record is tied to: nationality, citizenship, other countries, address
/// countries, and a sanctions programme that names a country (Canada's regimes are countries).
fn associated_countries(e: &Entity) -> Vec<String> {
    let mut out: Vec<String> =
        e.nationalities.iter().chain(&e.citizenships).chain(&e.countries).cloned().collect();
    out.extend(e.addresses.iter().filter_map(|a| a.country.clone()));
    out.extend(
        e.designations
            .iter()
            .flat_map(|d| d.programs.iter())
            .filter_map(|p| ward_model::country_code(p).map(str::to_string)),
    );
    out
}

/// Days since 0000-03-01 of a full ISO date, for listing-date distances.
fn day_number(date: &str) -> Option<i64> {
    let d = ward_model::PartialDate::parse_iso(date)?;
    let (y, m, day) = (i64::from(d.year), i64::from(d.month?), i64::from(d.day?));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day)
}

fn coordinated(a: &Entity, b: &Entity) -> bool {
    if !a.schema.compatible(b.schema) {
        return false;
    }
    let dates = |e: &Entity| -> Vec<i64> {
        e.designations.iter().filter_map(|d| d.listed_on.as_deref()).filter_map(day_number).collect()
    };
    let (da, db) = (dates(a), dates(b));
    if !da.iter().any(|x| db.iter().any(|y| (x - y).abs() <= 7)) {
        return false;
    }
    let (ca, cb) = (associated_countries(a), associated_countries(b));
    if !ca.iter().any(|c| cb.contains(c)) {
        return false;
    }
    // Birth dates, where both give them, must agree.
    a.birth_dates.is_empty()
        || b.birth_dates.is_empty()
        || a.birth_dates
            .iter()
            .any(|x| b.birth_dates.iter().any(|y| x.compatible(&y.from) || y.compatible(&x.from)))
}

/// Groups records into subjects. Records keep their order of authority inside a subject (the UN
/// first), and the subject's id is the referent of its first record. Returns subjects sorted by
/// id.
pub fn link(entities: Vec<Entity>) -> Vec<Subject> {
    link_with_reasons(entities).0
}

/// [`link`], also returning for every joined pair of records the reason it was joined.
pub fn link_with_reasons(entities: Vec<Entity>) -> (Vec<Subject>, Vec<(String, String, LinkReason)>) {
    let n = entities.len();
    let mut dataset_ids: HashMap<&str, u16> = HashMap::new();
    let dataset_of: Vec<u16> = entities
        .iter()
        .map(|e| {
            let next = dataset_ids.len() as u16;
            *dataset_ids.entry(e.dataset.as_str()).or_insert(next)
        })
        .collect();
    let datasets: Vec<Vec<u16>> = dataset_of.iter().map(|dataset| vec![*dataset]).collect();
    let mut uf = UnionFind { parent: (0..n).collect(), datasets };
    let mut reasons = Vec::new();

    // One party listed twice by its authority, before any other rule (see the module docs).
    let mut groups: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        if let Some(name) = primary_full_name(e) {
            groups.entry((e.dataset.as_str(), name)).or_default().push(i);
        }
    }
    let mut keys: Vec<&(&str, String)> = groups.keys().filter(|key| groups[*key].len() > 1).collect();
    keys.sort();
    for key in keys {
        let members = &groups[key];
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if uf.find(a) != uf.find(b)
                    && same_party(&entities[a], &entities[b])
                    && uf.union_same_party(a, b, dataset_of[a])
                {
                    reasons.push((entities[a].id.clone(), entities[b].id.clone(), LinkReason::SameParty));
                }
            }
        }
    }

    let mut join_groups = |uf: &mut UnionFind,
                           groups: HashMap<String, Vec<usize>>,
                           reason: LinkReason,
                           check: &dyn Fn(usize, usize) -> bool| {
        let mut keys: Vec<&String> = groups.keys().collect();
        keys.sort();
        for key in keys {
            let members = &groups[key];
            for &other in &members[1..] {
                let first = members[0];
                if check(first, other) && uf.find(first) != uf.find(other) && uf.union(first, other) {
                    reasons.push((entities[first].id.clone(), entities[other].id.clone(), reason));
                }
            }
        }
    };

    // 1. UN reference numbers.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let mut refs: Vec<String> = e.un_references().map(un_key).collect();
        if e.dataset == "un_sc_sanctions" {
            refs.push(un_key(&e.record_id));
        }
        refs.sort();
        refs.dedup();
        for r in refs.into_iter().filter(|r| r.len() >= 5) {
            groups.entry(r).or_default().push(i);
        }
    }
    let schema_ok = |a: usize, b: usize| entities[a].schema.compatible(entities[b].schema);
    join_groups(&mut uf, groups, LinkReason::UnReference, &schema_ok);

    // 2. Explicit cross references.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        match e.dataset.as_str() {
            "us_ofac_sdn" | "us_ofac_cons" => {
                groups.entry(format!("ofac:{}", e.record_id)).or_default().push(i);
            }
            "gb_hmt_sanctions" => groups.entry(format!("ofsi:{}", e.record_id)).or_default().push(i),
            _ => {}
        }
        for v in e.properties.get("ofacEntNum").into_iter().flatten() {
            groups.entry(format!("ofac:{}", v.trim())).or_default().push(i);
        }
        for v in e.properties.get("ofsiGroupId").into_iter().flatten() {
            groups.entry(format!("ofsi:{}", v.trim())).or_default().push(i);
        }
    }
    groups.retain(|_, v| v.len() > 1);
    join_groups(&mut uf, groups, LinkReason::CrossReference, &schema_ok);

    // 3. Strong identifiers.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let mut keys = strong_id_keys(e);
        keys.sort();
        keys.dedup();
        for k in keys {
            groups.entry(k).or_default().push(i);
        }
    }
    groups.retain(|_, v| v.len() > 1);
    join_groups(&mut uf, groups, LinkReason::Identifier, &schema_ok);

    // 4. Identical names with compatible facts. Every pair in a name group is tried, since the
    // first member need not be compatible with the rest.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    let mut name_keys: Vec<Vec<String>> = Vec::with_capacity(n);
    for (i, e) in entities.iter().enumerate() {
        let mut keys: Vec<String> = e
            .names
            .iter()
            .filter(|n| n.kind != NameKind::Weak)
            .map(|n| name_key(&n.full))
            .filter(|k| k.split(' ').count() >= 2 || k.len() >= 8)
            .collect();
        keys.sort();
        keys.dedup();
        for k in &keys {
            groups.entry(k.clone()).or_default().push(i);
        }
        name_keys.push(keys);
    }
    let mut keys: Vec<&String> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let members = &groups[key];
        if members.len() < 2 || members.len() > 50 {
            continue;
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if entities[a].dataset == entities[b].dataset || uf.find(a) == uf.find(b) {
                    continue;
                }
                let full_name = key.split(' ').count() >= MIN_FULL_NAME_WORDS;
                let reason = if facts_compatible(&entities[a], &entities[b]) {
                    LinkReason::NameAndFacts
                } else if full_name && share_full_date(&entities[a], &entities[b]) {
                    LinkReason::NameAndFullDate
                } else if shared_names(&name_keys[a], &name_keys[b]) >= MIN_SHARED_NAMES
                    && names_and_birth_year(&entities[a], &entities[b])
                {
                    LinkReason::SharedNames
                } else if key.contains(' ') && coordinated(&entities[a], &entities[b]) {
                    LinkReason::Coordinated
                } else {
                    continue;
                };
                if uf.union(a, b) {
                    reasons.push((entities[a].id.clone(), entities[b].id.clone(), reason));
                }
            }
        }
    }

    let mut components: HashMap<usize, Vec<Entity>> = HashMap::new();
    let roots: Vec<usize> = (0..n).map(|i| uf.find(i)).collect();
    for (entity, root) in entities.into_iter().zip(roots) {
        components.entry(root).or_default().push(entity);
    }
    let mut subjects: Vec<Subject> = components
        .into_values()
        .map(|mut records| {
            records.sort_by(|a, b| {
                dataset_rank(&a.dataset).cmp(&dataset_rank(&b.dataset)).then_with(|| a.id.cmp(&b.id))
            });
            Subject { id: records[0].id.clone(), records }
        })
        .collect();
    subjects.sort_by(|a, b| a.id.cmp(&b.id));
    (subjects, reasons)
}

#[cfg(test)]
mod tests;
