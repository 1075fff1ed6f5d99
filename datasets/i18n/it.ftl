# Messaggi sui problemi nei dati (crate datasets), in italiano (vedi datasets/src/message.rs).
# Un rilievo si legge: LIVELLO: DOVE: atteso ATTESO, trovato TROVATO (suggerimento: …).
# I valori dei dati arrivano come argomenti e si mostrano come sono.

## La cornice di un rilievo

data-error = errore
data-warning = avviso
data-column = colonna `{ $column }`
data-rows = { $count ->
    [one] riga { $rows }
   *[other] righe { $rows }
}
data-rows-more = { $rows } (e altre { $more })
data-row-count = { $count ->
    [one] { $count } riga
   *[other] { $count } righe
}
data-finding = { $level }: { $place }: atteso { $expected }, trovato { $found }
data-finding-hint = { $finding } (suggerimento: { $hint })
data-invalid = il panel non è valido ({ $count ->
    [one] { $count } errore
   *[other] { $count } errori
}):
data-summary = { $errors ->
    [one] { $errors } errore
   *[other] { $errors } errori
}, { $warnings ->
    [one] { $warnings } avviso
   *[other] { $warnings } avvisi
}; input { $input }

## Celle e righe

data-every-row = un valore in ogni riga
data-empty-cell = una cella vuota
data-one-of = uno tra { $values }
data-another-value = un altro valore
data-not-negative = un valore ≥ 0
data-negative = un valore negativo
data-not-above = { $part } ≤ { $whole }
data-above = { $part } > { $whole }
data-not-before = { $later } uguale o successivo a { $earlier }
data-before = { $later } precedente a { $earlier }
data-hint-date-order = date in ordine sbagliato; controllare l'ordine giorno/mese dell'esportazione
data-edition-range = un'edizione (l'anno del bando) dal 1900 al 2199
data-another-number = un altro numero
data-hint-year-typo = un errore di battitura nell'anno?
data-edition-after-start = un'edizione (l'anno del bando) non successiva all'anno di inizio del sostegno
data-later-edition = un'edizione successiva
data-hint-edition-after-start = un errore di battitura nell'anno? I beneficiari di un bando sono sostenuti dal suo anno in poi
data-municipio-range = un municipio da 1 a 9
data-municipio-outside = un numero fuori da 1-9
data-funded-dates = support_start e support_end per ogni soggetto finanziato
data-funded-no-dates = un soggetto finanziato senza date del sostegno
data-both-or-neither = { $first } e { $second } entrambi compilati o entrambi vuoti
data-only-one = uno solo dei due
data-hint-cessation = un soggetto cessato richiede un motivo: closure (chiusura), merger (fusione) o takeover (acquisizione)
data-grant-within-costs = contributo ≤ costi ammissibili
data-grant-above-costs = un contributo superiore ai costi ammissibili
data-hint-fte = un dipendente vale al massimo un FTE (equivalente a tempo pieno)
data-first-of-month = il primo giorno del mese
data-another-day = un altro giorno
data-hint-month = scrivere ogni mese come AAAA-MM-01
data-age-at-entry = un'età all'ingresso da 0 a 110 anni
data-birth-too-early = una data di nascita di oltre 110 anni prima dell'ingresso
data-age-range = un'età da 0 a 110 anni
data-impossible-age = un'età impossibile
data-birth-or-age = una data di nascita o un'età all'ingresso
data-neither = nessuna delle due
data-hint-no-age = questi partecipanti contano nelle quote per genere ma non in quelle per età
data-date-range = una data dal { $from } al { $to }
data-date-outside = una data fuori da questo intervallo
data-hint-unknown-date = un errore di battitura nell'anno? Una data non nota si lascia vuota
data-as-written = `{ $value }`
data-found-first = { $found } ({ $values } nella prima riga)
data-value-empty = { $column } vuoto
data-value-is = { $column } = { $value }

## Tra righe e tabelle

data-one-row-per = una riga per { $key }
data-repeated-keys = { $count ->
    [one] { $count } chiave ripetuta
   *[other] { $count } chiavi ripetute
}, ad es. { $examples }
data-hint-repeated = togliere le righe ripetute, o sommarle in una se sono parti dello stesso record
data-reference = ogni { $column } presente in { $target }
data-unknown-values = { $count ->
    [one] { $count } valore sconosciuto
   *[other] { $count } valori sconosciuti
}, ad es. { $examples }
data-hint-add-rows = aggiungere le righe mancanti a { $file }
data-table-rows = righe nella tabella `{ $table }`
data-header-only = nessuna (solo l'intestazione)
data-hint-empty-table = ciò che usa questa tabella non ha dati: i pagamenti che ne dipendono risultano missing_data (dati mancanti)

## Tipi di colonna, come va scritta una cella

data-type-text = testo
data-type-integer = un numero intero
data-type-cents = centesimi interi (un intero a 64 bit, ad es. 3500000 per 35.000,00)
data-type-number-comma = un numero con la virgola decimale (ad es. 4,5)
data-type-number = un numero (ad es. 4.5)
data-type-date-iso = una data scritta AAAA-MM-GG
data-type-date-order = una data scritta { $order } (o AAAA-MM-GG)
data-type-boolean = true o false
data-type-date-or-midnight = una data (una colonna di date, o un timestamp alle 00:00:00)
data-either = { $first } o { $second }
data-both = { $first } e { $second }
data-hint-date-alone = scrivere la sola data, senza l'ora
data-hint-no-such-day = questo giorno non esiste nel calendario (un 29 febbraio fuori da un anno bisestile, un 31 di un mese di 30 giorni, un mese 13?)
data-hint-declare-date-order = il file scrive le date come { $orders }: dichiarare l'ordine in { $file }, ad es. `{ $key } = "{ $order }"`; non viene mai indovinato, perché 01/02/2018 è un giorno diverso in ciascuno
data-hint-decimal-comma-declared = i file CSV della cartella usano la virgola decimale (dichiarata in { $file }, o rilevata): scrivere 4,5 per quattro e mezzo
data-hint-decimal-comma = una virgola decimale: viene rilevata quando i campi sono separati da `;` o da tabulazione e nessun numero del file usa `.`; altrimenti usare un solo separatore decimale in tutto il file, o dichiarare `{ $key } = true` in { $file }
data-hint-cents-exact = gli importi si scrivono esatti, in centesimi interi senza separatori (ad es. 3500000 per € 35.000,00)
data-hint-cents-float = gli importi si scrivono esatti, in centesimi interi della valuta (ad es. 3500000 per € 35.000,00)
data-hint-whole-counts = i conteggi devono essere numeri interi
data-hint-too-big = il valore non sta in un intero a 64 bit: controllare la cella
data-hint-write-boolean = scrivere true o false
data-hint-iso-dates = scrivere le date come AAAA-MM-GG

## Colonne e intestazioni

data-mapped-column = una colonna `{ $mine }` ({ $kind }), che { $file } associa a `{ $column }`
data-no-such-column = nessuna colonna con questo nome tra { $names }
data-no-columns = (nessuna colonna)
data-hint-mapping-redundant = il file la chiama già `{ $column }`: togliere la riga `{ $column } = "{ $mine }"` da [{ $table }] in { $file }
data-hint-mapping-correct = correggere il nome in { $file } ([{ $table }] { $column } = "<vostro nome>"), o togliere la riga se il file non ha la colonna
data-one-column-for = una sola colonna per `{ $column }`
data-two-columns = due: `{ $mine }` (associata in { $file }) e `{ $column }`
data-hint-two-columns = togliere o rinominare una delle due, o la riga `{ $column } = "{ $mine }"` in { $file }
data-column-of-type = una colonna `{ $column }` ({ $kind })
data-hint-map-it = se il file la chiama diversamente, associarla in { $file }: [{ $table }] { $column } = "<vostro nome>"
data-header-once = ogni nome di colonna una sola volta nell'intestazione
data-column-twice = `{ $name }` come colonna { $first } e come colonna { $second }
data-hint-remove-one = togliere o rinominare una delle due

## File

data-table-file = un file di tabella
data-a-directory = una cartella
data-special-file = un dispositivo o altro file speciale, non un file regolare
data-broken-link = un collegamento simbolico che non porta a nessun file ({ $error }; un collegamento a sé stesso o a un file mancante)
data-hint-replace-file = sostituirlo con il file della tabella, o toglierlo
data-table-as-file = la tabella `{ $table }` come { $table }.csv, { $table }.parquet, { $table }.xlsx o { $table }.ods (in minuscolo), o un foglio chiamato { $table }
data-not-read = { $names }, che impatto non legge
data-hint-rename-file = rinominare il file, o esportarlo come CSV (`,` `;` o tabulazione tra i campi), Parquet, .xlsx o .ods; i file compressi non vengono letti
data-one-file-of = un solo file della tabella `{ $table }`
data-two-files = due, che potrebbero non avere le stesse righe
data-hint-keep-current = tenere quello aggiornato e spostare l'altro fuori dalla cartella
data-csv-row = una riga CSV leggibile
data-fields-as-header = { $count } campi come nell'intestazione
data-utf8 = testo UTF-8
data-not-utf8-at = byte non UTF-8 al byte { $byte } di `{ $text }`
data-not-utf8 = byte non UTF-8 (`{ $text }`, con i byte errati mostrati come �)
data-hint-utf8 = riscrivere il file con testi UTF-8
data-parquet-file = un file Parquet
data-parquet-unreadable = un file che Parquet non sa leggere ({ $error })
data-panel-type = una colonna di un tipo del panel (testo, numeri interi o centesimi, numeri, date, booleani)
data-timestamp-zone = un timestamp[{ $unit }] con fuso orario { $zone }
data-type-of = una colonna di tipo { $kind }
data-hint-decimal-type = scrivere gli importi in centesimi interi in una colonna intera a 64 bit (ad es. CAST(amount * 100 AS BIGINT), o in pandas `(df.amount * 100).round().astype("int64")`)
data-hint-zoned-timestamp = scrivere la data locale (una colonna `date`), ad es. in pandas `df.col.dt.tz_convert("{ $zone }").dt.date`; impatto non indovina in quale giorno cade un istante
data-parquet-schema = uno schema Parquet di colonne semplici
data-group-values = { $rows } valori nel row group { $group }, tanti quante le righe che dichiara
data-group-damaged = { $values } (il file è danneggiato o è stato scritto da uno strumento difettoso)
data-hint-write-again = riscrivere il file dalla sua fonte
data-pages-decode = un file Parquet le cui pagine si decodificano
data-damaged-page = una pagina danneggiata ({ $error })
data-parquet-reads = un file Parquet leggibile
data-reader-fails = un file su cui il lettore si ferma ({ $error })
data-manifest = un manifest come lo scrive impatto (`written_by` e `files` con `file` e `sha256`)
data-hint-remove-manifest = togliere il manifest se la cartella non è più l'output di impatto così come scritto
data-listed-in-manifest = un file elencato in { $manifest } (scritto insieme alle altre tabelle)
data-not-listed = un file di tabella che non vi è elencato
data-digest-listed = sha256:{ $digest } come elencato in { $manifest }
data-hint-two-writes = la cartella mescola file di due scritture; riscriverla per intero (ad es. `impatto generate --out { $dir }`)

## Celle dei fogli di calcolo

data-cell-text = testo
data-cell-integer = un intero (un numero intero)
data-cell-cents = centesimi interi (un numero intero)
data-cell-number = un numero
data-cell-date = una data (una cella data, o testo AAAA-MM-GG)
data-cell-boolean = un booleano (VERO/FALSO)
data-in-cell = { $found } (cella { $cell })
data-cell-is-text = il testo `{ $value }`
data-cell-is-number = il numero { $value }
data-cell-is-boolean = la cella booleana { $value }
data-cell-is-duration = una cella durata ({ $value })
data-cell-is-date = una cella data { $value }
data-cell-is-error = l'errore del foglio di calcolo { $value }
data-hint-cell-formula = correggere la formula, o svuotare la cella se il valore manca
data-hint-cell-text-date = il foglio di calcolo potrebbe aver preso il testo per una data: formattare la colonna come Testo e riscrivere il valore
data-hint-cell-text = formattare la colonna come Testo
data-hint-cell-decimal-comma = una virgola decimale in una cella di testo: salvare le celle come numeri, o dichiarare `decimal_comma = true` in columns.toml
data-hint-cell-time = data e ora in una colonna di date: formattare le celle come date senza ora
data-hint-cell-date-text = scrivere le date come AAAA-MM-GG (o nell'ordine che date_format dichiara in columns.toml), o formattare le celle come date; l'ordine giorno/mese non viene mai indovinato
data-hint-cell-date-number = formattare le celle come date nel foglio di calcolo, o scriverle come AAAA-MM-GG

## File che non si leggono come tabelle, file di associazione, cartelle di lavoro

data-csv-refused = atteso un file CSV in UTF-8 con una riga di intestazione, trovato { $found } (suggerimento: { $hint })
data-csv-utf16 = testo UTF-16
data-hint-csv-utf8 = salvarlo come "CSV UTF-8" dal foglio di calcolo
data-csv-empty = un file vuoto
data-hint-csv-export = esportare di nuovo la tabella, con la sua riga di intestazione
data-csv-cr = righe terminate dal solo ritorno a capo (un vecchio formato Mac)
data-hint-csv-line-ends = salvarlo di nuovo con fine riga Windows o Unix
data-csv-separators = attesa una riga di intestazione con un solo separatore di campo (`,`, `;` o tabulazione), trovato { $found } in `{ $header }`; mettere tra virgolette i nomi di colonna che contengono un separatore
data-csv-comma-both = è dichiarata la virgola decimale, ma `,` separa anche i campi; atteso `;` o tabulazione tra i campi
data-map-boolean = atteso `{ $key } = true` o `false`, trovato `{ $key } = { $found }`
data-map-missing = atteso `{ $key } = ["-", "n.d."]` (un elenco di testi), trovato `{ $key } = { $found }`
data-map-date-format = atteso `{ $key } =` uno tra { $names }, trovato `{ $key } = { $found }`
data-map-table = atteso il nome di una tabella ({ $known }), trovato [{ $found }]
data-map-column = [{ $table }] associa `{ $column }`, che non è una colonna del formato (attesa una tra { $known }; a sinistra il nostro nome, a destra il vostro)
data-map-twice = [{ $table }] associa sia `{ $first }` sia `{ $second }` alla vostra colonna `{ $mine }`; ogni vostra colonna deve corrispondere a una sola delle nostre (correggere una delle due righe)
data-sheet-hidden = attesa la tabella `{ $table }` su un foglio visibile, trovato il foglio `{ $sheet }` nascosto (suggerimento: renderlo visibile se è la tabella, o rinominarlo)
data-sheet-twice = atteso un solo foglio per la tabella `{ $table }`, trovati i fogli `{ $first }` e `{ $second }`
data-sheet-unnamed = atteso un foglio chiamato `{ $table }`, o un primo foglio non chiamato come un'altra tabella, trovati i fogli { $sheets } (suggerimento: rinominare `{ $table }` il foglio della tabella `{ $table }`)
data-table-twice = il foglio `{ $sheet }` contiene la tabella `{ $table }`, e così { $other }; attesa la tabella `{ $table }` una sola volta in una cartella del panel (suggerimento: togliere una delle due, o rinominare il foglio)
data-no-sheet = atteso un foglio con una riga di intestazione, nessun foglio trovato
data-formula-no-value = foglio `{ $sheet }`, cella { $cell }: atteso un valore, trovata la formula `={ $formula }` senza risultato calcolato (suggerimento: aprire la cartella di lavoro in Excel o LibreOffice e salvarla, così che memorizzi i risultati)
data-workbook-unreadable = attesa una cartella di lavoro Excel (.xlsx) o LibreOffice (.ods), trovato un file che non si legge come tale ({ $error }) (suggerimento: salvarlo di nuovo dal foglio di calcolo)
data-header-empty = foglio `{ $sheet }`, cella { $cell }: atteso un nome di colonna sopra i dati, trovata una cella di intestazione vuota
data-header-twice = foglio `{ $sheet }`: atteso ogni nome di colonna una sola volta nella riga di intestazione, trovato `{ $name }` due volte (suggerimento: rinominare o togliere una delle colonne)

## Tabelle e colonne che un calcolo richiede

data-missing-table = { $dir }: nessun { $table }.parquet o { $table }.csv, né un foglio `{ $table }` (atteso: la tabella `{ $table }` del formato del panel; suggerimento: vedere datasets/PANEL_FORMAT.md, o `impatto generate` per un esempio)
data-no-table = nessun { $table }.parquet o { $table }.csv, né un foglio `{ $table }`, nelle cartelle del panel (attesa la tabella facoltativa `{ $table }`, che questo calcolo legge; suggerimento: vedere datasets/PANEL_FORMAT.md)
data-file-lacks = { $file }: nessuna colonna { $columns }
data-dir-lacks-table = { $dir }: nessun { $table }.parquet o { $table }.csv, né un foglio `{ $table }`
data-hint-add-table = aggiungere la tabella `{ $table }` con { $count ->
    [one] la colonna
   *[other] le colonne
}; vedere datasets/PANEL_FORMAT.md
data-hint-add-columns = aggiungere { $count ->
    [one] la colonna, o associarla
   *[other] le colonne, o associarle
} in columns.toml: [{ $table }] { $example } = "<vostro nome>"; vedere datasets/PANEL_FORMAT.md
data-hint-add-columns-and-table = aggiungere { $count ->
    [one] la colonna, o associarla
   *[other] le colonne, o associarle
} in columns.toml: [{ $table }] { $example } = "<vostro nome>", e aggiungere la tabella `{ $table }` dove manca; vedere datasets/PANEL_FORMAT.md
data-missing-columns = { $lacking } (attese le colonne { $columns } della tabella `{ $table }`, richieste da { $needed_by }; suggerimento: { $hint })
