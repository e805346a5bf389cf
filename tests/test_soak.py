"""The served viewer under 8 concurrent clients (bench/soak.py), briefly: by request count.

`graphcrm serve` over a temporary database with the demo; 8 clients, 25 requests each, go round
every page, its API twin and small imports (dry runs, writes, re-imports, the imported person)
at once. No request may fail or answer without the name it should show, and every person and
tie imported must be in the database exactly once afterwards. Speed is `make soak`'s business.
"""

from __future__ import annotations

import random

from bench.soak import IMPORTS, landed, prepare, reads, served, server_errors, soak, summary
from graphcrm import projection
from graphcrm.ingest.files import import_path

CLIENTS, REQUESTS = 8, 25


def test_eight_clients_reading_and_importing_at_once_get_no_error_and_every_import_lands(tmp_path):
    db, log = tmp_path / "db", tmp_path / "serve.log"
    prepare(db)
    with served(db, log) as base:
        crowd = soak(base, clients=CLIENTS, requests=REQUESTS)
    result = summary(crowd, elapsed=1.0)
    assert result["errors"] == {}  # error messages by kind of request, if any
    assert result["overall"] == result["overall"] | {"requests": CLIENTS * REQUESTS, "errors": 0}
    every_kind = {r.kind for r in reads(random.Random(0))} | set(IMPORTS)
    assert set(result["kinds"]) == every_kind  # each client went round the whole mix
    assert all(len(c.importer.written) >= 1 for c in crowd)
    assert server_errors(log) == []
    got = landed(db, crowd)
    assert got["people_found"] == got["people_imported"] == 3 * sum(len(c.importer.written) for c in crowd)
    assert got["ties_found"] == got["ties_imported"] and got["exact"]  # each exactly once


def test_a_network_read_while_an_import_lands_holds_whole_people_and_is_read_again(seeded, write_files):
    """What the soak found: people and ties are two queries; an import between them gave ties
    to people the first did not hold (an IndexError: a 500 on the committee and path pages).
    Such a read now holds the people of its first query and the ties among them, and
    `projection.network`, seeing the version move during it, reads again."""
    store = seeded("jinchang")
    imports = iter(
        write_files(
            {
                "people.csv": f"id,name\nx.new{n},新人 New Person {n}\n",
                "ties.csv": f"source,target,type,strength\nx.new{n},jinchang.li-qiong,KNOWS,0.9\n",
            }
        )
        for n in (1, 2)
    )
    real_scan = store.scan
    landed: list[str] = []

    def scan(name, params=None):
        rows = real_scan(name, params)
        if name == "paths/network_people" and len(landed) < 2:
            folder = next(imports)
            import_path(store, folder, progress=False)  # lands after the people were read
            landed.append(folder.name)
        return rows

    store.scan = scan
    during = projection.read_network(store, store.version())
    assert landed and "x.new1" not in during.position  # the people of the first query only
    after = projection.network(store)  # x.new2 lands during its first read: it reads again
    assert len(landed) == 2 and after.version == store.version()
    lo, hi = after.ties_into(after.position["jinchang.li-qiong"])
    assert {after.position["x.new1"], after.position["x.new2"]} <= set(after.source[lo:hi].tolist())
