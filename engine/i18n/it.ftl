# impatto — testi in italiano. Ogni id ha il suo gemello in en.ftl (controllato da un test).
# Importi, numeri e date arrivano a questi messaggi già formattati.

statement-title = { $name } ({ $programme }) — periodo { $period } al { $as-of }
statement-rules = regole { $file } { $hash }
statement-data = dati  { $hash } · impatto { $version }
statement-totals = budget { $budget } · richiesto { $claimed } · pagato { $paid } · non finanziato per mancanza di budget o di impegno del finanziatore { $unfunded }
statement-recovered = recuperato con revoche { $amount } (compreso, negativo, nel pagato)
statement-by-rule = per regola:
statement-by-instrument = per strumento (contributi e finanziamenti sono indicati a parte):
statement-by-payer = per finanziatore:
statement-claimed = richiesto
statement-paid = pagato
statement-note = nota: { $text }
statement-flag = segnalazione: { $beneficiary } / { $rule }: { $flags }
statement-flagged = { $count ->
    [one] { $count } riga segnalata per dati mancanti: nulla è pagato su di essa (vedi `impatto explain`)
   *[other] { $count } righe segnalate per dati mancanti: nulla è pagato su di esse (vedi `impatto explain`)
}
column-beneficiary = beneficiario
column-rule = regola
column-status = esito
column-claim = richiesto
column-paid = pagato
instrument-grant = contributo a fondo perduto
instrument-loan = finanziamento agevolato
status-paid = pagato
status-reduced = ridotto
status-not_met = obiettivo non raggiunto
status-recovered = recuperato
status-missing_data = dati mancanti
explain-title = { $name } ({ $programme }) — beneficiario { $beneficiary }, periodo { $period } al { $as-of }
explain-rule = regola { $rule } ({ $kind }, { $instrument }): { $status }
explain-claim = — richiesta { $order } per { $outcome } di { $participant }, dovuta il { $due }
explain-reading = lettura del bando: { $text }
explain-result = = richiesto { $claim }, pagato { $paid }
explain-total = totale pagato a { $beneficiary }: { $amount }
run-indicators = impatto { $version } · dati { $hash } · indicatori al { $as-of }: { $rows } righe → { $path }
run-programme = { $programme } { $period } pagato { $paid } su { $claimed } richiesti · non finanziato { $unfunded } · { $lines } righe → { $path }
run-loans = di cui finanziamenti { $amount }
column-kind = tipo
column-instrument = strumento
column-as-of = data di riferimento
column-rules = file delle regole
column-data = dati di input
sheet-lines = Righe
sheet-totals = Totali
