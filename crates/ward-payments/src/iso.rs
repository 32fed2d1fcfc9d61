//! ISO 20022 messages (pacs.008, pacs.009 with its COV underlying block, pacs.004, pain.001,
//! camt.056, camt.029), bare or in a Business Application Header envelope, read in one streaming
//! pass with quick-xml.
//!
//! The reader keys on element names, not on one version's schema: the elements screened
//! (`Dbtr`, `Cdtr`, `FinInstnId/BICFI`, `PstlAdr/TwnNm`, `RmtInf/Ustrd`...) keep their names and
//! nesting across the versions in use (.001.03 to .001.12), and older versions' `BIC` is read as
//! `BICFI`. Paths are relative to the message root below `Document` and index the repeated
//! blocks: `CdtTrfTxInf[0]/Cdtr/Nm`.

use crate::error::ReadError;
use crate::model::{Field, Message, Party, PartyRole, Syntax};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

/// The ISO 20022 message families screened.
pub const SCREENED_FAMILIES: [&str; 6] =
    ["pacs.008", "pacs.009", "pacs.004", "pain.001", "camt.056", "camt.029"];

/// What [`ReadError::Unsupported`] lists.
const SCREENED_TEXT: &str =
    "pacs.008, pacs.009, pacs.004, pain.001, camt.056, camt.029, MT101, MT103, MT202, MT205";

/// Namespace prefix of ISO 20022 message documents.
const ISO_NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Elements that open a customer party.
const CUSTOMERS: [&str; 8] =
    ["Dbtr", "Cdtr", "UltmtDbtr", "UltmtCdtr", "InitgPty", "Orgtr", "Invcr", "Invcee"];

/// Elements that open an agent.
const AGENTS: [&str; 15] = [
    "DbtrAgt",
    "CdtrAgt",
    "IntrmyAgt1",
    "IntrmyAgt2",
    "IntrmyAgt3",
    "PrvsInstgAgt1",
    "PrvsInstgAgt2",
    "PrvsInstgAgt3",
    "InstgAgt",
    "InstdAgt",
    "FwdgAgt",
    "Assgnr",
    "Assgne",
    "Cretr",
    "RsltnRltdInf",
];

/// Elements that open an account; the account belongs to the party named without `Acct`.
const ACCOUNTS: [&str; 9] = [
    "DbtrAcct",
    "CdtrAcct",
    "UltmtDbtrAcct",
    "UltmtCdtrAcct",
    "DbtrAgtAcct",
    "CdtrAgtAcct",
    "IntrmyAgt1Acct",
    "IntrmyAgt2Acct",
    "IntrmyAgt3Acct",
];

/// Repeated blocks, indexed in paths.
const INDEXED: [&str; 18] = [
    "CdtTrfTxInf",
    "PmtInf",
    "TxInf",
    "TxInfAndSts",
    "Undrlyg",
    "CxlDtls",
    "OrgnlPmtInfAndCxl",
    "OrgnlPmtInfAndSts",
    "AdrLine",
    "Ustrd",
    "Strd",
    "InstrForCdtrAgt",
    "InstrForNxtAgt",
    "RgltryRptg",
    "Dtls",
    "Othr",
    "RtrRsnInf",
    "CxlRsnInf",
];

/// The block of a pacs.009 COV that holds the underlying customer credit transfer.
pub const UNDERLYING_TRANSFER: &str = "UndrlygCstmrCdtTrf";

/// Whether a header's business service (`swift.cbprplus.cov.02`, `cov`) names a cover payment.
fn is_cover_service(service: &str) -> bool {
    service.split(['.', '_', '-', ' ']).any(|part| part.eq_ignore_ascii_case("cov"))
}

/// Transaction blocks, counted.
const TRANSACTIONS: [&str; 3] = ["CdtTrfTxInf", "TxInf", "TxInfAndSts"];

/// One open element.
struct Frame {
    name: String,
    /// Path below the message root ("" for `Document` and the root itself).
    path: String,
    /// How often each indexed child name was seen, for the next index.
    seen: Vec<(String, usize)>,
    text: String,
}

/// The message being read.
struct Builder {
    message: Message,
    /// Depth of the `Document` element in the frame stack.
    document_depth: usize,
    /// Indices into `message.parties` of the open parties, innermost last, with their depth.
    open_parties: Vec<(usize, usize)>,
    /// Accounts read, with the path of the party they belong to.
    accounts: Vec<(String, Field)>,
    /// The open account element's depth and owner path.
    open_account: Option<(usize, String)>,
}

/// The Business Application Header: it applies to the `Document` that follows it.
#[derive(Default)]
struct Header {
    business_message_id: Option<String>,
    definition: Option<String>,
    /// The business service (`swift.cbprplus.cov.02`).
    service: Option<String>,
    parties: Vec<Party>,
    depth: Option<usize>,
}

/// Whether the text looks like XML (after a byte-order mark and blanks).
pub fn looks_like_xml(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with('<')
}

/// Reads every ISO 20022 document in `text` (one file may hold several, each with its header).
pub fn read(text: &str) -> Result<Vec<Message>, ReadError> {
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    // Untrimmed: text around a reference ("Smith &amp; Sons") keeps its spaces; fields are
    // collapsed when their element closes.
    reader.config_mut().trim_text(false);
    let mut frames: Vec<Frame> = Vec::new();
    let mut header = Header::default();
    let mut builder: Option<Builder> = None;
    let mut messages = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| malformed(position, &e.to_string()))?;
        match event {
            Event::Start(start) => open(&start, &mut frames, &mut header, &mut builder)?,
            Event::Empty(start) => {
                open(&start, &mut frames, &mut header, &mut builder)?;
                close(&mut frames, &mut header, &mut builder, &mut messages)?;
            }
            Event::End(_) => close(&mut frames, &mut header, &mut builder, &mut messages)?,
            Event::Text(text) => {
                let text = text.decode().map_err(|e| malformed(position, &e.to_string()))?;
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&text);
                }
            }
            Event::GeneralRef(reference) => {
                let text = reference_text(&reference).ok_or_else(|| {
                    let name = String::from_utf8_lossy(&reference);
                    malformed(position, &format!("unknown entity reference &{name};"))
                })?;
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&text);
                }
            }
            Event::CData(data) => {
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(&String::from_utf8_lossy(&data.into_inner()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !frames.is_empty() {
        return Err(malformed(text.len() as u64, "the file ends inside an element"));
    }
    if messages.is_empty() {
        return Err(ReadError::NotAPayment("XML without an ISO 20022 `Document` element".to_string()));
    }
    Ok(messages)
}

/// The text a character reference or one of XML's five predefined entities stands for; `None`
/// for an entity the document would have to declare, which payment messages never do.
fn reference_text(reference: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(character)) = reference.resolve_char_ref() {
        return Some(character.to_string());
    }
    resolve_predefined_entity(&String::from_utf8_lossy(reference)).map(str::to_string)
}

fn malformed(position: u64, detail: &str) -> ReadError {
    ReadError::Malformed { syntax: "ISO 20022", detail: format!("at byte {position}: {detail}") }
}

/// The local name of an element as a string.
fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

/// The ISO 20022 message identifier a namespace names (`pacs.008.001.08`).
fn namespace_format(start: &BytesStart<'_>) -> Option<String> {
    start.attributes().flatten().find_map(|attribute| {
        let key = attribute.key.as_ref();
        if key != b"xmlns" && !key.starts_with(b"xmlns:") {
            return None;
        }
        // The reader reads a `&str`, so attribute values are UTF-8.
        let value = quick_xml::escape::unescape(std::str::from_utf8(&attribute.value).ok()?).ok()?;
        value.strip_prefix(ISO_NAMESPACE).map(str::to_string)
    })
}

fn open(
    start: &BytesStart<'_>,
    frames: &mut Vec<Frame>,
    header: &mut Header,
    builder: &mut Option<Builder>,
) -> Result<(), ReadError> {
    let name = local_name(start);
    let depth = frames.len();
    if name == "AppHdr" && builder.is_none() {
        *header = Header { depth: Some(depth), ..Header::default() };
    }
    if name == "Document" && builder.is_none() {
        let format = namespace_format(start).or_else(|| header.definition.clone()).unwrap_or_default();
        let family = format.get(..8).unwrap_or_default();
        if !SCREENED_FAMILIES.contains(&family) {
            let format = if format.is_empty() {
                "an ISO 20022 document without a namespace".to_string()
            } else {
                format
            };
            return Err(ReadError::Unsupported { format, screened: SCREENED_TEXT });
        }
        let header = std::mem::take(header);
        *builder = Some(Builder {
            message: Message {
                syntax: Syntax::Iso20022,
                format,
                message_id: header.business_message_id,
                uetr: None,
                transactions: 0,
                cover: header.service.as_deref().is_some_and(is_cover_service),
                parties: header.parties,
                texts: Vec::new(),
            },
            document_depth: depth,
            open_parties: Vec::new(),
            accounts: Vec::new(),
            open_account: None,
        });
    }
    let path = match (frames.last_mut(), builder.as_ref()) {
        // `Document` and the message root below it start the paths.
        (_, Some(b)) if depth <= b.document_depth + 1 => String::new(),
        (Some(parent), Some(_)) => {
            let segment = if INDEXED.contains(&name.as_str()) {
                let index = match parent.seen.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, count)) => {
                        *count += 1;
                        *count - 1
                    }
                    None => {
                        parent.seen.push((name.clone(), 1));
                        0
                    }
                };
                format!("{name}[{index}]")
            } else {
                name.clone()
            };
            if parent.path.is_empty() {
                segment
            } else {
                format!("{}/{segment}", parent.path)
            }
        }
        _ if name == "AppHdr" => name.clone(),
        (Some(parent), None) if header.depth.is_some() => format!("{}/{name}", parent.path),
        _ => name.clone(),
    };
    if let Some(b) = builder.as_mut() {
        if TRANSACTIONS.contains(&name.as_str()) {
            b.message.transactions += 1;
        }
        if name == UNDERLYING_TRANSFER {
            b.message.cover = true;
        }
        let role = if CUSTOMERS.contains(&name.as_str()) {
            Some(PartyRole::Customer)
        } else if AGENTS.contains(&name.as_str()) {
            Some(PartyRole::Agent)
        } else {
            None
        };
        if let Some(role) = role {
            b.message.parties.push(Party::new(path.clone(), role));
            b.open_parties.push((b.message.parties.len() - 1, depth));
        }
        if let Some(owner) = name.strip_suffix("Acct").filter(|_| ACCOUNTS.contains(&name.as_str())) {
            let owner_path = match path.rsplit_once('/') {
                Some((parent, _)) => format!("{parent}/{owner}"),
                None => owner.to_string(),
            };
            b.open_account = Some((depth, owner_path));
        }
    } else if header.depth.is_some() && (name == "Fr" || name == "To") {
        header.parties.push(Party::new(format!("AppHdr/{name}"), PartyRole::Agent));
    }
    frames.push(Frame { name, path, seen: Vec::new(), text: String::new() });
    Ok(())
}

fn close(
    frames: &mut Vec<Frame>,
    header: &mut Header,
    builder: &mut Option<Builder>,
    messages: &mut Vec<Message>,
) -> Result<(), ReadError> {
    let Some(frame) = frames.pop() else {
        return Ok(());
    };
    let depth = frames.len();
    let parent = frames.last().map(|f| f.name.as_str()).unwrap_or_default();
    let text = collapse(&frame.text);
    match builder.as_mut() {
        None => {
            if header.depth == Some(depth) {
                header.depth = None;
            } else if header.depth.is_some() && !text.is_empty() {
                match frame.name.as_str() {
                    "BizMsgIdr" => header.business_message_id = Some(text),
                    "MsgDefIdr" => header.definition = Some(text),
                    "BizSvc" => header.service = Some(text),
                    "BICFI" | "BIC" | "AnyBIC" => {
                        if let Some(party) = header.parties.last_mut() {
                            party.bics.push(Field::new(frame.path, text));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(b) => {
            if !text.is_empty() {
                b.read_value(&frame, parent, text);
            }
            if b.open_parties.last().is_some_and(|(_, d)| *d == depth) {
                b.open_parties.pop();
            }
            if b.open_account.as_ref().is_some_and(|(d, _)| *d == depth) {
                b.open_account = None;
            }
            if depth == b.document_depth {
                let mut done = builder.take().map(Builder::finish).into_iter().collect();
                messages.append(&mut done);
            }
        }
    }
    Ok(())
}

/// Trims and joins the lines of a text value.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Builder {
    /// Files one element's text where it belongs.
    fn read_value(&mut self, frame: &Frame, parent: &str, text: String) {
        let name = frame.name.as_str();
        let field = || Field::new(frame.path.clone(), text.clone());
        match name {
            "MsgId" if parent == "GrpHdr" => {
                self.message.message_id = Some(text.clone());
            }
            "Id" if parent == "Assgnmt" && self.message.message_id.is_none() => {
                self.message.message_id = Some(text.clone());
            }
            "UETR" | "OrgnlUETR" if self.message.uetr.is_none() => {
                self.message.uetr = Some(text.clone());
            }
            "Ustrd" | "AddtlRmtInf" | "InstrInf" | "AddtlInf" | "AddtlTxInf" => {
                self.message.texts.push(field());
            }
            "Inf" if parent == "Dtls" => self.message.texts.push(field()),
            "Prtry" if parent == "Purp" => self.message.texts.push(field()),
            _ => {}
        }
        if let Some((_, owner)) = &self.open_account {
            if matches!(name, "IBAN") || (name == "Id" && parent == "Othr") {
                self.accounts.push((owner.clone(), field()));
            }
            return;
        }
        let Some(&(index, _)) = self.open_parties.last() else {
            return;
        };
        let party = &mut self.message.parties[index];
        match name {
            "Nm" if parent != "SchmeNm" => party.names.push(field()),
            "TwnNm" | "TwnLctnNm" => party.address.towns.push(field()),
            "DstrctNm" => party.address.districts.push(field()),
            "CtrySubDvsn" => party.address.subdivisions.push(field()),
            "Ctry" if parent == "PstlAdr" => party.address.countries.push(field()),
            "AdrLine" | "StrtNm" | "BldgNm" => party.address.lines.push(field()),
            "BICFI" | "BIC" | "AnyBIC" | "BICOrBEI" => party.bics.push(field()),
            "LEI" => party.leis.push(field()),
            "Id" if parent == "Othr" => party.other_ids.push(field()),
            "BirthDt" => party.birth_dates.push(field()),
            "CityOfBirth" | "PrvcOfBirth" => party.birth_places.push(field()),
            "CtryOfBirth" | "CtryOfRes" => party.countries.push(field()),
            _ => {}
        }
    }

    /// Attaches the accounts to their parties and drops parties with nothing read.
    fn finish(mut self) -> Message {
        for (owner, account) in self.accounts {
            match self.message.parties.iter_mut().find(|p| p.path == owner) {
                Some(party) => party.accounts.push(account),
                None => {
                    let role = if owner.ends_with("Agt") || owner.contains("Agt") {
                        PartyRole::Agent
                    } else {
                        PartyRole::Customer
                    };
                    let mut party = Party::new(owner, role);
                    party.accounts.push(account);
                    self.message.parties.push(party);
                }
            }
        }
        self.message.parties.retain(|p| !p.is_empty());
        self.message
    }
}
