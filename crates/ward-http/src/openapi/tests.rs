//! The document against the router: every route described, defaults and limits from the
//! handlers' constants.

use super::{described, document};
use crate::extract::{DEFAULT_MATCH_LIMIT, MAX_LIMIT};
use crate::routes::routes;
use ward_engine::DEFAULT_THRESHOLD;

#[test]
fn every_route_of_the_router_is_documented() {
    let doc = document();
    let routes = routes();
    for route in &routes {
        let method = route.method.as_str().to_ascii_lowercase();
        let operation = &doc["paths"][route.path][method.as_str()];
        // 201 for a route that creates (a decision).
        assert!(
            operation["responses"]["200"].is_object() || operation["responses"]["201"].is_object(),
            "{} {} is not documented",
            route.method,
            route.path
        );
    }
    // Nothing is documented that the router does not serve.
    let described = described();
    let n_operations: usize =
        described["paths"].as_object().unwrap().values().map(|path| path.as_object().unwrap().len()).sum();
    assert_eq!(n_operations, routes.len());
}

#[test]
fn defaults_and_limits_are_the_handlers() {
    let doc = document();
    let parameters = doc["paths"]["/match/{dataset}"]["post"]["parameters"].as_array().unwrap();
    let parameter = |name: &str| parameters.iter().find(|p| p["name"] == name).unwrap().clone();
    let threshold = parameter("threshold")["description"].as_str().unwrap().to_string();
    assert!(threshold.contains(&format!("(default {DEFAULT_THRESHOLD})")), "{threshold}");
    let limit = parameter("limit");
    assert_eq!(limit["schema"]["maximum"], MAX_LIMIT);
    assert!(limit["description"].as_str().unwrap().contains(&format!("(default {DEFAULT_MATCH_LIMIT})")));
}

#[test]
fn diff_fields_are_the_model_fields_as_serialized() {
    let doc = document();
    let field = &doc["components"]["schemas"]["ListDiff"]["properties"]["amended"]["items"]["properties"]
        ["changes"]["items"]["properties"]["field"];
    let serialized: Vec<serde_json::Value> =
        ward_model::Field::ALL.iter().map(|field| serde_json::to_value(field).unwrap()).collect();
    assert_eq!(field["enum"].as_array().unwrap(), &serialized);
    assert!(doc["paths"]["/lists/{dataset}/diff"]["get"]["responses"]["404"].is_object());
}

/// The payment examples are messages the route screens.
#[test]
fn payment_examples_are_read() {
    let doc = document();
    let content = &doc["paths"]["/screen/payment"]["post"]["requestBody"]["content"];
    for (content_type, syntax) in
        [("application/xml", ward_payments::Syntax::Iso20022), ("text/plain", ward_payments::Syntax::SwiftMt)]
    {
        let example = content[content_type]["example"].as_str().unwrap();
        let messages = ward_payments::read_messages(example.as_bytes()).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].syntax, syntax);
    }
}
