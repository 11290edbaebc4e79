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

# One-line notices shown after a redirect (?msg=code), so they work without cookies.
NOTICES = {
    "saved": "保存しました。",
    "deleted": "削除しました。",
    "sent": "送信しました。",
    "logged_out": "ログアウトしました。",
    "welcome": "ようこそ！",
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
