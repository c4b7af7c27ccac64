from django.http import HttpRequest


def team(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    return {"membership": membership, "team": membership.team if membership else None}
