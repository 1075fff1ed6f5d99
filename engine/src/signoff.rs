//! Sign-offs: a partner's signed word that a definition or rule file, byte for byte, is agreed.
//!
//! Why: the city pays on numbers a university lab helped define, and must show whose agreement
//! each number rests on. A sign-off names the signer, their role, the date, what it covers and
//! the file's SHA-256; it is signed with the signer's Ed25519 key (RFC 8032, `ed25519-dalek`),
//! so editing the text of a record breaks its signature. It lapses by itself when the file
//! changes, since the hash it signs no longer matches.
//!
//! Files:
//! - `FILE.signoff` (TOML, next to the signed file): its records, `[[signoff]]`, newest last.
//! - a keyring (TOML, `signers.keyring` next to the file unless named): the signers the city
//!   trusts, `[[signer]] name, role, public_key`. A record verifies only with a key listed
//!   under its signer's name: anyone can make a key, not anyone can be in the keyring.
//! - a secret key (one line, `ed25519-secret:` and 64 hex digits), kept by its signer.
//!
//! The signed message is the record's fields, one `name=value` line each, under a version line
//! (`impatto-signoff-v1`), so a record is checked without any TOML canonicalisation.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Errors of sign-offs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignoffError {
    /// A record, keyring or key file cannot be read as one.
    #[error("{path}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Expected vs found.
        message: String,
    },
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, SignoffError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SignoffError + '_ {
    move |source| SignoffError::Io { path: path.to_path_buf(), source }
}

fn malformed(path: &Path, message: impl Into<String>) -> SignoffError {
    SignoffError::Malformed { path: path.to_path_buf(), message: message.into() }
}

/// One sign-off of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The signed file's name (no directory: the record sits next to it).
    pub file: String,
    /// `sha256:` and the hex digest of the file's bytes when signed.
    pub sha256: String,
    /// Who signed, as the keyring names them.
    pub signer: String,
    /// In what capacity, e.g. `scientific lead, Politecnico di Milano`.
    pub role: String,
    /// The day of the sign-off (YYYY-MM-DD).
    pub date: NaiveDate,
    /// What the sign-off covers, in the signer's words.
    pub scope: String,
    /// `ed25519:` and the 64 hex digits of the signer's public key.
    pub public_key: String,
    /// The Ed25519 signature of [`Record::message`], 128 hex digits.
    pub signature: String,
}

impl Record {
    /// The bytes signed: every field but the signature, one `name=value` line each.
    pub fn message(&self) -> Vec<u8> {
        format!(
            "impatto-signoff-v1\nfile={}\nsha256={}\nsigner={}\nrole={}\ndate={}\nscope={}\npublic_key={}\n",
            self.file, self.sha256, self.signer, self.role, self.date, self.scope, self.public_key
        )
        .into_bytes()
    }

    /// Does the signature verify with the record's own key? (Whether that key is trusted is the
    /// keyring's question, see [`Keyring::check`].)
    pub fn signature_holds(&self) -> bool {
        let Some(key) = parse_public_key(&self.public_key) else { return false };
        let Some(bytes) = hex::decode(&self.signature).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        key.verify(&self.message(), &Signature::from_bytes(&bytes)).is_ok()
    }
}

#[derive(Default, Serialize, Deserialize)]
struct RecordFile {
    #[serde(default)]
    signoff: Vec<Record>,
}

/// A signer the city trusts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedSigner {
    /// Name, as records give it.
    pub name: String,
    /// Usual role (a record states its own).
    pub role: String,
    /// `ed25519:` and 64 hex digits.
    pub public_key: String,
}

/// The signers the city trusts, from a keyring file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    /// Trusted signers.
    #[serde(default)]
    pub signer: Vec<TrustedSigner>,
}

impl Keyring {
    /// Read a keyring; a missing file is an empty keyring (nothing verifies).
    ///
    /// Errors: [`SignoffError::Malformed`] naming the file when it is not a keyring.
    pub fn load(path: &Path) -> Result<Keyring> {
        if !path.exists() {
            return Ok(Keyring::default());
        }
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let ring: Keyring = toml::from_str(&text)
            .map_err(|e| malformed(path, format!("expected a keyring ([[signer]] name, role, public_key), found: {e}")))?;
        for s in &ring.signer {
            if parse_public_key(&s.public_key).is_none() {
                return Err(malformed(
                    path,
                    format!("signer `{}`: expected public_key = \"ed25519:<64 hex digits>\", found `{}`", s.name, s.public_key),
                ));
            }
        }
        Ok(ring)
    }

    /// What a record is worth against this keyring and the file's current hash.
    pub fn check(&self, record: &Record, current_sha256: &str) -> Verdict {
        if !record.signature_holds() {
            return Verdict::Forged;
        }
        if !self.signer.iter().any(|s| s.name == record.signer && s.public_key == record.public_key) {
            return Verdict::UnknownSigner;
        }
        if record.sha256 != current_sha256 { Verdict::Lapsed } else { Verdict::Valid }
    }
}

/// What one record is worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Signed by a trusted signer for the file as it is.
    Valid,
    /// Signed by a trusted signer, for an earlier content of the file.
    Lapsed,
    /// The signature does not verify: the record was edited, or is not a sign-off.
    Forged,
    /// The signature verifies, but its key is not the keyring's for that name.
    UnknownSigner,
}

impl Verdict {
    /// `valid`, `lapsed`, `forged` or `unknown signer`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Lapsed => "lapsed (the file changed since)",
            Verdict::Forged => "FORGED (the signature does not verify)",
            Verdict::UnknownSigner => "unknown signer (the key is not the keyring's for that name)",
        }
    }
}

/// The sign-off state a result carries: `signed: NAME (ROLE), DATE`, or `draft`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// The newest valid record.
    Signed {
        /// Signer.
        signer: String,
        /// Role.
        role: String,
        /// Day signed.
        date: NaiveDate,
    },
    /// No valid record; `lapsed` names the newest one the file's change made lapse.
    Draft {
        /// `NAME (ROLE), DATE` of a lapsed sign-off, if any.
        lapsed: Option<String>,
    },
}

impl State {
    /// Is it signed?
    pub fn is_signed(&self) -> bool {
        matches!(self, State::Signed { .. })
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Signed { signer, role, date } => write!(f, "signed: {signer} ({role}), {date}"),
            State::Draft { lapsed: None } => f.write_str("draft"),
            State::Draft { lapsed: Some(who) } => write!(f, "draft (lapsed: {who})"),
        }
    }
}

/// A state in words, in `t`'s language: `firmato: NAME (RUOLO), 31/12/2025`, `bozza`.
pub fn state_text(state: &State, t: &crate::i18n::Texts) -> String {
    use crate::i18n::Arg;
    match state {
        State::Signed { signer, role, date } => t.get(
            "signoff-signed",
            &[("signer", Arg::Text(signer)), ("role", Arg::Text(role)), ("date", Arg::Text(&t.date(*date)))],
        ),
        State::Draft { lapsed: None } => t.get("signoff-draft", &[]),
        State::Draft { lapsed: Some(who) } => t.get("signoff-lapsed", &[("who", Arg::Text(who))]),
    }
}

/// The record file of `file`: `FILE.signoff` beside it.
pub fn records_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".signoff");
    file.with_file_name(name)
}

/// The default keyring of `file`: `signers.keyring` in its directory.
pub fn default_keyring(file: &Path) -> PathBuf {
    file.with_file_name("signers.keyring")
}

/// The records of `file`, oldest first (none without a record file).
///
/// Errors: [`SignoffError::Malformed`] when the record file is not one.
pub fn records(file: &Path) -> Result<Vec<Record>> {
    let path = records_path(file);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let parsed: RecordFile = toml::from_str(&text)
        .map_err(|e| malformed(&path, format!("expected sign-off records ([[signoff]] file, sha256, signer, …), found: {e}")))?;
    Ok(parsed.signoff)
}

/// `sha256:` and the hex digest of a file's bytes.
pub fn file_sha256(file: &Path) -> Result<String> {
    let bytes = std::fs::read(file).map_err(io(file))?;
    Ok(format!("sha256:{}", hex::encode(Sha256::digest(&bytes))))
}

/// The state of `file` against `keyring`: the newest valid record, else draft (naming the newest
/// lapsed one). Forged records and unknown signers count for nothing here; `verify` names them.
pub fn state(file: &Path, keyring: &Keyring) -> Result<State> {
    let current = file_sha256(file)?;
    let mut lapsed = None;
    for record in records(file)?.iter().rev() {
        match keyring.check(record, &current) {
            Verdict::Valid => {
                return Ok(State::Signed { signer: record.signer.clone(), role: record.role.clone(), date: record.date });
            }
            Verdict::Lapsed if lapsed.is_none() => lapsed = Some(format!("{} ({}), {}", record.signer, record.role, record.date)),
            _ => {}
        }
    }
    Ok(State::Draft { lapsed })
}

/// Whom a command trusts to sign: the keyring beside each file ([`default_keyring`]), or one
/// keyring for every file (`--keyring`), so that the city's own list decides, wherever the
/// definitions and rules come from.
#[derive(Clone, Debug, Default)]
pub enum Trust {
    /// `signers.keyring` in each file's directory (none there: nothing verifies).
    #[default]
    Beside,
    /// This keyring, for every file.
    Keyring(Keyring),
}

impl Trust {
    /// [`Trust::Keyring`] read from `path`, or [`Trust::Beside`] without one.
    ///
    /// Errors: [`SignoffError::Malformed`] when the keyring named is missing or is not one (a
    /// keyring given by name and absent would trust nobody without saying so).
    pub fn load(path: Option<&Path>) -> Result<Trust> {
        match path {
            None => Ok(Trust::Beside),
            Some(path) if !path.is_file() => Err(malformed(
                path,
                format!(
                    "expected a keyring file ([[signer]] name, role, public_key), found {}",
                    if path.is_dir() { "a directory" } else { "no file at this path" }
                ),
            )),
            Some(path) => Keyring::load(path).map(Trust::Keyring),
        }
    }

    /// The keyring trusted for `file`.
    pub fn keyring_for(&self, file: &Path) -> Result<std::borrow::Cow<'_, Keyring>> {
        match self {
            Trust::Beside => Keyring::load(&default_keyring(file)).map(std::borrow::Cow::Owned),
            Trust::Keyring(ring) => Ok(std::borrow::Cow::Borrowed(ring)),
        }
    }

    /// The state of `file` against the keyring trusted for it.
    pub fn state(&self, file: &Path) -> Result<State> {
        state(file, &*self.keyring_for(file)?)
    }
}

/// Stamp each result with the sign-off state of the definition that made it: read from the
/// records beside its file, against the keyring `trust` gives. Definitions with no file on disk
/// holding the bytes they were loaded from (the built-in catalogue is compiled in) stay drafts.
pub fn stamp_results(
    results: &mut [impatto_indicators::IndicatorResult],
    defs: &[impatto_indicators::LoadedDefinition],
    trust: &Trust,
) -> Result<()> {
    let mut states = std::collections::BTreeMap::new();
    for d in defs {
        let path = Path::new(&d.file);
        if path.is_file() && file_sha256(path)? == d.hash {
            states.insert(d.def.id.as_str(), trust.state(path)?.to_string());
        }
    }
    for r in results {
        if let Some(state) = states.get(r.indicator.as_str()) {
            r.signoff.clone_from(state);
        }
    }
    Ok(())
}

/// A new secret key from the operating system's random source.
///
/// Errors: [`SignoffError::Malformed`] naming `path` if the system gives no randomness.
pub fn generate_key(path: &Path) -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| malformed(path, format!("no random source to make a key: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The text of a secret key file.
pub fn secret_key_text(key: &SigningKey) -> String {
    format!("ed25519-secret:{}\n", hex::encode(key.to_bytes()))
}

/// `ed25519:` and the hex of a key's public half.
pub fn public_key_text(key: &SigningKey) -> String {
    format!("ed25519:{}", hex::encode(key.verifying_key().to_bytes()))
}

/// Read a secret key file.
///
/// Errors: [`SignoffError::Malformed`] naming the file when it is not `ed25519-secret:<64 hex>`.
pub fn read_secret_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let seed = text
        .trim()
        .strip_prefix("ed25519-secret:")
        .and_then(|h| hex::decode(h).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            malformed(path, "expected a secret key `ed25519-secret:<64 hex digits>` (from `impatto signoff keygen`)")
        })?;
    Ok(SigningKey::from_bytes(&seed))
}

fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.strip_prefix("ed25519:")?).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Sign `file` as it is now and append the record to its record file (written atomically).
///
/// Errors: the file or record file cannot be read or written; the record file is malformed.
pub fn sign(file: &Path, key: &SigningKey, signer: &str, role: &str, scope: &str, date: NaiveDate) -> Result<Record> {
    let mut record = Record {
        file: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256: file_sha256(file)?,
        signer: signer.to_string(),
        role: role.to_string(),
        date,
        scope: scope.to_string(),
        public_key: public_key_text(key),
        signature: String::new(),
    };
    record.signature = hex::encode(key.sign(&record.message()).to_bytes());
    let mut all = RecordFile { signoff: records(file)? };
    all.signoff.push(record.clone());
    let path = records_path(file);
    let text = toml::to_string(&all).map_err(|e| malformed(&path, format!("cannot write the records: {e}")))?;
    crate::output::write_atomic(&path, text.as_bytes()).map_err(|e| malformed(&path, e.to_string()))?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1, TEST 1: the empty message under the first test key. The signature
    /// is the RFC's, so the signing here is the standard's, not only consistent with itself.
    #[test]
    fn signatures_are_rfc_8032_ed25519() {
        let secret = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").expect("hex");
        let key = SigningKey::from_bytes(&secret.try_into().expect("32 bytes"));
        assert_eq!(
            hex::encode(key.verifying_key().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            hex::encode(key.sign(b"").to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn a_record_verifies_lapses_with_the_file_and_breaks_when_edited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("FND-01.toml");
        std::fs::write(&file, "id = \"FND-01\"\n").expect("write");
        let key = SigningKey::from_bytes(&[7; 32]);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let keyring = Keyring {
            signer: vec![TrustedSigner { name: "Lab".into(), role: "lead".into(), public_key: public_key_text(&key) }],
        };
        assert_eq!(state(&file, &keyring).expect("state"), State::Draft { lapsed: None });
        sign(&file, &key, "Lab", "lead", "FND-01 formula", day).expect("signs");
        assert_eq!(state(&file, &keyring).expect("state").to_string(), "signed: Lab (lead), 2026-12-01");
        // Not trusted without the keyring's key for that name.
        assert_eq!(state(&file, &Keyring::default()).expect("state"), State::Draft { lapsed: None });
        // Editing the record's text breaks the signature.
        let records_file = records_path(&file);
        let text = std::fs::read_to_string(&records_file).expect("read");
        std::fs::write(&records_file, text.replace("role = \"lead\"", "role = \"director\"")).expect("write");
        assert_eq!(keyring.check(&records(&file).expect("records")[0], &file_sha256(&file).expect("hash")), Verdict::Forged);
        std::fs::write(&records_file, text).expect("restore");
        // Changing the file lapses it.
        std::fs::write(&file, "id = \"FND-01\"\nversion = \"1.0.1\"\n").expect("write");
        assert_eq!(state(&file, &keyring).expect("state").to_string(), "draft (lapsed: Lab (lead), 2026-12-01)");
    }
}
