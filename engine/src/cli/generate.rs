//! `generate`: seeded synthetic panels.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use impatto_datasets::generate::{self, GenerateOptions};

#[derive(clap::Args, Debug)]
pub(crate) struct GenerateArgs {
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Programmes to include (default all): fabriq-quarto, scuola-dei-quartieri, crowdfunding-civico, mi15, lorenteggio.
    #[arg(long = "programme", value_delimiter = ',')]
    programmes: Vec<String>,
    /// Seed of the random streams.
    #[arg(long, default_value_t = GenerateOptions::default().seed)]
    seed: u64,
    /// About this many panel rows (scales the number of beneficiaries).
    #[arg(long, conflicts_with = "scale")]
    rows: Option<u64>,
    /// Multiplier on the published number of beneficiaries (1 = published scale).
    #[arg(long)]
    scale: Option<f64>,
    /// Last month observed, YYYY-MM (default 2025-12).
    #[arg(long = "last-month")]
    last_month: Option<String>,
}

pub(crate) fn generate_panel(args: GenerateArgs) -> Result<ExitCode> {
    let mut options = GenerateOptions { seed: args.seed, ..GenerateOptions::default() };
    if !args.programmes.is_empty() {
        options.programmes = args
            .programmes
            .iter()
            .map(|id| {
                generate::profile(id).with_context(|| {
                    let known: Vec<&str> = generate::PROFILES.iter().map(|p| p.id).collect();
                    format!("unknown programme `{id}` (expected one of {})", known.join(", "))
                })
            })
            .collect::<Result<_>>()?;
    }
    if let Some(m) = &args.last_month {
        let date = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .with_context(|| format!("--last-month: expected YYYY-MM, found `{m}`"))?;
        options.last_month = date;
    }
    if let Some(scale) = args.scale {
        options.scale = scale;
    }
    if let Some(rows) = args.rows {
        options = options.with_panel_rows(rows);
    }
    let started = std::time::Instant::now();
    eprintln!("generating about {} panel rows into {} …", options.estimated_panel_rows(), args.out.display());
    // Generated beside --out and renamed into place as a whole: a killed or concurrent run never
    // leaves one generation's beneficiaries next to another's panel.
    let summary = impatto::output::write_set(&args.out, |dir| {
        Ok(generate::generate(dir, &options, |step, rows| {
            eprintln!("  {step}: {rows} panel rows so far ({:.1}s)", started.elapsed().as_secs_f64());
        })?)
    })?;
    super::emit(
        None,
        format!(
            "{}: {} programmes, {} beneficiaries, {} panel rows, {} participants\n",
            args.out.display(),
            summary.programmes,
            summary.beneficiaries,
            summary.panel_rows,
            summary.participants
        )
        .as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}
