"""The README's "Query options (OData)" curl examples run, and answer what the README says."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import start_server

README = (Path(__file__).parent.parent / "README.md").read_text()


@pytest.fixture(scope="module")
def fresh_server():
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_query_option_examples_run(fresh_server):
    section = README.split("\n## Query options (OData)\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    script = "set -euo pipefail\n" + block.replace("http://127.0.0.1:8080", fresh_server)
    done = subprocess.run(["bash", "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    output = done.stdout
    assert '"error"' not in output
    assert '"number":"10300","displayName":"Petty Cash"' in output
    assert '"@odata.count":2' in output
    assert '"customerPayments":[' in output and '"account":{' in output
    assert "$skiptoken=" in output
    assert "<edmx:Edmx" in output
    assert '"status":201' in output and '"journalDisplayName":"BATCH"' in output
