//! Which queries can be screened at all. A query refused here must be answered "not screened"
//! with its reason, never as a screening without hits: an empty or letterless name matches
//! nothing, and that is not the same as a clean name.
//!
//! Every front end (the CLI's `match` and `screen`, the API's `/match` and `/search`) calls
//! [`validate_query`] before [`crate::Screener::match_query`], so they refuse the same queries
//! with the same reasons.

use crate::Query;

/// Longest name screened, in characters. Screening cost grows with name length; no real name
/// comes near this.
pub const MAX_NAME_CHARS: usize = 1000;

/// Why a query is not screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotScreenedReason {
    /// The query has no name, or a name that is blank.
    EmptyName,
    /// A name has no letter in any script (only digits, punctuation, symbols or emoji).
    NoLetters,
    /// A name is longer than [`MAX_NAME_CHARS`] characters.
    NameTooLong,
}

impl NotScreenedReason {
    /// A stable code for machines (API error objects, CLI JSON lines).
    pub fn code(self) -> &'static str {
        match self {
            NotScreenedReason::EmptyName => "empty_name",
            NotScreenedReason::NoLetters => "name_without_letters",
            NotScreenedReason::NameTooLong => "name_too_long",
        }
    }

    /// Every reason, for documentation.
    pub const ALL: [NotScreenedReason; 3] =
        [NotScreenedReason::EmptyName, NotScreenedReason::NoLetters, NotScreenedReason::NameTooLong];
}

/// A query that cannot be screened: the reason and what it concerns. Its `Display` is the
/// sentence every front end shows: "not screened: ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotScreened {
    reason: NotScreenedReason,
    /// Characters of the offending name (for [`NotScreenedReason::NameTooLong`]).
    chars: usize,
}

impl NotScreened {
    /// Why the query is not screened.
    pub fn reason(&self) -> NotScreenedReason {
        self.reason
    }
}

impl std::fmt::Display for NotScreened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not screened: ")?;
        match self.reason {
            NotScreenedReason::EmptyName => f.write_str("the name is empty or missing"),
            NotScreenedReason::NoLetters => f.write_str("the name has no letters"),
            NotScreenedReason::NameTooLong => {
                write!(f, "the name is {} characters long; at most {MAX_NAME_CHARS} are screened", self.chars)
            }
        }
    }
}

impl std::error::Error for NotScreened {}

/// Checks that every name of `query` can be screened: there is at least one, and each is not
/// blank, has a letter (in any script) and is at most [`MAX_NAME_CHARS`] characters long.
pub fn validate_query(query: &Query) -> Result<(), NotScreened> {
    let refuse = |reason, chars| Err(NotScreened { reason, chars });
    if query.names.is_empty() {
        return refuse(NotScreenedReason::EmptyName, 0);
    }
    for name in &query.names {
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return refuse(NotScreenedReason::NameTooLong, chars);
        }
        if name.trim().is_empty() {
            return refuse(NotScreenedReason::EmptyName, chars);
        }
        if !name.chars().any(char::is_alphabetic) {
            return refuse(NotScreenedReason::NoLetters, chars);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the verdict on a query of `names`: `None` when screened, else the reason.
    fn check(names: &[&str], expect: Option<NotScreenedReason>) {
        let query = Query { names: names.iter().map(|n| n.to_string()).collect(), ..Query::default() };
        let verdict = validate_query(&query);
        assert_eq!(verdict.as_ref().err().map(NotScreened::reason), expect, "{names:?}: {verdict:?}");
        if let Err(refusal) = verdict {
            assert!(refusal.to_string().starts_with("not screened: "), "{refusal}");
        }
    }

    #[test]
    fn screenable_names() {
        check(&["Vladimir Putin"], None);
        check(&["Владимир Путин"], None);
        check(&["金正恩"], None);
        check(&["محمد"], None);
        check(&["Boeing 747"], None);
        check(&[&"a".repeat(MAX_NAME_CHARS)], None);
    }

    #[test]
    fn refused_names() {
        check(&[], Some(NotScreenedReason::EmptyName));
        check(&[""], Some(NotScreenedReason::EmptyName));
        check(&["   "], Some(NotScreenedReason::EmptyName));
        check(&["Jane Doe", ""], Some(NotScreenedReason::EmptyName));
        check(&["😀🚀"], Some(NotScreenedReason::NoLetters));
        check(&["?!-. /"], Some(NotScreenedReason::NoLetters));
        check(&["12345"], Some(NotScreenedReason::NoLetters));
        check(&[&"a".repeat(MAX_NAME_CHARS + 1)], Some(NotScreenedReason::NameTooLong));
    }

    #[test]
    fn too_long_names_say_their_length() {
        let query = Query::from_name(&"x".repeat(MAX_NAME_CHARS + 5));
        let refusal = validate_query(&query).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "not screened: the name is {} characters long; at most {MAX_NAME_CHARS} are screened",
                MAX_NAME_CHARS + 5
            )
        );
    }
}
