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


def one_site(context) -> str:
	if not context.sites:
		raise SiteNotSpecifiedError
	if len(context.sites) > 1:
		from frappe import _

		raise click.UsageError(_("One site at a time: run one process per site."))
	return context.sites[0]


@click.command("mom-collector")
@click.option(
	"--shard", default="0/1", show_default=True, help="Collect only the devices of shard i of n (i/n)."
)
@pass_context
def mom_collector(context, shard):
	"""Collect readings from the site's Modbus TCP and OPC UA devices until stopped (SIGTERM or Ctrl+C)."""
	import os

	import frappe
	from frappe import _

	from mom_app.iot.collector import parse_shard, run_collector

	site = one_site(context)
	try:
		parsed = parse_shard(shard)
	except ValueError:
		raise click.BadParameter(
			_("use i/n with 0 <= i < n, for example 0/2 (got {0})").format(shard), param_hint="--shard"
		)
	frappe.init(site=site)
	try:
		sites_path = os.path.abspath(frappe.local.sites_path)
		click.secho(
			_("MOM collector for {0}, shard {1}; log: {2}").format(
				site, shard, os.path.join(sites_path, site, "logs", "mom_collector.log")
			),
			bold=True,
		)
	finally:
		frappe.destroy()
	counts = run_collector(site, sites_path, parsed)
	click.echo(
		_("Collector stopped: {0} readings collected, {1} stored by this process.").format(
			counts["produced"], counts["stored"]
		)
	)


@click.command("mom-simulate")
@click.option(
	"--modbus-port", default=5020, show_default=True, type=int, help="Modbus TCP port of CNC-01..04."
)
@click.option("--opcua-port", default=4840, show_default=True, type=int, help="OPC UA port of ASM-01.")
@click.option(
	"--duration", type=float, default=None, help="Stop after this many seconds (default: run until stopped)."
)
@click.option(
	"--speed", type=float, default=1.0, show_default=True, help="Run the machines this many times faster."
)
@click.option(
	"--secure",
	is_flag=True,
	help="OPC UA with Basic256Sha256 SignAndEncrypt only (certificates are generated).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the servers listen on.")
@pass_context
def mom_simulate(context, modbus_port, opcua_port, duration, speed, secure, host):
	"""Simulate the demo plant's machines (CNC-01..04 over Modbus TCP, ASM-01 over OPC UA) and configure
	their IoT Devices."""
	import frappe

	from mom_app.iot.simulator import run_simulator

	site = one_site(context)
	if speed <= 0:
		from frappe import _

		raise click.BadParameter(_("must be more than 0"), param_hint="--speed")
	frappe.init(site=site)
	try:
		frappe.connect()
		frappe.set_user_lang("Administrator")
		run_simulator(host, modbus_port, opcua_port, duration, speed, secure, echo=click.echo)
	finally:
		frappe.destroy()


@click.command("mom-genealogy-rebuild")
@pass_context
def mom_genealogy_rebuild(context):
	"""Rebuild the lot genealogy (Genealogy Edge) from every submitted Purchase Receipt, Manufacture or
	Repack Stock Entry and Delivery Note; the result equals what capture on submit writes."""
	import frappe
	from frappe import _

	from mom_app.stock_ext.capture import rebuild, submitted_vouchers

	site = one_site(context)
	frappe.init(site=site)
	try:
		frappe.connect()
		frappe.set_user_lang("Administrator")
		started = time.monotonic()
		vouchers = submitted_vouchers()
		with click.progressbar(length=len(vouchers), label=_("Vouchers"), show_pos=True) as bar:
			counts = rebuild(progress=lambda done, total: bar.update(done - bar.pos), vouchers=vouchers)
		click.secho(
			_("Lot genealogy rebuilt on {0}: {1} vouchers, {2} edges in {3} s.").format(
				site, counts["vouchers"], counts["edges"], round(time.monotonic() - started, 1)
			),
			fg="green",
		)
	finally:
		frappe.destroy()


@click.command("mom-iot-rebuild-aggregates")
@click.option("--device", default=None, help="Only this IoT Device (default: every device).")
@click.option("--from", "start", default=None, help="From this time (site time zone, e.g. 2024-03-01 08:00).")
@click.option("--to", "end", default=None, help="Until this time (default: a day from now).")
@pass_context
def mom_iot_rebuild_aggregates(context, device, start, end):
	"""Recompute the IoT minute aggregates exactly from the raw readings (to repair them). Minutes older than
	the raw readings kept (IoT Settings) are left as they are: their readings may be gone."""
	import frappe
	from frappe import _

	from mom_app.iot.minute_aggregates import rebuild, rebuild_window

	site = one_site(context)
	frappe.init(site=site)
	try:
		frappe.connect()
		frappe.set_user_lang("Administrator")
		if device and not frappe.db.exists("IoT Device", device):
			raise click.BadParameter(_("There is no IoT Device {0}.").format(device), param_hint="--device")
		try:
			window = rebuild_window(start, end)
		except (ValueError, frappe.ValidationError):
			raise click.BadParameter(
				_("use a date and time such as 2024-03-01 08:00"), param_hint="--from/--to"
			)
		click.echo(_("Minute aggregates from {0} to {1}").format(*window))
		started = time.monotonic()
		with click.progressbar(length=1, label=_("Series and days"), show_pos=True) as bar:

			def progress(done, total):
				bar.length = total
				bar.update(done - bar.pos)

			counts = rebuild(device=device, start=start, end=end, progress=progress)
		click.secho(
			_("Rebuilt {0} minutes of {1} series on {2} in {3} s.").format(
				counts["minutes"], counts["series"], site, round(time.monotonic() - started, 1)
			),
			fg="green",
		)
	finally:
		frappe.destroy()


commands = [mom_demo, mom_collector, mom_simulate, mom_genealogy_rebuild, mom_iot_rebuild_aggregates]
