//! Derived designations as a list: the parties that ownership or control blocks (or flags for
//! review) under the OFAC, EU or UK rules are stored as versions of Ward's own dataset
//! [`DERIVED_DATASET`], computed from the current lists and the current ownership version.
//!
//! A derived designation that appears or disappears (a list change, an ownership change, a
//! delisting, a divestment) is then a list change like any other: the version that becomes
//! current is written with its `ward.lists.changed` outbox event, and the books' delta re-screen
//! raises alerts on the customers that match a new derived subject and closes those of one that
//! went. The records carry the topic `sanction.linked` and no designation, so an alert never
//! reads as an official list's entry.

use crate::Result;
use sha2::{Digest, Sha256};
use ward_model::{Entity, ParsedList, PartialDate, SourceFile};
use ward_ownership::derived::{derived_subjects, DERIVED_DATASET};
use ward_ownership::tie::tie_graph;
use ward_store::{ImportOutcome, ImportPolicy, Store};

/// The format name of a derived version.
const DERIVED_FORMAT: &str = "ward_ownership_derived";

/// The derived designations of the store's current lists and current ownership version on
/// `as_of` (`YYYY-MM-DD`), as records of [`DERIVED_DATASET`]; `None` when no ownership version
/// was ever stored.
pub fn derived_records(store: &Store, as_of: &str) -> Result<Option<Vec<Entity>>> {
    let Some(ownership) = store.ownership(None)? else { return Ok(None) };
    let lists = store.current_lists()?;
    let listed: Vec<Entity> = lists.entities.into_iter().filter(|e| e.dataset != DERIVED_DATASET).collect();
    let subjects = ward_lists::link::link(listed);
    let date =
        PartialDate::parse_iso(as_of).ok_or_else(|| crate::Error::BadDate { date: as_of.to_string() })?;
    let tied = tie_graph(&ownership.edges, &ownership.parties, &subjects, date);
    let mut records: Vec<Entity> =
        derived_subjects(&tied, &subjects).into_iter().flat_map(|subject| subject.records).collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Some(records))
}

/// Stores the derived designations of the current lists and ownership on `as_of` as a new
/// version of [`DERIVED_DATASET`] when they differ from the current one (an identical set is
/// [`ward_store::ImportStatus::Unchanged`]). An empty set is stored too: every derived
/// designation can go with one divestment. `None` when no ownership version was ever stored.
pub fn publish_derived(store: &Store, as_of: &str) -> Result<Option<ImportOutcome>> {
    let Some(records) = derived_records(store, as_of)? else { return Ok(None) };
    // The content's fingerprint stands for the source file's: equal sets are one version.
    // Serializing entities (strings, lists and maps of strings) cannot fail.
    let content = serde_json::to_vec(&records).unwrap_or_default();
    let mut list = ParsedList::new(DERIVED_DATASET, DERIVED_FORMAT);
    list.sources.push(SourceFile {
        name: format!("derived designations on {as_of}"),
        sha256: hex::encode(Sha256::digest(&content)),
        size: content.len() as u64,
    });
    list.entities = records;
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    Ok(Some(store.import_with(&list, &policy)?))
}
