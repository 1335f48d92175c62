"""A simulated machine: deterministic for a seed, frappe-free.

The model is event driven. A machine works in cycles; each cycle ends with a good part or a reject. After a
cycle it may stop (a micro stop of seconds, a short stop of minutes, or a breakdown of up to hours, with an
alarm code), and after every batch of parts it is set up for the next batch. Outside its shifts (when it has
any) it is off. A process value (spindle temperature of a lathe, screw torque of an assembly line) follows
the machine: it warms towards its working level while the machine runs, with a slow drift, and cools
towards ambient when it stands. Meters count run hours and cycles.

`advance_to(t)` plays the events up to Unix time `t`; `snapshot()` gives the signals. The events depend only
on the seed and the start, never on how often the machine is sampled: two machines with the same seed,
one sampled every second and one every minute, agree at every common instant.

`SIGNALS` describes the signals once for the Modbus server (register layout), the OPC UA server (variable
names) and the IoT Tags the simulator configures.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# State codes on the wire, and the state map (engine.machine_state) the IoT Tag carries for them. Off-shift
# hours are Off (no production planned: planned downtime in OEE, never a loss, never downtime).
OFF, RUNNING, IDLE, DOWN, SETUP = 0, 1, 2, 3, 4
STATE_NAMES = {OFF: "Off", RUNNING: "Running", IDLE: "Idle", DOWN: "Down", SETUP: "Setup"}
STATE_MAP = "0=Off  # off shift: no production planned\n1=Running\n2=Idle\n3=Down\n4=Setup"


@dataclass(frozen=True)
class Signal:
	key: str  # tag key (and OPC UA variable name)
	role: str  # IoT Tag signal_role
	data_type: str  # engine.modbus_codec data type
	address: int  # holding register address on the simulated Modbus device
	unit: str = ""
	meter_name: str = ""
	deadband: float = 0.0  # history sampling: smallest change worth a reading (0: any change)


SIGNALS: tuple[Signal, ...] = (
	Signal("state", "Machine State", "uint16", 0),
	Signal("good", "Good Count", "uint32", 1, "Nos"),
	Signal("reject", "Reject Count", "uint32", 3, "Nos"),
	Signal("process", "Process Parameter", "float32", 5, "°C", deadband=1.0),
	Signal("run_hours", "Meter", "float32", 7, "h", "Run Hours", deadband=0.25),
	Signal("cycles", "Meter", "uint32", 9, "", "Cycles"),
	Signal("alarm", "Alarm", "uint16", 11),
)
REGISTERS = 12  # holding registers 0..11


@dataclass(frozen=True)
class StopKind:
	weight: float
	shortest: float  # seconds
	longest: float
	state: int
	alarms: tuple[int, ...] = ()


@dataclass(frozen=True)
class Profile:
	"""How a machine behaves. Times in seconds."""

	cycle_time: float
	cycle_jitter: float = 0.08  # relative spread of one cycle's time
	reject_rate: float = 0.02
	stop_chance: float = 0.04  # chance of a stop after a cycle
	stops: tuple[StopKind, ...] = (
		StopKind(0.62, 15, 100, IDLE),  # micro stop: waiting for material, a blown chip, a quick check
		StopKind(0.26, 180, 900, IDLE),  # short stop: tool change, operator away
		StopKind(0.12, 1500, 5400, DOWN, (101, 205, 317, 422)),  # breakdown with an alarm
	)
	batch: int = 60  # parts between two setups
	setup_time: tuple[float, float] = (900, 2400)
	process_name: str = "spindle temperature"
	process_unit: str = "°C"
	ambient: float = 24.0
	working_level: float = 52.0
	drift: float = 4.0  # amplitude of the slow drift of the working level
	drift_period: float = 6 * 3600
	tau: float = 900.0  # time constant of warming and cooling
	noise: float = 0.3


def fast(profile: Profile, factor: float = 60.0) -> Profile:
	"""The same machine, `factor` times faster (for live demonstrations and tests)."""
	return replace(
		profile,
		cycle_time=profile.cycle_time / factor,
		stops=tuple(
			replace(kind, shortest=kind.shortest / factor, longest=kind.longest / factor)
			for kind in profile.stops
		),
		setup_time=(profile.setup_time[0] / factor, profile.setup_time[1] / factor),
		drift_period=profile.drift_period / factor,
		tau=profile.tau / factor,
	)


@dataclass
class Machine:
	name: str
	profile: Profile
	seed: int
	start: float  # Unix seconds
	shifts: Sequence[tuple[str, str]] | None = None  # daily ("08:00:00", "12:00:00") windows; None: always
	timezone: str = "UTC"
	good: int = 0
	reject: int = 0
	run_seconds: float = 0.0

	# --- event state
	t: float = field(init=False)  # time of the model (events played up to here)
	state: int = field(init=False, default=IDLE)
	alarm: int = field(init=False, default=0)
	until: float = field(init=False)  # end of the current state segment (cycle, stop, setup or off)
	since_setup: int = field(init=False, default=0)
	forced: list = field(init=False, default_factory=list)  # (at, state, seconds, alarm) injected stops
	temp_t: float = field(init=False)
	temp: float = field(init=False)
	transitions: int = field(init=False, default=0)

	def __post_init__(self):
		self.rng = random.Random(self.seed)
		self.zone = ZoneInfo(self.timezone)
		self.t = self.start
		self.temp_t = self.start
		self.temp = self.profile.ambient
		self.phase = self.rng.uniform(0, 2 * math.pi)
		self._windows: list[tuple[float, float]] = []
		self._windows_until = self.start - 86400
		self.until = self.start
		self._begin_next(self.start)

	# --- shifts ---------------------------------------------------------------------------------------
	def _shift_windows(self, t: float) -> list[tuple[float, float]]:
		"""Shift windows (Unix seconds) covering at least [t - 1 day, t + 2 days]."""
		if t + 2 * 86400 > self._windows_until:
			day = datetime.fromtimestamp(t, self.zone).date() - timedelta(days=1)
			windows = []
			for offset in range(5):
				date = day + timedelta(days=offset)
				for begin, end in self.shifts or ():
					windows.append((self._at(date, begin), self._at(date, end)))
			self._windows = sorted(windows)
			self._windows_until = self._windows[-1][1] if self._windows else t + 3 * 86400
		return self._windows

	def _at(self, date, hms: str) -> float:
		h, m, *s = (int(part) for part in hms.split(":"))
		return datetime(date.year, date.month, date.day, h, m, s[0] if s else 0, tzinfo=self.zone).timestamp()

	def _in_shift(self, t: float) -> tuple[bool, float]:
		"""(working at t, when that changes next)."""
		if not self.shifts:
			return True, math.inf
		for begin, end in self._shift_windows(t):
			if t < begin:
				return False, begin
			if t < end:
				return True, end
		return False, t + 86400  # not reached: windows run two days ahead

	# --- events -------------------------------------------------------------------------------------
	def force_stop(self, at: float, seconds: float, state: int = DOWN, alarm: int = 999):
		"""Inject a stop that starts at the first cycle end at or after `at` (for demonstrations, tests)."""
		self.forced.append((at, state, seconds, alarm))
		self.forced.sort()

	def _set(self, state: int, until: float, alarm: int = 0):
		if state != self.state:
			self.transitions += 1
		self._settle_temperature(self.t)
		self.state, self.until, self.alarm = state, until, alarm

	def _begin_next(self, t: float):
		"""Choose what the machine does from `t` (after a cycle, stop or setup ended there)."""
		p = self.profile
		self.t = t
		working, change = self._in_shift(t)
		if not working:
			self._set(OFF, change)
			return
		# Stops and setups end with the shift at the latest; a cycle under way is finished.
		if self.forced and self.forced[0][0] <= t:
			_at, state, seconds, alarm = self.forced.pop(0)
			self._set(state, min(t + seconds, change), alarm)
			return
		if self.since_setup >= p.batch:
			self.since_setup = 0
			self._set(SETUP, min(t + self.rng.uniform(*p.setup_time), change))
			return
		if self.state == RUNNING and self.rng.random() < p.stop_chance:
			kind = self._pick_stop()
			alarm = self.rng.choice(kind.alarms) if kind.alarms else 0
			self._set(kind.state, min(t + self.rng.uniform(kind.shortest, kind.longest), change), alarm)
			return
		cycle = p.cycle_time * (1 + self.rng.uniform(-p.cycle_jitter, p.cycle_jitter))
		self._set(RUNNING, t + cycle)

	def _pick_stop(self) -> StopKind:
		stops = self.profile.stops
		pick = self.rng.uniform(0, sum(kind.weight for kind in stops))
		for kind in stops:
			pick -= kind.weight
			if pick <= 0:
				return kind
		return stops[-1]

	def _end_segment(self):
		"""The current segment ends at self.until: count a finished cycle, then choose the next segment."""
		end = self.until
		if self.state == RUNNING:
			self.run_seconds += end - self.t
			if self.rng.random() < self.profile.reject_rate:
				self.reject += 1
			else:
				self.good += 1
			self.since_setup += 1
		self._begin_next(end)

	def advance_to(self, t: float):
		"""Play every event up to `t` (the model never goes back)."""
		guard = 0
		while self.until <= t:
			self._end_segment()
			guard += 1
			if guard > 10_000_000:  # pragma: no cover - a profile with zero-length segments
				raise RuntimeError("machine model does not advance")
		self._settle_temperature(t)

	# --- process value --------------------------------------------------------------------------------
	def _level(self) -> float:
		"""Where the process value heads in the current state (constant within a segment)."""
		p = self.profile
		if self.state == RUNNING:
			return p.working_level
		if self.state == SETUP:
			return (p.working_level + p.ambient) / 2
		return p.ambient

	def _settle_temperature(self, t: float):
		"""Move the process value from temp_t to t under the current state: the exact first-order response
		to a constant level, so it does not depend on how the time is cut into steps."""
		if t <= self.temp_t:
			return
		level = self._level()
		self.temp = level + (self.temp - level) * math.exp(-(t - self.temp_t) / self.profile.tau)
		self.temp_t = t

	def process_value(self, t: float) -> float:
		"""The process value at `t` (the model must be at t): warmth, a slow drift that grows with the
		warmth, and a little measurement noise."""
		p = self.profile
		span = p.working_level - p.ambient
		warmth = (self.temp - p.ambient) / span if span else 0.0
		drift = p.drift * math.sin(2 * math.pi * (t - self.start) / p.drift_period + self.phase)
		return self.temp + drift * max(0.0, min(1.0, warmth)) + self._noise(t)

	def _noise(self, t: float) -> float:
		x = math.sin(math.floor(t * 10) * 12.9898 + self.seed * 78.233) * 43758.5453
		return (x - math.floor(x) - 0.5) * 2 * self.profile.noise

	# --- signals ------------------------------------------------------------------------------------
	def snapshot(self, t: float | None = None) -> dict[str, float]:
		"""The signals at `t` (default: the model's time), after advance_to(t)."""
		t = self.temp_t if t is None else t
		self.advance_to(t)
		running = self.run_seconds + (t - self.t if self.state == RUNNING else 0.0)
		return {
			"state": self.state,
			"good": self.good,
			"reject": self.reject,
			"process": round(self.process_value(t), 3),
			"run_hours": round(running / 3600, 4),
			"cycles": self.good + self.reject,
			"alarm": self.alarm,
		}


# --- the demo plant's machines ------------------------------------------------------------------------

LATHE = Profile(cycle_time=8 * 60 * 1.05, batch=40)
MACHINING_CENTRE = Profile(cycle_time=18 * 60 * 1.05, batch=24, working_level=48.0, reject_rate=0.015)
DRILLING = Profile(cycle_time=10 * 60 * 1.05, batch=40, working_level=45.0)
ASSEMBLY = Profile(
	cycle_time=25 * 60 * 1.05,
	batch=20,
	reject_rate=0.01,
	process_name="screw torque",
	process_unit="N·m",
	ambient=0.0,
	working_level=9.5,
	drift=0.4,
	tau=30.0,
	noise=0.15,
	stops=(
		StopKind(0.55, 20, 120, IDLE),
		StopKind(0.30, 300, 1200, IDLE),
		StopKind(0.15, 1800, 5400, DOWN, (510, 520)),
	),
)

# Workstation -> (profile, seed). Cycle times follow the demo routings (minutes per part, plus 5 %).
DEMO_MACHINES: dict[str, tuple[Profile, int]] = {
	"CNC-01": (LATHE, 101),
	"CNC-02": (replace(LATHE, cycle_time=12 * 60 * 1.05), 102),
	"CNC-03": (MACHINING_CENTRE, 103),
	"CNC-04": (DRILLING, 104),
	"ASM-01": (ASSEMBLY, 105),
}


def signal_unit(signal: Signal, profile: Profile) -> str:
	return profile.process_unit if signal.key == "process" else signal.unit


def sample_readings(
	machine: Machine, start: float, end: float, step: float = 15.0, heartbeat: float = 3600.0
) -> Iterator[tuple[str, float, float]]:
	"""(key, ts, value) readings of `machine` sampled every `step` seconds in [start, end): a reading
	when a signal changed (by more than its deadband) since its last reading, or `heartbeat` seconds
	after it. The first sample reports every signal. Timestamps are whole multiples of `step`."""
	deadband = {s.key: s.deadband for s in SIGNALS}
	last: dict[str, tuple[float, float]] = {}
	t = math.ceil(start / step) * step
	while t < end:
		for key, value in machine.snapshot(t).items():
			previous = last.get(key)
			if (
				previous is None
				or abs(value - previous[1]) > deadband[key]
				or (deadband[key] == 0 and value != previous[1])
				or t - previous[0] >= heartbeat
			):
				last[key] = (t, value)
				yield key, t, float(value)
		t += step
