"""The domain: pure Python, no I/O beyond the package's own reference data.

models (parties, certificate, filing, events, formats) · agreements · codes · rules · origin ·
route · retro · lifecycle · numbers. Nothing here imports the service, the client, the
warehouse or the UI; everything above stands on it.
"""
