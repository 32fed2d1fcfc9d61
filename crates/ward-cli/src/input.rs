//! Reading customer files so that no row can hide another: one physical line is one record, a
//! UTF-8 byte-order mark is dropped, and a line that cannot be read is reported with its number
//! instead of running into the lines after it. Cells written to CSV output are escaped against
//! formula injection.

use anyhow::{bail, Context};
use encoding_rs::Encoding;
use std::borrow::Cow;

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
