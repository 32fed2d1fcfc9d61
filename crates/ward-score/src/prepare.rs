//! Names, queries and subjects compiled for scoring: tokens with weights and keys, joined
//! neighbour pairs ("Jong Un" -> "jongun"), subjects' evidence folded for comparison.

use ward_model::{country_code, DateSpec, Gender, IdKind, NameKind, Schema, Subject};
use ward_normalize::{
    abjad_consonants, acronym_reading, consonant_strength, evasion_reading, han_simplified, latin_consonants,
    skeleton, skeleton_strength, tables, NameHint, NormalizedName, Normalizer, Role, Script, TokenKind,
    MIN_CONSONANT_CLASSES, MIN_STRONG_ACRONYM_LETTERS,
};

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashSet;

use crate::rarity::Rarity;

/// How a token (or two joined ones) is written, and the keys that follow from it. Listed
/// names share one `Spelling` per distinct token (see [`Interner`]): a snapshot of a million
/// names has a few hundred thousand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spelling {
    /// Latin form.
    pub text: Box<str>,
    /// Phonetic skeleton.
    pub phonetic: Box<str>,
    /// Synonym groups, sorted.
    pub groups: Box<[u32]>,
    /// Consonant keys (`Token::consonants`), space-separated alternatives.
    pub consonants: Box<str>,
    /// A Han word as written, in simplified characters ([`han_simplified`]); empty for other
    /// scripts. Two Han words are compared in their own script: characters that read alike
    /// are different names (张伟 / 章伟).
    pub native: Box<str>,
}

/// What the scorer reads of a spelling before the strings themselves: most token pairs a
/// query compares differ, and these few integers tell that without touching the strings
/// (which, for listed names, lie elsewhere in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Hash of the text.
    pub text_hash: u32,
    /// Hash of the phonetic skeleton.
    pub phonetic_hash: u32,
    /// Bit `g % 64` set for each synonym group `g`: two spellings can share a group only if
    /// their masks meet.
    pub group_mask: u64,
    /// The set of letters of the text (bit `c - 'a'`; digits and other bytes share bits): two
    /// words one edit apart differ in at most two bits.
    pub letters: u32,
    /// Length of the text in bytes (saturated: no rule tells words of 255 bytes and more
    /// apart by length).
    pub len: u8,
    /// From a script written without short vowels (Arabic, Hebrew).
    pub abjad: bool,
    /// Bit `hash % 16` set for each consonant key of at least [`MIN_CONSONANT_CLASSES`]
    /// classes: an abjad and a Latin spelling can share such a key only if these meet.
    pub consonant_bits: u16,
    /// Whether the spelling is a Han word ([`Spelling::native`] is not empty).
    pub han: bool,
    /// Whether some listed name has the word (its own document frequency, not its synonym
    /// group's: the dictionary holds rare spellings too). Set for tokens by
    /// [`PreparedName::new`]; joined pairs count as known.
    pub known: bool,
}

impl Summary {
    fn of(spelling: &Spelling, abjad: bool) -> Summary {
        Summary {
            text_hash: short_hash(&spelling.text),
            phonetic_hash: short_hash(&spelling.phonetic),
            group_mask: spelling.groups.iter().fold(0, |m, g| m | 1 << (g % 64)),
            letters: spelling.text.bytes().fold(0, |m, b| {
                m | 1
                    << match b {
                        b'a'..=b'z' => u32::from(b - b'a'),
                        b'0'..=b'9' => 26 + u32::from(b - b'0') % 5,
                        _ => 31,
                    }
            }),
            len: u8::try_from(spelling.text.len()).unwrap_or(u8::MAX),
            abjad,
            consonant_bits: spelling
                .consonants
                .split(' ')
                .filter(|k| consonant_strength(k) >= MIN_CONSONANT_CLASSES)
                .fold(0, |m, k| m | 1 << (short_hash(k) % 16)),
            han: !spelling.native.is_empty(),
            known: true,
        }
    }
}

/// Shares spellings between the listed names of a snapshot (thread-safe, for parallel builds).
#[derive(Default)]
pub struct Interner {
    shards: [Mutex<FxHashSet<Arc<Spelling>>>; 16],
}

impl Interner {
    /// The shared copy of a spelling.
    pub fn intern(&self, spelling: Spelling) -> Arc<Spelling> {
        let shard = &self.shards[(short_hash(&spelling.text) % 16) as usize];
        // A panic while holding the lock leaves the set as it was: keep using it.
        let mut set = shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = set.get(&spelling) {
            return shared.clone();
        }
        let shared = Arc::new(spelling);
        set.insert(shared.clone());
        shared
    }
}

/// A token as the scorer sees it.
#[derive(Debug, Clone)]
pub struct PreparedToken {
    /// The spelling (shared between listed names).
    pub spelling: Arc<Spelling>,
    /// Its summary, kept here so that comparing tokens rarely follows `spelling`.
    pub summary: Summary,
    /// Matching weight (rarity, scaled by kind).
    pub weight: f32,
    /// Kind.
    pub kind: TokenKind,
    /// Role in a person's name.
    pub role: Role,
}

impl PreparedToken {
    /// Latin form.
    pub fn text(&self) -> &str {
        &self.spelling.text
    }

    /// From a script written without short vowels (Arabic, Hebrew).
    pub fn abjad(&self) -> bool {
        self.summary.abjad
    }
}

/// Two neighbouring name words joined, to meet names written as one word ("Abdulrahman",
/// "Jinping", "jongun"; نجيب الله as "Najibullah").
#[derive(Debug, Clone)]
pub struct PreparedPair {
    /// Index of the first token.
    pub first: u8,
    /// The second token's index: the next one, or the one after an Arabic article.
    pub second: u8,
    /// Joined Latin form, its skeleton and groups, and for two abjad words the consonant keys
    /// of the joined original ("" otherwise).
    pub spelling: Spelling,
    /// Its summary (abjad: both words are).
    pub summary: Summary,
}

impl PreparedPair {
    fn new(
        first: usize,
        second: usize,
        text: String,
        (consonants, abjad): (String, bool),
        native: String,
        normalizer: &Normalizer<'_>,
    ) -> PreparedPair {
        let spelling = Spelling {
            phonetic: skeleton(&text).into(),
            groups: normalizer.synonyms().groups(&text).into(),
            text: text.into(),
            consonants: consonants.into(),
            native: native.into(),
        };
        PreparedPair {
            first: token_position(first),
            second: token_position(second),
            summary: Summary::of(&spelling, abjad),
            spelling,
        }
    }
}

/// A 32-bit hash of a string: equal strings have equal hashes.
pub(crate) fn short_hash(s: &str) -> u32 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    (h.finish() >> 32) as u32
}

/// A name compiled for scoring.
#[derive(Debug, Clone, Default)]
pub struct PreparedName {
    /// Tokens (titles and legal forms included, with zero weight).
    pub tokens: Vec<PreparedToken>,
    /// Joined pairs of neighbouring words.
    pub pairs: Vec<PreparedPair>,
    /// What a word must have to possibly meet one of `pairs`: lets the scorer skip reading the
    /// pairs (another place in memory) for most candidate names.
    pub pair_filter: PairFilter,
    /// Whether the name is one word transcribed into Han (of [`MIN_TRANSCRIPTION_CHARS`]
    /// characters and more), kana or Hangul: how Chinese, Japanese and Korean write a foreign
    /// person by the family name alone (卢卡申科, ルカシェンコ, 루카셴코 for Lukashenko).
    pub transcription: bool,
    /// Whether the name is an organisation's (or a vessel's) by the schema it was given with
    /// ([`NameHint::Organization`]), whatever its words.
    pub organization: bool,
    /// The script the name's first word is written in (`None` for a name of no word): a pair
    /// of names in two scripts meets only through transliteration.
    pub script: Option<Script>,
}

/// The fewest Han characters or Hangul syllables of a one-word name read as a transcription of
/// a foreign family name: Chinese and Korean names of their own have two or three.
pub const MIN_TRANSCRIPTION_CHARS: usize = 4;

/// Whether a name's only word is a transcription (see [`PreparedName::transcription`]).
fn is_transcription(name: &NormalizedName) -> bool {
    let mut words = name.tokens.iter().filter(|t| t.kind.is_matched() && t.kind != TokenKind::Particle);
    match (words.next(), words.next()) {
        (Some(word), None) => match word.script {
            Script::Kana => true,
            Script::Han | Script::Hangul => word.orig.chars().count() >= MIN_TRANSCRIPTION_CHARS,
            _ => false,
        },
        _ => false,
    }
}

/// Whether a token is a word of the name (not a title, legal form, particle or initial).
fn is_word_kind(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Word | TokenKind::OrgWord)
}

/// A summary of a name's joined pairs: a bit per text and skeleton hash, their group masks,
/// and whether one is abjad or Latin with consonant keys (those meet words of the other kind
/// by consonants, which no bit summarises).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairFilter {
    hashes: u64,
    groups: u64,
    abjad: bool,
    latin_consonants: bool,
}

impl PairFilter {
    fn of(pairs: &[PreparedPair]) -> PairFilter {
        let mut f = PairFilter::default();
        for p in pairs {
            f.hashes |= 1 << (p.summary.text_hash % 64) | 1 << (p.summary.phonetic_hash % 64);
            f.groups |= p.summary.group_mask;
            f.abjad |= p.summary.abjad;
            f.latin_consonants |= !p.summary.abjad && !p.spelling.consonants.is_empty();
        }
        f
    }

    /// Whether a word with this summary may be similar to one of the pairs (exactly, by the
    /// dictionary, the skeleton or, for abjad pairs, consonants).
    pub fn may_meet(&self, word: &Summary) -> bool {
        self.hashes & (1 << (word.text_hash % 64) | 1 << (word.phonetic_hash % 64)) != 0
            || self.groups & word.group_mask != 0
            || (self.abjad && !word.abjad)
            || (self.latin_consonants && word.abjad)
    }
}

/// Most tokens a name keeps (the alignment uses 64-bit masks).
pub const MAX_TOKENS: usize = 64;

/// A token's position as spans and masks store it: a name keeps at most [`MAX_TOKENS`] tokens.
pub(crate) fn token_position(index: usize) -> u8 {
    debug_assert!(index < MAX_TOKENS, "token {index} beyond MAX_TOKENS");
    u8::try_from(index).unwrap_or(u8::MAX)
}

/// A record's or name's position within one subject, as [`SubjectName`] stores it.
fn position_u16(index: usize) -> u16 {
    u16::try_from(index).expect("a subject holds fewer than 65,536 records, a record fewer than 65,536 names")
}

impl PreparedName {
    /// Compiles a normalised name with the given rarity table.
    /// Listed names share their spellings through `interner`; a query's are its own.
    pub fn new(
        name: &NormalizedName,
        rarity: &Rarity,
        normalizer: &Normalizer<'_>,
        interner: Option<&Interner>,
    ) -> PreparedName {
        let tokens: Vec<PreparedToken> = name
            .tokens
            .iter()
            .take(MAX_TOKENS)
            .map(|t| {
                let spelling = Spelling {
                    text: t.text.as_str().into(),
                    phonetic: t.phonetic.as_str().into(),
                    groups: t.groups.as_slice().into(),
                    consonants: t.consonants.as_str().into(),
                    native: native_form(t.script, &t.orig).into(),
                };
                let summary = Summary {
                    known: rarity.token_df(&t.text) > 0,
                    ..Summary::of(&spelling, t.script.is_abjad())
                };
                let spelling = match interner {
                    Some(interner) => interner.intern(spelling),
                    None => Arc::new(spelling),
                };
                PreparedToken { spelling, summary, weight: rarity.weight(t), kind: t.kind, role: t.role }
            })
            .collect();
        let mut pairs = Vec::new();
        let source = &name.tokens[..tokens.len()];
        for a in 1..tokens.len() {
            let (a, b) = (a - 1, a);
            // Only true neighbours ("Zia ul Haq" joins as "ziaul" and "ulhaq", not "ziahaq").
            if TokenKind::joins(tokens[a].kind, tokens[b].kind) {
                let text = format!("{}{}", tokens[a].text(), tokens[b].text());
                // Consonant keys let two abjad words meet a Latin one ("Ahmad Jan" written
                // Ahmadjan) and two Latin words an abjad one (Ali Reza / علیرضا).
                let consonants = if tokens[a].abjad() && tokens[b].abjad() {
                    (abjad_consonants(&format!("{}{}", source[a].orig, source[b].orig)).join(" "), true)
                } else if source[a].script == Script::Latin && source[b].script == Script::Latin {
                    (latin_consonants(&text), false)
                } else {
                    (String::new(), false)
                };
                let native = if tokens[a].summary.han && tokens[b].summary.han {
                    format!("{}{}", tokens[a].spelling.native, tokens[b].spelling.native)
                } else {
                    String::new()
                };
                pairs.push(PreparedPair::new(a, b, text, consonants, native, normalizer));
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
                && tokens[a].abjad()
                && tokens[c].abjad()
                && source[b].orig == "ال"
            {
                let mut keys = abjad_consonants(&format!("{}ال{}", source[a].orig, source[c].orig));
                keys.extend(abjad_consonants(&format!("{}{}", source[a].orig, source[c].orig)));
                keys.sort();
                keys.dedup();
                let text = format!("{}{}", tokens[a].text(), tokens[c].text());
                pairs.push(PreparedPair::new(a, c, text, (keys.join(" "), true), String::new(), normalizer));
            }
        }
        PreparedName {
            pair_filter: PairFilter::of(&pairs),
            tokens,
            pairs,
            transcription: is_transcription(name),
            organization: false,
            script: name.tokens.iter().find(|t| is_word_kind(t.kind)).map(|t| t.script),
        }
    }

    /// The name as given with `hint`: an organisation's name by its schema
    /// ([`PreparedName::organization`]).
    #[must_use]
    fn with_hint(mut self, hint: NameHint) -> PreparedName {
        self.organization = hint == NameHint::Organization;
        self
    }

    /// Whether any token takes part in matching.
    pub fn is_empty(&self) -> bool {
        !self.tokens.iter().any(|t| t.kind.is_matched() && t.kind != TokenKind::Particle)
    }

    /// Number of name words and initials (not particles or generic words).
    pub fn n_words(&self) -> usize {
        self.n_words_in(u64::MAX)
    }

    /// Number of name words and initials among the tokens whose bits are set in `mask`.
    pub fn n_words_in(&self, mask: u64) -> usize {
        self.tokens
            .iter()
            .enumerate()
            .filter(|&(i, t)| {
                mask & (1 << i) != 0
                    && matches!(t.kind, TokenKind::Word | TokenKind::Number | TokenKind::Initial)
            })
            .count()
    }

    /// Whether the name may name a person by the family name alone: it has a title or rank
    /// that is not also a name ("President", "Генерал", "Dr"; not "Sheikh", see
    /// [`tables::TITLES_ALSO_NAMES`]), or it is a [`PreparedName::transcription`].
    pub fn by_family_name(&self) -> bool {
        self.transcription
            || self
                .tokens
                .iter()
                .any(|t| t.kind == TokenKind::Title && !tables::contains(tables::TITLES_ALSO_NAMES, t.text()))
    }

    /// Whether the name is an organisation's: by its schema, or it has a legal form or a
    /// generic organisation word.
    pub fn is_org(&self) -> bool {
        self.organization
            || self.tokens.iter().any(|t| matches!(t.kind, TokenKind::LegalForm | TokenKind::OrgWord))
    }
}

/// The form a word is compared in within its own script: Han words in simplified characters,
/// others not at all (empty).
fn native_form(script: Script, orig: &str) -> String {
    if script == Script::Han {
        han_simplified(orig)
    } else {
        String::new()
    }
}

/// Whether a skeleton is strong enough to match on (two consonant classes or more).
pub(crate) fn skeleton_ok(key: &str) -> bool {
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
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
            .flat_map(|n| name_variants(n))
            .flat_map(|n| {
                let normalized = normalizer.normalize(&n, hint);
                // A query whose last word may be initials written without dots ("Lukashenko
                // AG", "Putin VV") is also read with that word as initials; the better reading
                // wins, and its explanation says which one it was.
                let person = last_word_may_be_initials(&normalized, hint).then(|| {
                    let reading = normalizer.normalize(&last_word_as_initials(&n), NameHint::Person);
                    let label = format!("{n} {PERSON_READING_LABEL}");
                    (label, PreparedName::new(&reading, rarity, normalizer, None))
                });
                let prepared = PreparedName::new(&normalized, rarity, normalizer, None).with_hint(hint);
                std::iter::once((n.into_owned(), prepared)).chain(person)
            })
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

/// What the explanation adds to a query name read as a person's through
/// [`last_word_may_be_initials`].
const PERSON_READING_LABEL: &str = "(last word read as initials)";

/// The longest legal form that may also be a person's initials (AG, SA, KG, LLC...).
const MAX_INITIALS_LEGAL_FORM_LEN: usize = 3;

/// Whether a name's last word, after name words only, may be the initials of a person named by
/// the family name first, written without dots: read without a schema, a legal form of at most
/// [`MAX_INITIALS_LEGAL_FORM_LEN`] letters ("Lukashenko AG"); read as a
/// person's, a word of [`DOTLESS_INITIALS_LEN`] letters with no vowel ("Putin VV"), which no
/// romanised name word is.
fn last_word_may_be_initials(name: &NormalizedName, hint: NameHint) -> bool {
    let Some((last, before)) = name.tokens.split_last() else {
        return false;
    };
    if before.is_empty() || !before.iter().all(|t| t.kind == TokenKind::Word) {
        return false;
    }
    match last.kind {
        TokenKind::LegalForm => {
            hint == NameHint::Unknown && (1..=MAX_INITIALS_LEGAL_FORM_LEN).contains(&last.text.len())
        }
        TokenKind::Word => {
            hint == NameHint::Person
                && DOTLESS_INITIALS_LEN.contains(&last.text.len())
                && last
                    .text
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() && !ROMAN_VOWELS.contains(c.to_ascii_lowercase()))
        }
        _ => false,
    }
}

/// How many letters initials written together without dots have: a given name and a patronymic,
/// or two given names and a patronymic.
const DOTLESS_INITIALS_LEN: std::ops::RangeInclusive<usize> = 2..=3;

/// The vowels of romanised names: every syllable of a romanised name word holds one.
const ROMAN_VOWELS: &str = "aeiouy";

/// A name whose last word is a legal form of letters alone ("Lukashenko AG"), with that word
/// written as the initials it may be ("Lukashenko A. G."); other names as they are.
fn last_word_as_initials(name: &str) -> Cow<'_, str> {
    let trimmed = name.trim_end();
    let Some((head, last)) = trimmed.rsplit_once(char::is_whitespace) else {
        return Cow::Borrowed(name);
    };
    if last.len() > MAX_INITIALS_LEGAL_FORM_LEN || !last.chars().all(|c| c.is_alphabetic()) {
        return Cow::Borrowed(name);
    }
    let initials: Vec<String> = last.chars().map(|c| format!("{c}.")).collect();
    Cow::Owned(format!("{head} {}", initials.join(" ")))
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
        interner: Option<&Interner>,
    ) -> PreparedSubject {
        let mut names: Vec<SubjectName> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut k = 0;
        for (r, record) in subject.records.iter().enumerate() {
            let hint = hint_for(Some(record.schema));
            for (n, name) in record.names.iter().enumerate() {
                for (_, kind) in listed_variants(&name.full, name.kind, hint) {
                    let Some(norm) = normalized.get(k) else { break };
                    k += 1;
                    let latin = norm.latin();
                    if let Some(pos) = seen.iter().position(|s| *s == latin) {
                        // Keep the strongest kind: a name that is primary in one list and weak in
                        // another is not weak.
                        if kind < names[pos].kind {
                            names[pos].kind = kind;
                            names[pos].record = position_u16(r);
                            names[pos].name = position_u16(n);
                        }
                        continue;
                    }
                    seen.push(latin);
                    names.push(SubjectName {
                        prepared: PreparedName::new(norm, rarity, normalizer, interner).with_hint(hint),
                        record: position_u16(r),
                        name: position_u16(n),
                        kind,
                    });
                }
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
        .flat_map(|(n, hint)| listed_variants(&n.full, n.kind, hint).map(move |(v, _)| (v, hint)))
        .map(|(v, hint)| normalizer.normalize(&v, hint))
        .collect()
}

/// The readings of a listed name: its [`name_variants`] in its own kind, and for an
/// organisation the acronym of each ([`acronym_reading`]): an alias when it has
/// [`MIN_STRONG_ACRONYM_LETTERS`] letters or more (and the name is no weak alias), a weak alias
/// otherwise (short acronyms meet by chance).
fn listed_variants(
    full: &str,
    kind: NameKind,
    hint: NameHint,
) -> impl Iterator<Item = (Cow<'_, str>, NameKind)> {
    name_variants(full).flat_map(move |v| {
        let acronym = (hint == NameHint::Organization).then(|| acronym_reading(&v)).flatten();
        let acronym_kind = |a: &str| {
            if a.len() >= MIN_STRONG_ACRONYM_LETTERS && kind != NameKind::Weak {
                NameKind::Alias
            } else {
                NameKind::Weak
            }
        };
        std::iter::once((v, kind))
            .chain(acronym.map(|a| (acronym_kind(&a), a)).map(|(k, a)| (Cow::Owned(a), k)))
    })
}

/// The names one name string holds: lists write a name and its spelling in another language
/// in one field ("Сергей ПРОКОПЕНКО / Сергiй ПРОКОПЕНКО"), or several aliases separated by
/// semicolons; each is matched on its own (a slash without spaces, as in "A/S", is kept). A
/// name ending in its acronym in brackets ("ISLAMIC MOVEMENT OF UZBEKISTAN (IMU)") is also
/// matched without it, as other lists and most queries leave it out. A name run together in
/// camel case or spaced out letter by letter is also matched as it reads
/// ([`evasion_reading`]: "`KimJongUn`" as "Kim Jong Un").
pub fn name_variants(full: &str) -> impl Iterator<Item = Cow<'_, str>> {
    full.split(';')
        .flat_map(|p| p.split(" / "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .flat_map(|p| std::iter::once(p).chain(without_acronym(p)))
        .flat_map(|p| std::iter::once(Cow::Borrowed(p)).chain(evasion_reading(p).map(Cow::Owned)))
}

/// A name without a trailing acronym in brackets: one word of 2 to 10 capitals, digits and
/// hyphens, after at least two other words.
fn without_acronym(name: &str) -> Option<&str> {
    let open = name.strip_suffix(')')?.rfind('(')?;
    let acronym = &name[open + 1..name.len() - 1];
    let head = name[..open].trim_end();
    let is_acronym = (2..=10).contains(&acronym.len())
        && acronym.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && acronym.bytes().any(|b| b.is_ascii_uppercase());
    (is_acronym && head.split_whitespace().count() >= 2).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::{last_word_may_be_initials, name_variants};
    use ward_normalize::{NameHint, Normalizer};

    #[test]
    fn dotless_initials() {
        let may_be = |name: &str, hint: NameHint| {
            last_word_may_be_initials(&Normalizer::embedded().normalize(name, hint), hint)
        };
        assert!(may_be("Putin VV", NameHint::Person));
        assert!(!may_be("Putin VV", NameHint::Unknown));
        assert!(may_be("Lukashenko AG", NameHint::Unknown));
        // A syllable of a name, a single word, or an organisation's name is not read so.
        assert!(!may_be("Kim Jong Un", NameHint::Person));
        assert!(!may_be("VV", NameHint::Person));
        assert!(!may_be("Putin VV", NameHint::Organization));
    }

    #[test]
    fn variants() {
        let check = |full: &str, expect: &[&str]| {
            assert_eq!(name_variants(full).collect::<Vec<_>>(), expect, "{full:?}");
        };
        check("LAVROV, Sergei", &["LAVROV, Sergei"]);
        check("Сергей ПРОКОПЕНКО / Сергiй ПРОКОПЕНКО", &["Сергей ПРОКОПЕНКО", "Сергiй ПРОКОПЕНКО"]);
        check("Zolqadr; Zolkadr;", &["Zolqadr", "Zolkadr"]);
        check("A/S Nordic", &["A/S Nordic"]);
        check(
            "ISLAMIC MOVEMENT OF UZBEKISTAN (IMU)",
            &["ISLAMIC MOVEMENT OF UZBEKISTAN (IMU)", "ISLAMIC MOVEMENT OF UZBEKISTAN"],
        );
        check("IRGC (IRGC-QF)", &["IRGC (IRGC-QF)"]);
        check("Fitiwi Abdelrazak (Tigrinya)", &["Fitiwi Abdelrazak (Tigrinya)"]);
        check("KimJongUn", &["KimJongUn", "Kim Jong Un"]);
        check("S e r g e y  L a v r o v", &["S e r g e y  L a v r o v", "Sergey Lavrov"]);
        check("McDonald", &["McDonald"]);
    }
}
