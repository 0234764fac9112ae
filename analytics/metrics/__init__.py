"""Pure metric functions: each module takes plain Python / pandas data and returns numbers or tables.

See the module docstrings for formulas and conventions; :mod:`analytics.metrics.taxonomy`
holds the shared vocabulary (sectors, risk tiers).
"""
