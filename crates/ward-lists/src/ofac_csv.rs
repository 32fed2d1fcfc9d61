//! Placeholder for the ofac_csv reader, written in its own change.

use crate::{Format, Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(_format: Format, input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "ofac_csv", "not implemented yet"))
}
