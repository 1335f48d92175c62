"""Retry delays: exponential backoff with a cap and jitter.

The n-th delay (n = 0, 1, 2, ...) is ``base * factor**n`` capped at `cap`, then multiplied by a random
factor in ``[1 - jitter, 1 + jitter]`` so that many collectors losing the same server do not reconnect in
step. The result is capped again: `cap` is the longest delay ever returned. Delays are never negative.
The iterator never ends; the caller decides when to give up, and starts a new one after a success.
"""

import random
from collections.abc import Iterator


def delays(
	base: float = 1.0,
	factor: float = 2.0,
	cap: float = 60.0,
	jitter: float = 0.1,
	rng: random.Random | None = None,
) -> Iterator[float]:
	"""Seconds to wait before each retry, forever. Arguments are checked here, not at the first next()."""
	if not base > 0:
		raise ValueError(f"base must be positive, got {base!r}")
	if not factor >= 1:
		raise ValueError(f"factor must be at least 1, got {factor!r}")
	if not cap >= base:
		raise ValueError(f"cap must be at least base ({base!r}), got {cap!r}")
	if not 0 <= jitter <= 1:
		raise ValueError(f"jitter must be between 0 and 1, got {jitter!r}")
	return _delays(base, factor, cap, jitter, rng or random.Random())


def _delays(base: float, factor: float, cap: float, jitter: float, rng: random.Random) -> Iterator[float]:
	nominal = base
	while True:
		spread = rng.uniform(-jitter, jitter) if jitter else 0.0
		yield min(cap, max(0.0, nominal * (1.0 + spread)))
		# Stop growing at the cap: base * factor**n would overflow a float after ~1000 retries.
		nominal = min(cap, nominal * factor)
