//! Test helpers: the real lists in ../shared (skipped with a printed reason where absent), the
//! excerpts in testdata/, and golden files refreshed with `UPDATE_EXPECT=1`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `../shared/data/lists` (or `$WARD_SHARED_DATA/lists`), or `None` with a printed
/// reason when the shared data is not there (a fresh clone).
pub(crate) fn shared_list(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("WARD_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/data"));
    let path = base.join("lists").join(rel);
    if path.exists() {
        Some(path)
    } else {
        // Straight to stderr, past the harness's capture, so a skip is never silent.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {} not found (the shared data is absent on a fresh clone)",
            path.display()
        );
        None
    }
}

/// Bytes of a fixture under `testdata/lists/`.
pub(crate) fn fixture(rel: &str) -> Vec<u8> {
    let path = repo_root().join("testdata/lists").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Compares `actual` with the golden file `testdata/<rel>`; with `UPDATE_EXPECT=1` writes it.
pub(crate) fn golden(rel: &str, actual: &str) {
    let path = repo_root().join("testdata").join(rel);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("golden file {}: {e} (run with UPDATE_EXPECT=1 to create it)", path.display())
    });
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!(
            "golden file {} differs (first differing line {:?}); run with UPDATE_EXPECT=1 to refresh and review the diff",
            path.display(),
            first.map(|l| l + 1)
        );
    }
}

/// A parsed list as pretty JSON, for golden files.
pub(crate) fn to_golden_json(list: &ward_model::ParsedList) -> String {
    let mut list = list.clone();
    // Source paths differ between machines; hashes and sizes do not.
    let file_name = |path: &str| Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned());
    for s in &mut list.sources {
        s.name = file_name(&s.name).unwrap_or_default();
    }
    for d in &mut list.diagnostics {
        d.file = file_name(&d.file).unwrap_or_default();
    }
    serde_json::to_string_pretty(&list).unwrap() + "\n"
}

/// Parses a fixture as `format` directly (past detection, so that mangled headers still reach the
/// reader), cut every `step` bytes and with 300 rounds of four seeded byte flips: the reader may
/// fail, never panic.
pub(crate) fn cut_and_flip_never_panics(rel: &str, format: crate::Format, step: usize, mut seed: u64) {
    let bytes = fixture(rel);
    let run = |bytes: Vec<u8>| {
        let source = crate::Source { name: "m.xml".into(), bytes };
        let _ = crate::parse_input(format, &crate::Input { files: vec![source] });
    };
    for cut in (0..bytes.len()).step_by(step) {
        run(bytes[..cut].to_vec());
    }
    for _ in 0..300 {
        let mut mutated = bytes.clone();
        for _ in 0..4 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % mutated.len();
            mutated[at] = (seed >> 13) as u8;
        }
        run(mutated);
    }
}

/// Cuts of a real CSV file made in a test (issue 9), each past its middle: in the middle itself,
/// just after a quoted field opens, after the first field of a row (with a line break), and
/// after a whole line.
pub(crate) struct CsvCuts {
    pub half: Vec<u8>,
    pub open_quote: Vec<u8>,
    pub short_row: Vec<u8>,
    pub whole_lines: Vec<u8>,
}

impl CsvCuts {
    pub fn of(bytes: &[u8]) -> CsvCuts {
        let half = bytes.len() / 2;
        let after = |from: usize, needle: &[u8]| {
            from + bytes[from..].windows(needle.len()).position(|w| w == needle).expect("a cut point")
                + needle.len()
        };
        let line_start = after(half, b"\n");
        let first_comma = after(line_start, b",") - 1;
        CsvCuts {
            half: bytes[..half].to_vec(),
            open_quote: bytes[..after(half, b",\"")].to_vec(),
            short_row: [&bytes[..first_comma], b"\n"].concat(),
            whole_lines: bytes[..line_start].to_vec(),
        }
    }
}
