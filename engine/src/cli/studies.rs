//! Statistics and plots on any CSV or Parquet file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

use clap::Subcommand;
use impatto::i18n::Arg;
use impatto::output::Format;
use impatto_indicators::definition::ConfType;
use impatto_indicators::study::data::ReadOptions;
use impatto_indicators::study::did::{Options, SmallSample, Vcov};
use impatto_indicators::study::proportion::{DiffMethod, Method};

use super::emit;

#[derive(Subcommand, Debug)]
pub(crate) enum PlotCommand {
    /// Kaplan-Meier curves with confidence bands and a number-at-risk table.
    Survival {
        #[command(flatten)]
        cols: SurvivalColumns,
        #[command(flatten)]
        read: ReadArgs,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
        #[command(flatten)]
        lang: super::LangArg,
    },
    /// Event-study coefficients by period relative to treatment, with intervals.
    EventStudy {
        /// CSV or Parquet file, one row per unit × period.
        file: PathBuf,
        /// Outcome column.
        #[arg(long)]
        outcome: String,
        /// Unit column (clusters).
        #[arg(long)]
        unit: String,
        /// Period column (integer).
        #[arg(long)]
        period: String,
        /// Column with the period treatment started (empty, or a value outside the observed periods such as 0, for never treated).
        #[arg(long = "first-treated")]
        first_treated: String,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
        #[command(flatten)]
        lang: super::LangArg,
    },
    /// One indicator's values by group, with interval whiskers, from `impatto indicators --format csv` output.
    Indicator {
        /// Results CSV written by `impatto indicators --format csv`.
        results: PathBuf,
        /// Indicator id.
        #[arg(long)]
        indicator: String,
        /// Group column to put on the x axis (default: the first group column).
        #[arg(long)]
        by: Option<String>,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
        #[command(flatten)]
        lang: super::LangArg,
    },
}

#[derive(clap::Args, Debug)]
pub(crate) struct StudyOutput {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; required for parquet.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
}

/// How a statistics file is read, where detection is not enough.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct ReadArgs {
    /// The CSV writes `,` as decimal mark (`12,5`), with `;` or tab between fields. Without it a decimal comma is detected when unambiguous.
    #[arg(long = "decimal-comma")]
    decimal_comma: bool,
    /// Also read this cell content as missing (repeatable or comma-separated), besides empty, NA, . and NULL.
    #[arg(long, value_delimiter = ',')]
    missing: Vec<String>,
}

impl ReadArgs {
    fn get(&self) -> ReadOptions {
        ReadOptions { decimal_comma: self.decimal_comma.then_some(true), missing: self.missing.clone() }
    }
}

/// The file and the time and event columns of every survival command.
#[derive(clap::Args, Debug)]
pub(crate) struct SurvivalData {
    /// CSV or Parquet file.
    file: PathBuf,
    /// Time column (≥ 0).
    #[arg(long)]
    time: String,
    /// Event column (1 = event, 0 = censored).
    #[arg(long)]
    event: String,
}

/// The survival data of `survival` and `plot survival`, with their strata and interval type.
#[derive(clap::Args, Debug)]
pub(crate) struct SurvivalColumns {
    #[command(flatten)]
    data: SurvivalData,
    /// Stratify by this column: one curve per value.
    #[arg(long)]
    by: Option<String>,
    /// Interval type, as R's conf.type.
    #[arg(long = "conf-type", value_enum, default_value_t = ConfTypeArg::LogLog)]
    conf_type: ConfTypeArg,
}

#[derive(clap::Args, Debug)]
pub(crate) struct SurvivalArgs {
    #[command(flatten)]
    cols: SurvivalColumns,
    /// Report the curve at these times (comma-separated, taken in increasing order as R does); default every event time.
    #[arg(long, value_delimiter = ',')]
    at: Vec<f64>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
pub(crate) struct LogrankArgs {
    #[command(flatten)]
    data: SurvivalData,
    /// Group column.
    #[arg(long)]
    by: String,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
pub(crate) struct ProportionArgs {
    /// Successes.
    #[arg(long)]
    successes: u64,
    /// Trials.
    #[arg(long)]
    trials: u64,
    /// Interval method.
    #[arg(long, value_enum, default_value_t = MethodArg::Wilson)]
    method: MethodArg,
    /// Successes of a second group (adds its interval, the difference p − p2 with an interval, and the pooled two-sample z-test).
    #[arg(long, requires = "trials2")]
    successes2: Option<u64>,
    /// Trials of the second group.
    #[arg(long, requires = "successes2")]
    trials2: Option<u64>,
    /// Interval for the difference p − p2, named as statsmodels' confint_proportions_2indep.
    #[arg(long = "diff-method", value_enum, default_value_t = DiffMethodArg::Newcomb)]
    diff_method: DiffMethodArg,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
pub(crate) struct CompareMeansArgs {
    /// CSV or Parquet file.
    file: PathBuf,
    /// Outcome column.
    #[arg(long)]
    outcome: String,
    /// Group column (exactly two values).
    #[arg(long)]
    group: String,
    /// The group subtracted: the estimate is the other group's mean minus this one's (e.g. --reference control for treated − control). Default: the second label in sorted order, as R's t.test.
    #[arg(long)]
    reference: Option<String>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
pub(crate) struct DidArgs {
    /// CSV or Parquet file, one row per unit × period.
    file: PathBuf,
    /// Outcome column.
    #[arg(long)]
    outcome: String,
    /// Unit column (the cluster for --se cluster).
    #[arg(long)]
    unit: String,
    /// Post-period column (0/1), for the 2×2 and two-way designs.
    #[arg(long, required_unless_present = "period", requires = "treated")]
    post: Option<String>,
    /// Treated-group column (0/1); the comparison group is everyone else in the file.
    #[arg(long, requires = "post")]
    treated: Option<String>,
    /// Period column: with --first-treated (integers), an event study by period relative to treatment; with --post, --treated and --fixed-effects, the periods of the period effects.
    #[arg(long, requires = "period_design")]
    period: Option<String>,
    /// Column with the period each unit's treatment started (empty, or a value outside the observed periods such as 0, for never-treated units).
    #[arg(long = "first-treated", requires = "period", conflicts_with = "post", group = "period_design")]
    first_treated: Option<String>,
    /// Standard errors, in fixest's names (HC2/HC3 only without fixed effects, as pyfixest).
    #[arg(long, value_enum, default_value_t = SeArg::Cluster)]
    se: SeArg,
    /// Small-sample correction: fixest (fixest/pyfixest defaults, as Stata's reghdfe: unit effects nested in the clusters count once, singletons dropped), lm (R lm + sandwich, statsmodels with dummies: every dummy counted), none.
    #[arg(long = "small-sample", value_enum, default_value_t = SmallSampleArg::Fixest)]
    small_sample: SmallSampleArg,
    /// Two-way fixed effects (unit and period; the periods from --period, or the post indicator when each unit has one row before and one after) instead of the 2×2 regression.
    #[arg(long, requires = "post", group = "period_design")]
    fixed_effects: bool,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    out: StudyOutput,
}

fn study_out(out: &StudyOutput, tables: &[(&str, &impatto::table::Rows)]) -> Result<ExitCode> {
    let bytes = impatto::table::render(tables, out.format)?;
    emit(out.output.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// R's `conf.type` of a Kaplan-Meier interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ConfTypeArg {
    /// log(−log S), R's default for `survfit` in many packages; stays within [0, 1].
    LogLog,
    /// log S, R's `survfit` default.
    Log,
    /// S ± z·se (may leave [0, 1]).
    Plain,
}

impl ConfTypeArg {
    fn get(self) -> ConfType {
        match self {
            ConfTypeArg::LogLog => ConfType::LogLog,
            ConfTypeArg::Log => ConfType::Log,
            ConfTypeArg::Plain => ConfType::Plain,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ConfTypeArg::LogLog => "log-log",
            ConfTypeArg::Log => "log",
            ConfTypeArg::Plain => "plain",
        }
    }
}

/// Interval methods of a proportion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MethodArg {
    /// Wilson score interval.
    Wilson,
    /// Clopper-Pearson exact interval.
    ClopperPearson,
    /// Agresti-Coull interval.
    AgrestiCoull,
    /// Jeffreys (Bayesian, Beta(1/2, 1/2)) interval, equal-tailed at every count, as statsmodels.
    Jeffreys,
    /// Jeffreys with the Brown-Cai-DasGupta boundary modification (lower 0 at 0 successes, upper 1 at all).
    JeffreysBoundary,
    /// Wald interval (for comparison only).
    Wald,
}

/// Interval methods of a difference of proportions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffMethodArg {
    /// Wald (normal approximation; for comparison only).
    Wald,
    /// Agresti-Caffo: Wald after adding one success and one failure to each group.
    AgrestiCaffo,
    /// Newcombe's hybrid score interval (statsmodels "newcomb").
    Newcomb,
}

/// Standard errors of a difference-in-differences, in fixest's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SeArg {
    /// iid errors.
    #[value(alias = "classical")]
    Iid,
    /// Heteroskedasticity-robust, HC1.
    #[value(alias = "hc1")]
    Hetero,
    /// HC2 (leverage-adjusted; no fixed effects).
    #[value(name = "HC2", alias = "hc2")]
    Hc2,
    /// HC3 (jackknife-like; no fixed effects).
    #[value(name = "HC3", alias = "hc3")]
    Hc3,
    /// Clustered by unit, CR1.
    Cluster,
}

/// Small-sample corrections of a difference-in-differences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SmallSampleArg {
    /// fixest / pyfixest defaults.
    Fixest,
    /// R lm + sandwich.
    Lm,
    /// No correction.
    None,
}

/// `impatto plot …`.
pub(crate) fn plot(cmd: PlotCommand) -> Result<ExitCode> {
    match cmd {
        PlotCommand::Survival { cols: c, read, output, lang } => {
            let t = lang.texts();
            impatto::plot::picture_of(&output)?;
            let strata = impatto::studies::strata(
                &c.data.file,
                &read.get(),
                &c.data.time,
                &c.data.event,
                c.by.as_deref(),
                c.conf_type.get(),
                0.95,
            )?;
            let conf_type = c.conf_type.name();
            let title = match c.by.as_deref() {
                Some(by) => t.get(
                    "plot-km-title-by",
                    &[("by", Arg::Text(by)), ("conf-type", Arg::Text(conf_type)), ("level", Arg::Text("95"))],
                ),
                None => t.get("plot-km-title", &[("conf-type", Arg::Text(conf_type)), ("level", Arg::Text("95"))]),
            };
            impatto::plot::survival(&output, &strata, &c.data.time, &title, &impatto::plot::Words::new(&t))?;
            eprintln!("wrote {}", output.display());
        }
        PlotCommand::EventStudy { file, outcome, unit, period, first_treated, output, lang } => {
            let t = lang.texts();
            impatto::plot::picture_of(&output)?;
            let (estimates, notes) = impatto::studies::event_study(
                &file,
                &ReadOptions::default(),
                (&outcome, &unit, &period, &first_treated),
                &Options::default(),
            )?;
            for note in notes {
                eprintln!("{note}");
            }
            let title = t.get(
                "plot-event-study-title",
                &[("outcome", Arg::Text(&outcome)), ("unit", Arg::Text(&unit)), ("level", Arg::Text("95"))],
            );
            impatto::plot::coefficients(&output, &estimates, &title, &impatto::plot::Words::new(&t))?;
            eprintln!("wrote {}", output.display());
        }
        PlotCommand::Indicator { results, indicator, by, output, lang } => {
            let t = lang.texts();
            impatto::plot::picture_of(&output)?;
            let words = impatto::plot::Words::new(&t);
            let months = |h: u32| t.get("report-horizon", &[("months", Arg::Count(h as usize))]);
            let column = |c: &str| {
                let id = format!("breakdown-{c}");
                if t.has(&id) { t.get(&id, &[]) } else { c.to_string() }
            };
            let (bars, unit) =
                impatto::studies::indicator_bars(&results, &indicator, by.as_deref(), &words.all, &months, &column)?;
            // The title is the indicator's name from the built-in catalogue, in the reader's language.
            let names = impatto::report::indicator_names(&impatto_indicators::builtin()?);
            let name = match impatto::report::indicator_name(&names, &indicator, t.lang()) {
                known if known != indicator => format!("{known} ({indicator})"),
                _ => indicator.clone(),
            };
            impatto::plot::bars(&output, &bars, &name, &unit, &words)?;
            eprintln!("wrote {}", output.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `impatto survival`.
pub(crate) fn survival(a: SurvivalArgs) -> Result<ExitCode> {
    check_level(&a.out)?;
    let (curve, medians, dropped) = impatto::studies::survival_tables(
        &a.cols.data.file,
        &a.read.get(),
        (&a.cols.data.time, &a.cols.data.event, a.cols.by.as_deref()),
        &a.at,
        a.cols.conf_type.get(),
        a.out.level,
    )?;
    if dropped > 0 {
        eprintln!("{dropped} row(s) with a missing time, event or group left out");
    }
    study_out(&a.out, &[("survival", &curve), ("medians", &medians)])
}

/// `impatto logrank`.
pub(crate) fn logrank(a: LogrankArgs) -> Result<ExitCode> {
    check_level(&a.out)?;
    let (test, groups, dropped) =
        impatto::studies::logrank_tables(&a.data.file, &a.read.get(), &a.data.time, &a.data.event, &a.by)?;
    if dropped > 0 {
        eprintln!("{dropped} row(s) with a missing time, event or group left out");
    }
    study_out(&a.out, &[("test", &test), ("groups", &groups)])
}

/// `impatto proportion`.
pub(crate) fn proportion(a: ProportionArgs) -> Result<ExitCode> {
    check_level(&a.out)?;
    let method = match a.method {
        MethodArg::Wilson => Method::Wilson,
        MethodArg::ClopperPearson => Method::ClopperPearson,
        MethodArg::AgrestiCoull => Method::AgrestiCoull,
        MethodArg::Jeffreys => Method::Jeffreys,
        MethodArg::JeffreysBoundary => Method::JeffreysBoundary,
        MethodArg::Wald => Method::Wald,
    };
    let diff_method = match a.diff_method {
        DiffMethodArg::Wald => DiffMethod::Wald,
        DiffMethodArg::AgrestiCaffo => DiffMethod::AgrestiCaffo,
        DiffMethodArg::Newcomb => DiffMethod::Newcomb,
    };
    let t =
        impatto::studies::proportion_table(a.successes, a.trials, a.successes2.zip(a.trials2), method, diff_method, a.out.level)?;
    study_out(&a.out, &[("estimates", &t)])
}

/// `impatto compare-means`.
pub(crate) fn compare_means(a: CompareMeansArgs) -> Result<ExitCode> {
    check_level(&a.out)?;
    let (t, arms, dropped) =
        impatto::studies::compare_means_table(&a.file, &a.read.get(), &a.outcome, &a.group, a.reference.as_deref(), a.out.level)?;
    if dropped > 0 {
        eprintln!("{dropped} row(s) with a missing outcome or group left out");
    }
    study_out(&a.out, &[("estimates", &t), ("arms", &arms)])
}

/// `impatto did`.
pub(crate) fn did(a: DidArgs) -> Result<ExitCode> {
    check_level(&a.out)?;
    let vcov = match a.se {
        SeArg::Iid => Vcov::Iid,
        SeArg::Hetero => Vcov::Hetero,
        SeArg::Hc2 => Vcov::Hc2,
        SeArg::Hc3 => Vcov::Hc3,
        SeArg::Cluster => Vcov::Cluster,
    };
    let small_sample = match a.small_sample {
        SmallSampleArg::Fixest => SmallSample::Fixest,
        SmallSampleArg::Lm => SmallSample::Lm,
        SmallSampleArg::None => SmallSample::None,
    };
    let opts = Options { level: a.out.level, ..Options::new(vcov, small_sample) };
    let (t, notes) = match (&a.post, &a.treated, &a.period, &a.first_treated) {
        (Some(post), Some(treated), period, _) => impatto::studies::did_table(
            &a.file,
            &a.read.get(),
            (&a.outcome, &a.unit, post, treated),
            period.as_deref(),
            &opts,
            a.fixed_effects,
        )?,
        (_, _, Some(period), Some(first)) => {
            impatto::studies::event_study_table(&a.file, &a.read.get(), (&a.outcome, &a.unit, period, first), &opts)?
        }
        _ => bail!("did: give --post and --treated (2×2 or --fixed-effects), or --period and --first-treated (event study)"),
    };
    for note in notes {
        eprintln!("{note}");
    }
    study_out(&a.out, &[("estimates", &t)])
}

/// Arguments are checked before any file is read.
fn check_level(out: &StudyOutput) -> Result<()> {
    if !(out.level > 0.5 && out.level < 1.0) {
        bail!("--level: expected a confidence level between 0.5 and 1 (e.g. 0.95), found {}", out.level);
    }
    if out.format == Format::Parquet && out.output.is_none() {
        bail!("--format parquet needs --output FILE (Parquet is not written to a terminal)");
    }
    Ok(())
}
