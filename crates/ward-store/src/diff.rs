//! What changed between two stored versions of one list (`ward lists diff`,
//! `GET /lists/{dataset}/diff`).

use crate::{Result, Store, UserError};
use serde::Serialize;
use ward_model::{DiffReport, ListVersion};

/// Two versions of one list and what changed from the first to the second.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionDiff {
    /// The list.
    pub dataset: String,
    /// The older side of the comparison.
    pub from: ListVersion,
    /// The newer side of the comparison.
    pub to: ListVersion,
    /// How many records were added, removed, amended and left unchanged.
    pub counts: DiffCounts,
    /// The records added, removed and amended, with what changed.
    #[serde(flatten)]
    pub report: DiffReport,
}

/// The sizes of a [`VersionDiff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffCounts {
    /// Records only in `to`.
    pub added: usize,
    /// Records only in `from`: delisted.
    pub removed: usize,
    /// Records in both whose content differs.
    pub amended: usize,
    /// Records in both and equal.
    pub unchanged: usize,
}

impl DiffCounts {
    /// The counts of a report.
    pub fn of(report: &DiffReport) -> DiffCounts {
        DiffCounts {
            added: report.added.len(),
            removed: report.removed.len(),
            amended: report.amended.len(),
            unchanged: report.unchanged,
        }
    }
}

impl Store {
    /// Compares version `from` of `dataset` with version `to` (numbers as `ward lists show`
    /// prints them). `to` defaults to the current version, `from` to the version before `to`.
    /// A rollback version is compared by the content it makes current.
    pub fn diff(&self, dataset: &str, from: Option<i64>, to: Option<i64>) -> Result<VersionDiff> {
        let versions = self.dataset_versions(dataset)?;
        if versions.is_empty() {
            return Err(UserError::NoList { dataset: dataset.to_string() }.into());
        }
        let by_number = |number: i64| {
            versions
                .iter()
                .find(|version| version.number == number)
                .ok_or_else(|| UserError::NoVersion { dataset: dataset.to_string(), number })
        };
        let to_version = match to {
            Some(number) => by_number(number)?,
            None => versions
                .iter()
                .find(|version| version.current)
                .ok_or_else(|| UserError::NoList { dataset: dataset.to_string() })?,
        };
        let from_version = match from {
            Some(number) => by_number(number)?,
            None => versions
                .iter()
                .filter(|version| version.number < to_version.number)
                .max_by_key(|version| version.number)
                .ok_or_else(|| UserError::NoEarlierVersion {
                    dataset: dataset.to_string(),
                    number: to_version.number,
                })?,
        };
        let old = self.version_entities(from_version.id)?;
        let new = self.version_entities(to_version.id)?;
        let report = ward_model::diff_report(&old, &new);
        Ok(VersionDiff {
            dataset: dataset.to_string(),
            from: from_version.clone(),
            to: to_version.clone(),
            counts: DiffCounts::of(&report),
            report,
        })
    }
}
