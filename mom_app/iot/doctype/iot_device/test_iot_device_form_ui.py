"""The IoT Device form in Chinese in a real browser: the latest value of each tag with its age, and Test
Connection against a real Modbus TCP server, a port where nothing listens and a webhook device."""

import time

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.iot.sim.servers import (
	free_port,
	modbus_device,
	set_values,
	start_modbus_server,
	stop_modbus_server,
)
from mom_app.iot.storage import store_readings
from mom_app.iot.testing import LoopThread
from mom_app.tests.browser import Session, browser, served_site
from mom_app.tests.utils import STATE_MAP, drop_iot_device, make_iot_device, make_user

PASSWORD = "Mom-Test-Pass-2026!"
LIVE, CLOSED, HOOK = "MOM-T-UI-LIVE", "MOM-T-UI-CLOSED", "MOM-T-UI-HOOK2"


def modbus_tag(key, address, **values):
	return {
		"tag_key": key,
		"signal_role": "Process Parameter",
		"register_type": "Holding Register",
		"address": address,
		"data_type": "uint16",
		**values,
	}


class TestIoTDeviceFormInChinese(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user(
			"MOM Manager", "iot-form-manager@mom-test.example", language="zh", password=PASSWORD
		)
		cls.inspector = make_user(
			"Quality Inspector", "iot-form-inspector@mom-test.example", language="zh", password=PASSWORD
		)
		cls.loop = LoopThread("mom-test-iot-form")
		cls.port = free_port()
		cls.server = cls.loop.call(start_modbus_server([modbus_device(1, holding=20)], port=cls.port))
		cls.loop.call(set_values(cls.server, 1, "Holding Register", 0, [4321, 0, 4]))
		make_iot_device(
			LIVE,
			"Modbus TCP",
			[
				modbus_tag("spindle_speed", "0", unit="rpm"),
				modbus_tag("coolant_temp", "1", unit="°C"),
				modbus_tag("door", "900"),
				modbus_tag("state", "2", signal_role="Machine State", state_map=STATE_MAP),
			],
			port=cls.port,
		)
		make_iot_device(CLOSED, "Modbus TCP", [modbus_tag("spindle_speed", "0")], port=free_port())
		make_iot_device(HOOK, tags=[{"tag_key": "temp", "signal_role": "Process Parameter"}])
		now = time.time()
		store_readings(
			[
				{"uid": f"{LIVE}:t:1", "device": LIVE, "tag": "spindle_speed", "ts": now - 20, "value": 4300},
				{
					"uid": f"{LIVE}:t:2",
					"device": LIVE,
					"tag": "coolant_temp",
					"ts": now - 7200,
					"value": 21.5,
				},
				{"uid": f"{LIVE}:t:3", "device": LIVE, "tag": "state", "ts": now - 10, "value": 1},
				{"uid": f"{HOOK}:gw-7:0", "device": HOOK, "tag": "temp", "ts": now - 30, "value": 36.6},
			]
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		for name in (LIVE, CLOSED, HOOK):
			drop_iot_device(name)
		frappe.db.commit()
		cls.loop.call(stop_modbus_server(cls.server))
		cls.loop.close()
		super().tearDownClass()

	def open(self, session, device):
		session.open(f"/app/iot-device/{device}", ".mom-live-values, .mom-live-hidden")

	def click_test_connection(self, session) -> str:
		page = session.page
		page.locator(".page-actions button", has_text="测试连接").click()
		page.wait_for_selector(".modal.show .mom-test-result", timeout=30_000)
		return page.inner_text(".modal.show .mom-test-result")

	def test_manager_sees_latest_values_and_tests_the_connection(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.manager, PASSWORD)
			page = session.page
			try:
				page.set_viewport_size({"width": 1440, "height": 900})
				self.open(session, LIVE)
				rows = {
					row.get_attribute("data-tag"): row.inner_text()
					for row in page.locator(".mom-live-values tbody tr").all()
				}
				self.assertEqual(list(rows), ["spindle_speed", "coolant_temp", "door", "state"])
				self.assertIn("1 (运行中)", rows["state"])  # the state the value maps to, in Chinese
				self.assertIn("4300", rows["spindle_speed"])
				self.assertRegex(rows["spindle_speed"], r"\d+ 秒前")
				self.assertIn("21.5", rows["coolant_temp"])
				self.assertIn("2 小时 0 分钟前", rows["coolant_temp"])
				self.assertIn("尚未收到数据", rows["door"])
				self.assertIn("工艺参数", rows["door"])  # the signal role in Chinese
				session.screenshot("iot-device-latest-values-1440")

				text = self.click_test_connection(session)
				session.screenshot("iot-device-test-connection-1440")
				self.assertIn(f"已连接 127.0.0.1:{self.port}：读到 4 个标签中的 3 个。", text)
				tested = {
					row.get_attribute("data-tag"): row.inner_text()
					for row in page.locator(".modal.show .mom-test-tags tbody tr").all()
				}
				self.assertIn("4321", tested["spindle_speed"])
				self.assertIn("设备没有此地址", tested["door"])
				self.assertIn("4 (换型调机)", tested["state"])
				self.assertNotIn("Connected", text)
				page.keyboard.press("Escape")

				self.open(session, CLOSED)
				text = self.click_test_connection(session)
				self.assertIn("无人接受连接", text)
				self.assertIn("未连接", text)
				session.screenshot("iot-device-test-closed-port-1440")
				page.keyboard.press("Escape")

				self.open(session, HOOK)
				text = self.click_test_connection(session)
				self.assertIn("无需轮询", text)
				self.assertIn("最近一批 gw-7", text)
				self.assertIn("36.6", text)
				self.assertEqual(session.errors, [])
			finally:
				session.close()

	def test_phone_table_fits_and_reader_without_machine_data(self):
		with served_site() as base_url, browser() as b:
			session = Session(b, base_url, self.manager, PASSWORD)
			page = session.page
			try:
				page.set_viewport_size({"width": 390, "height": 844})
				self.open(session, LIVE)
				# headers stay on one line (the table scrolls inside its box instead)
				heights = page.eval_on_selector_all(
					".mom-live-values thead th",
					"(cells) => cells.map((c) => c.getBoundingClientRect().height)",
				)
				self.assertTrue(heights and max(heights) < 45, heights)
				session.screenshot("iot-device-latest-values-390")
				self.assertEqual(session.errors, [])
			finally:
				session.close()
			session = Session(b, base_url, self.inspector, PASSWORD)
			try:
				self.open(session, LIVE)
				self.assertIn("最新值仅对有权查看设备数据", session.page.inner_text(".mom-live-hidden"))
				self.assertEqual(session.page.locator(".page-actions button", has_text="测试连接").count(), 0)
				self.assertEqual(session.errors, [])
			finally:
				session.close()
