"""Shards of a site's devices: which collector process polls which device.

`bench --site <site> mom-collector --shard i/n` runs the collector for shard i of n. `parse_shard("i/n")`
reads the option (empty: the one shard 0/1, every device); `in_shard(name, (i, n))` says whether a device
belongs to shard i: CRC-32 of its name (UTF-8) modulo n is i. The assignment depends on the name and n only,
so every process of a site agrees on it without talking to the others, each device has exactly one shard,
and it stays where it is while n stays the same.
"""

import zlib


def parse_shard(text: str | None) -> tuple[int, int]:
	""" "i/n" -> (i, n) with 0 <= i < n; None or "" -> (0, 1). A ValueError names what is wrong."""
	if not text:
		return 0, 1
	try:
		i, n = (int(part) for part in str(text).split("/"))
	except ValueError:
		raise ValueError(f"shard {text!r} is not of the form i/n, e.g. 0/2") from None
	if n < 1 or not 0 <= i < n:
		raise ValueError(f"shard {text!r}: need 0 <= i < n")
	return i, n


def in_shard(name: str, shard: tuple[int, int]) -> bool:
	"""Whether the device `name` belongs to shard (i, n): zlib.crc32(name as UTF-8) % n == i."""
	i, n = shard
	return zlib.crc32(name.encode()) % n == i
