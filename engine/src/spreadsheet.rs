//! Spreadsheets people open: `.xlsx` with typed cells, and the CSV dialect Italian Excel reads.
//!
//! Why: the city's offices open results in Excel. A default CSV (`,` and `.`, UTF-8 without a
//! byte-order mark) opens in Italian Excel as one garbled column; an `.xlsx` keeps numbers as
//! numbers, money with two decimals and dates as dates, in any locale. Written with
//! rust_xlsxwriter (pure Rust); the workbook's creation date is the statement's as-of date, so
//! the same inputs give the same bytes.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use crate::i18n::{Arg, Texts};
use crate::rules::statement::Statement;
use impatto_indicators::IndicatorResult;
use std::collections::BTreeMap;

fn xlsx(e: XlsxError) -> Error {
    Error::Internal(format!("writing a spreadsheet: {e}"))
}

fn day(d: chrono::NaiveDate) -> Result<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx)
}

/// Excel's number format for amounts in `currency` (ISO 4217): two decimals, grouped, the code
/// after; Excel shows the separators of the reader's locale.
fn money_format(currency: &str) -> Format {
    Format::new().set_num_format(format!("#,##0.00 \"{currency}\""))
}

fn decimal(x: Decimal) -> f64 {
    // Amounts are at most 10^12 with two decimals: exact to the cent as a double.
    x.to_f64().unwrap_or(f64::NAN)
}

/// A payout statement as an `.xlsx` workbook in `t`'s language: a sheet of lines (beneficiary,
/// rule, kind, instrument, status, claim, paid; amounts as numbers in currency units with two
/// decimals) and a sheet of totals by rule, instrument and payer with the provenance.
pub fn statement_xlsx(st: &Statement, t: &Texts) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&day(st.as_of)?).set_title(st.name.get(t.lang())));
    let bold = Format::new().set_bold();
    let money = money_format(&st.currency);
    let date = Format::new().set_num_format(if t.lang() == crate::i18n::Lang::It { "dd/mm/yyyy" } else { "yyyy-mm-dd" });

    let lines: &mut Worksheet = book.add_worksheet();
    lines.set_name(t.get("sheet-lines", &[])).map_err(xlsx)?;
    let header =
        ["column-beneficiary", "column-rule", "column-kind", "column-instrument", "column-status", "column-claim", "column-paid"];
    for (c, id) in header.iter().enumerate() {
        lines.write_string_with_format(0, c as u16, t.get(id, &[]), &bold).map_err(xlsx)?;
    }
    for (i, l) in st.evaluation.lines.iter().enumerate() {
        let r = i as u32 + 1;
        lines.write_string(r, 0, &l.beneficiary).map_err(xlsx)?;
        lines.write_string(r, 1, &l.rule).map_err(xlsx)?;
        lines.write_string(r, 2, l.kind).map_err(xlsx)?;
        lines.write_string(r, 3, t.get(&format!("instrument-{}", l.instrument.as_str()), &[])).map_err(xlsx)?;
        lines.write_string(r, 4, t.get(&format!("status-{}", l.status.as_str()), &[])).map_err(xlsx)?;
        lines.write_number_with_format(r, 5, decimal(l.claim), &money).map_err(xlsx)?;
        lines.write_number_with_format(r, 6, decimal(l.amount), &money).map_err(xlsx)?;
    }
    lines.set_freeze_panes(1, 0).map_err(xlsx)?;
    for (c, width) in [22, 24, 18, 28, 22, 18, 18].iter().enumerate() {
        lines.set_column_width(c as u16, *width).map_err(xlsx)?;
    }

    let totals: &mut Worksheet = book.add_worksheet();
    totals.set_name(t.get("sheet-totals", &[])).map_err(xlsx)?;
    let mut r = 0u32;
    let as_of = t.date(st.as_of);
    let title = t.get(
        "statement-title",
        &[
            ("name", Arg::Text(st.name.get(t.lang()))),
            ("programme", Arg::Text(&st.programme)),
            ("period", Arg::Text(&st.period)),
            ("as-of", Arg::Text(&as_of)),
        ],
    );
    totals.write_string_with_format(r, 0, title, &bold).map_err(xlsx)?;
    r += 1;
    totals.write_string(r, 0, t.get("column-as-of", &[])).map_err(xlsx)?;
    totals.write_datetime_with_format(r, 1, &day(st.as_of)?, &date).map_err(xlsx)?;
    for (id, value) in [("column-rules", format!("{} {}", st.rule_file, st.rule_hash)), ("column-data", st.input_hash.clone())] {
        r += 1;
        totals.write_string(r, 0, t.get(id, &[])).map_err(xlsx)?;
        totals.write_string(r, 1, value).map_err(xlsx)?;
    }
    r += 2;
    let paid_word = t.get("statement-paid", &[]);
    let section = |sheet: &mut Worksheet, r: &mut u32, heading: &str, rows: Vec<(String, Decimal)>| -> Result<()> {
        sheet.write_string_with_format(*r, 0, heading, &bold).map_err(xlsx)?;
        sheet.write_string_with_format(*r, 1, &paid_word, &bold).map_err(xlsx)?;
        for (name, amount) in rows {
            *r += 1;
            sheet.write_string(*r, 0, name).map_err(xlsx)?;
            sheet.write_number_with_format(*r, 1, decimal(amount), &money).map_err(xlsx)?;
        }
        *r += 2;
        Ok(())
    };
    section(totals, &mut r, &t.get("statement-by-rule", &[]), st.totals_by_rule().into_iter().map(|(n, _, p)| (n, p)).collect())?;
    let by_instrument = st.totals_by_instrument().into_iter().map(|(i, p)| (t.get(&format!("instrument-{i}"), &[]), p)).collect();
    section(totals, &mut r, &t.get("statement-by-instrument", &[]), by_instrument)?;
    section(totals, &mut r, &t.get("statement-by-payer", &[]), st.totals_by_payer())?;
    totals.set_column_width(0, 60).map_err(xlsx)?;
    totals.set_column_width(1, 20).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Indicator results as an `.xlsx` workbook in `t`'s language: one sheet, one row per result.
///
/// Columns: indicator id, its name (`names`: id → (Italian, English)), one column per breakdown
/// (headers translated where the catalogue knows the column), horizon in months, value,
/// numerator, denominator (sums of money in currency units, not cents), interval bounds, units,
/// withheld, unit, as-of date and the definition's hash. Numbers are number cells: shares and probabilities formatted as
/// percentages of the stored fraction (0.609 shows `60.9%`), FTE with one decimal, counts
/// whole; a withheld cell has empty numbers and the word for withheld; the as-of date is a
/// date cell. The workbook's date is the as-of date, so the same inputs give the same bytes.
///
/// Errors: [`Error::Internal`] if the writer fails (a bug) or an as-of date is not ISO.
pub fn indicators_xlsx(results: &[IndicatorResult], names: &BTreeMap<String, (String, String)>, t: &Texts) -> Result<Vec<u8>> {
    let iso = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Error::Internal(format!("as-of date `{s}` is not YYYY-MM-DD")))
    };
    let as_of = results.first().map(|r| iso(&r.as_of)).transpose()?;
    let mut book = Workbook::new();
    let mut properties = DocProperties::new().set_title(t.get("report-table-indicators", &[]));
    if let Some(d) = as_of {
        properties = properties.set_creation_datetime(&day(d)?);
    }
    book.set_properties(&properties);
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format(if t.lang() == crate::i18n::Lang::It { "dd/mm/yyyy" } else { "yyyy-mm-dd" });
    let percent = Format::new().set_num_format("0.0%");
    let one_place = Format::new().set_num_format("#,##0.0");
    let whole = Format::new().set_num_format("#,##0");
    let two_places = Format::new().set_num_format("#,##0.00");
    let general = Format::new();

    let mut keys: Vec<&str> = Vec::new();
    for r in results {
        for (k, _) in &r.group {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(t.get("sheet-indicators", &[])).map_err(xlsx)?;
    let mut header: Vec<String> = vec![t.get("report-indicator", &[]), t.get("sheet-name", &[])];
    for k in &keys {
        let id = format!("breakdown-{k}");
        header.push(if t.has(&id) { t.get(&id, &[]) } else { (*k).to_string() });
    }
    for id in [
        "sheet-horizon-months",
        "report-value",
        "sheet-numerator",
        "sheet-denominator",
        "sheet-ci-low",
        "sheet-ci-high",
        "report-units",
        "report-withheld",
        "sheet-unit",
        "column-as-of",
        "sheet-definition-hash",
    ] {
        header.push(t.get(id, &[]));
    }
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold).map_err(xlsx)?;
    }
    let withheld_word = t.get("report-withheld", &[]);
    for (i, r) in results.iter().enumerate() {
        let row = i as u32 + 1;
        let mut c = 0u16;
        let mut next = || {
            c += 1;
            c - 1
        };
        sheet.write_string(row, next(), &r.indicator).map_err(xlsx)?;
        sheet.write_string(row, next(), crate::report::indicator_name(names, &r.indicator, t.lang())).map_err(xlsx)?;
        for k in &keys {
            let column = next();
            if let Some((_, v)) = r.group.iter().find(|(g, _)| g == k) {
                sheet.write_string(row, column, v).map_err(xlsx)?;
            }
        }
        let column = next();
        if let Some(h) = r.horizon_months {
            sheet.write_number_with_format(row, column, f64::from(h), &whole).map_err(xlsx)?;
        }
        let value_format = match r.unit.as_str() {
            "share" | "probability" => &percent,
            "FTE" | "fte" => &one_place,
            "persons" | "entities" => &whole,
            _ => &two_places,
        };
        // A share's numerator may be a count or an FTE sum: shown as stored.
        let count_format = match r.unit.as_str() {
            "FTE" | "fte" => &one_place,
            "persons" | "entities" => &whole,
            "share" | "probability" => &general,
            _ => &two_places,
        };
        // Sums of money are shown in currency units (the machine formats keep cents).
        let term = |x: Option<f64>, unit: &Option<String>| match unit.as_deref() {
            Some("cents") => (x.map(|x| x / 100.0), &two_places),
            _ => (x, count_format),
        };
        let (numerator, numerator_format) = term(r.numerator, &r.numerator_unit);
        let (denominator, denominator_format) = term(r.denominator, &r.denominator_unit);
        for (x, format) in [
            (r.value, value_format),
            (numerator, numerator_format),
            (denominator, denominator_format),
            (r.ci_low, value_format),
            (r.ci_high, value_format),
            (r.units.map(|u| u as f64), &whole),
        ] {
            let column = next();
            if let Some(x) = x.filter(|x| x.is_finite()) {
                sheet.write_number_with_format(row, column, x, format).map_err(xlsx)?;
            }
        }
        let column = next();
        if r.suppressed {
            sheet.write_string(row, column, &withheld_word).map_err(xlsx)?;
        }
        sheet.write_string(row, next(), &r.unit).map_err(xlsx)?;
        sheet.write_datetime_with_format(row, next(), &day(iso(&r.as_of)?)?, &date).map_err(xlsx)?;
        sheet.write_string(row, next(), &r.definition_hash).map_err(xlsx)?;
    }
    sheet.set_freeze_panes(1, 2).map_err(xlsx)?;
    sheet.set_column_width(1, 48).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}
