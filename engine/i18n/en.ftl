# impatto — English texts. Each id here has its twin in it.ftl (checked by a test).
# Money, numbers and dates are formatted before they reach these messages.

statement-title = { $name } ({ $programme }) — period { $period } as of { $as-of }
statement-signoff = sign-off { $state }
report-signoff = Sign-off of the rules
signoff-signed = signed: { $signer } ({ $role }), { $date }
signoff-draft = draft (not signed off)
signoff-lapsed = draft (the sign-off of { $who } lapsed: the file has changed since)
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
report-indicators-scope = Indicators of programme { $programme }, as of { $as-of }.
report-indicators-scope-editions = Indicators of programme { $programme }, all its editions (this statement pays one), as of { $as-of }.
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
breakdown-programme = programme
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

## Explanation steps (statements, `impatto explain`, the report). The JSON and CSV statements
## and the ledger keep this English text with bare amounts.
step-cost-share = { $share } × eligible costs { $costs } = { $raw }
step-capped-grant = grant { $raw } capped at { $cap }
step-capped-match = match { $raw } capped at { $cap }
step-capped-premium = premium { $raw } capped at { $cap }
step-indicator-share = { $id } = { $n } / { $d }
step-indicator-value = { $id } = { $x } { $unit }
step-indicator-undefined = { $id } undefined
step-indicator-missing = { $id } has no value for this beneficiary as of the period: nothing paid, line flagged
step-rounded = { $raw } rounded { $rounding } to the cent: { $claim }
step-budget = budget: { $granted } of the { $claim } claimed ({ $allocation } allocation)
step-paid-by = paid by { $payers }
step-payers-cut = payer commitments cut the line from { $from } to { $to }
step-no-campaign = no campaign recorded for this beneficiary: nothing paid, line flagged
step-campaign = campaign opened { $opened } (day 0), closed { $closed } (day { $days }); the { $window }-day window ends { $deadline }; budget { $budget }
step-raised-in-window = raised { $raised } by the closing day, within the window
step-raised-by-deadline = the campaign ran past the window: raised { $by_deadline } by { $deadline } ({ $raised } by the closing day)
step-raised-by-deadline-missing = the campaign ran past the window and the amount raised by { $deadline } is not recorded (raised_by_deadline_cents): nothing paid, line flagged
step-threshold-not-reached = raised { $raised } < { $share } × budget { $budget } = { $needed }: threshold not reached
step-threshold-reached = raised { $raised } ≥ { $share } × budget { $budget } = { $needed }: threshold reached
step-match = match { $share } × budget { $budget } = { $raw }
step-gap = gap left to the promoter { $gap }: budget { $budget } − raised { $raised } − match { $matched }
step-clawback-condition = condition: a death (closure not reactivated within 24 months) within { $months } months after the end of support, by { $as_of }
step-clawback-closed-within = support ended { $end }; closed { $closed }; window to { $deadline }: within
step-clawback-closed-outside = support ended { $end }; closed { $closed }; window to { $deadline }: outside
step-clawback-closed-beyond = support ended { $end }; closed { $closed }; window to beyond the calendar: outside
step-clawback-no-death = support ended { $end }; no death recorded by { $as_of }
step-clawback-no-end = no end of support recorded
step-clawback-recover = recover { $share } of the { $paid } paid under { $rule }: { $total }
step-above-ceiling = { $x } is above the ceiling { $ceiling }: counts as { $counted }
step-earlier-period = earlier period { $period }: { $x } → paid level { $before } → { $level }
step-baseline-paid-up-to = baseline { $baseline }; paid for so far up to { $level }
step-baseline = baseline { $baseline }
step-points = ({ $target } − { $reference }) / { $point } = { $n } whole point(s) × { $per_point }
step-points-paid = { $n } × { $per_point } = { $due }
step-points-recovered = below the reference and the rule recovers: { $n } × { $per_point } = { $due }
step-pot-events = verified `{ $code }` events by { $as_of }: { $count } of { $total } in all
step-pot-indicator = { $indicator } numerator: { $count } of { $total } in all
step-pot-no-events = no verified `{ $code }` events by { $as_of } recorded for { $beneficiary }: no share of the pot, line flagged
step-pot-no-indicator = no { $indicator } numerator recorded for { $beneficiary }: no share of the pot, line flagged
step-pot-share = pot { $pot } × { $count } / { $total } = { $due } (cents by largest remainder, so the shares sum to the pot)
step-no-participants = no participants recorded for this provider: nothing paid, line flagged
step-event-achieved = { $participant }: { $event } achieved { $on }
step-event-sustained = { $participant }: { $event } spell from { $from } sustained { $weeks } weeks: due { $due }
step-no-outcome-due = { $participants } participant(s), no verified outcome due by { $as_of }
step-unverified = { $events } unverified event(s) not paid
step-unverified-provider = { $events } unverified event(s) of this provider not paid
step-price = { $outcome }: price { $price }
step-rate-card-cap = { $name } { $cap }: { $so_far } paid so far, { $left } left → pays { $left }
step-premium-fixed = premium amount { $amount }
step-premium-share = premium amount { $share } × eligible costs { $costs } = { $amount }
step-premium-top-up = premium amount min({ $share } × { $costs }, { $cap }) − { $due_before } already due under the rules above = { $full } − { $due_before } = { $amount }
step-target-met = target { $id } ≥ { $target }: met
step-target-not-met = target { $id } ≥ { $target }: not met
step-linear = linear from { $floor } (nothing) to { $target } (all): ({ $x } − { $floor_value }) / ({ $target_value } − { $floor_value }) → { $fraction }
step-tier = { $id } = { $x } falls in [{ $from }, { $to }): pays { $pay }
step-tier-open = { $id } = { $x } falls in [{ $from }, ∞): pays { $pay }
step-below-tiers = { $id } = { $x } is below the first tier: nothing due
step-weighted-part = { $id }: min(1, { $x } / { $target }) = { $part } × weight { $weight }
step-weighted-score = weighted score { $score } / { $weights } = { $s }
step-premium-fraction = { $base } × { $fraction } = { $raw }

## The indicator table people read (`impatto indicators --format table`)
table-heading = as of { $as-of } · input { $input } · { $note }
table-no-rows = no rows
table-suppression-off = small-cell suppression off (threshold 1): not for publication
disclosure-off = none (small_cell 1: not for publication)
disclosure-total = total
disclosure-coordinated = cells of fewer than { $k } units withheld (coordinated suppression over { $tables } and margins; the whole release audited by linear programming)
disclosure-earlier = { $text }; safe against the releases as of { $dates }
table-disclosure = disclosure control: { $how }
table-indicator = indicator
table-horizon = t
table-value = value
table-numerator = num
table-denominator = den
table-ci-level = { $level } CI
table-ci = CI
table-at-risk = at risk
table-unit = unit
table-suppressed = (suppressed)
table-money-note = num and den of sums of money are in currency units (JSON, CSV and Parquet keep cents)
unit-entities = entities
unit-persons = persons
unit-share = share
unit-probability = probability
unit-ratio = ratio
unit-FTE = FTE

## The indicator catalogue (impatto catalogue)

catalogue-title = Indicator catalogue
catalogue-intro = Each indicator as its definition file says it: the formula in words, the codes in external frameworks, the version and hash a partner signs off, the worked test case and its expected values.
catalogue-indicators = Indicators
catalogue-id = Id
catalogue-name = Name
catalogue-version = Version
catalogue-codes = Codes in external frameworks
catalogue-signoff = Sign-off
catalogue-rule-files = Rule files
catalogue-formula = Formula
catalogue-hash = SHA-256 of the file
catalogue-unit = Unit
catalogue-breakdowns = Breakdowns allowed
catalogue-no-codes = No code in an external framework.
catalogue-fixture = Worked test case
catalogue-no-fixture = No fixture names this indicator.
catalogue-fixture-of = Expected values in the fixture { $fixture }:
catalogue-file = The definition file
catalogue-rows-numerator = the rows meeting the numerator's conditions
catalogue-rows-population = the rows of the population
catalogue-formula-count = Count of the { $table } rows in the population (the conditions below), as of the as-of date.
catalogue-formula-share = Share: { $numerator } divided by { $denominator }, over the { $table } rows in the population, with a confidence interval.
catalogue-formula-jobschange = Change in { $measure } ({ $mode }) between the baseline month and the measured month, summed over the beneficiaries in the population.
catalogue-formula-newjobsshare = Share of { $part } among the new { $measure } between the baseline and the measured month, with a confidence interval.
catalogue-formula-stock = Sum of { $measure } in the as-of month over the beneficiaries in the population.
catalogue-formula-ratio = Ratio: the panel's { $measure } summed, divided by the beneficiaries' { $denominator } summed.
catalogue-formula-cohortsurvival = Share of each founding-year cohort still active at the horizon (Eurostat-OECD business demography), with a confidence interval.
catalogue-formula-kaplanmeier = Kaplan-Meier survival of the { $table } in the population at each horizon, with Greenwood's variance and a confidence interval.

## impatto diff --format html

diff-title = What changes from { $old } to { $new }
diff-class = Class
diff-key = Result or payout line
diff-change = Change
diff-cause = Cause
diff-identical = identical
diff-count-identical = { $count } identical
diff-changed = changed
diff-count-changed = { $count } changed
diff-added = added
diff-count-added = { $count } added
diff-removed = removed
diff-count-removed = { $count } removed
page-footer = Made by impatto { $version }.
