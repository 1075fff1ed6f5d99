"""The comparison job written in pandas, with lifelines for Kaplan-Meier and statsmodels for Wilson.

Usage: python3 job_pandas.py PANEL_DIR OUT.csv

The same job as job_polars.py (definitions PAR-02, PAR-03, JOB-01, SUR-02), the way most impact
studies in Python are written today: read the columns needed, merge, group, and fit one
KaplanMeierFitter per cohort.
"""

import sys

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from statsmodels.stats.proportion import proportion_confint

HORIZONS = [12, 24, 36]


def month_index(s):
    return s.dt.year * 12 + s.dt.month - 1


def months_between(a, b):
    return month_index(b) - month_index(a) - (b.dt.day < a.dt.day).astype(int)


def main(data, out):
    b = pd.read_parquet(
        f"{data}/beneficiaries.parquet",
        columns=["beneficiary_id", "programme", "edition", "funded", "municipio", "founded_on", "support_start",
                 "support_end", "ceased_on", "cessation_reason", "reactivated_on"],
    )
    for c in ["founded_on", "support_start", "support_end", "ceased_on", "reactivated_on"]:
        b[c] = pd.to_datetime(b[c])
    b["municipio"] = b["municipio"].map(lambda m: "(missing)" if pd.isna(m) else str(int(m)))
    panel = pd.read_parquet(f"{data}/panel.parquet", columns=["beneficiary_id", "month", "fte"])
    panel["month"] = pd.to_datetime(panel["month"])
    people = pd.read_parquet(
        f"{data}/participants.parquet", columns=["beneficiary_id", "gender", "birth_date", "age_at_entry", "entry_date"]
    )
    for c in ["birth_date", "entry_date"]:
        people[c] = pd.to_datetime(people[c])

    last = panel["month"].max()
    as_of = last + pd.offsets.MonthEnd(0)
    as_of_index = as_of.year * 12 + as_of.month - 1
    group = ["programme", "municipio"]
    frames = []

    # Shares of participants.
    people = people[people["entry_date"] <= as_of].merge(b[["beneficiary_id"] + group], on="beneficiary_id", how="left")
    entry, birth = people["entry_date"], people["birth_date"]
    from_birth = entry.dt.year - birth.dt.year - ((entry.dt.month * 100 + entry.dt.day) < (birth.dt.month * 100 + birth.dt.day))
    people["age"] = people["age_at_entry"].astype("float64").fillna(from_birth)
    for indicator, population, success in [
        ("PAR-02", people["gender"] != "unknown", people["gender"] == "F"),
        ("PAR-03", people["age"].notna(), people["age"] < 35),
    ]:
        counts = (
            people.assign(success=success)[population]
            .groupby(group)
            .agg(numerator=("success", "sum"), denominator=("success", "size"))
            .reset_index()
        )
        counts["numerator"] = counts["numerator"].astype(float)
        counts["denominator"] = counts["denominator"].astype(float)
        counts["value"] = counts["numerator"] / counts["denominator"]
        counts["ci_low"], counts["ci_high"] = proportion_confint(counts["numerator"], counts["denominator"], method="wilson")
        counts["units"] = counts["denominator"].astype(int)
        counts["indicator"] = indicator
        frames.append(counts)

    # Gross jobs created.
    units = b[b["funded"]].copy()
    units["base"] = month_index(units["support_start"])
    units["measured"] = month_index(units["support_end"]) + 12
    units = units[(units["base"] <= as_of_index) & (units["measured"] <= as_of_index)]
    fte = pd.DataFrame({"beneficiary_id": panel["beneficiary_id"], "m": month_index(panel["month"]), "fte": panel["fte"]})
    units = units.merge(fte.rename(columns={"m": "base", "fte": "fte_base"}), on=["beneficiary_id", "base"], how="left")
    units = units.merge(fte.rename(columns={"m": "measured"}), on=["beneficiary_id", "measured"], how="left")
    units["change"] = (units["fte"].fillna(0.0) - units["fte_base"].fillna(0.0)).clip(lower=0.0)
    jobs = units.groupby(group).agg(numerator=("change", "sum"), denominator=("change", "size")).reset_index()
    jobs["denominator"] = jobs["denominator"].astype(float)
    jobs["value"] = jobs["numerator"]
    jobs["units"] = jobs["denominator"].astype(int)
    jobs["indicator"] = "JOB-01"
    frames.append(jobs)

    # Kaplan-Meier by cohort (lifelines' intervals are the log-log "exponential Greenwood" ones).
    e = b[b["funded"] & b["founded_on"].notna() & b["support_start"].notna() & (b["support_start"] <= as_of)].copy()
    # Not a death when reactivated on or before the closure day + 24 months (month ends clamp),
    # by the as-of date.
    gap = month_index(e["reactivated_on"]) - month_index(e["ceased_on"])
    same_day_or_earlier = e["reactivated_on"].dt.day <= e["ceased_on"].dt.day
    soon = e["reactivated_on"].notna() & (e["reactivated_on"] <= as_of) & ((gap < 24) | ((gap == 24) & same_day_or_earlier))
    e["event"] = ((e["cessation_reason"] == "closure") & ~soon & (e["ceased_on"] <= as_of)).fillna(False)
    end = e["ceased_on"].where(e["event"], as_of)
    e["time"] = months_between(e["support_start"], end).clip(lower=0)
    rows = []
    for (programme, edition), g in e.groupby(["programme", "edition"]):
        kmf = KaplanMeierFitter().fit(g["time"], g["event"], alpha=0.05)
        ci = kmf.confidence_interval_survival_function_
        for h in HORIZONS:
            surv = float(kmf.survival_function_at_times(h).iloc[0])
            known = ci.index[ci.index <= h]
            lo, hi = (ci.loc[known[-1]].to_numpy() if len(known) else (1.0, 1.0))
            rows.append({
                "indicator": "SUR-02", "programme": programme, "edition": str(edition), "horizon_months": h,
                "value": surv, "numerator": float((g["event"] & (g["time"] <= h)).sum()),
                "denominator": float(len(g)), "ci_low": lo, "ci_high": hi,
                "n_at_risk": int((g["time"] >= h).sum()), "units": len(g),
            })
    frames.append(pd.DataFrame(rows))

    columns = ["indicator", "programme", "municipio", "edition", "horizon_months", "value", "numerator",
               "denominator", "ci_low", "ci_high", "n_at_risk", "units"]
    result = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    result["horizon_months"] = result["horizon_months"].astype("Int64")
    result["n_at_risk"] = result["n_at_risk"].astype("Int64")
    result = result.replace({np.nan: None})
    result.sort_values(["indicator", "programme", "municipio", "edition", "horizon_months"]).to_csv(
        out, index=False, float_format="%.17g"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
