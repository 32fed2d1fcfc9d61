//! `ward lists diff`: what changed between two versions of a list.

use crate::args::DiffArgs;
use std::path::Path;
use std::process::ExitCode;
use ward_model::{FieldChange, ListVersion};
use ward_store::VersionDiff;

/// The longest item (a remark, a reason) the text output prints whole; `--json` gives all.
const MAX_ITEM_CHARS: usize = 120;

pub(crate) fn run(data_dir: &Path, args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let diff = match store.diff(&args.dataset, args.from, args.to) {
        Ok(diff) => diff,
        Err(err) if err.is_user_error() => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err.into()),
    };
    if args.json {
        out!("{}", serde_json::to_string_pretty(&diff)?)?;
    } else {
        for line in text_lines(&diff) {
            out!("{line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The text output: a heading, the summary line, then one line per added (`+`), removed (`-`)
/// and amended (`~`) record with its caption and, for an amendment, what changed in each field.
pub(crate) fn text_lines(diff: &VersionDiff) -> Vec<String> {
    let version = |version: &ListVersion| {
        let published = version.published.as_deref().unwrap_or("unknown");
        match version.restores {
            Some(restored) => format!(
                "version {} (published {published}, the content of version {restored})",
                version.number
            ),
            None => format!("version {} (published {published})", version.number),
        }
    };
    let mut lines = vec![
        format!("{}: {} -> {}", diff.dataset, version(&diff.from), version(&diff.to)),
        summary_line(&diff.counts),
    ];
    for record in &diff.report.added {
        lines.push(format!("+ {}  {} ({})", record.id, record.caption, record.schema));
    }
    for record in &diff.report.removed {
        lines.push(format!("- {}  {} ({})", record.id, record.caption, record.schema));
    }
    for record in &diff.report.amended {
        let changes: Vec<String> = record.changes.iter().map(change_text).collect();
        lines.push(format!("~ {}  {}  {}", record.id, record.caption, changes.join("; ")));
    }
    lines
}

/// `N added, M removed, K amended, U unchanged`.
pub(crate) fn summary_line(counts: &ward_store::DiffCounts) -> String {
    format!(
        "{} added, {} removed, {} amended, {} unchanged",
        counts.added, counts.removed, counts.amended, counts.unchanged
    )
}

/// One field's change: `names: -"OLD" +"NEW"`, or the bare field name where the change is in
/// details no item shows.
fn change_text(change: &FieldChange) -> String {
    let items: Vec<String> = change
        .removed
        .iter()
        .map(|item| format!("-{:?}", shortened(item)))
        .chain(change.added.iter().map(|item| format!("+{:?}", shortened(item))))
        .collect();
    if items.is_empty() {
        change.field.as_str().to_string()
    } else {
        format!("{}: {}", change.field.as_str(), items.join(" "))
    }
}

fn shortened(item: &str) -> String {
    if item.chars().count() <= MAX_ITEM_CHARS {
        item.to_string()
    } else {
        let kept: String = item.chars().take(MAX_ITEM_CHARS).collect();
        format!("{kept}...")
    }
}
