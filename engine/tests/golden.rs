//! Golden statements: every shipped rule file's statement on its example panel, reviewed as a
//! diff; and `engine/RULES.md`, generated from the kinds' docs.
//!
//! A change that moves any line, amount, status or explanation fails here. When the change is
//! intended, bless it and review the diff of `engine/tests/golden/`:
//! `IMPATTO_BLESS=1 cargo test --release -p impatto --test golden`.

use std::path::{Path, PathBuf};

use impatto::rules::{indicator_infos, programme, run};
use impatto_datasets::PanelSource;

fn root() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn bless() -> bool {
    std::env::var_os("IMPATTO_BLESS").is_some()
}

/// Compare `found` with the golden file, or write it when blessing.
fn golden(path: &Path, found: &[u8]) {
    if bless() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("golden dir");
        std::fs::write(path, found).expect("bless");
        return;
    }
    let expected = std::fs::read(path).unwrap_or_else(|_| panic!("{} missing: bless with IMPATTO_BLESS=1", path.display()));
    if expected != found {
        let (e, f) = (String::from_utf8_lossy(&expected), String::from_utf8_lossy(found));
        let first = e.lines().zip(f.lines()).position(|(a, b)| a != b).unwrap_or(e.lines().count().min(f.lines().count()));
        panic!(
            "{} differs from line {}:\n  golden: {}\n  found:  {}\n(bless with IMPATTO_BLESS=1 if intended)",
            path.display(),
            first + 1,
            e.lines().nth(first).unwrap_or("<end>"),
            f.lines().nth(first).unwrap_or("<end>")
        );
    }
}

/// Every shipped rule file, with its panel: (rule file, panel directory).
const SHIPPED: &[(&str, &str)] = &[
    ("datasets/examples/fabriq-quarto/rules-2018.toml", "datasets/examples/fabriq-quarto"),
    ("datasets/examples/fabriq-quarto/rules-2019.toml", "datasets/examples/fabriq-quarto"),
    ("datasets/examples/scuola-dei-quartieri/rules.toml", "datasets/examples/scuola-dei-quartieri"),
    ("datasets/examples/mi15/rules-bandi-266.toml", "datasets/examples/mi15"),
    ("datasets/examples/crowdfunding-civico/rules-2020.toml", "datasets/examples/crowdfunding-civico"),
    ("datasets/examples/crowdfunding-civico/rules-2022.toml", "datasets/examples/crowdfunding-civico"),
    ("datasets/examples/dwp-innovation-fund/rules-round-2.toml", "datasets/examples/dwp-innovation-fund"),
];

#[test]
fn every_shipped_rule_file_is_listed() {
    let mut found: Vec<String> = Vec::new();
    for dir in std::fs::read_dir(root().join("datasets/examples")).expect("examples") {
        let dir = dir.expect("entry").path();
        for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with("rules") && name.ends_with(".toml") {
                found.push(format!("datasets/examples/{}/{name}", dir.file_name().expect("name").to_string_lossy()));
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = SHIPPED.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "add new rule files to SHIPPED");
}

#[test]
fn shipped_rule_files_give_their_golden_statements_in_every_period() {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let infos = indicator_infos(&catalogue);
    for (file, data) in SHIPPED {
        // Loaded by their path relative to the workspace, so the statement names the same file
        // in every checkout.
        let text = std::fs::read_to_string(root().join(file)).expect("rule file");
        let programme = programme::parse(file, &text, &infos).unwrap_or_else(|e| panic!("{e}"));
        let source = PanelSource::open(&[root().join(data)]).expect("panel");
        for period in &programme.periods {
            let statement = run(&programme, &source, &catalogue, Some(&period.id)).expect("runs");
            let name = format!("{}-{}.json", programme.id, period.id);
            golden(&root().join("engine/tests/golden").join(name), &statement.to_json().expect("json"));
        }
    }
}

#[test]
fn rules_reference_is_current() {
    golden(&root().join("engine/RULES.md"), impatto::rules::reference().as_bytes());
}

/// Serde's own list of a kind's fields, from its unknown-field error.
fn serde_fields(kind: &str) -> Vec<String> {
    let text = format!(
        "id = \"p\"\nname = \"p\"\ncurrency = \"EUR\"\nbudget = \"1.00\"\ndata = {{ programme = \"x\" }}\nperiods = [{{ id = \"p\", as_of = 2024-12-31 }}]\n[[payers]]\nid = \"a\"\nshare = \"100%\"\n[[rules]]\nkind = \"{kind}\"\nid = \"r\"\nzz_unknown = 1\n"
    );
    let infos = indicator_infos(&impatto_indicators::builtin().expect("catalogue"));
    let e = programme::parse("p.toml", &text, &infos).expect_err("unknown field").to_string();
    let list = e.split("expected one of ").nth(1).unwrap_or_else(|| panic!("{kind}: {e}"));
    list.split(", ")
        .map(|f| f.trim_matches(|c: char| c == '`' || c.is_whitespace()).split('`').next().unwrap_or("").to_string())
        .collect()
}

// RULES.md documents every field a kind accepts, and nothing else: its table is the kind's own
// FIELDS, checked here against the field list serde reports.
#[test]
fn every_kind_documents_exactly_the_fields_it_accepts() {
    for (kind, _, fields, _) in impatto::rules::kinds::KINDS {
        let mut documented: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
        let mut accepted = serde_fields(kind);
        documented.sort();
        accepted.sort();
        assert_eq!(documented, accepted, "kind {kind}");
    }
}
