"""The per-campaign Bayesian active learner.

Semantics kept from the reference design: embeddings -> PCA -> StandardScaler -> Gaussian process
regression of 0/1 labels with ConstantKernel * RBF and alpha = 0.1 (human labels 0.05: the
strongest signal), the PCA dimension chosen by log-marginal likelihood over {2,4,6,10,15,20}
capped at min(n-1, 384); cold start (< 2 labels or one class) gives no prediction.

Fast by design (the reference refits everything, 6 PCA candidates x 4 optimiser starts, O(n^3)
each, on every label):
- the PCA dimension is re-chosen only when the label count has doubled since the last choice,
  on a subsample of <= 400 labels (at >= 200 labels the likelihood always picks the largest);
- kernel hyper-parameters are re-optimised only when the label count grew by 25 %, warm-started
  from the previous optimum (one start instead of four), on a subsample of <= 800 labels;
- every other refit keeps dimension and hyper-parameters and does one PCA eigen-solve on the
  384x384 covariance plus one Cholesky: O(n d^2 + n^3/3) with a small constant;
- BALD and ranking probabilities are vectorised over chunks in float32 with stratified MC draws;
  above 512 labels their posterior variance comes from the top 192 eigen-directions of the
  whitened kernel plus a tail term (n*192 instead of n^2 per lead; `make bench` prints the error,
  about 1e-4 in std). Single predictions, and so every gate decision, use the exact variance.

Calibrated by design: reading a probability straight off a 0/1 regression is what made the
reference auto-reject hundreds of leads at p = 0.0 under class imbalance. Here the regression is
a latent score; the probability is a probit of it, p = Phi((a mu + b)/sqrt(1 + a^2 sd^2)), whose
(a, b) are fitted on the closed-form leave-one-out predictions of the training labels (honest
held-out data at no extra fit). The latent uncertainty enters the probability, so far-from-data
leads are not confidently rejected. `std` is the posterior std of that probability (exact, Owen's
T), the quantity the gate's "std < 0.05" is about. The same LOO predictions decide whether the
gate may run at all: auto-decisions must be >= 95 % right on the campaign's own held-out labels.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from qualifier import gp_core as core

PCA_CANDIDATES = (2, 4, 6, 10, 15, 20)
ALPHA = 0.1
HUMAN_ALPHA = 0.05
GATE_MIN_ACCURACY = 0.95
GATE_MIN_LABELS = 30
GATE_MIN_AUTO = 10
LOWRANK_ABOVE = 512  # labels; below this the exact variance is as cheap
LOWRANK_RANK = 192
LOWRANK_MIN_ROWS = 256  # batch size from which ranking uses the low-rank variance


@dataclass
class Thresholds:
    entropy: float = 0.3
    max_std: float = 0.05
    min_accept: float = 0.9

    @classmethod
    def of(cls, campaign) -> "Thresholds":
        return cls(campaign.entropy_threshold, campaign.max_auto_std, campaign.min_accept_prob)


@dataclass
class GateReport:
    enabled: bool
    accuracy: float | None
    n_auto: int
    n_heldout: int
    note: str


@dataclass
class FitInfo:
    kind: str = ""  # "full" or "cheap"
    seconds: float = 0.0
    chose_dim: bool = False
    optimised: bool = False
    history: list = field(default_factory=list)


def decide(p: float, ent: float, std: float, t: Thresholds) -> str:
    """'accept', 'reject' or 'ask' for one prediction under thresholds `t`."""
    if ent < t.entropy and std < t.max_std:
        if p >= t.min_accept:
            return "accept"
        if p < 0.5:
            return "reject"
    return "ask"


def pca_candidates(n: int, d: int) -> list[int]:
    cap = min(n - 1, d)
    return [k for k in PCA_CANDIDATES if k <= cap] or [max(cap, 1)]


class Qualifier:
    """One campaign's model. `fit`/`refit`/`warm_start` take all current labels (X, y)."""

    def __init__(self, n_mc_samples: int = 100, seed: int = 0):
        self.n_mc_samples = n_mc_samples
        self.seed = seed
        self.k: int | None = None
        self.theta: np.ndarray | None = None
        self.n_at_dim = 0
        self.n_at_opt = 0
        self.calibration = (4.0, -2.0)
        self.info = FitInfo()
        self._clear()

    def _clear(self) -> None:
        self.X = self.y = self.ids = self.human = None
        self.projection = self.posterior = None
        self.loo_mu = self.loo_sd = None

    # --- state ---------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.posterior is not None

    @property
    def n_labels(self) -> int:
        return 0 if self.y is None else len(self.y)

    @property
    def n_positive(self) -> int:
        return 0 if self.y is None else int(self.y.sum())

    def __getstate__(self):
        state = self.__dict__.copy()
        state["projection"] = state["posterior"] = None  # rebuilt on load from X, y and the hypers
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        learnable = self.y is not None and len(self.y) >= 2 and self.y.min() != self.y.max()
        if learnable and self.theta is not None and self.k is not None:
            with core.blas_threads(len(self.y)):
                self._build()

    # --- fitting -------------------------------------------------------------------------
    def _noise(self) -> np.ndarray:
        return np.where(self.human, HUMAN_ALPHA, ALPHA)

    def _set_data(self, X, y, ids, human) -> bool:
        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float64).ravel()
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(f"X must be (n, d) with one label per row; got {X.shape} and {len(y)} labels")
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("labels must be 0 or 1")
        self.X, self.y = X, y
        self.ids = list(range(len(y))) if ids is None else list(ids)
        self.human = np.zeros(len(y), bool) if human is None else np.asarray(human, dtype=bool)
        if len(y) < 2 or y.min() == y.max():  # cold start: nothing to learn from
            self.projection = self.posterior = None
            return False
        return True

    def fit(self, X, y, ids=None, human=None) -> "Qualifier":
        """Full fit: choose the PCA dimension and optimise the kernel now."""
        return self._fit(X, y, ids, human, force=True)

    warm_start = fit

    def refit(self, X, y, ids=None, human=None) -> "Qualifier":
        """Cheap refit after labels changed; re-chooses dimension/kernel only when due."""
        return self._fit(X, y, ids, human, force=False)

    def _fit(self, X, y, ids, human, force: bool) -> "Qualifier":
        with core.blas_threads(len(y)):
            return self._fit_inner(X, y, ids, human, force)

    def _fit_inner(self, X, y, ids, human, force: bool) -> "Qualifier":
        started = time.perf_counter()
        if not self._set_data(X, y, ids, human):
            self.info = FitInfo(kind="cold", seconds=time.perf_counter() - started)
            return self
        n, d = self.X.shape
        cands = pca_candidates(n, d)
        rng = np.random.default_rng(self.seed + n)
        chose = force or self.k is None or n >= 2 * self.n_at_dim or self.k not in cands or n < 50
        if chose:
            self.k, self.theta = self._choose_dim(cands, rng)
            self.n_at_dim = n
        optimise = chose or self.theta is None or n >= 1.25 * self.n_at_opt
        if optimise:
            idx = self._subsample(n, 800, rng)
            proj = core.Projection(self.X, self.k)
            Z = proj(self.X[idx])
            self.theta, _ = core.fit_hypers(Z, self.y[idx], self._noise()[idx], self.theta)
            self.n_at_opt = n
        self._build()
        kind = "full" if chose else "cheap"
        self.info = FitInfo(kind, time.perf_counter() - started, chose, optimise)
        return self

    @staticmethod
    def _subsample(n: int, m: int, rng) -> np.ndarray:
        return np.arange(n) if n <= m else np.sort(rng.choice(n, m, replace=False))

    def _choose_dim(self, cands: list[int], rng) -> tuple[int, np.ndarray]:
        """PCA dimension with the highest log-marginal likelihood (on <= 400 labels)."""
        idx = self._subsample(len(self.y), 400, rng)
        y, noise = self.y[idx], self._noise()[idx]
        best = (cands[-1], np.log([1.0, np.sqrt(cands[-1])]), -np.inf)
        for k in cands:
            proj = core.Projection(self.X[idx], k)
            start = self.theta if (self.theta is not None and k == self.k) else np.log([1.0, np.sqrt(k)])
            theta, lml = core.fit_hypers(proj(self.X[idx]), y, noise, start)
            if lml > best[2]:
                best = (k, theta, lml)
        return best[0], best[1]

    def _build(self) -> None:
        self.projection = core.Projection(self.X, self.k)
        self.posterior = core.Posterior(self.projection(self.X), self.y, self._noise(), self.theta)
        if len(self.y) > LOWRANK_ABOVE:
            self.posterior.lowrank(LOWRANK_RANK)  # part of the refit, so ranking right after it is fast
        self.loo_mu, self.loo_sd = self.posterior.loo()
        self.calibration = core.fit_calibration(self.loo_mu, self.loo_sd, self.y)

    # --- prediction ----------------------------------------------------------------------
    def latent(self, X, exact: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
        """Latent mean and std; exact=False allows the low-rank variance for big batches."""
        if not self.ready:
            return None
        X = np.atleast_2d(X)
        low = not exact and self.n_labels > LOWRANK_ABOVE and len(X) >= LOWRANK_MIN_ROWS
        rank = LOWRANK_RANK if low else None
        if len(X) * self.n_labels < 1_000_000:  # too small for BLAS threads; skip the limiter's ~2 ms
            return self.posterior.predict(self.projection(X, np.float32), rank=rank)
        with core.blas_threads(self.n_labels):
            return self.posterior.predict(self.projection(X, np.float32), rank=rank)

    def predict_many(self, X, exact: bool = True):
        """(prob, entropy, std) arrays, or None at cold start."""
        lat = self.latent(X, exact=exact)
        if lat is None:
            return None
        p, std = core.calibrated(*lat, *self.calibration)
        return p, core.entropy(p), std

    def predict(self, x):
        """(prob, entropy, posterior std of prob) for one profile vector, or None at cold start."""
        out = self.predict_many(np.asarray(x, dtype=np.float32).reshape(1, -1))
        if out is None:
            return None
        return float(out[0][0]), float(out[1][0]), float(out[2][0])

    def predicted_probs(self, X) -> np.ndarray | None:
        """Probabilities for ranking (low-rank variance for big batches)."""
        out = self.predict_many(X, exact=False)
        return None if out is None else out[0]

    def bald_scores(self, X, n_samples: int | None = None) -> np.ndarray | None:
        lat = self.latent(X, exact=False)
        if lat is None:
            return None
        return core.bald_mc(*lat, *self.calibration, n_samples=n_samples or self.n_mc_samples)

    def regression(self, X):
        """The reference's reading: (clip(mean, 0, 1), entropy of it, latent std)."""
        lat = self.latent(X)
        if lat is None:
            return None
        p = np.clip(lat[0], 0.0, 1.0)
        return p, core.entropy(p), lat[1]

    def mode(self) -> str:
        """'exploit' when negatives outnumber positives, else 'explore'."""
        return "exploit" if self.n_labels - self.n_positive > self.n_positive else "explore"

    def rank_profiles(self, X, ids=None, top: int | None = None) -> list[tuple]:
        """[(id, score)] best first: probability when exploiting, BALD when exploring; [] if cold."""
        if not self.ready or len(X) == 0:
            return []
        scores = self.predicted_probs(X) if self.mode() == "exploit" else self.bald_scores(X)
        ids = list(range(len(X))) if ids is None else list(ids)
        order = np.argsort(-scores, kind="stable")[: top or None]
        return [(ids[i], float(scores[i])) for i in order]

    def explain(self, x, top: int = 5) -> dict | None:
        """Probability, uncertainty and the most similar labelled leads, for people."""
        pred = self.predict(x)
        if pred is None:
            return None
        p, ent, std = pred
        x = np.asarray(x, dtype=np.float32).ravel()
        norms = np.linalg.norm(self.X, axis=1) * (np.linalg.norm(x) or 1.0)
        sims = (self.X @ x) / np.where(norms == 0, 1.0, norms)
        nearest = [(self.ids[i], bool(self.y[i]), float(sims[i])) for i in np.argsort(-sims)[:top]]
        liked = sum(1 for _, lab, _ in nearest if lab)
        text = (
            f"Estimated {p:.0%} likely to qualify (uncertainty ±{std:.0%}, entropy {ent:.2f}). "
            f"{liked} of the {len(nearest)} most similar labelled leads qualified."
        )
        return {"probability": p, "entropy": ent, "std": std, "neighbours": nearest, "text": text}

    # --- gate ----------------------------------------------------------------------------
    def gate_report(self, t: Thresholds) -> GateReport:
        """Would the gate's auto-decisions be >= 95 % right on held-out (leave-one-out) labels?"""
        if not self.ready:
            return GateReport(False, None, 0, self.n_labels, "Not enough labels of both kinds to train a model yet.")
        n = len(self.y)
        p, std = core.calibrated(self.loo_mu, self.loo_sd, *self.calibration)
        ent = core.entropy(p)
        decisions = [decide(p[i], ent[i], std[i], t) for i in range(n)]
        auto = np.array([dd != "ask" for dd in decisions])
        right = np.array([(dd == "accept") == bool(self.y[i]) for i, dd in enumerate(decisions)])
        n_auto = int(auto.sum())
        acc = float(right[auto].mean()) if n_auto else None
        if n < GATE_MIN_LABELS:
            return GateReport(False, acc, n_auto, n, f"Gate off: {n} labels so far, it needs {GATE_MIN_LABELS}.")
        if n_auto < GATE_MIN_AUTO:
            note = f"Gate off: the model would be sure of only {n_auto} of {n} held-out labels; it needs more labels."
            return GateReport(False, acc, n_auto, n, note)
        if acc < GATE_MIN_ACCURACY:
            note = (
                f"Gate off: auto-decisions were {acc:.0%} right on {n_auto} held-out labels "
                f"(needs {GATE_MIN_ACCURACY:.0%}); undecided leads go to the LLM or to review."
            )
            return GateReport(False, acc, n_auto, n, note)
        note = f"Gate on: auto-decisions were {acc:.1%} right on {n_auto} of {n} held-out labels."
        return GateReport(True, acc, n_auto, n, note)
