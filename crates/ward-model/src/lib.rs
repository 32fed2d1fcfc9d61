//! Ward's data model: what a sanctions list says about a person, company, vessel or aircraft.
//!
//! The model is deliberately close to the `FollowTheMoney` (`FtM`) schema that `OpenSanctions` uses, so
//! that every record exports to `FtM` without loss, but it keeps what `FtM` flattens away and
//! screening needs: the quality of each alias (OFAC and UN "low quality" a.k.a.s), whether a name
//! is written in its original script, dates of birth with their precision, and the designation
//! (authority, programme, listing date, the list's own record id).
//!
//! This crate does no I/O and has no failure modes: parsers in `ward-lists` build [`Entity`]
//! values, the matching engine reads them.
//!
//! ```
//! use ward_model::{Entity, Schema, Name, NameKind};
//! let mut entity = Entity::new("us_ofac_sdn", "31492", Schema::Person);
//! entity.names.push(Name::new("WANG, Junzheng", NameKind::Primary));
//! assert_eq!(entity.id, "us_ofac_sdn:31492");
//! assert_eq!(entity.caption(), "WANG, Junzheng");
//! ```

mod country;
mod country_table;
mod date;
mod diff;
mod entity;
mod list;
mod name;

pub use country::{country_code, country_name, is_country_code};
pub use date::{DateSpec, PartialDate};
pub use diff::{
    diff, diff_report, AmendedRecord, Amendment, DiffReport, Field, FieldChange, ListDiff, RecordSummary,
};
pub use entity::{
    normalize_identifier, Address, Designation, Entity, Gender, IdKind, Identifier, Link, LinkKind, Schema,
    Subject,
};
pub use list::{
    dataset_info, Dataset, Diagnostic, ListCounts, ListMeta, ListVersion, ParsedList, Severity, SourceFile,
    DATASETS,
};
pub use name::{Name, NameKind, NameParts};
