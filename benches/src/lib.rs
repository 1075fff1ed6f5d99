//! Shared set-up for impatto's benchmarks: panels come from the one seeded generator.

use std::path::PathBuf;

use impatto_datasets::generate::{GenerateOptions, generate};

/// Generate (once per process) a panel of about `rows` panel rows under the system temp dir.
pub fn panel_with_rows(rows: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impatto-bench-{rows}"));
    if !dir.join("participants.parquet").is_file() {
        let options = GenerateOptions::default().with_panel_rows(rows);
        generate(&dir, &options, |_, _| {}).expect("benchmark panel generates");
    }
    dir
}
