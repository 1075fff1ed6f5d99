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
