//! Readers of ownership edges: a bank's CSV and `FollowTheMoney` `Ownership` entities (JSON
//! lines). Both take text, not files; both refuse a file with a bad row whole, naming the line
//! and field, because a skipped edge can turn a blocked company into one that is not.

use crate::{ControlKind, Edge, EdgeKind, Stake};
use std::io::{BufRead, Read};
use ward_model::PartialDate;

/// Edges read from one file, with the names and other keys it gives for parties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeFile {
    /// The edges, in file order.
    pub edges: Vec<Edge>,
    /// (party key, name to show).
    pub names: Vec<(String, String)>,
    /// (party key, another key of the same party): `FtM` referents.
    pub other_keys: Vec<(String, String)>,
}

/// A row that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}, line {line}{}: {message}", field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct ReadError {
    /// The file (as the caller names it).
    pub origin: String,
    /// The line, from 1.
    pub line: u64,
    /// The column or property, where one is at fault.
    pub field: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

/// The columns of the bank CSV, by header (case and surrounding spaces ignored).
mod column {
    pub const OWNER: &[&str] = &["owner", "owner_id", "owner id"];
    pub const OWNER_NAME: &[&str] = &["owner_name", "owner name"];
    pub const OWNED: &[&str] = &["owned", "owned_id", "owned id", "asset", "company"];
    pub const OWNED_NAME: &[&str] = &["owned_name", "owned name", "asset_name", "company_name"];
    pub const PERCENTAGE: &[&str] = &["percentage", "percent", "stake", "share"];
    pub const START: &[&str] = &["start_date", "start date", "start", "from"];
    pub const END: &[&str] = &["end_date", "end date", "end", "until"];
    pub const SOURCE: &[&str] = &["source"];
    pub const CONTROL: &[&str] = &["control"];
    pub const JOINT: &[&str] = &["joint_arrangement", "joint arrangement", "arrangement"];
}

/// Reads a bank's CSV of ownership and control: one row per holding, with the columns `owner`
/// and `owned` (an id: a referent `dataset:record` or an identifier, or a name), and optionally
/// `owner_name`, `owned_name`, `percentage` ("30", "30%", "25-50", "50 to 75%"; empty or
/// "unknown" for an unknown stake), `start_date` and `end_date` (ISO 8601), `source`, `control`
/// ("board", "other"; a row with a control and no percentage is control only) and
/// `joint_arrangement` (a label shared by the holders of one arrangement). `origin` names the
/// file in errors and in edges without a source.
pub fn read_csv(input: impl Read, origin: &str) -> Result<EdgeFile, ReadError> {
    let error = |line: u64, field: Option<&str>, message: String| ReadError {
        origin: origin.to_string(),
        line,
        field: field.map(str::to_string),
        message,
    };
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input);
    let headers =
        reader.headers().map_err(|e| error(1, None, format!("cannot read the header: {e}")))?.clone();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.to_ascii_lowercase().as_str()));
    let owner_column = find(column::OWNER)
        .ok_or_else(|| error(1, None, "no `owner` column (the holder's id or name)".to_string()))?;
    let owned_column = find(column::OWNED)
        .ok_or_else(|| error(1, None, "no `owned` column (the held company's id or name)".to_string()))?;
    let owner_name = find(column::OWNER_NAME);
    let owned_name = find(column::OWNED_NAME);
    let percentage = find(column::PERCENTAGE);
    let start = find(column::START);
    let end = find(column::END);
    let source = find(column::SOURCE);
    let control = find(column::CONTROL);
    let joint = find(column::JOINT);
    let mut file = EdgeFile::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            error(line, None, e.to_string())
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or("");
        let header = |column: usize| headers.get(column).unwrap_or("").to_string();
        let required = |column: usize, what: &str| {
            let value = cell(Some(column));
            if value.is_empty() {
                Err(error(line, Some(&header(column)), format!("empty: the {what} is required")))
            } else {
                Ok(value.to_string())
            }
        };
        let owner = required(owner_column, "holder's id or name")?;
        let owned = required(owned_column, "held company's id or name")?;
        let date = |column: Option<usize>| -> Result<Option<PartialDate>, ReadError> {
            let text = cell(column);
            if text.is_empty() {
                return Ok(None);
            }
            PartialDate::parse_iso(text).map(Some).ok_or_else(|| {
                let field = header(column.expect("a non-empty cell has a column"));
                error(line, Some(&field), format!("{text:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"))
            })
        };
        let (start_date, end_date) = (date(start)?, date(end)?);
        let control_text = cell(control);
        let control_kind = if control_text.is_empty() || control_text.eq_ignore_ascii_case("no") {
            None
        } else {
            Some(ControlKind::parse(control_text).ok_or_else(|| {
                error(
                    line,
                    Some(&header(control.expect("a non-empty cell has a column"))),
                    format!("{control_text:?} is not a control: write board, other, or leave it empty"),
                )
            })?)
        };
        let percentage_text = cell(percentage);
        let stake = Stake::parse(percentage_text).ok_or_else(|| {
            error(
                line,
                Some(&header(percentage.expect("a non-empty cell has a column"))),
                format!(
                    "{percentage_text:?} is not a percentage: write 30, 30%, a band 25-50 or 50 to 75%, or leave it \
                     empty if unknown"
                ),
            )
        })?;
        let source_text = match cell(source) {
            "" => format!("{origin} line {line}"),
            given => given.to_string(),
        };
        let joint_label = Some(cell(joint)).filter(|l| !l.is_empty()).map(str::to_string);
        let edge = |kind| Edge {
            owner: owner.clone(),
            owned: owned.clone(),
            kind,
            start: start_date,
            end: end_date,
            source: source_text.clone(),
        };
        if let Some(kind) = control_kind {
            file.edges.push(edge(EdgeKind::Control(kind)));
        }
        if control_kind.is_none() || !percentage_text.is_empty() {
            file.edges.push(edge(EdgeKind::Ownership { stake, joint_arrangement: joint_label }));
        }
        for (key, column) in [(&owner, owner_name), (&owned, owned_name)] {
            let name = cell(column);
            if !name.is_empty() {
                file.names.push((key.clone(), name.to_string()));
            }
        }
    }
    Ok(file)
}

/// Reads `FollowTheMoney` entities as JSON lines: each `Ownership` entity (properties `owner`,
/// `asset`, `percentage`, `startDate`, `endDate`) becomes an edge; other entities give their
/// caption as the name of their id and their referents as other keys of it. Several
/// percentages of one entity make the interval from the least to the most.
pub fn read_ftm(input: impl BufRead, origin: &str) -> Result<EdgeFile, ReadError> {
    let mut file = EdgeFile::default();
    for (index, line) in input.lines().enumerate() {
        let line_number = index as u64 + 1;
        let error = |field: Option<&str>, message: String| ReadError {
            origin: origin.to_string(),
            line: line_number,
            field: field.map(str::to_string),
            message,
        };
        let line = line.map_err(|e| error(None, format!("cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let entity: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| error(None, format!("not a JSON object: {e}")))?;
        let text =
            |value: Option<&serde_json::Value>| value.and_then(serde_json::Value::as_str).map(str::to_string);
        let id = text(entity.get("id"))
            .ok_or_else(|| error(Some("id"), "missing: every entity has an id".into()))?;
        let properties = entity.get("properties");
        let values = |property: &str| -> Vec<String> {
            properties
                .and_then(|p| p.get(property))
                .and_then(serde_json::Value::as_array)
                .map(|values| values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        if entity.get("schema").and_then(serde_json::Value::as_str) != Some("Ownership") {
            if let Some(caption) = text(entity.get("caption")) {
                file.names.push((id.clone(), caption));
            }
            let referents = entity.get("referents").and_then(serde_json::Value::as_array);
            for referent in referents.into_iter().flatten().filter_map(serde_json::Value::as_str) {
                file.other_keys.push((id.clone(), referent.to_string()));
            }
            continue;
        }
        let one = |property: &str| -> Result<String, ReadError> {
            values(property).into_iter().next().ok_or_else(|| {
                error(Some(property), format!("missing: the Ownership entity {id} names no {property}"))
            })
        };
        let (owner, owned) = (one("owner")?, one("asset")?);
        let mut stake: Option<Stake> = None;
        for value in values("percentage") {
            let read = Stake::parse(&value)
                .filter(|_| !value.trim().is_empty())
                .ok_or_else(|| error(Some("percentage"), format!("{value:?} is not a percentage")))?;
            stake = Some(match stake {
                None => read,
                Some(so_far) => Stake::between(so_far.low.min(read.low), so_far.high.max(read.high)),
            });
        }
        let date = |property: &str| -> Result<Option<PartialDate>, ReadError> {
            match values(property).into_iter().next() {
                None => Ok(None),
                Some(value) => PartialDate::parse_iso(&value)
                    .map(Some)
                    .ok_or_else(|| error(Some(property), format!("{value:?} is not an ISO 8601 date"))),
            }
        };
        let datasets: Vec<String> = entity
            .get("datasets")
            .and_then(serde_json::Value::as_array)
            .map(|d| d.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let source = if datasets.is_empty() { id.clone() } else { format!("{id} ({})", datasets.join(", ")) };
        file.edges.push(Edge {
            owner,
            owned,
            kind: EdgeKind::Ownership {
                stake: stake.unwrap_or_else(Stake::unknown),
                joint_arrangement: None,
            },
            start: date("startDate")?,
            end: date("endDate")?,
            source,
        });
    }
    Ok(file)
}
