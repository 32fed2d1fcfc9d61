//! Ward's list readers: every official sanctions list in its native format, into the
//! `ward-model` data model.
//!
//! The entry points are [`read_path`] (a file or folder on disk; a folder holding an OFAC CSV set
//! is read as one list) and [`parse_bytes`] (bytes and a name, for tests, fuzzing and uploads).
//! Both recognise the format from the content ([`detect`]), unwrap gzip and zip transparently,
//! and return a [`ParsedList`] per list: its entities plus a [`ward_model::Diagnostic`] for every
//! record that could not be read whole. A bad record never sinks a list; a file that is broken
//! as a whole (truncated XML, corrupt zip, wrong format) is an [`Error`], so that an import never
//! replaces good data with part of a list.
//!
//! ```no_run
//! let lists = ward_lists::read_path("lists/un-sc/un_consolidated_2026-02-27.xml".as_ref()).unwrap();
//! assert_eq!(lists[0].dataset, "un_sc_sanctions");
//! ```
//!
//! One module per format; [`link`] joins records of the same party across lists into subjects,
//! and [`ftm`] reads and writes `FollowTheMoney` JSON lines.

mod au_dfat;
mod ca_sema;
mod ch_seco;
mod country;
mod csv_end;
mod detect;
#[cfg(test)]
mod diff_golden;
mod error;
mod eu_fsf;
pub mod ftm;
pub mod link;
mod ofac;
#[cfg(test)]
mod robustness;
mod streaming;
mod tabular;
mod text;
mod uk_fcdo;
mod uk_ofsi;
mod un_ref;
mod un_xml;
mod us_csl;
mod xml;

#[cfg(test)]
mod testing;

pub use detect::{detect, Format};
pub use error::{Error, Result};
pub use ward_model::ParsedList;

use sha2::{Digest, Sha256};
use std::path::Path;
use ward_model::SourceFile;

/// One input file: its name (for diagnostics and format hints) and its bytes, already unwrapped
/// from gzip or zip.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name as the user gave it (a path, or `archive.zip!inner.xml`).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl Source {
    /// The last path component, lower case: `sdn.csv`, `cons_prim.csv`.
    pub fn file_name(&self) -> String {
        let name = self.name.rsplit(['/', '\\', '!']).next().unwrap_or(&self.name);
        name.to_ascii_lowercase()
    }
}

/// What a parser reads: one file, or the files of an OFAC CSV set.
#[derive(Debug, Clone)]
pub struct Input {
    /// The files; the first is the main one.
    pub files: Vec<Source>,
}

impl Input {
    /// The main (or only) file.
    pub fn main(&self) -> &Source {
        &self.files[0]
    }

    /// The file of the set whose name is `name` (lower case), if present.
    pub fn sibling(&self, name: &str) -> Option<&Source> {
        self.files.iter().find(|f| f.file_name() == name)
    }
}

fn source_file(name: &str, bytes: &[u8]) -> SourceFile {
    SourceFile {
        name: name.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { file: path.display().to_string(), source })
}

/// Parses `input` as `format`. The input's files must already be unwrapped.
pub fn parse_input(format: Format, input: &Input) -> Result<ParsedList> {
    let mut list = match format {
        Format::OfacSdnCsv | Format::OfacConsCsv => ofac::csv::parse(format, input)?,
        Format::OfacXml => ofac::sdn_xml::parse(input)?,
        Format::OfacEnhancedXml => ofac::enhanced::parse(input)?,
        Format::UnXml => un_xml::parse(input)?,
        Format::UkOfsiXlsx | Format::UkOfsiCsv => uk_ofsi::parse(format, input)?,
        Format::UkFcdoXml => uk_fcdo::parse(input)?,
        Format::EuFsfXml => eu_fsf::parse(input)?,
        Format::CaSemaXml => ca_sema::parse(input)?,
        Format::ChSecoXml => ch_seco::parse(input)?,
        Format::AuDfatXlsx => au_dfat::parse(input)?,
        Format::UsCslCsv => us_csl::parse(input)?,
        Format::FtmJson => ftm::parse(input)?,
    };
    list.format = format.name().to_string();
    Ok(list)
}

/// Detects the format of one file's bytes and parses it. `name` is used in diagnostics and, for
/// OFAC CSV files that carry no header, to tell the SDN from the consolidated list.
pub fn parse_bytes(name: &str, bytes: Vec<u8>) -> Result<ParsedList> {
    let original = source_file(name, &bytes);
    let source = detect::unwrap(Source { name: name.to_string(), bytes })?;
    let format = detect(&source)?;
    let mut list = parse_input(format, &Input { files: vec![source] })?;
    list.sources = vec![original];
    Ok(list)
}

fn lower_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.strip_suffix(".gz").map(str::to_string).unwrap_or(name)
}

const OFAC_SETS: [(&str, Format, [&str; 3]); 2] = [
    ("sdn.csv", Format::OfacSdnCsv, ["add.csv", "alt.csv", "sdn_comments.csv"]),
    ("cons_prim.csv", Format::OfacConsCsv, ["cons_add.csv", "cons_alt.csv", "cons_comments.csv"]),
];

fn sorted_entries(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| Error::Io { file: dir.display().to_string(), source })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// The lists under a path, each as the path that reads it: a file, or a folder holding an OFAC
/// CSV set. Other folders are walked in name order; Markdown and hidden files are skipped.
pub fn list_units(path: &Path) -> Result<Vec<std::path::PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = sorted_entries(path)?;
    if entries.iter().any(|p| OFAC_SETS.iter().any(|(primary, _, _)| lower_name(p) == *primary)) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut units = Vec::new();
    for p in entries {
        let name = lower_name(&p);
        if name.ends_with(".md") || name.starts_with('.') {
            continue;
        }
        units.extend(list_units(&p)?);
    }
    Ok(units)
}

/// Reads one unit from [`list_units`]: a list file, or a folder holding an OFAC CSV set.
pub fn read_unit(path: &Path) -> Result<ParsedList> {
    if !path.is_dir() {
        let bytes = read_file(path)?;
        return parse_bytes(&path.display().to_string(), bytes);
    }
    let entries = sorted_entries(path)?;
    for (primary, format, siblings) in OFAC_SETS {
        if !entries.iter().any(|p| lower_name(p) == primary) {
            continue;
        }
        let mut files = Vec::new();
        let mut sources = Vec::new();
        for name in std::iter::once(primary).chain(siblings) {
            if let Some(p) = entries.iter().find(|p| lower_name(p) == name) {
                let bytes = read_file(p)?;
                sources.push(source_file(&p.display().to_string(), &bytes));
                files.push(detect::unwrap(Source { name: p.display().to_string(), bytes })?);
            }
        }
        let mut list = parse_input(format, &Input { files })?;
        list.sources = sources;
        return Ok(list);
    }
    Err(Error::UnknownFormat {
        file: path.display().to_string(),
        found: "a folder without sdn.csv or cons_prim.csv".into(),
        expected: "a list file, or a folder holding an OFAC CSV set",
    })
}

/// Reads one unit of [`list_units`] like [`read_unit`], but hands each entity to `sink` as soon as it is
/// complete instead of collecting them. Returns the list without entities: dataset, format, sources (with
/// their sha256 and size, of the file as given), meta, diagnostics. A delta list (`FtM` delta file, SECO
/// amendment) is never streamed: its entities stay in the returned list's `entities` and `meta.delta` is set.
/// An error (truncated or broken file) may come after some entities went to the sink: the caller discards them.
///
/// `FtM` JSON lines (plain or `.gz`) are read from the file in passes (see `ftm::stream`), never
/// whole: memory grows with the lines that describe things from the side (addresses, sanctions,
/// relations...), not with the things. The entities and their order are [`read_unit`]'s (the
/// order of the first line of each id), and a gzip file has no 1 GiB limit on its content.
/// UN SC, EU FSF, UK FCDO and Canada SEMA XML are read from the file by the streaming XML
/// reader, each entity handed over once its record is read. The other formats are read whole by
/// [`read_unit`] and their entities then handed over one by one: OFAC sdnList and enhanced XML
/// (the dataset and the link targets depend on every record), SECO XML (amendments are deltas;
/// programs and places are cited across records), the xlsx workbooks, the CSV formats (OFAC
/// sets join several files), and zip archives (the official lists that come zipped are a few
/// MB). A broken gzip stream in an XML file is reported as an XML error at its byte offset.
pub fn read_unit_streaming(path: &Path, sink: &mut dyn FnMut(ward_model::Entity)) -> Result<ParsedList> {
    streaming::read_unit(path, sink)
}

/// Reads a file or folder: every list under it (see [`list_units`]), stopping at the first
/// list that cannot be read.
pub fn read_path(path: &Path) -> Result<Vec<ParsedList>> {
    list_units(path)?.iter().map(|p| read_unit(p)).collect()
}
