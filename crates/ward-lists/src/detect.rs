//! Format detection from content: gzip and zip are unwrapped, XML is told apart by its root
//! element, CSV by its header, xlsx by its header row, JSON lines by their keys.

use crate::{Error, Result, Source};
use std::io::{Cursor, Read};

/// The list formats Ward reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OFAC SDN CSV set: sdn.csv (+ add.csv, alt.csv, `sdn_comments.csv`).
    OfacSdnCsv,
    /// OFAC consolidated (non-SDN) CSV set: `cons_prim.csv` (+ `cons_add`, `cons_alt`, `cons_comments`).
    OfacConsCsv,
    /// OFAC classic XML (`sdnList`): sdn.xml or consolidated.xml.
    OfacXml,
    /// OFAC enhanced XML (`sanctionsData`), e.g. inside `CONS_ENHANCED.ZIP`.
    OfacEnhancedXml,
    /// UN Security Council consolidated XML.
    UnXml,
    /// UK OFSI consolidated list, xlsx.
    UkOfsiXlsx,
    /// UK OFSI consolidated list, csv.
    UkOfsiCsv,
    /// UK FCDO UK Sanctions List XML.
    UkFcdoXml,
    /// EU Financial Sanctions Files XML.
    EuFsfXml,
    /// Canada SEMA XML (both schema versions).
    CaSemaXml,
    /// Swiss SECO XML.
    ChSecoXml,
    /// Australia DFAT consolidated list, xlsx.
    AuDfatXlsx,
    /// US trade.gov Consolidated Screening List, CSV.
    UsCslCsv,
    /// `OpenSanctions` `FollowTheMoney` entity JSON lines (and delta files).
    FtmJson,
}

/// The formats, for error messages.
pub(crate) const EXPECTED: &str = "OFAC SDN/consolidated CSV, OFAC sdnList XML, OFAC enhanced XML, \
UN SC XML, UK OFSI xlsx/csv, UK FCDO XML, EU FSF XML, Canada SEMA XML, Swiss SECO XML, \
Australia DFAT xlsx, US CSL CSV, FtM JSON lines";

impl Format {
    /// Stable short name, shown to users and stored with each list version.
    pub fn name(self) -> &'static str {
        match self {
            Format::OfacSdnCsv => "ofac_sdn_csv",
            Format::OfacConsCsv => "ofac_cons_csv",
            Format::OfacXml => "ofac_xml",
            Format::OfacEnhancedXml => "ofac_enhanced_xml",
            Format::UnXml => "un_xml",
            Format::UkOfsiXlsx => "uk_ofsi_xlsx",
            Format::UkOfsiCsv => "uk_ofsi_csv",
            Format::UkFcdoXml => "uk_fcdo_xml",
            Format::EuFsfXml => "eu_fsf_xml",
            Format::CaSemaXml => "ca_sema_xml",
            Format::ChSecoXml => "ch_seco_xml",
            Format::AuDfatXlsx => "au_dfat_xlsx",
            Format::UsCslCsv => "us_csl_csv",
            Format::FtmJson => "ftm_json",
        }
    }
}

const MAX_UNPACKED: u64 = 1 << 30;

/// Unwraps gzip, and a zip archive holding one list file (not an xlsx workbook, which is a zip
/// too), so that detection and parsing see the list itself.
pub(crate) fn unwrap(source: Source) -> Result<Source> {
    let bytes = &source.bytes;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(MAX_UNPACKED)
            .read_to_end(&mut out)
            .map_err(|e| Error::malformed(&source.name, "gzip", format!("cannot decompress: {e}")))?;
        let name = source.name.strip_suffix(".gz").unwrap_or(&source.name).to_string();
        return unwrap(Source { name, bytes: out });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Error::malformed(&source.name, "zip", format!("cannot open archive: {e}")))?;
        if archive.file_names().any(|n| n == "xl/workbook.xml") {
            return Ok(source);
        }
        let names: Vec<String> =
            archive.file_names().filter(|n| !n.ends_with('/')).map(str::to_string).collect();
        let [inner] = names.as_slice() else {
            return Err(Error::UnknownFormat {
                file: source.name.clone(),
                found: format!("a zip archive of {} files ({})", names.len(), names.join(", ")),
                expected: "a zip holding exactly one list file, or an xlsx workbook",
            });
        };
        let mut out = Vec::new();
        archive
            .by_name(inner)
            .map_err(|e| Error::malformed(&source.name, "zip", format!("cannot read {inner}: {e}")))?
            .take(MAX_UNPACKED)
            .read_to_end(&mut out)
            .map_err(|e| Error::malformed(&source.name, "zip", format!("cannot read {inner}: {e}")))?;
        return unwrap(Source { name: format!("{}!{inner}", source.name), bytes: out });
    }
    Ok(source)
}

/// Recognises the format of an unwrapped file from its content (and, for headerless OFAC CSV,
/// its name).
pub fn detect(source: &Source) -> Result<Format> {
    let unknown =
        |found: String| Error::UnknownFormat { file: source.name.clone(), found, expected: EXPECTED };
    let bytes = source.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&source.bytes);
    if bytes.starts_with(b"PK") {
        return detect_xlsx(source);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]);
    let trimmed = head.trim_start();
    if trimmed.is_empty() {
        return Err(unknown("an empty file".into()));
    }
    if trimmed.starts_with('<') {
        let root = xml_root(trimmed).unwrap_or_default();
        return Ok(match root.as_str() {
            "sdnList" => Format::OfacXml,
            "sanctionsData" => Format::OfacEnhancedXml,
            "CONSOLIDATED_LIST" => Format::UnXml,
            "export" => Format::EuFsfXml,
            "data-set" => Format::CaSemaXml,
            "swiss-sanctions-list" => Format::ChSecoXml,
            "Designations" | "ArrayOfFinancialSanctionsTarget" => Format::UkFcdoXml,
            "" => return Err(unknown("XML without a root element (truncated?)".into())),
            other => return Err(unknown(format!("XML with root element <{other}>"))),
        });
    }
    if trimmed.starts_with('{') {
        let line = trimmed.lines().next().unwrap_or("");
        if line.contains("\"DATA_SOURCE\"") {
            return Err(unknown("Senzing JSON (use the FtM export of the dataset instead)".into()));
        }
        if line.contains("\"schema\"") || line.contains("\"op\"") || line.contains("\"entity\"") {
            return Ok(Format::FtmJson);
        }
        return Err(unknown("JSON that is not FtM entity lines".into()));
    }
    let first_line = trimmed.lines().next().unwrap_or("");
    let name = source.file_name();
    if first_line.starts_with("_id,source,")
        || (first_line.contains("alt_names") && first_line.contains("source"))
    {
        return Ok(Format::UsCslCsv);
    }
    if first_line.starts_with("Last Updated")
        || (first_line.contains("Name 6") && first_line.contains("Group"))
    {
        return Ok(Format::UkOfsiCsv);
    }
    let ofac_row = {
        let mut fields = first_line.splitn(3, ',');
        let id = fields.next().unwrap_or("");
        let second = fields.next().unwrap_or("");
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && second.starts_with('"')
    };
    if ofac_row {
        if name.starts_with("cons_") && name != "cons_prim.csv"
            || ["add.csv", "alt.csv", "sdn_comments.csv"].contains(&name.as_str())
        {
            return Err(unknown(format!(
                "an OFAC CSV side file ({name}); import the folder that holds the whole set"
            )));
        }
        return Ok(if name.starts_with("cons") { Format::OfacConsCsv } else { Format::OfacSdnCsv });
    }
    Err(unknown(format!("text starting {:?}", first_line.chars().take(60).collect::<String>())))
}

fn detect_xlsx(source: &Source) -> Result<Format> {
    use calamine::{Reader, Xlsx};
    let mut workbook = Xlsx::new(Cursor::new(&source.bytes))
        .map_err(|e| Error::malformed(&source.name, "xlsx", format!("cannot open workbook: {e}")))?;
    let Some(range) = workbook.worksheet_range_at(0) else {
        return Err(Error::malformed(&source.name, "xlsx", "the workbook has no sheet"));
    };
    let range =
        range.map_err(|e| Error::malformed(&source.name, "xlsx", format!("cannot read first sheet: {e}")))?;
    for row in range.rows().take(5) {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        let has = |h: &str| cells.iter().any(|c| c.trim() == h);
        if has("Group ID") || (has("Name 6") && has("Name 1")) {
            return Ok(Format::UkOfsiXlsx);
        }
        if has("Name of Individual or Entity") || (has("Reference") && has("Name Type")) {
            return Ok(Format::AuDfatXlsx);
        }
    }
    Err(Error::UnknownFormat {
        file: source.name.clone(),
        found: "an xlsx workbook without the OFSI or DFAT header row".into(),
        expected: EXPECTED,
    })
}

/// The local name of the first element, skipping the declaration, comments and doctype.
fn xml_root(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>")?.1;
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1;
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = r.split_once('>')?.1;
        } else if let Some(r) = rest.strip_prefix('<') {
            let name: String =
                r.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
            return Some(name.rsplit(':').next().unwrap_or(&name).to_string());
        } else {
            return None;
        }
    }
}
