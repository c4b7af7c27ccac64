"""The analytics screen: charts and tables from the marts, CSV export, and a Rebuild button.

Every read is filtered by the user's team (store.team_table), so another team's rows never show.
"""

import csv
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from analytics import report
from analytics.store import MART_ORDER, NotBuilt, built_at, team_batches
from analytics.tasks import schedule_rebuild, schedule_rebuild_if_stale
from crm.access import get_team


@login_required
@require_GET
def analytics_index(request: HttpRequest) -> HttpResponse:
    team = get_team(request)
    try:
        data, error = report.dashboard(team.pk), ""
    except NotBuilt as exc:
        data, error = None, str(exc)
    context = {
        "data": data,
        "error": error,
        "built_at": built_at(),
        "marts": list(MART_ORDER),
        "updating": schedule_rebuild_if_stale(team_id=team.pk),
    }
    return render(request, "analytics/index.html", context)


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields strings."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def analytics_csv(request: HttpRequest, mart: str) -> StreamingHttpResponse:
    team = get_team(request)
    if mart not in MART_ORDER:
        raise Http404("No such table.")
    try:
        columns, batches = team_batches(mart, team.pk)
    except NotBuilt as exc:
        raise Http404("The analytics have not been built yet.") from exc
    writer = csv.writer(_Echo())
    lines = chain([writer.writerow(columns)], (writer.writerow(row) for rows in batches for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{mart}.csv"'
    return response


@login_required
@require_POST
def analytics_rebuild(request: HttpRequest) -> HttpResponse:
    get_team(request)
    schedule_rebuild(delay=0, force=True)
    return render(request, "analytics/index.html#rebuild-status", {"queued": True, "built_at": built_at()})
