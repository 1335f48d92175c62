"""A durable local disk spool for readings the collector could not hand to Redis (frappe-free).

Layout of the spool directory::

    seg-000000000001.jsonl    append-only segments, one JSON object (a reading row) per line
    seg-000000000002.jsonl
    cursor.json               {"segment": 1, "offset": 4096}: how far replay got (atomically replaced)

`append(rows)` writes whole lines to the newest segment and fsyncs once per call, so a row is on disk when
`append` returns. `replay(handler)` hands the rows back in their original order, in batches; the cursor moves
(and fully replayed segments are deleted) only past rows the handler accepted. A crash between the handler
accepting a batch and the cursor being written re-sends at most that batch on the next replay; rows carry a
uid, so the receiver drops the repeat. A torn last line (a crash in the middle of an append that never
returned) is skipped.

Each process opens a fresh segment for its appends, so a segment with a torn tail is never appended to again.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

SEGMENT = re.compile(r"^seg-(\d{12})\.jsonl$")
CURSOR = "cursor.json"

# handler(rows) -> True (all accepted), False/None (none accepted) or the number of leading rows accepted.
Handler = Callable[[list[dict]], "bool | int | None"]


class Spool:
	def __init__(self, directory: str | os.PathLike, max_segment_bytes: int = 8 * 1024 * 1024):
		self.directory = Path(directory)
		self.directory.mkdir(parents=True, exist_ok=True)
		self.max_segment_bytes = max_segment_bytes
		self._lock = threading.RLock()
		self._file = None  # the open segment appends go to
		self._segment = 0
		self._cursor = self._read_cursor()
		self._pending = sum(self._count_lines(n, self._start_of(n)) for n in self.segments())
		self.appended = 0  # rows appended by this process
		self.replayed = 0  # rows handed to a handler and accepted
		self.skipped = 0  # torn or corrupt lines skipped during replay

	# --- segments -----------------------------------------------------------------------------------
	def segments(self) -> list[int]:
		numbers = []
		for entry in os.listdir(self.directory):
			match = SEGMENT.match(entry)
			if match:
				numbers.append(int(match.group(1)))
		return sorted(numbers)

	def _path(self, number: int) -> Path:
		return self.directory / f"seg-{number:012d}.jsonl"

	def _start_of(self, number: int) -> int:
		segment, offset = self._cursor
		if number < segment:
			return -1  # already replayed (left behind by a crash before it was deleted)
		return offset if number == segment else 0

	def _count_lines(self, number: int, start: int) -> int:
		if start < 0:
			return 0
		with open(self._path(number), "rb") as f:
			f.seek(start)
			return sum(1 for line in f if line.endswith(b"\n"))

	# --- cursor -------------------------------------------------------------------------------------
	def _read_cursor(self) -> tuple[int, int]:
		try:
			data = json.loads((self.directory / CURSOR).read_text())
			return int(data["segment"]), int(data["offset"])
		except (OSError, ValueError, KeyError, TypeError):
			return 0, 0

	def _write_cursor(self, segment: int, offset: int):
		tmp = self.directory / (CURSOR + ".tmp")
		with open(tmp, "w") as f:
			json.dump({"segment": segment, "offset": offset}, f)
			f.flush()
			os.fsync(f.fileno())
		os.replace(tmp, self.directory / CURSOR)
		self._fsync_dir()
		self._cursor = (segment, offset)

	def _fsync_dir(self):
		fd = os.open(self.directory, os.O_RDONLY)
		try:
			os.fsync(fd)
		finally:
			os.close(fd)

	# --- append -------------------------------------------------------------------------------------
	def _open_new_segment(self):
		if self._file:
			self._file.close()
		existing = self.segments()
		self._segment = max([*existing, self._cursor[0]]) + 1
		self._file = open(self._path(self._segment), "ab")
		self._fsync_dir()

	def append(self, rows: Iterable[dict]) -> int:
		"""Write `rows` at the end of the spool; they are on disk (fsynced) when this returns."""
		data = b"".join(
			json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for row in rows
		)
		if not data:
			return 0
		n = data.count(b"\n")
		with self._lock:
			if self._file is None or self._file.tell() >= self.max_segment_bytes:
				self._open_new_segment()
			self._file.write(data)
			self._file.flush()
			os.fsync(self._file.fileno())
			self._pending += n
			self.appended += n
		return n

	# --- replay -------------------------------------------------------------------------------------
	def __len__(self) -> int:
		return self._pending

	@property
	def pending(self) -> int:
		return self._pending

	def replay(self, handler: Handler, batch_size: int = 500) -> int:
		"""Hand the spooled rows to `handler` in order, `batch_size` at a time, until the spool is empty or
		the handler accepts less than a whole batch (or raises). Returns the number of rows accepted."""
		accepted_total = 0
		with self._lock:
			for number in self.segments():
				start = self._start_of(number)
				if start < 0:
					self._delete(number)
					continue
				done, accepted = self._replay_segment(number, start, handler, batch_size)
				accepted_total += accepted
				if not done:
					break
		return accepted_total

	def _replay_segment(self, number: int, start: int, handler: Handler, batch_size: int) -> tuple[bool, int]:
		"""Replay one segment from byte `start`. Returns (segment fully consumed, rows accepted)."""
		accepted_total = 0
		with open(self._path(number), "rb") as f:
			f.seek(start)
			offset = start
			at_end = False
			while not at_end:
				# rows[i] ends at ends[i]; corrupt[i] corrupt lines follow it (skipped together with it)
				rows, ends, corrupt = [], [], []
				while len(rows) < batch_size:
					line = f.readline()
					if not line:
						at_end = True
						break
					if not line.endswith(b"\n"):
						# a torn tail: the append that wrote it never returned; nothing follows it
						if number != self._segment:
							self.skipped += 1
						at_end = True
						break
					offset += len(line)
					try:
						row = json.loads(line)
					except ValueError:
						row = None
					if row is not None:
						rows.append(row)
						ends.append(offset)
						corrupt.append(0)
					elif rows:
						ends[-1] = offset
						corrupt[-1] += 1
					else:  # a corrupt line before any row of this batch: step over it now
						self._write_cursor(number, offset)
						self._pending -= 1
						self.skipped += 1
				if not rows:
					break
				accepted = self._accepted(handler(rows), len(rows))
				if accepted:
					self._write_cursor(number, ends[accepted - 1])
					stepped = sum(corrupt[:accepted])
					self._pending -= accepted + stepped
					self.skipped += stepped
					self.replayed += accepted
					accepted_total += accepted
				if accepted < len(rows):
					return False, accepted_total
		# The whole segment is replayed. The open segment stays (appends continue there); others go.
		if number != self._segment:
			self._delete(number)
		return True, accepted_total

	@staticmethod
	def _accepted(result, n: int) -> int:
		if result is True:
			return n
		if not result:
			return 0
		return max(0, min(int(result), n))

	def _delete(self, number: int):
		self._path(number).unlink(missing_ok=True)
		if number >= self._cursor[0]:
			# the cursor moves to the start of the next segment (or just past the deleted one)
			later = [s for s in self.segments() if s > number]
			self._write_cursor(later[0] if later else number + 1, 0)

	# --- stats / close ------------------------------------------------------------------------------
	def stats(self) -> dict:
		segments = self.segments()
		size = 0
		for number in segments:
			try:
				size += self._path(number).stat().st_size
			except OSError:
				pass
		return {
			"pending_rows": self._pending,
			"segments": len(segments),
			"bytes": size,
			"appended": self.appended,
			"replayed": self.replayed,
			"skipped": self.skipped,
		}

	def close(self):
		with self._lock:
			if self._file:
				self._file.flush()
				os.fsync(self._file.fileno())
				self._file.close()
				self._file = None
