import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.push import rate
from mom_app.engine.push.payloads import Message


def event(n, severity="medium", at=None):
	return {"id": n, "title": f"event {n}", "severity": severity, "at": at if at is not None else n}


def test_window_counts_sends_of_the_last_60_seconds():
	sent = [0.0, 10.0, 59.9, 60.0, 61.0]
	assert rate.in_window(sent, 60.0) == [10.0, 59.9, 60.0]  # a send at exactly now - 60 no longer counts
	assert rate.in_window(sent, 120.0) == [61.0]
	assert rate.free_slots([1.0] * 19, 30.0) == 1
	assert rate.free_slots([1.0] * 25, 30.0) == 0
	assert rate.free_slots([1.0] * 25, 61.0) == 20
	assert rate.free_slots([5.0], 4.0) == 20  # a time after now does not count


def test_next_free_at():
	assert rate.next_free_at([], 5.0) == 5.0
	assert rate.next_free_at([float(i) for i in range(19)], 30.0) == 30.0
	full = [float(i) for i in range(20)]  # 0..19
	assert rate.next_free_at(full, 30.0) == 60.0  # the send at 0 leaves the window at 60
	over = [float(i) for i in range(22)]  # 22 in the window (sent by another process, say)
	assert rate.next_free_at(over, 30.0) == 62.0  # three have to leave for one more to go
	assert rate.free_slots(over, 62.0) == 1
	assert rate.next_free_at([0.0, 0.0, 0.0], 1.0, limit=2, window=10) == 10.0


def test_events_that_fit_go_alone_most_severe_first():
	events = [event(1, "low"), event(2, "critical"), event(3, "medium"), event(4, "critical", at=0.5)]
	plan = rate.plan(events, [], 100.0)
	assert [e["id"] for e in plan.send_now] == [4, 2, 3, 1]
	assert plan.digest is None and plan.digest_at is None and plan.messages_now == 4


def test_a_burst_sends_the_most_severe_alone_and_folds_the_rest_into_one_digest_now():
	sent = [float(i) for i in range(15)]  # 5 free at t=30
	events = [event(i, "low") for i in range(10)] + [event(100, "critical"), event(101, "high")]
	plan = rate.plan(events, sent, 30.0)
	assert [e["id"] for e in plan.send_now] == [100, 101, 0, 1]
	assert plan.digest.count == 8 and plan.digest_at == 30.0 and plan.digest_now
	assert plan.digest.titles == tuple(f"event {i}" for i in range(2, 10))
	assert plan.digest.severity == "low"
	assert plan.messages_now == 5 == rate.free_slots(sent, 30.0)


def test_a_full_window_folds_everything_until_a_message_may_go():
	sent = [float(i) for i in range(20)]
	plan = rate.plan([event(1, "low"), event(2, "high")], sent, 30.0)
	assert plan.send_now == () and plan.messages_now == 0
	assert plan.digest_at == 60.0 and not plan.digest_now
	assert [e["id"] for e in plan.digest.events] == [2, 1] and plan.digest.severity == "high"


def test_a_waiting_digest_takes_new_events_and_is_not_overtaken():
	sent = [float(i) for i in range(20)]
	folded = [event(1, "low"), event(2, "high")]
	later = rate.plan([event(3, "critical")], sent, 45.0, folded=folded)
	assert later.send_now == () and later.digest_at == 60.0
	assert [e["id"] for e in later.digest.events] == [3, 2, 1] and later.digest.severity == "critical"
	due = rate.plan([], sent, 60.0, folded=folded)
	assert due.send_now == () and due.digest_now and due.digest.count == 2


def test_single_free_slot_and_no_events():
	sent = [float(i) for i in range(19)]
	plan = rate.plan([event(1), event(2)], sent, 30.0)
	assert plan.send_now == () and plan.digest.count == 2 and plan.digest_now
	assert rate.plan([], sent, 30.0) == rate.Plan((), None, None, 30.0)


def test_unknown_severity_and_missing_time_sort_last():
	events = [
		{"title": "a"},
		{"title": "b", "severity": "info", "at": 5},
		{"title": "c", "severity": "x", "at": 1},
	]
	assert [e["title"] for e in rate.most_severe_first(events)] == ["b", "c", "a"]
	assert rate.make_digest(events).severity == "info"
	assert rate.make_digest([{"title": "a"}]).severity is None
	with pytest.raises(ValueError):
		rate.make_digest([])


def test_bad_limits():
	for limit, window in ((0, 60), (2.5, 60), (20, 0), (20, -1)):
		with pytest.raises(ValueError):
			rate.plan([event(1)], [], 1.0, limit=limit, window=window)


def test_digest_message():
	digest = rate.make_digest([event(i, "low") for i in range(13)] + [event(99, "critical")])
	msg = rate.digest_message(
		digest, title="14 events", url="https://x.test/app/mom", button="Open", max_titles=3
	)
	assert msg == Message(
		title="14 events",
		url="https://x.test/app/mom",
		button="Open",
		lines=("event 99", "event 0", "event 1", "+11"),
		severity="critical",
	)
	shorter = rate.digest_message(
		digest, title="t", url="https://x.test", button="b", max_titles=20, more="und {n}"
	)
	assert len(shorter.lines) == 14


def test_retry_times_follow_the_backoff_and_the_vendor_wait():
	assert [rate.retry_at(n, 1000.0, jitter=0) - 1000.0 for n in range(9)] == [
		5,
		10,
		20,
		40,
		80,
		160,
		320,
		600,
		600,
	]
	assert rate.retry_at(0, 1000.0, 600.0, jitter=0) == 1600.0  # DingTalk's 10-minute throttle
	assert rate.retry_at(5, 1000.0, 30.0, jitter=0) == 1160.0  # the backoff is longer
	a = rate.retry_at(3, 0.0, rng=random.Random(7))
	assert a == rate.retry_at(3, 0.0, rng=random.Random(7))
	assert 36 <= a <= 44
	assert rate.retry_at(3, 0.0) == rate.retry_at(3, 0.0)  # deterministic without an rng
	assert not rate.give_up(7) and rate.give_up(8) and rate.give_up(3, max_attempts=3)
	with pytest.raises(ValueError):
		rate.retry_at(-1, 0.0)


@settings(max_examples=60, deadline=None)
@given(
	arrivals=st.lists(
		st.tuples(
			st.floats(min_value=0, max_value=300, allow_nan=False),
			st.sampled_from(["critical", "high", "medium", "low", "info"]),
		),
		max_size=120,
	),
	limit=st.integers(min_value=1, max_value=25),
	already=st.lists(st.floats(min_value=-60, max_value=0, allow_nan=False), max_size=30),
)
def test_a_channel_never_exceeds_its_limit_and_every_event_goes_once(arrivals, limit, already):
	"""Drive a channel as the adapter would: plan at each arrival and when a waiting digest is due."""
	arrivals = sorted(arrivals)
	pending = {}  # arrival time -> events arriving then
	for n, (at, severity) in enumerate(arrivals):
		pending.setdefault(at, []).append({"id": n, "title": f"e{n}", "severity": severity, "at": at})
	sent_at = list(already)
	mine = []  # our own send times
	delivered = []
	folded, due = [], None
	times = sorted(pending)
	while times or folded:
		now = times[0] if times and (due is None or times[0] <= due) else due
		events = pending.pop(now, []) if times and now == times[0] else []
		if times and now == times[0]:
			times.pop(0)
		plan = rate.plan(events, sent_at, now, folded=folded, limit=limit)
		for e in plan.send_now:
			delivered.append(e["id"])
		sends = plan.messages_now
		sent_at += [now] * sends
		mine += [now] * sends
		if plan.digest is not None and plan.digest_now:
			delivered += [e["id"] for e in plan.digest.events]
			folded, due = [], None
		elif plan.digest is not None:
			folded, due = list(plan.digest.events), plan.digest_at
			assert due > now
	assert sorted(delivered) == list(range(len(arrivals)))
	everything = sorted(sent_at)
	for t in mine:
		assert len([s for s in everything if s <= t < s + 60]) <= limit
