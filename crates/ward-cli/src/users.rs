//! `ward users create|list`: the people who sign in to the review desk (`ward serve`'s
//! `/desk`). API keys stay for machines (`ward keys`).

use crate::args::DatabaseArgs;
use crate::serve::open_store;
use anyhow::Context;
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use ward_store::Role;

/// `ward users ...`
#[derive(Debug, clap::Subcommand)]
pub enum UsersCommand {
    /// Create a desk account; the password is asked for (not echoed), or read from stdin.
    Create(UsersCreateArgs),
    /// List the desk accounts (never their passwords).
    List(UsersListArgs),
}

/// `ward users create`
#[derive(Debug, clap::Args)]
pub struct UsersCreateArgs {
    /// The sign-in name: letters, digits, '.', '_', '-' or '@'.
    #[arg(long)]
    pub name: String,
    /// What they may do: analyst (work alerts), supervisor (also approve), admin (also
    /// manage accounts).
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Read the password from the first line of stdin instead of asking (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `ward users list`
#[derive(Debug, clap::Args)]
pub struct UsersListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The store.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
}

fn read_password(args: &UsersCreateArgs) -> anyhow::Result<String> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    let password = rpassword::prompt_password(format!("Password for {}: ", args.name))
        .context("reading the password (no terminal? use --password-stdin)")?;
    let again = rpassword::prompt_password("Again: ").context("reading the password")?;
    anyhow::ensure!(password == again, "the two passwords differ; nothing was created");
    Ok(password)
}

pub(crate) fn run(data_dir: &Path, command: &UsersCommand) -> anyhow::Result<ExitCode> {
    match command {
        UsersCommand::Create(args) => {
            let password = read_password(args)?;
            let store = open_store(data_dir, &args.db)?;
            let user = store.create_user(&args.name, args.role, &password)?;
            eprintln!("created user {} ({}); they sign in at /desk/sign-in", user.name, user.role);
        }
        UsersCommand::List(args) => {
            let store = open_store(data_dir, &args.db)?;
            let users = store.users()?;
            if args.json {
                out!("{}", serde_json::to_string_pretty(&users)?)?;
            } else {
                for user in &users {
                    let lock = user.locked_until.as_deref().map(|until| format!("  locked until {until}"));
                    out!(
                        "{:<24} {:<10} created {}{}",
                        user.name,
                        user.role,
                        user.created_at,
                        lock.unwrap_or_default()
                    )?;
                }
                if users.is_empty() {
                    eprintln!("no users; create one with `ward users create --name NAME --role analyst`");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
