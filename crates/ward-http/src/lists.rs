//! List changes through the API: uploads (`POST /admin/lists`) and rollbacks
//! (`POST /admin/lists/{dataset}/rollback`), each followed by the snapshot that includes it.
//!
//! An upload is streamed to a file in a private folder under the data directory and read with
//! the CLI's own reader (`ward_lists::list_units` and `read_unit_streaming`, as `ward lists
//! import FOLDER` does), so the API and the CLI recognise the same files, and memory does not
//! grow with the file. Both changes run on a store connection of their own where the store is on
//! disk or in `PostgreSQL`, so a long import does not hold up key checks on the shared one.

use crate::error::{Error, ErrorCode, Result};
use crate::AppState;
use axum::body::Body;
use http_body_util::BodyExt;
use hyper::body::Body as _;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use ward_model::{ListVersion, ParsedList};
use ward_store::{ImportOutcome, ImportPolicy, ImportStatus, Store};

/// Prefix of the private folders uploads are written to, inside the upload directory.
const UPLOAD_FOLDER_PREFIX: &str = ".ward-upload-";

/// The file name an upload gets when the request names none.
pub(crate) const DEFAULT_UPLOAD_NAME: &str = "upload";

/// What a list change did to the list version, as the answer says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// A new version, now current.
    Current,
    /// A new version kept as history: it is older than the current one.
    Historical,
    /// The same files were imported before; nothing changed.
    Unchanged,
    /// A new version that makes an earlier version's content current again.
    Restored,
}

impl From<ImportStatus> for ChangeStatus {
    fn from(status: ImportStatus) -> ChangeStatus {
        match status {
            ImportStatus::Current => ChangeStatus::Current,
            ImportStatus::Historical => ChangeStatus::Historical,
            ImportStatus::Unchanged => ChangeStatus::Unchanged,
            ImportStatus::Restored => ChangeStatus::Restored,
        }
    }
}

/// Whether screening answers from the change yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotState {
    /// The snapshot in service includes the change.
    Rebuilt,
    /// The rebuild took longer than [`crate::Config::rebuild_wait`]; it goes on (and the
    /// store poller retries it if it fails), and screening uses the change once it is done.
    Rebuilding,
    /// The current versions did not change, so neither did the snapshot.
    Unchanged,
}

/// The answer of an upload or a rollback.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListChange {
    /// The list.
    pub dataset: String,
    /// What happened to it.
    pub status: ChangeStatus,
    /// The version made (or the identical one found): its `number`, and in `restores` the number
    /// of the version whose content it makes current again.
    pub version: ListVersion,
    /// Records of the previously current version that the new current one does not hold.
    pub removed: u64,
    /// Diagnostics of the file read (0 for a rollback).
    pub diagnostics: usize,
    /// Whether screening answers from the change yet.
    pub snapshot: SnapshotState,
    /// The list versions of the snapshot in service.
    pub list_versions: Vec<i64>,
}

/// An uploaded list file, in a private folder that is removed when this is dropped.
pub(crate) struct Upload {
    folder: tempfile::TempDir,
    /// The file name the request gave, as the version's source records it.
    name: String,
    /// Bytes received.
    pub(crate) size: u64,
}

/// Longest upload file name, in bytes: the usual file-system limit on one path component.
const MAX_UPLOAD_NAME_BYTES: usize = 255;

/// The file name of an upload from the request's `name`: its last path component, which must
/// not be hidden or a Markdown file (the list reader skips those in a folder), nor hold control
/// characters or run past [`MAX_UPLOAD_NAME_BYTES`] (no file system would take it).
pub(crate) fn upload_name(requested: Option<&str>) -> Result<String> {
    let requested = requested.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(DEFAULT_UPLOAD_NAME);
    let name = Path::new(requested).file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name.is_empty()
        || name.starts_with('.')
        || name.to_ascii_lowercase().ends_with(".md")
        || name.chars().any(char::is_control)
        || name.len() > MAX_UPLOAD_NAME_BYTES
    {
        return Err(Error::new(
            ErrorCode::InvalidQuery,
            format!("parameter \"name\" {requested:?}: expected a list file name such as sdn.csv (not hidden, not .md, no control characters, at most {MAX_UPLOAD_NAME_BYTES} bytes)"),
        ));
    }
    Ok(name.to_string())
}

/// Writes `body` to `name` in a new private folder under `dir`, refusing it with 413
/// `payload_too_large` as soon as it passes `max_bytes` (declared or streamed).
pub(crate) async fn receive(body: Body, dir: &Path, name: String, max_bytes: usize) -> Result<Upload> {
    let too_large = || {
        Error::new(
            ErrorCode::PayloadTooLarge,
            format!("the list file is over the upload limit of {max_bytes} bytes; import it with `ward lists import`"),
        )
    };
    if body.size_hint().lower() > max_bytes as u64 {
        return Err(too_large());
    }
    let folder = tempfile::Builder::new()
        .prefix(UPLOAD_FOLDER_PREFIX)
        .tempdir_in(dir)
        .map_err(|e| Error::internal(format!("creating an upload folder in {}: {e}", dir.display())))?;
    let path = folder.path().join(&name);
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| Error::internal(format!("creating {}: {e}", path.display())))?;
    let mut body = body;
    let mut size: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            Error::new(ErrorCode::InvalidList, format!("the list file could not be received whole: {e}"))
        })?;
        let Ok(data) = frame.into_data() else { continue };
        size += data.len() as u64;
        if size > max_bytes as u64 {
            return Err(too_large());
        }
        file.write_all(&data)
            .await
            .map_err(|e| Error::internal(format!("writing {}: {e}", path.display())))?;
    }
    file.flush().await.map_err(|e| Error::internal(format!("writing {}: {e}", path.display())))?;
    if size == 0 {
        return Err(Error::new(ErrorCode::InvalidList, "the body is empty; send the list file as the body"));
    }
    Ok(Upload { folder, name, size })
}

impl Upload {
    /// Reads the upload as `ward lists import FOLDER` reads a folder holding it, handing each
    /// entity to `sink`; paths in sources, diagnostics and errors name the file as uploaded.
    fn read(&self, sink: &mut dyn FnMut(ward_model::Entity)) -> Result<ParsedList> {
        let folder = self.folder.path();
        let prefix = format!("{}{}", folder.display(), std::path::MAIN_SEPARATOR);
        let invalid =
            |e: ward_lists::Error| Error::new(ErrorCode::InvalidList, e.to_string().replace(&prefix, ""));
        let units = ward_lists::list_units(folder).map_err(invalid)?;
        let [unit] = units.as_slice() else {
            return Err(Error::new(ErrorCode::InvalidList, format!("{}: not a list file", self.name)));
        };
        let mut list = ward_lists::read_unit_streaming(unit, sink).map_err(invalid)?;
        for source in &mut list.sources {
            source.name = source.name.replace(&prefix, "");
        }
        for diagnostic in &mut list.diagnostics {
            diagnostic.file = diagnostic.file.replace(&prefix, "");
        }
        Ok(list)
    }
}

/// Where uploads are written: the `SQLite` store's data directory, else the system's temporary
/// directory.
pub(crate) fn upload_dir(store: &Store) -> PathBuf {
    match store.location() {
        Some(ward_store::Location::Sqlite { data_dir }) => data_dir.clone(),
        _ => std::env::temp_dir(),
    }
}

impl AppState {
    /// Runs `change` on a blocking thread; the store's pool gives it a connection of its own,
    /// so a long import does not hold up key checks and reads.
    async fn change_store<T: Send + 'static>(
        &self,
        change: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || change(&store)).await.map_err(Error::internal)?
    }

    /// Imports an upload under `policy`, then waits for the snapshot that includes it.
    pub(crate) async fn import_upload(&self, upload: Upload, policy: ImportPolicy) -> Result<ListChange> {
        let (outcome, diagnostics) = self
            .change_store(move |store| {
                let mut diagnostics = 0;
                let outcome = store.import_streaming(&policy, |sink| {
                    let list = upload.read(sink)?;
                    diagnostics = list.diagnostics.len();
                    Ok::<_, Error>(list)
                });
                match outcome {
                    Ok(outcome) => Ok((outcome, diagnostics)),
                    Err(ward_store::ImportError::Read(e)) => Err(e),
                    Err(ward_store::ImportError::Store(e)) => Err(Error::from(e)),
                }
            })
            .await?;
        Ok(self.changed(outcome, diagnostics).await)
    }

    /// Makes version `to` of `dataset` (or else the previous content) current again, then waits
    /// for the snapshot that includes it.
    pub(crate) async fn rollback(&self, dataset: String, to: Option<i64>) -> Result<ListChange> {
        let outcome = self.change_store(move |store| Ok(store.rollback(&dataset, to)?)).await?;
        Ok(self.changed(outcome, 0).await)
    }

    async fn changed(&self, outcome: ImportOutcome, diagnostics: usize) -> ListChange {
        let snapshot = match outcome.status {
            ImportStatus::Current | ImportStatus::Restored => {
                self.rescreen_books();
                self.wait_for_version(outcome.version.id).await
            }
            ImportStatus::Historical | ImportStatus::Unchanged => SnapshotState::Unchanged,
        };
        ListChange {
            dataset: outcome.version.dataset.clone(),
            status: outcome.status.into(),
            version: outcome.version,
            removed: outcome.removed,
            diagnostics,
            snapshot,
            list_versions: self.snapshot().version_ids(),
        }
    }

    /// Re-screens every monitored book against the current lists (the import that made a
    /// version current wrote its list change event), in the background: the
    /// answer does not wait for it, `GET /alerts` shows its alerts once it is done. One
    /// re-screen at a time in this process; a re-screen that finds the lists moved on since it
    /// loaded them leaves the rest to the next one.
    pub(crate) fn rescreen_books(&self) {
        static RUNNING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || {
            let _one_at_a_time = RUNNING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let monitor = ward_monitor::Monitor::new(&store, ward_monitor::MonitorConfig::default());
            let outcome = monitor.rescreen_all().map(|summaries| {
                for (book, summary) in summaries {
                    tracing::info!(
                        book = %book,
                        raised = summary.raised,
                        updated = summary.updated,
                        closed = summary.closed,
                        "Re-screened the book after a list change"
                    );
                }
            });
            if let Err(e) = outcome {
                tracing::error!(error = %e, "Re-screening the books after a list change failed");
            }
        });
    }

    /// Rebuilds the snapshot and waits up to [`crate::Config::rebuild_wait`] for one that
    /// includes version `version_id`, whoever builds it (this request or the store poller).
    async fn wait_for_version(&self, version_id: i64) -> SnapshotState {
        let state = self.clone();
        let rebuild = tokio::spawn(async move { state.reload().await });
        match tokio::time::timeout(self.config().rebuild_wait, rebuild).await {
            Ok(Ok(Ok(_))) | Err(_) => {}
            Ok(Ok(Err(e))) => {
                tracing::warn!(error = %e, "Rebuilding the snapshot after a list change failed");
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "The snapshot rebuild after a list change stopped"),
        }
        if self.snapshot().version_ids().contains(&version_id) {
            SnapshotState::Rebuilt
        } else {
            SnapshotState::Rebuilding
        }
    }
}
