"""A deterministic synthetic population: the same seed always yields the same people.

A person is a plain dict with the keys the Voyager parser returns (public_id, first_name, last_name,
headline, summary, location, country_code, industry, positions, educations, skills,
connection_degree, urn) plus what the simulator needs to render them (member_id, object_id, geo,
layout, initial relationship).
"""

import hashlib
import random
import re
import unicodedata

from outreach.simulator import vocab

URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CURRENT_YEAR = 2026

# Function mix: mostly B2B roles a campaign looks for, some unrelated ones for contrast.
FUNCTION_WEIGHTS = {
    "founder": 16,
    "engineering": 15,
    "data": 15,
    "marketing": 15,
    "sales": 10,
    "product": 8,
    "operations": 8,
    "other": 13,
}
# How the top card looks for someone who is neither connected nor invited.
LAYOUT_WEIGHTS = {"connect": 50, "more": 30, "creator": 15, "follow_only": 5}
# The initial relationship of every account with this person.
INITIAL_WEIGHTS = {"none": 82, "connected": 10, "pending": 8}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def member_id_for(key: str) -> str:
    """A stable 39-character profile id in LinkedIn's shape (`ACoAA…`)."""
    digest = hashlib.sha256(key.encode()).digest()
    return "ACoAA" + "".join(URL_SAFE[b % 64] for b in digest[:34])


def object_id_for(key: str) -> int:
    return int(hashlib.sha256(("member:" + key).encode()).hexdigest()[:8], 16) % 900_000_000 + 10_000_000


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _company(rng: random.Random, function: str) -> tuple[str, str, str, int]:
    industry = rng.choice(vocab.FUNCTION_INDUSTRIES[function])
    choices = [c for c in vocab.COMPANIES if c[1] == industry]
    if not choices:  # education: a school is the employer
        school = rng.choice(vocab.SCHOOLS)
        return school[0], "education", "a university", school[1]
    name, industry, what = rng.choice(choices)
    return name, industry, what, 1000 + vocab.COMPANIES.index((name, industry, what))


def _positions(rng: random.Random, function: str, member_id: str) -> list[dict]:
    title, earlier_title, _ = rng.choice(vocab.ROLES[function])
    current = _company(rng, function)
    previous = _company(rng, function)
    for _ in range(5):
        if previous[0] != current[0]:
            break
        previous = _company(rng, function)
    start = {"year": CURRENT_YEAR - rng.randint(0, 6), "month": rng.randint(1, 12)}
    earlier_start = {"year": start["year"] - rng.randint(2, 7), "month": rng.randint(1, 12)}
    rows = [(title, current, start, None), (earlier_title, previous, earlier_start, dict(start))]
    positions = []
    for index, (role, (company, industry, what, company_id), begin, end) in enumerate(rows):
        positions.append(
            {
                "id": f"{member_id}-{index}",
                "title": role,
                "company_name": company,
                "company_urn": f"urn:li:fsd_company:{company_id}",
                "company_id": company_id,
                "company_industry": industry,
                "start": begin,
                "end": end,
                "description": f"{role} at {company}, {what}.",
                "location": None,
            }
        )
    return positions


def _educations(rng: random.Random, function: str, graduated: int) -> list[dict]:
    school, school_id = rng.choice(vocab.SCHOOLS)
    degree_choices = vocab.DEGREES[-2:] if function == "other" else vocab.DEGREES[:-2]
    degree, field = rng.choice(degree_choices)
    return [
        {
            "school_name": school,
            "school_urn": f"urn:li:fsd_school:{school_id}",
            "school_id": school_id,
            "degree": degree,
            "field_of_study": field,
            "start": {"year": graduated - 4},
            "end": {"year": graduated},
        }
    ]


def _headline(rng: random.Random, positions: list[dict]) -> str:
    current, previous = positions
    company = current["company_name"]
    what = current["description"].split(", ", 1)[1].rstrip(".")
    tagline = rng.choice(vocab.TAGLINES).format(what=what, previous=previous["company_name"])
    headline = rng.choice(["{t} at {c}", "{t} @ {c}", "{t} | {c}"]).format(t=current["title"], c=company)
    if current["company_industry"] == "software" and rng.random() < 0.5:
        headline += " | B2B SaaS"
    return f"{headline} | {tagline}" if tagline else headline


def make_person(seed: int, index: int, used_ids: set[str]) -> dict:
    rng = random.Random(f"{seed}:{index}")
    first = rng.choice(vocab.FIRST_NAMES)
    last = rng.choice(vocab.LAST_NAMES)
    base = slugify(f"{first} {last}")
    public_id = base if base not in used_ids and rng.random() < 0.3 else f"{base}-{rng.getrandbits(28):07x}"
    while public_id in used_ids:
        public_id = f"{base}-{rng.getrandbits(32):08x}"
    used_ids.add(public_id)
    member_id = member_id_for(f"{seed}:{public_id}")
    function = _weighted(rng, FUNCTION_WEIGHTS)
    positions = _positions(rng, function, member_id)
    industry_key = positions[0]["company_industry"]
    location, country, country_code, geo_id, country_geo_id = rng.choice(vocab.LOCATIONS)
    educations = _educations(rng, function, positions[-1]["start"]["year"] - rng.randint(0, 2))
    skills = list(dict.fromkeys(next(r[2] for r in vocab.ROLES[function] if r[0] == positions[0]["title"])))
    initial = _weighted(rng, INITIAL_WEIGHTS)
    layout = _weighted(rng, LAYOUT_WEIGHTS)
    degree = 1 if initial == "connected" else rng.choice([2, 2, 3])
    headline = _headline(rng, positions)
    summary = (
        f"{first} works as {positions[0]['title']} at {positions[0]['company_name']}. "
        f"{positions[0]['description']} Previously {positions[1]['title']} at {positions[1]['company_name']}."
    )
    return {
        "public_id": public_id,
        "member_id": member_id,
        "object_id": object_id_for(f"{seed}:{public_id}"),
        "urn": f"urn:li:fsd_profile:{member_id}",
        "first_name": first,
        "last_name": last,
        "headline": headline,
        "summary": summary,
        "location": location,
        "country": country,
        "country_code": country_code,
        "geo_id": geo_id,
        "country_geo_id": country_geo_id,
        "industry": vocab.INDUSTRIES.get(industry_key, (68, "Higher Education"))[1],
        "industry_id": vocab.INDUSTRIES.get(industry_key, (68, "Higher Education"))[0],
        "function": function,
        "positions": positions,
        "educations": educations,
        "skills": skills,
        "connection_degree": degree,
        "layout": layout,
        "initial": initial,
        "followers": rng.randint(40, 30_000),
    }


def build_population(seed: int = 42, size: int = 300) -> dict[str, dict]:
    """`size` people keyed by public id, identical for identical arguments."""
    used: set[str] = set()
    people = [make_person(seed, index, used) for index in range(size)]
    return {person["public_id"]: person for person in people}


def viewer_person(seed: int, email: str) -> dict:
    """The logged-in account's own profile, derived from its e-mail address."""
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._+-]+", local) if p] or ["sandbox"]
    first = parts[0].capitalize()
    last = parts[1].capitalize() if len(parts) > 1 else "User"
    person = make_person(seed, 10_000 + int(hashlib.sha256(email.encode()).hexdigest()[:6], 16), set())
    public_id = f"{slugify(first + ' ' + last)}-{hashlib.sha256(email.encode()).hexdigest()[:8]}"
    member_id = member_id_for(f"viewer:{email}")
    person.update(
        public_id=public_id,
        member_id=member_id,
        object_id=object_id_for(f"viewer:{email}"),
        urn=f"urn:li:fsd_profile:{member_id}",
        first_name=first,
        last_name=last,
        connection_degree=None,
        layout="self",
        initial="self",
    )
    return person


STOPWORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"})


def search_text(person: dict) -> str:
    """The words people search matches keywords against."""
    parts = [person["headline"], person["industry"], person["location"], *person["skills"]]
    for position in person["positions"]:
        parts += [position["title"], position["company_name"], position["description"]]
    return " ".join(parts).lower()


def keyword_words(keywords: str) -> list[str]:
    words = [w for w in re.split(r"[^\w]+", keywords.lower()) if w]
    return [w for w in words if w not in STOPWORDS] or words


def match_count(person: dict, words: list[str]) -> int:
    text = search_text(person)
    return sum(bool(re.search(rf"(?<![a-z0-9]){re.escape(w)}", text)) for w in words)


def matches(person: dict, keywords: str) -> bool:
    """Every keyword word (stop words aside) appears as a word (or word start) in the person's text."""
    words = keyword_words(keywords)
    return bool(words) and match_count(person, words) == len(words)


def search(people: dict[str, dict], keywords: str) -> list[dict]:
    """People search: everyone matching all words first, then those matching at least half of them
    (LinkedIn also answers loose multi-word queries), each group in population order."""
    words = keyword_words(keywords)
    if not words:
        return []
    needed = max(1, -(-len(words) // 2))
    scored = [(match_count(p, words), index, p) for index, p in enumerate(people.values())]
    return [p for count, _, p in sorted(scored, key=lambda row: (-row[0], row[1])) if count >= needed]
