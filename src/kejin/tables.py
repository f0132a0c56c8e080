"""Every domain's ORM module, imported once so that `Base.metadata` knows all tables.

Used by migrations and by tests that create the schema; entrypoints go through `bootstrap`.
"""

from kejin.assessment import orm as _assessment  # noqa: F401
from kejin.audit import orm as _audit  # noqa: F401
from kejin.consent import orm as _consent  # noqa: F401
from kejin.core.bulk import is_partition
from kejin.core.db import Base
from kejin.credit import orm as _credit  # noqa: F401
from kejin.documents import orm as _documents  # noqa: F401
from kejin.feeds import orm as _feeds  # noqa: F401
from kejin.identity import orm as _identity  # noqa: F401
from kejin.lending import orm as _lending  # noqa: F401
from kejin.matching import orm as _matching  # noqa: F401
from kejin.needs import orm as _needs  # noqa: F401
from kejin.notifications import orm as _notifications  # noqa: F401
from kejin.products import orm as _products  # noqa: F401
from kejin.registry import orm as _registry  # noqa: F401
from kejin.topics import orm as _topics  # noqa: F401

metadata = Base.metadata


def declared(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name`: schema comparisons leave out the partitions of partitioned
    tables, which the metadata does not declare (only their parent)."""
    return not (type_ == "table" and name is not None and is_partition(name, metadata))
