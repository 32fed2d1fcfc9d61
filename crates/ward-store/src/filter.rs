//! A SQL `WHERE` clause built from optional filters, with numbered parameters in the backend's
//! own spelling (`?1` for `SQLite`, `$1` for `PostgreSQL`), shared by both backends' audit queries.

/// Clauses joined by `AND`, and the parameters they bind, in order.
pub(crate) struct Where<P> {
    clauses: Vec<String>,
    pub(crate) args: Vec<P>,
    /// How the backend numbers parameters: `?` or `$`.
    marker: char,
}

impl<P> Where<P> {
    /// An empty clause for a backend numbering its parameters `{marker}1`, `{marker}2`, ...
    pub(crate) fn new(marker: char) -> Where<P> {
        Where { clauses: Vec::new(), args: Vec::new(), marker }
    }

    /// Adds a clause; a `?` in it stands for `arg`, which gets the next parameter number.
    pub(crate) fn add(&mut self, clause: &str, arg: Option<P>) {
        match arg {
            Some(arg) => {
                self.args.push(arg);
                self.clauses.push(clause.replace('?', &format!("{}{}", self.marker, self.args.len())));
            }
            None => self.clauses.push(clause.to_string()),
        }
    }

    /// `WHERE a AND b`, or nothing when no clause was added.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}
