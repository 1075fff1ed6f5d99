"""The indicator catalogue partners browse, opened in a real browser (Debian's Chromium).

For every page of SITE/{it,en}/: the same checks as the city's report (no console error, no
request leaving the file, not blank and nothing cut off at a phone and a desktop width, prints
to PDF), and on each indicator's page the version and the SHA-256 read back from the page equal
the definition file's own (its `version`, and the digest of its bytes computed here).

Usage: python3 .ci/browser/test_catalogue.py SITE DEFINITIONS_DIR [SHOTS]
"""

import hashlib
import pathlib
import sys
import tomllib

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import test_report as report  # noqa: E402  (same checks, one home)


def main():
    site = pathlib.Path(sys.argv[1]).resolve()
    definitions = pathlib.Path(sys.argv[2])
    shots = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else site / "check"
    shots.mkdir(parents=True, exist_ok=True)
    expected = {}
    for f in sorted(definitions.glob("*.toml")):
        doc = tomllib.loads(f.read_text())
        expected[doc["id"]] = (doc["version"], "sha256:" + hashlib.sha256(f.read_bytes()).hexdigest())
    pages = sorted(site.glob("*/*.html"))
    if len(pages) < 2 * (len(expected) + 1):
        report.fail(str(site), f"expected an index and {len(expected)} indicator pages per language, found {len(pages)} pages")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=report.CHROMIUM, args=report.FLAGS)
        for html in pages:
            lang = html.parent.name
            where = str(html.relative_to(site))
            context, page, problems = report.open_page(browser, html, where, lang, shots)
            if html.stem in expected:
                version, digest = expected[html.stem]
                shown = page.locator('[data-field="version"]').first.inner_text().strip()
                hashed = page.locator('[data-field="hash"]').first.inner_text().strip()
                if shown != version:
                    report.fail(where, f"version: the page shows {shown}, the file says {version}")
                if hashed != digest:
                    report.fail(where, f"hash: the page shows {hashed}, the file's bytes give {digest}")
            elif html.stem == "index":
                ids = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
                if sorted(ids) != sorted(expected):
                    report.fail(where, f"the index lists {sorted(ids)}, the directory holds {sorted(expected)}")
            for problem in problems:
                report.fail(where, problem)
            context.close()
        browser.close()
    print(f"{len(pages)} catalogue pages checked in Chromium (phone and desktop widths, PDF, versions and hashes "
          f"read back): {len(report.failures)} failures; screenshots in {shots}", file=sys.stderr)
    for f in report.failures:
        print(f"  {f}", file=sys.stderr)
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
