"""Adapters: everything that touches files, models, stores and terminals."""
