//! Name against name: the best order-free assignment of query tokens to listed tokens (single
//! tokens, or a token against two joined neighbours), token similarity, rarity weighting and the
//! penalties for what is left unmatched on either side.

use ward_normalize::{
    abd_compound_tail, consonant_strength, same_spelling_fold, share_group, skeleton_strength, Role,
    TokenKind, MIN_CONSONANT_CLASSES,
};

use crate::prepare::{skeleton_ok, token_position, PreparedName, PreparedPair, Spelling, Summary};
use crate::weights::WEIGHTS;

/// How two tokens were found alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Same Latin form.
    Exact,
    /// Spellings of one name in the synonym dictionary (сергей / sergei / serguei).
    Synonym,
    /// Same phonetic skeleton (Qadhafi / Gaddafi).
    Phonetic,
    /// A few letters apart (a typo or a variant spelling).
    Typo,
    /// An initial against a word with that first letter.
    Initial,
    /// Two short names one letter apart (Jon / John): most often two names, counted at
    /// `Weights::near_miss_short` so that the name score is graded rather than failed.
    NearMiss,
    /// A compound "Abd al-X" against X alone (`Weights::abd_compound`).
    AbdCompound,
}

impl How {
    /// Word for explanations.
    pub fn word(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Synonym => "synonym",
            How::Phonetic => "phonetic",
            How::Typo => "spelling",
            How::Initial => "initial",
            How::NearMiss => "near miss",
            How::AbdCompound => "abd compound",
        }
    }
}

/// One token of a name, or two joined ones (see [`PreparedPair`]), by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The (first) token.
    pub first: u8,
    /// The joined second token, if any.
    pub second: Option<u8>,
}

impl Span {
    fn token(index: usize) -> Span {
        Span { first: token_position(index), second: None }
    }

    fn pair(pair: &PreparedPair) -> Span {
        Span { first: pair.first, second: Some(pair.second) }
    }

    /// The token indices.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        std::iter::once(self.first).chain(self.second).map(usize::from)
    }

    fn weight(self, name: &PreparedName) -> f32 {
        self.indices().map(|i| name.tokens[i].weight).sum()
    }

    fn mask(self) -> u64 {
        self.indices().fold(0u64, |m, i| m | (1u64 << i))
    }
}

/// One matched unit: query tokens `q` against listed tokens `c` (one or two each).
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// Query tokens.
    pub q: Span,
    /// Listed tokens.
    pub c: Span,
    /// Similarity in (0, 1].
    pub sim: f32,
    /// How.
    pub how: How,
    /// Summed weight of the tokens on both sides (for ordering).
    pub w: f32,
}

/// A token that found no partner, and what that cost.
#[derive(Debug, Clone, Copy)]
pub struct Missing {
    /// Token index.
    pub token: u8,
    /// Score lost.
    pub penalty: f32,
}

/// The outcome of comparing two names.
#[derive(Debug, Clone, Default)]
pub struct NameMatch {
    /// Score in [0, 1].
    pub score: f32,
    /// Average similarity of the matched units, weighted.
    pub base: f32,
    /// Matched units.
    pub units: Vec<Unit>,
    /// Query tokens left unmatched.
    pub missing_in_listing: Vec<Missing>,
    /// Listed tokens left unmatched.
    pub missing_in_query: Vec<Missing>,
    /// Penalty for matching only common tokens.
    pub common_penalty: f32,
    /// The cap applied because the query is a single word against a longer name.
    pub single_word_cap: Option<f32>,
    /// Whether the query's family name alone stood for the listed given names (see
    /// `Weights::family_alone_given_cover`).
    pub family_alone: bool,
    /// Disagreements the coverage penalties do not see, each with its penalty.
    pub conflicts: Vec<(Conflict, f32)>,
}

/// A disagreement between two names besides unmatched words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Each side has a patronymic the other lacks.
    Patronymic,
    /// A father's name (after bin, ibn, ould) on one side is the bearer's own on the other.
    NasabReversed,
    /// Organisation names each with a word the other lacks.
    DistinctiveWord,
    /// Persons' names each with a name word the other lacks: relatives sharing a family name,
    /// or namesakes sharing a given name.
    NameWord,
}

impl Conflict {
    const ALL: [Conflict; 4] =
        [Conflict::Patronymic, Conflict::NasabReversed, Conflict::DistinctiveWord, Conflict::NameWord];

    /// What the conflict costs.
    pub fn penalty(self) -> f32 {
        match self {
            Conflict::Patronymic => WEIGHTS.patronymic_conflict,
            Conflict::NasabReversed => WEIGHTS.nasab_reversed,
            Conflict::DistinctiveWord => WEIGHTS.distinctive_word_conflict,
            Conflict::NameWord => WEIGHTS.name_word_conflict,
        }
    }

    /// Words for explanations.
    pub fn word(self) -> &'static str {
        match self {
            Conflict::Patronymic => "different patronymics",
            Conflict::NasabReversed => "father's and own name in reverse order",
            Conflict::DistinctiveWord => "a distinctive word differs",
            Conflict::NameWord => "each name has a name the other lacks",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

struct View<'a> {
    spelling: &'a Spelling,
    summary: Summary,
}

/// Whether two words may meet by one edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edits {
    /// Two words of persons' names: one edit is a typo.
    OneAllowed,
    /// Two words of other names (organisations, vessels, one-word names): one edit is a typo
    /// in words of `Weights::fuzzy_min_len` letters and more; shorter ones are codes and
    /// acronyms (EP-GOM / EP-GOL, PFLP / DFLP), different parties one letter apart.
    LongWordsOnly,
    /// A joined pair against a word: the index keeps no typo keys of joined pairs.
    NoneAllowed,
}

/// Similarity of two tokens, or `None` below `Weights::min_similarity`.
/// The most two words' lengths differ when they fold alike ("phillip" / "filip": ph and the
/// doubled l fold away).
const MAX_FOLD_LEN_GAP: usize = 3;

fn similarity(a: &View<'_>, b: &View<'_>, edits: Edits) -> Option<(f32, How)> {
    let (sa, sb) = (a.summary, b.summary);
    if sa.han && sb.han {
        // Two Han words are compared as written, not through their reading: characters that
        // read alike are different names (王毅 / 王逸 both read "wang yi").
        return (a.spelling.native == b.spelling.native).then_some((1.0, How::Exact));
    }
    if sa.text_hash == sb.text_hash && a.spelling.text == b.spelling.text {
        return Some((1.0, How::Exact));
    }
    let (la, lb) = (sa.len as usize, sb.len as usize);
    let (ta, tb) = (&*a.spelling.text, &*b.spelling.text);
    if abd_compound_tail(ta) == Some(tb) || abd_compound_tail(tb) == Some(ta) {
        return Some((WEIGHTS.abd_compound, How::AbdCompound));
    }
    if sa.group_mask & sb.group_mask != 0 && share_group(&a.spelling.groups, &b.spelling.groups) {
        // The dictionary links many two- and three-letter spellings (yi / ji / ri, from Korean
        // and Japanese readings): between short words a shared group is weaker evidence.
        let sim = if la.max(lb) <= WEIGHTS.short_word_len { WEIGHTS.synonym_short } else { WEIGHTS.synonym };
        return Some((sim, How::Synonym));
    }
    // Romanisation variants of one name (the index keys each word by its fold). A short word
    // counts no more than one edit in it would (Bara / Barra may be two names).
    if !(sa.abjad || sb.abjad) && la.abs_diff(lb) <= MAX_FOLD_LEN_GAP && same_spelling_fold(ta, tb) {
        let sim =
            if la.min(lb) < WEIGHTS.fuzzy_min_len { WEIGHTS.typo_len4 } else { WEIGHTS.spelling_variant };
        return Some((sim, How::Typo));
    }
    // Two Latin words of up to four letters match exactly, by the dictionary, or by one edit
    // when one of them is no known name word: a shared skeleton, or one edit between two
    // names, turns one short name into another (Wang / Sang, Wen / Wei), while a word no list
    // has is a misspelling (Baut / Bout). A five-letter word may have lost a letter. Abjad
    // spellings are short by nature (محمد is "mhmd") and meet Latin ones by the skeleton below.
    if la.max(lb) < WEIGHTS.fuzzy_min_len && !(sa.abjad || sb.abjad) {
        let typo = match la.min(lb) {
            _ if edits != Edits::OneAllowed => 0.0,
            n if n < WEIGHTS.typo_min_len => 0.0,
            _ if sa.known && sb.known && !silent_letter_variant(ta, tb) => WEIGHTS.near_miss_short,
            3 => WEIGHTS.typo_len3,
            _ => WEIGHTS.typo_len4,
        };
        // Numbers one digit apart are different numbers (FU YUAN YU 7902 / 7602).
        let letters_only = |v: &View<'_>| v.spelling.text.bytes().all(|b| b.is_ascii_alphabetic());
        let one_edit = typo > 0.0
            && (sa.letters ^ sb.letters).count_ones() <= 2
            && letters_only(a)
            && letters_only(b)
            && within_one_edit(a.spelling.text.as_bytes(), b.spelling.text.as_bytes());
        let how = if typo < WEIGHTS.min_similarity { How::NearMiss } else { How::Typo };
        return one_edit.then_some((typo, how));
    }
    // Every similarity below has a key in the candidate index (phonetic skeleton, one-deletion
    // variants), so that the index never loses a pair the scorer would match.
    let mut best: Option<(f32, How)> = None;
    if sa.phonetic_hash == sb.phonetic_hash
        && a.spelling.phonetic == b.spelling.phonetic
        && skeleton_ok(&a.spelling.phonetic)
    {
        // Scripts without short vowels only ever meet Latin spellings through the skeleton,
        // and the two must end alike (Qadhafi / Kitayeva share KTF, Mamr / Maria share MR).
        // Between Latin spellings the skeleton alone is weak evidence (Muhammad / Mahmood share
        // one), so it counts only when the letters are close too.
        let strong = skeleton_strength(&a.spelling.phonetic) >= 3;
        let sim = if sa.abjad || sb.abjad {
            let ends_ok = if sa.abjad { abjad_ending_ok(ta, tb) } else { abjad_ending_ok(tb, ta) };
            (la.min(lb) >= 3 && ends_ok).then_some(WEIGHTS.skeleton_abjad)
        } else if strong
            && la.abs_diff(lb) <= 3
            && osa_within(
                ta.as_bytes(),
                tb.as_bytes(),
                edit_budget(WEIGHTS.skeleton_max_edit_share, la.max(lb)),
            )
        {
            Some(WEIGHTS.skeleton_latin)
        } else {
            // Two consonant classes (Kony / Cain) or letters far apart (Muhammad / Mahmood):
            // the skeleton alone is no evidence between Latin spellings.
            None
        };
        best = sim.map(|sim| (sim, How::Phonetic));
    }
    // An abjad word against a Latin one by consonant classes alone (واحدی / Vahedi, ירד /
    // Yered): what the two scripts share once unwritten vowels are set aside. The index keys it
    // in the consonant families.
    if best.is_none()
        && sa.abjad != sb.abjad
        && sa.consonant_bits & sb.consonant_bits != 0
        && consonants_meet(&a.spelling.consonants, &b.spelling.consonants)
    {
        best = Some((WEIGHTS.abjad_consonants, How::Phonetic));
    }
    // One edit in a short word changes more of it.
    let typo = match (la.min(lb), la.max(lb)) {
        _ if edits == Edits::NoneAllowed => 0.0,
        (_, n) if n < WEIGHTS.fuzzy_min_len => 0.0,
        (0..=3, _) => 0.0,
        (4, _) => WEIGHTS.typo_len4,
        (5, _) => WEIGHTS.typo_len5,
        _ => WEIGHTS.typo_long,
    };
    let typo = if a.spelling.text.as_bytes().first() != b.spelling.text.as_bytes().first() {
        typo.min(WEIGHTS.typo_first_letter)
    } else {
        typo
    };
    if typo > 0.0
        && la.abs_diff(lb) <= 1
        && (sa.letters ^ sb.letters).count_ones() <= 2
        && best.is_none_or(|b| b.0 < typo)
        && within_one_edit(a.spelling.text.as_bytes(), b.spelling.text.as_bytes())
    {
        best = Some((typo, How::Typo));
    }
    best.filter(|b| b.0 >= WEIGHTS.min_similarity)
}

/// Whether one word is the other with a silent letter written: an "h" (Jon / John, Tomas /
/// Thomas) or one letter doubled (Ana / Anna). Two short names one such letter apart are one
/// name spelt two ways, unlike two one letter apart otherwise (Wen / Wei).
fn silent_letter_variant(a: &str, b: &str) -> bool {
    let (long, short) =
        if a.len() > b.len() { (a.as_bytes(), b.as_bytes()) } else { (b.as_bytes(), a.as_bytes()) };
    long.len() == short.len() + 1
        && (0..long.len()).any(|i| {
            let silent = long[i] == b'h' || (i > 0 && long[i - 1] == long[i]);
            silent && long[..i] == short[..i] && long[i + 1..] == short[i..]
        })
}

/// Whether two space-separated consonant key lists share a key of at least
/// [`MIN_CONSONANT_CLASSES`] classes, as the index requires (one side holds a single Latin key).
fn consonants_meet(a: &str, b: &str) -> bool {
    a.split(' ')
        .filter(|k| consonant_strength(k) >= MIN_CONSONANT_CLASSES)
        .any(|k| b.split(' ').any(|l| l == k))
}

/// Whether a transliterated abjad word (long vowels written, short ones not) and a Latin
/// spelling end alike: a final long vowel is written in both scripts (Qadhafi ends in i as
/// القذافي does in ي, Hamza in a as حمزة in ة), and a word ending in a consonant in the abjad
/// ends in one in Latin too (or in the e of -eh).
fn abjad_ending_ok(abjad: &str, latin: &str) -> bool {
    let last = |s: &str| s.bytes().next_back().unwrap_or(0);
    let l = last(latin);
    match last(abjad) {
        b'y' | b'i' | b'e' => matches!(l, b'i' | b'y' | b'e'),
        b'w' | b'u' | b'o' => matches!(l, b'u' | b'o' | b'w'),
        b'a' => matches!(l, b'a' | b'e' | b'h'),
        _ => !matches!(l, b'a' | b'i' | b'o' | b'u' | b'y'),
    }
}

fn is_word(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Word | TokenKind::OrgWord | TokenKind::Number)
}

/// Whether a single token is compared with the other side's joined pairs.
fn meets_pairs(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Word | TokenKind::OrgWord)
}

fn pair_view(p: &PreparedPair) -> View<'_> {
    View { spelling: &p.spelling, summary: p.summary }
}

fn token_view(name: &PreparedName, i: usize) -> View<'_> {
    let t = &name.tokens[i];
    View { spelling: &t.spelling, summary: t.summary }
}

/// How much of a token's weight counts towards coverage: middle names and patronymics are
/// often left out, so they count for less than given and family names.
pub fn coverage_factor(kind: TokenKind, role: Role) -> f32 {
    match (kind, role) {
        (TokenKind::Particle | TokenKind::Title | TokenKind::LegalForm, _) => 0.0,
        (TokenKind::Word, Role::Middle | Role::Patronymic) => WEIGHTS.middle_cover,
        _ => 1.0,
    }
}

/// Compares a query name with a listed name.
pub fn match_names(q: &PreparedName, c: &PreparedName) -> NameMatch {
    with_scratch(|scratch| {
        scratch.weigh(q, c, Detail::Penalties);
        scratch.aligned.to_match()
    })
}

/// The score of [`match_names`] alone, computed without building the explanation (no
/// allocation).
pub fn name_score(q: &PreparedName, c: &PreparedName) -> f32 {
    with_scratch(|scratch| scratch.weigh(q, c, Detail::ScoreOnly))
}

/// Two names aligned (the matched units) and weighed (the score and, when asked for, what
/// each unmatched token cost): all an explanation reads.
#[derive(Debug, Default)]
pub(crate) struct Aligned {
    units: Vec<Unit>,
    /// `None` when nothing but initials or particles matched.
    core: Option<Core>,
    missing_in_listing: Vec<Missing>,
    missing_in_query: Vec<Missing>,
}

impl Aligned {
    /// The name score.
    pub(crate) fn score(&self) -> f32 {
        self.core.as_ref().map_or(0.0, |k| k.score)
    }

    /// The match as explanations read it (weighed with [`Detail::Penalties`]).
    pub(crate) fn to_match(&self) -> NameMatch {
        let units = self.units.clone();
        match &self.core {
            None => NameMatch { units, ..NameMatch::default() },
            Some(k) => NameMatch {
                score: k.score,
                base: k.base,
                units,
                missing_in_listing: self.missing_in_listing.clone(),
                missing_in_query: self.missing_in_query.clone(),
                common_penalty: k.common_penalty,
                single_word_cap: k.single_word_cap,
                family_alone: k.family_alone,
                conflicts: Conflict::ALL
                    .into_iter()
                    .filter(|c| k.conflicts & c.bit() != 0)
                    .map(|c| (c, c.penalty()))
                    .collect(),
            },
        }
    }
}

/// What weighing an alignment keeps besides the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// The score alone: ranking pairs that may never be explained.
    ScoreOnly,
    /// Each unmatched token's penalty too, for the explanation.
    Penalties,
}

/// The buffers of one thread's alignments: the candidate units and the last pair aligned.
/// Pairs are aligned for every name the index proposes, and an allocation per pair is a
/// measurable share of a query.
#[derive(Default)]
pub(crate) struct Scratch {
    cands: Vec<Unit>,
    /// The last pair aligned by [`Scratch::weigh`].
    pub(crate) aligned: Aligned,
}

impl Scratch {
    /// Aligns a query name with a listed name into [`Scratch::aligned`] and weighs the
    /// alignment; returns the name score.
    pub(crate) fn weigh(&mut self, q: &PreparedName, c: &PreparedName, detail: Detail) -> f32 {
        let Aligned { units, core, missing_in_listing, missing_in_query } = &mut self.aligned;
        let (used_q, used_c) = align_units(q, c, &mut self.cands, units);
        missing_in_listing.clear();
        missing_in_query.clear();
        *core = score_core(q, c, units, used_q, used_c, |listing, m| match (detail, listing) {
            (Detail::ScoreOnly, _) => {}
            (Detail::Penalties, true) => missing_in_listing.push(m),
            (Detail::Penalties, false) => missing_in_query.push(m),
        });
        self.aligned.score()
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's alignment buffers.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| {
        let mut scratch = cell.take();
        let result = f(&mut scratch);
        cell.replace(scratch);
        result
    })
}

/// Finds the matched units of two names (into `units`, via the scratch `cands`) and returns
/// the masks of the query and listed tokens they use.
fn align_units(
    q: &PreparedName,
    c: &PreparedName,
    cands: &mut Vec<Unit>,
    units: &mut Vec<Unit>,
) -> (u64, u64) {
    cands.clear();
    units.clear();
    for (i, qt) in q.tokens.iter().enumerate() {
        if !qt.kind.is_matched() {
            continue;
        }
        for (j, ct) in c.tokens.iter().enumerate() {
            if !ct.kind.is_matched() {
                continue;
            }
            let found = match (qt.kind, ct.kind) {
                (TokenKind::Particle, TokenKind::Particle) => (qt.text() == ct.text()
                    || (is_kunya(qt.text()) && is_kunya(ct.text())))
                .then_some((1.0, How::Exact)),
                (TokenKind::Particle, _) | (_, TokenKind::Particle) => None,
                (TokenKind::Initial, TokenKind::Initial) => {
                    (qt.text() == ct.text()).then_some((1.0, How::Exact))
                }
                (TokenKind::Initial, k) | (k, TokenKind::Initial) if is_word(k) => {
                    let (init, word) = if qt.kind == TokenKind::Initial {
                        (qt.text(), ct.text())
                    } else {
                        (ct.text(), qt.text())
                    };
                    word.starts_with(init).then_some((WEIGHTS.initial, How::Initial))
                }
                _ => {
                    let edits = if qt.role != Role::Unknown && ct.role != Role::Unknown {
                        Edits::OneAllowed
                    } else {
                        Edits::LongWordsOnly
                    };
                    similarity(&token_view(q, i), &token_view(c, j), edits)
                }
            };
            if let Some((sim, how)) = found {
                cands.push(Unit { q: Span::token(i), c: Span::token(j), sim, how, w: 0.0 });
            }
        }
    }
    // A word against two joined neighbours on the other side (Abdulrahman / Abdul Rahman).
    for p in &q.pairs {
        let pv = pair_view(p);
        for (j, ct) in c.tokens.iter().enumerate() {
            if meets_pairs(ct.kind) {
                if let Some((sim, how)) = similarity(&pv, &token_view(c, j), Edits::NoneAllowed) {
                    cands.push(Unit { q: Span::pair(p), c: Span::token(j), sim, how, w: 0.0 });
                }
            }
        }
    }
    let may_meet = q.tokens.iter().any(|qt| meets_pairs(qt.kind) && c.pair_filter.may_meet(&qt.summary));
    let listed_pairs: &[PreparedPair] = if may_meet { &c.pairs } else { &[] };
    for p in listed_pairs {
        let pv = pair_view(p);
        for (i, qt) in q.tokens.iter().enumerate() {
            if meets_pairs(qt.kind) {
                if let Some((sim, how)) = similarity(&token_view(q, i), &pv, Edits::NoneAllowed) {
                    cands.push(Unit { q: Span::token(i), c: Span::pair(p), sim, how, w: 0.0 });
                }
            }
        }
    }
    // Greedy best-first assignment: the most similar, then the heaviest units first.
    for u in cands.iter_mut() {
        u.w = u.q.weight(q) + u.c.weight(c);
    }
    cands.sort_by(|a, b| b.sim.total_cmp(&a.sim).then_with(|| b.w.total_cmp(&a.w)));
    let (mut used_q, mut used_c) = (0u64, 0u64);
    for &u in cands.iter() {
        let (mq, mc) = (u.q.mask(), u.c.mask());
        if used_q & mq == 0 && used_c & mc == 0 {
            used_q |= mq;
            used_c |= mc;
            units.push(u);
        }
    }
    (used_q, used_c)
}

/// What [`score_core`] finds besides the missing tokens.
#[derive(Debug, Clone, Copy)]
struct Core {
    score: f32,
    base: f32,
    common_penalty: f32,
    single_word_cap: Option<f32>,
    family_alone: bool,
    /// [`Conflict::bit`]s.
    conflicts: u8,
}

/// The name score of an alignment; each unmatched token's penalty goes to `missing` (true:
/// a query token the listing lacks). `None` when nothing but initials or particles matched.
fn score_core(
    q: &PreparedName,
    c: &PreparedName,
    units: &[Unit],
    used_q: u64,
    used_c: u64,
    mut missing: impl FnMut(bool, Missing),
) -> Option<Core> {
    let (mut sum_w, mut sum_ws) = (0.0f32, 0.0f32);
    let mut any_word = false;
    for u in units {
        let (wq, wc) = (u.q.weight(q), u.c.weight(c));
        sum_w += wq + wc;
        sum_ws += (wq + wc) * u.sim;
        // Initials and particles support a match but never make one on their own.
        any_word |= q.tokens[usize::from(u.q.first)].kind != TokenKind::Particle && u.how != How::Initial;
    }
    if !any_word || sum_w <= 0.0 {
        return None;
    }
    let base = sum_ws / sum_w;
    let mut score = base;
    // An initial says little about the word it stands for: a query word met only by a listed
    // initial stays unmatched (the index relies on that: initials have no keys), and a listed
    // word met by a query initial is half matched.
    let (mut cover_q, mut half_c) = (used_q, 0u64);
    for u in units.iter().filter(|u| u.how == How::Initial) {
        let (qi, ci) = (usize::from(u.q.first), usize::from(u.c.first));
        if q.tokens[qi].kind != TokenKind::Initial {
            cover_q &= !(1u64 << qi);
        }
        if c.tokens[ci].kind != TokenKind::Initial {
            half_c |= 1u64 << ci;
        }
    }
    let family_alone = family_stands_for(q, c, units);
    let mut penalty = 0.0f32;
    coverage_penalties(q, cover_q, 0, 0, WEIGHTS.query_miss, |m| {
        penalty += m.penalty;
        missing(true, m);
    });
    coverage_penalties(c, used_c & !half_c, half_c, family_alone, WEIGHTS.listed_miss, |m| {
        penalty += m.penalty;
        missing(false, m);
    });
    score -= penalty;
    // Evidence is the rarity matched, whatever the similarity (that is in `base` already).
    let evidence = units.iter().map(|u| u.q.weight(q).max(u.c.weight(c))).sum::<f32>();
    let common_penalty = if evidence < WEIGHTS.evidence_floor {
        WEIGHTS.common_penalty_rate * (WEIGHTS.evidence_floor - evidence)
    } else {
        0.0
    };
    score -= common_penalty;
    let conflicts = conflicts(q, c, units, used_q, used_c);
    score -=
        Conflict::ALL.into_iter().filter(|k| conflicts & k.bit() != 0).map(Conflict::penalty).sum::<f32>();
    let mut single_word_cap = None;
    // One word of a person's name (a family name, a given name) alone does not alert on a
    // longer name; organisations are often known by one distinctive word. A word that meets
    // the whole listed name joined ("Alibaraka" / "Ali BARAKA") is not one word of it.
    let person_like = !q.is_org() && !c.is_org();
    let one_word_of_more = person_like
        && family_alone == 0
        && q.n_words() == 1
        && c.n_words() >= 2
        && c.n_words_in(used_c) < c.n_words();
    // "Abu Kassem" is the father of a Kassem, not Kassem: a kunya met without its "Abu" (on
    // either side) is capped the same way.
    let kunya_unmet = unmet_kunya(c, used_c) || unmet_kunya(q, used_q);
    if (one_word_of_more || kunya_unmet) && score > WEIGHTS.single_word_cap {
        score = WEIGHTS.single_word_cap;
        single_word_cap = Some(WEIGHTS.single_word_cap);
    }
    Some(Core {
        score: score.clamp(0.0, 1.0),
        base,
        common_penalty,
        single_word_cap,
        family_alone: family_alone != 0,
        conflicts,
    })
}

/// The [`Conflict`]s of an alignment, as [`Conflict::bit`]s.
fn conflicts(q: &PreparedName, c: &PreparedName, units: &[Unit], used_q: u64, used_c: u64) -> u8 {
    let mut found = 0;
    let unmatched = |name: &PreparedName, used: u64, f: &dyn Fn(&crate::prepare::PreparedToken) -> bool| {
        name.tokens.iter().enumerate().any(|(i, t)| used & (1 << i) == 0 && f(t))
    };
    // Between two scripts an unmatched name word on each side is as often one name that
    // transliteration did not bring together (Пахниц / Pahnyts, ضیایی / Ziaei) as two names:
    // the coverage penalties charge the unmatched words, the name-word conflict does not add to
    // them. Patronymics transliterate reliably (Иванович / Viktorovich stay two).
    let cross_script = q.script.is_some() && c.script.is_some() && q.script != c.script;
    let patronymic =
        |t: &crate::prepare::PreparedToken| t.kind == TokenKind::Word && t.role == Role::Patronymic;
    if unmatched(q, used_q, &patronymic) && unmatched(c, used_c, &patronymic) {
        found |= Conflict::Patronymic.bit();
    }
    let reversed = units.iter().any(|u| {
        let (qi, ci) = (usize::from(u.q.first), usize::from(u.c.first));
        let (q_place, c_place) = (nasab_place(q, qi), nasab_place(c, ci));
        matches!(
            (q_place, c_place),
            (Some(NasabPlace::Bearer), Some(NasabPlace::Father))
                | (Some(NasabPlace::Father), Some(NasabPlace::Bearer))
        )
    });
    if reversed {
        found |= Conflict::NasabReversed.bit();
    }
    let distinctive = |t: &crate::prepare::PreparedToken| {
        matches!(t.kind, TokenKind::Word | TokenKind::OrgWord) && t.weight > 0.0
    };
    let both_unmatched = unmatched(q, used_q, &distinctive) && unmatched(c, used_c, &distinctive);
    if (q.is_org() || c.is_org()) && both_unmatched {
        found |= Conflict::DistinctiveWord.bit();
    }
    // A patronymic on each side is its own conflict; other name words are given and family
    // names (and middle names), whose weight says how much they tell.
    let name_word = |t: &crate::prepare::PreparedToken| {
        t.kind == TokenKind::Word
            && t.role != Role::Patronymic
            && t.weight >= WEIGHTS.name_word_conflict_min_weight
    };
    if !(cross_script || q.is_org() || c.is_org())
        && unmatched(q, used_q, &name_word)
        && unmatched(c, used_c, &name_word)
    {
        found |= Conflict::NameWord.bit();
    }
    found
}

/// Where a word stands in a nasab chain ("Ali bin Hasan bin Ahmad").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NasabPlace {
    /// Before the first bin: the bearer's own name.
    Bearer,
    /// After a bin: a father's (or forefather's) name.
    Father,
}

fn nasab_place(name: &PreparedName, i: usize) -> Option<NasabPlace> {
    let is_nasab = |j: usize| {
        name.tokens.get(j).is_some_and(|t| t.kind == TokenKind::Particle && is_nasab_particle(t.text()))
    };
    if i > 0 && is_nasab(i - 1) {
        Some(NasabPlace::Father)
    } else if is_nasab(i + 1) {
        Some(NasabPlace::Bearer)
    } else {
        None
    }
}

/// Spellings of the nasab particles (son or daughter of) in Latin and transliterated from
/// Arabic.
fn is_nasab_particle(particle: &str) -> bool {
    matches!(particle, "bin" | "ibn" | "ben" | "bn" | "bint" | "binti" | "ould" | "wuld")
}

/// Spellings of the kunya particles (abu, umm) in Latin and transliterated from Arabic.
fn is_kunya(particle: &str) -> bool {
    matches!(particle, "abu" | "abou" | "abo" | "abw" | "umm" | "um")
}

/// Whether a name has a kunya particle (abu, umm) left unmatched while the word it governs is
/// matched.
fn unmet_kunya(name: &PreparedName, used: u64) -> bool {
    name.tokens.windows(2).enumerate().any(|(i, w)| {
        w[0].kind == TokenKind::Particle
            && is_kunya(w[0].text())
            && used & (1 << i) == 0
            && used & (1 << (i + 1)) != 0
    })
}

/// The listed words the query's family name stands for, as token bits: a title or rank before a
/// single word ("President Lukashenko", "Генерал Иванов", "Dr. Zawahiri"), or a family name
/// transcribed into Han, kana or Hangul (卢卡申科), names the person by the family name (see
/// [`PreparedName::by_family_name`]). When that word meets the listed family name, the listed
/// given names, middle names and patronymics the query leaves out cost
/// `Weights::family_alone_given_cover` of their penalty. 0 for any other pair.
fn family_stands_for(q: &PreparedName, c: &PreparedName, units: &[Unit]) -> u64 {
    if !q.by_family_name() || q.is_org() || c.is_org() || q.n_words() != 1 {
        return 0;
    }
    let family_met = units.iter().any(|u| {
        u.how != How::Initial && u.c.second.is_none() && c.tokens[usize::from(u.c.first)].role == Role::Family
    });
    if !family_met {
        return 0;
    }
    c.tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| stands_for_with_family(t.kind, t.role))
        .fold(0u64, |m, (i, _)| m | 1 << i)
}

/// Whether a listed token is one a query's family name alone may stand for (given names,
/// middle names, patronymics; see [`Weights::family_alone_given_cover`]): the index counts
/// the penalty the scorer may waive on it.
///
/// [`Weights::family_alone_given_cover`]: crate::Weights::family_alone_given_cover
pub fn stands_for_with_family(kind: TokenKind, role: Role) -> bool {
    matches!(kind, TokenKind::Word | TokenKind::Initial)
        && matches!(role, Role::Given | Role::Middle | Role::Patronymic)
}

/// The penalty of each unmatched token of `name`, in token order: `miss` times its share of
/// the name's coverage weight. Tokens in `half` count as half matched, and those in
/// `family_alone` as [`family_stands_for`] says.
fn coverage_penalties(
    name: &PreparedName,
    used: u64,
    half: u64,
    family_alone: u64,
    miss: f32,
    mut f: impl FnMut(Missing),
) {
    let total: f32 = name.tokens.iter().map(|t| t.weight * coverage_factor(t.kind, t.role)).sum();
    if total <= 0.0 {
        return;
    }
    for (i, t) in name.tokens.iter().enumerate() {
        if used & (1 << i) != 0 {
            continue;
        }
        let share = if family_alone & (1 << i) != 0 {
            WEIGHTS.family_alone_given_cover
        } else if half & (1 << i) != 0 {
            WEIGHTS.initial_cover
        } else {
            1.0
        };
        let penalty = share * miss * t.weight * coverage_factor(t.kind, t.role) / total;
        if penalty > 0.0 {
            f(Missing { token: token_position(i), penalty });
        }
    }
}

/// Whether the optimal string alignment distance of two words is at most `max`, without
/// allocating for words of up to 48 bytes (longer ones fall back to `strsim`).
fn osa_within(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len()) <= max;
    }
    if a.len() > 64 {
        let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        return strsim::osa_distance(&a, &b) <= max;
    }
    osa_bits(a, b) <= max
}

/// Optimal string alignment distance by Hyyrö's bit-vector algorithm (2003): one machine word
/// holds a column of the dynamic programme over `a` (at most 64 bytes), so each byte of `b`
/// costs a few word operations instead of a row of cells. The match mask of each byte of `b`
/// is built on the spot: names are short, and a 256-entry table would cost more to clear.
fn osa_bits(a: &[u8], b: &[u8]) -> usize {
    debug_assert!(!a.is_empty() && a.len() <= 64);
    let last = 1u64 << (a.len() - 1);
    let (mut vp, mut vn, mut d0, mut pm_prev) = (!0u64, 0u64, 0u64, 0u64);
    let mut dist = a.len();
    for &ch in b {
        let pm = a.iter().enumerate().fold(0u64, |m, (i, &x)| m | (u64::from(x == ch) << i));
        let tr = ((!d0 & pm) << 1) & pm_prev;
        d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | tr;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & last != 0 {
            dist += 1;
        } else if hn & last != 0 {
            dist -= 1;
        }
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_prev = pm;
    }
    dist
}

/// Whether two different words are one edit apart (substitution, insertion, deletion or a swap
/// of neighbours: optimal string alignment distance 1), without allocating.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if i == la.min(lb) {
        return la != lb;
    }
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            a[i + 1..] == b[i + 1..]
                || (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..])
        }
        std::cmp::Ordering::Greater => a[i + 1..] == b[i..],
        std::cmp::Ordering::Less => a[i..] == b[i + 1..],
    }
}

/// The most edits a share of a length allows, rounded down.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a share in [0, 1] of a word's length fits; float-to-int `as` saturates"
)]
fn edit_budget(share: f32, len: usize) -> usize {
    (share * len as f32) as usize
}

#[cfg(test)]
mod tests {
    use super::{osa_within, within_one_edit};

    #[test]
    fn osa_matches_strsim() {
        let words =
            ["muhammad", "mahmood", "qadhafi", "gaddafi", "kadhafi", "lavrov", "lavrova", "abcd", "badc", ""];
        for a in words {
            for b in words {
                let d = strsim::osa_distance(a, b);
                for max in 0..6 {
                    assert_eq!(osa_within(a.as_bytes(), b.as_bytes(), max), d <= max, "{a} {b} {max}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Against strsim's dynamic programme, on short words of a small alphabet (so that
        /// repeated letters and swapped neighbours are common).
        #[test]
        fn osa_bits_matches_strsim(a in "[abcd]{0,12}", b in "[abcd]{0,12}", max in 0usize..6) {
            let d = strsim::osa_distance(&a, &b);
            proptest::prop_assert_eq!(osa_within(a.as_bytes(), b.as_bytes(), max), d <= max);
        }
    }

    #[test]
    fn one_edit() {
        let check = |a: &str, b: &str, expect: bool| {
            assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), expect, "{a} {b}");
            assert_eq!(expect, strsim::osa_distance(a, b) == 1, "osa {a} {b}");
        };
        check("sechin", "sehin", true);
        check("deripaska", "derpiaska", true);
        check("lavrov", "lavrova", true);
        check("lavrov", "lavrvo", true);
        check("lavrov", "lavrov", false);
        check("lavrov", "lebedev", false);
        check("abcd", "abdc", true);
        check("abcd", "bacd", true);
        check("abcd", "badc", false);
        check("putin", "putni", true);
        check("kim", "kin", true);
    }
}
