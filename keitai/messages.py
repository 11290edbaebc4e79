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
SEARCH_TOO_LONG = "検索語が長すぎます（{limit}文字まで）。"
SEARCH_TOO_MANY_WORDS = "検索語は{limit}つまでにしてください。"
SESSION_ENDED = "ログインの有効期限が切れました。もう一度ログインしてください。"

# One-line notices shown after a redirect (?msg=code), so they work without cookies.
NOTICES = {
    "saved": "保存しました。",
    "deleted": "削除しました。",
    "sent": "送信しました。",
    "logged_out": "ログアウトしました。",
    "welcome": "ようこそ！",
}

AUDIENCES = {
    "everyone": "全体に公開",
    "friends_of_friends": "友人の友人まで公開",
    "friends": "友人まで公開",
    "group": "グループに公開",
    "private": "非公開（自分のみ）",
}
