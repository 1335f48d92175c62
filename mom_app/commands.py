"""Bench commands of mom_app (Frappe finds them in this module's `commands` list)."""

import time
import unicodedata

import click
from frappe.commands import pass_context
from frappe.exceptions import SiteNotSpecifiedError


@click.command("mom-demo")
@pass_context
def mom_demo(context):
	"""Build a small demo plant (in Chinese) on the site; run it again to complete or check it."""
	import frappe
	from frappe import _
	from frappe.utils import get_url

	from mom_app.setup.demo import build, demo_users
	from mom_app.setup.demo.data import DEMO_PASSWORD

	if not context.sites:
		raise SiteNotSpecifiedError

	for site in context.sites:
		frappe.init(site=site)
		try:
			frappe.connect()
			frappe.set_user_lang("Administrator")
			click.secho(_("Building the MOM demo plant on {0}").format(site), bold=True)
			started = time.monotonic()
			created = build(verbose=True)
			seconds = time.monotonic() - started
			made = {doctype: n for doctype, n in created.items() if n}
			if not made:
				click.secho(_("The demo plant is already complete: nothing to do."), fg="green")
			else:
				click.secho(_("Created in {0} s:").format(round(seconds)), fg="green")
				for doctype, n in made.items():
					click.echo(f"  {pad(_(doctype), 24)} {n}")
			click.echo(_("Log in at {0} with one of these users:").format(get_url("/app/mom")))
			for email, name, role in demo_users():
				click.echo(f"  {pad(email, 36)} {pad(name, 8)} {_(role)}")
			click.echo(_("Password of every demo user: {0}").format(DEMO_PASSWORD))
		finally:
			frappe.destroy()


def pad(text: str, width: int) -> str:
	"""Left-align `text` in `width` terminal columns (Chinese characters take two)."""
	columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
	return text + " " * max(width - columns, 0)


commands = [mom_demo]
