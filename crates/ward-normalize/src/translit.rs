//! Transliteration to Latin: `any_ascii` for every script, with Ward's own rules where lists
//! romanise differently from it (Korean names the McCune-Reischauer way, as DPRK listings do;
//! Arabic ʿayn and tāʾ marbūṭa as vowels so that skeleton keys line up with Latin spellings).

use crate::script::Script;

/// Initial consonants of a Hangul syllable, romanised as the DPRK and most sanctions lists do
/// (McCune-Reischauer without diacritics: 김정은 -> kim jong un, 최룡해 -> choe ryong hae).
const HANGUL_INITIALS: [&str; 19] =
    ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"];
const HANGUL_VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
    "u", "ui", "i",
];
const HANGUL_FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
    "ng", "t", "t", "k", "t", "p", "t",
];

/// Romanises one Hangul syllable; `None` for other characters.
pub fn hangul_syllable(c: char) -> Option<String> {
    let code = c as u32;
    if !(0xAC00..=0xD7A3).contains(&code) {
        return None;
    }
    let s = code - 0xAC00;
    let (l, v, t) = ((s / 588) as usize, ((s % 588) / 28) as usize, (s % 28) as usize);
    Some(format!("{}{}{}", HANGUL_INITIALS[l], HANGUL_VOWELS[v], HANGUL_FINALS[t]))
}

/// Initial consonants of a Hangul syllable in a foreign name: plain stops voiced as the names
/// they transcribe are (블라디미르, Vladimir), aspirated ones plain, ㄹ as l.
const HANGUL_FOREIGN_INITIALS: [&str; 19] =
    ["g", "k", "n", "d", "t", "l", "m", "b", "p", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];
/// The syllable index of the vowel ㅡ (eu), which Korean inserts after a consonant that the
/// foreign name has without a vowel (블라디미르: b(eu)ladimir(eu)).
const HANGUL_VOWEL_EU: usize = 18;
/// The index of ㅅ (s) among initials, and of the vowels ㅑ ㅕ ㅖ ㅛ ㅠ that make it sh.
const HANGUL_INITIAL_S: usize = 9;
const HANGUL_Y_VOWELS: [(usize, &str); 5] = [(2, "a"), (6, "o"), (7, "e"), (12, "o"), (17, "u")];
/// The index of ㄹ among finals and initials.
const HANGUL_FINAL_L: usize = 8;
const HANGUL_INITIAL_L: usize = 5;

/// Reads a foreign name written in Hangul (루카셴코 -> lukashenko, 블라디미르 -> bladimir): the
/// epenthetic ㅡ after a consonant is dropped (르 alone is r), ㅅ with a y-vowel is sh, a final
/// ㄹ before an initial ㄹ is one l.
pub fn hangul_foreign(word: &str) -> String {
    let syllables: Vec<Option<(usize, usize, usize)>> = word
        .chars()
        .map(|c| {
            let code = c as u32;
            (0xAC00..=0xD7A3).contains(&code).then(|| {
                let s = code - 0xAC00;
                ((s / 588) as usize, ((s % 588) / 28) as usize, (s % 28) as usize)
            })
        })
        .collect();
    let mut out = String::with_capacity(word.len() * 2);
    for (k, (c, syllable)) in word.chars().zip(&syllables).enumerate() {
        let Some((initial, vowel, last)) = *syllable else {
            push_ascii(&mut out, any_ascii::any_ascii_char(c));
            continue;
        };
        let after_final_l = k > 0 && matches!(syllables[k - 1], Some((_, _, HANGUL_FINAL_L)));
        let epenthetic = vowel == HANGUL_VOWEL_EU && initial != HANGUL_INITIAL_NONE;
        if initial == HANGUL_INITIAL_L && epenthetic && !after_final_l {
            // ㄹ with no vowel of its own is an r (드르, 르 at the end: Aleksandr).
            out.push('r');
        } else if !(after_final_l && initial == HANGUL_INITIAL_L) {
            out.push_str(HANGUL_FOREIGN_INITIALS[initial]);
        }
        match HANGUL_Y_VOWELS.iter().find(|(v, _)| *v == vowel) {
            Some((_, plain)) if initial == HANGUL_INITIAL_S => {
                out.push('h');
                out.push_str(plain);
            }
            _ if epenthetic => {}
            _ => out.push_str(HANGUL_VOWELS[vowel]),
        }
        out.push_str(if last == HANGUL_FINAL_L { "l" } else { HANGUL_FINALS[last] });
    }
    out
}

/// The index of the silent initial ㅇ.
const HANGUL_INITIAL_NONE: usize = 11;

/// Korean family names whose list spelling differs from the syllable rule (이 is Ri in DPRK
/// listings, Lee/Yi elsewhere; the synonym dictionary's extra groups join those).
pub fn hangul_surname(c: char) -> Option<&'static str> {
    Some(match c {
        '이' | '리' => "ri",
        '임' | '림' => "rim",
        '류' | '유' => "ryu",
        '노' | '로' => "ro",
        '오' => "o",
        _ => return None,
    })
}

/// Transliterates a folded word of one script to lower-case ASCII letters and digits.
pub fn to_latin(word: &str, script: Script) -> String {
    let mut out = String::with_capacity(word.len());
    match script {
        Script::Latin | Script::Common if word.is_ascii() => {
            out.extend(word.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()));
            return out;
        }
        Script::Hangul => {
            for c in word.chars() {
                match hangul_syllable(c) {
                    Some(syllable) => out.push_str(&syllable),
                    None => push_ascii(&mut out, any_ascii::any_ascii_char(c)),
                }
            }
            return out;
        }
        Script::Arabic => {
            for c in word.chars() {
                match arabic_letter(c) {
                    Some(latin) => out.push_str(latin),
                    None => push_ascii(&mut out, any_ascii::any_ascii_char(c)),
                }
            }
            return out;
        }
        Script::Kana => {
            for c in word.chars() {
                match small_kana_vowel(c) {
                    // シェ is she, not shie: the small vowel replaces the syllable's own.
                    Some(vowel) if out.ends_with(['a', 'i', 'u', 'e', 'o']) && out.len() >= 2 => {
                        out.pop();
                        out.push(vowel);
                    }
                    _ => push_ascii(&mut out, any_ascii::any_ascii_char(c)),
                }
            }
            return out;
        }
        _ => {}
    }
    if word.chars().any(|c| brahmic_offset(c).is_some()) {
        push_brahmic(&mut out, word);
        return out;
    }
    push_ascii(&mut out, &any_ascii::any_ascii(word));
    out
}

/// The first and last code points of the Indic blocks that share the ISCII layout: Devanagari,
/// Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam (128 each).
const BRAHMIC_BLOCKS: std::ops::RangeInclusive<u32> = 0x0900..=0x0D7F;
const BRAHMIC_BLOCK_SIZE: u32 = 0x80;

/// The vowel of a small kana vowel (ァ ィ ゥ ェ ォ), which katakana writes after a syllable to
/// spell a sound Japanese lacks (シェ she, ファ fa, ティ ti).
fn small_kana_vowel(c: char) -> Option<char> {
    Some(match c {
        'ァ' | 'ぁ' => 'a',
        'ィ' | 'ぃ' => 'i',
        'ゥ' | 'ぅ' => 'u',
        'ェ' | 'ぇ' => 'e',
        'ォ' | 'ぉ' => 'o',
        _ => return None,
    })
}

/// Gurmukhi writes consonant clusters without a virama (ਵਲਾਦੀਮੀਰ, Vladimir): its consonants
/// get no inherent vowel, as `any_ascii` reads them.
const GURMUKHI: std::ops::RangeInclusive<u32> = 0x0A00..=0x0A7F;

/// Offsets inside a block of the ISCII layout.
mod iscii {
    pub const CANDRABINDU: u32 = 0x01;
    pub const ANUSVARA: u32 = 0x02;
    pub const CONSONANTS: std::ops::RangeInclusive<u32> = 0x15..=0x39;
    pub const SHA: u32 = 0x36;
    pub const SSA: u32 = 0x37;
    pub const SA: u32 = 0x38;
    pub const KA: u32 = 0x15;
    pub const JA: u32 = 0x1C;
    pub const PHA: u32 = 0x2B;
    pub const PA: u32 = 0x2A;
    pub const BA: u32 = 0x2C;
    pub const MA: u32 = 0x2E;
    pub const NUKTA: u32 = 0x3C;
    pub const VOWEL_SIGNS: std::ops::RangeInclusive<u32> = 0x3E..=0x4C;
    pub const VIRAMA: u32 = 0x4D;
    pub const LENGTH_MARKS: std::ops::RangeInclusive<u32> = 0x55..=0x57;
    pub const NUKTA_CONSONANTS: std::ops::RangeInclusive<u32> = 0x58..=0x5F;
}

/// The offset of `c` inside its Indic block, if it is in one.
fn brahmic_offset(c: char) -> Option<u32> {
    let code = c as u32;
    BRAHMIC_BLOCKS.contains(&code).then_some(code % BRAHMIC_BLOCK_SIZE)
}

/// Transliterates an Indic word as names are romanised in English: a consonant carries the
/// vowel a unless a vowel sign or virama follows or it ends the word (Hindi drops the final a:
/// लुकाशेंको -> lukashenko, not lukasemko); श and ष are sh, the anusvara is n (m before p, b,
/// m), and the nukta makes ja z, pha f and Gurmukhi sa sh (ja after k + virama is z too).
fn push_brahmic(out: &mut String, word: &str) {
    let chars: Vec<char> = word.chars().collect();
    let offset = |k: usize| chars.get(k).and_then(|c| brahmic_offset(*c));
    // क्ज (k + virama + ja) is no cluster of native words: it spells the x of foreign names
    // (अलेक्जेंडर, Alexander), whose ज is z with its nukta dropped, as it mostly is in print.
    let after_ka_virama =
        |k: usize| k >= 2 && offset(k - 1) == Some(iscii::VIRAMA) && offset(k - 2) == Some(iscii::KA);
    for (k, &c) in chars.iter().enumerate() {
        let Some(at) = brahmic_offset(c) else {
            push_ascii(out, any_ascii::any_ascii_char(c));
            continue;
        };
        let is_consonant = iscii::CONSONANTS.contains(&at) || iscii::NUKTA_CONSONANTS.contains(&at);
        if is_consonant {
            let nukta = offset(k + 1) == Some(iscii::NUKTA);
            match at {
                iscii::SHA | iscii::SSA => out.push_str("sh"),
                iscii::SA if nukta => out.push_str("sh"),
                iscii::JA if nukta || after_ka_virama(k) => out.push('z'),
                iscii::PHA if nukta => out.push('f'),
                _ => push_ascii(out, any_ascii::any_ascii_char(c)),
            }
            let next = if nukta { k + 2 } else { k + 1 };
            let vowel_follows = offset(next).is_some_and(|n| {
                iscii::VOWEL_SIGNS.contains(&n) || n == iscii::VIRAMA || iscii::LENGTH_MARKS.contains(&n)
            });
            let word_continues = offset(next).is_some();
            if !vowel_follows && word_continues && !GURMUKHI.contains(&(c as u32)) {
                out.push('a');
            }
            continue;
        }
        match at {
            iscii::ANUSVARA | iscii::CANDRABINDU => {
                let labial = offset(k + 1).is_some_and(|n| matches!(n, iscii::PA | iscii::BA | iscii::MA));
                out.push(if labial { 'm' } else { 'n' });
            }
            iscii::NUKTA | iscii::VIRAMA => {}
            _ => push_ascii(out, any_ascii::any_ascii_char(c)),
        }
    }
}

fn push_ascii(out: &mut String, text: &str) {
    out.extend(text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()));
}

/// Arabic, Persian and Urdu letters as sanctions lists romanise them (ظ is z as in Zawahiri,
/// ذ dh as in Qadhafi; ʿayn, alifs and tāʾ marbūṭa are the vowel a; hamza carriers vanish).
fn arabic_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ا' | 'أ' | 'آ' | 'ٱ' | 'ى' | 'ة' | 'ع' => "a",
        'إ' => "i",
        'ء' | 'ئ' | 'ؤ' => "",
        'ب' => "b",
        'ت' | 'ط' | 'ٹ' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' | 'ه' | 'ۀ' | 'ە' | 'ھ' | 'ہ' => "h",
        'خ' => "kh",
        'د' | 'ض' | 'ڈ' => "d",
        'ذ' => "dh",
        'ر' | 'ڑ' => "r",
        'ز' | 'ظ' => "z",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' | 'ں' => "n",
        'و' => "w",
        'ي' | 'ی' => "y",
        'ے' => "e",
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        _ => return None,
    })
}
