//! Money and shares: parsed once, at the rule-file door, into types evaluation cannot misread.
//!
//! A rule file is written by a city officer the way the call is worded, so the notation is
//! forgiving where the meaning is certain ("35000.00", "35000.00 EUR", "35_000.00") and strict
//! where it is not: "35.000" is thirty-five in this notation but thirty-five thousand to an
//! Italian reader, so it is refused, as is any amount finer than a cent. A share is "41.5%" or
//! "0.415"; "41.5" could be either, so it is refused with both spellings in the message.
//! Nothing here is floating point, and nothing is guessed.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// The largest amount a rule file may state: 10^12 currency units (a thousand billion euros).
/// Bounding amounts at the door keeps every product of the evaluation far inside `Decimal`.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// An amount of money in currency units (not cents), ≥ 0, at most two decimals, at most
/// [`MAX_AMOUNT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// The amount in currency units.
    pub fn get(self) -> Decimal {
        self.0
    }

    /// An exact amount already known to be valid (e.g. from whole cents).
    pub fn from_cents(cents: i64) -> Money {
        Money(from_cents(cents))
    }

    /// Parse an amount written in a rule file: digits with at most two decimals, `_` allowed
    /// between digits, optionally followed by a space and the programme's ISO 4217 code.
    ///
    /// # Errors
    /// A message saying what was expected and how to write it: a code that is not the
    /// programme's, a thousands dot or comma, more than two decimals, a sign, or an amount
    /// above [`MAX_AMOUNT`].
    pub fn parse(text: &str, currency: &str) -> Result<Money, String> {
        let t = text.trim();
        let (number, code) = match t.rsplit_once(' ') {
            Some((n, c)) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => (n.trim(), Some(c)),
            _ => (t, None),
        };
        if let Some(code) = code
            && code != currency
        {
            return Err(format!(
                "expected an amount in {currency} like \"35000.00\" or \"35000.00 {currency}\", found \"{text}\" (currency mismatch)"
            ));
        }
        if number.starts_with('-') {
            return Err(format!("expected an amount ≥ 0 like \"35000.00\", found \"{text}\" (a negative amount)"));
        }
        if number.contains(',') {
            return Err(format!(
                "expected an amount like \"35000.00\" (a dot before the cents, no thousands separator), found \"{text}\""
            ));
        }
        let digits = number.replace('_', "");
        let well_formed = !digits.is_empty()
            && !number.starts_with('_')
            && !number.ends_with('_')
            && !number.contains("__")
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.matches('.').count() <= 1
            && !digits.starts_with('.')
            && !digits.ends_with('.');
        if !well_formed {
            return Err(format!("expected an amount like \"35000.00\", found \"{text}\""));
        }
        let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
        if decimals > 2 {
            let hint = if decimals == 3 && digits.split_once('.').is_some_and(|(i, _)| i.len() <= 3) {
                " (a dot before three digits is not a thousands separator here: write thirty-five thousand as \"35000.00\")"
            } else {
                " (amounts are in whole cents)"
            };
            return Err(format!("expected an amount with at most two decimals, found \"{text}\"{hint}"));
        }
        let d = Decimal::from_str(&digits).map_err(|_| format!("expected an amount like \"35000.00\", found \"{text}\""))?;
        if d > MAX_AMOUNT {
            return Err(format!("expected an amount of at most 1000000000000.00, found \"{text}\""));
        }
        Ok(Money(d))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", amount(self.0))
    }
}

/// A share (a fraction of a whole) from 0 to 1 inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Share(Decimal);

impl Share {
    /// 100%.
    pub const WHOLE: Share = Share(Decimal::ONE);

    /// The fraction (0.5 for 50%).
    pub fn get(self) -> Decimal {
        self.0
    }

    /// Parse a share written as a percentage ("41.5%") or a fraction ("0.415").
    ///
    /// # Errors
    /// A message with both spellings when the text is a plain number of 1 or more (which
    /// could be a percentage without its sign or a fraction), or outside 0%–100%.
    pub fn parse(text: &str) -> Result<Share, String> {
        let d = parse_fraction_or_percent(text)?;
        let t = text.trim();
        if !t.ends_with('%') && d >= Decimal::ONE {
            let pct = Decimal::from_str(t).unwrap_or_default();
            return Err(format!(
                "expected a share like \"{}%\" or \"{}\", found \"{text}\" (a plain number of 1 or more could be either; write the % sign, or a fraction below 1)",
                pct.normalize(),
                (pct / Decimal::ONE_HUNDRED).normalize()
            ));
        }
        if d.is_sign_negative() && !d.is_zero() || d > Decimal::ONE {
            return Err(format!("expected a share from 0% to 100%, found \"{text}\""));
        }
        Ok(Share(d))
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", percent(self.0))
    }
}

/// "41.5%" → 0.415, "0.415" → 0.415, exactly; at most 12 decimals of the fraction.
pub(crate) fn parse_fraction_or_percent(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let (number, is_percent) = match t.strip_suffix('%') {
        Some(p) => (p.trim(), true),
        None => (t, false),
    };
    let ok = !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') && !number.contains(',');
    let d = ok
        .then(|| Decimal::from_str(number).ok())
        .flatten()
        .ok_or_else(|| format!("expected a number or a percentage like \"41.5%\" or \"0.415\", found \"{text}\""))?;
    if d.abs() > Decimal::from(1_000_000_000i64) {
        return Err(format!("expected a number of at most 1000000000 in size, found \"{text}\""));
    }
    let d = if is_percent { d / Decimal::ONE_HUNDRED } else { d };
    if d.scale() > 12 {
        let most = if is_percent { "10 decimals in a percentage" } else { "12 decimals" };
        return Err(format!("expected a number with at most {most}, found \"{text}\""));
    }
    Ok(d)
}

/// How amounts are rounded to the cent.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// Half away from zero: 0.005 → 0.01. Default (the usual accounting rule in Italy and the UK).
    #[default]
    HalfUp,
    /// Half to even (banker's rounding).
    HalfEven,
    /// Always towards zero: never pay a fraction of a cent more than computed.
    Down,
}

impl Rounding {
    /// Round to cents.
    pub fn cents(self, x: Decimal) -> Decimal {
        let strategy = match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
        };
        x.round_dp_with_strategy(2, strategy)
    }

    /// The name written in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half-up",
            Rounding::HalfEven => "half-even",
            Rounding::Down => "down",
        }
    }
}

/// An amount (already at most two decimals) as whole cents, for exact integer allocation.
/// Amounts are bounded at the door far below `i64::MAX` cents.
pub fn whole_cents(d: Decimal) -> i64 {
    i64::try_from((d * Decimal::ONE_HUNDRED).round().mantissa()).unwrap_or(i64::MAX)
}

/// Cents as an exact amount in currency units.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// An amount with two decimals, never "-0.00".
pub fn amount(d: Decimal) -> String {
    let d = if d.is_zero() { Decimal::ZERO } else { d };
    format!("{d:.2}")
}

/// A fraction as a percentage: 0.415 → "41.5%".
pub fn percent(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

/// An indicator value as an exact decimal, from the shortest text that round-trips the
/// binary value: 2.5 stays 2.5, 0.1 stays 0.1. This is the one boundary where an indicator
/// (computed in floating point over the panel) enters the money path.
pub fn exact(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{value}")).ok().or_else(|| Decimal::from_scientific(&format!("{value:e}")).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn rounding_policies_differ_only_at_the_half_cent() {
        assert_eq!(Rounding::HalfUp.cents(d("0.125")), d("0.13"));
        assert_eq!(Rounding::HalfEven.cents(d("0.125")), d("0.12"));
        assert_eq!(Rounding::Down.cents(d("0.129")), d("0.12"));
        assert_eq!(Rounding::HalfUp.cents(d("17500.004")), d("17500.00"));
    }

    #[test]
    fn amounts_with_and_without_their_code_are_the_same_money() {
        for text in ["35000.00", "35000.00 EUR", " 35_000.00 EUR", "35000", "35000.0"] {
            assert_eq!(Money::parse(text, "EUR").expect(text).get(), d("35000"), "{text}");
        }
        assert_eq!(MAX_AMOUNT, d("1000000000000"));
    }

    #[test]
    fn amounts_that_could_be_misread_are_refused() {
        let e = |t: &str| Money::parse(t, "EUR").expect_err(t);
        assert!(e("35.000").contains("not a thousands separator"), "{}", e("35.000"));
        assert!(e("35000.005").contains("at most two decimals"));
        assert!(e("1500.000").contains("at most two decimals"));
        assert!(e("35.000,00").contains("no thousands separator"));
        assert!(e("35000.00 GBP").contains("currency mismatch"));
        assert!(e("-5.00").contains("negative"));
        assert!(e("79228162514264337593543950335").contains("at most 1000000000000.00"));
        assert!(e("thirty").contains("expected an amount"));
        assert!(e("1e6").contains("expected an amount"));
    }

    #[test]
    fn shares_parse_exactly_and_ambiguous_ones_are_refused() {
        assert_eq!(Share::parse("41.5%").expect("pct").get(), d("0.415"));
        assert_eq!(Share::parse("0.415").expect("fraction").get(), d("0.415"));
        assert_eq!(Share::parse("100%").expect("whole"), Share::WHOLE);
        assert_eq!(Share::parse("0").expect("zero").get(), Decimal::ZERO);
        let e = Share::parse("41.5").expect_err("ambiguous");
        assert!(e.contains("\"41.5%\" or \"0.415\""), "{e}");
        assert!(Share::parse("1").expect_err("ambiguous").contains("\"1%\" or \"0.01\""));
        assert!(Share::parse("140%").expect_err("over").contains("from 0% to 100%"));
        assert!(Share::parse("-40%").expect_err("negative").contains("from 0% to 100%"));
    }

    #[test]
    fn amounts_print_without_negative_zero() {
        assert_eq!(amount(-Decimal::ZERO), "0.00");
        assert_eq!(amount(d("-0.00")), "0.00");
        assert_eq!(amount(d("-7500")), "-7500.00");
        assert_eq!(exact(2.5), Some(d("2.5")));
        assert_eq!(exact(0.1), Some(d("0.1")));
        assert_eq!(exact(f64::NAN), None);
    }
}
