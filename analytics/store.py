"""Reading the published marts, always for one team.

Each read opens a short-lived read-only DuckDB connection to DATA_DIR/analytics.duckdb, so the web
never holds the file while a build publishes a new one (the build renames a finished file over it).
"""

import time
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
    order = MART_ORDER[mart]
    sql = f"select * from main.{mart} where team_id = ? order by {order}"  # mart comes from MART_ORDER only
    return _query(sql, [team_id], path or output_path())


def _query(sql: str, params: list, path: Path, attempts: int = 5) -> Table:
    import duckdb

    for attempt in range(attempts):
        if not path.exists():
            raise NotBuilt("the analytics have not been built yet")
        try:
            con = duckdb.connect(str(path), read_only=True, config={"autoinstall_known_extensions": False})
        except duckdb.IOException as exc:
            # A lock held by a writer or a rename racing us passes; a damaged file does not.
            if attempt == attempts - 1:
                raise NotBuilt(f"the analytics file cannot be read ({exc}); rebuild it") from exc
            time.sleep(0.1 * (attempt + 1))
            continue
        try:
            cursor = con.execute(sql, params)
            columns = [d[0] for d in cursor.description]
            return Table(columns, cursor.fetchall())
        except duckdb.CatalogException as exc:
            raise NotBuilt(f"the analytics file is incomplete ({exc}); rebuild it") from exc
        finally:
            con.close()
    raise NotBuilt("the analytics file could not be opened")
