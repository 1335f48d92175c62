"""Pushing MOM events (andon, quality holds, SPC alarms, maintenance orders, devices offline) to group robots:
DingTalk, WeCom (企业微信) and Feishu / Lark. Pure: plain data in, payloads and decisions out; the adapter does
the HTTP, stores send times and translates every text before it gets here.

Modules (each documents its API, the vendor's rules and where they are documented):

- `vendors`: the vendor names, their documented limits, severities and their order.
- `signing`: DingTalk's URL signature, Feishu's body signature, WeCom's key URL; `prepare(vendor, webhook,
  payload, secret, now) -> (url, body)`.
- `escaping`: `escape_markdown(text, vendor)` for every value put into markdown, `plain_text(text)` for
  plain-text slots, cutting to a limit with a marker.
- `payloads`: `Message`, `Mentions`; DingTalk markdown and ActionCard, WeCom markdown, Feishu interactive card;
  `build(vendor, message, mentions)`.
- `answers`: `classify(vendor, status, body, ...)` -> OK / RETRY / EXPIRED_SIGNATURE / FAILED with the vendor's
  code and message.
- `rate`: at most N messages a minute per channel, a burst folded into one digest (most severe first), retry
  times.

Import the module you need: `from mom_app.engine.push import payloads, signing`.
"""

from mom_app.engine.push import answers, escaping, payloads, rate, signing, vendors

__all__ = ["answers", "escaping", "payloads", "rate", "signing", "vendors"]
