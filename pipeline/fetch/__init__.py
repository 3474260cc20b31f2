"""Fetch stage: discover publications through SRU and archive their files (see harvest.py)."""
