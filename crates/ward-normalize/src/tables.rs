//! Word tables: titles and honorifics, name particles, legal forms and generic organisation
//! words in the languages and scripts sanctions lists use. Entries are in folded, transliterated
//! form (what `to_latin` makes of them: ООО -> "ooo", ПАО -> "pao").

/// Titles and honorifics: dropped before matching ("Dr", "Sheikh", "Mullah", "Haji").
pub const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "lord", "lady", "dame", "hon", "honorable", "sheikh", "shaikh", "shaykh", "sheik", "cheikh", "shaykha", "sheikha", "mullah", "mulla", "mollah", "molla",
    "maulavi", "maulvi", "mawlawi", "mawlavi", "moulavi", "molvi", "maulana", "mawlana", "haji", "hajji", "hadji",
    "alhaj", "alhaji", "hajj", "qari", "qazi", "imam", "ayatollah", "hojatoleslam", "sayyid",
    "sayed", "syed", "sayyed", "mufti", "ustadh", "ustad", "ustaz", "general", "gen", "colonel", "col",
    "lieutenant", "lt", "major", "maj", "brigadier", "captain", "capt", "commander", "admiral", "sergeant", "sgt",
    "president", "minister", "senator", "judge", "engineer", "eng", "mohandis", "dhr", "mevr", "herr", "frau",
    "monsieur", "madame", "mme", "mlle", "senor", "senora", "gospodin", "gospozha",
];

/// Particles: articles, kinship and joining words inside names and organisation names. They
/// match each other but weigh almost nothing, and missing ones cost nothing.
pub const PARTICLES: &[&str] = &[
    "al", "el", "ul", "ud", "ad", "ar", "as", "ash", "at", "az", "an", "bin", "ibn", "bint", "ben", "bni", "ould",
    "abu", "abou", "abo", "abw", "umm", "um", "bn", "abn", "van", "von", "der", "den", "ter", "ten", "de", "da", "di", "du", "des",
    "del", "della", "dei", "degli", "dos", "das", "do", "la", "le", "les", "lo", "zu", "af", "the", "of", "and",
    "for", "und", "et", "en", "on", "in", "by",
];

/// Words that turn a following word into a father's or grandfather's name (bin Laden).
pub const KINSHIP: &[&str] = &["bin", "ibn", "bint", "ben", "ould", "bn", "binti", "binte"];

/// Legal forms that stand alone as one token. They neither make nor block a match.
pub const LEGAL_FORMS: &[&str] = &[
    "llc", "ooo", "pjsc", "pao", "oao", "zao", "jsc", "ojsc", "cjsc", "pjs", "ojs", "nao", "ano", "too", "tov",
    "prat", "pat", "chp", "fgup", "gup", "mup", "gmbh", "mbh", "ag", "kg", "ohg", "kgaa", "ug", "sa", "sas", "sarl",
    "srl", "spa", "sl", "sca", "scs", "snc", "nv", "bv", "plc", "ltd", "ltda", "limited", "inc", "incorporated",
    "llp", "lp", "co", "pte", "pvt", "bhd", "sdn", "sdnbhd", "fze", "fzco", "fzc", "fzllc", "fz", "dmcc", "wll",
    "spc", "kft", "zrt", "nyrt", "doo", "dd", "ad", "ead", "ood", "eood", "sro", "as", "asa", "ab", "oy", "oyj",
    "aps", "ehf", "sac", "saa", "cia", "eirl", "kk", "yk", "gk", "pt", "tbk", "cv", "pty", "ptyltd", "se", "sae",
    "sal", "sak", "gie", "ltdco", "coltd", "jv", "ip", "ao", "tic", "sti", "as",
    // CJK legal forms after transliteration (有限公司, 株式会社, 주식회사).
    "youxiangongsi", "gufenyouxiangongsi", "youxianzerengongsi", "zhushihuishe", "jusikhoesa", "chusikhoesa",
];

/// Short legal forms that are also ordinary name words ("Ao", "As", "Co", "Sa", "Pt"): they count
/// as legal forms only at the start or end of a name of two or more words.
pub const AMBIGUOUS_LEGAL_FORMS: &[&str] = &[
    "ao", "as", "ab", "sa", "ag", "co", "kg", "nv", "bv", "oy", "se", "sl", "pt", "cv", "ad", "dd", "ip", "kk",
    "gk", "yk", "lp", "ug", "sal", "sak", "sae", "too", "pat", "gup", "mup", "ano", "nao", "tic", "sti", "cia",
    "doo", "jv", "fz", "spa",
];

/// Legal forms written as several words. Matched longest first on the transliterated tokens.
pub const LEGAL_PHRASES: &[&[&str]] = &[
    &["public", "joint", "stock", "company"],
    &["open", "joint", "stock", "company"],
    &["closed", "joint", "stock", "company"],
    &["private", "joint", "stock", "company"],
    &["joint", "stock", "company"],
    &["limited", "liability", "company"],
    &["limited", "liability", "partnership"],
    &["public", "limited", "company"],
    &["private", "limited", "company"],
    &["company", "limited"],
    &["co", "limited"],
    &["co", "ltd"],
    &["pte", "ltd"],
    &["pvt", "ltd"],
    &["pty", "ltd"],
    &["sdn", "bhd"],
    &["private", "limited"],
    &["obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"],
    &["obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
    &["obshchestvo", "s", "ogranichennoi", "otvetstvennostyu"],
    &["publichnoe", "aktsionernoe", "obshchestvo"],
    &["otkrytoe", "aktsionernoe", "obshchestvo"],
    &["zakrytoe", "aktsionernoe", "obshchestvo"],
    &["aktsionernoe", "obshchestvo"],
    &["aktsionernoye", "obshchestvo"],
    &["tovarystvo", "z", "obmezhenoiu", "vidpovidalnistiu"],
    &["gesellschaft", "mit", "beschrankter", "haftung"],
    &["societe", "anonyme"],
    &["sociedad", "anonima"],
    &["societa", "per", "azioni"],
    &["sociedad", "de", "responsabilidad", "limitada"],
    &["societe", "a", "responsabilite", "limitee"],
    &["kabushiki", "kaisha"],
    &["sp", "z", "oo"],
    &["sa", "de", "cv"],
];

/// Han legal suffixes, matched on the end of a Han run before it is split into syllables.
pub const HAN_LEGAL_SUFFIXES: &[&str] =
    &["股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "株式会社", "有限会社", "公司"];

/// Generic words of organisation names: they match, but weigh little, so that two companies
/// that share only "International Trading" do not match.
pub const ORG_WORDS: &[&str] = &[
    "trading", "trade", "traders", "bank", "banking", "international", "intl", "corp", "corporation", "group",
    "company", "companies", "holding", "holdings", "industries", "industry", "industrial", "enterprise",
    "enterprises", "services", "service", "general", "investment", "investments", "invest", "import", "export",
    "shipping", "commercial", "commerce", "trust", "partners", "fund", "global", "management", "development",
    "engineering", "construction", "technology", "technologies", "tech", "systems", "solutions", "logistics",
    "energy", "resources", "ventures", "capital", "finance", "financial", "exchange", "agency", "association",
    "foundation", "organization", "organisation", "society", "institute", "center", "centre", "factory", "plant",
    "works", "manufacturing", "production", "products", "marine", "maritime", "petroleum", "oil", "gas",
    "national", "joint", "stock", "limited", "liability", "public", "private", "open", "closed", "line", "lines",
    "airlines", "airline", "air", "shipping", "navigation", "transport", "establishment", "est", "office",
    "ministry", "department", "bureau", "committee", "council", "scientific", "research", "production",
    "kompaniya", "gruppa", "obedinennaya", "zavod", "tsentr", "firma", "sharikat", "sherkat", "sanayi",
    "ticaret", "jituan", "gongsi", "jtuan", "limitada", "sociedad", "societe", "gesellschaft",
];

/// Endings of patronymics (Viktorovich, Petrovna, Ogly) and the like: a missing one costs little.
pub const PATRONYMIC_SUFFIXES: &[&str] = &[
    "ovich", "evich", "ievich", "yevich", "ovna", "evna", "ievna", "yevna", "ichna", "ogly", "oglu", "ugli",
    "kyzy", "qizi", "vich", "vna",
];

/// Whether `word` is in `table`.
pub fn contains(table: &[&str], word: &str) -> bool {
    table.contains(&word)
}
