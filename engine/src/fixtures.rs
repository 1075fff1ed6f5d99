//! Partners' test cases for indicator definitions: a small panel and the results expected of it.
//!
//! Why: a university lab that agrees a definition should be able to pin down what it means on
//! cases it worked by hand, and see them fail when the definition changes, without Rust. A
//! fixture is a directory:
//!
//! - `fixture.toml`: `as_of` (YYYY-MM-DD, required), and optionally `description`, `by` (a
//!   breakdown, e.g. `["programme"]`), `small_cell` (default 1: a fixture checks values, not
//!   disclosure; 3 or more checks what is withheld), `ci` (`wilson` or `clopper-pearson` for
//!   every share, as `impatto indicators --ci`; default each definition's), `data` (the panel
//!   directory, default `panel`), `expected` (default `expected.csv`) and `tolerance`
//!   (absolute, default 1e-9);
//! - the panel, in any form `impatto validate` reads;
//! - the expected results: `expected.toml` (`[[row]]` tables, the same fields), or CSV with `#` comment lines first, then the header
//!   `indicator,group,horizon_months,` and any of `value,numerator,denominator,ci_low,ci_high,
//!   n_at_risk,suppressed`. `group` is `column=value` joined by `;`; an empty cell expects no
//!   value. Only the indicators the file names are computed and compared, every row of them.
//!
//! The built-in golden results, and the hand-worked cases by programme (what is withheld at
//! the default threshold, Clopper-Pearson on request), are such fixtures
//! (`indicators/tests/fixtures/partner/`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};
use impatto_indicators::{IndicatorResult, LoadedDefinition};

/// The columns an expected-results file may compare, in the order they are written.
pub const COLUMNS: [&str; 7] = ["value", "numerator", "denominator", "ci_low", "ci_high", "n_at_risk", "suppressed"];

/// `fixture.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// What the fixture checks, in words.
    #[serde(default)]
    pub description: String,
    /// The as-of date of the computation.
    pub as_of: NaiveDate,
    /// Breakdown columns.
    #[serde(default)]
    pub by: Vec<String>,
    /// Small-cell threshold (1: suppression off).
    #[serde(default = "one")]
    pub small_cell: u64,
    /// Interval method for every share, overriding the definitions' (None: each definition's).
    #[serde(default)]
    pub ci: Option<impatto_indicators::definition::CiMethod>,
    /// Panel directory, relative to the fixture.
    #[serde(default = "panel")]
    pub data: PathBuf,
    /// Expected results, relative to the fixture.
    #[serde(default = "expected")]
    pub expected: PathBuf,
    /// Absolute tolerance on numbers.
    #[serde(default = "tolerance")]
    pub tolerance: f64,
}

fn one() -> u64 {
    1
}
fn panel() -> PathBuf {
    "panel".into()
}
fn expected() -> PathBuf {
    "expected.csv".into()
}
fn tolerance() -> f64 {
    1e-9
}

/// One expected row: its key, and the values of the columns the file gives (`None`: empty).
#[derive(Clone, Debug)]
pub struct Expected {
    /// Line in the expected file (1-based).
    pub line: usize,
    /// Indicator id.
    pub indicator: String,
    /// `column=value;…`, empty for the total.
    pub group: String,
    /// Horizon in months, empty if none.
    pub horizon: String,
    /// (column, cell) for each compared column.
    pub cells: Vec<(String, String)>,
}

/// A loaded fixture.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// Its directory.
    pub dir: PathBuf,
    /// Its settings.
    pub spec: Spec,
    /// Its expected rows.
    pub expected: Vec<Expected>,
}

/// A difference between what a fixture expects and what the definitions give.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// `expected.csv:12` or the fixture directory.
    pub place: String,
    /// `FND-01 programme=alpha`, with the horizon when there is one.
    pub row: String,
    /// What differs: a column and the two values, or a missing or unexpected row.
    pub what: String,
}

fn request_error(message: String) -> Error {
    Error::Request(message)
}

/// Read a fixture directory.
///
/// Errors: [`Error::Request`] naming the file and line when `fixture.toml` or the expected
/// file is not as described in the module docs.
pub fn load(dir: &Path) -> Result<Fixture> {
    let spec_path = dir.join("fixture.toml");
    let text = std::fs::read_to_string(&spec_path).map_err(|source| Error::Io { path: spec_path.clone(), source })?;
    let spec: Spec = toml::from_str(&text).map_err(|e| {
        request_error(format!("{}: expected a fixture (as_of = \"YYYY-MM-DD\", …), found: {e}", spec_path.display()))
    })?;
    let path = dir.join(&spec.expected);
    let toml_beside = dir.join("expected.toml");
    let path = if !path.exists() && spec.expected == expected() && toml_beside.is_file() { toml_beside } else { path };
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
    if path.extension().is_some_and(|e| e == "toml") {
        let expected = expected_toml(&path, &text)?;
        let spec = Spec { expected: path.strip_prefix(dir).unwrap_or(&path).to_path_buf(), ..spec };
        return Ok(Fixture { dir: dir.to_path_buf(), spec, expected });
    }
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(request_error(format!("{}: expected a header line, found none", path.display())));
    };
    let header: Vec<&str> = header.split(',').map(str::trim).collect();
    if header.len() < 3 || header[..3] != ["indicator", "group", "horizon_months"] {
        return Err(request_error(format!(
            "{}, line 1: expected the header to start with indicator,group,horizon_months, found `{}`",
            path.display(),
            header.join(",")
        )));
    }
    if let Some(unknown) = header[3..].iter().find(|c| !COLUMNS.contains(c)) {
        return Err(request_error(format!(
            "{}: expected columns among {}, found `{unknown}`",
            path.display(),
            COLUMNS.join(", ")
        )));
    }
    let mut expected = Vec::new();
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(request_error(format!(
                "{}, line {}: expected {} fields as in the header, found {}",
                path.display(),
                i + 1,
                header.len(),
                cells.len()
            )));
        }
        expected.push(Expected {
            line: i + 1,
            indicator: cells[0].trim().to_string(),
            group: cells[1].trim().to_string(),
            horizon: cells[2].trim().to_string(),
            cells: header[3..].iter().zip(&cells[3..]).map(|(h, c)| (h.to_string(), c.trim().to_string())).collect(),
        });
    }
    Ok(Fixture { dir: dir.to_path_buf(), spec, expected })
}

/// Expected rows written as TOML: `[[row]]` tables with `indicator`, optional `group`
/// (`column=value;…`) and `horizon_months`, and any of [`COLUMNS`].
fn expected_toml(path: &Path, text: &str) -> Result<Vec<Expected>> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Rows {
        row: Vec<toml::Table>,
    }
    let rows: Rows = toml::from_str(text).map_err(|e| {
        request_error(format!("{}: expected [[row]] tables (indicator = \"ID\", value = …), found: {e}", path.display()))
    })?;
    let starts: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.trim() == "[[row]]").map(|(i, _)| i + 1).collect();
    let mut out = Vec::new();
    for (i, mut row) in rows.row.into_iter().enumerate() {
        let line = starts.get(i).copied().unwrap_or(0);
        let text_of = |v: &toml::Value| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Some(indicator) = row.remove("indicator").map(|v| text_of(&v)) else {
            return Err(request_error(format!(
                "{}, line {line}: expected `indicator = \"ID\"` in the row, found none",
                path.display()
            )));
        };
        let group = row.remove("group").map(|v| text_of(&v)).unwrap_or_default();
        let horizon = row.remove("horizon_months").map(|v| text_of(&v)).unwrap_or_default();
        let mut cells = Vec::new();
        for column in COLUMNS {
            if let Some(v) = row.remove(column) {
                cells.push((column.to_string(), text_of(&v)));
            }
        }
        if let Some(unknown) = row.keys().next() {
            return Err(request_error(format!(
                "{}, line {line}: expected columns among {}, found `{unknown}`",
                path.display(),
                COLUMNS.join(", ")
            )));
        }
        out.push(Expected { line, indicator, group, horizon, cells });
    }
    Ok(out)
}

/// A result's key as the expected file writes it.
pub fn key(r: &IndicatorResult) -> (String, String, String) {
    (
        r.indicator.clone(),
        r.group.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";"),
        r.horizon_months.map(|h| h.to_string()).unwrap_or_default(),
    )
}

/// A result's cell of a compared column, written as the expected file writes it.
pub fn cell(r: &IndicatorResult, column: &str) -> String {
    let num = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    match column {
        "value" => num(r.value),
        "numerator" => num(r.numerator),
        "denominator" => num(r.denominator),
        "ci_low" => num(r.ci_low),
        "ci_high" => num(r.ci_high),
        "n_at_risk" => r.n_at_risk.map(|n| n.to_string()).unwrap_or_default(),
        "suppressed" => r.suppressed.to_string(),
        _ => String::new(),
    }
}

/// Compute the fixture's indicators with `defs` and compare, row by row.
///
/// Errors: the panel does not read, or an indicator the fixture names is not among `defs`.
pub fn run(fixture: &Fixture, defs: &[LoadedDefinition]) -> Result<Vec<Problem>> {
    let mut only: Vec<String> = fixture.expected.iter().map(|e| e.indicator.clone()).collect();
    only.dedup();
    let data = fixture.dir.join(&fixture.spec.data);
    let (source, _) = impatto_datasets::open_validated(&[data])?;
    let request = impatto_indicators::Request {
        only: only.clone(),
        by: fixture.spec.by.clone(),
        as_of: Some(fixture.spec.as_of),
        small_cell: Some(fixture.spec.small_cell),
        ci: fixture.spec.ci,
        ..Default::default()
    };
    let run = impatto_indicators::compute(defs, &source, &request, |_| {})?;
    Ok(compare(fixture, &run.results))
}

/// Differences between a fixture's expected rows and `results`.
pub fn compare(fixture: &Fixture, results: &[IndicatorResult]) -> Vec<Problem> {
    let file = fixture.spec.expected.display().to_string();
    let name = |k: &(String, String, String)| {
        let mut s = k.0.clone();
        if !k.1.is_empty() {
            s += &format!(" {}", k.1);
        }
        if !k.2.is_empty() {
            s += &format!(" at {} months", k.2);
        }
        s
    };
    let mut problems = Vec::new();
    for e in &fixture.expected {
        let k = (e.indicator.clone(), e.group.clone(), e.horizon.clone());
        let place = format!("{file}:{}", e.line);
        let Some(found) = results.iter().find(|r| key(r) == k) else {
            problems.push(Problem { place, row: name(&k), what: "expected this row, found none".into() });
            continue;
        };
        for (column, want) in &e.cells {
            let got = cell(found, column);
            let same = match (want.parse::<f64>(), got.parse::<f64>()) {
                (Ok(x), Ok(y)) => (x - y).abs() <= fixture.spec.tolerance,
                _ => *want == got,
            };
            if !same {
                let show = |s: &str| if s.is_empty() { "(empty)".to_string() } else { s.to_string() };
                problems.push(Problem {
                    place: place.clone(),
                    row: name(&k),
                    what: format!("{column}: expected {}, found {}", show(want), show(&got)),
                });
            }
        }
    }
    let named: std::collections::BTreeSet<&str> = fixture.expected.iter().map(|e| e.indicator.as_str()).collect();
    for r in results.iter().filter(|r| named.contains(r.indicator.as_str())) {
        let k = key(r);
        if !fixture.expected.iter().any(|e| (e.indicator.clone(), e.group.clone(), e.horizon.clone()) == k) {
            let cells: Vec<String> = COLUMNS.iter().map(|c| format!("{c}={}", cell(r, c))).collect();
            problems.push(Problem { place: file.clone(), row: name(&k), what: format!("unexpected row ({})", cells.join(", ")) });
        }
    }
    problems
}

/// The expected-results file for `results`, as `--init` writes it: every column, with a
/// comment saying the numbers are what the definition computes now, to be checked by hand.
pub fn expected_csv(results: &[IndicatorResult], note: &str) -> String {
    let mut out = String::new();
    for line in note.lines() {
        out += &format!("# {line}\n");
    }
    out += &format!("indicator,group,horizon_months,{}\n", COLUMNS.join(","));
    for r in results {
        let (id, group, horizon) = key(r);
        let cells: Vec<String> = COLUMNS.iter().map(|c| cell(r, c)).collect();
        out += &format!("{id},{group},{horizon},{}\n", cells.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(indicator: &str, value: Option<f64>) -> IndicatorResult {
        IndicatorResult {
            indicator: indicator.into(),
            version: "1".into(),
            group: vec![("programme".into(), "alpha".into())],
            horizon_months: None,
            value,
            numerator: Some(1.0),
            denominator: Some(2.0),
            numerator_unit: None,
            denominator_unit: None,
            ci_low: None,
            ci_high: None,
            conf_level: None,
            ci_method: None,
            n_at_risk: None,
            units: Some(2),
            suppressed: false,
            small_cell: 1,
            disclosure: impatto_indicators::Disclosure::Off,
            unit: "share".into(),
            as_of: "2024-12-31".into(),
            definition_hash: String::new(),
            signoff: "draft".into(),
            input_hash: String::new(),
            overrides: String::new(),
            result_hash: String::new(),
        }
    }

    /// The same expectations written as TOML read as the CSV does.
    #[test]
    fn expected_rows_may_be_written_as_toml() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("fixture.toml"), "as_of = \"2024-12-31\"\n").expect("write");
        std::fs::write(
            dir.path().join("expected.toml"),
            "# worked by hand: 1 of 2\n[[row]]\nindicator = \"X-01\"\ngroup = \"programme=alpha\"\nvalue = 0.5\nsuppressed = false\n",
        )
        .expect("write");
        let fixture = load(dir.path()).expect("loads");
        assert_eq!(fixture.expected[0].line, 2);
        assert!(compare(&fixture, &[result("X-01", Some(0.5))]).is_empty());
        let problems = compare(&fixture, &[result("X-01", Some(0.25))]);
        assert_eq!(
            (problems[0].place.as_str(), problems[0].what.as_str()),
            ("expected.toml:2", "value: expected 0.5, found 0.25")
        );
    }

    #[test]
    fn differences_are_named_by_line_row_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("fixture.toml"), "as_of = \"2024-12-31\"\n").expect("write");
        std::fs::write(
            dir.path().join("expected.csv"),
            "# worked by hand: 1 of 2\nindicator,group,horizon_months,value,denominator\nX-01,programme=alpha,,0.5,2\nX-01,programme=beta,,0.5,2\n",
        )
        .expect("write");
        let fixture = load(dir.path()).expect("loads");
        assert!(compare(&fixture, &[result("X-01", Some(0.5))]).iter().all(|p| p.row == "X-01 programme=beta"));
        let problems = compare(&fixture, &[result("X-01", Some(0.5 + 2e-9))]);
        assert_eq!(problems[0].place, "expected.csv:3");
        assert_eq!(problems[0].what, format!("value: expected 0.5, found {}", 0.5 + 2e-9));
        assert_eq!(problems[1].what, "expected this row, found none");
        let within = compare(&fixture, &[result("X-01", Some(0.5 + 1e-10))]);
        assert_eq!(within.len(), 1, "1e-10 is within the default tolerance: {within:?}");
    }
}
