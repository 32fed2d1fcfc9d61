//! A held payment on its alert page: the message as received, as text, with the field of each
//! hit marked (`<mark>`), and the hits with their subject, score and explanations.
//!
//! A hit's field is found in the raw text by its path: ISO 20022 `.../Cdtr/Nm` marks the `<Nm>`
//! elements holding the hit's value; SWIFT MT `59` marks the hit's value inside field `:59x:`
//! (the whole field where the value is not written as found). Where neither is found, every
//! occurrence of the value is marked, so a hit is never shown without a mark when its value is
//! in the message.

use crate::{segment, PREFIX};
use maud::{html, Markup};
use ward_store::{HoldHit, MessageSyntax, PaymentHold};

/// A byte range of the raw message to mark.
type Span = (usize, usize);

/// Every occurrence of `needle` in `haystack` from `from` to `until`, ignoring ASCII case.
fn occurrences(haystack: &str, needle: &str, from: usize, until: usize) -> Vec<Span> {
    if needle.is_empty() || until > haystack.len() || from >= until {
        return Vec::new();
    }
    // ASCII lowering keeps every byte offset.
    let lower = haystack[from..until].to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    lower.match_indices(&needle).map(|(at, found)| (from + at, from + at + found.len())).collect()
}

/// The value as the message may write it: as found, or XML-escaped.
fn spellings(value: &str) -> Vec<String> {
    let escaped = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    if escaped == value {
        vec![value.to_string()]
    } else {
        vec![value.to_string(), escaped]
    }
}

/// ISO 20022: the elements named by the path's last step whose content holds the value.
fn iso_spans(raw: &str, hit: &HoldHit) -> Vec<Span> {
    let leaf = hit.field.rsplit('/').next().unwrap_or(&hit.field);
    let leaf = leaf.split('[').next().unwrap_or(leaf);
    if leaf.is_empty() {
        return Vec::new();
    }
    let open = format!("<{leaf}");
    let close = format!("</{leaf}>");
    let mut spans = Vec::new();
    for (start, after_name) in occurrences(raw, &open, 0, raw.len()) {
        // `<Nm>` or `<Nm attr=...>`, not `<NmX>`.
        if !raw[after_name..].starts_with(['>', ' ']) {
            continue;
        }
        let Some(end) = raw[after_name..].find(&close).map(|at| after_name + at + close.len()) else {
            continue;
        };
        let holds_value =
            spellings(&hit.value).iter().any(|value| !occurrences(raw, value, start, end).is_empty());
        if holds_value {
            spans.push((start, end));
        }
    }
    spans
}

/// SWIFT MT: the value inside the field of the hit's tag (`59` finds `:59:`, `:59A:`, ...), or
/// the whole field; blocks (`block1`) are found as `{1:...}`.
fn mt_spans(raw: &str, hit: &HoldHit) -> Vec<Span> {
    let fields = if let Some(block) = hit.field.strip_prefix("block") {
        let open = format!("{{{block}:");
        occurrences(raw, &open, 0, raw.len())
            .into_iter()
            .filter_map(|(start, _)| raw[start..].find('}').map(|at| (start, start + at + 1)))
            .collect::<Vec<Span>>()
    } else {
        let tag: String = hit.field.chars().take_while(char::is_ascii_digit).collect();
        if tag.is_empty() {
            return Vec::new();
        }
        let mut fields = Vec::new();
        let mut offset = 0;
        let lines: Vec<&str> = raw.split_inclusive('\n').collect();
        for (index, line) in lines.iter().enumerate() {
            let is_tag = line
                .strip_prefix(':')
                .and_then(|rest| rest.strip_prefix(tag.as_str()))
                .is_some_and(|rest| rest.starts_with(':') || rest.chars().nth(1) == Some(':'));
            if is_tag {
                let mut end = offset + line.len();
                for next in &lines[index + 1..] {
                    if next.starts_with(':') || next.starts_with('-') {
                        break;
                    }
                    end += next.len();
                }
                fields.push((offset, end.min(raw.len())));
            }
            offset += line.len();
        }
        fields
    };
    let mut spans = Vec::new();
    for (start, end) in fields {
        let found = occurrences(raw, &hit.value, start, end);
        if found.is_empty() {
            spans.push((start, end.min(raw.len())));
        } else {
            spans.extend(found);
        }
    }
    spans
}

/// The byte ranges of `raw` to mark for `hits`, sorted and merged.
pub(crate) fn marked_spans(raw: &str, syntax: MessageSyntax, hits: &[HoldHit]) -> Vec<Span> {
    let mut spans = Vec::new();
    for hit in hits {
        let mut found = match syntax {
            MessageSyntax::Iso20022 => iso_spans(raw, hit),
            MessageSyntax::SwiftMt => mt_spans(raw, hit),
        };
        if found.is_empty() {
            found = spellings(&hit.value)
                .iter()
                .flat_map(|value| occurrences(raw, value, 0, raw.len()))
                .collect();
        }
        spans.extend(found);
    }
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The raw message as escaped text with the marked ranges in `<mark>`.
fn message_text(raw: &str, spans: &[Span]) -> Markup {
    let mut pieces: Vec<(&str, bool)> = Vec::with_capacity(spans.len() * 2 + 1);
    let mut at = 0;
    for &(start, end) in spans {
        // Spans come from ASCII-lowered searches, so they fall on character boundaries.
        if start > at {
            pieces.push((raw.get(at..start).unwrap_or_default(), false));
        }
        pieces.push((raw.get(start..end).unwrap_or_default(), true));
        at = end;
    }
    pieces.push((raw.get(at..).unwrap_or_default(), false));
    html! {
        pre.message { @for (text, marked) in pieces { @if marked { mark { (text) } } @else { (text) } } }
    }
}

/// The payment side of a held payment's alert page.
pub(crate) fn section(hold: &PaymentHold) -> Markup {
    let spans = marked_spans(&hold.raw, hold.syntax, &hold.hits);
    html! {
        section aria-labelledby="payment" {
            h2 #payment { "Held payment" }
            dl {
                dt { "Format" } dd { (hold.format) }
                dt { "Message id" } dd { (hold.message_id.as_deref().unwrap_or("none")) }
                dt { "UETR" } dd { (hold.uetr.as_deref().unwrap_or("none")) }
                dt { "Payment status" } dd { strong { (hold.status) } }
                dt { "Screened by" } dd { (hold.source) " at " (hold.created_at) }
            }
            h3 { "Hits" }
            table {
                thead { tr {
                    th scope="col" { "Field" } th scope="col" { "Kind" } th scope="col" { "Value" }
                    th scope="col" { "Listed subject" } th scope="col" { "Score" } th scope="col" { "Explanations" }
                } }
                tbody { @for hit in &hold.hits { tr {
                    td { code { (hit.field) } }
                    td { (hit.kind) }
                    td { (hit.value) }
                    td { @if hit.subject_id.starts_with("geography:") { (hit.subject_id) } @else {
                        a href={ (PREFIX) "/subjects/" (segment(&hit.subject_id)) } { (hit.subject_id) } }
                        @if !hit.referents.is_empty() { br; span.muted { (hit.referents.join(", ")) } } }
                    td.score { (format!("{:.2}", hit.score)) }
                    td { ul.explanations { @for explanation in &hit.explanations { li { (explanation) } } } }
                } } }
            }
            h3 { "Message, with each hit's field marked" }
            (message_text(&hold.raw, &spans))
        }
    }
}
