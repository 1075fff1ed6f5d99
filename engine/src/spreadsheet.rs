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
    book.set_properties(&DocProperties::new().set_creation_datetime(&day(st.as_of)?).set_title(&st.name));
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
            ("name", Arg::Text(&st.name)),
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
