//! The OFAC readers: the SDN and consolidated lists as CSV sets, as classic sdnList XML and as
//! enhanced XML, and the remarks and facts all three formats share.

pub(crate) mod csv;
pub(crate) mod enhanced;
pub(crate) mod remarks;
pub(crate) mod sdn_xml;
