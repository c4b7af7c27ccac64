"""The Voyager profile parser on every saved response, and its typed error on partial/malformed JSON."""

import copy
import json

import pytest

from outreach.linkedin.voyager import VoyagerParseError, parse_profile
from tests.conftest import FIXTURES

VOYAGER_DIR = FIXTURES / "voyager"
VOYAGER_FILES = sorted(VOYAGER_DIR.glob("*.json"))
KEYS = {
    "public_id",
    "urn",
    "first_name",
    "last_name",
    "headline",
    "summary",
    "location",
    "country_code",
    "industry",
    "positions",
    "educations",
    "skills",
    "connection_degree",
}


def load(path=VOYAGER_DIR / "profile_williamhgates.json"):
    return json.loads(path.read_text(encoding="utf-8"))


def profile_entity(data):
    urn = data["data"]["*elements"][0]
    return next(e for e in data["included"] if e.get("entityUrn") == urn)


def test_the_fixture_directory_is_not_empty():
    assert VOYAGER_FILES, f"no Voyager fixtures in {VOYAGER_DIR}"


@pytest.mark.parametrize("path", VOYAGER_FILES, ids=lambda p: p.name)
def test_every_saved_response_parses_to_the_profile_data_names(path):
    data = load(path)
    profile = parse_profile(data)
    entity = profile_entity(data)
    assert set(profile) == KEYS
    assert profile["public_id"] == entity["publicIdentifier"]
    assert profile["urn"] == entity["entityUrn"]
    assert profile["first_name"] == entity["firstName"].strip()
    assert profile["last_name"] == entity["lastName"].strip()
    assert profile["connection_degree"] in (1, 2, 3, None)
    for pos in profile["positions"]:
        assert set(pos) == {"title", "company_name", "company_urn", "start", "end", "description", "location"}
    for edu in profile["educations"]:
        assert set(edu) == {"school_name", "degree", "field_of_study", "start", "end"}
    json.dumps(profile)  # stored in a JSONField


def test_bill_gates_resolves_urns_through_included():
    profile = parse_profile(load())
    assert profile["public_id"] == "williamhgates"
    assert (profile["first_name"], profile["last_name"]) == ("Bill", "Gates")
    assert profile["headline"] == "Chair, Gates Foundation and Founder, Breakthrough Energy"
    assert profile["summary"].startswith("Chair of the Gates Foundation.")
    assert profile["location"] == "Seattle, Washington, United States"  # via geoLocation.*geo
    assert profile["country_code"] == "US"
    assert profile["industry"] == "Philanthropy"  # via *industry
    assert [(p["title"], p["company_name"], p["start"], p["end"]) for p in profile["positions"]] == [
        ("Co-chair", "Gates Foundation", "2000", None),
        ("Founder", "Breakthrough Energy", "2015", None),
        ("Co-founder", "Microsoft", "1975", None),
    ]
    assert profile["positions"][2]["company_urn"] == "urn:li:fsd_company:1035"
    assert [(e["school_name"], e["start"], e["end"]) for e in profile["educations"]] == [
        ("Harvard University", "1973", "1975"),
        ("Lakeside School", None, None),
    ]
    assert profile["skills"] == []
    assert profile["connection_degree"] is None  # this response carries no MemberRelationship


def test_the_profile_named_in_data_wins_over_the_viewers_own():
    data = load()
    viewer = copy.deepcopy(profile_entity(data))
    viewer.update(entityUrn="urn:li:fsd_profile:VIEWER", publicIdentifier="the-viewer", firstName="Me")
    data["included"].insert(0, viewer)
    assert parse_profile(data)["public_id"] == "williamhgates"


@pytest.mark.parametrize(
    ("relationship", "degree"),
    [
        ({"memberRelationship": {"connection": {"createdAt": 1}}}, 1),
        ({"memberRelationship": {"noConnection": {"memberDistance": "DISTANCE_2"}}}, 2),
        ({"memberRelationshipUnion": {"noConnection": {"memberDistance": "DISTANCE_3"}}}, 3),
        ({"memberRelationship": {"noConnection": {"memberDistance": "OUT_OF_NETWORK"}}}, 3),
        ({"memberRelationship": {"selfProfile": True}}, None),
    ],
)
def test_degree_comes_from_the_member_relationship(relationship, degree):
    data = load()
    rel_urn = "urn:li:fsd_memberRelationship:ACoAAA8BYqEBCGLg_vT_ca6mMEqkpp9nVffJ3hc"
    data["included"].append(
        {"entityUrn": rel_urn, "$type": "com.linkedin.voyager.dash.relationships.MemberRelationship", **relationship}
    )
    assert parse_profile(data)["connection_degree"] == degree  # found by profile id without a reference
    profile_entity(data)["*memberRelationship"] = rel_urn
    assert parse_profile(data)["connection_degree"] == degree


def test_inline_names_are_used_when_decorations_are_missing():
    data = load()
    data["included"] = [e for e in data["included"] if not e.get("$type", "").endswith(("Company", "Industry", "Geo"))]
    profile_entity(data)["locationName"] = "Seattle"
    profile = parse_profile(data)
    assert profile["industry"] == ""
    assert profile["location"] == "Seattle"
    assert [p["company_name"] for p in profile["positions"]] == ["Gates Foundation", "Breakthrough Energy", "Microsoft"]


def test_an_empty_collection_is_an_empty_list():
    data = load()
    urn = profile_entity(data)["*profileEducations"]
    coll = next(e for e in data["included"] if e.get("entityUrn") == urn)
    del coll["*elements"]
    coll["elements"] = []  # the form LinkedIn uses for the profile's empty sections
    assert parse_profile(data)["educations"] == []


def _drop_profile(d):
    d["included"] = [e for e in d["included"] if not e.get("$type", "").endswith("profile.Profile")]


def _drop_positions(d):
    d["included"] = [e for e in d["included"] if not e.get("$type", "").endswith("profile.Position")]


def _drop_education_collection(d):
    urn = profile_entity(d)["*profileEducations"]
    d["included"] = [e for e in d["included"] if e.get("entityUrn") != urn]


def _profile_field(key, value):
    def mutate(d):
        profile_entity(d)[key] = value

    return mutate


MALFORMED = {
    "no data": lambda d: d.pop("data"),
    "no included": lambda d: d.pop("included"),
    "included not a list": lambda d: d.update(included={"a": 1}),
    "data not an object": lambda d: d.update(data=[]),
    "no *elements": lambda d: d["data"].pop("*elements"),
    "empty *elements": lambda d: d["data"].update({"*elements": []}),
    "*elements of numbers": lambda d: d["data"].update({"*elements": [42]}),
    "profile missing from included (truncated)": _drop_profile,
    "no publicIdentifier": _profile_field("publicIdentifier", None),
    "positions missing (partial)": _drop_positions,
    "education collection missing (partial)": _drop_education_collection,
    "collection elements not a list": lambda d: next(
        e for e in d["included"] if e.get("entityUrn") == profile_entity(d)["*profileEducations"]
    ).update({"*elements": "oops"}),
    "position groups not a collection": _profile_field("*profilePositionGroups", "urn:li:fsd_industry:131"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_partial_or_malformed_json_raises_the_typed_error(name):
    data = load()
    MALFORMED[name](data)
    with pytest.raises(VoyagerParseError):
        parse_profile(data)


@pytest.mark.parametrize("value", [None, [], "x", 3, {}, {"data": {}, "included": []}])
def test_non_responses_raise_the_typed_error(value):
    with pytest.raises(VoyagerParseError):
        parse_profile(value)


def test_the_error_is_a_value_error_with_a_reason():
    with pytest.raises(ValueError, match="missing from 'included'"):
        data = load()
        _drop_profile(data)
        parse_profile(data)
