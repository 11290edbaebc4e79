"""Words the code says to members (templates hold the rest), in Japanese.

Kept in one module so another language can be added later.
"""

# Error pages, by HTTP status.
ERRORS = {
    400: "送信された内容を読み取れませんでした。文字化けしている可能性があります。もう一度入力してください。",
    403: "このページを見る権限がありません。",
    404: "ページが見つかりません。削除されたか、公開範囲の外にあります。",
    405: "この操作はできません。",
    413: "送信された内容が大きすぎます。",
    429: "操作が多すぎます。しばらく待ってからもう一度お試しください。",
    500: "エラーが発生しました。時間をおいてもう一度お試しください。",
    503: "ただいまデータベースにつながりません。何も保存していません。少し待ってからもう一度お試しください。",
}
BAD_ENCODING = "送信された文字を読み取れませんでした（文字コードが正しくありません）。何も保存していません。もう一度入力してください。"
BAD_CSRF = "フォームの有効期限が切れたか、正しくない送信です。何も保存していません。もう一度ページを開いてからやり直してください。"
FIELD_TOO_LONG = "入力が長すぎます（{limit}文字まで）。"
LOGIN_REQUIRED = "ログインしてください。"
LOGIN_FAILED = "メールアドレスまたはパスワードが違います。"
ADMIN_ONLY = "このページは管理者だけが使えます。"
HANDSET_VIEW_BAD_PATH = "このサイトのページのアドレス（/ で始まるもの）を入れてください。"
HANDSET_VIEW_ON_PC = "この機能はPCかスマートフォンでお使いください。"
SESSION_ENDED = "ログインの有効期限が切れました。もう一度ログインしてください。"
CHOOSE_ONE = "どれかひとつを選んでください。"
FIELD_TOO_LONG_NAMED = "{field}が長すぎます（{limit}文字まで）。"

# One-line notices shown after a redirect (?msg=code), so they work without cookies.
NOTICES = {
    "saved": "保存しました。",
    "deleted": "削除しました。",
    "sent": "送信しました。",
    "logged_out": "ログアウトしました。",
    "welcome": "ようこそ！",
    "message_sent": "メッセージを送信しました。",
    "message_deleted": "メッセージを削除しました。",
    "introduction_saved": "紹介文を送りました。相手が承認すると、プロフィールに表示されます。",
    "introduction_approved": "紹介文を承認しました。プロフィールに表示されます。",
    "introduction_removed": "紹介文を削除しました。",
    "posted": "日記を書きました。",
    "album_created": "アルバムを作りました。写真を追加しましょう。",
    "photos_added": "写真を追加しました。",
    "cover_set": "表紙にしました。",
    "commented": "コメントを書きました。",
    "feed_saved": "ブログの設定を保存しました。次の取り込みで日記になります。",
    "feed_removed": "ブログの取り込みをやめました。取り込んだ日記はそのまま残ります。",
    "invited": "招待メールを送りました。",
    "invite_cancelled": "招待を取り消しました。",
    "requested": "友人申請を送りました。相手が承認すると友人になります。",
    "request_cancelled": "友人申請を取り消しました。",
    "accepted": "友人になりました。",
    "declined": "友人申請をお断りしました。",
    "unfriended": "友人から外しました。",
    "blocked": "ブロックしました。お互いのページや書き込みは見えなくなります。",
    "unblocked": "ブロックを解除しました。",
    "handset_registered": "この携帯電話をかんたんログインに登録しました。",
    "handset_removed": "かんたんログインの登録を解除しました。",
    "password_changed": "パスワードを変更しました。ほかの端末はログアウトしました。",
    "mail_change_sent": "新しいアドレスに確認メールを送りました。メールのURLを開くと変更が完了します。",
    "group_created": "グループを作りました。",
    "group_deleted": "グループを削除しました。",
    "suspended": "会員を停止しました。その会員のログインはすべて終了しました。",
    "unsuspended": "会員の停止を解除しました。",
}

AUDIENCES = {
    "everyone": "全体に公開",
    "friends_of_friends": "友人の友人まで公開",
    "friends": "友人まで公開",
    "group": "グループに公開",
    "private": "非公開（自分のみ）",
}

# Messages.
MESSAGE_NO_SUBJECT = "（件名なし）"
MESSAGE_BODY_EMPTY = "本文を入力してください。"
MESSAGE_MAIL_SUBJECT = "メッセージが届きました"
MESSAGE_MAIL_BODY = (
    "keitaiにあなた宛てのメッセージが届きました。\n"
    "内容はサイトにログインしてご覧ください。\n\n"
    "{link}\n\n"
    "このお知らせは、未読のメッセージがないときに届いた最初の1通についてだけ送ります。\n"
    "お知らせが不要なときは、設定の「メッセージのお知らせメール」で止められます。\n"
)

# Introductions.
INTRODUCTION_EMPTY = "紹介文を入力してください。"

# The home page's first lines (keitai.notices), each followed by a count.
HOME_NOTICES = {
    "friend_requests": "友人申請",
    "messages": "未読メッセージ",
    "diary_comments": "日記への新しいコメント",
    "footprints": "新しい足あと",
    "introductions": "承認待ちの紹介文",
    "community_requests": "コミュニティへの参加申請",
}
# Community confirmation pages: (title, question, button); {name} is what is acted on.
COMMUNITY_CONFIRM = {
    "delete": ("コミュニティの削除", "「{name}」を削除しますか？トピックとコメントもすべて消え、元に戻せません。", "削除する"),
    "cancel": ("参加申請の取り消し", "「{name}」への参加申請を取り消しますか？", "取り消す"),
    "leave": ("コミュニティの退会", "「{name}」を退会しますか？", "退会する"),
    "handover": ("管理人の交代", "{name}さんを管理人にしますか？あなたは一般のメンバーになります。", "交代する"),
    "remove": ("メンバーの退会", "{name}さんをこのコミュニティから退会させますか？再び参加することはできなくなります。", "退会させる"),
    "delete_topic": ("トピックの削除", "トピック「{name}」を削除しますか？コメントもすべて消えます。", "削除する"),
    "delete_comment": ("コメントの削除", "「{name}」のコメント{number}を削除しますか？", "削除する"),
}
COMMUNITY_LISTS = {
    "mine": "参加コミュニティ",
    "newest": "新着コミュニティ",
    "active": "最近盛り上がっているコミュニティ",
}
NOTICES.update({
    "community_created": "コミュニティを作成しました。",
    "joined": "コミュニティに参加しました。",
    "join_requested": "参加を申請しました。管理人の承認をお待ちください。",
    "join_request_cancelled": "参加申請を取り消しました。",
    "left": "コミュニティを退会しました。",
    "approved": "参加を承認しました。",
    "rejected": "参加申請をお断りしました。",
    "topic_created": "トピックを作成しました。",
    "closed": "トピックを締め切りました。",
    "reopened": "トピックを再開しました。",
    "removed": "書き込みを削除しました。",
    "dismissed": "報告を処理済みにしました。",
    "subadmin_added": "副管理人にしました。",
    "subadmin_removed": "副管理人を外しました。",
    "handed_over": "管理人を交代しました。",
    "member_removed": "メンバーを退会させました。",
    "unbanned": "参加の制限を解除しました。",
    "community_deleted": "コミュニティを削除しました。",
})
# Diaries, comments, photos.
DIARY_TITLE_REQUIRED = "タイトルを入力してください。"
DIARY_BODY_REQUIRED = "本文を入力してください。"
DIARY_AUDIENCE_INVALID = "公開範囲を選んでください。"
DIARY_GROUP_INVALID = "公開するグループを選んでください（グループは自分で作ったものだけ選べます）。"
DIARY_UNTITLED = "（無題）"
COMMENT_REQUIRED = "コメントを入力してください。"
PHOTO_TOO_MANY = "写真は1つの日記に{limit}枚までです。"
PHOTO_RESELECT = "写真はもう一度選んでください。"
PHOTO_REQUIRED = "写真のファイルを選んでください。"
NOTICES.update({
    "photo_saved": "写真を載せました。",
    "photo_removed": "写真を外しました。",
})

# External blog import (/settings/feed); FEED_ERRORS are shown in the member's settings.
FEED_URL_INVALID = "ブログのRSS・AtomのURLを、http:// か https:// で始まる形で入力してください。"
FEED_ERRORS = {
    "bad_url": "URLが正しくありません。",
    "refused_address": "このアドレスには接続できません（内部のネットワーク宛てです）。",
    "unreachable": "ブログのサーバーに接続できませんでした。",
    "timeout": "ブログのサーバーが時間内に応答しませんでした。",
    "http": "ブログのサーバーがエラーを返しました（{detail}）。",
    "redirects": "転送（リダイレクト）が多すぎるか、正しくない転送先です。",
    "too_large": "フィードが大きすぎます（{detail}KBまで）。",
    "not_feed": "RSS・Atomとして読み取れませんでした。URLがフィードのものか確かめてください。",
}
# Sign-up, invitations, verification (members).
MAIL_REQUIRED = "メールアドレスを入力してください。"
MAIL_INVALID = "メールアドレスの形が正しくありません。もう一度確かめてください。"
MAIL_NOT_MOBILE = (
    "「{domain}」のアドレスでは登録できません。keitai は信頼できる場であるために、"
    "携帯電話会社のメールアドレス（docomo.ne.jp、ezweb.ne.jp、au.com、softbank.ne.jp、i.softbank.jp など）"
    "でだけ登録を受け付けています。パソコンやフリーメールのアドレスは使えません。"
)
NICKNAME_REQUIRED = "ニックネームを入力してください。"
PASSWORD_TOO_SHORT = "パスワードは{min}文字以上にしてください。"
PASSWORD_MISMATCH = "確認用のパスワードが一致しません。"
PASSWORD_WRONG = "現在のパスワードが違います。"
BIRTHDAY_INVALID = "生年月日を正しく入力してください（例: 1990年4月1日）。"
UNDER_18 = (
    "ごめんなさい。keitai は18歳以上の方のためのサービスです。"
    "18歳のお誕生日を迎えたら、ぜひまた来てくださいね。何も登録していません。"
)
TEXT_INVALID = "{field}に使えない文字が含まれています。"
VERIFY_UNKNOWN = "この確認URLは正しくありません。メールのURLを途中で切らずに開いたか確かめてください。何も変更していません。"
VERIFY_USED = "この確認URLはすでに使われています。登録済みの方はログインしてください。"
VERIFY_EXPIRED = "この確認URLの有効期限が切れています。ログインすると、新しい確認メールを送ります。"
VERIFY_MAIL_TAKEN = "このアドレスは、ほかのメンバーがすでに使っています。何も変更していません。"
VERIFY_DONE = "メールアドレスを確認しました。登録が完了しました。ログインしてください。"
VERIFY_MAIL_CHANGED = "メールアドレスを変更しました。次回から新しいアドレスでログインしてください。"
LOGIN_PENDING = "メールアドレスの確認がまだ済んでいません。確認メールのURLを開いてください。"
LOGIN_PENDING_RESENT = "メールアドレスの確認がまだ済んでいません。確認メールを送り直しました。メールのURLを開いてください。"
LOGIN_SUSPENDED = "このアカウントは利用を停止しています。"
LOGIN_RATE_LIMITED = (
    "ログインの失敗が続いたため、しばらくログインを受け付けていません。"
    "{minutes}分ほど待ってからもう一度お試しください。"
)

# かんたんログイン.
EASY_LOGIN_OFF = "かんたんログインは現在停止しています。メールアドレスとパスワードでログインしてください。"
EASY_LOGIN_NOT_HANDSET = (
    "かんたんログインは、携帯電話会社のネットワークから接続した携帯電話でだけ使えます。"
    "メールアドレスとパスワードでログインしてください。"
)
EASY_LOGIN_NO_ID = (
    "携帯電話の契約者固有ID（iモードIDなど）が送られていません。"
    "端末の設定で固有IDを「送信する」にしてから、もう一度お試しください。"
)
EASY_LOGIN_UNKNOWN = (
    "この携帯電話はまだ登録されていません。メールアドレスとパスワードでログインしてから、"
    "「設定」→「かんたんログイン」で登録してください。"
)

# Profiles, friends, groups.
AUDIENCE_INVALID = "公開範囲の選択が正しくありません。"
CHOICE_INVALID = "{field}の選択が正しくありません。"
FRIEND_REQUEST_GONE = "この友人申請はもうありません（取り消されたか、すでに処理されています）。"

#: Field names the code says in messages.
FIELD_NAMES = {
    "nickname": "ニックネーム",
    "mail": "メールアドレス",
    "password": "パスワード",
    "real_name": "名前（本名）",
    "gender": "性別",
    "prefecture": "住所（都道府県）",
    "hobbies": "趣味",
    "about": "自己紹介",
    "message": "メッセージ",
    "name": "グループ名",
    "birthday": "誕生日",
}

GENDERS = {"female": "女性", "male": "男性", "other": "その他"}

#: Short audience names for handset selects.
AUDIENCES_SHORT = {
    "everyone": "全体",
    "friends_of_friends": "友人の友人",
    "friends": "友人",
    "group": "ｸﾞﾙｰﾌﾟ",
    "private": "自分のみ",
}

#: Mail texts: {link} is an absolute URL, mailed to handsets (keep lines short).
MAIL_INVITATION_SUBJECT = "{inviter}さんから keitai への招待が届きました"
MAIL_INVITATION_OPENING = "{inviter}さんから、招待制ソーシャルネットワーク keitai への招待が届きました。"
#: The operator's invitations (``run.py invite``) come from the site, not from a member.
MAIL_SITE_INVITATION_SUBJECT = "keitai への招待"
MAIL_SITE_INVITATION_OPENING = "招待制ソーシャルネットワーク keitai にご招待します。"
MAIL_INVITATION_BODY = """{opening}

{message}
下のURLから登録できます（{days}日間有効・1回限り）。
{link}

登録には携帯電話のメールアドレスが必要です（18歳以上の方に限ります）。
心当たりがない場合は、このメールを削除してください。
"""
MAIL_VERIFY_SUBJECT = "keitai メールアドレスの確認"
MAIL_VERIFY_BODY = """{nickname}さん、keitai への登録ありがとうございます。

下のURLを開くと登録が完了します（{hours}時間有効）。
{link}

心当たりがない場合は、このメールを削除してください。登録は完了しません。
"""
MAIL_CHANGE_SUBJECT = "keitai メールアドレス変更の確認"
MAIL_CHANGE_BODY = """{nickname}さん、keitai のメールアドレスをこのアドレスに変更する手続きがありました。

下のURLを開くと変更が完了します（{hours}時間有効）。
{link}

心当たりがない場合は、このメールを削除してください。変更はされません。
"""
MAIL_CHANGE_NOTICE_SUBJECT = "keitai メールアドレス変更の手続きがありました"
MAIL_CHANGE_NOTICE_BODY = """{nickname}さん、keitai のメールアドレスを別のアドレスに変更する手続きがありました。
新しいアドレスで確認が済むと、このアドレスではログインできなくなります。

心当たりがない場合は、すぐにログインしてパスワードを変更してください。
"""
# Long texts on small handsets (keitai/platform/web/longtext.py) and kept texts (keitai/kept/rules.py).
TEXT_CHANGED = "あなたが書いている間に、ほかの画面でこの文章が変更されたため、保存しませんでした。"
KEPT_MISSING = "預かった文章が見つかりません。削除されたか、保存期間が過ぎました。"
NOTICES.update({
    "kept": "書いた文章は長くて画面に戻せないため、ここに預かりました。まだ保存していません。",
    "kept_changed": "ほかの画面で先に変更されていたため、保存しませんでした。書いた文章はここに預かっています。",
    "kept_changed_rest": "ほかの画面で先に本文が変更されていたため、本文は保存せずここに預かりました。ほかの項目は保存しました。",
})


# Refusals: what the rules refuse, by code.  Each feature adds its codes as "<feature>.<what>"
# (REFUSALS.update({...}) in its own block below); rules raise Refused(code, **values) and
# views show its message.
REFUSALS: dict[str, str] = {}


class Refused(Exception):
    """A request the rules refuse: ``code`` (a key of REFUSALS) says which rule, ``message``
    says it to the member in Japanese (the text with ``values`` filled in).  The one error
    rules raise for a member's request; nothing was changed."""

    def __init__(self, code: str, **values):
        self.code = code
        self.values = values
        super().__init__(code)

    @property
    def message(self) -> str:
        return REFUSALS[self.code].format(**self.values)

    def __str__(self) -> str:
        return self.message


# communities refusals
REFUSALS.update({
    "communities.name_required": "コミュニティ名を入力してください。",
    "communities.bad_category": "カテゴリを選んでください。",
    "communities.bad_policy": "参加・閲覧・トピック作成の設定を選び直してください。",
    "communities.title_required": "タイトルを入力してください。",
    "communities.body_required": "本文を入力してください。",
    "communities.comment_required": "コメントを入力してください。",
    "communities.members_only": "このコミュニティはメンバーだけが読めます。参加すると読めるようになります。",
    "communities.not_member": "コミュニティに参加すると書き込めます。",
    "communities.admins_only_topics": "このコミュニティでトピックを作れるのは管理人と副管理人だけです。",
    "communities.not_admin": "管理人・副管理人だけができる操作です。",
    "communities.not_owner": "管理人だけができる操作です。",
    "communities.not_yours": "自分の書き込みか、管理人・副管理人だけが操作できます。",
    "communities.closed": "このトピックは締め切られているため、コメントできません。",
    "communities.topic_full": "このトピックはコメントが{limit}件に達したため、これ以上書き込めません。新しいトピックを作ってください。",
    "communities.topic_deleted": "このトピックは削除されました。",
    "communities.comment_deleted": "このコメントは削除されました。",
    "communities.cannot_join": "このコミュニティには参加できません。",
    "communities.too_many": "参加できるコミュニティは{limit}個までです。どれかを退会してから参加してください。",
    "communities.their_too_many": "この人は参加できるコミュニティの上限（{limit}個）に達しています。",
    "communities.owner_cannot_leave": "管理人は退会できません。先に管理人を他のメンバーに交代してください。",
    "communities.already_member": "すでに参加しています。",
    "communities.not_joined": "このコミュニティには参加していません。",
    "communities.already_requested": "参加を申請済みです。管理人の承認をお待ちください。",
    "communities.no_request": "この参加申請は見つかりません。取り消されたか、処理済みです。",
    "communities.too_many_subadmins": "副管理人は{limit}人までです。",
    "communities.not_a_member": "この人はこのコミュニティのメンバーではありません。",
    "communities.cannot_remove_admin": "管理人・副管理人は退会させられません。",
    "communities.cannot_delete": "管理人のほかにメンバーがいるコミュニティは削除できません。管理人を交代するか、メンバーが退会してから削除してください。",
    "communities.no_report": "この報告は見つかりません。すでに処理済みです。",
    "communities.too_long": FIELD_TOO_LONG,
})


# albums refusals (keitai/albums)
REFUSALS.update({
    "albums.title_required": "アルバムのタイトルを入力してください。",
    "albums.title_too_long": "タイトル：" + FIELD_TOO_LONG,
    "albums.description_too_long": "説明：" + FIELD_TOO_LONG,
    "albums.caption_too_long": "写真の説明：" + FIELD_TOO_LONG,
    "albums.full": "1つのアルバムに入る写真は{limit}枚までです（あと{room}枚入ります）。",
    "albums.no_photo": "追加する写真のファイルを選んでください。",
})

# friends, messages and introductions refusals
REFUSALS.update({
    "friends.not_found": ERRORS[404],
    "friends.already_friends": "すでに友人です。",
    "friends.request_pending": "すでに友人申請を送っています。相手の承認を待ってください。",
    "friends.request_limit": "友人申請は24時間に{limit}件までです。時間をおいてからお試しください。",
    "friends.message_too_long": FIELD_NAMES["message"] + ": " + FIELD_TOO_LONG,
    "friends.group_name_invalid": TEXT_INVALID.format(field=FIELD_NAMES["name"]),
    "friends.group_name_too_long": FIELD_NAMES["name"] + ": " + FIELD_TOO_LONG,
    "friends.group_name_required": "グループ名を入力してください。",
    "friends.group_limit": "グループは{limit}個まで作れます。",
    "friends.group_not_friends": "グループに入れられるのは友人だけです。",
    "messages.cannot_send": "この相手にはメッセージを送れません。",
    "messages.daily_limit": "メッセージは1日に{limit}通までしか送れません。時間をおいてから送ってください。",
    "introductions.friends_only": "紹介文は友人だけが書けます。",
})


# search refusals
REFUSALS.update({
    "search.too_long": "検索語が長すぎます（{limit}文字まで）。",
    "search.too_many_words": "検索語は{limit}つまでにしてください。",
})


# admin refusals
REFUSALS.update({
    "admin.reason_required": "停止の理由を書いてください（会員とのやりとりや他の管理者のために残ります）。",
    "admin.reason_too_long": FIELD_TOO_LONG,
    "admin.not_yourself": "自分自身は停止できません。",
    "admin.no_such_member": ERRORS[404],
    "admin.already_suspended": "この会員はすでに停止されています。",
    "admin.not_suspended": "この会員は停止されていません。",
    "admin.notice_too_long": FIELD_TOO_LONG,
})


# signup refusals ({problem}: the words of the check that found it, from profiles or the
# carrier-address rules; "signup.form" also carries every problem of the form as ``problems``)
REFUSALS.update({
    "signup.form": "{problem}",
    "signup.mail_address": "{problem}",
    "signup.mail_taken": "このメールアドレスはすでに登録されています。ログインするか、別のアドレスを使ってください。",
    "signup.password_wrong": PASSWORD_WRONG,
    "signup.mail_send_failed": "メールを送れませんでした。しばらくしてから、もう一度お試しください。",
    "signup.invitation_unknown": "この招待URLは正しくありません。メールのURLを途中で切らずに開いたか確かめてください。何も登録していません。",
    "signup.invitation_used": "この招待はすでに使われています（招待は1回だけ使えます）。登録済みの方はログインしてください。",
    "signup.invitation_expired": "この招待の有効期限（14日間）が切れています。招待してくれた方に、もう一度招待を送ってもらってください。",
    "signup.invitation_cancelled": "この招待は取り消されています。招待してくれた方に確かめてください。",
    "signup.invitation_only": "keitai は招待制です。メンバーから届いた招待メールのURLから登録してください。",
    "signup.invite_message_too_long": FIELD_TOO_LONG,
    "signup.invite_already_member": "このアドレスの方はすでに keitai のメンバーです。",
    "signup.invite_pending": "このアドレスにはすでに招待を送っています（期限内）。取り消してから送り直すこともできます。",
    "signup.invite_daily_limit": "招待は24時間に{limit}通までです。時間をおいてからお試しください。",
    "signup.invite_pending_limit": "返事を待っている招待が{limit}件あります。取り消すか、参加を待ってから送ってください。",
})


# photos refusals
REFUSALS.update({
    "photos.too_large": "写真のファイルが大きすぎます（{mb}MBまで）。",
    "photos.not_image": "写真として読み取れないファイルです。JPEG・PNG・GIFの写真を選んでください。",
    "photos.too_many_pixels": "写真の画素数が大きすぎます。小さくしてから送ってください。",
})


# accounts: password reset by mail (keitai/accounts/reset.py)
NOTICES["password_reset"] = "新しいパスワードを設定しました。ほかの端末はログアウトしました。"
RESET_RATE_LIMITED = "パスワードの再設定は、少し時間をおいてからお試しください。"
RESET_MAIL_SUBJECT = "パスワードの再設定"
RESET_MAIL_BODY = (
    "{nickname}さん\n\n"
    "keitaiのパスワードを設定し直すためのURLです。{minutes}分以内に開いて、新しいパスワードを決めてください。"
    "URLは1回だけ使えます。\n\n"
    "{link}\n\n"
    "心当たりがなければ、このメールは捨ててください。パスワードは変わりません。\n"
)


# notify: notice mails, one per kind until the member has looked (keitai/notify/)
NOTICE_MAIL_LABELS = {
    "friend_request": "友人リクエストが届いたとき",
    "diary_comment": "日記にコメントがついたとき",
    "comment_reply": "コメントした日記に、ほかの人がコメントしたとき",
    "community_join": "管理するコミュニティに参加希望が届いたとき",
    "introduction": "紹介文が届いて承認を待っているとき",
}
#: (subject, body) of each kind's mail: what happened and the link, never who or what.
NOTICE_MAILS = {
    "friend_request": ("友人リクエストが届きました",
                       "keitaiで、あなたに友人リクエストが届きました。\n\n{link}\n"),
    "diary_comment": ("日記にコメントがつきました",
                      "keitaiで、あなたの日記にコメントがつきました。\n\n{link}\n"),
    "comment_reply": ("コメントした日記に書き込みがありました",
                      "keitaiで、あなたがコメントした日記に、新しいコメントがつきました。\n\n{link}\n"),
    "community_join": ("コミュニティに参加希望が届きました",
                       "keitaiで、あなたが管理するコミュニティに参加希望が届きました。\n\n{link}\n"),
    "introduction": ("紹介文が届きました",
                     "keitaiで、あなたへの紹介文が届き、承認を待っています。\n\n{link}\n"),
}
NOTICE_MAIL_FOOTER = "\nページを見るまで、同じお知らせは送りません。\nお知らせメールの設定:\n{settings}\n"
NOTICE_MAIL_FORM_BROKEN = "フォームの送信が途中で切れました。もう一度選んで保存してください。"
#: A request for another host than KEITAI_BASE_URL's (keitai/platform/web/pipeline.py).
UNKNOWN_HOST = "このアドレスでは keitai を表示できません。ブックマークやメールのURLから開いてください。"
# profiles: profile depth (最終ログイン, more fields, three photos), birthdays on home
FIELD_NAMES.update({
    "blood_type": "血液型",
    "hometown": "出身地",
    "occupation": "職業",
    "affiliation": "所属",
    "last_login": "最終ログイン",
})
#: 最終ログイン as a profile says it: (at most this many seconds ago, the words), in order.
LAST_LOGIN_WITHIN = (
    (3 * 3600, "3時間以内"),
    (24 * 3600, "1日以内"),
    (3 * 24 * 3600, "3日以内"),
    (7 * 24 * 3600, "1週間以内"),
    (30 * 24 * 3600, "1ヶ月以内"),
)
LAST_LOGIN_LONG_AGO = "1ヶ月以上前"
REFUSALS.update({
    "profiles.photo_limit": "プロフィール写真は{limit}枚までです。どれかを外してから載せてください。",
    "profiles.photo_not_yours": "この写真はもうありません。",
})
NOTICES.update({
    "photo_main": "メインの写真にしました。",
})


# community events, polls and topic closing (keitai/events, keitai/polls, keitai/communities)
REFUSALS.update({
    "events.title_required": "タイトルを入力してください。",
    "events.too_long": FIELD_TOO_LONG_NAMED,
    "events.bad_date": "開催日を「2026/12/24」のように入力してください。",
    "events.date_past": "開催日が過ぎています。今日以降の日付を入力してください。",
    "events.date_far": "開催日は{years}年先までにしてください。",
    "events.bad_time": "時刻を「19:00」のように入力してください（空欄でもかまいません）。",
    "events.bad_deadline": "募集締切を「2026/12/20」のように入力してください（空欄なら開催日までです）。",
    "events.deadline_past": "募集締切が過ぎています。今日以降の日付にしてください。",
    "events.deadline_after": "募集締切は開催日以前にしてください。",
    "events.admins_only": "このコミュニティでイベントを作れるのは管理人と副管理人だけです。",
    "events.closed": "このイベントの募集は締め切られています。",
    "events.already_joined": "すでに参加しています。",
    "events.not_joined": "このイベントには参加していません。",
    "events.not_yours": "イベントを変更できるのは作った人だけです。",
    "polls.question_required": "質問を入力してください。",
    "polls.too_long": FIELD_TOO_LONG_NAMED,
    "polls.few_choices": "選択肢を{least}つ以上入力してください。",
    "polls.too_many_choices": "選択肢は{limit}つまでです。",
    "polls.same_choice": "同じ選択肢が2つあります。",
    "polls.bad_date": "締切日を「2026/12/31」のように入力してください。",
    "polls.date_past": "締切日が過ぎています。今日以降の日付を入力してください。",
    "polls.date_far": "締切日は{years}年先までにしてください。",
    "polls.admins_only": "このコミュニティでアンケートを作れるのは管理人と副管理人だけです。",
    "polls.closed": "このアンケートは締め切られています。",
    "polls.choose": "選択肢をひとつ選んでください。",
})
NOTICES.update({
    "event_created": "イベントを作成しました。",
    "event_saved": "イベントを変更しました。",
    "event_joined": "イベントに参加しました。",
    "event_cancelled": "イベントへの参加をキャンセルしました。",
    "event_removed": "イベントを削除しました。",
    "poll_created": "アンケートを作成しました。",
    "voted": "回答しました。",
    "poll_removed": "アンケートを削除しました。",
})
COMMUNITY_CONFIRM.update({
    "close_topic": ("トピックの締め切り", "トピック「{name}」を締め切りますか？締め切ると誰もコメントできなくなります（あとで再開できます）。", "締め切る"),
    "reopen_topic": ("トピックの再開", "トピック「{name}」を再開しますか？メンバーがまたコメントできるようになります。", "再開する"),
    "delete_event": ("イベントの削除", "イベント「{name}」を削除しますか？参加者の一覧も消え、元に戻せません。", "削除する"),
    "delete_poll": ("アンケートの削除", "アンケート「{name}」を削除しますか？回答もすべて消え、元に戻せません。", "削除する"),
})


# accounts: 退会 and データのダウンロード (keitai/accounts/withdraw.py, archive.py)
NOTICES.update({
    "withdrawn": "退会しました。ご利用ありがとうございました。",
    "archive_requested": "データの準備を始めました。できあがると、このページからダウンロードできます。",
    "archive_ready": "データの準備ができました。",
})
REFUSALS.update({
    "accounts.withdraw_password": "パスワードが違います。退会していません。",
    "accounts.no_such_member": "そのメンバーはいません。",
    "accounts.archive_pending": "データを準備しています。できあがるまでお待ちください。",
})
#: The sections of a member's archive (keitai.accounts.owned names), as its pages head them.
ARCHIVE_SECTIONS = {
    "accounts": "アカウント",
    "signup": "送った招待",
    "profiles": "プロフィール",
    "friends": "友人・友人グループ・ブロック",
    "diary": "日記と書いたコメント",
    "albums": "アルバムと書いたコメント",
    "blog_import": "ブログの取り込み",
    "communities": "コミュニティ・トピック・コメント",
    "messages": "メッセージ",
    "footprints": "つけた足あと",
    "introductions": "紹介文",
    "photos": "写真",
    "admin": "運営者の記録",
    "kept": "預かった文章",
    "reports": "通報",
}
#: Column names and kinds of row in the archive's page (anything else is shown as it is).
ARCHIVE_WORDS = {
    "what": "種類", "nickname": "ニックネーム", "mail": "メールアドレス", "birthday": "生年月日",
    "created_at": "日時", "updated_at": "更新", "last_login_at": "最終ログイン", "title": "タイトル", "body": "本文",
    "audience": "公開範囲", "message": "メッセージ", "subject": "件名", "other": "相手", "name": "名前",
    "category": "カテゴリ", "description": "説明", "role": "役割", "joined_at": "参加", "community": "コミュニティ",
    "topic": "トピック", "number": "番号", "note": "メモ", "visited": "訪問先", "visited_at": "訪問日時",
    "visits": "回数", "friend": "友人", "approved": "承認", "archive_file": "写真", "about": "自己紹介",
    "hobbies": "趣味", "prefecture": "住所", "gender": "性別", "real_name": "名前", "age": "年齢", "photo": "写真",
    "friends": "友人リスト", "width": "幅", "height": "高さ", "ref_id": "番号", "source_url": "元の記事",
    "last_ok_at": "最後の取り込み", "reason": "理由", "outcome": "対応", "diary_id": "日記番号",
    "album_id": "アルバム番号", "album": "アルバム", "caption": "写真の説明",
    "topic_id": "トピック番号", "community_id": "コミュニティ番号", "photo_id": "写真番号",
    "kind": "どこの写真", "used_at": "登録", "cancelled_at": "取り消し", "url": "URL", "imported_count": "取り込み件数",
    "carrier": "携帯会社", "model": "機種", "action": "操作",
    "entry": "日記", "comment": "コメント", "friend": "友人", "request_sent": "送った友人申請",
    "request_received": "届いた友人申請", "friend_list": "友人グループ", "blocked": "ブロック",
    "community_run": "管理しているコミュニティ", "membership": "参加", "join_request": "参加申請",
    "topic_comment": "トピックのコメント", "sent": "送信", "received": "受信", "written": "書いた紹介文",
    "about_you": "あなたについて", "by_you": "あなたの操作",
}


# reports: 通報 (keitai/reports) and the operators' answers (keitai/admin)
NOTICES.update({
    "reported": "通報しました。運営者が確認します。",
    "taken_down": "通報された書き込みを削除しました（全員から見えなくなりました）。",
    "withdrawn_by_operator": "書いた人を退会させました。その人のデータはすべて削除しました。",
    "report_dismissed": "通報を「問題なし」として閉じました。",
})
REFUSALS.update({
    "reports.not_found": ERRORS[404],
    "reports.own": "自分の書き込みは通報できません。",
    "reports.bad_reason": "通報の理由を選んでください。",
    "reports.note_too_long": FIELD_TOO_LONG,
    "reports.already": "この書き込みはすでに通報済みです。運営者が確認します。",
    "reports.gone": "通報された書き込みはもうありません。",
    "admin.no_report": "この通報は見つかりません。すでに対応済みです。",
    "admin.bad_action": "対応を選んでください。",
})


# security (issue 18): an invitation or sign-up answers the same for a member's address, whose
# owner is mailed instead; sign-up tries counted per address (keitai/signup, keitai/accounts/ratelimit.py)
MAIL_INVITED_MEMBER_SUBJECT = "keitai への招待について"
MAIL_INVITED_MEMBER_BODY = """{inviter}さんが、このアドレスを keitai に招待しようとしました。
このアドレスはすでに keitai に登録されているので、招待のURLは送っていません（{inviter}さんには、そのことは知らされません）。

ログインはこちらから。
{link}
"""
MAIL_JOIN_TAKEN_SUBJECT = "keitai への登録について"
MAIL_JOIN_TAKEN_BODY = """このアドレスで keitai に新しく登録する手続きがありました。
このアドレスはすでに登録されているので、新しい登録はしていません。

ログインはこちらから。
{link}

心当たりがない場合は、このメールを削除してください。あなたの登録はそのままです。
"""
REFUSALS.update({
    "signup.too_many_tries": "登録の手続きが続けて何度もありました。{minutes}分ほどしてから、もう一度お試しください。",
})



# Mail in (keitai.platform.mail.mailbox): posting by mail (keitai.mailpost), 空メール sign-up and
# address change (keitai.signup.bymail), bounces (keitai.signup.bounces).  Mails to handsets:
# short lines, the link alone on its line.
NOTICES.update({
    "post_address_renewed": "投稿用のアドレスを変更しました。前のアドレスには送っても投稿されません。",
    "mail_confirm_sent": "今のアドレスに確認メールを送りました。メールのURLを開くと確認が完了します。",
})
REFUSALS.update({
    "signup.ticket_unknown": "この登録用URLは正しくないか、すでに使われています。空メールをもう一度送ってください。",
    "signup.ticket_expired": "この登録用URLの有効期限が切れています。空メールをもう一度送ってください。",
})
# The home page's line for a failing address comes first: nothing else reaches a member who misses it.
HOME_NOTICES = {"mail_bounces": "届かなかったメール", **HOME_NOTICES}

MAILPOST_ATTACHMENT = "添付ファイル"
MAILPOST_NO_PHOTO = "写真が添付されていません。JPEG・GIF・PNGの写真を1枚添付して送ってください。"
MAILPOST_DIARY_SUBJECT = "日記を投稿しました"
MAILPOST_DIARY_BODY = (
    "メールで日記を書きました。\n"
    "「{title}」（写真{photos}枚・{audience}）\n"
    "{note}"
    "\n{link}\n"
)
MAILPOST_PHOTOS_LEFT_OUT = "写真は{limit}枚までです。{limit}枚目より後は載せていません。\n"
MAILPOST_PHOTO_SUBJECT = "プロフィール写真を変更しました"
MAILPOST_PHOTO_BODY = "メールで送られた写真をプロフィール写真にしました。\n\n{link}\n"
MAILPOST_REFUSED_SUBJECT = "投稿できませんでした"
MAILPOST_DIARY_REFUSED_BODY = "メールの日記は投稿していません。\n{problems}\n直して、もう一度送ってください。\n"
MAILPOST_PHOTO_REFUSED_BODY = "プロフィール写真は変えていません。\n{problems}\n"
MAILPOST_LIMIT_BODY = "メールでの投稿は24時間に{limit}通までです。\nしばらくしてから送ってください。\n"

MAIL_JOIN_SUBJECT = "keitaiへの登録"
MAIL_JOIN_BODY = (
    "空メールありがとうございます。\n"
    "次のURLを開いて、登録を続けてください（{hours}時間有効・1回だけ）。\n\n"
    "{link}\n\n"
    "お心当たりがないときは、このメールを捨ててください。\n"
)
MAIL_JOIN_MEMBER_BODY = (
    "このアドレスはすでにkeitaiに登録されています。\n"
    "次のURLからログインしてください。\n\n{link}\n"
)
MAIL_CHANGE_TAKEN_BODY = "このアドレスはほかの会員が登録しているため、変更できませんでした。\n"
MAIL_CONFIRM_SUBJECT = "keitai メールアドレスの確認"
MAIL_CONFIRM_BODY = """{nickname}さん、keitai からこのアドレスへのメールが戻ってきていました。
このメールが届いていれば、下のURLを開いてください（{hours}時間有効）。
{link}
"""
VERIFY_MAIL_CONFIRMED = "メールアドレスを確認しました。お知らせメールはこのアドレスに届きます。"

# favorites: お気に入り (keitai/favorites)
NOTICES.update({
    "favorite_added": "お気に入りに追加しました。相手には知らされません。",
    "favorite_removed": "お気に入りから外しました。",
})
REFUSALS.update({
    "favorites.self": "自分をお気に入りに追加することはできません。",
    "favorites.members_full": "お気に入りに登録できるメンバーは{limit}人までです。だれかを外してから追加してください。",
    "favorites.communities_full": "お気に入りに登録できるコミュニティは{limit}件までです。どれかを外してから追加してください。",
})
ARCHIVE_SECTIONS["favorites"] = "お気に入り"
ARCHIVE_WORDS.update({"favorite_member": "お気に入りのメンバー", "favorite_community": "お気に入りのコミュニティ"})
