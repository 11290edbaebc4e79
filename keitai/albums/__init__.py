"""Albums (アルバム): a member's photos under a title, with an audience, a cover, captions and
comments; a member's album list, an album's page, a photo's page, friends' new albums on home.

rules.py: albums, their photos and who may see them; comments.py: comments on albums;
owned.py: what 退会 deletes and データのダウンロード exports; reporting.py: 通報.
"""
from .rules import AlbumRow, friends_new_albums


def install(app) -> None:
    """Register this feature's routes, its photos' kind, what it keeps of a member and its 通報 kinds."""
    from keitai.accounts import owned as owned_registry
    from keitai.photos import rules as photos
    from keitai.reports import rules as reports

    from . import owned, reporting, rules, views

    views.routes.install(app)
    owned_registry.register("albums", export=owned.export, delete=owned.delete)
    photos.register_kind(rules.KIND, rules.may_view, "albums.album", "album_id")
    reports.register_kind("album", label="アルバム", find=reporting.find_album, may_see=rules.may_view,
                          take_down=reporting.take_down_album)
    reports.register_kind("album_comment", label="アルバムのコメント", find=reporting.find_comment,
                          may_see=reporting.may_see_comment, take_down=reporting.take_down_comment)


__all__ = ["AlbumRow", "friends_new_albums"]
