"""The browser tests' marker: they run in the default suite (one headless Chromium per page, in
parallel, a few seconds in all) and skip when no Chromium is installed (.ci/run installs Debian's)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: opens pages in headless Chromium (skipped without a chromium binary)")
