//! Ward engine integration tests: one binary. `cases` runs the case table
//! (testdata/cases/names.toml) through the indexed and brute-force paths; `props` checks that
//! index recall covers brute force on perturbed real names; `corpus` loads the real-name corpus.

mod cases;
mod corpus;
mod props;
