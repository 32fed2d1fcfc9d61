//! The document against the router: every route described, defaults and limits from the
//! handlers' constants, references resolved, and serialized answers valid against their schemas
//! (the answers of every route are checked in `tests/http.rs`).

use super::{described, document};
use crate::error::{Error, ErrorCode};
use crate::extract::{DEFAULT_MATCH_LIMIT, MAX_LIMIT};
use crate::routes::routes;
use serde_json::{json, Value};
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
    let field = &doc["components"]["schemas"]["Field"];
    let serialized: Vec<Value> =
        ward_model::Field::ALL.iter().map(|field| serde_json::to_value(field).unwrap()).collect();
    assert_eq!(field["enum"].as_array().unwrap(), &serialized);
    assert!(doc["paths"]["/lists/{dataset}/diff"]["get"]["responses"]["404"].is_object());
}

/// A validator of the document's schema `name`, its references resolved in the document.
fn validator(doc: &Value, name: &str) -> jsonschema::Validator {
    let schema = json!({"$ref": format!("#/components/schemas/{name}"), "components": doc["components"]});
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn error_bodies_are_the_documented_error() {
    let doc = document();
    let validator = validator(&doc, "Error");
    let refusal = ward_engine::validate_query(&ward_engine::Query::default()).unwrap_err();
    let errors = ErrorCode::ALL
        .iter()
        .map(|&code| Error::new(code, "a message"))
        .chain([Error::not_screened("query \"q\"", &refusal)]);
    for error in errors {
        let body = serde_json::to_value(error.body()).unwrap();
        assert!(validator.validate(&body).is_ok(), "{body} is not the documented error");
    }
    // A body with a code the document does not list is refused: the schema holds the codes.
    let mut drifted = serde_json::to_value(Error::new(ErrorCode::Internal, "a message").body()).unwrap();
    drifted["code"] = json!("no_such_code");
    assert!(!validator.is_valid(&drifted));
}

/// A field the type serializes but the document lacks, or the reverse, fails validation: the
/// derived schemas are closed over what the types hold where the types are.
#[test]
fn a_drifted_payment_answer_fails_its_schema() {
    let doc = document();
    let validator = validator(&doc, "PaymentResponse");
    let hit = ward_payments::PaymentHit {
        field: "CdtTrfTxInf[0]/Cdtr/Nm".to_string(),
        value: "B Creditor Co".to_string(),
        kind: ward_payments::HitKind::Stripping,
        subject_id: "stripping:placeholder_name".to_string(),
        referents: Vec::new(),
        score: 1.0,
        explanations: vec!["the underlying creditor is a placeholder".to_string()],
    };
    let answer = crate::response::PaymentResponse {
        decision: ward_payments::Decision::Hold,
        messages: vec![ward_payments::MessageDecision {
            file: None,
            message_id: Some("MSG1".to_string()),
            uetr: None,
            format: "pacs.009.001.08".to_string(),
            decision: ward_payments::Decision::Hold,
            hits: vec![hit],
        }],
        list_versions: vec![1, 2],
        geography: "1 (2026-01-01)".to_string(),
    };
    let body = serde_json::to_value(&answer).unwrap();
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut drifted = body.clone();
    drifted["messages"][0]["hits"][0]["kind"] = json!("no_such_kind");
    assert!(!validator.is_valid(&drifted));
    let mut missing = body;
    missing["messages"][0].as_object_mut().unwrap().remove("decision");
    assert!(!validator.is_valid(&missing));
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
