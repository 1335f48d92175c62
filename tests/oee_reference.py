"""The reference the OEE engine is checked against: one window at a time, in plain Python.

mom_app.engine.oee computes every window with numpy (compute_many); this is the engine's former one-window
computation, kept as the tests' oracle: it walks the boundaries of the window, its breaks, its planned
downtime and the intervals in time order and adds each stretch of time to the class it belongs to. The
derived figures (ratios, losses, flags) are the engine's own, from the measured times.
"""

import numpy as np

from mom_app.engine.machine_state import IDLE, OFF, RUNNING, SETUP
from mom_app.engine.oee import (
	_CH_BREAK,
	_CH_CLASS,
	_CH_OFF,
	_CH_PLANNED,
	_CH_WINDOW,
	_N_CHANNELS,
	_N_CLASSES,
	C_DOWN,
	C_IDLE,
	C_RUNNING,
	C_SETUP,
	C_SMALL,
	DEFAULT_SETUP_CATEGORIES,
	DEFAULT_TOLERANCE_SECONDS,
	STATE_CODES,
	OEERecord,
	_derive,
	_interval_parts,
	_quantity,
	_record,
	_window_parts,
	_with_pru_times,
	manual_intervals,
	to_seconds,
)


def classify(state: str, micro_stop: bool, duration: float, downtime_seconds: float = 0.0) -> int:
	"""The time class (C_*) of a whole interval: Running; a micro stop, or a Down/Idle interval shorter than
	`downtime_seconds`, is a small stop; Setup is setup; the other Down and Idle are down time."""
	if state == RUNNING:
		return C_RUNNING
	if state not in STATE_CODES:
		raise ValueError(f"unknown machine state {state!r}; expected one of {', '.join(STATE_CODES)}")
	if micro_stop:
		return C_SMALL
	if state == SETUP:
		return C_SETUP
	if duration < downtime_seconds:
		return C_SMALL
	return C_IDLE if state == IDLE else C_DOWN


def measure(ws, we, breaks, planned, intervals, downtime_seconds) -> dict:
	"""Walk the boundaries of the window, its breaks and planned downtime and the intervals in time order,
	keeping a count of open spans per channel; between two boundaries the counts say where the time goes."""
	events = [(ws, _CH_WINDOW, 1), (we, _CH_WINDOW, -1)]
	for s, e in breaks:
		if e > s:
			events += [(s, _CH_BREAK, 1), (e, _CH_BREAK, -1)]
	for s, e in planned:
		if e > s:
			events += [(s, _CH_PLANNED, 1), (e, _CH_PLANNED, -1)]
	outside_intervals = reversed_intervals = 0
	for s, e, state, micro in intervals:
		if e < s:
			reversed_intervals += 1
			continue
		if e == s:
			continue
		if e <= ws or s >= we:
			outside_intervals += 1
		if state == OFF:  # no production planned: planned downtime, whatever else overlaps it
			channel = _CH_OFF
		else:
			channel = _CH_CLASS + classify(state, micro, e - s, downtime_seconds)
		events += [(s, channel, 1), (e, channel, -1)]
	events.sort(key=lambda event: event[0])

	by_class = [0.0] * _N_CLASSES
	break_time = planned_time = off_time = overlap = outside = 0.0
	counts = [0] * _N_CHANNELS
	previous = None
	for t, channel, delta in events:
		if previous is not None and t > previous:
			duration = t - previous
			active = [c for c in range(_N_CLASSES) if counts[_CH_CLASS + c] > 0]
			off = counts[_CH_OFF] > 0
			if counts[_CH_WINDOW] > 0:
				if sum(counts[_CH_CLASS:]) + counts[_CH_OFF] >= 2:
					overlap += duration
				if counts[_CH_BREAK] > 0:
					break_time += duration
				elif counts[_CH_PLANNED] > 0 or off:
					planned_time += duration
					if off:
						off_time += duration
				elif active:
					by_class[active[-1]] += duration
			elif active or off:
				outside += duration
		counts[channel] += delta
		previous = t
	return {
		"shift_time": we - ws,
		"break_time": break_time,
		"planned_downtime": planned_time,
		"off_time": off_time,
		"running_time": by_class[C_RUNNING],
		"adet": by_class[C_SMALL],
		"asut": by_class[C_SETUP],
		"idle_time": by_class[C_IDLE],
		"down_time": by_class[C_DOWN],
		"overlap_time": overlap,
		"outside_time": outside,
		"outside_intervals": outside_intervals,
		"reversed_intervals": reversed_intervals,
	}


def reference_window(
	window,
	intervals=None,
	*,
	downtime_entries=(),
	time_logs=(),
	produced=0,
	good=0,
	scrap=0,
	rework=0,
	ideal_cycle_time=None,
	scrap_startup=0,
	calendar_time=None,
	downtime_seconds=0.0,
	tolerance_seconds=DEFAULT_TOLERANCE_SECONDS,
	setup_categories=DEFAULT_SETUP_CATEGORIES,
) -> OEERecord:
	"""What oee.compute_windows() must give for one window, computed by the sweep."""
	ws, we, breaks, planned, identity = _window_parts(window)
	machine_data = intervals is not None
	entries = list(downtime_entries)
	if machine_data:
		ivs = [_interval_parts(iv) for iv in intervals]
		planned += [(to_seconds(s), to_seconds(e)) for s, e, is_planned, _ in entries if is_planned]
	else:
		ivs, manual_planned = manual_intervals(entries, time_logs, setup_categories)
		planned += [(to_seconds(s), to_seconds(e)) for s, e, _ in manual_planned]
	ivs = [(to_seconds(s), to_seconds(e), state, micro) for s, e, state, micro in ivs]
	measured = measure(ws, we, breaks, planned, ivs, float(downtime_seconds))
	columns = {k: np.array([v], dtype=float) for k, v in measured.items()}
	columns["calendar_time"] = np.array(
		[measured["shift_time"] if calendar_time is None else float(calendar_time)]
	)
	quantities = {
		"produced": produced,
		"good": good,
		"scrap": scrap,
		"rework": rework,
		"scrap_startup": scrap_startup,
	}
	for name, value in quantities.items():
		columns[name] = np.array([_quantity(value, name)])
	pru = np.nan if ideal_cycle_time is None else _quantity(ideal_cycle_time, "ideal_cycle_time")
	columns["ideal_cycle_time"] = np.array([pru])
	columns["machine_data"] = np.array([machine_data])
	result = _derive(_with_pru_times(columns), tolerance_seconds)
	return _record(result, 0, identity)
