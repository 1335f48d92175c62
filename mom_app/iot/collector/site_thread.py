"""A worker thread with its own Frappe context and database connection to the site."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import frappe


class SiteThread:
	"""A single worker thread with its own Frappe context connected to the site."""

	def __init__(self, site: str, sites_path: str, name: str):
		self.site, self.sites_path = site, sites_path
		self.executor = ThreadPoolExecutor(1, thread_name_prefix=name, initializer=self._init)

	def _init(self):
		frappe.init(site=self.site, sites_path=self.sites_path)

	def _call(self, fn, *args):
		if not getattr(frappe.local, "db", None):
			frappe.connect()
		try:
			return fn(*args)
		except Exception:
			drop_connection()
			raise

	async def run(self, fn: Callable, *args):
		return await asyncio.get_running_loop().run_in_executor(self.executor, self._call, fn, *args)

	def close(self):
		def destroy():
			with contextlib.suppress(Exception):
				frappe.destroy()

		with contextlib.suppress(RuntimeError):
			self.executor.submit(destroy).result(timeout=10)
		self.executor.shutdown(wait=True)


def drop_connection():
	"""Forget this thread's database connection (it may be broken); the next call connects again."""
	db = getattr(frappe.local, "db", None)
	if db is not None:
		with contextlib.suppress(Exception):
			db.rollback()
		with contextlib.suppress(Exception):
			db.close()
		frappe.local.db = None
