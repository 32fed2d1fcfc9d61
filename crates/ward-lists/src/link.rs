//! Linking records of the same party across lists into subjects.
