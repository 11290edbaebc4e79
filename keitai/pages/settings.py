"""``/settings``: a menu of sub-pages: profile and audiences, password, mail address (re-verified),
handset for かんたんログイン, blocked members, データのダウンロード and 退会.  Other features add their own
sub-pages to MENU."""
import bottle

from keitai import words as messages
from keitai.platform import text
from keitai.accounts.models import Member
from keitai.accounts import rules as accounts
from keitai.accounts import archive as archives
from keitai.accounts import withdraw as leaving
from keitai.communities import owned as communities_owned
from keitai import privacy
from keitai.friends import blocks
from keitai.accounts import easylogin
from keitai.photos import rules as photos
from keitai.profiles import rules as profiles
from keitai.signup import bymail
from keitai.signup import rules as signup
from keitai.platform.mail import mailbox
from keitai.platform.text import parts
from keitai.platform.web import (
    RouteTable, current_device, files, login_required, mailed, params, path, redirect, render, sign_in, sign_out,
    viewer,
)
from keitai.platform.web import sessions
from keitai.kept import longtext

routes = RouteTable("settings")

#: The settings menu: (route name, label).  Each feature's settings page is one line here.
MENU = [
    ("settings.profile_page", "プロフィールと公開範囲"),
    ("settings.photo_page", "プロフィール写真（3枚まで）"),
    ("mailpost.settings_page", "メールで投稿"),
    ("settings.handset_page", "かんたんログイン（携帯電話の登録）"),
    ("settings.password_page", "パスワードの変更"),
    ("settings.mail_page", "メールアドレスの変更"),
    ("friends.groups_page", "友人グループ"),
    ("settings.blocks_page", "ブロックしたメンバー"),
    ("footprints.settings_form", "足あと"),
    ("messages.settings_form", "メッセージのお知らせメール"),
    ("notify.settings_form", "お知らせメール（リクエスト・コメントなど）"),
    ("blog_import.feed_settings", "ブログの取り込み"),
    ("kept.kept_list", "預かった文章"),
    ("settings.download_page", "データのダウンロード"),
    ("settings.withdraw_page", "退会"),
]


@routes.get("/settings")
@login_required
def menu():
    dev = current_device()
    # Handset pages spell UI words in half-width katakana (fewer bytes on a 5 KB page); the
    # handset page reads the subscriber id, which docomo sends only when the link asks.
    entries = [(name, dev.guid_param if name == "settings.handset_page" else None,
                text.hankaku_kana(label) if dev.is_handset else label) for name, label in MENU]
    return render("settings/index.html", menu=entries)


# --- profile ----------------------------------------------------------------------------

#: Handset pages edit one field each: the values it edits and the audiences it sets.
FIELD_PAGES = {
    "nickname": (("nickname",), ()),
    "gender": (("gender",), ("gender",)),
    "birthday": (("birthday",), ("birthday", "age")),
    "blood_type": (("blood_type",), ("blood_type",)),
    "prefecture": (("prefecture",), ("prefecture",)),
    "hometown": (("hometown",), ("hometown",)),
    "occupation": (("occupation",), ("occupation",)),
    "affiliation": (("affiliation",), ("affiliation",)),
    "hobbies": (("hobbies",), ("hobbies",)),
    "about": (("about",), ("about",)),
    "real_name": (("real_name",), ("real_name",)),
    "photo": ((), ("photo",)),
    "friends": ((), ("friends",)),
    "last_login": ((), ("last_login",)),
}


def _me() -> Member:
    return Member.get_by_id(viewer().id)


def _profile_page(values: dict, errors: list[str], field: str | None = None, about_v: str | None = None,
                  about_as_stored: bool = False):
    """The profile form (a PC) or one field's page (a handset).

    ``about_as_stored``: the self-introduction's page shows the stored text, in its form if
    the device's page holds it, else as a list of parts to edit one by one.
    """
    context = dict(values=values, errors=errors, prefectures=profiles.PREFECTURES, genders=messages.GENDERS,
                   blood_types=profiles.BLOOD_TYPES, occupations=profiles.OCCUPATIONS,
                   field_audiences=privacy.FIELD_AUDIENCES, short_audiences=messages.AUDIENCES_SHORT)
    template = "profiles/field.html" if field else "profiles/edit.html"
    if field:
        fields, audiences = FIELD_PAGES[field]
        context.update(field=field, fields=fields, field_auds=audiences)
    if about_as_stored:
        source = _about_source(values["about"])
        return longtext.form_or_parts(template, source, about_v=parts.version(source.text), **context)
    if field == "about" or (field is None and not current_device().is_handset):  # a page with its text box
        note = "自己紹介" + ("：" + " ".join(errors) if errors else "")
        return longtext.render_form(template, values["about"], note, path("settings.field_page", field="about"), about_v=about_v,
                                    **context)
    return render(template, **context)


def _about_source(stored: str) -> longtext.LongText:
    """The self-introduction, for editing in parts on handsets whose page cannot hold it."""
    member_id = viewer().id
    return longtext.LongText(
        name="about", label="自己紹介", heading="自己紹介の変更", base=path("settings.field_page", field="about"),
        part=path("settings.about_part"), text=stored,
        check=lambda new: profiles.check_text("about", new),
        store=lambda old, new: profiles.replace_text(member_id, "about", old, new),
    )


@routes.get("/settings/profile")
@login_required
def profile_page():
    values = profiles.edit_values(_me())
    return _profile_page(values, [], about_v=parts.version(values["about"]))


@routes.get("/settings/profile/<field>")
@login_required
def field_page(field):
    if field not in FIELD_PAGES:
        raise bottle.HTTPError(404)
    values = profiles.edit_values(_me())
    resumed = longtext.kept_in_form() if field == "about" else None
    if resumed is None:
        return _profile_page(values, [], field, about_as_stored=field == "about")
    about_v = parts.version(values["about"])
    return _profile_page(dict(values, about=resumed.body), [], field, about_v)


@routes.post("/settings/profile")
@login_required
def save_profile():
    me = viewer().id
    form = params()
    names = [*profiles.CHOICES, *(name for name in profiles.TEXT_LIMITS if name != "about"),
             "birth_year", "birth_month", "birth_day"]
    names += [f"aud_{name}" for name in profiles.FIELDS]
    sent = {name: form.get(name) for name in names if form.get(name) is not None}
    typed_about = longtext.posted("about")  # None: this form leaves it as it is (or to its parts)
    field = form.get("field")
    field = field if field in FIELD_PAGES else None
    to_save, expected, refused = dict(sent), None, None
    if typed_about is not None:
        stored = _me().about
        try:
            about = longtext.merge("about", profiles.check_text("about", typed_about)[0], stored)
        except parts.Changed:
            about, refused = None, typed_about
        if about is not None:
            to_save["about"], expected = typed_about, {"about": stored}
    try:
        errors = profiles.update(me, to_save, expected)
    except parts.Changed:  # changed elsewhere between reading it and saving
        to_save.pop("about")
        refused = typed_about
        errors = profiles.update(me, to_save)
    if errors:
        values = profiles.edit_values(_me())
        values.update(sent)
        if typed_about is None:
            return _profile_page(values, errors, field, about_as_stored=field == "about")
        return _profile_page(dict(values, about=typed_about), errors, field, form.get("about_v"))
    if refused is not None:
        longtext.keep_refused("自己紹介", refused, rest_saved=True)
    longtext.forget_kept()
    redirect('settings.profile_page', msg="saved")


@routes.get("/settings/profile/about/part")
@login_required
def about_part():
    return longtext.part_page(_about_source(_me().about))


@routes.post("/settings/profile/about/part")
@login_required
def save_about_part():
    return longtext.save_part(_about_source(_me().about))


# --- profile photo ----------------------------------------------------------------------

def _photo_page(errors: list[str]):
    me = _me()
    return render("profiles/photo.html", photo_id=me.photo_id, photo_ids=profiles.photo_ids(me.id),
                  limit=profiles.PHOTO_LIMIT, aud_photo=me.aud_photo, errors=errors,
                  can_upload=photos.can_upload(current_device()), audiences=messages.AUDIENCES_SHORT,
                  mail_posting=bool(mailbox.domain()))


@routes.get("/settings/photo")
@login_required
def photo_page():
    return _photo_page([])


@routes.post("/settings/photo")
@login_required
def save_photo():
    me = viewer()
    if not photos.can_upload(current_device()):
        return _photo_page([])  # the page says why this handset cannot send one
    upload = files().get("photo")
    if upload is None:
        return _photo_page([messages.PHOTO_REQUIRED])
    try:
        profiles.add_photo(me.id, photos.prepare(upload))
    except messages.Refused as exc:
        return _photo_page([exc.message])
    redirect('settings.photo_page', msg="photo_saved")


@routes.post("/settings/photo/<photo_id:int>/main")
@login_required
def main_photo(photo_id):
    if not profiles.set_main_photo(viewer().id, photo_id):
        return _photo_page([messages.REFUSALS["profiles.photo_not_yours"]])
    redirect('settings.photo_page', msg="photo_main")


@routes.post("/settings/photo/<photo_id:int>/delete")
@login_required
def remove_photo(photo_id):
    if not profiles.remove_photo(viewer().id, photo_id):
        return _photo_page([messages.REFUSALS["profiles.photo_not_yours"]])
    redirect('settings.photo_page', msg="photo_removed")


# --- password ---------------------------------------------------------------------------

@routes.get("/settings/password")
@login_required
def password_page():
    return render("accounts/password.html", errors=[], minimum=signup.PASSWORD_MIN)


@routes.post("/settings/password")
@login_required
def change_password():
    me = viewer()
    form = params()
    errors = []
    if not accounts.password_ok(me.id, form.get("current", "")[:1024]):
        errors.append(messages.PASSWORD_WRONG)
    else:
        errors = signup.password_errors(form.get("password", ""), form.get("password2", ""))
    if errors:
        return render("accounts/password.html", errors=errors, minimum=signup.PASSWORD_MIN)
    accounts.set_password(me.id, form.get("password"))
    sessions.end_all(me.id)  # whoever knew the old password is signed out everywhere
    sign_in(me.id)
    redirect('settings.menu', msg="password_changed")


# --- mail address -----------------------------------------------------------------------

def _mail_page(errors: list[str], mail: str = "", by_mail: str = ""):
    me = _me()
    return render("signup/mail.html", errors=errors, mail=mail, current=me.mail, bounces=me.mail_bounces,
                  receiving=bool(mailbox.domain()), by_mail=by_mail, minutes=bymail.CHANGE_MINUTES)


@routes.get("/settings/mail")
@login_required
def mail_page():
    return _mail_page([])


@routes.post("/settings/mail")
@login_required
def change_mail():
    form = params()
    new_mail = form.get("mail", "").strip()
    try:
        signup.request_mail_change(viewer().id, new_mail, form.get("password", "")[:1024], mailed(""))
    except messages.Refused as exc:
        return _mail_page([exc.message], new_mail)
    redirect('settings.menu', msg="mail_change_sent")


@routes.post("/settings/mail/confirm")
@login_required
def confirm_mail():
    """Mail the member's own address its confirmation link (after mail to it came back)."""
    try:
        signup.confirm_mail(viewer().id, mailed(""))
    except messages.Refused as exc:
        return _mail_page([exc.message])
    redirect('settings.mail_page', msg="mail_confirm_sent")


@routes.post("/settings/mail/by-mail")
@login_required
def mail_by_mail():
    """空メール: after the password, the address to send an empty mail to from the new handset."""
    if not mailbox.domain():
        raise bottle.HTTPError(404)
    if not accounts.password_ok(viewer().id, params().get("password", "")[:1024]):
        return _mail_page([messages.PASSWORD_WRONG])
    return _mail_page([], by_mail=bymail.change_address(viewer().id))


# --- handset (かんたんログイン) ------------------------------------------------------------

def _handset_page(error: str | None = None):
    dev = current_device()
    reg = easylogin.registration(viewer().id)
    can_register = dev.is_handset and dev.from_gateway and bool(dev.subscriber_id)
    return render(
        "accounts/handset.html", enabled=easylogin.enabled(), registration=reg, error=error,
        can_register=can_register, this_one=easylogin.is_this_handset(reg, dev.carrier, dev.subscriber_id),
        handset=dev.is_handset,
    )


@routes.get("/settings/handset")
@login_required
def handset_page():
    return _handset_page()


@routes.post("/settings/handset")
@login_required
def register_handset():
    dev = current_device()
    if not easylogin.enabled():
        return _handset_page(messages.EASY_LOGIN_OFF)
    if not (dev.is_handset and dev.from_gateway):
        return _handset_page(messages.EASY_LOGIN_NOT_HANDSET)
    if not dev.subscriber_id:
        return _handset_page(messages.EASY_LOGIN_NO_ID)
    easylogin.register(viewer().id, dev.carrier, dev.subscriber_id, dev.model)
    redirect('settings.handset_page', msg="handset_registered", guid=current_device().guid_param)


@routes.post("/settings/handset/delete")
@login_required
def remove_handset():
    easylogin.unregister(viewer().id)
    redirect('settings.handset_page', msg="handset_removed", guid=current_device().guid_param)


# --- blocks -----------------------------------------------------------------------------

@routes.get("/settings/blocks")
@login_required
def blocks_page():
    return render("friends/blocks.html", blocked=blocks.blocked_by(viewer().id))


@routes.post("/settings/blocks/<member_id:int>/delete")
@login_required
def unblock(member_id):
    if not blocks.unblock(viewer().id, member_id):
        raise bottle.HTTPError(404)
    redirect('settings.blocks_page', msg="unblocked")


# --- 退会 (leaving) ------------------------------------------------------------------------

def _withdraw_page(error: str | None = None):
    return render("accounts/withdraw.html", errors=[error] if error else [],
                  communities=communities_owned.handover_plan(viewer().id))


@routes.get("/settings/withdraw")
@login_required
def withdraw_page():
    return _withdraw_page()


@routes.post("/settings/withdraw")
@login_required
def withdraw():
    try:
        leaving.withdraw_with_password(viewer().id, params().get("password", ""))
    except messages.Refused as exc:
        return _withdraw_page(exc.message)
    sign_out()
    redirect('home.home', msg="withdrawn")


# --- データのダウンロード ---------------------------------------------------------------

def _download_page(error: str | None = None):
    return render("accounts/download.html", archive=archives.current(viewer().id), errors=[error] if error else [],
                  keep_days=archives.KEEP_DAYS)


@routes.get("/settings/download")
@login_required
def download_page():
    return _download_page()


@routes.post("/settings/download")
@login_required
def request_download():
    if current_device().is_handset:
        raise bottle.HTTPError(403)  # the page offers it on PCs only: a handset cannot open a zip
    try:
        made = archives.request(viewer().id)
    except messages.Refused as exc:
        return _download_page(exc.message)
    redirect('settings.download_page', msg="archive_ready" if made.ready else "archive_requested")


@routes.get("/settings/download/<archive_id:int>")
def download(archive_id):
    me = viewer()
    found = archives.download_path(me.id, archive_id) if me else None
    if found is None or not found.exists():
        raise bottle.HTTPError(404)  # the same for a visitor and another member as for none
    response = bottle.static_file(found.name, root=str(found.parent), mimetype="application/zip",
                                  download=f"keitai-{viewer().id}.zip")
    response.set_header("Cache-Control", "private, no-store")
    return response
