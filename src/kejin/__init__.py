"""Kejin (科金): a technology-finance support system.

Technology enterprises, banks, funds and a government technology-finance office work on one
shared, consent-based picture of each enterprise. Each domain lives in its own sub-package with
the same rooms (model, orm, repository, service, schemas, api, web, cli, errors); `bootstrap`
is the single composition root.
"""

__version__ = "0.1.0"
