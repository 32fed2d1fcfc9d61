//! One compiled query screened in two snapshots: taken as it is where the rarity table is shared,
//! compiled again where it is not, with the same hits either way.

use ward_engine::{MatchOptions, Query, RarityTable, Screener};
use ward_model::{Entity, Name, NameKind, Schema, Subject};

fn person(id: &str, name: &str) -> Subject {
    let mut entity = Entity::new("us_ofac_sdn", id, Schema::Person);
    entity.add_name(Name::new(name, NameKind::Primary));
    Subject { id: entity.id.clone(), records: vec![entity] }
}

#[test]
fn a_compiled_query_serves_every_snapshot_of_its_rarity_table() {
    let subjects = vec![person("1", "LAVROV, Sergei Viktorovich"), person("2", "BOUT, Viktor Anatolyevich")];
    let lists = Screener::build_with(subjects.clone(), RarityTable::Embedded);
    let affected = Screener::build_with(vec![subjects[0].clone()], RarityTable::Embedded);
    let counted = Screener::build(subjects);
    let query = Query::from_name("Sergei Lavrov");
    let options = MatchOptions::default();
    let compiled = affected.compile_query(&query);
    assert!(compiled.fits(&lists));
    assert!(!compiled.fits(&counted));
    assert_eq!(affected.candidates_of(&compiled, &options), vec![0]);
    for screener in [&lists, &counted] {
        let hits = screener.match_subjects_of(&compiled, &[0, 1], &options);
        assert_eq!(hits, screener.match_subjects(&query, &[0, 1], &options));
        assert!(hits[0].is_match, "{:?}", hits[0].comparison.explanations);
    }
}
