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
