//! `ward entity ID`: one subject, every record and designation, for a person or as JSON.

use crate::args::EntityArgs;
use std::path::Path;
use std::process::ExitCode;
use ward_model::{NameKind, Subject};
use ward_store::Store;

/// The current subjects of the store: every current record, linked across lists.
pub(crate) fn current_subjects(store: &Store) -> anyhow::Result<Vec<Subject>> {
    Ok(ward_lists::link::link(store.current_entities()?))
}

pub(crate) fn run(data_dir: &Path, args: &EntityArgs) -> anyhow::Result<ExitCode> {
    let subjects = current_subjects(&crate::serve::open_store(data_dir, &args.db)?)?;
    let Some(subject) = subjects.iter().find(|s| s.id == args.id || s.referents().any(|r| r == args.id))
    else {
        eprintln!("no subject with id or referent {:?} in the current lists", args.id);
        return Ok(ExitCode::from(1));
    };
    if args.json {
        out!("{}", serde_json::to_string_pretty(subject)?)?;
    } else {
        print!("{}", describe(subject));
    }
    Ok(ExitCode::SUCCESS)
}

/// A subject in words, record by record.
pub(crate) fn describe(subject: &Subject) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "{} [{}] {}", subject.caption(), subject.schema().ftm_name(), subject.id);
    let _ = writeln!(out, "referents: {}", subject.referents().collect::<Vec<_>>().join(", "));
    for record in &subject.records {
        let _ = writeln!(out, "\n== {} ({})", record.id, record.schema.ftm_name());
        for kind in [NameKind::Primary, NameKind::Alias, NameKind::Previous, NameKind::Weak] {
            let names: Vec<String> =
                record
                    .names
                    .iter()
                    .filter(|n| n.kind == kind)
                    .map(|n| {
                        if n.original_script {
                            format!("{} (original script)", n.full)
                        } else {
                            n.full.clone()
                        }
                    })
                    .collect();
            if !names.is_empty() {
                let label = match kind {
                    NameKind::Primary => "name",
                    NameKind::Alias => "a.k.a.",
                    NameKind::Previous => "f.k.a.",
                    NameKind::Weak => "weak a.k.a.",
                };
                let _ = writeln!(out, "  {label:<12} {}", names.join("; "));
            }
        }
        let line = |out: &mut String, label: &str, values: Vec<String>| {
            if !values.is_empty() {
                let _ = writeln!(out, "  {label:<12} {}", values.join("; "));
            }
        };
        line(&mut out, "title", record.titles.clone());
        line(&mut out, "position", record.positions.clone());
        line(&mut out, "born", record.birth_dates.iter().map(|d| d.to_string()).collect());
        line(&mut out, "birthplace", record.birth_places.clone());
        line(&mut out, "nationality", record.nationalities.clone());
        line(&mut out, "citizenship", record.citizenships.clone());
        line(&mut out, "country", record.countries.clone());
        line(&mut out, "gender", record.gender.map(|g| g.as_str().to_string()).into_iter().collect());
        line(&mut out, "address", record.addresses.iter().map(|a| a.full.clone()).collect());
        line(
            &mut out,
            "identifier",
            record
                .identifiers
                .iter()
                .map(|i| {
                    let mut s = format!("{:?} {}", i.kind, i.value);
                    if let Some(c) = &i.country {
                        s.push_str(&format!(" ({c})"));
                    }
                    s
                })
                .collect(),
        );
        for d in &record.designations {
            let mut parts = vec![d.authority.clone()];
            if let Some(list) = &d.list {
                parts.push(list.clone());
            }
            if !d.programs.is_empty() {
                parts.push(format!("programs {}", d.programs.join(", ")));
            }
            if let Some(date) = &d.listed_on {
                parts.push(format!("listed {date}"));
            }
            if let Some(un) = &d.un_reference {
                parts.push(format!("UN ref {un}"));
            }
            let _ = writeln!(out, "  {:<12} {}", "designation", parts.join(" | "));
        }
        for l in &record.links {
            let target = l.target_name.as_deref().or(l.target_id.as_deref()).unwrap_or("?");
            let _ = writeln!(out, "  {:<12} {:?} {}", "link", l.kind, target);
        }
    }
    out
}
