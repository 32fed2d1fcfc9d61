//! `ward export --format ftm [PATH...]`: subjects as `FollowTheMoney` JSON lines on stdout, from
//! the given list files or from the store's current versions.

use crate::args::{ExportArgs, ExportFormat};
use crate::lists::parse_paths;
use anyhow::Context;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(data_dir: &Path, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let subjects = if args.paths.is_empty() {
        crate::entity::current_subjects(&crate::serve::open_store(data_dir, &args.db)?)?
    } else {
        let mut entities = Vec::new();
        for (path, result) in parse_paths(&args.paths) {
            let list = result.with_context(|| format!("reading {}", path.display()))?;
            for d in list.diagnostics.iter().filter(|d| d.severity == ward_model::Severity::Error) {
                eprintln!("{d}");
            }
            entities.extend(list.entities);
        }
        ward_lists::link::link(entities)
    };
    match args.format {
        ExportFormat::Ftm => {
            let stdout = std::io::stdout().lock();
            ward_lists::ftm::write_ftm_lines(subjects.iter(), BufWriter::new(stdout))?;
        }
    }
    eprintln!("exported {} subjects", subjects.len());
    Ok(ExitCode::SUCCESS)
}
