"""The rate rule per channel, the digest of a burst, and when to retry.

A channel (one robot) takes at most `limit` messages (default 20: DingTalk and WeCom allow 20 a minute per
robot, Feishu 100) in any `window` seconds (default 60), counted over the times messages were sent: a
message sent at `t` counts while ``t <= now < t + window``.

`plan(events, sent_at, now, folded=())` decides what goes out now. `events` are the new events (dicts with
at least "title" and "severity", optionally "at", the event time, and anything else the adapter needs);
`folded` the events already folded into a digest that has not gone out yet; `sent_at` the channel's send
times. With `free` messages the window allows now:

- a digest is waiting (`folded`): the new events join it; it goes now if `free` >= 1, else at
  `next_free_at` - a digest is never overtaken by single messages, so events keep their order of arrival
  across digests;
- else, when the new events fit (`len(events) <= free`): each goes alone, now;
- else (a burst): the `free - 1` most severe go alone now and the others are folded into one digest that
  takes the last free message now; with nothing free all of them are folded, the digest due at
  `next_free_at`.

"Most severe" orders by severity (vendors.SEVERITIES, unknown last), then by "at" (earlier first; missing
"at" after those with one), then by position. A `Digest` holds the folded events in that order, their count,
the most severe severity and the titles; `digest_message` turns it into a payloads.Message with the caller's
already translated title and button.

Retries: `retry_at(attempt, now, answer_retry_after=None, ...)` is when the `attempt`-th retry (0 = the first)
may go: the attempt-th delay of engine.backoff.delays (default base 5 s, doubling, capped at 600 s, 10 %
jitter from `rng`), and never before a vendor's own wait (Retry-After, DingTalk's 10-minute throttle).
`MAX_ATTEMPTS` retries, then the push is given up (`give_up(attempt)`). Everything here is a pure function of
its arguments: `now` is passed in, the random jitter comes from the `rng` passed in.
"""

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mom_app.engine import backoff
from mom_app.engine.push.escaping import plain_text
from mom_app.engine.push.payloads import Link, Message
from mom_app.engine.push.vendors import SEVERITIES, severity_rank

DEFAULT_LIMIT = 20
DEFAULT_WINDOW = 60.0

RETRY_BASE = 5.0
RETRY_FACTOR = 2.0
RETRY_CAP = 600.0
RETRY_JITTER = 0.1
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Digest:
	events: tuple[Mapping, ...]
	count: int
	severity: str | None
	titles: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
	"""`send_now`: events to send alone now (most severe first); `digest`: the folded events (None when there
	are none); `digest_at`: when the digest may go (`now` when it goes now, None without a digest); `now`."""

	send_now: tuple[Mapping, ...]
	digest: Digest | None
	digest_at: float | None
	now: float

	@property
	def digest_now(self) -> bool:
		return self.digest is not None and self.digest_at == self.now

	@property
	def messages_now(self) -> int:
		"""How many messages go out now: the single events and the digest if it goes now."""
		return len(self.send_now) + (1 if self.digest_now else 0)


def in_window(sent_at: Iterable[float], now: float, window: float = DEFAULT_WINDOW) -> list[float]:
	"""The send times that still count at `now`, oldest first. Written as ``t + window > now`` (not
	``now - window < t``) so that it agrees exactly, in floating point, with `next_free_at`'s ``t + window``."""
	return sorted(t for t in sent_at if t <= now and t + window > now)


def free_slots(
	sent_at: Iterable[float], now: float, limit: int = DEFAULT_LIMIT, window: float = DEFAULT_WINDOW
) -> int:
	"""How many messages may go at `now`."""
	_check(limit, window)
	return max(0, limit - len(in_window(sent_at, now, window)))


def next_free_at(
	sent_at: Iterable[float], now: float, limit: int = DEFAULT_LIMIT, window: float = DEFAULT_WINDOW
) -> float:
	"""The earliest time >= `now` at which one more message may go."""
	_check(limit, window)
	recent = in_window(sent_at, now, window)
	if len(recent) < limit:
		return now
	# one more may go once all but limit - 1 of them have left the window
	return recent[len(recent) - limit] + window


def most_severe_first(events: Iterable[Mapping]) -> list[Mapping]:
	def key(item: tuple[int, Mapping]) -> tuple:
		index, event = item
		at = event.get("at")
		return (severity_rank(event.get("severity")), at is None, at if at is not None else 0, index)

	return [event for _index, event in sorted(enumerate(events), key=key)]


def make_digest(events: Iterable[Mapping]) -> Digest:
	ordered = tuple(most_severe_first(events))
	if not ordered:
		raise ValueError("A digest needs at least one event")
	top = ordered[0].get("severity")
	return Digest(
		events=ordered,
		count=len(ordered),
		severity=top if top in SEVERITIES else None,
		titles=tuple(plain_text(event.get("title")) for event in ordered),
	)


def plan(
	events: Sequence[Mapping],
	sent_at: Iterable[float],
	now: float,
	*,
	folded: Sequence[Mapping] = (),
	limit: int = DEFAULT_LIMIT,
	window: float = DEFAULT_WINDOW,
) -> Plan:
	"""What goes out at `now` (see the module docstring)."""
	_check(limit, window)
	sent_at = list(sent_at)
	free = free_slots(sent_at, now, limit, window)
	if folded:
		digest = make_digest([*folded, *events])
		return Plan((), digest, now if free >= 1 else next_free_at(sent_at, now, limit, window), now)
	if not events:
		return Plan((), None, None, now)
	if len(events) <= free:
		return Plan(tuple(most_severe_first(events)), None, None, now)
	if free == 0:
		return Plan((), make_digest(events), next_free_at(sent_at, now, limit, window), now)
	ordered = most_severe_first(events)
	alone = tuple(ordered[: free - 1])
	return Plan(alone, make_digest(ordered[free - 1 :]), now, now)


def digest_message(
	digest: Digest,
	*,
	title: str,
	url: str,
	button: str,
	max_titles: int = 10,
	more: str = "+{n}",
	links: Sequence[Link] = (),
) -> Message:
	"""The digest as a payloads.Message: the caller's `title` (e.g. "12 events", already translated), one line
	per event title (most severe first, at most `max_titles`, then `more` formatted with the number left out),
	the digest's severity, the caller's link and button (e.g. the list of the events)."""
	lines = list(digest.titles[:max_titles])
	left = digest.count - len(lines)
	if left > 0:
		lines.append(more.format(n=left))
	return Message(
		title=title,
		url=url,
		button=button,
		lines=tuple(lines),
		severity=digest.severity or "info",
		links=tuple(links),
	)


def retry_at(
	attempt: int,
	now: float,
	answer_retry_after: float | None = None,
	*,
	rng: random.Random | None = None,
	base: float = RETRY_BASE,
	factor: float = RETRY_FACTOR,
	cap: float = RETRY_CAP,
	jitter: float = RETRY_JITTER,
) -> float:
	"""When retry number `attempt` (0 = the first retry) may go: now + the backoff delay, and not before the
	vendor's own wait. Deterministic for a seeded `rng` (jitter 0 needs none)."""
	if attempt < 0:
		raise ValueError(f"attempt must be >= 0, got {attempt!r}")
	delays = backoff.delays(base=base, factor=factor, cap=cap, jitter=jitter, rng=rng or random.Random(0))
	delay = next(itertools.islice(delays, attempt, None))
	return now + max(delay, answer_retry_after or 0.0)


def give_up(attempt: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
	"""True when `attempt` retries have been made and no more should be."""
	return attempt >= max_attempts


def _check(limit: int, window: float) -> None:
	if not isinstance(limit, int) or limit < 1:
		raise ValueError(f"limit must be a whole number >= 1, got {limit!r}")
	if not window > 0:
		raise ValueError(f"window must be positive, got {window!r}")
