//! What partners do without Rust: sign off definition and rule files, and check sign-offs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use impatto::signoff::{self, Keyring, Verdict};

/// `impatto signoff FILE --by NAME --role ROLE --key KEY`, or a subcommand.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SignoffArgs {
    #[command(subcommand)]
    command: Option<SignoffCommand>,
    /// The definition or rule file to sign off, as it is now (its SHA-256 is signed).
    #[arg(required = true)]
    file: Option<PathBuf>,
    /// Who signs, as the keyring names them.
    #[arg(long, required = true)]
    by: Option<String>,
    /// In what capacity, e.g. "scientific lead, university lab".
    #[arg(long, required = true)]
    role: Option<String>,
    /// The signer's secret key file (from `impatto signoff keygen`).
    #[arg(long, required = true)]
    key: Option<PathBuf>,
    /// What the sign-off covers, in the signer's words (default: the whole file).
    #[arg(long)]
    scope: Option<String>,
    /// Day of the sign-off, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<NaiveDate>,
}

#[derive(clap::Subcommand, Debug)]
enum SignoffCommand {
    /// Make a signer's key: the secret key to --out (kept by the signer), and on stdout the
    /// lines that add the signer to a keyring (`signers.keyring`, kept by the city).
    Keygen {
        /// Who the key is for.
        #[arg(long)]
        by: String,
        /// Their usual role.
        #[arg(long)]
        role: String,
        /// Where to write the secret key (refused if the file exists).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check the sign-offs of files: each record's signature, its signer against the keyring,
    /// and whether the file changed since. Exits 1 unless every file is signed as it is.
    Verify {
        /// Definition or rule files, or directories of definitions.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Trusted signers (default: `signers.keyring` beside each file).
        #[arg(long)]
        keyring: Option<PathBuf>,
    },
}

pub(crate) fn signoff(args: SignoffArgs) -> Result<ExitCode> {
    match args.command {
        Some(SignoffCommand::Keygen { by, role, out }) => keygen(&by, &role, &out),
        Some(SignoffCommand::Verify { files, keyring }) => verify(&files, keyring.as_deref()),
        None => {
            let (Some(file), Some(by), Some(role), Some(key)) = (args.file, args.by, args.role, args.key) else {
                bail!("expected FILE --by NAME --role ROLE --key KEY (clap requires them; this is a bug)");
            };
            let secret = signoff::read_secret_key(&key)?;
            let date = args.date.unwrap_or_else(today_utc);
            let scope = args.scope.unwrap_or_else(|| "the whole file".to_string());
            let record = signoff::sign(&file, &secret, &by, &role, &scope, date)?;
            println!(
                "signed {} {} as {} ({}), {}; record in {}",
                record.file,
                record.sha256,
                record.signer,
                record.role,
                record.date,
                signoff::records_path(&file).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Today in UTC (chrono's clock feature would pull in time-zone data for this one call).
fn today_utc() -> NaiveDate {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::default() + chrono::Days::new(days)
}

fn keygen(by: &str, role: &str, out: &Path) -> Result<ExitCode> {
    if out.exists() {
        bail!("{}: exists; expected a new file for the secret key (hint: a key is made once per signer)", out.display());
    }
    let key = signoff::generate_key(out)?;
    write_private(out, signoff::secret_key_text(&key).as_bytes())?;
    let entry = Keyring {
        signer: vec![signoff::TrustedSigner {
            name: by.to_string(),
            role: role.to_string(),
            public_key: signoff::public_key_text(&key),
        }],
    };
    print!("{}", toml::to_string(&entry).context("writing the keyring entry")?);
    eprintln!(
        "secret key written to {} (keep it private); add the lines above to the keyring, e.g. signers.keyring beside the files",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A file only its owner can read, created (never overwritten) with that mode from the start.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).with_context(|| format!("writing {}", path.display()))
}

/// The files a list of files and directories names: each directory's `*.toml` files, sorted.
fn files_of(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            files.extend(super::indicators::definition_files(std::slice::from_ref(p))?);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn verify(paths: &[PathBuf], keyring: Option<&Path>) -> Result<ExitCode> {
    let mut all_signed = true;
    let mut out = String::new();
    for file in files_of(paths)? {
        let ring = Keyring::load(&keyring.map(Path::to_path_buf).unwrap_or_else(|| signoff::default_keyring(&file)))?;
        let current = signoff::file_sha256(&file)?;
        let state = signoff::state(&file, &ring)?;
        all_signed &= state.is_signed();
        out += &format!("{}  {current}  {state}\n", file.display());
        for (i, record) in signoff::records(&file)?.iter().enumerate() {
            let verdict = ring.check(record, &current);
            all_signed &= !matches!(verdict, Verdict::Forged | Verdict::UnknownSigner);
            out += &format!(
                "  record {}: {} ({}), {}, {} — {}\n",
                i + 1,
                record.signer,
                record.role,
                record.date,
                record.sha256,
                verdict.word()
            );
        }
    }
    super::emit(None, out.as_bytes())?;
    Ok(if all_signed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Refuse files that are not signed as they are (for `check --require-signoff`, `run --official`).
pub(crate) fn require_signed(files: &[PathBuf], what: &str) -> Result<()> {
    let mut unsigned = Vec::new();
    for file in files {
        let state = signoff::state_beside(file)?;
        if !state.is_signed() {
            unsigned.push(format!("{} ({state})", file.display()));
        }
    }
    if !unsigned.is_empty() {
        bail!(
            "expected every {what} signed off as it is, found {} not: {} (hint: `impatto signoff FILE --by NAME --role ROLE --key KEY`, then `impatto signoff verify`)",
            unsigned.len(),
            unsigned.join("; ")
        );
    }
    Ok(())
}
