//! A streaming XML reader for list files: it walks the document with quick-xml and hands each
//! record (an element with a given name) to the caller as a small tree, so a 100 MB list never
//! sits in memory whole and parsers read records with simple lookups.

use crate::text::clean;
use crate::{Error, Result};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, Event};
use quick_xml::{Decoder, Reader};
use std::borrow::Cow;
use std::io::BufRead;
use ward_model::{country_code, Diagnostic};

/// One XML element with its attributes, text and children. Names are local (prefix dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
    /// Byte offset of the start tag, for diagnostics.
    pub offset: u64,
}

impl Element {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children named `name`.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if not empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// Follows a path of child names (`"a/b/c"`), taking the first match at each step.
    pub fn path(&self, path: &str) -> Option<&Element> {
        let mut el = self;
        for part in path.split('/') {
            el = el.child(part)?;
        }
        Some(el)
    }

    /// The trimmed text at `path`, if not empty.
    pub fn path_text(&self, path: &str) -> Option<&str> {
        self.path(path).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// All descendants named `name`, depth first.
    pub fn descendants<'a>(&'a self, name: &'a str) -> Vec<&'a Element> {
        let mut out = Vec::new();
        fn walk<'a>(el: &'a Element, name: &str, out: &mut Vec<&'a Element>) {
            for c in &el.children {
                if c.name == name {
                    out.push(c);
                }
                walk(c, name, out);
            }
        }
        walk(self, name, &mut out);
        out
    }
}

fn local_name(raw: &[u8]) -> String {
    let name = String::from_utf8_lossy(raw);
    name.rsplit(':').next().unwrap_or(&name).to_string()
}

fn element_from(start: &quick_xml::events::BytesStart<'_>, offset: u64, decoder: Decoder) -> Element {
    let attrs = start
        .attributes()
        .flatten()
        .map(|a| {
            let value = a
                .decode_and_unescape_value(decoder)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (local_name(a.key.as_ref()), value)
        })
        .collect();
    Element {
        name: local_name(start.name().as_ref()),
        attrs,
        text: String::new(),
        children: Vec::new(),
        offset,
    }
}

/// The text an entity or character reference stands for (`&amp;` is "&", `&#1057;` is "С");
/// a reference to an entity the document would have to declare is kept as written.
fn reference_text(reference: &BytesRef<'_>) -> String {
    if let Ok(Some(character)) = reference.resolve_char_ref() {
        return character.to_string();
    }
    let name = String::from_utf8_lossy(reference);
    match resolve_predefined_entity(&name) {
        Some(text) => text.to_string(),
        None => format!("&{name};"),
    }
}

/// What the reader saw outside the records: the root element (with its attributes) and, as a
/// tree, every element that is neither a record nor inside one and that holds only text (e.g.
/// `<publshInformation><Publish_Date>`).
#[derive(Debug, Default)]
pub(crate) struct Header {
    pub root: Element,
    /// Text-only elements outside records, by local name, in document order.
    pub fields: Vec<(String, String)>,
}

impl Header {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }
}

/// Streams the document `source` reads (bytes in memory, or a file through a `BufReader`),
/// calling `on_record` for every element whose local name is in `records` (records do not nest).
/// Returns the header. A document that is not well-formed, or that ends before its root element
/// closes (a truncated download), is an error naming the byte offset.
pub(crate) fn stream<R: BufRead>(
    source: R,
    file: &str,
    format: &'static str,
    records: &[&str],
    mut on_record: impl FnMut(Element),
) -> Result<Header> {
    let mut reader = Reader::from_reader(source);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut header = Header::default();
    // The stack of open elements inside the current record; empty outside records.
    let mut stack: Vec<Element> = Vec::new();
    // Names of open elements outside records, and their text so far.
    let mut outer: Vec<(String, String)> = Vec::new();
    let mut seen_root = false;
    let mut root_closed = false;
    let err = |reader: &Reader<R>, message: String| {
        Error::malformed(file, format, format!("at byte {}: {message}", reader.buffer_position()))
    };
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| err(&reader, e.to_string()))?;
        match event {
            Event::Start(start) => {
                let el = element_from(&start, offset, reader.decoder());
                if !seen_root {
                    seen_root = true;
                    header.root = el.clone();
                    outer.push((el.name, String::new()));
                } else if !stack.is_empty() || records.contains(&el.name.as_str()) {
                    stack.push(el);
                } else {
                    outer.push((el.name, String::new()));
                }
            }
            Event::Empty(start) => {
                let el = element_from(&start, offset, reader.decoder());
                if !seen_root {
                    seen_root = true;
                    root_closed = true;
                    header.root = el;
                } else if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                } else if records.contains(&el.name.as_str()) {
                    on_record(el);
                }
            }
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map_or_else(|_| String::from_utf8_lossy(&text).into_owned(), Cow::into_owned);
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                } else if let Some((_, t)) = outer.last_mut() {
                    t.push_str(&text);
                }
            }
            Event::GeneralRef(reference) => {
                let text = reference_text(&reference);
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                } else if let Some((_, t)) = outer.last_mut() {
                    t.push_str(&text);
                }
            }
            Event::CData(data) => {
                let text = String::from_utf8_lossy(&data).into_owned();
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&text);
                } else if let Some((_, t)) = outer.last_mut() {
                    t.push_str(&text);
                }
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => on_record(el),
                    }
                } else if let Some((name, text)) = outer.pop() {
                    let text = text.trim();
                    if !text.is_empty() {
                        header.fields.push((name, text.to_string()));
                    }
                    if outer.is_empty() {
                        root_closed = true;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_root {
        return Err(Error::malformed(file, format, "no root element"));
    }
    if !root_closed || !stack.is_empty() {
        return Err(Error::malformed(
            file,
            format,
            format!(
                "the document ends at byte {} before <{}> is closed: truncated file",
                reader.buffer_position(),
                header.root.name
            ),
        ));
    }
    Ok(header)
}

/// Where a record is in an XML list, so that its diagnostics name the file, the record (once
/// its id is known) and the byte offset.
pub(crate) struct RecordCtx<'a> {
    pub file: &'a str,
    pub record: Option<String>,
    pub offset: u64,
    pub diagnostics: &'a mut Vec<Diagnostic>,
    /// How country names are read: `ward_model::country_code`, or a list's own extension of it.
    pub resolve_country: fn(&str) -> Option<&'static str>,
}

impl<'a> RecordCtx<'a> {
    /// A context for the record starting at byte `offset` of `file`.
    pub fn new(file: &'a str, offset: u64, diagnostics: &'a mut Vec<Diagnostic>) -> RecordCtx<'a> {
        RecordCtx { file, record: None, offset, diagnostics, resolve_country: ward_model::country_code }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        let diagnostic = diagnostic.at(format!("byte {}", self.offset));
        let diagnostic = match &self.record {
            Some(record) => diagnostic.record(record.clone()),
            None => diagnostic,
        };
        self.diagnostics.push(diagnostic);
    }

    /// A warning: a value was not understood; the record is kept.
    pub fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        self.push(Diagnostic::warning(self.file, message));
    }

    /// An error: the record is skipped.
    pub fn error(&mut self, message: impl Into<String>) {
        let message = message.into();
        self.push(Diagnostic::error(self.file, message));
    }

    /// The alpha-2 code of a country; a warning when it names no country.
    pub fn country(&mut self, name: &str, what: &str) -> Option<String> {
        let code = (self.resolve_country)(name);
        if code.is_none() {
            self.warn(format!("unknown country {name:?} in {what}"));
        }
        code.map(str::to_string)
    }

    /// The alpha-2 code of a country code or name, with a warning when Ward does not know it.
    pub fn country_by_code(&mut self, code: Option<&str>, name: Option<&str>) -> Option<String> {
        let code = code.and_then(clean).filter(|c| *c != "00");
        let name = name.and_then(clean).filter(|n| !n.eq_ignore_ascii_case("unknown"));
        if let Some(found) = code.and_then(country_code).or_else(|| name.and_then(country_code)) {
            return Some(found.to_string());
        }
        if code.is_some() || name.is_some() {
            self.warn(format!(
                "unknown country {:?}; expected an ISO 3166 code or a country name",
                code.or(name).unwrap_or_default()
            ));
        }
        None
    }
}

/// One warning listing the fields a reader met but does not read, with how many records had each
/// (a sign of a newer schema), or nothing when there were none.
pub(crate) fn unknown_fields_warning(
    file: &str,
    unknown: &std::collections::BTreeMap<String, usize>,
) -> Option<Diagnostic> {
    if unknown.is_empty() {
        return None;
    }
    let fields: Vec<String> = unknown.iter().map(|(name, n)| format!("{name} ({n} records)")).collect();
    Some(Diagnostic::warning(file, format!("fields not read (a newer schema?): {}", fields.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_header() {
        let xml = br#"<?xml version="1.0"?><list date="2026"><info><count>2</count></info>
            <rec id="1"><name>A &amp; B</name><x/></rec><rec id="2"><name><![CDATA[C]]></name></rec></list>"#;
        let mut names = Vec::new();
        let header = stream(&xml[..], "f.xml", "test", &["rec"], |r| {
            names.push((r.attr("id").unwrap().to_string(), r.child_text("name").unwrap().to_string()));
        })
        .unwrap();
        assert_eq!(names, [("1".into(), "A & B".into()), ("2".into(), "C".into())]);
        assert_eq!(header.root.attr("date"), Some("2026"));
        assert_eq!(header.field("count"), Some("2"));
    }

    #[test]
    fn references_are_resolved_and_undeclared_entities_kept() {
        let xml =
            br#"<list><rec id="a&amp;b"><name>AT&amp;T &#1057;ergei &#x41;li &nbsp;X</name></rec></list>"#;
        let mut records = Vec::new();
        stream(&xml[..], "f.xml", "test", &["rec"], |r| records.push(r)).unwrap();
        assert_eq!(records[0].attr("id"), Some("a&b"));
        assert_eq!(records[0].child_text("name"), Some("AT&T \u{421}ergei Ali &nbsp;X"));
    }

    #[test]
    fn truncated_is_an_error() {
        let xml = br#"<list><rec id="1"><name>A</name></rec><rec id="2"><na"#;
        let err = stream(&xml[..], "f.xml", "test", &["rec"], |_| {}).unwrap_err();
        assert!(err.to_string().contains("f.xml"), "{err}");
    }
}
