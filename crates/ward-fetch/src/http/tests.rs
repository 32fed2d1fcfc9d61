//! Tests of the HTTP helpers that need no server (the server tests are in `tests/update.rs`).

use super::*;

#[test]
fn html_pages_are_told_from_lists() {
    for page in [
        &b"<!DOCTYPE html><html><body>Service unavailable</body></html>"[..],
        b"\xef\xbb\xbf\n  <html lang=\"en\">",
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">",
        b"<!-- maintenance --><HTML>",
    ] {
        assert!(looks_like_html(page), "{}", String::from_utf8_lossy(page));
    }
    for list in [
        &b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><CONSOLIDATED_LIST>"[..],
        b"<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">",
        b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"",
        b"PK\x03\x04",
        b"",
    ] {
        assert!(!looks_like_html(list), "{}", String::from_utf8_lossy(list));
    }
}

#[test]
fn only_https_or_loopback_http_is_fetched() {
    let allowed = |url: &str| check_scheme(&Url::parse(url).unwrap()).is_ok();
    assert!(allowed("https://scsanctions.un.org/resources/xml/en/consolidated.xml"));
    assert!(allowed("http://127.0.0.1:8080/un.xml"));
    assert!(allowed("http://[::1]:8080/un.xml"));
    assert!(allowed("http://localhost/un.xml"));
    assert!(!allowed("http://scsanctions.un.org/resources/xml/en/consolidated.xml"));
    assert!(!allowed("http://10.0.0.1/un.xml"));
    assert!(!allowed("ftp://127.0.0.1/un.xml"));
    assert!(!allowed("file:///etc/passwd"));
}

#[test]
fn backoff_doubles_up_to_its_cap() {
    let fetcher =
        Fetcher::new(FetchConfig { backoff: Duration::from_secs(2), ..FetchConfig::default() }).unwrap();
    let waits: Vec<u64> = (1..=10).map(|attempt| fetcher.backoff(attempt).as_secs()).collect();
    assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
}

#[test]
fn a_304_keeps_the_validators_it_does_not_renew() {
    let kept = Validators {
        etag: Some("\"a\"".into()),
        last_modified: Some("Mon, 02 Mar 2026 10:00:00 GMT".into()),
    };
    let renewed = kept.updated_by(&Validators { etag: Some("\"b\"".into()), last_modified: None });
    assert_eq!(renewed.etag.as_deref(), Some("\"b\""));
    assert_eq!(renewed.last_modified, kept.last_modified);
    assert_eq!(kept.updated_by(&Validators::default()), kept);
}

#[test]
fn the_user_agent_names_ward_and_its_version() {
    let agent = FetchConfig::default().user_agent;
    assert!(agent.starts_with(&format!("Ward/{} ", env!("CARGO_PKG_VERSION"))), "{agent}");
}
