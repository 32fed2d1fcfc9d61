//! Placeholder for the ch_seco reader, written in its own change.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "ch_seco", "not implemented yet"))
}
