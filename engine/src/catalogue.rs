//! The indicator catalogue partners browse: one self-contained HTML page per definition and per
//! rule file, and an index, in Italian and English.
//!
//! Why: a university lab signs off definitions it has read; the catalogue shows each one as a
//! reader needs it — the formula in words, the file itself, its codes in external frameworks
//! (IRIS+, EU common indicators, Eurostat), its version and hash, its worked fixture with the
//! expected values, and whose sign-off it carries — without a Rust toolchain or a server. Like
//! the city's report, the pages make no request and print.

use maud::html;

use crate::i18n::{Arg, Lang, Texts};
use crate::report::page;

fn document(lang: Lang, title: &str, body: maud::Markup) -> String {
    page(lang, title, body, "page-footer")
}
use impatto_indicators::LoadedDefinition;

/// One definition as the catalogue shows it.
#[derive(Debug)]
pub struct Entry<'a> {
    /// The loaded definition.
    pub definition: &'a LoadedDefinition,
    /// The file's text.
    pub text: String,
    /// Its sign-off state, in words.
    pub signoff: String,
    /// Expected rows of fixtures naming it: (fixture, header, rows).
    pub fixtures: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

/// One rule file as the catalogue shows it.
#[derive(Debug)]
pub struct RuleFile {
    /// Its path.
    pub path: String,
    /// Its text.
    pub text: String,
    /// `sha256:` of it.
    pub hash: String,
    /// Its sign-off state, in words.
    pub signoff: String,
}

/// The page file name of a definition.
pub fn page_name(id: &str) -> String {
    format!("{id}.html")
}

/// The page file name of a rule file.
pub fn rule_page_name(path: &str) -> String {
    let stem = std::path::Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = std::path::Path::new(path)
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("rules-{parent}-{stem}.html")
}

fn name(d: &LoadedDefinition, lang: Lang) -> &str {
    match lang {
        Lang::It => &d.def.name.it,
        Lang::En => &d.def.name.en,
    }
}

/// The computation in words, in `t`'s language.
fn formula(d: &LoadedDefinition, t: &Texts) -> String {
    let def = &d.def;
    let kind = format!("{:?}", def.kind);
    let or_rows = |column: &Option<String>, rows: &str| column.clone().unwrap_or_else(|| t.get(rows, &[]));
    let table = d.table.stem();
    let args: Vec<(&str, String)> = vec![
        ("table", table.to_string()),
        ("numerator", or_rows(&def.numerator_sum, "catalogue-rows-numerator")),
        ("denominator", or_rows(&def.denominator_sum, "catalogue-rows-population")),
        ("measure", def.measure.clone().unwrap_or_default()),
        ("part", def.part.clone().unwrap_or_default()),
        ("mode", def.mode.clone().unwrap_or_else(|| "gross".into())),
    ];
    let args: Vec<(&str, Arg<'_>)> = args.iter().map(|(k, v)| (*k, Arg::Text(v))).collect();
    let id = format!("catalogue-formula-{}", kind.to_lowercase());
    if t.has(&id) { t.get(&id, &args) } else { kind }
}

/// The index page of `entries` and `rules`, in `t`'s language.
pub fn index(entries: &[Entry<'_>], rules: &[RuleFile], t: &Texts) -> String {
    let lang = t.lang();
    let body = html! {
        header {
            h1 { (t.get("catalogue-title", &[])) }
            p { (t.get("catalogue-intro", &[])) }
            p { a href=(format!("../{}/index.html", other(lang).code())) lang=(other(lang).code()) { (t.get("report-other-language", &[])) } }
        }
        main {
            section aria-labelledby="indicators" {
                h2 id="indicators" { (t.get("catalogue-indicators", &[])) }
                div.scroll {
                    table {
                        thead { tr {
                            th scope="col" { (t.get("catalogue-id", &[])) }
                            th scope="col" { (t.get("catalogue-name", &[])) }
                            th scope="col" { (t.get("catalogue-version", &[])) }
                            th scope="col" { (t.get("catalogue-codes", &[])) }
                            th scope="col" { (t.get("catalogue-signoff", &[])) }
                        } }
                        tbody {
                            @for e in entries {
                                tr data-id=(e.definition.def.id) {
                                    th scope="row" { a href=(page_name(&e.definition.def.id)) { (e.definition.def.id) } }
                                    td { (name(e.definition, lang)) }
                                    td data-field="version" { (e.definition.def.version) }
                                    td { (codes_text(e.definition)) }
                                    td data-field="signoff" { (e.signoff) }
                                }
                            }
                        }
                    }
                }
            }
            @if !rules.is_empty() {
                section aria-labelledby="rules" {
                    h2 id="rules" { (t.get("catalogue-rule-files", &[])) }
                    ul {
                        @for r in rules {
                            li { a href=(rule_page_name(&r.path)) { (r.path) } " — " (r.signoff) }
                        }
                    }
                }
            }
        }
    };
    document(lang, &t.get("catalogue-title", &[]), body)
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::It => Lang::En,
        Lang::En => Lang::It,
    }
}

fn codes_text(d: &LoadedDefinition) -> String {
    d.def.codes.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ")
}

/// One definition's page, in `t`'s language.
pub fn definition_page(e: &Entry<'_>, t: &Texts) -> String {
    let d = e.definition;
    let lang = t.lang();
    let title = format!("{} — {}", d.def.id, name(d, lang));
    let body = html! {
        header {
            p { a href="index.html" { (t.get("catalogue-title", &[])) } }
            h1 { (title) }
            p data-field="description" { (match lang { Lang::It => d.def.description.it(), Lang::En => d.def.description.en() }) }
        }
        main {
            section aria-labelledby="formula" {
                h2 id="formula" { (t.get("catalogue-formula", &[])) }
                p data-field="formula" { (formula(d, t)) }
                dl {
                    dt { (t.get("catalogue-version", &[])) } dd data-field="version" { (d.def.version) }
                    dt { (t.get("catalogue-hash", &[])) } dd data-field="hash" { code { (d.hash) } }
                    dt { (t.get("catalogue-signoff", &[])) } dd data-field="signoff" { (e.signoff) }
                    dt { (t.get("catalogue-unit", &[])) } dd { (format!("{:?}", d.def.unit).to_lowercase()) }
                    dt { (t.get("catalogue-breakdowns", &[])) } dd { (d.def.disaggregations.join(", ")) }
                }
            }
            section aria-labelledby="codes" {
                h2 id="codes" { (t.get("catalogue-codes", &[])) }
                @if d.def.codes.is_empty() {
                    p { (t.get("catalogue-no-codes", &[])) }
                } @else {
                    dl { @for (k, v) in &d.def.codes { dt { (k) } dd { (v) } } }
                }
            }
            section aria-labelledby="fixture" {
                h2 id="fixture" { (t.get("catalogue-fixture", &[])) }
                @if e.fixtures.is_empty() {
                    p { (t.get("catalogue-no-fixture", &[])) }
                }
                @for (fixture, header, rows) in &e.fixtures {
                    p { (t.get("catalogue-fixture-of", &[("fixture", Arg::Text(fixture))])) }
                    div.scroll {
                        table {
                            thead { tr { @for h in header { th scope="col" { (h) } } } }
                            tbody { @for row in rows { tr { @for c in row { td { (c) } } } } }
                        }
                    }
                }
            }
            section aria-labelledby="file" {
                h2 id="file" { (t.get("catalogue-file", &[])) }
                p { code { (d.file) } }
                div.scroll { pre { (e.text) } }
            }
        }
    };
    document(lang, &title, body)
}

/// One rule file's page, in `t`'s language.
pub fn rule_page(r: &RuleFile, t: &Texts) -> String {
    let body = html! {
        header {
            p { a href="index.html" { (t.get("catalogue-title", &[])) } }
            h1 { (r.path) }
        }
        main {
            dl {
                dt { (t.get("catalogue-hash", &[])) } dd data-field="hash" { code { (r.hash) } }
                dt { (t.get("catalogue-signoff", &[])) } dd data-field="signoff" { (r.signoff) }
            }
            div.scroll { pre { (r.text) } }
        }
    };
    document(t.lang(), &r.path, body)
}
