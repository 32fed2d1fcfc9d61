//! Tests of the source table and the operator's sources file.

use super::*;

/// Writes `text` to a file named `name` and reads it as a sources file.
fn load(name: &str, text: &str) -> Result<SourceTable, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    SourceTable::from_file(&path)
}

fn names(table: &SourceTable) -> Vec<&str> {
    table.sources.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn the_builtin_table_names_every_publisher_over_https() {
    let table = SourceTable::builtin();
    assert_eq!(
        names(&table),
        [
            "us_ofac_sdn",
            "us_ofac_cons",
            "un_sc_sanctions",
            "gb_fcdo_sanctions",
            "eu_fsf",
            "ca_dfatd_sema_sanctions",
            "ch_seco_sanctions",
            "au_dfat_sanctions",
            "us_trade_csl"
        ]
    );
    for source in &table.sources {
        check_source(source).unwrap_or_else(|e| panic!("{}: {e}", source.name));
        assert!(source.url.starts_with("https://"), "{}", source.url);
        // Every built-in source publishes the dataset of its name, one Ward knows.
        assert_eq!(source.dataset.as_deref(), Some(source.name.as_str()));
        assert!(ward_model::dataset_info(&source.name).is_some(), "{}", source.name);
    }
    let eu = &table.sources[4];
    assert_eq!(eu.token_env.as_deref(), Some("WARD_EU_FSF_TOKEN"));
    assert!(eu.url.contains(TOKEN_PLACEHOLDER));
    assert_eq!(table.fetch, FetchConfig::default());
}

#[test]
fn a_toml_file_changes_adds_and_removes_sources() {
    let table = load(
        "sources.toml",
        r#"
        [[source]]
        name = "un_sc_sanctions"
        url = "https://mirror.example.org/lists/un.xml"

        [[source]]
        name = "eu_fsf"
        enabled = false

        [[source]]
        name = "local_sdn"
        url = "http://127.0.0.1:8080/sdn.csv"
        dataset = "us_ofac_sdn"

        [http]
        read_timeout_seconds = 0.5
        retries = 1
        max_bytes = 1000
        "#,
    )
    .unwrap();
    let un = table.select(&["un_sc_sanctions".into()]).unwrap().remove(0);
    assert_eq!(
        (un.url.as_str(), un.file.as_str(), un.dataset.as_deref()),
        ("https://mirror.example.org/lists/un.xml", "un.xml", Some("un_sc_sanctions"))
    );
    assert!(!names(&table).contains(&"eu_fsf"));
    assert_eq!(names(&table).last(), Some(&"local_sdn"));
    assert_eq!(table.sources.last().unwrap().file, "sdn.csv");
    // Added back under a dataset's name, a source holds that dataset.
    let readded = load(
        "readd.toml",
        "builtin = false\n[[source]]\nname = \"un_sc_sanctions\"\nurl = \"https://a.example/un.xml\"",
    )
    .unwrap();
    assert_eq!(readded.sources[0].dataset.as_deref(), Some("un_sc_sanctions"));
    assert_eq!(table.fetch.read_timeout, Duration::from_millis(500));
    assert_eq!((table.fetch.retries, table.fetch.max_bytes), (1, 1000));
    assert_eq!(table.fetch.connect_timeout, crate::http::DEFAULT_CONNECT_TIMEOUT);
}

#[test]
fn a_json_file_may_replace_the_builtin_table() {
    let table = load(
        "sources.json",
        r#"{"builtin": false, "sources": [
            {"name": "eu", "url": "https://example.org/eu?token={token}", "file": "eu.xml", "token_env": "EU_TOKEN"}
        ]}"#,
    )
    .unwrap();
    assert_eq!(names(&table), ["eu"]);
    assert_eq!(table.sources[0].token_env.as_deref(), Some("EU_TOKEN"));
    assert_eq!(table.sources[0].dataset, None);
}

#[test]
fn bad_files_and_sources_are_named() {
    let check = |name: &str, text: &str, expect: &str| {
        let err = load(name, text).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains(expect), "{err}");
    };
    check(
        "a.toml",
        "[[source]]\nname = \"x\"\nurl = \"https://a.example/x.xml\"\nformat = \"xml\"",
        "unknown field",
    );
    check("b.toml", "[[source]]\nname = \"x\"\nurl = \"http://example.org/x.xml\"", "only https");
    check("c.toml", "[[source]]\nname = \"x\"", "no url");
    check(
        "d.toml",
        "[[source]]\nname = \"x\"\nurl = \"https://a.example/x\"\ntoken_env = \"T\"",
        "no {token}",
    );
    check("e.toml", "[[source]]\nname = \"x\"\nurl = \"https://a.example/?t={token}\"", "token_env");
    check(
        "f.toml",
        "[[source]]\nname = \"x\"\nurl = \"https://a.example/x\"\nfile = \"../x\"",
        "plain file name",
    );
    check("g.json", "{\"http\": {\"retries\": -1}}", "g.json");
    check("h.toml", "[http]\nread_timeout_seconds = 0", "positive number");
    let err = SourceTable::builtin().select(&["un".into()]).unwrap_err().to_string();
    assert!(err.contains("no source \"un\"") && err.contains("un_sc_sanctions"), "{err}");
}

#[test]
fn file_names_come_from_the_url_path() {
    assert_eq!(file_name_of("https://a.example/x/SDN.CSV?x=1"), "SDN.CSV");
    assert_eq!(file_name_of("https://a.example/"), "download");
    assert_eq!(file_name_of("https://a.example"), "download");
}
