//! Names to tokens: splitting, per-script rules (Han and Hangul family-first names, the Arabic
//! article, compound "Abd al-" names), token kinds (particle, title, legal form, generic
//! organisation word, initial) and name roles (given, middle, family, patronymic).

use crate::consonant::{abjad_consonants, latin_consonants};
use crate::fold::fold;
use crate::legal_typo::misspelt_legal_form;
use crate::phonetic::skeleton;
use crate::script::{char_script, text_script, Script};
use crate::synonyms::Synonyms;
use crate::tables;
use crate::translit::{hangul_foreign, hangul_surname, to_latin};

/// What a token is, for weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A name word.
    Word,
    /// A single letter (an initial).
    Initial,
    /// A particle (al, bin, van, de, of): matches, weighs almost nothing.
    Particle,
    /// A title or honorific (Dr, Sheikh, Mullah): ignored by matching.
    Title,
    /// A legal form (LLC, ООО, `GmbH`, 有限公司): ignored by matching.
    LegalForm,
    /// A generic organisation word (Trading, Bank, Group): matches, weighs little.
    OrgWord,
    /// A number (vessel names, "5 Batallion").
    Number,
}

impl TokenKind {
    /// Whether matching takes the token into account at all.
    pub fn is_matched(self) -> bool {
        !matches!(self, TokenKind::Title | TokenKind::LegalForm)
    }

    /// Whether two neighbouring tokens of these kinds are also compared joined as one word:
    /// "Abdul Rahman" / "Abdulrahman", "al Hasan" / "alHasan", "Rashid Trust" / "Rashidtrust".
    /// Two generic words or a particle and a generic word never make a name on their own.
    pub fn joins(first: TokenKind, second: TokenKind) -> bool {
        matches!(
            (first, second),
            (TokenKind::Word, TokenKind::Word | TokenKind::OrgWord)
                | (TokenKind::Particle | TokenKind::OrgWord, TokenKind::Word)
        )
    }
}

/// The role of a token in a person's name, as far as its position and form tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// First given name.
    Given,
    /// Middle name (or any name between the first and the last).
    Middle,
    /// Family name.
    Family,
    /// Patronymic (Viktorovich) or father's name after bin/ibn.
    Patronymic,
    /// Unknown (one-word names, organisations).
    Unknown,
}

/// What kind of party a name belongs to, as far as the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameHint {
    /// A person: no legal forms or organisation words.
    Person,
    /// An organisation, company, vessel or aircraft: no titles or person roles.
    Organization,
    /// Unknown (a query without a schema).
    Unknown,
}

/// One token of a normalised name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Latin form: lower-case ASCII letters and digits.
    pub text: String,
    /// Folded form in the original script (equal to `text` for plain Latin words).
    pub orig: String,
    /// Script of the original.
    pub script: Script,
    /// Kind, for weighting.
    pub kind: TokenKind,
    /// Role in a person's name.
    pub role: Role,
    /// Phonetic skeleton key of `text`.
    pub phonetic: String,
    /// Synonym-dictionary group ids of `orig` and `text`, sorted.
    pub groups: Vec<u32>,
    /// Consonant keys for matching across abjad and Latin spellings: one for a Latin token,
    /// the alternatives of an Arabic or Hebrew one, separated by spaces; empty for other scripts.
    pub consonants: String,
}

/// A name split into tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizedName {
    /// The tokens, in the order of the name.
    pub tokens: Vec<Token>,
}

impl NormalizedName {
    /// The Latin forms joined by spaces (titles and legal forms included).
    pub fn latin(&self) -> String {
        let words: Vec<&str> = self.tokens.iter().map(|t| t.text.as_str()).collect();
        words.join(" ")
    }

    /// The tokens that take part in matching (no titles or legal forms).
    pub fn matched_tokens(&self) -> impl Iterator<Item = &Token> {
        self.tokens.iter().filter(|t| t.kind.is_matched())
    }
}

/// Normalises names with one synonym dictionary.
#[derive(Clone, Copy)]
pub struct Normalizer<'a> {
    synonyms: &'a Synonyms,
}

/// A word before kinds and roles are known.
struct Raw {
    orig: String,
    text: String,
    script: Script,
    before_comma: bool,
    family_first: bool,
    forced_kind: Option<TokenKind>,
}

/// Han family names of two characters (欧阳, 司马...), kept together when a name is split.
const HAN_COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "司徒", "东方", "東方", "皇甫", "慕容", "令狐",
    "夏侯", "尉迟",
];

/// Spellings of the first half of "Abd al-X" names written as their own word.
const ABD_PREFIXES: &[&str] = &[
    "abd", "abdu", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdou", "abdur", "abdar", "abder", "abdil",
    "abdus",
];

/// Canonical form of a word starting with "abd": the article between "abd" and the name is
/// dropped, with sun-letter doubling undone, so that Abdulrahman, Abdurrahman, Abd al-Rahman and
/// عبد الرحمن all become "abdrahman" (and Abdullah, Abdallah "abdlah").
pub fn canon_abd(word: &str) -> String {
    let Some(tail) = word.strip_prefix("abd") else {
        return word.to_string();
    };
    if tail.len() < 3 {
        return word.to_string();
    }
    let tail = tail.trim_start_matches(['a', 'e', 'i', 'o', 'u']);
    let b = tail.as_bytes();
    let is_cons = |c: u8| c.is_ascii_alphabetic() && !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    // "l" + consonant is the article (ulrahman); a doubled consonant is the article assimilated
    // to a sun letter (urrahman).
    let article = b.len() >= 3 && ((b[0] == b'l' && is_cons(b[1])) || (b[0] == b[1] && is_cons(b[0])));
    let tail = if article { &tail[1..] } else { tail };
    if tail.len() < 2 {
        return word.to_string();
    }
    format!("abd{tail}")
}

/// The fewest letters of the name in a compound "Abd al-X" that [`abd_compound_tail`] gives:
/// shorter tails (Abdallah's "lah") are no name of their own.
pub const ABD_TAIL_MIN_LEN: usize = 4;

/// The name X of a compound "Abd al-X" in its [`canon_abd`] form ("abdrahim" -> "rahim"), if
/// it has at least [`ABD_TAIL_MIN_LEN`] letters. "Abdul Rahim" and "Rahim" are two names that
/// share the second half: the scorer counts them as a partial match and the candidate index
/// keys the compound by its tail too, so that the two meet.
pub fn abd_compound_tail(text: &str) -> Option<&str> {
    text.strip_prefix("abd").filter(|tail| tail.len() >= ABD_TAIL_MIN_LEN)
}

fn is_separator(c: char) -> bool {
    if c.is_whitespace() {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_punctuation() && c != '.';
    }
    matches!(c as u32,
        0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2000..=0x206F | 0x2E00..=0x2E7F | 0x3000..=0x303F | 0x30FB
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x060C | 0x061B | 0x061F
            | 0x066A..=0x066D | 0x06D4 | 0x0964 | 0x0965 | 0xFE50..=0xFE6B)
}

impl Normalizer<'static> {
    /// A normaliser with the embedded synonym dictionary.
    pub fn embedded() -> Normalizer<'static> {
        Normalizer { synonyms: Synonyms::embedded() }
    }
}

impl<'a> Normalizer<'a> {
    /// A normaliser with the given synonym dictionary.
    pub fn new(synonyms: &'a Synonyms) -> Normalizer<'a> {
        Normalizer { synonyms }
    }

    /// The dictionary in use.
    pub fn synonyms(&self) -> &'a Synonyms {
        self.synonyms
    }

    /// Normalises one name.
    pub fn normalize(&self, text: &str, hint: NameHint) -> NormalizedName {
        let folded = fold(text);
        let mut raws = self.split(&folded, hint);
        merge_abd(&mut raws);
        if hint != NameHint::Person {
            split_glued_legal_forms(&mut raws);
            correct_legal_typos(&mut raws, hint);
            merge_legal_phrases(&mut raws);
        }
        read_numbers(&mut raws, hint);
        let kinds = assign_kinds(&raws, hint);
        let roles = assign_roles(&raws, &kinds, hint);
        let tokens = raws
            .into_iter()
            .zip(kinds)
            .zip(roles)
            .map(|((raw, kind), role)| {
                let mut groups: Vec<u32> = self.synonyms.groups(&raw.text).to_vec();
                if raw.orig != raw.text {
                    groups.extend_from_slice(self.synonyms.groups(&raw.orig));
                }
                if role == Role::Patronymic {
                    for stem in patronymic_stems(&raw.text) {
                        groups.extend(self.synonyms.groups(&stem).iter().map(|g| g | PATRONYMIC_GROUP));
                    }
                }
                groups.sort_unstable();
                groups.dedup();
                let consonants = match raw.script {
                    Script::Arabic | Script::Hebrew => abjad_consonants(&raw.orig).join(" "),
                    Script::Latin | Script::Common => latin_consonants(&raw.text),
                    _ => String::new(),
                };
                Token {
                    consonants,
                    phonetic: skeleton(&raw.text),
                    text: raw.text,
                    orig: raw.orig,
                    script: raw.script,
                    kind,
                    role,
                    groups,
                }
            })
            .collect();
        NormalizedName { tokens }
    }

    fn split(&self, folded: &str, hint: NameHint) -> Vec<Raw> {
        let comma = if hint == NameHint::Organization { None } else { folded.find([',', '،']) };
        let mut raws = Vec::new();
        let mut start = None;
        let push_word = |raws: &mut Vec<Raw>, from: usize, to: usize| {
            let before_comma = comma.is_some_and(|c| from < c);
            split_word(&folded[from..to], before_comma, hint, raws);
        };
        for (i, c) in folded.char_indices() {
            if is_separator(c) {
                if let Some(s) = start.take() {
                    push_word(&mut raws, s, i);
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            push_word(&mut raws, s, folded.len());
        }
        raws
    }
}

/// Latin and Cyrillic letters that look alike (lower case, as folded).
const HOMOGLYPHS: &[(char, char)] = &[
    ('a', 'а'),
    ('b', 'в'),
    ('c', 'с'),
    ('e', 'е'),
    ('h', 'н'),
    ('i', 'і'),
    ('j', 'ј'),
    ('k', 'к'),
    ('m', 'м'),
    ('o', 'о'),
    ('p', 'р'),
    ('s', 'ѕ'),
    ('t', 'т'),
    ('x', 'х'),
    ('y', 'у'),
];

/// A word written in one of Latin and Cyrillic with a few look-alike letters of the other
/// ("Xомяков" with a Latin X, "Сергiй" with a Latin i, or a deliberate "Рutin"), in its
/// main script: the letters of the script with fewer letters are swapped when all of them
/// have a look-alike. Other words are returned as they are.
fn repair_homoglyphs(word: &str) -> std::borrow::Cow<'_, str> {
    let (mut latin, mut cyrillic) = (0, 0);
    for c in word.chars() {
        match char_script(c) {
            Script::Latin => latin += 1,
            Script::Cyrillic => cyrillic += 1,
            _ => {}
        }
    }
    if latin == 0 || cyrillic == 0 || latin == cyrillic {
        return word.into();
    }
    let to_cyrillic = cyrillic > latin;
    let swap = |c: char| -> Option<char> {
        HOMOGLYPHS.iter().find_map(|&(l, cy)| match to_cyrillic {
            true if c == l => Some(cy),
            false if c == cy => Some(l),
            _ => None,
        })
    };
    let minority = if to_cyrillic { Script::Latin } else { Script::Cyrillic };
    if word.chars().filter(|c| char_script(*c) == minority).any(|c| swap(c).is_none()) {
        return word.into();
    }
    word.chars().map(|c| if char_script(c) == minority { swap(c).unwrap_or(c) } else { c }).collect()
}

/// Splits one separator-free word: dots, then script runs, then per-script rules.
fn split_word(word: &str, before_comma: bool, hint: NameHint, raws: &mut Vec<Raw>) {
    let word = repair_homoglyphs(word);
    let pieces: Vec<&str> = word.split('.').filter(|p| !p.is_empty()).collect();
    if pieces.is_empty() {
        return;
    }
    // "S.A.", "U.S.A.", "L.L.C." are abbreviations written with dots: join them. In a
    // person's name they are initials ("A.G." for Alexander Grigoryevich), each its own word,
    // and so in a name of unknown kind unless they spell a legal form or an organisation word.
    if pieces.len() >= 2 && pieces.iter().all(|p| p.chars().count() == 1) {
        let joined: String = pieces.concat();
        let abbreviation = match hint {
            NameHint::Person => false,
            NameHint::Organization => true,
            NameHint::Unknown => {
                let latin = to_latin(&joined, text_script(&joined));
                tables::contains(tables::LEGAL_FORMS, &latin) || tables::contains(tables::ORG_WORDS, &latin)
            }
        };
        if abbreviation {
            split_runs(&joined, before_comma, hint, raws);
            return;
        }
    }
    for piece in pieces {
        split_runs(piece, before_comma, hint, raws);
    }
}

fn split_runs(word: &str, before_comma: bool, hint: NameHint, raws: &mut Vec<Raw>) {
    // A Han or Hangul run is read as a personal name only when it is the whole word; inside a
    // mixed word (Japanese kana + kanji, "Hikvision中国") it is a run of syllables.
    let mixed = {
        let mut scripts = word.chars().map(char_script).filter(|s| *s != Script::Common);
        let first = scripts.next();
        scripts.any(|s| Some(s) != first)
    };
    let hint = if mixed { NameHint::Organization } else { hint };
    let mut run_start = 0;
    let mut run_script = Script::Common;
    for (i, c) in word.char_indices() {
        let script = char_script(c);
        if script == Script::Common {
            continue;
        }
        if run_script == Script::Common {
            run_script = script;
        } else if script != run_script {
            push_run(&word[run_start..i], run_script, before_comma, hint, raws);
            run_start = i;
            run_script = script;
        }
    }
    push_run(&word[run_start..], run_script, before_comma, hint, raws);
}

fn raw(orig: &str, script: Script, before_comma: bool) -> Raw {
    Raw {
        orig: orig.to_string(),
        text: to_latin(orig, script),
        script,
        before_comma,
        family_first: false,
        forced_kind: None,
    }
}

/// The longest known organisation word ([`tables::HAN_ORG_WORDS`]) that `text` starts with,
/// and its English translation.
fn han_org_word(text: &str) -> Option<(&'static str, &'static str)> {
    tables::HAN_ORG_WORDS
        .iter()
        .filter(|(han, _)| text.starts_with(han))
        .max_by_key(|(han, _)| han.len())
        .copied()
}

/// A Han run of an organisation's (or unknown) name: the longest known word at each position,
/// read as its English translation, else one syllable.
fn push_han_org(body: &str, before_comma: bool, hint: NameHint, raws: &mut Vec<Raw>) {
    let mut k = 0;
    while k < body.len() {
        let rest = &body[k..];
        if let Some((han, english)) = han_org_word(rest) {
            let mut r = raw(han, Script::Han, before_comma);
            r.text = english.to_string();
            raws.push(r);
            k += han.len();
            continue;
        }
        let c = rest.chars().next().map_or(1, char::len_utf8);
        let mut r = raw(&rest[..c], Script::Han, before_comma);
        // 市 or 省 after a place name of two syllables or more.
        if k >= 6 && tables::HAN_PLACE_SUFFIXES.contains(&&rest[..c]) {
            r.forced_kind = Some(TokenKind::Particle);
        }
        r.family_first = k == 0 && hint != NameHint::Organization;
        raws.push(r);
        k += c;
    }
}

/// The fewest letters of an Arabic word for it to be read as two names written together across
/// the article (عبدالملكالحوثي, Abdulmalik al-Houthi): single names, compounds such as
/// عبدالرحمن and نورالدين included, are shorter.
const MIN_GLUED_ARABIC_LETTERS: usize = 10;

/// The fewest letters on each side of an inner article for the word to be split there.
const MIN_ARABIC_NAME_LETTERS: usize = 3;

/// Where a long Arabic word holds a second name starting with the article: the last "ال" with
/// at least [`MIN_ARABIC_NAME_LETTERS`] letters before it and after it.
fn inner_article(run: &str) -> Option<usize> {
    let n_chars = run.chars().count();
    let articles: Vec<usize> = run.match_indices("ال").map(|(at, _)| at).filter(|&at| at > 0).collect();
    articles.into_iter().rev().find(|&at| {
        let before = run[..at].chars().count();
        before >= MIN_ARABIC_NAME_LETTERS && n_chars - before - 2 >= MIN_ARABIC_NAME_LETTERS
    })
}

fn push_run(run: &str, script: Script, before_comma: bool, hint: NameHint, raws: &mut Vec<Raw>) {
    if run.is_empty() {
        return;
    }
    let n_chars = run.chars().count();
    match script {
        Script::Han if hint != NameHint::Organization && tables::han_transcription(run).is_some() => {
            // A foreign name in Chinese transcription characters (卢卡申科, Lukashenko): one
            // word, read by the table.
            let mut r = raw(run, script, before_comma);
            r.text = tables::han_transcription(run).unwrap_or_default();
            raws.push(r);
        }
        Script::Han => {
            let mut body = run;
            let mut legal = None;
            if hint != NameHint::Person && n_chars >= 2 {
                // A run that is only a legal form ("（深圳）有限公司") is one, when other words
                // precede it.
                let whole_ok = !raws.is_empty();
                if let Some(suffix) = tables::HAN_LEGAL_SUFFIXES
                    .iter()
                    .find(|s| run.ends_with(*s) && (run.len() > s.len() || whole_ok))
                {
                    body = &run[..run.len() - suffix.len()];
                    legal = Some(*suffix);
                }
            }
            let n_body = body.chars().count();
            // A known organisation word (船務, 科技) or anything before the run makes it an
            // organisation's name, whatever the hint.
            let org_words = (0..body.len())
                .filter(|&k| body.is_char_boundary(k))
                .any(|k| han_org_word(&body[k..]).is_some());
            if hint != NameHint::Organization
                && (2..=4).contains(&n_body)
                && legal.is_none()
                && raws.is_empty()
                && !org_words
            {
                // A Chinese personal name: family name (one character, or a known compound),
                // then the given name as one word (王毅 -> wang yi, 习近平 -> xi jinping).
                let split_at = HAN_COMPOUND_SURNAMES
                    .iter()
                    .find(|s| body.starts_with(*s) && body.len() > s.len())
                    .map_or_else(|| body.chars().next().map_or(0, char::len_utf8), |s| s.len());
                for (k, part) in [&body[..split_at], &body[split_at..]].into_iter().enumerate() {
                    let mut r = raw(part, script, before_comma);
                    r.family_first = k == 0;
                    raws.push(r);
                }
            } else if hint == NameHint::Person {
                for (k, c) in body.char_indices() {
                    let mut r = raw(&body[k..k + c.len_utf8()], script, before_comma);
                    r.family_first = k == 0;
                    raws.push(r);
                }
            } else {
                push_han_org(body, before_comma, hint, raws);
            }
            if let Some(suffix) = legal {
                let mut r = raw(suffix, script, before_comma);
                r.forced_kind = Some(TokenKind::LegalForm);
                raws.push(r);
            }
        }
        Script::Hangul
            if hint != NameHint::Organization
                && n_chars >= 2
                && !run.chars().next().is_some_and(tables::is_korean_surname) =>
        {
            // A name that does not start with a Korean family name is a foreign name in
            // Hangul transcription (루카셴코, Lukashenko): one word, read by its own rules.
            let mut r = raw(run, script, before_comma);
            r.text = hangul_foreign(run);
            raws.push(r);
        }
        Script::Hangul if hint != NameHint::Organization && (2..=4).contains(&n_chars) => {
            // A Korean personal name: family syllable, then the given name (김정은 -> kim jongun).
            let first = run.chars().next().unwrap_or_default();
            let mut family = raw(&run[..first.len_utf8()], script, before_comma);
            if let Some(spelling) = hangul_surname(first) {
                family.text = spelling.to_string();
            }
            family.family_first = true;
            raws.push(family);
            raws.push(raw(&run[first.len_utf8()..], script, before_comma));
        }
        Script::Arabic if n_chars >= MIN_GLUED_ARABIC_LETTERS && inner_article(run).is_some() => {
            let at = inner_article(run).unwrap_or(run.len());
            push_run(&run[..at], script, before_comma, hint, raws);
            push_run(&run[at..], script, before_comma, hint, raws);
        }
        Script::Arabic if n_chars > 3 && run.starts_with("ال") => {
            // The article is its own particle: القذافي -> al qdhafy.
            let mut article = raw("ال", script, before_comma);
            article.text = "al".to_string();
            raws.push(article);
            raws.push(raw(&run["ال".len()..], script, before_comma));
        }
        _ => {
            let r = raw(run, script, before_comma);
            if !r.text.is_empty() {
                raws.push(r);
            }
        }
    }
    raws.retain(|r| !r.text.is_empty());
}

/// Joins "Abd al-Rahman", "Abdul Rahman" and "عبد الرحمن" into one canonical word.
fn merge_abd(raws: &mut Vec<Raw>) {
    let mut i = 0;
    while i < raws.len() {
        if raws[i].text.starts_with("abd") && raws[i].text.len() >= 7 {
            raws[i].text = canon_abd(&raws[i].text);
        }
        if ABD_PREFIXES.contains(&raws[i].text.as_str()) && i + 1 < raws.len() {
            let mut j = i + 1;
            let article = matches!(
                raws[j].text.as_str(),
                "al" | "el"
                    | "ul"
                    | "ar"
                    | "ur"
                    | "er"
                    | "as"
                    | "us"
                    | "ad"
                    | "ud"
                    | "an"
                    | "un"
                    | "ash"
                    | "at"
                    | "az"
            );
            if article && j + 1 < raws.len() {
                j += 1;
            }
            let mut joined = raws[i].text.clone();
            // The article stays in `joined` so that canon_abd can undo it with sun-letter doubling.
            let mut orig = raws[i].orig.clone();
            for r in &raws[i + 1..=j] {
                joined.push_str(&r.text);
                orig.push_str(&r.orig);
            }
            raws[i].text = canon_abd(&joined);
            raws[i].orig = orig;
            raws.drain(i + 1..=j);
        }
        i += 1;
    }
}

/// The fewest letters left before a legal form glued to a name for it to be split off.
const MIN_NAME_BEFORE_GLUED_LEGAL_FORM: usize = 4;

/// Splits a legal form glued to the end of a Latin word ("gazprompjsc" -> "gazprom" "pjsc").
fn split_glued_legal_forms(raws: &mut Vec<Raw>) {
    let mut i = 0;
    while i < raws.len() {
        let r = &raws[i];
        let suffix = (r.script == Script::Latin && r.forced_kind.is_none())
            .then(|| {
                tables::GLUED_LEGAL_SUFFIXES.iter().find(|s| {
                    r.text.len() >= s.len() + MIN_NAME_BEFORE_GLUED_LEGAL_FORM && r.text.ends_with(*s)
                })
            })
            .flatten();
        if let Some(suffix) = suffix {
            let head = r.text.len() - suffix.len();
            let mut legal = raw(suffix, Script::Latin, r.before_comma);
            legal.forced_kind = Some(TokenKind::LegalForm);
            raws[i].text.truncate(head);
            if raws[i].orig.len() > head && raws[i].orig.is_char_boundary(head) {
                raws[i].orig.truncate(head);
            }
            raws.insert(i + 1, legal);
            i += 1;
        }
        i += 1;
    }
}

/// The value of a Roman numeral of I, V and X (1 to 20), the numerals that end organisation
/// names ("Agusta Grand I", "Fund II"). A lone V or X is left as it is: it ends vessel names as
/// a letter as often as a number ("MARIE DE LOURDES V" must not meet "MARIE 5"); C, D, L and M
/// alone are initials.
fn roman_value(text: &str) -> Option<u32> {
    const ROMAN: &[&str] = &[
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi",
        "xvii", "xviii", "xix", "xx",
    ];
    if matches!(text, "v" | "x") {
        return None;
    }
    ROMAN.iter().position(|r| *r == text).map(|p| p as u32 + 1)
}

/// Reads numbers one way: ordinals written with digits ("1st", "44th") as their digits in any
/// name; in organisations' names also number words ("First", "forty-four", "Forty Four") and a
/// Roman numeral ending the name before its legal form ("AGUSTA GRAND I LLC").
fn read_numbers(raws: &mut Vec<Raw>, hint: NameHint) {
    for r in raws.iter_mut() {
        let digits = r.text.trim_end_matches(|c: char| c.is_ascii_lowercase());
        let suffix = &r.text[digits.len()..];
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && matches!(suffix, "st" | "nd" | "rd" | "th")
        {
            r.text = digits.to_string();
        }
    }
    if hint == NameHint::Person {
        return;
    }
    let mut i = 0;
    while i < raws.len() {
        let tens = tables::value_of(tables::TENS_WORDS, &raws[i].text);
        let unit = |k: usize| raws.get(k).and_then(|r| tables::value_of(tables::NUMBER_WORDS, &r.text));
        let (value, n_words) = match (tens, unit(i + 1)) {
            (Some(tens), Some(unit)) if unit < 10 => (Some(tens + unit), 2),
            (Some(tens), _) => (Some(tens), 1),
            (None, _) => (unit(i), 1),
        };
        if let Some(value) = value {
            raws[i].text = value.to_string();
            let orig: Vec<String> = raws[i..i + n_words].iter().map(|r| r.orig.clone()).collect();
            raws[i].orig = orig.join(" ");
            raws.drain(i + 1..i + n_words);
        }
        i += 1;
    }
    let is_legal = |r: &Raw| {
        r.forced_kind == Some(TokenKind::LegalForm) || tables::contains(tables::LEGAL_FORMS, &r.text)
    };
    let org_like = hint == NameHint::Organization
        || raws.iter().any(|r| is_legal(r) || tables::contains(tables::ORG_WORDS, &r.text));
    let last = raws.iter().rposition(|r| !is_legal(r));
    if let Some(last) = last.filter(|&last| org_like && last >= 1) {
        if let Some(value) = roman_value(&raws[last].text) {
            raws[last].text = value.to_string();
        }
    }
}

/// Reads misspelt legal forms as the forms they misspell ([`misspelt_legal_form`]) in a name
/// that is an organisation's: by its hint, or by a legal form or generic organisation word it
/// has. Elsewhere such a word may be a person's name.
fn correct_legal_typos(raws: &mut [Raw], hint: NameHint) {
    let org_like = hint == NameHint::Organization
        || raws.iter().any(|r| {
            tables::contains(tables::LEGAL_FORMS, &r.text) || tables::contains(tables::ORG_WORDS, &r.text)
        });
    if !org_like {
        return;
    }
    for raw in raws.iter_mut().filter(|r| r.script == Script::Latin) {
        if let Some(form) = misspelt_legal_form(&raw.text) {
            raw.text = form.to_string();
        }
    }
}

/// Replaces multi-word legal forms ("limited liability company", "sdn bhd") by one token.
fn merge_legal_phrases(raws: &mut Vec<Raw>) {
    let mut i = 0;
    while i < raws.len() {
        let found = tables::LEGAL_PHRASES
            .iter()
            .filter(|p| p.len() <= raws.len() - i && p.iter().zip(&raws[i..]).all(|(w, r)| *w == r.text))
            .max_by_key(|p| p.len());
        if let Some(phrase) = found {
            let n = phrase.len();
            raws[i].text = phrase.concat();
            let orig: Vec<String> = raws[i..i + n].iter().map(|r| r.orig.clone()).collect();
            raws[i].orig = orig.join(" ");
            raws[i].forced_kind = Some(TokenKind::LegalForm);
            raws.drain(i + 1..i + n);
        }
        i += 1;
    }
}

/// A single letter of an alphabet: a Latin one in any name; a Cyrillic or Greek one (read as
/// one or two Latin letters: А -> a, Ж -> zh) in a name that is not an organisation's, where
/// one-letter words are conjunctions and prepositions (и, в).
fn is_initial(raw: &Raw, hint: NameHint) -> bool {
    let one_letter = raw.orig.chars().count() == 1 && !raw.text.is_empty();
    match raw.script {
        Script::Latin => raw.text.len() == 1,
        Script::Cyrillic | Script::Greek => one_letter && hint != NameHint::Organization,
        _ => false,
    }
}

fn assign_kinds(raws: &[Raw], hint: NameHint) -> Vec<TokenKind> {
    let n = raws.len();
    let n_titles = raws.iter().filter(|r| tables::contains(tables::TITLES, &r.text)).count();
    let mut kinds: Vec<TokenKind> = raws
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if let Some(kind) = r.forced_kind {
                return kind;
            }
            let t = r.text.as_str();
            if hint != NameHint::Person
                && tables::contains(tables::LEGAL_FORMS, t)
                && (!tables::contains(tables::AMBIGUOUS_LEGAL_FORMS, t) || (n >= 2 && (i == 0 || i == n - 1)))
            {
                return TokenKind::LegalForm;
            }
            if hint != NameHint::Organization && n > n_titles && tables::contains(tables::TITLES, t) {
                return TokenKind::Title;
            }
            if n >= 2 && tables::contains(tables::PARTICLES, t) {
                return TokenKind::Particle;
            }
            if hint != NameHint::Person && tables::contains(tables::ORG_WORDS, t) {
                return TokenKind::OrgWord;
            }
            if t.bytes().all(|b| b.is_ascii_digit()) {
                return TokenKind::Number;
            }
            if is_initial(r, hint) {
                return TokenKind::Initial;
            }
            TokenKind::Word
        })
        .collect();
    // An article before a title belongs to it (الشيخ, "the Sheikh"): both are dropped.
    let has_word =
        kinds.iter().any(|k| matches!(k, TokenKind::Word | TokenKind::Number | TokenKind::Initial));
    for i in 1..n {
        if has_word && kinds[i] == TokenKind::Title && kinds[i - 1] == TokenKind::Particle {
            kinds[i - 1] = TokenKind::Title;
        }
    }
    // A name made only of legal forms and generic words ("Bank", "Trading Company") keeps its
    // words: otherwise it would have nothing left to match on.
    if !kinds.iter().any(|k| matches!(k, TokenKind::Word | TokenKind::Number | TokenKind::Initial)) {
        for (k, r) in kinds.iter_mut().zip(raws) {
            if *k == TokenKind::LegalForm && r.forced_kind.is_none() && !kinds_has_org(raws) {
                *k = TokenKind::Word;
            }
        }
    }
    kinds
}

fn kinds_has_org(raws: &[Raw]) -> bool {
    raws.iter().any(|r| tables::contains(tables::ORG_WORDS, &r.text))
}

/// The endings of patronymics made from a father's given name, in Russian, Ukrainian and
/// Belarusian romanisations (Igorevich / Ihorovych, Stanislavovich / Stanislavavich,
/// Nikolaevna / Mikalaeuna).
const PATRONYMIC_STEM_ENDINGS: &[&str] =
    &["ovich", "evich", "ovych", "evych", "avich", "ovna", "evna", "ivna", "auna", "euna", "ichna"];

/// The spellings a patronymic's father's name may have: the word without a patronymic ending,
/// alone, with the -i / -y the ending absorbed (Alekseevich: aleksei, Andriyovych: andriy), and
/// with the e the ending dropped before the last consonant (Pavlovich: pavel).
/// A patronymic carries the synonym groups of these (marked [`PATRONYMIC_GROUP`]), so that two romanisations of one
/// patronymic meet through the dictionary as their given names do.
fn patronymic_stems(word: &str) -> impl Iterator<Item = String> + '_ {
    PATRONYMIC_STEM_ENDINGS
        .iter()
        .filter_map(move |ending| word.strip_suffix(ending))
        .filter(|stem| stem.len() >= MIN_PATRONYMIC_STEM_LEN)
        .flat_map(|stem| {
            let (head, last) = stem.split_at(stem.len() - 1);
            ["", "i", "y"]
                .into_iter()
                .map(move |end| format!("{stem}{end}"))
                .chain([format!("{head}e{last}")])
        })
}

/// Marks the synonym group of a patronymic's stem ([`patronymic_stems`]): a patronymic made
/// from Aleksei meets another made from Aleksei, never the given name Aleksei itself (Sergei
/// Mikhailovich and Mikhail Sergeyevich are two people). The dictionary numbers far fewer groups.
pub const PATRONYMIC_GROUP: u32 = 1 << 31;

/// The fewest letters of a patronymic's stem looked up in the dictionary.
const MIN_PATRONYMIC_STEM_LEN: usize = 3;

/// Whether a word ends like a patronymic (a family name may too: Abramovich, Rabinovich).
fn is_patronymic(word: &str) -> bool {
    tables::PATRONYMIC_SUFFIXES.iter().any(|s| word.len() > s.len() + 2 && word.ends_with(s))
}

/// The three words of a name written in the official Russian and Ukrainian order, family name,
/// given name, patronymic ("Тайсаев Казбек Куцукович"): the last ends like a patronymic and
/// the middle one does not. A family name that ends like a patronymic comes last only after a
/// patronymic ("Roman Arkadyevich Abramovich"), which the middle word then is.
/// All three are whole words: after initials the last word is the family name ("M. P.
/// Bedunkevich").
fn patronymic_last(raws: &[Raw], kinds: &[TokenKind], words: &[usize]) -> Option<[usize; 3]> {
    let &[family, given, patronymic] = words else {
        return None;
    };
    (words.iter().all(|&i| kinds[i] == TokenKind::Word)
        && is_patronymic(&raws[patronymic].text)
        && !is_patronymic(&raws[given].text))
    .then_some([family, given, patronymic])
}

fn assign_roles(raws: &[Raw], kinds: &[TokenKind], hint: NameHint) -> Vec<Role> {
    let mut roles = vec![Role::Unknown; raws.len()];
    // Organisations have no given or middle names: with a legal form or a generic
    // organisation word, every word counts in full.
    let org_like = kinds.iter().any(|k| matches!(k, TokenKind::LegalForm | TokenKind::OrgWord));
    if hint == NameHint::Organization || org_like {
        return roles;
    }
    let words: Vec<usize> =
        (0..raws.len()).filter(|&i| matches!(kinds[i], TokenKind::Word | TokenKind::Initial)).collect();
    if words.len() < 2 {
        return roles;
    }
    let family_first = raws[words[0]].family_first;
    let has_comma = raws.iter().any(|r| r.before_comma) && words.iter().any(|&i| !raws[i].before_comma);
    if family_first {
        roles[words[0]] = Role::Family;
        for &i in &words[1..] {
            roles[i] = Role::Given;
        }
    } else if has_comma {
        let mut seen_given = false;
        for &i in &words {
            roles[i] = if raws[i].before_comma {
                Role::Family
            } else if !seen_given {
                seen_given = true;
                Role::Given
            } else {
                Role::Middle
            };
        }
    } else if let Some([family, given, patronymic]) = patronymic_last(raws, kinds, &words) {
        roles[family] = Role::Family;
        roles[given] = Role::Given;
        roles[patronymic] = Role::Patronymic;
    } else {
        for (k, &i) in words.iter().enumerate() {
            roles[i] = if k == 0 {
                Role::Given
            } else if k == words.len() - 1 {
                Role::Family
            } else {
                Role::Middle
            };
        }
    }
    for (k, r) in raws.iter().enumerate() {
        let t = r.text.as_str();
        if tables::contains(tables::KINSHIP, t) {
            if let Some(next) = words.iter().copied().find(|&i| i > k) {
                if Some(&next) != words.last() {
                    roles[next] = Role::Patronymic;
                }
            }
        }
        if matches!(kinds[k], TokenKind::Word) && is_patronymic(t) && roles[k] != Role::Family {
            roles[k] = Role::Patronymic;
        }
    }
    roles
}
