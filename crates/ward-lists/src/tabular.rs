//! Helpers shared by the readers of "one row per name, grouped by an id" lists (UK OFSI,
//! Australia DFAT, US CSL): rows as text, header lookup by name, grouping rows by record id,
//! numbered lists ("(1) Syria (2) Iraq", "a) 1960 b) 1962"), and the country spellings and
//! demonyms these lists write instead of country names.

use crate::csv_end;
use crate::text::{self, clean};
use crate::{Error, Result, Source};
use std::collections::HashMap;
use std::io::Cursor;
use ward_model::{DateSpec, Diagnostic};

/// One row of a sheet or CSV file, as text.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based row (xlsx) or line (CSV) number, for diagnostics.
    pub number: usize,
    /// The cells, as text.
    pub cells: Vec<String>,
}

impl Row {
    /// Whether every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Column positions by header name, so that parsers survive columns being added or moved.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    index: HashMap<String, usize>,
}

impl Columns {
    /// Reads a header row. Names are matched trimmed and case-insensitively; the first of
    /// two equal names wins.
    pub fn new(header: &[String]) -> Columns {
        let mut index = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let key = name.trim().to_lowercase();
            if !key.is_empty() {
                index.entry(key).or_insert(i);
            }
        }
        Columns { index }
    }

    /// Whether the header has the column.
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(&name.to_lowercase())
    }

    /// The cell of `row` under `name`, trimmed, or `None` when the column is absent or the cell
    /// holds one of the lists' placeholders for "nothing".
    pub fn get<'a>(&self, row: &'a Row, name: &str) -> Option<&'a str> {
        let i = *self.index.get(&name.to_lowercase())?;
        clean(row.cells.get(i)?)
    }
}

/// Groups items by key, keeping keys in order of first appearance (lists are sorted by name,
/// so the rows of one record need not be adjacent).
pub(crate) fn group_by<T>(items: impl IntoIterator<Item = (String, T)>) -> Vec<(String, Vec<T>)> {
    let mut groups: Vec<(String, Vec<T>)> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for (key, item) in items {
        match position.get(&key) {
            Some(&i) => groups[i].1.push(item),
            None => {
                position.insert(key.clone(), groups.len());
                groups.push((key, vec![item]));
            }
        }
    }
    groups
}

/// Reads the first sheet of an xlsx workbook as text rows. Dates become ISO `YYYY-MM-DD`,
/// whole numbers lose their `.0`.
pub(crate) fn read_xlsx(source: &Source, format: &'static str) -> Result<Vec<Row>> {
    use calamine::{Reader, Xlsx};
    let mut workbook = Xlsx::new(Cursor::new(&source.bytes))
        .map_err(|e| Error::malformed(&source.name, format, format!("cannot open workbook: {e}")))?;
    let Some(range) = workbook.worksheet_range_at(0) else {
        return Err(Error::malformed(&source.name, format, "the workbook has no sheet"));
    };
    let range = range
        .map_err(|e| Error::malformed(&source.name, format, format!("cannot read the first sheet: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Keep column positions absolute, so that a sheet starting at column B still lines
            // up with its header.
            let mut out = vec![String::new(); first_col];
            out.extend(cells.iter().map(cell_text));
            Row { number: first_row + i + 1, cells: out }
        })
        .collect())
}

/// Reads a CSV file as rows of text (Windows-1252 files are decoded first). The publishers end
/// every line, the last one included, with a line break, so a file whose last line has none, or
/// that ends inside a quoted field, is refused as cut; [`check_last_row`] checks the width of
/// the last row once the header is known.
pub(crate) fn read_csv(source: &Source, format: &'static str) -> Result<Vec<Row>> {
    let text = text::decode(&source.bytes);
    csv_end::check_quotes_closed(&source.name, format, &text)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The input is valid UTF-8 and in memory, so reading cannot fail; stop if it ever does.
    while let Ok(true) = reader.read_record(&mut record) {
        let number = record.position().map_or(0, |p| p.line() as usize);
        rows.push(Row { number, cells: record.iter().map(str::to_string).collect() });
    }
    if !text.is_empty() && !text.ends_with('\n') {
        let line = rows.last().map_or(1, |row| row.number);
        return Err(Error::malformed(
            &source.name,
            format,
            format!("line {line}: the last line has no line break, which the publisher always writes: the file is cut"),
        ));
    }
    Ok(rows)
}

/// Refuses a CSV file whose last non-blank row has fewer cells than the header (`width`).
pub(crate) fn check_last_row(file: &str, format: &'static str, rows: &[Row], width: usize) -> Result<()> {
    let last = rows.iter().rev().find(|row| !row.is_blank()).map(|row| (row.number as u64, row.cells.len()));
    csv_end::check_last_row(file, format, last, width)
}

/// An xlsx cell as text.
pub(crate) fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let serial = d.as_f64();
            // calamine's conversion overflows outside Excel's own range (a mutated file can hold
            // any number), so only dates Excel can show are converted.
            if d.is_datetime() && (1.0..2_958_466.0).contains(&serial) {
                let (year, month, day, ..) = d.to_ymd_hms_milli();
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                float_text(serial)
            }
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Splits a list the way these lists number them: "(1) A (2) B", "1) A 2) B", "a) A b) B",
/// and also on ";" and line breaks. Items are trimmed of white space and trailing ".", ","
/// and ";"; placeholders ("-", "NA") are dropped.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in split_markers(text) {
        for part in piece.split([';', '\n', '\r']) {
            let part = part.replace('\u{a0}', " ");
            let part = part.trim().trim_end_matches(['.', ',', ';']).trim();
            if let Some(part) = clean(part) {
                out.push(collapse(part));
            }
        }
    }
    out
}

/// Trims and collapses runs of white space.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A list marker found in text: where it starts and ends, and whether it is a letter ("a)")
/// or a number ("(1)").
struct Marker {
    start: usize,
    end: usize,
    letter: bool,
    first: bool,
}

fn find_markers(text: &str) -> Vec<Marker> {
    let bytes = text.as_bytes();
    let mut markers = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || {
            let prev = bytes[i - 1];
            prev.is_ascii_whitespace() || matches!(prev, b'.' | b';' | b',' | b':' | b'-' | b')' | 0xa0)
        };
        if !at_boundary {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        if bytes.get(j) == Some(&b'(') {
            j += 1;
        }
        let label_start = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() && j - label_start < 2 {
            j += 1;
        }
        let mut digits = j - label_start;
        // "(1-3) Libya (4) Morocco": a range of numbers shares one item.
        if digits > 0 && bytes.get(j) == Some(&b'-') && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() && j - label_start < 5 {
                j += 1;
            }
            digits = j - label_start;
        }
        let letter = digits == 0 && bytes.get(j).is_some_and(|b| b.is_ascii_lowercase());
        if letter {
            j += 1;
        }
        if (digits > 0 || letter) && bytes.get(j) == Some(&b')') {
            let label = &text[label_start..j];
            let first = label == "1" || label == "a" || label.starts_with("1-");
            markers.push(Marker { start, end: j + 1, letter, first });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    // Only a run that starts at "1" or "a" is a numbered list; "(b)" in "paragraph 26 (b)" is
    // not. Later markers must be of the same kind as the first.
    let Some(first) = markers.iter().position(|m| m.first) else {
        return Vec::new();
    };
    let letter = markers[first].letter;
    markers.into_iter().skip(first).filter(|m| m.letter == letter).collect()
}

fn split_markers(text: &str) -> Vec<&str> {
    let markers = find_markers(text);
    if markers.is_empty() {
        return vec![text];
    }
    let mut pieces = Vec::new();
    let head = &text[..markers[0].start];
    if !head.trim().is_empty() {
        pieces.push(head);
    }
    for (k, marker) in markers.iter().enumerate() {
        let end = markers.get(k + 1).map_or(text.len(), |next| next.start);
        pieces.push(&text[marker.end..end]);
    }
    pieces
}

/// A single date as an ISO string ("14/04/2025" -> "2025-04-14"), or `None` when the text is
/// not one date.
pub(crate) fn iso_date(text: &str) -> Option<String> {
    DateSpec::parse(text).filter(|d| d.to.is_none() && !d.circa).map(|d| d.from.to_iso())
}

/// The value written after `label` in free text ("Passport No: 563110024 (issued ...)",
/// "passport number D 000933 issued in Kabul"), for every place the label occurs. A value is a
/// run of code-like tokens (digits, capitals, "-", "/") that holds at least one digit.
pub(crate) fn values_after(text: &str, label: &str) -> Vec<String> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` are valid in `text`.
    let lower = text.to_ascii_lowercase();
    let label = label.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find(&label)) {
        let start = from + at + label.len();
        from = start;
        let Some(rest) = text.get(start..) else {
            break;
        };
        let rest =
            rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | '#' | '-' | '–'));
        let mut tokens: Vec<&str> = Vec::new();
        for raw in rest.split_whitespace() {
            let token = raw.trim_end_matches(['.', ',', ';', ':', ')']);
            let code_like = !token.is_empty()
                && token
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '/'));
            if !code_like || (!tokens.is_empty() && !token.chars().any(|c| c.is_ascii_digit())) {
                break;
            }
            tokens.push(token);
            if token.len() != raw.len() {
                break;
            }
        }
        let value = tokens.join(" ");
        if value.chars().any(|c| c.is_ascii_digit()) && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// Collects per-record warnings with the file name filled in.
pub(crate) struct Diagnostics<'a> {
    /// The file name.
    pub file: &'a str,
    /// What was found.
    pub list: Vec<Diagnostic>,
}

impl<'a> Diagnostics<'a> {
    /// An empty collection for `file`.
    pub fn new(file: &'a str) -> Diagnostics<'a> {
        Diagnostics { file, list: Vec::new() }
    }

    /// A warning about `record`, found at `row`.
    /// The rows of a record repeat its details, so a warning already given for the same
    /// record is not repeated.
    pub fn warn(&mut self, record: &str, row: usize, what: &str, message: impl Into<String>) {
        let message = message.into();
        let repeated = self
            .list
            .iter()
            .rev()
            .take_while(|d| d.record.as_deref() == Some(record))
            .any(|d| d.message == message);
        if !repeated {
            self.list
                .push(Diagnostic::warning(self.file, message).record(record).at(format!("{what} {row}")));
        }
    }

    /// An error: the row was skipped.
    pub fn error(&mut self, record: Option<&str>, row: usize, what: &str, message: impl Into<String>) {
        let mut d = Diagnostic::error(self.file, message).at(format!("{what} {row}"));
        if let Some(record) = record {
            d = d.record(record);
        }
        self.list.push(d);
    }
}

#[cfg(test)]
pub(crate) mod tests;
