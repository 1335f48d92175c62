"""What the demo plant is made of: plain data, no Frappe calls.

A small gear-motor plant near Suzhou. Names of things (items, warehouses, machines, people) are demo DATA in
Chinese; they are not messages and are not translated. Each record carries the stable key the builder looks
it up by before creating it (a name, an item code, a badge barcode, an e-mail address).
"""

COMPANY = {
	"company_name": "苏州精工示范工厂",
	"abbr": "JG",
	"country": "China",
	"currency": "CNY",
	"timezone": "Asia/Shanghai",
	"language_code": "zh",
	"chart_of_accounts": "Standard",
	"tagline": "减速电机示范工厂",
}

# Warehouse Types (ERPNext's own doctype; its name is the type). key -> name
WAREHOUSE_TYPES = {
	"raw": ("原材料仓", "采购入库的原材料与外购件"),
	"line_side": ("线边仓", "靠近工位的线边物料，供工位领用"),
	"quarantine": ("隔离仓", "待检、可疑或不合格物料，质量放行前不得使用"),
	"finished": ("成品仓", "检验合格、待发货的成品"),
}

# Warehouses of the demo company (ERPNext appends " - <abbr>"). key -> (warehouse_name, type key)
WAREHOUSES = {
	"main": ("原材料仓", "raw"),
	"line_machining": ("机加工线边仓", "line_side"),
	"line_assembly": ("装配线边仓", "line_side"),
	"quarantine": ("隔离仓", "quarantine"),
	"finished": ("成品仓", "finished"),
}

# Production lines = Plant Floors; each has its line-side warehouse.
PLANT_FLOORS = {
	"machining": ("机加工车间", "line_machining"),
	"assembly": ("装配车间", "line_assembly"),
}

ITEM_GROUPS = {
	"raw": "原材料",
	"sub": "半成品",
	"finished": "成品",
}

# item_code: (item_name, group key, English UOM name, valuation rate (CNY), default warehouse key, description)
ITEMS = {
	"RM-BAR-45": ("45#圆钢 Φ35", "raw", "Kg", 6.8, "main", "45号碳素结构钢圆棒料，直径35mm，用于输出轴"),
	"RM-ALU-BLANK": ("铝合金壳体毛坯 ADC12", "raw", "Nos", 48.0, "main", "压铸铝合金减速箱壳体毛坯"),
	"RM-BRG-6204": ("深沟球轴承 6204-2RS", "raw", "Nos", 9.5, "main", "20x47x14mm 双面密封"),
	"RM-SCR-M6X20": ("内六角螺钉 M6×20", "raw", "Nos", 0.12, "main", "GB/T 70.1 8.8级 镀锌"),
	"RM-MOTOR-075": ("三相异步电机 0.75kW", "raw", "Nos", 420.0, "main", "YE3-80M2-4 380V 50Hz"),
	"SA-SHAFT": ("输出轴（机加工）", "sub", "Nos", 0, "line_assembly", "精车后的减速器输出轴"),
	"SA-HOUSING": ("减速箱壳体（机加工）", "sub", "Nos", 0, "line_assembly", "铣面、钻孔、攻丝后的壳体"),
	"FG-GM-075": (
		"减速电机 0.75kW i=20",
		"finished",
		"Nos",
		0,
		"finished",
		"斜齿轮减速电机，减速比20，输出转速70rpm",
	),
}

# Batch numbers look like RM-BAR-45-261124-001: item code, date, sequence.
BATCH_SERIES = "{item_code}-.YY.MM.DD.-.###"

WORKSTATION_TYPES = {
	# name: (labour, electricity, consumable, rent per hour in CNY, description)
	"数控车床": (45, 12, 8, 20, "数控车削加工"),
	"加工中心": (50, 18, 12, 30, "立式加工中心，铣削、钻孔、攻丝"),
	"装配线": (40, 5, 5, 15, "减速电机手工装配线"),
	"质检室": (55, 3, 4, 10, "尺寸与性能检验"),
}

DAY_SHIFT = [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")]
TWO_SHIFTS = [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"), ("18:00:00", "22:00:00")]

# name: (type, plant floor key or None, line-side warehouse key or None, working hours, description)
WORKSTATIONS = {
	"CNC-01": ("数控车床", "machining", "line_machining", TWO_SHIFTS, "数控车床 CK6150 一号机"),
	"CNC-02": ("数控车床", "machining", "line_machining", TWO_SHIFTS, "数控车床 CK6150 二号机"),
	"CNC-03": ("加工中心", "machining", "line_machining", TWO_SHIFTS, "立式加工中心 VMC850 一号机"),
	"CNC-04": ("加工中心", "machining", "line_machining", TWO_SHIFTS, "立式加工中心 VMC850 二号机"),
	"ASM-01": ("装配线", "assembly", "line_assembly", DAY_SHIFT, "减速电机装配线"),
	"QC-LAB": ("质检室", "assembly", None, DAY_SHIFT, "质检室：三坐标、噪声与温升测试台"),
}

# Operation name: (default workstation, description)
OPERATIONS = {
	"粗车": ("CNC-01", "输出轴粗车外圆、端面"),
	"精车": ("CNC-02", "输出轴精车轴承位、键槽定位"),
	"铣削": ("CNC-03", "壳体铣结合面与轴承孔"),
	"钻孔攻丝": ("CNC-04", "壳体钻孔、攻M6螺纹"),
	"总装": ("ASM-01", "装轴承、输出轴、电机并紧固"),
	"出厂检验": ("QC-LAB", "空载试运行、噪声与温升检验"),
}

# Routing name: [(operation, minutes)]; workstation is the operation's default workstation.
ROUTINGS = {
	"输出轴加工路线": [("粗车", 8), ("精车", 12)],
	"壳体加工路线": [("铣削", 18), ("钻孔攻丝", 10)],
	"减速电机总装路线": [("总装", 25), ("出厂检验", 8)],
}

# Item produced: (routing, [(item_code, qty per unit)]). Sub-assemblies first: the gear motor uses their BOMs.
BOMS = {
	"SA-SHAFT": ("输出轴加工路线", [("RM-BAR-45", 0.85)]),
	"SA-HOUSING": ("壳体加工路线", [("RM-ALU-BLANK", 1)]),
	"FG-GM-075": (
		"减速电机总装路线",
		[("SA-SHAFT", 1), ("SA-HOUSING", 1), ("RM-BRG-6204", 2), ("RM-SCR-M6X20", 8), ("RM-MOTOR-075", 1)],
	),
}

DESIGNATIONS = ("操作工", "质检员", "设备维修工", "仓库管理员", "生产主管", "制造经理")

# Every demo user signs in with this password (a demo site only; change it on anything else).
DEMO_PASSWORD = "MomDemo@2026"
EMAIL_DOMAIN = "jingong.example.com"

# badge: (name, gender, date of birth, date of joining, designation, login (e-mail local part) or None, MOM role)
EMPLOYEES = {
	"JG-E0001": ("张伟", "Male", "1992-03-14", "2018-07-01", "操作工", "operator", "MOM Operator"),
	"JG-E0002": ("李娜", "Female", "1990-11-02", "2017-03-15", "质检员", "inspector", "Quality Inspector"),
	"JG-E0003": (
		"王强",
		"Male",
		"1986-06-21",
		"2015-09-01",
		"设备维修工",
		"technician",
		"Maintenance Technician",
	),
	"JG-E0004": ("刘洋", "Male", "1994-01-30", "2019-04-08", "仓库管理员", "storekeeper", "Storekeeper"),
	"JG-E0005": (
		"陈静",
		"Female",
		"1985-08-09",
		"2014-02-17",
		"生产主管",
		"supervisor",
		"Production Supervisor",
	),
	"JG-E0006": ("赵磊", "Male", "1982-12-05", "2012-05-20", "制造经理", "manager", "MOM Manager"),
	"JG-E0007": ("孙丽", "Female", "1996-04-18", "2021-08-02", "操作工", None, None),
	"JG-E0008": ("周杰", "Male", "1995-09-27", "2020-10-12", "操作工", None, None),
}


def user_email(login: str) -> str:
	return f"{login}@{EMAIL_DOMAIN}"


def demo_users() -> list[tuple[str, str, str]]:
	"""(e-mail, full name, MOM role) of every demo login."""
	return [
		(user_email(login), name, role)
		for name, _gender, _dob, _doj, _designation, login, role in EMPLOYEES.values()
		if login
	]
