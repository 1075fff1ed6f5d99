//! The rules layer: pay-by-result payouts from programme rule files.
//!
//! A rule file is parsed once at the door ([`check`], [`programme`]) into checked types —
//! [`money::Money`], [`money::Share`], quantities in an indicator's unit — so evaluation never
//! sees text and no default is applied twice. Each rule kind lives in one file under [`kinds`]
//! (spec, checks, needs, evaluation, hand-worked tests); [`evaluate`] runs them, [`budget`]
//! applies the budget and the payers, [`statement`] writes the result. Money is `rust_decimal`
//! throughout: floating point is denied in this module by lint.
#![deny(clippy::float_arithmetic)]

pub mod budget;
pub mod check;
pub mod evaluate;
pub mod inputs;
pub mod kinds;
pub mod model;
pub mod money;
pub mod programme;
pub mod statement;

use std::collections::BTreeMap;
use std::path::Path;

use impatto_datasets::PanelSource;
use impatto_indicators::LoadedDefinition;

use crate::error::{Error, Result};
pub use check::{IndicatorInfo, RuleError};
pub use inputs::inputs;
pub use programme::Programme;

/// The indicators rules may read, from a catalogue (the built-in one plus `--definitions`).
pub fn indicator_infos(catalogue: &[LoadedDefinition]) -> BTreeMap<String, IndicatorInfo> {
    catalogue.iter().map(|d| (d.def.id.clone(), IndicatorInfo::of(d))).collect()
}

/// Load and check a programme file against the catalogue.
///
/// # Errors
/// The file cannot be read ([`Error::Io`]) or cannot be right ([`Error::Rule`]).
pub fn load_programme(path: &Path, catalogue: &[LoadedDefinition]) -> Result<Programme> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    Ok(programme::parse(&path.display().to_string(), &text, &indicator_infos(catalogue))?)
}

/// Evaluate a programme over a panel for one period (default: the file's last).
///
/// # Errors
/// An unknown period, a panel that cannot be read or has no beneficiary of the programme, or
/// an amount that cannot be computed exactly.
pub fn run(
    programme: &Programme,
    source: &PanelSource,
    catalogue: &[LoadedDefinition],
    period_id: Option<&str>,
) -> Result<statement::Statement> {
    let period = programme.period(period_id).map_err(Error::Request)?;
    let beneficiaries = inputs(programme, source, catalogue, period.as_of)?;
    let evaluation = evaluate::evaluate(programme, &beneficiaries, period.as_of)?;
    Ok(statement::Statement::new(programme, period.id.clone(), period.as_of, source.input_hash()?, evaluation))
}

/// `engine/RULES.md`: the rule-file reference for people, generated from the programme's and
/// the kinds' field docs (a test fails when the committed file is stale; bless with
/// `IMPATTO_BLESS=1 cargo test -p impatto --test golden`).
pub fn reference() -> String {
    kinds::reference(REFERENCE_PREAMBLE, programme::FIELDS, REFERENCE_EPILOGUE)
}

const REFERENCE_PREAMBLE: &str = "# Programme rule files

<!-- Generated from engine/src/rules (programme.rs and kinds/*.rs) by `impatto::rules::reference()`;
do not edit by hand. Regenerate with `IMPATTO_BLESS=1 cargo test --release -p impatto --test golden`. -->

A programme's payment rules are one TOML file. `impatto payout FILE --data DIR` turns it into a
statement; `impatto explain FILE BENEFICIARY --data DIR` shows one beneficiary's trace; `impatto
run` does every file at once; `--definitions DIR` adds the programme's own indicator definitions
to the built-in catalogue. Examples: `datasets/examples/*/rules*.toml`.

Every value is checked when the file loads, once: a mistake fails with the file, the line of the
value, the rule, the field, what was expected and what was found. Money is exact decimal
(`rust_decimal`) from the file to the statement — no floating point on the way (a lint denies it
in `engine/src/rules`).

How values are written:

- **amount**: currency units with at most two decimals, in quotes: `\"35000.00\"`, optionally with
  the programme's ISO 4217 code (`\"35000.00 EUR\"`) and `_` between thousands (`\"35_000.00\"`).
  A thousands dot or comma (`\"35.000\"`, `\"35,000.00\"`) and amounts finer than a cent are refused,
  never guessed; so are amounts above 1,000,000,000,000.00.
- **share**: `\"41.5%\"` or a fraction below 1 (`\"0.415\"`), from 0% to 100%. A plain number of 1 or
  more (`\"41.5\"`, `\"1\"`) could be either notation and is refused with both spellings.
- **indicator value** (targets, floors, tiers, baselines, ceilings, points): in the indicator's
  unit. For a share or probability, a share as above; for anything else (FTE, persons, entities,
  ratio) a plain number — `\"100%\"` on an FTE indicator is refused. Only indicators with one value
  per beneficiary can drive a payment (not Kaplan-Meier curves).
- **id**: letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64
  characters (ids name output files and statement columns).
- **whole numbers** (days, weeks, months) without quotes, within the range each field states.
";

const REFERENCE_EPILOGUE: &str = "
## What is never a silent zero

A beneficiary whose data a rule needs is missing (no indicator value as of the period, no
campaign, a campaign past its window without the amount raised by the deadline, no participants)
gets a `missing_data` line with nothing paid and the reason in its explanation. A rule that needs
a panel column the data lacks (e.g. `eligible_costs_cents` for a cost share) is refused before
anything is computed.

## Statements

Each line: beneficiary, rule, kind, instrument, status (`paid`, `reduced`, `not_met`,
`missing_data`, `recovered`), claim (rounded, before budget), amount paid, the split by payer,
for rate cards the claim (participant, outcome, due date, order, caps applied), flags, the
interpretation, and the explanation — each step with its own arithmetic (indicator values →
targets → formula → caps → rounding → budget → payers). Totals by rule, by instrument (grants and
loans apart) and by payer; claimed, paid, unfunded (claims cut for want of budget or payer
commitment), recovered. Every statement records the rule file's SHA-256, the input files' SHA-256
and the impatto version; the same inputs give identical bytes. JSON and CSV carry amounts as exact
decimal text; Parquet as whole cents (Int64).
";
