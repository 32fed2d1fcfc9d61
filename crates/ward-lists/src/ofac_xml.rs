//! Placeholder for the ofac_xml reader, written in its own change.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "ofac_xml", "not implemented yet"))
}
