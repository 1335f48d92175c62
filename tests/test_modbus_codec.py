import math
import struct
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.modbus_codec import (
	DATA_TYPES,
	REGISTER_TYPES,
	WORD_ORDERS,
	Block,
	CodecError,
	TagSpec,
	decode,
	decode_block,
	encode,
	plan_blocks,
	register_count,
)

HR, IR, COIL, DI = REGISTER_TYPES


def words_of(fmt: str, value) -> list[int]:
	"""Big-endian registers of a struct-packed value, most significant first."""
	packed = struct.pack(fmt, value)
	return [int.from_bytes(packed[i : i + 2], "big") for i in range(0, len(packed), 2)]


def test_constants():
	assert REGISTER_TYPES == ("Holding Register", "Input Register", "Coil", "Discrete Input")
	assert DATA_TYPES == (
		"bool",
		"int16",
		"uint16",
		"int32",
		"uint32",
		"float32",
		"int64",
		"uint64",
		"float64",
	)
	assert WORD_ORDERS == ("Big", "Little")


@pytest.mark.parametrize(
	"data_type, count",
	[("bool", 1), ("int16", 1), ("uint16", 1), ("int32", 2), ("uint32", 2), ("float32", 2), ("int64", 4),
	 ("uint64", 4), ("float64", 4)],
)  # fmt: skip
def test_register_count(data_type, count):
	assert register_count(data_type) == count


# Hand-written vectors: (data type, Big-order registers, Little-order registers, value).
VECTORS = [
	("bool", [0], [0], 0.0),
	("bool", [1], [1], 1.0),
	("bool", [0x8000], [0x8000], 1.0),
	("int16", [0xFFFF], [0xFFFF], -1.0),
	("int16", [0x8000], [0x8000], -32768.0),
	("uint16", [0xFFFF], [0xFFFF], 65535.0),
	("uint16", [0x1234], [0x1234], 4660.0),
	("int32", [0xFFFF, 0xFFFE], [0xFFFE, 0xFFFF], -2.0),
	("int32", [0x0001, 0x0000], [0x0000, 0x0001], 65536.0),
	("uint32", [0x1234, 0x5678], [0x5678, 0x1234], 305419896.0),
	("uint32", [0xFFFF, 0xFFFF], [0xFFFF, 0xFFFF], 4294967295.0),
	("float32", [0x3F80, 0x0000], [0x0000, 0x3F80], 1.0),
	("float32", [0xC148, 0x0000], [0x0000, 0xC148], -12.5),
	("float32", [0x41C8, 0x0000], [0x0000, 0x41C8], 25.0),
	("int64", [0x0001, 0x0002, 0x0003, 0x0004], [0x0004, 0x0003, 0x0002, 0x0001], 281483566841860.0),
	("int64", [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFD], [0xFFFD, 0xFFFF, 0xFFFF, 0xFFFF], -3.0),
	("uint64", [0x0000, 0x0000, 0x0001, 0x0000], [0x0000, 0x0001, 0x0000, 0x0000], 65536.0),
	("uint64", [0xFFFF] * 4, [0xFFFF] * 4, 18446744073709551615.0),
	("float64", [0x3FF0, 0, 0, 0], [0, 0, 0, 0x3FF0], 1.0),
	("float64", [0x4009, 0x21FB, 0x5444, 0x2D18], [0x2D18, 0x5444, 0x21FB, 0x4009], math.pi),
]


# Vectors whose registers encode() does not give back: any non-zero register is a true bool, and a
# uint64 above 2**53 is rounded in the float that decode() returns.
NOT_ENCODED = {("bool", 0x8000), ("uint64", 0xFFFF)}


@pytest.mark.parametrize("data_type, big, little, value", VECTORS)
def test_hand_vectors(data_type, big, little, value):
	assert decode(big, data_type, "Big") == value
	assert decode(little, data_type, "Little") == value
	assert decode(big, data_type) == value  # Big is the default
	if (data_type, big[0]) not in NOT_ENCODED:
		assert encode(value, data_type, "Big") == big
		assert encode(value, data_type, "Little") == little


def test_64_bit_integers_beyond_2_53_are_rounded():
	assert decode([0x0102, 0x0304, 0x0506, 0x0708], "int64") == float(0x0102030405060708)
	assert decode([0xFFFF] * 4, "uint64") == 2.0**64


STRUCT_REFERENCE = [
	("int16", ">h", -12345),
	("uint16", ">H", 54321),
	("int32", ">i", -123456789),
	("uint32", ">I", 3_000_000_000),
	("float32", ">f", 3.140625),
	("int64", ">q", -(2**62) + 12345),
	("uint64", ">Q", 2**63 + 2**40),
	("float64", ">d", -1234.5678e-9),
]


@pytest.mark.parametrize("data_type, fmt, value", STRUCT_REFERENCE)
def test_against_struct(data_type, fmt, value):
	big = words_of(fmt, value)
	assert decode(big, data_type, "Big") == float(value)
	assert decode(big[::-1], data_type, "Little") == float(value)
	assert encode(value, data_type, "Big") == big
	assert encode(value, data_type, "Little") == big[::-1]


@pytest.mark.parametrize("data_type, fmt, value", STRUCT_REFERENCE)
@pytest.mark.parametrize("word_order", WORD_ORDERS)
def test_against_pymodbus(data_type, fmt, value, word_order):
	client = pytest.importorskip("pymodbus.client")
	mixin = client.ModbusTcpClient
	registers = mixin.convert_to_registers(
		value, getattr(mixin.DATATYPE, data_type.upper()), word_order.lower()
	)
	assert encode(value, data_type, word_order) == list(registers)
	expected = mixin.convert_from_registers(
		registers, getattr(mixin.DATATYPE, data_type.upper()), word_order.lower()
	)
	assert decode(registers, data_type, word_order) == pytest.approx(float(expected), rel=1e-15)


def test_scale_and_offset():
	assert decode([250], "int16", scale=0.1) == pytest.approx(25.0)
	assert decode([0xFFF6], "int16", scale=0.5, offset=100) == 95.0  # -10 * 0.5 + 100
	assert decode([0x0000, 0x3F80], "float32", "Little", scale=2, offset=-1) == 1.0
	assert decode([1], "bool", scale=1, offset=0) == 1.0
	assert decode([4000], "uint16", scale=0.01, offset=-273.15) == pytest.approx(-233.15)


def test_float_specials_decode_as_is():
	assert math.isnan(decode([0x7FC0, 0], "float32"))
	assert decode([0x7F80, 0], "float32") == math.inf
	assert encode(math.inf, "float32") == [0x7F80, 0]
	assert encode(math.nan, "float32")[0] & 0x7F80 == 0x7F80


def test_encode_rounds_integers_and_refuses_out_of_range():
	assert encode(236.6, "int16") == [237]
	assert encode(-0.4, "uint16") == [0]
	for value, data_type in [(65536, "uint16"), (-1, "uint16"), (32768, "int16"), (2**64, "uint64"),
							  (-(2**63) - 1, "int64"), (1e300, "int32"), (math.nan, "int32"),
							  (math.inf, "uint64"), (1e39, "float32")]:  # fmt: skip
		with pytest.raises(CodecError):
			encode(value, data_type)


@pytest.mark.parametrize(
	"call",
	[
		lambda: decode([1], "int8"),
		lambda: decode([1], "uint16", "Middle"),
		lambda: decode([1], "uint32"),
		lambda: decode([1, 2, 3], "uint32"),
		lambda: decode([], "bool"),
		lambda: decode([65536], "uint16"),
		lambda: decode([-1], "uint16"),
		lambda: decode([1.5], "uint16"),
		lambda: encode(1, "float16"),
		lambda: encode(1, "int32", "big"),
		lambda: register_count("string"),
	],
)
def test_bad_arguments(call):
	with pytest.raises(CodecError):
		call()


@settings(max_examples=60)
@given(st.sampled_from(DATA_TYPES[1:]), st.sampled_from(WORD_ORDERS), st.data())
def test_round_trip_words(data_type, word_order, data):
	# Any register contents decode, and encode back to the same registers (except NaN payloads).
	words = data.draw(
		st.lists(
			st.integers(0, 0xFFFF), min_size=register_count(data_type), max_size=register_count(data_type)
		)
	)
	value = decode(words, data_type, word_order)
	if not math.isnan(value) and abs(value) < 2**53:
		assert encode(value, data_type, word_order) == words


INT_RANGES = {
	"int16": (-(2**15), 2**15 - 1),
	"uint16": (0, 2**16 - 1),
	"int32": (-(2**31), 2**31 - 1),
	"uint32": (0, 2**32 - 1),
	"int64": (-(2**53), 2**53),  # exact in a float
	"uint64": (0, 2**53),
}


@settings(max_examples=60)
@given(st.sampled_from(sorted(INT_RANGES)), st.sampled_from(WORD_ORDERS), st.data())
def test_round_trip_integers(data_type, word_order, data):
	value = data.draw(st.integers(*INT_RANGES[data_type]))
	words = encode(value, data_type, word_order)
	assert len(words) == register_count(data_type)
	assert all(0 <= w <= 0xFFFF for w in words)
	assert decode(words, data_type, word_order) == value


@settings(max_examples=60)
@given(st.floats(allow_nan=False), st.sampled_from(WORD_ORDERS))
def test_round_trip_float64(value, word_order):
	assert decode(encode(value, "float64", word_order), "float64", word_order) == value


@settings(max_examples=60)
@given(st.floats(allow_nan=False, width=32), st.sampled_from(WORD_ORDERS))
def test_round_trip_float32(value, word_order):
	assert decode(encode(value, "float32", word_order), "float32", word_order) == value


# -- tags and blocks --------------------------------------------------------------------------------------


def tag(key, address, data_type="uint16", register_type=HR, **kwargs):
	return TagSpec(key, register_type, address, data_type, **kwargs)


@pytest.mark.parametrize(
	"kwargs",
	[
		{"key": "", "register_type": HR, "address": 0},
		{"key": "a", "register_type": "Holding", "address": 0},
		{"key": "a", "register_type": COIL, "address": 0, "data_type": "uint16"},
		{"key": "a", "register_type": DI, "address": 0, "data_type": "float32"},
		{"key": "a", "register_type": HR, "address": 0, "data_type": "double"},
		{"key": "a", "register_type": HR, "address": 0, "word_order": "Mixed"},
		{"key": "a", "register_type": HR, "address": -1},
		{"key": "a", "register_type": HR, "address": 65535, "data_type": "uint32"},
		{"key": "a", "register_type": HR, "address": 65536},
		{"key": "a", "register_type": HR, "address": 1.0},
	],
)
def test_bad_tags(kwargs):
	with pytest.raises(CodecError):
		TagSpec(**kwargs)


def test_good_tag_edges():
	assert TagSpec("a", COIL, 0, "bool").count == 1
	assert TagSpec("a", HR, 65532, "float64").count == 4
	assert TagSpec("a", IR, 65535).data_type == "uint16"
	assert TagSpec("a", HR, 0, "bool").count == 1  # a register read as a flag


def test_plan_merges_within_gap_and_splits_beyond():
	a, b, c, d = tag("a", 0), tag("b", 9, "float32"), tag("c", 20), tag("d", 21)
	# a covers [0, 1); b starts 8 unused registers later: merged. c starts 9 after b's end (11): split.
	assert plan_blocks([d, c, b, a]) == [Block(HR, 0, 11, (a, b)), Block(HR, 20, 2, (c, d))]
	assert plan_blocks([a, b, c, d], max_gap=9) == [Block(HR, 0, 22, (a, b, c, d))]
	assert plan_blocks([a, b, c, d], max_gap=0) == [
		Block(HR, 0, 1, (a,)),
		Block(HR, 9, 2, (b,)),
		Block(HR, 20, 2, (c, d)),
	]


def test_plan_respects_register_limit():
	tags = [tag(f"t{i}", i * 10) for i in range(14)]  # 0, 10, ..., 130
	blocks = plan_blocks(tags, max_gap=9)
	assert [(b.start, b.count) for b in blocks] == [(0, 121), (130, 1)]
	assert plan_blocks(tags[:13], max_gap=9, max_registers=121) == [Block(HR, 0, 121, tuple(tags[:13]))]
	assert len(plan_blocks(tags[:13], max_gap=9, max_registers=120)) == 2
	# A wide tag that would push the block over the limit starts a new block.
	wide = [tag("x", 0), tag("y", 122, "float64")]
	assert [(b.start, b.count) for b in plan_blocks(wide, max_gap=200)] == [(0, 1), (122, 4)]
	assert [(b.start, b.count) for b in plan_blocks(wide, max_gap=200, max_registers=126)] == [(0, 126)]
	exact = [tag("x", 0), tag("y", 121, "float64")]  # ends at 125: exactly the limit
	assert [(b.start, b.count) for b in plan_blocks(exact, max_gap=200)] == [(0, 125)]


def test_plan_bits_use_bit_limit_and_types_are_separate():
	coils = [tag(f"c{i}", i * 100, "bool", COIL) for i in range(25)]  # 0 .. 2400
	hr = tag("h", 0)
	inp = tag("i", 0, register_type=IR)
	di = tag("d", 5, "bool", DI)
	blocks = plan_blocks([*coils, di, inp, hr], max_gap=100)
	assert [(b.register_type, b.start, b.count) for b in blocks] == [
		(HR, 0, 1),
		(IR, 0, 1),
		(COIL, 0, 2000 - 99),  # 0..1900
		(COIL, 2000, 401),
		(DI, 5, 1),
	]


def test_plan_overlapping_and_duplicates():
	whole = tag("whole", 10, "uint32")
	high = tag("high", 10, "uint16")
	low = tag("low", 11, "uint16")
	(block,) = plan_blocks([low, whole, high])
	assert (block.start, block.count) == (10, 2)
	assert [t.key for t in block.tags] == ["high", "whole", "low"]
	assert decode_block(block, [0x0001, 0x0002]) == {"whole": 65538.0, "high": 1.0, "low": 2.0}
	with pytest.raises(CodecError):
		plan_blocks([tag("k", 1), tag("k", 2)])
	with pytest.raises(CodecError):
		plan_blocks([tag("k", 1, "float64")], max_registers=3)
	with pytest.raises(CodecError):
		plan_blocks([tag("k", 1)], max_gap=-1)
	assert plan_blocks([]) == []


def test_decode_block():
	temp = tag("temp", 100, "int16", scale=0.1)
	count = tag("count", 102, "uint32", word_order="Little")
	flow = tag("flow", 106, "float32")
	(block,) = plan_blocks([flow, count, temp])
	assert (block.start, block.count) == (100, 8)
	words = [0xFF38, 0x0000, 0x86A0, 0x0001, 0x0000, 0x0000, 0x4148, 0x0000]
	assert decode_block(block, words) == {"temp": pytest.approx(-20.0), "count": 100000.0, "flow": 12.5}
	with pytest.raises(CodecError):
		decode_block(block, words[:7])


def test_decode_block_bits_padded_like_pymodbus():
	tags = [tag("run", 3, "bool", COIL), tag("alarm", 5, "bool", COIL)]
	(block,) = plan_blocks(tags)
	assert (block.start, block.count) == (3, 3)
	assert decode_block(block, [True, False, False, False, False, False, False, False]) == {
		"run": 1.0,
		"alarm": 0.0,
	}
	assert decode_block(block, [0, 0, 1]) == {"run": 0.0, "alarm": 1.0}


@settings(max_examples=50)
@given(
	st.lists(
		st.tuples(st.sampled_from([HR, IR]), st.integers(0, 400), st.sampled_from(DATA_TYPES)),
		min_size=1,
		max_size=30,
	),
	st.integers(0, 20),
	st.integers(4, 130),
)
def test_plan_properties(specs, max_gap, max_registers):
	tags = [TagSpec(f"t{i}", rt, addr, dt) for i, (rt, addr, dt) in enumerate(specs)]
	blocks = plan_blocks(tags, max_gap=max_gap, max_registers=max_registers)
	planned = [t for b in blocks for t in b.tags]
	assert sorted(t.key for t in planned) == sorted(t.key for t in tags)  # each tag exactly once
	for b in blocks:
		assert 1 <= b.count <= max_registers
		assert b.start == min(t.address for t in b.tags)
		assert b.start + b.count == max(t.address + t.count for t in b.tags)
		assert all(t.register_type == b.register_type for t in b.tags)
	# Neighbouring blocks of a type could not have been merged.
	for left, right in pairwise(blocks):
		if left.register_type == right.register_type:
			gap = right.start - (left.start + left.count)
			merged = max(left.start + left.count, right.start + right.tags[0].count) - left.start
			assert gap > max_gap or merged > max_registers
	# Decoding every block of encoded values gives the values back.
	memory = {rt: [0] * 520 for rt in (HR, IR)}
	expected = {}
	for i, t in enumerate(tags):
		raw = encode(i + 1, t.data_type)
		memory[t.register_type][t.address : t.address + t.count] = raw
	for t in tags:  # overlaps: the value is whatever the final memory holds
		expected[t.key] = decode(memory[t.register_type][t.address : t.address + t.count], t.data_type)
	got = {}
	for b in blocks:
		got.update(decode_block(b, memory[b.register_type][b.start : b.start + b.count]))
	assert got == expected
