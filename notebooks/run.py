"""Execute every notebook here headless; fail if any cell fails. Used by CI (.ci/run).

Environment: IMPATTO (path to the impatto binary), IMPATTO_NOTEBOOK_OUT (where executed
notebooks and their files go; default notebooks/out, which git ignores).
"""
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

here = pathlib.Path(__file__).resolve().parent
out = pathlib.Path(os.environ.setdefault("IMPATTO_NOTEBOOK_OUT", str(here / "out")))
os.environ.setdefault("IMPATTO_ROOT", str(here.parent))
out.mkdir(parents=True, exist_ok=True)
passed, failed = 0, 0
for path in sorted(here.glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
        passed += 1
        print(f"ok      {path.name}")
    except Exception as e:  # a failing cell: report it and go on to the next notebook
        failed += 1
        print(f"FAILED  {path.name}: {str(e)[-2000:]}")
    nbformat.write(nb, out / path.name)
print(f"notebooks: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
