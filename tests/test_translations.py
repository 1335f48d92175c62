"""Every message in the app's POT has a Chinese translation in zh.po."""

from babel.messages.pofile import read_po

from tests.conftest import APP

LOCALE = APP / "locale"


def load(path):
	with open(path, "rb") as f:
		return read_po(f)


def test_pot_and_zh_exist():
	assert (LOCALE / "main.pot").exists(), "run `bench generate-pot-file --app mom_app`"
	assert (LOCALE / "zh.po").exists()


def test_every_message_has_a_chinese_translation():
	pot, zh = load(LOCALE / "main.pot"), load(LOCALE / "zh.po")
	ids = [m.id for m in pot if m.id]
	assert len(ids) > 20, "POT is suspiciously small"
	missing = []
	for mid in ids:
		key = mid if isinstance(mid, str) else mid[0]
		msg = zh.get(mid, context=None) or next((m for m in zh if m.id == mid), None)
		if msg is None or not msg.string or (isinstance(msg.string, tuple) and not all(msg.string)):
			missing.append(key)
		elif msg.fuzzy:
			missing.append(f"{key} (fuzzy)")
	assert not missing, f"{len(missing)} untranslated: {missing[:20]}"


def test_placeholders_survive_translation():
	import re

	zh = load(LOCALE / "zh.po")
	for m in zh:
		if m.id and isinstance(m.id, str) and m.string:
			assert sorted(re.findall(r"\{\d*\}", m.id)) == sorted(re.findall(r"\{\d*\}", m.string)), m.id
