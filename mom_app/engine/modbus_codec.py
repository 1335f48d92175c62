"""Modbus register decoding and read planning.

Modbus has four tables: 16-bit registers (Holding Register, Input Register) and single bits (Coil,
Discrete Input). Addresses here are the 0-based protocol addresses that go on the wire (and that pymodbus
takes), not the 1-based "40001"-style reference numbers of some device manuals.

A value wider than 16 bits spans consecutive registers. Inside each register the two bytes are
big-endian, as the Modbus specification says; the order of the registers (the "word order") varies by
vendor: "Big" puts the most significant register first (ABCD), "Little" puts it last (CDAB). The
engineering value is ``raw * scale + offset``. Bit tables hold only "bool"; registers hold every type
("bool" on a register is true when the register is non-zero). Values come back as Python floats, so 64-bit
integers beyond 2**53 lose their lowest bits.

`plan_blocks()` turns a device's tags into as few read requests as it can: per table, tags sorted by
address are merged into one block while the hole between them is at most `max_gap` registers (reading a
few unused registers is cheaper than another round trip) and the block stays within the protocol limit
of one request (125 registers, 2000 bits). `decode_block()` turns the words one request returned back
into tag values.
"""

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

REGISTER_TYPES = ("Holding Register", "Input Register", "Coil", "Discrete Input")
BIT_TYPES = ("Coil", "Discrete Input")
DATA_TYPES = ("bool", "int16", "uint16", "int32", "uint32", "float32", "int64", "uint64", "float64")
WORD_ORDERS = ("Big", "Little")
MAX_ADDRESS = 65535

# data type -> (struct format of the whole big-endian value, registers)
_FORMATS = {
	"int16": (">h", 1),
	"uint16": (">H", 1),
	"int32": (">i", 2),
	"uint32": (">I", 2),
	"float32": (">f", 2),
	"int64": (">q", 4),
	"uint64": (">Q", 4),
	"float64": (">d", 4),
}


class CodecError(ValueError):
	"""A data type, word order or register type that does not fit, or words of the wrong shape."""


def register_count(data_type: str) -> int:
	"""How many registers (or bits, for "bool") a value of this type takes."""
	if data_type == "bool":
		return 1
	if data_type not in _FORMATS:
		raise CodecError(f"unknown data type {data_type!r}; expected one of {', '.join(DATA_TYPES)}")
	return _FORMATS[data_type][1]


def decode(
	words: Sequence[int], data_type: str, word_order: str = "Big", scale: float = 1.0, offset: float = 0.0
) -> float:
	"""The engineering value of `words` (exactly register_count(data_type) of them, each 0..65535).

	Float types may decode to NaN or an infinity; whether to keep such a value is the caller's call."""
	count = register_count(data_type)
	_check_word_order(word_order)
	if len(words) != count:
		raise CodecError(f"{data_type} takes {count} register(s), got {len(words)}")
	for word in words:
		if isinstance(word, bool):
			word = int(word)
		if not isinstance(word, int) or not 0 <= word <= 0xFFFF:
			raise CodecError(f"register value {word!r} is not a 16-bit unsigned integer")
	if data_type == "bool":
		raw: float = 1.0 if words[0] else 0.0
	else:
		ordered = list(words) if word_order == "Big" else list(reversed(words))
		packed = struct.pack(f">{count}H", *(int(w) for w in ordered))
		raw = float(struct.unpack(_FORMATS[data_type][0], packed)[0])
	return raw * scale + offset


def encode(value: float, data_type: str, word_order: str = "Big") -> list[int]:
	"""The registers holding raw `value` (the inverse of decode() with scale 1 and offset 0).

	Integer types round to the nearest integer and refuse values outside their range; "bool" is [1] for
	any non-zero value; float types take NaN and infinities but refuse finite values too large for them."""
	count = register_count(data_type)
	_check_word_order(word_order)
	if data_type == "bool":
		return [1 if value else 0]
	fmt = _FORMATS[data_type][0]
	if data_type.startswith("float"):
		try:
			packed = struct.pack(fmt, float(value))
		except OverflowError:
			raise CodecError(f"{value!r} is too large for {data_type}")
	else:
		if not math.isfinite(value):
			raise CodecError(f"{value!r} cannot be stored as {data_type}")
		try:
			packed = struct.pack(fmt, round(value))
		except struct.error:
			raise CodecError(f"{value!r} is out of range for {data_type}")
	words = list(struct.unpack(f">{count}H", packed))
	return words if word_order == "Big" else words[::-1]


@dataclass(frozen=True)
class TagSpec:
	"""One value on a Modbus device. Checked on creation; raises CodecError when it cannot be read."""

	key: str
	register_type: str
	address: int
	data_type: str = "uint16"
	word_order: str = "Big"
	scale: float = 1.0
	offset: float = 0.0

	def __post_init__(self):
		if not self.key:
			raise CodecError("a tag needs a key")
		if self.register_type not in REGISTER_TYPES:
			raise CodecError(
				f"tag {self.key!r}: unknown register type {self.register_type!r}; "
				f"expected one of {', '.join(REGISTER_TYPES)}"
			)
		count = register_count(self.data_type)
		_check_word_order(self.word_order)
		if self.register_type in BIT_TYPES and self.data_type != "bool":
			raise CodecError(
				f"tag {self.key!r}: a {self.register_type} holds one bit, so its data type must be bool, "
				f"not {self.data_type}"
			)
		if isinstance(self.address, bool) or not isinstance(self.address, int):
			raise CodecError(f"tag {self.key!r}: address {self.address!r} is not an integer")
		if self.address < 0 or self.address + count - 1 > MAX_ADDRESS:
			raise CodecError(
				f"tag {self.key!r}: {self.data_type} at address {self.address} does not fit in 0..{MAX_ADDRESS}"
			)

	@property
	def count(self) -> int:
		"""Registers (or bits) this tag spans."""
		return register_count(self.data_type)


@dataclass(frozen=True)
class Block:
	"""One read request: `count` registers (or bits) of `register_type` from `start`, and its tags."""

	register_type: str
	start: int
	count: int
	tags: tuple[TagSpec, ...]


def plan_blocks(
	tags: Iterable[TagSpec], max_gap: int = 8, max_registers: int = 125, max_bits: int = 2000
) -> list[Block]:
	"""Group tags into read requests, in REGISTER_TYPES order then by address.

	Within a register type, tags sorted by address join the current block when the number of unused
	addresses between the block's end and the tag is at most `max_gap` and the block, grown to cover the
	tag, is at most `max_registers` registers (`max_bits` bits for Coil and Discrete Input) long.
	Overlapping tags share a block. Tag keys must be unique."""
	if max_gap < 0:
		raise CodecError(f"max_gap must not be negative, got {max_gap}")
	by_type: dict[str, list[TagSpec]] = {rt: [] for rt in REGISTER_TYPES}
	seen: set[str] = set()
	for tag in tags:
		if tag.key in seen:
			raise CodecError(f"tag key {tag.key!r} appears twice")
		seen.add(tag.key)
		by_type[tag.register_type].append(tag)

	blocks: list[Block] = []
	for register_type, group in by_type.items():
		limit = max_bits if register_type in BIT_TYPES else max_registers
		current: list[TagSpec] = []
		start = end = 0  # the current block covers [start, end)
		for tag in sorted(group, key=lambda t: (t.address, t.key)):
			if tag.count > limit:
				raise CodecError(
					f"tag {tag.key!r} spans {tag.count} registers, more than one read of {limit}"
				)
			tag_end = tag.address + tag.count
			if current and tag.address - end <= max_gap and max(end, tag_end) - start <= limit:
				current.append(tag)
				end = max(end, tag_end)
				continue
			if current:
				blocks.append(Block(register_type, start, end - start, tuple(current)))
			current, start, end = [tag], tag.address, tag_end
		if current:
			blocks.append(Block(register_type, start, end - start, tuple(current)))
	return blocks


def decode_block(block: Block, values: Sequence[int]) -> dict[str, float]:
	"""Tag key -> engineering value, from the words (or 0/1 bits) read from block.start.

	`values` may be longer than the block (pymodbus pads bits to a whole byte); shorter raises CodecError."""
	if len(values) < block.count:
		raise CodecError(
			f"read of {block.register_type} {block.start}+{block.count} returned only {len(values)} values"
		)
	result: dict[str, float] = {}
	for tag in block.tags:
		first = tag.address - block.start
		if first < 0 or first + tag.count > block.count:
			raise CodecError(f"tag {tag.key!r} lies outside block {block.start}+{block.count}")
		words = [int(v) for v in values[first : first + tag.count]]
		result[tag.key] = decode(words, tag.data_type, tag.word_order, tag.scale, tag.offset)
	return result


def _check_word_order(word_order: str) -> None:
	if word_order not in WORD_ORDERS:
		raise CodecError(f"unknown word order {word_order!r}; expected Big or Little")
