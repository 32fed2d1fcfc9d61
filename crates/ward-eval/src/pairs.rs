//! Labelled name pairs: the rows of `data/eval/pairs-train.tsv` and `pairs-heldout.tsv`, and
//! their tab-separated form.

use std::fmt;

/// Whether the two names of a pair belong to one party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// The names belong to one party.
    Same,
    /// The names belong to different parties.
    Different,
}

impl Label {
    /// The label as written in the TSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Same => "same",
            Label::Different => "different",
        }
    }

    fn parse(text: &str) -> Option<Label> {
        match text {
            "same" => Some(Label::Same),
            "different" => Some(Label::Different),
            _ => None,
        }
    }
}

/// How a pair was mined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PairCategory {
    /// Two strong names of one subject in one script.
    Alias,
    /// Two strong names of one subject in different scripts.
    CrossScript,
    /// The names two authorities list one linked party under.
    CrossList,
    /// A listed name and the same name with one letter replaced, dropped, added or swapped.
    Typo,
    /// A listed person's name and the same name written "Last, First".
    Reorder,
    /// A listed person's name and the same name with its given names as initials.
    Initials,
    /// Different persons sharing a family name, with different given names.
    Relatives,
    /// Different organisations whose names share most of their words.
    Organizations,
    /// Different persons sharing a given name, with different family names.
    SameGivenName,
    /// Short names of different parties one letter apart.
    ShortOneLetter,
}

impl PairCategory {
    /// Every category, positives first, in the order the files list them.
    pub const ALL: [PairCategory; 10] = [
        PairCategory::Alias,
        PairCategory::CrossScript,
        PairCategory::CrossList,
        PairCategory::Typo,
        PairCategory::Reorder,
        PairCategory::Initials,
        PairCategory::Relatives,
        PairCategory::Organizations,
        PairCategory::SameGivenName,
        PairCategory::ShortOneLetter,
    ];

    /// The category as written in the TSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            PairCategory::Alias => "alias",
            PairCategory::CrossScript => "cross-script",
            PairCategory::CrossList => "cross-list",
            PairCategory::Typo => "typo",
            PairCategory::Reorder => "reorder",
            PairCategory::Initials => "initials",
            PairCategory::Relatives => "relatives",
            PairCategory::Organizations => "organizations",
            PairCategory::SameGivenName => "same-given-name",
            PairCategory::ShortOneLetter => "short-one-letter",
        }
    }

    /// The label every pair of this category has.
    pub fn label(self) -> Label {
        match self {
            PairCategory::Alias
            | PairCategory::CrossScript
            | PairCategory::CrossList
            | PairCategory::Typo
            | PairCategory::Reorder
            | PairCategory::Initials => Label::Same,
            PairCategory::Relatives
            | PairCategory::Organizations
            | PairCategory::SameGivenName
            | PairCategory::ShortOneLetter => Label::Different,
        }
    }

    fn parse(text: &str) -> Option<PairCategory> {
        PairCategory::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for PairCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One labelled pair of names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePair {
    /// Same party or not.
    pub label: Label,
    /// How the pair was mined.
    pub category: PairCategory,
    /// The script of the names ([`crate::SCRIPTS`]), or both scripts joined by `+` (in
    /// alphabetical order) when they differ.
    pub script: String,
    /// The name screened.
    pub left: String,
    /// The name it is compared with.
    pub right: String,
    /// `FtM` schema of the left party.
    pub left_schema: String,
    /// `FtM` schema of the right party.
    pub right_schema: String,
}

/// The header line of a pairs file.
pub const PAIRS_HEADER: &str = "label\tcategory\tscript\tleft\tright\tleft_schema\tright_schema";

const N_COLUMNS: usize = 7;

/// A name fit for one TSV field: tabs and line breaks become spaces.
fn field(text: &str) -> String {
    text.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect()
}

/// Writes pairs as TSV with a header line.
pub fn pairs_to_tsv(pairs: &[NamePair]) -> String {
    let mut out = String::new();
    out.push_str(PAIRS_HEADER);
    out.push('\n');
    for pair in pairs {
        let fields = [
            pair.label.as_str(),
            pair.category.as_str(),
            &pair.script,
            &field(&pair.left),
            &field(&pair.right),
            &pair.left_schema,
            &pair.right_schema,
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}

/// Reads pairs from TSV (the header line first). The error names the line and the field.
pub fn pairs_from_tsv(text: &str) -> Result<Vec<NamePair>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == PAIRS_HEADER => {}
        _ => return Err(format!("line 1: expected the header {PAIRS_HEADER:?}")),
    }
    let mut pairs = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let line_no = i + 1;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != N_COLUMNS {
            return Err(format!("line {line_no}: {} fields, expected {N_COLUMNS}", fields.len()));
        }
        let label = Label::parse(fields[0])
            .ok_or_else(|| format!("line {line_no}: label {:?} is not same or different", fields[0]))?;
        let category = PairCategory::parse(fields[1])
            .ok_or_else(|| format!("line {line_no}: unknown category {:?}", fields[1]))?;
        if category.label() != label {
            return Err(format!("line {line_no}: label {} contradicts category {category}", label.as_str()));
        }
        for (column, value) in [("left", fields[3]), ("right", fields[4])] {
            if value.trim().is_empty() {
                return Err(format!("line {line_no}: empty {column} name"));
            }
        }
        pairs.push(NamePair {
            label,
            category,
            script: fields[2].to_string(),
            left: fields[3].to_string(),
            right: fields[4].to_string(),
            left_schema: fields[5].to_string(),
            right_schema: fields[6].to_string(),
        });
    }
    Ok(pairs)
}
