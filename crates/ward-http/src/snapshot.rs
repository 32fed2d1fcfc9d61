//! The screening snapshot the server answers from, and how a new one is built and swapped in.
//!
//! A request loads the current `Arc<Snapshot>` once and uses it throughout, so a swap never
//! changes the lists under a request in flight: the old snapshot lives until its last request
//! drops it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;
use ward_engine::{MatchOptions, Screener};
use ward_model::{Entity, ListVersion};
use ward_ownership::derived::{Derivation, DERIVED_DATASET};
use ward_ownership::tie::{tie_graph, TiedGraph};
use ward_payments::{Geography, PaymentScreener};
use ward_store::StoredOwnership;

/// The ownership graph of a snapshot, tied to its subjects, and the derivation over it.
pub struct OwnershipState {
    /// The graph.
    pub tied: TiedGraph,
    /// The fixed point of each rule set over it.
    pub derivation: Derivation,
}

/// One immutable view of the current lists.
pub struct Snapshot {
    /// The matching engine over the linked subjects.
    pub screener: Arc<Screener>,
    /// The payment screener over the same subjects (its BIC and IMO indexes and text automaton
    /// are built with the snapshot, never per request).
    pub payments: PaymentScreener,
    /// The list versions the subjects come from, by dataset.
    pub versions: Vec<ListVersion>,
    /// Subject index by subject id and by every referent.
    by_id: HashMap<String, usize>,
    /// The ownership version whose derived designations are among the subjects, if any.
    pub ownership_version: Option<i64>,
    /// The tied ownership graph and its fixed points, which the next snapshot updates
    /// incrementally instead of computing them again.
    pub ownership: Option<Arc<OwnershipState>>,
    /// When the snapshot was built.
    pub built_at: SystemTime,
}

impl Snapshot {
    /// Links the entities into subjects and builds the screener and the payment screener with
    /// `geography`. CPU work of seconds on the full lists: call it on a blocking thread.
    pub fn build(entities: Vec<Entity>, versions: Vec<ListVersion>, geography: Geography) -> Snapshot {
        Snapshot::build_with_ownership(entities, versions, None, None, geography)
    }

    /// [`Snapshot::build`], with the parties that `ownership` makes blocked (or for review) by
    /// ownership or control today added as derived subjects
    /// ([`ward_ownership::derived::derived_subjects`]): topic `sanction.linked`, their
    /// explanation and paths in `notes`, no designation of any list. With the `previous`
    /// snapshot's ownership state, the fixed points are updated from it incrementally
    /// ([`Derivation::update`]) rather than computed again. Records of the derived dataset
    /// stored as a list version are left out: they are computed here from the current lists.
    pub fn build_with_ownership(
        entities: Vec<Entity>,
        mut versions: Vec<ListVersion>,
        ownership: Option<StoredOwnership>,
        previous: Option<&OwnershipState>,
        geography: Geography,
    ) -> Snapshot {
        versions.sort_by(|a, b| a.dataset.cmp(&b.dataset));
        let entities = entities.into_iter().filter(|e| e.dataset != DERIVED_DATASET).collect();
        let mut subjects = ward_lists::link::link(entities);
        let ownership_version = ownership.as_ref().map(|o| o.version.id);
        let mut state = None;
        if let Some(ownership) = ownership {
            let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
            let today = ward_model::PartialDate::parse_iso(&today).expect("a formatted date reads back");
            let tied = tie_graph(&ownership.edges, &ownership.parties, &subjects, today);
            let derivation = match previous {
                Some(previous) => {
                    let (derivation, changes) = previous.derivation.update(&previous.tied, &tied, &subjects);
                    tracing::info!(changes = changes.len(), "Derived designations updated incrementally");
                    derivation
                }
                None => Derivation::compute(&tied, &subjects),
            };
            subjects.extend(derivation.subjects(&tied, &subjects));
            state = Some(Arc::new(OwnershipState { tied, derivation }));
        }
        let mut by_id = HashMap::new();
        for (i, subject) in subjects.iter().enumerate() {
            by_id.insert(subject.id.clone(), i);
            for referent in subject.referents() {
                by_id.entry(referent.to_string()).or_insert(i);
            }
        }
        let screener = Arc::new(Screener::build(subjects));
        let payments = PaymentScreener::new(Arc::clone(&screener), geography, MatchOptions::default());
        Snapshot {
            screener,
            payments,
            versions,
            by_id,
            ownership_version,
            ownership: state,
            built_at: SystemTime::now(),
        }
    }

    /// The subject with this id or referent.
    pub fn subject(&self, id: &str) -> Option<&ward_model::Subject> {
        self.by_id.get(id).map(|&i| &self.screener.subjects()[i])
    }

    /// The ids of the list versions, sorted: what the audit trail records and what the poller
    /// compares with the store.
    pub fn version_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.versions.iter().map(|v| v.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Whether `dataset` names a list of this snapshot.
    pub fn has_dataset(&self, dataset: &str) -> bool {
        self.versions.iter().any(|v| v.dataset == dataset)
    }

    /// Seconds since the snapshot was built.
    pub fn age_seconds(&self) -> f64 {
        self.built_at.elapsed().map(|d| d.as_secs_f64()).unwrap_or(0.0)
    }
}
