//! The committed JSON Schemas must match the loader's types.

use std::path::Path;

#[test]
fn committed_schemas_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for (name, schema) in gatecheck::schema::all() {
        let expected = gatecheck::schema::text(&schema);
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == expected,
            "schema/{name} is stale: run `cargo run -- schema` and commit the result"
        );
    }
}

#[test]
fn the_suite_schema_describes_tests_and_matchers() {
    let (_, suite) = gatecheck::schema::all().remove(0);
    let text = suite.to_string();
    for word in [
        "\"tests\"",
        "\"request\"",
        "\"expect\"",
        "\"snapshot\"",
        "one_of",
        "\"additionalProperties\":false",
    ] {
        assert!(text.contains(word), "suite schema lacks {word}");
    }
}
