# impatto — testi in italiano. Ogni id ha il suo gemello in en.ftl (controllato da un test).
# Importi, numeri e date arrivano a questi messaggi già formattati.

statement-title = { $name } ({ $programme }) — periodo { $period } al { $as-of }
statement-signoff = approvazione { $state }
report-signoff = Approvazione delle regole
signoff-signed = firmato: { $signer } ({ $role }), { $date }
signoff-draft = bozza (non approvato)
signoff-lapsed = bozza (l'approvazione di { $who } è decaduta: il file è cambiato da allora)
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
report-indicators-scope = Indicatori del programma { $programme }, al { $as-of }.
report-indicators-scope-editions = Indicatori del programma { $programme }, tutte le edizioni (questo rendiconto ne paga una), al { $as-of }.
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
breakdown-programme = programma
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

## Passi della spiegazione (estratti conto, `impatto explain`, il rapporto). Gli estratti JSON e
## CSV e il registro tengono il testo inglese con importi senza simbolo.
step-cost-share = { $share } × costi ammissibili { $costs } = { $raw }
step-capped-grant = contributo { $raw } ridotto al massimale di { $cap }
step-capped-match = cofinanziamento { $raw } ridotto al massimale di { $cap }
step-capped-premium = premio { $raw } ridotto al massimale di { $cap }
step-indicator-share = { $id } = { $n } / { $d }
step-indicator-value = { $id } = { $x } { $unit }
step-indicator-undefined = { $id } non definito
step-indicator-missing = { $id } non ha un valore per questo beneficiario alla data del periodo: nulla pagato, riga segnalata
step-rounded = { $raw } arrotondato al centesimo ({ $rounding }): { $claim }
step-budget = budget: { $granted } dei { $claim } richiesti (ripartizione { $allocation })
step-paid-by = pagato da { $payers }
step-payers-cut = gli impegni dei finanziatori riducono la riga da { $from } a { $to }
step-no-campaign = nessuna campagna registrata per questo beneficiario: nulla pagato, riga segnalata
step-campaign = campagna aperta il { $opened } (giorno 0), chiusa il { $closed } (giorno { $days }); la finestra di { $window } { $window_n ->
    [one] giorno
   *[other] giorni
} termina il { $deadline }; budget { $budget }
step-raised-in-window = raccolti { $raised } entro la chiusura, dentro la finestra
step-raised-by-deadline = la campagna è andata oltre la finestra: raccolti { $by_deadline } entro il { $deadline } ({ $raised } alla chiusura)
step-raised-by-deadline-missing = la campagna è andata oltre la finestra e quanto raccolto entro il { $deadline } non è registrato (raised_by_deadline_cents): nulla pagato, riga segnalata
step-threshold-not-reached = raccolti { $raised } < { $share } × budget { $budget } = { $needed }: soglia non raggiunta
step-threshold-reached = raccolti { $raised } ≥ { $share } × budget { $budget } = { $needed }: soglia raggiunta
step-match = cofinanziamento { $share } × budget { $budget } = { $raw }
step-gap = quota lasciata al promotore { $gap }: budget { $budget } − raccolti { $raised } − cofinanziamento { $matched }
step-clawback-condition = condizione: una cessazione (chiusura non riattivata entro 24 mesi) entro { $months } mesi dalla fine del sostegno, al { $as_of }
step-clawback-closed-within = sostegno terminato il { $end }; chiusura il { $closed }; finestra fino al { $deadline }: dentro
step-clawback-closed-outside = sostegno terminato il { $end }; chiusura il { $closed }; finestra fino al { $deadline }: fuori
step-clawback-closed-beyond = sostegno terminato il { $end }; chiusura il { $closed }; finestra oltre il calendario: fuori
step-clawback-no-death = sostegno terminato il { $end }; nessuna cessazione registrata al { $as_of }
step-clawback-no-end = nessuna fine del sostegno registrata
step-clawback-recover = recupero del { $share } dei { $paid } pagati in base a { $rule }: { $total }
step-above-ceiling = { $x } supera il tetto { $ceiling }: conta come { $counted }
step-earlier-period = periodo precedente { $period }: { $x } → livello pagato { $before } → { $level }
step-baseline-paid-up-to = livello di partenza { $baseline }; pagato finora fino a { $level }
step-baseline = livello di partenza { $baseline }
step-points = ({ $target } − { $reference }) / { $point } = { $n } { $n_n ->
    [one] punto intero
   *[other] punti interi
} × { $per_point }
step-points-paid = { $n } × { $per_point } = { $due }
step-points-recovered = sotto il riferimento e la regola recupera: { $n } × { $per_point } = { $due }
step-pot-events = eventi `{ $code }` verificati al { $as_of }: { $count } su { $total } in tutto
step-pot-indicator = numeratore di { $indicator }: { $count } su { $total } in tutto
step-pot-no-events = nessun evento `{ $code }` verificato al { $as_of } registrato per { $beneficiary }: nessuna quota del fondo, riga segnalata
step-pot-no-indicator = nessun numeratore di { $indicator } registrato per { $beneficiary }: nessuna quota del fondo, riga segnalata
step-pot-share = fondo { $pot } × { $count } / { $total } = { $due } (centesimi per resto maggiore, così le quote sommano al fondo)
step-no-participants = nessun partecipante registrato per questo ente: nulla pagato, riga segnalata
step-event-achieved = { $participant }: { $event } raggiunto il { $on }
step-event-sustained = { $participant }: { $event } dal { $from } mantenuto per { $weeks } settimane: dovuto il { $due }
step-no-outcome-due = { $participants } { $participants_n ->
    [one] partecipante
   *[other] partecipanti
}, nessun risultato verificato dovuto al { $as_of }
step-unverified = { $events } { $events_n ->
    [one] evento non verificato non pagato
   *[other] eventi non verificati non pagati
}
step-unverified-provider = { $events } { $events_n ->
    [one] evento non verificato
   *[other] eventi non verificati
} di questo ente non pagati
step-price = { $outcome }: prezzo { $price }
step-rate-card-cap = { $name } { $cap }: { $so_far } già pagati, { $left } residui → paga { $left }
step-premium-fixed = importo del premio { $amount }
step-premium-share = importo del premio { $share } × costi ammissibili { $costs } = { $amount }
step-premium-top-up = importo del premio min({ $share } × { $costs }, { $cap }) − { $due_before } già dovuti in base alle regole precedenti = { $full } − { $due_before } = { $amount }
step-target-met = obiettivo { $id } ≥ { $target }: raggiunto
step-target-not-met = obiettivo { $id } ≥ { $target }: non raggiunto
step-linear = lineare da { $floor } (nulla) a { $target } (tutto): ({ $x } − { $floor_value }) / ({ $target_value } − { $floor_value }) → { $fraction }
step-tier = { $id } = { $x } rientra in [{ $from }, { $to }): paga { $pay }
step-tier-open = { $id } = { $x } rientra in [{ $from }, ∞): paga { $pay }
step-below-tiers = { $id } = { $x } è sotto la prima fascia: nulla dovuto
step-weighted-part = { $id }: min(1, { $x } / { $target }) = { $part } × peso { $weight }
step-weighted-score = punteggio ponderato { $score } / { $weights } = { $s }
step-premium-fraction = { $base } × { $fraction } = { $raw }

## La tabella degli indicatori da leggere (`impatto indicators --format table`)
table-heading = al { $as-of } · dati { $input } · { $note }
table-no-rows = nessuna riga
table-suppression-off = protezione delle celle piccole disattivata (soglia 1): non pubblicabile
disclosure-off = nessuno (small_cell 1: non da pubblicare)
disclosure-total = totale
disclosure-coordinated = celle con meno di { $k } unità non pubblicate (soppressione coordinata su { $tables } e margini; intera pubblicazione verificata con la programmazione lineare)
disclosure-earlier = { $text }; sicura rispetto alle pubblicazioni al { $dates }
table-disclosure = controllo della riservatezza: { $how }
table-indicator = indicatore
table-horizon = t
table-value = valore
table-numerator = num.
table-denominator = den.
table-ci-level = IC { $level }
table-ci = IC
table-at-risk = a rischio
table-unit = unità
table-suppressed = (riservato)
table-money-note = num. e den. delle somme di denaro sono in unità di valuta (JSON, CSV e Parquet tengono i centesimi)
unit-entities = soggetti
unit-persons = persone
unit-share = quota
unit-probability = probabilità
unit-ratio = rapporto
unit-FTE = ETP

## Il catalogo degli indicatori (impatto catalogue)

catalogue-title = Catalogo degli indicatori
catalogue-intro = Ogni indicatore come lo dice il suo file di definizione: la formula a parole, i codici nei quadri di riferimento esterni, la versione e l'hash che un partner approva, il caso di prova calcolato a mano con i valori attesi.
catalogue-indicators = Indicatori
catalogue-id = Codice
catalogue-name = Nome
catalogue-version = Versione
catalogue-codes = Codici nei quadri di riferimento esterni
catalogue-signoff = Approvazione
catalogue-rule-files = File delle regole
catalogue-formula = Formula
catalogue-hash = SHA-256 del file
catalogue-unit = Unità
catalogue-breakdowns = Disaggregazioni ammesse
catalogue-no-codes = Nessun codice in un quadro di riferimento esterno.
catalogue-fixture = Caso di prova calcolato a mano
catalogue-no-fixture = Nessun caso di prova nomina questo indicatore.
catalogue-fixture-of = Valori attesi nel caso di prova { $fixture }:
catalogue-file = Il file di definizione
catalogue-rows-numerator = le righe che soddisfano le condizioni del numeratore
catalogue-rows-population = le righe della popolazione
catalogue-formula-count = Numero di righe della tabella { $table } nella popolazione (le condizioni sotto), alla data di riferimento.
catalogue-formula-share = Quota: { $numerator } diviso { $denominator }, sulle righe della tabella { $table } nella popolazione, con intervallo di confidenza.
catalogue-formula-jobschange = Variazione di { $measure } ({ $mode }) tra il mese di partenza e il mese misurato, sommata sui beneficiari della popolazione.
catalogue-formula-newjobsshare = Quota di { $part } tra i nuovi { $measure } tra il mese di partenza e quello misurato, con intervallo di confidenza.
catalogue-formula-stock = Somma di { $measure } nel mese di riferimento sui beneficiari della popolazione.
catalogue-formula-ratio = Rapporto: { $measure } del panel sommato, diviso { $denominator } dei beneficiari sommato.
catalogue-formula-cohortsurvival = Quota di ogni coorte per anno di fondazione ancora attiva all'orizzonte (demografia d'impresa Eurostat-OCSE), con intervallo di confidenza.
catalogue-formula-kaplanmeier = Sopravvivenza di Kaplan-Meier delle righe della tabella { $table } nella popolazione a ogni orizzonte, con la varianza di Greenwood e un intervallo di confidenza.

## impatto diff --format html

diff-title = Che cosa cambia da { $old } a { $new }
diff-class = Esito
diff-key = Risultato o riga di pagamento
diff-change = Variazione
diff-cause = Causa
diff-identical = identico
diff-count-identical = { $count ->
    [one] { $count } identico
   *[other] { $count } identici
}
diff-changed = cambiato
diff-count-changed = { $count ->
    [one] { $count } cambiato
   *[other] { $count } cambiati
}
diff-added = aggiunto
diff-count-added = { $count ->
    [one] { $count } aggiunto
   *[other] { $count } aggiunti
}
diff-removed = rimosso
diff-count-removed = { $count ->
    [one] { $count } rimosso
   *[other] { $count } rimossi
}
page-footer = Prodotto da impatto { $version }.
