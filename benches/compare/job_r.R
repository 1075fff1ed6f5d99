# The comparison job written in R: data.table for the tables, survival for Kaplan-Meier, and
# prop.test (score interval without continuity correction = Wilson) for the shares.
#
# Usage: Rscript job_r.R PANEL_DIR OUT.csv
#
# PANEL_DIR holds CSV copies of the Parquet panel: R's Parquet reader (arrow) is neither in
# Debian nor reachable here (CRAN), so the comparison's setup writes the CSVs once, untimed.
# Definitions: indicators/definitions/PAR-02, PAR-03, JOB-01 and SUR-02.
suppressPackageStartupMessages({
  library(data.table)
  library(survival)
})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript job_r.R PANEL_DIR OUT.csv")
dir <- args[1]
horizons <- c(12, 24, 36)

mi <- function(d) year(d) * 12L + month(d) - 1L
months_between <- function(a, b) mi(b) - mi(a) - as.integer(mday(b) < mday(a))

b <- fread(file.path(dir, "beneficiaries.csv"),
  select = c("beneficiary_id", "programme", "edition", "funded", "municipio", "founded_on", "support_start",
             "support_end", "ceased_on", "cessation_reason", "reactivated_on"))
b[, municipio := ifelse(is.na(municipio), "(missing)", as.character(municipio))]
panel <- fread(file.path(dir, "panel.csv"), select = c("beneficiary_id", "month", "fte"))
people <- fread(file.path(dir, "participants.csv"),
  select = c("beneficiary_id", "gender", "birth_date", "age_at_entry", "entry_date"))

last <- max(panel$month)
as_of <- seq(as.IDate(format(last, "%Y-%m-01")), by = "month", length.out = 2)[2] - 1L
as_of_index <- mi(as_of)
out <- list()

# Shares of participants.
people <- b[, .(beneficiary_id, programme, municipio)][people[entry_date <= as_of], on = "beneficiary_id"]
people[, age := fifelse(is.na(age_at_entry),
  year(entry_date) - year(birth_date) -
    as.integer(month(entry_date) * 100L + mday(entry_date) < month(birth_date) * 100L + mday(birth_date)),
  as.integer(age_at_entry))]
share <- function(d, indicator) {
  s <- d[, .(numerator = as.numeric(sum(success)), denominator = as.numeric(.N)), by = .(programme, municipio)]
  ci <- mapply(function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE)$conf.int), s$numerator, s$denominator)
  s[, `:=`(indicator = indicator, value = numerator / denominator, ci_low = ci[1, ], ci_high = ci[2, ],
           units = as.integer(denominator))]
  s
}
out$women <- share(people[gender != "unknown", .(programme, municipio, success = gender == "F")], "PAR-02")
out$youth <- share(people[!is.na(age), .(programme, municipio, success = age < 35)], "PAR-03")

# Gross jobs created.
units <- b[funded == TRUE, .(beneficiary_id, programme, municipio, base = mi(support_start),
                             measured = mi(support_end) + 12L)][base <= as_of_index & measured <= as_of_index]
panel[, m := mi(month)]
units[panel, fte_base := i.fte, on = .(beneficiary_id, base = m)]
units[panel, fte_measured := i.fte, on = .(beneficiary_id, measured = m)]
units[, change := pmax(0, fifelse(is.na(fte_measured), 0, fte_measured) - fifelse(is.na(fte_base), 0, fte_base))]
out$jobs <- units[, .(indicator = "JOB-01", numerator = sum(change), denominator = as.numeric(.N), value = sum(change),
                      units = .N), by = .(programme, municipio)]

# Kaplan-Meier by cohort.
e <- b[funded == TRUE & !is.na(founded_on) & !is.na(support_start) & support_start <= as_of]
# Not a death when reactivated on or before the closure day + 24 months (month ends clamp), by
# the as-of date.
gap <- mi(e$reactivated_on) - mi(e$ceased_on)
soon <- !is.na(e$reactivated_on) & !is.na(e$ceased_on) & e$reactivated_on <= as_of &
  (gap < 24L | (gap == 24L & mday(e$reactivated_on) <= mday(e$ceased_on)))
e[, event := !is.na(cessation_reason) & cessation_reason == "closure" & !soon & !is.na(ceased_on) & ceased_on <= as_of]
e[, time := pmax(0L, months_between(support_start, fifelse(event, ceased_on, as_of)))]
km <- rbindlist(lapply(split(e, by = c("programme", "edition")), function(g) {
  fit <- survfit(Surv(time, event) ~ 1, data = g, conf.type = "log-log")
  s <- summary(fit, times = horizons, extend = TRUE)
  lower <- fifelse(s$surv >= 1, 1, s$lower)
  upper <- fifelse(s$surv >= 1, 1, s$upper)
  data.table(indicator = "SUR-02", programme = g$programme[1], edition = as.character(g$edition[1]),
             horizon_months = horizons, value = s$surv,
             numerator = sapply(horizons, function(h) as.numeric(sum(g$event & g$time <= h))),
             denominator = as.numeric(nrow(g)), ci_low = lower, ci_high = upper,
             n_at_risk = sapply(horizons, function(h) sum(g$time >= h)), units = nrow(g))
}))
out$km <- km

result <- rbindlist(out, fill = TRUE)
result <- result[, .(indicator, programme, municipio, edition, horizon_months, value, numerator, denominator,
                     ci_low, ci_high, n_at_risk, units)]
setorder(result, indicator, programme, municipio, edition, horizon_months, na.last = TRUE)
fwrite(result, args[2], na = "")
