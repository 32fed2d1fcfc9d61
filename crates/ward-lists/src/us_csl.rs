//! Placeholder for the us_csl reader, written in its own change.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "us_csl", "not implemented yet"))
}
