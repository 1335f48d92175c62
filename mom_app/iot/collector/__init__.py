"""The IoT collector: one asyncio process per site (or per shard of a site's devices).

    bench --site <site> mom-collector [--shard i/n]

What it does:

- loads the enabled Modbus TCP and OPC UA IoT Devices of its shard (``zlib.crc32(name) % n == i``) and runs
  a `ModbusPoller` or an `OpcUaSubscriber` (mom_app.iot.protocols) for each;
- turns their readings into rows with uid ``<device>:<boot id>:<sequence>`` and appends them to the site's
  Redis Stream (mom_app.iot.stream). When Redis cannot be reached the rows go to a disk spool
  (mom_app.iot.spool, under sites/<site>/private/mom_iot_spool/); once Redis answers again the spool is
  replayed, in order, before any newer row is sent;
- runs the stream writer (`writer.drain_once`: store, commit, acknowledge) in a thread with its own
  database connection. When MariaDB is down the writer fails and retries with backoff; the rows wait,
  unacknowledged, in Redis;
- writes each device's health, error text and last reading time back every few seconds, in one batch;
- reloads the device configuration when an IoT Device changes (it looks every 30 s);
- stops cleanly on SIGTERM or SIGINT: pollers stop, every row produced goes to Redis or the spool (fsynced).

It logs to sites/<site>/logs/mom_collector.log.

The asyncio loop itself never touches the database: configuration and health go through one worker thread,
Redis and the spool through another (so rows keep their order), and the writer has its own thread.

The package: devices (the device configuration of a shard, the devices' health), site_thread (a worker thread
with its own site connection), collector (the asyncio collector, its logging, `run_collector`), writer_loop
(the stream writer in its thread).
"""

from mom_app.engine.shards import in_shard, parse_shard
from mom_app.iot.collector.collector import Collector, run_collector, setup_logging
from mom_app.iot.collector.devices import DeviceConfig, load_devices
from mom_app.iot.collector.site_thread import SiteThread, drop_connection
from mom_app.iot.collector.writer_loop import writer_loop

__all__ = [
	"Collector",
	"DeviceConfig",
	"SiteThread",
	"drop_connection",
	"in_shard",
	"load_devices",
	"parse_shard",
	"run_collector",
	"setup_logging",
	"writer_loop",
]
