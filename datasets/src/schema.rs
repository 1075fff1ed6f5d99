//! The beneficiary panel format, as data.
//!
//! Every table, column, type and allowed value lives here once; the loader, the validator, the
//! generator and `PANEL_FORMAT.md` all follow this module (a test checks the document lists
//! every column), so the format cannot drift between what we write, read and promise.

use std::fmt;

/// Version of the panel format described by this module and `datasets/PANEL_FORMAT.md`.
pub const PANEL_FORMAT_VERSION: &str = "1.2";

/// The tables of a panel directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per programme (call) — the reference list for `beneficiaries.programme`.
    Programmes,
    /// One row per supported (or applicant) entity.
    Beneficiaries,
    /// Optional: one row per beneficiary × month (employment, revenue and investment
    /// indicators read it; an outcomes fund paying by a rate card need not have it).
    Panel,
    /// One row per person taking part in a programme.
    Participants,
    /// Optional: one row per civic-crowdfunding campaign (matching rules read it).
    Campaigns,
    /// Optional: one row per verified outcome event of a participant (rate cards read it).
    Outcomes,
}

impl Table {
    /// All tables in dependency order (referenced tables first).
    pub const ALL: [Table; 6] =
        [Table::Programmes, Table::Beneficiaries, Table::Panel, Table::Participants, Table::Campaigns, Table::Outcomes];

    /// Must every panel directory have this table? The monthly panel is needed only by the
    /// indicators that read it, campaigns and outcomes only by the payment rules that read them;
    /// those ask for them with [`crate::PanelSource::require`], so a table left out is never
    /// read as "no activity".
    pub fn required(self) -> bool {
        !matches!(self, Table::Panel | Table::Campaigns | Table::Outcomes)
    }

    /// File stem on disk: `<stem>.parquet` or `<stem>.csv`.
    pub fn stem(self) -> &'static str {
        match self {
            Table::Programmes => "programmes",
            Table::Beneficiaries => "beneficiaries",
            Table::Panel => "panel",
            Table::Participants => "participants",
            Table::Campaigns => "campaigns",
            Table::Outcomes => "outcomes",
        }
    }

    /// Parse a table name as written in configuration files and definitions.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.stem() == name)
    }

    /// Column specifications of this table.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Table::Programmes => PROGRAMMES,
            Table::Beneficiaries => BENEFICIARIES,
            Table::Panel => PANEL,
            Table::Participants => PARTICIPANTS,
            Table::Campaigns => CAMPAIGNS,
            Table::Outcomes => OUTCOMES,
        }
    }

    /// Columns that identify one row; duplicates are an error.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            Table::Programmes => &["programme"],
            Table::Beneficiaries => &["beneficiary_id"],
            Table::Panel => &["beneficiary_id", "month"],
            Table::Participants => &["participant_id"],
            Table::Campaigns => &["beneficiary_id", "opened_on"],
            Table::Outcomes => &["participant_id", "outcome", "achieved_on"],
        }
    }

    /// What the format document says about the table as a whole, after its key ("" for nothing).
    pub fn note(self) -> &'static str {
        match self {
            Table::Campaigns => CAMPAIGNS_NOTE,
            _ => "",
        }
    }

    /// Look up one column of this table.
    pub fn column(self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.name == name)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stem())
    }
}

/// Logical type of a column. Physical types are accepted loosely (any integer width for
/// `Integer`, any integer or float for `Number`) and cast to the canonical type on load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text (canonical: String).
    Text,
    /// Whole number (canonical: Int64).
    Integer,
    /// Real number (canonical: Float64). Never used for money.
    Number,
    /// Money in euro cents (canonical: Int64), exact.
    Cents,
    /// Calendar date (canonical: Date). CSV: `YYYY-MM-DD`.
    Date,
    /// true/false (canonical: Boolean). CSV: `true`/`false`.
    Boolean,
}

impl ColumnType {
    /// Name used in messages and the format document.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Cents => "integer cents",
            ColumnType::Date => "date",
            ColumnType::Boolean => "boolean",
        }
    }
}

/// Units of quantity columns: what a sum over rows can mean.
const QUANTITY_UNITS: &[&str] = &["persons", "FTE", "cents"];

/// Sub-counts, `(table, part, whole)`: in every row, `part` counts some of the persons `whole`
/// counts (women among the headcount). Validation refuses a part above its whole; an
/// indicator's `part` must be a sub-count of its `measure`. FTE is not listed: it measures
/// hours, not a group of the persons counted.
pub const SUB_COUNTS: &[(Table, &str, &str)] = &[
    (Table::Beneficiaries, "founders_women", "founders_total"),
    (Table::Beneficiaries, "founders_under35", "founders_total"),
    (Table::Panel, "women", "headcount"),
    (Table::Panel, "under35", "headcount"),
    (Table::Panel, "permanent", "headcount"),
];

/// The sub-counts of `whole` in `table` (empty when it has none).
pub fn parts_of(table: Table, whole: &str) -> Vec<&'static str> {
    SUB_COUNTS.iter().filter(|(t, _, w)| *t == table && *w == whole).map(|(_, p, _)| *p).collect()
}

/// Columns that identify one entity or person. Never a breakdown: each cell would be a single
/// unit.
pub const IDENTIFIERS: &[&str] = &["beneficiary_id", "participant_id"];

/// One column of the panel format.
#[derive(Debug)]
pub struct ColumnSpec {
    /// Canonical name.
    pub name: &'static str,
    /// Logical type.
    pub ty: ColumnType,
    /// Must the column exist in the file?
    pub required: bool,
    /// May a value be missing (null / empty cell)?
    pub nullable: bool,
    /// Closed list of allowed values for text columns; empty means free text.
    pub allowed: &'static [&'static str],
    /// Unit, or "" where none applies.
    pub unit: &'static str,
    /// What the column means.
    pub meaning: &'static str,
    /// Which indicators, breakdowns and payment-rule kinds read the column, for optional
    /// columns ("" where nothing in particular does). Computations ask for what they read with
    /// [`crate::PanelSource::require`], so a panel that leaves the column out gets an error
    /// naming it, never an empty or zero value.
    pub needed_by: &'static str,
}

impl ColumnSpec {
    /// Is this a quantity that can be summed over rows: a number of persons, FTE or cents? Codes
    /// stored as numbers (`edition`, `municipio`), ages, text, dates and flags are not.
    pub fn is_quantity(&self) -> bool {
        matches!(self.ty, ColumnType::Integer | ColumnType::Number | ColumnType::Cents) && QUANTITY_UNITS.contains(&self.unit)
    }
}

macro_rules! col {
    ($name:literal, $ty:ident, $req:ident, $null:ident, $allowed:expr, $unit:literal, $meaning:literal) => {
        col!($name, $ty, $req, $null, $allowed, $unit, $meaning, "")
    };
    ($name:literal, $ty:ident, $req:ident, $null:ident, $allowed:expr, $unit:literal, $meaning:literal, $needed:literal) => {
        ColumnSpec {
            name: $name,
            ty: ColumnType::$ty,
            required: col!(@r $req),
            nullable: col!(@n $null),
            allowed: $allowed,
            unit: $unit,
            meaning: $meaning,
            needed_by: $needed,
        }
    };
    (@r required) => { true };
    (@r optional) => { false };
    (@n null) => { true };
    (@n notnull) => { false };
}

/// Values of `beneficiaries.kind`.
pub const KINDS: &[&str] = &["enterprise", "association", "informal_group"];
/// Values of `beneficiaries.cessation_reason`.
pub const CESSATION_REASONS: &[&str] = &["closure", "merger", "takeover"];
/// Values of `participants.gender` (ESF+ asks for women, men and non-binary persons).
pub const GENDERS: &[&str] = &["F", "M", "non-binary", "unknown"];
/// Values of `participants.status_6m_after_exit`.
pub const STATUSES_AFTER_EXIT: &[&str] = &["employed", "self_employed", "unemployed", "inactive", "education", "unknown"];

const NONE: &[&str] = &[];

/// How the days of a campaign are counted (the `campaigns` section of the format document).
pub const CAMPAIGNS_NOTE: &str = "\
Days are counted as Italian law counts terms (art. 155 c.p.c., art. 2963 c.c.: the first day is
not counted): the opening day is day 0, and an N-day window ends at the end of day N,
`opened_on` + N days. A 60-day window opened on 2020-10-01 ends with 2020-11-30; a campaign that
closed on 2020-12-01 (day 61) ran longer. For such a campaign `raised_by_deadline_cents` holds what
was raised by the end of day N, and the matching rule is decided on it; without it the amount
raised within the window is unknown and the line is flagged as missing data, never paid or
refused on a guess.";

/// Columns of `campaigns` (optional table).
pub static CAMPAIGNS: &[ColumnSpec] = &[
    col!("beneficiary_id", Text, required, notnull, NONE, "", "Project promoter; must exist in `beneficiaries`."),
    col!("opened_on", Date, required, notnull, NONE, "", "Day the campaign opened."),
    col!(
        "closed_on",
        Date,
        required,
        notnull,
        NONE,
        "",
        "Day the campaign closed (its deadline, or the day it stopped collecting). The opening day is day 0, so the closing day is day (closed_on − opened_on)."
    ),
    col!("project_budget_cents", Cents, required, notnull, NONE, "cents", "Budget of the project the campaign funds."),
    col!("raised_cents", Cents, required, notnull, NONE, "cents", "Raised from citizens by the closing day."),
    col!(
        "raised_by_deadline_cents",
        Cents,
        optional,
        null,
        NONE,
        "cents",
        "Raised from citizens by the last day of the call's window (the end of day `within_days`, the opening day being day 0), when the campaign ran longer; empty when it closed within the window.",
        "payment rule `matching`, for campaigns that closed after the window"
    ),
];

/// Columns of `outcomes` (optional table).
pub static OUTCOMES: &[ColumnSpec] = &[
    col!("participant_id", Text, required, notnull, NONE, "", "Person; must exist in `participants`."),
    col!(
        "outcome",
        Text,
        required,
        notnull,
        NONE,
        "",
        "Outcome code as priced in the rule file (e.g. `job_entry`, `qualification_l2`)."
    ),
    col!("achieved_on", Date, required, notnull, NONE, "", "Day the outcome was achieved (a spell starts)."),
    col!(
        "lapsed_on",
        Date,
        required,
        null,
        NONE,
        "",
        "Day a lasting outcome ended (job lost, attendance dropped); empty while it lasts."
    ),
    col!(
        "verified",
        Boolean,
        required,
        notnull,
        NONE,
        "",
        "Evidence checked (payslip, certificate, school letter); only verified events are paid."
    ),
];

/// Columns of `programmes`.
pub static PROGRAMMES: &[ColumnSpec] = &[
    col!("programme", Text, required, notnull, NONE, "", "Programme (call) identifier, e.g. `fabriq-quarto`."),
    col!("name", Text, required, notnull, NONE, "", "Human-readable name of the programme."),
    col!(
        "funder",
        Text,
        optional,
        null,
        NONE,
        "",
        "Who funds the programme (e.g. Comune di Milano, PON Metro).",
        "nothing in impatto (kept for the reader)"
    ),
];

/// Columns of `beneficiaries`.
pub static BENEFICIARIES: &[ColumnSpec] = &[
    col!(
        "beneficiary_id",
        Text,
        required,
        notnull,
        NONE,
        "",
        "Unique id of the entity (codice fiscale / P.IVA where it has one)."
    ),
    col!("programme", Text, required, notnull, NONE, "", "Programme the entity applied to; must exist in `programmes`."),
    col!("edition", Integer, required, notnull, NONE, "year", "Edition (call year) of the programme: the cohort."),
    col!(
        "funded",
        Boolean,
        required,
        notnull,
        NONE,
        "",
        "true for supported entities; false for applicants who were not funded (comparison group)."
    ),
    col!(
        "quartiere",
        Text,
        optional,
        null,
        NONE,
        "",
        "Neighbourhood (NIL) where the entity operates.",
        "the `quartiere` breakdown only (no indicator or payment rule reads it)"
    ),
    col!(
        "municipio",
        Integer,
        optional,
        null,
        NONE,
        "1-9",
        "Milan municipio (1-9).",
        "the `municipio` breakdown only (no indicator or payment rule reads it)"
    ),
    col!(
        "kind",
        Text,
        optional,
        notnull,
        KINDS,
        "",
        "Kind of entity at application.",
        "indicators ENT-02, ENT-03, SUR-01-1Y, SUR-01-3Y (their populations) and the `kind` breakdown"
    ),
    col!(
        "legal_form",
        Text,
        optional,
        null,
        NONE,
        "",
        "Legal form (srl, srls, ditta_individuale, cooperativa, aps, odv, impresa_sociale, …); empty for informal groups.",
        "the `legal_form` breakdown only"
    ),
    col!(
        "founded_on",
        Date,
        required,
        null,
        NONE,
        "",
        "Registration date of the enterprise or organisation; empty while an informal group."
    ),
    col!(
        "formalised_on",
        Date,
        optional,
        null,
        NONE,
        "",
        "For informal groups: date the group registered a legal entity.",
        "indicator ENT-03"
    ),
    col!("support_start", Date, required, null, NONE, "", "Start of support (grant agreement); empty for applicants not funded."),
    col!("support_end", Date, required, null, NONE, "", "End (completion) of support."),
    col!(
        "grant_cents",
        Cents,
        optional,
        notnull,
        NONE,
        "cents",
        "Public grant awarded.",
        "indicator INV-01 (private investment per euro of grant)"
    ),
    col!(
        "eligible_costs_cents",
        Cents,
        optional,
        notnull,
        NONE,
        "cents",
        "Eligible project costs.",
        "payment rules `cost_share`, and `result_premium` with a `share_of_costs` or `top_up_to_share` amount"
    ),
    col!("ceased_on", Date, required, null, NONE, "", "Date the entity ceased; empty while alive."),
    col!(
        "cessation_reason",
        Text,
        required,
        null,
        CESSATION_REASONS,
        "",
        "Why it ceased: closure is a death; merger and take-over are not (Eurostat-OECD)."
    ),
    col!(
        "reactivated_on",
        Date,
        optional,
        null,
        NONE,
        "",
        "Date a closed entity resumed activity; on or before the closure day + 24 calendar months (month-end clamped), and known at the as-of date, the closure is not a death.",
        "indicators SUR-01-1Y, SUR-01-3Y, SUR-02 and payment rule `clawback` (without it no closure is undone)"
    ),
    col!(
        "founders_total",
        Integer,
        optional,
        notnull,
        NONE,
        "persons",
        "Founders / owners / partners.",
        "indicators FND-01, FND-02, OWN-01, OWN-01-IRIS, OWN-01-L215, OWN-02, OWN-02-IRIS"
    ),
    col!(
        "founders_women",
        Integer,
        optional,
        notnull,
        NONE,
        "persons",
        "Of whom women.",
        "indicators FND-01, OWN-01, OWN-01-IRIS, OWN-01-L215"
    ),
    col!(
        "founders_under35",
        Integer,
        optional,
        notnull,
        NONE,
        "persons",
        "Of whom under 35 at support start.",
        "indicators FND-02, OWN-02, OWN-02-IRIS"
    ),
];

/// Columns of `panel`.
pub static PANEL: &[ColumnSpec] = &[
    col!("beneficiary_id", Text, required, notnull, NONE, "", "Entity; must exist in `beneficiaries`."),
    col!("month", Date, required, notnull, NONE, "", "First day of the month observed."),
    col!("active", Boolean, required, notnull, NONE, "", "Had turnover or employment in the month."),
    col!(
        "headcount",
        Integer,
        required,
        notnull,
        NONE,
        "persons",
        "Employees at month end (founders working in the entity included)."
    ),
    col!(
        "fte",
        Number,
        required,
        notnull,
        NONE,
        "FTE",
        "Full-time equivalents (contract hours / full-time hours); never above headcount."
    ),
    col!("women", Integer, required, notnull, NONE, "persons", "Of headcount, women."),
    col!("under35", Integer, required, notnull, NONE, "persons", "Of headcount, under 35."),
    col!("permanent", Integer, required, notnull, NONE, "persons", "Of headcount, on permanent contracts."),
    col!("revenue_cents", Cents, required, notnull, NONE, "cents", "Revenue in the month."),
    col!(
        "private_investment_cents",
        Cents,
        required,
        notnull,
        NONE,
        "cents",
        "Private investment raised in the month (equity, loans, crowdfunding)."
    ),
];

/// Columns of `participants`.
pub static PARTICIPANTS: &[ColumnSpec] = &[
    col!("participant_id", Text, required, notnull, NONE, "", "Unique id of the person in the programme."),
    col!(
        "beneficiary_id",
        Text,
        required,
        notnull,
        NONE,
        "",
        "Entity or group the person took part with; must exist in `beneficiaries`."
    ),
    col!("gender", Text, optional, notnull, GENDERS, "", "Self-declared gender.", "indicator PAR-02 and the `gender` breakdown"),
    col!(
        "birth_date",
        Date,
        optional,
        null,
        NONE,
        "",
        "Birth date; age at entry is derived from it when `age_at_entry` is empty.",
        "indicators PAR-03, PAR-03-1829, PAR-03-U25, PAR-03-55 and the age-band breakdowns (this column or `age_at_entry`)"
    ),
    col!(
        "age_at_entry",
        Integer,
        optional,
        null,
        NONE,
        "years",
        "Age in whole years at entry; used when the birth date is not collected.",
        "indicators PAR-03, PAR-03-1829, PAR-03-U25, PAR-03-55 and the age-band breakdowns (this column or `birth_date`)"
    ),
    col!("entry_date", Date, required, notnull, NONE, "", "Date the person entered the programme."),
    col!("exit_date", Date, optional, null, NONE, "", "Date the person left; empty while taking part.", "indicator PAR-04"),
    col!(
        "status_6m_after_exit",
        Text,
        optional,
        null,
        STATUSES_AFTER_EXIT,
        "",
        "Labour-market status six months after exit; empty until known.",
        "indicator PAR-04"
    ),
];

const DOCUMENT_INTRO: &str = "\
A panel is a directory holding three tables — `programmes`, `beneficiaries`, `participants` —
and, where computations need them, three optional ones — `panel` (the monthly history that
employment, revenue and investment indicators read), `campaigns` (matching rules) and `outcomes`
(rate cards). A computation that needs an optional table a directory lacks stops with an error
naming the directory and what needs the table. Each table is `<table>.parquet` or `<table>.csv`
(comma-, semicolon- or tab-separated, header line, dates as `YYYY-MM-DD`, booleans as
`true`/`false`). CSV is read by the same reader as the statistics commands' files
(`impatto_datasets::csv`): the separator is taken from the header line (a header with more than
one of `,` `;` tab outside quotes is refused); a UTF-8 byte-order mark and CRLF line ends are
fine; empty cells, `NA`, `.` and `NULL` are missing, and so are the tokens `columns.toml`
declares; types come from the whole file. A decimal comma (`1,5` FTE) is read when the file is
`;`- or tab-separated and its numbers use `,` and never `.` as decimal mark (first 100,000 rows),
or when `columns.toml` declares it. Dates are `YYYY-MM-DD` unless `columns.toml` declares
another order (`DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY` or `DD-MM-YYYY`); the order is never
guessed, since `12/01/2018` reads both ways. Every cell a column cannot read (text in a number
column, `1,5` where the decimal mark is `.`, a fractional count, a date in another order or
with a time of day, bytes that are not UTF-8) and every row with more or fewer fields than the
header is reported with its file, column, row and value. A table present twice (`panel.csv`
beside `panel.parquet`), a header naming a column twice, and a table path that is a directory,
a device or a broken link are refused. An optional `columns.toml` maps your column names to ours:

```toml
decimal_comma = true    # optional: the directory's CSV files write 1,5 for 1.5
missing = [\"-\", \"n.d.\"] # optional: more cell contents that mean missing
date_format = \"DD/MM/YYYY\" # optional: the order of the dates (default YYYY-MM-DD)
[panel]            # table
headcount = \"addetti\"   # our name = your name
fte = \"ETP\"
```

Parquet types are accepted loosely and cast on load: any integer width for integers and cents
(a value that does not fit a 64-bit signed integer is reported), any number for numbers, Date or
a Datetime without time zone for dates. A timestamp with a time zone is refused (which day a
moment falls on depends on the zone: store the local date), and so are decimal columns (money
is always whole euro cents, exact integers, never a float or a decimal). Dates must lie between
1800-01-01 and 2199-12-31: a year 0 or 9999 is a typing error, and would move the default as-of
date. Rows in messages are numbered as a spreadsheet shows them (the header is row 1, the first
data row row 2) in CSV files and workbooks, and from 1 in Parquet files.

A directory `impatto generate` wrote has a `manifest.json` listing each file with its SHA-256;
validation refuses a table file that differs from it or is not listed (the directory then mixes
files of two writes). Directories without a manifest are read as they are.

**Workbooks.** A table may also be a sheet of an Excel or LibreOffice workbook (`.xlsx`, `.ods`)
in the directory: every sheet named like a table (`programmes`, `beneficiaries`, `panel`, …;
letter case aside) is that table, so one workbook can hold the whole panel, and a workbook named
like a table (`beneficiaries.xlsx`) without such a sheet gives the table its first sheet. A
table found twice — in two workbooks, or in a workbook and a CSV or Parquet file — is an error
naming both. The first non-empty row of a sheet is its header. Cells keep the sheet's types and
are converted to the column's: date cells or `YYYY-MM-DD` text for dates (never a day/month
order guessed, nor a bare number), whole numbers for integers and cents, TRUE/FALSE for
booleans; numbers in a text column read as typed (`101`), but a date cell there is refused (the
spreadsheet took the text for a date). Empty cells and the missing-value tokens are missing;
`columns.toml` applies as to CSV. A cell that does not fit is reported with the workbook, the
sheet, the column, the row and the cell (`M2`).

Validation (`impatto validate --data DIR`, and before every `impatto indicators` run) reports
every problem with the file, column, example rows, what was expected and what was found:
cells that do not read as their column's type, dates out of range, missing or mistyped
columns, empty required cells, values outside the allowed lists, negative
counts or amounts, women / under-35 / permanent staff or FTE above headcount, months not on the
first day, dates out of order, duplicate keys, references to unknown beneficiaries or
programmes. Errors stop computation; warnings (a grant above eligible costs, a participant with
no age, a table with a header and no rows) are reported and computation goes on. A beneficiary
with no row at all in the `panel` table has no data for the indicators read from it: a payment
that depends on one is `missing_data`, never `not_met`.

A month missing from a `panel` table means no activity and no employment in that month (the
entity was not yet founded, had ceased, or was dormant); a directory without a `panel` table
says nothing about activity, and the indicators that read it refuse to run on it.

**Optional columns.** A column marked *required: no* may be left out of the file altogether: a
programme outside Milan has no `quartiere` or `municipio`, an outcomes fund no founders or
eligible costs. Such a column reads as empty in every row of that file, and validation does not
complain about it. It never stands for zero: each optional column lists what needs it (*needed
by*), and those indicators and payment rules check that the panel has the column before they
run, failing with an error that names the table file, the missing column and what needs it.
Leave a column out only when its data is not collected; when a column is present, its
*may be empty* rule applies to every row.
";

const CHANGES: &str = "\
## Changes

- 1.2: the Milan-specific columns of `beneficiaries` (`quartiere`, `municipio`, `kind`,
  `grant_cents`, `eligible_costs_cents`, `founders_total`, `founders_women`,
  `founders_under35`) and the ESF+ columns of `participants` (`gender`, `exit_date`,
  `status_6m_after_exit`) are optional, and so is the `panel` table (an outcomes fund paying by
  a rate card has no monthly history); each optional column says what needs it, and what a
  panel leaves out is never read as zero. `campaigns` gains `raised_by_deadline_cents`, and the
  counting of a campaign's days is stated (the opening day is day 0, art. 155 c.p.c.).
";

/// The panel-format document (`datasets/PANEL_FORMAT.md`), generated from this module so the
/// two cannot disagree; a test fails when the committed file is stale.
pub fn format_document() -> String {
    use std::fmt::Write;
    let mut out = format!(
        "# The impatto panel format, version {PANEL_FORMAT_VERSION}\n\n<!-- generated from datasets/src/schema.rs: run `IMPATTO_BLESS=1 cargo test --release -p impatto-datasets --test it` after changing the schema -->\n\n{DOCUMENT_INTRO}"
    );
    for table in Table::ALL {
        let _ = write!(
            out,
            "\n## `{}`{}\n\nKey: {} (unique).\n\n",
            table.stem(),
            if table.required() { "" } else { " (optional)" },
            table.key().iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" × ")
        );
        if !table.note().is_empty() {
            let _ = write!(out, "{}\n\n", table.note());
        }
        out.push_str(
            "| column | type | required | may be empty | allowed values | unit | meaning | needed by (optional columns) |\n|---|---|---|---|---|---|---|---|\n",
        );
        for c in table.columns() {
            let allowed = if c.allowed.is_empty() {
                String::new()
            } else {
                c.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                c.name,
                c.ty.name(),
                if c.required { "yes" } else { "no" },
                if c.nullable { "yes" } else { "no" },
                allowed,
                c.unit,
                c.meaning,
                c.needed_by
            );
        }
    }
    let _ = write!(out, "\n{CHANGES}");
    out
}
