//! The screened fields of a payment message, each with the path it was read from.

use serde::Serialize;

/// One value read from a message and where: an ISO 20022 path relative to the message root
/// (`CdtTrfTxInf[0]/Cdtr/Nm`) or an MT tag (`59`, `B/50K`, `block2`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Where the value was read.
    pub path: String,
    /// The value, trimmed, lines joined by a space.
    pub value: String,
}

impl Field {
    /// A field at `path` holding `value`.
    pub fn new(path: impl Into<String>, value: impl Into<String>) -> Field {
        Field { path: path.into(), value: value.into() }
    }
}

/// Whether a party is a customer (debtor, creditor, ordering or beneficiary customer) or a
/// financial institution acting as an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// A customer: `Dbtr`, `Cdtr`, `UltmtDbtr`, `UltmtCdtr`, `InitgPty`; MT 50a, 59a.
    Customer,
    /// A financial institution: `DbtrAgt`, `CdtrAgt`, `IntrmyAgt1`...; MT 51A-58a, blocks 1/2.
    Agent,
}

/// The parts of a postal address a message gives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PostalAddress {
    /// Town (`TwnNm`, `TwnLctnNm`; MT 50F/59F line 3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub towns: Vec<Field>,
    /// District (`DstrctNm`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<Field>,
    /// Country subdivision (`CtrySubDvsn`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subdivisions: Vec<Field>,
    /// Country code (`Ctry`; MT 50F/59F `3/CC/...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Field>,
    /// Free address lines (`AdrLine`, `StrtNm`; the lines after the name in MT 50K/59).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Field>,
}

/// A party or agent of a message with everything screened about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Where the party's block starts (`CdtTrfTxInf[0]/Cdtr`, `59`).
    pub path: String,
    /// Customer or agent.
    pub role: PartyRole,
    /// Names (usually one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Field>,
    /// Postal address.
    pub address: PostalAddress,
    /// BICs (`BICFI`, `BIC`, `AnyBIC`; MT option A).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bics: Vec<Field>,
    /// Legal Entity Identifiers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub leis: Vec<Field>,
    /// Other identifiers (`Othr/Id`, MT 50F `6/`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_ids: Vec<Field>,
    /// Dates of birth.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<Field>,
    /// Places of birth (city, province).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<Field>,
    /// Countries of birth or residence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Field>,
    /// Account numbers; IBANs among them give their country.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Field>,
}

impl Party {
    /// An empty party at `path`.
    pub fn new(path: impl Into<String>, role: PartyRole) -> Party {
        Party {
            path: path.into(),
            role,
            names: Vec::new(),
            address: PostalAddress::default(),
            bics: Vec::new(),
            leis: Vec::new(),
            other_ids: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            countries: Vec::new(),
            accounts: Vec::new(),
        }
    }

    /// Whether nothing was read into the party.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.bics.is_empty()
            && self.leis.is_empty()
            && self.other_ids.is_empty()
            && self.accounts.is_empty()
            && self.birth_dates.is_empty()
            && self.birth_places.is_empty()
            && self.countries.is_empty()
            && self.address == PostalAddress::default()
    }
}

/// The family of a message, as screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// ISO 20022 XML.
    Iso20022,
    /// SWIFT MT (FIN).
    SwiftMt,
}

/// One payment message read for screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// ISO 20022 or MT.
    pub syntax: Syntax,
    /// `pacs.008.001.08`, `MT103`, `MT202COV`.
    pub format: String,
    /// ISO `GrpHdr/MsgId` (or `Assgnmt/Id`, `BizMsgIdr`); MT field 20.
    pub message_id: Option<String>,
    /// The UETR (ISO `PmtId/UETR`, MT block 3 field 121), the first if there are several.
    pub uetr: Option<String>,
    /// Transactions in the message (ISO `CdtTrfTxInf`, `TxInf`...; MT101 sequences B).
    pub transactions: usize,
    /// Whether the message covers a customer credit transfer sent directly (pacs.009 COV: a
    /// header service `*.cov.*` or an `UndrlygCstmrCdtTrf` block; MT202COV, MT205COV): its
    /// underlying customer parties must be named.
    pub cover: bool,
    /// Parties and agents, in the order of the message.
    pub parties: Vec<Party>,
    /// Free text: remittance information, instructions, purpose, MT 70/72/77B.
    pub texts: Vec<Field>,
}

impl Message {
    /// The names of every party and agent, in the order of the message: what the audit trail
    /// records as the screened names.
    pub fn names(&self) -> Vec<String> {
        self.parties.iter().flat_map(|p| &p.names).map(|f| f.value.clone()).collect()
    }
}
