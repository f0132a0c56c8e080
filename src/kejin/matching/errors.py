"""Matching errors, all in the Kejin error family."""

from kejin.core.errors import NotFound


class ProductNotInForce(NotFound):
    """No published product of that code is valid on the matching date."""

    code = "product-not-in-force"
