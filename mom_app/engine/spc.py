"""Statistical Process Control: Shewhart control charts, run rules and process capability, in numpy.

Plain data in, plain data out: measurements and counts as sequences or numpy arrays; results as small
dataclasses whose `to_dict()` is JSON-safe (lists, floats, None for undefined values). Nothing here
touches the database; the quality pillar loads readings, calls these functions and stores the results.

Charts (`compute_chart`, chart types in CHART_TYPES)
	Xbar-R, Xbar-S  subgroups of n = 2..25 measurements: a k x n array, or a flat array plus
	                `subgroup_size` (an incomplete trailing subgroup is dropped and counted in `dropped`).
	                Phase I: centre = grand mean, limits = centre -/+ A2 R-bar (A3 S-bar); R chart D3 R-bar,
	                D4 R-bar; S chart B3 S-bar, B4 S-bar; sigma_within = R-bar / d2 (S-bar / c4).
	I-MR            individual measurements. Centre = mean, limits = mean -/+ 3 MR-bar / d2(2) (2.66 MR-bar),
	                MR chart 0 .. D4(2) MR-bar (= 3.267 MR-bar); sigma_within = MR-bar / d2(2). The moving
	                range of point i is |x[i] - x[i-1]|; point 0 has none (NaN, None in to_dict()).
	p               fraction nonconforming: defectives D_i out of sample sizes n_i. p-bar = sum D / sum n,
	                limits p-bar -/+ 3 sqrt(p-bar (1 - p-bar) / n_i), per point when the n_i differ.
	np              number nonconforming, constant sample size n: n p-bar -/+ 3 sqrt(n p-bar (1 - p-bar)).
	c               nonconformities per (constant) inspection unit: c-bar -/+ 3 sqrt(c-bar).
	u               nonconformities per unit with variable sizes n_i (may be fractional, e.g. 9.5 units of
	                cloth): u-bar = sum c / sum n, limits u-bar -/+ 3 sqrt(u-bar / n_i).
	Lower limits of attribute charts are clipped at 0. The constants are the rounded table values of
	spc_constants (Montgomery, Introduction to Statistical Quality Control, Appendix VI), so limits agree
	with the textbooks' worked examples.

	Phase I (no `limits`): limits are estimated from the data. Phase II (`limits` given, e.g. frozen
	phase I limits from Limits.to_dict()): the given centre, LCL and UCL are used as they are; the
	secondary chart's limits too, or, when not given, derived from the sigma the primary limits imply
	(sigma_within = (UCL - centre) sqrt(n) / 3; R-bar = d2 sigma, S-bar = c4 sigma, MR-bar = d2(2) sigma).
	For p and u charts the width of the limits depends on each point's sample size, so in phase II only
	the frozen centre line (p-bar, u-bar) is taken from `limits` and each point's limits follow from it.

	`point_sigma` is the standard deviation of a plotted point: (UCL - centre) / 3 for Xbar, I, np and c
	charts (so the 3-sigma line is the control limit exactly, also when the LCL was clipped at 0), the
	per-point binomial / Poisson sigma for p and u. Frozen Xbar and I limits need not be symmetric:
	below the centre line `point_sigma_lower` = (centre - LCL) / 3 applies (ChartResult.standardized),
	so a point under a frozen LCL is beyond 3 sigma. `zones` are the +-1 and +-2 sigma lines for drawing
	zones A/B/C (lower ones clipped at 0 on attribute charts).

Run rules (`evaluate_rules`, names and descriptions in RULES)
	Western Electric (Statistical Quality Control Handbook, 1956) WE1-WE4 and Nelson (Journal of Quality
	Technology 16(4), 1984) N1-N8, evaluated on the standardised values z = (x - centre) / sigma, so per-
	point centre and sigma (attribute charts with variable n) need no special case. For each rule the
	result lists the indices of the points that complete the pattern: every point whose window (the point
	and the ones before it) satisfies the rule; a run of 11 points on one side gives N2 at the 9th, 10th
	and 11th. "m of k" rules (WE2, WE3, N5, N6) flag a point only if it is itself one of the m points
	beyond the line (so an in-control point after two points beyond 2 sigma is not flagged), and count
	the points available when fewer than k precede it (the first two points of a chart beyond 2 sigma
	already are "2 of 3"). "Beyond k sigma" is strict (|z| > k), "within 1 sigma" is |z| < 1, a point on
	the centre line is on neither side and breaks runs; comparisons allow Z_TOL for rounding, so a point
	exactly on a limit is not beyond it. Trends (N3) and alternation (N4) need strict increases or
	decreases: an equal neighbour breaks them.
	Everything is vectorised (windowed counts by cumulative sums), no Python loop over points.

Capability (`capability`)
	Cp = (USL - LSL) / 6 sigma_within, Cpu = (USL - mean) / 3 sigma_within, Cpl = (mean - LSL) /
	3 sigma_within, Cpk = min(Cpu, Cpl); Pp, Ppu, Ppl, Ppk the same with sigma_overall (sample standard
	deviation, n - 1). One-sided specifications give only the indices that exist (Cpk = Cpu with only an
	USL; Cp, Pp and Cpm None). Cpm = (USL - LSL) / 6 sqrt(S^2 + (mean - T)^2) (Montgomery, chapter 8)
	when a target T is given with both limits. sigma_within is given (from the chart) or MR-bar / d2(2).

One characteristic (`evaluate_characteristic`)
	What the quality pillar shows and stores for a characteristic: its chart, the violations of the rules
	it selected and, for variables charts with a specification limit, the capability of every measurement
	(with the chart's sigma_within). `spec_limits` reads the specification type. `new_violation` decides
	whether the newest violation of a rule that opens a quality hold is new since the last hold.

Bad input raises SPCError (a ValueError) with a message for the user.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mom_app.engine.spc_constants import CONSTANTS, MAX_SUBGROUP, MIN_SUBGROUP

CHART_TYPES = ("Xbar-R", "Xbar-S", "I-MR", "p", "np", "c", "u")
VARIABLES_CHARTS = ("Xbar-R", "Xbar-S", "I-MR")
ATTRIBUTE_CHARTS = ("p", "np", "c", "u")

RULES = {
	"WE1": "One point beyond 3 sigma (outside the control limits).",
	"WE2": "Two of three consecutive points beyond 2 sigma on the same side of the centre line.",
	"WE3": "Four of five consecutive points beyond 1 sigma on the same side of the centre line.",
	"WE4": "Eight consecutive points on the same side of the centre line.",
	"N1": "One point beyond 3 sigma (outside the control limits).",
	"N2": "Nine points in a row on the same side of the centre line.",
	"N3": "Six points in a row steadily increasing or steadily decreasing.",
	"N4": "Fourteen points in a row alternating up and down.",
	"N5": "Two of three points in a row beyond 2 sigma on the same side of the centre line.",
	"N6": "Four of five points in a row beyond 1 sigma on the same side of the centre line.",
	"N7": "Fifteen points in a row within 1 sigma of the centre line (either side).",
	"N8": "Eight points in a row beyond 1 sigma of the centre line (either side), none within 1 sigma.",
}
WESTERN_ELECTRIC = ("WE1", "WE2", "WE3", "WE4")
NELSON = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")

# How each rule is evaluated: (kind, parameters). Shared kinds make WE1 = N1, WE2 = N5, WE3 = N6.
_RULE_SPECS = {
	"WE1": ("beyond", 3.0),
	"WE2": ("m_of_k", 2, 3, 2.0),
	"WE3": ("m_of_k", 4, 5, 1.0),
	"WE4": ("run_side", 8),
	"N1": ("beyond", 3.0),
	"N2": ("run_side", 9),
	"N3": ("trend", 6),
	"N4": ("alternate", 14),
	"N5": ("m_of_k", 2, 3, 2.0),
	"N6": ("m_of_k", 4, 5, 1.0),
	"N7": ("within", 15, 1.0),
	"N8": ("outside", 8, 1.0),
}

# Tolerance on standardised values: |z| must exceed k by this much to count as beyond k sigma, so that a
# point lying exactly on a limit (z = 3 up to rounding) is not flagged.
Z_TOL = 1e-9

# Rows x points processed at once by recompute_many (about 8 MB of float64 per block).


class SPCError(ValueError):
	"""Bad input to an SPC computation; the message is meant for the user."""


# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
	"""`value` with numpy arrays and scalars turned into lists and Python numbers; NaN and inf become None."""
	if value is None or isinstance(value, bool | str):
		return value
	if isinstance(value, np.ndarray):
		if value.dtype.kind == "f":
			finite = np.isfinite(value)
			if finite.all():
				return value.tolist()
			obj = value.astype(object)
			obj[~finite] = None
			return obj.tolist()
		return value.tolist()
	if isinstance(value, np.generic):
		value = value.item()
	if isinstance(value, float):
		return value if math.isfinite(value) else None
	if isinstance(value, dict):
		return {key: _json(item) for key, item in value.items()}
	if isinstance(value, list | tuple):
		return [_json(item) for item in value]
	return value


def _number_or_array(value: Any, what: str) -> float | np.ndarray:
	"""A finite float, or a 1-D float array (per-point limits) from a list."""
	if isinstance(value, list | tuple | np.ndarray):
		try:
			arr = np.asarray(value, dtype=float)
		except (TypeError, ValueError):
			raise SPCError(f"{what} must be a number or a list of numbers")
		if arr.ndim != 1 or not np.isfinite(arr).all():
			raise SPCError(f"{what} must be a list of finite numbers")
		return arr
	try:
		number = float(value)
	except (TypeError, ValueError):
		raise SPCError(f"{what} must be a number, got {value!r}")
	if not math.isfinite(number):
		raise SPCError(f"{what} must be finite, got {value!r}")
	return number


@dataclass(frozen=True, eq=False)
class Limits:
	"""Centre line and control limits of one chart.

	`lcl` and `ucl` are numbers, or arrays with one value per point (p and u charts with variable sample
	sizes). Stored with to_dict() and passed back as `limits=` / `secondary_limits=`, they are the frozen
	limits of phase II.
	"""

	center: float
	lcl: float | np.ndarray
	ucl: float | np.ndarray

	def to_dict(self) -> dict:
		return {"center": _json(self.center), "lcl": _json(self.lcl), "ucl": _json(self.ucl)}

	@classmethod
	def from_dict(cls, data: dict) -> "Limits":
		if isinstance(data, Limits):
			return data
		if not isinstance(data, dict):
			raise SPCError(f"limits must be a dict with center, lcl and ucl, got {type(data).__name__}")
		missing = [key for key in ("center", "lcl", "ucl") if data.get(key) is None]
		if missing:
			raise SPCError(f"limits are missing {', '.join(missing)}")
		center = _number_or_array(data["center"], "centre line")
		if isinstance(center, np.ndarray):
			raise SPCError("the centre line must be a single number")
		lcl = _number_or_array(data["lcl"], "lower control limit")
		ucl = _number_or_array(data["ucl"], "upper control limit")
		if np.any(np.asarray(lcl) > np.asarray(ucl)):
			raise SPCError("the lower control limit is above the upper control limit")
		return cls(center=center, lcl=lcl, ucl=ucl)

	def __eq__(self, other: object) -> bool:
		if not isinstance(other, Limits):
			return NotImplemented
		return all(
			np.array_equal(np.asarray(a), np.asarray(b))
			for a, b in ((self.center, other.center), (self.lcl, other.lcl), (self.ucl, other.ucl))
		)

	__hash__ = None


@dataclass
class ChartResult:
	"""A computed control chart; see the module docstring for what each field means."""

	chart_type: str
	phase: str
	points: np.ndarray
	secondary_points: np.ndarray | None
	limits: Limits
	secondary_limits: Limits | None
	sigma_within: float | np.ndarray
	point_sigma: float | np.ndarray
	zones: dict[str, float | np.ndarray]
	subgroup_size: int | None = None
	sample_sizes: np.ndarray | None = None
	dropped: int = 0
	secondary_name: str | None = field(default=None)
	point_sigma_lower: float | None = None

	@property
	def n_points(self) -> int:
		return len(self.points)

	def standardized(self) -> np.ndarray:
		"""The points in sigma units from the centre line (z), as the run rules see them.

		Points below the centre line use `point_sigma_lower` when the (frozen) limits are not symmetric.
		"""
		return _standardize_sides(self.points, self.limits.center, self.point_sigma, self.point_sigma_lower)

	def violations(self, rules: Sequence[str] | str | None = None) -> dict[str, np.ndarray]:
		"""Run rules on the primary chart: {rule: indices of the points completing the pattern}."""
		return evaluate_rules(
			self.points, self.limits.center, self.point_sigma, rules, sigma_lower=self.point_sigma_lower
		)

	def secondary_out_of_limits(self) -> np.ndarray:
		"""Indices of the R / S / MR points outside their limits (empty for attribute charts)."""
		if self.secondary_points is None or self.secondary_limits is None:
			return np.empty(0, dtype=np.int64)
		sec = self.secondary_points
		spread = max(abs(float(self.secondary_limits.ucl)), 1.0) * Z_TOL
		with np.errstate(invalid="ignore"):
			out = (sec > self.secondary_limits.ucl + spread) | (sec < self.secondary_limits.lcl - spread)
		return np.flatnonzero(out)

	def to_dict(self, rules: Sequence[str] | str | None = None) -> dict:
		"""JSON-safe dict; with `rules`, also "violations": {rule: [indices]}."""
		result = {
			"chart_type": self.chart_type,
			"phase": self.phase,
			"n_points": self.n_points,
			"subgroup_size": self.subgroup_size,
			"sample_sizes": _json(self.sample_sizes),
			"dropped": self.dropped,
			"points": _json(self.points),
			"secondary_name": self.secondary_name,
			"secondary_points": _json(self.secondary_points),
			"limits": self.limits.to_dict(),
			"secondary_limits": self.secondary_limits.to_dict() if self.secondary_limits else None,
			"sigma_within": _json(self.sigma_within),
			"point_sigma": _json(self.point_sigma),
			"point_sigma_lower": _json(self.point_sigma_lower),
			"zones": _json(self.zones),
			"secondary_out_of_limits": _json(self.secondary_out_of_limits()),
		}
		if rules is not None:
			result["violations"] = {rule: _json(idx) for rule, idx in self.violations(rules).items()}
		return result


# ---------------------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------------------


def _as_float_array(data: Any, what: str) -> np.ndarray:
	try:
		arr = np.asarray(data, dtype=float)
	except (TypeError, ValueError):
		raise SPCError(f"{what} must be numbers (and subgroups must all have the same size)")
	if arr.size and not np.isfinite(arr).all():
		bad = int(np.flatnonzero(~np.isfinite(arr.ravel()))[0])
		raise SPCError(f"{what} contain a value that is not a finite number (position {bad})")
	return arr


def _as_1d(data: Any, what: str) -> np.ndarray:
	arr = _as_float_array(data, what)
	if arr.ndim != 1:
		raise SPCError(f"{what} must be a one-dimensional list of numbers")
	return arr


def _check_rules(rules: Sequence[str] | str | None) -> tuple[str, ...]:
	if rules is None:
		return tuple(RULES)
	if isinstance(rules, str):
		rules = (rules,)
	rules = tuple(rules)
	unknown = [rule for rule in rules if rule not in RULES]
	if unknown:
		raise SPCError(f"unknown run rule(s) {', '.join(map(str, unknown))}; known: {', '.join(RULES)}")
	return rules


def _check_subgroup_size(n: Any) -> int:
	whole = isinstance(n, int | np.integer) or (isinstance(n, float) and n.is_integer())
	if isinstance(n, bool) or not whole:
		raise SPCError(f"the subgroup size must be a whole number, got {n!r}")
	n = int(n)
	if not MIN_SUBGROUP <= n <= MAX_SUBGROUP:
		raise SPCError(f"the subgroup size must be between {MIN_SUBGROUP} and {MAX_SUBGROUP}, got {n}")
	return n


# ---------------------------------------------------------------------------------------------------------
# Run rules
# ---------------------------------------------------------------------------------------------------------


def _window_count(flags: np.ndarray, k: int) -> np.ndarray:
	"""How many of the last k flags (ending at each position, along the last axis) are true.

	At the start, where fewer than k positions exist, the count is over the positions available.
	"""
	cs = np.cumsum(flags, axis=-1, dtype=np.int32)
	if k >= cs.shape[-1]:
		return cs
	out = np.empty_like(cs)
	out[..., :k] = cs[..., :k]
	np.subtract(cs[..., k:], cs[..., :-k], out=out[..., k:])
	return out


class _RuleEvaluator:
	"""Masks of the run rules over standardised values z (1-D, or 2-D with one series per row)."""

	def __init__(self, z: np.ndarray):
		self.z = z
		self._cache: dict[Any, np.ndarray] = {}

	def _get(self, key, make):
		if key not in self._cache:
			self._cache[key] = make()
		return self._cache[key]

	def above(self, k: float) -> np.ndarray:
		return self._get(("above", k), lambda: self.z > k + Z_TOL)

	def below(self, k: float) -> np.ndarray:
		return self._get(("below", k), lambda: self.z < -(k + Z_TOL))

	def diff(self) -> np.ndarray:
		return self._get("diff", lambda: np.diff(self.z, axis=-1))

	def _shift(self, flags: np.ndarray, by: int) -> np.ndarray:
		"""Flags indexed by differences (or pairs of them) moved onto the point that ends them."""
		out = np.zeros(self.z.shape, dtype=bool)
		out[..., by:] = flags
		return out

	def mask(self, rule: str) -> np.ndarray:
		spec = _RULE_SPECS[rule]
		return self._get(spec, lambda: self._evaluate(spec))

	def _evaluate(self, spec: tuple) -> np.ndarray:
		kind = spec[0]
		if kind == "beyond":
			return self.above(spec[1]) | self.below(spec[1])
		if kind == "run_side":
			length = spec[1]
			return (_window_count(self.above(0.0), length) == length) | (
				_window_count(self.below(0.0), length) == length
			)
		if kind == "m_of_k":
			m, k, level = spec[1:]
			up, down = self.above(level), self.below(level)
			return (up & (_window_count(up, k) >= m)) | (down & (_window_count(down, k) >= m))
		if kind == "within":
			length, level = spec[1:]
			return _window_count(np.abs(self.z) < level - Z_TOL, length) == length
		if kind == "outside":
			length, level = spec[1:]
			return _window_count(self.above(level) | self.below(level), length) == length
		if kind == "trend":
			steps = spec[1] - 1
			d = self.diff()
			run = (_window_count(d > 0, steps) == steps) | (_window_count(d < 0, steps) == steps)
			return self._shift(run, 1)
		if kind == "alternate":
			pairs = spec[1] - 2
			s = np.sign(self.diff())
			alternating = (s[..., :-1] * s[..., 1:]) < 0
			return self._shift(_window_count(alternating, pairs) == pairs, 2)
		raise AssertionError(kind)


def standardize(values: Any, center: Any, sigma: Any) -> np.ndarray:
	"""z = (values - center) / sigma; center and sigma are numbers or one value per point.

	Where sigma is 0 (a chart of identical values), z is 0 on the centre line and -/+ infinity off it.
	"""
	x = _as_1d(values, "values")
	c = _as_float_array(center, "centre line values")
	s = _as_float_array(sigma, "sigma values")
	for arr, what in ((c, "centre line"), (s, "sigma")):
		if arr.ndim > 1 or (arr.ndim == 1 and len(arr) != len(x)):
			raise SPCError(f"the {what} must be a number or one value per point ({len(x)})")
	if np.any(s < 0):
		raise SPCError("sigma must not be negative")
	dev = x - c
	if s.ndim == 0 and s > 0:
		return dev / s
	with np.errstate(divide="ignore", invalid="ignore"):
		z = dev / s
	zero = np.broadcast_to(s == 0, z.shape)
	if zero.any():
		with np.errstate(invalid="ignore"):
			z = np.where(zero, np.sign(dev) * np.inf, z)
		z = np.where(zero & (dev == 0), 0.0, z)
	return z


def _standardize_sides(values: Any, center: Any, sigma: Any, sigma_lower: Any = None) -> np.ndarray:
	"""standardize(), with `sigma_lower` below the centre line when it is given and differs."""
	z = standardize(values, center, sigma)
	if sigma_lower is not None and not np.array_equal(sigma_lower, sigma):
		below = standardize(values, center, sigma_lower)
		z = np.where(np.asarray(values, dtype=float) < center, below, z)
	return z


def evaluate_rules(
	values: Any,
	center: Any,
	sigma: Any,
	rules: Sequence[str] | str | None = None,
	sigma_lower: Any = None,
) -> dict[str, np.ndarray]:
	"""Western Electric / Nelson rules: {rule: indices (int64 array) of the points completing the pattern}.

	`values` are the plotted points, `center` and `sigma` the centre line and the sigma of a point
	(numbers, or one value per point); `sigma_lower`, when given, is the sigma below the centre line
	(frozen limits that are not symmetric); `rules` are names from RULES (default: all of them).
	"""
	rules = _check_rules(rules)
	z = _standardize_sides(values, center, sigma, sigma_lower)
	evaluator = _RuleEvaluator(z)
	return {rule: np.flatnonzero(evaluator.mask(rule)) for rule in rules}


# ---------------------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------------------


def _zones(center: float, point_sigma: Any, clip_at_zero: bool, lower_sigma: Any = None) -> dict[str, Any]:
	ps = point_sigma
	low = ps if lower_sigma is None else lower_sigma
	zones = {
		"upper_2sigma": center + 2 * ps,
		"upper_1sigma": center + ps,
		"lower_1sigma": center - low,
		"lower_2sigma": center - 2 * low,
	}
	if clip_at_zero:
		zones["lower_1sigma"] = np.maximum(zones["lower_1sigma"], 0.0)
		zones["lower_2sigma"] = np.maximum(zones["lower_2sigma"], 0.0)
	return {key: (float(v) if np.ndim(v) == 0 else v) for key, v in zones.items()}


def _frozen_scalar_limits(limits: Any, what: str) -> Limits:
	limits = Limits.from_dict(limits)
	if np.ndim(limits.lcl) or np.ndim(limits.ucl):
		raise SPCError(f"the frozen {what} limits must be single numbers")
	if not limits.lcl <= limits.center < limits.ucl:
		raise SPCError(f"the frozen {what} limits must satisfy LCL <= centre < UCL")
	return limits


def _frozen_sigmas(limits: Limits) -> tuple[float, float]:
	"""Sigma of a point above and below the centre line implied by frozen (possibly asymmetric) limits."""
	upper = (limits.ucl - limits.center) / 3
	lower = (limits.center - limits.lcl) / 3
	if math.isclose(upper, lower, rel_tol=1e-12):
		lower = upper
	return upper, lower


def _secondary_from_sigma(chart_type: str, n: int, sigma: float) -> Limits:
	c = CONSTANTS[n]
	if chart_type == "Xbar-S":
		center = c["c4"] * sigma
		return Limits(center, c["B3"] * center, c["B4"] * center)
	center = c["d2"] * sigma
	return Limits(center, c["D3"] * center, c["D4"] * center)


def _xbar_chart(chart_type, data, subgroup_size, limits, secondary_limits) -> ChartResult:
	arr = _as_float_array(data, "measurements")
	dropped = 0
	if arr.ndim == 2:
		n = _check_subgroup_size(arr.shape[1])
		if subgroup_size is not None and _check_subgroup_size(subgroup_size) != n:
			raise SPCError(f"the subgroups have {n} measurements but subgroup_size is {subgroup_size}")
	elif arr.ndim == 1:
		if subgroup_size is None:
			raise SPCError(f"an {chart_type} chart of a flat list of measurements needs subgroup_size")
		n = _check_subgroup_size(subgroup_size)
		k = len(arr) // n
		dropped = len(arr) - k * n
		arr = arr[: k * n].reshape(k, n)
	else:
		raise SPCError("measurements must be a list of subgroups or a flat list with subgroup_size")
	k = arr.shape[0]
	phase = "I" if limits is None else "II"
	if k < (2 if phase == "I" else 1):
		need = "at least 2 complete subgroups to estimate limits" if phase == "I" else "a complete subgroup"
		raise SPCError(f"an {chart_type} chart needs {need} (got {k} of size {n})")
	c = CONSTANTS[n]
	means = arr.mean(axis=1)
	if chart_type == "Xbar-R":
		spread = np.ptp(arr, axis=1)
		name = "R"
	else:
		spread = arr.std(axis=1, ddof=1)
		name = "S"
	if phase == "I":
		grand = float(means.mean())
		bar = float(spread.mean())
		if chart_type == "Xbar-R":
			half, sigma_within = c["A2"] * bar, bar / c["d2"]
			secondary = Limits(bar, c["D3"] * bar, c["D4"] * bar)
		else:
			half, sigma_within = c["A3"] * bar, bar / c["c4"]
			secondary = Limits(bar, c["B3"] * bar, c["B4"] * bar)
		primary = Limits(grand, grand - half, grand + half)
		point_sigma = lower_sigma = half / 3
	else:
		primary = _frozen_scalar_limits(limits, "Xbar")
		sigma_within = (primary.ucl - primary.center) * math.sqrt(n) / 3
		if secondary_limits is None:
			secondary = _secondary_from_sigma(chart_type, n, sigma_within)
		else:
			secondary = _frozen_scalar_limits(secondary_limits, name)
		point_sigma, lower_sigma = _frozen_sigmas(primary)
	return ChartResult(
		chart_type=chart_type,
		phase=phase,
		points=means,
		secondary_points=spread,
		limits=primary,
		secondary_limits=secondary,
		sigma_within=float(sigma_within),
		point_sigma=float(point_sigma),
		zones=_zones(primary.center, point_sigma, clip_at_zero=False, lower_sigma=lower_sigma),
		subgroup_size=n,
		dropped=dropped,
		secondary_name=name,
		point_sigma_lower=float(lower_sigma),
	)


def _imr_chart(data, subgroup_size, limits, secondary_limits) -> ChartResult:
	if subgroup_size not in (None, 1):
		raise SPCError("an I-MR chart plots individual measurements; subgroup_size must be empty or 1")
	x = _as_1d(data, "measurements")
	phase = "I" if limits is None else "II"
	if len(x) < (2 if phase == "I" else 1):
		raise SPCError(f"an I-MR chart needs at least 2 measurements to estimate limits (got {len(x)})")
	c = CONSTANTS[2]
	mr = np.full(len(x), np.nan)
	mr[1:] = np.abs(np.diff(x))
	if phase == "I":
		mr_bar = float(np.mean(mr[1:]))
		sigma_within = mr_bar / c["d2"]
		center = float(x.mean())
		half = 3 * sigma_within
		primary = Limits(center, center - half, center + half)
		secondary = Limits(mr_bar, c["D3"] * mr_bar, c["D4"] * mr_bar)
		point_sigma = lower_sigma = half / 3
	else:
		primary = _frozen_scalar_limits(limits, "individuals")
		sigma_within = (primary.ucl - primary.center) / 3
		if secondary_limits is None:
			secondary = _secondary_from_sigma("I-MR", 2, sigma_within)
		else:
			secondary = _frozen_scalar_limits(secondary_limits, "moving range")
		point_sigma, lower_sigma = _frozen_sigmas(primary)
	return ChartResult(
		chart_type="I-MR",
		phase=phase,
		points=x,
		secondary_points=mr,
		limits=primary,
		secondary_limits=secondary,
		sigma_within=float(sigma_within),
		point_sigma=float(point_sigma),
		zones=_zones(primary.center, point_sigma, clip_at_zero=False, lower_sigma=lower_sigma),
		subgroup_size=1,
		secondary_name="MR",
		point_sigma_lower=float(lower_sigma),
	)


def _sample_sizes(sample_sizes: Any, count: int, chart_type: str) -> np.ndarray:
	if sample_sizes is None:
		raise SPCError(f"a {chart_type} chart needs the sample size of each point")
	sizes = _as_float_array(sample_sizes, "sample sizes")
	if sizes.ndim == 0:
		sizes = np.full(count, float(sizes))
	if sizes.ndim != 1 or len(sizes) != count:
		raise SPCError(f"give one sample size per point ({count}), or a single sample size")
	if np.any(sizes <= 0):
		raise SPCError(f"sample sizes must be greater than 0 (point {int(np.flatnonzero(sizes <= 0)[0])})")
	return sizes


def _scalar_if_constant(values: np.ndarray) -> float | np.ndarray:
	if len(values) and np.all(values == values[0]):
		return float(values[0])
	return values


def _attribute_chart(chart_type, data, sample_sizes, limits, secondary_limits) -> ChartResult:
	if secondary_limits is not None:
		raise SPCError(f"a {chart_type} chart has no secondary chart; leave secondary_limits empty")
	counts = _as_1d(data, "counts")
	phase = "I" if limits is None else "II"
	if len(counts) < (2 if phase == "I" else 1):
		raise SPCError(f"a {chart_type} chart needs at least 2 points to estimate limits (got {len(counts)})")
	if np.any(counts < 0):
		raise SPCError(f"counts must not be negative (point {int(np.flatnonzero(counts < 0)[0])})")
	sizes = None
	if chart_type in ("p", "np", "u"):
		sizes = _sample_sizes(sample_sizes, len(counts), chart_type)
	elif sample_sizes is not None:
		sizes = _sample_sizes(sample_sizes, len(counts), chart_type)
		if not np.all(sizes == sizes[0]):
			raise SPCError("a c chart needs a constant inspection unit; use a u chart for variable sizes")
	if chart_type in ("p", "np"):
		over = counts > sizes
		if over.any():
			i = int(np.flatnonzero(over)[0])
			raise SPCError(f"point {i}: {counts[i]:g} defectives in a sample of {sizes[i]:g}")
	if chart_type == "np" and not np.all(sizes == sizes[0]):
		raise SPCError("an np chart needs a constant sample size; use a p chart for variable sample sizes")

	frozen = None if limits is None else Limits.from_dict(limits)
	if frozen is not None and frozen.center < 0:
		raise SPCError("the frozen centre line must not be negative")
	if chart_type == "p":
		points = counts / sizes
		p_bar = float(counts.sum() / sizes.sum()) if frozen is None else frozen.center
		if p_bar > 1:
			raise SPCError("the frozen centre line of a p chart is a fraction and must not exceed 1")
		sigma = _scalar_if_constant(np.sqrt(p_bar * (1 - p_bar) / sizes))
		center = p_bar
	elif chart_type == "u":
		points = counts / sizes
		center = float(counts.sum() / sizes.sum()) if frozen is None else frozen.center
		sigma = _scalar_if_constant(np.sqrt(center / sizes))
	elif chart_type == "np":
		points = counts
		n = float(sizes[0])
		if frozen is None:
			center = float(counts.mean())
			sigma = math.sqrt(center * (1 - center / n))
		else:
			if frozen.center > n:
				raise SPCError("the frozen centre line of an np chart must not exceed the sample size")
			center = frozen.center
	else:
		points = counts
		if frozen is None:
			center = float(counts.mean())
			sigma = math.sqrt(center)
		else:
			center = frozen.center

	if frozen is not None and chart_type in ("np", "c"):
		primary = _frozen_scalar_limits(frozen, chart_type)
		sigma = (primary.ucl - primary.center) / 3
	else:
		lcl = np.maximum(center - 3 * np.asarray(sigma), 0.0)
		ucl = center + 3 * np.asarray(sigma)
		primary = Limits(
			center, float(lcl) if np.ndim(lcl) == 0 else lcl, float(ucl) if np.ndim(ucl) == 0 else ucl
		)
	return ChartResult(
		chart_type=chart_type,
		phase=phase,
		points=points,
		secondary_points=None,
		limits=primary,
		secondary_limits=None,
		sigma_within=sigma,
		point_sigma=sigma,
		zones=_zones(center, sigma, clip_at_zero=True),
		sample_sizes=sizes,
	)


def compute_chart(
	chart_type: str,
	data: Any,
	subgroup_size: int | None = None,
	sample_sizes: Any = None,
	limits: Limits | dict | None = None,
	secondary_limits: Limits | dict | None = None,
) -> ChartResult:
	"""A control chart of `data`: phase I (limits from the data) or phase II (`limits` frozen).

	data: Xbar-R / Xbar-S: k x n subgroups, or a flat list with `subgroup_size`; I-MR: individual
	values; p / np: defectives with `sample_sizes` (one per point, or one number); c: defect counts;
	u: defect counts with `sample_sizes` (inspection units per point).
	"""
	if chart_type not in CHART_TYPES:
		raise SPCError(f"unknown chart type {chart_type!r}; known: {', '.join(CHART_TYPES)}")
	if limits is None and secondary_limits is not None:
		raise SPCError("secondary limits can only be frozen together with the primary limits")
	if chart_type in ("Xbar-R", "Xbar-S"):
		if sample_sizes is not None:
			raise SPCError(f"an {chart_type} chart takes subgroup_size, not sample_sizes")
		return _xbar_chart(chart_type, data, subgroup_size, limits, secondary_limits)
	if chart_type == "I-MR":
		if sample_sizes is not None:
			raise SPCError("an I-MR chart takes no sample_sizes")
		return _imr_chart(data, subgroup_size, limits, secondary_limits)
	if subgroup_size is not None:
		raise SPCError(f"a {chart_type} chart takes sample_sizes, not subgroup_size")
	return _attribute_chart(chart_type, data, sample_sizes, limits, secondary_limits)


# ---------------------------------------------------------------------------------------------------------
# Capability
# ---------------------------------------------------------------------------------------------------------


def _check_specs(lsl: Any, usl: Any, target: Any) -> tuple[float | None, float | None, float | None]:
	def number(value, what):
		if value is None:
			return None
		try:
			value = float(value)
		except (TypeError, ValueError):
			raise SPCError(f"the {what} must be a number")
		if not math.isfinite(value):
			raise SPCError(f"the {what} must be a finite number")
		return value

	lsl, usl, target = number(lsl, "LSL"), number(usl, "USL"), number(target, "target")
	if lsl is None and usl is None:
		raise SPCError("capability needs a lower or an upper specification limit (or both)")
	if lsl is not None and usl is not None and lsl >= usl:
		raise SPCError(f"the LSL ({lsl:g}) must be below the USL ({usl:g})")
	if target is not None and ((lsl is not None and target < lsl) or (usl is not None and target > usl)):
		raise SPCError(f"the target ({target:g}) lies outside the specification limits")
	return lsl, usl, target


def _capability_from_stats(
	mean: float,
	sigma_within: float,
	sigma_overall: float,
	n: int,
	lsl: float | None,
	usl: float | None,
	target: float | None,
) -> dict:
	def indices(sigma: float) -> tuple:
		upper = (usl - mean) / (3 * sigma) if usl is not None else None
		lower = (mean - lsl) / (3 * sigma) if lsl is not None else None
		both = (usl - lsl) / (6 * sigma) if usl is not None and lsl is not None else None
		k = min(v for v in (upper, lower) if v is not None)
		return both, k, upper, lower

	cp, cpk, cpu, cpl = indices(sigma_within)
	pp, ppk, ppu, ppl = indices(sigma_overall)
	cpm = None
	if target is not None and lsl is not None and usl is not None:
		cpm = (usl - lsl) / (6 * math.sqrt(sigma_overall**2 + (mean - target) ** 2))
	return {
		"cp": cp,
		"cpk": cpk,
		"cpu": cpu,
		"cpl": cpl,
		"pp": pp,
		"ppk": ppk,
		"ppu": ppu,
		"ppl": ppl,
		"cpm": cpm,
		"mean": mean,
		"sigma_within": sigma_within,
		"sigma_overall": sigma_overall,
		"n": n,
		"lsl": lsl,
		"usl": usl,
		"target": target,
	}


def capability(
	values: Any,
	lsl: float | None = None,
	usl: float | None = None,
	target: float | None = None,
	sigma_within: float | None = None,
) -> dict:
	"""Process capability (Cp, Cpk, Cpu, Cpl, Pp, Ppk, Ppu, Ppl, Cpm) of individual measurements.

	`sigma_within` is the chart's estimate (ChartResult.sigma_within); without it, MR-bar / d2(2) of
	`values` in the order given. Indices that the given specification limits do not define are None.
	"""
	lsl, usl, target = _check_specs(lsl, usl, target)
	x = _as_1d(values, "measurements")
	if len(x) < 2:
		raise SPCError(f"capability needs at least 2 measurements (got {len(x)})")
	if sigma_within is None:
		sigma_within = float(np.mean(np.abs(np.diff(x)))) / CONSTANTS[2]["d2"]
	else:
		try:
			sigma_within = float(sigma_within)
		except (TypeError, ValueError):
			raise SPCError("sigma_within must be a number")
		if not math.isfinite(sigma_within) or sigma_within <= 0:
			raise SPCError("sigma_within must be a finite number greater than 0")
	sigma_overall = float(np.std(x, ddof=1))
	if sigma_within == 0 or sigma_overall == 0:
		raise SPCError("all measurements are equal: with no spread the capability indices are undefined")
	return _capability_from_stats(float(np.mean(x)), sigma_within, sigma_overall, len(x), lsl, usl, target)


# ---------------------------------------------------------------------------------------------------------
# One characteristic
# ---------------------------------------------------------------------------------------------------------

SPEC_TYPES = ("Two-sided", "Lower limit only", "Upper limit only", "None")


def spec_limits(spec_type: str | None, lsl: Any, usl: Any) -> tuple[float | None, float | None]:
	"""(LSL, USL) that a specification type keeps: both for "Two-sided" (the default), one for "Lower limit
	only" / "Upper limit only", none for "None"."""
	spec_type = spec_type or "Two-sided"
	if spec_type not in SPEC_TYPES:
		raise SPCError(f"unknown specification type {spec_type!r}; known: {', '.join(SPEC_TYPES)}")
	lower = float(lsl or 0) if spec_type in ("Two-sided", "Lower limit only") else None
	upper = float(usl or 0) if spec_type in ("Two-sided", "Upper limit only") else None
	return lower, upper


def evaluate_characteristic(
	chart_type: str,
	values: Sequence,
	*,
	subgroup_size: int | None = None,
	sample_sizes: Any = None,
	limits: Limits | dict | None = None,
	secondary_limits: Limits | dict | None = None,
	rules: Sequence[str] = (),
	lsl: float | None = None,
	usl: float | None = None,
	target: float | None = None,
	include_chart: bool = True,
) -> dict:
	"""The chart, its rule violations and the capability of one characteristic's points, JSON-safe:
	{"points", "chart", "violations", "capability", "capability_error"}; "chart" is None without
	`include_chart` (a recompute that stores only the summary need not draw it).

	`values` are the points in time order: subgroups (lists) for Xbar charts, numbers for I-MR, counts for
	attribute charts (with `sample_sizes`). With fewer than 2 points there is no chart. `violations` maps
	each of the selected `rules` that some point violates to those points' indices (nothing without
	rules). The capability (variables charts with a specification limit) is over every measurement, with
	the chart's sigma_within when it is one number; the target counts only with both limits (Cpm needs
	both). Data the capability cannot use gives `capability_error` instead."""
	count = len(values)
	if count < 2:
		return {
			"points": count,
			"chart": None,
			"violations": {},
			"capability": None,
			"capability_error": None,
		}
	data = np.asarray(values, dtype=float)
	attribute = chart_type not in VARIABLES_CHARTS
	result = compute_chart(
		chart_type,
		data,
		subgroup_size=subgroup_size if chart_type in ("Xbar-R", "Xbar-S") else None,
		sample_sizes=np.asarray(sample_sizes, dtype=float)
		if attribute and sample_sizes is not None
		else None,
		limits=limits,
		secondary_limits=secondary_limits,
	)
	rules = list(rules or ())
	if include_chart:
		chart = result.to_dict(rules or None)
		found = chart.pop("violations", {})
	else:
		chart, found = None, result.violations(rules) if rules else {}
	violations = {rule: [int(i) for i in idx] for rule, idx in found.items() if len(idx)} if rules else {}
	capability_result, capability_error = None, None
	if not attribute and (lsl is not None or usl is not None):
		try:
			capability_result = capability(
				data.ravel(),  # every measurement: the subgroups' one after the other
				lsl=lsl,
				usl=usl,
				target=target if lsl is not None and usl is not None else None,
				sigma_within=float(result.sigma_within) if np.ndim(result.sigma_within) == 0 else None,
			)
		except SPCError as e:
			capability_error = str(e)
	return {
		"points": count,
		"chart": chart,
		"violations": violations,
		"capability": capability_result,
		"capability_error": capability_error,
	}


def new_violation(
	violations: Mapping[str, Sequence[int]],
	hold_rules: Iterable[str],
	keys: Sequence[str],
	last_key: str | None,
) -> tuple[int, list[str]] | None:
	"""Whether the characteristic's newest violation of a rule that opens a quality hold is new.

	`violations` are {rule: point indices}, `hold_rules` the rules marked to open a hold, `keys` the points'
	stable ids (in time order) and `last_key` the id of the point that raised the last hold (None: none
	yet). Returns (index of the newest violating point, the hold rules it violates, sorted), or None:
	- when no point violates a hold rule;
	- when that point is the last hold's point or older (it already raised one);
	- when the last hold's point is not among the keys (never raised, or scrolled out) and the newest
	  violation is not the newest point: violations that were there before a rule was switched on, or
	  that are older than the last hold, do not raise a hold; only the latest point can."""
	hold_rules = set(hold_rules)
	hits = [(int(i), rule) for rule, idx in violations.items() if rule in hold_rules for i in idx]
	if not hits:
		return None
	newest = max(i for i, _rule in hits)
	if last_key in keys:
		if list(keys).index(last_key) >= newest:
			return None
	elif newest < len(keys) - 1:
		return None
	return newest, sorted({rule for i, rule in hits if i == newest})
