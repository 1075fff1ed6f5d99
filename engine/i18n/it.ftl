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
sheet-indicators = Indicatori
sheet-name = Nome
sheet-horizon-months = Orizzonte (mesi)
sheet-numerator = Numeratore
sheet-denominator = Denominatore
sheet-ci-low = Limite inferiore
sheet-ci-high = Limite superiore
sheet-unit = Unità di misura
sheet-definition-hash = Hash della definizione
report-title = { $name } — periodo { $period }
report-subtitle = Programma { $programme } · situazione al { $as-of }
report-nav = Navigazione
report-index = Tutti i programmi
report-other-language = English
report-index-title = Pagamenti per risultati e indicatori d'impatto
report-index-caption = Un rendiconto per programma e periodo: cliccare sul nome per aprirlo.
report-programme = Programma
report-period = Periodo
report-paid-grants = Pagato (contributi)
report-unfunded = Non finanziato
report-budget = Budget
report-recovered = Recuperato
report-footer = Prodotto da impatto { $version }. Gli importi esatti sono nel file JSON del rendiconto.
report-summary = In sintesi
report-summary-text = { $lines ->
    [one] Una riga di pagamento
   *[other] { $lines } righe di pagamento
} per { $beneficiaries ->
    [one] un beneficiario
   *[other] { $beneficiaries } beneficiari
}. I finanziamenti agevolati sono indicati a parte dai contributi: vanno restituiti.
report-chart-by-rule = Richiesto e pagato per regola
report-chart-by-rule-caption = Barre blu: richiesto; barre arancioni: pagato. Gli stessi importi sono nella tabella qui sotto.
report-table-by-rule = Importi per regola
report-by-instrument-and-payer = Per strumento e per finanziatore
report-instruments-apart = Contributi a fondo perduto e finanziamenti agevolati sono sommati separatamente.
report-table-by-instrument = Pagato per strumento
report-table-by-payer = Pagato per finanziatore
report-payer = Finanziatore
report-commitment = Impegno
report-no-commitment = nessun limite
report-readings = Come sono lette le regole del bando
report-whole-programme = tutto il programma
report-interval = intervallo di confidenza
report-indicators = Indicatori d'impatto
report-no-indicators = Nessun indicatore di questo programma in questa esecuzione.
report-chart-shares = Quote con intervallo di confidenza, tutto il programma
report-chart-shares-caption = Punto: valore stimato; linea: intervallo di confidenza. Gli stessi valori sono nella tabella.
report-table-indicators = Indicatori per gruppo
report-indicator = Indicatore
report-breakdown = Gruppo
report-value = Valore
report-units = Unità
report-horizon = a { $months } mesi
report-withheld = riservato
report-withheld-note = «riservato»: dato non pubblicato per tutelare la riservatezza (meno di { $k } unità, o ricavabile da altre celle pubblicate).
report-months = mesi dall'inizio del sostegno
report-km-caption = Stima di Kaplan-Meier della quota ancora attiva a ogni orizzonte, con il suo intervallo di confidenza; le linee tratteggiate uniscono soltanto i punti pubblicati. I valori sono nella tabella qui sopra.
report-km-withheld = { $count ->
    [one] Un punto è riservato e non è disegnato.
   *[other] { $count } punti sono riservati e non sono disegnati.
}
report-statements = Rendiconto per beneficiario
report-statement-of = Beneficiario { $beneficiary }
report-total = Totale
report-trace = Calcolo passo per passo
report-provenance = Provenienza
report-engine = Motore di calcolo
report-disclosure = Tutela della riservatezza
report-definitions = Definizioni degli indicatori usate
report-version = Versione
breakdown-municipio = municipio
breakdown-edition = edizione
breakdown-quartiere = quartiere
breakdown-gender = genere
breakdown-legal_form = forma giuridica
breakdown-kind = tipo
breakdown-age_band_eu = fascia d'età
breakdown-age_band_esf = fascia d'età (FSE)
breakdown-birth_year = anno di nascita

## Figure (impatto plot)
plot-survival-probability = probabilità di sopravvivenza
plot-number-at-risk = numero a rischio
plot-censored = censurati
plot-coefficient = effetto (differenza da k = -1)
plot-reference = riferimento
plot-all = totale
plot-km-title = Sopravvivenza di Kaplan-Meier (intervallo { $conf-type } al { $level }%)
plot-km-title-by = Sopravvivenza di Kaplan-Meier per { $by } (intervallo { $conf-type } al { $level }%)
plot-event-study-title = Studio di evento su { $outcome } (intervalli al { $level }%, cluster per { $unit })
