"""The machine simulator: a deterministic machine model and Modbus TCP / OPC UA servers (frappe-free)."""
