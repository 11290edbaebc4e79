"""Footprints (足あと): who looked at whose pages, one row per visitor and visited member."""
from peewee import BigIntegerField, CompositeKey, ForeignKeyField

from keitai.platform.db.connection import BaseModel
from .members import Member


class Footprint(BaseModel):
    """Written by keitai.footprints.rules.record in one upsert; read there with plain SQL."""

    visitor = ForeignKeyField(Member, column_name="visitor_id", on_delete="CASCADE")
    visited = ForeignKeyField(Member, column_name="visited_id", on_delete="CASCADE")
    visited_at = BigIntegerField()  # the latest visit
    counted_at = BigIntegerField()  # the latest visit counted in ``visits``
    visits = BigIntegerField(default=1)

    class Meta:
        table_name = "footprints"
        primary_key = CompositeKey("visitor", "visited")
