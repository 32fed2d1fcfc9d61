//! The geography table: countries, regions and cities under comprehensive or regional
//! programmes (`data/geography.toml`, versioned and editable), each tagged with its programme
//! and authorities, and switchable by entry, programme or authority.

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use ward_normalize::fold;

/// The table shipped with Ward.
const EMBEDDED: &str = include_str!("../data/geography.toml");

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A country under a comprehensive embargo.
    Country,
    /// A region under a regional embargo (Crimea, the so-called DNR and LNR).
    Region,
    /// A city in an embargoed country or region.
    City,
}

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Stable id (`ua-crimea-sevastopol`).
    pub id: String,
    /// Country, region or city.
    pub kind: PlaceKind,
    /// ISO 3166 alpha-2 codes (countries only).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Names and spellings, any script.
    pub names: Vec<String>,
    /// The programme (`crimea`, `dnr_lnr`, `cuba`, `iran`, `north_korea`, `syria`).
    pub programme: String,
    /// The authorities whose programme it is (`US`, `EU`, `UK`, `UN`).
    pub authorities: Vec<String>,
    /// Whether the entry is on by default.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    version: u32,
    date: String,
    place: Vec<Place>,
}

/// A geography table that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GeographyError {
    /// The file is not a valid table.
    #[error("{source_name}:{}{detail}", .line.map(|line| format!("{line}: ")).unwrap_or_else(|| " ".to_string()))]
    Invalid {
        /// The file (or `embedded`).
        source_name: String,
        /// The 1-based line of the entry or syntax error, where known.
        line: Option<usize>,
        /// What is wrong.
        detail: String,
    },
    /// A switch names no programme, authority or entry of the table.
    #[error("{0:?} is no programme, authority or place id of the geography table")]
    UnknownSelector(String),
}

/// The header that starts each entry of a table written as in the shipped file.
const PLACE_HEADER: &str = "[[place]]";

/// The 1-based line of the `index`-th entry's `[[place]]` header, where the table is written
/// with such headers.
fn place_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == PLACE_HEADER)
        .nth(index)
        .map(|(number, _)| number + 1)
}

/// The 1-based line of a byte offset.
fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Whether `date` reads `YYYY-MM-DD`.
fn is_iso_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A place found in a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMatch<'a> {
    /// The entry.
    pub place: &'a Place,
    /// What matched: the folded words, or the country code.
    pub matched: String,
}

/// The table, compiled for matching.
#[derive(Debug, Clone)]
pub struct Geography {
    version: u32,
    date: String,
    places: Vec<Place>,
    /// Whether each place is on, after the switches by entry and programme.
    enabled: Vec<bool>,
    /// Authorities switched off.
    disabled_authorities: Vec<String>,
    /// The folded names, as ` word word ` patterns.
    automaton: AhoCorasick,
    /// The place of each pattern.
    pattern_place: Vec<usize>,
    /// Places by upper-case country code.
    by_code: FxHashMap<String, usize>,
}

/// Folds text into space-separated words with a space at both ends, so that patterns match
/// whole words only.
pub(crate) fn word_text(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    for word in folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        out.push_str(word);
        out.push(' ');
    }
    out
}

impl Geography {
    /// The table shipped with Ward.
    pub fn embedded() -> Geography {
        // The embedded table is checked by the crate's tests; it cannot be invalid at run time.
        Geography::parse(EMBEDDED, "embedded geography table").unwrap_or_else(|e| panic!("{e}"))
    }

    /// Reads a table from TOML text; `source_name` names it in errors.
    pub fn parse(text: &str, source_name: &str) -> Result<Geography, GeographyError> {
        let invalid = |line: Option<usize>, detail: String| GeographyError::Invalid {
            source_name: source_name.to_string(),
            line,
            detail,
        };
        let file: TableFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of_offset(text, span.start));
            invalid(line, e.message().trim().to_string())
        })?;
        if file.version == 0 {
            return Err(invalid(None, "`version` must be 1 or more".to_string()));
        }
        if !is_iso_date(&file.date) {
            return Err(invalid(None, format!("`date` {:?} is not a YYYY-MM-DD date", file.date)));
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_place = Vec::new();
        let mut by_code = FxHashMap::default();
        for (index, place) in file.place.iter().enumerate() {
            let at =
                |detail: String| invalid(place_line(text, index), format!("place {:?}: {detail}", place.id));
            if place.id.trim().is_empty() {
                return Err(at("the id is empty".to_string()));
            }
            if place.names.is_empty() {
                return Err(at("no names".to_string()));
            }
            if file.place[..index].iter().any(|p| p.id == place.id) {
                return Err(at("the id is given twice".to_string()));
            }
            if place.programme.trim().is_empty() {
                return Err(at("no programme".to_string()));
            }
            if place.authorities.is_empty() {
                return Err(at("no authorities (`US`, `EU`, `UK`, `UN`...)".to_string()));
            }
            if let Some(authority) =
                place.authorities.iter().find(|a| a.is_empty() || a.contains(char::is_whitespace))
            {
                return Err(at(format!("authority {authority:?} is empty or holds spaces")));
            }
            match place.kind {
                PlaceKind::Country if place.codes.is_empty() => {
                    return Err(at("a country needs its ISO 3166 alpha-2 `codes`".to_string()));
                }
                PlaceKind::Region | PlaceKind::City if !place.codes.is_empty() => {
                    return Err(at("only countries have `codes`".to_string()));
                }
                _ => {}
            }
            for code in &place.codes {
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(at(format!("code {code:?} is not an upper-case ISO 3166 alpha-2 code")));
                }
                if let Some(&other) = by_code.get(code) {
                    let other: &Place = &file.place[other];
                    return Err(at(format!("code {code:?} is also the code of place {:?}", other.id)));
                }
                by_code.insert(code.clone(), index);
            }
            for name in &place.names {
                let words = word_text(name);
                if words.trim().is_empty() {
                    return Err(at(format!("name {name:?} has no letters")));
                }
                if !patterns.contains(&words) {
                    patterns.push(words);
                    pattern_place.push(index);
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| invalid(None, format!("compiling the names: {e}")))?;
        let enabled = file.place.iter().map(|p| p.enabled).collect();
        Ok(Geography {
            version: file.version,
            date: file.date,
            places: file.place,
            enabled,
            disabled_authorities: Vec::new(),
            automaton,
            pattern_place,
            by_code,
        })
    }

    /// The table's version and date, as audit records and explanations cite it.
    pub fn version(&self) -> String {
        format!("{} ({})", self.version, self.date)
    }

    /// How many entries are on, after the switches.
    pub fn enabled_count(&self) -> usize {
        (0..self.places.len()).filter(|&index| self.is_on(index)).count()
    }

    /// Every entry.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Switches off the entries of a programme, of an authority (an entry stays on while another
    /// of its authorities is on), or one entry by id (authorities as written: `US`). Returns
    /// how many entries went off.
    pub fn switch_off(&mut self, selector: &str) -> Result<usize, GeographyError> {
        self.switch(selector, false)
    }

    /// Switches on the entries of a programme or authority, or one entry by id (Syria is off
    /// out of the box). Returns how many entries it switched on.
    pub fn switch_on(&mut self, selector: &str) -> Result<usize, GeographyError> {
        self.switch(selector, true)
    }

    fn switch(&mut self, selector: &str, on: bool) -> Result<usize, GeographyError> {
        let is_authority = self.places.iter().any(|p| p.authorities.iter().any(|a| a == selector));
        let before: Vec<bool> = (0..self.places.len()).map(|i| self.is_on(i)).collect();
        if is_authority {
            self.disabled_authorities.retain(|a| a != selector);
            if !on {
                self.disabled_authorities.push(selector.to_string());
            }
        }
        let mut known = is_authority;
        for (place, enabled) in self.places.iter().zip(self.enabled.iter_mut()) {
            let by_authority = on && place.authorities.iter().any(|a| a == selector);
            if place.id == selector || place.programme == selector || by_authority {
                known = true;
                *enabled = on;
            }
        }
        if !known {
            return Err(GeographyError::UnknownSelector(selector.to_string()));
        }
        Ok((0..self.places.len()).filter(|&i| self.is_on(i) != before[i]).count())
    }

    /// Whether a place is on: enabled, and sanctioned by at least one authority not switched
    /// off.
    fn is_on(&self, index: usize) -> bool {
        self.enabled[index]
            && self.places[index].authorities.iter().any(|a| !self.disabled_authorities.contains(a))
    }

    /// The enabled places named in `text` (whole words, any case, accents ignored).
    pub fn places_in(&self, text: &str) -> Vec<PlaceMatch<'_>> {
        let words = word_text(text);
        let mut found: Vec<PlaceMatch<'_>> = Vec::new();
        for hit in self.automaton.find_overlapping_iter(&words) {
            let index = self.pattern_place[hit.pattern().as_usize()];
            if !self.is_on(index) || found.iter().any(|m| m.place.id == self.places[index].id) {
                continue;
            }
            let matched = words[hit.start()..hit.end()].trim().to_string();
            found.push(PlaceMatch { place: &self.places[index], matched });
        }
        found
    }

    /// The enabled country of an alpha-2 code (any case).
    pub fn country(&self, code: &str) -> Option<PlaceMatch<'_>> {
        let code = code.trim().to_ascii_uppercase();
        let index = *self.by_code.get(&code)?;
        self.is_on(index).then(|| PlaceMatch { place: &self.places[index], matched: code })
    }
}
