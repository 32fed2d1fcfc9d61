//! Prints what the readers make of files (a development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        match ward_payments::read_messages(&bytes) {
            Ok(m) => println!("{path}\n{}", serde_json::to_string_pretty(&m).unwrap()),
            Err(e) => println!("{path}: ERROR {e}"),
        }
    }
}
