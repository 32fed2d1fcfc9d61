//! SWIFT MT messages (MT101, MT103 with STP and REMIT, MT202, MT202COV, MT205, MT205COV) with
//! blocks 1 to 5, one or many per file: RJE files (messages separated by `$`), and messages
//! preceded by their ACK/NAK service message (block 1 service id 21), which is skipped.
//!
//! Field paths are the tags (`59`, `50K`); the underlying customer credit transfer of a COV
//! (sequence B) is `B/50K`, and the transactions of an MT101 are `B[0]/59`, `B[1]/59`...

use crate::error::ReadError;
use crate::model::{Field, Message, Party, PartyRole, Syntax};

/// MT types screened.
const SCREENED_TYPES: [&str; 4] = ["101", "103", "202", "205"];

/// What [`ReadError::Unsupported`] lists.
const SCREENED_TEXT: &str =
    "MT101, MT103, MT202, MT205, pacs.008, pacs.009, pacs.004, pain.001, camt.056, camt.029";

/// Block 1 service identifier of an ACK/NAK service message.
const ACK_SERVICE: &str = "21";

/// Length of a logical terminal address in blocks 1 and 2: BIC8, terminal letter, branch.
const LT_ADDRESS_LEN: usize = 12;

/// Where the receiver's address starts in block 2 of an input message (`I103` then the address).
const INPUT_RECEIVER_AT: usize = 4;

/// Where the sender's address starts in block 2 of an output message: `O103`, input time (4),
/// then the MIR's date (6) before its address.
const OUTPUT_SENDER_AT: usize = 14;

/// What block 3 field 119 says of a cover payment, and what ends its format (`MT202COV`).
const COVER_SUFFIX: &str = "COV";

/// Free-text fields screened.
const TEXT_TAGS: [&str; 5] = ["70", "72", "77B", "77T", "79"];

/// One block as written: its id, content and byte offset.
struct Block<'a> {
    id: &'a str,
    content: &'a str,
    offset: usize,
}

/// Whether the text looks like an MT message or an RJE file of them.
pub fn looks_like_mt(text: &str) -> bool {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '$' || c == '\u{1}');
    start.starts_with("{1:")
}

/// Reads every MT message in `text`, skipping ACK/NAK service messages.
pub fn read(text: &str) -> Result<Vec<Message>, ReadError> {
    let blocks = split_blocks(text)?;
    let mut groups: Vec<Vec<Block<'_>>> = Vec::new();
    for block in blocks {
        if block.id == "1" || groups.is_empty() {
            groups.push(Vec::new());
        }
        if let Some(group) = groups.last_mut() {
            group.push(block);
        }
    }
    let mut messages = Vec::new();
    for (number, group) in groups.iter().enumerate() {
        let block1 = group.iter().find(|b| b.id == "1").map(|b| b.content);
        if block1.and_then(|b| b.get(1..3)) == Some(ACK_SERVICE) {
            continue;
        }
        let message = read_message(group).map_err(|detail| ReadError::Malformed {
            syntax: "MT",
            detail: format!("message {} (byte {}): {detail}", number + 1, group[0].offset),
        });
        match message {
            Err(ReadError::Malformed { detail, .. }) if detail.contains(UNSUPPORTED_MARK) => {
                let format = detail.rsplit(UNSUPPORTED_MARK).next().unwrap_or_default().to_string();
                return Err(ReadError::Unsupported { format, screened: SCREENED_TEXT });
            }
            other => messages.push(other?),
        }
    }
    if messages.is_empty() {
        return Err(ReadError::NotAPayment("MT file holding only service messages (ACK/NAK)".to_string()));
    }
    Ok(messages)
}

/// Marks an unsupported type in [`read_message`]'s error text.
const UNSUPPORTED_MARK: &str = "unsupported type ";

/// Splits the file into top-level blocks: `{1:...}`, `{4:\n...\n-}`, `{3:{108:x}}`.
fn split_blocks(text: &str) -> Result<Vec<Block<'_>>, ReadError> {
    let bytes = text.as_bytes();
    let mut blocks = Vec::new();
    let mut at = 0;
    let malformed = |at: usize, detail: &str| ReadError::Malformed {
        syntax: "MT",
        detail: format!("at byte {at}: {detail}"),
    };
    while at < bytes.len() {
        let c = bytes[at];
        // RJE separators, SOH/ETX framing and line breaks between messages.
        if c.is_ascii_whitespace() || c == b'$' || c == 0x01 || c == 0x03 {
            at += 1;
            continue;
        }
        // A lone `{` before the next separator (a trailer cut off in real RJE files) opens no
        // block.
        if c == b'{' && bytes.get(at + 1).is_some_and(|b| b.is_ascii_whitespace() || *b == b'$') {
            at += 1;
            continue;
        }
        if c != b'{' {
            return Err(malformed(at, "expected `{` opening a block"));
        }
        let colon =
            text[at..].find(':').map(|i| at + i).ok_or_else(|| malformed(at, "a block without `:`"))?;
        let id = &text[at + 1..colon];
        if id.is_empty() || id.len() > 3 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(malformed(at, "a block id must be 1 to 3 letters or digits"));
        }
        let body_start = colon + 1;
        let end = if id == "4" && matches!(bytes.get(body_start), Some(b'\r' | b'\n')) {
            // The text block: lines up to `-}` on a line of its own.
            let close = text[body_start..]
                .find("\n-}")
                .map(|i| body_start + i)
                .ok_or_else(|| malformed(at, "block 4 does not end with `-}`"))?;
            blocks.push(Block { id, content: &text[body_start..close], offset: at });
            close + 3
        } else {
            let mut depth = 1usize;
            let mut index = body_start;
            while depth > 0 {
                match bytes.get(index) {
                    Some(b'{') => depth += 1,
                    Some(b'}') => depth -= 1,
                    Some(_) => {}
                    None => return Err(malformed(at, &format!("block {id} is not closed"))),
                }
                index += 1;
            }
            blocks.push(Block { id, content: &text[body_start..index - 1], offset: at });
            index
        };
        at = end;
    }
    if blocks.is_empty() {
        return Err(ReadError::NotAPayment("no MT blocks".to_string()));
    }
    Ok(blocks)
}

/// The BIC of a logical terminal address (`BANKBEBBAXXX`: BIC8, terminal letter, branch).
fn address_bic(address: &str) -> Option<String> {
    let address = address.get(..LT_ADDRESS_LEN)?;
    let bic = format!("{}{}", &address[..8], &address[9..]);
    is_bic(&bic).then_some(bic)
}

/// Whether `text` has the shape of a BIC: 4 letters (institution), 2 letters (country), 2
/// letters or digits (location), optionally 3 letters or digits (branch).
pub fn is_bic(text: &str) -> bool {
    let bytes = text.as_bytes();
    (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Reads one message from its blocks; an unsupported type is an error marked with
/// [`UNSUPPORTED_MARK`].
fn read_message(blocks: &[Block<'_>]) -> Result<Message, String> {
    let block = |id: &str| blocks.iter().find(|b| b.id == id).map(|b| b.content);
    let block1 = block("1").ok_or("no basic header (block 1)")?;
    let block2 = block("2").ok_or("no application header (block 2)")?;
    let block4 = block("4").ok_or("no text block (block 4)")?;
    let direction = block2.get(..1).ok_or("an empty application header (block 2)")?;
    let mt_type = block2.get(1..4).filter(|t| t.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
        format!("block 2 {block2:?} does not start with I or O and a three-digit message type")
    })?;
    let user_header = block("3").map(tags).unwrap_or_default();
    let validation = user_header.iter().find(|(tag, _)| *tag == "119").map(|(_, value)| *value);
    let format = match validation {
        Some(flag @ ("STP" | "REMIT" | "COV")) => format!("MT{mt_type}{flag}"),
        _ => format!("MT{mt_type}"),
    };
    if !SCREENED_TYPES.contains(&mt_type) {
        return Err(format!("{UNSUPPORTED_MARK}{format}"));
    }
    let mut message = Message {
        syntax: Syntax::SwiftMt,
        format,
        message_id: None,
        uetr: user_header.iter().find(|(tag, _)| *tag == "121").map(|(_, v)| v.to_string()),
        transactions: 1,
        cover: false,
        parties: Vec::new(),
        texts: Vec::new(),
    };
    let mut header_agent = |path: &str, address: Option<&str>| {
        if let Some(bic) = address.and_then(address_bic) {
            let mut party = Party::new(path, PartyRole::Agent);
            party.bics.push(Field::new(path, bic));
            message.parties.push(party);
        }
    };
    header_agent("block1", block1.get(3..));
    let block2_address = match direction {
        "I" => block2.get(INPUT_RECEIVER_AT..),
        "O" => block2.get(OUTPUT_SENDER_AT..),
        _ => return Err(format!("block 2 {block2:?} is neither input (I) nor output (O)")),
    };
    header_agent("block2", block2_address);
    let fields = text_fields(block4)?;
    let cover = message.format.ends_with(COVER_SUFFIX);
    message.cover = cover;
    let mut sequence = String::new();
    let mut transactions = 0;
    for (tag, value) in fields {
        if mt_type == "101" && tag == "21" {
            sequence = format!("B[{transactions}]/");
            transactions += 1;
        }
        if cover && sequence.is_empty() && tag.starts_with("50") {
            sequence = "B/".to_string();
        }
        let path = format!("{sequence}{tag}");
        if tag == "20" && message.message_id.is_none() {
            message.message_id = Some(value.trim().to_string());
        } else if TEXT_TAGS.contains(&tag) {
            message.texts.push(Field::new(path, value.lines().map(str::trim).collect::<Vec<_>>().join(" ")));
        } else if let Some(role) = party_role(tag) {
            let party = read_party(&path, tag, role, value);
            if !party.is_empty() {
                message.parties.push(party);
            }
        }
    }
    if mt_type == "101" {
        message.transactions = transactions.max(1);
    }
    Ok(message)
}

/// The `{tag:value}` pairs of block 3 or 5.
fn tags(content: &str) -> Vec<(&str, &str)> {
    content
        .split('{')
        .filter_map(|part| part.trim_end_matches('}').split_once(':'))
        .map(|(tag, value)| (tag, value.trim()))
        .collect()
}

/// The fields of block 4: `:TAG:` lines with their continuation lines.
fn text_fields(block4: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    let mut at = 0;
    let mut current: Option<(&str, usize)> = None;
    for line in block4.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if let Some(tag) = field_tag(line) {
            if let Some((tag, from)) = current.take() {
                fields.push((tag, block4[from..start].trim_end()));
            }
            current = Some((tag, start + tag.len() + 2));
        } else if current.is_none() && !line.trim().is_empty() {
            return Err(format!("block 4 line {line:?} comes before any `:TAG:` field"));
        }
    }
    if let Some((tag, from)) = current {
        fields.push((tag, block4[from..].trim_end()));
    }
    Ok(fields)
}

/// The tag of a line opening a field (`:50K:` gives `50K`).
fn field_tag(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let bytes = tag.as_bytes();
    let valid = (2..=3).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[2..].iter().all(u8::is_ascii_uppercase);
    valid.then_some(tag)
}

/// Whether a tag holds a customer or an agent.
fn party_role(tag: &str) -> Option<PartyRole> {
    match tag.get(..2)? {
        "50" | "59" => Some(PartyRole::Customer),
        "51" | "52" | "53" | "54" | "55" | "56" | "57" | "58" => Some(PartyRole::Agent),
        _ => None,
    }
}

/// Reads a party field by its option: A (BIC), F (numbered lines), B/C/D/H/K and none (name
/// and address lines), each possibly after a `/account` line.
fn read_party(path: &str, tag: &str, role: PartyRole, value: &str) -> Party {
    let mut party = Party::new(path, role);
    let option = tag.get(2..).unwrap_or_default();
    let mut lines: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if option == "F" {
        read_structured(&mut party, path, &lines);
        return party;
    }
    if lines.first().is_some_and(|l| l.starts_with('/')) {
        let account = lines.remove(0);
        read_account(&mut party, path, account);
    }
    if option == "A" || option == "G" {
        if let Some(position) = lines.iter().position(|l| is_bic(l)) {
            party.bics.push(Field::new(path, lines.remove(position)));
        }
    }
    if option == "C" {
        return party;
    }
    let mut lines = lines.into_iter();
    if option != "B" {
        if let Some(name) = lines.next() {
            party.names.push(Field::new(path, name));
        }
    }
    for line in lines {
        if line.starts_with('/') {
            read_account(&mut party, path, line);
        } else {
            party.address.lines.push(Field::new(path, line));
        }
    }
    party
}

/// An account line (`/DE12...`, `//FW021000018`): its value, and a BIC when it has that shape.
fn read_account(party: &mut Party, path: &str, line: &str) {
    let account = line.trim_start_matches('/').trim();
    if account.is_empty() {
        return;
    }
    if is_bic(account) {
        party.bics.push(Field::new(path, account));
    } else {
        party.accounts.push(Field::new(path, account));
    }
}

/// Option F: `1/NAME`, `2/ADDRESS`, `3/CC/TOWN`, `4/YYYYMMDD` (birth date), `5/CC/PLACE` (place
/// of birth), `6/CC/ISSUER/ID`, `7/CC/NUMBER`, `8/continuation`; first a `/account` or an
/// identifier `CODE/CC/ID`.
fn read_structured(party: &mut Party, path: &str, lines: &[&str]) {
    let mut previous: Option<char> = None;
    for (index, line) in lines.iter().enumerate() {
        let numbered =
            line.split_once('/').filter(|(n, _)| n.len() == 1 && n.bytes().all(|b| b.is_ascii_digit()));
        let Some((number, text)) = numbered else {
            if index == 0 && line.starts_with('/') {
                read_account(party, path, line);
            } else if index == 0 {
                party.other_ids.push(Field::new(path, *line));
            }
            continue;
        };
        let mut number = number.chars().next().unwrap_or('0');
        if number == '8' {
            number = previous.unwrap_or('8');
        }
        previous = Some(number);
        let field = |value: &str| Field::new(path, value.trim());
        let country_and_rest = |text: &str| -> (Option<String>, String) {
            match text.split_once('/') {
                Some((cc, rest)) if cc.len() == 2 => (Some(cc.to_string()), rest.to_string()),
                _ => (None, text.to_string()),
            }
        };
        match number {
            '1' => party.names.push(field(text)),
            '2' => party.address.lines.push(field(text)),
            '3' => {
                let (country, town) = country_and_rest(text);
                party.address.countries.extend(country.map(|c| field(&c)));
                if !town.trim().is_empty() {
                    party.address.towns.push(field(&town));
                }
            }
            '4' => party.birth_dates.push(field(text)),
            '5' => {
                let (country, place) = country_and_rest(text);
                party.countries.extend(country.map(|c| field(&c)));
                party.birth_places.push(field(&place));
            }
            '6' | '7' => party.other_ids.push(field(text)),
            _ => {}
        }
    }
}
