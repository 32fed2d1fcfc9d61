//! Placeholder: parser for the OFAC remarks field.
