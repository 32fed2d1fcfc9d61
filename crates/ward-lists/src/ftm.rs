//! FollowTheMoney JSON lines: reading OpenSanctions entity files and delta files.

use crate::{Input, Result};
use ward_model::ParsedList;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    Err(crate::Error::malformed(&input.main().name, "ftm", "not implemented yet"))
}
