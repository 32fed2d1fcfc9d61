//! Stripping checks on cover payments (pacs.009 COV, MT202COV, MT205COV): a cover payment
//! travels through correspondents apart from the customer credit transfer it settles, and must
//! carry that transfer's ordering and beneficiary customers (FATF Recommendation 16). A cover
//! whose underlying debtor or creditor is missing or a placeholder ("NOT PROVIDED", in its name
//! or its address lines), or differs from the customer credit transfer (pacs.008, MT103) with
//! the same UETR, is held; so is a customer credit transfer whose customers differ from a cover
//! with its UETR seen before it (covers may arrive first).
//!
//! [`stripping_hits`] looks at one message alone (the payment screener runs it on every
//! message); [`CustomerTransfers`] remembers the customers of the transfers and covers seen (a
//! bounded map by UETR) and compares each later message of the same UETR with them.

use crate::iso::UNDERLYING_TRANSFER;
use crate::model::{Field, Message, Party, Syntax};
use crate::screen::{Decision, HitKind, PaymentHit, Screening};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// Names that stand in for a customer instead of naming it, as written in messages; compared
/// after [`normalized_name`].
pub const PLACEHOLDER_NAMES: [&str; 18] = [
    "NOT PROVIDED",
    "NOT AVAILABLE",
    "NOT APPLICABLE",
    "N/A",
    "NA",
    "UNKNOWN",
    "NONE",
    "ONE OF OUR CLIENTS",
    "ONE OF OUR CUSTOMERS",
    "OUR CLIENT",
    "OUR CLIENTS",
    "OUR CUSTOMER",
    "OUR CUSTOMERS",
    "A CLIENT",
    "A CUSTOMER",
    "CLIENT",
    "CUSTOMER",
    "UNDISCLOSED",
];

/// Address lines that stand in for a customer's address, besides the [`PLACEHOLDER_NAMES`];
/// compared after [`normalized_name`].
pub const PLACEHOLDER_ADDRESSES: [&str; 6] =
    ["ADDRESS NOT PROVIDED", "ADDRESS UNKNOWN", "NO ADDRESS", "NOT KNOWN", "WITHHELD", "ADDRESS WITHHELD"];

/// Customer credit transfers remembered by [`CustomerTransfers::new`] callers that have no
/// reason to choose: about a day of one correspondent's cover traffic, a few tens of MB.
pub const DEFAULT_REMEMBERED_TRANSFERS: usize = 100_000;

/// Characters of a name line in MT (50K, 59): a longer ISO 20022 name is cut there when a
/// message is translated, so a name that is the other's beginning and this long is the same.
const MT_NAME_LINE_CHARS: usize = 35;

/// The `subject_id` of a stripping hit whose party is missing.
const MISSING_PARTY: &str = "stripping:missing_party";

/// The `subject_id` of a stripping hit whose party's name is a placeholder.
const PLACEHOLDER_NAME: &str = "stripping:placeholder_name";

/// The `subject_id` of a stripping hit whose party's address line, town, district or
/// subdivision is a placeholder.
const PLACEHOLDER_ADDRESS: &str = "stripping:placeholder_address";

/// The `subject_id` of a stripping hit whose party differs from the customer transfer's.
const DIFFERENT_PARTY: &str = "stripping:different_party";

/// Score of a stripping hit: the rule holds or it does not.
const CERTAIN: f32 = 1.0;

/// The underlying customer whose absence or change is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Customer {
    Debtor,
    Creditor,
}

impl Customer {
    const BOTH: [Customer; 2] = [Customer::Debtor, Customer::Creditor];

    /// In words, for explanations.
    fn describe(self) -> &'static str {
        match self {
            Customer::Debtor => "debtor (ordering customer)",
            Customer::Creditor => "creditor (beneficiary customer)",
        }
    }

    /// The ISO 20022 element of the party.
    fn element(self) -> &'static str {
        match self {
            Customer::Debtor => "Dbtr",
            Customer::Creditor => "Cdtr",
        }
    }

    /// The MT tags of the party (any option), and how a missing one is named.
    fn mt_tag(self) -> &'static str {
        match self {
            Customer::Debtor => "50",
            Customer::Creditor => "59",
        }
    }
}

/// Where a customer sits in a message: the ISO path of its block, or the MT tag prefix.
fn customer_paths(message: &Message, customer: Customer, underlying: bool) -> Vec<String> {
    match message.syntax {
        Syntax::Iso20022 => {
            let transactions = message.transactions.max(1);
            (0..transactions)
                .map(|index| {
                    let within = if underlying { format!("/{UNDERLYING_TRANSFER}") } else { String::new() };
                    format!("CdtTrfTxInf[{index}]{within}/{}", customer.element())
                })
                .collect()
        }
        Syntax::SwiftMt => {
            let sequence = if underlying { "B/" } else { "" };
            vec![format!("{sequence}{}", customer.mt_tag())]
        }
    }
}

/// The party at `path`: the ISO block itself, or an MT field of the tag with any option
/// (`50K` for `50`, `B/59A` for `B/59`).
fn party_at<'m>(message: &'m Message, path: &str) -> Option<&'m Party> {
    message.parties.iter().find(|party| match message.syntax {
        Syntax::Iso20022 => party.path == path,
        Syntax::SwiftMt => {
            party.path.strip_prefix(path).is_some_and(|option| option.len() <= 1 && !option.contains('/'))
        }
    })
}

/// Whether the party is identified: by a name, a BIC, an LEI or another identifier (an account
/// alone does not say who holds it).
fn identified(party: &Party) -> bool {
    !party.names.is_empty() || !party.bics.is_empty() || !party.leis.is_empty() || !party.other_ids.is_empty()
}

/// A name as compared here: folded (case, marks), words of letters and digits joined by one
/// space.
pub fn normalized_name(name: &str) -> String {
    ward_normalize::fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a name is one of the [`PLACEHOLDER_NAMES`].
pub fn is_placeholder(name: &str) -> bool {
    let name = normalized_name(name);
    name.is_empty() || PLACEHOLDER_NAMES.iter().any(|placeholder| normalized_name(placeholder) == name)
}

/// Whether an address line, town, district or subdivision is a placeholder: one of the
/// [`PLACEHOLDER_NAMES`] or [`PLACEHOLDER_ADDRESSES`].
pub fn is_placeholder_address(value: &str) -> bool {
    let value = normalized_name(value);
    value.is_empty()
        || PLACEHOLDER_NAMES
            .iter()
            .chain(&PLACEHOLDER_ADDRESSES)
            .any(|placeholder| normalized_name(placeholder) == value)
}

/// Whether two normalized names are the same name: equal, the same words in another order, or
/// one cut at an MT name line's length from the other.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if sorted_words(a) == sorted_words(b) {
        return true;
    }
    let (shorter, longer) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    shorter.chars().count() >= MT_NAME_LINE_CHARS - 1 && longer.starts_with(shorter)
}

/// The words of a normalized name, sorted.
fn sorted_words(name: &str) -> Vec<&str> {
    let mut words: Vec<&str> = name.split(' ').collect();
    words.sort_unstable();
    words
}

fn hit(field: &str, value: &str, subject_id: &str, why: String) -> PaymentHit {
    PaymentHit {
        field: field.to_string(),
        value: value.to_string(),
        kind: HitKind::Stripping,
        subject_id: subject_id.to_string(),
        referents: Vec::new(),
        score: CERTAIN,
        explanations: vec![why],
    }
}

/// The stripping hits of one message alone: a cover whose underlying debtor or creditor is
/// missing, identified by nothing, or named by a placeholder. Other messages have none.
pub fn stripping_hits(message: &Message) -> Vec<PaymentHit> {
    let mut hits = Vec::new();
    if !message.cover {
        return hits;
    }
    for customer in Customer::BOTH {
        for path in customer_paths(message, customer, true) {
            let Some(party) = party_at(message, &path).filter(|party| identified(party)) else {
                let why = format!(
                    "the cover payment {} names no underlying {} at {path}: the customer transfer it \
                     settles must travel with its parties",
                    message.format,
                    customer.describe()
                );
                let field = match message.syntax {
                    Syntax::Iso20022 => path.clone(),
                    Syntax::SwiftMt => format!("{path}a"),
                };
                hits.push(hit(&field, "", MISSING_PARTY, why));
                continue;
            };
            for name in party.names.iter().filter(|name| is_placeholder(&name.value)) {
                let why = format!(
                    "the underlying {} of the cover payment {} is named {:?}, a placeholder instead of \
                     the customer's name",
                    customer.describe(),
                    message.format,
                    name.value
                );
                hits.push(hit(&name.path, &name.value, PLACEHOLDER_NAME, why));
            }
            let address = &party.address;
            let address_fields = [&address.lines, &address.towns, &address.districts, &address.subdivisions]
                .into_iter()
                .flatten();
            for field in address_fields.filter(|field| is_placeholder_address(&field.value)) {
                let why = format!(
                    "the address of the underlying {} of the cover payment {} reads {:?}, a placeholder \
                     instead of the customer's address",
                    customer.describe(),
                    message.format,
                    field.value
                );
                hits.push(hit(&field.path, &field.value, PLACEHOLDER_ADDRESS, why));
            }
        }
    }
    hits
}

/// The customers of a customer credit transfer, or the underlying customers of a cover, as
/// remembered: normalized and written names by role, and what identifies the message.
#[derive(Debug, Clone)]
struct RememberedCustomers {
    format: String,
    message_id: Option<String>,
    debtors: Vec<(String, String)>,
    creditors: Vec<(String, String)>,
}

impl RememberedCustomers {
    fn of(message: &Message, underlying: bool) -> RememberedCustomers {
        let remembered_names = |customer| {
            customer_names(message, customer, underlying)
                .into_iter()
                .map(|(name, _)| (normalized_name(&name), name))
                .collect::<Vec<_>>()
        };
        RememberedCustomers {
            format: message.format.clone(),
            message_id: message.message_id.clone(),
            debtors: remembered_names(Customer::Debtor),
            creditors: remembered_names(Customer::Creditor),
        }
    }

    fn names(&self, customer: Customer) -> &[(String, String)] {
        match customer {
            Customer::Debtor => &self.debtors,
            Customer::Creditor => &self.creditors,
        }
    }
}

/// What was seen of one UETR: its customer credit transfer, its cover, or both.
#[derive(Debug, Clone, Default)]
struct SeenUetr {
    transfer: Option<RememberedCustomers>,
    cover: Option<RememberedCustomers>,
}

/// The customers of the customer credit transfers and covers seen, by UETR, the oldest
/// forgotten past the capacity; each later cover is compared with the transfer of its UETR, and
/// each later transfer with the cover of its UETR.
#[derive(Debug)]
pub struct CustomerTransfers {
    capacity: usize,
    by_uetr: FxHashMap<String, SeenUetr>,
    /// UETRs from the oldest remembered.
    order: VecDeque<String>,
}

impl CustomerTransfers {
    /// Remembers up to `capacity` UETRs (at least one).
    pub fn new(capacity: usize) -> CustomerTransfers {
        CustomerTransfers { capacity: capacity.max(1), by_uetr: FxHashMap::default(), order: VecDeque::new() }
    }

    /// How many UETRs are remembered.
    pub fn len(&self) -> usize {
        self.by_uetr.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_uetr.is_empty()
    }

    /// Remembers the customers of `message` when it is a customer credit transfer (pacs.008,
    /// MT103) or a cover with a UETR. When the other message of its UETR was seen before (the
    /// transfer for a cover, the cover for a transfer), adds a stripping hit on `message` for
    /// each customer whose names all differ from the other's, and holds it.
    pub fn check(&mut self, message: &Message, screening: &mut Screening) {
        let Some(uetr) = message.uetr.as_deref().map(|u| u.trim().to_ascii_lowercase()) else { return };
        let is_cover = message.cover;
        if !is_cover && !is_customer_transfer(message) {
            return;
        }
        if let Some(seen) = self.by_uetr.get(&uetr) {
            let other = if is_cover { seen.transfer.as_ref() } else { seen.cover.as_ref() };
            if let Some(other) = other {
                let before = screening.hits.len();
                compare(message, is_cover, other, &uetr, screening);
                if screening.hits.len() > before {
                    screening.decision = Decision::Hold;
                }
            }
        }
        let remembered = RememberedCustomers::of(message, is_cover);
        let seen = match self.by_uetr.get_mut(&uetr) {
            Some(seen) => seen,
            None => {
                self.order.push_back(uetr.clone());
                while self.order.len() > self.capacity {
                    if let Some(oldest) = self.order.pop_front() {
                        self.by_uetr.remove(&oldest);
                    }
                }
                self.by_uetr.entry(uetr).or_default()
            }
        };
        if is_cover {
            seen.cover = Some(remembered);
        } else {
            seen.transfer = Some(remembered);
        }
    }
}

/// Adds a stripping hit for each customer of `message` (the underlying ones of a cover) whose
/// names all differ from those `other` (the other message of the UETR) gave.
fn compare(
    message: &Message,
    is_cover: bool,
    other: &RememberedCustomers,
    uetr: &str,
    screening: &mut Screening,
) {
    for customer in Customer::BOTH {
        let remembered = other.names(customer);
        if remembered.is_empty() {
            continue;
        }
        let names = customer_names(message, customer, is_cover);
        let agrees = names
            .iter()
            .any(|(name, _)| remembered.iter().any(|(seen, _)| same_name(&normalized_name(name), seen)));
        if agrees {
            continue;
        }
        let (this, that) = if is_cover { ("underlying ", "") } else { ("", "underlying ") };
        for (name, path) in &names {
            let why = format!(
                "the {this}{} {name:?} of the {} {} differs from the {that}{} {:?} of the {} {} with the \
                 same UETR {uetr}",
                customer.describe(),
                if is_cover { "cover payment" } else { "customer transfer" },
                message.format,
                customer.describe(),
                remembered[0].1,
                other.format,
                other.message_id.as_deref().unwrap_or("(no message id)"),
            );
            screening.hits.push(hit(path, name, DIFFERENT_PARTY, why));
        }
    }
}

/// Whether the message is a customer credit transfer whose parties a cover must repeat.
fn is_customer_transfer(message: &Message) -> bool {
    message.format.starts_with("pacs.008") || message.format.starts_with("MT103")
}

/// The names of a customer in the first transaction (the one the message's UETR belongs to),
/// with their field paths; placeholders left out.
fn customer_names(message: &Message, customer: Customer, underlying: bool) -> Vec<(String, String)> {
    let paths = customer_paths(message, customer, underlying);
    let Some(party) = paths.first().and_then(|path| party_at(message, path)) else { return Vec::new() };
    party
        .names
        .iter()
        .filter(|name| !is_placeholder(&name.value))
        .map(|Field { path, value }| (value.clone(), path.clone()))
        .collect()
}
