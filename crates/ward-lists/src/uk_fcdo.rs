//! Placeholder for the uk_fcdo reader, written in its own change.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "uk_fcdo", "not implemented yet"))
}
