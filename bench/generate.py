"""Deterministic synthetic data for the performance benchmark, in graphcrm's import format.

`generate(out_dir, people, ties, seed)` writes accounts.csv, people.csv, ties.csv,
opportunities.csv, committee.csv and referrals.csv (README, "Import formats") and a
manifest.json naming what the benchmark asks about. The graph grows the way real users' does,
from one account team to a whole sales org with imported networks: companies of 20-500 people
with org charts, colleagues who know each other (mostly in their own department, near their own
rank), a few hubs who know many people in other companies, our reps' contacts, influence,
alliances and rivalries, a few ties to competitors, buying committees and referral cascades.

Everything is vectorised numpy, drawn from `default_rng` streams keyed by the seed and the part
being drawn, with a fixed "today" (2026-11-23): the same arguments give byte-identical files.

    python -m bench.generate --scale S --out /tmp/bench-S [--seed 7]
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphcrm.schema import CHANNELS, STAGES, STANCES, SYMMETRIC_TIES, TIE_TYPES

SCALES: dict[str, tuple[int, int]] = {
    "tiny": (1_000, 10_000),
    "S": (10_000, 100_000),
    "M": (100_000, 1_000_000),
    "L": (1_000_000, 10_000_000),
}
TODAY = "2026-11-23"
BIG_ACCOUNT = 500  # people at the first company: the hidden-influencer benchmark's account
MIN_COMPANY = 20
MAX_COMPANY = 500
CHUNK_ROWS = 500_000  # ties.csv is written this many rows at a time

EPOCH = np.datetime64("2000-01-01")
TODAY_DAY = int((np.datetime64(TODAY) - EPOCH) // np.timedelta64(1, "D"))
# Every date the generator can write, by day number from EPOCH; index -1 is the empty cell.
DATES = np.append(np.datetime_as_string(EPOCH + np.arange(TODAY_DAY + 731), unit="D").astype(object), "")
STRENGTHS = np.array([f"{i / 100:g}" for i in range(101)], dtype=object)

OUR_COMPANY = "b.our-company"

# -- vocabulary -------------------------------------------------------------------------------------

SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"),
    ("林", "Lin"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"), ("孟", "Meng"),
)  # fmt: skip
GIVEN_NAMES = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
    ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"),
    ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"), ("平", "Ping"),
    ("刚", "Gang"), ("志强", "Zhiqiang"), ("建华", "Jianhua"), ("海燕", "Haiyan"), ("晓东", "Xiaodong"),
    ("红", "Hong"), ("斌", "Bin"), ("峰", "Feng"), ("欣", "Xin"), ("悦", "Yue"), ("浩", "Hao"),
    ("婷", "Ting"), ("鹏", "Peng"), ("辉", "Hui"), ("玲", "Ling"), ("凯", "Kai"), ("琼", "Qiong"),
)  # fmt: skip
NAMES = np.array([f"{sz}{gz} {se} {ge}" for sz, se in SURNAMES for gz, ge in GIVEN_NAMES], dtype=object)

# Department 0 holds the top person; 1-8 are a company's departments; 9-10 are our own team's.
DEPARTMENTS = (
    ("总裁办", "Executive Office"), ("销售部", "Sales"), ("市场部", "Marketing"), ("财务部", "Finance"),
    ("信息中心", "IT"), ("运营部", "Operations"), ("采购部", "Procurement"),
    ("人力资源部", "Human Resources"), ("研发部", "R&D"), ("大客户销售部", "Enterprise Sales"),
    ("售前部", "Presales"),
)  # fmt: skip
COMPANY_DEPARTMENTS = 8
SALES, PRESALES = 9, 10

PREFIXES = (
    ("恒远", "Hengyuan"), ("嘉禾", "Jiahe"), ("瑞丰", "Ruifeng"), ("东升", "Dongsheng"), ("星海", "Xinghai"),
    ("华信", "Huaxin"), ("康宁", "Kangning"), ("鼎盛", "Dingsheng"), ("金昌", "Jinchang"), ("旭日", "Xuri"),
    ("宏达", "Hongda"), ("天成", "Tiancheng"), ("永安", "Yong'an"), ("新元", "Xinyuan"), ("广和", "Guanghe"),
    ("中泰", "Zhongtai"), ("安信", "Anxin"), ("盛世", "Shengshi"), ("汇通", "Huitong"),
    ("长江", "Changjiang"),
)  # fmt: skip
INDUSTRIES = (
    ("物流", "Logistics", "logistics"), ("建设", "Construction", "construction"),
    ("食品", "Foods", "food processing"), ("医药", "Pharmaceutical", "pharmaceuticals"),
    ("电机", "Motor", "electrical machinery"), ("电子", "Electronics", "electronic equipment manufacturing"),
    ("能源", "Energy", "energy"), ("银行", "Bank", "banking"), ("医院", "Hospital", "healthcare"),
    ("零售", "Retail", "retail"), ("化工", "Chemicals", "chemicals"), ("软件", "Software", "software"),
)  # fmt: skip
REGIONS = (
    "Shaanxi",
    "Heilongjiang",
    "Yunnan",
    "Guangdong",
    "Jiangsu",
    "Zhejiang",
    "Sichuan",
    "Hubei",
    "Shandong",
)
COMPETITORS = (
    ("天联通信 Tianlian Telecom", "telecommunications (competing operator)"),
    ("博远软件 Boyuan Software", "office-automation software"),
    ("省电信 Provincial Telecom", "telecommunications (competing operator)"),
    ("华科云 Huake Cloud", "cloud services"),
    ("联信系统 Lianxin Systems", "systems integration"),
)
PRODUCTS = (
    "移动办公平台 Mobile office platform", "车辆调度 Fleet dispatch", "销售外勤 Field-sales app",
    "统一通信 Unified communications", "专用5G网络 Private 5G network", "云呼叫中心 Cloud contact centre",
    "物联网监测 IoT monitoring", "视频会议 Video conferencing",
)  # fmt: skip


class Flavour(enum.IntEnum):
    """The kinds of tie the generator draws; each has a type, contexts and a typical strength."""

    REPORTS = 0
    TIED = 1
    HIDDEN_INFLUENCE = 2
    HIDDEN_KNOWS = 3
    REP = 4
    REP_TEAM = 5
    INFLUENCE = 6
    ALLY = 7
    OPPOSES = 8
    KIN = 9
    HUB = 10
    COLLEAGUE = 11


@dataclass(frozen=True)
class TieKind:
    """A flavour's tie type, the contexts it is written with, and Beta(a, b) for its strength."""

    type: str
    contexts: tuple[str, ...]
    strength: tuple[float, float]


TIE_KINDS: dict[Flavour, TieKind] = {
    Flavour.REPORTS: TieKind("REPORTS_TO", ("org chart",), (5, 2)),
    Flavour.TIED: TieKind("TIED_TO", ("ex-employee", "friend", "close relations", "former partner"), (4, 3)),
    Flavour.HIDDEN_INFLUENCE: TieKind("INFLUENCES", ("drafts the briefings", "trusted adviser"), (7, 2)),
    Flavour.HIDDEN_KNOWS: TieKind("KNOWS", ("colleague", "confidant"), (4, 2)),
    Flavour.REP: TieKind(
        "KNOWS", ("sales visit", "exhibition", "linkedin", "reference call", "dinner"), (2, 3)
    ),
    Flavour.REP_TEAM: TieKind("KNOWS", ("team",), (5, 2)),
    Flavour.INFLUENCE: TieKind(
        "INFLUENCES", ("expertise", "results", "trusted adviser", "old friend"), (3, 3)
    ),
    Flavour.ALLY: TieKind("ALLY", ("same faction", "shared project", "old allies"), (4, 3)),
    Flavour.OPPOSES: TieKind("OPPOSES", ("budget conflict", "rival projects", "old grudge"), (3, 3)),
    Flavour.KIN: TieKind("KIN", ("family", "spouse", "cousin", "in-laws"), (6, 2)),
    Flavour.HUB: TieKind("KNOWS", ("alumni", "ex-colleague", "supplier", "friend", "club"), (2, 3)),
    Flavour.COLLEAGUE: TieKind("KNOWS", ("colleague",), (2.5, 3)),
}
CONTEXTS = np.array(
    list(dict.fromkeys(c for kind in TIE_KINDS.values() for c in kind.contexts)), dtype=object
)
CONTEXT_CODE = {c: i for i, c in enumerate(CONTEXTS)}
TYPE_CODE = np.array([TIE_TYPES.index(TIE_KINDS[f].type) for f in Flavour], dtype=np.int64)
SYMMETRIC = np.array([TIE_KINDS[f].type in SYMMETRIC_TIES for f in Flavour])

# Shares of the ties budget (ties.csv rows) for the tie kinds that are not structural.
SHARE_INFLUENCE, SHARE_ALLY, SHARE_OPPOSES, SHARE_KIN = 0.05, 0.025, 0.015, 0.003
SHARE_REPS = 0.15  # at most this share for our reps' contacts
SHARE_HUB = 0.25  # of what is left after the above: cross-company KNOWS, the rest is colleagues


# -- random helpers ---------------------------------------------------------------------------------


def stream(seed: int, part: str) -> np.random.Generator:
    """An independent generator per part, so one part's draws never shift another's."""
    return np.random.default_rng([seed, zlib.crc32(part.encode())])


@dataclass(frozen=True)
class Groups:
    """Members of each group in one array: group g is `members[start[g] : start[g] + count[g]]`."""

    members: np.ndarray
    start: np.ndarray
    count: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray, n_groups: int, where: np.ndarray | None = None) -> Groups:
        chosen = np.arange(len(keys)) if where is None else np.flatnonzero(where)
        members = chosen[np.argsort(keys[chosen], kind="stable")]
        count = np.bincount(keys[members], minlength=n_groups)
        return cls(members, np.concatenate(([0], np.cumsum(count)[:-1])), count)

    def __getitem__(self, group: int) -> np.ndarray:
        return self.members[self.start[group] : self.start[group] + self.count[group]]

    def pick(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One member drawn uniformly from each of `groups` (none of them may be empty)."""
        offset = (rng.random(len(groups)) * self.count[groups]).astype(np.int64)
        return self.members[self.start[groups] + offset]


def weighted(rng: np.random.Generator, cumulative: np.ndarray, n: int) -> np.ndarray:
    """`n` indices drawn with replacement, each in proportion to its weight (given as a cumsum)."""
    found = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.minimum(found, len(cumulative) - 1)


def shares(weights: np.ndarray, total: int = 100) -> np.ndarray:
    """Whole shares of `total` in proportion to `weights`, each at least 1, adding up exactly.

    Largest remainders: the importer wants each stage's percentages to add up to 100.
    """
    spare = total - len(weights)
    raw = weights / weights.sum() * spare
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: spare - base.sum()]] += 1
    return base + 1


def rounded(values: np.ndarray, step: int = 10_000, low: int = 10_000) -> np.ndarray:
    """Money amounts rounded to `step`, at least `low`."""
    return np.maximum(low, np.rint(values / step) * step).astype(np.int64)


# -- people and org charts ---------------------------------------------------------------------------


def company_sizes(rng: np.random.Generator, budget: int) -> np.ndarray:
    """Heavy-tailed company sizes in [20, 500] adding up to `budget`; the first is exactly 500."""
    draws = np.clip(
        np.rint(rng.lognormal(np.log(60), 0.9, budget // MIN_COMPANY + 1)), MIN_COMPANY, MAX_COMPANY
    )
    sizes = np.concatenate(([BIG_ACCOUNT], draws)).astype(np.int64)
    total = np.cumsum(sizes)
    last = int(np.searchsorted(total, budget))
    sizes = sizes[: last + 1].copy()
    sizes[last] -= total[last] - budget
    if sizes[last] < MIN_COMPANY:  # too small for a company: spread over the others (not the first)
        spare, sizes = int(sizes[last]), sizes[:last]
        for company in range(1, len(sizes)):
            take = min(spare, MAX_COMPANY - int(sizes[company]))
            sizes[company] += take
            spare -= take
    return sizes


@dataclass
class People:
    """Everyone, as parallel arrays: company people first (by company, department, rank), then our reps."""

    sizes: np.ndarray  # people per company
    company: np.ndarray  # per person; -1 for our reps
    rank: np.ndarray  # 1 = top of the org chart
    dept: np.ndarray  # index into DEPARTMENTS
    manager: np.ndarray  # the person they report to; -1 for the top of a chart

    @property
    def total(self) -> int:
        return len(self.rank)

    @property
    def n_company(self) -> int:
        return int(self.sizes.sum())

    @property
    def reps(self) -> np.ndarray:
        return np.arange(self.n_company, self.total)

    @cached_property
    def first(self) -> np.ndarray:
        """The first person of each company (its top person)."""
        return np.concatenate(([0], np.cumsum(self.sizes)[:-1]))

    @cached_property
    def dept_run(self) -> tuple[np.ndarray, np.ndarray]:
        """For each company person, where their department's run of people starts, and its length."""
        key = self.company[: self.n_company] * len(DEPARTMENTS) + self.dept[: self.n_company]
        _, start, inverse, count = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        return start[inverse], count[inverse]

    @cached_property
    def seniors(self) -> Groups:
        """Each company's people of rank 1 and 2."""
        return self.within_companies(self.rank <= 2)

    @cached_property
    def juniors(self) -> Groups:
        """Each company's people of rank 3 and below (every company has some: 20 > 1 + 7)."""
        return self.within_companies(self.rank >= 3)

    def within_companies(self, where: np.ndarray) -> Groups:
        n = self.n_company
        return Groups.of(self.company[:n], len(self.sizes), where[:n])


def org_charts(rng: np.random.Generator, sizes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Company, rank, department and manager of every company person.

    Each company is a tree with a span of control of 3-7 (laid out like a heap: the manager of
    position i is (i - 1) // span); the top person is rank 1, each level one rank lower; the
    rank-2 people head the departments and their reports inherit them. People are then ordered
    by company, department, rank, so that a department is a run of consecutive people.
    """
    n = int(sizes.sum())
    company = np.repeat(np.arange(len(sizes)), sizes)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pos = np.arange(n) - first[company]
    span = rng.integers(3, 8, len(sizes))[company]
    depth = np.zeros(n, np.int64)
    level_start, width = np.ones(n, np.int64), span.copy()
    while (below := pos >= level_start).any():
        depth += below
        level_start, width = level_start + width, width * span
    parent = np.where(pos > 0, first[company] + (pos - 1) // span, -1)
    dept = np.where(depth == 1, 1 + (pos - 1) % COMPANY_DEPARTMENTS, 0)
    for level in range(2, int(depth.max()) + 1):
        at = depth == level
        dept[at] = dept[parent[at]]
    order = np.lexsort((pos, depth, dept, company))
    new_index = np.empty(n, np.int64)
    new_index[order] = np.arange(n)
    manager = np.where(parent[order] >= 0, new_index[np.maximum(parent[order], 0)], -1)
    return company[order], depth[order] + 1, dept[order], manager


def our_team(n_reps: int, first_index: int) -> tuple[np.ndarray, ...]:
    """Rank, department and manager of our reps: a head of sales, directors, account managers."""
    directors = max(2, n_reps // 10)
    index = np.arange(n_reps)
    rank = np.where(index == 0, 1, np.where(index <= directors, 2, 3))
    dept = np.where((rank == 3) & (index % 5 == 0), PRESALES, SALES)
    manager = np.where(rank == 2, 0, 1 + index % directors)
    manager = np.where(rank == 1, -1, first_index + manager)
    return rank, dept, manager


def build_people(rng: np.random.Generator, people: int, n_reps: int) -> People:
    """Companies of 20-500 people with org charts, then our team of reps."""
    sizes = company_sizes(rng, people - n_reps)
    company, rank, dept, manager = org_charts(rng, sizes)
    rep_rank, rep_dept, rep_manager = our_team(n_reps, len(company))
    return People(
        sizes,
        np.concatenate((company, np.full(n_reps, -1))),
        np.concatenate((rank, rep_rank)),
        np.concatenate((dept, rep_dept)),
        np.concatenate((manager, rep_manager)),
    )


# -- accounts, referrals, opportunities, committees ------------------------------------------------


@dataclass
class Market:
    """Where each company stands with us: status, the day it was won (-1: never), the rep who owns it."""

    status: np.ndarray
    won_day: np.ndarray
    owner: np.ndarray

    @property
    def kind(self) -> np.ndarray:
        return np.where(np.isin(self.status, ("won", "active")), "customer", "prospect").astype(object)


def draw_market(rng: np.random.Generator, n_companies: int, n_reps: int) -> Market:
    """Mostly prospects (some lost), some customers (mostly won); the big account is a prospect."""
    customer = rng.random(n_companies) < 0.15
    status = np.where(
        customer,
        np.where(rng.random(n_companies) < 0.7, "won", "active"),
        np.where(rng.random(n_companies) < 0.9, "prospect", "lost"),
    ).astype(object)
    status[0] = "prospect"
    if not (status[1:] == "won").any():
        status[1] = "won"  # a referral cascade needs a won account to start from
    won_day = np.where(status == "won", TODAY_DAY - rng.integers(200, 1600, n_companies), -1)
    return Market(status, won_day, rng.integers(0, n_reps, n_companies))


@dataclass
class Referrals:
    """Referral rows (company indices and day numbers) and the won accounts the cascades start from."""

    roots: np.ndarray
    source: np.ndarray
    target: np.ndarray
    day: np.ndarray
    by_person: np.ndarray
    value: np.ndarray
    outcome: np.ndarray


def referral_cascades(rng: np.random.Generator, market: Market, people: People) -> Referrals:
    """Cascades from won accounts: each referrer refers 1-3 accounts; the referred and won refer onward.

    No account is referred twice: targets are taken in turn from one shuffled pool of 10% of the
    companies, the big account and the roots left out. A won referral makes its target a won
    customer, a lost one a lost prospect; a win that would fall after today stays open.
    """
    n = len(market.status)
    won = np.flatnonzero(market.status == "won")
    roots = np.sort(rng.choice(won, min(len(won), int(np.clip(n // 100, 2, 50))), replace=False))
    market.won_day[roots] = TODAY_DAY - rng.integers(1000, 1600, len(roots))
    pool = rng.permutation(np.setdiff1d(np.arange(1, n), roots))[: max(4, n // 10)]  # ~10% referred
    parts: list[tuple[np.ndarray, ...]] = []
    referrers, used = roots, 0
    for _generation in range(4):
        source = np.repeat(referrers, rng.integers(1, 4, len(referrers)))[: len(pool) - used]
        target, used = pool[used : used + len(source)], used + len(source)
        day = market.won_day[source] + rng.integers(30, 200, len(source))
        keep = day <= TODAY_DAY - 14
        source, target, day = source[keep], target[keep], day[keep]
        outcome = rng.choice(
            np.array(["won", "open", "lost"], dtype=object), len(source), p=(0.45, 0.35, 0.2)
        )
        win_day = day + rng.integers(40, 200, len(source))
        outcome[(outcome == "won") & (win_day > TODAY_DAY)] = "open"
        market.status[target] = np.where(outcome == "open", "prospect", outcome)
        market.won_day[target] = np.where(outcome == "won", win_day, -1)
        by_person = people.seniors.pick(rng, source)
        value = rounded(rng.lognormal(np.log(400_000), 0.6, len(source)))
        parts.append((source, target, day, by_person, value, outcome))
        referrers = target[outcome == "won"]
        if not len(referrers) or used >= len(pool):
            break
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    return Referrals(roots, *columns)


def plan_deals(rng: np.random.Generator, market: Market, refs: Referrals) -> pd.DataFrame:
    """Opportunities on ~10% of companies, mostly open: the big account, the won roots, referred accounts.

    A won or open referral gives its target a deal with the referral's outcome and value (a won
    one closes on the day it was won, so the referral report can count the days to win). Other
    companies not won are added, open or (if lost, or 15% of the time) lost, until ~10% of the
    companies have a deal and open ones outnumber won ones. About a third of the companies, the
    big account always, have a second, open deal.
    """
    n = len(market.status)
    first = {0: ("open", 0, -1)} | {int(r): ("won", 0, int(market.won_day[r])) for r in refs.roots}
    for target, outcome, value in zip(refs.target, refs.outcome, refs.value, strict=True):
        if outcome != "lost":
            first[int(target)] = (outcome, int(value), int(market.won_day[target]))
    won = sum(deal[0] == "won" for deal in first.values())
    wanted = max(3, round(0.1 * n) - len(first), 2 * won - len(first) + 1)
    others = rng.permutation(np.setdiff1d(np.flatnonzero(market.status != "won"), list(first)))[:wanted]
    lost = (market.status[others] == "lost") | (rng.random(len(others)) < 0.15)
    close = TODAY_DAY - rng.integers(30, 700, len(others))
    for company, is_lost, day in zip(others, lost, close, strict=True):
        first[int(company)] = ("lost", 0, int(day)) if is_lost else ("open", 0, -1)
    companies = np.array(sorted(first))
    second = companies[(rng.random(len(companies)) < 0.3) | (companies == 0)]
    rows = [(c, 0, *first[c]) for c in companies] + [(c, 1, "open", 0, -1) for c in second]
    deals = pd.DataFrame(rows, columns=["company", "order", "status", "value", "close_day"])
    return _fill_deals(rng, deals.sort_values(["company", "order"], ignore_index=True))


def _fill_deals(rng: np.random.Generator, deals: pd.DataFrame) -> pd.DataFrame:
    """Ids, names, stages, missing values and close dates (open deals close 1 week to 13 months ahead)."""
    n = len(deals)
    deals["id"] = [f"b.opp-{i:06d}" for i in range(n)]
    deals["name"] = np.array(PRODUCTS, dtype=object)[rng.integers(0, len(PRODUCTS), n)]
    open_ = deals["status"].to_numpy() == "open"
    stages = np.array(list(STAGES), dtype=object)
    late = np.array(["evaluate", "negotiate", "decide"], dtype=object)[rng.integers(0, 3, n)]
    stage = np.where(deals["status"] == "won", "decide", late)
    deals["stage"] = np.where(open_, stages[rng.integers(0, len(stages), n)], stage)
    deals.loc[0, "stage"] = "evaluate"
    value = rounded(rng.lognormal(np.log(500_000), 0.7, n), low=50_000)
    deals["value"] = np.where(deals["value"] > 0, deals["value"], value)
    deals["close_day"] = np.where(open_, TODAY_DAY + rng.integers(7, 400, n), deals["close_day"])
    return deals


def committees(
    rng: np.random.Generator, people: People, deals: pd.DataFrame, hidden: np.ndarray
) -> pd.DataFrame:
    """A buying committee of 5-12 of the company's people for every opportunity.

    The big account's first committee seats its hidden influencer.
    """
    frames = []
    for index, (opportunity, company) in enumerate(zip(deals["id"], deals["company"], strict=True)):
        seat = hidden[0] if index == 0 else None
        frames.append(_committee(rng, people, opportunity, int(company), seat))
    return pd.concat(frames, ignore_index=True)


def _committee(
    rng: np.random.Generator, people: People, opportunity: str, company: int, seat: int | None
) -> pd.DataFrame:
    """One committee: seniors more likely to sit; the most senior member decides (D).

    Each member has a say in a few stages; within each stage the percentages over its members
    add up to exactly 100. The overall influence shares 100 by each member's say over the stages.
    """
    start, size = int(people.first[company]), int(people.sizes[company])
    weight = people.rank[start : start + size].astype(float) ** -1.5
    members = start + rng.choice(size, int(rng.integers(5, 13)), replace=False, p=weight / weight.sum())
    if seat is not None and seat not in members:
        members[-1] = seat
    members = members[np.argsort(people.rank[members], kind="stable")]
    m = len(members)
    percent = _stage_percentages(rng, people.rank[members])
    roles = np.array(["E", "S", "U", "E;S", "S;U"], dtype=object)[
        rng.choice(5, m, p=(0.3, 0.3, 0.25, 0.1, 0.05))
    ]
    roles[0] = "D;E" if rng.random() < 0.3 else "D"
    stages = list(STAGES)
    return pd.DataFrame(
        {
            "opportunity_id": opportunity,
            "person_id": members,
            "roles": roles,
            "attitude": rng.choice(np.array(["A", "P", "R"], dtype=object), m, p=(0.4, 0.4, 0.2)),
            "stance": rng.choice(np.array(STANCES, dtype=object), m, p=(0.08, 0.3, 0.45, 0.1, 0.07)),
            "influence": shares(percent.sum(axis=1).astype(float)),
            "stage_influence": [
                ";".join(f"{stages[s]}={row[s]}" for s in np.flatnonzero(row)) for row in percent
            ],
        }
    )


def _stage_percentages(rng: np.random.Generator, ranks: np.ndarray) -> np.ndarray:
    """Members x stages: each has a say in some stages (the decider in `decide`); columns add to 100."""
    m, n_stages = len(ranks), len(STAGES)
    decide = list(STAGES).index("decide")
    takes = rng.random((m, n_stages)) < 0.4
    takes[0, decide] = True
    silent = np.flatnonzero(~takes.any(axis=1))
    takes[silent, rng.integers(0, n_stages, len(silent))] = True
    weight = rng.gamma(1.5, 1.0, (m, n_stages)) / np.sqrt(ranks)[:, None]
    weight[0, decide - 1 :] *= 3
    percent = np.zeros((m, n_stages), np.int64)
    for stage in range(n_stages):
        if (who := takes[:, stage]).any():
            percent[who, stage] = shares(weight[who, stage])
    return percent


# -- ties --------------------------------------------------------------------------------------------


@dataclass
class Ties:
    """Tie rows: source and target (person index, or people + competitor index for TIED_TO), flavour."""

    source: np.ndarray
    target: np.ndarray
    flavour: np.ndarray

    @classmethod
    def of(cls, source: np.ndarray, target: np.ndarray, flavour: Flavour) -> Ties:
        keep = source != target
        source, target = source[keep].astype(np.int64), target[keep].astype(np.int64)
        return cls(source, target, np.full(len(source), int(flavour), np.int8))

    @classmethod
    def join(cls, parts: Sequence[Ties]) -> Ties:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("source", "target", "flavour")))

    def __len__(self) -> int:
        return len(self.source)

    def take(self, rows: np.ndarray) -> Ties:
        return Ties(self.source[rows], self.target[rows], self.flavour[rows])

    def keys(self, n_nodes: int) -> np.ndarray:
        """One number per distinct tie: (type, low, high) for symmetric types, (type, source, target) else."""
        symmetric = SYMMETRIC[self.flavour]
        low = np.where(symmetric, np.minimum(self.source, self.target), self.source)
        high = np.where(symmetric, np.maximum(self.source, self.target), self.target)
        return (TYPE_CODE[self.flavour] * n_nodes + low) * n_nodes + high


def colleague_pairs(rng: np.random.Generator, people: People, n: int) -> tuple[np.ndarray, np.ndarray]:
    """About `n` pairs of colleagues: mostly same department and nearby rank, some anyone, some a senior."""
    a = rng.integers(0, people.n_company, n)
    start, size = people.dept_run
    mode, offset = rng.random(n), np.rint(rng.normal(0, 3, n)).astype(np.int64)
    near = np.clip(a + offset, start[a], start[a] + size[a] - 1)
    department = start[a] + (rng.random(n) * size[a]).astype(np.int64)
    company = people.company[a]
    anyone = people.first[company] + (rng.random(n) * people.sizes[company]).astype(np.int64)
    senior = people.seniors.pick(rng, company)
    b = np.select([mode < 0.4, mode < 0.7, mode < 0.9], [near, department, anyone], senior)
    return a, b


def company_pairs(rng: np.random.Generator, people: People, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` pairs of people of the same company, anywhere in it."""
    a = rng.integers(0, people.n_company, n)
    company = people.company[a]
    return a, people.first[company] + (rng.random(n) * people.sizes[company]).astype(np.int64)


def hub_pairs(rng: np.random.Generator, people: People, n: int) -> tuple[np.ndarray, np.ndarray]:
    """About `n` cross-company acquaintances with a power-law degree distribution (Chung-Lu).

    Each person's sociability is Pareto(1.8) capped at 300, and both ends of a tie are drawn in
    proportion to it: a few hubs know hundreds. Pairs within one company are dropped.
    """
    sociability = np.minimum((1 - rng.random(people.n_company)) ** (-1 / 1.8), 300)
    cumulative = np.cumsum(sociability)
    a, b = weighted(rng, cumulative, n), weighted(rng, cumulative, n)
    other = people.company[a] != people.company[b]
    return a[other], b[other]


def rep_contacts(rng: np.random.Generator, people: People, owner: np.ndarray, budget: int) -> Ties:
    """Each rep knows ~100-300 people (some more), 70% at the companies they own, seniors more likely.

    Scaled down when that would exceed `budget` (tiny sizes).
    """
    reps, n = people.reps, people.n_company
    wanted = np.clip(rng.lognormal(np.log(170), 0.5, len(reps)), 100, 900)
    wanted = np.maximum(1, np.rint(wanted * min(1.0, budget / wanted.sum()))).astype(np.int64)
    seniority = 1.0 / people.rank[:n]
    anyone = np.cumsum(seniority)
    owned = Groups.of(owner[people.company[:n]], len(reps))
    parts = []
    for index, rep in enumerate(reps):
        mine = owned[index]
        k_own = int(0.7 * wanted[index]) if len(mine) else 0
        own = mine[weighted(rng, np.cumsum(seniority[mine]), k_own)] if k_own else mine[:0]
        contacts = np.concatenate((own, weighted(rng, anyone, int(wanted[index]) - k_own)))
        parts.append(Ties.of(np.full(len(contacts), rep), contacts, Flavour.REP))
    return Ties.join(parts)


def team_ties(people: People) -> Ties:
    """Our reps know everyone in their own team (a director and their account managers)."""
    reps = people.reps
    team = np.where(people.rank[reps] == 3, people.manager[reps], reps)
    a, b = np.triu_indices(len(reps), 1)
    same = team[a] == team[b]
    return Ties.of(reps[a[same]], reps[b[same]], Flavour.REP_TEAM)


def hidden_influencers(rng: np.random.Generator, people: People) -> np.ndarray:
    """One junior (rank 3 or below) per company whom the seniors listen to."""
    return people.juniors.pick(rng, np.arange(len(people.sizes)))


def structural_ties(rng: np.random.Generator, people: People, hidden: np.ndarray, n_competitors: int) -> Ties:
    """The org charts (REPORTS_TO), the hidden influencers' ties, and the few ties to competitors.

    Every senior of a company listens to its hidden influencer (strong INFLUENCES), who also knows
    ~15 colleagues. One person in 2,000 (at least one) is tied to a competitor.
    """
    reports = np.flatnonzero(people.manager >= 0)
    seniors = people.seniors.members
    knows = np.repeat(hidden, 15)
    colleagues = people.first[people.company[knows]]
    colleagues = colleagues + (rng.random(len(knows)) * people.sizes[people.company[knows]]).astype(np.int64)
    tied = np.sort(rng.choice(people.n_company, max(1, round(people.total * 0.0005)), replace=False))
    competitor = people.total + rng.integers(0, n_competitors, len(tied))
    return Ties.join(
        [
            Ties.of(reports, people.manager[reports], Flavour.REPORTS),
            Ties.of(hidden[people.company[seniors]], seniors, Flavour.HIDDEN_INFLUENCE),
            Ties.of(knows, colleagues, Flavour.HIDDEN_KNOWS),
            Ties.of(tied, competitor, Flavour.TIED),
        ]
    )


def draw_ties(
    rng: np.random.Generator,
    people: People,
    market: Market,
    hidden: np.ndarray,
    n_competitors: int,
    budget: int,
) -> Ties:
    """`budget` distinct, valid tie rows: structure, reps, influence and factions, hubs, then colleagues.

    Every part is drawn, then deduplicated on its key (a symmetric pair once, in either
    direction); an OPPOSES pair that is also ALLY is dropped. Colleague KNOWS fill the rest
    exactly, drawn in rounds until enough distinct new ones are found.
    """
    n_nodes = people.total + n_competitors
    fixed = [
        structural_ties(rng, people, hidden, n_competitors),
        rep_contacts(rng, people, market.owner, round(SHARE_REPS * budget)),
        team_ties(people),
        Ties.of(*colleague_pairs(rng, people, round(SHARE_INFLUENCE * budget)), Flavour.INFLUENCE),
        Ties.of(*colleague_pairs(rng, people, round(SHARE_ALLY * budget)), Flavour.ALLY),
        Ties.of(*company_pairs(rng, people, round(SHARE_OPPOSES * budget)), Flavour.OPPOSES),
        _kin(rng, people, round(SHARE_KIN * budget)),
    ]
    left = budget - sum(map(len, fixed))
    core = _distinct(
        Ties.join([*fixed, Ties.of(*hub_pairs(rng, people, round(SHARE_HUB * left)), Flavour.HUB)]), n_nodes
    )
    if len(core) > budget:
        raise ValueError(
            f"{budget:,} ties are too few for {people.total:,} people (the org charts alone need more)"
        )
    colleagues = _colleague_top_up(rng, people, np.sort(core.keys(n_nodes)), budget - len(core), n_nodes)
    ties = Ties.join([core, colleagues])
    return ties.take(np.argsort(ties.keys(n_nodes), kind="stable"))


def _kin(rng: np.random.Generator, people: People, n: int) -> Ties:
    """Family ties: half within a company, half between any two people."""
    inside = company_pairs(rng, people, n // 2)
    anywhere = rng.integers(0, people.n_company, (2, n - n // 2))
    return Ties.join([Ties.of(*inside, Flavour.KIN), Ties.of(anywhere[0], anywhere[1], Flavour.KIN)])


def _distinct(ties: Ties, n_nodes: int) -> Ties:
    """Each tie once (the first drawn wins), and no OPPOSES between two allies."""
    keys = ties.keys(n_nodes)
    order = np.argsort(keys, kind="stable")
    ties = ties.take(np.sort(order[_firsts(keys[order])]))
    pair = np.minimum(ties.source, ties.target) * n_nodes + np.maximum(ties.source, ties.target)
    allies = np.sort(pair[ties.flavour == Flavour.ALLY])
    clash = (ties.flavour == Flavour.OPPOSES) & _among(allies, pair)
    return ties.take(np.flatnonzero(~clash))


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each value of a sorted array first appears (a sort-based np.unique: much faster on int64)."""
    return np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else ordered.astype(bool)


def _among(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which `values` are in the sorted array `ordered` (np.isin by binary search)."""
    if not len(ordered):
        return np.zeros(len(values), bool)
    return ordered[np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)] == values


def _colleague_top_up(
    rng: np.random.Generator, people: People, taken: np.ndarray, need: int, n_nodes: int
) -> Ties:
    """`need` colleague KNOWS ties, none among the sorted `taken` keys, drawn in rounds until enough.

    Near colleagues repeat often, so each round draws for the share of new ties the last one found.
    """
    keys, found = np.empty(0, np.int64), 1.0
    for _round in range(20):
        missing = need - len(keys)
        if missing <= 0:
            break
        size = int(missing / found * 1.1) + 64
        fresh = Ties.of(*colleague_pairs(rng, people, size), Flavour.COLLEAGUE).keys(n_nodes)
        merged = np.sort(np.concatenate((keys, fresh[~_among(taken, fresh)])))
        merged = merged[_firsts(merged)]
        found, keys = max(0.02, (len(merged) - len(keys)) / size), merged
    if len(keys) < need * 0.95:
        raise ValueError(f"cannot find {need:,} distinct colleague ties: too many ties for the people")
    if len(keys) > need:
        keys = np.sort(rng.choice(keys, need, replace=False))
    low, high = (keys // n_nodes) % n_nodes, keys % n_nodes
    flip = rng.random(len(keys)) < 0.5  # either end may be listed first
    return Ties.of(np.where(flip, high, low), np.where(flip, low, high), Flavour.COLLEAGUE)


def tie_attributes(rng: np.random.Generator, flavour: np.ndarray) -> dict[str, np.ndarray]:
    """Strength (0.05-1, per flavour; most moderate), context, since, and last contact (10% unknown).

    Ties start up to 20 years ago (more of them recent); the last contact falls between the
    start and today, mostly recently.
    """
    n = len(flavour)
    strength = np.empty(n, np.int64)
    context = np.empty(n, np.int64)
    for kind_code, kind in TIE_KINDS.items():
        rows = np.flatnonzero(flavour == kind_code)
        strength[rows] = np.rint(rng.beta(*kind.strength, len(rows)) * 100)
        codes = np.array([CONTEXT_CODE[c] for c in kind.contexts])
        context[rows] = codes[rng.integers(0, len(codes), len(rows))]
    age = 1 + np.rint(7300 * rng.random(n) ** 1.7).astype(np.int64)
    last = TODAY_DAY - np.rint(age * rng.random(n) ** 3).astype(np.int64)
    last[rng.random(n) < 0.1] = -1
    return {"strength": np.clip(strength, 5, 100), "context": context, "since": TODAY_DAY - age, "last": last}


# -- writing ------------------------------------------------------------------------------------------


def accounts_frame(
    rng: np.random.Generator, market: Market, n_suppliers: int, n_competitors: int
) -> pd.DataFrame:
    """Companies (customers and prospects, with tier, status, revenue, potential), then the orgs."""
    n = len(market.status)
    prefix = rng.integers(0, len(PREFIXES), n)
    industry = rng.integers(0, len(INDUSTRIES), n)
    customer = market.kind == "customer"
    revenue = np.where(customer, rounded(rng.lognormal(np.log(400_000), 0.8, n)), 0)
    potential = rounded(rng.lognormal(np.log(900_000), 0.7, n), low=50_000)
    grid = np.where(
        potential >= 1_000_000,
        np.where(revenue >= 500_000, "A+", "A"),
        np.where(revenue >= 500_000, "B", "C"),
    )
    tier = np.where(rng.random(n) < 0.2, np.array(["A+", "A", "B", "C"])[rng.integers(0, 4, n)], grid)
    companies = pd.DataFrame(
        {
            "id": company_ids(n),
            "name": [
                f"{PREFIXES[p][0]}{INDUSTRIES[i][0]} {PREFIXES[p][1]} {INDUSTRIES[i][1]} {c}"
                for c, (p, i) in enumerate(zip(prefix, industry, strict=True))
            ],
            "kind": market.kind,
            "industry": np.array([i[2] for i in INDUSTRIES], dtype=object)[industry],
            "nature": rng.choice(
                np.array(["commercial", "institution", "government"], dtype=object), n, p=(0.85, 0.1, 0.05)
            ),
            "tier": tier.astype(object),
            "status": market.status,
            "revenue": revenue,
            "potential": potential,
            "region": np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)],
        }
    )
    accounts = pd.concat([companies, _orgs(n_suppliers, n_competitors)], ignore_index=True)
    return accounts.astype({"revenue": "Int64", "potential": "Int64"})  # orgs: empty, not NaN


def _orgs(n_suppliers: int, n_competitors: int) -> pd.DataFrame:
    """Our own company, the suppliers and the competitors (orgs: no tier, status or money)."""
    rows = [(OUR_COMPANY, "我们公司 Our Company", "other", "telecommunications (enterprise services)")]
    for i in range(n_suppliers):
        zh, en = PREFIXES[i % len(PREFIXES)]
        rows.append((f"b.sup-{i:03d}", f"{zh}供应 {en} Supply {i}", "supplier", "components"))
    for org_id, (name, industry) in zip(competitor_ids(n_competitors), COMPETITORS, strict=False):
        rows.append((org_id, name, "competitor", industry))
    orgs = pd.DataFrame(rows, columns=["id", "name", "kind", "industry"])
    orgs["nature"] = "commercial"
    return orgs


def company_ids(n: int) -> list[str]:
    return [f"b.acc-{i:06d}" for i in range(n)]


def competitor_ids(n: int) -> list[str]:
    return [f"b.comp-{i:02d}" for i in range(n)]


def person_ids(people: People) -> np.ndarray:
    """`b.p-0000123` for company people, `b.rep-0001` for our reps (zero-padded: they sort in order)."""
    ids = [f"b.p-{i:07d}" for i in range(people.n_company)]
    ids += [f"b.rep-{i + 1:04d}" for i in range(len(people.reps))]
    return np.array(ids, dtype=object)


def people_frame(
    rng: np.random.Generator, people: People, ids: np.ndarray, accounts: list[str]
) -> pd.DataFrame:
    """people.csv: names, their company, title from department and rank; a fifth list a channel."""
    n = people.total
    org = np.append(np.array(accounts, dtype=object), OUR_COMPANY)  # company -1: our company
    channels = np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n)]
    return pd.DataFrame(
        {
            "id": ids,
            "name": NAMES[rng.integers(0, len(NAMES), n)],
            "org_id": org[people.company],
            "title": TITLES[people.dept, np.minimum(people.rank, 5) - 1],
            "department": np.array([d[1] for d in DEPARTMENTS], dtype=object)[people.dept],
            "rank": people.rank,
            "is_rep": np.where(people.company < 0, "true", "false"),
            "channels": np.where(rng.random(n) < 0.2, channels, ""),
        }
    )


def _titles() -> np.ndarray:
    """Title by department and rank (1-5, 5 meaning 5 and below)."""
    table = np.empty((len(DEPARTMENTS), 5), dtype=object)
    for d, (zh, en) in enumerate(DEPARTMENTS):
        table[d] = [
            "总经理 General Manager",
            f"副总裁 Vice-President ({en})",
            f"{zh}经理 {en} Manager",
            f"{zh}主管 {en} Supervisor",
            f"{zh}专员 {en} Specialist",
        ]
    table[SALES, :3] = [
        "销售副总裁 Vice-President Sales",
        "大客户销售总监 Enterprise Sales Director",
        "大客户经理 Key Account Manager",
    ]
    table[PRESALES, 2] = "解决方案顾问 Solution Consultant"
    return table


TITLES = _titles()


def write_ties(path: Path, ties: Ties, attributes: dict[str, np.ndarray], node_ids: np.ndarray) -> None:
    """ties.csv, written in chunks so that only one chunk's text is in memory at a time."""
    types = np.array(TIE_TYPES, dtype=object)[TYPE_CODE]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("source,target,type,strength,context,since,last_contact\n")
        for start in range(0, len(ties), CHUNK_ROWS):
            rows = slice(start, start + CHUNK_ROWS)
            chunk = pd.DataFrame(
                {
                    "source": node_ids[ties.source[rows]],
                    "target": node_ids[ties.target[rows]],
                    "type": types[ties.flavour[rows]],
                    "strength": STRENGTHS[attributes["strength"][rows]],
                    "context": CONTEXTS[attributes["context"][rows]],
                    "since": DATES[attributes["since"][rows]],
                    "last_contact": DATES[attributes["last"][rows]],
                }
            )
            chunk.to_csv(out, header=False, index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def referrals_frame(refs: Referrals, accounts: list[str], ids: np.ndarray) -> pd.DataFrame:
    account = np.array(accounts, dtype=object)
    return pd.DataFrame(
        {
            "source": account[refs.source],
            "target": account[refs.target],
            "date": DATES[refs.day],
            "by_person": ids[refs.by_person],
            "value": refs.value,
            "outcome": refs.outcome,
        }
    )


def opportunities_frame(deals: pd.DataFrame, accounts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": deals["id"],
            "account_id": np.array(accounts, dtype=object)[deals["company"].to_numpy()],
            "name": deals["name"],
            "stage": deals["stage"],
            "value": deals["value"],
            "close_date": DATES[deals["close_day"].to_numpy()],
            "status": deals["status"],
        }
    )


# -- the whole data set ------------------------------------------------------------------------------


def generate(out_dir: Path, people: int, ties: int, seed: int = 7) -> dict[str, Any]:
    """Write a synthetic data set of `people` people and `ties` ties.csv rows into `out_dir`.

    Returns the manifest (also written as manifest.json): the inputs, counts per file and tie
    type, the counts the database will hold, and the ids the benchmark asks about.
    """
    n_reps = 50 if people >= 5_000 else 20
    if people < n_reps + BIG_ACCOUNT + MIN_COMPANY or ties < 3 * people:
        raise ValueError(f"need at least {n_reps + BIG_ACCOUNT + MIN_COMPANY} people and 3 ties per person")
    out_dir.mkdir(parents=True, exist_ok=True)
    folk = build_people(stream(seed, "people"), people, n_reps)
    n_companies = len(folk.sizes)
    market = draw_market(stream(seed, "market"), n_companies, n_reps)
    refs = referral_cascades(stream(seed, "referrals"), market, folk)
    deals = plan_deals(stream(seed, "opportunities"), market, refs)
    hidden = hidden_influencers(stream(seed, "hidden"), folk)
    members = committees(stream(seed, "committees"), folk, deals, hidden)
    n_suppliers = int(np.clip(n_companies // 50, 3, 50))
    n_competitors = int(stream(seed, "competitors").integers(3, 6))
    tie_rows = draw_ties(stream(seed, "ties"), folk, market, hidden, n_competitors, ties)

    ids = person_ids(folk)
    accounts = company_ids(n_companies)
    members["person_id"] = ids[members["person_id"].to_numpy()]
    frames = {
        "accounts": accounts_frame(stream(seed, "accounts"), market, n_suppliers, n_competitors),
        "people": people_frame(stream(seed, "names"), folk, ids, accounts),
        "opportunities": opportunities_frame(deals, accounts),
        "committee": members,
        "referrals": referrals_frame(refs, accounts, ids),
    }
    for name, frame in frames.items():
        write_csv(frame, out_dir / f"{name}.csv")
    node_ids = np.concatenate((ids, np.array(competitor_ids(n_competitors), dtype=object)))
    write_ties(
        out_dir / "ties.csv",
        tie_rows,
        tie_attributes(stream(seed, "tie-attributes"), tie_rows.flavour),
        node_ids,
    )

    manifest = build_manifest(
        stream(seed, "manifest"), (people, ties, seed), frames, tie_rows, ids, folk, refs, hidden
    )
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def build_manifest(
    rng: np.random.Generator,
    inputs: tuple[int, int, int],
    frames: dict[str, pd.DataFrame],
    ties: Ties,
    ids: np.ndarray,
    people: People,
    refs: Referrals,
    hidden: np.ndarray,
) -> dict[str, Any]:
    """What was written and what the benchmark asks about (targets: committee members of open deals)."""
    opportunities, members = frames["opportunities"], frames["committee"]
    open_ids = opportunities.loc[opportunities["status"] == "open", "id"]
    in_open = np.unique(
        members.loc[members["opportunity_id"].isin(open_ids), "person_id"].to_numpy().astype(str)
    )
    targets = np.sort(rng.choice(in_open, min(200, len(in_open)), replace=False))
    type_codes = TYPE_CODE[ties.flavour]
    tie_types = {t: int((type_codes == i).sum()) for i, t in enumerate(TIE_TYPES)}
    counts = {f"{name}.csv": len(frame) for name, frame in frames.items()} | {"ties.csv": len(ties)}
    accounts = frames["accounts"]
    return {
        "people": inputs[0],
        "ties": inputs[1],
        "seed": inputs[2],
        "today": TODAY,
        "counts": dict(sorted(counts.items())),
        "tie_types": tie_types,
        "graph": expected_graph(accounts, frames, tie_types, len(people.reps)),
        "big_account": accounts["id"].iloc[0],
        "big_account_hidden_influencer": str(ids[hidden[0]]),
        "targets": targets.tolist(),
        "open_opportunities": sorted(open_ids)[:50],
        "won_accounts": [accounts["id"].iloc[r] for r in refs.roots if r in refs.source][:50],
        "reps": ids[people.reps].tolist(),
    }


def expected_graph(
    accounts: pd.DataFrame, frames: dict[str, pd.DataFrame], tie_types: dict[str, int], n_reps: int
) -> dict[str, int]:
    """Nodes by label and relationships by type once imported (symmetric ties are stored both ways)."""
    n_accounts = int(accounts["kind"].isin(("customer", "prospect")).sum())
    labels = {
        "Account": n_accounts,
        "Org": len(accounts) - n_accounts,
        "Person": len(frames["people"]),
        "Rep": n_reps,
        "Opportunity": len(frames["opportunities"]),
    }
    labels["Node"] = len(accounts) + len(frames["people"]) + len(frames["opportunities"])
    relationships = {t: n * (2 if t in SYMMETRIC_TIES else 1) for t, n in tie_types.items()}
    relationships |= {
        "WORKS_AT": len(frames["people"]),
        "FOR": len(frames["opportunities"]),
        "IN_COMMITTEE": len(frames["committee"]),
        "REFERRED": len(frames["referrals"]),
    }
    return {name: n for name, n in sorted((labels | relationships).items()) if n}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.generate --scale S --out DIR [--seed 7]` (or `--people N --ties N`)."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        help="people and ties: " + ", ".join(f"{k} {v}" for k, v in SCALES.items()),
    )
    parser.add_argument("--people", type=int, help="instead of --scale")
    parser.add_argument("--ties", type=int, help="instead of --scale")
    parser.add_argument(
        "--out", type=Path, required=True, help="folder to write the CSV files and manifest.json into"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.scale:
        people, ties = SCALES[args.scale]
    elif args.people and args.ties:
        people, ties = args.people, args.ties
    else:
        parser.error("give --scale, or both --people and --ties")
    started = time.perf_counter()
    try:
        manifest = generate(args.out, people, ties, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    counts = ", ".join(f"{name} {n:,}" for name, n in manifest["counts"].items())
    print(f"{args.out}: {counts} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
