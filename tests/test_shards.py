"""Which collector process polls which device (mom_app.engine.shards)."""

import zlib

import pytest

from mom_app.engine.shards import in_shard, parse_shard


def test_parse_shard():
	assert parse_shard("1/3") == (1, 3)
	assert parse_shard("0/1") == (0, 1)
	assert parse_shard(None) == (0, 1)
	assert parse_shard("") == (0, 1)
	for bad in ("3/3", "-1/2", "1/0", "a/b", "1", "1/2/3"):
		with pytest.raises(ValueError, match="shard"):
			parse_shard(bad)


def test_every_device_is_in_exactly_one_shard():
	names = [f"PRESS-{i:03d}" for i in range(300)] + ["压机-1", "OPC UA line 2"]
	for n in (1, 2, 3, 7):
		shards = [[name for name in names if in_shard(name, (i, n))] for i in range(n)]
		assert sorted(name for shard in shards for name in shard) == sorted(names)
		if n > 1:
			assert all(shards), n  # CRC-32 spreads 302 names over every shard


def test_the_assignment_is_crc32_of_the_name():
	# stable across processes and restarts: no hash seed, the name's UTF-8 bytes only
	assert in_shard("压机-1", (zlib.crc32("压机-1".encode()) % 4, 4))
	assert [in_shard("PRESS-001", (i, 2)) for i in range(2)].count(True) == 1
	assert in_shard("anything", (0, 1))
