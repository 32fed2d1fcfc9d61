//! A book's suppressions applied to `/match` results (`?book=`): like yente's
//! `exclude_entity_ids`, but each left-out result was decided at the desk, is listed apart in the
//! answer with the decision behind it, and is recorded in the audit trail.

use crate::error::{Error, ErrorCode, Result};
use crate::response::SuppressedResult;
use crate::{dto, AppState};
use std::collections::HashMap;
use std::sync::Arc;
use ward_engine::Hit;
use ward_model::Subject;
use ward_store::{CustomerSuppression, Suppression};

/// The active suppressions of the customers a batch names, by (customer id, subject id), and
/// the day they are judged on.
pub(crate) struct BookSuppressions {
    by_pair: HashMap<(String, String), CustomerSuppression>,
    today: String,
}

impl BookSuppressions {
    /// Loads the suppressions of `customer_ids` in `book`; a book that does not exist is a 404
    /// `book_not_found`.
    pub(crate) async fn load(
        state: &AppState,
        book: &str,
        customer_ids: Vec<String>,
    ) -> Result<BookSuppressions> {
        let store = Arc::clone(state.store());
        let book_name = book.to_string();
        let loaded = tokio::task::spawn_blocking(move || {
            if store.book(&book_name)?.is_none() {
                return Ok(None);
            }
            let ids: Vec<&str> = customer_ids.iter().map(String::as_str).collect();
            store.customer_suppressions(&book_name, &ids).map(Some)
        })
        .await
        .map_err(Error::internal)?
        .map_err(Error::from)?;
        let suppressions = loaded.ok_or_else(|| {
            Error::new(
                ErrorCode::BookNotFound,
                format!("no such book: {book:?}; books are made by `ward book import`"),
            )
        })?;
        let by_pair = suppressions
            .into_iter()
            .map(|found| {
                ((found.suppression.customer_id.clone(), found.suppression.subject_id.clone()), found)
            })
            .collect();
        let today = state.config().suppressions_judged_on.clone().unwrap_or_else(ward_store::today);
        Ok(BookSuppressions { by_pair, today })
    }

    /// The suppression in force for customer `customer_id` and the subject of `hit`, if any.
    fn in_force(&self, customer_id: &str, hit: &Hit, subjects: &[Subject]) -> Option<&Suppression> {
        let found = self.by_pair.get(&(customer_id.to_string(), hit.subject_id.clone()))?;
        let records = &subjects[hit.subject].records;
        match found.suppression.lapse(&self.today, &found.customer_fingerprint, records) {
            None => Some(&found.suppression),
            Some(_) => None,
        }
    }

    /// Splits the hits of customer `customer_id` (the query's `id`; none: nothing is suppressed)
    /// into those answered and those a suppression in force leaves out.
    pub(crate) fn split(
        &self,
        customer_id: Option<&str>,
        hits: Vec<Hit>,
        subjects: &[Subject],
    ) -> (Vec<Hit>, Vec<SuppressedResult>) {
        let Some(customer_id) = customer_id else {
            return (hits, Vec::new());
        };
        let mut answered = Vec::with_capacity(hits.len());
        let mut suppressed = Vec::new();
        for hit in hits {
            match self.in_force(customer_id, &hit, subjects) {
                Some(suppression) => suppressed.push(SuppressedResult {
                    id: hit.subject_id.clone(),
                    caption: subjects[hit.subject].caption().to_string(),
                    score: dto::round(hit.score),
                    is_match: hit.is_match,
                    suppression: suppression.id,
                    decision: suppression.decision_id,
                    kind: suppression.kind,
                    expires: suppression.expires.clone(),
                }),
                None => answered.push(hit),
            }
        }
        (answered, suppressed)
    }
}
