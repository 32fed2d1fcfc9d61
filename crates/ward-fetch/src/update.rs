//! One update round: each source fetched, read whole and imported through the store's guarded
//! import (the reader and [`ImportPolicy`] of `ward lists import`), its outcome recorded in the
//! store. A failing source never stops the others.

use crate::http::{Failure, Fetched, Fetcher, Request, Validators};
use crate::source::{Source, TOKEN_PLACEHOLDER};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ward_model::ParsedList;
use ward_store::{FetchAttempt, FetchResult, ImportError, ImportPolicy, ImportStatus, Store};

/// Prefix of the private folders downloads are written to.
const DOWNLOAD_FOLDER_PREFIX: &str = ".ward-fetch-";

/// How an update round imports what it downloads.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// The guard every new version passes (`allow_shrink` is `--force`).
    pub policy: ImportPolicy,
    /// Where downloads are written while they are read (a private folder each, removed after).
    pub work_dir: PathBuf,
}

/// Why a source is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unchanged {
    /// The publisher answered 304 Not Modified to the validators of the last accepted download.
    NotModified,
    /// The file downloaded is one imported before: version `number` holds it.
    SameContent {
        /// The version holding these files.
        number: i64,
    },
}

/// What an update did to one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new version is current.
    Updated {
        /// The dataset.
        dataset: String,
        /// The version's id in the store.
        version_id: i64,
        /// Its number.
        number: i64,
        /// Its records.
        records: u64,
        /// Records of the previous current version it no longer holds.
        removed: u64,
        /// The version whose content it makes current again (files of an earlier version
        /// downloaded again).
        restores: Option<i64>,
        /// The note stored with it (an override of the shrink guard).
        note: Option<String>,
    },
    /// Nothing new.
    Unchanged(Unchanged),
    /// The file is older than the current version (by its publication date): stored as history,
    /// the current version stays.
    History {
        /// The version it was stored as.
        number: i64,
    },
    /// Nothing was stored; the current version stays.
    Failed {
        /// Why, in words.
        reason: String,
    },
    /// Not tried.
    Skipped {
        /// Why, in words.
        reason: String,
    },
}

/// An outcome's kind, as metrics label it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    /// [`Outcome::Updated`].
    Updated,
    /// [`Outcome::Unchanged`].
    Unchanged,
    /// [`Outcome::History`].
    History,
    /// [`Outcome::Failed`].
    Failed,
    /// [`Outcome::Skipped`].
    Skipped,
}

impl OutcomeKind {
    /// Every kind, in a stable order.
    pub const ALL: [OutcomeKind; 5] = [
        OutcomeKind::Updated,
        OutcomeKind::Unchanged,
        OutcomeKind::History,
        OutcomeKind::Failed,
        OutcomeKind::Skipped,
    ];

    /// The kind's name, which also starts the outcome's line.
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Updated => "updated",
            OutcomeKind::Unchanged => "unchanged",
            OutcomeKind::History => "history",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Skipped => "skipped",
        }
    }

    /// The kind of an outcome line as the store records it (its first word).
    pub fn of_line(line: &str) -> Option<OutcomeKind> {
        let word = line.split([' ', ':']).next().unwrap_or_default();
        OutcomeKind::ALL.into_iter().find(|kind| kind.name() == word)
    }
}

impl Outcome {
    /// The outcome's kind.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Updated { .. } => OutcomeKind::Updated,
            Outcome::Unchanged(_) => OutcomeKind::Unchanged,
            Outcome::History { .. } => OutcomeKind::History,
            Outcome::Failed { .. } => OutcomeKind::Failed,
            Outcome::Skipped { .. } => OutcomeKind::Skipped,
        }
    }

    /// Whether the source failed (the exit status of `ward lists update` is 1 when one did).
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Updated { number, records, removed, restores, note, .. } => {
                write!(f, "updated to version {number} ({records} records, {removed} removed")?;
                if let Some(restores) = restores {
                    write!(f, "; the content of version {restores}")?;
                }
                if let Some(note) = note {
                    write!(f, "; {note}")?;
                }
                f.write_str(")")
            }
            Outcome::Unchanged(Unchanged::NotModified) => f.write_str("unchanged (304 Not Modified)"),
            Outcome::Unchanged(Unchanged::SameContent { number }) => {
                write!(f, "unchanged (same content as version {number})")
            }
            Outcome::History { number } => write!(
                f,
                "history: stored as version {number}, older than the current version, which stays current"
            ),
            Outcome::Failed { reason } => write!(f, "failed: {reason}"),
            Outcome::Skipped { reason } => write!(f, "skipped: {reason}"),
        }
    }
}

/// One source's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The source's name.
    pub source: String,
    /// The dataset it publishes, where known.
    pub dataset: Option<String>,
    /// What happened.
    pub outcome: Outcome,
}

/// `source: outcome`, the line `ward lists update` prints.
impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.outcome)
    }
}

/// Updates sources: fetcher, sources and options together, shared by the CLI and the server's
/// timer.
#[derive(Debug, Clone)]
pub struct Updater {
    fetcher: Fetcher,
    sources: Vec<Source>,
    options: UpdateOptions,
}

impl Updater {
    /// An updater of `sources`.
    pub fn new(fetcher: Fetcher, sources: Vec<Source>, options: UpdateOptions) -> Updater {
        Updater { fetcher, sources, options }
    }

    /// The sources it updates.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Updates every source in turn, each on its own: one failing never stops the others.
    pub async fn run(&self, store: &Arc<Store>) -> Vec<SourceReport> {
        let mut reports = Vec::with_capacity(self.sources.len());
        for source in &self.sources {
            reports.push(self.update(store, source).await);
        }
        reports
    }

    /// Updates one source and records the attempt in the store.
    pub async fn update(&self, store: &Arc<Store>, source: &Source) -> SourceReport {
        let (outcome, validators) = self.attempt(store, source).await;
        let result = match (&outcome, validators) {
            (Outcome::Failed { reason }, _) => FetchResult::Failure { error: reason.clone() },
            (Outcome::Skipped { .. }, _) => FetchResult::Skipped,
            (_, validators) => {
                let validators = validators.unwrap_or_default();
                FetchResult::Success { etag: validators.etag, last_modified: validators.last_modified }
            }
        };
        let attempt = FetchAttempt {
            source: source.name.clone(),
            url: source.url.clone(),
            outcome: outcome.to_string(),
            result,
        };
        let recorded = blocking(store, move |store| store.record_fetch(&attempt)).await;
        let outcome = match recorded {
            Ok(()) => outcome,
            Err(error) => Outcome::Failed {
                reason: format!("{outcome}, but recording it in the store failed: {error}"),
            },
        };
        let report = SourceReport { source: source.name.clone(), dataset: source.dataset.clone(), outcome };
        match report.outcome.kind() {
            OutcomeKind::Failed => {
                tracing::warn!(source = %report.source, outcome = %report.outcome, "List update failed");
            }
            _ => tracing::info!(source = %report.source, outcome = %report.outcome, "List update"),
        }
        report
    }

    /// Fetches and imports one source: the outcome, and on success the validators to keep.
    async fn attempt(&self, store: &Arc<Store>, source: &Source) -> (Outcome, Option<Validators>) {
        let failed = |reason: String| (Outcome::Failed { reason }, None);
        let token = match &source.token_env {
            Some(variable) => match std::env::var(variable) {
                Ok(token) if !token.trim().is_empty() => Some(token.trim().to_string()),
                _ => {
                    let reason = format!("no token: set {variable} to fetch {}", source.url);
                    return (Outcome::Skipped { reason }, None);
                }
            },
            None => None,
        };
        let resolved = match &token {
            Some(token) => source.url.replace(TOKEN_PLACEHOLDER, token),
            None => source.url.clone(),
        };
        let url = match reqwest::Url::parse(&resolved) {
            Ok(url) => url,
            Err(e) => return failed(format!("url {:?}: {e}", source.url)),
        };
        let name = source.name.clone();
        let previous = match blocking(store, move |store| store.fetch_state(&name)).await {
            Ok(state) => state,
            Err(e) => return failed(format!("reading the fetch state: {e}")),
        };
        // Validators belong to the URL they came from.
        let kept = previous
            .filter(|state| state.url == source.url)
            .map(|state| Validators { etag: state.etag, last_modified: state.last_modified })
            .unwrap_or_default();
        let folder = match tempfile::Builder::new()
            .prefix(DOWNLOAD_FOLDER_PREFIX)
            .tempdir_in(&self.options.work_dir)
        {
            Ok(folder) => folder,
            Err(e) => {
                return failed(format!(
                    "creating a download folder in {}: {e}",
                    self.options.work_dir.display()
                ))
            }
        };
        let path = folder.path().join(&source.file);
        let request = Request { url, secret: token.as_deref(), validators: &kept };
        let fetched = self.fetcher.fetch(&request, &path).await;
        let validators = match fetched {
            Ok(Fetched::NotModified { validators }) => {
                return (Outcome::Unchanged(Unchanged::NotModified), Some(kept.updated_by(&validators)))
            }
            Ok(Fetched::Downloaded { validators, .. }) => validators,
            Err(Failure { error, attempts }) => return failed(Failure { error, attempts }.to_string()),
        };
        let policy = self.options.policy.clone();
        let source_for_read = source.clone();
        let imported = blocking(store, move |store| {
            let outcome =
                store.import_streaming(&policy, |sink| read(&source_for_read, folder.path(), &path, sink));
            drop(folder);
            match outcome {
                Ok(outcome) => Ok(outcome),
                Err(ImportError::Read(reason)) => {
                    Err(format!("{reason}; not imported, the current version stays"))
                }
                Err(ImportError::Store(error)) if error.is_user_error() => Err(error.to_string()),
                Err(ImportError::Store(error)) => Err(format!("storing the list: {error}")),
            }
        })
        .await;
        let outcome = match imported {
            Ok(outcome) => outcome,
            Err(reason) => return failed(reason),
        };
        let version = &outcome.version;
        let result = match outcome.status {
            ImportStatus::Current | ImportStatus::Restored => Outcome::Updated {
                dataset: version.dataset.clone(),
                version_id: version.id,
                number: version.number,
                records: version.counts.entities,
                removed: outcome.removed,
                restores: version.restores,
                note: version.note.clone().filter(|_| outcome.status == ImportStatus::Current),
            },
            ImportStatus::Unchanged => Outcome::Unchanged(Unchanged::SameContent { number: version.number }),
            ImportStatus::Historical => Outcome::History { number: version.number },
        };
        (result, Some(validators))
    }
}

/// Reads a download as `ward lists import FILE` reads it, handing each entity to `sink`: the
/// whole file or an error (a truncated or wrong file), never part of a list. The version's
/// source names the URL (without token); diagnostics name the file.
fn read(
    source: &Source,
    folder: &Path,
    path: &Path,
    sink: &mut dyn FnMut(ward_model::Entity),
) -> Result<ParsedList, String> {
    let prefix = format!("{}{}", folder.display(), std::path::MAIN_SEPARATOR);
    let from_url = |text: String| text.replace(&prefix, "");
    let mut list = ward_lists::read_unit_streaming(path, sink)
        .map_err(|e| format!("{} from {}: {}", source.file, source.url, from_url(e.to_string())))?;
    if let Some(expected) = &source.dataset {
        if list.dataset != *expected {
            return Err(format!(
                "{} holds the list {:?}, not {expected:?}: the URL serves another list",
                source.url, list.dataset
            ));
        }
    }
    for file in &mut list.sources {
        file.name = source.url.clone();
    }
    for diagnostic in &mut list.diagnostics {
        diagnostic.file = from_url(std::mem::take(&mut diagnostic.file));
    }
    Ok(list)
}

/// Runs a store call on a blocking thread; its error (or the thread's end) in words.
async fn blocking<T: Send + 'static, E: fmt::Display>(
    store: &Arc<Store>,
    call: impl FnOnce(&Store) -> Result<T, E> + Send + 'static,
) -> Result<T, String> {
    let store = Arc::clone(store);
    let joined = tokio::task::spawn_blocking(move || call(&store).map_err(|e| e.to_string())).await;
    joined.unwrap_or_else(|join| Err(format!("the store call stopped: {join}")))
}
