//! The review desk's tables on `PostgreSQL`.

use super::Postgres;
use crate::book::parse_stored;
use crate::desk::{DeskBackend, Session, User};
use crate::Result;
use postgres::Row;

const USER_COLUMNS: &str =
    "SELECT name, role, created_at, failed_sign_ins, locked_until, password_hash FROM desk_users";

fn user_of(row: &Row) -> Result<(User, String)> {
    let failed: i64 = row.get(3);
    Ok((
        User {
            name: row.get(0),
            role: parse_stored(&row.get::<_, String>(1))?,
            created_at: row.get(2),
            failed_sign_ins: u32::try_from(failed).unwrap_or(u32::MAX),
            locked_until: row.get(4),
        },
        row.get(5),
    ))
}

impl DeskBackend for Postgres {
    fn insert_user(&self, user: &User, password_hash: &str) -> Result<bool> {
        let inserted = self
            .client()?
            .execute(
                "INSERT INTO desk_users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO NOTHING",
                &[&user.name, &user.role.as_str(), &password_hash, &user.created_at],
            )
            .map_err(self.err())?;
        Ok(inserted == 1)
    }

    fn user_with_hash(&self, name: &str) -> Result<Option<(User, String)>> {
        let rows = self.query(&format!("{USER_COLUMNS} WHERE name = $1"), &[&name])?;
        rows.first().map(user_of).transpose()
    }

    fn users(&self) -> Result<Vec<User>> {
        let rows = self.query(&format!("{USER_COLUMNS} ORDER BY name"), &[])?;
        rows.iter().map(|row| Ok(user_of(row)?.0)).collect()
    }

    fn set_sign_in_state(&self, name: &str, failed: u32, locked_until: Option<&str>) -> Result<()> {
        self.client()?
            .execute(
                "UPDATE desk_users SET failed_sign_ins = $2, locked_until = $3 WHERE name = $1",
                &[&name, &i64::from(failed), &locked_until],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn insert_session(&self, token_hash: &str, session: &Session, at: &str) -> Result<()> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        tx.execute("DELETE FROM desk_sessions WHERE expires_at <= $1", &[&at]).map_err(&err)?;
        tx.execute(
            "INSERT INTO desk_sessions (token_hash, user_name, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&token_hash, &session.user, &session.csrf_token, &at, &session.expires_at],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>> {
        let rows = self.query(
            "SELECT s.user_name, u.role, s.csrf_token, s.expires_at
             FROM desk_sessions s JOIN desk_users u ON u.name = s.user_name
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            &[&token_hash, &now],
        )?;
        rows.first()
            .map(|row| {
                Ok(Session {
                    user: row.get(0),
                    role: parse_stored(&row.get::<_, String>(1))?,
                    csrf_token: row.get(2),
                    expires_at: row.get(3),
                })
            })
            .transpose()
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.client()?
            .execute("DELETE FROM desk_sessions WHERE token_hash = $1", &[&token_hash])
            .map_err(self.err())?;
        Ok(())
    }
}
