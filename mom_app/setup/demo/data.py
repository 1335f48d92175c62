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


# --- plant maintenance (demo step "maintenance_history") ----------------------------------------------
# Every workstation is a machine: an ERPNext Asset (an existing asset, no depreciation) set as its
# Machine Asset. key -> (asset category name, asset item code, asset item name)
ASSET_CATEGORIES = {
	"cnc": ("数控加工设备", "EQ-CNC", "数控加工设备"),
	"assembly": ("装配与检测设备", "EQ-ASSEMBLY", "装配与检测设备"),
}
ASSET_ITEM_GROUP = "生产设备"
# workstation: (asset category key, purchase date, purchase amount in CNY); the asset is named after the
# workstation's description, its location is the workstation's production line
MACHINE_ASSETS = {
	"CNC-01": ("cnc", "2019-05-20", 268000),
	"CNC-02": ("cnc", "2019-05-20", 268000),
	"CNC-03": ("cnc", "2021-03-15", 415000),
	"CNC-04": ("cnc", "2021-03-15", 398000),
	"ASM-01": ("assembly", "2018-09-01", 156000),
	"QC-LAB": ("assembly", "2022-07-11", 320000),
}
# the store spare parts are issued from (Maintenance Settings ▸ Maintenance Store)
MAINTENANCE_STORE = "设备备件仓"

# name: (asset category key, minutes, description, [(instruction, kind, mandatory, low, high, unit)])
CHECKLISTS = {
	"数控机床月度保养": (
		"cnc",
		90,
		"数控机床每月例行保养",
		[
			("检查导轨润滑油位，不足时补加", "Pass/Fail", 1, None, None, None),
			("测量主轴空运转30分钟温升", "Number", 1, "0", "15", "K"),
			("测量液压系统压力", "Number", 1, "3.5", "4.5", "MPa"),
			("测量切削液浓度", "Number", 0, "5", "8", "%"),
			("清理排屑器和防护罩内的铁屑", "Pass/Fail", 1, None, None, None),
			("记录发现的其他问题", "Text", 0, None, None, None),
		],
	),
	"运行500小时保养": (
		"cnc",
		120,
		"数控车床每运行500小时的保养",
		[
			("更换主轴润滑油滤芯", "Pass/Fail", 1, None, None, None),
			("测量X轴反向间隙", "Number", 1, "0", "0.010", "mm"),
			("检查刀塔定位精度", "Pass/Fail", 1, None, None, None),
			("备注", "Text", 0, None, None, None),
		],
	),
	"加工中心季度保养": (
		"cnc",
		150,
		"加工中心每季度或每2500次加工循环的保养",
		[
			("检查刀库换刀动作是否顺畅", "Pass/Fail", 1, None, None, None),
			("测量主轴拉刀力", "Number", 1, "8", "12", "kN"),
			("清洗切削液箱并更换切削液", "Pass/Fail", 1, None, None, None),
			("备注", "Text", 0, None, None, None),
		],
	),
	"主轴温度异常点检": (
		"cnc",
		45,
		"主轴温度超限报警后的点检",
		[
			("确认主轴冷却机运行正常", "Pass/Fail", 1, None, None, None),
			("测量主轴前轴承部位温度", "Number", 1, "0", "60", "°C"),
			("检查主轴润滑油路是否通畅", "Pass/Fail", 1, None, None, None),
			("记录处理措施", "Text", 1, None, None, None),
		],
	),
}

# Asset Meters fed by the machines' IoT tags. workstation: (meter name, meter type, unit, tag, total at setup)
METERS = {
	"CNC-01": ("运行小时", "Run Hours", "h", "run_hours", 12480.0),
	"CNC-03": ("加工循环", "Cycles", "次", "cycles", 186400.0),
}

# Maintenance Plans. Dates and meter starts are set from the demo month when a plan is created:
# start_in_days - days after the month's first day (calendar plans); done_units_ago - the last service was
# this many meter units before the meter's total.
PLANS = {
	"数控机床月度保养": {
		"applies_to": "Asset Category",
		"category": "cnc",
		"trigger_type": "Calendar",
		"every": 1,
		"every_unit": "Month",
		"schedule": "Fixed",
		"start_in_days": 16,
		"lead_days": 3,
		"checklist": "数控机床月度保养",
		"estimated_hours": 2,
		"description": "四台数控机床每月例行保养：润滑、液压、切削液、清理铁屑",
	},
	"CK6150 一号机 500运行小时保养": {
		"applies_to": "Asset",
		"workstation": "CNC-01",
		"trigger_type": "Meter",
		"meter_type": "Run Hours",
		"meter_name": "运行小时",
		"meter_every": 500,
		"lead_units": 25,
		"done_units_ago": 430,
		"checklist": "运行500小时保养",
		"estimated_hours": 3,
		"description": "数控车床一号机每运行500小时更换润滑滤芯、检查反向间隙",
	},
	"VMC850 一号机 季度或2500次循环保养": {
		"applies_to": "Asset",
		"workstation": "CNC-03",
		"trigger_type": "Calendar or Meter",
		"every": 3,
		"every_unit": "Month",
		"schedule": "Floating",
		"start_in_days": 75,
		"lead_days": 5,
		"meter_type": "Cycles",
		"meter_name": "加工循环",
		"meter_every": 2500,
		"lead_units": 100,
		"done_units_ago": 1800,
		"checklist": "加工中心季度保养",
		"estimated_hours": 4,
		"description": "加工中心一号机每季度或每2500次加工循环保养，先到者为准",
	},
}
# The monthly plan's occurrence of the demo month: per machine (days after the due date, start, minutes,
# final state); the order opened by the plan's scan `lead_days` before the due date.
PM_DONE = {
	"CNC-01": (-1, "16:00", 105, "Verified"),
	"CNC-02": (0, "16:00", 120, "Verified"),
	"CNC-03": (0, "13:00", 150, "Verified"),
	"CNC-04": (2, "16:00", 110, "Completed"),
}
# checklist values of a done monthly service, by step
PM_VALUES = ("Pass", "9.5", "4.0", "6.5", "Pass", "导轨防护罩刮屑板磨损，已列入下月备件计划")
PM_WORK_DONE = "按月度保养清单完成保养"
PM_COST = 80  # lubricants and filters (CNY)

# Repairs of the demo month before the machine-history week (operators' andon calls and requests), key ->
# (workstation, day of the month (0 = its first day), "HH:MM" reported, source, priority, minutes to
# acknowledge, minutes to start the repair, minutes back in service after reporting, other cost (CNY),
# description, failure mode, failure mechanism, failure cause, detection method, remedy action, work done)
REPAIRS = {
	"demo-repair-01": (
		"CNC-01", 3, "09:20", "Terminal andon", "High", 8, 15, 110, 0,
		"刀塔换刀不到位，报警停机", "Spurious Stop", "Sticking", "Expected Wear and Tear",
		"Production Interference", "Repair", "拆检刀塔定位销，清洁并更换磨损的定位销，试换刀20次正常",
	),
	"demo-repair-02": (
		"CNC-04", 7, "14:05", "Request", "Medium", 25, 40, 240, 680,
		"主轴异响，振动明显", "Vibration", "Wear", "Expected Wear and Tear",
		"Casual Observation", "Replacement", "更换主轴前端轴承两只，动平衡校正后试切正常",
	),
	"demo-repair-03": (
		"ASM-01", 10, "10:40", "Terminal andon", "High", 5, 12, 50, 120,
		"拧紧枪扭矩不稳，超差报警", "Erratic Output", "Out of Adjustment", "Operating Error",
		"Production Interference", "Adjustment", "重新标定拧紧枪扭矩，更换磨损的套筒",
	),
	"demo-repair-04": (
		"CNC-03", 14, "20:15", "Terminal andon", "High", 10, 20, 85, 260,
		"液压站油温高报警", "Overheating", "Overheating", "Maintenance Error",
		"Continuous Condition Monitoring", "Repair", "清洗液压油冷却器，补充液压油至标准油位",
	),
	"demo-repair-05": (
		"CNC-02", 20, "08:35", "Request", "Medium", 15, 30, 150, 430,
		"X轴伺服过载报警，无法回零", "Fail to Start on Demand", "Control Failure", "Expected Wear and Tear",
		"Production Interference", "Replacement", "更换X轴伺服电机编码器电缆，回零及定位精度复查合格",
	),
}  # fmt: skip

# Breakdowns of the machine-history week (Down intervals of the state log): what the technician found, by
# the alarm code the machine raised (the simulator's codes), else the default (None).
# alarm: (failure mode, failure mechanism, failure cause, remedy action, work done)
BREAKDOWN_FINDINGS = {
	101: ("Spurious Stop", "Control Failure", "Expected Wear and Tear", "Repair", "主轴驱动器报警101：清洁驱动器散热风扇，复位后运行正常"),
	205: ("Low Output", "Leakage", "Expected Wear and Tear", "Replacement", "液压压力低报警205：更换液压管接头密封圈，补油"),
	317: ("Spurious Stop", "Faulty Signal / Indication / Alarm", "Installation Error", "Repair", "X轴伺服报警317：紧固编码器插头，重新校准零点"),
	422: ("Fail to Start on Demand", "Blockage / Plugged", "Maintenance Error", "Servicing", "润滑压力低报警422：清洗润滑泵滤网，疏通油路"),
	510: ("Spurious Stop", "No Signal / Indication / Alarm", "Expected Wear and Tear", "Replacement", "拧紧枪通讯中断510：更换拧紧枪通讯电缆"),
	520: ("Breakdown with Damage", "Overheating", "Off-Design Service", "Replacement", "输送线电机过载520：更换损坏的输送线减速电机"),
	None: ("Spurious Stop", "Unknown", "Unknown", "Check", "设备停机：检查后复位，试运行正常"),
}  # fmt: skip

# A Condition Rule on the drifting spindle temperature CNC-02's controller sends (its IoT tag "process"):
# above the high limit for the on-delay opens an order; it clears below high limit - deadband.
CONDITION_RULES = {
	"CNC-02 主轴温度过高": {
		"workstation": "CNC-02",
		"tag": "process",
		"condition": "Above",
		"high_limit": 54.5,
		"deadband": 1.0,
		"on_delay_seconds": 30,
		"order_type": "Condition-based",
		"priority": "High",
		"checklist": "主轴温度异常点检",
		"description": "数控车床二号机主轴温度持续高于54.5°C时开点检工单，低于53.5°C解除",
	},
}
