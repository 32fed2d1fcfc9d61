//! The review desk's tables on `SQLite`.

use super::Sqlite;
use crate::book::parse_stored;
use crate::desk::{DeskBackend, Session, User};
use crate::Result;
use rusqlite::{params, OptionalExtension};

const USER_COLUMNS: &str =
    "SELECT name, role, created_at, failed_sign_ins, locked_until, password_hash FROM desk_users";

fn user_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<(User, String, String)> {
    Ok((
        User {
            name: row.get(0)?,
            role: crate::Role::Analyst,
            created_at: row.get(2)?,
            failed_sign_ins: row.get(3)?,
            locked_until: row.get(4)?,
        },
        row.get(1)?,
        row.get(5)?,
    ))
}

fn with_role((mut user, role, hash): (User, String, String)) -> Result<(User, String)> {
    user.role = parse_stored(&role)?;
    Ok((user, hash))
}

impl DeskBackend for Sqlite {
    fn insert_user(&self, user: &User, password_hash: &str) -> Result<bool> {
        let inserted = self
            .conn()?
            .execute(
                "INSERT INTO desk_users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO NOTHING",
                params![user.name, user.role.as_str(), password_hash, user.created_at],
            )
            .map_err(self.err())?;
        Ok(inserted == 1)
    }

    fn user_with_hash(&self, name: &str) -> Result<Option<(User, String)>> {
        let conn = self.conn()?;
        let row = conn
            .query_row(&format!("{USER_COLUMNS} WHERE name = ?1"), params![name], user_of)
            .optional()
            .map_err(self.err())?;
        row.map(with_role).transpose()
    }

    fn users(&self) -> Result<Vec<User>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!("{USER_COLUMNS} ORDER BY name")).map_err(&err)?;
        let rows = stmt.query_map([], user_of).map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(with_role(row.map_err(&err)?)?.0);
        }
        Ok(out)
    }

    fn set_sign_in_state(&self, name: &str, failed: u32, locked_until: Option<&str>) -> Result<()> {
        self.conn()?
            .execute(
                "UPDATE desk_users SET failed_sign_ins = ?2, locked_until = ?3 WHERE name = ?1",
                params![name, failed, locked_until],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn insert_session(&self, token_hash: &str, session: &Session, at: &str) -> Result<()> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM desk_sessions WHERE expires_at <= ?1", params![at]).map_err(&err)?;
        tx.execute(
            "INSERT INTO desk_sessions (token_hash, user_name, csrf_token, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, session.user, session.csrf_token, at, session.expires_at],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>> {
        let conn = self.conn()?;
        let row = conn
            .query_row(
                "SELECT s.user_name, u.role, s.csrf_token, s.expires_at
                 FROM desk_sessions s JOIN desk_users u ON u.name = s.user_name
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                params![token_hash, now],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()
            .map_err(self.err())?;
        row.map(|(user, role, csrf_token, expires_at)| {
            Ok(Session { user, role: parse_stored(&role)?, csrf_token, expires_at })
        })
        .transpose()
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.conn()?
            .execute("DELETE FROM desk_sessions WHERE token_hash = ?1", params![token_hash])
            .map_err(self.err())?;
        Ok(())
    }
}
