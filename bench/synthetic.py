"""A deterministic labelled synthetic population for the qualifier benchmark and tests.

Each person has a role (10), an industry (8) and a seniority (3). The hidden "ideal customer"
rule: an operations or supply-chain role (2 of 10) in logistics, freight, retail or manufacturing
(4 of 8), which gives a 10 % positive rate. `vectors()` builds 384-d unit vectors straight from
those attributes (fixed random directions plus noise: fast, for the timing and quality runs);
`profiles()` builds parsed-profile dicts with real text for the embedding throughput run.
"""

import numpy as np

ROLES = [
    "head of operations",
    "supply chain manager",
    "software engineer",
    "marketing manager",
    "sales director",
    "hr business partner",
    "finance controller",
    "product designer",
    "data scientist",
    "legal counsel",
]
INDUSTRIES = ["logistics", "freight forwarding", "retail", "manufacturing", "banking", "gaming", "healthcare", "media"]
SENIORITY = ["junior", "senior", "lead"]
IDEAL_ROLES = {0, 1}
IDEAL_INDUSTRIES = {0, 1, 2, 3}
DIM = 384


def attributes(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack(
        [rng.integers(0, len(ROLES), n), rng.integers(0, len(INDUSTRIES), n), rng.integers(0, len(SENIORITY), n)],
        axis=1,
    )


def truth(attrs: np.ndarray, harder: bool = False) -> np.ndarray:
    """The hidden rule: 1 for the ideal customer.

    harder=True: three roles (one of them a near-miss of a non-ideal role) in the same industries,
    and not junior - 240 attribute cells instead of 80, still about 10 % positive.
    """
    if harder:
        roles, senior = [0, 1, 3], attrs[:, 2] > 0
    else:
        roles, senior = list(IDEAL_ROLES), True
    return (np.isin(attrs[:, 0], roles) & np.isin(attrs[:, 1], list(IDEAL_INDUSTRIES)) & senior).astype(int)


def vectors(n: int, seed: int = 0, noise: float = 0.6, harder: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 384) float32 unit rows, y (n,) 0/1) with the same directions for every seed."""
    basis = np.random.default_rng(12345)
    role_dir = basis.standard_normal((len(ROLES), DIM))
    ind_dir = basis.standard_normal((len(INDUSTRIES), DIM))
    sen_dir = basis.standard_normal((len(SENIORITY), DIM))
    if harder:  # near misses: role 3 looks like role 0, industry 4 like industry 0
        role_dir[3] = 0.7 * role_dir[0] + 0.7 * role_dir[3]
        ind_dir[4] = 0.7 * ind_dir[0] + 0.7 * ind_dir[4]
    attrs = attributes(n, seed)
    rng = np.random.default_rng(seed + 1)
    X = role_dir[attrs[:, 0]] + 0.8 * ind_dir[attrs[:, 1]] + (0.6 if harder else 0.4) * sen_dir[attrs[:, 2]]
    X += noise * rng.standard_normal((n, DIM))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), truth(attrs, harder)


def profiles(n: int, seed: int = 0) -> tuple[list[dict], np.ndarray]:
    """Parsed-profile dicts (the shape `parse_profile` returns) and their true labels."""
    attrs = attributes(n, seed)
    rng = np.random.default_rng(seed + 2)
    cities = ["Berlin, Germany", "Hamburg, Germany", "Rotterdam, Netherlands", "Lyon, France", "Austin, Texas"]
    out = []
    for i, (r, ind, s) in enumerate(attrs):
        role, industry, level = ROLES[r], INDUSTRIES[ind], SENIORITY[s]
        company = f"{industry.split()[0].title()} Co {i % 97}"
        out.append(
            {
                "public_id": f"synthetic-{seed}-{i}",
                "headline": f"{level.title()} {role.title()} at {company}",
                "summary": f"{int(rng.integers(2, 25))} years in {industry}. I care about {role.split()[-1]} work.",
                "location": cities[int(rng.integers(len(cities)))],
                "industry": industry.title(),
                "positions": [
                    {"title": f"{level.title()} {role.title()}", "company_name": company, "description": ""},
                    {"title": role.title(), "company_name": f"Previous {industry.title()} Ltd", "description": ""},
                ],
                "educations": [{"school_name": "State University", "degree": "BSc", "field_of_study": "Business"}],
                "skills": [role.split()[-1], industry],
            }
        )
    return out, truth(attrs)
