//! The manifest of a directory impatto wrote as a whole (`generate`, `run --out`): every file
//! with its SHA-256, written last.
//!
//! **Why.** A directory that mixes the tables of two generations (one killed or concurrent
//! writer's `beneficiaries` beside another's `panel`) validates row by row and gives wrong
//! indicators. The manifest says which files belong together: validation refuses a panel
//! directory whose table files differ from its manifest. Panels a user made have no manifest
//! and are read as they are.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Issue, Result};
use crate::message::Phrase;
use crate::phrase;

/// The manifest's file name.
pub const FILE: &str = "manifest.json";

/// A file's SHA-256, hex (the digest manifests, ledger runs and sign-offs record).
///
/// # Errors
/// [`Error::Io`] naming the file when it cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// One listed file.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Entry {
    file: String,
    sha256: String,
}

/// The manifest document.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Manifest {
    written_by: String,
    files: Vec<Entry>,
}

/// Write `dir`'s manifest: every regular file in it and in its subdirectories (by relative
/// path with `/`, sorted: `report/it/index.html`) with its SHA-256, and `written_by`. No time
/// stamp: the same files give the same manifest.
///
/// # Errors
/// [`Error::Io`] naming the file that cannot be read or the manifest that cannot be written.
pub fn write(dir: &Path, written_by: &str) -> Result<()> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    files.sort_by(|a, b| a.file.cmp(&b.file));
    let manifest = Manifest { written_by: written_by.to_string(), files };
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    let path = dir.join(FILE);
    std::fs::write(&path, bytes).map_err(|source| Error::Io { path, source })
}

/// Every regular file under `dir`, named `prefix` + its relative path (the top-level manifest aside).
fn collect(dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> Result<()> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(String::from) else { continue };
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            collect(&path, &format!("{prefix}{name}/"), out)?;
        } else if kind.is_file() && !(prefix.is_empty() && name == FILE) {
            out.push(Entry { file: format!("{prefix}{name}"), sha256: sha256_file(&path)? });
        }
    }
    Ok(())
}

/// `(file, sha256)` pairs of a manifest's text, or what is wrong with it.
fn parse(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let m: Manifest = serde_json::from_str(text).map_err(|e| format!("unreadable JSON ({e})"))?;
    Ok(m.files.into_iter().map(|e| (e.file, e.sha256)).collect())
}

/// Check the table files of `dir` against its manifest, if it has one: each must be listed
/// with its digest. Findings are errors naming the file.
///
/// # Errors
/// [`Error::Io`] when a file cannot be read.
pub fn check(dir: &Path, table_files: &[&Path]) -> Result<Vec<Issue>> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
    let listed = match parse(&text) {
        Ok(l) => l,
        Err(found) => {
            return Ok(vec![Issue::in_file(
                path.display().to_string(),
                phrase!("data-manifest"),
                Phrase::verbatim(found),
                Some(phrase!("data-hint-remove-manifest")),
            )]);
        }
    };
    let mut issues = Vec::new();
    for file in table_files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let hint = || Some(phrase!("data-hint-two-writes", dir = dir.display().to_string()));
        match listed.iter().find(|(f, _)| f == name) {
            None => issues.push(Issue::in_file(
                file.display().to_string(),
                phrase!("data-listed-in-manifest", manifest = path.display().to_string()),
                phrase!("data-not-listed"),
                hint(),
            )),
            Some((_, expected)) => {
                let found = sha256_file(file)?;
                if &found != expected {
                    issues.push(Issue::in_file(
                        file.display().to_string(),
                        phrase!("data-digest-listed", digest = expected, manifest = path.display().to_string()),
                        Phrase::verbatim(format!("sha256:{found}")),
                        hint(),
                    ));
                }
            }
        }
    }
    Ok(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_was_written_and_catches_a_swapped_table() {
        let t = tempfile::tempdir().expect("tempdir");
        let d = t.path();
        std::fs::write(d.join("panel.csv"), "a\n1\n").expect("write");
        std::fs::write(d.join("odd \"name\".csv"), "b\n").expect("write");
        write(d, "impatto test").expect("manifest");
        let text = std::fs::read_to_string(d.join(FILE)).expect("read");
        let listed = parse(&text).expect("parses");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1].0, "panel.csv");
        // sha256("a\n1\n"), by `printf 'a\n1\n' | sha256sum`.
        assert_eq!(listed[1].1, "309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc");
        let panel = d.join("panel.csv");
        assert!(check(d, &[panel.as_path()]).expect("checks").is_empty());
        std::fs::write(&panel, "a\n2\n").expect("write");
        let issues = check(d, &[panel.as_path()]).expect("checks");
        assert_eq!(issues.len(), 1);
        assert!(issues[0].to_string().contains("as listed in"), "{}", issues[0]);
    }
}
