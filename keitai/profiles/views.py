"""What every page about a member starts from (the profile, their friends, their introductions):
the member as the viewer may see them.  The pages themselves are in keitai/pages/profile.py."""
import bottle

from keitai.platform.web import viewer
from keitai.profiles import rules as profiles


def visible_member(member_id: int) -> profiles.Profile:
    """The member as the viewer may see them; 404 for unknown, inactive or blocked either way."""
    found = profiles.profile_for(viewer().id, member_id)
    if found is None:
        raise bottle.HTTPError(404)
    return found
