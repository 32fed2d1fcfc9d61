//! Tests of the rule sets: the worked examples of OFAC FAQ 401, the differences between the
//! OFAC, EU and UK tests, cycles, stake intervals, expired edges, explanations and paths, and a
//! property test against a brute-force fixed point.

use crate::read::{read_csv, read_ftm};
use crate::*;
use proptest::prelude::*;
use ward_model::PartialDate;

const AS_OF: &str = "2026-06-01";

fn as_of() -> PartialDate {
    PartialDate::parse_iso(AS_OF).unwrap()
}

/// An ownership edge; `stake` as a bank writes it ("30", "25-50", "" for unknown).
fn own(owner: &str, owned: &str, stake: &str) -> Edge {
    Edge {
        owner: owner.into(),
        owned: owned.into(),
        kind: EdgeKind::Ownership { stake: Stake::parse(stake).unwrap(), joint_arrangement: None },
        start: None,
        end: None,
        source: format!("{owner}->{owned}"),
    }
}

fn joint(owner: &str, owned: &str, stake: &str, label: &str) -> Edge {
    let mut edge = own(owner, owned, stake);
    edge.kind =
        EdgeKind::Ownership { stake: Stake::parse(stake).unwrap(), joint_arrangement: Some(label.into()) };
    edge
}

fn control(owner: &str, owned: &str, kind: ControlKind) -> Edge {
    Edge { kind: EdgeKind::Control(kind), ..own(owner, owned, "") }
}

fn graph(edges: &[Edge]) -> OwnershipGraph {
    let mut builder = GraphBuilder::new();
    for edge in edges {
        builder.add(edge);
    }
    builder.build(as_of())
}

fn seeds(graph: &OwnershipGraph, keys: &[&str]) -> Vec<PartyId> {
    keys.iter().map(|k| graph.find(k).unwrap_or_else(|| panic!("no party {k}"))).collect()
}

/// Checks the status of each named party under each rule set: `expect` holds (party, OFAC,
/// EU, UK).
fn check(edges: &[Edge], listed: &[&str], expect: &[(&str, Status, Status, Status)]) {
    let graph = graph(edges);
    let seeds = seeds(&graph, listed);
    for &(party, ofac, eu, uk) in expect {
        let id = graph.find(party).unwrap();
        for (rules, want) in [(RuleSet::Ofac, ofac), (RuleSet::Eu, eu), (RuleSet::Uk, uk)] {
            let outcome = compute(&graph, &seeds, rules);
            assert_eq!(outcome.status(id), want, "{party} under {rules}: {:?}", outcome.finding(id));
            proof_holds(&outcome, id);
        }
    }
}

use Status::{Blocked, Listed, NotBlocked, Review};

#[test]
fn faq_401_direct_holding_of_50_percent_blocks() {
    check(
        &[own("X", "A", "50")],
        &["X"],
        &[("X", Listed, Listed, Listed), ("A", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn faq_401_below_50_percent_does_not_block() {
    check(&[own("X", "A", "49.99")], &["X"], &[("A", NotBlocked, NotBlocked, NotBlocked)]);
}

#[test]
fn faq_401_stakes_of_two_blocked_persons_add_up() {
    check(&[own("X", "A", "25"), own("Y", "A", "25")], &["X", "Y"], &[("A", Blocked, Blocked, NotBlocked)]);
}

#[test]
fn faq_401_indirect_through_a_blocked_entity() {
    // X owns 50% of A, A owns 50% of B: A is blocked, so its 50% of B counts; B is blocked.
    check(
        &[own("X", "A", "50"), own("A", "B", "50")],
        &["X"],
        &[("A", Blocked, Blocked, NotBlocked), ("B", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn faq_401_aggregate_then_indirect() {
    // X and Y own 25% of A each (A blocked in the aggregate); A owns 50% of B: B is blocked.
    check(
        &[own("X", "A", "25"), own("Y", "A", "25"), own("A", "B", "50")],
        &["X", "Y"],
        &[("A", Blocked, Blocked, NotBlocked), ("B", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn faq_401_no_look_through_an_entity_that_is_not_blocked() {
    // X owns 40% of A and 30% of B; A owns 20% of B. A is not blocked (40%), so its 20% of B
    // does not count and X's share of it is not multiplied through: B is not blocked (30%).
    check(
        &[own("X", "A", "40"), own("X", "B", "30"), own("A", "B", "20")],
        &["X"],
        &[("A", NotBlocked, NotBlocked, NotBlocked), ("B", NotBlocked, NotBlocked, NotBlocked)],
    );
}

#[test]
fn faq_401_a_blocked_entity_blocks_only_what_it_owns_50_percent_of() {
    // X owns 50% of A (blocked); A owns 49% of B and 50% of C: B is not blocked, C is.
    check(
        &[own("X", "A", "50"), own("A", "B", "49"), own("A", "C", "50")],
        &["X"],
        &[("B", NotBlocked, NotBlocked, NotBlocked), ("C", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn faq_398_control_alone_does_not_block_under_ofac() {
    check(
        &[control("X", "A", ControlKind::BoardAppointment), control("X", "B", ControlKind::Other)],
        &["X"],
        &[("A", NotBlocked, Blocked, Blocked), ("B", NotBlocked, Review, Review)],
    );
}

#[test]
fn uk_eu_ofac_differ_on_aggregation_and_the_threshold() {
    check(
        &[own("X", "A", "30"), own("Y", "A", "25"), own("X", "B", "51"), own("X", "C", "50")],
        &["X", "Y"],
        &[
            ("A", Blocked, Blocked, NotBlocked),
            ("B", Blocked, Blocked, Blocked),
            ("C", Blocked, Blocked, NotBlocked),
        ],
    );
}

#[test]
fn uk_adds_up_holdings_only_under_a_joint_arrangement() {
    // X (designated) and Z (not designated) hold 30% and 25% of A under one arrangement: under
    // the UK test each is treated as holding both, 55%. OFAC and the EU add up only blocked
    // holders: 30%.
    check(
        &[
            joint("X", "A", "30", "pact"),
            joint("Z", "A", "25", "pact"),
            own("X", "B", "30"),
            own("Y", "B", "25"),
        ],
        &["X", "Y"],
        &[
            ("A", NotBlocked, NotBlocked, Blocked),
            ("B", Blocked, Blocked, NotBlocked),
            ("Z", NotBlocked, NotBlocked, NotBlocked),
        ],
    );
}

#[test]
fn uk_indirect_through_a_blocked_entity() {
    check(
        &[own("X", "A", "51"), own("A", "B", "60"), own("A", "C", "50")],
        &["X"],
        &[("B", Blocked, Blocked, Blocked), ("C", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn uk_attributes_the_holdings_of_an_owned_entity_to_its_owner() {
    // X (designated) owns 60% of A, so A's shares are attributed to X under the OFSI guidance:
    // X holds 25% of C directly and 30% through A, 55% in all, and C is owned by X. OFAC and the
    // EU reach C by adding up blocked holders.
    check(
        &[own("X", "A", "60"), own("X", "C", "25"), own("A", "C", "30")],
        &["X"],
        &[("A", Blocked, Blocked, Blocked), ("C", Blocked, Blocked, Blocked)],
    );
}

#[test]
fn uk_attributes_the_holdings_of_a_controlled_entity_to_its_controller() {
    // X appoints A's board: A's 30% of C and X's 25% are X's 55%. OFAC ignores control.
    check(
        &[control("X", "A", ControlKind::BoardAppointment), own("X", "C", "25"), own("A", "C", "30")],
        &["X"],
        &[("A", NotBlocked, Blocked, Blocked), ("C", NotBlocked, Blocked, Blocked)],
    );
}

#[test]
fn uk_does_not_add_up_different_designated_persons_through_their_companies() {
    // X owns 60% of A, Y owns 60% of B; A and B each hold 30% of C. Each of X and Y holds 30%
    // of C: no designated person holds more than 50%, and no joint arrangement ties them.
    check(
        &[own("X", "A", "60"), own("Y", "B", "60"), own("A", "C", "30"), own("B", "C", "30")],
        &["X", "Y"],
        &[
            ("A", Blocked, Blocked, Blocked),
            ("B", Blocked, Blocked, Blocked),
            ("C", Blocked, Blocked, NotBlocked),
        ],
    );
}

#[test]
fn uk_attributes_along_a_chain_of_owned_entities() {
    // X owns 60% of A, A 60% of B: B is X's. B and X each hold 30% of C: 60% is X's.
    check(
        &[own("X", "A", "60"), own("A", "B", "60"), own("B", "C", "30"), own("X", "C", "30")],
        &["X"],
        &[("B", Blocked, Blocked, Blocked), ("C", Blocked, Blocked, Blocked)],
    );
}

#[test]
fn uk_attribution_with_stake_intervals() {
    // X owns 60% of A; A holds 20-40% of C and X 20%: 40-60% is X's, more than 50% only at the
    // high end, so C is for review (and for review under OFAC and the EU, 40-60% in the
    // aggregate). With A at 25-50% of a holding X owns only 40-60% of, D is for review too.
    check(
        &[
            own("X", "A", "60"),
            own("A", "C", "20-40"),
            own("X", "C", "20"),
            own("X", "E", "40-60"),
            own("E", "D", "31"),
            own("X", "D", "25"),
        ],
        &["X"],
        &[("C", Review, Review, Review), ("E", Review, Review, Review), ("D", Review, Review, Review)],
    );
}

#[test]
fn uk_attribution_names_the_designated_person_in_its_explanation_and_paths() {
    let graph = named_graph(
        &[own("x", "A", "60"), own("x", "C", "25"), own("A", "C", "30")],
        &[("x", "X"), ("A", "Alpha"), ("C", "Charlie")],
    );
    let seeds = seeds(&graph, &["x"]);
    let uk = compute(&graph, &seeds, RuleSet::Uk);
    let c = graph.find("C").unwrap();
    let finding = uk.finding(c).unwrap();
    assert_eq!(finding.basis, Basis::Attributed { principal: graph.find("x").unwrap() });
    assert_eq!(
        finding.explanation,
        "owned 30% by Alpha (A), itself blocked and 25% by X (x), 55% held by X (x) directly or through entities \
         it owns or controls, under the UK more-than-50% rule"
    );
    let mut paths: Vec<String> = uk.paths(c).iter().map(|path| uk.describe_path(path)).collect();
    paths.sort();
    assert_eq!(paths, ["X (x) -25%-> Charlie (C)", "X (x) -60%-> Alpha (A) -30%-> Charlie (C)"]);
}

#[test]
fn cycles_reach_a_fixed_point() {
    // A and B own 60% of each other and nobody listed holds them: neither is blocked (the
    // least fixed point, not "blocked because blocked").
    check(&[own("A", "B", "60"), own("B", "A", "60")], &[], &[("A", NotBlocked, NotBlocked, NotBlocked)]);
    // X holds 40% of A and 50% of B; B holds 10% of A; A holds 20% of B and all of C. B is
    // blocked (50%), then A (40% + 10%), then C.
    check(
        &[
            own("X", "A", "40"),
            own("X", "B", "50"),
            own("B", "A", "10"),
            own("A", "B", "20"),
            own("A", "C", "100"),
        ],
        &["X"],
        &[
            ("B", Blocked, Blocked, NotBlocked),
            ("A", Blocked, Blocked, NotBlocked),
            ("C", Blocked, Blocked, NotBlocked),
        ],
    );
    // A cycle through a listed party: X holds 50% of A, A 50% of B, B 50% of X.
    check(
        &[own("X", "A", "50"), own("A", "B", "50"), own("B", "X", "50")],
        &["X"],
        &[("X", Listed, Listed, Listed), ("B", Blocked, Blocked, NotBlocked)],
    );
}

#[test]
fn intervals_give_blocked_not_blocked_or_review() {
    check(
        &[
            own("X", "A", "25-50"),
            own("X", "B", "25-50"),
            own("Y", "B", "25"),
            own("X", "C", "0 to 40%"),
            own("Y", "C", "5"),
            own("X", "D", ""),
            own("X", "E", "50 to 75%"),
        ],
        &["X", "Y"],
        &[
            ("A", Review, Review, NotBlocked),
            ("B", Blocked, Blocked, NotBlocked),
            ("C", NotBlocked, NotBlocked, NotBlocked),
            ("D", Review, Review, Review),
            ("E", Blocked, Blocked, Review),
        ],
    );
}

#[test]
fn review_propagates_as_review() {
    // A is for review (25-50%); A holds all of B: B is for review, never blocked.
    // Under the UK test A is not blocked even at 50% (not more than 50%), so neither is B.
    check(&[own("X", "A", "25-50"), own("A", "B", "100")], &["X"], &[("B", Review, Review, NotBlocked)]);
}

#[test]
fn two_sources_for_one_holding_make_an_interval() {
    // Two sources say X holds 30% of A: the same 30%, or two tranches of 60%. Not a guess:
    // [30, 60], for review.
    let mut second = own("X", "A", "30");
    second.source = "registry".into();
    check(&[own("X", "A", "30"), second], &["X"], &[("A", Review, Review, Review)]);
}

#[test]
fn expired_and_future_edges_do_not_count() {
    let dated = |stake, start: Option<&str>, end: Option<&str>, owned: &str| Edge {
        start: start.map(|d| PartialDate::parse_iso(d).unwrap()),
        end: end.map(|d| PartialDate::parse_iso(d).unwrap()),
        ..own("X", owned, stake)
    };
    check(
        &[
            dated("60", Some("2015-01-01"), Some("2020-01-01"), "ended"),
            dated("60", Some("2027-01-01"), None, "future"),
            dated("60", Some("2015-01-01"), Some("2026"), "ends_this_year"),
            dated("60", Some("2026-06-01"), Some("2026-06-01"), "one_day"),
            dated("60", None, Some("2026-05-31"), "ended_yesterday"),
        ],
        &["X"],
        &[
            ("ended", NotBlocked, NotBlocked, NotBlocked),
            ("future", NotBlocked, NotBlocked, NotBlocked),
            ("ends_this_year", Blocked, Blocked, Blocked),
            ("one_day", Blocked, Blocked, Blocked),
            ("ended_yesterday", NotBlocked, NotBlocked, NotBlocked),
        ],
    );
}

fn named_graph(edges: &[Edge], names: &[(&str, &str)]) -> OwnershipGraph {
    let mut builder = GraphBuilder::new();
    for (key, name) in names {
        builder.name(key, name);
    }
    for edge in edges {
        builder.add(edge);
    }
    builder.build(as_of())
}

#[test]
fn explanation_names_holders_stakes_and_the_aggregate() {
    let graph = named_graph(
        &[own("us_ofac_sdn:123", "A", "30"), own("us_ofac_sdn:456", "A", "25")],
        &[("us_ofac_sdn:123", "X"), ("us_ofac_sdn:456", "Y")],
    );
    let seeds = seeds(&graph, &["us_ofac_sdn:123", "us_ofac_sdn:456"]);
    let a = graph.find("A").unwrap();
    let ofac = compute(&graph, &seeds, RuleSet::Ofac).finding(a).unwrap();
    assert_eq!(
        ofac.explanation,
        "owned 30% by X (us_ofac_sdn:123) and 25% by Y (us_ofac_sdn:456), 55% in the aggregate under the OFAC 50% rule"
    );
    assert_eq!(ofac.total, Some(Stake::exactly(Percent::whole(55))));
    assert_eq!(ofac.contributions[0].sources, vec!["us_ofac_sdn:123->A".to_string()]);
    assert!(compute(&graph, &seeds, RuleSet::Uk).finding(a).is_none());
}

#[test]
fn explanations_of_the_uk_single_holder_joint_arrangement_control_and_review() {
    let graph = named_graph(
        &[
            own("x", "B", "51"),
            joint("x", "J", "30", "pact"),
            joint("z", "J", "25", "pact"),
            control("x", "C", ControlKind::Other),
            own("x", "R", "25-50"),
        ],
        &[("x", "X"), ("z", "Z")],
    );
    let seeds = seeds(&graph, &["x"]);
    let uk = compute(&graph, &seeds, RuleSet::Uk);
    let explain = |key: &str| uk.finding(graph.find(key).unwrap()).unwrap().explanation;
    assert_eq!(
        explain("B"),
        "owned 51% by X (x), more than 50% held by one designated person under the UK more-than-50% rule"
    );
    assert_eq!(
        explain("J"),
        "owned 30% by X (x) and 25% by Z (z), not blocked under joint arrangement \"pact\", 55% held jointly under the UK \
         more-than-50% rule"
    );
    assert_eq!(
        explain("C"),
        "controlled (other control) by X (x) under the UK more-than-50% rule: for review (control other than board \
         appointment needs an assessment of the facts)"
    );
    let eu = compute(&graph, &seeds, RuleSet::Eu);
    assert_eq!(
        eu.finding(graph.find("R").unwrap()).unwrap().explanation,
        "owned 25-50% by X (x), 25-50% in the aggregate under the EU 50% rule: for review (the threshold is met only \
         at the high ends of the stakes, or through a holder itself for review)"
    );
}

/// The done-when case of issue 15: WANG Junzheng (SDN 31492) holds 60% of a holding company
/// that holds 50% of an operating company: the operating company is blocked under OFAC, with
/// its two-step path.
#[test]
fn issue_15_two_level_chain_from_wang_junzheng() {
    let graph = named_graph(
        &[own("us_ofac_sdn:31492", "holding", "60"), own("holding", "operating", "50")],
        &[
            ("us_ofac_sdn:31492", "WANG, Junzheng"),
            ("holding", "Example Holding Ltd"),
            ("operating", "Example Operating Co"),
        ],
    );
    let seeds = seeds(&graph, &["us_ofac_sdn:31492"]);
    let outcome = compute(&graph, &seeds, RuleSet::Ofac);
    let operating = graph.find("operating").unwrap();
    assert_eq!(outcome.status(operating), Blocked);
    assert_eq!(outcome.derived(), vec![graph.find("holding").unwrap(), operating]);
    let paths = outcome.paths(operating);
    assert_eq!(paths.len(), 1);
    assert_eq!(
        outcome.describe_path(&paths[0]),
        "WANG, Junzheng (us_ofac_sdn:31492) -60%-> Example Holding Ltd (holding) -50%-> Example Operating Co (operating)"
    );
    assert_eq!(
        outcome.finding(operating).unwrap().explanation,
        "owned 50% by Example Holding Ltd (holding), itself blocked, 50% in the aggregate under the OFAC 50% rule"
    );
}

#[test]
fn paths_of_an_aggregate_lead_to_every_listed_holder() {
    let graph = graph(&[own("X", "A", "50"), own("Y", "B", "30"), own("A", "B", "20")]);
    let seeds = seeds(&graph, &["X", "Y"]);
    let outcome = compute(&graph, &seeds, RuleSet::Ofac);
    let described: Vec<String> =
        outcome.paths(graph.find("B").unwrap()).iter().map(|p| outcome.describe_path(p)).collect();
    assert_eq!(described, vec!["Y -30%-> B", "X -50%-> A -20%-> B"]);
}

#[test]
fn percentages_and_bands_parse() {
    let stake = |text: &str| Stake::parse(text).map(|s| s.to_string());
    assert_eq!(stake("30"), Some("30%".into()));
    assert_eq!(stake(" 12.5 % "), Some("12.5%".into()));
    assert_eq!(stake("25-50"), Some("25-50%".into()));
    assert_eq!(stake("25 – 50%"), Some("25-50%".into()));
    assert_eq!(stake("50 to 75%"), Some("50-75%".into()));
    assert_eq!(stake(""), Some("0-100%".into()));
    assert_eq!(stake("unknown"), Some("0-100%".into()));
    assert_eq!(stake("33.333333"), Some("33.3333-33.3334%".into()));
    assert_eq!(stake("101"), None);
    assert_eq!(stake("50-25"), None);
    assert_eq!(stake("about half"), None);
    assert_eq!(ControlKind::parse("Board appointment"), Some(ControlKind::BoardAppointment));
    assert_eq!(ControlKind::parse("perhaps"), None);
}

#[test]
fn csv_reads_ids_names_bands_dates_control_and_arrangements() {
    let text =
        "owner,owner_name,owned,owned_name,percentage,start_date,end_date,source,control,joint_arrangement\n\
                us_ofac_sdn:31492,\"WANG, Junzheng\",GB-123,Holding Ltd,60,2020-01-01,,registry,,\n\
                GB-123,,GB-456,Operating Ltd,25-50,,2030,kyc,board,\n\
                GB-123,,GB-789,,,,,,other,\n\
                Z,,GB-789,,20,,,,,p1\n";
    let file = read_csv(text.as_bytes(), "edges.csv").unwrap();
    assert_eq!(file.edges.len(), 5);
    assert_eq!(
        file.edges[0].kind,
        EdgeKind::Ownership { stake: Stake::exactly(Percent::whole(60)), joint_arrangement: None }
    );
    assert_eq!(file.edges[0].start, PartialDate::parse_iso("2020-01-01"));
    assert_eq!(file.edges[1].kind, EdgeKind::Control(ControlKind::BoardAppointment));
    assert_eq!(
        file.edges[2].kind,
        EdgeKind::Ownership {
            stake: Stake::between(Percent::whole(25), Percent::whole(50)),
            joint_arrangement: None
        }
    );
    assert_eq!(file.edges[2].end, PartialDate::parse_iso("2030"));
    assert_eq!(file.edges[3].kind, EdgeKind::Control(ControlKind::Other));
    assert_eq!(file.edges[3].source, "edges.csv line 4");
    assert_eq!(
        file.edges[4].kind,
        EdgeKind::Ownership {
            stake: Stake::exactly(Percent::whole(20)),
            joint_arrangement: Some("p1".into())
        }
    );
    assert!(file.names.contains(&("us_ofac_sdn:31492".into(), "WANG, Junzheng".into())));
}

#[test]
fn csv_errors_name_the_line_and_field() {
    let error = |text: &str| read_csv(text.as_bytes(), "edges.csv").unwrap_err().to_string();
    assert_eq!(
        error("owner,owned,percentage\nX,A,30\nX,B,about half\n"),
        "edges.csv, line 3, field percentage: \"about half\" is not a percentage: write 30, 30%, a band 25-50 or 50 \
         to 75%, or leave it empty if unknown"
    );
    assert_eq!(
        error("owner,owned,start_date\nX,A,yesterday\n"),
        "edges.csv, line 2, field start_date: \"yesterday\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    );
    assert_eq!(
        error("owner,owned\n,A\n"),
        "edges.csv, line 2, field owner: empty: the holder's id or name is required"
    );
    assert_eq!(
        error("owner,owned,control\nX,A,maybe\n"),
        "edges.csv, line 2, field control: \"maybe\" is not a control: write board, other, or leave it empty"
    );
    assert_eq!(
        error("holder,company\nX,A\n"),
        "edges.csv, line 1: no `owner` column (the holder's id or name)"
    );
    assert!(
        error("owner,owned\nX,A,30\n").starts_with("edges.csv, line 2: "),
        "{}",
        error("owner,owned\nX,A,30\n")
    );
}

#[test]
fn ftm_errors_name_the_line_and_property() {
    let error = |text: &str| read_ftm(text.as_bytes(), "o.json").unwrap_err().to_string();
    assert_eq!(
        error("\n{\"id\": \"o1\", \"schema\": \"Ownership\", \"properties\": {\"asset\": [\"a\"]}}\n"),
        "o.json, line 2, field owner: missing: the Ownership entity o1 names no owner"
    );
    assert!(error("{not json}\n").starts_with("o.json, line 1: not a JSON object"));
    assert_eq!(
        error("{\"id\": \"o1\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"p\"], \"asset\": [\"a\"], \"percentage\": [\"lots\"]}}"),
        "o.json, line 1, field percentage: \"lots\" is not a percentage"
    );
}

/// Golden test on the real `OpenSanctions` excerpt `yente_zala_entities.ftm.json` (14 `Ownership`
/// entities around the ZALA drone maker): the edges read, and what each rule set derives from
/// its listed persons as seeds on the excerpt's last date. `UPDATE_EXPECT=1` rewrites the
/// expected file.
#[test]
fn ftm_golden_zala() {
    let shared = std::env::var_os("WARD_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = shared.join("lists/opensanctions-ftm/yente_zala_entities.ftm.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // Straight to stderr, past the harness's capture, so a skip is never silent.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {} not found (the shared data is absent on a fresh clone)",
            path.display()
        );
        return;
    };
    let file = read_ftm(text.as_bytes(), "yente_zala_entities.ftm.json").unwrap();
    assert_eq!(file.edges.len(), 14);
    let mut builder = GraphBuilder::new();
    for (key, name) in &file.names {
        builder.name(key, name);
    }
    for edge in &file.edges {
        builder.add(edge);
    }
    // Seeds per rule set: the persons and companies the excerpt says are on the rule set's lists.
    let entities: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let listed_keys = |datasets: &[&str]| -> Vec<String> {
        entities
            .iter()
            .filter(|e| {
                matches!(e["schema"].as_str(), Some("Person" | "Company" | "Organization" | "LegalEntity"))
            })
            .filter(|e| {
                e["datasets"].as_array().unwrap().iter().any(|d| datasets.contains(&d.as_str().unwrap()))
            })
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut actual = String::new();
    for edge in &file.edges {
        actual.push_str(&format!("{}\n", serde_json::to_string(edge).unwrap()));
    }
    // The last date of the excerpt, and one in 2022 when more of the Russian registry's
    // holdings were in force.
    for date in ["2022-06-01", "2026-04-29"] {
        let mut builder = GraphBuilder::new();
        for (key, name) in &file.names {
            builder.name(key, name);
        }
        for edge in &file.edges {
            builder.add(edge);
        }
        let graph = builder.build(PartialDate::parse_iso(date).unwrap());
        for (rules, datasets) in [
            (RuleSet::Ofac, &["us_ofac_sdn"][..]),
            (RuleSet::Eu, &["eu_fsf"][..]),
            (RuleSet::Uk, &["gb_hmt_sanctions", "gb_fcdo_sanctions"][..]),
        ] {
            let seeds: Vec<PartyId> = listed_keys(datasets).iter().filter_map(|k| graph.find(k)).collect();
            let outcome = compute(&graph, &seeds, rules);
            actual.push_str(&format!("\n== {rules} as of {date} (seeds: {})\n", seeds.len()));
            for party in outcome.derived() {
                let finding = outcome.finding(party).unwrap();
                let label = graph.party(party).label();
                actual.push_str(&format!("{:?} {label}: {}\n", finding.status, finding.explanation));
            }
        }
    }
    let expected_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/ownership/yente_zala.expected.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(actual, expected, "run with UPDATE_EXPECT=1 to rewrite {}", expected_path.display());
}

/// Every derived result's one-step proof holds: the holders it names are blocked (or for
/// review) before it, and their stakes meet the rule's threshold on the right end.
fn proof_holds(outcome: &Outcome<'_>, party: PartyId) {
    let Some(finding) = outcome.finding(party) else { return };
    let rule = outcome.rules().rule();
    let counted = |c: &Contribution| c.owner_status != Status::NotBlocked;
    let sum: u64 = finding
        .contributions
        .iter()
        .filter(|c| counted(c) || matches!(finding.basis, Basis::JointArrangement { .. }))
        .filter_map(|c| c.stake)
        .map(|s| u64::from(if finding.status == Status::Blocked { s.low.units() } else { s.high.units() }))
        .sum();
    match finding.basis {
        Basis::Control => assert!(finding.contributions.iter().all(counted)),
        _ => assert!(rule.meets(sum), "{finding:?}"),
    }
    assert!(finding.contributions.iter().any(counted), "{finding:?}");
    assert!(!outcome.paths(party).is_empty(), "{finding:?}");
}

/// The reference: start from the seeds and sweep over every party until nothing changes,
/// testing each from scratch against the graph's holdings and control links. Under the UK test
/// it sweeps over (designated person, party) pairs: a party is held by a designated person when
/// the holdings in it of that person and of the parties held by it add up to more than 50%, one
/// of them is under a joint arrangement that meets the threshold, or one of them controls it.
fn brute_force(graph: &OwnershipGraph, seeds: &[PartyId], rules: RuleSet, high: bool) -> Vec<bool> {
    let rule = rules.rule();
    let bound = |s: Stake| u64::from(if high { s.high.units() } else { s.low.units() });
    let n = graph.parties().len();
    let by_control = |party: PartyId, held: &dyn Fn(PartyId) -> bool| {
        graph.controls_in(party).iter().map(|&c| graph.control(c)).any(|c| {
            let effect = match c.kind {
                ControlKind::BoardAppointment => rule.board_appointment,
                ControlKind::Other => rule.other_control,
            };
            held(c.controller)
                && (effect == ControlEffect::Blocks || (effect == ControlEffect::Review && high))
        })
    };
    // held[principal][party]; one row (every party as its own principal) when holders add up.
    let principals: Vec<PartyId> = match rule.aggregation {
        Aggregation::AllBlockedHolders => vec![PartyId::MAX],
        Aggregation::JointArrangementOnly => seeds.to_vec(),
    };
    let mut held = vec![vec![false; n]; principals.len()];
    for (row, &principal) in principals.iter().enumerate() {
        for &seed in seeds {
            if principal == PartyId::MAX || principal == seed {
                held[row][seed as usize] = true;
            }
        }
    }
    loop {
        let mut changed = false;
        for row in &mut held {
            for party in 0..n as u32 {
                if row[party as usize] {
                    continue;
                }
                let holdings: Vec<&Holding> = graph
                    .holdings_in(party)
                    .iter()
                    .map(|&h| graph.holding(h))
                    .filter(|h| row[h.owner as usize])
                    .collect();
                let total: u64 = holdings.iter().map(|h| bound(h.stake)).sum();
                let joint = holdings.iter().filter_map(|h| h.arrangement).any(|a| {
                    rule.meets(
                        graph.arrangement(a).holdings.iter().map(|&m| bound(graph.holding(m).stake)).sum(),
                    )
                });
                let by_ownership = match rule.aggregation {
                    Aggregation::AllBlockedHolders => rule.meets(total),
                    Aggregation::JointArrangementOnly => rule.meets(total) || joint,
                };
                if by_ownership || by_control(party, &|p: PartyId| row[p as usize]) {
                    row[party as usize] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return (0..n).map(|party| held.iter().any(|row| row[party])).collect();
        }
    }
}

const STAKES: &[&str] =
    &["0", "10", "20", "25", "30", "40", "49", "50", "51", "60", "100", "25-50", "0-40", "50-75", ""];

fn random_edge(n_parties: u32) -> impl Strategy<Value = Edge> {
    (0..n_parties, 0..n_parties, 0..STAKES.len(), 0u8..8).prop_map(|(owner, owned, stake, kind)| {
        let (owner, owned) = (format!("p{owner}"), format!("p{owned}"));
        match kind {
            0 => control(&owner, &owned, ControlKind::BoardAppointment),
            1 => control(&owner, &owned, ControlKind::Other),
            2 => joint(&owner, &owned, STAKES[stake], "j"),
            _ => own(&owner, &owned, STAKES[stake]),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn worklist_matches_brute_force(
        edges in prop::collection::vec(random_edge(7), 0..18),
        seed_mask in 0u8..128,
    ) {
        let mut builder = GraphBuilder::new();
        for party in 0..7 {
            builder.party(&format!("p{party}"));
        }
        for edge in &edges {
            builder.add(edge);
        }
        let graph = builder.build(as_of());
        let seeds: Vec<PartyId> = (0..7).filter(|p| seed_mask & (1 << p) != 0).collect();
        for rules in RuleSet::ALL {
            let outcome = compute(&graph, &seeds, rules);
            let certain = brute_force(&graph, &seeds, rules, false);
            let possible = brute_force(&graph, &seeds, rules, true);
            for party in 0..7u32 {
                let expect = if seeds.contains(&party) {
                    Status::Listed
                } else if certain[party as usize] {
                    Status::Blocked
                } else if possible[party as usize] {
                    Status::Review
                } else {
                    Status::NotBlocked
                };
                prop_assert_eq!(outcome.status(party), expect, "p{} under {}", party, rules);
                proof_holds(&outcome, party);
            }
        }
    }
}

/// The parties of the incremental property test.
const N_INCREMENTAL_PARTIES: u32 = 8;

/// One change in the incremental property test.
#[derive(Debug, Clone)]
enum Change {
    /// The listed parties become those of the mask.
    Seeds(u16),
    /// A new ownership version: its edges, the order its parties are added in (a rotation, so
    /// that ids differ between versions) and the parties added even without edges (a mask).
    Edges(Vec<Edge>, u32, u16),
}

fn random_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0u16..1 << N_INCREMENTAL_PARTIES).prop_map(Change::Seeds),
        (
            prop::collection::vec(random_edge(N_INCREMENTAL_PARTIES), 0..20),
            0..N_INCREMENTAL_PARTIES,
            0u16..1 << N_INCREMENTAL_PARTIES
        )
            .prop_map(|(edges, rotation, present)| Change::Edges(edges, rotation, present)),
    ]
}

/// A graph of `edges` whose parties are added in a rotated order, the parties of `present`
/// first.
fn rotated_graph(edges: &[Edge], rotation: u32, present: u16) -> OwnershipGraph {
    let mut builder = GraphBuilder::new();
    for index in 0..N_INCREMENTAL_PARTIES {
        let party = (index + rotation) % N_INCREMENTAL_PARTIES;
        if present & (1 << party) != 0 {
            builder.party(&format!("p{party}"));
        }
    }
    for edge in edges {
        builder.add(edge);
    }
    builder.build(as_of())
}

/// The parties of the mask that are in the graph.
fn masked_seeds(graph: &OwnershipGraph, mask: u16) -> Vec<PartyId> {
    (0..N_INCREMENTAL_PARTIES)
        .filter(|p| mask & (1 << p) != 0)
        .filter_map(|p| graph.find(&format!("p{p}")))
        .collect()
}

/// Every party's status under a full computation, by key.
fn statuses(
    graph: &OwnershipGraph,
    seeds: &[PartyId],
    rules: RuleSet,
) -> std::collections::BTreeMap<String, Status> {
    let outcome = compute(graph, seeds, rules);
    (0..graph.parties().len() as PartyId).map(|p| (graph.party(p).key.clone(), outcome.status(p))).collect()
}

/// The changes a full computation before and after implies, sorted by key.
fn expected_changes(
    before: &std::collections::BTreeMap<String, Status>,
    after: &std::collections::BTreeMap<String, Status>,
) -> Vec<(String, Status, Status)> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let old = before.get(key).copied().unwrap_or(Status::NotBlocked);
            let new = after.get(key).copied().unwrap_or(Status::NotBlocked);
            (old != new).then(|| (key.clone(), old, new))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]
    /// After any sequence of seed and edge changes, the incrementally updated fixed point gives
    /// every party the status of a full computation, proofs that hold, and reports exactly the
    /// parties whose status changed.
    #[test]
    fn incremental_matches_full_recompute(
        edges in prop::collection::vec(random_edge(N_INCREMENTAL_PARTIES), 0..20),
        seed_mask in 0u16..1 << N_INCREMENTAL_PARTIES,
        changes in prop::collection::vec(random_change(), 1..6),
    ) {
        for rules in RuleSet::ALL {
            let mut graph = rotated_graph(&edges, 0, u16::MAX);
            let mut mask = seed_mask;
            let mut fixed = FixedPoint::compute(&graph, &masked_seeds(&graph, mask), rules);
            for change in &changes {
                let before = statuses(&graph, &masked_seeds(&graph, mask), rules);
                let reported = match change {
                    Change::Seeds(new_mask) => {
                        mask = *new_mask;
                        fixed.change_seeds(&graph, &masked_seeds(&graph, mask))
                    }
                    Change::Edges(new_edges, rotation, present) => {
                        let new_graph = rotated_graph(new_edges, *rotation, *present);
                        let (rebased, reported) =
                            fixed.rebase(&graph, &new_graph, &masked_seeds(&new_graph, mask));
                        fixed = rebased;
                        graph = new_graph;
                        reported
                    }
                };
                let seeds = masked_seeds(&graph, mask);
                let after = statuses(&graph, &seeds, rules);
                let outcome = fixed.outcome(&graph);
                for party in 0..graph.parties().len() as PartyId {
                    let key = &graph.party(party).key;
                    prop_assert_eq!(outcome.status(party), after[key], "{} under {} after {:?}", key, rules, change);
                    proof_holds(&outcome, party);
                }
                let mut reported: Vec<(String, Status, Status)> =
                    reported.into_iter().map(|c| (c.key, c.before, c.after)).collect();
                reported.sort_by(|x, y| x.0.cmp(&y.0));
                prop_assert_eq!(reported, expected_changes(&before, &after), "under {} after {:?}", rules, change);
            }
        }
    }
}

#[test]
fn incremental_unblocks_a_cycle_when_its_seed_is_delisted() {
    // A cycle of two companies, each 60% owned by the other, held 50% by a listed person: the
    // whole cycle is blocked; delisting the person must unblock both, though each still holds
    // the other.
    let edges = [own("person", "a", "50"), own("a", "b", "60"), own("b", "a", "60")];
    let graph = graph(&edges);
    let person = graph.find("person").unwrap();
    let (a, b) = (graph.find("a").unwrap(), graph.find("b").unwrap());
    for rules in [RuleSet::Ofac, RuleSet::Eu] {
        let mut fixed = FixedPoint::compute(&graph, &[person], rules);
        assert_eq!((fixed.status(a), fixed.status(b)), (Blocked, Blocked), "{rules}");
        let mut changes = fixed.change_seeds(&graph, &[]);
        changes.sort_by(|x, y| x.key.cmp(&y.key));
        let summary: Vec<(&str, Status, Status)> =
            changes.iter().map(|c| (c.key.as_str(), c.before, c.after)).collect();
        assert_eq!(
            summary,
            [("a", Blocked, NotBlocked), ("b", Blocked, NotBlocked), ("person", Listed, NotBlocked)],
            "{rules}"
        );
        let changes = fixed.change_seeds(&graph, &[person]);
        assert_eq!(changes.len(), 3, "{rules}: {changes:?}");
        assert_eq!((fixed.status(a), fixed.status(b)), (Blocked, Blocked), "{rules}");
    }
}

#[test]
fn incremental_divestment_unblocks_the_operating_company() {
    // Issue 15's two-level chain; a new ownership version in which the holding sold its stake.
    let chain = [own("us_ofac_sdn:31492", "GB-HOLD-1", "60"), own("GB-HOLD-1", "GB-OPCO-2", "50")];
    let divested = [own("us_ofac_sdn:31492", "GB-HOLD-1", "60"), own("GB-HOLD-1", "GB-OPCO-2", "10")];
    let before = graph(&chain);
    let after = graph(&divested);
    let fixed = FixedPoint::compute(&before, &seeds(&before, &["us_ofac_sdn:31492"]), RuleSet::Ofac);
    let (rebased, changes) = fixed.rebase(&before, &after, &seeds(&after, &["us_ofac_sdn:31492"]));
    let summary: Vec<(&str, Status, Status)> =
        changes.iter().map(|c| (c.key.as_str(), c.before, c.after)).collect();
    assert_eq!(summary, [("GB-OPCO-2", Blocked, NotBlocked)]);
    assert_eq!(rebased.status(after.find("GB-HOLD-1").unwrap()), Blocked);
}

/// A listed subject of one record.
fn listed(dataset: &str, record: &str, schema: ward_model::Schema, name: &str) -> ward_model::Subject {
    let mut entity = ward_model::Entity::new(dataset, record, schema);
    entity.add_name(ward_model::Name::new(name, ward_model::NameKind::Primary));
    ward_model::Subject { id: entity.id.clone(), records: vec![entity] }
}

#[test]
fn parties_tie_by_referent_exact_name_and_recorded_tie() {
    use crate::tie::{parties_of, tie_graph, PartyTie, TieMethod};
    let subjects = vec![
        listed("us_ofac_sdn", "31492", ward_model::Schema::Person, "WANG, Junzheng"),
        listed("us_ofac_sdn", "9", ward_model::Schema::Company, "Acme Trading"),
    ];
    let text = "owner,owner_name,owned,owned_name,percentage\n\
                us_ofac_sdn:31492,,H,Holding,60\n\
                P-2,acme trading,H,,5\n\
                P-3,Junzheng Wang,O,Operating,50\n\
                H,,O,,10\n";
    let file = read_csv(text.as_bytes(), "edges.csv").unwrap();
    let mut parties = parties_of(&file);
    assert_eq!(
        parties.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
        ["H", "O", "P-2", "P-3", "us_ofac_sdn:31492"]
    );
    // P-3 is named otherwise than on the list: tied only by a recorded (matcher) tie.
    let tied = tie_graph(&file.edges, &parties, &subjects, as_of());
    assert_eq!(tied.counts.get(&TieMethod::Referent), Some(&1));
    assert_eq!(tied.counts.get(&TieMethod::ExactName), Some(&1));
    assert_eq!(tied.subject_of.len(), 2);
    let outcome = compute(&tied.graph, &tied.seeds(&subjects, RuleSet::Ofac), RuleSet::Ofac);
    assert_eq!(outcome.status(tied.graph.find("O").unwrap()), Status::NotBlocked);

    let p3 = parties.iter_mut().find(|p| p.key == "P-3").unwrap();
    p3.tie =
        Some(PartyTie { referent: "us_ofac_sdn:31492".into(), method: TieMethod::Matcher, score: Some(0.9) });
    let tied = tie_graph(&file.edges, &parties, &subjects, as_of());
    assert_eq!(tied.counts.get(&TieMethod::Matcher), Some(&1));
    let outcome = compute(&tied.graph, &tied.seeds(&subjects, RuleSet::Ofac), RuleSet::Ofac);
    let operating = tied.graph.find("O").unwrap();
    assert_eq!(outcome.status(operating), Status::Blocked);

    // A recorded tie to a record no longer listed falls back to the other ways.
    let gone = vec![subjects[1].clone()];
    let tied = tie_graph(&file.edges, &parties, &gone, as_of());
    assert_eq!(tied.counts.values().sum::<usize>(), 1);
}

#[test]
fn derived_subjects_carry_the_topic_explanation_and_path_and_no_designation() {
    use crate::derived::{derived_subjects, DERIVED_DATASET, TOPIC_LINKED};
    use crate::tie::{parties_of, tie_graph};
    let subjects = vec![listed("us_ofac_sdn", "31492", ward_model::Schema::Person, "WANG, Junzheng")];
    let text = "owner,owned,owned_name,percentage\n\
                us_ofac_sdn:31492,H,Holding,60\n\
                H,O,Operating,50\n\
                H,S,Small,20\n";
    let file = read_csv(text.as_bytes(), "edges.csv").unwrap();
    let tied = tie_graph(&file.edges, &parties_of(&file), &subjects, as_of());
    let derived = derived_subjects(&tied, &subjects);
    // The EU and UK lists are not among the subjects: only the OFAC rule is computed.
    assert_eq!(
        derived.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["ward_ownership:H", "ward_ownership:O"]
    );
    let operating = &derived[1].records[0];
    assert_eq!(operating.dataset, DERIVED_DATASET);
    assert_eq!(operating.caption(), "Operating");
    assert!(operating.designations.is_empty());
    assert_eq!(operating.properties["topics"], [TOPIC_LINKED]);
    assert_eq!(
        operating.notes,
        [
            "Derived, not listed: blocked under the OFAC 50% rule: owned 50% by Holding (H), itself blocked, 50% \
             in the aggregate under the OFAC 50% rule",
            "Path under the OFAC 50% rule: WANG, Junzheng (us_ofac_sdn:31492) -60%-> Holding (H) -50%-> \
             Operating (O)",
        ]
    );
}
