//! `ward audit`: the audit trail of screening requests, newest first.

use crate::args::AuditArgs;
use crate::serve::open_store;
use std::path::Path;
use std::process::ExitCode;
use ward_store::AuditFilter;

pub(crate) fn run(data_dir: &Path, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(data_dir, &args.db)?;
    let filter = AuditFilter {
        name: args.name.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        key_id: args.key.clone(),
        request_id: None,
        matched_only: args.matched,
        limit: Some(args.limit),
    };
    let records = store.audit(&filter)?;
    for record in &records {
        if args.json {
            println!("{}", serde_json::to_string(record)?);
        } else {
            println!(
                "{}  {}  {:<28} key {:<12} {} top {:.2}  names: {}  lists {:?}",
                record.time,
                record.request_id,
                record.source,
                record.key_id.as_deref().unwrap_or("-"),
                if record.matched { "MATCH   " } else { "no match" },
                record.top_score,
                record.query_names.join("; "),
                record.list_versions,
            );
        }
    }
    if records.is_empty() && !args.json {
        eprintln!("no audit records match");
    }
    Ok(ExitCode::SUCCESS)
}
