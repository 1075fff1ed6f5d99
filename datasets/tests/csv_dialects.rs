//! Property test of the one CSV reader (issue 11): the same data written in any dialect —
//! separator `,` `;` or tab, with or without a byte-order mark, LF or CRLF, any missing-value
//! token, decimal point or (with `;` / tab) decimal comma, row counts around polars' default
//! inference window of 100 rows, the first decimal anywhere — reads back to the same values.

use impatto_datasets::csv::{Dialect, scan};
use polars::prelude::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Written {
    separator: u8,
    bom: bool,
    crlf: bool,
    comma: bool,
    missing: &'static str,
}

fn written() -> impl Strategy<Value = Written> {
    (
        prop::sample::select(vec![b',', b';', b'\t']),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["", "NA", ".", "NULL"]),
    )
        .prop_map(|(separator, bom, crlf, comma, missing)| Written {
            separator,
            bom,
            crlf,
            comma: comma && separator != b',',
            missing,
        })
}

/// Values in quarters (exact in binary and in decimal text), `None` for missing.
fn column() -> impl Strategy<Value = Vec<Option<i64>>> {
    (90usize..130).prop_flat_map(|n| prop::collection::vec(prop::option::weighted(0.9, -4000i64..4000), n))
}

fn text(w: &Written, xs: &[Option<i64>], ks: &[i64]) -> String {
    let sep = w.separator as char;
    let eol = if w.crlf { "\r\n" } else { "\n" };
    let mut s = String::new();
    if w.bom {
        s.push('\u{feff}');
    }
    s.push_str(&format!("id{sep}x{sep}k{eol}"));
    for (i, (x, k)) in xs.iter().zip(ks).enumerate() {
        let cell = match x {
            None => w.missing.to_string(),
            Some(q) if q % 4 == 0 => format!("{}", q / 4),
            Some(q) => {
                let v = format!("{}", *q as f64 / 4.0);
                if w.comma { v.replace('.', ",") } else { v }
            }
        };
        s.push_str(&format!("r{i}{sep}{cell}{sep}{k}{eol}"));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_dialect_reads_back_the_same_values(w in written(), xs in column()) {
        let ks: Vec<i64> = (0..xs.len() as i64).collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text(&w, &xs, &ks)).expect("write");
        let dialect = Dialect::detect(&path, None).expect("dialect");
        prop_assert_eq!(dialect.separator, w.separator);
        // Detected only when some value has a fraction; otherwise nothing tells, and nothing needs to.
        let fractions = xs.iter().flatten().any(|q| q % 4 != 0);
        prop_assert_eq!(dialect.decimal_comma, w.comma && fractions);
        let df = scan(&path, &dialect, None).expect("scan").collect().expect("reads");
        let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
        prop_assert_eq!(names, vec!["id".to_string(), "x".to_string(), "k".to_string()]);
        let x = df.column("x").expect("x").cast(&DataType::Float64).expect("numeric");
        let got: Vec<Option<f64>> = x.f64().expect("f64").iter().collect();
        let want: Vec<Option<f64>> = xs.iter().map(|q| q.map(|q| q as f64 / 4.0)).collect();
        prop_assert_eq!(got, want);
        let k: Vec<Option<i64>> = df.column("k").expect("k").cast(&DataType::Int64).expect("int").i64().expect("i64").iter().collect();
        prop_assert_eq!(k, ks.iter().map(|k| Some(*k)).collect::<Vec<_>>());
    }
}
