"""Labour on a maintenance order: each technician's time logs (start, pause, finish) and their totals.

API::

    LabourError(code, **details)          a ValueError; `code` one of the CODES below, for the adapter's message
    open_index(logs, technician) -> int | None            the technician's running log
    start(logs, technician, now) -> dict                  the log to append {"technician", "start", "end": None}
    stop(logs, technician, now) -> int                    the index of the log to close at `now`
    stop_all(logs, now) -> list[int]                      the running logs (every technician) to close at `now`
    check_log(logs, technician, start, end, skip=None)    a typed-in log: start < end, no overlap
    totals(logs, now=None) -> Totals(hours, by_technician, running)

A log is a mapping {"technician", "start", "end"} (times: naive datetimes in the site's timezone or Unix
seconds; "end" None while it runs). A technician has at most one running log: start refuses a second one
(`already_running`), stop refuses without one (`not_running`) and refuses a `now` before the log's start
(`end_before_start`). A typed-in log needs start < end (`end_before_start`) and must not overlap another
log of the same technician (`overlap`: sharing only an end point is no overlap; a running log reaches to
the end of time). Pausing is stopping: a technician who resumes starts a new log.

Totals: hours per technician and in all, of the closed logs, plus the running ones up to `now` when given
(without `now` a running log counts nothing; `running` counts them). A log whose end is before its start is
refused (`end_before_start`) rather than counted negative.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mom_app.engine.maintenance._values import seconds

ALREADY_RUNNING, NOT_RUNNING, END_BEFORE_START, OVERLAP, NO_TECHNICIAN = (
	"already_running",
	"not_running",
	"end_before_start",
	"overlap",
	"no_technician",
)
CODES = (ALREADY_RUNNING, NOT_RUNNING, END_BEFORE_START, OVERLAP, NO_TECHNICIAN)
_END_OF_TIME = float("inf")


class LabourError(ValueError):
	def __init__(self, code: str, **details):
		super().__init__(code, details)
		self.code = code
		self.details = details


@dataclass(frozen=True)
class Totals:
	hours: float
	by_technician: dict = field(default_factory=dict)
	running: int = 0


def _who(technician) -> str:
	if not technician:
		raise LabourError(NO_TECHNICIAN)
	return technician


def open_index(logs: Sequence[Mapping], technician: str) -> int | None:
	for index, log in enumerate(logs):
		if log.get("technician") == technician and log.get("end") is None:
			return index
	return None


def start(logs: Sequence[Mapping], technician: str, now) -> dict:
	technician = _who(technician)
	seconds(now, "now")
	running = open_index(logs, technician)
	if running is not None:
		raise LabourError(ALREADY_RUNNING, index=running)
	return {"technician": technician, "start": now, "end": None}


def stop(logs: Sequence[Mapping], technician: str, now) -> int:
	technician = _who(technician)
	index = open_index(logs, technician)
	if index is None:
		raise LabourError(NOT_RUNNING)
	if seconds(now, "now") < seconds(logs[index]["start"], "start"):
		raise LabourError(END_BEFORE_START, index=index)
	return index


def stop_all(logs: Sequence[Mapping], now) -> list[int]:
	t_now = seconds(now, "now")
	out = []
	for index, log in enumerate(logs):
		if log.get("end") is None and log.get("start") is not None:
			if t_now < seconds(log["start"], "start"):
				raise LabourError(END_BEFORE_START, index=index)
			out.append(index)
	return out


def check_log(logs: Sequence[Mapping], technician: str, start, end, skip: int | None = None) -> None:
	technician = _who(technician)
	t_start, t_end = seconds(start, "start"), seconds(end, "end")
	if t_end <= t_start:
		raise LabourError(END_BEFORE_START)
	for index, log in enumerate(logs):
		if index == skip or log.get("technician") != technician or log.get("start") is None:
			continue
		other_start = seconds(log["start"], "start")
		other_end = _END_OF_TIME if log.get("end") is None else seconds(log["end"], "end")
		if t_start < other_end and other_start < t_end:
			raise LabourError(OVERLAP, index=index)


def totals(logs: Sequence[Mapping], now=None) -> Totals:
	t_now = None if now is None else seconds(now, "now")
	by_technician: dict[str, float] = {}
	running = 0
	for index, log in enumerate(logs):
		if log.get("start") is None:
			continue
		t_start = seconds(log["start"], "start")
		if log.get("end") is None:
			running += 1
			if t_now is None:
				continue
			t_end = t_now
		else:
			t_end = seconds(log["end"], "end")
		if t_end < t_start:
			raise LabourError(END_BEFORE_START, index=index)
		who = log.get("technician") or ""
		by_technician[who] = by_technician.get(who, 0.0) + (t_end - t_start) / 3600
	return Totals(hours=sum(by_technician.values()), by_technician=by_technician, running=running)
