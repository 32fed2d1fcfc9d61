//! Ownership and control edges as versioned data beside the lists: each `ward ownership
//! import` is one version (its edges, and its parties with the subject each was tied to),
//! written in one transaction; the newest version is the current one. Re-importing the same
//! edges and ties creates no new version.

use crate::Result;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ward_ownership::tie::PartyRecord;
use ward_ownership::Edge;

/// One stored version of ownership edges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnershipVersion {
    /// Its id, increasing with each import.
    pub id: i64,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
    /// The file it was read from, as the importer named it.
    pub origin: String,
    /// SHA-256 of its edges and parties.
    pub content_hash: String,
    /// How many edges.
    pub n_edges: u64,
    /// How many parties.
    pub n_parties: u64,
}

/// A stored version with its edges and parties.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOwnership {
    /// The version.
    pub version: OwnershipVersion,
    /// Its edges, in file order.
    pub edges: Vec<Edge>,
    /// Its parties, by key.
    pub parties: Vec<PartyRecord>,
}

/// Whether an ownership import created a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnershipImportStatus {
    /// A new version, now current.
    Current,
    /// The current version holds the same edges and ties; nothing changed.
    Unchanged,
}

/// A version about to be written: its rows as JSON text.
pub(crate) struct NewOwnership {
    pub origin: String,
    pub content_hash: String,
    pub edges: Vec<String>,
    /// (party key, party JSON).
    pub parties: Vec<(String, String)>,
}

impl NewOwnership {
    /// The rows of `edges` and `parties`, and their hash.
    pub(crate) fn new(origin: &str, edges: &[Edge], parties: &[PartyRecord]) -> Result<NewOwnership> {
        let mut hasher = Sha256::new();
        let mut edge_rows = Vec::with_capacity(edges.len());
        for edge in edges {
            let row = serde_json::to_string(edge)?;
            hasher.update(row.as_bytes());
            hasher.update(b"\n");
            edge_rows.push(row);
        }
        hasher.update(b"\n");
        let mut party_rows = Vec::with_capacity(parties.len());
        for party in parties {
            let row = serde_json::to_string(party)?;
            hasher.update(row.as_bytes());
            hasher.update(b"\n");
            party_rows.push((party.key.clone(), row));
        }
        Ok(NewOwnership {
            origin: origin.to_string(),
            content_hash: hex::encode(hasher.finalize()),
            edges: edge_rows,
            parties: party_rows,
        })
    }
}

/// Reads a version's rows back.
pub(crate) fn decode(
    version: OwnershipVersion,
    edges: &[String],
    parties: &[String],
) -> Result<StoredOwnership> {
    let edges =
        edges.iter().map(|row| serde_json::from_str(row)).collect::<serde_json::Result<Vec<Edge>>>()?;
    let parties = parties
        .iter()
        .map(|row| serde_json::from_str(row))
        .collect::<serde_json::Result<Vec<PartyRecord>>>()?;
    Ok(StoredOwnership { version, edges, parties })
}
