//! The alert queue: alerts filtered (book, status, reason, programme, score, assignee, age), sorted, and
//! paged by keyset (the last row's sort value and id), so that a page costs the same on page 1
//! and page 2,000 of 100,000 alerts. Indexes on (status, sort column, id) serve each order.

use crate::book::text_enum;
use crate::review::alert_of;
use crate::sql::{Arg, Sql};
use crate::{Alert, AlertReason, AlertStatus, Result, UserError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The most alerts one page holds.
pub const MAX_PAGE: usize = 500;
/// The page size when none is asked for.
pub const DEFAULT_PAGE: usize = 50;

text_enum! {
    /// The order of the queue.
    QueueSort {
        /// Newest first (by creation).
        Newest = "newest",
        /// Oldest first: the longest waiting.
        Oldest = "oldest",
        /// Highest score first.
        ScoreDesc = "score-desc",
        /// Lowest score first.
        ScoreAsc = "score-asc",
    }
}

#[expect(
    clippy::derivable_impls,
    reason = "the enum's derives are fixed by `text_enum!`, so `Default` is written out"
)]
impl Default for QueueSort {
    fn default() -> QueueSort {
        QueueSort::Oldest
    }
}

/// Whose alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssigneeFilter {
    /// Nobody's yet.
    Unassigned,
    /// This person's (or key's).
    Person(String),
}

/// Which alerts, in which order, from where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueQuery {
    /// Only this book.
    pub book: Option<String>,
    /// Only with this status.
    pub status: Option<AlertStatus>,
    /// Only raised or last changed for this reason.
    pub reason: Option<AlertReason>,
    /// Only with a score at least this.
    pub min_score: Option<f64>,
    /// Only with a score at most this.
    pub max_score: Option<f64>,
    /// Only these assignees'.
    pub assignee: Option<AssigneeFilter>,
    /// Only alerts whose listed subject is designated under this programme (as the list
    /// writes it: `SDGT`, `RUSSIA-EO14024`, ...).
    pub programme: Option<String>,
    /// Only raised at or after this time (RFC 3339 or a date).
    pub created_from: Option<String>,
    /// Only raised before this time (RFC 3339, or a date: before its end).
    pub created_until: Option<String>,
    /// The order.
    pub sort: QueueSort,
    /// The page size (default [`DEFAULT_PAGE`], at most [`MAX_PAGE`]).
    pub limit: Option<usize>,
    /// The page after this cursor ([`QueuePage::next`]).
    pub after: Option<String>,
}

/// One alert in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueItem {
    /// The alert.
    pub alert: Alert,
    /// Who took it.
    pub assignee: Option<String>,
    /// The decision waiting for approval, if any.
    pub pending_decision: Option<i64>,
}

/// One page of the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuePage {
    /// The alerts.
    pub items: Vec<QueueItem>,
    /// The cursor of the next page, when there may be one.
    pub next: Option<String>,
}

/// The cursor: the last row's sort value and id.
fn cursor(sort: QueueSort, alert: &Alert) -> String {
    match sort {
        QueueSort::Newest | QueueSort::Oldest => format!("{}|{}", alert.created_at, alert.id),
        QueueSort::ScoreDesc | QueueSort::ScoreAsc => format!("{}|{}", alert.score, alert.id),
    }
}

fn bad_cursor(text: &str) -> crate::Error {
    UserError::BadCursor { cursor: text.to_string() }.into()
}

pub(crate) fn page(sql: &mut dyn Sql, query: &QueueQuery) -> Result<QueuePage> {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut add = |clause: &str, values: Vec<Arg>| {
        let mut clause = clause.to_string();
        for value in values {
            args.push(value);
            clause = clause.replacen('?', &format!("${}", args.len()), 1);
        }
        clauses.push(clause);
    };
    if let Some(book) = &query.book {
        add("book = ?", vec![book.into()]);
    }
    if let Some(status) = query.status {
        add("status = ?", vec![status.as_str().into()]);
    }
    if let Some(reason) = query.reason {
        add("reason = ?", vec![reason.as_str().into()]);
    }
    if let Some(min) = query.min_score {
        add("score >= ?", vec![min.into()]);
    }
    if let Some(max) = query.max_score {
        add("score <= ?", vec![max.into()]);
    }
    match &query.assignee {
        Some(AssigneeFilter::Unassigned) => add("assignee IS NULL", vec![]),
        Some(AssigneeFilter::Person(name)) => add("assignee = ?", vec![name.into()]),
        None => {}
    }
    if let Some(programme) = &query.programme {
        add(
            "EXISTS (SELECT 1 FROM alert_programmes p WHERE p.alert_id = alerts.id AND p.programme = ?)",
            vec![programme.into()],
        );
    }
    if let Some(from) = &query.created_from {
        add(
            "created_at >= ?",
            vec![crate::audit::format_time(crate::audit::time_bound(from, false)?).into()],
        );
    }
    if let Some(until) = &query.created_until {
        add("created_at < ?", vec![crate::audit::format_time(crate::audit::time_bound(until, true)?).into()]);
    }
    let (column, direction, comparison) = match query.sort {
        QueueSort::Newest => ("created_at", "DESC", "<"),
        QueueSort::Oldest => ("created_at", "ASC", ">"),
        QueueSort::ScoreDesc => ("score", "DESC", "<"),
        QueueSort::ScoreAsc => ("score", "ASC", ">"),
    };
    if let Some(after) = &query.after {
        let (value, id) = after.rsplit_once('|').ok_or_else(|| bad_cursor(after))?;
        let id: i64 = id.parse().map_err(|_| bad_cursor(after))?;
        let value: Arg = match query.sort {
            QueueSort::Newest | QueueSort::Oldest => value.into(),
            QueueSort::ScoreDesc | QueueSort::ScoreAsc => {
                value.parse::<f64>().map_err(|_| bad_cursor(after))?.into()
            }
        };
        add(&format!("({column}, id) {comparison} (?, ?)"), vec![value, id.into()]);
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    // One more than the page tells whether a next page exists.
    let sql_text = format!(
        "SELECT id, book, customer_id, customer_name, subject_id, referents, score, explanations, reason, status,
             close_reason, list_versions, created_at, updated_at, assignee,
             (SELECT d.id FROM decisions d WHERE d.alert_id = alerts.id AND d.status = 'pending') AS pending_decision
         FROM alerts {filter} ORDER BY {column} {direction}, id {direction} LIMIT {}",
        limit + 1
    );
    let rows = sql.query(&sql_text, &args)?;
    let mut items = Vec::with_capacity(rows.len().min(limit));
    for row in rows.iter().take(limit) {
        items.push(QueueItem {
            alert: alert_of(row, 0)?,
            assignee: row.opt_text(14)?,
            pending_decision: row.opt_int(15)?,
        });
    }
    let next =
        if rows.len() > limit { items.last().map(|item| cursor(query.sort, &item.alert)) } else { None };
    Ok(QueuePage { items, next })
}
