//! Phonetic skeleton keys: consonant classes without vowels, so that romanisations of one name
//! meet (Qadhafi / Gaddafi / Kadhafi -> KTF; Mohammed / Muhammad / مُحَمَّد -> MHMT).

/// The skeleton key of a Latin (transliterated, lower-case ASCII) token.
///
/// A t before ch is silent (the French and English spelling of ч: Timtchenko / Timchenko,
/// Tchaikovsky / Chaikovsky). Digraphs are read first (sh, ch, kh, gh, dh, th, ph, zh, ck), then each consonant maps to a
/// class (b/p, f/v, c/k/q/g, d/t, s/z, j, l, r, m, n, h), vowels and y/w drop except that a word
/// starting with a vowel keeps one vowel mark `A`, and runs of one class collapse. A final h is
/// dropped (Abdullah / Abdulla). Digits are kept as they are.
#[expect(
    clippy::match_same_arms,
    reason = "a spelling table: arms follow the order in which digraphs must be tried, one rule per line"
)]
pub fn skeleton(latin: &str) -> String {
    let b = latin.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut last = 0u8;
    let mut i = 0;
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w');
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        let (class, step) = match (c, next) {
            (b't', b'c') if b.get(i + 2) == Some(&b'h') => (0, 1),
            (b's' | b'z', b'h') => (b'S', 2),
            (b'c', b'h') => (b'J', 2),
            (b'k' | b'g', b'h') | (b'c', b'k') => (b'K', 2),
            (b'd' | b't', b'h') => (b'T', 2),
            (b'p', b'h') => (b'F', 2),
            (b't', b's' | b'z') => (b'S', 2),
            (b'x', _) => {
                // ks: push K now, S below.
                if last != b'K' {
                    out.push('K');
                }
                last = b'K';
                (b'S', 1)
            }
            (b'j', _) if i > 0 && is_vowel(b[i - 1]) && (next == 0 || is_vowel(next)) => (0, 1),
            (b'h', 0) => (0, 1),
            _ if i == 0 && is_vowel(c) => (b'A', 1),
            _ if is_vowel(c) => (0, 1),
            (b'b' | b'p', _) => (b'P', 1),
            (b'f' | b'v', _) => (b'F', 1),
            (b'c' | b'k' | b'q' | b'g', _) => (b'K', 1),
            (b'd' | b't', _) => (b'T', 1),
            (b's' | b'z', _) => (b'S', 1),
            (b'j', _) => (b'J', 1),
            (b'l', _) => (b'L', 1),
            (b'r', _) => (b'R', 1),
            (b'm', _) => (b'M', 1),
            (b'n', _) => (b'N', 1),
            (b'h', _) => (b'H', 1),
            (d, _) if d.is_ascii_digit() => (d, 1),
            _ => (0, 1),
        };
        if class != 0 && class != last {
            out.push(class as char);
            last = class;
        }
        i += step;
    }
    out
}

/// How many consonant classes a skeleton holds (the vowel mark `A` does not count). Keys of one
/// class ("L" for Ali, Eli, Ella) say too little to match on.
pub fn skeleton_strength(key: &str) -> usize {
    key.bytes().filter(|b| *b != b'A').count()
}

/// The fewest letters a word needs to meet another by [`spelling_fold`]: shorter words are
/// names of their own more often than variants (Ana / Anna are compared as typos).
pub const SPELLING_FOLD_MIN_LEN: usize = 4;

/// The letters of a Latin (lower-case ASCII) word with the variants of romanisation folded:
/// ph is f, ee is i and oo / ou are u (long vowels written the English way: Afeef / Afif,
/// Yusoof / Yusuf), y is i (Mykhailovych / Mikhailovich, Mariya / Maria), kh is h (х and خ,
/// which Ukrainian, Belarusian, Romanian and Turkish spellings write h: Pakhnits / Pahnyts,
/// Mikhail / Mihail, Khalil / Halil), and a doubled letter is one (Phillip / Filipp). Two words
/// with one fold are one name spelled two ways.
fn spelling_fold_bytes(text: &str) -> impl Iterator<Item = u8> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    let mut last = 0u8;
    std::iter::from_fn(move || loop {
        let c = *b.get(i)?;
        let next = b.get(i + 1).copied().unwrap_or(0);
        let (out, step) = match (c, next) {
            (b'p', b'h') => (b'f', 2),
            (b'k', b'h') => (b'h', 2),
            (b'e', b'e') => (b'i', 2),
            (b'o', b'o' | b'u') => (b'u', 2),
            (b'y', _) => (b'i', 1),
            _ => (c, 1),
        };
        i += step;
        if out != last {
            last = out;
            return Some(out);
        }
    })
}

/// Surname endings that Belarusian and Ukrainian spellings write for one Russian ending, each
/// with the ending the fold writes for it: Belarusian -аў for -ов and -ев (Zaitsau / Zaitsev,
/// Eibatau / Eibatov), -enka for -enko (Lukashenka / Lukashenko).
const ENDING_VARIANTS: [(&str, &str); 5] =
    [("au", "ov"), ("ov", "ov"), ("ev", "ov"), ("enka", "enko"), ("enko", "enko")];

/// The fewest letters before such an ending: shorter words are names of their own (Neva /
/// Nova, Kiev / Kiau).
const MIN_STEM_LEN: usize = 3;

/// A word's stem and the fold's ending for it ([`ENDING_VARIANTS`]), or the whole word and "".
fn split_ending(text: &str) -> (&str, &str) {
    ENDING_VARIANTS
        .iter()
        .find_map(|(ending, folded)| {
            text.strip_suffix(ending).filter(|stem| stem.len() >= MIN_STEM_LEN).map(|stem| (stem, *folded))
        })
        .unwrap_or((text, ""))
}

/// [`spelling_fold_bytes`] of the stem with its ending folded ([`split_ending`]) as a string:
/// the key the candidate index files a word under.
pub fn spelling_fold(text: &str) -> String {
    let (stem, ending) = split_ending(text);
    let mut folded: String = spelling_fold_bytes(stem).map(char::from).collect();
    folded.push_str(ending);
    folded
}

/// Whether a word is folded at all: [`SPELLING_FOLD_MIN_LEN`] letters or more, and letters
/// only (7877 and 7887 are two numbers, not one spelled twice).
pub fn has_spelling_fold(text: &str) -> bool {
    text.len() >= SPELLING_FOLD_MIN_LEN && text.bytes().all(|b| b.is_ascii_lowercase())
}

/// Whether two Latin words are one name in two romanisations by [`spelling_fold`] (without
/// building either fold); both must [`has_spelling_fold`].
pub fn same_spelling_fold(a: &str, b: &str) -> bool {
    if !(has_spelling_fold(a) && has_spelling_fold(b)) {
        return false;
    }
    let ((stem_a, ending_a), (stem_b, ending_b)) = (split_ending(a), split_ending(b));
    ending_a == ending_b && spelling_fold_bytes(stem_a).eq(spelling_fold_bytes(stem_b))
}
