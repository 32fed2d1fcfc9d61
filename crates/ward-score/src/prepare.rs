//! Names, queries and subjects compiled for scoring: tokens with weights and keys, joined
//! neighbour pairs ("Jong Un" -> "jongun"), subjects' evidence folded for comparison.

use ward_model::{country_code, DateSpec, Gender, IdKind, NameKind, Schema, Subject};
use ward_normalize::{
    abjad_consonants, skeleton, skeleton_strength, NameHint, NormalizedName, Normalizer, Role, TokenKind,
};

use crate::rarity::Rarity;

/// A token as the scorer sees it.
#[derive(Debug, Clone)]
pub struct PTok {
    /// Latin form.
    pub text: Box<str>,
    /// Phonetic skeleton.
    pub phon: Box<str>,
    /// Synonym groups, sorted.
    pub groups: Box<[u32]>,
    /// Kind.
    pub kind: TokenKind,
    /// Role in a person's name.
    pub role: Role,
    /// Matching weight (rarity, scaled by kind).
    pub weight: f32,
    /// From a script written without short vowels (Arabic, Hebrew).
    pub abjad: bool,
    /// Consonant keys (`Token::consonants`), space-separated alternatives.
    pub cons: Box<str>,
}

/// Two neighbouring name words joined, to meet names written as one word ("Abdulrahman",
/// "Jinping", "jongun"; نجيب الله as "Najibullah").
#[derive(Debug, Clone)]
pub struct PPair {
    /// Index of the first token.
    pub first: u8,
    /// The second token's index: the next one, or the one after an Arabic article.
    pub second: u8,
    /// Joined Latin form.
    pub text: Box<str>,
    /// Phonetic skeleton of the joined form.
    pub phon: Box<str>,
    /// Synonym groups of the joined form.
    pub groups: Box<[u32]>,
    /// Consonant keys of the joined original, for two abjad words ("" otherwise).
    pub cons: Box<str>,
    /// Both words are from an abjad script.
    pub abjad: bool,
}

impl PPair {
    fn new(first: usize, second: usize, text: String, cons: String, normalizer: &Normalizer<'_>) -> PPair {
        PPair {
            first: first as u8,
            second: second as u8,
            phon: skeleton(&text).into(),
            groups: normalizer.synonyms().groups(&text).into(),
            text: text.into(),
            abjad: !cons.is_empty(),
            cons: cons.into(),
        }
    }
}

/// A name compiled for scoring.
#[derive(Debug, Clone, Default)]
pub struct PreparedName {
    /// Tokens (titles and legal forms included, with zero weight).
    pub tokens: Vec<PTok>,
    /// Joined pairs of neighbouring words.
    pub pairs: Vec<PPair>,
}

/// Most tokens a name keeps (the alignment uses 64-bit masks).
pub const MAX_TOKENS: usize = 64;

impl PreparedName {
    /// Compiles a normalised name with the given rarity table.
    pub fn new(name: &NormalizedName, rarity: &Rarity, normalizer: &Normalizer<'_>) -> PreparedName {
        let tokens: Vec<PTok> = name
            .tokens
            .iter()
            .take(MAX_TOKENS)
            .map(|t| PTok {
                text: t.text.as_str().into(),
                phon: t.phonetic.as_str().into(),
                groups: t.groups.as_slice().into(),
                kind: t.kind,
                role: t.role,
                weight: rarity.weight(t),
                abjad: t.script.is_abjad(),
                cons: t.consonants.as_str().into(),
            })
            .collect();
        let mut pairs = Vec::new();
        let source = &name.tokens[..tokens.len()];
        for a in 1..tokens.len() {
            let (a, b) = (a - 1, a);
            // Only true neighbours ("Zia ul Haq" joins as "ziaul" and "ulhaq", not "ziahaq").
            if TokenKind::joins(tokens[a].kind, tokens[b].kind) {
                let cons = if tokens[a].abjad && tokens[b].abjad {
                    abjad_consonants(&format!("{}{}", source[a].orig, source[b].orig)).join(" ")
                } else {
                    String::new()
                };
                pairs.push(PPair::new(
                    a,
                    b,
                    format!("{}{}", tokens[a].text, tokens[b].text),
                    cons,
                    normalizer,
                ));
            }
            // Two Arabic or Persian words across the article are written as one in Latin
            // (نجيب الله / Najibullah, سعد الدين / Saduddin, امان اللهی / Amanollahi): the
            // joined original's consonants, with the article's lam kept and dropped (it is
            // assimilated before a sun letter and elided after a vowel).
            let c = b + 1;
            if c < tokens.len()
                && tokens[a].kind == TokenKind::Word
                && tokens[b].kind == TokenKind::Particle
                && tokens[c].kind == TokenKind::Word
                && tokens[a].abjad
                && tokens[c].abjad
                && source[b].orig == "ال"
            {
                let mut keys = abjad_consonants(&format!("{}ال{}", source[a].orig, source[c].orig));
                keys.extend(abjad_consonants(&format!("{}{}", source[a].orig, source[c].orig)));
                keys.sort();
                keys.dedup();
                let text = format!("{}{}", tokens[a].text, tokens[c].text);
                pairs.push(PPair::new(a, c, text, keys.join(" "), normalizer));
            }
        }
        PreparedName { tokens, pairs }
    }

    /// Whether any token takes part in matching.
    pub fn is_empty(&self) -> bool {
        !self.tokens.iter().any(|t| t.kind.is_matched() && t.kind != TokenKind::Particle)
    }

    /// Number of name words and initials (not particles or generic words).
    pub fn n_words(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number | TokenKind::Initial))
            .count()
    }

    /// Whether the name reads as an organisation's (it has a legal form or a generic
    /// organisation word).
    pub fn is_org(&self) -> bool {
        self.tokens.iter().any(|t| matches!(t.kind, TokenKind::LegalForm | TokenKind::OrgWord))
    }
}

/// Whether a skeleton is strong enough to match on (two consonant classes or more).
pub(crate) fn phon_ok(key: &str) -> bool {
    skeleton_strength(key) >= 2
}

/// The name hint for a schema.
pub fn hint_for(schema: Option<Schema>) -> NameHint {
    match schema {
        Some(Schema::Person) => NameHint::Person,
        Some(Schema::LegalEntity) | None => NameHint::Unknown,
        Some(_) => NameHint::Organization,
    }
}

/// What a screening request says about the party it looks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Names (at least one): any script, any order.
    pub names: Vec<String>,
    /// Entity kind, if known.
    pub schema: Option<Schema>,
    /// Dates of birth (or build dates) as written: `1950`, `1950-03-21`, `21/03/1950`.
    pub birth_dates: Vec<String>,
    /// Nationalities or countries: alpha-2 / alpha-3 codes or names.
    pub countries: Vec<String>,
    /// Gender, for persons.
    pub gender: Option<Gender>,
    /// Identifiers: passport or ID numbers, IMO, BIC, LEI, crypto addresses.
    pub identifiers: Vec<String>,
}

impl Query {
    /// A query of one name and nothing else.
    pub fn from_name(name: &str) -> Query {
        Query { names: vec![name.to_string()], ..Query::default() }
    }
}

/// A query compiled for scoring.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    /// The names as given, with their compiled forms.
    pub names: Vec<(String, PreparedName)>,
    /// The entity kind, if given.
    pub schema: Option<Schema>,
    /// Parsed dates (unparseable ones are dropped).
    pub birth_dates: Vec<DateSpec>,
    /// Alpha-2 country codes.
    pub countries: Vec<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Identifiers folded to upper-case letters and digits.
    pub identifiers: Vec<String>,
}

impl PreparedQuery {
    /// Compiles a query.
    pub fn new(query: &Query, rarity: &Rarity, normalizer: &Normalizer<'_>) -> PreparedQuery {
        let hint = hint_for(query.schema);
        let names = query
            .names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| (n.clone(), PreparedName::new(&normalizer.normalize(n, hint), rarity, normalizer)))
            .collect();
        PreparedQuery {
            names,
            schema: query.schema,
            birth_dates: query.birth_dates.iter().filter_map(|d| DateSpec::parse(d)).collect(),
            countries: query.countries.iter().filter_map(|c| country_code(c)).map(str::to_string).collect(),
            gender: query.gender,
            identifiers: query
                .identifiers
                .iter()
                .map(|i| fold_identifier(i))
                .filter(|i| i.len() >= 4)
                .collect(),
        }
    }
}

/// Folds an identifier for comparison: upper-case letters and digits, a leading "IMO" dropped.
pub fn fold_identifier(value: &str) -> String {
    // The same folding as ward_model::Identifier::normalized.
    let folded: String = value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    match folded.strip_prefix("IMO") {
        Some(rest) if rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
        _ => folded,
    }
}

/// One name of a subject, compiled.
#[derive(Debug, Clone)]
pub struct SubjectName {
    /// Compiled form.
    pub prepared: PreparedName,
    /// Index of the record in `Subject::records`.
    pub record: u16,
    /// Index of the name in the record's `names`.
    pub name: u16,
    /// Primary, alias, weak alias, former name.
    pub kind: NameKind,
}

/// A subject compiled for scoring: names and the evidence its records give.
#[derive(Debug, Clone)]
pub struct PreparedSubject {
    /// Distinct names (a name listed by several records is kept once, in its strongest kind).
    pub names: Vec<SubjectName>,
    /// Schema.
    pub schema: Schema,
    /// Birth dates of all records.
    pub birth_dates: Vec<DateSpec>,
    /// Nationalities, citizenships and countries of all records (alpha-2), without repeats.
    pub countries: Vec<Box<str>>,
    /// Gender, if a record states one.
    pub gender: Option<Gender>,
    /// Identifiers: folded value, kind, value as listed.
    pub identifiers: Vec<(Box<str>, IdKind, Box<str>)>,
}

impl PreparedSubject {
    /// Compiles a subject from already normalised names (one per name of each record, in order).
    pub fn new(
        subject: &Subject,
        normalized: &[NormalizedName],
        rarity: &Rarity,
        normalizer: &Normalizer<'_>,
    ) -> PreparedSubject {
        let mut names: Vec<SubjectName> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut k = 0;
        for (r, record) in subject.records.iter().enumerate() {
            for (n, name) in record.names.iter().enumerate() {
                let Some(norm) = normalized.get(k) else { break };
                k += 1;
                let latin = norm.latin();
                if let Some(pos) = seen.iter().position(|s| *s == latin) {
                    // Keep the strongest kind: a name that is primary in one list and weak in
                    // another is not weak.
                    if name.kind < names[pos].kind {
                        names[pos].kind = name.kind;
                        names[pos].record = r as u16;
                        names[pos].name = n as u16;
                    }
                    continue;
                }
                seen.push(latin);
                names.push(SubjectName {
                    prepared: PreparedName::new(norm, rarity, normalizer),
                    record: r as u16,
                    name: n as u16,
                    kind: name.kind,
                });
            }
        }
        let mut countries: Vec<Box<str>> = Vec::new();
        for record in &subject.records {
            for c in record.nationalities.iter().chain(&record.citizenships).chain(&record.countries) {
                let code = country_code(c).unwrap_or(c.as_str());
                if !countries.iter().any(|x| &**x == code) {
                    countries.push(code.into());
                }
            }
        }
        PreparedSubject {
            names,
            schema: subject.schema(),
            birth_dates: subject.records.iter().flat_map(|r| r.birth_dates.iter().cloned()).collect(),
            countries,
            gender: subject.records.iter().find_map(|r| r.gender),
            identifiers: subject
                .records
                .iter()
                .flat_map(|r| r.identifiers.iter())
                .map(|i| (fold_identifier(&i.value).into(), i.kind.clone(), i.value.as_str().into()))
                .filter(|(v, _, _): &(Box<str>, IdKind, Box<str>)| v.len() >= 4)
                .collect(),
        }
    }
}

/// Normalises every name of a subject, in record then name order.
pub fn normalize_subject(subject: &Subject, normalizer: &Normalizer<'_>) -> Vec<NormalizedName> {
    subject
        .records
        .iter()
        .flat_map(|r| {
            let hint = hint_for(Some(r.schema));
            r.names.iter().map(move |n| (n, hint))
        })
        .map(|(n, hint)| normalizer.normalize(&n.full, hint))
        .collect()
}
