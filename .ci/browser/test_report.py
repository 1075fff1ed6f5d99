"""The city's report, opened in a real browser (Debian's Chromium, driven by Playwright).

For every page of OUT/report/{it,en}/: it loads with no console error, no page error and no
request leaving the file (the report must work offline); at a phone width (390 px) and a
desktop width (1280 px) the screenshot is not blank and nothing is cut off (the page is no wider
than the window); it prints to PDF; and the figures read back from the page, parsed in the
page's language (`€ 1.640.161,00` / `€1,640,161.00`), equal the statement's JSON and the
indicators' JSON written by the same run.

Usage: python3 .ci/browser/test_report.py OUT [SHOTS]   (screenshots and PDFs go to SHOTS,
default OUT/report-check). Exits 1 with every failure listed.
"""

import io
import json
import math
import pathlib
import sys
import tomllib
from decimal import Decimal, InvalidOperation

from PIL import Image, ImageStat
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# The flags this machine's closed network needs (no background connections, no updates).
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
# The screenshots are the check's own, so Pillow's guard against hostile images does not apply:
# the longest statement page (Bandi 266 at phone width) is near its 89-megapixel warning.
Image.MAX_IMAGE_PIXELS = None

failures = []


def fail(where, what):
    failures.append(f"{where}: {what}")


SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def money(text, lang, currency="EUR"):
    """`€ 1.640.161,00` (it) or `-£1,640,161.00` (en) → Decimal('1640161.00'); the symbol must be the currency's."""
    symbol = SYMBOLS.get(currency, currency)
    if symbol not in text:
        raise ValueError(f"{text!r} does not show {currency} ({symbol})")
    t = text.replace("\u00a0", " ").replace(symbol, "").replace(" ", "").strip()
    if lang == "it":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError(f"cannot read {text!r} as an amount of money ({lang})") from None


def number(text, lang):
    """`60,9 %` (it) or `60.9 %` (en) → 60.9; `1.234` (it) → 1234."""
    t = text.replace("\u00a0", " ").replace("%", "").replace(" ", "").strip()
    if lang == "it":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    return float(t)


def check_statement(page, where, lang, statement):
    currency = statement["currency"]
    totals = statement["totals"]
    loans = sum((Decimal(i["paid"]) for i in totals["by_instrument"] if i["instrument"] == "loan"), Decimal(0))
    expected = {
        "budget": Decimal(statement["budget"]),
        "claimed": Decimal(totals["claimed"]),
        "paid-grants": Decimal(totals["paid"]) - loans,
        "paid-loans": loans,
        "unfunded": Decimal(totals["unfunded"]),
        "recovered": Decimal(totals["recovered"]),
    }
    for field, value in expected.items():
        shown = page.locator(f".cards [data-field='{field}']").inner_text()
        if money(shown, lang, currency) != value:
            fail(where, f"summary {field} shows {shown!r}, the statement says {value}")
    for r in totals["by_rule"]:
        row = page.locator(f"#by-rule ~ div table tr[data-rule='{r['rule']}']")
        for field in ("claimed", "paid"):
            shown = row.locator(f"[data-field='{field}']").inner_text()
            if money(shown, lang, currency) != Decimal(r[field]):
                fail(where, f"rule {r['rule']} {field} shows {shown!r}, the statement says {r[field]}")
    for i in totals["by_instrument"]:
        shown = page.locator(f"tr[data-instrument='{i['instrument']}'] [data-field='paid']").inner_text()
        if money(shown, lang, currency) != Decimal(i["paid"]):
            fail(where, f"instrument {i['instrument']} shows {shown!r}, the statement says {i['paid']}")
    by_beneficiary = {}
    for line in statement["lines"]:
        by_beneficiary[line["beneficiary"]] = by_beneficiary.get(line["beneficiary"], Decimal(0)) + Decimal(line["amount"])
    shown_beneficiaries = page.locator("article[data-beneficiary]").count()
    if shown_beneficiaries != len(by_beneficiary):
        fail(where, f"{shown_beneficiaries} beneficiary statements, the statement has {len(by_beneficiary)} beneficiaries")
    for b, total in by_beneficiary.items():
        shown = page.locator(f"article[data-beneficiary='{b}'] [data-field='total']").inner_text()
        if money(shown, lang, currency) != total:
            fail(where, f"beneficiary {b} total shows {shown!r}, its lines add up to {total}")


def check_indicators(page, where, lang, programme, rows):
    mine = [r for r in rows if r.get("programme") == programme]
    shown = page.locator("tr[data-indicator]")
    if shown.count() != len(mine):
        fail(where, f"{shown.count()} indicator rows, indicators.json has {len(mine)} for {programme}")
        return
    for k in range(shown.count()):
        tr = shown.nth(k)
        indicator = tr.get_attribute("data-indicator")
        group = dict(p.split("=", 1) for p in tr.get_attribute("data-group").split(";") if p)
        horizon = tr.get_attribute("data-horizon")
        match = [
            r for r in mine
            if r["indicator"] == indicator and {c: str(v) for c, v in (r.get("group") or {}).items()} == group
            and str(r.get("horizon_months") or "") == (horizon or "")
        ]
        if len(match) != 1:
            fail(where, f"row {indicator} {group} matches {len(match)} rows of indicators.json")
            continue
        r = match[0]
        if r["suppressed"]:
            if tr.locator("[data-field='withheld']").count() != 1:
                fail(where, f"{indicator} {group} is withheld in the JSON but not marked on the page")
            units_text = tr.locator("[data-field='units']").inner_text().strip()
            if (r["units"] is None) != (units_text == "—") or (
                r["units"] is not None and number(units_text, lang) != r["units"]
            ):
                fail(where, f"{indicator} {group} withheld: units {units_text!r} on the page, {r['units']} in the JSON")
            continue
        if r["value"] is None:
            continue
        value = number(tr.locator("[data-field='value']").inner_text(), lang)
        scale, places = {"share": (100, 1), "probability": (100, 1), "persons": (1, 0), "entities": (1, 0), "FTE": (1, 1)}.get(
            r["unit"], (1, 2))
        # Within half a unit of the last place shown: the page rounds half away from zero
        # (31.25% shows as 31.3%), Python's round() half to even.
        if not math.isclose(value, r["value"] * scale, abs_tol=10 ** -places / 2 + 1e-9):
            fail(where, f"{indicator} {group} shows {value}, indicators.json says {r['value']}")


def check_survival(page, where, programme, rows):
    """Each point of a Kaplan-Meier figure is a published estimate of this programme, and every
    published estimate of the whole programme or of one edition is drawn."""
    mine = [
        r for r in rows
        if r.get("programme") == programme and r["unit"] == "probability" and r.get("horizon_months")
        and not r["suppressed"] and r["value"] is not None
        and {k for k, v in (r.get("group") or {}).items() if v} <= {"programme", "edition"}
    ]
    circles = page.locator("circle[data-horizon]")
    if circles.count() != len(mine):
        fail(where, f"{circles.count()} survival points drawn, indicators.json publishes {len(mine)}")
    for k in range(circles.count()):
        c = circles.nth(k)
        indicator, horizon, value = (c.get_attribute(a) for a in ("data-indicator", "data-horizon", "data-value"))
        if not any(r["indicator"] == indicator and str(r["horizon_months"]) == horizon
                   and math.isclose(float(value), r["value"], rel_tol=1e-12) for r in mine):
            fail(where, f"survival point {indicator} at {horizon} months = {value} is not a published estimate")


def check_index(page, where, lang, statements):
    for stem, st in statements.items():
        row = page.locator(f"tr[data-programme='{stem}']")
        if row.count() != 1:
            fail(where, f"no row for {stem}")
            continue
        shown = row.locator("[data-field='claimed']").inner_text()
        if money(shown, lang, st["currency"]) != Decimal(st["totals"]["claimed"]):
            fail(where, f"{stem} claimed shows {shown!r}, the statement says {st['totals']['claimed']}")


def not_blank(png, where):
    image = Image.open(io.BytesIO(png)).convert("L")
    spread = ImageStat.Stat(image).stddev[0]
    if spread < 5:
        fail(where, f"the screenshot is blank (grey-level spread {spread:.1f})")


def open_page(browser, html, where, lang, shots):
    """Open one page and run the checks every page gets: the page's language, no request
    leaving the file, nothing cut off and not blank at each width (screenshots to SHOTS/LANG),
    and a PDF. Returns (context, page, problems): console and page errors keep arriving into
    `problems` while the caller reads the page; the caller reports them and closes the context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def outside(route):
        problems.append(f"request leaves the file: {route.request.url}")
        route.abort()

    page.route("http://**/*", outside)
    page.route("https://**/*", outside)
    page.goto(html.as_uri(), wait_until="load")
    if page.locator("html").get_attribute("lang") != lang:
        fail(where, f"html lang is not {lang}")
    (shots / lang).mkdir(parents=True, exist_ok=True)
    for name, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            fail(where, f"at {w} px the page is {overflow} px wider than the window: something is cut off")
        png = page.screenshot(full_page=True)
        (shots / lang / f"{html.stem}-{name}.png").write_bytes(png)
        not_blank(png, f"{where} at {w} px")
    pdf = page.pdf(format="A4", print_background=True)
    (shots / lang / f"{html.stem}.pdf").write_bytes(pdf)
    if not pdf.startswith(b"%PDF") or len(pdf) < 2000:
        fail(where, "printing to PDF gave no document")
    return context, page, problems


def main():
    out = pathlib.Path(sys.argv[1]).resolve()
    shots = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else out / "report-check"
    shots.mkdir(parents=True, exist_ok=True)
    documents = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}
    statements = {stem: d for stem, d in documents.items() if "totals" in d and "lines" in d}
    indicators = json.loads((out / "indicators.json").read_text())
    rows = indicators["results"] if isinstance(indicators, dict) else indicators
    flat = []
    for r in rows:
        f = dict(r)
        for k, v in (r.get("group") or {}).items():
            f[k] = v
        flat.append(f)
    pages = sorted((out / "report").glob("*/*.html"))
    if not pages:
        fail(str(out / "report"), "no report pages")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for html in pages:
            lang = html.parent.name
            where = str(html.relative_to(out))
            context, page, problems = open_page(browser, html, where, lang, shots)
            if html.stem == "index":
                check_index(page, where, lang, statements)
            else:
                st = statements.get(html.stem)
                if st is None:
                    fail(where, "no statement JSON beside it")
                else:
                    check_statement(page, where, lang, st)
                    # The indicators are those of the programme the rule file pays (its
                    # `data.programme`), read from the rule file itself.
                    with open(st["programme"]["rule_file"], "rb") as f:
                        paid = tomllib.load(f)["data"]["programme"]
                    check_indicators(page, where, lang, paid, flat)
                    check_survival(page, where, paid, flat)
            for problem in problems:
                fail(where, problem)
            context.close()
        browser.close()
    print(f"{len(pages)} report pages checked in Chromium (phone and desktop widths, PDF, figures read back): "
          f"{len(failures)} failures; screenshots in {shots}", file=sys.stderr)
    for f in failures:
        print(f"  {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
