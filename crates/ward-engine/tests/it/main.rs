//! Ward engine integration tests: one binary. `cases` runs the case table
//! (testdata/cases/names.toml) through the indexed and brute-force paths; `props` checks that
//! index recall covers brute force on perturbed real names; `corpus` loads the real-name corpus;
//! `shared` screens one compiled query in two snapshots.

mod cases;
mod corpus;
mod props;
mod shared;
