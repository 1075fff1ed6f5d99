//! The beneficiary panel format, as data.
//!
//! Every table, column, type and allowed value lives here once; the loader, the validator, the
//! generator and `PANEL_FORMAT.md` all follow this module (a test checks the document lists
//! every column), so the format cannot drift between what we write, read and promise.

use std::fmt;

/// Version of the panel format described by this module and `datasets/PANEL_FORMAT.md`.
pub const PANEL_FORMAT_VERSION: &str = "1.1";

/// The four tables of a panel directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per programme (call) — the reference list for `beneficiaries.programme`.
    Programmes,
    /// One row per supported (or applicant) entity.
    Beneficiaries,
    /// One row per beneficiary × month.
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

    /// Must every panel directory have this table? (Campaigns and outcomes are needed only by
    /// the payment rules that read them.)
    pub fn required(self) -> bool {
        !matches!(self, Table::Campaigns | Table::Outcomes)
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
}

impl ColumnSpec {
    /// Is this a quantity that can be summed over rows: a number of persons, FTE or cents? Codes
    /// stored as numbers (`edition`, `municipio`), ages, text, dates and flags are not.
    pub fn is_quantity(&self) -> bool {
        matches!(self.ty, ColumnType::Integer | ColumnType::Number | ColumnType::Cents) && QUANTITY_UNITS.contains(&self.unit)
    }
}

macro_rules! col {
    ($name:literal, $ty:ident, required, $null:ident, $allowed:expr, $unit:literal, $meaning:literal) => {
        ColumnSpec { name: $name, ty: ColumnType::$ty, required: true, nullable: col!(@n $null), allowed: $allowed, unit: $unit, meaning: $meaning }
    };
    ($name:literal, $ty:ident, optional, $null:ident, $allowed:expr, $unit:literal, $meaning:literal) => {
        ColumnSpec { name: $name, ty: ColumnType::$ty, required: false, nullable: col!(@n $null), allowed: $allowed, unit: $unit, meaning: $meaning }
    };
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
        "Day the campaign closed (its deadline, or the day it stopped collecting)."
    ),
    col!("project_budget_cents", Cents, required, notnull, NONE, "cents", "Budget of the project the campaign funds."),
    col!("raised_cents", Cents, required, notnull, NONE, "cents", "Raised from citizens by the closing day."),
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
    col!("funder", Text, optional, null, NONE, "", "Who funds the programme (e.g. Comune di Milano, PON Metro)."),
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
    col!("quartiere", Text, required, null, NONE, "", "Neighbourhood (NIL) where the entity operates."),
    col!("municipio", Integer, required, null, NONE, "1-9", "Milan municipio (1-9)."),
    col!("kind", Text, required, notnull, KINDS, "", "Kind of entity at application."),
    col!(
        "legal_form",
        Text,
        optional,
        null,
        NONE,
        "",
        "Legal form (srl, srls, ditta_individuale, cooperativa, aps, odv, impresa_sociale, …); empty for informal groups."
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
    col!("formalised_on", Date, optional, null, NONE, "", "For informal groups: date the group registered a legal entity."),
    col!("support_start", Date, required, null, NONE, "", "Start of support (grant agreement); empty for applicants not funded."),
    col!("support_end", Date, required, null, NONE, "", "End (completion) of support."),
    col!("grant_cents", Cents, required, notnull, NONE, "cents", "Public grant awarded."),
    col!("eligible_costs_cents", Cents, required, notnull, NONE, "cents", "Eligible project costs."),
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
        "Date a closed entity resumed activity; on or before the closure day + 24 calendar months (month-end clamped), and known at the as-of date, the closure is not a death."
    ),
    col!("founders_total", Integer, required, notnull, NONE, "persons", "Founders / owners / partners."),
    col!("founders_women", Integer, required, notnull, NONE, "persons", "Of whom women."),
    col!("founders_under35", Integer, required, notnull, NONE, "persons", "Of whom under 35 at support start."),
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
    col!("gender", Text, required, notnull, GENDERS, "", "Self-declared gender."),
    col!(
        "birth_date",
        Date,
        optional,
        null,
        NONE,
        "",
        "Birth date; age at entry is derived from it when `age_at_entry` is empty."
    ),
    col!(
        "age_at_entry",
        Integer,
        optional,
        null,
        NONE,
        "years",
        "Age in whole years at entry; used when the birth date is not collected."
    ),
    col!("entry_date", Date, required, notnull, NONE, "", "Date the person entered the programme."),
    col!("exit_date", Date, required, null, NONE, "", "Date the person left; empty while taking part."),
    col!(
        "status_6m_after_exit",
        Text,
        required,
        null,
        STATUSES_AFTER_EXIT,
        "",
        "Labour-market status six months after exit; empty until known."
    ),
];

const DOCUMENT_INTRO: &str = "\
A panel is a directory holding four tables — `programmes`, `beneficiaries`, `panel`,
`participants` — and, where payment rules need them, two optional ones — `campaigns` (matching
rules) and `outcomes` (rate cards). Each is `<table>.parquet` or `<table>.csv` (comma- or
semicolon-separated, header line, dates as `YYYY-MM-DD`, booleans as `true`/`false`). An
optional `columns.toml` maps your column names to ours:

```toml
[panel]            # table
headcount = \"addetti\"   # our name = your name
fte = \"ETP\"
```

Types are accepted loosely and cast on load: any integer width for integers and cents, any number
for numbers, Date or Datetime for dates. Money is always whole euro cents (exact integers), never
a float. Rows in messages are counted from 1, header excluded.

Validation (`impatto validate --data DIR`, and before every `impatto indicators` run) reports
every problem with the file, column, example rows, what was expected and what was found:
missing or mistyped columns, empty required cells, values outside the allowed lists, negative
counts or amounts, women / under-35 / permanent staff or FTE above headcount, months not on the
first day, dates out of order, duplicate keys, references to unknown beneficiaries or
programmes. Errors stop computation; warnings (a grant above eligible costs, a participant with
no age) are reported and computation goes on.

A month missing from `panel` means no activity and no employment in that month (the entity was
not yet founded, had ceased, or was dormant).
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
        out.push_str(
            "| column | type | required | may be empty | allowed values | unit | meaning |\n|---|---|---|---|---|---|---|\n",
        );
        for c in table.columns() {
            let allowed = if c.allowed.is_empty() {
                String::new()
            } else {
                c.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                c.name,
                c.ty.name(),
                if c.required { "yes" } else { "no" },
                if c.nullable { "yes" } else { "no" },
                allowed,
                c.unit,
                c.meaning
            );
        }
    }
    out
}
