"""Request plumbing: the user's team on every request, and htmx-aware messages and redirects."""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from crm.models import Membership


class TeamMiddleware:
    """Sets request.membership (or None) for authenticated users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        if request.user.is_authenticated:
            request.membership = Membership.objects.select_related("team").filter(user=request.user).first()
        return self.get_response(request)


class HtmxMessagesMiddleware:
    """For htmx requests: add `Vary: HX-Request`, send pending flash messages as an out-of-band
    swap, and turn redirects into `HX-Location` so htmx navigates instead of swapping a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        if not getattr(request, "htmx", False):
            return response
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            location = response["Location"]
            response = HttpResponse(status=204)
            response["HX-Location"] = location
            patch_vary_headers(response, ("HX-Request",))
            return response
        content_type = response.get("Content-Type", "")
        if response.streaming or "text/html" not in content_type or response.status_code >= 300:
            return response
        messages = list(get_messages(request))
        if messages:
            response.write(render_to_string("includes/messages.html", {"messages": messages, "oob": True}))
        return response
