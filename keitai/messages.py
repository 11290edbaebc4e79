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
