"""Asset meters (Frappe adapter): run hours, cycles and produced parts per asset, kept in *Asset Meter* with
their readings in *Asset Meter Reading*. The counting rules are the engine's (mom_app.engine.maintenance:
`meters` for counters, resets, rollovers and the usage rate; `plans` for the reading rows).

    feed.feed_readings(rows)            the IoT writer path (mom_app.iot.storage.store_readings): counter
                                        samples of tags with the role Meter or Good Count advance their meters
    manual.record(asset, meter, value, client_id)   a reading typed in by a technician (the endpoint
                                        Asset Meter record_meter_reading), once per client id
    rates.usage_rates(meters, now)      the average use per day of each meter over the settings' window
    state                               the meter's row locked, its counter config and state, its rows written

Times: the counter state holds Unix seconds (IoT rows carry them; a reading typed in is stamped with
mom_app.iot.clock.to_unix(now)); the database holds the site's local time.
"""
