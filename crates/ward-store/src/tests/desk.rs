//! Desk accounts, sessions and the alert queue, on both backends.

use super::*;

suite!(accounts_sign_in_and_lock_out, sessions_open_and_end);

const PASSWORD: &str = "correct horse battery";

fn accounts_sign_in_and_lock_out(db: &dyn Db) {
    let store = Store::open_location(&db.location()).unwrap();
    let user = store.create_user("ana", Role::Analyst, PASSWORD).unwrap();
    assert_eq!((user.name.as_str(), user.role), ("ana", Role::Analyst));
    // The password is stored only as an Argon2id PHC string.
    let (_, phc) = store.backend.user_with_hash("ana").unwrap().unwrap();
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    assert!(!phc.contains(PASSWORD));
    let taken = store.create_user("ana", Role::Admin, PASSWORD).unwrap_err();
    assert!(matches!(taken, Error::User(UserError::UserExists { .. })), "{taken}");
    let short = store.create_user("bob", Role::Admin, "short").unwrap_err();
    assert!(matches!(short, Error::User(UserError::ShortPassword { .. })), "{short}");
    let bad = store.create_user("<b>", Role::Admin, PASSWORD).unwrap_err();
    assert!(matches!(bad, Error::User(UserError::BadUserName { .. })), "{bad}");

    assert_eq!(store.sign_in("nobody", PASSWORD).unwrap(), SignIn::Refused);
    assert!(matches!(store.sign_in("ana", PASSWORD).unwrap(), SignIn::Accepted(_)));
    // Failures up to the limit are refused; the one reaching it locks the account, and then
    // even the right password is refused until the lock ends.
    for _ in 1..MAX_FAILED_SIGN_INS {
        assert_eq!(store.sign_in("ana", "wrong password!").unwrap(), SignIn::Refused);
    }
    assert_eq!(store.user("ana").unwrap().unwrap().failed_sign_ins, MAX_FAILED_SIGN_INS - 1);
    let locked = store.sign_in("ana", "wrong password!").unwrap();
    assert!(matches!(locked, SignIn::Locked { .. }), "{locked:?}");
    assert!(matches!(store.sign_in("ana", PASSWORD).unwrap(), SignIn::Locked { .. }));
    // An expired lock lets the right password in again and resets the count.
    store.backend.set_sign_in_state("ana", 3, Some("2000-01-01T00:00:00.000Z")).unwrap();
    assert!(matches!(store.sign_in("ana", PASSWORD).unwrap(), SignIn::Accepted(_)));
    assert_eq!(store.user("ana").unwrap().unwrap().failed_sign_ins, 0);
    assert_eq!(store.users().unwrap().len(), 1);
}

fn sessions_open_and_end(db: &dyn Db) {
    let store = Store::open_location(&db.location()).unwrap();
    store.create_user("sue", Role::Supervisor, PASSWORD).unwrap();
    let SignIn::Accepted(opened) = store.sign_in("sue", PASSWORD).unwrap() else { panic!("refused") };
    let session = store.session(&opened.token).unwrap().unwrap();
    assert_eq!(session, opened.session);
    assert_eq!((session.user.as_str(), session.role), ("sue", Role::Supervisor));
    assert_ne!(session.csrf_token, opened.token);
    assert_eq!(store.session("not a token").unwrap(), None);
    store.sign_out(&opened.token).unwrap();
    assert_eq!(store.session(&opened.token).unwrap(), None);
    // An expired session opens nothing.
    let SignIn::Accepted(again) = store.sign_in("sue", PASSWORD).unwrap() else { panic!("refused") };
    let expired = Session { expires_at: "2000-01-01T00:00:00.000Z".into(), ..again.session.clone() };
    store.backend.insert_session("expired-hash", &expired, &now()).unwrap();
    assert_eq!(store.backend.session("expired-hash", &now()).unwrap(), None);
    assert!(store.session(&again.token).unwrap().is_some());
}
