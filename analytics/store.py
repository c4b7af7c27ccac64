"""Reading the published marts, always for one team.

Each read opens a short-lived read-only DuckDB connection to DATA_DIR/analytics.duckdb, so the web
never holds the file while a build publishes a new one (the build renames a finished file over it).
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analytics.build import output_path

# Mart name → its row order. The only marts the UI and CSV export may read.
MART_ORDER = {
    "campaign_funnel": "campaign_name, campaign_id, day",
    "account_activity": "username, account_id, day",
    "qualifier_daily": "campaign_name, campaign_id, day",
    "ml_connection_accepted": "campaign_id, invited_at, deal_id",
}


class NotBuilt(Exception):
    """The analytics have not been built yet."""


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def built_at(path: Path | None = None) -> datetime | None:
    path = path or output_path()
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except FileNotFoundError:
        return None


def team_table(mart: str, team_id: int, *, path: Path | None = None) -> Table:
    """All rows of `mart` that belong to `team_id`. Raises KeyError for an unknown mart, NotBuilt."""
    con = _connect(path or output_path())
    try:
        cursor = _team_select(con, mart, team_id)
        return Table([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        con.close()


def team_batches(mart: str, team_id: int, *, batch_size: int = 5000) -> tuple[list[str], Iterator[list[tuple]]]:
    """Like team_table, but the rows come in batches (for streaming a large CSV).

    The query runs (and NotBuilt is raised) now; the connection closes when the batches run out.
    """
    con = _connect(output_path())
    try:
        cursor = _team_select(con, mart, team_id)
    except BaseException:
        con.close()
        raise

    def batches() -> Iterator[list[tuple]]:
        try:
            while rows := cursor.fetchmany(batch_size):
                yield rows
        finally:
            con.close()

    return [d[0] for d in cursor.description], batches()


def _team_select(con, mart: str, team_id: int):
    import duckdb

    order = MART_ORDER[mart]  # the mart name comes from this whitelist only
    try:
        return con.execute(f"select * from main.{mart} where team_id = ? order by {order}", [team_id])
    except duckdb.CatalogException as exc:
        raise NotBuilt(f"the analytics file is incomplete ({exc}); rebuild it") from exc


def _connect(path: Path, attempts: int = 5):
    import duckdb

    for attempt in range(attempts):
        if not path.exists():
            raise NotBuilt("the analytics have not been built yet")
        try:
            return duckdb.connect(str(path), read_only=True, config={"autoinstall_known_extensions": False})
        except duckdb.IOException as exc:
            # A lock held by a writer or a rename racing us passes; a damaged file does not.
            if attempt == attempts - 1:
                raise NotBuilt(f"the analytics file cannot be read ({exc}); rebuild it") from exc
            time.sleep(0.1 * (attempt + 1))
    raise NotBuilt("the analytics file could not be opened")
