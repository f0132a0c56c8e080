"""Topic queries and writes on a session; never commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from kejin.topics.model import Match
from kejin.topics.orm import TopicDocumentRow, TopicRow


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class TopicRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_slug(self, slug: str) -> TopicRow | None:
        return self.session.scalars(select(TopicRow).where(TopicRow.slug == slug)).first()

    def all(self) -> list[TopicRow]:
        return list(self.session.scalars(select(TopicRow).order_by(TopicRow.name, TopicRow.id)))

    def add(self, row: TopicRow) -> TopicRow:
        self.session.add(row)
        self.session.flush()
        return row

    def counts(self) -> dict[int, tuple[int, int]]:
        """Topic id → (documents held, documents first seen after the topic was created)."""
        new = func.sum(case((TopicDocumentRow.first_seen_at > TopicRow.created_at, 1), else_=0))
        statement = (
            select(TopicDocumentRow.topic_id, func.count(), new)
            .join(TopicRow, TopicRow.id == TopicDocumentRow.topic_id)
            .group_by(TopicDocumentRow.topic_id)
        )
        return {row[0]: (int(row[1]), int(row[2] or 0)) for row in self.session.execute(statement)}

    def held(self, topic_id: int) -> list[TopicDocumentRow]:
        statement = select(TopicDocumentRow).where(TopicDocumentRow.topic_id == topic_id)
        return list(self.session.scalars(statement))

    def claim_refresh(self, row: TopicRow, mark: tuple[int, int], moment: datetime) -> bool:
        """Record a refresh if the topic is still at the version read; False when another
        refresh came first (its documents are then already recorded)."""
        result = self.session.execute(
            update(TopicRow)
            .where(TopicRow.id == row.id, TopicRow.version == row.version)
            .values(
                version=row.version + 1,
                refreshed_at=moment,
                library_count=mark[0],
                library_highest=mark[1],
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def claim_edit(
        self, row: TopicRow, expected_version: int, values: Mapping[str, object]
    ) -> bool:
        """Write the topic's new definition (`values`: columns) if it is still at
        `expected_version`; False when it changed since."""
        result = self.session.execute(
            update(TopicRow)
            .where(TopicRow.id == row.id, TopicRow.version == expected_version)
            .values(version=expected_version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def drop_unmatched(self, topic_id: int, kept: Sequence[str]) -> int:
        """Remove the documents of the topic not among `kept` (external ids); how many left."""
        result = self.session.execute(
            delete(TopicDocumentRow)
            .where(
                TopicDocumentRow.topic_id == topic_id,
                TopicDocumentRow.external_id.not_in(set(kept)),
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def record(
        self,
        topic_id: int,
        matches: Sequence[Match],
        document_ids: Mapping[str, int],
        moment: datetime,
    ) -> int:
        """Add the matched documents the topic does not hold yet (first seen `moment`) and
        update the best score and paragraph of those it holds. Returns how many were added."""
        held = {row.external_id: row for row in self.held(topic_id)}
        added = 0
        for match in matches:
            row = held.get(match.external_id)
            if row is None:
                self.session.add(
                    TopicDocumentRow(
                        topic_id=topic_id,
                        document_id=document_ids[match.external_id],
                        external_id=match.external_id,
                        first_seen_at=moment,
                        best_score=match.score,
                        best_position=match.position,
                        matched_paragraphs=match.paragraphs,
                    )
                )
                added += 1
            else:
                row.best_score = match.score
                row.best_position = match.position
                row.matched_paragraphs = match.paragraphs
        self.session.flush()
        return added
