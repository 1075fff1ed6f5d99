//! Shared set-up for impatto's benchmarks: every input comes from the one seeded generator.

use std::path::{Path, PathBuf};

use impatto_datasets::generate::{GenerateOptions, generate};
use polars::prelude::*;

/// Generate (once per machine) a panel of about `rows` panel rows under the system temp dir.
pub fn panel_with_rows(rows: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impatto-bench-v2-{rows}"));
    if !dir.join("participants.parquet").is_file() {
        let options = GenerateOptions::default().with_panel_rows(rows);
        generate(&dir, &options, |_, _| {}).expect("benchmark panel generates");
    }
    dir
}

/// The workspace root (rule files of the shipped examples live under it).
pub fn workspace() -> PathBuf {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo bench");
    Path::new(&manifest).parent().expect("benches/ is inside the workspace").to_path_buf()
}

/// Survival data of the generated beneficiaries: months from support start to closure (event) or
/// to the end of 2025 (censored), with the programme as the group; repeated to `n` subjects.
pub fn survival_subjects(n: usize) -> (Vec<f64>, Vec<bool>, Vec<String>) {
    let dir = panel_with_rows(1_000_000);
    let path = PlRefPath::try_from_path(&dir.join("beneficiaries.parquet")).expect("path");
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    let df = LazyFrame::scan_parquet(path, ScanArgsParquet::default())
        .expect("scan")
        .filter(col("support_start").is_not_null())
        .select([
            col("programme"),
            col("support_start").cast(DataType::Int32).alias("start"),
            col("ceased_on").cast(DataType::Int32).alias("ceased"),
            col("cessation_reason").eq(lit("closure")).fill_null(lit(false)).alias("event"),
        ])
        .collect()
        .expect("collect");
    let end_days = (end - epoch).num_days() as i32;
    let programme = df.column("programme").expect("programme").str().expect("str").clone();
    let start = df.column("start").expect("start").i32().expect("i32").clone();
    let ceased = df.column("ceased").expect("ceased").i32().expect("i32").clone();
    let event = df.column("event").expect("event").bool().expect("bool").clone();
    let base: Vec<(f64, bool, String)> = (0..df.height())
        .map(|i| {
            let e = event.get(i).unwrap_or(false);
            let stop = if e { ceased.get(i).unwrap_or(end_days) } else { end_days };
            let months = f64::from((stop - start.get(i).unwrap_or(stop)).max(0)) / 30.4375;
            (months.floor(), e, programme.get(i).unwrap_or("").to_string())
        })
        .collect();
    let mut times = Vec::with_capacity(n);
    let mut events = Vec::with_capacity(n);
    let mut groups = Vec::with_capacity(n);
    for (t, e, g) in base.iter().cycle().take(n) {
        times.push(*t);
        events.push(*e);
        groups.push(g.clone());
    }
    (times, events, groups)
}
