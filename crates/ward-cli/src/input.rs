//! Reading customer files so that no row can hide another: one physical line is one record, a
//! UTF-8 byte-order mark is dropped, and a line that cannot be read is reported with its number
//! instead of running into the lines after it. Cells written to CSV output are escaped against
//! formula injection.

use crate::args::{CustomerColumns, KindArg};
use anyhow::{bail, Context};
use encoding_rs::Encoding;
use std::borrow::Cow;
use std::path::Path;
use ward_engine::{validate_query, Query};

/// The UTF-8 byte-order mark some spreadsheet programs write at the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters a spreadsheet reads as the start of a formula in a cell (OWASP "CSV Injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The non-blank lines of `bytes` with their 1-based line numbers, without line ends and
/// without a leading UTF-8 byte-order mark.
pub(crate) fn lines(bytes: &[u8]) -> Vec<(usize, &[u8])> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .collect()
}

/// Resolves `--encoding`: a WHATWG label (`utf-8`, `latin1`, `iso-8859-1`, `windows-1252`...).
/// Latin-1 is read as Windows-1252, its superset (as browsers do). Encodings that are not
/// ASCII-compatible (UTF-16) are refused: lines are split on the byte `\n`.
pub(crate) fn encoding(label: &str) -> anyhow::Result<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())
        .with_context(|| format!("unknown encoding {label:?}: use utf-8, latin1 or windows-1252"))?;
    if !encoding.is_ascii_compatible() {
        bail!("encoding {label:?} is not supported: convert the file to UTF-8");
    }
    Ok(encoding)
}

/// Decodes one line; `None` if it is not valid in `encoding`.
pub(crate) fn decode<'a>(line: &'a [u8], encoding: &'static Encoding) -> Option<Cow<'a, str>> {
    encoding.decode_without_bom_handling_and_without_replacement(line)
}

/// Resolves `--delimiter`: one ASCII character, or `tab`.
pub(crate) fn delimiter(text: &str) -> anyhow::Result<char> {
    match text {
        "tab" | "\\t" | "\t" => Ok('\t'),
        _ => match text.chars().collect::<Vec<_>>().as_slice() {
            [c] if c.is_ascii() && *c != '"' && *c != '\n' && *c != '\r' => Ok(*c),
            _ => bail!("--delimiter must be one ASCII character (not a quote) or `tab`, not {text:?}"),
        },
    }
}

/// Splits one line into its fields. A field may be quoted (`"Doe, Jane"`, with `""` for a
/// quote); a quote that does not close on the line is an error, never a field running into the
/// next lines.
pub(crate) fn split_record(line: &str, delimiter: char) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut at_start, mut quoted) = (true, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == delimiter {
            fields.push(std::mem::take(&mut field));
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            quoted = true;
        } else {
            field.push(c);
        }
        at_start = false;
    }
    if quoted {
        return Err("a quoted field does not end on its line (unbalanced quote; fields spanning \
                    lines are not supported)"
            .to_string());
    }
    fields.push(field);
    Ok(fields)
}

/// A cell for CSV output: text a spreadsheet would run as a formula gets a leading `'`.
pub(crate) fn escape_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// What separates several identifiers in one cell.
const IDENTIFIER_SEPARATOR: char = ';';

/// One customer row as read: its line number, its customer id and name as read, and its query
/// or the reason it is not screened.
pub(crate) struct CustomerRow {
    pub(crate) line: usize,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) query: Result<Query, Refusal>,
}

/// Why a row is not screened: a stable code and a sentence naming the line.
pub(crate) struct Refusal {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// Whether a file holds JSON lines: by its extension, or else by its first character.
fn is_json_lines(path: &Path, bytes: &[u8]) -> bool {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("jsonl" | "ndjson") => true,
        Some("csv" | "tsv" | "txt") => false,
        _ => {
            bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes).iter().find(|b| !b.is_ascii_whitespace())
                == Some(&b'{')
        }
    }
}

/// Reads a customer file, CSV with a header row or JSON lines (one object per line, the
/// column options naming its keys). Every data line becomes one row; a line that cannot be read
/// or screened carries the reason. A file without its header or a named column is an error.
pub(crate) fn read_customers(path: &Path, columns: &CustomerColumns) -> anyhow::Result<Vec<CustomerRow>> {
    let encoding = encoding(&columns.encoding)?;
    let bytes = std::fs::read(path).with_context(|| format!("opening {}", path.display()))?;
    let lines = lines(&bytes);
    if is_json_lines(path, &bytes) {
        return Ok(lines.iter().map(|&(line, bytes)| json_row(line, bytes, columns)).collect());
    }
    let delimiter = delimiter(&columns.delimiter)?;
    let Some((_, header_line)) = lines.first() else {
        bail!("{}: the file is empty; expected a header row", path.display());
    };
    let headers = decode(header_line, encoding)
        .with_context(|| format!("{}: the header is not valid {}", path.display(), encoding.name()))
        .and_then(|h| {
            split_record(&h, delimiter).map_err(|e| anyhow::anyhow!("{}: the header: {e}", path.display()))
        })?;
    let column = |name: &Option<String>| -> anyhow::Result<Option<usize>> {
        match name {
            None => Ok(None),
            Some(name) => match headers.iter().position(|h| h.trim() == name) {
                Some(i) => Ok(Some(i)),
                None => {
                    bail!("{}: no column {name:?}; the header has: {}", path.display(), headers.join(", "))
                }
            },
        }
    };
    let name_col = column(&Some(columns.name_column.clone()))?.unwrap_or(0);
    let (dob_col, country_col, id_col, identifier_col) = (
        column(&columns.dob_column)?,
        column(&columns.country_column)?,
        column(&columns.id_column)?,
        column(&columns.identifier_column)?,
    );
    let schema = columns.kind.map(KindArg::schema);
    Ok(lines[1..]
        .iter()
        .map(|&(line, bytes)| {
            read_row(line, bytes, &headers, encoding, delimiter, &columns.encoding, |fields| {
                let cell = |col: Option<usize>| -> Vec<String> {
                    col.and_then(|c| fields.get(c))
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(|s| vec![s.to_string()])
                        .unwrap_or_default()
                };
                (
                    cell(id_col).join(""),
                    Query {
                        names: vec![fields.get(name_col).map_or("", |s| s.trim()).to_string()],
                        schema,
                        birth_dates: cell(dob_col),
                        countries: cell(country_col),
                        identifiers: split_identifiers(&cell(identifier_col)),
                        ..Query::default()
                    },
                )
            })
        })
        .collect())
}

/// Identifiers of a cell, split at [`IDENTIFIER_SEPARATOR`].
fn split_identifiers(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .flat_map(|cell| cell.split(IDENTIFIER_SEPARATOR))
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(String::from)
        .collect()
}

/// Reads one JSON line: an object whose keys the column options name; strings or numbers, and
/// for identifiers also an array of them.
fn json_row(line: usize, bytes: &[u8], columns: &CustomerColumns) -> CustomerRow {
    let refuse = |code, message: String| CustomerRow {
        line,
        id: String::new(),
        name: String::new(),
        query: Err(Refusal { code, message: format!("line {line}: {message}") }),
    };
    let object = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(object)) => object,
        Ok(_) => return refuse("malformed_row", "not a JSON object".to_string()),
        Err(e) => return refuse("malformed_row", format!("not valid JSON: {e}")),
    };
    let texts = |key: &Option<String>| -> Vec<String> {
        let Some(value) = key.as_ref().and_then(|k| object.get(k)) else {
            return Vec::new();
        };
        let one = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.trim().to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        match value {
            serde_json::Value::Array(items) => items.iter().filter_map(one).collect::<Vec<_>>(),
            other => one(other).into_iter().collect(),
        }
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
    };
    let query = Query {
        names: vec![texts(&Some(columns.name_column.clone())).join(" ")],
        schema: columns.kind.map(KindArg::schema),
        birth_dates: texts(&columns.dob_column),
        countries: texts(&columns.country_column),
        identifiers: split_identifiers(&texts(&columns.identifier_column)),
        ..Query::default()
    };
    let (id, name) = (texts(&columns.id_column).join(""), query.names.join(""));
    match validate_query(&query) {
        Ok(()) => CustomerRow { line, id, name, query: Ok(query) },
        Err(refusal) => CustomerRow {
            line,
            id,
            name,
            query: Err(Refusal { code: refusal.reason().code(), message: format!("line {line}: {refusal}") }),
        },
    }
}

/// Reads one data line into a row: decoded, split, with as many fields as the header, and its
/// query screenable; else the row carries the reason, naming the line.
fn read_row(
    line: usize,
    bytes: &[u8],
    headers: &[String],
    encoding: &'static encoding_rs::Encoding,
    delimiter: char,
    encoding_label: &str,
    query_of: impl Fn(&[String]) -> (String, Query),
) -> CustomerRow {
    let refuse = |id: String, name: String, code, message: String| CustomerRow {
        line,
        id,
        name,
        query: Err(Refusal { code, message: format!("line {line}: {message}") }),
    };
    let Some(text) = decode(bytes, encoding) else {
        return refuse(
            String::new(),
            String::new(),
            "invalid_encoding",
            format!("not valid {encoding_label}; give the file's encoding with --encoding"),
        );
    };
    let fields = match split_record(&text, delimiter) {
        Ok(fields) => fields,
        Err(e) => return refuse(String::new(), String::new(), "malformed_row", e),
    };
    let (id, query) = query_of(&fields);
    let name = query.names.join("");
    if fields.len() != headers.len() {
        return refuse(
            id,
            name,
            "malformed_row",
            format!("the row has {} fields where the header has {}", fields.len(), headers.len()),
        );
    }
    match validate_query(&query) {
        Ok(()) => CustomerRow { line, id, name, query: Ok(query) },
        Err(refusal) => refuse(id, name, refusal.reason().code(), refusal.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expect: Result<&[&str], ()>) {
        let fields = split_record(line, ',');
        assert_eq!(
            fields.as_ref().map(|f| f.iter().map(String::as_str).collect::<Vec<_>>()).map_err(|_| ()),
            expect.map(<[&str]>::to_vec),
            "{line:?}"
        );
    }

    #[test]
    fn records() {
        check("a,b,c", Ok(&["a", "b", "c"]));
        check("c1,\"Doe, Jane\",x", Ok(&["c1", "Doe, Jane", "x"]));
        check("c1,\"say \"\"hi\"\"\",", Ok(&["c1", "say \"hi\"", ""]));
        check("c1,O\"Brien,x", Ok(&["c1", "O\"Brien", "x"]));
        check("c1,\"Doe, Jane,x", Err(()));
    }

    #[test]
    fn formula_cells_are_escaped() {
        assert_eq!(escape_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_cell("+1"), "'+1");
        assert_eq!(escape_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_cell("\tx"), "'\tx");
        assert_eq!(escape_cell("Jane"), "Jane");
    }

    #[test]
    fn lines_drop_the_bom_and_blank_lines() {
        let lines = lines(b"\xEF\xBB\xBFid,name\r\n\r\nc1,x\n");
        assert_eq!(lines, vec![(1, &b"id,name"[..]), (3, &b"c1,x"[..])]);
    }
}
