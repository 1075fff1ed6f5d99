//! `impatto`: impact indicators and pay-by-result payouts for public programmes.
//!
//! Exit codes: 0 success, 1 error (bad data, bad definition, failed computation), 2 usage error.
//! Data goes to stdout or `--output`; progress and diagnostics go to stderr.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

// Polars allocates and frees column buffers at a high rate; the system allocator hands that
// memory back to the kernel and zeroes fresh pages again, which cost a tenth of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use cli::generate::GenerateArgs;
use cli::indicators::IndicatorsArgs;
use cli::payouts::{DefinitionsArg, PayoutArgs, RunArgs};
use cli::studies::{CompareMeansArgs, DidArgs, LogrankArgs, PlotCommand, ProportionArgs, SurvivalArgs};

#[derive(Parser, Debug)]
#[command(name = "impatto", version, about = "Impact indicators and pay-by-result payouts for public programmes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compute impact indicators over one or more panel directories.
    Indicators(IndicatorsArgs),
    /// Check indicator definition files (or directories of them).
    Check {
        /// Definition files or directories.
        #[arg(required = true)]
        definitions: Vec<PathBuf>,
        /// Refuse definitions not signed off as they are (see `impatto signoff`).
        #[arg(long)]
        require_signoff: bool,
        /// Record each id and version with its hash in DIR/definitions.lock. Without it, an
        /// existing lock is enforced: content changed under a locked version is an error.
        #[arg(long)]
        update_lock: bool,
        #[command(flatten)]
        keyring: cli::KeyringArg,
    },
    /// Sign off a definition or rule file (Ed25519), make a signer's key, or verify sign-offs.
    Signoff(cli::partners::SignoffArgs),
    /// Test definitions against partners' fixtures (a small panel and the results expected of
    /// it), or start a fixture with --init ID. Exits 1 when a fixture fails.
    Test(cli::partners::TestArgs),
    /// Compare two versions of definitions, a rule file, or a panel: every result and payout
    /// line classed identical, changed, added or removed, with its cause. Exits 1 if any differ.
    Diff(cli::partners::DiffArgs),
    /// Write the indicator catalogue partners browse: HTML in Italian and English, a page per
    /// definition (formula in words, codes, version and hash, worked fixture, sign-off) and per
    /// rule file.
    Catalogue(cli::partners::CatalogueArgs),
    /// Validate panel directories against the panel format; exits 1 if there is any error.
    Validate {
        /// Panel directories.
        #[arg(long = "data", required = true, num_args = 1..)]
        data: Vec<PathBuf>,
        #[command(flatten)]
        lang: cli::LangArg,
    },
    /// Write a seeded synthetic panel (Parquet), calibrated to the Milan programmes.
    Generate(GenerateArgs),
    /// The main job: indicators by programme and every programme's payout statement, written
    /// to an output directory with a combined report.
    Run(RunArgs),
    /// The report people open: the same job as `run`, writing only report/{it,en}/ (one
    /// self-contained HTML page per programme statement, and an index) to the output directory.
    Report(RunArgs),
    /// Compute a payout statement from a programme rule file.
    Payout(PayoutArgs),
    /// Prepare a payment run: the period's statement netted against the ledger (only what is
    /// newly due), recorded as `prepared`.
    Pay(cli::ledger::PayArgs),
    /// Approve a prepared run (by someone other than its preparer); it is then locked.
    Approve(cli::ledger::ApproveArgs),
    /// Reject a prepared run, with a reason; its lines no longer count.
    Reject(cli::ledger::RejectArgs),
    /// The payment ledger: export a run's instructions, a beneficiary's history, replay a run.
    #[command(subcommand)]
    Ledger(cli::ledger::LedgerCommand),
    /// Kaplan-Meier survival curves (Greenwood variance) and medians, on any CSV/Parquet file.
    Survival(SurvivalArgs),
    /// Log-rank test of equal survival between 2 or more groups.
    Logrank(LogrankArgs),
    /// Confidence interval of a proportion (and of a difference of two, Newcombe).
    Proportion(ProportionArgs),
    /// Difference in means between two groups: Welch's and the pooled t-test.
    CompareMeans(CompareMeansArgs),
    /// Difference-in-differences on a panel: 2×2 or two-way fixed effects.
    Did(DidArgs),
    /// Draw a figure as SVG or PNG (by the output's extension).
    #[command(subcommand)]
    Plot(PlotCommand),
    /// Explain one beneficiary's payout step by step.
    Explain {
        /// Programme rule file.
        programme: PathBuf,
        /// Beneficiary id.
        beneficiary: String,
        /// Panel directory (repeat --data for several).
        #[arg(long = "data", required = true, num_args = 1, action = clap::ArgAction::Append)]
        data: Vec<PathBuf>,
        /// Period id (default: the file's last period).
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        definitions: DefinitionsArg,
        /// Skip the full validation pass (schema checks still run).
        #[arg(long)]
        no_validate: bool,
        #[command(flatten)]
        lang: cli::LangArg,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{}: {}", cli::findings().phrase(&impatto_datasets::phrase!("data-error")), cli::error_text(&err));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Indicators(args) => cli::indicators::indicators(args),
        Command::Check { definitions, require_signoff, update_lock, keyring } => {
            cli::indicators::check(&definitions, require_signoff, update_lock, &keyring)
        }
        Command::Signoff(args) => cli::partners::signoff(args),
        Command::Test(args) => cli::partners::test(args),
        Command::Diff(args) => cli::partners::diff(args),
        Command::Catalogue(args) => cli::partners::catalogue(args),
        Command::Validate { data, lang } => cli::indicators::validate(&data, &lang),
        Command::Generate(args) => cli::generate::generate_panel(args),
        Command::Run(args) => cli::payouts::run_all(args, cli::payouts::Writes::Everything),
        Command::Report(args) => cli::payouts::run_all(args, cli::payouts::Writes::Report),
        Command::Payout(args) => cli::payouts::payout(args),
        Command::Pay(args) => cli::ledger::pay(args),
        Command::Approve(args) => cli::ledger::approve(args),
        Command::Reject(args) => cli::ledger::reject(args),
        Command::Ledger(command) => cli::ledger::ledger(command),
        Command::Plot(plot) => cli::studies::plot(plot),
        Command::Survival(a) => cli::studies::survival(a),
        Command::Logrank(a) => cli::studies::logrank(a),
        Command::Proportion(a) => cli::studies::proportion(a),
        Command::CompareMeans(a) => cli::studies::compare_means(a),
        Command::Did(a) => cli::studies::did(a),
        Command::Explain { programme, beneficiary, data, period, definitions, no_validate, lang } => {
            lang.choose();
            cli::payouts::explain(&programme, &beneficiary, &data, period.as_deref(), &definitions, no_validate, &lang.texts())
        }
    }
}
