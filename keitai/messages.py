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
ADMIN_ONLY = "このページは管理者だけが使えます。"
ADMIN_REASON_REQUIRED = "停止の理由を書いてください（会員とのやりとりや他の管理者のために残ります）。"
ADMIN_NOT_YOURSELF = "自分自身は停止できません。"
ADMIN_ALREADY_SUSPENDED = "この会員はすでに停止されています。"
ADMIN_NOT_SUSPENDED = "この会員は停止されていません。"
HANDSET_VIEW_BAD_PATH = "このサイトのページのアドレス（/ で始まるもの）を入れてください。"
HANDSET_VIEW_ON_PC = "この機能はPCかスマートフォンでお使いください。"
SESSION_ENDED = "ログインの有効期限が切れました。もう一度ログインしてください。"

# One-line notices shown after a redirect (?msg=code), so they work without cookies.
NOTICES = {
    "saved": "保存しました。",
    "deleted": "削除しました。",
    "sent": "送信しました。",
    "logged_out": "ログアウトしました。",
    "welcome": "ようこそ！",
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
