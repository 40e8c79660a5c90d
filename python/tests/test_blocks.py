"""The sampler and the losses as building blocks: frequencies by chi-square,
losses against numpy's float64 formulas, gradients against central
differences of those formulas."""
import numpy as np
import pytest

import negsamp

# chi-square critical values at p = 0.001
CHI2_999 = {2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 8: 26.12, 9: 27.88}


def chi2(counts, probs):
    n = counts.sum()
    keep = probs > 0
    e = n * probs[keep]
    return float(((counts[keep] - e) ** 2 / e).sum()), int(keep.sum()) - 1


def test_sampler_frequencies_follow_the_weights():
    w = np.array([1, 2, 3, 4, 0, 10, 0.5, 7, 1, 2], dtype=float)
    s = negsamp.Sampler(w, seed=9)
    ids = s.draw(300_000)
    assert len(ids) == 300_000 and ids.dtype == np.int32 and not np.any(ids == 4)
    stat, df = chi2(np.bincount(ids, minlength=len(w)), w / w.sum())
    assert stat < CHI2_999[df], stat


def test_sampler_exclusion_renormalises():
    w = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    ids = negsamp.Sampler(w, seed=3).draw(200_000, exclude=[4, 1])
    assert not np.isin(ids, [4, 1]).any()
    assert len(ids) > 195_000  # dropped only after 8 excluded draws in a row
    p = w.copy()
    p[[1, 4]] = 0
    stat, df = chi2(np.bincount(ids, minlength=len(w)), p / p.sum())
    assert stat < CHI2_999[df], stat
    # every id excluded: nothing comes back
    assert len(negsamp.Sampler([1.0, 1.0]).draw(100, exclude=[0, 1])) == 0


def test_sampler_rejects_bad_weights():
    with pytest.raises(negsamp.InvalidError):
        negsamp.Sampler([0.0, 0.0])
    with pytest.raises(negsamp.InvalidError):
        negsamp.Sampler([1.0, -1.0])
    with pytest.raises(ValueError):
        negsamp.Sampler([])


def softplus(x):
    return np.logaddexp(0.0, x)


def logsumexp(z):
    m = z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]


def fd_grad(f, x, h=1e-5):
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


rng = np.random.default_rng(5)
P = rng.normal(0, 2, size=6).astype(np.float32)
N = rng.normal(0, 2, size=(6, 4)).astype(np.float32)
CP = rng.normal(0, 1, size=6).astype(np.float32)
CN = rng.normal(0, 1, size=(6, 4)).astype(np.float32)


def check(loss, grads, ref, args):
    """loss and grads from the library against ref(*args) in float64 and its central differences."""
    args64 = [a.astype(np.float64) for a in args]
    assert loss == pytest.approx(ref(*args64), rel=1e-5)
    for k, g in enumerate(grads):
        def f(x, k=k):
            a = list(args64)
            a[k] = x
            return ref(*a)
        assert np.allclose(g, fd_grad(f, args64[k]), rtol=1e-4, atol=1e-5), (k, g, fd_grad(f, args64[k]))


def test_sgns():
    loss, gp, gn = negsamp.sgns_loss(P, N)
    check(loss, [gp, gn], lambda p, n: softplus(-p).sum() + softplus(n).sum(), [P, N])


def test_nce_subtracts_log_k_pn():
    loss, gp, gn = negsamp.nce_loss(P, N, CP, CN)
    check(loss, [gp, gn], lambda p, n: softplus(-(p - CP)).sum() + softplus(n - CN).sum(), [P, N])


def test_sampled_softmax():
    def ref(p, n):
        z = np.concatenate([(p - CP)[:, None], n - CN], axis=1)
        return (logsumexp(z) - z[:, 0]).sum()

    loss, gp, gn = negsamp.sampled_softmax_loss(P, N, CP, CN)
    check(loss, [gp, gn], ref, [P, N])


def test_infonce():
    S = rng.normal(0, 2, size=(5, 5)).astype(np.float32)
    loss, g = negsamp.infonce_loss(S)
    check(loss, [g], lambda s: (logsumexp(s) - np.diag(s)).sum(), [S])


def test_bpr():
    loss, gp, gn = negsamp.bpr_loss(P, N)
    check(loss, [gp, gn], lambda p, n: softplus(n - p[:, None]).sum(), [P, N])


def test_warp_hinge_away_from_its_kinks():
    p = np.array([0.0, 2.0, -1.0], dtype=np.float32)
    n = np.array([[0.5, -3.0], [0.2, 1.6], [-0.5, -2.5]], dtype=np.float32)
    loss, gp, gn = negsamp.warp_loss(p, n, weight=2.0)
    check(loss, [gp, gn], lambda p, n: 2.0 * np.maximum(0, 1 - p[:, None] + n).sum(), [p, n])


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="batch"):
        negsamp.sgns_loss(P, N[:3])
    with pytest.raises(ValueError, match="square"):
        negsamp.infonce_loss(N)
