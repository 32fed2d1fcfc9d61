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
//! and [`ftm`] reads and writes FollowTheMoney JSON lines.

mod au_dfat;
mod ca_sema;
mod ch_seco;
mod detect;
mod error;
mod eu_fsf;
pub mod ftm;
pub mod link;
mod ofac_csv;
mod ofac_enhanced;
mod ofac_remarks;
mod ofac_xml;
mod tabular;
mod text;
mod uk_fcdo;
mod uk_ofsi;
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
        Format::OfacSdnCsv | Format::OfacConsCsv => ofac_csv::parse(format, input)?,
        Format::OfacXml => ofac_xml::parse(input)?,
        Format::OfacEnhancedXml => ofac_enhanced::parse(input)?,
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

/// Reads a file or folder. A folder holding `sdn.csv` (or `cons_prim.csv`) and its siblings is
/// one OFAC CSV set; any other folder yields one list per file in it, in name order.
pub fn read_path(path: &Path) -> Result<Vec<ParsedList>> {
    if !path.is_dir() {
        let bytes = read_file(path)?;
        return Ok(vec![parse_bytes(&path.display().to_string(), bytes)?]);
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .map_err(|source| Error::Io { file: path.display().to_string(), source })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let lower = |p: &Path| p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    for (primary, format, siblings) in [
        ("sdn.csv", Format::OfacSdnCsv, ["add.csv", "alt.csv", "sdn_comments.csv"]),
        ("cons_prim.csv", Format::OfacConsCsv, ["cons_add.csv", "cons_alt.csv", "cons_comments.csv"]),
    ] {
        if !entries.iter().any(|p| lower(p) == primary) {
            continue;
        }
        let mut files = Vec::new();
        let mut sources = Vec::new();
        for name in std::iter::once(primary).chain(siblings) {
            if let Some(p) = entries.iter().find(|p| lower(p) == name) {
                let bytes = read_file(p)?;
                sources.push(source_file(&p.display().to_string(), &bytes));
                files.push(detect::unwrap(Source { name: p.display().to_string(), bytes })?);
            }
        }
        let mut list = parse_input(format, &Input { files })?;
        list.sources = sources;
        return Ok(vec![list]);
    }
    let mut lists = Vec::new();
    for p in entries {
        if lower(&p).ends_with(".md") || lower(&p).starts_with('.') {
            continue;
        }
        lists.extend(read_path(&p)?);
    }
    Ok(lists)
}
