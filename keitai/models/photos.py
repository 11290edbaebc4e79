"""Photos: image files under settings.media_dir, each belonging to an item of some kind."""
from peewee import AutoField, BigIntegerField, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel
from .members import Member


class Photo(BaseModel):
    id = AutoField()
    owner = ForeignKeyField(Member, column_name="owner_id", on_delete="CASCADE")
    kind = TextField()  # 'diary'; later 'profile', 'community'
    ref_id = BigIntegerField()  # the owning item's id within its kind
    position = BigIntegerField(default=0)
    file = TextField()  # path of the stripped original, relative to media_dir/photos
    width = BigIntegerField()
    height = BigIntegerField()
    bytes = BigIntegerField()
    created_at = BigIntegerField()

    class Meta:
        table_name = "photos"
