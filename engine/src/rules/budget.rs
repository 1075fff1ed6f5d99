//! Budget, payers and rounding: sharing a fixed amount exactly, pro rata with largest
//! remainders or by priority, and splitting every line between the payers.
//!
//! When claims exceed a budget (or a payment is split between payers), every line is first
//! given its share rounded down to the cent; the cents left over go one each to the lines with
//! the largest remainders (ties to the earlier line), so the lines sum to the amount available
//! exactly — never a cent more, never a cent lost.

use rust_decimal::Decimal;

use super::model::{Line, Status};
use super::money::{amount, from_cents, whole_cents};
use super::programme::{Allocation, Programme};
use crate::rules::model::arg::{money, text};
use crate::rules::model::{StepArg, step};

/// Scale `claims` (in cents, ≥ 0) so they sum to exactly `available` cents, in proportion to
/// the claims. Claims that already fit are returned unchanged.
pub fn pro_rata(claims: &[i64], available: i64) -> Vec<i64> {
    let total: i128 = claims.iter().map(|&c| c.max(0) as i128).sum();
    let available = available.max(0) as i128;
    if total <= available {
        return claims.iter().map(|&c| c.max(0)).collect();
    }
    let mut shares: Vec<i64> = Vec::with_capacity(claims.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(claims.len());
    for (i, &c) in claims.iter().enumerate() {
        let numerator = c.max(0) as i128 * available;
        shares.push((numerator / total) as i64);
        remainders.push((numerator % total, i));
    }
    let given: i128 = shares.iter().map(|&s| s as i128).sum();
    let mut left = available - given;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

/// Fill claims in the given order until `available` runs out.
pub fn by_priority(claims: &[i64], available: i64) -> Vec<i64> {
    let mut left = available.max(0);
    claims
        .iter()
        .map(|&c| {
            let paid = c.max(0).min(left);
            left -= paid;
            paid
        })
        .collect()
}

/// Split `amount` cents between shares (non-negative fractions), largest remainder.
pub fn split(amount: i64, shares: &[Decimal]) -> Vec<i64> {
    // Shares become integer weights on a common decimal scale (at most 12 places, far below a
    // cent on any real amount), so the split is exact integer arithmetic.
    let shares: Vec<Decimal> = shares.iter().map(|s| s.round_dp(12)).collect();
    let scale = shares.iter().map(|s| s.scale()).max().unwrap_or(0);
    let weights: Vec<i128> = shares
        .iter()
        .map(|s| {
            let mut w = *s;
            w.rescale(scale);
            w.mantissa().max(0)
        })
        .collect();
    let total: i128 = weights.iter().sum();
    if total == 0 || amount <= 0 {
        return vec![0; shares.len()];
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        // amount < 2^63 and w ≤ 10^12 × the largest share: the product fits in i128.
        let n = amount as i128 * w;
        parts.push((n / total) as i64);
        remainders.push((n % total, i));
    }
    let mut left = amount - parts.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Apply the budget and the payers to the lines (claims already rounded to the cent), in
/// place: cut claims that exceed the budget, split each line between the payers, cut a payer
/// over its commitment. Recoveries (negative claims) are not budget claims; they are split back
/// to the payers as they are. Returns the notes an auditor reads.
pub fn apply(lines: &mut [Line], programme: &Programme) -> Vec<String> {
    let claims: Vec<i64> = lines.iter().map(|l| whole_cents(l.claim).max(0)).collect();
    let claimed: i64 = claims.iter().sum();
    let budget = whole_cents(programme.budget.get());
    let mut notes = Vec::new();
    let granted = match programme.allocation {
        Allocation::ProRata => pro_rata(&claims, budget),
        Allocation::Priority => by_priority(&claims, budget),
    };
    if claimed > budget {
        notes.push(format!(
            "claims {} exceed the budget {}: {} allocation, cents by largest remainder",
            amount(from_cents(claimed)),
            programme.budget,
            programme.allocation.as_str()
        ));
    }
    let shares: Vec<Decimal> = programme.payers.iter().map(|p| p.share.get()).collect();
    let mut parts: Vec<Vec<i64>> = granted
        .iter()
        .zip(lines.iter())
        .map(|(&g, l)| {
            if l.claim.is_sign_negative() {
                split(-whole_cents(l.claim), &shares).into_iter().map(|c| -c).collect()
            } else {
                split(g, &shares)
            }
        })
        .collect();
    for (p, payer) in programme.payers.iter().enumerate() {
        let Some(limit) = payer.commitment else { continue };
        let column: Vec<i64> = parts.iter().map(|row| row[p].max(0)).collect();
        let total: i64 = column.iter().sum();
        if total > whole_cents(limit.get()) {
            let cut = pro_rata(&column, whole_cents(limit.get()));
            for (row, c) in parts.iter_mut().zip(cut) {
                if row[p] >= 0 {
                    row[p] = c;
                }
            }
            notes.push(format!(
                "payer {}: share {} exceeds its commitment {}: cut pro rata",
                payer.id,
                amount(from_cents(total)),
                limit
            ));
        }
    }
    for ((line, g), row) in lines.iter_mut().zip(&granted).zip(&parts) {
        let paid: i64 = row.iter().sum();
        line.payers = programme.payers.iter().zip(row).map(|(p, c)| (p.id.clone(), from_cents(*c))).collect();
        line.amount = from_cents(paid);
        if line.claim.is_sign_negative() {
            continue;
        }
        if *g != whole_cents(line.claim) {
            line.trace.push(step!(
                "step-budget",
                granted = money(from_cents(*g)),
                claim = money(line.claim),
                allocation = text(programme.allocation.as_str())
            ));
        }
        if paid > 0 {
            line.trace.push(step!("step-paid-by", payers = StepArg::Payers(line.payers.clone())));
        }
        if paid != *g {
            line.trace.push(step!("step-payers-cut", from = money(from_cents(*g)), to = money(from_cents(paid))));
        }
        if line.status == Status::Paid && paid < whole_cents(line.claim) {
            line.status = Status::Reduced;
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked by hand: claims 100.00, 200.00, 300.00 (total 600.00) into 500.00.
    // Exact shares 83.333…, 166.666…, 250.00 → floors 8333, 16666, 25000 cents = 49,999;
    // one cent left goes to the largest remainder: 16666.67 (remainder 2/3 of a cent) vs
    // 8333.33 (1/3) → 8333, 16667, 25000.
    #[test]
    fn pro_rata_sums_exactly_by_largest_remainder() {
        assert_eq!(pro_rata(&[10_000, 20_000, 30_000], 50_000), vec![8_333, 16_667, 25_000]);
    }

    #[test]
    fn claims_within_budget_are_untouched_and_ties_go_to_the_earlier_line() {
        assert_eq!(pro_rata(&[10, 20], 100), vec![10, 20]);
        // 1 cent between three equal claims: the first line gets it.
        assert_eq!(pro_rata(&[5, 5, 5], 1), vec![1, 0, 0]);
    }

    #[test]
    fn priority_fills_in_order() {
        assert_eq!(by_priority(&[300, 300, 300], 700), vec![300, 300, 100]);
    }

    // 100.01 split 50/30/20: 5000.5, 3000.3, 2000.2 cents → floors 5000, 3000, 2000; one cent
    // left → largest remainder (0.5) → 5001, 3000, 2000.
    #[test]
    fn split_between_payers_is_exact() {
        let shares = [Decimal::new(50, 2), Decimal::new(30, 2), Decimal::new(20, 2)];
        assert_eq!(split(10_001, &shares), vec![5_001, 3_000, 2_000]);
        let thirds = [Decimal::ONE / Decimal::from(3), Decimal::ONE / Decimal::from(3), Decimal::ONE / Decimal::from(3)];
        assert_eq!(split(100, &thirds).iter().sum::<i64>(), 100);
    }
}
