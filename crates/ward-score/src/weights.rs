//! The scoring model: every number the scorer adds, takes off, caps at or compares with, in one
//! typed struct, and the bounds the candidate index and the engine derive from it.

/// The numbers of the scorer. The candidate index and the engine prune with bounds computed
/// from these ([`Weights::max_evidence_bonus`], [`Weights::query_miss`],
/// [`Weights::listed_miss`], [`Weights::fuzzy_min_len`]): change a field here and the bounds
/// follow; the property test of index against brute force checks they still hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    // --- Token similarity -------------------------------------------------------------------
    /// Lowest similarity that counts as a token match (a near miss, `near_miss_short`, is
    /// counted lower).
    pub min_similarity: f32,
    /// Two spellings of one name in the synonym dictionary.
    pub synonym: f32,
    /// The same between short words (at most `short_word_len` letters), where the dictionary
    /// links many unrelated readings.
    pub synonym_short: f32,
    /// Longest word counted as short for dictionary matches.
    pub short_word_len: usize,
    /// Two words match by their phonetic skeleton, and two known name words by one edit,
    /// only if one has this many letters.
    pub fuzzy_min_len: usize,
    /// Two words match by one edit only if both have this many letters; between shorter
    /// words (under `fuzzy_min_len`) one of them must be a word no listed name has ("Baut" /
    /// "Bout"; "Wen" / "Wei" are two names). The index makes one-deletion keys from this
    /// length ([`Weights::typo_key_min_len`]).
    pub typo_min_len: usize,
    /// An abjad word against a Latin one with the same skeleton and a compatible ending.
    pub skeleton_abjad: f32,
    /// Two Latin words with the same (strong) skeleton and close letters.
    pub skeleton_latin: f32,
    /// Between Latin words with the same skeleton: the most edits, as a share of the longer
    /// word, that still count as close letters.
    pub skeleton_max_edit_share: f32,
    /// An abjad and a Latin word sharing one consonant key.
    pub abjad_consonants: f32,
    /// One edit when the shorter word has 3 letters.
    pub typo_len3: f32,
    /// One edit between two short words of persons' names that listed names both have (Jon /
    /// John, Wen / Wei): two names, most often of two people, so a near miss below
    /// `min_similarity` that grades the name score rather than failing it.
    pub near_miss_short: f32,
    /// One edit when the shorter word has 4 letters.
    pub typo_len4: f32,
    /// One edit when the shorter word has 5 letters.
    pub typo_len5: f32,
    /// One edit in longer words.
    pub typo_long: f32,
    /// The most one edit counts for when it changes the first letter (Marina / Sarina, Visco
    /// / Sisco): a misspelling seldom starts a word, a different name often does. Below the
    /// threshold, so that a one-word name one first letter away from a listed one does not
    /// alert by itself.
    pub typo_first_letter: f32,
    /// An initial against a word with that first letter.
    pub initial: f32,
    /// Two words that are one name in two romanisations (`ward_normalize::spelling_fold`:
    /// Phillip / Filipp, Afeef / Afif, Mykhailovych / Mikhailovich).
    pub spelling_variant: f32,
    /// A compound "Abd al-X" against X alone ("Abdul Rahim" / "Rahim"): two names sharing
    /// the name after the servant's "Abd", a partial match rather than a missing word.
    pub abd_compound: f32,

    // --- Coverage and the name score --------------------------------------------------------
    /// Score lost when nothing of the query is matched (scaled by the share left unmatched).
    pub query_miss: f32,
    /// Score lost when nothing of the listed name is matched.
    pub listed_miss: f32,
    /// The share of their weight that middle names and patronymics count for in coverage.
    pub middle_cover: f32,
    /// The share of an unmatched listed word's penalty charged when a query initial meets it.
    pub initial_cover: f32,
    /// The share of their penalty that a listed person's given names, middle names and
    /// patronymics cost when the query names the person by the family name alone: after a
    /// title ("President Lukashenko", "полковник Иванов") or transcribed into Han, kana or
    /// Hangul (卢卡申科).
    pub family_alone_given_cover: f32,
    /// Matched rarity below which a match is "common names only".
    pub evidence_floor: f32,
    /// Score lost per unit of matched rarity under `evidence_floor`.
    pub common_penalty_rate: f32,
    /// A person query of one word never scores above this against a longer name.
    pub single_word_cap: f32,
    /// Each name has a patronymic the other lacks ("Sergei Ivanovich X" / "Sergei Viktorovich
    /// X" are relatives, not one person).
    pub patronymic_conflict: f32,
    /// A name of the father on one side is the bearer's own name on the other ("Ali bin
    /// Hasan" / "Hasan bin Ali").
    pub nasab_reversed: f32,
    /// Organisation names that each have a word the other lacks ("Rosneft Oil Company" /
    /// "Rosneft Gas Company").
    pub distinctive_word_conflict: f32,
    /// Persons' names that each have a name word the other lacks ("Ivan Petrov" / "Sergei
    /// Petrov": relatives; "Eric Chen" / "Eric Chan": namesakes), besides what the unmatched
    /// words cost in coverage.
    pub name_word_conflict: f32,
    /// The least weight (rarity) an unmatched word needs to count in `name_word_conflict`: a
    /// common word left over says little.
    pub name_word_conflict_min_weight: f32,

    // --- Evidence besides the name ----------------------------------------------------------
    /// An identical strong identifier lifts the score to at least this.
    pub identifier_strong_floor: f32,
    /// ... and by at least this much.
    pub identifier_strong_lift: f32,
    /// What an identical weak identifier adds.
    pub identifier_weak: f32,
    /// What an identical full birth date adds.
    pub dob_identical: f32,
    /// What a compatible (same year, or within the listed range) birth date adds.
    pub dob_compatible: f32,
    /// A birth date a year away.
    pub dob_close: f32,
    /// A birth date further away.
    pub dob_different: f32,
    /// Most years apart that count as close.
    pub dob_close_years: u16,
    /// What a shared nationality or country adds.
    pub country_match: f32,
    /// Nationalities that differ.
    pub country_different: f32,
    /// Genders that differ.
    pub gender_different: f32,
    /// Entity kinds that cannot be one party.
    pub schema_incompatible: f32,
    /// ... and the most such a pair scores (below any match threshold).
    pub schema_incompatible_cap: f32,
}

impl Weights {
    /// The weights Ward scores with.
    pub const STANDARD: Weights = Weights {
        min_similarity: 0.6,
        synonym: 0.93,
        synonym_short: 0.8,
        short_word_len: 3,
        fuzzy_min_len: 5,
        typo_min_len: 3,
        skeleton_abjad: 0.85,
        skeleton_latin: 0.75,
        skeleton_max_edit_share: 0.4,
        abjad_consonants: 0.85,
        typo_len3: 0.6,
        near_miss_short: 0.2,
        typo_len4: 0.7,
        typo_len5: 0.8,
        typo_long: 0.85,
        typo_first_letter: 0.7,
        initial: 0.8,
        abd_compound: 0.75,
        spelling_variant: 0.9,
        query_miss: 1.2,
        listed_miss: 0.5,
        middle_cover: 0.3,
        initial_cover: 0.25,
        family_alone_given_cover: 0.0,
        evidence_floor: 1.0,
        common_penalty_rate: 0.5,
        single_word_cap: 0.65,
        patronymic_conflict: 0.15,
        nasab_reversed: 0.3,
        distinctive_word_conflict: 0.1,
        name_word_conflict: 0.5,
        name_word_conflict_min_weight: 0.3,
        identifier_strong_floor: 0.95,
        identifier_strong_lift: 0.3,
        identifier_weak: 0.1,
        dob_identical: 0.05,
        dob_compatible: 0.03,
        dob_close: -0.05,
        dob_different: -0.2,
        dob_close_years: 1,
        country_match: 0.02,
        country_different: -0.05,
        gender_different: -0.1,
        schema_incompatible: -0.25,
        schema_incompatible_cap: 0.5,
    };

    /// The most that evidence other than identifiers adds to a name score.
    pub fn max_evidence_bonus(&self) -> f32 {
        self.max_dob_bonus() + self.country_match.max(0.0)
    }

    /// The shortest word that meets its one-edit variants: the candidate index keys words of
    /// this length and more by their one-deletion variants.
    pub fn typo_key_min_len(&self) -> usize {
        self.typo_min_len.min(self.fuzzy_min_len)
    }

    /// The most a birth date adds.
    pub fn max_dob_bonus(&self) -> f32 {
        self.dob_identical.max(self.dob_compatible).max(0.0)
    }
}

impl Default for Weights {
    fn default() -> Weights {
        Weights::STANDARD
    }
}

/// The weights the scorer reads.
pub(crate) const WEIGHTS: &Weights = &Weights::STANDARD;
