"""Voyager profile responses in the normalized shape LinkedIn serves (`data` + `included` with URN refs).

Mirrors `identity/dash/profiles?q=memberIdentity&…FullProfileWithEntities`: `data` is a
CollectionResponse naming the profile; `included` holds the Profile, the collections it points at
(`*profilePositionGroups`, `*profileEducations`, `*profileSkills`, …), the PositionGroups and their
Positions, Educations, Companies, Schools, Geos, Industries, the MemberRelationship, and the
viewer's own Profile.
"""

import base64
import hashlib

DASH = "com.linkedin.voyager.dash"
T_PROFILE = f"{DASH}.identity.profile.Profile"
T_COLLECTION = "com.linkedin.restli.common.CollectionResponse"
DECO = f"{DASH}.deco.identity.profile"
EMPTY_SECTIONS = (
    "Courses",
    "Projects",
    "Certifications",
    "VolunteerExperiences",
    "Honors",
    "Languages",
    "Organizations",
    "Patents",
    "Publications",
    "TestScores",
)


def _urn_collection(*parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return "urn:li:collectionResponse:" + base64.b64encode(digest).decode()


def _collection(urn: str, recipe: str, elements: list[str]) -> dict:
    paging = {
        "total": len(elements),
        "start": 0,
        "count": 20,
        "links": [],
        "$recipeTypes": [f"{DASH}.deco.common.FullPaging"],
        "$type": "com.linkedin.restli.common.CollectionMetadata",
    }
    body: dict = {"paging": paging, "entityUrn": urn, "$recipeTypes": [f"{DECO}.{recipe}"], "$type": T_COLLECTION}
    if elements:
        body["*elements"] = elements
    else:
        body["elements"] = []
    return body


def _date(value: dict | None) -> dict | None:
    if not value:
        return None
    return {**value, "$recipeTypes": [f"{DASH}.deco.common.Date"], "$type": "com.linkedin.common.Date"}


def _date_range(start: dict | None, end: dict | None) -> dict | None:
    if not start:
        return None
    body = {"start": _date(start), "$recipeTypes": [f"{DASH}.deco.common.DateRange"]}
    if end:
        body["end"] = _date(end)
    body["$type"] = "com.linkedin.common.DateRange"
    return body


class _Included:
    """Collects entities once each, keyed by entityUrn, in insertion order."""

    def __init__(self) -> None:
        self.items: dict[str, dict] = {}

    def add(self, entity: dict) -> str:
        self.items.setdefault(entity["entityUrn"], entity)
        return entity["entityUrn"]


def _positions(person: dict, inc: _Included) -> str:
    mid = person["member_id"]
    groups = []
    for index, position in enumerate(person["positions"]):
        company_urn = position["company_urn"]
        inc.add(_company(position, inc))
        position_urn = f"urn:li:fsd_profilePosition:({mid},{position['company_id'] * 1000 + index})"
        inc.add(
            {
                "multiLocaleTitle": {"en_US": position["title"]},
                "multiLocaleCompanyName": {"en_US": position["company_name"]},
                "dateRange": _date_range(position["start"], position["end"]),
                "companyName": position["company_name"],
                "*company": company_urn,
                "title": position["title"],
                "companyUrn": company_urn,
                "description": position["description"],
                "locationName": position["location"],
                "$recipeTypes": [f"{DECO}.FullProfilePosition"],
                "$type": f"{DASH}.identity.profile.Position",
                "entityUrn": position_urn,
            }
        )
        in_group = inc.add(
            _collection(_urn_collection(mid, "group", index), "FullProfilePositionsInGroup", [position_urn])
        )
        group_key = hashlib.sha1(f"{mid}{company_urn}{index}".encode()).hexdigest()
        groups.append(
            inc.add(
                {
                    "*profilePositionInPositionGroup": in_group,
                    "multiLocaleCompanyName": {"en_US": position["company_name"]},
                    "dateRange": _date_range(position["start"], position["end"]),
                    "companyName": position["company_name"],
                    "*company": company_urn,
                    "companyUrn": company_urn,
                    "$recipeTypes": [f"{DECO}.FullProfilePositionGroup"],
                    "$type": f"{DASH}.identity.profile.PositionGroup",
                    "entityUrn": f"urn:li:fsd_profilePositionGroup:({mid},{group_key})",
                }
            )
        )
    return inc.add(_collection(_urn_collection(mid, "groups"), "FullProfilePositionGroupsInjection", groups))


def _company(position: dict, inc: _Included) -> dict:
    industry_urn = f"urn:li:fsd_industry:{position['company_id'] % 150}"
    inc.add(
        {
            "entityUrn": industry_urn,
            "name": position["company_industry"].title(),
            "$recipeTypes": [f"{DASH}.deco.common.Industry"],
            "$type": f"{DASH}.common.Industry",
        }
    )
    slug = position["company_name"].lower().replace(" ", "-").replace("&", "and")
    return {
        "industry": {f"*{industry_urn}": industry_urn},
        "industryUrns": [industry_urn],
        "$recipeTypes": [f"{DECO}.LinkablePositionCompany"],
        "url": f"https://www.linkedin.com/company/{slug}/",
        "$type": f"{DASH}.organization.Company",
        "entityUrn": position["company_urn"],
        "name": position["company_name"],
        "universalName": slug,
    }


def _educations(person: dict, inc: _Included) -> str:
    mid = person["member_id"]
    urns = []
    for index, education in enumerate(person["educations"]):
        inc.add(
            {
                "active": True,
                "$recipeTypes": [f"{DASH}.deco.organization.MiniSchool"],
                "url": f"https://www.linkedin.com/school/{education['school_id']}/",
                "$type": f"{DASH}.organization.School",
                "entityUrn": education["school_urn"],
                "name": education["school_name"],
            }
        )
        urns.append(
            inc.add(
                {
                    "dateRange": _date_range(education["start"], education["end"]),
                    "description": None,
                    "schoolUrn": education["school_urn"],
                    "*school": education["school_urn"],
                    "entityUrn": f"urn:li:fsd_profileEducation:({mid},{education['school_id'] * 10 + index})",
                    "schoolName": education["school_name"],
                    "multiLocaleSchoolName": {"en_US": education["school_name"]},
                    "fieldOfStudy": education["field_of_study"],
                    "degreeName": education["degree"],
                    "grade": None,
                    "activities": None,
                    "$recipeTypes": [f"{DECO}.FullProfileEducation"],
                    "$type": f"{DASH}.identity.profile.Education",
                }
            )
        )
    return inc.add(_collection(_urn_collection(mid, "educations"), "FullProfileEducationsInjection", urns))


def _skills(person: dict, inc: _Included) -> str:
    mid = person["member_id"]
    urns = [
        inc.add(
            {
                "entityUrn": f"urn:li:fsd_skill:({mid},{index + 1})",
                "name": skill,
                "multiLocaleName": {"en_US": skill},
                "$recipeTypes": [f"{DECO}.FullProfileSkill"],
                "$type": f"{DASH}.identity.profile.Skill",
            }
        )
        for index, skill in enumerate(person["skills"])
    ]
    return inc.add(_collection(_urn_collection(mid, "skills"), "FullProfileSkillsInjection", urns))


def _geo(person: dict, inc: _Included) -> str:
    country_urn = f"urn:li:fsd_geo:{person['country_geo_id']}"
    inc.add(
        {
            "entityUrn": country_urn,
            "$recipeTypes": [f"{DECO}.CountryGeo"],
            "defaultLocalizedName": person["country"],
            "$type": f"{DASH}.common.Geo",
        }
    )
    city_urn = f"urn:li:fsd_geo:{person['geo_id']}"
    if city_urn == country_urn:
        return country_urn
    return inc.add(
        {
            "countryUrn": country_urn,
            "defaultLocalizedNameWithoutCountryName": person["location"].rsplit(", ", 1)[0],
            "*country": country_urn,
            "entityUrn": city_urn,
            "$recipeTypes": [f"{DECO}.Geo"],
            "defaultLocalizedName": person["location"],
            "$type": f"{DASH}.common.Geo",
        }
    )


def _relationship(person: dict, relationship: str, inc: _Included) -> str:
    mid = person["member_id"]
    if relationship == "connected":
        union: dict = {"connection": {"*connection": f"urn:li:fsd_connection:{mid}", "memberDistance": "DISTANCE_1"}}
    else:
        distance = {2: "DISTANCE_2", 3: "DISTANCE_3"}.get(person["connection_degree"], "OUT_OF_NETWORK")
        invitation = (
            {"*invitation": f"urn:li:fsd_invitation:{person['object_id']}"}
            if relationship == "pending"
            else {"noInvitation": {}}
        )
        union = {"noConnection": {"memberDistance": distance, "invitationUnion": invitation}}
    return inc.add(
        {
            "entityUrn": f"urn:li:fsd_memberRelationship:{mid}",
            "memberRelationshipUnion": union,
            "memberRelationship": union,
            "$recipeTypes": [f"{DASH}.deco.relationships.MemberRelationship"],
            "$type": f"{DASH}.relationships.MemberRelationship",
        }
    )


def _profile_entity(person: dict, inc: _Included, relationship: str | None) -> dict:
    mid = person["member_id"]
    industry_urn = f"urn:li:fsd_industry:{person['industry_id']}"
    inc.add(
        {
            "entityUrn": industry_urn,
            "name": person["industry"],
            "$recipeTypes": [f"{DASH}.deco.common.Industry"],
            "$type": f"{DASH}.common.Industry",
        }
    )
    geo_urn = _geo(person, inc)
    entity = {
        "objectUrn": f"urn:li:member:{person['object_id']}",
        "entityUrn": person["urn"],
        "publicIdentifier": person["public_id"],
        "firstName": person["first_name"],
        "lastName": person["last_name"],
        "multiLocaleFirstName": {"en_US": person["first_name"]},
        "multiLocaleLastName": {"en_US": person["last_name"]},
        "headline": person["headline"],
        "multiLocaleHeadline": {"en_US": person["headline"]},
        "summary": person["summary"],
        "multiLocaleSummary": {"en_US": person["summary"]},
        "*industry": industry_urn,
        "industryUrn": industry_urn,
        "geoLocation": {
            "*geo": geo_urn,
            "geoUrn": geo_urn,
            "$recipeTypes": [f"{DECO}.ProfileGeoLocation"],
            "$type": f"{DASH}.identity.profile.ProfileGeoLocation",
        },
        "location": {
            "countryCode": person["country_code"],
            "$recipeTypes": [f"{DECO}.ProfileLocation"],
            "$type": f"{DASH}.identity.profile.ProfileLocation",
        },
        "locationName": None,
        "premium": False,
        "influencer": False,
        "creator": person["layout"] == "creator",
        "memorialized": False,
        "primaryLocale": {
            "country": person["country_code"].upper(),
            "language": "en",
            "$type": "com.linkedin.common.Locale",
        },
        "$recipeTypes": [f"{DECO}.FullProfileWithEntities"],
        "$type": T_PROFILE,
    }
    if relationship is not None:
        entity["*memberRelationship"] = _relationship(person, relationship, inc)
        entity["*profilePositionGroups"] = _positions(person, inc)
        entity["*profileEducations"] = _educations(person, inc)
        entity["*profileSkills"] = _skills(person, inc)
        for section in EMPTY_SECTIONS:
            entity[f"*profile{section}"] = inc.add(
                _collection(_urn_collection(mid, section), f"FullProfile{section}Injection", [])
            )
    return entity


def profile_response(person: dict, relationship: str, viewer: dict | None = None) -> dict:
    """The full response for `person` as seen by `viewer` (whose own Profile is included too)."""
    inc = _Included()
    profile = _profile_entity(person, inc, relationship)
    if viewer is not None and viewer["urn"] != person["urn"]:
        inc.add(_profile_entity(viewer, inc, None))
    inc.add(profile)
    data = {
        "entityUrn": _urn_collection(person["member_id"], "response"),
        "paging": {"count": 10, "start": 0, "links": []},
        "*elements": [person["urn"]],
        "$type": T_COLLECTION,
    }
    return {"data": data, "included": list(inc.items.values())}


def me_response(viewer: dict) -> dict:
    """`/voyager/api/me`: who is logged in."""
    profile = {
        "$type": T_PROFILE,
        "entityUrn": viewer["urn"],
        "publicIdentifier": viewer["public_id"],
        "firstName": viewer["first_name"],
        "lastName": viewer["last_name"],
    }
    return {"data": {"*miniProfile": viewer["urn"], "plainId": viewer["object_id"]}, "included": [profile]}


def malformed_response(person: dict) -> dict:
    """What the `malformed_voyager` fault serves: `data` names a profile that `included` lacks."""
    return {
        "data": {"*elements": [person["urn"]], "$type": T_COLLECTION},
        "included": [{"$type": T_PROFILE, "entityUrn": "urn:li:fsd_profile:ACoAAunrelated", "firstName": None}],
    }
