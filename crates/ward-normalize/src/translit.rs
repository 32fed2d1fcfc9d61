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
        _ => {}
    }
    push_ascii(&mut out, &any_ascii::any_ascii(word));
    out
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
