//! Placeholder for the ca_sema reader, written in its own change.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "ca_sema", "not implemented yet"))
}
