//! Entities (one list record each) and subjects (the same party linked across lists).

use crate::name::collapse_spaces;
use crate::{DateSpec, Name, NameKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `FtM` schema of an entity. Lists that do not say whether an entity is a company or another
/// organisation give `Organization`; lists that do not say what it is at all give `LegalEntity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Schema {
    /// A natural person.
    Person,
    /// An organisation that is not known to be a company (groups, ministries, armed groups).
    Organization,
    /// A company.
    Company,
    /// A party of unknown kind.
    LegalEntity,
    /// A ship.
    Vessel,
    /// An aircraft (`FtM` `Airplane`).
    Airplane,
}

impl Schema {
    /// The `FtM` schema name.
    pub fn ftm_name(self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Airplane => "Airplane",
        }
    }

    /// Reads an `FtM` schema name (and the few synonyms lists use).
    pub fn from_name(name: &str) -> Option<Schema> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Schema::Person,
            "organization" | "organisation" | "entity" => Schema::Organization,
            "company" => Schema::Company,
            "legalentity" | "legal entity" => Schema::LegalEntity,
            "vessel" | "ship" => Schema::Vessel,
            "airplane" | "aircraft" => Schema::Airplane,
            _ => return None,
        })
    }

    /// Short kind word for people: person, organization, vessel, aircraft.
    pub fn kind(self) -> &'static str {
        match self {
            Schema::Person => "person",
            Schema::Organization | Schema::Company | Schema::LegalEntity => "organization",
            Schema::Vessel => "vessel",
            Schema::Airplane => "aircraft",
        }
    }

    /// Whether two schemas can describe the same party (a Company is an Organization is a
    /// `LegalEntity`; a Person is never a Vessel).
    pub fn compatible(self, other: Schema) -> bool {
        self == other
            || self == Schema::LegalEntity
            || other == Schema::LegalEntity
            || (self.kind() == "organization" && other.kind() == "organization")
    }
}

/// Gender as lists state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl Gender {
    /// Reads "Male", "M", "female", "F".
    pub fn parse(text: &str) -> Option<Gender> {
        match text.trim().to_ascii_lowercase().as_str() {
            "male" | "m" | "man" => Some(Gender::Male),
            "female" | "f" | "woman" => Some(Gender::Female),
            _ => None,
        }
    }

    /// The `FtM` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// The whole address on one line, as far as the list gives it.
    pub full: String,
    /// City, if given separately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country (alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// Builds an address from its parts, joined with ", ", and its country.
    pub fn from_parts<'a>(
        parts: impl IntoIterator<Item = &'a str>,
        city: Option<&str>,
        country: Option<&str>,
    ) -> Address {
        let full: Vec<String> = parts.into_iter().map(collapse_spaces).filter(|p| !p.is_empty()).collect();
        Address {
            full: full.join(", "),
            city: city.map(collapse_spaces).filter(|c| !c.is_empty()),
            country: country.map(str::to_string),
        }
    }
}

/// The kind of an identifier. Strong identifiers (IMO, BIC, LEI, crypto addresses, passports)
/// nearly decide a match when they are equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Passport number.
    Passport,
    /// National identity number or card.
    NationalId,
    /// Tax number (TIN, INN, VAT, ...).
    TaxId,
    /// Company registration number (OGRN, registration ID, ...).
    Registration,
    /// IMO ship or company number.
    Imo,
    /// Maritime Mobile Service Identity.
    Mmsi,
    /// Radio call sign.
    CallSign,
    /// BIC / SWIFT code.
    Bic,
    /// Legal Entity Identifier.
    Lei,
    /// Aircraft serial number (MSN) or tail number.
    AircraftId,
    /// A digital currency address; the currency ticker is in `Identifier::note`.
    CryptoWallet,
    /// Anything else (driver's licence, residency permit...); the list's own label is in
    /// `Identifier::note`.
    Other,
}

impl IdKind {
    /// Whether two equal values of this kind nearly decide that two records are the same party.
    pub fn is_strong(&self) -> bool {
        matches!(
            self,
            IdKind::Passport
                | IdKind::NationalId
                | IdKind::TaxId
                | IdKind::Imo
                | IdKind::Mmsi
                | IdKind::Bic
                | IdKind::Lei
                | IdKind::CryptoWallet
                | IdKind::Registration
                | IdKind::AircraftId
        )
    }

    /// The `FtM` property this kind of identifier is exported under.
    pub fn ftm_property(&self) -> &'static str {
        match self {
            IdKind::Passport => "passportNumber",
            IdKind::NationalId | IdKind::Other => "idNumber",
            IdKind::TaxId => "taxNumber",
            IdKind::Registration => "registrationNumber",
            IdKind::Imo => "imoNumber",
            IdKind::Mmsi => "mmsi",
            IdKind::CallSign => "callSign",
            IdKind::Bic => "swiftBic",
            IdKind::Lei => "leiCode",
            IdKind::AircraftId => "serialNumber",
            IdKind::CryptoWallet => "cryptoWallets",
        }
    }

    /// Classifies a list's own label for an identifier ("Passport", "National ID No.",
    /// "Tax ID No.", "Vessel Registration Identification", "SWIFT/BIC", "Digital Currency Address
    /// - XBT", "Registration Number", "LEI", "MMSI", "Call Sign").
    pub fn classify(label: &str) -> IdKind {
        let l = label.to_ascii_lowercase();
        if l.contains("digital currency") || l.contains("crypto") || l.contains("wallet") {
            IdKind::CryptoWallet
        } else if l.contains("passport") {
            IdKind::Passport
        } else if l.contains("imo") || l.contains("vessel registration") {
            IdKind::Imo
        } else if l.contains("mmsi") {
            IdKind::Mmsi
        } else if l.contains("call sign") || l.contains("callsign") {
            IdKind::CallSign
        } else if l.contains("swift") || l.contains("bic") {
            IdKind::Bic
        } else if l.contains("lei") && !l.contains("leip") {
            IdKind::Lei
        } else if l.contains("tax")
            || l.contains("inn") && l.len() <= 4
            || l.contains("vat")
            || l.contains("tin") && l.len() <= 4
            || l.contains("kpp")
        {
            IdKind::TaxId
        } else if l.contains("aircraft") || l.contains("serial") || l.contains("msn") || l.contains("tail") {
            IdKind::AircraftId
        } else if l.contains("national id")
            || l.contains("identification number")
            || l.contains("cedula")
            || l.contains("id no")
            || l.contains("personal id")
            || l.contains("national identification")
            || l.contains("nik")
        {
            IdKind::NationalId
        } else if l.contains("registration")
            || l.contains("ogrn")
            || l.contains("company number")
            || l.contains("business")
            || l.contains("chamber")
            || l.contains("unified social credit")
            || l.contains("ruc")
        {
            IdKind::Registration
        } else {
            IdKind::Other
        }
    }
}

/// An identifier: passport, tax number, IMO, BIC, crypto address...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// What kind of identifier.
    pub kind: IdKind,
    /// The value as the list writes it.
    pub value: String,
    /// Issuing country (alpha-2), if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The list's own label ("Passport", "Digital Currency Address - XBT") and any remark
    /// ("issued 2010", "expires 2020").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Identifier {
    /// An identifier classified from the list's label.
    pub fn from_label(label: &str, value: &str, country: Option<&str>) -> Identifier {
        let label = collapse_spaces(label);
        Identifier {
            kind: IdKind::classify(&label),
            value: collapse_spaces(value),
            country: country.map(str::to_string),
            note: (!label.is_empty()).then_some(label),
        }
    }

    /// The value folded for comparison: upper case letters and digits only.
    pub fn normalized(&self) -> String {
        normalize_identifier(&self.value)
    }
}

/// Folds an identifier value for comparison: upper case letters and digits only ("IMO 9187629"
/// and "9187629" stay different; callers strip a known prefix first).
pub fn normalize_identifier(value: &str) -> String {
    value.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

/// A designation: one authority's sanction of the subject under one list record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Designation {
    /// The issuing authority ("US Treasury Office of Foreign Assets Control").
    pub authority: String,
    /// Dataset name (`us_ofac_sdn`).
    pub dataset: String,
    /// The list within the dataset, where one file holds several (the CSL's "Entity List",
    /// OFAC's "SDN List", the UN's "UN List").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// Programmes or regimes (e.g. "GLOMAG", "RUSSIA-EO14024", "1267", "Russia").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Date listed (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<String>,
    /// Date last amended (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_on: Option<String>,
    /// Date the designation ends, if the list gives one (the CSL's `end_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Reason or statement of grounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Legal basis (regulation, executive order, schedule and item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The list's own record id (OFAC `ent_num`, UN reference number, UK Group ID).
    pub record_id: String,
    /// The UN reference number this designation cites (e.g. "QDi.001"), which links it to the UN
    /// record and to other lists that cite the same number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub un_reference: Option<String>,
}

/// How two listed parties are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// "Linked To:", associate.
    Associate,
    /// Owned or controlled by.
    OwnedBy,
    /// Family member.
    Family,
    /// Any other stated relation.
    Other,
}

/// A link to another party named by the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The kind of relation.
    pub kind: LinkKind,
    /// The other party's referent (`dataset:record`) if the list gives its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// The other party's name as the list writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// The list's own words for the relation ("Linked To", "brother of").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One record of one list: everything the list says about one party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// `dataset:record-id`, e.g. `us_ofac_sdn:31492`: the referent of this record.
    pub id: String,
    /// Dataset name.
    pub dataset: String,
    /// The list's own record id.
    pub record_id: String,
    /// `FtM` schema.
    pub schema: Schema,
    /// All names; the first `Primary` one is the caption.
    pub names: Vec<Name>,
    /// Titles and honorifics ("Dr.", "Minister of Defence").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub titles: Vec<String>,
    /// Positions held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<String>,
    /// Dates of birth (or build dates of vessels, incorporation dates of companies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<DateSpec>,
    /// Places of birth as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<String>,
    /// Nationalities (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    /// Citizenships (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenships: Vec<String>,
    /// Other countries: residence, jurisdiction, flag (alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Gender, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Designations (usually one; the CSL and `OpenSanctions` can give several).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<Designation>,
    /// Links to other parties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Free-text remarks the list gives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Other `FtM` properties with no field of their own (vessel flag and tonnage, emails, websites,
    /// phone numbers...), by `FtM` property name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Vec<String>>,
}

impl Entity {
    /// An empty record `record_id` of `dataset`.
    pub fn new(dataset: &str, record_id: &str, schema: Schema) -> Entity {
        let record_id = record_id.trim();
        Entity {
            id: format!("{dataset}:{record_id}"),
            dataset: dataset.to_string(),
            record_id: record_id.to_string(),
            schema,
            names: Vec::new(),
            titles: Vec::new(),
            positions: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            citizenships: Vec::new(),
            countries: Vec::new(),
            gender: None,
            addresses: Vec::new(),
            identifiers: Vec::new(),
            designations: Vec::new(),
            links: Vec::new(),
            notes: Vec::new(),
            properties: BTreeMap::new(),
        }
    }

    /// The display name: the first primary name, else the first name, else the id.
    pub fn caption(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map_or(self.id.as_str(), |n| n.full.as_str())
    }

    /// Adds a name unless the same text with the same or a stronger kind is already there. An
    /// alias repeated as weak stays strong; a weak one repeated as strong becomes strong.
    pub fn add_name(&mut self, name: Name) {
        if name.full.is_empty() {
            return;
        }
        if let Some(existing) = self.names.iter_mut().find(|n| n.full == name.full) {
            if name.kind < existing.kind {
                existing.kind = name.kind;
            }
            existing.original_script |= name.original_script;
            if existing.parts.is_empty() {
                existing.parts = name.parts;
            }
            return;
        }
        self.names.push(name);
    }

    /// Adds a country code to `list` once.
    pub fn push_unique(list: &mut Vec<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() && !list.contains(&value) {
            list.push(value);
        }
    }

    /// Adds an identifier unless an equal one (same kind, same folded value) is there.
    pub fn add_identifier(&mut self, identifier: Identifier) {
        if identifier.value.is_empty() {
            return;
        }
        let folded = identifier.normalized();
        if !self.identifiers.iter().any(|i| i.kind == identifier.kind && i.normalized() == folded) {
            self.identifiers.push(identifier);
        }
    }

    /// Adds a free-form `FtM` property value once.
    pub fn add_property(&mut self, property: &str, value: impl Into<String>) {
        let value = collapse_spaces(&value.into());
        if value.is_empty() {
            return;
        }
        let values = self.properties.entry(property.to_string()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    /// Every UN reference number this record carries (its own, if it is a UN record, and those
    /// its designations cite).
    pub fn un_references(&self) -> impl Iterator<Item = &str> {
        self.designations.iter().filter_map(|d| d.un_reference.as_deref())
    }
}

/// A party as Ward screens it: one or more records, from one or more lists, that are the same
/// person, company, vessel or aircraft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// Stable id: the referent of the record from the most authoritative dataset (see
    /// [`crate::DATASETS`] for the order).
    pub id: String,
    /// The records, most authoritative first.
    pub records: Vec<Entity>,
}

impl Subject {
    /// The `dataset:record-id` of every record.
    pub fn referents(&self) -> impl Iterator<Item = &str> {
        self.records.iter().map(|r| r.id.as_str())
    }

    /// The datasets the subject is listed in, without repeats.
    pub fn datasets(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for record in &self.records {
            if !out.contains(&record.dataset.as_str()) {
                out.push(&record.dataset);
            }
        }
        out
    }

    /// The schema: the most specific one among the records.
    pub fn schema(&self) -> Schema {
        self.records
            .iter()
            .map(|r| r.schema)
            .min_by_key(|s| match s {
                Schema::LegalEntity => 2,
                Schema::Organization => 1,
                _ => 0,
            })
            .unwrap_or(Schema::LegalEntity)
    }

    /// The caption of the first record.
    pub fn caption(&self) -> &str {
        self.records.first().map_or(self.id.as_str(), |r| r.caption())
    }

    /// All names of all records.
    pub fn names(&self) -> impl Iterator<Item = &Name> {
        self.records.iter().flat_map(|r| r.names.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_labels() {
        let check = |label: &str, expect: IdKind| assert_eq!(IdKind::classify(label), expect, "{label}");
        check("Passport", IdKind::Passport);
        check("Digital Currency Address - XBT", IdKind::CryptoWallet);
        check("Vessel Registration Identification", IdKind::Imo);
        check("SWIFT/BIC", IdKind::Bic);
        check("Tax ID No.", IdKind::TaxId);
        check("National ID No.", IdKind::NationalId);
        check("Registration Number", IdKind::Registration);
        check("MMSI", IdKind::Mmsi);
        check("Call Sign", IdKind::CallSign);
        check("Aircraft Manufacturer's Serial Number (MSN)", IdKind::AircraftId);
        check("Driver's License No.", IdKind::Other);
    }

    #[test]
    fn aliases_keep_their_strongest_kind() {
        let mut e = Entity::new("us_ofac_sdn", "1", Schema::Person);
        e.add_name(Name::new("ABU  ALI", NameKind::Weak));
        e.add_name(Name::new("ABU ALI", NameKind::Alias));
        e.add_name(Name::new("ABU ALI", NameKind::Weak));
        assert_eq!(e.names.len(), 1);
        assert_eq!(e.names[0].kind, NameKind::Alias);
    }
}
