//! Placeholder for the uk_ofsi reader, written in its own change.

use crate::{Format, Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(_format: Format, input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "uk_ofsi", "not implemented yet"))
}
