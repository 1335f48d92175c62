"""The three vendors, their documented limits and the severities events carry.

Limits (what each vendor documents; where a vendor documents none we pick a cap and say so):

- DingTalk custom robot: 20 messages a minute per robot, more throttles the robot for 10 minutes
  ("每个机器人每分钟最多发送20条…如果超过20条, 会限流10分钟", DingTalk's 自定义机器人接入 page, quoted at
  https://juejin.cn/post/7129698690297495583). DingTalk documents no byte limit for a robot's markdown; we
  keep its chat-message limits (error 34016: markdown 5000, title 64, single_title 20, single_url 500; DingTalk
  global error codes, quoted at https://blog.csdn.net/weixin_40514790/article/details/104249446) and count
  the markdown in UTF-8 bytes, the stricter reading.
- WeCom group robot: 20 messages a minute; markdown ``content`` at most 4096 bytes of UTF-8 (WeCom
  "群机器人配置说明", https://developer.work.weixin.qq.com/document/path/91770; a longer one is refused with
  errcode 40058 "markdown.content exceed max length 4096").
- Feishu custom bot: 100 requests a minute and 5 a second per bot; the request body at most 20 KB
  (自定义机器人使用指南, https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN). Feishu
  documents no title length; a card header shows at most 4 lines, we cap the title at 100 characters.

Severities, most severe first: critical, high, medium, low, info. An unknown severity ranks after info.
"""

DINGTALK = "dingtalk"
WECOM = "wecom"
FEISHU = "feishu"
VENDORS = (DINGTALK, WECOM, FEISHU)

SEVERITIES = ("critical", "high", "medium", "low", "info")

# Messages a minute per robot, as documented (the rate rule's default of 20 fits all three).
RATE_PER_MINUTE = {DINGTALK: 20, WECOM: 20, FEISHU: 100}

DINGTALK_TITLE_MAX_CHARS = 64
DINGTALK_TEXT_MAX_BYTES = 5000
DINGTALK_BUTTON_MAX_CHARS = 20
DINGTALK_URL_MAX_CHARS = 500
WECOM_MARKDOWN_MAX_BYTES = 4096
WECOM_TITLE_MAX_CHARS = 128  # our cap: WeCom's title is a line of the markdown content
FEISHU_BODY_MAX_BYTES = 20 * 1024
FEISHU_TITLE_MAX_CHARS = 100  # our cap
FEISHU_BUTTON_MAX_CHARS = 40  # our cap
# Room kept in a Feishu body for the "timestamp" and "sign" fields added when it is signed.
FEISHU_SIGNATURE_RESERVE_BYTES = 100

# Feishu card header colours per severity (the card "template" enumeration: blue, wathet, turquoise, green,
# yellow, orange, red, carmine, violet, purple, indigo, grey, default).
FEISHU_TEMPLATES = {"critical": "red", "high": "orange", "medium": "yellow", "low": "blue", "info": "grey"}


def check_vendor(vendor: str) -> str:
	"""`vendor` if it is one of VENDORS, else ValueError."""
	if vendor not in VENDORS:
		raise ValueError(f"Unknown push vendor {vendor!r}; expected one of {', '.join(VENDORS)}")
	return vendor


def severity_rank(severity: str | None) -> int:
	"""0 for critical ... 4 for info; 5 for anything else (None, unknown)."""
	try:
		return SEVERITIES.index(severity)  # type: ignore[arg-type]
	except ValueError:
		return len(SEVERITIES)
