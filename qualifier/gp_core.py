"""Numerical core of the qualifier: PCA, a ConstantKernel*RBF Gaussian process, probit calibration.

Plain numpy/scipy so every cost is visible and reusable:
- PCA by the eigen-decomposition of the 384x384 covariance (O(n d^2), no n x n work);
- GP regression of the 0/1 labels with per-point noise (alpha = 0.1; human labels 0.05);
  log-marginal likelihood with its analytic gradient in (log c, log l), optimised by L-BFGS-B
  inside sklearn's default bounds (1e-5 .. 1e5);
- exact posterior mean and variance in float32 chunks, the variance through one triangular
  multiply with L^-1 per chunk (half the flops of a dense K^-1 product, no n x m solve);
- closed-form leave-one-out predictions (Rasmussen & Williams 5.12), used as held-out data for
  calibration and for the gate's accuracy check;
- probit calibration p = Phi((a*mu + b) / sqrt(1 + a^2 sd^2)) and the exact std of that
  probability under the latent posterior (Owen's T).
"""

import contextlib

import numpy as np
from scipy import linalg, optimize, special
from scipy.linalg import blas, lapack
from threadpoolctl import threadpool_limits

BOUNDS = [(np.log(1e-5), np.log(1e5))] * 2
CHUNK = 2048
SINGLE_THREAD_BELOW = 800


def blas_threads(n: int):
    """One BLAS thread for small matrices: OpenBLAS's thread hand-off costs more than it saves
    there, and on a busy 2-core machine it can make a 200x200 Cholesky 100x slower."""
    return threadpool_limits(limits=1, user_api="blas") if n < SINGLE_THREAD_BELOW else contextlib.nullcontext()


class Projection:
    """PCA to `k` dims followed by standard scaling, fitted on the training rows."""

    def __init__(self, X: np.ndarray, k: int):
        X = np.asarray(X, dtype=np.float64)
        self.mean = X.mean(axis=0)
        Xc = X - self.mean
        cov = Xc.T @ Xc / max(len(X) - 1, 1)
        w, v = np.linalg.eigh(cov)
        order = np.argsort(w)[::-1][:k]
        comps = v[:, order].T
        signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
        self.components = comps * signs[:, None]
        Z = Xc @ self.components.T
        self.z_mean = Z.mean(axis=0)
        self.z_scale = Z.std(axis=0)
        self.z_scale[self.z_scale < 1e-12] = 1.0
        self.k = k

    def __call__(self, X: np.ndarray, dtype=np.float64) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        Z = ((X - self.mean) @ self.components.T - self.z_mean) / self.z_scale
        return Z.astype(dtype, copy=False)


def sqdist(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    d = A @ B.T
    d *= -2.0
    d += (A * A).sum(axis=1)[:, None]
    d += (B * B).sum(axis=1)[None, :]
    np.maximum(d, 0.0, out=d)
    return d


def kernel(A: np.ndarray, B: np.ndarray, c: float, length: float) -> np.ndarray:
    """c * exp(-|a - b|^2 / (2 l^2)) in three passes over the m x n result (one GEMM, two
    broadcasts, one exp), in the dtype of the inputs."""
    dt = A.dtype
    inv = dt.type(1.0 / length)
    As, Bs = A * inv, B * inv
    K = As @ Bs.T
    K -= (0.5 * (As * As).sum(axis=1))[:, None]
    K -= (0.5 * (Bs * Bs).sum(axis=1) - dt.type(np.log(c)))[None, :]
    np.minimum(K, dt.type(np.log(c)), out=K)
    np.exp(K, out=K)
    return K


def neg_lml(theta: np.ndarray, Z: np.ndarray, y: np.ndarray, noise: np.ndarray, D2: np.ndarray | None = None):
    """Negative log-marginal likelihood and its gradient in (log c, log l)."""
    c, length = np.exp(theta)
    if D2 is None:
        D2 = sqdist(Z, Z)
    R = np.exp(-0.5 * D2 / (length * length))
    K = c * R
    K[np.diag_indices_from(K)] += noise
    try:
        L = linalg.cholesky(K, lower=True, check_finite=False)
    except linalg.LinAlgError:
        return 1e25, np.zeros(2)
    alpha = linalg.cho_solve((L, True), y, check_finite=False)
    lml = -0.5 * y @ alpha - np.log(np.diag(L)).sum() - 0.5 * len(y) * np.log(2 * np.pi)
    Kinv, _ = lapack.dpotri(L, lower=1)
    Kinv = np.tril(Kinv) + np.tril(Kinv, -1).T
    W = np.outer(alpha, alpha) - Kinv  # d lml / dK = W / 2
    dK_c = c * R
    dK_l = dK_c * D2 / (length * length)
    grad = 0.5 * np.array([(W * dK_c).sum(), (W * dK_l).sum()])
    return -lml, -grad


def fit_hypers(Z, y, noise, theta0, restarts: int = 0, rng=None) -> tuple[np.ndarray, float]:
    """L-BFGS-B from theta0 (plus `restarts` random starts); returns (theta, lml)."""
    D2 = sqdist(Z, Z)
    starts = [np.asarray(theta0, dtype=float)]
    rng = rng or np.random.default_rng(0)
    starts += [rng.uniform([b[0] for b in BOUNDS], [b[1] for b in BOUNDS]) for _ in range(restarts)]
    best = (starts[0], np.inf)
    for start in starts:
        res = optimize.minimize(neg_lml, start, args=(Z, y, noise, D2), jac=True, method="L-BFGS-B", bounds=BOUNDS)
        if res.fun < best[1]:
            best = (res.x, float(res.fun))
    return best[0], -best[1]


class Posterior:
    """Exact GP posterior for fixed hyper-parameters (Cholesky of K + diag(noise))."""

    def __init__(self, Z: np.ndarray, y: np.ndarray, noise: np.ndarray, theta: np.ndarray):
        self.c, self.length = (float(v) for v in np.exp(theta))
        self.Z = np.ascontiguousarray(Z, dtype=np.float64)
        K = kernel(self.Z, self.Z, self.c, self.length)
        K[np.diag_indices_from(K)] += noise
        self.L = linalg.cholesky(K, lower=True, check_finite=False)
        self.alpha = linalg.cho_solve((self.L, True), y, check_finite=False)
        Linv, info = lapack.dtrtri(self.L, lower=1)
        if info != 0:
            raise linalg.LinAlgError("triangular inverse failed")
        Linv = np.tril(Linv)
        self.kinv_diag = (Linv * Linv).sum(axis=0)
        self.Linv32 = np.asfortranarray(Linv, dtype=np.float32)
        self.Z32 = self.Z.astype(np.float32)
        self.alpha32 = self.alpha.astype(np.float32)
        self.y, self.noise = y, noise

    def lml(self, y: np.ndarray) -> float:
        return float(-0.5 * y @ self.alpha - np.log(np.diag(self.L)).sum() - 0.5 * len(y) * np.log(2 * np.pi))

    def lowrank(self, rank: int):
        """Top eigenpairs of A^-1/2 K A^-1/2 (A = noise) by randomized subspace iteration."""
        if getattr(self, "_lowrank", None) is not None and self._lowrank[0] == rank:
            return self._lowrank
        n = len(self.y)
        a = 1.0 / np.sqrt(self.noise)
        Kt = kernel(self.Z, self.Z, self.c, self.length) * a[:, None] * a[None, :]
        omega = np.random.default_rng(0).standard_normal((n, min(n, rank + 16)))
        Q, _ = np.linalg.qr(Kt @ omega)
        Q, _ = np.linalg.qr(Kt @ Q)
        w, V = np.linalg.eigh(Q.T @ Kt @ Q)
        order = np.argsort(w)[::-1][:rank]
        w, U = np.maximum(w[order], 0.0), (Q @ V)[:, order]
        tail = max(float(np.trace(Kt) - w.sum()) / max(n - len(w), 1), 0.0)
        Ua = (U * a[:, None]).astype(np.float32)  # k^T A^-1/2 U = (K_* Ua)
        self._lowrank = (rank, Ua, (1.0 / (w + 1.0)).astype(np.float32), a.astype(np.float32), tail)
        return self._lowrank

    def predict(self, Zs: np.ndarray, return_std: bool = True, rank: int | None = None):
        """Latent mean and std (noise-free, like sklearn's GPR) in float32 chunks.

        rank=None: exact variance (one triangular multiply per chunk, n^2 per point). rank=r: the
        variance from the top r eigen-directions of the noise-whitened kernel plus the rest of
        |k_*|^2 at the mean of the remaining eigenvalues (n r per point; errors are printed by
        the benchmark).
        """
        Zs = np.asarray(Zs, dtype=np.float32)
        mu = np.empty(len(Zs), dtype=np.float64)
        sd = np.empty(len(Zs), dtype=np.float64) if return_std else None
        low = self.lowrank(rank) if (return_std and rank) else None
        for s in range(0, len(Zs), CHUNK):
            Ks = kernel(Zs[s : s + CHUNK], self.Z32, self.c, self.length)
            mu[s : s + CHUNK] = Ks @ self.alpha32
            if not return_std:
                continue
            if low is None:
                V = blas.strmm(1.0, self.Linv32, Ks.T, side=0, lower=1)  # L^-1 K_*^T, n x chunk
                reduction = np.einsum("ij,ij->j", V, V)
            else:
                _, Ua, shrink, a, tail = low
                G = Ks @ Ua
                G *= G
                Ks *= a
                total = np.einsum("ij,ij->i", Ks, Ks)
                reduction = G @ shrink + np.maximum(total - G.sum(axis=1), 0.0) / (1.0 + tail)
            sd[s : s + CHUNK] = np.sqrt(np.maximum(self.c - reduction, 1e-12))
        return mu, sd

    def loo(self) -> tuple[np.ndarray, np.ndarray]:
        """Leave-one-out latent mean and std for every training point."""
        mu = self.y - self.alpha / self.kinv_diag
        var = 1.0 / self.kinv_diag - self.noise
        return mu, np.sqrt(np.maximum(var, 1e-12))


# --- probit calibration --------------------------------------------------------------------
def _h(params, mu, sd):
    a, b = np.exp(params[0]), params[1]
    return (a * mu + b) / np.sqrt(1.0 + (a * sd) ** 2)


def fit_calibration(mu: np.ndarray, sd: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of p = Phi((a mu + b)/sqrt(1 + a^2 sd^2)) by penalised maximum likelihood.

    The weak prior (log a ~ N(log 4, 1), b ~ N(-2, 3^2): the identity threshold at mu = 0.5) keeps
    the fit finite when the held-out predictions separate the classes perfectly.
    """
    y = np.asarray(y, dtype=float)

    def nll(params):
        h = _h(params, mu, sd)
        ll = y * special.log_ndtr(h) + (1 - y) * special.log_ndtr(-h)
        prior = 0.5 * (params[0] - np.log(4.0)) ** 2 + 0.5 * ((params[1] + 2.0) / 3.0) ** 2
        return -ll.sum() + prior

    res = optimize.minimize(nll, np.array([np.log(4.0), -2.0]), method="L-BFGS-B", bounds=[(-3, 4.5), (-15, 15)])
    return float(np.exp(res.x[0])), float(res.x[1])


def calibrated(mu: np.ndarray, sd: np.ndarray, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Probability and its posterior std under f ~ N(mu, sd^2), p(f) = Phi(a f + b)."""
    s2 = (a * sd) ** 2
    h = (a * mu + b) / np.sqrt(1.0 + s2)
    p = special.ndtr(h)
    rho = s2 / (1.0 + s2)
    second = p - 2.0 * special.owens_t(h, np.sqrt((1.0 - rho) / (1.0 + rho)))  # E[Phi(af+b)^2]
    std = np.sqrt(np.maximum(second - p * p, 0.0))
    return p, std


def entropy(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    return -(p * np.log(p) + (1 - p) * np.log1p(-p))


def bald_mc(mu: np.ndarray, sd: np.ndarray, a: float, b: float, n_samples: int = 100) -> np.ndarray:
    """BALD = H(E[p]) - E[H(p)] over `n_samples` stratified draws of the latent posterior (float32)."""
    eps = special.ndtri((np.arange(n_samples, dtype=np.float64) + 0.5) / n_samples).astype(np.float32)
    out = np.empty(len(mu), dtype=np.float64)
    step = CHUNK * 2
    lo, hi = np.float32(1e-7), np.float32(1 - 1e-7)
    for s in range(0, len(mu), step):
        f = sd[s : s + step, None].astype(np.float32) * (np.float32(a) * eps[None, :])
        f += (np.float32(a) * mu[s : s + step, None] + np.float32(b)).astype(np.float32)
        p = special.ndtr(f)
        np.clip(p, lo, hi, out=p)
        q = 1 - p
        h = p * np.log(p)
        h += q * np.log(q)
        out[s : s + step] = entropy(p.mean(axis=1)) + h.mean(axis=1)
    return out
