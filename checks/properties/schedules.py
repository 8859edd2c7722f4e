"""Invariants of the learning-rate schedules (specs/schedules.md).

subject.make() gives the module; each schedule is called as f(lr, epoch, settings...)
with epoch t = 0 for the first epoch, and returns the learning rate of that epoch.
"""
from hypothesis import given
from hypothesis import strategies as st

from checks.properties import require, require_close

SCHEDULES = ("constant", "step_decay", "exponential", "cosine")


def rates():
    """Starting learning rates, from 1e-4 to 10."""
    return st.floats(min_value=1e-4, max_value=10.0)


def epochs(high=200):
    return st.integers(min_value=0, max_value=high)


def factors():
    """Multipliers in (0, 1]: step factors and exponential gammas."""
    return st.floats(min_value=0.01, max_value=1.0)


@st.composite
def settings(draw, name):
    """The settings of schedule name, as keyword arguments."""
    if name == "step_decay":
        return {"every": draw(st.integers(1, 20)), "factor": draw(factors())}
    if name == "exponential":
        return {"gamma": draw(factors())}
    if name == "cosine":
        return {"epochs": draw(st.integers(1, 100)), "minimum": draw(st.sampled_from([0.0, 1e-5, 1e-3]))}
    return {}


def every_schedule_starts_at_lr(subject):
    """At epoch 0 every schedule gives the starting rate lr itself."""

    @given(rates(), st.data())
    def holds(lr, data):
        for name in SCHEDULES:
            kwargs = data.draw(settings(name))
            value = getattr(subject.make(), name)(lr, 0, **kwargs)
            require_close(value, lr, f"{name}(lr={lr!r}, epoch=0, {kwargs}) should be lr; got", 1e-12)

    holds()


def every_schedule_is_positive_and_never_rises(subject):
    """lr_t >= 0 and lr_(t+1) <= lr_t for every epoch t: the rate only ever goes down."""

    @given(rates(), epochs(), st.data())
    def holds(lr, t, data):
        for name in SCHEDULES:
            kwargs = data.draw(settings(name))
            f = getattr(subject.make(), name)
            now, later = f(lr, t, **kwargs), f(lr, t + 1, **kwargs)
            require(now >= 0.0, f"{name}(lr={lr!r}, epoch={t}, {kwargs}) = {now!r} is negative")
            require(later <= now * (1 + 1e-12), f"{name}(lr={lr!r}, {kwargs}) rises from {now!r} at epoch {t} to "
                                                f"{later!r} at epoch {t + 1}; a schedule only lowers the rate")

    holds()


def constant_is_constant(subject):
    """constant(lr, t) = lr at every epoch t."""

    @given(rates(), epochs())
    def holds(lr, t):
        require(subject.make().constant(lr, t) == lr, f"constant(lr={lr!r}, epoch={t}) should be lr exactly")

    holds()


def step_decay_multiplies_by_factor_at_each_boundary(subject):
    """step_decay keeps lr * factor^k for epochs k * every .. (k + 1) * every - 1 and drops at the boundary."""

    @given(rates(), st.integers(1, 20), st.floats(min_value=0.01, max_value=0.99), st.integers(0, 5))
    def holds(lr, every, factor, k):
        f = subject.make().step_decay
        expected = lr * factor ** k
        for t in (k * every, (k + 1) * every - 1):
            require_close(f(lr, t, every=every, factor=factor), expected,
                          f"step_decay(lr={lr!r}, epoch={t}, every={every}, factor={factor!r}) should be "
                          f"lr * factor^{k} (epochs {k * every} to {(k + 1) * every - 1} share one rate; off by "
                          "one epoch?); got", 1e-12)
        require_close(f(lr, (k + 1) * every, every=every, factor=factor), expected * factor,
                      f"step_decay(lr={lr!r}, every={every}, factor={factor!r}) should drop to lr * factor^{k + 1} "
                      f"at epoch {(k + 1) * every}; got", 1e-12)

    holds()


def exponential_multiplies_by_gamma_each_epoch(subject):
    """exponential(lr, t + 1) = gamma * exponential(lr, t), and exponential(lr, t) = lr gamma^t."""

    @given(rates(), epochs(50), factors())
    def holds(lr, t, gamma):
        f = subject.make().exponential
        require_close(f(lr, t, gamma=gamma), lr * gamma ** t,
                      f"exponential(lr={lr!r}, epoch={t}, gamma={gamma!r}) should be lr * gamma^{t}; got", 1e-12)
        require_close(f(lr, t + 1, gamma=gamma), gamma * f(lr, t, gamma=gamma),
                      f"exponential(lr={lr!r}, gamma={gamma!r}) at epoch {t + 1} should be gamma times its value at "
                      f"epoch {t}; got", 1e-12)

    holds()


def cosine_runs_from_lr_to_the_minimum_symmetrically(subject):
    """cosine gives lr at t = 0, the minimum at t = epochs and after, and lr_t + lr_(epochs - t) = lr + minimum."""

    @given(rates(), st.integers(1, 100), st.data())
    def holds(lr, total, data):
        f = subject.make().cosine
        minimum = data.draw(st.sampled_from([0.0, lr / 100, lr / 2]))
        t = data.draw(st.integers(0, total))
        at = lambda e: f(lr, e, epochs=total, minimum=minimum)  # noqa: E731
        for e in (total, total + 1, total + 10):
            require_close(at(e), minimum, f"cosine(lr={lr!r}, epoch={e}, epochs={total}, minimum={minimum!r}) "
                                          "should be the minimum from epoch = epochs on; got", 1e-12)
        require_close(at(t) + at(total - t), lr + minimum,
                      f"cosine(lr={lr!r}, epochs={total}, minimum={minimum!r}): the rates at epochs {t} and "
                      f"{total - t} should add up to lr + minimum (the half-cosine is symmetric; off by one "
                      "epoch?); their sum", 1e-12)

    holds()


PROPERTIES = [every_schedule_starts_at_lr, every_schedule_is_positive_and_never_rises, constant_is_constant,
              step_decay_multiplies_by_factor_at_each_boundary, exponential_multiplies_by_gamma_each_epoch,
              cosine_runs_from_lr_to_the_minimum_symmetrically]
