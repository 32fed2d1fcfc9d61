//! Ward's list updates: each official list fetched from its publisher and made current only
//! through the store's guarded import, the same reader and [`ward_store::ImportPolicy`] as
//! `ward lists import`.
//!
//! [`SourceTable`] holds the sources (the built-in table of the publishers' URLs, or it as an
//! operator's TOML or JSON file changes it); [`Fetcher`] downloads one URL (conditional GET,
//! timeouts, https-only redirects, a size limit, retries with backoff); [`Updater`] runs a
//! round over the sources and gives one [`SourceReport`] per source. The validators and the
//! outcome of each attempt are kept in the store ([`ward_store::Store::record_fetch`]).
//!
//! ```no_run
//! # async fn update(store: std::sync::Arc<ward_store::Store>) -> Result<(), Box<dyn std::error::Error>> {
//! let table = ward_fetch::SourceTable::builtin();
//! let fetcher = ward_fetch::Fetcher::new(table.fetch.clone())?;
//! let options = ward_fetch::UpdateOptions {
//!     policy: ward_store::ImportPolicy::default(),
//!     work_dir: std::env::temp_dir(),
//! };
//! let updater = ward_fetch::Updater::new(fetcher, table.select(&[])?, options);
//! for report in updater.run(&store).await {
//!     println!("{report}");
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod error;
mod http;
mod source;
mod update;

pub use error::{ConfigError, FetchError};
pub use http::{
    Failure, FetchConfig, Fetched, Fetcher, Request, Validators, DEFAULT_BACKOFF, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_READ_TIMEOUT, DEFAULT_RETRIES, DEFAULT_TOTAL_TIMEOUT,
    MAX_BACKOFF,
};
pub use source::{Source, SourceTable, TOKEN_PLACEHOLDER};
pub use update::{Outcome, OutcomeKind, SourceReport, Unchanged, UpdateOptions, Updater};
