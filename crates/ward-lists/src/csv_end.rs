//! The end of a CSV file, checked by every CSV reader: a file cut in the middle of its last
//! record (an open quote, a short last row, a last line without its line end) is refused as a
//! whole, never read as a shorter list.

use crate::{Error, Result};

/// The field separator of every CSV list Ward reads.
const DELIMITER: u8 = b',';

/// The 1-based line on which a quoted field opens that is still open at the end of `text`, or
/// `None` when every quoted field is closed. Quotes are read as the csv reader reads them: a
/// field is quoted when it starts with `"`, and `""` inside it is one quote character.
pub(crate) fn unclosed_quote_line(text: &str) -> Option<u64> {
    let mut bytes = text.bytes().peekable();
    let mut line: u64 = 1;
    let mut field_start = true;
    let mut opened_on: Option<u64> = None;
    while let Some(byte) = bytes.next() {
        if byte == b'\n' {
            line += 1;
        }
        if opened_on.is_some() {
            if byte == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    opened_on = None;
                }
            }
            continue;
        }
        match byte {
            b'"' if field_start => {
                opened_on = Some(line);
                field_start = false;
            }
            DELIMITER | b'\n' | b'\r' => field_start = true,
            _ => field_start = false,
        }
    }
    opened_on
}

/// Refuses `text` when a quoted field is still open at its end.
pub(crate) fn check_quotes_closed(file: &str, format: &'static str, text: &str) -> Result<()> {
    match unclosed_quote_line(text) {
        Some(line) => Err(Error::malformed(
            file,
            format,
            format!("line {line}: a quoted field opens here and is not closed before the end of the file: the file is cut"),
        )),
        None => Ok(()),
    }
}

/// Refuses a file whose last row has fewer fields than the format's rows (`expected`): the
/// file was cut inside that row.
pub(crate) fn check_last_row(
    file: &str,
    format: &'static str,
    last: Option<(u64, usize)>,
    expected: usize,
) -> Result<()> {
    match last {
        Some((line, found)) if found < expected => Err(Error::malformed(
            file,
            format,
            format!(
                "line {line}: the last row has {found} of the {expected} fields of a row: the file is cut"
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_the_csv_reader_reads_them() {
        for (text, expect) in [
            ("a,b\n", None),
            ("\"a,b\",c\r\n\"d\"\"e\",f\n", None),
            ("a,\"b\nc", Some(1)),
            ("a,b\n1,\"x\"\"\ny", Some(2)),
            // A quote inside an unquoted field is a character, not an opening.
            ("5'10\",tall\n", None),
            ("a,\"\"\n", None),
        ] {
            assert_eq!(unclosed_quote_line(text), expect, "{text:?}");
        }
    }

    #[test]
    fn short_last_row_is_refused_with_its_line() {
        assert!(check_last_row("f.csv", "CSV", Some((7, 12)), 12).is_ok());
        assert!(check_last_row("f.csv", "CSV", None, 12).is_ok());
        let err = check_last_row("f.csv", "CSV", Some((7, 3)), 12).unwrap_err().to_string();
        assert_eq!(err, "f.csv: not a valid CSV file: line 7: the last row has 3 of the 12 fields of a row: the file is cut");
    }
}
