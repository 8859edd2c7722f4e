"""Weight initializers: W (n_in, n_out) drawn from a seeded random.Random."""
import math


def xavier_uniform(n_in, n_out, rng):
    """W (n_in, n_out) ~ U(-a, a) with a = sqrt(6 / (n_in + n_out))."""
    a = math.sqrt(6.0 / (n_in + n_out))
    return [[rng.uniform(-a, a) for _ in range(n_out)] for _ in range(n_in)]


def he_normal(n_in, n_out, rng):
    """W (n_in, n_out) ~ N(0, sigma^2) with sigma = sqrt(2 / n_in)."""
    sigma = math.sqrt(2.0 / n_in)
    return [[rng.gauss(0.0, sigma) for _ in range(n_out)] for _ in range(n_in)]
