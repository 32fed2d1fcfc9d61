//! Tests of the OFAC remarks parser and the helpers the OFAC readers share; `summary` renders an
//! entity as short lines for the `check` tests of all three readers.

use super::*;
use ward_model::{Entity, Schema};

/// One line per fact of an entity, in a fixed order, for readable expectations.
pub(crate) fn summary(e: &Entity) -> String {
    let mut out = vec![format!("{:?} {}", e.schema, e.id)];
    for n in &e.names {
        let mut line = format!("name {:?}: {}", n.kind, n.full).to_lowercase_kind();
        if n.original_script {
            line += &format!(" [script {}]", n.lang.as_deref().unwrap_or("?"));
        }
        if !n.parts.is_empty() {
            let parts: Vec<String> = [
                ("first", &n.parts.first),
                ("middle", &n.parts.middle),
                ("last", &n.parts.last),
                ("patronymic", &n.parts.patronymic),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
            .collect();
            line += &format!(" ({})", parts.join(" "));
        }
        out.push(line);
    }
    out.extend(e.titles.iter().map(|t| format!("title: {t}")));
    out.extend(e.positions.iter().map(|t| format!("position: {t}")));
    out.extend(e.birth_dates.iter().map(|d| format!("dob: {d} ({})", d.raw)));
    out.extend(e.birth_places.iter().map(|p| format!("pob: {p}")));
    out.extend(e.nationalities.iter().map(|c| format!("nationality: {c}")));
    out.extend(e.citizenships.iter().map(|c| format!("citizenship: {c}")));
    out.extend(e.countries.iter().map(|c| format!("country: {c}")));
    out.extend(e.gender.map(|g| format!("gender: {}", g.as_str())));
    for a in &e.addresses {
        out.push(format!(
            "address: {}{} ({})",
            a.full,
            a.city.as_ref().map(|c| format!(" [city {c}]")).unwrap_or_default(),
            a.country.as_deref().unwrap_or("-")
        ));
    }
    for i in &e.identifiers {
        out.push(format!(
            "id {:?}: {} ({}) {:?}",
            i.kind,
            i.value,
            i.country.as_deref().unwrap_or("-"),
            i.note.as_deref().unwrap_or("")
        ));
    }
    for d in &e.designations {
        let mut line = format!(
            "designation: {} {:?} [{}]",
            d.dataset,
            d.list.as_deref().unwrap_or("-"),
            d.programs.join(", ")
        );
        if let Some(date) = &d.listed_on {
            line += &format!(" listed {date}");
        }
        if let Some(basis) = &d.legal_basis {
            line += &format!(" basis {basis:?}");
        }
        out.push(line);
    }
    for l in &e.links {
        out.push(format!(
            "link {:?}: {} -> {} {:?}",
            l.kind,
            l.target_name.as_deref().unwrap_or("-"),
            l.target_id.as_deref().unwrap_or("-"),
            l.description.as_deref().unwrap_or("")
        ));
    }
    out.extend(e.notes.iter().map(|n| format!("note: {n}")));
    for (property, values) in &e.properties {
        out.extend(values.iter().map(|v| format!("prop {property}: {v}")));
    }
    out.join("\n")
}

trait LowerKind {
    fn to_lowercase_kind(self) -> String;
}

impl LowerKind for String {
    /// "name Weak: X" reads better as "name weak: X".
    fn to_lowercase_kind(self) -> String {
        match self.split_once(':') {
            Some((head, tail)) => format!("{}:{tail}", head.to_lowercase()),
            None => self,
        }
    }
}

/// Compares line by line, ignoring the indentation of `expect`.
pub(crate) fn assert_lines(actual: &str, expect: &str) {
    let expect: Vec<&str> = expect.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let actual: Vec<&str> = actual.lines().collect();
    assert_eq!(actual, expect, "\nactual:\n{}\n", actual.join("\n"));
}

fn check(schema: Schema, remarks: &str, expect: &str) {
    check_cut(schema, remarks, false, expect);
}

fn check_cut(schema: Schema, remarks: &str, truncated: bool, expect: &str) {
    let mut entity = Entity::new(SDN, "1", schema);
    let warnings = apply_remarks(&mut entity, remarks, truncated);
    let mut out = summary(&entity);
    for w in warnings {
        out += &format!("\nwarning: {w}");
    }
    assert_lines(&out, expect);
}

#[test]
fn person_remarks() {
    check(
        Schema::Person,
        "DOB 01 Jan 1963; alt. DOB 1964; POB Baghdad, Iraq; nationality Iraq; citizenship Iran; Gender Male; \
         Passport A123 (Iran) expires 2020; National ID No. 123 (Russia); Tax ID No. 77-01 (Russia); \
         a.k.a. 'ABU-'UMAR'; f.k.a. ''ABD AL-MUHSI'; Linked To: HIZBALLAH.",
        "Person us_ofac_sdn:1
         name weak: ABU-'UMAR
         name weak: 'ABD AL-MUHSI
         dob: 1963-01-01 (01 Jan 1963)
         dob: 1964 (1964)
         pob: Baghdad, Iraq
         nationality: iq
         citizenship: ir
         gender: male
         id Passport: A123 (ir) \"Passport; expires 2020\"
         id NationalId: 123 (ru) \"National ID No.\"
         id TaxId: 77-01 (ru) \"Tax ID No.\"
         link Associate: HIZBALLAH. -> - \"Linked To\"",
    );
}

#[test]
fn date_shapes() {
    check(
        Schema::Person,
        "DOB circa 1951; alt. DOB 1960 to 1962; alt. DOB Mar 1962 to Feb 1963; alt. DOB circa 1979-1982; DOB 30 Nov 1955.",
        "Person us_ofac_sdn:1
         dob: circa 1951 (circa 1951)
         dob: 1960 to 1962 (1960 to 1962)
         dob: 1962-03 to 1963-02 (Mar 1962 to Feb 1963)
         dob: circa 1979 to 1982 (circa 1979-1982)
         dob: 1955-11-30 (30 Nov 1955)",
    );
    check(
        Schema::Person,
        "DOB sometime in the sixties; nationality Atlantis; Gender unknown",
        "Person us_ofac_sdn:1
         note: DOB sometime in the sixties
         note: nationality Atlantis
         note: Gender unknown
         warning: DOB: cannot read the date \"sometime in the sixties\"; kept in notes
         warning: nationality: unknown country \"Atlantis\"; kept in notes
         warning: Gender: unknown gender \"unknown\"; kept in notes",
    );
}

#[test]
fn vessel_and_aircraft_remarks() {
    check(
        Schema::Vessel,
        "Vessel Registration Identification IMO 9187629; MMSI 422023900; Other Vessel Call Sign 9BQX; \
         Other Vessel Flag Tanzania; Former Vessel Flag Malta; Former Vessel Flag None Identified; \
         Other Vessel Type Crude Oil Tanker; Vessel Year of Build 1999; Linked To: NATIONAL IRANIAN TANKER COMPANY.",
        "Vessel us_ofac_sdn:1
         dob: 1999 (1999)
         country: tz
         id Imo: IMO 9187629 (-) \"Vessel Registration Identification\"
         id Mmsi: 422023900 (-) \"MMSI\"
         id CallSign: 9BQX (-) \"Other Vessel Call Sign\"
         link Associate: NATIONAL IRANIAN TANKER COMPANY. -> - \"Linked To\"
         prop buildDate: 1999
         prop flag: tz
         prop pastFlags: mt
         prop type: Crude Oil Tanker",
    );
    check(
        Schema::Airplane,
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture Date 1992; \
         Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's Serial Number (MSN) 1023409321; \
         Aircraft Tail Number EP-GOM; Previous Aircraft Tail Number YI-NAE",
        "Airplane us_ofac_sdn:1
         dob: 1992 (1992)
         id AircraftId: 8401 (-) \"Aircraft Construction Number (also called L/N or S/N or F/N)\"
         id AircraftId: 1023409321 (-) \"Aircraft Manufacturer's Serial Number (MSN)\"
         id AircraftId: EP-GOM (-) \"Aircraft Tail Number\"
         id AircraftId: YI-NAE (-) \"Previous Aircraft Tail Number\"
         prop buildDate: 1992
         prop model: IL76-TD
         prop operator: YAS AIR",
    );
}

#[test]
fn organisation_remarks() {
    check(
        Schema::Organization,
        "Website www.vtb.ru; Email Address info@vtb.ru; alt. Email Address x@y.ru.; Phone Number 79315403678; \
         SWIFT/BIC VTBRRUMM; Legal Entity Number 253400WSS48YWMBUA688; Registration Number 1027739609391 (Russia); \
         Organization Established Date 17 Oct 1990; Organization Type: Other monetary intermediation; \
         Nationality of Registration Korea, North; Digital Currency Address - XBT 1abcDEF; \
         alt. Digital Currency Address - ETH 0x12ab; Secondary sanctions risk: See Section 11 of Executive Order 14024.; \
         Target Type Financial Institution; all offices worldwide; Linked To: BANCO X, S.A.",
        "Organization us_ofac_sdn:1
         dob: 1990-10-17 (17 Oct 1990)
         country: kp
         id Bic: VTBRRUMM (-) \"SWIFT/BIC\"
         id Lei: 253400WSS48YWMBUA688 (-) \"Legal Entity Number\"
         id Registration: 1027739609391 (ru) \"Registration Number\"
         id CryptoWallet: 1abcDEF (-) \"Digital Currency Address - XBT\"
         id CryptoWallet: 0x12ab (-) \"Digital Currency Address - ETH\"
         link Associate: BANCO X, S.A. -> - \"Linked To\"
         note: Secondary sanctions risk: See Section 11 of Executive Order 14024
         note: Target Type Financial Institution
         note: all offices worldwide
         prop email: info@vtb.ru
         prop email: x@y.ru
         prop jurisdiction: kp
         prop phone: 79315403678
         prop sector: Other monetary intermediation
         prop website: www.vtb.ru",
    );
}

#[test]
fn identifiers_without_a_fixed_label() {
    check(
        Schema::Person,
        "Central Registration System Number 8143922500001 (Turkey); Kenyan ID No. 12773667; \
         Numero Unico de Identificacao Tributaria (NUIT) 300000436 (Mozambique).; C.U.R.P. GURR730821HCLRMG01 (Mexico); \
         Public Registration Number 467323, Doc. 694710 (Panama).; Passport RL 1794375 (Lebanon) issued 01 Jan 2001; \
         Identification Number 123 issued 2010; Passport issued in Sarajevo, Bosnia-Herzegovina; \
         Member of Parliament since 1991; arrested 30 Sep 2002",
        "Person us_ofac_sdn:1
         id Registration: 8143922500001 (tr) \"Central Registration System Number\"
         id NationalId: 12773667 (-) \"Kenyan ID No.\"
         id Other: 300000436 (mz) \"Numero Unico de Identificacao Tributaria (NUIT)\"
         id NationalId: GURR730821HCLRMG01 (mx) \"C.U.R.P.\"
         id Registration: 467323, Doc. 694710 (pa) \"Public Registration Number\"
         id Passport: RL 1794375 (lb) \"Passport; issued 01 Jan 2001\"
         id NationalId: 123 (-) \"Identification Number; issued 2010\"
         note: Passport issued in Sarajevo, Bosnia-Herzegovina
         note: Member of Parliament since 1991
         note: arrested 30 Sep 2002",
    );
}

#[test]
fn truncated_remarks_keep_the_last_part_unread() {
    check_cut(
        Schema::Person,
        "DOB 1962; a.k.a. 'tianyinyin0404'; a.k.a. 'snowsjo",
        true,
        "Person us_ofac_sdn:1
         name weak: tianyinyin0404
         dob: 1962 (1962)
         note: a.k.a. 'snowsjo",
    );
}

#[test]
fn xml_facts() {
    let mut e = Entity::new(SDN, "2", Schema::Organization);
    let mut warnings = Vec::new();
    apply_fact(
        &mut e,
        "Secondary sanctions risk:",
        "section 1(b) of Executive Order 13224",
        None,
        None,
        &mut warnings,
    );
    apply_fact(
        &mut e,
        "Executive Order 13662 Directive Determination -",
        "Subject to Directive 1",
        None,
        None,
        &mut warnings,
    );
    apply_fact(&mut e, "Listing Date (EO 14024 Directive 2):", "24 Feb 2022", None, None, &mut warnings);
    apply_fact(&mut e, "Passport", "M-110522", Some("India"), Some("issued 13 Nov 1978"), &mut warnings);
    apply_fact(&mut e, "Tax ID No.", "7702070139", Some("RU"), None, &mut warnings);
    apply_fact(&mut e, "Digital Currency Address - XBT", "1abc", None, None, &mut warnings);
    apply_fact(&mut e, "Stateless Person ID Card", "X1", Some("Narnia"), None, &mut warnings);
    apply_fact(&mut e, "Gender", "Female", None, None, &mut warnings);
    apply_fact(&mut e, "Website", "http://x.example", None, None, &mut warnings);
    let mut out = summary(&e);
    for w in warnings {
        out += &format!("\nwarning: {w}");
    }
    assert_lines(
        &out,
        "Organization us_ofac_sdn:2
         gender: female
         id Passport: M-110522 (in) \"Passport; issued 13 Nov 1978\"
         id TaxId: 7702070139 (ru) \"Tax ID No.\"
         id CryptoWallet: 1abc (-) \"Digital Currency Address - XBT\"
         id Other: X1 (-) \"Stateless Person ID Card\"
         note: Secondary sanctions risk: section 1(b) of Executive Order 13224
         note: Executive Order 13662 Directive Determination - Subject to Directive 1
         note: Listing Date (EO 14024 Directive 2): 24 Feb 2022
         prop website: http://x.example
         warning: Stateless Person ID Card: unknown issuing country \"Narnia\"",
    );
}

#[test]
fn id_values() {
    let check = |text: &str, value: &str, country: Option<&str>, detail: Option<&str>| {
        assert_eq!(split_id_value(text), IdValue { value, country, detail }, "{text}");
    };
    check("A123 (Iran) expires 2020", "A123", Some("Iran"), Some("expires 2020"));
    check("AABA 670850 Y.", "AABA 670850 Y", None, None);
    check("RNE: W031645-8 (Brazil).", "RNE: W031645-8", Some("Brazil"), None);
    check("12 (Palestinian) issued 2001", "12", Some("Palestinian"), Some("issued 2001"));
    check("X (old series)", "X (old series)", None, None);
    check("", "", None, None);
    check("(", "(", None, None);
    check("# HESU430525HBCRMR05", "HESU430525HBCRMR05", None, None);
    check("No.: 0310857 (Eritrea)", "0310857", Some("Eritrea"), None);
    check("NO33301/862", "NO33301/862", None, None);
}

#[test]
fn programs_and_datasets() {
    assert_eq!(split_programs("SDGT] [IRGC] [IFSR"), ["SDGT", "IRGC", "IFSR"]);
    assert_eq!(split_programs("[CUBA]"), ["CUBA"]);
    let p = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let cons = [p(&["NS-PLC"]), p(&["UKRAINE-EO13662", "RUSSIA-EO14024"]), p(&["SDGT"])];
    assert_eq!(decide_dataset(cons.iter().map(Vec::as_slice), "x.xml"), CONS);
    let sdn = [p(&["SDGT"]), p(&["UKRAINE-EO13662"]), p(&["CUBA"])];
    assert_eq!(decide_dataset(sdn.iter().map(Vec::as_slice), "consolidated.xml"), SDN);
    assert_eq!(decide_dataset(std::iter::empty(), "/a/consolidated.xml"), CONS);
    assert_eq!(decide_dataset(std::iter::empty(), "/cons/sdn.xml"), SDN);
}

#[test]
fn links_resolve_to_records_of_the_list() {
    let mut entities = Vec::new();
    for (id, name, remarks) in [
        ("1", "R D I S.A.", ""),
        ("2", "HIZBALLAH", ""),
        (
            "3",
            "X",
            "Linked To: R D I S.A.; Linked To: HIZBALLAH; Linked To: GONE CO., LTD.; Linked To: ELSEWHERE.",
        ),
        ("4", "Y", "Linked To: HIZBALLAH."),
    ] {
        let mut e = Entity::new(SDN, id, Schema::Organization);
        add_name(&mut e, name, NameKind::Primary);
        apply_remarks(&mut e, remarks, false);
        entities.push(e);
    }
    resolve_links(&mut entities);
    let links = |e: &Entity| {
        e.links
            .iter()
            .map(|l| format!("{} {:?}", l.target_name.as_deref().unwrap_or("-"), l.target_id))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        links(&entities[2]),
        [
            "R D I S.A. Some(\"us_ofac_sdn:1\")",
            "HIZBALLAH Some(\"us_ofac_sdn:2\")",
            "GONE CO., LTD. None",
            "ELSEWHERE None"
        ]
    );
    assert_eq!(links(&entities[3]), ["HIZBALLAH Some(\"us_ofac_sdn:2\")"]);
}

#[test]
fn odd_remarks_do_not_panic() {
    for remarks in [
        "",
        ";",
        ";;;",
        "alt.",
        "alt. ",
        "a.k.a.",
        "a.k.a. '",
        "'",
        "Linked To:",
        "DOB",
        "Passport",
        "Passport (",
        "Passport ()",
        "é; ü (",
        "Digital Currency Address -",
        "Digital Currency Address - ",
        "(Linked To: )",
        "X No. 1 (",
        "X No. 1 ()",
    ] {
        let mut e = Entity::new(SDN, "1", Schema::Person);
        apply_remarks(&mut e, remarks, false);
        apply_remarks(&mut e, remarks, true);
        let mut warnings = Vec::new();
        apply_fact(&mut e, remarks, remarks, Some(remarks), Some(remarks), &mut warnings);
    }
}

/// Inputs derived from `bytes` for robustness tests: truncations at many points and single bytes
/// replaced by characters that matter to the formats (quotes, separators, markup, invalid UTF-8).
pub(crate) fn mutants(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let step = (bytes.len() / 150).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        out.push(bytes[..cut].to_vec());
    }
    let replacements = [b'"', b',', b';', b'<', b'>', b'\'', b'(', b'\n', 0xff, 0x00, b'&', b'/'];
    for (n, at) in (0..bytes.len()).step_by(step).enumerate() {
        let mut copy = bytes.to_vec();
        copy[at] = replacements[n % replacements.len()];
        out.push(copy);
    }
    out
}
