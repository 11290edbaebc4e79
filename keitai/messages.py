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
}
BAD_ENCODING = "送信された文字を読み取れませんでした（文字コードが正しくありません）。何も保存していません。もう一度入力してください。"
BAD_CSRF = "フォームの有効期限が切れたか、正しくない送信です。何も保存していません。もう一度ページを開いてからやり直してください。"
FIELD_TOO_LONG = "入力が長すぎます（{limit}文字まで）。"
LOGIN_REQUIRED = "ログインしてください。"
LOGIN_FAILED = "メールアドレスまたはパスワードが違います。"
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
    "commented": "コメントを書きました。",
    "feed_saved": "ブログの設定を保存しました。次の取り込みで日記になります。",
    "feed_removed": "ブログの取り込みをやめました。取り込んだ日記はそのまま残ります。",
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
MESSAGE_CANNOT_SEND = "この相手にはメッセージを送れません。"
MESSAGE_DAILY_LIMIT = "メッセージは1日に{limit}通までしか送れません。時間をおいてから送ってください。"
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
INTRODUCTION_FRIENDS_ONLY = "紹介文は友人だけが書けます。"

# The home page's first lines (keitai.social.notifications), each followed by a count.
HOME_NOTICES = {
    "friend_requests": "友人申請",
    "messages": "未読メッセージ",
    "diary_comments": "日記への新しいコメント",
    "footprints": "新しい足あと",
    "introductions": "承認待ちの紹介文",
    "community_requests": "コミュニティへの参加申請",
}
# Communities (keitai/social/communities.py raises CommunityError with these).
COMMUNITY = {
    "name_required": "コミュニティ名を入力してください。",
    "bad_category": "カテゴリを選んでください。",
    "bad_policy": "参加・閲覧・トピック作成の設定を選び直してください。",
    "title_required": "タイトルを入力してください。",
    "body_required": "本文を入力してください。",
    "comment_required": "コメントを入力してください。",
    "members_only": "このコミュニティはメンバーだけが読めます。参加すると読めるようになります。",
    "not_member": "コミュニティに参加すると書き込めます。",
    "admins_only_topics": "このコミュニティでトピックを作れるのは管理人と副管理人だけです。",
    "not_admin": "管理人・副管理人だけができる操作です。",
    "not_owner": "管理人だけができる操作です。",
    "not_yours": "自分の書き込みか、管理人・副管理人だけが操作できます。",
    "closed": "このトピックは締め切られているため、コメントできません。",
    "topic_full": "このトピックはコメントが{limit}件に達したため、これ以上書き込めません。新しいトピックを作ってください。",
    "topic_deleted": "このトピックは削除されました。",
    "comment_deleted": "このコメントは削除されました。",
    "cannot_join": "このコミュニティには参加できません。",
    "too_many": "参加できるコミュニティは{limit}個までです。どれかを退会してから参加してください。",
    "their_too_many": "この人は参加できるコミュニティの上限（{limit}個）に達しています。",
    "owner_cannot_leave": "管理人は退会できません。先に管理人を他のメンバーに交代してください。",
    "already_member": "すでに参加しています。",
    "not_joined": "このコミュニティには参加していません。",
    "already_requested": "参加を申請済みです。管理人の承認をお待ちください。",
    "no_request": "この参加申請は見つかりません。取り消されたか、処理済みです。",
    "too_many_subadmins": "副管理人は{limit}人までです。",
    "not_a_member": "この人はこのコミュニティのメンバーではありません。",
    "cannot_remove_admin": "管理人・副管理人は退会させられません。",
    "cannot_delete": "管理人のほかにメンバーがいるコミュニティは削除できません。管理人を交代するか、メンバーが退会してから削除してください。",
    "bad_reason": "報告の理由を選んでください。",
    "already_reported": "この書き込みはすでに報告済みです。管理人が確認します。",
    "no_report": "この報告は見つかりません。すでに処理済みです。",
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
    "requested": "参加を申請しました。管理人の承認をお待ちください。",
    "request_cancelled": "参加申請を取り消しました。",
    "left": "コミュニティを退会しました。",
    "approved": "参加を承認しました。",
    "rejected": "参加申請をお断りしました。",
    "topic_created": "トピックを作成しました。",
    "commented": "コメントを書き込みました。",
    "closed": "トピックを締め切りました。",
    "reopened": "トピックを再開しました。",
    "reported": "報告しました。管理人が確認します。",
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
PHOTO_ERRORS = {
    "too_large": "写真のファイルが大きすぎます（{mb}MBまで）。",
    "not_image": "写真として読み取れないファイルです。JPEG・PNG・GIFの写真を選んでください。",
    "too_many_pixels": "写真の画素数が大きすぎます。小さくしてから送ってください。",
}

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
