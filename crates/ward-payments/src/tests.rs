//! Tests: golden files of every sample message (what each yields, field by field, and its
//! decision against the bundled OFAC SDN list), listed values injected into every screened field
//! of every sample (each hit found in its field) and clean values (nothing held), the BIC and
//! geography rules, and the readers fuzzed.

use crate::geography::Geography;
use crate::model::{Field, Message, Party};
use crate::screen::{Decision, HitKind, PaymentScreener};
use crate::{read_messages, ReadError};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use ward_engine::{MatchOptions, Screener};
use ward_model::{Entity, IdKind, Identifier, Name, NameKind, Schema, Subject};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sample messages under `../shared/data/payments`, or none with a printed reason.
fn samples() -> Vec<PathBuf> {
    let base = std::env::var_os("WARD_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/data"))
        .join("payments");
    let Ok(dirs) = std::fs::read_dir(&base) else {
        // Straight to stderr, past the harness's capture, so a skip is never silent.
        let _ =
            writeln!(std::io::stderr(), "skipped: {} not found (absent on a fresh clone)", base.display());
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dirs
        .flatten()
        .flat_map(|dir| std::fs::read_dir(dir.path()).into_iter().flatten().flatten().map(|f| f.path()))
        .collect();
    files.sort();
    files
}

/// The bundled OFAC SDN list as a snapshot (built once for all tests).
fn sdn() -> &'static Arc<Screener> {
    static SCREENER: OnceLock<Arc<Screener>> = OnceLock::new();
    SCREENER.get_or_init(|| {
        let lists =
            ward_lists::read_path(&repo_root().join("data/lists/us-ofac-sdn")).expect("the bundled SDN list");
        let entities = lists.into_iter().flat_map(|l| l.entities).collect();
        Arc::new(Screener::build(ward_lists::link::link(entities)))
    })
}

fn payment_screener() -> PaymentScreener {
    PaymentScreener::new(Arc::clone(sdn()), Geography::embedded(), MatchOptions::default())
}

/// Compares `actual` with `testdata/<rel>`; with `UPDATE_EXPECT=1` writes it.
fn golden(rel: &str, actual: &str) {
    let path = repo_root().join("testdata").join(rel);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("golden file {}: {e} (UPDATE_EXPECT=1 creates it)", path.display()));
    assert!(
        expected == actual,
        "golden file {} differs; run with UPDATE_EXPECT=1 and review the diff\n--- actual:\n{actual}",
        path.display()
    );
}

/// One line per field read.
fn render_fields(out: &mut String, label: &str, fields: &[Field]) {
    for field in fields {
        let _ = writeln!(out, "    {label:<12} {} = {}", field.path, field.value);
    }
}

fn render_party(out: &mut String, party: &Party) {
    let _ = writeln!(out, "  {:?} {}", party.role, party.path);
    render_fields(out, "name", &party.names);
    render_fields(out, "town", &party.address.towns);
    render_fields(out, "district", &party.address.districts);
    render_fields(out, "subdivision", &party.address.subdivisions);
    render_fields(out, "country", &party.address.countries);
    render_fields(out, "address", &party.address.lines);
    render_fields(out, "bic", &party.bics);
    render_fields(out, "lei", &party.leis);
    render_fields(out, "id", &party.other_ids);
    render_fields(out, "birth date", &party.birth_dates);
    render_fields(out, "birth place", &party.birth_places);
    render_fields(out, "country", &party.countries);
    render_fields(out, "account", &party.accounts);
}

fn render(messages: &Result<Vec<Message>, ReadError>, screener: &PaymentScreener) -> String {
    let mut out = String::new();
    let messages = match messages {
        Ok(messages) => messages,
        Err(e) => return format!("error: {e}\n"),
    };
    for (number, message) in messages.iter().enumerate() {
        let _ = writeln!(
            out,
            "message {} {} id={} uetr={} transactions={}",
            number + 1,
            message.format,
            message.message_id.as_deref().unwrap_or("-"),
            message.uetr.as_deref().unwrap_or("-"),
            message.transactions
        );
        for party in &message.parties {
            render_party(&mut out, party);
        }
        render_fields(&mut out, "text", &message.texts);
        let screening = screener.screen(message);
        let _ = writeln!(out, "  decision: {:?}", screening.decision);
        for hit in &screening.hits {
            let _ = writeln!(
                out,
                "    hit {:?} {} {:?} {} {:.3}",
                hit.kind, hit.field, hit.value, hit.subject_id, hit.score
            );
        }
    }
    out
}

#[test]
fn golden_samples() {
    let files = samples();
    if files.is_empty() {
        return;
    }
    let screener = payment_screener();
    let mut n_messages = 0;
    for file in &files {
        let messages = read_messages(&std::fs::read(file).unwrap());
        n_messages += messages.as_ref().map_or(0, Vec::len);
        let dir = file.parent().unwrap().file_name().unwrap().to_string_lossy();
        let name = file.file_name().unwrap().to_string_lossy();
        golden(&format!("payments/{dir}/{name}.txt"), &render(&messages, &screener));
    }
    assert!(n_messages >= 70, "only {n_messages} messages read from {} files", files.len());
}

/// A listed value of each kind, the hit it must give, and a clean value of the same kind.
struct Injection {
    kind: HitKind,
    listed: &'static str,
    clean: &'static str,
}

const LISTED_ORGANISATION: Injection =
    Injection { kind: HitKind::Name, listed: "KOREA DAESONG BANK", clean: "NORDFISCH HANDELS GMBH" };
const LISTED_PERSON: Injection =
    Injection { kind: HitKind::Name, listed: "Vladimir Vladimirovich PUTIN", clean: "Marie Dupont" };
const LISTED_BIC: Injection = Injection { kind: HitKind::Bic, listed: "KDBKKPPY", clean: "BNPAFRPP" };
const LISTED_BRANCH_OF_HEAD_OFFICE: Injection =
    Injection { kind: HitKind::Bic, listed: "KDBKKPPY123", clean: "BNPAFRPPXXX" };
const LISTED_CITY: Injection = Injection { kind: HitKind::City, listed: "Sevastopol", clean: "Lyon" };
const LISTED_CITY_CYRILLIC: Injection =
    Injection { kind: HitKind::City, listed: "Донецк", clean: "Lille" };
const LISTED_COUNTRY: Injection = Injection { kind: HitKind::Country, listed: "KP", clean: "FR" };
const LISTED_VESSEL_TEXT: Injection = Injection {
    kind: HitKind::Text,
    listed: "PAYMENT FOR CARGO ON VESSEL EBANO IMO 7406784",
    clean: "Best regards, invoice 4711 for tuna supply",
};
const LISTED_NAME_TEXT: Injection =
    Injection { kind: HitKind::Text, listed: "FEES OF KOREA DAESONG BANK", clean: "FEES OF CITIBANK NA" };

/// Replaces every occurrence of a field's value in the raw message (a whole XML text node, or
/// a whole MT line) with `value`; `None` where the value is not written as such (BICs taken
/// from block 1 and 2 addresses, MT texts over several lines).
fn inject(raw: &str, original: &str, value: &str, mt: bool) -> Option<String> {
    if mt {
        let lines: Vec<&str> = raw.split('\n').collect();
        let mut changed = false;
        let replaced: Vec<String> = lines
            .iter()
            .map(|line| {
                let body = line.trim_end_matches('\r');
                let (prefix, rest) = match body.strip_prefix(':').and_then(|r| r.split_once(':')) {
                    Some((tag, rest)) => (format!(":{tag}:"), rest),
                    None => (String::new(), body),
                };
                if rest.trim() == original {
                    changed = true;
                    format!("{prefix}{value}")
                } else {
                    line.to_string()
                }
            })
            .collect();
        changed.then(|| replaced.join("\n"))
    } else {
        let needle = format!(">{original}<");
        raw.contains(&needle).then(|| raw.replace(&needle, &format!(">{value}<")))
    }
}

/// Every (field, injection) pair of a message: names get names, BICs get BICs, places get
/// cities, country codes get countries, free text gets text.
fn injections(message: &Message) -> Vec<(Field, &'static Injection)> {
    let mut out = Vec::new();
    for (index, party) in message.parties.iter().enumerate() {
        for name in &party.names {
            let injection = if index % 2 == 0 { &LISTED_ORGANISATION } else { &LISTED_PERSON };
            out.push((name.clone(), injection));
        }
        for bic in &party.bics {
            let injection = if index % 2 == 0 { &LISTED_BIC } else { &LISTED_BRANCH_OF_HEAD_OFFICE };
            out.push((bic.clone(), injection));
        }
        let address = &party.address;
        for (k, place) in address.towns.iter().chain(&address.lines).enumerate() {
            let injection = if k % 2 == 0 { &LISTED_CITY } else { &LISTED_CITY_CYRILLIC };
            out.push((place.clone(), injection));
        }
        for country in &address.countries {
            out.push((country.clone(), &LISTED_COUNTRY));
        }
    }
    for (k, text) in message.texts.iter().enumerate() {
        let injection = if k % 2 == 0 { &LISTED_VESSEL_TEXT } else { &LISTED_NAME_TEXT };
        out.push((text.clone(), injection));
    }
    out
}

#[test]
fn injected_values_are_found_in_their_field_and_clean_values_are_released() {
    let files = samples();
    if files.is_empty() {
        return;
    }
    let screener = payment_screener();
    let (mut n_injected, mut n_clean) = (0, 0);
    let mut misses = Vec::new();
    for file in &files {
        let raw = std::fs::read_to_string(file).unwrap();
        let Ok(messages) = read_messages(raw.as_bytes()) else { continue };
        let mt = messages[0].format.starts_with("MT");
        for (number, message) in messages.iter().enumerate() {
            for (field, injection) in injections(message) {
                if field.path.starts_with("block") {
                    // Block 1 and 2 addresses are not written as the BIC; `header_bics_are_screened`.
                    continue;
                }
                for (value, listed) in [(injection.listed, true), (injection.clean, false)] {
                    let Some(changed) = inject(&raw, &field.value, value, mt) else { continue };
                    let Ok(changed_messages) = read_messages(changed.as_bytes()) else {
                        misses.push(format!(
                            "{}: injecting {value:?} at {} broke the file",
                            file.display(),
                            field.path
                        ));
                        continue;
                    };
                    let screening = screener.screen(&changed_messages[number]);
                    if listed {
                        n_injected += 1;
                        let found =
                            screening.hits.iter().any(|h| h.field == field.path && h.kind == injection.kind);
                        if !found {
                            misses.push(format!(
                                "{} message {}: {value:?} at {} gave no {:?} hit there: {:?}",
                                file.display(),
                                number + 1,
                                field.path,
                                injection.kind,
                                screening.hits.iter().map(|h| (&h.field, h.kind)).collect::<Vec<_>>()
                            ));
                        }
                    } else {
                        n_clean += 1;
                        let held_here: Vec<_> =
                            screening.hits.iter().filter(|h| h.field == field.path).collect();
                        if !held_here.is_empty() {
                            misses.push(format!(
                                "{} message {}: clean {value:?} at {} was hit: {held_here:?}",
                                file.display(),
                                number + 1,
                                field.path
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {n_injected} injections, {n_clean} clean values:\n{}",
        misses.len(),
        misses.join("\n")
    );
    assert!(n_injected > 800 && n_clean > 800, "{n_injected} injected, {n_clean} clean");
}

#[test]
fn clean_samples_are_released() {
    let screener = payment_screener();
    let mut held = Vec::new();
    for file in samples() {
        let Ok(messages) = read_messages(&std::fs::read(&file).unwrap()) else { continue };
        for message in &messages {
            let screening = screener.screen(message);
            if screening.decision == Decision::Hold {
                held.push(format!("{}: {:?}", file.display(), screening.hits));
            }
        }
    }
    assert!(held.is_empty(), "sample messages held:\n{}", held.join("\n"));
}

/// MT103s naming listed subjects as beneficiary and in the remittance text.
fn messages_naming_listed_subjects(count: usize) -> Vec<Message> {
    let names: Vec<&str> = sdn().subjects().iter().step_by(97).map(|s| s.caption()).take(count).collect();
    names
        .iter()
        .map(|name| {
            let text = format!(
                "{{1:F01BANKBEBBAXXX0000000000}}{{2:I103BANKDEFFXXXXN}}{{4:\n:20:REF1\n:23B:CRED\n\
                 :50K:/DE89370400440532013000\n{name}\nBERLIN\n:59:/FR7630001007941234567890185\n\
                 {name}\nPARIS\n:70:CARGO ON VESSEL {name}\n-}}"
            );
            read_messages(text.as_bytes()).expect("a generated MT103 reads").remove(0)
        })
        .collect()
}

#[test]
fn the_match_cache_never_changes_a_screening() {
    let screener = payment_screener();
    let mut messages = messages_naming_listed_subjects(40);
    for file in samples() {
        messages.extend(read_messages(&std::fs::read(&file).unwrap()).into_iter().flatten());
    }
    let cold: Vec<_> = messages.iter().map(|m| screener.screen(m)).collect();
    let warm: Vec<_> = messages.iter().map(|m| screener.screen(m)).collect();
    screener.set_match_cache_entries(0);
    let uncached: Vec<_> = messages.iter().map(|m| screener.screen(m)).collect();
    assert!(cold.iter().any(|s| s.decision == Decision::Hold), "no message names a listed party");
    assert_eq!(cold, uncached, "a cold cache changed a screening");
    assert_eq!(warm, uncached, "cached matches changed a screening");
}

#[test]
fn header_bics_are_screened() {
    let mt = "{1:F01KDBKKPPYAXXX0000000000}{2:O1031200190425BNPAFRPPAXXX01613135551704260717N}{4:\n:20:R\n:59:/1\nX\n-}";
    let screening = payment_screener().screen(&read_messages(mt.as_bytes()).unwrap()[0]);
    let bic_fields: Vec<&str> =
        screening.hits.iter().filter(|h| h.kind == HitKind::Bic).map(|h| h.field.as_str()).collect();
    assert_eq!(bic_fields, ["block1"]);
    let mt = mt.replace("KDBKKPPYAXXX", "BNPAFRPPAXXX").replace("BNPAFRPPAXXX0161", "KDBKKPPYAXXX0161");
    let screening = payment_screener().screen(&read_messages(mt.as_bytes()).unwrap()[0]);
    let bic_fields: Vec<&str> =
        screening.hits.iter().filter(|h| h.kind == HitKind::Bic).map(|h| h.field.as_str()).collect();
    assert_eq!(bic_fields, ["block2"]);
}

fn listed_bank(record_id: &str, name: &str, bic: &str) -> Subject {
    let mut entity = Entity::new("test", record_id, Schema::Company);
    entity.add_name(Name::new(name, NameKind::Primary));
    entity.add_identifier(Identifier {
        kind: IdKind::Bic,
        value: bic.to_string(),
        country: None,
        note: None,
    });
    Subject { id: entity.id.clone(), records: vec![entity] }
}

#[test]
fn a_listed_head_office_catches_its_branches_and_a_listed_branch_only_itself() {
    let screener = Screener::build(vec![
        listed_bank("1", "Head Office Bank", "HEADFRPP"),
        listed_bank("2", "Branch Only Bank", "BRANFRPP123"),
    ]);
    let payments = PaymentScreener::new(Arc::new(screener), Geography::embedded(), MatchOptions::default());
    let bic_hits = |bic: &str| -> Vec<String> {
        let mut party = Party::new("CdtrAgt", crate::PartyRole::Agent);
        party.bics.push(Field::new("CdtrAgt/FinInstnId/BICFI", bic));
        let message = Message {
            syntax: crate::Syntax::Iso20022,
            format: "pacs.008.001.08".into(),
            message_id: None,
            uetr: None,
            transactions: 1,
            cover: false,
            parties: vec![party],
            texts: Vec::new(),
        };
        payments
            .screen(&message)
            .hits
            .into_iter()
            .filter(|h| h.kind == HitKind::Bic)
            .map(|h| h.subject_id)
            .collect()
    };
    assert_eq!(bic_hits("HEADFRPP"), ["test:1"]);
    assert_eq!(bic_hits("HEADFRPPXXX"), ["test:1"]);
    assert_eq!(bic_hits("HEADFRPP456"), ["test:1"]);
    assert_eq!(bic_hits("BRANFRPP123"), ["test:2"]);
    assert!(bic_hits("BRANFRPP").is_empty());
    assert!(bic_hits("BRANFRPPXXX").is_empty());
    assert!(bic_hits("BRANFRPP999").is_empty());
}

#[test]
fn geography_switches_by_programme_authority_and_entry() {
    let mut geography = Geography::embedded();
    let ids = |g: &Geography, text: &str| -> Vec<String> {
        g.places_in(text).iter().map(|m| m.place.id.clone()).collect()
    };
    assert_eq!(ids(&geography, "ul. Lenina 5, SEVASTOPOL"), ["ua-crimea-sevastopol"]);
    assert_eq!(ids(&geography, "Севастополь, Крым"), ["ua-crimea-sevastopol", "ua-crimea"]);
    assert_eq!(ids(&geography, "LUGANSK"), ["ua-lnr-luhansk"]);
    assert!(ids(&geography, "Sevastopolskaya street, Kyiv").is_empty(), "whole words only");
    assert!(geography.country("SY").is_none(), "Syria is off out of the box");
    assert!(geography.country("cu").is_some());
    assert_eq!(geography.switch_off("crimea").unwrap(), 11);
    assert!(ids(&geography, "Sevastopol").is_empty());
    geography.switch_off("US").unwrap();
    assert!(geography.country("CU").is_none(), "Cuba is a US programme only");
    assert!(geography.country("KP").is_some(), "North Korea stays on: the EU, UK and UN list it too");
    assert_eq!(geography.switch_on("syria").unwrap(), 2);
    assert!(geography.country("SY").is_some());
    assert!(geography.switch_off("atlantis").is_err());
    let error =
        Geography::parse("version = 1\ndate = \"x\"\n[[place]]\nid = \"a\"\n", "mine.toml").unwrap_err();
    assert!(error.to_string().starts_with("mine.toml:3: "), "{error}");
}

/// An operator's edited copy of the shipped table: a place of its own policy added and switched
/// by its authority, and bad entries refused with the file and the entry's line.
#[test]
fn an_edited_geography_table_is_read_and_bad_entries_are_named_by_line() {
    let shipped = include_str!("../data/geography.toml");
    let edited = format!(
        "{}\n[[place]]\nid = \"ru-belgorod\"\nkind = \"city\"\nnames = [\"Belgorod\", \"Белгород\"]\n\
         programme = \"bank_policy\"\nauthorities = [\"BANK\"]\n",
        shipped.replace("version = 1\n", "version = 2\n")
    );
    let mut geography = Geography::parse(&edited, "mine.toml").unwrap();
    assert!(geography.version().starts_with("2 ("), "{}", geography.version());
    let on = geography.enabled_count();
    let found: Vec<&str> =
        geography.places_in("ul. Lenina 1, БЕЛГОРОД").iter().map(|m| m.place.id.as_str()).collect();
    assert_eq!(found, ["ru-belgorod"]);
    assert_eq!(geography.switch_off("BANK").unwrap(), 1);
    assert_eq!(geography.enabled_count(), on - 1);
    assert!(geography.places_in("Belgorod").is_empty());

    let header_line = |text: &str, id: &str| {
        let id_line = text.lines().position(|l| l == format!("id = \"{id}\"")).unwrap();
        text.lines().take(id_line).enumerate().filter(|(_, l)| l.trim() == "[[place]]").last().unwrap().0 + 1
    };
    let bad_code = shipped.replace("codes = [\"IR\"]", "codes = [\"ir\"]");
    let error = Geography::parse(&bad_code, "mine.toml").unwrap_err().to_string();
    let line = header_line(&bad_code, "ir");
    assert_eq!(
        error,
        format!("mine.toml:{line}: place \"ir\": code \"ir\" is not an upper-case ISO 3166 alpha-2 code")
    );
    let no_authority = shipped.replacen("authorities = [\"US\", \"EU\", \"UK\"]", "authorities = []", 1);
    let error = Geography::parse(&no_authority, "mine.toml").unwrap_err().to_string();
    assert!(
        error.starts_with(&format!(
            "mine.toml:{}: place \"ua-crimea\": no authorities",
            header_line(shipped, "ua-crimea")
        )),
        "{error}"
    );
    let syntax = shipped.replacen("names = [\"Sevastopol\"", "names = [Sevastopol\"", 1);
    let syntax_line = syntax.lines().position(|l| l.starts_with("names = [Sevastopol")).unwrap() + 1;
    let error = Geography::parse(&syntax, "mine.toml").unwrap_err().to_string();
    assert!(error.starts_with(&format!("mine.toml:{syntax_line}: ")), "{error}");
    let unknown_kind = shipped.replacen("kind = \"region\"", "kind = \"province\"", 1);
    let error = Geography::parse(&unknown_kind, "mine.toml").unwrap_err().to_string();
    assert!(error.starts_with("mine.toml:") && error.contains("province"), "{error}");
}

#[test]
fn references_in_iso_text_keep_the_spaces_around_them() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
        <GrpHdr><MsgId>M1</MsgId></GrpHdr><CdtTrfTxInf><Cdtr><Nm>Smith &amp; Sons &#x41;G</Nm></Cdtr>
        </CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"#;
    let messages = read_messages(xml.as_bytes()).unwrap();
    let creditor = messages[0].parties.iter().find(|party| party.path.ends_with("Cdtr")).unwrap();
    assert_eq!(creditor.names[0].value, "Smith & Sons AG");
    let undeclared = xml.replace("&amp;", "&ent;");
    let error = read_messages(undeclared.as_bytes()).unwrap_err().to_string();
    assert!(error.contains("unknown entity reference &ent;"), "{error}");
}

#[test]
fn non_payment_files_are_refused_with_a_reason() {
    let refuse = |bytes: &[u8]| read_messages(bytes).unwrap_err().to_string();
    assert!(refuse(b"name,dob\nJohn,1970\n").starts_with("not a payment message"));
    assert!(refuse(b"<html><body>hi</body></html>").contains("without an ISO 20022 `Document`"));
    assert!(refuse(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><x/></Document>")
        .contains("camt.053.001.08 is not a screened message type"));
    assert!(refuse(b"{1:F01BANKBEBBAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\n:20:X\n-}").contains("MT940"));
    assert!(refuse(b"{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:X\n").contains("block 4"));
    assert!(refuse(&[0xff, 0xfe, 0x00]).contains("not UTF-8"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    #[test]
    fn readers_never_panic_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let _ = read_messages(&bytes);
    }

    #[test]
    fn readers_never_panic_on_mutated_messages(
        prefix in proptest::sample::select(vec![
            "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{119:COV}}{4:\n:20:R\n:50F:/1\n1/A\n3/KP/X\n:59A:/1\nKDBKKPPY\n",
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08\"><FICdtTrf><CdtTrfTxInf><Cdtr><Nm>",
            "<Envelope><AppHdr><Fr><FIId><FinInstnId><BICFI>",
        ]),
        tail in "[{}:<>/a-zA-Z0-9\\n$ -]{0,200}",
    ) {
        let text = format!("{prefix}{tail}");
        let _ = read_messages(text.as_bytes());
    }
}

#[test]
fn readers_never_panic_on_cut_or_flipped_samples() {
    let mut seed: u64 = 0x5eed;
    for file in samples() {
        let bytes = std::fs::read(&file).unwrap();
        for cut in (0..bytes.len()).step_by(97) {
            let _ = read_messages(&bytes[..cut]);
        }
        for _ in 0..50 {
            let mut mutated = bytes.clone();
            for _ in 0..4 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % mutated.len();
                mutated[at] = (seed >> 13) as u8;
            }
            let _ = read_messages(&mutated);
        }
    }
}

/// The paths and fields of one message, for compact assertions.
fn field_paths(message: &Message) -> Vec<String> {
    let mut out: Vec<String> = message
        .parties
        .iter()
        .flat_map(|p| p.names.iter().chain(&p.bics).chain(&p.accounts).chain(&p.address.towns))
        .map(|f| format!("{}={}", f.path, f.value))
        .collect();
    out.extend(message.texts.iter().map(|f| format!("{}={}", f.path, f.value)));
    out
}

#[test]
fn cancellation_return_and_several_transactions_are_read() {
    let camt056 = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.08"><FIToFIPmtCxlReq>
<Assgnmt><Id>CXL1</Id><Assgnr><Agt><FinInstnId><BICFI>BNPAFRPP</BICFI></FinInstnId></Agt></Assgnr></Assgnmt>
<Undrlyg><TxInf><OrgnlUETR>7a562c67-ca16-48ba-b074-65581be6f001</OrgnlUETR>
<CxlRsnInf><Orgtr><Nm>Jean Martin</Nm></Orgtr><AddtlInf>DUPLICATE PAYMENT</AddtlInf></CxlRsnInf>
<OrgnlTxRef><Dbtr><Pty><Nm>Foo SA</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Bar Ltd</Nm></Pty></Cdtr></OrgnlTxRef>
</TxInf></Undrlyg></FIToFIPmtCxlReq></Document>"#;
    let message = &read_messages(camt056.as_bytes()).unwrap()[0];
    assert_eq!((message.format.as_str(), message.message_id.as_deref()), ("camt.056.001.08", Some("CXL1")));
    assert_eq!(message.uetr.as_deref(), Some("7a562c67-ca16-48ba-b074-65581be6f001"));
    assert_eq!(
        field_paths(message),
        [
            "Assgnmt/Assgnr/Agt/FinInstnId/BICFI=BNPAFRPP",
            "Undrlyg[0]/TxInf[0]/CxlRsnInf[0]/Orgtr/Nm=Jean Martin",
            "Undrlyg[0]/TxInf[0]/OrgnlTxRef/Dbtr/Pty/Nm=Foo SA",
            "Undrlyg[0]/TxInf[0]/OrgnlTxRef/Cdtr/Pty/Nm=Bar Ltd",
            "Undrlyg[0]/TxInf[0]/CxlRsnInf[0]/AddtlInf=DUPLICATE PAYMENT",
        ]
    );
    let pacs004 = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09"><PmtRtr><GrpHdr><MsgId>R1</MsgId></GrpHdr>
<TxInf><RtrRsnInf><AddtlInf>ACCOUNT CLOSED</AddtlInf></RtrRsnInf><RtrChain><Cdtr><Pty><Nm>Anna Berg</Nm></Pty></Cdtr></RtrChain></TxInf>
<TxInf><RtrChain><Cdtr><Pty><Nm>Olaf Lind</Nm><PstlAdr><TwnNm>Yalta</TwnNm></PstlAdr></Pty></Cdtr><CdtrAcct><Id><IBAN>SE4550000000058398257466</IBAN></Id></CdtrAcct></RtrChain></TxInf>
</PmtRtr></Document>"#;
    let message = &read_messages(pacs004.as_bytes()).unwrap()[0];
    assert_eq!(message.transactions, 2);
    assert_eq!(
        field_paths(message),
        [
            "TxInf[0]/RtrChain/Cdtr/Pty/Nm=Anna Berg",
            "TxInf[1]/RtrChain/Cdtr/Pty/Nm=Olaf Lind",
            "TxInf[1]/RtrChain/CdtrAcct/Id/IBAN=SE4550000000058398257466",
            "TxInf[1]/RtrChain/Cdtr/Pty/PstlAdr/TwnNm=Yalta",
            "TxInf[0]/RtrRsnInf[0]/AddtlInf=ACCOUNT CLOSED",
        ]
    );
    let screening = payment_screener().screen(message);
    assert_eq!(screening.decision, Decision::Hold);
    assert!(screening
        .hits
        .iter()
        .any(|h| h.kind == HitKind::City && h.field == "TxInf[1]/RtrChain/Cdtr/Pty/PstlAdr/TwnNm"));
}

/// One sample message under `../shared/data/payments`, or `None` with a printed reason.
fn sample(rel: &str) -> Option<String> {
    let base = std::env::var_os("WARD_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/data"))
        .join("payments");
    let path = base.join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "skipped: {}: {e} (absent on a fresh clone)", path.display());
            None
        }
    }
}

/// The pacs.009 COV of CBPR+ sample p.2.3.1.a (underlying debtor "A Debiter", creditor "B
/// Creditor Co") and the pacs.008 it covers, with the same UETR.
const ISO_COVER: &str = "iso20022_cbpr_samples_ballerina/p_2_3_1_a__CBPR__p.2.3.1.a_pacs.009.cov-AtoB.xml";
const ISO_COVERED: &str = "iso20022_cbpr_samples_ballerina/p_2_3_1_a__CBPR__p.2.3.1.a_pacs.008_AtoD.xml";

/// The UETR given to the MT samples.
const MT_UETR: &str = "eb6305c9-1f7f-49de-aed0-16487c27b42d";

/// The MT103 sample (ordering customer JOHN DOE, beneficiary MARIE DUPONT) with a UETR.
fn mt103_with_uetr(mt103: &str) -> String {
    mt103.replacen("}{4:", &format!("}}{{3:{{121:{MT_UETR}}}}}{{4:"), 1)
}

/// The MT202 sample made an MT202COV with the same UETR and the sequence B given.
fn mt202cov(mt202: &str, sequence_b: &str) -> String {
    mt202.replacen("}{4:", &format!("}}{{3:{{119:COV}}{{121:{MT_UETR}}}}}{{4:"), 1).replacen(
        "\n-}",
        &format!("\n{sequence_b}-}}"),
        1,
    )
}

const SEQUENCE_B: &str = ":50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n:59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n:33B:USD500000,00\n";

/// The stripping hits of a message screened alone: (field, subject id).
fn stripping_of(screening: &crate::Screening) -> Vec<(String, String)> {
    screening
        .hits
        .iter()
        .filter(|h| h.kind == HitKind::Stripping)
        .map(|h| {
            assert!(!h.explanations.is_empty() && !h.explanations[0].is_empty(), "{h:?}");
            (h.field.clone(), h.subject_id.clone())
        })
        .collect()
}

fn check_stripping(text: &str, expected: &[(&str, &str)]) {
    let messages = read_messages(text.as_bytes()).unwrap();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].cover, "{} is not read as a cover", messages[0].format);
    let screening = payment_screener().screen(&messages[0]);
    let found = stripping_of(&screening);
    let expected: Vec<(String, String)> =
        expected.iter().map(|(f, s)| (f.to_string(), s.to_string())).collect();
    assert_eq!(found, expected, "{:?}", screening.hits);
    let decision = if expected.is_empty() { Decision::Release } else { Decision::Hold };
    assert_eq!(screening.decision, decision, "{:?}", screening.hits);
}

#[test]
fn covers_with_missing_or_placeholder_customers_are_held() {
    const UNDERLYING: &str = "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf";
    if let Some(cover) = sample(ISO_COVER) {
        check_stripping(&cover, &[]);
        for placeholder in ["NOT PROVIDED", "One of our clients", "n/a", "Our Customer", "UNKNOWN"] {
            let stripped = cover.replace("<Nm>A Debiter</Nm>", &format!("<Nm>{placeholder}</Nm>"));
            check_stripping(&stripped, &[(&format!("{UNDERLYING}/Dbtr/Nm"), "stripping:placeholder_name")]);
        }
        // The underlying creditor's block removed whole.
        let start = cover.find("<UndrlygCstmrCdtTrf>").unwrap();
        let creditor_start = start + cover[start..].find("<Cdtr>").unwrap();
        let creditor_end =
            creditor_start + cover[creditor_start..].find("</Cdtr>").unwrap() + "</Cdtr>".len();
        let stripped = format!("{}{}", &cover[..creditor_start], &cover[creditor_end..]);
        check_stripping(&stripped, &[(&format!("{UNDERLYING}/Cdtr"), "stripping:missing_party")]);
        // Placeholders in the address: a street and a town.
        let stripped = cover
            .replacen("<StrtNm>High Street</StrtNm>", "<StrtNm>NOT PROVIDED</StrtNm>", 1)
            .replacen("<TwnNm>Barcelona</TwnNm>", "<TwnNm>Unknown</TwnNm>", 1);
        check_stripping(
            &stripped,
            &[
                (&format!("{UNDERLYING}/Dbtr/PstlAdr/StrtNm"), "stripping:placeholder_address"),
                (&format!("{UNDERLYING}/Cdtr/PstlAdr/TwnNm"), "stripping:placeholder_address"),
            ],
        );
        // A COV by its header's service, without any underlying block.
        let start = cover.find("<UndrlygCstmrCdtTrf>").unwrap();
        let end = cover.find("</UndrlygCstmrCdtTrf>").unwrap() + "</UndrlygCstmrCdtTrf>".len();
        let stripped = format!("{}{}", &cover[..start], &cover[end..]);
        check_stripping(
            &stripped,
            &[
                (&format!("{UNDERLYING}/Dbtr"), "stripping:missing_party"),
                (&format!("{UNDERLYING}/Cdtr"), "stripping:missing_party"),
            ],
        );
    }
    if let Some(mt202) = sample("swift_mt/AutoMateTx_MT202.txt") {
        // The plain MT202 is no cover and has no underlying customers to check.
        let messages = read_messages(mt202.as_bytes()).unwrap();
        assert!(!messages[0].cover);
        assert!(stripping_of(&payment_screener().screen(&messages[0])).is_empty());
        check_stripping(&mt202cov(&mt202, SEQUENCE_B), &[]);
        check_stripping(
            &mt202cov(&mt202, &SEQUENCE_B.replace("JOHN DOE", "NOT PROVIDED")),
            &[("B/50K", "stripping:placeholder_name")],
        );
        check_stripping(
            &mt202cov(
                &mt202,
                &SEQUENCE_B.replace("MARIE DUPONT\nPARIS", "MARIE DUPONT\n12 RUE DE RIVOLI\nPARIS"),
            ),
            &[],
        );
        check_stripping(
            &mt202cov(
                &mt202,
                &SEQUENCE_B.replace("MARIE DUPONT\nPARIS", "MARIE DUPONT\nADDRESS NOT PROVIDED"),
            ),
            &[("B/59", "stripping:placeholder_address")],
        );
        check_stripping(
            &mt202cov(&mt202, &SEQUENCE_B.replace("MARIE DUPONT\nPARIS", "MARIE DUPONT\nN/A")),
            &[("B/59", "stripping:placeholder_address")],
        );
        let without_beneficiary =
            SEQUENCE_B.replace(":59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n", "");
        check_stripping(&mt202cov(&mt202, &without_beneficiary), &[("B/59a", "stripping:missing_party")]);
        // 50A: the ordering customer identified by its BIC is named.
        let by_bic = SEQUENCE_B.replace(
            ":50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n",
            ":50A:/DE12345678901234567890\nDEUTDEFF\n",
        );
        check_stripping(&mt202cov(&mt202, &by_bic), &[]);
    }
    // A plain pacs.009 (no COV) is not checked.
    if let Some(plain) = sample("iso20022_cbpr_samples_ballerina/p_2_2_1__CBPR__p.2.2.1_pacs.009-BtoC.xml") {
        let messages = read_messages(plain.as_bytes()).unwrap();
        assert!(!messages[0].cover);
        assert!(stripping_of(&payment_screener().screen(&messages[0])).is_empty());
    }
}

/// Screens `texts` in order with one memory of customer transfers; returns the stripping hits
/// of the last.
fn run(transfers: &mut crate::CustomerTransfers, texts: &[&str]) -> (Decision, Vec<(String, String)>) {
    let screener = payment_screener();
    let mut last = None;
    for text in texts {
        for message in read_messages(text.as_bytes()).unwrap() {
            let mut screening = screener.screen(&message);
            transfers.check(&message, &mut screening);
            last = Some(screening);
        }
    }
    let last = last.unwrap();
    (last.decision, stripping_of(&last))
}

#[test]
fn a_cover_differing_from_the_customer_transfer_of_its_uetr_is_held_in_either_order() {
    use crate::CustomerTransfers;
    const DIFFERENT: &str = "stripping:different_party";
    if let (Some(cover), Some(covered)) = (sample(ISO_COVER), sample(ISO_COVERED)) {
        let release = (Decision::Release, Vec::new());
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&covered, &cover]), release);
        let changed = cover.replace("<Nm>B Creditor Co</Nm>", "<Nm>C Other Trading Co</Nm>");
        let held = (
            Decision::Hold,
            vec![("CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/Cdtr/Nm".to_string(), DIFFERENT.to_string())],
        );
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&covered, &changed]), held);
        // Case, punctuation and word order are not differences.
        let same = cover.replace("<Nm>B Creditor Co</Nm>", "<Nm>creditor co, b</Nm>");
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&covered, &same]), release);
        // The cover before its customer transfer, or with another UETR, has nothing to differ from.
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&changed]), release);
        let other_uetr =
            changed.replace("7a562c67-ca16-48ba-b074-65581be6f001", "7a562c67-ca16-48ba-b074-65581be6f999");
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&covered, &other_uetr]), release);
        // The cover seen before its customer transfer: the transfer is compared with it.
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&cover, &covered]), release);
        let held_transfer =
            (Decision::Hold, vec![("CdtTrfTxInf[0]/Cdtr/Nm".to_string(), DIFFERENT.to_string())]);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&changed, &covered]), held_transfer);
        // Past the capacity the oldest transfer is forgotten.
        let mut transfers = CustomerTransfers::new(1);
        let another =
            covered.replace("7a562c67-ca16-48ba-b074-65581be6f001", "00000000-0000-4000-8000-000000000002");
        run(&mut transfers, &[&covered, &another]);
        assert_eq!(transfers.len(), 1);
        assert_eq!(run(&mut transfers, &[&changed]), release);
    }
    if let (Some(mt103), Some(mt202)) =
        (sample("swift_mt/AutoMateTx_MT103.txt"), sample("swift_mt/AutoMateTx_MT202.txt"))
    {
        let mt103 = mt103_with_uetr(&mt103);
        assert_eq!(read_messages(mt103.as_bytes()).unwrap()[0].uetr.as_deref(), Some(MT_UETR));
        let cover = mt202cov(&mt202, SEQUENCE_B);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&mt103, &cover]), (Decision::Release, Vec::new()));
        let changed = mt202cov(&mt202, &SEQUENCE_B.replace("MARIE DUPONT", "PIERRE MARTIN"));
        let held = (Decision::Hold, vec![("B/59".to_string(), DIFFERENT.to_string())]);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&mt103, &changed]), held);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&cover, &mt103]), (Decision::Release, Vec::new()));
        let held_transfer = (Decision::Hold, vec![("59".to_string(), DIFFERENT.to_string())]);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&changed, &mt103]), held_transfer);
        // A placeholder in the cover is held as a placeholder, not also as a different party.
        let placeholder = mt202cov(&mt202, &SEQUENCE_B.replace("JOHN DOE", "ONE OF OUR CLIENTS"));
        let held = (Decision::Hold, vec![("B/50K".to_string(), "stripping:placeholder_name".to_string())]);
        assert_eq!(run(&mut CustomerTransfers::new(10), &[&mt103, &placeholder]), held);
    }
}

#[test]
fn placeholders_and_same_names() {
    use crate::stripping::{is_placeholder, normalized_name, same_name};
    for placeholder in crate::PLACEHOLDER_NAMES {
        assert!(is_placeholder(placeholder), "{placeholder}");
        assert!(is_placeholder(&format!(" {} ", placeholder.to_lowercase())), "{placeholder}");
    }
    for name in ["", "  ", "--", "N/A", "n.a.", "Not provided"] {
        assert!(is_placeholder(name), "{name:?}");
    }
    for name in ["Unknown Pleasures Ltd", "Nancy", "Our Lady of Lourdes Hospital", "A Debiter"] {
        assert!(!is_placeholder(name), "{name:?}");
    }
    let same = |a: &str, b: &str| same_name(&normalized_name(a), &normalized_name(b));
    assert!(same("Müller, Hans", "HANS MULLER"));
    assert!(same("B Creditor Co", "b creditor co."));
    // An ISO name cut at an MT line's 35 characters.
    let long = "INTERNATIONAL TRADING AND SHIPPING COMPANY OF ROTTERDAM BV";
    assert!(same(long, &long[..35]));
    assert!(!same(long, "INTERNATIONAL TRADING"));
    assert!(!same("MARIE DUPONT", "PIERRE MARTIN"));
}
