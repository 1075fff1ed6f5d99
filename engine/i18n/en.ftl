# impatto — English texts. Each id here has its twin in it.ftl (checked by a test).
# Money, numbers and dates are formatted before they reach these messages.

statement-title = { $name } ({ $programme }) — period { $period } as of { $as-of }
statement-rules = rules { $file } { $hash }
statement-data = data  { $hash } · impatto { $version }
statement-totals = budget { $budget } · claimed { $claimed } · paid { $paid } · unfunded for want of budget or payer commitment { $unfunded }
statement-recovered = recovered by clawbacks { $amount } (included, negative, in paid)
statement-by-rule = by rule:
statement-by-instrument = by instrument (grants and loans are reported apart):
statement-by-payer = by payer:
statement-claimed = claimed
statement-paid = paid
statement-note = note: { $text }
statement-flag = flag: { $beneficiary } / { $rule }: { $flags }
statement-flagged = { $count ->
    [one] { $count } line flagged for missing data: nothing paid on it (see `impatto explain`)
   *[other] { $count } lines flagged for missing data: nothing paid on them (see `impatto explain`)
}
column-beneficiary = beneficiary
column-rule = rule
column-status = status
column-claim = claim
column-paid = paid
instrument-grant = grant
instrument-loan = loan
status-paid = paid
status-reduced = reduced
status-not_met = not met
status-recovered = recovered
status-missing_data = missing data
explain-title = { $name } ({ $programme }) — beneficiary { $beneficiary }, period { $period } as of { $as-of }
explain-rule = rule { $rule } ({ $kind }, { $instrument }): { $status }
explain-claim = — claim { $order } of { $outcome } by { $participant }, due { $due }
explain-reading = reading of the call: { $text }
explain-result = = claim { $claim }, paid { $paid }
explain-total = total paid to { $beneficiary }: { $amount }
run-indicators = impatto { $version } · data { $hash } · indicators as of { $as-of }: { $rows } rows → { $path }
run-programme = { $programme } { $period } paid { $paid } of { $claimed } claimed · unfunded { $unfunded } · { $lines } lines → { $path }
run-loans = of which loans { $amount }
column-kind = kind
column-instrument = instrument
column-as-of = as of
column-rules = rule file
column-data = input data
sheet-lines = Lines
sheet-totals = Totals
sheet-indicators = Indicators
sheet-name = Name
sheet-horizon-months = Horizon (months)
sheet-numerator = Numerator
sheet-denominator = Denominator
sheet-ci-low = Lower bound
sheet-ci-high = Upper bound
sheet-unit = Unit of measure
sheet-definition-hash = Definition hash
report-title = { $name } — period { $period }
report-subtitle = Programme { $programme } · as of { $as-of }
report-nav = Navigation
report-index = All programmes
report-other-language = Italiano
report-index-title = Payments by results and impact indicators
report-index-caption = One statement per programme and period: follow the name to open it.
report-programme = Programme
report-period = Period
report-paid-grants = Paid (grants)
report-unfunded = Unfunded
report-budget = Budget
report-recovered = Recovered
report-footer = Made by impatto { $version }. The exact amounts are in the statement's JSON file.
report-summary = Summary
report-summary-text = { $lines ->
    [one] One payment line
   *[other] { $lines } payment lines
} for { $beneficiaries ->
    [one] one beneficiary
   *[other] { $beneficiaries } beneficiaries
}. Subsidised loans are shown apart from grants: they are paid back.
report-chart-by-rule = Claimed and paid by rule
report-chart-by-rule-caption = Blue bars: claimed; orange bars: paid. The same amounts are in the table below.
report-table-by-rule = Amounts by rule
report-by-instrument-and-payer = By instrument and by payer
report-instruments-apart = Grants and subsidised loans are added up separately.
report-table-by-instrument = Paid by instrument
report-table-by-payer = Paid by payer
report-payer = Payer
report-commitment = Commitment
report-no-commitment = no limit
report-readings = How the call's rules are read
report-whole-programme = whole programme
report-interval = confidence interval
report-indicators = Impact indicators
report-no-indicators = No indicator of this programme in this run.
report-chart-shares = Shares with their confidence intervals, whole programme
report-chart-shares-caption = Dot: estimate; line: confidence interval. The same values are in the table.
report-table-indicators = Indicators by group
report-indicator = Indicator
report-breakdown = Group
report-value = Value
report-units = Units
report-horizon = at { $months } months
report-withheld = withheld
report-withheld-note = "withheld": not published to protect confidentiality (fewer than { $k } units, or derivable from other published cells).
report-months = months since support started
report-km-caption = Kaplan-Meier estimate of the share still active at each horizon, with its confidence interval; dashed lines only join the published points. The values are in the table above.
report-km-withheld = { $count ->
    [one] One point is withheld and not drawn.
   *[other] { $count } points are withheld and not drawn.
}
report-statements = Statement per beneficiary
report-statement-of = Beneficiary { $beneficiary }
report-total = Total
report-trace = Step-by-step calculation
report-provenance = Provenance
report-engine = Engine
report-disclosure = Disclosure control
report-definitions = Indicator definitions used
report-version = Version
breakdown-municipio = municipio
breakdown-edition = edition
breakdown-quartiere = quartiere
breakdown-gender = gender
breakdown-legal_form = legal form
breakdown-kind = kind
breakdown-age_band_eu = age band
breakdown-age_band_esf = age band (ESF)
breakdown-birth_year = birth year

## Figures (impatto plot)
plot-survival-probability = survival probability
plot-number-at-risk = number at risk
plot-censored = censored
plot-coefficient = effect (difference from k = -1)
plot-reference = reference
plot-all = all
plot-km-title = Kaplan-Meier survival ({ $conf-type } { $level }% interval)
plot-km-title-by = Kaplan-Meier survival by { $by } ({ $conf-type } { $level }% interval)
plot-event-study-title = Event study of { $outcome } ({ $level }% intervals, clustered by { $unit })
