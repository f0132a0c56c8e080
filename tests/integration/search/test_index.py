"""The tantivy adapter on its own: a failed write leaves the index and its watermark as they
were, and the index can be written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from kejin.core.words import dictionary
from kejin.search.index import DocumentFields, Paragraph, SearchIndex, Watermark
from kejin.search.model import SearchFilters, parse_query
from kejin.search.segment import segment

NOTICE = DocumentFields(1, "n-1", "通知", None, None, "全国", "policy", "zh")


def _found(index: SearchIndex, query: str) -> list[tuple[int, int]]:
    _, matches = index.search(parse_query(query, segment), SearchFilters(), 10, 0)
    return [(match.document_id, match.position) for match in matches]


def test_a_failed_write_changes_nothing_and_releases_the_writer(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    mark = Watermark(1, "n-1", 1, dictionary().version)
    index.write([NOTICE], [Paragraph(1, 1, "支持科技金融发展。")], (), mark)
    orphan = Paragraph(2, 1, "没有文件的段落：投贷联动。")
    with pytest.raises(KeyError):
        index.write([], [orphan], [1], Watermark(2, "n-2", 1, dictionary().version))
    reopened = SearchIndex(tmp_path)
    assert (reopened.watermark, reopened.documents) == (mark, {1: "n-1"})
    assert _found(reopened, "科技金融") == [(1, 1)]
    assert _found(reopened, "投贷联动") == []
    reopened.write([], [], [1], Watermark(0, None, 0, dictionary().version))
    assert _found(reopened, "科技金融") == []
