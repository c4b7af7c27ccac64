"""Parse LinkedIn's Voyager profile response into a clean profile dict.

The response of `GET /voyager/api/identity/dash/profiles?q=memberIdentity&...` is *normalized*:
`data["*elements"]` names the profile URN, and every entity (the profile, its positions,
educations, companies, schools, geo, industry, relationship) sits flat in `included`, keyed by
`entityUrn`. Keys starting with `*` are URN references into `included`.

Rules that decide what counts as malformed (→ `VoyagerParseError`, the caller skips the profile and
logs why):
- the top-level shape is wrong (`data`, `data["*elements"]`, `included` missing or of the wrong
  type), or the profile that `data` names is not in `included`, or it has no `publicIdentifier`;
- a position-group, position or education collection the profile references is missing from
  `included` (a truncated response would otherwise store a profile with silently lost jobs).
Decorations that only add names (industry, geo, company, school, skills) fall back to the inline
text the entity carries or to empty values when their reference is dangling.

Positions keep LinkedIn's display order (the first one is what the top card shows as the current
company). Dates are `"YYYY"` or `"YYYY-MM"` strings; `end` is None for a current position.
"""

from __future__ import annotations

from typing import Any

DISTANCE_DEGREE = {"DISTANCE_1": 1, "DISTANCE_2": 2, "DISTANCE_3": 3, "OUT_OF_NETWORK": 3}


class VoyagerParseError(ValueError):
    """The Voyager response is partial or malformed: skip this profile and log the reason."""


class _Index:
    """URN → entity lookup over `included`."""

    def __init__(self, included: list[Any]) -> None:
        self.by_urn: dict[str, dict[str, Any]] = {}
        for entity in included:
            if isinstance(entity, dict) and isinstance(entity.get("entityUrn"), str):
                self.by_urn[entity["entityUrn"]] = entity

    def get(self, urn: Any) -> dict[str, Any] | None:
        return self.by_urn.get(urn) if isinstance(urn, str) else None

    def require(self, urn: Any, what: str) -> dict[str, Any]:
        entity = self.get(urn)
        if entity is None:
            raise VoyagerParseError(f"{what} {urn!r} is referenced but missing from 'included'")
        return entity

    def collection(self, urn: Any, what: str, *, required: bool) -> list[dict[str, Any]]:
        """The entities of a CollectionResponse, in order. A missing reference is an empty list."""
        if urn is None:
            return []
        coll = self.require(urn, what) if required else self.get(urn)
        if coll is None:
            return []
        refs = coll.get("*elements")
        if refs is None and coll.get("elements") == []:  # how LinkedIn sends an empty collection
            return []
        if not isinstance(refs, list):
            if not required:
                return []
            raise VoyagerParseError(f"{what} {urn!r} has no '*elements' list")
        out = []
        for ref in refs:
            entity = self.require(ref, what + " element") if required else self.get(ref)
            if entity is not None:
                out.append(entity)
        return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("year"), int):
        return None
    month = value.get("month")
    return f"{value['year']:04d}-{month:02d}" if isinstance(month, int) else f"{value['year']:04d}"


def _date_range(entity: dict[str, Any]) -> tuple[str | None, str | None]:
    rng = entity.get("dateRange")
    if not isinstance(rng, dict):
        return None, None
    return _date(rng.get("start")), _date(rng.get("end"))


def _name_of(index: _Index, entity: dict[str, Any], ref_key: str, inline_key: str) -> str:
    inline = _text(entity.get(inline_key))
    if inline:
        return inline
    ref = index.get(entity.get(ref_key))
    return _text(ref.get("name")) if ref else ""


def _positions(index: _Index, profile: dict[str, Any]) -> list[dict[str, Any]]:
    positions: list[dict[str, Any]] = []
    groups_urn = profile.get("*profilePositionGroups")
    if groups_urn is not None:
        for group in index.collection(groups_urn, "position group collection", required=True):
            inner = group.get("*profilePositionInPositionGroup")
            positions.extend(index.collection(inner, "position collection", required=True))
    else:
        positions = index.collection(profile.get("*profilePositions"), "position collection", required=True)
    out = []
    for pos in positions:
        start, end = _date_range(pos)
        geo = index.get(pos.get("*geo"))
        out.append(
            {
                "title": _text(pos.get("title")),
                "company_name": _name_of(index, pos, "*company", "companyName"),
                "company_urn": _text(pos.get("companyUrn") or pos.get("*company")) or None,
                "start": start,
                "end": end,
                "description": _text(pos.get("description")),
                "location": _text(pos.get("locationName")) or (_text(geo.get("defaultLocalizedName")) if geo else ""),
            }
        )
    return out


def _educations(index: _Index, profile: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for edu in index.collection(profile.get("*profileEducations"), "education collection", required=True):
        start, end = _date_range(edu)
        school = _name_of(index, edu, "*school", "schoolName") or _name_of(index, edu, "*company", "schoolName")
        out.append(
            {
                "school_name": school,
                "degree": _text(edu.get("degreeName")),
                "field_of_study": _text(edu.get("fieldOfStudy")),
                "start": start,
                "end": end,
            }
        )
    return out


def _skills(index: _Index, profile: dict[str, Any]) -> list[str]:
    skills = index.collection(profile.get("*profileSkills"), "skill collection", required=False)
    return [name for name in (_text(s.get("name")) for s in skills) if name]


def _location(index: _Index, profile: dict[str, Any]) -> str:
    geo_location = profile.get("geoLocation")
    geo_urn = geo_location.get("*geo") if isinstance(geo_location, dict) else None
    geo = index.get(geo_urn or profile.get("*geo"))
    if geo and _text(geo.get("defaultLocalizedName")):
        return _text(geo["defaultLocalizedName"])
    return _text(profile.get("locationName"))


def _find_distance(value: Any) -> int | None:
    """Walk a MemberRelationship entity: `connection` → 1st; `noConnection.memberDistance` → 2/3."""
    if isinstance(value, dict):
        if isinstance(value.get("connection"), dict) or isinstance(value.get("*connection"), str):
            return 1
        distance = value.get("memberDistance")
        if isinstance(distance, str) and distance in DISTANCE_DEGREE:
            return DISTANCE_DEGREE[distance]
        for key, inner in value.items():
            if key not in ("entityUrn", "$type", "$recipeTypes"):
                found = _find_distance(inner)
                if found is not None:
                    return found
    return None


def _degree(index: _Index, profile: dict[str, Any], included: list[Any]) -> int | None:
    relation = index.get(profile.get("*memberRelationship"))
    if relation is None:
        member_id = profile["entityUrn"].rsplit(":", 1)[-1]
        relation = next(
            (
                e
                for e in included
                if isinstance(e, dict)
                and str(e.get("$type", "")).endswith("MemberRelationship")
                and member_id in str(e.get("entityUrn", ""))
            ),
            None,
        )
    return _find_distance(relation) if relation is not None else None


def parse_profile(data: Any) -> dict[str, Any]:
    """Turn one Voyager profile response into the profile dict stored on a Lead.

    Returns the profile `data["*elements"]` names (a response may also hold the viewer's own
    profile). Raises `VoyagerParseError` on a partial or malformed response.
    """
    if not isinstance(data, dict):
        raise VoyagerParseError(f"expected a JSON object, got {type(data).__name__}")
    head, included = data.get("data"), data.get("included")
    if not isinstance(head, dict):
        raise VoyagerParseError("response has no 'data' object")
    if not isinstance(included, list):
        raise VoyagerParseError("response has no 'included' list")
    elements = head.get("*elements")
    if not isinstance(elements, list) or not elements or not isinstance(elements[0], str):
        raise VoyagerParseError("'data' names no profile ('*elements' is missing or empty)")
    index = _Index(included)
    profile = index.require(elements[0], "profile")
    public_id = _text(profile.get("publicIdentifier"))
    if not public_id:
        raise VoyagerParseError(f"profile {elements[0]!r} has no publicIdentifier")
    try:
        location = profile.get("location")
        country = _text(location.get("countryCode")) if isinstance(location, dict) else ""
        industry = index.get(profile.get("*industry"))
        return {
            "public_id": public_id,
            "urn": profile["entityUrn"],
            "first_name": _text(profile.get("firstName")),
            "last_name": _text(profile.get("lastName")),
            "headline": _text(profile.get("headline")),
            "summary": _text(profile.get("summary")),
            "location": _location(index, profile),
            "country_code": country.upper(),
            "industry": _text(industry.get("name")) if industry else "",
            "positions": _positions(index, profile),
            "educations": _educations(index, profile),
            "skills": _skills(index, profile),
            "connection_degree": _degree(index, profile, included),
        }
    except (AttributeError, TypeError, KeyError) as exc:  # an entity of the wrong shape
        raise VoyagerParseError(f"profile {public_id!r} has a malformed entity: {exc}") from exc
