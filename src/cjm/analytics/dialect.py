"""The two SQL dialects cjm writes: DuckDB and Spark SQL.

cjm owns the SQL text of each dialect instead of transpiling: a generic transpiler turned
an exact percentile into an approximate one. Only what differs lives here; the query shapes
(joins, window functions, aggregates) are written once in `cjm.analytics.queries`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass
class ColType:
    """A column type reduced to what the queries need, from either engine's schema."""

    kind: str  # string, int, float, bool, timestamp_tz, timestamp, date, struct, map, list, other
    fields: dict[str, "ColType"] = field(default_factory=dict)  # struct members
    element: "ColType | None" = None  # list element or map value


def quote_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Dialect(ABC):
    name = ""
    text_type = "VARCHAR"

    @abstractmethod
    def ident(self, name: str) -> str:
        """A quoted identifier."""

    @abstractmethod
    def text(self, value: str) -> str:
        """A string literal."""

    @abstractmethod
    def field(self, base: str, name: str) -> str:
        """A struct member."""

    @abstractmethod
    def map_get(self, base: str, key: str) -> str:
        """A map's value for a key, NULL when absent."""

    @abstractmethod
    def json_get(self, base: str, key: str) -> str:
        """A member of a JSON object held as text, as text."""

    @abstractmethod
    def first_param(self, params: str, key: str) -> str:
        """The value struct of the first {key, value} item of a list with that key."""

    @abstractmethod
    def regex(self, value: str, pattern: str) -> str:
        """Whether the whole text matches a pattern of glob_to_regex."""

    def as_text(self, expr: str) -> str:
        return f"CAST({expr} AS {self.text_type})"

    @abstractmethod
    def epoch_us_tz(self, expr: str) -> str:
        """Epoch microseconds of an instant."""

    @abstractmethod
    def epoch_us_naive(self, expr: str, zone: str) -> str:
        """Epoch microseconds of a wall-clock time in `zone`."""

    @abstractmethod
    def parse_instant(self, text: str) -> str:
        """A text with a UTC offset, as an instant (NULL when unparseable)."""

    @abstractmethod
    def parse_naive(self, text: str) -> str:
        """A text without offset, as a wall-clock time (NULL when unparseable)."""

    @abstractmethod
    def percentile(self, expr: str, p: float) -> str:
        """The exact percentile p of an aggregate, interpolated linearly between ranks."""

    @abstractmethod
    def ordered_join(self, value: str, order: str, limit: int) -> str:
        """Comma-joined text of the first `limit` values ordered by `order`, as an aggregate."""

    @abstractmethod
    def first_arrival_fold(self, start: str, rank: str, end: str) -> str:
        """Aggregate: the ranks of the attempts that start after the previous chosen one ended,
        walking the attempts in (start, rank) order; the reentry rule."""

    @abstractmethod
    def unique_id(self) -> str:
        """A number that differs between the rows of a query (not necessarily consecutive)."""

    @abstractmethod
    def explode(self, array: str) -> str:
        """One row per element of an array."""


class DuckDBDialect(Dialect):
    name = "duckdb"
    text_type = "VARCHAR"

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def text(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    def field(self, base: str, name: str) -> str:
        return f"struct_extract({base}, {self.text(name)})"

    def map_get(self, base: str, key: str) -> str:
        return f"{base}[{self.text(key)}]"

    def json_get(self, base: str, key: str) -> str:
        return f"json_extract_string({base}, {self.text('$.' + key)})"

    def first_param(self, params: str, key: str) -> str:
        return f"list_filter({params}, lambda p: p.key = {self.text(key)})[1].value"

    def regex(self, value: str, pattern: str) -> str:
        return f"regexp_full_match({value}, {self.text('(?s)' + pattern)})"

    def epoch_us_tz(self, expr: str) -> str:
        return f"epoch_us({expr})"

    def epoch_us_naive(self, expr: str, zone: str) -> str:
        return f"epoch_us(timezone({self.text(zone)}, CAST({expr} AS TIMESTAMP)))"

    def parse_instant(self, text: str) -> str:
        return f"TRY_CAST({text} AS TIMESTAMPTZ)"

    def parse_naive(self, text: str) -> str:
        return f"TRY_CAST({text} AS TIMESTAMP)"

    def percentile(self, expr: str, p: float) -> str:
        return f"quantile_cont({expr}, {p})"

    def ordered_join(self, value: str, order: str, limit: int) -> str:
        return f"array_to_string(list(CAST({value} AS VARCHAR) ORDER BY {order})[1:{limit}], ',')"

    def first_arrival_fold(self, start: str, rank: str, end: str) -> str:
        items = f"list_sort(list({{'s': {start}, 'r': {rank}, 'e': {end}}}))"
        return (
            f"list_reduce({items}, lambda acc, x: CASE WHEN acc.e IS NULL OR x.s > acc.e "
            f"THEN {{'e': x.e, 'c': list_append(acc.c, x.r)}} ELSE acc END, "
            f"{{'e': NULL::BIGINT, 'c': []::BIGINT[]}}).c"
        )

    def unique_id(self) -> str:
        return "row_number() OVER ()"

    def explode(self, array: str) -> str:
        return f"unnest({array})"


class SparkDialect(Dialect):
    name = "spark"
    text_type = "STRING"

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def text(self, value: str) -> str:
        return quote_text(value)

    def field(self, base: str, name: str) -> str:
        return f"{base}.{self.ident(name)}"

    def map_get(self, base: str, key: str) -> str:
        return f"try_element_at({base}, {self.text(key)})"

    def json_get(self, base: str, key: str) -> str:
        return f"get_json_object({base}, {self.text('$.' + key)})"

    def first_param(self, params: str, key: str) -> str:
        return f"try_element_at(filter({params}, p -> p.key = {self.text(key)}), 1).value"

    def regex(self, value: str, pattern: str) -> str:
        # RLIKE searches: anchor both ends; Java \z is the very end, $ would allow a final newline.
        return f"({value} RLIKE {self.text('(?s)^' + pattern + chr(92) + 'z')})"

    def epoch_us_tz(self, expr: str) -> str:
        return f"unix_micros({expr})"

    def epoch_us_naive(self, expr: str, zone: str) -> str:
        # The session time zone is UTC: the cast reads the wall clock as UTC, then shift it.
        return f"unix_micros(to_utc_timestamp(CAST({expr} AS TIMESTAMP), {self.text(zone)}))"

    def parse_instant(self, text: str) -> str:
        return f"try_cast({text} AS TIMESTAMP)"

    def parse_naive(self, text: str) -> str:
        return f"try_cast({text} AS TIMESTAMP_NTZ)"

    def percentile(self, expr: str, p: float) -> str:
        return f"percentile_cont({p}) WITHIN GROUP (ORDER BY {expr})"

    def ordered_join(self, value: str, order: str, limit: int) -> str:
        return (
            f"array_join(slice(transform(array_sort(collect_list(named_struct('o', {order}, 'v', CAST({value} AS STRING)))), "
            f"x -> x.v), 1, {limit}), ',')"
        )

    def first_arrival_fold(self, start: str, rank: str, end: str) -> str:
        items = f"array_sort(collect_list(named_struct('s', {start}, 'r', {rank}, 'e', {end})))"
        return (
            f"aggregate({items}, named_struct('e', CAST(NULL AS BIGINT), 'c', CAST(array() AS ARRAY<BIGINT>)), "
            f"(acc, x) -> IF(acc.e IS NULL OR x.s > acc.e, named_struct('e', x.e, 'c', concat(acc.c, array(x.r))), acc)).c"
        )

    def unique_id(self) -> str:
        # row_number() OVER () would move every row to one partition.
        return "monotonically_increasing_id()"

    def explode(self, array: str) -> str:
        return f"explode({array})"


DIALECTS = {"duckdb": DuckDBDialect(), "spark": SparkDialect()}
