//! A parsed list: its dataset, source files, entities and the diagnostics of the records that
//! could not be read whole.

use crate::Entity;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A dataset Ward knows, named as `OpenSanctions` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dataset {
    /// `OpenSanctions` dataset name, e.g. `us_ofac_sdn`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// The issuing authority.
    pub authority: &'static str,
    /// Country of the authority (alpha-2), or `zz` for international bodies.
    pub country: &'static str,
}

/// Every dataset Ward parses, in the order subjects prefer their ids from (the UN first: its
/// reference numbers are what the other lists cite).
pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "un_sc_sanctions",
        title: "UN Security Council Consolidated List",
        authority: "United Nations Security Council",
        country: "zz",
    },
    Dataset {
        name: "us_ofac_sdn",
        title: "US OFAC Specially Designated Nationals (SDN) List",
        authority: "US Treasury Office of Foreign Assets Control",
        country: "us",
    },
    Dataset {
        name: "us_ofac_cons",
        title: "US OFAC Consolidated (non-SDN) List",
        authority: "US Treasury Office of Foreign Assets Control",
        country: "us",
    },
    Dataset {
        name: "gb_hmt_sanctions",
        title: "UK HM Treasury OFSI Consolidated List",
        authority: "UK HM Treasury Office of Financial Sanctions Implementation",
        country: "gb",
    },
    Dataset {
        name: "gb_fcdo_sanctions",
        title: "UK FCDO Sanctions List",
        authority: "UK Foreign, Commonwealth and Development Office",
        country: "gb",
    },
    Dataset {
        name: "eu_fsf",
        title: "EU Financial Sanctions Files (FSF)",
        authority: "European Commission",
        country: "eu",
    },
    Dataset {
        name: "ca_dfatd_sema_sanctions",
        title: "Canadian Special Economic Measures Act Sanctions",
        authority: "Global Affairs Canada",
        country: "ca",
    },
    Dataset {
        name: "ch_seco_sanctions",
        title: "Swiss SECO Sanctions/Embargoes",
        authority: "Swiss State Secretariat for Economic Affairs (SECO)",
        country: "ch",
    },
    Dataset {
        name: "au_dfat_sanctions",
        title: "Australian DFAT Consolidated Sanctions List",
        authority: "Australian Department of Foreign Affairs and Trade",
        country: "au",
    },
    Dataset {
        name: "us_trade_csl",
        title: "US Trade Consolidated Screening List (CSL)",
        authority: "US International Trade Administration",
        country: "us",
    },
    Dataset {
        name: "opensanctions",
        title: "OpenSanctions FollowTheMoney data",
        authority: "OpenSanctions (aggregated)",
        country: "zz",
    },
];

/// Looks a dataset up by name.
pub fn dataset_info(name: &str) -> Option<&'static Dataset> {
    DATASETS.iter().find(|d| d.name == name)
}

/// One file a list version was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceFile {
    /// File name (or path) as given.
    pub name: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Facts about a list version taken from the file itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMeta {
    /// Publication or generation date the file states (ISO 8601), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The record count the file claims in its header, if any (OFAC `Record_Count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_count: Option<u64>,
    /// Whether the file is a delta (an `OpenSanctions` `entities.delta.json`, a SECO amendment)
    /// rather than a whole list: its entities are additions and changes to apply to the previous
    /// version, and [`ListMeta::removed`] names the records it deletes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delta: bool,
    /// Record ids (the list's own, as in [`crate::Entity::record_id`]) that a delta file removes
    /// (`FtM` `DEL` lines, SECO de-listings in an amendment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A value was not understood and was kept as raw text or dropped; the record is kept.
    Warning,
    /// A record could not be read and was skipped.
    Error,
}

/// What went wrong with one record (or the whole file), and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The file it was found in.
    pub file: String,
    /// The list's record id, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// Where in the file: "line 12", "row 40", "byte 1830".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A warning for `file`.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            file: file.into(),
            record: None,
            location: None,
            message: message.into(),
        }
    }

    /// An error for `file`.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, ..Diagnostic::warning(file, message) }
    }

    /// Names the record.
    pub fn record(mut self, record: impl Into<String>) -> Diagnostic {
        self.record = Some(record.into());
        self
    }

    /// Names the place in the file.
    pub fn at(mut self, location: impl Into<String>) -> Diagnostic {
        self.location = Some(location.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: {}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ", {location}")?;
        }
        if let Some(record) = &self.record {
            write!(f, ", record {record}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The result of parsing one list version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedList {
    /// Dataset name (`us_ofac_sdn`, ...).
    pub dataset: String,
    /// The format it was read as (`ofac_sdn_csv`, `un_xml`, ...).
    pub format: String,
    /// The files read.
    pub sources: Vec<SourceFile>,
    /// What the file says about itself.
    pub meta: ListMeta,
    /// One entity per list record.
    pub entities: Vec<Entity>,
    /// Records skipped or values not understood.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedList {
    /// An empty list of `dataset` read as `format`.
    pub fn new(dataset: impl Into<String>, format: impl Into<String>) -> ParsedList {
        ParsedList {
            dataset: dataset.into(),
            format: format.into(),
            sources: Vec::new(),
            meta: ListMeta::default(),
            entities: Vec::new(),
            diagnostics: Vec::new(),
        }
    }
}

/// Counts of what a list version holds, shown on import and stored with the version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListCounts {
    /// Records (entities).
    pub entities: u64,
    /// People.
    pub persons: u64,
    /// Organisations and companies (and parties of unknown kind).
    pub organizations: u64,
    /// Vessels.
    pub vessels: u64,
    /// Aircraft.
    pub aircraft: u64,
    /// Names of every kind.
    pub names: u64,
    /// Strong aliases and former names.
    pub aliases: u64,
    /// Weak ("low quality") aliases.
    pub weak_aliases: u64,
    /// Names in original (non-Latin) script.
    pub original_script_names: u64,
    /// Warnings.
    pub warnings: u64,
    /// Errors (records skipped).
    pub errors: u64,
}

impl ListCounts {
    /// Counts a parsed list.
    pub fn of(list: &ParsedList) -> ListCounts {
        let mut c = ListCounts::default();
        for e in &list.entities {
            c.add_entity(e);
        }
        c.add_diagnostics(&list.diagnostics);
        c
    }

    /// Counts one more entity and its names.
    pub fn add_entity(&mut self, e: &crate::Entity) {
        self.entities += 1;
        match e.schema.kind() {
            "person" => self.persons += 1,
            "vessel" => self.vessels += 1,
            "aircraft" => self.aircraft += 1,
            _ => self.organizations += 1,
        }
        for n in &e.names {
            self.names += 1;
            match n.kind {
                crate::NameKind::Alias | crate::NameKind::Previous => self.aliases += 1,
                crate::NameKind::Weak => self.weak_aliases += 1,
                crate::NameKind::Primary => {}
            }
            self.original_script_names += u64::from(n.original_script);
        }
    }

    /// Counts diagnostics by severity.
    pub fn add_diagnostics(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Warning => self.warnings += 1,
                Severity::Error => self.errors += 1,
            }
        }
    }
}

/// A stored version of a list: what was listed when, read from which files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListVersion {
    /// Store-assigned id, increasing with each import of any list; audit records cite it.
    pub id: i64,
    /// Dataset name.
    pub dataset: String,
    /// The version's number within its dataset: 1 for the first import of the list, then 2, ...
    /// This is the number people see and name (`ward lists rollback DATASET --to NUMBER`).
    #[serde(default)]
    pub number: i64,
    /// The number of the earlier version whose content this one makes current again (a
    /// rollback, or a re-import of files imported before); `None` for content read from files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restores: Option<i64>,
    /// Why the version exists where an operator overrode a guard or rolled back, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Format it was read as.
    pub format: String,
    /// When Ward imported it (RFC 3339, UTC).
    pub imported_at: String,
    /// The publication date the file states, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The files it was read from, with their SHA-256.
    pub sources: Vec<SourceFile>,
    /// What it holds.
    pub counts: ListCounts,
    /// Whether this is the version screening uses now.
    pub current: bool,
}
