"""The Redis Stream that buffers readings between their sources and the database writer (frappe-free).

Sources (the device webhook, the collector process) `append()` rows; the writer (mom_app.iot.writer) reads
them through the consumer group GROUP, stores them in MariaDB, commits, and only then `ack()`s them, so a
writer that dies mid-batch leaves its entries pending and they are delivered again. Every row carries a
`uid`, and the database ignores a uid it already has, so a redelivery stores nothing twice.

One stream per site: ``mom:iot:<site>:readings``. Each entry's fields are strings::

    uid     "<device>:<message id>:<index>" (or any other unique id the source chooses)
    device  IoT Device name
    tag     the tag key
    ts      Unix seconds (UTC), e.g. "1700000000.25"
    value   the engineering value, e.g. "41.5"

Acknowledged entries are deleted from the stream at once (there is a single consumer group), so the stream
only ever holds readings that are not stored yet.

Everything here takes a redis-py client (`redis.Redis`); responses may be bytes or str.
"""

from collections.abc import Iterable, Sequence

GROUP = "writer"
FIELDS = ("uid", "device", "tag", "ts", "value")


def stream_key(site: str) -> str:
	return f"mom:iot:{site}:readings"


def encode_row(row: dict) -> dict[str, str]:
	"""The stream fields of one reading row: every value a str (floats in their shortest exact form)."""
	return {
		"uid": str(row["uid"]),
		"device": str(row["device"]),
		"tag": str(row["tag"]),
		"ts": repr(float(row["ts"])),
		"value": repr(float(row["value"])),
	}


def decode_row(fields: dict) -> dict:
	"""A reading row from stream fields (str or bytes); KeyError/ValueError when one is missing or bad."""
	return _row(_text(fields))


def _row(text: dict[str, str]) -> dict:
	return {
		"uid": text["uid"],
		"device": text["device"],
		"tag": text["tag"],
		"ts": float(text["ts"]),
		"value": float(text["value"]),
	}


def append(client, key: str, rows: list[dict]) -> list[str]:
	"""XADD every row in one MULTI/EXEC transaction: all of them are in the stream, or none. Returns the ids."""
	if not rows:
		return []
	encoded = [encode_row(row) for row in rows]  # a bad row fails here, before anything is sent
	pipe = client.pipeline(transaction=True)
	for fields in encoded:
		pipe.xadd(key, fields)
	return [_str(entry_id) for entry_id in pipe.execute()]


def ensure_group(client, key: str) -> None:
	"""Create the writer group (and the stream) unless they exist. Reads from the start of the stream."""
	try:
		client.xgroup_create(key, GROUP, id="0", mkstream=True)
	except Exception as e:  # redis.exceptions.ResponseError, without importing redis here
		if "BUSYGROUP" not in str(e):
			raise


def read_batch(client, key: str, consumer: str, count: int, block_ms: int) -> list[tuple[str, dict]]:
	"""Up to `count` entries for `consumer`: first those it was given before and has not acked (after a
	crash), then new ones. Waits up to `block_ms` for new entries when it has none pending (0: no wait).

	Returns (entry id, fields) with str keys and values. An entry that was deleted from the stream while
	pending comes back with empty fields: ack it."""
	entries = _entries(client.xreadgroup(GROUP, consumer, {key: "0"}, count=count))
	if len(entries) < count:
		block = int(block_ms) if block_ms and block_ms > 0 and not entries else None
		entries += _entries(
			client.xreadgroup(GROUP, consumer, {key: ">"}, count=count - len(entries), block=block)
		)
	return entries


def read_new(client, key: str, consumer: str, count: int) -> list[tuple[str, dict]]:
	"""Up to `count` entries never delivered to any consumer, without waiting (to top up a batch)."""
	return _entries(client.xreadgroup(GROUP, consumer, {key: ">"}, count=count))


def claim_stale(client, key: str, consumer: str, min_idle_ms: int, count: int) -> int:
	"""Take over entries another consumer was given more than `min_idle_ms` ago and never acked (a writer
	that died); they become `consumer`'s pending entries, read first by its next read_batch(). Returns how
	many were claimed."""
	claimed = 0
	start = "0-0"
	while claimed < count:
		reply = client.xautoclaim(key, GROUP, consumer, min_idle_ms, start_id=start, count=count - claimed)
		next_start, messages = _str(reply[0]), reply[1]
		claimed += len(messages)
		if next_start == "0-0" or not messages:
			break
		start = next_start
	return claimed


def ack(client, key: str, ids: Sequence[str]) -> int:
	"""Acknowledge entries (after their rows are committed) and delete them from the stream."""
	if not ids:
		return 0
	pipe = client.pipeline(transaction=True)
	pipe.xack(key, GROUP, *ids)
	pipe.xdel(key, *ids)
	acked, _deleted = pipe.execute()
	return int(acked)


def pending_count(client, key: str) -> int:
	"""Entries delivered to some writer and not acknowledged yet."""
	try:
		summary = client.xpending(key, GROUP)
	except Exception as e:
		if "NOGROUP" in str(e):
			return 0
		raise
	return int(summary["pending"] if isinstance(summary, dict) else summary[0])


def _entries(reply) -> list[tuple[str, dict]]:
	out: list[tuple[str, dict]] = []
	for _stream, messages in reply or []:
		for entry_id, fields in messages:
			out.append((_str(entry_id), _text(fields) if fields else {}))
	return out


def _text(fields: dict) -> dict[str, str]:
	try:  # redis-py's usual reply: bytes keys and values
		return {k.decode(): v.decode() for k, v in fields.items()}
	except AttributeError:  # str (a client with decode_responses), or a mix
		return {_str(k): _str(v) for k, v in fields.items()}


def _str(value) -> str:
	return value.decode() if isinstance(value, bytes | bytearray) else str(value)


def rows_of(entries: Iterable[tuple[str, dict]]) -> tuple[list[dict], list[str]]:
	"""(rows, ids of entries that are not readings: empty or malformed) from read_batch() entries."""
	rows, bad = [], []
	for entry_id, fields in entries:
		try:
			rows.append(_row(fields))  # read_batch's fields are str already
		except (KeyError, ValueError, TypeError):
			bad.append(entry_id)
	return rows, bad
