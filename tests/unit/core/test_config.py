"""The document size limit read from the environment: default, given, refused when not a
whole positive number of bytes."""

import pytest

from kejin.config import DOCUMENT_MAX_BYTES, load_settings

BASE = {"KEJIN_DATA_DIR": "/tmp/kejin-config-test"}


def test_the_document_size_limit_defaults_to_20_mb_and_can_be_set() -> None:
    assert load_settings(BASE).document_max_bytes == DOCUMENT_MAX_BYTES == 20 * 1024 * 1024
    given = load_settings(BASE | {"KEJIN_DOCUMENT_MAX_BYTES": "1048576"})
    assert given.document_max_bytes == 1048576


@pytest.mark.parametrize("value", ["20MB", "-5", "0"])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="KEJIN_DOCUMENT_MAX_BYTES"):
        load_settings(BASE | {"KEJIN_DOCUMENT_MAX_BYTES": value})
