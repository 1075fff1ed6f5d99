//! The floor of the peer comparison: a bare streaming Parquet scan of exactly the columns the
//! comparison's job reads, decoding every value and doing nothing else. No tool can compute the
//! job faster than it can read its inputs, so impatto's time is reported as a multiple of this.
//!
//! Usage: `scan-floor PANEL_DIR` (prints one checksum line per table, to stop the work being
//! optimised away).

use polars::prelude::*;

// The same allocator as `impatto`, so the ratio compares the work, not the allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// (table, columns) read by the job: women/youth shares, gross jobs created, KM by cohort.
const JOB_COLUMNS: &[(&str, &[&str])] = &[
    ("panel", &["beneficiary_id", "month", "fte"]),
    ("participants", &["beneficiary_id", "gender", "birth_date", "age_at_entry", "entry_date"]),
    (
        "beneficiaries",
        &[
            "beneficiary_id",
            "programme",
            "edition",
            "funded",
            "municipio",
            "founded_on",
            "support_start",
            "support_end",
            "ceased_on",
            "cessation_reason",
            "reactivated_on",
        ],
    ),
];

/// One reduction per column that needs every value decoded.
fn touch(name: &str, dtype: &DataType) -> Expr {
    let c = col(name);
    match dtype {
        DataType::String => c.max(),
        DataType::Boolean => c.cast(DataType::Int64).sum(),
        DataType::Date => c.cast(DataType::Int64).sum(),
        _ => c.cast(DataType::Float64).sum(),
    }
    .alias(name)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: scan-floor PANEL_DIR")?;
    for (table, columns) in JOB_COLUMNS {
        let path = std::path::Path::new(&dir).join(format!("{table}.parquet"));
        let mut lf = LazyFrame::scan_parquet(PlRefPath::try_from_path(&path)?, ScanArgsParquet::default())?;
        let schema = lf.collect_schema()?;
        let mut touches = Vec::new();
        for name in *columns {
            let dtype = schema.get(name).ok_or_else(|| format!("{}: no column `{name}`", path.display()))?;
            touches.push(touch(name, dtype));
        }
        let df = lf.select(touches).collect_with_engine(Engine::Streaming)?.unwrap_single();
        println!("{table}: {:?}", df.get_row(0)?.0);
    }
    Ok(())
}
