"""The simulator's machine model: deterministic for a seed, independent of sampling, plausible."""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mom_app.engine.machine_state import STATES, parse_state_map
from mom_app.engine.modbus_codec import DATA_TYPES, decode, encode
from mom_app.iot.sim.machine import (
	DEMO_MACHINES,
	DOWN,
	IDLE,
	LATHE,
	OFF,
	REGISTERS,
	RUNNING,
	SETUP,
	SIGNALS,
	STATE_MAP,
	Machine,
	fast,
	sample_readings,
)
from mom_app.iot.sim.servers import machine_registers

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
TWO_SHIFTS = [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"), ("18:00:00", "22:00:00")]
DAY = 86400


def lathe(seed=7, **kw):
	return Machine("CNC-01", LATHE, seed, T0, **kw)


def test_same_seed_same_history_different_seed_different():
	a, b, c = lathe(), lathe(), lathe(seed=8)
	for t in range(0, 2 * DAY, 600):
		assert a.snapshot(T0 + t) == b.snapshot(T0 + t)
	assert a.snapshot(T0 + 2 * DAY) != c.snapshot(T0 + 2 * DAY)


def test_sampling_rate_does_not_change_the_machine():
	fine, coarse = lathe(), lathe()
	done = 0
	for t in (3 * 3600, 9 * 3600, DAY):
		for step in range(done, t, 7):
			fine.advance_to(T0 + step)
		done = t
		a, b = fine.snapshot(T0 + t), coarse.snapshot(T0 + t)
		for key in ("state", "good", "reject", "cycles", "alarm"):
			assert a[key] == b[key], key
		assert a["run_hours"] == pytest.approx(b["run_hours"], abs=1e-3)
		assert a["process"] == pytest.approx(b["process"], abs=1e-6)


def test_a_week_looks_like_a_machine_on_two_shifts():
	m = lathe(shifts=TWO_SHIFTS, timezone="Asia/Shanghai")
	zone = ZoneInfo("Asia/Shanghai")
	seen = Counter()
	durations = {IDLE: [], DOWN: [], SETUP: []}
	state, since = None, T0
	temps = {RUNNING: [], OFF: []}
	for t in range(0, 7 * DAY, 10):
		snap = m.snapshot(T0 + t)
		s = snap["state"]
		seen[s] += 1
		local = datetime.fromtimestamp(T0 + t, zone)
		if local.hour in (2, 3, 4, 23) or (local.hour == 12 and local.minute >= 15):
			assert s == OFF, (local, s)  # outside the shifts (a cycle under way is finished)
		if s in temps:
			temps[s].append(snap["process"])
		if s == DOWN:
			assert snap["alarm"] > 0
		elif s == RUNNING:
			assert snap["alarm"] == 0
		if s != state:
			if state in durations:
				durations[state].append(t - since)
			state, since = s, t
	final = m.snapshot(T0 + 7 * DAY)
	assert set(seen) == {OFF, RUNNING, IDLE, DOWN, SETUP}
	# 15 scheduled hours a day, 8.4 min a part: a good share of the possible ~750 parts
	assert 350 < final["cycles"] < 800
	assert final["cycles"] == final["good"] + final["reject"]
	assert 0.002 < final["reject"] / final["cycles"] < 0.06
	assert 40 < final["run_hours"] < 7 * 15
	assert min(durations[IDLE]) < 120, "micro stops"
	assert max(durations[DOWN]) > 1200, "long breakdowns"
	assert len(durations[SETUP]) >= 5
	assert sum(temps[RUNNING]) / len(temps[RUNNING]) > sum(temps[OFF]) / len(temps[OFF]) + 10


def test_counters_and_meters_never_go_back():
	m = Machine("X", fast(LATHE, 30), 3, T0)
	last = m.snapshot(T0)
	for t in range(1, 3 * 3600, 5):
		snap = m.snapshot(T0 + t)
		for key in ("good", "reject", "cycles", "run_hours"):
			assert snap[key] >= last[key], key
		last = snap


def test_forced_stop():
	m = Machine("X", fast(LATHE, 60), 3, T0)
	m.force_stop(T0 + 30, 120, DOWN, alarm=999)
	snaps = [m.snapshot(T0 + t) for t in range(0, 200)]
	states = [snap["state"] for snap in snaps]
	start = states.index(DOWN)
	assert 30 <= start <= 30 + 10  # at the end of the cycle running at T0 + 30 s
	assert snaps[start + 60]["alarm"] == 999
	assert states[start : start + 119] == [DOWN] * 119


def test_state_map_and_signals_fit_the_engine():
	mapping = parse_state_map(STATE_MAP)
	assert set(mapping.values()) <= set(STATES)
	assert {mapping[float(code)] for code in (RUNNING, IDLE, DOWN, SETUP)} == {
		"Running",
		"Idle",
		"Down",
		"Setup",
	}
	ends = []
	for signal in SIGNALS:
		assert signal.data_type in DATA_TYPES
		ends.append(signal.address + len(encode(0, signal.data_type)))
	assert max(ends) == REGISTERS
	assert len({s.key for s in SIGNALS}) == len(SIGNALS)
	roles = {s.role for s in SIGNALS}
	assert {"Machine State", "Good Count", "Reject Count", "Process Parameter", "Meter", "Alarm"} == roles


@pytest.mark.parametrize("order", ["Big", "Little"])
def test_registers_decode_back_to_the_snapshot(order):
	m = lathe()
	snap = m.snapshot(T0 + 5 * 3600)
	words = machine_registers(snap, order)
	assert len(words) == REGISTERS
	for signal in SIGNALS:
		n = len(encode(0, signal.data_type))
		value = decode(words[signal.address : signal.address + n], signal.data_type, order)
		assert value == pytest.approx(snap[signal.key], rel=1e-6, abs=1e-6), signal.key


def test_history_sampling_is_sparse_and_deterministic():
	def week(name):
		profile, seed = DEMO_MACHINES[name]
		m = Machine(name, profile, seed, T0, shifts=TWO_SHIFTS, timezone="Asia/Shanghai")
		return list(sample_readings(m, T0, T0 + 7 * DAY, step=15))

	first = week("CNC-01")
	assert first == week("CNC-01")
	assert len(first) < 7 * DAY / 15  # far fewer readings than samples: changes only
	assert all(ts % 15 == 0 for _k, ts, _v in first)
	assert {k for k, _t, _v in first} == {s.key for s in SIGNALS}
	goods = [v for k, _t, v in first if k == "good"]
	assert goods == sorted(goods)
	assert set(goods) == set(map(float, range(int(goods[-1]) + 1)))  # every part counted, in step
