import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.backoff import delays


def take(iterator, n):
	return list(itertools.islice(iterator, n))


def test_without_jitter_doubles_up_to_cap():
	assert take(delays(jitter=0), 9) == [1, 2, 4, 8, 16, 32, 60, 60, 60]
	assert take(delays(base=0.5, factor=3, cap=10, jitter=0), 5) == [0.5, 1.5, 4.5, 10, 10]
	assert take(delays(base=2, factor=1, cap=2, jitter=0), 3) == [2, 2, 2]


def test_jitter_stays_within_bounds_and_under_cap():
	rng = random.Random(1)
	got = take(delays(rng=rng), 12)
	nominal = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
	for d, n in zip(got, nominal, strict=True):
		assert n * 0.9 <= d <= min(n * 1.1, 60)
	assert len(set(got[6:])) > 1  # the capped delays are spread, not all 60
	assert any(d != n for d, n in zip(got, nominal, strict=True))


def test_seeded_rng_is_reproducible():
	assert take(delays(rng=random.Random(42)), 20) == take(delays(rng=random.Random(42)), 20)
	assert take(delays(rng=random.Random(42)), 20) != take(delays(rng=random.Random(43)), 20)


def test_default_rng_is_not_the_global_one():
	random.seed(5)
	a = take(delays(), 5)
	random.seed(5)
	b = take(delays(), 5)
	assert a != b


def test_is_infinite_and_does_not_overflow():
	it = delays(jitter=0)
	assert next(itertools.islice(it, 5000, None)) == 60


@pytest.mark.parametrize(
	"kwargs",
	[{"base": 0}, {"base": -1}, {"factor": 0.5}, {"cap": 0.5}, {"jitter": -0.1}, {"jitter": 1.5},
	 {"base": float("nan")}],
)  # fmt: skip
def test_bad_arguments_raise_at_call(kwargs):
	with pytest.raises(ValueError):
		delays(**kwargs)


@settings(max_examples=50)
@given(
	base=st.floats(0.01, 10),
	factor=st.floats(1, 5),
	extra=st.floats(0, 100),
	jitter=st.floats(0, 1),
	seed=st.integers(0, 2**32),
)
def test_properties(base, factor, extra, jitter, seed):
	cap = base + extra
	got = take(delays(base, factor, cap, jitter, random.Random(seed)), 40)
	nominal = take(delays(base, factor, cap, 0), 40)
	assert all(0 <= d <= cap for d in got)
	assert nominal == sorted(nominal)  # never shrinks without jitter
	for d, n in zip(got, nominal, strict=True):
		assert n * (1 - jitter) - 1e-9 <= d <= n * (1 + jitter) + 1e-9
