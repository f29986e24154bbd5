"""Electrical chain: UPS and distribution losses."""
