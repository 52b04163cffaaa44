"""The opportunity backlog across maps: every opportunity and action, the pain
points it addresses wherever they are, and a score.

Ratings are 1 to 5, written on the opportunity or action (``customer_value``,
``business_value``, ``effort``) or, when left out, estimated:

- customer value: from the worst pain point it addresses (low 2, medium 3,
  high 4, critical 5, unrated 3), one more when it addresses three or more
  (at most 5); 1 when it addresses none;
- business value: 1, plus one per KPI it should move (at most two; an
  opportunity counts the KPIs measured at its touchpoint), plus one when one
  of them is off target;
- effort: 3.

The score (0 to 100) weighs customer value, business value and ease (the
opposite of effort) with the project's weights (``site.weights`` in
cjm.yaml; defaults 2, 1, 1):

    score = 100 x (wc x (customer - 1) + wb x (business - 1) + we x (5 - effort)) / (4 x (wc + wb + we))

The same opportunity in several maps (same id and title) is one item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cjm.site.portfolio import MapInfo, Portfolio, kpi_status, touchpoints

SEVERITY_VALUE = {"low": 2, "medium": 3, "high": 4, "critical": 5, None: 3}
DEFAULT_EFFORT = 3
OPEN = ("idea", "planned", "in-progress")


@dataclass
class Item:
    kind: str  # opportunity | action
    id: str
    title: str
    places: list[tuple[MapInfo, str]] = field(default_factory=list)  # (map, where: touchpoint name or "actions")
    status: str | None = None  # actions only
    owner: str | None = None
    due: str | None = None
    addresses: list[tuple[MapInfo, dict[str, Any]]] = field(default_factory=list)  # (map, pain point)
    kpis: list[tuple[MapInfo, dict[str, Any]]] = field(default_factory=list)  # (map, KPI)
    given: dict[str, int] = field(default_factory=dict)
    customer: int = 1
    business: int = 1
    effort: int = DEFAULT_EFFORT
    score: int = 0
    rank: int = 0

    @property
    def estimated(self) -> set[str]:
        return {k for k in ("customer_value", "business_value", "effort") if k not in self.given}

    @property
    def is_open(self) -> bool:
        return self.kind == "opportunity" or self.status in OPEN

    def value(self, weights: tuple[float, float, float]) -> float:
        """Customer and business value together, on 1..5 (the matrix's vertical axis)."""
        wc, wb, _we = weights
        if wc + wb == 0:
            return (self.customer + self.business) / 2
        return (wc * self.customer + wb * self.business) / (wc + wb)

    @property
    def anchor(self) -> str:
        return f"item-{self.rank}"

    def maps(self) -> list[MapInfo]:
        """The maps it appears in, each once, in order."""
        return list({m.source: m for m, _where in self.places}.values())


EASY = 2  # at most this effort is easy: a quick win must be; an unrated item (3) is not


def quadrant(value: float, effort: int) -> str:
    """Where an item sits on the value/effort matrix: value 3 or more is high, effort 1 or 2 is easy."""
    high, easy = value >= 3, effort <= EASY
    return {(True, True): "Quick win", (True, False): "Big bet", (False, True): "Fill-in",
            (False, False): "Time sink"}[(high, easy)]


def score(customer: int, business: int, effort: int, weights: tuple[float, float, float]) -> int:
    wc, wb, we = weights
    total = wc + wb + we
    if total <= 0:
        return 0
    return round(100 * (wc * (customer - 1) + wb * (business - 1) + we * (5 - effort)) / (4 * total))


def _pain_index(m: MapInfo) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for _s, tp in touchpoints(m.data) for p in tp.get("pain_points", [])}


def build(portfolio: Portfolio) -> list[Item]:
    """Every opportunity and action of the portfolio, scored, best first (rank 1)."""
    items: dict[tuple[str, str, str], Item] = {}
    pains = {m.source: _pain_index(m) for m in portfolio.maps}
    kpis_by_map = {m.source: {k["id"]: k for k in m.data.get("kpis", [])} for m in portfolio.maps}

    def resolve(m: MapInfo, pid: str) -> tuple[MapInfo, dict[str, Any]] | None:
        if pid in pains[m.source]:
            return m, pains[m.source][pid]
        if m.improves and pid in pains.get(m.improves, {}):
            current = portfolio.by_source[m.improves]
            return current, pains[m.improves][pid]
        return None

    seen: dict[tuple[str, str, str], set[int]] = {}

    def add(m: MapInfo, kind: str, thing: dict[str, Any], where: str, kpi_ids: list[str]) -> None:
        key = (kind, thing["id"], thing["title"])
        item = items.get(key)
        if item is None:
            item = items[key] = Item(kind, thing["id"], thing["title"])
            item.status, item.owner, item.due = thing.get("status"), thing.get("owner"), thing.get("due")
            seen[key] = set()
        item.places.append((m, where))
        for rating in ("customer_value", "business_value", "effort"):
            if rating in thing and rating not in item.given:
                item.given[rating] = thing[rating]
        known = seen[key]
        for pid in thing.get("addresses", []):
            found = resolve(m, pid)
            if found and id(found[1]) not in known:
                known.add(id(found[1]))
                item.addresses.append(found)
        for kid in kpi_ids:
            kpi = kpis_by_map[m.source].get(kid)
            if kpi and id(kpi) not in known:
                known.add(id(kpi))
                item.kpis.append((m, kpi))

    for m in portfolio.maps:
        for _stage, tp in touchpoints(m.data):
            for opp in tp.get("opportunities", []):
                add(m, "opportunity", opp, tp["name"], list(tp.get("kpis", [])))
        for action in m.data.get("actions", []):
            add(m, "action", action, "actions", list(action.get("kpis", [])))

    weights = portfolio.options.weights
    out = list(items.values())
    for item in out:
        item.customer = item.given.get("customer_value", estimate_customer(item))
        item.business = item.given.get("business_value", estimate_business(item))
        item.effort = item.given.get("effort", DEFAULT_EFFORT)
        item.score = score(item.customer, item.business, item.effort, weights)
    out.sort(key=lambda i: (-i.score, not i.is_open, i.title.lower(), i.kind, i.id, i.places[0][0].source))
    for rank, item in enumerate(out, 1):
        item.rank = rank
    return out


def estimate_customer(item: Item) -> int:
    if not item.addresses:
        return 1
    worst = max(SEVERITY_VALUE.get(p.get("severity"), 3) for _m, p in item.addresses)
    return min(5, worst + (1 if len(item.addresses) >= 3 else 0))


def estimate_business(item: Item) -> int:
    off = any(kpi_status(k).state == "off" for _m, k in item.kpis)
    return min(5, 1 + min(2, len(item.kpis)) + (1 if off else 0))


@dataclass
class Bubble:
    x: float
    y: float
    r: float
    items: list[Item]
    label: str


def matrix(items: list[Item], weights: tuple[float, float, float], width: int = 720, height: int = 440,
           pad: int = 48) -> dict[str, Any]:
    """The value/effort matrix as plain geometry: open items grouped by effort
    and value (to the nearest half point), one bubble per group."""
    groups: dict[tuple[int, float], list[Item]] = {}
    for item in items:
        if not item.is_open:
            continue
        groups.setdefault((item.effort, round(item.value(weights) * 2) / 2), []).append(item)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def x_of(effort: float) -> float:
        return round(pad + (effort - 0.5) / 5 * inner_w, 1)

    def y_of(value: float) -> float:
        return round(pad + (5.5 - value) / 5 * inner_h, 1)

    bubbles = []
    for (effort, value), members in sorted(groups.items()):
        members.sort(key=lambda i: i.rank)
        r = round(min(26.0, 9 + 3.2 * (len(members) - 1) ** 0.5), 1) if len(members) > 1 else 11.0
        label = str(members[0].rank) if len(members) == 1 else f"\u00d7{len(members)}"
        bubbles.append(Bubble(x_of(effort), y_of(value), r, members, label))
    return {"width": width, "height": height, "pad": pad, "mid_x": x_of(EASY + 0.5), "mid_y": y_of(3 - 0.25),
            "x_ticks": [(x_of(e), e) for e in range(1, 6)], "y_ticks": [(y_of(v), v) for v in range(1, 6)],
            "bubbles": bubbles, "right": width - pad, "bottom": height - pad}
