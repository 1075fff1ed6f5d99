//! Money and exact fractions: `rust_decimal` only, no floating point anywhere on this path.
//!
//! Amounts are parsed from text ("35000.00"), shares from "50%" or "0.5", and every rounding
//! goes through one explicit [`Rounding`] policy written in the programme file.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

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
}

/// Parse an amount: plain decimal text, optional thousands separators `_`, e.g. "35000.00".
pub fn parse_amount(s: &str) -> Option<Decimal> {
    Decimal::from_str(&s.trim().replace('_', "")).ok()
}

/// Parse a share: "50%" → 0.5, "0.5" → 0.5. Exact.
pub fn parse_share(s: &str) -> Option<Decimal> {
    let t = s.trim();
    match t.strip_suffix('%') {
        Some(p) => Decimal::from_str(p.trim()).ok().map(|d| d / Decimal::ONE_HUNDRED),
        None => Decimal::from_str(t).ok(),
    }
}

/// An amount (already at most two decimals) as whole cents, for exact integer allocation.
pub fn whole_cents(d: Decimal) -> i64 {
    i64::try_from((d * Decimal::ONE_HUNDRED).round().mantissa()).unwrap_or(i64::MAX)
}

/// Cents as an exact amount in currency units.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
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

    #[test]
    fn rounding_policies_differ_only_at_the_half_cent() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(Rounding::HalfUp.cents(d("0.125")), d("0.13"));
        assert_eq!(Rounding::HalfEven.cents(d("0.125")), d("0.12"));
        assert_eq!(Rounding::Down.cents(d("0.129")), d("0.12"));
        assert_eq!(Rounding::HalfUp.cents(d("17500.004")), d("17500.00"));
    }

    #[test]
    fn shares_and_amounts_parse_exactly() {
        assert_eq!(parse_share("41.5%"), Some(Decimal::new(415, 3)));
        assert_eq!(parse_share("0.6"), Some(Decimal::new(6, 1)));
        assert_eq!(parse_amount("35_000.00"), Some(Decimal::new(3_500_000, 2)));
        assert_eq!(parse_amount("thirty"), None);
        assert_eq!(exact(2.5), Some(Decimal::new(25, 1)));
        assert_eq!(exact(0.1), Some(Decimal::new(1, 1)));
        assert_eq!(exact(f64::NAN), None);
    }
}
