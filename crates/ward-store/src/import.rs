//! Imports and rollbacks: what decides whether a new list version is stored, whether it becomes
//! current, and whether it may replace the current one. Written once for both backends, over
//! the operations of one transaction ([`ImportTx`]).
//!
//! An import has two phases. First the entities are staged, as the reader produces them, in a
//! table private to the connection (a temporary table): memory stays bounded whatever the size
//! of the list, and the database's write lock is not held while a large file is parsed. Then one
//! transaction decides: unchanged files store nothing; a delta is applied to the current version;
//! a version that would become current is checked by the [`ImportPolicy`] (no empty list, no
//! loss of more than a set share of the current version's records unless the operator allows
//! it); only then is the version written, whole, or not at all.

use crate::{Error, ImportStatus, Result, UserError};
use ward_model::{Entity, ListCounts, ParsedList};

/// The share of the current version's records a new version may remove before the import is
/// refused (unless the operator allows it): publishers delist a few records at a time, while a
/// truncated download loses many.
pub const DEFAULT_MAX_SHRINK: f64 = 0.10;

/// How many of the records a refused import would remove its error names.
const REMOVED_EXAMPLES: usize = 5;

/// Rows staged per batch: large enough to amortize statements, small enough that memory does not
/// grow with the list.
pub(crate) const STAGE_BATCH: usize = 1000;

/// What an import may do to the current version of its list.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPolicy {
    /// The largest share (0 to 1) of the current version's records that a new current version
    /// may remove.
    pub max_shrink: f64,
    /// `max_shrink` for particular lists: (dataset, share).
    pub max_shrink_by_dataset: Vec<(String, f64)>,
    /// Whether a version that removes more than `max_shrink`, or holds no records, may become
    /// current anyway (the operator says the publisher really removed them). Recorded in the
    /// version's note.
    pub allow_shrink: bool,
}

impl Default for ImportPolicy {
    fn default() -> ImportPolicy {
        ImportPolicy {
            max_shrink: DEFAULT_MAX_SHRINK,
            max_shrink_by_dataset: Vec::new(),
            allow_shrink: false,
        }
    }
}

impl ImportPolicy {
    /// The largest share of `dataset`'s current records a new version may remove.
    pub fn max_shrink_for(&self, dataset: &str) -> f64 {
        self.max_shrink_by_dataset
            .iter()
            .rev()
            .find(|(d, _)| d == dataset)
            .map_or(self.max_shrink, |(_, s)| *s)
    }
}

/// An import failed while the list was read, or in the store.
#[derive(Debug, thiserror::Error)]
pub enum ImportError<E> {
    /// The reader failed (a broken or truncated file): nothing was stored.
    #[error(transparent)]
    Read(E),
    /// The store refused the version or failed: nothing was stored.
    #[error(transparent)]
    Store(#[from] Error),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The version (new, or the existing identical one).
    pub version: ward_model::ListVersion,
    /// What happened.
    pub status: ImportStatus,
    /// Records of the previously current version that the new current version no longer
    /// holds (0 unless it became current).
    pub removed: u64,
    /// How many records the previously current version held, if there was one.
    pub previous_records: Option<u64>,
}

/// One staged entity, serialized.
pub(crate) struct StagedRow {
    pub record_id: String,
    pub schema: &'static str,
    pub caption: String,
    pub data: String,
}

impl StagedRow {
    pub(crate) fn of(entity: &Entity) -> Result<StagedRow> {
        Ok(StagedRow {
            record_id: entity.record_id.clone(),
            schema: entity.schema.ftm_name(),
            caption: entity.caption().to_string(),
            data: serde_json::to_string(entity)?,
        })
    }
}

/// A stored version as the deciding transaction sees it.
#[derive(Debug, Clone)]
pub(crate) struct VersionRef {
    pub id: i64,
    pub number: i64,
    /// The version whose entities this one holds (itself unless it restores another).
    pub content_id: i64,
    pub published: Option<String>,
    pub entities: u64,
}

/// The new version's row.
pub(crate) struct VersionRow<'a> {
    pub dataset: &'a str,
    pub number: i64,
    pub format: &'a str,
    pub imported_at: &'a str,
    pub published: Option<&'a str>,
    pub sources: String,
    pub counts: String,
    pub diagnostics: String,
    pub content_hash: &'a str,
    pub note: Option<&'a str>,
    pub current: bool,
}

/// Whose records a new version would hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Content {
    /// The staged rows.
    Staged,
    /// A stored version's entities.
    Version(i64),
}

/// The operations of one deciding transaction. Dropped without [`ImportTx::commit`], it rolls
/// back.
pub(crate) trait ImportTx {
    /// Serializes imports of one dataset (`PostgreSQL` replicas; `SQLite`'s write lock does it).
    fn lock_dataset(&mut self, dataset: &str) -> Result<()>;
    fn count_staged(&mut self) -> Result<u64>;
    fn current(&mut self, dataset: &str) -> Result<Option<VersionRef>>;
    /// The newest version of `dataset` read from files with this content hash.
    fn with_hash(&mut self, dataset: &str, hash: &str) -> Result<Option<VersionRef>>;
    fn by_number(&mut self, dataset: &str, number: i64) -> Result<Option<VersionRef>>;
    /// The newest version of `dataset` before `before_id` whose content differs from `content_id`.
    fn previous_content(
        &mut self,
        dataset: &str,
        before_id: i64,
        content_id: i64,
    ) -> Result<Option<VersionRef>>;
    fn next_number(&mut self, dataset: &str) -> Result<i64>;
    /// The records of version `from` (a content id) that `to` does not hold: how many, and the
    /// first few as "record id (caption)".
    fn removed(&mut self, from: i64, to: Content, examples: usize) -> Result<(u64, Vec<String>)>;
    /// Adds the records of version `content_id` to the staged rows, except those already staged
    /// (a delta's new statements win) and those in `except` (a delta's deletions).
    fn stage_base(&mut self, content_id: i64, except: &[String]) -> Result<()>;
    /// Every staged entity, for counting.
    fn for_each_staged(&mut self, each: &mut dyn FnMut(Entity)) -> Result<()>;
    fn insert_version(&mut self, row: &VersionRow<'_>) -> Result<i64>;
    /// A new current version of the same dataset holding version `content_id`'s content, with
    /// `from`'s metadata (format, publication, sources, counts, diagnostics, hash).
    fn insert_restoring(
        &mut self,
        from: i64,
        content_id: i64,
        number: i64,
        imported_at: &str,
        note: &str,
    ) -> Result<i64>;
    fn copy_staged(&mut self, version_id: i64) -> Result<()>;
    /// A version as stored, read in this transaction (so also one it inserted).
    fn version(&mut self, id: i64) -> Result<ward_model::ListVersion>;
    /// Writes one event to the outbox in this transaction.
    fn insert_outbox(&mut self, event: &crate::OutboxEvent) -> Result<()>;
    fn clear_current(&mut self, dataset: &str) -> Result<()>;
    fn commit(self: Box<Self>) -> Result<()>;
}

/// What the deciding transaction did.
pub(crate) struct Decision {
    pub version_id: i64,
    pub status: ImportStatus,
    pub removed: u64,
    pub previous_records: Option<u64>,
}

/// What phase one learned about the staged rows.
pub(crate) struct Staged {
    /// Counts of the entities as they were handed over; a record id handed over twice counts
    /// twice (the last statement is kept), so the counts are then taken again from the rows.
    pub counts: ListCounts,
}

/// Whether a version published on `new` becomes current over one published on `current`:
/// unless the current one states a later publication.
fn becomes_current(current: Option<&VersionRef>, new: Option<&str>) -> bool {
    match (current.and_then(|c| c.published.as_deref()), new) {
        (Some(current), Some(new)) => new >= current,
        _ => true,
    }
}

/// A fingerprint of a version's content: the hashes of its source files, in order.
pub(crate) fn content_hash(list: &ParsedList) -> String {
    list.sources.iter().map(|s| s.sha256.as_str()).collect::<Vec<_>>().join("+")
}

/// Refuses a version that would become current if it breaks the policy.
fn guard(
    tx: &mut dyn ImportTx,
    dataset: &str,
    current: Option<&VersionRef>,
    new: Content,
    new_records: u64,
    policy: &ImportPolicy,
) -> Result<(u64, Option<String>)> {
    let (removed, examples) = match current {
        Some(current) => tx.removed(current.content_id, new, REMOVED_EXAMPLES)?,
        None => (0, Vec::new()),
    };
    if new_records == 0 {
        if !policy.allow_shrink {
            return Err(Error::from(UserError::EmptyList {
                dataset: dataset.to_string(),
                current: current.map(|c| (c.number, c.entities)),
            }));
        }
        return Ok((
            removed,
            Some(format!("imported with allow_shrink: holds no records, removes {removed}")),
        ));
    }
    let Some(current) = current else { return Ok((0, None)) };
    let max_shrink = policy.max_shrink_for(dataset);
    let limit = (max_shrink * current.entities as f64).floor() as u64;
    if removed <= limit {
        return Ok((removed, None));
    }
    if !policy.allow_shrink {
        return Err(Error::from(UserError::Shrink {
            dataset: dataset.to_string(),
            number: current.number,
            current_records: current.entities,
            new_records,
            removed,
            max_shrink,
            examples,
        }));
    }
    let note = format!(
        "imported with allow_shrink: removes {removed} of the {} records of version {} (limit {:.0}%)",
        current.entities,
        current.number,
        max_shrink * 100.0
    );
    Ok((removed, Some(note)))
}

/// Decides and writes an import whose entities are staged.
pub(crate) fn decide(
    tx: &mut dyn ImportTx,
    list: &ParsedList,
    staged: &Staged,
    policy: &ImportPolicy,
    imported_at: &str,
) -> Result<Decision> {
    let dataset = list.dataset.as_str();
    tx.lock_dataset(dataset)?;
    let current = tx.current(dataset)?;
    let previous_records = current.as_ref().map(|c| c.entities);
    let hash = content_hash(list);
    if !list.sources.is_empty() {
        if let Some(existing) = tx.with_hash(dataset, &hash)? {
            let is_current = current.as_ref().is_some_and(|c| c.content_id == existing.content_id);
            if is_current || !becomes_current(current.as_ref(), existing.published.as_deref()) {
                return Ok(Decision {
                    version_id: existing.id,
                    status: ImportStatus::Unchanged,
                    removed: 0,
                    previous_records,
                });
            }
            // The files of an earlier version, imported again after another became current (a
            // bad file, say): their version becomes current again, guarded like any other.
            let (removed, forced) = guard(
                tx,
                dataset,
                current.as_ref(),
                Content::Version(existing.content_id),
                existing.entities,
                policy,
            )?;
            let number = tx.next_number(dataset)?;
            let mut note = format!("files of version {} imported again", existing.number);
            if let Some(forced) = forced {
                note = format!("{note}; {forced}");
            }
            tx.clear_current(dataset)?;
            let id = tx.insert_restoring(existing.id, existing.content_id, number, imported_at, &note)?;
            return Ok(Decision {
                version_id: id,
                status: ImportStatus::Restored,
                removed,
                previous_records,
            });
        }
    }
    let mut counts = staged.counts.clone();
    if list.meta.delta {
        if let Some(current) = &current {
            tx.stage_base(current.content_id, &list.meta.removed)?;
        }
    }
    let repeated_ids = tx.count_staged()? != staged.counts.entities;
    if list.meta.delta || repeated_ids {
        counts = ListCounts::default();
        tx.for_each_staged(&mut |entity| counts.add_entity(&entity))?;
    }
    counts.add_diagnostics(&list.diagnostics);
    let becomes = becomes_current(current.as_ref(), list.meta.published.as_deref());
    let (removed, note) = if becomes {
        guard(tx, dataset, current.as_ref(), Content::Staged, counts.entities, policy)?
    } else {
        (0, None)
    };
    if becomes {
        tx.clear_current(dataset)?;
    }
    let number = tx.next_number(dataset)?;
    let id = tx.insert_version(&VersionRow {
        dataset,
        number,
        format: &list.format,
        imported_at,
        published: list.meta.published.as_deref(),
        sources: serde_json::to_string(&list.sources)?,
        counts: serde_json::to_string(&counts)?,
        diagnostics: serde_json::to_string(&list.diagnostics)?,
        content_hash: &hash,
        note: note.as_deref(),
        current: becomes,
    })?;
    tx.copy_staged(id)?;
    let status = if becomes { ImportStatus::Current } else { ImportStatus::Historical };
    Ok(Decision { version_id: id, status, removed, previous_records })
}

/// Makes an earlier version's content current again as a new version.
pub(crate) fn rollback(
    tx: &mut dyn ImportTx,
    dataset: &str,
    to: Option<i64>,
    imported_at: &str,
) -> Result<Decision> {
    tx.lock_dataset(dataset)?;
    let current = tx
        .current(dataset)?
        .ok_or_else(|| Error::from(UserError::NoList { dataset: dataset.to_string() }))?;
    let target = match to {
        Some(number) => tx
            .by_number(dataset, number)?
            .ok_or_else(|| Error::from(UserError::NoVersion { dataset: dataset.to_string(), number }))?,
        None => tx
            .previous_content(dataset, current.id, current.content_id)?
            .ok_or_else(|| Error::from(UserError::NothingToRollBack { dataset: dataset.to_string() }))?,
    };
    if target.content_id == current.content_id {
        return Err(UserError::AlreadyCurrent { dataset: dataset.to_string(), number: target.number }.into());
    }
    let (removed, _) = tx.removed(current.content_id, Content::Version(target.content_id), 0)?;
    let number = tx.next_number(dataset)?;
    let note = format!("rollback to version {} (version {} was current)", target.number, current.number);
    tx.clear_current(dataset)?;
    let id = tx.insert_restoring(target.id, target.content_id, number, imported_at, &note)?;
    Ok(Decision {
        version_id: id,
        status: ImportStatus::Restored,
        removed,
        previous_records: Some(current.entities),
    })
}
