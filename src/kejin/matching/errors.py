"""Matching errors, all in the Kejin error family."""

from kejin.core.errors import NotFound


class ProductNotInForce(NotFound):
    """No published product of that code is valid on the matching date."""

    code = "product-not-in-force"


class EmptyCatalogue(NotFound):
    """No product is published and valid on the matching date, so there is nothing to match."""

    code = "empty-catalogue"
