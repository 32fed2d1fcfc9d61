//! Reading an `FtM` file in bounded memory: the facts (addresses, sanctions, positions, relations,
//! documents) are separate lines that point at the things they describe, in no particular order,
//! so the file is read more than once and only the facts are held.
//!
//! 1. Every line is read as [`super::parse`] reads it, except that things are not built: only a
//!    64-bit hash of each thing's id is kept, to find ids that may occur twice. Line-level
//!    diagnostics, the datasets and the facts come from this pass, and a broken or truncated
//!    file fails here, before any entity leaves the reader.
//! 2. Only when the file has relations or repeated id hashes: the captions of the things that
//!    relations name (a link carries its target's caption), and the last line of every id that
//!    does occur twice (a later line replaces an earlier one).
//! 3. Every thing is built, completed with its facts and handed over, in the order of the first
//!    line of its id, as [`super::parse`] orders its entities.
//!
//! What stays in memory grows with the facts and the number of things (8 bytes per id hash),
//! not with the things themselves. A delta file is read whole by [`super::parse`].

use super::{
    list_dataset, no_entity, read_line, read_thing, repeated_id, Folder, Reader, Result, Thing,
    THING_SCHEMATA,
};
use crate::streaming::Content;
use crate::Input;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use ward_model::{Diagnostic, Entity, ParsedList};

/// The ids of the thing lines seen so far, as hashes, and the hashes seen more than once.
#[derive(Default)]
pub(crate) struct ThingIds {
    seen: HashSet<u64>,
    repeated: HashSet<u64>,
}

impl ThingIds {
    pub(super) fn note(&mut self, id: &str) {
        let hash = id_hash(id);
        if !self.seen.insert(hash) {
            self.repeated.insert(hash);
        }
    }
}

fn id_hash(id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(id.as_bytes());
    hasher.finish()
}

/// The fields of a line that say whether it is a thing, read without building the rest.
#[derive(Deserialize)]
struct LineHead<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    schema: Option<Cow<'a, str>>,
    #[serde(default)]
    op: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    datasets: Option<Value>,
}

/// What the first pass needs of a thing line.
struct ThingHead {
    id: String,
    datasets: Vec<String>,
}

/// The id and datasets of a thing line (as [`Reader::line`] tells things apart), or `None`.
fn thing_head(line: &[u8]) -> Option<ThingHead> {
    if !line.starts_with(b"{") {
        return None;
    }
    let is_thing = |id: Option<&str>, schema: Option<&str>, op: bool, datasets: Option<&Value>| {
        let id = id.map(str::trim).unwrap_or_default();
        let schema = schema.unwrap_or_default();
        (!op && !id.is_empty() && THING_SCHEMATA.contains(&schema))
            .then(|| ThingHead { id: id.to_string(), datasets: super::strings(datasets) })
    };
    match serde_json::from_slice::<LineHead>(line) {
        Ok(head) => {
            is_thing(head.id.as_deref(), head.schema.as_deref(), head.op.is_some(), head.datasets.as_ref())
        }
        // Repeated keys and other oddities: read the line as the whole-file reader does.
        Err(_) => match serde_json::from_slice::<Value>(line).ok()? {
            Value::Object(object) => is_thing(
                object.get("id").and_then(Value::as_str),
                object.get("schema").and_then(Value::as_str),
                object.contains_key("op"),
                object.get("datasets"),
            ),
            _ => None,
        },
    }
}

/// The id of a thing line, or `None`.
fn thing_id(line: &[u8]) -> Option<String> {
    thing_head(line).map(|head| head.id)
}

/// Builds the thing of a line that [`thing_id`] found to be one.
fn thing_of(line: &[u8], id: &str, file: &str, line_no: usize, diagnostics: &mut Vec<Diagnostic>) -> Thing {
    let object = match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    };
    let schema = object.get("schema").and_then(Value::as_str).unwrap_or_default();
    let datasets = super::strings(object.get("datasets"));
    let empty = Map::new();
    let props = object.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    read_thing(id, schema, &object, props, datasets, file, &format!("line {line_no}"), diagnostics)
}

/// An id that occurs on more than one thing line: how often, and its last line.
struct Repeat {
    count: usize,
    last_line: Vec<u8>,
    last_line_no: usize,
}

/// Merges two lists of diagnostics ordered by line number, keeping each list's order.
fn merge_by_line(a: Vec<(usize, Diagnostic)>, b: Vec<(usize, Diagnostic)>) -> Vec<Diagnostic> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for (line_no, diagnostic) in a {
        while let Some((_, next)) = b.next_if(|(other, _)| *other < line_no) {
            merged.push(next);
        }
        merged.push(diagnostic);
    }
    merged.extend(b.map(|(_, d)| d));
    merged
}

/// Reads an `FtM` file, handing each thing to `sink` once it is complete; see the module
/// documentation for the passes. The list's entities stay empty, except for a delta file.
pub(crate) fn read_streaming(content: &Content, sink: &mut dyn FnMut(Entity)) -> Result<ParsedList> {
    let file = content.name();

    // Pass 1: facts, datasets, line diagnostics and the hashes of thing ids.
    let mut reader = Reader { thing_ids: Some(ThingIds::default()), ..Reader::default() };
    let mut line_diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
    let mut non_empty = 0usize;
    content.for_each_line(|line, line_no, last| {
        non_empty += 1;
        // A thing line is only noted here: its properties are not needed before the last pass.
        match thing_head(line) {
            Some(head) => reader.note_thing(&head.id, head.datasets),
            None => read_line(&mut reader, line, line_no, last, file)?,
        }
        line_diagnostics.extend(reader.diagnostics.drain(..).map(|d| (line_no, d)));
        Ok(())
    })?;
    if reader.lines_read == 0 {
        return Err(no_entity(file, non_empty));
    }
    if reader.delta {
        let mut bytes = Vec::new();
        content.open()?.read_to_end(&mut bytes).map_err(|e| content.read_error(e))?;
        return super::parse(&Input { files: vec![crate::Source { name: file.to_string(), bytes }] });
    }
    let thing_ids = reader.thing_ids.take().unwrap_or_default();
    let folder = Folder::new(&reader.facts, list_dataset(&reader.datasets), file);

    // Pass 2: captions of relation parties, last lines of repeated ids.
    let parties: HashSet<&str> =
        reader.facts.relations.iter().flat_map(|r| r.a.iter().chain(&r.b)).map(String::as_str).collect();
    let mut captions: HashMap<String, String> = HashMap::new();
    let mut repeats: HashMap<String, Repeat> = HashMap::new();
    if !parties.is_empty() || !thing_ids.repeated.is_empty() {
        content.for_each_line(|line, line_no, _| {
            let Some(id) = thing_id(line) else {
                return Ok(());
            };
            if parties.contains(id.as_str()) {
                let mut thing = thing_of(line, &id, file, line_no, &mut Vec::new());
                // A thing without a name is captioned by its id, which `Folder::name` sets.
                thing.entity.id = folder.referent(&id);
                captions.insert(id.clone(), thing.entity.caption().to_string());
            }
            if thing_ids.repeated.contains(&id_hash(&id)) {
                let repeat =
                    repeats.entry(id).or_insert(Repeat { count: 0, last_line: Vec::new(), last_line_no: 0 });
                repeat.count += 1;
                repeat.last_line = line.to_vec();
                repeat.last_line_no = line_no;
            }
            Ok(())
        })?;
        repeats.retain(|_, repeat| repeat.count > 1);
    }
    drop(thing_ids);

    // Pass 3: the things, completed and handed over.
    let caption_of = |ftm_id: &str| captions.get(ftm_id).cloned();
    let mut thing_diagnostics: Vec<(usize, Diagnostic)> = Vec::new();
    let mut late = Vec::new();
    let mut handed_over: HashSet<String> = HashSet::new();
    let mut hand_over = |thing: Thing, late: &mut Vec<Diagnostic>| {
        let Thing { mut entity, address_refs, datasets } = thing;
        let ftm_id = entity.record_id.clone();
        folder.name(&mut entity, &datasets, &address_refs, late);
        folder.fold(&ftm_id, &mut entity, &datasets, &caption_of);
        sink(entity);
    };
    content.for_each_line(|line, line_no, _| {
        let Some(id) = thing_id(line) else {
            return Ok(());
        };
        let mut diagnostics = Vec::new();
        let thing = thing_of(line, &id, file, line_no, &mut diagnostics);
        match repeats.get(&id) {
            None => hand_over(thing, &mut late),
            // The first line of a repeated id: the entity is its last line's, in this place.
            Some(repeat) if handed_over.insert(id.clone()) => {
                let last = thing_of(&repeat.last_line, &id, file, repeat.last_line_no, &mut Vec::new());
                hand_over(last, &mut late);
            }
            Some(_) => diagnostics.push(repeated_id(file, &id, &format!("line {line_no}"))),
        }
        thing_diagnostics.extend(diagnostics.into_iter().map(|d| (line_no, d)));
        Ok(())
    })?;

    let mut list = ParsedList::new(folder.dataset.clone(), crate::Format::FtmJson.name());
    list.diagnostics = merge_by_line(line_diagnostics, thing_diagnostics);
    list.diagnostics.append(&mut late);
    Ok(list)
}
