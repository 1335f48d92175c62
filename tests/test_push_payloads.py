import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.push import payloads, signing
from mom_app.engine.push.escaping import cut_chars, escape_markdown, plain_text, utf8_len
from mom_app.engine.push.payloads import Link, Mentions, Message

URL = "https://erp.example.com/app/quality-hold/QH-0001"
MARKUP = set("\\`*_~#[]()<>|&")


def message(**overrides):
	values = {
		"title": "Quality hold QH-0001",
		"url": URL,
		"button": "Open",
		"lines": ["Batch B-7 on hold", "Reason: porosity"],
		"fields": [("Workstation", "WS-01"), ("Raised by", "Li Lei")],
		"severity": "high",
	}
	values.update(overrides)
	return Message(**values)


def test_dingtalk_markdown_shape_and_mentions():
	payload = payloads.dingtalk_markdown(message(), Mentions(mobiles=["13800001111"], user_ids=["manager01"]))
	assert payload["msgtype"] == "markdown"
	assert payload["markdown"]["title"] == "Quality hold QH-0001"
	assert payload["markdown"]["text"] == (
		"#### Quality hold QH-0001\n\nBatch B-7 on hold\n\nReason: porosity\n\n**Workstation**: WS-01\n\n"
		"**Raised by**: Li Lei\n\n[Open](https://erp.example.com/app/quality-hold/QH-0001)\n\n@13800001111 @manager01"
	)
	assert payload["at"] == {"atMobiles": ["13800001111"], "atUserIds": ["manager01"], "isAtAll": False}


def test_dingtalk_at_all_and_no_mentions():
	payload = payloads.dingtalk_markdown(message(), Mentions(everyone=True))
	assert payload["at"] == {"atMobiles": [], "atUserIds": [], "isAtAll": True}
	assert payloads.dingtalk_markdown(message())["at"]["isAtAll"] is False
	assert not payloads.dingtalk_markdown(message())["markdown"]["text"].rstrip().endswith("@")


def test_dingtalk_action_card_single_and_multiple_buttons():
	card = payloads.dingtalk_action_card(message())["actionCard"]
	assert payloads.dingtalk_action_card(message())["msgtype"] == "actionCard"
	assert card["title"] == "Quality hold QH-0001"
	assert card["singleTitle"] == "Open" and card["singleURL"] == URL
	assert card["btnOrientation"] == "0"
	assert card["text"].startswith("#### Quality hold QH-0001\n\n") and "](" not in card["text"]
	two = payloads.dingtalk_action_card(
		message(links=[Link("Line board", "https://erp.example.com/mom/board")])
	)
	assert "singleTitle" not in two["actionCard"]
	assert two["actionCard"]["btns"] == [
		{"title": "Open", "actionURL": URL},
		{"title": "Line board", "actionURL": "https://erp.example.com/mom/board"},
	]
	with pytest.raises(ValueError):
		payloads.build("dingtalk", message(), Mentions(mobiles=["13800001111"]), action_card=True)


def test_wecom_markdown_shape_and_mentions():
	payload = payloads.wecom_markdown(message(), Mentions(user_ids=["zhangsan", "lisi"]))
	assert payload == {
		"msgtype": "markdown",
		"markdown": {
			"content": "### Quality hold QH-0001\nBatch B-7 on hold\nReason: porosity\n**Workstation**: WS-01\n"
			"**Raised by**: Li Lei\n[Open](https://erp.example.com/app/quality-hold/QH-0001)\n<@zhangsan><@lisi>"
		},
	}
	for refused in (Mentions(mobiles=["13800001111"]), Mentions(everyone=True)):
		with pytest.raises(ValueError):
			payloads.wecom_markdown(message(), refused)


def test_feishu_card_shape_colour_and_mentions():
	payload = payloads.feishu_card(message(severity="critical"), Mentions(user_ids=["ou_abc"], everyone=True))
	assert payload["msg_type"] == "interactive"
	card = payload["card"]
	assert card["header"] == {
		"title": {"tag": "plain_text", "content": "Quality hold QH-0001"},
		"template": "red",
	}
	markdown, action = card["elements"]
	assert markdown == {
		"tag": "markdown",
		"content": "Batch B-7 on hold\nReason: porosity\n**Workstation**: WS-01\n**Raised by**: Li Lei\n"
		"<at id=ou_abc></at> <at id=all></at>",
	}
	assert action == {
		"tag": "action",
		"actions": [
			{"tag": "button", "text": {"tag": "plain_text", "content": "Open"}, "type": "primary", "url": URL}
		],
	}
	with pytest.raises(ValueError):
		payloads.feishu_card(message(), Mentions(mobiles=["13800001111"]))


def test_feishu_colours_and_an_empty_body():
	assert payloads.feishu_card(message(severity="info"))["card"]["header"]["template"] == "grey"
	assert payloads.feishu_card(message(severity="medium"))["card"]["header"]["template"] == "yellow"
	assert payloads.feishu_card(message(severity="odd"))["card"]["header"]["template"] == "grey"
	bare = payloads.feishu_card(message(lines=[], fields=[]))
	assert [element["tag"] for element in bare["card"]["elements"]] == ["action"]


def test_build_dispatches():
	assert payloads.build("dingtalk", message())["msgtype"] == "markdown"
	assert payloads.build("dingtalk", message(), action_card=True)["msgtype"] == "actionCard"
	assert payloads.build("wecom", message())["msgtype"] == "markdown"
	assert payloads.build("feishu", message())["msg_type"] == "interactive"
	with pytest.raises(ValueError):
		payloads.build("teams", message())


@pytest.mark.parametrize("vendor", ["dingtalk", "wecom", "feishu"])
def test_bad_input_is_refused(vendor):
	for url in ("javascript:alert(1)", "ftp://x.test/a", "https://", "/app/quality-hold/x", ""):
		with pytest.raises(ValueError):
			payloads.build(vendor, message(url=url))
	for bad in (message(title="  \n "), message(button="")):
		with pytest.raises(ValueError):
			payloads.build(vendor, bad)
	with pytest.raises(ValueError):
		payloads.build(vendor, message(), Mentions(user_ids=["a b"]))
	with pytest.raises(ValueError):
		payloads.build(vendor, message(), Mentions(user_ids=["x)<@all>"]))


def test_urls_are_encoded_so_they_cannot_close_a_link():
	url = payloads.safe_url(
		"https://erp.example.com/app/quality-hold/QH 0001 (a)[b]<c>'\"`|*\\质量?x=1&y=2#f"
	)
	assert url == (
		"https://erp.example.com/app/quality-hold/QH%200001%20%28a%29%5Bb%5D%3Cc%3E%27%22%60%7C%2A%5C"
		"%E8%B4%A8%E9%87%8F?x=1&y=2#f"
	)
	assert payloads.safe_url("https://x.test/a%20b") == "https://x.test/a%20b"  # already encoded: kept
	assert payloads.safe_url(" HTTPS://x.test/\n") == "HTTPS://x.test/"
	with pytest.raises(ValueError):
		payloads.dingtalk_action_card(message(url="https://x.test/" + "a" * 500))


def test_mentions_are_deduplicated():
	payload = payloads.dingtalk_markdown(message(), Mentions(mobiles=["138", "138", " 138 "]))
	assert payload["at"]["atMobiles"] == ["138"]
	assert payload["markdown"]["text"].endswith("\n\n@138")


def test_titles_are_cut_to_the_vendor_limits():
	title = "设备离线 " + "x" * 200
	dingtalk = payloads.dingtalk_markdown(message(title=title))
	assert len(dingtalk["markdown"]["title"]) == 64 and dingtalk["markdown"]["title"].endswith("\u2026")
	assert dingtalk["markdown"]["text"].split("\n\n")[0] == "#### " + dingtalk["markdown"]["title"]
	feishu = payloads.feishu_card(message(title=title))["card"]["header"]["title"]["content"]
	assert len(feishu) == 100 and feishu.endswith("\u2026")
	card = payloads.dingtalk_action_card(message(button="a much too long button label here"))["actionCard"]
	assert len(card["singleTitle"]) == 20


def test_long_bodies_are_cut_at_the_vendor_limit_keeping_title_link_and_mentions():
	lines = [f"{i:03d} " + "传感器读数超出上限" * 20 for i in range(60)]
	long = message(lines=lines)
	dingtalk = payloads.dingtalk_markdown(long, Mentions(mobiles=["13800001111"]))["markdown"]["text"]
	assert utf8_len(dingtalk) <= 5000
	assert dingtalk.startswith("#### Quality hold QH-0001\n\n000 ")
	assert dingtalk.endswith("\n\n[Open](https://erp.example.com/app/quality-hold/QH-0001)\n\n@13800001111")
	assert "\u2026\n\n[Open]" in dingtalk
	wecom = payloads.wecom_markdown(long, Mentions(user_ids=["zhangsan"]))["markdown"]["content"]
	assert utf8_len(wecom) <= 4096 and 4096 - utf8_len(wecom) < 200  # filled, not emptied
	assert wecom.endswith("\u2026\n[Open](https://erp.example.com/app/quality-hold/QH-0001)\n<@zhangsan>")
	feishu = payloads.feishu_card(message(lines=lines * 4), Mentions(user_ids=["ou_x"]))
	signed = signing.feishu_signed_body(feishu, "secret", 1_700_000_000)
	assert payloads.body_size(signed) <= 20 * 1024
	assert len(payloads.encode_body(signed)) <= 20 * 1024
	assert len(json.dumps(signed).encode()) <= 20 * 1024  # as requests' json= sends it
	assert 20 * 1024 - len(json.dumps(signed).encode()) < 300  # filled, not emptied
	assert feishu["card"]["elements"][0]["content"].endswith("\u2026\n<at id=ou_x></at>")


def test_a_custom_marker_is_escaped_too():
	text = payloads.wecom_markdown(message(lines=["x" * 5000]), marker="[cut]")["markdown"]["content"]
	assert "\uff3bcut\uff3d\n[Open]" in text


def test_the_cut_never_splits_the_markup_of_a_field():
	long = message(lines=[], fields=[("Label", "v" * 6000)])
	content = payloads.wecom_markdown(long)["markdown"]["content"]
	row = content.split("\n")[1]
	assert row.startswith("**Label**: vvv") and row.endswith("\u2026")
	assert content.count("**") == 2


def test_titles_that_only_fit_alone_are_refused():
	huge = Mentions(user_ids=[f"user{i:05d}" for i in range(600)])
	with pytest.raises(ValueError):
		payloads.wecom_markdown(message(), huge)


# ---------------------------------------------------------------- hostile values

TOKENS = [
	*"\\`*_~#[]()<>|&@!-+=.:/\"'{}0123456789 aZ中文\n\r\t\x00\x1b\u2028\u202e\ufeff",
	"](",
	"<@all>",
	"\n# ",
	"**",
]
HOSTILE = st.lists(st.sampled_from(TOKENS) | st.characters(), max_size=40).map("".join)


def hostile_message(title, line, label, value, button):
	return Message(title=title or "t", url=URL, button=button or "b", lines=[line], fields=[(label, value)])


@settings(max_examples=150)
@given(title=HOSTILE, line=HOSTILE, label=HOSTILE, value=HOSTILE, button=HOSTILE)
def test_hostile_values_cannot_change_dingtalk_markdown(title, line, label, value, button):
	msg = hostile_message(title, line, label, value, button)
	if not plain_text(msg.title) or not plain_text(msg.button):
		return
	text = payloads.dingtalk_markdown(msg, Mentions(mobiles=["13800001111"]))["markdown"]["text"]
	blocks = text.split("\n\n")
	label, value, line = (escape_markdown(x, "dingtalk") for x in (label, value, line))
	field = f"**{label}**: {value}" if label else value
	# title, the body line and the field (when not empty), the link, the mention: nothing more, nothing less
	assert blocks == [
		"#### " + blocks[0][5:],
		*([line] if line else []),
		*([field] if field else []),
		*blocks[-2:],
	]
	assert not MARKUP & set(blocks[0][5:])
	assert blocks[-2].startswith("[") and blocks[-2].endswith("](" + URL + ")")
	assert not MARKUP & set(blocks[-2][1 : -len("](" + URL + ")")])
	assert text.count("[") == 1 and text.count("](") == 1 and text.count("@") == 1
	assert blocks[-1] == "@13800001111"
	assert text.count("**") == (2 if label else 0)


@settings(max_examples=150)
@given(title=HOSTILE, line=HOSTILE, label=HOSTILE, value=HOSTILE, button=HOSTILE)
def test_hostile_values_cannot_change_wecom_markdown(title, line, label, value, button):
	msg = hostile_message(title, line, label, value, button)
	if not plain_text(msg.title) or not plain_text(msg.button):
		return
	content = payloads.wecom_markdown(msg, Mentions(user_ids=["zhangsan"]))["markdown"]["content"]
	rows = content.split("\n")
	label, value, line = (escape_markdown(x, "wecom") for x in (label, value, line))
	field = f"**{label}**: {value}" if label else value
	assert rows == [rows[0], *([line] if line else []), *([field] if field else []), *rows[-2:]]
	assert rows[0].startswith("### ") and not MARKUP & set(rows[0][4:])
	assert content.count("<") == 1 and content.count(">") == 1 and rows[-1] == "<@zhangsan>"
	assert content.count("[") == 1 and content.count("](") == 1 and rows[-2].endswith("](" + URL + ")")
	assert content.count("**") == (2 if label else 0) and content.count("#") == 3
	assert utf8_len(content) <= 4096


@settings(max_examples=150)
@given(title=HOSTILE, line=HOSTILE, label=HOSTILE, value=HOSTILE, button=HOSTILE)
def test_hostile_values_stay_inside_the_feishu_text_fields(title, line, label, value, button):
	msg = hostile_message(title, line, label, value, button)
	if not plain_text(msg.title) or not plain_text(msg.button):
		return
	payload = payloads.feishu_card(msg, Mentions(user_ids=["ou_1"]))
	decoded = json.loads(payloads.encode_body(payload))
	assert decoded == payload
	card = decoded["card"]
	assert set(decoded) == {"msg_type", "card"} and set(card) == {"config", "header", "elements"}
	assert card["header"]["title"] == {"tag": "plain_text", "content": cut_chars(plain_text(msg.title), 100)}
	markdown, action = card["elements"]
	assert set(markdown) == {"tag", "content"} and markdown["tag"] == "markdown"
	content = markdown["content"]
	label, value, line = (escape_markdown(x, "feishu") for x in (label, value, line))
	field = f"**{label}**: {value}" if label else value
	assert content == "\n".join([*([line] if line else []), *([field] if field else []), "<at id=ou_1></at>"])
	assert action["actions"] == [
		{
			"tag": "button",
			"text": {"tag": "plain_text", "content": cut_chars(plain_text(msg.button), 40)},
			"type": "primary",
			"url": URL,
		}
	]
	assert payloads.body_size(payload) <= 20 * 1024 - 100


@settings(max_examples=40)
@given(lines=st.lists(HOSTILE, max_size=200), vendor=st.sampled_from(["dingtalk", "wecom", "feishu"]))
def test_any_volume_of_hostile_lines_fits_the_limit(lines, vendor):
	payload = payloads.build(vendor, message(lines=[line * 30 for line in lines]), None)
	if vendor == "dingtalk":
		assert utf8_len(payload["markdown"]["text"]) <= 5000
		assert payload["markdown"]["text"].endswith("[Open](" + URL + ")")
	elif vendor == "wecom":
		assert utf8_len(payload["markdown"]["content"]) <= 4096
		assert payload["markdown"]["content"].endswith("[Open](" + URL + ")")
	else:
		assert payloads.body_size(signing.feishu_signed_body(payload, "k", 1_700_000_000)) <= 20 * 1024
