//! Token rarity: document frequency over all listed names, turned into a weight in (0, 1], so
//! that "Mohammed" or "Ali" alone weigh little and rare family names carry a match.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use ward_normalize::{NormalizedName, Token, TokenKind};

/// The default document-frequency table: token counts over ~29k real listed names, used by
/// stand-alone comparisons that have no snapshot of their own.
static DEFAULT_DF: &str = include_str!("../data/token-df.tsv");

/// Document frequencies of tokens and synonym groups over a set of names.
#[derive(Debug, Clone, Default)]
pub struct Rarity {
    token_df: FxHashMap<Box<str>, u32>,
    group_df: FxHashMap<u32, u32>,
    n_docs: u32,
}

impl Rarity {
    /// Counts, for every token and synonym group, the names it occurs in.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a NormalizedName>) -> Rarity {
        let mut rarity = Rarity::default();
        let mut seen_tokens: Vec<&str> = Vec::new();
        let mut seen_groups: Vec<u32> = Vec::new();
        for name in names {
            rarity.n_docs += 1;
            seen_tokens.clear();
            seen_groups.clear();
            for token in &name.tokens {
                if !seen_tokens.contains(&token.text.as_str()) {
                    seen_tokens.push(&token.text);
                    match rarity.token_df.get_mut(token.text.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            rarity.token_df.insert(token.text.as_str().into(), 1);
                        }
                    }
                }
                for &g in &token.groups {
                    if !seen_groups.contains(&g) {
                        seen_groups.push(g);
                        *rarity.group_df.entry(g).or_insert(0) += 1;
                    }
                }
            }
        }
        rarity
    }

    /// Adds the counts of `other` (names counted apart, e.g. on other threads).
    pub fn merge(&mut self, other: Rarity) {
        self.n_docs += other.n_docs;
        if self.token_df.is_empty() {
            self.token_df = other.token_df;
        } else {
            for (token, n) in other.token_df {
                *self.token_df.entry(token).or_insert(0) += n;
            }
        }
        for (group, n) in other.group_df {
            *self.group_df.entry(group).or_insert(0) += n;
        }
    }

    /// Parses a table of `token<TAB>count` lines after a first line holding the number of
    /// names counted (lines starting with `#` are comments).
    pub fn parse(text: &str) -> Rarity {
        let mut rarity = Rarity::default();
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        rarity.n_docs = lines.next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        for line in lines {
            if let Some((token, n)) = line.split_once('\t') {
                if let Ok(n) = n.trim().parse() {
                    rarity.token_df.insert(token.into(), n);
                }
            }
        }
        rarity
    }

    /// The embedded default table.
    pub fn default_table() -> &'static Rarity {
        static DEFAULT: OnceLock<Rarity> = OnceLock::new();
        DEFAULT.get_or_init(|| Rarity::parse(DEFAULT_DF))
    }

    /// Number of names counted.
    pub fn n_docs(&self) -> u32 {
        self.n_docs
    }

    /// Names containing the token (by its Latin form).
    pub fn token_df(&self, text: &str) -> u32 {
        self.token_df.get(text).copied().unwrap_or(0)
    }

    /// The effective document frequency of a token: its own, or half that of its most common
    /// synonym group if higher, so that a rare spelling of a common name (Mohamad) is common.
    pub fn df(&self, token: &Token) -> u32 {
        let own = self.token_df(&token.text);
        let group =
            token.groups.iter().map(|g| self.group_df.get(g).copied().unwrap_or(0)).max().unwrap_or(0);
        own.max(group / 2)
    }

    /// Rarity in [0.05, 1]: inverse document frequency scaled by its maximum.
    pub fn rarity(&self, token: &Token) -> f32 {
        let n = self.n_docs.max(1000) as f32;
        let df = self.df(token) as f32;
        let idf = ((n + 1.0) / (df + 0.5)).ln();
        let max = ((n + 1.0) / 0.5).ln();
        (idf / max).clamp(0.05, 1.0)
    }

    /// The weight a token carries in name matching: rarity for name words, little for
    /// particles, generic organisation words and initials, nothing for titles and legal forms.
    pub fn weight(&self, token: &Token) -> f32 {
        match token.kind {
            TokenKind::Title | TokenKind::LegalForm => 0.0,
            TokenKind::Particle => 0.03,
            TokenKind::Initial => 0.08,
            TokenKind::OrgWord => self.rarity(token).min(0.2),
            TokenKind::Word | TokenKind::Number => {
                // Very short words (Li, Yi, O) are common in other names' syllables and say
                // less than their document frequency suggests.
                let r = self.rarity(token);
                if token.text.len() <= 2 {
                    r.min(0.5)
                } else {
                    r
                }
            }
        }
    }
}
