"""The README stays true: its generated tables match the registry, its curl examples run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bc_mock.docs import entity_table, property_tables
from tests.helpers import start_server

README = (Path(__file__).parent.parent / "README.md").read_text()


def _marked(name: str) -> str:
    match = re.search(rf"<!-- {name} \(generated[^>]*-->\n(.*?)<!-- /{name} -->", README, re.S)
    assert match, f"README has no generated {name} section"
    return match.group(1)


def _sh_blocks_under(heading: str) -> list[str]:
    section = README.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_entity_table_is_generated_from_the_registry():
    assert _marked("entity-table") == entity_table()


def test_property_tables_are_generated_from_the_registry():
    assert _marked("property-tables") == property_tables()


@pytest.fixture(scope="module")
def fresh_server():
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(timeout=10)


def _run(block: str, server_url: str) -> str:
    script = "set -euo pipefail\n" + block.replace("http://127.0.0.1:8080", server_url)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_curl_examples_run_without_an_error(fresh_server):
    walkthrough, mistake = _sh_blocks_under("## Use it with curl")
    output = _run(walkthrough, fresh_server)
    assert '"error"' not in output
    assert '"code":"RECEIPTS"' in output
    assert '"balancingAccountNumber":"10100"' in output
    assert '"amount":-3999.99' in output
    assert '"status":"ok"' in output
    # the error example (run after the walkthrough defined BC and USA)
    output = _run(walkthrough.split("# companies")[0] + mistake, fresh_server)
    assert '"code":"Application_StringExceededLength"' in output
