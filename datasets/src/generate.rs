//! Seeded synthetic panels, from the Milan programmes' published scale up to 10^8 panel rows.
//!
//! One generator serves the shipped examples, the tests and the benchmarks. At the published
//! scale (`scale = 1`) the programmes reproduce their published aggregates *exactly* — 69
//! Scuola dei Quartieri groups of which 42 formalised, 62% women and 41% under-35 participants,
//! 14 FabriQ Quarto winners — because shares are drawn without replacement ([`ExactShare`])
//! rather than coin by coin. Rows stream through Arrow builders into Parquet row groups, so
//! memory stays bounded by one batch whatever the size. Each programme has its own random
//! stream derived from the seed, so adding a programme does not change the others.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType as ArrowType, Field, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, Months, NaiveDate};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::schema::{ColumnSpec, ColumnType, Table};

/// Draws exactly `round(share × n)` successes among `n` trials, in random order.
///
/// Sequential sampling without replacement: trial i succeeds with probability
/// (successes left) / (trials left), so the total is exact and memory is O(1).
#[derive(Debug, Clone)]
pub struct ExactShare {
    successes_left: u64,
    trials_left: u64,
}

impl ExactShare {
    /// `share` of `n` trials will succeed (rounded half up).
    pub fn new(share: f64, n: u64) -> Self {
        let successes = ((share * n as f64) + 0.5).floor() as u64;
        ExactShare { successes_left: successes.min(n), trials_left: n }
    }

    /// Next trial; after `n` calls, further calls return false.
    pub fn next(&mut self, rng: &mut ChaCha8Rng) -> bool {
        if self.trials_left == 0 {
            return false;
        }
        let hit = rng.random_range(0..self.trials_left) < self.successes_left;
        self.trials_left -= 1;
        if hit {
            self.successes_left -= 1;
        }
        hit
    }
}

/// What kind of entities a programme supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Start-ups and enterprises (grants on eligible costs).
    Enterprises,
    /// Informal citizen groups, some of which formalise.
    InformalGroups,
    /// Non-profit project promoters (civic crowdfunding); each runs a campaign.
    Associations,
    /// Outcome providers paid by a rate card; their participants' outcome events are recorded.
    Providers,
}

/// Calibration of one programme. Published figures are cited beside each profile in [`PROFILES`].
#[derive(Debug, Clone)]
pub struct Profile {
    /// Programme id, also the example directory name.
    pub id: &'static str,
    /// Name as published.
    pub name: &'static str,
    /// Funder.
    pub funder: &'static str,
    /// Prefix of beneficiary ids.
    pub prefix: &'static str,
    /// (edition year, funded, applicants not funded) at published scale.
    pub editions: &'static [(i32, u64, u64)],
    /// Kind of entities supported.
    pub support: Support,
    /// Grant as a share of eligible costs.
    pub cost_share: f64,
    /// Grant cap in euro.
    pub grant_cap_eur: i64,
    /// Range of eligible costs in euro.
    pub costs_eur: (i64, i64),
    /// Participants per beneficiary (inclusive range).
    pub participants: (u64, u64),
    /// Exact share of women among participants.
    pub women_share: f64,
    /// Exact share of under-35s (at entry) among participants.
    pub under35_share: f64,
    /// Share of non-women participants recorded as non-binary or unknown gender.
    pub other_gender_share: f64,
    /// Exact share of informal groups that formalise.
    pub formalised_share: f64,
    /// Monthly hazard of ceasing.
    pub monthly_hazard: f64,
    /// Neighbourhoods: (quartiere, municipio).
    pub quartieri: &'static [(&'static str, i64)],
}

const OTHER_GENDER: f64 = 0.03;

const CITYWIDE: &[(&str, i64)] = &[
    ("Quarto Oggiaro", 8),
    ("Giambellino-Lorenteggio", 6),
    ("Corvetto", 4),
    ("Niguarda", 9),
    ("Adriano", 2),
    ("San Siro", 7),
    ("Padova", 2),
    ("Barona", 6),
    ("Isola", 9),
    ("Porta Romana", 5),
    ("Loreto", 3),
    ("Centro Storico", 1),
];

/// The Milan programmes. Sources: `shared/seeds/` (FabriQ Quarto calls 2018-2019; Scuola dei
/// Quartieri: 69 groups trained, 42 new organisations, 62% women, 41% under 35; Crowdfunding
/// Civico 2020: 20 campaigns, all successful, 60% up to €60,000; Lorenteggio call for social-impact
/// enterprises in Giambellino-Lorenteggio). Mi15 has no published aggregates: its profile is a
/// plausible neighbourhood-enterprise call and says so in the examples README.
pub const PROFILES: &[Profile] = &[
    Profile {
        id: "fabriq-quarto",
        name: "FabriQ Quarto",
        funder: "Comune di Milano",
        prefix: "FQ",
        editions: &[(2018, 7, 9), (2019, 7, 9)],
        support: Support::Enterprises,
        cost_share: 0.5,
        grant_cap_eur: 35_000,
        costs_eur: (30_000, 95_000),
        participants: (2, 4),
        women_share: 0.45,
        under35_share: 0.55,
        other_gender_share: OTHER_GENDER,
        formalised_share: 0.0,
        monthly_hazard: 0.006,
        quartieri: &[("Quarto Oggiaro", 8), ("Vialba", 8), ("Roserio", 8)],
    },
    Profile {
        id: "scuola-dei-quartieri",
        name: "Scuola dei Quartieri",
        funder: "PON Metro Milano 2014-2020 (ESF, Asse 3)",
        prefix: "SQ",
        editions: &[(2019, 36, 0), (2020, 33, 0)],
        support: Support::InformalGroups,
        cost_share: 0.9,
        grant_cap_eur: 25_000,
        costs_eur: (8_000, 30_000),
        participants: (4, 10),
        women_share: 0.62,
        under35_share: 0.41,
        other_gender_share: 0.0,
        formalised_share: 42.0 / 69.0,
        monthly_hazard: 0.004,
        quartieri: CITYWIDE,
    },
    Profile {
        id: "crowdfunding-civico",
        name: "Crowdfunding Civico",
        funder: "Comune di Milano",
        prefix: "CC",
        editions: &[(2020, 20, 0), (2022, 12, 0)],
        support: Support::Associations,
        cost_share: 0.6,
        grant_cap_eur: 60_000,
        costs_eur: (15_000, 50_000),
        participants: (3, 8),
        women_share: 0.55,
        under35_share: 0.35,
        other_gender_share: OTHER_GENDER,
        formalised_share: 0.0,
        monthly_hazard: 0.002,
        quartieri: CITYWIDE,
    },
    Profile {
        id: "mi15",
        name: "Mi15 - imprese di prossimità",
        funder: "Comune di Milano",
        prefix: "MI",
        editions: &[(2022, 40, 25)],
        support: Support::Enterprises,
        cost_share: 0.5,
        grant_cap_eur: 30_000,
        costs_eur: (15_000, 70_000),
        participants: (1, 3),
        women_share: 0.5,
        under35_share: 0.4,
        other_gender_share: OTHER_GENDER,
        formalised_share: 0.0,
        monthly_hazard: 0.005,
        quartieri: CITYWIDE,
    },
    Profile {
        id: "lorenteggio",
        name: "Lorenteggio - imprese a impatto sociale",
        funder: "POR FESR Lombardia / Comune di Milano",
        prefix: "LO",
        editions: &[(2019, 18, 12)],
        support: Support::Enterprises,
        cost_share: 0.5,
        grant_cap_eur: 50_000,
        costs_eur: (20_000, 120_000),
        participants: (1, 4),
        women_share: 0.48,
        under35_share: 0.38,
        other_gender_share: OTHER_GENDER,
        formalised_share: 0.0,
        monthly_hazard: 0.005,
        quartieri: &[("Giambellino-Lorenteggio", 6)],
    },
    Profile {
        id: "dwp-innovation-fund",
        name: "DWP Innovation Fund, round 2 (UK)",
        funder: "UK Department for Work and Pensions",
        prefix: "IF",
        editions: &[(2013, 6, 0)],
        support: Support::Providers,
        cost_share: 0.0,
        grant_cap_eur: 0,
        costs_eur: (0, 0),
        participants: (60, 120),
        women_share: 0.5,
        under35_share: 1.0,
        other_gender_share: OTHER_GENDER,
        formalised_share: 0.0,
        monthly_hazard: 0.001,
        quartieri: &[("Greater London", 0), ("Greater Manchester", 0), ("West Midlands", 0)],
    },
];

/// Look up a profile by id.
pub fn profile(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Seed of every random stream.
    pub seed: u64,
    /// Programmes to include.
    pub programmes: Vec<&'static Profile>,
    /// Multiplier on the published number of beneficiaries (1 = published scale).
    pub scale: f64,
    /// Last month observed in the panel (the data extraction date).
    pub last_month: NaiveDate,
    /// Panel rows per Parquet row group / Arrow batch.
    pub batch_rows: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 20_181_001,
            programmes: PROFILES.iter().collect(),
            scale: 1.0,
            last_month: first_of_month(2025, 12),
            batch_rows: 1 << 20,
        }
    }
}

impl GenerateOptions {
    /// Expected panel rows for these options (an estimate: histories end at a death, drawn from each
    /// profile's monthly hazard).
    pub fn estimated_panel_rows(&self) -> u64 {
        self.programmes
            .iter()
            .flat_map(|p| p.editions.iter().map(move |e| (p, e)))
            .map(|(p, &(year, funded, unfunded))| {
                let n = scaled(funded, self.scale) + scaled(unfunded, self.scale);
                let months = months_between(first_of_month(year, 10), self.last_month).max(1);
                // Expected months alive under a constant monthly hazard h: Σ_{k<m} (1−h)^k.
                let survival = 1.0 - p.monthly_hazard;
                let alive = if p.monthly_hazard > 0.0 { (1.0 - survival.powi(months)) / p.monthly_hazard } else { months as f64 };
                (n as f64 * alive).round() as u64
            })
            .sum()
    }

    /// Choose `scale` so the panel has about `rows` rows.
    pub fn with_panel_rows(mut self, rows: u64) -> Self {
        self.scale = 1.0;
        let at_one = self.estimated_panel_rows().max(1);
        self.scale = rows as f64 / at_one as f64;
        self
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows of `programmes`.
    pub programmes: u64,
    /// Rows of `beneficiaries`.
    pub beneficiaries: u64,
    /// Rows of `panel`.
    pub panel_rows: u64,
    /// Rows of `participants`.
    pub participants: u64,
    /// Rows of `campaigns` (0: not written).
    pub campaigns: u64,
    /// Rows of `outcomes` (0: not written).
    pub outcomes: u64,
}

fn scaled(n: u64, scale: f64) -> u64 {
    if n == 0 { 0 } else { ((n as f64 * scale).round() as u64).max(1) }
}

/// First day of a month.
pub fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32
}

fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    if months >= 0 {
        date.checked_add_months(Months::new(months as u32)).unwrap_or(date)
    } else {
        date.checked_sub_months(Months::new((-months) as u32)).unwrap_or(date)
    }
}

fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)).num_days() as i32
}

fn arrow_type(ty: ColumnType) -> ArrowType {
    match ty {
        ColumnType::Text => ArrowType::Utf8,
        ColumnType::Integer | ColumnType::Cents => ArrowType::Int64,
        ColumnType::Number => ArrowType::Float64,
        ColumnType::Date => ArrowType::Date32,
        ColumnType::Boolean => ArrowType::Boolean,
    }
}

fn arrow_schema(table: Table) -> Arc<ArrowSchema> {
    let fields: Vec<Field> =
        table.columns().iter().map(|c: &ColumnSpec| Field::new(c.name, arrow_type(c.ty), c.nullable)).collect();
    Arc::new(ArrowSchema::new(fields))
}

/// Column builders of one table, in schema order.
enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
}

/// A value for one cell.
#[derive(Debug, Clone)]
enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
    Float(f64),
    Date(Option<NaiveDate>),
    Bool(bool),
}

/// The table writers of one generation run.
struct Writers {
    beneficiaries: TableWriter,
    panel: TableWriter,
    participants: TableWriter,
    campaigns: TableWriter,
    outcomes: TableWriter,
}

struct TableWriter {
    table: Table,
    final_path: PathBuf,
    tmp_path: PathBuf,
    writer: ArrowWriter<fs::File>,
    builders: Vec<Builder>,
    rows_in_batch: usize,
    batch_rows: usize,
    rows: u64,
}

impl TableWriter {
    fn create(dir: &Path, table: Table, batch_rows: usize) -> Result<Self> {
        let final_path = dir.join(format!("{}.parquet", table.stem()));
        let tmp_path = dir.join(format!(".{}.parquet.tmp", table.stem()));
        let file = fs::File::create(&tmp_path).map_err(|source| Error::Io { path: tmp_path.clone(), source })?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(batch_rows))
            .set_created_by(format!("impatto-datasets {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(file, arrow_schema(table), Some(props))
            .map_err(|e| Error::Write { path: tmp_path.clone(), message: e.to_string() })?;
        let builders = table
            .columns()
            .iter()
            .map(|c| match c.ty {
                ColumnType::Text => Builder::Text(StringBuilder::new()),
                ColumnType::Integer | ColumnType::Cents => Builder::Int(Int64Builder::new()),
                ColumnType::Number => Builder::Float(Float64Builder::new()),
                ColumnType::Date => Builder::Date(Date32Builder::new()),
                ColumnType::Boolean => Builder::Bool(BooleanBuilder::new()),
            })
            .collect();
        Ok(TableWriter { table, final_path, tmp_path, writer, builders, rows_in_batch: 0, batch_rows, rows: 0 })
    }

    fn push(&mut self, row: Vec<Cell>) -> Result<()> {
        debug_assert_eq!(row.len(), self.builders.len(), "{} row width", self.table);
        for (builder, cell) in self.builders.iter_mut().zip(row) {
            match (builder, cell) {
                (Builder::Text(b), Cell::Text(v)) => b.append_option(v),
                (Builder::Int(b), Cell::Int(v)) => b.append_option(v),
                (Builder::Float(b), Cell::Float(v)) => b.append_value(v),
                (Builder::Date(b), Cell::Date(v)) => b.append_option(v.map(days)),
                (Builder::Bool(b), Cell::Bool(v)) => b.append_value(v),
                _ => return Err(Error::Generate(format!("internal: cell type does not match a {} column", self.table))),
            }
        }
        self.rows_in_batch += 1;
        self.rows += 1;
        if self.rows_in_batch >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows_in_batch == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Text(b) => Arc::new(b.finish()),
                    Builder::Int(b) => Arc::new(b.finish()),
                    Builder::Float(b) => Arc::new(b.finish()),
                    Builder::Date(b) => Arc::new(b.finish()),
                    Builder::Bool(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(arrow_schema(self.table), arrays)
            .map_err(|e| Error::Write { path: self.tmp_path.clone(), message: e.to_string() })?;
        self.writer.write(&batch).map_err(|e| Error::Write { path: self.tmp_path.clone(), message: e.to_string() })?;
        self.rows_in_batch = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<(PathBuf, PathBuf, u64)> {
        self.flush()?;
        self.writer.close().map_err(|e| Error::Write { path: self.tmp_path.clone(), message: e.to_string() })?;
        Ok((self.tmp_path, self.final_path, self.rows))
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(Some(s.into()))
}

/// Generate a panel directory: `programmes`, `beneficiaries`, `panel`, `participants` as Parquet.
///
/// Files are written under temporary names and renamed only when all four are complete, so a
/// failure leaves no half-written panel. `progress` is called after each programme edition.
pub fn generate(dir: &Path, options: &GenerateOptions, mut progress: impl FnMut(&str, u64)) -> Result<Summary> {
    if !(options.scale > 0.0 && options.scale.is_finite()) {
        return Err(Error::Generate(format!("expected a positive scale, found {}", options.scale)));
    }
    if options.programmes.is_empty() {
        return Err(Error::Generate("expected at least one programme, found none".into()));
    }
    fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let batch = options.batch_rows.max(1);
    let mut programmes = TableWriter::create(dir, Table::Programmes, batch)?;
    let mut w = Writers {
        beneficiaries: TableWriter::create(dir, Table::Beneficiaries, batch)?,
        panel: TableWriter::create(dir, Table::Panel, batch)?,
        participants: TableWriter::create(dir, Table::Participants, batch)?,
        campaigns: TableWriter::create(dir, Table::Campaigns, batch)?,
        outcomes: TableWriter::create(dir, Table::Outcomes, batch)?,
    };
    for profile in &options.programmes {
        programmes.push(vec![text(profile.id), text(profile.name), text(profile.funder)])?;
        let stream = options.seed
            ^ profile.prefix.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
        let mut rng = ChaCha8Rng::seed_from_u64(stream);
        let mut programme = ProgrammeGenerator::new(profile, options);
        for &(year, funded, unfunded) in profile.editions {
            programme.edition(&mut rng, year, scaled(funded, options.scale), scaled(unfunded, options.scale), &mut w)?;
            progress(&format!("{} {year}", profile.id), w.panel.rows);
        }
    }
    let mut summary = Summary::default();
    let mut renames = Vec::new();
    let mut optional_rows = (0, 0);
    for (writer, slot) in [
        (programmes, &mut summary.programmes),
        (w.beneficiaries, &mut summary.beneficiaries),
        (w.panel, &mut summary.panel_rows),
        (w.participants, &mut summary.participants),
        (w.campaigns, &mut optional_rows.0),
        (w.outcomes, &mut optional_rows.1),
    ] {
        // The generated panel is the whole history, so an empty one is written (no activity);
        // an optional table nobody uses is left out rather than written empty.
        let keep_empty = writer.table.required() || writer.table == Table::Panel;
        let (tmp, fin, rows) = writer.finish()?;
        *slot = rows;
        if rows == 0 && !keep_empty {
            fs::remove_file(&tmp).map_err(|source| Error::Io { path: tmp.clone(), source })?;
            if fin.exists() {
                fs::remove_file(&fin).map_err(|source| Error::Io { path: fin.clone(), source })?;
            }
        } else {
            renames.push((tmp, fin));
        }
    }
    summary.campaigns = optional_rows.0;
    summary.outcomes = optional_rows.1;
    for (tmp, fin) in renames {
        fs::rename(&tmp, &fin).map_err(|source| Error::Io { path: fin.clone(), source })?;
    }
    Ok(summary)
}

struct ProgrammeGenerator<'a> {
    profile: &'a Profile,
    last_month: NaiveDate,
    women: ExactShare,
    under35: ExactShare,
    formalised: ExactShare,
    participant_counts: std::vec::IntoIter<u64>,
}

impl<'a> ProgrammeGenerator<'a> {
    fn new(profile: &'a Profile, options: &GenerateOptions) -> Self {
        let funded: u64 = profile.editions.iter().map(|e| scaled(e.1, options.scale)).sum();
        // Group sizes come from their own stream and are drawn first, so the exact shares know
        // the total number of participants they are shares of.
        let mut sizes = ChaCha8Rng::seed_from_u64(options.seed.rotate_left(17) ^ funded);
        let (lo, hi) = profile.participants;
        let counts: Vec<u64> = (0..funded).map(|_| sizes.random_range(lo..=hi)).collect();
        let total: u64 = counts.iter().sum();
        ProgrammeGenerator {
            profile,
            last_month: options.last_month,
            women: ExactShare::new(profile.women_share, total),
            under35: ExactShare::new(profile.under35_share, total),
            formalised: ExactShare::new(profile.formalised_share, funded),
            participant_counts: counts.into_iter(),
        }
    }

    fn edition(&mut self, rng: &mut ChaCha8Rng, year: i32, funded: u64, unfunded: u64, w: &mut Writers) -> Result<()> {
        let p = self.profile;
        for seq in 1..=(funded + unfunded) {
            let is_funded = seq <= funded;
            let id = format!("{}-{year}-{seq:06}", p.prefix);
            let (quartiere, municipio) = p.quartieri[rng.random_range(0..p.quartieri.len())];
            let support_start = first_of_month(year, 9 + rng.random_range(0..4u32));
            let support_end = add_months(support_start, rng.random_range(12..=24));
            let costs_eur = rng.random_range(p.costs_eur.0..=p.costs_eur.1);
            let grant_cents = if is_funded {
                ((costs_eur * 100) as f64 * p.cost_share).round().min((p.grant_cap_eur * 100) as f64) as i64
            } else {
                0
            };
            let (kind, legal_form, founded_on, formalised_on) = match p.support {
                Support::Enterprises => {
                    let forms = ["srl", "srls", "ditta_individuale", "cooperativa", "impresa_sociale"];
                    let age_months = if rng.random_bool(0.8) { rng.random_range(0..36) } else { rng.random_range(36..120) };
                    let founded = add_months(support_start, -age_months) + chrono::Days::new(rng.random_range(0..27));
                    ("enterprise", Some(forms[rng.random_range(0..forms.len())]), Some(founded), None)
                }
                Support::Associations | Support::Providers => {
                    let forms = ["aps", "odv", "cooperativa", "impresa_sociale"];
                    let founded =
                        add_months(support_start, -rng.random_range(12..180)) + chrono::Days::new(rng.random_range(0..27));
                    ("association", Some(forms[rng.random_range(0..forms.len())]), Some(founded), None)
                }
                Support::InformalGroups => {
                    if is_funded && self.formalised.next(rng) {
                        let on = add_months(support_start, rng.random_range(2..18)) + chrono::Days::new(rng.random_range(0..27));
                        let forms = ["aps", "odv", "impresa_sociale", "cooperativa"];
                        ("informal_group", Some(forms[rng.random_range(0..forms.len())]), Some(on), Some(on))
                    } else {
                        ("informal_group", None, None, None)
                    }
                }
            };
            let founders_total: i64 = rng.random_range(1..=6);
            let founders_women = (0..founders_total).filter(|_| rng.random_bool(p.women_share)).count() as i64;
            let founders_under35 = (0..founders_total).filter(|_| rng.random_bool(p.under35_share.max(0.3))).count() as i64;

            // Panel history: from the later of founding and support start (applicants: the call),
            // to the extraction month or cessation.
            let origin = match (founded_on, p.support) {
                (Some(f), Support::Enterprises) => first_of_month(f.year(), f.month()).max(first_of_month(year, 1)),
                (Some(f), Support::InformalGroups) => first_of_month(f.year(), f.month()),
                _ => support_start,
            };
            // Civic crowdfunding: the campaign runs before support starts; 2020-21 calls gave 60
            // days and every campaign reached its 40% (published); later calls 45 days, not all.
            // It closes on day `days` − 1 or up to two days earlier (the opening day is day 0), within
            // the window under either way of counting.
            let campaign = (p.support == Support::Associations && is_funded).then(|| {
                let days: u64 = if year <= 2021 { 60 } else { 45 };
                let opened = support_start - chrono::Days::new(90 + rng.random_range(0..20));
                let share = if year <= 2021 { rng.random_range(40..=60) } else { rng.random_range(25..=60) };
                (opened, opened + chrono::Days::new(days - 1 - rng.random_range(0..3)), costs_eur * 100 * share / 100)
            });
            if let Some((opened, closed, raised)) = campaign {
                w.campaigns.push(vec![
                    text(id.clone()),
                    Cell::Date(Some(opened)),
                    Cell::Date(Some(closed)),
                    Cell::Int(Some(costs_eur * 100)),
                    Cell::Int(Some(raised)),
                    // Every campaign closes within its window.
                    Cell::Int(None),
                ])?;
            }
            let mut history = History::new(p, is_funded, founders_total, founders_women, founders_under35, p.support);
            let mut cessation: Option<(NaiveDate, &str, Option<NaiveDate>)> = None;
            let mut month = origin;
            let mut dormant_until: Option<NaiveDate> = None;
            while month <= self.last_month {
                // A funded entity is alive when its support starts (it signed the agreement).
                if cessation.is_none()
                    && month > origin
                    && (!is_funded || month > support_start)
                    && rng.random_bool(p.monthly_hazard)
                {
                    let on = month + chrono::Days::new(rng.random_range(0..27));
                    let roll: f64 = rng.random();
                    let reason = if roll < 0.8 {
                        "closure"
                    } else if roll < 0.85 {
                        "merger"
                    } else {
                        "takeover"
                    };
                    let reactivated =
                        (reason == "closure" && rng.random_bool(0.1)).then(|| add_months(on, rng.random_range(3..20)));
                    cessation = Some((on, reason, reactivated));
                    match reactivated {
                        Some(r) => dormant_until = Some(first_of_month(r.year(), r.month())),
                        None => break,
                    }
                }
                let dormant = dormant_until.is_some_and(|d| month < d);
                let row = history.step(rng, dormant, is_funded && month >= support_start && month <= support_end);
                let investment = if let (Some((_, _, raised)), true) = (campaign, month == support_start) {
                    raised
                } else if !dormant && rng.random_bool(0.015) {
                    rng.random_range(5_000..150_000i64) * 100
                } else {
                    0
                };
                w.panel.push(vec![
                    text(id.clone()),
                    Cell::Date(Some(month)),
                    Cell::Bool(!dormant),
                    Cell::Int(Some(row.headcount)),
                    Cell::Float(row.fte),
                    Cell::Int(Some(row.women)),
                    Cell::Int(Some(row.under35)),
                    Cell::Int(Some(row.permanent)),
                    Cell::Int(Some(row.revenue_cents)),
                    Cell::Int(Some(investment)),
                ])?;
                month = add_months(month, 1);
            }

            let n_participants = if is_funded { self.participant_counts.next().unwrap_or(0) } else { 0 };
            for k in 1..=n_participants {
                let entry = support_start + chrono::Days::new(rng.random_range(0..30));
                let woman = self.women.next(rng);
                let gender = if woman {
                    "F"
                } else if !rng.random_bool(p.other_gender_share) {
                    "M"
                } else if rng.random_bool(0.5) {
                    "non-binary"
                } else {
                    "unknown"
                };
                let age: i64 = if p.support == Support::Providers {
                    rng.random_range(14..20)
                } else if self.under35.next(rng) {
                    rng.random_range(18..35)
                } else {
                    rng.random_range(35..66)
                };
                let birth = entry.checked_sub_days(chrono::Days::new((age * 365 + age / 4 + rng.random_range(1..360)) as u64));
                let use_age_only = p.support == Support::Associations;
                let exit = support_end;
                let status = if add_months(exit, 6) <= self.last_month {
                    let roll: f64 = rng.random();
                    Some(match roll {
                        r if r < 0.55 => "employed",
                        r if r < 0.70 => "self_employed",
                        r if r < 0.85 => "unemployed",
                        r if r < 0.90 => "inactive",
                        r if r < 0.95 => "education",
                        _ => "unknown",
                    })
                } else {
                    None
                };
                let participant_id = format!("{id}-P{k:03}");
                if p.support == Support::Providers {
                    outcome_events(rng, &participant_id, entry, self.last_month, &mut w.outcomes)?;
                }
                w.participants.push(vec![
                    text(participant_id),
                    text(id.clone()),
                    text(gender),
                    Cell::Date(if use_age_only { None } else { birth }),
                    Cell::Int(if use_age_only { Some(age) } else { None }),
                    Cell::Date(Some(entry)),
                    Cell::Date(Some(exit)),
                    Cell::Text(status.map(String::from)),
                ])?;
            }

            let (ceased_on, reason, reactivated_on) = match cessation {
                Some((on, reason, re)) => (Some(on), Some(reason), re),
                None => (None, None, None),
            };
            w.beneficiaries.push(vec![
                text(id.clone()),
                text(p.id),
                Cell::Int(Some(year as i64)),
                Cell::Bool(is_funded),
                text(quartiere),
                Cell::Int((municipio > 0).then_some(municipio)),
                text(kind),
                Cell::Text(legal_form.map(String::from)),
                Cell::Date(founded_on),
                Cell::Date(formalised_on),
                Cell::Date(is_funded.then_some(support_start)),
                Cell::Date(is_funded.then_some(support_end)),
                Cell::Int(Some(grant_cents)),
                Cell::Int(Some(costs_eur * 100)),
                Cell::Date(ceased_on),
                Cell::Text(reason.map(String::from)),
                Cell::Date(reactivated_on),
                Cell::Int(Some(founders_total)),
                Cell::Int(Some(founders_women)),
                Cell::Int(Some(founders_under35)),
            ])?;
        }
        Ok(())
    }
}

/// Verified outcome events of one participant of a rate-card provider: one-off events
/// (qualifications, improved behaviour or attitude) and spells that can lapse (school
/// attendance, employment), so sustainment clocks have something to restart on.
fn outcome_events(
    rng: &mut ChaCha8Rng,
    participant: &str,
    entry: NaiveDate,
    last_month: NaiveDate,
    out: &mut TableWriter,
) -> Result<()> {
    let horizon = add_months(last_month, 1);
    let mut push = |rng: &mut ChaCha8Rng, outcome: &str, on: NaiveDate, lapsed: Option<NaiveDate>| -> Result<()> {
        if on >= horizon {
            return Ok(());
        }
        let lapsed = lapsed.filter(|l| *l < horizon);
        out.push(vec![
            text(participant),
            text(outcome),
            Cell::Date(Some(on)),
            Cell::Date(lapsed),
            Cell::Bool(rng.random_bool(0.95)),
        ])
    };
    for (outcome, p) in [
        ("behaviour_improved", 0.4),
        ("attitude_improved", 0.3),
        ("qualification_l1", 0.35),
        ("qualification_l2", 0.2),
        ("qualification_l3", 0.08),
    ] {
        if rng.random_bool(p) {
            let on = entry + chrono::Days::new(rng.random_range(60..700));
            push(rng, outcome, on, None)?;
        }
    }
    for (outcome, p, start, length) in [("attendance", 0.5, 0..120u64, 20..300u64), ("employment", 0.3, 300..900, 30..400)] {
        if !rng.random_bool(p) {
            continue;
        }
        let mut on = entry + chrono::Days::new(rng.random_range(start.clone()));
        for _ in 0..rng.random_range(1..=2) {
            let end = on + chrono::Days::new(rng.random_range(length.clone()));
            push(rng, outcome, on, Some(end))?;
            on = end + chrono::Days::new(rng.random_range(10..90));
        }
    }
    Ok(())
}

/// Month-by-month workforce of one entity: hires and departures by gender, age and contract.
struct History {
    women: i64,
    men: i64,
    under35: i64,
    permanent: i64,
    part_time: i64,
    hire_rate: f64,
    quit_rate: f64,
    women_share: f64,
    revenue_per_head: i64,
}

struct Row {
    headcount: i64,
    fte: f64,
    women: i64,
    under35: i64,
    permanent: i64,
    revenue_cents: i64,
}

impl History {
    fn new(p: &Profile, funded: bool, founders: i64, founders_women: i64, founders_under35: i64, support: Support) -> Self {
        let working = if support == Support::InformalGroups { 0 } else { founders };
        let women = founders_women.min(working);
        History {
            women,
            men: working - women,
            under35: founders_under35.min(working),
            permanent: working,
            part_time: 0,
            hire_rate: if funded { 0.05 } else { 0.03 },
            quit_rate: 0.025,
            women_share: p.women_share,
            revenue_per_head: 400_000,
        }
    }

    fn step(&mut self, rng: &mut ChaCha8Rng, dormant: bool, supported: bool) -> Row {
        if dormant {
            return Row { headcount: 0, fte: 0.0, women: 0, under35: 0, permanent: 0, revenue_cents: 0 };
        }
        let hire = self.hire_rate + if supported { 0.02 } else { 0.0 };
        if rng.random_bool(hire) {
            if rng.random_bool(self.women_share) {
                self.women += 1
            } else {
                self.men += 1
            }
            if rng.random_bool(0.5) {
                self.under35 += 1;
            }
            if rng.random_bool(0.6) { self.permanent += 1 } else { self.part_time += 1 }
        }
        let headcount = self.women + self.men;
        if headcount > 0 && rng.random_bool(self.quit_rate) {
            let pick = rng.random_range(0..headcount);
            if pick < self.women {
                self.women -= 1
            } else {
                self.men -= 1
            }
            let headcount = self.women + self.men;
            self.under35 = self.under35.min(headcount);
            self.permanent = self.permanent.min(headcount);
            self.part_time = self.part_time.min(headcount - self.permanent);
        }
        let headcount = self.women + self.men;
        let fte = headcount as f64 - 0.5 * self.part_time as f64;
        let revenue = if headcount == 0 { 0 } else { headcount * self.revenue_per_head + rng.random_range(0..200_000) };
        Row { headcount, fte, women: self.women, under35: self.under35, permanent: self.permanent, revenue_cents: revenue }
    }
}
