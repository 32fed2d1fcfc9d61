//! Mounts the review desk ([`ward_desk`]) under `/desk`, handing it the server's store,
//! snapshot and audit writer.

use crate::AppState;
use std::sync::Arc;
use ward_engine::Screener;
use ward_model::ListVersion;
use ward_store::{AuditRecord, AuditTicket, Store};

impl ward_desk::Host for AppState {
    fn store(&self) -> Arc<Store> {
        Arc::clone(&self.inner.store)
    }

    fn screener(&self) -> Arc<Screener> {
        Arc::clone(&self.snapshot().screener)
    }

    fn versions(&self) -> Vec<ListVersion> {
        self.snapshot().versions.clone()
    }

    fn audit(&self, record: AuditRecord) -> AuditTicket {
        self.inner.audit.submit(record)
    }
}

/// The desk's router over `state`.
pub(crate) fn router(state: &AppState) -> axum::Router {
    let config = ward_desk::DeskConfig { secure_cookies: state.config().desk_secure_cookies };
    ward_desk::router(Arc::new(state.clone()), config)
}
