"""Upload fields become record fields: `id` by its form name, tags split, blanks absent."""

from kejin.documents.schemas import DocumentFields


def test_upload_fields_become_record_overrides() -> None:
    fields = DocumentFields.model_validate(
        {"id": "sz-1", "title": " 通知 ", "tags": "贴息, ,首贷", "issuer": "  ", "encoding": "gbk"}
    )
    overrides = fields.overrides()
    assert (overrides["id"], overrides["title"], overrides["tags"]) == (
        "sz-1",
        "通知",
        ["贴息", "首贷"],
    )
    assert overrides["issuer"] is None
    assert "encoding" not in overrides
