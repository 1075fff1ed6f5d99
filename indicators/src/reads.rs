//! What an indicator reads from the panel, so one the panel cannot feed is skipped with the
//! reason instead of computed over null-filled columns.
//!
//! Panel format 1.2 lets a programme leave out Milan's own columns and the monthly `panel` table
//! (an outcomes fund has neither). The loader fills an absent optional column with nulls, which
//! would make a women share 0 of 0 or a jobs count 0; every indicator is therefore checked here
//! against the columns and tables its definition names before it is computed.

use impatto_datasets::PanelSource;
use impatto_datasets::schema::Table;

use crate::definition::{JOINED_BENEFICIARY_COLUMNS, Kind, LoadedDefinition};

/// Raw columns a derived column is computed from.
fn sources(table: Table, name: &str) -> &'static [(Table, &'static str)] {
    match (table, name) {
        (Table::Participants, "age_at_entry" | "age_band_eu" | "age_band_esf") => {
            &[(Table::Participants, "birth_date"), (Table::Participants, "entry_date")]
        }
        (Table::Participants, "months_since_exit") => &[(Table::Participants, "exit_date")],
        (Table::Beneficiaries, "months_founded_before_start") => {
            &[(Table::Beneficiaries, "founded_on"), (Table::Beneficiaries, "support_start")]
        }
        (Table::Beneficiaries, "months_to_formalisation") => {
            &[(Table::Beneficiaries, "support_end"), (Table::Beneficiaries, "formalised_on")]
        }
        _ => &[],
    }
}

fn resolve(table: Table, name: &str, out: &mut Vec<(Table, String)>) {
    let derived = sources(table, name);
    if !derived.is_empty() {
        out.extend(derived.iter().map(|(t, c)| (*t, c.to_string())));
    } else if table == Table::Participants && JOINED_BENEFICIARY_COLUMNS.contains(&name) {
        out.push((Table::Beneficiaries, name.to_string()));
    } else if table.column(name).is_some() {
        out.push((table, name.to_string()));
    }
}

/// The panel columns a definition reads, broken down `by` these columns: (table, column).
pub fn columns_read(d: &LoadedDefinition, by: &[String]) -> Vec<(Table, String)> {
    let def = &d.def;
    let t = d.table;
    let mut out = Vec::new();
    for c in def.population.iter().chain(&def.numerator) {
        for name in [&c.column, &c.numerator, &c.denominator].into_iter().flatten() {
            resolve(t, name, &mut out);
        }
    }
    for name in [&def.numerator_sum, &def.denominator_sum].into_iter().flatten() {
        let table = if def.kind == Kind::Ratio { Table::Beneficiaries } else { t };
        resolve(table, name, &mut out);
    }
    let w = &def.window;
    for name in [&w.date, &w.baseline, &w.measure_at, &w.from, &w.origin].into_iter().flatten() {
        resolve(t, name, &mut out);
    }
    if matches!(def.kind, Kind::JobsChange | Kind::NewJobsShare | Kind::Stock | Kind::Ratio) {
        out.push((Table::Panel, "month".into()));
        for name in [&def.measure, &def.part].into_iter().flatten() {
            out.push((Table::Panel, name.clone()));
        }
    }
    for name in by {
        resolve(t, name, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// The panel columns whose cells can move a result of this definition broken down `by` these
/// columns: [`columns_read`], plus the columns its kind reads whatever the definition says
/// (a window's defaults, the lifecycle dates of survival). `impatto diff` names the input rows
/// behind a changed result with it; a change to any other column cannot move the result.
pub fn columns_behind(d: &LoadedDefinition, by: &[String]) -> Vec<(Table, String)> {
    let mut out = columns_read(d, by);
    let implicit: &[&str] = match d.def.kind {
        Kind::JobsChange | Kind::NewJobsShare | Kind::Stock | Kind::Ratio => &["support_start", "support_end"],
        Kind::CohortSurvival | Kind::KaplanMeier => {
            &["founded_on", "support_start", "support_end", "ceased_on", "cessation_reason", "reactivated_on"]
        }
        Kind::Count | Kind::Share => &[],
    };
    out.extend(implicit.iter().map(|c| (Table::Beneficiaries, c.to_string())));
    if d.table == Table::Participants {
        out.push((Table::Participants, "beneficiary_id".into()));
    }
    out.sort();
    out.dedup();
    out
}

/// Why the panel cannot feed this indicator, if it cannot: the columns (and tables) it lacks.
pub fn missing(source: &PanelSource, d: &LoadedDefinition, by: &[String]) -> Option<String> {
    let lacking: Vec<String> = columns_read(d, by)
        .into_iter()
        .filter(|(t, c)| !source.has_column(*t, c))
        .map(|(t, c)| format!("`{}.{c}`", t.stem()))
        .collect();
    (!lacking.is_empty()).then(|| {
        format!(
            "the panel lacks {} (optional in the panel format; add the column, or map it in columns.toml)",
            lacking.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(id: &str) -> LoadedDefinition {
        crate::builtin().expect("catalogue").into_iter().find(|d| d.def.id == id).expect("indicator")
    }

    #[test]
    fn reads_follow_the_definition() {
        let par02 = columns_read(&builtin("PAR-02"), &["municipio".to_string()]);
        assert!(par02.contains(&(Table::Participants, "gender".into())), "{par02:?}");
        assert!(par02.contains(&(Table::Beneficiaries, "municipio".into())), "{par02:?}");
        let job01 = columns_read(&builtin("JOB-01"), &[]);
        assert!(job01.contains(&(Table::Panel, "fte".into())), "{job01:?}");
        let fnd01 = columns_read(&builtin("FND-01"), &[]);
        assert!(fnd01.contains(&(Table::Beneficiaries, "founders_women".into())), "{fnd01:?}");
    }
}
