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
    assert_eq!(results[1]["status"], "not screened");

    let pairs = dir.path().join("pairs.jsonl");
    std::fs::write(
        &pairs,
        "{\"query\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Innocent Kaina\"]}}, \"candidate\": {\"id\": \"x\", \"schema\": \"Person\", \"properties\": {\"name\": [\"KAINA, Innocent\"]}, \"datasets\": [\"t\"]}}\n",
    )
    .unwrap();
    let compared =
        check(dir.path(), &["compare", "--input", &pairs.display().to_string()], 0, &["\"match\":true"]);
    assert!(compared.contains("explanations"));
    assert!(compared.contains("\"candidate_id\":\"x\"") && !compared.contains("query_id"), "{compared}");

    // Neither side needs an id; each one given is echoed.
    let unnamed = dir.path().join("unnamed.jsonl");
    std::fs::write(
        &unnamed,
        "{\"query\": {\"id\": \"q1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Innocent Kaina\"]}}, \"candidate\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"KAINA, Innocent\"]}, \"datasets\": [\"t\"]}}\n",
    )
    .unwrap();
    let compared = check(
        dir.path(),
        &["compare", "--input", &unnamed.display().to_string()],
        0,
        &["\"match\":true", "\"query_id\":\"q1\""],
    );
    assert!(!compared.contains("candidate_id"), "{compared}");

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

/// Runs `ward screen FILE ARGS...` on `content` and checks the exit code, that the output holds
/// one row per data row plus the header, and that it contains every `expect` string.
fn check_screen(dir: &Path, content: &[u8], args: &[&str], code: i32, expect: &[&str]) -> (String, String) {
    let customers = dir.join("customers.csv");
    std::fs::write(&customers, content).unwrap();
    let customers = customers.display().to_string();
    let mut all = vec!["screen", customers.as_str()];
    all.extend(args);
    let out = ward(dir, &all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "ward {all:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    for e in expect {
        assert!(stdout.contains(e), "ward {all:?}: stdout lacks {e:?}\n{stdout}\nstderr:\n{stderr}");
    }
    (stdout, stderr)
}

#[test]
fn screen_answers_every_row() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    let columns = ["--name-column", "full_name", "--id-column", "id"];
    // A row with an unbalanced quote is refused alone; the rows after it are still screened.
    let ragged = "id,full_name\nc1,Innocent Kaina\nc2,\"Kaina, Innocent\nc3,Jane Example\nc4,😀\nc5,\nc6,=HYPERLINK(\"http://x\")\nc7,Innocent Kaina,extra\n";
    let (stdout, stderr) = check_screen(
        dir.path(),
        ragged.as_bytes(),
        &columns,
        1,
        &[
            "2,c1,Innocent Kaina,true",
            "3,,,,,,,,,line 3: a quoted field does not end on its line",
            "4,c3,Jane Example,false",
            "5,c4,😀,,,,,,,line 5: not screened: the name has no letters",
            "6,c5,,,,,,,,line 6: not screened: the name is empty or missing",
            "7,c6,\"'=HYPERLINK(\"\"http://x\"\")\",false",
            "8,c7,Innocent Kaina,,,,,,,line 8: the row has 3 fields where the header has 2",
        ],
    );
    assert_eq!(stdout.lines().count(), 8, "{stdout}");
    assert!(
        stderr.contains("7 rows: 3 screened, 1 with a match at threshold 0.73, 4 not screened"),
        "{stderr}"
    );

    // The same as JSON lines: a status on every line, a reason and no results where not screened.
    let (stdout, _) =
        check_screen(dir.path(), ragged.as_bytes(), &[&columns[..], &["--format", "jsonl"]].concat(), 1, &[]);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["status"], "screened");
    assert_eq!(lines[1]["row"], 3);
    assert_eq!(lines[1]["reason"], "malformed_row");
    assert_eq!(lines[3]["reason"], "name_without_letters");
    assert_eq!(lines[4]["reason"], "empty_name");
    assert!(lines[3].get("results").is_none());

    // Latin-1 with semicolons, as spreadsheet programs export it; read as UTF-8 the row is
    // refused, not screened with a mangled name.
    let latin1 = b"id;full_name\nc1;Jos\xe9 Kaina\n";
    let semicolons = [&columns[..], &["--delimiter", ";"]].concat();
    check_screen(
        dir.path(),
        latin1,
        &[&semicolons[..], &["--encoding", "latin1"]].concat(),
        0,
        &["2,c1,José Kaina,"],
    );
    check_screen(dir.path(), latin1, &semicolons, 1, &["line 2: not valid utf-8"]);

    // A UTF-8 byte-order mark does not become part of the first column's name.
    check_screen(
        dir.path(),
        b"\xEF\xBB\xBFid,full_name\r\nc1,Innocent Kaina\r\n",
        &columns,
        0,
        &["2,c1,Innocent Kaina,true"],
    );
}

#[test]
fn match_refuses_names_it_cannot_screen() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    for (name, reason) in
        [("", "empty_name"), ("😀🚀", "name_without_letters"), (&"x".repeat(1001), "name_too_long")]
    {
        let answer = check(dir.path(), &["match", name, "--json"], 1, &["\"status\": \"not screened\""]);
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["reason"], reason, "{answer}");
        assert!(answer.get("results").is_none());
        let out = ward(dir.path(), &["match", name]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not screened: "));
    }

    // A batch file with a byte-order mark: each line answered on its own, by line number.
    let person =
        |name: &str| format!("{{\"schema\": \"Person\", \"properties\": {{\"name\": [\"{name}\"]}}}}\n");
    let mut content = b"\xEF\xBB\xBF".to_vec();
    for name in ["Innocent Kaina", "😀", "", &"x".repeat(1001)] {
        content.extend(person(name).into_bytes());
    }
    content.extend(b"\n{\"schema\": \"Person\", \"properties\": {\"name\": [\"Jos\xe9\"]}}\n");
    let input = dir.path().join("queries.jsonl");
    std::fs::write(&input, content).unwrap();
    let output = dir.path().join("results.jsonl");
    let out = ward(
        dir.path(),
        &["match", "--input", &input.display().to_string(), "--output", &output.display().to_string()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 screened, 1 with a match, 4 not screened"), "{stderr}");
    let results: Vec<serde_json::Value> =
        std::fs::read_to_string(&output).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(u64, &str, &str)> = results
        .iter()
        .map(|r| {
            (r["line"].as_u64().unwrap(), r["status"].as_str().unwrap(), r["reason"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "screened", ""),
            (2, "not screened", "name_without_letters"),
            (3, "not screened", "empty_name"),
            (4, "not screened", "name_too_long"),
            (6, "not screened", "invalid_query"),
        ]
    );
    assert_eq!(results[0]["results"][0]["id"], "un_sc_sanctions:CDi.004");
    assert!(results[4]["error"].as_str().unwrap().contains("line 6: not valid UTF-8"), "{}", results[4]);
}

#[test]
fn read_only_commands_need_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    for args in [
        &["match", "Jane"][..],
        &["screen", "x.csv", "--name-column", "n"],
        &["entity", "x:1"],
        &["export"],
        &["audit"],
        &["lists", "show"],
    ] {
        let out = ward(&missing, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("no Ward store in") && stderr.contains("run `ward lists import` first"),
            "{args:?}: {stderr}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}

#[test]
fn cli_screenings_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    let audit = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = check(dir.path(), &[&["audit", "--json"], args].concat(), 0, &[]);
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    assert!(audit(&[]).is_empty());

    check_screen(
        dir.path(),
        "id,full_name\nc1,Innocent Kaina\nc2,😀\n".as_bytes(),
        &["--name-column", "full_name", "--id-column", "id"],
        1,
        &[],
    );
    let records = audit(&[]);
    assert_eq!(records.len(), 2, "{records:?}");
    let kaina = records.iter().find(|r| r["query_names"][0] == "Innocent Kaina").expect("audited");
    assert_eq!(kaina["source"], "cli:screen");
    assert_eq!(kaina["matched"], true);
    assert!(kaina["top_score"].as_f64().unwrap() > 0.7);
    assert_eq!(kaina["list_versions"].as_array().unwrap().len(), 3, "{kaina}");
    assert_eq!(kaina["results"][0]["id"], "un_sc_sanctions:CDi.004");
    assert_eq!(kaina["query"]["row"], 2);
    let emoji = records.iter().find(|r| r["query_names"][0] == "😀").expect("audited");
    assert_eq!(emoji["results"]["error"], "name_without_letters");
    assert_eq!(emoji["matched"], false);

    check(dir.path(), &["match", "Jane Example", "--json"], 0, &[]);
    let jane = audit(&["--name", "jane example"]);
    assert_eq!(jane.len(), 1);
    assert_eq!(jane[0]["source"], "cli:match");
    assert_eq!(jane[0]["query"]["name"], "Jane Example");

    // Unaudited screenings leave one record saying so, and no names.
    check(dir.path(), &["match", "Innocent Kaina", "--no-audit"], 0, &[]);
    let newest = &audit(&["--limit", "1"])[0];
    assert_eq!(newest["query"]["unaudited"], true, "{newest}");
    assert_eq!(newest["query"]["queries"], 1);
    assert_eq!(newest["matched"], true);
    assert!(newest["query_names"].as_array().unwrap().is_empty());
    assert_eq!(audit(&["--name", "kaina"]).len(), 1, "the unaudited query left its name behind");
    let shown = check(dir.path(), &["audit"], 0, &["cli:screen", "cli:match"]);
    assert!(shown.lines().count() >= 4, "{shown}");
}

/// Writes `bytes` decompressed from a bundled `.gz` list, cut to `keep` of its length.
fn cut_list(dir: &Path, bundled: &str, name: &str, keep: f64) -> String {
    use std::io::Read;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(repo().join(bundled)).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let folder = dir.join(format!("cut-{keep}"));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    // Cut after a whole line: a cut inside a row is refused by the reader already, a cut at a
    // line break parses and only the shrink guard can tell.
    let cut = (bytes.len() as f64 * keep) as usize;
    let end = bytes[..cut].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    std::fs::write(&path, &bytes[..end]).unwrap();
    path.display().to_string()
}

/// Issue 9: a truncated or header-only list that still parses never becomes current silently;
/// forced, it can be rolled back, and the good file imported again is current again.
#[test]
fn shrunken_lists_are_refused_and_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sdn = repo().join("data/lists/us-ofac-sdn/sdn.csv.gz").display().to_string();
    check(d, &["lists", "import", &sdn], 0, &["version 1: new version, now current"]);
    let half = cut_list(d, "data/lists/us-ofac-sdn/sdn.csv.gz", "sdn.csv", 0.5);
    let out = ward(d, &["lists", "import", &half]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("would remove") && stderr.contains("--allow-shrink"), "{stderr}");
    // A header-only CSL and a CSL cut at a third: refused too.
    let csl = "data/lists/us-csl/trade_gov_consolidated_screening_list_2025-01.csv.gz";
    let csl_path = repo().join(csl).display().to_string();
    if std::path::Path::new(&csl_path).exists() {
        check(d, &["lists", "import", &csl_path], 0, &["version 1"]);
        for keep in [0.33, 0.0005] {
            let cut = cut_list(d, csl, "csl.csv", keep);
            let out = ward(d, &["lists", "import", &cut]);
            assert_eq!(out.status.code(), Some(1), "{keep}: {}", String::from_utf8_lossy(&out.stdout));
        }
    }
    // Forced, the cut file becomes version 2, noted; a rollback makes version 1's content current.
    check(d, &["lists", "import", "--allow-shrink", &half], 0, &["version 2", "allow_shrink"]);
    check(
        d,
        &["lists", "rollback", "us_ofac_sdn"],
        0,
        &["version 3 is current, with the content of version 1"],
    );
    let shown = check(d, &["lists", "show", "us_ofac_sdn", "--json"], 0, &[]);
    let versions: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let current: Vec<(i64, bool)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["number"].as_i64().unwrap(), v["current"] == true))
        .collect();
    assert_eq!(current, [(1, false), (2, false), (3, true)]);
    // The good file imported again after a forced bad one is current again.
    check(d, &["lists", "import", "--allow-shrink", &half], 0, &["version 4"]);
    check(d, &["lists", "import", &sdn], 0, &["version 5: the content of an earlier version, current again"]);
    // The forced imports and the rollback are in the audit trail, newest first; the plain
    // imports are not.
    let audit = check(d, &["audit", "--json"], 0, &[]);
    let changes: Vec<(String, i64)> = audit
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|record| {
            (record["source"].as_str().unwrap().to_string(), record["results"]["version"].as_i64().unwrap())
        })
        .collect();
    let forced = "cli:lists-import-allow-shrink".to_string();
    assert_eq!(changes, [(forced.clone(), 4), ("cli:lists-rollback".to_string(), 3), (forced, 2)]);
}

/// `ward lists diff` (issue 12 part 2): a summary line, one line per changed record, JSON with
/// the same counts, and the errors of a list without such versions.
#[test]
fn lists_diff_between_versions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let dataset = "ca_dfatd_sema_sanctions";
    check(d, &["lists", "import", &fixture("ca-sema/sema-lmes_2020-04_excerpt.xml")], 0, &["version 1"]);
    let out = ward(d, &["lists", "diff", dataset]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no version before version 1"), "{stderr}");
    let newer = fixture("ca-sema/sema-lmes_2025-05_excerpt.xml");
    check(d, &["lists", "import", "--allow-shrink", &newer], 0, &["version 2"]);

    let text = check(d, &["lists", "diff", dataset], 0, &[&format!("{dataset}: version 1 (published")]);
    let json = check(d, &["lists", "diff", dataset, "--from", "1", "--to", "2", "--json"], 0, &[]);
    let diff: serde_json::Value = serde_json::from_str(&json).unwrap();
    let count = |key: &str| diff["counts"][key].as_u64().unwrap();
    let summary = format!(
        "{} added, {} removed, {} amended, {} unchanged",
        count("added"),
        count("removed"),
        count("amended"),
        count("unchanged")
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], summary, "{text}");
    let n_lines = |prefix: &str| lines.iter().filter(|line| line.starts_with(prefix)).count() as u64;
    assert_eq!(
        (n_lines("+ "), n_lines("- "), n_lines("~ ")),
        (count("added"), count("removed"), count("amended"))
    );
    assert!(count("added") + count("removed") + count("amended") > 0, "{text}");
    let first_added = &diff["added"][0];
    let line =
        format!("+ {}  {}", first_added["id"].as_str().unwrap(), first_added["caption"].as_str().unwrap());
    assert!(text.contains(&line), "{text}");

    let out = ward(d, &["lists", "diff", dataset, "--from", "7"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no version 7"));
    let out = ward(d, &["lists", "diff", "eu_fsf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no list \"eu_fsf\""));
}

/// A reader that closes the pipe early (`ward export | head`) ends the command quietly with
/// status 0: the closed pipe travels up the error chain, it is neither a panic nor an error.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    // The bundled SDN exports to megabytes, far more than a pipe buffers.
    let sdn = repo().join("data/lists/us-ofac-sdn");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["export", "--format", "ftm"])
        .arg(&sdn)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running ward");
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is dropped here, before ward has written everything.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    assert!(first.starts_with(b"{"), "{first:?}");
}

/// A pacs.008 with a listed creditor and a town in Crimea, a clean MT103, and a file that is no
/// payment: one JSON object per message, the bad file named on stderr, exit status 1, and the
/// decisions in the audit trail.
#[test]
fn payments_screen_holds_and_releases_per_message() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    let held = dir.path().join("held.xml");
    std::fs::write(
        &held,
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
<GrpHdr><MsgId>M1</MsgId></GrpHdr><CdtTrfTxInf><PmtId><UETR>7a562c67-ca16-48ba-b074-65581be6f001</UETR></PmtId>
<Cdtr><Nm>LAZARUS GROUP</Nm><PstlAdr><TwnNm>Sevastopol</TwnNm></PstlAdr></Cdtr></CdtTrfTxInf>
</FIToFICstmrCdtTrf></Document>"#,
    )
    .unwrap();
    let clean = dir.path().join("clean.txt");
    std::fs::write(
        &clean,
        "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:R2\n:59:/1\nMARIE DUPONT\nPARIS\n-}",
    )
    .unwrap();
    let not_payment = dir.path().join("customers.csv");
    std::fs::write(&not_payment, "name,dob\nJohn,1970\n").unwrap();
    let (held, clean, not_payment) =
        (held.display().to_string(), clean.display().to_string(), not_payment.display().to_string());
    let out = ward(dir.path(), &["payments", "screen", "--json", &held, &not_payment, &clean]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{not_payment}: not a payment message")), "{stderr}");
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["format"], "pacs.008.001.08");
    assert_eq!(lines[0]["message_id"], "M1");
    assert_eq!(lines[0]["uetr"], "7a562c67-ca16-48ba-b074-65581be6f001");
    assert_eq!(lines[0]["decision"], "hold");
    let hits: Vec<(&str, &str, &str)> = lines[0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (h["field"].as_str().unwrap(), h["kind"].as_str().unwrap(), h["subject_id"].as_str().unwrap())
        })
        .collect();
    assert!(hits.contains(&("CdtTrfTxInf[0]/Cdtr/Nm", "name", "us_ofac_sdn:27307")), "{hits:?}");
    assert!(hits.contains(&("CdtTrfTxInf[0]/Cdtr/PstlAdr/TwnNm", "city", "geography:ua-crimea-sevastopol")));
    assert_eq!(
        (lines[1]["format"].as_str(), lines[1]["decision"].as_str()),
        (Some("MT103"), Some("release"))
    );
    let off = ward(dir.path(), &["payments", "screen", "--geography-off", "crimea", "--json", &held]);
    assert!(!String::from_utf8_lossy(&off.stdout).contains("geography:ua-crimea"));
    check(dir.path(), &["audit", "--limit", "10"], 0, &["cli:payments", "LAZARUS GROUP", "MARIE DUPONT"]);
}

/// An operator's geography table, edited from the shipped one: `ward payments screen` holds a
/// payment to a town the operator added, and `ward serve` and `ward payments screen` refuse a
/// table with a bad entry, naming the file and the entry's line, before serving anything.
#[test]
fn an_operators_geography_table_is_used_and_bad_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    let shipped = std::fs::read_to_string(repo().join("crates/ward-payments/data/geography.toml")).unwrap();
    let edited = dir.path().join("geography.toml");
    std::fs::write(
        &edited,
        format!(
            "{}\n[[place]]\nid = \"bank-belgorod\"\nkind = \"city\"\nnames = [\"Belgorod\", \"Белгород\"]\n\
             programme = \"bank_policy\"\nauthorities = [\"BANK\"]\n",
            shipped.replace("version = 1\n", "version = 2\n")
        ),
    )
    .unwrap();
    let payment = dir.path().join("mt103.txt");
    std::fs::write(
        &payment,
        "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:R1\n:59:/1\nMARIE DUPONT\nBELGOROD\n-}",
    )
    .unwrap();
    let (edited_path, payment) = (edited.display().to_string(), payment.display().to_string());
    let out = ward(dir.path(), &["payments", "screen", "--json", "--geography", &edited_path, &payment]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"decision\":\"hold\"") && stdout.contains("geography:bank-belgorod"),
        "{stdout}"
    );
    let off = ward(
        dir.path(),
        &["payments", "screen", "--json", "--geography", &edited_path, "--geography-off", "BANK", &payment],
    );
    assert!(String::from_utf8_lossy(&off.stdout).contains("\"decision\":\"release\""));

    let bad = dir.path().join("bad.toml");
    let bad_text = shipped.replace("codes = [\"CU\"]", "codes = [\"Cuba\"]");
    std::fs::write(&bad, &bad_text).unwrap();
    let cuba_id = bad_text.lines().position(|line| line == "id = \"cu\"").unwrap();
    let header =
        bad_text.lines().take(cuba_id).enumerate().filter(|(_, l)| l.trim() == "[[place]]").last().unwrap().0
            + 1;
    let bad_path = bad.display().to_string();
    let expected = format!("{bad_path}:{header}: place \"cu\": code \"Cuba\"");
    for args in [
        vec!["serve", "--no-auth", "--listen", "127.0.0.1:0", "--geography", &bad_path],
        vec!["payments", "screen", "--geography", &bad_path, &payment],
    ] {
        let out = ward(dir.path(), &args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
    }
    let out =
        ward(dir.path(), &["serve", "--no-auth", "--listen", "127.0.0.1:0", "--geography-off", "atlantis"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"atlantis\" is no programme"));
}

/// The normalisation cases of issue 10 screened against the real bundled lists: titles and ranks
/// in other languages, words written together, numbers, Indic scripts, foreign names in Hangul
/// and Han transcription. Each case names the subject it must
/// reach and whether that hit must be a match; the report lists each case's score.
#[test]
fn normalisation_cases_on_the_bundled_lists() {
    const LUKASHENKO: &str = "gb_hmt_sanctions:13918";
    // (query, schema, referent of the expected subject, must it be a match)
    let cases: &[(&str, &str, &str, bool)] = &[
        ("Lukashenko", "Person", LUKASHENKO, false),
        ("President Lukashenko", "Person", LUKASHENKO, true),
        ("Президент Лукашенко", "Person", LUKASHENKO, true),
        ("Präsident Lukashenko", "Person", LUKASHENKO, true),
        ("полковник Лукашенко", "Person", LUKASHENKO, true),
        ("Президент Александр Лукашенко", "Person", LUKASHENKO, true),
        ("लुकाशेंको", "Person", LUKASHENKO, false),
        ("卢卡申科", "Person", LUKASHENKO, true),
        ("ルカシェンコ", "Person", LUKASHENKO, true),
        ("루카셴코", "Person", LUKASHENKO, true),
        ("व्लादिमीर पुतिन", "Person", "us_ofac_sdn:35096", true),
        ("알렉산드르 루카셴코", "Person", LUKASHENKO, true),
        ("블라디미르 푸틴", "Person", "us_ofac_sdn:35096", true),
        ("亚历山大·卢卡申科", "Person", LUKASHENKO, true),
        ("Dr. Ayman al-Zawahiri", "Person", "un_sc_sanctions:QDi.006", true),
        ("الشيخ عبدالملك الحوثي", "Person", "un_sc_sanctions:YEi.004", true),
        ("عبدالملكالحوثي", "Person", "un_sc_sanctions:YEi.004", true),
        ("Maria Monserrate Avila Dela Rocha", "Person", "us_ofac_sdn:21569", true),
        ("ALROSACOMPANYPJSC", "Organization", "us_ofac_sdn:34644", true),
        ("First Armored Division", "Organization", "us_ofac_sdn:29282", true),
        ("Second Academy of Natural Sciences", "Organization", "un_sc_sanctions:KPe.018", true),
        ("Agusta Grand One LLC", "Organization", "us_ofac_sdn:20263", true),
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    check(d, &["lists", "import", &repo().join("data/lists").display().to_string()], 0, &["us_ofac_sdn"]);
    let input = d.join("cases.jsonl");
    let lines: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (name, schema, _, _))| {
            serde_json::json!({"id": format!("case-{i}"), "schema": schema, "properties": {"name": [name]}})
                .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out =
        check(d, &["match", "--no-audit", "--limit", "10", "--input", &input.display().to_string()], 0, &[]);
    let answers: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for (answer, (name, _, referent, must_match)) in answers.iter().zip(cases) {
        let hit = answer["results"].as_array().into_iter().flatten().find(|h| {
            h["referents"].as_array().is_some_and(|r| r.iter().any(|x| x.as_str() == Some(referent)))
        });
        let (score, matched) =
            hit.map_or((0.0, false), |h| (h["score"].as_f64().unwrap_or(0.0), h["match"] == true));
        report.push(format!("{score:.3} {} {name} -> {referent}", if matched { "MATCH" } else { "     " }));
        if hit.is_none() || matched != *must_match {
            wrong.push(name);
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(wrong.is_empty(), "cases not as expected: {wrong:?}\n{}", report.join("\n"));
}

/// One party, one subject (issue 12 part 3), on the bundled lists: the UK's two Bortnikov
/// records (Group IDs 13037 and 13972) are one subject with the US and Australian records, and
/// UN QDi.120 is one subject with OFAC SDN 7925 (Abdul Hakim Murad). Canada's Bortnikov record
/// gives only a name and the Russia regime, so it stays a subject of its own.
#[test]
fn one_party_is_one_subject_on_the_bundled_lists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    check(
        d,
        &["lists", "import", &repo().join("data/lists").display().to_string()],
        0,
        &["gb_hmt_sanctions"],
    );
    let input = d.join("queries.jsonl");
    let queries = [("bortnikov", "Alexander Bortnikov"), ("murad", "Abdul Hakim Murad")];
    let lines: Vec<String> = queries
        .iter()
        .map(|(id, name)| {
            serde_json::json!({"id": id, "schema": "Person", "properties": {"name": [name]}}).to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out =
        check(d, &["match", "--no-audit", "--limit", "10", "--input", &input.display().to_string()], 0, &[]);
    let answers: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The referents of each hit whose referents include one of `wanted`.
    let subjects_with = |answer: &serde_json::Value, wanted: &[&str]| -> Vec<Vec<String>> {
        answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|hit| {
                hit["referents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|referents| referents.iter().any(|r| wanted.contains(&r.as_str())))
            .collect()
    };
    let bortnikov = subjects_with(
        &answers[0],
        &["gb_hmt_sanctions:13037", "gb_hmt_sanctions:13972", "us_ofac_sdn:31126"],
    );
    assert_eq!(bortnikov.len(), 1, "{bortnikov:?}");
    for referent in
        ["gb_hmt_sanctions:13037", "gb_hmt_sanctions:13972", "us_ofac_sdn:31126", "au_dfat_sanctions:7655"]
    {
        assert!(bortnikov[0].iter().any(|r| r == referent), "{referent} not in {bortnikov:?}");
    }
    let murad = subjects_with(&answers[1], &["un_sc_sanctions:QDi.120", "us_ofac_sdn:7925"]);
    assert_eq!(murad.len(), 1, "{murad:?}");
    for referent in
        ["un_sc_sanctions:QDi.120", "us_ofac_sdn:7925", "gb_hmt_sanctions:7843", "us_trade_csl:7925"]
    {
        assert!(murad[0].iter().any(|r| r == referent), "{referent} not in {murad:?}");
    }
}

/// The last person in an OFAC SDN CSV (gzip): a record the first half of the file lacks.
fn last_listed_person(bundled: &str) -> String {
    use std::io::Read;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(repo().join(bundled)).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[..]);
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|record| record.get(2).map(str::trim) == Some("individual"))
        .last()
        .and_then(|record| record.get(1).map(String::from))
        .unwrap()
}

/// Issue 12: a monitored book is re-screened when a list version becomes current: a new
/// designation raises an alert, a rollback that delists it closes it, and a full re-screen
/// finds nothing else to change.
#[test]
fn a_book_is_rescreened_when_a_list_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundled = "data/lists/us-ofac-sdn/sdn.csv.gz";
    let sdn = repo().join(bundled).display().to_string();
    let half = cut_list(d, bundled, "sdn.csv", 0.5);
    check(d, &["lists", "import", &half], 0, &["version 1"]);
    let listed = last_listed_person(bundled);
    let book = d.join("book.csv");
    std::fs::write(&book, format!("id,name\nc1,\"{listed}\"\nc2,Jane Roe\n")).unwrap();
    let book = book.display().to_string();
    let columns = ["--book", "retail", "--id-column", "id", "--name-column", "name"];
    let mut import = vec!["book", "import", &book];
    import.extend(columns);
    check(d, &import, 0, &["book retail: 2 customers inserted", "0 alerts raised"]);
    check(d, &["lists", "import", &sdn], 0, &["book retail: 1 alerts raised, 0 updated, 0 closed"]);
    let open = check(d, &["alerts", "list", "--json", "--status", "open"], 0, &[]);
    let alerts: Vec<serde_json::Value> =
        open.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(alerts.len(), 1, "{open}");
    let alert = &alerts[0];
    for field in [
        "id",
        "book",
        "customer_id",
        "customer_name",
        "subject_id",
        "referents",
        "score",
        "explanations",
        "reason",
        "status",
        "list_versions",
        "created_at",
        "updated_at",
    ] {
        assert!(!alert[field].is_null(), "{field} missing in {alert}");
    }
    assert_eq!(
        (alert["customer_id"].as_str(), alert["reason"].as_str()),
        (Some("c1"), Some("new-designation"))
    );
    check(
        d,
        &["lists", "rollback", "us_ofac_sdn"],
        0,
        &["book retail: 0 alerts raised, 0 updated, 1 closed"],
    );
    let closed = check(d, &["alerts", "list", "--json", "--book", "retail", "--status", "closed"], 0, &[]);
    assert!(closed.contains("\"close_reason\":\"delisted\""), "{closed}");
    check(
        d,
        &["book", "rescreen", "--book", "retail", "--full"],
        0,
        &["0 alerts raised, 0 updated, 0 closed"],
    );
    let out = ward(d, &["alerts", "list", "--status", "pending"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("is not one of open, confirmed, dismissed, escalated, closed"));
}

/// An MT103 and then, in the same run, the MT202COV of its UETR naming another beneficiary:
/// the cover is held with a `stripping` hit in B/59; alone, it is released.
#[test]
fn payments_screen_compares_a_cover_with_the_transfer_read_before_it() {
    let dir = tempfile::tempdir().unwrap();
    import_fixtures(dir.path());
    let uetr = "eb6305c9-1f7f-49de-aed0-16487c27b42d";
    let mt103 = dir.path().join("mt103.txt");
    std::fs::write(
        &mt103,
        format!(
            "{{1:F01BANKBEBBAXXX0000000000}}{{2:I103BANKDEFFXXXXN}}{{3:{{121:{uetr}}}}}{{4:\n:20:R1\n:23B:CRED\n\
             :50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n:59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n-}}"
        ),
    )
    .unwrap();
    let cover = dir.path().join("mt202cov.txt");
    std::fs::write(
        &cover,
        format!(
            "{{1:F01BOFAUS3NXXXX0000000000}}{{2:I202CHASUS33XXXXN}}{{3:{{119:COV}}{{121:{uetr}}}}}{{4:\n:20:C1\n:21:R1\n\
             :32A:251013USD500000,00\n:58A:COBADEFI\n:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n\
             :59:/FR7630001007941234567890185\nPIERRE MARTIN\nPARIS\n-}}"
        ),
    )
    .unwrap();
    let (mt103, cover) = (mt103.display().to_string(), cover.display().to_string());
    let decisions = |files: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec!["payments", "screen", "--json"];
        args.extend_from_slice(files);
        let out = ward(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let both = decisions(&[&mt103, &cover]);
    assert_eq!(both[0]["decision"], "release");
    assert_eq!(both[1]["format"], "MT202COV");
    assert_eq!(both[1]["decision"], "hold", "{}", both[1]);
    let hit = &both[1]["hits"][0];
    assert_eq!((hit["field"].as_str(), hit["kind"].as_str()), (Some("B/59"), Some("stripping")), "{hit}");
    assert!(hit["explanations"][0].as_str().unwrap().contains("MARIE DUPONT"), "{hit}");
    let alone = decisions(&[&cover]);
    assert_eq!(alone[0]["decision"], "release", "{}", alone[0]);
}

/// A publisher on 127.0.0.1 for `ward lists update`: `/un.xml` serves the bundled UN list with
/// an `ETag` (and answers 304 to it); every other path is 404.
fn start_publisher(runtime: &tokio::runtime::Runtime) -> String {
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use std::io::Read;
    let mut un = Vec::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(repo().join("data/lists/un-sc/un_consolidated_2026-02-27.xml.gz")).unwrap(),
    )
    .read_to_end(&mut un)
    .unwrap();
    const ETAG: &str = "\"un-2026-02-27\"";
    let app = axum::Router::new().route(
        "/un.xml",
        axum::routing::get(move |headers: HeaderMap| {
            let un = un.clone();
            async move {
                if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == ETAG) {
                    return (StatusCode::NOT_MODIFIED, [(header::ETAG, ETAG)]).into_response();
                }
                ([(header::ETAG, ETAG)], un).into_response()
            }
        }),
    );
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// `ward lists update` with a sources file pointing at a local publisher: one line per source,
/// exit status 1 while a source fails, 0 once every source asked for is current or unchanged.
#[test]
fn lists_update_from_a_sources_file() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let base = start_publisher(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            r#"builtin = false

[[source]]
name = "un_sc_sanctions"
url = "{base}/un.xml"
dataset = "un_sc_sanctions"

[[source]]
name = "us_ofac_sdn"
url = "{base}/sdn.csv"
dataset = "us_ofac_sdn"

[[source]]
name = "eu_fsf"
url = "{base}/eu?token={{token}}"
token_env = "WARD_CLI_TEST_UNSET_TOKEN"

[http]
retries = 0
"#
        ),
    )
    .unwrap();
    let file = sources.display().to_string();
    // A monitored book holding a party of the UN list: the update that makes the list current
    // re-screens it.
    let book = dir.path().join("book.csv");
    std::fs::write(&book, "id,name\nc1,Abdul Hakim Murad\n").unwrap();
    let book = book.display().to_string();
    let import = ["book", "import", &book, "--book", "retail", "--id-column", "id", "--name-column", "name"];
    check(dir.path(), &import, 0, &["0 alerts raised"]);
    let first = check(
        dir.path(),
        &["lists", "update", "--sources", &file],
        1,
        &[
            "book retail: 1 alerts raised, 0 updated, 0 closed\n",
            &format!("us_ofac_sdn: failed: {base}/sdn.csv: HTTP 404 Not Found\n"),
            &format!("eu_fsf: skipped: no token: set WARD_CLI_TEST_UNSET_TOKEN to fetch {base}/eu?token={{token}}\n"),
        ],
    );
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 4, "{first}");
    assert!(lines[0].starts_with("un_sc_sanctions: updated to version 1 ("), "{first}");
    // The sources asked for, all current or unchanged: exit status 0.
    check(
        dir.path(),
        &["lists", "update", "--sources", &file, "un_sc_sanctions", "eu_fsf"],
        0,
        &["un_sc_sanctions: unchanged (304 Not Modified)\n", "eu_fsf: skipped: no token"],
    );
    check(dir.path(), &["lists", "show"], 0, &["un_sc_sanctions"]);
    check(
        dir.path(),
        &["lists", "update", "--sources", &file, "--list-sources"],
        0,
        &[&format!("{base}/un.xml")],
    );
    let out = ward(dir.path(), &["lists", "update", "--sources", &file, "un"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no source \"un\"; the sources are: un_sc_sanctions, us_ofac_sdn, eu_fsf"),
        "{stderr}"
    );
}

/// The NATS server the consume test runs against.
const NATS_URL: &str = "nats://127.0.0.1:4222";

/// Two `ward payments consume` processes share one work-queue consumer; one is killed
/// mid-stream: every message is decided, each decision is kept once in the decisions stream.
#[test]
fn payments_consume_shares_a_jetstream_consumer_and_loses_nothing() {
    use async_nats::jetstream;
    use futures_util::StreamExt;
    use std::time::{Duration, Instant};
    /// Messages published.
    const N_MESSAGES: usize = 60;
    /// Seconds a killed process' messages wait before they go to the other.
    const ACK_WAIT: &str = "2";
    /// Longest wait for every decision.
    const DEADLINE: Duration = Duration::from_secs(90);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // The client's handles are dropped inside the runtime.
    let _entered = runtime.enter();
    let Ok(Ok(client)) = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(3), async_nats::connect(NATS_URL)).await
    }) else {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "skipped: no NATS server at {NATS_URL}");
        return;
    };
    let context = jetstream::new(client.clone());
    let token = format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    let stream_name = format!("WARD_TEST_PAYMENTS_{token}");
    let subject = format!("ward.test.{token}.payments");
    runtime
        .block_on(context.create_stream(jetstream::stream::Config {
            name: stream_name.clone(),
            subjects: vec![subject.clone()],
            retention: jetstream::stream::RetentionPolicy::WorkQueue,
            ..Default::default()
        }))
        .unwrap();
    let ids: Vec<String> = (0..N_MESSAGES).map(|i| format!("T{token}-{i}")).collect();
    runtime.block_on(async {
        for (i, id) in ids.iter().enumerate() {
            let beneficiary = if i % 10 == 0 { "FITIWI ABDELRAZAK" } else { "MARIE DUPONT" };
            let mt103 = format!(
                "{{1:F01BANKBEBBAXXX0000000000}}{{2:I103BANKDEFFXXXXN}}{{3:{{121:00000000-0000-4000-8000-{i:012}}}}}{{4:\n\
                 :20:{id}\n:23B:CRED\n:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n\
                 :59:/FR7630001007941234567890185\n{beneficiary}\nPARIS\n-}}"
            );
            context.publish(subject.clone(), mt103.into()).await.unwrap().await.unwrap();
        }
    });
    // Everything published on the decisions subject, duplicates included.
    let mut published = runtime.block_on(client.subscribe("ward.payments.decisions")).unwrap();

    let consumer_name = format!("ward{token}");
    let start = |dir: &Path| {
        import_fixtures(dir);
        Command::new(env!("CARGO_BIN_EXE_ward"))
            .arg("--data-dir")
            .arg(dir)
            .args(["payments", "consume", "--nats", NATS_URL, "--stream", &stream_name])
            .args(["--consumer", &consumer_name, "--ack-wait", ACK_WAIT])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("starting ward payments consume")
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut to_kill = Some(start(dir_a.path()));
    let survivor = start(dir_b.path());

    let mut seen = std::collections::HashSet::new();
    let began = Instant::now();
    let mut killed_at = None;
    runtime.block_on(async {
        while seen.len() < N_MESSAGES && began.elapsed() < DEADLINE {
            let Ok(Some(message)) = tokio::time::timeout(Duration::from_secs(1), published.next()).await
            else {
                continue;
            };
            let decision: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
            let Some(id) = decision["message_id"].as_str().filter(|id| id.starts_with(&format!("T{token}-")))
            else {
                continue;
            };
            let held = id.rsplit('-').next().unwrap().parse::<usize>().unwrap() % 10 == 0;
            assert_eq!(decision["decision"], if held { "hold" } else { "release" }, "{decision}");
            seen.insert(id.to_string());
            if seen.len() >= N_MESSAGES / 6 {
                if let Some(mut killed) = to_kill.take() {
                    killed.kill().unwrap();
                    killed.wait().unwrap();
                    killed_at = Some(seen.len());
                }
            }
        }
    });
    // The killed process' last message may have been decided (its decision published) but not
    // acknowledged: the survivor gets it after the ack wait, decides it again (JetStream drops
    // the second decision) and acknowledges it, emptying the work queue.
    let remaining = runtime.block_on(async {
        loop {
            let mut stream = context.get_stream(&stream_name).await.unwrap();
            let remaining = stream.info().await.unwrap().state.messages;
            if remaining == 0 || began.elapsed() > DEADLINE {
                return remaining;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    for mut child in to_kill.into_iter().chain([survivor]) {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert!(killed_at.is_some(), "no decision before the deadline");
    assert_eq!(remaining, 0, "messages never acknowledged");
    let missing: Vec<&String> = ids.iter().filter(|id| !seen.contains(*id)).collect();
    assert!(missing.is_empty(), "not decided: {missing:?}");

    // The decisions stream keeps each decision of this run once.
    let kept = runtime.block_on(async {
        let stream = context.get_stream("WARD_PAYMENT_DECISIONS").await.unwrap();
        let consumer =
            stream.create_consumer(jetstream::consumer::pull::OrderedConfig::default()).await.unwrap();
        let mut messages = consumer.messages().await.unwrap();
        let mut kept: Vec<String> = Vec::new();
        while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(2), messages.next()).await
        {
            let decision: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
            if let Some(id) =
                decision["message_id"].as_str().filter(|id| id.starts_with(&format!("T{token}-")))
            {
                kept.push(id.to_string());
            }
        }
        kept
    });
    let mut unique = kept.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((kept.len(), unique.len()), (N_MESSAGES, N_MESSAGES));
    runtime.block_on(context.delete_stream(&stream_name)).unwrap();

    // Every held message is a desk case in the store of a process that decided it, once per
    // store; released messages make none.
    let held: Vec<&String> = ids.iter().enumerate().filter(|(i, _)| i % 10 == 0).map(|(_, id)| id).collect();
    let mut cases = Vec::new();
    for dir in [&dir_a, &dir_b] {
        let store = ward_store::Store::open(dir.path()).unwrap();
        let filter =
            ward_store::AlertFilter { book: Some(ward_store::PAYMENTS_BOOK.into()), ..Default::default() };
        let alerts = store.alerts(&filter).unwrap();
        let mut ids: Vec<String> = alerts
            .iter()
            .map(|alert| store.payment_hold(alert.id).unwrap().unwrap().message_id.unwrap())
            .collect();
        let n_cases = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n_cases, "one case per message in a store: {ids:?}");
        cases.extend(ids);
    }
    for id in &held {
        assert!(cases.contains(id), "held message {id} has no case: {cases:?}");
    }
    assert!(cases.iter().all(|id| held.contains(&id)), "a released message has a case: {cases:?}");
}

/// Issue 15's done-when case end to end: WANG Junzheng (SDN 31492, from the bundled SDN list)
/// holds 60% of a holding company that holds 50% of an operating company; `ward ownership`
/// finds the operating company blocked under OFAC with its two-step path; the EU and UK tests,
/// whose lists are not in the store, say that they were not computed.
#[test]
fn ownership_blocked_and_explain_two_level_chain() {
    let dir = tempfile::tempdir().unwrap();
    let sdn = repo().join("data/lists/us-ofac-sdn").display().to_string();
    check(dir.path(), &["lists", "import", &sdn], 0, &["us_ofac_sdn"]);
    let edges = dir.path().join("edges.csv");
    std::fs::write(
        &edges,
        "owner,owned,owned_name,percentage,source,control\n\
         us_ofac_sdn:31492,GB-HOLD-1,Example Holding Ltd,60,registry,\n\
         GB-HOLD-1,GB-OPCO-2,Example Operating Co,50,registry,\n\
         \"Wang, Junzheng\",GB-OTHER-3,Other Ltd,25-50,kyc,\n\
         GB-HOLD-1,GB-BOARD-4,Board Ltd,,kyc,board\n",
    )
    .unwrap();
    let edges = edges.display().to_string();
    check(
        dir.path(),
        &["ownership", "blocked", "--edges", &edges, "--as-of", "2026-06-01"],
        0,
        &[
            "2 tied to current subjects (1 by referent, 1 by exact name)",
            "2 blocked and 1 for review under the OFAC 50% rule",
            "blocked  Example Operating Co (GB-OPCO-2): owned 50% by Example Holding Ltd (GB-HOLD-1), itself \
             blocked, 50% in the aggregate under the OFAC 50% rule",
            "review   Other Ltd (GB-OTHER-3): owned 25-50% by WANG, Junzheng (us_ofac_sdn:31492)",
        ],
    );
    check(
        dir.path(),
        &["ownership", "explain", "GB-OPCO-2", "--edges", &edges, "--as-of", "2026-06-01", "--rules", "ofac"],
        0,
        &[
            "the OFAC 50% rule: blocked",
            "path: WANG, Junzheng (us_ofac_sdn:31492) -60%-> Example Holding Ltd (GB-HOLD-1) -50%-> Example \
             Operating Co (GB-OPCO-2)",
        ],
    );
    // Only the SDN list is in the store: the EU and UK tests are not computed, and say so.
    let out =
        ward(dir.path(), &["ownership", "explain", "GB-OPCO-2", "--edges", &edges, "--as-of", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(1));
    let explained = String::from_utf8_lossy(&out.stdout);
    assert!(explained.contains("the OFAC 50% rule: blocked"), "{explained}");
    assert!(
        explained.contains("the EU 50% rule: not computed: the store holds no current version of eu_fsf"),
        "{explained}"
    );
    let out = ward(dir.path(), &["ownership", "blocked", "--rules", "uk", "--edges", &edges]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no current version of gb_hmt_sanctions or gb_fcdo_sanctions"), "{stderr}");
    let json = check(
        dir.path(),
        &["ownership", "blocked", "--edges", &edges, "--as-of", "2026-06-01", "--json"],
        0,
        &["\"derived\": true"],
    );
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let operating = document["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["party"]["id"] == "GB-OPCO-2")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(operating["status"], "blocked");
    let path: Vec<&str> = operating["paths"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["party"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["us_ofac_sdn:31492", "GB-HOLD-1", "GB-OPCO-2"]);
    // A bad row is refused whole, naming the line and field.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "owner,owned,percentage\nus_ofac_sdn:31492,X,sixty\n").unwrap();
    let out = ward(dir.path(), &["ownership", "blocked", "--edges", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.csv, line 2, field percentage"), "{stderr}");
    // Imported whole, or not at all: the bad file stores nothing.
    let out = ward(dir.path(), &["ownership", "import", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let out = ward(dir.path(), &["ownership", "blocked"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ownership edges in the store"));
}

/// `ward ownership import` stores the edges as a version; `blocked` and `explain` then read the
/// stored current version. A name written otherwise than on the list ("Junzheng Wang") is tied
/// by the matcher, with its score.
#[test]
fn ownership_import_stores_versions_and_ties_by_the_matcher() {
    let dir = tempfile::tempdir().unwrap();
    let sdn = repo().join("data/lists/us-ofac-sdn").display().to_string();
    check(dir.path(), &["lists", "import", &sdn], 0, &["us_ofac_sdn"]);
    let edges = dir.path().join("edges.csv");
    std::fs::write(
        &edges,
        "owner,owner_name,owned,owned_name,percentage,source\n\
         P-1,Junzheng Wang,GB-HOLD-1,Example Holding Ltd,60,registry\n\
         GB-HOLD-1,,GB-OPCO-2,Example Operating Co,50,registry\n",
    )
    .unwrap();
    let edges = edges.display().to_string();
    check(
        dir.path(),
        &["ownership", "import", &edges],
        0,
        &[
            "tied P-1 to us_ofac_sdn:31492 by the matcher, score",
            "3 parties",
            "stored as ownership version 1",
        ],
    );
    check(
        dir.path(),
        &["ownership", "import", &edges],
        0,
        &["unchanged: the current ownership version is 1"],
    );
    check(
        dir.path(),
        &["ownership", "blocked", "--as-of", "2026-06-01"],
        0,
        &[
            "3 parties in ownership version 1",
            "1 by matcher",
            "blocked  Example Operating Co (GB-OPCO-2): owned 50% by Example Holding Ltd (GB-HOLD-1), itself \
             blocked",
        ],
    );
    check(
        dir.path(),
        &["ownership", "explain", "Example Operating Co", "--as-of", "2026-06-01", "--rules", "ofac"],
        0,
        &["path: WANG, Junzheng (us_ofac_sdn:31492) -60%-> Example Holding Ltd (GB-HOLD-1) -50%-> Example \
           Operating Co (GB-OPCO-2)"],
    );
}
