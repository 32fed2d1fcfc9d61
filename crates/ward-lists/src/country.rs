//! Countries as the lists write them: names, codes, demonyms ("Iraqi"), Soviet republics, former
//! states with their successors, OFAC's "Region:" entries and the UN's phrases ("Tunisian
//! passport", "Branch Office 11: Iran"). One spelling table and one resolver, [`country`], that
//! the other entry points build on; every reader resolves countries here.

use ward_model::country_code;

use crate::tabular::{collapse, split_list};

/// Demonyms, misspellings and other spellings the lists write where a country is meant, lower
/// case, with their ISO code. Names `ward_model::country_code` knows are not repeated here.
const SPELLINGS: &[(&str, &str)] = &[
    ("afghan", "af"),
    ("afghani", "af"),
    ("albanian", "al"),
    ("algerian", "dz"),
    ("american", "us"),
    ("angolan", "ao"),
    ("armenian", "am"),
    ("australian", "au"),
    ("austrian", "at"),
    ("azerbaijani", "az"),
    ("bahraini", "bh"),
    ("bangladeshi", "bd"),
    ("belarusian", "by"),
    ("belarussian", "by"),
    ("belrus", "by"),
    ("belgian", "be"),
    ("bosnian", "ba"),
    ("british", "gb"),
    ("britain", "gb"),
    ("bulgarian", "bg"),
    ("burmese", "mm"),
    ("burundian", "bi"),
    ("cambodian", "kh"),
    ("cameroonian", "cm"),
    ("canadian", "ca"),
    ("chadian", "td"),
    ("chinese", "cn"),
    ("colombian", "co"),
    // The lists say "Congolese" of people from the Democratic Republic of the Congo.
    ("congolese", "cd"),
    ("croatian", "hr"),
    ("cuban", "cu"),
    ("cypriot", "cy"),
    ("czech", "cz"),
    ("danish", "dk"),
    ("dutch", "nl"),
    ("egyptian", "eg"),
    ("emirati", "ae"),
    ("eritrean", "er"),
    ("estonian", "ee"),
    ("ethiopian", "et"),
    ("filipino", "ph"),
    ("finnish", "fi"),
    ("french", "fr"),
    ("georgian", "ge"),
    ("german", "de"),
    ("ghanaian", "gh"),
    ("greek", "gr"),
    ("guinean", "gn"),
    ("haitian", "ht"),
    ("indian", "in"),
    ("indonesian", "id"),
    ("iranian", "ir"),
    ("iraqi", "iq"),
    ("irish", "ie"),
    ("israeli", "il"),
    ("italian", "it"),
    ("ivorian", "ci"),
    ("japanese", "jp"),
    ("jordanian", "jo"),
    ("kazakh", "kz"),
    ("kazakhstani", "kz"),
    ("kenyan", "ke"),
    ("kosovan", "xk"),
    ("kuwaiti", "kw"),
    ("kyrgyz", "kg"),
    ("latvian", "lv"),
    ("lebanese", "lb"),
    ("liberian", "lr"),
    ("libyan", "ly"),
    ("lithuanian", "lt"),
    ("malaysian", "my"),
    ("malian", "ml"),
    ("mauritanian", "mr"),
    ("mauritian", "mu"),
    ("mexican", "mx"),
    ("moldovan", "md"),
    ("moldovian", "md"),
    ("mongolian", "mn"),
    ("moroccan", "ma"),
    ("nicaraguan", "ni"),
    ("occupied palestinian territories", "ps"),
    ("nigerian", "ng"),
    ("nigerien", "ne"),
    ("north korean", "kp"),
    ("norwegian", "no"),
    ("omani", "om"),
    ("pakistani", "pk"),
    ("palestinian", "ps"),
    ("panamanian", "pa"),
    ("polish", "pl"),
    ("portuguese", "pt"),
    ("qatari", "qa"),
    ("romanian", "ro"),
    ("russian", "ru"),
    ("rsfsr", "ru"),
    ("rwandan", "rw"),
    ("saudi", "sa"),
    ("saudi arabian", "sa"),
    ("senegalese", "sn"),
    ("serbian", "rs"),
    ("singaporean", "sg"),
    ("slovak", "sk"),
    ("slovenian", "si"),
    ("somali", "so"),
    ("south african", "za"),
    ("south korean", "kr"),
    ("south sudanese", "ss"),
    ("spanish", "es"),
    ("sri lankan", "lk"),
    ("sudanese", "sd"),
    ("sundan", "sd"),
    ("swedish", "se"),
    ("swiss", "ch"),
    ("syrian", "sy"),
    ("tajik", "tj"),
    ("tajikistani", "tj"),
    ("tanzanian", "tz"),
    ("thai", "th"),
    ("togolese", "tg"),
    ("tunisian", "tn"),
    ("united kingdom of great britain", "gb"),
    ("turkish", "tr"),
    ("türkiyish", "tr"),
    ("turkmen", "tm"),
    ("ugandan", "ug"),
    ("ukrainian", "ua"),
    ("ukranian", "ua"),
    ("uzbek", "uz"),
    ("uzbekistani", "uz"),
    ("uzbekhistan", "uz"),
    ("venezuelan", "ve"),
    ("vietnamese", "vn"),
    ("yemeni", "ye"),
    ("zimbabwean", "zw"),
    // Spellings of places rather than demonyms.
    ("china, hong kong special administrative region", "hk"),
    ("hong kong special administrative region", "hk"),
    ("rpdc", "kp"),
    ("turkey", "tr"),
    ("curacao", "cw"),
    ("sint maarten", "sx"),
    ("st. vincent and the grenadines", "vc"),
    ("man, isle of", "im"),
    ("north macedonia, the republic of", "mk"),
    // OFAC's regions, which stand where a country belongs.
    ("region: gaza", "ps"),
    ("region: west bank", "ps"),
    ("region: kafia kingi", "sd"),
    ("region: northern mali", "ml"),
    ("region: kurdistan", "iq"),
    ("region: crimea", "ua"),
    ("region: abyei", "sd"),
];

/// Former states that no ISO code stands for: written in birth places, but naming no current
/// country, so not worth a warning.
const HISTORICAL: &[&str] = &[
    "ussr",
    "former ussr",
    "soviet union",
    "former soviet union",
    "yugoslavia",
    "former yugoslavia",
    "czechoslovakia",
    "german democratic republic",
    "former german democratic republic",
];

/// Whether `text` names a former state with no ISO code ("USSR", "Former Yugoslavia").
pub(crate) fn is_historical(text: &str) -> bool {
    // "USSR (until 1991)": the remark does not change which state is meant.
    let text = text.split('(').next().unwrap_or(text);
    let lower = collapse(&text.to_lowercase());
    HISTORICAL.contains(&lower.trim_end_matches(['.', ',', ';']))
}

/// The ISO code of a country as these lists write it: a name, a code, a demonym ("Iraqi"), a
/// Soviet republic ("Kazakh SSR"), or a former country with its successor ("Former USSR, now
/// Ukraine", "Russia (now Belarus)"). `None` when no single country is meant.
pub(crate) fn country(text: &str) -> Option<&'static str> {
    let text = collapse(&text.replace('\u{a0}', " "));
    let text = text.trim().trim_end_matches(['.', ',', ';']).trim();
    if text.is_empty() {
        return None;
    }
    // ASCII lowercasing keeps byte offsets, so `at` below is valid in `text`.
    let lower = text.to_ascii_lowercase();
    // "Former USSR, now Ukraine", "Ukrainian SSR (now Ukraine)": the successor is meant.
    for word in ["now ", "currently "] {
        if let Some(at) = lower.rfind(word) {
            let tail = text.get(at + word.len()..).unwrap_or("");
            if let Some(code) = simple_country(tail.trim_end_matches(')')) {
                return Some(code);
            }
        }
    }
    if let Some(code) = simple_country(text) {
        return Some(code);
    }
    // "Russia (former USSR)", "Belarusian SFSR (Belarus)", "Indonesian (as at Dec. 2003)".
    if let Some((head, rest)) = text.split_once('(') {
        let inner = rest.split(')').next().unwrap_or("");
        return simple_country(head).or_else(|| simple_country(inner));
    }
    None
}

fn simple_country(text: &str) -> Option<&'static str> {
    let text = text.trim().trim_end_matches(['.', ',', ';']).trim();
    if text.is_empty() {
        return None;
    }
    if let Some(code) = country_code(text) {
        return Some(code);
    }
    let mut lower = text.to_lowercase();
    for prefix in ["possibly ", "former ", "the "] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            lower = rest.to_string();
        }
    }
    for suffix in [" autonomous ssr", " soviet socialist republic", " ssr", " sfsr", " assr"] {
        if let Some(rest) = lower.strip_suffix(suffix) {
            lower = rest.trim_end_matches(',').to_string();
        }
    }
    if let Some((_, code)) = SPELLINGS.iter().find(|(name, _)| *name == lower) {
        return Some(code);
    }
    if lower != text.to_lowercase() {
        return country_code(&lower);
    }
    None
}

/// The countries named in a field that may list several ("(1) Kenya (2) Sudan", "Russian and
/// Ukrainian", "Estonia, Russia", "Malian / Mauritanian"). Returns the codes found and the
/// items that named no known country.
pub(crate) fn countries(text: &str) -> (Vec<&'static str>, Vec<String>) {
    let mut codes = Vec::new();
    let mut unknown = Vec::new();
    for item in split_list(text) {
        if let Some(code) = country(&item) {
            push_code(&mut codes, code);
            continue;
        }
        let parts: Vec<&str> = item
            .split([',', '/'])
            .flat_map(|p| p.split(". "))
            .flat_map(|p| p.split(" and "))
            .flat_map(|p| p.split(" or "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if is_historical(&item) {
            continue;
        }
        let found: Vec<Option<&'static str>> = parts.iter().map(|p| country(p)).collect();
        let known = |(part, code): (&&str, &Option<&'static str>)| code.is_some() || is_historical(part);
        if parts.len() > 1 && parts.iter().zip(&found).all(known) {
            for code in found.into_iter().flatten() {
                push_code(&mut codes, code);
            }
        } else {
            unknown.push(item);
        }
    }
    (codes, unknown)
}

fn push_code(codes: &mut Vec<&'static str>, code: &'static str) {
    if !codes.contains(&code) {
        codes.push(code);
    }
}

/// The country a free-text detail starts with ("Russian citizen passport", "Syrian Arab
/// Republic national identification card", "Philippines number"), if any.
pub(crate) fn leading_country(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '(' | ')' | ':' | ';'))
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    // Two- and three-letter words ("no:", "BR") are too often not country codes here.
    (1..=words.len())
        .rev()
        .map(|n| words[..n].join(" "))
        .filter(|candidate| candidate.chars().count() > 3)
        .find_map(|candidate| simple_country(&candidate))
}

/// What the lists write where a country is not known: no country, and nothing to warn about.
pub(crate) fn is_no_country(text: &str) -> bool {
    let lower = text.trim().trim_end_matches('.').to_ascii_lowercase();
    matches!(lower.as_str(), "none identified" | "undetermined" | "unknown" | "none")
}

/// A country named in a phrase, as the UN writes them: a country ([`country`]), a nationality
/// with a qualifier ("Tunisian passport", "Sudanese by birth"), or a phrase whose first sentence
/// or last part is the country ("United States. Also believed to hold Syrian nationality",
/// "Branch Office 11: Iran").
pub(crate) fn country_in_phrase(text: &str) -> Option<&'static str> {
    let qualified = |text: &str| {
        let lower = text.trim().to_lowercase();
        let lower = lower.strip_suffix(" passport").unwrap_or(&lower);
        let lower = lower.strip_suffix(" by birth").unwrap_or(lower);
        country(lower)
    };
    if let Some(code) = qualified(text) {
        return Some(code);
    }
    let first_sentence = text.split(". ").next().filter(|s| s.len() < text.len());
    if let Some(code) = first_sentence.and_then(qualified) {
        return Some(code);
    }
    text.rsplit([',', ':']).next().filter(|s| s.len() < text.len()).and_then(qualified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_country(text: &str, expect: Option<&str>) {
        assert_eq!(country(text), expect, "country({text:?})");
    }

    #[test]
    fn country_spellings() {
        check_country("Iraqi", Some("iq"));
        check_country("Saudi Arabian\u{a0}", Some("sa"));
        check_country("Former USSR, now Ukraine", Some("ua"));
        check_country("Kazakh SSR", Some("kz"));
        check_country("Belarusian SFSR (Belarus)", Some("by"));
        check_country("Russia (former USSR)", Some("ru"));
        check_country("Indonesian (as at Dec. 2003)", Some("id"));
        check_country("Congo (Democratic Republic)", Some("cd"));
        check_country("Possibly Ethiopian", Some("et"));
        check_country("USSR", None);
        check_country("", None);
    }

    #[test]
    fn several_countries() {
        let (codes, unknown) = countries("Russian and Ukrainian");
        assert_eq!((codes, unknown), (vec!["ru", "ua"], Vec::<String>::new()));
        let (codes, _) = countries("Trinidad and Tobago");
        assert_eq!(codes, vec!["tt"]);
        let (codes, _) = countries("a) Pakistani       b) Saudi Arabian");
        assert_eq!(codes, vec!["pk", "sa"]);
        let (codes, unknown) = countries("Estonia, Russia; Atlantis");
        assert_eq!((codes, unknown), (vec!["ee", "ru"], vec!["Atlantis".to_string()]));
    }

    #[test]
    fn leading_countries() {
        assert_eq!(leading_country("Russian citizen passport"), Some("ru"));
        assert_eq!(leading_country("Syrian Arab Republic national identification card"), Some("sy"));
        assert_eq!(leading_country("Expiry 3 April 2021"), None);
    }

    #[test]
    fn countries_as_ofac_writes_them() {
        assert_eq!(country("Korea, North"), Some("kp"));
        assert_eq!(country("Palestinian"), Some("ps"));
        assert_eq!(country("Region: Gaza"), Some("ps"));
        assert_eq!(country("Man, Isle of"), Some("im"));
        assert_eq!(country("Iraq."), Some("iq"));
        assert_eq!(country("undetermined"), None);
        assert!(is_no_country("None Identified"));
    }

    #[test]
    fn countries_as_the_un_writes_them() {
        let check =
            |text: &str, expect: Option<&str>| assert_eq!(country_in_phrase(text), expect, "{text:?}");
        check("Iran (Islamic Republic of)", Some("ir"));
        check("Tunisian passport", Some("tn"));
        check("Possibly Ethiopian", Some("et"));
        check("Sudanese by birth", Some("sd"));
        check("Branch Office 11: Iran", Some("ir"));
        check("China, Hong Kong Special Administrative Region", Some("hk"));
        check("United States. Also believed to hold Syrian nationality", Some("us"));
        check("former Soviet Union", None);
    }
}
