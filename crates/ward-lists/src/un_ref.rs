//! UN Security Council reference numbers ("QDi.001", "KPe.066", the older "QI.A.86.03"), as
//! the national lists cite them: recognised, written the UN's way, and turned into links to the
//! UN records.

/// The current-style UN reference numbers ("CFe.002", "QDi.115") a free text cites, in order.
pub(crate) fn un_references_cited(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | ':'))
    {
        let word = word.trim_end_matches('.');
        if word.len() == 7 && is_un_reference(word) {
            let reference = normalize_un_reference(word);
            if !out.contains(&reference) {
                out.push(reference);
            }
        }
    }
    out
}

/// Links to the UN records whose reference numbers `text` cites, except `own`.
pub(crate) fn link_un_references(entity: &mut ward_model::Entity, text: &str, own: Option<&str>) {
    for reference in un_references_cited(text) {
        if Some(reference.as_str()) == own {
            continue;
        }
        let link = ward_model::Link {
            kind: ward_model::LinkKind::Associate,
            target_id: Some(format!("un_sc_sanctions:{reference}")),
            target_name: None,
            description: Some(format!("UN reference {reference} cited in the record's remarks")),
        };
        if !entity.links.contains(&link) {
            entity.links.push(link);
        }
    }
}

/// Whether `token` has the shape of a UN Security Council reference number: "QDi.001",
/// "KPe.066", or the older "QI.A.86.03" / "TI.O.4.01".
pub(crate) fn is_un_reference(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    let letters = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [a, b] => letters(a, 3..=3) && digits(b, 3..=3),
        [a, b, c, d] => letters(a, 1..=2) && letters(b, 1..=1) && digits(c, 1..=4) && digits(d, 2..=2),
        _ => false,
    }
}

/// Writes a current-style UN reference the way the UN does ("QDI.282" -> "QDi.282",
/// "Qde.118" -> "QDe.118"), so that references from different lists compare equal.
pub(crate) fn normalize_un_reference(token: &str) -> String {
    let bytes = token.as_bytes();
    if bytes.len() == 7 && bytes[3] == b'.' && bytes[..3].iter().all(u8::is_ascii_alphabetic) {
        let mut out = token[..2].to_ascii_uppercase();
        out.push_str(&token[2..3].to_ascii_lowercase());
        out.push_str(&token[3..]);
        return out;
    }
    token.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_references() {
        assert!(is_un_reference("QDi.001"));
        assert!(is_un_reference("QI.A.86.03"));
        assert!(is_un_reference("TI.O.4.01"));
        assert!(!is_un_reference("GHR0086"));
        assert!(!is_un_reference("1822"));
        assert_eq!(normalize_un_reference("QDI.282"), "QDi.282");
        assert_eq!(normalize_un_reference("Qde.118"), "QDe.118");
        assert_eq!(normalize_un_reference("QI.A.86.03"), "QI.A.86.03");
    }
}
