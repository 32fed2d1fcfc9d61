//! Ward's monitored customer books: customers kept in the store and re-screened whenever they
//! or the lists change, with the alerts that screening raises, updates and closes.
//!
//! - [`Monitor::import_book`] inserts or updates customers by id (and with `replace` removes
//!   the others), then screens the new and changed ones.
//! - [`Monitor::rescreen`] brings a book up to the current lists: the records added, amended
//!   and removed since the versions the book was last screened against ([`ward_model::diff`])
//!   decide the listed subjects a change affects; every customer is matched against an index
//!   of those subjects alone, and only those pairs are scored.
//!   Delisted subjects close their open alerts. A book never screened, or screened with other
//!   engine settings, gets a full re-screen instead ([`Monitor::rescreen_full`]), resumable
//!   customer chunk by customer chunk.
//!
//! Every pair is scored in one direction (customer as the query, listed subject as the
//! candidate) with the engine's embedded rarity table, so that a pair's score depends on the
//! pair alone: scoring only the pairs a change touches then gives the alerts a full re-screen
//! gives. Candidate generation is the engine's index: of the lists for a full re-screen, of
//! the affected subjects for a delta one (its bounds drop only names that cannot reach the
//! threshold, whichever subjects it holds).
//!
//! ```
//! use ward_monitor::{Lists, Monitor, MonitorConfig};
//! let store = ward_store::Store::open_in_memory().unwrap();
//! let monitor = Monitor::new(&store, MonitorConfig::default());
//! let lists = Lists::load(&store).unwrap();
//! let customer = ward_store::Customer { id: "c1".into(), name: "Jane Doe".into(), ..Default::default() };
//! let summary = monitor.import_book("retail", vec![customer], false, &lists).unwrap();
//! assert_eq!((summary.inserted, summary.changes.raised), (1, 0));
//! ```

mod derived;
mod screen;

pub use derived::{derived_records, publish_derived};
pub use screen::{Lists, Summary};

use std::collections::{BTreeMap, HashSet};
use ward_store::{AlertReason, Book, CloseReason, Customer, Store};

/// What can go wrong in monitoring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] ward_store::Error),
    /// A book name that is empty or blank.
    #[error("a book needs a name (--book NAME)")]
    NoBookName,
    /// No book of this name.
    #[error(
        "there is no book {name:?}: import customers into it first (`ward book import FILE --book {name}`)"
    )]
    NoBook {
        /// The name given.
        name: String,
    },
    /// A day that is not `YYYY-MM-DD`.
    #[error("{date:?} is not a date (YYYY-MM-DD)")]
    BadDate {
        /// The text given.
        date: String,
    },
    /// One customer id twice in one import.
    #[error("customer id {id:?} appears more than once in the file; each customer needs its own id")]
    DuplicateCustomer {
        /// The repeated id.
        id: String,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Engine settings that decide which pairs alert. A book screened under other settings is
/// re-screened in full.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonitorConfig {
    /// The score from which a pair raises an alert.
    pub threshold: f32,
    /// Customers screened and committed together in a full re-screen: the step a resumed
    /// re-screen repeats at most.
    pub chunk: usize,
}

/// Customers per committed step of a full re-screen.
pub const DEFAULT_CHUNK: usize = 2_000;

/// The version of the rules by which pairs are scored and alerts kept; part of the engine tag
/// stored with a book, so that a Ward with other rules re-screens it in full.
const RULES_VERSION: u32 = 1;

impl Default for MonitorConfig {
    fn default() -> MonitorConfig {
        MonitorConfig { threshold: ward_engine::DEFAULT_THRESHOLD, chunk: DEFAULT_CHUNK }
    }
}

impl MonitorConfig {
    /// The engine settings as stored with a book.
    pub fn engine_tag(&self) -> String {
        format!("rules={RULES_VERSION} rarity=embedded threshold={:.4}", self.threshold)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Customers new to the book.
    pub inserted: usize,
    /// Customers whose data changed.
    pub updated: usize,
    /// Customers as before.
    pub unchanged: usize,
    /// Customers removed (`replace`).
    pub removed: usize,
    /// Customers that cannot be screened (no usable name), with the reason: stored, but
    /// never reported as clear.
    pub not_screened: Vec<(String, String)>,
    /// The alert changes: screening the new and changed customers, closing the alerts of
    /// removed ones, and any catching up with the lists first.
    pub changes: Summary,
}

/// Monitors the books of one store.
pub struct Monitor<'s> {
    store: &'s Store,
    config: MonitorConfig,
    /// The day suppressions are judged on (`YYYY-MM-DD`); `None`: today, in UTC.
    today: Option<String>,
}

impl<'s> Monitor<'s> {
    /// A monitor over `store` with `config`.
    pub fn new(store: &'s Store, config: MonitorConfig) -> Monitor<'s> {
        Monitor { store, config, today: None }
    }

    /// Judges good-guy suppressions as on `date` (`YYYY-MM-DD`) instead of today: for tests
    /// and for replaying a day.
    pub fn with_today(mut self, date: &str) -> Monitor<'s> {
        self.today = Some(date.to_string());
        self
    }

    /// The day suppressions are judged on.
    pub fn today(&self) -> String {
        self.today.clone().unwrap_or_else(ward_store::today)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.store
    }

    /// The settings.
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// Inserts or updates `customers` by id in `book` (created if missing); with `replace`,
    /// removes the customers not among them and closes their open alerts. The book is first
    /// brought up to `lists` if it lags, then the new and changed customers are screened.
    pub fn import_book(
        &self,
        book: &str,
        customers: Vec<Customer>,
        replace: bool,
        lists: &Lists,
    ) -> Result<ImportSummary> {
        if book.trim().is_empty() {
            return Err(Error::NoBookName);
        }
        let mut in_file: HashSet<String> = HashSet::with_capacity(customers.len());
        for customer in &customers {
            if !in_file.insert(customer.id.clone()) {
                return Err(Error::DuplicateCustomer { id: customer.id.clone() });
            }
        }
        self.store.create_book(book)?;
        let mut summary = ImportSummary { changes: self.rescreen(book, lists)?, ..ImportSummary::default() };
        let existing: BTreeMap<String, String> = self
            .store
            .customers(book)?
            .into_iter()
            .map(|stored| (stored.customer.id, stored.fingerprint))
            .collect();
        let mut written = Vec::new();
        let mut screen: Vec<(Customer, AlertReason)> = Vec::new();
        for customer in customers {
            match existing.get(&customer.id) {
                None => {
                    summary.inserted += 1;
                    screen.push((customer.clone(), AlertReason::NewCustomer));
                    written.push(customer);
                }
                Some(fingerprint) if *fingerprint != customer.fingerprint() => {
                    summary.updated += 1;
                    screen.push((customer.clone(), AlertReason::CustomerChanged));
                    written.push(customer);
                }
                Some(_) => summary.unchanged += 1,
            }
        }
        let removed: Vec<String> = if replace {
            existing.keys().filter(|id| !in_file.contains(*id)).cloned().collect()
        } else {
            Vec::new()
        };
        summary.removed = removed.len();
        self.store.write_customers(book, &written, &removed)?;
        let state = self.book(book)?;
        let (changes, not_screened) = screen::customers(self, &state, lists, &screen, &removed)?;
        summary.not_screened = not_screened;
        summary.changes.add(&changes);
        Ok(summary)
    }

    /// Brings `book` up to `lists`: the delta re-screen from the versions it was last screened
    /// against, or a full re-screen when it was never screened, was screened under other
    /// engine settings, or has a full re-screen under way.
    pub fn rescreen(&self, book: &str, lists: &Lists) -> Result<Summary> {
        retry_stale(|| self.rescreen_once(book, lists))
    }

    fn rescreen_once(&self, book: &str, lists: &Lists) -> Result<Summary> {
        let state = self.book(book)?;
        let mut summary = screen::expire(self, &state, lists)?;
        if state.engine.as_deref() != Some(self.config.engine_tag().as_str()) || state.full_progress.is_some()
        {
            summary.add(&screen::full(self, &state, lists)?);
        } else {
            summary.add(&screen::delta(self, &state, lists)?);
        }
        Ok(summary)
    }

    /// Brings every book up to the current lists, one after the other, loading the lists only
    /// when there is a book. The derived designations of the current lists and ownership are
    /// stored first ([`publish_derived`], as of [`Monitor::today`]), so that those that appeared
    /// or went raise or close alerts with the rest. The summaries, by book name.
    pub fn rescreen_all(&self) -> Result<Vec<(String, Summary)>> {
        publish_derived(self.store, &self.today())?;
        let books = self.store.books()?;
        if books.is_empty() {
            return Ok(Vec::new());
        }
        let lists = Lists::load(self.store)?;
        let mut summaries = Vec::with_capacity(books.len());
        for book in books {
            let summary = self.rescreen(&book.name, &lists)?;
            summaries.push((book.name, summary));
        }
        Ok(summaries)
    }

    /// Re-screens every customer of `book` against `lists`, in chunks of customers each
    /// committed with the progress made, so that an interrupted re-screen resumes where it
    /// stopped (when the lists are still the same).
    pub fn rescreen_full(&self, book: &str, lists: &Lists) -> Result<Summary> {
        retry_stale(|| self.rescreen_full_once(book, lists))
    }

    fn rescreen_full_once(&self, book: &str, lists: &Lists) -> Result<Summary> {
        let state = self.book(book)?;
        let mut summary = screen::expire(self, &state, lists)?;
        summary.add(&screen::full(self, &state, lists)?);
        Ok(summary)
    }

    fn book(&self, name: &str) -> Result<Book> {
        self.store.book(name)?.ok_or_else(|| Error::NoBook { name: name.to_string() })
    }
}

/// How often a re-screen starts again after the store refused a step that would have written
/// over an alert changed since it was read (a decision taking effect meanwhile).
const STALE_ATTEMPTS: usize = 3;

/// Runs a re-screen again, from a fresh read, while the store refuses a step as stale
/// ([`ward_store::UserErrorKind::AlertChanged`]). A refused step commits nothing and leaves the
/// book's state where it was, and a full re-screen resumes from its last committed chunk, so a
/// re-screen may start again.
fn retry_stale(mut run: impl FnMut() -> Result<Summary>) -> Result<Summary> {
    let mut attempt = 1;
    loop {
        match run() {
            Err(Error::Store(ward_store::Error::User(e)))
                if e.kind() == ward_store::UserErrorKind::AlertChanged && attempt < STALE_ATTEMPTS =>
            {
                tracing::info!(attempt, error = %e, "Re-screening again from a fresh read");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Why an open alert of a pair that no longer matches is closed.
fn close_reason(subject_listed: bool) -> CloseReason {
    if subject_listed {
        CloseReason::NoLongerMatches
    } else {
        CloseReason::Delisted
    }
}
