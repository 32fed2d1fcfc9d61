//! The review desk's accounts, sessions and alert queue: people who sign in (analysts,
//! supervisors, admins) with Argon2-hashed passwords, lockout after repeated failures, sessions
//! kept by the hash of their cookie token with a per-session CSRF token.
//!
//! Passwords and session tokens are never stored: a password as its Argon2id PHC string, a
//! session token as its SHA-256 (a stolen database opens no session).

use crate::{Error, InternalError, Result, Role, Store, UserError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Failed sign-ins in a row after which an account is locked for [`LOCKOUT_DURATION`].
pub const MAX_FAILED_SIGN_INS: u32 = 5;

/// How long an account stays locked after [`MAX_FAILED_SIGN_INS`] failures.
pub const LOCKOUT_DURATION: Duration = Duration::from_secs(15 * 60);

/// How long a session lasts from sign-in (a working day).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Random bytes in a session token and in a CSRF token.
const TOKEN_BYTES: usize = 32;

/// A person who signs in to the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The sign-in name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When the account was created.
    pub created_at: String,
    /// Failed sign-ins since the last success or lockout.
    pub failed_sign_ins: u32,
    /// Until when the account is locked, if it was.
    pub locked_until: Option<String>,
}

/// The outcome of a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The password is right: a new session.
    Accepted(NewSession),
    /// Unknown name or wrong password (not told apart, so names cannot be probed).
    Refused,
    /// Too many failures: the account is locked until this time, even for the right password.
    Locked {
        /// When the lock ends (RFC 3339 UTC).
        until: String,
    },
}

/// A session just opened: the token goes in the cookie and is not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// The session as stored.
    pub session: Session,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: String,
    /// Their role now (read with the session, so a changed role applies at once).
    pub role: Role,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
    /// When it ends (RFC 3339 UTC).
    pub expires_at: String,
}

/// The account and session tables of one backend.
pub(crate) trait DeskBackend: Send + Sync {
    /// Inserts a user; `false` when the name is taken.
    fn insert_user(&self, user: &User, password_hash: &str) -> Result<bool>;
    /// One user and their password hash.
    fn user_with_hash(&self, name: &str) -> Result<Option<(User, String)>>;
    /// Every user, by name.
    fn users(&self) -> Result<Vec<User>>;
    /// Records the failure count and lock of a user.
    fn set_sign_in_state(&self, name: &str, failed: u32, locked_until: Option<&str>) -> Result<()>;
    /// Stores a session by the hash of its token, removing expired ones.
    fn insert_session(&self, token_hash: &str, session: &Session, at: &str) -> Result<()>;
    /// The unexpired session with this token hash.
    fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>>;
    /// Ends a session.
    fn delete_session(&self, token_hash: &str) -> Result<()>;
}

/// A time as stored: fixed-width UTC text, so text order is time order.
fn time_text(time: DateTime<Utc>) -> String {
    crate::audit::format_time(time)
}

fn later(duration: Duration) -> DateTime<Utc> {
    // The durations are named constants of minutes to hours: always in range.
    Utc::now() + chrono::Duration::from_std(duration).unwrap_or_else(|_| chrono::Duration::zero())
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| Error::from(InternalError::Random(e.to_string())))?;
    Ok(hex::encode(bytes))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password as an Argon2id PHC string with a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| Error::from(InternalError::Random(e.to_string())))?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| Error::from(InternalError::Random(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::from(InternalError::Random(e.to_string())))
}

/// Whether `password` matches a stored PHC string; a malformed string matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

fn check_user_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if valid {
        Ok(())
    } else {
        Err(UserError::BadUserName { name: name.to_string() }.into())
    }
}

impl Store {
    /// Creates an account with a password (hashed with Argon2id; the password is not stored).
    pub fn create_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        check_user_name(name)?;
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(UserError::ShortPassword { min: MIN_PASSWORD_CHARS }.into());
        }
        let user = User {
            name: name.to_string(),
            role,
            created_at: crate::now(),
            failed_sign_ins: 0,
            locked_until: None,
        };
        if !self.backend.insert_user(&user, &hash_password(password)?)? {
            return Err(UserError::UserExists { name: name.to_string() }.into());
        }
        Ok(user)
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        self.backend.users()
    }

    /// One account by name.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        Ok(self.backend.user_with_hash(name)?.map(|(user, _)| user))
    }

    /// Checks a name and password and opens a session when they match and the account is not
    /// locked. Each failure counts; the [`MAX_FAILED_SIGN_INS`]th in a row locks the account for
    /// [`LOCKOUT_DURATION`]. A success resets the count.
    pub fn sign_in(&self, name: &str, password: &str) -> Result<SignIn> {
        let Some((user, phc)) = self.backend.user_with_hash(name)? else {
            // Spend the time a wrong password would, so that timing does not tell names apart.
            let _ = verify_password(password, UNKNOWN_USER_HASH);
            return Ok(SignIn::Refused);
        };
        let now = crate::now();
        if let Some(until) = user.locked_until.as_deref().filter(|until| *until > now.as_str()) {
            return Ok(SignIn::Locked { until: until.to_string() });
        }
        if !verify_password(password, &phc) {
            let failed = user.failed_sign_ins + 1;
            if failed >= MAX_FAILED_SIGN_INS {
                let until = time_text(later(LOCKOUT_DURATION));
                self.backend.set_sign_in_state(name, 0, Some(&until))?;
                return Ok(SignIn::Locked { until });
            }
            self.backend.set_sign_in_state(name, failed, None)?;
            return Ok(SignIn::Refused);
        }
        if user.failed_sign_ins > 0 || user.locked_until.is_some() {
            self.backend.set_sign_in_state(name, 0, None)?;
        }
        let token = random_token()?;
        let session = Session {
            user: user.name,
            role: user.role,
            csrf_token: random_token()?,
            expires_at: time_text(later(SESSION_LIFETIME)),
        };
        self.backend.insert_session(&token_hash(&token), &session, &now)?;
        Ok(SignIn::Accepted(NewSession { token, session }))
    }

    /// The session a cookie token opens, unless it ended or expired.
    pub fn session(&self, token: &str) -> Result<Option<Session>> {
        self.backend.session(&token_hash(token), &crate::now())
    }

    /// Ends the session of a cookie token.
    pub fn sign_out(&self, token: &str) -> Result<()> {
        self.backend.delete_session(&token_hash(token))
    }
}

/// An Argon2id hash of a random password nobody knows, verified against for unknown names.
const UNKNOWN_USER_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QWu3SfQK6A0OjjPwyV6vWzFHsSBCRTU/qVVp0jNzOU8";
