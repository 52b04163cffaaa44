"""CSV: one row per touchpoint, for people who keep maps in spreadsheets.

Columns, in this order (``COLUMNS``, then one ``emotion:<persona id>`` column
per persona of the map):

==================  ==========================================================
``stage_id``        the stage's id (rows of one stage are grouped)
``stage_name``      the stage's name
``touchpoint_id``   the touchpoint's id; empty on a row that only declares an
                    empty stage
``touchpoint_name`` the touchpoint's name
``channel``         channel id
``mode``            online or offline
``action``          what the customer does
``thoughts``        what the customer thinks, one thought per line
``feeling``         a word for the emotion
``expectation``     exceeded, met or failed
``personas``        ids of the personas the step applies to, comma-separated;
                    empty: all of them
``emotion``         one score for everyone (on the map's scale)
``emotion:<id>``    the score of persona ``<id>`` (per-persona emotions)
``pain_points``     one pain point per line, written ``id: title``
``opportunities``   one opportunity per line, written ``id: title``
``description``     the touchpoint's description
==================  ==========================================================

Personas (from the ``emotion:<id>`` and ``personas`` columns) and channels are
defined in the imported map with their id as name, unless the project's
catalogues define them (then the map refers to them by id).

Lists are one item per line inside the cell (spreadsheets show line breaks);
a line break inside one thought or title becomes a space on export. What a map
holds beyond these columns (KPIs, actions, persona details, lanes, what a pain
point or opportunity addresses) is not carried by CSV: re-importing a map that
was exported keeps every value the CSV holds, nothing more.

Spreadsheet formula injection: on export, a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (after any leading ``'``) gets
a ``'`` in front, so that Excel, LibreOffice and Google Sheets show it as text
instead of running it as a formula (OWASP's advice). Number cells (emotions)
are never touched, so ``-2`` stays a number. Import removes exactly that one
``'`` again, so the round trip is exact. ``--no-excel-safe`` turns it off.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from cjm.authoring.interop import IdMaker, ImportProblem, short_text
from cjm.model.walk import persona_ids

COLUMNS = ("stage_id", "stage_name", "touchpoint_id", "touchpoint_name", "channel", "mode", "action", "thoughts",
           "feeling", "expectation", "personas", "emotion")
TAIL_COLUMNS = ("pain_points", "opportunities", "description")
EMOTION_PREFIX = "emotion:"

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"'+[=+\-@\t\r]")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def excel_safe(cell: str) -> str:
    return "'" + cell if _FORMULA.match(cell) else cell


def excel_unescape(cell: str) -> str:
    return cell[1:] if _UNESCAPE.match(cell) else cell


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(items) -> str:
    return "\n".join(_one_line(x) for x in items)


def _score(value) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def export_csv(model, excel_safe_cells: bool = True) -> str:
    """The map as CSV text (RFC 4180, CRLF line ends, UTF-8)."""
    pids = list(persona_ids(model))
    for stage in model.stages:  # per-persona emotions of personas the map does not list
        for tp in stage.touchpoints:
            if isinstance(tp.emotion, dict):
                pids.extend(p for p in tp.emotion if p not in pids)
    header = list(COLUMNS) + [EMOTION_PREFIX + p for p in pids] + list(TAIL_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    text = excel_safe if excel_safe_cells else (lambda s: s)

    def row(values: dict[str, str]) -> list[str]:
        return [values.get(h, "") if h.startswith(EMOTION_PREFIX) or h == "emotion" else text(values.get(h, ""))
                for h in header]

    for stage in model.stages:
        base = {"stage_id": stage.id, "stage_name": _one_line(stage.name)}
        if not stage.touchpoints:
            writer.writerow(row(base))
            continue
        for tp in stage.touchpoints:
            values = dict(base)
            values.update({
                "touchpoint_id": tp.id,
                "touchpoint_name": _one_line(tp.name),
                "channel": tp.channel or "",
                "mode": tp.mode or "",
                "action": tp.action or "",
                "thoughts": _lines(tp.thoughts),
                "feeling": tp.feeling or "",
                "expectation": tp.expectation or "",
                "personas": ", ".join(tp.personas) if tp.personas else "",
                "pain_points": _lines(f"{p.id}: {p.title}" for p in tp.pain_points),
                "opportunities": _lines(f"{o.id}: {o.title}" for o in tp.opportunities),
                "description": tp.description or "",
            })
            if isinstance(tp.emotion, dict):
                for pid, score in tp.emotion.items():
                    values[EMOTION_PREFIX + pid] = _score(score)
            else:
                values["emotion"] = _score(tp.emotion)
            writer.writerow(row(values))
    return out.getvalue()


# --- import --------------------------------------------------------------------


def _parse_score(cell: str, file: str, line: int, column: int, header: str) -> int | float:
    text = cell.strip()
    if not _NUMBER.match(text):
        raise ImportProblem(file, line, column, f"{header} must be a number; got {cell!r}")
    value = float(text)
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return value


def _items(cell: str, what: str, ids: IdMaker, file: str, line: int, column: int) -> list[dict]:
    out = []
    for item in cell.splitlines():
        item = item.strip()
        if not item:
            continue
        m = re.match(r"([a-z0-9][a-z0-9_-]{0,63})\s*:\s*(.+)\Z", item)
        if m:
            if m.group(1) in ids.taken:
                raise ImportProblem(file, line, column, f"the {what} id {m.group(1)!r} is used twice")
            out.append({"id": ids.take(m.group(1)), "title": short_text(m.group(2), m.group(1))})
        else:
            out.append({"id": ids.make(item, what.replace(" ", "-")), "title": short_text(item, what)})
    return out


def import_csv(text: str, file: str = "<csv>", title: str | None = None,
               scale: tuple[int, int] | None = None, excel_unescape_cells: bool = True,
               catalog: dict[str, set[str]] | None = None) -> tuple[dict[str, Any], list[str]]:
    """CSV text -> (map as plain dicts in the model's key order, warnings).
    Raises ``ImportProblem`` with the row's line and the cell's column.

    Personas and channels the rows name are defined in the map (named by their
    id), unless ``catalog`` (kind -> ids of the project's catalogues) has them:
    then the map refers to them by id."""
    catalog = catalog or {}
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportProblem(file, 1, 1, "the CSV file is empty") from None
    except csv.Error as exc:
        raise ImportProblem(file, 1, 1, f"not valid CSV: {exc}") from None
    known = set(COLUMNS) | set(TAIL_COLUMNS)
    warnings: list[str] = []
    persona_cols: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if h.startswith(EMOTION_PREFIX):
            pid = h[len(EMOTION_PREFIX):].strip()
            if not _ID.fullmatch(pid):
                raise ImportProblem(file, 1, i + 1, f"column {h!r}: {pid!r} is not a persona id "
                                    "(lowercase letters, digits, '-' and '_')")
            persona_cols.append((i, pid))
        elif h not in known:
            warnings.append(f"{file}:1:{i + 1}: column {h!r} is not one cjm reads; it is ignored")
    if header.count("touchpoint_name") + header.count("touchpoint_id") == 0:
        raise ImportProblem(file, 1, 1, "the header needs a touchpoint_name (or touchpoint_id) column")
    if "stage_id" not in header and "stage_name" not in header:
        raise ImportProblem(file, 1, 1, "the header needs a stage_id or stage_name column")
    col = {h: i for i, h in reversed(list(enumerate(header)))}
    unescape = excel_unescape if excel_unescape_cells else (lambda s: s)

    stages: dict[str, dict[str, Any]] = {}
    stage_by_name: dict[str, str] = {}
    stage_ids, touchpoint_ids, pain_ids, opp_ids = IdMaker(), IdMaker(), IdMaker(), IdMaker()
    used_personas: list[str] = [pid for _i, pid in persona_cols]
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue

            def get(name: str) -> str:
                i = col.get(name)
                return unescape(cells[i]) if i is not None and i < len(cells) else ""

            def where(name: str) -> int:
                return col.get(name, 0) + 1

            sid, sname = get("stage_id").strip(), get("stage_name").strip()
            key = sid or stage_by_name.get(sname) or ""
            if not sid and not sname:
                raise ImportProblem(file, line, 1, "the row has neither a stage_id nor a stage_name")
            if key not in stages:
                if sid and not _ID.fullmatch(sid):
                    raise ImportProblem(file, line, where("stage_id"), f"{sid!r} is not a valid stage id")
                new_id = stage_ids.take(sid) if sid else stage_ids.make(sname, "stage")
                stages[new_id] = {"id": new_id, "name": short_text(sname, sid), "touchpoints": []}
                if sname:
                    stage_by_name.setdefault(sname, new_id)
                key = new_id
            stage = stages[key]
            tid, tname = get("touchpoint_id").strip(), get("touchpoint_name").strip()
            if not tid and not tname:
                continue  # a row that declares a stage without touchpoints
            if tid:
                if not _ID.fullmatch(tid):
                    raise ImportProblem(file, line, where("touchpoint_id"), f"{tid!r} is not a valid touchpoint id")
                if tid in touchpoint_ids.taken:
                    raise ImportProblem(file, line, where("touchpoint_id"), f"the touchpoint id {tid!r} is used twice")
                touchpoint_ids.take(tid)
            else:
                tid = touchpoint_ids.make(tname, "step")
            tp: dict[str, Any] = {"id": tid, "name": short_text(tname, tid)}
            for name in ("channel", "mode"):
                if get(name).strip():
                    tp[name] = get(name).strip()
            if get("description"):
                tp["description"] = get("description")
            if get("action"):
                tp["action"] = get("action")
            thoughts = [t.strip() for t in get("thoughts").splitlines() if t.strip()]
            if thoughts:
                tp["thoughts"] = thoughts
            single = get("emotion").strip()
            per_persona = {}
            for i, pid in persona_cols:
                cell = cells[i].strip() if i < len(cells) else ""
                if cell:
                    per_persona[pid] = _parse_score(cell, file, line, i + 1, header[i])
            if single and per_persona:
                raise ImportProblem(file, line, where("emotion"),
                                    "give either one emotion for everyone or emotion:<persona> columns, not both")
            if single:
                tp["emotion"] = _parse_score(single, file, line, where("emotion"), "emotion")
            elif per_persona:
                tp["emotion"] = per_persona
            if short_text(get("feeling"), ""):
                tp["feeling"] = short_text(get("feeling"), "")
            if get("expectation").strip():
                tp["expectation"] = get("expectation").strip()
            if get("personas").strip():
                ids = [p.strip() for p in re.split(r"[,\s]+", get("personas")) if p.strip()]
                tp["personas"] = ids
                used_personas.extend(p for p in ids if p not in used_personas)
            pains = _items(get("pain_points"), "pain point", pain_ids, file, line, where("pain_points"))
            if pains:
                tp["pain_points"] = pains
            opps = _items(get("opportunities"), "opportunity", opp_ids, file, line, where("opportunities"))
            if opps:
                tp["opportunities"] = opps
            stage["touchpoints"].append(_ordered(tp))
    except csv.Error as exc:
        raise ImportProblem(file, line, 1, f"not valid CSV: {exc}") from None
    if not stages:
        raise ImportProblem(file, 2, 1, "the CSV file has a header but no rows")
    data: dict[str, Any] = {"cjm": 1, "title": short_text(title, "Imported journey")}
    if scale is not None:
        data["scale"] = {"min": scale[0], "max": scale[1]}
    personas = list(dict.fromkeys(used_personas))
    if personas:
        data["personas"] = [pid if pid in catalog.get("persona", ()) else {"id": pid, "name": pid}
                            for pid in personas]
    channels = list(dict.fromkeys(tp["channel"] for st in stages.values() for tp in st["touchpoints"]
                                  if "channel" in tp))
    local = [c for c in channels if c not in catalog.get("channel", ())]
    if local:
        data["channels"] = [{"id": c, "name": c} for c in local]
    data["stages"] = list(stages.values())
    return data, warnings


_TOUCHPOINT_ORDER = ("id", "name", "channel", "mode", "description", "action", "thoughts", "emotion", "feeling",
                     "expectation", "personas", "pain_points", "opportunities")


def _ordered(tp: dict[str, Any]) -> dict[str, Any]:
    """Keys in the model's order, as `cjm fmt` would write them."""
    return {k: tp[k] for k in _TOUCHPOINT_ORDER if k in tp}
