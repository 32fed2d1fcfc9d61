//! Dates as sanctions lists give them: exact, month and year, year only, "circa", ranges.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date known to year, month or day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// Four-digit year.
    pub year: u16,
    /// Month 1-12, if known.
    pub month: Option<u8>,
    /// Day 1-31, if known (only when the month is known).
    pub day: Option<u8>,
}

impl PartialDate {
    /// A date known to the year.
    pub fn year(year: u16) -> PartialDate {
        PartialDate { year, month: None, day: None }
    }

    /// Builds a date, dropping a day or month that is zero or out of range (lists write
    /// "00/00/1963" for an unknown day and month).
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
        if !(1000..=2999).contains(&year) {
            return None;
        }
        let month = month.filter(|m| (1..=12).contains(m));
        let day = match month {
            Some(_) => day.filter(|d| (1..=31).contains(d)),
            None => None,
        };
        Some(PartialDate { year, month, day })
    }

    /// Parses ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time part after `T` is ignored).
    pub fn parse_iso(text: &str) -> Option<PartialDate> {
        let text = text.trim();
        let text = text.split('T').next().unwrap_or(text);
        let mut parts = text.split('-');
        let year = parse_num(parts.next()?, 4, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_num(m, 1, 2)? as u8),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_num(d, 1, 2)? as u8),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        PartialDate::new(year, month, day)
    }

    /// The date as `FtM` writes it: `1963`, `1963-05` or `1963-05-01`.
    pub fn to_iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }

    /// Whether two dates can be the same day given their precision ("1963" is compatible with
    /// "1963-05-01", "1963-05" is not with "1963-06-01").
    pub fn compatible(&self, other: &PartialDate) -> bool {
        if self.year != other.year {
            return false;
        }
        match (self.month, other.month) {
            (Some(a), Some(b)) if a != b => return false,
            (Some(_), Some(_)) => {}
            _ => return true,
        }
        !matches!((self.day, other.day), (Some(a), Some(b)) if a != b)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

fn parse_num(text: &str, min_len: usize, max_len: usize) -> Option<u16> {
    let text = text.trim();
    if text.len() < min_len || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date of birth (or build date, or listing date) as a list states it: one date, or a range of
/// possible dates, possibly approximate. `raw` keeps the list's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpec {
    /// The date, or the start of the range.
    pub from: PartialDate,
    /// The end of the range, for "1960 to 1962".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    /// "circa", "approximately": the list itself is not sure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub circa: bool,
    /// The text as the list gave it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub raw: String,
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn month_from_name(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let prefix = word.get(..3)?;
    let month = MONTHS.iter().position(|m| *m == prefix)? as u8 + 1;
    // "sept", "june" and full names are fine; "marmalade" is not a month.
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][month as usize - 1];
    (full.starts_with(&word) || word == "sept").then_some(month)
}

/// Parses one date in the shapes lists use: `1963-05-01`, `1963-05`, `1963`, `01/05/1963`
/// (day first, `00` for unknown), `01.05.1963`, `1 May 1963`, `May 1963`, `May 1, 1963`.
fn parse_single(text: &str) -> Option<PartialDate> {
    let text = text.trim().trim_end_matches(['.', ',', ';']).trim();
    if text.is_empty() {
        return None;
    }
    if let Some(date) = PartialDate::parse_iso(text) {
        return Some(date);
    }
    // Numeric day-first forms; a part that is not a number falls through to the word forms
    // ("Nov. 1973" splits on '.' too).
    for sep in ['/', '.'] {
        let parts: Vec<&str> = text.split(sep).collect();
        let num = |i: usize, min, max| parts.get(i).and_then(|p| parse_num(p, min, max));
        if parts.len() == 3 {
            if let (Some(day), Some(month), Some(year)) = (num(0, 1, 2), num(1, 1, 2), num(2, 4, 4)) {
                return PartialDate::new(year, Some(month as u8), Some(day as u8));
            }
        }
        if parts.len() == 2 {
            if let (Some(month), Some(year)) = (num(0, 1, 2), num(1, 4, 4)) {
                return PartialDate::new(year, Some(month as u8), None);
            }
        }
    }
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c == ',' || c == '-').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [day, month, year] if parse_num(day, 1, 2).is_some() => PartialDate::new(
            parse_num(year, 4, 4)?,
            Some(month_from_name(month)?),
            Some(parse_num(day, 1, 2)? as u8),
        ),
        [month, day, year] => PartialDate::new(
            parse_num(year, 4, 4)?,
            Some(month_from_name(month)?),
            Some(parse_num(day.trim_end_matches(|c: char| c.is_alphabetic()), 1, 2)? as u8),
        ),
        [month, year] => PartialDate::new(parse_num(year, 4, 4)?, Some(month_from_name(month)?), None),
        _ => None,
    }
}

impl DateSpec {
    /// One exact or partial date.
    pub fn single(date: PartialDate) -> DateSpec {
        DateSpec { from: date, to: None, circa: false, raw: String::new() }
    }

    /// Parses a date as lists write it, with "circa"/"approximately" and ranges
    /// ("1960 to 1962", "between 1960 and 1962", "1960-1962"). Returns `None` for text that is
    /// not a date; callers keep the raw text in a diagnostic.
    pub fn parse(text: &str) -> Option<DateSpec> {
        let raw = text.trim();
        let mut rest = raw.to_string();
        let lower = rest.to_ascii_lowercase();
        let mut circa = false;
        for prefix in ["circa", "approximately", "approx.", "approx", "about", "ca.", "c.", "around"] {
            if lower.starts_with(prefix) {
                rest = rest[prefix.len()..].trim().to_string();
                circa = true;
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let lower = lower.strip_prefix("between ").unwrap_or(&lower).to_string();
        for sep in [" to ", " and ", " - ", " – "] {
            if let Some((a, b)) = lower.split_once(sep) {
                let from = parse_single(a)?;
                let to = parse_single(b)?;
                let (from, to) = if to < from { (to, from) } else { (from, to) };
                return Some(DateSpec { from, to: Some(to), circa, raw: raw.to_string() });
            }
        }
        // "1960-1962": two years joined by a dash.
        if let Some((a, b)) = lower.split_once('-') {
            if a.trim().len() == 4 && b.trim().len() == 4 {
                if let (Some(a), Some(b)) = (parse_num(a, 4, 4), parse_num(b, 4, 4)) {
                    let from = PartialDate::new(a.min(b), None, None)?;
                    let to = PartialDate::new(a.max(b), None, None)?;
                    return Some(DateSpec { from, to: Some(to), circa, raw: raw.to_string() });
                }
            }
        }
        let from = parse_single(&lower)?;
        Some(DateSpec { from, to: None, circa, raw: raw.to_string() })
    }

    /// The years this date may fall in.
    pub fn years(&self) -> std::ops::RangeInclusive<u16> {
        self.from.year..=self.to.map_or(self.from.year, |t| t.year)
    }

    /// The values `FtM` gets for this date: the date itself, or each year of a short range
    /// (`FtM` has no ranges; `OpenSanctions` writes the years out the same way).
    pub fn ftm_values(&self) -> Vec<String> {
        match self.to {
            None => vec![self.from.to_iso()],
            Some(to) if to.year - self.from.year <= 10 && self.from.month.is_none() => {
                self.years().map(|y| format!("{y:04}")).collect()
            }
            Some(to) => vec![self.from.to_iso(), to.to_iso()],
        }
    }

    /// Whether a query date is compatible with this one: inside the range, or the same date to
    /// the lower of the two precisions. Circa dates allow one year either way.
    pub fn compatible(&self, query: &PartialDate) -> bool {
        let slack = u16::from(self.circa);
        match self.to {
            Some(to) => query.year + slack >= self.from.year && query.year <= to.year + slack,
            None if self.circa => query.year.abs_diff(self.from.year) <= slack,
            None => self.from.compatible(query),
        }
    }
}

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.circa {
            f.write_str("circa ")?;
        }
        write!(f, "{}", self.from)?;
        if let Some(to) = self.to {
            write!(f, " to {to}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Option<&str>) {
        let got = DateSpec::parse(text).map(|d| d.to_string());
        assert_eq!(got.as_deref(), expect, "DateSpec::parse({text:?})");
    }

    #[test]
    fn shapes_from_the_lists() {
        check("01 Jan 1963", Some("1963-01-01"));
        check("circa 1955", Some("circa 1955"));
        check("1960 to 1962", Some("1960 to 1962"));
        check("Between 1960 and 1962", Some("1960 to 1962"));
        check("Jan 1960", Some("1960-01"));
        check("1963", Some("1963"));
        check("1965-04-29", Some("1965-04-29"));
        check("00/00/1963", Some("1963"));
        check("00/05/1963", Some("1963-05"));
        check("29/04/1965", Some("1965-04-29"));
        check("29.04.1965", Some("1965-04-29"));
        check("September 12, 1970", Some("1970-09-12"));
        check("Nov. 1973", Some("1973-11"));
        check("1975-1977", Some("1975 to 1977"));
        check("approximately 1970", Some("circa 1970"));
        check("unknown", None);
        check("", None);
    }

    #[test]
    fn compatibility() {
        let d = DateSpec::parse("1963").unwrap();
        assert!(d.compatible(&PartialDate::parse_iso("1963-05-01").unwrap()));
        assert!(!d.compatible(&PartialDate::year(1964)));
        let c = DateSpec::parse("circa 1963").unwrap();
        assert!(c.compatible(&PartialDate::year(1964)));
        let r = DateSpec::parse("1960 to 1962").unwrap();
        assert!(r.compatible(&PartialDate::year(1961)));
        assert!(!r.compatible(&PartialDate::year(1963)));
    }
}
