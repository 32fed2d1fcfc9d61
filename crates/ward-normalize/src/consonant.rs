//! Consonant keys that let abjad-script names (Arabic, Persian, Hebrew) meet their Latin
//! listings. Those scripts leave short vowels unwritten and use alef, waw, yod/ya and a final he
//! as vowel letters, so "حمید واحدی" reads "hmyd vhdy" and "אלישע ירד" "lysh yrd": a key that
//! keeps only consonant classes, with no vowel mark at all, is the one form both sides share.
//! Classes are coarser than [`crate::skeleton`]'s because one abjad letter stands for several
//! Latin spellings (ג is g or j, פ is p or f, ח is kh or h); letters with two common readings
//! (ض is d in Arabic and z in Persian, medial و is a vowel or v) give alternative keys.

/// Most alternative keys of one abjad word: each ambiguous letter doubles them.
const MAX_VARIANTS: usize = 8;

/// The consonant keys of a Latin (transliterated, lower-case ASCII) token, space-separated.
///
/// Vowels, y, a final h and a medial w drop; an initial w or v stays as a labial (Weiss = וייס, Vahedi =
/// واحدی); a letter of the class just read is a doubling (Ettinger, Daniella) and collapses.
/// A word starting with a vowel gets the mark `A` in front, as its abjad spelling starts with
/// alef or ayin; a word ending in a vowel gets `V` at the end, as the abjad one ends in a vowel
/// letter (Shlomo = שלמה, Rostami = رستمی). Those two marks keep the coarse classes from joining
/// unrelated names (Abbatay is not فتحي). A final vowel and h (Abdullah, Fatah) may be either.
/// "ch" is kh or ch in English spellings (Chaim = חיים, چ) and sh in French ones (Akkacha =
/// عكاشة, Cherif = شريف): a word with it gets both keys.
pub fn latin_consonants(latin: &str) -> String {
    let mut bodies = vec![latin_body(latin, false)];
    if latin.contains("ch") {
        bodies.push(latin_body(latin, true));
    }
    let b = latin.as_bytes();
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let start = if b.first().is_some_and(|c| vowel(*c)) { "A" } else { "" };
    let n = b.len();
    let last = b.last().copied().unwrap_or(0);
    let keys: Vec<String> = bodies
        .iter()
        .map(|body| {
            if n >= 2 && last == b'h' && vowel(b[n - 2]) {
                return format!("{start}{body} {start}{body}V");
            }
            let end = if vowel(last) || matches!(last, b'y' | b'w') { "V" } else { "" };
            format!("{start}{body}{end}")
        })
        .collect();
    keys.join(" ")
}

#[expect(
    clippy::match_same_arms,
    reason = "a spelling table: arms follow the order in which digraphs must be tried, one rule per line"
)]
fn latin_body(latin: &str, ch_is_sh: bool) -> String {
    let b = latin.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut prev = 0u8;
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied().unwrap_or(0);
        let (class, step) = match (b[i], next) {
            (b's' | b'z', b'h') => (b'S', 2),
            (b'c', b'h') if ch_is_sh => (b'S', 2),
            (b'c' | b'k' | b'g', b'h') | (b'c', b'k') => (b'K', 2),
            // French spellings of Maghrebi names: dj is ج (Djamel), a soft c is s (Lounici).
            (b'd', b'j') => (b'J', 2),
            (b'c', b'e' | b'i' | b'y') => (b'S', 1),
            (b'd' | b't', b'h') => (b'T', 2),
            (b'p', b'h') => (b'P', 2),
            (b't', b's' | b'z') => (b'S', 2),
            (b'w' | b'v', _) if i == 0 => (b'P', 1),
            (b'v', _) => (b'P', 1),
            (b'b' | b'p' | b'f', _) => (b'P', 1),
            (b'c' | b'k' | b'q' | b'g', _) => (b'K', 1),
            (b'j', _) => (b'J', 1),
            (b'd' | b't', _) => (b'T', 1),
            (b's' | b'z', _) => (b'S', 1),
            (b'x', _) => {
                if prev != b'K' {
                    out.push('K');
                }
                (b'S', 1)
            }
            (b'l', _) => (b'L', 1),
            (b'r', _) => (b'R', 1),
            (b'm', _) => (b'M', 1),
            (b'n', _) => (b'N', 1),
            // A final h is not written in the abjad (Abdullah, Zadeh end in a vowel letter).
            (b'h', 0) => (0, 1),
            (b'h', _) => (b'H', 1),
            (d, _) if d.is_ascii_digit() => (d, 1),
            _ => (0, 1),
        };
        if class != 0 && class != prev {
            out.push(class as char);
        }
        prev = class;
        i += step;
    }
    out
}

/// Readings of one abjad letter: `Some` classes (0 = silent), `None` for a character that is
/// not a letter of these scripts.
#[expect(
    clippy::match_same_arms,
    reason = "a letter table: each script's letters stay together, so classes repeat across scripts"
)]
fn abjad_letter(c: char) -> Option<&'static [u8]> {
    Some(match c {
        // Hebrew: alef and ayin are silent, yod is a vowel letter; het is kh or h (he is read
        // in abjad_consonants: h inside a word, a vowel at its end).
        'א' | 'ע' | 'י' => &[0],
        'ה' => b"H",
        'ב' | 'פ' | 'ף' => b"P",
        'כ' | 'ך' | 'ק' => b"K",
        // Gimel is g, and j with a geresh (which folding removes): Tanjil = טנג'יל.
        'ג' => b"KJ",
        'ד' | 'ט' | 'ת' => b"T",
        'ז' | 'ס' | 'צ' | 'ץ' | 'ש' => b"S",
        'ח' => b"KH",
        'ל' => b"L",
        'מ' | 'ם' => b"M",
        'נ' | 'ן' => b"N",
        'ר' => b"R",
        // Arabic and Persian: alifs, ʿayn, hamza carriers, ya and ta marbuta drop; ha is h
        // (inside a word: Ahmad is not Imad).
        'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ى' | 'ة' | 'ع' | 'ء' | 'ئ' | 'ؤ' | 'ي' | 'ی' | 'ے' | 'ۀ' | 'ە' => {
            &[0]
        }
        'ح' | 'ه' | 'ھ' | 'ہ' => b"H",
        'ب' | 'ف' | 'پ' => b"P",
        'ت' | 'ط' | 'ٹ' | 'د' | 'ڈ' => b"T",
        // Read d/th in Arabic, z/s in Persian and Urdu (Fadl / Fazl, Ramadan / Ramazan).
        'ث' | 'ذ' | 'ض' | 'ظ' => b"TS",
        // Jim is j, or g in Egyptian spellings (Gamal); it is never k, so Jamal is not كمال.
        'ج' => b"JK",
        'خ' | 'غ' | 'ق' | 'ك' | 'ک' | 'گ' | 'چ' => b"K",
        'ر' | 'ڑ' => b"R",
        'ز' | 'ژ' | 'س' | 'ص' | 'ش' => b"S",
        'ل' => b"L",
        'م' => b"M",
        'ن' | 'ں' => b"N",
        _ => return None,
    })
}

/// The consonant keys of a folded Arabic, Persian or Hebrew word (alternatives for letters
/// with two readings, at most [`MAX_VARIANTS`]).
///
/// Waw (ו, و) is a consonant at the start of a word and when doubled (וו); elsewhere it is a
/// vowel or a v, so it gives both readings.
pub fn abjad_consonants(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().filter(|c| abjad_letter(*c).is_some() || is_waw(*c)).collect();
    let silent_start = |c: char| matches!(c, 'א' | 'ע' | 'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ع');
    let yod = |c: char| matches!(c, 'י' | 'ي' | 'ی');
    let mut keys = match letters.first() {
        Some(&c) if silent_start(c) => vec!["A".to_string()],
        // Yitzhak or Itzhak.
        Some(&c) if yod(c) => vec![String::new(), "A".to_string()],
        _ => vec![String::new()],
    };
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let readings: &[u8] = if is_waw(c) {
            let doubled = letters.get(i + 1).is_some_and(|n| is_waw(*n));
            if doubled {
                i += 1;
            }
            if i == 0 || doubled {
                b"P"
            } else {
                &[0, b'P']
            }
        } else if i + 1 == letters.len() && matches!(c, 'ה' | 'ه' | 'ھ' | 'ہ') {
            // A final he is a vowel letter (Shlomo = שלמה, Zadeh = زاده).
            &[0]
        } else {
            abjad_letter(c).unwrap_or(&[0])
        };
        let mut next = Vec::with_capacity(keys.len() * readings.len());
        for key in &keys {
            for &class in readings.iter().take(if keys.len() >= MAX_VARIANTS { 1 } else { 2 }) {
                let mut k = key.clone();
                // No collapsing: the abjad writes a doubled consonant once (with a shadda or
                // dagesh at most), so two letters are two consonants (עינן, Einan).
                if class != 0 {
                    k.push(class as char);
                }
                next.push(k);
            }
        }
        keys = next;
        i += 1;
    }
    // A final vowel letter is written where the Latin spelling ends in a vowel.
    let vowel_end = letters.last().is_some_and(|&c| {
        matches!(
            c,
            'א' | 'ה'
                | 'ו'
                | 'י'
                | 'ע'
                | 'ا'
                | 'ى'
                | 'ة'
                | 'ي'
                | 'ی'
                | 'و'
                | 'ه'
                | 'ے'
                | 'ۀ'
                | 'ە'
                | 'ھ'
                | 'ہ'
                | 'ع'
        )
    });
    let mut out: Vec<String> = keys.into_iter().map(|k| if vowel_end { k + "V" } else { k }).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn is_waw(c: char) -> bool {
    matches!(c, 'ו' | 'و')
}

/// Fewest consonant classes a consonant key needs to match on (one class, as in "Ali" or
/// "Eli", would join half the list): the index keys only such keys and the scorer compares only
/// them.
pub const MIN_CONSONANT_CLASSES: usize = 2;

/// Number of consonant classes in a key (the marks `A` and `V` do not count): keys of fewer
/// than [`MIN_CONSONANT_CLASSES`] say too little to match on.
pub fn consonant_strength(key: &str) -> usize {
    key.bytes().filter(|b| !matches!(b, b'A' | b'V')).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abjad_names_meet_latin_listings() {
        let pairs = [
            ("حمید", "hamid"),
            ("واحدی", "vahedi"),
            ("فضل", "fazl"),
            ("محمد", "mohammad"),
            ("مظلوم", "mazloom"),
            ("رستمی", "rostami"),
            ("אלישע", "elisha"),
            ("ירד", "yered"),
            ("דניאלה", "daniella"),
            ("וייס", "weiss"),
            ("זיכרמן", "zicherman"),
            ("שלמה", "shlomo"),
            ("שריד", "sarid"),
            ("עינן", "einan"),
            ("טנגיל", "tanjil"),
            ("מאיר", "meir"),
            ("אטינגר", "ettinger"),
            ("חיים", "chaim"),
            ("חיים", "haim"),
            ("جمال", "djamel"),
            ("عكاشة", "akkacha"),
            ("لونيسي", "lounici"),
            ("شريف", "cherif"),
        ];
        for (abjad, latin) in pairs {
            let keys = abjad_consonants(abjad);
            let latin_keys = latin_consonants(latin);
            assert!(
                latin_keys.split(' ').any(|k| keys.iter().any(|a| a == k)),
                "{abjad} {keys:?} vs {latin_keys}"
            );
        }
        // A doubled letter collapses (Mohammad = محمد).
        assert_eq!(latin_consonants("mohammad"), "MHMT");
        assert_eq!(abjad_consonants("حمید"), ["HMT"]);
        // A leading vowel is written with alef or ayin: Abbatay is not فتحي.
        assert!(!abjad_consonants("فتحي").contains(&latin_consonants("abbatay")));
        assert!(!abjad_consonants("كمال").contains(&latin_consonants("jamal")));
        assert!(!abjad_consonants("عماد").contains(&latin_consonants("ahmed")));
    }
}
