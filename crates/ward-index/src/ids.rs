//! The ids the index hands out and takes back. Arrays store them as `u32` (half the memory of
//! `usize` postings); the types keep a subject's position apart from a name's, and every id is
//! minted through a checked conversion, so an index that outgrows `u32` fails loudly instead of
//! wrapping.

use std::fmt;

/// Most names (and most subjects, and most distinct spellings) an index holds: ids are `u32`,
/// and a (lexeme, name) use is packed into one `u64`.
pub const MAX_NAMES: usize = u32::MAX as usize;

/// A subject: its position in the slice the caller built the index from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubjectId(u32);

impl SubjectId {
    /// The id of the subject at `position`.
    ///
    /// # Errors
    /// When `position` exceeds [`MAX_NAMES`].
    pub fn new(position: usize) -> Result<SubjectId, CapacityError> {
        mint(position, "subjects").map(SubjectId)
    }

    /// The subject's position in the caller's slice.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn raw(self) -> u32 {
        self.0
    }

    pub(crate) fn from_raw(raw: u32) -> SubjectId {
        SubjectId(raw)
    }
}

/// A name: numbered in the order [`IndexBuilder::add_name`](crate::IndexBuilder::add_name)
/// added them, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameId(u32);

impl NameId {
    /// The name's position in insertion order.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn new(position: usize) -> Result<NameId, CapacityError> {
        mint(position, "names").map(NameId)
    }

    pub(crate) fn raw(self) -> u32 {
        self.0
    }

    pub(crate) fn from_raw(raw: u32) -> NameId {
        NameId(raw)
    }
}

/// Converts a position into a stored id, or says what overflowed.
pub(crate) fn mint(position: usize, what: &'static str) -> Result<u32, CapacityError> {
    u32::try_from(position).ok().filter(|&raw| raw < u32::MAX).ok_or(CapacityError { what })
}

/// An index asked to hold more than [`MAX_NAMES`] of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityError {
    what: &'static str,
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the candidate index holds at most {MAX_NAMES} {}", self.what)
    }
}

impl std::error::Error for CapacityError {}
