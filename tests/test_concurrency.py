"""Concurrency: many clients at once lose nothing, and control calls racing with traffic never
break a request.

A server of its own (resets here would disturb other tests' data), on 127.0.0.1, with bounded
loops: a fixed number of threads, each making a fixed number of requests.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.helpers import BANK, GENERAL, BcClient, error_of, start_server, stop_server

THREADS = 8
MAX_CONTROL_CALLS = 500  # a racing control loop stops when the traffic does, or after this many


@pytest.fixture(scope="module")
def server():
    process, url = start_server("--threads", "8", "--journal-size", "100000")
    yield url
    stop_server(process)


@pytest.fixture
def client(server) -> BcClient:
    return BcClient(server, f"t-{uuid.uuid4().hex[:12]}", "v2.0")


def tenant_of(client: BcClient) -> str:
    return client.root.split("/v2.0/", 1)[1].split("/", 1)[0]


def in_threads(count: int, work) -> list:
    """Run ``work(index)`` on ``count`` threads at once; their results, in index order."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


def assert_bc_answer(response: requests.Response, allowed: set[int]) -> None:
    """A status the test allows, never a 5xx, and a body in BC's shape."""
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        error_of(response)  # BC's error body
    elif response.status_code != 204:
        assert isinstance(response.json(), dict)


def payment_body(index: int) -> dict:
    return {"customerNumber": "10000", "amount": -(index + 1), "description": f"concurrent {index}"}


# --- many writers, one journal ------------------------------------------------------------------


def test_concurrent_posts_to_one_journal_lose_nothing(client, server):
    per_thread = 25
    seed_lines = client.get(client.payments(GENERAL)).json()["value"]

    def post_many(thread: int) -> list[str]:
        session = BcClient(client.server_url, tenant_of(client), "v2.0")  # a connection per thread
        created = []
        for n in range(per_thread):
            response = session.post(session.payments(GENERAL), payment_body(thread * per_thread + n))
            assert_bc_answer(response, {201})
            created.append(response.json()["id"])
        return created

    created = [pid for ids in in_threads(THREADS, post_many) for pid in ids]
    total = THREADS * per_thread
    assert len(set(created)) == total

    lines = client.get(client.payments(GENERAL)).json()["value"]
    assert len(lines) == len(seed_lines) + total
    assert {line["id"] for line in lines} >= set(created)
    numbers = [line["lineNumber"] for line in lines]
    assert len(set(numbers)) == len(numbers)  # unique line numbers
    assert sorted(numbers) == [10000 * k for k in range(1, len(lines) + 1)]  # and no gaps
    amounts = sorted(-line["amount"] for line in lines if line["id"] in set(created))
    assert amounts == list(range(1, total + 1))  # every body stored, none twice
    count = client.get(client.payments(GENERAL, "/$count")).text
    assert int(count) == len(lines)

    # the request journal saw each request once, with its answer
    journal = requests.get(
        f"{server}/_mock/requests", params={"tenant": tenant_of(client), "method": "POST"}, timeout=30
    ).json()["value"]
    assert len(journal) == total
    assert Counter(entry["status"] for entry in journal) == {201: total}
    assert len({entry["id"] for entry in journal}) == total


def test_stale_etags_are_refused_when_writers_race(client):
    """Every thread holds the same ETag; exactly one PATCH or DELETE gets through."""
    url = client.payments(BANK, "(" + client.get(client.payments(BANK)).json()["value"][0]["id"] + ")")
    etag = client.get(url).json()["@odata.etag"]
    barrier = threading.Barrier(THREADS)

    def write(thread: int) -> requests.Response:
        session = BcClient(client.server_url, tenant_of(client), "v2.0")
        barrier.wait(timeout=10)
        if thread % 2:
            return session.delete(url, etag=etag)
        return session.patch(url, {"description": f"writer {thread}"}, etag=etag)

    responses = in_threads(THREADS, write)
    for response in responses:
        assert_bc_answer(response, {200, 204, 404, 409})
    winners = [r for r in responses if r.status_code in (200, 204)]
    assert len(winners) == 1
    for response in responses:
        if response.status_code == 409:
            assert error_of(response)[1:] == (
                "Request_EntityChanged",
                "Another user has already changed the record.",
            )
    after = client.get(url)
    if winners[0].status_code == 204:
        assert after.status_code == 404
    else:
        assert after.json()["description"] == winners[0].json()["description"]


def test_optimistic_increments_lose_no_update(client):
    """Read, add one, write with the ETag read, retry on 409: the total is exact."""
    url = client.journals(f"({GENERAL})/customerPayments")
    target = client.post(url, {"customerNumber": "10000", "amount": 0}).json()["id"]
    record = f"{url}({target})"
    per_thread = 12
    statuses = Counter()
    lock = threading.Lock()

    def increment(thread: int) -> None:
        session = BcClient(client.server_url, tenant_of(client), "v2.0")
        for _ in range(per_thread):
            for _attempt in range(200):
                current = session.get(record).json()
                response = session.patch(
                    record, {"amount": current["amount"] + 1}, etag=current["@odata.etag"]
                )
                assert_bc_answer(response, {200, 409})
                with lock:
                    statuses[response.status_code] += 1
                if response.status_code == 200:
                    break
            else:
                raise AssertionError("an increment did not get through in 200 attempts")

    in_threads(THREADS, increment)
    assert client.get(record).json()["amount"] == THREADS * per_thread
    assert statuses[200] == THREADS * per_thread


def test_concurrent_creates_of_one_code_let_exactly_one_through(client):
    codes = [f"RACE{n}" for n in range(4)]
    per_code = THREADS // 2
    barrier = threading.Barrier(len(codes) * per_code)

    def create(index: int) -> tuple[str, requests.Response]:
        session = BcClient(client.server_url, tenant_of(client), "v2.0")
        code = codes[index % len(codes)]
        barrier.wait(timeout=10)
        return code, session.post(session.journals(), {"code": code, "displayName": f"try {index}"})

    results = in_threads(len(codes) * per_code, create)
    for code in codes:
        answers = [r for c, r in results if c == code]
        for response in answers:
            assert_bc_answer(response, {201, 409})
        assert [r.status_code for r in answers].count(201) == 1
        for response in answers:
            if response.status_code == 409:
                assert error_of(response)[1] == "Internal_EntityWithSameKeyExists"
    listed = [j["code"] for j in client.get(client.journals()).json()["value"]]
    assert sorted(c for c in listed if c.startswith("RACE")) == codes


# --- control calls racing with traffic ----------------------------------------------------------


def traffic(client: BcClient, rounds: int, allowed: set[int]) -> Counter:
    """One client's loop of reads and writes; every answer must be an allowed BC answer."""
    session = BcClient(client.server_url, tenant_of(client), "v2.0")
    seen = Counter()
    for n in range(rounds):
        created = session.post(session.payments(GENERAL), payment_body(n))
        assert_bc_answer(created, allowed | {201})
        seen[created.status_code] += 1
        for response in (
            session.get(session.journals()),
            session.get(session.payments(GENERAL), params={"$filter": "amount lt 0", "$top": "5"}),
            session.get(session.company("accounts"), params={"$select": "number", "$count": "true"}),
        ):
            assert_bc_answer(response, allowed | {200})
            seen[response.status_code] += 1
        if created.status_code == 201:
            record = session.payments(GENERAL, f"({created.json()['id']})")
            for response in (
                session.patch(record, {"description": "changed"}),
                session.get(record),
                session.delete(record, etag="*"),
            ):
                # a reset between the POST and here takes the record away: 404, BC's error
                assert_bc_answer(response, allowed | {200, 204, 404})
                seen[response.status_code] += 1
    return seen


def race(client: BcClient, control, rounds: int, allowed: set[int], controls: int = 1) -> Counter:
    """``control(stop)`` on ``controls`` threads while THREADS - 2 clients run ``traffic``; the
    traffic's statuses. A failure on any thread, control or traffic, fails the test."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=THREADS - 2 + controls) as pool:
        control_runs = [pool.submit(control, stop) for _ in range(controls)]
        traffic_runs = [pool.submit(traffic, client, rounds, allowed) for _ in range(THREADS - 2)]
        try:
            seen = sum((run.result() for run in traffic_runs), Counter())
        finally:
            stop.set()
        for run in control_runs:
            run.result()
    return seen


def test_resets_racing_with_traffic_never_break_a_request(client, server):
    resets = []

    def reset_repeatedly(stop: threading.Event) -> None:
        with requests.Session() as session:
            for _ in range(MAX_CONTROL_CALLS):  # until the traffic ends, spread over it
                if stop.is_set():
                    break
                resets.append(session.post(f"{server}/_mock/reset", timeout=30).status_code)
                time.sleep(0.005)

    seen = race(client, reset_repeatedly, rounds=8, allowed=set())
    assert len(resets) >= 10 and set(resets) == {200}
    assert seen[201] > 0 and seen[200] > 0
    # afterwards the data is the seed again, whole
    requests.post(f"{server}/_mock/reset", timeout=30)
    lines = client.get(client.payments(GENERAL)).json()["value"]
    assert [line["lineNumber"] for line in lines] == [10000, 20000, 30000]


def test_fault_rules_changing_under_traffic_never_break_a_request(client, server):
    tenant = tenant_of(client)
    faults = f"{server}/_mock/faults"
    changes = Counter()

    def change_rules(stop: threading.Event) -> None:
        rule = {"path": "*/customerPaymentJournals", "tenant": tenant, "preset": "unavailable", "times": 2}
        with requests.Session() as session:
            for n in range(MAX_CONTROL_CALLS):
                if stop.is_set():
                    break
                added = session.post(faults, json=rule, timeout=30)
                calls = [added, session.get(faults, params={"tenant": tenant}, timeout=30)]
                if n % 3 == 0:
                    calls.append(session.delete(f"{faults}/{added.json()['id']}", timeout=30))
                if n % 5 == 0:
                    calls.append(session.delete(faults, params={"tenant": tenant}, timeout=30))
                changes.update(call.status_code for call in calls)

    try:
        seen = race(client, change_rules, rounds=6, allowed={503})
    finally:
        requests.delete(faults, params={"tenant": tenant}, timeout=30)
    assert set(changes) <= {200, 201, 204, 404}, changes  # 404: a rule that expired before its delete
    assert changes[201] >= 5 and seen[200] > 0
    # every 503 was an injected one, BC's "tenant is not accessible", and the journal says so
    journal = requests.get(
        f"{server}/_mock/requests", params={"tenant": tenant, "status": "503"}, timeout=30
    ).json()["value"]
    assert len(journal) == seen[503]
    assert all(entry["fault"] for entry in journal)


def test_journal_reads_racing_with_traffic_see_whole_entries(client, server):
    tenant = tenant_of(client)
    reads: list[list[int]] = []

    def read_repeatedly(stop: threading.Event) -> None:
        sizes: list[int] = []
        reads.append(sizes)
        with requests.Session() as session:
            for _ in range(MAX_CONTROL_CALLS):
                if stop.is_set():
                    break
                response = session.get(f"{server}/_mock/requests", params={"tenant": tenant}, timeout=30)
                assert response.status_code == 200
                entries = response.json()["value"]
                ids = [entry["id"] for entry in entries]
                assert ids == sorted(set(ids))  # oldest first, none twice
                for entry in entries:
                    assert entry["tenant"] == tenant and entry["method"] in ("GET", "POST", "PATCH", "DELETE")
                    assert entry["status"] is None or isinstance(entry["status"], int)
                sizes.append(len(entries))

    seen = race(client, read_repeatedly, rounds=6, allowed=set(), controls=2)
    for sizes in reads:  # nothing is cleared here: each reader sees the journal only grow
        assert sizes and sizes == sorted(sizes)
    journal = requests.get(f"{server}/_mock/requests", params={"tenant": tenant}, timeout=30).json()["value"]
    assert len(journal) == sum(seen.values())  # every request once, none lost
    assert all(entry["status"] is not None for entry in journal)  # and each closed with its answer
    assert Counter(entry["status"] for entry in journal) == seen
