"""Condition rules evaluated in the writer path, and held by the heartbeat.

    evaluate_stored(rows) -> int     the rows store_readings has just inserted; the events that happened
    heartbeat(now=None) -> int       scheduler (every minute): the last value held until now for the rules
                                     whose on-delay or off-delay is running

`evaluate_stored` feeds each enabled rule the samples of its series: the raw readings of its (device, tag),
or for a rule on minute aggregates one sample per completed minute (the minute's average, minimum or
maximum at the minute's end; a minute is complete when a reading of a later minute of that tag is stored),
through the engine's `evaluate_readings`. Then:

- a rule's state is written only when the engine says it must be (`needs_saving`: it fired, cleared, or an
  on-delay, off-delay or repeat count started or ended), together with what the form and the board show
  (In Alarm, holding since, delay running). When it must, the rule's row is read again under a lock and
  the rule evaluated again from the state in the database, so two writers storing readings of one tag at
  once cannot both act on a stale state;
- the events go to `firing.apply` (an order, the rule's status, the workstation's room).

States of quiet rules are kept in the process between batches (a writer stores many batches a second; the
time bookkeeping of a quiet rule is never written). That cache is checked against a version number in
Redis, incremented after every commit that wrote a state (here, by the heartbeat, or by another writer),
and dropped when the writer's transaction rolls back (the readings come again; their samples must not be
taken as seen). A restart starts from the database: the engine gives the same events from an older quiet
state (engine.maintenance.condition_rules, "needs_saving"), so a collector restart in the middle of an
on-delay neither loses it nor fires twice.

The heartbeat: a device that reports only changes sends nothing while a value stays put, so an on-delay (or
off-delay) in progress is completed by time - the rule's last value held until now for a device that is
Online (the collector marks a device it lost Offline), else until the device was last heard from.
"""

import json
import time

import frappe
from frappe.utils import get_datetime

from mom_app.engine.maintenance import condition_rules as engine
from mom_app.iot.clock import to_local, to_unix
from mom_app.plant_maintenance.condition_rules import definitions, firing

STATES_KEY = "mom:condition_rules:states"
MINUTE = 60.0
AGGREGATE_VALUE = {
	"Average": lambda r: float(r.total) / r.sample_count if r.sample_count else None,
	"Minimum": lambda r: float(r.minimum),
	"Maximum": lambda r: float(r.maximum),
}


STATES = "select name, rule_state from `tabCondition Rule` where name in %(names)s order by name"
LOCKED_STATES = STATES + " for update"  # in name order: writers lock rules in the same order


class StateCache:
	"""The states this process last saw, valid while the Redis version is `version`."""

	def __init__(self):
		self.version = None
		self.states: dict[str, engine.RuleState] = {}


_caches: dict[str, StateCache] = {}


def states_key() -> str:
	return frappe.cache.make_key(STATES_KEY)


def state_cache() -> StateCache:
	cache = _caches.setdefault(frappe.local.site, StateCache())
	version = frappe.cache.get(states_key())
	if version != cache.version:
		cache.states.clear()
		cache.version = version
	return cache


def forget() -> None:
	"""Drop this process's cached states and definitions (as a restart does)."""
	_caches.pop(frappe.local.site, None)
	definitions.forget()


def _parse(text: str | None) -> engine.RuleState:
	if not text:
		return engine.RuleState()
	try:
		return engine.RuleState.from_dict(json.loads(text))
	except (ValueError, TypeError):
		return engine.RuleState()  # an unreadable state starts afresh


def load_states(names, for_update: bool = False) -> dict[str, engine.RuleState]:
	if not names:
		return {}
	rows = frappe.db.sql(LOCKED_STATES if for_update else STATES, {"names": tuple(sorted(names))})
	return {name: _parse(text) for name, text in rows}


# ---------------------------------------------------------------------------------------------- writer path
def evaluate_stored(rows: list[dict]) -> int:
	"""Evaluate the rules on the rows just stored (see the module docstring); how many events happened."""
	snap = definitions.snapshot()
	if snap is None or not rows:
		return 0
	by_series = snap.by_series
	readings = []
	minutes: dict[tuple, list] = {}
	minute_series = snap.minute_series
	for r in rows:
		series = (r["device"], r["tag"])
		if series in by_series:
			readings.append((series, r["ts"], r["value"]))
		if minute_series and series in minute_series:
			at = r["at"].replace(second=0, microsecond=0)
			span = minutes.get(series)
			if span is None:
				minutes[series] = [at, at]
			elif at < span[0]:
				span[0] = at
			elif at > span[1]:
				span[1] = at
	if minutes:
		readings.extend(minute_samples(snap, minutes))
	if not readings:
		return 0
	return run(snap, readings)


def minute_samples(snap, minutes: dict[tuple, list]) -> list[tuple]:
	"""Samples of the minutes these readings completed: for each (device, tag), the minutes from the one
	before the batch's first minute to the one before its last (the last one is still filling)."""
	from datetime import timedelta

	first = min(span[0] for span in minutes.values()) - timedelta(minutes=1)
	last = max(span[1] for span in minutes.values()) - timedelta(minutes=1)
	rows = frappe.db.sql(
		"""select device, tag, minute, sample_count, minimum, maximum, total from `tabIoT Minute Aggregate`
		where device in %(devices)s and tag in %(tags)s and minute between %(first)s and %(last)s""",
		{
			"devices": tuple({d for d, _t in minutes}),
			"tags": tuple({t for _d, t in minutes}),
			"first": first,
			"last": last,
		},
		as_dict=True,
	)
	wanted = {
		(series[1], series[2]): [] for series in snap.by_series if series[0] == "minute"
	}  # (device, tag) -> aggregates
	for series in snap.by_series:
		if series[0] == "minute":
			wanted[(series[1], series[2])].append(series[3])
	samples = []
	for row in rows:
		key = (row.device, row.tag)
		span = minutes.get(key)
		if span is None:
			continue
		minute = get_datetime(row.minute)
		if not (span[0] - timedelta(minutes=1) <= minute <= span[1] - timedelta(minutes=1)):
			continue
		ts = to_unix(minute) + MINUTE
		for aggregate in wanted.get(key, ()):
			value = AGGREGATE_VALUE[aggregate](row)
			if value is not None:
				samples.append((("minute", row.device, row.tag, aggregate), ts, value))
	return samples


def run(snap, readings: list[tuple], cache: StateCache | None = None) -> int:
	"""Evaluate `readings` (series, ts, value), save what must be saved, act on the events."""
	cache = cache or state_cache()
	touched = {name for series, _ts, _v in readings for name in snap.by_series.get(series, ())}
	missing = [name for name in touched if name not in cache.states]
	if missing:
		cache.states.update(load_states(missing))
	states = cache.states
	new_states, events = engine.evaluate_readings(snap.rules, snap.by_series, states, readings)
	# a rule that fired and cleared (or cleared and fired) within the batch may end where it began: its
	# events count all the same
	fired_or_cleared = {event.rule for event in events}
	significant = sorted(
		name
		for name, state in new_states.items()
		if name in fired_or_cleared or engine.needs_saving(states.get(name), state)
	)
	if significant:
		# the database's state is the one that counts: evaluate these rules again from it, under a lock
		stored = load_states(significant, for_update=True)
		keep = set(significant)
		only = {
			series: tuple(n for n in names if n in keep)
			for series, names in snap.by_series.items()
			if any(n in keep for n in names)
		}
		again, events = engine.evaluate_readings(snap.rules, only, stored, readings)
		new_states.update(again)
		with_events = {event.rule for event in events}
		saved = [
			name
			for name in significant
			if name in with_events or engine.needs_saving(stored.get(name), again[name])
		]
		for name in saved:
			save_state(name, again[name])
		if saved:
			_once(frappe.db.after_commit, _states_written)
		firing.apply(snap, events)
	states.update(new_states)
	_once(frappe.db.after_rollback, forget_states)
	return len(events)


def _once(callbacks, func) -> None:
	"""Add `func` to a transaction's callbacks unless it is there already."""
	if func not in callbacks._functions:
		callbacks.add(func)


def save_state(name: str, state: engine.RuleState) -> None:
	"""Write the state and what the form and the board show of it."""
	frappe.db.sql(
		"""update `tabCondition Rule` set rule_state = %(state)s, waiting = %(waiting)s,
		pending_since = %(since)s, active = %(active)s where name = %(name)s""",
		{
			"state": json.dumps(state.to_dict(), separators=(",", ":")),
			"waiting": int(engine.waits(state)),
			"since": to_local(state.since) if state.since is not None else None,
			"active": int(state.active),
			"name": name,
		},
	)


def _states_written() -> None:
	"""After the commit: other processes' cached states may be stale now."""
	cache = _caches.get(frappe.local.site)
	version = frappe.cache.incr(states_key())
	if cache is not None:
		if cache.version is not None and int(cache.version) + 1 == version:
			cache.version = str(version).encode()  # only this process changed states since it last checked
		else:
			cache.states.clear()
			cache.version = None


def forget_states() -> None:
	cache = _caches.get(frappe.local.site)
	if cache is not None:
		cache.states.clear()
		cache.version = None


# ---------------------------------------------------------------------------------------------- heartbeat
def heartbeat(now: float | None = None) -> int:
	"""Hold the last value until now for the rules with a delay running (module docstring); how many
	events happened. The scheduler commits after the job."""
	snap = definitions.snapshot()
	if snap is None:
		return 0
	now = time.time() if now is None else now
	waiting = frappe.db.sql(
		"""select r.name, r.rule_state, d.health, d.last_seen from `tabCondition Rule` r
		left join `tabIoT Device` d on d.name = r.device
		where r.enabled = 1 and r.waiting = 1 order by r.name""",
		as_dict=True,
	)
	total = 0
	for row in waiting:
		rule = snap.rules.get(row.name)
		if rule is None:
			continue
		until = now if row.health == "Online" else (to_unix(row.last_seen) if row.last_seen else None)
		if until is None:
			continue
		frappe.db.sql("select name from `tabCondition Rule` where name = %s for update", row.name)
		stored = load_states([row.name])[row.name]
		state, events = engine.hold_until(rule, stored, min(until, now))
		if engine.needs_saving(stored, state):
			save_state(row.name, state)
			_once(frappe.db.after_commit, _states_written)
		firing.apply(snap, events)
		total += len(events)
	return total
