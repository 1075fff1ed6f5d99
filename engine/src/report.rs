//! The report people open: one self-contained HTML page per programme statement, and an index,
//! in Italian or English.
//!
//! Why: a council member reads a page, not a CSV; an auditor needs that page to say where every
//! euro comes from. Each page carries its payouts by rule, instrument (grants and loans apart)
//! and payer, each rule's reading of the call, the programme's indicators with their intervals
//! and withheld cells, a statement per beneficiary that prints one to a sheet, and the
//! provenance that made it (engine version, rule file and hash, definitions and hashes, input
//! hash, disclosure settings).
//!
//! The page has no script and makes no request: CSS and SVG charts are inline, so it opens
//! offline and can be archived as it is. It is built for people who read it differently: real
//! table headers (`th` with `scope`), every chart a titled `figure` with a text alternative and
//! its numbers in a table, the Okabe-Ito palette (distinct in every common colour-vision
//! deficiency), text contrast of at least 7:1 (WCAG AAA for body text), and print rules that
//! start each beneficiary's statement on its own sheet. Money is shown in the language's
//! format (`€ 1.640.161,00`); the same figures, exact, are in the statement's JSON.
//!
//! Every figure a reader checks carries `data-field` (and `data-rule`, `data-beneficiary`,
//! `data-indicator`) so the browser tests read the page back and compare it with the JSON.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;

use crate::i18n::{Arg, Lang, Texts};
use crate::rules::statement::Statement;
use impatto_indicators::IndicatorResult;

/// Okabe & Ito (2008), "Color Universal Design": blue, vermilion, bluish green, orange.
const PALETTE: [&str; 4] = ["#0072B2", "#D55E00", "#009E73", "#E69F00"];

const CSS: &str = r#"
:root { --ink: #1a1a1a; --muted: #4a4a4a; --rule: #c8c8c8; --band: #f3f5f7; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; margin: 0 auto; max-width: 64rem; padding: 1rem; }
header nav { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .9rem; }
a { color: #005a8c; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.subtitle { color: var(--muted); margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; margin: 1rem 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; background: var(--band); }
.card dt { font-size: .85rem; color: var(--muted); }
.card dd { margin: 0; font-size: 1.15rem; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; }
h1, dd code, li { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.withheld { color: var(--muted); font-style: italic; }
figure { margin: 1rem 0; overflow-x: auto; }
figcaption { font-size: .9rem; color: var(--muted); }
svg { max-width: 100%; height: auto; display: block; }
figure svg { min-width: 36rem; }  /* below this the labels shrink past reading: scroll instead */
svg text { font: 13px system-ui, sans-serif; fill: #1a1a1a; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .85rem; margin: .3rem 0; }
.swatch { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.1rem; margin-right: .3rem; border: 1px solid #1a1a1a; }
.reading { border-left: 4px solid var(--accent); padding: .2rem .8rem; background: var(--band); margin: .5rem 0; }
.provenance dd { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; overflow-wrap: anywhere; margin-left: 1rem; }
.statement { border: 1px solid var(--rule); border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; font-size: 11pt; }
  header nav, .noprint { display: none; }
  .statement { break-before: page; border: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  figure svg { min-width: 0; }
}
"#;

/// A statement with the name of its files (`<programme>-<period>`), as `run` writes them.
#[derive(Clone, Copy, Debug)]
pub struct Page<'a> {
    /// File stem: `fabriq-quarto-2018-final`.
    pub stem: &'a str,
    /// The statement.
    pub statement: &'a Statement,
}

/// Indicator id → (Italian name, English name), as the definitions write them: what the report,
/// the workbooks and the figures title indicators with.
pub fn indicator_names(definitions: &[impatto_indicators::LoadedDefinition]) -> BTreeMap<String, (String, String)> {
    definitions.iter().map(|d| (d.def.id.clone(), (d.def.name.it.clone(), d.def.name.en.clone()))).collect()
}

/// An indicator's name in `lang`, or its id when the definitions do not name it.
pub fn indicator_name(names: &BTreeMap<String, (String, String)>, id: &str, lang: Lang) -> String {
    names.get(id).map_or_else(|| id.to_string(), |(it, en)| if lang == Lang::It { it.clone() } else { en.clone() })
}

/// What every page says of the indicators: their rows and their names.
#[derive(Clone, Copy, Debug)]
pub struct Indicators<'a> {
    /// The run's published rows (suppressed cells included, marked).
    pub rows: &'a [IndicatorResult],
    /// Indicator id → (Italian name, English name).
    pub names: &'a BTreeMap<String, (String, String)>,
}

/// The page of one programme statement, in `t`'s language: a complete HTML document.
/// `indicators` are the run's rows; the page shows those of the statement's programme.
pub fn programme_page(page: Page<'_>, indicators: Indicators<'_>, t: &Texts) -> String {
    let st = page.statement;
    let other = other_lang(t.lang());
    let title = t.get("report-title", &[("name", Arg::Text(st.name.get(t.lang()))), ("period", Arg::Text(&st.period))]);
    // The indicators are published by the programme the rule file pays (`data.programme`),
    // across its editions, as of the run's date.
    let rows: Vec<&IndicatorResult> =
        indicators.rows.iter().filter(|r| r.group.iter().any(|(k, v)| k == "programme" && *v == st.data_programme)).collect();
    let scope = rows.first().map_or_else(String::new, |r| {
        let as_of = chrono::NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").map_or_else(|_| r.as_of.clone(), |d| t.date(d));
        let id = if st.data_edition.is_some() { "report-indicators-scope-editions" } else { "report-indicators-scope" };
        t.get(id, &[("programme", Arg::Text(&st.data_programme)), ("as-of", Arg::Text(&as_of))])
    });
    let body = html! {
        header {
            nav aria-label=(t.get("report-nav", &[])) {
                a href="index.html" { (t.get("report-index", &[])) }
                a href={ "../" (other.code()) "/" (page.stem) ".html" } hreflang=(other.code()) lang=(other.code()) {
                    (t.get("report-other-language", &[]))
                }
            }
            h1 { (title) }
            p.subtitle {
                (t.get("report-subtitle", &[("programme", Arg::Text(&st.programme)), ("as-of", Arg::Text(&t.date(st.as_of)))]))
            }
        }
        main {
            (summary(st, t))
            (by_rule(st, t))
            (by_instrument_and_payer(st, t))
            (readings(st, t))
            (indicator_section(&rows, &scope, indicators.names, t))
            (survival_section(&rows, indicators.names, t))
            (statements(st, t))
            (provenance(st, &rows, t))
        }
    };
    document(t.lang(), &title, body)
}

/// The index of a run's pages, in `t`'s language: one row per statement with its totals.
pub fn index_page(pages: &[Page<'_>], t: &Texts) -> String {
    let other = other_lang(t.lang());
    let title = t.get("report-index-title", &[]);
    let body = html! {
        header {
            nav aria-label=(t.get("report-nav", &[])) {
                a href={ "../" (other.code()) "/index.html" } hreflang=(other.code()) lang=(other.code()) {
                    (t.get("report-other-language", &[]))
                }
            }
            h1 { (title) }
        }
        main {
            div.scroll {
                table {
                    caption { (t.get("report-index-caption", &[])) }
                    thead { tr {
                        th scope="col" { (t.get("report-programme", &[])) }
                        th scope="col" { (t.get("report-period", &[])) }
                        th scope="col" { (capitalised(t.get("column-as-of", &[]))) }
                        th.num scope="col" { (capitalised(t.get("column-claim", &[]))) }
                        th.num scope="col" { (t.get("report-paid-grants", &[])) }
                        th.num scope="col" { (capitalised(t.get("instrument-loan", &[]))) }
                        th.num scope="col" { (t.get("report-unfunded", &[])) }
                    } }
                    tbody {
                        @for p in pages {
                            @let st = p.statement;
                            @let loans = st.paid_in_loans();
                            tr data-programme=(p.stem) {
                                th scope="row" { a href={ (p.stem) ".html" } { (st.name.get(t.lang())) } }
                                td { (st.period) }
                                td { (t.date(st.as_of)) }
                                (money_cell(t, st.evaluation.claimed, &st.currency, "claimed"))
                                (money_cell(t, st.evaluation.paid - loans, &st.currency, "paid-grants"))
                                (money_cell(t, loans, &st.currency, "paid-loans"))
                                (money_cell(t, st.evaluation.unfunded, &st.currency, "unfunded"))
                            }
                        }
                    }
                }
            }
        }
    };
    document(t.lang(), &title, body)
}

/// Statement words are lower case for running text ("richiesto"); headings and labels start with a capital.
fn capitalised(text: String) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::It => Lang::En,
        Lang::En => Lang::It,
    }
}

fn document(lang: Lang, title: &str, body: Markup) -> String {
    page(lang, title, body, "report-footer")
}

/// A self-contained page (inline style, no request) with the footer message `footer`.
pub(crate) fn page(lang: Lang, title: &str, body: Markup, footer: &str) -> String {
    let t = Texts::new(lang);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No request leaves the page: not even for a favicon.
                link rel="icon" href="data:,";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (body)
                footer { (t.get(footer, &[("version", Arg::Text(env!("CARGO_PKG_VERSION")))])) }
            }
        }
    }
    .into_string()
}

/// An amount never wraps between its symbol and its digits (`€ 2.500.000,00`).
fn unbroken(money: &str) -> String {
    money.replace(' ', "\u{a0}")
}

fn money_cell(t: &Texts, amount: Decimal, currency: &str, field: &str) -> Markup {
    html! { td.num data-field=(field) { (t.money(amount, currency)) } }
}

fn summary(st: &Statement, t: &Texts) -> Markup {
    let e = &st.evaluation;
    let c = &st.currency;
    let loans = st.paid_in_loans();
    let cards: Vec<(&str, String, Decimal)> = vec![
        ("budget", t.get("report-budget", &[]), st.budget),
        ("claimed", capitalised(t.get("column-claim", &[])), e.claimed),
        ("paid-grants", t.get("report-paid-grants", &[]), e.paid - loans),
        ("paid-loans", capitalised(t.get("instrument-loan", &[])), loans),
        ("unfunded", t.get("report-unfunded", &[]), e.unfunded),
        ("recovered", t.get("report-recovered", &[]), e.recovered),
    ];
    html! {
        section aria-labelledby="summary" {
            h2 id="summary" { (t.get("report-summary", &[])) }
            dl.cards {
                @for (field, label, amount) in &cards {
                    div.card { dt { (label) } dd data-field=(field) { (unbroken(&t.money(*amount, c))) } }
                }
            }
            p { (t.get("report-summary-text", &[("lines", Arg::Count(e.lines.len())), ("beneficiaries", Arg::Count(beneficiaries(st).len()))])) }
        }
    }
}

fn beneficiaries(st: &Statement) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for l in &st.evaluation.lines {
        if !seen.contains(&l.beneficiary.as_str()) {
            seen.push(&l.beneficiary);
        }
    }
    seen
}

/// Payouts by rule: a bar chart of claimed against paid, and the same numbers as a table.
fn by_rule(st: &Statement, t: &Texts) -> Markup {
    let c = &st.currency;
    let rules = st.totals_by_rule();
    let largest = rules.iter().map(|(_, claimed, paid)| (*claimed).max(paid.abs())).max().unwrap_or(Decimal::ZERO);
    let (label_w, bar_w, row_h) = (190.0, 560.0, 44.0);
    let height = row_h * rules.len() as f64 + 10.0;
    let scale = |x: Decimal| -> f64 {
        if largest.is_zero() {
            0.0
        } else {
            let share = (x.abs() / largest).round_dp(4);
            share.to_string().parse::<f64>().unwrap_or(0.0) * bar_w
        }
    };
    let description = rules
        .iter()
        .map(|(r, claimed, paid)| {
            format!(
                "{r}: {} {}, {} {}",
                t.get("column-claim", &[]),
                t.money(*claimed, c),
                t.get("column-paid", &[]),
                t.money(*paid, c)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        section aria-labelledby="by-rule" {
            h2 id="by-rule" { (capitalised(t.get("statement-by-rule", &[]).trim_end_matches(':').to_string())) }
            figure {
                div.legend aria-hidden="true" {
                    span { span.swatch style={ "background:" (PALETTE[0]) } {} (t.get("column-claim", &[])) }
                    span { span.swatch style={ "background:" (PALETTE[3]) } {} (t.get("column-paid", &[])) }
                }
                svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (label_w + bar_w + 10.0) " " (height) } role="img" aria-labelledby="by-rule-title by-rule-desc" {
                    title id="by-rule-title" { (t.get("report-chart-by-rule", &[])) }
                    desc id="by-rule-desc" { (description) }
                    @for (i, (rule, claimed, paid)) in rules.iter().enumerate() {
                        @let y = 5.0 + row_h * i as f64;
                        text x="0" y=(y + 22.0) { (rule) }
                        rect x=(label_w) y=(y + 4.0) width=(scale(*claimed)) height="16" fill=(PALETTE[0]) {}
                        rect x=(label_w) y=(y + 22.0) width=(scale(*paid)) height="16" fill=(PALETTE[3]) {}
                    }
                }
                figcaption { (t.get("report-chart-by-rule-caption", &[])) }
            }
            div.scroll {
                table {
                    caption { (t.get("report-table-by-rule", &[])) }
                    thead { tr {
                        th scope="col" { (capitalised(t.get("column-rule", &[]))) }
                        th.num scope="col" { (capitalised(t.get("column-claim", &[]))) }
                        th.num scope="col" { (capitalised(t.get("column-paid", &[]))) }
                    } }
                    tbody {
                        @for (rule, claimed, paid) in &rules {
                            tr data-rule=(rule) {
                                th scope="row" { (rule) }
                                (money_cell(t, *claimed, c, "claimed"))
                                (money_cell(t, *paid, c, "paid"))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn by_instrument_and_payer(st: &Statement, t: &Texts) -> Markup {
    let c = &st.currency;
    html! {
        section aria-labelledby="by-instrument" {
            h2 id="by-instrument" { (t.get("report-by-instrument-and-payer", &[])) }
            p { (t.get("report-instruments-apart", &[])) }
            div.scroll {
                table {
                    caption { (t.get("report-table-by-instrument", &[])) }
                    thead { tr { th scope="col" { (capitalised(t.get("column-instrument", &[]))) } th.num scope="col" { (capitalised(t.get("column-paid", &[]))) } } }
                    tbody {
                        @for (instrument, paid) in st.totals_by_instrument() {
                            tr data-instrument=(instrument) {
                                th scope="row" { (t.get(&format!("instrument-{instrument}"), &[])) }
                                (money_cell(t, paid, c, "paid"))
                            }
                        }
                    }
                }
                table {
                    caption { (t.get("report-table-by-payer", &[])) }
                    thead { tr {
                        th scope="col" { (t.get("report-payer", &[])) }
                        th.num scope="col" { (t.get("report-commitment", &[])) }
                        th.num scope="col" { (capitalised(t.get("column-paid", &[]))) }
                    } }
                    tbody {
                        @for (payer, paid) in st.totals_by_payer() {
                            tr data-payer=(payer) {
                                th scope="row" { (payer) }
                                @if let Some(commitment) = st.commitments.get(&payer) {
                                    (money_cell(t, *commitment, c, "commitment"))
                                } @else {
                                    td.num { (t.get("report-no-commitment", &[])) }
                                }
                                (money_cell(t, paid, c, "paid"))
                            }
                        }
                    }
                }
            }
            @for note in &st.evaluation.notes {
                p { (t.get("statement-note", &[("text", Arg::Text(note))])) }
            }
        }
    }
}

/// Each rule's reading of the call, in the rule file's words.
fn readings(st: &Statement, t: &Texts) -> Markup {
    let mut readings: Vec<(&str, &str)> = Vec::new();
    for l in &st.evaluation.lines {
        if let Some(text) = &l.interpretation
            && !readings.iter().any(|(r, _)| *r == l.rule)
        {
            readings.push((&l.rule, text.get(t.lang())));
        }
    }
    html! {
        @if !readings.is_empty() {
            section aria-labelledby="readings" {
                h2 id="readings" { (t.get("report-readings", &[])) }
                @for (rule, text) in &readings {
                    div.reading { strong { (rule) } ": " (text) }
                }
            }
        }
    }
}

/// How an indicator's value reads: a share as a percentage, counts whole, FTE with one decimal.
fn value_text(t: &Texts, unit: &str, x: f64) -> String {
    match unit {
        "share" | "probability" => format!("{} %", t.number(x * 100.0, 1)),
        "persons" | "entities" => t.number(x, 0),
        "FTE" | "fte" => t.number(x, 1),
        _ => t.number(x, 2),
    }
}

fn indicator_section(rows: &[&IndicatorResult], scope: &str, names: &BTreeMap<String, (String, String)>, t: &Texts) -> Markup {
    let name = |id: &str| indicator_name(names, id, t.lang());
    let group_text = |r: &IndicatorResult| -> String {
        let parts: Vec<String> = r
            .group
            .iter()
            .filter(|(k, _)| k != "programme")
            .map(|(k, v)| {
                let id = format!("breakdown-{k}");
                format!("{} {v}", if t.has(&id) { t.get(&id, &[]) } else { k.clone() })
            })
            .collect();
        if parts.is_empty() { t.get("report-whole-programme", &[]) } else { parts.join(" · ") }
    };
    // Shares with an interval, whole programme: the headline chart.
    let headline: Vec<&&IndicatorResult> = rows
        .iter()
        .filter(|r| r.unit == "share" && r.group.len() == 1 && r.value.is_some() && r.ci_low.is_some() && r.ci_high.is_some())
        .collect();
    let (label_w, plot_w, row_h) = (300.0, 420.0, 30.0);
    let height = row_h * headline.len() as f64 + 30.0;
    let x = |v: f64| label_w + v.clamp(0.0, 1.0) * plot_w;
    let withheld_any = rows.iter().any(|r| r.suppressed);
    let description = headline
        .iter()
        .map(|r| {
            format!(
                "{}: {} ({} {} – {})",
                name(&r.indicator),
                value_text(t, &r.unit, r.value.unwrap_or(0.0)),
                t.get("report-interval", &[]),
                value_text(t, &r.unit, r.ci_low.unwrap_or(0.0)),
                value_text(t, &r.unit, r.ci_high.unwrap_or(0.0))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        section aria-labelledby="indicators" {
            h2 id="indicators" { (t.get("report-indicators", &[])) }
            @if rows.is_empty() {
                p { (t.get("report-no-indicators", &[])) }
            } @else {
                p.scope { (scope) }
                @if !headline.is_empty() {
                    figure {
                        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (label_w + plot_w + 40.0) " " (height) } role="img" aria-labelledby="shares-title shares-desc" {
                            title id="shares-title" { (t.get("report-chart-shares", &[])) }
                            desc id="shares-desc" { (description) }
                            @for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
                                line x1=(x(tick)) x2=(x(tick)) y1="0" y2=(height - 20.0) stroke="#c8c8c8" {}
                                text x=(x(tick)) y=(height - 5.0) text-anchor="middle" { (value_text(t, "share", tick)) }
                            }
                            @for (i, r) in headline.iter().enumerate() {
                                @let y = 15.0 + row_h * i as f64;
                                text x="0" y=(y + 4.0) { (name(&r.indicator)) }
                                line x1=(x(r.ci_low.unwrap_or(0.0))) x2=(x(r.ci_high.unwrap_or(0.0))) y1=(y) y2=(y) stroke=(PALETTE[0]) stroke-width="3" {}
                                circle cx=(x(r.value.unwrap_or(0.0))) cy=(y) r="5" fill=(PALETTE[1]) {}
                            }
                        }
                        figcaption { (t.get("report-chart-shares-caption", &[])) }
                    }
                }
                div.scroll {
                    table {
                        caption { (t.get("report-table-indicators", &[])) }
                        thead { tr {
                            th scope="col" { (t.get("report-indicator", &[])) }
                            th scope="col" { (t.get("report-breakdown", &[])) }
                            th.num scope="col" { (t.get("report-value", &[])) }
                            th.num scope="col" { (capitalised(t.get("report-interval", &[]))) }
                            th.num scope="col" { (t.get("report-units", &[])) }
                        } }
                        tbody {
                            @for r in rows {
                                tr data-indicator=(r.indicator) data-group=(group_key(r)) data-horizon=[r.horizon_months] {
                                    th scope="row" {
                                        (name(&r.indicator))
                                        @if let Some(h) = r.horizon_months { " — " (t.get("report-horizon", &[("months", Arg::Count(h as usize))])) }
                                    }
                                    td { (group_text(r)) }
                                    @if r.suppressed {
                                        td.num.withheld colspan="2" data-field="withheld" { (t.get("report-withheld", &[])) }
                                    } @else {
                                        td.num data-field="value" { (r.value.map_or_else(|| "—".to_string(), |v| value_text(t, &r.unit, v))) }
                                        td.num {
                                            @if let (Some(lo), Some(hi)) = (r.ci_low, r.ci_high) {
                                                (value_text(t, &r.unit, lo)) " – " (value_text(t, &r.unit, hi))
                                            } @else { "—" }
                                        }
                                    }
                                    // A withheld share keeps its units (the audit protects it given them).
                                    td.num data-field="units" { (r.units.map_or_else(|| "—".to_string(), |u| t.number(u as f64, 0))) }
                                }
                            }
                        }
                    }
                }
                @if withheld_any {
                    p { (t.get("report-withheld-note", &[("k", Arg::Text(&rows.first().map_or(0, |r| r.small_cell).to_string()))])) }
                }
            }
        }
    }
}

/// Kaplan-Meier survival at the horizons the run published (SUR-02's 12, 24 and 36 months), one
/// line per cohort: per edition when the run broke the indicator down by edition, else the whole
/// programme. Only published points are drawn (withheld ones leave a gap and are said so): the
/// rows carry the estimate at each horizon, not the whole step curve, so the points are joined
/// by straight dashed lines, read as "between these dates", never as the curve's shape.
fn survival_section(rows: &[&IndicatorResult], names: &BTreeMap<String, (String, String)>, t: &Texts) -> Markup {
    let name = |id: &str| indicator_name(names, id, t.lang());
    // Indicator → cohort label → (months, estimate, interval) in horizon order; withheld points as None.
    type Points = Vec<(u32, Option<(f64, Option<(f64, f64)>)>)>;
    let mut curves: BTreeMap<&str, BTreeMap<String, Points>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.unit == "probability" && r.horizon_months.is_some()) {
        let others: Vec<&(String, String)> = r.group.iter().filter(|(k, v)| k != "programme" && !v.is_empty()).collect();
        let cohort = match others.as_slice() {
            [] => t.get("report-whole-programme", &[]),
            [(k, v)] if k == "edition" => format!("{} {v}", t.get("breakdown-edition", &[])),
            _ => continue,
        };
        let point = if r.suppressed { None } else { r.value.map(|v| (v, r.ci_low.zip(r.ci_high))) };
        curves.entry(&r.indicator).or_default().entry(cohort).or_default().push((r.horizon_months.unwrap_or(0), point));
    }
    let (left, width, top, height) = (76.0, 520.0, 16.0, 220.0);
    html! {
        @for (indicator, cohorts) in &curves {
            @let last = cohorts.values().flatten().map(|p| p.0).max().unwrap_or(12).max(1) as f64;
            @let x = |m: f64| left + m / last * width;
            @let y = |s: f64| top + (1.0 - s.clamp(0.0, 1.0)) * height;
            @let withheld = cohorts.values().flatten().filter(|p| p.1.is_none()).count();
            @let id = format!("km-{indicator}");
            @let description = cohorts.iter().map(|(c, points)| {
                let shown: Vec<String> = points.iter().map(|(m, p)| match p {
                    Some((v, _)) => format!("{}: {}", t.get("report-horizon", &[("months", Arg::Count(*m as usize))]), value_text(t, "probability", *v)),
                    None => format!("{}: {}", t.get("report-horizon", &[("months", Arg::Count(*m as usize))]), t.get("report-withheld", &[])),
                }).collect();
                format!("{c}: {}", shown.join(", "))
            }).collect::<Vec<_>>().join("; ");
            section aria-labelledby=(id) {
                h3 id=(id) { (name(indicator)) }
                div.legend {
                    @for (i, cohort) in cohorts.keys().enumerate() {
                        span { span.swatch style={ "background:" (PALETTE[i % PALETTE.len()]) } {} (cohort) }
                    }
                }
                figure {
                    svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (left + width + 24.0) " " (top + height + 44.0) } role="img"
                        aria-labelledby={ (id) "-title " (id) "-desc" } {
                        title id={ (id) "-title" } { (name(indicator)) }
                        desc id={ (id) "-desc" } { (description) }
                        @for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
                            line x1=(left) x2=(left + width) y1=(y(tick)) y2=(y(tick)) stroke="#c8c8c8" {}
                            text x=(left - 6.0) y=(y(tick) + 4.0) text-anchor="end" { (value_text(t, "share", tick)) }
                        }
                        @for m in cohorts.values().flatten().map(|p| p.0).collect::<std::collections::BTreeSet<u32>>().into_iter().chain([0]) {
                            text x=(x(f64::from(m))) y=(top + height + 18.0) text-anchor="middle" { (m) }
                        }
                        text x=(left + width / 2.0) y=(top + height + 38.0) text-anchor="middle" { (t.get("report-months", &[])) }
                        @for (i, points) in cohorts.values().enumerate() {
                            @let colour = PALETTE[i % PALETTE.len()];
                            @let line = std::iter::once((0.0, 1.0))
                                .chain(points.iter().filter_map(|(m, p)| p.map(|(v, _)| (f64::from(*m), v))))
                                .map(|(m, v)| format!("{:.1},{:.1}", x(m), y(v)))
                                .collect::<Vec<_>>()
                                .join(" ");
                            polyline fill="none" stroke=(colour) stroke-width="2" stroke-dasharray="6 4" points=(line) {}
                            @for (m, p) in points {
                                @if let Some((v, interval)) = p {
                                    @if let Some((lo, hi)) = interval {
                                        line x1=(x(f64::from(*m))) x2=(x(f64::from(*m))) y1=(y(*lo)) y2=(y(*hi)) stroke=(colour) stroke-width="2" {}
                                    }
                                    circle cx=(x(f64::from(*m))) cy=(y(*v)) r="4.5" fill=(colour) data-indicator=(indicator) data-horizon=(m) data-value=(v) {}
                                }
                            }
                        }
                    }
                    figcaption {
                        (t.get("report-km-caption", &[]))
                        @if withheld > 0 { " " (t.get("report-km-withheld", &[("count", Arg::Count(withheld))])) }
                    }
                }
            }
        }
    }
}

/// The group of a row as `column=value` pairs joined by `;`, for the browser tests.
fn group_key(r: &IndicatorResult) -> String {
    r.group.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")
}

/// A statement per beneficiary: rule, status, claim, paid, total.
fn statements(st: &Statement, t: &Texts) -> Markup {
    let c = &st.currency;
    html! {
        section aria-labelledby="statements" {
            h2 id="statements" { (t.get("report-statements", &[])) }
            @for b in beneficiaries(st) {
                @let lines: Vec<_> = st.evaluation.lines.iter().filter(|l| l.beneficiary == b).collect();
                @let total: Decimal = lines.iter().map(|l| l.amount).sum();
                article.statement data-beneficiary=(b) aria-labelledby={ "b-" (b) } {
                    h3 id={ "b-" (b) } { (t.get("report-statement-of", &[("beneficiary", Arg::Text(b))])) }
                    p.subtitle { (st.name.get(t.lang())) " · " (st.period) " · " (t.date(st.as_of)) }
                    div.scroll {
                        table {
                            thead { tr {
                                th scope="col" { (capitalised(t.get("column-rule", &[]))) }
                                th scope="col" { (capitalised(t.get("column-instrument", &[]))) }
                                th scope="col" { (capitalised(t.get("column-status", &[]))) }
                                th.num scope="col" { (capitalised(t.get("column-claim", &[]))) }
                                th.num scope="col" { (capitalised(t.get("column-paid", &[]))) }
                            } }
                            tbody {
                                @for l in &lines {
                                    tr data-rule=(l.rule) {
                                        th scope="row" {
                                            (l.rule)
                                            @if let Some(claim) = &l.claim_ref { br; small { (claim.participant) " · " (claim.outcome) " · " (t.date(claim.due_on)) } }
                                        }
                                        td { (t.get(&format!("instrument-{}", l.instrument.as_str()), &[])) }
                                        td { (t.get(&format!("status-{}", l.status.as_str()), &[])) }
                                        (money_cell(t, l.claim, c, "claim"))
                                        (money_cell(t, l.amount, c, "paid"))
                                    }
                                }
                            }
                            tfoot { tr {
                                th scope="row" colspan="4" { (t.get("report-total", &[])) }
                                (money_cell(t, total, c, "total"))
                            } }
                        }
                    }
                    @let traced: Vec<_> = lines.iter().filter(|l| !l.trace.is_empty()).collect();
                    @if !traced.is_empty() {
                        details.noprint {
                            summary { (t.get("report-trace", &[])) }
                            @for l in traced {
                                p { strong { (l.rule) } }
                                ol { @for step in &l.trace { li { (step.render(t, Some(c))) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn provenance(st: &Statement, rows: &[&IndicatorResult], t: &Texts) -> Markup {
    let mut definitions: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for r in rows {
        definitions.insert((&r.indicator, &r.version), &r.definition_hash);
    }
    let disclosure = crate::output::disclosure_notes(rows.iter().copied(), t);
    html! {
        section aria-labelledby="provenance" {
            h2 id="provenance" { (t.get("report-provenance", &[])) }
            dl.provenance {
                dt { (t.get("report-engine", &[])) } dd { "impatto " (st.engine_version) }
                dt { (t.get("column-rules", &[])) } dd { (st.rule_file) " " (st.rule_hash) }
                dt { (t.get("report-signoff", &[])) } dd data-field="signoff" { (crate::signoff::state_text(&st.signoff, t)) }
                dt { (t.get("column-data", &[])) } dd data-field="input-hash" { (st.input_hash) }
                dt { (t.get("column-as-of", &[])) } dd { (t.date(st.as_of)) }
                @for d in &disclosure { dt { (t.get("report-disclosure", &[])) } dd { (d) } }
            }
            @if !definitions.is_empty() {
                div.scroll {
                    table {
                        caption { (t.get("report-definitions", &[])) }
                        thead { tr { th scope="col" { (t.get("report-indicator", &[])) } th scope="col" { (t.get("report-version", &[])) } th scope="col" { "sha256" } } }
                        tbody {
                            @for ((id, version), hash) in &definitions {
                                tr { th scope="row" { (id) } td { (version) } td { code { (hash.trim_start_matches("sha256:")) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}
