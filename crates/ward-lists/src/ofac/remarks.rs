//! OFAC's labelled facts, shared by the three OFAC readers: the remarks field of the CSV files
//! ("DOB 01 Jan 1963; POB Baghdad, Iraq; Passport A123 (Iran); Linked To: X."), the `idList`
//! items of the classic XML and the features and documents of the enhanced XML all use the same
//! labels ("Passport", "Secondary sanctions risk:", "Website", ...), so one table says what each
//! label means.
//!
//! The module also holds what the readers share beyond labels: OFAC's country spellings, the
//! dataset decision (SDN or consolidated) and the resolution of "Linked To" names to records.
//!
//! Remarks are split on ";". A part whose label is known becomes a field (date of birth, alias,
//! identifier, link, property); a part with an unknown label that still looks like
//! "<label> No. <value> (<country>)" becomes an identifier of kind `Other` under its own label;
//! anything else (positions, "all offices worldwide", "ICTY indictee") is kept in `notes`.

use crate::country;
use std::collections::HashMap;
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Link, LinkKind, Name,
    NameKind, NameParts, Schema,
};

#[cfg(test)]
pub(crate) mod tests;

/// The SDN list dataset.
pub(crate) const SDN: &str = "us_ofac_sdn";
/// The consolidated (non-SDN) list dataset.
pub(crate) const CONS: &str = "us_ofac_cons";

/// What a label says about the entity.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fact {
    /// Date of birth ("DOB", "Birthdate").
    BirthDate,
    /// Place of birth.
    BirthPlace,
    /// Nationality country.
    Nationality,
    /// Citizenship country.
    Citizenship,
    /// "Gender Male".
    Gender,
    /// "Linked To: NAME".
    LinkedTo,
    /// A name in remarks: OFAC writes its weak (low quality) aliases there, see [`apply_remarks`].
    Alias,
    /// A date that is not a birth date but stands in for one (founding of an organisation).
    Established,
    /// Build year of a vessel or aircraft: a birth date and the `FtM` `buildDate`.
    BuildDate,
    /// An identifier; `None` lets [`IdKind::classify`] read the label.
    Id(Option<IdKind>),
    /// A free `FtM` property.
    Property(&'static str),
    /// A vessel flag: the `FtM` `flag` (alpha-2) and a country.
    Flag,
    /// A former vessel flag: `FtM` `pastFlags`.
    PastFlag,
    /// "Nationality of Registration": the `FtM` `jurisdiction` (alpha-2) and a country.
    Jurisdiction,
    /// Sanctions information, kept with its label in `notes`.
    Note,
}

/// OFAC's labels, lower case, as they start a remark or name an id type or feature. The longest
/// matching label wins ("nationality of registration" before "nationality").
static LABELS: &[(&str, Fact)] = &[
    ("dob", Fact::BirthDate),
    ("birthdate", Fact::BirthDate),
    ("pob", Fact::BirthPlace),
    ("place of birth", Fact::BirthPlace),
    ("nationality", Fact::Nationality),
    ("nationality country", Fact::Nationality),
    ("nationality of registration", Fact::Jurisdiction),
    ("citizen", Fact::Citizenship),
    ("citizenship", Fact::Citizenship),
    ("citizenship country", Fact::Citizenship),
    ("gender", Fact::Gender),
    ("linked to:", Fact::LinkedTo),
    ("a.k.a.", Fact::Alias),
    ("f.k.a.", Fact::Alias),
    ("n.k.a.", Fact::Alias),
    ("organization established date", Fact::Established),
    ("vessel year of build", Fact::BuildDate),
    ("aircraft manufacture date", Fact::BuildDate),
    // Vessels.
    ("vessel registration identification", Fact::Id(Some(IdKind::Imo))),
    ("mmsi", Fact::Id(Some(IdKind::Mmsi))),
    ("vessel call sign", Fact::Id(Some(IdKind::CallSign))),
    ("other vessel call sign", Fact::Id(Some(IdKind::CallSign))),
    ("vessel flag", Fact::Flag),
    ("other vessel flag", Fact::Flag),
    ("former vessel flag", Fact::PastFlag),
    ("vessel type", Fact::Property("type")),
    ("other vessel type", Fact::Property("type")),
    ("vessel tonnage", Fact::Property("tonnage")),
    ("vessel gross registered tonnage", Fact::Property("grossRegisteredTonnage")),
    ("vessel owner", Fact::Property("owner")),
    // Aircraft.
    ("aircraft model", Fact::Property("model")),
    ("aircraft operator", Fact::Property("operator")),
    ("aircraft tail number", Fact::Id(Some(IdKind::AircraftId))),
    ("previous aircraft tail number", Fact::Id(Some(IdKind::AircraftId))),
    ("aircraft manufacturer's serial number (msn)", Fact::Id(Some(IdKind::AircraftId))),
    ("aircraft construction number (also called l/n or s/n or f/n)", Fact::Id(Some(IdKind::AircraftId))),
    ("aircraft mode s transponder code", Fact::Id(Some(IdKind::Other))),
    // Contact details.
    ("website", Fact::Property("website")),
    ("email address", Fact::Property("email")),
    ("email", Fact::Property("email")),
    ("phone number", Fact::Property("phone")),
    ("phone", Fact::Property("phone")),
    ("telephone", Fact::Property("phone")),
    ("organization type:", Fact::Property("sector")),
    // Identifiers whose kind the generic classifier would miss or get wrong.
    ("digital currency address", Fact::Id(Some(IdKind::CryptoWallet))),
    ("swift/bic", Fact::Id(Some(IdKind::Bic))),
    ("legal entity number", Fact::Id(Some(IdKind::Lei))),
    ("nit #", Fact::Id(Some(IdKind::TaxId))),
    ("ruc #", Fact::Id(Some(IdKind::TaxId))),
    ("rif #", Fact::Id(Some(IdKind::TaxId))),
    ("rfc", Fact::Id(Some(IdKind::TaxId))),
    ("r.f.c.", Fact::Id(Some(IdKind::TaxId))),
    ("v.a.t. number", Fact::Id(Some(IdKind::TaxId))),
    ("us fein", Fact::Id(Some(IdKind::TaxId))),
    ("italian fiscal code", Fact::Id(Some(IdKind::TaxId))),
    ("c.u.i.t.", Fact::Id(Some(IdKind::TaxId))),
    ("c.u.r.p.", Fact::Id(Some(IdKind::NationalId))),
    ("curp #", Fact::Id(Some(IdKind::NationalId))),
    ("cedula no.", Fact::Id(Some(IdKind::NationalId))),
    ("personal id card", Fact::Id(Some(IdKind::NationalId))),
    ("numero de identidad", Fact::Id(Some(IdKind::NationalId))),
    ("d.n.i.", Fact::Id(Some(IdKind::NationalId))),
    ("ssn", Fact::Id(Some(IdKind::NationalId))),
    ("c.r. no.", Fact::Id(Some(IdKind::Registration))),
    ("company number", Fact::Id(Some(IdKind::Registration))),
    ("uk company number", Fact::Id(Some(IdKind::Registration))),
    ("commercial registry number", Fact::Id(Some(IdKind::Registration))),
    ("folio mercantil no.", Fact::Id(Some(IdKind::Registration))),
    ("matricula mercantil no", Fact::Id(Some(IdKind::Registration))),
    ("trade license no.", Fact::Id(Some(IdKind::Registration))),
    ("government gazette number", Fact::Id(Some(IdKind::Registration))),
    ("economic register number (cbls)", Fact::Id(Some(IdKind::Registration))),
    ("certificate of incorporation number", Fact::Id(Some(IdKind::Registration))),
    ("d-u-n-s number", Fact::Id(Some(IdKind::Other))),
    ("bik (ru)", Fact::Id(Some(IdKind::Other))),
    ("isin", Fact::Id(Some(IdKind::Other))),
    ("passport", Fact::Id(None)),
    ("diplomatic passport", Fact::Id(None)),
    ("national id no.", Fact::Id(None)),
    ("tax id no.", Fact::Id(None)),
    ("registration id", Fact::Id(None)),
    ("registration number", Fact::Id(None)),
    ("identification number", Fact::Id(None)),
    ("business registration", Fact::Id(None)),
    ("business registration number", Fact::Id(None)),
    ("business registration document #", Fact::Id(None)),
    ("unified social credit code (uscc)", Fact::Id(None)),
    ("public registration number", Fact::Id(None)),
    ("chamber of commerce number", Fact::Id(None)),
    ("electoral registry no.", Fact::Id(None)),
    ("credencial electoral", Fact::Id(None)),
    ("driver's license no.", Fact::Id(None)),
    ("birth certificate number", Fact::Id(None)),
    ("national foreign id number", Fact::Id(None)),
    ("cartilla de servicio militar nacional", Fact::Id(None)),
    ("license", Fact::Id(None)),
    // Sanctions information: kept in notes, label and all.
    ("secondary sanctions risk:", Fact::Note),
    ("additional sanctions information -", Fact::Note),
    ("transactions prohibited for persons owned or controlled by u.s. financial institutions:", Fact::Note),
    ("executive order", Fact::Note),
    ("caatsa section 235 information:", Fact::Note),
    ("ifca determination -", Fact::Note),
    ("peesa information:", Fact::Note),
    ("listing date", Fact::Note),
    ("effective date", Fact::Note),
    ("purchase/sales for divestment date", Fact::Note),
    ("target type", Fact::Note),
    ("issuer name", Fact::Note),
    ("equity ticker", Fact::Note),
    ("fax", Fact::Note),
];

/// Finds the longest known label `text` starts with. The label must end the text or be followed
/// by a space, unless it ends in punctuation itself ("Linked To:", "NIT #").
fn lookup(text: &str) -> Option<(usize, Fact)> {
    let mut best: Option<(usize, Fact)> = None;
    for (label, fact) in LABELS {
        let Some(head) = text.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let ends_in_punct = label.ends_with(|c: char| !c.is_ascii_alphanumeric());
        let next = text[label.len()..].chars().next();
        let bounded = ends_in_punct || next.is_none_or(|c| c.is_whitespace() || c == ':');
        if bounded && best.as_ref().is_none_or(|(len, _)| label.len() > *len) {
            best = Some((label.len(), fact.clone()));
        }
    }
    best
}

/// The last word of a label of an identifier OFAC has no fixed label for ("Central
/// Registration System Number", "Kenyan ID No.", "Tazkira National ID Card").
const ID_LABEL_ENDINGS: &[&str] = &[
    "no.",
    "no",
    "nr.",
    "number",
    "#",
    "id",
    "card",
    "code",
    "passport",
    "license",
    "licence",
    "permit",
    "certificate",
];

/// Splits an unknown remark into (label, value) when it reads as an identifier: a label of at
/// most eight words ending in "No.", "Number", "ID", ... (or an abbreviation like "C.U.R.P." or
/// "(NUIT)"), then a value with a digit in its first word.
fn generic_id(part: &str) -> Option<(&str, &str)> {
    let mut label_end = None;
    let mut words = 0;
    for (idx, word) in word_starts(part) {
        if word.chars().any(|c| c.is_ascii_digit()) {
            label_end = Some(idx);
            break;
        }
        words += 1;
        if words > 8 {
            return None;
        }
    }
    let label_end = label_end?;
    let label = part[..label_end].trim();
    let last = label.rsplit(' ').next()?.trim_end_matches(':').to_ascii_lowercase();
    let abbreviation = last.len() >= 3
        && (last.contains('.') && last.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
            || last.starts_with('(') && last.ends_with(')'));
    (!label.is_empty() && (ID_LABEL_ENDINGS.contains(&last.as_str()) || abbreviation))
        .then(|| (label, part[label_end..].trim()))
}

/// Byte offsets and text of the space-separated words of `text`.
fn word_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(' ')
        .scan(0usize, |pos, word| {
            let start = *pos;
            *pos += word.len() + 1;
            Some((start, word))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// Applies a remarks field to `entity` and returns warnings about values that were not
/// understood (they are kept in `notes`).
///
/// The CSV files keep OFAC's weak aliases in the remarks ("a.k.a. 'BNC'"): `alt.csv` holds only
/// the strong ones, and the classic XML lists the remarks names as `category="weak"`. So every
/// a.k.a., f.k.a. and n.k.a. found here becomes a [`NameKind::Weak`] name; for a weak f.k.a. the
/// quality decides, as a weak name must never match on its own.
///
/// When `truncated` is set (the CSV cut the field at 1000 characters and the continuation is
/// missing), the last part is kept whole in `notes` instead of being read, as it is cut short.
pub(crate) fn apply_remarks(entity: &mut Entity, remarks: &str, truncated: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    let parts: Vec<&str> = remarks.split(';').map(str::trim).filter(|p| !p.is_empty()).collect();
    for (idx, part) in parts.iter().enumerate() {
        if truncated && idx + 1 == parts.len() {
            push_note(entity, part.to_string());
            continue;
        }
        apply_part(entity, part, &mut warnings);
    }
    warnings
}

fn apply_part(entity: &mut Entity, part: &str, warnings: &mut Vec<String>) {
    // The classic XML writes "(Linked To: X)".
    let part = match part.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
        Some(inner) if inner.starts_with("Linked To") => inner.trim(),
        _ => part,
    };
    // "alt. DOB 1964": an alternative value, read like the first.
    let body = part.strip_prefix("alt. ").or_else(|| part.strip_prefix("Alt. ")).unwrap_or(part).trim();
    if let Some((len, fact)) = lookup(body) {
        let label = body[..len].trim();
        let value = body[len..].trim_start_matches([':', ' ']).trim();
        apply_fact_with(entity, fact, label, value, None, None, body, warnings);
    } else if let Some((label, value)) = generic_id(body) {
        add_id(entity, None, label, value, None, None, warnings);
    } else {
        push_note(entity, body.to_string());
    }
}

/// Applies one labelled fact, as the XML readers find them: an `idList` item (`idType`,
/// `idNumber`, `idCountry`, issue and expiry dates in `detail`) or an enhanced XML feature.
/// `country` is a name or an alpha-2 code. Returns nothing; warnings go to `warnings`.
pub(crate) fn apply_fact(
    entity: &mut Entity,
    label: &str,
    value: &str,
    country: Option<&str>,
    detail: Option<&str>,
    warnings: &mut Vec<String>,
) {
    let label = label.trim();
    let value = value.trim();
    let whole = format!("{label} {value}");
    match lookup(label) {
        // A prefix is enough: "Listing Date (EO 14024 Directive 2):" is a "listing date",
        // "Digital Currency Address - XBT" a "digital currency address".
        Some((_, fact)) => apply_fact_with(entity, fact, label, value, country, detail, &whole, warnings),
        // An OFAC id type no table knows: an identifier under its own label, if it has a value.
        _ if !value.is_empty() => add_id(entity, None, label, value, country, detail, warnings),
        _ => push_note(entity, label.to_string()),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one remark's parts as the remark parser splits them; every caller passes different ones"
)]
fn apply_fact_with(
    entity: &mut Entity,
    fact: Fact,
    label: &str,
    value: &str,
    country: Option<&str>,
    detail: Option<&str>,
    whole: &str,
    warnings: &mut Vec<String>,
) {
    // OFAC ends the remarks with a full stop, which belongs to no value (names are quoted or
    // handled by the link resolution instead).
    let plain = value.strip_suffix('.').unwrap_or(value).trim();
    match fact {
        Fact::BirthDate | Fact::Established | Fact::BuildDate => {
            match DateSpec::parse(plain) {
                Some(date) if !entity.birth_dates.contains(&date) => entity.birth_dates.push(date),
                Some(_) => {}
                None if plain.is_empty() => return,
                None => {
                    warnings.push(format!("{label}: cannot read the date {plain:?}; kept in notes"));
                    push_note(entity, whole.to_string());
                    return;
                }
            }
            if fact == Fact::BuildDate {
                entity.add_property("buildDate", plain);
            }
        }
        Fact::BirthPlace => Entity::push_unique(&mut entity.birth_places, plain),
        Fact::Nationality | Fact::Citizenship | Fact::Flag | Fact::PastFlag | Fact::Jurisdiction => {
            if plain.is_empty() || country::is_no_country(plain) {
                return;
            }
            let Some(code) = country::country(plain) else {
                warnings.push(format!("{label}: unknown country {plain:?}; kept in notes"));
                push_note(entity, whole.to_string());
                return;
            };
            match fact {
                Fact::Nationality => Entity::push_unique(&mut entity.nationalities, code),
                Fact::Citizenship => Entity::push_unique(&mut entity.citizenships, code),
                Fact::PastFlag => entity.add_property("pastFlags", code),
                Fact::Flag => {
                    entity.add_property("flag", code);
                    Entity::push_unique(&mut entity.countries, code);
                }
                _ => {
                    entity.add_property("jurisdiction", code);
                    Entity::push_unique(&mut entity.countries, code);
                }
            }
        }
        Fact::Gender => match Gender::parse(plain) {
            Some(gender) => entity.gender = Some(gender),
            None => {
                warnings.push(format!("{label}: unknown gender {plain:?}; kept in notes"));
                push_note(entity, whole.to_string());
            }
        },
        Fact::LinkedTo => {
            if !value.is_empty() {
                let link = Link {
                    kind: LinkKind::Associate,
                    target_id: None,
                    target_name: Some(value.to_string()),
                    description: Some("Linked To".to_string()),
                };
                if !entity.links.contains(&link) {
                    entity.links.push(link);
                }
            }
        }
        Fact::Alias => add_name(entity, unquote(value), NameKind::Weak),
        Fact::Id(kind) => add_id(entity, kind, label, value, country, detail, warnings),
        Fact::Property(property) => entity.add_property(property, plain),
        Fact::Note => push_note(entity, whole.trim().to_string()),
    }
}

/// The name inside OFAC's quotes: "'ABU-'UMAR'." is ABU-'UMAR, "''ABD AL-MUHSI'" is 'ABD
/// AL-MUHSI (the inner quote is part of the name).
fn unquote(value: &str) -> &str {
    let value = value.trim();
    let value = value.strip_suffix('.').filter(|v| v.ends_with('\'')).unwrap_or(value);
    let inner = value.strip_prefix('\'').unwrap_or(value);
    inner.strip_suffix('\'').unwrap_or(inner).trim()
}

/// Adds a name, with last and first name parts for people ("AL ZAHAR, Mahmoud Khaled").
pub(crate) fn add_name(entity: &mut Entity, full: &str, kind: NameKind) {
    let mut name = Name::new(full, kind);
    name.parts = comma_parts(&name.full, entity.schema);
    entity.add_name(name);
}

/// The parts of a person's name written "LAST, First" (OFAC's order); none for other schemas
/// or names without the comma.
pub(crate) fn comma_parts(full: &str, schema: Schema) -> NameParts {
    match full.split_once(", ") {
        Some((last, first))
            if schema == Schema::Person && !last.trim().is_empty() && !first.trim().is_empty() =>
        {
            NameParts {
                last: Some(last.trim().to_string()),
                first: Some(first.trim().to_string()),
                ..NameParts::default()
            }
        }
        _ => NameParts::default(),
    }
}

/// Adds an identifier: "A123 (Iran) expires 2020" gives value A123, country ir and the detail
/// "expires 2020" in the note beside the label.
fn add_id(
    entity: &mut Entity,
    kind: Option<IdKind>,
    label: &str,
    value: &str,
    country: Option<&str>,
    detail: Option<&str>,
    warnings: &mut Vec<String>,
) {
    let mut label = label.trim().trim_end_matches(':').trim().to_string();
    let mut value = value.trim();
    // "Digital Currency Address - XBT 1abc": the currency ticker belongs to the label.
    if kind == Some(IdKind::CryptoWallet) {
        if let Some(rest) = value.strip_prefix('-') {
            let rest = rest.trim_start();
            let (ticker, address) = rest.split_once(' ').unwrap_or((rest, ""));
            label = format!("{label} - {ticker}");
            value = address.trim();
        }
    }
    let parsed = split_id_value(value);
    if parsed.value.is_empty() {
        return;
    }
    // "Passport issued in Sarajevo": a remark about a document, not its number.
    if !parsed.value.chars().any(|c| c.is_ascii_digit())
        && parsed.value.starts_with(|c: char| c.is_lowercase())
    {
        push_note(entity, format!("{label} {value}"));
        return;
    }
    let mut code = None;
    for name in [country, parsed.country].into_iter().flatten().filter(|n| !country::is_no_country(n)) {
        match country::country(name) {
            Some(c) => {
                code = Some(c);
                break;
            }
            None => warnings.push(format!("{label}: unknown issuing country {name:?}")),
        }
    }
    let mut identifier = Identifier::from_label(&label, parsed.value, code);
    if let Some(kind) = kind {
        identifier.kind = kind;
    }
    let details: Vec<&str> =
        [parsed.detail, detail].into_iter().flatten().filter(|d| !d.is_empty()).collect();
    if !details.is_empty() {
        identifier.note = Some(format!("{}; {}", identifier.note.unwrap_or_default(), details.join("; ")));
    }
    entity.add_identifier(identifier);
}

/// An identifier value taken apart.
#[derive(Debug, PartialEq, Eq)]
struct IdValue<'a> {
    value: &'a str,
    country: Option<&'a str>,
    detail: Option<&'a str>,
}

/// Splits "RL 1794375 (Lebanon) issued 2010." into the value, the country in brackets and what
/// follows it. Brackets that name no country and end the value are kept in it.
fn split_id_value(text: &str) -> IdValue<'_> {
    let text = text.trim().trim_end_matches(['.', ',']).trim();
    // "# HESU430525HBCRMR05", "No.: 0310857": the number sign is not part of the number.
    let text = text.strip_prefix("No.").unwrap_or(text);
    let text = text.trim_start_matches(['#', ':', ' ']);
    if let Some(open) = text.rfind(" (") {
        if let Some(close) = text[open..].find(')').map(|c| open + c) {
            let inner = text[open + 2..close].trim();
            let after = text[close + 1..].trim().trim_start_matches([',', ';']).trim();
            let looks_like_country = country::country(inner).is_some()
                || (!after.is_empty() && inner.chars().all(|c| c.is_alphabetic() || " ,.'-".contains(c)));
            if looks_like_country && !inner.is_empty() {
                return IdValue {
                    value: text[..open].trim(),
                    country: Some(inner),
                    detail: (!after.is_empty()).then_some(after),
                };
            }
        }
    }
    for marker in [" issued ", " expires ", " Issue Date ", " Expiration Date "] {
        if let Some(at) = text.find(marker) {
            return IdValue { value: text[..at].trim(), country: None, detail: Some(text[at..].trim()) };
        }
    }
    IdValue { value: text, country: None, detail: None }
}

/// Keeps a note once, without the full stop OFAC ends its remarks with (the CSV writes
/// "HAMAS - Hebron.", the XML "HAMAS - Hebron"); a final abbreviation ("Co. Ltd.") keeps it.
pub(crate) fn push_note(entity: &mut Entity, note: String) {
    let mut note = note.trim();
    if let Some(stripped) = note.strip_suffix('.') {
        if !ends_in_abbreviation(stripped) {
            note = stripped.trim_end();
        }
    }
    if !note.is_empty() && !entity.notes.iter().any(|n| n == note) {
        entity.notes.push(note.to_string());
    }
}

/// The parts of an OFAC address, as the XML formats give them.
#[derive(Debug, Default)]
pub(crate) struct AddressParts<'a> {
    /// Street lines (address1..3).
    pub street: Vec<&'a str>,
    /// City.
    pub city: Option<&'a str>,
    /// State or province.
    pub state: Option<&'a str>,
    /// Postal code.
    pub postal: Option<&'a str>,
    /// Region ("Gaza"), which some addresses have instead of a country.
    pub region: Option<&'a str>,
    /// The country as written.
    pub country: Option<&'a str>,
}

impl AddressParts<'_> {
    /// The address written as the CSV files write it ("street, City, State Postal, Country"),
    /// so that the three formats give the same text; `code` is the country's alpha-2.
    /// A region that names a country ("Gaza") stands in for a missing country.
    pub(crate) fn to_address(&self, code: Option<&str>) -> Address {
        let code = code.or_else(|| self.region.and_then(country::country));
        let place = [self.city, self.state].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let place = [Some(place.as_str()), self.postal]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let parts =
            self.street.iter().copied().chain([place.as_str()]).chain(self.region).chain(self.country);
        Address::from_parts(parts, self.city, code)
    }
}

/// A designation by OFAC in `dataset` (the list name is set when the dataset is known).
pub(crate) fn designation(dataset: &str, record_id: &str, programs: Vec<String>) -> Designation {
    Designation {
        authority: dataset_info(dataset).map(|d| d.authority.to_string()).unwrap_or_default(),
        dataset: dataset.to_string(),
        list: Some(list_name(dataset).to_string()),
        programs,
        record_id: record_id.to_string(),
        ..Designation::default()
    }
}

/// OFAC's own name for the list behind a dataset.
pub(crate) fn list_name(dataset: &str) -> &'static str {
    if dataset == CONS {
        "Consolidated List"
    } else {
        "SDN List"
    }
}

/// The programmes of the CSV program column: "SDGT] [IRGC" is SDGT and IRGC.
pub(crate) fn split_programs(text: &str) -> Vec<String> {
    let mut programs: Vec<String> = Vec::new();
    for program in text.split("] [") {
        let program = program.trim().trim_matches(['[', ']']).trim();
        if !program.is_empty() && !programs.iter().any(|p| p == program) {
            programs.push(program.to_string());
        }
    }
    programs
}

/// Programme tags that only the consolidated (non-SDN) list uses: the Palestinian Legislative
/// Council list, the sectoral sanctions list (SSI, tagged UKRAINE-EO13662), the CMIC list, the
/// foreign sanctions evaders, CAPTA and menu-based lists.
fn is_non_sdn_program(program: &str) -> bool {
    matches!(program, "NS-PLC" | "UKRAINE-EO13662" | "CMIC-EO13959" | "561-Related")
        || ["NS-", "FSE-", "CAPTA", "CMIC"].iter().any(|p| program.starts_with(p))
}

/// Decides whether a classic XML file is the SDN or the consolidated list. The file says it
/// nowhere (both have the root `sdnList`), so the programmes decide: in the consolidated list
/// nearly every entry carries a non-SDN programme tag (432 of 442 in January 2026), in the SDN
/// list almost none does (81 of 14,965 in May 2024). More than half decides; a file without
/// entries falls back to its name ("cons..." is the consolidated list).
pub(crate) fn decide_dataset<'a>(
    programs: impl Iterator<Item = &'a [String]>,
    file_name: &str,
) -> &'static str {
    let (mut total, mut non_sdn) = (0usize, 0usize);
    for list in programs {
        total += 1;
        if list.iter().any(|p| is_non_sdn_program(p)) {
            non_sdn += 1;
        }
    }
    if total == 0 {
        let name = file_name.to_ascii_lowercase();
        let base = name.rsplit(['/', '\\', '!']).next().unwrap_or(&name);
        return if base.starts_with("cons") { CONS } else { SDN };
    }
    if non_sdn * 2 > total {
        CONS
    } else {
        SDN
    }
}

/// Moves entities built under a provisional dataset to `dataset`: ids, designations.
pub(crate) fn set_dataset(entities: &mut [Entity], dataset: &str) {
    let authority = dataset_info(dataset).map(|d| d.authority.to_string()).unwrap_or_default();
    for entity in entities {
        entity.id = format!("{dataset}:{}", entity.record_id);
        entity.dataset = dataset.to_string();
        for d in &mut entity.designations {
            if d.list.as_deref() == Some(list_name(&d.dataset)) {
                d.list = Some(list_name(dataset).to_string());
            }
            d.dataset = dataset.to_string();
            d.authority = authority.clone();
        }
    }
}

/// Words that end in a full stop of their own in company names ("CO., LTD.", "S.A."), so that a
/// final "Linked To: X LTD." keeps it.
const ABBREVIATIONS: &[&str] = &[
    "ltd", "inc", "co", "corp", "jr", "sr", "bhd", "llc", "plc", "sa", "ag", "cia", "pvt", "est", "ent",
    "intl", "bros", "dept", "gen", "no", "st", "mr", "dr",
];

/// Whether `text`, stripped of a final full stop, ends in an abbreviation that owns that stop:
/// "S.A" (letters and dots), "LTD", "CO".
fn ends_in_abbreviation(text: &str) -> bool {
    let last = text.rsplit([' ', ',', '(']).next().unwrap_or("");
    let lower = last.to_ascii_lowercase();
    (last.contains('.') && last.chars().all(|c| c.is_alphabetic() || c == '.'))
        || ABBREVIATIONS.contains(&lower.as_str())
}

/// Resolves "Linked To" names to the records of the same list: an exact primary name, else the
/// name without the full stop OFAC ends the remarks with. Names found nowhere lose that full stop
/// unless it ends an abbreviation ("S.A.", "LTD."). Names borne by several records stay
/// unresolved.
pub(crate) fn resolve_links(entities: &mut [Entity]) {
    let mut by_name: HashMap<String, Option<String>> = HashMap::new();
    for entity in entities.iter() {
        for name in entity.names.iter().filter(|n| n.kind == NameKind::Primary) {
            by_name
                .entry(name.full.to_uppercase())
                .and_modify(|id| {
                    if id.as_deref() != Some(entity.id.as_str()) {
                        *id = None;
                    }
                })
                .or_insert_with(|| Some(entity.id.clone()));
        }
    }
    for entity in entities.iter_mut() {
        let own = entity.id.clone();
        for link in &mut entity.links {
            if link.target_id.is_some() {
                continue;
            }
            let Some(name) = link.target_name.clone() else {
                continue;
            };
            let trimmed = name.strip_suffix('.').map(str::trim);
            let found = std::iter::once(name.as_str())
                .chain(trimmed)
                .find_map(|n| by_name.get(&n.to_uppercase()).map(|id| (n, id.clone())));
            match found {
                Some((n, id)) => {
                    link.target_name = Some(n.to_string());
                    link.target_id = id.filter(|id| *id != own);
                }
                None => {
                    if let Some(t) = trimmed.filter(|t| !ends_in_abbreviation(t)) {
                        link.target_name = Some(t.to_string());
                    }
                }
            }
        }
        let mut seen = Vec::new();
        entity.links.retain(|l| {
            let key = (l.target_id.clone(), l.target_name.clone(), l.kind);
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
    }
}
