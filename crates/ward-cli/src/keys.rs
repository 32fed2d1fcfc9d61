//! `ward keys create|list|revoke`: API keys for `ward serve`.

use crate::args::{KeyScope, KeysCommand};
use crate::serve::open_store;
use std::path::Path;
use std::process::ExitCode;
use ward_store::Scope;

pub(crate) fn run(data_dir: &Path, command: &KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::Create(args) => {
            let store = open_store(data_dir, &args.db)?;
            let scope = match args.scope {
                KeyScope::Screen => Scope::Screen,
                KeyScope::Admin => Scope::Admin,
                KeyScope::Review => Scope::Review,
            };
            let (info, secret) = store.create_key(&args.name, &[scope])?;
            eprintln!(
                "created key {} ({}, scope {scope}); it is shown once and cannot be recovered:",
                info.id, info.name
            );
            out!("{secret}")?;
        }
        KeysCommand::List(args) => {
            let store = open_store(data_dir, &args.db)?;
            let keys = store.list_keys()?;
            if args.json {
                out!("{}", serde_json::to_string_pretty(&keys)?)?;
            } else {
                for key in &keys {
                    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
                    let state = match &key.revoked_at {
                        Some(at) => format!("revoked {at}"),
                        None => "active".to_string(),
                    };
                    out!(
                        "{}  {:<8} {:<24} created {}  {state}",
                        key.id,
                        scopes.join(","),
                        key.name,
                        key.created_at
                    )?;
                }
                if keys.is_empty() {
                    eprintln!("no keys; create one with `ward keys create --name NAME`");
                }
            }
        }
        KeysCommand::Revoke(args) => {
            let store = open_store(data_dir, &args.db)?;
            let key = store.revoke_key(&args.id)?;
            out!("revoked {} ({}) at {}", key.id, key.name, key.revoked_at.as_deref().unwrap_or("?"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
