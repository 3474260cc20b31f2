"""Sources: KOOP's SRU 2.0 service and the records it returns."""
