"""Async pollers: fetch from AWS through the client layer, emit snapshots and deltas."""
