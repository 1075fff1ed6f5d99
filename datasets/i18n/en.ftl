# Data-problem messages of the datasets crate, in English (see datasets/src/message.rs).
# A finding reads: LEVEL: WHERE: expected EXPECTED, found FOUND (hint: HINT).
# Values from the data arrive as arguments and are shown as they are.

## The frame of a finding

data-error = error
data-warning = warning
data-column = column `{ $column }`
data-rows = { $count ->
    [one] row { $rows }
   *[other] rows { $rows }
}
data-rows-more = { $rows } (and { $more } more)
data-row-count = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
data-finding = { $level }: { $place }: expected { $expected }, found { $found }
data-finding-hint = { $finding } (hint: { $hint })
data-invalid = the panel is not valid ({ $count } error(s)):
data-summary = { $errors } error(s), { $warnings } warning(s); input { $input }

## Cells and rows

data-every-row = a value in every row
data-empty-cell = an empty cell
data-one-of = one of { $values }
data-another-value = another value
data-not-negative = a value ≥ 0
data-negative = a negative value
data-not-above = { $part } ≤ { $whole }
data-above = { $part } > { $whole }
data-not-before = { $later } on or after { $earlier }
data-before = { $later } before { $earlier }
data-hint-date-order = dates out of order; check the day/month order of the export
data-edition-range = an edition (the call's year) from 1900 to 2199
data-another-number = another number
data-hint-year-typo = a typing error in the year?
data-edition-after-start = an edition (the call's year) no later than the year support started
data-later-edition = a later edition
data-hint-edition-after-start = a typing error in the year? A call's beneficiaries are supported from its year on
data-municipio-range = a municipio from 1 to 9
data-municipio-outside = a number outside 1-9
data-funded-dates = support_start and support_end for every funded entity
data-funded-no-dates = a funded entity without support dates
data-both-or-neither = { $first } and { $second } both filled or both empty
data-only-one = only one of them
data-hint-cessation = a ceased entity needs a reason: closure, merger or takeover
data-grant-within-costs = grant ≤ eligible costs
data-grant-above-costs = a grant above the eligible costs
data-hint-fte = an employee is at most one FTE
data-first-of-month = the first day of the month
data-another-day = another day
data-hint-month = write each month as YYYY-MM-01
data-age-at-entry = an age at entry from 0 to 110
data-birth-too-early = a birth date more than 110 years before entry
data-age-range = an age from 0 to 110
data-impossible-age = an impossible age
data-birth-or-age = a birth date or an age at entry
data-neither = neither
data-hint-no-age = these participants count in gender shares but not in age shares
data-date-range = a date from { $from } to { $to }
data-date-outside = a date outside them
data-hint-unknown-date = a typing error in the year? A date that is not known is left empty
data-as-written = `{ $value }`
data-found-first = { $found } ({ $values } in the first)
data-value-empty = { $column } empty
data-value-is = { $column } = { $value }

## Across rows and tables

data-one-row-per = one row per { $key }
data-repeated-keys = { $count } repeated key(s), e.g. { $examples }
data-hint-repeated = remove the repeated rows, or sum them into one if they are parts of the same record
data-reference = every { $column } to exist in { $target }
data-unknown-values = { $count } unknown value(s), e.g. { $examples }
data-hint-add-rows = add the missing rows to { $file }
data-table-rows = rows in the `{ $table }` table
data-header-only = none (a header only)
data-hint-empty-table = what needs this table has no data: payments that depend on it are reported as missing_data

## Column types, as a cell must be written

data-type-text = text
data-type-integer = a whole number
data-type-cents = whole cents (a 64-bit integer, e.g. 3500000 for 35,000.00)
data-type-number-comma = a number with a decimal comma (e.g. 4,5)
data-type-number = a number (e.g. 4.5)
data-type-date-iso = a date written YYYY-MM-DD
data-type-date-order = a date written { $order } (or YYYY-MM-DD)
data-type-boolean = true or false
data-type-date-or-midnight = a date (a date column, or a timestamp at 00:00:00)
data-either = { $first } or { $second }
data-both = { $first } and { $second }
data-hint-date-alone = write the date alone, without a time of day
data-hint-no-such-day = there is no such day in the calendar (a 29 February outside a leap year, a 31st of a 30-day month, a month 13?)
data-hint-declare-date-order = the file writes dates as { $orders }: declare the order in { $file }, e.g. `{ $key } = "{ $order }"`; it is never guessed, as 01/02/2018 is a different day in each
data-hint-decimal-comma-declared = the directory's CSV files use a decimal comma (declared in { $file }, or detected), so write 4,5 for four and a half
data-hint-decimal-comma = a decimal comma: it is detected when the fields are separated by `;` or tab and no number in the file uses `.`; otherwise write one decimal mark throughout, or declare `{ $key } = true` in { $file }
data-hint-cents-exact = money is stored exactly, as whole cents without separators (e.g. 3500000 for €35,000.00)
data-hint-cents-float = money is stored exactly, as whole cents of the currency (e.g. 3500000 for €35,000.00)
data-hint-whole-counts = counts must be whole numbers
data-hint-too-big = the value does not fit a 64-bit integer: check the cell
data-hint-write-boolean = write true or false
data-hint-iso-dates = write dates as YYYY-MM-DD

## Columns and headers

data-mapped-column = a column `{ $mine }` ({ $kind }), which { $file } maps to `{ $column }`
data-no-such-column = no such column among { $names }
data-no-columns = (no columns)
data-hint-mapping-redundant = the file already calls it `{ $column }`: remove the line `{ $column } = "{ $mine }"` from [{ $table }] in { $file }
data-hint-mapping-correct = correct the name in { $file } ([{ $table }] { $column } = "<your name>"), or remove the line if the file does not have the column
data-one-column-for = one column for `{ $column }`
data-two-columns = two: `{ $mine }` (mapped in { $file }) and `{ $column }`
data-hint-two-columns = remove or rename one of them, or the line `{ $column } = "{ $mine }"` in { $file }
data-column-of-type = a column `{ $column }` ({ $kind })
data-hint-map-it = if the file calls it differently, map it in { $file }: [{ $table }] { $column } = "<your name>"
data-header-once = each column name once in the header
data-column-twice = `{ $name }` as column { $first } and as column { $second }
data-hint-remove-one = remove or rename one of them

## Files

data-table-file = a table file
data-a-directory = a directory
data-special-file = a device or other special file, not a regular file
data-broken-link = a symbolic link that leads to no file ({ $error }; a link that points to itself or to a missing file)
data-hint-replace-file = replace it with the table's file, or remove it
data-table-as-file = the `{ $table }` table as { $table }.csv, { $table }.parquet, { $table }.xlsx or { $table }.ods (lower case), or a workbook sheet named { $table }
data-not-read = { $names }, which impatto does not read
data-hint-rename-file = rename the file, or export it as CSV (`,` `;` or tab between fields), Parquet, .xlsx or .ods; compressed files are not read
data-one-file-of = one file of the `{ $table }` table
data-two-files = two, which may not hold the same rows
data-hint-keep-current = keep the one that is current and move the other out of the directory
data-csv-row = a readable CSV row
data-fields-as-header = { $count } fields as in the header
data-utf8 = UTF-8 text
data-not-utf8-at = bytes that are not UTF-8 at byte { $byte } of `{ $text }`
data-not-utf8 = bytes that are not UTF-8 (`{ $text }`, the bad bytes shown as �)
data-hint-utf8 = write the file again with UTF-8 strings
data-parquet-file = a Parquet file
data-parquet-unreadable = a file Parquet cannot read ({ $error })
data-panel-type = a column of a panel type (text, whole numbers or cents, numbers, dates, booleans)
data-timestamp-zone = a timestamp[{ $unit }] with time zone { $zone }
data-type-of = a column of type { $kind }
data-hint-decimal-type = store money as whole cents in a 64-bit integer column (e.g. CAST(amount * 100 AS BIGINT), or pandas `(df.amount * 100).round().astype("int64")`)
data-hint-zoned-timestamp = store the local date (a `date` column), e.g. in pandas `df.col.dt.tz_convert("{ $zone }").dt.date`; impatto does not guess which day a moment in time falls on
data-parquet-schema = a Parquet schema of plain columns
data-group-values = { $rows } values in row group { $group }, as many as the rows it declares
data-group-damaged = { $values } (the file is damaged or was written by a faulty tool)
data-hint-write-again = write the file again from its source
data-pages-decode = a Parquet file whose pages decode
data-damaged-page = a damaged page ({ $error })
data-parquet-reads = a Parquet file that reads
data-reader-fails = a file the reader fails on ({ $error })
data-manifest = a manifest as impatto writes it (`written_by` and `files` with `file` and `sha256`)
data-hint-remove-manifest = remove the manifest if the directory is no longer impatto's output as written
data-listed-in-manifest = a file listed in { $manifest } (written together with the other tables)
data-not-listed = a table file it does not list
data-digest-listed = sha256:{ $digest } as listed in { $manifest }
data-hint-two-writes = the directory mixes files of two writes; write it again as a whole (e.g. `impatto generate --out { $dir }`)

## Workbook cells

data-cell-text = text
data-cell-integer = an integer (a whole number)
data-cell-cents = integer cents (a whole number)
data-cell-number = a number
data-cell-date = a date (a date cell, or text YYYY-MM-DD)
data-cell-boolean = a boolean (TRUE/FALSE)
data-in-cell = { $found } (cell { $cell })
data-cell-is-text = the text `{ $value }`
data-cell-is-number = the number { $value }
data-cell-is-boolean = the boolean cell { $value }
data-cell-is-duration = a duration cell ({ $value })
data-cell-is-date = a date cell { $value }
data-cell-is-error = the spreadsheet error { $value }
data-hint-cell-formula = correct the formula, or clear the cell if the value is missing
data-hint-cell-text-date = the spreadsheet may have taken the text for a date: format the column as Text and type the value again
data-hint-cell-text = format the column as Text
data-hint-cell-decimal-comma = a decimal comma in a text cell: store the cells as numbers, or declare `decimal_comma = true` in columns.toml
data-hint-cell-time = a date and time of day in a date column: format the cells as dates without a time
data-hint-cell-date-text = write dates as YYYY-MM-DD (or in the order date_format declares in columns.toml), or format the cells as dates; a day/month order is never guessed
data-hint-cell-date-number = format the cells as dates in the spreadsheet, or write them as YYYY-MM-DD

## Files that cannot be read as tables, mapping files, workbooks

data-csv-refused = expected a CSV file in UTF-8 with a header line, found { $found } (hint: { $hint })
data-csv-utf16 = UTF-16 text
data-hint-csv-utf8 = save it as "CSV UTF-8" from the spreadsheet
data-csv-empty = an empty file
data-hint-csv-export = export the table again, with its header line
data-csv-cr = lines ended by a carriage return alone (an old Mac format)
data-hint-csv-line-ends = save it again with Windows or Unix line ends
data-csv-separators = expected a header line with one field separator (`,`, `;` or tab), found { $found } in `{ $header }`; quote the column names that contain a separator
data-csv-comma-both = a decimal comma is declared, but `,` also separates the fields; expected `;` or tab between fields
data-map-boolean = expected `{ $key } = true` or `false`, found `{ $key } = { $found }`
data-map-missing = expected `{ $key } = ["-", "n.d."]` (a list of texts), found `{ $key } = { $found }`
data-map-date-format = expected `{ $key } =` one of { $names }, found `{ $key } = { $found }`
data-map-table = expected a table name ({ $known }), found [{ $found }]
data-map-column = [{ $table }] maps `{ $column }`, which is not a column of the format (expected one of { $known }; the left side is our name, the right side yours)
data-map-twice = [{ $table }] maps both `{ $first }` and `{ $second }` to your column `{ $mine }`; expected each of your columns to stand for one of ours (correct one of the two lines)
data-sheet-hidden = expected the `{ $table }` table on a visible sheet, found sheet `{ $sheet }` hidden (hint: unhide it if it is the table, or rename it)
data-sheet-twice = expected one sheet for the `{ $table }` table, found sheets `{ $first }` and `{ $second }`
data-sheet-unnamed = expected a sheet named `{ $table }`, or a first sheet not named like another table, found sheets { $sheets } (hint: rename the sheet of the `{ $table }` table to `{ $table }`)
data-table-twice = sheet `{ $sheet }` holds the `{ $table }` table, and so does { $other }; expected the `{ $table }` table once in a panel directory (hint: remove one of them, or rename the sheet)
data-no-sheet = expected a sheet with a header row, found no sheet
data-formula-no-value = sheet `{ $sheet }`, cell { $cell }: expected a value, found the formula `={ $formula }` with no computed result (hint: open the workbook in Excel or LibreOffice and save it, so that it stores the results)
data-workbook-unreadable = expected an Excel (.xlsx) or LibreOffice (.ods) workbook, found a file that cannot be read as one ({ $error }) (hint: save it again from the spreadsheet program)
data-header-empty = sheet `{ $sheet }`, cell { $cell }: expected a column name above the data, found an empty header cell
data-header-twice = sheet `{ $sheet }`: expected each column name once in the header row, found `{ $name }` twice (hint: rename or remove one of the columns)

## Tables and columns a computation needs

data-missing-table = { $dir }: no { $table }.parquet or { $table }.csv, nor a workbook sheet `{ $table }` (expected the `{ $table }` table of the panel format; hint: see datasets/PANEL_FORMAT.md, or `impatto generate` for an example)
data-no-table = no { $table }.parquet or { $table }.csv, nor a workbook sheet `{ $table }`, in the panel directories (expected the optional `{ $table }` table, which this computation reads; hint: see datasets/PANEL_FORMAT.md)
data-file-lacks = { $file }: no column { $columns }
data-dir-lacks-table = { $dir }: no { $table }.parquet or { $table }.csv, nor a workbook sheet `{ $table }`
data-hint-add-table = add the `{ $table }` table with { $count ->
    [one] the column
   *[other] the columns
}; see datasets/PANEL_FORMAT.md
data-hint-add-columns = add { $count ->
    [one] the column, or map it
   *[other] the columns, or map them
} in columns.toml: [{ $table }] { $example } = "<your name>"; see datasets/PANEL_FORMAT.md
data-hint-add-columns-and-table = add { $count ->
    [one] the column, or map it
   *[other] the columns, or map them
} in columns.toml: [{ $table }] { $example } = "<your name>", and add the `{ $table }` table where it is missing; see datasets/PANEL_FORMAT.md
data-missing-columns = { $lacking } (expected column(s) { $columns } of the `{ $table }` table, needed by { $needed_by }; hint: { $hint })
