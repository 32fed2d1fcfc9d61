//! End-to-end tests of the `ward` binary on the real list excerpts in `testdata/lists`: import,
//! versions, a broken file that must not replace good data, entity, export, match, compare, screen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> String {
    repo().join("testdata/lists").join(rel).display().to_string()
}

/// Runs `ward --data-dir DIR ARGS...` and returns its output.
fn ward(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("running ward")
}

/// Runs ward and checks its exit code and that stdout contains every `expect` string.
fn check(data_dir: &Path, args: &[&str], code: i32, expect: &[&str]) -> String {
    let out = ward(data_dir, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "ward {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    for e in expect {
        assert!(stdout.contains(e), "ward {args:?}: stdout lacks {e:?}\n{stdout}\nstderr:\n{stderr}");
    }
    stdout
}

fn import_fixtures(dir: &Path) {
    check(
        dir,
        &[
            "lists",
            "import",
            &fixture("un-sc/un_excerpt_2026-02-27.xml"),
            &fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.xlsx"),
            &fixture("us-ofac/sdn-csv-excerpt"),
        ],
        0,
        &[
            "un_sc_sanctions  (format un_xml, published 2026-02-27)",
            "gb_hmt_sanctions",
            "us_ofac_sdn",
            "new version, now current",
        ],
    );
}

#[test]
fn import_versions_and_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    // The same file again makes no version.
    check(dir.path(), &["lists", "import", &fixture("un-sc/un_excerpt_2026-02-27.xml")], 0, &["unchanged"]);
    // A truncated download is refused whole, naming the file; the last good version stays.
    let cut = dir.path().join("un_cut.xml");
    let bytes = std::fs::read(fixture("un-sc/un_excerpt_2026-02-27.xml")).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = ward(dir.path(), &["lists", "import", &cut.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("un_cut.xml")
            && stderr.contains("at byte")
            && stderr.contains("keeps its previous version"),
        "{stderr}"
    );
    let shown = check(dir.path(), &["lists", "show", "--json"], 0, &["un_sc_sanctions"]);
    let versions: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 3, "{shown}");
    // An unknown format says what was expected.
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "hello world\n").unwrap();
    let out = ward(dir.path(), &["lists", "import", &junk.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected one of"));
}

#[test]
fn entity_export_and_screening() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    check(
        dir.path(),
        &["entity", "un_sc_sanctions:CDi.004"],
        0,
        &["INNOCENT KAINA", "United Nations Security Council"],
    );
    let json = check(dir.path(), &["entity", "un_sc_sanctions:CDi.004", "--json"], 0, &[]);
    let subject: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(subject["id"], "un_sc_sanctions:CDi.004");
    check(dir.path(), &["entity", "nobody:1"], 1, &[]);

    let export = check(dir.path(), &["export", "--format", "ftm"], 0, &[]);
    let lines: Vec<serde_json::Value> = export.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 15, "{} subjects exported", lines.len());
    let kaina = lines.iter().find(|l| l["id"] == "un_sc_sanctions:CDi.004").expect("exported");
    assert_eq!(kaina["schema"], "Person");
    assert!(kaina["referents"].as_array().unwrap().iter().any(|r| r == "un_sc_sanctions:CDi.004"));

    let hits = check(dir.path(), &["match", "Innocent Kaina", "--json"], 0, &[]);
    let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
    assert_eq!(hits["results"][0]["id"], "un_sc_sanctions:CDi.004");
    assert_eq!(hits["results"][0]["match"], true);
    assert!(!hits["results"][0]["explanations"].as_array().unwrap().is_empty());

    // A batch file of yente-shaped queries, one of them broken.
    let input = dir.path().join("queries.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"q1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"KAINA, Innocent\"]}}\n{\"id\": \"q2\", \"schema\": \"Spaceship\", \"properties\": {\"name\": [\"X\"]}}\n",
    )
    .unwrap();
    let output = dir.path().join("results.jsonl");
    check(
        dir.path(),
        &["match", "--input", &input.display().to_string(), "--output", &output.display().to_string()],
        1,
        &[],
    );
    let results: Vec<serde_json::Value> =
        std::fs::read_to_string(&output).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results[0]["id"], "q1");
    assert_eq!(results[0]["results"][0]["id"], "un_sc_sanctions:CDi.004");
    assert!(results[1]["error"].as_str().unwrap().contains("unknown schema"));

    let pairs = dir.path().join("pairs.jsonl");
    std::fs::write(
        &pairs,
        "{\"query\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Innocent Kaina\"]}}, \"candidate\": {\"id\": \"x\", \"schema\": \"Person\", \"properties\": {\"name\": [\"KAINA, Innocent\"]}, \"datasets\": [\"t\"]}}\n",
    )
    .unwrap();
    let compared =
        check(dir.path(), &["compare", "--input", &pairs.display().to_string()], 0, &["\"match\":true"]);
    assert!(compared.contains("explanations"));

    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "id,full_name\nc1,Innocent Kaina\nc2,Jane Example\n").unwrap();
    let screened = check(
        dir.path(),
        &["screen", &customers.display().to_string(), "--name-column", "full_name", "--id-column", "id"],
        0,
        &["c1,Innocent Kaina,true"],
    );
    assert!(screened.contains("c2,Jane Example,false"), "{screened}");
}

/// `ward bench import --synthetic-mb`: the children read the same parties whole and streaming
/// and report their peak memory.
#[test]
fn bench_import_synthetic_reports_peak_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(
        dir.path(),
        &["bench", "import", "--synthetic-mb", "1", "--runs", "1"],
        0,
        &[
            "synthetic FtM file: 1.0 MB",
            "read streaming (read_unit_streaming)",
            "ward lists import",
            "streaming vs whole",
        ],
    );
    // The table's four rows end in their peak memory.
    let peaks: Vec<f64> = out
        .lines()
        .skip_while(|l| !l.starts_with("child process"))
        .skip(1)
        .take(4)
        .filter_map(|l| l.strip_suffix(" MB")?.split_whitespace().last()?.parse().ok())
        .collect();
    assert_eq!(peaks.len(), 4, "{out}");
    assert!(peaks.iter().all(|&mb| mb > 1.0), "{out}");
    // A reading child prints its count, and its peak memory on stderr when asked.
    let file = fixture("ftm/yente_t1_entities.ftm.json");
    for mode in ["whole", "streaming"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ward"))
            .args(["bench", "read", "--read-mode", mode, &file])
            .env("WARD_REPORT_PEAK_MEMORY", "1")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "entities: 6\n", "{mode}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let kib: u64 = stderr
            .trim()
            .strip_prefix("peak memory: ")
            .unwrap()
            .strip_suffix(" KiB")
            .unwrap()
            .parse()
            .unwrap();
        assert!(kib > 1000, "{stderr}");
    }
}
