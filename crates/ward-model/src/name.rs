//! Names: the primary name, aliases and their quality, original-script names, name parts.

use serde::{Deserialize, Serialize};

/// What role a name plays in a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The name the list files the subject under.
    Primary,
    /// A strong a.k.a.: on its own it identifies the subject.
    Alias,
    /// A weak or "low quality" a.k.a. (OFAC "weak", UN "Low"): it must never produce a match by
    /// itself, only support one.
    Weak,
    /// A former name (f.k.a.).
    Previous,
}

impl NameKind {
    /// The `FtM` property this kind of name is exported under.
    pub fn ftm_property(self) -> &'static str {
        match self {
            NameKind::Primary => "name",
            NameKind::Alias => "alias",
            NameKind::Weak => "weakAlias",
            NameKind::Previous => "previousName",
        }
    }
}

/// Name parts where the list gives them separately.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameParts {
    /// Given name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Middle name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Patronymic (father's name), as in Russian and Arabic names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
}

impl NameParts {
    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        self.first.is_none() && self.middle.is_none() && self.last.is_none() && self.patronymic.is_none()
    }
}

/// One name of a listed subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// The whole name as the list writes it.
    pub full: String,
    /// Primary, alias, weak alias or former name.
    pub kind: NameKind,
    /// Written in the subject's original (non-Latin) script, e.g. UN `NAME_ORIGINAL_SCRIPT`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub original_script: bool,
    /// Language or script tag if the list states one (ISO 639 code, e.g. "rus", "ara").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Parts, where the list gives them.
    #[serde(default, skip_serializing_if = "NameParts::is_empty")]
    pub parts: NameParts,
}

impl Name {
    /// A name with no parts.
    pub fn new(full: impl Into<String>, kind: NameKind) -> Name {
        Name {
            full: collapse_spaces(&full.into()),
            kind,
            original_script: false,
            lang: None,
            parts: NameParts::default(),
        }
    }

    /// Marks the name as written in its original script.
    pub fn in_original_script(mut self) -> Name {
        self.original_script = true;
        self
    }

    /// Builds the full name from parts in the order given, skipping empty ones.
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = &'a str>, kind: NameKind) -> Name {
        let full: Vec<&str> = parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect();
        Name::new(full.join(" "), kind)
    }
}

/// Trims and collapses runs of white space, which lists leave between name parts.
pub(crate) fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
