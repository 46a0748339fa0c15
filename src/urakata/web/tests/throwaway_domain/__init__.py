"""A throw-away domain for tests: one manifest, one page, one API endpoint, nothing else.

Added to INSTALLED_APPS by `web/tests/test_domain_manifest.py` to show that a domain appears in
navigation, the API and the URLs without an edit anywhere else.
"""
