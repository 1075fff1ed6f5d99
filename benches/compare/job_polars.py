"""The comparison job written by hand in Python polars, as a researcher fluent in polars would.

Usage: python3 job_polars.py PANEL_DIR OUT.csv

Women and youth shares of participants by programme x municipio with Wilson 95% intervals,
gross jobs created (FTE, 12 months after support) by programme x municipio, and Kaplan-Meier
survival of supported entities by cohort (programme x edition) at 12, 24 and 36 months with
Greenwood variance and log-log 95% intervals. Definitions: indicators/definitions/PAR-02,
PAR-03, JOB-01 and SUR-02.
"""

import sys

import polars as pl

Z = 1.959963984540054  # standard normal 0.975 quantile
HORIZONS = [12, 24, 36]


def month_index(e):
    return e.dt.year().cast(pl.Int32) * 12 + e.dt.month().cast(pl.Int32) - 1


def months_between(a, b):
    return month_index(b) - month_index(a) - (b.dt.day() < a.dt.day()).cast(pl.Int32)


def wilson(x, n):
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * ((p * (1 - p) / n + Z * Z / (4 * n * n)).sqrt()) / (1 + Z * Z / n)
    return (centre - half).clip(lower_bound=0.0), (centre + half).clip(upper_bound=1.0)


def main(data, out):
    beneficiaries = pl.scan_parquet(f"{data}/beneficiaries.parquet")
    panel = pl.scan_parquet(f"{data}/panel.parquet")
    participants = pl.scan_parquet(f"{data}/participants.parquet")

    last_month = panel.select(pl.col("month").max()).collect().item()
    as_of = last_month.replace(day=1)
    as_of = (pl.Series([as_of]).dt.month_end())[0]
    as_of_index = as_of.year * 12 + as_of.month - 1
    group = ["programme", "municipio"]
    missing = pl.col("municipio").cast(pl.String).fill_null("(missing)").alias("municipio")

    # Shares of participants.
    people = (
        participants.filter(pl.col("entry_date") <= as_of)
        .join(beneficiaries.select("beneficiary_id", *group), on="beneficiary_id", how="left")
        .with_columns(missing)
        .with_columns(
            pl.col("age_at_entry").fill_null(
                pl.col("entry_date").dt.year()
                - pl.col("birth_date").dt.year()
                - (
                    pl.col("entry_date").dt.month().cast(pl.Int32) * 100 + pl.col("entry_date").dt.day()
                    < pl.col("birth_date").dt.month().cast(pl.Int32) * 100 + pl.col("birth_date").dt.day()
                ).cast(pl.Int32)
            )
        )
    )
    women = (
        people.filter(pl.col("gender") != "unknown")
        .group_by(group)
        .agg(numerator=(pl.col("gender") == "F").sum().cast(pl.Float64), denominator=pl.len().cast(pl.Float64))
        .with_columns(indicator=pl.lit("PAR-02"))
    )
    youth = (
        people.filter(pl.col("age_at_entry").is_not_null())
        .group_by(group)
        .agg(numerator=(pl.col("age_at_entry") < 35).sum().cast(pl.Float64), denominator=pl.len().cast(pl.Float64))
        .with_columns(indicator=pl.lit("PAR-03"))
    )
    shares = pl.concat([women, youth]).with_columns(value=pl.col("numerator") / pl.col("denominator"))
    lo, hi = wilson(pl.col("numerator"), pl.col("denominator"))
    shares = shares.with_columns(ci_low=lo, ci_high=hi, units=pl.col("denominator").cast(pl.Int64))

    # Gross jobs created: FTE 12 months after the end of support minus FTE when support started.
    units = (
        beneficiaries.filter(pl.col("funded"))
        .with_columns(
            missing,
            base=month_index(pl.col("support_start")),
            measured=month_index(pl.col("support_end")) + 12,
        )
        .filter((pl.col("base") <= as_of_index) & (pl.col("measured") <= as_of_index))
    )
    fte = panel.select("beneficiary_id", month_index(pl.col("month")).alias("m"), "fte")
    jobs = (
        units.join(fte, left_on=["beneficiary_id", "base"], right_on=["beneficiary_id", "m"], how="left")
        .rename({"fte": "fte_base"})
        .join(fte, left_on=["beneficiary_id", "measured"], right_on=["beneficiary_id", "m"], how="left")
        .with_columns(change=(pl.col("fte").fill_null(0.0) - pl.col("fte_base").fill_null(0.0)).clip(lower_bound=0.0))
        .group_by(group)
        .agg(numerator=pl.col("change").sum(), denominator=pl.len().cast(pl.Float64))
        .with_columns(indicator=pl.lit("JOB-01"), value=pl.col("numerator"), units=pl.col("denominator").cast(pl.Int64))
    )

    # Kaplan-Meier by cohort, from the start of support.
    # Not a death when reactivated on or before the closure day + 24 months (month ends clamp),
    # by the as-of date: month indexes differ by < 24, or by 24 with the day not later.
    gap = month_index(pl.col("reactivated_on")) - month_index(pl.col("ceased_on"))
    reactivated_soon = (
        pl.col("reactivated_on").is_not_null()
        & (pl.col("reactivated_on") <= as_of)
        & ((gap < 24) | ((gap == 24) & (pl.col("reactivated_on").dt.day() <= pl.col("ceased_on").dt.day())))
    )
    death = (
        ((pl.col("cessation_reason") == "closure") & ~reactivated_soon & (pl.col("ceased_on") <= as_of))
        .fill_null(False)
    )
    cohort = ["programme", "edition"]
    entities = (
        beneficiaries.filter(
            pl.col("funded")
            & pl.col("founded_on").is_not_null()
            & pl.col("support_start").is_not_null()
            & (pl.col("support_start") <= as_of)
        )
        .with_columns(event=death)
        .with_columns(
            time=months_between(
                pl.col("support_start"), pl.when(pl.col("event")).then(pl.col("ceased_on")).otherwise(pl.lit(as_of))
            ).clip(lower_bound=0)
        )
        .select(*cohort, "time", "event")
        .collect()
    )
    steps = (
        entities.group_by(*cohort, "time")
        # As floats: n × (n − d) overflows 32-bit counts beyond ~65,000 at risk (seen at 10^8 rows).
        .agg(deaths=pl.col("event").sum().cast(pl.Float64), leaving=pl.len().cast(pl.Float64))
        .sort(*cohort, "time")
        .with_columns(total=pl.col("leaving").sum().over(cohort))
        .with_columns(at_risk=pl.col("total") - pl.col("leaving").cum_sum().over(cohort) + pl.col("leaving"))
        .with_columns(
            surv=(1 - pl.col("deaths") / pl.col("at_risk")).cum_prod().over(cohort),
            greenwood=pl.when(pl.col("deaths") > 0)
            .then(pl.col("deaths") / (pl.col("at_risk") * (pl.col("at_risk") - pl.col("deaths"))))
            .otherwise(0.0)
            .cum_sum()
            .over(cohort),
        )
    )
    rows = []
    for h in HORIZONS:
        at = (
            entities.group_by(cohort)
            .agg(
                denominator=pl.len(),
                numerator=(pl.col("event") & (pl.col("time") <= h)).sum(),
                n_at_risk=(pl.col("time") >= h).sum(),
            )
            .join(
                steps.filter(pl.col("time") <= h).group_by(cohort).agg(pl.col("surv").last(), pl.col("greenwood").last()),
                on=cohort,
                how="left",
            )
            .with_columns(pl.col("surv").fill_null(1.0), pl.col("greenwood").fill_null(0.0), horizon_months=pl.lit(h))
        )
        rows.append(at)
    km = pl.concat(rows)
    # Log-log interval: S^exp(±z·σ/|log S|), σ² = Greenwood; (1, 1) while Ŝ = 1.
    sigma = pl.col("greenwood").sqrt()
    w = Z * sigma / pl.col("surv").log().abs()
    undefined = (pl.col("surv") <= 0) | pl.col("greenwood").is_infinite()
    km = km.with_columns(
        indicator=pl.lit("SUR-02"),
        value=pl.col("surv"),
        ci_low=pl.when(undefined).then(None).when(pl.col("surv") >= 1).then(1.0).otherwise(pl.col("surv") ** w.exp()),
        ci_high=pl.when(undefined).then(None).when(pl.col("surv") >= 1).then(1.0).otherwise(pl.col("surv") ** (-w).exp()),
        units=pl.col("denominator"),
        edition=pl.col("edition").cast(pl.String),
    )

    columns = ["indicator", "programme", "municipio", "edition", "horizon_months", "value", "numerator",
               "denominator", "ci_low", "ci_high", "n_at_risk", "units"]
    tables = [jobs.collect(), shares.collect(), km]
    result = pl.concat(
        [t.with_columns(*[pl.lit(None).alias(c) for c in columns if c not in t.columns]).select(
            pl.col("indicator"), pl.col("programme"), pl.col("municipio").cast(pl.String), pl.col("edition").cast(pl.String),
            pl.col("horizon_months").cast(pl.Int64), *[pl.col(c).cast(pl.Float64) for c in columns[5:10]],
            pl.col("n_at_risk").cast(pl.Int64), pl.col("units").cast(pl.Int64)) for t in tables]
    )
    result.sort("indicator", "programme", "municipio", "edition", "horizon_months", nulls_last=True).write_csv(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
