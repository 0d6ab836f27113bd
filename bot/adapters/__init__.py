"""Thin platform adapters: each renders core messages and feeds commands to the same service."""
