"""The failure coding seeded on install: ISO 14224 failure modes, failure mechanisms, failure causes and
detection methods, and the remedy actions (ISO 14224 maintenance activities), as trees.

Data only. Record names are English and shown in the user's language (the doctypes are translated doctypes;
the Chinese is in mom_app/locale/zh.po): N_ marks them for the POT. `code` is the ISO 14224 code (failure
modes: the generic rotating-equipment codes of its Table B.15; mechanisms and causes: the numbering of
Tables B.2 and B.3). Names that ERPNext or Frappe already translate in another sense ("Breakdown",
"Service", "Test") are avoided, so these translations do not change theirs.

CODES = {doctype: (root, [(name, parent, is_group, code), ...])}, parents before their children.
"""

from mom_app.setup.labels import N_

FAILURE_MODES = (
	N_("All Failure Modes"),
	[
		(N_("Function Failures"), N_("All Failure Modes"), 1, ""),
		(N_("Breakdown with Damage"), N_("Function Failures"), 0, "BRD"),
		(N_("Fail to Start on Demand"), N_("Function Failures"), 0, "FTS"),
		(N_("Fail to Stop on Demand"), N_("Function Failures"), 0, "STP"),
		(N_("Spurious Stop"), N_("Function Failures"), 0, "UST"),
		(N_("Output Deviations"), N_("All Failure Modes"), 1, ""),
		(N_("High Output"), N_("Output Deviations"), 0, "HIO"),
		(N_("Low Output"), N_("Output Deviations"), 0, "LOO"),
		(N_("Erratic Output"), N_("Output Deviations"), 0, "ERO"),
		(N_("Parameter Deviation"), N_("Output Deviations"), 0, "PDE"),
		(N_("Abnormal Instrument Reading"), N_("Output Deviations"), 0, "AIR"),
		(N_("Leaks"), N_("All Failure Modes"), 1, ""),
		(N_("External Leakage - Process Medium"), N_("Leaks"), 0, "ELP"),
		(N_("External Leakage - Utility Medium"), N_("Leaks"), 0, "ELU"),
		(N_("Internal Leakage"), N_("Leaks"), 0, "INL"),
		(N_("Physical Symptoms"), N_("All Failure Modes"), 1, ""),
		(N_("Vibration"), N_("Physical Symptoms"), 0, "VIB"),
		(N_("Noise"), N_("Physical Symptoms"), 0, "NOI"),
		(N_("Overheating"), N_("Physical Symptoms"), 0, "OHE"),
		(N_("Structural Deficiency"), N_("Physical Symptoms"), 0, "STD"),
		(N_("Plugged / Choked"), N_("Physical Symptoms"), 0, "PLU"),
		(N_("Other Failure Modes"), N_("All Failure Modes"), 1, ""),
		(N_("Minor In-Service Problems"), N_("Other Failure Modes"), 0, "SER"),
		(N_("Other"), N_("Other Failure Modes"), 0, "OTH"),
		(N_("Unknown"), N_("Other Failure Modes"), 0, "UNK"),
	],
)

FAILURE_MECHANISMS = (
	N_("All Failure Mechanisms"),
	[
		(N_("Mechanical Failure"), N_("All Failure Mechanisms"), 1, "1.0"),
		(N_("Leakage"), N_("Mechanical Failure"), 0, "1.1"),
		(N_("Vibration"), N_("Mechanical Failure"), 0, "1.2"),
		(N_("Clearance / Alignment Failure"), N_("Mechanical Failure"), 0, "1.3"),
		(N_("Deformation"), N_("Mechanical Failure"), 0, "1.4"),
		(N_("Looseness"), N_("Mechanical Failure"), 0, "1.5"),
		(N_("Sticking"), N_("Mechanical Failure"), 0, "1.6"),
		(N_("Material Failure"), N_("All Failure Mechanisms"), 1, "2.0"),
		(N_("Cavitation"), N_("Material Failure"), 0, "2.1"),
		(N_("Corrosion"), N_("Material Failure"), 0, "2.2"),
		(N_("Erosion"), N_("Material Failure"), 0, "2.3"),
		(N_("Wear"), N_("Material Failure"), 0, "2.4"),
		(N_("Breakage"), N_("Material Failure"), 0, "2.5"),
		(N_("Fatigue"), N_("Material Failure"), 0, "2.6"),
		(N_("Overheating"), N_("Material Failure"), 0, "2.7"),
		(N_("Burst"), N_("Material Failure"), 0, "2.8"),
		(N_("Instrument Failure"), N_("All Failure Mechanisms"), 1, "3.0"),
		(N_("Control Failure"), N_("Instrument Failure"), 0, "3.1"),
		(N_("No Signal / Indication / Alarm"), N_("Instrument Failure"), 0, "3.2"),
		(N_("Faulty Signal / Indication / Alarm"), N_("Instrument Failure"), 0, "3.3"),
		(N_("Out of Adjustment"), N_("Instrument Failure"), 0, "3.4"),
		(N_("Software Failure"), N_("Instrument Failure"), 0, "3.5"),
		(N_("Common Cause / Mode Failure"), N_("Instrument Failure"), 0, "3.6"),
		(N_("Electrical Failure"), N_("All Failure Mechanisms"), 1, "4.0"),
		(N_("Short Circuiting"), N_("Electrical Failure"), 0, "4.1"),
		(N_("Open Circuit"), N_("Electrical Failure"), 0, "4.2"),
		(N_("No Power / Voltage"), N_("Electrical Failure"), 0, "4.3"),
		(N_("Faulty Power / Voltage"), N_("Electrical Failure"), 0, "4.4"),
		(N_("Earth / Isolation Fault"), N_("Electrical Failure"), 0, "4.5"),
		(N_("External Influence"), N_("All Failure Mechanisms"), 1, "5.0"),
		(N_("Blockage / Plugged"), N_("External Influence"), 0, "5.1"),
		(N_("Contamination"), N_("External Influence"), 0, "5.2"),
		(N_("Miscellaneous External Influences"), N_("External Influence"), 0, "5.3"),
		(N_("Miscellaneous Mechanisms"), N_("All Failure Mechanisms"), 1, "6.0"),
		(N_("No Cause Found"), N_("Miscellaneous Mechanisms"), 0, "6.1"),
		(N_("Combined Causes"), N_("Miscellaneous Mechanisms"), 0, "6.2"),
		(N_("Other"), N_("Miscellaneous Mechanisms"), 0, "6.3"),
		(N_("Unknown"), N_("Miscellaneous Mechanisms"), 0, "6.4"),
	],
)

FAILURE_CAUSES = (
	N_("All Failure Causes"),
	[
		(N_("Design-Related Causes"), N_("All Failure Causes"), 1, "1"),
		(N_("Improper Capacity"), N_("Design-Related Causes"), 0, "1.1"),
		(N_("Improper Material"), N_("Design-Related Causes"), 0, "1.2"),
		(N_("Fabrication / Installation Causes"), N_("All Failure Causes"), 1, "2"),
		(N_("Fabrication Error"), N_("Fabrication / Installation Causes"), 0, "2.1"),
		(N_("Installation Error"), N_("Fabrication / Installation Causes"), 0, "2.2"),
		(N_("Operation / Maintenance Causes"), N_("All Failure Causes"), 1, "3"),
		(N_("Off-Design Service"), N_("Operation / Maintenance Causes"), 0, "3.1"),
		(N_("Operating Error"), N_("Operation / Maintenance Causes"), 0, "3.2"),
		(N_("Maintenance Error"), N_("Operation / Maintenance Causes"), 0, "3.3"),
		(N_("Expected Wear and Tear"), N_("Operation / Maintenance Causes"), 0, "3.4"),
		(N_("Management Causes"), N_("All Failure Causes"), 1, "4"),
		(N_("Documentation Error"), N_("Management Causes"), 0, "4.1"),
		(N_("Management Error"), N_("Management Causes"), 0, "4.2"),
		(N_("Miscellaneous Causes"), N_("All Failure Causes"), 1, "5"),
		(N_("No Cause Found"), N_("Miscellaneous Causes"), 0, "5.1"),
		(N_("Common Cause"), N_("Miscellaneous Causes"), 0, "5.2"),
		(N_("Combined Causes"), N_("Miscellaneous Causes"), 0, "5.3"),
		(N_("Other"), N_("Miscellaneous Causes"), 0, "5.4"),
		(N_("Unknown"), N_("Miscellaneous Causes"), 0, "5.5"),
	],
)

DETECTION_METHODS = (
	N_("All Detection Methods"),
	[
		(N_("Planned Detection"), N_("All Detection Methods"), 1, ""),
		(N_("Periodic Maintenance"), N_("Planned Detection"), 0, ""),
		(N_("Functional Testing"), N_("Planned Detection"), 0, ""),
		(N_("Planned Inspection"), N_("Planned Detection"), 0, ""),
		(N_("Periodic Condition Monitoring"), N_("Planned Detection"), 0, ""),
		(N_("Continuous Condition Monitoring"), N_("Planned Detection"), 0, ""),
		(N_("Unplanned Detection"), N_("All Detection Methods"), 1, ""),
		(N_("Production Interference"), N_("Unplanned Detection"), 0, ""),
		(N_("Casual Observation"), N_("Unplanned Detection"), 0, ""),
		(N_("During Corrective Maintenance"), N_("Unplanned Detection"), 0, ""),
		(N_("On Demand"), N_("Unplanned Detection"), 0, ""),
		(N_("Other Detection"), N_("All Detection Methods"), 1, ""),
		(N_("Other"), N_("Other Detection"), 0, ""),
	],
)

REMEDY_ACTIONS = (
	N_("All Remedy Actions"),
	[
		(N_("Corrective Actions"), N_("All Remedy Actions"), 1, ""),
		(N_("Replacement"), N_("Corrective Actions"), 0, ""),
		(N_("Repair"), N_("Corrective Actions"), 0, ""),
		(N_("Modification"), N_("Corrective Actions"), 0, ""),
		(N_("Adjustment"), N_("Corrective Actions"), 0, ""),
		(N_("Refit"), N_("Corrective Actions"), 0, ""),
		(N_("Check"), N_("Corrective Actions"), 0, ""),
		(N_("Preventive Actions"), N_("All Remedy Actions"), 1, ""),
		(N_("Servicing"), N_("Preventive Actions"), 0, ""),
		(N_("Function Test"), N_("Preventive Actions"), 0, ""),
		(N_("Inspect"), N_("Preventive Actions"), 0, ""),
		(N_("Overhaul"), N_("Preventive Actions"), 0, ""),
		(N_("Other Actions"), N_("All Remedy Actions"), 1, ""),
		(N_("Combined Actions"), N_("Other Actions"), 0, ""),
		(N_("Other"), N_("Other Actions"), 0, ""),
	],
)

# doctype -> (root, rows); the name field and parent field of each tree
CODES = {
	"Failure Mode": FAILURE_MODES,
	"Failure Mechanism": FAILURE_MECHANISMS,
	"Failure Cause": FAILURE_CAUSES,
	"Detection Method": DETECTION_METHODS,
	"Remedy Action": REMEDY_ACTIONS,
}
