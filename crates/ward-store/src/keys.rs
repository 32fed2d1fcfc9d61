//! API keys: scopes, the key format, and how keys are stored (hashed, never in plain text).

use crate::{Error, InternalError, Result, UserError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Every key starts with this, so a leaked key is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "ward_";

/// Random characters after [`KEY_PREFIX`]: 32 of 64 symbols, 192 bits.
const KEY_RANDOM_CHARS: usize = 32;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Screen names (`/match`, `ward screen`).
    Screen,
    /// Import lists and read the audit trail; implies [`Scope::Screen`] and [`Scope::Review`].
    Admin,
    /// Read the alerts of monitored customer books.
    Review,
}

impl Scope {
    /// The scope's name, as stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Screen => "screen",
            Scope::Admin => "admin",
            Scope::Review => "review",
        }
    }

    /// Reads a scope name (`screen`, `admin`).
    pub fn parse(text: &str) -> Option<Scope> {
        match text.trim().to_ascii_lowercase().as_str() {
            "screen" => Some(Scope::Screen),
            "admin" => Some(Scope::Admin),
            "review" => Some(Scope::Review),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the store knows about a key: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyInfo {
    /// Public id, random and unrelated to the key, safe to show and log.
    pub id: String,
    /// What the key is for ("ci", "crm integration").
    pub name: String,
    /// What it may do, sorted.
    pub scopes: Vec<Scope>,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it was revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl KeyInfo {
    /// Whether the key grants `scope`; admin implies every scope. A revoked key grants nothing.
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes.iter().any(|&s| s == scope || s == Scope::Admin)
    }
}

/// `n` random characters from `alphabet`, by rejection sampling so each is equally likely.
fn random_chars(n: usize, alphabet: &[u8]) -> Result<String> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        getrandom::fill(&mut buf).map_err(|e| Error::from(InternalError::Random(e.to_string())))?;
        for &b in &buf {
            if usize::from(b) < limit && out.len() < n {
                out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
            }
        }
    }
    Ok(out)
}

const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new secret key: the prefix and 32 random URL-safe characters.
pub(crate) fn new_secret() -> Result<String> {
    Ok(format!("{KEY_PREFIX}{}", random_chars(KEY_RANDOM_CHARS, URL_SAFE)?))
}

/// A new public key id. It is drawn separately from the secret: an id cut from the key would
/// publish part of the secret wherever ids are shown.
pub(crate) fn new_id() -> Result<String> {
    random_chars(12, LOWER_ALNUM)
}

/// Random lowercase letters and digits, for names that must not collide (test schemas).
#[cfg(test)]
pub(crate) fn random_suffix(n: usize) -> String {
    random_chars(n, LOWER_ALNUM).unwrap()
}

/// The stored form of a key: SHA-256, hex. A fast unsalted hash is right here, unlike for
/// passwords: keys carry 192 random bits, so there is nothing to brute-force or look up in a
/// table, and verification runs on every request. Lookup is by hash, so no secret is compared
/// byte by byte and no constant-time compare is needed.
pub(crate) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Scopes as stored: sorted names separated by spaces.
pub(crate) fn scopes_to_text(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

/// Reads stored scopes, skipping names this build does not know (written by a newer Ward).
pub(crate) fn scopes_from_text(text: &str) -> Vec<Scope> {
    text.split_whitespace().filter_map(Scope::parse).collect()
}

/// Sorted, without duplicates; an empty set is refused.
pub(crate) fn normalize_scopes(scopes: &[Scope]) -> Result<Vec<Scope>> {
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(UserError::NoScope.into());
    }
    Ok(scopes)
}
